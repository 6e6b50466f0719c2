//===- Daemon.h - the lf-runtime daemon and status command ------*- C++ -*-===//
#ifndef LFRT_DAEMON_H
#define LFRT_DAEMON_H

#include "lfrt/Config.h"

#include <string>

namespace lfrt {

/// Runs until SIGINT/SIGTERM (or cfg.maxRuntimeS). Returns the exit code;
/// user errors are one line "lf-runtime: ..." on stderr.
int runDaemon(const DaemonConfig &cfg);
/// Prints the state directory's status.json (table or raw JSON).
int runStatus(const std::string &stateDir, bool json);
/// Makes an earlier snapshot instance of `model` active again (`to`:
/// "VERSION.GEN" from the history; empty: the one before the active one),
/// on the model's backend (`m.backend`; BPF: a flip back while the buffer
/// still holds it, else a push into the idle buffer).
int runRollback(const std::string &stateDir, const ModelConfig &m, const std::string &to);
/// Lifts a model's freeze: records an "unfreeze" event that the daemon
/// reads when it starts (a running daemon keeps its freeze until restarted).
int runUnfreeze(const std::string &stateDir, const std::string &model);
/// Compiles the model's ONNX as snapshot NAME_vVERSION into `dir`.
int compileSnapshot(const ModelConfig &m, unsigned version, const std::string &dir);

} // namespace lfrt

#endif
