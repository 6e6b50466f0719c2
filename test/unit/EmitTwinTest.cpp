// The C emitter, checked through the twin (the emitted C built with cc and
// dlopened) against hand-computed integers.
#include "TestUtil.h"

#include "lfc/EmitC.h"
#include "lfc/Twin.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace mlir;
using namespace mlir::lf;

namespace {

// fc (i8 weights) -> odd linear lut -> clamp [0, 6] -> fc (i16 weights)
// -> reshape -> add of a constant (different frac) -> reshape.
const char *kMlp = R"mlir(
func.func @mlp(%x: tensor<1x4xf32>) -> tensor<1x2xf32> attributes {lf.input_names = ["obs"], lf.output_names = ["act"]} {
  %q = lf.quantize %x : tensor<1x4xf32> -> tensor<1x4x!lf.fixed<32, 8>>
  %h = lf.fc %q, weight = dense<[[64, -32, 16, 8], [1, 2, 3, 4], [-128, 127, 0, 5]]> : tensor<3x4xi8>, bias = dense<[256, -512, 0]> : tensor<3xi64> {weight_frac = array<i32: 6, 6, 7>} : tensor<1x4x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 10>>
  %t = lf.lut linear odd %h {table = array<i64: 0, 500, 800, 950, 1000>, start = 0, shift = 9 : i32, max_error = 0.01 : f64} : tensor<1x3x!lf.fixed<32, 10>> -> tensor<1x3x!lf.fixed<16, 10>>
  %r = lf.clamp %t, 0.0, 6.0 : tensor<1x3x!lf.fixed<16, 10>> -> tensor<1x3x!lf.fixed<32, 12>>
  %c = lf.constant dense<[[100], [200]]> : tensor<2x1xi32> -> tensor<2x1x!lf.fixed<32, 4>>
  %o = lf.fc %r, weight = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi16>, bias = dense<[0, 1]> : tensor<2xi64> {weight_frac = array<i32: 4, 4>} : tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x2x!lf.fixed<32, 8>>
  %s = lf.reshape %o : tensor<1x2x!lf.fixed<32, 8>> -> tensor<2x1x!lf.fixed<32, 8>>
  %a = lf.binary add %s, %c : tensor<2x1x!lf.fixed<32, 8>>, tensor<2x1x!lf.fixed<32, 4>> -> tensor<2x1x!lf.fixed<32, 8>>
  %a2 = lf.reshape %a : tensor<2x1x!lf.fixed<32, 8>> -> tensor<1x2x!lf.fixed<32, 8>>
  %d = lf.dequantize %a2 : tensor<1x2x!lf.fixed<32, 8>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
)mlir";

// Softmax decomposed (reduce max, sub, exp table, reduce sum, div) and a
// concat of the input with the softmax (requantized).
const char *kSoftmax = R"mlir(
func.func @smax(%x: tensor<1x3xf32>) -> tensor<1x6xf32> {
  %q = lf.quantize %x : tensor<1x3xf32> -> tensor<1x3x!lf.fixed<32, 8>>
  %m = lf.reduce max %q, axis = 1 : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %s = lf.binary sub %q, %m : tensor<1x3x!lf.fixed<32, 8>>, tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 8>>
  %e = lf.lut linear none %s {table = array<i64: 75, 204, 554, 1507, 4096>, start = -1024, shift = 8 : i32} : tensor<1x3x!lf.fixed<32, 8>> -> tensor<1x3x!lf.fixed<32, 12>>
  %z = lf.reduce sum %e, axis = 1 : tensor<1x3x!lf.fixed<32, 12>> -> tensor<1x1x!lf.fixed<32, 12>>
  %p = lf.binary div %e, %z : tensor<1x3x!lf.fixed<32, 12>>, tensor<1x1x!lf.fixed<32, 12>> -> tensor<1x3x!lf.fixed<32, 14>>
  %c = lf.concat %q, %p axis = 1 : tensor<1x3x!lf.fixed<32, 8>>, tensor<1x3x!lf.fixed<32, 14>> -> tensor<1x6x!lf.fixed<32, 14>>
  %d = lf.dequantize %c : tensor<1x6x!lf.fixed<32, 14>> -> tensor<1x6xf32>
  return %d : tensor<1x6xf32>
}
)mlir";

