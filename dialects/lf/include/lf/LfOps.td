//===- LfOps.td - LiteFlow fixed-point dialect -------------*- tablegen -*-===//
//
// The `lf` dialect describes small neural networks at two levels:
//  * the float level, produced by the ONNX importer: tensors of f32;
//  * the fixed-point level, produced by -lf-quantize: tensors of !lf.fixed<W,F>.
// Most ops exist at both levels; their verifiers check that a level is used
// consistently. Activations are `lf.activation` at the float level and become
// `lf.lut` (or `lf.clamp`) at the fixed level.
//
//===----------------------------------------------------------------------===//

#ifndef LF_OPS_TD
#define LF_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "LfInterfaces.td"

def Lf_Dialect : Dialect {
  let name = "lf";
  let cppNamespace = "::mlir::lf";
  let summary = "LiteFlow fixed-point neural-network dialect";
  let description = [{
    Ops for quantized MLPs and small 1-D conv nets that run in the Linux
    kernel with integer arithmetic only.
  }];
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 0;

  // Attributes the passes and the importer attach to ops and functions.
  // LfDialect::verifyOperationAttribute checks each (and refuses any other
  // `lf.` attribute).
  let discardableAttrs = (ins
    // On an lf op (-lf-quantize, kept by -lf-lower-activations): the
    // float-level [lo, hi] of its result, lo <= hi.
    "::mlir::DenseF64ArrayAttr":$result_range,
    // On a fixed-level lf.activation (-lf-quantize): the float-level [lo, hi]
    // of its input, lo <= hi; -lf-lower-activations sizes the table by it.
    "::mlir::DenseF64ArrayAttr":$range,
    // On an lf.lut (-lf-lower-activations): the activation it tabulates.
    "::mlir::StringAttr":$function,
    // On an lf.lut (-lf-lower-activations): an upper bound >= 0 of |f'|.
    "::mlir::FloatAttr":$lipschitz,
    // On an lf op (-lf-error-bounds): bound >= 0 on |fixed - float|.
    "::mlir::FloatAttr":$error_bound,
    // On a function (-lf-error-bounds): one bound >= 0 per result.
    "::mlir::DenseF64ArrayAttr":$result_error_bounds,
    // On a function (the importer): the ONNX names of its arguments and
    // results, one string each.
    "::mlir::ArrayAttr":$input_names,
    "::mlir::ArrayAttr":$output_names,
    // On a function (the importer): the model's ONNX opset (>= 1).
    "::mlir::IntegerAttr":$opset
  );
  let hasOperationAttrVerify = 1;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def Lf_FixedType : TypeDef<Lf_Dialect, "Fixed"> {
  let mnemonic = "fixed";
  let summary = "signed two's-complement fixed-point number";
  let description = [{
    `!lf.fixed<W, F>` stores a real value x as the W-bit signed integer
    round(x * 2^F). W is 8, 16, 32 or 64; F (the fractional bits) may be
    negative (coarser than 1) and at most 2*W.
  }];
  let parameters = (ins "unsigned":$width, "int":$frac);
  let assemblyFormat = "`<` $width `,` $frac `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Smallest and largest storable integers.
    int64_t getMinInt() const;
    int64_t getMaxInt() const;
    /// Real value of one unit in the last place: 2^-frac.
    double getResolution() const;
    /// Smallest and largest representable real values.
    double getMinValue() const;
    double getMaxValue() const;
  }];
}

def Lf_FixedOrF32 : AnyTypeOf<[F32, Lf_FixedType]>;
def Lf_Tensor : RankedTensorOf<[F32, Lf_FixedType]>;
def Lf_FloatTensor : RankedTensorOf<[F32]>;
def Lf_FixedTensor : RankedTensorOf<[Lf_FixedType]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Lf_ActKind : I32EnumAttr<"ActivationKind", "non-linear activation", [
    I32EnumAttrCase<"tanh", 0>, I32EnumAttrCase<"sigmoid", 1>,
    I32EnumAttrCase<"exp", 2>, I32EnumAttrCase<"softplus", 3>,
    I32EnumAttrCase<"elu", 4>, I32EnumAttrCase<"selu", 5>,
    I32EnumAttrCase<"hard_sigmoid", 6>, I32EnumAttrCase<"leaky_relu", 7>,
    I32EnumAttrCase<"softsign", 8>, I32EnumAttrCase<"erf", 9>,
    I32EnumAttrCase<"abs", 10>, I32EnumAttrCase<"hard_swish", 11>,
    I32EnumAttrCase<"log", 12>
  ]> {
  let cppNamespace = "::mlir::lf";
}

