//===- OnnxImport.cpp - ONNX model to float-level lf MLIR -----------------===//
//
// MLIR-facing half of the importer (no exceptions): builds the function from
// the graph's inputs and outputs and imports every node with the converter
// the ConverterTable holds for its op type and the model's opset. The
// converters themselves live one file per op family (Import*.cpp).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::lf;
using namespace mlir::lf::importer;

//===----------------------------------------------------------------------===//
// Module construction
//===----------------------------------------------------------------------===//
static std::string sanitize(StringRef name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty())
    return "model";
  if (std::isdigit(static_cast<unsigned char>(s[0])))
    s = "_" + s;
  return s;
}

OwningOpRef<ModuleOp> Importer::run() {
  ctx.loadDialect<LfDialect, func::FuncDialect>();

  // Model-wide checks on initializers: external data and non-finite values.
  for (const Tensor &t : m.initializers) {
    initByName[t.name] = &t;
    if (t.external) {
      emitError(fileLoc) << "initializer '" << t.name << "' " << t.decodeError;
      return nullptr;
    }
    if (t.decoded && isFloatType(t.dataType))
      for (double v : t.values)
        if (!std::isfinite(v)) {
          emitError(fileLoc) << "initializer '" << t.name << "' contains "
                             << (std::isnan(v) ? "NaN" : "Inf")
                             << "; lfc needs finite weights";
          return nullptr;
        }
  }
  for (const Node &n : m.nodes)
    for (const std::string &in : n.inputs)
      used.insert(in);
  for (const auto &o : m.outputs)
    used.insert(o.name);

  // Arguments: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const ox::ValueInfo &vi : m.inputs) {
    if (initByName.count(vi.name))
      continue;
    auto inErr = [&]() -> InFlightDiagnostic {
      return emitError(fileLoc) << "input '" << vi.name << "' ";
    };
    if (!vi.isTensor) {
      inErr() << "is not a tensor";
      return nullptr;
    }
    if (vi.elemType != ox::DT_FLOAT) {
      inErr() << "has element type " << ox::dataTypeName(vi.elemType)
              << "; lfc supports float32 tensors only";
      return nullptr;
    }
    if (!vi.hasShape) {
      inErr() << "has no shape; lfc needs static shapes";
      return nullptr;
    }
    Shape shape;
    for (size_t d = 0; d < vi.dims.size(); ++d) {
      const ox::Dim &dim = vi.dims[d];
      if (!dim.known || dim.value < 0) {
        if (d == 0) { // the batch: one sample at a time
          shape.push_back(1);
          continue;
        }
        auto diag = inErr() << "has a dynamic dimension " << d;
        if (!dim.param.empty())
          diag << " ('" << dim.param << "')";
        diag << "; only the first (batch) dimension may be dynamic";
        return nullptr;
      }
      if (dim.value == 0) {
        inErr() << "has an empty dimension " << d;
        return nullptr;
      }
      shape.push_back(dim.value);
    }
    argTypes.push_back(ft(shape));
    argNames.push_back(vi.name);
  }
  for (const Tensor &t : m.initializers)
    vals[t.name] =
        Val{Value(),
            std::shared_ptr<const Tensor>(std::shared_ptr<const Tensor>(), &t)};

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  std::string name =
      opts.funcName.empty() ? sanitize(m.graphName) : opts.funcName;
  // The result types are known only at the end; start with none.
  auto func =
      b.create<func::FuncOp>(fileLoc, name, b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  for (auto [i, n] : llvm::enumerate(argNames))
    vals[n] = Val{entry->getArgument(i), nullptr};

  // Every unsupported node at once, before importing any.
  if (failed(checkSupported()))
    return nullptr;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    node = &m.nodes[i];
    nodeLabel = node->name.empty() ? "#" + std::to_string(i) : node->name;
    loc = FusedLoc::get(
        &ctx,
        {NameLoc::get(b.getStringAttr(nodeLabel + " (" + node->opType + ")")),
         fileLoc});
    if (failed(importNode()))
      return nullptr;
  }
  node = nullptr;
  loc = fileLoc;

  SmallVector<Value> results;
  SmallVector<std::string> outNames;
  for (const ox::ValueInfo &vi : m.outputs) {
    auto it = vals.find(vi.name);
    if (it == vals.end()) {
      emitError(fileLoc) << "output '" << vi.name << "' is not produced by "
                         << "any node";
      return nullptr;
    }
    if (vi.isTensor && vi.elemType != ox::DT_FLOAT &&
        vi.elemType != ox::DT_UNDEFINED) {
      emitError(fileLoc) << "output '" << vi.name << "' has element type "
                         << ox::dataTypeName(vi.elemType)
                         << "; lfc supports float32 tensors only";
      return nullptr;
    }
    if (!it->second.v && failed(checkFloatData(*it->second.c)))
      return nullptr;
    auto v = materialize(it->second);
    if (failed(v))
      return nullptr;
    results.push_back(*v);
    outNames.push_back(vi.name);
  }
  if (results.empty()) {
    emitError(fileLoc) << "graph has no outputs";
    return nullptr;
  }
  b.create<func::ReturnOp>(fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  SmallVector<mlir::Attribute> inAttr, outAttr;
  for (auto &n : argNames)
    inAttr.push_back(b.getStringAttr(n));
  for (auto &n : outNames)
    outAttr.push_back(b.getStringAttr(n));
  func->setAttr("lf.input_names", b.getArrayAttr(inAttr));
  func->setAttr("lf.output_names", b.getArrayAttr(outAttr));
  func->setAttr("lf.opset", b.getI64IntegerAttr(m.opset));

  // Drop constants that ended up unused (e.g. materialized for a fold).
  SmallVector<Operation *> dead;
  for (Operation &op : llvm::reverse(*entry))
    if (isa<ConstantOp>(op) && op.use_empty())
      dead.push_back(&op);
  for (Operation *op : dead)
    op->erase();

  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported module does not "
                          "verify";
    return nullptr;
  }
  return module;
}


