//===- Config.cpp - TOML configuration (toml11; exceptions) ---------------===//

#include "lfrt/Config.h"

#include <toml.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace lfrt {

const char *toString(ObjectiveKind k) {
  switch (k) {
  case ObjectiveKind::Mse: return "mse";
  case ObjectiveKind::Huber: return "huber";
  case ObjectiveKind::Ce: return "ce";
  case ObjectiveKind::Reinforce: return "reinforce";
  }
  return "?";
}
const char *toString(OptimizerKind k) {
  return k == OptimizerKind::Sgd ? "sgd" : "adam";
}
const char *toString(UpdateMode k) {
  switch (k) {
  case UpdateMode::Push: return "push";
  case UpdateMode::Module: return "module";
  case UpdateMode::Auto: return "auto";
  }
  return "?";
}

const char *toString(Backend k) { return k == Backend::Bpf ? "bpf" : "lf_core"; }

bool parseBackend(const std::string &s, Backend &k) {
  if (s == "lf_core") k = Backend::LfCore;
  else if (s == "bpf") k = Backend::Bpf;
  else return false;
  return true;
}

bool parseObjective(const std::string &s, ObjectiveKind &k) {
  if (s == "mse") k = ObjectiveKind::Mse;
  else if (s == "huber") k = ObjectiveKind::Huber;
  else if (s == "ce") k = ObjectiveKind::Ce;
  else if (s == "reinforce") k = ObjectiveKind::Reinforce;
  else return false;
  return true;
}
bool parseOptimizer(const std::string &s, OptimizerKind &k) {
  if (s == "sgd") k = OptimizerKind::Sgd;
  else if (s == "adam") k = OptimizerKind::Adam;
  else return false;
  return true;
}
bool parseUpdateMode(const std::string &s, UpdateMode &k) {
  if (s == "push") k = UpdateMode::Push;
  else if (s == "module") k = UpdateMode::Module;
  else if (s == "auto") k = UpdateMode::Auto;
  else return false;
  return true;
}

bool parseRangeList(const std::string &s,
                    std::vector<std::pair<double, double>> &r,
                    std::string &err) {
  std::vector<double> v;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    char *end = nullptr;
    double d = std::strtod(tok.c_str(), &end);
    if (tok.empty() || !end || *end || !std::isfinite(d)) {
      err = "input ranges: '" + tok + "' is not a number";
      return false;
    }
    v.push_back(d);
  }
  if (v.empty() || v.size() % 2) {
    err = "input ranges: expected lo,hi[,lo,hi...] pairs";
    return false;
  }
  r.clear();
  for (size_t i = 0; i < v.size(); i += 2) {
    if (!(v[i] <= v[i + 1])) {
      err = "input ranges: lo > hi in pair " + std::to_string(i / 2);
      return false;
    }
    r.push_back({v[i], v[i + 1]});
  }
  return true;
}

static std::string oneLine(std::string s) {
  // toml11 messages span several lines: keep the first informative line.
  std::string first;
  std::stringstream ss(s);
  std::string line, all;
  while (std::getline(ss, line)) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos)
      continue;
    line = line.substr(b);
    if (!all.empty())
      all += ' ';
    all += line;
    if (all.size() > 300)
      break;
  }
  return all;
}

