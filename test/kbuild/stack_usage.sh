#!/usr/bin/env bash
# stack_usage.sh LFC: the stack_bytes lfc reports must cover what the kernel
# compiler gives both objects of a package (issue 15).  For MLPs of 1-6 hidden
# layers and widths 5-200 (tanh and ReLU, --bits 32 and 16): lfc compile, build
# the package against the installed kernel headers with -fstack-usage, and
# compare stack_bytes with lf_NAME_infer's frame plus every lf_fixed.h helper
# frame of the scalar object (NAME.o) and with lf_NAME_infer_avx2's of the
# AVX2 object (NAME_avx2.o).  A net whose AVX2 frame is over the kernel's
# 2048-byte warning (16-192-192-1) must be refused with a one-line message.
# Skips (exit 77) without kernel headers or python3-torch.
set -uo pipefail
LFC=${1:?usage: stack_usage.sh LFC}
KDIR=${LF_KDIR:-$(ls -d /lib/modules/*/build 2>/dev/null | sort | tail -n 1)}
[ -n "$KDIR" ] && [ -f "$KDIR/Makefile" ] || { echo "SKIP: no kernel headers"; exit 77; }
/usr/bin/python3 -c 'import torch, onnx' 2>/dev/null || { echo "SKIP: no python3-torch"; exit 77; }
W=$(mktemp -d /tmp/lf-stack.XXXXXX)
trap 'rm -rf "$W"' EXIT
fails=0

gen() {	# gen DIMS ACT OUT.onnx: an MLP and 200 calibration rows (OUT.csv)
	/usr/bin/python3 - "$@" <<'PY'
import sys, torch, torch.nn as nn
dims = [int(d) for d in sys.argv[1].split('-')]
act, out = sys.argv[2], sys.argv[3]
torch.manual_seed(len(dims) * 1000 + dims[1])
layers = []
for i in range(len(dims) - 1):
    layers.append(nn.Linear(dims[i], dims[i + 1]))
    if i < len(dims) - 2:
        layers.append(nn.Tanh() if act == 'tanh' else nn.ReLU())
m = nn.Sequential(*layers)
x = torch.randn(200, dims[0])
torch.onnx.export(m, x[:1], out, input_names=['x'], output_names=['y'], opset_version=13)
with open(out[:-5] + '.csv', 'w') as f:
    for r in x:
        f.write(','.join('%g' % v for v in r.tolist()) + '\n')
PY
}

# frame FILE.su FUNC: FUNC's frame plus the lf_fixed.h helpers' (not inlined)
frame() {
	awk -F'\t' -v f="$2" '{ split($1, a, ":"); n = a[length(a)] }
		n == f { s += $2 } $1 ~ /lf_fixed\.h/ { s += $2 } END { print s + 0 }' "$1"
}

check() {	# check DIMS ACT BITS
	local net="m${1//-/_}_$2" d
	d="$W/$net-$3"
	[ -f "$W/$net.onnx" ] || gen "$1" "$2" "$W/$net.onnx" >/dev/null 2>&1 ||
		{ echo "FAIL $net: export"; fails=$((fails + 1)); return; }
	if ! "$LFC" "$W/$net.onnx" compile -o "$d" --bits "$3" --calibrate "$W/$net.csv" \
		>"$W/lfc.log" 2>&1; then
		echo "FAIL $net --bits $3: lfc refused it: $(tail -n 1 "$W/lfc.log")"
		fails=$((fails + 1)); return
	fi
	local rep name s v
	rep=$(sed -n 's/.*"stack_bytes": *\([0-9]*\).*/\1/p' "$d"/*.json)
	name=$(basename "$d"/*_mod.c _mod.c)
	if ! make -C "$d" KDIR="$KDIR" KBUILD_MODPOST_WARN=1 KCFLAGS=-fstack-usage \
		>"$W/make.log" 2>&1; then
		echo "FAIL $net --bits $3: kernel build"; tail -n 5 "$W/make.log"
		fails=$((fails + 1)); return
	fi
	s=$(frame "$d/$name.su" "lf_${name}_infer")
	v=$(frame "$d/${name}_avx2.su" "lf_${name}_infer_avx2")
	if [ "$s" -gt 0 ] && [ "$v" -gt 0 ] && [ "$rep" -ge "$s" ] && [ "$rep" -ge "$v" ]; then
		echo "ok   $1 $2 --bits $3: stack_bytes $rep >= scalar $s, avx2 $v"
	else
		echo "FAIL $1 $2 --bits $3: stack_bytes $rep, measured scalar $s, avx2 $v"
		fails=$((fails + 1))
	fi
}

for bits in 32 16; do
	check 30-32-16-1 tanh $bits
	check 30-64-32-1 tanh $bits
	check 8-5-5-1 tanh $bits
	check 64-128-1 tanh $bits
	check 30-32-32-32-32-32-32-1 tanh $bits
	check 100-100-100-1 relu $bits
	check 200-16-1 tanh $bits
done

# Over the kernel's frame warning: refused, one line, naming the stack.
gen 16-192-192-1 tanh "$W/wide.onnx" >/dev/null 2>&1
for bits in 32 16; do
	if "$LFC" "$W/wide.onnx" compile -o "$W/wide-$bits" --bits "$bits" \
		--calibrate "$W/wide.csv" >"$W/lfc.log" 2>&1; then
		echo "FAIL 16-192-192-1 --bits $bits: accepted ($(grep -o '[0-9]* stack bytes' "$W/lfc.log"))"
		fails=$((fails + 1))
	elif grep -q "kernel stack" "$W/lfc.log" && [ "$(grep -c . "$W/lfc.log")" -le 2 ]; then
		echo "ok   16-192-192-1 --bits $bits refused: $(grep "kernel stack" "$W/lfc.log")"
	else
		echo "FAIL 16-192-192-1 --bits $bits: unexpected output"; cat "$W/lfc.log"
		fails=$((fails + 1))
	fi
done
echo "$fails failure(s)"
[ "$fails" = 0 ]
