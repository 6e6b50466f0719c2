//===- Pipeline.cpp - the lfc compilation pipeline ------------------------===//

#include "lfc/Pipeline.h"
#include "lfc/OnnxImport.h"
#include "lfc/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

OwningOpRef<ModuleOp> mlir::lf::importModel(llvm::StringRef path,
                                            MLIRContext &ctx,
                                            llvm::StringRef funcName) {
  ctx.loadDialect<LfDialect, func::FuncDialect>();
  OnnxImportOptions opts;
  opts.funcName = funcName.str();
  return importOnnxFile(path, ctx, opts);
}

func::FuncOp mlir::lf::getModelFunc(ModuleOp module) {
  for (auto f : module.getOps<func::FuncOp>())
    return f;
  return {};
}

LogicalResult mlir::lf::lowerToFloat(ModuleOp module) {
  PassManager pm(module.getContext());
  buildLfcPipeline(pm, LfcStage::Float);
  return pm.run(module);
}

LogicalResult mlir::lf::lowerToFixed(ModuleOp module, const QuantOptions &o) {
  PassManager pm(module.getContext());
  buildLfcPipeline(pm, LfcStage::Fixed, o);
  return pm.run(module);
}

std::vector<double> mlir::lf::resultErrorBounds(func::FuncOp f) {
  std::vector<double> out;
  DenseF64ArrayAttr bounds =
      LfDialect::ResultErrorBoundsAttrHelper(f.getContext()).getAttr(f);
  if (!bounds)
    return out;
  for (auto [i, t] : llvm::enumerate(f.getResultTypes()))
    out.insert(out.end(), cast<RankedTensorType>(t).getNumElements(),
               bounds[i]);
  return out;
}

FailureOr<std::vector<Interval>>
mlir::lf::rangesFromRows(const std::vector<std::vector<double>> &rows,
                         int64_t features) {
  if (rows.empty())
    return failure();
  std::vector<Interval> r(features, Interval{INFINITY, -INFINITY});
  for (const auto &row : rows) {
    if (static_cast<int64_t>(row.size()) != features)
      return failure();
    for (int64_t i = 0; i < features; ++i) {
      r[i].lo = std::min(r[i].lo, row[i]);
      r[i].hi = std::max(r[i].hi, row[i]);
    }
  }
  return r;
}

FailureOr<std::vector<Interval>> mlir::lf::parseRanges(llvm::StringRef text,
                                                       std::string &error) {
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, false);
  std::vector<Interval> out;
  if (parts.empty() || parts.size() % 2) {
    error = "expected lo,hi pairs, got '" + text.str() + "'";
    return failure();
  }
  for (size_t i = 0; i < parts.size(); i += 2) {
    double lo, hi;
    if (parts[i].trim().getAsDouble(lo) ||
        parts[i + 1].trim().getAsDouble(hi)) {
      error = "not a number in '" + text.str() + "'";
      return failure();
    }
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
      error = "range " + std::to_string(i / 2) + " [" + parts[i].trim().str() +
              ", " + parts[i + 1].trim().str() + "] is empty or not finite";
      return failure();
    }
    out.push_back({lo, hi});
  }
  return out;
}

FailureOr<std::vector<std::vector<double>>>
mlir::lf::readCsv(llvm::StringRef path, std::string &error,
                  std::string *headerNote) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buf) {
    error = path.str() + ": " + buf.getError().message();
    return failure();
  }
  std::vector<std::vector<double>> rows;
  SmallVector<StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n');
  bool first = true;
  for (auto [lineNo, rawLine] : llvm::enumerate(lines)) {
    StringRef line = rawLine.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    SmallVector<StringRef> cells;
    line.split(cells, ',');
    if (cells.size() > 1 && cells.back().trim().empty())
      cells.pop_back(); // a trailing comma
    std::string where = path.str() + ":" + std::to_string(lineNo + 1);
    // Only a first row in which no cell is a number is a header; a first
    // row with some numbers is a malformed data row, reported as such.
    if (first) {
      first = false;
      bool anyNumber = llvm::any_of(cells, [](StringRef c) {
        double v;
        return !c.trim().getAsDouble(v);
      });
      if (!anyNumber) {
        if (headerNote)
          *headerNote = where + ": taken as a header row (no cell is a "
                                "number)";
        continue;
      }
    }
    std::vector<double> row;
    for (auto [col, cell] : llvm::enumerate(cells)) {
      double v;
      StringRef c = cell.trim();
      if (c.getAsDouble(v)) {
        error = where + ": column " + std::to_string(col + 1) + ": '" +
                c.str() + "' is not a number";
        return failure();
      }
      row.push_back(v);
    }
    if (!rows.empty() && row.size() != rows.front().size()) {
      error = where + ": " + std::to_string(row.size()) + " values, expected " +
              std::to_string(rows.front().size());
      return failure();
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    error = path.str() + ": no data rows";
    return failure();
  }
  return rows;
}
