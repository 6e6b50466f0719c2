#!/usr/bin/env bash
# run.sh - the network evaluation of LiteFlow's congestion control.
#
# Usage: bench/eval/run.sh [--build DIR] [--out DIR] [--quick] [SCENARIO.toml...]
#   (default: every scenario in bench/eval/scenarios)
#
# Validates the scenarios (one line per bad file, exit 2), boots Debian's
# kernel under QEMU once (test/vm/run-vm.sh) and runs every scenario x CC x
# repetition there (vm-eval.sh), printing a progress line per run; then
# writes OUT/results.json (every run, and the medians over repetitions) and
# OUT/*.png (rate and RTT over time per scenario), and prints the summary.
# `bench/eval/report.py OUT/results.json --doc docs/EVALUATION.md` rewrites
# the evaluation document from a run.  --quick: 1 repetition of at most 8 s.
# Needs the build (lf_core, lf_cc, the bundled snapshots: ninja lf_vm_deps).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$src/build}
out=
quick=
scen=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--quick) quick=--quick; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) scen+=("$1"); shift ;;
	esac
done
[ ${#scen[@]} -gt 0 ] || scen=("$here"/scenarios/*.toml)
py=/usr/bin/python3
build=$(cd "$build" && pwd) || { echo "run.sh: no build directory $build" >&2; exit 2; }
out=${out:-$build/eval}
mkdir -p "$out"
out=$(cd "$out" && pwd)
$py "$here/scenario.py" check "${scen[@]}" || exit 2
[ -f "$build/test/vm/vm-env.sh" ] && [ -f "$build/test/vm/cc/cc.env" ] ||
	{ echo "run.sh: $build lacks the VM test build (ninja -C $build lf_vm_deps)" >&2; exit 2; }
$py "$here/scenario.py" plan $quick "${scen[@]}" > "$out/plan.txt"
n=$(wc -l < "$out/plan.txt")
secs=$(awk -F'|' '{ s += $4 + 4 } END { print int(s) }' "$out/plan.txt")
echo "eval: $n runs, about $((secs / 60)) min in the VM; results in $out"
env=$out/eval-env.sh
{ cat "$build/test/vm/vm-env.sh"; echo "LF_EVAL_PLAN=$out/plan.txt"; } > "$env"
log=$build/vm/console-vm-eval.log
rm -f "$log"
rc=0
"$src/test/vm/run-vm.sh" --build "$build" --env "$env" --timeout $((secs * 3 + 300)) \
	"$here/vm-eval.sh" > "$out/vm.log" 2>&1 &
vm=$!
# progress lines while the VM runs (tail ends with it)
while [ ! -f "$log" ] && kill -0 $vm 2>/dev/null; do sleep 1; done
tail --pid=$vm -n +1 -F "$log" 2>/dev/null | sed -u 's/\r$//' |
	grep --line-buffered '^LF-EVAL-PROGRESS\|^adaptation:' | sed -u 's/^LF-EVAL-PROGRESS /eval: /' || true
wait $vm || rc=$?
tr -d '\r' < "$log" | sed -n 's/^LF-EVAL //p' > "$out/runs.jsonl"
[ $rc -eq 0 ] || echo "run.sh: the VM run failed (rc $rc): $out/vm.log" >&2
[ -s "$out/runs.jsonl" ] || { echo "run.sh: no results from the VM ($out/vm.log)" >&2; exit 1; }
$py "$here/report.py" "$out/runs.jsonl" --out "$out"
