# Test 43 (label lb): scripts/lb-up.sh and the user errors of load balancing.
# - a topology file naming a path twice, or with a negative rate, is refused
#   by lb-up.sh with one line naming the file and the entry, exit 1, and
#   nothing is loaded; so is a bad --mode or --paths;
# - lb-up.sh --topology bench/eval/scenarios/lb/asym-2.toml brings it up:
#   lf_lb in mode nn with 2 paths, attached to the sender's namespace; flows
#   from there are queried once each; a second lb-up.sh --mode ecmp switches
#   the mode in place;
# - lf_lb's parameters refuse bad values with one line in the kernel log
#   naming the parameter and the value, and keep the old value: mode, npaths
#   out of 2..8, a mark_base or mark_mask that leaves a path mark outside the
#   mask, path_state with a bad word or path, netns with a bad word, mode
#   user without a userspace transport; a root shell without CAP_NET_ADMIN
#   gets EPERM and changes nothing;
# - lb-up.sh --down removes lf_lb, the snapshots, lf_core and the topology.
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/lb-lib.sh"

UP=$LF_SRC/scripts/lb-up.sh
TOPO=$LF_SRC/bench/eval/scenarios/lb/asym-2.toml
base=$(cat "$TOPO")
printf '%s\n' "$base" | sed 's/name = "slow"/name = "fast"/' > twice.toml
printf '%s\n' "$base" | sed 's/rate_mbit = 2$/rate_mbit = -2/' > neg.toml
# one_line WHAT WANT-SUBSTRING CMD...: exit 1 and one line containing WANT
one_line() {
	_w=$1 _s=$2
	shift 2
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -qF -- "$_s"; then
		ok "$_w: $out"
	else
		fail "$_w: rc $rc: $out"
	fi
}
one_line "path named twice" "twice.toml: paths[1].name: path 'fast' is named twice (also paths[0])" \
	"$UP" --build "$LF_BUILD" --topology twice.toml
one_line "negative rate" "neg.toml: paths[1].rate_mbit: -2 is outside 0.1..1000" \
	"$UP" --build "$LF_BUILD" --topology neg.toml
one_line "bad mode" "--mode 'fast': want nn, ecmp, flowlet, user or off" "$UP" --build "$LF_BUILD" --mode fast
one_line "bad paths" "--paths '9': want 2..8" "$UP" --build "$LF_BUILD" --paths 9
grep -q "^lf_lb \|^lf_core " /proc/modules && fail "something was loaded after a refused call" ||
	ok "nothing loaded after the refused calls"
ip netns list | grep -q "^lbs" && fail "a topology was built after a refused call" || ok "no topology built"

out=$("$UP" --build "$LF_BUILD" --topology "$TOPO" 2>&1) || die "lb-up.sh --topology: $out"
echo "$out"
check_eq "mode" "$(cat $LBP/mode)" nn
check_eq "npaths" "$(cat $LBP/npaths)" 2
check_eq "attached namespaces" "$(cat $LBP/netns)" 1
lb_server 5001
q0=$(lbstat queries)
lb_flows up.txt 41 10 0.3 22 || fail "flows after lb-up.sh"
check_eq "queries for 10 flows" "$(($(lbstat queries) - q0))" 10
"$UP" --build "$LF_BUILD" --mode ecmp --topology "$TOPO" > /dev/null 2>&1 ||
	fail "lb-up.sh --mode ecmp on a running setup"
check_eq "mode after a second lb-up.sh" "$(cat $LBP/mode)" ecmp
lb_server_stop

# parameters: PARAM VALUE LOG-SUBSTRING
bad() {
	rd="cat $LBP/$1"
	[ "$1" = path_state ] && rd="lbpaths state"
	before=$($rd)
	if echo "$2" > "$LBP/$1" 2>/dev/null; then fail "$1 '$2' accepted"; return; fi
	line=$(dmesg | grep "lf_lb: " | tail -n 1)
	case $line in *"$3"*) ok "$1 '$2': ${line#*lf_lb: }" ;; *) fail "$1 '$2': last log line '$line'" ;; esac
	check_eq "$1 after the bad write" "$($rd)" "$before"
}
bad mode bogus "mode 'bogus': want off, ecmp, flowlet, nn or user"
bad npaths 9 "npaths: '9' is not an integer in 2..8"
bad npaths 1 "npaths: '1' is not an integer in 2..8"
bad mark_base 0x10000 "mark_base: 0x10000 leaves a path mark (mark_base + path) outside mark_mask"
bad mark_mask 0xff "mark_mask: 0xff leaves a path mark (mark_base + path) outside mark_mask"
bad flowlet_us 5 "flowlet_us: '5' is not an integer in 10..1000000"
bad netns join "netns: 'join': want attach or detach"
bad path_state "down 5" "path_state: 'down 5': want 'up N' or 'down N' with N < npaths (2)"
bad path_state "sideways 1" "path_state: 'sideways 1': want 'up N' or 'down N'"
# root without CAP_NET_ADMIN
NOADMIN="setpriv --inh-caps=-net_admin --bounding-set=-net_admin"
err=$($NOADMIN sh -c "echo flowlet > $LBP/mode" 2>&1) && fail "mode written without CAP_NET_ADMIN" ||
	ok "no CAP_NET_ADMIN: refused ($err)"
check_eq "mode after the refused write" "$(cat $LBP/mode)" ecmp
dmesg | grep -q "lf_lb: mode: CAP_NET_ADMIN required" && ok "log: mode: CAP_NET_ADMIN required" ||
	fail "no CAP_NET_ADMIN log line"
err=$($NOADMIN sh -c "echo 'down 0' > $LBP/path_state" 2>&1) && fail "path_state written without CAP_NET_ADMIN" ||
	ok "no CAP_NET_ADMIN: path_state refused"
check_eq "path 0 state" "$(lbpath 0 state)" up

out=$("$UP" --build "$LF_BUILD" --down 2>&1) || fail "lb-up.sh --down: $out"
echo "$out"
grep -q "^lf_lb " /proc/modules && fail "lf_lb still loaded" || ok "lf_lb removed"
grep -q "^lf_snap_lbmlp" /proc/modules && fail "a snapshot still loaded" || ok "snapshots removed"
grep -q "^lf_core " /proc/modules && fail "lf_core still loaded" || ok "lf_core removed"
ip netns list | grep -q "^lb" && fail "topology namespaces left" || ok "topology removed"
finish
