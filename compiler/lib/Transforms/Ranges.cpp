//===- Ranges.cpp - interval analysis of float-level lf functions ---------===//
//
// The driver: each op computes its result's intervals through
// RangeOpInterface (LfOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "lfc/Ranges.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

int64_t mlir::lf::countInputElements(func::FuncOp f) {
  int64_t n = 0;
  for (Type t : f.getArgumentTypes())
    n += cast<RankedTensorType>(t).getNumElements();
  return n;
}

LogicalResult RangeAnalysis::run(func::FuncOp f,
                                 ArrayRef<Interval> inputRanges) {
  int64_t total = countInputElements(f);
  if (inputRanges.size() != 1 &&
      static_cast<int64_t>(inputRanges.size()) != total)
    return f.emitError() << "expected 1 or " << total << " input ranges, got "
                         << inputRanges.size();
  int64_t pos = 0;
  for (BlockArgument arg : f.getArguments()) {
    int64_t n = cast<RankedTensorType>(arg.getType()).getNumElements();
    std::vector<Interval> r(n);
    for (int64_t i = 0; i < n; ++i)
      r[i] = inputRanges.size() == 1 ? inputRanges[0] : inputRanges[pos + i];
    pos += n;
    ranges[arg] = std::move(r);
  }

  auto operandRanges = [&](Value v) -> ArrayRef<Interval> { return get(v); };
  WalkResult result = f.walk([&](Operation *op) -> WalkResult {
    if (isa<func::ReturnOp, func::FuncOp>(op))
      return WalkResult::advance();
    if (op->getNumResults() != 1)
      return op->emitOpError() << "is not supported by range analysis";
    Value res = op->getResult(0);
    auto resType = dyn_cast<RankedTensorType>(res.getType());
    if (!resType || !isFloatLevel(resType))
      return op->emitOpError() << "range analysis needs the float level";
    auto iface = dyn_cast<RangeOpInterface>(op);
    if (!iface)
      return op->emitOpError()
             << "is not supported by range analysis (run -lf-decompose "
                "first?)";
    std::vector<Interval> out(resType.getNumElements());
    if (failed(iface.inferResultRanges(operandRanges, out)))
      return WalkResult::interrupt();
    for (Interval &i : out)
      if (!std::isfinite(i.lo) || !std::isfinite(i.hi))
        return op->emitOpError() << "has an unbounded range; give tighter "
                                    "input ranges";
    ranges[res] = std::move(out);
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

ArrayRef<Interval> RangeAnalysis::get(Value v) const {
  auto it = ranges.find(v);
  assert(it != ranges.end() && "value without a range");
  return it->second;
}

double RangeAnalysis::maxAbs(Value v) const {
  double m = 0;
  for (const Interval &i : get(v))
    m = std::max(m, i.maxAbs());
  return m;
}

Interval RangeAnalysis::hull(Value v) const {
  ArrayRef<Interval> r = get(v);
  Interval h = r.front();
  for (const Interval &i : r) {
    h.lo = std::min(h.lo, i.lo);
    h.hi = std::max(h.hi, i.hi);
  }
  return h;
}
