//===- StateStore.cpp - the daemon's records, in JSON ---------------------===//

#include "lfrt/StateStore.h"

#include "lfrt/Clock.h"
#include "lfrt/StateDir.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <sstream>

namespace lfrt {

namespace json = llvm::json;

json::Value num(double v) {
  if (!std::isfinite(v))
    return nullptr;
  return v;
}

std::string toLine(const json::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << v;
  return os.str();
}

bool StateStore::init(const std::string &model, std::string &err) const {
  return makeDirs(modelDir(model) + "/snapshots", err);
}

void StateStore::event(const std::string &model, json::Object o) const {
  json::Object line{{"t", wallS()}, {"model", model}};
  for (auto &kv : o)
    line[kv.first] = std::move(kv.second);
  appendLine(modelDir(model) + "/decisions.jsonl", toLine(json::Value(std::move(line))));
}

static std::vector<json::Object> readLines(const std::string &path, unsigned *bad) {
  std::vector<json::Object> out;
  std::string data;
  if (bad)
    *bad = 0;
  if (!readFile(path, data))
    return out;
  std::stringstream ss(data);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.empty())
      continue;
    auto v = json::parse(line);
    if (!v || !v->getAsObject()) {
      if (!v)
        llvm::consumeError(v.takeError());
      if (bad)
        ++*bad;
      continue;
    }
    out.push_back(std::move(*v->getAsObject()));
  }
  return out;
}

std::vector<json::Object> StateStore::events(const std::string &model,
                                             unsigned *bad) const {
  return readLines(modelDir(model) + "/decisions.jsonl", bad);
}

bool StateStore::frozen(const std::string &model) const {
  bool f = false;
  for (const json::Object &e : events(model)) {
    auto ev = e.getString("event");
    if (ev == "freeze" || ev == "unfreeze")
      f = ev == "freeze";
  }
  return f;
}

void StateStore::addHistory(const std::string &model, const HistoryEntry &e) const {
  json::Object o{{"t", e.t ? e.t : wallS()},
                 {"kernel_version", (int64_t)e.kernel.first},
                 {"gen", (int64_t)e.kernel.second},
                 {"package_version", (int64_t)e.package},
                 {"path", e.path},
                 {"params", e.params}};
  appendLine(modelDir(model) + "/history.jsonl", toLine(json::Value(std::move(o))));
}

std::vector<HistoryEntry> StateStore::history(const std::string &model) const {
  std::vector<HistoryEntry> h;
  for (auto &o : readLines(modelDir(model) + "/history.jsonl", nullptr)) {
    auto kv = o.getInteger("kernel_version");
    auto gen = o.getInteger("gen");
    auto pv = o.getInteger("package_version");
    if (!kv || !gen || !pv || *kv <= 0 || *gen < 0 || *pv < 0)
      continue;
    HistoryEntry e;
    e.t = o.getNumber("t").value_or(0);
    e.kernel = {(uint32_t)*kv, (uint32_t)*gen};
    e.package = (uint32_t)*pv;
    if (auto p = o.getString("path"))
      e.path = p->str();
    if (auto p = o.getString("params"))
      e.params = p->str();
    else
      e.params = modelDir(model) + "/snapshots/v" + std::to_string(e.package) + "/params.bin";
    h.push_back(std::move(e));
  }
  return h;
}

const HistoryEntry *StateStore::findKernel(const std::vector<HistoryEntry> &h,
                                           const SnapshotId &id) {
  for (auto it = h.rbegin(); it != h.rend(); ++it)
    if (it->kernel == id)
      return &*it;
  return nullptr;
}

bool StateStore::writeStatus(const json::Value &v, std::string &err) const {
  return writeFileAtomic(root_ + "/status.json", toLine(v) + "\n", err);
}

bool StateStore::readStatus(json::Value &v, std::string &err) const {
  std::string data;
  if (!readFile(root_ + "/status.json", data)) {
    err = "no status in " + root_ + " (is the daemon running with --state-dir " + root_ + "?)";
    return false;
  }
  auto p = json::parse(data);
  if (!p) {
    err = root_ + "/status.json: " + llvm::toString(p.takeError());
    return false;
  }
  v = std::move(*p);
  return true;
}

} // namespace lfrt
