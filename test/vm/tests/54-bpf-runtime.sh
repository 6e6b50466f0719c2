# Test 54 (bpf): lf-runtime's BPF backend on lf_aurora_bpf, no LiteFlow module.
# lf_cc_bpf brings the CC up (maps pinned in /sys/fs/bpf/lf_cc_bpf); the daemon
# (backend = "bpf") collects the CC's samples from the lf_samples ring buffer,
# tunes the Aurora policy with REINFORCE and updates it through the BPF
# strategy (the idle params buffer, generation + 1, the index flip).  Checks:
#  1. user errors are one line and a non-zero exit: an unknown backend, a
#     missing pin directory, no root;
#  2. every sample the CC submitted reached the daemon through the ring
#     buffer (records = the CC's own count, numbered 1..N without gaps, or
#     the gaps equal the CC's ring-full count);
#  3. the daemon decided an update through the BPF strategy (decision line
#     path "bpf-map"), lf_ctl shows the buffer and generation it names, and
#     the CC's next query answers from them with `lfc run --raw` of the
#     exported weights (the package's tuned.onnx) on the query's inputs;
#     the canary judged it on live samples of that generation;
#  4. `lf-runtime rollback` (the daemon stopped, so no second update
#     interferes) flips back to the previous buffer (still intact: the CC
#     answers with the original policy's integers), retires the rejected
#     one and logs it in decisions.jsonl;
#  5. scripts/cc-up.sh --bpf starts lf-runtime on the BPF backend, --down
#     stops it and unregisters the CC.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/bench/eval/lib/link.sh"
B=${LF_CC_BPF:-$LF_BUILD/test/vm/cc-bpf}
LFC=${LFC:-$LF_BUILD/bin/lfc}
CCB=$B/lf_cc_bpf
RT=$LF_RUNTIME
R=$(tr -d ' \n' < "$LF_SRC/examples/cc/ranges_aurora.txt")
ONNX=$LF_SRC/examples/cc/aurora.onnx
ST=/tmp/rt54
kv() { printf '%s\n' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }
# js EXPR: a value of status.json (python expression on `s`)
js() { python3 -c "import json,sys; s=json.load(open('$ST/status.json')); print($1)"; }
[ -x "$CCB" ] || die "no lf_cc_bpf in $B (kmod/apps/cc/bpf/build.sh)"
[ -x "$RT" ] || die "no lf-runtime at $RT"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || die "mount bpffs"
rm -rf $ST && mkdir -p $ST

config() {	# FILE EXTRA-LINES...: the model's config, backend bpf
	f=$1; shift
	{
		echo "[daemon]"
		echo "status_interval_ms = 200"
		echo "[models.aurora_cc]"
		echo "onnx = \"$ONNX\""
		echo "input_ranges = \"$R\""
		echo "objective = \"reinforce\""
		for l in "$@"; do echo "$l"; done
	} > "$f"
}
# one_line WHAT WANT CMD...: CMD fails with one line on stderr containing WANT
one_line() {
	what=$1 want=$2; shift 2
	"$@" > /tmp/ol.out 2> /tmp/ol.err; rc=$?
	n=$(wc -l < /tmp/ol.err)
	if [ $rc -ne 0 ] && [ "$n" -eq 1 ] && grep -qF -- "$want" /tmp/ol.err; then
		ok "$what: rc $rc: $(cat /tmp/ol.err)"
	else
		fail "$what: rc $rc, $n line(s): $(cat /tmp/ol.err)"
	fi
}

# 1. User errors (nothing up yet).
config $ST/bad.toml 'backend = "ebpf"'
one_line "unknown backend" "models.aurora_cc.backend: 'ebpf' is not one of lf_core, bpf" \
	"$RT" daemon --config $ST/bad.toml --state-dir $ST/e1
config $ST/nopin.toml 'backend = "bpf"' 'bpf_pin_dir = "/sys/fs/bpf/nosuch"'
one_line "missing pin directory" "bpf_pin_dir: /sys/fs/bpf/nosuch/lf_params: No such file" \
	"$RT" daemon --config $ST/nopin.toml --state-dir $ST/e2
one_line "no root" "the daemon needs root" \
	$NOBODY "$RT" daemon --config $ST/nopin.toml --state-dir /tmp
grep -q '^lf_' /proc/modules && fail "a LiteFlow module is loaded" || ok "no LiteFlow module loaded"

