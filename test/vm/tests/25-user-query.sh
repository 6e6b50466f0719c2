# Test 25 (label cc): lf_core's userspace queries (lf_user_query(), the
# userspace deployment's upcall) answered by lf-runtime.
# - `lf-runtime serve` answers every query of lf_uq_test (a module asking
#   model aurora 24 times, one netlink round trip each) with the ONNX's float
#   net: each answer equals an independent float64 evaluation of
#   examples/cc/aurora.onnx (onnx_ref.py, numpy) on the same inputs within
#   float32's rounding (|d| <= 2e-5 in real units, 1 << (out_frac - 15) raw);
#   lf_core counts sent = answered = 24, nothing waiting;
# - malformed answers (lf_nltest answer): EINVAL by policy or for a query of
#   another model or length, the query keeps waiting; the right answer
#   reaches the module, a repeat and an unknown sequence number are stale;
# - with lf-runtime stopped (SIGSTOP): queries expire after uq-timeout-ms and
#   their late answers are stale; at most uq-max wait (the rest refused,
#   -EBUSY), and unloading the module cancels the waiting ones (its late
#   answers stale, no oops); with no listener a query is -ENOTCONN;
# - answering needs CAP_NET_ADMIN: lf-runtime serve without it is one line.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

ROWS=24
META=$(dirname "$CC_SNAP_AURORA")/aurora_cc.json
ONNX=$LF_SRC/examples/cc/aurora.onnx
RANGES=$(tr -d ' \n' < "$LF_SRC/examples/cc/ranges_aurora.txt")
UQ=$KM/test/lf_uq_test.ko
insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
insmod "$CC_SNAP_AURORA" || die "insmod aurora snapshot"
# random inputs inside the policy's input ranges, in its input formats
/usr/bin/python3 - "$META" "$ROWS" > rows.txt <<'PY' || die "inputs"
import json, random, sys
m = json.load(open(sys.argv[1])); random.seed(25)
lo_hi = [(-2, 2), (0, 8), (0, 8)] * 10
for _ in range(int(sys.argv[2])):
    print(" ".join(str(round(random.uniform(*lo_hi[i]) * 2 ** f)) for i, f in enumerate(m["in_frac"])))
PY
ins=$(tr ' \n' ',,' < rows.txt | sed 's/,$//')

uq_get() { "$LFCTL" config | tr ' ' '\n' | grep -A1 -x "$1" | tail -n 1; }
wait_answers() { # N SECS
	_i=0
	while [ "$(param lf_uq_test r_answered)" -lt "$1" ]; do
		_i=$((_i + 1)); [ $_i -gt $(($2 * 10)) ] && return 1; sleep 0.1
	done
}

# no listener: -ENOTCONN, nothing sent
insmod "$UQ" model=aurora in="$ins" || die "insmod lf_uq_test"
check_eq "no listener: rc, sent" "$(param lf_uq_test r_rc) $(param lf_uq_test r_sent)" "-107 0"
rmmod lf_uq_test || fail "rmmod lf_uq_test"

# answering needs CAP_NET_ADMIN
err=$(setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$LF_RUNTIME" serve \
	--model aurora="$ONNX" --input-range "$RANGES" --state-dir /tmp/rt-uq-noadmin 2>&1); rc=$?
case $err in
"lf-runtime: joining the queries group: permission denied: CAP_NET_ADMIN required")
	[ $rc -eq 1 ] && ok "serve without CAP_NET_ADMIN: $err" || fail "serve without CAP_NET_ADMIN: rc $rc" ;;
*) fail "serve without CAP_NET_ADMIN: rc $rc, '$err'" ;;
esac

lf_serve aurora "$ONNX" "$LF_SRC/examples/cc/ranges_aurora.txt" rt.log
rt=$LF_SERVE_PID
cat rt.log
s0=$(uq_get uq-sent) a0=$(uq_get uq-answered)
insmod "$UQ" model=aurora in="$ins" || die "insmod lf_uq_test"
wait_answers $ROWS 20 || fail "answers: $(param lf_uq_test r_answered) of $ROWS"
check_eq "sent, rc" "$(param lf_uq_test r_sent) $(param lf_uq_test r_rc)" "$ROWS 0"
check_eq "lf_core: sent, answered" "$(($(uq_get uq-sent) - s0)) $(($(uq_get uq-answered) - a0))" "$ROWS $ROWS"
check_eq "lf_core: waiting" "$(uq_get uq-pending)" 0
param lf_uq_test out | tr ',' '\n' > got.txt
/usr/bin/python3 "$LF_SRC/test/vm/tests/onnx_ref.py" "$ONNX" "$META" rows.txt > ref.txt ||
	die "onnx_ref.py"
