# vm/cc.sh - the in-VM driver of the congestion-control scenarios (run by
# bench/eval/run.sh through test/vm/run-vm.sh).
# Reads the run plan ($LF_EVAL_PLAN, lines of scenario.py plan), loads
# lf_core, the bundled Aurora (v1 active, v4 standby for weight pushes) and
# MOCC snapshots and lf_cc, and for each run builds the link (lib/link.sh),
# runs the flows with iperf3 and prints
#   LF-EVAL-PROGRESS [i/N] scenario cc rep r: ...     (a progress line)
#   LF-EVAL {json}                                    (the run's record)
# Adaptation (lf_aurora): lf-runtime tunes model aurora with REINFORCE from
# lf_cc's samples (exploration noise on, connections re-pinned every 2 s); it
# is stopped (SIGSTOP, state kept) during the other CCs' runs, whose CPU it
# would otherwise take (LibTorch under TCG);
# lf_aurora_noadapt: the same policy, snapshot v1, no exploration, no
# re-pinning; lf_aurora_bpf: the same policy as a BPF struct_ops CC
# (kmod/apps/cc/bpf, registered by lf_cc_bpf beside the module);
# lf_aurora_user: lf-runtime serve answers every MI over netlink.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"
PLAN=${LF_EVAL_PLAN:?no plan}
SUMM="python3 $LF_SRC/bench/eval/lib/iperf_summary.py"
RT=${LF_RUNTIME:-$LF_BUILD/bin/lf-runtime}

cc_load
insmod "$CC_SNAP_AURORA_V4" || die "insmod aurora v4 (standby)"
insmod "$CC_SNAP_MOCC" || die "insmod mocc"
modprobe -q tcp_bbr
CCBPF=${LF_CC_BPF:-$LF_BUILD/test/vm/cc-bpf}
if [ -x "$CCBPF/lf_cc_bpf" ]; then
	{ mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf; } &&
		"$CCBPF/lf_cc_bpf" up "$CCBPF/aurora/aurora_cc.params" > /dev/null ||
		echo "lf_aurora_bpf: unavailable (lf_cc_bpf up failed)"
fi
P=/sys/module/lf_cc/parameters
adapt="off"
if [ -x "$RT" ]; then
	mkdir -p /tmp/rt
	"$RT" daemon --model aurora="$LF_SRC/examples/cc/aurora.onnx" --objective reinforce \
		--input-range "$(tr -d ' \n' < "$LF_SRC/examples/cc/ranges_aurora.txt")" \
		--state-dir /tmp/rt --update push > /tmp/rt.log 2>&1 &
	rtpid=$!
	sleep 3
	if kill -0 $rtpid 2>/dev/null; then adapt="lf-runtime"; else
		adapt="unavailable: $(tail -n 1 /tmp/rt.log | tr '"\\' "''")"; fi
	# it runs (and costs CPU) only during the adaptation-on runs
	kill -STOP $rtpid 2>/dev/null
fi
echo "adaptation: $adapt"
total=$(wc -l < "$PLAN") i=0
while IFS='|' read -r name cc rep dur rate rtt queue loss count against stagger steps; do
	i=$((i + 1))
	lf_link_up "$rate" "$rtt" "$queue" "$loss" || { echo "LF-EVAL-PROGRESS [$i/$total] $name: link setup failed"; continue; }
	lf_in_rcv iperf3 -s -D -p 5201 -I /tmp/ip1.pid >/dev/null 2>&1
	[ -n "$against" ] && lf_in_rcv iperf3 -s -D -p 5202 -I /tmp/ip2.pid >/dev/null 2>&1
	sleep 0.3
	kcc=$cc
	case $cc in
	lf_aurora)
		[ -n "${rtpid:-}" ] && kill -CONT $rtpid 2>/dev/null
		echo 100 > $P/explore_milli; echo 2000 > $P/repin_ms ;;
	lf_aurora_noadapt)
		kcc=lf_aurora
		echo 0 > $P/explore_milli; echo 0 > $P/repin_ms
		"$LFCTL" activate aurora --version 1 2>/dev/null ;;
	lf_aurora_user)
		# the userspace deployment: lf-runtime answers each MI's query
		lf_serve aurora "$LF_SRC/examples/cc/aurora.onnx" \
			"$LF_SRC/examples/cc/ranges_aurora.txt" /tmp/resp.err
		resp=$LF_SERVE_PID ;;
	esac
	stats0=$(tr '\n' ';' < $P/stats)
	if [ -n "$steps" ]; then
		( t0=0; for st in $(echo "$steps" | tr ',' ' '); do
			at=${st%%:*} r=${st#*:}
			sleep "$(awk -v a="$at" -v b="$t0" 'BEGIN { print a - b }')"; t0=$at
			lf_link_rate "$r"
		done ) &
		stp=$!
	fi
	if [ -n "$against" ]; then
		lf_in_snd iperf3 -c "$LF_LINK_DST" -p 5202 -C "$against" -t "$dur" -i 0.5 -J > b.json 2>/dev/null &
		bp=$!
	fi
	lf_in_snd iperf3 -c "$LF_LINK_DST" -p 5201 -C "$kcc" -P "$count" -t "$dur" -i 0.5 -J > a.json 2>/dev/null
	[ -n "$against" ] && wait $bp
	[ -n "$steps" ] && { kill $stp 2>/dev/null; wait $stp 2>/dev/null; }
	[ "$cc" = lf_aurora_user ] && { kill $resp; wait $resp 2>/dev/null; }
	[ "$cc" = lf_aurora ] && [ -n "${rtpid:-}" ] && kill -STOP $rtpid 2>/dev/null
	stats1=$(tr '\n' ';' < $P/stats)
	a=$($SUMM a.json --json 2>/dev/null) || a=null
	b=null
	[ -n "$against" ] && { b=$($SUMM b.json --json 2>/dev/null) || b=null; }
	echo "LF-EVAL {\"scenario\":\"$name\",\"cc\":\"$cc\",\"rep\":$rep,\"duration\":$dur,\"rate_mbit\":$rate,\"rtt_ms\":$rtt,\"queue_pkts\":$queue,\"loss_pct\":$loss,\"count\":$count,\"against\":\"$against\",\"steps\":\"$steps\",\"adaptation\":\"$adapt\",\"flows\":$a,\"against_flow\":$b,\"stats_before\":\"$stats0\",\"stats_after\":\"$stats1\"}"
	gp=$(echo "$a" | sed -n 's/^{"goodput_mbps":\([0-9.e+-]*\).*/\1/p')
	echo "LF-EVAL-PROGRESS [$i/$total] $name $cc rep $rep: goodput ${gp:-?} Mbit/s"
	for f in /tmp/ip1.pid /tmp/ip2.pid; do [ -f $f ] && kill "$(cat $f)" 2>/dev/null; rm -f $f; done
	lf_link_down
done < "$PLAN"
[ -n "${rtpid:-}" ] && { kill -CONT $rtpid; kill $rtpid; } 2>/dev/null
[ -x "$CCBPF/lf_cc_bpf" ] && "$CCBPF/lf_cc_bpf" down > /dev/null 2>&1
[ -f /tmp/rt.log ] && { echo "lf-runtime log (tail):"; tail -n 15 /tmp/rt.log; }
[ -d /tmp/rt ] && ls /tmp/rt/aurora 2>/dev/null && tail -n 3 /tmp/rt/aurora/decisions.jsonl 2>/dev/null
exit 0
