// RUN: lf-opt %s -split-input-file -verify-diagnostics

// One negative case per declared attribute (LfDialect::verifyOperationAttribute).

func.func @unknown(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{has unknown lf dialect attribute 'lf.rnage'}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.rnage = array<f64: 0.0, 1.0>} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @result_range_reversed(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.result_range' must be an array<f64: lo, hi> with lo <= hi, got array<f64: 1.000000e+00, 0.000000e+00>}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.result_range = array<f64: 1.0, 0.0>} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @result_range_nan(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.result_range' must be an array<f64: lo, hi> with lo <= hi}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.result_range = array<f64: 0x7FF8000000000000, 1.0>} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.result_range' belongs on an lf op}}
func.func @result_range_on_func(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.result_range = array<f64: 0.0, 1.0>} {
  return %x : tensor<2xf32>
}

// -----

func.func @range_wrong_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.range' belongs on lf.activation}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.range = array<f64: 0.0, 1.0>} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @range_three(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.range' must be an array<f64: lo, hi> with lo <= hi}}
  %0 = lf.activation tanh %x {lf.range = array<f64: 0.0, 1.0, 2.0>} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @function_unknown(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-error @+1 {{attribute 'lf.function' must name an activation kind, got "sigmoidd"}}
  %0 = lf.lut linear none %x {table = array<i64: 0, 1>, start = 0, shift = 1 : i32, lf.function = "sigmoidd"} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

func.func @lipschitz_negative(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-error @+1 {{attribute 'lf.lipschitz' must be an f64 >= 0, got -1.000000e+00 : f64}}
  %0 = lf.lut linear none %x {table = array<i64: 0, 1>, start = 0, shift = 1 : i32, lf.lipschitz = -1.0 : f64} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

func.func @lipschitz_wrong_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.lipschitz' belongs on lf.lut}}
  %0 = lf.activation tanh %x {lf.lipschitz = 1.0 : f64} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @error_bound_nan(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.error_bound' must be an f64 >= 0}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.error_bound = 0x7FF8000000000000 : f64} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @error_bound_f32(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.error_bound' must be an f64 >= 0, got 1.000000e+00 : f32}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.error_bound = 1.0 : f32} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.result_error_bounds' must hold one f64 >= 0 per function result (1)}}
func.func @result_error_bounds_count(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.result_error_bounds = array<f64: 1.0, 2.0>} {
  return %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.result_error_bounds' must hold one f64 >= 0 per function result (1)}}
func.func @result_error_bounds_negative(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.result_error_bounds = array<f64: -1.0>} {
  return %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.input_names' must hold one string per function argument (1)}}
func.func @input_names_count(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.input_names = ["a", "b"]} {
  return %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.output_names' must hold one string per function result (1)}}
func.func @output_names_type(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.output_names = [1 : i64]} {
  return %x : tensor<2xf32>
}

// -----

func.func @input_names_on_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{attribute 'lf.input_names' belongs on a function}}
  %0 = lf.clamp %x, 0.0, 1.0 {lf.input_names = ["a"]} : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{attribute 'lf.opset' must be an i64 >= 1, got 0 : i64}}
func.func @opset_zero(%x: tensor<2xf32>) -> tensor<2xf32> attributes {lf.opset = 0 : i64} {
  return %x : tensor<2xf32>
}
