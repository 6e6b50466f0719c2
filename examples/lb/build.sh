#!/usr/bin/env bash
# build.sh - compiles the bundled path-scoring MLP (train_mlp.py's
# lbmlp.onnx) into lf_core snapshot modules, and the traffic generator
# (host side; used by test/vm/CMakeLists.txt for the lb tests, bench/eval and
# scripts/lb-up.sh).
#
# Usage: examples/lb/build.sh --lfc LFC --out DIR --kdir KDIR --symvers lf_core/Module.symvers
#
# Writes into DIR:
#   lbmlp/      model lbmlp v1 (lf_snap_lbmlp.ko)
#   lbmlp_v2/   model lbmlp v2, the same net (lf_snap_lbmlp_v2.ko): a standby
#               that lf-runtime's weight pushes can land in
#   lf_fsgen    bench/eval/fsgen/lf_fsgen.c, the traffic generator
#   lb.env      shell assignments of the paths above, for scripts
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
lfc= out= kdir= symvers=
while [ $# -gt 0 ]; do
	case $1 in
	--lfc) lfc=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--kdir) kdir=$2; shift 2 ;;
	--symvers) symvers=$2; shift 2 ;;
	*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$lfc" ] && [ -n "$out" ] && [ -n "$kdir" ] && [ -n "$symvers" ] ||
	{ echo "usage: build.sh --lfc LFC --out DIR --kdir KDIR --symvers FILE" >&2; exit 2; }
[ -f "$symvers" ] || { echo "build.sh: $symvers missing: build lf_core first" >&2; exit 1; }
cc=${CC:-cc}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# DIR NAME VERSION
snap() {
	rm -rf "$out/$1"
	"$lfc" "$here/lbmlp.onnx" compile -o "$out/$1" --name "$2" --model lbmlp --snapshot-version "$3" \
		--input-range="$(tr -d ' \n' < "$here/ranges_lbmlp.txt")" 2> "$out/$1.lfc.log" ||
		{ cat "$out/$1.lfc.log" >&2; exit 1; }
	make -s -C "$out/$1" KDIR="$kdir" LF_CORE_SYMVERS="$symvers" > "$out/$1.make.log" 2>&1 ||
		{ cat "$out/$1.make.log" >&2; exit 1; }
}
snap lbmlp lbmlp 1
snap lbmlp_v2 lbmlp_v2 2
$cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/lf_fsgen" "$src/bench/eval/fsgen/lf_fsgen.c" -lm
cat > "$out/lb.env" <<E
LB_SNAP=$out/lbmlp/lf_snap_lbmlp.ko
LB_SNAP_V2=$out/lbmlp_v2/lf_snap_lbmlp_v2.ko
LB_GEN=$out/lf_fsgen
LB_ONNX=$here/lbmlp.onnx
LB_RANGES=$here/ranges_lbmlp.txt
E
echo "lb: built $out (lbmlp v1, v2, lf_fsgen)"
