//===- Daemon.cpp - the event loop, status and rollback commands ----------===//
//
// The daemon is three threads: the receive loop (this file's `run`) drains
// the netlink "samples" group (lf_core models) and the BPF ring buffers
// (backend = "bpf" models, Bpf.h) into a bounded queue and handles signals; the
// training thread pops batches and drives one Session per model (training,
// decisions, deployments, status); the query thread answers lf_core's
// userspace queries (the "queries" group, lf_user_query()) with each
// model's current float net (Session::serve, ServingNet.h). A slow training
// step never stalls the socket: when the queue is full the batch is dropped
// and counted; it never delays an answer either. Without adaptation
// (`lf-runtime serve`) the daemon only answers queries.
//
//===----------------------------------------------------------------------===//

#include "lfrt/Daemon.h"

#include "lfrt/Bpf.h"
#include "lfrt/Clock.h"
#include "lfrt/Deployer.h"
#include "lfrt/NetlinkClient.h"
#include "lfrt/Session.h"
#include "lfrt/StateDir.h"
#include "lfrt/StateStore.h"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lfrt {

namespace json = llvm::json;

namespace {

volatile sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }


void logErr(const std::string &s) { std::fprintf(stderr, "lf-runtime: %s\n", s.c_str()); }

/// One batch off the socket.
struct Batch {
  std::string model;
  uint64_t seq = 0, drops = 0;
  uint32_t count = 0;
  std::string blob;
};

/// Bounded hand-off between the receive loop and the training thread.
class BatchQueue {
public:
  explicit BatchQueue(size_t cap) : cap_(cap) {}
  void push(Batch b) {
    std::lock_guard<std::mutex> l(mu_);
    if (q_.size() >= cap_) {
      ++overflowBatches_;
      overflowSamples_ += b.count;
      return;
    }
    q_.push_back(std::move(b));
    cv_.notify_one();
  }
  /// Waits up to `ms` for batches; takes all of them.
  std::deque<Batch> take(int ms) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(ms), [&] { return !q_.empty() || closed_; });
    std::deque<Batch> out;
    out.swap(q_);
    return out;
  }
  void close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  uint64_t overflowBatches() const { return overflowBatches_; }
  uint64_t overflowSamples() const { return overflowSamples_; }

private:
  size_t cap_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> q_;
  bool closed_ = false;
  std::atomic<uint64_t> overflowBatches_{0}, overflowSamples_{0};
};

class Daemon {
public:
  explicit Daemon(const DaemonConfig &c)
      : cfg_(c), store_(c.stateDir), queue_(c.queueBatches ? c.queueBatches : 1) {}
  int run();

private:
  void trainingLoop();
  void queryLoop();
  void writeStatus(bool running);

  DaemonConfig cfg_;
  StateStore store_;
  NlClient nl_;  ///< used by the training thread only (after setup)
  NlSampleListener listen_;
  NlQueryServer queries_;   ///< used by the query thread only (after setup)
  /// backend = "bpf" models: their maps (training thread) and ring buffers
  /// (receive loop).
  std::map<std::string, std::unique_ptr<BpfClient>> bpf_;
  std::vector<std::unique_ptr<BpfSampleSource>> sources_;
  bool anyCore_ = false;    ///< some model runs in lf_core
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  BatchQueue queue_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> queryFailed_{false};
  double startT_ = 0;
};

