# vm/fs.sh - the in-VM driver of one flow-scheduling scenario (run by
# bench/eval/run.sh through test/vm/run-vm.sh, with the FS_* variables of
# `scenario.py env` in its --env file).  FS_SENDERS hosts behind the prio
# bottleneck (lib/link.sh, lib/fs-link.sh) open the flows together.  For each
# repetition r and each scheme, the same measured flows (seed FS_SEED + r)
# cross the bottleneck:
#   fifo      lf_fs off: nothing marked, one band
#   pias      lf_fs pias: class by bytes sent (thresholds FS_THR)
#   oracle    lf_fs off, lf_fsgen --oracle: each socket marked with the class
#             of its true size (shortest job first by class)
#   user      lf_fs user + lf-runtime serve: the FFNN over a netlink round trip
#             per flow, default class (0) until the answer
#   lf        lf_fs nn: the FFNN in the kernel, adaptation off (the bundled
#             snapshot)
#   lf_adapt  lf_fs nn with lf-runtime adapting the FFNN from lf_fs's labels
#             (fs-lib.sh's fs_adapt_up: scripts/fs-up.sh --adapt, fresh state
#             and bundled weights in every repetition: all is reloaded after)
# The schemes that learn from past flows (user, lf, lf_adapt: the ports' size
# history, the adaptation) first run FS_WARMUP flows of the workload and,
# with a shift (FS_SHIFT=1), FS_SH_AFTER flows of the shifted workload (same
# seeds in every scheme); the measured flows are then of the shifted workload
# (FS_SH_*), in every scheme.
# Prints "RESULT SCHEME REP key value ..." (lib/flows.py's figures, the
# generator's counts, and for the FFNN schemes lf_fs's mean |log2 error| of
# the measured flows, pred_err, and of the phases before, warm_err and
# after_err; lf_adapt: updates, the daemon's snapshot updates) per run, and
# "UPCALL REP mean_us N stale S" for the user scheme.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

LF_LINK_SENDERS=${FS_SENDERS:-1}
FS_SHIFT=${FS_SHIFT:-0} FS_WARMUP=${FS_WARMUP:-0}
fs_load mode=off thresholds="$FS_THR"
lf_fs_link_up "$FS_RATE" "$FS_RTT" "$FS_QUEUE" || die "link setup"
svc=$FS_SERVICES
[ "$FS_SHIFT" = 1 ] && [ "$FS_SH_SERVICES" -gt "$svc" ] && svc=$FS_SH_SERVICES
fs_server 5001 "$svc"
# the measured flows' workload
if [ "$FS_SHIFT" = 1 ]; then
	M="$FS_SH_SERVICES $FS_SH_CDF_FILE $FS_SH_SCALE $FS_SH_MAX_SIZE"
else
	M="$FS_SERVICES $FS_CDF_FILE $FS_SCALE $FS_MAX_SIZE"
fi
gen() { # OUT N SEED SERVICES CDF SCALE MAX_SIZE [lf_fsgen args...]
	_go=$1 _gn=$2 _gs=$3 _g1=$4 _g2=$5 _g3=$6 _g4=$7
	shift 7
	fs_gen "$_go" "$_gn" "$_gs" "$_g1" "$_g2" "$_g3" "$_g4" "$FS_LOAD" "$FS_RATE" --drain 120 "$@" ||
		die "lf_fsgen ($s)"
}
r=0
while [ $r -lt "$FS_REPS" ]; do
	for s in $FS_SCHEMES; do
		extra= resp= mon= learn= errs=
		case $s in
		fifo) fsparam mode off ;;
		pias) fsparam mode pias ;;
		oracle) fsparam mode off; extra="--oracle $FS_THR" ;;
		lf) fsparam mode nn; learn=1 ;;
		lf_adapt)
			if ! fs_adapt_up /tmp/rt-fs-eval "$FS_THR"; then
				echo "SKIP lf_adapt (repetition $r): lf-runtime did not start: $(tail -n 1 /run/lf-fs/runtime.log)"
				fs_adapt_down; fs_load mode=off thresholds="$FS_THR"
				continue
			fi
			learn=1
			;;
		user)
			fsparam mode user
			lf_serve ffnn "$LF_SRC/examples/fs/ffnn.onnx" \
				"$LF_SRC/examples/fs/ranges_ffnn.txt" resp.err
			resp=$LF_SERVE_PID learn=1
			u0=$(fsstat upcall_us) a0=$(fsstat answers) st0=$(fsstat stale)
			;;
		esac
		# a listener, so that lf_fs queues its labels (and counts their error)
		[ "$s" = lf ] || [ "$s" = user ] && { "$LFCTL" monitor > /dev/null 2>&1 & mon=$!; sleep 0.2; }
		if [ -n "$learn" ]; then
			if [ "$FS_WARMUP" -gt 0 ]; then
				fs_err_mark
				gen /dev/null "$FS_WARMUP" $((FS_SEED + r + 5000)) $FS_SERVICES "$FS_CDF_FILE" \
					"$FS_SCALE" "$FS_MAX_SIZE"
				sleep 0.5	# the collector's flush
				errs="warm_err $(fs_err)"
			fi
			if [ "$FS_SHIFT" = 1 ]; then
				fs_err_mark
				gen /dev/null "$FS_SH_AFTER" $((FS_SEED + r + 9000)) $M
				sleep 0.5
				errs="$errs after_err $(fs_err)"
			fi
			fs_err_mark
		fi
		# shellcheck disable=SC2086
		gen "$s.$r.txt" "$FS_FLOWS" $((FS_SEED + r)) $M $extra
		# (user: flows whose answer came late are labelled without a
		# prediction, so lf_fs's error sum over its labels is not the net's)
		if [ -n "$learn" ] && [ "$s" != user ]; then
			sleep 0.5
			errs="$errs pred_err $(fs_err)"
		fi
		[ -n "$mon" ] && { kill "$mon"; wait "$mon" 2>/dev/null; }
		if [ -n "$resp" ]; then
			kill "$resp"; wait "$resp" 2>/dev/null
			a=$(($(fsstat answers) - a0))
			echo "UPCALL $r mean_us $(( ($(fsstat upcall_us) - u0) / (a > 0 ? a : 1) )) answers $a stale $(($(fsstat stale) - st0))"
		fi
		if [ "$s" = lf_adapt ]; then
			errs="$errs updates $(fs_adapt_updates)"
			grep '"result":"ok"' "$FS_ADAPT_STATE/ffnn/decisions.jsonl" 2>/dev/null | tail -n 3 |
				sed "s/^/adaptation log (rep $r): /"
			fs_adapt_down || die "fs_adapt_down"
			fs_load mode=off thresholds="$FS_THR"
		fi
		echo "RESULT $s $r $($FS_SUMMARY "$s.$r.txt" --rate-mbit "$FS_RATE" --rtt-ms "$FS_RTT") $FS_GEN_SUMMARY $errs"
		sleep 1
	done
	r=$((r + 1))
done
cat /sys/module/lf_fs/parameters/stats
fs_server_stop
lf_link_down
rmmod lf_fs
exit 0
