# Test 4: random generic netlink messages (root and unprivileged) while both
# vCPUs query; the kernel must stay clean (run-vm.sh checks dmesg/taint).
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
insmod "$KM/test/lf_stress.ko" check=0 duration_ms=8000 switches=200 push_every=7 ||
	die "insmod lf_stress"
"$LF_NLTEST" fuzz 5 1 || fail "fuzz as root"
$NOBODY "$LF_NLTEST" fuzz 1 2 || fail "fuzz as nobody"
wait_param lf_stress r_done 60 || die "lf_stress did not finish"
check_eq "failed queries" "$(param lf_stress r_failures)" 0
rmmod lf_stress || fail "rmmod lf_stress"
"$LFCTL" list > /dev/null && ok "lf_core still answers" || fail "lfctl list after fuzz"
finish
