//===- ImportShapeOps.cpp - shape and data-movement converters ------------- ===//
//
// Reshape-like ops (Flatten, Reshape, Squeeze, Unsqueeze), Concat, data
// movement (Transpose, Slice, Split, Gather, Expand: lf.gather with a
// constant index map) and the shape arithmetic the exporter emits (Shape,
// Cast, Constant), folded on constant data; Identity and Dropout are no-ops
// at inference.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

static LogicalResult convertFlatten(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  auto axisOr = im.intAttr("axis", 1);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  if (axis < -rank || axis > rank) {
    im.err() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  int64_t rows = product(ArrayRef<int64_t>(s).take_front(axis));
  int64_t cols = product(ArrayRef<int64_t>(s).drop_front(axis));
  return im.reshapeTo(**in, {rows, cols});
}

static LogicalResult convertReshape(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  auto target = im.constIntsInput(1, "shape");
  if (failed(target))
    return failure();
  auto allowZero = im.intAttr("allowzero", 0);
  if (failed(allowZero))
    return failure();
  Shape s = (*in)->shape();
  Shape out;
  int64_t inferAt = -1, known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !*allowZero) {
      if (i >= s.size()) {
        im.err() << "shape entry " << i << " is 0 but the input has rank "
              << s.size();
        return failure();
      }
      d = s[i];
    } else if (d == -1) {
      if (inferAt >= 0) {
        im.err() << "shape has more than one -1";
        return failure();
      }
      inferAt = i;
      out.push_back(1);
      continue;
    } else if (d <= 0) {
      im.err() << "shape entry " << d << " is not supported";
      return failure();
    }
    known *= d;
    out.push_back(d);
  }
  int64_t total = product(s);
  if (inferAt >= 0) {
    if (known == 0 || total % known) {
      im.err() << "cannot reshape " << shapeStr(s) << " to " << shapeStr(*target);
      return failure();
    }
    out[inferAt] = total / known;
  }
  if (product(out) != total) {
    im.err() << "cannot reshape " << shapeStr(s) << " to " << shapeStr(out);
    return failure();
  }
  return im.reshapeTo(**in, out);
}

