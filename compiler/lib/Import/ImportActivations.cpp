//===- ImportActivations.cpp - activation converters -------------------------- ===//
//
// Relu, Clip and PRelu become lf.clamp (and arithmetic); the smooth ones lf.activation (tables at the fixed level); Softmax and LogSoftmax.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static LogicalResult convertActivation(Importer &im, ActivationKind kind, double alpha = 0, double beta = 0, double gamma = 0) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  return im.setOutput(0, im.activation(kind, *x, alpha, beta, gamma));
}

static LogicalResult convertPRelu(Importer &im) {
  // PRelu(x) = im.clamp(x, 0, inf) + slope * im.clamp(x, -inf, 0).
  auto x = im.runtimeInput(0);
  auto slopeIn = im.input(1);
  if (failed(x) || failed(slopeIn))
    return failure();
  Shape xs(cast<RankedTensorType>(x->getType()).getShape());
  Shape ss = (*slopeIn)->shape();
  auto bs = broadcastShapes(xs, ss);
  if (failed(bs) || *bs != xs) {
    im.err() << "slope " << shapeStr(ss) << " does not broadcast to the input "
          << shapeStr(xs);
    return failure();
  }
  // A uniform constant slope is a leaky relu.
  if ((*slopeIn)->c && !(*slopeIn)->v) {
    if (failed(im.checkFloatData(*(*slopeIn)->c)))
      return failure();
    const auto &v = (*slopeIn)->c->values;
    if (!v.empty() && llvm::all_of(v, [&](double s) { return s == v[0]; }))
      return im.setOutput(0, im.activation(ActivationKind::leaky_relu, *x, v[0]));
  }
  auto slope = im.materialize(**slopeIn);
  if (failed(slope))
    return failure();
  Value pos = im.clamp(*x, 0.0, kLarge), neg = im.clamp(*x, -kLarge, 0.0);
  auto scaled = im.binary(BinaryKind::mul, neg, *slope);
  if (failed(scaled))
    return failure();
  auto y = im.binary(BinaryKind::add, pos, *scaled);
  return failed(y) ? failure() : im.setOutput(0, *y);
}

/// Clip; before opset 11 the bounds are attributes, then inputs.
static LogicalResult convertClip(Importer &im, bool boundsAsInputs) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  double lo = -kLarge, hi = kLarge;
  if (!boundsAsInputs) {
    auto l = im.floatAttr("min", -kLarge), h = im.floatAttr("max", kLarge);
    if (failed(l) || failed(h))
      return failure();
    lo = *l;
    hi = *h;
  } else {
    for (int i = 1; i <= 2; ++i) {
      if (!im.hasInput(i))
        continue;
      auto t = im.constFloatInput(i, i == 1 ? "min" : "max");
      if (failed(t))
        return failure();
      if ((*t)->values.size() != 1) {
        im.err() << (i == 1 ? "min" : "max") << " must be a scalar";
        return failure();
      }
      double v = (*t)->values[0];
      if (!std::isfinite(v)) {
        im.err() << (i == 1 ? "min" : "max") << " is not finite";
        return failure();
      }
      (i == 1 ? lo : hi) = v;
    }
  }
  lo = std::max(lo, -kLarge);
  hi = std::min(hi, kLarge);
  // ONNX: with min > max every output is max.
  if (lo > hi)
    lo = hi;
  return im.setOutput(0, im.clamp(*x, lo, hi));
}

