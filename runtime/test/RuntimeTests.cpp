//===- RuntimeTests.cpp - host unit tests of lf-runtime --------------------===//

#include "lfrt/Bpf.h"
#include "lfrt/Config.h"
#include "lfrt/Daemon.h"
#include "lfrt/ModelCompiler.h"
#include "lfrt/OnnxWrite.h"
#include "lfrt/Policy.h"
#include "lfrt/Samples.h"
#include "lfrt/StateStore.h"
#include "lfrt/Trainer.h"

#include "uapi/lf_bpf.h"
#include "uapi/liteflow.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace lfrt;

namespace {

std::string tmpDir() {
  static std::string d;
  if (d.empty()) {
    char t[] = "/tmp/lfrt-test-XXXXXX";
    d = mkdtemp(t);
  }
  return d;
}

std::string genOnnx(const std::string &kind, int seed = 0) {
  std::string out = tmpDir() + "/" + kind + "-" + std::to_string(seed) + ".onnx";
  struct stat st;
  if (stat(out.c_str(), &st) == 0)
    return out;
  std::string cmd = std::string(LFRT_PYTHON) + " " + LFRT_GEN_ONNX + " " + kind +
                    " " + out + " " + std::to_string(seed) + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    return "";
  return out;
}

std::vector<double> randomInput(std::mt19937 &rng, size_t n, double lo = -2,
                                double hi = 2) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> x(n);
  for (double &v : x)
    v = d(rng);
  return x;
}

// The generated model `kind`, loaded for in-process compilation; null, with
// `err` set, if it cannot be generated or loaded.
std::unique_ptr<ModelCompiler> loadModel(const std::string &kind, std::string &err) {
  return ModelCompiler::load(genOnnx(kind), "", err);
}

// The options the tests compile the two-input models with.
CompileOptions mlpCompileOptions() {
  CompileOptions co;
  co.inputRanges = {{-2, 2}};
  return co;
}

// Pointers to `v`'s samples, as the Trainer takes them.
std::vector<const Sample *> pointers(const std::vector<Sample> &v) {
  std::vector<const Sample *> r;
  for (auto &s : v)
    r.push_back(&s);
  return r;
}

} // namespace

// ---------------------------------------------------------------------------
// LibTorch module from the float-level lf IR == evaluateFloat

class TorchEquivalence : public ::testing::TestWithParam<const char *> {};

TEST_P(TorchEquivalence, MatchesEvaluateFloat) {
  std::string path = genOnnx(GetParam());
  ASSERT_FALSE(path.empty()) << "python3 + torch.onnx could not export";
  std::string err;
  auto mc = ModelCompiler::load(path, "", err);
  ASSERT_TRUE(mc) << err;
  TorchNet net(mc->net());
  std::mt19937 rng(7);
  double worst = 0;
  for (int i = 0; i < 100; ++i) {
    auto x = randomInput(rng, mc->net().nIn);
    std::vector<double> ref;
    ASSERT_TRUE(mc->evalFloat(x, ref, err)) << err;
    auto got = forwardOne(net, x);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t j = 0; j < ref.size(); ++j)
      worst = std::max(worst, std::fabs(got[j] - ref[j]) / (1 + std::fabs(ref[j])));
  }
  EXPECT_LT(worst, 1e-5) << "torch (f32) vs evaluateFloat (f64)";
}

INSTANTIATE_TEST_SUITE_P(Models, TorchEquivalence,
                         ::testing::Values("mlp", "mlp3", "softmax", "mix"));

TEST(TorchEquivalence, MatchesLfcRunFloat) {
  const char *lfc = std::getenv("LFC");
  std::string bin = lfc ? lfc : LFRT_LFC;
  if (access(bin.c_str(), X_OK) != 0)
    GTEST_SKIP() << "lfc not built at " << bin;
  std::string path = genOnnx("mix");
  std::string err;
  auto mc = ModelCompiler::load(path, "", err);
  ASSERT_TRUE(mc) << err;
  TorchNet net(mc->net());
  std::mt19937 rng(3);
  std::string csv = tmpDir() + "/in.csv", outp = tmpDir() + "/out.csv";
  std::vector<std::vector<double>> xs;
  {
    std::ofstream f(csv);
    for (int i = 0; i < 20; ++i) {
      xs.push_back(randomInput(rng, mc->net().nIn));
      for (size_t j = 0; j < xs.back().size(); ++j)
        f << (j ? "," : "") << xs.back()[j];
      f << "\n";
    }
  }
  std::string cmd = bin + " " + path + " run --float --input " + csv + " > " +
                    outp + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0)
    GTEST_SKIP() << "lfc run --float failed (lfc under construction?)";
  std::ifstream f(outp);
  std::string line;
  size_t row = 0;
  while (std::getline(f, line) && row < xs.size()) {
    std::vector<double> ref;
    char *p = line.data();
    while (*p) {
      ref.push_back(std::strtod(p, &p));
      if (*p == ',')
        ++p;
      else
        break;
    }
    auto got = forwardOne(net, xs[row]);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t j = 0; j < ref.size(); ++j)
      EXPECT_NEAR(got[j], ref[j], 1e-5 * (1 + std::fabs(ref[j])));
    ++row;
  }
  EXPECT_EQ(row, xs.size());
}

// ---------------------------------------------------------------------------
// Weights back into the lf IR and into ONNX

