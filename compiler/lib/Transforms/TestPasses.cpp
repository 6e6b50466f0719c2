//===- TestPasses.cpp - lit access to the lf op interfaces ----------------===//
//
// -lf-test-ranges and -lf-test-evaluate report what the range analysis and
// the float interpreter compute, as remarks that lit checks with
// -verify-diagnostics.
//
//===----------------------------------------------------------------------===//

#include "lfc/Interpreter.h"
#include "lfc/Passes.h"
#include "lfc/Ranges.h"

namespace mlir::lf {
#define GEN_PASS_DEF_LFTESTRANGES
#define GEN_PASS_DEF_LFTESTEVALUATE
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

namespace {
struct LfTestRangesPass : public lf::impl::LfTestRangesBase<LfTestRangesPass> {
  using LfTestRangesBase::LfTestRangesBase;

  void runOnOperation() override {
    if (inputRanges.empty() || inputRanges.size() % 2) {
      getOperation().emitError() << "input-range needs lo,hi pairs";
      return signalPassFailure();
    }
    SmallVector<Interval> ranges;
    for (size_t i = 0; i < inputRanges.size(); i += 2)
      ranges.push_back({inputRanges[i], inputRanges[i + 1]});
    RangeAnalysis ra;
    if (failed(ra.run(getOperation(), ranges)))
      return signalPassFailure();
    getOperation().walk([&](Operation *op) {
      if (op->getNumResults() != 1 || isa<func::FuncOp>(op))
        return;
      Interval h = ra.hull(op->getResult(0));
      op->emitRemark() << "range [" << h.lo << ", " << h.hi << "]";
    });
  }
};

struct LfTestEvaluatePass
    : public lf::impl::LfTestEvaluateBase<LfTestEvaluatePass> {
  using LfTestEvaluateBase::LfTestEvaluateBase;

  void runOnOperation() override {
    SmallVector<double> x(inputs.begin(), inputs.end());
    FailureOr<std::vector<double>> y = evaluateFloat(getOperation(), x);
    if (failed(y))
      return signalPassFailure();
    InFlightDiagnostic remark = getOperation().emitRemark() << "results:";
    for (auto [i, v] : llvm::enumerate(*y))
      remark << (i ? ", " : " ") << v;
  }
};
} // namespace