ofrac=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['out_frac'][0])" "$META")
res=$(paste got.txt ref.txt | awk -v tol=$((1 << (ofrac - 15))) '
	{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d; if (d == 0) e++; if (d > tol) bad++; n++ }
	END { printf "%d %d %d %d", n, bad + 0, e + 0, m + 0 }')
set -- $res
echo "answers vs float64 reference: $1 rows, $3 exact, largest difference $4 (tolerance $((1 << (ofrac - 15))))"
[ "$1" = $ROWS ] && [ "$2" = 0 ] && ok "every answer = the ONNX's float net (within float32 rounding)" ||
	{ fail "answers differ from the reference ($2 of $1 beyond tolerance)"; paste got.txt ref.txt | head; }
# a different net would not pass: the answers are not all the same
[ "$(sort -u got.txt | wc -l)" -gt $((ROWS / 2)) ] && ok "answers vary with the inputs" ||
	fail "answers do not vary: $(sort -u got.txt | tr '\n' ' ')"
rmmod lf_uq_test || fail "rmmod lf_uq_test"

# malformed answers (the daemon paused so that the query waits for us)
kill -STOP $rt
"$LF_NLTEST" answer 7 > nlt.txt 2>&1 &
nlt=$!
i=0; until grep -q joined nlt.txt; do i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1; done
insmod "$UQ" model=aurora in="$(head -n 1 rows.txt | tr ' ' ',')" || die "insmod lf_uq_test (1 row)"
wait $nlt && ok "lf_nltest answer" || fail "lf_nltest answer"
cat nlt.txt
check_eq "the right answer reached the module" "$(param lf_uq_test out) $(param lf_uq_test r_answered)" "7 1"
rmmod lf_uq_test
kill -CONT $rt
sleep 0.5

# expiry: the daemon paused longer than uq-timeout-ms
"$LFCTL" config uq-timeout-ms 300 || fail "lfctl config uq-timeout-ms"
st0=$(uq_get uq-stale) ex0=$(uq_get uq-expired)
insmod "$UQ" model=aurora in="$ins" || die "insmod lf_uq_test"
wait_answers $ROWS 20 || fail "answers before the pause"
kill -STOP $rt
echo 1 > /sys/module/lf_uq_test/parameters/fire
sleep 0.6
check_eq "expired after 300 ms" "$(($(uq_get uq-expired) - ex0))" $ROWS
kill -CONT $rt
i=0; while [ $(($(uq_get uq-stale) - st0)) -lt $ROWS ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "late answers stale" "$(($(uq_get uq-stale) - st0))" $ROWS
check_eq "no late answer applied" "$(param lf_uq_test r_answered)" $ROWS

# the bound, and unloading with queries waiting
"$LFCTL" config uq-timeout-ms 60000 uq-max 5 || fail "lfctl config uq-max"
kill -STOP $rt
rf0=$(uq_get uq-refused) st0=$(uq_get uq-stale) s0=$(param lf_uq_test r_sent)
echo 1 > /sys/module/lf_uq_test/parameters/fire
check_eq "uq-max 5: waiting" "$(uq_get uq-pending)" 5
check_eq "uq-max 5: sent, refused" "$(($(param lf_uq_test r_sent) - s0)) $(($(uq_get uq-refused) - rf0))" \
	"5 $((ROWS - 5))"
check_eq "uq-max 5: rc" "$(param lf_uq_test r_rc)" -16
rmmod lf_uq_test && ok "rmmod with 5 queries waiting" || fail "rmmod lf_uq_test"
check_eq "cancelled: waiting" "$(uq_get uq-pending)" 0
kill -CONT $rt
i=0; while [ $(($(uq_get uq-stale) - st0)) -lt 5 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check_eq "answers to cancelled queries stale" "$(($(uq_get uq-stale) - st0))" 5
"$LFCTL" config uq-max 4096 || fail "lfctl config uq-max 4096"
err=$("$LFCTL" config uq-max 0 2>&1); rc=$?
[ $rc -ne 0 ] && ok "uq-max 0 refused: $err" || fail "uq-max 0 accepted"

kill $rt; wait $rt
grep -q "answer_errors" /tmp/rt-serve-aurora/status.json && ok "status.json has the query counters" ||
	fail "status.json: no query counters"
dmesg | grep -E "WARNING|BUG:|Oops" && fail "kernel warnings" || ok "no kernel warning"
finish
