# scenario.sh - lf-runtime's adaptation scenario in the VM, sourced (POSIX sh)
# by runtime/test/vm/adapt.sh (the runtime.vm test), runtime/test/vm/loop.sh
# (the robustness loop) and the demo's `adapt` step (examples/aurora/demo-vm.sh).
#
# Model rtdemo (a random 2-16-1 tanh MLP, output bound 6 (gen_onnx.py rtdemo),
# snapshots v1 active and v2 standby, both compiled by `lf-runtime compile
# --input-range -2,2`) is queried by lf_collect_test (runtime/kmod), which
# labels every query with a target function and sends it as a sample; the
# function changes mid-run (phase 0 -> 1).  lf-runtime tunes the float model,
# detects the drift, decides, pushes, judges each push by its canary.
#
# What is measured: the ACTIVE snapshot's mean |error| on a fixed set of fresh
# inputs (`lfctl eval`, not the traffic the daemon trains on) against the
# function of the current phase.  After the change, the baseline is the
# pre-change snapshot on the post-change function; the scenario passes when,
# within a deadline, RT_CHECKS consecutive checks RT_EVERY s apart stay below
# 1/RT_FACTOR of that baseline.  No assertion is tied to "the first update".
#
# Needs lf_core loaded and the variables of runtime/test/vm/vm-env.sh
# (LF_RT_VM, LF_RT_COLLECTOR, LF_RUNTIME, LFCTL, LF_RT_KDIR, LF_RT_SYMVERS).
# Knobs: RT_STATE (state dir), RT_TAG (log prefix), RT_DEADLINE0 / RT_DEADLINE1
# (seconds for phase 0 / after the change), RT_CHECKS, RT_EVERY, RT_FACTOR.
# Results: RT_E_INIT (untuned), RT_E0 (phase 0 adapted), RT_BASE (pre-change
# snapshot on the post-change function), RT_E1 (adapted), RT_T1 (seconds from
# the change to the first of the passing checks), in ppm.  Every check prints
# a line "LF-SERIES t ppm phase active" (the demo plots them).

RT_P=/sys/module/lf_collect_test/parameters
RT_STATE=${RT_STATE:-/tmp/state}
RT_TAG=${RT_TAG:-adapt}
RT_DEADLINE0=${RT_DEADLINE0:-150}
RT_DEADLINE1=${RT_DEADLINE1:-120}
RT_CHECKS=${RT_CHECKS:-3}
RT_EVERY=${RT_EVERY:-5}
RT_FACTOR=${RT_FACTOR:-10}
RT_X=/tmp/rt_x.csv
RT_DPID=
RT_PHASE=0

RT_DECISIONS=$RT_STATE/rtdemo/decisions.jsonl
rt_state() { # DIR: a state dir of its own
	RT_STATE=$1
	RT_DECISIONS=$RT_STATE/rtdemo/decisions.jsonl
}
rt_log() { echo "$RT_TAG: $*"; }
rt_fail() {
	echo "$RT_TAG: FAIL: $*"
	[ -f "$RT_DECISIONS" ] && grep -v '"event":"decision"' "$RT_DECISIONS" | tail -n 8
	[ -f "$RT_DECISIONS" ] && tail -n 3 "$RT_DECISIONS"
	tail -n 20 /tmp/daemon.log 2>/dev/null
	exit 1
}
rt_count() { # EVENT-REGEX: matching lines of the decision log
	n=$(grep -c "$1" "$RT_DECISIONS" 2>/dev/null) || true
	echo "${n:-0}"
}
rt_updates() { # deployments so far (llvm::json writes keys sorted)
	n=$(grep '"event":"decision"' "$RT_DECISIONS" 2>/dev/null | grep -c '"result":"ok"') || true
	echo "${n:-0}"
}
rt_update_lines() { grep '"event":"decision"' "$RT_DECISIONS" | grep '"result":"ok"'; }
rt_active() { # MODEL's active snapshot as vVERSION.GEN
	"$LFCTL" --json list 2>/dev/null | tr '{' '\n' |
		sed -n 's/.*"version":\([0-9]*\),"gen":\([0-9]*\),"state":"active".*/v\1.\2/p' | head -n 1
}

