# Shared helpers of the load-balancing VM tests (label lb), sourced after
# lib.sh.  Paths: LF_LB_BUILD (examples/lb/build.sh's output: snapshots,
# generator, lb.env), LF_LB_KO (lf_lb.ko).
LBB=${LF_LB_BUILD:-$LF_BUILD/test/vm/lb}
LF_LB_KO=${LF_LB_KO:-$KM/apps/lb/lf_lb.ko}
[ -f "$LBB/lb.env" ] || die "no lb build in $LBB (examples/lb/build.sh)"
. "$LBB/lb.env"
. "$LF_SRC/bench/eval/lib/link.sh"
. "$LF_SRC/bench/eval/lib/lb-link.sh"
LB_CDF=$LF_SRC/bench/eval/cdf
LB_SUMMARY="python3 $LF_SRC/bench/eval/lib/flows.py"
LBP=/sys/module/lf_lb/parameters

# lbstat NAME: one counter of lf_lb's stats parameter
lbstat() { tr ' ' '\n' < $LBP/stats | grep -A1 -x "$1" | tail -n 1; }
# lbpath I FIELD: one field of path I in path_state
lbpath() { awk -v i="$1" -v f="$2" '$2 == i { for (k = 3; k < NF; k += 2) if ($k == f) print $(k + 1) }' $LBP/path_state; }
# lbpaths FIELD: that field of every path, space-separated
lbpaths() { awk -v f="$1" '{ for (k = 3; k < NF; k += 2) if ($k == f) printf "%s%s", (NR > 1 ? " " : ""), $(k + 1) } END { print "" }' $LBP/path_state; }
lbparam() { echo "$2" > "$LBP/$1"; }
fcmp() { awk "BEGIN { exit !($1) }"; }
kv() { printf '%s\n' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }

lb_load() { # NPATHS [lf_lb params...]
	_n=$1
	shift
	insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
	insmod "$LB_SNAP" || die "insmod lbmlp snapshot"
	insmod "$LF_LB_KO" npaths="$_n" "$@" || die "insmod lf_lb"
}
# lb_up PATHS: the topology (lb-link.sh), lf_lb attached to the sender
lb_up() {
	lf_lb_link_up "$1" || die "link setup"
	lf_lb_in_snd sh -c "echo attach > $LBP/netns" || die "attach lf_lb to lbs"
}
lb_server() { # PORT
	lf_lb_in_rcv "$LB_GEN" server --port "$1" --services 1 2> server.err &
	LB_SERVER=$!
	sleep 0.3
}
lb_server_stop() { kill "$LB_SERVER" 2>/dev/null; wait "$LB_SERVER" 2>/dev/null; }
# lb_flows OUT SEED FLOWS LOAD RATE_SUM [extra lf_fsgen args]: web search
# flows scaled by 0.1, Poisson arrivals at LOAD of RATE_SUM Mbit/s
lb_flows() {
	_o=$1 _s=$2 _n=$3 _l=$4 _r=$5
	shift 5
	lf_lb_in_snd "$LB_GEN" client --dst "$LF_LB_DST" --port 5001 --services 1 \
		--cdf "$LB_CDF/websearch.cdf" --scale 0.1 --load "$_l" --rate-mbit "$_r" \
		--flows "$_n" --seed "$_s" --drain 120 --out "$_o" "$@" 2> "$_o.err" ||
		{ cat "$_o.err"; return 1; }
	tail -n 1 "$_o.err"
}
# tc_sent I: bytes the router of path I sent to the receiver
tc_sent() { ip netns exec "lbp$1" tc -s qdisc show dev "b$1" | awk '$1 == "Sent" { print $2; exit }'; }

# lb_runtime_start: lf-runtime adapting lbmlp from lf_lb's labels with the
# settings of examples/lb/adapt.toml (weight pushes into the standby v2;
# state in /tmp/rt, log in /tmp/rt.log); sets LB_RT_PID and LB_RT_SECS (its
# start-up time).  Returns 1 if it is not running within 300 s.
# lb_updates: the daemon's accepted updates so far (its decision log).
lb_updates() { grep '"event":"decision"' /tmp/rt/lbmlp/decisions.jsonl 2>/dev/null | grep -c '"result":"ok"' || true; }
# lb_decisions: its decisions counted by kind ("wait-unstable 3 update 1 ...")
lb_decisions() {
	grep -o '"decision":"[^"]*"' /tmp/rt/lbmlp/decisions.jsonl 2>/dev/null |
		sed 's/"decision":"//; s/"$//' | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }'
}
lb_runtime_start() {
	rm -rf /tmp/rt /tmp/rt.log	# an old log would say "running:" too early
	mkdir -p /tmp/rt
	"$LFCTL" config batch-size 8 flush-ms 100 > /dev/null
	"$LF_RUNTIME" daemon --config "$LF_SRC/examples/lb/adapt.toml" --state-dir /tmp/rt \
		--model lbmlp="$LB_ONNX" --input-range "$(tr -d ' \n' < "$LB_RANGES")" > /tmp/rt.log 2>&1 &
	LB_RT_PID=$!
	_t0=$(date +%s)
	until grep -q 'lf-runtime: running' /tmp/rt.log 2>/dev/null; do
		[ $(($(date +%s) - _t0)) -le 300 ] && kill -0 $LB_RT_PID 2>/dev/null || return 1
		sleep 0.5
	done
	LB_RT_SECS=$(($(date +%s) - _t0))
}
