//===- OnnxImport.cpp - ONNX model to float-level lf MLIR -----------------===//
//
// MLIR-facing half of the importer (no exceptions). Walks the nodes of a
// loaded lfc::onnx::Model in order, tracks for every ONNX value either an SSA
// value or its constant contents (initializers, Constant nodes and the results
// of folding shape arithmetic), and emits float-level lf ops.
//
//===----------------------------------------------------------------------===//

#include "ImportModel.h"

#include "lf/LfDialect.h"
#include "lf/ShapeUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::lf;
using OnnxAttr = lfc::onnx::Attribute;
using lfc::onnx::Model;
using lfc::onnx::Node;
using lfc::onnx::Tensor;
namespace ox = lfc::onnx;

/// "Infinity" for clamps that are open on one side (a float32 maximum).
static constexpr double kLarge = 3.4e38;
/// Largest Toeplitz matrix a 1-D convolution may unroll into.
static constexpr int64_t kMaxUnrolledConv = int64_t(1) << 24;

namespace {

using Shape = SmallVector<int64_t>;

static int64_t product(ArrayRef<int64_t> s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

static std::string shapeStr(ArrayRef<int64_t> s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// Elementwise op on constant data with broadcasting.
static std::vector<double> broadcastApply(const Tensor &a, const Tensor &b,
                                          ArrayRef<int64_t> out,
                                          double (*fn)(double, double)) {
  auto sa = broadcastStrides(a.dims, out), sb = broadcastStrides(b.dims, out);
  int64_t n = product(out);
  std::vector<double> r(n);
  SmallVector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < out.size(); ++d) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    r[i] = fn(a.values[ia], b.values[ib]);
    for (int64_t d = out.size() - 1; d >= 0; --d) {
      if (++idx[d] < out[d])
        break;
      idx[d] = 0;
    }
  }
  return r;
}

static bool isFloatType(int32_t dt) {
  return dt == ox::DT_FLOAT || dt == ox::DT_DOUBLE || dt == ox::DT_FLOAT16;
}

/// An ONNX value during import: an SSA value, constant contents, or both.
struct Val {
  Value v;
  std::shared_ptr<const Tensor> c;
  Shape shape() const {
    if (v)
      return Shape(cast<RankedTensorType>(v.getType()).getShape());
    return Shape(c->dims.begin(), c->dims.end());
  }
  bool isConst() const { return c != nullptr; }
};

class Importer {
public:
  Importer(const Model &m, StringRef file, MLIRContext &ctx,
           const OnnxImportOptions &opts)
      : m(m), ctx(ctx), b(&ctx), opts(opts),
        fileLoc(
            FileLineColLoc::get(&ctx, file.empty() ? "<onnx>" : file, 0, 0)),
        loc(fileLoc) {}

  OwningOpRef<ModuleOp> run();

private:
  const Model &m;
  MLIRContext &ctx;
  OpBuilder b;
  const OnnxImportOptions &opts;
  Location fileLoc;
  Location loc;
  const Node *node = nullptr;
  std::string nodeLabel;
  llvm::StringMap<Val> vals;
  llvm::StringMap<const Tensor *> initByName;
  llvm::StringSet<> used; ///< names read by a node or a graph output

  //===--- diagnostics ---===//
  InFlightDiagnostic err() {
    auto d = emitError(loc);
    if (node)
      d << "node '" << nodeLabel << "' (" << node->opType << "): ";
    return d;
  }