/// Squeeze/Unsqueeze; the axes are an attribute before opset 13, then an
/// input.
static LogicalResult convertSqueeze(Importer &im, bool unsqueeze,
                                    bool axesAsInput) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  std::vector<int64_t> axes;
  bool hasAxes = false;
  if (axesAsInput) {
    if (im.hasInput(1)) {
      auto a = im.constIntsInput(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
      hasAxes = true;
    }
  } else if (im.node->attr("axes")) {
    auto a = im.intsAttr("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
    hasAxes = true;
  }
  Shape out;
  if (unsqueeze) {
    if (!hasAxes) {
      im.err() << "missing axes";
      return failure();
    }
    int64_t rank = s.size() + axes.size();
    SmallVector<bool> isNew(rank, false);
    for (int64_t a : axes) {
      auto n = im.normAxis(a, rank);
      if (failed(n))
        return failure();
      if (isNew[*n]) {
        im.err() << "axis " << a << " is repeated";
        return failure();
      }
      isNew[*n] = true;
    }
    size_t j = 0;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(isNew[i] ? 1 : s[j++]);
  } else {
    int64_t rank = s.size();
    SmallVector<bool> drop(rank, false);
    if (!hasAxes) {
      for (int64_t i = 0; i < rank; ++i)
        drop[i] = s[i] == 1;
    }
    for (int64_t a : axes) {
      auto n = im.normAxis(a, rank);
      if (failed(n))
        return failure();
      if (s[*n] != 1) {
        im.err() << "cannot squeeze axis " << a << " of size " << s[*n];
        return failure();
      }
      drop[*n] = true;
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        out.push_back(s[i]);
  }
  return im.reshapeTo(**in, out);
}

static LogicalResult convertConcat(Importer &im) {
  auto axisOr = im.intAttr("axis", 0);
  if (failed(axisOr))
    return failure();
  if (im.node->inputs.empty()) {
    im.err() << "needs at least one input";
    return failure();
  }
  SmallVector<Val *> ins;
  for (size_t i = 0; i < im.node->inputs.size(); ++i) {
    auto v = im.input(i);
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  Shape s0 = ins[0]->shape();
  int64_t rank = s0.size();
  auto axis = im.normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  Shape out = s0;
  out[*axis] = 0;
  bool allConst = true;
  for (Val *v : ins) {
    Shape s = v->shape();
    if ((int64_t)s.size() != rank) {
      im.err() << "inputs have different ranks";
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && s[d] != s0[d]) {
        im.err() << "input shapes " << shapeStr(s0) << " and " << shapeStr(s)
              << " differ outside axis " << *axis;
        return failure();
      }
    out[*axis] += s[*axis];
    allConst &= v->c && !v->v && v->c->decoded;
  }
  if (allConst) {
    // Fold (shape vectors built by Shape/Gather/Unsqueeze chains).
    int64_t outer = product(ArrayRef<int64_t>(s0).take_front(*axis));
    int64_t inner = product(ArrayRef<int64_t>(s0).drop_front(*axis + 1));
    std::vector<double> r;
    r.reserve(product(out));
    for (int64_t o = 0; o < outer; ++o)
      for (Val *v : ins) {
        int64_t chunk = v->c->dims[*axis] * inner;
        r.insert(r.end(), v->c->values.begin() + o * chunk,
                 v->c->values.begin() + (o + 1) * chunk);
      }
    return im.setConstOutput(0, im.makeConst(out, r, ins[0]->c->dataType));
  }
  SmallVector<Value> vs;
  for (Val *v : ins) {
    auto mv = im.materialize(*v);
    if (failed(mv))
      return failure();
    vs.push_back(*mv);
  }
  return im.setOutput(
      0, im.b.create<ConcatOp>(im.loc, im.ft(out), vs, im.b.getI64IntegerAttr(*axis)));
}

static LogicalResult convertShape(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  auto start = im.intAttr("start", 0), end = im.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIdx = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::min(std::max<int64_t>(i, 0), rank);
  };
  int64_t lo = clampIdx(*start), hi = clampIdx(*end);
  std::vector<double> v;
  for (int64_t i = lo; i < hi; ++i)
    v.push_back(s[i]);
  return im.setConstOutput(0, im.makeConst({(int64_t)v.size()}, v, ox::DT_INT64));
}

/// Row-major strides of `s`.
static Shape stridesOf(ArrayRef<int64_t> s) {
  Shape st(s.size(), 1);
  for (int64_t d = (int64_t)s.size() - 2; d >= 0; --d)
    st[d] = st[d + 1] * s[d + 1];
  return st;
}

/// Flat input indices of every element of an output of shape `out` whose
/// element at multi-index j reads input element sum_d j[d] * step[d] + base.
static std::vector<int64_t> affineIndices(ArrayRef<int64_t> out,
                                          ArrayRef<int64_t> step,
                                          int64_t base) {
  std::vector<int64_t> idx;
  int64_t n = product(out);
  idx.reserve(n);
  SmallVector<int64_t> j(out.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t at = base;
    for (size_t d = 0; d < out.size(); ++d)
      at += j[d] * step[d];
    idx.push_back(at);
    for (int64_t d = (int64_t)out.size() - 1; d >= 0; --d) {
      if (++j[d] < out[d])
        break;
      j[d] = 0;
    }
  }
  return idx;
}

/// Gather along an axis with constant indices, on constant or run-time data.
static LogicalResult convertGather(Importer &im) {
  auto data = im.input(0);
  auto idx = im.constIntsInput(1, "indices");
  auto idxT = im.constInput(1, "indices");
  if (failed(data) || failed(idx) || failed(idxT))
    return failure();
  Shape s = (*data)->shape();
  int64_t rank = s.size();
  auto axisOr = im.intAttr("axis", 0);
  if (failed(axisOr))
    return failure();
  auto axis = im.normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  int64_t outer = product(ArrayRef<int64_t>(s).take_front(*axis));
  int64_t inner = product(ArrayRef<int64_t>(s).drop_front(*axis + 1));
  int64_t n = s[*axis];
  std::vector<int64_t> flat;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : *idx) {
      if (i < -n || i >= n) {
        im.err() << "index " << i << " is out of range [" << -n << ", " << n
                 << ")";
        return failure();
      }
      if (i < 0)
        i += n;
      for (int64_t k = 0; k < inner; ++k)
        flat.push_back((o * n + i) * inner + k);
    }
  Shape out(s.begin(), s.begin() + *axis);
  out.append((*idxT)->dims.begin(), (*idxT)->dims.end());
  out.append(s.begin() + *axis + 1, s.end());
  return im.setGathered(0, **data, out, flat);
}

static LogicalResult convertTranspose(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  std::vector<int64_t> rev;
  for (int64_t d = rank - 1; d >= 0; --d)
    rev.push_back(d);
  auto perm = im.intsAttr("perm", rev);
  if (failed(perm))
    return failure();
  SmallVector<bool> seen(rank, false);
  bool ok = (int64_t)perm->size() == rank;
  for (int64_t p : *perm) {
    ok &= p >= 0 && p < rank && !seen[p];
    if (ok)
      seen[p] = true;
  }
  if (!ok) {
    im.err() << "attribute 'perm' is not a permutation of the " << rank
             << " axes";
    return failure();
  }
  Shape st = stridesOf(s), out, step;
  for (int64_t p : *perm) {
    out.push_back(s[p]);
    step.push_back(st[p]);
  }
  return im.setGathered(0, **in, out, affineIndices(out, step, 0));
}

/// Slice: starts/ends/axes/steps as inputs (opset >= 10) or attributes.
static LogicalResult convertSlice(Importer &im, bool boundsAsInputs) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (boundsAsInputs) {
    auto st = im.constIntsInput(1, "starts"), en = im.constIntsInput(2, "ends");
    if (failed(st) || failed(en))
      return failure();
    starts = *st;
    ends = *en;
    if (im.hasInput(3)) {
      auto a = im.constIntsInput(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (im.hasInput(4)) {
      auto p = im.constIntsInput(4, "steps");
      if (failed(p))
        return failure();
      steps = *p;
    }
  } else {
    auto st = im.intsAttr("starts", {}), en = im.intsAttr("ends", {}),
         a = im.intsAttr("axes", {});
    if (failed(st) || failed(en) || failed(a))
      return failure();
    starts = *st;
    ends = *en;
    axes = *a;
  }
  if (axes.empty())
    for (size_t d = 0; d < starts.size(); ++d)
      axes.push_back(d);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    im.err() << "starts, ends, axes and steps must have the same length";
    return failure();
  }
  Shape first(rank, 0), step(rank, 1), out(s);
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    auto ax = im.normAxis(axes[k], rank);
    if (failed(ax))
      return failure();
    if (seen[*ax]) {
      im.err() << "axis " << axes[k] << " is repeated";
      return failure();
    }
    seen[*ax] = true;
    int64_t dim = s[*ax], st = steps[k];
    if (st == 0) {
      im.err() << "steps must not be 0";
      return failure();
    }
    // ONNX clamps starts to [0, dim] ([0, dim-1] stepping back) and ends
    // to [-1, dim].
    auto norm = [&](int64_t v, bool isEnd) {
      if (v < 0)
        v += dim;
      int64_t lo = st > 0 ? 0 : (isEnd ? -1 : 0);
      int64_t hi = st > 0 ? dim : (isEnd ? dim - 1 : dim - 1);
      return std::min(std::max(v, lo), hi);
    };
    int64_t b0 = norm(starts[k], false), e0 = norm(ends[k], true);
    int64_t len = st > 0 ? std::max<int64_t>(0, (e0 - b0 + st - 1) / st)
                         : std::max<int64_t>(0, (b0 - e0 - st - 1) / -st);
    first[*ax] = b0;
    step[*ax] = st;
    out[*ax] = len;
  }
  if (product(out) == 0) {
    im.err() << "the slice is empty (shape " << shapeStr(out)
             << "); lfc needs non-empty tensors";
    return failure();
  }
  Shape strides = stridesOf(s), elemStep(rank);
  int64_t base = 0;
  for (int64_t d = 0; d < rank; ++d) {
    base += first[d] * strides[d];
    elemStep[d] = step[d] * strides[d];
  }
  return im.setGathered(0, **in, out, affineIndices(out, elemStep, base));
}

