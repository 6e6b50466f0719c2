//===- TwinNodeTests.cpp - ONNX node tests through the fixed-point twin ---===//
//
// The node tests that pass through the float interpreter (passing.inc), run
// through the whole quantizing pipeline instead:
//   importOnnxModel -> lowerToFloat -> lowerToFixed (32 bits, input ranges
//   calibrated from the test's own inputs) -> emitSnapshotC -> Twin
// i.e. the very C `lfc compile` emits, built with cc and run integer for
// integer, compared with ONNX's expected outputs.
//
// Calibration: every element of run-time input k gets the hull [min, max]
// of input k's test data (widened to +-max(1, |v|)/2 around v when all
// values are equal), exactly what `lfc run --input` does with a CSV of the
// test data, but pooled per tensor rather than per element (a single sample
// per element would make every range a point).
//
// Tolerance (32 bits): for each output tensor with expected values w,
//   |got - w| <= 1e-3 * max(1, max(w) - min(w))   for every element.
// This is the project's accuracy goal (1e-3 of the output range, the same
// figure test/lfc/run_lfc_models.py asserts on the PyTorch models), with
// an absolute floor of 1e-3 for outputs whose range is below 1 (a constant
// output, a single element). At 32 bits the formats chosen from the ranges
// leave ~2^-20 relative resolution or better on every intermediate value and
// each activation table is built for |error| <= 1e-5, so a correct lowering
// sits orders of magnitude inside this bound (the suite prints the worst
// error / tolerance ratio); a failing element means a wrong lowering, not
// rounding.
//
// Lists (the float interpreter's kPassing is the universe):
//   twin_passing.inc - (test, variants) that must match within tolerance;
//   twin_errors.inc  - (test, variant, substring): the pipeline must fail
//                      with a diagnostic containing substring (e.g. a Div by
//                      a range that includes 0, which the quantizer rejects)
//                      and not crash.
// There is no skip list: a compiler bug found by the sweep is fixed, or its
// case fails here until it is.
// ListsCoverFloatPassing checks every float-passing pair is in one list.
// With LF_ONNX_TWIN_REPORT=1, TwinSweep prints PASS/FAIL/ERROR for every
// float-passing pair (to maintain the lists); otherwise it is skipped.
//
// Buffers: maxBufferBytes is raised to 1 MiB; the kernel's stack budget is
// a deployment limit (checked by the lit tests), not a semantic one.
//
//===----------------------------------------------------------------------===//

#include "OnnxTestUtil.h"

#include "ImportModel.h"
#include "lfc/EmitC.h"
#include "lfc/Pipeline.h"
#include "lfc/Twin.h"

#include "lf/LfDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lftest;

namespace {

struct ErrorCase {
  const char *name;
  unsigned variants;
  const char *diagnostic; ///< substring of the expected diagnostic
};

// clang-format off
const NodeCase kFloatPassing[] = {
#include "passing.inc"
};
const std::vector<NodeCase> kTwinPassing = {
#include "twin_passing.inc"
};
const std::vector<ErrorCase> kTwinErrors = {
#include "twin_errors.inc"
};
// clang-format on

constexpr double kRelTol = 1e-3;

std::string nodeDir() {
  if (const char *d = std::getenv("LF_ONNX_NODE_DIR"))
    return d;
  return LF_ONNX_NODE_DIR;
}

/// Worst |err| / tolerance over all passing comparisons (reported).
double gWorstRatio = 0;
std::string gWorstCase;

/// Runs the quantized pipeline on `inputs` and returns the twin's outputs.
RunResult runTwin(const std::string &modelPath, const lfc::onnx::Model &model,
                  const std::vector<std::vector<double>> &inputs,
                  unsigned bits) {
  RunResult r;
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::lf::LfDialect, mlir::func::FuncDialect>();
  std::string diags;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diags += d.str() + "\n";
    return mlir::success();
  });
  auto fail = [&](const char *stage) {
    r.error = diags.empty() ? std::string(stage) + " failed" : diags;
    return r;
  };
  auto module = mlir::lf::importOnnxModel(model, modelPath, ctx, {});
  if (!module)
    return fail("import");
  if (mlir::failed(mlir::lf::lowerToFloat(*module)))
    return fail("lowerToFloat");
  mlir::func::FuncOp f = mlir::lf::getModelFunc(*module);
  if (!f || f.getNumArguments() != inputs.size())
    return fail("argument count");
  std::vector<mlir::lf::Interval> ranges;
  std::vector<double> flat;
  for (auto [arg, in] : llvm::zip(f.getArgumentTypes(), inputs)) {
    auto n = mlir::cast<mlir::RankedTensorType>(arg).getNumElements();
    if (static_cast<size_t>(n) != in.size() || in.empty()) {
      r.error = "input has " + std::to_string(in.size()) +
                " values, argument " + std::to_string(n);
      return r;
    }
    auto [lo, hi] = std::minmax_element(in.begin(), in.end());
    mlir::lf::Interval iv{*lo, *hi};
    if (iv.hi - iv.lo < 1e-9) {
      double pad = std::max(1.0, std::fabs(*lo)) / 2;
      iv = {*lo - pad, *hi + pad};
    }
    ranges.insert(ranges.end(), n, iv);
    flat.insert(flat.end(), in.begin(), in.end());
  }
  mlir::lf::QuantOptions q;
  q.bits = bits;
  q.inputRanges = ranges;
  if (mlir::failed(mlir::lf::lowerToFixed(*module, q)))
    return fail("lowerToFixed");
  mlir::lf::EmitOptions eo;
  eo.name = "node";
  eo.maxBufferBytes = 1 << 20;
  eo.maxStackBytes = 1 << 21;
  auto twin = mlir::lf::Twin::fromFunc(f, eo);
  if (!twin) {
    r.error = diags + llvm::toString(twin.takeError());
    return r;
  }
  std::vector<double> out = (*twin)->runFloat(flat);
  if (out.empty())
    return fail("twin infer");
  size_t pos = 0;
  for (mlir::Type t : f.getResultTypes()) {
    size_t n = mlir::cast<mlir::RankedTensorType>(t).getNumElements();
    if (pos + n > out.size())
      return fail("output size");
    r.outputs.emplace_back(out.begin() + pos, out.begin() + pos + n);
    pos += n;
  }
  r.ok = true;
  return r;
}

