//===- Bpf.h - the BPF backend: pinned maps and the ring buffer -*- C++ -*-===//
//
// A model whose snapshot runs as a BPF program (lfc --target bpf, e.g.
// lf_aurora_bpf) is reached through the maps its loader pinned under one
// directory (config bpf_pin_dir, uapi/lf_bpf.h): lf_params (two buffers),
// lf_ctl, lf_model, lf_samples, lf_stats. Buffer b is snapshot version
// b + 1; its generation is lf_ctl's bgen[b]; the idle buffer is the standby.
//  - BpfClient (KernelApi): push = liblfbpf's lfbpf_write_idle (retire the
//    idle buffer, a grace period, the blob, generation + 1), activate =
//    lfbpf_flip; a rollback flips back while the previous buffer is intact.
//    The same code as `lf_cc_bpf push` (tools/liblfbpf).
//  - BpfSampleSource: the lf_samples ring buffer, records converted to
//    lf_core's sample blob (uapi/liteflow.h: version = buffer + 1) and handed
//    over in batches like the netlink listener's. Each record carries the
//    program's sample number: gaps (samples the ring had no room for) are
//    the batches' cumulative drops, as lf_core's DROPS.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_BPF_H
#define LFRT_BPF_H

#include "lfrt/KernelApi.h"
#include "lfrt/NetlinkClient.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

struct lfbpf;
struct ring_buffer;

namespace lfrt {

class BpfClient : public KernelApi {
public:
  BpfClient(std::string pinDir, unsigned graceUs) : dir_(std::move(pinDir)), graceUs_(graceUs) {}
  ~BpfClient() override;
  BpfClient(const BpfClient &) = delete;
  BpfClient &operator=(const BpfClient &) = delete;
  /// Opens the pinned maps: "DIR/lf_params: No such file or directory (is the
  /// BPF program up? ...)" when they are missing.
  bool open(std::string &err);
  const char *backend() const override { return "bpf"; }
  bool getModel(const std::string &name, KernelModel &m, bool &found,
                std::string &err) override;
  bool push(const std::string &name, const std::vector<uint8_t> &params, uint64_t archHash,
            int64_t version, uint32_t &gen, std::string &err) override;
  bool activate(const std::string &name, int64_t version, std::string &err) override;
  bool eval(const std::string &name, const std::vector<int32_t> &in, int64_t version,
            std::vector<int32_t> &out, std::string &err) override;
  bool canEval() const override { return false; }
  bool readParams(const std::string &name, uint32_t version, std::vector<uint8_t> &out,
                  std::string &err) override;
  /// Retires the idle buffer `version` (its sockets move to the active one).
  bool retire(uint32_t version, std::string &err);
  /// Counter LF_BPF_STAT_* summed over the CPUs.
  bool stat(unsigned idx, uint64_t &v, std::string &err);
  const std::string &pinDir() const { return dir_; }

private:
  std::string dir_;
  unsigned graceUs_;
  lfbpf *h_ = nullptr;
};

/// The lf_samples ring buffer of one model's BPF program.
class BpfSampleSource {
public:
  /// Records per batch handed to the handler (lf_core's default batch).
  static constexpr uint32_t kBatch = 64;
  BpfSampleSource(std::string model, std::string pinDir)
      : model_(std::move(model)), dir_(std::move(pinDir)) {}
  ~BpfSampleSource();
  BpfSampleSource(const BpfSampleSource &) = delete;
  BpfSampleSource &operator=(const BpfSampleSource &) = delete;
  bool open(std::string &err);
  /// Pollable fd (the ring buffer's epoll fd).
  int fd() const;
  /// Consumes everything in the ring (non-blocking) and hands it over in
  /// batches: `seq` numbers the batches, `drops` counts the samples lost
  /// so far (gaps in the program's sample numbers). False on a fatal error.
  bool poll(const NlSampleListener::Handler &h, std::string &err);
  const std::string &model() const { return model_; }
  const std::string &pinDir() const { return dir_; }
  uint64_t records() const { return records_; }
  uint64_t badRecords() const { return bad_; }
  /// Samples the program numbered but this source never received.
  uint64_t seqGaps() const { return gaps_; }
  uint64_t firstSeq() const { return firstSeq_; }
  uint64_t lastSeq() const { return maxSeq_; }
  /// The program's own counters (lf_stats): samples submitted, ring full.
  bool kernelCounters(uint64_t &samples, uint64_t &drops, std::string &err);

  /// One record (uapi/lf_bpf.h) appended to `blob` as lf_core's struct
  /// lf_sample record; false for a malformed record. (Tests.)
  static bool appendRecord(const void *data, size_t len, std::string &blob, uint64_t &seq);

private:
  static int onRecord(void *ctx, void *data, size_t len);
  void flush();
  std::string model_, dir_;
  lfbpf *h_ = nullptr;
  ring_buffer *rb_ = nullptr;
  const NlSampleListener::Handler *cb_ = nullptr;
  std::string blob_;
  uint32_t count_ = 0;
  uint64_t batchSeq_ = 0;
  std::atomic<uint64_t> records_{0}, bad_{0}, gaps_{0}, firstSeq_{0}, maxSeq_{0};
};

} // namespace lfrt

#endif
