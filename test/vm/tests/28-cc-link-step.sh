# Test 28 (label cc): a bottleneck whose rate steps down under load keeps
# carrying traffic (bench/eval/lib/link.sh, lf_shaper).  lf_aurora fills a
# 48 Mbit/s, 40 ms link, which then drops to 12 Mbit/s (the last step of the
# step-12-48 scenario).  Before the fix the shallower tbf bucket could never
# send the large packets queued under the old rate: the link carried nothing
# from then on, not even the retransmissions of the iperf3 control
# connection, and the run hung for minutes.  Now the 6 s after the drop carry
# at least a quarter of the new rate, and the transfer ends on time.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

cc_load
lf_link_up 48 40 100 || die "link setup"
iperf_server
( sleep 8; lf_link_rate 12 ) &
st=$!
t0=$(date +%s)
run_iperf lf_aurora 14 step.json || fail "iperf3 lf_aurora over the step"
wait $st
secs=$(($(date +%s) - t0))
[ "$secs" -le 40 ] && ok "the transfer ended after $secs s (14 s asked)" || fail "the transfer took $secs s"
after=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
iv = [i["sum"] for i in d.get("intervals", []) if i["sum"]["start"] >= 8.5]
print("%.2f" % (sum(i["bytes"] for i in iv) * 8 / 1e6 / max(1e-9, sum(i["seconds"] for i in iv))))
' step.json)
echo "goodput after the drop to 12 Mbit/s: $after Mbit/s"
fcmp "$after >= 3" && ok "the link carries traffic after the drop ($after Mbit/s)" ||
	fail "the link carried $after Mbit/s after the drop"
dmesg | grep -q "tbf" && dmesg | grep tbf | tail -n 3
iperf_server_stop
lf_link_down
finish
