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

const char *toString(ObjectiveKind k);
const char *toString(OptimizerKind k);
const char *toString(UpdateMode k);

struct ModelConfig {
  std::string name;            ///< lf_core model name (< 32 bytes)
  std::string onnx;
  ObjectiveKind objective = ObjectiveKind::Mse;
  OptimizerKind optimizer = OptimizerKind::Adam;
  double lr = 1e-3;
  unsigned batchSize = 64;
  unsigned stabilityK = 5;
  double stabilityEpsilon = 0.05;
  double fidelityThreshold = 1e-3;
  std::vector<std::pair<double, double>> inputRanges;  ///< empty: [-8, 8]
  unsigned bits = 32;
  double headroom = 1.0;
  std::string kdir;            ///< empty: /lib/modules/$(uname -r)/build
  std::string coreSymvers;     ///< lf_core's Module.symvers
  UpdateMode update = UpdateMode::Auto;
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
  double maxRuntimeS = 0;           ///< 0: until SIGTERM/SIGINT
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
/// "lo,hi[,lo,hi...]".
bool parseRangeList(const std::string &s,
                    std::vector<std::pair<double, double>> &r, std::string &err);

} // namespace lfrt

#endif