  //===--- types and constants ---===//
  RankedTensorType ft(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  std::shared_ptr<Tensor> makeConst(ArrayRef<int64_t> dims,
                                    std::vector<double> values,
                                    int32_t dt = ox::DT_FLOAT) {
    auto t = std::make_shared<Tensor>();
    t->name = node ? node->outputs.empty() ? nodeLabel : node->outputs[0]
                   : std::string("constant");
    t->dataType = dt;
    t->dims.assign(dims.begin(), dims.end());
    t->values = std::move(values);
    t->decoded = true;
    return t;
  }
  Value constantOp(ArrayRef<int64_t> dims, ArrayRef<double> values) {
    SmallVector<float> f(values.begin(), values.end());
    auto type = ft(dims);
    return b.create<ConstantOp>(
        loc, type, DenseElementsAttr::get(type, ArrayRef<float>(f)));
  }
  /// A scalar constant shaped to broadcast against a tensor of `rank`.
  Value scalarConst(double v, int64_t rank) {
    Shape s(rank > 0 ? 1 : 0, 1);
    return constantOp(s, {v});
  }
  DenseElementsAttr denseF32(ArrayRef<int64_t> dims, ArrayRef<double> values) {
    SmallVector<float> f(values.begin(), values.end());
    return DenseElementsAttr::get(ft(dims), ArrayRef<float>(f));
  }

  /// Checks that constant data can be used as float32 tensor data.
  LogicalResult checkFloatData(const Tensor &t) {
    if (!t.decoded) {
      err() << "tensor '" << t.name << "' " << t.decodeError;
      return failure();
    }
    if (t.dataType != ox::DT_FLOAT) {
      err() << "tensor '" << t.name << "' has element type "
            << ox::dataTypeName(t.dataType)
            << "; lfc supports float32 tensors only";
      return failure();
    }
    return success();
  }
  /// The SSA value of `val`, creating an lf.constant for constant data.
  FailureOr<Value> materialize(Val &val) {
    if (val.v)
      return val.v;
    if (failed(checkFloatData(*val.c)))
      return failure();
    val.v = constantOp(val.c->dims, val.c->values);
    return val.v;
  }

  //===--- node inputs and outputs ---===//
  bool hasInput(size_t i) {
    return i < node->inputs.size() && !node->inputs[i].empty();
  }
  FailureOr<Val *> input(size_t i) {
    if (!hasInput(i)) {
      err() << "missing input " << i;
      return failure();
    }
    auto it = vals.find(node->inputs[i]);
    if (it == vals.end()) {
      err() << "input '" << node->inputs[i]
            << "' is not defined (not a graph input, an initializer or an "
               "earlier node's output)";
      return failure();
    }
    return &it->second;
  }
  FailureOr<Value> runtimeInput(size_t i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    return materialize(**v);
  }
  /// A constant input (initializer, Constant node or folded value).
  FailureOr<const Tensor *> constInput(size_t i, StringRef what) {
    auto v = input(i);
    if (failed(v))
      return failure();
    if (!(*v)->c) {
      err() << what << " (input '" << node->inputs[i]
            << "') must be a constant or an initializer";
      return failure();
    }
    const Tensor *t = (*v)->c.get();
    if (!t->decoded) {
      err() << "tensor '" << t->name << "' " << t->decodeError;
      return failure();
    }
    return t;
  }
  FailureOr<const Tensor *> constFloatInput(size_t i, StringRef what) {
    auto t = constInput(i, what);
    if (failed(t) || failed(checkFloatData(**t)))
      return failure();
    return t;
  }
  FailureOr<std::vector<int64_t>> constIntsInput(size_t i, StringRef what) {
    auto t = constInput(i, what);
    if (failed(t))
      return failure();
    if (isFloatType((*t)->dataType)) {
      err() << what << " must hold integers";
      return failure();
    }
    return std::vector<int64_t>((*t)->values.begin(), (*t)->values.end());
  }
  LogicalResult setOutput(size_t i, Value v) {
    if (i < node->outputs.size() && !node->outputs[i].empty())
      vals[node->outputs[i]] = Val{v, nullptr};
    return success();
  }
  LogicalResult setConstOutput(size_t i, std::shared_ptr<const Tensor> t) {
    if (i < node->outputs.size() && !node->outputs[i].empty())
      vals[node->outputs[i]] = Val{Value(), std::move(t)};
    return success();
  }
  /// Fails if output `i` (an unsupported extra output) is used.
  LogicalResult requireUnused(size_t i, StringRef what) {
    if (i < node->outputs.size() && !node->outputs[i].empty() &&
        used.contains(node->outputs[i])) {
      err() << what << " (output '" << node->outputs[i]
            << "') is not supported";
      return failure();
    }
    return success();
  }

  //===--- attributes ---===//
  FailureOr<int64_t> intAttr(StringRef name, int64_t def) {
    const OnnxAttr *a = node->attr(name.str());
    if (!a)
      return def;
    if (a->type != ox::AT_INT) {
      err() << "attribute '" << name << "' must be an int";
      return failure();
    }
    return a->i;
  }
  FailureOr<double> floatAttr(StringRef name, double def) {
    const OnnxAttr *a = node->attr(name.str());
    if (!a)
      return def;
    if (a->type != ox::AT_FLOAT) {
      err() << "attribute '" << name << "' must be a float";
      return failure();
    }
    if (!std::isfinite(a->f)) {
      err() << "attribute '" << name << "' is not finite";
      return failure();
    }
    return a->f;
  }
  FailureOr<std::vector<int64_t>> intsAttr(StringRef name,
                                           std::vector<int64_t> def) {
    const OnnxAttr *a = node->attr(name.str());
    if (!a)
      return def;
    if (a->type != ox::AT_INTS) {
      err() << "attribute '" << name << "' must be a list of ints";
      return failure();
    }
    return a->ints;
  }
  FailureOr<std::string> stringAttr(StringRef name, StringRef def) {
    const OnnxAttr *a = node->attr(name.str());
    if (!a)
      return def.str();
    if (a->type != ox::AT_STRING) {
      err() << "attribute '" << name << "' must be a string";
      return failure();
    }
    return a->s;
  }
  /// Normalizes axis `a` for a rank `rank` (valid range [-rank, rank)).
  FailureOr<int64_t> normAxis(int64_t a, int64_t rank,
                              StringRef what = "axis") {
    if (a < -rank || a >= rank) {
      err() << what << " " << a << " is out of range for rank " << rank;
      return failure();
    }
    return a < 0 ? a + rank : a;
  }

  //===--- op helpers ---===//
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    if (cast<RankedTensorType>(v.getType()).getShape() == shape)
      return v;
    return b.create<ReshapeOp>(loc, ft(shape), v);
  }
  FailureOr<Value> binary(BinaryKind kind, Value l, Value r) {
    auto ls = cast<RankedTensorType>(l.getType()).getShape();
    auto rs = cast<RankedTensorType>(r.getType()).getShape();
    auto s = broadcastShapes(ls, rs);
    if (failed(s)) {
      err() << "operand shapes " << shapeStr(ls) << " and " << shapeStr(rs)
            << " do not broadcast";
      return failure();
    }
    return b
        .create<BinaryOp>(loc, ft(*s), BinaryKindAttr::get(&ctx, kind), l, r)
        .getResult();
  }
  Value activation(ActivationKind kind, Value x, double alpha = 0,
                   double beta = 0, double gamma = 0) {
    return b.create<ActivationOp>(
        loc, x.getType(), ActivationKindAttr::get(&ctx, kind), x,
        b.getF64FloatAttr(alpha), b.getF64FloatAttr(beta),
        b.getF64FloatAttr(gamma));
  }
  Value clamp(Value x, double lo, double hi) {
    return b.create<ClampOp>(loc, x.getType(), x, b.getF64FloatAttr(lo),
                             b.getF64FloatAttr(hi));
  }
  Value fc(Value x, ArrayRef<int64_t> wDims, ArrayRef<double> w,
           ArrayRef<double> bias) {
    int64_t m = cast<RankedTensorType>(x.getType()).getDimSize(0);
    return b.create<FullyConnectedOp>(loc, ft({m, wDims[0]}), x,
                                      denseF32(wDims, w),
                                      denseF32({wDims[0]}, bias),
                                      /*weight_frac=*/nullptr, uint32_t(64));
  }
  /// Broadcasts `v` to `shape` (same rank) by adding zeros.
  Value broadcastTo(Value v, ArrayRef<int64_t> shape) {
    if (cast<RankedTensorType>(v.getType()).getShape() == shape)
      return v;
    Value z = constantOp(shape, std::vector<double>(product(shape), 0.0));
    return b.create<BinaryOp>(loc, ft(shape),
                              BinaryKindAttr::get(&ctx, BinaryKind::add), v, z);
  }
  /// Transposes a 2-D run-time value whose transpose is a reshape (one
  /// dimension is 1); fails otherwise.
  FailureOr<Value> transpose2D(Value v, StringRef what) {
    auto s = cast<RankedTensorType>(v.getType()).getShape();
    if (s[0] != 1 && s[1] != 1) {
      err() << "transposing the run-time " << what << " " << shapeStr(s)
            << " is not supported (lf has no transpose); make it an "
               "initializer";
      return failure();
    }
    return reshape(v, {s[1], s[0]});
  }

  //===--- per-op import ---===//
  LogicalResult importNode();
  LogicalResult importGemm();
  LogicalResult importMatMul();
  LogicalResult importBinary(BinaryKind kind);
  LogicalResult importActivation(ActivationKind kind, double alpha, double beta,
                                 double gamma);
  LogicalResult importClip();
  LogicalResult importSoftmax(bool log);
  LogicalResult importFlatten();
  LogicalResult importReshape();
  LogicalResult importConcat();
  LogicalResult importBatchNorm();
  LogicalResult importConv();
  LogicalResult importConstant();
  LogicalResult importSqueeze(bool unsqueeze);
  LogicalResult importDropout();
  LogicalResult importShape();
  LogicalResult importGather();
  LogicalResult importCast();
  LogicalResult importPRelu();
  LogicalResult importReduce(ReduceKind kind);
  LogicalResult reshapeTo(Val &in, ArrayRef<int64_t> shape);

  LogicalResult setupInputs(func::FuncOp &f, SmallVectorImpl<Type> &argTypes,
                            SmallVectorImpl<OnnxAttr *> &);
};

//===----------------------------------------------------------------------===//
// Module construction
//===----------------------------------------------------------------------===//

static std::string sanitize(StringRef name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty())
    return "model";
  if (std::isdigit(static_cast<unsigned char>(s[0])))
    s = "_" + s;
  return s;
}

