//===- EmitBPF.cpp - fixed-level lf IR -> BPF snapshot --------------------===//
//
// See EmitBPF.h. The C emitter writes the snapshot (params struct and
// lf_NAME_infer()); this backend takes both from its output, so the BPF
// program runs the same op sequence on the same blob, and adds what BPF
// needs around them: buffers in a scratch struct, table functions per table
// size, the maps and a test-run program.
//
//===----------------------------------------------------------------------===//

#include "lfc/EmitBPF.h"
#include "lfc/Snapshot.h"

#include "lf/LfDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using namespace mlir::lf;

#include "lf_fixed_bpf.h.inc"

#ifndef LF_BPF_MULTIARCH_INCLUDE
#define LF_BPF_MULTIARCH_INCLUDE "/usr/include/x86_64-linux-gnu"
#endif

llvm::StringRef mlir::lf::getLfFixedBpfHeader() { return kLfFixedBpfH; }

namespace {

/// Verifier cost model (processed instructions), fitted to 6.1: a plain
/// loop costs ~36-60 instructions per multiply-add; a table element is one
/// call of its global function (~20) plus the function once per size.
constexpr uint64_t kInsnPerMac = 48;
constexpr uint64_t kInsnPerOutput = 40;
constexpr uint64_t kInsnPerTableElem = 24;
constexpr uint64_t kInsnPerTableFn = 400;
constexpr uint64_t kInsnPerElem = 40;
constexpr uint64_t kInsnPerLoop = 300;
/// LF_BPF_LOOP_MACS of lf_fixed_bpf.h.
constexpr uint64_t kBpfLoopMacs = 2048;
/// The estimate must stay below the limit by this factor (the model is
/// approximate; a refusal at load time is what the check exists to avoid).
constexpr double kBudgetShare = 0.8;

std::string locName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (auto n = dyn_cast<NameLoc>(l))
        return n.getName().str();
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

int64_t numElements(Type t) {
  auto r = dyn_cast<ShapedType>(t);
  return r && r.hasStaticShape() ? r.getNumElements() : 1;
}

std::string shapeOf(Type t) {
  auto r = dyn_cast<ShapedType>(t);
  if (!r)
    return "?";
  std::string s;
  for (auto [i, d] : llvm::enumerate(r.getShape()))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

/// The lines of `text` between the line starting with `first` and the
/// first later line equal to `last` (both included).
std::optional<std::vector<std::string>> extractBlock(llvm::StringRef text,
                                                     llvm::StringRef first,
                                                     llvm::StringRef last) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  std::vector<std::string> out;
  bool in = false;
  for (llvm::StringRef l : lines) {
    if (!in && l.starts_with(first))
      in = true;
    if (!in)
      continue;
    out.push_back(l.str());
    if (l == last)
      return out;
  }
  return std::nullopt;
}

} // namespace

