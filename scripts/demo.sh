#!/usr/bin/env bash
# The demo: builds LiteFlow, compiles the bundled Aurora example
# (examples/aurora: 30 -> 32 -> 16 -> 1 tanh) into a kernel snapshot, boots
# Debian's kernel under QEMU, loads lf_core and the snapshot, queries the model
# from the kernel and from userspace and checks the results against lfc's;
# then LiteFlow's loop (if lf-runtime is built): a collector feeds samples
# from a workload that shifts mid-run, lf-runtime adapts, decides and pushes
# a snapshot, and the kernel's error falls (runtime/test/vm/scenario.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
t0=$(date +%s.%N)
echo "== build (scripts/build.sh: Debian packages, cmake, ninja) =="
scripts/build.sh > "${TMPDIR:-/tmp}/lf-demo-build.log" 2>&1 ||
	{ tail -n 30 "${TMPDIR:-/tmp}/lf-demo-build.log"; echo "demo: build failed (log above)"; exit 1; }
echo "built into $B/ (log: ${TMPDIR:-/tmp}/lf-demo-build.log)"

env=$B/test/vm/vm-env.sh
kmod=$(sed -n 's/^LF_KMOD=//p' "$env" 2>/dev/null || true)
symvers=$kmod/core/Module.symvers
[ -f "$symvers" ] || { echo "demo: lf_core was not built (no kernel headers under /lib/modules/*/build?)"; exit 1; }
kdir=$(sed -n 's/^LF_KDIR:INTERNAL=//p' "$B/CMakeCache.txt")
range=$(cat examples/aurora/ranges.txt)

echo
echo "== lfc inspect: examples/aurora/aurora.onnx --input-range=$range =="
"$B/bin/lfc" examples/aurora/aurora.onnx inspect --input-range="$range"

echo
echo "== lfc compile + kbuild: snapshot packages v1 (aurora.onnx) and v2 (aurora_v2.onnx) =="
mkdir -p "$B/demo/aurora"
out=$(cd "$B/demo/aurora" && pwd)
t1=$(date +%s.%N)
examples/aurora/build.sh --lfc "$B/bin/lfc" --out "$out" --kdir "$kdir" --symvers "$symvers"
cat "$out/v1.lfc.log"
ls "$out/v1"/*.ko "$out/v2"/*.ko
echo "$ lfc examples/aurora/aurora.onnx run --input examples/aurora/inputs.csv --input-range=$range"
cat "$out/expected_v1.csv"
t2=$(date +%s.%N)

denv=$out/demo-env.sh
rtenv=$B/runtime/test/vm/vm-env.sh
{ cat "$env"; [ -f "$rtenv" ] && cat "$rtenv"; echo "LF_AURORA=$out"; } > "$denv"
[ -f "$rtenv" ] || echo "demo: lf-runtime not built (LibTorch missing?): no adaptation step"
echo
echo "== boot Debian's kernel in QEMU (TCG) and run examples/aurora/demo-vm.sh =="
vmlog=$out/demo-vm.log
set +e
test/vm/run-vm.sh --build "$B" --env "$denv" --timeout 600 examples/aurora/demo-vm.sh |
	tee "$vmlog.raw" | grep -v '^LF-BEGIN\|^LF-RC=\|^LF-SERIES\|^LF-EVENT' | tee "$vmlog"
rc=${PIPESTATUS[0]}
set -e
t3=$(date +%s.%N)
echo
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
	printf "demo: build %.0f s, compile + modules %.0f s, VM boot to result %.0f s, total %.0f s\n",
	       b - a, c - b, d - c, d - a }'
if [ "$rc" = 0 ]; then
	echo "demo: OK - Aurora compiled by lfc runs in the kernel (lf_query_model from a module and"
	echo "      lfctl eval over netlink), with exactly lfc's outputs, for both snapshot versions."
	if grep -q 'ok  workload shift' "$vmlog"; then
		sed -n 's/.*ok  workload shift: /      lf-runtime closed the loop: workload shift: /p' "$vmlog"
		if /usr/bin/python3 scripts/plot-adaptation.py "$vmlog.raw" "$out/adaptation.png"; then
			echo "      the kernel's error over time, with drift, push, canary and rollback"
			echo "      events: $out/adaptation.png"
		fi
	fi
elif [ "$rc" = 77 ]; then
	echo "demo: SKIPPED the VM part (qemu or a kernel image missing)"
else
	echo "demo: FAILED (exit $rc)"
fi
exit "$rc"
