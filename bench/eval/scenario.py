#!/usr/bin/env python3
"""Scenario files of the congestion-control evaluation (bench/eval/scenarios/*.toml;
flow scheduling has its own schema under scenarios/fs/, read by fs_scenario.py).

Usage: scenario.py check FILE...            validate; one line per bad file
       scenario.py plan [--quick] FILE...   validate, then print the run plan
                                            (one line per run, for vm-eval.sh)

A scenario (TOML, parsed with Python's tomllib):
  description  = "..."           free text (required)
  duration     = 15              seconds per run, 1..600
  repetitions  = 3               1..20
  ccs          = ["lf_aurora", ...]   default: every CC of the comparison
  [link]  rate_mbit (0.1..1000), rtt_ms (0..2000), queue_pkts (1..100000),
          loss_pct (0..50, default 0)
  [[link.steps]]  at (s, 0 < at < duration), rate_mbit: the rate from then on
  [flows] count (1..8 same-CC flows, default 1), against = "cubic" (one
          competing flow of that CC), stagger_s (0..60, start of flow i at
          i x stagger_s)
Unknown keys, wrong types and impossible values are refused with one line
naming the file and the key, exit 2.
Plan line: name|cc|rep|duration|rate|rtt|queue|loss|count|against|stagger|steps
(steps: "at:rate,at:rate").  --quick: 1 repetition, duration capped at 8 s.
"""
import os
import sys
import tomllib

CCS = ["lf_aurora", "lf_aurora_noadapt", "lf_aurora_bpf", "lf_aurora_user", "lf_mocc", "lf_dummy", "cubic", "bbr"]
AGAINST = ["cubic", "bbr", "reno"]


class Bad(Exception):
    pass


def num(d, key, where, lo, hi, default=None, integer=False):
    if key not in d:
        if default is None:
            raise Bad("%s: missing" % (where + key))
        return default
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not isinstance(v, int)):
        raise Bad("%s: expected %s, got %r" % (where + key, "an integer" if integer else "a number", v))
    if not lo <= v <= hi:
        raise Bad("%s: %r is outside %g..%g" % (where + key, v, lo, hi))
    return v


def only(d, keys, where):
    for k in d:
        if k not in keys:
            raise Bad("unknown key '%s'" % (where + k))


def load(path):
    try:
        with open(path, "rb") as f:
            d = tomllib.load(f)
    except OSError as e:
        raise Bad("cannot read: %s" % e.strerror)
    except tomllib.TOMLDecodeError as e:
        raise Bad("not TOML: %s" % e)
    only(d, ["description", "duration", "repetitions", "ccs", "link", "flows"], "")
    if not isinstance(d.get("description"), str):
        raise Bad("description: missing or not a string")
    s = {"name": os.path.splitext(os.path.basename(path))[0], "description": d["description"]}
    s["duration"] = num(d, "duration", "", 1, 600)
    s["repetitions"] = num(d, "repetitions", "", 1, 20, default=1, integer=True)
    ccs = d.get("ccs", CCS)
    if not isinstance(ccs, list) or not ccs:
        raise Bad("ccs: expected a non-empty list")
    for c in ccs:
        if c not in CCS:
            raise Bad("ccs: unknown congestion control %r (known: %s)" % (c, ", ".join(CCS)))
    s["ccs"] = ccs
    link = d.get("link")
    if not isinstance(link, dict):
        raise Bad("link: missing table [link]")
    only(link, ["rate_mbit", "rtt_ms", "queue_pkts", "loss_pct", "steps"], "link.")
    s["rate"] = num(link, "rate_mbit", "link.", 0.1, 1000)
    s["rtt"] = num(link, "rtt_ms", "link.", 0, 2000)
    s["queue"] = num(link, "queue_pkts", "link.", 1, 100000, integer=True)
    s["loss"] = num(link, "loss_pct", "link.", 0, 50, default=0)
    steps = []
    raw = link.get("steps", [])
    if not isinstance(raw, list):
        raise Bad("link.steps: expected an array of tables [[link.steps]]")
    for i, st in enumerate(raw):
        w = "link.steps[%d]." % i
        if not isinstance(st, dict):
            raise Bad(w[:-1] + ": expected a table")
        only(st, ["at", "rate_mbit"], w)
        at = num(st, "at", w, 0, s["duration"])
        if not 0 < at < s["duration"]:
            raise Bad("%sat: %r is not inside the run (0..%g s)" % (w, at, s["duration"]))
        if steps and at <= steps[-1][0]:
            raise Bad("%sat: %r is not after the previous step" % (w, at))
        steps.append((at, num(st, "rate_mbit", w, 0.1, 1000)))
    s["steps"] = steps
    fl = d.get("flows", {})
    if not isinstance(fl, dict):
        raise Bad("flows: expected a table [flows]")
    only(fl, ["count", "against", "stagger_s"], "flows.")
    s["count"] = num(fl, "count", "flows.", 1, 8, default=1, integer=True)
    s["stagger"] = num(fl, "stagger_s", "flows.", 0, 60, default=0)
    ag = fl.get("against", "")
    if ag and ag not in AGAINST:
        raise Bad("flows.against: unknown congestion control %r (known: %s)" % (ag, ", ".join(AGAINST)))
    s["against"] = ag
    return s


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("check", "plan"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    quick = "--quick" in args
    files = [a for a in args[1:] if a != "--quick"]
    if not files:
        print("scenario.py: no scenario files given", file=sys.stderr)
        return 2
    scen, bad = [], 0
    for f in files:
        try:
            scen.append(load(f))
        except Bad as e:
            print("scenario %s: %s" % (f, e), file=sys.stderr)
            bad += 1
    if bad:
        return 2
    if args[0] == "plan":
        for s in scen:
            reps = 1 if quick else s["repetitions"]
            dur = min(s["duration"], 8) if quick else s["duration"]
            steps = ",".join("%g:%g" % st for st in s["steps"] if st[0] < dur)
            for r in range(1, reps + 1):
                for cc in s["ccs"]:
                    print("|".join(str(x) for x in (
                        s["name"], cc, r, "%g" % dur, "%g" % s["rate"], "%g" % s["rtt"], s["queue"],
                        "%g" % s["loss"], s["count"], s["against"], "%g" % s["stagger"], steps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
