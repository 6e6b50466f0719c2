#!/usr/bin/env python3
"""ctest driver: gen_models.py OUTDIR, then lf-model-check on every model.

Usage: run_models_test.py LF_MODEL_CHECK OUTDIR
"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
tool, outdir = sys.argv[1], sys.argv[2]
subprocess.run([sys.executable, os.path.join(here, "gen_models.py"), outdir],
               check=True)
names = open(os.path.join(outdir, "models.txt")).read().split()
failed = []
for n in names:
    p = os.path.join(outdir, n)
    r = subprocess.run([tool, p + ".onnx", p + ".inputs.csv",
                        p + ".outputs.csv"])
    if r.returncode != 0:
        failed.append(n)
if failed:
    print("FAILED:", " ".join(failed))
    sys.exit(1)
print("all %d models match PyTorch" % len(names))
