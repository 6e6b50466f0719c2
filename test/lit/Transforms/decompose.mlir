// RUN: lf-opt %s --lf-decompose | FileCheck %s

// CHECK-LABEL: func @softmax
// CHECK: %[[M:.*]] = lf.reduce max %arg0, axis = 1 : tensor<2x3xf32> -> tensor<2x1xf32>
// CHECK: %[[D:.*]] = lf.binary sub %arg0, %[[M]] : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
// CHECK: %[[E:.*]] = lf.activation exp %[[D]]
// CHECK: %[[S:.*]] = lf.reduce sum %[[E]], axis = 1
// CHECK: %[[R:.*]] = lf.binary div %[[E]], %[[S]] : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = lf.softmax %x, axis = 1 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func @axis0
// CHECK: lf.reduce max %arg0, axis = 0 : tensor<2x3xf32> -> tensor<1x3xf32>
func.func @axis0(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = lf.softmax %x, axis = 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Other ops are left alone.
// CHECK-LABEL: func @untouched
// CHECK-NEXT: lf.activation tanh
// CHECK-NEXT: return
func.func @untouched(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = lf.activation tanh %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Conv1d: kernel [1, 2] over length 3 with pad_begin 1, stride 1 gives
// Lout 3; row t of the Toeplitz matrix holds w[0] at column t-1 and w[1]
// at column t; the bias repeats along the output positions.
// CHECK-LABEL: func @conv1d
// CHECK: %[[X:.*]] = lf.reshape %arg0 : tensor<1x1x3xf32> -> tensor<1x3xf32>
// CHECK: %[[Y:.*]] = lf.fc %[[X]], weight = dense<{{\[\[}}2.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 2.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 2.000000e+00]]> : tensor<3x3xf32>, bias = dense<5.000000e-01> : tensor<3xf32> : tensor<1x3xf32> -> tensor<1x3xf32>
// CHECK: lf.reshape %[[Y]] : tensor<1x3xf32> -> tensor<1x1x3xf32>
// CHECK-NOT: lf.conv1d
func.func @conv1d(%x: tensor<1x1x3xf32>) -> tensor<1x1x3xf32> {
  %0 = lf.conv1d %x, weight = dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>, bias = dense<0.5> : tensor<1xf32> {dilation = 1 : i64, group = 1 : i64, pad_begin = 1 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x1x3xf32> -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// Grouped, dilated, strided: two groups of one channel each; output
// channel 1 reads input channel 1 only (columns 4..7).
// CHECK-LABEL: func @conv1d_group
// CHECK: lf.fc %{{.*}}, weight = dense<{{\[\[}}1.000000e+00, 0.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, 0.000000e+00, 7.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
func.func @conv1d_group(%x: tensor<1x2x4xf32>) -> tensor<1x2x1xf32> {
  %0 = lf.conv1d %x, weight = dense<[[[1.0, 3.0]], [[5.0, 7.0]]]> : tensor<2x1x2xf32>, bias = dense<0.0> : tensor<2xf32> {dilation = 2 : i64, group = 2 : i64, pad_begin = 0 : i64, pad_end = 0 : i64, stride = 2 : i64} : tensor<1x2x4xf32> -> tensor<1x2x1xf32>
  return %0 : tensor<1x2x1xf32>
}