// Broadcasting mul and add, matmul, two inputs, three outputs (one of
// them an input passed through), a 16-bit output that saturates.
const char *kBroadcast = R"mlir(
func.func @bcast(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2x3xf32>) {
  %q = lf.quantize %x : tensor<2x3xf32> -> tensor<2x3x!lf.fixed<32, 8>>
  %qy = lf.quantize %y : tensor<2xf32> -> tensor<2x!lf.fixed<16, 8>>
  %c = lf.constant dense<[16, 32, -8]> : tensor<3xi32> -> tensor<3x!lf.fixed<32, 4>>
  %m = lf.binary mul %q, %c : tensor<2x3x!lf.fixed<32, 8>>, tensor<3x!lf.fixed<32, 4>> -> tensor<2x3x!lf.fixed<32, 8>>
  %col = lf.reshape %qy : tensor<2x!lf.fixed<16, 8>> -> tensor<2x1x!lf.fixed<16, 8>>
  %a = lf.binary add %m, %col : tensor<2x3x!lf.fixed<32, 8>>, tensor<2x1x!lf.fixed<16, 8>> -> tensor<2x3x!lf.fixed<32, 8>>
  %w = lf.constant dense<[[1, 0], [0, 1], [1, 1]]> : tensor<3x2xi32> -> tensor<3x2x!lf.fixed<32, 0>>
  %mm = lf.matmul %q, %w : tensor<2x3x!lf.fixed<32, 8>>, tensor<3x2x!lf.fixed<32, 0>> -> tensor<2x2x!lf.fixed<32, 8>>
  %row = lf.reshape %c : tensor<3x!lf.fixed<32, 4>> -> tensor<1x3x!lf.fixed<32, 4>>
  %b = lf.binary add %col, %row : tensor<2x1x!lf.fixed<16, 8>>, tensor<1x3x!lf.fixed<32, 4>> -> tensor<2x3x!lf.fixed<8, 4>>
  %d0 = lf.dequantize %a : tensor<2x3x!lf.fixed<32, 8>> -> tensor<2x3xf32>
  %d1 = lf.dequantize %mm : tensor<2x2x!lf.fixed<32, 8>> -> tensor<2x2xf32>
  %d2 = lf.dequantize %qy : tensor<2x!lf.fixed<16, 8>> -> tensor<2xf32>
  %d3 = lf.dequantize %b : tensor<2x3x!lf.fixed<8, 4>> -> tensor<2x3xf32>
  return %d0, %d1, %d2, %d3 : tensor<2x3xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2x3xf32>
}
)mlir";

struct Built {
  lftest::Ctx ctx;
  OwningOpRef<ModuleOp> m;
  std::string c, h;
  SnapshotInfo info;
  std::unique_ptr<Twin> twin;
  std::string error;

  explicit Built(const std::string &text, EmitOptions o = {}) {
    m = ctx.parse(text);
    if (!m) {
      error = "parse: " + ctx.diag;
      return;
    }
    llvm::raw_string_ostream cs(c), hs(h);
    if (failed(emitSnapshotC(ctx.func(*m), o, cs, hs, info))) {
      error = "emit: " + ctx.diag;
      return;
    }
    // Kernel-style strictness on top of the twin's -Wall -Werror.
    TwinOptions to;
    to.extraFlags = {"-Wextra", "-Wno-unused-parameter",
                     "-Wdeclaration-after-statement", "-Wmissing-prototypes",
                     "-Wstrict-prototypes", "-Wvla", "-Wframe-larger-than=2048",
                     "-Wshadow"};
    auto t = Twin::build(info, c, h, to);
    if (!t) {
      error = llvm::toString(t.takeError());
      return;
    }
    twin = std::move(*t);
  }
};

TEST(EmitTwin, Mlp) {
  Built b(kMlp);
  ASSERT_TRUE(b.twin) << b.error << "\n" << b.c;
  EXPECT_EQ(b.info.name, "mlp");
  EXPECT_EQ(b.info.nIn, 4u);
  EXPECT_EQ(b.info.nOut, 2u);
  EXPECT_EQ(b.info.inputs[0].name, "obs");
  EXPECT_EQ(b.info.outputs[0].name, "act");
  EXPECT_EQ(b.info.macs, 12u + 6u);
  ASSERT_EQ(b.info.tables.size(), 1u);
  EXPECT_EQ(b.info.tables[0].size, 5);
  EXPECT_EQ(b.info.tables[0].maxError, 0.01);
  // fc0: [-176, 32, 1028] (Q10); odd lut: [-172, 31, 801]; clamp -> Q12
  // [0, 124, 3204]; fc1 (shift 8): [39, 78]; + [100, 200] << 4.
  const int32_t in[4] = {256, 512, -256, 128};
  int32_t out[2] = {0, 0};
  ASSERT_EQ(b.twin->infer(in, out), 0);
  EXPECT_EQ(out[0], 1639);
  EXPECT_EQ(out[1], 3278);
  std::vector<double> f = b.twin->runFloat({1.0, 2.0, -1.0, 0.5});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_DOUBLE_EQ(f[0], 1639 / 256.0);
  EXPECT_DOUBLE_EQ(f[1], 3278 / 256.0);
  // The blob lfc computes is byte for byte the compiled initializer.
  ASSERT_EQ(b.info.params.size(), b.info.paramsBytes);
  EXPECT_EQ(std::memcmp(b.twin->params(), b.info.params.data(),
                        b.info.paramsBytes),
            0);
}