namespace {
struct Bad {
  std::string msg;
};

double getNum(const toml::value &t, const std::string &k, const std::string &ctx) {
  const toml::value &v = t.at(k);
  if (v.is_floating())
    return v.as_floating();
  if (v.is_integer())
    return (double)v.as_integer();
  throw Bad{ctx + "." + k + ": expected a number"};
}
int64_t getInt(const toml::value &t, const std::string &k, const std::string &ctx,
               int64_t lo, int64_t hi) {
  const toml::value &v = t.at(k);
  if (!v.is_integer())
    throw Bad{ctx + "." + k + ": expected an integer"};
  int64_t x = v.as_integer();
  if (x < lo || x > hi)
    throw Bad{ctx + "." + k + ": " + std::to_string(x) + " out of range [" +
              std::to_string(lo) + ", " + std::to_string(hi) + "]"};
  return x;
}
std::string getStr(const toml::value &t, const std::string &k, const std::string &ctx) {
  const toml::value &v = t.at(k);
  if (!v.is_string())
    throw Bad{ctx + "." + k + ": expected a string"};
  return v.as_string().str;
}

void parseModel(const std::string &name, const toml::value &t, ModelConfig &m) {
  std::string ctx = "models." + name;
  if (!t.is_table())
    throw Bad{ctx + ": expected a table"};
  static const std::set<std::string> known = {
      "onnx", "objective", "optimizer", "lr", "batch_size", "drift_ratio",
      "drift_threshold", "stability_window", "stability_epsilon",
      "fidelity_threshold", "fidelity_ratio", "holdout_fraction", "min_holdout",
      "accept_margin", "canary_samples", "canary_timeout_s", "rollback_margin",
      "max_updates_per_min", "freeze_after", "hold_after_external_s", "live_window", "replay_steps",
      "fault", "input_ranges", "bits",
      "headroom", "kdir", "core_symvers", "update", "ring_size",
      "fidelity_samples", "decision_interval_ms", "min_update_interval_ms",
      "huber_delta", "policy_sigma", "baseline_decay", "ce_input", "seed",
      "eval_check", "backend", "bpf_pin_dir", "bpf_grace_us"};
  for (const auto &kv : t.as_table()) {
    if (kv.first == "stability_k")
      throw Bad{ctx + ": unknown key 'stability_k' (replaced by stability_window, in samples)"};
    if (!known.count(kv.first))
      throw Bad{ctx + ": unknown key '" + kv.first + "'"};
  }
  m.name = name;
  if (t.contains("onnx")) m.onnx = getStr(t, "onnx", ctx);
  if (t.contains("objective") && !parseObjective(getStr(t, "objective", ctx), m.objective))
    throw Bad{ctx + ".objective: '" + getStr(t, "objective", ctx) +
              "' is not one of mse, huber, ce, reinforce"};
  if (t.contains("optimizer") && !parseOptimizer(getStr(t, "optimizer", ctx), m.optimizer))
    throw Bad{ctx + ".optimizer: '" + getStr(t, "optimizer", ctx) +
              "' is not one of sgd, adam"};
  if (t.contains("update") && !parseUpdateMode(getStr(t, "update", ctx), m.update))
    throw Bad{ctx + ".update: '" + getStr(t, "update", ctx) +
              "' is not one of push, module, auto"};
  if (t.contains("backend") && !parseBackend(getStr(t, "backend", ctx), m.backend))
    throw Bad{ctx + ".backend: '" + getStr(t, "backend", ctx) + "' is not one of lf_core, bpf"};
  if (t.contains("bpf_pin_dir")) {
    m.bpfPinDir = getStr(t, "bpf_pin_dir", ctx);
    if (m.bpfPinDir.empty() || m.bpfPinDir[0] != '/')
      throw Bad{ctx + ".bpf_pin_dir: '" + m.bpfPinDir + "' is not an absolute path"};
  }
  if (t.contains("bpf_grace_us")) m.bpfGraceUs = getInt(t, "bpf_grace_us", ctx, 0, 1000000);
  if (t.contains("lr")) m.lr = getNum(t, "lr", ctx);
  if (t.contains("batch_size")) m.batchSize = getInt(t, "batch_size", ctx, 1, 1 << 20);
  if (t.contains("drift_ratio")) m.driftRatio = getNum(t, "drift_ratio", ctx);
  if (t.contains("drift_threshold")) m.driftThreshold = getNum(t, "drift_threshold", ctx);
  if (t.contains("stability_window")) m.stabilityWindow = getInt(t, "stability_window", ctx, 1, 1 << 24);
  if (t.contains("stability_epsilon")) m.stabilityEpsilon = getNum(t, "stability_epsilon", ctx);
  if (t.contains("fidelity_threshold")) m.fidelityThreshold = getNum(t, "fidelity_threshold", ctx);
  if (t.contains("fidelity_ratio")) m.fidelityRatio = getNum(t, "fidelity_ratio", ctx);
  if (t.contains("holdout_fraction")) m.holdoutFraction = getNum(t, "holdout_fraction", ctx);
  if (t.contains("min_holdout")) m.minHoldout = getInt(t, "min_holdout", ctx, 1, 1 << 20);
  if (t.contains("accept_margin")) m.acceptMargin = getNum(t, "accept_margin", ctx);
  if (t.contains("canary_samples")) m.canarySamples = getInt(t, "canary_samples", ctx, 0, 1 << 24);
  if (t.contains("canary_timeout_s")) m.canaryTimeoutS = getInt(t, "canary_timeout_s", ctx, 1, 1 << 30);
  if (t.contains("rollback_margin")) m.rollbackMargin = getNum(t, "rollback_margin", ctx);
  if (t.contains("max_updates_per_min")) m.maxUpdatesPerMin = getInt(t, "max_updates_per_min", ctx, 0, 6000);
  if (t.contains("freeze_after")) m.freezeAfter = getInt(t, "freeze_after", ctx, 0, 1000);
  if (t.contains("hold_after_external_s")) m.holdAfterExternalS = getInt(t, "hold_after_external_s", ctx, 0, 1 << 30);
  if (t.contains("live_window")) m.liveWindow = getInt(t, "live_window", ctx, 1, 1 << 24);
  if (t.contains("replay_steps")) m.replaySteps = getInt(t, "replay_steps", ctx, 0, 64);
  if (t.contains("fault")) {
    m.fault = getStr(t, "fault", ctx);
    if (m.fault != "corrupt-push" && !m.fault.empty())
      throw Bad{ctx + ".fault: '" + m.fault + "' is not one of corrupt-push (tests only)"};
  }
  if (t.contains("bits")) m.bits = getInt(t, "bits", ctx, 8, 64);
  if (t.contains("headroom")) m.headroom = getNum(t, "headroom", ctx);
  if (t.contains("kdir")) m.kdir = getStr(t, "kdir", ctx);
  if (t.contains("core_symvers")) m.coreSymvers = getStr(t, "core_symvers", ctx);
  if (t.contains("ring_size")) m.ringSize = getInt(t, "ring_size", ctx, 16, 1 << 26);
  if (t.contains("fidelity_samples")) m.fidelitySamples = getInt(t, "fidelity_samples", ctx, 1, 1 << 20);
  if (t.contains("decision_interval_ms")) m.decisionIntervalMs = getInt(t, "decision_interval_ms", ctx, 0, 1 << 30);
  if (t.contains("min_update_interval_ms")) m.minUpdateIntervalMs = getInt(t, "min_update_interval_ms", ctx, 0, 1 << 30);
  if (t.contains("huber_delta")) m.huberDelta = getNum(t, "huber_delta", ctx);
  if (t.contains("policy_sigma")) m.policySigma = getNum(t, "policy_sigma", ctx);
  if (t.contains("baseline_decay")) m.baselineDecay = getNum(t, "baseline_decay", ctx);
  if (t.contains("ce_input")) m.ceInput = getStr(t, "ce_input", ctx);
  if (t.contains("seed")) m.seed = getInt(t, "seed", ctx, 0, INT64_MAX);
  if (t.contains("eval_check")) m.evalCheck = getInt(t, "eval_check", ctx, 0, 4096);
  if (t.contains("input_ranges")) {
    const toml::value &r = t.at("input_ranges");
    std::string err;
    if (r.is_string()) {
      if (!parseRangeList(r.as_string().str, m.inputRanges, err))
        throw Bad{ctx + "." + err};
    } else if (r.is_array()) {
      m.inputRanges.clear();
      for (const toml::value &p : r.as_array()) {
        if (!p.is_array() || p.as_array().size() != 2)
          throw Bad{ctx + ".input_ranges: expected [[lo, hi], ...] or \"lo,hi,...\""};
        auto num = [&](const toml::value &x) {
          if (x.is_floating()) return x.as_floating();
          if (x.is_integer()) return (double)x.as_integer();
          throw Bad{ctx + ".input_ranges: expected numbers"};
        };
        double lo = num(p.as_array()[0]), hi = num(p.as_array()[1]);
        if (!(lo <= hi))
          throw Bad{ctx + ".input_ranges: lo > hi"};
        m.inputRanges.push_back({lo, hi});
      }
    } else {
      throw Bad{ctx + ".input_ranges: expected [[lo, hi], ...] or \"lo,hi,...\""};
    }
  }
}

void parseRoot(const toml::value &root, DaemonConfig &out) {
  for (const auto &kv : root.as_table()) {
    const std::string &k = kv.first;
    if (k == "daemon") {
      const toml::value &d = kv.second;
      if (!d.is_table())
        throw Bad{"daemon: expected a table"};
      for (const auto &dk : d.as_table()) {
        if (dk.first == "state_dir") out.stateDir = getStr(d, "state_dir", "daemon");
        else if (dk.first == "status_interval_ms")
          out.statusIntervalMs = getInt(d, "status_interval_ms", "daemon", 10, 1 << 30);
        else if (dk.first == "max_runtime_s") out.maxRuntimeS = getNum(d, "max_runtime_s", "daemon");
        else if (dk.first == "queue_batches")
          out.queueBatches = getInt(d, "queue_batches", "daemon", 1, 1 << 20);
        else throw Bad{"daemon: unknown key '" + dk.first + "'"};
      }
    } else if (k == "models" || k == "model") {
      if (!kv.second.is_table())
        throw Bad{k + ": expected a table of models"};
      for (const auto &mk : kv.second.as_table()) {
        ModelConfig m;
        for (auto &e : out.models)
          if (e.name == mk.first)
            m = e;
        parseModel(mk.first, mk.second, m);
        bool found = false;
        for (auto &e : out.models)
          if (e.name == mk.first) {
            e = m;
            found = true;
          }
        if (!found)
          out.models.push_back(m);
      }
    } else {
      throw Bad{"unknown top-level key '" + k + "' (expected [daemon] or [models.NAME])"};
    }
  }
}
} // namespace

