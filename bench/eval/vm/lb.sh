# vm/lb.sh - the in-VM driver of one load-balancing scenario (run by
# bench/eval/run.sh through test/vm/run-vm.sh, with the LB_* variables of
# `scenario.py env` in its --env file).  The paths of the scenario
# (lib/lb-link.sh); for each repetition r and each scheme, the same flows
# (seed LB_SEED + r) from lf_fsgen:
#   ecmp        lf_lb ecmp: a hash of the 5-tuple over the up paths
#   flowlet     lf_lb flowlet: a random up path per flowlet (LB_FLOWLET_US)
#   user        lf_lb user: the MLP answered in userspace per flow by
#               `lf-runtime serve` (lf_core's userspace queries); the flow
#               waits on default_path until the answer
#   lf_noadapt  lf_lb nn with the bundled snapshot (v1), lf-runtime stopped
#   lf          lf_lb nn with lf-runtime adapting the MLP (examples/lb/
#               adapt.toml: weight pushes into v2); LB_WARMUP flows first in
#               each repetition; the daemon is stopped (SIGSTOP) during the
#               other schemes' runs
# Every run starts from the scenario's paths; LB_CHANGES are applied at
# their times after the run's start.  Prints per run
#   RESULT SCHEME REP <lib/flows.py figures> pathI_flows N pathI_mbps M ...
#          started S finished F ...
#   UPCALL REP upcalls U answers A stale S mean_us M served N unanswered X
#          overruns O   (the user scheme: lf_lb's and the server's counters)
# and "adaptation: ..." once.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/lb-lib.sh"

RT=${LF_RUNTIME:-$LF_BUILD/bin/lf-runtime}
minrtt=$(for p in $LB_PATHS; do echo "$p"; done | awk -F: 'NR == 1 || $3 < m { m = $3 } END { print m }')
lb_load "$LB_NPATHS" flowlet_us="$LB_FLOWLET_US"
insmod "$LB_SNAP_V2" || die "insmod lbmlp v2 (standby)"
lb_up "$LB_PATHS"
lb_server 5001
adapt=off
case " $LB_SCHEMES " in *" lf "*)
	if [ -x "$RT" ]; then
		if lb_runtime_start; then adapt="lf-runtime"; else
			adapt="unavailable: $(tail -n 1 /tmp/rt.log | tr '"\\' "''")"; fi
		rtpid=$LB_RT_PID
		kill -STOP $rtpid 2>/dev/null
	else
		adapt="unavailable: no $RT"
	fi ;;
esac
echo "adaptation: $adapt"

restore() {	# every path as the scenario has it
	i=0
	for p in $LB_PATHS; do
		IFS=: read -r _n _r _t _q _l <<-E
		$p
		E
		lf_lb_path_set $i rate="$_r" rtt="$_t" loss="$_l"
		i=$((i + 1))
	done
}
changes() {	# apply LB_CHANGES at their times (background)
	t=0
	for c in $LB_CHANGES; do
		at=${c%%:*} rest=${c#*:}
		name=${rest%%:*} set=${rest#*:}
		i=0 idx=
		for p in $LB_PATHS; do [ "${p%%:*}" = "$name" ] && idx=$i; i=$((i + 1)); done
		sleep "$(awk -v a="$at" -v b="$t" 'BEGIN { print a - b }')"
		t=$at
		# shellcheck disable=SC2046
		lf_lb_path_set "$idx" $(echo "$set" | tr ',' ' ')
	done
}
# serve_stat KEY: a counter of the userspace server's status.json
serve_stat() {
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1])).get(sys.argv[2], -1)))' \
		/tmp/rt-serve-lbmlp/status.json "$1" 2>/dev/null || echo -1
}

