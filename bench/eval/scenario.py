#!/usr/bin/env python3
"""Scenario files of the network evaluation (bench/eval/scenarios/**/*.toml):
one loader and validator for every application, chosen by the file's `app`
key ("cc" when absent): congestion control (scenarios/*.toml), flow
scheduling (scenarios/fs/), load balancing (scenarios/lb/).

Usage: scenario.py check FILE...            validate; one line per bad file
       scenario.py plan [--quick] [--reps N] FILE...
                                            validate, then print the CC run
                                            plan (one line per run, vm/cc.sh)
       scenario.py app FILE                 print the file's application
       scenario.py env [--quick] [--reps N] FILE
                                            validate one fs or lb scenario and
                                            print it as shell assignments
                                            (FS_* / LB_*, for vm/fs.sh, vm/lb.sh,
                                            scripts/lb-up.sh)

Common: app = "cc" | "fs" | "lb"; description = "..." (free text).

app = "cc" (the default):
  duration     = 15              seconds per run, 1..600
  repetitions  = 3               1..20
  ccs          = ["lf_aurora", ...]   default: every CC of the comparison
  [link]  rate_mbit (0.1..1000), rtt_ms (0..2000), queue_pkts (1..100000),
          loss_pct (0..50, default 0)
  [[link.steps]]  at (s, 0 < at < duration), rate_mbit: the rate from then on
  [flows] count (1..8 same-CC flows, default 1), against = "cubic" (one
          competing flow of that CC), stagger_s (0..60, start of flow i at
          i x stagger_s)
  Plan line: name|cc|rep|duration|rate|rtt|queue|loss|count|against|stagger|steps
  (steps: "at:rate,at:rate").  --quick: 1 repetition, duration capped at 8 s.
  --reps N (any app): at most N repetitions per scenario (a shorter full run).

Flows of fs and lb (lf_fsgen, bench/eval/fsgen): cdf (file, relative to
bench/eval/cdf/ or absolute; required), scale (1), max_size (bytes, 0: none),
load (offered load, 0.01..1), flows (per run, 200), reps (3), seed (1),
schemes (list, default all of the app's).  --quick: 1 repetition, at most 60
flows.

app = "fs": name, services (4), rate_mbit (30), rtt_ms (4), queue_pkts (100 per
  band), thresholds ([20000, 200000, 2000000]), senders (hosts behind the
  bottleneck, 1..8, default 2: each opens flows/senders flows at load/senders);
  schemes of fifo, pias, oracle, user, lf (FFNN in the kernel, adaptation off),
  lf_adapt (the same with lf-runtime adapting it); warmup_flows (0): flows of
  the workload run before the measured ones by the schemes that learn from
  past flows (user, lf, lf_adapt: the ports' size history, the adaptation);
  [shift] (optional): the workload changes after the warm-up flows, then
  after_flows (0..100000, default 0) flows of the new workload run (the
  adaptation's time) before the measured ones, which are of the new workload;
  its keys services, cdf, scale, max_size (default: the scenario's; at least
  one differs).  --quick: warmup_flows and after_flows at most 100.

app = "lb" (several paths from one sender to one receiver, kmod/apps/lb):
  schemes of ecmp, flowlet, user, lf_noadapt, lf; flowlet_us (timeout of the
  flowlet scheme, 500); warmup_flows (flows run before the measured ones in
  each scheme, to adapt: 0); load is of the sum of the paths' rates;
  [[paths]] (2..8): name (letters, digits, -, _; once), rate_mbit (0.1..1000),
          rtt_ms (0..2000), queue_pkts (1..100000, 100), loss_pct (0..50, 0)
  [[changes]]: at (s after a run's start, > 0), path (a name of [[paths]]),
          and at least one of rate_mbit, rtt_ms, loss_pct: the path from then on
Unknown keys, wrong types and impossible values are refused with one line
naming the file and the key (and the entry, e.g. paths[1].name), exit 2.
"""
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
APPS = ["cc", "fs", "lb"]
CCS = ["lf_aurora", "lf_aurora_noadapt", "lf_aurora_bpf", "lf_aurora_user", "lf_mocc", "lf_dummy", "cubic", "bbr"]
AGAINST = ["cubic", "bbr", "reno"]
FS_SCHEMES = ["fifo", "pias", "oracle", "user", "lf", "lf_adapt"]
FS_LEARN = ["user", "lf", "lf_adapt"]
LB_SCHEMES = ["ecmp", "flowlet", "user", "lf_noadapt", "lf"]
LB_MAX_PATHS = 8


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


