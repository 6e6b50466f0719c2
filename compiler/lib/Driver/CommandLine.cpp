//===- CommandLine.cpp - cl::opt parsing with one-line errors -------------===//

#include "lfc/CommandLine.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

bool lfc::parseCommandLine(int argc, const char *const *argv, llvm::StringRef overview,
                           std::string &error) {
  std::string all;
  llvm::raw_string_ostream os(all);
  error.clear();
  if (llvm::cl::ParseCommandLineOptions(argc, argv, overview, &os))
    return true;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(all).split(lines, '\n', -1, false);
  if (lines.empty())
    return false;
  std::string prog = llvm::sys::path::filename(argv[0]).str() + ": ";
  llvm::StringRef first = lines[0];
  first.consume_front(prog);
  error = first.str();
  if (lines.size() > 1) {
    llvm::StringRef next = lines[1];
    if (next.consume_front(prog) && next.starts_with("Did you"))
      error += " " + next.str();
  }
  return false;
}
