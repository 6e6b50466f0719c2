# fs-link.sh - the flow-scheduling bottleneck: link.sh's link with a
# strict-priority qdisc under its rate limiter, for the fs tests
# (test/vm/tests/3x-fs-*.sh), the evaluation (bench/eval/vm/fs.sh) and
# scripts/fs-up.sh.  POSIX sh, sourced after link.sh; needs root (the VM).
#
#   lf_fs_link_up RATE_MBIT RTT_MS QUEUE_PKTS
#       lf_link_up, then on the router's egress to the receiver (r1) the tbf
#       gets a child prio qdisc (handle 20:) with LF_FS_BANDS bands, each a
#       pfifo of QUEUE_PKTS packets.  lf_fs's class c (DSCP CS(c + 1)) goes to
#       band c + 1 (u32 filters on the DS field); unmarked packets (DSCP 0) go
#       to band 1, so with no marking the bottleneck is one FIFO.  (skb->priority
#       does not survive forwarding: the router derives it from the TOS byte.)
#   lf_fs_bands          "sent packets" of bands 1..N at the bottleneck, one line
LF_FS_BANDS=4

lf_fs_link_up() {
	lf_link_up "$1" "$2" "$3" || return 1
	modprobe -q sch_prio 2>/dev/null; modprobe -q cls_u32 2>/dev/null
	_m=$(i=0; while [ $i -lt 16 ]; do printf '0 '; i=$((i + 1)); done)
	# shellcheck disable=SC2086
	ip netns exec lfr tc qdisc add dev r1 parent 10:1 handle 20: prio bands $LF_FS_BANDS \
		priomap $_m || return 1
	_b=1
	while [ $_b -le $LF_FS_BANDS ]; do
		ip netns exec lfr tc qdisc add dev r1 parent 20:$_b handle $((20 + _b)): pfifo limit "$3" ||
			return 1
		ip netns exec lfr tc filter add dev r1 parent 20: protocol ip prio $_b u32 \
			match ip dsfield $((_b << 5)) 0xe0 flowid 20:$_b || return 1
		_b=$((_b + 1))
	done
}

lf_fs_bands() {
	ip netns exec lfr tc -s class show dev r1 parent 20: |
		awk '$1 == "class" { b = $3 } $1 == "Sent" { s[b] = $4 } END {
			for (i = 1; i <= '$LF_FS_BANDS'; i++) printf("%s%d", (i > 1) ? " " : "", s["20:" i] + 0); print "" }'
}
