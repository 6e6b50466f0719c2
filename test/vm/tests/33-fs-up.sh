# Test 33 (label fs): scripts/fs-up.sh brings flow scheduling up and down in
# the VM: lf_core, the FFNN snapshots (v1 active, v2 standby), lf_fs in the
# requested mode with the requested thresholds, lf-runtime answering mode
# user's queries (lf_core's uq counters move with new flows);
# --down removes them; user errors get one line and a non-zero exit.
. "$LF_SRC/test/vm/tests/lib.sh"
UP="$LF_SRC/scripts/fs-up.sh --build $LF_BUILD"
mods() { awk '$1 ~ /^lf_/ { print $1 }' /proc/modules | sort | tr '\n' ' '; }

$UP > up.out 2>&1 || { cat up.out; die "fs-up.sh"; }
check_eq "modules after up" "$(mods)" "lf_core lf_fs lf_snap_ffnn_fs lf_snap_ffnn_fs_v2 "
check_eq "mode" "$(cat /sys/module/lf_fs/parameters/mode)" nn
check_eq "active snapshot" "$("$LFCTL" list | awk '$1 == "model" && $2 == "ffnn" { for (i = 1; i < NF; i++) if ($i == "active") print $(i + 1) }')" 1
$UP --mode user --thresholds 1000,2000 > up2.out 2>&1 || { cat up2.out; fail "fs-up.sh --mode user"; }
check_eq "mode (again)" "$(cat /sys/module/lf_fs/parameters/mode)" user
check_eq "thresholds" "$(cat /sys/module/lf_fs/parameters/thresholds)" 1000,2000
sleep 0.3
[ -f /run/lf-fs/runtime.pid ] && kill -0 "$(cat /run/lf-fs/runtime.pid)" &&
	ok "lf-runtime running" || fail "no lf-runtime"
grep -q "answering queries" /run/lf-fs/runtime.log && ok "lf-runtime serves (no adaptation)" ||
	fail "lf-runtime log: $(cat /run/lf-fs/runtime.log)"
out=$($UP --mode bogus 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$out" = "fs-up: --mode 'bogus': want nn, user, pias or off" ] && ok "bad mode: '$out'" ||
	fail "bad mode: rc $rc '$out'"
out=$($UP --thresholds 5,3 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok "bad thresholds: '$out'" ||
	fail "bad thresholds: rc $rc '$out'"
out=$($NOBODY $UP 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$out" = "fs-up: needs root (loads kernel modules)" ] && ok "non-root: '$out'" ||
	fail "non-root: rc $rc '$out'"
out=$($UP --build /nonexistent 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok "no build: '$out'" || fail "no build: rc $rc '$out'"
$UP --down > down.out 2>&1 || { cat down.out; fail "fs-up.sh --down"; }
check_eq "modules after down" "$(mods)" ""
[ -f /run/lf-fs/runtime.pid ] && fail "runtime pid file left" || ok "lf-runtime stopped"
pgrep -f "lf-runtime serve --model ffnn" > /dev/null && fail "lf-runtime still running" || ok "no lf-runtime process"
finish
