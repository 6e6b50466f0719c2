//===- ImportElementwise.cpp - elementwise arithmetic converters ---------------- ===//
//
// Add, Sub, Mul, Div (constant operands folded), Neg, Max, Min and Pow
// with a small integer exponent; Equal, Greater, Less and Where fold on
// constant data (the exporter's shape scaffolding).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static double opAdd(double a, double b) { return a + b; }
static double opSub(double a, double b) { return a - b; }
static double opMul(double a, double b) { return a * b; }
static double opDiv(double a, double b) { return a / b; }

LogicalResult mlir::lf::importer::convertBinary(Importer &im, BinaryKind kind) {
  auto lIn = im.input(0), rIn = im.input(1);
  if (failed(lIn) || failed(rIn))
    return failure();
  Val &l = **lIn, &r = **rIn;
  Shape ls = l.shape(), rs = r.shape();
  auto out = broadcastShapes(ls, rs);
  if (failed(out)) {
    im.err() << "operand shapes " << shapeStr(ls) << " and " << shapeStr(rs)
          << " do not broadcast";
    return failure();
  }
  // Fold constant arithmetic (shape computations, scaled constants).
  if (l.c && r.c && !l.v && !r.v) {
    if (!l.c->decoded || !r.c->decoded) {
      const Tensor &bad = l.c->decoded ? *r.c : *l.c;
      im.err() << "tensor '" << bad.name << "' " << bad.decodeError;
      return failure();
    }
    bool isInt = !isFloatType(l.c->dataType);
    auto fn = kind == BinaryKind::add   ? opAdd
              : kind == BinaryKind::sub ? opSub
              : kind == BinaryKind::mul ? opMul
                                        : opDiv;
    std::vector<double> v = broadcastApply(*l.c, *r.c, *out, fn);
    if (isInt && kind == BinaryKind::div)
      for (double &x : v)
        x = std::trunc(x);
    return im.setConstOutput(0, im.makeConst(*out, v, l.c->dataType));
  }
  auto lv = im.materialize(l);
  if (failed(lv))
    return failure();
  // (A division by a constant becomes a multiplication when lf.binary
  // canonicalizes.)
  auto rv = im.materialize(r);
  if (failed(rv))
    return failure();
  auto res = im.binary(kind, *lv, *rv);
  return failed(res) ? failure() : im.setOutput(0, *res);
}

static LogicalResult convertNeg(Importer &im) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  auto r = im.binary(BinaryKind::mul, *x, im.scalarConst(-1.0, rank));
  return failed(r) ? failure() : im.setOutput(0, *r);
}

static double opMax(double a, double b) { return std::max(a, b); }
static double opMin(double a, double b) { return std::min(a, b); }

/// Max and Min of any number of inputs, pairwise: a constant uniform
/// operand is a clamp bound; two run-time operands give
/// a + clamp(b - a, 0, inf) (max) or a + clamp(b - a, -inf, 0) (min).
static LogicalResult convertMaxMin(Importer &im, bool isMax) {
  if (im.node->inputs.empty()) {
    im.err() << "needs at least one input";
    return failure();
  }
  auto first = im.input(0);
  if (failed(first))
    return failure();
  Val acc = **first;
  for (size_t i = 1; i < im.node->inputs.size(); ++i) {
    auto next = im.input(i);
    if (failed(next))
      return failure();
    Val r = **next;
    Shape ls = acc.shape(), rs = r.shape();
    auto out = broadcastShapes(ls, rs);
    if (failed(out)) {
      im.err() << "operand shapes " << shapeStr(ls) << " and " << shapeStr(rs)
               << " do not broadcast";
      return failure();
    }
    if (acc.c && !acc.v && r.c && !r.v) {
      for (const Tensor *t : {acc.c.get(), r.c.get()})
        if (!t->decoded) {
          im.err() << "tensor '" << t->name << "' " << t->decodeError;
          return failure();
        }
      acc = Val{Value(), im.makeConst(*out,
                                      broadcastApply(*acc.c, *r.c, *out,
                                                     isMax ? opMax : opMin),
                                      acc.c->dataType)};
      continue;
    }
    // Let `r` be the constant side, if any.
    if (acc.c && !acc.v)
      std::swap(acc, r);
    auto x = im.materialize(acc);
    if (failed(x))
      return failure();
    if (r.c && !r.v && *out == acc.shape()) {
      if (failed(im.checkFloatData(*r.c)))
        return failure();
      const auto &v = r.c->values;
      if (!v.empty() && llvm::all_of(v, [&](double c) { return c == v[0]; })) {
        Value y = isMax ? im.clamp(*x, v[0], kLarge) : im.clamp(*x, -kLarge, v[0]);
        acc = Val{y, nullptr};
        continue;
      }
    }
    auto y = im.materialize(r);
    if (failed(y))
      return failure();
    auto d = im.binary(BinaryKind::sub, *y, *x);
    if (failed(d))
      return failure();
    Value c = isMax ? im.clamp(*d, 0.0, kLarge) : im.clamp(*d, -kLarge, 0.0);
    auto sum = im.binary(BinaryKind::add, *x, c);
    if (failed(sum))
      return failure();
    acc = Val{*sum, nullptr};
  }
  if (acc.c && !acc.v)
    return im.setConstOutput(0, acc.c);
  return im.setOutput(0, acc.v);
}

