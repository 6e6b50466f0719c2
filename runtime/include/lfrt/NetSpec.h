//===- NetSpec.h - plain-data view of a float-level lf function -*- C++ -*-===//
//
// The bridge between the MLIR side (no exceptions) and LibTorch/protobuf
// (exceptions): the float-level lf function (after lowerToFloat) as a list of
// ops in SSA order, with the fc weights and biases as trainable parameters.
// Value i is the result of ops[i]. Shapes are the function's (batch 1).
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_NETSPEC_H
#define LFRT_NETSPEC_H

#include <cstdint>
#include <string>
#include <vector>

namespace lfrt {

enum class OpKind {
  Input, Constant, Fc, MatMul, Binary, Clamp, Activation, Reduce, Concat,
  Reshape, Softmax, Gather
};
/// Same numbering as the lf dialect's enums.
enum BinKind { BinAdd = 0, BinSub = 1, BinMul = 2, BinDiv = 3 };
enum ActKind {
  ActTanh = 0, ActSigmoid, ActExp, ActSoftplus, ActElu, ActSelu,
  ActHardSigmoid, ActLeakyRelu, ActSoftsign, ActErf, ActAbs, ActHardSwish,
  ActLog
};
enum RedKind { RedSum = 0, RedMax = 1 };

struct NetOp {
  OpKind kind = OpKind::Input;
  std::vector<int> operands;     ///< value indices
  std::vector<int64_t> shape;    ///< result shape
  int sub = 0;                   ///< BinKind / ActKind / RedKind
  int64_t axis = 0;              ///< reduce, concat, softmax
  double a = 0, b = 0, c = 0;    ///< clamp min/max; activation alpha/beta/gamma
  std::vector<float> data;       ///< constant values (row-major)
  int param = -1;                ///< fc: params[param] weight, params[param+1] bias
  std::string name;              ///< input: graph input name
  std::vector<int64_t> indices;  ///< gather: flat input index of each element
};

struct NetParam {
  std::string name;              ///< "fcN.weight" / "fcN.bias"
  std::vector<int64_t> shape;
  std::vector<float> values;
};

struct NetSpec {
  std::vector<NetOp> ops;
  std::vector<int> inputs, outputs;  ///< value indices, in argument/result order
  std::vector<std::string> outputNames;
  std::vector<NetParam> params;
  int64_t nIn = 0, nOut = 0;         ///< scalars over all inputs / outputs
  std::string funcName;
};

int64_t numElements(const std::vector<int64_t> &shape);

} // namespace lfrt

#endif
