#!/usr/bin/python3
"""Trains the flow-size predictor of lf_fs (FLUX's FFNN: 2 hidden layers of 5, ReLU).

Usage: /usr/bin/python3 examples/fs/train_ffnn.py [--out DIR] [--seed N] [--quick]

The predictor's interface is lf_fs.ko's (kmod/apps/fs/lf_fs_feat.c), 4 inputs
known when a flow sends its first data packet, all log2 values in the kernel's
piecewise-linear log2 (lg() below, Q8 in the kernel):
  0  lg(payload bytes of the flow's first data packet)
  1  1 if that packet carries PSH, else 0
  2  per destination port: EWMA (weight 1/4) of lg(size) of the port's finished
     flows, 0 when the port has no history
  3  per host pair: EWMA (weight 1/16) of lg(size) of the pair's finished flows
Output: lg(size in bytes) of the flow (the label lf_fs sends at the flow's end).

Training data: the workload of bench/eval (lf_fsgen): flows of K services
(destination ports), sizes drawn from a flow-size CDF where service k draws the
k-th quantile band, so the port's history carries information (FLUX's premise:
an application's flows have similar sizes).  The first packet of a flow carries
the first 2, 3, 4 or 10 segments of 1448 bytes (TCP's size goal), with PSH when
the flow ends there and, mostly, also when it does not.  Workloads: web search
scaled by 0.05-0.2 and data mining truncated at 1-10 MB, 2-8 services.

Writes into DIR (default: this folder): ffnn.onnx (opset 13), ranges_ffnn.txt
(lfc --input-range), train_report.json (losses).  About 20 s on one core.
"""
import argparse
import json
import math
import os

import numpy as np
import torch
from torch import nn

MSS = 1448
# The first data packet carries at most TCP's size goal at the time: 2-3
# segments when TSO autosizing follows the initial pacing rate (what the
# project's VM shows at a few ms of RTT), up to the initial window (10).
GOALS = np.array([2 * MSS, 3 * MSS, 4 * MSS, 10 * MSS])
# Linux sets PSH on that packet also when more of the write follows (seen in
# the VM): the flag is only weakly informative.
PSH_BIG = 0.8
LG_MAX = 32.0
HERE = os.path.dirname(os.path.abspath(__file__))
CDF_DIR = os.path.join(HERE, "..", "..", "bench", "eval", "cdf")


def lg(x):
    """The kernel's log2: exponent + linear mantissa, 8 fractional bits."""
    x = np.maximum(np.asarray(x, dtype=np.int64), 1)
    e = np.floor(np.log2(x)).astype(np.int64)
    # exact integer exponent (float log2 can be off by one at powers of two)
    e = np.where((1 << (e + 1)) <= x, e + 1, e)
    e = np.where((1 << e) > x, e - 1, e)
    frac = ((x - (1 << e)) << 8) >> e
    return (e * 256 + frac) / 256.0


def read_cdf(path):
    pts = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            s, p = line.split()
            pts.append((float(s), float(p)))
    return np.array(pts)


def draw(cdf, u, scale, max_size):
    """lf_fsgen's inverse CDF: first size below the first probability, linear between points."""
    x, p = cdf[:, 0], cdf[:, 1]
    s = np.interp(u, p, x, left=x[0])
    return np.clip(np.round(s * scale), 1, max_size).astype(np.int64)


def workload(rng, cdf, scale, max_size, k, n):
    svc = rng.integers(0, k, n)
    u = (svc + rng.random(n)) / k
    size = draw(cdf, u, scale, max_size)
    port_h = np.zeros(k)
    pair_h = 0.0
    feats = np.zeros((n, 4), dtype=np.float32)
    lag = 8    # history is updated at flow end: a few flows later
    goal = rng.choice(GOALS, n)
    psh_big = rng.random(n) < PSH_BIG
    for i in range(n):
        first = min(size[i], goal[i])
        feats[i] = (lg(first), 1.0 if size[i] <= first or psh_big[i] else 0.0, port_h[svc[i]], pair_h)
        j = i - lag
        if j >= 0:
            l = lg(size[j])
            port_h[svc[j]] = l if port_h[svc[j]] == 0 else port_h[svc[j]] + (l - port_h[svc[j]]) / 4
            pair_h = l if pair_h == 0 else pair_h + (l - pair_h) / 16
    return feats, lg(size).astype(np.float32)


def dataset(rng, n_each):
    ws, dm = read_cdf(os.path.join(CDF_DIR, "websearch.cdf")), read_cdf(os.path.join(CDF_DIR, "datamining.cdf"))
    xs, ys = [], []
    for scale in (0.05, 0.1, 0.2):
        for k in (2, 4, 8):
            x, y = workload(rng, ws, scale, 1 << 30, k, n_each)
            xs.append(x); ys.append(y)
    for cap in (1 << 20, 4 << 20, 10 << 20):
        for k in (2, 4, 8):
            x, y = workload(rng, dm, 1.0, cap, k, n_each)
            xs.append(x); ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    torch.manual_seed(a.seed)
    n_each = 300 if a.quick else 3000
    x, y = dataset(rng, n_each)
    xv, yv = dataset(np.random.default_rng(a.seed + 1000), n_each // 3)
    net = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 5), nn.ReLU(), nn.Linear(5, 1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    xt, yt = torch.tensor(x), torch.tensor(y)[:, None]
    steps = 300 if a.quick else 4000
    for step in range(steps):
        idx = torch.randint(0, len(xt), (512,))
        loss = ((net(xt[idx]) - yt[idx]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step == steps // 2:
            for g in opt.param_groups:
                g["lr"] = 2e-3
    with torch.no_grad():
        pv = net(torch.tensor(xv))[:, 0].numpy()
    mse = float(np.mean((pv - yv) ** 2))
    # baseline: always predict the mean log size
    base = float(np.mean((yv.mean() - yv) ** 2))
    # fraction of flows whose predicted size is within 2x of the real size
    within2 = float(np.mean(np.abs(pv - yv) <= 1.0))
    net.eval()
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(net, torch.zeros((1, 4)), os.path.join(a.out, "ffnn.onnx"),
                      input_names=["x"], output_names=["y"], opset_version=13, do_constant_folding=True)
    with open(os.path.join(a.out, "ranges_ffnn.txt"), "w") as f:
        f.write("0,%g,0,1,0,%g,0,%g\n" % (LG_MAX, LG_MAX, LG_MAX))
    rep = {"samples": int(len(x)), "validation_mse_log2": mse, "constant_mse_log2": base,
           "within_2x": within2, "seed": a.seed, "steps": steps}
    with open(os.path.join(a.out, "train_report.json"), "w") as f:
        json.dump(rep, f, indent=1)
        f.write("\n")
    print("ffnn: validation MSE %.3f (log2^2; constant predictor %.3f), %.0f%% within 2x"
          % (mse, base, 100 * within2))


if __name__ == "__main__":
    main()