void Daemon::writeStatus(bool running) {
  json::Array models;
  for (auto &kv : sessions_)
    models.push_back(kv.second->status(nowS() - startT_));
  json::Object s{{"pid", (int64_t)getpid()},
                 {"running", running},
                 {"time", wallS()},
                 {"uptime_s", nowS() - startT_},
                 {"socket_overruns", (int64_t)listen_.overruns()},
                 {"queue_overflow_batches", (int64_t)queue_.overflowBatches()},
                 {"queue_overflow_samples", (int64_t)queue_.overflowSamples()},
                 {"adapting", cfg_.adapt},
                 {"queries_answered", (int64_t)queries_.answered()},
                 {"queries_unanswered", (int64_t)queries_.unanswered()},
                 {"answer_errors", (int64_t)queries_.errors()},
                 {"answer_last_error", queries_.lastError()},
                 {"query_overruns", (int64_t)queries_.overruns()},
                 {"models", std::move(models)}};
  if (!sources_.empty()) {
    // Per BPF ring buffer: what arrived, the gaps in the program's sample
    // numbers, and the program's own counters (submitted, ring full).
    json::Array rings;
    for (auto &src : sources_) {
      json::Object r{{"model", src->model()},
                     {"pin_dir", src->pinDir()},
                     {"records", (int64_t)src->records()},
                     {"bad_records", (int64_t)src->badRecords()},
                     {"seq_first", (int64_t)src->firstSeq()},
                     {"seq_last", (int64_t)src->lastSeq()},
                     {"seq_gaps", (int64_t)src->seqGaps()}};
      uint64_t ks = 0, kd = 0;
      std::string e;
      if (src->kernelCounters(ks, kd, e)) {
        r["kernel_samples"] = (int64_t)ks;
        r["kernel_sample_drops"] = (int64_t)kd;
      }
      rings.push_back(std::move(r));
    }
    s["bpf_rings"] = std::move(rings);
  }
  std::string err;
  store_.writeStatus(json::Value(std::move(s)), err);
}

void Daemon::trainingLoop() {
  double lastStatus = 0, lastCkpt = nowS();
  while (!stop_) {
    auto batches = queue_.take(50);
    if (!cfg_.adapt) {
      double now = nowS();
      if ((now - lastStatus) * 1000 >= cfg_.statusIntervalMs) {
        writeStatus(true);
        lastStatus = now;
      }
      continue;
    }
    for (auto &b : batches) {
      auto it = sessions_.find(b.model);
      if (it != sessions_.end())
        it->second->onBatch(b.seq, b.drops, b.count, b.blob.data(), b.blob.size());
    }
    for (auto &kv : sessions_)
      kv.second->tick();
    double now = nowS();
    if ((now - lastStatus) * 1000 >= cfg_.statusIntervalMs) {
      writeStatus(true);
      lastStatus = now;
    }
    if (now - lastCkpt > 10) {
      for (auto &kv : sessions_)
        kv.second->save(false);
      lastCkpt = now;
    }
  }
}

void Daemon::queryLoop() {
  NlQueryServer::Handler answer = [this](const std::string &model, uint64_t,
                                         const int32_t *in, uint32_t nIn,
                                         std::vector<int32_t> &out) {
    auto it = sessions_.find(model);
    return it != sessions_.end() && it->second->serve(in, nIn, out);
  };
  std::string err;
  while (!stop_) {
    struct pollfd p = {queries_.fd(), POLLIN, 0};
    ::poll(&p, 1, 100);
    if (!queries_.poll(answer, err)) {
      logErr(err);
      queryFailed_ = true;
      gStop = 1;
      return;
    }
  }
}

