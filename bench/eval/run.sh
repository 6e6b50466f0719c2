#!/usr/bin/env bash
# run.sh - the network evaluation of LiteFlow: one runner for every
# application (congestion control, flow scheduling, load balancing).
#
# Usage: bench/eval/run.sh [--build DIR] [--out DIR] [--quick] [--reps N]
#                          [--app cc|fs|lb] [--doc] [--note TEXT] [SCENARIO.toml...]
#   default scenarios: those of --app (cc: bench/eval/scenarios/*.toml,
#   fs: scenarios/fs/*.toml, lb: scenarios/lb/*.toml; default app cc)
#
# Validates every scenario first (scenario.py: one line per bad file, exit 2,
# nothing booted).  Congestion-control scenarios run together in one VM
# (vm/cc.sh, one LF-EVAL record per run, OUT/runs.jsonl); each flow-scheduling
# or load-balancing scenario runs in its own VM (vm/fs.sh, vm/lb.sh, the
# console in OUT/NAME.log: RESULT lines per scheme and repetition).  Then
# report.py OUT aggregates (medians over repetitions), plots and prints;
# --doc also rewrites the application's section of docs/EVALUATION*.md
# (report.py --doc).  --quick: 1 repetition (cc: of at most 8 s; fs, lb: at
# most 60 flows).  --reps N: at most N repetitions per scenario.  Needs the
# build (ninja -C BUILD lf_vm_deps).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$src/build}
out= quick= app=cc doc= note=
scen=() reps=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--quick) quick=--quick; shift ;;
	--reps) reps=(--reps "${2-}"); shift 2 || { echo "run.sh: --reps wants a number" >&2; exit 2; } ;;
	--app) app=$2; shift 2 ;;
	--doc) doc=1; shift ;;
	--note) note=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) scen+=("$1"); shift ;;
	esac
done
case $app in
cc) dflt=("$here"/scenarios/*.toml) ;;
fs|lb) dflt=("$here"/scenarios/$app/*.toml) ;;
*) echo "run.sh: --app $app: want cc, fs or lb" >&2; exit 2 ;;
esac
[ ${#scen[@]} -gt 0 ] || scen=("${dflt[@]}")
py=/usr/bin/python3
$py "$here/scenario.py" check "${scen[@]}" || exit 2
build=$(cd "$build" 2>/dev/null && pwd) || { echo "run.sh: no build directory $build" >&2; exit 2; }
[ -f "$build/test/vm/vm-env.sh" ] ||
	{ echo "run.sh: $build lacks the VM test build (ninja -C $build lf_vm_deps)" >&2; exit 2; }
out=${out:-$build/eval}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ccs=() others=()
for s in "${scen[@]}"; do
	if [ "$($py "$here/scenario.py" app "$s")" = cc ]; then ccs+=("$s"); else others+=("$s"); fi
done
rm -f "$out/index.txt"
rc=0

if [ ${#ccs[@]} -gt 0 ]; then
	[ -f "$build/test/vm/cc/cc.env" ] ||
		{ echo "run.sh: $build lacks the cc build (ninja -C $build lf_vm_deps)" >&2; exit 2; }
	$py "$here/scenario.py" plan $quick ${reps[@]+"${reps[@]}"} "${ccs[@]}" > "$out/plan.txt"
	n=$(wc -l < "$out/plan.txt")
	secs=$(awk -F'|' '{ s += $4 + 4 } END { print int(s) }' "$out/plan.txt")
	echo "eval: cc: $n runs, about $((secs / 60)) min in the VM; results in $out"
	env=$out/eval-env.sh
	{ cat "$build/test/vm/vm-env.sh"; echo "LF_EVAL_PLAN=$out/plan.txt"; } > "$env"
	log=$build/vm/console-cc.log
	rm -f "$log"
	"$src/test/vm/run-vm.sh" --build "$build" --env "$env" --timeout $((secs * 3 + 300)) \
		"$here/vm/cc.sh" > "$out/vm.log" 2>&1 &
	vm=$!
	# progress lines while the VM runs (tail ends with it)
	while [ ! -f "$log" ] && kill -0 $vm 2>/dev/null; do sleep 1; done
	tail --pid=$vm -n +1 -F "$log" 2>/dev/null | sed -u 's/\r$//' |
		grep --line-buffered '^LF-EVAL-PROGRESS\|^adaptation:' | sed -u 's/^LF-EVAL-PROGRESS /eval: /' || true
	r=0
	wait $vm || r=$?
	tr -d '\r' < "$log" | sed -n 's/^LF-EVAL //p' > "$out/runs.jsonl"
	[ $r -eq 0 ] || { echo "run.sh: the cc VM run failed (rc $r): $out/vm.log" >&2; rc=1; }
	[ -s "$out/runs.jsonl" ] || { echo "run.sh: no cc results from the VM ($out/vm.log)" >&2; rc=1; }
fi

for s in ${others[@]+"${others[@]}"}; do
	a=$($py "$here/scenario.py" app "$s")
	$py "$here/scenario.py" env $quick ${reps[@]+"${reps[@]}"} "$s" > "$out/scenario.env"
	name=$(sed -n "s/^[FL][SB]_NAME='\(.*\)'/\1/p" "$out/scenario.env")
	[ -f "$build/test/vm/$a/$a.env" ] ||
		{ echo "run.sh: $build lacks the $a build (ninja -C $build lf_vm_deps)" >&2; exit 2; }
	cat "$build/test/vm/vm-env.sh" "$out/scenario.env" > "$out/$name.env"
	echo "eval: $a: $name ($s)"
	if "$src/test/vm/run-vm.sh" --build "$build" --env "$out/$name.env" --timeout 5400 \
		"$here/vm/$a.sh" > "$out/$name.log" 2>&1; then
		echo "$a $name $out/$name.log" >> "$out/index.txt"
	else
		tail -n 30 "$out/$name.log" >&2
		echo "run.sh: $name failed (log: $out/$name.log)" >&2
		rc=1
	fi
done

args=("$out")
[ -n "$doc" ] && args+=(--doc "$src/docs")
[ -n "$note" ] && args+=(--note "$note")
$py "$here/report.py" "${args[@]}" || rc=1
exit $rc