/// Split into parts along an axis (sizes from the attribute (< 13), the
/// input (>= 13), num_outputs (>= 18) or equal parts).
static LogicalResult convertSplit(Importer &im, bool sizesAsInput) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  auto axisOr = im.intAttr("axis", 0);
  if (failed(axisOr))
    return failure();
  auto axis = im.normAxis(*axisOr, s.size());
  if (failed(axis))
    return failure();
  int64_t parts = im.node->outputs.size(), dim = s[*axis];
  std::vector<int64_t> sizes;
  if (sizesAsInput) {
    if (im.hasInput(1)) {
      auto sp = im.constIntsInput(1, "split");
      if (failed(sp))
        return failure();
      sizes = *sp;
    }
  } else {
    auto sp = im.intsAttr("split", {});
    if (failed(sp))
      return failure();
    sizes = *sp;
  }
  if (sizes.empty()) {
    // Equal parts; with num_outputs (18) the last one may be smaller.
    int64_t each = (dim + parts - 1) / parts;
    for (int64_t p = 0; p < parts; ++p)
      sizes.push_back(std::min(each, dim - p * each));
  }
  int64_t total = 0;
  for (int64_t z : sizes) {
    if (z <= 0) {
      im.err() << "split sizes must be positive, got " << z;
      return failure();
    }
    total += z;
  }
  if ((int64_t)sizes.size() != parts || total != dim) {
    im.err() << "split sizes do not divide axis " << *axis << " of size "
             << dim << " into " << parts << " outputs";
    return failure();
  }
  Shape strides = stridesOf(s);
  int64_t off = 0;
  for (int64_t p = 0; p < parts; ++p) {
    Shape out(s);
    out[*axis] = sizes[p];
    if (failed(im.setGathered(p, **in, out,
                              affineIndices(out, strides,
                                            off * strides[*axis]))))
      return failure();
    off += sizes[p];
  }
  return success();
}

