# lb-link.sh - N paths from one sender to one receiver, each through its own
# router namespace with its own netem/tbf, for the load-balancing tests
# (test/vm/tests/4x-lb-*.sh), the evaluation (bench/eval/vm/lb.sh) and
# scripts/lb-up.sh.  POSIX sh, sourced; needs root.
#
#   Needs lib/link.sh sourced first (lf_shaper, the rate limiter).
#
#   lf_lb_link_up "NAME:RATE_MBIT:RTT_MS:QUEUE_PKTS:LOSS_PCT ..." [MARK_BASE]
#       namespaces lbs (sender, source 10.78.0.1), lbd (receiver, 10.78.1.1)
#       and lbp0..lbpN-1 (the paths' routers).  Path i: sender s<i>
#       (10.78.1<i>.1) -> router (10.78.1<i>.2 .. 10.78.3<i>.1) -> receiver
#       d<i> (10.78.3<i>.2); the router's egress to the receiver delays by
#       RTT - (lowest RTT)/2 with the loss (netem), then limits the rate with
#       a drop-tail queue (tbf child of netem, as lib/link.sh).  ACKs come back
#       on one return link (receiver ret1 -> sender ret0, netem delay of the
#       lowest RTT / 2), so path i's round trip is its RTT.  Policy routing
#       in the sender: packets marked MARK_BASE + i (default 0x4c00, lf_lb's)
#       take table 100 + i: the receiver via path i, or "unreachable" once
#       the path's device is gone (what tells lf_lb the path is down);
#       unmarked packets take path 0 (the main table).
#   lf_lb_path_set I rate=R rtt=T loss=L   change path I's link now (any of them)
#   lf_lb_path_del I         delete path I's link (its veth pair)
#   lf_lb_link_down          remove the namespaces
#   lf_lb_in_snd CMD... / lf_lb_in_rcv CMD...   run CMD in the sender / receiver
#   LF_LB_DST                the receiver's address
LF_LB_DST=10.78.1.1
LF_LB_NPATHS=0
LF_LB_MINRTT=0

lf_lb_tbf() { lf_shaper "lbp$2" "b$2" "$1" "$3" "$4" "LF_LB_BURST_$2"; } # VERB PATH RATE_MBIT QUEUE

lf_lb_netem() { # VERB PATH RTT_MS LOSS_PCT
	_d=$(awk -v r="$3" -v m="$LF_LB_MINRTT" 'BEGIN { printf "%.3fms", r - m / 2 }')
	_l=
	[ "$4" != 0 ] && _l="loss $4%"
	# shellcheck disable=SC2086
	ip netns exec "lbp$2" tc qdisc "$1" dev "b$2" root handle 1: netem delay "$_d" limit 100000 $_l
}

