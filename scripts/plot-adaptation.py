#!/usr/bin/env python3
"""Draws the demo's adaptation run: the active snapshot's error on fresh inputs
over time (the LF-SERIES lines of the VM console log) with the daemon's events
(LF-EVENT lines: the workload change, drifts, pushes, canary verdicts,
rollbacks, freezes).

Usage: scripts/plot-adaptation.py VM-LOG OUT.png
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot-adaptation.py VM-LOG OUT.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot-adaptation: matplotlib missing (apt-get install python3-matplotlib)")
    series, events = [], []
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("LF-SERIES "):
                p = line.split()
                if len(p) >= 4:
                    series.append((float(p[1]), max(float(p[2]), 1.0), int(p[3])))
            elif line.startswith("LF-EVENT "):
                try:
                    events.append(json.loads(line[len("LF-EVENT "):]))
                except ValueError:
                    pass
    if not series:
        sys.exit("plot-adaptation: no LF-SERIES lines in " + sys.argv[1])
    t0 = series[0][0]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.semilogy([s[0] - t0 for s in series], [s[1] for s in series], "o-", color="black",
                ms=3, lw=1.2, label="active snapshot: mean |error| on fresh inputs (ppm)")
    style = {
        "workload-change": ("tab:red", "-", "workload change"),
        "drift": ("tab:orange", "--", "drift detected"),
        "push": ("tab:blue", ":", "update (weight push)"),
        "module": ("tab:purple", ":", "update (new module)"),
        "canary-pass": ("tab:green", "-.", "canary passed"),
        "rollback": ("tab:brown", "-", "rollback"),
        "freeze": ("black", "-", "frozen"),
    }
    seen = set()
    for e in events:
        kind = e.get("event")
        if kind == "decision":
            kind = e.get("path", "push")
        elif kind == "canary":
            kind = "canary-pass" if e.get("verdict") == "pass" else "rollback"
        if kind not in style or "t" not in e:
            continue
        color, ls, label = style[kind]
        ax.axvline(e["t"] - t0, color=color, ls=ls, lw=1,
                   label=None if kind in seen else label)
        seen.add(kind)
    ax.set_xlabel("seconds")
    ax.set_ylabel("mean |error| (ppm, log)")
    ax.set_title("LiteFlow: the kernel's snapshot tracks a changing workload (lf-runtime)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4,
              frameon=False)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)



if __name__ == "__main__":
    main()
