//===- Session.cpp - one model's online adaptation ------------------------===//

#include "lfrt/Session.h"

#include "lfrt/Clock.h"
#include "lfrt/OnnxWrite.h"
#include "lfrt/StateDir.h"
#include "lfrt/Trainer.h"

#include "lf_float.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lfrt {

namespace json = llvm::json;

namespace {

void logInfo(const std::string &s) {
  std::fprintf(stderr, "lf-runtime: %s\n", s.c_str());
  std::fflush(stderr);
}

json::Array range(uint64_t a, uint64_t b) { return json::Array{(int64_t)a, (int64_t)b}; }

json::Array seqRange(const std::vector<const Sample *> &s) {
  if (s.empty())
    return json::Array{};
  return range(s.front()->seq, s.back()->seq);
}

LossKind lossKind(ObjectiveKind k) {
  return k == ObjectiveKind::Huber ? LossKind::Huber
         : k == ObjectiveKind::Ce  ? LossKind::Ce
                                   : LossKind::Mse;
}

} // namespace

Session::Session(const ModelConfig &c, KernelApi &nl, const StateStore &store)
    : cfg_(c), nl_(nl), store_(store), rng_(c.seed),
      drift_(c.driftRatio, c.driftThreshold), stab_(c.stabilityWindow, c.stabilityEpsilon),
      live_(c.liveWindow), budget_(c.maxUpdatesPerMin, c.freezeAfter) {
  holdoutEvery_ = std::max<uint64_t>(2, (uint64_t)std::lround(1.0 / c.holdoutFraction));
}

Session::~Session() = default;

SnapshotId Session::activeId() const {
  const KernelSnapshot *a = km_.hasActive ? km_.find(km_.activeVersion) : nullptr;
  return a ? SnapshotId{a->version, a->gen} : SnapshotId{0, 0};
}

