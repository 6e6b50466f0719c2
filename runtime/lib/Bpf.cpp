//===- Bpf.cpp - the BPF backend: pinned maps and the ring buffer ---------===//

#include "lfrt/Bpf.h"

#include "lfbpf/lfbpf.h"
#include "uapi/liteflow.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>

namespace lfrt {

namespace {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", (unsigned long long)v);
  return b;
}

lfbpf *openPins(const std::string &dir, std::string &err) {
  char e[320] = "";
  lfbpf *h = lfbpf_open(dir.c_str(), e, sizeof e);
  if (!h)
    err = e;
  return h;
}

} // namespace

//===----------------------------------------------------------------------===//
// BpfClient
//===----------------------------------------------------------------------===//

BpfClient::~BpfClient() { lfbpf_close(h_); }

bool BpfClient::open(std::string &err) {
  if (h_)
    return true;
  h_ = openPins(dir_, err);
  return h_ != nullptr;
}

bool BpfClient::getModel(const std::string &name, KernelModel &m, bool &found,
                         std::string &err) {
  struct lf_bpf_model bm;
  struct lf_bpf_ctl_v c;
  if (lfbpf_model(h_, &bm) || lfbpf_ctl(h_, &c)) {
    err = dir_ + ": " + lfbpf_error(h_);
    return false;
  }
  found = true;
  m = KernelModel();
  m.name = name;
  m.nIn = bm.n_in;
  m.nOut = bm.n_out;
  m.archHash = bm.arch_hash;
  m.inFrac.assign(bm.in_frac, bm.in_frac + bm.n_in);
  m.outFrac.assign(bm.out_frac, bm.out_frac + bm.n_out);
  uint32_t active = c.active & 1;
  m.hasActive = c.gen && c.bgen[active];
  m.activeVersion = active + 1;
  // The idle buffer is the standby: a push rewrites it.
  m.hasStandby = true;
  m.standbyVersion = 2 - active;
  for (uint32_t b = 0; b < 2; ++b) {
    KernelSnapshot s;
    s.version = b + 1;
    s.gen = c.bgen[b];
    s.paramsSize = lfbpf_params_size(h_);
    s.state = b == active ? LF_SLOT_ACTIVE : LF_SLOT_STANDBY;
    s.module = dir_ + "/lf_params[" + std::to_string(b) + "]";
    m.snapshots.push_back(s);
  }
  return true;
}

bool BpfClient::push(const std::string &name, const std::vector<uint8_t> &params,
                     uint64_t archHash, int64_t version, uint32_t &gen, std::string &err) {
  KernelModel m;
  bool found = false;
  if (!getModel(name, m, found, err))
    return false;
  if (archHash != m.archHash) {
    err = dir_ + ": the BPF program runs architecture " + hex(m.archHash) + ", the params are for " +
          hex(archHash);
    return false;
  }
  if (params.size() != lfbpf_params_size(h_)) {
    err = dir_ + "/lf_params: " + std::to_string(params.size()) + " bytes, a buffer holds " +
          std::to_string(lfbpf_params_size(h_));
    return false;
  }
  if (version != (int64_t)m.standbyVersion) {
    err = dir_ + ": buffer " + std::to_string(version - 1) +
          " is the active one (a push writes the idle buffer only)";
    return false;
  }
  uint32_t buf = 0;
  if (lfbpf_write_idle(h_, params.data(), graceUs_, &buf, &gen)) {
    err = dir_ + ": " + lfbpf_error(h_);
    return false;
  }
  return true;
}

bool BpfClient::activate(const std::string &, int64_t version, std::string &err) {
  if (version < 1 || version > 2 || lfbpf_flip(h_, (uint32_t)version - 1)) {
    err = dir_ + ": " + (version < 1 || version > 2 ? "no buffer for version " +
                                                          std::to_string(version)
                                                    : std::string(lfbpf_error(h_)));
    return false;
  }
  return true;
}

bool BpfClient::eval(const std::string &, const std::vector<int32_t> &, int64_t,
                     std::vector<int32_t> &, std::string &err) {
  err = "the BPF backend has no EVAL: the daemon's twin runs its snapshots";
  return false;
}

bool BpfClient::readParams(const std::string &, uint32_t version, std::vector<uint8_t> &out,
                           std::string &err) {
  if (version < 1 || version > 2) {
    err = dir_ + ": no buffer for version " + std::to_string(version);
    return false;
  }
  out.resize(lfbpf_params_size(h_));
  if (lfbpf_read_params(h_, version - 1, out.data())) {
    err = dir_ + ": " + lfbpf_error(h_);
    return false;
  }
  return true;
}

