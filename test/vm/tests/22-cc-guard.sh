# Test 22 (label cc): lf_aurora's guardrails on the steady 24 Mbit/s, 40 ms
# link (goodputs relative to a bulk cubic transfer on it in the same run).  A snapshot whose action is saturated at -max (and one at +max) is
# active when a transfer starts: the clamps keep the connection at >= 10% of
# the bottleneck's goodput, the snapshot is distrusted and the connection
# falls back to CUBIC (counted); when the sane snapshot is activated the
# connection returns to the model (recoveries, queries resume) and its
# goodput recovers.  Removing the model (aurora_model="") during a transfer
# makes the connection fall back, counted, and it keeps moving data; binding
# the model again brings it back.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

RATE=24 RTT=40
cc_load
insmod "$CC_SNAP_SAT_HI" || die "insmod sat_hi snapshot"
insmod "$CC_SNAP_SAT_LO" || die "insmod sat_lo snapshot"
lf_link_up $RATE $RTT 100 || die "link setup"
iperf_server
ref=$(link_ref $RATE 6)

# guard VERSION NAME: run 10 s with snapshot VERSION active, switch to the
# sane v1 after 4 s
guard() {
	"$LFCTL" activate aurora --version "$1" || fail "$2: activate v$1"
	d0=$(ccstat lf_aurora distrusts) f0=$(ccstat lf_aurora fallbacks)
	r0=$(ccstat lf_aurora recoveries)
	run_iperf lf_aurora 10 "$2.json" &
	ip=$!
	sleep 4.5
	qa=$(ccstat lf_aurora queries)
	"$LFCTL" activate aurora --version 1 || fail "$2: activate v1"
	wait $ip || fail "$2: iperf3"
	qb=$(ccstat lf_aurora queries)
	s=$($IPERF_SUMMARY "$2.json" --window 0 4.5); echo "$2: $s"
	w=$($IPERF_SUMMARY "$2.json" --window 7 10.5)
	grep '^lf_aurora ' /sys/module/lf_cc/parameters/stats
	fcmp "$(kv "$s" window_mbps) >= 0.1 * $ref" &&
		ok "$2: $(kv "$s" window_mbps) Mbit/s >= 10% of $ref while saturated" ||
		fail "$2: $(kv "$s" window_mbps) Mbit/s < 10% of $ref while saturated"
	fcmp "$(kv "$s" goodput_mbps) >= 0.1 * $ref" && ok "$2: whole-run goodput >= 10%" ||
		fail "$2: whole-run goodput $(kv "$s" goodput_mbps)"
	[ "$(ccstat lf_aurora distrusts)" -gt "$d0" ] && ok "$2: snapshot distrusted" ||
		fail "$2: no distrust"
	[ "$(ccstat lf_aurora fallbacks)" -gt "$f0" ] && ok "$2: fallback counted" ||
		fail "$2: no fallback counted"
	[ "$(ccstat lf_aurora recoveries)" -gt "$r0" ] && ok "$2: back on the model after activate" ||
		fail "$2: no recovery"
	[ "$qb" -gt "$qa" ] && ok "$2: queries resume ($((qb - qa)) after activate)" ||
		fail "$2: no queries after activate"
	fcmp "$(kv "$w" window_mbps) >= 0.5 * $ref" &&
		ok "$2: recovered: $(kv "$w" window_mbps) Mbit/s in the last 3 s" ||
		fail "$2: not recovered: $(kv "$w" window_mbps) Mbit/s in the last 3 s"
}
guard 3 sat_lo
guard 2 sat_hi

# removing the model: fallback, counted; binding again: back on it
f0=$(ccstat lf_aurora fallbacks) n0=$(ccstat lf_aurora nomodel_mis) r0=$(ccstat lf_aurora recoveries)
run_iperf lf_aurora 9 rm.json &
ip=$!
sleep 3
echo "" > /sys/module/lf_cc/parameters/aurora_model || fail "unbind"
check_eq "aurora_model after unbind" "$(cat /sys/module/lf_cc/parameters/aurora_model)" ""
sleep 3
echo aurora > /sys/module/lf_cc/parameters/aurora_model || fail "bind again"
wait $ip || fail "iperf3 (model removed)"
s=$($IPERF_SUMMARY rm.json --window 3.5 6); echo "removed: $s"
grep '^lf_aurora ' /sys/module/lf_cc/parameters/stats
[ "$(ccstat lf_aurora fallbacks)" -gt "$f0" ] && ok "removed: fallback counted" || fail "removed: no fallback"
[ "$(ccstat lf_aurora nomodel_mis)" -gt "$n0" ] && ok "removed: MIs without a model counted" ||
	fail "removed: nomodel_mis not counted"
[ "$(ccstat lf_aurora recoveries)" -gt "$r0" ] && ok "removed: back on the model once bound" ||
	fail "removed: no recovery"
# the fallbacks are visible in lfctl stats
f=$(ccstat lf_aurora fallbacks)
"$LFCTL" stats | grep "^datapath lf_aurora " | grep -q " fallbacks $f " &&
	ok "lfctl stats shows lf_aurora's $f fallbacks" || fail "lfctl stats: no 'fallbacks $f' line"
fcmp "$(kv "$s" window_mbps) >= 0.5 * $ref" && ok "removed: CUBIC fallback keeps $(kv "$s" window_mbps) Mbit/s" ||
	fail "removed: fallback only $(kv "$s" window_mbps) Mbit/s"

# user errors on the parameters: one line naming the parameter, refused
printf '%040d' 0 > /sys/module/lf_cc/parameters/aurora_model 2>/dev/null &&
	fail "a 40-byte model name was accepted" || ok "a 40-byte model name is refused"
echo 0 > /sys/module/lf_cc/parameters/cwnd_gain_pct 2>/dev/null &&
	fail "cwnd_gain_pct 0 accepted" || ok "cwnd_gain_pct 0 refused"
dmesg | grep -q "cwnd_gain_pct: '0' is not an integer in 100..1000" && ok "cwnd_gain_pct: one-line error" ||
	fail "no error line for cwnd_gain_pct"
iperf_server_stop
lf_link_down
finish
