#!/usr/bin/env bash
# fs-bench.sh - the flow-scheduling evaluation: runs each scenario
# (bench/eval/scenarios/fs/*.toml) in one VM (bench/eval/fs-run.sh), then
# prints and writes the medians over repetitions per scheme: mean FCT, mean
# and 99th-percentile FCT of small flows (< 100 KB), mean FCT of the largest
# decile, slowdowns, and each scheme against FIFO and LiteFlow against the
# userspace FFNN.
#
# Usage: bench/eval/fs-bench.sh [--build DIR] [--out DIR] [SCENARIO.toml...]
#   default scenarios: bench/eval/scenarios/fs/*.toml; default out: DIR/fs-bench
# Writes OUT/NAME.log (the VM's console), OUT/NAME.json, OUT/NAME.md (a
# markdown table for docs/EVALUATION.md) and OUT/NAME.png (matplotlib).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$src/build
out=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-*) echo "fs-bench: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
build=$(cd "$build" && pwd)
out=${out:-$build/fs-bench}
mkdir -p "$out"
[ $# -gt 0 ] || set -- "$here"/scenarios/fs/*.toml
for sc in "$@"; do
	python3 "$here/fs_scenario.py" "$sc" > "$out/scenario.env"
	name=$(sed -n "s/^FS_NAME='\(.*\)'/\1/p" "$out/scenario.env")
	cat "$build/test/vm/vm-env.sh" "$out/scenario.env" > "$out/$name.env"
	echo "fs-bench: $name ($sc)"
	"$src/test/vm/run-vm.sh" --build "$build" --env "$out/$name.env" --timeout 3600 \
		"$here/fs-run.sh" > "$out/$name.log" 2>&1 ||
		{ tail -n 30 "$out/$name.log" >&2; echo "fs-bench: $name failed (log: $out/$name.log)" >&2; exit 1; }
	python3 "$here/fs_report.py" "$out/$name.log" --name "$name" --out "$out"
done
