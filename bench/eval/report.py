#!/usr/bin/env python3
"""Aggregates a bench/eval run (bench/eval/run.sh) of any application:
results JSON, plots, tables, and the application's section of the
evaluation document.

Usage: report.py OUT | RUNS.jsonl [--out DIR] [--doc FILE] [--note TEXT]

Congestion control: RUNS.jsonl (OUT/runs.jsonl), one record a run (vm/cc.sh's
LF-EVAL lines).  Writes DIR/results.json ({"runs": [...], "summary":
{scenario: {cc: medians}}}), DIR/<scenario>.png (rate and RTT over time,
repetition 1, one line per CC) and prints one line per scenario and CC.
Medians over repetitions: goodput (all flows of the CC), median and
95th-percentile RTT, retransmits, Jain's index over same-CC flows, share
against the competing flow; lf_cc's counters of the run (queries per MI,
netlink round trips).

Flow scheduling and load balancing: OUT/index.txt ("APP NAME LOG" lines
written by run.sh) names the VM consoles; their RESULT lines (one per scheme
and repetition, lib/flows.py's figures plus the app's counters) give the
medians over repetitions per scheme, written to DIR/NAME.json, DIR/NAME.md (a
markdown table) and DIR/NAME.png (bar charts); UPCALL lines give the
userspace deployment's round trips.

--doc FILE rewrites the evaluation document from the run: the congestion
control part (the file is regenerated, keeping the marked sections of the
other applications), and the section of each load-balancing scenario of the
run between "<!-- lb:NAME begin -->" and "<!-- lb:NAME end -->" (appended
when absent); flow-scheduling scenarios likewise ("<!-- fs:NAME ... -->") in
EVALUATION-fs.md beside FILE, with the adaptation on vs off comparison (after
the shift in a shift scenario); --note adds a paragraph about the run (e.g.
the host's load).
Plots need python3-matplotlib.
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
    kept = [b for b in marked_sections(path)]
    with open(path, "w") as f:
        f.write("\n".join(L) + ("\n" + "\n\n".join(kept) + "\n" if kept else ""))


# ---- applications measured by flow completion times (fs, lb) ----

FCT_APPS = {
    "fs": {"order": ["fifo", "pias", "oracle", "user", "lf", "lf_adapt"],
           "label": {"fifo": "FIFO", "pias": "PIAS", "oracle": "oracle SJF", "user": "userspace FFNN",
                     "lf": "LiteFlow FFNN, adaptation off", "lf_adapt": "LiteFlow FFNN, adaptation on"},
           "base": "fifo", "on_off": ("lf_adapt", "lf"), "section": "5.2", "nn": "FFNN",
           "doc": "EVALUATION-fs.md"},
    "lb": {"order": ["ecmp", "flowlet", "user", "lf_noadapt", "lf"],
           "label": {"ecmp": "ECMP", "flowlet": "flowlet (fixed timeout)", "user": "userspace MLP",
                     "lf_noadapt": "LiteFlow MLP, adaptation off", "lf": "LiteFlow MLP, adaptation on"},
           "base": "ecmp", "on_off": ("lf", "lf_noadapt"), "section": "5.3", "nn": "MLP",
           "doc": "EVALUATION.md"},
}
FCT_COLS = [("small_mean_ms", "small mean"), ("small_p99_ms", "small p99"),
            ("large_mean_ms", "large mean"), ("large_p99_ms", "large p99"), ("mean_ms", "all mean"),
            ("mean_slowdown", "mean slowdown"), ("pred_err", "mean abs log2 error")]
# the paper's figures for LiteFlow against the userspace deployment
PAPER = {"fs": (-10.9, -33.7), "lb": (-34.3, -56.7)}


def parse_console(log):
    """RESULT SCHEME REP k v ... / UPCALL REP k v ... lines of a VM console
    (SKIP and adaptation lines go to parse_console.notes)."""
    runs, up = {}, []
    parse_console.notes = {"skipped": [], "adaptation": None}
    for line in open(log, errors="replace"):
        w = line.strip().split()
        if w and w[0] == "SKIP" and line.strip() not in parse_console.notes["skipped"]:
            parse_console.notes["skipped"].append(line.strip()[5:])
        if w and w[0] == "adaptation:":
            parse_console.notes["adaptation"] = line.strip()[len("adaptation: "):]
        try:
            if len(w) > 3 and w[0] == "RESULT":
                d = {k: float(v) for k, v in zip(w[3::2], w[4::2])}
                d["rep"] = int(w[2])
                runs.setdefault(w[1], []).append(d)
            elif len(w) > 3 and w[0] == "UPCALL":
                up.append({k: float(v) for k, v in zip(w[2::2], w[3::2])})
        except ValueError:
            continue
    return runs, up


def fct_report(app, name, log, out):
    """Medians over repetitions of one fs or lb scenario; writes NAME.json/md/png."""
    cfg = FCT_APPS[app]
    runs, up = parse_console(log)
    if not runs:
        print("report: %s: no RESULT lines" % log, file=sys.stderr)
        return None
    med = {}
    for sc, rs in runs.items():
        # lf_fs mode user labels flows whose answer came late without a
        # prediction: its error over labels is not the net's (older runs)
        keys = sorted({k for r in rs for k in r if k != "rep" and not (sc == "user" and k.endswith("_err"))})
        med[sc] = {k: statistics.median(r[k] for r in rs if k in r) for k in keys}
    res = {"app": app, "name": name, "reps": {sc: len(rs) for sc, rs in runs.items()}, "median": med,
           "runs": runs, "upcall": up}
    res.update(parse_console.notes)
    if "lf" in med and "user" in med:
        res["lf_vs_user"] = {k: med["lf"][k] / med["user"][k] - 1 for k, _ in FCT_COLS
                             if med["user"].get(k) and k in med["lf"]}
    if app == "lb" and "lf" in med and "ecmp" in med and med["ecmp"].get("mean_ms"):
        res["lf_vs_ecmp_mean"] = med["lf"]["mean_ms"] / med["ecmp"]["mean_ms"] - 1
    on, off = cfg["on_off"]
    if on in med and off in med:
        res["on_vs_off"] = {k: med[on][k] / med[off][k] - 1 for k, _ in FCT_COLS
                            if med[off].get(k) and k in med[on]}
    schemes = [sc for sc in cfg["order"] if sc in med]
    base = cfg["base"]
    cols = [(k, c) for k, c in FCT_COLS if any(k in med[sc] for sc in schemes)]
    extra = ("flows (and flowlets) put on each path (finished/started); mean rate per path" if app == "lb"
             else "flows finished")
    md = ["| scheme | " + " | ".join(c for _, c in cols) + " | %s |" % extra,
          "|---|" + "---|" * (len(cols) + 1)]
    for sc in schemes:
        m = med[sc]
        cells = []
        for k, _ in cols:
            if k not in m:
                cells.append("-")
                continue
            v = "%.1f" % m[k] if k.endswith("_ms") else "%.2f" % m[k]
            if k != "pred_err" and sc != base and base in med and med[base].get(k):
                v += " (%+.0f%%)" % (100 * (m[k] / med[base][k] - 1))
            cells.append(v)
        if app == "lb":
            pf = sorted((k, v) for k, v in m.items() if k.startswith("path") and k.endswith("_flows"))
            pm = sorted((k, v) for k, v in m.items() if k.startswith("path") and k.endswith("_mbps"))
            last = " / ".join("%.0f" % v for _, v in pf) + " (%d/%d)" % (m.get("flows", 0), m.get("started", 0))
            if pm:
                last += "; " + " / ".join("%.1f" % v for _, v in pm) + " Mbit/s"
        else:
            last = "%d/%d" % (m.get("finished", 0), m.get("started", 0))
        md.append("| %s | %s | %s |" % (cfg["label"][sc], " | ".join(cells), last))
    if "lf_vs_user" in res and "small_mean_ms" in res["lf_vs_user"]:
        md.append("")
        md.append("LiteFlow vs the userspace deployment: small-flow mean FCT %+.1f%%, large-flow mean FCT "
                  "%+.1f%% (paper: %+.1f%% short, %+.1f%% long)." % (
                      100 * res["lf_vs_user"]["small_mean_ms"], 100 * res["lf_vs_user"].get("large_mean_ms", 0),
                      PAPER[app][0], PAPER[app][1]))
    if "on_vs_off" in res and "small_mean_ms" in res["on_vs_off"]:
        oo = res["on_vs_off"]
        md.append("")
        md.append("%s adaptation on vs off (same measured flows%s): small-flow mean FCT %+.1f%%, small p99 "
                  "%+.1f%%, large-flow mean %+.1f%%, all flows %+.1f%%%s." % (
                      cfg["nn"], ", after the shift" if "after_err" in med[on] else "",
                      100 * oo["small_mean_ms"], 100 * oo.get("small_p99_ms", 0), 100 * oo.get("large_mean_ms", 0),
                      100 * oo.get("mean_ms", 0),
                      "; mean |log2 error| of the predictions %.2f vs %.2f" % (med[on]["pred_err"], med[off]["pred_err"])
                      if "pred_err" in med[on] and "pred_err" in med[off] else ""))
        if "updates" in med[on]:
            md.append("Snapshot updates by lf-runtime per repetition: %s." % ", ".join(
                "%d" % r["updates"] for r in sorted(runs[on], key=lambda r: r["rep"]) if "updates" in r))
        for sc in (off, on):
            ph = [(k, t) for k, t in (("warm_err", "on the warm-up flows"), ("after_err", "on the flows after the shift"))
                  if k in med[sc]]
            if ph:
                md.append("%s: mean |log2 error| %s." % (cfg["label"][sc], ", ".join(
                    "%.2f %s" % (med[sc][k], t) for k, t in ph) + ", %.2f on the measured flows" % med[sc].get(
                        "pred_err", float("nan"))))
    if up:
        md.append("Userspace round trip (request to answer applied): median of runs %.0f us; answers that came "
                  "after their flow ended: %d of %d." % (
                      statistics.median(u.get("mean_us", 0) for u in up), sum(u.get("stale", 0) for u in up),
                      sum(u.get("stale", 0) + u.get("answers", 0) for u in up)))
    text = "\n".join(md) + "\n"
    print("%s (%s; medians of %s runs; FCT in ms; small < 100 KB, large: top decile by size)"
          % (name, app, "/".join(str(len(runs[sc])) for sc in schemes)))
    print(text)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(out, name + ".md"), "w") as f:
        f.write(text)
    res["md"] = text
    res["png"] = fct_plot(cfg, name, med, schemes, out)
    return res


def fct_plot(cfg, name, med, schemes, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    cols = [(k, c) for k, c in FCT_COLS[:4] if all(k in med[sc] for sc in schemes)]
    colors = ["#999", "#6a6", "#c66", "#69c", "#36c", "#c93", "#939"]
    if not cols:
        return None
    fig, axs = plt.subplots(1, len(cols), figsize=(3.4 * len(cols), 3.2))
    if len(cols) == 1:
        axs = [axs]
    for ax, (k, c) in zip(axs, cols):
        ax.bar([cfg["label"][sc] for sc in schemes], [med[sc][k] for sc in schemes],
               color=colors[:len(schemes)])
        ax.set_title(c + " FCT (ms)", fontsize=9)
        ax.tick_params(axis="x", rotation=45, labelsize=7)
    fig.suptitle(name)
    fig.tight_layout()
    p = os.path.join(out, name + ".png")
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return p


def marked_sections(path, skip=()):
    """The "<!-- X begin -->...<!-- X end -->" blocks of an existing document."""
    try:
        text = open(path).read()
    except OSError:
        return []
    out, pos = [], 0
    while True:
        b = text.find("<!-- ", pos)
        if b < 0:
            break
        e = text.find(" begin -->", b)
        if e < 0 or "\n" in text[b:e]:
            pos = b + 5
            continue
        tag = text[b + 5:e]
        end = text.find("<!-- %s end -->" % tag, e)
        if end < 0:
            break
        end += len("<!-- %s end -->" % tag)
        if tag not in skip:
            out.append(text[b:end])
        pos = end
    return out


def fct_section(res, desc, docdir, note=None):
    """The generated section of one fs or lb scenario (between its markers)."""
    app, name = res["app"], res["name"]
    cfg = FCT_APPS[app]
    title = {"fs": "Flow scheduling", "lb": "Load balancing"}[app]
    nn = cfg["nn"]
    L = ["<!-- %s:%s begin -->" % (app, name),
         "### %s: %s" % (title, name), "",
         "<!-- Generated by bench/eval/report.py from `bench/eval/run.sh --app %s --doc`; do not edit. -->" % app,
         "",
         "%s Generated %s; medians over %s repetition(s); FCT in ms; small < 100 KB, large: the top decile "
         "by size; percentages against %s." % (desc, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                             max(res["reps"].values()), cfg["label"][cfg["base"]]), ""]
    if note:
        L += ["**About this run:** " + note, ""]
    if res.get("adaptation"):
        L += ["Adaptation (scheme %s): %s." % (cfg["on_off"][0], res["adaptation"]), ""]
    for sk in res.get("skipped", []):
        L += ["Not run: %s" % sk, ""]
    L += [res["md"].rstrip(), "",
          "| comparison | paper (section %s) | this run |" % cfg["section"], "|---|---|---|"]
    lu = res.get("lf_vs_user", {})
    if "small_mean_ms" in lu:
        L.append("| LF-%s vs userspace %s, short flows (mean FCT) | %+.1f%% | %+.1f%% |" % (
            nn, nn, PAPER[app][0], 100 * lu["small_mean_ms"]))
    if "large_mean_ms" in lu:
        L.append("| LF-%s vs userspace %s, long flows (mean FCT) | %+.1f%% | %+.1f%% |" % (
            nn, nn, PAPER[app][1], 100 * lu["large_mean_ms"]))
    med = res["median"]
    base = cfg["base"]
    if app == "lb" and "user" in med and base in med and med[base].get("mean_ms"):
        L.append("| userspace MLP vs ECMP (mean FCT) | worse than ECMP | %+.1f%% |" % (
            100 * (med["user"]["mean_ms"] / med[base]["mean_ms"] - 1)))
    oo = res.get("on_vs_off", {})
    for k, what in (("mean_ms", "mean FCT"), ("small_mean_ms", "short flows, mean FCT"),
                    ("large_mean_ms", "long flows, mean FCT"))[:1 if app == "lb" else 3]:
        if k in oo:
            L.append("| LF-%s adaptation on vs off%s (%s) | better with adaptation | %+.1f%% |" % (
                nn, " after the shift" if "after_err" in med.get(cfg["on_off"][0], {}) else "", what, 100 * oo[k]))
    if res.get("png"):
        dst = os.path.join(docdir, "eval")
        os.makedirs(dst, exist_ok=True)
        shutil.copyfile(res["png"], os.path.join(dst, name + ".png"))
        L += ["", "![%s](eval/%s.png)" % (name, name)]
    L.append("<!-- %s:%s end -->" % (app, name))
    return "\n".join(L)


def scenario_desc(app, envf):
    """One sentence about a scenario from the env file run.sh kept."""
    if not os.path.isfile(envf):
        return ""
    env = {k: v.strip().strip("'") for k, v in (l.strip().split("=", 1) for l in open(envf)
                                                  if l[:3] in ("LB_", "FS_") and "=" in l)}
    if app == "lb":
        return "Paths (name:Mbit/s:RTT ms:queue:loss %%): %s%s; %s flows per run, load %s, %s." % (
            env.get("LB_PATHS", "?"), ("; changes " + env["LB_CHANGES"]) if env.get("LB_CHANGES") else "",
            env.get("LB_FLOWS", "?"), env.get("LB_LOAD", "?"), os.path.basename(env.get("LB_CDF_FILE", "?")))
    g = env.get
    d = ("%s Mbit/s, RTT %s ms, %s packets per band; %s flow sizes x %s%s over %s service(s), load %s, "
         "%s sender(s); %s measured flows per run" % (
             g("FS_RATE", "?"), g("FS_RTT", "?"), g("FS_QUEUE", "?"), os.path.basename(g("FS_CDF_FILE", "?")),
             g("FS_SCALE", "?"), (", at most %s B," % g("FS_MAX_SIZE")) if g("FS_MAX_SIZE") not in (None, "1e+12")
             else "", g("FS_SERVICES", "?"), g("FS_LOAD", "?"), g("FS_SENDERS", "1"), g("FS_FLOWS", "?")))
    if g("FS_WARMUP", "0") != "0":
        d += ", after %s warm-up flows (schemes that learn from past flows)" % g("FS_WARMUP")
    if g("FS_SHIFT") == "1":
        d += ("; shift: after the warm-up the workload becomes %s x %s%s over %s service(s), %s flows of it run "
              "before the measured ones (schemes that learn), which are of the new workload" % (
                  os.path.basename(g("FS_SH_CDF_FILE", "?")), g("FS_SH_SCALE", "?"),
                  (", at most %s B," % g("FS_SH_MAX_SIZE")) if g("FS_SH_MAX_SIZE") not in (None, "1e+12") else "",
                  g("FS_SH_SERVICES", "?"), g("FS_SH_AFTER", "?")))
    return d + "."


def replace_section(path, tag, block):
    try:
        text = open(path).read()
    except OSError:
        text = ""
    b, e = "<!-- %s begin -->" % tag, "<!-- %s end -->" % tag
    if b in text and e in text:
        i, j = text.index(b), text.index(e) + len(e)
        text = text[:i] + block + text[j:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print("usage: report.py OUT|RUNS.jsonl [--out DIR] [--doc FILE] [--note TEXT]", file=sys.stderr)
        return 2
    src = args[0]
    base = src if os.path.isdir(src) else os.path.dirname(os.path.abspath(src))
    out = args[args.index("--out") + 1] if "--out" in args else base
    doc = args[args.index("--doc") + 1] if "--doc" in args else None
    if doc and os.path.isdir(doc):
        doc = os.path.join(doc, "EVALUATION.md")
    note = args[args.index("--note") + 1] if "--note" in args else None
    jsonl = os.path.join(src, "runs.jsonl") if os.path.isdir(src) else src
    index = os.path.join(base, "index.txt")
    runs = []
    if os.path.isfile(jsonl) or not os.path.isdir(src):
        try:
            with open(jsonl) as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        runs.append(json.loads(line))
        except (OSError, ValueError) as e:
            print("report: %s: %s" % (jsonl, e), file=sys.stderr)
            return 1
    apps = []
    if os.path.isfile(index):
        for line in open(index):
            w = line.split()
            if len(w) == 3 and w[0] in FCT_APPS:
                apps.append(w)
    if not runs and not apps:
        print("report: %s: no results (runs.jsonl or index.txt)" % src, file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    if runs:
        summ = summarise(runs)
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump({"runs": runs, "summary": summ}, f, indent=1)
        plots = plot(runs, out)
        for s in sorted(summ):
            for cc in CCS:
                if cc in summ[s]:
                    m = summ[s][cc]
                    print("%-28s %-18s goodput %7s Mbit/s  rtt %7s/%7s ms  retx %5s%s%s" % (
                        s, cc, fmt(m["goodput_mbps"]), fmt(m["rtt_median_ms"], "%.1f"),
                        fmt(m["rtt_p95_ms"], "%.1f"), fmt(m["retransmits"], "%d"),
                        "  jain %.3f" % m["jain"] if m["jain"] else "",
                        "  share %.2f" % m["share"] if m["share"] is not None else ""))
        print("report: %s/results.json, %d plots" % (out, len(plots)))
        if doc:
            write_doc(doc, runs, summ, plots, out, note)
            print("report: wrote %s" % doc)
    rc = 0
    for app, name, log in apps:
        res = fct_report(app, name, log, out)
        if res is None:
            rc = 1
            continue
        if doc:
            path = os.path.join(os.path.dirname(os.path.abspath(doc)), FCT_APPS[app]["doc"])
            desc = scenario_desc(app, os.path.join(base, name + ".env"))
            replace_section(path, app + ":" + name, fct_section(res, desc, os.path.dirname(path), note))
            doc_written = path
            print("report: wrote the %s section of %s" % (name, doc_written))
    return rc


if __name__ == "__main__":
    sys.exit(main())
