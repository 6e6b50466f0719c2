#!/usr/bin/env bash
# run-vm.sh - boot Debian's kernel under QEMU (TCG) and run one test script.
#
# Usage: test/vm/run-vm.sh [--build DIR] [--env FILE] [--timeout SECS] [--smp N] SCRIPT
#
# The host root is shared read-only over virtio-9p; SCRIPT runs under /bin/sh
# chrooted into it, with a fresh tmpfs on /tmp (cwd), and these variables:
#   LF_BUILD  the build directory (kernel modules under $LF_BUILD/kmod/...)
#   LF_SRC    the source tree
#   LF_VM     1
# plus the variables FILE (--env) assigns (test/vm/CMakeLists.txt generates
# one with the paths of the modules, lfctl and the test programs).
# Kernel modules must already be built on the host.  The result comes back
# over the serial console; the run FAILS (exit 1) if SCRIPT fails or the
# kernel log shows an oops, BUG, WARNING, lockup, hung task or RCU stall, or
# the kernel is tainted beyond O (out-of-tree) and E (unsigned module).
# Exit 77 (ctest SKIP_RETURN_CODE) if qemu or a kernel image is missing.
# The ELF vmlinux (booted through PVH: no decompression) and the busybox
# initramfs are cached under DIR/vm.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${LF_BUILD_DIR:-$src/build}
timeout_s=300
envf=
smp=2
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--env) envf=$(readlink -f "$2"); shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	-*) echo "run-vm: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-vm.sh [--build DIR] [--timeout S] [--smp N] SCRIPT" >&2; exit 2; }
script=$(readlink -f "$1")
build=$(readlink -f "$build")
[ -f "$script" ] || { echo "run-vm: no such script: $1" >&2; exit 2; }

skip() { echo "run-vm: SKIP: $*" >&2; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
command -v busybox >/dev/null || skip "busybox not installed"

# The kernel: the newest one with both modules (and a build dir) and an image.
kver=$(for d in /lib/modules/*; do v=${d##*/}; [ -e "/boot/vmlinuz-$v" ] && [ -d "$d/kernel" ] && echo "$v"; done | sort -V | tail -n 1)
[ -n "$kver" ] || skip "no /boot/vmlinuz-* with matching /lib/modules"

cache=$build/vm
mkdir -p "$cache"

