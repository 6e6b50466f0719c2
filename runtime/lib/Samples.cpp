//===- Samples.cpp - sample parsing, ring buffer, sequence tracking -------===//

#include "lfrt/Samples.h"

#include "uapi/liteflow.h"

#include <cmath>
#include <cstring>

namespace lfrt {

size_t parseSampleBlob(const void *data, size_t len, uint32_t count,
                       std::vector<RawSample> &out) {
  const char *p = static_cast<const char *>(data), *end = p + len;
  size_t n = 0;
  for (uint32_t i = 0; i < count && p + sizeof(struct lf_sample) <= end; ++i) {
    struct lf_sample h;
    std::memcpy(&h, p, sizeof(h));
    size_t size = LF_SAMPLE_SIZE(h.n_in, h.n_out, h.n_label);
    if ((size_t)(end - p) < size)
      break;
    const char *v = p + sizeof(h);
    RawSample r;
    r.flowKey = h.flow_key;
    r.tsNs = h.ts_ns;
    r.version = h.version;
    r.gen = h.gen;
    r.in.resize(h.n_in);
    r.out.resize(h.n_out);
    r.label.resize(h.n_label);
    std::memcpy(r.in.data(), v, 4 * h.n_in);
    std::memcpy(r.out.data(), v + 4 * h.n_in, 4 * h.n_out);
    std::memcpy(r.label.data(), v + 4 * (h.n_in + h.n_out), 4 * h.n_label);
    out.push_back(std::move(r));
    p += size;
    ++n;
  }
  return n;
}

bool convertSample(const RawSample &r, const std::vector<int8_t> &inFrac,
                   const std::vector<int8_t> &outFrac, bool reinforce, bool ce,
                   Sample &s) {
  if (r.in.size() != inFrac.size() || r.out.size() != outFrac.size())
    return false;
  s.tsNs = r.tsNs;
  s.version = r.version;
  s.gen = r.gen;
  s.x.resize(r.in.size());
  for (size_t i = 0; i < r.in.size(); ++i)
    s.x[i] = std::ldexp((double)r.in[i], -inFrac[i]);
  s.y.resize(r.out.size());
  for (size_t i = 0; i < r.out.size(); ++i)
    s.y[i] = std::ldexp((double)r.out[i], -outFrac[i]);
  s.label.clear();
  if (reinforce) {
    if (r.label.empty())
      return false;
    s.label.push_back(r.label[0] / kRewardScale);
    if (r.label.size() >= 1 + outFrac.size()) {
      for (size_t j = 0; j < outFrac.size(); ++j)
        s.label.push_back(std::ldexp((double)r.label[1 + j], -outFrac[j]));
    } else {
      s.label.insert(s.label.end(), s.y.begin(), s.y.end());
    }
  } else if (ce) {
    if (r.label.empty())
      return false;
    s.label.push_back((double)r.label[0]);
  } else {
    if (r.label.size() < outFrac.size())
      return false;
    for (size_t j = 0; j < outFrac.size(); ++j)
      s.label.push_back(std::ldexp((double)r.label[j], -outFrac[j]));
  }
  return true;
}

void SampleRing::push(Sample s) {
  if (q_.size() >= cap_) {
    q_.pop_front();
    ++dropped_;
    if (fresh_ > q_.size())
      fresh_ = q_.size();
  }
  q_.push_back(std::move(s));
  ++total_;
  if (fresh_ < q_.size())
    ++fresh_;
}

std::vector<const Sample *> SampleRing::recent(size_t n) const {
  std::vector<const Sample *> r;
  size_t start = q_.size() > n ? q_.size() - n : 0;
  for (size_t i = start; i < q_.size(); ++i)
    r.push_back(&q_[i]);
  return r;
}

std::vector<const Sample *> SampleRing::takeNew(size_t n) {
  std::vector<const Sample *> r;
  size_t start = q_.size() - fresh_;
  size_t k = std::min(n, fresh_);
  for (size_t i = start; i < start + k; ++i)
    r.push_back(&q_[i]);
  fresh_ -= k;
  return r;
}

void SeqTracker::onBatch(uint64_t seq, uint64_t drops, uint32_t count) {
  if (have && seq > lastSeq + 1) {
    uint64_t gap = seq - lastSeq - 1;
    lostBatches += gap;
    uint64_t mean = batches ? (samples + batches - 1) / batches : count;
    lostSamplesEstimate += gap * mean;
  }
  if (!have || seq > lastSeq)
    lastSeq = seq;
  have = true;
  kernelDrops = drops;
  ++batches;
  samples += count;
}

} // namespace lfrt
