#!/usr/bin/env python3
"""Prints max |a - b| over two CSVs of numbers of one shape and fails if it
exceeds TOL: max_diff.py A.csv B.csv TOL."""
import sys


def rows(path):
    with open(path) as f:
        return [[float(x) for x in line.split(",")] for line in f
                if line.strip()]


a, b, tol = rows(sys.argv[1]), rows(sys.argv[2]), float(sys.argv[3])
if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)):
    sys.exit("max_diff: shapes differ")
worst = max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
print("max diff %.3g" % worst)
sys.exit(0 if worst <= tol else "max_diff: %.3g > %g" % (worst, tol))