LogicalResult mlir::lf::analyzeBpf(func::FuncOp f, const SnapshotInfo &info,
                                   BpfInfo &bi) {
  bi = BpfInfo();
  std::set<int64_t> sizes;
  Operation *failedOp = nullptr;
  std::string why;
  f.walk([&](Operation *op) {
    if (failedOp ||
        isa<func::FuncOp, func::ReturnOp, ConstantOp, QuantizeOp, DequantizeOp,
            ReshapeOp>(op) ||
        op->getNumResults() != 1)
      return;
    BpfLayer l;
    l.op = op;
    l.name = locName(op->getLoc());
    Type rt = op->getResult(0).getType();
    int64_t out = numElements(rt);
    if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      auto in = cast<ShapedType>(fc.getInput().getType());
      int64_t k = in.getShape().back();
      l.kind = "fc " + shapeOf(in) + " -> " + shapeOf(rt);
      l.macs = uint64_t(out) * k;
      l.estInsns = l.macs * kInsnPerMac + out * kInsnPerOutput;
      auto wAttr = dyn_cast<DenseIntElementsAttr>(fc.getWeight());
      int64_t m = in.getRank() == 2 ? in.getShape()[0] : 0;
      // lf_fixed_bpf.h runs a 32-bit layer of one row above
      // LF_BPF_LOOP_MACS under bpf_loop: the callback is verified once.
      if (wAttr && wAttr.getType().getElementTypeBitWidth() == 32 && m == 1 &&
          l.macs > kBpfLoopMacs) {
        l.kind += " (bpf_loop)";
        l.estInsns = uint64_t(k) * kInsnPerMac + kInsnPerLoop;
        if (!llvm::is_contained(bi.fcLoops, std::make_pair(k, out)))
          bi.fcLoops.push_back({k, out});
      }
      if (fc.getAccBits() == 32) {
        failedOp = op;
        why = "a 16-bit layer with a 32-bit accumulator (--bits 16) has no "
              "BPF form yet: compile with --bits 32";
        return;
      }
    } else if (auto mm = dyn_cast<MatMulOp>(op)) {
      auto a = cast<ShapedType>(op->getOperand(0).getType());
      int64_t k = a.getShape().back();
      l.kind = "matmul -> " + shapeOf(rt);
      l.macs = uint64_t(out) * k;
      l.estInsns = l.macs * kInsnPerMac + out * kInsnPerOutput;
    } else if (auto lut = dyn_cast<LutOp>(op)) {
      int64_t n = static_cast<int64_t>(lut.getTable().size());
      l.kind =
          "table of " + std::to_string(n) + " knots x" + std::to_string(out);
      l.estInsns = out * kInsnPerTableElem +
                   (sizes.insert(n).second ? kInsnPerTableFn : 0);
    } else {
      l.kind = op->getName().getStringRef().str() + " -> " + shapeOf(rt);
      l.estInsns = out * kInsnPerElem;
    }
    bi.estInsns += l.estInsns;
    bi.layers.push_back(std::move(l));
  });
  if (failedOp)
    return failedOp->emitError() << "--target bpf: " << why;
  bi.tableSizes.assign(sizes.begin(), sizes.end());
  uint64_t budget = static_cast<uint64_t>(kBpfInsnLimit * kBudgetShare);
  if (bi.estInsns > budget) {
    // Name the layer that costs most: that is the one to shrink.
    auto worst = std::max_element(bi.layers.begin(), bi.layers.end(),
                                  [](const BpfLayer &a, const BpfLayer &b) {
                                    return a.estInsns < b.estInsns;
                                  });
    return worst->op->emitError() << llvm::formatv(
               "--target bpf: too large for the BPF verifier: this layer "
               "({0}, {1} MACs) needs ~{2} verifier steps of the model's "
               "~{3}; Linux's verifier stops at {4} (this backend budgets "
               "{5}): shrink this layer",
               worst->kind, worst->macs, worst->estInsns, bi.estInsns,
               kBpfInsnLimit, budget);
  }
  bi.paramsMapBytes = 2 * info.paramsBytes;
  return success();
}