/// Result of one (test, variant) through the twin.
struct Outcome {
  enum Kind { Pass, Mismatch, PipelineError, Skip } kind = Pass;
  std::string why;
  double ratio = 0; ///< worst |err| / tolerance
};

Outcome runTwinNodeTest(const std::string &name, Variant v) {
  Outcome o;
  NodeTestData d;
  std::string why = loadNodeTest(nodeDir() + "/" + name, v, d);
  if (!why.empty()) {
    o.kind = Outcome::Skip;
    o.why = why;
    return o;
  }
  RunResult r = runTwin(d.modelPath, d.model, d.inputs, 32);
  if (!r.ok) {
    o.kind = Outcome::PipelineError;
    o.why = r.error;
    return o;
  }
  if (r.outputs.size() != d.expected.size()) {
    o.kind = Outcome::Mismatch;
    o.why = "got " + std::to_string(r.outputs.size()) + " outputs, expected " +
            std::to_string(d.expected.size());
    return o;
  }
  for (size_t i = 0; i < d.expected.size(); ++i) {
    const auto &w = d.expected[i], &g = r.outputs[i];
    if (g.size() != w.size()) {
      o.kind = Outcome::Mismatch;
      o.why = "output " + std::to_string(i) + ": got " +
              std::to_string(g.size()) + " values, expected " +
              std::to_string(w.size());
      return o;
    }
    if (w.empty())
      continue;
    auto [lo, hi] = std::minmax_element(w.begin(), w.end());
    double tol = kRelTol * std::max(1.0, *hi - *lo);
    for (size_t e = 0; e < w.size(); ++e) {
      double ratio = std::fabs(g[e] - w[e]) / tol;
      if (!(ratio <= o.ratio))
        o.ratio = std::isnan(ratio) ? INFINITY : ratio;
      if (!(ratio <= 1.0) && o.kind == Outcome::Pass) {
        char buf[200];
        snprintf(buf, sizeof(buf),
                 "output %zu element %zu: got %.9g, expected %.9g "
                 "(tolerance %.3g)",
                 i, e, g[e], w[e], tol);
        o.kind = Outcome::Mismatch;
        o.why = buf;
      }
    }
  }
  return o;
}

std::string variantName(Variant v) { return v == RT ? "rt" : "const"; }

struct Param {
  std::string name;
  Variant variant;
  std::string diagnostic; ///< empty: must pass
};

std::vector<Param> passParams() {
  std::vector<Param> out;
  for (const NodeCase &c : kTwinPassing)
    for (Variant v : {RT, CONST})
      if (c.variants & v)
        out.push_back({c.name, v, ""});
  return out;
}

std::vector<Param> errorParams(const std::vector<ErrorCase> &list) {
  std::vector<Param> out;
  for (const ErrorCase &c : list)
    for (Variant v : {RT, CONST})
      if (c.variants & v)
        out.push_back({c.name, v, c.diagnostic});
  return out;
}

std::string paramName(const ::testing::TestParamInfo<Param> &info) {
  return info.param.name + "_" + variantName(info.param.variant);
}

class TwinNodeTest : public ::testing::TestWithParam<Param> {};
class TwinNodeErrorTest : public ::testing::TestWithParam<Param> {};

TEST_P(TwinNodeTest, MatchesExpectedOutputs) {
  const Param &p = GetParam();
  if (!fs::exists(nodeDir() + "/" + p.name + "/model.onnx"))
    GTEST_SKIP() << p.name << " not found";
  Outcome o = runTwinNodeTest(p.name, p.variant);
  EXPECT_EQ(o.kind, Outcome::Pass)
      << p.name << " (" << variantName(p.variant) << "): " << o.why;
  if (o.kind == Outcome::Pass && o.ratio > gWorstRatio) {
    gWorstRatio = o.ratio;
    gWorstCase = p.name + " (" + variantName(p.variant) + ")";
  }
}

