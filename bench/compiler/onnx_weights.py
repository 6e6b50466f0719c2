#!/usr/bin/env python3
"""Dumps an MLP's ONNX graph (Gemm/MatMul+Add, Tanh/Relu/Sigmoid) as plain text
for lf-bench-torch: one op a line, `linear OUT IN` followed by a line of
OUT*IN weights (row-major, [out][in]) and a line of OUT biases, or `tanh`,
`relu`, `sigmoid`.

Usage: onnx_weights.py MODEL.onnx OUT.txt   (Debian's python3-onnx)
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    model = onnx.load(sys.argv[1])
    g = model.graph
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:  # Constant nodes can hold weights too
        if n.op_type == "Constant":
            init[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    ops = []
    pending = None
    for n in g.node:
        if n.op_type == "Gemm":
            attrs = {a.name: onnx.helper.get_attribute_value(a)
                     for a in n.attribute}
            w = init[n.input[1]].astype(np.float64)
            if not attrs.get("transB", 0):
                w = w.T
            w = w * attrs.get("alpha", 1.0)
            b = (init[n.input[2]].astype(np.float64) * attrs.get("beta", 1.0)
                 if len(n.input) > 2 else np.zeros(w.shape[0]))
            ops.append(("linear", w, np.broadcast_to(b, (w.shape[0],))))
        elif n.op_type == "MatMul":
            pending = init[n.input[1]].astype(np.float64).T
        elif n.op_type == "Add" and pending is not None:
            b = init.get(n.input[1], init.get(n.input[0]))
            ops.append(("linear", pending, np.asarray(b, np.float64)))
            pending = None
        elif n.op_type in ("Tanh", "Relu", "Sigmoid"):
            ops.append((n.op_type.lower(),))
        elif n.op_type in ("Constant", "Identity", "Flatten"):
            continue
        else:
            sys.exit("onnx_weights.py: unsupported op " + n.op_type)
    with open(sys.argv[2], "w") as f:
        for op in ops:
            if op[0] != "linear":
                f.write(op[0] + "\n")
                continue
            _, w, b = op
            f.write("linear %d %d\n" % w.shape)
            f.write(" ".join("%.9g" % v for v in w.reshape(-1)) + "\n")
            f.write(" ".join("%.9g" % v for v in b) + "\n")


if __name__ == "__main__":
    main()
