// RUN: lf-translate --lf-to-c %s | FileCheck %s

// Softmax as -lf-decompose / -lf-quantize / -lf-lower-activations leave it:
// reduce max, sub (broadcast), exp table, reduce sum, div (broadcast), and a
// concat of the input with the result.

// CHECK: .red0_s = 0,
// CHECK: .bin0_la = 0,
// CHECK-NEXT: .bin0_lb = 0,
// CHECK-NEXT: .bin0_s = 0,
// CHECK: .lut0_start = -1024,
// div: s = 12 - 12 - 14
// CHECK: .bin1_s = -14,
// concat: Q8 -> Q14 and Q14 -> Q14
// CHECK: .cat0_s = {
// CHECK-NEXT: -6, 0
// CHECK: int lf_smax_infer(
// CHECK: lf_s64 acc;
// CHECK-NEXT: int i, j;
// reduce max over 3 elements
// CHECK: acc = in[0];
// CHECK-NEXT: for (j = 1; j < 3; j++)
// CHECK-NEXT: if (in[j] > acc)
// CHECK-NEXT: acc = in[j];
// CHECK-NEXT: [[M:b[0-9]+]][0] = (lf_s32)lf_requant(acc, p->red0_s, p->red0_lo,
// sub broadcasts the max
// CHECK: for (i = 0; i < 3; i++)
// CHECK-NEXT: [[S:b[0-9]+]][i] = (lf_s32)lf_sub(in[i], p->bin0_la, [[M]][0], p->bin0_lb,
// CHECK: lf_lut_s32(&t, [[S]], 3, p->lut0_lo, p->lut0_hi,
// CHECK: acc = 0;
// CHECK-NEXT: for (j = 0; j < 3; j++)
// CHECK-NEXT: acc += [[E:b[0-9]+]][j];
// CHECK: lf_div([[E]][i], [[Z:b[0-9]+]][0], p->bin1_s,
// concat writes both parts of out
// CHECK: for (j = 0; j < 3; j++)
// CHECK-NEXT: out[j] = (lf_s32)lf_requant(in[j],
// CHECK-NEXT: p->cat0_s[0], p->cat0_lo, p->cat0_hi);
// CHECK-NEXT: for (j = 0; j < 3; j++)
// CHECK-NEXT: out[j + 3] = (lf_s32)lf_requant([[P:b[0-9]+]][j],
// CHECK-NEXT: p->cat0_s[1], p->cat0_lo, p->cat0_hi);
// CHECK-NEXT: return 0;

func.func @smax(%x: tensor<1x3xf32>) -> tensor<1x6xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 8>>
  %m = lf.reduce max %q, axis = 1 : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %s = lf.binary sub %q, %m : tensor<1x3x!lf.fixed<32, 8>>, tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 8>>
  %e = lf.lut linear none %s {table = array<i64: 75, 204, 554, 1507, 4096>, start = -1024, shift = 8 : i32} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 12>>
  %z = lf.reduce sum %e, axis = 1 : tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x1x!lf.fixed<32, 12>>
  %p = lf.binary div %e, %z : tensor<1x3x!lf.fixed<32, 12>>, tensor<1x1x!lf.fixed<32, 12>> -> tensor<1x3x!lf.fixed<32, 14>>
  %c = lf.concat %q, %p axis = 1 : tensor<1x3x!lf.fixed<32, 8>>, tensor<1x3x!lf.fixed<32, 14>> -> tensor<1x6x!lf.fixed<32, 14>>
  %d = lf.dequantize %c : tensor<1x6x!lf.fixed<32, 14>> -> tensor<1x6xf32>
  return %d : tensor<1x6xf32>
}
