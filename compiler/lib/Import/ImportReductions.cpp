//===- ImportReductions.cpp - reduction converters --------------------------- ===//
//
// ReduceSum, ReduceMax, ReduceMean and ReduceMin over any set of axes (one
// lf.reduce per axis).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

namespace {
enum class Reduction { Sum, Max, Mean, Min };
} // namespace

/// ReduceSum/Max directly; ReduceMean as a sum times 1/n; ReduceMin as
/// -max(-x).
static LogicalResult convertReduce(Importer &im, Reduction which,
                                   bool axesFromInput) {
  auto x = im.runtimeInput(0);
  if (failed(x))
    return failure();
  ReduceKind kind = which == Reduction::Sum || which == Reduction::Mean
                        ? ReduceKind::sum
                        : ReduceKind::max;
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  int64_t rank = s.size();
  auto keep = im.intAttr("keepdims", 1);
  if (failed(keep))
    return failure();
  std::vector<int64_t> axes;
  if (axesFromInput) {
    if (im.hasInput(1)) {
      auto a = im.constIntsInput(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    auto noop = im.intAttr("noop_with_empty_axes", 0);
    if (failed(noop))
      return failure();
    if (axes.empty() && *noop) {
      (void)im.setOutput(0, *x);
      return success();
    }
  } else {
    auto a = im.intsAttr("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    auto n = im.normAxis(a, rank);
    if (failed(n))
      return failure();
    reduced[*n] = true;
  }
  Value v = *x;
  if (which == Reduction::Min)
    v = *im.binary(BinaryKind::mul, v, im.scalarConst(-1.0, rank));
  Shape cur = s;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      continue;
    cur[i] = 1;
    count *= s[i];
    v = im.b.create<ReduceOp>(im.loc, im.ft(cur),
                              ReduceKindAttr::get(&im.ctx, kind), v,
                              im.b.getI64IntegerAttr(i));
  }
  if (which == Reduction::Min)
    v = *im.binary(BinaryKind::mul, v, im.scalarConst(-1.0, rank));
  if (which == Reduction::Mean)
    v = *im.binary(BinaryKind::mul, v, im.scalarConst(1.0 / count, rank));
  if (!*keep) {
    Shape out;
    for (int64_t i = 0; i < rank; ++i)
      if (!reduced[i])
        out.push_back(s[i]);
    v = im.reshape(v, out);
  }
  return im.setOutput(0, v);
}

void mlir::lf::importer::registerReductionConverters(ConverterTable &t) {
  // The axes move from an attribute to an input at opset 13 (ReduceSum) or
  // 18 (the others).
  struct {
    const char *name;
    Reduction which;
    int64_t axesInput;
  } ops[] = {{"ReduceSum", Reduction::Sum, 13},
             {"ReduceMax", Reduction::Max, 18},
             {"ReduceMean", Reduction::Mean, 18},
             {"ReduceMin", Reduction::Min, 18}};
  for (auto op : ops) {
    Reduction w = op.which;
    t.add(op.name, ox::kMinOpset, op.axesInput - 1,
          [w](Importer &im) { return convertReduce(im, w, false); });
    t.add(op.name, op.axesInput, ox::kMaxOpset,
          [w](Importer &im) { return convertReduce(im, w, true); });
  }
}
