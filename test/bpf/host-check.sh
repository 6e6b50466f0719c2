#!/usr/bin/env bash
# host-check.sh - host half of the BPF backend's tests (ctest bpf.host).
#
# Usage: test/bpf/host-check.sh LFC SNAPS [LF_CC_BPF]
#        (SNAPS: test/bpf/build.sh's output; LF_CC_BPF: the loader)
#
# 1. For aurora_cc, mocc and ffnn: NAME.bpf.h's inference built as ordinary C
#    gives exactly `lfc run --raw`'s integers on 1,000 inputs (extremes
#    included), and those outputs are not degenerate (many distinct values).
# 2. One-line errors, exit 1, nothing written: a model too large for the
#    verifier (deep: ten plain-loop layers) names its costliest layer; --bits 16 has no BPF form; a bad --target;
#    non-integer --raw inputs; the loader's bad numbers (before any map).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
lfc=$1 snaps=$2 ccb=${3:-}
nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
ok() { echo "ok   $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for n in aurora_cc mocc ffnn; do
	rows=$(wc -l < "$snaps/$n.ref.csv")
	distinct=$(sort -u "$snaps/$n.ref.csv" | wc -l)
	[ "$rows" -eq 1000 ] || fail "$n: $rows reference rows, want 1000"
	[ "$distinct" -ge 100 ] || fail "$n: only $distinct distinct outputs (degenerate inputs?)"
	if cmp -s "$snaps/$n.ref.csv" "$snaps/$n.host.csv"; then
		ok "$n: BPF C as host C = lfc run --raw on $rows inputs ($distinct distinct outputs)"
	else
		fail "$n: BPF C differs from lfc run --raw: $(diff "$snaps/$n.ref.csv" "$snaps/$n.host.csv" | head -3 | tr '\n' ' ')"
	fi
	grep -q '"verifier_insns_est"' "$snaps/$n/$n.bpf.json" || fail "$n: no verifier figures in $n.bpf.json"
	[ -s "$snaps/$n/$n.bpf.o" ] || fail "$n: no object"
done

# one_line WHAT PATTERN CMD...: CMD exits 1 with one stderr line matching PATTERN
one_line() {
	what=$1 pat=$2; shift 2
	err=$("$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && printf '%s' "$err" | grep -qE -- "$pat"; then
		ok "$what: $err"
	else
		fail "$what: rc $rc, $lines lines: $err"
	fi
}
/usr/bin/python3 "$here/make_big_model.py" deep "$tmp/big.onnx" || fail "make_big_model.py"
one_line "too large for the verifier" "node 'mid_[0-9]'.*too large for the BPF verifier.*2048 MACs" \
	"$lfc" "$tmp/big.onnx" compile --target bpf -o "$tmp/big" --input-range=-1,1
[ ! -e "$tmp/big" ] && ok "nothing written for the refused model" || fail "$tmp/big written"
r=$(tr -d ' \n' < "$src/examples/cc/ranges_aurora.txt")
one_line "--bits 16" "node '.*Gemm'.*--target bpf: a 16-bit layer" \
	"$lfc" "$src/examples/cc/aurora.onnx" compile --target bpf --bits 16 -o "$tmp/b16" --input-range="$r"
one_line "--target ebpf" "target.*ebpf" "$lfc" "$src/examples/cc/aurora.onnx" compile --target ebpf
printf '1.5,2,3,4\n' > "$tmp/frac.csv"
one_line "--raw with a fraction" "row 1, column 1: --raw inputs are 32-bit integers" \
	"$lfc" "$src/examples/fs/ffnn.onnx" run --raw --input "$tmp/frac.csv" --input-range=-1,1
printf '1,2,3,4\n' > "$tmp/int.csv"
one_line "--raw without ranges" "--raw needs --input-range or --calibrate" \
	"$lfc" "$src/examples/fs/ffnn.onnx" run --raw --input "$tmp/int.csv"
out=$("$lfc" "$src/examples/cc/aurora.onnx" inspect --target bpf --input-range="$r" 2>/dev/null)
printf '%s\n' "$out" | grep -qE '^  bpf: [0-9]+ object instructions, ~[0-9]+ verifier steps \(limit 1000000\)' &&
	ok "inspect --target bpf: $(printf '%s\n' "$out" | grep '^  bpf:')" ||
	fail "inspect --target bpf has no bpf line"
if [ -n "$ccb" ]; then
	one_line "lf_cc_bpf flip 1.5 s" "lf_cc_bpf: flip: SECS: '1.5' is not a non-negative integer" \
		"$ccb" flip a b 1.5
	one_line "lf_cc_bpf samples -1" "lf_cc_bpf: samples: N: '-1' is not a non-negative integer" \
		"$ccb" samples -1 3
fi
[ $nfail -eq 0 ] && echo "PASS" || { echo "$nfail failure(s)"; exit 1; }