bool BpfClient::retire(uint32_t version, std::string &err) {
  if (version < 1 || version > 2 || lfbpf_retire(h_, version - 1)) {
    err = dir_ + ": " + (version < 1 || version > 2 ? "no buffer for version " +
                                                          std::to_string(version)
                                                    : std::string(lfbpf_error(h_)));
    return false;
  }
  return true;
}

bool BpfClient::stat(unsigned idx, uint64_t &v, std::string &err) {
  __u64 s = 0;
  if (lfbpf_stat(h_, idx, &s)) {
    err = dir_ + ": " + lfbpf_error(h_);
    return false;
  }
  v = s;
  return true;
}

//===----------------------------------------------------------------------===//
// BpfSampleSource
//===----------------------------------------------------------------------===//

BpfSampleSource::~BpfSampleSource() {
  if (rb_)
    ring_buffer__free(rb_);
  lfbpf_close(h_);
}

bool BpfSampleSource::open(std::string &err) {
  h_ = openPins(dir_, err);
  if (!h_)
    return false;
  int fd = lfbpf_map_fd(h_, "lf_samples");
  if (fd < 0) {
    err = dir_ + "/lf_samples is not pinned (a loader without a sample ring buffer?)";
    return false;
  }
  rb_ = ring_buffer__new(fd, &BpfSampleSource::onRecord, this, nullptr);
  if (!rb_) {
    err = dir_ + "/lf_samples: cannot map the ring buffer: " + std::strerror(errno);
    return false;
  }
  return true;
}

int BpfSampleSource::fd() const { return rb_ ? ring_buffer__epoll_fd(rb_) : -1; }

bool BpfSampleSource::appendRecord(const void *data, size_t len, std::string &blob,
                                   uint64_t &seq) {
  const struct lf_bpf_sample *s = lfbpf_sample(data, len);
  if (!s || s->buf > 1)
    return false;
  struct lf_sample h;
  std::memset(&h, 0, sizeof h);
  h.ts_ns = s->ts_ns;
  h.version = s->buf + 1;
  h.gen = s->gen;
  h.n_in = s->n_in;
  h.n_out = s->n_out;
  h.n_label = s->n_label;
  size_t nv = (size_t)s->n_in + s->n_out + s->n_label;
  size_t at = blob.size();
  blob.resize(at + LF_SAMPLE_SIZE(h.n_in, h.n_out, h.n_label), '\0');
  std::memcpy(&blob[at], &h, sizeof h);
  std::memcpy(&blob[at + sizeof h], lfbpf_sample_values(s), 4 * nv);
  seq = s->seq;
  return true;
}

int BpfSampleSource::onRecord(void *ctx, void *data, size_t len) {
  auto *self = static_cast<BpfSampleSource *>(ctx);
  uint64_t seq = 0;
  if (!appendRecord(data, len, self->blob_, seq)) {
    ++self->bad_;
    return 0;
  }
  ++self->count_;
  uint64_t n = ++self->records_;
  if (n == 1 || seq < self->firstSeq_)
    self->firstSeq_ = seq;
  if (seq > self->maxSeq_)
    self->maxSeq_ = seq;
  uint64_t span = self->maxSeq_ - self->firstSeq_ + 1;
  self->gaps_ = span > n ? span - n : 0;
  if (self->count_ >= kBatch)
    self->flush();
  return 0;
}

void BpfSampleSource::flush() {
  if (!count_)
    return;
  (*cb_)(model_, ++batchSeq_, gaps_, count_, blob_.data(), blob_.size());
  blob_.clear();
  count_ = 0;
}

bool BpfSampleSource::poll(const NlSampleListener::Handler &h, std::string &err) {
  cb_ = &h;
  int n = ring_buffer__consume(rb_);
  flush();
  cb_ = nullptr;
  if (n < 0 && n != -EINTR) {
    err = dir_ + "/lf_samples: " + std::strerror(-n);
    return false;
  }
  return true;
}

bool BpfSampleSource::kernelCounters(uint64_t &samples, uint64_t &drops, std::string &err) {
  __u64 s = 0, d = 0;
  if (lfbpf_stat(h_, LF_BPF_STAT_SAMPLES, &s) || lfbpf_stat(h_, LF_BPF_STAT_SAMPLE_DROPS, &d)) {
    err = dir_ + ": " + lfbpf_error(h_);
    return false;
  }
  samples = s;
  drops = d;
  return true;
}

} // namespace lfrt
