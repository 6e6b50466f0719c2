// Writes a snapshot package for a small net and builds it as a kernel module
// against the installed kernel headers (/lib/modules/*/build) with W=1:
// no compiler warnings allowed (modpost's undefined lf_core symbols are
// expected while lf_core's Module.symvers is absent).
#include "TestUtil.h"

#include "lfc/Snapshot.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::lf;

namespace {

const char *kNet = R"mlir(
func.func @kb_net(%x: tensor<1x4xf32>, %y: tensor<1x2xf32>, %v: tensor<1x3xf32>) -> (tensor<1x2xf32>, tensor<1x5xf32>, tensor<1x2xf32>) attributes {lf.input_names = ["obs", "aux", "q16"], lf.output_names = ["act", "all", "q16"]} {
  %q = lf.quantize %x : tensor<1x4xf32> -> tensor<1x4x!lf.fixed<32, 8>>
  %qy = lf.quantize %y : tensor<1x2xf32> -> tensor<1x2x!lf.fixed<32, 8>>
  %h = lf.fc %q, weight = dense<[[64, -32, 16, 8], [1, 2, 3, 4], [-128, 127, 0, 5]]> : tensor<3x4xi8>, bias = dense<[256, -512, -9223372036854775808]> : tensor<3xi64> {weight_frac = array<i32: 6, 6, 7>} : tensor<1x4x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 10>>
  %t = lf.lut linear odd %h {table = array<i64: 0, 500, 800, 950, 1000>, start = 0, shift = 9 : i32, max_error = 0.01 : f64} : tensor<1x3x!lf.fixed<32, 10>> -> tensor<1x3x!lf.fixed<16, 10>>
  %r = lf.clamp %t, 0.0, 6.0 : tensor<1x3x!lf.fixed<16, 10>> -> tensor<1x3x!lf.fixed<32, 12>>
  %o = lf.fc %r, weight = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>, bias = dense<[0, 1]> : tensor<2xi64> {weight_frac = array<i32: 4, 4>} : tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x2x!lf.fixed<32, 8>>
  %m = lf.reduce max %o, axis = 1 : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %s = lf.binary sub %o, %m : tensor<1x2x!lf.fixed<32, 8>>, tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %e = lf.lut linear none %s {table = array<i64: 75, 204, 554, 1507, 4096>, start = -1024, shift = 8 : i32} : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 12>>
  %z = lf.reduce sum %e, axis = 1 : tensor<1x2x!lf.fixed<32, 12>> -> tensor<1x1x!lf.fixed<32, 12>>
  %p = lf.binary div %e, %z : tensor<1x2x!lf.fixed<32, 12>>, tensor<1x1x!lf.fixed<32, 12>> -> tensor<1x2x!lf.fixed<32, 14>>
  %w = lf.binary mul %qy, %o : tensor<1x2x!lf.fixed<32, 8>>, tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %c = lf.concat %w, %r axis = 1 : tensor<1x2x!lf.fixed<32, 8>>, tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x5x!lf.fixed<32, 10>>
  %d0 = lf.dequantize %p : tensor<1x2x!lf.fixed<32, 14>> -> tensor<1x2xf32>
  %d1 = lf.dequantize %c : tensor<1x5x!lf.fixed<32, 10>> -> tensor<1x5xf32>
  %qz = lf.quantize %v : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<16, 10>>
  %h16 = lf.fc %qz, weight = dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, -2, -3], [32767, -32767, 0], [0, 0, 1], [5, 5, 5], [9, 8, 7], [-9, 8, -7]]> : tensor<9x3xi16>, bias = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8]> : tensor<9xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 8, 8, 8, 8, 8, 8, 8, 8, 8>} : tensor<1x3x!lf.fixed<16, 10>> -> tensor<1x9x!lf.fixed<16, 10>>
  %t16 = lf.lut linear odd %h16 {table = array<i64: 0, 500, 800, 950, 1000>, start = 0, shift = 9 : i32} : tensor<1x9x!lf.fixed<16, 10>> -> tensor<1x9x!lf.fixed<16, 10>>
  %o16 = lf.fc %t16, weight = dense<[[1, 2, 3, 4, 5, 6, 7, 8, 9], [-1, -2, -3, -4, -5, -6, -7, -8, -9]]> : tensor<2x9xi16>, bias = dense<[10, -10]> : tensor<2xi64> {acc_bits = 32 : i32, weight_frac = array<i32: 12, 12>} : tensor<1x9x!lf.fixed<16, 10>> -> tensor<1x2x!lf.fixed<16, 8>>
  %d2 = lf.dequantize %o16 : tensor<1x2x!lf.fixed<16, 8>> -> tensor<1x2xf32>
  return %d0, %d1, %d2 : tensor<1x2xf32>, tensor<1x5xf32>, tensor<1x2xf32>
}
)mlir";