TEST_P(TwinNodeErrorTest, FailsWithDiagnostic) {
  const Param &p = GetParam();
  if (!fs::exists(nodeDir() + "/" + p.name + "/model.onnx"))
    GTEST_SKIP() << p.name << " not found";
  Outcome o = runTwinNodeTest(p.name, p.variant);
  ASSERT_EQ(o.kind, Outcome::PipelineError)
      << p.name << " (" << variantName(p.variant)
      << "): expected a diagnostic containing '" << p.diagnostic
      << "', got: " << (o.kind == Outcome::Pass ? "pass" : o.why);
  EXPECT_NE(o.why.find(p.diagnostic), std::string::npos)
      << "diagnostic: " << o.why;
}

INSTANTIATE_TEST_SUITE_P(Onnx, TwinNodeTest, ::testing::ValuesIn(passParams()),
                         paramName);
INSTANTIATE_TEST_SUITE_P(Onnx, TwinNodeErrorTest,
                         ::testing::ValuesIn(errorParams(kTwinErrors)),
                         paramName);


/// Every float-passing (test, variant) is either expected to pass through
/// the twin or expected to fail with a diagnostic; no list entry is outside
/// the float-passing set.
TEST(TwinLists, ListsCoverFloatPassing) {
  std::set<std::pair<std::string, unsigned>> floatSet, twinSet;
  for (const NodeCase &c : kFloatPassing)
    for (unsigned v : {RT, CONST})
      if (c.variants & v)
        floatSet.insert({c.name, v});
  auto add = [&](const char *name, unsigned variants) {
    for (unsigned v : {RT, CONST})
      if (variants & v) {
        EXPECT_TRUE(floatSet.count({name, v}))
            << name << " (" << variantName(Variant(v))
            << ") is listed for the twin but does not pass the float runner";
        EXPECT_TRUE(twinSet.insert({name, v}).second)
            << name << " (" << variantName(Variant(v)) << ") listed twice";
      }
  };
  for (const NodeCase &c : kTwinPassing)
    add(c.name, c.variants);
  for (const ErrorCase &c : kTwinErrors)
    add(c.name, c.variants);
  for (const auto &[name, v] : floatSet)
    EXPECT_TRUE(twinSet.count({name, v}))
        << name << " (" << variantName(Variant(v))
        << ") passes the float runner but is in no twin list";
}

/// Runs `runTwinNodeTest` in a forked child so that a compiler crash is
/// reported (CRASH) instead of ending the sweep.
Outcome runIsolated(const std::string &name, Variant v, bool &crashed) {
  crashed = false;
  int fds[2];
  if (pipe(fds) != 0)
    return runTwinNodeTest(name, v);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Outcome o = runTwinNodeTest(name, v);
    std::string msg = std::to_string(int(o.kind)) + " " +
                      std::to_string(o.ratio) + " " + o.why;
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  std::string msg;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0)
    msg.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome o;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || msg.empty()) {
    crashed = true;
    o.kind = Outcome::PipelineError;
    o.why = WIFSIGNALED(status)
                ? "crashed with signal " + std::to_string(WTERMSIG(status))
                : "child failed";
    return o;
  }
  size_t a = msg.find(' '), b = msg.find(' ', a + 1);
  o.kind = Outcome::Kind(std::stoi(msg.substr(0, a)));
  o.ratio = std::stod(msg.substr(a + 1, b - a - 1));
  o.why = msg.substr(b + 1);
  return o;
}

/// With LF_ONNX_TWIN_REPORT=1: every float-passing pair, PASS/FAIL/ERROR/
/// CRASH, each in a forked child.
TEST(TwinSweep, Report) {
  if (!std::getenv("LF_ONNX_TWIN_REPORT"))
    GTEST_SKIP() << "set LF_ONNX_TWIN_REPORT=1 to sweep";
  int pass = 0, total = 0;
  for (const NodeCase &c : kFloatPassing)
    for (Variant v : {RT, CONST}) {
      if (!(c.variants & v))
        continue;
      bool crashed;
      Outcome o = runIsolated(c.name, v, crashed);
      if (o.kind == Outcome::Skip)
        continue;
      ++total;
      pass += o.kind == Outcome::Pass;
      std::string line = o.why;
      std::replace(line.begin(), line.end(), '\n', ' ');
      printf("%s %s %s ratio=%.3g%s%s\n",
             crashed                       ? "CRASH"
             : o.kind == Outcome::Pass     ? "PASS"
             : o.kind == Outcome::Mismatch ? "FAIL"
                                           : "ERROR",
             c.name, variantName(v).c_str(), o.ratio, line.empty() ? "" : ": ",
             line.c_str());
    }
  printf("twin sweep: %d of %d float-passing (test, variant) pairs pass\n",
         pass, total);
}

class Summary : public ::testing::Environment {
  void TearDown() override {
    if (gWorstRatio > 0)
      printf("twin node tests: worst |err| / tolerance %.3g (%s); tolerance "
             "1e-3 * max(1, output range) at 32 bits\n",
             gWorstRatio, gWorstCase.c_str());
  }
};
const auto *gSummary = ::testing::AddGlobalTestEnvironment(new Summary);

} // namespace
