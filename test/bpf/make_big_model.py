#!/usr/bin/env python3
"""MLPs for the BPF backend's limits.

  make_big_model.py deep OUT.onnx   8-64, then 10 layers alternating 64-32 and
                                    32-64 (2,048 MACs each: plain loops), then
                                    1: over the verifier budget (lfc refuses,
                                    naming a 'mid_N' layer)
  make_big_model.py wide OUT.onnx   8-256-256-1: the 65,536-MAC middle layer
                                    ('wide_fc') fits only under bpf_loop
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

kind, path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
if kind == "deep":
    dims = [("in_fc", 8, 64)] + [("mid_%d" % i, 64 if i % 2 == 0 else 32, 32 if i % 2 == 0 else 64)
                                 for i in range(10)] + [("out_fc", 64, 1)]
else:
    dims = [("in_fc", 8, 256), ("wide_fc", 256, 256), ("out_fc", 256, 1)]
nodes, inits, x = [], [], "x"
for j, (name, k, n) in enumerate(dims):
    w = numpy_helper.from_array((rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32), name + "_w")
    b = numpy_helper.from_array((rng.standard_normal(n) * 0.1).astype(np.float32), name + "_b")
    out = "y" if j == len(dims) - 1 else name + "_out"
    nodes.append(helper.make_node("Gemm", [x, w.name, b.name], [out], name=name, transB=1))
    inits += [w, b]
    if out != "y":
        nodes.append(helper.make_node("Relu", [out], [name + "_act"], name=name + "_relu"))
        x = name + "_act"
graph = helper.make_graph(nodes, kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
