#!/usr/bin/env python3
"""ctest driver: PyTorch reference models through the `lfc` CLI.

Usage: run_lfc_models.py LFC OUTDIR [--bound16 B] [--only NAME...]

Runs gen_models.py OUTDIR (PyTorch export + sample CSVs; skipped when
OUTDIR/models.txt is newer than gen_models.py), then for every model:

  lfc M.onnx run --input M.inputs.csv --float       must match PyTorch with
      |lfc - torch| <= 1e-5 + 1e-5 * |torch|       (the float reference)
  lfc M.onnx run --input M.inputs.csv [--bits 16]  the snapshot's C (twin),
      input ranges calibrated from the --input rows.

Accuracy figure of the snapshot: max |lfc - torch| over all samples and
outputs divided by the output range (max - min of PyTorch's outputs over
all samples and outputs). Asserted:
  32 bits: <= 1e-3  (the accuracy goal: 1e-3 of the output range)
  16 bits: <= BOUND16 (default 5e-3). At 16 bits values and weights are
      stored with ~2^-13..2^-15 resolution of their ranges and every fc layer
      sums the rounding of K <= 64 products, so a few 1e-4 of the range is
      what 16-bit storage buys on these nets (measured worst: 3.7e-4, ffnn);
      5e-3 leaves >10x margin for rounding yet catches real breakage (a wrong
      shift or format costs a factor of 2 or more, i.e. errors ~ the range).
Prints one line of figures per model.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "models", "gen_models.py")


def read_csv(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rows.append([float(c) for c in line.split(",")])
    return rows


def parse_rows(text):
    return [[float(c) for c in l.split(",")] for l in text.splitlines() if l]


def run_lfc(lfc, model, args):
    r = subprocess.run([lfc, model, "run"] + args, capture_output=True,
                       text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return parse_rows(r.stdout), r.stderr.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lfc")
    ap.add_argument("outdir")
    ap.add_argument("--bound32", type=float, default=1e-3)
    ap.add_argument("--bound16", type=float, default=5e-3)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()

    manifest = os.path.join(a.outdir, "models.txt")
    if (not os.path.exists(manifest) or
            os.path.getmtime(manifest) < os.path.getmtime(GEN)):
        subprocess.run([sys.executable, GEN, a.outdir], check=True)
    names = a.only or open(manifest).read().split()

    failed = []
    print("%-14s %12s %12s %12s %12s" % ("model", "range", "float err",
                                          "32b err/rng", "16b err/rng"))
    for n in names:
        p = os.path.join(a.outdir, n)
        onnx, inputs = p + ".onnx", p + ".inputs.csv"
        want = read_csv(p + ".outputs.csv")
        flat = [v for row in want for v in row]
        rng = max(flat) - min(flat)
        figs, why = {}, []

        got, err = run_lfc(a.lfc, onnx, ["--input", inputs, "--float"])
        if got is None or len(got) != len(want):
            why.append("--float: " + (err or "wrong row count"))
        else:
            worst = 0.0
            for g, w in zip(got, want):
                if len(g) != len(w):
                    why.append("--float: row width %d, expected %d" %
                               (len(g), len(w)))
                    break
                for x, y in zip(g, w):
                    worst = max(worst, abs(x - y))
                    if abs(x - y) > 1e-5 + 1e-5 * abs(y):
                        why.append("--float: %.9g vs %.9g" % (x, y))
            figs["float"] = worst

        for bits, bound in ((32, a.bound32), (16, a.bound16)):
            got, err = run_lfc(a.lfc, onnx, ["--input", inputs, "--bits",
                                             str(bits)])
            if got is None or len(got) != len(want) or any(
                    len(g) != len(w) for g, w in zip(got, want)):
                why.append("%d bits: %s" % (bits, err or "wrong shape"))
                continue
            worst = max(abs(x - y) for g, w in zip(got, want)
                        for x, y in zip(g, w))
            figs[bits] = worst / rng
            if not figs[bits] <= bound:
                why.append("%d bits: max |err| %.3g = %.3g x range > %g" %
                           (bits, worst, figs[bits], bound))

        def f(k):
            return "%12.3g" % figs[k] if k in figs else "%12s" % "-"
        print("%-14s %12.4g %s %s %s" % (n, rng, f("float"), f(32), f(16)))
        if why:
            failed.append(n)
            for w in why[:5]:
                print("  FAIL %s: %s" % (n, w))
    print("bounds: float |err| <= 1e-5 + 1e-5|y|; 32 bits err/range <= %g; "
          "16 bits err/range <= %g" % (a.bound32, a.bound16))
    if failed:
        print("FAILED:", " ".join(failed))
        return 1
    print("all %d models within bounds" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
