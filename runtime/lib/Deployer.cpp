//===- Deployer.cpp - weight push, module load and BPF map strategies -----===//

#include "lfrt/Deployer.h"

#include "lfrt/Bpf.h"
#include "lfrt/Clock.h"
#include "lfrt/StateDir.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LFRT_DEFAULT_CORE_SYMVERS
#define LFRT_DEFAULT_CORE_SYMVERS ""
#endif

namespace lfrt {

namespace json = llvm::json;

namespace {

double ms(double a, double b) { return (b - a) * 1000; }

/// Runs a command (argv), output to `log`; returns the exit status.
int runCmd(const std::vector<std::string> &argv, const std::string &log) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char *> a;
    for (auto &s : argv)
      a.push_back(const_cast<char *>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string firstErrorLine(const std::string &log) {
  std::string d;
  if (!readFile(log, d))
    return "";
  std::stringstream ss(d);
  std::string line, last;
  while (std::getline(ss, line)) {
    if (line.find("rror") != std::string::npos)
      return line;
    if (!line.empty())
      last = line;
  }
  return last;
}

/// The params into the standby, then ACTIVATE: lf_core's LF_CMD_PUSH.
class WeightPush : public UpdateStrategy {
public:
  WeightPush(KernelApi &nl, uint32_t standby) : nl_(nl), standby_(standby) {}
  const char *name() const override { return "push"; }
  bool apply(const KernelModel &km, const CompiledSnapshot &s, Deployment &d,
             std::string &err) override {
    double p0 = nowS();
    uint32_t gen = 0;
    if (!nl_.push(km.name, s.params, s.archHash, standby_, gen, err))
      return false;
    double p1 = nowS();
    if (!nl_.activate(km.name, standby_, err))
      return false;
    double p2 = nowS();
    d.id = {standby_, gen};
    d.timings["push_ms"] = ms(p0, p1);
    d.timings["activate_ms"] = ms(p1, p2);
    return true;
  }

protected:
  KernelApi &nl_;
  uint32_t standby_;
};

/// The same two steps on a BPF program's maps (BpfClient: liblfbpf's
/// lfbpf_write_idle, then lfbpf_flip): the idle params buffer is the
/// standby. The decision line names the buffer and its generation.
class BpfFlip : public WeightPush {
public:
  using WeightPush::WeightPush;
  const char *name() const override { return "bpf-map"; }
  bool apply(const KernelModel &km, const CompiledSnapshot &s, Deployment &d,
             std::string &err) override {
    if (!WeightPush::apply(km, s, d, err))
      return false;
    d.timings["buffer"] = (int64_t)d.id.first - 1;
    d.timings["generation"] = (int64_t)d.id.second;
    return true;
  }
};

class ModuleLoad : public UpdateStrategy {
public:
  ModuleLoad(KernelApi &nl, const ModelConfig &c) : nl_(nl), cfg_(c) {}
  const char *name() const override { return "module"; }
  bool apply(const KernelModel &km, const CompiledSnapshot &s, Deployment &d,
             std::string &err) override {
    std::string kdir = cfg_.kdir.empty() ? defaultKdir() : cfg_.kdir;
    std::string symvers =
        cfg_.coreSymvers.empty() ? LFRT_DEFAULT_CORE_SYMVERS : cfg_.coreSymvers;  // NOLINT
    if (!fileExists(kdir + "/Makefile")) {
      err = "kernel headers not found at " + kdir +
            " (install linux-headers-$(uname -r) or set kdir)";
      return false;
    }
    if (!fileExists(symvers)) {
      err = "lf_core's Module.symvers not found at " + symvers + " (set core_symvers)";
      return false;
    }
    double k0 = nowS();
    std::string log = s.dir + "/kbuild.log";
    int rc = runCmd({"make", "-C", kdir, "M=" + s.dir, "KBUILD_EXTRA_SYMBOLS=" + symvers,
                     "modules"},
                    log);
    if (rc != 0) {
      err = "kbuild failed (" + log + "): " + firstErrorLine(log);
      return false;
    }
    double k1 = nowS();
    std::string ko = s.dir + "/" + s.moduleName + ".ko";
    int fd = open(ko.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
      int e = errno;
      err = "cannot load " + ko + ": " + std::strerror(e);
      if (e == EINVAL && s.archHash != km.archHash)
        err += " (lf_core keeps one architecture per model while snapshots of it are "
               "registered: the running output formats cannot change under the datapath)";
      if (fd >= 0)
        close(fd);
      return false;
    }
    close(fd);
    double k2 = nowS();
    if (!nl_.activate(km.name, s.version, err))
      return false;
    double k3 = nowS();
    d.id = {s.version, 0};
    d.timings["kbuild_ms"] = ms(k0, k1);
    d.timings["insmod_ms"] = ms(k1, k2);
    d.timings["activate_ms"] = ms(k2, k3);
    return true;
  }

private:
  KernelApi &nl_;
  const ModelConfig &cfg_;
};

} // namespace

std::string defaultKdir() {
  struct utsname u;
  uname(&u);
  return std::string("/lib/modules/") + u.release + "/build";
}

Deployer::Deployer(KernelApi &nl, const ModelConfig &c) : nl_(nl), cfg_(c) {}

CompileOptions Deployer::compileOptions() const {
  CompileOptions co;
  co.bits = cfg_.bits;
  co.headroom = cfg_.headroom;
  co.inputRanges = cfg_.inputRanges.empty()
                       ? std::vector<std::pair<double, double>>{{-8, 8}}
                       : cfg_.inputRanges;
  return co;
}

std::string Deployer::coreSymvers() const {
  return cfg_.coreSymvers.empty() ? LFRT_DEFAULT_CORE_SYMVERS : cfg_.coreSymvers;
}

bool Deployer::compile(ModelCompiler &mc, const KernelModel &km, uint32_t version,
                       const std::string &dir, UpdateSnapshot &u, std::string &err) const {
  if (!compileForUpdate(mc, compileOptions(), km.archHash, km.outFrac, cfg_.name, version,
                        dir, coreSymvers(), u, err))
    return false;
  std::string e2;
  writeFileAtomic(dir + "/params.bin",
                  std::string(u.snap.params.begin(), u.snap.params.end()), e2);
  return true;
}

bool Deployer::refresh(KernelModel &km, std::string &err) {
  bool found = false;
  if (!nl_.getModel(cfg_.name, km, found, err))
    return false;
  if (!found) {
    err = "model '" + cfg_.name + "' vanished from " + nl_.backend();
    return false;
  }
  return true;
}

bool Deployer::deploy(KernelModel &km, const UpdateSnapshot &u, Deployment &d,
                      std::string &err) {
  if (!refresh(km, err))
    return false;
  const CompiledSnapshot &s = u.snap;
  const KernelSnapshot *sb = km.hasStandby ? km.find(km.standbyVersion) : nullptr;
  std::string why = !u.fast ? u.why
                    : !sb   ? "lf_core has no standby snapshot to push into"
                    : sb->paramsSize != s.params.size()
                        ? "the standby's params size differs"
                    : cfg_.update == UpdateMode::Module ? "update = module"
                                                        : "";
  if (cfg_.update == UpdateMode::Push && !why.empty()) {
    err = "update = push, but " + why;
    return false;
  }
  if (cfg_.backend == Backend::Bpf && !why.empty()) {
    err = "backend = \"bpf\" updates weights only, but " + why;
    return false;
  }
  std::unique_ptr<UpdateStrategy> st;
  if (cfg_.backend == Backend::Bpf)
    st = std::make_unique<BpfFlip>(nl_, sb->version);
  else if (why.empty())
    st = std::make_unique<WeightPush>(nl_, sb->version);
  else
    st = std::make_unique<ModuleLoad>(nl_, cfg_);
  double t0 = nowS();
  if (!st->apply(km, s, d, err))
    return false;
  d.path = st->name();
  d.fullPathReason = why;
  d.timings["update_ms"] = ms(t0, nowS());
  std::string e2;
  refresh(km, e2);
  return true;
}

bool Deployer::restore(KernelModel &km, const SnapshotId &id,
                       const std::vector<uint8_t> &params, SnapshotId &now,
                       std::string &err, std::string *retired) {
  if (!refresh(km, err))
    return false;
  const KernelSnapshot *sb = km.hasStandby ? km.find(km.standbyVersion) : nullptr;
  if (sb && sb->version == id.first && sb->gen == id.second) {
    uint32_t from = km.activeVersion;
    if (!nl_.activate(cfg_.name, id.first, err))
      return false;
    now = id;
    // BPF: sockets pinned to the rejected buffer move to the restored one at
    // their next query (lf_core's flow cache keeps them where they are).
    if (auto *bpf = dynamic_cast<BpfClient *>(&nl_)) {
      std::string e2;
      bool ok = bpf->retire(from, e2);
      if (retired)
        *retired = ok ? "buffer " + std::to_string(from - 1) : "not retired: " + e2;
    }
  } else {
    if (!sb) {
      err = "cannot restore " + toString(id) + ": lf_core has no standby snapshot to push into";
      return false;
    }
    if (params.empty() || sb->paramsSize != params.size()) {
      err = "cannot restore " + toString(id) + ": its params (" +
            std::to_string(params.size()) + " bytes) do not fit the standby v" +
            std::to_string(sb->version) + " (" + std::to_string(sb->paramsSize) + " bytes)";
      return false;
    }
    uint32_t gen = 0;
    if (!nl_.push(cfg_.name, params, km.archHash, sb->version, gen, err))
      return false;
    if (!nl_.activate(cfg_.name, sb->version, err))
      return false;
    now = {sb->version, gen};
  }
  std::string e2;
  refresh(km, e2);
  return true;
}

void Deployer::retire(json::Array &retired) {
  KernelModel km;
  std::string err;
  if (!refresh(km, err))
    return;
  std::string prefix = "lf_snap_" + cfg_.name + "_v";
  for (auto &s : km.snapshots) {
    if (s.state != 2 /* LF_SLOT_IDLE */ || s.flows || s.module.rfind(prefix, 0) != 0)
      continue;
    double t0 = nowS();
    if (syscall(SYS_delete_module, s.module.c_str(), O_NONBLOCK) == 0)
      retired.push_back(json::Object{{"module", s.module},
                                     {"version", (int64_t)s.version},
                                     {"ms", ms(t0, nowS())}});
  }
}

} // namespace lfrt