TEST(WriteBack, TunedWeightsRoundTripThroughOnnx) {
  std::string err;
  auto mc = loadModel("mix", err);
  ASSERT_TRUE(mc) << err;
  TorchNet net(mc->net());
  {
    torch::NoGradGuard ng;
    for (auto &p : net->parameters())
      p.add_(torch::randn_like(p) * 0.2);
  }
  auto params = net->exportParams();
  ASSERT_TRUE(mc->setWeights(params, err)) << err;
  std::string out = tmpDir() + "/tuned.onnx";
  ASSERT_TRUE(writeOnnx(mc->net(), out, err)) << err;
  auto mc2 = ModelCompiler::load(out, "", err);
  ASSERT_TRUE(mc2) << err;
  std::mt19937 rng(11);
  for (int i = 0; i < 30; ++i) {
    auto x = randomInput(rng, mc->net().nIn);
    std::vector<double> a, b;
    ASSERT_TRUE(mc->evalFloat(x, a, err)) << err;   // IR with tuned weights
    ASSERT_TRUE(mc2->evalFloat(x, b, err)) << err;  // re-imported ONNX
    auto t = forwardOne(net, x);                    // torch
    for (size_t j = 0; j < a.size(); ++j) {
      EXPECT_NEAR(a[j], b[j], 1e-9 * (1 + std::fabs(a[j])));
      EXPECT_NEAR(a[j], t[j], 1e-5 * (1 + std::fabs(a[j])));
    }
  }
}

// ---------------------------------------------------------------------------
// Compilation in process and the twin

TEST(Compile, PackageAndTwinFollowTheFloatModel) {
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  CompileOptions co = mlpCompileOptions();
  CompiledSnapshot s1, s2;
  ASSERT_TRUE(mc->compile(co, "rt_mlp", 1, tmpDir() + "/pkg1", "", s1, err)) << err;
  EXPECT_EQ(s1.name, "rt_mlp_v1");
  EXPECT_EQ(s1.moduleName, "lf_snap_rt_mlp_v1");
  EXPECT_FALSE(s1.params.empty());
  struct stat st;
  EXPECT_EQ(stat((tmpDir() + "/pkg1/Kbuild").c_str(), &st), 0);
  auto twin = mc->buildTwin(s1, err);
  ASSERT_TRUE(twin) << err;
  std::mt19937 rng(5);
  for (int i = 0; i < 50; ++i) {
    auto x = randomInput(rng, 2);
    std::vector<double> ref;
    ASSERT_TRUE(mc->evalFloat(x, ref, err));
    auto got = twin->runReal(nullptr, x);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NEAR(got[0], ref[0], 1e-3);
    // the compiled blob passed explicitly gives the same integers
    EXPECT_EQ(twin->runReal(s1.params.data(), x), got);
  }
  // Small weight change compiled like an update (output formats pinned):
  // same architecture, a new params blob of the same size that the old twin
  // runs like the new compile does.
  auto p = mc->net().params;
  for (auto &q : p)
    for (float &v : q.values)
      v *= 1.01f;
  ASSERT_TRUE(mc->setWeights(p, err)) << err;
  co.pinOutFrac = s1.outFrac;
  ASSERT_TRUE(mc->compile(co, "rt_mlp", 2, tmpDir() + "/pkg2", "", s2, err)) << err;
  EXPECT_EQ(s2.archHash, s1.archHash) << s1.archString << "\n" << s2.archString;
  EXPECT_EQ(s2.params.size(), s1.params.size());
  EXPECT_NE(s2.params, s1.params);
  auto twin2 = mc->buildTwin(s2, err);
  ASSERT_TRUE(twin2) << err;
  for (int i = 0; i < 20; ++i) {
    auto x = randomInput(rng, 2);
    EXPECT_EQ(twin->runReal(s2.params.data(), x), twin2->runReal(nullptr, x));
  }
}

// Scales the weights and biases of fc layer `k` (params 2k, 2k+1).
static void scaleFc(std::vector<NetParam> &p, size_t k, float f) {
  for (size_t i = 2 * k; i < 2 * k + 2; ++i)
    for (float &v : p[i].values)
      v *= f;
}