# A fixed set of fresh inputs (not the collector's), and the eval error.
rt_inputs() {
	awk 'BEGIN { srand(7); for (i = 0; i < 256; i++)
		printf "%.4f,%.4f\n", 4 * rand() - 2, 4 * rand() - 2 }' > "$RT_X"
}
rt_eval() { # [PHASE]: the active snapshot's mean |err| x 1e6 on $RT_X
	"$LFCTL" eval rtdemo --input "$RT_X" | paste -d, "$RT_X" - |
		awk -F, -v p="${1:-$RT_PHASE}" '{
			t = p == 0 ? 0.5 * $1 + 0.25 * $2 : -0.5 * $1 + 0.25 * $2 + 0.5
			d = $3 - t; s += d < 0 ? -d : d; n++ }
			END { if (n != 256) exit 1; printf "%d\n", s / n * 1e6 }'
}
rt_series() { # PPM: one point of the error curve
	echo "LF-SERIES $(date +%s.%N) $1 $RT_PHASE $(rt_active)"
}

# Until DEADLINE: CHECKS consecutive checks EVERY s apart below LIMIT ppm.
# Sets RT_OK_AT (seconds after the start of the wait of the first passing
# check) and RT_LAST (the last error read).
rt_converge() { # LIMIT DEADLINE
	t0=$(date +%s)
	run=0
	RT_OK_AT=
	while :; do
		kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon died"
		RT_LAST=$(rt_eval) || rt_fail "lfctl eval failed"
		rt_series "$RT_LAST"
		el=$(($(date +%s) - t0))
		if [ "$RT_LAST" -lt "$1" ]; then
			run=$((run + 1))
			[ $run -eq 1 ] && RT_OK_AT=$el
			[ $run -ge "$RT_CHECKS" ] && return 0
		else
			run=0
		fi
		[ "$el" -le "$2" ] || return 1
		sleep "$RT_EVERY"
	done
}

# lf_core must be loaded: the rtdemo snapshots and the collector.
rt_load() {
	insmod "$LF_RT_VM/rtdemo_v1/lf_snap_rtdemo_v1.ko" || rt_fail "insmod rtdemo v1"
	insmod "$LF_RT_VM/rtdemo_v2/lf_snap_rtdemo_v2.ko" || rt_fail "insmod rtdemo v2"
	"$LFCTL" config batch-size 256 flush-ms 50 >/dev/null
	rt_load_collector
}

# The collector alone (phase 0), on the snapshots' boundary formats (lf-runtime
# keeps them: pinned); the fixed eval inputs.
rt_load_collector() {
	j=$LF_RT_VM/rtdemo_v1/rtdemo_v1.json
	inf=$(sed -n '/"in_frac": \[/{n;p;q}' "$j" | tr -d ' ,')
	outf=$(sed -n '/"out_frac": \[/{n;p;q}' "$j" | tr -d ' ,')
	insmod "$LF_RT_COLLECTOR" model=rtdemo in_frac="$inf" out_frac="$outf" rate=20 ||
		rt_fail "insmod lf_collect_test"
	RT_PHASE=0
	rt_inputs
}

