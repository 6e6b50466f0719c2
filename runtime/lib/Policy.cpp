//===- Policy.cpp - conservative update rules -----------------------------===//

#include "lfrt/Policy.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lfrt {

void StabilityRule::push(double loss) {
  hist_.push_back(loss);
  while (hist_.size() > k_)
    hist_.pop_front();
}

double StabilityRule::relativeChange() const {
  if (hist_.size() < k_)
    return std::numeric_limits<double>::infinity();
  double lo = *std::min_element(hist_.begin(), hist_.end());
  double hi = *std::max_element(hist_.begin(), hist_.end());
  double mean = 0;
  for (double v : hist_)
    mean += v;
  mean /= hist_.size();
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return std::numeric_limits<double>::infinity();
  double denom = std::max(std::fabs(mean), 1e-12);
  return (hi - lo) / denom;
}

double fidelityLoss(const std::vector<std::vector<double>> &a,
                    const std::vector<std::vector<double>> &b) {
  size_t n = std::min(a.size(), b.size());
  if (!n)
    return 0;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t m = std::min(a[i].size(), b[i].size());
    double s = 0;
    for (size_t j = 0; j < m; ++j)
      s += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
    sum += m ? s / m : 0;
  }
  return sum / n;
}

const char *toString(Decision d) {
  switch (d) {
  case Decision::WaitUnstable: return "wait-unstable";
  case Decision::SkipFidelity: return "skip-fidelity";
  case Decision::Update: return "update";
  case Decision::Throttled: return "throttled";
  }
  return "?";
}

Decision decide(const DecisionInput &in) {
  if (!in.stable)
    return Decision::WaitUnstable;
  if (!(in.fidelity > in.threshold))
    return Decision::SkipFidelity;
  if (in.throttled)
    return Decision::Throttled;
  return Decision::Update;
}

} // namespace lfrt
