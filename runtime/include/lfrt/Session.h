//===- Session.h - one model's online adaptation ----------------*- C++ -*-===//
//
// A session owns everything about one lf_core model: its samples (numbered
// in arrival order, a fixed fraction held out from training), the LibTorch
// trainer, the drift detector and stability window, the live error of every
// serving snapshot instance (from the kernel's own outputs), the update
// decision, the canary that follows an update, and the rollback. Sessions run
// on the daemon's training thread, never on the netlink receive path.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_SESSION_H
#define LFRT_SESSION_H

#include "lfrt/Config.h"
#include "lfrt/Deployer.h"
#include "lfrt/ModelCompiler.h"
#include "lfrt/NetlinkClient.h"
#include "lfrt/Policy.h"
#include "lfrt/Samples.h"
#include "lfrt/ServingNet.h"
#include "lfrt/StateStore.h"

#include "llvm/Support/JSON.h"

#include <memory>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace lfrt {

class Trainer;

class Session {
public:
  /// `nl`: where the model runs (lf_core or a BPF program's maps).
  Session(const ModelConfig &c, KernelApi &nl, const StateStore &store);
  ~Session();
  /// Imports the model, checks it against lf_core, builds the twin, resumes
  /// the checkpoint. One line in `err` on failure.
  bool setup(std::string &err);
  const std::string &name() const { return cfg_.name; }

  /// One received batch (already off the netlink socket).
  void onBatch(uint64_t seq, uint64_t drops, uint32_t count, const void *blob, size_t len);
  /// Training steps on what arrived, then (at the decision interval) the
  /// canary and the update decision.
  void tick();
  /// Answers one lf_core userspace query with the current float net (any
  /// thread; see ServingNet.h).
  bool serve(const int32_t *in, uint32_t nIn, std::vector<int32_t> &out) {
    return serving_->answer(in, nIn, out);
  }
  /// Saves the checkpoint and tuned.onnx.
  void save(bool final);
  /// This session's part of status.json.
  llvm::json::Object status(double uptimeS);

private:
  void train();
  void onDrift(double loss);
  void decide();
  void judgeCanary();
  bool rollback(const std::string &why);
  void crossCheck();
  void resync();
  bool snapshotOutputs(const std::vector<uint8_t> &params, const SnapshotTwin *twin,
                       const std::vector<const Sample *> &s,
                       std::vector<std::vector<double>> &out, std::string &err);
  double meanLoss(const std::vector<std::vector<double>> &y,
                  const std::vector<const Sample *> &s) const;
  /// Recent samples since the drift: held-out ones or training ones.
  std::vector<const Sample *> recentSince(size_t n, bool holdout) const;
  bool isHoldout(uint64_t seq) const { return seq % holdoutEvery_ == 0; }
  void log(llvm::json::Object o) const { store_.event(cfg_.name, std::move(o)); }
  SnapshotId activeId() const;

  /// The active instance's params read back from the kernel (the BPF
  /// backend's maps), recorded in the history if it has no entry.
  bool readActive(const SnapshotId &act, const std::vector<HistoryEntry> &hist);

  ModelConfig cfg_;
  KernelApi &nl_;
  const StateStore &store_;
  std::string dir_;
  std::unique_ptr<ModelCompiler> mc_;
  std::unique_ptr<Trainer> tr_;
  std::unique_ptr<SampleRing> ring_;
  std::unique_ptr<Deployer> deployer_;
  std::unique_ptr<ServingNet> serving_;  ///< the float net queries get
  uint64_t servedSteps_ = 0;             ///< trainer steps serving_ has
  SeqTracker seq_;
  KernelModel km_;
  std::unique_ptr<SnapshotTwin> twin_;  ///< of the running architecture
  std::vector<uint8_t> activeParams_;   ///< what the active instance holds
  SnapshotId activeKnownId_{0, 0};      ///< the instance activeParams_ belongs to
  bool evalFidelity_ = false, crossChecked_ = false;
  uint32_t nextVersion_ = 1;
  std::mt19937_64 rng_;

  // Samples and the drift.
  uint64_t nextSeq_ = 1;
  uint64_t holdoutEvery_ = 5;
  uint64_t driftSeq_ = 1, drifts_ = 0;
  uint64_t trainedTo_ = 0;   ///< last sample seq trained on
  std::deque<std::pair<uint64_t, double>> batchStarts_;  ///< (first seq, loss)
  DriftDetector drift_;
  TrendStability stab_;
  LiveErrors live_;
  UpdateBudget budget_;

  // The canary of the last update.
  struct CanaryState {
    bool running = false;
    SnapshotId prev, next;
    std::vector<uint8_t> prevParams;
    double baseline = NAN;
    std::string baselineSource;
    uint64_t fromSeq = 0;
    double startT = 0;
  } canary_;
  uint64_t rollbacks_ = 0, canaryPasses_ = 0;

  // Bookkeeping for decisions and status.
  double lastDecisionT_ = 0, lastFailT_ = 0;
  double holdUntil_ = 0;  ///< after a switch by hand (until then or a drift)
  uint64_t stepsAtDecision_ = 0, rejectHoldUntil_ = 0;
  double lastLoss_ = NAN, lastFidelity_ = NAN, lastTrend_ = NAN, lastThreshold_ = NAN;
  std::string lastDecision_ = "none";
  uint64_t updates_ = 0, pushes_ = 0, moduleLoads_ = 0, badSamples_ = 0;
  double lastUpdateMs_ = NAN;
  double rateT0_ = 0, samplesPerS_ = 0, stepMsTotal_ = 0;
  uint64_t rateN0_ = 0;
};

} // namespace lfrt

#endif