bool Session::setup(std::string &err) {
  const ModelConfig &c = cfg_;
  if (!validateModel(c, err))
    return false;
  dir_ = store_.modelDir(c.name);
  if (!store_.init(c.name, err))
    return false;
  mc_ = ModelCompiler::load(c.onnx, "", err);
  if (!mc_) {
    err = "model '" + c.name + "': " + err;
    return false;
  }
  bool found = false;
  if (!nl_.getModel(c.name, km_, found, err))
    return false;
  if (!found) {
    err = "model '" + c.name +
          "' is not registered in lf_core (load a snapshot module of it first, e.g. lfc "
          "compile + insmod)";
    return false;
  }
  if (km_.nIn != mc_->net().nIn || km_.nOut != mc_->net().nOut) {
    err = "model '" + c.name + "': " + nl_.backend() + "'s model has " + std::to_string(km_.nIn) +
          " inputs and " + std::to_string(km_.nOut) + " outputs, " + c.onnx + " has " +
          std::to_string(mc_->net().nIn) + " and " + std::to_string(mc_->net().nOut);
    return false;
  }
  deployer_ = std::make_unique<Deployer>(nl_, cfg_);
  // Versions: above everything the kernel and the state dir know.
  for (auto &s : km_.snapshots)
    nextVersion_ = std::max(nextVersion_, s.version + 1);
  auto hist = store_.history(c.name);
  for (auto &h : hist)
    nextVersion_ = std::max(nextVersion_, h.package + 1);
  // The ONNX as given, compiled like every update: the twin of the running
  // architecture (what `lfc compile` made of it).
  UpdateSnapshot u;
  if (!deployer_->compile(*mc_, km_, 0, dir_ + "/snapshots/twin", u, err)) {
    err = "model '" + c.name + "': " + err;
    return false;
  }
  if (!u.fast && !nl_.canEval()) {
    // Nothing else could run the program's snapshot, nor update it.
    err = "model '" + c.name + "': " + u.why + ": the BPF program's snapshot is not what " +
          c.onnx + " compiles to with these input_ranges/bits/headroom (compile it with the "
          "same ones)";
    return false;
  }
  if (!u.fast) {
    logInfo("model '" + c.name + "': " + u.why +
            ": check input_ranges/bits; fidelity falls back to LF_CMD_EVAL");
    evalFidelity_ = true;
  } else {
    twin_ = mc_->buildTwin(u.snap, err);
    if (!twin_) {
      logInfo("model '" + c.name + "': no twin (" + err + "): fidelity via LF_CMD_EVAL");
      evalFidelity_ = true;
      err.clear();
    }
  }
  // A freeze outlives the daemon: only `lf-runtime unfreeze` lifts it.
  if (store_.frozen(c.name)) {
    budget_.freeze();
    logInfo("model '" + c.name + "': frozen (recorded in " + dir_ +
            "/decisions.jsonl): no updates until `lf-runtime unfreeze " + c.name + "`");
  }
  // Resume tuned weights.
  std::vector<NetParam> ck;
  std::string ckErr;
  if (loadCheckpoint(dir_ + "/checkpoint.bin", mc_->net().params, ck, ckErr)) {
    if (!mc_->setWeights(ck, err))
      return false;
    logInfo("model '" + c.name + "': resumed tuned weights from " + dir_ + "/checkpoint.bin");
  } else if (!ckErr.empty()) {
    logInfo("model '" + c.name + "': ignoring checkpoint: " + ckErr);
  }
  tr_ = std::make_unique<Trainer>(mc_->net(), c);
  serving_ = std::make_unique<ServingNet>(mc_->net(), km_.inFrac, km_.outFrac);
  serving_->update(tr_->net()->exportParams());
  ring_ = std::make_unique<SampleRing>(c.ringSize);
  // The active instance's weights: from the history, or (generation 0, not
  // put there by us) the ONNX as given, cross-checked with EVAL later.
  SnapshotId act = activeId();
  std::string blob;
  if (!nl_.canEval() && !act.first) {
    err = "model '" + c.name + "': " + nl_.backend() +
          ": no params buffer published yet (lf_ctl generation 0)";
    return false;
  }
  if (!nl_.canEval() && act.first) {
    if (!readActive(act, hist))
      return false;
    if (activeParams_ == u.snap.params)
      logInfo("model '" + c.name + "': the active buffer holds " + c.onnx + "'s snapshot");
  } else if (const HistoryEntry *h = StateStore::findKernel(hist, act);
      h && readFile(h->params, blob)) {
    activeParams_.assign(blob.begin(), blob.end());
    activeKnownId_ = act;
  } else if (act.second == 0 && !evalFidelity_) {
    activeParams_ = u.snap.params;
    activeKnownId_ = act;
    store_.addHistory(c.name, HistoryEntry{0, act, 0, "origin", dir_ + "/snapshots/twin/params.bin"});
  }
  if (activeKnownId_ != act)
    evalFidelity_ = true;
  log(json::Object{{"event", "start"},
       {"backend", nl_.backend()},
       {"kernel_active", toString(act)},
       {"arch_hash", std::to_string(km_.archHash)},
       {"fidelity_source", evalFidelity_ ? "eval" : "twin"},
       {"holdout_every", (int64_t)holdoutEvery_}});
  rateT0_ = nowS();
  return true;
}

//===----------------------------------------------------------------------===//
// Samples and training
//===----------------------------------------------------------------------===//

void Session::onBatch(uint64_t seq, uint64_t drops, uint32_t count, const void *blob,
                      size_t len) {
  seq_.onBatch(seq, drops, count);
  std::vector<RawSample> raw;
  parseSampleBlob(blob, len, count, raw);
  bool rl = cfg_.objective == ObjectiveKind::Reinforce;
  bool ce = cfg_.objective == ObjectiveKind::Ce;
  for (auto &r : raw) {
    Sample s;
    if (!convertSample(r, km_.inFrac, km_.outFrac, rl, ce, s)) {
      ++badSamples_;
      continue;
    }
    s.seq = nextSeq_++;
    if (s.version) {
      double v = rl ? s.label[0]
                    : sampleLoss(lossKind(cfg_.objective), s.y, s.label, cfg_.huberDelta,
                                 cfg_.ceInput == "logits");
      live_.add({s.version, s.gen}, v, s.seq);
    }
    ring_->push(std::move(s));
  }
}

