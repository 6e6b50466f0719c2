#!/usr/bin/env bash
# build.sh - the BPF snapshots of the bundled models and the integers they must
# reproduce (host side, for the bpf tests).
#
# Usage: test/bpf/build.sh --lfc LFC --out DIR
#
# For each of aurora_cc (examples/cc/aurora.onnx), mocc (examples/cc/mocc.onnx),
# ffnn (examples/fs/ffnn.onnx) and wide (make_big_model.py wide: a layer that
# needs bpf_loop), DIR/NAME/ holds the package of
# `lfc compile --target bpf` (NAME.bpf.o, NAME.params, ...), and DIR/ holds
#   NAME.raw.csv   1,000 rows of input integers (extremes first; gen_raw_inputs.py)
#   NAME.ref.csv   what `lfc run --raw` (the C snapshot's twin) gives for them
#   NAME.host.csv  what NAME.bpf.h's inference gives built as ordinary C
# plus bench_aurora/ (examples/aurora's policy, for bench.vm-bpf) and sat_hi/ (examples/cc/aurora_sat_hi.onnx: Aurora's shape, other weights)
# and aurora_cc.ref_sat_hi.csv: the second weight set of the buffer tests.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
lfc= out=
while [ $# -gt 0 ]; do
	case $1 in
	--lfc) lfc=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$lfc" ] && [ -n "$out" ] || { echo "usage: build.sh --lfc LFC --out DIR" >&2; exit 2; }
py=/usr/bin/python3
cc=${CC:-cc}
mkdir -p "$out"
out=$(cd "$out" && pwd)

json_field() { "$py" -c "import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(','.join(map(str,v)) if isinstance(v,list) else v)" "$1" "$2"; }

# NAME ONNX RANGES SEED
snap() {
	local n=$1 onnx=$2 ranges r
	ranges=$(tr -d ' \n' < "$3")
	rm -rf "${out:?}/$n"
	"$lfc" "$onnx" compile --target bpf -o "$out/$n" --name "$n" --input-range="$ranges" 2> "$out/$n.lfc.log" ||
		{ cat "$out/$n.lfc.log" >&2; exit 1; }
	"$py" "$here/gen_raw_inputs.py" "$(json_field "$out/$n/$n.bpf.json" n_in)" \
		"$(json_field "$out/$n/$n.bpf.json" in_frac)" 1000 "$4" > "$out/$n.raw.csv"
	"$lfc" "$onnx" run --raw --input "$out/$n.raw.csv" --name "$n" --input-range="$ranges" > "$out/$n.ref.csv"
	$cc -std=gnu11 -O2 -Wall -Wextra -Werror -DLF_BPF_HDR="\"$n.bpf.h\"" -DLF_BPF_NAME="$n" \
		-I "$out/$n" -o "$out/$n/lf_bpf_host" "$here/lf_bpf_host.c"
	"$out/$n/lf_bpf_host" "$out/$n/$n.params" < "$out/$n.raw.csv" > "$out/$n.host.csv"
}
snap aurora_cc "$src/examples/cc/aurora.onnx" "$src/examples/cc/ranges_aurora.txt" 1
snap mocc "$src/examples/cc/mocc.onnx" "$src/examples/cc/ranges_mocc.txt" 2
snap ffnn "$src/examples/fs/ffnn.onnx" "$src/examples/fs/ranges_ffnn.txt" 3
# 8-256-256-1: its 65,536-MAC layer verifies only under bpf_loop
"$py" "$here/make_big_model.py" wide "$out/wide.onnx"
printf -- '-4,4\n' > "$out/wide.ranges"
snap wide "$out/wide.onnx" "$out/wide.ranges" 4
# a second weight set of Aurora's shape (same params layout) for buffer 1
r=$(tr -d ' \n' < "$src/examples/cc/ranges_aurora.txt")
rm -rf "$out/sat_hi"
"$lfc" "$src/examples/cc/aurora_sat_hi.onnx" compile --target bpf -o "$out/sat_hi" --name aurora_cc --input-range="$r" 2> "$out/sat_hi.lfc.log"
"$lfc" "$src/examples/cc/aurora_sat_hi.onnx" run --raw --input "$out/aurora_cc.raw.csv" --name aurora_cc --input-range="$r" > "$out/aurora_cc.ref_sat_hi.csv"
cmp -s "$out/aurora_cc.ref_sat_hi.csv" "$out/aurora_cc.ref.csv" &&
	{ echo "build.sh: sat_hi gives Aurora's outputs: no second weight set" >&2; exit 1; }
# examples/aurora's policy (the module benchmark's snapshot) for bench.vm-bpf
rm -rf "$out/bench_aurora"
"$lfc" "$src/examples/aurora/aurora.onnx" compile --target bpf -o "$out/bench_aurora" --name aurora \
	--input-range="$(tr -d ' \n' < "$src/examples/aurora/ranges.txt")" 2> "$out/bench_aurora.lfc.log" ||
	{ cat "$out/bench_aurora.lfc.log" >&2; exit 1; }
cat > "$out/bpf.env" <<E
LF_BPF_SNAPS=$out
E
echo "bpf: built $out (aurora_cc, mocc, ffnn, wide, sat_hi, bench_aurora)"
