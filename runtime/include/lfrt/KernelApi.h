//===- KernelApi.h - where a model's snapshots run ---------------*- C++ -*-===//
//
// What a Session and its Deployer need from the kernel side of one model,
// whichever backend runs it:
//  - lf_core over generic netlink (NetlinkClient.h): snapshot modules, a
//    standby slot, LF_CMD_PUSH / ACTIVATE / EVAL;
//  - a BPF program's pinned maps (Bpf.h): two params buffers, the idle one
//    is the standby (version = buffer + 1), a map write and an index flip.
// Every failure is one line in `err`.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_KERNELAPI_H
#define LFRT_KERNELAPI_H

#include <cstdint>
#include <string>
#include <vector>

namespace lfrt {

struct KernelSnapshot {
  uint32_t version = 0, gen = 0, paramsSize = 0, flows = 0;
  uint8_t state = 2;  ///< enum lf_slot
  std::string module;
};

struct KernelModel {
  std::string name;
  uint32_t id = 0, nIn = 0, nOut = 0;
  uint64_t archHash = 0;
  std::vector<int8_t> inFrac, outFrac;
  bool hasActive = false, hasStandby = false;
  uint32_t activeVersion = 0, standbyVersion = 0;
  std::vector<KernelSnapshot> snapshots;
  uint64_t queries = 0, samples = 0, drops = 0, pushes = 0, switches = 0;
  const KernelSnapshot *find(uint32_t version) const;
};

class KernelApi {
public:
  virtual ~KernelApi() = default;
  /// "lf_core" | "bpf".
  virtual const char *backend() const = 0;
  /// The model as the kernel runs it. Not registered: `found` = false.
  virtual bool getModel(const std::string &name, KernelModel &m, bool &found,
                        std::string &err) = 0;
  /// `params` into the standby `version` (a new generation in `gen`).
  virtual bool push(const std::string &name, const std::vector<uint8_t> &params,
                    uint64_t archHash, int64_t version, uint32_t &gen,
                    std::string &err) = 0;
  /// Makes snapshot `version` the active one.
  virtual bool activate(const std::string &name, int64_t version, std::string &err) = 0;
  /// Runs `k` samples (k * nIn values) on the active snapshot (or version).
  virtual bool eval(const std::string &name, const std::vector<int32_t> &in,
                    int64_t version, std::vector<int32_t> &out, std::string &err) = 0;
  /// Whether eval() exists (the BPF backend has none: the daemon's twin is
  /// its only way to run a snapshot).
  virtual bool canEval() const { return true; }
  /// The params snapshot `version` holds, read back from the kernel; false
  /// when the backend cannot (lf_core does not export them).
  virtual bool readParams(const std::string &name, uint32_t version,
                          std::vector<uint8_t> &out, std::string &err) {
    err = std::string(backend()) + " does not export a snapshot's params";
    return false;
  }
};

} // namespace lfrt

#endif
