# vm/fs.sh - the in-VM driver of one flow-scheduling scenario (run by
# bench/eval/run.sh through test/vm/run-vm.sh, with the FS_* variables of
# `scenario.py env` in its --env file).  For each repetition r and each scheme,
# the same flows (seed FS_SEED + r) cross the prio bottleneck:
#   fifo    lf_fs off: nothing marked, one band
#   pias    lf_fs pias: class by bytes sent (thresholds FS_THR)
#   oracle  lf_fs off, lf_fsgen --oracle: each socket marked with the class of
#           its true size (shortest job first by class)
#   user    lf_fs user + lf-runtime serve: the FFNN over a netlink round trip
#           per flow, default class (0) until the answer
#   lf      lf_fs nn: the FFNN in the kernel (adaptation off: the bundled snapshot)
# Prints "RESULT SCHEME REP key value ..." (lib/flows.py) per run, and
# "UPCALL REP mean_us N stale S" for the user scheme.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

fs_load mode=off thresholds="$FS_THR"
lf_fs_link_up "$FS_RATE" "$FS_RTT" "$FS_QUEUE" || die "link setup"
fs_server 5001 "$FS_SERVICES"
r=0
while [ $r -lt "$FS_REPS" ]; do
	for s in $FS_SCHEMES; do
		extra= resp=
		case $s in
		fifo) fsparam mode off ;;
		pias) fsparam mode pias ;;
		oracle) fsparam mode off; extra="--oracle $FS_THR" ;;
		lf) fsparam mode nn ;;
		user)
			fsparam mode user
			lf_serve ffnn "$LF_SRC/examples/fs/ffnn.onnx" \
				"$LF_SRC/examples/fs/ranges_ffnn.txt" resp.err
			resp=$LF_SERVE_PID
			u0=$(fsstat upcall_us) a0=$(fsstat answers) st0=$(fsstat stale)
			;;
		esac
		# shellcheck disable=SC2086
		lf_in_snd "$FS_GEN" client --dst "$LF_LINK_DST" --port 5001 --services "$FS_SERVICES" \
			--cdf "$FS_CDF_FILE" --scale "$FS_SCALE" --max-size "$FS_MAX_SIZE" \
			--load "$FS_LOAD" --rate-mbit "$FS_RATE" --flows "$FS_FLOWS" \
			--seed $((FS_SEED + r)) --drain 120 --out "$s.$r.txt" $extra 2> gen.err ||
			{ cat gen.err; die "lf_fsgen ($s)"; }
		if [ -n "$resp" ]; then
			kill "$resp"; wait "$resp" 2>/dev/null
			a=$(($(fsstat answers) - a0))
			echo "UPCALL $r mean_us $(( ($(fsstat upcall_us) - u0) / (a > 0 ? a : 1) )) answers $a stale $(($(fsstat stale) - st0))"
		fi
		echo "RESULT $s $r $($FS_SUMMARY "$s.$r.txt" --rate-mbit "$FS_RATE" --rtt-ms "$FS_RTT") $(tail -n 1 gen.err | sed 's/lf_fsgen: //')"
		sleep 1
	done
	r=$((r + 1))
done
cat /sys/module/lf_fs/parameters/stats
fs_server_stop
lf_link_down
rmmod lf_fs
exit 0
