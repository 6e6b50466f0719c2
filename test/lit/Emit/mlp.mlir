// RUN: lf-translate --lf-to-c %s | FileCheck %s
// RUN: lf-translate --lf-to-c-header %s | FileCheck %s --check-prefix=HDR

// fc (i8 weights) -> odd lut -> clamp -> fc (i16 weights) -> broadcast add
// of a constant in another format. The code holds shapes and table sizes;
// every weight, shift, bound and table is in the params.

// HDR: #ifndef LF_SNAP_MLP_H
// HDR: #include "lf_fixed.h"
// HDR: #define LF_MLP_N_IN 4
// HDR-NEXT: #define LF_MLP_N_OUT 2
// HDR-NEXT: #define LF_MLP_STACK_BYTES [[STACK:[0-9]+]]
// HDR: #define LF_MLP_ARCH_HASH 0x{{[0-9a-f]+}}ULL
// HDR: struct lf_mlp_params {
// HDR-NEXT: lf_s8 fc0_w[12];
// HDR-NEXT: lf_s64 fc0_b[3];
// HDR-NEXT: lf_s8 fc0_shift[3];
// HDR-NEXT: lf_s64 fc0_lo;
// HDR-NEXT: lf_s64 fc0_hi;
// HDR-NEXT: lf_s32 lut0_table[5];
// HDR: lf_s64 clamp0_min;
// HDR: lf_s32 c0[2];
// HDR: lf_s16 fc1_w[6];
// HDR: lf_s32 bin0_la;
// HDR-NEXT: lf_s32 bin0_lb;
// HDR-NEXT: lf_s32 bin0_s;
// HDR: extern const struct lf_mlp_params lf_mlp_params;
// HDR-NEXT: extern const lf_s8 lf_mlp_in_frac[4];
// HDR-NEXT: extern const lf_s8 lf_mlp_out_frac[2];
// HDR: int lf_mlp_infer(const void *params, const lf_s32 *in, lf_s32 *out);

