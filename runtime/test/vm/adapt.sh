#!/bin/sh
# VM test of lf-runtime (run by test/vm/run-vm.sh, see runtime/test/CMakeLists.txt):
# the adaptation scenario of scenario.sh (collector + workload shift, the
# daemon tunes and pushes, the kernel's error must drop), then: killing the
# daemon leaves the kernel serving; a restarted daemon resumes its checkpoint
# and updates through the full path (kbuild in the VM, finit_module,
# ACTIVATE, retire).
set -eu
. "$LF_SRC/runtime/test/vm/scenario.sh"

insmod "$LF_KMOD/core/lf_core.ko"
rt_load
"$LFCTL" list
rt_config
rt_start
rt_adapt
grep '"result":"ok"' "$RT_DECISIONS" | tail -n 2
"$LF_RUNTIME" status --state-dir "$RT_STATE"
"$LFCTL" list
rt_check_adapted

# A crash of the daemon never touches the kernel's active snapshot.
kill -9 "$RT_DPID"
q0=$(cat $RT_P/queries)
sleep 3
q1=$(cat $RT_P/queries)
e2=$(rt_err)
rt_log "daemon killed: queries $q0 -> $q1, mean |err| = $e2 ppm"
[ "$q1" -gt "$q0" ] || rt_fail "the kernel stopped serving"
[ $((e2)) -lt $((RT_E1 * 2 + 2000)) ] || rt_fail "error changed after the daemon died"
"$LFCTL" list

# Restart: the daemon resumes from the state dir; the full path (kbuild of a
# new snapshot module inside the VM, finit_module, ACTIVATE, retire).
n=$(rt_updates)
echo 0 > $RT_P/phase
rt_start --update module
rt_wait_update "$n" 300 || rt_fail "no module update within 300 s"
grep '"path":"module"' "$RT_DECISIONS" | tail -n 1
grep -q 'full path (new snapshot module v[0-9]*): update = module' /tmp/daemon.log ||
	rt_fail "the daemon did not log why it took the full path"
grep -q 'resumed tuned weights' /tmp/daemon.log || rt_fail "daemon did not resume its checkpoint"
"$LFCTL" list
rt_stop
rmmod lf_collect_test
rt_log "PASS (untuned $RT_E_INIT, phase0 $RT_E0, switch $RT_E_SWITCH, adapted $RT_E1, after kill $e2 ppm)"
