#!/usr/bin/env bash
# cc-up.sh - bring LiteFlow's congestion control up (or down) on this host.
#
# Usage (root): scripts/cc-up.sh [--build DIR] [--default] [--no-adapt | --no-runtime]
#               scripts/cc-up.sh --down [--build DIR]
#               scripts/cc-up.sh --bpf [--down] [--build DIR] [--default] [--no-runtime]
#
# Up: loads lf_core, the bundled snapshots (model aurora: v1 active, v4 as the
# standby that weight pushes land in; model mocc v1) and lf_cc (lf_aurora,
# lf_mocc, lf_aurora_user, lf_dummy), then starts lf-runtime tuning model
# aurora online with REINFORCE from lf_cc's samples (lf_cc explores with
# noise of 0.1 and moves connections to the active snapshot every 2 s); the
# same lf-runtime answers lf_aurora_user's per-MI queries with the float
# policy it tunes (lf_core's userspace queries).
#   --default     also make lf_aurora the host's default CC (sysctl)
#   --no-adapt    lf-runtime only answers lf_aurora_user (`lf-runtime serve`)
#   --no-runtime  no lf-runtime: no adaptation, lf_aurora_user falls back to
#                 CUBIC
# Then: iperf3 -C lf_aurora ..., setsockopt(TCP_CONGESTION, "lf_aurora"),
# `lfctl stats aurora`, `cat /sys/module/lf_cc/parameters/stats`.
# Down: stops lf-runtime, restores the previous default CC, unloads lf_cc
# (refused while connections use it: retry when they end) and the standby
# snapshots.  The active snapshot and lf_core stay loaded: lf_core pins the
# active snapshot's module (docs/KERNEL.md); reboot or deactivate it first.
# --bpf: the BPF struct_ops CCs instead (lf_aurora_bpf, lf_dummy_bpf; no
# LiteFlow module at all): kmod/apps/cc/bpf's lf_cc_bpf loads and registers
# them with the Aurora policy's weights and adds the names to
# net.ipv4.tcp_allowed_congestion_control, then starts lf-runtime on the BPF
# backend (backend = "bpf": samples from the lf_samples ring buffer, REINFORCE,
# updates by a write of the idle params buffer and an index flip; config
# /run/lf-cc/runtime_bpf.toml, state $LF_RUNTIME_STATE or
# /var/lib/lf-runtime-bpf, log /run/lf-cc/runtime_bpf.log; --no-runtime: none);
# --bpf --down stops lf-runtime, unregisters the CCs and drops the names
# (docs/BPF.md).
# State: /run/lf-cc.  Every failure: one line on stderr, exit 1.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$src/build}
down= setdef= runtime=1 adapt=1 bpf=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--down) down=1; shift ;;
	--default) setdef=1; shift ;;
	--no-runtime) runtime=; shift ;;
	--no-adapt) adapt=; shift ;;
	--bpf) bpf=1; shift ;;
	-h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "cc-up: unknown argument '$1' (try --help)" >&2; exit 1 ;;
	esac
