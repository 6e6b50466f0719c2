//===- OnnxTestUtil.h - Run ONNX models through lfc in tests ------*- C++
//-*-===//
//
// Shared by the ONNX backend node tests (test/onnx) and the PyTorch model
// tests (test/models). A Runner takes a loaded model and its run-time inputs
// and returns its outputs; runFloat is the float-level importer+interpreter
// runner. A fixed-point twin runner can be dropped in with the same shape.
//
//===----------------------------------------------------------------------===//
#ifndef LF_TEST_ONNXTESTUTIL_H
#define LF_TEST_ONNXTESTUTIL_H

#include "OnnxModel.h"

#include <functional>
#include <string>
#include <vector>

namespace lftest {

struct RunResult {
  bool ok = false;
  std::string error;                        ///< diagnostics, if !ok
  std::vector<std::vector<double>> outputs; ///< one per graph output
};

/// `modelPath` names the model in diagnostics; `model` may have been edited
/// (e.g. inputs turned into initializers); `inputs` are the run-time inputs
/// in the order of the function arguments (graph inputs that are not
/// initializers).
using Runner = std::function<RunResult(
    const std::string &modelPath, const lfc::onnx::Model &model,
    const std::vector<std::vector<double>> &inputs)>;

/// Imports with mlir::lf::importOnnxModel and evaluates with
/// mlir::lf::evaluateFloat.
RunResult runFloat(const std::string &modelPath, const lfc::onnx::Model &model,
                   const std::vector<std::vector<double>> &inputs);

bool readFile(const std::string &path, std::string &out);

/// Loads a model file; returns false with `error` set.
bool loadModelFile(const std::string &path, lfc::onnx::Model &model,
                   std::string &error);
/// Loads a TensorProto file.
bool loadTensorFile(const std::string &path, lfc::onnx::Tensor &t,
                    std::string &error);

/// Moves graph inputs [first, end) into initializers with the given values
/// (a test's inputs become constant weights).
void makeInputsConstant(lfc::onnx::Model &model, size_t first,
                        const std::vector<lfc::onnx::Tensor> &values);

/// One ONNX backend node test, loaded and prepared for a Runner.
enum Variant : unsigned { RT = 1, CONST = 2, BOTH = 3 };
/// A node test by directory name, with the Variant bits that must pass (the
/// rows of passing.inc and twin_passing.inc).
struct NodeCase {
  const char *name;
  unsigned variants;
};
struct NodeTestData {
  std::string modelPath;
  lfc::onnx::Model model;                    ///< edited for the variant
  std::vector<std::vector<double>> inputs;   ///< run-time inputs
  std::vector<std::vector<double>> expected; ///< one per graph output
};
/// Loads DIR/model.onnx and DIR/test_data_set_0 for variant `v` (RT: every
/// graph input at run time; CONST: inputs 1.. become initializers). Returns
/// "" on success, else why not ("const variant needs >= 2 inputs" when the
/// variant does not apply).
std::string loadNodeTest(const std::string &dir, Variant v, NodeTestData &d);

/// Compares `got` to `want` elementwise with |g-w| <= atol + rtol*|w|; on a
/// mismatch returns false and describes the worst element in `why`.
bool allClose(const std::vector<double> &got, const std::vector<double> &want,
              double atol, double rtol, std::string &why);

} // namespace lftest

#endif