/// Softmax/LogSoftmax; before opset 13 the input is coerced to 2-D at axis
/// (default 1), then one axis (default -1).
static LogicalResult convertSoftmax(Importer &im, bool log, bool coerce2D) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  int64_t rank = s.size();
  if (rank == 0) {
    im.err() << "input must have rank >= 1";
    return failure();
  }
  auto axisOr = im.intAttr("axis", coerce2D ? 1 : -1);
  if (failed(axisOr))
    return failure();
  auto axis = im.normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  // softmax, or log softmax as (x - max) - log(sum(exp(x - max))): the sum
  // is at least 1, so the log's table has a bounded, positive domain.
  auto build = [&](Value v, int64_t ax) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    if (!log)
      return im.b.create<SoftmaxOp>(im.loc, t, v, im.b.getI64IntegerAttr(ax));
    SmallVector<int64_t> rs(t.getShape());
    rs[ax] = 1;
    auto rt = RankedTensorType::get(rs, t.getElementType());
    APFloat zero(0.0);
    Value max = im.b.create<ReduceOp>(im.loc, rt, ReduceKind::max, v, ax);
    Value d = im.b.create<BinaryOp>(im.loc, t, BinaryKind::sub, v, max);
    Value e = im.b.create<ActivationOp>(im.loc, t, ActivationKind::exp, d, zero,
                                     zero, zero);
    Value sum = im.b.create<ReduceOp>(im.loc, rt, ReduceKind::sum, e, ax);
    Value lg = im.b.create<ActivationOp>(im.loc, rt, ActivationKind::log, sum, zero,
                                      zero, zero);
    return im.b.create<BinaryOp>(im.loc, t, BinaryKind::sub, d, lg);
  };
  if (!coerce2D || *axis == rank - 1)
    return im.setOutput(0, build(*x, *axis));
  // Before opset 13 the input is coerced to 2-D at `axis`.
  int64_t rows = product(ArrayRef<int64_t>(s).take_front(*axis));
  int64_t cols = product(ArrayRef<int64_t>(s).drop_front(*axis));
  Value x2 = im.reshape(*x, {rows, cols});
  return im.setOutput(0, im.reshape(build(x2, 1), s));
}

static LogicalResult convertRelu(Importer &im) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  return im.setOutput(0, im.clamp(*x, 0.0, kLarge));
}

/// An activation without attributes.
static ConvertFn simple(ActivationKind kind) {
  return [kind](Importer &im) { return convertActivation(im, kind); };
}

/// An activation whose `alpha` must be non-negative (Elu, Selu).
static FailureOr<double> nonNegativeAlpha(Importer &im, double def) {
  auto a = im.floatAttr("alpha", def);
  if (failed(a))
    return failure();
  if (*a < 0) {
    im.err() << "attribute 'alpha' must be non-negative, got " << *a;
    return failure();
  }
  return a;
}

void mlir::lf::importer::registerActivationConverters(ConverterTable &t) {
  t.add("Relu", convertRelu);
  t.add("LeakyRelu", [](Importer &im) -> LogicalResult {
    auto a = im.floatAttr("alpha", 0.01);
    if (failed(a))
      return failure();
    return convertActivation(im, ActivationKind::leaky_relu, *a);
  });
  t.add("Tanh", simple(ActivationKind::tanh));
  t.add("Sigmoid", simple(ActivationKind::sigmoid));
  t.add("Exp", simple(ActivationKind::exp));
  t.add("Softplus", simple(ActivationKind::softplus));
  t.add("Softsign", simple(ActivationKind::softsign));
  t.add("Erf", simple(ActivationKind::erf));
  t.add("Abs", simple(ActivationKind::abs));
  t.add("HardSwish", simple(ActivationKind::hard_swish));
  t.add("Log", simple(ActivationKind::log));
  t.add("HardSigmoid", [](Importer &im) -> LogicalResult {
    auto a = im.floatAttr("alpha", 0.2), be = im.floatAttr("beta", 0.5);
    if (failed(a) || failed(be))
      return failure();
    return convertActivation(im, ActivationKind::hard_sigmoid, *a, *be);
  });
  t.add("Elu", [](Importer &im) -> LogicalResult {
    auto a = nonNegativeAlpha(im, 1.0);
    if (failed(a))
      return failure();
    return convertActivation(im, ActivationKind::elu, *a);
  });
  t.add("Selu", [](Importer &im) -> LogicalResult {
    auto a = nonNegativeAlpha(im, 1.67326319217681884765625);
    auto g = im.floatAttr("gamma", 1.05070102214813232421875);
    if (failed(a) || failed(g))
      return failure();
    return convertActivation(im, ActivationKind::selu, *a, 0, *g);
  });
  t.add("PRelu", convertPRelu);
  t.add("Clip", 7, 10, [](Importer &im) { return convertClip(im, false); });
  t.add("Clip", 11, ox::kMaxOpset,
        [](Importer &im) { return convertClip(im, true); });
  for (bool log : {false, true}) {
    StringRef name = log ? "LogSoftmax" : "Softmax";
    t.add(name, 7, 12,
          [log](Importer &im) { return convertSoftmax(im, log, true); });
    t.add(name, 13, ox::kMaxOpset,
          [log](Importer &im) { return convertSoftmax(im, log, false); });
  }
}
