// RUN: lf-opt %s -split-input-file --lf-test-evaluate="inputs=1,2" -verify-diagnostics

// expected-error @+1 {{interpreter: expected 3 input values, got 2}}
func.func @count(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

func.func @fixed_level(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{interpreter: unsupported op lf.quantize}}
  %q = lf.quantize %x : tensor<2xf32> -> tensor<2x!lf.fixed<32, 16>>
  %d = lf.dequantize %q : tensor<2x!lf.fixed<32, 16>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

func.func @fixed_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{interpreter: only float constants are supported}}
  %c = lf.constant dense<[16, 32]> : tensor<2xi32> -> tensor<2x!lf.fixed<32, 4>>
  %d = lf.dequantize %c : tensor<2x!lf.fixed<32, 4>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

// expected-error @+1 {{interpreter: arguments and results must be static f32 tensors, got 'tensor<2x!lf.fixed<32, 16>>'}}
func.func @fixed_argument(%x: tensor<2x!lf.fixed<32, 16>>) -> tensor<2x!lf.fixed<32, 16>> {
  return %x : tensor<2x!lf.fixed<32, 16>>
}