rt_config() { # [extra TOML lines for the model]
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
stability_window = 2048
input_ranges = "-2,2"
decision_interval_ms = 1000
max_updates_per_min = 12
update = "auto"
kdir = "$LF_RT_KDIR"
core_symvers = "$LF_RT_SYMVERS"
EOT
	[ $# -eq 0 ] || printf '%s\n' "$@" >> /tmp/rt.toml
}

rt_start() { # [daemon flags]
	rm -f /tmp/daemon.log	# an old log says "running:" before the new one is opened
	"$LF_RUNTIME" daemon --config /tmp/rt.toml "$@" > /tmp/daemon.log 2>&1 &
	RT_DPID=$!
	t0=$(date +%s)
	until grep -q 'lf-runtime: running' /tmp/daemon.log 2>/dev/null; do
		[ $(($(date +%s) - t0)) -le 180 ] || rt_fail "daemon not running within 180 s"
		kill -0 "$RT_DPID" 2>/dev/null || rt_fail "daemon did not start: $(tail -n 1 /tmp/daemon.log)"
		sleep 0.5
	done
	rt_log "daemon running after $(($(date +%s) - t0)) s (LibTorch, lfc import + compile, twin cc)"
}

rt_stop() { kill -TERM "$RT_DPID" 2>/dev/null; wait "$RT_DPID" 2>/dev/null || true; }

# Phase 0 from what the kernel serves (untuned at first), then the change and
# phase 1.
rt_adapt() {
	RT_E_INIT=$(rt_eval 0)
	rt_series "$RT_E_INIT"
	rt_log "phase 0 (y = 0.5 x0 + 0.25 x1), $(rt_active) serves: mean |err| = $RT_E_INIT ppm"
	rt_converge $((RT_E_INIT / RT_FACTOR)) "$RT_DEADLINE0" ||
		rt_fail "phase 0: the kernel's error did not stay below $((RT_E_INIT / RT_FACTOR)) ppm within $RT_DEADLINE0 s (last $RT_LAST)"
	RT_E0=$RT_LAST
	rt_log "phase 0 adapted: $(rt_active), mean |err| = $RT_E0 ppm after $(rt_updates) update(s)"
	echo 1 > $RT_P/phase
	RT_PHASE=1
	RT_TCHANGE=$(date +%s.%N)
	echo "LF-EVENT {\"t\":$RT_TCHANGE,\"event\":\"workload-change\"}"
	RT_BASE=$(rt_eval 1)
	rt_series "$RT_BASE"
	RT_ACTIVE0=$(rt_active)
	rt_log "workload shifted (y = -0.5 x0 + 0.25 x1 + 0.5): $RT_ACTIVE0 now errs by $RT_BASE ppm"
	rt_converge $((RT_BASE / RT_FACTOR)) "$RT_DEADLINE1" ||
		rt_fail "after the change the kernel's error did not stay below 1/$RT_FACTOR of $RT_BASE ppm for $RT_CHECKS checks within $RT_DEADLINE1 s (last $RT_LAST)"
	RT_E1=$RT_LAST
	RT_T1=$RT_OK_AT
	rt_log "phase 1 adapted: $(rt_active), mean |err| = $RT_E1 ppm (< $((RT_BASE / RT_FACTOR))) from $RT_T1 s after the change, $RT_CHECKS checks in a row"
}

# The decision log tells the story: a drift after the change, every update
# says what it was trained and judged on, the twin matched lf_core's EVAL.
rt_check_log() {
	[ "$(rt_count '"event":"drift"')" -ge 1 ] || rt_fail "no drift event after the workload change"
	[ "$(rt_updates)" -ge 2 ] || rt_fail "fewer than two updates"
	rt_update_lines | grep -v '"trained":\[[0-9]*,[0-9]*\]' | grep -q . &&
		rt_fail "an update without its trained sample range"
	rt_update_lines | grep -v '"judged":\[[0-9]*,[0-9]*\]' | grep -q . &&
		rt_fail "an update without its judged sample range"
	grep '"event":"cross-check"' "$RT_DECISIONS" | grep -q '"mismatches":0' ||
		rt_fail "twin vs EVAL cross-check missing or mismatching"
	grep '"event":"canary"' "$RT_DECISIONS" | grep -q '"verdict":"pass"' ||
		rt_fail "no canary passed"
}

# The events the demo plots.
rt_events() {
	{ grep -E '"event":"(drift|canary|rollback|freeze)"' "$RT_DECISIONS"; rt_update_lines; } |
		sed 's/^/LF-EVENT /'
}
