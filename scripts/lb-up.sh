#!/usr/bin/env bash
# lb-up.sh - brings LiteFlow load balancing up on this host (or takes it down):
# lf_core, the bundled path-scoring MLP (model lbmlp, v1 active and v2 standby
# for weight pushes), lf_lb.ko in the chosen mode, attached to a network
# namespace; with --adapt, lf-runtime tuning the MLP online from lf_lb's
# labels (MSE on the per-path throughput prediction).  Mode user (the
# userspace deployment) needs lf-runtime to answer each flow's query: the
# adapting daemon with --adapt, else `lf-runtime serve` (the MLP as given).
#
# Usage: scripts/lb-up.sh [--build DIR] [--mode nn|ecmp|flowlet|user|off]
#                         [--paths N] [--mark-base M] [--netns NAME]
#                         [--topology FILE.toml] [--adapt] [--state-dir DIR]
#        scripts/lb-up.sh --down [--build DIR]
# Needs root.  The paths are yours to route: lf_lb marks path i's packets
# mark-base + i (default 0x4c00, mask 0xffff) and re-routes them, so give
# each mark an ip rule and a table whose route leaves through path i (see
# README.md, "Load balancing").  --topology builds an emulated one instead
# (a bench/eval/scenarios/lb file: namespaces lbs/lbd/lbpI from
# bench/eval/lib/lb-link.sh, lf_lb attached to lbs, --paths from the file);
# a bad file is refused with one line naming the entry at fault.
# Run again on a running setup, it switches the mode (and rebuilds the
# topology, setting every path up).  --down stops lf-runtime, removes lf_lb
# (it detaches everywhere), the snapshots and lf_core (if nothing else uses
# it) and an emulated topology.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build mode=nn paths= mb=0x4c00 netns= topo= adapt=0 down=0
state=/var/lib/lf-runtime-lb
die() { echo "lb-up: $*" >&2; exit 1; }
usage="usage: lb-up.sh [--build DIR] [--mode nn|ecmp|flowlet|user|off] [--paths N] [--mark-base M] [--netns NAME] [--topology FILE] [--adapt] [--state-dir DIR] | --down"
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=${2:?}; shift 2 ;;
	--mode) mode=${2:?}; shift 2 ;;
	--paths) paths=${2:?}; shift 2 ;;
	--mark-base) mb=${2:?}; shift 2 ;;
	--netns) netns=${2:?}; shift 2 ;;
	--topology) topo=${2:?}; shift 2 ;;
	--adapt) adapt=1; shift ;;
	--state-dir) state=${2:?}; shift 2 ;;
	--down) down=1; shift ;;
	*) die "unknown argument '$1' ($usage)" ;;
	esac
done
case $mode in nn|ecmp|flowlet|user|off) ;; *) die "--mode '$mode': want nn, ecmp, flowlet, user or off" ;; esac
[ -z "$paths" ] || [[ $paths =~ ^[2-8]$ ]] || die "--paths '$paths': want 2..8"
if [ -n "$topo" ]; then
	[ -z "$netns" ] || die "--topology and --netns: the topology's sender is namespace lbs"
	# one line naming the file and the entry, before anything is loaded
	tenv=$(/usr/bin/python3 "$src/bench/eval/scenario.py" env "$topo" 2>&1) || die "${tenv#scenario }"
	case $tenv in LB_NAME=*) ;; *) die "$topo: not a load-balancing scenario (app = \"lb\")" ;; esac
fi
[ "$(id -u)" = 0 ] || die "needs root (loads kernel modules)"
run=/run/lf-lb
mkdir -p "$run"

