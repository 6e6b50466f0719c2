//===- Config.h - lf-runtime configuration (TOML + flags) -------*- C++ -*-===//
#ifndef LFRT_CONFIG_H
#define LFRT_CONFIG_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lfrt {

enum class ObjectiveKind { Mse, Huber, Ce, Reinforce };
enum class OptimizerKind { Sgd, Adam };
enum class UpdateMode { Push, Module, Auto };
/// Where the model's snapshots run: lf_core (snapshot modules, samples over
/// generic netlink) or a BPF program's pinned maps (two params buffers,
/// samples over a BPF ring buffer; Bpf.h).
enum class Backend { LfCore, Bpf };

const char *toString(ObjectiveKind k);
const char *toString(OptimizerKind k);
const char *toString(UpdateMode k);
const char *toString(Backend k);

struct ModelConfig {
  std::string name;            ///< lf_core model name (< 32 bytes)
  std::string onnx;
  ObjectiveKind objective = ObjectiveKind::Mse;
  OptimizerKind optimizer = OptimizerKind::Adam;
  double lr = 1e-3;
  unsigned batchSize = 64;
  // Drift (Policy.h: DriftDetector).
  double driftRatio = 2.0;          ///< batch loss / reference median that counts
  double driftThreshold = 3.0;      ///< accumulated log-evidence that signals drift
  // Stability (TrendStability).
  unsigned stabilityWindow = 4096;  ///< samples since the drift the trend spans
  double stabilityEpsilon = 0.1;    ///< |trend over the window| / mean loss
  // Necessity: fidelity > max(fidelity_threshold, fidelity_ratio x loss).
  double fidelityThreshold = 0;     ///< absolute floor
  double fidelityRatio = 0.25;      ///< relative to the tuned model's loss
  // Acceptance on held-out samples.
  double holdoutFraction = 0.2;     ///< samples never trained on
  unsigned minHoldout = 64;         ///< held-out samples needed to judge
  double acceptMargin = 0.02;       ///< candidate < active x (1 - margin)
  // Canary and rollback.
  unsigned canarySamples = 512;     ///< live samples of a new snapshot judged
  double rollbackMargin = 0.2;      ///< worse than the previous by this: roll back
  unsigned canaryTimeoutS = 120;    ///< no verdict by then (few new flows): ends
  unsigned maxUpdatesPerMin = 6;
  unsigned freezeAfter = 3;         ///< rollbacks in a row that freeze the model
  unsigned holdAfterExternalS = 300; ///< no updates after a switch by hand
  unsigned liveWindow = 512;        ///< samples per snapshot in the live error
  unsigned replaySteps = 2;         ///< extra steps per batch on post-drift samples
  std::string fault;                ///< tests only: "corrupt-push"
  std::vector<std::pair<double, double>> inputRanges;  ///< empty: [-8, 8]
  unsigned bits = 32;
  double headroom = 1.0;
  std::string kdir;            ///< empty: /lib/modules/$(uname -r)/build
  std::string coreSymvers;     ///< lf_core's Module.symvers
  UpdateMode update = UpdateMode::Auto;
  Backend backend = Backend::LfCore;
  std::string bpfPinDir = "/sys/fs/bpf/lf_cc_bpf"; ///< backend = "bpf": the maps
  unsigned bpfGraceUs = 2000;  ///< retire -> rewrite of a params buffer
  unsigned ringSize = 65536;
  unsigned fidelitySamples = 256;   ///< recent samples the fidelity uses
  unsigned decisionIntervalMs = 1000;
  unsigned minUpdateIntervalMs = 0;
  double huberDelta = 1.0;
  double policySigma = 0.1;         ///< REINFORCE Gaussian policy std dev
  double baselineDecay = 0.9;       ///< REINFORCE reward baseline (EMA)
  std::string ceInput = "logits";   ///< ce: the net's outputs are logits|probs
  uint64_t seed = 1;
  unsigned evalCheck = 8;           ///< samples cross-checked with LF_CMD_EVAL
};

struct DaemonConfig {
  std::string stateDir = "/var/lib/lf-runtime";
  unsigned statusIntervalMs = 1000;
  unsigned queueBatches = 1024;     ///< received batches waiting for training
  double maxRuntimeS = 0;           ///< 0: until SIGTERM/SIGINT
  bool adapt = true;                ///< false (`serve`): only answer queries
  std::vector<ModelConfig> models;
};

/// Parses a TOML config into `out` (models and daemon keys). False and a
/// one-line `err` ("FILE: ...") on error.
bool loadConfigFile(const std::string &path, DaemonConfig &out, std::string &err);
/// Parses a TOML text (tests); `name` labels messages.
bool loadConfigText(const std::string &text, const std::string &name,
                    DaemonConfig &out, std::string &err);
/// Checks values (ranges, files); one-line `err`.
bool validateModel(const ModelConfig &m, std::string &err);

bool parseObjective(const std::string &s, ObjectiveKind &k);
bool parseOptimizer(const std::string &s, OptimizerKind &k);
bool parseUpdateMode(const std::string &s, UpdateMode &k);
bool parseBackend(const std::string &s, Backend &k);
/// "lo,hi[,lo,hi...]".
bool parseRangeList(const std::string &s,
                    std::vector<std::pair<double, double>> &r, std::string &err);

} // namespace lfrt

#endif
