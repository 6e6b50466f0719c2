#include "TestUtil.h"

#include "lf/LfDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

struct lftest::Ctx::Handler {
  ScopedDiagnosticHandler h;
  Handler(MLIRContext *c, std::string &d)
      : h(c, [&d](Diagnostic &diag) {
          d += diag.str();
          d += "\n";
          return success();
        }) {}
};

lftest::Ctx::Ctx() {
  ctx.loadDialect<lf::LfDialect, func::FuncDialect>();
  handler = new Handler(&ctx, diag);
}

lftest::Ctx::~Ctx() { delete handler; }

OwningOpRef<ModuleOp> lftest::Ctx::parse(const std::string &text) {
  return parseSourceString<ModuleOp>(text, &ctx);
}

func::FuncOp lftest::Ctx::func(ModuleOp m) {
  for (auto f : m.getOps<func::FuncOp>())
    return f;
  return {};
}
