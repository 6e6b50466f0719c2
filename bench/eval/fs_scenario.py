#!/usr/bin/python3
"""Reads a flow-scheduling scenario (bench/eval/scenarios/fs/*.toml) and prints
it as shell assignments (FS_*) for bench/eval/fs-run.sh.

Usage: fs_scenario.py SCENARIO.toml
Keys (all but name and cdf have defaults):
  name        scenario name (letters, digits, -, _)
  cdf         flow-size CDF file, relative to bench/eval/cdf/ or absolute
  scale       factor applied to every size (1)          max_size   cap in bytes (0: none)
  services    destination ports / services (4)          seed       first seed (1)
  rate_mbit   bottleneck rate (30)  rtt_ms (4)           queue_pkts per band (100)
  load        offered load of the bottleneck (0.7)      flows      flows per run (200)
  thresholds  class boundaries in bytes (lf_fs and the oracle) [20000, 200000, 2000000]
  schemes     any of fifo, pias, oracle, user, lf (all)  reps       repetitions (3)
A user error (unknown key, wrong type, a value out of range, a missing CDF)
prints one line naming the file and key and exits 1.
"""
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMES = ["fifo", "pias", "oracle", "user", "lf"]
DEFAULTS = {"scale": 1.0, "max_size": 0, "services": 4, "seed": 1, "rate_mbit": 30.0,
            "rtt_ms": 4.0, "queue_pkts": 100, "load": 0.7, "flows": 200,
            "thresholds": [20000, 200000, 2000000], "schemes": SCHEMES, "reps": 3}
RANGES = {"scale": (1e-6, 1e6), "max_size": (0, 1e12), "services": (1, 64), "seed": (0, 1e15),
          "rate_mbit": (1, 10000), "rtt_ms": (0, 1000), "queue_pkts": (2, 100000),
          "load": (0.01, 1), "flows": (1, 1e6), "reps": (1, 100)}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fs_scenario.py SCENARIO.toml")
    path = sys.argv[1]

    def bad(msg):
        sys.exit("fs_scenario: %s: %s" % (path, msg))
    try:
        with open(path, "rb") as f:
            sc = tomllib.load(f)
    except OSError as e:
        bad(e.strerror)
    except tomllib.TOMLDecodeError as e:
        bad("not TOML: %s" % e)
    for k in sc:
        if k not in DEFAULTS and k not in ("name", "cdf"):
            bad("unknown key '%s'" % k)
    for k in ("name", "cdf"):
        if not isinstance(sc.get(k), str):
            bad("key '%s' missing or not a string" % k)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", sc["name"]):
        bad("name '%s': letters, digits, - and _ only" % sc["name"])
    v = dict(DEFAULTS, **sc)
    for k, (lo, hi) in RANGES.items():
        if isinstance(v[k], bool) or not isinstance(v[k], (int, float)) or not lo <= v[k] <= hi:
            bad("key '%s': %r is not a number in [%g, %g]" % (k, v[k], lo, hi))
    t = v["thresholds"]
    if (not isinstance(t, list) or not 1 <= len(t) <= 3 or
            any(not isinstance(x, int) or x <= 0 for x in t) or sorted(set(t)) != t):
        bad("key 'thresholds': want 1 to 3 increasing byte counts (4 bands)")
    s = v["schemes"]
    if not isinstance(s, list) or not s or any(x not in SCHEMES for x in s):
        bad("key 'schemes': want a list of %s" % ", ".join(SCHEMES))
    cdf = v["cdf"] if os.path.isabs(v["cdf"]) else os.path.join(HERE, "cdf", v["cdf"])
    if not os.path.isfile(cdf):
        bad("key 'cdf': no file %s" % cdf)
    out = {"FS_NAME": v["name"], "FS_CDF_FILE": cdf, "FS_SCALE": v["scale"],
           "FS_MAX_SIZE": v["max_size"] or 1e12, "FS_SERVICES": v["services"],
           "FS_SEED": v["seed"], "FS_RATE": v["rate_mbit"], "FS_RTT": v["rtt_ms"],
           "FS_QUEUE": v["queue_pkts"], "FS_LOAD": v["load"], "FS_FLOWS": v["flows"],
           "FS_THR": ",".join(str(x) for x in t), "FS_SCHEMES": " ".join(s), "FS_REPS": v["reps"]}
    for k, x in out.items():
        print("%s='%s'" % (k, ("%g" % x) if isinstance(x, float) else x))


if __name__ == "__main__":
    main()