//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

void ConverterTable::add(StringRef opType, int64_t minOpset, int64_t maxOpset,
                         ConvertFn fn) {
  table[opType].push_back({minOpset, maxOpset, std::move(fn)});
}

const ConvertFn *ConverterTable::lookup(StringRef opType,
                                        int64_t opset) const {
  auto it = table.find(opType);
  if (it == table.end())
    return nullptr;
  for (const Entry &e : it->second)
    if (e.minOpset <= opset && opset <= e.maxOpset)
      return &e.fn;
  return nullptr;
}

const ConverterTable &ConverterTable::get() {
  static const ConverterTable t = [] {
    ConverterTable t;
    registerMatMulConverters(t);
    registerElementwiseConverters(t);
    registerActivationConverters(t);
    registerReductionConverters(t);
    registerShapeConverters(t);
    registerNormConverters(t);
    registerConvPoolConverters(t);
    return t;
  }();
  return t;
}

static bool isOnnxDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

LogicalResult Importer::checkSupported() {
  const ConverterTable &table = ConverterTable::get();
  bool ok = true;
  for (size_t i = 0; i < m.nodes.size(); ++i) {
    const Node &n = m.nodes[i];
    if (isOnnxDomain(n.domain) && table.lookup(n.opType, m.opset))
      continue;
    std::string label = n.name.empty() ? "#" + std::to_string(i) : n.name;
    auto d = emitError(FusedLoc::get(
        &ctx, {NameLoc::get(b.getStringAttr(label + " (" + n.opType + ")")),
               fileLoc}));
    d << "node '" << label << "' (" << n.opType << "): ";
    if (!isOnnxDomain(n.domain))
      d << "op domain '" << n.domain << "' is not supported";
    else if (table.knows(n.opType))
      d << "op '" << n.opType << "' is not supported at opset " << m.opset;
    else
      d << "unsupported op '" << n.opType << "'";
    ok = false;
  }
  return success(ok);
}

