# Test 1: the hand-written lin snapshots through lfctl: list, eval (exact
# values), activate, weight push, refused snapshots, user errors.
. "$LF_SRC/test/vm/tests/lib.sh"

out=$("$LFCTL" list 2>&1); rc=$?
check_eq "lfctl list without lf_core: rc" $rc 1
check_eq "lfctl list without lf_core: message" "$out" \
	"lfctl: generic netlink family 'liteflow' not found: is lf_core loaded?"

load_lin
out=$("$LFCTL" list)
check_has list "$out" "model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 1 standby 2"
check_has list "$out" "    snapshot 1 gen 0 active params 64 stack 32 module lf_snap_lin_v1 flows 0"
check_has list "$out" "    snapshot 2 gen 0 standby params 64 stack 32 module lf_snap_lin_v2 flows 0"

printf '1.0,0.5,-2,0.25\n-1.5, 3.25, 0.125, -0.0078125\n' > in.csv
printf '256,128,-512,64\n-384,832,32,-2\n' > raw.csv
V1='1.78515625,-0.375,3.83984375
0.09375,7.60546875,3.828125'
V2='-2.3671875,-0.9765625,-0.015625
1.6953125,2.28125,-0.05078125'
P='1.80859375,-0.375,3.83984375
0.1171875,7.60546875,3.828125'
check_eq "eval active (v1)" "$("$LFCTL" eval lin --input in.csv)" "$V1"
check_eq "eval --raw (v1)" "$("$LFCTL" eval lin --input raw.csv --raw)" "457,-96,983
24,1947,980"
check_eq "eval --version 2" "$("$LFCTL" eval lin --input in.csv --version 2)" "$V2"
check_eq "eval --standby" "$("$LFCTL" eval lin --input in.csv --standby)" "$V2"
check_eq "eval --json" "$("$LFCTL" --json eval lin --input raw.csv --raw)" \
	'{"model":"lin","outputs":[[457,-96,983],[24,1947,980]]}'

"$LFCTL" activate lin || fail "activate"
check_has "list after activate" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 2 standby 1"
check_eq "eval after activate (v2)" "$("$LFCTL" eval lin --input in.csv)" "$V2"
check_eq "switches" "$(lfstat lin switches)" 1
"$LFCTL" activate lin --version 1 || fail "activate --version 1"
check_eq "switches" "$(lfstat lin switches)" 2

# weight push into the standby (v2): V1 weights with b[0] = 7
python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<15iI",
	256,128,-64,32, -256,512,0,16, 3,-5,7,-11, 7,-100,1000, 8))' > p.bin
check_eq push "$("$LFCTL" push lin --params p.bin)" "pushed lin standby version 2 gen 1"
check_has "list after push" "$("$LFCTL" list)" \
	"    snapshot 2 gen 1 standby params 64 stack 32 module lf_snap_lin_v2 flows 0"
check_eq "eval pushed standby" "$("$LFCTL" eval lin --input in.csv --standby)" "$P"
check_eq "eval active unchanged" "$("$LFCTL" eval lin --input in.csv)" "$V1"
"$LFCTL" activate lin || fail activate
check_eq "eval pushed, now active" "$("$LFCTL" eval lin --input in.csv)" "$P"
check_eq pushes "$(lfstat lin pushes)" 1
check_eq "queries (eval bypasses the router)" "$(lfstat lin queries)" 0
"$LFCTL" --json list | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]
assert d["active"] == 2 and d["standby"] == 1 and d["snapshots"][1]["gen"] == 1, d' &&
	ok "list --json" || fail "list --json"

# snapshots that must be refused, with a clear errno and log line
out=$(insmod "$KM/test/lf_snap_lin_badarch.ko" 2>&1) && fail "badarch loaded"
case $out in *"Invalid parameters"*) ok "badarch: EINVAL" ;; *) fail "badarch: $out" ;; esac
dmesg | grep -q "lf_core: model lin: snapshot v3 rejected: arch hash 0x4c494e0004000002" &&
	ok "badarch: log line" || fail "badarch: no log line"
out=$(insmod "$KM/test/lf_snap_lin_dup.ko" 2>&1) && fail "dup loaded"
case $out in *"File exists"*) ok "dup: EEXIST" ;; *) fail "dup: $out" ;; esac
dmesg | grep -q "lf_core: model lin: snapshot v1 rejected: version already registered" &&
	ok "dup: log line" || fail "dup: no log line"

# user errors: one line on stderr, exit 1
experr() {	# WHAT WANT-STDERR CMD...
	what=$1 want=$2; shift 2
	err=$("$@" 2>&1 >/dev/null); rc=$?
	[ $rc -eq 1 ] && [ "$err" = "$want" ] && ok "$what" || fail "$what: rc $rc, '$err'"
}
experr "unknown model" "lfctl: eval nope: model 'nope' not found" \
	"$LFCTL" eval nope --input in.csv
experr "activate unknown model" "lfctl: activate nope: model 'nope' not found" \
	"$LFCTL" activate nope
printf '1,2,3\n' > bad.csv
experr "short CSV row" "lfctl: eval: bad.csv:1: expected 4 values, got 3" \
	"$LFCTL" eval lin --input bad.csv
printf '1,2,x,4\n' > bad.csv
experr "bad CSV number" "lfctl: eval: bad.csv:1: bad number in column 3" \
	"$LFCTL" eval lin --input bad.csv
head -c 60 p.bin > short.bin
experr "push of the wrong size" \
	"lfctl: push lin: Invalid argument (params size, arch hash or version differs from the standby snapshot's)" \
	"$LFCTL" push lin --params short.bin
experr "missing CSV" "lfctl: eval: cannot open 'none.csv': No such file or directory" \
	"$LFCTL" eval lin --input none.csv

# module lifetime
rmmod lf_core 2>/dev/null && fail "rmmod lf_core succeeded" || ok "rmmod lf_core refused"
rmmod lf_snap_lin_v2 2>/dev/null && fail "rmmod of the active snapshot succeeded" ||
	ok "rmmod of the active snapshot refused"
rmmod lf_snap_lin_v1 && ok "rmmod of the standby snapshot" || fail "rmmod lf_snap_lin_v1"
check_has "list after rmmod" "$("$LFCTL" list)" \
	"model lin id 1 arch 0x4c494e0004000003 in 4 out 3 active 2 standby -"
finish
