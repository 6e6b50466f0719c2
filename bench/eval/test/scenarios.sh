#!/usr/bin/env bash
# The scenario files of bench/eval (ctest cc.eval-scenarios, fs.eval-scenarios
# and lb.eval-scenarios, on the host; one loader for every application): every
# shipped scenario (cc, fs, lb) is valid and plans runs or prints its
# environment; a file with an unknown key or an impossible value is refused
# with exactly one line that names the file and the key (and the entry),
# exit 2, and run.sh refuses it the same way before it boots anything.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=/usr/bin/python3
S="$py $here/scenario.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
ok() { echo "ok   $*"; }

$S check "$here"/scenarios/*.toml && ok "shipped scenarios are valid" || fail "shipped scenarios refused"
n=$($S plan "$here"/scenarios/*.toml | wc -l)
[ "$n" -ge 100 ] && ok "plan: $n runs" || fail "plan: only $n runs"
q=$($S plan --quick "$here"/scenarios/steady-24-40.toml)
[ "$(printf '%s\n' "$q" | wc -l)" = 8 ] && ok "quick plan: one run per CC" || fail "quick plan: $q"
printf '%s\n' "$q" | grep -qx 'steady-24-40|lf_aurora|1|8|24|40|100|0|1||0|' && ok "plan line fields" ||
	fail "plan line: $(printf '%s\n' "$q" | head -n 1)"

r=$($S plan --reps 2 "$here"/scenarios/steady-24-40.toml)
[ "$(printf '%s\n' "$r" | wc -l)" = 16 ] && ok "--reps 2: two repetitions of the shipped three" ||
	fail "--reps 2 plan: $(printf '%s\n' "$r" | wc -l) runs"
e=$($S plan --reps 0 "$here"/scenarios/steady-24-40.toml 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] && [ "$(printf '%s\n' "$e" | wc -l)" = 1 ] && printf '%s' "$e" | grep -q -- --reps &&
	ok "--reps 0 refused in one line" || fail "--reps 0: rc $rc: $e"

base='description = "t"
duration = 10
[link]
rate_mbit = 10
rtt_ms = 20
queue_pkts = 20'
# bad NAME EXPECTED-SUBSTRING TOML
bad() {
	printf '%s\n' "$3" > "$tmp/$1.toml"
	out=$($S check "$tmp/$1.toml" 2>&1); rc=$?
	lines=$(printf '%s\n' "$out" | wc -l)
	if [ $rc -eq 2 ] && [ "$lines" = 1 ] && printf '%s' "$out" | grep -qF -- "$2" &&
		printf '%s' "$out" | grep -qF "$tmp/$1.toml"; then
		ok "$1: $out"
	else
		fail "$1: rc $rc, $lines line(s): $out"
	fi
}
bad unknown-top "unknown key 'durtion'" "durtion = 3
$base"
bad unknown-link "unknown key 'link.rat'" "$base
rat = 3"
bad unknown-flows "unknown key 'flows.cnt'" "$base
[flows]
cnt = 2"
bad unknown-step "unknown key 'link.steps[0].rate'" "$base
[[link.steps]]
at = 2
rate = 3"
bad rate-neg "link.rate_mbit: -3 is outside" "${base/rate_mbit = 10/rate_mbit = -3}"
bad rtt-huge "link.rtt_ms: 5000 is outside" "${base/rtt_ms = 20/rtt_ms = 5000}"
bad queue-zero "link.queue_pkts: 0 is outside" "${base/queue_pkts = 20/queue_pkts = 0}"
bad queue-float "link.queue_pkts: expected an integer" "${base/queue_pkts = 20/queue_pkts = 2.5}"
bad loss-60 "link.loss_pct: 60 is outside" "$base
loss_pct = 60"
bad duration-0 "duration: 0 is outside" "${base/duration = 10/duration = 0}"
bad rate-string "link.rate_mbit: expected a number" "${base/rate_mbit = 10/rate_mbit = \"fast\"}"
bad no-link "link: missing table [link]" 'description = "t"
duration = 5'
bad step-late "link.steps[0].at: 12 is outside 0..10" "$base
[[link.steps]]
at = 12
rate_mbit = 5"
bad step-zero "link.steps[0].at: 0 is not inside the run" "$base
[[link.steps]]
at = 0
rate_mbit = 5"
bad step-order "link.steps[1].at: 2 is not after the previous step" "$base
[[link.steps]]
at = 5
rate_mbit = 5
[[link.steps]]
at = 2
rate_mbit = 8"
bad cc-unknown "ccs: unknown congestion control 'vegas'" "ccs = [\"vegas\"]
$base"
bad flows-9 "flows.count: 9 is outside" "$base
[flows]
count = 9"
bad against "flows.against: unknown congestion control 'nope'" "$base
[flows]
against = \"nope\""
bad not-toml "not TOML" "rate = = 3"
out=$($S check "$tmp/missing.toml" 2>&1); rc=$?
[ $rc = 2 ] && printf '%s' "$out" | grep -q "missing.toml: cannot read" && ok "missing file: $out" ||
	fail "missing file: rc $rc $out"
out=$("$here/run.sh" "$tmp/rate-neg.toml" 2>&1); rc=$?
[ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && printf '%s' "$out" | grep -q "link.rate_mbit" &&
	ok "run.sh refuses it first: $out" || fail "run.sh: rc $rc: $out"
out=$("$here/run.sh" --bogus 2>&1); rc=$?
[ $rc = 2 ] && [ "$out" = "run.sh: unknown option --bogus" ] && ok "run.sh: $out" || fail "run.sh --bogus: rc $rc $out"

# flow scheduling and load balancing: the same loader, their own sections
$S check "$here"/scenarios/fs/*.toml "$here"/scenarios/lb/*.toml && ok "shipped fs and lb scenarios are valid" ||
	fail "shipped fs/lb scenarios refused"
[ "$($S app "$here"/scenarios/fs/websearch.toml)" = fs ] && [ "$($S app "$here"/scenarios/steady-24-40.toml)" = cc ] &&
	[ "$($S app "$here"/scenarios/lb/asym-2.toml)" = lb ] && ok "app of each kind" || fail "scenario.py app"
e=$($S env "$here"/scenarios/lb/asym-2.toml)
printf '%s\n' "$e" | grep -qx "LB_PATHS='fast:20:4:100:0 slow:2:4:100:0'" &&
	printf '%s\n' "$e" | grep -qx "LB_NAME='lb-asym-2'" && printf '%s\n' "$e" | grep -qx "LB_RATE_SUM='22'" &&
	ok "lb env: paths, name, total rate" || fail "lb env: $e"
e=$($S env --quick "$here"/scenarios/fs/websearch.toml)
printf '%s\n' "$e" | grep -qx "FS_REPS='1'" && printf '%s\n' "$e" | grep -qx "FS_FLOWS='60'" &&
	printf '%s\n' "$e" | grep -qx "FS_THR='20000,200000,2000000'" && ok "fs env --quick" || fail "fs env: $e"
[ -z "$($S plan "$here"/scenarios/lb/asym-2.toml)" ] && ok "no cc plan lines for lb" || fail "plan of lb"
lb='app = "lb"
description = "t"
cdf = "websearch.cdf"
[[paths]]
name = "a"
rate_mbit = 10
rtt_ms = 4
[[paths]]
name = "b"
rate_mbit = 1
rtt_ms = 4'
bad lb-twice "paths[1].name: path 'a' is named twice (also paths[0])" "${lb/name = \"b\"/name = \"a\"}"
bad lb-neg-rate "paths[1].rate_mbit: -1 is outside 0.1..1000" "${lb/rate_mbit = 1$'\n'/rate_mbit = -1$'\n'}"
bad lb-one-path "paths: 1 paths, want 2..8" 'app = "lb"
description = "t"
cdf = "websearch.cdf"
[[paths]]
name = "a"
rate_mbit = 10
rtt_ms = 4'
bad lb-unknown "unknown key 'paths[0].rat'" "${lb/rate_mbit = 10/rat = 10}"
bad lb-loss "paths[0].loss_pct: 60 is outside" "${lb/rtt_ms = 4/rtt_ms = 4
loss_pct = 60}"
bad lb-change-path "changes[0].path: 'c' is not a path of [[paths]]" "$lb
[[changes]]
at = 3
path = \"c\"
rate_mbit = 2"
bad lb-change-empty "changes[0]: changes nothing" "$lb
[[changes]]
at = 3
path = \"a\""
bad lb-scheme "schemes: unknown scheme 'wcmp'" "schemes = [\"wcmp\"]
$lb"
bad lb-cdf "cdf: no file" "${lb/websearch.cdf/nope.cdf}"
bad fs-thr "thresholds: want 1 to 3 increasing byte counts" 'app = "fs"
name = "x"
cdf = "websearch.cdf"
thresholds = [300, 200]'
bad fs-name "name: 'a b': letters, digits" 'app = "fs"
name = "a b"
cdf = "websearch.cdf"'
fs='app = "fs"
name = "x"
cdf = "websearch.cdf"'
bad fs-senders "senders: 9 is outside 1..8" "$fs
senders = 9"
bad fs-scheme "schemes: unknown scheme 'lf_adpt'" "$fs
schemes = [\"lf\", \"lf_adpt\"]"
bad fs-warmup "warmup_flows: expected an integer" "$fs
warmup_flows = 1.5"
bad fs-shift-key "unknown key 'shift.service'" "$fs
[shift]
service = 1"
bad fs-shift-same "shift: changes nothing" "$fs
[shift]
services = 4
after_flows = 10"
bad fs-shift-cdf "shift.cdf: no file" "$fs
[shift]
cdf = \"nope.cdf\""
bad fs-shift-after "shift.after_flows: -1 is outside" "$fs
[shift]
services = 1
after_flows = -1"
bad fs-shift-table "shift: expected a table [shift]" "shift = 3
$fs"
e=$($S env "$here"/scenarios/fs/shift-websearch.toml)
printf '%s\n' "$e" | grep -qx "FS_SHIFT='1'" && printf '%s\n' "$e" | grep -qx "FS_SH_SERVICES='1'" &&
	printf '%s\n' "$e" | grep -q "^FS_SCHEMES='.*lf lf_adapt'" && printf '%s\n' "$e" | grep -qx "FS_SENDERS='2'" &&
	ok "fs env: the shift, lf_adapt, 2 senders" || fail "fs shift env: $e"
e=$($S env --quick "$here"/scenarios/fs/shift-websearch.toml)
printf '%s\n' "$e" | grep -qx "FS_SH_AFTER='100'" && ok "fs env --quick: the adaptation time capped" ||
	fail "fs shift env --quick: $e"
bad app-unknown "app: unknown application 'xx'" 'app = "xx"'
out=$("$here/run.sh" --app lb "$tmp/lb-twice.toml" 2>&1); rc=$?
[ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && printf '%s' "$out" | grep -q "named twice" &&
	ok "run.sh refuses a bad lb file first: $out" || fail "run.sh lb: rc $rc: $out"
[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "all checks passed"
