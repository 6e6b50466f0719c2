//===- StateStore.h - the daemon's records, in JSON -------------*- C++ -*-===//
//
// What the daemon remembers, written and read with llvm::json (one object per
// line in the .jsonl files, every write to a temp file + rename where a file
// is replaced):
//   DIR/status.json              the daemon's status (lf-runtime status)
//   DIR/<model>/decisions.jsonl  events: start, drift, decision, update,
//                                canary, rollback, freeze, cross-check, retire
//   DIR/<model>/history.jsonl    every snapshot instance the daemon (or a
//                                rollback) made serve: lf_core's (version, gen)
//                                and the params blob that it holds
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_STATESTORE_H
#define LFRT_STATESTORE_H

#include "lfrt/Policy.h"

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lfrt {

/// One line of history.jsonl.
struct HistoryEntry {
  double t = 0;
  SnapshotId kernel;          ///< lf_core's (version, gen) that serves it
  uint32_t package = 0;       ///< the daemon's package version (0: as given)
  std::string path;           ///< push | module | origin | rollback
  std::string params;         ///< file with the params blob
};

class StateStore {
public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}
  const std::string &root() const { return root_; }
  std::string modelDir(const std::string &model) const { return root_ + "/" + model; }
  /// Creates DIR/<model>/snapshots.
  bool init(const std::string &model, std::string &err) const;

  /// Appends one event to decisions.jsonl; adds "t" and "model".
  void event(const std::string &model, llvm::json::Object o) const;
  /// All events of a model (malformed lines are skipped and counted).
  std::vector<llvm::json::Object> events(const std::string &model,
                                         unsigned *malformed = nullptr) const;

  /// Whether the model's last freeze (event "freeze") has not been lifted
  /// by an "unfreeze" since: a freeze outlives the daemon.
  bool frozen(const std::string &model) const;

  void addHistory(const std::string &model, const HistoryEntry &e) const;
  std::vector<HistoryEntry> history(const std::string &model) const;
  /// The newest history entry naming kernel instance `id`, or null.
  static const HistoryEntry *findKernel(const std::vector<HistoryEntry> &h,
                                        const SnapshotId &id);

  bool writeStatus(const llvm::json::Value &v, std::string &err) const;
  bool readStatus(llvm::json::Value &v, std::string &err) const;

private:
  std::string root_;
};

/// llvm::json helpers: NaN/inf become null (JSON has no such numbers).
llvm::json::Value num(double v);
std::string toLine(const llvm::json::Value &v);

} // namespace lfrt

#endif
