# Test 8: full unload.  Deactivate retires the active snapshot so every
# snapshot module and then lf_core can be removed; a second load/use/unload
# cycle works the same and leaks nothing: lf_core's instance and flow
# counters go to 0, its slab cache (lf_flow, not merged: run-vm boots with
# slab_nomerge) is destroyed empty (a leak fails the run with "Objects
# remaining"), and no lf_ module stays loaded.
. "$LF_SRC/test/vm/tests/lib.sh"

cycle() {
	load_lin
	check_eq "cycle $1: initial hash table size = flow_buckets" "$(cfg cache-buckets)" \
		"$(param lf_core flow_buckets)"
	grep -q '^lf_flow ' /proc/slabinfo && ok "cycle $1: lf_flow slab cache exists" ||
		fail "cycle $1: no lf_flow slab cache"
	"$LFCTL" config ageing-ms 60000 || fail config	# flows stay pinned
	insmod "$KM/test/lf_stress.ko" ageing_ms=60000 duration_ms=1000 switches=100 \
		push_every=10 flows=64 softirq_flows=8 || die "insmod lf_stress"
	wait_param lf_stress r_done 60 || die "lf_stress did not finish"
	check_eq "cycle $1: failed queries" "$(param lf_stress r_failures)" 0
	rmmod lf_stress || fail "cycle $1: rmmod lf_stress"
	[ "$(cfg cache-entries)" -gt 0 ] && ok "cycle $1: flows pinned" || fail "cycle $1: no flows"

	rmmod lf_snap_lin_v1 2>/dev/null && fail "cycle $1: active v1 unloaded"
	"$LFCTL" deactivate lin || fail "cycle $1: deactivate"
	check_has "cycle $1: deactivated" "$("$LFCTL" list)" \
		"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active - standby 2"
	err=$("$LFCTL" deactivate lin 2>&1); rc=$?
	check_eq "cycle $1: deactivate again" "$rc: $err" \
		"1: lfctl: deactivate lin: No such file or directory (model has no active snapshot)"
	insmod "$KM/test/lf_query_test.ko" model=lin in=0,0,0,0 || fail "lf_query_test"
	check_eq "cycle $1: query of a new flow without active snapshot" \
		"$(param lf_query_test r_rc)" -2
	rmmod lf_query_test
	rmmod lf_snap_lin_v1 && ok "cycle $1: v1 unloaded" || fail "cycle $1: rmmod v1"
	rmmod lf_snap_lin_v2 && ok "cycle $1: v2 unloaded" || fail "cycle $1: rmmod v2"
	check_eq "cycle $1: models left" "$("$LFCTL" list)" ""
	check_eq "cycle $1: flow entries left" "$(cfg cache-entries)" 0
	check_eq "cycle $1: snapshot instances alive" "$(cfg snapshots-alive)" 0
	rmmod lf_core && ok "cycle $1: lf_core unloaded" || fail "cycle $1: rmmod lf_core"
	check_eq "cycle $1: lf_ modules loaded" "$(lsmod | grep -c '^lf_')" 0
	grep -q '^lf_flow ' /proc/slabinfo && fail "cycle $1: lf_flow slab cache left" ||
		ok "cycle $1: lf_flow slab cache destroyed"
}

cycle 1
s1=$(awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo)
cycle 2
s2=$(awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo)
echo "unreclaimable slab after cycle 1: $s1 kB, after cycle 2: $s2 kB"
finish