/// Pow with a constant integer exponent in [1, 4]: repeated products.
static LogicalResult convertPow(Importer &im) {
  auto x = im.runtimeInput(0);
  auto e = im.constFloatInput(1, "exponent");
  if (failed(x) || failed(e))
    return failure();
  const auto &v = (*e)->values;
  double p = v.empty() ? 0 : v[0];
  if (v.size() != 1 || p != std::floor(p) || p < 1 || p > 4) {
    im.err() << "only a constant scalar integer exponent in [1, 4] is "
                "supported (x*x for Pow(x, 2))";
    return failure();
  }
  Value y = *x;
  for (int k = 1; k < (int)p; ++k) {
    auto r = im.binary(BinaryKind::mul, y, *x);
    if (failed(r))
      return failure();
    y = *r;
  }
  return im.setOutput(0, y);
}

/// The constant contents of every input (Equal/Greater/Less/Where/Not are
/// supported on constant data only: the exporter's shape scaffolding).
static FailureOr<SmallVector<const Tensor *>> allConstInputs(Importer &im) {
  SmallVector<const Tensor *> ts;
  for (size_t i = 0; i < im.node->inputs.size(); ++i) {
    auto v = im.input(i);
    if (failed(v))
      return failure();
    if (!(*v)->c || (*v)->v) {
      im.err() << "'" << im.node->opType
               << "' on run-time data is not supported (lf has no boolean "
                  "tensors); only constant (shape) computations fold";
      return failure();
    }
    if (!(*v)->c->decoded) {
      im.err() << "tensor '" << (*v)->c->name << "' " << (*v)->c->decodeError;
      return failure();
    }
    ts.push_back((*v)->c.get());
  }
  return ts;
}

static double cmpEq(double a, double b) { return a == b; }
static double cmpGt(double a, double b) { return a > b; }
static double cmpLt(double a, double b) { return a < b; }

static ConvertFn compare(double (*fn)(double, double)) {
  return [fn](Importer &im) -> LogicalResult {
    auto ts = allConstInputs(im);
    if (failed(ts))
      return failure();
    if (ts->size() != 2) {
      im.err() << "expects 2 inputs";
      return failure();
    }
    auto out = broadcastShapes((*ts)[0]->dims, (*ts)[1]->dims);
    if (failed(out)) {
      im.err() << "operand shapes do not broadcast";
      return failure();
    }
    return im.setConstOutput(
        0, im.makeConst(*out, broadcastApply(*(*ts)[0], *(*ts)[1], *out, fn),
                        ox::DT_BOOL));
  };
}

/// Where(cond, x, y) on constant data.
static LogicalResult convertWhere(Importer &im) {
  auto ts = allConstInputs(im);
  if (failed(ts))
    return failure();
  if (ts->size() != 3) {
    im.err() << "expects 3 inputs";
    return failure();
  }
  const Tensor &c = *(*ts)[0], &x = *(*ts)[1], &y = *(*ts)[2];
  auto cx = broadcastShapes(c.dims, x.dims);
  auto out = succeeded(cx) ? broadcastShapes(*cx, y.dims) : cx;
  if (failed(out)) {
    im.err() << "operand shapes do not broadcast";
    return failure();
  }
  // cond ? x : y == x * cond + y * (1 - cond), exactly, for finite data.
  std::vector<double> r(product(*out));
  auto sc = broadcastStrides(c.dims, *out), sx = broadcastStrides(x.dims, *out),
       sy = broadcastStrides(y.dims, *out);
  SmallVector<int64_t> idx(out->size(), 0);
  for (size_t i = 0; i < r.size(); ++i) {
    int64_t ic = 0, ix = 0, iy = 0;
    for (size_t d = 0; d < out->size(); ++d) {
      ic += idx[d] * sc[d];
      ix += idx[d] * sx[d];
      iy += idx[d] * sy[d];
    }
    r[i] = c.values[ic] != 0 ? x.values[ix] : y.values[iy];
    for (int64_t d = (int64_t)out->size() - 1; d >= 0; --d) {
      if (++idx[d] < (*out)[d])
        break;
      idx[d] = 0;
    }
  }
  return im.setConstOutput(0, im.makeConst(*out, r, x.dataType));
}

void mlir::lf::importer::registerElementwiseConverters(ConverterTable &t) {
  t.add("Add", [](Importer &im) { return convertBinary(im, BinaryKind::add); });
  t.add("Sub", [](Importer &im) { return convertBinary(im, BinaryKind::sub); });
  t.add("Mul", [](Importer &im) { return convertBinary(im, BinaryKind::mul); });
  t.add("Div", [](Importer &im) { return convertBinary(im, BinaryKind::div); });
  t.add("Neg", convertNeg);
  t.add("Max", [](Importer &im) { return convertMaxMin(im, true); });
  t.add("Min", [](Importer &im) { return convertMaxMin(im, false); });
  t.add("Pow", convertPow);
  t.add("Equal", compare(cmpEq));
  t.add("Greater", compare(cmpGt));
  t.add("Less", compare(cmpLt));
  t.add("Where", convertWhere);
}
