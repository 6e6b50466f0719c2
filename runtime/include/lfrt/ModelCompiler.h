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
  /// Pinned fractional bits of each output element (the running snapshot's
  /// out_frac, as lf_core reports it); empty: chosen from the ranges.
  /// Passed to the quantizer as QuantOptions::resultFracs (one per function
  /// result), so the boundary formats stay while the internal formats follow
  /// the weights; compile() fails if an output's range no longer fits.
  std::vector<int8_t> pinOutFrac;
  /// With pinOutFrac: outputs whose range outgrew the pinned formats
  /// saturate at them instead of failing the compile.
  bool saturatePinned = false;
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

/// An update's snapshot: the tuned model compiled with the running
/// snapshot's input ranges/bits and its output formats pinned. `fast`: the
/// arch hash is the running one, so the params blob can be pushed into a
/// standby (weight push); otherwise `why` says why an update needs a new
/// snapshot module (the full path), and `snap` is compiled unpinned when the
/// pinned formats could not hold the new ranges.
struct UpdateSnapshot {
  CompiledSnapshot snap;
  bool fast = false;
  bool pinned = false;   ///< snap was compiled with the pinned output formats
  bool saturated = false; ///< ... and its outputs saturate at them
  std::string note;       ///< why it saturates (logged)
  std::string why;
};
bool compileForUpdate(ModelCompiler &mc, CompileOptions o, uint64_t runningArchHash,
                      const std::vector<int8_t> &runningOutFrac,
                      const std::string &model, uint32_t version,
                      const std::string &dir, const std::string &coreSymvers,
                      UpdateSnapshot &out, std::string &err);

} // namespace lfrt

#endif
