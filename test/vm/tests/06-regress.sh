# Test 6: regression tests of lf_core bugs (issue 11).  Each check here failed
# before its fix.  (Bug 3, genlmsghdr.reserved, is in `lf_nltest bad`, test 3.)
. "$LF_SRC/test/vm/tests/lib.sh"

# Bug 6: --help prints the usage on stdout and exits 0.
out=$("$LFCTL" --help 2>/dev/null); rc=$?
check_eq "lfctl --help: rc" $rc 0
case $out in "usage: lfctl"*) ok "lfctl --help: usage on stdout" ;;
*) fail "lfctl --help: stdout '$out'" ;; esac
err=$("$LFCTL" frobnicate 2>&1 >/dev/null); rc=$?
check_eq "unknown command: rc" $rc 1
check_eq "unknown command: message" "$err" "lfctl: unknown command 'frobnicate' (try lfctl --help)"

load_lin

# Bug 4a: when the standby goes, an idle registered snapshot becomes standby.
insmod "$KM/test/lf_snap_lin_v3.ko" || die "insmod lf_snap_lin_v3"
out=$("$LFCTL" list)
check_has "v3 registered" "$out" "model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 1 standby 3"
check_has "v2 idle" "$out" "    snapshot 2 gen 0 idle params 64 stack 32 module lf_snap_lin_v2 flows 0"
rmmod lf_snap_lin_v3 || fail "rmmod lf_snap_lin_v3"
check_has "idle v2 promoted to standby" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 1 standby 2"
"$LFCTL" activate lin && ok "activate after the standby went" || fail "activate lin"
"$LFCTL" activate lin || fail "activate lin back"

# Bug 2: a sample larger than the one that triggered the size check is queued
# into the free spare buffer; the full batch goes out at once (not after
# flush-ms) and nothing is dropped.  959 * 64 bytes fill 61,376 of 61,440.
"$LFCTL" config batch-size 4096 flush-ms 60000 || fail config
timeout 10 "$LFCTL" --json monitor --count 1 > mon.json &
mon=$!
sleep 0.5
insmod "$KM/test/lf_regress.ko" scenario=collect n_small=959 || die "insmod lf_regress collect"
check_eq "large sample after 959 small ones: rc" "$(param lf_regress r_rc)" 0
rmmod lf_regress
wait $mon && ok "first batch arrived before flush-ms" || fail "no batch within 10 s (flush-ms 60000)"
python3 - mon.json <<'PY' && ok "batch 1: 959 samples, 0 drops" || fail "batch 1 contents"
import json, sys
b = [json.loads(l) for l in open(sys.argv[1])]
assert len(b) == 1 and b[0]["seq"] == 1, b
assert b[0]["count"] == 959 and b[0]["drops"] == 0, (b[0]["count"], b[0]["drops"])
assert all(s["n_label"] == 0 for s in b[0]["samples"])
PY
check_eq "drops" "$(lfstat lin drops)" 0
"$LFCTL" config batch-size 64 flush-ms 100 || fail config

# Bug 1: unregistering the active snapshot while a standby exists: the
# standby takes over without a window of -ENOENT.
# (every query is a new flow: a small cache with a short ageing keeps the
# purges of unregister short)
"$LFCTL" config cache-size 4096 ageing-ms 50 || fail config
t0=$(date +%s.%N)
insmod "$KM/test/lf_regress.ko" scenario=unreg cycles=100 || die "insmod lf_regress unreg"
wait_param lf_regress r_done 200 || die "lf_regress unreg did not finish"
echo "unreg: $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')," \
	"$(dmesg | grep 'lf_regress: unreg:' | tail -n 1 | sed 's/.*unreg: //')"
check_eq "unregister/register cycles" "$(param lf_regress r_cycles)" 100
check_eq "queries failed while the active snapshot was unregistered" \
	"$(param lf_regress r_failures)" 0
[ "$(param lf_regress r_queries)" -gt 1000 ] && ok "queries $(param lf_regress r_queries)" ||
	fail "only $(param lf_regress r_queries) queries"
rmmod lf_regress || fail "rmmod lf_regress (unreg)"
"$LFCTL" config cache-size 65536 ageing-ms 1000 || fail config

# Bug 5: GET_MODEL of a model with 300 snapshots (doit and dump).
insmod "$KM/test/lf_regress.ko" scenario=many n=300 || die "insmod lf_regress many"
n=$("$LFCTL" list | awk '$1 == "model" { m = $2 } $1 == "snapshot" && m == "many"' | wc -l)
check_eq "snapshots of 'many' in the dump" "$n" 300
out=$("$LFCTL" stats many 2>&1); rc=$?
check_eq "stats many (doit): rc" $rc 0
n=$("$LFCTL" --json list | python3 -c 'import json,sys
print(sum(len(m["snapshots"]) for m in json.load(sys.stdin) if m["name"] == "many"))')
check_eq "snapshots of 'many' in list --json" "$n" 300
check_has "lin still listed" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 1 standby 2"

# Bug 4b: deactivate retires the active snapshot, so its module can go.
"$LFCTL" deactivate many || fail "deactivate many"
rmmod lf_regress && ok "snapshot module unloaded after deactivate" || fail "rmmod lf_regress (many)"
err=$("$LFCTL" stats many 2>&1); rc=$?
check_eq "model many gone" "$rc: $err" "1: lfctl: stats: model 'many' not found"
finish