LogicalResult mlir::lf::emitBpfSources(func::FuncOp f, const EmitOptions &eo,
                                       std::string &bpfH, std::string &bpfC,
                                       SnapshotInfo &info, BpfInfo &bi) {
  std::string c, h;
  llvm::raw_string_ostream cs(c), hs(h);
  if (failed(emitSnapshotC(f, eo, cs, hs, info)) ||
      failed(analyzeBpf(f, info, bi)))
    return failure();
  const std::string &n = info.name;
  std::string N = llvm::StringRef(n).upper();
  auto params = extractBlock(h, "struct lf_" + n + "_params {", "};");
  auto infer = extractBlock(c, "LF_INFER_ATTR int lf_" + n + "_infer(", "}");
  if (!params || !infer)
    return f.emitError() << "--target bpf: the C emitter's output has no "
                            "params struct or lf_"
                         << n << "_infer() to build on";

  // The inference body: buffers into the scratch struct, no AVX2 dispatch.
  llvm::Regex bufDecl("^\t(lf_s(8|16|32|64)) (b[0-9]+)\\[([0-9]+)\\];$");
  std::vector<std::string> body, bufFields;
  uint64_t bufBytes = 0;
  bool skip = false;
  for (size_t i = 2; i + 1 < infer->size(); ++i) {
    llvm::StringRef l = (*infer)[i];
    if (l.starts_with("#ifdef LF_AVX2_DISPATCH")) {
      skip = true;
      continue;
    }
    if (skip) {
      skip = !l.starts_with("#endif");
      continue;
    }
    if (l.trim() == "const struct lf_" + n + "_params *p = params;")
      continue;
    llvm::SmallVector<llvm::StringRef> m;
    if (bufDecl.match(l, &m)) {
      bufFields.push_back(("\t" + m[1] + " " + m[3] + "[" + m[4] + "];").str());
      body.push_back(
          ("\t" + m[1] + " *" + m[3] + " = scr->" + m[3] + ";").str());
      unsigned bits = 0;
      m[2].getAsInteger(10, bits);
      uint64_t cnt = 0;
      m[4].getAsInteger(10, cnt);
      bufBytes += cnt * bits / 8;
      continue;
    }
    if (l.contains("lf_fc_q16") || l.contains("_avx2"))
      return f.emitError() << "--target bpf: the snapshot uses a kernel ("
                           << l.trim() << ") with no BPF form";
    body.push_back(l.str());
  }
  bi.scratchBytes = 4 * (info.nIn + info.nOut) + bufBytes;
  // struct lf_lut + struct lf_bpf_lut_sc + spills of the helpers
  bi.stackBytes = 64 + 80 + 128;

  auto fracList = [](llvm::ArrayRef<int8_t> v) {
    std::string s;
    for (auto [i, x] : llvm::enumerate(v))
      s += (i ? ", " : "") + std::to_string(x);
    return s;
  };

  llvm::raw_string_ostream os(bpfH);
  os << "/* SPDX-License-Identifier: GPL-2.0 */\n/*\n * " << n
     << ".bpf.h - LiteFlow snapshot " << n
     << " for BPF (generated by lfc --target bpf; do not edit).\n"
     << " * arch " << llvm::formatv("{0:x16}", info.archHash).str() << ", "
     << info.macs << " MACs; verifier estimate ~" << bi.estInsns
     << " instructions.\n *\n"
     << " * lf_" << n
     << "_bpf_infer(p, scr): scr->in (the snapshot's input "
        "formats) -> scr->out,\n"
     << " * the integers of the C snapshot (lf_" << n
     << "_infer).  Under __bpf__ (and without\n"
     << " * LF_BPF_NO_MAPS) also the maps: lf_params (2 buffers), lf_ctl "
        "(active index),\n * lf_scratch (per CPU).\n */\n"
     << "#ifndef LF_" << N << "_BPF_H\n#define LF_" << N << "_BPF_H\n\n"
     << "#include \"lf_fixed_bpf.h\"\n\n"
     << "#define LF_" << N << "_N_IN " << info.nIn << "\n"
     << "#define LF_" << N << "_N_OUT " << info.nOut << "\n"
     << "#define LF_" << N << "_PARAMS_BYTES " << info.paramsBytes << "\n"
     << "#define LF_" << N << "_ARCH_HASH "
     << llvm::formatv("{0:x16}", info.archHash).str() << "ULL\n"
     << "#define LF_" << N << "_IN_FRAC { " << fracList(info.inFrac) << " }\n"
     << "#define LF_" << N << "_OUT_FRAC { " << fracList(info.outFrac)
     << " }\n\n";
  for (const std::string &l : *params)
    os << l << "\n";
  os << "\n/* inputs, outputs and the inference's buffers (not on the "
        "512-byte stack) */\n"
     << "struct lf_" << n << "_scratch {\n"
     << "\tlf_s32 in[" << info.nIn << "];\n"
     << "\tlf_s32 out[" << info.nOut << "];\n";
  for (const std::string &l : bufFields)
    os << l << "\n";
  os << "};\n\n";
  for (int64_t sz : bi.tableSizes)
    os << "LF_BPF_DEFINE_LUT(" << sz << ")\n";
  for (auto [k, n] : bi.fcLoops)
    os << "LF_BPF_DEFINE_FC_LOOP(" << k << ", " << n << ")\n";
  os << "\nLF_BPF_INLINE int lf_bpf_fc_w32b_loop(int k, int n, struct "
        "lf_bpf_fc_ctx *c)\n{\n";
  for (auto [k, n] : bi.fcLoops)
    os << "\tLF_BPF_FC_LOOP_CASE(" << k << ", " << n << ")\n";
  os << "\t(void)k;\n\t(void)n;\n\t(void)c;\n\treturn 0;\n}\n";
  os << "\nLF_BPF_INLINE lf_s64 lf_bpf_lut_call(const struct lf_lut *t,\n"
     << "\t\t\t\t     const struct lf_bpf_lut_sc *sc, lf_s64 x)\n{\n";
  if (!bi.tableSizes.empty()) {
    os << "\tswitch (t->n) {\n";
    for (int64_t sz : bi.tableSizes)
      os << "\tcase " << sz << ":\n\t\treturn lf_bpf_lut_" << sz
         << "((const struct lf_bpf_tab_" << sz << " *)t->table, sc, x);\n";
    os << "\t}\n";
  } else {
    os << "\t(void)t;\n\t(void)sc;\n\t(void)x;\n";
  }
  os << "\treturn 0;\n}\n\n"
     << "LF_BPF_INLINE int lf_" << n << "_bpf_infer(const struct lf_" << n
     << "_params *p,\n\t\t\t\t\tstruct lf_" << n << "_scratch *scr)\n{\n"
     << "\tconst lf_s32 *in = scr->in;\n\tlf_s32 *out = scr->out;\n";
  for (const std::string &l : body)
    os << l << "\n";
  os << "}\n\n"
     << "#if defined(__bpf__) && !defined(LF_BPF_NO_MAPS)\n"
     << "/*\n * The active params buffer (0 or 1), its generation, and the "
        "generation each\n * buffer holds (0: retired, being rewritten). A "
        "push: bgen[idle] = 0, a grace\n * period, the blob into the idle "
        "buffer, bgen[idle] = gen + 1, then active\n * and gen.\n */\n"
     << "struct lf_bpf_ctl {\n\tlf_u32 active;\n\tlf_u32 gen;\n"
     << "\tlf_u32 bgen[2];\n};\n\n"
     << "struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"
     << "\t__uint(max_entries, 2);\n\t__type(key, lf_u32);\n"
     << "\t__type(value, struct lf_" << n << "_params);\n} lf_params "
     << "SEC(\".maps\");\n\n"
     << "struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"
     << "\t__uint(max_entries, 1);\n\t__type(key, lf_u32);\n"
     << "\t__type(value, struct lf_bpf_ctl);\n} lf_ctl SEC(\".maps\");\n\n"
     << "struct {\n\t__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);\n"
     << "\t__uint(max_entries, 1);\n\t__type(key, lf_u32);\n"
     << "\t__type(value, struct lf_" << n << "_scratch);\n} lf_scratch "
     << "SEC(\".maps\");\n\n"
     << "/* buffer @buf (0, 1), or the active one for any other value */\n"
     << "LF_BPF_INLINE const struct lf_" << n << "_params *\nlf_" << n
     << "_bpf_params(lf_u32 buf)\n{\n"
     << "\tlf_u32 zero = 0;\n\n\tif (buf > 1) {\n"
     << "\t\tstruct lf_bpf_ctl *ctl = bpf_map_lookup_elem(&lf_ctl, "
        "&zero);\n\n"
     << "\t\tif (!ctl)\n\t\t\treturn 0;\n"
     << "\t\tbuf = ctl->active & 1;\n\t}\n"
     << "\treturn bpf_map_lookup_elem(&lf_params, &buf);\n}\n"
     << "#endif\n\n#endif /* LF_" << N << "_BPF_H */\n";

  llvm::raw_string_ostream oc(bpfC);
  oc << "// SPDX-License-Identifier: GPL-2.0\n/*\n * " << n
     << ".bpf.c - test-run program of LiteFlow snapshot " << n
     << " (generated by lfc --target bpf).\n"
     << " *\n * lf_" << n
     << "_run (tc, for BPF_PROG_TEST_RUN): one query from the lf_io map "
        "(buf 0/1: that\n"
     << " * params buffer, else the active one) back into it; ret is the "
        "inference's status.\n */\n"
     << "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
     << "#include \"" << n << ".bpf.h\"\n\n"
     << "struct lf_" << n << "_io {\n\tlf_u32 buf;\n\tlf_s32 ret;\n"
     << "\tlf_s32 in[" << info.nIn << "];\n\tlf_s32 out[" << info.nOut
     << "];\n};\n\n"
     << "struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"
     << "\t__uint(max_entries, 1);\n\t__type(key, lf_u32);\n"
     << "\t__type(value, struct lf_" << n
     << "_io);\n} lf_io SEC(\".maps\");\n\n"
     << "SEC(\"tc\")\nint lf_" << n << "_run(struct __sk_buff *skb)\n{\n"
     << "\tconst struct lf_" << n << "_params *p;\n"
     << "\tstruct lf_" << n << "_scratch *scr;\n"
     << "\tstruct lf_" << n << "_io *io;\n\tlf_u32 zero = 0;\n\tint i;\n\n"
     << "\tio = bpf_map_lookup_elem(&lf_io, &zero);\n"
     << "\tscr = bpf_map_lookup_elem(&lf_scratch, &zero);\n"
     << "\tif (!io || !scr)\n\t\treturn 2;\n"
     << "\tp = lf_" << n << "_bpf_params(io->buf);\n"
     << "\tif (!p) {\n\t\tio->ret = -1;\n\t\treturn 0;\n\t}\n"
     << "\tfor (i = 0; i < LF_" << N << "_N_IN; i++)\n"
     << "\t\tscr->in[i] = io->in[i];\n"
     << "\tio->ret = lf_" << n << "_bpf_infer(p, scr);\n"
     << "\tfor (i = 0; i < LF_" << N << "_N_OUT; i++)\n"
     << "\t\tio->out[i] = scr->out[i];\n\treturn 0;\n}\n\n"
     << "char LICENSE[] SEC(\"license\") = \"GPL\";\n";
  return success();
}