OwningOpRef<ModuleOp> Importer::run() {
  ctx.loadDialect<LfDialect, func::FuncDialect>();

  // Model-wide checks on initializers: external data and non-finite values.
  for (const Tensor &t : m.initializers) {
    initByName[t.name] = &t;
    if (t.external) {
      emitError(fileLoc) << "initializer '" << t.name << "' " << t.decodeError;
      return nullptr;
    }
    if (t.decoded && isFloatType(t.dataType))
      for (double v : t.values)
        if (!std::isfinite(v)) {
          emitError(fileLoc) << "initializer '" << t.name << "' contains "
                             << (std::isnan(v) ? "NaN" : "Inf")
                             << "; lfc needs finite weights";
          return nullptr;
        }
  }
  for (const Node &n : m.nodes)
    for (const std::string &in : n.inputs)
      used.insert(in);
  for (const auto &o : m.outputs)
    used.insert(o.name);

  // Arguments: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const ox::ValueInfo &vi : m.inputs) {
    if (initByName.count(vi.name))
      continue;
    auto inErr = [&]() -> InFlightDiagnostic {
      return emitError(fileLoc) << "input '" << vi.name << "' ";
    };
    if (!vi.isTensor) {
      inErr() << "is not a tensor";
      return nullptr;
    }
    if (vi.elemType != ox::DT_FLOAT) {
      inErr() << "has element type " << ox::dataTypeName(vi.elemType)
              << "; lfc supports float32 tensors only";
      return nullptr;
    }
    if (!vi.hasShape) {
      inErr() << "has no shape; lfc needs static shapes";
      return nullptr;
    }
    Shape shape;
    for (size_t d = 0; d < vi.dims.size(); ++d) {
      const ox::Dim &dim = vi.dims[d];
      if (!dim.known || dim.value < 0) {
        if (d == 0) { // the batch: one sample at a time
          shape.push_back(1);
          continue;
        }
        auto diag = inErr() << "has a dynamic dimension " << d;
        if (!dim.param.empty())
          diag << " ('" << dim.param << "')";
        diag << "; only the first (batch) dimension may be dynamic";
        return nullptr;
      }
      if (dim.value == 0) {
        inErr() << "has an empty dimension " << d;
        return nullptr;
      }
      shape.push_back(dim.value);
    }
    argTypes.push_back(ft(shape));
    argNames.push_back(vi.name);
  }
  for (const Tensor &t : m.initializers)
    vals[t.name] =
        Val{Value(),
            std::shared_ptr<const Tensor>(std::shared_ptr<const Tensor>(), &t)};

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  std::string name =
      opts.funcName.empty() ? sanitize(m.graphName) : opts.funcName;
  // The result types are known only at the end; start with none.
  auto func =
      b.create<func::FuncOp>(fileLoc, name, b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  for (auto [i, n] : llvm::enumerate(argNames))
    vals[n] = Val{entry->getArgument(i), nullptr};

  for (size_t i = 0; i < m.nodes.size(); ++i) {
    node = &m.nodes[i];
    nodeLabel = node->name.empty() ? "#" + std::to_string(i) : node->name;
    loc = FusedLoc::get(
        &ctx,
        {NameLoc::get(b.getStringAttr(nodeLabel + " (" + node->opType + ")")),
         fileLoc});
    if (failed(importNode()))
      return nullptr;
  }
  node = nullptr;
  loc = fileLoc;

  SmallVector<Value> results;
  SmallVector<std::string> outNames;
  for (const ox::ValueInfo &vi : m.outputs) {
    auto it = vals.find(vi.name);
    if (it == vals.end()) {
      emitError(fileLoc) << "output '" << vi.name << "' is not produced by "
                         << "any node";
      return nullptr;
    }
    if (vi.isTensor && vi.elemType != ox::DT_FLOAT &&
        vi.elemType != ox::DT_UNDEFINED) {
      emitError(fileLoc) << "output '" << vi.name << "' has element type "
                         << ox::dataTypeName(vi.elemType)
                         << "; lfc supports float32 tensors only";
      return nullptr;
    }
    if (!it->second.v && failed(checkFloatData(*it->second.c)))
      return nullptr;
    auto v = materialize(it->second);
    if (failed(v))
      return nullptr;
    results.push_back(*v);
    outNames.push_back(vi.name);
  }
  if (results.empty()) {
    emitError(fileLoc) << "graph has no outputs";
    return nullptr;
  }
  b.create<func::ReturnOp>(fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  SmallVector<mlir::Attribute> inAttr, outAttr;
  for (auto &n : argNames)
    inAttr.push_back(b.getStringAttr(n));
  for (auto &n : outNames)
    outAttr.push_back(b.getStringAttr(n));
  func->setAttr("lf.input_names", b.getArrayAttr(inAttr));
  func->setAttr("lf.output_names", b.getArrayAttr(outAttr));
  func->setAttr("lf.opset", b.getI64IntegerAttr(m.opset));

  // Drop constants that ended up unused (e.g. materialized for a fold).
  SmallVector<Operation *> dead;
  for (Operation &op : llvm::reverse(*entry))
    if (isa<ConstantOp>(op) && op.use_empty())
      dead.push_back(&op);
  for (Operation *op : dead)
    op->erase();

  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported module does not "
                          "verify";
    return nullptr;
  }
  return module;
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNode() {
  const std::string &op = node->opType;
  if (!node->domain.empty() && node->domain != "ai.onnx") {
    err() << "op domain '" << node->domain << "' is not supported";
    return failure();
  }
  if (op == "Gemm")
    return importGemm();
  if (op == "MatMul")
    return importMatMul();
  if (op == "Add")
    return importBinary(BinaryKind::add);
  if (op == "Sub")
    return importBinary(BinaryKind::sub);
  if (op == "Mul")
    return importBinary(BinaryKind::mul);
  if (op == "Div")
    return importBinary(BinaryKind::div);
  if (op == "Relu") {
    auto x = runtimeInput(0);
    if (failed(x))
      return failure();
    return setOutput(0, clamp(*x, 0.0, kLarge));
  }
  if (op == "LeakyRelu") {
    auto a = floatAttr("alpha", 0.01);
    if (failed(a))
      return failure();
    return importActivation(ActivationKind::leaky_relu, *a, 0, 0);
  }
  if (op == "Tanh")
    return importActivation(ActivationKind::tanh, 0, 0, 0);
  if (op == "Sigmoid")
    return importActivation(ActivationKind::sigmoid, 0, 0, 0);
  if (op == "Exp")
    return importActivation(ActivationKind::exp, 0, 0, 0);
  if (op == "Softplus")
    return importActivation(ActivationKind::softplus, 0, 0, 0);
  if (op == "Softsign")
    return importActivation(ActivationKind::softsign, 0, 0, 0);
  if (op == "Erf")
    return importActivation(ActivationKind::erf, 0, 0, 0);
  if (op == "Abs")
    return importActivation(ActivationKind::abs, 0, 0, 0);
  if (op == "HardSwish")
    return importActivation(ActivationKind::hard_swish, 0, 0, 0);
  if (op == "Log")
    return importActivation(ActivationKind::log, 0, 0, 0);
  if (op == "HardSigmoid") {
    auto a = floatAttr("alpha", 0.2), be = floatAttr("beta", 0.5);
    if (failed(a) || failed(be))
      return failure();
    return importActivation(ActivationKind::hard_sigmoid, *a, *be, 0);
  }
  if (op == "Elu") {
    auto a = floatAttr("alpha", 1.0);
    if (failed(a))
      return failure();
    if (*a < 0) {
      err() << "attribute 'alpha' must be non-negative, got " << *a;
      return failure();
    }
    return importActivation(ActivationKind::elu, *a, 0, 0);
  }
  if (op == "Selu") {
    auto a = floatAttr("alpha", 1.67326319217681884765625);
    auto g = floatAttr("gamma", 1.05070102214813232421875);
    if (failed(a) || failed(g))
      return failure();
    if (*a < 0) {
      err() << "attribute 'alpha' must be non-negative, got " << *a;
      return failure();
    }
    return importActivation(ActivationKind::selu, *a, 0, *g);
  }
  if (op == "Neg") {
    auto x = runtimeInput(0);
    if (failed(x))
      return failure();
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    auto r = binary(BinaryKind::mul, *x, scalarConst(-1.0, rank));
    return failed(r) ? failure() : setOutput(0, *r);
  }
  if (op == "PRelu")
    return importPRelu();
  if (op == "Clip")
    return importClip();
  if (op == "Softmax")
    return importSoftmax(/*log=*/false);
  if (op == "LogSoftmax")
    return importSoftmax(/*log=*/true);
  if (op == "Identity") {
    auto in = input(0);
    if (failed(in))
      return failure();
    if (node->outputs.size() == 1 && !node->outputs[0].empty())
      vals[node->outputs[0]] = **in;
    return success();
  }
  if (op == "Dropout")
    return importDropout();
  if (op == "Flatten")
    return importFlatten();
  if (op == "Reshape")
    return importReshape();
  if (op == "Concat")
    return importConcat();
  if (op == "BatchNormalization")
    return importBatchNorm();
  if (op == "Conv")
    return importConv();
  if (op == "Constant")
    return importConstant();
  if (op == "Squeeze")
    return importSqueeze(false);
  if (op == "Unsqueeze")
    return importSqueeze(true);
  if (op == "Shape")
    return importShape();
  if (op == "Gather")
    return importGather();
  if (op == "Cast")
    return importCast();
  if (op == "ReduceSum")
    return importReduce(ReduceKind::sum);
  if (op == "ReduceMax")
    return importReduce(ReduceKind::max);
  err() << "unsupported op '" << op << "'";
  return failure();
}

//===----------------------------------------------------------------------===//
// Gemm and MatMul
//===----------------------------------------------------------------------===//

LogicalResult Importer::importGemm() {
  auto alphaOr = floatAttr("alpha", 1.0), betaOr = floatAttr("beta", 1.0);
  auto transAOr = intAttr("transA", 0), transBOr = intAttr("transB", 0);
  if (failed(alphaOr) || failed(betaOr) || failed(transAOr) || failed(transBOr))
    return failure();
  double alpha = *alphaOr, beta = *betaOr;
  if ((*transAOr != 0 && *transAOr != 1) ||
      (*transBOr != 0 && *transBOr != 1)) {
    err() << "attributes 'transA' and 'transB' must be 0 or 1";
    return failure();
  }
  bool transA = *transAOr, transB = *transBOr;
  auto aIn = input(0), bIn = input(1);
  if (failed(aIn) || failed(bIn))
    return failure();
  Shape as = (*aIn)->shape(), bs = (*bIn)->shape();
  if (as.size() != 2 || bs.size() != 2) {
    err() << "A and B must be 2-D, got " << shapeStr(as) << " and "
          << shapeStr(bs);
    return failure();
  }
  int64_t M = transA ? as[1] : as[0], K = transA ? as[0] : as[1];
  int64_t KB = transB ? bs[1] : bs[0], N = transB ? bs[0] : bs[1];
  if (K != KB) {
    err() << "inner dimensions differ: A " << shapeStr(as)
          << (transA ? "^T" : "") << ", B " << shapeStr(bs)
          << (transB ? "^T" : "");
    return failure();
  }
  // A as an M x K value.
  Value a;
  if ((*aIn)->c && transA) {
    const Tensor &t = *(*aIn)->c;
    if (failed(checkFloatData(t)))
      return failure();
    std::vector<double> d(M * K);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t k = 0; k < K; ++k)
        d[i * K + k] = t.values[k * M + i];
    a = constantOp({M, K}, d);
  } else {
    auto av = materialize(**aIn);
    if (failed(av))
      return failure();
    a = *av;
    if (transA) {
      auto t = transpose2D(a, "input A");
      if (failed(t))
        return failure();
      a = *t;
    }
  }
  // C, if any.
  Val *cIn = nullptr;
  if (hasInput(2)) {
    auto c = input(2);
    if (failed(c))
      return failure();
    cIn = *c;
    Shape cs = cIn->shape();
    auto bc = broadcastShapes(cs, {M, N});
    if (failed(bc) || *bc != Shape{M, N}) {
      err() << "C " << shapeStr(cs) << " does not broadcast to " << M << "x"
            << N;
      return failure();
    }
  }
  Value y;
  bool cDone = false;
  if ((*bIn)->c) {
    const Tensor &t = *(*bIn)->c;
    if (failed(checkFloatData(t)))
      return failure();
    std::vector<double> w(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] =
            alpha * (transB ? t.values[n * K + k] : t.values[k * N + n]);
    std::vector<double> bias(N, 0.0);
    // A constant C that does not vary along M becomes the bias.
    if (cIn && cIn->c) {
      const Tensor &c = *cIn->c;
      if (failed(checkFloatData(c)))
        return failure();
      Shape cs(c.dims.begin(), c.dims.end());
      bool rowsOnly = cs.size() < 2 || cs[0] == 1;
      if (rowsOnly) {
        int64_t cn = cs.empty() ? 1 : cs.back();
        for (int64_t n = 0; n < N; ++n)
          bias[n] = beta * c.values[cn == 1 ? 0 : n];
        cDone = true;
      }
    }
    y = fc(a, {N, K}, w, bias);
  } else {
    auto bv = materialize(**bIn);
    if (failed(bv))
      return failure();
    Value bm = *bv;
    if (transB) {
      auto t = transpose2D(bm, "input B");
      if (failed(t))
        return failure();
      bm = *t;
    }
    y = b.create<MatMulOp>(loc, ft({M, N}), a, bm);
    if (alpha != 1.0) {
      auto r = binary(BinaryKind::mul, y, scalarConst(alpha, 2));
      if (failed(r))
        return failure();
      y = *r;
    }
  }
  if (cIn && !cDone) {
    Value c;
    if (cIn->c) {
      if (failed(checkFloatData(*cIn->c)))
        return failure();
      std::vector<double> d(cIn->c->values);
      for (double &v : d)
        v *= beta;
      c = constantOp(cIn->c->dims, d);
    } else {
      auto cv = materialize(*cIn);
      if (failed(cv))
        return failure();
      c = *cv;
      if (beta != 1.0) {
        auto r = binary(
            BinaryKind::mul, c,
            scalarConst(beta, cast<RankedTensorType>(c.getType()).getRank()));
        if (failed(r))
          return failure();
        c = *r;
      }
    }
    if (beta != 0.0 || !cIn->c) {
      auto r = binary(BinaryKind::add, y, c);
      if (failed(r))
        return failure();
      y = *r;
    }
  }
  return setOutput(0, y);
}

