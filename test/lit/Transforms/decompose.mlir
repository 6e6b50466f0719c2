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
