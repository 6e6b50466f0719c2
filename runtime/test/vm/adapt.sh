#!/bin/sh
# VM scenario of lf-runtime (run by test/vm/run-vm.sh, see runtime/test/CMakeLists.txt):
# lf_core + snapshots v1 (active) and v2 (standby) of model rtdemo (a random
# 2-16-1 tanh MLP) + lf_collect_test, which queries the model and labels the
# samples with a target function.  lf-runtime tunes the float model and
# pushes weights; the function changes mid-test; the kernel's error must drop
# after the daemon adapted; killing the daemon leaves the kernel serving.
set -eu
P=/sys/module/lf_collect_test/parameters
S=/tmp/state
log() { echo "adapt: $*"; }
fail() { echo "adapt: FAIL: $*"; [ -f $S/rtdemo/decisions.jsonl ] && tail -n 5 $S/rtdemo/decisions.jsonl; cat /tmp/daemon.log 2>/dev/null | tail -n 20; exit 1; }
updates() { n=$(grep -c '"result":"ok"' $S/rtdemo/decisions.jsonl 2>/dev/null) || true; echo "${n:-0}"; }
wait_update() { # count timeout
	i=0
	while [ "$(updates)" -le "$1" ]; do
		i=$((i + 1)); [ $i -le "$2" ] || return 1; sleep 1
		kill -0 "$DPID" 2>/dev/null || fail "daemon died"
	done
}

insmod "$LF_KMOD/core/lf_core.ko"
insmod "$LF_RT_VM/rtdemo_v1/lf_snap_rtdemo_v1.ko"
insmod "$LF_RT_VM/rtdemo_v2/lf_snap_rtdemo_v2.ko"
"$LFCTL" config batch-size 256 flush-ms 50 >/dev/null
insmod "$LF_RT_COLLECTOR" model=rtdemo in_frac=29 out_frac=30 rate=20
"$LFCTL" list

cat > /tmp/rt.toml <<EOT
[daemon]
state_dir = "$S"
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
"$LF_RUNTIME" daemon --config /tmp/rt.toml > /tmp/daemon.log 2>&1 &
DPID=$!
sleep 3
kill -0 $DPID 2>/dev/null || fail "daemon did not start"
e_init=$(cat $P/err_ppm)
log "phase 0, untuned snapshot: mean |err| = $e_init ppm"
wait_update 0 240 || fail "no update within 150 s (phase 0)"
sleep 4
e0=$(cat $P/err_ppm)
log "phase 0 after $(updates) update(s): mean |err| = $e0 ppm"
n=$(updates)
echo 1 > $P/phase
sleep 2
e_switch=$(cat $P/err_ppm)
log "function changed: mean |err| = $e_switch ppm"
wait_update "$n" 150 || fail "no update within 150 s after the change"
sleep 6
e1=$(cat $P/err_ppm)
log "phase 1 after $(updates) update(s): mean |err| = $e1 ppm"
grep '"result":"ok"' $S/rtdemo/decisions.jsonl | tail -n 2
"$LF_RUNTIME" status --state-dir $S
"$LFCTL" list
[ $((e1 * 2)) -lt "$e_switch" ] || fail "error did not drop: $e_switch -> $e1 ppm"
grep -q '"event":"cross-check","samples":[0-9]*,"mismatches":0' $S/rtdemo/decisions.jsonl ||
	fail "twin vs EVAL cross-check missing or mismatching"

# A crash of the daemon never touches the kernel's active snapshot.
kill -9 $DPID
q0=$(cat $P/queries)
sleep 3
q1=$(cat $P/queries)
e2=$(cat $P/err_ppm)
log "daemon killed: queries $q0 -> $q1, mean |err| = $e2 ppm"
[ "$q1" -gt "$q0" ] || fail "the kernel stopped serving"
[ $((e2)) -lt $((e1 * 2 + 2000)) ] || fail "error changed after the daemon died"
"$LFCTL" list

# Restart: the daemon resumes from the state dir; the full path (kbuild of a
# new snapshot module inside the VM, finit_module, ACTIVATE, retire).
n=$(updates)
echo 0 > $P/phase
"$LF_RUNTIME" daemon --config /tmp/rt.toml --update module > /tmp/daemon.log 2>&1 &
DPID=$!
wait_update "$n" 300 || fail "no module update within 300 s"
grep '"path":"module"' $S/rtdemo/decisions.jsonl | tail -n 1
grep -q 'resumed tuned weights' /tmp/daemon.log || fail "daemon did not resume its checkpoint"
"$LFCTL" list
kill -TERM $DPID; wait $DPID || true
rmmod lf_collect_test
log "PASS (untuned $e_init, phase0 $e0, switch $e_switch, adapted $e1, after kill $e2 ppm)"
