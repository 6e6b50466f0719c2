# Test 27 (label cc): lf_core's model bindings by name (kmod/include/lf_bind.h),
# through lf_cc's three of them (lf_aurora: 30 inputs; lf_mocc: 33; lf_dummy:
# any number up to 33):
# - loaded before its model exists, a binding is taken within a few seconds
#   of the snapshot's arrival (the once-a-second retry), for lf_aurora and
#   lf_dummy, which share the model;
# - a model of the wrong shape (lin: 4 inputs, 3 outputs) is refused for
#   lf_aurora in exactly one kernel log line naming owner, model and shapes,
#   and not retried; lf_dummy takes it (any number of inputs);
# - a name of 32 bytes or more is refused (write fails, one line) and
#   changes nothing;
# - an empty name unbinds: an lf_aurora connection falls back (counted), and
#   queries nothing; naming the model again binds it and the next
#   connection queries it;
# - after lf_cc's unload and the snapshots' retirement no model is left (a
#   leaked reference would keep it), lf_core unloads, no WARN (run-vm.sh
#   checks the log).
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

P=/sys/module/lf_cc/parameters
insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
insmod "$LF_CC_KO" || die "insmod lf_cc"
check_eq "aurora_model before its snapshot" "$(cat $P/aurora_model)" aurora
dmesg | grep -q "lf_aurora: bound to model" && fail "lf_aurora bound before any snapshot"

# the snapshot arrives: the retry binds both algorithms that name it
insmod "$CC_SNAP_AURORA" || die "insmod aurora snapshot"
i=0
until dmesg | grep -q "lf_core: lf_aurora: bound to model aurora (30 inputs, 1 outputs" &&
      dmesg | grep -q "lf_core: lf_dummy: bound to model aurora (30 inputs"; do
	i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
done
[ $i -le 50 ] && ok "lf_aurora and lf_dummy bound $((i / 10)).$((i % 10)) s after the snapshot arrived" ||
	fail "no binding 5 s after the snapshot arrived: $(dmesg | grep 'lf_core: lf_' | tail -n 3)"
dmesg | grep -q "lf_core: lf_mocc: bound" && fail "lf_mocc bound without a mocc snapshot"

# the wrong shape: refused once, not retried
insmod "$KM/test/lf_snap_lin_v1.ko" || die "insmod lin snapshot"
echo lin > $P/aurora_model || fail "write aurora_model=lin"
sleep 2.5
n=$(dmesg | grep -c "lf_core: lf_aurora: model lin has 4 inputs and 3 outputs, want 30 and 1..4")
check_eq "lines refusing lin for lf_aurora (after 2.5 s)" "$n" 1
check_eq "aurora_model reads back" "$(cat $P/aurora_model)" lin
echo lin > $P/dummy_model || fail "write dummy_model=lin"
dmesg | grep -q "lf_core: lf_dummy: bound to model lin (4 inputs, 3 outputs" &&
	ok "lf_dummy binds lin (any number of inputs)" || fail "lf_dummy did not bind lin"

# a name too long: refused, nothing changed
long=abcdefghijklmnopqrstuvwxyz0123456789
if echo $long > $P/aurora_model 2>/dev/null; then fail "a 36-byte name was taken"; else
	ok "a 36-byte name is refused"; fi
check_eq "one line for the long name" "$(dmesg | grep -c "lf_aurora: model name '$long' longer than 31 bytes")" 1
check_eq "aurora_model unchanged" "$(cat $P/aurora_model)" lin

# unbound: the connection falls back and queries nothing
lf_link_up 24 40 100 || die "link setup"
iperf_server
echo > $P/aurora_model || fail "write an empty aurora_model"
check_eq "aurora_model empty" "$(cat $P/aurora_model)" ""
f0=$(ccstat lf_aurora fallbacks) q0=$(ccstat lf_aurora queries)
run_iperf lf_aurora 3 unbound.json || fail "iperf3 lf_aurora, unbound"
df=$(($(ccstat lf_aurora fallbacks) - f0)) dq=$(($(ccstat lf_aurora queries) - q0))
[ "$df" -ge 1 ] && [ "$dq" = 0 ] && ok "unbound: $df fallback(s), no query" ||
	fail "unbound: fallbacks +$df, queries +$dq"

# bound again: the next connection queries the model
echo aurora > $P/aurora_model || fail "write aurora_model=aurora"
check_eq "bound again" "$(dmesg | grep -c 'lf_core: lf_aurora: bound to model aurora (30 inputs')" 2
q0=$(ccstat lf_aurora queries)
run_iperf lf_aurora 3 bound.json || fail "iperf3 lf_aurora, bound"
dq=$(($(ccstat lf_aurora queries) - q0))
[ "$dq" -ge 1 ] && ok "bound: $dq queries" || fail "bound: no query"
iperf_server_stop
lf_link_down

sleep 1
rmmod lf_cc || fail "rmmod lf_cc"
# a model goes when its last snapshot and its last reference go: once the
# snapshots are retired and unloaded, a reference lf_cc leaked would keep
# the model listed
"$LFCTL" list | grep -qw aurora || fail "lfctl list does not show aurora while loaded"
"$LFCTL" deactivate aurora && "$LFCTL" deactivate lin || fail "lfctl deactivate"
rmmod "$(basename "$CC_SNAP_AURORA" .ko)" lf_snap_lin_v1 || fail "rmmod the snapshots"
left=$("$LFCTL" list | grep -w -e aurora -e lin)
[ -z "$left" ] && ok "no model left after lf_cc went: every reference dropped" ||
	fail "models still listed (a leaked reference): $left"
rmmod lf_core && ok "lf_core unloads" || fail "rmmod lf_core"
finish