# 2./3. The daemon on lf_aurora_bpf.
"$CCB" up "$B/aurora/aurora_cc.params" >/dev/null || die "lf_cc_bpf up"
config $ST/rt.toml 'backend = "bpf"' 'bpf_pin_dir = "/sys/fs/bpf/lf_cc_bpf"' \
	'update = "push"' 'batch_size = 16' 'lr = 0.003' 'stability_window = 96' \
	'stability_epsilon = 1000' 'drift_threshold = 1000' 'fidelity_threshold = 0' \
	'fidelity_ratio = 0' 'max_updates_per_min = 1' 'decision_interval_ms = 500' \
	'canary_samples = 24' 'rollback_margin = 1000' 'canary_timeout_s = 600' \
	'hold_after_external_s = 600'
"$RT" daemon --config $ST/rt.toml --state-dir $ST > $ST/rt.log 2>&1 &
RPID=$!
i=0
until grep -q "running:" $ST/rt.log; do
	kill -0 $RPID 2>/dev/null || die "lf-runtime exited: $(tail -n 3 $ST/rt.log)"
	i=$((i + 1)); [ $i -le 1800 ] || die "lf-runtime did not start in 180 s"
	sleep 0.1
done
ok "lf-runtime (backend bpf) running: $(grep -m1 'running:' $ST/rt.log)"
D=$ST/aurora_cc/decisions.jsonl
grep -q '"event":"start"' $D && grep '"event":"start"' $D | grep -q '"backend":"bpf"' &&
	ok "start line names the bpf backend" || fail "no start line with backend bpf: $(head -n 2 $D)"

lf_link_up 24 40 100 || die "link setup"
lf_in_rcv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1 || die "iperf3 server"
sleep 0.3
# flows until the daemon has updated (at most 6 x 15 s)
upd=
for r in 1 2 3 4 5 6; do
	lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -P 2 -t 15 > /dev/null 2>&1 ||
		fail "iperf3 round $r"
	upd=$(grep '"event":"decision"' $D | grep '"result":"ok"' | head -n 1)
	[ -n "$upd" ] && break
done
sleep 1
[ -n "$upd" ] || { tail -n 5 $D; die "no update decision after $r rounds of flows"; }
echo "$upd"
case $upd in *'"path":"bpf-map"'*) ok "update through the BPF strategy (path bpf-map)" ;;
*) fail "update path: $upd" ;; esac
kern=$(printf '%s\n' "$upd" | sed -n 's/.*"kernel":"v\([0-9]*\)\.\([0-9]*\)".*/\1 \2/p')
pkg=$(printf '%s\n' "$upd" | sed -n 's/.*"package_version":\([0-9]*\).*/\1/p')
set -- $kern
KV=${1:-0} KG=${2:-0}
KB=$((KV - 1))
c=$("$CCB" ctl)
echo "lf_ctl: $c"
check_eq "lf_ctl after the update (buffer $KB, generation $KG)" "$c" "active $KB gen $KG bgen $([ $KB -eq 0 ] && echo "$KG 0" || echo "1 $KG")"

# samples: the CC's counters against what the daemon received (flows ended)
sleep 2
st=$("$CCB" stats)
echo "stats: $st"
ks=$(kv "$st" samples) kd=$(kv "$st" sample_drops)
rec=$(js "s['bpf_rings'][0]['records']")
gaps=$(js "s['bpf_rings'][0]['seq_gaps']")
first=$(js "s['bpf_rings'][0]['seq_first']")
last=$(js "s['bpf_rings'][0]['seq_last']")
msamp=$(js "s['models'][0]['samples']")
lost=$(js "s['models'][0]['lost_samples']")
echo "daemon: records $rec seq $first..$last gaps $gaps, session samples $msamp lost $lost"
# (the update needed a stability window of 96 samples)
[ "$rec" -ge 96 ] && ok "$rec samples through the ring buffer" || fail "only $rec samples"
check_eq "records = the CC's submitted samples" "$rec" "$ks"
check_eq "sequence numbers 1..N" "$first..$last" "1..$((ks + kd))"
check_eq "sequence gaps = the CC's ring-full count" "$gaps" "$kd"
check_eq "the session's samples = records" "$msamp" "$rec"
check_eq "lost samples (status) = ring-full count" "$lost" "$kd"

