//===- TorchNet.cpp - trainable LibTorch module from a NetSpec ------------===//

#include "lfrt/TorchNet.h"

#include <stdexcept>

namespace lfrt {

static std::vector<int64_t> withBatch(int64_t b, const std::vector<int64_t> &s) {
  std::vector<int64_t> r{b};
  r.insert(r.end(), s.begin(), s.end());
  return r;
}

TorchNetImpl::TorchNetImpl(const NetSpec &spec) : spec_(spec) {
  torch::NoGradGuard ng;
  for (size_t i = 0; i < spec_.params.size(); ++i) {
    const NetParam &p = spec_.params[i];
    auto t = torch::from_blob(const_cast<float *>(p.values.data()),
                              p.shape, torch::kFloat32).clone();
    std::string n = p.name;
    for (char &c : n)
      if (c == '.')
        c = '_';
    params_.push_back(register_parameter(n, t));
  }
  constants_.resize(spec_.ops.size());
  for (size_t i = 0; i < spec_.ops.size(); ++i) {
    const NetOp &op = spec_.ops[i];
    if (op.kind == OpKind::Constant)
      constants_[i] = torch::from_blob(const_cast<float *>(op.data.data()),
                                       withBatch(1, op.shape), torch::kFloat32)
                          .clone();
  }
}

torch::Tensor TorchNetImpl::forward(torch::Tensor x) {
  const int64_t B = x.size(0);
  std::vector<torch::Tensor> v(spec_.ops.size());
  int64_t off = 0;
  auto rank = [&](int id) { return (int64_t)spec_.ops[id].shape.size(); };
  // Aligns an operand of lf rank r to rank `to` (numpy broadcasting without
  // the batch dimension taking part).
  auto align = [&](int id, int64_t to) {
    torch::Tensor t = v[id];
    std::vector<int64_t> s = t.sizes().vec();
    int64_t r = rank(id);
    if (r >= to)
      return t;
    std::vector<int64_t> ns{s[0]};
    for (int64_t k = r; k < to; ++k)
      ns.push_back(1);
    ns.insert(ns.end(), s.begin() + 1, s.end());
    return t.reshape(ns);
  };
  for (size_t i = 0; i < spec_.ops.size(); ++i) {
    const NetOp &op = spec_.ops[i];
    const auto &o = op.operands;
    switch (op.kind) {
    case OpKind::Input: {
      int64_t n = numElements(op.shape);
      v[i] = x.narrow(1, off, n).reshape(withBatch(B, op.shape));
      off += n;
      break;
    }
    case OpKind::Constant:
      v[i] = constants_[i];
      break;
    case OpKind::Fc:
      v[i] = torch::matmul(v[o[0]], params_[op.param].t()) + params_[op.param + 1];
      break;
    case OpKind::MatMul:
      v[i] = torch::matmul(v[o[0]], v[o[1]]);
      break;
    case OpKind::Binary: {
      int64_t r = std::max(rank(o[0]), rank(o[1]));
      torch::Tensor a = align(o[0], r), b = align(o[1], r);
      switch (op.sub) {
      case BinAdd: v[i] = a + b; break;
      case BinSub: v[i] = a - b; break;
      case BinMul: v[i] = a * b; break;
      default: v[i] = a / b; break;
      }
      // a constant op a constant keeps batch 1: broadcast to B
      if (v[i].size(0) != B)
        v[i] = v[i].expand(withBatch(B, op.shape));
      break;
    }
    case OpKind::Clamp:
      v[i] = torch::clamp(v[o[0]], op.a, op.b);
      break;
    case OpKind::Activation: {
      torch::Tensor t = v[o[0]];
      switch (op.sub) {
      case ActTanh: v[i] = torch::tanh(t); break;
      case ActSigmoid: v[i] = torch::sigmoid(t); break;
      case ActExp: v[i] = torch::exp(t); break;
      case ActSoftplus: v[i] = torch::softplus(t); break;
      case ActElu: v[i] = torch::elu(t, op.a); break;
      case ActSelu:
        v[i] = op.c * torch::where(t > 0, t, op.a * (torch::exp(t) - 1));
        break;
      case ActHardSigmoid: v[i] = torch::clamp(op.a * t + op.b, 0.0, 1.0); break;
      case ActLeakyRelu: v[i] = torch::leaky_relu(t, op.a); break;
      case ActSoftsign: v[i] = t / (1 + torch::abs(t)); break;
      case ActErf: v[i] = torch::erf(t); break;
      case ActAbs: v[i] = torch::abs(t); break;
      case ActHardSwish: v[i] = t * torch::clamp(t / 6 + 0.5, 0.0, 1.0); break;
      case ActLog: v[i] = torch::log(t); break;
      default: throw std::runtime_error("unknown activation kind");
      }
      break;
    }
    case OpKind::Reduce:
      v[i] = op.sub == RedMax ? std::get<0>(torch::max(v[o[0]], op.axis + 1, true))
                              : torch::sum(v[o[0]], {op.axis + 1}, true);
      break;
    case OpKind::Concat: {
      std::vector<torch::Tensor> ts;
      for (int id : o)
        ts.push_back(v[id].size(0) == B ? v[id]
                                        : v[id].expand(withBatch(B, spec_.ops[id].shape)));
      v[i] = torch::cat(ts, op.axis + 1);
      break;
    }
    case OpKind::Reshape:
      v[i] = v[o[0]].reshape(withBatch(v[o[0]].size(0), op.shape));
      break;
    case OpKind::Softmax:
      v[i] = torch::softmax(v[o[0]], op.axis + 1);
      break;
    case OpKind::Gather: {
      torch::Tensor t = v[o[0]];
      torch::Tensor idx = torch::tensor(op.indices, torch::kLong);
      v[i] = t.reshape({t.size(0), -1})
                 .index_select(1, idx)
                 .reshape(withBatch(t.size(0), op.shape));
      break;
    }
    }
  }
  std::vector<torch::Tensor> outs;
  for (int id : spec_.outputs) {
    torch::Tensor t = v[id];
    if (t.size(0) != B)
      t = t.expand(withBatch(B, spec_.ops[id].shape));
    outs.push_back(t.reshape({B, -1}));
  }
  return outs.size() == 1 ? outs[0] : torch::cat(outs, 1);
}

std::vector<NetParam> TorchNetImpl::exportParams() const {
  std::vector<NetParam> r = spec_.params;
  for (size_t i = 0; i < r.size(); ++i) {
    torch::Tensor t = params_[i].detach().to(torch::kFloat32).contiguous();
    r[i].values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  }
  return r;
}

std::vector<double> forwardOne(TorchNet &net, const std::vector<double> &x) {
  torch::NoGradGuard ng;
  std::vector<float> xf(x.begin(), x.end());
  auto t = torch::from_blob(xf.data(), {1, (int64_t)xf.size()}, torch::kFloat32);
  auto y = net->forward(t).contiguous();
  return std::vector<double>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
}

} // namespace lfrt
