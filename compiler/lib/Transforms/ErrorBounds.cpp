//===- ErrorBounds.cpp - bound |fixed - float| of a snapshot --------------===//
//
// Forward propagation of one bound per tensor: e(v) >= |fixed(v) - float(v)|
// for every element, assuming the inputs lie in the ranges the function was
// quantized for (so that nothing saturates). Magnitudes come from the
// `lf.result_range` attributes -lf-quantize leaves; a rounding to F
// fractional bits adds 2^-(F+1). The driver: each op bounds its result
// through ErrorBoundOpInterface (LfOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "lfc/Passes.h"

#include "mlir/IR/Builders.h"

namespace mlir::lf {
#define GEN_PASS_DEF_LFERRORBOUNDS
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

namespace {
struct LfErrorBoundsPass
    : public lf::impl::LfErrorBoundsBase<LfErrorBoundsPass> {
  void runOnOperation() override;
};

/// True if no operand or result of `op` is a fixed-point tensor.
bool isFloatLevelOp(Operation *op) {
  auto isFixed = [](Type t) { return bool(getFixedElementType(t)); };
  return llvm::none_of(op->getOperandTypes(), isFixed) &&
         llvm::none_of(op->getResultTypes(), isFixed);
}
} // namespace

void LfErrorBoundsPass::runOnOperation() {
  func::FuncOp f = getOperation();
  Builder b(&getContext());
  auto *dialect = getContext().getLoadedDialect<LfDialect>();
  ErrorBoundState state;
  WalkResult walk = f.walk([&](Operation *op) -> WalkResult {
    if (isa<func::FuncOp, func::ReturnOp>(op))
      return WalkResult::advance();
    if (op->getNumResults() != 1)
      return op->emitOpError() << "has no error model";
    if (isFloatLevelOp(op))
      return op->emitOpError() << "is at the float level: run -lf-quantize "
                                  "and -lf-lower-activations first";
    auto iface = dyn_cast<ErrorBoundOpInterface>(op);
    if (!iface)
      return op->emitOpError() << "has no error model (is the function at "
                                  "the fixed level?)";
    FailureOr<double> eb = iface.inferErrorBound(state);
    if (failed(eb))
      return WalkResult::interrupt();
    state.setError(op->getResult(0), *eb);
    dialect->getErrorBoundAttrHelper().setAttr(op, b.getF64FloatAttr(*eb));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();
  auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
  SmallVector<double> bounds;
  for (Value v : ret.getOperands())
    bounds.push_back(state.error(v));
  dialect->getResultErrorBoundsAttrHelper().setAttr(
      f, b.getDenseF64ArrayAttr(bounds));
}
