//===- EmitC.h - fixed-level lf IR -> kernel snapshot C ---------*- C++ -*-===//
//
// Emits the C of one snapshot from a fixed-level func.func:
//   NAME.h  struct lf_NAME_params (every numeric parameter), prototypes;
//   NAME.c  the params initializer, in/out frac arrays, lf_NAME_infer().
// The code holds only the op sequence, shapes and table sizes; weights,
// biases, shifts, bounds and tables live in the params blob, so a weight push
// can replace it (same size, same arch hash) without new code.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_EMITC_H
#define LFC_EMITC_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::lf {

struct EmitOptions {
  /// Snapshot name (C identifier); empty: the function's name.
  std::string name;
  /// Most bytes the intermediate buffers of lf_NAME_infer may take.
  unsigned maxBufferBytes = 1536;
  /// Stack allowance for helper frames, locals and spills (added to the
  /// buffer bytes, 2 bytes per element of the widest row and 64 per 32-bit
  /// table or 16-bit layer in SnapshotInfo::stackBytes).
  unsigned helperStackBytes = 640;
  /// Most stack lf_NAME_infer may need (either kernel object): the
  /// kernel's frame-size warning (CONFIG_FRAME_WARN, 2048 on x86-64).
  unsigned maxStackBytes = 2048;
  /// Reuse intermediate buffers by liveness (ping-pong).
  bool reuseBuffers = true;
};

/// One input or output tensor at the snapshot's boundary.
struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  int frac = 0;
  unsigned width = 32;
  int64_t numElements() const;
};

/// One lf.lut of the snapshot.
struct TableInfo {
  std::string field;      ///< params field prefix, e.g. "lut0"
  std::string location;   ///< source location of the lf.lut
  int64_t size = 0;       ///< knots
  std::optional<double> maxError;
  unsigned inWidth = 32, outWidth = 32;
  int inFrac = 0, outFrac = 0;
};

struct SnapshotInfo {
  std::string name;
  unsigned nIn = 0, nOut = 0;
  std::vector<int8_t> inFrac, outFrac;  ///< per element
  std::vector<TensorInfo> inputs, outputs;
  uint64_t macs = 0;
  uint64_t bufferBytes = 0;  ///< intermediate buffers of lf_NAME_infer
  uint64_t stackBytes = 0;   ///< estimate covering both kernel objects
  uint64_t paramsBytes = 0;  ///< sizeof(struct lf_NAME_params) (LP64)
  uint64_t archHash = 0;     ///< FNV-1a 64 of archString
  std::string archString;    ///< canonical architecture description
  std::vector<TableInfo> tables;
  unsigned bits = 32;        ///< widest boundary storage width
  /// The params blob, byte for byte what the C initializer of
  /// lf_NAME_params holds on an LP64 little-endian target (a weight push).
  std::vector<uint8_t> params;
};

/// Emits NAME.c to `c` and NAME.h to `h` and fills `info`. Reports errors
/// (unsupported ops, too much stack, ...) at op locations.
LogicalResult emitSnapshotC(func::FuncOp f, const EmitOptions &o,
                            llvm::raw_ostream &c, llvm::raw_ostream &h,
                            SnapshotInfo &info);

/// Analyses `f` only (no text): fills `info` including the params blob.
LogicalResult analyzeSnapshot(func::FuncOp f, const EmitOptions &o,
                              SnapshotInfo &info);

/// The single func.func of `module` (error if there is none or several).
func::FuncOp getSnapshotFunc(Operation *module);

/// 64-bit FNV-1a.
uint64_t fnv1a64(llvm::StringRef s);

/// The snapshot name as a C identifier (non-alnum -> '_').
std::string sanitizeSnapshotName(llvm::StringRef name);

/// Registers --lf-to-c and --lf-to-c-header with mlir-translate.
void registerEmitCTranslations();

} // namespace mlir::lf

#endif // LFC_EMITC_H
