//===- Samples.h - training samples from lf_core --------------*- C++ -*-===//
//
// Wire format (uapi/liteflow.h): a batch is SAMPLE_COUNT struct lf_sample
// records, each followed by n_in + n_out + n_label s32 values, padded to 8.
// Conversion to reals:
//   inputs   x[i] = in[i] / 2^in_frac[i]   (the snapshot's input formats)
//   outputs  y[j] = out[j] / 2^out_frac[j] (what the kernel answered)
//   labels, supervised mse/huber: n_out targets in the OUTPUT formats
//            (label[j] / 2^out_frac[j]);
//   labels, ce: label[0] is the class index (plain integer);
//   labels, reinforce: label[0] is the reward in Q16.16 (reward * 65536),
//            optionally followed by the n_out actions actually taken, in the
//            output formats (absent: the action is the kernel's output).
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_SAMPLES_H
#define LFRT_SAMPLES_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace lfrt {

struct RawSample {
  uint64_t flowKey = 0, tsNs = 0;
  uint32_t version = 0, gen = 0; ///< the serving snapshot (0: not pinned)
  std::vector<int32_t> in, out, label;
};

/// Parses a SAMPLES blob; stops at the first truncated record. Returns the
/// number of records parsed (appended to `out`).
size_t parseSampleBlob(const void *data, size_t len, uint32_t count,
                       std::vector<RawSample> &out);

struct Sample {
  std::vector<double> x, y;   ///< inputs, kernel outputs (reals)
  std::vector<double> label;  ///< converted as described above
  uint64_t tsNs = 0;
  uint64_t seq = 0;                ///< daemon-wide sample sequence number
  uint32_t version = 0, gen = 0;   ///< the snapshot that answered y
};

constexpr double kRewardScale = 65536.0;  ///< Q16.16

/// Converts with the formats; `reinforce` selects the label convention.
bool convertSample(const RawSample &r, const std::vector<int8_t> &inFrac,
                   const std::vector<int8_t> &outFrac, bool reinforce, bool ce,
                   Sample &s);

/// Bounded ring: drops the oldest sample when full and counts it.
class SampleRing {
public:
  explicit SampleRing(size_t cap) : cap_(cap ? cap : 1) {}
  void push(Sample s);
  size_t size() const { return q_.size(); }
  uint64_t dropped() const { return dropped_; }
  uint64_t total() const { return total_; }
  /// The most recent n samples (oldest first).
  std::vector<const Sample *> recent(size_t n) const;
  /// Samples pushed since the last take, up to n (oldest first): the next
  /// training batch. Returns fewer if fewer are new.
  std::vector<const Sample *> takeNew(size_t n);
  size_t pendingNew() const { return fresh_; }

private:
  size_t cap_;
  std::deque<Sample> q_;
  uint64_t dropped_ = 0, total_ = 0;
  size_t fresh_ = 0;
};

/// Per-model sequence tracking: SEQ gaps are lost batches; DROPS is the
/// kernel's cumulative counter.
struct SeqTracker {
  uint64_t lastSeq = 0;
  bool have = false;
  uint64_t lostBatches = 0;
  uint64_t kernelDrops = 0;
  uint64_t lostSamplesEstimate = 0;  ///< lost batches * mean batch size
  uint64_t batches = 0, samples = 0;
  void onBatch(uint64_t seq, uint64_t drops, uint32_t count);
};

} // namespace lfrt

#endif
