//===- NetlinkClient.cpp - libnl-genl client of lf_core -------------------===//

#include "lfrt/NetlinkClient.h"

#include "uapi/liteflow.h"

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstring>
#include <linux/netlink.h>

namespace lfrt {

const KernelSnapshot *KernelModel::find(uint32_t v) const {
  for (const auto &s : snapshots)
    if (s.version == v)
      return &s;
  return nullptr;
}

namespace {
struct ReqState {
  int err = 1;
  char msg[256] = {0};
  int (*parse)(void *, void *) = nullptr;
  void *arg = nullptr;
};

int errCb(struct sockaddr_nl *, struct nlmsgerr *e, void *arg) {
  auto *st = static_cast<ReqState *>(arg);
  struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
  int len = nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
  st->err = e->error;
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
    return NL_STOP;
  struct nlattr *a;
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
    int skip = NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
    len -= skip;
    a = (struct nlattr *)((char *)(e + 1) + skip);
  } else {
    a = (struct nlattr *)(e + 1);
  }
  int rem;
  nla_for_each_attr(a, a, len, rem) {
    if (nla_type(a) == NLMSGERR_ATTR_MSG)
      snprintf(st->msg, sizeof(st->msg), "%s", (char *)nla_data(a));
  }
  return NL_STOP;
}
int ackCb(struct nl_msg *, void *arg) {
  static_cast<ReqState *>(arg)->err = 0;
  return NL_STOP;
}
int validCb(struct nl_msg *msg, void *arg) {
  auto *st = static_cast<ReqState *>(arg);
  return st->parse ? st->parse(msg, st->arg) : NL_OK;
}
uint32_t u32(struct nlattr *a) { return a ? nla_get_u32(a) : 0; }

int parseModel(void *m, void *arg) {
  auto *msg = static_cast<struct nl_msg *>(m);
  auto *km = static_cast<KernelModel *>(arg);
  struct nlattr *tb[LF_ATTR_MAX + 1];
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, nullptr) ||
      !tb[LF_ATTR_MODEL_NAME])
    return NL_SKIP;
  *km = KernelModel();
  km->name = nla_get_string(tb[LF_ATTR_MODEL_NAME]);
  km->id = u32(tb[LF_ATTR_MODEL_ID]);
  km->nIn = u32(tb[LF_ATTR_N_IN]);
  km->nOut = u32(tb[LF_ATTR_N_OUT]);
  km->archHash = tb[LF_ATTR_ARCH_HASH] ? nla_get_u64(tb[LF_ATTR_ARCH_HASH]) : 0;
  km->hasActive = tb[LF_ATTR_ACTIVE_VERSION];
  km->activeVersion = u32(tb[LF_ATTR_ACTIVE_VERSION]);
  km->hasStandby = tb[LF_ATTR_STANDBY_VERSION];
  km->standbyVersion = u32(tb[LF_ATTR_STANDBY_VERSION]);
  if (tb[LF_ATTR_IN_FRAC]) {
    auto *p = (const int8_t *)nla_data(tb[LF_ATTR_IN_FRAC]);
    km->inFrac.assign(p, p + nla_len(tb[LF_ATTR_IN_FRAC]));
  }
  if (tb[LF_ATTR_OUT_FRAC]) {
    auto *p = (const int8_t *)nla_data(tb[LF_ATTR_OUT_FRAC]);
    km->outFrac.assign(p, p + nla_len(tb[LF_ATTR_OUT_FRAC]));
  }
  if (tb[LF_ATTR_SNAPSHOTS]) {
    struct nlattr *s;
    int rem;
    nla_for_each_nested(s, tb[LF_ATTR_SNAPSHOTS], rem) {
      struct nlattr *sb[LF_ATTR_MAX + 1];
      if (nla_type(s) != LF_ATTR_SNAPSHOT ||
          nla_parse_nested(sb, LF_ATTR_MAX, s, nullptr))
        continue;
      KernelSnapshot ks;
      ks.version = u32(sb[LF_ATTR_VERSION]);
      ks.gen = u32(sb[LF_ATTR_GEN]);
      ks.paramsSize = u32(sb[LF_ATTR_PARAMS_SIZE]);
      ks.flows = u32(sb[LF_ATTR_FLOWS]);
      ks.state = sb[LF_ATTR_STATE] ? nla_get_u8(sb[LF_ATTR_STATE]) : LF_SLOT_IDLE;
      if (sb[LF_ATTR_MODULE])
        ks.module = nla_get_string(sb[LF_ATTR_MODULE]);
      km->snapshots.push_back(ks);
    }
  }
  if (tb[LF_ATTR_STATS]) {
    struct nlattr *a;
    int rem;
    nla_for_each_nested(a, tb[LF_ATTR_STATS], rem) {
      if (nla_len(a) != 8)
        continue;
      uint64_t v = nla_get_u64(a);
      switch (nla_type(a)) {
      case LF_ATTR_STAT_QUERIES: km->queries = v; break;
      case LF_ATTR_STAT_SAMPLES: km->samples = v; break;
      case LF_ATTR_STAT_DROPS: km->drops = v; break;
      case LF_ATTR_STAT_PUSHES: km->pushes = v; break;
      case LF_ATTR_STAT_SWITCHES: km->switches = v; break;
      }
    }
  }
  return NL_OK;
}

