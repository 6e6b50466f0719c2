# Test 53 (bpf): weight updates are never seen torn.  lf_aurora_bpf carries
# two iperf3 transfers while `lf_cc_bpf flip` pushes two weight sets
# alternately in a tight loop (sat_hi at even generations, Aurora at odd ones:
# each push retires the idle buffer, rewrites it and flips the index).  Every
# query the CC made comes back over the BPF ring buffer with its inputs, output
# and generation; each output must be exactly `lfc run --raw` of the weight set
# of its generation on its inputs (a query on a half-written buffer would match
# neither).
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/bench/eval/lib/link.sh"
B=${LF_CC_BPF:-$LF_BUILD/test/vm/cc-bpf}
S=${LF_BPF_SNAPS:-$LF_BUILD/test/vm/bpf}
LFC=${LFC:-$LF_BUILD/bin/lfc}
CCB=$B/lf_cc_bpf
R=$(tr -d ' \n' < "$LF_SRC/examples/cc/ranges_aurora.txt")
A=$B/aurora/aurora_cc.params SH=$S/sat_hi/aurora_cc.params
[ -x "$CCB" ] || die "no lf_cc_bpf in $B (kmod/apps/cc/bpf/build.sh)"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || die "mount bpffs"
"$CCB" up "$A" > /dev/null || die "lf_cc_bpf up"
lf_link_up 24 40 100 || die "link setup"
lf_in_rcv iperf3 -s -D -I /tmp/iperf3.pid >/dev/null 2>&1 || die "iperf3 server"
sleep 0.3
"$CCB" samples 1000000 14 > samples.txt &
smp=$!
lf_in_snd iperf3 -c "$LF_LINK_DST" -C lf_aurora_bpf -P 2 -t 10 -J > a.json 2>&1 &
ip=$!
sleep 1
flips=$("$CCB" flip "$SH" "$A" 8) || fail "flip"
wait $ip || fail "iperf3"
wait $smp
st=$("$CCB" stats)
echo "$flips; stats: $st"
kill "$(cat /tmp/iperf3.pid)" 2>/dev/null
lf_link_down
"$CCB" down > /dev/null || fail "down"

n=$(wc -l < samples.txt)
[ "$n" -ge 100 ] && ok "$n samples over the ring buffer" || fail "only $n samples"
awk '{ print $10 }' samples.txt > in.csv
"$LFC" "$LF_SRC/examples/cc/aurora.onnx" run --raw --input in.csv --name aurora_cc --input-range="$R" > ref_a.csv ||
	fail "lfc run aurora"
"$LFC" "$LF_SRC/examples/cc/aurora_sat_hi.onnx" run --raw --input in.csv --name aurora_cc --input-range="$R" > ref_b.csv ||
	fail "lfc run sat_hi"
res=$(paste -d' ' samples.txt ref_a.csv ref_b.csv | awk '
	{ gen = $2; out = $12; a = $(NF - 1); b = $NF; want = gen % 2 ? a : b
	  gens[gen] = 1; if (gen % 2) na++; else nb++
	  if (out != want) { bad++; if (out == (gen % 2 ? b : a)) other++ } }
	END { g = 0; for (k in gens) g++
	      printf "%d %d %d %d %d\n", g, na, nb, bad, other }')
set -- $res
echo "generations seen $1, queries on Aurora $2, on sat_hi $3, mismatches $4 (of which the other set $5)"
[ "$1" -ge 10 ] && ok "$1 generations answered queries" || fail "only $1 generations answered"
[ "$2" -gt 0 ] && [ "$3" -gt 0 ] && ok "both weight sets answered" || fail "one weight set never answered"
check_eq "outputs not equal to their generation's weight set (torn or misattributed)" "$4" 0
[ $nfail -eq 0 ]
