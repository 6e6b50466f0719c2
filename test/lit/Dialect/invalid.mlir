// RUN: lf-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{fixed-point width must be 8, 16, 32 or 64, got 12}}
func.func @bad_width(%a: tensor<4x!lf.fixed<12, 4>>)

// -----

// expected-error @+1 {{fractional bits 70 out of range [-32, 64] for width 32}}
func.func @bad_frac(%a: tensor<4x!lf.fixed<32, 70>>)

// -----

func.func @const_shape() {
  // expected-error @+1 {{value shape does not match result type}}
  %c = lf.constant dense<1.0> : tensor<3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @const_width() {
  // expected-error @+1 {{fixed-point constant must hold i32 integers, got 'i16'}}
  %c = lf.constant dense<1> : tensor<2xi16> -> tensor<2x!lf.fixed<32, 4>>
  return
}

// -----

func.func @const_float() {
  // expected-error @+1 {{float constant must hold f32 values, got 'f64'}}
  %c = lf.constant dense<1.0> : tensor<2xf64> -> tensor<2xf32>
  return
}

// -----

func.func @quantize_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = lf.quantize %x : tensor<3xf32> -> tensor<4x!lf.fixed<32, 4>>
  return
}

// -----

func.func @quantize_dynamic(%x: tensor<?xf32>) {
  // expected-error @+1 {{requires static shapes}}
  %q = lf.quantize %x : tensor<?xf32> -> tensor<?x!lf.fixed<32, 4>>
  return
}

// -----

func.func @dequantize_shape(%x: tensor<3x!lf.fixed<32, 4>>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = lf.dequantize %x : tensor<3x!lf.fixed<32, 4>> -> tensor<2xf32>
  return
}

// -----

