//===- Deployer.h - putting a snapshot into lf_core -------------*- C++ -*-===//
//
// Three strategies put a compiled snapshot into the kernel and make it active:
//  - WeightPush ("push"): the snapshot has the running arch hash and a
//    standby of the same params size exists: LF_CMD_PUSH into the standby,
//    then ACTIVATE (milliseconds; lf_core gives the instance a new
//    generation);
//  - ModuleLoad ("module"): kbuild of the package, finit_module(), ACTIVATE,
//    then delete_module() of idle lf_snap_<model>_v* modules (seconds);
//  - BpfFlip ("bpf-map", backend = "bpf"): the same two steps on a BPF
//    program's pinned maps (Bpf.h): the blob into the idle params buffer
//    (retired, a grace period, written, published as generation + 1), then
//    the index flip. A BPF program cannot change architecture: no module path.
// The deployer picks one (config `backend`, `update`, or what the kernel
// allows), and restores an earlier instance for a rollback: the standby
// when it still holds that instance (the BPF backend then retires the
// rejected buffer, so its sockets move off it), else a push of its params.
// Every failure is one line.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_DEPLOYER_H
#define LFRT_DEPLOYER_H

#include "lfrt/Config.h"
#include "lfrt/ModelCompiler.h"
#include "lfrt/KernelApi.h"
#include "lfrt/Policy.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace lfrt {

struct Deployment {
  SnapshotId id;                ///< lf_core's (version, gen) now active
  std::string path;             ///< "push" | "module" | "bpf-map"
  std::string fullPathReason;   ///< why not a push (module path)
  llvm::json::Object timings;   ///< *_ms figures
};

class UpdateStrategy {
public:
  virtual ~UpdateStrategy() = default;
  virtual const char *name() const = 0;
  /// Makes `s` the active snapshot of `km`'s model.
  virtual bool apply(const KernelModel &km, const CompiledSnapshot &s,
                     Deployment &d, std::string &err) = 0;
};

class Deployer {
public:
  Deployer(KernelApi &k, const ModelConfig &c);
  /// The options every snapshot of the model is compiled with.
  CompileOptions compileOptions() const;
  /// lf_core's Module.symvers for snapshot packages (config or the build's).
  std::string coreSymvers() const;
  /// Compiles the float IR's current weights as package `version` in `dir`,
  /// output formats pinned to the running ones.
  bool compile(ModelCompiler &mc, const KernelModel &km, uint32_t version,
               const std::string &dir, UpdateSnapshot &u, std::string &err) const;
  /// Deploys `u` (pushing when it can). `km` is refreshed afterwards.
  bool deploy(KernelModel &km, const UpdateSnapshot &u, Deployment &d, std::string &err);
  /// Makes the instance holding `params` active again: ACTIVATE when the
  /// standby is exactly `id`, else a push of `params` into the standby and
  /// ACTIVATE (a new generation). `now` is what serves afterwards; with the
  /// BPF backend the buffer rolled back from is retired (`retired`).
  bool restore(KernelModel &km, const SnapshotId &id, const std::vector<uint8_t> &params,
               SnapshotId &now, std::string &err, std::string *retired = nullptr);
  /// Unloads idle snapshot modules of the model the daemon loaded.
  void retire(llvm::json::Array &retired);

private:
  bool refresh(KernelModel &km, std::string &err);
  KernelApi &nl_;
  const ModelConfig &cfg_;
};

/// The kernel build directory of the running kernel.
std::string defaultKdir();

} // namespace lfrt

#endif