int Daemon::run() {
  std::string err;
  if (cfg_.models.empty()) {
    logErr("no models: give --model NAME=FILE.onnx or a config with [models.NAME]");
    return 2;
  }
  for (auto &mc : cfg_.models)
    if (!validateModel(mc, err)) {
      logErr(err);
      return 2;
    }
  for (auto &mc : cfg_.models) {
    anyCore_ |= mc.backend == Backend::LfCore;
    if (mc.backend == Backend::Bpf && !cfg_.adapt) {
      logErr("model '" + mc.name + "': backend = \"bpf\": a BPF program makes no userspace "
             "queries to answer (run `lf-runtime daemon`)");
      return 2;
    }
  }
  if (geteuid() != 0) {
    logErr("the daemon needs root (CAP_NET_ADMIN for lf_core's samples and snapshot "
           "updates, CAP_SYS_MODULE for snapshot modules, CAP_BPF for a BPF program's maps)");
    return 1;
  }
  if (!makeDirs(cfg_.stateDir, err)) {
    logErr(err);
    return 1;
  }
  if (anyCore_ && !nl_.connect(err)) {
    logErr(err);
    return 1;
  }
  for (auto &mc : cfg_.models) {
    KernelApi *k = &nl_;
    if (mc.backend == Backend::Bpf) {
      auto b = std::make_unique<BpfClient>(mc.bpfPinDir, mc.bpfGraceUs);
      if (!b->open(err)) {
        logErr("model '" + mc.name + "': bpf_pin_dir: " + err);
        return 1;
      }
      k = b.get();
      bpf_[mc.name] = std::move(b);
    }
    auto s = std::make_unique<Session>(mc, *k, store_);
    if (!s->setup(err)) {
      logErr(err);
      return 1;
    }
    sessions_[mc.name] = std::move(s);
    if (mc.backend == Backend::Bpf && cfg_.adapt) {
      auto src = std::make_unique<BpfSampleSource>(mc.name, mc.bpfPinDir);
      if (!src->open(err)) {
        logErr("model '" + mc.name + "': bpf_pin_dir: " + err);
        return 1;
      }
      sources_.push_back(std::move(src));
    }
  }
  if (cfg_.adapt && anyCore_ && !listen_.join(err)) {
    logErr(err);
    return 1;
  }
  if (anyCore_ && !queries_.join(err)) {
    logErr(err);
    return 1;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  startT_ = nowS();
  std::fprintf(stderr, "lf-runtime: running: %zu model(s), %s, state in %s\n",
               sessions_.size(),
               cfg_.adapt ? "adapting and answering queries" : "answering queries",
               cfg_.stateDir.c_str());
  std::fflush(stderr);
  std::thread trainer([this] { trainingLoop(); });
  std::thread server;
  if (anyCore_)
    server = std::thread([this] { queryLoop(); });
  auto handler = [this](const std::string &n, uint64_t seq, uint64_t drops, uint32_t count,
                        const void *b, size_t len) {
    queue_.push({n, seq, drops, count, std::string(static_cast<const char *>(b), len)});
  };
  int rc = 0;
  while (!gStop) {
    if (!cfg_.adapt) {
      ::poll(nullptr, 0, 100);
    } else {
      std::vector<struct pollfd> p;
      if (anyCore_)
        p.push_back({listen_.fd(), POLLIN, 0});
      for (auto &src : sources_)
        p.push_back({src->fd(), POLLIN, 0});
      ::poll(p.data(), p.size(), 100);
      if (anyCore_ && !listen_.poll(handler, err)) {
        logErr(err);
        rc = 1;
        break;
      }
      for (auto &src : sources_)
        if (!src->poll(handler, err)) {
          logErr(err);
          rc = 1;
          gStop = 1;
        }
    }
    if (cfg_.maxRuntimeS > 0 && nowS() - startT_ > cfg_.maxRuntimeS)
      break;
  }
  stop_ = true;
  queue_.close();
  trainer.join();
  if (server.joinable())
    server.join();
  if (queryFailed_)
    rc = 1;
  if (cfg_.adapt)
    for (auto &kv : sessions_)
      kv.second->save(true);
  writeStatus(false);
  std::fprintf(stderr, "lf-runtime: stopped\n");
  return rc;
}

std::string cell(const json::Object &o, llvm::StringRef k) {
  const json::Value *v = o.get(k);
  if (!v || v->kind() == json::Value::Null)
    return "-";
  if (auto s = v->getAsString())
    return s->str();
  if (auto i = v->getAsInteger())
    return std::to_string(*i);
  if (auto d = v->getAsNumber()) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", *d);
    return b;
  }
  if (auto b = v->getAsBoolean())
    return *b ? "yes" : "no";
  return "-";
}

} // namespace

int runDaemon(const DaemonConfig &cfg) {
  try {
    Daemon d(cfg);
    return d.run();
  } catch (const std::exception &e) {
    logErr(std::string("internal error: ") + e.what());
    return 1;
  }
}

