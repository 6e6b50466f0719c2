// RUN: lf-opt %s -split-input-file --lf-test-evaluate="inputs=1,2" -verify-diagnostics

// FloatEvalOpInterface of each float-level op, through the interpreter
// (evaluateFloat). Every function takes the 2 inputs [1, 2].

// x = [1, 2]: fc rows 1 + 4 + 0.5 = 5.5 and 3 - 2 - 0.5 = 0.5; clamp to
// [0, 1].
// expected-remark @+1 {{results: 1.000000e+00, 5.000000e-01}}
func.func @fc_clamp(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = lf.fc %x, weight = dense<[[1.0, 2.0], [3.0, -1.0]]> : tensor<2x2xf32>, bias = dense<[0.5, -0.5]> : tensor<2xf32> : tensor<1x2xf32> -> tensor<1x2xf32>
  %1 = lf.clamp %0, 0.0, 1.0 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// Broadcast [1, 2] (2x1) against [10, 20, 30] (1x3), then divide by 2.
// expected-remark @+1 {{results: 5.500000e+00, 1.050000e+01, 1.550000e+01, 6.000000e+00, 1.100000e+01, 1.600000e+01}}
func.func @broadcast(%x: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %c = lf.constant dense<[[10.0, 20.0, 30.0]]> : tensor<1x3xf32> -> tensor<1x3xf32>
  %two = lf.constant dense<2.0> : tensor<1xf32> -> tensor<1xf32>
  %0 = lf.binary add %x, %c : tensor<2x1xf32>, tensor<1x3xf32> -> tensor<2x3xf32>
  %1 = lf.binary div %0, %two : tensor<2x3xf32>, tensor<1xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// max and sum of [1, 2] are 2 and 3; concat [3, 2], gather [2, 3]; the
// matmul [3, 2] . [2, 3]^T = 12; leaky relu of -12 with alpha 0.5 is -6.
// expected-remark @+1 {{results: 2.000000e+00, 3.000000e+00, -6.000000e+00}}
func.func @data(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x1xf32>) {
  %m = lf.reduce max %x, axis = 1 : tensor<1x2xf32> -> tensor<1x1xf32>
  %s = lf.reduce sum %x, axis = 1 : tensor<1x2xf32> -> tensor<1x1xf32>
  %c = lf.concat %s, %m axis = 1 : tensor<1x1xf32>, tensor<1x1xf32> -> tensor<1x2xf32>
  %g = lf.gather %c, indices = [1, 0] : tensor<1x2xf32> -> tensor<1x2xf32>
  %r = lf.reshape %g : tensor<1x2xf32> -> tensor<2x1xf32>
  %p = lf.matmul %c, %r : tensor<1x2xf32>, tensor<2x1xf32> -> tensor<1x1xf32>
  %z = lf.constant dense<0.0> : tensor<1x1xf32> -> tensor<1x1xf32>
  %n = lf.binary sub %z, %p : tensor<1x1xf32>, tensor<1x1xf32> -> tensor<1x1xf32>
  %l = lf.activation leaky_relu %n {alpha = 5.000000e-01 : f64} : tensor<1x1xf32> -> tensor<1x1xf32>
  return %g, %l : tensor<1x2xf32>, tensor<1x1xf32>
}

// -----

// softmax([1, 2]) = [1, e] / (1 + e).
// expected-remark @+1 {{results: 2.689414e-01, 7.310586e-01}}
func.func @softmax(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = lf.softmax %x, axis = 1 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Direct convolution of [1, 2] with kernel [1, 10], padded by one on the
// left: [10 * 1, 1 + 10 * 2] = [10, 21].
// expected-remark @+1 {{results: 1.000000e+01, 2.100000e+01}}
func.func @conv1d(%x: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %0 = lf.conv1d %x, weight = dense<[[[1.0, 10.0]]]> : tensor<1x1x2xf32>, bias = dense<0.0> : tensor<1xf32> {dilation = 1 : i64, group = 1 : i64, pad_begin = 1 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x1x2xf32> -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}
