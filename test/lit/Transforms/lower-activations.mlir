// RUN: lf-opt %s --split-input-file --lf-lower-activations | FileCheck %s

// Leaky relu is exact with two knots at 0 and 1 and edge slopes: below 0 the
// slope is alpha = 0.125 in output units per input unit, Q24:
// 0.125 * 2^(29 - 28) * 2^24 = 4194304; above it is 1: 2^25 = 33554432.
// The knot at 1.0 (input frac 28: shift 28) holds 1.0 at frac 29 = 2^29.
// CHECK-LABEL: func @leaky
// CHECK: lf.lut linear none %arg0 {lf.function = "leaky_relu", lf.lipschitz = 1.001000e+00 : f64, max_error = 0.000000e+00 : f64, shift = 28 : i32, slope_above = 33554432 : i64, slope_below = 4194304 : i64, start = 0 : i64, table = array<i64: 0, 536870912>}
func.func @leaky(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 29>> {
  %0 = lf.activation leaky_relu %x {alpha = 0.125 : f64, lf.range = array<f64: -2.0, 2.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 29>>
  return %0 : tensor<4x!lf.fixed<32, 29>>
}

// -----

// Sigmoid uses complement symmetry around 1.0 (2^30 at frac 30) and its
// first knot is sigmoid(0) = 0.5 = 2^29.
// CHECK-LABEL: func @sigmoid
// CHECK: lf.lut linear complement %arg0 {lf.function = "sigmoid", lf.lipschitz = {{[0-9.e+-]+}} : f64, max_error = {{[0-9.]+}}E-6 : f64, shift = {{[0-9]+}} : i32, start = 0 : i64, sym_const = 1073741824 : i64, table = array<i64: 536870912,
func.func @sigmoid(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  %0 = lf.activation sigmoid %x {lf.range = array<f64: -4.0, 4.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

// tanh is odd; a hard sigmoid on [-2.5, 2.5] is exact with knots 1.0 apart.
// CHECK-LABEL: func @tanh_hs
// CHECK: lf.lut linear odd %arg0 {lf.function = "tanh"
// CHECK: lf.lut linear none %arg0 {lf.function = "hard_sigmoid", lf.lipschitz = {{[0-9.e+-]+}} : f64, max_error = {{[0-9.]+}}E-10 : f64, shift = 28 : i32, start = -671088640 : i64, table = array<i64: 0, 214748365, 429496730, 644245094, 858993459, 1073741824>}
func.func @tanh_hs(%x: tensor<4x!lf.fixed<32, 28>>) -> (tensor<4x!lf.fixed<32, 30>>, tensor<4x!lf.fixed<32, 30>>) {
  %0 = lf.activation tanh %x {lf.range = array<f64: -4.0, 4.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  %1 = lf.activation hard_sigmoid %x {alpha = 0.2 : f64, beta = 0.5 : f64, lf.range = array<f64: -4.0, 4.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0, %1 : tensor<4x!lf.fixed<32, 30>>, tensor<4x!lf.fixed<32, 30>>
}

// -----

// Float-level activations are left alone.
// CHECK-LABEL: func @float
// CHECK: lf.activation tanh
func.func @float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lf.activation tanh %x : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// abs is exact with two knots and edge slopes -1 and 1 (Q24, output frac
// 29 - input 28 = 1: 2^25); erf is odd.
// CHECK-LABEL: func @abs_erf
// CHECK: lf.lut linear none %arg0 {lf.function = "abs", {{.*}}max_error = 0.000000e+00 : f64, shift = 28 : i32, slope_above = 33554432 : i64, slope_below = -33554432 : i64, start = 0 : i64, table = array<i64: 0, 536870912>}
// CHECK: lf.lut linear odd %arg0 {lf.function = "erf"
func.func @abs_erf(%x: tensor<4x!lf.fixed<32, 28>>) -> (tensor<4x!lf.fixed<32, 29>>, tensor<4x!lf.fixed<32, 30>>) {
  %0 = lf.activation abs %x {lf.range = array<f64: -2.0, 2.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 29>>
  %1 = lf.activation erf %x {lf.range = array<f64: -2.0, 2.0>} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0, %1 : tensor<4x!lf.fixed<32, 29>>, tensor<4x!lf.fixed<32, 30>>
}