std::vector<const Sample *> Session::recentSince(size_t n, bool holdout) const {
  std::vector<const Sample *> out;
  auto rec = ring_->recent(ring_->size());
  for (auto it = rec.rbegin(); it != rec.rend() && out.size() < n; ++it) {
    if ((*it)->seq < driftSeq_)
      break;
    if (isHoldout((*it)->seq) == holdout)
      out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void Session::onDrift(double loss) {
  ++drifts_;
  unsigned back = std::max(1u, drift_.evidenceBatches());
  driftSeq_ = batchStarts_.size() >= back ? batchStarts_[batchStarts_.size() - back].first
                                          : batchStarts_.empty() ? nextSeq_
                                                                 : batchStarts_.front().first;
  stab_.reset();
  live_.clearRecent();
  rejectHoldUntil_ = 0;
  holdUntil_ = 0;
  json::Object o{{"event", "drift"},
                 {"seq", (int64_t)driftSeq_},
                 {"loss", num(loss)},
                 {"evidence_batches", (int64_t)back}};
  if (canary_.running) {
    canary_.running = false;
    o["canary"] = "void: the workload changed while " + toString(canary_.next) +
                  " was being judged";
  }
  log(std::move(o));
  logInfo("model '" + cfg_.name + "': drift at sample " + std::to_string(driftSeq_) +
          " (batch loss " + std::to_string(loss) + ")");
}

void Session::train() {
  const ModelConfig &c = cfg_;
  int steps = 0;
  while (ring_->pendingNew() >= c.batchSize && steps < 16) {
    auto b = ring_->takeNew(c.batchSize);
    std::vector<const Sample *> trainPart;
    for (auto *s : b)
      if (!isHoldout(s->seq))
        trainPart.push_back(s);
    if (trainPart.empty())
      continue;
    auto t0 = nowS();
    // Prequential: the loss of the model before it sees the batch.
    double loss = tr_->step(trainPart);
    ++steps;
    batchStarts_.push_back({b.front()->seq, loss});
    while (batchStarts_.size() > 256)
      batchStarts_.pop_front();
    lastLoss_ = loss;
    trainedTo_ = b.back()->seq;
    if (drift_.push(loss))
      onDrift(loss);
    stab_.push(loss, trainPart.size());
    // Replay: more steps on random post-drift training samples.
    if (c.replaySteps) {
      auto pool = recentSince(8192, false);
      if (pool.size() >= c.batchSize) {
        std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
        for (unsigned r = 0; r < c.replaySteps; ++r) {
          std::vector<const Sample *> rb;
          for (unsigned i = 0; i < c.batchSize; ++i)
            rb.push_back(pool[pick(rng_)]);
          tr_->step(rb);
        }
      }
    }
    stepMsTotal_ += (nowS() - t0) * 1000;
  }
}

//===----------------------------------------------------------------------===//
// Snapshot outputs and losses
//===----------------------------------------------------------------------===//

bool Session::snapshotOutputs(const std::vector<uint8_t> &params, const SnapshotTwin *twin,
                              const std::vector<const Sample *> &s,
                              std::vector<std::vector<double>> &out, std::string &err) {
  out.clear();
  if (twin) {
    for (auto *x : s) {
      auto y = twin->runReal(params.data(), x->x);
      if (y.empty()) {
        err = "twin inference failed";
        return false;
      }
      out.push_back(std::move(y));
    }
    return true;
  }
  // LF_CMD_EVAL on the kernel's active snapshot.
  unsigned nIn = km_.nIn, nOut = km_.nOut;
  size_t chunk = std::max<size_t>(1, 16000 / (4 * nIn));
  for (size_t off = 0; off < s.size(); off += chunk) {
    size_t k = std::min(chunk, s.size() - off);
    std::vector<int32_t> in;
    for (size_t i = 0; i < k; ++i)
      for (unsigned j = 0; j < nIn; ++j)
        in.push_back((int32_t)lf_quantize_double(s[off + i]->x[j], km_.inFrac[j], 32));
    std::vector<int32_t> o;
    if (!nl_.eval(cfg_.name, in, -1, o, err))
      return false;
    for (size_t i = 0; i < k && (i + 1) * nOut <= o.size(); ++i) {
      std::vector<double> y(nOut);
      for (unsigned j = 0; j < nOut; ++j)
        y[j] = std::ldexp((double)o[i * nOut + j], -km_.outFrac[j]);
      out.push_back(std::move(y));
    }
  }
  return true;
}

double Session::meanLoss(const std::vector<std::vector<double>> &y,
                         const std::vector<const Sample *> &s) const {
  if (cfg_.objective == ObjectiveKind::Reinforce || y.empty())
    return NAN;
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < y.size() && i < s.size(); ++i) {
    double l = sampleLoss(lossKind(cfg_.objective), y[i], s[i]->label, cfg_.huberDelta,
                          cfg_.ceInput == "logits");
    if (std::isfinite(l)) {
      sum += l;
      ++n;
    }
  }
  return n ? sum / n : NAN;
}

bool Session::readActive(const SnapshotId &act, const std::vector<HistoryEntry> &hist) {
  std::string err;
  std::vector<uint8_t> p;
  if (!nl_.readParams(cfg_.name, act.first, p, err)) {
    logInfo("model '" + cfg_.name + "': " + err);
    return false;
  }
  activeParams_ = std::move(p);
  activeKnownId_ = act;
  std::string blob;
  const HistoryEntry *h = StateStore::findKernel(hist, act);
  if (h && readFile(h->params, blob) &&
      std::equal(blob.begin(), blob.end(), activeParams_.begin(), activeParams_.end()))
    return true;
  // Not (or not this) in the history: keep what the kernel holds.
  std::string path = dir_ + "/snapshots/read-" + toString(act) + ".bin", e2;
  makeDirs(dir_ + "/snapshots", e2);
  writeFileAtomic(path, std::string(activeParams_.begin(), activeParams_.end()), e2);
  store_.addHistory(cfg_.name, HistoryEntry{0, act, 0, "read", path});
  return true;
}

void Session::crossCheck() {
  // Twin vs lf_core's EVAL of the active snapshot, integer for integer.
  crossChecked_ = true;
  if (evalFidelity_ || !cfg_.evalCheck || !nl_.canEval())
    return;
  auto rec = ring_->recent(cfg_.evalCheck);
  if (rec.empty()) {
    crossChecked_ = false;
    return;
  }
  std::vector<int32_t> in;
  for (auto *x : rec)
    for (unsigned j = 0; j < km_.nIn; ++j)
      in.push_back((int32_t)lf_quantize_double(x->x[j], km_.inFrac[j],
                                               twin_->snapshot().inWidth[j]));
  std::vector<int32_t> kout, tout(km_.nOut);
  std::string err;
  if (!nl_.eval(cfg_.name, in, -1, kout, err)) {
    logInfo("model '" + cfg_.name + "': cross-check skipped: " + err);
    return;
  }
  size_t mism = 0;
  for (size_t i = 0; i < rec.size(); ++i) {
    twin_->infer(activeParams_.data(), &in[i * km_.nIn], tout.data());
    for (unsigned j = 0; j < km_.nOut; ++j)
      if (i * km_.nOut + j >= kout.size() || kout[i * km_.nOut + j] != tout[j])
        ++mism;
  }
  log(json::Object{{"event", "cross-check"},
       {"samples", (int64_t)rec.size()},
       {"mismatches", (int64_t)mism}});
  if (mism) {
    logInfo("model '" + cfg_.name + "': the twin disagrees with lf_core's EVAL on " +
            std::to_string(mism) + " outputs: fidelity via LF_CMD_EVAL");
    evalFidelity_ = true;
  }
}

//===----------------------------------------------------------------------===//
// Decisions, canary, rollback
//===----------------------------------------------------------------------===//

void Session::resync() {
  bool found = false;
  std::string err;
  if (!nl_.getModel(cfg_.name, km_, found, err) || !found)
    return;
  SnapshotId act = activeId();
  if (act == activeKnownId_ || !act.first)
    return;
  // Someone else switched the model (lf-runtime rollback, lfctl activate).
  json::Object o{{"event", "external-change"},
                 {"active", toString(act)},
                 {"expected", toString(activeKnownId_)}};
  std::string blob;
  auto hist = store_.history(cfg_.name);
  if (!nl_.canEval() && readActive(act, hist)) {
    o["params"] = "read back from " + std::string(nl_.backend());
  } else if (const HistoryEntry *h = StateStore::findKernel(hist, act);
             h && readFile(h->params, blob)) {
    activeParams_.assign(blob.begin(), blob.end());
    activeKnownId_ = act;
    o["params"] = h->params;
  } else {
    evalFidelity_ = true;
    activeKnownId_ = act;
    o["params"] = "unknown: fidelity via LF_CMD_EVAL";
  }
  if (canary_.running) {
    canary_.running = false;
    o["canary"] = "ended: the active snapshot changed";
  }
  // Someone chose this snapshot: respect it for a while.
  holdUntil_ = nowS() + cfg_.holdAfterExternalS;
  o["hold_s"] = (int64_t)cfg_.holdAfterExternalS;
  o["hold"] = "no updates until the hold ends or the workload drifts";
  log(std::move(o));
}

bool Session::rollback(const std::string &why) {
  SnapshotId now;
  std::string err;
  double t0 = nowS();
  std::string retired;
  if (!deployer_->restore(km_, canary_.prev, canary_.prevParams, now, err, &retired)) {
    log(json::Object{{"event", "rollback"},
         {"from", toString(canary_.next)},
         {"to", toString(canary_.prev)},
         {"result", "failed"},
         {"error", err},
         {"why", why}});
    logInfo("model '" + cfg_.name + "': rollback failed: " + err);
    canary_.running = false;
    return false;
  }
  activeParams_ = canary_.prevParams;
  activeKnownId_ = now;
  auto hist = store_.history(cfg_.name);
  std::string params;
  if (const HistoryEntry *h = StateStore::findKernel(hist, canary_.prev))
    params = h->params;
  if (params.empty()) {
    params = dir_ + "/snapshots/restored-" + toString(canary_.prev) + ".bin";
    std::string e2;
    writeFileAtomic(params, std::string(activeParams_.begin(), activeParams_.end()), e2);
  }
  store_.addHistory(cfg_.name, HistoryEntry{0, now, 0, "rollback", params});
  ++rollbacks_;
  budget_.onRollback();
  json::Object o{{"event", "rollback"},
                 {"from", toString(canary_.next)},
                 {"to", toString(canary_.prev)},
                 {"now", toString(now)},
                 {"backend", nl_.backend()},
                 {"result", "ok"},
                 {"ms", (nowS() - t0) * 1000},
                 {"why", why}};
  if (!retired.empty())
    o["retired"] = retired;
  log(std::move(o));
  logInfo("model '" + cfg_.name + "': rolled back " + toString(canary_.next) + " -> " +
          toString(canary_.prev) + " (now " + toString(now) + "): " + why);
  canary_.running = false;
  if (budget_.frozen()) {
    log(json::Object{{"event", "freeze"},
         {"rollbacks_in_a_row", (int64_t)budget_.rollbacksInARow()},
         {"why", "updates keep being rolled back: no more updates until `lf-runtime unfreeze " +
                    cfg_.name + "`"}});
    logInfo("model '" + cfg_.name + "': frozen after " +
            std::to_string(budget_.rollbacksInARow()) + " rollbacks in a row");
  }
  return true;
}

void Session::judgeCanary() {
  const LiveStat *st = live_.find(canary_.next);
  uint64_t n = st ? st->recent.size() : 0;
  bool rl = cfg_.objective == ObjectiveKind::Reinforce;
  double value = st ? st->recentMean() : NAN;
  CanaryVerdict v = lfrt::judgeCanary(value, n, canary_.baseline, std::max(1u, cfg_.canarySamples),
                                      cfg_.rollbackMargin, rl);
  if (v == CanaryVerdict::Pending) {
    if (nowS() - canary_.startT < cfg_.canaryTimeoutS)
      return;
    // Few new flows reached the new snapshot (long-lived flows stay pinned
    // to the old one): no verdict, and no more waiting.
    log(json::Object{{"event", "canary"},
                     {"snapshot", toString(canary_.next)},
                     {"previous", toString(canary_.prev)},
                     {"verdict", "inconclusive"},
                     {"samples", (int64_t)n},
                     {"needed", (int64_t)cfg_.canarySamples},
                     {"timeout_s", (int64_t)cfg_.canaryTimeoutS}});
    canary_.running = false;
    return;
  }
  json::Object o{{"event", "canary"},
                 {"snapshot", toString(canary_.next)},
                 {"previous", toString(canary_.prev)},
                 {"verdict", toString(v)},
                 {"live", num(value)},
                 {"baseline", num(canary_.baseline)},
                 {"baseline_source", canary_.baselineSource},
                 {"samples", (int64_t)n},
                 {"judged", st ? range(std::max(st->firstSeq, st->lastSeq - n + 1), st->lastSeq)
                               : json::Array{}}};
  log(std::move(o));
  if (v == CanaryVerdict::Pass) {
    ++canaryPasses_;
    budget_.onCanaryPass();
    canary_.running = false;
    return;
  }
  char buf[200];
  std::snprintf(buf, sizeof buf, "live %s %.6g over %llu samples is worse than %s's %.6g by more than %g",
                rl ? "reward" : "loss", value, (unsigned long long)n,
                toString(canary_.prev).c_str(), canary_.baseline, cfg_.rollbackMargin);
  rollback(buf);
}

void Session::decide() {
  const ModelConfig &c = cfg_;
  double now = nowS();
  if (now - lastDecisionT_ < c.decisionIntervalMs / 1000.0)
    return;
  if (tr_->steps() == stepsAtDecision_ && !canary_.running)
    return;
  lastDecisionT_ = now;
  stepsAtDecision_ = tr_->steps();
  resync();
  if (canary_.running) {
    judgeCanary();
    if (canary_.running)
      return;
  }
  bool rl = c.objective == ObjectiveKind::Reinforce;
  DecisionInput in;
  in.frozen = budget_.frozen();
  in.held = now < holdUntil_;
  in.stable = stab_.stable();
  lastTrend_ = stab_.relativeTrend();
  auto holdout = recentSince(1024, true);
  auto rec = recentSince(c.fidelitySamples, false);
  double lossRef = rl ? c.policySigma * c.policySigma
                      : holdout.empty() ? lastLoss_ : meanLoss(tr_->predict(holdout), holdout);
  in.threshold = std::max(c.fidelityThreshold, c.fidelityRatio * lossRef);
  lastThreshold_ = in.threshold;
  std::string err;
  in.fidelity = NAN;
  if (in.stable && !in.frozen && !rec.empty()) {
    std::vector<std::vector<double>> snap;
    if (!snapshotOutputs(activeParams_, evalFidelity_ ? nullptr : twin_.get(), rec, snap, err)) {
      logInfo("model '" + c.name + "': fidelity: " + err);
      return;
    }
    in.fidelity = fidelityLoss(snap, tr_->predict(rec));
    lastFidelity_ = in.fidelity;
  }
  in.throttled = !budget_.allowed(now) || (lastFailT_ > 0 && now - lastFailT_ < 10) ||
                 trainedTo_ < rejectHoldUntil_;
  Decision d = precheck(in);
  json::Object o{{"event", "decision"},
                 {"loss", num(lastLoss_)},
                 {"trend", num(lastTrend_)},
                 {"window", (int64_t)c.stabilityWindow},
                 {"epsilon", c.stabilityEpsilon},
                 {"stable", in.stable},
                 {"fidelity", num(in.fidelity)},
                 {"threshold", num(in.threshold)},
                 {"loss_ref", num(lossRef)},
                 {"drift_seq", (int64_t)driftSeq_},
                 {"trained", range(driftSeq_, trainedTo_)},
                 {"steps", (int64_t)tr_->steps()}};
  if (const LiveStat *ls = live_.find(activeKnownId_))
    o["live"] = json::Object{{"snapshot", toString(activeKnownId_)},
                             {"recent", num(ls->recentMean())},
                             {"samples", (int64_t)ls->recent.size()}};
  if (d != Decision::Update) {
    o["decision"] = toString(d);
    lastDecision_ = toString(d);
    log(std::move(o));
    return;
  }

  // A candidate: the tuned weights compiled like the running snapshot.
  uint32_t version = nextVersion_;
  std::string vdir = dir_ + "/snapshots/v" + std::to_string(version);
  auto tuned = tr_->net()->exportParams();
  UpdateSnapshot u;
  if (!mc_->setWeights(tuned, err) || !deployer_->compile(*mc_, km_, version, vdir, u, err)) {
    lastFailT_ = now;
    o["decision"] = "update";
    o["result"] = "failed";
    o["error"] = err;
    lastDecision_ = "update-failed";
    log(std::move(o));
    logInfo("model '" + c.name + "': compile failed: " + err);
    return;
  }
  std::unique_ptr<SnapshotTwin> ownTwin;
  const SnapshotTwin *candTwin = nullptr;
  if (u.fast && twin_) {
    candTwin = twin_.get();
  } else {
    std::string e2;
    ownTwin = mc_->buildTwin(u.snap, e2);
    candTwin = ownTwin.get();
  }
  // Acceptance: the candidate's integers against the active snapshot's on
  // held-out samples since the drift.
  in.haveHoldout = rl || holdout.size() >= c.minHoldout;
  in.margin = c.acceptMargin;
  in.candidateLoss = in.activeLoss = NAN;
  if (!rl && in.haveHoldout) {
    std::vector<std::vector<double>> yc, ya;
    if (candTwin && snapshotOutputs(u.snap.params, candTwin, holdout, yc, err) &&
        snapshotOutputs(activeParams_, evalFidelity_ ? nullptr : twin_.get(), holdout, ya,
                        err)) {
      in.candidateLoss = meanLoss(yc, holdout);
      in.activeLoss = meanLoss(ya, holdout);
    } else {
      in.haveHoldout = false;
    }
  }
  d = accept(in);
  o["decision"] = toString(d);
  o["candidate_loss"] = num(in.candidateLoss);
  o["active_loss"] = num(in.activeLoss);
  o["accept_margin"] = c.acceptMargin;
  o["judged"] = seqRange(holdout);
  o["holdout_samples"] = (int64_t)holdout.size();
  lastDecision_ = toString(d);
  if (d != Decision::Update) {
    if (d == Decision::Rejected)
      rejectHoldUntil_ = trainedTo_ + c.stabilityWindow / 2;
    log(std::move(o));
    return;
  }
  if (c.fault == "corrupt-push") {
    // Tests only: deploy something other than what was judged (the last
    // bias pushed far off), as a broken build or push would; the canary
    // must catch it.
    auto bad = tuned;
    if (!bad.empty())
      for (float &v : bad.back().values)
        v += 50.0f;
    if (!mc_->setWeights(bad, err) || !deployer_->compile(*mc_, km_, version, vdir, u, err))
      return;
    mc_->setWeights(tuned, err);
    o["fault"] = "corrupt-push";
  }
  SnapshotId prev = activeKnownId_;
  std::vector<uint8_t> prevParams = activeParams_;
  const LiveStat *pst = live_.find(prev);
  Deployment dep;
  if (!deployer_->deploy(km_, u, dep, err)) {
    lastFailT_ = now;
    lastDecision_ = "update-failed";
    o["result"] = "failed";
    o["error"] = err;
    log(std::move(o));
    logInfo("model '" + c.name + "': update failed: " + err);
    return;
  }
  ++nextVersion_;
  ++updates_;
  (dep.path == "module" ? moduleLoads_ : pushes_)++;
  lastUpdateMs_ = dep.timings.getNumber("update_ms").value_or(NAN);
  budget_.onUpdate(now);
  activeParams_ = u.snap.params;
  activeKnownId_ = dep.id;
  if (!twin_ || twin_->snapshot().archHash != u.snap.archHash) {
    std::string e2;
    twin_ = mc_->buildTwin(u.snap, e2);
    evalFidelity_ = !twin_;
  }
  std::string e2;
  saveCheckpoint(dir_ + "/checkpoint.bin", tuned, e2);
  writeOnnx(mc_->net(), dir_ + "/tuned.onnx", e2);
  // The deployed weights as an ONNX beside their package (what lfc would
  // compile them to: audits and tests reproduce the kernel's outputs).
  writeOnnx(mc_->net(), vdir + "/tuned.onnx", e2);
  store_.addHistory(c.name, HistoryEntry{0, dep.id, version, dep.path, vdir + "/params.bin"});
  // The canary: the new instance's live error against the previous one's
  // (its live window since the drift, or its held-out loss).
  canary_ = CanaryState();
  canary_.running = c.canarySamples > 0;
  canary_.prev = prev;
  canary_.next = dep.id;
  canary_.prevParams = std::move(prevParams);
  canary_.fromSeq = nextSeq_;
  canary_.startT = now;
  uint64_t minLive = std::min<uint64_t>(c.canarySamples, 64);
  if (pst && pst->recent.size() >= std::max<uint64_t>(1, minLive)) {
    canary_.baseline = pst->recentMean();
    canary_.baselineSource = "live";
  } else {
    canary_.baseline = rl ? NAN : in.activeLoss;
    canary_.baselineSource = rl ? "none" : "holdout";
  }
  o["result"] = "ok";
  o["path"] = dep.path;
  o["package_version"] = (int64_t)version;
  o["kernel"] = toString(dep.id);
  o["previous"] = toString(prev);
  o["pinned"] = u.pinned;
  if (u.saturated) {
    o["saturated"] = true;
    o["note"] = u.note;
  }
  if (!dep.fullPathReason.empty())
    o["full_path_reason"] = dep.fullPathReason;
  for (auto &kv : dep.timings)
    o[kv.first] = kv.second;
  o["compile_ms"] = u.snap.compileMs;
  if (dep.path == "module") {
    logInfo("model '" + c.name + "': full path (new snapshot module v" +
            std::to_string(version) + "): " + dep.fullPathReason);
    json::Array retired;
    deployer_->retire(retired);
    if (!retired.empty())
      log(json::Object{{"event", "retire"}, {"modules", std::move(retired)}});
  }
  std::string summary = "model '" + c.name + "': " + toString(prev) + " -> " +
                        toString(dep.id) + " (" + dep.path + ")";
  log(std::move(o));
  logInfo(summary);
}

void Session::tick() {
  train();
  if (tr_->steps() != servedSteps_) {
    serving_->update(tr_->net()->exportParams());
    servedSteps_ = tr_->steps();
  }
  if (!crossChecked_ && ring_->size() >= cfg_.evalCheck)
    crossCheck();
  decide();
}

void Session::save(bool final) {
  std::string err;
  auto p = tr_->net()->exportParams();
  saveCheckpoint(dir_ + "/checkpoint.bin", p, err);
  if (final) {
    mc_->setWeights(p, err);
    writeOnnx(mc_->net(), dir_ + "/tuned.onnx", err);
  }
}

json::Object Session::status(double uptimeS) {
  (void)uptimeS;
  double now = nowS();
  if (now - rateT0_ >= 1.0) {
    samplesPerS_ = (seq_.samples - rateN0_) / (now - rateT0_);
    rateT0_ = now;
    rateN0_ = seq_.samples;
  }
  bool rl = cfg_.objective == ObjectiveKind::Reinforce;
  json::Array live;
  for (auto &kv : live_.all())
    live.push_back(json::Object{{"snapshot", toString(kv.first)},
                                {"samples", (int64_t)kv.second.count},
                                {"mean", num(kv.second.mean())},
                                {"recent", num(kv.second.recentMean())},
                                {"seq", range(kv.second.firstSeq, kv.second.lastSeq)}});
  const LiveStat *act = live_.find(activeKnownId_);
  std::string state = budget_.frozen()          ? "frozen"
                      : canary_.running           ? "canary"
                      : nowS() < holdUntil_       ? "held"
                                                  : "tracking";
  return json::Object{
      {"name", cfg_.name},
      {"backend", nl_.backend()},
      {"queries_answered", (int64_t)serving_->answered()},
      {"serving_updates", (int64_t)serving_->updates()},
      {"active", toString(activeId())},
      {"state", state},
      {"samples", (int64_t)seq_.samples},
      {"samples_per_s", num(samplesPerS_)},
      {"lost_batches", (int64_t)seq_.lostBatches},
      {"lost_samples", (int64_t)(seq_.lostSamplesEstimate + seq_.kernelDrops)},
      {"kernel_drops", (int64_t)seq_.kernelDrops},
      {"ring_dropped", (int64_t)ring_->dropped()},
      {"bad_samples", (int64_t)badSamples_},
      {"steps", (int64_t)tr_->steps()},
      {"step_ms_mean", num(tr_->steps() ? stepMsTotal_ / tr_->steps() : NAN)},
      {"loss", num(lastLoss_)},
      {"trend", num(lastTrend_)},
      {"fidelity", num(lastFidelity_)},
      {"threshold", num(lastThreshold_)},
      {"fidelity_source", evalFidelity_ ? "eval" : "twin"},
      {"live_metric", rl ? "reward" : "loss"},
      {"live_active", num(act ? act->recentMean() : NAN)},
      {"live", std::move(live)},
      {"drifts", (int64_t)drifts_},
      {"drift_seq", (int64_t)driftSeq_},
      {"last_decision", lastDecision_},
      {"updates", (int64_t)updates_},
      {"pushes", (int64_t)pushes_},
      {"module_loads", (int64_t)moduleLoads_},
      {"canary_passes", (int64_t)canaryPasses_},
      {"rollbacks", (int64_t)rollbacks_},
      {"frozen", budget_.frozen()},
      {"last_update_ms", num(lastUpdateMs_)}};
}

} // namespace lfrt