TEST(Update, RetrainedModelWithMovedRangesKeepsTheArchHashUnderPinning) {
  // The running snapshot: the model as given.
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  CompileOptions co = mlpCompileOptions();
  CompiledSnapshot s1, free;
  ASSERT_TRUE(mc->compile(co, "upd", 1, tmpDir() + "/upd1", "", s1, err)) << err;
  auto twin1 = mc->buildTwin(s1, err);
  ASSERT_TRUE(twin1) << err;
  // Retrained: the hidden layer's range triples, the output's shrinks.
  auto p = mc->net().params;
  scaleFc(p, 0, 3.0f);
  scaleFc(p, 1, 0.4f);
  ASSERT_TRUE(mc->setWeights(p, err)) << err;
  // Unpinned, the output format moves with the range: another architecture.
  ASSERT_TRUE(mc->compile(co, "upd", 2, tmpDir() + "/upd2-free", "", free, err)) << err;
  EXPECT_NE(free.outFrac, s1.outFrac);
  EXPECT_NE(free.archHash, s1.archHash);
  // Pinned to the running out_frac: the running architecture (weight push).
  UpdateSnapshot u;
  ASSERT_TRUE(compileForUpdate(*mc, co, s1.archHash, s1.outFrac, "upd", 2,
                               tmpDir() + "/upd2", "", u, err)) << err;
  EXPECT_TRUE(u.fast) << u.why;
  EXPECT_TRUE(u.pinned);
  EXPECT_EQ(u.snap.archHash, s1.archHash) << s1.archString << "\n" << u.snap.archString;
  EXPECT_EQ(u.snap.outFrac, s1.outFrac);
  EXPECT_EQ(u.snap.inFrac, s1.inFrac);
  ASSERT_EQ(u.snap.params.size(), s1.params.size());
  // The running snapshot's code on the pushed blob is the new snapshot, and
  // it follows the retrained float model (internal formats moved with the
  // weights instead of saturating in the old ones).
  auto twin2 = mc->buildTwin(u.snap, err);
  ASSERT_TRUE(twin2) << err;
  std::mt19937 rng(21);
  double worst = 0;
  for (int i = 0; i < 200; ++i) {
    auto x = randomInput(rng, 2);
    auto got = twin1->runReal(u.snap.params.data(), x);
    EXPECT_EQ(got, twin2->runReal(nullptr, x));
    std::vector<double> ref;
    ASSERT_TRUE(mc->evalFloat(x, ref, err)) << err;
    ASSERT_EQ(got.size(), 1u);
    worst = std::max(worst, std::fabs(got[0] - ref[0]));
  }
  EXPECT_LT(worst, 1e-3);
}

TEST(Update, GrownOutputRangeSaturatesAtTheRunningFormats) {
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  CompileOptions co = mlpCompileOptions();
  CompiledSnapshot s1, s;
  ASSERT_TRUE(mc->compile(co, "grow", 1, tmpDir() + "/grow1", "", s1, err)) << err;
  auto p = mc->net().params;
  scaleFc(p, 1, 4.0f);  // the output range grows 4x
  ASSERT_TRUE(mc->setWeights(p, err)) << err;
  // The compiler refuses the pinned formats unless told to saturate...
  CompileOptions pinned = co;
  pinned.pinOutFrac = s1.outFrac;
  EXPECT_FALSE(mc->compile(pinned, "grow", 2, tmpDir() + "/grow2", "", s, err));
  EXPECT_NE(err.find("cannot hold its range"), std::string::npos) << err;
  // ... so the update keeps the running formats (the model's contract with
  // its datapath: lf_core takes no other architecture for it) and the
  // outputs saturate there: same arch, a weight push, and a note why.
  UpdateSnapshot u;
  ASSERT_TRUE(compileForUpdate(*mc, co, s1.archHash, s1.outFrac, "grow", 2,
                               tmpDir() + "/grow2", "", u, err)) << err;
  EXPECT_TRUE(u.fast);
  EXPECT_TRUE(u.pinned);
  EXPECT_TRUE(u.saturated);
  EXPECT_NE(u.note.find("cannot hold its range"), std::string::npos) << u.note;
  EXPECT_EQ(u.snap.archHash, s1.archHash);
  EXPECT_EQ(u.snap.outFrac, s1.outFrac);
  // A malformed pin is an error, not a silent unpinned compile.
  CompileOptions bad = co;
  bad.pinOutFrac = {10, 10};
  EXPECT_FALSE(mc->compile(bad, "grow", 3, tmpDir() + "/grow3", "", s, err));
  EXPECT_NE(err.find("2 given, the model has 1 outputs"), std::string::npos) << err;
}

// ---------------------------------------------------------------------------
// Adaptation

static std::vector<Sample> makeSamples(std::mt19937 &rng, int n,
                                       double (*f)(double, double)) {
  std::vector<Sample> r;
  for (int i = 0; i < n; ++i) {
    Sample s;
    s.x = randomInput(rng, 2);
    s.y = {0};
    s.label = {f(s.x[0], s.x[1])};
    r.push_back(s);
  }
  return r;
}
static double fNew(double a, double b) { return -0.5 * std::tanh(a) + 0.3 * b + 0.4; }

TEST(Adaptation, SupervisedReducesLossOnShiftedDistribution) {
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  for (ObjectiveKind k : {ObjectiveKind::Mse, ObjectiveKind::Huber}) {
    ModelConfig c;
    c.objective = k;
    c.lr = 0.01;
    c.seed = 42;
    Trainer tr(mc->net(), c);
    std::mt19937 rng(1);
    auto test = makeSamples(rng, 256, fNew);
    auto tp = pointers(test);
    double before = tr.evaluate(tp);
    for (int step = 0; step < 300; ++step) {
      auto b = makeSamples(rng, 64, fNew);
      auto bp = pointers(b);
      tr.step(bp);
    }
    double after = tr.evaluate(tp);
    EXPECT_LT(after, 0.1 * before) << toString(k) << ": " << before << " -> " << after;
  }
}

TEST(Adaptation, CrossEntropyLearnsClasses) {
  std::string err;
  auto mc = loadModel("softmax", err);
  ASSERT_TRUE(mc) << err;
  ModelConfig c;
  c.objective = ObjectiveKind::Ce;
  c.ceInput = "probs";
  c.lr = 0.02;
  Trainer tr(mc->net(), c);
  std::mt19937 rng(2);
  auto gen = [&](int n) {
    std::vector<Sample> r;
    for (int i = 0; i < n; ++i) {
      Sample s;
      s.x = randomInput(rng, 4);
      int cls = s.x[0] > 0.5 ? 2 : (s.x[1] > 0 ? 1 : 0);
      s.label = {(double)cls};
      r.push_back(s);
    }
    return r;
  };
  auto test = gen(300);
  auto tp = pointers(test);
  double before = tr.evaluate(tp);
  for (int i = 0; i < 300; ++i) {
    auto b = gen(64);
    auto bp = pointers(b);
    tr.step(bp);
  }
  EXPECT_LT(tr.evaluate(tp), 0.5 * before);
}

