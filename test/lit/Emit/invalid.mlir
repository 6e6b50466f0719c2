// RUN: lf-translate --lf-to-c %s --split-input-file --verify-diagnostics

func.func @leftover_activation(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  // expected-error @+1 {{'lf.activation' must be lowered by -lf-lower-activations first}}
  %a = lf.activation tanh %q : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %a : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

// -----

func.func @leftover_softmax(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'lf.softmax' must be lowered by -lf-lower-activations first}}
  %s = lf.softmax %x, axis = 1 : tensor<1x2xf32> -> tensor<1x2xf32>
  %q = lf.quantize %s : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %q : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

// -----

// expected-error @+1 {{argument 0 must be used by an lf.quantize}}
func.func @float_level(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c = lf.clamp %x, 0.0, 1.0 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %c : tensor<1x2xf32>
}

// -----

// expected-error @+1 {{argument 0 must have exactly one use}}
func.func @no_dequantize(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  return %x : tensor<1x2xf32>
}

// -----

func.func @wide64(%x: tensor<2xf32>) -> tensor<2xf32> {
  %q = lf.quantize %x : tensor<2xf32> -> tensor<2x!lf.fixed<32, 8>>
  %c = lf.clamp %q, 0.0, 1.0 : tensor<2x!lf.fixed<32, 8>> -> tensor<2x!lf.fixed<64, 8>>
  // expected-error @+1 {{64-bit formats are not supported}}
  %d = lf.dequantize %c : tensor<2x!lf.fixed<64, 8>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

// expected-error @+1 {{too wide for the kernel stack}}
func.func @too_wide(%x: tensor<1x400xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x400xf32> -> tensor<1x400x!lf.fixed<32, 8>>
  %c = lf.clamp %q, 0.0, 1.0 : tensor<1x400x!lf.fixed<32, 8>> -> tensor<1x400x!lf.fixed<32, 8>>
  %r = lf.reduce sum %c, axis = 1 : tensor<1x400x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %d = lf.dequantize %r : tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

// -----

func.func @acc32_wide_input(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  // expected-error @+1 {{acc_bits = 32 needs weights, input and result of at most 16 bits, got i16 weights and 32-bit, 32-bit tensors}}
  %0 = lf.fc %q, weight = dense<[[1, 2]]> : tensor<1x2xi16>, bias = dense<[0]> : tensor<1xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 4>} : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %d = lf.dequantize %0 : tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

// -----

func.func @acc32_shift(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<16, 8>>
  // expected-error @+1 {{acc_bits = 32: output channel 0 needs a shift of -3, outside [0, 31]}}
  %0 = lf.fc %q, weight = dense<[[1, 2]]> : tensor<1x2xi16>, bias = dense<[0]> : tensor<1xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 0>} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x1x!lf.fixed<16, 10>>
  %d = lf.dequantize %0 : tensor<1x1x!lf.fixed<16, 10>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

// -----

func.func @acc32_bias(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<16, 8>>
  // expected-error @+1 {{acc_bits = 32: bias 1073741000 of output channel 0 with its rounding half is not within 2^30}}
  %0 = lf.fc %q, weight = dense<[[1, 2]]> : tensor<1x2xi16>, bias = dense<[1073741000]> : tensor<1xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 12>} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x1x!lf.fixed<16, 8>>
  %d = lf.dequantize %0 : tensor<1x1x!lf.fixed<16, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

// -----

func.func @acc32_weight(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<16, 8>>
  // expected-error @+1 {{acc_bits = 32: weight -32768 (output channel 0) can overflow a pair of products}}
  %0 = lf.fc %q, weight = dense<[[1, -32768]]> : tensor<1x2xi16>, bias = dense<[0]> : tensor<1xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 8>} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x1x!lf.fixed<16, 8>>
  %d = lf.dequantize %0 : tensor<1x1x!lf.fixed<16, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}
