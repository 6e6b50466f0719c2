#!/usr/bin/env python3
"""An MLP too large for the BPF verifier (a 1024x1024 hidden layer named
'huge_fc'), for lfc's one-line refusal.  Usage: make_big_model.py OUT.onnx"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def gemm(name, x, k, n, out):
    w = numpy_helper.from_array((rng.standard_normal((n, k)) * 0.05).astype(np.float32), name + "_w")
    b = numpy_helper.from_array(np.zeros(n, np.float32), name + "_b")
    return helper.make_node("Gemm", [x, w.name, b.name], [out], name=name, transB=1), [w, b]


nodes, inits = [], []
for name, x, k, n, out in [("in_fc", "x", 8, 1024, "h0"), ("huge_fc", "a0", 1024, 1024, "h1"),
                           ("out_fc", "a1", 1024, 1, "y")]:
    node, init = gemm(name, x, k, n, out)
    nodes.append(node)
    inits += init
    if out != "y":
        nodes.append(helper.make_node("Relu", [out], ["a" + out[1:]], name=name + "_relu"))
graph = helper.make_graph(nodes, "big", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, sys.argv[1])
