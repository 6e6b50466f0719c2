# Test 42 (label lb): a path that goes down stops receiving new flows, and
# its flows move.  Three equal paths (10 Mbit/s, 4 ms), mode nn, web search
# flows (scaled by 0.1) at load 0.4 running while:
# 1. path 1's link is deleted (its veth pair, as a failed link): lf_lb marks
#    the path down within 1 s (the netdevice notifier: at once), the path
#    gets no new flow from then on (its flow counter taken 0.5 s after the
#    deletion equals the one at the end), the flows that were on it move to
#    another path (repaths), and every flow of the generator finishes (none
#    is black-holed: TCP's retransmission after the lost packets is routed on
#    an up path);
# 2. path 2's route is deleted but its device stays (the table's
#    "unreachable" fallback remains): the first packet routed on it fails to
#    re-route, lf_lb marks the path down from the datapath (noroute) and
#    routes the packet on path 0; every flow finishes, on path 0 only;
# 3. the route comes back and the path is set up by hand (path_state): it
#    gets flows again.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/lb-lib.sh"

lb_load 3
lb_up "p0:10:4:100:0 p1:10:4:100:0 p2:10:4:100:0"
lbparam mode nn
lb_server 5001

# phase 1: delete path 1's link under load
lb_flows one.txt 31 150 0.4 30 > one.sum 2>&1 &
gen=$!
sleep 4
f1=$(lbpath 1 flows) a1=$(lbpath 1 assigned) r1=$(lbstat repaths) i1=$(lbstat end_idle)
tdel=$(date +%s%N)
lf_lb_path_del 1 || fail "delete path 1's link"
t0=$(date +%s%N)
until [ "$(lbpath 1 state)" = down ]; do
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ] || break
	sleep 0.01
done
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
sleep 0.5
a2=$(lbpath 1 assigned)
wait $gen || fail "lf_fsgen (phase 1)"
cat one.sum
a3=$(lbpath 1 assigned)
echo "path 1: $f1 flows on it, $a1 assigned before the deletion, $a2 at +0.5 s, $a3 at the end; 'ip link del' took $(( (t0 - tdel) / 1000000 )) ms, down $dt ms after it returned"
echo "flows of phase 1 ended idle (no FIN seen): $(($(lbstat end_idle) - i1)); longest FCTs (ms, start s):"
awk '{ printf "%d %.1f\n", $10 / 1000, $8 / 1e6 }' one.txt | sort -rn | head -n 8 | tr '\n' ';'; echo
check_eq "path 1 state" "$(lbpath 1 state)" down
[ "$dt" -lt 1000 ] && ok "path 1 down $dt ms after its link was deleted (< 1000)" ||
	fail "path 1 down only after $dt ms"
check_eq "flows put on path 1 after it went down" "$((a3 - a2))" 0
[ "$f1" -eq 0 ] || { [ $(($(lbstat repaths) - r1)) -ge 1 ] &&
	ok "flows moved off path 1: $(($(lbstat repaths) - r1)) (it had $f1)" ||
	fail "path 1 had $f1 flows, none moved"; }
s=$($LB_SUMMARY one.txt)
check_eq "flows finished (phase 1)" "$(kv "$s" flows)" 150
grep -q "started 150 finished 150 failed 0 unfinished 0" one.sum && ok "no flow failed or hung (phase 1)" ||
	fail "phase 1: $(tail -n 1 one.sum)"
echo "longest FCT in phase 1: $(awk '{ if ($10 > m) m = $10 } END { printf "%.0f ms", m / 1000 }' one.txt)"

# phase 2: path 2's route gone, its device still up
n0=$(lbstat noroute) p0=$(tc_sent 0) p2=$(tc_sent 2)
ip -n lbs route del $LF_LB_DST/32 via 10.78.12.2 table 102 || fail "delete path 2's route"
lb_flows two.txt 32 40 0.3 30 > two.sum 2>&1 || fail "lf_fsgen (phase 2)"
cat two.sum
check_eq "path 2 state (from the datapath)" "$(lbpath 2 state)" down
[ $(($(lbstat noroute) - n0)) -ge 1 ] && ok "re-route failures seen: $(($(lbstat noroute) - n0))" ||
	fail "no re-route failure counted"
grep -q "started 40 finished 40 failed 0 unfinished 0" two.sum && ok "no flow failed or hung (phase 2)" ||
	fail "phase 2: $(tail -n 1 two.sum)"
d2=$(($(tc_sent 2) - p2)) d0=$(($(tc_sent 0) - p0))
[ "$d2" -lt 5000 ] && [ "$d0" -gt 100000 ] && ok "phase 2 on path 0 ($d0 bytes), not path 2 ($d2)" ||
	fail "phase 2: path 0 sent $d0, path 2 $d2 bytes"

# phase 3: route back, path up by hand
ip -n lbs route add $LF_LB_DST/32 via 10.78.12.2 dev s2 src 10.78.0.1 table 102 || fail "re-add the route"
lbparam path_state "up 2"
check_eq "path 2 state after 'up 2'" "$(lbpath 2 state)" up
a0=$(lbpath 2 assigned)
lb_flows three.txt 33 40 0.3 30 > three.sum 2>&1 || fail "lf_fsgen (phase 3)"
[ $(($(lbpath 2 assigned) - a0)) -gt 0 ] && ok "path 2 gets flows again: $(($(lbpath 2 assigned) - a0)) of 40" ||
	fail "path 2 got no flow after 'up 2'"
grep -q "started 40 finished 40 failed 0" three.sum && ok "phase 3 flows finished" || fail "phase 3: $(tail -n 1 three.sum)"
cat $LBP/stats
cat $LBP/path_state

lb_server_stop
lf_lb_link_down
rmmod lf_lb || fail "rmmod lf_lb"
finish
