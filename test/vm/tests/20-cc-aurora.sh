# Test 20 (label cc): lf_aurora with the bundled policy over a steady
# 24 Mbit/s, 40 ms link (drop-tail queue of 100 packets, ~1 BDP), inside
# Debian's kernel: goodput >= 80% of what the bottleneck carries (24 Mbit/s
# x 1448/1514, or less if a bulk cubic transfer measured just before gets
# less: a loaded TCG host cannot always emulate the nominal rate), median
# RTT <= 2 x the base RTT, one query per monitor
# interval (lf_core's query counter equals lf_cc's, queries >= 90% of the
# MIs and far fewer than the ACKs), and the per-MI samples reach a listener
# (lfctl monitor) with batch sequence numbers 1..N, no gaps, no drops, every
# sample lf_cc queued.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

RATE=24 RTT=40 SECS=20
cc_load
lf_link_up $RATE $RTT 100 || die "link setup"
iperf_server
ref=$(link_ref $RATE 8)

"$LFCTL" monitor > mon.txt 2> mon.err &
mon=$!
sleep 0.3
q0=$(lfstat aurora queries)
a0=$(snd_segs_in)
run_iperf lf_aurora $SECS a.json || fail "iperf3 lf_aurora"
a1=$(snd_segs_in)
sleep 0.5			# the collector's flush (100 ms)
kill $mon; wait $mon 2>/dev/null
q1=$(lfstat aurora queries)
s=$($IPERF_SUMMARY a.json)
echo "lf_aurora: $s"
cat /sys/module/lf_cc/parameters/stats | head -n 1
gp=$(kv "$s" goodput_mbps) rtt=$(kv "$s" rtt_median_ms)
fcmp "$gp >= 0.8 * $ref" && ok "goodput $gp Mbit/s >= 80% of $ref" ||
	fail "goodput $gp Mbit/s < 80% of $ref"
fcmp "$rtt <= 2 * $RTT" && ok "median RTT $rtt ms <= 2 x $RTT ms" ||
	fail "median RTT $rtt ms > 2 x $RTT ms"

mis=$(ccstat lf_aurora mis) qs=$(ccstat lf_aurora queries)
acks=$((a1 - a0)) lq=$((q1 - q0))
echo "MIs $mis, lf_cc queries $qs, lf_core queries $lq, ACKs $acks"
check_eq "lf_core queries = lf_cc queries" "$lq" "$qs"
fcmp "$qs >= 0.9 * $mis && $qs <= $mis" && ok "one query per MI ($qs queries, $mis MIs)" ||
	fail "queries $qs vs MIs $mis"
# an MI lasts at least half the base RTT: at most SECS / 20 ms of them
fcmp "$mis >= 50 && $mis <= $SECS * 1000 / ($RTT / 2) + 20" && ok "MIs $mis fit ${SECS}s of RTT/2 intervals" ||
	fail "MIs $mis outside 50..$((SECS * 1000 / (RTT / 2) + 20))"
fcmp "$qs * 4 < $acks" && ok "queries $qs << ACKs $acks (not per ACK)" || fail "queries $qs vs ACKs $acks"
check_eq "query errors" "$(ccstat lf_aurora query_errors)" 0
check_eq "fallbacks" "$(ccstat lf_aurora fallbacks)" 0

# samples: batches 1..N in order, no drops, all that lf_cc queued
queued=$(ccstat lf_aurora samples)
awk '$1 == "batch" { print $5, $7, $9 }' mon.txt > seq.txt
n=$(wc -l < seq.txt)
gaps=$(awk '{ if ($1 != NR) g++ } END { print g + 0 }' seq.txt)
drops=$(awk '{ d += $2 } END { print d + 0 }' seq.txt)
got=$(awk '{ s += $3 } END { print s + 0 }' seq.txt)
echo "batches $n, samples received $got, queued $queued"
[ "$n" -ge 2 ] && ok "$n sample batches" || fail "only $n sample batches"
check_eq "batch sequence gaps" "$gaps" 0
check_eq "dropped samples" "$drops" 0
check_eq "samples received = samples queued" "$got" "$queued"
check_eq "collector drops (lf_cc)" "$(ccstat lf_aurora sample_drops)" 0
# each sample: 30 inputs, no outputs, labels [reward Q16.16, action]
awk '/^    flow/ { n = 0; for (i = 1; i <= NF; i++) if ($i == "label") { print NF - i; exit } }' mon.txt > nl.txt
check_eq "labels per sample" "$(cat nl.txt)" 2

iperf_server_stop
lf_link_down
rmmod lf_cc || fail "rmmod lf_cc after the transfers"
finish
