// RUN: lf-translate --lf-to-c %s --split-input-file | FileCheck %s
// RUN: lf-translate --lf-to-c-header %s --split-input-file | FileCheck %s --check-prefix=HDR

// lf.fc with a 32-bit accumulator (16-bit weights and values): lf_fc_q16
// with the weights interleaved for vpmaddwd (blocks of 8 outputs, pairs of
// inputs, zero padding), the pair shift r = ceil(log2(ceil(3 / 2))) + 1 = 2
// in the call, the rounding half in the int32 bias, int32 shifts, the
// weights again for the scalar SWAR code (w[0][i] + 2^32 w[1][i]: 100 -
// 2^32, -200 + 2 * 2^32, 300 + 32767 * 2^32, a padding zero), and
// lf_NAME_validate() checking a blob's bounds.
// Shifts: 12 + 10 - 2 - 8 = 12 and 12 + 0 - 2 - 8 = 2; biases + half:
// 5 + 2^11 = 2053 and -7 + 2^1 = -5. The result is returned: no table fused.

// HDR: struct lf_q16_params {
// HDR-NEXT: lf_s16 fc0_w[32]; /* weights 2x3, vpmaddwd blocks */
// HDR-NEXT: lf_s64 fc0_ws[4]; /* the weights as pairs of outputs (SWAR) */
// HDR-NEXT: lf_s32 fc0_b[8]; /* bias + rounding half */
// HDR-NEXT: lf_s32 fc0_shift[8];
// HDR-NEXT: lf_s64 fc0_lo;
// HDR-NEXT: lf_s64 fc0_hi;
// HDR-NEXT: };
// HDR: int lf_q16_infer(const void *params, const lf_s32 *in, lf_s32 *out);
// HDR: int lf_q16_validate(const void *params);

// CHECK: arch: lf-arch-1;in:1x3:w16:f12;fc:v0:1x3:w16->1x2:w16:wbits16:acc32;out:v1:1x2:w16:f8;
// CHECK: .fc0_w = {
// CHECK-NEXT: 100, -200, -1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0,
// CHECK-NEXT: 32767, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_ws = {
// CHECK-NEXT: -4294967196LL, 8589934392LL, 140733193388332LL, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_b = {
// CHECK-NEXT: 2053, -5, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_shift = {
// CHECK-NEXT: 12, 2, 0, 0, 0, 0, 0, 0
// CHECK-NEXT: },
// CHECK-NEXT: .fc0_lo = -32768,
// CHECK-NEXT: .fc0_hi = 32767,
// CHECK: int lf_q16_validate(const void *params)
// CHECK-NEXT: {
// CHECK-NEXT: const struct lf_q16_params *p = params;
// CHECK-EMPTY:
// CHECK-NEXT: if (!lf_fc_q16_valid(3, 2, p->fc0_w, p->fc0_ws,
// CHECK-NEXT: p->fc0_b, p->fc0_shift, p->fc0_lo, p->fc0_hi))
// CHECK-NEXT: return -EINVAL;
// CHECK-NEXT: return 0;
// CHECK-NEXT: }
// CHECK: LF_AVX2_INFER int lf_q16_infer_avx2rt(
// CHECK: lf_fc_q16_avx2(in, 1, 3, 2, 2, p->fc0_w, p->fc0_ws,
// CHECK-NEXT: p->fc0_b, p->fc0_shift, p->fc0_lo, p->fc0_hi, NULL, out);
// CHECK: LF_INFER_ATTR int lf_q16_infer(
// CHECK: lf_fc_q16(in, 1, 3, 2, 2, p->fc0_w, p->fc0_ws,
// CHECK-NEXT: p->fc0_b, p->fc0_shift, p->fc0_lo, p->fc0_hi, NULL, out);
func.func @q16(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<16, 12>>
  %0 = lf.fc %q, weight = dense<[[100, -200, 300], [-1, 2, 32767]]> : tensor<2x3xi16>, bias = dense<[5, -7]> : tensor<2xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 10, 0>} : tensor<1x3x!lf.fixed<16, 12>> -> tensor<1x2x!lf.fixed<16, 8>>
  %d = lf.dequantize %0 : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

// -----