TEST(EmitTwin, WeightPushKeepsArchHash) {
  Built a(kMlp);
  ASSERT_TRUE(a.twin) << a.error;
  // Other weights and other internal formats (fc0 out Q11, clamp out Q13):
  // same arch hash, same params size; a's code runs b's blob.
  std::string text = kMlp;
  auto replaceAll = [&](const std::string &from, const std::string &to) {
    for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos;
         pos += to.size())
      text.replace(pos, from.size(), to);
  };
  replaceAll("[[100], [200]]", "[[-100], [7]]");
  replaceAll("fixed<32, 10>", "fixed<32, 11>");
  replaceAll("fixed<32, 12>", "fixed<32, 13>");
  replaceAll("[[1, 2, 3], [4, 5, 6]]", "[[6, 5, 4], [3, 2, 1]]");
  Built b(text);
  ASSERT_TRUE(b.twin) << b.error;
  EXPECT_EQ(a.info.archHash, b.info.archHash);
  EXPECT_EQ(a.info.paramsBytes, b.info.paramsBytes);
  EXPECT_NE(a.info.params, b.info.params);
  const int32_t in[4] = {256, 512, -256, 128};
  int32_t outB[2], outPushed[2];
  ASSERT_EQ(b.twin->infer(in, outB), 0);
  ASSERT_EQ(a.twin->inferWithParams(b.info.params.data(), in, outPushed), 0);
  EXPECT_EQ(outB[0], outPushed[0]);
  EXPECT_EQ(outB[1], outPushed[1]);
  // A boundary format change (input Q8 -> Q9) changes the hash.
  std::string text2 = kMlp;
  for (size_t pos = 0; (pos = text2.find("1x4x!lf.fixed<32, 8>", pos)) !=
                       std::string::npos;)
    text2.replace(pos, strlen("1x4x!lf.fixed<32, 8>"), "1x4x!lf.fixed<32, 9>");
  Built c(text2);
  ASSERT_TRUE(c.twin) << c.error;
  EXPECT_NE(a.info.archHash, c.info.archHash);
  EXPECT_EQ(c.info.inFrac[0], 9);
}

TEST(EmitTwin, SoftmaxConcat) {
  Built b(kSoftmax);
  ASSERT_TRUE(b.twin) << b.error << "\n" << b.c;
  const int32_t in[3] = {256, 0, -256};
  int32_t out[6];
  ASSERT_EQ(b.twin->infer(in, out), 0);
  // x << 6, then exp table [4096, 1507, 554] / 6157 in Q14 (rounded away
  // from zero).
  const int32_t expect[6] = {16384, 0, -16384, 10900, 4010, 1474};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], expect[i]) << i;
}

TEST(EmitTwin, BroadcastMatmulMultiOutput) {
  Built b(kBroadcast);
  ASSERT_TRUE(b.twin) << b.error << "\n" << b.c;
  EXPECT_EQ(b.info.nIn, 8u);
  EXPECT_EQ(b.info.nOut, 6u + 4u + 2u + 6u);
  EXPECT_EQ(b.info.inputs[1].width, 16u);
  const int32_t in[8] = {256, 512, -256, 0, 128, 1024, /*y*/ 256, -256};
  int32_t out[18];
  ASSERT_EQ(b.twin->infer(in, out), 0);
  // mul by [1, 2, -0.5]: [[256, 1024, 128], [0, 256, -512]], + y column.
  const int32_t a[6] = {512, 1280, 384, -256, 0, -768};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], a[i]) << i;
  // matmul with [[1,0],[0,1],[1,1]].
  const int32_t mm[4] = {0, 256, 1024, 1152};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(out[6 + i], mm[i]) << i;
  EXPECT_EQ(out[10], 256);
  EXPECT_EQ(out[11], -256);
  // y column (Q8: 1, -1) + c row (Q4: 1, 2, -0.5) into fixed<8, 4>:
  // [[32, 48, 8], [0, 16, -24]], all inside [-128, 127].
  const int32_t bb[6] = {32, 48, 8, 0, 16, -24};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[12 + i], bb[i]) << i;
  // Saturation of the 8-bit output.
  const int32_t big[8] = {0, 0, 0, 0, 0, 0, 32767, -32768};
  ASSERT_EQ(b.twin->infer(big, out), 0);
  EXPECT_EQ(out[12], 127);
  EXPECT_EQ(out[15], -128);
}