# the next connection answers from the pushed buffer: lfc run --raw on the
# exported weights (the package's ONNX) and the query's inputs
check_last() { # WHAT ONNX GEN BUF
	l=$("$CCB" last)
	set -- "$1" "$2" "$3" "$4" $l
	[ "$6" = "$3" ] && [ "$8" = "$4" ] || { fail "$1: last query on gen $6 buf $8, want $3/$4"; return; }
	printf '%s\n' "${10}" > $ST/last.csv
	want=$("$LFC" "$2" run --raw --input $ST/last.csv --name aurora_cc --input-range="$R" 2>&1)
	check_eq "$1: the CC's output for its last inputs (lfc run --raw)" "${12}" "$want"
}
TUNED=$ST/aurora_cc/snapshots/v$pkg/tuned.onnx
[ -s "$TUNED" ] && ok "exported weights: $TUNED" || fail "no $TUNED"
lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -P 2 -t 8 > /dev/null 2>&1 || fail "iperf3 after the update"
check_last "after the update" "$TUNED" "$KG" "$KB"
t0=$(date +%s)
until grep '"event":"canary"' $D | grep -q '"verdict":"pass"'; do
	[ $(($(date +%s) - t0)) -le 60 ] || break
	lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -t 3 > /dev/null 2>&1
done
cn=$(grep '"event":"canary"' $D | head -n 1)
echo "$cn"
case $cn in *'"verdict":"pass"'*"\"snapshot\":\"v$KV.$KG\""*|*"\"snapshot\":\"v$KV.$KG\""*'"verdict":"pass"'*)
	ok "the canary judged v$KV.$KG on live ring-buffer samples: pass" ;;
*) fail "canary: '$cn'" ;; esac

# the daemon stops here: no second update may replace the one checked
kill $RPID; wait $RPID
grep -q "stopped" $ST/rt.log && ok "daemon stopped" || fail "daemon: $(tail -n 2 $ST/rt.log)"

# 4. Rollback by hand: flip back to the previous buffer.
out=$("$RT" rollback aurora_cc --config $ST/rt.toml --state-dir $ST 2>&1) || fail "rollback: $out"
echo "$out"
c=$("$CCB" ctl)
echo "lf_ctl: $c"
PB=$((1 - KB))
check_eq "lf_ctl after the rollback (buffer $PB active, buffer $KB retired)" "$c" \
	"active $PB gen $KG bgen $([ $PB -eq 0 ] && echo "1 0" || echo "0 1")"
rb=$(grep '"event":"rollback"' $D | tail -n 1)
echo "$rb"
case $rb in *'"backend":"bpf"'*'"result":"ok"'*) ok "rollback logged in decisions.jsonl" ;;
*) fail "rollback line: $rb" ;; esac
lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -t 4 > /dev/null 2>&1 || fail "iperf3 after the rollback"
check_last "after the rollback" "$ONNX" 1 "$PB"
kill "$(cat /tmp/iperf3.pid)" 2>/dev/null
lf_link_down
"$CCB" down > /dev/null || fail "lf_cc_bpf down"

# 5. cc-up.sh --bpf starts lf-runtime, --down stops it.
# (the VM's /var/lib is read-only: the daemon's state in /tmp)
LF_RUNTIME_STATE=$ST/ccup "$LF_SRC/scripts/cc-up.sh" --bpf --build "$LF_BUILD" || fail "cc-up.sh --bpf"
pid=$(cat /run/lf-cc/runtime_bpf.pid 2>/dev/null)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "running:" /run/lf-cc/runtime_bpf.log &&
	ok "cc-up.sh --bpf: lf-runtime (pid $pid) running on the BPF backend" ||
	fail "cc-up.sh --bpf: no lf-runtime: $(tail -n 2 /run/lf-cc/runtime_bpf.log)"
"$LF_SRC/scripts/cc-up.sh" --bpf --down --build "$LF_BUILD" || fail "cc-up.sh --bpf --down"
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && fail "lf-runtime still runs after --down" ||
	ok "cc-up.sh --bpf --down: lf-runtime stopped"
grep -q 'lf_' /proc/sys/net/ipv4/tcp_available_congestion_control &&
	fail "cc-up.sh --bpf --down left a CC" || ok "cc-up.sh --bpf --down: nothing registered"
finish