lf_lb_link_up() {
	_mb=${2:-0x4c00}
	lf_lb_link_down
	modprobe -q sch_netem 2>/dev/null; modprobe -q sch_tbf 2>/dev/null
	LF_LB_MINRTT=$(for p in $1; do echo "$p"; done | awk -F: 'NR == 1 || $3 < m { m = $3 } END { print m }')
	ip netns add lbs || return 1
	ip netns add lbd || return 1
	ip -n lbs link set lo up
	ip -n lbd link set lo up
	ip -n lbd addr add $LF_LB_DST/32 dev lo
	ip link add ret0 netns lbs type veth peer name ret1 netns lbd || return 1
	ip -n lbs addr add 10.78.0.1/24 dev ret0
	ip -n lbd addr add 10.78.0.2/24 dev ret1
	ip -n lbs link set ret0 up
	ip -n lbd link set ret1 up
	ip -n lbd route add default via 10.78.0.1 dev ret1 src $LF_LB_DST
	_h=$(awk -v m="$LF_LB_MINRTT" 'BEGIN { printf "%.3fms", m / 2 }')
	ip netns exec lbd tc qdisc add dev ret1 root netem delay "$_h" limit 100000 || return 1
	for n in lbs lbd; do
		ip netns exec $n sysctl -qw net.ipv4.conf.all.rp_filter=0
		ip netns exec $n sysctl -qw net.ipv4.conf.default.rp_filter=0
	done
	_i=0
	for p in $1; do
		IFS=: read -r _name _rate _rtt _q _loss <<-E
		$p
		E
		_r=lbp$_i
		ip netns add $_r || return 1
		ip -n $_r link set lo up
		ip netns exec $_r sysctl -qw net.ipv4.ip_forward=1
		ip netns exec $_r sysctl -qw net.ipv4.conf.all.rp_filter=0
		ip netns exec $_r sysctl -qw net.ipv4.conf.default.rp_filter=0
		ip link add "s$_i" netns lbs type veth peer name "a$_i" netns $_r || return 1
		ip link add "b$_i" netns $_r type veth peer name "d$_i" netns lbd || return 1
		ip -n lbs addr add "10.78.1$_i.1/24" dev "s$_i"
		ip -n $_r addr add "10.78.1$_i.2/24" dev "a$_i"
		ip -n $_r addr add "10.78.3$_i.1/24" dev "b$_i"
		ip -n lbd addr add "10.78.3$_i.2/24" dev "d$_i"
		ip netns exec lbd sysctl -qw "net.ipv4.conf.d$_i.rp_filter=0"
		ip -n lbs link set "s$_i" up
		ip -n $_r link set "a$_i" up
		ip -n $_r link set "b$_i" up
		ip -n lbd link set "d$_i" up
		ip -n $_r route add $LF_LB_DST/32 via "10.78.3$_i.2" dev "b$_i"
		ip -n $_r route add 10.78.0.0/24 via "10.78.1$_i.1" dev "a$_i"
		lf_lb_netem add $_i "$_rtt" "$_loss" || return 1
		lf_lb_tbf add $_i "$_rate" "$_q" || return 1
		# the sender's policy routing for path i
		ip -n lbs route add $LF_LB_DST/32 via "10.78.1$_i.2" dev "s$_i" src 10.78.0.1 \
			table $((100 + _i)) || return 1
		ip -n lbs route add unreachable $LF_LB_DST/32 metric 4000 table $((100 + _i)) || return 1
		ip -n lbs rule add fwmark $(( _mb + _i ))/0xffff lookup $((100 + _i)) pref $((100 + _i)) ||
			return 1
		eval "LF_LB_Q_$_i=$_q LF_LB_RATE_$_i=$_rate LF_LB_RTT_$_i=$_rtt LF_LB_LOSS_$_i=$_loss"
		_i=$((_i + 1))
	done
	LF_LB_NPATHS=$_i
	ip -n lbs route add $LF_LB_DST/32 via 10.78.10.2 dev s0 src 10.78.0.1
}

lf_lb_path_set() { # PATH rate=R rtt=T loss=L
	_p=$1
	shift
	eval "_rate=\$LF_LB_RATE_$_p _rtt=\$LF_LB_RTT_$_p _loss=\$LF_LB_LOSS_$_p _q=\$LF_LB_Q_$_p"
	for kv in "$@"; do
		case $kv in
		rate=*|rate_mbit=*) _rate=${kv#*=} ;;
		rtt=*|rtt_ms=*) _rtt=${kv#*=} ;;
		loss=*|loss_pct=*) _loss=${kv#*=} ;;
		*) echo "lf_lb_path_set: unknown setting $kv" >&2; return 1 ;;
		esac
	done
	eval "LF_LB_RATE_$_p=$_rate LF_LB_RTT_$_p=$_rtt LF_LB_LOSS_$_p=$_loss"
	lf_lb_netem change "$_p" "$_rtt" "$_loss" && lf_lb_tbf change "$_p" "$_rate" "$_q"
}

lf_lb_path_del() {
	ip -n lbs link del "s$1"
}

lf_lb_link_down() {
	for n in lbs lbd lbp0 lbp1 lbp2 lbp3 lbp4 lbp5 lbp6 lbp7; do ip netns del $n 2>/dev/null || true; done
	return 0
}

lf_lb_in_snd() { ip netns exec lbs "$@"; }
lf_lb_in_rcv() { ip netns exec lbd "$@"; }