/// Instructions in the object's program sections (8 bytes each).
static uint64_t countObjInsns(llvm::StringRef path) {
  auto obj = llvm::object::ObjectFile::createObjectFile(path);
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return 0;
  }
  uint64_t bytes = 0;
  for (const llvm::object::SectionRef &s : obj->getBinary()->sections())
    if (s.isText())
      bytes += s.getSize();
  return bytes / 8;
}

LogicalResult mlir::lf::writeBpfPackage(func::FuncOp f, const BpfOptions &o,
                                        SnapshotInfo &info, BpfInfo &bi) {
  if (o.dir.empty())
    return f.emitError() << "no output directory for the BPF package";
  EmitOptions eo;
  eo.name = o.name;
  eo.maxBufferBytes = kBpfScratchBufferBytes;
  std::string h, c;
  if (failed(emitBpfSources(f, eo, h, c, info, bi)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(o.dir))
    return f.emitError() << "cannot create " << o.dir << ": " << ec.message();
  const std::string &n = info.name;
  std::string blob(info.params.begin(), info.params.end());
  if (failed(writePackageFile(f, o.dir, n + ".bpf.h", h)) ||
      failed(writePackageFile(f, o.dir, n + ".bpf.c", c)) ||
      failed(writePackageFile(f, o.dir, "lf_fixed_bpf.h",
                              getLfFixedBpfHeader())) ||
      failed(writePackageFile(f, o.dir, n + ".params", blob)))
    return failure();
  if (!o.clang.empty()) {
    auto clang = llvm::sys::findProgramByName(o.clang);
    if (!clang)
      return f.emitError() << "--target bpf: '" << o.clang
                           << "' not found (install clang-19)";
    llvm::SmallString<256> src(o.dir), obj(o.dir), log(o.dir);
    llvm::sys::path::append(src, n + ".bpf.c");
    llvm::sys::path::append(obj, n + ".bpf.o");
    llvm::sys::path::append(log, n + ".bpf.log");
    std::vector<std::string> args = {o.clang,
                                     "-target",
                                     "bpf",
                                     "-O2",
                                     "-g",
                                     "-Wall",
                                     "-Werror",
                                     "-I",
                                     o.dir,
                                     "-idirafter",
                                     LF_BPF_MULTIARCH_INCLUDE};
    if (!o.bpfInclude.empty()) {
      args.push_back("-I");
      args.push_back(o.bpfInclude);
    }
    args.insert(args.end(), {"-c", std::string(src), "-o", std::string(obj)});
    std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
    std::optional<llvm::StringRef> redirects[] = {
        std::nullopt, llvm::StringRef(log), llvm::StringRef(log)};
    std::string err;
    int rc = llvm::sys::ExecuteAndWait(*clang, argRefs, std::nullopt, redirects,
                                       0, 0, &err);
    if (rc != 0) {
      auto text = llvm::MemoryBuffer::getFile(log);
      std::string first = "see " + std::string(log);
      if (text) {
        llvm::SmallVector<llvm::StringRef> lines;
        (*text)->getBuffer().split(lines, '\n', -1, false);
        for (llvm::StringRef l : lines)
          if (l.contains("error")) {
            first = l.trim().str();
            break;
          }
      }
      return f.emitError() << "--target bpf: " << o.clang << " failed on "
                           << src << ": " << (err.empty() ? first : err);
    }
    bi.objInsns = countObjInsns(obj);
  }
  llvm::json::Array layers;
  for (const BpfLayer &l : bi.layers)
    layers.push_back(llvm::json::Object{{"name", l.name},
                                        {"kind", l.kind},
                                        {"macs", l.macs},
                                        {"est_verifier_insns", l.estInsns}});
  llvm::json::Array inFrac, outFrac;
  for (int8_t v : info.inFrac)
    inFrac.push_back(v);
  for (int8_t v : info.outFrac)
    outFrac.push_back(v);
  llvm::json::Object j{
      {"name", n},
      {"target", "bpf"},
      {"arch_hash", llvm::formatv("{0:x16}", info.archHash).str()},
      {"n_in", info.nIn},
      {"n_out", info.nOut},
      {"in_frac", std::move(inFrac)},
      {"out_frac", std::move(outFrac)},
      {"macs", info.macs},
      {"params_bytes", info.paramsBytes},
      {"params_map_bytes", bi.paramsMapBytes},
      {"scratch_bytes", bi.scratchBytes},
      {"stack_bytes_est", bi.stackBytes},
      {"obj_insns", bi.objInsns},
      {"verifier_insns_est", bi.estInsns},
      {"verifier_limit", kBpfInsnLimit},
      {"layers", std::move(layers)},
  };
  std::string js;
  llvm::raw_string_ostream jos(js);
  jos << llvm::formatv("{0:2}", llvm::json::Value(std::move(j))) << "\n";
  return writePackageFile(f, o.dir, n + ".bpf.json", js);
}
