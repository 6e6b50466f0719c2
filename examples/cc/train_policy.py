#!/usr/bin/env python3
"""Trains the bundled congestion-control policies of lf_cc (lf_aurora, lf_mocc).

Usage: python3 examples/cc/train_policy.py [--out DIR] [--seed N] [--quick]

Aurora's interface (kmod/apps/cc/lf_cc_aurora.c): per monitor interval (MI) the
features (latency gradient, latency ratio, sending ratio) over a history of 10
MIs, newest last (30 inputs; MOCC adds its 3 objective weights); one action a
per MI, rate *= 1 + 0.025 a (a >= 0) or rate /= 1 - 0.025 a.

Method: a small fluid link simulator (bottleneck rate, base RTT, drop-tail
queue, random loss; the sender observes each MI's features one RTT late, as
ACK-clocked measurement does, with per-MI measurement noise).  A sound
delay-based teacher (keep the latency
ratio near 1.5 (MOCC: 1.2-1.6 by its weights), brake on a rising gradient or
a sending ratio above 1.15,
probe fast on an empty path) is imitated with DAgger by the Aurora net
30 -> 32 -> 16 -> 1 (tanh) with its output clipped to the action range [-4, 4]
(the clip fixes the output format, so sane and absurd snapshots of one model
share an arch hash).  Then a short REINFORCE fine-tuning on Aurora's reward
(10 x throughput - 1000 x latency - 2000 x loss, packets/s and s), kept only
if it improves the mean reward on held-out links.

Writes into DIR (default: this folder):
  aurora.onnx, mocc.onnx       the policies (opset 13)
  aurora_sat_hi.onnx,          the Aurora net with its output saturated at
  aurora_sat_lo.onnx           +4 / -4 (tests of the kernel's guardrails)
  ranges_aurora.txt, ranges_mocc.txt   lfc --input-range of each
  train_report.json            losses and simulated rewards
Runs in about a minute on one core (--quick: a few seconds, for tests).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from torch import nn

HIST = 10
NFEAT = 3
AMAX = 4.0
TARGET = 1.5              # Aurora teacher's latency ratio: RTT <= 1.5 x base
GRAD_MAX = 2.0
RATIO_MAX = 8.0
LAG = 2                   # MIs between sending and measuring (MI ~ RTT/2)
HERE = os.path.dirname(os.path.abspath(__file__))


class Links:
    """A batch of fluid bottleneck links, one MI per step."""

    def __init__(self, rng, n, bw=None, rtt=None):
        self.rng = rng
        self.n = n
        # packets/s: 1.5 Mbit/s .. 120 Mbit/s at 1500 B
        self.bw = bw if bw is not None else np.exp(rng.uniform(np.log(125), np.log(10000), n))
        self.r0 = rtt if rtt is not None else rng.uniform(0.005, 0.2, n)   # base RTT, s
        bdp = self.bw * self.r0
        self.qmax = np.maximum(bdp * rng.uniform(0.2, 3.0, n), 8.0)
        self.loss = np.where(rng.uniform(size=n) < 0.3, rng.uniform(0, 0.02, n), 0.0)
        self.q = np.zeros(n)
        self.rate = 10.0 / self.r0                       # initial cwnd 10 per RTT
        self.pending = [self._obs0() for _ in range(LAG)]  # measurements in flight
        self.hist = np.tile(np.array([0.0, 1.0, 1.0]), (n, HIST, 1))

    def _obs0(self):
        return np.tile(np.array([0.0, 1.0, 1.0]), (self.n, 1)), np.zeros(self.n)

    def obs(self):
        return self.hist.reshape(self.n, HIST * NFEAT).copy()

    def step(self, action):
        """Apply one action per link, simulate one MI; returns Aurora's reward."""
        a = np.clip(action, -AMAX, AMAX)
        self.rate = np.where(a >= 0, self.rate * (1 + 0.025 * a), self.rate / (1 - 0.025 * a))
        self.rate = np.clip(self.rate, 17.0, 2e5)        # 200 kbit/s floor as lf_cc
        srtt = self.r0 + self.q / self.bw
        T = np.maximum(0.5 * srtt, 5.0 / self.rate)
        arr = self.rate * T
        rnd = arr * self.loss
        arr_ok = arr - rnd
        served = np.minimum(self.bw * T, self.q + arr_ok)
        q1 = self.q + arr_ok - served
        drop = np.maximum(q1 - self.qmax, 0.0)
        q1 = q1 - drop
        rtt_a = self.r0 + (0.75 * self.q + 0.25 * q1) / self.bw
        rtt_b = self.r0 + (0.25 * self.q + 0.75 * q1) / self.bw
        grad = np.clip((rtt_b - rtt_a) / T, -GRAD_MAX, GRAD_MAX)
        lat = 0.5 * (rtt_a + rtt_b)
        lr = np.clip(lat / self.r0, 0, RATIO_MAX)
        lossr = (rnd + drop) / np.maximum(arr, 1e-9)
        self.q = q1
        # measured one RTT later: the sending ratio compares what is sent now
        # with what is delivered of what was sent then
        feat = np.stack([grad, lr, np.ones(self.n)], axis=1)
        delivered = served - 0.0
        self.pending.append((feat, delivered / T))
        old, dlv_rate = self.pending.pop(0)
        sr = np.where(dlv_rate > 0, self.rate / np.maximum(dlv_rate, 1e-9), 1.0)
        sr = np.where(sr > 1000, 1.0, np.clip(sr, 0, RATIO_MAX))
        old = old.copy()
        old[:, 2] = sr
        # measurement noise of a few packets per MI, as the kernel sees it
        noisy = self.rng.standard_normal((self.n, 3))
        old[:, 0] = np.clip(old[:, 0] + 0.1 * noisy[:, 0], -GRAD_MAX, GRAD_MAX)
        old[:, 1] = np.clip(old[:, 1] * (1 + 0.05 * noisy[:, 1]), 0, RATIO_MAX)
        old[:, 2] = np.clip(old[:, 2] * (1 + 0.3 * noisy[:, 2]), 0, RATIO_MAX)
        self.hist = np.concatenate([self.hist[:, 1:], old[:, None, :]], axis=1)
        thpt = served / T
        return 0.001 * (10 * thpt - 1000 * lat - 2000 * lossr), thpt / self.bw, lr