LogicalResult Importer::importNode() {
  const ConvertFn *fn = ConverterTable::get().lookup(node->opType, m.opset);
  assert(fn && "checkSupported let an unsupported node through");
  return (*fn)(*this);
}


//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mlir::lf::importOnnxModel(const lfc::onnx::Model &model,
                                                StringRef fileName,
                                                MLIRContext &ctx,
                                                const OnnxImportOptions &opts) {
  Importer imp(model, fileName, ctx, opts);
  return imp.run();
}

OwningOpRef<ModuleOp>
mlir::lf::importOnnxBuffer(StringRef bytes, StringRef fileName,
                           MLIRContext &ctx, const OnnxImportOptions &opts) {
  ctx.loadDialect<LfDialect, func::FuncDialect>();
  Model model;
  std::string error;
  if (!lfc::onnx::loadModel(bytes.data(), bytes.size(), model, error)) {
    emitError(
        FileLineColLoc::get(&ctx, fileName.empty() ? "<onnx>" : fileName, 0, 0))
        << error;
    return nullptr;
  }
  return importOnnxModel(model, fileName, ctx, opts);
}

OwningOpRef<ModuleOp> mlir::lf::importOnnxFile(StringRef path, MLIRContext &ctx,
                                               const OnnxImportOptions &opts) {
  auto buf =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (std::error_code ec = buf.getError()) {
    emitError(FileLineColLoc::get(&ctx, path, 0, 0))
        << "cannot read file: " << ec.message();
    return nullptr;
  }
  return importOnnxBuffer((*buf)->getBuffer(), path, ctx, opts);
}

OnnxDiagnosticHandler::OnnxDiagnosticHandler(MLIRContext *ctx,
                                             llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(ctx) {
  setHandler([&os](Diagnostic &diag) -> LogicalResult {
    auto fileLoc = diag.getLocation()->findInstanceOf<FileLineColLoc>();
    if (!fileLoc || fileLoc.getLine() != 0)
      return failure();
    auto kind = [](DiagnosticSeverity s) {
      switch (s) {
      case DiagnosticSeverity::Error:
        return "error";
      case DiagnosticSeverity::Warning:
        return "warning";
      case DiagnosticSeverity::Note:
        return "note";
      case DiagnosticSeverity::Remark:
        return "remark";
      }
      return "error";
    };
    // Diagnostics from later passes at an imported op's location get the
    // node prefix the importer's own messages carry.
    std::string msg = diag.str(), prefix;
    if (auto name = diag.getLocation()->findInstanceOf<NameLoc>()) {
      StringRef label = name.getName().getValue();
      size_t open = label.rfind(" (");
      if (open != StringRef::npos && label.ends_with(")"))
        prefix = ("node '" + label.take_front(open) + "'" +
                  label.drop_front(open) + ": ")
                     .str();
    }
    if (!prefix.empty() && StringRef(msg).starts_with("node '"))
      prefix.clear();
    os << fileLoc.getFilename().getValue() << ": " << kind(diag.getSeverity())
       << ": " << prefix << msg << "\n";
    for (Diagnostic &note : diag.getNotes())
      os << fileLoc.getFilename().getValue() << ": note: " << note.str()
         << "\n";
    os.flush();
    return success();
  });
}

void mlir::lf::registerOnnxImportTranslation() {
  static llvm::cl::opt<std::string> funcName(
      "onnx-func-name",
      llvm::cl::desc("Name of the function --import-onnx creates (default: "
                     "the graph name)"),
      llvm::cl::init(""));
  static TranslateToMLIRRegistration reg(
      "import-onnx", "Import an ONNX model into float-level lf MLIR",
      [](const std::shared_ptr<llvm::SourceMgr> &sm,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buf =
            sm->getMemoryBuffer(sm->getMainFileID());
        OnnxDiagnosticHandler handler(ctx);
        OnnxImportOptions opts;
        opts.funcName = funcName;
        auto module = importOnnxBuffer(buf->getBuffer(),
                                       buf->getBufferIdentifier(), *ctx, opts);
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        registry.insert<LfDialect, func::FuncDialect>();
      });
}
