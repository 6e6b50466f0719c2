//===- LowerActivations.cpp - activations to lookup tables ----------------===//
//
// Every fixed-level lf.activation becomes an lf.lut. The table's knots sit
// on the input's integer grid, 2^shift units apart. For each candidate
// spacing (coarse to fine) the table is built and its worst-case error is
// measured on the very integer code the snapshot runs (lf_fixed.h), at
// several points of every cell and on the tails up to the input range; the
// coarsest spacing meeting the error target wins.
//
//===----------------------------------------------------------------------===//

#include "lfc/Passes.h"
#include "lfc/Quantize.h"

#include "mlir/IR/Builders.h"

extern "C" {
#include "lf_fixed.h"
}

#include <cmath>

namespace mlir::lf {
#define GEN_PASS_DEF_LFLOWERACTIVATIONS
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

namespace {
/// Where a function is tabulated and how it behaves outside the table.
struct TableShape {
  double lo, hi; // natural domain
  Symmetry symmetry = Symmetry::none;
  double symConst = 0; // c of f(-x) = c - f(x)
  bool fixedSlopeBelow = false, fixedSlopeAbove = false;
  double slopeBelow = 0, slopeAbove = 0; // used when fixed
};

TableShape shapeFor(ActivationOp op) {
  double a = op.getAlpha().convertToDouble();
  double b = op.getBeta().convertToDouble();
  double g = op.getGamma().convertToDouble();
  switch (op.getKind()) {
  case ActivationKind::tanh:
    return {0, 10, Symmetry::odd, 0, true, true, 0, 0};
  case ActivationKind::sigmoid:
    return {0, 18, Symmetry::complement, 1.0, true, true, 0, 0};
  case ActivationKind::softsign:
    return {0, 1024, Symmetry::odd, 0, true, true, 0, 0};
  case ActivationKind::exp:
    return {-24, 16, Symmetry::none, 0, true, false, 0, 0};
  case ActivationKind::softplus:
    return {-24, 24, Symmetry::none, 0, true, true, 0, 1};
  case ActivationKind::elu:
    return {-24, 0, Symmetry::none, 0, true, true, 0, 1};
  case ActivationKind::selu:
    return {-24, 0, Symmetry::none, 0, true, true, 0, g};
  case ActivationKind::leaky_relu:
    return {0, 1, Symmetry::none, 0, true, true, a, 1};
  case ActivationKind::erf:
    return {0, 6, Symmetry::odd, 0, true, true, 0, 0};
  case ActivationKind::abs:
    return {0, 1, Symmetry::none, 0, true, true, -1, 1};
  case ActivationKind::hard_swish:
    return {-3, 3, Symmetry::none, 0, true, true, 0, 1};
  case ActivationKind::log:
    // Tabulated over the input range only (which must be positive); the
    // tails extrapolate with the end slopes.
    return {0, 0, Symmetry::none, 0, false, false, 0, 0};
  case ActivationKind::hard_sigmoid: {
    double x0 = a != 0 ? -b / a : -1, x1 = a != 0 ? (1 - b) / a : 1;
    if (x0 > x1)
      std::swap(x0, x1);
    return {x0, x1, Symmetry::none, 0, true, true, 0, 0};
  }
  }
  llvm_unreachable("unknown activation");
}

/// max |f'| over [lo, hi] and the linear tails, numerically.
double lipschitz(ActivationOp op, double lo, double hi) {
  const TableShape ts = shapeFor(op);
  double l = std::max(std::fabs(ts.slopeBelow), std::fabs(ts.slopeAbove));
  double a = ts.symmetry != Symmetry::none ? -hi : lo;
  const int steps = 4096;
  for (int i = 0; i < steps; ++i) {
    double x0 = a + (hi - a) * i / steps, x1 = a + (hi - a) * (i + 1) / steps;
    l = std::max(l, std::fabs(op.evaluate(x1) - op.evaluate(x0)) / (x1 - x0));
  }
  return l * 1.001; // secants approach the derivative from below
}

struct Candidate {
  std::vector<lf_s32> table;
  lf_lut lut{};
  double error = INFINITY;
};

struct LfLowerActivationsPass
    : public lf::impl::LfLowerActivationsBase<LfLowerActivationsPass> {
  using LfLowerActivationsBase::LfLowerActivationsBase;
  void runOnOperation() override;
  LogicalResult lower(ActivationOp op);
};
} // namespace

/// Builds a table with knots 2^shift input units apart over [dlo, dhi] and
/// measures its error over the input range [rlo, rhi].
static bool buildCandidate(ActivationOp op, const TableShape &ts, double dlo,
                           double dhi, double rlo, double rhi, FixedType in,
                           FixedType out, int shift, unsigned maxEntries,
                           Candidate &c) {
  int fi = in.getFrac(), fo = out.getFrac();
  lf_s64 start = quantizeValue(dlo, fi, 64);
  if (ts.symmetry != Symmetry::none)
    start = 0;
  lf_s64 endInt = quantizeValue(dhi, fi, 64);
  double span = std::ldexp(double(endInt - start), -shift);
  if (span + 2 > maxEntries)
    return false;
  int64_t n = std::max<int64_t>(2, static_cast<int64_t>(std::ceil(span)) + 1);
  c.table.assign(n, 0);
  for (int64_t j = 0; j < n; ++j) {
    double x = std::ldexp(double(start + (lf_s64(j) << shift)), -fi);
    c.table[j] = static_cast<lf_s32>(
        std::clamp<int64_t>(quantizeValue(op.evaluate(x), fo, out.getWidth()),
                            out.getMinInt(), out.getMaxInt()));
  }
  lf_lut &t = c.lut;
  t.table = c.table.data();
  t.n = static_cast<lf_s32>(n);
  t.shift = shift;
  t.start = start;
  t.linear = 1;
  t.symmetry = static_cast<lf_s32>(ts.symmetry);
  t.sym_const = quantizeValue(ts.symConst, fo, 64);
  t.slope_frac = 24;
  // Slopes in output units per input unit, Q24.
  double unit = std::ldexp(1.0, fo - fi + 24);
  double xEnd = std::ldexp(double(start + (lf_s64(n - 1) << shift)), -fi);
  double xStart = std::ldexp(double(start), -fi);
  double h = 1e-6;
  double sb = ts.fixedSlopeBelow
                  ? ts.slopeBelow
                  : (op.evaluate(xStart + h) - op.evaluate(xStart)) / h;
  double sa = ts.fixedSlopeAbove
                  ? ts.slopeAbove
                  : (op.evaluate(xEnd) - op.evaluate(xEnd - h)) / h;
  t.slope_below = static_cast<lf_s64>(std::round(sb * unit));
  t.slope_above = static_cast<lf_s64>(std::round(sa * unit));

  // Measure: 8 points a cell inside the table, 64 points on each tail.
  auto errAt = [&](double x) {
    lf_s64 xi = quantizeValue(x, fi, in.getWidth());
    lf_s64 y = lf_sat(lf_lut_eval(&t, xi), out.getMinInt(), out.getMaxInt());
    double exact = op.evaluate(std::ldexp(double(xi), -fi));
    exact = std::clamp(exact, out.getMinValue(), out.getMaxValue());
    return std::fabs(std::ldexp(double(y), -fo) - exact);
  };
  double err = 0;
  double lo = std::max(rlo, ts.symmetry != Symmetry::none ? -xEnd : xStart);
  double hi = std::min(rhi, xEnd);
  double step = std::ldexp(1.0, shift - fi);
  for (int64_t j = 0; j + 1 < n; ++j)
    for (int s = 0; s <= 8; ++s) {
      double x = xStart + step * (j + s / 8.0);
      if (x < rlo - step || x > rhi + step)
        continue;
      err = std::max(err, errAt(x));
      if (ts.symmetry != Symmetry::none)
        err = std::max(err, errAt(-x));
    }
  for (int s = 0; s <= 64; ++s) {
    if (rlo < lo)
      err = std::max(err, errAt(rlo + (lo - rlo) * s / 64.0));
    if (rhi > hi)
      err = std::max(err, errAt(hi + (rhi - hi) * s / 64.0));
  }
  c.error = err;
  return true;
}

LogicalResult LfLowerActivationsPass::lower(ActivationOp op) {
  FixedType in = getFixedElementType(op.getInput().getType());
  FixedType out = getFixedElementType(op.getType());
  if (!in || !out)
    return success(); // float level: nothing to do
  if (out.getWidth() > 32)
    return op.emitOpError() << "tables hold at most 32-bit values";
  DenseF64ArrayAttr range =
      LfDialect::RangeAttrHelper(&getContext()).getAttr(op);
  double rlo = in.getMinValue(), rhi = in.getMaxValue();
  if (range && range.size() == 2) {
    rlo = std::max(rlo, range[0]);
    rhi = std::min(rhi, range[1]);
  }
  TableShape ts = shapeFor(op);
  // The table covers the function's natural domain whatever the input
  // range, so that retraining (which moves ranges) keeps table sizes and
  // with them the snapshot's architecture: new weights can be pushed
  // without new code. Only exp's open upper end follows the range.
  double dlo = ts.lo, dhi = ts.hi;
  if (op.getKind() == ActivationKind::exp)
    dhi = rhi <= 0 ? 0.0 : std::min(16.0, std::exp2(std::ceil(std::log2(rhi))));
  // softsign approaches its asymptote too slowly for a fixed domain.
  if (op.getKind() == ActivationKind::softsign)
    dhi = std::min(dhi, std::max(std::fabs(rlo), std::fabs(rhi)));
  // log has no natural domain: its input range (> 0).
  if (op.getKind() == ActivationKind::log) {
    if (!(rlo > 0))
      return op.emitOpError() << "log needs a positive input range, got ["
                              << rlo << ", " << rhi << "]";
    dlo = rlo;
    dhi = rhi;
  }
  // Accuracy is measured over the whole domain too (and the range's tails).
  rlo = std::min(rlo, ts.symmetry != Symmetry::none ? -dhi : dlo);
  rhi = std::max(rhi, dhi);
  // No table beats the output's resolution: a target finer than one unit
  // in the last place (16-bit formats) is met at that unit.
  double target = std::max<double>(lutError, std::ldexp(1.0, -out.getFrac()));
  Candidate best;
  int bestShift = -1;
  // Coarse to fine: spacing 2^(shift - frac) from 1 down to the input grid.
  for (int k = 0; k <= std::max(0, in.getFrac()); ++k) {
    int shift = in.getFrac() - k;
    if (shift < 0 || shift > 62)
      continue;
    Candidate c;
    if (!buildCandidate(op, ts, dlo, dhi, rlo, rhi, in, out, shift, maxEntries,
                        c))
      break; // finer tables only grow
    if (c.error < best.error) {
      best = std::move(c);
      bestShift = shift;
    }
    if (best.error <= target)
      break;
  }
  if (bestShift < 0)
    return op.emitOpError()
           << "no table of at most " << static_cast<unsigned>(maxEntries)
           << " entries covers the domain";
  if (best.error > target)
    op.emitWarning() << "table error " << best.error << " exceeds the target "
                     << target << " (limited to "
                     << static_cast<unsigned>(maxEntries) << " entries)";

  OpBuilder b(op);
  SmallVector<int64_t> table(best.table.begin(), best.table.end());
  auto lut = b.create<LutOp>(
      op.getLoc(), op.getType(), op.getInput(), b.getDenseI64ArrayAttr(table),
      b.getI64IntegerAttr(best.lut.start), b.getI32IntegerAttr(bestShift),
      InterpolationAttr::get(&getContext(), Interpolation::linear),
      SymmetryAttr::get(&getContext(), ts.symmetry),
      b.getI64IntegerAttr(best.lut.sym_const),
      b.getI64IntegerAttr(best.lut.slope_below),
      b.getI64IntegerAttr(best.lut.slope_above), b.getI32IntegerAttr(24),
      b.getF64FloatAttr(best.error));
  auto *dialect = getContext().getLoadedDialect<LfDialect>();
  dialect->getFunctionAttrHelper().setAttr(
      lut, b.getStringAttr(stringifyActivationKind(op.getKind())));
  auto resultRange = dialect->getResultRangeAttrHelper();
  if (DenseF64ArrayAttr r = resultRange.getAttr(op))
    resultRange.setAttr(lut, r);
  dialect->getLipschitzAttrHelper().setAttr(
      lut, b.getF64FloatAttr(lipschitz(op, dlo, dhi)));
  op.replaceAllUsesWith(lut.getResult());
  op.erase();
  return success();
}

void LfLowerActivationsPass::runOnOperation() {
  if (!(lutError > 0)) {
    getOperation().emitError() << "lut-error must be positive";
    return signalPassFailure();
  }
  SmallVector<ActivationOp> acts;
  getOperation().walk([&](ActivationOp op) { acts.push_back(op); });
  for (ActivationOp op : acts)
    if (failed(lower(op)))
      return signalPassFailure();
}