TEST(EmitTwin, BufferReuse) {
  // A chain of 6 clamps on 100 elements: two buffers with reuse.
  std::string text =
      "func.func @chain(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {\n"
      "  %v0 = lf.quantize %x : tensor<1x100xf32> -> "
      "tensor<1x100x!lf.fixed<32, 8>>\n";
  for (int i = 1; i <= 6; ++i)
    text += "  %v" + std::to_string(i) + " = lf.clamp %v" +
            std::to_string(i - 1) +
            ", -1.0, 1.0 : tensor<1x100x!lf.fixed<32, 8>> -> "
            "tensor<1x100x!lf.fixed<32, 8>>\n";
  text += "  %d = lf.dequantize %v6 : tensor<1x100x!lf.fixed<32, 8>> -> "
          "tensor<1x100xf32>\n  return %d : tensor<1x100xf32>\n}\n";
  Built b(text);
  ASSERT_TRUE(b.twin) << b.error;
  // v6 is computed into out; v1..v5 ping-pong between two buffers.
  EXPECT_EQ(b.info.bufferBytes, 2u * 100 * 4);
  int32_t in[100], out[100];
  for (int i = 0; i < 100; ++i)
    in[i] = (i - 50) * 10;
  ASSERT_EQ(b.twin->infer(in, out), 0);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(out[i], std::max(-256, std::min(256, in[i])));
  EmitOptions noReuse;
  noReuse.reuseBuffers = false;
  noReuse.maxBufferBytes = 4096;
  noReuse.maxStackBytes = 8192;
  Built nb(text, noReuse);
  ASSERT_TRUE(nb.twin) << nb.error;
  EXPECT_EQ(nb.info.bufferBytes, 5u * 100 * 4);
}

TEST(EmitTwin, TooWideForTheStack) {
  lftest::Ctx ctx;
  auto m = ctx.parse(R"mlir(
func.func @wide(%x: tensor<1x400xf32>) -> tensor<1x1xf32> {
  %q = lf.quantize %x : tensor<1x400xf32> -> tensor<1x400x!lf.fixed<32, 8>>
  %c = lf.clamp %q, 0.0, 1.0 : tensor<1x400x!lf.fixed<32, 8>> -> tensor<1x400x!lf.fixed<32, 8>>
  %r = lf.reduce sum %c, axis = 1 : tensor<1x400x!lf.fixed<32, 8>> -> tensor<1x1x!lf.fixed<32, 8>>
  %d = lf.dequantize %r : tensor<1x1x!lf.fixed<32, 8>> -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}
)mlir");
  ASSERT_TRUE(m) << ctx.diag;
  std::string c, h;
  llvm::raw_string_ostream cs(c), hs(h);
  SnapshotInfo info;
  EXPECT_TRUE(failed(emitSnapshotC(ctx.func(*m), {}, cs, hs, info)));
  EXPECT_NE(ctx.diag.find("too wide for the kernel stack"), std::string::npos)
      << ctx.diag;
}

TEST(EmitTwin, CompilerErrorIsOneLine) {
  SnapshotInfo info;
  info.name = "broken";
  auto t = Twin::build(info, "#include \"broken.h\"\nint x = ;\n", "");
  ASSERT_FALSE(t);
  std::string e = llvm::toString(t.takeError());
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_NE(e.find("-Werror"), std::string::npos) << e;
  EXPECT_NE(e.find("error"), std::string::npos) << e;
  std::string err;
  EXPECT_FALSE(Twin::create(info, "int x = ;\n", "", err));
  EXPECT_NE(err.find("lfc twin: `"), std::string::npos) << err;
  TwinOptions o;
  o.cc = "lf-no-such-cc";
  auto t2 = Twin::build(info, "", "", o);
  ASSERT_FALSE(t2);
  EXPECT_NE(llvm::toString(t2.takeError()).find("not found"),
            std::string::npos);
}

} // namespace
