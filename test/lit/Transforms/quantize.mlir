// RUN: lf-opt %s --split-input-file --lf-quantize="input-range=-1,1" | FileCheck %s
// RUN: lf-opt %s --split-input-file --lf-quantize="input-range=-1,1 bits=16" | FileCheck %s --check-prefix=B16

// Hand-derived: inputs in [-1, 1] need 1 integer bit: frac 30 of 32 (14 of 16).
// Output range: 0.1 +- (0.5 + 0.25 + 1.0) = [-1.65, 1.85] -> frac 30.
// Channel 0 weights |w| <= 1 -> frac 30; channel 1 max 0.75 -> frac 31.
// The 64-bit accumulator bound 3 * 2^31 * 2^30 + |b| fits, so no narrowing.
// Biases are f32: 0.1f = 13421773 * 2^-27 at frac 30 + 30 = 60 is 13421773 * 2^33;
// -0.4f = -13421773 * 2^-25 at frac 30 + 31 = 61 is -13421773 * 2^36.
// CHECK-LABEL: func @fc
// CHECK: %[[Q:.*]] = lf.quantize %arg0 {lf.result_range = array<f64: -1.000000e+00, 1.000000e+00>} : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 30>>
// CHECK: lf.fc %[[Q]], weight = dense<{{\[\[}}536870912, -268435456, 1073741824], [134217728, 1610612736, -1073741824]]> : tensor<2x3xi32>, bias = dense<[115292152178671616, -922337217429372928]> : tensor<2xi64> {lf.result_range = array<f64: -1.7125{{[0-9]*}}, 1.850000{{[0-9]*}}>, weight_frac = array<i32: 30, 31>} : tensor<1x3x!lf.fixed<32, 30>> -> tensor<1x2x!lf.fixed<32, 30>>
// CHECK: lf.dequantize %{{.*}} : tensor<1x2x!lf.fixed<32, 30>> -> tensor<1x2xf32>
// B16-LABEL: func @fc
// B16: lf.quantize %arg0 {{.*}}: tensor<1x3xf32> -> tensor<1x3x!lf.fixed<16, 14>>
// B16: weight = dense<{{\[\[}}8192, -4096, 16384], [2048, 24576, -16384]]> : tensor<2x3xi16>
// 16 bits: a 32-bit accumulator; 3 inputs -> pair shift r = 2, so the bias
// is at frac 14 + 14 - 2 and 14 + 15 - 2: 0.1f * 2^26, -0.4f * 2^27.
// B16-SAME: bias = dense<[6710887, -53687092]>
// B16-SAME: {acc_bits = 32 : i32,
// B16-SAME: weight_frac = array<i32: 14, 15>}
func.func @fc(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %0 = lf.fc %x, weight = dense<[[0.5, -0.25, 1.0], [0.0625, 0.75, -0.5]]> : tensor<2x3xf32>, bias = dense<[0.1, -0.4]> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Relu output is [0, 2]: frac 29. The activation input range is recorded.
// CHECK-LABEL: func @act
// CHECK: lf.clamp %{{.*}}, 0.000000e+00, 3.4{{.*}} {lf.result_range = array<f64: 0.000000e+00, 2.000000e+00>} : tensor<1x2x!lf.fixed<32, 29>> -> tensor<1x2x!lf.fixed<32, 29>>
// CHECK: lf.activation tanh %{{.*}} {lf.range = array<f64: 0.000000e+00, 2.000000e+00>, lf.result_range = array<f64: 0.000000e+00, 0.96402758{{[0-9]*}}>} : tensor<1x2x!lf.fixed<32, 29>> -> tensor<1x2x!lf.fixed<32, 31>>
func.func @act(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c = lf.constant dense<2.0> : tensor<2xf32> -> tensor<2xf32>
  %0 = lf.binary mul %x, %c : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %1 = lf.clamp %0, 0.0, 3.4e38 : tensor<1x2xf32> -> tensor<1x2xf32>
  %2 = lf.activation tanh %1 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----

// Large weights with many inputs: the accumulator bound forces narrower
// weights: 64 inputs of |w| = 1.5 at frac 30 would need 64*1.5*2^30*2^31 > 2^63.
// sum |w_int| * 2^31 < 2^63 needs 64 * 1.5 * 2^wf < 2^32 -> wf = 25.
// CHECK-LABEL: func @narrow
// CHECK: weight_frac = array<i32: 25>
// CHECK-NOT: acc_bits
// 16 bits, 32-bit accumulator: the pair shift (r = 6 for 32 pairs) keeps any
// 16-bit weights from overflowing it, so the weights keep their full format.
// B16-LABEL: func @narrow
// B16: weight = dense<24576> : tensor<1x64xi16>
// B16-SAME: {acc_bits = 32 : i32,
// B16-SAME: weight_frac = array<i32: 14>}
// B16-SAME: -> tensor<1x1x!lf.fixed<16, 8>>
func.func @narrow(%x: tensor<1x64xf32>) -> tensor<1x1xf32> {
  %0 = lf.fc %x, weight = dense<1.5> : tensor<1x64xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x64xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// result-frac pins the output format (a weight push keeps the boundary).
// RUN: lf-opt %s --split-input-file --lf-quantize="input-range=-1,1 result-frac=20" | FileCheck %s --check-prefix=PIN
// PIN-LABEL: func @pinned
// PIN: lf.fc {{.*}} -> tensor<1x1x!lf.fixed<32, 20>>
// PIN: lf.dequantize %{{.*}} : tensor<1x1x!lf.fixed<32, 20>>
func.func @pinned(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %0 = lf.fc %x, weight = dense<0.5> : tensor<1x2xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x2xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
