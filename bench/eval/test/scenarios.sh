#!/usr/bin/env bash
# The scenario files of bench/eval (ctest cc.eval-scenarios, on the host):
# every shipped scenario is valid and plans runs; a file with an unknown key
# or an impossible value is refused with exactly one line that names the
# file and the key, exit 2, and run.sh refuses it the same way before it
# boots anything.
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
[ $nfail -eq 0 ] || { echo "$nfail check(s) failed"; exit 1; }
echo "all checks passed"
