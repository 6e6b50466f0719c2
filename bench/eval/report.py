#!/usr/bin/env python3
"""Aggregates a bench/eval run: results JSON, plots, and docs/EVALUATION.md.

Usage: report.py RUNS.jsonl [--out DIR] [--doc docs/EVALUATION.md] [--note TEXT]

RUNS.jsonl: one record a run (vm-eval.sh's LF-EVAL lines).  Writes
DIR/results.json ({"runs": [...], "summary": {scenario: {cc: medians}}}),
DIR/<scenario>.png (rate and RTT over time, repetition 1, one line per CC;
needs python3-matplotlib) and prints one line per scenario and CC.  Medians
over repetitions: goodput (all flows of the CC), median and 95th-percentile
RTT, retransmits, Jain's index over same-CC flows, share against the
competing flow; lf_cc's counters of the run (queries per MI, netlink round
trips).  --doc rewrites the evaluation document from the run; --note adds a
paragraph about the run (e.g. the host's load) to it.
"""
import json
import os
import shutil
import statistics
import sys
import time

CCS = ["lf_aurora", "lf_aurora_noadapt", "lf_aurora_bpf", "lf_aurora_user", "lf_mocc", "lf_dummy", "cubic", "bbr"]
ALGO = {"lf_aurora": "lf_aurora", "lf_aurora_noadapt": "lf_aurora", "lf_aurora_user": "lf_aurora_user",
        "lf_mocc": "lf_mocc", "lf_dummy": "lf_dummy"}


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def counters(text):
    """lf_cc stats parameter (lines joined by ';') -> {algo: {name: value}}, hist."""
    out, hist = {}, []
    for line in (text or "").split(";"):
        f = line.split()
        if not f:
            continue
        if f[0] == "upcall_us_log2":
            hist = [int(x) for x in f[1:]]
            continue
        out[f[0]] = {f[i]: int(f[i + 1]) for i in range(1, len(f) - 1, 2)}
    return out, hist


def jain(x):
    x = [v for v in x if v is not None]
    if len(x) < 2 or sum(x) == 0:
        return None
    return sum(x) ** 2 / (len(x) * sum(v * v for v in x))


def run_figures(r):
    f = r.get("flows") or {}
    g = {"goodput_mbps": f.get("goodput_mbps"), "rtt_median_ms": f.get("rtt_median_ms"),
         "rtt_p95_ms": f.get("rtt_p95_ms"), "retransmits": f.get("retransmits")}
    streams = f.get("streams") or []
    g["jain"] = jain([s["goodput_mbps"] for s in streams]) if len(streams) > 1 else None
    a = r.get("against_flow")
    if a and f.get("goodput_mbps") is not None:
        tot = f["goodput_mbps"] + a["goodput_mbps"]
        g["share"] = f["goodput_mbps"] / tot if tot > 0 else None
    algo = ALGO.get(r["cc"])
    if algo:
        b, _ = counters(r.get("stats_before"))
        e, h1 = counters(r.get("stats_after"))
        _, h0 = counters(r.get("stats_before"))
        d = {k: e.get(algo, {}).get(k, 0) - b.get(algo, {}).get(k, 0) for k in e.get(algo, {})}
        g["lf_cc"] = d
        if d.get("mis"):
            g["queries_per_mi"] = d.get("queries", 0) / d["mis"]
        if d.get("answers"):
            g["upcall_mean_us"] = d.get("upcall_us", 0) / d["answers"]
            g["upcall_hist_log2_us"] = [x - y for x, y in zip(h1, h0)] if h0 else h1
        if d.get("fallbacks") is not None:
            g["fallbacks"] = d["fallbacks"]
    return g


def summarise(runs):
    by = {}
    for r in runs:
        by.setdefault(r["scenario"], {}).setdefault(r["cc"], []).append(run_figures(r))
    summ = {}
    for s, ccs in by.items():
        summ[s] = {}
        for cc, figs in ccs.items():
            keys = ["goodput_mbps", "rtt_median_ms", "rtt_p95_ms", "retransmits", "jain", "share",
                    "queries_per_mi", "upcall_mean_us", "fallbacks"]
            summ[s][cc] = {k: med([g.get(k) for g in figs]) for k in keys}
            summ[s][cc]["repetitions"] = len(figs)
    return summ


