# link.sh - an emulated bottleneck link from network namespaces, veth pairs
# and tc, for the congestion-control tests (test/vm/tests/2x-cc-*.sh) and the
# evaluation (bench/eval/run.sh).  POSIX sh, sourced; needs root (the VM).
#
#   lf_link_up RATE_MBIT RTT_MS QUEUE_PKTS [LOSS_PCT]
#       namespaces lfs (sender, 10.77.1.1), lfr (router), lfd (receiver,
#       10.77.2.2); the router's egress to the receiver delays by RTT/2 (netem,
#       with the random loss), then limits the rate with a drop-tail queue of
#       QUEUE_PKTS 1514-byte packets (tbf child of netem); its egress to the
#       sender delays the ACKs by RTT/2.  With LF_LINK_SENDERS=N (1..8,
#       default 1) senders 1..N-1 are more hosts behind the same bottleneck:
#       namespace lfs<i> (10.77.1<i>.1) -> router (q<i>, 10.77.1<i>.2, ACKs
#       delayed by RTT/2 as for lfs).
#   lf_link_rate RATE_MBIT [QUEUE_PKTS]   change the bottleneck rate now
#   lf_link_down                          remove the namespaces
#   lf_in_snd CMD... / lf_in_rcv CMD...   run CMD in the sender / receiver
#   lf_in_sndi I CMD...                   run CMD in sender I (0: lfs)
LF_LINK_DST=10.77.2.2
LF_LINK_QPKTS=100
LF_LINK_SENDERS=${LF_LINK_SENDERS:-1}

# lf_shaper NETNS DEV VERB RATE_MBIT QUEUE_PKTS BURST_VAR: the rate limiter of
# a link (lf_link_*, lb-link.sh's paths): tbf (handle 10:) under the netem at
# 1:1 on DEV in NETNS, VERB add or change.  The bucket holds 10 ms worth of
# bytes (under TCG the qdisc watchdog fires late; a smaller bucket loses the
# tokens of the delay), at least 2 packets; the variable named BURST_VAR keeps
# it between calls, because a change never makes it shallower: the packets
# queued under the old rate may be as large as the old bucket (tbf segments
# GSO packets to it at enqueue) and tbf never sends a packet larger than its
# bucket, so a shallower one wedges the link for good (seen at a 48 -> 12
# Mbit/s step under Aurora: even retransmissions stayed queued behind the
# head packet).
lf_shaper() {
	_kb=$(awk -v r="$4" 'BEGIN { printf "%d", r * 1000 + 0.5 }')
	_b=$(( _kb * 10 / 8 ))
	[ "$_b" -lt 3028 ] && _b=3028
	eval "_prev=\${$6:-0}"
	[ "$3" = change ] && [ "$_b" -lt "$_prev" ] && _b=$_prev
	eval "$6=$_b"
	ip netns exec "$1" tc qdisc "$3" dev "$2" parent 1:1 handle 10: tbf rate "${_kb}kbit" \
		burst "$_b" limit $(( $5 * 1514 + _b ))
}

lf_link_tbf() { lf_shaper lfr r1 "$1" "$2" "$3" LF_LINK_BURST; }

lf_link_up() {
	_rate=$1 _rtt=$2 _q=$3 _loss=${4:-0}
	LF_LINK_QPKTS=$_q
	lf_link_down
	modprobe -q sch_netem 2>/dev/null; modprobe -q sch_tbf 2>/dev/null
	for n in lfs lfr lfd; do ip netns add $n || return 1; done
	ip link add s0 netns lfs type veth peer name r0 netns lfr || return 1
	ip link add r1 netns lfr type veth peer name d0 netns lfd || return 1
	ip -n lfs addr add 10.77.1.1/24 dev s0
	ip -n lfr addr add 10.77.1.2/24 dev r0
	ip -n lfr addr add 10.77.2.1/24 dev r1
	ip -n lfd addr add 10.77.2.2/24 dev d0
	for x in "lfs s0" "lfr r0" "lfr r1" "lfd d0"; do
		set -- $x
		ip -n "$1" link set "$2" up
		ip -n "$1" link set lo up
	done
	ip -n lfs route add default via 10.77.1.2
	ip -n lfd route add default via 10.77.2.1
	_i=1
	while [ $_i -lt "$LF_LINK_SENDERS" ]; do
		ip netns add lfs$_i || return 1
		ip link add s0 netns lfs$_i type veth peer name q$_i netns lfr || return 1
		ip -n lfs$_i addr add 10.77.1$_i.1/24 dev s0
		ip -n lfr addr add 10.77.1$_i.2/24 dev q$_i
		ip -n lfs$_i link set s0 up
		ip -n lfs$_i link set lo up
		ip -n lfr link set q$_i up
		ip -n lfs$_i route add default via 10.77.1$_i.2
		_i=$((_i + 1))
	done
	ip netns exec lfr sysctl -qw net.ipv4.ip_forward=1
	_half=$(awk -v r="$_rtt" 'BEGIN { printf "%.3fms", r / 2 }')
	_l=
	[ "$_loss" != 0 ] && _l="loss ${_loss}%"
	# shellcheck disable=SC2086
	ip netns exec lfr tc qdisc add dev r1 root handle 1: netem delay "$_half" limit 100000 $_l ||
		return 1
	lf_link_tbf add "$_rate" "$_q" || return 1
	for _d in r0 $(_i=1; while [ $_i -lt "$LF_LINK_SENDERS" ]; do echo q$_i; _i=$((_i + 1)); done); do
		ip netns exec lfr tc qdisc add dev $_d root netem delay "$_half" limit 100000 || return 1
	done
}

lf_link_rate() {
	lf_link_tbf change "$1" "${2:-$LF_LINK_QPKTS}"
}

lf_link_down() {
	for n in lfs lfr lfd lfs1 lfs2 lfs3 lfs4 lfs5 lfs6 lfs7; do ip netns del $n 2>/dev/null; done
	return 0
}

lf_in_snd() { ip netns exec lfs "$@"; }
lf_in_sndi() { _lns=lfs$1; [ "$1" = 0 ] && _lns=lfs; shift; ip netns exec $_lns "$@"; }
lf_in_rcv() { ip netns exec lfd "$@"; }