func.func @fc_rank(%x: tensor<3xf32>) {
  // expected-error @+1 {{input and result must be rank 2}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @fc_weight_rank(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{weight must be rank 2 (NxK)}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_k(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{weight has 3 input features but the input has 4}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x4xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_result(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{result must be 1x2}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @fc_bias(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{bias must have 2 elements}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<3xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_acc(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{accumulator width must be 32 or 64, got 16}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> {acc_bits = 16 : i32} : tensor<1x3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_float_weights(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{float-level weight and bias must be f32}}
  %0 = lf.fc %x, weight = dense<1> : tensor<2x3xi32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_float_frac(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{weight_frac is only meaningful at the fixed level}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> {weight_frac = array<i32: 1, 2>} : tensor<1x3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @fc_mixed(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{mixes float and fixed-point tensors}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @fc_fixed_weight_type(%x: tensor<1x3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{fixed-level weight must hold i8, i16 or i32, got 'f32'}}
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0> : tensor<2xi64> {weight_frac = array<i32: 1, 2>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @fc_fixed_bias(%x: tensor<1x3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{fixed-level bias must hold i64 accumulator values, got 'i32'}}
  %0 = lf.fc %x, weight = dense<1> : tensor<2x3xi32>, bias = dense<0> : tensor<2xi32> {weight_frac = array<i32: 1, 2>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @fc_fixed_nofrac(%x: tensor<1x3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{fixed level requires weight_frac}}
  %0 = lf.fc %x, weight = dense<1> : tensor<2x3xi32>, bias = dense<0> : tensor<2xi64> : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @fc_fixed_fraccount(%x: tensor<1x3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{weight_frac has 3 entries, expected one per output channel (2)}}
  %0 = lf.fc %x, weight = dense<1> : tensor<2x3xi32>, bias = dense<0> : tensor<2xi64> {weight_frac = array<i32: 1, 2, 3>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @fc_fixed_fracrange(%x: tensor<1x3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{weight_frac 99 out of range [-32, 62]}}
  %0 = lf.fc %x, weight = dense<1> : tensor<2x3xi32>, bias = dense<0> : tensor<2xi64> {weight_frac = array<i32: 1, 99>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @matmul_rank(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{operands and result must have one rank >= 2}}
  %0 = lf.matmul %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<1xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x1x3xf32>, %b: tensor<3x3x1xf32>) {
  // expected-error @+1 {{batch dimensions differ}}
  %0 = lf.matmul %a, %b : tensor<2x1x3xf32>, tensor<3x3x1xf32> -> tensor<2x1x1xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<1x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 3 vs 4}}
  %0 = lf.matmul %a, %b : tensor<1x3xf32>, tensor<4x2xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<1x3xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+1 {{result shape does not match the product}}
  %0 = lf.matmul %a, %b : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @binary_bcast(%a: tensor<1x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{do not broadcast}}
  %0 = lf.binary add %a, %b : tensor<1x3xf32>, tensor<2xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @binary_result(%a: tensor<1x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result shape must be the broadcast shape}}
  %0 = lf.binary mul %a, %b : tensor<1x3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @clamp_bounds(%a: tensor<3xf32>) {
  // expected-error @+1 {{min 2.000000e+00 exceeds max 1.000000e+00}}
  %0 = lf.clamp %a, 2.0, 1.0 : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @clamp_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = lf.clamp %a, 0.0, 1.0 : tensor<3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @act_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = lf.activation tanh %a : tensor<3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @act_alpha(%a: tensor<3xf32>) {
  // expected-error @+1 {{alpha must be non-negative, got -1}}
  %0 = lf.activation elu %a {alpha = -1.0 : f64} : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @lut_shape(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 1>, start = 0, shift = 1 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<2x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_size(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{table must have 2 to 65536 entries, got 1}}
  %0 = lf.lut linear none %a {table = array<i64: 0>, start = 0, shift = 1 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_shift(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{shift 63 out of range [0, 62]}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 1>, start = 0, shift = 63 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_sym(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{a symmetric table must start at 0, got -4}}
  %0 = lf.lut linear odd %a {table = array<i64: 0, 1>, start = -4, shift = 1 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_slope_frac(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{slope_frac 40 out of range [0, 32]}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 1>, start = 0, shift = 1 : i32, slope_frac = 40 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_fit(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{table entry 1 (300) does not fit the result type '!lf.fixed<8, 4>'}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 300>, start = 0, shift = 1 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<8, 4>>
  return
}

// -----

func.func @lut_domain(%a: tensor<3x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{table domain overflows 64 bits}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 1, 2, 3>, start = 0, shift = 62 : i32} : tensor<3x!lf.fixed<32, 8>> -> tensor<3x!lf.fixed<32, 8>>
  return
}

// -----

func.func @lut_float(%a: tensor<3xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of signed two's-complement fixed-point number values}}
  %0 = lf.lut linear none %a {table = array<i64: 0, 1>, start = 0, shift = 1 : i32} : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = lf.reduce sum %a, axis = 2 : tensor<2x3xf32> -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_keep(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result must keep the reduced axis with size 1}}
  %0 = lf.reduce max %a, axis = 1 : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = "lf.concat"() {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %0 = lf.concat %a axis = 1 : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2xf32>, %b: tensor<1x2xf32>) {
  // expected-error @+1 {{all inputs must have rank 1}}
  %0 = lf.concat %a, %b axis = 0 : tensor<2xf32>, tensor<1x2xf32> -> tensor<4xf32>
  return
}

// -----

func.func @concat_other(%a: tensor<1x2xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+1 {{differs from the result}}
  %0 = lf.concat %a, %b axis = 1 : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_sum(%a: tensor<1x2xf32>, %b: tensor<1x2xf32>) {
  // expected-error @+1 {{result axis 1 has size 5, inputs sum to 4}}
  %0 = lf.concat %a, %b axis = 1 : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x5xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{element counts differ: 6 vs 5}}
  %0 = lf.reshape %a : tensor<2x3xf32> -> tensor<5xf32>
  return
}

// -----

func.func @reshape_type(%a: tensor<2x!lf.fixed<32, 8>>) {
  // expected-error @+1 {{reshape cannot change the element type}}
  %0 = lf.reshape %a : tensor<2x!lf.fixed<32, 8>> -> tensor<2x!lf.fixed<32, 9>>
  return
}

// -----

func.func @softmax_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result type must equal the input type}}
  %0 = lf.softmax %a, axis = 1 : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = lf.softmax %a, axis = 2 : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @gather_range(%x: tensor<1x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{index 3 (entry 1) is out of range [0, 3)}}
  %0 = lf.gather %x, indices = [0, 3] : tensor<1x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_count(%x: tensor<1x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{has 3 indices for 2 result elements}}
  %0 = lf.gather %x, indices = [0, 1, 2] : tensor<1x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_format(%x: tensor<2x!lf.fixed<32, 8>>) -> tensor<2x!lf.fixed<32, 9>> {
  // expected-error @+1 {{gather cannot change the element type}}
  %0 = lf.gather %x, indices = [1, 0] : tensor<2x!lf.fixed<32, 8>> -> tensor<2x!lf.fixed<32, 9>>
  return %0 : tensor<2x!lf.fixed<32, 9>>
}

// -----

func.func @conv1d_shape(%x: tensor<1x2x6xf32>) -> tensor<1x4x5xf32> {
  // expected-error @+1 {{result must be [1, 4, 4]}}
  %0 = lf.conv1d %x, weight = dense<1.0> : tensor<4x2x3xf32>, bias = dense<0.0> : tensor<4xf32> {dilation = 1 : i64, group = 1 : i64, pad_begin = 0 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x2x6xf32> -> tensor<1x4x5xf32>
  return %0 : tensor<1x4x5xf32>
}

// -----

func.func @conv1d_group(%x: tensor<1x2x6xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{group 2 does not match 2 input channels and weight 'tensor<3x1x3xf32>'}}
  %0 = lf.conv1d %x, weight = dense<1.0> : tensor<3x1x3xf32>, bias = dense<0.0> : tensor<3xf32> {dilation = 1 : i64, group = 2 : i64, pad_begin = 0 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x2x6xf32> -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @conv1d_stride(%x: tensor<1x2x6xf32>) -> tensor<1x4x4xf32> {
  // expected-error @+1 {{attribute 'stride' failed to satisfy constraint}}
  %0 = lf.conv1d %x, weight = dense<1.0> : tensor<4x2x3xf32>, bias = dense<0.0> : tensor<4xf32> {dilation = 1 : i64, group = 1 : i64, pad_begin = 0 : i64, pad_end = 0 : i64, stride = 0 : i64} : tensor<1x2x6xf32> -> tensor<1x4x4xf32>
  return %0 : tensor<1x4x4xf32>
}

// -----

// Zero-size tensors (issue 15: they crashed -lf-quantize).
func.func @empty_result(%x: tensor<1x2xf32>) -> tensor<1x0xf32> {
  // expected-error @+1 {{requires tensors with at least one element, got 'tensor<1x0xf32>'}}
  %0 = lf.fc %x, weight = dense<> : tensor<0x2xf32>, bias = dense<> : tensor<0xf32> : tensor<1x2xf32> -> tensor<1x0xf32>
  return %0 : tensor<1x0xf32>
}

// -----

func.func @empty_operand(%x: tensor<1x0xf32>) -> tensor<1x0xf32> {
  // expected-error @+1 {{requires tensors with at least one element}}
  %0 = lf.activation tanh %x : tensor<1x0xf32> -> tensor<1x0xf32>
  return %0 : tensor<1x0xf32>
}

// -----

// NaN bounds compare false both ways: refused, not taken for a valid range.
func.func @clamp_nan_min(%a: tensor<3xf32>) {
  // expected-error @+1 {{bounds must not be NaN}}
  %0 = lf.clamp %a, 0x7FF8000000000000, 1.0 : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @clamp_nan_max(%a: tensor<3xf32>) {
  // expected-error @+1 {{bounds must not be NaN}}
  %0 = lf.clamp %a, 0.0, 0x7FF8000000000000 : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @act_alpha_inf(%a: tensor<3xf32>) {
  // expected-error @+1 {{alpha must be finite}}
  %0 = lf.activation leaky_relu %a {alpha = 0x7FF0000000000000 : f64} : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @mixed_levels(%a: tensor<3xf32>) {
  // expected-error @+1 {{mixes float and fixed-point tensors}}
  %0 = lf.reshape %a : tensor<3xf32> -> tensor<3x!lf.fixed<32, 4>>
  return
}
