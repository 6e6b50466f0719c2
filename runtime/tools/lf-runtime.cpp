//===- lf-runtime.cpp - the LiteFlow userspace runtime daemon -------------===//
//
//   lf-runtime daemon --model NAME=model.onnx [--config FILE.toml]
//                     [--state-dir DIR] [tuning/update flags]
//   lf-runtime serve --model NAME=model.onnx [--state-dir DIR]
//   lf-runtime status [--state-dir DIR] [--json]
//
//===----------------------------------------------------------------------===//

#include "lfrt/Config.h"
#include "lfrt/Daemon.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>

using namespace lfrt;

static const char *kUsage =
    "usage: lf-runtime daemon --model NAME=FILE.onnx [--config FILE.toml] [options]\n"
    "       lf-runtime serve --model NAME=FILE.onnx [--config FILE.toml] [--state-dir DIR]\n"
    "         (the userspace deployment only: answer lf_core's userspace queries\n"
    "          with the float model as given, no adaptation)\n"
    "       lf-runtime status [--state-dir DIR] [--json]\n"
    "       lf-runtime rollback MODEL [--to VERSION.GEN] [--state-dir DIR]\n"
    "         (make an earlier snapshot instance active again; default: the one\n"
    "          that served before the active one, from the daemon's history)\n"
    "       lf-runtime compile --model NAME=FILE.onnx --version N -o DIR\n"
    "                          [--input-range ..] [--bits ..] [--headroom ..] [--core-symvers F]\n"
    "         (the snapshot package of the model as given: module lf_snap_NAME_vN)\n"
    "\n"
    "Tunes the float models of lf_core's snapshots online from the kernel's\n"
    "training samples (LibTorch) and updates the kernel's snapshots\n"
    "conservatively: after a drift in the sample stream, only a model whose\n"
    "loss trend is flat, whose snapshot deviates from it enough to matter, and\n"
    "whose snapshot beats the active one on held-out samples; a new snapshot\n"
    "serves new flows first and is rolled back if its live error is worse.\n"
    "The daemon also answers lf_core's userspace queries (lf_user_query(): the\n"
    "userspace deployment, e.g. lf_aurora_user, lf_fs mode user) with each\n"
    "model's current float net, one netlink round trip per query.\n"
    "\n"
    "daemon options (override the config for every model):\n"
    "  --model NAME=FILE.onnx      model to tune (repeatable; NAME = lf_core model)\n"
    "  --config FILE.toml          [daemon] and [models.NAME] tables\n"
    "  --state-dir DIR             checkpoints, snapshots, decision log, status\n"
    "                              (default /var/lib/lf-runtime)\n"
    "  --objective mse|huber|ce|reinforce\n"
    "  --optimizer sgd|adam        --lr X          --batch-size N\n"
    "  --stability-window N        --stability-epsilon E\n"
    "  --fidelity-ratio R          --fidelity-threshold T\n"
    "  --canary-samples N          --rollback-margin M\n"
    "  --decision-interval-ms MS\n"
    "  --input-range lo,hi[,...]   --bits 32|16    --headroom H\n"
    "  --update push|module|auto   --kdir DIR      --core-symvers FILE\n"
    "  --max-runtime S             stop after S seconds (tests)\n"
    "\n"
    "Labels of the samples: supervised mse/huber: n_out targets in the output\n"
    "formats; ce: the class index; reinforce: the reward in Q16.16, then\n"
    "optionally the n_out actions taken (output formats).\n";

