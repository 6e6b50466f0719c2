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

# fs_gen OUT N SEED SERVICES CDF SCALE MAX_SIZE LOAD RATE_MBIT [lf_fsgen args...]:
# N flows from the LF_LINK_SENDERS senders at once (link.sh), each opening
# its share at LOAD / senders with seed SEED + 1000 i, to the fs_server on
# port 5001; their records concatenated into OUT (may be /dev/null), their
# summed counts in FS_GEN_SUMMARY ("started S finished F failed X unfinished
# U skipped K").  On an lf_fsgen error: its message, return 1.
fs_gen() {
	_o=$1 _n=$2 _sd=$3 _sv=$4 _cdf=$5 _sc=$6 _mx=$7 _ld=$8 _rt=$9
	shift 9
	FS_GEN_SUMMARY="started 0 finished 0 failed 0 unfinished 0 skipped 0"
	[ "$_n" -gt 0 ] || { : > "$_o"; return 0; }
	_ns=${LF_LINK_SENDERS:-1} _i=0 _pids=
	_ld=$(awk -v l="$_ld" -v s="$_ns" 'BEGIN { printf "%g", l / s }')
	while [ $_i -lt "$_ns" ]; do
		_k=$((_n / _ns + (_i < _n % _ns ? 1 : 0)))
		rm -f "fsgen.$_i.txt" "fsgen.$_i.err"
		if [ $_k -gt 0 ]; then
			lf_in_sndi $_i "$FS_GEN" client --dst "$LF_LINK_DST" --port 5001 --services "$_sv" \
				--cdf "$_cdf" --scale "$_sc" --max-size "$_mx" --load "$_ld" --rate-mbit "$_rt" \
				--flows $_k --seed $((_sd + 1000 * _i)) --out "fsgen.$_i.txt" "$@" \
				2> "fsgen.$_i.err" &
			_pids="$_pids $!"
		fi
		_i=$((_i + 1))
	done
	_rc=0
	for _p in $_pids; do wait "$_p" || _rc=1; done
	[ $_rc = 0 ] || { cat fsgen.*.err >&2; return 1; }
	cat fsgen.*.txt > "$_o"
	FS_GEN_SUMMARY=$(cat fsgen.*.err | awk '$2 == "started" { for (i = 2; i < NF; i += 2) s[$i] += $(i + 1) }
		END { printf "started %d finished %d failed %d unfinished %d skipped %d",
			s["started"], s["finished"], s["failed"], s["unfinished"], s["skipped"] }')
}

# fs_err_mark, then fs_err: lf_fs's mean |log2 error| of the predicted
# flows labelled since the mark (its sum of |lg(pred) - lg(size)| over its
# labels; labels need a listener: lf-runtime or `lfctl monitor`); 99 when
# no flow was labelled
fs_err_mark() { FS_E0=$(fsstat abs_err_q8) FS_L0=$(fsstat labels); }
fs_err() {
	awk -v e=$(($(fsstat abs_err_q8) - FS_E0)) -v n=$(($(fsstat labels) - FS_L0)) \
		'BEGIN { printf "%.3f", n ? e / n / 256 : 99 }'
}

# fs_adapt_up STATE_DIR [THRESHOLDS]: lf_fs in mode nn with lf-runtime
# adapting the FFNN from its labels (scripts/fs-up.sh --adapt,
# examples/fs/adapt.toml), fresh state; fs_adapt_updates: the daemon's
# snapshot updates so far; fs_adapt_down: everything down (fs-up.sh --down:
# the daemon, lf_fs, the snapshots, lf_core), so the next fs_load starts
# from the bundled weights again.
fs_adapt_up() {
	FS_ADAPT_STATE=$1
	rm -rf "$FS_ADAPT_STATE"
	"$LF_SRC/scripts/fs-up.sh" --build "$LF_BUILD" --mode nn --thresholds "${2:-20000,200000,2000000}" \
		--adapt --state-dir "$FS_ADAPT_STATE" > fs-up.out 2>&1 ||
		{ cat fs-up.out /run/lf-fs/runtime.log; return 1; }
}
fs_adapt_updates() {
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["models"][0]["updates"])' \
		"$FS_ADAPT_STATE/status.json" 2>/dev/null || echo 0
}
fs_adapt_down() {
	"$LF_SRC/scripts/fs-up.sh" --build "$LF_BUILD" --down > fs-down.out 2>&1 || { cat fs-down.out; return 1; }
}
