// An Aurora-shaped policy head at the float level, with a BatchNorm-like
// affine step that the canonicalizer folds into the fully connected layer.
func.func @policy(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %0 = lf.fc %x, weight = dense<[[0.5, -0.25, 1.0], [0.125, 0.75, -0.5]]> : tensor<2x3xf32>, bias = dense<[0.1, -0.2]> : tensor<2xf32> : tensor<1x3xf32> -> tensor<1x2xf32>
  %s = lf.constant dense<[2.0, 0.5]> : tensor<2xf32> -> tensor<2xf32>
  %1 = lf.binary mul %0, %s : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %b = lf.constant dense<[1.0, 1.0]> : tensor<2xf32> -> tensor<2xf32>
  %2 = lf.binary add %1, %b : tensor<1x2xf32>, tensor<2xf32> -> tensor<1x2xf32>
  %3 = lf.activation tanh %2 : tensor<1x2xf32> -> tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}