int compileSnapshot(const ModelConfig &c, unsigned version, const std::string &dir) {
  std::string err;
  auto mc = ModelCompiler::load(c.onnx, "", err);
  if (!mc) {
    logErr(err);
    return 1;
  }
  NlClient unused;
  Deployer dep(unused, c);
  CompiledSnapshot s;
  if (!mc->compile(dep.compileOptions(), c.name, version, dir, dep.coreSymvers(), s, err)) {
    logErr(err);
    return 1;
  }
  std::printf("%s/ (module %s, arch hash 0x%016llx, %zu params bytes)\n", dir.c_str(),
              s.moduleName.c_str(), (unsigned long long)s.archHash, s.params.size());
  return 0;
}

/// Whether the daemon that wrote status.json `o` still runs.
static bool daemonRunning(const json::Object &o) {
  int64_t pid = o.getInteger("pid").value_or(0);
  return o.getBoolean("running").value_or(false) && pid > 0 && kill((pid_t)pid, 0) == 0;
}

int runStatus(const std::string &stateDir, bool asJson) {
  StateStore store(stateDir);
  json::Value v(nullptr);
  std::string err;
  if (!store.readStatus(v, err)) {
    logErr(err);
    return 1;
  }
  if (asJson) {
    std::printf("%s\n", toLine(v).c_str());
    return 0;
  }
  const json::Object *o = v.getAsObject();
  if (!o) {
    logErr(stateDir + "/status.json: not a JSON object");
    return 1;
  }
  int64_t pid = o->getInteger("pid").value_or(0);
  std::printf("daemon: pid %lld, %s\n", (long long)pid,
              daemonRunning(*o) ? "running" : "not running");
  std::printf("%-14s %-9s %-8s %9s %6s %10s %10s %10s %-14s %4s %4s %4s\n", "MODEL", "ACTIVE",
              "STATE", "SAMPLES/S", "LOST", "LOSS", "LIVE", "FIDELITY", "LAST DECISION", "UPD",
              "RB", "DRIFT");
  if (const json::Array *ms = o->getArray("models"))
    for (const json::Value &mv : *ms) {
      const json::Object *m = mv.getAsObject();
      if (!m)
        continue;
      std::printf("%-14s %-9s %-8s %9s %6s %10s %10s %10s %-14s %4s %4s %4s\n",
                  cell(*m, "name").c_str(), cell(*m, "active").c_str(),
                  cell(*m, "state").c_str(), cell(*m, "samples_per_s").c_str(),
                  cell(*m, "lost_samples").c_str(), cell(*m, "loss").c_str(),
                  cell(*m, "live_active").c_str(), cell(*m, "fidelity").c_str(),
                  cell(*m, "last_decision").c_str(), cell(*m, "updates").c_str(),
                  cell(*m, "rollbacks").c_str(), cell(*m, "drifts").c_str());
      if (const json::Array *live = m->getArray("live"))
        for (const json::Value &lv : *live)
          if (const json::Object *l = lv.getAsObject())
            std::printf("  live %s %-9s samples %s, mean %s, recent %s\n",
                        cell(*m, "live_metric").c_str(), cell(*l, "snapshot").c_str(),
                        cell(*l, "samples").c_str(), cell(*l, "mean").c_str(),
                        cell(*l, "recent").c_str());
    }
  return 0;
}

int runUnfreeze(const std::string &stateDir, const std::string &model) {
  StateStore store(stateDir);
  if (store.events(model).empty()) {
    logErr("no decisions for model '" + model + "' in " + stateDir +
           " (is that the daemon's --state-dir?)");
    return 1;
  }
  if (!store.frozen(model)) {
    std::printf("model '%s' is not frozen\n", model.c_str());
    return 0;
  }
  store.event(model, json::Object{{"event", "unfreeze"}, {"by", "lf-runtime unfreeze"}});
  json::Value st(nullptr);
  std::string err;
  bool running = store.readStatus(st, err) && st.getAsObject() && daemonRunning(*st.getAsObject());
  std::printf("model '%s' unfrozen%s\n", model.c_str(),
              running ? ": the running daemon keeps its freeze until it is restarted" : "");
  return 0;
}

