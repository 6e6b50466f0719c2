#!/usr/bin/python3
"""Medians over repetitions of a flow-scheduling run (RESULT/UPCALL lines of
bench/eval/fs-run.sh in a VM console log): prints a table, writes NAME.json,
NAME.md and NAME.png into --out.

Usage: fs_report.py CONSOLE.log --name NAME --out DIR
"""
import argparse
import json
import os
import statistics
import sys

ORDER = ["fifo", "pias", "oracle", "user", "lf"]
LABEL = {"fifo": "FIFO", "pias": "PIAS", "oracle": "oracle SJF", "user": "userspace FFNN",
         "lf": "LiteFlow FFNN"}
COLS = [("small_mean_ms", "small mean"), ("small_p99_ms", "small p99"),
        ("large_mean_ms", "large mean"), ("mean_ms", "all mean"),
        ("mean_slowdown", "mean slowdown")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    runs, up = {}, []
    for line in open(a.log, errors="replace"):
        w = line.strip().split()
        if len(w) > 3 and w[0] == "RESULT":
            d = {k: float(v) for k, v in zip(w[3::2], w[4::2])}
            runs.setdefault(w[1], []).append(d)
        elif len(w) > 3 and w[0] == "UPCALL":
            up.append({k: float(v) for k, v in zip(w[2::2], w[3::2])})
    if not runs:
        sys.exit("fs_report: %s: no RESULT lines" % a.log)
    med = {s: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for s, rs in runs.items()}
    res = {"name": a.name, "reps": {s: len(rs) for s, rs in runs.items()}, "median": med,
           "upcall": up}
    if "lf" in med and "user" in med:
        res["lf_vs_user"] = {k: med["lf"][k] / med["user"][k] - 1 for k, _ in COLS if med["user"][k]}
    schemes = [s for s in ORDER if s in med]
    md = ["| scheme | " + " | ".join(c for _, c in COLS) + " | flows finished |",
          "|---|" + "---|" * (len(COLS) + 1)]
    for s in schemes:
        m = med[s]
        cells = []
        for k, _ in COLS:
            v = "%.1f" % m[k] if k.endswith("_ms") else "%.2f" % m[k]
            if s != "fifo" and "fifo" in med and med["fifo"][k]:
                v += " (%+.0f%%)" % (100 * (m[k] / med["fifo"][k] - 1))
            cells.append(v)
        md.append("| %s | %s | %d/%d |" % (LABEL[s], " | ".join(cells), m.get("finished", 0),
                                          m.get("started", 0)))
    if "lf_vs_user" in res:
        md.append("")
        md.append("LiteFlow FFNN vs the userspace FFNN: small-flow mean FCT %+.1f%%, large-flow mean "
                  "FCT %+.1f%% (paper: -10.9%% short, -33.7%% long)."
                  % (100 * res["lf_vs_user"]["small_mean_ms"], 100 * res["lf_vs_user"]["large_mean_ms"]))
    if up:
        md.append("Userspace round trip (request to answer applied): median of runs %.0f us; "
                  "answers that came after their flow ended: %d of %d." %
                  (statistics.median(u["mean_us"] for u in up), sum(u["stale"] for u in up),
                   sum(u["stale"] + u["answers"] for u in up)))
    text = "\n".join(md) + "\n"
    print("%s (medians of %s runs; FCT in ms; small < 100 KB, large: top decile by size)"
          % (a.name, "/".join(str(len(runs[s])) for s in schemes)))
    print(text)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, a.name + ".json"), "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(a.out, a.name + ".md"), "w") as f:
        f.write(text)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, axs = plt.subplots(1, 3, figsize=(11, 3.2))
    for ax, (k, c) in zip(axs, COLS[:3]):
        ax.bar([LABEL[s] for s in schemes], [med[s][k] for s in schemes],
               color=["#999", "#6a6", "#555", "#c66", "#36c"][:len(schemes)])
        ax.set_title(c + " FCT (ms)")
        ax.tick_params(axis="x", rotation=45, labelsize=7)
    fig.suptitle(a.name)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, a.name + ".png"), dpi=110)


if __name__ == "__main__":
    main()
