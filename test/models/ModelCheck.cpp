//===- ModelCheck.cpp - Compare the float interpreter with PyTorch --------===//
//
// lf-model-check MODEL.onnx INPUTS.csv OUTPUTS.csv [ATOL [RTOL]]
// Imports MODEL with mlir::lf::importOnnxFile, evaluates every CSV row with
// mlir::lf::evaluateFloat and compares with the expected row. Exit 0 if all
// rows match within |got - want| <= ATOL + RTOL * |want| (default 1e-5).
//
//===----------------------------------------------------------------------===//

#include "lfc/Interpreter.h"
#include "lfc/OnnxImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

static bool readCsv(const char *path, std::vector<std::vector<double>> &rows) {
  std::ifstream f(path);
  if (!f)
    return false;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      row.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(row);
  }
  return true;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s MODEL.onnx INPUTS.csv OUTPUTS.csv "
                 "[ATOL [RTOL]]\n",
                 argv[0]);
    return 2;
  }
  double atol = argc > 4 ? std::atof(argv[4]) : 1e-5;
  double rtol = argc > 5 ? std::atof(argv[5]) : 1e-5;
  std::vector<std::vector<double>> ins, outs;
  if (!readCsv(argv[2], ins) || !readCsv(argv[3], outs) ||
      ins.size() != outs.size() || ins.empty()) {
    std::fprintf(stderr, "%s: cannot read matching CSV files\n", argv[1]);
    return 2;
  }
  mlir::MLIRContext ctx;
  mlir::lf::OnnxDiagnosticHandler handler(&ctx);
  auto module = mlir::lf::importOnnxFile(argv[1], ctx, {});
  if (!module)
    return 1;
  mlir::func::FuncOp f;
  module->walk([&](mlir::func::FuncOp op) { f = op; });
  double worst = 0;
  int bad = 0;
  for (size_t r = 0; r < ins.size(); ++r) {
    auto got = mlir::lf::evaluateFloat(f, ins[r]);
    if (mlir::failed(got))
      return 1;
    if (got->size() != outs[r].size()) {
      std::fprintf(stderr, "%s: row %zu: %zu outputs, expected %zu\n", argv[1],
                   r, got->size(), outs[r].size());
      return 1;
    }
    for (size_t i = 0; i < got->size(); ++i) {
      double g = (*got)[i], w = outs[r][i], err = std::fabs(g - w);
      worst = std::max(worst, err);
      if (!(err <= atol + rtol * std::fabs(w))) {
        if (bad++ < 5)
          std::fprintf(stderr,
                       "%s: row %zu output %zu: got %.9g, PyTorch "
                       "%.9g\n",
                       argv[1], r, i, g, w);
      }
    }
  }
  std::printf("%s: %zu samples, max abs error %.3g%s\n", argv[1], ins.size(),
              worst, bad ? " FAIL" : "");
  return bad ? 1 : 0;
}
