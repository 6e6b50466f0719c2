//===- lfc.cpp - the LiteFlow compiler driver -----------------------------===//
//
//   lfc MODEL.onnx compile -o DIR [--force] [--name N] [--bits 32|16|auto]
//                          [--calibrate CSV | --input-range lo,hi,...]
//                          [--emit onnx|float|lf|c] [--target c|bpf]
//   lfc MODEL.onnx run --input X.csv [--float | --raw] [quantization options]
//   lfc MODEL.onnx inspect [--target c|bpf] [quantization options]
//
//===----------------------------------------------------------------------===//

#include "lfc/CommandLine.h"
#include "lfc/EmitBPF.h"
#include "lfc/EmitC.h"
#include "lfc/Interpreter.h"
#include "lfc/OnnxImport.h"
#include "lfc/Pipeline.h"
#include "lfc/Snapshot.h"
#include "lfc/Twin.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

using namespace mlir;
using namespace mlir::lf;
namespace cl = llvm::cl;

namespace {
cl::SubCommand compileCmd("compile",
                          "Compile the model into a kernel snapshot package");
cl::SubCommand runCmd("run", "Run the snapshot's C (or the float reference) "
                             "on CSV inputs");
cl::SubCommand inspectCmd("inspect", "Summarize the graph, formats, tables, "
                                     "error bounds, MACs and stack");

cl::OptionCategory quantCat("Quantization options");
cl::OptionCategory lfcCat("Options");
cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(compileCmd),
                               cl::sub(runCmd), cl::sub(inspectCmd),
                               cl::cat(lfcCat));
