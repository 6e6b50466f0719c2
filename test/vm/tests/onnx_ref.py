#!/usr/bin/python3
"""onnx_ref.py - independent float64 reference of a small ONNX MLP (Gemm,
MatMul, Add, Relu, Tanh, Sigmoid, Clip, Constant) on fixed-point inputs, for
the VM tests of the userspace deployment: numpy over the ONNX protobuf,
nothing shared with lf-runtime's import (MLIR -> NetSpec -> LibTorch).

usage: onnx_ref.py MODEL.onnx SNAPSHOT.json ROWS.txt
  SNAPSHOT.json: lfc's snapshot metadata (in_frac, out_frac)
  ROWS.txt: one row of raw input integers per line (the input formats)
Prints one row of raw output integers (the output formats) per input row.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def run(model, x):
    vals = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    vals[model.graph.input[0].name] = x
    for n in model.graph.node:
        a = {t.name: onnx.helper.get_attribute_value(t) for t in n.attribute}
        i = [vals[k] if k else None for k in n.input]
        if n.op_type == "Gemm":
            A = i[0].T if a.get("transA", 0) else i[0]
            B = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(i) > 2:
                y = y + a.get("beta", 1.0) * i[2]
        elif n.op_type == "MatMul":
            y = i[0] @ i[1]
        elif n.op_type == "Add":
            y = i[0] + i[1]
        elif n.op_type == "Relu":
            y = np.maximum(i[0], 0)
        elif n.op_type == "Tanh":
            y = np.tanh(i[0])
        elif n.op_type == "Sigmoid":
            y = 1 / (1 + np.exp(-i[0]))
        elif n.op_type == "Clip":
            lo = i[1] if len(i) > 1 and i[1] is not None else -np.inf
            hi = i[2] if len(i) > 2 and i[2] is not None else np.inf
            y = np.clip(i[0], lo, hi)
        elif n.op_type == "Constant":
            y = numpy_helper.to_array(a["value"]).astype(np.float64)
        else:
            sys.exit(f"onnx_ref.py: op {n.op_type} not supported")
        vals[n.output[0]] = y
    return vals[model.graph.output[0].name]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[3])
    model = onnx.load(sys.argv[1])
    meta = json.load(open(sys.argv[2]))
    fin = np.array(meta["in_frac"], dtype=np.float64)
    fout = np.array(meta["out_frac"], dtype=np.float64)
    rows = [[int(v) for v in line.replace(",", " ").split()] for line in open(sys.argv[3]) if line.strip()]
    x = np.array(rows, dtype=np.float64) / 2.0 ** fin
    y = run(model, x)
    q = np.clip(np.round(y * 2.0 ** fout), -2.0 ** 31, 2.0 ** 31 - 1).astype(np.int64)
    for r in q:
        print(" ".join(str(v) for v in r))


main()
