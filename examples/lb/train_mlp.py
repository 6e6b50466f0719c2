#!/usr/bin/python3
"""Trains the path-scoring MLP of lf_lb (LiteFlow load balancing, the paper's section 5.3).

Usage: /usr/bin/python3 examples/lb/train_mlp.py [--out DIR] [--seed N] [--quick]

The MLP's interface is lf_lb.ko's (kmod/apps/lb/lf_lb.h): 8 path slots of 6
features each (48 inputs, slot-major), all 0 for a missing or down path:
  0  1 (the path is up)
  1  lg(smoothed RTT of the path in us) - the lowest lg(srtt) of the up paths
  2  loss on the path in percent (retransmitted / sent packets)
  3  lg(sending rate on the path in kbit/s + 1)
  4  flows on the path now
  5  lg(throughput in kbit/s) recent flows got on the path (EWMA over the flows
     that ended there; 0 before the first)
where lg is the kernel's piecewise-linear log2 (lg() below).  Outputs: 8
scores, the predicted lg(kbit/s) of the throughput a new flow would get on
each path (bytes x 8 / FCT); lf_lb picks the up path with the highest score,
and labels a finished flow with what it got on its path (lf-runtime's MSE
objective on that output; the others keep the kernel's own outputs).

Training data: synthetic path states.  Per sample, 2-8 paths (some down);
each with a capacity of 0.5-100 Mbit/s, a base RTT of 1-50 ms, random loss
(0 for most, else 0.1-3%), a drop-tail queue of 20-200 packets and 0-20
flows demanding 0.3-30 Mbit/s each.  What the kernel would see follows from
those: the sending rate min(demand, capacity), the RTT with the queueing delay
(a full queue when demand exceeds capacity, M/M/1 otherwise), the loss plus the
queue's overflow.  The target of a path is lg of a 100 KB flow's throughput
there: its fair share (the spare capacity, or capacity / (flows + 1) on a
full path), at most the loss-limited rate (Mathis: 1.22 MSS / (RTT sqrt p)),
with slow start's round trips in its FCT.  The capacity is hidden from the
MLP: it infers it from the rate, the RTT inflation, the loss and what recent
flows got there (the target's own history: the target plus noise of about 1.4x,
measured with other flows and sizes; unknown on 20% of the paths), as lf_lb
does from the datapath; online adaptation then learns what each slot's path
really gives (bench/eval/scenarios/lb).

Writes into DIR (default: this folder): lbmlp.onnx (opset 13), ranges_lbmlp.txt
(lfc --input-range), train_report.json (losses, and how often the MLP's pick
is within 10% of the best path's throughput, against ECMP's random pick).
About 30 s on one core.
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
P = 8           # path slots
F = 6           # features per path
MSS = 1448
SIZE = 100e3    # bytes of the flow the target describes
RANGES = [(0, 1), (0, 12), (0, 100), (0, 24), (0, 255), (0, 24)]   # per feature


def lg(x):
    """The kernel's lf_lb_lg() on real values: exponent + linear mantissa."""
    x = np.maximum(np.asarray(x, dtype=np.float64), 0)
    out = np.zeros_like(x)
    nz = x >= 1
    e = np.floor(np.log2(np.where(nz, x, 1)))
    out[nz] = e[nz] + (x[nz] - 2 ** e[nz]) / 2 ** e[nz]
    return out