def teacher(obs, target):
    """Delay-based controller on the newest (observed) MIs.

    Keeps the latency ratio near the target (proportional on the mean of the
    two newest MIs), brakes on a rising gradient and on a sending ratio beyond
    1.15; probes fast (+4) only after four MIs of an empty path, at least +2
    after two, so one measurement lag cannot overshoot much.  The averages and
    dead zones keep the per-MI measurement noise out.
    """
    g = 0.5 * (obs[:, -3] + obs[:, -6])
    lr = 0.5 * (obs[:, -2] + obs[:, -5])
    sr = 0.5 * (obs[:, -1] + obs[:, -4])
    a = 6.0 * (target - lr) - 8.0 * g - 3.0 * np.maximum(sr - 1.15, 0.0)
    empty4 = np.all(obs[:, -2::-3][:, :4] < 1.1, axis=1)
    a = np.where(lr < 1.1, np.maximum(a, 2.0), a)
    a = np.where(empty4 & (g < 0.1), AMAX, a)
    return np.clip(a, -AMAX, AMAX)


def mocc_target(w):
    """MOCC: the latency target follows the objective weights (thr, lat, loss)."""
    return 1.2 + 0.4 * w[:, 0] / (w[:, 0] + w[:, 1] + 1e-6)


class Policy(nn.Module):
    def __init__(self, n_in, h1, h2):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, h1), nn.Tanh(), nn.Linear(h1, h2), nn.Tanh(),
                                 nn.Linear(h2, 1))

    def forward(self, x):
        return torch.clamp(self.net(x), -AMAX, AMAX)


def rollout(rng, pol, n, steps, mocc, beta, noise=0.0):
    """Runs n links for steps MIs with the mixture beta*teacher + (1-beta)*student."""
    links = Links(rng, n)
    w = rng.dirichlet([1, 1, 1], n) if mocc else None
    tgt = mocc_target(w) if mocc else np.full(n, TARGET)
    X, Y, R = [], [], []
    for _ in range(steps):
        o = links.obs()
        x = np.concatenate([o, w], axis=1) if mocc else o
        t = teacher(o, tgt)
        if pol is not None and beta < 1:
            with torch.no_grad():
                s = pol(torch.tensor(x, dtype=torch.float32)).numpy()[:, 0]
            use = rng.uniform(size=n) < beta
            act = np.where(use, t, s)
        else:
            act = t
        act = act + noise * rng.standard_normal(n)
        X.append(x)
        Y.append(t)
        r, _, _ = links.step(act)
        R.append(r)
    return np.concatenate(X), np.concatenate(Y), float(np.mean(R))


