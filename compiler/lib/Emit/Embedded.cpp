//===- Embedded.cpp - headers embedded into lfc at build time -------------===//
#include "lfc/Snapshot.h"

#include "lf_fixed.h.inc"
#include "lf_float.h.inc"
#include "lf_core.h.inc"

#ifndef LF_VERSION_STRING
#define LF_VERSION_STRING "0.0.0"
#endif

llvm::StringRef mlir::lf::getLfFixedHeader() { return kLfFixedH; }
llvm::StringRef mlir::lf::getLfFloatHeader() { return kLfFloatH; }
llvm::StringRef mlir::lf::getLfCoreHeader() { return kLfCoreH; }
llvm::StringRef mlir::lf::getLfcVersion() { return LF_VERSION_STRING; }
