//===- TorchNet.h - trainable LibTorch module from a NetSpec ----*- C++ -*-===//
//
// Built from the float-level lf IR (through NetSpec): every lf.fc becomes a
// weight (N x K) and bias (N) parameter; the other ops become torch ops on
// tensors with a leading batch dimension (shape [B, <lf shape>]).
// Exceptions TU only (includes torch).
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_TORCHNET_H
#define LFRT_TORCHNET_H

#include "lfrt/NetSpec.h"

#include <torch/torch.h>

namespace lfrt {

class TorchNetImpl : public torch::nn::Module {
public:
  explicit TorchNetImpl(const NetSpec &spec);
  /// x: [B, nIn] (all inputs flattened and concatenated); returns [B, nOut].
  torch::Tensor forward(torch::Tensor x);
  /// Copies the current parameter values into NetParams (spec order).
  std::vector<NetParam> exportParams() const;
  const NetSpec &spec() const { return spec_; }

private:
  NetSpec spec_;
  std::vector<torch::Tensor> params_;     // spec order
  std::vector<torch::Tensor> constants_;  // by op index (undefined if none)
};
TORCH_MODULE(TorchNet);

/// Convenience: evaluates one sample in double (for tests and fidelity).
std::vector<double> forwardOne(TorchNet &net, const std::vector<double> &x);

} // namespace lfrt

#endif