TEST(Adaptation, ReinforceMovesThePolicyTowardsHigherReward) {
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  ModelConfig c;
  c.objective = ObjectiveKind::Reinforce;
  c.lr = 0.01;
  c.policySigma = 0.2;
  Trainer tr(mc->net(), c);
  std::mt19937 rng(9);
  std::normal_distribution<double> noise(0, 0.2);
  auto target = [](const std::vector<double> &x) { return 0.3 * x[0] - 0.2; };
  auto meanSqErr = [&]() {
    std::mt19937 r2(4);
    double e = 0;
    for (int i = 0; i < 200; ++i) {
      Sample s;
      s.x = randomInput(r2, 2);
      auto y = tr.predict({&s})[0][0];
      e += (y - target(s.x)) * (y - target(s.x));
    }
    return e / 200;
  };
  double before = meanSqErr();
  for (int step = 0; step < 400; ++step) {
    std::vector<Sample> b;
    for (int i = 0; i < 64; ++i) {
      Sample s;
      s.x = randomInput(rng, 2);
      b.push_back(s);
    }
    auto bp = pointers(b);
    auto mu = tr.predict(bp);
    for (size_t i = 0; i < b.size(); ++i) {
      double a = mu[i][0] + noise(rng);  // the action the kernel took
      double r = -(a - target(b[i].x)) * (a - target(b[i].x));
      b[i].label = {r, a};
    }
    tr.step(bp);
  }
  double after = meanSqErr();
  EXPECT_LT(after, 0.3 * before) << before << " -> " << after;
}

// ---------------------------------------------------------------------------
// Conservative update rules

TEST(Policy, TrendStabilityNeedsAFullFlatWindow) {
  // Hand-derived: losses falling linearly by 0.01 per batch of 100 samples,
  // window 1000 samples (10 batches): fitted change over the window = 0.1
  // (slope -1e-4 per sample x 1000), mean loss over the last 10 batches.
  TrendStability t(1000, 0.1);
  for (int i = 0; i < 9; ++i)
    t.push(1.0 - 0.01 * i, 100);
  EXPECT_EQ(t.relativeTrend(), INFINITY) << "window not full";
  t.push(1.0 - 0.01 * 9, 100);
  double mean = 1.0 - 0.01 * 4.5;
  EXPECT_NEAR(t.relativeTrend(), 0.1 / mean, 1e-12);
  EXPECT_FALSE(t.stable()) << "0.1 / 0.955 > 0.1";
  // a plateau: the fitted line flattens as the window slides onto it
  for (int i = 0; i < 10; ++i)
    t.push(0.9, 100);
  EXPECT_NEAR(t.relativeTrend(), 0.0, 1e-12);
  EXPECT_TRUE(t.stable());
  // a short plateau inside a fall is not stable: 5 flat batches then more fall
  TrendStability u(1000, 0.1);
  for (int i = 0; i < 5; ++i)
    u.push(0.5, 100);
  for (int i = 0; i < 5; ++i)
    u.push(0.5 - 0.05 * (i + 1), 100);
  EXPECT_FALSE(u.stable()) << u.relativeTrend();
  u.reset();
  EXPECT_EQ(u.samples(), 0u);
  EXPECT_FALSE(u.stable());
}

TEST(Policy, DriftDetectorFiresOnAJumpNotOnNoise) {
  // Stationary noisy losses (log-normal, sigma 0.3): no alarm in 20,000
  // batches; a 10x jump: an alarm within 2 batches, and the detector points
  // at the batch where the evidence started.
  std::mt19937 rng(11);
  std::normal_distribution<double> n(0.0, 0.3);
  DriftDetector d(2.0, 3.0);
  int alarms = 0;
  for (int i = 0; i < 20000; ++i)
    alarms += d.push(0.01 * std::exp(n(rng)));
  EXPECT_EQ(alarms, 0);
  int at = -1;
  for (int i = 0; i < 10 && at < 0; ++i)
    if (d.push(0.1 * std::exp(n(rng))))
      at = i;
  ASSERT_GE(at, 0) << "no alarm";
  EXPECT_LE(at, 1);
  EXPECT_EQ(d.evidenceBatches(), (unsigned)at + 1);
  // After the alarm, a falling loss (the model adapting) raises nothing.
  for (int i = 0; i < 200; ++i)
    EXPECT_FALSE(d.push(0.1 * std::exp(-0.02 * i)));
  // A 1.5x rise stays below the ratio: no alarm.
  DriftDetector e(2.0, 3.0);
  for (int i = 0; i < 50; ++i)
    e.push(1.0);
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(e.push(1.5));
}