LogicalResult Importer::importMatMul() {
  auto aIn = input(0), bIn = input(1);
  if (failed(aIn) || failed(bIn))
    return failure();
  Shape as = (*aIn)->shape(), bs = (*bIn)->shape();
  if (as.empty() || bs.empty()) {
    err() << "operands must have rank >= 1";
    return failure();
  }
  auto av = materialize(**aIn);
  if (failed(av))
    return failure();
  int64_t K = as.back();
  int64_t KB = bs.size() == 1 ? bs[0] : bs[bs.size() - 2];
  if (K != KB) {
    err() << "contraction dimensions differ: " << shapeStr(as) << " x "
          << shapeStr(bs);
    return failure();
  }
  // A constant 1-D or 2-D rhs: a fully connected layer over the rows of A.
  if ((*bIn)->c && bs.size() <= 2) {
    const Tensor &t = *(*bIn)->c;
    if (failed(checkFloatData(t)))
      return failure();
    int64_t N = bs.size() == 1 ? 1 : bs[1];
    std::vector<double> w(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] = t.values[k * N + n];
    int64_t rows = product(as) / K;
    Value x = reshape(*av, {rows, K});
    Value y = fc(x, {N, K}, w, std::vector<double>(N, 0.0));
    Shape out(as.begin(), as.end() - 1);
    if (bs.size() == 2)
      out.push_back(N);
    return setOutput(0, reshape(y, out));
  }
  auto bv = materialize(**bIn);
  if (failed(bv))
    return failure();
  // General case: numpy matmul semantics over lf.matmul.
  Shape a2 = as, b2 = bs;
  if (a2.size() == 1)
    a2.insert(a2.begin(), 1);
  if (b2.size() == 1)
    b2.push_back(1);
  int64_t M = a2[a2.size() - 2], N = b2.back();
  auto batch = broadcastShapes(ArrayRef<int64_t>(a2).drop_back(2),
                               ArrayRef<int64_t>(b2).drop_back(2));
  if (failed(batch)) {
    err() << "batch dimensions of " << shapeStr(as) << " and " << shapeStr(bs)
          << " do not broadcast";
    return failure();
  }
  auto expand = [&](Value v, ArrayRef<int64_t> s2, int64_t r, int64_t c) {
    Shape full(batch->size() - (s2.size() - 2), 1);
    full.append(s2.begin(), s2.end());
    Value x = reshape(v, full);
    Shape target(*batch);
    target.push_back(r);
    target.push_back(c);
    return broadcastTo(x, target);
  };
  Value a = expand(*av, a2, M, K), bm = expand(*bv, b2, K, N);
  Shape rs(*batch);
  rs.push_back(M);
  rs.push_back(N);
  Value y = b.create<MatMulOp>(loc, ft(rs), a, bm);
  if (rs.size() == 2 && (*batch).empty() && as.size() >= 2 && bs.size() >= 2)
    return setOutput(0, y);
  Shape out(*batch);
  if (as.size() > 1)
    out.push_back(M);
  if (bs.size() > 1)
    out.push_back(N);
  return setOutput(0, reshape(y, out));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static double opAdd(double a, double b) { return a + b; }
static double opSub(double a, double b) { return a - b; }
static double opMul(double a, double b) { return a * b; }
static double opDiv(double a, double b) { return a / b; }

LogicalResult Importer::importBinary(BinaryKind kind) {
  auto lIn = input(0), rIn = input(1);
  if (failed(lIn) || failed(rIn))
    return failure();
  Val &l = **lIn, &r = **rIn;
  Shape ls = l.shape(), rs = r.shape();
  auto out = broadcastShapes(ls, rs);
  if (failed(out)) {
    err() << "operand shapes " << shapeStr(ls) << " and " << shapeStr(rs)
          << " do not broadcast";
    return failure();
  }
  // Fold constant arithmetic (shape computations, scaled constants).
  if (l.c && r.c && !l.v && !r.v) {
    if (!l.c->decoded || !r.c->decoded) {
      const Tensor &bad = l.c->decoded ? *r.c : *l.c;
      err() << "tensor '" << bad.name << "' " << bad.decodeError;
      return failure();
    }
    bool isInt = !isFloatType(l.c->dataType);
    auto fn = kind == BinaryKind::add   ? opAdd
              : kind == BinaryKind::sub ? opSub
              : kind == BinaryKind::mul ? opMul
                                        : opDiv;
    std::vector<double> v = broadcastApply(*l.c, *r.c, *out, fn);
    if (isInt && kind == BinaryKind::div)
      for (double &x : v)
        x = std::trunc(x);
    return setConstOutput(0, makeConst(*out, v, l.c->dataType));
  }
  auto lv = materialize(l);
  if (failed(lv))
    return failure();
  // Division by a constant is a multiplication by its reciprocal.
  if (kind == BinaryKind::div && r.c && !r.v) {
    if (failed(checkFloatData(*r.c)))
      return failure();
    bool zero = false;
    std::vector<double> inv(r.c->values);
    for (double &x : inv) {
      zero |= x == 0.0;
      x = 1.0 / x;
    }
    if (!zero) {
      auto res = binary(BinaryKind::mul, *lv, constantOp(r.c->dims, inv));
      return failed(res) ? failure() : setOutput(0, *res);
    }
  }
  auto rv = materialize(r);
  if (failed(rv))
    return failure();
  auto res = binary(kind, *lv, *rv);
  return failed(res) ? failure() : setOutput(0, *res);
}

LogicalResult Importer::importActivation(ActivationKind kind, double alpha,
                                         double beta, double gamma) {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  return setOutput(0, activation(kind, *x, alpha, beta, gamma));
}

LogicalResult Importer::importPRelu() {
  // PRelu(x) = clamp(x, 0, inf) + slope * clamp(x, -inf, 0).
  auto x = runtimeInput(0);
  auto slopeIn = input(1);
  if (failed(x) || failed(slopeIn))
    return failure();
  Shape xs(cast<RankedTensorType>(x->getType()).getShape());
  Shape ss = (*slopeIn)->shape();
  auto bs = broadcastShapes(xs, ss);
  if (failed(bs) || *bs != xs) {
    err() << "slope " << shapeStr(ss) << " does not broadcast to the input "
          << shapeStr(xs);
    return failure();
  }
  // A uniform constant slope is a leaky relu.
  if ((*slopeIn)->c && !(*slopeIn)->v) {
    if (failed(checkFloatData(*(*slopeIn)->c)))
      return failure();
    const auto &v = (*slopeIn)->c->values;
    if (!v.empty() && llvm::all_of(v, [&](double s) { return s == v[0]; }))
      return setOutput(0, activation(ActivationKind::leaky_relu, *x, v[0]));
  }
  auto slope = materialize(**slopeIn);
  if (failed(slope))
    return failure();
  Value pos = clamp(*x, 0.0, kLarge), neg = clamp(*x, -kLarge, 0.0);
  auto scaled = binary(BinaryKind::mul, neg, *slope);
  if (failed(scaled))
    return failure();
  auto y = binary(BinaryKind::add, pos, *scaled);
  return failed(y) ? failure() : setOutput(0, *y);
}

LogicalResult Importer::importClip() {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  double lo = -kLarge, hi = kLarge;
  if (m.opset < 11) {
    auto l = floatAttr("min", -kLarge), h = floatAttr("max", kLarge);
    if (failed(l) || failed(h))
      return failure();
    lo = *l;
    hi = *h;
  } else {
    for (int i = 1; i <= 2; ++i) {
      if (!hasInput(i))
        continue;
      auto t = constFloatInput(i, i == 1 ? "min" : "max");
      if (failed(t))
        return failure();
      if ((*t)->values.size() != 1) {
        err() << (i == 1 ? "min" : "max") << " must be a scalar";
        return failure();
      }
      double v = (*t)->values[0];
      if (!std::isfinite(v)) {
        err() << (i == 1 ? "min" : "max") << " is not finite";
        return failure();
      }
      (i == 1 ? lo : hi) = v;
    }
  }
  lo = std::max(lo, -kLarge);
  hi = std::min(hi, kLarge);
  // ONNX: with min > max every output is max.
  if (lo > hi)
    lo = hi;
  return setOutput(0, clamp(*x, lo, hi));
}

LogicalResult Importer::importSoftmax(bool log) {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  int64_t rank = s.size();
  if (rank == 0) {
    err() << "input must have rank >= 1";
    return failure();
  }
  auto axisOr = intAttr("axis", m.opset < 13 ? 1 : -1);
  if (failed(axisOr))
    return failure();
  auto axis = normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  // softmax, or log softmax as (x - max) - log(sum(exp(x - max))): the sum
  // is at least 1, so the log's table has a bounded, positive domain.
  auto build = [&](Value v, int64_t ax) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    if (!log)
      return b.create<SoftmaxOp>(loc, t, v, b.getI64IntegerAttr(ax));
    SmallVector<int64_t> rs(t.getShape());
    rs[ax] = 1;
    auto rt = RankedTensorType::get(rs, t.getElementType());
    APFloat zero(0.0);
    Value max = b.create<ReduceOp>(loc, rt, ReduceKind::max, v, ax);
    Value d = b.create<BinaryOp>(loc, t, BinaryKind::sub, v, max);
    Value e = b.create<ActivationOp>(loc, t, ActivationKind::exp, d, zero,
                                     zero, zero);
    Value sum = b.create<ReduceOp>(loc, rt, ReduceKind::sum, e, ax);
    Value lg = b.create<ActivationOp>(loc, rt, ActivationKind::log, sum, zero,
                                      zero, zero);
    return b.create<BinaryOp>(loc, t, BinaryKind::sub, d, lg);
  };
  if (m.opset >= 13 || *axis == rank - 1)
    return setOutput(0, build(*x, *axis));
  // Before opset 13 the input is coerced to 2-D at `axis`.
  int64_t rows = product(ArrayRef<int64_t>(s).take_front(*axis));
  int64_t cols = product(ArrayRef<int64_t>(s).drop_front(*axis));
  Value x2 = reshape(*x, {rows, cols});
  return setOutput(0, reshape(build(x2, 1), s));
}