def strlist(d, key, known, what):
    v = d.get(key, known)
    if not isinstance(v, list) or not v:
        raise Bad("%s: expected a non-empty list" % key)
    for c in v:
        if c not in known:
            raise Bad("%s: unknown %s %r (known: %s)" % (key, what, c, ", ".join(known)))
    return v


def read(path):
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise Bad("cannot read: %s" % e.strerror)
    except tomllib.TOMLDecodeError as e:
        raise Bad("not TOML: %s" % e)


def load(path):
    d = read(path)
    app = d.get("app", "cc")
    if app not in APPS:
        raise Bad("app: unknown application %r (known: %s)" % (app, ", ".join(APPS)))
    s = {"fs": load_fs, "lb": load_lb}.get(app, load_cc)(d, path)
    s["app"] = app
    return s


def load_cc(d, path):
    only(d, ["app", "description", "duration", "repetitions", "ccs", "link", "flows"], "")
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


def cdf_file(d, where, default=None):
    """The CDF file of key cdf (relative to bench/eval/cdf/ or absolute)."""
    if "cdf" not in d and default:
        return default
    if not isinstance(d.get("cdf"), str):
        raise Bad("%scdf: missing or not a string" % where)
    cdf = d["cdf"] if os.path.isabs(d["cdf"]) else os.path.join(HERE, "cdf", d["cdf"])
    if not os.path.isfile(cdf):
        raise Bad("%scdf: no file %s" % (where, cdf))
    return cdf


def flows_section(d, s, schemes, quick):
    """The lf_fsgen keys shared by fs and lb."""
    s["cdf_file"] = cdf_file(d, "")
    s["scale"] = num(d, "scale", "", 1e-6, 1e6, default=1.0)
    s["max_size"] = num(d, "max_size", "", 0, 1e12, default=0)
    s["load"] = num(d, "load", "", 0.01, 1, default=0.7)
    s["flows"] = num(d, "flows", "", 1, 1000000, default=200, integer=True)
    s["reps"] = num(d, "reps", "", 1, 100, default=3, integer=True)
    s["seed"] = num(d, "seed", "", 0, 1e15, default=1, integer=True)
    s["schemes"] = strlist(d, "schemes", schemes, "scheme")


def load_fs(d, path):
    only(d, ["app", "description", "name", "cdf", "scale", "max_size", "services", "seed", "rate_mbit",
             "rtt_ms", "queue_pkts", "load", "flows", "thresholds", "schemes", "reps", "senders",
             "warmup_flows", "shift"], "")
    if not isinstance(d.get("name"), str):
        raise Bad("name: missing or not a string")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", d["name"]):
        raise Bad("name: %r: letters, digits, - and _ only" % d["name"])
    s = {"name": d["name"], "description": d.get("description", "")}
    flows_section(d, s, FS_SCHEMES, False)
    s["services"] = num(d, "services", "", 1, 64, default=4, integer=True)
    s["rate"] = num(d, "rate_mbit", "", 1, 10000, default=30.0)
    s["rtt"] = num(d, "rtt_ms", "", 0, 1000, default=4.0)
    s["queue"] = num(d, "queue_pkts", "", 2, 100000, default=100, integer=True)
    t = d.get("thresholds", [20000, 200000, 2000000])
    if (not isinstance(t, list) or not 1 <= len(t) <= 3 or
            any(isinstance(x, bool) or not isinstance(x, int) or x <= 0 for x in t) or sorted(set(t)) != t):
        raise Bad("thresholds: want 1 to 3 increasing byte counts (4 bands)")
    s["thresholds"] = t
    s["senders"] = num(d, "senders", "", 1, 8, default=2, integer=True)
    s["warmup"] = num(d, "warmup_flows", "", 0, 100000, default=0, integer=True)
    s["shift"] = None
    if "shift" in d:
        sh = d["shift"]
        if not isinstance(sh, dict):
            raise Bad("shift: expected a table [shift]")
        only(sh, ["after_flows", "services", "cdf", "scale", "max_size"], "shift.")
        n = {"after": num(sh, "after_flows", "shift.", 0, 100000, default=0, integer=True),
             "services": num(sh, "services", "shift.", 1, 64, default=s["services"], integer=True),
             "cdf_file": cdf_file(sh, "shift.", s["cdf_file"]),
             "scale": num(sh, "scale", "shift.", 1e-6, 1e6, default=s["scale"]),
             "max_size": num(sh, "max_size", "shift.", 0, 1e12, default=s["max_size"])}
        if all(n[k] == s[k] for k in ("services", "cdf_file", "scale", "max_size")):
            raise Bad("shift: changes nothing (want services, cdf, scale or max_size unlike the scenario's)")
        s["shift"] = n
    return s


