#!/usr/bin/env bash
# build.sh - builds the BPF congestion controls (lf_aurora_bpf, lf_dummy_bpf)
# and their loader lf_cc_bpf on the host.
#
# Usage: kmod/apps/cc/bpf/build.sh --lfc LFC --out DIR [--vmlinux ELF]
#
# vmlinux.h comes from the BTF of the kernel the CC runs in: the ELF vmlinux
# of Debian's newest /boot/vmlinuz-* (extracted as test/vm/run-vm.sh does,
# or --vmlinux), not from the build machine's running kernel.  Writes into
# DIR: aurora/ (lfc --target bpf of examples/cc/aurora.onnx), vmlinux.h,
# lf_aurora_bpf.bpf.o, lf_cc_bpf.skel.h, lf_cc_bpf.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../../../.." && pwd)
lfc= out= vml=
while [ $# -gt 0 ]; do
	case $1 in
	--lfc) lfc=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--vmlinux) vml=$2; shift 2 ;;
	*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$lfc" ] && [ -n "$out" ] || { echo "usage: build.sh --lfc LFC --out DIR [--vmlinux ELF]" >&2; exit 2; }
command -v bpftool >/dev/null || { echo "build.sh: bpftool missing (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "$vml" ]; then
	kver=$(for d in /lib/modules/*; do v=${d##*/}; [ -e "/boot/vmlinuz-$v" ] && echo "$v"; done | sort -V | tail -n 1)
	[ -n "$kver" ] || { echo "build.sh: no /boot/vmlinuz-*" >&2; exit 1; }
	vml=$out/vmlinux-$kver
	if [ ! -s "$vml" ]; then
		bz=/boot/vmlinuz-$kver
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -n 1 | cut -d: -f1)
		tail -c +$((off + 1)) "$bz" | xz -dc > "$vml.tmp" 2>/dev/null || true
		mv "$vml.tmp" "$vml"
	fi
fi
bpftool btf dump file "$vml" format c > "$out/vmlinux.h.tmp"
mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
r=$(tr -d ' \n' < "$src/examples/cc/ranges_aurora.txt")
rm -rf "$out/aurora"
"$lfc" "$src/examples/cc/aurora.onnx" compile --target bpf -o "$out/aurora" --name aurora_cc \
	--input-range="$r" 2> "$out/aurora.lfc.log" || { cat "$out/aurora.lfc.log" >&2; exit 1; }
clang-19 -target bpf -O2 -g -Wall -Werror -I "$out" -I "$out/aurora" -I "$src/kmod/include" \
	-idirafter "/usr/include/$(gcc -print-multiarch)" \
	-c "$here/lf_aurora_bpf.bpf.c" -o "$out/lf_aurora_bpf.bpf.o"
bpftool gen skeleton "$out/lf_aurora_bpf.bpf.o" name lf_cc_bpf_skel > "$out/lf_cc_bpf.skel.h"
# the loader writes buffers with liblfbpf, the code lf-runtime's BPF backend uses
# shellcheck disable=SC2046
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -I "$out" -I "$out/aurora" \
	-I "$src/kmod/include" -I "$src/tools/liblfbpf/include" -o "$out/lf_cc_bpf" \
	"$here/lf_cc_bpf.c" "$src/tools/liblfbpf/lfbpf.c" $(pkg-config --cflags --libs libbpf)
echo "cc-bpf: built $out (lf_aurora_bpf.bpf.o, lf_cc_bpf)"