def sample(rng, n):
    x = np.zeros((n, P, F), dtype=np.float32)
    y = np.zeros((n, P), dtype=np.float32)
    up = np.zeros((n, P), dtype=bool)
    for i in range(n):
        k = rng.integers(2, P + 1)
        u = np.zeros(P, dtype=bool)
        u[:k] = True
        # some paths down
        u[:k] &= rng.random(k) > 0.1
        if not u.any():
            u[rng.integers(0, k)] = True
        cap = np.exp(rng.uniform(np.log(0.5), np.log(100), P)) * 1e3          # kbit/s
        base = rng.uniform(1, 50, P) * 1e3                                    # us
        loss = np.where(rng.random(P) < 0.75, 0, rng.uniform(0.1, 3, P))     # percent
        queue = rng.uniform(20, 200, P)                                       # packets
        flows = np.minimum(rng.poisson(rng.uniform(0, 8), P), 20)
        demand = flows * np.exp(rng.uniform(np.log(300), np.log(30e3), P))    # kbit/s
        rate = np.minimum(demand, cap)
        util = demand / cap
        pkt_us = MSS * 8 / cap * 1e3
        qdelay = np.where(util >= 1, queue * pkt_us * rng.uniform(0.5, 1, P),
                          pkt_us * util / np.maximum(1 - util, 0.05))
        srtt = base + qdelay
        ovf = np.where(util > 1, (1 - 1 / np.maximum(util, 1)) * rng.uniform(0.05, 0.3) * 100, 0)
        seen_loss = np.minimum(loss + ovf, 100)
        # throughput a new 100 KB flow would get
        share = np.where(util >= 1, cap / (flows + 1), np.maximum(cap - rate, cap / (flows + 1)))
        p = np.maximum(seen_loss / 100, 1e-9)
        mathis = np.where(seen_loss > 0, 1.22 * MSS * 8 / (srtt * 1e-6) / np.sqrt(p) / 1e3, np.inf)
        thr = np.minimum(share, mathis)                                        # kbit/s
        rounds = np.log2(SIZE / (10 * MSS) + 1)
        fct = rounds * srtt * 1e-6 + SIZE * 8 / (thr * 1e3)                    # s
        target = lg(SIZE * 8 / fct / 1e3)
        lsr = lg(srtt)
        mn = lsr[u].min()
        x[i, :, 0] = u
        x[i, :, 1] = np.where(u, lsr - mn, 0)
        x[i, :, 2] = np.where(u, seen_loss, 0)
        x[i, :, 3] = np.where(u, lg(rate + 1), 0)
        x[i, :, 4] = np.where(u, flows, 0)
        seen = np.clip(target + rng.normal(0, 0.5, P), 0, 24)
        x[i, :, 5] = np.where(u & (rng.random(P) > 0.2), seen, 0)
        y[i] = np.where(u, target, 0)
        up[i] = u
    return x.reshape(n, P * F), y, up


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    torch.manual_seed(a.seed)
    n = 4000 if a.quick else 40000
    x, y, up = sample(rng, n)
    xv, yv, upv = sample(np.random.default_rng(a.seed + 1000), n // 4)
    net = nn.Sequential(nn.Linear(P * F, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, P))
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    xt, yt, mt = torch.tensor(x), torch.tensor(y), torch.tensor(up, dtype=torch.float32)
    steps = 500 if a.quick else 6000
    for step in range(steps):
        idx = torch.randint(0, len(xt), (512,))
        # only up paths have a target
        loss = (((net(xt[idx]) - yt[idx]) ** 2) * mt[idx]).sum() / mt[idx].sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step == steps * 2 // 3:
            for g in opt.param_groups:
                g["lr"] = 5e-4
    net.eval()
    with torch.no_grad():
        pv = net(torch.tensor(xv)).numpy()
    m = upv
    mse = float((((pv - yv) ** 2) * m).sum() / m.sum())
    base = float((((yv - (yv * m).sum() / m.sum()) ** 2) * m).sum() / m.sum())
    # the pick: the up path with the highest score, against a random up path
    best = np.where(m, yv, -np.inf).max(1)
    pick = np.where(m, pv, -np.inf).argmax(1)
    got = yv[np.arange(len(yv)), pick]
    good = float(np.mean(got >= best - np.log2(1.1)))
    rnd = float(np.mean([(yv[i][m[i]] >= best[i] - np.log2(1.1)).mean() for i in range(len(yv))]))
    os.makedirs(a.out, exist_ok=True)
    torch.onnx.export(net, torch.zeros((1, P * F)), os.path.join(a.out, "lbmlp.onnx"),
                      input_names=["x"], output_names=["y"], opset_version=13, do_constant_folding=True)
    with open(os.path.join(a.out, "ranges_lbmlp.txt"), "w") as f:
        f.write(",".join("%g,%g" % RANGES[j % F] for j in range(P * F)) + "\n")
    rep = {"samples": int(len(x)), "validation_mse_log2": mse, "constant_mse_log2": base,
           "pick_within_10pct_of_best": good, "random_pick_within_10pct": rnd, "seed": a.seed,
           "steps": steps}
    with open(os.path.join(a.out, "train_report.json"), "w") as f:
        json.dump(rep, f, indent=1)
        f.write("\n")
    print("lbmlp: validation MSE %.3f (log2^2; constant %.3f); pick within 10%% of the best path %.0f%% "
          "(random up path: %.0f%%)" % (mse, base, 100 * good, 100 * rnd))


if __name__ == "__main__":
    main()