/// Expand: numpy broadcasting to a constant shape.
static LogicalResult convertExpand(Importer &im) {
  auto in = im.input(0);
  auto shapeIn = im.constIntsInput(1, "shape");
  if (failed(in) || failed(shapeIn))
    return failure();
  Shape s = (*in)->shape();
  Shape target(shapeIn->begin(), shapeIn->end());
  auto out = broadcastShapes(s, target);
  if (failed(out)) {
    im.err() << "shape " << shapeStr(s) << " does not broadcast to "
             << shapeStr(target);
    return failure();
  }
  if (product(*out) == 0) {
    im.err() << "the result is empty (shape " << shapeStr(*out) << ")";
    return failure();
  }
  auto st = broadcastStrides(s, *out);
  return im.setGathered(0, **in, *out, affineIndices(*out, st, 0));
}

static LogicalResult convertCast(Importer &im) {
  auto in = im.input(0);
  auto to = im.intAttr("to", 0);
  if (failed(in) || failed(to))
    return failure();
  Val &v = **in;
  if (v.c && !v.v) {
    if (!v.c->decoded) {
      im.err() << "tensor '" << v.c->name << "' " << v.c->decodeError;
      return failure();
    }
    auto t = std::make_shared<Tensor>(*v.c);
    t->dataType = *to;
    for (double &x : t->values) {
      if (*to == ox::DT_FLOAT)
        x = static_cast<float>(x);
      else if (!isFloatType(*to))
        x = std::trunc(x);
    }
    return im.setConstOutput(0, t);
  }
  if (*to != ox::DT_FLOAT) {
    im.err() << "cast to " << ox::dataTypeName(*to)
          << " is not supported; lfc supports float32 tensors only";
    return failure();
  }
  im.vals[im.node->outputs[0]] = v;
  return success();
}

