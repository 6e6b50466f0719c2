# Test 3: permissions, strict attribute validation, module lifetime rules and
# unloading a snapshot that flows are pinned to while queries run.
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
check_eperm unprivileged $NOBODY
$NOBODY "$LFCTL" list > /dev/null && ok "unprivileged list works" || fail "unprivileged list"
check_has "state after EPERM" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 1 standby 2"
check_eq "ageing after EPERM" "$(cfg ageing-ms)" 1000

"$LF_NLTEST" bad && ok "malformed messages rejected, no state change" || fail "lf_nltest bad"

rmmod lf_core 2>/dev/null && fail "rmmod lf_core succeeded" || ok "rmmod lf_core refused"
lsmod | grep -q '^lf_core ' && ok "lf_core still loaded" || fail "lf_core gone"

# Flows pinned to v1, then v2 becomes active and v1's module is unloaded while
# both vCPUs keep querying: no failure, no oops, v1's flows move to v2.
insmod "$KM/test/lf_stress.ko" check=0 duration_ms=4000 switches=1 switch_delay_ms=500 \
	push_every=0 || die "insmod lf_stress"
sleep 1.5
out=$("$LFCTL" list)
echo "$out"
check_has "switched" "$out" "model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 2 standby 1"
flows=$(printf '%s\n' "$out" | awk '$1 == "snapshot" && $2 == 1 { print $NF }')
[ "${flows:-0}" -gt 0 ] && ok "$flows flows pinned to standby v1" || fail "no flows on v1"
rmmod lf_snap_lin_v2 2>/dev/null && fail "active v2 unloaded" || ok "rmmod of the active snapshot refused"
rmmod lf_snap_lin_v1 && ok "standby v1 unloaded under load" || fail "rmmod lf_snap_lin_v1"
check_has "after unload" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 2 standby -"
wait_param lf_stress r_done 60 || die "lf_stress did not finish"
check_eq "failed queries during unload" "$(param lf_stress r_failures)" 0
rmmod lf_stress || fail "rmmod lf_stress"
finish
