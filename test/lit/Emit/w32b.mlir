// RUN: lf-translate --lf-to-c %s --split-input-file | FileCheck %s

// 32-bit weights whose shifts lie in 1..62 and whose accumulator and
// rounding provably fit 64 bits: lf_fc_w32b, each weight in a 64-bit lane
// (vpmuldq reads the low half), outputs in blocks of 4 (n padded), and
// lf_NAME_validate() checking a pushed blob. Shifts 8 + 4 - 8 = 4, 8 + 6 - 8 = 6.
// CHECK: arch: lf-arch-1;in:1x3:w32:f8;fc:v0:1x3:w32->1x2:w32:wbits32:bcast;out:v1:1x2:w32:f8;
// CHECK: .fc0_w = {
// CHECK-NEXT: 1, -4, 0, 0, 2, 5, 0, 0, -3, 2147483647, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_b = {
// CHECK-NEXT: 7, -7, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_shift = {
// CHECK-NEXT: 4, 6, 1, 1
// CHECK: if (!lf_fc_w32b_valid(3, 2, p->fc0_w, p->fc0_b, p->fc0_shift))
// CHECK-NEXT: return -EINVAL;
// CHECK: lf_fc_w32b_avx2(in, 1, 3, 2, p->fc0_w, p->fc0_b, p->fc0_shift,
// CHECK: lf_fc_w32b(in, 1, 3, 2, p->fc0_w, p->fc0_b, p->fc0_shift,
func.func @w32b(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 8>>
  %0 = lf.fc %q, weight = dense<[[1, 2, -3], [-4, 5, 2147483647]]> : tensor<2x3xi32>, bias = dense<[7, -7]> : tensor<2xi64> {weight_frac = array<i32: 4, 6>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %0 : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

// -----

// A shift of 0 (no rounding) or a bias near 2^63 keeps the general helper.
// CHECK: arch: lf-arch-1;in:1x3:w32:f8;fc:v0:1x3:w32->1x2:w32:wbits32;out:v1:1x2:w32:f8;
// CHECK: lf_fc_w32(in, 1, 3, 2, p->fc0_w, p->fc0_b, p->fc0_shift,
func.func @w32(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 8>>
  %0 = lf.fc %q, weight = dense<[[1, 2, -3], [-4, 5, 6]]> : tensor<2x3xi32>, bias = dense<[7, -9223372036854775000]> : tensor<2xi64> {weight_frac = array<i32: 0, 6>} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %0 : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
