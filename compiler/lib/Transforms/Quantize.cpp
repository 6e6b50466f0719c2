//===- Quantize.cpp - choose fixed-point formats and quantize -------------===//
//
// Interval analysis gives every tensor a range; each tensor gets the format
// with the most fractional bits that holds it (per output channel for fc
// weights). fc weights are then narrowed where needed so that no 64-bit
// accumulator can overflow for ANY input: every fc input is bounded by its
// storage type, so the bound sum_i |w_i| * 2^(W-1) + |b| < 2^63 holds even
// for inputs outside the declared ranges (they saturate at the boundary).
// At 16 bits the accumulator is 32-bit where possible (acc_bits = 32, see
// FullyConnectedOp::getAcc32PairShift()).
//
//===----------------------------------------------------------------------===//

#include "lfc/Quantize.h"
#include "lfc/Passes.h"
#include "lfc/Ranges.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace mlir::lf {
#define GEN_PASS_DEF_LFQUANTIZE
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

using namespace mlir;
using namespace mlir::lf;

int mlir::lf::chooseFrac(double maxAbs, unsigned width, int minFrac,
                         int maxFrac) {
  if (!(maxAbs > 0))
    return std::min<int>(maxFrac, width - 2);
  // The smallest number of integer bits ib with maxAbs < 2^ib.
  int ib = static_cast<int>(std::floor(std::log2(maxAbs))) + 1;
  int frac = static_cast<int>(width) - 1 - ib;
  // Rounding to nearest may reach 2^(W-1): keep one unit of headroom.
  if (std::ldexp(maxAbs, frac) >= std::ldexp(1.0, width - 1) - 1)
    --frac;
  return std::clamp(frac, minFrac, maxFrac);
}

int64_t mlir::lf::quantizeValue(double x, int frac, unsigned width) {
  double lo = -std::ldexp(1.0, width - 1), hi = std::ldexp(1.0, width - 1) - 1;
  if (std::isnan(x))
    return 0;
  double v = std::round(std::ldexp(x, frac));
  return static_cast<int64_t>(std::clamp(v, lo, hi));
}

namespace {
// Value formats stay within these bounds so that every shift the C code
// performs is in [-62, 62].
constexpr int kMinFrac = -16;
constexpr int kMaxFrac = 48;

struct LfQuantizePass : public lf::impl::LfQuantizeBase<LfQuantizePass> {
  using LfQuantizeBase::LfQuantizeBase;

  void runOnOperation() override;

  /// Values whose format is pinned by result-frac.
  llvm::DenseMap<Value, int> pinned;

  RankedTensorType fixedTypeFor(Value v, double maxAbs) {
    auto t = cast<RankedTensorType>(v.getType());
    int frac = chooseFrac(maxAbs * headroom, bits, kMinFrac, kMaxFrac);
    if (auto it = pinned.find(v); it != pinned.end())
      frac = it->second;
    else if (maxAbs > FixedType::get(&getContext(), bits, frac).getMaxValue())
      tooWide.push_back({v, maxAbs});
    return RankedTensorType::get(t.getShape(),
                                 FixedType::get(&getContext(), bits, frac));
  }
  /// Values whose range exceeds even the coarsest format (frac kMinFrac):
  /// they would saturate inside the input ranges and no error bound holds.
  SmallVector<std::pair<Value, double>> tooWide;
  /// Reports tooWide (one error each); fails if there is any.
  LogicalResult checkFormatsHoldRanges();

  LogicalResult quantizeFc(FullyConnectedOp fc, RangeAnalysis &ra);

  /// Records the float-level range of an op's result for later analyses
  /// (error bounds, reports).
  static void setResultRange(Operation *op, Interval r) {
    LfDialect::ResultRangeAttrHelper(op->getContext())
        .setAttr(op, DenseF64ArrayAttr::get(op->getContext(), {r.lo, r.hi}));
  }
  LogicalResult quantizeConstant(ConstantOp c, RangeAnalysis &ra);
};
} // namespace

