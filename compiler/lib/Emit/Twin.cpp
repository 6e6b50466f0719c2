//===- Twin.cpp - the snapshot's C, built and loaded in userspace ---------===//

#include "lfc/Twin.h"
#include "lfc/Snapshot.h"

#include "lf_float.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

using namespace mlir;
using namespace mlir::lf;

static llvm::Error twinError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "lfc twin: " + msg);
}

static llvm::Error writeText(llvm::StringRef dir, llvm::StringRef file,
                             llvm::StringRef text) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return twinError("cannot write " + path + ": " + ec.message());
  os << text;
  os.close();
  if (os.has_error())
    return twinError("cannot write " + path);
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<Twin>>
Twin::build(const SnapshotInfo &info, llvm::StringRef cText,
            llvm::StringRef hText, const TwinOptions &o) {
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("lf-twin", dir))
    return twinError("cannot create a temporary directory: " + ec.message());
  auto cleanup =
      llvm::make_scope_exit([&] { llvm::sys::fs::remove_directories(dir); });

  const std::string &n = info.name;
  if (auto e = writeText(dir, n + ".c", cText))
    return std::move(e);
  if (auto e = writeText(dir, n + ".h", hText))
    return std::move(e);
  if (auto e = writeText(dir, "lf_fixed.h", getLfFixedHeader()))
    return std::move(e);

  llvm::SmallString<256> src(dir), so(dir), log(dir);
  llvm::sys::path::append(src, n + ".c");
  llvm::sys::path::append(so, "lf_twin_" + n + ".so");
  llvm::sys::path::append(log, "cc.log");

  std::string ccPath = o.cc;
  if (!llvm::sys::path::has_parent_path(o.cc)) {
    auto found = llvm::sys::findProgramByName(o.cc);
    if (!found)
      return twinError("C compiler '" + o.cc +
                       "' not found in PATH (needed to build the twin)");
    ccPath = *found;
  }
  // -fno-strict-overflow: the kernel's semantics for signed overflow (it
  // wraps), so the twin computes the kernel's integers on any blob.
  std::vector<std::string> args = {
      o.cc,    "-std=gnu11", "-O2", "-fno-strict-overflow", "-fPIC", "-shared",
      "-Wall", "-Werror",    "-I",  dir.str().str()};
  for (const std::string &fl : o.extraFlags)
    args.push_back(fl);
  args.insert(args.end(), {"-o", so.str().str(), src.str().str()});
  std::string cmd;
  for (const std::string &a : args)
    cmd += (cmd.empty() ? "" : " ") + a;
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  std::string errMsg;
  int rc = llvm::sys::ExecuteAndWait(ccPath, argRefs, std::nullopt, redirects,
                                     0, 0, &errMsg);
  if (rc != 0) {
    std::string first = errMsg;
    if (auto buf = llvm::MemoryBuffer::getFile(log)) {
      llvm::SmallVector<llvm::StringRef> lines;
      (*buf)->getBuffer().split(lines, '\n', -1, false);
      for (llvm::StringRef l : lines)
        if (l.contains("error")) {
          first = l.str();
          break;
        }
      if (first.empty() && !lines.empty())
        first = lines.front().str();
    }
    return twinError("`" + cmd + "` failed (exit " + llvm::Twine(rc) +
                     "): " + (first.empty() ? "no output" : first));
  }

  std::unique_ptr<Twin> t(new Twin());
  t->snap = info;
  t->handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!t->handle)
    return twinError(llvm::Twine("dlopen failed: ") + dlerror());
  t->fn = reinterpret_cast<int (*)(const void *, const int32_t *, int32_t *)>(
      dlsym(t->handle, ("lf_" + n + "_infer").c_str()));
  t->paramsPtr = dlsym(t->handle, ("lf_" + n + "_params").c_str());
  t->batchFn = reinterpret_cast<int (*)(const void *, const int32_t *,
                                        int32_t *, unsigned)>(
      dlsym(t->handle, ("lf_" + n + "_infer_batch").c_str()));
  t->validateFn = reinterpret_cast<int (*)(const void *)>(
      dlsym(t->handle, ("lf_" + n + "_validate").c_str()));
  if (!t->fn || !t->paramsPtr || !t->batchFn || !t->validateFn)
    return twinError("lf_" + n +
                     "_infer, _infer_batch, _validate or _params "
                     "missing from the twin");
  return std::move(t);
}

std::unique_ptr<Twin> Twin::create(const SnapshotInfo &info,
                                   llvm::StringRef cText,
                                   llvm::StringRef hText, std::string &err,
                                   const TwinOptions &o) {
  auto t = build(info, cText, hText, o);
  if (!t) {
    err = llvm::toString(t.takeError());
    return nullptr;
  }
  return std::move(*t);
}

llvm::Expected<std::unique_ptr<Twin>> Twin::fromFunc(func::FuncOp f,
                                                     const EmitOptions &e,
                                                     const TwinOptions &o) {
  std::string c, h;
  llvm::raw_string_ostream cs(c), hs(h);
  SnapshotInfo info;
  if (failed(emitSnapshotC(f, e, cs, hs, info)))
    return twinError("C emission failed (see the diagnostics)");
  return build(info, c, h, o);
}

Twin::~Twin() {
  if (handle)
    dlclose(handle);
}

int Twin::infer(const int32_t *in, int32_t *out) const {
  return fn(paramsPtr, in, out);
}

int Twin::inferWithParams(const void *params, const int32_t *in,
                          int32_t *out) const {
  return fn(params, in, out);
}

int Twin::inferBatch(const int32_t *in, int32_t *out, unsigned n) const {
  return batchFn(paramsPtr, in, out, n);
}

int Twin::validate(const void *params) const { return validateFn(params); }

std::vector<double> Twin::runFloat(llvm::ArrayRef<double> in) const {
  if (in.size() != snap.nIn)
    return {};
  std::vector<int32_t> qi(std::max(1u, snap.nIn)), qo(std::max(1u, snap.nOut));
  size_t k = 0;
  for (const TensorInfo &t : snap.inputs)
    for (int64_t e = 0; e < t.numElements(); ++e, ++k)
      qi[k] = static_cast<int32_t>(
          lf_quantize_double(in[k], snap.inFrac[k], t.width));
  if (infer(qi.data(), qo.data()) != 0)
    return {};
  std::vector<double> out(snap.nOut);
  for (unsigned i = 0; i < snap.nOut; ++i)
    out[i] = lf_dequantize_int(qo[i], snap.outFrac[i]);
  return out;
}
