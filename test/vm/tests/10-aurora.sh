# Test 10: the bundled Aurora example end to end.  Built on the host
# (examples/aurora/build.sh, into $LF_AURORA): lfc snapshot packages v1 and v2,
# their modules, and the outputs `lfc run` and the snapshot's C give there.
# Here: load lf_core and both snapshots; `lfctl eval` (real and raw) and
# lf_query_model() from a kernel module (lf_query_test) must reproduce them
# bit for bit; list/stats show the snapshots; activate switches versions.
# The same at --bits 16 (the kernel's scalar SWAR code), with weight pushes.
. "$LF_SRC/test/vm/tests/lib.sh"
A=${LF_AURORA:-$LF_BUILD/test/vm/aurora}
# check_eq with multi-line values shown on one line (rows joined by ' | ')
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $(printf '%s' "$3" | sed ':a;N;s/\n/ | /;ba')"
	else fail "$1: got '$2', want '$3'"; fi
}
[ -f "$A/expected_raw_v1.csv" ] || die "no Aurora build in $A (examples/aurora/build.sh)"

# query_kernel FILE [batch=1]: lf_query_test with FILE's raw input rows; prints
# the outputs, one row per line (n_out = 1 for Aurora: one value a line)
query_kernel() {
	insmod "$KM/test/lf_query_test.ko" model="${QMODEL:-aurora}" in="$(paste -sd, "$1")" ${2-} ||
		{ echo "insmod lf_query_test failed"; return 1; }
	v=$(param lf_query_test r_version)
	rc=$(param lf_query_test r_rc)
	param lf_query_test out | tr ',' '\n'
	rmmod lf_query_test
	[ "$rc" = 0 ] || echo "lf_query_test: rc $rc"
	echo "version $v"
}

insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
insmod "$A/v1/lf_snap_aurora.ko" || die "insmod lf_snap_aurora"
out=$("$LFCTL" list)
echo "$out"
hash=$(sed -n 's/.*"arch_hash": "\(0x[0-9a-f]*\)".*/\1/p' "$A/v1/aurora.json")
check_has "list (v1 only)" "$out" "model aurora id 1 arch $hash in 30 out 1 active 1 standby -"
printf '%s\n' "$out" | grep -q "snapshot 1 gen 0 active .* module lf_snap_aurora flows" &&
	ok "list: snapshot 1 from lf_snap_aurora" || fail "list: no snapshot 1 line"

check_eq "lfctl eval = lfc run (v1)" "$("$LFCTL" eval aurora --input "$A/inputs.csv")" \
	"$(cat "$A/expected_v1.csv")"
check_eq "lfctl eval --raw = snapshot C (v1)" \
	"$("$LFCTL" eval aurora --input "$A/inputs_raw.csv" --raw)" "$(cat "$A/expected_raw_v1.csv")"
check_eq "lf_query_model from the kernel (v1)" "$(query_kernel "$A/inputs_raw.csv")" \
	"$(cat "$A/expected_raw_v1.csv"; echo "version 1")"
q0=$(lfstat aurora queries)
check_eq "lf_query_model_batch, all rows in one call (v1)" \
	"$(query_kernel "$A/inputs_raw.csv" batch=1)" "$(cat "$A/expected_raw_v1.csv"; echo "version 1")"
check_eq "stats: a batch counts its queries" "$(( $(lfstat aurora queries) - q0 ))" \
	"$(wc -l < "$A/inputs_raw.csv")"

insmod "$A/v2/lf_snap_aurora_v2.ko" || die "insmod lf_snap_aurora_v2"
out=$("$LFCTL" list)
echo "$out"
check_has "list (v1 active, v2 standby)" "$out" \
	"model aurora id 1 arch $hash in 30 out 1 active 1 standby 2"
check_eq "eval --standby = lfc run (v2)" \
	"$("$LFCTL" eval aurora --input "$A/inputs.csv" --standby)" "$(cat "$A/expected_v2.csv")"
check_eq "eval still v1" "$("$LFCTL" eval aurora --input "$A/inputs.csv")" \
	"$(cat "$A/expected_v1.csv")"
"$LFCTL" activate aurora || fail "activate"
check_has "list after activate" "$("$LFCTL" list)" \
	"model aurora id 1 arch $hash in 30 out 1 active 2 standby 1"
check_eq "lfctl eval = lfc run (v2 active)" "$("$LFCTL" eval aurora --input "$A/inputs.csv")" \
	"$(cat "$A/expected_v2.csv")"
check_eq "lfctl eval --raw (v2 active)" \
	"$("$LFCTL" eval aurora --input "$A/inputs_raw.csv" --raw)" "$(cat "$A/expected_raw_v2.csv")"
