//===- NodeTests.cpp - ONNX backend node tests through lfc ----------------===//
//
// Runs ONNX's own backend node tests (model.onnx + test_data_set_0/*.pb, from
// Debian's libonnx-testdata) through a Runner and compares with the expected
// outputs. Each test runs in up to two variants:
//   rt    - as shipped: every graph input is a run-time argument;
//   const - inputs 1.. become initializers (weights, shapes, clip bounds, ...),
//           the way exported networks carry them.
// kPassing lists the (test, variant) pairs that must pass. The sweep test
// runs every node test in both variants and only requires that nothing
// crashes (unsupported ops must fail with a diagnostic); with
// LF_ONNX_NODE_REPORT=1 it prints PASS/FAIL for each, to maintain kPassing.
//
// The runner is lftest::runFloat (importer + float interpreter); a fixed-
// point twin can be plugged in through the same lftest::Runner signature.
//
//===----------------------------------------------------------------------===//

#include "OnnxTestUtil.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;
using namespace lftest;

namespace {

// clang-format off
/// Node tests expected to pass, with the variants that must pass.
const NodeCase kPassing[] = {
#include "passing.inc"
};
// clang-format on

std::string nodeDir() {
  if (const char *d = std::getenv("LF_ONNX_NODE_DIR"))
    return d;
  return LF_ONNX_NODE_DIR;
}

/// Runs one node test in one variant; returns "" on success, else why not.
std::string runNodeTest(const std::string &dir, Variant v, const Runner &run,
                        double atol = 1e-5, double rtol = 1e-5) {
  NodeTestData d;
  std::string why = loadNodeTest(dir, v, d);
  if (!why.empty())
    return why;
  RunResult r = run(d.modelPath, d.model, d.inputs);
  if (!r.ok)
    return "run: " + r.error;
  if (r.outputs.size() != d.expected.size())
    return "got " + std::to_string(r.outputs.size()) + " outputs, expected " +
           std::to_string(d.expected.size());
  for (size_t i = 0; i < d.expected.size(); ++i)
    if (!allClose(r.outputs[i], d.expected[i], atol, rtol, why))
      return "output " + std::to_string(i) + ": " + why;
  return "";
}

struct Param {
  std::string name;
  Variant variant;
};

class NodeTest : public ::testing::TestWithParam<Param> {};

TEST_P(NodeTest, MatchesExpectedOutputs) {
  const Param &p = GetParam();
  std::string dir = nodeDir() + "/" + p.name;
  if (!fs::exists(dir + "/model.onnx"))
    GTEST_SKIP() << dir << " not found";
  std::string why = runNodeTest(dir, p.variant, runFloat);
  EXPECT_EQ(why, "") << p.name << (p.variant == RT ? " (rt)" : " (const)");
}

std::vector<Param> params() {
  std::vector<Param> out;
  for (const NodeCase &c : kPassing) {
    if (c.variants & RT)
      out.push_back({c.name, RT});
    if (c.variants & CONST)
      out.push_back({c.name, CONST});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Onnx, NodeTest, ::testing::ValuesIn(params()),
                         [](const ::testing::TestParamInfo<Param> &info) {
                           return info.param.name +
                                  (info.param.variant == RT ? "_rt" : "_const");
                         });

/// Every node test, both variants: must not crash; reports what passes.
TEST(NodeSweep, NothingCrashes) {
  bool report = std::getenv("LF_ONNX_NODE_REPORT") != nullptr;
  std::set<std::pair<std::string, unsigned>> listed;
  for (const NodeCase &c : kPassing)
    for (unsigned v : {RT, CONST})
      if (c.variants & v)
        listed.insert({c.name, v});
  std::vector<std::string> dirs;
  for (auto &e : fs::directory_iterator(nodeDir()))
    if (fs::exists(e.path() / "model.onnx"))
      dirs.push_back(e.path().filename().string());
  std::sort(dirs.begin(), dirs.end());
  int pass = 0, total = 0, unlisted = 0;
  for (const std::string &d : dirs)
    for (Variant v : {RT, CONST}) {
      std::string why = runNodeTest(nodeDir() + "/" + d, v, runFloat);
      if (why == "const variant needs >= 2 inputs")
        continue;
      ++total;
      bool ok = why.empty();
      pass += ok;
      if (ok && !listed.count({d, v}))
        ++unlisted;
      if (report) {
        std::string line = why.substr(0, why.find('\n'));
        printf("%s %s %s%s%s\n", ok ? "PASS" : "FAIL", d.c_str(),
               v == RT ? "rt" : "const", ok ? "" : ": ", line.c_str());
      }
    }
  printf("node sweep: %d of %d (test, variant) pairs pass, %d passing but "
         "not listed\n",
         pass, total, unlisted);
  SUCCEED();
}

} // namespace