def evaluate(pol, mocc, seed, n=64, steps=300):
    rng = np.random.default_rng(seed)
    links = Links(rng, n)
    w = rng.dirichlet([1, 1, 1], n) if mocc else None
    R, U, L = [], [], []
    for _ in range(steps):
        o = links.obs()
        x = np.concatenate([o, w], axis=1) if mocc else o
        with torch.no_grad():
            a = pol(torch.tensor(x, dtype=torch.float32)).numpy()[:, 0]
        r, u, lr = links.step(a)
        R.append(r)
        U.append(u)
        L.append(lr)
    tail = slice(steps // 3, None)
    return (float(np.mean(R[tail])), float(np.mean(U[tail])), float(np.median(L[tail])))


def fit(pol, X, Y, epochs, lr=3e-3):
    opt = torch.optim.Adam(pol.parameters(), lr=lr)
    x = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(Y, dtype=torch.float32)[:, None]
    n = len(x)
    loss = None
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, 512):
            idx = perm[i:i + 512]
            loss = nn.functional.mse_loss(pol.net(x[idx]).clamp(-AMAX - 1, AMAX + 1), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return float(loss)


def reinforce(pol, mocc, rng, iters, n=64, steps=120, sigma=0.3, lr=1e-4):
    """Gaussian-policy REINFORCE on Aurora's reward with a per-step baseline."""
    opt = torch.optim.Adam(pol.parameters(), lr=lr)
    for _ in range(iters):
        links = Links(rng, n)
        w = rng.dirichlet([1, 1, 1], n) if mocc else None
        xs, acts, rews = [], [], []
        for _ in range(steps):
            o = links.obs()
            x = np.concatenate([o, w], axis=1) if mocc else o
            with torch.no_grad():
                mu = pol(torch.tensor(x, dtype=torch.float32)).numpy()[:, 0]
            a = mu + sigma * rng.standard_normal(n)
            r, _, _ = links.step(a)
            xs.append(x)
            acts.append(a)
            rews.append(r)
        R = np.array(rews)                              # [steps, n]
        G = np.zeros_like(R)
        acc = np.zeros(n)
        for t in reversed(range(steps)):                # discounted returns
            acc = R[t] + 0.9 * acc
            G[t] = acc
        G = (G - G.mean(axis=1, keepdims=True)) / (G.std() + 1e-6)
        x = torch.tensor(np.concatenate(xs), dtype=torch.float32)
        a = torch.tensor(np.concatenate(acts), dtype=torch.float32)
        g = torch.tensor(G.reshape(-1), dtype=torch.float32)
        mu = pol.net(x)[:, 0]
        loss = (((a - mu) ** 2) / (2 * sigma ** 2) * g).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def export(pol, n_in, path):
    pol.eval()
    torch.onnx.export(pol, torch.zeros((1, n_in)), path, input_names=["x"], output_names=["y"],
                      opset_version=13, do_constant_folding=True)


def ranges(mocc):
    one = ["%g,%g" % (-GRAD_MAX, GRAD_MAX), "0,%g" % RATIO_MAX, "0,%g" % RATIO_MAX]
    r = one * HIST + (["0,1"] * 3 if mocc else [])
    return ",".join(r) + "\n"


def train(name, mocc, args, report):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    n_in = HIST * NFEAT + (3 if mocc else 0)
    pol = Policy(n_in, 64, 32) if mocc else Policy(n_in, 32, 16)
    rounds = 2 if args.quick else 5
    n_links = 32 if args.quick else 128
    steps = 120 if args.quick else 240
    X, Y, _ = rollout(rng, None, n_links, steps, mocc, 1.0, noise=0.5)
    losses = []
    for k in range(rounds):
        losses.append(fit(pol, X, Y, epochs=3 if args.quick else 8))
        beta = 0.5 ** (k + 1)
        x2, y2, _ = rollout(rng, pol, n_links, steps, mocc, beta, noise=0.3)
        X = np.concatenate([X, x2])
        Y = np.concatenate([Y, y2])
    losses.append(fit(pol, X, Y, epochs=3 if args.quick else 10))
    before = evaluate(pol, mocc, seed=12345)
    state = {k: v.clone() for k, v in pol.state_dict().items()}
    reinforce(pol, mocc, rng, iters=2 if args.quick else args.rl_iters)
    after = evaluate(pol, mocc, seed=12345)
    kept = after[0] > before[0]
    if not kept:
        pol.load_state_dict(state)
    report[name] = {
        "inputs": n_in, "imitation_mse": losses, "samples": len(X),
        "eval_imitation": {"reward": before[0], "utilization": before[1], "median_latency_ratio": before[2]},
        "eval_after_rl": {"reward": after[0], "utilization": after[1], "median_latency_ratio": after[2]},
        "rl_kept": kept,
    }
    print("%s: mse %.4f; imitation: reward %.2f util %.2f lat ratio %.2f; RL: reward %.2f (%s)" % (
        name, losses[-1], before[0], before[1], before[2], after[0], "kept" if kept else "dropped"))
    export(pol, n_in, os.path.join(args.out, name + ".onnx"))
    with open(os.path.join(args.out, "ranges_%s.txt" % name), "w") as f:
        f.write(ranges(mocc))
    return pol


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rl-iters", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    report = {}
    pol = train("aurora", False, args, report)
    train("mocc", True, args, report)
    # absurd snapshots of the Aurora model: the output pinned at +-4
    for tag, bias in (("sat_hi", 1000.0), ("sat_lo", -1000.0)):
        with torch.no_grad():
            saved = pol.net[4].bias.clone()
            pol.net[4].bias.fill_(bias)
            export(pol, HIST * NFEAT, os.path.join(args.out, "aurora_%s.onnx" % tag))
            pol.net[4].bias.copy_(saved)
    with open(os.path.join(args.out, "train_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
