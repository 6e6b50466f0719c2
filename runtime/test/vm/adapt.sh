#!/bin/sh
# VM test of lf-runtime (run by test/vm/run-vm.sh, see runtime/test/CMakeLists.txt):
#  1. the adaptation scenario of scenario.sh: phase 0 from an untuned
#     snapshot, a workload change, the kernel's error on fresh inputs falls
#     below 1/10 of the pre-change snapshot's and stays there;
#  2. a rollback by hand (lf-runtime rollback), and its user errors;
#  3. killing the daemon leaves the kernel serving the same snapshot;
#  4. a deployment that is not what was judged (fault = "corrupt-push") is
#     rolled back by the canary; rolled back twice, the model freezes.
#  5. the freeze outlives a restart of the daemon; `lf-runtime unfreeze`
#     lifts it.
# The full path (a new snapshot module) is module.sh, the runtime.vm-module test.
set -eu
. "$LF_SRC/runtime/test/vm/scenario.sh"

insmod "$LF_KMOD/core/lf_core.ko"
rt_load
"$LFCTL" list
rt_config
rt_start
rt_adapt
rt_check_log
"$LF_RUNTIME" status --state-dir "$RT_STATE"

# 2. By hand: back to the instance that served before the active one.
# (the daemon may switch instances until the rollback: what it replaced is
# what its own line names, not what lfctl showed a moment before)
out=$("$LF_RUNTIME" rollback rtdemo --state-dir "$RT_STATE") || rt_fail "lf-runtime rollback failed"
echo "$out"
before=$(echo "$out" | sed -n 's/^rtdemo: \(v[0-9.]*\) -> .*/\1/p')
now=$(echo "$out" | sed -n 's/.*now serving \(v[0-9.]*\)).*/\1/p')
[ -n "$now" ] && [ "$(rt_active)" = "$now" ] || rt_fail "after rollback lfctl shows $(rt_active), not $now"
[ -n "$before" ] && [ "$now" != "$before" ] || rt_fail "rollback did not change the active snapshot ($out)"
t0=$(date +%s)
until [ "$(rt_count '"event":"external-change"')" -ge 1 ]; do
	[ $(($(date +%s) - t0)) -le 30 ] || rt_fail "the daemon did not notice the rollback"
	sleep 1
done
for bad in "nosuch" "rtdemo --to 99.9" "rtdemo --to x"; do
	# shellcheck disable=SC2086
	if "$LF_RUNTIME" rollback $bad --state-dir "$RT_STATE" 2>/tmp/rb.err; then
		rt_fail "lf-runtime rollback $bad succeeded"
	fi
	[ "$(wc -l < /tmp/rb.err)" -eq 1 ] || rt_fail "rollback $bad: not one line: $(cat /tmp/rb.err)"
	rt_log "rollback $bad: $(cat /tmp/rb.err)"
done

# A model lf_core does not know: one line naming it.
if "$LF_RUNTIME" daemon --model nosuch="$LF_RT_VM/rtdemo.onnx" --state-dir /tmp/s2 2>/tmp/d.err; then
	rt_fail "the daemon started for an unknown model"
fi
[ "$(wc -l < /tmp/d.err)" -eq 1 ] && grep -q "model 'nosuch' is not registered in lf_core" /tmp/d.err ||
	rt_fail "unknown model: $(cat /tmp/d.err)"

# 3. A crash of the daemon never touches the kernel's active snapshot.
act=$(rt_active)
e_before=$(rt_eval)
kill -9 "$RT_DPID"
q0=$(cat $RT_P/queries)
sleep 3
q1=$(cat $RT_P/queries)
e_after=$(rt_eval)
rt_log "daemon killed: queries $q0 -> $q1, $act -> $(rt_active), eval $e_before -> $e_after ppm"
[ "$q1" -gt "$q0" ] || rt_fail "the kernel stopped serving"
[ "$(rt_active)" = "$act" ] && [ "$e_after" = "$e_before" ] ||
	rt_fail "the active snapshot changed after the daemon died"

# 4. The canary: every deployment is corrupted after it was judged.
rb0=$(rt_count '"event":"rollback"')
rt_config 'fault = "corrupt-push"' 'freeze_after = 2'
rt_start
echo 0 > $RT_P/phase
RT_PHASE=0
t0=$(date +%s)
until [ "$(rt_count '"event":"freeze"')" -ge 1 ]; do
	[ $(($(date +%s) - t0)) -le 180 ] || rt_fail "no freeze within 180 s"
	kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon died"
	sleep 2
done
n=$(($(rt_count '"event":"rollback"') - rb0))
[ "$n" -eq 2 ] || rt_fail "expected 2 automatic rollbacks before the freeze, got $n"
last=$(grep '"event":"rollback"' "$RT_DECISIONS" | tail -n 1)
echo "$last"
now=$(echo "$last" | sed -n 's/.*"now":"\(v[0-9.]*\)".*/\1/p')
[ "$(rt_active)" = "$now" ] || rt_fail "after the automatic rollback lf_core serves $(rt_active), not $now"
grep '"event":"canary"' "$RT_DECISIONS" | grep -q '"verdict":"rollback"' || rt_fail "no canary verdict"
sleep 3
"$LF_RUNTIME" status --state-dir "$RT_STATE" | tee /tmp/st.txt
grep -q ' frozen ' /tmp/st.txt || rt_fail "status does not show the model frozen"
"$LF_RUNTIME" status --state-dir "$RT_STATE" --json | grep -q '"frozen":true' ||
	rt_fail "status --json does not show the model frozen"
rt_log "canary: 2 corrupted deployments rolled back, model frozen; $(rt_active) serves"
rt_stop

# 5. The freeze outlives the daemon; only `lf-runtime unfreeze` lifts it.
rt_start
grep -q "model 'rtdemo': frozen (recorded in" /tmp/daemon.log || rt_fail "restarted daemon does not say the model is frozen"
sleep 3
"$LF_RUNTIME" status --state-dir "$RT_STATE" --json | grep -q '"frozen":true' ||
	rt_fail "a restart lifted the freeze"
out=$("$LF_RUNTIME" unfreeze rtdemo --state-dir "$RT_STATE")
[ "$out" = "model 'rtdemo' unfrozen: the running daemon keeps its freeze until it is restarted" ] ||
	rt_fail "unfreeze with the daemon running: '$out'"
rt_stop
rt_log "freeze: kept across a restart, lifted by lf-runtime unfreeze (StateFreeze.* unit-tests the next start)"

rmmod lf_collect_test
rt_log "PASS (untuned $RT_E_INIT, phase 0 $RT_E0, pre-change snapshot on the new function $RT_BASE, adapted $RT_E1 ppm from $RT_T1 s after the change)"
