#!/usr/bin/env python3
"""Generates the bundled Aurora example (run once; the outputs are committed).

Usage: /usr/bin/python3 examples/aurora/make_model.py [OUTDIR]   (default: this folder)

Writes:
  aurora.onnx     Aurora's policy net, 30 -> 32 -> 16 -> 1 with tanh: the same
                  architecture, seed and export as test/models/gen_models.py's
                  "aurora" (its build() and export rules are imported, not copied)
  aurora_v2.onnx  the same net with slightly different weights (v1 + 0.02 *
                  N(0, 1), seed 2): a second snapshot version of the same model
  inputs.csv      a few input rows (N(0, 1.5^2), clipped to the input range)
  ranges.txt      the --input-range given to lfc (one lo,hi pair for all 30 inputs)
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "models"))
import gen_models  # noqa: E402

RANGE = (-6.0, 6.0)
ROWS = 4


def export(model, path, opset):
    dummy = torch.zeros((1, 30))
    torch.onnx.export(model, dummy, path, input_names=["x"], output_names=["y"],
                      opset_version=opset, do_constant_folding=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    seed = sum(map(ord, "aurora"))          # gen_models.export's seed rule
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model, shape, _, opset = gen_models.build("aurora")
    model.eval()
    export(model, os.path.join(out, "aurora.onnx"), opset)

    g2 = torch.Generator().manual_seed(2)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=g2) * 0.02)
    export(model, os.path.join(out, "aurora_v2.onnx"), opset)

    x = (torch.randn((ROWS,) + shape, generator=gen) * 1.5).clamp(RANGE[0] + 0.1, RANGE[1] - 0.1)
    np.savetxt(os.path.join(out, "inputs.csv"), x.numpy(), fmt="%.6g", delimiter=",",
               header="aurora inputs [30], one sample a row")
    with open(os.path.join(out, "ranges.txt"), "w") as f:
        f.write("%g,%g\n" % RANGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
