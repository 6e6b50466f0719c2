//===- NetlinkClient.h - lf_core's generic netlink API (liblfnl) -*- C++ -*-===//
#ifndef LFRT_NETLINKCLIENT_H
#define LFRT_NETLINKCLIENT_H

#include "lfrt/KernelApi.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct nl_msg;
struct nlmsgerr;
struct sockaddr_nl;
struct lfnl;

namespace lfrt {

/// Request socket of lf_core's "liteflow" family. Every failure is one line
/// in `err`.
class NlClient : public KernelApi {
public:
  NlClient() = default;
  ~NlClient() override;
  NlClient(const NlClient &) = delete;
  NlClient &operator=(const NlClient &) = delete;
  /// Resolves the family: "generic netlink family 'liteflow' not found: is
  /// lf_core loaded?" when absent.
  bool connect(std::string &err);
  /// ENOENT: *found = false and true.
  const char *backend() const override { return "lf_core"; }
  bool getModel(const std::string &name, KernelModel &m, bool &found,
                std::string &err) override;
  bool activate(const std::string &name, int64_t version, std::string &err) override;
  bool push(const std::string &name, const std::vector<uint8_t> &params,
            uint64_t archHash, int64_t version, uint32_t &gen,
            std::string &err) override;
  bool eval(const std::string &name, const std::vector<int32_t> &in,
            int64_t version, std::vector<int32_t> &out, std::string &err) override;
  int family() const { return family_; }

private:
  lfnl *h_ = nullptr;
  int family_ = -1;
};

/// The "samples" multicast group.
class NlSampleListener {
public:
  using Handler = std::function<void(const std::string &model, uint64_t seq,
                                     uint64_t drops, uint32_t count,
                                     const void *blob, size_t len)>;
  ~NlSampleListener();
  bool join(std::string &err);
  int fd() const;
  /// Reads everything pending (non-blocking); returns false on a fatal
  /// error. Socket overruns (ENOBUFS) are counted, not fatal.
  bool poll(const Handler &h, std::string &err);
  uint64_t overruns() const { return overruns_; }

private:
  lfnl *h_ = nullptr;
  uint64_t overruns_ = 0;
  Handler h_cb_;
  static int onMsg(::nl_msg *msg, void *arg);
};

/// The "queries" multicast group: lf_core's userspace queries
/// (lf_user_query()), answered on the same socket.
class NlQueryServer {
public:
  /// Computes the answer (n_out values, the model's output formats) to a
  /// query of `model` with `in` (the model's input formats); false: no
  /// answer (the query expires in the kernel).
  using Handler = std::function<bool(const std::string &model, uint64_t flowKey,
                                     const int32_t *in, uint32_t nIn,
                                     std::vector<int32_t> &out)>;
  ~NlQueryServer();
  bool join(std::string &err);
  int fd() const;
  /// Answers everything pending (non-blocking); false on a fatal error.
  bool poll(const Handler &h, std::string &err);
  uint64_t answered() const { return answered_; }
  uint64_t unanswered() const { return unanswered_; }
  /// Answers the kernel refused (error messages) and failed sends.
  uint64_t errors() const { return errors_; }
  uint64_t overruns() const { return overruns_; }
  const std::string &lastError() const { return lastError_; }

private:
  lfnl *h_ = nullptr;
  const Handler *cb_ = nullptr;
  uint64_t answered_ = 0, unanswered_ = 0, errors_ = 0, overruns_ = 0;
  std::string lastError_;
  std::vector<int32_t> out_;
  static int onMsg(::nl_msg *msg, void *arg);
  static int onErr(::sockaddr_nl *nla, ::nlmsgerr *e, void *arg);
};

} // namespace lfrt

#endif