stop_pid() { # FILE
	if [ -f "$1" ]; then kill "$(cat "$1")" 2>/dev/null || true; rm -f "$1"; fi
}
if [ $down = 1 ]; then
	stop_pid "$run/runtime.pid"
	if grep -q "^lf_lb " /proc/modules; then rmmod lf_lb || die "rmmod lf_lb failed"; fi
	if grep -q "^lf_snap_lbmlp " /proc/modules; then
		"$build/bin/lfctl" deactivate lbmlp > /dev/null 2>&1 || true
	fi
	for m in lf_snap_lbmlp_v2 lf_snap_lbmlp; do
		if grep -q "^$m " /proc/modules; then
			rmmod "$m" 2> /dev/null || echo "lb-up: $m stays (active snapshot, pinned by lf_core)"
		fi
	done
	if awk '$1 == "lf_core" && $3 == 0 { f = 1 } END { exit !f }' /proc/modules; then rmmod lf_core || true; fi
	if [ -f "$run/topology" ]; then
		. "$src/bench/eval/lib/link.sh"
		. "$src/bench/eval/lib/lb-link.sh"
		lf_lb_link_down
		rm -f "$run/topology"
	fi
	echo "lb-up: down"
	exit 0
fi

env=$build/test/vm/lb/lb.env
core=$build/kmod/core/lf_core.ko
ko=$build/kmod/apps/lb/lf_lb.ko
[ -f "$env" ] || die "$env missing: build first (BUILD_DIR=$build scripts/build.sh)"
[ -f "$core" ] && [ -f "$ko" ] || die "$core or $ko missing: build first (kernel headers installed?)"
# shellcheck disable=SC1090
. "$env"
if [ -n "$topo" ]; then
	eval "$tenv"
	paths=$LB_NPATHS
	. "$src/bench/eval/lib/link.sh"
	. "$src/bench/eval/lib/lb-link.sh"
	lf_lb_link_up "$LB_PATHS" "$mb" || die "building the topology of $topo failed"
	echo "$topo" > "$run/topology"
	netns=lbs
fi
paths=${paths:-2}
grep -q "^lf_core " /proc/modules || insmod "$core" || die "insmod $core failed (dmesg)"
grep -q "^lf_snap_lbmlp " /proc/modules || insmod "$LB_SNAP" || die "insmod $LB_SNAP failed"
grep -q "^lf_snap_lbmlp_v2 " /proc/modules || insmod "$LB_SNAP_V2" || die "insmod $LB_SNAP_V2 failed"
P=/sys/module/lf_lb/parameters
if grep -q "^lf_lb " /proc/modules; then
	echo "$paths" 2> /dev/null > $P/npaths || die "--paths $paths refused (dmesg names the value)"
	echo "$mb" 2> /dev/null > $P/mark_base || die "--mark-base $mb refused (dmesg names the value)"
	echo "$mode" > $P/mode
else
	insmod "$ko" mode="$mode" npaths="$paths" mark_base="$mb" ||
		die "insmod lf_lb mode=$mode npaths=$paths mark_base=$mb failed (dmesg)"
fi
if [ -n "$netns" ]; then
	ip netns exec "$netns" sh -c "echo attach > $P/netns" || die "attach to netns $netns failed"
else
	echo attach > $P/netns || die "attach to this namespace failed"
fi
# a rebuilt topology has new devices: lf_lb saw the old ones go (path down)
# and brings a path back up only with its device or by hand
if [ -n "$topo" ]; then
	for ((i = 0; i < paths; i++)); do echo "up $i" > $P/path_state; done
fi
if [ $adapt = 1 ] || [ "$mode" = user ]; then
	rt=$build/bin/lf-runtime
	[ -x "$rt" ] || die "$rt missing: build the runtime"
	stop_pid "$run/runtime.pid"
	if [ $adapt = 1 ]; then
		# settings for per-flow labels: examples/lb/adapt.toml says why
		"$rt" daemon --config "$src/examples/lb/adapt.toml" --model lbmlp="$LB_ONNX" \
			--input-range "$(tr -d ' \n' < "$LB_RANGES")" \
			--state-dir "$state" 2>> "$run/runtime.log" &
	else
		"$rt" serve --model lbmlp="$LB_ONNX" \
			--input-range "$(tr -d ' \n' < "$LB_RANGES")" \
			--state-dir "$state" 2>> "$run/runtime.log" &
	fi
	echo $! > "$run/runtime.pid"
fi
echo "lb-up: lf_lb mode $mode, $paths paths (marks $mb + i), attached to ${netns:-this namespace}${topo:+ (topology $topo)}; stats: cat $P/stats $P/path_state"
