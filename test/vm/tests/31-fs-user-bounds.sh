# Test 31 (label fs): lf_fs's userspace deployment and its flow-table bounds.
# - mode user with lf-runtime answering (serve, the same ONNX, through
#   lf_core's userspace queries): one query per flow (upcalls = flows = the
#   generator's flows = lf_core's uq-sent), every query answered (answers +
#   stale = upcalls = lf_core's uq-answered, stale: the flow ended first; at
#   least one applied), the round trip measured, and the labels of all flows
#   queued;
# - mode user with nobody answering: no queries, counted (upcall_fail), flows
#   still run (default class);
# - max_flows 5: at most 5 flows are ever tracked, every SYN is either tracked
#   or counted as "full" (a retransmitted SYN may be both), every tracked flow
#   is queried once;
# - idle_ms 300: a connection that goes quiet ends by the idle timeout, with
#   the label of the bytes it sent (lg(100) in the model's output format),
#   and leaves the table.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

RATE=30 RTT=4 Q=100 N=60
fs_load mode=user thresholds=20000,200000,2000000
ofrac=$(dmesg | sed -n 's/.*lf_fs: bound to model ffnn .*out_frac \(-*[0-9]*\)).*/\1/p' | tail -n 1)
lf_fs_link_up $RATE $RTT $Q || die "link setup"
fs_server 5001 4
gen() { # OUT [args]
	_o=$1; shift
	lf_in_snd "$FS_GEN" client --dst "$LF_LINK_DST" --port 5001 --services 4 \
		--cdf "$FS_CDF/websearch.cdf" --scale 0.1 --rate-mbit $RATE --drain 60 \
		--out "$_o" "$@" 2> "$_o.err" || { cat "$_o.err"; die "lf_fsgen"; }
	wc -l < "$_o"
}
"$LFCTL" monitor > mon.txt 2> mon.err &
mon=$!
# every query is to be answered: a round trip beyond lf_core's default expiry
# (1 s) happens on a loaded host (one of 60 did at load 12), and expiry is
# cc.25's subject, so the bound here is far out of the way
"$LFCTL" config uq-timeout-ms 10000 > /dev/null || die "lfctl config uq-timeout-ms"
lf_serve ffnn "$LF_SRC/examples/fs/ffnn.onnx" "$LF_SRC/examples/fs/ranges_ffnn.txt" rt.log
n=$(gen user.txt --load 0.5 --flows $N --seed 5)
sleep 0.5
lf_serve_stop
cat rt.log
check_eq "flows (user)" "$n" $N
check_eq "upcalls" "$(fsstat upcalls)" $N
"$LFCTL" stats | grep "^datapath lf_fs " | grep -q " upcalls $N " &&
	ok "lfctl stats shows lf_fs's counters" || fail "lfctl stats: $("$LFCTL" stats | grep '^datapath')"
a=$(fsstat answers) s=$(fsstat stale)
check_eq "answers + stale" $((a + s)) $N
# how many answers beat their flow's end depends on the host's load: some must
[ "$a" -gt 0 ] && ok "$a answers applied ($s came after their flow ended)" || fail "no answer applied ($s stale)"
us=$(fsstat upcall_us)
[ "$us" -gt 0 ] && ok "round trip measured: mean $((us / (a > 0 ? a : 1))) us" || fail "no round-trip time"
check_eq "lf_core: queries sent, answered, waiting, expired" \
	"$(cfg uq-sent) $(cfg uq-answered) $(cfg uq-pending) $(cfg uq-expired)" "$N $N 0 0"
check_eq "lf-runtime: queries answered, errors" \
	"$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["queries_answered"], d["answer_errors"])' /tmp/rt-serve-ffnn/status.json)" "$N 0"
check_eq "lf_core queries (user: none in the kernel)" "$(lfstat ffnn queries)" 0
check_eq "labels (user)" "$(fsstat labels)" $N

# nobody answering
f0=$(fsstat upcall_fail)
n=$(gen nolisten.txt --load 0.3 --flows 20 --seed 6)
check_eq "flows with nobody answering" "$n" 20
check_eq "upcall_fail with nobody answering" $(($(fsstat upcall_fail) - f0)) 20
check_eq "upcalls with nobody answering" "$(fsstat upcalls)" $N

# table bound
fsparam mode nn
fsparam max_flows 5
t0=$(fsstat flows) full0=$(fsstat full) q0=$(fsstat queries)
( while :; do fsstat tracked; sleep 0.05; done ) > tracked.txt &
poll=$!
n=$(gen bound.txt --load 0.9 --flows 80 --seed 7)
kill $poll; wait $poll 2>/dev/null
tr=$(($(fsstat flows) - t0)) fu=$(($(fsstat full) - full0)) qq=$(($(fsstat queries) - q0))
mx=$(sort -n tracked.txt | tail -n 1)
echo "bound: tracked $tr, full $fu, queries $qq, most tracked at once $mx"
check_eq "flows (bound)" "$n" 80
# every SYN is tracked or counted; a SYN retransmitted after a "full" may find
# room, so a flow can be counted in both
[ "$tr" -le 80 ] && [ $((tr + fu)) -ge 80 ] && ok "tracked $tr + full $fu >= 80 flows" ||
	fail "tracked $tr + full $fu vs 80 flows"
# whether a SYN meets a full table depends on how many flows overlap, i.e. on
# the host's speed: counted when it happens; fs.32 fills the table for sure
if [ "$fu" -gt 0 ]; then ok "$fu SYNs beyond max_flows counted"
else ok "no SYN arrived while the table was full (at most $mx flows at once)"; fi
[ "$mx" -le 5 ] && ok "at most $mx flows tracked at once" || fail "$mx flows tracked (max 5)"
check_eq "queries = tracked flows" "$qq" "$tr"

# idle timeout
fsparam max_flows 65536
fsparam idle_ms 300
sleep 0.5
i0=$(fsstat end_idle) l0=$(fsstat labels)
lf_in_snd python3 -c "
import socket, time
s = socket.create_connection(('$LF_LINK_DST', 5001))
s.sendall(b'x' * 100)
time.sleep(1.5)
" || fail "idle connection"
sleep 0.3
check_eq "flows ended idle" $(($(fsstat end_idle) - i0)) 1
check_eq "labels after idle" $(($(fsstat labels) - l0)) 1
kill $mon; wait $mon 2>/dev/null
want=$(awk -v f="$ofrac" 'BEGIN { q = 6 * 256 + int((100 - 64) * 256 / 64); print (f >= 8) ? q * 2 ^ (f - 8) : int(q / 2 ^ (8 - f)) }')
check_eq "idle flow's label (lg 100 bytes)" "$(awk '/^    flow/ { l = $NF } END { print l }' mon.txt)" "$want"
check_eq "tracked after idle" "$(fsstat tracked)" 0

fs_server_stop
lf_link_down
rmmod lf_fs || fail "rmmod lf_fs"
finish
