//===- OnnxWrite.cpp - NetSpec -> ONNX (protobuf; exceptions) -------------===//

#include "lfrt/OnnxWrite.h"

#include "onnx/onnx_pb.h"

#include <cstdio>
#include <fstream>

namespace lfrt {

static void setShape(onnx::ValueInfoProto *vi, const std::string &name,
                     const std::vector<int64_t> &shape) {
  vi->set_name(name);
  auto *tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    tt->mutable_shape()->add_dim()->set_dim_value(d);
}

static void addFloatInit(onnx::GraphProto *g, const std::string &name,
                         const std::vector<int64_t> &shape,
                         const std::vector<float> &v) {
  auto *t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char *>(v.data()),
                              v.size() * sizeof(float)));
}

static void addI64Init(onnx::GraphProto *g, const std::string &name,
                       const std::vector<int64_t> &v) {
  auto *t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(v.size());
  for (int64_t x : v)
    t->add_int64_data(x);
}

static void attrF(onnx::NodeProto *n, const char *name, double v) {
  auto *a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f((float)v);
}
static void attrI(onnx::NodeProto *n, const char *name, int64_t v) {
  auto *a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

bool writeOnnx(const NetSpec &spec, const std::string &path, std::string &err) {
  try {
    onnx::ModelProto m;
    m.set_ir_version(7);
    m.set_producer_name("lf-runtime");
    auto *os = m.add_opset_import();
    os->set_domain("");
    os->set_version(13);
    auto *g = m.mutable_graph();
    g->set_name(spec.funcName.empty() ? "model" : spec.funcName);
    std::vector<std::string> names(spec.ops.size());
    for (size_t i = 0; i < spec.ops.size(); ++i) {
      const NetOp &op = spec.ops[i];
      names[i] = op.kind == OpKind::Input ? op.name : "v" + std::to_string(i);
      auto in = [&](int k) { return names[op.operands[k]]; };
      auto node = [&](const char *type) {
        auto *n = g->add_node();
        n->set_op_type(type);
        n->set_name(std::string(type) + "_" + std::to_string(i));
        for (size_t k = 0; k < op.operands.size(); ++k)
          n->add_input(in(k));
        n->add_output(names[i]);
        return n;
      };
      switch (op.kind) {
      case OpKind::Input:
        setShape(g->add_input(), op.name, op.shape);
        break;
      case OpKind::Constant:
        addFloatInit(g, names[i], op.shape, op.data);
        break;
      case OpKind::Fc: {
        const NetParam &w = spec.params[op.param], &b = spec.params[op.param + 1];
        addFloatInit(g, w.name, w.shape, w.values);
        addFloatInit(g, b.name, b.shape, b.values);
        auto *n = node("Gemm");
        n->add_input(w.name);
        n->add_input(b.name);
        attrI(n, "transB", 1);
        break;
      }
      case OpKind::MatMul: node("MatMul"); break;
      case OpKind::Binary: {
        static const char *k[] = {"Add", "Sub", "Mul", "Div"};
        node(k[op.sub & 3]);
        break;
      }
      case OpKind::Clamp: {
        std::string lo = names[i] + "_min", hi = names[i] + "_max";
        addFloatInit(g, lo, {}, {(float)op.a});
        addFloatInit(g, hi, {}, {(float)op.b});
        auto *n = node("Clip");
        n->add_input(lo);
        n->add_input(hi);
        break;
      }
      case OpKind::Activation: {
        switch (op.sub) {
        case ActTanh: node("Tanh"); break;
        case ActSigmoid: node("Sigmoid"); break;
        case ActExp: node("Exp"); break;
        case ActSoftplus: node("Softplus"); break;
        case ActElu: attrF(node("Elu"), "alpha", op.a); break;
        case ActSelu: {
          auto *n = node("Selu");
          attrF(n, "alpha", op.a);
          attrF(n, "gamma", op.c);
          break;
        }
        case ActHardSigmoid: {
          auto *n = node("HardSigmoid");
          attrF(n, "alpha", op.a);
          attrF(n, "beta", op.b);
          break;
        }
        case ActLeakyRelu: attrF(node("LeakyRelu"), "alpha", op.a); break;
        case ActSoftsign: node("Softsign"); break;
        case ActErf: node("Erf"); break;
        case ActAbs: node("Abs"); break;
        case ActLog: node("Log"); break;
        case ActHardSwish: {
          // Opset 13 has no HardSwish: x * HardSigmoid(x; 1/6, 1/2).
          std::string hs = names[i] + "_hs";
          auto *h = g->add_node();
          h->set_op_type("HardSigmoid");
          h->set_name("HardSigmoid_" + std::to_string(i));
          h->add_input(in(0));
          h->add_output(hs);
          attrF(h, "alpha", 1.0 / 6.0);
          attrF(h, "beta", 0.5);
          auto *m = g->add_node();
          m->set_op_type("Mul");
          m->set_name("Mul_" + std::to_string(i));
          m->add_input(in(0));
          m->add_input(hs);
          m->add_output(names[i]);
          break;
        }
        default: err = "unknown activation"; return false;
        }
        break;
      }
      case OpKind::Reduce: {
        if (op.sub == RedSum) {
          std::string ax = names[i] + "_axes";
          addI64Init(g, ax, {op.axis});
          auto *n = node("ReduceSum");
          n->add_input(ax);
          attrI(n, "keepdims", 1);
        } else {
          auto *n = node("ReduceMax");
          auto *a = n->add_attribute();
          a->set_name("axes");
          a->set_type(onnx::AttributeProto::INTS);
          a->add_ints(op.axis);
          attrI(n, "keepdims", 1);
        }
        break;
      }
      case OpKind::Concat: attrI(node("Concat"), "axis", op.axis); break;
      case OpKind::Reshape: {
        std::string sh = names[i] + "_shape";
        addI64Init(g, sh, op.shape);
        node("Reshape")->add_input(sh);
        break;
      }
      case OpKind::Softmax: attrI(node("Softmax"), "axis", op.axis); break;
      case OpKind::Gather: {
        // Flatten, Gather on axis 0 with the index map, reshape.
        std::string flat = names[i] + "_flat", fs = flat + "_shape",
                    idx = names[i] + "_indices", sh = names[i] + "_shape",
                    g0 = names[i] + "_g";
        addI64Init(g, fs, {-1});
        addI64Init(g, idx, op.indices);
        addI64Init(g, sh, op.shape);
        auto *r = g->add_node();
        r->set_op_type("Reshape");
        r->set_name("Reshape_" + flat);
        r->add_input(in(0));
        r->add_input(fs);
        r->add_output(flat);
        auto *n = g->add_node();
        n->set_op_type("Gather");
        n->set_name("Gather_" + std::to_string(i));
        n->add_input(flat);
        n->add_input(idx);
        n->add_output(g0);
        auto *r2 = g->add_node();
        r2->set_op_type("Reshape");
        r2->set_name("Reshape_" + names[i]);
        r2->add_input(g0);
        r2->add_input(sh);
        r2->add_output(names[i]);
        break;
      }
      }
    }
    for (size_t k = 0; k < spec.outputs.size(); ++k) {
      int id = spec.outputs[k];
      std::string oname = k < spec.outputNames.size() ? spec.outputNames[k]
                                                       : "output" + std::to_string(k);
      // An Identity gives the output its own name (values may be reused).
      auto *n = g->add_node();
      n->set_op_type("Identity");
      n->set_name("out_" + std::to_string(k));
      n->add_input(names[id]);
      n->add_output(oname);
      setShape(g->add_output(), oname, spec.ops[id].shape);
    }
    std::string tmp = path + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      if (!f || !m.SerializeToOstream(&f)) {
        err = "cannot write " + tmp;
        return false;
      }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      err = "cannot rename " + tmp + " to " + path;
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    err = std::string("writing ONNX: ") + e.what();
    return false;
  }
}

} // namespace lfrt
