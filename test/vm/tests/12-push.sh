# Test 12: weight pushes larger than one netlink attribute (256 KiB): staged
# in chunks and committed, all or nothing.
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
insmod "$KM/test/lf_regress.ko" scenario=big || die "insmod lf_regress big"
check_has "big registered" "$("$LFCTL" list)" \
	"    snapshot 2 gen 0 standby params 262144 stack 32 module lf_regress flows 0"
# big.bin: lin weights V1 with b[0] = B, padding, last byte L (added to out[2])
mkbig() {
	python3 -c 'import struct,sys
b, last, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
w = struct.pack("<15iI", 256,128,-64,32, -256,512,0,16, 3,-5,7,-11, b,-100,1000, 8)
open(out, "wb").write(w + bytes(262144 - len(w) - 1) + bytes([last]))' "$@"
}
mkbig 9 77 big.bin
mkbig 11 5 big2.bin
printf '0,0,0,0\n' > zero.csv
ev() { "$LFCTL" eval big --input zero.csv --raw "$@"; }
check_eq "eval standby before" "$(ev --standby)" "2,50,-7"

check_eq "chunked push" "$("$LFCTL" push big --params big.bin)" "pushed big standby version 2 gen 1"
check_eq "eval pushed standby (b[0] and the last byte)" "$(ev --standby)" "9,-100,1077"
check_eq "eval active unchanged" "$(ev)" "1,-100,1000"
check_eq "pushes" "$(lfstat big pushes)" 1

# failed chunked pushes change nothing
for mode in partial gap early other; do
	"$LF_NLTEST" chunks big big2.bin $mode > nl.out && ok "chunks $mode: answers as expected" ||
		{ fail "chunks $mode"; cat nl.out; }
	check_eq "after chunks $mode: standby" "$(ev --standby)" "9,-100,1077"
	check_has "after chunks $mode: gen" "$("$LFCTL" list)" \
		"    snapshot 2 gen 1 standby params 262144 stack 32 module lf_regress flows 0"
done
check_eq "pushes after failed pushes" "$(lfstat big pushes)" 1
# a blob that breaks the snapshot's declared bound (last byte >= 200):
# its validate() refuses it at commit, with the reason, and nothing changes
mkbig 13 201 bad.bin
err=$("$LFCTL" push big --params bad.bin 2>&1); rc=$?
check_eq "push refused by validate()" "$rc: $err" \
	"1: lfctl: push big: Numerical argument out of domain (params break the snapshot's bounds (its validate() refused them))"
check_eq "after refused push: standby" "$(ev --standby)" "9,-100,1077"
check_eq "pushes after refused push" "$(lfstat big pushes)" 1
err=$($NOBODY "$LFCTL" push big --params big2.bin 2>&1); rc=$?
check_eq "unprivileged chunked push" "$rc: $err" "1: lfctl: push big: permission denied: CAP_NET_ADMIN required"
# a partial push left behind is replaced by the next one
check_eq "chunked push after failures" "$("$LFCTL" push big --params big2.bin)" \
	"pushed big standby version 2 gen 2"
check_eq "eval second push" "$(ev --standby)" "11,-100,1005"
"$LFCTL" activate big || fail "activate big"
check_eq "eval pushed, now active" "$(ev)" "11,-100,1005"

"$LFCTL" deactivate big || fail "deactivate big"
rmmod lf_regress || fail "rmmod lf_regress"
check_eq "snapshot instances alive (lin only)" "$(cfg snapshots-alive)" 2
finish
