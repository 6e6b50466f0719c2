//===- PassPipeline.h - the lfc pass pipeline, registered -------*- C++ -*-===//
//
// The passes lfc runs after import, built in one place: lowerToFloat and
// lowerToFixed (Pipeline.h) and `lf-opt --lfc-pipeline=...` all call
// buildLfcPipeline, so lf-opt replays exactly what lfc runs.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_PASSPIPELINE_H
#define LFC_PASSPIPELINE_H

#include "lfc/Ranges.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <vector>

namespace mlir::lf {

/// Options of the fixed-point half of the pipeline.
struct QuantOptions {
  unsigned bits = 32;
  /// One pair for every input feature, or one pair per feature.
  std::vector<Interval> inputRanges;
  double headroom = 1.0;
  /// Input ranges are widened by this factor (widenRange) before formats
  /// are chosen: inputs up to 2x beyond their calibration neither saturate
  /// nor void the error bound, at the cost of one bit of precision.
  double inputHeadroom = 2.0;
  double lutError = 1e-5;
  unsigned maxTableEntries = 4096;
  /// Pinned fractional bits of each result (empty: chosen from ranges).
  std::vector<int> resultFracs;
  /// A pinned result whose range outgrew its format saturates (a warning)
  /// instead of failing.
  bool saturatePinned = false;
};

/// Which part of the pipeline to build.
enum class LfcStage {
  /// Canonicalize (folds, division by constants) and -lf-decompose: the
  /// float level that range analysis, the interpreter and the runtime use.
  Float,
  /// -lf-quantize, -lf-lower-activations, -lf-error-bounds on a float-level
  /// module: the fixed level the emitter reads.
  Fixed,
  /// Both.
  All,
};

/// Adds the lfc passes of `stage` to `pm` (a module pass manager).
void buildLfcPipeline(OpPassManager &pm, LfcStage stage,
                      const QuantOptions &o = QuantOptions());

/// Registers `--lfc-pipeline` (options: stage=float|fixed|all, input-range,
/// bits, headroom, input-headroom, lut-error, max-entries, result-frac,
/// saturate-pinned; the defaults are lfc's).
void registerLfcPipeline();

} // namespace mlir::lf

#endif // LFC_PASSPIPELINE_H