LogicalResult LfQuantizePass::quantizeConstant(ConstantOp c,
                                               RangeAnalysis &ra) {
  auto type = fixedTypeFor(c.getResult(), ra.maxAbs(c.getResult()));
  FixedType ft = getFixedElementType(type);
  SmallVector<APInt> ints;
  for (float v : cast<DenseElementsAttr>(c.getValue()).getValues<float>())
    ints.push_back(APInt(bits, quantizeValue(v, ft.getFrac(), bits), true));
  auto storage = RankedTensorType::get(type.getShape(),
                                       IntegerType::get(&getContext(), bits));
  c.setValueAttr(DenseElementsAttr::get(storage, ints));
  c.getResult().setType(type);
  return success();
}

LogicalResult LfQuantizePass::quantizeFc(FullyConnectedOp fc,
                                         RangeAnalysis &ra) {
  FixedType in = getFixedElementType(fc.getInput().getType());
  auto outType = fixedTypeFor(fc.getResult(), ra.maxAbs(fc.getResult()));
  FixedType out = getFixedElementType(outType);
  SmallVector<float> w(
      cast<DenseElementsAttr>(fc.getWeight()).getValues<float>());
  SmallVector<float> b(
      cast<DenseElementsAttr>(fc.getBias()).getValues<float>());
  int64_t k = fc.getInFeatures(), n = fc.getOutFeatures();
  const double inBound = std::ldexp(1.0, in.getWidth() - 1);
  const double accLimit = std::ldexp(1.0, 63) * (1.0 - 1e-9);

  SmallVector<int32_t> wfrac(n);
  SmallVector<APInt> wq(n * k, APInt(bits, 0)), bq(n, APInt(64, 0));
  // 16 bits: a 32-bit accumulator (lf_fc_q16 in the C, vpmaddwd) when
  // every channel's shift from the accumulator (in + wf - r, r =
  // FullyConnectedOp::getAcc32PairShift(k)) to the output lies in [0, 31], its
  // bias stays below 2^30 and no weight is -2^15; else the layer keeps the
  // 64-bit accumulator. Weights keep the formats of the 64-bit rule.
  bool acc32 = bits == 16 && in.getWidth() <= 16;
  const int r = FullyConnectedOp::getAcc32PairShift(k);
  for (int pass = acc32 ? 0 : 1; pass < 2; ++pass) {
    bool use32 = pass == 0;
    bool ok = true;
    for (int64_t o = 0; o < n && ok; ++o) {
      double maxW = 0;
      for (int64_t i = 0; i < k; ++i)
        maxW = std::max(maxW, std::fabs(double(w[o * k + i])));
      // Shifts from the accumulator (in + wf) to the output stay in
      // [-62, 62] ([0, 31] from in + wf - r with a 32-bit accumulator).
      int hiFrac = std::min(kMaxFrac + 14, 62 + out.getFrac() - in.getFrac());
      int loFrac = std::max(-32, -62 + out.getFrac() - in.getFrac());
      if (use32) {
        hiFrac = std::min(hiFrac, 31 + out.getFrac() - in.getFrac() + r);
        loFrac = std::max(loFrac, out.getFrac() - in.getFrac() + r);
      }
      if (loFrac > hiFrac) {
        if (use32) {
          ok = false;
          break;
        }
        return fc.emitOpError() << "cannot represent the layer: input and "
                                   "output formats are too far apart";
      }
      int wf = chooseFrac(maxW, bits, loFrac, hiFrac);
      for (;; --wf) {
        if (wf < loFrac) {
          if (use32)
            break;
          return fc.emitOpError()
                 << "no weight format for output channel " << o
                 << " keeps the 64-bit accumulator from overflowing";
        }
        double sumAbs = 0;
        for (int64_t i = 0; i < k; ++i)
          sumAbs += std::fabs(double(quantizeValue(w[o * k + i], wf, bits)));
        if (use32) {
          int s = in.getFrac() + wf - r - out.getFrac();
          double b32 = double(quantizeValue(b[o], in.getFrac() + wf - r, 64)) +
                       (s > 0 ? std::ldexp(1.0, s - 1) : 0.0);
          if (std::fabs(b32) < std::ldexp(1.0, 30))
            break;
          continue;
        }
        double bias = std::fabs(std::ldexp(double(b[o]), in.getFrac() + wf));
        if (bias < std::ldexp(1.0, 62) && sumAbs * inBound + bias < accLimit)
          break;
      }
      if (wf < loFrac) {
        ok = false;
        break;
      }
      wfrac[o] = wf;
      for (int64_t i = 0; i < k; ++i) {
        int64_t v = quantizeValue(w[o * k + i], wf, bits);
        if (use32 && v == -32768)
          ok = false;
        wq[o * k + i] = APInt(bits, v, true);
      }
      bq[o] = APInt(
          64, quantizeValue(b[o], in.getFrac() + wf - (use32 ? r : 0), 64),
          true);
    }
    if (ok) {
      fc.setAccBits(use32 ? 32 : 64);
      break;
    }
  }
  auto wType =
      RankedTensorType::get({n, k}, IntegerType::get(&getContext(), bits));
  auto bType = RankedTensorType::get({n}, IntegerType::get(&getContext(), 64));
  fc.setWeightAttr(DenseElementsAttr::get(wType, wq));
  fc.setBiasAttr(DenseElementsAttr::get(bType, bq));
  fc.setWeightFracAttr(DenseI32ArrayAttr::get(&getContext(), wfrac));
  fc.getResult().setType(outType);
  return success();
}

