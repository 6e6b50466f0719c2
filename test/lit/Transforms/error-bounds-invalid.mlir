// RUN: lf-opt %s --split-input-file --lf-error-bounds -verify-diagnostics

func.func @float_level(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{is at the float level: run -lf-quantize and -lf-lower-activations first}}
  %0 = lf.fc %x, weight = dense<[[0.5, 0.25]]> : tensor<1x2xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x2xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @lut_without_bounds(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-error @+1 {{has no measured error or Lipschitz bound (made by -lf-lower-activations)}}
  %0 = lf.lut linear none %x {table = array<i64: 0, 1>, start = 0, shift = 1 : i32} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}

// -----

func.func @div_by_zero(%a: tensor<2x!lf.fixed<32, 28>>, %b: tensor<2x!lf.fixed<32, 28>>) -> tensor<2x!lf.fixed<32, 28>> {
  // expected-error @+1 {{divisor range reaches 0: no error bound}}
  %0 = lf.binary div %a, %b : tensor<2x!lf.fixed<32, 28>>, tensor<2x!lf.fixed<32, 28>> -> tensor<2x!lf.fixed<32, 28>>
  return %0 : tensor<2x!lf.fixed<32, 28>>
}

// -----

func.func @no_error_model(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  // expected-error @+1 {{has no error model (is the function at the fixed level?)}}
  %0 = lf.activation tanh %x : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}