static LogicalResult convertConstant(Importer &im) {
  if (im.node->attrs.size() != 1) {
    im.err() << "expects exactly one attribute";
    return failure();
  }
  const OnnxAttr &a = im.node->attrs[0];
  std::shared_ptr<Tensor> t;
  if (a.name == "value" && a.type == ox::AT_TENSOR && a.t) {
    t = std::make_shared<Tensor>(*a.t);
    if (t->name.empty())
      t->name = im.node->outputs.empty() ? im.nodeLabel : im.node->outputs[0];
    if (t->external) {
      im.err() << "tensor '" << t->name << "' " << t->decodeError;
      return failure();
    }
    if (t->decoded && isFloatType(t->dataType))
      for (double v : t->values)
        if (!std::isfinite(v)) {
          im.err() << "tensor '" << t->name << "' contains "
                << (std::isnan(v) ? "NaN" : "Inf")
                << "; lfc needs finite weights";
          return failure();
        }
  } else if (a.name == "value_float" && a.type == ox::AT_FLOAT) {
    t = im.makeConst(ArrayRef<int64_t>(), std::vector<double>{a.f});
  } else if (a.name == "value_floats" && a.type == ox::AT_FLOATS) {
    t = im.makeConst({(int64_t)a.floats.size()}, a.floats);
  } else if (a.name == "value_int" && a.type == ox::AT_INT) {
    t = im.makeConst(ArrayRef<int64_t>(), std::vector<double>{double(a.i)},
                  ox::DT_INT64);
  } else if (a.name == "value_ints" && a.type == ox::AT_INTS) {
    t = im.makeConst({(int64_t)a.ints.size()},
                  std::vector<double>(a.ints.begin(), a.ints.end()),
                  ox::DT_INT64);
  } else {
    im.err() << "attribute '" << a.name << "' is not supported";
    return failure();
  }
  return im.setConstOutput(0, t);
}

static LogicalResult convertDropout(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  if (failed(im.requireUnused(1, "the dropout mask")))
    return failure();
  if (im.m.opset >= 12 && im.hasInput(2)) {
    auto mode = im.constInput(2, "training_mode");
    if (failed(mode))
      return failure();
    if (!(*mode)->values.empty() && (*mode)->values[0] != 0) {
      im.err() << "training mode is not supported (inference only)";
      return failure();
    }
  }
  if (im.m.opset < 7) {
    auto isTest = im.intAttr("is_test", 0);
    if (failed(isTest))
      return failure();
  }
  im.vals[im.node->outputs[0]] = **in;
  return success();
}

/// ConstantOfShape: a constant-filled tensor of a constant shape.
static LogicalResult convertConstantOfShape(Importer &im) {
  auto shape = im.constIntsInput(0, "shape");
  if (failed(shape))
    return failure();
  double fill = 0;
  int32_t dt = ox::DT_FLOAT;
  if (const OnnxAttr *a = im.node->attr("value")) {
    if (a->type != ox::AT_TENSOR || !a->t || !a->t->decoded ||
        a->t->values.size() != 1) {
      im.err() << "attribute 'value' must be a one-element tensor";
      return failure();
    }
    fill = a->t->values[0];
    dt = a->t->dataType;
  }
  for (int64_t d : *shape)
    if (d < 0) {
      im.err() << "shape entry " << d << " is negative";
      return failure();
    }
  Shape dims(shape->begin(), shape->end());
  return im.setConstOutput(
      0, im.makeConst(dims, std::vector<double>(product(dims), fill), dt));
}

static LogicalResult convertIdentity(Importer &im) {
  auto in = im.input(0);
  if (failed(in))
    return failure();
  if (im.node->outputs.size() == 1 && !im.node->outputs[0].empty())
    im.vals[im.node->outputs[0]] = **in;
  return success();
}

void mlir::lf::importer::registerShapeConverters(ConverterTable &t) {
  t.add("Identity", convertIdentity);
  t.add("Dropout", convertDropout);
  t.add("Flatten", convertFlatten);
  t.add("Reshape", convertReshape);
  t.add("Concat", convertConcat);
  t.add("Constant", convertConstant);
  for (bool unsq : {false, true}) {
    StringRef name = unsq ? "Unsqueeze" : "Squeeze";
    t.add(name, ox::kMinOpset, 12,
          [unsq](Importer &im) { return convertSqueeze(im, unsq, false); });
    t.add(name, 13, ox::kMaxOpset,
          [unsq](Importer &im) { return convertSqueeze(im, unsq, true); });
  }
  t.add("Shape", convertShape);
  t.add("Gather", convertGather);
  t.add("Transpose", convertTranspose);
  t.add("Slice", ox::kMinOpset, 9,
        [](Importer &im) { return convertSlice(im, false); });
  t.add("Slice", 10, ox::kMaxOpset,
        [](Importer &im) { return convertSlice(im, true); });
  t.add("Split", ox::kMinOpset, 12,
        [](Importer &im) { return convertSplit(im, false); });
  t.add("Split", 13, ox::kMaxOpset,
        [](Importer &im) { return convertSplit(im, true); });
  t.add("Expand", convertExpand);
  t.add("ConstantOfShape", convertConstantOfShape);
  t.add("Cast", convertCast);
}
