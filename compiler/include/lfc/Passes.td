//===- Passes.td - LiteFlow compiler passes ----------------*- tablegen -*-===//
#ifndef LFC_PASSES_TD
#define LFC_PASSES_TD

include "mlir/Pass/PassBase.td"

def LfDecompose : Pass<"lf-decompose", "func::FuncOp"> {
  let summary = "Rewrite float-level composite ops into lf primitives";
  let description = [{
    Rewrites `lf.softmax` into reduce max, sub, exp, reduce sum and div, the
    numerically stable form whose exp has a bounded domain (x - max <= 0),
    so that -lf-lower-activations can tabulate it, and `lf.conv1d` into an
    `lf.fc` whose weight is the convolution's Toeplitz matrix (between
    reshapes); a convolution whose matrix would exceed 2^24 entries is an
    error.
  }];
  let dependentDialects = ["lf::LfDialect"];
}

def LfQuantize : Pass<"lf-quantize", "func::FuncOp"> {
  let summary = "Choose fixed-point formats by interval analysis and quantize";
  let description = [{
    Propagates per-element intervals from the input ranges through the graph,
    picks for every tensor the fixed-point format with the most fractional
    bits that holds its interval, per output channel formats for fc weights,
    and rewrites the function to the fixed level: `lf.quantize` after each
    argument, `lf.dequantize` before each result. It proves that no 64-bit
    accumulator can overflow for inputs inside the ranges (or fails with an
    error naming the op). Activations keep `lf.activation` with fixed-point
    types and a `range` attribute for -lf-lower-activations.
  }];
  let options = [
    ListOption<"inputRanges", "input-range", "double",
               "lo,hi for every input feature (one pair for all, or one pair per feature)">,
    Option<"bits", "bits", "unsigned", "32", "storage width of values and weights: 32 or 16">,
    Option<"headroom", "headroom", "double", "1.0",
           "factor applied to every interval before choosing formats (>= 1)">,
    Option<"inputHeadroom", "input-headroom", "double", "1.0",
           "factor by which every input range is widened away from zero "
           "before the analysis (>= 1; see widenRange): inputs that drift "
           "that far still fit every format and the error bound holds">,
    ListOption<"resultFracs", "result-frac", "int",
               "fractional bits of each result, pinned (e.g. to the running "
               "snapshot's output formats so that new weights can be pushed "
               "without new code); an error if a result's range does not fit">,
    Option<"saturatePinned", "saturate-pinned", "bool", "false",
           "a pinned result whose range does not fit saturates (a warning) "
           "instead of failing">
  ];
  let dependentDialects = ["lf::LfDialect"];
}

def LfLowerActivations : Pass<"lf-lower-activations", "func::FuncOp"> {
  let summary = "Replace fixed-point activations by lookup tables";
  let description = [{
    Replaces every fixed-level `lf.activation` by an `lf.lut`: picks the
    table domain from the function's saturation and the input interval, the
    knot spacing (a power of two of the input format) and size so that the
    worst-case error, measured on the integer implementation over every
    input of the domain's grid, stays below `lut-error`; uses odd and
    complement symmetry (tanh, sigmoid) to halve tables, and edge slopes
    for the linear tails (softplus, elu, selu, leaky relu).
  }];
  let options = [
    Option<"lutError", "lut-error", "double", "1e-5",
           "worst-case absolute error allowed for each table">,
    Option<"maxEntries", "max-entries", "unsigned", "4096",
           "largest table allowed">
  ];
  let dependentDialects = ["lf::LfDialect"];
}

def LfErrorBounds : Pass<"lf-error-bounds", "func::FuncOp"> {
  let summary = "Bound the error of the fixed-point function against the float one";
  let description = [{
    Propagates worst-case bounds of |fixed - float| through a fixed-level
    function (after -lf-quantize and -lf-lower-activations), for inputs inside
    the ranges it was quantized for: rounding at every requantization,
    weight and bias quantization, table errors (measured) and their Lipschitz
    constants, accumulated input errors. Annotates every op with
    `lf.error_bound` and the function with `lf.result_error_bounds` (one per
    result), which lfc writes into the snapshot's metadata.
  }];
  let dependentDialects = ["lf::LfDialect"];
}

//===----------------------------------------------------------------------===//
// Test passes: they expose the op interfaces to lit (test/lit/Interfaces).
//===----------------------------------------------------------------------===//

def LfTestRanges : Pass<"lf-test-ranges", "func::FuncOp"> {
  let summary = "Test: remark the range of every op's result";
  let description = [{
    Runs the interval analysis (RangeOpInterface) from `input-range` and
    emits a remark `range [lo, hi]` (the hull over all elements) at every
    op, so that lit can check each op's range rule.
  }];
  let options = [
    ListOption<"inputRanges", "input-range", "double",
               "lo,hi for every input element (one pair for all, or one pair per element)">
  ];
  let dependentDialects = ["lf::LfDialect"];
}

def LfTestEvaluate : Pass<"lf-test-evaluate", "func::FuncOp"> {
  let summary = "Test: evaluate the function with the float interpreter";
  let description = [{
    Evaluates the float-level function (FloatEvalOpInterface) on `inputs`
    (all argument elements, row-major, concatenated) and emits a remark
    `results: v0, v1, ...` at the function.
  }];
  let options = [
    ListOption<"inputs", "inputs", "double", "every input element">
  ];
  let dependentDialects = ["lf::LfDialect"];
}

#endif // LFC_PASSES_TD
