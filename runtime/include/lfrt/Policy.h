//===- Policy.h - conservative update rules (paper §3.3) --------*- C++ -*-===//
//
// The pieces the daemon's per-model session combines into one decision; each
// is plain C++ on numbers, tested on its own (runtime/test/RuntimeTests.cpp).
//
// Drift: a CUSUM over the log-ratio of each batch's prequential loss (the
// loss of the tuned model on a batch before it trains on it) to the median of
// the recent batch losses. A workload change makes the tuned model suddenly
// wrong, the ratio jumps, the sum crosses its threshold: the session logs a
// drift event, restarts stability and judges everything on later samples.
//
// Stability (correctness): the loss trend over a window of samples since the
// last drift. A least-squares line through the window's batch losses; the
// model is stable when the line's change over the window is below epsilon of
// the window's mean loss (a loss still falling is not converged; a plateau
// after a drift that lasts less than a window does not count).
//
// Necessity: the fidelity loss (mean squared difference between the active
// snapshot, computed by its bit-exact twin, and the tuned float model) must
// exceed a threshold relative to the model's own loss (the snapshot's
// deviation matters only against how well the model fits), never below an
// absolute floor.
//
// Acceptance (never a worse one): the candidate snapshot (its twin, the very
// integers the kernel will run) must beat the active snapshot on held-out
// labelled samples since the drift by a margin.
//
// Canary: after a switch, new flows reach the new snapshot; its live error
// (the kernel's own outputs against the labels) over a window is compared
// with the previous snapshot's; worse by a margin means rollback.
//
// Budget: at most N updates per minute; K rollbacks in a row freeze the model.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_POLICY_H
#define LFRT_POLICY_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lfrt {

/// CUSUM change detector on batch losses.
class DriftDetector {
public:
  /// `ratio`: a batch loss above ratio x the reference median counts as
  /// evidence; `threshold`: the accumulated log-evidence that signals drift;
  /// `refBatches`: how many recent batch losses form the reference.
  DriftDetector(double ratio, double threshold, unsigned refBatches = 32,
                unsigned warmup = 8)
      : ratio_(ratio), threshold_(threshold), refN_(refBatches < 4 ? 4 : refBatches),
        warmup_(warmup < 2 ? 2 : warmup) {}
  /// Adds one batch loss; true when this batch completes a drift signal
  /// (the detector then restarts its reference).
  bool push(double loss);
  void reset();
  double score() const { return s_; }
  double reference() const;  ///< median of the reference window (NaN: none)
  /// How many batches of evidence made up the last signal: the drift
  /// started that many batches back.
  unsigned evidenceBatches() const { return lastRun_; }

private:
  double ratio_, threshold_;
  unsigned refN_, warmup_;
  std::deque<double> ref_;
  double s_ = 0;
  unsigned run_ = 0, lastRun_ = 0;
};

/// Loss trend over a window of samples (batches of possibly varying size).
class TrendStability {
public:
  TrendStability(unsigned windowSamples, double epsilon)
      : window_(windowSamples ? windowSamples : 1), eps_(epsilon) {}
  void push(double loss, unsigned samples);
  void reset() { pts_.clear(); total_ = 0; }
  /// |fitted change over the window| / mean loss; +inf until the window
  /// holds `windowSamples` samples.
  double relativeTrend() const;
  bool stable() const { return relativeTrend() < eps_; }
  unsigned window() const { return window_; }
  double epsilon() const { return eps_; }
  uint64_t samples() const { return total_; }

private:
  unsigned window_;
  double eps_;
  std::deque<std::pair<double, unsigned>> pts_;  // (loss, samples)
  uint64_t total_ = 0;
};

/// Mean over samples of the mean squared difference of the outputs.
double fidelityLoss(const std::vector<std::vector<double>> &snapshot,
                    const std::vector<std::vector<double>> &tuned);

/// Per-sample loss of an output vector against a label, in the objective's
/// terms (mse: mean squared error; huber: mean Huber loss with `delta`;
/// ce: cross-entropy of the class label[0], `logits` or probabilities).
enum class LossKind { Mse, Huber, Ce };
double sampleLoss(LossKind k, const std::vector<double> &y,
                  const std::vector<double> &label, double delta = 1.0,
                  bool logits = true);

