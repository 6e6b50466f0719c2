//===- Importer.h - State and helpers shared by the ONNX op converters ----===//
//
// The importer walks the nodes of a loaded lfc::onnx::Model in order and
// hands each to the converter registered for its op type and the model's
// opset (ConverterTable). A converter reads its inputs and attributes through
// an Importer, which tracks for every ONNX value either an SSA value or its
// constant contents (initializers, Constant nodes and folded shape
// arithmetic), and emits float-level lf ops at the node's location.
// Converters live one file per op family (Import*.cpp); each family has a
// register*Converters function that adds its entries to the table.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_IMPORT_IMPORTER_H
#define LFC_IMPORT_IMPORTER_H

#include "ImportModel.h"

#include "lf/LfDialect.h"
#include "lf/ShapeUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir::lf::importer {

using OnnxAttr = lfc::onnx::Attribute;
using lfc::onnx::Model;
using lfc::onnx::Node;
using lfc::onnx::Tensor;
namespace ox = lfc::onnx;


/// "Infinity" for clamps that are open on one side (a float32 maximum).
static constexpr double kLarge = 3.4e38;


using Shape = SmallVector<int64_t>;

inline int64_t product(ArrayRef<int64_t> s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

inline std::string shapeStr(ArrayRef<int64_t> s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// Elementwise op on constant data with broadcasting.
inline std::vector<double> broadcastApply(const Tensor &a, const Tensor &b,
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

inline bool isFloatType(int32_t dt) {
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
  /// Imports `node` with the converter of its op type and the opset.
  LogicalResult importNode();
  /// Reports every node no converter accepts (one error each); fails if any.
  LogicalResult checkSupported();

  //===--- state ---===//
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
    if (product(val.c->dims) == 0) {
      err() << "tensor '" << val.c->name << "' is empty (shape "
            << shapeStr(val.c->dims)
            << "); lfc needs tensors with at least one element";
      return failure();
    }
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
  /// Fails (naming the output) if `shape` has no elements: the snapshot has
  /// no zero-size buffers.
  LogicalResult checkNonEmpty(size_t i, ArrayRef<int64_t> shape) {
    if (product(shape) != 0)
      return success();
    err() << "output '" << (i < node->outputs.size() ? node->outputs[i] : "")
          << "' is empty (shape " << shapeStr(shape)
          << "); lfc needs tensors with at least one element";
    return failure();
  }
  LogicalResult setOutput(size_t i, Value v) {
    if (failed(
            checkNonEmpty(i, cast<RankedTensorType>(v.getType()).getShape())))
      return failure();
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


  /// Reshapes `in` (run-time or constant) to `shape` and sets output 0.
  LogicalResult reshapeTo(Val &in, ArrayRef<int64_t> shape) {
    if (in.c && !in.v) {
      auto t = std::make_shared<Tensor>(*in.c);
      t->dims.assign(shape.begin(), shape.end());
      return setConstOutput(0, t);
    }
    return setOutput(0, reshape(in.v, shape));
  }
  /// Sets output `i` to the elements `idx` (flat, row-major) of `in`, shaped
  /// `shape`: folded for constant data, else an lf.gather.
  LogicalResult setGathered(size_t i, Val &in, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> idx) {
    if (in.c && !in.v) {
      if (!in.c->decoded) {
        err() << "tensor '" << in.c->name << "' " << in.c->decodeError;
        return failure();
      }
      std::vector<double> v;
      v.reserve(idx.size());
      for (int64_t k : idx)
        v.push_back(in.c->values[k]);
      auto t = makeConst(shape, std::move(v), in.c->dataType);
      return setConstOutput(i, t);
    }
    auto x = materialize(in);
    if (failed(x))
      return failure();
    return setOutput(i, b.create<GatherOp>(loc, ft(shape), *x,
                                           b.getDenseI64ArrayAttr(idx)));
  }
  /// The model's ai.onnx opset.
  int64_t opset() const { return m.opset; }
};

//===----------------------------------------------------------------------===//
// Converter table
//===----------------------------------------------------------------------===//

/// Imports the current node of an Importer.
using ConvertFn = std::function<LogicalResult(Importer &)>;

/// Converters keyed by op type and by the opsets [minOpset, maxOpset] whose
/// schema they implement (ONNX changes an op's inputs and attributes between
/// opsets, e.g. Clip's bounds move from attributes to inputs at 11).
class ConverterTable {
public:
  void add(StringRef opType, int64_t minOpset, int64_t maxOpset,
           ConvertFn fn);
  void add(StringRef opType, ConvertFn fn) {
    add(opType, ox::kMinOpset, ox::kMaxOpset, std::move(fn));
  }
  /// The converter of `opType` at `opset`, or null.
  const ConvertFn *lookup(StringRef opType, int64_t opset) const;
  /// True if `opType` has a converter at some opset.
  bool knows(StringRef opType) const { return table.count(opType); }
  /// The table with every family's converters.
  static const ConverterTable &get();

private:
  struct Entry {
    int64_t minOpset, maxOpset;
    ConvertFn fn;
  };
  llvm::StringMap<std::vector<Entry>> table;
};

// One per op family (Import<Family>.cpp).
void registerMatMulConverters(ConverterTable &t);
void registerElementwiseConverters(ConverterTable &t);
void registerActivationConverters(ConverterTable &t);
void registerReductionConverters(ConverterTable &t);
void registerShapeConverters(ConverterTable &t);
void registerNormConverters(ConverterTable &t);
void registerConvPoolConverters(ConverterTable &t);

/// Elementwise binary op with numpy broadcasting, folding constant operands
/// (shared by the elementwise family and the decompositions of others).
LogicalResult convertBinary(Importer &im, BinaryKind kind);

} // namespace mlir::lf::importer

#endif // LFC_IMPORT_IMPORTER_H
