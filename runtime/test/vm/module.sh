#!/bin/sh
# VM test of lf-runtime's full path (runtime.vm-module): the daemon runs with
# `--update module`; after the workload changes it builds a new snapshot
# module inside the VM (kbuild against Debian's headers), loads it with
# finit_module, activates it and retires idle modules; stopped and started
# again, it resumes its checkpoint.
set -eu
. "$LF_SRC/runtime/test/vm/scenario.sh"

insmod "$LF_KMOD/core/lf_core.ko"
rt_load
rt_config
rt_start --update module
echo 1 > $RT_P/phase
RT_PHASE=1
t0=$(date +%s)
while [ "$(rt_updates)" -lt 1 ]; do
	[ $(($(date +%s) - t0)) -le 600 ] || rt_fail "no module update within 600 s"
	kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon died"
	sleep 2
done
rt_log "module update after $(($(date +%s) - t0)) s"
rt_update_lines | tail -n 1
rt_update_lines | tail -n 1 | grep -q '"path":"module"' || rt_fail "the update did not take the module path"
grep -q 'full path (new snapshot module v[0-9]*): update = module' /tmp/daemon.log ||
	rt_fail "the daemon did not log why it took the full path"
act=$(rt_active)
case $act in v1.* | v2.*) rt_fail "the new module is not active ($act)" ;; esac
e=$(rt_eval)
rt_log "$act serves, mean |err| = $e ppm"
"$LFCTL" list
rt_stop
rt_start --update module
grep -q 'resumed tuned weights' /tmp/daemon.log || rt_fail "daemon did not resume its checkpoint"
rt_stop
rmmod lf_collect_test
rt_log "PASS ($act loaded by the daemon, $e ppm)"
