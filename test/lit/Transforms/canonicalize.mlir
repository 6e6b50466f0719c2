// RUN: lf-opt %s --canonicalize --split-input-file | FileCheck %s

// mul then add by per-channel constants fold into the fc: w*s, (b*s)+c.
// CHECK-LABEL: func @fold_affine
// CHECK: lf.fc %{{.*}}, weight = dense<{{\[\[}}1.000000e+00, -5.000000e-01, 2.000000e+00], [6.250000e-02, 3.750000e-01, -2.500000e-01]]> : tensor<2x3xf32>, bias = dense<[1.200000e+00, 0.899999976]>
// CHECK-NOT: lf.binary
func.func @fold_affine(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %0 = lf.fc %x, weight = dense<[[0.5, -0.25, 1.0], [0.125, 0.75, -0.5]]> : tensor<2x3xf32>, bias = dense<[0.1, -0.2]> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  %s = lf.constant dense<[2.0, 0.5]> : tensor<2xf32> -> tensor<2xf32>
  %1 = lf.binary mul %0, %s : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %b = lf.constant dense<[1.0, 1.0]> : tensor<2xf32> -> tensor<2xf32>
  %2 = lf.binary add %1, %b : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----

// A constant that varies along the batch axis does not fold.
// CHECK-LABEL: func @no_fold_rows
// CHECK: lf.binary mul
func.func @no_fold_rows(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<2x3xf32> -> tensor<2x2xf32>
  %s = lf.constant dense<[[2.0], [3.0]]> : tensor<2x1xf32> -> tensor<2x1xf32>
  %1 = lf.binary mul %0, %s : tensor<2x2xf32>, tensor<2x1xf32> -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

// -----

// An fc with a second user keeps its own result.
// CHECK-LABEL: func @no_fold_shared
// CHECK: lf.binary add
func.func @no_fold_shared(%x: tensor<1x3xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %0 = lf.fc %x, weight = dense<1.0> : tensor<2x3xf32>, bias = dense<0.0> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  %b = lf.constant dense<1.0> : tensor<2xf32> -> tensor<2xf32>
  %1 = lf.binary add %0, %b : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func @reshape_fold
// CHECK-NEXT: %[[R:.*]] = lf.reshape %arg0 : tensor<1x6xf32> -> tensor<6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_fold(%x: tensor<1x6xf32>) -> tensor<6xf32> {
  %0 = lf.reshape %x : tensor<1x6xf32> -> tensor<2x3xf32>
  %1 = lf.reshape %0 : tensor<2x3xf32> -> tensor<6xf32>
  %2 = lf.reshape %1 : tensor<6xf32> -> tensor<6xf32>
  return %2 : tensor<6xf32>
}

// -----

// CHECK-LABEL: func @clamp_fold
// CHECK: lf.clamp %arg0, 0.000000e+00, 6.000000e+00
// CHECK-NOT: lf.clamp
func.func @clamp_fold(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = lf.clamp %x, 0.0, 6.0 : tensor<3xf32> -> tensor<3xf32>
  %1 = lf.clamp %0, -1.0, 10.0 : tensor<3xf32> -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// Division by a constant is a multiplication by its reciprocal.
// CHECK-LABEL: func @div_const
// CHECK: %[[R:.*]] = lf.constant dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>
// CHECK: lf.binary mul %arg0, %[[R]]
// CHECK-NOT: lf.binary div
func.func @div_const(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c = lf.constant dense<[2.0, -4.0]> : tensor<2xf32> -> tensor<2xf32>
  %0 = lf.binary div %x, %c : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A zero divisor keeps the (saturating) division; so does a run-time one.
// CHECK-LABEL: func @div_zero
// CHECK: lf.binary div %arg0, %{{.*}}
// CHECK: lf.binary div %{{.*}}, %arg1
func.func @div_zero(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c = lf.constant dense<[2.0, 0.0]> : tensor<2xf32> -> tensor<2xf32>
  %0 = lf.binary div %x, %c : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %1 = lf.binary div %0, %y : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// An identity gather folds away; a gather of a gather composes.
// CHECK-LABEL: func @gather_fold
// CHECK-NEXT: %[[G:.*]] = lf.gather %arg0, indices = [2, 1] : tensor<3xf32> -> tensor<2xf32>
// CHECK-NEXT: return %[[G]]
func.func @gather_fold(%x: tensor<3xf32>) -> tensor<2xf32> {
  %0 = lf.gather %x, indices = [0, 1, 2] : tensor<3xf32> -> tensor<3xf32>
  %1 = lf.gather %0, indices = [2, 1, 0] : tensor<3xf32> -> tensor<3xf32>
  %2 = lf.gather %1, indices = [0, 1] : tensor<3xf32> -> tensor<2xf32>
  return %2 : tensor<2xf32>
}
