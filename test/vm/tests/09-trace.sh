# Test 9: lf_core's tracepoints (events/liteflow) fire with the right fields,
# read from tracefs; the per-model latency histogram in `lfctl stats` counts
# every query while lf_query is traced.
. "$LF_SRC/test/vm/tests/lib.sh"

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || die "cannot mount tracefs"
load_lin
[ -d $T/events/liteflow/lf_query ] && ok "events/liteflow present" || die "no events/liteflow"
echo 1 > $T/events/liteflow/enable || die "enable events"
echo > $T/trace
# tr NAME: the trace lines of event NAME, fields only
tr_lines() { grep -o "$1: .*" $T/trace | sed "s/^$1: //"; }
hist_sum() { "$LFCTL" --json stats lin | python3 -c 'import json,sys
print(sum(json.load(sys.stdin)[0]["latency_log2_ns"]))'; }

h0=$(hist_sum)
insmod "$KM/test/lf_query_test.ko" model=lin flow=777 in=256,128,-512,64,0,0,0,0,1,1,1,1 ||
	fail "lf_query_test"
rmmod lf_query_test
q=$(tr_lines lf_query | sed 's/ ns=[0-9]*//')
check_eq "lf_query events" "$q" "model=1 flow=777 version=1 gen=0 ret=0
model=1 flow=778 version=1 gen=0 ret=0
model=1 flow=779 version=1 gen=0 ret=0"
ns=$(tr_lines lf_query | sed -n 's/.* ns=\([0-9]*\) .*/\1/p' | head -n 1)
[ "${ns:-0}" -gt 0 ] && ok "lf_query ns=$ns" || fail "lf_query ns '$ns'"
check_eq "latency histogram: queries added while traced" $(( $(hist_sum) - h0 )) 3
"$LFCTL" stats lin | grep -q '^    latency-log2-ns [0-9]*:[0-9]' && ok "stats shows latency-log2-ns" ||
	fail "stats latency line"

echo > $T/trace
"$LFCTL" activate lin || fail activate
python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<15iI",
	256,128,-64,32, -256,512,0,16, 3,-5,7,-11, 7,-100,1000, 8))' > p.bin
"$LFCTL" push lin --params p.bin > /dev/null || fail push
"$LFCTL" deactivate lin || fail deactivate
"$LFCTL" activate lin || fail "activate again"
check_eq "lf_switch events" "$(tr_lines lf_switch)" "model=1 from=1 to=2 gen=0
model=1 from=2 to=0 gen=0
model=1 from=0 to=1 gen=1"
check_eq "lf_push event" "$(tr_lines lf_push)" "model=1 version=1 gen=1 size=64"

# collector drop: both buffers busy (lf_regress fills them with preemption
# off, so the work cannot send one meanwhile): exactly one drop
"$LFCTL" config batch-size 4096 flush-ms 60000 || fail config
timeout 10 "$LFCTL" --json monitor --count 2 > mon.json &
mon=$!
sleep 0.5
echo > $T/trace
insmod "$KM/test/lf_regress.ko" scenario=collect n_small=959 n_more=959 || fail "lf_regress"
check_eq "samples refused" "$(param lf_regress r_drops)" 1
rmmod lf_regress
check_eq "lf_collect_drop event" "$(tr_lines lf_collect_drop)" "model=1 flow=1000958 drops=1"
check_eq "drops in stats" "$(lfstat lin drops)" 1
kill $mon 2>/dev/null; wait $mon 2>/dev/null

# eviction: cache-size 2, four new flows
"$LFCTL" flush || fail flush
"$LFCTL" config cache-size 2 ageing-ms 60000 || fail config
echo > $T/trace
insmod "$KM/test/lf_query_test.ko" model=lin flow=5000 in=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 ||
	fail "lf_query_test"
rmmod lf_query_test
check_eq "lf_flow_evict events" "$(tr_lines lf_flow_evict)" "model=1 flow=5000 version=1
model=1 flow=5001 version=1"
check_eq "evictions in stats" "$(lfstat lin evictions)" 2
# a lower cache-size evicts down to it at once
echo > $T/trace
"$LFCTL" config cache-size 1 || fail config
check_eq "cache entries after cache-size 1" "$(cfg cache-entries)" 1
check_eq "lf_flow_evict event of the trim" "$(tr_lines lf_flow_evict)" "model=1 flow=5002 version=1"
check_eq "evictions in stats after the trim" "$(lfstat lin evictions)" 3
echo 0 > $T/events/liteflow/enable
finish
