// RUN: lf-opt %s | lf-opt | FileCheck %s
// RUN: lf-opt %s --mlir-print-op-generic | lf-opt | FileCheck %s

// CHECK-LABEL: func @types
// CHECK-SAME: tensor<4x!lf.fixed<32, 16>>
// CHECK-SAME: tensor<2x!lf.fixed<16, -2>>
// CHECK-SAME: tensor<1x!lf.fixed<8, 7>>
// CHECK-SAME: tensor<1x!lf.fixed<64, 40>>
func.func @types(%a: tensor<4x!lf.fixed<32, 16>>, %b: tensor<2x!lf.fixed<16, -2>>,
                 %c: tensor<1x!lf.fixed<8, 7>>, %d: tensor<1x!lf.fixed<64, 40>>) {
  return
}

// CHECK-LABEL: func @float_level
func.func @float_level(%x: tensor<1x3xf32>, %y: tensor<1x2xf32>) -> tensor<1x4xf32> {
  // CHECK: lf.fc %{{.*}}, weight = dense<{{.*}}> : tensor<2x3xf32>, bias = dense<{{.*}}> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  %0 = lf.fc %x, weight = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>, bias = dense<[0.5, -0.5]> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  // CHECK: lf.activation tanh
  %1 = lf.activation tanh %0 : tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.activation elu %{{.*}} {alpha = 1.000000e+00 : f64}
  %2 = lf.activation elu %1 {alpha = 1.0 : f64} : tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.clamp %{{.*}}, 0.000000e+00, 6.000000e+00
  %3 = lf.clamp %2, 0.0, 6.0 : tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.constant dense<2.000000e+00> : tensor<2xf32> -> tensor<2xf32>
  %c = lf.constant dense<2.0> : tensor<2xf32> -> tensor<2xf32>
  // CHECK: lf.binary add
  %4 = lf.binary add %3, %c : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  // CHECK: lf.binary sub
  %5 = lf.binary sub %4, %y : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.binary div
  %6 = lf.binary div %5, %y : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.softmax %{{.*}}, axis = 1
  %7 = lf.softmax %6, axis = 1 : tensor<1x2xf32> -> tensor<1x2xf32>
  // CHECK: lf.reduce max %{{.*}}, axis = 1
  %8 = lf.reduce max %7, axis = 1 : tensor<1x2xf32> -> tensor<1x1xf32>
  // CHECK: lf.reduce sum
  %9 = lf.reduce sum %7, axis = 1 : tensor<1x2xf32> -> tensor<1x1xf32>
  // CHECK: lf.concat %{{.*}}, %{{.*}} axis = 1
  %10 = lf.concat %8, %9 axis = 1 : tensor<1x1xf32>, tensor<1x1xf32> -> tensor<1x2xf32>
  // CHECK: lf.matmul
  %m = lf.reshape %10 : tensor<1x2xf32> -> tensor<2x1xf32>
  %11 = lf.matmul %7, %m : tensor<1x2xf32>, tensor<2x1xf32> -> tensor<1x1xf32>
  %12 = lf.concat %10, %7 axis = 1 : tensor<1x2xf32>, tensor<1x2xf32> -> tensor<1x4xf32>
  return %12 : tensor<1x4xf32>
}

// CHECK-LABEL: func @fixed_level
func.func @fixed_level(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  // CHECK: lf.quantize %{{.*}} : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 24>>
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 24>>
  // CHECK: lf.fc %{{.*}} {weight_frac = array<i32: 28, 27>}
  %0 = lf.fc %q, weight = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>, bias = dense<[7, 8]> : tensor<2xi64> {weight_frac = array<i32: 28, 27>} : tensor<1x3x!lf.fixed<32, 24>> -> tensor<1x2x!lf.fixed<32, 20>>
  // CHECK: lf.lut linear odd %{{.*}} {shift = 4 : i32, start = 0 : i64, table = array<i64: 0, 100, 200>}
  %1 = lf.lut linear odd %0 {table = array<i64: 0, 100, 200>, start = 0, shift = 4 : i32} : tensor<1x2x!lf.fixed<32, 20>> -> tensor<1x2x!lf.fixed<32, 30>>
  // CHECK: lf.constant dense<[256, -128]> : tensor<2xi32> -> tensor<2x!lf.fixed<32, 8>>
  %c = lf.constant dense<[256, -128]> : tensor<2xi32> -> tensor<2x!lf.fixed<32, 8>>
  %2 = lf.binary mul %1, %c : tensor<1x2x!lf.fixed<32, 30>>, tensor<2x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 28>>
  // CHECK: lf.dequantize %{{.*}} : tensor<1x2x!lf.fixed<32, 28>> -> tensor<1x2xf32>
  %3 = lf.dequantize %2 : tensor<1x2x!lf.fixed<32, 28>> -> tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}

// CHECK-LABEL: func @gather
// CHECK: lf.gather %arg0, indices = [2, 0, 1] : tensor<1x3xf32> -> tensor<3x1xf32>
// CHECK: lf.gather %{{.*}}, indices = [1] : tensor<2x!lf.fixed<32, 8>> -> tensor<1x!lf.fixed<32, 8>>
func.func @gather(%x: tensor<1x3xf32>, %q: tensor<2x!lf.fixed<32, 8>>) -> tensor<3x1xf32> {
  %0 = lf.gather %x, indices = [2, 0, 1] : tensor<1x3xf32> -> tensor<3x1xf32>
  %1 = lf.gather %q, indices = [1] : tensor<2x!lf.fixed<32, 8>> -> tensor<1x!lf.fixed<32, 8>>
  return %0 : tensor<3x1xf32>
}

// CHECK-LABEL: func @conv1d
// CHECK: lf.conv1d %arg0, weight = dense<1.000000e+00> : tensor<4x1x3xf32>, bias = dense<0.000000e+00> : tensor<4xf32> {dilation = 2 : i64, group = 2 : i64, pad_begin = 1 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x2x6xf32> -> tensor<1x4x3xf32>
func.func @conv1d(%x: tensor<1x2x6xf32>) -> tensor<1x4x3xf32> {
  %0 = lf.conv1d %x, weight = dense<1.0> : tensor<4x1x3xf32>, bias = dense<0.0> : tensor<4xf32> {dilation = 2 : i64, group = 2 : i64, pad_begin = 1 : i64, pad_end = 0 : i64, stride = 1 : i64} : tensor<1x2x6xf32> -> tensor<1x4x3xf32>
  return %0 : tensor<1x4x3xf32>
}