def Lf_Symmetry : I32EnumAttr<"Symmetry", "symmetry of a tabulated function", [
    I32EnumAttrCase<"none", 0>,
    // f(-x) = -f(x): the table covers x >= 0 only.
    I32EnumAttrCase<"odd", 1>,
    // f(-x) = c - f(x) (sigmoid: c = 1): the table covers x >= 0 only.
    I32EnumAttrCase<"complement", 2>
  ]> {
  let cppNamespace = "::mlir::lf";
}

def Lf_Interp : I32EnumAttr<"Interpolation", "table interpolation", [
    I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>
  ]> {
  let cppNamespace = "::mlir::lf";
}

def Lf_BinKind : I32EnumAttr<"BinaryKind", "elementwise binary operation", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>,
    I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"div", 3>
  ]> {
  let cppNamespace = "::mlir::lf";
}

def Lf_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>
  ]> {
  let cppNamespace = "::mlir::lf";
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

// Every ranked tensor operand and result has a static shape with at least one
// element (OpTrait::lf::StaticNonEmptyShapes, LfTraits.h).
def Lf_StaticShapes : NativeOpTrait<"StaticNonEmptyShapes"> {
  let cppNamespace = "::mlir::OpTrait::lf";
}
// Operands and results are all f32 or all !lf.fixed (OpTrait::lf::SameLevel).
def Lf_SameLevel : NativeOpTrait<"SameLevel"> {
  let cppNamespace = "::mlir::OpTrait::lf";
}

// The op interfaces (LfInterfaces.td), implemented in LfOps.cpp.
defvar Lf_Ranges = DeclareOpInterfaceMethods<Lf_RangeOpInterface>;
defvar Lf_ErrorBound = DeclareOpInterfaceMethods<Lf_ErrorBoundOpInterface>;
defvar Lf_FloatEval = DeclareOpInterfaceMethods<Lf_FloatEvalOpInterface>;

class Lf_Op<string mnemonic, list<Trait> traits = []>
    : Op<Lf_Dialect, mnemonic, !listconcat(traits, [Pure, Lf_StaticShapes])>;

def Lf_ConstantOp : Lf_Op<"constant", [ConstantLike, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "a constant tensor";
  let description = [{
    At the float level `value` holds f32 elements of the result's shape. At
    the fixed level it holds the stored integers (i8/i16/i32/i64 matching the
    result's width), e.g.
    `%c = lf.constant dense<[256, -128]> : tensor<2xi32> -> tensor<2x!lf.fixed<32, 8>>`.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = "$value attr-dict `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Lf_QuantizeOp : Lf_Op<"quantize", [SameOperandsAndResultShape,
    Lf_ErrorBound]> {
  let summary = "float to fixed point at the snapshot's input boundary";
  let description = [{
    Rounds to nearest (ties away from zero) and saturates. Its result format
    is the format the snapshot's integer inputs use.
  }];
  let arguments = (ins Lf_FloatTensor:$input);
  let results = (outs Lf_FixedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
}

def Lf_DequantizeOp : Lf_Op<"dequantize", [SameOperandsAndResultShape,
    Lf_ErrorBound]> {
  let summary = "fixed point to float at the snapshot's output boundary";
  let arguments = (ins Lf_FixedTensor:$input);
  let results = (outs Lf_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasFolder = 1;
}

def Lf_FullyConnectedOp : Lf_Op<"fc", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "fully connected layer: y = x W^T + b with constant weights";
  let description = [{
    `input` is MxK, `weight` is NxK, `bias` N, the result MxN.

    Float level: weight and bias are f32 dense attributes.

    Fixed level: weight holds integers of `weight_bits` bits with per output
    channel fractional bits `weight_frac` (N entries); bias holds i64 values
    in the accumulator format of each channel (input frac + weight_frac[n]).
    Products are summed in an `acc_bits`-bit accumulator, then rounded
    (to nearest) and saturated into the result format. `acc_bits` 64 is the
    high-precision default. `acc_bits` 32 (16-bit input and weights): inputs
    are saturated to 16 bits, each pair of products x[2i] w[2i] +
    x[2i+1] w[2i+1] is shifted right (floor) by r = ceil(log2(ceil(K/2))) + 1
    bits and the pair terms are summed in 32 bits; the bias and the
    accumulator format are then input frac + weight_frac[n] - r.
  }];
  let arguments = (ins Lf_Tensor:$input, ElementsAttr:$weight,
      ElementsAttr:$bias, OptionalAttr<DenseI32ArrayAttr>:$weight_frac,
      DefaultValuedAttr<I32Attr, "64">:$acc_bits);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $input `,` `weight` `=` $weight `,` `bias` `=` $bias attr-dict `:`
    qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    int64_t getInFeatures();
    int64_t getOutFeatures();
    /// acc_bits = 32 (16-bit values and weights; lf_fc_q16() in the C):
    /// each pair of products x[2i] w[2i] + x[2i+1] w[2i+1] (exact, |.| <
    /// 2^31 for weights above -2^15) is shifted right (floor) by this many
    /// bits before the 32-bit sum, so that the ceil(k / 2) pair terms stay
    /// within 2^30 for ANY input and weights: the accumulator (input frac +
    /// weight frac - that shift) cannot overflow with a bias below 2^30,
    /// and the weights keep all their 16 bits.
    static int getAcc32PairShift(int64_t k);
  }];
}

def Lf_MatMulOp : Lf_Op<"matmul", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "matrix product of two run-time tensors";
  let description = [{
    `lhs` is ...xMxK, `rhs` ...xKxN (equal leading dimensions), the result
    ...xMxN. At the fixed level the product is accumulated in 64 bits at
    lhs frac + rhs frac, then rounded and saturated into the result format.
  }];
  let arguments = (ins Lf_Tensor:$lhs, Lf_Tensor:$rhs);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs))
    `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_BinaryOp : Lf_Op<"binary", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "elementwise add/sub/mul/div with numpy broadcasting and rescaling";
  let description = [{
    At the fixed level both operands are brought to a common 64-bit format,
    combined, then rounded and saturated into the result's format. `div`
    divides by a run-time value with a kernel-safe 64-bit helper and
    saturates on division by zero. At the float level, a division by a
    constant without zeros canonicalizes to a multiplication by its
    reciprocal.
  }];
  let arguments = (ins Lf_BinKind:$kind, Lf_Tensor:$lhs, Lf_Tensor:$rhs);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs))
    `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Lf_ClampOp : Lf_Op<"clamp", [Lf_SameLevel, SameOperandsAndResultShape,
    Lf_Ranges, Lf_ErrorBound, Lf_FloatEval]> {
  let summary = "clamp to [min, max] (relu, relu6, clip)";
  let description = [{
    Bounds are real values; at the fixed level they are rounded into the
    input's format. The result may use a different format (requantization).
  }];
  let arguments = (ins Lf_Tensor:$input, F64Attr:$min, F64Attr:$max);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $min `,` $max attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Lf_ActivationOp : Lf_Op<"activation", [Lf_SameLevel,
    SameOperandsAndResultShape, Lf_Ranges, Lf_FloatEval]> {
  let summary = "non-linear elementwise activation (float level)";
  let description = [{
    `alpha`, `beta` and `gamma` carry the ONNX attributes of the activation
    (LeakyRelu/Elu alpha, Selu alpha and gamma, HardSigmoid alpha and beta).
    -lf-lower-activations replaces it by `lf.lut` at the fixed level.
  }];
  let arguments = (ins Lf_ActKind:$kind, Lf_Tensor:$input,
      DefaultValuedAttr<F64Attr, "0.0">:$alpha,
      DefaultValuedAttr<F64Attr, "0.0">:$beta,
      DefaultValuedAttr<F64Attr, "0.0">:$gamma);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Evaluates the activation in double precision.
    double evaluate(double x);
  }];
}

