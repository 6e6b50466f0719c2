# Test 34 (label fs): online adaptation of the flow-size predictor after a
# distribution shift, adaptation off against on in the same run.
# The bundled FFNN learnt web search flows whose 4 services (destination
# ports) each carry one band of sizes (lf_fsgen --services 4), so a port's
# history of sizes is its best feature.  Mid-run the workload shifts: one
# service carries every size (--services 1; the same web-search sizes, scaled
# by 0.1, cut at 400 KB), the port's history no longer separates flows and
# the first packet (its size, PSH) is what is left to learn from.
# - off: the bundled snapshot alone predicts EVAL shifted flows (seed 7): its
#   mean |log2 error| (lf_fs's own sum of |lg(pred) - lg(size)| over the
#   labelled flows) is err_off;
# - on: lf-runtime (scripts/fs-up.sh --adapt: supervised MSE on log2 size
#   from lf_fs's labels) runs while shifted flows continue in rounds of ROUND;
#   it must update the kernel's snapshot (an update by weight push in its
#   decision log, lf_core's active instance changes), and keeps training for
#   AFTER more rounds; then the same EVAL flows (seed 7) again:
#   err_on < 0.9 x err_off.  The relation is asserted,
#   not a number; the round errors and the decisions are printed.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

RATE=30 RTT=4 Q=100 ROUND=${FS_ROUND:-150} MAXR=${FS_ROUNDS:-14} EVAL=${FS_EVAL:-300}
AFTER=${FS_AFTER:-3}
THR=20000,200000,2000000
fs_load mode=nn thresholds=$THR
insmod "$FS_SNAP_FFNN_V2" || die "insmod ffnn v2 (standby)"
lf_fs_link_up $RATE $RTT $Q || die "link setup"
fs_server 5001 4
"$LFCTL" monitor > mon.txt 2> mon.err &	# a listener: labels are queued
mon=$!
sleep 0.3

# flows SERVICES N SEED: N web-search flows; prints their mean |log2 error|
flows() {
	_e0=$(fsstat abs_err_q8) _l0=$(fsstat labels)
	lf_in_snd "$FS_GEN" client --dst "$LF_LINK_DST" --port 5001 --services "$1" \
		--cdf "$FS_CDF/websearch.cdf" --scale 0.1 --max-size 400000 --load 0.6 \
		--rate-mbit $RATE --flows "$2" --seed "$3" --drain 60 --out /dev/null 2> gen.err ||
		{ cat gen.err >&2; die "lf_fsgen"; }
	sleep 0.5	# the collector's flush
	awk -v e=$(($(fsstat abs_err_q8) - _e0)) -v n=$(($(fsstat labels) - _l0)) \
		'BEGIN { printf "%.3f", n ? e / n / 256 : 99 }'
}
active() { "$LFCTL" list | awk '$1 == "model" && $2 == "ffnn" { for (i = 1; i < NF; i++) if ($i == "active") print $(i + 1) }'; }

echo "before the shift (4 services, bundled snapshot): mean |log2 error| $(flows 4 150 1)"
off=$(flows 1 $EVAL 7)
echo "after the shift (1 service), adaptation off: mean |log2 error| $off"

"$LF_SRC/scripts/fs-up.sh" --build "$LF_BUILD" --mode nn --thresholds $THR --adapt \
	--state-dir /tmp/rt-fs34 > up.out 2>&1 || { cat up.out /run/lf-fs/runtime.log; die "fs-up.sh --adapt"; }
cat up.out
st=/tmp/rt-fs34/status.json
updates() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["models"][0]["updates"])' $st 2>/dev/null || echo 0; }
a0=$(active) r=0 u=0 first=0
while [ $r -lt $MAXR ]; do
	r=$((r + 1))
	e=$(flows 1 $ROUND $((100 + r)))
	u=$(updates)
	echo "round $r: mean |log2 error| $e, snapshot updates so far $u, active $(active)"
	[ "$u" -gt 0 ] && [ $first = 0 ] && first=$r
	# after the first update, AFTER more rounds of training and updates
	[ $first != 0 ] && [ $((r - first)) -ge $AFTER ] && break
done
on=$(flows 1 $EVAL 7)
echo "after the shift, adaptation on: mean |log2 error| $on (off: $off); active $(active) (was $a0)"
/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("event") != "decision" or d.get("decision") not in (None, "wait-unstable", "hold"):
        print("  ", {k: d[k] for k in ("event", "decision", "why", "path", "kernel", "result",
                                        "loss", "fidelity", "candidate_loss", "active_loss") if k in d})
' /tmp/rt-fs34/ffnn/decisions.jsonl 2>/dev/null | tail -n 12
[ "$u" -gt 0 ] && ok "lf-runtime updated the snapshot ($u updates by round $r)" ||
	fail "no snapshot update in $MAXR rounds"
grep '"result":"ok"' /tmp/rt-fs34/ffnn/decisions.jsonl | grep -q '"path":"push"' &&
	ok "decision log: an update by weight push" || fail "decision log: no update by weight push"
fcmp "$on < 0.9 * $off" && ok "adaptation on: error $on < 0.9 x adaptation off $off (same flows)" ||
	fail "adaptation on: error $on, off $off"
"$LF_SRC/scripts/fs-up.sh" --build "$LF_BUILD" --down > down.out 2>&1 || { cat down.out; fail "fs-up.sh --down"; }
kill $mon; wait $mon 2>/dev/null
fs_server_stop
lf_link_down
finish
