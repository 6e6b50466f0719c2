//===- EmitBPF.h - fixed-level lf IR -> BPF snapshot ------------*- C++ -*-===//
//
// The BPF backend (lfc compile --target bpf). It shares the C emitter's
// snapshot: the same params struct (the blob a weight push writes), the same
// op sequence and integers; the inference is the C emitter's lf_NAME_infer()
// body built against lf_fixed_bpf.h (verifier-shaped helpers) with its
// buffers in a scratch area instead of the 512-byte BPF stack. A package:
//   NAME.bpf.h     params and scratch structs, table functions, the inference
//                  (plain C: BPF programs and host tests include it), and,
//                  under __bpf__, the maps: lf_params (array, 2 buffers),
//                  lf_ctl (the active buffer index and its generation),
//                  lf_scratch (per-CPU scratch)
//   NAME.bpf.c     lf_NAME_run: a tc program for BPF_PROG_TEST_RUN reading
//                  inputs from and writing outputs to the lf_io map
//   lf_fixed_bpf.h fixed-point helpers for BPF (embedded into lfc)
//   NAME.params    the params blob (little-endian, as the map holds it)
//   NAME.bpf.o     the object (clang -target bpf), unless not asked for
//   NAME.json      metadata with the verifier figures
//
//===----------------------------------------------------------------------===//
#ifndef LFC_EMITBPF_H
#define LFC_EMITBPF_H

#include "lfc/EmitC.h"

#include <string>
#include <vector>

namespace mlir::lf {

/// The verifier's limit on processed instructions (Linux >= 5.2).
constexpr uint64_t kBpfInsnLimit = 1000000;

/// Buffers live in a per-CPU map value (at most 32 KiB in Linux), not on
/// the stack: the emitter's buffer limit for --target bpf.
constexpr unsigned kBpfScratchBufferBytes = 24576;

struct BpfLayer {
  Operation *op = nullptr;
  std::string name; ///< the op's location (ONNX node name when known)
  std::string kind; ///< "fc 1x30 -> 1x32", "table x32", ...
  uint64_t macs = 0;
  uint64_t estInsns = 0; ///< estimated verifier-processed instructions
};

struct BpfInfo {
  std::vector<BpfLayer> layers;
  uint64_t estInsns = 0;       ///< whole program (estimate, before loading)
  uint64_t scratchBytes = 0;   ///< per-CPU scratch (inputs, outputs, buffers)
  uint64_t paramsMapBytes = 0; ///< the params map: 2 buffers
  uint64_t stackBytes = 0;     ///< BPF stack of the inference (estimate)
  uint64_t objInsns = 0;       ///< instructions in the object (0: not built)
  std::vector<int64_t> tableSizes;
  /// (k, n) of the layers run under bpf_loop.
  std::vector<std::pair<int64_t, int64_t>> fcLoops;
};

struct BpfOptions {
  std::string dir;
  std::string name;
  /// clang with the BPF target; empty: do not build NAME.bpf.o.
  std::string clang = "clang-19";
  /// Extra -I for <bpf/bpf_helpers.h> (empty: the system's).
  std::string bpfInclude;
};

/// Checks the verifier's limits before anything is built or loaded: an
/// error at the op of the first layer that does not fit (one line naming it).
LogicalResult analyzeBpf(func::FuncOp f, const SnapshotInfo &info, BpfInfo &bi);

/// NAME.bpf.h and NAME.bpf.c of `f` (fills `info` and `bi`).
LogicalResult emitBpfSources(func::FuncOp f, const EmitOptions &eo,
                             std::string &bpfH, std::string &bpfC,
                             SnapshotInfo &info, BpfInfo &bi);

/// Writes the BPF package into o.dir (and builds NAME.bpf.o with o.clang).
LogicalResult writeBpfPackage(func::FuncOp f, const BpfOptions &o,
                              SnapshotInfo &info, BpfInfo &bi);

llvm::StringRef getLfFixedBpfHeader();

} // namespace mlir::lf

#endif // LFC_EMITBPF_H