def load_lb(d, path):
    only(d, ["app", "description", "cdf", "scale", "max_size", "load", "flows", "reps", "seed", "schemes",
             "flowlet_us", "warmup_flows", "paths", "changes"], "")
    if not isinstance(d.get("description"), str):
        raise Bad("description: missing or not a string")
    s = {"name": "lb-" + os.path.splitext(os.path.basename(path))[0], "description": d["description"]}
    flows_section(d, s, LB_SCHEMES, False)
    s["flowlet_us"] = num(d, "flowlet_us", "", 10, 1000000, default=500, integer=True)
    s["warmup_flows"] = num(d, "warmup_flows", "", 0, 1000000, default=0, integer=True)
    raw = d.get("paths")
    if not isinstance(raw, list) or not raw:
        raise Bad("paths: missing array of tables [[paths]]")
    if not 2 <= len(raw) <= LB_MAX_PATHS:
        raise Bad("paths: %d paths, want 2..%d" % (len(raw), LB_MAX_PATHS))
    paths, seen = [], {}
    for i, p in enumerate(raw):
        w = "paths[%d]." % i
        if not isinstance(p, dict):
            raise Bad(w[:-1] + ": expected a table")
        only(p, ["name", "rate_mbit", "rtt_ms", "queue_pkts", "loss_pct"], w)
        n = p.get("name")
        if not isinstance(n, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,15}", n):
            raise Bad("%sname: %r is not 1..15 letters, digits, - or _" % (w, n))
        if n in seen:
            raise Bad("%sname: path %r is named twice (also paths[%d])" % (w, n, seen[n]))
        seen[n] = i
        paths.append({"name": n, "rate": num(p, "rate_mbit", w, 0.1, 1000),
                      "rtt": num(p, "rtt_ms", w, 0, 2000),
                      "queue": num(p, "queue_pkts", w, 1, 100000, default=100, integer=True),
                      "loss": num(p, "loss_pct", w, 0, 50, default=0)})
    s["paths"] = paths
    raw = d.get("changes", [])
    if not isinstance(raw, list):
        raise Bad("changes: expected an array of tables [[changes]]")
    ch = []
    for i, c in enumerate(raw):
        w = "changes[%d]." % i
        if not isinstance(c, dict):
            raise Bad(w[:-1] + ": expected a table")
        only(c, ["at", "path", "rate_mbit", "rtt_ms", "loss_pct"], w)
        at = num(c, "at", w, 0, 3600)
        if at <= 0:
            raise Bad("%sat: %r is not after the run's start" % (w, at))
        if ch and at < ch[-1]["at"]:
            raise Bad("%sat: %r is before the previous change" % (w, at))
        if c.get("path") not in seen:
            raise Bad("%spath: %r is not a path of [[paths]]" % (w, c.get("path")))
        e = {"at": at, "path": c["path"]}
        for k, lo, hi in (("rate_mbit", 0.1, 1000), ("rtt_ms", 0, 2000), ("loss_pct", 0, 50)):
            if k in c:
                e[k] = num(c, k, w, lo, hi)
        if len(e) == 2:
            raise Bad("%s: changes nothing (want rate_mbit, rtt_ms or loss_pct)" % w[:-1])
        ch.append(e)
    s["changes"] = ch
    return s