TEST(Policy, NecessityTriggersExactlyAboveThreshold) {
  std::vector<std::vector<double>> a{{0, 0}, {1, 1}}, b{{0.5, 0}, {1, 1.5}};
  double fl = fidelityLoss(a, b);  // (0.25/2 + 0.25/2) / 2, exact in binary
  EXPECT_EQ(fl, 0.125);
  DecisionInput in;
  in.stable = true;
  in.fidelity = fl;
  in.threshold = 0.125;
  EXPECT_EQ(precheck(in), Decision::SkipFidelity) << "equal: no update";
  in.threshold = std::nextafter(0.125, 0.0);
  EXPECT_EQ(precheck(in), Decision::Update);
  in.stable = false;
  EXPECT_EQ(precheck(in), Decision::WaitUnstable);
  in.stable = true;
  in.throttled = true;
  EXPECT_EQ(precheck(in), Decision::Throttled);
  in.held = true;
  EXPECT_EQ(precheck(in), Decision::Held);
  in.canaryRunning = true;
  EXPECT_EQ(precheck(in), Decision::Canary);
  in.frozen = true;
  EXPECT_EQ(precheck(in), Decision::Frozen);
}

TEST(Policy, AcceptanceNeedsTheMargin) {
  DecisionInput in;
  in.margin = 0.02;
  in.activeLoss = 1.0;
  in.candidateLoss = 0.98;
  EXPECT_EQ(accept(in), Decision::Rejected) << "exactly at the margin";
  in.candidateLoss = 0.97;
  EXPECT_EQ(accept(in), Decision::Update);
  in.candidateLoss = 1.5;
  EXPECT_EQ(accept(in), Decision::Rejected) << "never a worse one";
  in.haveHoldout = false;
  EXPECT_EQ(accept(in), Decision::WaitHoldout);
  in.haveHoldout = true;
  in.candidateLoss = in.activeLoss = NAN;
  EXPECT_EQ(accept(in), Decision::Update) << "no labels (reinforce): the canary judges";
}

TEST(Policy, SampleLossesMatchHandValues) {
  EXPECT_DOUBLE_EQ(sampleLoss(LossKind::Mse, {1, 2}, {0, 0}), 2.5);
  // Huber delta 1: |d| = 0.5 -> 0.125; |d| = 3 -> 2.5
  EXPECT_DOUBLE_EQ(sampleLoss(LossKind::Huber, {0.5, 3}, {0, 0}, 1.0), (0.125 + 2.5) / 2);
  // CE on logits (0, ln 3): p = (1/4, 3/4); class 1 -> -ln(3/4)
  EXPECT_NEAR(sampleLoss(LossKind::Ce, {0, std::log(3.0)}, {1}), -std::log(0.75), 1e-12);
  EXPECT_NEAR(sampleLoss(LossKind::Ce, {0.25, 0.75}, {0}, 1, false), -std::log(0.25), 1e-12);
  EXPECT_TRUE(std::isnan(sampleLoss(LossKind::Ce, {0.25, 0.75}, {2})));
}

TEST(Policy, CanaryAndBudget) {
  // loss: 0.1 vs 0.1 baseline passes; 0.13 with margin 0.2 passes; 0.125
  // exactly at the margin passes; 0.13 with margin 0.2 of 0.1 -> rollback
  EXPECT_EQ(judgeCanary(0.1, 100, 0.1, 512, 0.2, false), CanaryVerdict::Pending);
  EXPECT_EQ(judgeCanary(0.1, 512, 0.1, 512, 0.2, false), CanaryVerdict::Pass);
  EXPECT_EQ(judgeCanary(0.12, 512, 0.1, 512, 0.2, false), CanaryVerdict::Pass);
  EXPECT_EQ(judgeCanary(0.13, 512, 0.1, 512, 0.2, false), CanaryVerdict::Rollback);
  // rewards: higher is better
  EXPECT_EQ(judgeCanary(-2.0, 512, -1.0, 512, 0.2, true), CanaryVerdict::Rollback);
  EXPECT_EQ(judgeCanary(-1.1, 512, -1.0, 512, 0.2, true), CanaryVerdict::Pass);
  EXPECT_EQ(judgeCanary(0.5, 512, NAN, 512, 0.2, false), CanaryVerdict::Pass);

  UpdateBudget b(2, 2);
  EXPECT_TRUE(b.allowed(0));
  b.onUpdate(0);
  b.onUpdate(10);
  EXPECT_FALSE(b.allowed(30)) << "2 per minute used";
  EXPECT_TRUE(b.allowed(60.5)) << "the first left the minute";
  b.onRollback();
  EXPECT_FALSE(b.frozen());
  b.onCanaryPass();
  b.onRollback();
  EXPECT_FALSE(b.frozen()) << "rollbacks in a row, not in all";
  b.onRollback();
  EXPECT_TRUE(b.frozen());
  EXPECT_FALSE(b.allowed(1000));

  SnapshotId id;
  EXPECT_TRUE(parseSnapshotId("2.3", id));
  EXPECT_EQ(id, SnapshotId(2, 3));
  EXPECT_TRUE(parseSnapshotId("v7.0", id));
  EXPECT_EQ(toString(id), "v7.0");
  EXPECT_FALSE(parseSnapshotId("2", id));
  EXPECT_FALSE(parseSnapshotId("0.1", id));
  EXPECT_FALSE(parseSnapshotId("2.x", id));

  LiveErrors live(3);
  for (int i = 1; i <= 5; ++i)
    live.add({1, 0}, i, i);
  const LiveStat *st = live.find({1, 0});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->count, 5u);
  EXPECT_DOUBLE_EQ(st->mean(), 3.0);
  EXPECT_DOUBLE_EQ(st->recentMean(), 4.0) << "window of 3: 3, 4, 5";
  live.clearRecent();
  EXPECT_TRUE(std::isnan(live.find({1, 0})->recentMean()));
  for (uint32_t g = 1; g <= LiveErrors::kMaxInstances; ++g)
    live.add({2, g}, 1.0, 100 + g);
  EXPECT_EQ(live.all().size(), LiveErrors::kMaxInstances);
  EXPECT_FALSE(live.find({1, 0})) << "the instance that served longest ago goes";
}

