// RUN: lf-opt %s --lf-decompose -verify-diagnostics

// A Toeplitz matrix over 2^24 entries is refused, not built.
func.func @huge(%x: tensor<1x64x512xf32>) -> tensor<1x64x512xf32> {
  // expected-error @+1 {{convolution too large to unroll into a 32768x32768 matrix}}
  %0 = lf.conv1d %x, weight = dense<1.0> : tensor<64x64x1xf32>, bias = dense<0.0> : tensor<64xf32> {dilation = 1 : i64, group = 1 : i64, pad_begin = 0 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x64x512xf32> -> tensor<1x64x512xf32>
  return %0 : tensor<1x64x512xf32>
}
