#!/usr/bin/env python3
"""Summarises one iperf3 -J run (client side) for the cc tests and bench/eval.

Usage: iperf_summary.py IPERF.json [--skip S] [--window A B] [--series | --json]
Prints one line of "key value" pairs: goodput_mbps (receiver, whole run),
goodput_tail_mbps (intervals after S seconds), rtt_median_ms, rtt_p95_ms (the
sender's smoothed RTT at the end of each interval, all streams), retransmits,
streams; with --window, window_mbps: the sender's mean rate over the
intervals that end in [A, B] s.  --series prints "t rate_mbps rtt_ms" per interval and stream instead.
--json prints the same figures as one JSON object with, per stream, its
receiver goodput and its series [[t, rate_mbps, rtt_ms], ...] (bench/eval).
Exit 1 with one line if the file is not an iperf3 result.
"""
import json
import sys


def pct(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main():
    args = sys.argv[1:]
    if not args:
        print("usage: iperf_summary.py IPERF.json [--skip S] [--series]", file=sys.stderr)
        return 2
    skip = 0.0
    if "--skip" in args:
        skip = float(args[args.index("--skip") + 1])
    try:
        with open(args[0]) as f:
            d = json.load(f)
        ivs = d["intervals"]
        end = d["end"]
    except (OSError, ValueError, KeyError) as e:
        print("iperf_summary: %s: not an iperf3 result (%s)" % (args[0], e), file=sys.stderr)
        return 1
    win = ""
    if "--window" in args:
        i = args.index("--window")
        a, b = float(args[i + 1]), float(args[i + 2])
        w = [iv["sum"]["bits_per_second"] for iv in ivs if a <= iv["sum"]["end"] <= b]
        win = " window_mbps %.4f" % ((sum(w) / len(w) / 1e6) if w else 0.0)
    if "--series" in args:
        for iv in ivs:
            for i, s in enumerate(iv["streams"]):
                print("%.3f %d %.4f %.3f" % (s["end"], i, s["bits_per_second"] / 1e6,
                                             s.get("rtt", 0) / 1000.0))
        return 0
    rtts = [s["rtt"] / 1000.0 for iv in ivs for s in iv["streams"] if s.get("rtt")]
    if "--json" in args:
        streams = []
        for i, st in enumerate(end.get("streams", [])):
            series = [[round(iv["streams"][i]["end"], 3),
                       round(iv["streams"][i]["bits_per_second"] / 1e6, 4),
                       round(iv["streams"][i].get("rtt", 0) / 1000.0, 3)]
                      for iv in ivs if i < len(iv["streams"])]
            streams.append({"goodput_mbps": st.get("receiver", {}).get("bits_per_second", 0) / 1e6,
                            "series": series})
        print(json.dumps({
            "goodput_mbps": end.get("sum_received", {}).get("bits_per_second", 0.0) / 1e6,
            "rtt_median_ms": pct(rtts, 50) if rtts else None,
            "rtt_p95_ms": pct(rtts, 95) if rtts else None,
            "retransmits": end.get("sum_sent", {}).get("retransmits", 0),
            "streams": streams}, separators=(",", ":")))
        return 0
    tail = [iv["sum"]["bits_per_second"] for iv in ivs if iv["sum"]["start"] >= skip]
    recv = end.get("sum_received", {}).get("bits_per_second", 0.0)
    sent = end.get("sum_sent", {})
    print("goodput_mbps %.4f goodput_tail_mbps %.4f rtt_median_ms %.3f rtt_p95_ms %.3f "
          "retransmits %d streams %d%s" % (
              recv / 1e6, (sum(tail) / len(tail) / 1e6) if tail else 0.0, pct(rtts, 50),
              pct(rtts, 95), sent.get("retransmits", 0), len(end.get("streams", [])), win))
    return 0


if __name__ == "__main__":
    sys.exit(main())
