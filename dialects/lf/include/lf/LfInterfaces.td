//===- LfInterfaces.td - Per-op semantics of the lf dialect -*- tablegen -*-===//
//
// What an op means, implemented once next to the op (LfOps.cpp): its range
// (interval analysis at the float level), its error bound (|fixed - float|
// at the fixed level) and its float evaluation (the reference interpreter).
// The analyses and the interpreter are drivers that walk a function and call
// these methods; an op that lacks an interface is reported by the driver.
//
//===----------------------------------------------------------------------===//

#ifndef LF_INTERFACES_TD
#define LF_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Lf_RangeOpInterface : OpInterface<"RangeOpInterface"> {
  let cppNamespace = "::mlir::lf";
  let description = [{
    Interval analysis of a float-level op with one tensor result: given the
    per-element intervals of its operands (row-major), the op computes a
    per-element interval of its result that contains every value the float
    computation can produce. The driver (RangeAnalysis, lfc/Ranges.h)
    rejects unbounded (non-finite) intervals.
  }];
  let methods = [
    InterfaceMethod<[{
        Fills `result` (one entry per result element, row-major) from the
        operands' intervals, which `operandRanges` returns for any operand.
        Fails with an error at the op when no finite bound exists (e.g. a
        division by an interval containing 0).
      }],
      "::llvm::LogicalResult", "inferResultRanges",
      (ins "::mlir::lf::RangeLookup":$operandRanges,
           "::llvm::MutableArrayRef<::mlir::lf::Interval>":$result)>
  ];
}

def Lf_ErrorBoundOpInterface : OpInterface<"ErrorBoundOpInterface"> {
  let cppNamespace = "::mlir::lf";
  let description = [{
    Forward error analysis of a fixed-level op with one result: a bound
    e >= |fixed - float| for every element of the result, assuming the
    inputs lie in the ranges the function was quantized for. It combines the
    operands' bounds and magnitudes (ErrorBoundState) with the roundings the
    op performs itself.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns the bound of the op's result, or fails with an error at the
        op when the op's attributes or operands admit no bound.
      }],
      "::mlir::FailureOr<double>", "inferErrorBound",
      (ins "const ::mlir::lf::ErrorBoundState &":$state)>
  ];
}

def Lf_FloatEvalOpInterface : OpInterface<"FloatEvalOpInterface"> {
  let cppNamespace = "::mlir::lf";
  let description = [{
    Evaluation of a float-level op in double precision: the reference
    semantics that `lfc run --float`, the accuracy tests and the runtime
    compare against.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends the op's result (row-major, every element) to the empty
        `result`, given the operands' values, which `operands` returns for
        any operand. Fails with an error at the op for what it cannot
        evaluate.
      }],
      "::llvm::LogicalResult", "evaluateFloat",
      (ins "::mlir::lf::FloatLookup":$operands,
           "std::vector<double> &":$result)>
  ];
}

#endif // LF_INTERFACES_TD
