# scenario.sh - lf-runtime's adaptation scenario in the VM, sourced (POSIX sh)
# by runtime/test/vm/adapt.sh (the runtime.vm test) and by the demo's `adapt`
# step (examples/aurora/demo-vm.sh).
#
# Model rtdemo (a random 2-16-1 tanh MLP, output bound 6 (gen_onnx.py rtdemo), snapshots v1 active and v2 standby,
# both compiled by `lf-runtime compile --input-range -2,2`) is queried by
# lf_collect_test (runtime/kmod), which labels every query with a target
# function and sends it as a sample; the function changes mid-run (phase 0 ->
# 1).  lf-runtime tunes the float model, decides and pushes weights; the
# kernel's mean |error| (err_ppm, x 1e6) must fall after each adaptation.
#
# Needs lf_core loaded and the variables of runtime/test/vm/vm-env.sh
# (LF_RT_VM, LF_RT_COLLECTOR, LF_RUNTIME, LFCTL, LF_RT_KDIR, LF_RT_SYMVERS).
# Knobs: RT_STATE (state dir), RT_TAG (log prefix), RT_WAIT0 / RT_WAIT1
# (seconds to wait for an update in phase 0 / after the change), RT_SETTLE
# (seconds between an update and reading the error).
# Results: RT_E_INIT (untuned), RT_E0 (phase 0 adapted), RT_E_SWITCH (right
# after the change), RT_E1 (phase 1 adapted), in ppm.

RT_P=/sys/module/lf_collect_test/parameters
RT_STATE=${RT_STATE:-/tmp/state}
RT_TAG=${RT_TAG:-adapt}
RT_WAIT0=${RT_WAIT0:-240}
RT_WAIT1=${RT_WAIT1:-150}
RT_SETTLE=${RT_SETTLE:-4}
RT_DECISIONS=$RT_STATE/rtdemo/decisions.jsonl
RT_DPID=

rt_log() { echo "$RT_TAG: $*"; }
rt_fail() {
	echo "$RT_TAG: FAIL: $*"
	[ -f "$RT_DECISIONS" ] && tail -n 5 "$RT_DECISIONS"
	tail -n 20 /tmp/daemon.log 2>/dev/null
	exit 1
}
rt_err() { cat $RT_P/err_ppm; }
rt_updates() { n=$(grep -c '"result":"ok"' "$RT_DECISIONS" 2>/dev/null) || true; echo "${n:-0}"; }
rt_wait_update() { # COUNT TIMEOUT: until more than COUNT updates succeeded
	i=0
	while [ "$(rt_updates)" -le "$1" ]; do
		i=$((i + 1)); [ $i -le "$2" ] || return 1; sleep 1
		kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon died"
	done
}

# lf_core must be loaded: the rtdemo snapshots and the collector.
rt_load() {
	insmod "$LF_RT_VM/rtdemo_v1/lf_snap_rtdemo_v1.ko" || rt_fail "insmod rtdemo v1"
	insmod "$LF_RT_VM/rtdemo_v2/lf_snap_rtdemo_v2.ko" || rt_fail "insmod rtdemo v2"
	"$LFCTL" config batch-size 256 flush-ms 50 >/dev/null
	# the snapshot's boundary formats (lf-runtime keeps them: pinned)
	j=$LF_RT_VM/rtdemo_v1/rtdemo_v1.json
	inf=$(sed -n '/"in_frac": \[/{n;p;q}' "$j" | tr -d ' ,')
	outf=$(sed -n '/"out_frac": \[/{n;p;q}' "$j" | tr -d ' ,')
	insmod "$LF_RT_COLLECTOR" model=rtdemo in_frac="$inf" out_frac="$outf" rate=20 ||
		rt_fail "insmod lf_collect_test"
}

rt_config() {
	cat > /tmp/rt.toml <<EOT
[daemon]
state_dir = "$RT_STATE"
status_interval_ms = 500
[models.rtdemo]
onnx = "$LF_RT_VM/rtdemo.onnx"
objective = "mse"
optimizer = "adam"
lr = 0.01
batch_size = 128
stability_k = 5
stability_epsilon = 0.5
fidelity_threshold = 0.0005
input_ranges = "-2,2"
decision_interval_ms = 1000
update = "auto"
kdir = "$LF_RT_KDIR"
core_symvers = "$LF_RT_SYMVERS"
EOT
}

rt_start() { # [daemon flags]
	"$LF_RUNTIME" daemon --config /tmp/rt.toml "$@" > /tmp/daemon.log 2>&1 &
	RT_DPID=$!
	t0=$(date +%s)
	until grep -q 'lf-runtime: running' /tmp/daemon.log 2>/dev/null; do
		[ $(($(date +%s) - t0)) -le 180 ] || rt_fail "daemon not running within 180 s"
		kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon did not start"
		sleep 0.5
	done
	rt_log "daemon running after $(($(date +%s) - t0)) s (LibTorch, lfc import + compile, twin cc)"
}

rt_stop() { kill -TERM "$RT_DPID"; wait "$RT_DPID" || true; }

# Phase 0 (untuned -> first update), the change, phase 1 (-> next update).
rt_adapt() {
	RT_E_INIT=$(rt_err)
	rt_log "phase 0 (y = 0.5 x0 + 0.25 x1), untuned snapshot: mean |err| = $RT_E_INIT ppm"
	rt_wait_update 0 "$RT_WAIT0" || rt_fail "no update within $RT_WAIT0 s (phase 0)"
	sleep "$RT_SETTLE"
	RT_E0=$(rt_err)
	rt_log "phase 0 after $(rt_updates) update(s): mean |err| = $RT_E0 ppm"
	n=$(rt_updates)
	echo 1 > $RT_P/phase
	sleep 2
	RT_E_SWITCH=$(rt_err)
	rt_log "workload shifted (y = -0.5 x0 + 0.25 x1 + 0.5): mean |err| = $RT_E_SWITCH ppm"
	rt_wait_update "$n" "$RT_WAIT1" || rt_fail "no update within $RT_WAIT1 s after the change"
	sleep "$RT_SETTLE"
	RT_E1=$(rt_err)
	rt_log "phase 1 after $(rt_updates) update(s): mean |err| = $RT_E1 ppm"
}

# The kernel's error fell after the change; the twin matched lf_core's EVAL.
rt_check_adapted() {
	[ $((RT_E1 * 2)) -lt "$RT_E_SWITCH" ] || rt_fail "error did not drop: $RT_E_SWITCH -> $RT_E1 ppm"
	grep -q '"event":"cross-check","samples":[0-9]*,"mismatches":0' "$RT_DECISIONS" ||
		rt_fail "twin vs EVAL cross-check missing or mismatching"
}
