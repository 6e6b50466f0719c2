# Test 24 (label cc): scripts/cc-up.sh brings the stack up (lf_core, the
# bundled snapshots, lf_cc; --default makes lf_aurora the default CC) and
# --down takes it down again (default restored, lf_cc and the standby
# snapshots unloaded); user errors get one line and exit 1.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"
UP=$LF_SRC/scripts/cc-up.sh

out=$("$UP" --bogus 2>&1); rc=$?
check_eq "unknown argument: one line, exit 1" "$rc $(printf '%s\n' "$out" | wc -l)" "1 1"
out=$("$UP" --build /nonexistent --no-runtime 2>&1); rc=$?
[ $rc = 1 ] && printf '%s' "$out" | grep -q "no bundled snapshots in /nonexistent" && ok "missing build: $out" ||
	fail "missing build: rc $rc $out"
prev=$(sysctl -n net.ipv4.tcp_congestion_control)
"$UP" --build "$LF_BUILD" --no-runtime --default || fail "cc-up.sh up"
check_eq "default CC" "$(sysctl -n net.ipv4.tcp_congestion_control)" lf_aurora
for m in lf_core lf_snap_aurora_cc lf_snap_aurora_cc_v4 lf_snap_mocc_cc lf_cc; do
	[ -d /sys/module/$m ] && ok "$m loaded" || fail "$m not loaded"
done
"$LFCTL" list | grep -q "^model aurora .* active 1 standby 4" && ok "aurora: v1 active, v4 standby" ||
	fail "aurora snapshots: $("$LFCTL" list | grep '^model aurora')"
"$UP" --build "$LF_BUILD" --no-runtime || fail "cc-up.sh twice"
"$UP" --down || fail "cc-up.sh --down"
check_eq "default CC restored" "$(sysctl -n net.ipv4.tcp_congestion_control)" "$prev"
[ ! -d /sys/module/lf_cc ] && ok "lf_cc unloaded" || fail "lf_cc still loaded"
[ ! -d /sys/module/lf_snap_aurora_cc_v4 ] && ok "standby snapshot unloaded" || fail "v4 still loaded"
finish
