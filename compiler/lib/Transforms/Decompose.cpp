//===- Decompose.cpp - float-level composite op rewrites ------------------===//

#include "lfc/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lf {
#define GEN_PASS_DEF_LFDECOMPOSE
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

namespace {
/// softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))) along the axis.
struct DecomposeSoftmax : public OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape[op.getAxis()] = 1;
    auto reduced = RankedTensorType::get(reducedShape, type.getElementType());
    Value max = rewriter.create<ReduceOp>(loc, reduced, ReduceKind::max,
                                          op.getInput(), op.getAxis());
    Value shifted = rewriter.create<BinaryOp>(loc, type, BinaryKind::sub,
                                              op.getInput(), max);
    llvm::APFloat zero(0.0);
    Value exp = rewriter.create<ActivationOp>(loc, type, ActivationKind::exp,
                                              shifted, zero, zero, zero);
    Value sum = rewriter.create<ReduceOp>(loc, reduced, ReduceKind::sum, exp,
                                          op.getAxis());
    rewriter.replaceOpWithNewOp<BinaryOp>(op, type, BinaryKind::div, exp, sum);
    return success();
  }
};

struct LfDecomposePass : public lf::impl::LfDecomposeBase<LfDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeSoftmax>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
