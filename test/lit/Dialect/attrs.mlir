// RUN: lf-opt %s | lf-opt | FileCheck %s

// The declared discardable attributes (LfDialect::verifyOperationAttribute)
// in the forms the importer and the passes write them.

// CHECK-LABEL: func @named
// CHECK-SAME: lf.input_names = ["x"]
// CHECK-SAME: lf.opset = 13 : i64
// CHECK-SAME: lf.output_names = ["y", "z"]
// CHECK-SAME: lf.result_error_bounds = array<f64: 1.000000e-03, 0x7FF0000000000000>
func.func @named(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
    attributes {lf.input_names = ["x"], lf.output_names = ["y", "z"],
                lf.opset = 13 : i64,
                lf.result_error_bounds = array<f64: 1.0e-3, 0x7FF0000000000000>} {
  // CHECK: lf.activation tanh {{.*}}lf.range = array<f64: -1.000000e+00, 1.000000e+00>
  // CHECK-SAME: lf.result_range = array<f64: -7.616000e-01, 7.616000e-01>
  %0 = lf.activation tanh %x {lf.range = array<f64: -1.0, 1.0>, lf.result_range = array<f64: -0.7616, 0.7616>} : tensor<2xf32> -> tensor<2xf32>
  // CHECK: lf.clamp {{.*}}lf.error_bound = 0.000000e+00 : f64
  %1 = lf.clamp %x, 0.0, 1.0 {lf.error_bound = 0.0 : f64} : tensor<2xf32> -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// CHECK-LABEL: func @table
// CHECK: lf.lut {{.*}}lf.function = "sigmoid", lf.lipschitz = 2.500000e-01 : f64
func.func @table(%x: tensor<4x!lf.fixed<32, 28>>) -> tensor<4x!lf.fixed<32, 30>> {
  %0 = lf.lut linear none %x {table = array<i64: 0, 1>, start = 0, shift = 1 : i32, lf.function = "sigmoid", lf.lipschitz = 0.25 : f64} : tensor<4x!lf.fixed<32, 28>> -> tensor<4x!lf.fixed<32, 30>>
  return %0 : tensor<4x!lf.fixed<32, 30>>
}
