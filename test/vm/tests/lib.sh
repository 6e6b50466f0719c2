# Shared helpers of the in-VM test scripts (POSIX sh, sourced).
# Paths come from vm-env.sh (CMake) or default to the standard build layout.
set -u
: "${LF_BUILD:?run me through test/vm/run-vm.sh}"
KM=${LF_KMOD:-$LF_BUILD/kmod}
LFCTL=${LFCTL:-$LF_BUILD/bin/lfctl}
LF_NLTEST=${LF_NLTEST:-$LF_BUILD/bin/lf_nltest}
LF_BENCH_USER=${LF_BENCH_USER:-$LF_BUILD/bin/lf_bench_user}
LF_RUNTIME=${LF_RUNTIME:-$LF_BUILD/bin/lf-runtime}
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
nfail=0

fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
ok() { echo "ok   $*"; }
die() { echo "FAIL: $*"; exit 1; }

# check_eq WHAT GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else fail "$1: got '$2', want '$3'"; fi
}
# check_has WHAT TEXT LINE: TEXT contains LINE as a whole line
check_has() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then ok "$1: '$3'"; else
		fail "$1: no line '$3' in:"; printf '%s\n' "$2"; fi
}
param() { cat "/sys/module/$1/parameters/$2"; }
# check_eperm WHO RUNNER: every state-changing lfctl command run through
# RUNNER (e.g. setpriv ..., unshare ...) fails with the one-line EPERM message
check_eperm() {
	who=$1; shift
	for c in "activate lin" "deactivate lin" "config ageing-ms 5" "flush" \
		"push lin --params /etc/hostname"; do
		err=$("$@" "$LFCTL" $c 2>&1 >/dev/null); rc=$?
		case $err in
		"lfctl: "*": permission denied: CAP_NET_ADMIN required"|"lfctl: "*": permission denied: CAP_NET_ADMIN required ("*")")
			[ $rc -eq 1 ] &&
			ok "$who '$c': $err" || fail "$who '$c': rc $rc" ;;
		*) fail "$who '$c': rc $rc, '$err'" ;;
		esac
	done
}
# stat MODEL NAME: one counter from lfctl stats
lfstat() { "$LFCTL" stats "$1" | tr ' ' '\n' | grep -A1 -x "$2" | tail -n 1; }
cfg() { "$LFCTL" config | tr ' ' '\n' | grep -A1 -x "$1" | tail -n 1; }
wait_param() {	# MODULE PARAM SECS: wait until it reads 1
	i=0
	while [ "$(param "$1" "$2")" != 1 ]; do
		i=$((i + 1)); [ $i -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}
load_lin() {
	insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
	insmod "$KM/test/lf_snap_lin_v1.ko" || die "insmod lf_snap_lin_v1"
	insmod "$KM/test/lf_snap_lin_v2.ko" || die "insmod lf_snap_lin_v2"
}
finish() {
	if [ "$nfail" -ne 0 ]; then echo "$nfail check(s) failed"; exit 1; fi
	echo "all checks passed"; exit 0
}
# lf_serve NAME ONNX RANGES_FILE LOG: start `lf-runtime serve` (the userspace
# deployment of model NAME) in the background, wait until it answers
# queries; its pid in LF_SERVE_PID
lf_serve() {
	# the last server's log says "running:" until this one truncates it:
	# waiting on it would start the measurement before the server answers
	rm -f "$4"
	"$LF_RUNTIME" serve --model "$1=$2" --input-range "$(tr -d ' \n' < "$3")" \
		--state-dir "/tmp/rt-serve-$1" 2> "$4" &
	LF_SERVE_PID=$!
	_i=0
	until grep -q "running:" "$4" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 3000 ] && { cat "$4"; die "lf-runtime serve did not start in 300 s"; }
		kill -0 $LF_SERVE_PID 2>/dev/null || { cat "$4"; die "lf-runtime serve exited"; }
		sleep 0.1
	done
}
lf_serve_stop() { kill "$LF_SERVE_PID" 2>/dev/null; wait "$LF_SERVE_PID" 2>/dev/null; }
