//===- runtime_bench.cpp - lf-runtime figures ------------------------------===//
//
//   lf-runtime-bench MODEL.onnx [--batch N] [--steps N] [--decisions FILE]
//
// Host figures: sample ingest (parse + convert + ring) in samples/s, training
// step time per batch, in-process compile (requantize + emit + package) time,
// twin build time. With --decisions (a decisions.jsonl of a daemon run, e.g.
// the VM test's), the measured weight-push and module (kbuild + insmod)
// update latencies and the samples/s the daemon received.
//
//===----------------------------------------------------------------------===//

#include "lfrt/ModelCompiler.h"
#include "lfrt/Samples.h"
#include "lfrt/StateDir.h"
#include "lfrt/Trainer.h"

#include "uapi/liteflow.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>

using namespace lfrt;
using clk = std::chrono::steady_clock;
static double ms(clk::time_point a) {
  return std::chrono::duration<double, std::milli>(clk::now() - a).count();
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lf-runtime-bench MODEL.onnx [--batch N] [--steps N] [--decisions FILE]\n");
    return 2;
  }
  std::string onnx = argv[1], decisions;
  unsigned batch = 64, steps = 200;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--decisions")) decisions = argv[i + 1];
  }
  std::string err;
  auto mc = ModelCompiler::load(onnx, "", err);
  if (!mc) {
    std::fprintf(stderr, "lf-runtime-bench: %s\n", err.c_str());
    return 1;
  }
  unsigned nIn = mc->net().nIn, nOut = mc->net().nOut;
  std::printf("model %s: %u inputs, %u outputs, %zu parameter tensors\n", onnx.c_str(), nIn,
              nOut, mc->net().params.size());

  // 1. ingest: batches of 256 records as lf_core sends them
  std::mt19937 rng(1);
  std::vector<char> blob;
  const unsigned per = 256;
  for (unsigned i = 0; i < per; ++i) {
    size_t size = LF_SAMPLE_SIZE(nIn, nOut, nOut);
    size_t off = blob.size();
    blob.resize(off + size, 0);
    struct lf_sample h = {};
    h.n_in = nIn;
    h.n_out = nOut;
    h.n_label = nOut;
    std::memcpy(&blob[off], &h, sizeof h);
    int32_t *v = (int32_t *)&blob[off + sizeof h];
    for (unsigned j = 0; j < nIn + 2 * nOut; ++j)
      v[j] = (int32_t)(rng() % 65536) - 32768;
  }
  std::vector<int8_t> inF(nIn, 16), outF(nOut, 16);
  SampleRing ring(65536);
  auto t0 = clk::now();
  unsigned batches = 2000;
  for (unsigned b = 0; b < batches; ++b) {
    std::vector<RawSample> raw;
    parseSampleBlob(blob.data(), blob.size(), per, raw);
    for (auto &r : raw) {
      Sample s;
      convertSample(r, inF, outF, false, false, s);
      ring.push(std::move(s));
    }
  }
  double ingestMs = ms(t0);
  std::printf("ingest: %.0f samples/s (parse + convert + ring, batches of %u)\n",
              batches * per / (ingestMs / 1000), per);

  // 2. training step time per batch
  ModelConfig c;
  Trainer tr(mc->net(), c);
  auto rec = ring.recent(batch);
  for (int i = 0; i < 10; ++i)
    tr.step(rec);
  t0 = clk::now();
  for (unsigned i = 0; i < steps; ++i)
    tr.step(rec);
  std::printf("training: %.3f ms per step (batch %u, adam)\n", ms(t0) / steps, batch);
  t0 = clk::now();
  for (unsigned i = 0; i < steps; ++i)
    tr.predict(rec);
  std::printf("tuned-model inference: %.3f ms per batch of %u\n", ms(t0) / steps, batch);

  // 3. compile: the model as given, then recompiles of tuned weights with
  // its output formats pinned (what an update does)
  CompileOptions co;
  co.inputRanges = {{-2, 2}};
  CompiledSnapshot s;
  char tmpl[] = "/tmp/lfrt-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  t0 = clk::now();
  if (!mc->compile(co, "bench", 1, dir + "/v1", "", s, err)) {
    std::fprintf(stderr, "lf-runtime-bench: %s\n", err.c_str());
    return 1;
  }
  std::printf("compile (quantize + emit + package): %.1f ms\n", ms(t0));
  mc->setWeights(tr.net()->exportParams(), err);
  co.pinOutFrac = s.outFrac;
  t0 = clk::now();
  for (int i = 0; i < 10; ++i)
    mc->compile(co, "bench", 2 + i, dir + "/v" + std::to_string(2 + i), "", s, err);
  std::printf("compile (update: pinned quantize + emit + package): %.1f ms\n", ms(t0) / 10);
  t0 = clk::now();
  auto twin = mc->buildTwin(s, err);
  std::printf("twin build (cc + dlopen): %.1f ms\n", ms(t0));
  if (twin) {
    std::vector<std::vector<double>> out;
    t0 = clk::now();
    for (unsigned i = 0; i < steps; ++i)
      for (auto *x : rec)
        twin->runReal(s.params.data(), x->x);
    std::printf("twin: %.2f us per sample (fidelity)\n", ms(t0) * 1000 / (steps * rec.size()));
  }
  std::printf("params blob: %zu bytes\n", s.params.size());

  // 4. kernel-side figures from a daemon run
  if (!decisions.empty()) {
    std::string d;
    if (!readFile(decisions, d)) {
      std::fprintf(stderr, "lf-runtime-bench: cannot read %s\n", decisions.c_str());
      return 1;
    }
    std::stringstream ss(d);
    std::string line;
    auto num = [](const std::string &l, const char *k) {
      size_t p = l.find(k);
      return p == std::string::npos ? -1.0 : std::atof(l.c_str() + p + std::strlen(k));
    };
    while (std::getline(ss, line)) {
      if (line.find("\"result\":\"ok\"") == std::string::npos)
        continue;
      if (line.find("\"path\":\"push\"") != std::string::npos)
        std::printf("weight push: compile %.1f ms, push %.3f ms, activate %.3f ms, push+activate %.3f ms\n",
                    num(line, "\"compile_ms\":"), num(line, "\"push_ms\":"),
                    num(line, "\"activate_ms\":"), num(line, "\"update_ms\":"));
      else
        std::printf("module update: compile %.1f ms, kbuild %.0f ms, insmod %.1f ms, activate %.3f ms, total %.0f ms\n",
                    num(line, "\"compile_ms\":"), num(line, "\"kbuild_ms\":"),
                    num(line, "\"insmod_ms\":"), num(line, "\"activate_ms\":"),
                    num(line, "\"update_ms\":"));
    }
  }
  return 0;
}
