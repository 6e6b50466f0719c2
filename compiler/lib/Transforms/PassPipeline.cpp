//===- PassPipeline.cpp - the lfc pass pipeline, registered ---------------===//

#include "lfc/PassPipeline.h"
#include "lfc/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::lf;

void mlir::lf::buildLfcPipeline(OpPassManager &pm, LfcStage stage,
                                const QuantOptions &o) {
  if (stage != LfcStage::Fixed) {
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createLfDecompose());
  }
  if (stage == LfcStage::Float)
    return;
  std::vector<double> flat; // referenced by q until the pass is created
  for (const Interval &i : o.inputRanges) {
    flat.push_back(i.lo);
    flat.push_back(i.hi);
  }
  LfQuantizeOptions q;
  q.inputRanges = flat;
  q.bits = o.bits;
  q.resultFracs = o.resultFracs;
  q.saturatePinned = o.saturatePinned;
  q.headroom = o.headroom;
  q.inputHeadroom = o.inputHeadroom;
  pm.addNestedPass<func::FuncOp>(createLfQuantize(q));
  LfLowerActivationsOptions l;
  l.lutError = o.lutError;
  l.maxEntries = o.maxTableEntries;
  pm.addNestedPass<func::FuncOp>(createLfLowerActivations(l));
  pm.addNestedPass<func::FuncOp>(createLfErrorBounds());
}

namespace {
/// `--lfc-pipeline` options; defaults are QuantOptions' (lfc's).
struct LfcPipelineOptions : public PassPipelineOptions<LfcPipelineOptions> {
  Option<std::string> stage{*this, "stage",
                            llvm::cl::desc("float, fixed or all"),
                            llvm::cl::init("all")};
  ListOption<double> inputRanges{
      *this, "input-range",
      llvm::cl::desc("lo,hi for every input feature (one pair for all, or "
                     "one pair per feature)")};
  Option<unsigned> bits{*this, "bits", llvm::cl::desc("32 or 16"),
                        llvm::cl::init(QuantOptions().bits)};
  Option<double> headroom{*this, "headroom",
                          llvm::cl::desc("range headroom factor (>= 1)"),
                          llvm::cl::init(QuantOptions().headroom)};
  Option<double> inputHeadroom{
      *this, "input-headroom",
      llvm::cl::desc("input ranges widened by this factor (>= 1)"),
      llvm::cl::init(QuantOptions().inputHeadroom)};
  Option<double> lutError{*this, "lut-error",
                          llvm::cl::desc("worst-case error of each table"),
                          llvm::cl::init(QuantOptions().lutError)};
  Option<unsigned> maxEntries{*this, "max-entries",
                              llvm::cl::desc("largest table allowed"),
                              llvm::cl::init(QuantOptions().maxTableEntries)};
  ListOption<int> resultFracs{*this, "result-frac",
                              llvm::cl::desc("pinned fractional bits of each "
                                             "result")};
  Option<bool> saturatePinned{
      *this, "saturate-pinned",
      llvm::cl::desc("a pinned result that does not fit saturates"),
      llvm::cl::init(QuantOptions().saturatePinned)};
};
} // namespace

void mlir::lf::registerLfcPipeline() {
  PassPipelineRegistration<LfcPipelineOptions>(
      "lfc-pipeline",
      "The passes lfc runs after import (stage=float: canonicalize and "
      "decompose; stage=fixed: quantize, tables, error bounds; all: both)",
      [](OpPassManager &pm, const LfcPipelineOptions &opts) {
        QuantOptions q;
        for (size_t i = 0; i + 1 < opts.inputRanges.size(); i += 2)
          q.inputRanges.push_back({opts.inputRanges[i], opts.inputRanges[i + 1]});
        q.bits = opts.bits;
        q.headroom = opts.headroom;
        q.inputHeadroom = opts.inputHeadroom;
        q.lutError = opts.lutError;
        q.maxTableEntries = opts.maxEntries;
        q.resultFracs.assign(opts.resultFracs.begin(), opts.resultFracs.end());
        q.saturatePinned = opts.saturatePinned;
        LfcStage stage = opts.stage == "float"   ? LfcStage::Float
                         : opts.stage == "fixed" ? LfcStage::Fixed
                                                 : LfcStage::All;
        buildLfcPipeline(pm, stage, q);
      });
}