# 1. ELF vmlinux out of the bzImage (XZ payload).
vmlinux=$cache/vmlinux-$kver
if [ ! -s "$vmlinux" ]; then
	bz=/boot/vmlinuz-$kver
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || { echo "run-vm: no XZ payload in $bz" >&2; exit 1; }
	tail -c +$((off + 1)) "$bz" | xz -dc > "$vmlinux.tmp" 2>/dev/null || true
	[ "$(head -c 4 "$vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		{ echo "run-vm: could not extract vmlinux from $bz" >&2; exit 1; }
	mv "$vmlinux.tmp" "$vmlinux"
fi

# 2. busybox initramfs with the virtio/9p modules, cached by content.
init_text=$(cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod /mods/$m.ko || echo "LF-INIT: insmod $m failed"; done
mkdir -p /mnt/root
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 hostroot /mnt/root ||
	{ echo "LF-INIT: 9p mount failed"; poweroff -f; }
mount -t proc proc /mnt/root/proc
mount -t sysfs sys /mnt/root/sys
mount -t devtmpfs dev /mnt/root/dev
for w in $(cat /proc/cmdline); do
	case $w in
	lf.script=*) script=${w#lf.script=} ;;
	lf.build=*) build=${w#lf.build=} ;;
	lf.src=*) src=${w#lf.src=} ;;
	lf.env=*) envf=${w#lf.env=} ;;
	esac
done
# A fresh tmpfs on /tmp; trees of the host's /tmp that the test needs (a
# checkout or build under /tmp) stay visible through bind mounts.
mkdir -p /mnt/hosttmp
mount -o bind /mnt/root/tmp /mnt/hosttmp
mount -t tmpfs -o mode=1777 tmp /mnt/root/tmp
for p in $build $src $script $envf; do
	case $p in
	/tmp/*)
		rel=${p#/tmp/}
		top=${rel%%/*}
		if [ ! -d "/mnt/root/tmp/$top" ]; then
			mkdir -p "/mnt/root/tmp/$top"
			mount -o bind "/mnt/hosttmp/$top" "/mnt/root/tmp/$top"
		fi
		;;
	esac
done
mount -t tmpfs run /mnt/root/run
echo 20 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
t0=$(cut -d' ' -f1 /proc/uptime)
echo "LF-BEGIN uptime=$t0"
# The host root becomes the root of a new mount namespace (as switch_root
# does) rather than a chroot: the kernel refuses user namespaces to chrooted
# processes, and tests create them.
export build src envf script
unshare -m sh -c 'mount --make-rprivate / && cd /mnt/root && mount -o move . / &&
	exec chroot . /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
	LF_BUILD="$build" LF_SRC="$src" LF_ENV="$envf" LF_VM=1 \
	/bin/sh -c "if [ -n \"\$LF_ENV\" ]; then set -a; . \"\$LF_ENV\"; set +a; fi; cd /tmp && exec /bin/sh \"\$0\"" "$script"' </dev/null
rc=$?
echo "LF-RC=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "LF-TAINT=$(cat /proc/sys/kernel/tainted)"
echo "LF-DMESG-BEGIN"
dmesg
echo "LF-DMESG-END"
poweroff -f
INIT
)
modlist="virtio_pci 9pnet_virtio 9p"
key=$(printf '%s\n%s\n%s\n' "$init_text" "$kver" "$modlist" | sha1sum | cut -c1-12)
initrd=$cache/initramfs-$kver-$key.cpio
if [ ! -s "$initrd" ]; then
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,mnt,mods,tmp}
	cp "$(command -v busybox)" "$tmp/bin/busybox"
	printf '%s\n' "$init_text" > "$tmp/init"
	chmod +x "$tmp/init"
	# modprobe from the initramfs (kernel autoload) runs the host's, chrooted
	printf '#!/bin/busybox sh\nexec chroot /mnt/root /sbin/modprobe "$@"\n' > "$tmp/sbin/modprobe"
	chmod +x "$tmp/sbin/modprobe"
	: > "$tmp/mods/order"
	for m in $modlist; do
		modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r ko; do
		n=$(basename "$ko" .ko)
		cp "$ko" "$tmp/mods/$n.ko"
		echo "$n" >> "$tmp/mods/order"
	done
	(cd "$tmp" && find . | cpio -o -H newc --quiet) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$tmp"
fi

# 3. Boot.  The CPU model has no AVX2: QEMU 7.2's TCG computes the
# snapshots' AVX2 kernels (and AVX2 code in glibc) differently from real
# hardware (the same binaries give other integers than on the host; found
# with the Aurora snapshot of the 16-bit/broadcast kernels), so the guest
# runs the scalar builds, which the host's unit tests check bit for bit
# against the AVX2 ones on real hardware.  LF_VM_CPU overrides it.
cpu=${LF_VM_CPU:-qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt}
log=$cache/console-$(basename "$script" .sh).log
start=$(date +%s.%N)
set +e
timeout --foreground "$timeout_s" qemu-system-x86_64 \
	-machine pc,accel=tcg -cpu "$cpu" -smp "$smp" -m 1G -nic none \
	-no-reboot -display none -monitor none -serial stdio \
	-kernel "$vmlinux" -initrd "$initrd" \
	-append "console=ttyS0 quiet panic=-1 slab_nomerge lf.script=$script lf.build=$build lf.src=$src${envf:+ lf.env=$envf}" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
	</dev/null > "$log" 2>&1
qrc=$?
set -e
end=$(date +%s.%N)

# Show the test's own output (between LF-BEGIN and LF-RC).
sed -n '/^LF-BEGIN/,/^LF-RC=/p' "$log" | tr -d '\r'

fail=0
rcline=$(grep -a '^LF-RC=' "$log" | tr -d '\r' | tail -n 1 || true)
if [ -z "$rcline" ]; then
	echo "run-vm: FAIL: no result from the VM (qemu status $qrc; timeout ${timeout_s}s?); console tail:" >&2
	tail -n 40 "$log" >&2
	exit 1
fi
rc=${rcline#LF-RC=}; rc=${rc%% *}
[ "$rc" = 0 ] || { echo "run-vm: FAIL: test script exited with $rc" >&2; fail=1; }

taint=$(grep -a '^LF-TAINT=' "$log" | tr -d '\r' | tail -n 1 | cut -d= -f2)
bad=$(( ${taint:-0} & ~(4096 | 8192) ))
if [ "$bad" -ne 0 ]; then
	echo "run-vm: FAIL: kernel tainted ($taint, unexpected bits $bad)" >&2
	fail=1
fi
pat='Oops|BUG:|Objects remaining|WARNING:|Call Trace|general protection fault|Kernel panic|blocked for more than|soft lockup|hard LOCKUP|rcu_sched self-detected|rcu: INFO|detected stall|UBSAN|KASAN|refcount_t:|list_add corruption|list_del corruption'
if sed -n '/^LF-DMESG-BEGIN/,/^LF-DMESG-END/p' "$log" | grep -aE "$pat" >&2; then
	echo "run-vm: FAIL: kernel log shows the lines above (full log: $log)" >&2
	fail=1
fi
t_begin=$(grep -a '^LF-BEGIN' "$log" | sed 's/.*uptime=//' | tr -d '\r')
t_end=$(echo "$rcline" | sed 's/.*uptime=//')
awk -v s="$start" -v e="$end" -v b="$t_begin" -v r="$t_end" 'BEGIN {
	printf "run-vm: wall %.1f s (guest boot to test start %.2f s, test %.2f s)\n", e - s, b, r - b }'
[ $fail -eq 0 ] && echo "run-vm: PASS $(basename "$script")"
exit $fail
