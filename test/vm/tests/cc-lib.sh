# Shared helpers of the congestion-control VM tests (label cc), sourced after
# lib.sh.  Paths: LF_CC_BUILD (examples/cc/build.sh's output: snapshots,
# responder, cc.env), LF_CC_KO (lf_cc.ko).
CCB=${LF_CC_BUILD:-$LF_BUILD/test/vm/cc}
LF_CC_KO=${LF_CC_KO:-$KM/apps/cc/lf_cc.ko}
[ -f "$CCB/cc.env" ] || die "no cc build in $CCB (examples/cc/build.sh)"
. "$CCB/cc.env"
. "$LF_SRC/bench/eval/lib/link.sh"
IPERF_SUMMARY="python3 $LF_SRC/bench/eval/lib/iperf_summary.py"
# goodput a 1514-byte frame carries: 1448 payload bytes (timestamps on)
PAYLOAD_FRAC=0.9564

# ccstat ALGO NAME: one counter of lf_cc's stats parameter
ccstat() {
	awk -v a="$1" -v k="$2" '$1 == a { for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }' \
		/sys/module/lf_cc/parameters/stats
}
# kv TEXT KEY: value of KEY in "k v k v" TEXT
kv() { printf '%s\n' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }
# fcmp "EXPR": awk comparison of floats, true/false
fcmp() { awk "BEGIN { exit !($1) }"; }

cc_load() { # [lf_cc params...]
	insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
	insmod "$CC_SNAP_AURORA" || die "insmod aurora snapshot"
	insmod "$LF_CC_KO" "$@" || die "insmod lf_cc"
}

iperf_server() {
	lf_in_rcv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1 || die "iperf3 server"
	sleep 0.3
}
iperf_server_stop() {
	[ -f /tmp/iperf3.pid ] && kill "$(cat /tmp/iperf3.pid)" 2>/dev/null
	rm -f /tmp/iperf3.pid
}
# run_iperf CC SECS OUT.json [iperf3 args...]
run_iperf() {
	_cc=$1 _t=$2 _o=$3
	shift 3
	lf_in_snd iperf3 -c "$LF_LINK_DST" -C "$_cc" -t "$_t" -i 0.5 -J "$@" > "$_o" 2> "$_o.err" ||
		{ echo "iperf3 $_cc failed:"; cat "$_o.err"; tail -n 5 "$_o"; return 1; }
}
# acks the sender received so far (TCP segments in)
snd_segs_in() { lf_in_snd nstat -az TcpInSegs | awk '$1 == "TcpInSegs" { print $2 }'; }

# link_ref RATE SECS: the goodput the link carries now, in Mbit/s: a bulk
# cubic transfer on it (same VM, same run), at most RATE x 1448/1514 (a
# loaded TCG host cannot always emulate the nominal rate).  Prints the cubic
# summary on stderr.
link_ref() {
	run_iperf cubic "$2" ref.json >&2 || fail "iperf3 cubic (reference)"
	_s=$($IPERF_SUMMARY ref.json)
	echo "cubic (reference): $_s" >&2
	awk -v r="$1" -v f=$PAYLOAD_FRAC -v c="$(kv "$_s" goodput_mbps)" \
		'BEGIN { n = r * f; print (c > 0 && c < n) ? c : n }'
}
