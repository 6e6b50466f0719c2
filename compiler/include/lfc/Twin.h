//===- Twin.h - the snapshot's C, built and loaded in userspace -*- C++ -*-===//
//
// The twin compiles the very C that `lfc compile` emits (NAME.c, NAME.h and
// lf_fixed.h) with the host's C compiler into a shared object, dlopens it
// and runs lf_NAME_infer() on the compiled params: what the kernel computes,
// integer for integer. `lfc run` uses it.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_TWIN_H
#define LFC_TWIN_H

#include "lfc/EmitC.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::lf {

struct TwinOptions {
  /// C compiler (a name looked up in PATH, or a path).
  std::string cc = "cc";
  /// Flags added after the default `-std=gnu11 -O2 -fPIC -shared -Wall
  /// -Werror`.
  std::vector<std::string> extraFlags;
};

class Twin {
public:
  /// Builds a twin from the emitted texts; `info` is what emitSnapshotC()
  /// reported for them (name, sizes, boundary formats). The error is one
  /// line naming the compiler command and its first error.
  static llvm::Expected<std::unique_ptr<Twin>> build(const SnapshotInfo &info,
                                                     llvm::StringRef cText,
                                                     llvm::StringRef hText,
                                                     const TwinOptions &o = {});
  /// Same as build(), for callers without llvm::Error: null on failure,
  /// with the one-line message in `err`.
  static std::unique_ptr<Twin> create(const SnapshotInfo &info,
                                      llvm::StringRef cText,
                                      llvm::StringRef hText, std::string &err,
                                      const TwinOptions &o = {});
  /// Emits `f` (see emitSnapshotC()) and builds the result.
  static llvm::Expected<std::unique_ptr<Twin>>
  fromFunc(func::FuncOp f, const EmitOptions &e = {},
           const TwinOptions &o = {});

  ~Twin();
  Twin(const Twin &) = delete;
  Twin &operator=(const Twin &) = delete;

  /// lf_NAME_infer(&lf_NAME_params, in, out): n_in inputs, n_out outputs.
  int infer(const int32_t *in, int32_t *out) const;
  /// lf_NAME_infer(params, in, out) with another params blob (weight push).
  int inferWithParams(const void *params, const int32_t *in,
                      int32_t *out) const;
  /// lf_NAME_infer_batch(&lf_NAME_params, in, out, n): n queries (n x n_in
  /// inputs, n x n_out outputs), the generated C's batched entry.
  int inferBatch(const int32_t *in, int32_t *out, unsigned n) const;
  /// lf_NAME_validate(params): 0 when a blob keeps the code's bounds (check a
  /// blob before pushing it), else -EINVAL.
  int validate(const void *params) const;
  /// Quantizes `in` (n_in reals) per element with lf_float.h (in_frac,
  /// storage width of the input), runs infer() and dequantizes the outputs.
  /// Returns an empty vector if `in` has the wrong size or infer fails.
  std::vector<double> runFloat(llvm::ArrayRef<double> in) const;

  /// The compiled params blob (&lf_NAME_params in the shared object).
  const void *params() const { return paramsPtr; }
  const SnapshotInfo &info() const { return snap; }

private:
  Twin() = default;
  SnapshotInfo snap;
  void *handle = nullptr;
  const void *paramsPtr = nullptr;
  int (*fn)(const void *, const int32_t *, int32_t *) = nullptr;
  int (*batchFn)(const void *, const int32_t *, int32_t *, unsigned) = nullptr;
  int (*validateFn)(const void *) = nullptr;
};

} // namespace mlir::lf

#endif // LFC_TWIN_H
