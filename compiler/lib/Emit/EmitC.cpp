//===- EmitC.cpp - fixed-level lf IR -> kernel snapshot C -----------------===//
//
// The emitter walks the single block of the snapshot function in order and
// prints one C statement (a helper call from lf_fixed.h or a small loop
// around one) per op. Every number that depends on weights or internal
// formats goes into struct lf_NAME_params; the code only holds the op
// sequence, shapes and table sizes.
//
// Storage: every tensor is an array of lf_s32 (its fixed type's width only
// sets its saturation bounds). Inputs are read from `in`, constants from the
// params, results that are returned are computed directly into `out` where
// possible, and every other intermediate lives in a local buffer; buffers are
// reused by liveness (an op's result never shares a buffer with its
// operands).
//
//===----------------------------------------------------------------------===//

#include "lfc/EmitC.h"
#include "lfc/Quantize.h"
#include "lfc/Snapshot.h"

#include "lf/LfDialect.h"
#include "lf_float.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::lf;

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

uint64_t mlir::lf::fnv1a64(StringRef s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// Prints `loc` with every file name reduced to its last component: the
/// package records which ONNX node a table comes from, not where the model
/// lay on the build machine (packages are byte-identical from any checkout).
static void printPackageLocation(Location loc, llvm::raw_ostream &os) {
  AttrTypeReplacer r;
  r.addReplacement([](FileLineColLoc l) -> Attribute {
    return FileLineColLoc::get(
        l.getContext(), llvm::sys::path::filename(l.getFilename().getValue()),
        l.getLine(), l.getColumn());
  });
  cast<LocationAttr>(r.replace(Attribute(loc))).print(os);
}

std::string mlir::lf::sanitizeSnapshotName(StringRef name) {
  std::string r;
  for (char ch : name)
    r += (llvm::isAlnum(ch) || ch == '_') ? ch : '_';
  if (r.empty() || llvm::isDigit(r[0]))
    r = "n" + r;
  return r;
}

func::FuncOp mlir::lf::getSnapshotFunc(Operation *op) {
  if (auto f = dyn_cast<func::FuncOp>(op))
    return f;
  func::FuncOp found;
  unsigned n = 0;
  for (Region &r : op->getRegions())
    for (Block &b : r)
      for (auto f : b.getOps<func::FuncOp>()) {
        if (f.isExternal())
          continue;
        found = f;
        ++n;
      }
  if (n != 1) {
    op->emitError() << "expected exactly one func.func with a body (the "
                       "snapshot), found "
                    << n;
    return {};
  }
  return found;
}

namespace {

std::string fmtS64(int64_t v) {
  if (v == INT64_MIN)
    return "LF_S64_MIN";
  if (v == INT64_MAX)
    return "LF_S64_MAX";
  if (v == INT32_MIN)
    return "(-2147483647 - 1)";
  if (v >= INT32_MIN && v <= INT32_MAX)
    return std::to_string(v);
  return std::to_string(v) + "LL";
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

const char *ctypeOf(unsigned size) {
  switch (size) {
  case 1:
    return "lf_s8";
  case 2:
    return "lf_s16";
  case 4:
    return "lf_s32";
  default:
    return "lf_s64";
  }
}

/// One member of struct lf_NAME_params.
struct Field {
  std::string name;
  unsigned size; // bytes per element: 1, 2, 4, 8
  bool array;    // declared as name[count]
  std::vector<int64_t> values;
  std::string comment;
};

struct Loop {
  std::string var;
  int64_t extent;
};

using Term = std::pair<Loop, int64_t>;

/// Index expression sum(var * stride) + base, skipping trivial terms.
std::string indexExpr(ArrayRef<Term> terms, int64_t base = 0) {
  std::string s;
  for (auto &[loop, stride] : terms) {
    if (loop.extent <= 1 || stride == 0)
      continue;
    if (!s.empty())
      s += " + ";
    s += loop.var;
    if (stride != 1)
      s += " * " + std::to_string(stride);
  }
  if (base != 0 || s.empty()) {
    if (!s.empty())
      s += " + ";
    s += std::to_string(base);
  }
  return s;
}
std::string indexExpr(std::initializer_list<Term> terms, int64_t base = 0) {
  return indexExpr(ArrayRef<Term>(terms.begin(), terms.size()), base);
}

static bool w32BroadcastFits(int64_t k, int64_t n, ArrayRef<int64_t> w,
                             ArrayRef<int64_t> b, ArrayRef<int64_t> shift);

class Emitter {
public:
  Emitter(func::FuncOp f, const EmitOptions &o, SnapshotInfo &info)
      : f(f), opts(o), info(info) {}

  LogicalResult run();
  void printHeader(raw_ostream &h);
  void printSource(raw_ostream &c);

private:
  // Analysis state.
  func::FuncOp f;
  const EmitOptions &opts;
  SnapshotInfo &info;
  std::string name, NAME;
  std::vector<Field> fields;
  std::string code;                   // body statements of lf_NAME_infer
  std::vector<std::string> checks;    // lf_NAME_validate() conditions
  std::string checkDecls;             // locals lf_NAME_validate() needs
  llvm::DenseSet<Operation *> fused;  // lf.lut ops emitted with their fc
  std::vector<std::string> lut16Vars; // struct lf_lut16 locals
  std::set<std::string> ints;         // int loop variables used
  bool needAcc = false, needLut = false, usesParams = false;
  unsigned lut32Calls = 0, q16Calls = 0; // lf_lut_s32(), lf_fc_q16() calls
  std::vector<int64_t> pool; // buffer sizes (elements)
  std::vector<bool> poolFree;
  DenseMap<Value, Value> rootOf;
  DenseMap<Value, std::string> ptr;   // root value -> C pointer expression
  DenseMap<Value, int> bufOf;         // root value -> pool index
  DenseMap<Value, int64_t> outPlaced; // root value -> offset in out
  DenseMap<Value, unsigned> lastUse;
  DenseMap<Value, unsigned> valueId; // for the arch string
  std::map<std::string, unsigned> kindCount;
  std::string arch;

  Value root(Value v) {
    auto it = rootOf.find(v);
    return it == rootOf.end() ? v : it->second;
  }
  std::string prefix(StringRef kind) {
    return (kind + Twine(kindCount[kind.str()]++)).str();
  }
  std::string P(StringRef field) {
    usesParams = true;
    return ("p->" + field).str();
  }
  unsigned id(Value v) {
    auto it = valueId.find(root(v));
    return it == valueId.end() ? ~0u : it->second;
  }
  void defineId(Value v) { valueId[v] = valueId.size(); }
  std::string archTensor(Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    auto ft = getFixedElementType(t);
    return shapeStr(t.getShape()) + ":w" +
           std::to_string(ft ? ft.getWidth() : 0);
  }

  LogicalResult addField(Operation *op, std::string fname, unsigned size,
                         bool array, std::vector<int64_t> values,
                         std::string comment = {}) {
    int64_t lo = size == 8 ? INT64_MIN : -(int64_t(1) << (size * 8 - 1));
    int64_t hi = size == 8 ? INT64_MAX : (int64_t(1) << (size * 8 - 1)) - 1;
    for (int64_t v : values)
      if (v < lo || v > hi)
        return op->emitError() << "parameter " << fname << " value " << v
                               << " does not fit " << ctypeOf(size);
    fields.push_back(
        {std::move(fname), size, array, std::move(values), std::move(comment)});
    return success();
  }
  LogicalResult addScalar(Operation *op, std::string fname, unsigned size,
                          int64_t v) {
    return addField(op, std::move(fname), size, false, {v});
  }
  LogicalResult addBounds(Operation *op, const std::string &pre,
                          FixedType out) {
    if (failed(addScalar(op, pre + "_lo", 8, out.getMinInt())) ||
        failed(addScalar(op, pre + "_hi", 8, out.getMaxInt())))
      return failure();
    return success();
  }

  // Statements.
  void line(unsigned depth, const Twine &s) {
    code.append(depth, '\t');
    code += s.str();
    code += '\n';
  }
  /// Opens for-loops for every loop with extent > 1; returns the depth.
  unsigned openLoops(ArrayRef<Loop> loops, unsigned depth) {
    for (const Loop &l : loops) {
      if (l.extent <= 1)
        continue;
      ints.insert(l.var);
      line(depth, "for (" + l.var + " = 0; " + l.var + " < " + Twine(l.extent) +
                      "; " + l.var + "++)");
      ++depth;
    }
    return depth;
  }

  std::string allocate(Value v, int64_t n);
  void release(Value r);

  LogicalResult checkFixed(Operation *op, Value v, FixedType &ft);
  LogicalResult emitOp(Operation *op);
  LogicalResult emitFc(FullyConnectedOp op);
  LogicalResult emitFcAcc32(FullyConnectedOp op, FixedType fi, FixedType fo,
                            ArrayRef<int64_t> w, ArrayRef<int64_t> b,
                            ArrayRef<int64_t> shift, unsigned wbits);
  LutOp fusableLut(FullyConnectedOp op);
  LogicalResult emitFcW32b(FullyConnectedOp op, FixedType fo,
                           ArrayRef<int64_t> w, ArrayRef<int64_t> b,
                           ArrayRef<int64_t> shift);
  LogicalResult addLut16(LutOp lut, std::string &var);
  LogicalResult emitMatMul(MatMulOp op);
  LogicalResult emitBinary(BinaryOp op);
  LogicalResult emitClamp(ClampOp op);
  LogicalResult emitLut(LutOp op);
  LogicalResult emitReduce(ReduceOp op);
  LogicalResult emitConcat(ConcatOp op);
  LogicalResult emitGather(GatherOp op);
  LogicalResult emitConstant(ConstantOp op);
  void buildBlob();
};

std::string Emitter::allocate(Value v, int64_t n) {
  auto placed = outPlaced.find(v);
  if (placed != outPlaced.end()) {
    std::string e = placed->second
                        ? "(out + " + std::to_string(placed->second) + ")"
                        : "out";
    ptr[v] = e;
    return e;
  }
  int best = -1;
  if (opts.reuseBuffers) {
    // Smallest free buffer that fits; else the largest free one (grown).
    for (size_t i = 0; i < pool.size(); ++i) {
      if (!poolFree[i])
        continue;
      if (best < 0) {
        best = i;
        continue;
      }
      bool fitsI = pool[i] >= n, fitsB = pool[best] >= n;
      if (fitsI && (!fitsB || pool[i] < pool[best]))
        best = i;
      else if (!fitsI && !fitsB && pool[i] > pool[best])
        best = i;
    }
  }
  if (best < 0) {
    best = pool.size();
    pool.push_back(n);
    poolFree.push_back(false);
  }
  pool[best] = std::max(pool[best], n);
  poolFree[best] = false;
  bufOf[v] = best;
  std::string e = "b" + std::to_string(best);
  ptr[v] = e;
  return e;
}

void Emitter::release(Value r) {
  auto it = bufOf.find(r);
  if (it != bufOf.end())
    poolFree[it->second] = true;
}

LogicalResult Emitter::checkFixed(Operation *op, Value v, FixedType &ft) {
  ft = getFixedElementType(v.getType());
  if (!ft)
    return op->emitError()
           << "'" << op->getName()
           << "' on a float-level tensor: the C emitter needs fixed-level IR "
              "(run -lf-quantize first)";
  if (ft.getWidth() > 32)
    return op->emitError() << "tensor of " << v.getType()
                           << ": the C emitter stores tensors as 32-bit "
                              "integers; 64-bit formats are not supported";
  return success();
}

LogicalResult Emitter::emitConstant(ConstantOp op) {
  FixedType ft;
  if (failed(checkFixed(op, op.getResult(), ft)))
    return failure();
  auto dense = dyn_cast<DenseIntElementsAttr>(op.getValue());
  if (!dense)
    return op.emitError() << "fixed-level constant must be a dense integer "
                             "attribute";
  std::vector<int64_t> vals;
  for (const APInt &v : dense.getValues<APInt>())
    vals.push_back(v.getSExtValue());
  std::string pre = prefix("c");
  if (failed(addField(op, pre, 4, true, vals,
                      "constant " + archTensor(op.getResult()))))
    return failure();
  ptr[op.getResult()] = P(pre);
  defineId(op.getResult());
  arch += "const:" + archTensor(op.getResult()) + ";";
  return success();
}

LogicalResult Emitter::emitFc(FullyConnectedOp op) {
  FixedType fi, fo;
  if (failed(checkFixed(op, op.getInput(), fi)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t m = in.getDimSize(0), k = in.getDimSize(1);
  int64_t n = op.getOutFeatures();
  auto wAttr = dyn_cast<DenseIntElementsAttr>(op.getWeight());
  auto bAttr = dyn_cast<DenseIntElementsAttr>(op.getBias());
  if (!wAttr || !bAttr || !op.getWeightFrac())
    return op.emitError() << "fixed-level lf.fc needs dense integer weight "
                             "and bias and weight_frac";
  unsigned wbits = wAttr.getType().getElementTypeBitWidth();
  std::vector<int64_t> w, b, shift;
  for (const APInt &v : wAttr.getValues<APInt>())
    w.push_back(v.getSExtValue());
  for (const APInt &v : bAttr.getValues<APInt>())
    b.push_back(v.getSExtValue());
  ArrayRef<int32_t> weightFrac = *op.getWeightFrac();
  for (int32_t wf : weightFrac)
    shift.push_back(int64_t(fi.getFrac()) + wf - fo.getFrac());
  if (op.getAccBits() == 32)
    return emitFcAcc32(op, fi, fo, w, b, shift, wbits);
  if (wbits == 32 && w32BroadcastFits(k, n, w, b, shift))
    return emitFcW32b(op, fo, w, b, shift);
  std::string pre = prefix("fc");
  if (failed(
          addField(op, pre + "_w", wbits / 8, true, w,
                   "weights " + std::to_string(n) + "x" + std::to_string(k))) ||
      failed(addField(op, pre + "_b", 8, true, b)) ||
      failed(addField(op, pre + "_shift", 1, true, shift)) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), m * n);
  line(1, "lf_fc_w" + Twine(wbits) + "(" + x + ", " + Twine(m) + ", " +
              Twine(k) + ", " + Twine(n) + ", " + P(pre + "_w") + ", " +
              P(pre + "_b") + ", " + P(pre + "_shift") + ",");
  line(2, "  " + P(pre + "_lo") + ", " + P(pre + "_hi") + ", " + y + ");");
  info.macs += uint64_t(m) * n * k;
  arch += "fc:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) +
          ":wbits" + std::to_string(wbits) + ";";
  defineId(op.getResult());
  return success();
}

/// The terms of lf_fc_w32b() (lf_fc_w32b_valid() in lf_fixed.h): every
/// shift in 1..62 and |b| + 2^31 sum |w| + 2^(s - 1) < 2^63 per output
/// (sum |w| < 2^32 first, so that nothing overflows 64 bits).
static bool w32BroadcastFits(int64_t k, int64_t n, ArrayRef<int64_t> w,
                             ArrayRef<int64_t> b, ArrayRef<int64_t> shift) {
  for (int64_t o = 0; o < n; ++o) {
    if (shift[o] < 1 || shift[o] > 62 || b[o] == INT64_MIN)
      return false;
    uint64_t sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum +=
          w[o * k + i] < 0 ? -uint64_t(w[o * k + i]) : uint64_t(w[o * k + i]);
    uint64_t babs = b[o] < 0 ? -uint64_t(b[o]) : uint64_t(b[o]);
    uint64_t half = uint64_t(1) << (shift[o] - 1), rest;
    if (sum >= (uint64_t(1) << 32))
      return false;
    rest = (uint64_t(1) << 63) - (sum << 31);
    if (rest <= half || babs >= rest - half)
      return false;
  }
  return true;
}

/// A 32-bit lf.fc in the broadcast layout: lf_fc_w32b() with each weight
/// sign-extended to a 64-bit lane (vpmuldq reads the low half), outputs in
/// blocks of 4, no shifts or tails left in the code and no per-block
/// checks (lf_NAME_validate() checks a pushed blob).
LogicalResult Emitter::emitFcW32b(FullyConnectedOp op, FixedType fo,
                                  ArrayRef<int64_t> w, ArrayRef<int64_t> b,
                                  ArrayRef<int64_t> shift) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t m = in.getDimSize(0), k = in.getDimSize(1);
  int64_t n = op.getOutFeatures(), n4 = (n + 3) & ~int64_t(3);
  std::vector<int64_t> wq(n4 * k, 0), bq(n4, 0), sq(n4, 1);
  for (int64_t o = 0; o < n; ++o) {
    for (int64_t i = 0; i < k; ++i)
      wq[((o >> 2) * k + i) * 4 + (o & 3)] = w[o * k + i];
    bq[o] = b[o];
    sq[o] = shift[o];
  }
  std::string pre = prefix("fc");
  if (failed(addField(op, pre + "_w", 8, true, wq,
                      "weights " + std::to_string(n) + "x" + std::to_string(k) +
                          ", 64-bit lanes in blocks of 4")) ||
      failed(addField(op, pre + "_b", 8, true, bq)) ||
      failed(addField(op, pre + "_shift", 4, true, sq)) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  checks.push_back("\tif (!lf_fc_w32b_valid(" + std::to_string(k) + ", " +
                   std::to_string(n) + ", p->" + pre + "_w, p->" + pre +
                   "_b, p->" + pre + "_shift))");
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), m * n);
  line(1, "lf_fc_w32b(" + x + ", " + Twine(m) + ", " + Twine(k) + ", " +
              Twine(n) + ", " + P(pre + "_w") + ", " + P(pre + "_b") + ", " +
              P(pre + "_shift") + ",");
  line(2, "   " + P(pre + "_lo") + ", " + P(pre + "_hi") + ", " + y + ");");
  info.macs += uint64_t(m) * n * k;
  arch += "fc:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) +
          ":wbits32:bcast;";
  defineId(op.getResult());
  return success();
}

/// The lf.lut that an acc_bits = 32 fc can apply in its registers
/// (lf_lut16 in lf_fixed.h): the fc's only user, not a result itself, a
/// linear table with zero slopes, shift 0..15, 16-bit knots and 16-bit
/// formats; else null.
LutOp Emitter::fusableLut(FullyConnectedOp op) {
  Value r = op.getResult();
  if (!r.hasOneUse() || outPlaced.count(r))
    return {};
  auto lut = dyn_cast<LutOp>(*r.getUsers().begin());
  if (!lut)
    return {};
  auto fo = getFixedElementType(lut.getResult().getType());
  if (!fo || fo.getWidth() > 16 ||
      getFixedElementType(r.getType()).getWidth() > 16)
    return {};
  ArrayRef<int64_t> tab = lut.getTable();
  int64_t sh = static_cast<int32_t>(lut.getShift());
  int64_t start = static_cast<int64_t>(lut.getStart());
  int64_t c = static_cast<int64_t>(lut.getSymConst());
  const int64_t lim = int64_t(1) << 29;
  if (lut.getInterp() != Interpolation::linear || lut.getSlopeBelow() != 0 ||
      lut.getSlopeAbove() != 0 || sh < 0 || sh > 15 || tab.size() < 2 ||
      (int64_t(tab.size() - 1) << sh) > lim || start < -lim || start > lim ||
      c < -lim || c > lim)
    return {};
  for (int64_t v : tab)
    if (v < -32768 || v > 32767)
      return {};
  return lut;
}

/// The params and the C of a fused table: `var` gets a struct lf_lut16
/// filled from them (in lf_NAME_infer and lf_NAME_validate).
LogicalResult Emitter::addLut16(LutOp op, std::string &var) {
  FixedType fo = getFixedElementType(op.getResult().getType());
  std::string pre = prefix("lut");
  std::vector<int64_t> tab(op.getTable().begin(), op.getTable().end());
  int64_t sh = static_cast<int32_t>(op.getShift());
  int64_t n = tab.size();
  tab.push_back(tab.back()); // index n - 1 reads one knot further
  auto sym = op.getSymmetry();
  int64_t symMask = static_cast<int64_t>(sym) != 0 ? -1 : 0;
  int64_t c = static_cast<int64_t>(sym) == 2
                  ? static_cast<int64_t>(op.getSymConst())
                  : 0;
  if (failed(addField(op, pre + "_table", 4, true, tab,
                      "table of " + std::to_string(n) +
                          " knots + the last again")) ||
      failed(addScalar(op, pre + "_span", 4, (n - 1) << sh)) ||
      failed(addScalar(op, pre + "_shift", 4, sh)) ||
      failed(addScalar(op, pre + "_start", 4,
                       static_cast<int64_t>(op.getStart()))) ||
      failed(addScalar(op, pre + "_sym", 4, symMask)) ||
      failed(addScalar(op, pre + "_c", 4, c)) ||
      failed(addScalar(op, pre + "_lo", 4, fo.getMinInt())) ||
      failed(addScalar(op, pre + "_hi", 4, fo.getMaxInt())))
    return failure();
  var = "u" + pre.substr(3);
  std::string fill;
  for (const char *fld :
       {"table", "span", "shift", "start", "sym", "c", "lo", "hi"})
    fill += "\t" + var + "." + fld + " = p->" + pre + "_" + fld + ";\n";
  code += fill;
  usesParams = true;
  checkDecls += "\tstruct lf_lut16 " + var + ";\n";
  checks.push_back("\n" + fill + "\tif (!lf_lut16_valid(&" + var + ", " +
                   std::to_string(n) + "))");
  lut16Vars.push_back(var);
  TableInfo ti;
  ti.field = pre;
  std::string loc;
  llvm::raw_string_ostream ls(loc);
  printPackageLocation(op.getLoc(), ls);
  ti.location = loc;
  ti.size = n;
  if (auto e = op.getMaxError())
    ti.maxError = e->convertToDouble();
  FixedType fi = getFixedElementType(op.getInput().getType());
  ti.inWidth = fi.getWidth();
  ti.outWidth = fo.getWidth();
  ti.inFrac = fi.getFrac();
  ti.outFrac = fo.getFrac();
  info.tables.push_back(ti);
  return success();
}

/// lf.fc with a 32-bit accumulator: lf_fc_q16() (lf_fixed.h) with the
/// weights pre-interleaved for vpmaddwd, the rounding half in the bias, the
/// outputs padded to blocks of 8 and a following table fused where
/// possible. The quantizer's proof is checked again here (and by
/// lf_NAME_validate() for a pushed blob).
LogicalResult Emitter::emitFcAcc32(FullyConnectedOp op, FixedType fi,
                                   FixedType fo, ArrayRef<int64_t> w,
                                   ArrayRef<int64_t> b, ArrayRef<int64_t> shift,
                                   unsigned wbits) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t m = in.getDimSize(0), k = in.getDimSize(1);
  int64_t n = op.getOutFeatures();
  if (wbits > 16 || fi.getWidth() > 16 || fo.getWidth() > 16)
    return op.emitError() << "acc_bits = 32 needs weights, input and result "
                             "of at most 16 bits, got i"
                          << wbits << " weights and " << fi.getWidth()
                          << "-bit, " << fo.getWidth() << "-bit tensors";
  int r = acc32PairShift(k);
  int64_t kp2 = (k + 1) & ~int64_t(1), n8 = (n + 7) & ~int64_t(7);
  std::vector<int64_t> wq(n8 * kp2, 0), bq(n8, 0), sq(n8, 0);
  for (int64_t o = 0; o < n; ++o) {
    int64_t s = shift[o] - r;
    if (s < 0 || s > 31)
      return op.emitError() << "acc_bits = 32: output channel " << o
                            << " needs a shift of " << s << ", outside [0, 31]";
    for (int64_t i = 0; i < k; ++i) {
      int64_t v = w[o * k + i];
      if (v == -32768)
        return op.emitError() << "acc_bits = 32: weight -32768 (output "
                                 "channel "
                              << o << ") can overflow a pair of products";
      wq[((o >> 3) * (kp2 >> 1) + (i >> 1)) * 16 + (o & 7) * 2 + (i & 1)] = v;
    }
    int64_t half = s > 0 ? int64_t(1) << (s - 1) : 0;
    if (b[o] >= (int64_t(1) << 30) - half || b[o] <= -(int64_t(1) << 30))
      return op.emitError()
             << "acc_bits = 32: bias " << b[o] << " of output channel " << o
             << " with its rounding half is not within 2^30";
    bq[o] = b[o] + half;
    sq[o] = s;
  }
  // The same weights for the scalar code (lf_fc_q16_swar): per pair of
  // outputs and input, w[2j][i] + 2^32 w[2j + 1][i].
  int64_t n2 = (n + 1) & ~int64_t(1);
  std::vector<int64_t> wsq(n2 / 2 * kp2, 0);
  for (int64_t o = 0; o < n; ++o)
    for (int64_t i = 0; i < k; ++i)
      wsq[(o >> 1) * kp2 + i] += w[o * k + i] * (o & 1 ? int64_t(1) << 32 : 1);
  std::string pre = prefix("fc");
  if (failed(addField(op, pre + "_w", 2, true, wq,
                      "weights " + std::to_string(n) + "x" + std::to_string(k) +
                          ", vpmaddwd blocks")) ||
      failed(addField(op, pre + "_ws", 8, true, wsq,
                      "the weights as pairs of outputs (SWAR)")) ||
      failed(addField(op, pre + "_b", 4, true, bq, "bias + rounding half")) ||
      failed(addField(op, pre + "_shift", 4, true, sq)) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  checks.push_back("lf_fc_q16_valid(" + std::to_string(k) + ", " +
                   std::to_string(n) + ", p->" + pre + "_w, p->" + pre +
                   "_ws,\n\t\t\t     p->" + pre + "_b, p->" + pre +
                   "_shift, p->" + pre + "_lo, p->" + pre + "_hi))");
  checks.back() = "\tif (!" + checks.back();
  std::string x = ptr[root(op.getInput())];
  std::string tbl = "NULL";
  Value res = op.getResult();
  LutOp lut = fusableLut(op);
  if (lut) {
    std::string var;
    if (failed(addLut16(lut, var)))
      return failure();
    tbl = "&" + var;
    fused.insert(lut);
    res = lut.getResult();
  }
  std::string y = allocate(res, m * n);
  ++q16Calls;
  line(1, "lf_fc_q16(" + x + ", " + Twine(m) + ", " + Twine(k) + ", " +
              Twine(n) + ", " + Twine(r) + ", " + P(pre + "_w") + ", " +
              P(pre + "_ws") + ",");
  line(2, "  " + P(pre + "_b") + ", " + P(pre + "_shift") + ", " +
              P(pre + "_lo") + ", " + P(pre + "_hi") + ", " + tbl + ", " + y +
              ");");
  info.macs += uint64_t(m) * n * k;
  arch += "fc:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) +
          ":wbits" + std::to_string(wbits) + ":acc32;";
  defineId(op.getResult());
  if (lut) {
    arch += "lut:v" + std::to_string(id(lut.getInput())) + ":" +
            archTensor(lut.getInput()) + "->" + archTensor(lut.getResult()) +
            ":n" + std::to_string(lut.getTable().size()) + ":fused;";
    defineId(lut.getResult());
  }
  return success();
}

LogicalResult Emitter::emitMatMul(MatMulOp op) {
  FixedType fa, fb, fo;
  if (failed(checkFixed(op, op.getLhs(), fa)) ||
      failed(checkFixed(op, op.getRhs(), fb)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  auto a = cast<RankedTensorType>(op.getLhs().getType());
  auto b = cast<RankedTensorType>(op.getRhs().getType());
  int64_t r = a.getRank();
  int64_t batch = 1;
  for (int64_t d = 0; d + 2 < r; ++d)
    batch *= a.getDimSize(d);
  int64_t m = a.getDimSize(r - 2), k = a.getDimSize(r - 1),
          n = b.getDimSize(r - 1);
  std::string pre = prefix("mm");
  if (failed(addScalar(op, pre + "_s", 4,
                       int64_t(fa.getFrac()) + fb.getFrac() - fo.getFrac())) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  std::string pa = ptr[root(op.getLhs())], pb = ptr[root(op.getRhs())];
  std::string y = allocate(op.getResult(), batch * m * n);
  line(1, "lf_matmul(" + pa + ", " + pb + ", " + Twine(batch) + ", " +
              Twine(m) + ", " + Twine(k) + ", " + Twine(n) + ", " +
              P(pre + "_s") + ",");
  line(2, "  " + P(pre + "_lo") + ", " + P(pre + "_hi") + ", " + y + ");");
  info.macs += uint64_t(batch) * m * n * k;
  arch += "matmul:v" + std::to_string(id(op.getLhs())) + ",v" +
          std::to_string(id(op.getRhs())) + ":" + archTensor(op.getLhs()) +
          "," + archTensor(op.getRhs()) + "->" + archTensor(op.getResult()) +
          ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitBinary(BinaryOp op) {
  FixedType fa, fb, fo;
  if (failed(checkFixed(op, op.getLhs(), fa)) ||
      failed(checkFixed(op, op.getRhs(), fb)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  std::string pre = prefix("bin");
  std::string call;
  std::string A = "A", B = "B"; // placeholders, replaced below
  int64_t ia = fa.getFrac(), ib = fb.getFrac(), io = fo.getFrac();
  BinaryKind kind = op.getKind();
  switch (kind) {
  case BinaryKind::add:
  case BinaryKind::sub: {
    // Common format C: as fine as the finer operand, but the coarser one is
    // never shifted left by more than 31 bits; if the fracs differ by more
    // than 31, the finer operand gets a rounded right pre-shift (la or lb
    // negative, see lf_add() in lf_fixed.h).
    int64_t C = std::min(std::max(ia, ib), std::min(ia, ib) + 31);
    if (failed(addScalar(op, pre + "_la", 4, C - ia)) ||
        failed(addScalar(op, pre + "_lb", 4, C - ib)) ||
        failed(addScalar(op, pre + "_s", 4, C - io)))
      return failure();
    break;
  }
  case BinaryKind::mul:
    if (failed(addScalar(op, pre + "_s", 4, ia + ib - io)))
      return failure();
    break;
  case BinaryKind::div:
    if (failed(addScalar(op, pre + "_s", 4, ia - ib - io)))
      return failure();
    break;
  }
  if (failed(addBounds(op, pre, fo)))
    return failure();

  auto ta = cast<RankedTensorType>(op.getLhs().getType());
  auto tb = cast<RankedTensorType>(op.getRhs().getType());
  auto to = cast<RankedTensorType>(op.getResult().getType());
  ArrayRef<int64_t> so = to.getShape();
  size_t rank = so.size();
  auto aligned = [&](ArrayRef<int64_t> s) {
    SmallVector<int64_t> r(rank, 1);
    for (size_t i = 0; i < s.size(); ++i)
      r[rank - s.size() + i] = s[i];
    return r;
  };
  SmallVector<int64_t> sa = aligned(ta.getShape()), sb = aligned(tb.getShape());
  // Merge dims where both operands are full or broadcast alike.
  struct Dim {
    int64_t size;
    bool fullA, fullB;
  };
  SmallVector<Dim> dims;
  for (size_t d = 0; d < rank; ++d) {
    if (so[d] == 1)
      continue;
    bool fa_ = sa[d] != 1, fb_ = sb[d] != 1;
    if (!dims.empty() && dims.back().fullA == fa_ && dims.back().fullB == fb_)
      dims.back().size *= so[d];
    else
      dims.push_back({so[d], fa_, fb_});
  }
  // Strides (row-major) of the merged dims for out, a, b.
  SmallVector<std::pair<Loop, int64_t>> to_, ta_, tb_;
  SmallVector<Loop> loops;
  int64_t strO = 1, strA = 1, strB = 1;
  SmallVector<int64_t> stO(dims.size()), stA(dims.size()), stB(dims.size());
  for (int64_t d = dims.size() - 1; d >= 0; --d) {
    stO[d] = strO;
    strO *= dims[d].size;
    stA[d] = dims[d].fullA ? strA : 0;
    if (dims[d].fullA)
      strA *= dims[d].size;
    stB[d] = dims[d].fullB ? strB : 0;
    if (dims[d].fullB)
      strB *= dims[d].size;
  }
  for (size_t d = 0; d < dims.size(); ++d) {
    std::string var = dims.size() == 1 ? "i" : "d" + std::to_string(d);
    Loop l{var, dims[d].size};
    loops.push_back(l);
    to_.push_back({l, stO[d]});
    ta_.push_back({l, stA[d]});
    tb_.push_back({l, stB[d]});
  }
  std::string pa = ptr[root(op.getLhs())], pb = ptr[root(op.getRhs())];
  std::string y = allocate(op.getResult(), to.getNumElements());
  std::string ea = pa + "[" + indexExpr(ta_) + "]";
  std::string eb = pb + "[" + indexExpr(tb_) + "]";
  std::string lohi = P(pre + "_lo") + ", " + P(pre + "_hi");
  unsigned depth = openLoops(loops, 1);
  std::string cont = "\n" + std::string(depth + 2, '\t');
  std::string rhs;
  switch (kind) {
  case BinaryKind::add:
  case BinaryKind::sub:
    rhs = std::string(kind == BinaryKind::add ? "lf_add(" : "lf_sub(") + ea +
          ", " + P(pre + "_la") + ", " + eb + ", " + P(pre + "_lb") + "," +
          cont + P(pre + "_s") + ", " + lohi + ")";
    break;
  case BinaryKind::mul:
    rhs = "lf_mul(" + ea + ", " + eb + ", " + P(pre + "_s") + "," + cont +
          lohi + ")";
    info.macs += to.getNumElements();
    break;
  case BinaryKind::div:
    rhs = "lf_div(" + ea + ", " + eb + ", " + P(pre + "_s") + "," + cont +
          lohi + ")";
    info.macs += to.getNumElements();
    break;
  }
  line(depth, y + "[" + indexExpr(to_) + "] = (lf_s32)" + rhs + ";");
  arch += std::string("binary.") + stringifyBinaryKind(kind).str() + ":v" +
          std::to_string(id(op.getLhs())) + ",v" +
          std::to_string(id(op.getRhs())) + ":" + archTensor(op.getLhs()) +
          "," + archTensor(op.getRhs()) + "->" + archTensor(op.getResult()) +
          ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitClamp(ClampOp op) {
  FixedType fi, fo;
  if (failed(checkFixed(op, op.getInput(), fi)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  // Real bounds quantized into the input format (lf_quantize semantics:
  // round to nearest, ties away from zero, saturate into the storage).
  int64_t qmin = lf_quantize_double(op.getMin().convertToDouble(), fi.getFrac(),
                                    fi.getWidth());
  int64_t qmax = lf_quantize_double(op.getMax().convertToDouble(), fi.getFrac(),
                                    fi.getWidth());
  std::string pre = prefix("clamp");
  if (failed(addScalar(op, pre + "_min", 8, qmin)) ||
      failed(addScalar(op, pre + "_max", 8, qmax)) ||
      failed(
          addScalar(op, pre + "_s", 4, int64_t(fi.getFrac()) - fo.getFrac())) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  int64_t n = cast<RankedTensorType>(op.getType()).getNumElements();
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), n);
  Loop l{"i", n};
  unsigned depth = openLoops(l, 1);
  std::string idx = indexExpr({{l, 1}});
  line(depth, y + "[" + idx + "] = (lf_s32)lf_requant(lf_sat(" + x + "[" + idx +
                  "], " + P(pre + "_min") + ", " + P(pre + "_max") + "),");
  line(depth + 2,
       P(pre + "_s") + ", " + P(pre + "_lo") + ", " + P(pre + "_hi") + ");");
  arch += "clamp:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) + ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitLut(LutOp op) {
  FixedType fi, fo;
  if (failed(checkFixed(op, op.getInput(), fi)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  std::string pre = prefix("lut");
  ArrayRef<int64_t> table = op.getTable();
  std::vector<int64_t> tab(table.begin(), table.end());
  if (failed(addField(op, pre + "_table", 4, true, tab,
                      "table of " + std::to_string(tab.size()) + " knots")) ||
      failed(addScalar(op, pre + "_start", 8,
                       static_cast<int64_t>(op.getStart()))) ||
      failed(addScalar(op, pre + "_sym_const", 8,
                       static_cast<int64_t>(op.getSymConst()))) ||
      failed(addScalar(op, pre + "_slope_below", 8,
                       static_cast<int64_t>(op.getSlopeBelow()))) ||
      failed(addScalar(op, pre + "_slope_above", 8,
                       static_cast<int64_t>(op.getSlopeAbove()))) ||
      failed(addScalar(op, pre + "_shift", 4,
                       static_cast<int32_t>(op.getShift()))) ||
      failed(addScalar(op, pre + "_linear", 4,
                       op.getInterp() == Interpolation::linear)) ||
      failed(addScalar(op, pre + "_symmetry", 4,
                       static_cast<int64_t>(op.getSymmetry()))) ||
      failed(addScalar(op, pre + "_slope_frac", 4,
                       static_cast<int32_t>(op.getSlopeFrac()))) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  needLut = true;
  ++lut32Calls;
  line(1, "t.table = " + P(pre + "_table") + ";");
  line(1, "t.n = " + Twine(tab.size()) + ";");
  for (const char *fld : {"shift", "start", "linear", "symmetry", "sym_const",
                          "slope_below", "slope_above", "slope_frac"})
    line(1, Twine("t.") + fld + " = " + P(pre + "_" + fld) + ";");
  int64_t n = cast<RankedTensorType>(op.getType()).getNumElements();
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), n);
  // The whole tensor in one call: lf_lut_s32() evaluates 8 elements at a
  // time with AVX2 where available (same integers as lf_lut_eval()).
  line(1, "lf_lut_s32(&t, " + x + ", " + Twine(n) + ", " + P(pre + "_lo") +
              ", " + P(pre + "_hi") + ", " + y + ");");
  TableInfo ti;
  ti.field = pre;
  std::string loc;
  llvm::raw_string_ostream ls(loc);
  printPackageLocation(op.getLoc(), ls);
  ti.location = loc;
  ti.size = tab.size();
  if (auto e = op.getMaxError())
    ti.maxError = e->convertToDouble();
  ti.inWidth = fi.getWidth();
  ti.outWidth = fo.getWidth();
  ti.inFrac = fi.getFrac();
  ti.outFrac = fo.getFrac();
  info.tables.push_back(ti);
  arch += "lut:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) + ":n" +
          std::to_string(tab.size()) + ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitReduce(ReduceOp op) {
  FixedType fi, fo;
  if (failed(checkFixed(op, op.getInput(), fi)) ||
      failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  std::string pre = prefix("red");
  if (failed(
          addScalar(op, pre + "_s", 4, int64_t(fi.getFrac()) - fo.getFrac())) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  int64_t outer = 1, inner = 1, len = in.getDimSize(axis);
  for (int64_t d = 0; d < axis; ++d)
    outer *= in.getDimSize(d);
  for (int64_t d = axis + 1; d < in.getRank(); ++d)
    inner *= in.getDimSize(d);
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), outer * inner);
  needAcc = true;
  Loop li{"i", outer}, lk{"k", inner}, lj{"j", len};
  unsigned depth = openLoops({li, lk}, 1);
  bool braces = depth > 1;
  if (braces)
    code.back() = ' ', code += "{\n";
  bool isMax = op.getKind() == ReduceKind::max;
  std::string first = x + "[" + indexExpr({{li, len * inner}, {lk, 1}}) + "]";
  std::string elem =
      x + "[" + indexExpr({{li, len * inner}, {lj, inner}, {lk, 1}}) + "]";
  if (isMax) {
    line(depth, "acc = " + first + ";");
    if (len > 1) {
      ints.insert("j");
      line(depth, "for (j = 1; j < " + Twine(len) + "; j++)");
      line(depth + 1, "if (" + elem + " > acc)");
      line(depth + 2, "acc = " + elem + ";");
    }
  } else {
    line(depth, "acc = 0;");
    unsigned d2 = openLoops(lj, depth);
    line(d2, "acc += " + elem + ";");
  }
  line(depth, y + "[" + indexExpr({{li, inner}, {lk, 1}}) +
                  "] = (lf_s32)lf_requant(acc, " + P(pre + "_s") + ", " +
                  P(pre + "_lo") + ",");
  line(depth + 4, P(pre + "_hi") + ");");
  if (braces)
    line(depth - 1, "}");
  arch += std::string("reduce.") + (isMax ? "max" : "sum") + ":v" +
          std::to_string(id(op.getInput())) + ":" + archTensor(op.getInput()) +
          "->" + archTensor(op.getResult()) + ":axis" + std::to_string(axis) +
          ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitConcat(ConcatOp op) {
  FixedType fo;
  if (failed(checkFixed(op, op.getResult(), fo)))
    return failure();
  std::vector<int64_t> shifts;
  for (Value v : op.getInputs()) {
    FixedType fi;
    if (failed(checkFixed(op, v, fi)))
      return failure();
    shifts.push_back(int64_t(fi.getFrac()) - fo.getFrac());
  }
  std::string pre = prefix("cat");
  if (failed(addField(op, pre + "_s", 4, true, shifts)) ||
      failed(addBounds(op, pre, fo)))
    return failure();
  auto out = cast<RankedTensorType>(op.getType());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  int64_t outer = 1, inner = 1, total = out.getDimSize(axis);
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.getDimSize(d);
  for (int64_t d = axis + 1; d < out.getRank(); ++d)
    inner *= out.getDimSize(d);
  std::vector<std::string> xs;
  for (Value v : op.getInputs())
    xs.push_back(ptr[root(v)]);
  std::string y = allocate(op.getResult(), out.getNumElements());
  int64_t off = 0;
  std::string archIn;
  for (auto [t, v] : llvm::enumerate(op.getInputs())) {
    int64_t a = cast<RankedTensorType>(v.getType()).getDimSize(axis);
    Loop li{"i", outer}, lj{"j", a * inner};
    unsigned depth = openLoops({li, lj}, 1);
    line(depth, y + "[" +
                    indexExpr({{li, total * inner}, {lj, 1}}, off * inner) +
                    "] = (lf_s32)lf_requant(" + xs[t] + "[" +
                    indexExpr({{li, a * inner}, {lj, 1}}) + "],");
    line(depth + 2, P(pre + "_s") + "[" + Twine(t) + "], " + P(pre + "_lo") +
                        ", " + P(pre + "_hi") + ");");
    off += a;
    archIn += (t ? ",v" : "v") + std::to_string(id(v)) + ":" + archTensor(v);
  }
  arch += "concat:" + archIn + "->" + archTensor(op.getResult()) + ":axis" +
          std::to_string(axis) + ";";
  defineId(op.getResult());
  return success();
}

/// y[i] = x[idx[i]]: a copy in the input's format (transpose, slice,
/// gather, expand). The index map is a parameter array; its FNV-1a hash
/// is part of the architecture (a new map needs new code, not a push).
LogicalResult Emitter::emitGather(GatherOp op) {
  ArrayRef<int64_t> idx = op.getIndices();
  std::string pre = prefix("gather");
  if (failed(addField(op, pre + "_i", 4, true,
                      std::vector<int64_t>(idx.begin(), idx.end()))))
    return failure();
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int64_t i : idx) {
    hash ^= uint64_t(i);
    hash *= 0x100000001b3ull;
  }
  int64_t n = cast<RankedTensorType>(op.getType()).getNumElements();
  std::string x = ptr[root(op.getInput())];
  std::string y = allocate(op.getResult(), n);
  Loop l{"i", n};
  unsigned depth = openLoops(l, 1);
  line(depth, y + "[" + indexExpr({{l, 1}}) + "] = " + x + "[" +
                  P(pre + "_i") + "[" + indexExpr({{l, 1}}) + "]];");
  arch += "gather:v" + std::to_string(id(op.getInput())) + ":" +
          archTensor(op.getInput()) + "->" + archTensor(op.getResult()) +
          ":h" + llvm::utohexstr(hash) + ";";
  defineId(op.getResult());
  return success();
}

LogicalResult Emitter::emitOp(Operation *op) {
  if (auto c = dyn_cast<ConstantOp>(op))
    return emitConstant(c);
  if (auto o = dyn_cast<FullyConnectedOp>(op))
    return emitFc(o);
  if (auto o = dyn_cast<MatMulOp>(op))
    return emitMatMul(o);
  if (auto o = dyn_cast<BinaryOp>(op))
    return emitBinary(o);
  if (auto o = dyn_cast<ClampOp>(op))
    return emitClamp(o);
  if (auto o = dyn_cast<LutOp>(op))
    return fused.count(o) ? success() : emitLut(o);
  if (auto o = dyn_cast<ReduceOp>(op))
    return emitReduce(o);
  if (auto o = dyn_cast<ConcatOp>(op))
    return emitConcat(o);
  if (auto o = dyn_cast<GatherOp>(op))
    return emitGather(o);
  if (isa<ActivationOp, SoftmaxOp>(op))
    return op->emitError() << "'" << op->getName()
                           << "' must be lowered by -lf-lower-activations "
                              "first (the C emitter needs fixed-level IR)";
  return op->emitError() << "'" << op->getName()
                         << "' is not supported by the C emitter";
}

LogicalResult Emitter::run() {
  name = sanitizeSnapshotName(opts.name.empty() ? f.getSymName().str()
                                                : opts.name);
  NAME = StringRef(name).upper();
  if (std::string why; failed(checkSnapshotName(name, why)))
    return f.emitError() << "snapshot name '" << name
                         << "' cannot be used: " << why
                         << "; choose another --name";
  info = SnapshotInfo();
  info.name = name;
  info.bits = 0;
  if (!f.getBody().hasOneBlock())
    return f.emitError() << "snapshot function must have a single block";
  Block &block = f.getBody().front();
  auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
  if (!ret)
    return f.emitError() << "snapshot function must end in func.return";

  // Ops the emitter does not know (a leftover float-level activation or
  // softmax, ...) first: they explain any boundary error that follows.
  for (Operation &op : block)
    if (!isa<QuantizeOp, DequantizeOp, ConstantOp, FullyConnectedOp, MatMulOp,
             BinaryOp, ClampOp, LutOp, ReduceOp, ConcatOp, ReshapeOp,
             GatherOp, func::ReturnOp>(op))
      return emitOp(&op);

  auto names = [&](StringRef attr, size_t i, StringRef dflt) -> std::string {
    if (auto a = f->getAttrOfType<ArrayAttr>(attr))
      if (i < a.size())
        if (auto s = dyn_cast<StringAttr>(a[i]))
          return s.str();
    return (dflt + Twine(i)).str();
  };

  // Inputs: each argument -> one lf.quantize.
  int64_t inOff = 0;
  for (BlockArgument arg : block.getArguments()) {
    if (!arg.hasOneUse())
      return f.emitError() << "argument " << arg.getArgNumber()
                           << " must have exactly one use (an lf.quantize)";
    auto q = dyn_cast<QuantizeOp>(*arg.getUsers().begin());
    if (!q)
      return f.emitError() << "argument " << arg.getArgNumber()
                           << " must be used by an lf.quantize";
    FixedType ft;
    if (failed(checkFixed(q, q.getResult(), ft)))
      return failure();
    auto t = cast<RankedTensorType>(q.getType());
    TensorInfo ti{
        names("lf.input_names", arg.getArgNumber(), "in"),
        std::vector<int64_t>(t.getShape().begin(), t.getShape().end()),
        ft.getFrac(), ft.getWidth()};
    ptr[q.getResult()] = inOff ? "(in + " + std::to_string(inOff) + ")" : "in";
    inOff += t.getNumElements();
    for (int64_t i = 0; i < t.getNumElements(); ++i)
      info.inFrac.push_back(ft.getFrac());
    if (ft.getFrac() < -128 || ft.getFrac() > 127)
      return q.emitError() << "input frac out of the s8 range";
    info.bits = std::max(info.bits, ft.getWidth());
    defineId(q.getResult());
    arch += "in:" + shapeStr(t.getShape()) + ":w" +
            std::to_string(ft.getWidth()) + ":f" +
            std::to_string(ft.getFrac()) + ";";
    info.inputs.push_back(ti);
  }
  info.nIn = inOff;

  // Aliases: reshape and dequantize results share their input's storage.
  for (Operation &op : block) {
    if (auto r = dyn_cast<ReshapeOp>(op))
      rootOf[r.getResult()] = root(r.getInput());
    else if (auto d = dyn_cast<DequantizeOp>(op))
      rootOf[d.getResult()] = root(d.getInput());
  }

  // Outputs: each return operand comes from an lf.dequantize; results of
  // compute ops that are returned are computed in place in `out`.
  int64_t outOff = 0;
  std::vector<int64_t> outOffsets;
  std::vector<bool> outCopy;
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto d = v.getDefiningOp<DequantizeOp>();
    if (!d)
      return ret.emitError()
             << "result " << i << " must come from an lf.dequantize";
    FixedType ft;
    if (failed(checkFixed(d, d.getInput(), ft)))
      return failure();
    auto t = cast<RankedTensorType>(d.getInput().getType());
    TensorInfo ti{
        names("lf.output_names", i, "out"),
        std::vector<int64_t>(t.getShape().begin(), t.getShape().end()),
        ft.getFrac(), ft.getWidth()};
    Value r = root(d.getInput());
    Operation *def = r.getDefiningOp();
    bool compute = def && isa<FullyConnectedOp, MatMulOp, BinaryOp, ClampOp,
                              LutOp, ReduceOp, ConcatOp>(def);
    bool copy = true;
    if (compute && !outPlaced.count(r)) {
      outPlaced[r] = outOff;
      copy = false;
    }
    outOffsets.push_back(outOff);
    outCopy.push_back(copy);
    outOff += t.getNumElements();
    for (int64_t k = 0; k < t.getNumElements(); ++k)
      info.outFrac.push_back(ft.getFrac());
    if (ft.getFrac() < -128 || ft.getFrac() > 127)
      return d.emitError() << "output frac out of the s8 range";
    info.bits = std::max(info.bits, ft.getWidth());
    info.outputs.push_back(ti);
  }
  info.nOut = outOff;
  if (info.bits == 0)
    info.bits = 32;

  // Liveness: last op index using each root.
  unsigned idx = 0;
  std::vector<Operation *> ops;
  for (Operation &op : block) {
    for (Value v : op.getOperands())
      lastUse[root(v)] = idx;
    ops.push_back(&op);
    ++idx;
  }

  for (auto [i, op] : llvm::enumerate(ops)) {
    if (isa<QuantizeOp, ReshapeOp, DequantizeOp>(op))
      continue;
    if (auto r = dyn_cast<func::ReturnOp>(op)) {
      for (auto [k, v] : llvm::enumerate(r.getOperands())) {
        Value rt = root(v);
        if (!outCopy[k])
          continue;
        int64_t n = info.outputs[k].numElements();
        Loop l{"i", n};
        unsigned depth = openLoops(l, 1);
        line(depth, "out[" + indexExpr({{l, 1}}, outOffsets[k]) +
                        "] = " + ptr[rt] + "[" + indexExpr({{l, 1}}) + "];");
      }
      continue;
    }
    if (failed(emitOp(op)))
      return failure();
    // Free buffers whose last use was this op (and dead results).
    for (Value v : op->getOperands())
      if (lastUse.lookup(root(v)) == i)
        release(root(v));
    for (Value v : op->getResults())
      if (!lastUse.count(v))
        release(v);
  }
  for (auto [k, ti] : llvm::enumerate(info.outputs))
    arch += "out:v" + std::to_string(id(ret.getOperand(k))) + ":" +
            shapeStr(ti.shape) + ":w" + std::to_string(ti.width) + ":f" +
            std::to_string(ti.frac) + ";";

  info.bufferBytes = 0;
  for (int64_t s : pool)
    info.bufferBytes += 4 * s;
  if (info.bufferBytes > opts.maxBufferBytes)
    return f.emitError() << "the net is too wide for the kernel stack: its "
                            "intermediate buffers need "
                         << info.bufferBytes
                         << " bytes after buffer reuse, the limit is "
                         << opts.maxBufferBytes
                         << " (make the layers narrower)";
  // The frames of both kernel objects (scalar NAME.o and NAME_avx2.o, every
  // helper inlined, the kernel's flags: stack protector, auto-var-init,
  // 8-byte stack alignment) measured with -fstack-usage on nets of 1-6
  // hidden layers and widths 5-256 at 16 and 32 bits lie within buffers +
  // 250..950 bytes; the AVX2 object grows with the widest row (packed
  // copies, spills), every 32-bit table (its broadcast constants) and every
  // 16-bit layer.  The estimate bounds them with a margin of 48 bytes or more
  // (test/kbuild/stack_usage.sh).
  int64_t widest = 0; // the caller's in/out arrays are not on this stack
  for (int64_t s : pool)
    widest = std::max(widest, s);
  info.stackBytes = info.bufferBytes + opts.helperStackBytes + 2 * widest +
                    64 * static_cast<uint64_t>(lut32Calls + q16Calls);
  if (info.stackBytes > opts.maxStackBytes)
    return f.emitError() << "the net is too wide for the kernel stack: lf_"
                         << name << "_infer needs about " << info.stackBytes
                         << " bytes of stack (buffers " << info.bufferBytes
                         << " + helpers), over the kernel's "
                         << opts.maxStackBytes
                         << "-byte frame warning (make the layers narrower)";
  info.archString = "lf-arch-1;" + arch;
  info.archHash = fnv1a64(info.archString);
  if (fields.empty())
    fields.push_back({"unused", 4, false, {0}, "no parameters"});
  buildBlob();
  return success();
}

void Emitter::buildBlob() {
  std::vector<uint8_t> &blob = info.params;
  blob.clear();
  unsigned maxAlign = 1;
  for (const Field &fl : fields) {
    maxAlign = std::max(maxAlign, fl.size);
    while (blob.size() % fl.size)
      blob.push_back(0);
    for (int64_t v : fl.values) {
      uint64_t u = static_cast<uint64_t>(v);
      for (unsigned b = 0; b < fl.size; ++b)
        blob.push_back(static_cast<uint8_t>(u >> (8 * b))); // little endian
    }
  }
  while (blob.size() % maxAlign)
    blob.push_back(0);
  info.paramsBytes = blob.size();
}

void Emitter::printHeader(raw_ostream &h) {
  std::string guard = "LF_SNAP_" + NAME + "_H";
  h << "/* SPDX-License-Identifier: GPL-2.0 */\n"
    << "/*\n * " << name
    << ".h - LiteFlow snapshot (generated by lfc; do not edit).\n"
    << " * arch "
    << llvm::format("0x%016llx", (unsigned long long)info.archHash) << ", "
    << info.macs << " MACs, " << info.stackBytes << " stack bytes.\n"
    << " */\n"
    << "#ifndef " << guard << "\n#define " << guard << "\n\n"
    << "#include \"lf_fixed.h\"\n\n";
  h << "#define LF_" << NAME << "_N_IN " << info.nIn << "\n";
  h << "#define LF_" << NAME << "_N_OUT " << info.nOut << "\n";
  h << "#define LF_" << NAME << "_STACK_BYTES " << info.stackBytes << "\n";
  h << "#define LF_" << NAME << "_PARAMS_BYTES " << info.paramsBytes << "\n";
  h << "#define LF_" << NAME << "_ARCH_HASH "
    << llvm::format("0x%016llxULL", (unsigned long long)info.archHash)
    << "\n\n";
  h << "/* Every numeric parameter; a weight push replaces the whole blob. "
       "*/\n";
  h << "struct lf_" << name << "_params {\n";
  for (const Field &fl : fields) {
    h << "\t" << ctypeOf(fl.size) << " " << fl.name;
    if (fl.array)
      h << "[" << fl.values.size() << "]";
    h << ";";
    if (!fl.comment.empty())
      h << "\t/* " << fl.comment << " */";
    h << "\n";
  }
  h << "};\n\n";
  h << "extern const struct lf_" << name << "_params lf_" << name
    << "_params;\n";
  h << "extern const lf_s8 lf_" << name << "_in_frac[" << std::max(1u, info.nIn)
    << "];\n";
  h << "extern const lf_s8 lf_" << name << "_out_frac["
    << std::max(1u, info.nOut) << "];\n\n";
  h << "int lf_" << name
    << "_infer(const void *params, const lf_s32 *in, lf_s32 *out);\n";
  h << "/* 0 when a parameter blob keeps the code's promises (accumulator "
       "bounds,\n * shifts), else -EINVAL: check a pushed blob once. */\n";
  h << "int lf_" << name << "_validate(const void *params);\n";
  h << "/* n queries: in is n x N_IN, out n x N_OUT; stops at an error. */\n";
  h << "int lf_" << name
    << "_infer_batch(const void *params, const lf_s32 *in, lf_s32 *out,\n"
    << "\t\tunsigned int n);\n";
  h << "#ifdef __KERNEL__\n/* The module glue's batched query (NAME_mod.c). */\n"
    << "int lf_" << name
    << "_query_batch(const void *params, const s32 *in, s32 *out,\n"
    << "\t\tunsigned int n);\n#endif\n\n";
  h << "#endif /* " << guard << " */\n";
}

static void printList(raw_ostream &c, ArrayRef<int64_t> vals, unsigned indent) {
  std::string ln;
  bool first = true;
  for (size_t i = 0; i < vals.size(); ++i) {
    std::string item = fmtS64(vals[i]) + (i + 1 < vals.size() ? "," : "");
    if (!first && ln.size() + 1 + item.size() + 8 * indent > 78) {
      c << std::string(indent, '\t') << ln << "\n";
      ln.clear();
      first = true;
    }
    ln += (first ? "" : " ") + item;
    first = false;
  }
  if (!ln.empty())
    c << std::string(indent, '\t') << ln << "\n";
}

void Emitter::printSource(raw_ostream &c) {
  c << "// SPDX-License-Identifier: GPL-2.0\n"
    << "/*\n * " << name
    << ".c - LiteFlow snapshot (generated by lfc; do not edit).\n"
    << " * arch: " << info.archString << "\n */\n"
    << "#include \"" << name << ".h\"\n\n";
  // NAME_avx2.c (kernel packages) includes this file again with
  // LF_NAME_AVX2_TU defined and lf_NAME_infer renamed: only the inference
  // is built twice, the parameters once.
  c << "#ifndef LF_" << NAME << "_AVX2_TU\n";
  c << "_Static_assert(sizeof(struct lf_" << name
    << "_params) == " << info.paramsBytes << ", \"params layout\");\n\n";
  c << "const struct lf_" << name << "_params lf_" << name << "_params = {\n";
  for (const Field &fl : fields) {
    if (!fl.array) {
      c << "\t." << fl.name << " = " << fmtS64(fl.values[0]) << ",\n";
      continue;
    }
    c << "\t." << fl.name << " = {\n";
    printList(c, fl.values, 2);
    c << "\t},\n";
  }
  c << "};\n\n";
  auto fracs = [&](StringRef which, ArrayRef<int8_t> v) {
    c << "const lf_s8 lf_" << name << "_" << which << "_frac["
      << std::max<size_t>(1, v.size()) << "] = {\n";
    std::vector<int64_t> vals(v.begin(), v.end());
    if (vals.empty())
      vals.push_back(0);
    printList(c, vals, 1);
    c << "};\n\n";
  };
  fracs("in", info.inFrac);
  fracs("out", info.outFrac);
  c << "int lf_" << name << "_validate(const void *params)\n{\n";
  if (checks.empty()) {
    c << "\t(void)params;\n\treturn 0;\n}\n\n";
  } else {
    c << "\tconst struct lf_" << name << "_params *p = params;\n"
      << checkDecls << "\n";
    for (const std::string &chk : checks)
      c << (chk[0] == '\n' ? chk.substr(1) : chk) << "\n\t\treturn -EINVAL;\n";
    c << "\treturn 0;\n}\n\n";
  }
  c << "#endif /* LF_" << NAME << "_AVX2_TU */\n\n";

  std::string decls;
  {
    llvm::raw_string_ostream d(decls);
    d << "\tconst struct lf_" << name << "_params *p = params;\n";
    for (size_t i = 0; i < pool.size(); ++i)
      d << "\tlf_s32 b" << i << "[" << pool[i] << "] LF_NOINIT;\n";
    if (needLut)
      d << "\tstruct lf_lut t LF_NOINIT;\n";
    for (const std::string &v : lut16Vars)
      d << "\tstruct lf_lut16 " << v << " LF_NOINIT;\n";
    if (needAcc)
      d << "\tlf_s64 acc;\n";
    if (!ints.empty()) {
      d << "\tint ";
      bool first = true;
      for (const std::string &v : ints) {
        d << (first ? "" : ", ") << v;
        first = false;
      }
      d << ";\n";
    }
    d << "\n";
    if (!usesParams)
      d << "\t(void)p;\n";
    if (info.nIn == 0)
      d << "\t(void)in;\n";
  }
  // Userspace builds (the twin) choose AVX2 at run time: the inference is
  // printed a second time, calling the AVX2 helpers directly so that they
  // are inlined with their constant sizes (a helper that dispatches cannot
  // be inlined into an AVX2 function by GCC).  The kernel's NAME_avx2.o is
  // this file built with -mavx2 instead (LF_INFER_ATTR flattens it there).
  std::string simdCode = code;
  bool simd = false;
  for (const char *fn : {"lf_fc_w32(", "lf_fc_w32b(", "lf_fc_w16(",
                         "lf_fc_q16(", "lf_lut_s32("}) {
    std::string from = fn, to = from.substr(0, from.size() - 1) + "_avx2(";
    for (size_t at = simdCode.find(from); at != std::string::npos;
         at = simdCode.find(from, at + to.size())) {
      simdCode.replace(at, from.size(), to);
      simd = true;
    }
  }
  std::string sig = "(const void *params, const lf_s32 *in, lf_s32 *out)";
  if (simd) {
    c << "#ifdef LF_AVX2_DISPATCH\n";
    c << "/* The inference below with the AVX2 helpers inlined (same "
         "integers). */\n";
    c << "LF_AVX2_INFER int lf_" << name << "_infer_avx2rt" << sig << "\n{\n";
    c << decls << simdCode << "\treturn 0;\n}\n";
    c << "#endif\n\n";
  }
  c << "LF_INFER_ATTR int lf_" << name << "_infer" << sig << "\n{\n";
  c << decls;
  if (simd)
    c << "#ifdef LF_AVX2_DISPATCH\n\tif (lf_avx2_usable())\n\t\treturn lf_"
      << name << "_infer_avx2rt(params, in, out);\n#endif\n";
  c << code;
  c << "\treturn 0;\n}\n\n";
  // The batched entry: one call for n queries (the kernel glue wraps it in
  // one kernel_fpu_begin/end per chunk, see Snapshot.cpp).
  c << "int lf_" << name
    << "_infer_batch(const void *params, const lf_s32 *in, lf_s32 *out,\n"
    << "\t\tunsigned int n)\n{\n"
    << "\tunsigned int i;\n\tint ret;\n\n"
    << "\tfor (i = 0; i < n; i++) {\n"
    << "\t\tret = lf_" << name << "_infer(params, in + i * " << info.nIn
    << ", out + i * " << info.nOut << ");\n"
    << "\t\tif (ret)\n\t\t\treturn ret;\n\t}\n\treturn 0;\n}\n";
}

} // namespace

LogicalResult mlir::lf::analyzeSnapshot(func::FuncOp f, const EmitOptions &o,
                                        SnapshotInfo &info) {
  Emitter e(f, o, info);
  return e.run();
}

LogicalResult mlir::lf::emitSnapshotC(func::FuncOp f, const EmitOptions &o,
                                      raw_ostream &c, raw_ostream &h,
                                      SnapshotInfo &info) {
  Emitter e(f, o, info);
  if (failed(e.run()))
    return failure();
  e.printHeader(h);
  e.printSource(c);
  return success();
}
