//===- ModelCompiler.h - in-process lfc for the runtime ---------*- C++ -*-===//
//
// The MLIR side of lf-runtime behind a plain C++ interface (no MLIR or LLVM
// types): imports the ONNX, lowers it to the float level, exposes it as a
// NetSpec, takes tuned weights back into the float IR (fc weight/bias
// attributes), evaluates it with evaluateFloat, and compiles it to a snapshot
// package (lowerToFixed + writeSnapshotPackage) with a bit-exact twin.
// Compiled with -fno-exceptions; reports errors as strings.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_MODELCOMPILER_H
#define LFRT_MODELCOMPILER_H

#include "lfrt/NetSpec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lfrt {

struct CompileOptions {
  unsigned bits = 32;
  std::vector<std::pair<double, double>> inputRanges;  ///< 1 or nIn pairs
  double headroom = 1.0;
  double lutError = 1e-5;
  /// Keep the architecture of the reference snapshot (the first compile()
  /// of this ModelCompiler): requantize the fc weights/biases of its
  /// fixed-level IR with its formats (weight_frac, accumulator formats)
  /// instead of re-running the range analysis, whose formats and table
  /// sizes move with the weights (a new arch hash lf_core would reject).
  bool pinToReference = true;
};

/// A compiled snapshot: what a weight push and the twin need.
struct CompiledSnapshot {
  std::string name;          ///< C name, e.g. "cc_v3"
  std::string model;         ///< lf_core model name
  std::string dir;           ///< package directory
  std::string moduleName;    ///< "lf_snap_<name>"
  uint32_t version = 0;
  uint64_t archHash = 0;
  std::string archString;
  unsigned nIn = 0, nOut = 0;
  std::vector<int8_t> inFrac, outFrac;
  std::vector<unsigned> inWidth; ///< storage width per input element
  std::vector<uint8_t> params;   ///< the weights blob (LF_CMD_PUSH)
  double compileMs = 0;
  uint64_t saturated = 0;        ///< weights/biases clipped by requantization
  bool pinned = false;           ///< compiled against the reference formats
};

/// The userspace twin of a snapshot: the emitted C built with cc and run on
/// any params blob of the same architecture.
class SnapshotTwin {
public:
  virtual ~SnapshotTwin() = default;
  /// Integer in, integer out; `params` null: the compiled blob.
  virtual int infer(const void *params, const int32_t *in, int32_t *out) const = 0;
  /// Quantizes reals with the snapshot's input formats, runs, dequantizes.
  virtual std::vector<double> runReal(const void *params,
                                      const std::vector<double> &x) const = 0;
  virtual const CompiledSnapshot &snapshot() const = 0;
};

class ModelCompiler {
public:
  /// Imports `onnxPath` and lowers it to the float level. Null + `err` (one
  /// line) on failure.
  static std::unique_ptr<ModelCompiler> load(const std::string &onnxPath,
                                             const std::string &funcName,
                                             std::string &err);
  virtual ~ModelCompiler() = default;
  /// The float-level function with its current weights.
  virtual const NetSpec &net() const = 0;
  /// Replaces the fc weights/biases of the float IR (same shapes).
  virtual bool setWeights(const std::vector<NetParam> &params,
                          std::string &err) = 0;
  /// evaluateFloat on the current float IR.
  virtual bool evalFloat(const std::vector<double> &x, std::vector<double> &y,
                         std::string &err) const = 0;
  /// The float IR as MLIR text.
  virtual std::string floatIR() const = 0;
  /// Compiles the current float IR into a snapshot package in `dir`
  /// (name `<model>_v<version>`, registered as model `model`).
  virtual bool compile(const CompileOptions &o, const std::string &model,
                       uint32_t version, const std::string &dir,
                       const std::string &coreSymvers, CompiledSnapshot &out,
                       std::string &err) = 0;
  /// Builds the twin of a package written by compile().
  virtual std::unique_ptr<SnapshotTwin>
  buildTwin(const CompiledSnapshot &s, std::string &err) = 0;
};

} // namespace lfrt

#endif
