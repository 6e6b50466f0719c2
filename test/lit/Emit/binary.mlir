// RUN: lf-translate --lf-to-c %s --split-input-file | FileCheck %s

// Fracs more than 31 apart: the common format is min(fa, fb) + 31 and the
// finer operand gets a rounded right pre-shift (negative la).
// CHECK-LABEL: const struct lf_gap_params lf_gap_params = {
// CHECK-DAG: .bin0_la = -9,
// CHECK-DAG: .bin0_lb = 31,
// CHECK-DAG: .bin0_s = 23,
func.func @gap(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  %a = lf.quantize %x : tensor<2xf32> -> tensor<2x!lf.fixed<32, 40>>
  %b = lf.quantize %y : tensor<2xf32> -> tensor<2x!lf.fixed<32, 0>>
  %s = lf.binary add %a, %b : tensor<2x!lf.fixed<32, 40>>, tensor<2x!lf.fixed<32, 0>> -> tensor<2x!lf.fixed<32, 8>>
  %d = lf.dequantize %s : tensor<2x!lf.fixed<32, 8>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

// Broadcast of a column against a row: nested loops with stride-0 operands;
// mul shift fa + fb - fo; 16-bit output bounds.
// CHECK: .bin0_s = 4,
// CHECK-NEXT: .bin0_lo = -32768,
// CHECK-NEXT: .bin0_hi = 32767,
// CHECK: int lf_outer_infer(
// CHECK: int d0, d1;
// CHECK: for (d0 = 0; d0 < 2; d0++)
// CHECK-NEXT: for (d1 = 0; d1 < 3; d1++)
// CHECK-NEXT: out[d0 * 3 + d1] = (lf_s32)lf_mul(in[d0], (in + 2)[d1], p->bin0_s,
func.func @outer(%x: tensor<2x1xf32>, %y: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %a = lf.quantize %x : tensor<2x1xf32> -> tensor<2x1x!lf.fixed<32, 8>>
  %b = lf.quantize %y : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 4>>
  %m = lf.binary mul %a, %b : tensor<2x1x!lf.fixed<32, 8>>, tensor<1x3x!lf.fixed<32, 4>> -> tensor<2x3x!lf.fixed<16, 8>>
  %d = lf.dequantize %m : tensor<2x3x!lf.fixed<16, 8>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// An input returned as is is copied; matmul shift fa + fb - fo.
// CHECK: .mm0_s = 6,
// CHECK: lf_matmul(in, (in + 4), 1, 2, 2, 2, p->mm0_s,
// CHECK-NEXT: p->mm0_lo, p->mm0_hi, out);
// CHECK-NEXT: for (i = 0; i < 4; i++)
// CHECK-NEXT: out[i + 4] = in[i];
func.func @mm(%x: tensor<2x2xf32>, %y: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %a = lf.quantize %x : tensor<2x2xf32> -> tensor<2x2x!lf.fixed<32, 8>>
  %b = lf.quantize %y : tensor<2x2xf32> -> tensor<2x2x!lf.fixed<32, 8>>
  %m = lf.matmul %a, %b : tensor<2x2x!lf.fixed<32, 8>>, tensor<2x2x!lf.fixed<32, 8>> -> tensor<2x2x!lf.fixed<32, 10>>
  %d0 = lf.dequantize %m : tensor<2x2x!lf.fixed<32, 10>> -> tensor<2x2xf32>
  %d1 = lf.dequantize %a : tensor<2x2x!lf.fixed<32, 8>> -> tensor<2x2xf32>
  return %d0, %d1 : tensor<2x2xf32>, tensor<2x2xf32>
}
