//===- Policy.h - conservative update rules (paper §3.3) --------*- C++ -*-===//
//
// Correctness: the tuned model is stable when the relative change of the
// training loss over the last K batches, (max - min) / |mean| of the last K
// batch losses, is below epsilon.
// Necessity: the kernel's snapshot needs an update when the fidelity loss
// (mean squared difference between the active snapshot's outputs, computed by
// its bit-exact twin, and the tuned float model's outputs, over recent
// samples) exceeds the threshold.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_POLICY_H
#define LFRT_POLICY_H

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace lfrt {

class StabilityRule {
public:
  StabilityRule(unsigned k, double epsilon) : k_(k < 2 ? 2 : k), eps_(epsilon) {}
  void push(double loss);
  void reset() { hist_.clear(); }
  /// Relative change over the last K losses; +inf with fewer than K.
  double relativeChange() const;
  bool stable() const { return relativeChange() < eps_; }
  unsigned k() const { return k_; }
  double epsilon() const { return eps_; }

private:
  unsigned k_;
  double eps_;
  std::deque<double> hist_;
};

/// Mean over samples of the mean squared difference of the outputs.
double fidelityLoss(const std::vector<std::vector<double>> &snapshot,
                    const std::vector<std::vector<double>> &tuned);

enum class Decision { WaitUnstable, SkipFidelity, Update, Throttled };
const char *toString(Decision d);

struct DecisionInput {
  bool stable = false;
  double relChange = 0;
  double fidelity = 0;
  double threshold = 0;
  bool throttled = false;  ///< min update interval not reached
};

Decision decide(const DecisionInput &in);

} // namespace lfrt

#endif
