//===- OnnxTestUtil.cpp ---------------------------------------------------===//

#include "OnnxTestUtil.h"

#include "ImportModel.h"
#include "lfc/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace lftest {

bool readFile(const std::string &path, std::string &out) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

bool loadModelFile(const std::string &path, lfc::onnx::Model &model,
                   std::string &error) {
  std::string bytes;
  if (!readFile(path, bytes)) {
    error = "cannot read " + path;
    return false;
  }
  lfc::onnx::LoadOptions lo;
  lo.checkOpsetRange = false;
  if (!lfc::onnx::loadModel(bytes.data(), bytes.size(), model, error, lo))
    return false;
  // Node tests of ops unchanged since opset 1/6 (Elu, Selu, HardSigmoid,
  // Softplus, Softsign) declare that opset; their semantics are the same at
  // the lowest opset lfc accepts.
  if (model.opset < lfc::onnx::kMinOpset)
    model.opset = 11;
  return true;
}

bool loadTensorFile(const std::string &path, lfc::onnx::Tensor &t,
                    std::string &error) {
  std::string bytes;
  if (!readFile(path, bytes)) {
    error = "cannot read " + path;
    return false;
  }
  return lfc::onnx::loadTensor(bytes.data(), bytes.size(), t, error);
}

void makeInputsConstant(lfc::onnx::Model &model, size_t first,
                        const std::vector<lfc::onnx::Tensor> &values) {
  for (size_t i = first; i < model.inputs.size() && i < values.size(); ++i) {
    lfc::onnx::Tensor t = values[i];
    t.name = model.inputs[i].name;
    model.initializers.push_back(t);
  }
}

RunResult runFloat(const std::string &modelPath, const lfc::onnx::Model &model,
                   const std::vector<std::vector<double>> &inputs) {
  RunResult r;
  mlir::MLIRContext ctx;
  std::string diags;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diags += d.str() + "\n";
    return mlir::success();
  });
  auto module = mlir::lf::importOnnxModel(model, modelPath, ctx, {});
  if (!module) {
    r.error = diags.empty() ? "import failed" : diags;
    return r;
  }
  mlir::func::FuncOp f;
  module->walk([&](mlir::func::FuncOp op) { f = op; });
  std::vector<double> flat;
  for (const auto &in : inputs)
    flat.insert(flat.end(), in.begin(), in.end());
  auto out = mlir::lf::evaluateFloat(f, flat);
  if (mlir::failed(out)) {
    r.error = diags.empty() ? "evaluation failed" : diags;
    return r;
  }
  size_t pos = 0;
  for (mlir::Type t : f.getResultTypes()) {
    size_t n = mlir::cast<mlir::RankedTensorType>(t).getNumElements();
    r.outputs.emplace_back(out->begin() + pos, out->begin() + pos + n);
    pos += n;
  }
  r.ok = true;
  return r;
}

std::string loadNodeTest(const std::string &dir, Variant v, NodeTestData &d) {
  namespace fs = std::filesystem;
  std::string error;
  d.modelPath = dir + "/model.onnx";
  if (!loadModelFile(d.modelPath, d.model, error))
    return "load: " + error;
  std::vector<lfc::onnx::Tensor> ins;
  std::string data = dir + "/test_data_set_0/";
  for (size_t i = 0;; ++i) {
    std::string p = data + "input_" + std::to_string(i) + ".pb";
    if (!fs::exists(p))
      break;
    lfc::onnx::Tensor t;
    if (!loadTensorFile(p, t, error))
      return "input: " + error;
    ins.push_back(t);
  }
  d.expected.clear();
  for (size_t i = 0;; ++i) {
    std::string p = data + "output_" + std::to_string(i) + ".pb";
    if (!fs::exists(p))
      break;
    lfc::onnx::Tensor t;
    if (!loadTensorFile(p, t, error))
      return "output: " + error;
    d.expected.push_back(t.values);
  }
  // Graph inputs that are initializers take no data.
  std::set<std::string> inits;
  for (auto &t : d.model.initializers)
    inits.insert(t.name);
  size_t given = 0;
  for (auto &vi : d.model.inputs)
    given += !inits.count(vi.name);
  if (given != ins.size())
    return "test data has " + std::to_string(ins.size()) + " inputs, graph " +
           std::to_string(given);
  size_t runtimeCount = ins.size();
  if (v == CONST) {
    if (ins.size() < 2)
      return "const variant needs >= 2 inputs";
    makeInputsConstant(d.model, 1, ins);
    runtimeCount = 1;
  }
  d.inputs.clear();
  for (size_t i = 0; i < runtimeCount; ++i)
    d.inputs.push_back(ins[i].values);
  return "";
}

bool allClose(const std::vector<double> &got, const std::vector<double> &want,
              double atol, double rtol, std::string &why) {
  if (got.size() != want.size()) {
    why = "got " + std::to_string(got.size()) + " values, expected " +
          std::to_string(want.size());
    return false;
  }
  double worst = 0;
  size_t at = 0;
  bool ok = true;
  for (size_t i = 0; i < got.size(); ++i) {
    double g = got[i], w = want[i];
    if (std::isnan(w) && std::isnan(g))
      continue;
    if (std::isinf(w) && g == w)
      continue;
    double excess = std::fabs(g - w) - (atol + rtol * std::fabs(w));
    if (!(excess <= 0)) {
      if (ok || excess > worst || std::isnan(excess)) {
        worst = excess;
        at = i;
      }
      ok = false;
    }
  }
  if (!ok) {
    std::ostringstream os;
    os.precision(9);
    os << "element " << at << ": got " << got[at] << ", expected " << want[at];
    why = os.str();
  }
  return ok;
}

} // namespace lftest
