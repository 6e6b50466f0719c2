#!/usr/bin/env python3
"""Exports LiteFlow's reference PyTorch models to ONNX with sample data.

Usage: gen_models.py OUTDIR [--samples N]

For each model NAME writes into OUTDIR:
  NAME.onnx          torch.onnx.export (fixed seeds, eval mode)
  NAME.inputs.csv    one sample a row: the input tensor flattened row-major
  NAME.outputs.csv   PyTorch's outputs for those samples (float32), one a row
and a manifest models.txt listing the names. Run with Debian's python3
(python3-torch 1.13, python3-onnx): /usr/bin/python3 gen_models.py out/
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn


class View(nn.Module):
    """x.view(x.size(0), -1): exported as a Shape/Gather/Concat chain."""

    def forward(self, x):
        return x.view(x.size(0), -1)


class HistoryNet(nn.Module):
    """A history window [N, T=6, F=4] (per-step features, as CC and flow
    models keep them): permute, slice, chunk, max/min, mean/amin, pow, last
    step (a run-time gather), expand, then an MLP head."""

    def __init__(self):
        super().__init__()
        self.head = nn.Sequential(nn.Linear(14, 16), nn.Tanh(),
                                  nn.Linear(16, 2))

    def forward(self, x):
        h = x.permute(0, 2, 1)                 # [N, 4, 6]   Transpose
        h = h[:, :, 1:5]                       # [N, 4, 4]   Slice
        a, b = torch.chunk(h, 2, dim=1)        # [N, 2, 4]   Split
        m = torch.maximum(a, b) + 0.5 * torch.minimum(a, b)
        d = (a - b).pow(2).mean(dim=2)         # [N, 2]      Pow, ReduceMean
        lo = torch.amin(m, dim=2)              # [N, 2]      ReduceMin
        last = x[:, -1, :]                     # [N, 4]      Gather
        rel = x - x[:, :1, :].expand(-1, 6, -1)  # Expand
        f = torch.cat([m.mean(dim=2), d, lo, last,
                       rel.abs().amax(dim=1)], dim=1)  # [N, 14]
        return self.head(f.clamp(-3.0, 3.0))


def mlp(sizes, act, out_act=None):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    if out_act is not None:
        layers.append(out_act)
    return nn.Sequential(*layers)


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=gen) * 2 + 0.2)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.2)


def build(name):
    """Returns (module, input shape without batch, dynamic batch?, opset)."""
    base, _, op = name.partition("_op")
    opset = int(op) if op else 14
    if base == "aurora":    # Aurora congestion control: 30 -> 32 -> 16 -> 1
        return mlp([30, 32, 16, 1], nn.Tanh), (30,), False, opset
    if base == "mocc":      # MOCC: 40 -> 64 -> 32 -> 1
        return mlp([40, 64, 32, 1], nn.Tanh), (40,), False, opset
    if base == "ffnn":      # FLUX FFNN: 8 -> 5 -> 5 -> 1, ReLU
        return mlp([8, 5, 5, 1], nn.ReLU), (8,), False, opset
    if base == "lb_mlp":    # load balancer: 12 -> 32 -> 4, softmax output
        return mlp([12, 32, 4], nn.Tanh, nn.Softmax(dim=1)), (12,), False, opset
    if base == "bn_mlp":    # Linear + BatchNorm1d (eval) + ReLU
        m = nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(),
                          nn.Linear(16, 8), nn.BatchNorm1d(8), nn.ReLU(),
                          nn.Linear(8, 2))
        return m, (10,), False, opset
    if base == "dyn_batch":  # dynamic batch axis and a view(N, -1)
        m = nn.Sequential(View(), nn.Linear(10, 16), nn.Sigmoid(),
                          nn.Linear(16, 3))
        return m, (2, 5), True, opset
    if base == "conv1d":    # 1-D conv net over [N, C, L]
        m = nn.Sequential(nn.Conv1d(2, 4, 3, padding=1), nn.ReLU(),
                          nn.Conv1d(4, 3, 3, stride=2), nn.ReLU(),
                          nn.Flatten(), nn.Linear(9, 2))
        return m, (2, 8), False, opset
    if base == "gelu_mlp":  # GELU (exported through Erf) and a log-softmax head
        m = nn.Sequential(nn.Linear(12, 24), nn.GELU(), nn.Linear(24, 16),
                          nn.Hardswish(), nn.Linear(16, 4),
                          nn.LogSoftmax(dim=1))
        return m, (12,), False, opset
    if base == "history":   # data movement over a history window
        return HistoryNet(), (6, 4), False, opset
    raise ValueError(name)


MODELS = ["aurora", "mocc", "ffnn", "lb_mlp", "bn_mlp", "dyn_batch", "conv1d",
          "aurora_op11", "aurora_op13", "lb_mlp_op11", "lb_mlp_op13",
          "bn_mlp_op11", "bn_mlp_op13", "dyn_batch_op11", "gelu_mlp",
          "gelu_mlp_op17", "history", "history_op11", "history_op13"]


def export(name, outdir, samples):
    seed = sum(map(ord, name.partition("_op")[0]))
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model, shape, dynamic, opset = build(name)
    randomize_bn(model, gen)
    model.eval()
    path = os.path.join(outdir, name + ".onnx")
    dummy = torch.randn((1,) + shape, generator=gen)
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"x": {0: "batch"}, "y": {0: "batch"}}
    torch.onnx.export(model, dummy, path, input_names=["x"],
                      output_names=["y"], opset_version=opset,
                      do_constant_folding=True, **kwargs)
    x = torch.randn((samples,) + shape, generator=gen) * 1.5
    with torch.no_grad():
        y = model(x)
    fmt = "%.9g"
    np.savetxt(os.path.join(outdir, name + ".inputs.csv"),
               x.reshape(samples, -1).numpy(), fmt=fmt, delimiter=",",
               header="%s inputs %s, one sample a row" % (name, list(shape)))
    np.savetxt(os.path.join(outdir, name + ".outputs.csv"),
               y.reshape(samples, -1).numpy(), fmt=fmt, delimiter=",",
               header="%s PyTorch outputs" % name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--only", nargs="*", help="subset of " + " ".join(MODELS))
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    names = args.only or MODELS
    for n in names:
        export(n, args.outdir, args.samples)
    with open(os.path.join(args.outdir, "models.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
