#!/usr/bin/env bash
# fs-up.sh - brings LiteFlow flow scheduling up on this host (or takes it down):
# lf_core, the bundled FFNN snapshot (model ffnn, v1 active and v2 standby for
# weight pushes), lf_fs.ko in the chosen mode, and lf-runtime when something
# needs it: for mode user it answers lf_fs's per-flow queries with the FFNN
# (`lf-runtime serve`, one netlink round trip per new flow); with --adapt it
# also tunes the FFNN online from lf_fs's labels (`lf-runtime daemon`,
# supervised MSE on log2 size) and updates the kernel's snapshot.
#
# Usage: scripts/fs-up.sh [--build DIR] [--mode nn|user|pias|off]
#                         [--thresholds B1,B2,B3] [--adapt] [--state-dir DIR]
#   --state-dir  where the adapting daemon keeps its state (default
#                /var/lib/lf-runtime-fs); mode user alone keeps none
#        scripts/fs-up.sh --down [--build DIR]
# Needs root.  The bottleneck's qdisc is yours: lf_fs marks class c as DSCP
# CS(c + 1) and skb->priority c (see README.md, "Flow scheduling";
# bench/eval/lib/fs-link.sh builds a 4-band prio bottleneck).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build mode=nn thr=20000,200000,2000000 adapt=0 down=0
state=/var/lib/lf-runtime-fs
die() { echo "fs-up: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=${2:?}; shift 2 ;;
	--mode) mode=${2:?}; shift 2 ;;
	--thresholds) thr=${2:?}; shift 2 ;;
	--adapt) adapt=1; shift ;;
	--state-dir) state=${2:?}; shift 2 ;;
	--down) down=1; shift ;;
	*) die "unknown argument '$1' (usage: fs-up.sh [--build DIR] [--mode nn|user|pias|off] [--thresholds B1,B2,B3] [--adapt] [--state-dir DIR] | --down)" ;;
	esac
done
case $mode in nn|user|pias|off) ;; *) die "--mode '$mode': want nn, user, pias or off" ;; esac
[ "$(id -u)" = 0 ] || die "needs root (loads kernel modules)"
run=/run/lf-fs
mkdir -p "$run"

stop_pid() { # FILE: stop the process and wait until it is gone (5 s)
	if [ -f "$1" ]; then
		p=$(cat "$1")
		kill "$p" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		rm -f "$1"
	fi
}
if [ $down = 1 ]; then
	stop_pid "$run/runtime.pid"
	if grep -q "^lf_fs " /proc/modules; then rmmod lf_fs || die "rmmod lf_fs failed"; fi
	# the active snapshot's module is pinned by lf_core until it is retired
	if grep -q "^lf_snap_ffnn_fs" /proc/modules; then
		"$build/bin/lfctl" deactivate ffnn > /dev/null 2>&1 || true
	fi
	for m in lf_snap_ffnn_fs_v2 lf_snap_ffnn_fs; do
		if grep -q "^$m " /proc/modules; then
			rmmod "$m" 2> /dev/null || echo "fs-up: $m stays (active snapshot, pinned by lf_core)"
		fi
	done
	# lf_core stays if other LiteFlow modules use it
	if awk '$1 == "lf_core" && $3 == 0 { f = 1 } END { exit !f }' /proc/modules; then rmmod lf_core || true; fi
	echo "fs-up: down"
	exit 0
fi

env=$build/test/vm/fs/fs.env
core=$build/kmod/core/lf_core.ko
ko=$build/kmod/apps/fs/lf_fs.ko
[ -f "$env" ] || die "$env missing: build first (BUILD_DIR=$build scripts/build.sh)"
[ -f "$core" ] && [ -f "$ko" ] || die "$core or $ko missing: build first (kernel headers installed?)"
# shellcheck disable=SC1090
. "$env"
grep -q "^lf_core " /proc/modules || insmod "$core" || die "insmod $core failed (dmesg)"
grep -q "^lf_snap_ffnn_fs " /proc/modules || insmod "$FS_SNAP_FFNN" || die "insmod $FS_SNAP_FFNN failed"
grep -q "^lf_snap_ffnn_fs_v2 " /proc/modules || insmod "$FS_SNAP_FFNN_V2" ||
	die "insmod $FS_SNAP_FFNN_V2 failed"
if grep -q "^lf_fs " /proc/modules; then
	echo "$mode" > /sys/module/lf_fs/parameters/mode
	echo "$thr" 2> /dev/null > /sys/module/lf_fs/parameters/thresholds ||
		die "thresholds '$thr' refused (dmesg names the value)"
else
	insmod "$ko" mode="$mode" thresholds="$thr" || die "insmod lf_fs mode=$mode thresholds=$thr failed (dmesg)"
fi
if [ "$mode" = user ] || [ $adapt = 1 ]; then
	rt=$build/bin/lf-runtime
	[ -x "$rt" ] || die "$rt missing: build the runtime (-DLF_BUILD_RUNTIME=ON)"
	stop_pid "$run/runtime.pid"
	rm -f "$run/runtime.log"	# the last run's says "running:" until truncated
	if [ $adapt = 1 ]; then
		# settings for per-flow samples: examples/fs/adapt.toml says why
		set -- daemon --config "$src/examples/fs/adapt.toml" --state-dir "$state"
	else
		# answering only: nothing to keep across runs
		set -- serve --state-dir "$run/serve"
	fi
	"$rt" "$@" --model ffnn="$src/examples/fs/ffnn.onnx" \
		--input-range "$(tr -d ' \n' < "$src/examples/fs/ranges_ffnn.txt")" \
		2> "$run/runtime.log" &
	echo $! > "$run/runtime.pid"
	for _ in $(seq 300); do
		grep -q "running:" "$run/runtime.log" 2> /dev/null && break
		kill -0 "$(cat "$run/runtime.pid")" 2> /dev/null ||
			{ rm -f "$run/runtime.pid"; die "lf-runtime exited: $(tail -n 1 "$run/runtime.log")"; }
		sleep 0.1
	done
fi
echo "fs-up: lf_fs mode $mode, thresholds $thr$([ $adapt = 1 ] && echo "; lf-runtime adapting ffnn (state $state)")$([ "$mode" = user ] && echo "; lf-runtime answers each new flow's query"); stats: cat /sys/module/lf_fs/parameters/stats"