check_eq "lf_query_model from the kernel (v2 active)" "$(query_kernel "$A/inputs_raw.csv")" \
	"$(cat "$A/expected_raw_v2.csv"; echo "version 2")"
check_eq "lf_query_model_batch (v2 active)" "$(query_kernel "$A/inputs_raw.csv" batch=1)" \
	"$(cat "$A/expected_raw_v2.csv"; echo "version 2")"
"$LFCTL" activate aurora --version 1 || fail "activate --version 1"
check_eq "lf_query_model after switching back (v1)" "$(query_kernel "$A/inputs_raw.csv")" \
	"$(cat "$A/expected_raw_v1.csv"; echo "version 1")"

out=$("$LFCTL" stats aurora)
echo "$out"
check_eq "stats: switches" "$(lfstat aurora switches)" 2
check_eq "stats: errors" "$(lfstat aurora errors)" 0
q=$(lfstat aurora queries)
[ "${q:-0}" -ge 12 ] && ok "stats: $q queries through the router" || fail "stats: queries '$q' < 12"

rmmod lf_snap_aurora 2>/dev/null && fail "rmmod of the active snapshot succeeded" ||
	ok "rmmod of the active snapshot refused"
rmmod lf_snap_aurora_v2 || fail "rmmod lf_snap_aurora_v2 (standby)"
check_has "list after unloading v2" "$("$LFCTL" list)" \
	"model aurora id 1 arch $hash in 30 out 1 active 1 standby -"

# --bits 16 (model aurora16): the VM's CPU has no AVX2, so the kernel runs
# the scalar SWAR code; the expected outputs come from the host's build
# (AVX2 there when the host has it) and lfc's twin.  A weight push of v1's
# blob into v2 is checked by validate() and then computes v1's outputs; a
# blob whose SWAR weights differ from its vpmaddwd weights is refused.
[ -f "$A/expected16_raw_v1.csv" ] || die "no 16-bit Aurora build in $A"
insmod "$A/v16_1/lf_snap_aurora16.ko" || die "insmod lf_snap_aurora16"
insmod "$A/v16_2/lf_snap_aurora16_v2.ko" || die "insmod lf_snap_aurora16_v2"
hash16=$(sed -n 's/.*"arch_hash": "\(0x[0-9a-f]*\)".*/\1/p' "$A/v16_1/aurora16.json")
check_has "list (aurora16 v1 active, v2 standby)" "$("$LFCTL" list)" \
	"model aurora16 id 2 arch $hash16 in 30 out 1 active 1 standby 2"
check_eq "16-bit: lfctl eval = lfc run (v1)" \
	"$("$LFCTL" eval aurora16 --input "$A/inputs.csv")" "$(cat "$A/expected16_v1.csv")"
check_eq "16-bit: lfctl eval --raw = host snapshot C (v1)" \
	"$("$LFCTL" eval aurora16 --input "$A/inputs16_raw.csv" --raw)" \
	"$(cat "$A/expected16_raw_v1.csv")"
check_eq "16-bit: lf_query_model from the kernel (v1)" \
	"$(QMODEL=aurora16 query_kernel "$A/inputs16_raw.csv")" \
	"$(cat "$A/expected16_raw_v1.csv"; echo "version 1")"
check_eq "16-bit: lf_query_model_batch (v1)" \
	"$(QMODEL=aurora16 query_kernel "$A/inputs16_raw.csv" batch=1)" \
	"$(cat "$A/expected16_raw_v1.csv"; echo "version 1")"
check_eq "16-bit: eval --standby --raw (v2)" \
	"$("$LFCTL" eval aurora16 --input "$A/inputs16_raw.csv" --raw --standby)" \
	"$(cat "$A/expected16_raw_v2.csv")"
err=$("$LFCTL" push aurora16 --params "$A/params16_bad.bin" 2>&1); rc=$?
check_eq "16-bit: push with mismatched SWAR weights refused" "$rc: $err" \
	"1: lfctl: push aurora16: Numerical argument out of domain (params break the snapshot's bounds (its validate() refused them))"
check_eq "16-bit: standby unchanged after the refused push" \
	"$("$LFCTL" eval aurora16 --input "$A/inputs16_raw.csv" --raw --standby)" \
	"$(cat "$A/expected16_raw_v2.csv")"
"$LFCTL" push aurora16 --params "$A/params16_v1.bin" > /dev/null || fail "16-bit: push v1's blob"
check_eq "16-bit: standby computes v1's outputs after the push" \
	"$("$LFCTL" eval aurora16 --input "$A/inputs16_raw.csv" --raw --standby)" \
	"$(cat "$A/expected16_raw_v1.csv")"
check_eq "16-bit: stats errors" "$(lfstat aurora16 errors)" 0
finish
