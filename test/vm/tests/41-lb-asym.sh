# Test 41 (label lb): two paths, one at 1/10 of the other's capacity (20 and
# 2 Mbit/s, 4 ms each), web search flows (scaled by 0.1) at 0.3 of the total
# rate.  ECMP sends half the flows, 3.3 Mbit/s, to the 2 Mbit/s path, which
# cannot carry them; lf_lb's MLP reads the path statistics.  With lf-runtime
# adapting the MLP online (examples/lb/adapt.toml: MSE on the flows' labels,
# weight pushes into the v2 standby), rounds of warm-up flows in mode nn
# until the runtime has updated the kernel (at most LB_WARMUP_ROUNDS), then
# the same flows (same seed) under ECMP and under LiteFlow, in the same VM:
# - the runtime received the labels (lf_lb's labels counter, which counts
#   only samples a listener took) and updated the snapshot at least once
#   (its decision log), so the LiteFlow run is after adaptation;
# - LiteFlow's mean FCT is lower than ECMP's (a relation, no absolute time);
# - LiteFlow puts a smaller share of the flows on the slow path than ECMP.
# Without lf-runtime in the build the same relations are checked with the
# bundled snapshot (adaptation off), and the test says so.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/lb-lib.sh"

N=${LB_FLOWS:-60} W=${LB_WARMUP:-40} ROUNDS=${LB_WARMUP_ROUNDS:-10} LOAD=0.3 SUM=22 SEED=${LB_SEED:-5}
RT=${LF_RUNTIME:-$LF_BUILD/bin/lf-runtime}
lb_load 2
insmod "$LB_SNAP_V2" || die "insmod lbmlp v2 (standby)"
lb_up "fast:20:4:100:0 slow:2:4:100:0"
lb_server 5001
adapt=off
if [ -x "$RT" ]; then
	lb_runtime_start || die "lf-runtime did not start within 300 s: $(tail -n 1 /tmp/rt.log)"
	rt=$LB_RT_PID
	adapt="lf-runtime (running after $LB_RT_SECS s)"
fi
echo "adaptation: $adapt"

# run MODE NAME SEED FLOWS: sets <NAME>_sum, <NAME>_slow (flows on the slow path)
run() {
	lbparam mode "$1"
	_a0=$(lbpath 1 assigned) _l0=$(lbstat labels)
	lb_flows "$2.txt" "$3" "$4" $LOAD $SUM || die "lf_fsgen $2"
	sleep 0.5
	eval "${2}_slow=$(($(lbpath 1 assigned) - _a0))"
	eval "${2}_labels=$(($(lbstat labels) - _l0))"
	eval "${2}_sum=\"$($LB_SUMMARY "$2.txt" --rate-mbit $SUM --rtt-ms 4)\""
}
# warm-up rounds (new flows each round) until the first update
warm_labels=0 round=0
while :; do
	run nn warm $((SEED + 100 + round)) "$W"
	warm_total=$((${warm_total:-0} + warm_labels))
	round=$((round + 1))
	[ -z "${rt:-}" ] || [ "$(lb_updates)" -gt 0 ] || [ $round -ge "$ROUNDS" ] && break
done
[ -n "${rt:-}" ] && echo "warm-up: $round round(s) of $W flows, $warm_total labels, $(lb_updates) update(s); decisions: $(lb_decisions)"
run ecmp ecmp "$SEED" "$N"
run nn lf "$SEED" "$N"
cat $LBP/stats
cat $LBP/path_state
if [ -n "${rt:-}" ]; then
	kill $rt; wait $rt 2>/dev/null
	ups=$(lb_updates)
	echo "lf-runtime: decisions $(lb_decisions); log tail:"
	tail -n 3 /tmp/rt.log
	grep '"result"' /tmp/rt/lbmlp/decisions.jsonl 2>/dev/null | tail -n 2 | cut -c1-400
	[ $((warm_total + lf_labels)) -gt 0 ] && ok "lf-runtime took $((warm_total + lf_labels)) labels" ||
		fail "no label reached lf-runtime"
	[ "$ups" -gt 0 ] && ok "lf-runtime updated the snapshot $ups time(s) (the first within $round warm-up round(s))" ||
		fail "lf-runtime made no update in $round warm-up rounds of $W flows ($warm_total labels)"
fi
em=$(kv "$ecmp_sum" mean_ms) lm=$(kv "$lf_sum" mean_ms)
echo "ecmp: $ecmp_slow of $N flows on the slow path; $ecmp_sum"
echo "lf:   $lf_slow of $N flows on the slow path; $lf_sum"
check_eq "flows finished (ecmp)" "$(kv "$ecmp_sum" flows)" "$N"
check_eq "flows finished (lf)" "$(kv "$lf_sum" flows)" "$N"
fcmp "$lm < $em" && ok "mean FCT: LiteFlow $lm ms < ECMP $em ms (x$(awk -v a="$em" -v b="$lm" 'BEGIN { printf "%.1f", a / b }'))" ||
	fail "mean FCT: LiteFlow $lm ms >= ECMP $em ms"
[ "$lf_slow" -lt "$ecmp_slow" ] && ok "slow path: LiteFlow $lf_slow flows < ECMP $ecmp_slow" ||
	fail "slow path: LiteFlow $lf_slow flows >= ECMP $ecmp_slow"
echo "LB-ASYM ecmp_mean_ms $em lf_mean_ms $lm ecmp_slow $ecmp_slow lf_slow $lf_slow adapt $adapt"

lb_server_stop
lf_lb_link_down
rmmod lf_lb || fail "rmmod lf_lb"
finish
