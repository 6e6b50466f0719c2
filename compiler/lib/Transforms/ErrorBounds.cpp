//===- ErrorBounds.cpp - bound |fixed - float| of a snapshot --------------===//
//
// Forward propagation of one bound per tensor: e(v) >= |fixed(v) - float(v)|
// for every element, assuming the inputs lie in the ranges the function was
// quantized for (so that nothing saturates). Magnitudes come from the
// `lf.result_range` attributes -lf-quantize leaves; a rounding to F
// fractional bits adds 2^-(F+1).
//
//===----------------------------------------------------------------------===//

#include "lfc/Passes.h"
#include "lfc/Quantize.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::lf {
#define GEN_PASS_DEF_LFERRORBOUNDS
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

namespace {
/// Half a unit in the last place of `frac` fractional bits.
double halfUlp(int frac) { return std::ldexp(0.5, -frac); }
double halfUlp(Type t) { return halfUlp(getFixedElementType(t).getFrac()); }

struct LfErrorBoundsPass
    : public lf::impl::LfErrorBoundsBase<LfErrorBoundsPass> {
  llvm::DenseMap<Value, double> err;

  /// Largest magnitude of a value: from the recorded range, else its type.
  double magnitude(Value v) {
    Operation *def = v.getDefiningOp();
    while (def && isa<ReshapeOp, GatherOp>(def)) {
      v = def->getOperand(0);
      def = v.getDefiningOp();
    }
    if (def)
      if (auto r = def->getAttrOfType<DenseF64ArrayAttr>(kResultRangeAttr))
        return std::max(std::fabs(r[0]), std::fabs(r[1]));
    FixedType t = getFixedElementType(v.getType());
    return t ? t.getMaxValue() : 0.0;
  }

  /// Smallest magnitude of a value's range (0 if it contains 0).
  double minMagnitude(Value v) {
    if (Operation *def = v.getDefiningOp())
      if (auto r = def->getAttrOfType<DenseF64ArrayAttr>(kResultRangeAttr))
        return r[0] > 0 ? r[0] : (r[1] < 0 ? -r[1] : 0.0);
    return 0.0;
  }

  FailureOr<double> bound(Operation *op);
  void runOnOperation() override;
};
} // namespace