struct PushReply {
  uint32_t gen = 0;
};
int parsePush(void *m, void *arg) {
  auto *msg = static_cast<struct nl_msg *>(m);
  struct nlattr *tb[LF_ATTR_MAX + 1];
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, nullptr))
    return NL_SKIP;
  static_cast<PushReply *>(arg)->gen = u32(tb[LF_ATTR_GEN]);
  return NL_OK;
}
int parseEval(void *m, void *arg) {
  auto *msg = static_cast<struct nl_msg *>(m);
  struct nlattr *tb[LF_ATTR_MAX + 1];
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, nullptr) ||
      !tb[LF_ATTR_OUTPUTS])
    return NL_SKIP;
  auto *out = static_cast<std::vector<int32_t> *>(arg);
  auto *p = (const int32_t *)nla_data(tb[LF_ATTR_OUTPUTS]);
  out->assign(p, p + nla_len(tb[LF_ATTR_OUTPUTS]) / 4);
  return NL_OK;
}
} // namespace

NlClient::~NlClient() {
  if (sk_)
    nl_socket_free(sk_);
}

bool NlClient::connect(std::string &err) {
  sk_ = nl_socket_alloc();
  if (!sk_ || genl_connect(sk_)) {
    err = "cannot open a generic netlink socket";
    return false;
  }
  int one = 1;
  setsockopt(nl_socket_get_fd(sk_), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  setsockopt(nl_socket_get_fd(sk_), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  nl_socket_set_buffer_size(sk_, 1 << 20, 1 << 20);
  family_ = genl_ctrl_resolve(sk_, LF_GENL_NAME);
  if (family_ < 0) {
    err = std::string("generic netlink family '") + LF_GENL_NAME +
          "' not found: is lf_core loaded?";
    return false;
  }
  return true;
}

bool NlClient::request(void *m, int (*parse)(void *, void *), void *arg,
                       const char *what, std::string &err) {
  auto *msg = static_cast<struct nl_msg *>(m);
  errno = 0;
  ReqState st;
  st.parse = parse;
  st.arg = arg;
  struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, validCb, &st);
  nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ackCb, &st);
  nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ackCb, &st);
  nl_cb_err(cb, NL_CB_CUSTOM, errCb, &st);
  nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
  int ret = nl_send_auto(sk_, msg);
  nlmsg_free(msg);
  if (ret < 0) {
    nl_cb_put(cb);
    err = std::string(what) + ": send failed: " + nl_geterror(ret);
    return false;
  }
  while (st.err > 0) {
    ret = nl_recvmsgs(sk_, cb);
    if (ret < 0 && st.err > 0) {
      nl_cb_put(cb);
      err = std::string(what) + ": " + nl_geterror(ret);
      return false;
    }
  }
  nl_cb_put(cb);
  if (!st.err)
    return true;
  errno = -st.err;
  if (st.err == -EPERM) {
    err = std::string(what) + ": permission denied: CAP_NET_ADMIN required (run as root)";
    return false;
  }
  err = std::string(what) + ": " + std::strerror(-st.err) +
        (st.msg[0] ? std::string(" (") + st.msg + ")" : "");
  errno = -st.err;
  return false;
}

static struct nl_msg *newMsg(int family, uint8_t cmd, size_t size = 4096) {
  struct nl_msg *msg = nlmsg_alloc_size(size);
  if (msg)
    genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd, LF_GENL_VERSION);
  return msg;
}

bool NlClient::getModel(const std::string &name, KernelModel &m, bool &found,
                        std::string &err) {
  struct nl_msg *msg = newMsg(family_, LF_CMD_GET_MODEL);
  nla_put_string(msg, LF_ATTR_MODEL_NAME, name.c_str());
  m = KernelModel();
  if (!request(msg, parseModel, &m, "get model", err)) {
    if (errno == ENOENT) {
      found = false;
      err.clear();
      return true;
    }
    return false;
  }
  found = !m.name.empty();
  return true;
}

bool NlClient::activate(const std::string &name, int64_t version, std::string &err) {
  struct nl_msg *msg = newMsg(family_, LF_CMD_ACTIVATE);
  nla_put_string(msg, LF_ATTR_MODEL_NAME, name.c_str());
  if (version >= 0)
    nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version);
  return request(msg, nullptr, nullptr, "activate", err);
}

