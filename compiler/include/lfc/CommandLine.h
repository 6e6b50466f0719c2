//===- CommandLine.h - cl::opt parsing with one-line errors -----*- C++ -*-===//
//
// The tools' (lfc, lf-runtime) command lines are llvm::cl options; a user's
// mistake must be reported in one line naming the option at fault.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_COMMANDLINE_H
#define LFC_COMMANDLINE_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace lfc {

/// cl::ParseCommandLineOptions() whose errors become one line in `error`
/// (the first error without the program name, a "Did you mean" suggestion
/// that follows it appended). A bad option value is reported by the option
/// itself, already on one line: then `error` stays empty.
bool parseCommandLine(int argc, const char *const *argv, llvm::StringRef overview,
                      std::string &error);

} // namespace lfc

#endif
