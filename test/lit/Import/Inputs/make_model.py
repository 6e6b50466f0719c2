#!/usr/bin/env python3
"""Writes small ONNX models for the importer's lit tests.

Usage: make_model.py KIND OUT.onnx   (KIND: see MODELS below)
Random-looking bytes, truncated and empty files are made with `raw:` kinds.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def vi(name, shape, t=F):
    return helper.make_tensor_value_info(name, t, shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def model(nodes, inputs, outputs, inits=(), opset=13, name="g", ir=None,
          check=True):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="lit")
    m.ir_version = ir if ir is not None else min(8, m.ir_version)
    if check:
        onnx.checker.check_model(m)
    return m


def f32(*shape, seed=0, scale=1.0):
    r = np.random.RandomState(seed)
    return (r.uniform(-1, 1, size=shape) * scale).astype(np.float32)


def gemm():
    # y = 0.5 * x @ W^T + 2 * c, W given transposed (transB=1).
    w = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
    c = np.array([1, -1], np.float32)
    return model([helper.make_node("Gemm", ["x", "w", "c"], ["y"], name="fc1",
                                   alpha=0.5, beta=2.0, transB=1)],
                 [vi("x", ["N", 3])], [vi("y", ["N", 2])],
                 [init("w", w), init("c", c)], name="gemm model")


def gemm_nobias():
    w = np.array([[1, 2], [3, 4], [5, 6]], np.float32)  # [K=3, N=2]
    return model([helper.make_node("Gemm", ["x", "w"], ["y"], name="fc")],
                 [vi("x", [1, 3])], [vi("y", [1, 2])], [init("w", w)])


def gemm_runtime_b():
    return model([helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="g",
                                   alpha=2.0, beta=0.5)],
                 [vi("a", [2, 3]), vi("b", [3, 4]), vi("c", [2, 4])],
                 [vi("y", [2, 4])])


def gemm_transa_runtime():
    return model([helper.make_node("Gemm", ["a", "w"], ["y"], name="g",
                                   transA=1)],
                 [vi("a", [3, 2])], [vi("y", [2, 4])],
                 [init("w", f32(3, 4))])


def gemm_bad_trans():
    return model([helper.make_node("Gemm", ["x", "w"], ["y"], name="fc1",
                                   transB=2)],
                 [vi("x", [1, 3])], [vi("y", [1, 2])],
                 [init("w", f32(2, 3))], check=False)


def mlp():
    # MatMul+Add (constant rhs) and every activation.
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm"),
             helper.make_node("Add", ["h", "b1"], ["h1"], name="add"),
             helper.make_node("Relu", ["h1"], ["a0"], name="relu"),
             helper.make_node("LeakyRelu", ["a0"], ["a1"], name="lrelu",
                              alpha=0.1),
             helper.make_node("Tanh", ["a1"], ["a2"], name="tanh"),
             helper.make_node("Sigmoid", ["a2"], ["a3"], name="sig"),
             helper.make_node("HardSigmoid", ["a3"], ["a4"], name="hsig"),
             helper.make_node("Elu", ["a4"], ["a5"], name="elu", alpha=0.5),
             helper.make_node("Selu", ["a5"], ["a6"], name="selu"),
             helper.make_node("Softplus", ["a6"], ["a7"], name="sp"),
             helper.make_node("Softsign", ["a7"], ["a8"], name="ss"),
             helper.make_node("Div", ["a8", "two"], ["a9"], name="div"),
             helper.make_node("Sub", ["a9", "b1"], ["a10"], name="sub"),
             helper.make_node("Mul", ["a10", "a10"], ["y"], name="mul")]
    return model(nodes, [vi("x", [1, 4])], [vi("y", [1, 3])],
                 [init("w1", f32(4, 3)), init("b1", f32(3, seed=1)),
                  init("two", np.array(2.0, np.float32))])


def clip11():
    return model([helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="c"),
                  helper.make_node("Clip", ["y", "", "hi"], ["z"], name="c2")],
                 [vi("x", [1, 4])], [vi("z", [1, 4])],
                 [init("lo", np.array(-1.5, np.float32)),
                  init("hi", np.array(6.0, np.float32))], opset=11)


def clip6():
    return model([helper.make_node("Clip", ["x"], ["y"], name="c", min=-2.0,
                                   max=2.0)],
                 [vi("x", [1, 4])], [vi("y", [1, 4])], opset=10)


def softmax11():
    return model([helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1)],
                 [vi("x", [1, 2, 3])], [vi("y", [1, 2, 3])], opset=11)


def softmax13():
    return model([helper.make_node("Softmax", ["x"], ["y"], name="sm")],
                 [vi("x", [1, 2, 3])], [vi("y", [1, 2, 3])], opset=13)


def more_acts():
    nodes = [helper.make_node("Erf", ["x"], ["a"], name="erf"),
             helper.make_node("Abs", ["a"], ["b"], name="abs"),
             helper.make_node("HardSwish", ["b"], ["c"], name="hs"),
             helper.make_node("LogSoftmax", ["c"], ["y"], name="lsm", axis=1)]
    return model(nodes, [vi("x", [1, 3])], [vi("y", [1, 3])], opset=14)


def batchnorm():
    # Gemm + BatchNorm (inference) + Relu: canonicalize folds the BN.
    C = 3
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc",
                              transB=1),
             helper.make_node("BatchNormalization",
                              ["h", "s", "t", "mean", "var"], ["n"], name="bn",
                              epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["y"], name="relu")]
    return model(nodes, [vi("x", ["batch", 2])], [vi("y", ["batch", C])],
                 [init("w", f32(C, 2)), init("b", f32(C, seed=1)),
                  init("s", np.array([1, 2, 3], np.float32)),
                  init("t", np.array([0.5, 0, -0.5], np.float32)),
                  init("mean", np.array([0.1, 0.2, 0.3], np.float32)),
                  init("var", np.array([1, 4, 0.25], np.float32))], opset=15)


def conv1d():
    # [1, 2, 5] input, 3 output channels, kernel 3, pad 1, stride 2.
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv",
                              pads=[1, 1], strides=[2], kernel_shape=[3])]
    return model(nodes, [vi("x", [1, 2, 5])], [vi("y", [1, 3, 3])],
                 [init("w", f32(3, 2, 3)), init("b", f32(3, seed=2))])


def conv_zero_stride():
    # libonnx's shape inference divides by the stride.
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv0",
                              pads=[1, 1], strides=[0], kernel_shape=[3])]
    return model(nodes, [vi("x", [1, 2, 5])], [vi("y", [1, 3, 3])],
                 [init("w", f32(3, 2, 3))])


def conv2d():
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv2")]
    return model(nodes, [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 2, 2])],
                 [init("w", f32(1, 1, 3, 3))])


def shapes():
    # Flatten, the torch x.view(x.size(0), -1) chain, Reshape with 0/-1,
    # Unsqueeze/Squeeze, Concat, Identity, Dropout.
    nodes = [helper.make_node("Flatten", ["x"], ["f"], name="flat", axis=1),
             helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "zero"], ["n"], name="gather",
                              axis=0),
             helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq"),
             helper.make_node("Concat", ["n1", "minus1"], ["shp"], name="cat",
                              axis=0),
             helper.make_node("Reshape", ["x", "shp"], ["r"], name="view"),
             helper.make_node("Reshape", ["r", "shp2"], ["r2"], name="resh"),
             helper.make_node("Unsqueeze", ["r2", "axes1"], ["u"], name="u"),
             helper.make_node("Squeeze", ["u", "axes1"], ["q"], name="q"),
             helper.make_node("Identity", ["q"], ["i"], name="id"),
             helper.make_node("Dropout", ["i"], ["d"], name="drop"),
             helper.make_node("Reshape", ["f", "shp"], ["f2"], name="resh2"),
             helper.make_node("Concat", ["d", "f2"], ["y"], name="cat2",
                              axis=-1)]
    return model(nodes, [vi("x", ["N", 2, 3])], [vi("y", ["N", 12])],
                 [init("zero", np.array(0, np.int64)),
                  init("axes0", np.array([0], np.int64)),
                  init("axes1", np.array([1], np.int64)),
                  init("minus1", np.array([-1], np.int64)),
                  init("shp2", np.array([0, -1], np.int64))])


def matmul_rt():
    return model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                 [vi("a", [2, 1, 3, 4]), vi("b", [3, 4, 5])],
                 [vi("y", [2, 3, 3, 5])])


def opset(v):
    def make():
        return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                     [vi("x", [1, 2])], [vi("y", [1, 2])], opset=v,
                     ir=9 if v >= 18 else None, check=False)
    return make


def unsupported():
    return model([helper.make_node("Relu", ["x"], ["h"], name="r"),
                  helper.make_node("Cos", ["h"], ["y"], name="weird")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])])


def nan_init():
    w = f32(2, 2)
    w[1, 0] = np.nan
    return model([helper.make_node("MatMul", ["x", "bad_w"], ["y"], name="mm")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])], [init("bad_w", w)])


def inf_init():
    w = f32(2, 2)
    w[0, 0] = np.inf
    return model([helper.make_node("MatMul", ["x", "w_inf"], ["y"], name="mm")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])], [init("w_inf", w)])


def external():
    t = init("ext_w", f32(2, 2))
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", "weights.bin"
    return model([helper.make_node("MatMul", ["x", "ext_w"], ["y"], name="mm")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])], [t], check=False)


def dyn_dim():
    return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                 [vi("seq_in", ["N", "T", 4])] and [vi("x", ["N", "T", 4])],
                 [vi("y", ["N", "T", 4])])


def dyn_batch():
    return model([helper.make_node("Tanh", ["x"], ["y"], name="t")],
                 [vi("x", ["batch_size", 4])], [vi("y", ["batch_size", 4])])


def int_input():
    return model([helper.make_node("Relu", ["ids"], ["y"], name="r")],
                 [vi("ids", [1, 2], TensorProto.INT32)],
                 [vi("y", [1, 2], TensorProto.INT32)])


def double_init():
    return model([helper.make_node("Gemm", ["x", "wd"], ["y"], name="fc")],
                 [vi("x", [1, 2], TensorProto.DOUBLE)],
                 [vi("y", [1, 2], TensorProto.DOUBLE)],
                 [init("wd", np.ones((2, 2), np.float64))], check=False)


def f64_weight_cast():
    # A float64 initializer reaching an op through a constant Cast is fine;
    # used directly as data it is not.
    return model([helper.make_node("Add", ["x", "w64"], ["y"], name="add")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])],
                 [init("w64", np.ones((1, 2), np.float64))], check=False)


def unknown_input():
    return model([helper.make_node("Add", ["x", "nowhere"], ["y"],
                                   name="add")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])], check=False)


def flatten_bad_axis():
    return model([helper.make_node("Flatten", ["x"], ["y"], name="fl",
                                   axis=5)],
                 [vi("x", [1, 2, 3])], [vi("y", [1, 6])], check=False)


def dropout_mask():
    return model([helper.make_node("Dropout", ["x"], ["y", "mask"], name="dr"),
                  helper.make_node("Cast", ["mask"], ["m"], name="cast",
                                   to=F),
                  helper.make_node("Add", ["y", "m"], ["z"], name="add")],
                 [vi("x", [1, 2])], [vi("z", [1, 2])])


def reshape_runtime_shape():
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"],
                                   name="rs")],
                 [vi("x", [1, 6]), vi("shape", [2], TensorProto.INT64)],
                 [vi("y", [2, 3])], check=False)


def bn_training():
    return model([helper.make_node("BatchNormalization",
                                   ["x", "s", "t", "m", "v"], ["y"], name="bn",
                                   training_mode=1)],
                 [vi("x", [1, 2])], [vi("y", [1, 2])],
                 [init(n, np.ones(2, np.float32)) for n in "stmv"],
                 opset=15, check=False)


def datamove():
    # Run-time data movement on x [1, 2, 3]: Transpose, Slice (step 2),
    # Split, Gather (negative index), Expand; all become lf.gather.
    nodes = [helper.make_node("Transpose", ["x"], ["t"], name="tr",
                              perm=[0, 2, 1]),
             helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["s"],
                              name="sl"),
             helper.make_node("Split", ["x", "parts"], ["p0", "p1"],
                              name="split", axis=2),
             helper.make_node("Gather", ["x", "last"], ["g"], name="ga",
                              axis=2),
             helper.make_node("Expand", ["g", "shp"], ["e"], name="ex")]
    return model(nodes, [vi("x", [1, 2, 3])],
                 [vi("t", [1, 3, 2]), vi("s", [1, 2, 2]), vi("p0", [1, 2, 1]),
                  vi("p1", [1, 2, 2]), vi("e", [2, 1, 2])],
                 [init("st", np.array([0], np.int64)),
                  init("en", np.array([100], np.int64)),
                  init("ax", np.array([-1], np.int64)),
                  init("sp", np.array([2], np.int64)),
                  init("parts", np.array([1, 2], np.int64)),
                  init("last", np.array(-1, np.int64)),
                  init("shp", np.array([2, 1, 2], np.int64))])


def slice10():
    # Opset 10 (inputs) vs opset 9 (attributes): same slice.
    return model([helper.make_node("Slice", ["x", "st", "en"], ["y"],
                                   name="sl")],
                 [vi("x", [1, 4])], [vi("y", [1, 2])],
                 [init("st", np.array([0, 1], np.int64)),
                  init("en", np.array([1, 3], np.int64))], opset=10)


def slice9():
    return model([helper.make_node("Slice", ["x"], ["y"], name="sl",
                                   starts=[1], ends=[3], axes=[1])],
                 [vi("x", [1, 4])], [vi("y", [1, 2])], opset=9)


def split11():
    # Opset 11: sizes in the attribute; equal parts when absent.
    return model([helper.make_node("Split", ["x"], ["a", "b"], name="sp",
                                   axis=1)],
                 [vi("x", [1, 4])], [vi("a", [1, 2]), vi("b", [1, 2])],
                 opset=11)


def maxmin():
    # Max of two run-time tensors, Min with a scalar constant (a clamp),
    # ReduceMean / ReduceMin (opset 13: axes attribute), Pow(x, 2).
    nodes = [helper.make_node("Max", ["x", "z"], ["m"], name="mx"),
             helper.make_node("Min", ["m", "c"], ["n"], name="mn"),
             helper.make_node("ReduceMean", ["n"], ["r"], name="mean",
                              axes=[1], keepdims=0),
             helper.make_node("ReduceMin", ["x"], ["q"], name="rmin",
                              axes=[1], keepdims=1),
             helper.make_node("Pow", ["q", "two"], ["y"], name="pow")]
    return model(nodes, [vi("x", [1, 3]), vi("z", [1, 3])],
                 [vi("r", [1]), vi("y", [1, 1])],
                 [init("c", np.array(0.5, np.float32)),
                  init("two", np.array(2.0, np.float32))])


def bad_perm():
    return model([helper.make_node("Transpose", ["x"], ["y"], name="tr",
                                   perm=[0, 0])],
                 [vi("x", [1, 2])], [vi("y", [1, 2])], check=False)


def empty_slice():
    return model([helper.make_node("Slice", ["x", "st", "en"], ["y"],
                                   name="sl")],
                 [vi("x", [1, 4])], [vi("y", [0, 4])],
                 [init("st", np.array([3], np.int64)),
                  init("en", np.array([1], np.int64))], check=False)


def pow_half():
    return model([helper.make_node("Pow", ["x", "h"], ["y"], name="p")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])],
                 [init("h", np.array(0.5, np.float32))])


def bad_split():
    return model([helper.make_node("Split", ["x", "parts"], ["a", "b"],
                                   name="sp", axis=1)],
                 [vi("x", [1, 4])], [vi("a", [1, 1]), vi("b", [1, 2])],
                 [init("parts", np.array([1, 2], np.int64))], check=False)


def many_unsupported():
    # Every unsupported node is listed, not only the first.
    return model([helper.make_node("Cos", ["x"], ["a"], name="c1"),
                  helper.make_node("Relu", ["a"], ["b"], name="r"),
                  helper.make_node("Sin", ["b"], ["y"], name="s1")],
                 [vi("x", [1, 2])], [vi("y", [1, 2])])


MODELS = {k: v for k, v in globals().items()
          if callable(v) and k not in ("vi", "init", "model", "f32", "opset",
                                       "main")}
MODELS.update({"opset11": opset(11), "opset18": opset(18),
               "opset19": opset(19), "opset20": opset(20),
               "opset5": opset(5)})


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "raw:empty":
        data = b""
    elif kind == "raw:random":
        data = bytes(np.random.RandomState(7).randint(0, 256, 300)
                     .astype(np.uint8))
    elif kind == "raw:truncated":
        data = gemm().SerializeToString()
        data = data[: len(data) // 2]
    elif kind == "raw:text":
        data = b"this is not an onnx model\n"
    else:
        data = MODELS[kind]().SerializeToString()
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
