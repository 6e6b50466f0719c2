//===- Objective.cpp - objectives and the trainer (LibTorch) --------------===//

#include "lfrt/Trainer.h"

#include <cmath>

namespace lfrt {

namespace {

class MseObjective : public Objective {
public:
  torch::Tensor loss(const torch::Tensor &out, const torch::Tensor &label) override {
    return torch::mse_loss(out, label.narrow(1, 0, out.size(1)));
  }
  const char *name() const override { return "mse"; }
};

class HuberObjective : public Objective {
public:
  explicit HuberObjective(double d) : delta(d) {}
  double delta;
  torch::Tensor loss(const torch::Tensor &out, const torch::Tensor &label) override {
    return torch::huber_loss(out, label.narrow(1, 0, out.size(1)),
                             at::Reduction::Mean, delta);
  }
  const char *name() const override { return "huber"; }
};

class CeObjective : public Objective {
public:
  explicit CeObjective(bool p) : probs(p) {}
  bool probs;
  torch::Tensor loss(const torch::Tensor &out, const torch::Tensor &label) override {
    auto target = label.select(1, 0).to(torch::kLong).clamp(0, out.size(1) - 1);
    if (probs)
      return torch::nll_loss(torch::log(out.clamp_min(1e-7)), target);
    return torch::cross_entropy_loss(out, target);
  }
  const char *name() const override { return "ce"; }
};

/// REINFORCE with a Gaussian policy around the net's output and an EMA
/// reward baseline. label = [reward, action_0..action_{n-1}].
class ReinforceObjective : public Objective {
public:
  ReinforceObjective(double s, double d) : sigma(s), decay(d) {}
  double sigma, decay, baseline = 0;
  bool haveBaseline = false;
  torch::Tensor loss(const torch::Tensor &out, const torch::Tensor &label) override {
    auto r = label.select(1, 0);
    auto a = label.narrow(1, 1, out.size(1));
    double meanR = r.mean().item<double>();
    if (!haveBaseline) {
      baseline = meanR;
      haveBaseline = true;
    }
    auto adv = (r - baseline).detach();
    // log N(a; mu, sigma^2) up to a constant
    auto logp = -((a - out) * (a - out)).sum(1) / (2 * sigma * sigma);
    baseline = decay * baseline + (1 - decay) * meanR;
    return -(adv * logp).mean();
  }
  /// Monitored loss: the negative mean reward of the batch (stable when
  /// the policy's return stops changing).
  double monitor(const torch::Tensor &, const torch::Tensor &label,
                 double) override {
    return -label.select(1, 0).mean().item<double>();
  }
  const char *name() const override { return "reinforce"; }
};

} // namespace

std::unique_ptr<Objective> makeObjective(const ModelConfig &c) {
  switch (c.objective) {
  case ObjectiveKind::Mse: return std::make_unique<MseObjective>();
  case ObjectiveKind::Huber: return std::make_unique<HuberObjective>(c.huberDelta);
  case ObjectiveKind::Ce: return std::make_unique<CeObjective>(c.ceInput == "probs");
  case ObjectiveKind::Reinforce:
    return std::make_unique<ReinforceObjective>(c.policySigma, c.baselineDecay);
  }
  return nullptr;
}

Trainer::Trainer(const NetSpec &spec, const ModelConfig &c)
    : cfg_(c), net_(spec), obj_(makeObjective(c)) {
  torch::manual_seed(c.seed);
  if (c.optimizer == OptimizerKind::Sgd)
    opt_ = std::make_unique<torch::optim::SGD>(net_->parameters(),
                                               torch::optim::SGDOptions(c.lr));
  else
    opt_ = std::make_unique<torch::optim::Adam>(net_->parameters(),
                                                torch::optim::AdamOptions(c.lr));
}

void Trainer::tensors(const std::vector<const Sample *> &b, torch::Tensor &x,
                      torch::Tensor &label) {
  int64_t B = b.size();
  int64_t nIn = b.empty() ? 0 : b[0]->x.size();
  int64_t L = b.empty() ? 0 : b[0]->label.size();
  x = torch::empty({B, nIn}, torch::kFloat32);
  label = torch::empty({B, L}, torch::kFloat32);
  auto xa = x.accessor<float, 2>();
  auto la = label.accessor<float, 2>();
  for (int64_t i = 0; i < B; ++i) {
    for (int64_t j = 0; j < nIn; ++j)
      xa[i][j] = (float)b[i]->x[j];
    for (int64_t j = 0; j < L; ++j)
      la[i][j] = j < (int64_t)b[i]->label.size() ? (float)b[i]->label[j] : 0.f;
  }
}

double Trainer::step(const std::vector<const Sample *> &batch) {
  if (batch.empty())
    return NAN;
  torch::Tensor x, label;
  tensors(batch, x, label);
  net_->train();
  opt_->zero_grad();
  auto out = net_->forward(x);
  auto l = obj_->loss(out, label);
  l.backward();
  opt_->step();
  ++steps_;
  return obj_->monitor(out.detach(), label, l.item<double>());
}

double Trainer::evaluate(const std::vector<const Sample *> &batch) {
  if (batch.empty())
    return NAN;
  torch::NoGradGuard ng;
  torch::Tensor x, label;
  tensors(batch, x, label);
  auto out = net_->forward(x);
  if (cfg_.objective == ObjectiveKind::Reinforce)
    return obj_->monitor(out, label, 0);
  // A fresh objective so stateful ones (baselines) are not disturbed.
  auto o = makeObjective(cfg_);
  return o->loss(out, label).item<double>();
}

std::vector<std::vector<double>>
Trainer::predict(const std::vector<const Sample *> &batch) {
  std::vector<std::vector<double>> r;
  if (batch.empty())
    return r;
  torch::NoGradGuard ng;
  torch::Tensor x, label;
  tensors(batch, x, label);
  auto out = net_->forward(x).contiguous();
  auto oa = out.accessor<float, 2>();
  for (int64_t i = 0; i < out.size(0); ++i) {
    std::vector<double> row(out.size(1));
    for (int64_t j = 0; j < out.size(1); ++j)
      row[j] = oa[i][j];
    r.push_back(std::move(row));
  }
  return r;
}

} // namespace lfrt
