//===- Translate.cpp - --lf-to-c / --lf-to-c-header -----------------------===//

#include "lfc/EmitC.h"

#include "lf/LfDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

static llvm::cl::opt<std::string>
    snapshotName("lf-snapshot-name",
                 llvm::cl::desc("snapshot name for --lf-to-c (default: the "
                                "function's name)"),
                 llvm::cl::init(""));
static llvm::cl::opt<unsigned> maxBufferBytes(
    "lf-max-buffer-bytes",
    llvm::cl::desc("most bytes of intermediate buffers on the kernel stack"),
    llvm::cl::init(1536));
static llvm::cl::opt<unsigned> maxStackBytes(
    "lf-max-stack-bytes",
    llvm::cl::desc("most kernel stack lf_NAME_infer may need (estimate)"),
    llvm::cl::init(2048));
static llvm::cl::opt<bool>
    noBufferReuse("lf-no-buffer-reuse",
                  llvm::cl::desc("one buffer per intermediate tensor"),
                  llvm::cl::init(false));

static LogicalResult translate(Operation *op, raw_ostream &os, bool header) {
  func::FuncOp f = lf::getSnapshotFunc(op);
  if (!f)
    return failure();
  lf::EmitOptions o;
  o.name = snapshotName;
  o.maxBufferBytes = maxBufferBytes;
  o.maxStackBytes = maxStackBytes;
  o.reuseBuffers = !noBufferReuse;
  std::string c, h;
  llvm::raw_string_ostream cs(c), hs(h);
  lf::SnapshotInfo info;
  if (failed(lf::emitSnapshotC(f, o, cs, hs, info)))
    return failure();
  os << (header ? h : c);
  return success();
}

void mlir::lf::registerEmitCTranslations() {
  auto dialects = [](DialectRegistry &r) {
    r.insert<lf::LfDialect, func::FuncDialect>();
  };
  static TranslateFromMLIRRegistration toC(
      "lf-to-c", "fixed-level lf IR to the snapshot's C source (NAME.c)",
      [](Operation *op, raw_ostream &os) { return translate(op, os, false); },
      dialects);
  static TranslateFromMLIRRegistration toH(
      "lf-to-c-header",
      "fixed-level lf IR to the snapshot's C header (NAME.h)",
      [](Operation *op, raw_ostream &os) { return translate(op, os, true); },
      dialects);
}
