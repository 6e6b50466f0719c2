# Test 26 (label cc): MOCC's objective weights per connection, by cgroup.
# Three lf_mocc connections run at once over the 24 Mbit/s, 40 ms link: one
# in cgroup lfA (weights 900/50/50 in mocc_weights), one in lfB/sub (lfB has
# 100/800/100: a child takes its nearest ancestor's), one in the test's own
# cgroup (no entry: the module-wide mocc_w_* 600/300/100).  The samples the
# collector sends (lfctl monitor) carry each query's 33 inputs: every flow's
# last three inputs are the same in all its samples, and they are exactly its
# cgroup's weights in the model's input formats (computed here from the
# snapshot's in_frac, independently of the module); the three flows differ.
# User errors on mocc_weights are refused with one line naming the value.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

RATE=24 RTT=40 SECS=5
P=/sys/module/lf_cc/parameters
META=$(dirname "$CC_SNAP_MOCC")/mocc_cc.json
cc_load
insmod "$CC_SNAP_MOCC" || die "insmod mocc snapshot"
CG=/sys/fs/cgroup
[ -f $CG/cgroup.procs ] || mount -t cgroup2 none $CG || die "no cgroup2 at $CG"
mkdir -p $CG/lfA $CG/lfB/sub || die "mkdir cgroups"
idA=$(stat -c %i $CG/lfA) idB=$(stat -c %i $CG/lfB)
echo "$idA 900 50 50" > $P/mocc_weights || fail "set lfA's weights"
echo "$idB 100 800 100" > $P/mocc_weights || fail "set lfB's weights"
check_eq "table" "$(sort -n $P/mocc_weights | tr '\n' ';')" \
	"$(printf '%s\n%s\n' "$idA 900 50 50" "$idB 100 800 100" | sort -n | tr '\n' ';')"

# user errors: refused, one line naming the value, table unchanged
for bad in "bogus" "$idA 2000 0 0" "$idA 1 2" "99999999 -"; do
	dmesg -C
	if echo "$bad" > $P/mocc_weights 2>/dev/null; then fail "'$bad' accepted"; else
		msg=$(dmesg | grep "mocc_weights" | sed 's/^\[[^]]*\] //')
		[ "$(printf '%s\n' "$msg" | wc -l)" = 1 ] && printf '%s' "$msg" | grep -qF "${bad%% *}" &&
			ok "'$bad' refused: $msg" || fail "'$bad': message '$msg'"
	fi
done
check_eq "table after errors" "$(wc -l < $P/mocc_weights)" 2

lf_link_up $RATE $RTT 100 || die "link setup"
for p in 5201 5202 5203; do
	lf_in_rcv iperf3 -s -D -p $p -I /tmp/ip$p.pid > /dev/null 2>&1 || die "iperf3 server $p"
done
sleep 0.3
"$LFCTL" monitor > mon.txt 2> mon.err &
mon=$!
sleep 0.3
c0=$(ccstat lf_mocc cgroup_weights)
# in_cg CGROUP PORT: an lf_mocc transfer from a process in CGROUP
in_cg() {
	sh -c "echo \$\$ > $1/cgroup.procs && exec ip netns exec lfs iperf3 -c $LF_LINK_DST -p $2 -C lf_mocc -t $SECS -J" \
		> "t$2.json" 2> "t$2.err"
}
in_cg $CG/lfA 5201 & a=$!
in_cg $CG/lfB/sub 5202 & b=$!
lf_in_snd iperf3 -c $LF_LINK_DST -p 5203 -C lf_mocc -t $SECS -J > t5203.json 2> t5203.err & c=$!
wait $a || fail "transfer in lfA"
wait $b || fail "transfer in lfB/sub"
wait $c || fail "transfer in the test's cgroup"
sleep 0.5
kill $mon; wait $mon 2>/dev/null
for p in 5201 5202 5203; do kill "$(cat /tmp/ip$p.pid)" 2>/dev/null; done
cg=$(($(ccstat lf_mocc cgroup_weights) - c0))
[ "$cg" -ge 2 ] && ok "connections with their cgroup's weights: $cg" || fail "cgroup_weights $cg"

# every flow: one weight triple; the triples are exactly the three expected
/usr/bin/python3 - "$META" mon.txt <<'PY' > w.txt || fail "sample check"
import json, sys
frac = json.load(open(sys.argv[1]))["in_frac"][30:33]
def fmt(w, f):   # lf_cc_to_fmt() of w per mille in Q16.16
    q = w * 65536 // 1000
    return q << (f - 16) if f >= 16 else (q + (1 << (16 - f - 1))) >> (16 - f)
want = {"A": (900, 50, 50), "B": (100, 800, 100), "default": (600, 300, 100)}
want = {k: tuple(fmt(w, f) for w, f in zip(v, frac)) for k, v in want.items()}
flows, model = {}, None
for line in open(sys.argv[2]):
    t = line.split()
    if t[0] == "batch":
        model = t[2]
    elif t[0] == "flow" and model == "mocc":
        ins = [int(v) for v in t[t.index("in") + 1:t.index("out")]]
        flows.setdefault(t[1], set()).add(tuple(ins[30:33]))
bad = [k for k, v in flows.items() if len(v) != 1]
got = {next(iter(v)) for v in flows.values()}
names = {v: k for k, v in want.items()}
print("flows", len(flows), "mixed", len(bad), "weights", " ".join(sorted(names.get(g, "unexpected%s" % (g,)) for g in got)))
PY
cat w.txt
set -- $(cat w.txt)
[ "${2:-0}" -ge 3 ] && ok "samples from $2 lf_mocc flows" || fail "samples from ${2:-0} flows"
check_eq "flows whose weights changed" "${4:-x}" 0
check_eq "weight sets seen" "${6:-} ${7:-} ${8:-}" "A B default"

echo "$idA -" > $P/mocc_weights || fail "remove lfA"
echo clear > $P/mocc_weights || fail "clear"
check_eq "table after clear" "$(wc -l < $P/mocc_weights)" 0
rmdir $CG/lfB/sub $CG/lfB $CG/lfA
lf_link_down
finish