TEST(Policy, FidelityOfTheTwinSeesTheShift) {
  // The kernel's snapshot (twin of the compiled original) vs a model tuned
  // to a shifted function: the fidelity loss crosses a threshold set
  // between the quantisation error and the shift.
  std::string err;
  auto mc = loadModel("mlp", err);
  ASSERT_TRUE(mc) << err;
  CompileOptions co = mlpCompileOptions();
  CompiledSnapshot s;
  ASSERT_TRUE(mc->compile(co, "fid", 1, tmpDir() + "/fid", "", s, err)) << err;
  auto twin = mc->buildTwin(s, err);
  ASSERT_TRUE(twin) << err;
  ModelConfig c;
  c.lr = 0.01;
  Trainer tr(mc->net(), c);
  std::mt19937 rng(8);
  auto recent = makeSamples(rng, 256, fNew);
  auto rp = pointers(recent);
  auto snapOut = [&]() {
    std::vector<std::vector<double>> r;
    for (auto *x : rp)
      r.push_back(twin->runReal(s.params.data(), x->x));
    return r;
  };
  double f0 = fidelityLoss(snapOut(), tr.predict(rp));
  EXPECT_LT(f0, 1e-6) << "untuned model == snapshot up to quantisation";
  for (int i = 0; i < 200; ++i) {
    auto b = makeSamples(rng, 64, fNew);
    auto bp = pointers(b);
    tr.step(bp);
  }
  double f1 = fidelityLoss(snapOut(), tr.predict(rp));
  EXPECT_GT(f1, 1e-3);
}

// ---------------------------------------------------------------------------
// Samples

// A freeze is a record in decisions.jsonl that the next daemon start reads;
// only `lf-runtime unfreeze` (an "unfreeze" event) lifts it.
TEST(StateFreeze, OutlivesTheDaemonUntilUnfreeze) {
  char tmpl[] = "/tmp/lfrt-freeze-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  StateStore store(dir);
  std::string err;
  ASSERT_TRUE(store.init("m", err)) << err;
  EXPECT_FALSE(store.frozen("m"));
  store.event("m", llvm::json::Object{{"event", "rollback"}});
  EXPECT_FALSE(store.frozen("m"));
  store.event("m", llvm::json::Object{{"event", "freeze"}});
  EXPECT_TRUE(store.frozen("m"));
  // a torn line (the daemon killed mid-write) does not hide the freeze
  { std::ofstream(dir + "/m/decisions.jsonl", std::ios::app) << "{\"event\":\"unfre"; }
  store.event("m", llvm::json::Object{{"event", "drift"}});
  EXPECT_TRUE(store.frozen("m"));
  unsigned malformed = 0;
  auto ev = store.events("m", &malformed);
  EXPECT_EQ(malformed, 1u);
  ASSERT_EQ(ev.size(), 3u); // the event after the torn line is kept
  EXPECT_EQ(ev.back().getString("event"), std::optional<llvm::StringRef>("drift"));
  EXPECT_EQ(runUnfreeze(dir, "m"), 0);
  EXPECT_FALSE(store.frozen("m"));
  EXPECT_EQ(runUnfreeze(dir, "m"), 0); // not frozen: says so, writes nothing
  EXPECT_FALSE(store.frozen("m"));
  store.event("m", llvm::json::Object{{"event", "freeze"}});
  EXPECT_TRUE(store.frozen("m"));
  EXPECT_EQ(runUnfreeze(dir, "nosuch"), 1);
  std::system(("rm -rf " + dir).c_str());
}

