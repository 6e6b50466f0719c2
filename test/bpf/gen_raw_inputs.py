#!/usr/bin/env python3
"""Raw integer inputs for a snapshot: extremes first, then random rows.

Usage: gen_raw_inputs.py N_IN IN_FRAC_CSV ROWS SEED > raw.csv
Rows: all-zero, all INT32_MIN, all INT32_MAX, +-1, alternating extremes,
then rows mixing full-range 32-bit values with values of realistic size
(|x| up to 16 in the input's format) and per-element extremes.
"""
import random
import sys

n, fracs, rows, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
frac = [int(v) for v in fracs.split(",")]
lo, hi = -2**31, 2**31 - 1
rnd = random.Random(seed)
out = [[0] * n, [lo] * n, [hi] * n, [1] * n, [-1] * n,
       [lo if i % 2 else hi for i in range(n)],
       [hi if i % 2 else lo for i in range(n)]]
while len(out) < rows:
    kind = rnd.random()
    row = []
    for i in range(n):
        scale = 1 << min(frac[i] + 4, 31)
        r = rnd.random()
        if kind < 0.15:
            v = rnd.randint(lo, hi)
        elif r < 0.05:
            v = rnd.choice([lo, hi, 0])
        else:
            v = rnd.randint(-scale, scale)
        row.append(max(lo, min(hi, v)))
    out.append(row)
for row in out[:rows]:
    print(",".join(str(v) for v in row))