LogicalResult Importer::importReduce(ReduceKind kind) {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  int64_t rank = s.size();
  auto keep = intAttr("keepdims", 1);
  if (failed(keep))
    return failure();
  std::vector<int64_t> axes;
  bool axesFromInput = kind == ReduceKind::sum ? m.opset >= 13 : m.opset >= 18;
  if (axesFromInput) {
    if (hasInput(1)) {
      auto a = constIntsInput(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    auto noop = intAttr("noop_with_empty_axes", 0);
    if (failed(noop))
      return failure();
    if (axes.empty() && *noop) {
      (void)setOutput(0, *x);
      return success();
    }
  } else {
    auto a = intsAttr("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    auto n = normAxis(a, rank);
    if (failed(n))
      return failure();
    reduced[*n] = true;
  }
  Value v = *x;
  Shape cur = s;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      continue;
    cur[i] = 1;
    v = b.create<ReduceOp>(loc, ft(cur), ReduceKindAttr::get(&ctx, kind), v,
                           b.getI64IntegerAttr(i));
  }
  if (!*keep) {
    Shape out;
    for (int64_t i = 0; i < rank; ++i)
      if (!reduced[i])
        out.push_back(s[i]);
    v = reshape(v, out);
  }
  return setOutput(0, v);
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

/// Reshapes `in` (run-time or constant) to `shape` and sets output 0.
LogicalResult Importer::reshapeTo(Val &in, ArrayRef<int64_t> shape) {
  if (in.c && !in.v) {
    auto t = std::make_shared<Tensor>(*in.c);
    t->dims.assign(shape.begin(), shape.end());
    return setConstOutput(0, t);
  }
  return setOutput(0, reshape(in.v, shape));
}

LogicalResult Importer::importFlatten() {
  auto in = input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  auto axisOr = intAttr("axis", 1);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  if (axis < -rank || axis > rank) {
    err() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  int64_t rows = product(ArrayRef<int64_t>(s).take_front(axis));
  int64_t cols = product(ArrayRef<int64_t>(s).drop_front(axis));
  return reshapeTo(**in, {rows, cols});
}

LogicalResult Importer::importReshape() {
  auto in = input(0);
  if (failed(in))
    return failure();
  auto target = constIntsInput(1, "shape");
  if (failed(target))
    return failure();
  auto allowZero = intAttr("allowzero", 0);
  if (failed(allowZero))
    return failure();
  Shape s = (*in)->shape();
  Shape out;
  int64_t inferAt = -1, known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !*allowZero) {
      if (i >= s.size()) {
        err() << "shape entry " << i << " is 0 but the input has rank "
              << s.size();
        return failure();
      }
      d = s[i];
    } else if (d == -1) {
      if (inferAt >= 0) {
        err() << "shape has more than one -1";
        return failure();
      }
      inferAt = i;
      out.push_back(1);
      continue;
    } else if (d <= 0) {
      err() << "shape entry " << d << " is not supported";
      return failure();
    }
    known *= d;
    out.push_back(d);
  }
  int64_t total = product(s);
  if (inferAt >= 0) {
    if (known == 0 || total % known) {
      err() << "cannot reshape " << shapeStr(s) << " to " << shapeStr(*target);
      return failure();
    }
    out[inferAt] = total / known;
  }
  if (product(out) != total) {
    err() << "cannot reshape " << shapeStr(s) << " to " << shapeStr(out);
    return failure();
  }
  return reshapeTo(**in, out);
}

LogicalResult Importer::importSqueeze(bool unsqueeze) {
  auto in = input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  std::vector<int64_t> axes;
  bool hasAxes = false;
  if (m.opset >= 13) {
    if (hasInput(1)) {
      auto a = constIntsInput(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
      hasAxes = true;
    }
  } else if (node->attr("axes")) {
    auto a = intsAttr("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
    hasAxes = true;
  }
  Shape out;
  if (unsqueeze) {
    if (!hasAxes) {
      err() << "missing axes";
      return failure();
    }
    int64_t rank = s.size() + axes.size();
    SmallVector<bool> isNew(rank, false);
    for (int64_t a : axes) {
      auto n = normAxis(a, rank);
      if (failed(n))
        return failure();
      if (isNew[*n]) {
        err() << "axis " << a << " is repeated";
        return failure();
      }
      isNew[*n] = true;
    }
    size_t j = 0;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(isNew[i] ? 1 : s[j++]);
  } else {
    int64_t rank = s.size();
    SmallVector<bool> drop(rank, false);
    if (!hasAxes) {
      for (int64_t i = 0; i < rank; ++i)
        drop[i] = s[i] == 1;
    }
    for (int64_t a : axes) {
      auto n = normAxis(a, rank);
      if (failed(n))
        return failure();
      if (s[*n] != 1) {
        err() << "cannot squeeze axis " << a << " of size " << s[*n];
        return failure();
      }
      drop[*n] = true;
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        out.push_back(s[i]);
  }
  return reshapeTo(**in, out);
}

LogicalResult Importer::importConcat() {
  auto axisOr = intAttr("axis", 0);
  if (failed(axisOr))
    return failure();
  if (node->inputs.empty()) {
    err() << "needs at least one input";
    return failure();
  }
  SmallVector<Val *> ins;
  for (size_t i = 0; i < node->inputs.size(); ++i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  Shape s0 = ins[0]->shape();
  int64_t rank = s0.size();
  auto axis = normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  Shape out = s0;
  out[*axis] = 0;
  bool allConst = true;
  for (Val *v : ins) {
    Shape s = v->shape();
    if ((int64_t)s.size() != rank) {
      err() << "inputs have different ranks";
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && s[d] != s0[d]) {
        err() << "input shapes " << shapeStr(s0) << " and " << shapeStr(s)
              << " differ outside axis " << *axis;
        return failure();
      }
    out[*axis] += s[*axis];
    allConst &= v->c && !v->v && v->c->decoded;
  }
  if (allConst) {
    // Fold (shape vectors built by Shape/Gather/Unsqueeze chains).
    int64_t outer = product(ArrayRef<int64_t>(s0).take_front(*axis));
    int64_t inner = product(ArrayRef<int64_t>(s0).drop_front(*axis + 1));
    std::vector<double> r;
    r.reserve(product(out));
    for (int64_t o = 0; o < outer; ++o)
      for (Val *v : ins) {
        int64_t chunk = v->c->dims[*axis] * inner;
        r.insert(r.end(), v->c->values.begin() + o * chunk,
                 v->c->values.begin() + (o + 1) * chunk);
      }
    return setConstOutput(0, makeConst(out, r, ins[0]->c->dataType));
  }
  SmallVector<Value> vs;
  for (Val *v : ins) {
    auto mv = materialize(*v);
    if (failed(mv))
      return failure();
    vs.push_back(*mv);
  }
  return setOutput(
      0, b.create<ConcatOp>(loc, ft(out), vs, b.getI64IntegerAttr(*axis)));
}

LogicalResult Importer::importShape() {
  auto in = input(0);
  if (failed(in))
    return failure();
  Shape s = (*in)->shape();
  int64_t rank = s.size();
  auto start = intAttr("start", 0), end = intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIdx = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::min(std::max<int64_t>(i, 0), rank);
  };
  int64_t lo = clampIdx(*start), hi = clampIdx(*end);
  std::vector<double> v;
  for (int64_t i = lo; i < hi; ++i)
    v.push_back(s[i]);
  return setConstOutput(0, makeConst({(int64_t)v.size()}, v, ox::DT_INT64));
}

LogicalResult Importer::importGather() {
  auto data = input(0);
  if (failed(data))
    return failure();
  if (!(*data)->c || (*data)->v) {
    err() << "Gather is supported on constant data only (shape computations)";
    return failure();
  }
  auto idx = constIntsInput(1, "indices");
  auto idxT = constInput(1, "indices");
  if (failed(idx) || failed(idxT))
    return failure();
  const Tensor &d = *(*data)->c;
  if (!d.decoded) {
    err() << "tensor '" << d.name << "' " << d.decodeError;
    return failure();
  }
  int64_t rank = d.dims.size();
  auto axisOr = intAttr("axis", 0);
  if (failed(axisOr))
    return failure();
  auto axis = normAxis(*axisOr, rank);
  if (failed(axis))
    return failure();
  int64_t outer = product(ArrayRef<int64_t>(d.dims).take_front(*axis));
  int64_t inner = product(ArrayRef<int64_t>(d.dims).drop_front(*axis + 1));
  int64_t n = d.dims[*axis];
  std::vector<double> r;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : *idx) {
      if (i < -n || i >= n) {
        err() << "index " << i << " is out of range [" << -n << ", " << n
              << ")";
        return failure();
      }
      if (i < 0)
        i += n;
      auto base = d.values.begin() + (o * n + i) * inner;
      r.insert(r.end(), base, base + inner);
    }
  Shape out(d.dims.begin(), d.dims.begin() + *axis);
  out.append((*idxT)->dims.begin(), (*idxT)->dims.end());
  out.append(d.dims.begin() + *axis + 1, d.dims.end());
  return setConstOutput(0, makeConst(out, r, d.dataType));
}

LogicalResult Importer::importCast() {
  auto in = input(0);
  auto to = intAttr("to", 0);
  if (failed(in) || failed(to))
    return failure();
  Val &v = **in;
  if (v.c && !v.v) {
    if (!v.c->decoded) {
      err() << "tensor '" << v.c->name << "' " << v.c->decodeError;
      return failure();
    }
    auto t = std::make_shared<Tensor>(*v.c);
    t->dataType = *to;
    for (double &x : t->values) {
      if (*to == ox::DT_FLOAT)
        x = static_cast<float>(x);
      else if (!isFloatType(*to))
        x = std::trunc(x);
    }
    return setConstOutput(0, t);
  }
  if (*to != ox::DT_FLOAT) {
    err() << "cast to " << ox::dataTypeName(*to)
          << " is not supported; lfc supports float32 tensors only";
    return failure();
  }
  vals[node->outputs[0]] = v;
  return success();
}

LogicalResult Importer::importConstant() {
  if (node->attrs.size() != 1) {
    err() << "expects exactly one attribute";
    return failure();
  }
  const OnnxAttr &a = node->attrs[0];
  std::shared_ptr<Tensor> t;
  if (a.name == "value" && a.type == ox::AT_TENSOR && a.t) {
    t = std::make_shared<Tensor>(*a.t);
    if (t->name.empty())
      t->name = node->outputs.empty() ? nodeLabel : node->outputs[0];
    if (t->external) {
      err() << "tensor '" << t->name << "' " << t->decodeError;
      return failure();
    }
    if (t->decoded && isFloatType(t->dataType))
      for (double v : t->values)
        if (!std::isfinite(v)) {
          err() << "tensor '" << t->name << "' contains "
                << (std::isnan(v) ? "NaN" : "Inf")
                << "; lfc needs finite weights";
          return failure();
        }
  } else if (a.name == "value_float" && a.type == ox::AT_FLOAT) {
    t = makeConst(ArrayRef<int64_t>(), std::vector<double>{a.f});
  } else if (a.name == "value_floats" && a.type == ox::AT_FLOATS) {
    t = makeConst({(int64_t)a.floats.size()}, a.floats);
  } else if (a.name == "value_int" && a.type == ox::AT_INT) {
    t = makeConst(ArrayRef<int64_t>(), std::vector<double>{double(a.i)},
                  ox::DT_INT64);
  } else if (a.name == "value_ints" && a.type == ox::AT_INTS) {
    t = makeConst({(int64_t)a.ints.size()},
                  std::vector<double>(a.ints.begin(), a.ints.end()),
                  ox::DT_INT64);
  } else {
    err() << "attribute '" << a.name << "' is not supported";
    return failure();
  }
  return setConstOutput(0, t);
}

LogicalResult Importer::importDropout() {
  auto in = input(0);
  if (failed(in))
    return failure();
  if (failed(requireUnused(1, "the dropout mask")))
    return failure();
  if (m.opset >= 12 && hasInput(2)) {
    auto mode = constInput(2, "training_mode");
    if (failed(mode))
      return failure();
    if (!(*mode)->values.empty() && (*mode)->values[0] != 0) {
      err() << "training mode is not supported (inference only)";
      return failure();
    }
  }
  if (m.opset < 7) {
    auto isTest = intAttr("is_test", 0);
    if (failed(isTest))
      return failure();
  }
  vals[node->outputs[0]] = **in;
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization and Conv
//===----------------------------------------------------------------------===//

LogicalResult Importer::importBatchNorm() {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  auto eps = floatAttr("epsilon", 1e-5);
  auto training = intAttr("training_mode", 0);
  auto spatial = intAttr("spatial", 1);
  if (failed(eps) || failed(training) || failed(spatial))
    return failure();
  if (*training != 0) {
    err() << "training mode is not supported (inference only)";
    return failure();
  }
  if (*spatial != 1) {
    err() << "attribute 'spatial' = 0 is not supported";
    return failure();
  }
  if (*eps < 0) {
    err() << "attribute 'epsilon' must be non-negative";
    return failure();
  }
  for (size_t i = 1; i < node->outputs.size(); ++i)
    if (failed(requireUnused(i, "a training statistics output")))
      return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  if (s.size() < 2) {
    err() << "input must have rank >= 2 ([N, C, ...]), got " << shapeStr(s);
    return failure();
  }
  int64_t C = s[1];
  const char *names[] = {"scale", "B", "input_mean", "input_var"};
  std::vector<double> p[4];
  for (int i = 0; i < 4; ++i) {
    auto t = constFloatInput(i + 1, names[i]);
    if (failed(t))
      return failure();
    if ((int64_t)(*t)->values.size() != C) {
      err() << names[i] << " has " << (*t)->values.size()
            << " elements, expected " << C << " (one per channel)";
      return failure();
    }
    p[i] = (*t)->values;
  }
  std::vector<double> sc(C), sh(C);
  for (int64_t c = 0; c < C; ++c) {
    if (p[3][c] + *eps <= 0) {
      err() << "variance + epsilon is not positive for channel " << c;
      return failure();
    }
    sc[c] = p[0][c] / std::sqrt(p[3][c] + *eps);
    sh[c] = p[1][c] - p[2][c] * sc[c];
  }
  // [C] followed by ones so that the constants broadcast along axis 1.
  Shape cs{C};
  cs.append(s.size() - 2, 1);
  auto y = binary(BinaryKind::mul, *x, constantOp(cs, sc));
  if (failed(y))
    return failure();
  auto z = binary(BinaryKind::add, *y, constantOp(cs, sh));
  return failed(z) ? failure() : setOutput(0, *z);
}

LogicalResult Importer::importConv() {
  auto x = runtimeInput(0);
  if (failed(x))
    return failure();
  Shape s(cast<RankedTensorType>(x->getType()).getShape());
  if (s.size() != 3) {
    if (s.size() == 4)
      err() << "2-D convolution is not supported (lfc supports 1-D Conv over "
               "[N, C, L] only)";
    else
      err() << "only 1-D convolution over [N, C, L] is supported, got input "
            << shapeStr(s);
    return failure();
  }
  auto wt = constFloatInput(1, "weight");
  if (failed(wt))
    return failure();
  const Tensor &w = **wt;
  if (w.dims.size() != 3) {
    err() << "weight must be [OC, C/group, K], got " << shapeStr(w.dims);
    return failure();
  }
  int64_t N = s[0], C = s[1], L = s[2];
  int64_t OC = w.dims[0], CG = w.dims[1], K = w.dims[2];
  auto groupOr = intAttr("group", 1);
  auto stridesOr = intsAttr("strides", {1});
  auto dilOr = intsAttr("dilations", {1});
  auto padsOr = intsAttr("pads", {0, 0});
  auto kOr = intsAttr("kernel_shape", {K});
  auto autoPad = stringAttr("auto_pad", "NOTSET");
  if (failed(groupOr) || failed(stridesOr) || failed(dilOr) || failed(padsOr) ||
      failed(kOr) || failed(autoPad))
    return failure();
  int64_t G = *groupOr;
  if (G < 1 || C % G || OC % G || C / G != CG) {
    err() << "attribute 'group' = " << G << " does not match input channels "
          << C << ", weight " << shapeStr(w.dims);
    return failure();
  }
  if (stridesOr->size() != 1 || dilOr->size() != 1 || padsOr->size() != 2 ||
      kOr->size() != 1) {
    err() << "strides, dilations, kernel_shape must have 1 entry and pads 2";
    return failure();
  }
  int64_t stride = (*stridesOr)[0], dil = (*dilOr)[0];
  int64_t pb = (*padsOr)[0], pe = (*padsOr)[1];
  if (stride < 1 || dil < 1 || pb < 0 || pe < 0 || (*kOr)[0] != K) {
    err() << "attribute out of range: strides and dilations must be >= 1, "
             "pads >= 0, kernel_shape equal to the weight's";
    return failure();
  }
  int64_t span = dil * (K - 1) + 1;
  if (*autoPad == "VALID") {
    pb = pe = 0;
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    int64_t lout = (L + stride - 1) / stride;
    int64_t total = std::max<int64_t>(0, (lout - 1) * stride + span - L);
    pb = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    pe = total - pb;
  } else if (*autoPad != "NOTSET") {
    err() << "attribute 'auto_pad' = '" << *autoPad << "' is not supported";
    return failure();
  }
  int64_t padded = L + pb + pe;
  if (padded < span) {
    err() << "kernel span " << span << " exceeds the padded length " << padded;
    return failure();
  }
  int64_t Lout = (padded - span) / stride + 1;
  if (OC * Lout * C * L > kMaxUnrolledConv) {
    err() << "convolution too large to unroll into a " << OC * Lout << "x"
          << C * L << " matrix";
    return failure();
  }
  std::vector<double> bias(OC * Lout, 0.0);
  if (hasInput(2)) {
    auto bt = constFloatInput(2, "bias");
    if (failed(bt))
      return failure();
    if ((int64_t)(*bt)->values.size() != OC) {
      err() << "bias must have " << OC << " elements";
      return failure();
    }
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t o = 0; o < Lout; ++o)
        bias[oc * Lout + o] = (*bt)->values[oc];
  }
  // Toeplitz matrix: row (oc, o), column (c, l).
  int64_t rows = OC * Lout, cols = C * L, ocPerGroup = OC / G;
  std::vector<double> mat(rows * cols, 0.0);
  for (int64_t oc = 0; oc < OC; ++oc) {
    int64_t g = oc / ocPerGroup;
    for (int64_t o = 0; o < Lout; ++o)
      for (int64_t cg = 0; cg < CG; ++cg) {
        int64_t c = g * CG + cg;
        for (int64_t k = 0; k < K; ++k) {
          int64_t l = o * stride + k * dil - pb;
          if (l < 0 || l >= L)
            continue;
          mat[(oc * Lout + o) * cols + c * L + l] +=
              w.values[(oc * CG + cg) * K + k];
        }
      }
  }
  Value flat = reshape(*x, {N, cols});
  Value y = fc(flat, {rows, cols}, mat, bias);
  return setOutput(0, reshape(y, {N, OC, Lout}));
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mlir::lf::importOnnxModel(const Model &model,
                                                StringRef fileName,
                                                MLIRContext &ctx,
                                                const OnnxImportOptions &opts) {
  Importer imp(model, fileName, ctx, opts);
  return imp.run();
}

OwningOpRef<ModuleOp>
mlir::lf::importOnnxBuffer(StringRef bytes, StringRef fileName,
                           MLIRContext &ctx, const OnnxImportOptions &opts) {
  ctx.loadDialect<LfDialect, func::FuncDialect>();
  Model model;
  std::string error;
  if (!lfc::onnx::loadModel(bytes.data(), bytes.size(), model, error)) {
    emitError(
        FileLineColLoc::get(&ctx, fileName.empty() ? "<onnx>" : fileName, 0, 0))
        << error;
    return nullptr;
  }
  return importOnnxModel(model, fileName, ctx, opts);
}

OwningOpRef<ModuleOp> mlir::lf::importOnnxFile(StringRef path, MLIRContext &ctx,
                                               const OnnxImportOptions &opts) {
  auto buf =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (std::error_code ec = buf.getError()) {
    emitError(FileLineColLoc::get(&ctx, path, 0, 0))
        << "cannot read file: " << ec.message();
    return nullptr;
  }
  return importOnnxBuffer((*buf)->getBuffer(), path, ctx, opts);
}

OnnxDiagnosticHandler::OnnxDiagnosticHandler(MLIRContext *ctx,
                                             llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(ctx) {
  setHandler([&os](Diagnostic &diag) -> LogicalResult {
    auto fileLoc = diag.getLocation()->findInstanceOf<FileLineColLoc>();
    if (!fileLoc || fileLoc.getLine() != 0)
      return failure();
    auto kind = [](DiagnosticSeverity s) {
      switch (s) {
      case DiagnosticSeverity::Error:
        return "error";
      case DiagnosticSeverity::Warning:
        return "warning";
      case DiagnosticSeverity::Note:
        return "note";
      case DiagnosticSeverity::Remark:
        return "remark";
      }
      return "error";
    };
    // Diagnostics from later passes at an imported op's location get the
    // node prefix the importer's own messages carry.
    std::string msg = diag.str(), prefix;
    if (auto name = diag.getLocation()->findInstanceOf<NameLoc>()) {
      StringRef label = name.getName().getValue();
      size_t open = label.rfind(" (");
      if (open != StringRef::npos && label.ends_with(")"))
        prefix = ("node '" + label.take_front(open) + "'" +
                  label.drop_front(open) + ": ")
                     .str();
    }
    if (!prefix.empty() && StringRef(msg).starts_with("node '"))
      prefix.clear();
    os << fileLoc.getFilename().getValue() << ": " << kind(diag.getSeverity())
       << ": " << prefix << msg << "\n";
    for (Diagnostic &note : diag.getNotes())
      os << fileLoc.getFilename().getValue() << ": note: " << note.str()
         << "\n";
    os.flush();
    return success();
  });
}

void mlir::lf::registerOnnxImportTranslation() {
  static llvm::cl::opt<std::string> funcName(
      "onnx-func-name",
      llvm::cl::desc("Name of the function --import-onnx creates (default: "
                     "the graph name)"),
      llvm::cl::init(""));
  static TranslateToMLIRRegistration reg(
      "import-onnx", "Import an ONNX model into float-level lf MLIR",
      [](const std::shared_ptr<llvm::SourceMgr> &sm,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buf =
            sm->getMemoryBuffer(sm->getMainFileID());
        OnnxDiagnosticHandler handler(ctx);
        OnnxImportOptions opts;
        opts.funcName = funcName;
        auto module = importOnnxBuffer(buf->getBuffer(),
                                       buf->getBufferIdentifier(), *ctx, opts);
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        registry.insert<LfDialect, func::FuncDialect>();
      });
}
