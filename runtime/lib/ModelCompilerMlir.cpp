//===- ModelCompilerMlir.cpp - MLIR side of lf-runtime (no exceptions) ----===//

#include "lfrt/ModelCompiler.h"

#include "lf/LfDialect.h"
#include "lfc/EmitC.h"
#include "lfc/Interpreter.h"
#include "lfc/Pipeline.h"
#include "lfc/Snapshot.h"
#include "lfc/Twin.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "lf_float.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

using namespace mlir;
using namespace mlir::lf;

namespace lfrt {

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

std::vector<int64_t> shapeOf(Value v) {
  auto s = cast<RankedTensorType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

std::vector<float> readFloats(ElementsAttr attr) {
  std::vector<float> out;
  out.reserve(attr.getNumElements());
  for (APFloat v : attr.getValues<APFloat>())
    out.push_back(static_cast<float>(v.convertToDouble()));
  return out;
}

/// Collects diagnostics into one line.
struct DiagCollector {
  std::string text;
  ScopedDiagnosticHandler h;
  explicit DiagCollector(MLIRContext *ctx)
      : h(ctx, [this](Diagnostic &d) {
          if (d.getSeverity() != DiagnosticSeverity::Error)
            return success();
          std::string s;
          llvm::raw_string_ostream os(s);
          os << d;
          for (char &ch : s)
            if (ch == '\n')
              ch = ' ';
          if (!text.empty())
            text += "; ";
          text += s;
          return success();
        }) {}
};

class TwinImpl : public SnapshotTwin {
public:
  std::unique_ptr<Twin> twin;
  CompiledSnapshot snap;
  int infer(const void *params, const int32_t *in, int32_t *out) const override {
    return params ? twin->inferWithParams(params, in, out)
                  : twin->infer(in, out);
  }
  std::vector<double> runReal(const void *params,
                              const std::vector<double> &x) const override {
    if (x.size() != snap.nIn)
      return {};
    std::vector<int32_t> in(snap.nIn), out(snap.nOut);
    for (unsigned i = 0; i < snap.nIn; ++i)
      in[i] = (int32_t)lf_quantize_double(x[i], snap.inFrac[i],
                                          (int)snap.inWidth[i]);
    if (infer(params, in.data(), out.data()) != 0)
      return {};
    std::vector<double> y(snap.nOut);
    for (unsigned i = 0; i < snap.nOut; ++i)
      y[i] = lf_dequantize_int(out[i], snap.outFrac[i]);
    return y;
  }
  const CompiledSnapshot &snapshot() const override { return snap; }
};

class CompilerImpl : public ModelCompiler {
public:
  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
  NetSpec spec;
  std::map<std::string, SnapshotInfo> infos;  // by package dir

  /// Per-element output fracs -> one frac per function result (the
  /// elements of a result share its format).
  bool resultFracs(const std::vector<int8_t> &outFrac, std::vector<int> &r,
                   std::string &err) const {
    r.clear();
    if (outFrac.empty())
      return true;
    if (outFrac.size() != (size_t)spec.nOut) {
      err = "pinned output formats: " + std::to_string(outFrac.size()) +
            " given, the model has " + std::to_string(spec.nOut) + " outputs";
      return false;
    }
    size_t e = 0;
    for (int id : spec.outputs) {
      int64_t n = numElements(spec.ops[id].shape);
      for (int64_t i = 1; i < n; ++i)
        if (outFrac[e + i] != outFrac[e]) {
          err = "pinned output formats: the elements of result " +
                std::to_string(r.size()) + " have different formats";
          return false;
        }
      r.push_back(outFrac[e]);
      e += n;
    }
    return true;
  }

  bool init(const std::string &path, const std::string &funcName,
            std::string &err) {
    DiagCollector dc(&ctx);
    module = importModel(path, ctx, funcName);
    if (!module) {
      err = dc.text.empty() ? "cannot import " + path : dc.text;
      return false;
    }
    if (failed(lowerToFloat(*module))) {
      err = path + ": " + dc.text;
      return false;
    }
    return extract(err);
  }

  bool extract(std::string &err) {
    func::FuncOp f = getModelFunc(*module);
    if (!f) {
      err = "the model holds no function";
      return false;
    }
    spec = NetSpec();
    spec.funcName = f.getName().str();
    llvm::DenseMap<Value, int> ids;
    auto add = [&](NetOp op, Value v) {
      op.shape = shapeOf(v);
      ids[v] = (int)spec.ops.size();
      spec.ops.push_back(std::move(op));
    };
    std::vector<std::string> inNames;
    if (auto a = f->getAttrOfType<ArrayAttr>("lf.input_names"))
      for (Attribute s : a)
        if (auto str = dyn_cast<StringAttr>(s))
          inNames.push_back(str.str());
    if (auto a = f->getAttrOfType<ArrayAttr>("lf.output_names"))
      for (Attribute s : a)
        if (auto str = dyn_cast<StringAttr>(s))
          spec.outputNames.push_back(str.str());
    for (auto [i, arg] : llvm::enumerate(f.getArguments())) {
      NetOp op;
      op.kind = OpKind::Input;
      op.name = i < inNames.size() ? inNames[i] : "input" + std::to_string(i);
      spec.inputs.push_back((int)spec.ops.size());
      add(op, arg);
      spec.nIn += numElements(spec.ops.back().shape);
    }
    int fcCount = 0;
    for (Operation &o : f.getBody().front()) {
      NetOp op;
      for (Value v : o.getOperands()) {
        auto it = ids.find(v);
        if (it == ids.end()) {
          err = "operand not defined";
          return false;
        }
        op.operands.push_back(it->second);
      }
      if (auto r = dyn_cast<func::ReturnOp>(o)) {
        for (int id : op.operands) {
          spec.outputs.push_back(id);
          spec.nOut += numElements(spec.ops[id].shape);
        }
        continue;
      }
      if (o.getNumResults() != 1) {
        err = "unsupported op " + o.getName().getStringRef().str();
        return false;
      }
      Value res = o.getResult(0);
      if (!cast<RankedTensorType>(res.getType()).getElementType().isF32()) {
        err = "not a float-level function (op " +
              o.getName().getStringRef().str() + ")";
        return false;
      }
      if (auto c = dyn_cast<ConstantOp>(o)) {
        op.kind = OpKind::Constant;
        op.data = readFloats(c.getValue());
      } else if (auto fc = dyn_cast<FullyConnectedOp>(o)) {
        op.kind = OpKind::Fc;
        op.param = (int)spec.params.size();
        NetParam w, b;
        w.name = "fc" + std::to_string(fcCount) + ".weight";
        b.name = "fc" + std::to_string(fcCount) + ".bias";
        ++fcCount;
        w.shape = {fc.getOutFeatures(), fc.getInFeatures()};
        b.shape = {fc.getOutFeatures()};
        w.values = readFloats(fc.getWeight());
        b.values = readFloats(fc.getBias());
        spec.params.push_back(std::move(w));
        spec.params.push_back(std::move(b));
      } else if (isa<MatMulOp>(o)) {
        op.kind = OpKind::MatMul;
      } else if (auto bin = dyn_cast<BinaryOp>(o)) {
        op.kind = OpKind::Binary;
        op.sub = (int)bin.getKind();
      } else if (auto cl = dyn_cast<ClampOp>(o)) {
        op.kind = OpKind::Clamp;
        op.a = cl.getMin().convertToDouble();
        op.b = cl.getMax().convertToDouble();
      } else if (auto act = dyn_cast<ActivationOp>(o)) {
        op.kind = OpKind::Activation;
        op.sub = (int)act.getKind();
        op.a = act.getAlpha().convertToDouble();
        op.b = act.getBeta().convertToDouble();
        op.c = act.getGamma().convertToDouble();
      } else if (auto red = dyn_cast<ReduceOp>(o)) {
        op.kind = OpKind::Reduce;
        op.sub = (int)red.getKind();
        op.axis = red.getAxis();
      } else if (auto cat = dyn_cast<ConcatOp>(o)) {
        op.kind = OpKind::Concat;
        op.axis = cat.getAxis();
      } else if (isa<ReshapeOp>(o)) {
        op.kind = OpKind::Reshape;
      } else if (auto g = dyn_cast<GatherOp>(o)) {
        op.kind = OpKind::Gather;
        op.indices.assign(g.getIndices().begin(), g.getIndices().end());
      } else if (auto sm = dyn_cast<SoftmaxOp>(o)) {
        op.kind = OpKind::Softmax;
        op.axis = sm.getAxis();
      } else {
        err = "op " + o.getName().getStringRef().str() +
              " is not supported by the runtime's trainable model";
        return false;
      }
      add(std::move(op), res);
    }
    return true;
  }

  const NetSpec &net() const override { return spec; }

  bool setWeights(const std::vector<NetParam> &params,
                  std::string &err) override {
    if (params.size() != spec.params.size()) {
      err = "parameter count mismatch (" + std::to_string(params.size()) +
            " given, the model has " + std::to_string(spec.params.size()) + ")";
      return false;
    }
    for (size_t i = 0; i < params.size(); ++i)
      if (params[i].shape != spec.params[i].shape ||
          params[i].values.size() != spec.params[i].values.size()) {
        err = "parameter " + spec.params[i].name + ": shape mismatch";
        return false;
      }
    func::FuncOp f = getModelFunc(*module);
    Type f32 = Float32Type::get(&ctx);
    size_t k = 0;
    f.walk([&](FullyConnectedOp fc) {
      const NetParam &w = params[k], &b = params[k + 1];
      auto wt = RankedTensorType::get(w.shape, f32);
      auto bt = RankedTensorType::get(b.shape, f32);
      fc.setWeightAttr(DenseElementsAttr::get(wt, llvm::ArrayRef<float>(w.values)));
      fc.setBiasAttr(DenseElementsAttr::get(bt, llvm::ArrayRef<float>(b.values)));
      spec.params[k].values = w.values;
      spec.params[k + 1].values = b.values;
      k += 2;
    });
    return true;
  }

  bool evalFloat(const std::vector<double> &x, std::vector<double> &y,
                 std::string &err) const override {
    auto *self = const_cast<CompilerImpl *>(this);
    DiagCollector dc(&self->ctx);
    auto r = evaluateFloat(getModelFunc(*self->module), x);
    if (failed(r)) {
      err = dc.text;
      return false;
    }
    y = std::move(*r);
    return true;
  }

  std::string floatIR() const override {
    std::string s;
    llvm::raw_string_ostream os(s);
    const_cast<CompilerImpl *>(this)->module->print(os);
    return s;
  }

  bool compile(const CompileOptions &o, const std::string &model,
               uint32_t version, const std::string &dir,
               const std::string &coreSymvers, CompiledSnapshot &out,
               std::string &err) override {
    auto t0 = std::chrono::steady_clock::now();
    DiagCollector dc(&ctx);
    QuantOptions q;
    q.bits = o.bits;
    q.headroom = o.headroom;
    // q.inputHeadroom stays lfc's default: the daemon's first compile must
    // reproduce the snapshot lfc made of the same ONNX and ranges (the twin
    // of the running architecture), or no weight push would fit it.
    q.lutError = o.lutError;
    for (auto &r : o.inputRanges)
      q.inputRanges.push_back(Interval{r.first, r.second});
    if (!resultFracs(o.pinOutFrac, q.resultFracs, err))
      return false;
    q.saturatePinned = o.saturatePinned;
    OwningOpRef<ModuleOp> fixed = module->clone();
    if (failed(lowerToFixed(*fixed, q))) {
      err = "quantization failed: " + dc.text;
      return false;
    }
    PackageOptions po;
    po.dir = dir;
    po.name = sanitizeSnapshotName(model) + "_v" + std::to_string(version);
    po.model = model;
    po.version = version;
    po.coreSymvers = coreSymvers;
    llvm::json::Array rj;
    for (auto &r : o.inputRanges)
      rj.push_back(llvm::json::Array{r.first, r.second});
    po.extra["input_ranges"] = std::move(rj);
    po.extra["input_ranges_from"] = "lf-runtime";
    SnapshotInfo info;
    if (failed(writeSnapshotPackage(getModelFunc(*fixed), po, info))) {
      err = "snapshot emission failed: " + dc.text;
      return false;
    }
    out = CompiledSnapshot();
    out.name = info.name;
    out.model = model;
    out.dir = dir;
    out.moduleName = "lf_snap_" + info.name;
    out.version = version;
    out.archHash = info.archHash;
    out.archString = info.archString;
    out.nIn = info.nIn;
    out.nOut = info.nOut;
    out.inFrac = info.inFrac;
    out.outFrac = info.outFrac;
    for (const TensorInfo &t : info.inputs)
      for (int64_t i = 0; i < t.numElements(); ++i)
        out.inWidth.push_back(t.width);
    out.params = info.params;
    out.compileMs = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
    infos[dir] = info;
    return true;
  }

  std::unique_ptr<SnapshotTwin> buildTwin(const CompiledSnapshot &s,
                                          std::string &err) override {
    auto it = infos.find(s.dir);
    if (it == infos.end()) {
      err = "no snapshot compiled in this process at " + s.dir;
      return nullptr;
    }
    auto readText = [&](const std::string &file, std::string &text) {
      llvm::SmallString<256> p(s.dir);
      llvm::sys::path::append(p, file);
      auto buf = llvm::MemoryBuffer::getFile(p);
      if (!buf) {
        err = "cannot read " + std::string(p) + ": " + buf.getError().message();
        return false;
      }
      text = (*buf)->getBuffer().str();
      return true;
    };
    std::string c, h;
    if (!readText(s.name + ".c", c) || !readText(s.name + ".h", h))
      return nullptr;
    auto twin = Twin::build(it->second, c, h);
    if (!twin) {
      err = llvm::toString(twin.takeError());
      return nullptr;
    }
    auto impl = std::make_unique<TwinImpl>();
    impl->twin = std::move(*twin);
    impl->snap = s;
    return impl;
  }
};

} // namespace

std::unique_ptr<ModelCompiler> ModelCompiler::load(const std::string &path,
                                                   const std::string &funcName,
                                                   std::string &err) {
  auto c = std::make_unique<CompilerImpl>();
  if (!c->init(path, funcName, err))
    return nullptr;
  return c;
}

bool compileForUpdate(ModelCompiler &mc, CompileOptions o, uint64_t runningArchHash,
                      const std::vector<int8_t> &runningOutFrac,
                      const std::string &model, uint32_t version,
                      const std::string &dir, const std::string &coreSymvers,
                      UpdateSnapshot &out, std::string &err) {
  out = UpdateSnapshot();
  o.pinOutFrac = runningOutFrac;
  std::string pinErr;
  if (mc.compile(o, model, version, dir, coreSymvers, out.snap, pinErr)) {
    out.pinned = true;
  } else {
    // The tuned outputs outgrew the running formats. Those formats are the
    // model's contract with its datapath (lf_core accepts no other
    // architecture for the model), so the outputs saturate at them.
    CompileOptions sat = o;
    sat.saturatePinned = true;
    std::string satErr;
    if (mc.compile(sat, model, version, dir, coreSymvers, out.snap, satErr)) {
      out.pinned = out.saturated = true;
      out.note = "the tuned model's outputs outgrew the running formats and "
                 "saturate at them (" + pinErr + ")";
    } else {
      // A malformed pin: the model's own formats, another architecture.
      out.why = "the running output formats cannot be kept (" + satErr + ")";
      o.pinOutFrac.clear();
      if (!mc.compile(o, model, version, dir, coreSymvers, out.snap, err))
        return false;
    }
  }
  if (out.snap.archHash == runningArchHash) {
    out.fast = true;
    return true;
  }
  if (out.why.empty()) {
    char b[160];
    snprintf(b, sizeof b,
             "the tuned model's arch hash 0x%016llx differs from the running 0x%016llx",
             (unsigned long long)out.snap.archHash, (unsigned long long)runningArchHash);
    out.why = b;
  }
  return true;
}

} // namespace lfrt