def Lf_LutOp : Lf_Op<"lut", [SameOperandsAndResultShape, Lf_ErrorBound]> {
  let summary = "table lookup with interpolation (fixed level)";
  let description = [{
    Knot k is at input integer `start + k * 2^shift` (input format), with
    stored value `table[k]` (result format). Between knots the value is
    interpolated (`linear`) or taken from the nearest knot. Below the first
    knot the result is table[0] + slope_below * (x - x0), above the last
    table[N-1] + slope_above * (x - xN); slopes are Q`slope_frac` integers
    in result-units per input-unit (0 saturates). With `odd` or `complement`
    symmetry the table covers x >= 0 only (start must be 0) and f(-x) is
    -f(x) or `sym_const` - f(x).
  }];
  let arguments = (ins Lf_FixedTensor:$input, DenseI64ArrayAttr:$table,
      I64Attr:$start, I32Attr:$shift, Lf_Interp:$interp,
      Lf_Symmetry:$symmetry, DefaultValuedAttr<I64Attr, "0">:$sym_const,
      DefaultValuedAttr<I64Attr, "0">:$slope_below,
      DefaultValuedAttr<I64Attr, "0">:$slope_above,
      DefaultValuedAttr<I32Attr, "24">:$slope_frac,
      OptionalAttr<F64Attr>:$max_error);
  let results = (outs Lf_FixedTensor:$result);
  let assemblyFormat = [{
    $interp $symmetry $input attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_ReduceOp : Lf_Op<"reduce", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "sum or max along one axis, keeping it with size 1";
  let arguments = (ins Lf_ReduceKind:$kind, Lf_Tensor:$input, I64Attr:$axis);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $kind $input `,` `axis` `=` $axis attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_ConcatOp : Lf_Op<"concat", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "concatenation along an axis (with requantization)";
  let arguments = (ins Variadic<Lf_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` qualified(type($inputs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_ReshapeOp : Lf_Op<"reshape", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "reshape (row-major; no data movement)";
  let arguments = (ins Lf_Tensor:$input);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Lf_SoftmaxOp : Lf_Op<"softmax", [Lf_FloatEval]> {
  let summary = "softmax along an axis (float level)";
  let description = [{
    -lf-decompose rewrites it into reduce max, sub, exp, reduce sum and div,
    whose exp becomes a table at the fixed level.
  }];
  let arguments = (ins Lf_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Lf_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` `axis` `=` $axis attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_Conv1dOp : Lf_Op<"conv1d", [Lf_FloatEval]> {
  let summary = "1-D convolution over [N, C, L] with constant weights (float level)";
  let description = [{
    `weight` is [OC, C/group, K] and `bias` [OC] (f32 dense attributes); the
    result is [N, OC, Lout] with Lout = (L + pad_begin + pad_end -
    dilation * (K - 1) - 1) / stride + 1. -lf-decompose rewrites it into an
    `lf.fc` over the flattened input whose weight is the convolution's
    Toeplitz matrix, so that every later pass sees a fully connected layer.
  }];
  let arguments = (ins Lf_FloatTensor:$input, ElementsAttr:$weight,
      ElementsAttr:$bias, ConfinedAttr<I64Attr, [IntMinValue<1>]>:$stride,
      ConfinedAttr<I64Attr, [IntMinValue<1>]>:$dilation,
      ConfinedAttr<I64Attr, [IntNonNegative]>:$pad_begin,
      ConfinedAttr<I64Attr, [IntNonNegative]>:$pad_end,
      ConfinedAttr<I64Attr, [IntMinValue<1>]>:$group);
  let results = (outs Lf_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` `weight` `=` $weight `,` `bias` `=` $bias attr-dict `:`
    qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Lf_GatherOp : Lf_Op<"gather", [Lf_SameLevel, Lf_Ranges, Lf_ErrorBound,
    Lf_FloatEval]> {
  let summary = "data movement by a constant index map (transpose, slice, gather, expand)";
  let description = [{
    Element i of the result (row-major) is element `indices[i]` of the
    input (row-major). Transpose, Slice, Split, Expand and Gather with
    constant indices on run-time data all import as this op. Values are
    copied; the result has the input's element type (at the fixed level the
    same format).
  }];
  let arguments = (ins Lf_Tensor:$input, DenseI64ArrayAttr:$indices);
  let results = (outs Lf_Tensor:$result);
  let assemblyFormat = [{
    $input `,` `indices` `=` $indices attr-dict `:` qualified(type($input))
    `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // LF_OPS_TD
