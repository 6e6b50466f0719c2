//===- Trainer.h - objectives and batched online updates --------*- C++ -*-===//
//
// Objective interface: loss of a batch given the net's outputs. Supervised:
// MSE, Huber (delta), cross-entropy (label = class index; outputs logits or
// probabilities). REINFORCE: Gaussian policy N(mu = net(x), sigma^2) over
// continuous actions; loss = -mean((r - b) * log pi(a | x)) with b an
// exponential moving average of the rewards (the baseline); the reported
// loss (for the stability rule) is the policy's mean squared distance to the
// advantage-weighted actions... kept simple: the surrogate loss value.
// Exceptions TU only (torch).
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_TRAINER_H
#define LFRT_TRAINER_H

#include "lfrt/Config.h"
#include "lfrt/Samples.h"
#include "lfrt/TorchNet.h"

#include <memory>

namespace lfrt {

class Objective {
public:
  virtual ~Objective() = default;
  /// out: [B, nOut] net outputs; label: [B, L]. Returns the scalar loss to
  /// minimise.
  virtual torch::Tensor loss(const torch::Tensor &out,
                             const torch::Tensor &label) = 0;
  /// Loss used for monitoring/stability (default: the training loss).
  virtual double monitor(const torch::Tensor &out, const torch::Tensor &label,
                         double trainLoss) { return trainLoss; }
  virtual const char *name() const = 0;
};

std::unique_ptr<Objective> makeObjective(const ModelConfig &c);

class Trainer {
public:
  Trainer(const NetSpec &spec, const ModelConfig &c);
  /// One optimiser step on the batch; returns the monitored loss.
  double step(const std::vector<const Sample *> &batch);
  /// Loss on samples without a step.
  double evaluate(const std::vector<const Sample *> &batch);
  /// Tuned outputs for samples (no grad).
  std::vector<std::vector<double>> predict(const std::vector<const Sample *> &batch);
  TorchNet &net() { return net_; }
  uint64_t steps() const { return steps_; }

private:
  void tensors(const std::vector<const Sample *> &b, torch::Tensor &x,
               torch::Tensor &label);
  ModelConfig cfg_;
  TorchNet net_;
  std::unique_ptr<Objective> obj_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  uint64_t steps_ = 0;
};

} // namespace lfrt

#endif