def shell_env(s, quick, max_reps):
    """fs and lb scenarios as shell assignments for the in-VM drivers."""
    reps = 1 if quick else min(s["reps"], max_reps)
    flows = min(s["flows"], 60) if quick else s["flows"]
    if s["app"] == "fs":
        out = {"FS_NAME": s["name"], "FS_CDF_FILE": s["cdf_file"], "FS_SCALE": s["scale"],
               "FS_MAX_SIZE": s["max_size"] or 1e12, "FS_SERVICES": s["services"],
               "FS_SEED": s["seed"], "FS_RATE": s["rate"], "FS_RTT": s["rtt"],
               "FS_QUEUE": s["queue"], "FS_LOAD": s["load"], "FS_FLOWS": flows,
               "FS_THR": ",".join(str(x) for x in s["thresholds"]), "FS_SCHEMES": " ".join(s["schemes"]),
               "FS_REPS": reps, "FS_SENDERS": s["senders"],
               "FS_WARMUP": min(s["warmup"], 100) if quick else s["warmup"]}
        sh = s["shift"] or {}
        out.update({"FS_SHIFT": 1 if sh else 0,
                    "FS_SH_AFTER": (min(sh["after"], 100) if quick else sh["after"]) if sh else 0,
                    "FS_SH_SERVICES": sh.get("services", s["services"]),
                    "FS_SH_CDF_FILE": sh.get("cdf_file", s["cdf_file"]),
                    "FS_SH_SCALE": sh.get("scale", s["scale"]),
                    "FS_SH_MAX_SIZE": sh.get("max_size", s["max_size"]) or 1e12})
    else:
        out = {"LB_NAME": s["name"], "LB_CDF_FILE": s["cdf_file"], "LB_SCALE": s["scale"],
               "LB_MAX_SIZE": s["max_size"] or 1e12, "LB_SEED": s["seed"], "LB_LOAD": s["load"],
               "LB_FLOWS": flows, "LB_REPS": reps, "LB_SCHEMES": " ".join(s["schemes"]),
               "LB_FLOWLET_US": s["flowlet_us"], "LB_WARMUP": s["warmup_flows"],
               "LB_NPATHS": len(s["paths"]),
               "LB_RATE_SUM": sum(p["rate"] for p in s["paths"]),
               "LB_PATHS": " ".join("%s:%g:%g:%d:%g" % (p["name"], p["rate"], p["rtt"], p["queue"], p["loss"])
                                    for p in s["paths"]),
               "LB_CHANGES": " ".join("%g:%s:%s" % (c["at"], c["path"], ",".join(
                   "%s=%g" % (k, c[k]) for k in ("rate_mbit", "rtt_ms", "loss_pct") if k in c))
                                      for c in s["changes"])}
    return "".join("%s='%s'\n" % (k, ("%g" % x) if isinstance(x, float) else x) for k, x in out.items())


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("check", "plan", "app", "env"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    max_reps = 20
    if "--reps" in args:
        i = args.index("--reps")
        v = args[i + 1] if i + 1 < len(args) else ""
        if not v.isdigit() or not 1 <= int(v) <= 20:
            print("scenario.py: --reps %r: want a whole number 1..20" % v, file=sys.stderr)
            return 2
        max_reps = int(v)
        del args[i:i + 2]
    files = args[1:]
    if not files:
        print("scenario.py: no scenario files given", file=sys.stderr)
        return 2
    if args[0] in ("app", "env") and len(files) != 1:
        print("scenario.py: %s takes one scenario file" % args[0], file=sys.stderr)
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
    if args[0] == "app":
        print(scen[0]["app"])
    elif args[0] == "env":
        if scen[0]["app"] == "cc":
            print("scenario %s: a cc scenario has no env form (use plan)" % files[0], file=sys.stderr)
            return 2
        sys.stdout.write(shell_env(scen[0], quick, max_reps))
    elif args[0] == "plan":
        for s in scen:
            if s["app"] != "cc":
                continue
            reps = 1 if quick else min(s["repetitions"], max_reps)
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
