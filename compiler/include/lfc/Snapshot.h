//===- Snapshot.h - snapshot package writer ---------------------*- C++ -*-===//
//
// A snapshot package is a directory that builds one kernel module:
//   NAME.c NAME.h   the snapshot (EmitC.h)
//   lf_fixed.h      fixed-point helpers (embedded into lfc at build time)
//   lf_core.h       the kernel core's API (embedded)
//   NAME_mod.c      module glue: a struct lf_snapshot_desc registered with
//                   lf_register_snapshot() in module_init
//   Kbuild Makefile `make KDIR=...` builds lf_snap_NAME.ko
//   NAME.json       metadata
//
//===----------------------------------------------------------------------===//
#ifndef LFC_SNAPSHOT_H
#define LFC_SNAPSHOT_H

#include "lfc/EmitC.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir::lf {

struct PackageOptions {
  /// Output directory (created if missing).
  std::string dir;
  /// Snapshot name; empty: the function's name.
  std::string name;
  /// Snapshot version (unique per model in lf_core).
  uint32_t version = 1;
  /// Model name registered with lf_core; empty: the snapshot name.
  std::string model;
  /// lfc version string recorded in NAME.json; empty: the build's version.
  std::string lfcVersion;
  /// Default LF_CORE_SYMVERS in the Makefile; empty: <build>/kmod/core/
  /// Module.symvers of the lfc build.
  std::string coreSymvers;
  /// Extra top-level fields of NAME.json (input ranges, error bounds,
  /// lut reports, ...); they override generated fields of the same name.
  llvm::json::Object extra;
  /// Emission options (name is taken from `name` above).
  EmitOptions emit;
};

/// Writes the package into o.dir and fills `info`.
LogicalResult writeSnapshotPackage(func::FuncOp f, const PackageOptions &o,
                                   SnapshotInfo &info);

/// The package's metadata (NAME.json) as a JSON object.
llvm::json::Object snapshotJson(const SnapshotInfo &info,
                                const PackageOptions &o);

/// Text of NAME_mod.c, Kbuild and the Makefile.
std::string snapshotModuleGlue(const SnapshotInfo &info,
                               const PackageOptions &o);
std::string snapshotKbuild(const SnapshotInfo &info);
std::string snapshotMakefile(const SnapshotInfo &info,
                             const PackageOptions &o);

/// Writes `text` to dir/file; an error at `f` naming the path on failure.
LogicalResult writePackageFile(func::FuncOp f, llvm::StringRef dir,
                               llvm::StringRef file, llvm::StringRef text);

/// Checks that snapshot `name` (a C identifier) can name a package: its
/// files (NAME.c, NAME.h, ...) must not replace the package's own files
/// (lf_fixed.h, lf_core.h, Kbuild, Makefile) and the identifiers and macros
/// it generates (lf_NAME_infer, LF_NAME_INFER, ...) must not be defined by
/// those headers. On failure `why` says what collides.
LogicalResult checkSnapshotName(llvm::StringRef name, std::string &why);

/// Texts embedded into lfc at build time.
llvm::StringRef getLfFixedHeader();
llvm::StringRef getLfFloatHeader();
llvm::StringRef getLfCoreHeader();

/// The lfc version compiled in (the project version).
llvm::StringRef getLfcVersion();

} // namespace mlir::lf

#endif // LFC_SNAPSHOT_H
