// RUN: lf-translate --lf-to-c %s | FileCheck %s

// A gather copies input elements by a parameter index map, in the input's
// format: a transpose of a 2x3 input, then a slice of the clamp's result.
// CHECK: .gather0_i = {
// CHECK-NEXT: 0, 3, 1, 4, 2, 5
// CHECK: .gather1_i = {
// CHECK-NEXT: 5, 4
// CHECK: int lf_tr_infer(
// CHECK: for (i = 0; i < 6; i++)
// CHECK-NEXT: [[T:b[0-9]+]][i] = in[p->gather0_i[i]];
// CHECK: for (i = 0; i < 6; i++)
// CHECK-NEXT: [[C:b[0-9]+]][i] =
// CHECK: for (i = 0; i < 2; i++)
// CHECK-NEXT: [[S:b[0-9]+]][i] = [[C]][p->gather1_i[i]];
// CHECK: out[i] = [[S]][i];

func.func @tr(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %q = lf.quantize %x : tensor<2x3xf32> -> tensor<2x3x!lf.fixed<32, 8>>
  %t = lf.gather %q, indices = [0, 3, 1, 4, 2, 5] : tensor<2x3x!lf.fixed<32, 8>> -> tensor<3x2x!lf.fixed<32, 8>>
  %c = lf.clamp %t, 0.0, 1.0 : tensor<3x2x!lf.fixed<32, 8>> -> tensor<3x2x!lf.fixed<32, 8>>
  %s = lf.gather %c, indices = [5, 4] : tensor<3x2x!lf.fixed<32, 8>> -> tensor<2x!lf.fixed<32, 8>>
  %d = lf.dequantize %s : tensor<2x!lf.fixed<32, 8>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}
