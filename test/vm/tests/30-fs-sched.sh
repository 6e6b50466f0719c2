# Test 30 (label fs): lf_fs with the bundled FFNN over a 30 Mbit/s, 4 ms
# bottleneck whose rate limiter feeds a 4-band strict-priority qdisc, web
# search flows (scaled by 0.1) at load 0.7 from lf_fsgen, the same flows
# (same seed) once unmarked (FIFO) and once with LiteFlow's classes (nn):
# - nn: one lf_query_model() per flow (lf_core's query counter = lf_fs's =
#   flows tracked = flows the generator ran), not per packet;
# - classes: FIFO puts every packet in band 1; nn uses band 1 and lower bands;
# - labels: every flow's real size reaches a listener (lfctl monitor) as a
#   label, batches 1..N with no gap and no drop, and the labels equal the
#   generator's own sizes (lg in the model's output format), flow for flow;
# - the predictor predicts: mean |log2 error| < 1.5 (a constant predictor:
#   about 3.3 on this workload);
# - short flows (< 100 KB) finish sooner on average with nn than FIFO;
# - user errors: a non-monotone CDF and one not ending at 1 get one line
#   naming the line, bad parameter values are refused and change nothing.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

RATE=30 RTT=4 Q=100 N=${FS_FLOWS:-150}
THR=20000,200000,2000000
fs_load mode=off thresholds=$THR
ofrac=$(dmesg | sed -n 's/.*lf_fs: bound to model ffnn .*out_frac \(-*[0-9]*\)).*/\1/p' | tail -n 1)
[ -n "$ofrac" ] || die "lf_fs did not bind to model ffnn"
lf_fs_link_up $RATE $RTT $Q || die "link setup"
fs_server 5001 4
"$LFCTL" monitor > mon.txt 2> mon.err &
mon=$!
sleep 0.3

# run MODE: the flows once, in lf_fs mode MODE; sets <MODE>_* deltas
run() {
	fsparam mode "$1"
	_b0=$(lf_fs_bands) _q0=$(lfstat ffnn queries) _f0=$(fsstat flows) _l0=$(fsstat labels)
	_lq0=$(fsstat queries)
	lf_in_snd "$FS_GEN" client --dst "$LF_LINK_DST" --port 5001 --services 4 \
		--cdf "$FS_CDF/websearch.cdf" --scale 0.1 --load 0.7 --rate-mbit $RATE \
		--flows $N --seed 11 --drain 60 --out "$1.txt" 2> "$1.err" || { cat "$1.err"; die "lf_fsgen $1"; }
	sleep 0.5		# the collector's flush (100 ms)
	cat "$1.err"
	eval "${1}_bands=\"$(echo "$_b0 $(lf_fs_bands)" | awk '{ n = NF / 2; for (i = 1; i <= n; i++) printf "%d ", $(i + n) - $i }')\""
	eval "${1}_q=$(($(lfstat ffnn queries) - _q0))"
	eval "${1}_fsq=$(($(fsstat queries) - _lq0))"
	eval "${1}_flows=$(($(fsstat flows) - _f0))"
	eval "${1}_labels=$(($(fsstat labels) - _l0))"
	eval "${1}_sum=\"$($FS_SUMMARY "$1.txt" --rate-mbit $RATE --rtt-ms $RTT)\""
}
run off
run nn
kill $mon; wait $mon 2>/dev/null
echo "off: $off_sum"
echo "nn:  $nn_sum"
echo "bands (packets) off: $off_bands nn: $nn_bands"
cat /sys/module/lf_fs/parameters/stats
[ -n "${FS_DEBUG:-}" ] && grep "^    flow" mon.txt | head -n 150

kv() { printf '%s\n' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }
check_eq "flows finished (off)" "$(kv "$off_sum" flows)" "$N"
check_eq "flows finished (nn)" "$(kv "$nn_sum" flows)" "$N"
# one query per flow
check_eq "flows tracked (nn)" "$nn_flows" "$N"
check_eq "lf_core queries (nn)" "$nn_q" "$N"
check_eq "lf_fs queries (nn)" "$nn_fsq" "$N"
check_eq "lf_core queries (off)" "$off_q" 0
check_eq "query errors" "$(fsstat query_errors)" 0
# classes at the bottleneck
set -- $off_bands
[ "$1" -gt 0 ] && [ $(($2 + $3 + $4)) -eq 0 ] && ok "FIFO: all packets in band 1 ($off_bands)" ||
	fail "FIFO bands: $off_bands"
