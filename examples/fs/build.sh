#!/usr/bin/env bash
# build.sh - compiles the bundled flow-size predictor (train_ffnn.py's
# ffnn.onnx) into lf_core snapshot modules and the traffic generator (host
# side; used by test/vm/CMakeLists.txt for the fs tests, bench/eval and
# scripts/fs-up.sh).  Mode "user" gets its answers from lf-runtime (the same
# ONNX, lf_user_query()).
#
# Usage: examples/fs/build.sh --lfc LFC --out DIR --kdir KDIR --symvers lf_core/Module.symvers
#
# Writes into DIR:
#   ffnn/      model ffnn v1 (lf_snap_ffnn_fs.ko)
#   ffnn_v2/   model ffnn v2, the same net (lf_snap_ffnn_fs_v2.ko): a standby
#              that lf-runtime's weight pushes can land in
#   lf_fsgen          bench/eval/fsgen/lf_fsgen.c, the traffic generator
#   fs.env     shell assignments of the paths above, for scripts
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../build-args.sh
. "$here/../build-args.sh"
lf_example_args "$@"
cc=${CC:-cc}

# DIR NAME VERSION
snap() {
	rm -rf "$out/$1"
	"$lfc" "$here/ffnn.onnx" compile -o "$out/$1" --name "$2" --model ffnn --snapshot-version "$3" \
		--input-range="$(tr -d ' \n' < "$here/ranges_ffnn.txt")" 2> "$out/$1.lfc.log" ||
		{ cat "$out/$1.lfc.log" >&2; exit 1; }
	make -s -C "$out/$1" KDIR="$kdir" LF_CORE_SYMVERS="$symvers" > "$out/$1.make.log" 2>&1 ||
		{ cat "$out/$1.make.log" >&2; exit 1; }
}
snap ffnn ffnn_fs 1
snap ffnn_v2 ffnn_fs_v2 2

$cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/lf_fsgen" "$src/bench/eval/fsgen/lf_fsgen.c" -lm
cat > "$out/fs.env" <<E
FS_SNAP_FFNN=$out/ffnn/lf_snap_ffnn_fs.ko
FS_SNAP_FFNN_V2=$out/ffnn_v2/lf_snap_ffnn_fs_v2.ko
FS_GEN=$out/lf_fsgen
E
echo "fs: built $out (ffnn v1, v2, lf_fsgen)"
