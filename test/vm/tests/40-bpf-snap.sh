# Test 40 (bpf): BPF snapshots (lfc compile --target bpf, built on the host by
# test/bpf/build.sh into $LF_BPF_SNAPS: Aurora, MOCC, the FFNN, and wide, whose
# 65,536-MAC layer runs under bpf_loop) load and verify in this kernel, and
# BPF_PROG_TEST_RUN of each gives exactly `lfc run --raw`'s integers on 1,000
# inputs (extremes included).  The two params buffers: buffer 1 holding a
# second weight set (aurora_sat_hi) answers with that set's integers, buffer
# 0 still with Aurora's.  No LiteFlow module is loaded.
. "$LF_SRC/test/vm/tests/lib.sh"
S=${LF_BPF_SNAPS:-$LF_BUILD/test/vm/bpf}
RUN=${LF_BPF_RUN:-$LF_BUILD/bin/lf_bpf_run}
[ -f "$S/aurora_cc.ref.csv" ] || die "no BPF snapshots in $S (test/bpf/build.sh)"

for n in aurora_cc mocc ffnn wide; do
	if "$RUN" "$S/$n/$n.bpf.o" "$S/$n/$n.params" < "$S/$n.raw.csv" > "$n.out" 2> "$n.err"; then
		sed -n 's/^verifier: /    /p' "$n.err"
		if cmp -s "$n.out" "$S/$n.ref.csv"; then
			ok "$n: verified; BPF_PROG_TEST_RUN = lfc run --raw on $(wc -l < "$n.out") inputs"
		else
			fail "$n: outputs differ from lfc run --raw ($(diff "$n.out" "$S/$n.ref.csv" | grep -c '^<') rows)"
		fi
	else
		fail "$n: $(cat "$n.err")"
	fi
done

# buffer 1 = sat_hi's weights, buffer 0 = Aurora's: each query reads one set
"$RUN" --params1 "$S/sat_hi/aurora_cc.params" --buf 1 "$S/aurora_cc/aurora_cc.bpf.o" \
	"$S/aurora_cc/aurora_cc.params" < "$S/aurora_cc.raw.csv" > b1.out 2>/dev/null ||
	fail "buffer 1 run"
cmp -s b1.out "$S/aurora_cc.ref_sat_hi.csv" && ok "buffer 1: sat_hi's integers on 1000 inputs" ||
	fail "buffer 1 differs from sat_hi's lfc run --raw"
"$RUN" --params1 "$S/sat_hi/aurora_cc.params" --buf 0 "$S/aurora_cc/aurora_cc.bpf.o" \
	"$S/aurora_cc/aurora_cc.params" < "$S/aurora_cc.raw.csv" > b0.out 2>/dev/null ||
	fail "buffer 0 run"
cmp -s b0.out "$S/aurora_cc.ref.csv" && ok "buffer 0: Aurora's integers beside sat_hi in buffer 1" ||
	fail "buffer 0 differs from Aurora's lfc run --raw"
# a blob of the wrong size is refused with one line
head -c 100 "$S/aurora_cc/aurora_cc.params" > short.params
err=$("$RUN" "$S/aurora_cc/aurora_cc.bpf.o" short.params < /dev/null 2>&1 >/dev/null)
case $err in
*"short.params has 100 bytes, the params map holds 23384") ok "short blob: $err" ;;
*) fail "short blob: '$err'" ;;
esac
grep -q lf_ /proc/modules && fail "a LiteFlow module is loaded" || ok "no LiteFlow module loaded"
[ $nfail -eq 0 ]
