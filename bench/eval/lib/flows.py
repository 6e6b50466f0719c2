#!/usr/bin/python3
"""Summarises lf_fsgen flow records (flow ID size B service K start_us T fct_us F),
one run of a flow-scheduling or load-balancing scenario (in the VM).

Usage: flows.py FLOWS.txt [--rate-mbit R --rtt-ms T] [--small B] [--json]

Prints "key value" pairs on one line (or a JSON object):
  flows, mean_ms (all flows), small_n, small_mean_ms, small_p99_ms (flows < --small
  bytes, default 100 KB), large_n, large_mean_ms, large_p99_ms (the top decile by size),
  mean_slowdown, small_p99_slowdown (FCT / ideal FCT, the ideal being
  2 RTTs of handshake and teardown plus size x 8 / rate; needs --rate-mbit and --rtt-ms),
  and per size bucket b_<upper>_mean_ms for buckets <10K, <100K, <1M, <10M, larger.
"""
import argparse
import json
import sys


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def mean(v):
    return sum(v) / len(v) if v else 0.0


def summarise(path, rate=None, rtt=None, small=100000):
    flows = []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            w = line.split()
            if not w:
                continue
            try:
                d = dict(zip(w[0::2], w[1::2]))
                flows.append((int(d["size"]), int(d["fct_us"]) / 1000.0))
            except (KeyError, ValueError):
                sys.exit("flows: %s:%d: not an lf_fsgen flow record" % (path, ln))
    r = {"flows": len(flows)}
    r["mean_ms"] = mean([t for _, t in flows])
    sm = [t for s, t in flows if s < small]
    r["small_n"], r["small_mean_ms"], r["small_p99_ms"] = len(sm), mean(sm), pct(sm, 99)
    bysize = sorted(flows)
    lg = bysize[len(bysize) - max(1, len(bysize) // 10):] if flows else []
    r["large_n"], r["large_mean_ms"] = len(lg), mean([t for _, t in lg])
    r["large_p99_ms"] = pct([t for _, t in lg], 99)
    if rate and rtt is not None:
        def ideal(s):
            return 2 * rtt + s * 8 / (rate * 1e3)
        sd = [t / ideal(s) for s, t in flows]
        r["mean_slowdown"] = mean(sd)
        r["small_p99_slowdown"] = pct([t / ideal(s) for s, t in flows if s < small], 99)
    lo = 0
    for up in (10000, 100000, 1000000, 10000000, None):
        b = [t for s, t in flows if s >= lo and (up is None or s < up)]
        r["b_%s_mean_ms" % (up if up else "inf")] = mean(b)
        r["b_%s_n" % (up if up else "inf")] = len(b)
        lo = up
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("flows")
    ap.add_argument("--rate-mbit", type=float)
    ap.add_argument("--rtt-ms", type=float)
    ap.add_argument("--small", type=int, default=100000)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        r = summarise(a.flows, a.rate_mbit, a.rtt_ms, a.small)
    except OSError as e:
        sys.exit("flows: %s: %s" % (a.flows, e.strerror))
    if a.json:
        print(json.dumps(r))
    else:
        print(" ".join("%s %s" % (k, ("%.3f" % v) if isinstance(v, float) else v) for k, v in r.items()))


if __name__ == "__main__":
    main()