FailureOr<double> LfErrorBoundsPass::bound(Operation *op) {
  auto e = [&](Value v) { return err.lookup(v); };
  Type resType = op->getResult(0).getType();
  if (!getFixedElementType(resType) && !isa<DequantizeOp>(op))
    return op->emitOpError() << "is at the float level: run -lf-quantize "
                                "and -lf-lower-activations first";
  double out = getFixedElementType(resType) ? halfUlp(resType) : 0.0;

  if (isa<QuantizeOp, ConstantOp>(op))
    return out;
  if (auto dq = dyn_cast<DequantizeOp>(op))
    return e(dq.getInput());
  if (auto rs = dyn_cast<ReshapeOp>(op))
    return e(rs.getInput());
  if (auto g = dyn_cast<GatherOp>(op))
    return e(g.getInput()); // copies values in the same format
  if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
    FixedType in = getFixedElementType(fc.getInput().getType());
    ArrayRef<int32_t> wf = *fc.getWeightFrac();
    auto w = cast<DenseElementsAttr>(fc.getWeight()).getValues<APInt>();
    int64_t k = fc.getInFeatures(), n = fc.getOutFeatures();
    double x = magnitude(fc.getInput()), ex = e(fc.getInput()), worst = 0;
    // A 32-bit accumulator floors each pair of products by r bits (see
    // acc32PairShift()): up to one unit of the accumulator per pair.
    int r = fc.getAccBits() == 32 ? acc32PairShift(k) : 0;
    for (int64_t o = 0; o < n; ++o) {
      double dw = halfUlp(wf[o]), sum = 0;
      for (int64_t i = 0; i < k; ++i) {
        double wi = std::ldexp(double(w[o * k + i].getSExtValue()), -wf[o]);
        // |x' w' - x w| <= |w'| e_x + |x| dw (+ e_x dw).
        sum += std::fabs(wi) * ex + (x + ex) * dw;
      }
      int accFrac = in.getFrac() + wf[o] - r;
      double floors = r ? double((k + 1) / 2) * std::ldexp(1.0, -accFrac) : 0;
      worst = std::max(worst, sum + halfUlp(accFrac) + floors);
    }
    return worst + out;
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto lt = cast<RankedTensorType>(mm.getLhs().getType());
    int64_t k = lt.getShape().back();
    int pre = 0;
    while ((int64_t(1) << pre) < k)
      ++pre;
    double a = magnitude(mm.getLhs()), b = magnitude(mm.getRhs());
    double ea = e(mm.getLhs()), eb = e(mm.getRhs());
    int fab = getFixedElementType(lt).getFrac() +
              getFixedElementType(mm.getRhs().getType()).getFrac();
    return k * (a * eb + b * ea + ea * eb + std::ldexp(1.0, pre - fab)) + out;
  }
  if (auto bin = dyn_cast<BinaryOp>(op)) {
    double a = magnitude(bin.getLhs()), b = magnitude(bin.getRhs());
    double ea = e(bin.getLhs()), eb = e(bin.getRhs());
    // A pre-shift of the finer operand (frac gap > 31) rounds once more.
    double pre = halfUlp(
        std::min(getFixedElementType(bin.getLhs().getType()).getFrac(),
                 getFixedElementType(bin.getRhs().getType()).getFrac()) +
        31);
    switch (bin.getKind()) {
    case BinaryKind::add:
    case BinaryKind::sub:
      return ea + eb + pre + out;
    case BinaryKind::mul:
      return a * eb + b * ea + ea * eb + out;
    case BinaryKind::div: {
      double bmin = minMagnitude(bin.getRhs()) - eb;
      if (!(bmin > 0))
        return bin.emitOpError() << "divisor range reaches 0: no error bound";
      double q = magnitude(bin.getResult());
      return (ea + q * eb) / bmin + out;
    }
    }
  }
  if (auto cl = dyn_cast<ClampOp>(op))
    return e(cl.getInput()) + halfUlp(cl.getInput().getType()) + out;
  if (auto lut = dyn_cast<LutOp>(op)) {
    auto l = lut->getAttrOfType<FloatAttr>(kLipschitzAttr);
    if (!l || !lut.getMaxErrorAttr())
      return lut.emitOpError() << "has no measured error or Lipschitz bound "
                                  "(made by -lf-lower-activations)";
    return l.getValueAsDouble() * e(lut.getInput()) +
           lut.getMaxErrorAttr().getValueAsDouble();
  }
  if (auto red = dyn_cast<ReduceOp>(op)) {
    auto it = cast<RankedTensorType>(red.getInput().getType());
    double ein = e(red.getInput());
    if (red.getKind() == ReduceKind::sum)
      ein *= it.getShape()[red.getAxis()];
    return ein + out;
  }
  if (auto cat = dyn_cast<ConcatOp>(op)) {
    double worst = 0;
    for (Value v : cat.getInputs())
      worst = std::max(worst, e(v));
    return worst + out;
  }
  return op->emitOpError() << "has no error model (is the function at the "
                              "fixed level?)";
}

void LfErrorBoundsPass::runOnOperation() {
  func::FuncOp f = getOperation();
  Builder b(&getContext());
  WalkResult walk = f.walk([&](Operation *op) -> WalkResult {
    if (isa<func::FuncOp, func::ReturnOp>(op))
      return WalkResult::advance();
    if (op->getNumResults() != 1)
      return op->emitOpError() << "has no error model";
    FailureOr<double> eb = bound(op);
    if (failed(eb))
      return WalkResult::interrupt();
    err[op->getResult(0)] = *eb;
    op->setAttr(kErrorBoundAttr, b.getF64FloatAttr(*eb));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();
  auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
  SmallVector<double> bounds;
  for (Value v : ret.getOperands())
    bounds.push_back(err.lookup(v));
  f->setAttr(kResultErrorBoundsAttr, b.getDenseF64ArrayAttr(bounds));
}
