//===- ServingNet.h - a model's float net answering kernel queries -*- C++ -*-===//
//
// The userspace deployment of a model: lf_core's userspace queries
// (lf_user_query(), LF_CMD_QUERY) are answered with the model's current
// float net, the LibTorch net the session tunes. The serving copy is
// replaced whenever the trainer's weights changed, so answers never wait
// for a training step; `answer` may run on any thread.
//
// Conversion: x[i] = in[i] / 2^in_frac[i]; out[j] = round(y[j] x
// 2^out_frac[j]), saturated to s32 (NaN: 0): the formats of lf_core's model.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_SERVINGNET_H
#define LFRT_SERVINGNET_H

#include "lfrt/NetSpec.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace lfrt {

class ServingNet {
public:
  ServingNet(const NetSpec &spec, std::vector<int8_t> inFrac, std::vector<int8_t> outFrac);
  ~ServingNet();
  /// Replaces the weights (spec order, as TorchNetImpl::exportParams()).
  void update(const std::vector<NetParam> &params);
  /// One query: `nIn` inputs in the input formats -> nOut outputs in the
  /// output formats. False if `nIn` is not the model's.
  bool answer(const int32_t *in, uint32_t nIn, std::vector<int32_t> &out);
  uint64_t answered() const { return answered_; }
  uint64_t updates() const { return updates_; }

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> answered_{0}, updates_{0};
};

} // namespace lfrt

#endif