r=0
while [ "$r" -lt "$LB_REPS" ]; do
	for s in $LB_SCHEMES; do
		case $s in
		ecmp) m=ecmp ;;
		flowlet) m=flowlet ;;
		user) m=user
			rm -f /tmp/rt-serve-lbmlp/status.json
			lf_serve lbmlp "$LF_SRC/examples/lb/lbmlp.onnx" \
				"$LF_SRC/examples/lb/ranges_lbmlp.txt" /tmp/serve.log ;;
		lf_noadapt) m=nn; "$LFCTL" activate lbmlp --version 1 > /dev/null 2>&1 ;;
		lf) m=nn ;;
		esac
		if ! echo "$m" 2> /dev/null > $LBP/mode; then
			echo "SKIP $s $r: mode $m refused: $(dmesg | grep 'lf_lb: ' | tail -n 1 | sed 's/.*lf_lb: //')"
			continue
		fi
		restore
		if [ "$s" = lf ] && [ -n "${rtpid:-}" ]; then
			kill -CONT $rtpid
			[ "$(lb_updates)" -gt 0 ] && "$LFCTL" activate lbmlp --version 2 > /dev/null 2>&1
			if [ "$LB_WARMUP" -gt 0 ]; then
				lb_flows warm.txt $((LB_SEED + 1000 + r)) "$LB_WARMUP" "$LB_LOAD" "$LB_RATE_SUM" > /dev/null ||
					echo "warm-up flows failed"
				restore
			fi
		fi
		a0=$(lbpaths assigned) b0=$(lbpaths bytes)
		u0=$(lbstat upcalls) an0=$(lbstat answers) st0=$(lbstat stale) us0=$(lbstat upcall_us)
		[ "$s" = user ] && echo "UQ-BEFORE $r $("$LFCTL" config | tr '\n' ' ')"
		[ -n "$LB_CHANGES" ] && { changes & chp=$!; }
		t0=$(date +%s%N)
		gen=$(lb_flows "$s.$r.txt" $((LB_SEED + r)) "$LB_FLOWS" "$LB_LOAD" "$LB_RATE_SUM") ||
			{ echo "RUN-FAILED $s $r"; cat "$s.$r.txt.err"; }
		t1=$(date +%s%N)
		[ -n "$LB_CHANGES" ] && { kill $chp 2>/dev/null; wait $chp 2>/dev/null; }
		[ "$s" = lf ] && [ -n "${rtpid:-}" ] && kill -STOP $rtpid
		if [ "$s" = user ]; then
			sleep 2	# the server writes status.json every second
			an=$(($(lbstat answers) - an0))
			echo "UQ-AFTER $r $("$LFCTL" config | tr '\n' ' ')"
			echo "UPCALL $r upcalls $(($(lbstat upcalls) - u0)) answers $an stale $(($(lbstat stale) - st0))" \
				"mean_us $(( ($(lbstat upcall_us) - us0) / (an > 0 ? an : 1) ))" \
				"served $(serve_stat queries_answered) unanswered $(serve_stat queries_unanswered)" \
				"overruns $(serve_stat query_overruns) answer_errors $(serve_stat answer_errors)"
			[ "$an" -gt 0 ] || { echo "NO-ANSWER $r: server log and status:"; tail -n 3 /tmp/serve.log
				tr -d '\n' < /tmp/rt-serve-lbmlp/status.json | cut -c1-1500; echo; }
			lf_serve_stop
		fi
		per=$(echo "$a0 $(lbpaths assigned) $b0 $(lbpaths bytes)" | awk -v n="$LB_NPATHS" -v t=$(( (t1 - t0) / 1000000 )) '{
			for (i = 1; i <= n; i++)
				printf "path%d_flows %d path%d_mbps %.3f ", i - 1, $(i + n) - $i, i - 1,
					($(i + 3 * n) - $(i + 2 * n)) * 8 / (t > 0 ? t : 1) / 1000 }')
		echo "RESULT $s $r $($LB_SUMMARY "$s.$r.txt" --rate-mbit "$LB_RATE_SUM" --rtt-ms "$minrtt") $per$(echo "$gen" | sed 's/lf_fsgen: //')"
		sleep 1
	done
	r=$((r + 1))
done
cat $LBP/stats
cat $LBP/path_state
if [ -n "${rtpid:-}" ]; then
	kill -CONT $rtpid; kill $rtpid; wait $rtpid 2>/dev/null
	echo "lf-runtime: $(lb_updates) update(s); log tail:"
	tail -n 5 /tmp/rt.log
	# why it did or did not update: its decisions, counted
	echo "lf-runtime decisions: $(lb_decisions)"
fi
lb_server_stop
lf_lb_link_down
rmmod lf_lb
exit 0
