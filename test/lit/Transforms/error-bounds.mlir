// RUN: lf-opt %s --split-input-file --lf-quantize="input-range=-1,1" --lf-error-bounds | FileCheck %s

// Hand-derived: inputs Q32.30 (rounding 2^-31); weights 0.5, 0.25 at frac 31
// (rounding 2^-32 each); output range 0.75 -> Q32.31.
// |x'w' - xw| <= sum |w| e_x + (|x| + e_x) dw = 0.75 * 2^-31 + 2 (1 + 2^-31) 2^-32,
// plus the bias rounding 2^-(30+31+1) and the output rounding 2^-32:
// 2.25 * 2^-31 + 2^-61 = 1.0477378968760942e-09.
// CHECK-LABEL: func @fc
// CHECK-SAME: lf.result_error_bounds = array<f64: 1.0477378968760942E-9>
// CHECK: lf.quantize %arg0 {lf.error_bound = 4.6566128730773926E-10 : f64
// CHECK: lf.fc {{.*}}lf.error_bound = 1.0477378968760942E-9 : f64
func.func @fc(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %0 = lf.fc %x, weight = dense<[[0.5, 0.25]]> : tensor<1x2xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x2xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// x + x: both operands Q32.30 (2^-31 each), sum range [-2, 2] -> Q32.29
// (rounding 2^-30): 2^-31 + 2^-31 + 2^-30, plus the pre-shift allowance
// 2^-(30+31+1) = 2^-62: 2^-29 + 2^-62 = 1.8626451494477975e-09.
// CHECK-LABEL: func @add
// CHECK-SAME: lf.result_error_bounds = array<f64: 1.8626451494477975E-9>
func.func @add(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = lf.binary add %x, %x : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
