# Test 13: the liteflow family from other network namespaces.  A namespace of
# the initial user namespace works like the initial one (root may change
# state, samples arrive); the root of a user namespace in its own network
# namespace can read (list, stats, eval) but changes are refused and no
# samples reach it.
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
LIN="model lin id 1 arch 0x4c494e0004000003 in 4 out 3"
check_has "list from a new netns" "$(unshare -n "$LFCTL" list)" "$LIN active 1 standby 2"
unshare -n "$LFCTL" activate lin && ok "activate from a new netns" || fail "activate from a new netns"
check_has "switched" "$("$LFCTL" list)" "$LIN active 2 standby 1"
"$LFCTL" activate lin || fail "activate back"

USERNS="unshare -U -r -n"
check_has "list from a user namespace" "$($USERNS "$LFCTL" list)" "$LIN active 1 standby 2"
printf '0,0,0,0\n' > zero.csv
check_eq "eval from a user namespace" "$($USERNS "$LFCTL" eval lin --input zero.csv --raw)" "1,-100,1000"
check_eperm "user namespace" $USERNS
err=$($USERNS "$LFCTL" activate lin 2>&1)
check_eq "user namespace: why" "$err" "lfctl: activate lin: permission denied: CAP_NET_ADMIN required (changes need a network namespace of the initial user namespace)"
check_has "state after refused changes" "$("$LFCTL" list)" "$LIN active 1 standby 2"
check_eq "ageing after refused changes" "$(cfg ageing-ms)" 1000

# samples: to the new netns of the initial user namespace, not to the user namespace
unshare -n timeout 10 "$LFCTL" --json monitor --count 1 > a.json &
a=$!
$USERNS timeout 4 "$LFCTL" --json monitor --count 1 > b.json 2> b.err &
b=$!
sleep 1
insmod "$KM/test/lf_regress.ko" scenario=collect n_small=10 || fail "lf_regress collect"
check_eq "samples queued" "$(param lf_regress r_rc)" 0
rmmod lf_regress
wait $a && ok "batch received in a new netns" || fail "no batch in the new netns"
python3 -c 'import json,sys; b=json.load(open("a.json"))
assert b["model"] == "lin" and b["count"] == 11, b' && ok "batch: 11 samples of lin" ||
	fail "batch contents"
wait $b; rc=$?
check_eq "user namespace listener: timed out without a batch" "$rc $(wc -c < b.json)" "124 0"
finish