set -- $nn_bands
[ "$1" -gt 0 ] && [ $(($2 + $3 + $4)) -gt 0 ] && ok "nn: bands 1 and lower used ($nn_bands)" ||
	fail "nn bands: $nn_bands"

# labels: batches 1..N, no gap, no drop, values = lg(generator's sizes)
awk '$1 == "batch" { print $5, $7, $9 }' mon.txt > seq.txt
gaps=$(awk '{ if ($1 != NR) g++ } END { print g + 0 }' seq.txt)
drops=$(awk '{ d += $2 } END { print d + 0 }' seq.txt)
got=$(awk '{ s += $3 } END { print s + 0 }' seq.txt)
echo "sample batches $(wc -l < seq.txt), samples $got, lf_fs labels $nn_labels"
check_eq "batch sequence gaps" "$gaps" 0
check_eq "dropped samples" "$drops" 0
check_eq "labels received" "$got" "$N"
check_eq "labels queued (lf_fs)" "$nn_labels" "$N"
check_eq "label drops (lf_fs)" "$(fsstat label_drops)" 0
awk '/^    flow/ { print $NF }' mon.txt | sort -n > labels.txt
awk -v f="$ofrac" '{
	x = $4; e = 0; while (2 ^ (e + 1) <= x) e++
	q = e * 256 + int((x - 2 ^ e) * 256 / 2 ^ e)
	print (f >= 8) ? q * 2 ^ (f - 8) : int(q / 2 ^ (8 - f)) }' nn.txt | sort -n > want.txt
if cmp -s labels.txt want.txt; then ok "labels = lg(sizes sent), $(wc -l < want.txt) flows"; else
	fail "labels differ from the generator's sizes:"; diff labels.txt want.txt | head -n 5; fi
err=$(awk -v e="$(fsstat abs_err_q8)" -v n="$nn_labels" 'BEGIN { printf "%.3f", n ? e / n / 256 : 99 }')
fcmp "$err < 1.5" && ok "mean |log2 error| $err < 1.5" || fail "mean |log2 error| $err >= 1.5"

# short flows finish sooner than FIFO in the same run
sf=$(kv "$off_sum" small_mean_ms) sn=$(kv "$nn_sum" small_mean_ms)
fcmp "$sn < $sf" && ok "short-flow mean FCT nn $sn ms < FIFO $sf ms" ||
	fail "short-flow mean FCT nn $sn ms >= FIFO $sf ms"

# user errors
printf '1000 0.2\n500 0.5\n2000 1\n' > bad1.cdf
printf '1000 0.2\n2000 0.9\n' > bad2.cdf
for b in bad1 bad2; do
	out=$("$FS_GEN" check-cdf $b.cdf 2>&1); rc=$?
	[ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
		printf '%s' "$out" | grep -q "$b.cdf:2:" && ok "$b: '$out'" || fail "$b: rc $rc '$out'"
done
echo pias > /sys/module/lf_fs/parameters/mode
echo bogus > /sys/module/lf_fs/parameters/mode 2>/dev/null && fail "mode bogus accepted"
check_eq "mode after a bad write" "$(cat /sys/module/lf_fs/parameters/mode)" pias
echo 300,200 > /sys/module/lf_fs/parameters/thresholds 2>/dev/null && fail "thresholds 300,200 accepted"
check_eq "thresholds after a bad write" "$(cat /sys/module/lf_fs/parameters/thresholds)" "$THR"
dmesg | grep -q "lf_fs: thresholds: '200' (number 2) is not a byte count above the previous one" &&
	ok "thresholds error names the value" || fail "no thresholds error line"

fs_server_stop
lf_link_down
rmmod lf_fs || fail "rmmod lf_fs"
finish
