#!/usr/bin/env python3
"""Writes small ONNX models for the lfc CLI tests.

Usage: make_lfc_model.py KIND OUT.onnx
KIND is one of test/lit/Import/Inputs/make_model.py's kinds (including the
raw: ones) or one of the extra kinds below.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Import", "Inputs"))
import make_model as mm  # noqa: E402
import numpy as np  # noqa: E402
from onnx import helper  # noqa: E402


def tiny():
    # y = tanh(x @ W + b), x [1, 2] -> y [1, 2]: one fc and one table.
    w = np.array([[0.5, -1.0], [0.25, 2.0]], np.float32)
    b = np.array([0.1, -0.2], np.float32)
    return mm.model([helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
                     helper.make_node("Add", ["h", "b"], ["a"], name="add"),
                     helper.make_node("Tanh", ["a"], ["y"], name="act")],
                    [mm.vi("x", [1, 2])], [mm.vi("y", [1, 2])],
                    [mm.init("w", w), mm.init("b", b)], name="tiny")


def div_rt():
    # Division by a run-time input: no fixed-point range if it includes 0.
    return mm.model([helper.make_node("Div", ["a", "b"], ["y"], name="ratio")],
                    [mm.vi("a", [1, 2]), mm.vi("b", [1, 2])],
                    [mm.vi("y", [1, 2])])


def wide():
    # A 1000-wide hidden layer: 4000 bytes of intermediate buffers, over the
    # snapshot's stack budget.
    return mm.model([helper.make_node("Gemm", ["x", "w1"], ["h"], name="fc1",
                                      transB=1),
                     helper.make_node("Relu", ["h"], ["r"], name="relu"),
                     helper.make_node("Gemm", ["r", "w2"], ["y"], name="fc2",
                                      transB=1)],
                    [mm.vi("x", [1, 4])], [mm.vi("y", [1, 1])],
                    [mm.init("w1", mm.f32(1000, 4)),
                     mm.init("w2", mm.f32(1, 1000, seed=1))])


def empty_weight():
    # x [1, 2] @ w [2, 0]: a zero-size output (crashed lfc before issue 15).
    return mm.model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                    [mm.vi("x", [1, 2])], [mm.vi("y", [1, 0])],
                    [mm.init("w", np.zeros((2, 0), np.float32))])


def empty_hidden():
    # A zero-size hidden layer between two MatMuls.
    return mm.model([helper.make_node("MatMul", ["x", "w1"], ["h"],
                                      name="mm1"),
                     helper.make_node("MatMul", ["h", "w2"], ["y"],
                                      name="mm2")],
                    [mm.vi("x", [1, 2])], [mm.vi("y", [1, 3])],
                    [mm.init("w1", np.zeros((2, 0), np.float32)),
                     mm.init("w2", np.zeros((0, 3), np.float32))])


EXTRA = {"tiny": tiny, "div_rt": div_rt, "wide": wide,
         "empty_weight": empty_weight, "empty_hidden": empty_hidden}


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind in EXTRA:
        with open(out, "wb") as f:
            f.write(EXTRA[kind]().SerializeToString())
    else:
        sys.argv = [sys.argv[0], kind, out]
        mm.main()


if __name__ == "__main__":
    main()
