#!/usr/bin/env python3
"""Runs a command that must fail cleanly; prints its one-line diagnostic.

Usage: expect_error.py CMD [ARGS...]
Fails (exit 1, explaining why on stderr) unless CMD exits with a status in
1..127 (not a signal or an abort), prints nothing on stdout and exactly one
non-empty line on stderr. That line is copied to stdout for FileCheck.
"""
import subprocess
import sys

r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
lines = r.stderr.splitlines()
why = None
if r.returncode == 0:
    why = "exited 0"
elif r.returncode < 0 or r.returncode >= 128:
    why = "crashed (status %d)" % r.returncode
elif r.stdout:
    why = "wrote to stdout"
elif len(lines) != 1 or not lines[0].strip():
    why = "printed %d lines on stderr, expected 1" % len(lines)
if why:
    sys.stderr.write("expect_error: %s: %s\n--- stderr:\n%s--- stdout:\n%s"
                     % (" ".join(sys.argv[1:]), why, r.stderr, r.stdout))
    sys.exit(1)
print(lines[0])