static int fail(const std::string &msg, int code = 2) {
  std::fprintf(stderr, "lf-runtime: %s\n", msg.c_str());
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return fail("expected a command: daemon, serve, status, rollback or compile (try lf-runtime --help)");
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd != "daemon" && cmd != "serve" && cmd != "status" && cmd != "compile" &&
      cmd != "rollback")
    return fail("unknown command '" + cmd + "' (try lf-runtime --help)");

  std::string stateDir, configPath, outDir, rollbackModel, rollbackTo;
  unsigned version = 1;
  bool json = false;
  std::vector<std::pair<std::string, std::string>> models;
  std::vector<std::function<bool(ModelConfig &, std::string &)>> overrides;
  double maxRuntime = -1;
  auto num = [](const std::string &flag, const char *v, double &out, std::string &err) {
    char *end = nullptr;
    out = std::strtod(v, &end);
    if (!*v || *end) {
      err = flag + ": '" + v + "' is not a number";
      return false;
    }
    return true;
  };
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--json") {
      json = true;
      continue;
    }
    if (cmd == "rollback" && a.rfind("-", 0) != 0 && rollbackModel.empty()) {
      rollbackModel = a;
      continue;
    }
    if (a.rfind("--", 0) != 0 && a != "-o")
      return fail("unexpected argument '" + a + "'");
    std::string v;
    size_t eq = a.find('=');
    if (eq != std::string::npos && a.rfind("--model", 0) != 0) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else {
      if (i + 1 >= argc)
        return fail(a + " needs a value");
      v = argv[++i];
    }
    if (cmd == "status" && a != "--state-dir")
      return fail("status: unknown option " + a);
    if (cmd == "rollback" && a != "--state-dir" && a != "--to")
      return fail("rollback: unknown option " + a);
    if (a == "--to") {
      rollbackTo = v;
      continue;
    }
    if (a == "--state-dir") stateDir = v;
    else if (a == "-o" || a == "--out") outDir = v;
    else if (a == "--version") version = std::strtoul(v.c_str(), nullptr, 10);
    else if (a == "--config") configPath = v;
    else if (a == "--model") {
      size_t e = v.find('=');
      if (e == std::string::npos || e == 0 || e + 1 == v.size())
        return fail("--model expects NAME=FILE.onnx, got '" + v + "'");
      models.push_back({v.substr(0, e), v.substr(e + 1)});
    } else if (a == "--max-runtime") {
      std::string err;
      if (!num(a, v.c_str(), maxRuntime, err))
        return fail(err);
    } else {
      std::string flag = a;
      auto dbl = [flag, v, num](double &dst, std::string &err) {
        double d;
        if (!num(flag, v.c_str(), d, err)) return false;
        dst = d;
        return true;
      };
      auto uns = [flag, v, num](unsigned &dst, std::string &err) {
        double d;
        if (!num(flag, v.c_str(), d, err)) return false;
        if (d < 0 || d != (unsigned)d) {
          err = flag + ": '" + v + "' is not a non-negative integer";
          return false;
        }
        dst = (unsigned)d;
        return true;
      };
      std::function<bool(ModelConfig &, std::string &)> f;
      if (a == "--objective")
        f = [v](ModelConfig &m, std::string &err) {
          if (parseObjective(v, m.objective)) return true;
          err = "--objective: '" + v + "' is not one of mse, huber, ce, reinforce";
          return false;
        };
      else if (a == "--optimizer")
        f = [v](ModelConfig &m, std::string &err) {
          if (parseOptimizer(v, m.optimizer)) return true;
          err = "--optimizer: '" + v + "' is not one of sgd, adam";
          return false;
        };
      else if (a == "--update")
        f = [v](ModelConfig &m, std::string &err) {
          if (parseUpdateMode(v, m.update)) return true;
          err = "--update: '" + v + "' is not one of push, module, auto";
          return false;
        };
      else if (a == "--lr") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.lr, e); };
      else if (a == "--batch-size") f = [uns](ModelConfig &m, std::string &e) { return uns(m.batchSize, e); };
      else if (a == "--stability-window") f = [uns](ModelConfig &m, std::string &e) { return uns(m.stabilityWindow, e); };
      else if (a == "--fidelity-ratio") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.fidelityRatio, e); };
      else if (a == "--canary-samples") f = [uns](ModelConfig &m, std::string &e) { return uns(m.canarySamples, e); };
      else if (a == "--rollback-margin") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.rollbackMargin, e); };
      else if (a == "--stability-epsilon") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.stabilityEpsilon, e); };
      else if (a == "--fidelity-threshold") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.fidelityThreshold, e); };
      else if (a == "--decision-interval-ms") f = [uns](ModelConfig &m, std::string &e) { return uns(m.decisionIntervalMs, e); };
      else if (a == "--bits") f = [uns](ModelConfig &m, std::string &e) { return uns(m.bits, e); };
      else if (a == "--headroom") f = [dbl](ModelConfig &m, std::string &e) { return dbl(m.headroom, e); };
      else if (a == "--kdir") f = [v](ModelConfig &m, std::string &) { m.kdir = v; return true; };
      else if (a == "--core-symvers") f = [v](ModelConfig &m, std::string &) { m.coreSymvers = v; return true; };
      else if (a == "--input-range")
        f = [v](ModelConfig &m, std::string &err) {
          if (parseRangeList(v, m.inputRanges, err)) return true;
          err = "--input-range: " + err;
          return false;
        };
      else
        return fail("unknown option " + a + " (try lf-runtime --help)");
      overrides.push_back(f);
    }
  }

  if (cmd == "status")
    return runStatus(stateDir.empty() ? "/var/lib/lf-runtime" : stateDir, json);
  if (cmd == "rollback") {
    if (rollbackModel.empty())
      return fail("rollback needs a model name: lf-runtime rollback MODEL [--to VERSION.GEN]");
    return runRollback(stateDir.empty() ? "/var/lib/lf-runtime" : stateDir, rollbackModel,
                       rollbackTo);
  }

  DaemonConfig cfg;
  std::string err;
  if (!configPath.empty() && !loadConfigFile(configPath, cfg, err))
    return fail(err);
  for (auto &[name, path] : models) {
    bool found = false;
    for (auto &m : cfg.models)
      if (m.name == name) {
        m.onnx = path;
        found = true;
      }
    if (!found) {
      ModelConfig m;
      m.name = name;
      m.onnx = path;
      cfg.models.push_back(m);
    }
  }
  for (auto &m : cfg.models)
    for (auto &f : overrides)
      if (!f(m, err))
        return fail(err);
  if (cmd == "compile") {
    if (cfg.models.size() != 1 || outDir.empty() || !version)
      return fail("compile needs one --model NAME=FILE.onnx, --version N (> 0) and -o DIR");
    if (!validateModel(cfg.models[0], err))
      return fail(err);
    return compileSnapshot(cfg.models[0], version, outDir);
  }
  if (!stateDir.empty())
    cfg.stateDir = stateDir;
  if (maxRuntime >= 0)
    cfg.maxRuntimeS = maxRuntime;
  cfg.adapt = cmd == "daemon";
  return runDaemon(cfg);
}
