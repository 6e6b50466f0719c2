// RUN: lf-opt %s -split-input-file --lf-test-ranges="input-range=-1,2" -verify-diagnostics

func.func @div_by_zero_range(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{divides by a value whose range [-1.000000e+00, 2.000000e+00] includes 0; fixed point needs a bounded quotient}}
  %0 = lf.binary div %x, %x : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @unbounded(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = lf.constant dense<1.0e30> : tensor<1xf32> -> tensor<1xf32>
  %0 = lf.binary mul %x, %c : tensor<2xf32>, tensor<1xf32> -> tensor<2xf32>
  // expected-error @+1 {{has an unbounded range; give tighter input ranges}}
  %1 = lf.activation exp %0 : tensor<2xf32> -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

func.func @softmax(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{is not supported by range analysis (run -lf-decompose first?)}}
  %0 = lf.softmax %x, axis = 1 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @fixed_level(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{range analysis needs the float level}}
  %q = lf.quantize %x : tensor<2xf32> -> tensor<2x!lf.fixed<32, 16>>
  %d = lf.dequantize %q : tensor<2x!lf.fixed<32, 16>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}