/// Live error of one serving snapshot instance, from the kernel's own
/// outputs: a window of the most recent values plus the running total.
struct LiveStat {
  uint64_t count = 0;
  double sum = 0;
  uint64_t firstSeq = 0, lastSeq = 0;
  std::deque<double> recent;
  void add(double v, uint64_t seq, size_t window);
  double mean() const { return count ? sum / count : 0; }
  double recentMean() const;
};

/// (version, generation) of a snapshot instance; lf_core's numbering.
using SnapshotId = std::pair<uint32_t, uint32_t>;
std::string toString(const SnapshotId &id);  ///< "v2.3"
/// Parses "VERSION.GEN" (or "vVERSION.GEN").
bool parseSnapshotId(const std::string &s, SnapshotId &id);

class LiveErrors {
public:
  static constexpr size_t kMaxInstances = 16;  ///< the most recently serving
  explicit LiveErrors(size_t window = 512) : window_(window ? window : 1) {}
  /// `v` is a loss (lower is better) or a reward (higher is better).
  void add(const SnapshotId &id, double v, uint64_t seq);
  const LiveStat *find(const SnapshotId &id) const;
  /// Empties every recent window (a drift: older values judge another
  /// workload); the totals stay.
  void clearRecent();
  const std::map<SnapshotId, LiveStat> &all() const { return stats_; }
  size_t window() const { return window_; }

private:
  size_t window_;
  std::map<SnapshotId, LiveStat> stats_;
};

/// The canary's verdict on a new snapshot against the previous one.
enum class CanaryVerdict { Pending, Pass, Rollback };
const char *toString(CanaryVerdict v);
/// `newer`/`older`: mean live loss (or reward if `higherIsBetter`) of the
/// new snapshot over `n` samples and of the previous one; rollback when the
/// new one is worse by more than `margin` (relative).
CanaryVerdict judgeCanary(double newer, uint64_t n, double older, uint64_t needed,
                          double margin, bool higherIsBetter);

/// Update budget and freezing.
class UpdateBudget {
public:
  UpdateBudget(unsigned perMinute, unsigned freezeAfter)
      : perMin_(perMinute), freezeAfter_(freezeAfter) {}
  bool allowed(double nowS) const;
  void onUpdate(double nowS);
  void onCanaryPass() { rollbacksInARow_ = 0; }
  void onRollback();
  /// Frozen from the start (a freeze the state directory recorded).
  void freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }
  unsigned rollbacksInARow() const { return rollbacksInARow_; }
  unsigned perMinute() const { return perMin_; }

private:
  unsigned perMin_, freezeAfter_;
  std::deque<double> times_;
  unsigned rollbacksInARow_ = 0;
  bool frozen_ = false;
};

enum class Decision {
  WaitUnstable,   ///< loss still trending (or window since drift not full)
  SkipFidelity,   ///< the active snapshot is close enough to the model
  WaitHoldout,    ///< too few held-out samples to judge a candidate
  Rejected,       ///< the candidate does not beat the active snapshot
  Throttled,      ///< the update budget is used up
  Canary,         ///< a canary is running: no new update until it ends
  Frozen,         ///< rolled back too often: no more updates
  Held,           ///< switched by hand: no updates for a while (or a drift)
  Update
};
const char *toString(Decision d);

struct DecisionInput {
  bool frozen = false;
  bool canaryRunning = false;
  bool held = false;
  bool stable = false;
  double fidelity = 0;
  double threshold = 0;
  bool throttled = false;
  /// Acceptance (NaN when not applicable, e.g. reinforce: the canary judges).
  bool haveHoldout = true;
  double candidateLoss = 0, activeLoss = 0, margin = 0;
};

/// The rules before a candidate exists (cheap): frozen, canary, held,
/// stability, necessity, budget.
Decision precheck(const DecisionInput &in);
/// The acceptance rule on a compiled candidate.
Decision accept(const DecisionInput &in);

} // namespace lfrt

#endif