bool loadConfigText(const std::string &text, const std::string &name,
                    DaemonConfig &out, std::string &err) {
  try {
    std::istringstream is(text);
    toml::value root = toml::parse(is, name);
    parseRoot(root, out);
    return true;
  } catch (const Bad &b) {
    err = name + ": " + b.msg;
  } catch (const toml::syntax_error &e) {
    err = name + ": syntax error: " + oneLine(e.what());
  } catch (const std::exception &e) {
    err = name + ": " + oneLine(e.what());
  }
  return false;
}

bool loadConfigFile(const std::string &path, DaemonConfig &out,
                    std::string &err) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    err = "cannot read config " + path + ": " + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return loadConfigText(ss.str(), path, out, err);
}

bool validateModel(const ModelConfig &m, std::string &err) {
  auto bad = [&](const std::string &s) {
    err = "model '" + m.name + "': " + s;
    return false;
  };
  if (m.name.empty() || m.name.size() > 31)
    return bad("name must have 1 to 31 characters");
  if (m.onnx.empty())
    return bad("no ONNX file (set onnx = \"...\" or --model NAME=FILE)");
  struct stat st;
  if (stat(m.onnx.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return bad("ONNX file " + m.onnx + " not found");
  if (!(m.lr > 0) || !std::isfinite(m.lr))
    return bad("lr must be positive");
  if (!(m.stabilityEpsilon > 0))
    return bad("stability_epsilon must be positive");
  if (!(m.fidelityThreshold >= 0))
    return bad("fidelity_threshold must be >= 0");
  if (!(m.fidelityRatio >= 0) || !std::isfinite(m.fidelityRatio))
    return bad("fidelity_ratio must be >= 0");
  if (!(m.driftRatio > 1) || !std::isfinite(m.driftRatio))
    return bad("drift_ratio must be > 1");
  if (!(m.driftThreshold > 0) || !std::isfinite(m.driftThreshold))
    return bad("drift_threshold must be positive");
  if (!(m.holdoutFraction > 0 && m.holdoutFraction <= 0.5))
    return bad("holdout_fraction must be in (0, 0.5]");
  if (!(m.acceptMargin >= 0 && m.acceptMargin < 1))
    return bad("accept_margin must be in [0, 1)");
  if (!(m.rollbackMargin >= 0) || !std::isfinite(m.rollbackMargin))
    return bad("rollback_margin must be >= 0");
  if (m.bits != 32 && m.bits != 16)
    return bad("bits must be 32 or 16");
  if (!(m.headroom >= 1))
    return bad("headroom must be >= 1");
  if (!(m.huberDelta > 0))
    return bad("huber_delta must be positive");
  if (!(m.policySigma > 0))
    return bad("policy_sigma must be positive");
  if (!(m.baselineDecay >= 0 && m.baselineDecay < 1))
    return bad("baseline_decay must be in [0, 1)");
  if (m.ceInput != "logits" && m.ceInput != "probs")
    return bad("ce_input must be logits or probs");
  if (m.backend == Backend::Bpf && m.update == UpdateMode::Module)
    return bad("update = module: backend = \"bpf\" updates by a map write and an index "
               "flip only (update = push or auto)");
  if (m.backend == Backend::Bpf && m.bits != 32)
    return bad("bits = 16: backend = \"bpf\" runs 32-bit snapshots only (lfc --target bpf)");
  return true;
}

} // namespace lfrt
