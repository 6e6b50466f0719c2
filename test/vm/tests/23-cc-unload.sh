# Test 23 (label cc): unloading lf_cc while connections use it is refused
# (each connection, and a netns default of lf_aurora, holds a module
# reference), the active snapshot cannot go either; once the transfers end
# (and the default is cubic again) lf_cc unloads, reloads, runs again and
# unloads: no WARN, oops or leak in the kernel log (run-vm.sh checks it).
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/cc-lib.sh"

cc_load
lf_link_up 24 40 100 || die "link setup"
iperf_server
for cc in lf_aurora lf_dummy lf_mocc; do
	run_iperf $cc 4 u.json &
	ip=$!
	sleep 2
	rmmod lf_cc 2>/dev/null && fail "$cc: rmmod lf_cc succeeded under load" ||
		ok "$cc: rmmod lf_cc refused while a connection uses it"
	[ -d /sys/module/lf_cc ] && ok "$cc: lf_cc still loaded" || die "$cc: lf_cc gone"
	wait $ip || fail "$cc: iperf3 failed after the refused rmmod"
done
rmmod "$(basename "$CC_SNAP_AURORA" .ko)" 2>/dev/null && fail "rmmod of the active snapshot succeeded" ||
	ok "rmmod of the active snapshot refused"

lf_in_snd sysctl -qw net.ipv4.tcp_congestion_control=lf_aurora || fail "sysctl lf_aurora"
rmmod lf_cc 2>/dev/null && fail "rmmod with lf_aurora as a netns default succeeded" ||
	ok "rmmod refused while lf_aurora is a netns default"
lf_in_snd sysctl -qw net.ipv4.tcp_congestion_control=cubic

# connections end: the module goes
i=0
until rmmod lf_cc 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
done
[ ! -d /sys/module/lf_cc ] && ok "lf_cc unloaded after the transfers" || fail "lf_cc still loaded"

insmod "$LF_CC_KO" || die "reload lf_cc"
run_iperf lf_aurora 2 r.json || fail "iperf3 after reload"
[ "$(ccstat lf_aurora conns)" -ge 1 ] && ok "reloaded lf_cc serves connections" || fail "no connection after reload"
i=0
until rmmod lf_cc 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
done
[ ! -d /sys/module/lf_cc ] && ok "lf_cc unloaded again" || fail "second unload failed"
iperf_server_stop
lf_link_down
rmmod "$(basename "$CC_SNAP_AURORA" .ko)" 2>/dev/null
finish
