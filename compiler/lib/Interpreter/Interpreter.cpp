//===- Interpreter.cpp - Float reference interpreter for lf ---------------===//
//
// The driver: each op computes its values through FloatEvalOpInterface
// (LfOps.cpp), in program order.
//
//===----------------------------------------------------------------------===//

#include "lfc/Interpreter.h"

#include "lf/LfDialect.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::lf;

static int64_t sumElements(TypeRange types) {
  int64_t n = 0;
  for (Type t : types)
    if (auto rt = dyn_cast<RankedTensorType>(t))
      n += rt.getNumElements();
  return n;
}

int64_t mlir::lf::getNumInputScalars(func::FuncOp f) {
  return sumElements(f.getArgumentTypes());
}
int64_t mlir::lf::getNumOutputScalars(func::FuncOp f) {
  return sumElements(f.getResultTypes());
}

FailureOr<std::vector<double>>
mlir::lf::evaluateFloat(func::FuncOp f, ArrayRef<double> inputs) {
  if (f.isExternal())
    return f.emitError("interpreter: function has no body");
  for (Type t :
       llvm::concat<const Type>(f.getArgumentTypes(), f.getResultTypes())) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape() || !rt.getElementType().isF32())
      return f.emitError("interpreter: arguments and results must be static "
                         "f32 tensors, got ")
             << t;
  }
  int64_t expected = getNumInputScalars(f);
  if (static_cast<int64_t>(inputs.size()) != expected)
    return f.emitError("interpreter: expected ")
           << expected << " input values, got " << inputs.size();
  if (!f.getBody().hasOneBlock())
    return f.emitError("interpreter: expected a single block");
  llvm::DenseMap<Value, std::vector<double>> env;
  size_t pos = 0;
  for (BlockArgument arg : f.getArguments()) {
    int64_t n = cast<RankedTensorType>(arg.getType()).getNumElements();
    env[arg] =
        std::vector<double>(inputs.begin() + pos, inputs.begin() + pos + n);
    pos += n;
  }
  auto operands = [&](Value v) -> ArrayRef<double> {
    return env.find(v)->second;
  };
  for (Operation &op : f.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<double> out;
      for (Value v : ret.getOperands()) {
        auto it = env.find(v);
        if (it == env.end())
          return ret.emitError("interpreter: result not computed");
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
      return out;
    }
    for (Value v : op.getOperands())
      if (!env.count(v))
        return op.emitError("interpreter: operand not computed");
    auto iface = dyn_cast<FloatEvalOpInterface>(op);
    if (!iface || op.getNumResults() != 1)
      return op.emitError("interpreter: unsupported op ") << op.getName();
    std::vector<double> result;
    if (failed(iface.evaluateFloat(operands, result)))
      return failure();
    assert(static_cast<int64_t>(result.size()) ==
               cast<RankedTensorType>(op.getResult(0).getType())
                   .getNumElements() &&
           "evaluateFloat gave a wrong number of values");
    env[op.getResult(0)] = std::move(result);
  }
  return f.emitError("interpreter: missing return");
}
