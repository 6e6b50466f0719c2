//===- Daemon.cpp - online tuning and conservative snapshot updates -------===//

#include "lfrt/Daemon.h"

#include "lfrt/ModelCompiler.h"
#include "lfrt/NetlinkClient.h"
#include "lfrt/OnnxWrite.h"
#include "lfrt/Policy.h"
#include "lfrt/Samples.h"
#include "lfrt/StateDir.h"
#include "lfrt/Trainer.h"

#include "lf_float.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <poll.h>
#include <sstream>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LFRT_DEFAULT_CORE_SYMVERS
#define LFRT_DEFAULT_CORE_SYMVERS ""
#endif

namespace lfrt {

namespace {

volatile sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }

double nowS() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
double wallS() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double msSince(double t0) { return (nowS() - t0) * 1000; }

void logErr(const std::string &s) { std::fprintf(stderr, "lf-runtime: %s\n", s.c_str()); }
void logInfo(const std::string &s) {
  std::fprintf(stderr, "lf-runtime: %s\n", s.c_str());
  std::fflush(stderr);
}

std::string defaultKdir() {
  struct utsname u;
  uname(&u);
  return std::string("/lib/modules/") + u.release + "/build";
}

/// Runs a command (argv), output to `log`; returns the exit status.
int runCmd(const std::vector<std::string> &argv, const std::string &log) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char *> a;
    for (auto &s : argv)
      a.push_back(const_cast<char *>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string firstErrorLine(const std::string &log) {
  std::string d;
  if (!readFile(log, d))
    return "";
  std::stringstream ss(d);
  std::string line, last;
  while (std::getline(ss, line)) {
    if (line.find("rror") != std::string::npos)
      return line;
    if (!line.empty())
      last = line;
  }
  return last;
}

/// The compile options of a model's snapshots (lfc compile's defaults).
CompileOptions compileOptions(const ModelConfig &c) {
  CompileOptions co;
  co.bits = c.bits;
  co.headroom = c.headroom;
  co.inputRanges = c.inputRanges.empty()
                       ? std::vector<std::pair<double, double>>{{-8, 8}}
                       : c.inputRanges;
  return co;
}

std::string coreSymvers(const ModelConfig &c) {
  return c.coreSymvers.empty() ? LFRT_DEFAULT_CORE_SYMVERS : c.coreSymvers;
}

struct Model {
  ModelConfig cfg;
  std::string dir;  // state dir of the model
  std::unique_ptr<ModelCompiler> mc;
  std::unique_ptr<Trainer> tr;
  std::unique_ptr<SampleRing> ring;
  SeqTracker seq;
  std::unique_ptr<StabilityRule> stab;
  KernelModel km;
  std::unique_ptr<SnapshotTwin> twin;
  std::vector<uint8_t> activeParams;
  bool activeKnown = false;       // activeParams is the kernel's active blob
  bool evalFidelity = false;      // use LF_CMD_EVAL instead of the twin
  bool crossChecked = false;
  uint32_t nextVersion = 1;
  double lastLoss = NAN, lastFidelity = NAN, lastRel = NAN;
  std::string lastDecision = "none";
  double lastDecisionT = 0, lastUpdateT = 0, lastFailT = 0;
  uint64_t stepsAtDecision = 0;
  uint64_t updates = 0, pushes = 0, moduleLoads = 0;
  double lastPushMs = NAN, lastModuleMs = NAN;
  uint64_t badSamples = 0;
  // rate
  double rateT0 = 0;
  uint64_t rateN0 = 0;
  double samplesPerS = 0;
  double stepMsTotal = 0;
  std::vector<std::string> retirePending;
};

class Daemon {
public:
  explicit Daemon(const DaemonConfig &c) : cfg_(c) {}
  int run();

private:
  bool setupModel(Model &m, std::string &err);
  void onBatch(const std::string &name, uint64_t seq, uint64_t drops,
               uint32_t count, const void *blob, size_t len);
  void trainAndDecide(Model &m);
  void crossCheck(Model &m);
  bool snapshotOutputs(Model &m, const std::vector<const Sample *> &s,
                       std::vector<std::vector<double>> &out, std::string &err);
  bool update(Model &m, std::string &err, std::string &logExtra);
  void retire(Model &m);
  void writeStatus(bool running);
  void decisionLog(Model &m, const std::string &json);

  DaemonConfig cfg_;
  NlClient nl_;
  NlSampleListener listen_;
  std::map<std::string, std::unique_ptr<Model>> models_;
  double startT_ = 0;
};

void Daemon::decisionLog(Model &m, const std::string &json) {
  appendLine(m.dir + "/decisions.jsonl",
             "{\"t\":" + jsonNum(wallS()) + ",\"model\":" + jsonStr(m.cfg.name) +
                 "," + json + "}");
}

bool Daemon::setupModel(Model &m, std::string &err) {
  const ModelConfig &c = m.cfg;
  if (!validateModel(c, err))
    return false;
  m.dir = cfg_.stateDir + "/" + c.name;
  if (!makeDirs(m.dir + "/snapshots", err))
    return false;
  m.mc = ModelCompiler::load(c.onnx, "", err);
  if (!m.mc) {
    err = "model '" + c.name + "': " + err;
    return false;
  }
  // The kernel side.
  bool found = false;
  if (!nl_.getModel(c.name, m.km, found, err))
    return false;
  if (!found) {
    err = "model '" + c.name + "' is not registered in lf_core (load a snapshot module of it first, e.g. lfc compile + insmod)";
    return false;
  }
  if (m.km.nIn != m.mc->net().nIn || m.km.nOut != m.mc->net().nOut) {
    err = "model '" + c.name + "': lf_core's model has " + std::to_string(m.km.nIn) +
          " inputs and " + std::to_string(m.km.nOut) + " outputs, " + c.onnx + " has " +
          std::to_string(m.mc->net().nIn) + " and " + std::to_string(m.mc->net().nOut);
    return false;
  }
  // Versions: above everything the kernel and the state dir know.
  for (auto &s : m.km.snapshots)
    m.nextVersion = std::max(m.nextVersion, s.version + 1);
  std::string hist;
  std::map<std::pair<uint32_t, uint32_t>, std::string> blobOf;  // (ver, gen) -> params file
  if (readFile(m.dir + "/history.jsonl", hist)) {
    std::stringstream ss(hist);
    std::string line;
    while (std::getline(ss, line)) {
      unsigned kv = 0, gen = 0, pv = 0;
      const char *p = std::strstr(line.c_str(), "\"kernel_version\":");
      const char *g = std::strstr(line.c_str(), "\"gen\":");
      const char *q = std::strstr(line.c_str(), "\"package_version\":");
      if (!p || !g || !q)
        continue;
      kv = std::strtoul(p + 17, nullptr, 10);
      gen = std::strtoul(g + 6, nullptr, 10);
      pv = std::strtoul(q + 18, nullptr, 10);
      blobOf[{kv, gen}] = m.dir + "/snapshots/v" + std::to_string(pv) + "/params.bin";
      m.nextVersion = std::max(m.nextVersion, pv + 1);
    }
  }
  // The ONNX as given, compiled like every update (the model's input
  // ranges/bits, the running snapshot's output formats): the twin of the
  // running architecture (what `lfc compile` made of it).
  UpdateSnapshot u;
  if (!compileForUpdate(*m.mc, compileOptions(c), m.km.archHash, m.km.outFrac, c.name, 0,
                        m.dir + "/snapshots/twin", "", u, err)) {
    err = "model '" + c.name + "': " + err;
    return false;
  }
  const CompiledSnapshot &s = u.snap;
  if (!u.fast) {
    logInfo("model '" + c.name + "': " + u.why +
            ": check input_ranges/bits; fidelity falls back to LF_CMD_EVAL");
    m.evalFidelity = true;
  } else {
    m.twin = m.mc->buildTwin(s, err);
    if (!m.twin) {
      logInfo("model '" + c.name + "': no twin (" + err + "): fidelity via LF_CMD_EVAL");
      m.evalFidelity = true;
      err.clear();
    }
  }
  // Resume tuned weights.
  std::vector<NetParam> ck;
  std::string ckErr;
  if (loadCheckpoint(m.dir + "/checkpoint.bin", m.mc->net().params, ck, ckErr)) {
    if (!m.mc->setWeights(ck, err))
      return false;
    logInfo("model '" + c.name + "': resumed tuned weights from " + m.dir + "/checkpoint.bin");
  } else if (!ckErr.empty()) {
    logInfo("model '" + c.name + "': ignoring checkpoint: " + ckErr);
  }
  m.tr = std::make_unique<Trainer>(m.mc->net(), c);
  m.ring = std::make_unique<SampleRing>(c.ringSize);
  m.stab = std::make_unique<StabilityRule>(c.stabilityK, c.stabilityEpsilon);
  // The active snapshot's weights.
  const KernelSnapshot *act = m.km.find(m.km.activeVersion);
  uint32_t gen = act ? act->gen : 0;
  auto it = blobOf.find({m.km.activeVersion, gen});
  std::string blob;
  if (it != blobOf.end() && readFile(it->second, blob)) {
    m.activeParams.assign(blob.begin(), blob.end());
    m.activeKnown = true;
  } else if (gen == 0 && !m.evalFidelity) {
    // Not put there by us: the ONNX as given (cross-checked with EVAL).
    m.activeParams = s.params;
    m.activeKnown = true;
  }
  if (!m.activeKnown)
    m.evalFidelity = true;
  decisionLog(m, "\"event\":\"start\",\"kernel_active_version\":" +
                     std::to_string(m.km.activeVersion) + ",\"kernel_active_gen\":" +
                     std::to_string(gen) + ",\"arch_hash\":" + std::to_string(m.km.archHash) +
                     ",\"fidelity_source\":" + jsonStr(m.evalFidelity ? "eval" : "twin"));
  m.rateT0 = nowS();
  return true;
}

void Daemon::onBatch(const std::string &name, uint64_t seq, uint64_t drops,
                     uint32_t count, const void *blob, size_t len) {
  auto it = models_.find(name);
  if (it == models_.end())
    return;
  Model &m = *it->second;
  m.seq.onBatch(seq, drops, count);
  std::vector<RawSample> raw;
  parseSampleBlob(blob, len, count, raw);
  bool rl = m.cfg.objective == ObjectiveKind::Reinforce;
  bool ce = m.cfg.objective == ObjectiveKind::Ce;
  for (auto &r : raw) {
    Sample s;
    if (!convertSample(r, m.km.inFrac, m.km.outFrac, rl, ce, s)) {
      ++m.badSamples;
      continue;
    }
    m.ring->push(std::move(s));
  }
}

bool Daemon::snapshotOutputs(Model &m, const std::vector<const Sample *> &s,
                             std::vector<std::vector<double>> &out,
                             std::string &err) {
  out.clear();
  if (!m.evalFidelity) {
    for (auto *x : s) {
      auto y = m.twin->runReal(m.activeParams.data(), x->x);
      if (y.empty()) {
        err = "twin inference failed";
        return false;
      }
      out.push_back(std::move(y));
    }
    return true;
  }
  // LF_CMD_EVAL on the kernel's active snapshot.
  unsigned nIn = m.km.nIn, nOut = m.km.nOut;
  size_t chunk = std::max<size_t>(1, 16000 / (4 * nIn));
  for (size_t off = 0; off < s.size(); off += chunk) {
    size_t k = std::min(chunk, s.size() - off);
    std::vector<int32_t> in;
    for (size_t i = 0; i < k; ++i)
      for (unsigned j = 0; j < nIn; ++j)
        in.push_back((int32_t)lf_quantize_double(s[off + i]->x[j], m.km.inFrac[j], 32));
    std::vector<int32_t> o;
    if (!nl_.eval(m.cfg.name, in, -1, o, err))
      return false;
    for (size_t i = 0; i < k && (i + 1) * nOut <= o.size(); ++i) {
      std::vector<double> y(nOut);
      for (unsigned j = 0; j < nOut; ++j)
        y[j] = std::ldexp((double)o[i * nOut + j], -m.km.outFrac[j]);
      out.push_back(std::move(y));
    }
  }
  return true;
}

void Daemon::crossCheck(Model &m) {
  // Twin vs lf_core's EVAL of the active snapshot, integer for integer.
  m.crossChecked = true;
  if (m.evalFidelity || !m.cfg.evalCheck)
    return;
  auto rec = m.ring->recent(m.cfg.evalCheck);
  if (rec.empty()) {
    m.crossChecked = false;
    return;
  }
  std::vector<int32_t> in;
  for (auto *x : rec)
    for (unsigned j = 0; j < m.km.nIn; ++j)
      in.push_back((int32_t)lf_quantize_double(x->x[j], m.km.inFrac[j], m.twin->snapshot().inWidth[j]));
  std::vector<int32_t> kout, tout(m.km.nOut);
  std::string err;
  if (!nl_.eval(m.cfg.name, in, -1, kout, err)) {
    logInfo("model '" + m.cfg.name + "': cross-check skipped: " + err);
    return;
  }
  size_t mism = 0;
  for (size_t i = 0; i < rec.size(); ++i) {
    m.twin->infer(m.activeParams.data(), &in[i * m.km.nIn], tout.data());
    for (unsigned j = 0; j < m.km.nOut; ++j)
      if (i * m.km.nOut + j >= kout.size() || kout[i * m.km.nOut + j] != tout[j])
        ++mism;
  }
  decisionLog(m, "\"event\":\"cross-check\",\"samples\":" + std::to_string(rec.size()) +
                     ",\"mismatches\":" + std::to_string(mism));
  if (mism) {
    logInfo("model '" + m.cfg.name + "': the twin disagrees with lf_core's EVAL on " +
            std::to_string(mism) + " outputs: fidelity via LF_CMD_EVAL");
    m.evalFidelity = true;
  }
}

void Daemon::retire(Model &m) {
  KernelModel km;
  bool found;
  std::string err;
  if (!nl_.getModel(m.cfg.name, km, found, err) || !found)
    return;
  std::string prefix = "lf_snap_" + m.cfg.name + "_v";
  for (auto &s : km.snapshots) {
    if (s.state != 2 /* LF_SLOT_IDLE */ || s.flows || s.module.rfind(prefix, 0) != 0)
      continue;
    double t0 = nowS();
    if (syscall(SYS_delete_module, s.module.c_str(), O_NONBLOCK) == 0)
      decisionLog(m, "\"event\":\"retire\",\"module\":" + jsonStr(s.module) +
                         ",\"version\":" + std::to_string(s.version) +
                         ",\"ms\":" + jsonNum(msSince(t0)));
  }
}

bool Daemon::update(Model &m, std::string &err, std::string &extra) {
  const ModelConfig &c = m.cfg;
  double t0 = nowS();
  auto params = m.tr->net()->exportParams();
  if (!m.mc->setWeights(params, err))
    return false;
  bool found;
  if (!nl_.getModel(c.name, m.km, found, err) || !found) {
    if (err.empty())
      err = "model vanished from lf_core";
    return false;
  }
  uint32_t version = m.nextVersion++;
  std::string dir = m.dir + "/snapshots/v" + std::to_string(version);
  std::string symvers = coreSymvers(c);
  // Same input ranges/bits, output formats pinned to the running snapshot's:
  // the arch hash stays unless the tuned outputs outgrew those formats.
  UpdateSnapshot u;
  if (!compileForUpdate(*m.mc, compileOptions(c), m.km.archHash, m.km.outFrac, c.name,
                        version, dir, symvers, u, err))
    return false;
  const CompiledSnapshot &s = u.snap;
  double compileMs = msSince(t0);
  std::string e2;
  writeFileAtomic(dir + "/params.bin", std::string(s.params.begin(), s.params.end()), e2);
  saveCheckpoint(m.dir + "/checkpoint.bin", params, e2);
  writeOnnx(m.mc->net(), m.dir + "/tuned.onnx", e2);
  // The weight push needs the running architecture and a standby to push
  // into; anything else takes the full path (a new snapshot module).
  const KernelSnapshot *sb = m.km.hasStandby ? m.km.find(m.km.standbyVersion) : nullptr;
  std::string why = !u.fast ? u.why
                    : !sb   ? "lf_core has no standby snapshot to push into"
                    : sb->paramsSize != s.params.size()
                        ? "the standby's params size differs"
                    : c.update == UpdateMode::Module ? "update = module" : "";
  bool usePush = why.empty();
  if (c.update == UpdateMode::Push && !usePush) {
    err = "update = push, but " + why;
    return false;
  }
  if (!usePush)
    logInfo("model '" + c.name + "': full path (new snapshot module v" +
            std::to_string(version) + "): " + why);
  uint32_t newVersion, newGen = 0;
  char buf[512];
  if (usePush) {
    double p0 = nowS();
    uint32_t gen = 0;
    if (!nl_.push(c.name, s.params, s.archHash, sb->version, gen, err))
      return false;
    double p1 = nowS();
    if (!nl_.activate(c.name, sb->version, err))
      return false;
    double p2 = nowS();
    newVersion = sb->version;
    newGen = gen;
    m.lastPushMs = (p2 - p0) * 1000;
    ++m.pushes;
    snprintf(buf, sizeof buf,
             "\"path\":\"push\",\"compile_ms\":%.3f,\"push_ms\":%.3f,\"activate_ms\":%.3f,"
             "\"update_ms\":%.3f",
             compileMs, (p1 - p0) * 1000, (p2 - p1) * 1000, (p2 - p0) * 1000);
  } else {
    std::string kdir = c.kdir.empty() ? defaultKdir() : c.kdir;
    if (!fileExists(kdir + "/Makefile")) {
      err = "kernel headers not found at " + kdir +
            " (install linux-headers-$(uname -r) or set kdir)";
      return false;
    }
    if (!fileExists(symvers)) {
      err = "lf_core's Module.symvers not found at " + symvers + " (set core_symvers)";
      return false;
    }
    double k0 = nowS();
    std::string log = dir + "/kbuild.log";
    int rc = runCmd({"make", "-C", kdir, "M=" + dir, "KBUILD_EXTRA_SYMBOLS=" + symvers,
                     "modules"}, log);
    if (rc != 0) {
      err = "kbuild failed (" + log + "): " + firstErrorLine(log);
      return false;
    }
    double k1 = nowS();
    std::string ko = dir + "/" + s.moduleName + ".ko";
    int fd = open(ko.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
      int e = errno;
      err = "cannot load " + ko + ": " + std::strerror(e);
      if (e == EINVAL && !u.fast)
        err += " (lf_core keeps one architecture per model while snapshots of it are "
               "registered: the running output formats cannot change under the datapath)";
      if (fd >= 0)
        close(fd);
      return false;
    }
    close(fd);
    double k2 = nowS();
    if (!nl_.activate(c.name, version, err))
      return false;
    double k3 = nowS();
    newVersion = version;
    m.lastModuleMs = (k3 - k0) * 1000;
    ++m.moduleLoads;
    snprintf(buf, sizeof buf,
             "\"path\":\"module\",\"compile_ms\":%.3f,\"kbuild_ms\":%.3f,\"insmod_ms\":%.3f,"
             "\"activate_ms\":%.3f,\"update_ms\":%.3f",
             compileMs, (k1 - k0) * 1000, (k2 - k1) * 1000, (k3 - k2) * 1000,
             (k3 - k0) * 1000 + compileMs);
  }
  m.activeParams = s.params;
  m.activeKnown = true;
  if (!m.evalFidelity && (!m.twin || m.twin->snapshot().archHash != s.archHash)) {
    m.twin = m.mc->buildTwin(s, e2);
    if (!m.twin)
      m.evalFidelity = true;
  }
  appendLine(m.dir + "/history.jsonl",
             "{\"t\":" + jsonNum(wallS()) + ",\"package_version\":" + std::to_string(version) +
                 ",\"kernel_version\":" + std::to_string(newVersion) + ",\"gen\":" +
                 std::to_string(newGen) + ",\"path\":\"" + (usePush ? "push" : "module") + "\"}");
  nl_.getModel(c.name, m.km, found, e2);
  ++m.updates;
  m.lastUpdateT = nowS();
  extra = std::string(buf) + ",\"pinned\":" + (u.pinned ? "true" : "false") +
          (u.saturated ? ",\"saturated\":true,\"note\":" + jsonStr(u.note)
                       : std::string()) +
          (usePush ? "" : ",\"full_path_reason\":" + jsonStr(why)) +
          ",\"package_version\":" + std::to_string(version) +
          ",\"kernel_version\":" + std::to_string(newVersion) + ",\"gen\":" +
          std::to_string(newGen);
  if (!usePush)
    retire(m);
  return true;
}

void Daemon::trainAndDecide(Model &m) {
  const ModelConfig &c = m.cfg;
  int steps = 0;
  while (m.ring->pendingNew() >= c.batchSize && steps < 16) {
    auto b = m.ring->takeNew(c.batchSize);
    double t0 = nowS();
    double loss = m.tr->step(b);
    m.stepMsTotal += msSince(t0);
    m.lastLoss = loss;
    m.stab->push(loss);
    ++steps;
  }
  if (!m.crossChecked && m.ring->size() >= c.evalCheck)
    crossCheck(m);
  double now = nowS();
  if (m.tr->steps() == m.stepsAtDecision || now - m.lastDecisionT < c.decisionIntervalMs / 1000.0)
    return;
  m.lastDecisionT = now;
  m.stepsAtDecision = m.tr->steps();
  DecisionInput in;
  in.relChange = m.stab->relativeChange();
  in.stable = m.stab->stable();
  in.threshold = c.fidelityThreshold;
  in.throttled = (m.lastUpdateT > 0 && (now - m.lastUpdateT) * 1000 < c.minUpdateIntervalMs) ||
                 (m.lastFailT > 0 && (now - m.lastFailT) * 1000 <
                                         std::max(10000u, c.minUpdateIntervalMs));
  auto rec = m.ring->recent(c.fidelitySamples);
  std::string err;
  if (in.stable) {
    std::vector<std::vector<double>> snap;
    if (!snapshotOutputs(m, rec, snap, err)) {
      logInfo("model '" + c.name + "': fidelity: " + err);
      return;
    }
    in.fidelity = fidelityLoss(snap, m.tr->predict(rec));
    m.lastFidelity = in.fidelity;
  } else {
    in.fidelity = NAN;
  }
  m.lastRel = in.relChange;
  Decision d = decide(in);
  std::string json = "\"event\":\"decision\",\"decision\":" + jsonStr(toString(d)) +
                     ",\"loss\":" + jsonNum(m.lastLoss) + ",\"rel_change\":" +
                     jsonNum(in.relChange) + ",\"k\":" + std::to_string(c.stabilityK) +
                     ",\"epsilon\":" + jsonNum(c.stabilityEpsilon) + ",\"stable\":" +
                     (in.stable ? "true" : "false") + ",\"fidelity\":" +
                     jsonNum(in.fidelity) + ",\"threshold\":" + jsonNum(c.fidelityThreshold) +
                     ",\"fidelity_samples\":" + std::to_string(rec.size()) +
                     ",\"steps\":" + std::to_string(m.tr->steps());
  m.lastDecision = toString(d);
  if (d != Decision::Update) {
    decisionLog(m, json);
    return;
  }
  std::string extra;
  if (update(m, err, extra)) {
    decisionLog(m, json + "," + extra + ",\"result\":\"ok\"");
    logInfo("model '" + c.name + "': snapshot updated (" + extra + ")");
  } else {
    m.lastDecision = "update-failed";
    m.lastFailT = nowS();
    decisionLog(m, json + ",\"result\":\"failed\",\"error\":" + jsonStr(err));
    logInfo("model '" + c.name + "': update failed: " + err);
  }
}

void Daemon::writeStatus(bool running) {
  std::string s = "{\"pid\":" + std::to_string(getpid()) + ",\"running\":" +
                  (running ? "true" : "false") + ",\"time\":" + jsonNum(wallS()) +
                  ",\"uptime_s\":" + jsonNum(nowS() - startT_) + ",\"models\":[";
  bool first = true;
  for (auto &kv : models_) {
    Model &m = *kv.second;
    double now = nowS();
    if (now - m.rateT0 >= 1.0) {
      m.samplesPerS = (m.seq.samples - m.rateN0) / (now - m.rateT0);
      m.rateT0 = now;
      m.rateN0 = m.seq.samples;
    }
    const KernelSnapshot *act = m.km.find(m.km.activeVersion);
    s += std::string(first ? "" : ",") + "{\"name\":" + jsonStr(m.cfg.name) +
         ",\"active_version\":" + std::to_string(m.km.activeVersion) +
         ",\"active_gen\":" + std::to_string(act ? act->gen : 0) +
         ",\"samples\":" + std::to_string(m.seq.samples) +
         ",\"samples_per_s\":" + jsonNum(m.samplesPerS) +
         ",\"lost_batches\":" + std::to_string(m.seq.lostBatches) +
         ",\"lost_samples\":" + std::to_string(m.seq.lostSamplesEstimate + m.seq.kernelDrops) +
         ",\"kernel_drops\":" + std::to_string(m.seq.kernelDrops) +
         ",\"ring_dropped\":" + std::to_string(m.ring->dropped()) +
         ",\"socket_overruns\":" + std::to_string(listen_.overruns()) +
         ",\"bad_samples\":" + std::to_string(m.badSamples) +
         ",\"steps\":" + std::to_string(m.tr->steps()) +
         ",\"step_ms_mean\":" + jsonNum(m.tr->steps() ? m.stepMsTotal / m.tr->steps() : NAN) +
         ",\"loss\":" + jsonNum(m.lastLoss) + ",\"rel_change\":" + jsonNum(m.lastRel) +
         ",\"fidelity\":" + jsonNum(m.lastFidelity) +
         ",\"fidelity_source\":" + jsonStr(m.evalFidelity ? "eval" : "twin") +
         ",\"last_decision\":" + jsonStr(m.lastDecision) +
         ",\"updates\":" + std::to_string(m.updates) +
         ",\"pushes\":" + std::to_string(m.pushes) +
         ",\"module_loads\":" + std::to_string(m.moduleLoads) +
         ",\"last_push_ms\":" + jsonNum(m.lastPushMs) +
         ",\"last_module_ms\":" + jsonNum(m.lastModuleMs) + "}";
    first = false;
  }
  s += "]}\n";
  std::string err;
  writeFileAtomic(cfg_.stateDir + "/status.json", s, err);
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
  if (geteuid() != 0) {
    logErr("the daemon needs root (CAP_NET_ADMIN for lf_core's samples and snapshot updates, CAP_SYS_MODULE for snapshot modules)");
    return 1;
  }
  if (!makeDirs(cfg_.stateDir, err)) {
    logErr(err);
    return 1;
  }
  if (!nl_.connect(err)) {
    logErr(err);
    return 1;
  }
  for (auto &mc : cfg_.models) {
    auto m = std::make_unique<Model>();
    m->cfg = mc;
    if (!setupModel(*m, err)) {
      logErr(err);
      return 1;
    }
    models_[mc.name] = std::move(m);
  }
  if (!listen_.join(err)) {
    logErr(err);
    return 1;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  startT_ = nowS();
  logInfo("running: " + std::to_string(models_.size()) + " model(s), state in " + cfg_.stateDir);
  double lastStatus = 0, lastCkpt = nowS();
  auto handler = [this](const std::string &n, uint64_t seq, uint64_t drops, uint32_t count,
                        const void *b, size_t len) { onBatch(n, seq, drops, count, b, len); };
  while (!gStop) {
    struct pollfd p = {listen_.fd(), POLLIN, 0};
    ::poll(&p, 1, 50);
    if (!listen_.poll(handler, err)) {
      logErr(err);
      break;
    }
    for (auto &kv : models_)
      trainAndDecide(*kv.second);
    double now = nowS();
    if ((now - lastStatus) * 1000 >= cfg_.statusIntervalMs) {
      writeStatus(true);
      lastStatus = now;
    }
    if (now - lastCkpt > 10) {
      for (auto &kv : models_)
        saveCheckpoint(kv.second->dir + "/checkpoint.bin", kv.second->tr->net()->exportParams(), err);
      lastCkpt = now;
    }
    if (cfg_.maxRuntimeS > 0 && now - startT_ > cfg_.maxRuntimeS)
      break;
  }
  for (auto &kv : models_) {
    saveCheckpoint(kv.second->dir + "/checkpoint.bin", kv.second->tr->net()->exportParams(), err);
    kv.second->mc->setWeights(kv.second->tr->net()->exportParams(), err);
    writeOnnx(kv.second->mc->net(), kv.second->dir + "/tuned.onnx", err);
  }
  writeStatus(false);
  logInfo("stopped");
  return 0;
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
  CompiledSnapshot s;
  if (!mc->compile(compileOptions(c), c.name, version, dir, coreSymvers(c), s, err)) {
    logErr(err);
    return 1;
  }
  std::printf("%s/ (module %s, arch hash 0x%016llx, %zu params bytes)\n", dir.c_str(),
              s.moduleName.c_str(), (unsigned long long)s.archHash, s.params.size());
  return 0;
}

static std::string field(const std::string &obj, const std::string &key) {
  std::string k = "\"" + key + "\":";
  size_t p = obj.find(k);
  if (p == std::string::npos)
    return "-";
  p += k.size();
  size_t e = p;
  if (obj[p] == '"') {
    e = obj.find('"', p + 1);
    return obj.substr(p + 1, e - p - 1);
  }
  while (e < obj.size() && obj[e] != ',' && obj[e] != '}')
    ++e;
  return obj.substr(p, e - p);
}

int runStatus(const std::string &stateDir, bool json) {
  std::string s;
  if (!readFile(stateDir + "/status.json", s)) {
    logErr("no status in " + stateDir + " (is the daemon running with --state-dir " + stateDir + "?)");
    return 1;
  }
  if (json) {
    std::fputs(s.c_str(), stdout);
    return 0;
  }
  bool running = field(s, "running") == "true" && kill(std::stoi(field(s, "pid")), 0) == 0;
  std::printf("daemon: pid %s, %s\n", field(s, "pid").c_str(), running ? "running" : "not running");
  std::printf("%-16s %8s %10s %8s %12s %12s %-14s %7s\n", "MODEL", "ACTIVE", "SAMPLES/S",
              "LOST", "LOSS", "FIDELITY", "LAST DECISION", "UPDATES");
  size_t p = s.find("\"models\":[");
  while (p != std::string::npos) {
    size_t b = s.find('{', p + 1), e = s.find('}', b);
    if (b == std::string::npos || e == std::string::npos)
      break;
    std::string o = s.substr(b, e - b + 1);
    std::string ver = "v" + field(o, "active_version") + "." + field(o, "active_gen");
    std::printf("%-16s %8s %10s %8s %12s %12s %-14s %7s\n", field(o, "name").c_str(),
                ver.c_str(), field(o, "samples_per_s").c_str(), field(o, "lost_samples").c_str(),
                field(o, "loss").c_str(), field(o, "fidelity").c_str(),
                field(o, "last_decision").c_str(), field(o, "updates").c_str());
    p = e;
  }
  return 0;
}

} // namespace lfrt