cl::opt<std::string>
    bits("bits",
         cl::desc("Storage width of values and weights: 32, 16, or auto (16 "
                  "when its error bound meets --max-error, else 32)"),
         cl::init("32"), cl::cat(quantCat), cl::sub(compileCmd),
         cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<double> maxError(
    "max-error",
    cl::desc("--bits auto: largest error bound accepted for 16 bits, in "
             "output units (every output)"),
    cl::init(1e-2), cl::cat(quantCat), cl::sub(compileCmd), cl::sub(runCmd),
    cl::sub(inspectCmd));
cl::opt<std::string> inputRange(
    "input-range",
    cl::desc("Input ranges: lo,hi for every feature, or lo,hi,lo,hi,... one "
             "pair per feature"),
    cl::value_desc("lo,hi,..."), cl::cat(quantCat), cl::sub(compileCmd),
    cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<std::string>
    calibrate("calibrate", cl::desc("Take input ranges from the rows of a CSV"),
              cl::value_desc("CSV"), cl::cat(quantCat), cl::sub(compileCmd),
              cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<double>
    lutError("lut-error",
             cl::desc("Worst-case error allowed for each activation table"),
             cl::init(1e-5), cl::cat(quantCat), cl::sub(compileCmd),
             cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<double>
    headroom("headroom",
             cl::desc("Factor applied to every range before choosing formats"),
             cl::init(1.0), cl::cat(quantCat), cl::sub(compileCmd),
             cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<double> inputHeadroom(
    "input-headroom",
    cl::desc("Widen every input range by this factor away from zero before "
             "choosing formats, so that inputs drifting that far beyond "
             "their calibration neither saturate nor void the error bound "
             "(1 = none)"),
    cl::init(QuantOptions().inputHeadroom), cl::cat(quantCat),
    cl::sub(compileCmd), cl::sub(runCmd), cl::sub(inspectCmd));
cl::opt<std::string> modelName(
    "model",
    cl::desc("Model the snapshot belongs to in lf_core (default: --name); "
             "versions of one model share it"),
    cl::sub(compileCmd), cl::cat(lfcCat));
cl::opt<std::string> snapName("name",
                              cl::desc("Snapshot name: C identifiers and the "
                                       "module lf_snap_NAME (default: the "
                                       "model file's stem)"),
                              cl::cat(quantCat), cl::sub(compileCmd),
                              cl::sub(runCmd), cl::sub(inspectCmd));

cl::opt<std::string> outDir("o",
                            cl::desc("Output directory of the package "
                                     "(required unless --emit is given)"),
                            cl::value_desc("DIR"), cl::sub(compileCmd),
                            cl::cat(lfcCat));
cl::opt<bool> force("force",
                    cl::desc("Write the package into a non-empty -o "
                             "directory (files of the same name are "
                             "replaced)"),
                    cl::sub(compileCmd), cl::cat(lfcCat));
enum class EmitKind { Package, Onnx, Float, Lf, C };
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("Print one stage instead of writing the package"),
    cl::values(
        clEnumValN(EmitKind::Onnx, "onnx",
                   "the imported graph (MLIR, float level, as imported)"),
        clEnumValN(EmitKind::Float, "float",
                   "the float level after canonicalization and decomposition"),
        clEnumValN(EmitKind::Lf, "lf", "the fixed-point level"),
        clEnumValN(EmitKind::C, "c", "the snapshot's C source and header")),
    cl::init(EmitKind::Package), cl::sub(compileCmd), cl::cat(lfcCat));
cl::opt<unsigned> snapVersion("snapshot-version",
                              cl::desc("Version recorded in the snapshot"),
                              cl::init(1), cl::sub(compileCmd),
                              cl::cat(lfcCat));
cl::opt<std::string> coreSymvers(
    "core-symvers",
    cl::desc("Default lf_core Module.symvers for the package's Makefile"),
    cl::sub(compileCmd), cl::cat(lfcCat));

cl::opt<std::string> inputCsv("input",
                              cl::desc("CSV of inputs, one sample a row"),
                              cl::value_desc("CSV"), cl::sub(runCmd),
                              cl::cat(lfcCat));
enum class Target { C, Bpf };
cl::opt<Target> target(
    "target", cl::desc("What the snapshot is built for"),
    cl::values(clEnumValN(Target::C, "c", "a kernel module (lf_core)"),
               clEnumValN(Target::Bpf, "bpf",
                          "a BPF object: weights in an array map with two "
                          "buffers (clang-19 -target bpf)")),
    cl::init(Target::C), cl::sub(compileCmd), cl::sub(inspectCmd),
    cl::cat(lfcCat));
cl::opt<bool> runRaw(
    "raw",
    cl::desc("Inputs and outputs as the snapshot's integers (its fixed-point "
             "formats) instead of reals"),
    cl::sub(runCmd), cl::cat(lfcCat));
cl::opt<bool>
    runFloat("float",
             cl::desc("Run the float reference instead of the snapshot"),
             cl::sub(runCmd), cl::cat(lfcCat));

int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "lfc") << msg << "\n";
  return 1;
}

/// Says which CSV line was skipped as a header (empty: none).
void noteHeader(llvm::StringRef note) {
  if (!note.empty())
    llvm::WithColor::note(llvm::errs(), "lfc") << note << "\n";
}

/// Rejects NaN and Inf in CSV rows (they have no fixed-point value and
/// would make calibrated ranges empty).
LogicalResult checkFinite(const std::vector<std::vector<double>> &rows,
                          llvm::StringRef path, std::string &err) {
  for (auto [r, row] : llvm::enumerate(rows))
    for (auto [c, v] : llvm::enumerate(row))
      if (!std::isfinite(v)) {
        err = llvm::formatv("{0}: data row {1}, column {2}: {3} is not a "
                            "finite number",
                            path, r + 1, c + 1,
                            std::isnan(v) ? "nan"
                            : v > 0       ? "inf"
                                          : "-inf");
        return failure();
      }
  return success();
}

/// The input ranges the options ask for; `rows` (run's own inputs) are the
/// fallback when neither --input-range nor --calibrate is given.
FailureOr<std::vector<Interval>>
chooseRanges(func::FuncOp f, const std::vector<std::vector<double>> *rows,
             std::string &source) {
  int64_t features = countInputElements(f);
  std::string err;
  if (inputRange.getNumOccurrences() && calibrate.getNumOccurrences()) {
    fail("--input-range and --calibrate are exclusive");
    return failure();
  }
  if (inputRange.getNumOccurrences()) {
    auto r = parseRanges(inputRange, err);
    if (failed(r)) {
      fail("--input-range: " + err);
      return failure();
    }
    if (r->size() != 1 && static_cast<int64_t>(r->size()) != features) {
      fail(llvm::formatv("--input-range: {0} pairs given, the model has {1} "
                         "input features (give 1 or {1})",
                         r->size(), features));
      return failure();
    }
    source = "--input-range";
    return r;
  }
  const std::vector<std::vector<double>> *data = rows;
  std::vector<std::vector<double>> calRows;
  if (calibrate.getNumOccurrences()) {
    if (calibrate.empty()) {
      fail("--calibrate: empty file name");
      return failure();
    }
    std::string header;
    auto c = readCsv(calibrate, err, &header);
    if (failed(c) || failed(checkFinite(*c, calibrate, err))) {
      fail("--calibrate: " + err);
      return failure();
    }
    noteHeader(header);
    calRows = std::move(*c);
    data = &calRows;
    // The file name only: NAME.json holds no path of the build machine.
    source = ("--calibrate " + llvm::sys::path::filename(calibrate)).str();
  } else if (rows) {
    source = "the --input rows";
  }
  if (!data) {
    llvm::WithColor::warning(llvm::errs(), "lfc")
        << "no --input-range or --calibrate: assuming [-8, 8] for every "
           "input feature\n";
    source = "default [-8, 8]";
    return std::vector<Interval>{{-8.0, 8.0}};
  }
  auto r = rangesFromRows(*data, features);
  if (failed(r)) {
    fail(llvm::formatv("{0}: rows must hold {1} values (the model's input "
                       "features)",
                       source, features));
    return failure();
  }
  return r;
}

/// What --bits auto chose and why (inspect prints it).
std::string bitsChoice;

/// The storage width: --bits, or for `auto` 16 when the error bound of the
/// 16-bit lowering of `module` meets --max-error on every output, else 32.
unsigned chooseBits(ModuleOp module, const std::vector<Interval> &ranges) {
  if (bits != "auto")
    return bits == "16" ? 16 : 32;
  OwningOpRef<ModuleOp> trial = module.clone();
  QuantOptions q;
  q.bits = 16;
  q.inputRanges = ranges;
  q.lutError = lutError;
  q.headroom = headroom;
  double worst = std::numeric_limits<double>::infinity();
  {
    // A model 16 bits cannot hold is not an error here: it takes 32.
    ScopedDiagnosticHandler quiet(module.getContext(),
                                  [](Diagnostic &) { return success(); });
    if (succeeded(lowerToFixed(*trial, q))) {
      worst = 0;
      for (double e : resultErrorBounds(getModelFunc(*trial)))
        worst = std::max(worst, e);
    }
  }
  unsigned b = worst <= maxError ? 16 : 32;
  bitsChoice =
      llvm::formatv("{0} (--bits auto: 16-bit error bound {1:e2} "
                    "{2} --max-error {3:e2})",
                    b, worst, b == 16 ? "<=" : ">", maxError.getValue())
          .str();
  return b;
}

QuantOptions quantOptions(std::vector<Interval> ranges, ModuleOp module) {
  QuantOptions q;
  q.bits = chooseBits(module, ranges);
  q.inputRanges = std::move(ranges);
  q.lutError = lutError;
  q.headroom = headroom;
  q.inputHeadroom = inputHeadroom;
  return q;
}

bool checkQuantFlags() {
  if (bits != "32" && bits != "16" && bits != "auto") {
    fail(llvm::formatv("--bits must be 32, 16 or auto, got {0}",
                       bits.getValue()));
    return false;
  }
  if (!(maxError > 0)) {
    fail("--max-error must be positive");
    return false;
  }
  if (!(lutError > 0)) {
    fail("--lut-error must be positive");
    return false;
  }
  if (!(headroom >= 1.0) || !std::isfinite(headroom)) {
    fail("--headroom must be finite and >= 1");
    return false;
  }
  if (!(inputHeadroom >= 1.0) || !std::isfinite(inputHeadroom)) {
    fail("--input-headroom must be finite and >= 1");
    return false;
  }
  return true;
}

void printRow(llvm::raw_ostream &os, llvm::ArrayRef<double> row) {
  char buf[32];
  for (size_t i = 0; i < row.size(); ++i) {
    snprintf(buf, sizeof(buf), "%.9g", row[i]);
    os << (i ? "," : "") << buf;
  }
  os << "\n";
}

/// Builds the userspace twin of the fixed-level function.
std::unique_ptr<Twin> buildTwin(func::FuncOp f, SnapshotInfo &info) {
  std::string c, h;
  llvm::raw_string_ostream cs(c), hs(h);
  EmitOptions eo;
  eo.name = snapName;
  // The kernel-stack limit is the module's: run's twin (userspace) and the
  // BPF target (buffers in a scratch map) take the BPF scratch limit.
  if (target == Target::Bpf || runCmd)
    eo.maxBufferBytes = kBpfScratchBufferBytes;
  if (failed(emitSnapshotC(f, eo, cs, hs, info)))
    return nullptr;
  std::string err;
  auto twin = Twin::create(info, c, h, err);
  if (!twin)
    fail(err);
  return twin;
}

/// Max |twin - float| per output over samples drawn uniformly from the
/// input ranges, plus their corners' midpoints.
std::vector<double> measureError(func::FuncOp floatFunc, Twin &twin,
                                 const std::vector<Interval> &ranges,
                                 int64_t features, int samples) {
  std::mt19937_64 rng(42);
  std::vector<double> worst;
  std::vector<double> x(features);
  for (int s = 0; s < samples; ++s) {
    for (int64_t i = 0; i < features; ++i) {
      const Interval &r = ranges.size() == 1 ? ranges[0] : ranges[i];
      std::uniform_real_distribution<double> d(r.lo, r.hi);
      x[i] = s == 0 ? (r.lo + r.hi) / 2 : d(rng);
    }
    auto ref = evaluateFloat(floatFunc, x);
    if (failed(ref))
      return {};
    std::vector<double> got = twin.runFloat(x);
    worst.resize(got.size(), 0.0);
    for (size_t o = 0; o < got.size() && o < ref->size(); ++o)
      worst[o] = std::max(worst[o], std::fabs(got[o] - (*ref)[o]));
  }
  return worst;
}

/// -o DIR must be given and, without --force, be missing or empty: lfc
/// never writes over files it did not ask for (a user's Makefile in `.`).
LogicalResult checkOutputDir() {
  if (outDir.empty()) {
    fail("compile needs -o DIR, the package directory (or --emit to print "
         "one stage)");
    return failure();
  }
  llvm::sys::fs::file_status st;
  if (llvm::sys::fs::status(outDir, st))
    return success(); // missing: created when the package is written
  if (!llvm::sys::fs::is_directory(st)) {
    fail("-o " + outDir + ": exists and is not a directory");
    return failure();
  }
  std::error_code ec;
  llvm::sys::fs::directory_iterator it(outDir, ec), end;
  if (ec) {
    fail("-o " + outDir + ": " + ec.message());
    return failure();
  }
  if (it != end && !force) {
    fail(llvm::formatv("-o {0}: directory is not empty (it holds '{1}'); "
                       "give an empty or new directory, or --force to "
                       "write into it",
                       outDir.getValue(), llvm::sys::path::filename(it->path()))
             .str());
    return failure();
  }
  return success();
}

/// The input ranges the formats were chosen for (the given ones widened by
/// --input-headroom): inside them nothing saturates and the error bound
/// holds.
std::vector<Interval> guaranteedRanges(const std::vector<Interval> &given) {
  std::vector<Interval> out;
  for (const Interval &r : given)
    out.push_back(widenRange(r, inputHeadroom));
  return out;
}

llvm::json::Array guaranteedRangesJson(const std::vector<Interval> &given) {
  llvm::json::Array a;
  for (const Interval &r : guaranteedRanges(given))
    a.push_back(llvm::json::Array{r.lo, r.hi});
  return a;
}

std::string rangesText(const std::vector<Interval> &rs) {
  std::string s;
  for (auto [i, r] : llvm::enumerate(rs))
    s += llvm::formatv("{0}[{1}, {2}]", i ? " " : "", r.lo, r.hi).str();
  return s;
}

int runCompile(MLIRContext &ctx) {
  auto t0 = std::chrono::steady_clock::now();
  if (emitKind == EmitKind::Package && failed(checkOutputDir()))
    return 1;
  auto module = importModel(modelPath, ctx, snapName);
  if (!module)
    return 1;
  if (emitKind == EmitKind::Onnx) {
    module->print(llvm::outs());
    return 0;
  }
  if (failed(lowerToFloat(*module)))
    return 1;
  if (emitKind == EmitKind::Float) {
    module->print(llvm::outs());
    return 0;
  }
  func::FuncOp f = getModelFunc(*module);
  std::string source;
  auto ranges = chooseRanges(f, nullptr, source);
  if (failed(ranges))
    return 1;
  OwningOpRef<ModuleOp> floatModule = module->clone();
  if (failed(lowerToFixed(*module, quantOptions(*ranges, *module))))
    return 1;
  if (!bitsChoice.empty())
    llvm::errs() << "lfc: bits " << bitsChoice << "\n";
  if (emitKind == EmitKind::Lf) {
    module->print(llvm::outs());
    return 0;
  }
  if (emitKind == EmitKind::C) {
    std::string c, h;
    llvm::raw_string_ostream cs(c), hs(h);
    SnapshotInfo info;
    EmitOptions eo;
    eo.name = snapName;
    if (failed(emitSnapshotC(f, eo, cs, hs, info)))
      return 1;
    llvm::outs() << "/* ---- " << info.name << ".h ---- */\n"
                 << h << "/* ---- " << info.name << ".c ---- */\n"
                 << c;
    return 0;
  }
  if (target == Target::Bpf) {
    BpfOptions bo;
    bo.dir = outDir.empty() ? std::string(".") : outDir.getValue();
    bo.name = snapName;
    SnapshotInfo info;
    BpfInfo bi;
    if (failed(writeBpfPackage(f, bo, info, bi)))
      return 1;
    auto ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    llvm::errs() << llvm::formatv(
        "lfc: wrote {0}/ (BPF snapshot {1}: {2} inputs, {3} outputs, {4} "
        "MACs, {5} object instructions, ~{6} verifier steps, params map {7} "
        "bytes) in {8:f1} ms\n",
        bo.dir, info.name, info.nIn, info.nOut, info.macs, bi.objInsns,
        bi.estInsns, bi.paramsMapBytes, ms);
    return 0;
  }
  PackageOptions po;
  po.dir = outDir;
  po.name = snapName;
  po.model = modelName;
  po.version = snapVersion;
  po.coreSymvers = coreSymvers;
  llvm::json::Array rangesJson;
  for (const Interval &r : *ranges)
    rangesJson.push_back(llvm::json::Array{r.lo, r.hi});
  po.extra["input_ranges"] = std::move(rangesJson);
  po.extra["input_ranges_from"] = source;
  po.extra["input_headroom"] = inputHeadroom.getValue();
  po.extra["input_ranges_guaranteed"] = guaranteedRangesJson(*ranges);
  llvm::json::Array bounds;
  for (double e : resultErrorBounds(f))
    bounds.push_back(e);
  po.extra["error_bound"] = std::move(bounds);
  SnapshotInfo info;
  if (failed(writeSnapshotPackage(f, po, info)))
    return 1;
  auto ms = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now() - t0)
                .count();
  llvm::errs() << llvm::formatv(
      "lfc: wrote {0}/ (snapshot {1}: {2} inputs, {3} outputs, {4} MACs, "
      "{5} stack bytes, {6} params bytes) in {7:f1} ms\n",
      po.dir, info.name, info.nIn, info.nOut, info.macs, info.stackBytes,
      info.paramsBytes, ms);
  (void)floatModule;
  return 0;
}

int runRun(MLIRContext &ctx) {
  if (inputCsv.empty())
    return fail("run needs --input X.csv");
  std::string err;
  std::string header;
  auto rows = readCsv(inputCsv, err, &header);
  if (failed(rows) || failed(checkFinite(*rows, inputCsv, err)))
    return fail("--input: " + err);
  noteHeader(header);
  auto module = importModel(modelPath, ctx, snapName);
  if (!module || failed(lowerToFloat(*module)))
    return 1;
  func::FuncOp f = getModelFunc(*module);
  int64_t features = countInputElements(f);
  for (auto [i, row] : llvm::enumerate(*rows))
    if (static_cast<int64_t>(row.size()) != features)
      return fail(llvm::formatv("{0}: row {1} has {2} values, the model has "
                                "{3} input features",
                                inputCsv.getValue(), i + 1, row.size(),
                                features));
  if (runFloat && runRaw)
    return fail("--float and --raw are exclusive");
  if (runRaw && !inputRange.getNumOccurrences() &&
      !calibrate.getNumOccurrences())
    return fail("--raw needs --input-range or --calibrate (the ranges the "
                "snapshot was compiled with)");
  std::string out;
  llvm::raw_string_ostream os(out);
  if (runFloat) {
    for (const auto &row : *rows) {
      auto y = evaluateFloat(f, row);
      if (failed(y))
        return 1;
      printRow(os, *y);
    }
    llvm::outs() << out;
    return 0;
  }
  std::string source;
  auto ranges = chooseRanges(f, &*rows, source);
  if (failed(ranges) ||
      failed(lowerToFixed(*module, quantOptions(*ranges, *module))))
    return 1;
  SnapshotInfo info;
  auto twin = buildTwin(f, info);
  if (!twin)
    return 1;
  if (runRaw) {
    // Inputs are integers in the snapshot's input formats (no rounding).
    std::vector<int32_t> in(info.nIn), res(info.nOut);
    for (auto [r, row] : llvm::enumerate(*rows)) {
      for (auto [i, v] : llvm::enumerate(row)) {
        if (v != std::trunc(v) || v < -2147483648.0 || v > 2147483647.0)
          return fail(llvm::formatv("{0}: row {1}, column {2}: --raw inputs "
                                    "are 32-bit integers, got {3}",
                                    inputCsv.getValue(), r + 1, i + 1, v));
        in[i] = static_cast<int32_t>(v);
      }
      if (twin->infer(in.data(), res.data()))
        return fail(llvm::formatv("the snapshot refused row {0}", r + 1));
      for (auto [i, v] : llvm::enumerate(res))
        os << (i ? "," : "") << v;
      os << "\n";
    }
    llvm::outs() << out;
    return 0;
  }
  for (const auto &row : *rows)
    printRow(os, twin->runFloat(row));
  llvm::outs() << out;
  return 0;
}

int runInspect(MLIRContext &ctx) {
  auto module = importModel(modelPath, ctx, snapName);
  if (!module || failed(lowerToFloat(*module)))
    return 1;
  func::FuncOp f = getModelFunc(*module);
  OwningOpRef<ModuleOp> floatModule = module->clone();
  func::FuncOp ff = getModelFunc(*floatModule);
  std::string source;
  auto ranges = chooseRanges(f, nullptr, source);
  if (failed(ranges))
    return 1;
  // Printed only once everything succeeded (no partial report on error).
  std::string report;
  llvm::raw_string_ostream os(report);
  os << "model " << modelPath << "\n  function @" << f.getName() << ": "
     << f.getFunctionType() << "\n  float graph:\n";
  f.walk([&](Operation *op) {
    if (isa<func::FuncOp, func::ReturnOp>(op))
      return;
    os << "    " << op->getName() << " -> " << op->getResultTypes()[0] << "\n";
  });
  if (failed(lowerToFixed(*module, quantOptions(*ranges, *module))))
    return 1;
  os << "  input ranges from " << source << ": " << rangesText(*ranges)
     << llvm::formatv("\n  guaranteed (x{0} input headroom; no saturation, "
                      "error bound holds): ",
                      inputHeadroom.getValue())
     << rangesText(guaranteedRanges(*ranges)) << "\n";
  for (auto [i, arg] : llvm::enumerate(f.getArguments()))
    for (Operation *user : arg.getUsers())
      if (auto q = dyn_cast<QuantizeOp>(user)) {
        FixedType t = getFixedElementType(q.getType());
        os << llvm::formatv("  input {0} format Q{1}.{2} holds [{3}, {4}] "
                            "(beyond it inputs saturate)\n",
                            i, t.getWidth(), t.getFrac(), t.getMinValue(),
                            t.getMaxValue());
      }
  if (!bitsChoice.empty())
    os << "  bits: " << bitsChoice << "\n";
  os << "  fixed-point formats:\n";
  f.walk([&](Operation *op) {
    if (isa<func::FuncOp, func::ReturnOp>(op) || op->getNumResults() != 1)
      return;
    FixedType t = getFixedElementType(op->getResult(0).getType());
    if (!t)
      return;
    os << "    " << op->getName() << " -> Q" << t.getWidth() << "."
       << t.getFrac();
    if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      auto wf = *fc.getWeightFrac();
      os << " (weights: " << wf.size() << " channels, frac "
         << *std::min_element(wf.begin(), wf.end()) << ".."
         << *std::max_element(wf.begin(), wf.end()) << ")";
    }
    if (auto lut = dyn_cast<LutOp>(op)) {
      auto fn = lut->getAttrOfType<StringAttr>("lf.function");
      os << " (table " << (fn ? fn.getValue() : "?") << ": "
         << lut.getTable().size() << " entries, step 2^"
         << static_cast<int>(lut.getShift()) -
                getFixedElementType(lut.getInput().getType()).getFrac()
         << ", " << stringifySymmetry(lut.getSymmetry()) << ", max error "
         << llvm::formatv("{0:e2}",
                          lut.getMaxErrorAttr()
                              ? lut.getMaxErrorAttr().getValueAsDouble()
                              : 0.0)
                .str()
         << ")";
    }
    os << "\n";
  });
  SnapshotInfo info;
  auto twin = buildTwin(f, info);
  if (!twin)
    return 1;
  os << llvm::formatv("  snapshot {0}: {1} inputs, {2} outputs, {3} MACs, "
                      "{4} stack bytes, {5} params bytes, arch {6:x16}\n",
                      info.name, info.nIn, info.nOut, info.macs,
                      info.stackBytes, info.paramsBytes, info.archHash);
  auto err = measureError(ff, *twin, guaranteedRanges(*ranges),
                          countInputElements(f), 2000);
  os << "  max |snapshot - float| over 2000 samples of the guaranteed "
        "ranges:";
  for (double e : err)
    os << llvm::formatv(" {0:e2}", e).str();
  os << "\n  error bound (-lf-error-bounds, inputs inside the guaranteed "
        "ranges):";
  for (double e : resultErrorBounds(f))
    os << llvm::formatv(" {0:e2}", e).str();
  os << "\n";
  if (target == Target::Bpf) {
    // Build the object in a scratch directory for its instruction count.
    llvm::SmallString<128> tmp;
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("lfc-bpf", tmp))
      return fail("cannot create a temporary directory: " + ec.message());
    BpfOptions bo;
    bo.dir = std::string(tmp);
    bo.name = snapName;
    SnapshotInfo binfo;
    BpfInfo bi;
    LogicalResult built = writeBpfPackage(f, bo, binfo, bi);
    llvm::sys::fs::remove_directories(tmp);
    if (failed(built))
      return 1;
    os << llvm::formatv("  bpf: {0} object instructions, ~{1} verifier "
                        "steps (limit {2}), stack ~{3} bytes, params map "
                        "{4} bytes (2 x {5}), per-CPU scratch {6} bytes, "
                        "{7} table function(s)\n",
                        bi.objInsns, bi.estInsns, kBpfInsnLimit, bi.stackBytes,
                        bi.paramsMapBytes, binfo.paramsBytes, bi.scratchBytes,
                        bi.tableSizes.size());
    for (const BpfLayer &l : bi.layers)
      os << llvm::formatv("    {0}: {1}, {2} MACs, ~{3} verifier steps\n",
                          l.name, l.kind, l.macs, l.estInsns);
  }
  llvm::outs() << report;
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // `lfc MODEL.onnx SUB ...` -> `lfc SUB MODEL.onnx ...` for cl::SubCommand.
  // The subcommand may follow options (`lfc M.onnx --bits 16 run`); as the
  // first argument (`lfc run M.onnx`) it is left where it is.
  std::vector<const char *> args(argv, argv + argc);
  auto isSub = [](llvm::StringRef a) {
    return a == "compile" || a == "run" || a == "inspect";
  };
  auto isOpt = [](llvm::StringRef a) { return a.starts_with("-"); };
  if (args.size() >= 2 && !isOpt(args[1]) && !isSub(args[1])) {
    auto sub = std::find_if(args.begin() + 2, args.end(), isSub);
    bool help = llvm::any_of(args, [](llvm::StringRef a) {
      return a == "--help" || a == "-help" || a == "-h";
    });
    if (sub != args.end())
      std::rotate(args.begin() + 1, sub, sub + 1);
    else if (help)
      args.erase(args.begin() + 1);
    else if (args.size() >= 3 && !isOpt(args[2]))
      return fail(llvm::Twine("unknown subcommand '") + args[2] +
                  "' (expected compile, run or inspect)");
    else
      return fail(llvm::Twine("expected a subcommand after '") + args[1] +
                  "': lfc MODEL.onnx compile|run|inspect (see --help)");
  }
  cl::HideUnrelatedOptions({&quantCat, &lfcCat});
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "lfc (LiteFlow) " << getLfcVersion() << "\n";
  });
  std::string clError;
  if (!lfc::parseCommandLine(static_cast<int>(args.size()), args.data(),
                             "LiteFlow compiler: ONNX -> kernel snapshot\n\n"
                             "  lfc MODEL.onnx compile|run|inspect [options]\n",
                             clError)) {
    if (clError.empty()) // a bad option value, already reported on one line
      return 1;
    if (llvm::StringRef(clError).starts_with("Not enough positional"))
      clError = "missing the model: lfc MODEL.onnx compile|run|inspect";
    return fail(clError);
  }
  if (snapName.empty())
    snapName = sanitizeSnapshotName(llvm::sys::path::stem(modelPath));
  MLIRContext ctx;
  // Diagnostics are one line each: no dump of the failing op.
  ctx.printOpOnDiagnostic(false);
  OnnxDiagnosticHandler diag(&ctx);
  if (!checkQuantFlags())
    return 1;
  if (compileCmd)
    return runCompile(ctx);
  if (runCmd)
    return runRun(ctx);
  if (inspectCmd)
    return runInspect(ctx);
  return fail("expected a subcommand: lfc MODEL.onnx compile|run|inspect "
              "(see --help)");
}
