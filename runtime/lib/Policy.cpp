//===- Policy.cpp - conservative update rules -----------------------------===//

#include "lfrt/Policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace lfrt {

static constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// DriftDetector
//===----------------------------------------------------------------------===//

double DriftDetector::reference() const {
  if (ref_.empty())
    return NAN;
  std::vector<double> v(ref_.begin(), ref_.end());
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

void DriftDetector::reset() {
  ref_.clear();
  s_ = 0;
  run_ = 0;
}

bool DriftDetector::push(double loss) {
  if (!std::isfinite(loss))
    return false;
  if (ref_.size() >= warmup_) {
    double med = reference();
    // A floor keeps a near-perfect fit (median ~0) from turning noise into
    // evidence: ratios are taken against at least 1e-9 of the loss scale.
    double r = std::max(loss, 1e-12) / std::max(med, 1e-12);
    double step = std::log(r) - std::log(ratio_);
    s_ = std::max(0.0, s_ + step);
    run_ = s_ > 0 ? run_ + 1 : 0;
    if (s_ >= threshold_) {
      lastRun_ = run_;
      reset();
      ref_.push_back(loss);
      return true;
    }
    // Evidence does not enter the reference: a slow rise cannot hide itself.
    if (s_ > 0)
      return false;
  }
  ref_.push_back(loss);
  while (ref_.size() > refN_)
    ref_.pop_front();
  return false;
}

//===----------------------------------------------------------------------===//
// TrendStability
//===----------------------------------------------------------------------===//

void TrendStability::push(double loss, unsigned samples) {
  if (!std::isfinite(loss) || !samples)
    return;
  pts_.push_back({loss, samples});
  total_ += samples;
  // Keep just enough batches to cover the window.
  uint64_t n = 0;
  for (auto &p : pts_)
    n += p.second;
  while (!pts_.empty() && n - pts_.front().second >= window_) {
    n -= pts_.front().second;
    pts_.pop_front();
  }
}

double TrendStability::relativeTrend() const {
  uint64_t n = 0;
  for (auto &p : pts_)
    n += p.second;
  if (n < window_ || pts_.size() < 3)
    return kInf;
  // Weighted least squares of loss against the sample position (centre of
  // each batch), weights = batch sizes.
  double sw = 0, sx = 0, sy = 0, pos = 0;
  for (auto &p : pts_) {
    double x = pos + p.second / 2.0;
    sw += p.second;
    sx += p.second * x;
    sy += p.second * p.first;
    pos += p.second;
  }
  double mx = sx / sw, my = sy / sw, sxx = 0, sxy = 0;
  pos = 0;
  for (auto &p : pts_) {
    double x = pos + p.second / 2.0 - mx;
    sxx += p.second * x * x;
    sxy += p.second * x * (p.first - my);
    pos += p.second;
  }
  if (sxx <= 0)
    return kInf;
  double slope = sxy / sxx;
  double change = std::fabs(slope * (double)n);
  return change / std::max(std::fabs(my), 1e-12);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

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

double sampleLoss(LossKind k, const std::vector<double> &y,
                  const std::vector<double> &label, double delta, bool logits) {
  if (y.empty())
    return NAN;
  if (k == LossKind::Ce) {
    if (label.empty())
      return NAN;
    long c = std::lround(label[0]);
    if (c < 0 || (size_t)c >= y.size())
      return NAN;
    if (!logits)
      return -std::log(std::max(y[c], 1e-12));
    double mx = *std::max_element(y.begin(), y.end()), s = 0;
    for (double v : y)
      s += std::exp(v - mx);
    return -(y[c] - mx - std::log(s));
  }
  size_t m = std::min(y.size(), label.size());
  if (!m)
    return NAN;
  double s = 0;
  for (size_t j = 0; j < m; ++j) {
    double d = std::fabs(y[j] - label[j]);
    if (k == LossKind::Mse)
      s += d * d;
    else
      s += d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
  }
  return s / m;
}

//===----------------------------------------------------------------------===//
// Live errors
//===----------------------------------------------------------------------===//

void LiveStat::add(double v, uint64_t seq, size_t window) {
  if (!count)
    firstSeq = seq;
  lastSeq = seq;
  ++count;
  sum += v;
  recent.push_back(v);
  while (recent.size() > window)
    recent.pop_front();
}

double LiveStat::recentMean() const {
  if (recent.empty())
    return NAN;
  double s = 0;
  for (double v : recent)
    s += v;
  return s / recent.size();
}

std::string toString(const SnapshotId &id) {
  return "v" + std::to_string(id.first) + "." + std::to_string(id.second);
}

bool parseSnapshotId(const std::string &str, SnapshotId &id) {
  const char *s = str.c_str();
  if (*s == 'v')
    ++s;
  char *e = nullptr;
  unsigned long v = std::strtoul(s, &e, 10);
  if (e == s || *e != '.' || v == 0 || v > UINT32_MAX)
    return false;
  const char *g = e + 1;
  unsigned long gen = std::strtoul(g, &e, 10);
  if (e == g || *e || gen > UINT32_MAX)
    return false;
  id = {(uint32_t)v, (uint32_t)gen};
  return true;
}

void LiveErrors::add(const SnapshotId &id, double v, uint64_t seq) {
  if (!std::isfinite(v))
    return;
  stats_[id].add(v, seq, window_);
  // Keep the instances that served most recently (a daemon pushes for days).
  while (stats_.size() > kMaxInstances) {
    auto oldest = stats_.begin();
    for (auto it = stats_.begin(); it != stats_.end(); ++it)
      if (it->second.lastSeq < oldest->second.lastSeq)
        oldest = it;
    stats_.erase(oldest);
  }
}

void LiveErrors::clearRecent() {
  for (auto &kv : stats_)
    kv.second.recent.clear();
}

const LiveStat *LiveErrors::find(const SnapshotId &id) const {
  auto it = stats_.find(id);
  return it == stats_.end() ? nullptr : &it->second;
}

//===----------------------------------------------------------------------===//
// Canary, budget, decisions
//===----------------------------------------------------------------------===//

const char *toString(CanaryVerdict v) {
  switch (v) {
  case CanaryVerdict::Pending: return "pending";
  case CanaryVerdict::Pass: return "pass";
  case CanaryVerdict::Rollback: return "rollback";
  }
  return "?";
}

CanaryVerdict judgeCanary(double newer, uint64_t n, double older, uint64_t needed,
                          double margin, bool higherIsBetter) {
  if (n < needed || !std::isfinite(newer))
    return CanaryVerdict::Pending;
  if (!std::isfinite(older))
    return CanaryVerdict::Pass;
  double slack = margin * std::max(std::fabs(older), 1e-12);
  bool worse = higherIsBetter ? newer < older - slack : newer > older + slack;
  return worse ? CanaryVerdict::Rollback : CanaryVerdict::Pass;
}

bool UpdateBudget::allowed(double now) const {
  if (frozen_)
    return false;
  if (!perMin_)
    return true;
  unsigned n = 0;
  for (double t : times_)
    n += now - t < 60.0;
  return n < perMin_;
}

void UpdateBudget::onUpdate(double now) {
  times_.push_back(now);
  while (!times_.empty() && now - times_.front() >= 60.0)
    times_.pop_front();
}

void UpdateBudget::onRollback() {
  ++rollbacksInARow_;
  if (freezeAfter_ && rollbacksInARow_ >= freezeAfter_)
    frozen_ = true;
}

const char *toString(Decision d) {
  switch (d) {
  case Decision::WaitUnstable: return "wait-unstable";
  case Decision::SkipFidelity: return "skip-fidelity";
  case Decision::WaitHoldout: return "wait-holdout";
  case Decision::Rejected: return "rejected";
  case Decision::Throttled: return "throttled";
  case Decision::Canary: return "canary";
  case Decision::Frozen: return "frozen";
  case Decision::Held: return "held";
  case Decision::Update: return "update";
  }
  return "?";
}

Decision precheck(const DecisionInput &in) {
  if (in.frozen)
    return Decision::Frozen;
  if (in.canaryRunning)
    return Decision::Canary;
  if (in.held)
    return Decision::Held;
  if (!in.stable)
    return Decision::WaitUnstable;
  if (!(in.fidelity > in.threshold))
    return Decision::SkipFidelity;
  if (in.throttled)
    return Decision::Throttled;
  return Decision::Update;
}

Decision accept(const DecisionInput &in) {
  if (!in.haveHoldout)
    return Decision::WaitHoldout;
  if (std::isnan(in.candidateLoss) && std::isnan(in.activeLoss))
    return Decision::Update;  // no labels to judge on: the canary decides
  if (!(in.candidateLoss < in.activeLoss * (1 - in.margin)))
    return Decision::Rejected;
  return Decision::Update;
}

} // namespace lfrt