std::string findKernelDir() {
  if (const char *e = std::getenv("LF_KDIR"))
    return e;
  std::vector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it("/lib/modules", ec), end;
       !ec && it != end; it.increment(ec)) {
    llvm::SmallString<256> mk(it->path());
    llvm::sys::path::append(mk, "build", "Makefile");
    if (llvm::sys::fs::exists(mk))
      dirs.push_back(it->path() + "/build");
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs.empty() ? "" : dirs.back();
}

TEST(Kbuild, SnapshotPackageBuildsWithoutWarnings) {
  std::string kdir = findKernelDir();
  if (kdir.empty())
    GTEST_SKIP() << "no kernel build directory (/lib/modules/*/build with a "
                    "Makefile; set LF_KDIR or install linux-headers)";
  auto make = llvm::sys::findProgramByName("make");
  if (!make)
    GTEST_SKIP() << "make not found";

  lftest::Ctx ctx;
  auto m = ctx.parse(kNet);
  ASSERT_TRUE(m) << ctx.diag;
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("lf-kbuild", dir));
  bool keep = false;
  auto cleanup = llvm::make_scope_exit([&] {
    if (!keep)
      llvm::sys::fs::remove_directories(dir);
  });

  PackageOptions o;
  o.dir = dir.str().str();
  o.version = 7;
  o.extra["input_ranges"] = llvm::json::Array{-4.0, 4.0};
  SnapshotInfo info;
  ASSERT_TRUE(succeeded(writeSnapshotPackage(ctx.func(*m), o, info)))
      << ctx.diag;
  for (const char *f : {"kb_net.c", "kb_net.h", "kb_net_mod.c", "lf_fixed.h",
                        "lf_core.h", "Kbuild", "Makefile", "kb_net.json"})
    EXPECT_TRUE(llvm::sys::fs::exists(dir + "/" + f)) << f;

  // NAME.json.
  auto buf = llvm::MemoryBuffer::getFile(dir + "/kb_net.json");
  ASSERT_TRUE(bool(buf));
  auto json = llvm::json::parse((*buf)->getBuffer());
  ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
  llvm::json::Object *obj = json->getAsObject();
  ASSERT_TRUE(obj);
  EXPECT_EQ(obj->getString("name"), "kb_net");
  EXPECT_EQ(obj->getInteger("version"), 7);
  EXPECT_EQ(obj->getInteger("n_in"), 9);
  EXPECT_EQ(obj->getInteger("n_out"), 9);
  EXPECT_EQ(obj->getInteger("params_bytes"), (int64_t)info.paramsBytes);
  EXPECT_TRUE(obj->getString("arch_hash")->starts_with("0x"));
  EXPECT_TRUE(obj->getArray("input_ranges"));
  ASSERT_TRUE(obj->getArray("inputs"));
  EXPECT_EQ(*obj->getArray("inputs")->front().getAsObject()->getString("name"),
            "obs");
  EXPECT_EQ(obj->getArray("tables")->size(), 3u);

  llvm::SmallString<256> log(dir);
  llvm::sys::path::append(log, "build.log");
  std::vector<std::string> args = {"make", "-C", dir.str().str(),
                                   "KDIR=" + kdir, "W=1",
                                   "KBUILD_MODPOST_WARN=1"};
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  int rc = llvm::sys::ExecuteAndWait(*make, refs, std::nullopt, redirects);
  auto logBuf = llvm::MemoryBuffer::getFile(log);
  ASSERT_TRUE(bool(logBuf));
  std::string text = (*logBuf)->getBuffer().str();
  keep = rc != 0 || std::getenv("LF_KBUILD_KEEP");
  if (keep)
    std::printf("package kept in %s\n", dir.c_str());
  ASSERT_EQ(rc, 0) << "kernel build failed (kept in " << dir.str().str()
                   << "):\n" << text;
  EXPECT_TRUE(llvm::sys::fs::exists(dir + "/lf_snap_kb_net.ko")) << text;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(text).split(lines, '\n');
  for (llvm::StringRef l : lines) {
    if (l.contains("modpost") && l.contains("undefined!") &&
        (l.contains("lf_register_snapshot") ||
         l.contains("lf_unregister_snapshot")))
      continue;
    EXPECT_FALSE(l.contains("warning:") || l.contains("WARNING:") ||
                 l.contains("error:"))
        << l.str() << "\nfull log:\n" << text;
  }
}

} // namespace