TEST(Samples, ParseRingAndSequence) {
  std::vector<char> blob;
  auto put = [&](uint64_t flow, std::vector<int32_t> in, std::vector<int32_t> out,
                 std::vector<int32_t> lab) {
    size_t size = LF_SAMPLE_SIZE(in.size(), out.size(), lab.size());
    size_t off = blob.size();
    blob.resize(off + size, 0);
    struct lf_sample h = {};
    h.flow_key = flow;
    h.version = 3;
    h.gen = 1;
    h.n_in = in.size();
    h.n_out = out.size();
    h.n_label = lab.size();
    std::memcpy(&blob[off], &h, sizeof(h));
    char *v = &blob[off + sizeof(h)];
    std::memcpy(v, in.data(), 4 * in.size());
    std::memcpy(v + 4 * in.size(), out.data(), 4 * out.size());
    std::memcpy(v + 4 * (in.size() + out.size()), lab.data(), 4 * lab.size());
  };
  put(1, {256, -512}, {1 << 16}, {3 << 15});
  put(2, {128, 0}, {0}, {65536});
  put(3, {1, 2}, {3}, {4});
  std::vector<RawSample> raw;
  EXPECT_EQ(parseSampleBlob(blob.data(), blob.size() - 1, 3, raw), 2u)
      << "a truncated record is dropped";
  raw.clear();
  ASSERT_EQ(parseSampleBlob(blob.data(), blob.size(), 3, raw), 3u);
  Sample s;
  ASSERT_TRUE(convertSample(raw[0], {8, 8}, {16}, false, false, s));
  EXPECT_EQ(s.x, (std::vector<double>{1.0, -2.0}));
  EXPECT_EQ(s.y, (std::vector<double>{1.0}));
  EXPECT_EQ(s.label, (std::vector<double>{1.5}));
  EXPECT_EQ(s.version, 3u) << "the serving snapshot travels with the sample";
  EXPECT_EQ(s.gen, 1u);
  ASSERT_TRUE(convertSample(raw[1], {8, 8}, {16}, true, false, s));
  EXPECT_EQ(s.label, (std::vector<double>{1.0, 0.0})) << "reward Q16.16, action = output";
  EXPECT_FALSE(convertSample(raw[0], {8}, {16}, false, false, s)) << "wrong n_in";

  SampleRing ring(4);
  for (int i = 0; i < 6; ++i) {
    Sample x;
    x.x = {(double)i};
    ring.push(x);
  }
  EXPECT_EQ(ring.size(), 4u);
  EXPECT_EQ(ring.dropped(), 2u);
  EXPECT_EQ(ring.recent(2)[0]->x[0], 4);
  auto nb = ring.takeNew(3);
  ASSERT_EQ(nb.size(), 3u);
  EXPECT_EQ(nb[0]->x[0], 2);
  EXPECT_EQ(ring.pendingNew(), 1u);

  SeqTracker t;
  t.onBatch(1, 0, 10);
  t.onBatch(2, 0, 10);
  t.onBatch(5, 3, 10);  // batches 3 and 4 lost
  EXPECT_EQ(t.lostBatches, 2u);
  EXPECT_EQ(t.lostSamplesEstimate, 20u);
  EXPECT_EQ(t.kernelDrops, 3u);
}

// A BPF ring buffer record (uapi/lf_bpf.h) becomes lf_core's sample record:
// the buffer as version buffer + 1, the generation, the values in order, the
// program's sample number returned for the gap accounting.
TEST(Samples, BpfRecordBecomesAnLfCoreSample) {
  struct {
    struct lf_bpf_sample h;
    int32_t v[5];
  } rec = {};
  rec.h.seq = 42;
  rec.h.ts_ns = 7;
  rec.h.gen = 3;
  rec.h.buf = 1;
  rec.h.n_in = 2;
  rec.h.n_out = 1;
  rec.h.n_label = 2;
  int32_t vals[5] = {256, -512, 1 << 15, 2 << 16, -(1 << 15)};
  std::memcpy(rec.v, vals, sizeof vals);
  std::string blob;
  uint64_t seq = 0;
  ASSERT_TRUE(BpfSampleSource::appendRecord(&rec, sizeof rec, blob, seq));
  EXPECT_EQ(seq, 42u);
  ASSERT_TRUE(BpfSampleSource::appendRecord(&rec, sizeof rec, blob, seq));
  EXPECT_FALSE(BpfSampleSource::appendRecord(&rec, sizeof rec.h + sizeof rec.v - 4, blob, seq))
      << "a record shorter than its counts announce";
  rec.h.buf = 2;
  EXPECT_FALSE(BpfSampleSource::appendRecord(&rec, sizeof rec, blob, seq)) << "buffer 2";
  std::vector<RawSample> raw;
  ASSERT_EQ(parseSampleBlob(blob.data(), blob.size(), 2, raw), 2u);
  EXPECT_EQ(raw[1].version, 2u) << "buffer 1 is version 2";
  EXPECT_EQ(raw[1].gen, 3u);
  EXPECT_EQ(raw[1].tsNs, 7u);
  EXPECT_EQ(raw[1].in, (std::vector<int32_t>{256, -512}));
  EXPECT_EQ(raw[1].out, (std::vector<int32_t>{1 << 15}));
  EXPECT_EQ(raw[1].label, (std::vector<int32_t>{2 << 16, -(1 << 15)}));
  Sample smp;
  ASSERT_TRUE(convertSample(raw[0], {8, 8}, {16}, true, false, smp));
  EXPECT_EQ(smp.label, (std::vector<double>{2.0, -0.5})) << "reward Q16.16, then the action";
}

// ---------------------------------------------------------------------------
// Configuration errors: one clear line

static std::string cfgErr(const std::string &text) {
  DaemonConfig c;
  std::string err;
  if (loadConfigText(text, "t.toml", c, err)) {
    for (auto &m : c.models)
      if (!validateModel(m, err))
        return err;
    return "";
  }
  return err;
}

