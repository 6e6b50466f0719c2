//===- NetlinkClient.cpp - C++ client of lf_core (on liblfnl) -------------===//

#include "lfrt/NetlinkClient.h"

#include "lfnl/lfnl.h"

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstring>

namespace lfrt {

const KernelSnapshot *KernelModel::find(uint32_t v) const {
  for (const auto &s : snapshots)
    if (s.version == v)
      return &s;
  return nullptr;
}

namespace {
/// "what: diagnosis" of the last failure of `h`.
std::string failure(lfnl *h, const char *what) {
  return std::string(what) + ": " + lfnl_error(h);
}
} // namespace

NlClient::~NlClient() { lfnl_close(h_); }

bool NlClient::connect(std::string &err) {
  h_ = lfnl_open();
  if (!h_) {
    err = "out of memory";
    return false;
  }
  family_ = lfnl_family(h_);
  if (family_ < 0) {
    err = lfnl_error(h_);
    return false;
  }
  return true;
}

bool NlClient::getModel(const std::string &name, KernelModel &m, bool &found,
                        std::string &err) {
  m = KernelModel();
  lfnl_model *ms = nullptr;
  size_t n = 0;
  int ret = lfnl_get_models(h_, name.c_str(), &ms, &n);
  if (ret) {
    errno = -ret;
    err = failure(h_, "get model");
    return false;
  }
  found = n == 1;
  if (found) {
    const lfnl_model &k = ms[0];
    m.name = k.name;
    m.id = k.id;
    m.nIn = k.n_in;
    m.nOut = k.n_out;
    m.archHash = k.arch_hash;
    m.inFrac.assign(k.in_frac, k.in_frac + k.n_in_frac);
    m.outFrac.assign(k.out_frac, k.out_frac + k.n_out_frac);
    m.hasActive = k.has_active;
    m.activeVersion = k.active;
    m.hasStandby = k.has_standby;
    m.standbyVersion = k.standby;
    for (uint32_t i = 0; i < k.n_snaps; ++i) {
      KernelSnapshot ks;
      ks.version = k.snaps[i].version;
      ks.gen = k.snaps[i].gen;
      ks.paramsSize = k.snaps[i].params_size;
      ks.flows = k.snaps[i].flows;
      ks.state = k.snaps[i].state;
      ks.module = k.snaps[i].module;
      m.snapshots.push_back(ks);
    }
    m.queries = k.stat[LF_ATTR_STAT_QUERIES];
    m.samples = k.stat[LF_ATTR_STAT_SAMPLES];
    m.drops = k.stat[LF_ATTR_STAT_DROPS];
    m.pushes = k.stat[LF_ATTR_STAT_PUSHES];
    m.switches = k.stat[LF_ATTR_STAT_SWITCHES];
  }
  lfnl_free_models(ms, n);
  return true;
}

bool NlClient::activate(const std::string &name, int64_t version, std::string &err) {
  int ret = lfnl_activate(h_, name.c_str(), version);
  errno = -ret;
  if (ret)
    err = failure(h_, "activate");
  return !ret;
}

bool NlClient::push(const std::string &name, const std::vector<uint8_t> &params,
                    uint64_t archHash, int64_t version, uint32_t &gen,
                    std::string &err) {
  // more than one attribute's worth goes in chunks, committed at once
  int ret = lfnl_push(h_, name.c_str(), params.data(), params.size(), archHash,
                      version, nullptr, &gen);
  errno = -ret;
  if (ret)
    err = failure(h_, "push");
  return !ret;
}

bool NlClient::eval(const std::string &name, const std::vector<int32_t> &in,
                    int64_t version, std::vector<int32_t> &out, std::string &err) {
  KernelModel m;
  bool found = false;
  if (!getModel(name, m, found, err))
    return false;
  if (!found) {
    errno = ENOENT;
    err = "eval: model '" + name + "' not found";
    return false;
  }
  if (!m.nIn || in.size() % m.nIn) {
    errno = EINVAL;
    err = "eval: inputs are not a multiple of the model's " + std::to_string(m.nIn);
    return false;
  }
  size_t rows = in.size() / m.nIn;
  out.assign(rows * m.nOut, 0);
  int ret = lfnl_eval(h_, name.c_str(), in.data(), rows, m.nIn, m.nOut, version,
                      false, out.data());
  errno = -ret;
  if (ret)
    err = failure(h_, "eval");
  return !ret;
}

// --- multicast -------------------------------------------------------------

namespace {
/// A non-blocking socket in one of lf_core's multicast groups, valid
/// messages to `cb(arg)`. Null and a one-line `err` on failure.
lfnl *joinGroup(int (*join)(lfnl *), const char *group, nl_recvmsg_msg_cb_t cb, void *arg,
                int rcvbuf, std::string &err) {
  lfnl *h = lfnl_open();
  if (!h) {
    err = "out of memory";
    return nullptr;
  }
  if (lfnl_family(h) < 0 || join(h)) {
    err = lfnl_family(h) < 0 ? lfnl_error(h)
                             : std::string("joining the ") + group + " group: " + lfnl_error(h);
    lfnl_close(h);
    return nullptr;
  }
  nl_sock *sk = lfnl_sock(h);
  nl_socket_disable_seq_check(sk);
  nl_socket_disable_auto_ack(sk);
  nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
  nl_socket_set_buffer_size(sk, rcvbuf, 1 << 20);
  nl_socket_set_nonblocking(sk);
  return h;
}

/// Reads everything pending; socket overruns (ENOBUFS) are counted.
bool drainGroup(lfnl *h, uint64_t &overruns, const char *what, std::string &err) {
  for (;;) {
    int ret = nl_recvmsgs_default(lfnl_sock(h));
    if (ret >= 0)
      continue;
    if (ret == -NLE_AGAIN)
      return true;
    if (ret == -NLE_NOMEM || ret == -NLE_INTR) {  // ENOBUFS: socket overrun
      ++overruns;
      continue;
    }
    if (ret == -NLE_BUSY || ret == -NLE_DUMP_INTR)
      continue;
    err = std::string("receiving ") + what + ": " + nl_geterror(ret);
    return false;
  }
}
} // namespace

NlSampleListener::~NlSampleListener() { lfnl_close(h_); }

int NlSampleListener::onMsg(struct nl_msg *msg, void *arg) {
  auto *self = static_cast<NlSampleListener *>(arg);
  lfnl_batch b;
  if (lfnl_parse_batch(msg, &b))
    return NL_SKIP;
  self->h_cb_(b.model, b.seq, b.drops, b.count, b.blob, b.len);
  return NL_OK;
}

bool NlSampleListener::join(std::string &err) {
  h_ = joinGroup(lfnl_join_samples, "samples", onMsg, this, 8 << 20, err);
  return h_ != nullptr;
}

int NlSampleListener::fd() const { return h_ ? nl_socket_get_fd(lfnl_sock(h_)) : -1; }

bool NlSampleListener::poll(const Handler &h, std::string &err) {
  h_cb_ = h;
  return drainGroup(h_, overruns_, "samples", err);
}

// --- userspace queries ----------------------------------------------------

NlQueryServer::~NlQueryServer() { lfnl_close(h_); }

int NlQueryServer::onMsg(struct nl_msg *msg, void *arg) {
  auto *self = static_cast<NlQueryServer *>(arg);
  lfnl_query q;
  if (lfnl_parse_query(msg, &q))
    return NL_SKIP;
  if (!(*self->cb_)(q.model, q.flow_key, q.in, q.n_in, self->out_)) {
    ++self->unanswered_;
    return NL_OK;
  }
  if (lfnl_answer(self->h_, q.model_id, q.seq, self->out_.data(),
                  (uint32_t)self->out_.size())) {
    ++self->errors_;
    self->lastError_ = lfnl_error(self->h_);
  } else {
    ++self->answered_;
  }
  return NL_OK;
}

int NlQueryServer::onErr(struct sockaddr_nl *, struct nlmsgerr *e, void *arg) {
  auto *self = static_cast<NlQueryServer *>(arg);
  ++self->errors_;
  self->lastError_ = std::string("answer refused: ") + std::strerror(-e->error);
  return NL_SKIP;
}

bool NlQueryServer::join(std::string &err) {
  h_ = joinGroup(lfnl_join_queries, "queries", onMsg, this, 4 << 20, err);
  if (h_)
    nl_socket_modify_err_cb(lfnl_sock(h_), NL_CB_CUSTOM, onErr, this);
  return h_ != nullptr;
}

int NlQueryServer::fd() const { return h_ ? nl_socket_get_fd(lfnl_sock(h_)) : -1; }

bool NlQueryServer::poll(const Handler &h, std::string &err) {
  cb_ = &h;
  return drainGroup(h_, overruns_, "queries", err);
}

} // namespace lfrt
