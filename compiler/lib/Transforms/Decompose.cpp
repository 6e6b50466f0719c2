//===- Decompose.cpp - float-level composite op rewrites ------------------===//

#include "lfc/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <vector>

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

/// Largest Toeplitz matrix a 1-D convolution may unroll into.
static constexpr int64_t kMaxUnrolledConv = int64_t(1) << 24;

/// conv1d(x) = reshape(fc(reshape(x, [N, C*L]), T), [N, OC, Lout]) where
/// row (oc, o) of the Toeplitz matrix T holds the taps that output o of
/// channel oc applies to input (c, l), and the bias repeats along o.
struct LowerConv1dToFc : public OpRewritePattern<Conv1dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv1dOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto out = cast<RankedTensorType>(op.getType());
    auto wAttr = cast<DenseElementsAttr>(op.getWeight());
    auto wType = cast<ShapedType>(wAttr.getType());
    int64_t n = in.getDimSize(0), c = in.getDimSize(1), l = in.getDimSize(2);
    int64_t oc = wType.getDimSize(0), cg = wType.getDimSize(1),
            k = wType.getDimSize(2), lout = out.getDimSize(2);
    int64_t rows = oc * lout, cols = c * l, ocPerGroup = oc / op.getGroup();
    if (rows * cols > kMaxUnrolledConv)
      return rewriter.notifyMatchFailure(op, "too large to unroll");
    SmallVector<float> w(wAttr.getValues<float>());
    SmallVector<float> b(cast<DenseElementsAttr>(op.getBias()).getValues<float>());
    int64_t stride = op.getStride(), dil = op.getDilation(),
            pb = op.getPadBegin();
    std::vector<float> mat(rows * cols, 0.0f), bias(rows);
    for (int64_t o = 0; o < oc; ++o) {
      int64_t g = o / ocPerGroup;
      for (int64_t t = 0; t < lout; ++t) {
        bias[o * lout + t] = b[o];
        for (int64_t j = 0; j < cg; ++j)
          for (int64_t q = 0; q < k; ++q) {
            int64_t pos = t * stride + q * dil - pb;
            if (pos < 0 || pos >= l)
              continue;
            mat[(o * lout + t) * cols + (g * cg + j) * l + pos] +=
                w[(o * cg + j) * k + q];
          }
      }
    }
    Location loc = op.getLoc();
    auto f32 = rewriter.getF32Type();
    auto flatType = RankedTensorType::get({n, cols}, f32);
    Value flat = rewriter.create<ReshapeOp>(loc, flatType, op.getInput());
    auto matType = RankedTensorType::get({rows, cols}, f32);
    auto biasType = RankedTensorType::get({rows}, f32);
    Value y = rewriter.create<FullyConnectedOp>(
        loc, RankedTensorType::get({n, rows}, f32), flat,
        DenseElementsAttr::get(matType, ArrayRef<float>(mat)),
        DenseElementsAttr::get(biasType, ArrayRef<float>(bias)),
        /*weight_frac=*/nullptr, uint32_t(64));
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, out, y);
    return success();
  }
};

struct LfDecomposePass : public lf::impl::LfDecomposeBase<LfDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeSoftmax, LowerConv1dToFc>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // A composite that did not decompose has no meaning for later passes.
    getOperation().walk([&](Conv1dOp op) {
      auto in = cast<RankedTensorType>(op.getInput().getType());
      auto out = cast<RankedTensorType>(op.getType());
      op.emitError() << "convolution too large to unroll into a "
                     << out.getDimSize(1) * out.getDimSize(2) << "x"
                     << in.getDimSize(1) * in.getDimSize(2) << " matrix";
      signalPassFailure();
    });
  }
};
} // namespace
