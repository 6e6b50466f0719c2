#!/usr/bin/env bash
# build.sh - compiles the bundled congestion-control policies (train_policy.py)
# into lf_core snapshot modules (host side; used by test/vm/CMakeLists.txt for
# the cc tests, bench/eval and scripts/cc-up.sh).  lf_aurora_user's answers
# come from lf-runtime (the same ONNX, lf_user_query()).
#
# Usage: examples/cc/build.sh --lfc LFC --out DIR --kdir KDIR --symvers lf_core/Module.symvers
#
# Writes into DIR:
#   aurora/    model aurora v1: the policy       (lf_snap_aurora_cc.ko)
#   sat_hi/    model aurora v2: output pinned at +4 (lf_snap_aurora_cc_sat_hi.ko)
#   sat_lo/    model aurora v3: output pinned at -4 (lf_snap_aurora_cc_sat_lo.ko)
#   aurora_v4/ model aurora v4: the policy again (lf_snap_aurora_cc_v4.ko), a
#              standby that lf-runtime's weight pushes can land in
#   mocc/      model mocc v1                     (lf_snap_mocc_cc.ko)
#   cc.env     shell assignments of the paths above, for scripts
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../build-args.sh
. "$here/../build-args.sh"
lf_example_args "$@"

# DIR ONNX NAME MODEL VERSION RANGES
snap() {
	rm -rf "$out/$1"
	"$lfc" "$here/$2" compile -o "$out/$1" --name "$3" --model "$4" --snapshot-version "$5" \
		--input-range="$(tr -d ' \n' < "$here/$6")" 2> "$out/$1.lfc.log" ||
		{ cat "$out/$1.lfc.log" >&2; exit 1; }
	make -s -C "$out/$1" KDIR="$kdir" LF_CORE_SYMVERS="$symvers" > "$out/$1.make.log" 2>&1 ||
		{ cat "$out/$1.make.log" >&2; exit 1; }
}
snap aurora aurora.onnx aurora_cc aurora 1 ranges_aurora.txt
snap sat_hi aurora_sat_hi.onnx aurora_cc_sat_hi aurora 2 ranges_aurora.txt
snap sat_lo aurora_sat_lo.onnx aurora_cc_sat_lo aurora 3 ranges_aurora.txt
snap aurora_v4 aurora.onnx aurora_cc_v4 aurora 4 ranges_aurora.txt
snap mocc mocc.onnx mocc_cc mocc 1 ranges_mocc.txt
for d in sat_hi sat_lo; do
	a=$(sed -n 's/.*"arch_hash": "\(0x[0-9a-f]*\)".*/\1/p' "$out/aurora/aurora_cc.json")
	b=$(sed -n 's/.*"arch_hash": "\(0x[0-9a-f]*\)".*/\1/p' "$out/$d/aurora_cc_$d.json")
	[ "$a" = "$b" ] || { echo "build.sh: $d's arch hash $b differs from aurora's $a" >&2; exit 1; }
done

cat > "$out/cc.env" <<E
CC_SNAP_AURORA=$out/aurora/lf_snap_aurora_cc.ko
CC_SNAP_SAT_HI=$out/sat_hi/lf_snap_aurora_cc_sat_hi.ko
CC_SNAP_SAT_LO=$out/sat_lo/lf_snap_aurora_cc_sat_lo.ko
CC_SNAP_AURORA_V4=$out/aurora_v4/lf_snap_aurora_cc_v4.ko
CC_SNAP_MOCC=$out/mocc/lf_snap_mocc_cc.ko
E
echo "cc: built $out (aurora v1, sat_hi v2, sat_lo v3, mocc v1)"