TEST(Config, ParsesAllKeys) {
  std::string onnx = genOnnx("mlp");
  DaemonConfig c;
  std::string err;
  ASSERT_TRUE(loadConfigText(
      "[daemon]\nstate_dir = \"/tmp/x\"\n[models.cc]\nonnx = \"" + onnx +
          "\"\nobjective = \"huber\"\noptimizer = \"sgd\"\nlr = 0.5\n"
          "batch_size = 32\nstability_window = 4096\nstability_epsilon = 0.01\n"
          "fidelity_ratio = 0.5\ncanary_samples = 100\nrollback_margin = 0.3\n"
          "max_updates_per_min = 2\nfreeze_after = 4\ndrift_ratio = 3\n"
          "fidelity_threshold = 0.02\ninput_ranges = [[-1, 1], [0, 4.5]]\n"
          "bits = 16\nupdate = \"push\"\nkdir = \"/k\"\n",
      "t.toml", c, err))
      << err;
  ASSERT_EQ(c.models.size(), 1u);
  const ModelConfig &m = c.models[0];
  EXPECT_EQ(c.stateDir, "/tmp/x");
  EXPECT_EQ(m.objective, ObjectiveKind::Huber);
  EXPECT_EQ(m.optimizer, OptimizerKind::Sgd);
  EXPECT_EQ(m.lr, 0.5);
  EXPECT_EQ(m.batchSize, 32u);
  EXPECT_EQ(m.stabilityWindow, 4096u);
  EXPECT_EQ(m.fidelityRatio, 0.5);
  EXPECT_EQ(m.canarySamples, 100u);
  EXPECT_EQ(m.rollbackMargin, 0.3);
  EXPECT_EQ(m.maxUpdatesPerMin, 2u);
  EXPECT_EQ(m.freezeAfter, 4u);
  EXPECT_EQ(m.driftRatio, 3.0);
  EXPECT_EQ(m.bits, 16u);
  EXPECT_EQ(m.update, UpdateMode::Push);
  ASSERT_EQ(m.inputRanges.size(), 2u);
  EXPECT_EQ(m.inputRanges[1].second, 4.5);
  EXPECT_EQ(m.backend, Backend::LfCore);
  EXPECT_TRUE(validateModel(m, err)) << err;

  DaemonConfig b;
  ASSERT_TRUE(loadConfigText("[models.cc]\nonnx = \"" + onnx +
                                 "\"\nbackend = \"bpf\"\nbpf_pin_dir = \"/sys/fs/bpf/x\"\n"
                                 "bpf_grace_us = 500\n",
                             "t.toml", b, err))
      << err;
  EXPECT_EQ(b.models[0].backend, Backend::Bpf);
  EXPECT_EQ(b.models[0].bpfPinDir, "/sys/fs/bpf/x");
  EXPECT_EQ(b.models[0].bpfGraceUs, 500u);
  EXPECT_TRUE(validateModel(b.models[0], err)) << err;
}

TEST(Config, ErrorsAreOneClearLine) {
  std::string onnx = genOnnx("mlp");
  struct Case {
    std::string text, expect;
  } cases[] = {
      {"[models.a]\nonnx = \"" + onnx + "\"\nobjective = \"mae\"\n",
       "t.toml: models.a.objective: 'mae' is not one of mse, huber, ce, reinforce"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nlearning_rate = 1\n",
       "t.toml: models.a: unknown key 'learning_rate'"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbatch_size = 0\n",
       "t.toml: models.a.batch_size: 0 out of range [1, 1048576]"},
      {"[models.a]\nonnx = \"/nonexistent.onnx\"\n",
       "model 'a': ONNX file /nonexistent.onnx not found"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nlr = -1\n", "model 'a': lr must be positive"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nupdate = \"fast\"\n",
       "t.toml: models.a.update: 'fast' is not one of push, module, auto"},
      {"[models.a]\nonnx = \"" + onnx + "\"\ninput_ranges = \"1,0\"\n",
       "t.toml: models.a.input ranges: lo > hi in pair 0"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbits = 12\n", "model 'a': bits must be 32 or 16"},
      {"[mdels.a]\n", "t.toml: unknown top-level key 'mdels' (expected [daemon] or [models.NAME])"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nstability_window = -5\n",
       "t.toml: models.a.stability_window: -5 out of range [1, 16777216]"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nstability_k = 5\n",
       "t.toml: models.a: unknown key 'stability_k' (replaced by stability_window, in samples)"},
      {"[models.a]\nonnx = \"" + onnx + "\"\ndrift_ratio = 0.5\n",
       "model 'a': drift_ratio must be > 1"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nholdout_fraction = 0.9\n",
       "model 'a': holdout_fraction must be in (0, 0.5]"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nfault = \"x\"\n",
       "t.toml: models.a.fault: 'x' is not one of corrupt-push (tests only)"},
      {"[models.a]\nlr = 0.1\n",
       "model 'a': no ONNX file (set onnx = \"...\" or --model NAME=FILE)"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbackend = \"ebpf\"\n",
       "t.toml: models.a.backend: 'ebpf' is not one of lf_core, bpf"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbackend = \"bpf\"\nbpf_pin_dir = \"pins\"\n",
       "t.toml: models.a.bpf_pin_dir: 'pins' is not an absolute path"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbackend = \"bpf\"\nupdate = \"module\"\n",
       "model 'a': update = module: backend = \"bpf\" updates by a map write and an index flip "
       "only (update = push or auto)"},
      {"[models.a]\nonnx = \"" + onnx + "\"\nbpf_grace_us = -1\n",
       "t.toml: models.a.bpf_grace_us: -1 out of range [0, 1000000]"},
  };
  for (const Case &c : cases) {
    std::string e = cfgErr(c.text);
    EXPECT_EQ(e, c.expect);
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
  std::string e = cfgErr("[models.a\nonnx = 1\n");
  EXPECT_EQ(e.rfind("t.toml: syntax error: ", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}