done
die() { echo "cc-up: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (loads kernel modules)"
state=/run/lf-cc
mod_loaded() { [ -d "/sys/module/$1" ]; }
# stop_runtime NAME: stops the lf-runtime of $state/NAME.pid and waits until
# it has exited (it saves its checkpoint and tuned.onnx first)
stop_runtime() {
	[ -f "$state/$1.pid" ] || return 0
	pid=$(cat "$state/$1.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && die "lf-runtime (pid $pid) did not stop in 60 s"
	rm -f "$state/$1.pid"
}
# start_runtime NAME ARGS...: lf-runtime ARGS in the background (log
# $state/NAME.log, pid $state/NAME.pid) once it runs (it maps LibTorch first)
start_runtime() {
	name=$1; shift
	stop_runtime "$name"
	# a log left by the last run says "running:" before this one truncates it
	rm -f "$state/$name.log"
	"$build/bin/lf-runtime" "$@" > "$state/$name.log" 2>&1 &
	echo $! > "$state/$name.pid"
	for _ in $(seq 1800); do
		grep -q "running:" "$state/$name.log" && return 0
		kill -0 "$(cat "$state/$name.pid")" 2>/dev/null ||
			die "lf-runtime exited: $(tail -n 1 "$state/$name.log")"
		sleep 0.1
	done
	die "lf-runtime did not start in 180 s ($state/$name.log)"
}

if [ -n "$bpf" ]; then
	ccb=$build/test/vm/cc-bpf/lf_cc_bpf
	[ -x "$ccb" ] || die "$ccb missing: build the project first (kmod/apps/cc/bpf/build.sh)"
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null ||
		die "cannot mount bpffs on /sys/fs/bpf"
	mkdir -p $state
	if [ -n "$down" ]; then
		stop_runtime runtime_bpf
		if [ -f $state/prev_cc_bpf ]; then
			sysctl -qw net.ipv4.tcp_congestion_control="$(cat $state/prev_cc_bpf)" || true
			rm -f $state/prev_cc_bpf
		fi
		"$ccb" down >/dev/null || exit 1
		echo "cc-up: lf_aurora_bpf down"
		exit 0
	fi
	rt=$build/bin/lf-runtime
	if [ -n "$runtime" ]; then
		[ -n "$adapt" ] || die "--bpf --no-adapt: a BPF CC makes no userspace queries (use --no-runtime)"
		[ -x "$rt" ] || die "no $rt (configure with -DLF_BUILD_RUNTIME=ON) or use --no-runtime"
	fi
	"$ccb" up "$build/test/vm/cc-bpf/aurora/aurora_cc.params" >/dev/null || exit 1
	if [ -n "$setdef" ]; then
		sysctl -n net.ipv4.tcp_congestion_control > $state/prev_cc_bpf
		sysctl -qw net.ipv4.tcp_congestion_control=lf_aurora_bpf ||
			die "cannot make lf_aurora_bpf the default CC"
	fi
	if [ -n "$runtime" ]; then
		cat > $state/runtime_bpf.toml <<-EOF
		[models.aurora_cc]
		onnx = "$src/examples/cc/aurora.onnx"
		input_ranges = "$(tr -d ' \n' < "$src/examples/cc/ranges_aurora.txt")"
		backend = "bpf"
		bpf_pin_dir = "/sys/fs/bpf/lf_cc_bpf"
		objective = "reinforce"
		update = "push"
		EOF
		start_runtime runtime_bpf daemon --config $state/runtime_bpf.toml \
			--state-dir "${LF_RUNTIME_STATE:-/var/lib/lf-runtime-bpf}"
	fi
	echo "cc-up: lf_aurora_bpf and lf_dummy_bpf up (BPF, no module)${runtime:+; lf-runtime adapting model aurora_cc (log $state/runtime_bpf.log)}; iperf3 -C lf_aurora_bpf ..."
	exit 0
fi

if [ -n "$down" ]; then
	stop_runtime runtime
	if [ -f $state/prev_cc ]; then
		sysctl -qw net.ipv4.tcp_congestion_control="$(cat $state/prev_cc)" || true
		rm -f $state/prev_cc
	fi
	if mod_loaded lf_cc; then
		rmmod lf_cc 2>/dev/null || die "lf_cc is in use (connections or a default CC use it): retry when they end"
	fi
	for m in lf_snap_aurora_cc_v4 lf_snap_mocc_cc lf_snap_aurora_cc; do
		mod_loaded $m && { rmmod $m 2>/dev/null || echo "cc-up: $m stays (active snapshot, pinned by lf_core)"; }
	done
	echo "cc-up: down"
	exit 0
fi

cc=$build/test/vm/cc
[ -f "$cc/cc.env" ] || die "no bundled snapshots in $cc: build first (ninja -C $build lf_vm_deps)"
. "$cc/cc.env"
core=$build/kmod/core/lf_core.ko
lfcc=$build/kmod/apps/cc/lf_cc.ko
[ -f "$core" ] && [ -f "$lfcc" ] || die "no lf_core.ko/lf_cc.ko under $build/kmod: build first"
ver=$(modinfo -F vermagic "$lfcc" | cut -d' ' -f1)
[ "$ver" = "$(uname -r)" ] || die "lf_cc.ko is built for $ver, this kernel is $(uname -r)"
mkdir -p $state
mod_loaded lf_core || insmod "$core" || die "insmod lf_core failed (dmesg)"
mod_loaded lf_snap_aurora_cc || insmod "$CC_SNAP_AURORA" || die "insmod $CC_SNAP_AURORA failed (dmesg)"
mod_loaded lf_snap_aurora_cc_v4 || insmod "$CC_SNAP_AURORA_V4" || die "insmod $CC_SNAP_AURORA_V4 failed"
mod_loaded lf_snap_mocc_cc || insmod "$CC_SNAP_MOCC" || die "insmod $CC_SNAP_MOCC failed (dmesg)"
modprobe -q tcp_bbr || true
mod_loaded lf_cc || insmod "$lfcc" || die "insmod lf_cc failed (dmesg)"
if [ -n "$setdef" ]; then
	sysctl -n net.ipv4.tcp_congestion_control > $state/prev_cc
	sysctl -qw net.ipv4.tcp_congestion_control=lf_aurora || die "cannot make lf_aurora the default"
fi
if [ -n "$runtime" ]; then
	rt=$build/bin/lf-runtime
	[ -x "$rt" ] || die "no $rt (configure with -DLF_BUILD_RUNTIME=ON) or use --no-runtime"
	if [ -n "$adapt" ]; then
		echo 100 > /sys/module/lf_cc/parameters/explore_milli
		echo 2000 > /sys/module/lf_cc/parameters/repin_ms
		set -- daemon --objective reinforce --update push --state-dir /var/lib/lf-runtime
	else
		set -- serve --state-dir $state/serve	# answering only: nothing to keep
	fi
	start_runtime runtime "$@" --model aurora="$src/examples/cc/aurora.onnx" \
		--input-range "$(tr -d ' \n' < "$src/examples/cc/ranges_aurora.txt")"
fi
echo "cc-up: lf_aurora, lf_mocc, lf_aurora_user, lf_dummy ready${setdef:+ (lf_aurora is the default)}${runtime:+; lf-runtime ${adapt:+adapting model aurora and }answering lf_aurora_user (log $state/runtime.log)}"
