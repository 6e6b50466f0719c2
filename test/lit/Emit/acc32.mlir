// RUN: lf-translate --lf-to-c %s | FileCheck %s
// RUN: lf-translate --lf-to-c-header %s | FileCheck %s --check-prefix=HDR

// lf.fc with a 32-bit accumulator (16-bit weights and values): lf_fc_q16
// with the weights interleaved for vpmaddwd (blocks of 8 outputs, pairs of
// inputs, zero padding), the rounding half in the int32 bias, int32 shifts,
// and lf_NAME_validate() checking a blob's accumulator bound and shifts.
// Shifts: 12 + 10 - 8 = 14 and 12 + 0 - 8 = 4; biases + half: 5 + 2^13 =
// 8197 and -7 + 2^3 = 1.

// HDR: struct lf_q16_params {
// HDR-NEXT: lf_s16 fc0_w[32]; /* weights 2x3, vpmaddwd blocks */
// HDR-NEXT: lf_s32 fc0_b[8]; /* bias + rounding half */
// HDR-NEXT: lf_s32 fc0_shift[8];
// HDR-NEXT: lf_s64 fc0_lo;
// HDR-NEXT: lf_s64 fc0_hi;
// HDR: int lf_q16_infer(const void *params, const lf_s32 *in, lf_s32 *out);
// HDR: int lf_q16_validate(const void *params);

// CHECK: arch: lf-arch-1;in:1x3:w16:f12;fc:v0:1x3:w16->1x2:w16:wbits16:acc32;out:v1:1x2:w16:f8;
// CHECK: .fc0_w = {
// CHECK-NEXT: 100, -200, -1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0,
// CHECK-NEXT: 32767, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_b = {
// CHECK-NEXT: 8197, 1, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_shift = {
// CHECK-NEXT: 14, 4, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_lo = -32768,
// CHECK-NEXT: .fc0_hi = 32767,
// CHECK: int lf_q16_validate(const void *params)
// CHECK-NEXT: {
// CHECK-NEXT: const struct lf_q16_params *p = params;
// CHECK-EMPTY:
// CHECK-NEXT: if (!lf_fc_q16_valid(3, 2, p->fc0_w, p->fc0_b, p->fc0_shift))
// CHECK-NEXT: return -EINVAL;
// CHECK-NEXT: return 0;
// CHECK-NEXT: }
// CHECK: LF_AVX2_INFER int lf_q16_infer_avx2rt(
// CHECK: lf_fc_q16_avx2(in, 1, 3, 2, p->fc0_w, p->fc0_b, p->fc0_shift,
// CHECK-NEXT: p->fc0_lo, p->fc0_hi, out);
// CHECK: LF_INFER_ATTR int lf_q16_infer(
// CHECK: lf_fc_q16(in, 1, 3, 2, p->fc0_w, p->fc0_b, p->fc0_shift,
// CHECK-NEXT: p->fc0_lo, p->fc0_hi, out);
func.func @q16(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<16, 12>>
  %0 = lf.fc %q, weight = dense<[[100, -200, 300], [-1, 2, 32767]]> : tensor<2x3xi16>, bias = dense<[5, -7]> : tensor<2xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 10, 0>} : tensor<1x3x!lf.fixed<16, 12>> -> tensor<1x2x!lf.fixed<16, 8>>
  %d = lf.dequantize %0 : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