// A linear table with zero slopes after the fc is applied in its registers
// (struct lf_lut16): the table gets its last knot again, the symmetry a
// mask (pair shift 1 for 2 inputs); the second table (nearest) is not fused and the second fc's input
// is its buffer.
// HDR-LABEL: struct lf_fused_params {
// HDR: lf_s32 lut0_table[5]; /* table of 4 knots + the last again */
// HDR-NEXT: lf_s32 lut0_span;
// HDR-NEXT: lf_s32 lut0_shift;
// HDR-NEXT: lf_s32 lut0_start;
// HDR-NEXT: lf_s32 lut0_sym;
// HDR-NEXT: lf_s32 lut0_c;
// HDR-NEXT: lf_s32 lut0_lo;
// HDR-NEXT: lf_s32 lut0_hi;
// HDR: lf_s32 lut1_table[4];
// HDR-NEXT: lf_s64 lut1_start;

// CHECK: arch: lf-arch-1;in:1x2:w16:f8;fc:v0:1x2:w16->1x2:w16:wbits16:acc32;lut:v1:1x2:w16->1x2:w16:n4:fused;lut:v2:1x2:w16->1x2:w16:n4;fc:v3:1x2:w16->1x1:w16:wbits16:acc32;out:v4:1x1:w16:f8;
// CHECK: .lut0_table = {
// CHECK-NEXT: 0, 100, 150, 175, 175
// CHECK-NEXT: },
// CHECK-NEXT: .lut0_span = 24,
// CHECK-NEXT: .lut0_shift = 3,
// CHECK-NEXT: .lut0_start = 0,
// CHECK-NEXT: .lut0_sym = -1,
// CHECK-NEXT: .lut0_c = 0,
// CHECK-NEXT: .lut0_lo = -32768,
// CHECK-NEXT: .lut0_hi = 32767,
// CHECK: int lf_fused_validate(const void *params)
// CHECK-NEXT: {
// CHECK-NEXT: const struct lf_fused_params *p = params;
// CHECK-NEXT: struct lf_lut16 u0;
// CHECK-EMPTY:
// CHECK-NEXT: if (!lf_fc_q16_valid(2, 2,
// CHECK: return -EINVAL;
// CHECK-NEXT: u0.table = p->lut0_table;
// CHECK: u0.hi = p->lut0_hi;
// CHECK-NEXT: if (!lf_lut16_valid(&u0, 4))
// CHECK-NEXT: return -EINVAL;
// CHECK-NEXT: if (!lf_fc_q16_valid(2, 1,
// CHECK: LF_INFER_ATTR int lf_fused_infer(
// CHECK: struct lf_lut t LF_NOINIT;
// CHECK-NEXT: struct lf_lut16 u0 LF_NOINIT;
// CHECK: u0.table = p->lut0_table;
// CHECK-NEXT: u0.span = p->lut0_span;
// CHECK: lf_fc_q16(in, 1, 2, 2, 1, p->fc0_w, p->fc0_ws,
// CHECK-NEXT: p->fc0_b, p->fc0_shift, p->fc0_lo, p->fc0_hi, &u0, b0);
// CHECK: lf_lut_s32(&t, b0, 2, p->lut1_lo, p->lut1_hi, b1);
// CHECK: lf_fc_q16(b1, 1, 2, 1, 1, p->fc1_w, p->fc1_ws,
// CHECK-NEXT: p->fc1_b, p->fc1_shift, p->fc1_lo, p->fc1_hi, NULL, out);
func.func @fused(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<16, 8>>
  %0 = lf.fc %q, weight = dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>, bias = dense<[0, 0]> : tensor<2xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 10, 10>} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2x!lf.fixed<16, 8>>
  %1 = lf.lut linear odd %0 {table = array<i64: 0, 100, 150, 175>, start = 0, shift = 3 : i32} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2x!lf.fixed<16, 8>>
  %2 = lf.lut nearest odd %1 {table = array<i64: 0, 100, 150, 175>, start = 0, shift = 3 : i32} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2x!lf.fixed<16, 8>>
  %3 = lf.fc %2, weight = dense<[[5, 6]]> : tensor<1x2xi16>, bias = dense<[1]> : tensor<1xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 10>} : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x1x!lf.fixed<16, 8>>
  %d = lf.dequantize %3 : tensor<1x1x!lf.fixed<16, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}
