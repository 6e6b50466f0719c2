#!/bin/sh
# The adaptation scenario RT_LOOPS times in a row in one VM (the robustness
# check of the runtime; not part of ctest):
#   test/vm/run-vm.sh --build build --env build/runtime/test/vm/vm-env.sh \
#       --timeout 7200 runtime/test/vm/loop.sh        (RT_LOOPS=20 by default)
# Each iteration restarts the daemon on the same state dir (its history and
# checkpoint, as after a reboot; the decision log is moved aside) and a fresh
# collector in phase 0, on whatever the kernel serves (the first iteration:
# the untuned snapshot; later ones: the previous iteration's phase-1 model,
# as wrong for phase 0); it prints "LOOP i PASS|FAIL" with its margins.
. "$LF_SRC/runtime/test/vm/scenario.sh"
RT_LOOPS=${RT_LOOPS:-20}
insmod "$LF_KMOD/core/lf_core.ko" || exit 1
pass=0
i=1
while [ $i -le "$RT_LOOPS" ]; do
	(
		RT_TAG="loop$i"
		[ -f "$RT_DECISIONS" ] && mv "$RT_DECISIONS" "$RT_DECISIONS.$((i - 1))"
		if [ $i -eq 1 ]; then rt_load; else rt_load_collector; fi
		rt_config
		rt_start
		rt_adapt
		rt_check_log
		rt_stop
		echo "LOOP $i PASS start $RT_E_INIT phase0 $RT_E0 base $RT_BASE adapted $RT_E1 ppm (limit $((RT_BASE / RT_FACTOR))) from $RT_T1 s after the change, $(rt_updates) updates"
	) > /tmp/loop$i.log 2>&1
	if [ $? -eq 0 ]; then
		pass=$((pass + 1))
		grep '^LOOP' /tmp/loop$i.log
	else
		echo "LOOP $i FAIL"
		grep -v '^LF-' /tmp/loop$i.log | tail -n 15
	fi
	pkill -f 'lf-runtime daemon' 2>/dev/null
	sleep 1
	rmmod lf_collect_test 2>/dev/null
	i=$((i + 1))
done
echo "LOOP RESULT $pass/$RT_LOOPS passed"
[ $pass -eq "$RT_LOOPS" ]