// CHECK: #include "mlp.h"
// CHECK: _Static_assert(sizeof(struct lf_mlp_params) == [[SIZE:[0-9]+]]
// CHECK: .fc0_w = {
// CHECK-NEXT: 64, -32, 16, 8, 1, 2, 3, 4, -128, 127, 0, 5
// shift = in_frac 8 + weight_frac - out_frac 10
// CHECK: .fc0_shift = {
// CHECK-NEXT: 4, 4, 5
// CHECK: .fc0_lo = (-2147483647 - 1),
// CHECK-NEXT: .fc0_hi = 2147483647,
// CHECK: .lut0_shift = 9,
// CHECK-NEXT: .lut0_linear = 1,
// CHECK-NEXT: .lut0_symmetry = 1,
// CHECK-NEXT: .lut0_slope_frac = 24,
// CHECK-NEXT: .lut0_lo = -32768,
// CHECK-NEXT: .lut0_hi = 32767,
// clamp bounds quantized into the input format Q10; requant to Q12.
// CHECK-NEXT: .clamp0_min = 0,
// CHECK-NEXT: .clamp0_max = 6144,
// CHECK-NEXT: .clamp0_s = -2,
// add: common frac 8, rhs (Q4) shifted left by 4.
// CHECK: .bin0_la = 0,
// CHECK-NEXT: .bin0_lb = 4,
// CHECK-NEXT: .bin0_s = 0,
// CHECK: const lf_s8 lf_mlp_in_frac[4] = {
// CHECK-NEXT: 8, 8, 8, 8
// Userspace run-time dispatch: the same inference calling the AVX2 helpers
// directly (lf_fc_w8 has none).
// CHECK: #ifdef LF_AVX2_DISPATCH
// CHECK-NEXT: /* The inference below with the AVX2 helpers inlined
// CHECK-NEXT: LF_AVX2_INFER int lf_mlp_infer_avx2rt(const void *params, const lf_s32 *in, lf_s32 *out)
// CHECK: lf_fc_w8(in, 1, 4, 3,
// CHECK: lf_lut_s32_avx2(&t, b0, 3, p->lut0_lo, p->lut0_hi, b1);
// CHECK: lf_fc_w16_avx2(b0, 1, 3, 2,
// CHECK: return 0;
// CHECK-NEXT: }
// CHECK-NEXT: #endif
// CHECK: LF_INFER_ATTR int lf_mlp_infer(const void *params, const lf_s32 *in, lf_s32 *out)
// CHECK-NEXT: {
// CHECK-NEXT: const struct lf_mlp_params *p = params;
// CHECK-NEXT: lf_s32 b0[3] LF_NOINIT;
// CHECK-NEXT: lf_s32 b1[3] LF_NOINIT;
// CHECK-NEXT: struct lf_lut t LF_NOINIT;
// CHECK-NEXT: int i;
// CHECK-EMPTY:
// CHECK-NEXT: #ifdef LF_AVX2_DISPATCH
// CHECK-NEXT: if (lf_avx2_usable())
// CHECK-NEXT: return lf_mlp_infer_avx2rt(params, in, out);
// CHECK-NEXT: #endif
// CHECK-NEXT: lf_fc_w8(in, 1, 4, 3, p->fc0_w, p->fc0_b, p->fc0_shift,
// CHECK-NEXT: p->fc0_lo, p->fc0_hi, b0);
// CHECK-NEXT: t.table = p->lut0_table;
// CHECK-NEXT: t.n = 5;
// The whole tensor in one call (8 lanes at a time with AVX2).
// CHECK: lf_lut_s32(&t, b0, 3, p->lut0_lo, p->lut0_hi, b1);
// CHECK: b0[i] = (lf_s32)lf_requant(lf_sat(b1[i], p->clamp0_min, p->clamp0_max),
// CHECK: lf_fc_w16(b0, 1, 3, 2, p->fc1_w, p->fc1_b, p->fc1_shift,
// CHECK-NEXT: p->fc1_lo, p->fc1_hi, b1);
// The returned value is computed in place in out.
// CHECK-NEXT: for (i = 0; i < 2; i++)
// CHECK-NEXT: out[i] = (lf_s32)lf_add(b1[i], p->bin0_la, p->c0[i], p->bin0_lb,
// CHECK-NEXT: p->bin0_s, p->bin0_lo, p->bin0_hi);
// CHECK-NEXT: return 0;
// CHECK-NEXT: }

func.func @mlp(%x: tensor<1x4xf32>) -> tensor<1x2xf32> attributes {lf.input_names = ["obs"], lf.output_names = ["act"]} {
  %q = lf.quantize %x : tensor<1x4xf32> -> tensor<1x4x!lf.fixed<32, 8>>
  %h = lf.fc %q, weight = dense<[[64, -32, 16, 8], [1, 2, 3, 4], [-128, 127, 0, 5]]> : tensor<3x4xi8>, bias = dense<[256, -512, 0]> : tensor<3xi64> {weight_frac = array<i32: 6, 6, 7>} : tensor<1x4x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 10>>
  %t = lf.lut linear odd %h {table = array<i64: 0, 500, 800, 950, 1000>, start = 0, shift = 9 : i32, max_error = 0.01 : f64} : tensor<1x3x!lf.fixed<32, 10>> -> tensor<1x3x!lf.fixed<16, 10>>
  %r = lf.clamp %t, 0.0, 6.0 : tensor<1x3x!lf.fixed<16, 10>> -> tensor<1x3x!lf.fixed<32, 12>>
  %c = lf.constant dense<[[100], [200]]> : tensor<2x1xi32> -> tensor<2x1x!lf.fixed<32, 4>>
  %o = lf.fc %r, weight = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi16>, bias = dense<[0, 1]> : tensor<2xi64> {weight_frac = array<i32: 4, 4>} : tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x2x!lf.fixed<32, 8>>
  %s = lf.reshape %o : tensor<1x2x!lf.fixed<32, 8>> -> tensor<2x1x!lf.fixed<32, 8>>
  %a = lf.binary add %s, %c : tensor<2x1x!lf.fixed<32, 8>>, tensor<2x1x!lf.fixed<32, 4>> -> tensor<2x1x!lf.fixed<32, 8>>
  %a2 = lf.reshape %a : tensor<2x1x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %a2 : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
