// RUN: lf-opt %s -split-input-file --lf-test-ranges="input-range=-1,2" -verify-diagnostics

// RangeOpInterface of each float-level op; inputs in [-1, 2]. The remark is
// the hull over all elements of the result.

func.func @fc(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // 0.5 x0 - x1 + 1 in [-0.5 - 2 + 1, 1 + 1 + 1] = [-1.5, 3] and
  // 2 x0 + 0 x1 - 1 in [-2 - 1, 4 - 1] = [-3, 3]: hull [-3, 3].
  // expected-remark @+1 {{range [-3.000000e+00, 3.000000e+00]}}
  %0 = lf.fc %x, weight = dense<[[0.5, -1.0], [2.0, 0.0]]> : tensor<2x2xf32>, bias = dense<[1.0, -1.0]> : tensor<2xf32> : tensor<1x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @matmul(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-remark @+1 {{range [-1.000000e+00, 2.000000e+00]}}
  %t = lf.reshape %x : tensor<1x2xf32> -> tensor<2x1xf32>
  // x x^T: each product in [-1, 2] x [-1, 2] = [-2, 4], two of them.
  // expected-remark @+1 {{range [-4.000000e+00, 8.000000e+00]}}
  %0 = lf.matmul %x, %t : tensor<1x2xf32>, tensor<2x1xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @binary(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-remark @+1 {{range [4.000000e+00, 4.000000e+00]}}
  %c = lf.constant dense<4.0> : tensor<1xf32> -> tensor<1xf32>
  // expected-remark @+1 {{range [3.000000e+00, 6.000000e+00]}}
  %a = lf.binary add %x, %c : tensor<2xf32>, tensor<1xf32> -> tensor<2xf32>
  // [-1, 2] - [3, 6] = [-7, -1]
  // expected-remark @+1 {{range [-7.000000e+00, -1.000000e+00]}}
  %s = lf.binary sub %x, %a : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  // [-7, -1] * [-1, 2] = [-14, 7]
  // expected-remark @+1 {{range [-1.400000e+01, 7.000000e+00]}}
  %m = lf.binary mul %s, %x : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  // [-1, 2] / [3, 6] = [-1/3, 2/3]
  // expected-remark @+1 {{range [-3.333333e-01, 6.666667e-01]}}
  %d = lf.binary div %x, %a : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

func.func @clamp_activation(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-remark @+1 {{range [0.000000e+00, 1.000000e+00]}}
  %0 = lf.clamp %x, 0.0, 1.0 : tensor<2xf32> -> tensor<2xf32>
  // sigmoid is increasing: [sigmoid(-1), sigmoid(2)].
  // expected-remark @+1 {{range [2.689414e-01, 8.807971e-01]}}
  %1 = lf.activation sigmoid %x : tensor<2xf32> -> tensor<2xf32>
  // expected-remark @+1 {{range [-7.615942e-01, 9.640276e-01]}}
  %2 = lf.activation tanh %x : tensor<2xf32> -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

// The stable softmax: x - max(x) <= 0 and the sum of exp(x - max) >= 1.
func.func @softmax_parts(%x: tensor<1x3xf32>) -> tensor<1x1xf32> {
  // expected-remark @+1 {{range [-1.000000e+00, 2.000000e+00]}}
  %m = lf.reduce max %x, axis = 1 : tensor<1x3xf32> -> tensor<1x1xf32>
  // [-1, 2] - [-1, 2] = [-3, 3], capped at 0.
  // expected-remark @+1 {{range [-3.000000e+00, 0.000000e+00]}}
  %d = lf.binary sub %x, %m : tensor<1x3xf32>, tensor<1x1xf32> -> tensor<1x3xf32>
  // expected-remark @+1 {{range [4.978707e-02, 1.000000e+00]}}
  %e = lf.activation exp %d : tensor<1x3xf32> -> tensor<1x3xf32>
  // 3 x [e^-3, 1], raised to at least 1.
  // expected-remark @+1 {{range [1.000000e+00, 3.000000e+00]}}
  %s = lf.reduce sum %e, axis = 1 : tensor<1x3xf32> -> tensor<1x1xf32>
  return %s : tensor<1x1xf32>
}

// -----

func.func @data_movement(%x: tensor<2xf32>) -> tensor<3xf32> {
  // expected-remark @+1 {{range [5.000000e+00, 5.000000e+00]}}
  %c = lf.constant dense<5.0> : tensor<1xf32> -> tensor<1xf32>
  // expected-remark @+1 {{range [-1.000000e+00, 5.000000e+00]}}
  %0 = lf.concat %x, %c axis = 0 : tensor<2xf32>, tensor<1xf32> -> tensor<3xf32>
  // Only the constant element: [5, 5].
  // expected-remark @+1 {{range [5.000000e+00, 5.000000e+00]}}
  %1 = lf.gather %0, indices = [2, 2, 2] : tensor<3xf32> -> tensor<3xf32>
  return %1 : tensor<3xf32>
}