bool NlClient::push(const std::string &name, const std::vector<uint8_t> &params,
                    uint64_t archHash, int64_t version, uint32_t &gen,
                    std::string &err) {
  struct nl_msg *msg = newMsg(family_, LF_CMD_PUSH, params.size() + 4096);
  nla_put_string(msg, LF_ATTR_MODEL_NAME, name.c_str());
  if (version >= 0)
    nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version);
  nla_put_u64(msg, LF_ATTR_ARCH_HASH, archHash);
  if (nla_put(msg, LF_ATTR_PARAMS, params.size(), params.data())) {
    nlmsg_free(msg);
    err = "push: params blob too large for one message";
    return false;
  }
  PushReply r;
  if (!request(msg, parsePush, &r, "push", err))
    return false;
  gen = r.gen;
  return true;
}

bool NlClient::eval(const std::string &name, const std::vector<int32_t> &in,
                    int64_t version, std::vector<int32_t> &out, std::string &err) {
  struct nl_msg *msg = newMsg(family_, LF_CMD_EVAL, in.size() * 4 + 4096);
  nla_put_string(msg, LF_ATTR_MODEL_NAME, name.c_str());
  if (version >= 0)
    nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version);
  if (nla_put(msg, LF_ATTR_INPUTS, in.size() * 4, in.data())) {
    nlmsg_free(msg);
    err = "eval: too many inputs for one message";
    return false;
  }
  return request(msg, parseEval, &out, "eval", err);
}

// --- multicast -------------------------------------------------------------

NlSampleListener::~NlSampleListener() {
  if (sk_)
    nl_socket_free(sk_);
}

int NlSampleListener::onMsg(struct nl_msg *msg, void *arg) {
  auto *self = static_cast<NlSampleListener *>(arg);
  struct nlattr *tb[LF_ATTR_MAX + 1];
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, nullptr) ||
      genlmsg_hdr(nlmsg_hdr(msg))->cmd != LF_CMD_SAMPLES || !tb[LF_ATTR_SAMPLES] ||
      !tb[LF_ATTR_MODEL_NAME])
    return NL_SKIP;
  self->h_(nla_get_string(tb[LF_ATTR_MODEL_NAME]),
           tb[LF_ATTR_SEQ] ? nla_get_u64(tb[LF_ATTR_SEQ]) : 0,
           tb[LF_ATTR_DROPS] ? nla_get_u64(tb[LF_ATTR_DROPS]) : 0,
           u32(tb[LF_ATTR_SAMPLE_COUNT]), nla_data(tb[LF_ATTR_SAMPLES]),
           nla_len(tb[LF_ATTR_SAMPLES]));
  return NL_OK;
}

bool NlSampleListener::join(std::string &err) {
  sk_ = nl_socket_alloc();
  if (!sk_ || genl_connect(sk_)) {
    err = "cannot open a generic netlink socket";
    return false;
  }
  int grp = genl_ctrl_resolve_grp(sk_, LF_GENL_NAME, LF_GENL_MCGRP_SAMPLES);
  if (grp == -NLE_OBJ_NOTFOUND && genl_ctrl_resolve(sk_, LF_GENL_NAME) < 0) {
    err = std::string("generic netlink family '") + LF_GENL_NAME +
          "' not found: is lf_core loaded?";
    return false;
  }
  if (grp < 0) {
    err = std::string("multicast group '") + LF_GENL_MCGRP_SAMPLES + "' not found";
    return false;
  }
  nl_socket_disable_seq_check(sk_);
  nl_socket_modify_cb(sk_, NL_CB_VALID, NL_CB_CUSTOM, onMsg, this);
  nl_socket_set_buffer_size(sk_, 8 << 20, 1 << 16);
  int ret = nl_socket_add_membership(sk_, grp);
  if (ret == -NLE_PERM) {
    err = "joining the samples group: permission denied: CAP_NET_ADMIN required (run as root)";
    return false;
  }
  if (ret < 0) {
    err = std::string("cannot join the samples group: ") + nl_geterror(ret);
    return false;
  }
  nl_socket_set_nonblocking(sk_);
  return true;
}

int NlSampleListener::fd() const { return sk_ ? nl_socket_get_fd(sk_) : -1; }

bool NlSampleListener::poll(const Handler &h, std::string &err) {
  h_ = h;
  for (;;) {
    int ret = nl_recvmsgs_default(sk_);
    if (ret >= 0)
      continue;
    if (ret == -NLE_AGAIN)
      return true;
    if (ret == -NLE_NOMEM || ret == -NLE_INTR) {  // ENOBUFS: socket overrun
      ++overruns_;
      continue;
    }
    if (ret == -NLE_BUSY || ret == -NLE_DUMP_INTR)
      continue;
    err = std::string("receiving samples: ") + nl_geterror(ret);
    return false;
  }
}

} // namespace lfrt