int runRollback(const std::string &stateDir, const ModelConfig &mcfg, const std::string &to) {
  const std::string &model = mcfg.name;
  bool bpf = mcfg.backend == Backend::Bpf;
  StateStore store(stateDir);
  SnapshotId target{0, 0};
  if (!to.empty() && !parseSnapshotId(to, target)) {
    logErr("--to: '" + to + "' is not VERSION.GEN (e.g. 2.3)");
    return 2;
  }
  if (geteuid() != 0) {
    logErr(bpf ? "rollback needs root (CAP_BPF for the BPF program's maps)"
               : "rollback needs root (CAP_NET_ADMIN for lf_core's ACTIVATE and PUSH)");
    return 1;
  }
  auto hist = store.history(model);
  if (hist.empty()) {
    logErr("no history for model '" + model + "' in " + stateDir +
           " (is that the daemon's --state-dir?)");
    return 1;
  }
  NlClient core;
  BpfClient maps(mcfg.bpfPinDir, mcfg.bpfGraceUs);
  KernelApi &nl = bpf ? (KernelApi &)maps : (KernelApi &)core;
  std::string err;
  if (bpf ? !maps.open(err) : !core.connect(err)) {
    logErr(bpf ? "model '" + model + "': bpf_pin_dir: " + err : err);
    return 1;
  }
  KernelModel km;
  bool found = false;
  if (!nl.getModel(model, km, found, err)) {
    logErr(err);
    return 1;
  }
  if (!found) {
    logErr("model '" + model + "' is not registered in lf_core");
    return 1;
  }
  const KernelSnapshot *a = km.hasActive ? km.find(km.activeVersion) : nullptr;
  SnapshotId cur = a ? SnapshotId{a->version, a->gen} : SnapshotId{0, 0};
  // Default target: what served before the current instance.
  const HistoryEntry *h = nullptr;
  if (target.first) {
    h = StateStore::findKernel(hist, target);
    if (!h) {
      logErr("model '" + model + "': " + toString(target) + " is not in " + stateDir + "/" +
             model + "/history.jsonl");
      return 1;
    }
  } else {
    for (auto it = hist.rbegin(); it != hist.rend(); ++it)
      if (it->kernel == cur) {
        for (auto jt = std::next(it); jt != hist.rend(); ++jt)
          if (jt->kernel != cur) {
            h = &*jt;
            break;
          }
        break;
      }
    if (!h) {
      logErr("model '" + model + "': nothing to roll back to (the active " + toString(cur) +
             " has no predecessor in the history; give --to VERSION.GEN)");
      return 1;
    }
  }
  std::string blob;
  if (!readFile(h->params, blob)) {
    logErr("model '" + model + "': cannot read " + h->params);
    return 1;
  }
  Deployer dep(nl, mcfg);
  SnapshotId now;
  std::vector<uint8_t> params(blob.begin(), blob.end());
  std::string retired;
  if (!dep.restore(km, h->kernel, params, now, err, &retired)) {
    logErr("model '" + model + "': " + err);
    return 1;
  }
  store.addHistory(model, HistoryEntry{0, now, 0, "rollback", h->params});
  json::Object ev{{"event", "rollback"},
                  {"from", toString(cur)},
                  {"to", toString(h->kernel)},
                  {"now", toString(now)},
                  {"backend", nl.backend()},
                  {"result", "ok"},
                  {"why", "by hand (lf-runtime rollback)"}};
  if (!retired.empty())
    ev["retired"] = retired;
  store.event(model, std::move(ev));
  std::printf("%s: %s -> %s (now serving %s)\n", model.c_str(), toString(cur).c_str(),
              toString(h->kernel).c_str(), toString(now).c_str());
  return 0;
}

} // namespace lfrt
