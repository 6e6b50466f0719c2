# Shared helpers of the flow-scheduling VM tests (label fs), sourced after
# lib.sh.  Paths: LF_FS_BUILD (examples/fs/build.sh's output: snapshots,
# responder, generator, fs.env), LF_FS_KO (lf_fs.ko).
FSB=${LF_FS_BUILD:-$LF_BUILD/test/vm/fs}
LF_FS_KO=${LF_FS_KO:-$KM/apps/fs/lf_fs.ko}
[ -f "$FSB/fs.env" ] || die "no fs build in $FSB (examples/fs/build.sh)"
. "$FSB/fs.env"
. "$LF_SRC/bench/eval/lib/link.sh"
. "$LF_SRC/bench/eval/lib/fs-link.sh"
FS_CDF=$LF_SRC/bench/eval/cdf
FS_SUMMARY="python3 $LF_SRC/bench/eval/lib/flows.py"

# fsstat NAME: one counter of lf_fs's stats parameter
fsstat() {
	tr ' ' '\n' < /sys/module/lf_fs/parameters/stats | grep -A1 -x "$1" | tail -n 1
}
fsparam() { echo "$2" > "/sys/module/lf_fs/parameters/$1"; }
fcmp() { awk "BEGIN { exit !($1) }"; }

fs_load() { # [lf_fs params...]
	insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
	insmod "$FS_SNAP_FFNN" || die "insmod ffnn snapshot"
	insmod "$LF_FS_KO" "$@" || die "insmod lf_fs"
}
fs_server() { # PORT SERVICES
	lf_in_rcv "$FS_GEN" server --port "$1" --services "$2" 2> server.err &
	FS_SERVER=$!
	sleep 0.3
}
fs_server_stop() { kill "$FS_SERVER" 2>/dev/null; wait "$FS_SERVER" 2>/dev/null; }
