//===- StateDir.h - the daemon's state directory ----------------*- C++ -*-===//
//
// DIR/status.json                 daemon status (lf-runtime status reads it)
// DIR/<model>/checkpoint.bin      tuned weights (NetParams, binary)
// DIR/<model>/tuned.onnx          tuned model as ONNX (a fresh graph)
// DIR/<model>/decisions.jsonl     one JSON line per decision / update
// DIR/<model>/history.jsonl       snapshots the daemon put into lf_core
// DIR/<model>/snapshots/vN/       snapshot packages (+ params.bin)
// All writes are write-to-temp + rename.
//
//===----------------------------------------------------------------------===//
#ifndef LFRT_STATEDIR_H
#define LFRT_STATEDIR_H

#include "lfrt/NetSpec.h"

#include <string>
#include <vector>

namespace lfrt {

bool makeDirs(const std::string &path, std::string &err);
bool writeFileAtomic(const std::string &path, const std::string &data,
                     std::string &err);
bool readFile(const std::string &path, std::string &data);
bool appendLine(const std::string &path, const std::string &line);
bool fileExists(const std::string &path);

bool saveCheckpoint(const std::string &path, const std::vector<NetParam> &p,
                    std::string &err);
/// False if missing or not matching `shapeOf` (names and shapes).
bool loadCheckpoint(const std::string &path, const std::vector<NetParam> &shapeOf,
                    std::vector<NetParam> &out, std::string &err);


} // namespace lfrt

#endif
