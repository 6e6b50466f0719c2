//===- ServingNet.cpp - a model's float net answering kernel queries ------===//

#include "lfrt/ServingNet.h"

#include "lfrt/TorchNet.h"

#include "lf_float.h"

#include <cmath>
#include <mutex>

namespace lfrt {

struct ServingNet::Impl {
  NetSpec spec;
  std::vector<int8_t> inFrac, outFrac;
  std::mutex mu;  ///< guards net
  TorchNet net{nullptr};
};

ServingNet::ServingNet(const NetSpec &spec, std::vector<int8_t> inFrac,
                       std::vector<int8_t> outFrac)
    : impl_(std::make_unique<Impl>()) {
  impl_->spec = spec;
  impl_->inFrac = std::move(inFrac);
  impl_->outFrac = std::move(outFrac);
  impl_->net = TorchNet(impl_->spec);
  impl_->net->eval();
}

ServingNet::~ServingNet() = default;

void ServingNet::update(const std::vector<NetParam> &params) {
  NetSpec s = impl_->spec;
  s.params = params;
  TorchNet n(s);  // built outside the lock: answers keep going meanwhile
  n->eval();
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->net = n;
  ++updates_;
}

bool ServingNet::answer(const int32_t *in, uint32_t nIn, std::vector<int32_t> &out) {
  const Impl &c = *impl_;
  if (nIn != c.inFrac.size() || (int64_t)nIn != c.spec.nIn)
    return false;
  torch::NoGradGuard ng;
  torch::Tensor x = torch::empty({1, (int64_t)nIn}, torch::kFloat32);
  auto xa = x.accessor<float, 2>();
  for (uint32_t i = 0; i < nIn; ++i)
    xa[0][i] = (float)std::ldexp((double)in[i], -c.inFrac[i]);
  torch::Tensor y;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    y = impl_->net->forward(x).contiguous();
  }
  auto ya = y.accessor<float, 2>();
  out.resize(c.outFrac.size());
  for (size_t j = 0; j < out.size(); ++j)
    out[j] = (int32_t)lf_quantize_double((double)ya[0][j], c.outFrac[j], 32);
  ++answered_;
  return true;
}

} // namespace lfrt
