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

STEPS="load kernel_query eval status"
# more steps: define step_NAME above this line, then STEPS="$STEPS NAME"

for s in $STEPS; do "step_$s"; done
say "summary"
printf '%s' "$SUMMARY"
[ "$FAILED" = 0 ] && echo "demo: all results match the compiler's" || echo "demo: MISMATCHES above"
exit "$FAILED"
