# Test 7: flow consistency under load with the flow cache at and beyond its
# maximum.  A kthread per vCPU (process context) and a timer per vCPU
# (softirq) query while snapshots are switched, pushed, and one snapshot is
# unregistered and registered again (also while active).
. "$LF_SRC/test/vm/tests/lib.sh"

ncpu=$(nproc)
flows=128 sflows=16
fit=$((ncpu * (flows + sflows)))

# stress CACHE-SIZE: one run; prints the lf_stress summary
stress() {
	"$LFCTL" flush || fail flush
	"$LFCTL" config ageing-ms 100 cache-size "$1" || fail config
	insmod "$KM/test/lf_stress.ko" ageing_ms=100 duration_ms=3000 switches=600 \
		push_every=10 flows=$flows softirq_flows=$sflows unreg_every=50 ||
		die "insmod lf_stress"
	wait_param lf_stress r_done 120 || die "lf_stress did not finish"
	echo "cache-size $1: $(dmesg | grep 'lf_stress: queries=' | tail -n 1 | sed 's/.*lf_stress: //')"
}
stat_delta() { echo $(( $(lfstat lin "$1") - $2 )); }

load_lin
# 1. every flow fits exactly: no eviction, no inconsistency
stress $fit
check_eq "at max: failed queries" "$(param lf_stress r_failures)" 0
check_eq "at max: flow consistency violations" "$(param lf_stress r_violations)" 0
check_eq "at max: evictions" "$(lfstat lin evictions)" 0
check_eq "at max: uncached" "$(lfstat lin uncached)" 0
[ "$(param lf_stress r_softirq_queries)" -gt 1000 ] &&
	ok "softirq queries $(param lf_stress r_softirq_queries)" || fail "softirq queries"
[ "$(param lf_stress r_unregs)" -ge 10 ] && ok "unregistrations $(param lf_stress r_unregs)" ||
	fail "unregistrations $(param lf_stress r_unregs)"
n=$(cfg cache-entries)
[ "$n" -le $fit ] && ok "cache entries $n <= $fit" || fail "cache entries $n > $fit"
rmmod lf_stress || fail "rmmod lf_stress"

# 2. half the flows fit: evictions are counted, each explains at most one change
ev0=$(lfstat lin evictions)
stress $((fit / 2))
ev=$(stat_delta evictions "$ev0")
v=$(param lf_stress r_violations)
check_eq "beyond max: failed queries" "$(param lf_stress r_failures)" 0
[ "$ev" -gt 0 ] && ok "beyond max: $ev evictions" || fail "beyond max: no eviction"
[ "$v" -le "$ev" ] && ok "beyond max: violations $v <= evictions $ev" ||
	fail "beyond max: violations $v > evictions $ev"
n=$(cfg cache-entries)
[ "$n" -le $((fit / 2)) ] && ok "cache entries $n <= $((fit / 2))" || fail "cache entries $n"
check_eq "evictions in config = in stats" "$(cfg evictions)" "$(lfstat lin evictions)"
rmmod lf_stress || fail "rmmod lf_stress"
sleep 1
check_eq "cache entries after ageing" "$(cfg cache-entries)" 0
check_has "own snapshot gone, lin back to v1/v2" "$("$LFCTL" list | head -n 1 | sed 's/active [12] standby [12]/active A standby S/')" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active A standby S"
finish
