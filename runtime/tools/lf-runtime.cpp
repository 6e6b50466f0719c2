//===- lf-runtime.cpp - the LiteFlow userspace runtime daemon -------------===//
//
//   lf-runtime daemon --model NAME=model.onnx [--config FILE.toml]
//                     [--state-dir DIR] [tuning/update flags]
//   lf-runtime serve --model NAME=model.onnx [--config FILE.toml] [--state-dir DIR]
//   lf-runtime status [--state-dir DIR] [--json]
//   lf-runtime rollback MODEL [--to VERSION.GEN] [--state-dir DIR] [--config FILE.toml]
//   lf-runtime unfreeze MODEL [--state-dir DIR]
//   lf-runtime compile --model NAME=FILE.onnx --snapshot-version N -o DIR
//
// The command line is llvm::cl options, one subcommand each; a flag given
// to `daemon`, `serve` or `compile` overrides the config file for every model.
//
//===----------------------------------------------------------------------===//

#include "lfrt/Config.h"
#include "lfrt/Daemon.h"

#include "lfc/CommandLine.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace lfrt;
namespace cl = llvm::cl;

namespace {

const char *kOverview =
    "LiteFlow userspace runtime\n\n"
    "Tunes the float models of lf_core's snapshots online from the kernel's\n"
    "training samples (LibTorch) and updates the kernel's snapshots\n"
    "conservatively: after a drift in the sample stream, only a model whose\n"
    "loss trend is flat, whose snapshot deviates from it enough to matter, and\n"
    "whose snapshot beats the active one on held-out samples; a new snapshot\n"
    "serves new flows first and is rolled back if its live error is worse.\n"
    "The daemon also answers lf_core's userspace queries (lf_user_query(): the\n"
    "userspace deployment, e.g. lf_aurora_user, lf_fs mode user) with each\n"
    "model's current float net, one netlink round trip per query.\n\n"
    "Labels of the samples: supervised mse/huber: n_out targets in the output\n"
    "formats; ce: the class index; reinforce: the reward in Q16.16, then\n"
    "optionally the n_out actions taken (output formats).\n";

cl::SubCommand daemonCmd("daemon", "Tune the models online and update the kernel's snapshots");
cl::SubCommand serveCmd("serve",
                        "The userspace deployment only: answer lf_core's userspace queries "
                        "with the float model as given, no adaptation");
cl::SubCommand statusCmd("status", "Print the daemon's status from its state directory");
cl::SubCommand rollbackCmd("rollback",
                           "Make an earlier snapshot instance active again (default: the one "
                           "that served before the active one, from the daemon's history)");
cl::SubCommand unfreezeCmd("unfreeze",
                           "Lift the freeze of a model whose updates kept being rolled back "
                           "(the daemon reads it when it starts)");
cl::SubCommand compileCmd("compile",
                          "Compile a model as given into the snapshot package lf_snap_NAME_vN");

cl::OptionCategory mainCat("Options");
cl::OptionCategory tuneCat("Tuning and update options (override the config for every model)");

cl::opt<std::string> stateDir("state-dir",
                              cl::desc("Checkpoints, snapshots, decision log and status"),
                              cl::value_desc("DIR"), cl::init("/var/lib/lf-runtime"),
                              cl::sub(daemonCmd), cl::sub(serveCmd), cl::sub(statusCmd),
                              cl::sub(rollbackCmd),
                              cl::sub(unfreezeCmd), cl::cat(mainCat));
cl::list<std::string> models("model", cl::desc("Model to tune: NAME (lf_core's model) = its ONNX"),
                             cl::value_desc("NAME=FILE.onnx"), cl::sub(daemonCmd), cl::sub(serveCmd),
                             cl::sub(compileCmd), cl::cat(mainCat));
cl::opt<std::string> configPath("config", cl::desc("[daemon] and [models.NAME] tables"),
                                cl::value_desc("FILE.toml"), cl::sub(daemonCmd), cl::sub(serveCmd),
                                cl::sub(compileCmd), cl::sub(rollbackCmd), cl::cat(mainCat));
cl::opt<double> maxRuntime("max-runtime", cl::desc("Stop after S seconds (tests)"),
                           cl::value_desc("S"), cl::init(-1), cl::sub(daemonCmd), cl::sub(serveCmd),
                           cl::cat(mainCat));
cl::opt<bool> jsonOut("json", cl::desc("Print status.json as it is"), cl::sub(statusCmd),
                      cl::cat(mainCat));
cl::opt<std::string> modelArg(cl::Positional, cl::Required, cl::desc("<model>"),
                              cl::sub(rollbackCmd), cl::sub(unfreezeCmd), cl::cat(mainCat));
cl::opt<std::string> rollbackTo("to", cl::desc("The instance to make active (from the history)"),
                                cl::value_desc("VERSION.GEN"), cl::sub(rollbackCmd),
                                cl::cat(mainCat));
cl::opt<unsigned> snapVersion("snapshot-version", cl::desc("Version of the package (> 0)"),
                              cl::value_desc("N"), cl::init(0), cl::sub(compileCmd),
                              cl::cat(mainCat));
cl::opt<std::string> outDir("o", cl::desc("Output directory of the package"),
                            cl::value_desc("DIR"), cl::sub(compileCmd), cl::cat(mainCat));

// Overrides of [models.NAME] keys; applied only when given.
#define LFRT_OPT(type, var, flag, help)                                                        \
  cl::opt<type> var(flag, cl::desc(help), cl::sub(daemonCmd), cl::sub(serveCmd),              \
                    cl::sub(compileCmd), cl::cat(tuneCat))
LFRT_OPT(std::string, objective, "objective", "mse | huber | ce | reinforce");
LFRT_OPT(std::string, optimizer, "optimizer", "sgd | adam");
LFRT_OPT(std::string, updateMode, "update", "push | module | auto");
LFRT_OPT(double, lr, "lr", "Learning rate");
LFRT_OPT(unsigned, batchSize, "batch-size", "Samples per training step");
LFRT_OPT(unsigned, stabilityWindow, "stability-window",
         "Samples since a drift over which the loss trend must be flat");
LFRT_OPT(double, stabilityEpsilon, "stability-epsilon",
         "Largest change of the loss over the window, relative to its mean");
LFRT_OPT(double, fidelityRatio, "fidelity-ratio",
         "Update when the snapshot's fidelity loss exceeds this x the model's loss");
LFRT_OPT(double, fidelityThreshold, "fidelity-threshold", "Smallest fidelity loss that matters");
LFRT_OPT(unsigned, canarySamples, "canary-samples", "Live samples that judge a new snapshot");
LFRT_OPT(double, rollbackMargin, "rollback-margin",
         "Roll back when the new snapshot's live error is worse by this much (relative)");
LFRT_OPT(unsigned, decisionIntervalMs, "decision-interval-ms", "How often the policy decides");
LFRT_OPT(std::string, inputRange, "input-range", "lo,hi for every input, or one pair per input");
LFRT_OPT(unsigned, bits, "bits", "Snapshot width: 32 or 16");
LFRT_OPT(double, headroom, "headroom", "Factor applied to every input range");
LFRT_OPT(std::string, kdir, "kdir", "Kernel build directory for --update module");
LFRT_OPT(std::string, coreSymvers, "core-symvers", "lf_core's Module.symvers for packages");
LFRT_OPT(std::string, backendArg, "backend", "lf_core | bpf (a BPF program's pinned maps)");
LFRT_OPT(std::string, bpfPinDir, "bpf-pin-dir", "backend bpf: where the program's maps are pinned");
#undef LFRT_OPT

int fail(const std::string &msg, int code = 2) {
  std::fprintf(stderr, "lf-runtime: %s\n", msg.c_str());
  return code;
}

/// The flags given on the command line, as edits of a model's config.
std::vector<std::function<bool(ModelConfig &, std::string &)>> overrides() {
  std::vector<std::function<bool(ModelConfig &, std::string &)>> f;
  auto given = [](const cl::Option &o) { return o.getNumOccurrences() > 0; };
  auto set = [&](const cl::Option &o, auto member, auto value) {
    if (given(o))
      f.push_back([member, value](ModelConfig &m, std::string &) {
        m.*member = value;
        return true;
      });
  };
  if (given(objective))
    f.push_back([v = objective.getValue()](ModelConfig &m, std::string &err) {
      if (parseObjective(v, m.objective))
        return true;
      err = "--objective: '" + v + "' is not one of mse, huber, ce, reinforce";
      return false;
    });
  if (given(optimizer))
    f.push_back([v = optimizer.getValue()](ModelConfig &m, std::string &err) {
      if (parseOptimizer(v, m.optimizer))
        return true;
      err = "--optimizer: '" + v + "' is not one of sgd, adam";
      return false;
    });
  if (given(updateMode))
    f.push_back([v = updateMode.getValue()](ModelConfig &m, std::string &err) {
      if (parseUpdateMode(v, m.update))
        return true;
      err = "--update: '" + v + "' is not one of push, module, auto";
      return false;
    });
  if (given(backendArg))
    f.push_back([v = backendArg.getValue()](ModelConfig &m, std::string &err) {
      if (parseBackend(v, m.backend))
        return true;
      err = "--backend: '" + v + "' is not one of lf_core, bpf";
      return false;
    });
  if (given(bpfPinDir))
    f.push_back([v = bpfPinDir.getValue()](ModelConfig &m, std::string &err) {
      if (v.empty() || v[0] != '/') {
        err = "--bpf-pin-dir: '" + v + "' is not an absolute path";
        return false;
      }
      m.bpfPinDir = v;
      return true;
    });
  if (given(inputRange))
    f.push_back([v = inputRange.getValue()](ModelConfig &m, std::string &err) {
      if (parseRangeList(v, m.inputRanges, err))
        return true;
      err = "--input-range: " + err;
      return false;
    });
  set(lr, &ModelConfig::lr, lr.getValue());
  set(batchSize, &ModelConfig::batchSize, batchSize.getValue());
  set(stabilityWindow, &ModelConfig::stabilityWindow, stabilityWindow.getValue());
  set(stabilityEpsilon, &ModelConfig::stabilityEpsilon, stabilityEpsilon.getValue());
  set(fidelityRatio, &ModelConfig::fidelityRatio, fidelityRatio.getValue());
  set(fidelityThreshold, &ModelConfig::fidelityThreshold, fidelityThreshold.getValue());
  set(canarySamples, &ModelConfig::canarySamples, canarySamples.getValue());
  set(rollbackMargin, &ModelConfig::rollbackMargin, rollbackMargin.getValue());
  set(decisionIntervalMs, &ModelConfig::decisionIntervalMs, decisionIntervalMs.getValue());
  set(bits, &ModelConfig::bits, bits.getValue());
  set(headroom, &ModelConfig::headroom, headroom.getValue());
  set(kdir, &ModelConfig::kdir, kdir.getValue());
  set(coreSymvers, &ModelConfig::coreSymvers, coreSymvers.getValue());
  return f;
}

/// The config file, then --model and the flags given.
bool loadModels(DaemonConfig &cfg, std::string &err) {
  if (!configPath.empty() && !loadConfigFile(configPath, cfg, err))
    return false;
  for (const std::string &v : models) {
    size_t e = v.find('=');
    if (e == std::string::npos || e == 0 || e + 1 == v.size()) {
      err = "--model expects NAME=FILE.onnx, got '" + v + "'";
      return false;
    }
    std::string name = v.substr(0, e), path = v.substr(e + 1);
    auto it = llvm::find_if(cfg.models, [&](const ModelConfig &m) { return m.name == name; });
    if (it == cfg.models.end()) {
      cfg.models.emplace_back();
      it = std::prev(cfg.models.end());
      it->name = name;
    }
    it->onnx = path;
  }
  for (auto &edit : overrides())
    for (auto &m : cfg.models)
      if (!edit(m, err))
        return false;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  const char *const commands = "daemon, serve, status, rollback, unfreeze or compile";
  if (argc < 2)
    return fail(std::string("expected a command: ") + commands + " (try lf-runtime --help)");
  llvm::StringRef first = argv[1];
  if (!first.starts_with("-") &&
      !llvm::is_contained({"daemon", "serve", "status", "rollback", "unfreeze", "compile"}, first))
    return fail("unknown command '" + first.str() + "' (try lf-runtime --help)");
  cl::HideUnrelatedOptions({&mainCat, &tuneCat});
  std::string err;
  if (!lfc::parseCommandLine(argc, argv, kOverview, err)) {
    if (err.empty()) // a bad option value, reported on one line by cl
      return 2;
    if (llvm::StringRef(err).starts_with("Not enough positional"))
      err = "missing the model: lf-runtime " + first.str() + " MODEL";
    return fail(err);
  }
  if (statusCmd)
    return runStatus(stateDir, jsonOut);
  if (rollbackCmd) {
    // The model's backend (lf_core unless its config says otherwise).
    DaemonConfig cfg;
    if (!configPath.empty() && !loadConfigFile(configPath, cfg, err))
      return fail(err);
    ModelConfig mc;
    mc.name = modelArg;
    for (auto &m : cfg.models)
      if (m.name == modelArg)
        mc = m;
    return runRollback(stateDir, mc, rollbackTo);
  }
  if (unfreezeCmd)
    return runUnfreeze(stateDir, modelArg);
  if (!daemonCmd && !serveCmd && !compileCmd)
    return fail(std::string("expected a command: ") + commands + " (try lf-runtime --help)");

  DaemonConfig cfg;
  if (!loadModels(cfg, err))
    return fail(err);
  if (compileCmd) {
    if (cfg.models.size() != 1 || outDir.empty() || !snapVersion)
      return fail("compile needs one --model NAME=FILE.onnx, --snapshot-version N (> 0) and -o DIR");
    if (!validateModel(cfg.models[0], err))
      return fail(err);
    return compileSnapshot(cfg.models[0], snapVersion, outDir);
  }
  if (stateDir.getNumOccurrences())
    cfg.stateDir = stateDir;
  if (maxRuntime >= 0)
    cfg.maxRuntimeS = maxRuntime;
  cfg.adapt = !serveCmd;
  return runDaemon(cfg);
}
