// RUN: lf-opt %s --lf-quantize="input-range=-1,1 result-frac=31 saturate-pinned=1" -verify-diagnostics | FileCheck %s

// The range [-1.5, 1.5] needs frac 30; pinned at 31 (max ~1) it saturates.
// CHECK-LABEL: func @saturate
// CHECK: lf.dequantize %{{.*}} : tensor<1x1x!lf.fixed<32, 31>>
func.func @saturate(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %0 = lf.fc %x, weight = dense<0.75> : tensor<1x2xf32>, bias = dense<0.0> : tensor<1xf32> : tensor<1x2xf32> -> tensor<1x1xf32>
  // expected-warning @+1 {{result 0 pinned at 31 fractional bits saturates beyond +-1.000000e+00 (its range needs at most 30)}}
  return %0 : tensor<1x1xf32>
}
