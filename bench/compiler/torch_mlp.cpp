// lf-bench-torch: LibTorch (C++ API) batch-1 forward of an MLP whose weights
// come from onnx_weights.py, built with torch::nn::Linear and torch::tanh.
//
//   lf-bench-torch WEIGHTS.txt time N      median us per forward (1 thread)
//   lf-bench-torch WEIGHTS.txt eval IN.csv outputs, one row per input row
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Net {
  std::vector<std::string> kinds;
  std::vector<torch::nn::Linear> linears;
  int64_t inFeatures = 0;

  torch::Tensor forward(torch::Tensor x) {
    size_t l = 0;
    for (const std::string &k : kinds) {
      if (k == "linear")
        x = linears[l++]->forward(x);
      else if (k == "tanh")
        x = torch::tanh(x);
      else if (k == "relu")
        x = torch::relu(x);
      else
        x = torch::sigmoid(x);
    }
    return x;
  }
};

Net load(const std::string &path) {
  std::ifstream f(path);
  if (!f)
    throw std::runtime_error("cannot read " + path);
  Net net;
  std::string line;
  torch::NoGradGuard ng;
  while (std::getline(f, line)) {
    std::istringstream is(line);
    std::string kind;
    is >> kind;
    if (kind.empty())
      continue;
    net.kinds.push_back(kind);
    if (kind != "linear")
      continue;
    int64_t out, in;
    is >> out >> in;
    if (!net.inFeatures)
      net.inFeatures = in;
    torch::nn::Linear lin(torch::nn::LinearOptions(in, out));
    std::vector<float> w(out * in), b(out);
    std::getline(f, line);
    std::istringstream ws(line);
    for (float &v : w)
      ws >> v;
    std::getline(f, line);
    std::istringstream bs(line);
    for (float &v : b)
      bs >> v;
    lin->weight.copy_(torch::from_blob(w.data(), {out, in}));
    lin->bias.copy_(torch::from_blob(b.data(), {out}));
    lin->eval();
    net.linears.push_back(lin);
  }
  return net;
}

} // namespace

int main(int argc, char **argv) try {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s WEIGHTS.txt time N | eval IN.csv\n",
                 argv[0]);
    return 2;
  }
  torch::set_num_threads(1);
  Net net = load(argv[1]);
  std::string mode = argv[2];
  torch::InferenceMode guard;
  if (mode == "eval") {
    std::ifstream f(argv[3]);
    std::string line;
    while (std::getline(f, line)) {
      if (line.empty() || line[0] == '#')
        continue;
      std::vector<float> x;
      std::istringstream is(line);
      std::string tok;
      while (std::getline(is, tok, ','))
        x.push_back(std::stof(tok));
      auto y = net.forward(torch::from_blob(x.data(), {1, (int64_t)x.size()}));
      auto acc = y.contiguous();
      for (int64_t i = 0; i < acc.numel(); ++i)
        std::printf("%s%.9g", i ? "," : "", acc.data_ptr<float>()[i]);
      std::printf("\n");
    }
    return 0;
  }
  long n = std::atol(argv[3]);
  auto x = torch::randn({1, net.inFeatures});
  float sink = 0;
  for (long i = 0; i < n / 4 + 1; ++i)
    sink += net.forward(x).data_ptr<float>()[0];
  std::vector<double> t;
  for (int rep = 0; rep < 7; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i)
      sink += net.forward(x).data_ptr<float>()[0];
    t.push_back(std::chrono::duration<double, std::micro>(
                    std::chrono::steady_clock::now() - t0)
                    .count() /
                n);
  }
  std::sort(t.begin(), t.end());
  std::printf("%.3f\n", t[t.size() / 2]);
  std::fprintf(stderr, "(sink %g)\n", (double)sink);
  return 0;
} catch (const std::exception &e) {
  std::fprintf(stderr, "lf-bench-torch: %s\n", e.what());
  return 1;
}