LogicalResult LfQuantizePass::checkFormatsHoldRanges() {
  for (auto [v, maxAbs] : tooWide) {
    FixedType coarsest = FixedType::get(&getContext(), bits, kMinFrac);
    InFlightDiagnostic d = [&] {
      if (Operation *op = v.getDefiningOp())
        return op->emitError();
      auto arg = cast<BlockArgument>(v);
      Operation *f = arg.getOwner()->getParentOp();
      InFlightDiagnostic d = f->emitError();
      auto names = f->getAttrOfType<ArrayAttr>("lf.input_names");
      if (names && arg.getArgNumber() < names.size())
        d << "input '" << cast<StringAttr>(names[arg.getArgNumber()]).getValue()
          << "': ";
      else
        d << "argument " << arg.getArgNumber() << ": ";
      return d;
    }();
    d << "range +-" << llvm::formatv("{0:e2}", maxAbs).str()
      << " exceeds what any " << static_cast<unsigned>(bits)
      << "-bit format holds (+-"
      << llvm::formatv("{0:e2}", coarsest.getMaxValue()).str()
      << "): values would saturate inside the input ranges "
         "and no error bound holds; give tighter input ranges "
         "or scale the model";
  }
  return success(tooWide.empty());
}

void LfQuantizePass::runOnOperation() {
  func::FuncOp f = getOperation();
  pinned.clear();
  tooWide.clear();
  if (bits != 32 && bits != 16) {
    f.emitError() << "--bits must be 32 or 16, got "
                  << static_cast<unsigned>(bits);
    return signalPassFailure();
  }
  if (!(headroom >= 1.0) || !(inputHeadroom >= 1.0) ||
      !std::isfinite(headroom) || !std::isfinite(inputHeadroom)) {
    f.emitError() << "headroom and input-headroom must be finite and >= 1, "
                     "got "
                  << static_cast<double>(headroom) << " and "
                  << static_cast<double>(inputHeadroom);
    return signalPassFailure();
  }
  // Float level only, decomposed.
  for (Type t : f.getArgumentTypes())
    if (!isa<RankedTensorType>(t) || !isFloatLevel(t)) {
      f.emitError() << "-lf-quantize expects float-level tensor arguments";
      return signalPassFailure();
    }
  SmallVector<Interval> ranges;
  if (inputRanges.empty()) {
    f.emitError() << "-lf-quantize needs input ranges (input-range=lo,hi,...)";
    return signalPassFailure();
  }
  if (inputRanges.size() % 2) {
    f.emitError() << "input-range needs lo,hi pairs, got " << inputRanges.size()
                  << " numbers";
    return signalPassFailure();
  }
  for (size_t i = 0; i < inputRanges.size(); i += 2) {
    if (!(inputRanges[i] <= inputRanges[i + 1]) ||
        !std::isfinite(inputRanges[i]) || !std::isfinite(inputRanges[i + 1])) {
      f.emitError() << "input range " << i / 2 << " [" << inputRanges[i] << ", "
                    << inputRanges[i + 1] << "] is empty or not finite";
      return signalPassFailure();
    }
    ranges.push_back(
        widenRange({inputRanges[i], inputRanges[i + 1]}, inputHeadroom));
  }
  RangeAnalysis ra;
  if (failed(ra.run(f, ranges)))
    return signalPassFailure();

  // Pin result formats; a reshape passes its pin to its input.
  auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
  if (!resultFracs.empty()) {
    if (resultFracs.size() != ret.getNumOperands()) {
      f.emitError() << "result-frac has " << resultFracs.size()
                    << " entries, the function has " << ret.getNumOperands()
                    << " results";
      return signalPassFailure();
    }
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      int want = chooseFrac(ra.maxAbs(v) * headroom, bits, kMinFrac, kMaxFrac);
      if (resultFracs[i] > want && saturatePinned) {
        // The format is a contract with the datapath: keep it, saturate.
        ret.emitWarning() << "result " << i << " pinned at " << resultFracs[i]
                          << " fractional bits saturates beyond +-"
                          << std::ldexp(1.0, bits - 1 - resultFracs[i])
                          << " (its range needs at most " << want << ")";
      } else if (resultFracs[i] > want) {
        ret.emitError() << "result " << i << " pinned at " << resultFracs[i]
                        << " fractional bits cannot hold its range (needs at "
                           "most "
                        << want << ")";
        return signalPassFailure();
      }
      Value p = v;
      // Reshape and gather keep their input's format.
      while (isa_and_nonnull<ReshapeOp, GatherOp>(p.getDefiningOp()))
        p = p.getDefiningOp()->getOperand(0);
      pinned[p] = resultFracs[i];
    }
  }

  OpBuilder b(&getContext());
  // Quantize each argument at the boundary.
  b.setInsertionPointToStart(&f.getBody().front());
  for (BlockArgument arg : f.getArguments()) {
    auto type = fixedTypeFor(arg, ra.maxAbs(arg));
    auto q = b.create<QuantizeOp>(arg.getLoc(), type, arg);
    setResultRange(q, ra.hull(arg));
    arg.replaceAllUsesExcept(q.getResult(), q);
  }

  WalkResult walk = f.walk([&](Operation *op) -> WalkResult {
    if (isa<QuantizeOp, func::FuncOp, func::ReturnOp>(op))
      return WalkResult::advance();
    if (auto c = dyn_cast<ConstantOp>(op)) {
      setResultRange(op, ra.hull(c.getResult()));
      return quantizeConstant(c, ra);
    }
    if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      setResultRange(op, ra.hull(fc.getResult()));
      return quantizeFc(fc, ra);
    }
    if (isa<SoftmaxOp>(op))
      return op->emitOpError() << "must be decomposed first (-lf-decompose)";
    if (op->getNumResults() != 1 || !isa<LfDialect>(op->getDialect()))
      return op->emitOpError() << "cannot be quantized";
    Value res = op->getResult(0);
    if (isa<ReshapeOp, GatherOp>(op)) {
      // A reshape or gather keeps its input's format (it copies values).
      auto t = cast<RankedTensorType>(res.getType());
      res.setType(RankedTensorType::get(
          t.getShape(), getElementTypeOrSelf(op->getOperand(0).getType())));
      return WalkResult::advance();
    }
    setResultRange(op, ra.hull(res));
    if (auto act = dyn_cast<ActivationOp>(op)) {
      // Arguments were replaced by their lf.quantize: look through it.
      Value in = act.getInput();
      if (auto q = in.getDefiningOp<QuantizeOp>())
        in = q.getInput();
      Interval h = ra.hull(in);
      LfDialect::RangeAttrHelper(&getContext())
          .setAttr(act, b.getDenseF64ArrayAttr({h.lo, h.hi}));
    }
    res.setType(fixedTypeFor(res, ra.maxAbs(res)));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted() || failed(checkFormatsHoldRanges()))
    return signalPassFailure();

  // Dequantize each result.
  b.setInsertionPoint(ret);
  for (OpOperand &operand : ret->getOpOperands()) {
    Value v = operand.get();
    if (!getFixedElementType(v.getType()))
      continue; // an argument returned as is
    auto t = cast<RankedTensorType>(v.getType());
    auto dq = b.create<DequantizeOp>(
        ret.getLoc(), RankedTensorType::get(t.getShape(), b.getF32Type()), v);
    operand.set(dq);
  }
}
