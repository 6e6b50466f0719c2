# demo-vm.sh - the in-VM half of scripts/demo.sh (run by test/vm/run-vm.sh,
# POSIX sh).  $LF_AURORA holds examples/aurora/build.sh's output, $LF_KMOD the
# kernel modules, $LFCTL lfctl.  One function per step; add a step by
# defining step_NAME and appending NAME to STEPS (at the end of the file).
set -u
A=$LF_AURORA
KM=$LF_KMOD
SUMMARY=
say() { printf '\n== %s ==\n' "$*"; }
note() { SUMMARY="$SUMMARY$*
"; }
die() { echo "demo: FAILED: $*"; exit 1; }
same() {	# WHAT GOT WANT
	if [ "$2" = "$3" ]; then note "  ok  $1"; else
		note "  MISMATCH  $1"; echo "got:"; echo "$2"; echo "want:"; echo "$3"; FAILED=1; fi
}
FAILED=0

step_load() {
	say "load lf_core and the Aurora snapshots (v1, v2)"
	insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
	insmod "$A/v1/lf_snap_aurora.ko" || die "insmod lf_snap_aurora"
	insmod "$A/v2/lf_snap_aurora_v2.ko" || die "insmod lf_snap_aurora_v2"
	echo "\$ lfctl list"
	"$LFCTL" list
	note "  ok  lf_core + lf_snap_aurora (v1, active) + lf_snap_aurora_v2 (v2, standby) loaded"
}

step_kernel_query() {
	say "query the model from the kernel: lf_query_test.ko calls lf_query_model()"
	insmod "$KM/test/lf_query_test.ko" model=aurora in="$(paste -sd, "$A/inputs_raw.csv")" ||
		die "insmod lf_query_test"
	got=$(tr ',' '\n' < /sys/module/lf_query_test/parameters/out)
	rmmod lf_query_test
	dmesg | grep 'lf_query_test:' | tail -n 4
	frac=$(sed -n '/"out_frac"/,/]/p' "$A/v1/aurora.json" | sed -n 2p | tr -d ' ,')
	echo "row  kernel (raw Q.$frac)  = real          lfc run on the host"
	printf '%s\n' "$got" | paste -d' ' - "$A/expected_v1.csv" |
		awk -v f="$frac" '{ printf "%3d  %18d  = %-12.9g  %s\n", NR, $1, $1 / 2^f, $2 }'
	same "lf_query_model() from the kernel = lfc's integers (v1, 4 rows)" "$got" \
		"$(cat "$A/expected_raw_v1.csv")"
}

step_eval() {
	say "query the model from userspace: lfctl eval (generic netlink)"
	echo "\$ lfctl eval aurora --input inputs.csv"
	got=$("$LFCTL" eval aurora --input "$A/inputs.csv")
	echo "$got"
	same "lfctl eval = lfc run (v1)" "$got" "$(cat "$A/expected_v1.csv")"
	echo "\$ lfctl activate aurora; lfctl eval aurora --input inputs.csv"
	"$LFCTL" activate aurora
	got=$("$LFCTL" eval aurora --input "$A/inputs.csv")
	echo "$got"
	same "after activate: lfctl eval = lfc run of aurora_v2.onnx (v2)" "$got" \
		"$(cat "$A/expected_v2.csv")"
}

step_status() {
	say "lfctl list / lfctl stats"
	echo "\$ lfctl list"
	"$LFCTL" list
	echo "\$ lfctl stats"
	"$LFCTL" stats
}

# LiteFlow's loop (runtime/test/vm/scenario.sh, the runtime.vm test's
# scenario): lf_collect_test queries model rtdemo from the kernel and sends
# labelled samples; its target function shifts mid-run; lf-runtime detects the
# drift, tunes, pushes snapshots that beat the active one, judges each by its
# canary; the kernel's error on fresh inputs falls and stays down.  Then a
# rollback by hand, which the daemon notices and repairs.  Every check prints
# an LF-SERIES line and the decision log's events LF-EVENT lines: the host
# side (scripts/demo.sh) draws them.
step_adapt() {
	say "online adaptation: collector + workload shift, lf-runtime decides, pushes, judges"
	RT_TAG=demo RT_STATE=/tmp/lf-runtime
	. "$LF_SRC/runtime/test/vm/scenario.sh"
	rt_load
	rt_config
	echo "\$ lf-runtime daemon --config /tmp/rt.toml &"
	rt_start
	rt_adapt
	rt_check_log
	echo "\$ lf-runtime rollback rtdemo   (by hand: back to the previous instance)"
	"$LF_RUNTIME" rollback rtdemo --state-dir "$RT_STATE"
	i=0
	while [ $i -lt 4 ]; do rt_series "$(rt_eval)"; sleep 5; i=$((i + 1)); done
	echo "\$ lf-runtime status --state-dir $RT_STATE"
	"$LF_RUNTIME" status --state-dir "$RT_STATE"
	rt_stop
	rt_events
	rmmod lf_collect_test
	push=$(rt_update_lines | grep '"path":"push"' | tail -n 1 |
		sed 's/.*"push_ms":\([0-9.]*\).*/\1/' | awk '{ printf "%.2f ms", $1 }')
	note "  ok  workload shift: the kernel's error on fresh inputs $RT_BASE -> $RT_E1 ppm (< 1/$RT_FACTOR) from $RT_T1 s after the change, $RT_CHECKS checks in a row; untuned $RT_E_INIT -> $RT_E0 ppm in phase 0"
	note "  ok  $(rt_updates) snapshot updates (last weight push $push), $(rt_count '"event":"drift"') drift(s), $(grep '"event":"canary"' "$RT_DECISIONS" | grep -c '"verdict":"pass"') canary pass(es), 1 rollback by hand"
}

STEPS="load kernel_query eval status"
# more steps: define step_NAME above this line, then STEPS="$STEPS NAME"
[ -n "${LF_RUNTIME:-}" ] && STEPS="$STEPS adapt"   # lf-runtime built (LibTorch)

for s in $STEPS; do "step_$s"; done
say "summary"
printf '%s' "$SUMMARY"
[ "$FAILED" = 0 ] && echo "demo: all results match the compiler's" || echo "demo: MISMATCHES or FAILURES above"
exit "$FAILED"
