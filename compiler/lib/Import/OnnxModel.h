//===- OnnxModel.h - Plain C++ view of an ONNX model -------------*- C++
//-*-===//
//
// The ONNX-facing half of the importer (OnnxModel.cpp) is the only code that
// touches protobuf and libonnx; it is compiled with exceptions and turns every
// ONNX failure into an error string. Everything it hands on is plain C++ data,
// so the MLIR-facing half (OnnxImport.cpp) stays exception-free, and tests can
// edit a model (e.g. turn graph inputs into initializers) without protobuf.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_IMPORT_ONNXMODEL_H
#define LFC_IMPORT_ONNXMODEL_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lfc::onnx {

/// TensorProto::DataType values used here.
enum DataType : int32_t {
  DT_UNDEFINED = 0,
  DT_FLOAT = 1,
  DT_UINT8 = 2,
  DT_INT8 = 3,
  DT_UINT16 = 4,
  DT_INT16 = 5,
  DT_INT32 = 6,
  DT_INT64 = 7,
  DT_STRING = 8,
  DT_BOOL = 9,
  DT_FLOAT16 = 10,
  DT_DOUBLE = 11,
  DT_UINT32 = 12,
  DT_UINT64 = 13,
};
const char *dataTypeName(int32_t dt);

/// A tensor with its numeric contents decoded to double.
struct Tensor {
  std::string name;
  int32_t dataType = DT_UNDEFINED;
  std::vector<int64_t> dims;
  std::vector<double> values; ///< row-major; valid iff `decoded`
  bool decoded = false;
  bool external = false;   ///< stored as external data
  std::string decodeError; ///< why `decoded` is false
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }
};

/// AttributeProto::AttributeType values.
enum AttrType : int32_t {
  AT_UNDEFINED = 0,
  AT_FLOAT = 1,
  AT_INT = 2,
  AT_STRING = 3,
  AT_TENSOR = 4,
  AT_GRAPH = 5,
  AT_FLOATS = 6,
  AT_INTS = 7,
  AT_STRINGS = 8,
  AT_SPARSE_TENSOR = 11,
};

struct Attribute {
  std::string name;
  int32_t type = AT_UNDEFINED;
  double f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<double> floats;
  std::vector<int64_t> ints;
  std::shared_ptr<Tensor> t;
};

struct Node {
  std::string name, opType, domain;
  std::vector<std::string> inputs, outputs;
  std::vector<Attribute> attrs;
  const Attribute *attr(const std::string &n) const {
    for (const Attribute &a : attrs)
      if (a.name == n)
        return &a;
    return nullptr;
  }
};

struct Dim {
  bool known = false;
  int64_t value = 0;
  std::string param; ///< symbolic name, if any
};

struct ValueInfo {
  std::string name;
  bool isTensor = false; ///< false: sequence/map/optional/unset type
  int32_t elemType = DT_UNDEFINED;
  bool hasShape = false;
  std::vector<Dim> dims;
};

struct Model {
  int64_t irVersion = 0;
  int64_t opset = 0; ///< ai.onnx opset
  std::string producer;
  std::string graphName;
  std::vector<ValueInfo> inputs, outputs;
  std::vector<Tensor> initializers;
  std::vector<Node> nodes;
  std::map<std::string, ValueInfo> valueInfo; ///< inferred intermediate types
  /// Set when libonnx could not check the model at its own opset (18, 19)
  /// and checked a copy with the opset lowered to the highest it knows.
  bool checkedAtLowerOpset = false;
};

/// Options of loadModel.
struct LoadOptions {
  bool runChecker = true;
  bool runShapeInference = true;
  /// Reject opsets outside [kMinOpset, kMaxOpset]. Tests turn this off to
  /// run ONNX node tests that declare the op's own (old) opset, e.g. Elu-6.
  bool checkOpsetRange = true;
};

/// Parses a serialized ModelProto, runs onnx::checker::check_model and
/// onnx::shape_inference::InferShapes and converts it. On failure returns
/// false and sets `error` to one line of text. Never throws.
bool loadModel(const void *data, size_t size, Model &out, std::string &error,
               const LoadOptions &options = LoadOptions());

/// Parses a serialized TensorProto (the backend tests' input_N.pb files).
bool loadTensor(const void *data, size_t size, Tensor &out, std::string &error);

/// Lowest and highest ai.onnx opset the importer accepts.
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 19;

} // namespace lfc::onnx

#endif // LFC_IMPORT_ONNXMODEL_H
