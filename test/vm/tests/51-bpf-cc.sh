# Test 51 (bpf): the BPF struct_ops CC lf_aurora_bpf, no LiteFlow module.
# lf_cc_bpf (kmod/apps/cc/bpf, built into $LF_CC_BPF) loads and registers it
# (and lf_dummy_bpf), adding the names to tcp_allowed_congestion_control; an
# iperf3 transfer over a 24 Mbit/s, 40 ms netns link runs on it; the query the
# CC made last (its inputs and output, captured in the lf_last map) equals
# `lfc run --raw` of the Aurora policy on those inputs; a push (idle buffer +
# index flip) takes effect at the next monitor interval (generation 2, buffer
# 1, sat_hi's integer for the inputs then); `down` leaves nothing registered.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/bench/eval/lib/link.sh"
B=${LF_CC_BPF:-$LF_BUILD/test/vm/cc-bpf}
S=${LF_BPF_SNAPS:-$LF_BUILD/test/vm/bpf}
LFC=${LFC:-$LF_BUILD/bin/lfc}
CCB=$B/lf_cc_bpf
R=$(tr -d ' \n' < "$LF_SRC/examples/cc/ranges_aurora.txt")
IPERF_SUMMARY="python3 $LF_SRC/bench/eval/lib/iperf_summary.py"
kv() { printf '%s\n' "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }
[ -x "$CCB" ] || die "no lf_cc_bpf in $B (kmod/apps/cc/bpf/build.sh)"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || die "mount bpffs"

out=$("$CCB" up "$B/aurora/aurora_cc.params") || die "lf_cc_bpf up"
echo "$out"
grep -qw lf_aurora_bpf /proc/sys/net/ipv4/tcp_available_congestion_control &&
	grep -qw lf_aurora_bpf /proc/sys/net/ipv4/tcp_allowed_congestion_control &&
	ok "lf_aurora_bpf registered and allowed" || fail "lf_aurora_bpf not registered/allowed"
err=$("$CCB" up "$B/aurora/aurora_cc.params" 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && ok "second up: $err" || fail "second up: rc $rc '$err'"
err=$("$CCB" push /etc/hostname 2>&1); rc=$?
case $err in *"/etc/hostname: "*" bytes, the policy's params are 23384"*) [ $rc -eq 1 ] && ok "bad push: $err" ;;
*) fail "bad push: rc $rc '$err'" ;; esac
grep -q '^lf_' /proc/modules && fail "a LiteFlow module is loaded" || ok "no LiteFlow module loaded"

lf_link_up 24 40 100 || die "link setup"
lf_in_rcv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1 || die "iperf3 server"
sleep 0.3
lf_in_snd iperf3 -c "$LF_LINK_DST" -C cubic -t 8 -J > ref.json 2>&1 || fail "iperf3 cubic"
lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -t 12 -J > a.json 2>&1 || fail "iperf3 lf_aurora_bpf"
ref=$($IPERF_SUMMARY ref.json) && got=$($IPERF_SUMMARY a.json) || fail "iperf3 results"
echo "cubic:         $ref"
echo "lf_aurora_bpf: $got"
st=$("$CCB" stats)
echo "stats: $st"
[ "$(kv "$st" queries)" -gt 20 ] && ok "queries: $(kv "$st" queries)" || fail "too few queries: $st"
[ "$(kv "$st" fallbacks)" -eq 0 ] && ok "no fallback on the policy" || fail "fallbacks: $st"
# the bottleneck as cc.20 takes it: what cubic carries in this run, at most
# 24 Mbit/s x 1448/1514 (a loaded TCG host cannot always emulate the rate)
awk -v g="$(kv "$got" goodput_mbps)" -v c="$(kv "$ref" goodput_mbps)" 'BEGIN {
	n = 24 * 0.9564; b = (c > 0 && c < n) ? c : n
	printf "goodput: lf_aurora_bpf %.2f Mbit/s = %.0f%% of the bottleneck (%.2f; cubic %.2f, nominal %.2f)\n",
		g, 100 * g / b, b, c, n; exit !(g >= 0.8 * b) }' &&
	ok "lf_aurora_bpf carries >= 80% of the bottleneck" || fail "lf_aurora_bpf below 80% of the bottleneck"

# the CC's last query against lfc run --raw (the C snapshot's twin)
check_last() { # WHAT ONNX GEN BUF
	l=$("$CCB" last)
	set -- "$1" "$2" "$3" "$4" $l
	[ "$6" = "$3" ] && [ "$8" = "$4" ] || { fail "$1: last query on gen $6 buf $8, want $3/$4"; return; }
	printf '%s\n' "${10}" > last.csv
	want=$("$LFC" "$2" run --raw --input last.csv --name aurora_cc --input-range="$R" 2>&1)
	check_eq "$1: the CC's output for its last inputs (lfc run --raw)" "${12}" "$want"
}
check_last "policy" "$LF_SRC/examples/cc/aurora.onnx" 1 0
"$CCB" push "$S/sat_hi/aurora_cc.params" || fail "push"
lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -t 2 -J > b.json 2>&1 || fail "iperf3 after push"
check_last "after the push" "$LF_SRC/examples/cc/aurora_sat_hi.onnx" 2 1
kill "$(cat /tmp/iperf3.pid)" 2>/dev/null
lf_link_down

"$CCB" down || fail "lf_cc_bpf down"
grep -q 'lf_' /proc/sys/net/ipv4/tcp_available_congestion_control &&
	fail "still registered: $(cat /proc/sys/net/ipv4/tcp_available_congestion_control)" ||
	ok "down: nothing registered ($(cat /proc/sys/net/ipv4/tcp_available_congestion_control))"
grep -q 'lf_' /proc/sys/net/ipv4/tcp_allowed_congestion_control &&
	fail "still allowed" || ok "down: names dropped from the allowed list"
[ -e /sys/fs/bpf/lf_cc_bpf ] && fail "pins left" || ok "down: no pins left"

# scripts/cc-up.sh --bpf, and down again
# lf-runtime on the BPF backend: bpf.54
"$LF_SRC/scripts/cc-up.sh" --bpf --no-runtime --build "$LF_BUILD" || fail "cc-up.sh --bpf"
grep -qw lf_aurora_bpf /proc/sys/net/ipv4/tcp_available_congestion_control &&
	ok "cc-up.sh --bpf: registered" || fail "cc-up.sh --bpf: not registered"
"$LF_SRC/scripts/cc-up.sh" --bpf --down --build "$LF_BUILD" || fail "cc-up.sh --bpf --down"
grep -q 'lf_' /proc/sys/net/ipv4/tcp_available_congestion_control &&
	fail "cc-up.sh --bpf --down left a CC" || ok "cc-up.sh --bpf --down: nothing registered"
[ $nfail -eq 0 ]
