//===- OnnxModel.cpp - ONNX-facing half of the importer -------------------===//
//
// The only file that uses protobuf and libonnx. Compiled WITH exceptions:
// libonnx reports problems by throwing, and every call into it is wrapped so
// that nothing escapes to the exception-free MLIR code.
//
//===----------------------------------------------------------------------===//

#include "OnnxModel.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <climits>
#include <cstring>
#include <exception>
#include <set>
#include <sstream>

namespace lfc::onnx {

/// Upper bound on the elements of one tensor (guards allocations on
/// corrupt dims).
static constexpr int64_t kMaxElements = int64_t(1) << 28;

const char *dataTypeName(int32_t dt) {
  switch (dt) {
  case DT_UNDEFINED:
    return "undefined";
  case DT_FLOAT:
    return "float32";
  case DT_UINT8:
    return "uint8";
  case DT_INT8:
    return "int8";
  case DT_UINT16:
    return "uint16";
  case DT_INT16:
    return "int16";
  case DT_INT32:
    return "int32";
  case DT_INT64:
    return "int64";
  case DT_STRING:
    return "string";
  case DT_BOOL:
    return "bool";
  case DT_FLOAT16:
    return "float16";
  case DT_DOUBLE:
    return "float64";
  case DT_UINT32:
    return "uint32";
  case DT_UINT64:
    return "uint64";
  case 14:
    return "complex64";
  case 15:
    return "complex128";
  case 16:
    return "bfloat16";
  default:
    return "unknown";
  }
}

/// Collapses a (possibly multi-line) libonnx message into one line.
static std::string oneLine(const std::string &msg) {
  std::string out;
  bool space = false;
  for (char c : msg) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

static int elemSize(int32_t dt) {
  switch (dt) {
  case DT_FLOAT:
  case DT_INT32:
  case DT_UINT32:
    return 4;
  case DT_DOUBLE:
  case DT_INT64:
  case DT_UINT64:
    return 8;
  case DT_INT16:
  case DT_UINT16:
  case DT_FLOAT16:
    return 2;
  case DT_INT8:
  case DT_UINT8:
  case DT_BOOL:
    return 1;
  default:
    return 0;
  }
}

/// Loads one little-endian element of type T from \p p.
template <typename T> static double loadRaw(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return static_cast<double>(v);
}

static double readRaw(const char *p, int32_t dt) {
  // ONNX raw_data is little-endian, as is every host we build for.
  switch (dt) {
  case DT_FLOAT:
    return loadRaw<float>(p);
  case DT_DOUBLE:
    return loadRaw<double>(p);
  case DT_INT32:
    return loadRaw<int32_t>(p);
  case DT_UINT32:
    return loadRaw<uint32_t>(p);
  case DT_INT64:
    return loadRaw<int64_t>(p);
  case DT_UINT64:
    return loadRaw<uint64_t>(p);
  case DT_INT16:
    return loadRaw<int16_t>(p);
  case DT_UINT16:
    return loadRaw<uint16_t>(p);
  case DT_INT8:
    return loadRaw<int8_t>(p);
  case DT_UINT8:
  case DT_BOOL:
    return loadRaw<uint8_t>(p);
  default:
    return 0;
  }
}

static void convertTensor(const ::onnx::TensorProto &tp, Tensor &t) {
  t.name = tp.name();
  t.dataType = tp.data_type();
  t.dims.assign(tp.dims().begin(), tp.dims().end());
  t.values.clear();
  t.decoded = false;
  int64_t n = 1;
  for (int64_t d : t.dims) {
    if (d < 0) {
      t.decodeError = "has a negative dimension";
      return;
    }
    if (d > 0 && n > kMaxElements / d) {
      t.decodeError = "is too large";
      return;
    }
    n *= d;
  }
  if (n > kMaxElements) {
    t.decodeError = "is too large";
    return;
  }
  if (tp.data_location() == ::onnx::TensorProto::EXTERNAL ||
      tp.external_data_size() > 0) {
    t.external = true;
    t.decodeError = "uses external data, which lfc does not support (save "
                    "the model with its weights inside the .onnx file)";
    return;
  }
  if (tp.has_segment()) {
    t.decodeError = "is segmented, which lfc does not support";
    return;
  }
  int esize = elemSize(t.dataType);
  if (esize == 0 || t.dataType == DT_FLOAT16) {
    t.decodeError = std::string("has element type ") +
                    dataTypeName(t.dataType) + ", which lfc does not support";
    return;
  }
  t.values.reserve(n);
  if (tp.has_raw_data()) {
    const std::string &raw = tp.raw_data();
    if (static_cast<int64_t>(raw.size()) != n * esize) {
      t.decodeError = "has " + std::to_string(raw.size()) +
                      " bytes of raw data, expected " +
                      std::to_string(n * esize);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      t.values.push_back(readRaw(raw.data() + i * esize, t.dataType));
    t.decoded = true;
    return;
  }
  auto take = [&](const auto &field) {
    if (static_cast<int64_t>(field.size()) != n) {
      t.decodeError = "has " + std::to_string(field.size()) +
                      " values, expected " + std::to_string(n);
      return;
    }
    for (auto v : field)
      t.values.push_back(static_cast<double>(v));
    t.decoded = true;
  };
  switch (t.dataType) {
  case DT_FLOAT:
    take(tp.float_data());
    break;
  case DT_DOUBLE:
    take(tp.double_data());
    break;
  case DT_INT64:
    take(tp.int64_data());
    break;
  case DT_UINT32:
  case DT_UINT64:
    take(tp.uint64_data());
    break;
  default:
    take(tp.int32_data());
    break;
  }
}

static void convertValueInfo(const ::onnx::ValueInfoProto &vp, ValueInfo &v) {
  v.name = vp.name();
  v.isTensor = vp.has_type() && vp.type().has_tensor_type();
  if (!v.isTensor)
    return;
  const auto &tt = vp.type().tensor_type();
  v.elemType = tt.elem_type();
  v.hasShape = tt.has_shape();
  if (!v.hasShape)
    return;
  for (const auto &d : tt.shape().dim()) {
    Dim dim;
    if (d.has_dim_value()) {
      dim.known = true;
      dim.value = d.dim_value();
    } else if (d.has_dim_param()) {
      dim.param = d.dim_param();
    }
    v.dims.push_back(dim);
  }
}

static void convertAttribute(const ::onnx::AttributeProto &ap, Attribute &a) {
  a.name = ap.name();
  a.type = ap.type();
  a.f = ap.f();
  a.i = ap.i();
  a.s = ap.s();
  a.floats.assign(ap.floats().begin(), ap.floats().end());
  a.ints.assign(ap.ints().begin(), ap.ints().end());
  if (ap.has_t()) {
    a.t = std::make_shared<Tensor>();
    convertTensor(ap.t(), *a.t);
  }
}

static void convertModel(const ::onnx::ModelProto &mp, Model &m) {
  const auto &g = mp.graph();
  m.irVersion = mp.ir_version();
  m.producer = mp.producer_name();
  m.graphName = g.name();
  for (const auto &vp : g.input())
    convertValueInfo(vp, m.inputs.emplace_back());
  for (const auto &vp : g.output())
    convertValueInfo(vp, m.outputs.emplace_back());
  for (const auto &vp : g.value_info()) {
    ValueInfo v;
    convertValueInfo(vp, v);
    m.valueInfo[v.name] = v;
  }
  for (const auto &tp : g.initializer())
    convertTensor(tp, m.initializers.emplace_back());
  for (const auto &np : g.node()) {
    Node &n = m.nodes.emplace_back();
    n.name = np.name();
    n.opType = np.op_type();
    n.domain = np.domain();
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto &ap : np.attribute())
      convertAttribute(ap, n.attrs.emplace_back());
  }
}

/// When libonnx rejects a model, looks for a cause lfc can name more
/// precisely: external data, or a tensor that is not float32.
static std::string explainRejection(const ::onnx::ModelProto &mp) {
  const auto &g = mp.graph();
  std::set<std::string> inits;
  for (const auto &t : g.initializer()) {
    inits.insert(t.name());
    if (t.data_location() == ::onnx::TensorProto::EXTERNAL ||
        t.external_data_size() > 0)
      return "initializer '" + t.name() +
             "' uses external data, which lfc does not support (save the "
             "model with its weights inside the .onnx file)";
  }
  for (const auto &vi : g.input())
    if (!inits.count(vi.name()) && vi.type().has_tensor_type() &&
        vi.type().tensor_type().elem_type() != DT_FLOAT)
      return "input '" + vi.name() + "' has element type " +
             dataTypeName(vi.type().tensor_type().elem_type()) +
             "; lfc supports float32 tensors only";
  for (const auto &t : g.initializer())
    if (t.data_type() == DT_DOUBLE || t.data_type() == DT_FLOAT16 ||
        t.data_type() == 16)
      return "initializer '" + t.name() + "' has element type " +
             dataTypeName(t.data_type()) +
             "; lfc supports float32 tensors only";
  return "";
}

static bool loadModelImpl(const void *data, size_t size, Model &out,
                          std::string &error, const LoadOptions &options) {
  if (size == 0) {
    error = "file is empty (not an ONNX model)";
    return false;
  }
  if (size > static_cast<size_t>(INT_MAX)) {
    error = "file is too large for an ONNX protobuf (2 GiB limit)";
    return false;
  }
  ::onnx::ModelProto mp;
  if (!mp.ParseFromArray(data, static_cast<int>(size))) {
    error = "not a valid ONNX model (protobuf parse failed: truncated or "
            "corrupt file?)";
    return false;
  }
  if (!mp.has_graph()) {
    error = "not a valid ONNX model (no graph)";
    return false;
  }
  // The ai.onnx opset decides everything else; check it before libonnx does.
  int64_t opset = -1;
  for (const auto &os : mp.opset_import())
    if (os.domain().empty() || os.domain() == "ai.onnx")
      opset = os.version();
  if (opset < 0) {
    error = "model imports no ai.onnx opset";
    return false;
  }
  if (options.checkOpsetRange && (opset < kMinOpset || opset > kMaxOpset)) {
    error =
        "model uses opset " + std::to_string(opset) + "; lfc supports 11 to 19";
    return false;
  }

  // libonnx 1.12 knows opsets up to 17 and IR version 8. Models exported at
  // opset 18/19 (IR 9) are checked and shape-inferred as a copy lowered to
  // what it knows; none of the ops lfc supports changed meaning in 18/19.
  int maxKnown = 17;
  {
    const auto &map =
        ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    auto it = map.find(::onnx::ONNX_DOMAIN);
    if (it != map.end())
      maxKnown = it->second.second;
  }
  if (opset > maxKnown || mp.ir_version() > ::onnx::IR_VERSION) {
    out.checkedAtLowerOpset = opset > maxKnown;
    for (auto &os : *mp.mutable_opset_import())
      if ((os.domain().empty() || os.domain() == "ai.onnx") &&
          os.version() > maxKnown)
        os.set_version(maxKnown);
    if (mp.ir_version() > ::onnx::IR_VERSION)
      mp.set_ir_version(::onnx::IR_VERSION);
  }
  if (options.runChecker) {
    try {
      ::onnx::checker::check_model(mp);
    } catch (const std::exception &e) {
      error = explainRejection(mp);
      if (error.empty())
        error = "invalid ONNX model: " + oneLine(e.what());
      return false;
    }
  }
  if (options.runShapeInference) {
    // libonnx's conv/pool shape inference divides by these attributes:
    // refuse non-positive ones before it runs (a zero stride is SIGFPE).
    for (const auto &node : mp.graph().node())
      for (const auto &attr : node.attribute()) {
        const std::string &a = attr.name();
        bool positiveInts =
            a == "strides" || a == "dilations" || a == "kernel_shape";
        bool bad = false;
        if (positiveInts)
          for (int64_t v : attr.ints())
            bad |= v <= 0;
        if (a == "group" || a == "blocksize")
          bad = attr.i() <= 0;
        if (bad) {
          error = "node '" + node.name() + "' (" + node.op_type() +
                  "): attribute '" + a + "' must be positive";
          return false;
        }
      }
    try {
      ::onnx::ShapeInferenceOptions sio(/*check_type=*/true,
                                        /*strict_mode=*/1,
                                        /*data_prop=*/false);
      ::onnx::shape_inference::InferShapes(
          mp, ::onnx::OpSchemaRegistry::Instance(), sio);
    } catch (const std::exception &e) {
      error = explainRejection(mp);
      if (error.empty())
        error = "ONNX shape inference failed: " + oneLine(e.what());
      return false;
    }
  }
  convertModel(mp, out);
  out.opset = opset;
  return true;
}

bool loadModel(const void *data, size_t size, Model &out, std::string &error,
               const LoadOptions &options) {
  try {
    out = Model();
    return loadModelImpl(data, size, out, error, options);
  } catch (const std::exception &e) {
    error = "cannot read ONNX model: " + oneLine(e.what());
  } catch (...) {
    error = "cannot read ONNX model: unknown error";
  }
  return false;
}

bool loadTensor(const void *data, size_t size, Tensor &out,
                std::string &error) {
  try {
    ::onnx::TensorProto tp;
    if (size > static_cast<size_t>(INT_MAX) ||
        !tp.ParseFromArray(data, static_cast<int>(size))) {
      error = "not a valid ONNX TensorProto";
      return false;
    }
    convertTensor(tp, out);
    if (!out.decoded) {
      error = "tensor '" + out.name + "' " + out.decodeError;
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    error = "cannot read tensor: " + oneLine(e.what());
  } catch (...) {
    error = "cannot read tensor: unknown error";
  }
  return false;
}

} // namespace lfc::onnx
