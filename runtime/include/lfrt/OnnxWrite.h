//===- OnnxWrite.h - the tuned float model back to ONNX ---------*- C++ -*-===//
//
// Writes a fresh ONNX graph (opset 13) from the float-level lf function with
// its tuned weights: fc -> Gemm(transB=1) with the weights/biases as
// initializers "<fcN>.weight"/"<fcN>.bias"; binary -> Add/Sub/Mul/Div;
// clamp -> Clip; activations -> Tanh/Sigmoid/Exp/Softplus/Elu/Selu/
// HardSigmoid/LeakyRelu/Softsign; reduce -> ReduceSum/ReduceMax (keepdims);
// concat -> Concat; reshape -> Reshape; matmul -> MatMul; softmax ->
// Softmax; lf.constant -> an initializer. The result re-imports with lfc
// into the same float-level function (a round trip the tests check), so the
// ONNX stays the single source of truth across restarts.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_ONNXWRITE_H
#define LFRT_ONNXWRITE_H

#include "lfrt/NetSpec.h"

#include <string>

namespace lfrt {

bool writeOnnx(const NetSpec &spec, const std::string &path, std::string &err);

} // namespace lfrt

#endif