def plot(runs, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: python3-matplotlib missing: no plots", file=sys.stderr)
        return []
    made = []
    for s in sorted({r["scenario"] for r in runs}):
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
        for r in runs:
            if r["scenario"] != s or r["rep"] != 1 or not r.get("flows"):
                continue
            st = r["flows"]["streams"]
            if not st:
                continue
            t = [p[0] for p in st[0]["series"]]
            rate = [sum(x["series"][i][1] for x in st if i < len(x["series"])) for i in range(len(t))]
            rtt = [p[2] for p in st[0]["series"]]
            ax1.plot(t, rate, label=r["cc"])
            ax2.plot(t, rtt, label=r["cc"])
        r0 = next(r for r in runs if r["scenario"] == s)
        ax1.set_ylabel("rate (Mbit/s)")
        ax2.set_ylabel("sRTT (ms)")
        ax2.set_xlabel("time (s)")
        ax1.set_title("%s: %g Mbit/s, %g ms, queue %d, loss %g%%%s" % (
            s, r0["rate_mbit"], r0["rtt_ms"], r0["queue_pkts"], r0["loss_pct"],
            (", steps " + r0["steps"]) if r0.get("steps") else ""), fontsize=9)
        ax1.legend(fontsize=7, ncol=4)
        ax1.grid(alpha=.3)
        ax2.grid(alpha=.3)
        fig.tight_layout()
        p = os.path.join(out, s + ".png")
        fig.savefig(p, dpi=80)
        plt.close(fig)
        made.append(p)
    return made


def fmt(v, f="%.2f"):
    return "-" if v is None else f % v


def ratio(summ, s, a, b):
    try:
        x, y = summ[s][a]["goodput_mbps"], summ[s][b]["goodput_mbps"]
        return x / y if y else None
    except KeyError:
        return None


def write_doc(path, runs, summ, plots, out, note=None):
    adapt = runs[0].get("adaptation", "?") if runs else "?"
    reps = max((r["rep"] for r in runs), default=0)
    L = ["# Network evaluation of LiteFlow's congestion control", "",
         "<!-- Generated by bench/eval/report.py from a bench/eval/run.sh run; do not edit by hand. -->", "",
         "Generated %s from %d runs (%d repetition(s) at most per scenario and CC), in Debian's 6.1 "
         "kernel booted by QEMU (TCG, 2 vCPUs) with links of network namespaces, veth pairs and tc "
         "(netem delay and loss, tbf rate with a drop-tail queue), traffic from iperf3. "
         "Adaptation for `lf_aurora`: %s." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), len(runs),
                                              reps, adapt), "",
         "Reproduce: `bench/eval/run.sh` (all scenarios; `--quick` for 1 short repetition), then "
         "`bench/eval/report.py BUILD/eval/runs.jsonl --doc docs/EVALUATION.md`.", "",
         "CCs: `lf_aurora` (the bundled policy in the kernel, adapted online by lf-runtime), "
         "`lf_aurora_noadapt` (same, adaptation off), `lf_aurora_bpf` (the same policy, snapshot v1, as a "
         "BPF struct_ops CC: no module; docs/BPF.md), `lf_aurora_user` (the same policy answered by a "
         "userspace process over one netlink round trip per MI: the CCP-style baseline), `lf_mocc`, "
         "`lf_dummy` (kernel BBR + one ignored NN query per ACK), `cubic`, `bbr`.", "",
         ] + (["**About this run:** " + note, ""] if note else []) + [
         "## The paper's claims beside ours", "",
         "| comparison | paper | this run (goodput ratio, median over repetitions) |",
         "|---|---|---|"]
    for s in sorted(summ):
        r = ratio(summ, s, "lf_aurora_noadapt", "lf_aurora_user")
        if r:
            L.append("| LiteFlow Aurora vs userspace Aurora, %s | +44.4%% | %+.1f%% |" % (s, 100 * (r - 1)))
    for s in sorted(summ):
        r = ratio(summ, s, "lf_dummy", "bbr")
        if r:
            L.append("| LF-Dummy-NN vs bbr, %s | within 5%% | %+.1f%% |" % (s, 100 * (r - 1)))
    for s in sorted(summ):
        if s.startswith("step"):
            r = ratio(summ, s, "lf_aurora", "lf_aurora_noadapt")
            if r:
                L.append("| adaptation on vs off, %s | better with adaptation | %+.1f%% |" % (s, 100 * (r - 1)))
    L += ["", "Userspace round trips measured in the run (lf_aurora_user, mean request -> answer):", ""]
    for s in sorted(summ):
        u = summ[s].get("lf_aurora_user", {}).get("upcall_mean_us")
        if u:
            L.append("- %s: %.0f us" % (s, u))
    L += ["", "## Results per scenario", ""]
    for s in sorted(summ):
        d = next(r for r in runs if r["scenario"] == s)
        L += ["### %s" % s, "",
              "%g Mbit/s, RTT %g ms, queue %d packets, loss %g%%%s%s%s, %g s per run." % (
                  d["rate_mbit"], d["rtt_ms"], d["queue_pkts"], d["loss_pct"],
                  ", steps " + d["steps"] if d.get("steps") else "",
                  ", %d flows" % d["count"] if d["count"] > 1 else "",
                  ", against one %s flow" % d["against"] if d.get("against") else "", d["duration"]), "",
              "| CC | goodput Mbit/s | median RTT ms | p95 RTT ms | retransmits | Jain | share | queries/MI | upcall us |",
              "|---|---|---|---|---|---|---|---|---|"]
        for cc in CCS:
            if cc in summ[s]:
                m = summ[s][cc]
                L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    cc, fmt(m["goodput_mbps"]), fmt(m["rtt_median_ms"], "%.1f"), fmt(m["rtt_p95_ms"], "%.1f"),
                    fmt(m["retransmits"], "%d"), fmt(m["jain"], "%.3f"), fmt(m["share"], "%.2f"),
                    fmt(m["queries_per_mi"], "%.2f"), fmt(m["upcall_mean_us"], "%.0f")))
        png = os.path.join(out, s + ".png")
        if png in plots:
            # the figures go next to the document (docs/eval/)
            dst = os.path.join(os.path.dirname(os.path.abspath(path)), "eval")
            os.makedirs(dst, exist_ok=True)
            shutil.copyfile(png, os.path.join(dst, s + ".png"))
            L += ["", "![%s](eval/%s.png)" % (s, s)]
        L.append("")
    L += ["## What TCG limits", "",
          "- The VM is emulated (TCG): its CPU is 10-50x slower than the host's and it is descheduled when "
          "the host is busy. Rates are capped by what the VM sustains (about 200 Mbit/s for cubic); timers "
          "(TCP pacing, the qdisc watchdog) fire late, which costs paced, rate-based senders (Aurora, BBR) "
          "more than ACK-clocked ones (cubic). `lf_cc` calibrates its pacing against the rate actually sent "
          "and bounds in-flight data with cwnd = rate x min RTT x 1.5 for this reason.",
          "- A netlink round trip per MI costs ~100-300 us here; at RTTs of 10-80 ms (MIs of 5-40 ms) that is "
          "a few percent of an MI, so the userspace deployment only loses clearly at short RTTs and high "
          "rates (short-rtt-100) or under CPU contention. The paper's +44.4% comes from a CCP deployment "
          "with fine-grained reporting on real hardware; we report what this VM shows.",
          "- Absolute numbers move with the host's load; compare CCs within one run (same VM boot), not "
          "across runs.", ""]
    with open(path, "w") as f:
        f.write("\n".join(L))


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print("usage: report.py RUNS.jsonl [--out DIR] [--doc FILE]", file=sys.stderr)
        return 2
    out = os.path.dirname(os.path.abspath(args[0]))
    doc = None
    if "--out" in args:
        out = args[args.index("--out") + 1]
    if "--doc" in args:
        doc = args[args.index("--doc") + 1]
    note = args[args.index("--note") + 1] if "--note" in args else None
    runs = []
    try:
        with open(args[0]) as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    runs.append(json.loads(line))
    except (OSError, ValueError) as e:
        print("report: %s: %s" % (args[0], e), file=sys.stderr)
        return 1
    summ = summarise(runs)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"runs": runs, "summary": summ}, f, indent=1)
    plots = plot(runs, out)
    for s in sorted(summ):
        for cc in CCS:
            if cc in summ[s]:
                m = summ[s][cc]
                print("%-28s %-18s goodput %7s Mbit/s  rtt %7s/%7s ms  retx %5s%s%s" % (
                    s, cc, fmt(m["goodput_mbps"]), fmt(m["rtt_median_ms"], "%.1f"), fmt(m["rtt_p95_ms"], "%.1f"),
                    fmt(m["retransmits"], "%d"), "  jain %.3f" % m["jain"] if m["jain"] else "",
                    "  share %.2f" % m["share"] if m["share"] is not None else ""))
    print("report: %s/results.json, %d plots" % (out, len(plots)))
    if doc:
        write_doc(doc, runs, summ, plots, out, note)
        print("report: wrote %s" % doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
