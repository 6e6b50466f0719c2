# Test 32 (label fs): lf_fs's flow table under 100,000 new flows.  A raw
# socket in the sender namespace sends 100,000 SYNs of distinct flows (one
# per source port and address; bad TCP checksums, so the receiver drops them)
# through lf_fs's LOCAL_OUT hook, with the default bounds (max_flows 65536):
# - exactly 65536 flows are tracked, the other 34464 counted as "full";
# - the slab of flow entries holds about 65536 objects, not 100,000 (memory bound);
# - with idle_ms 1000 every entry ages out (end_idle 65536, tracked 0) and
#   the table takes new flows again.
# The time per 10,000 SYNs with an empty and a full table is printed (a
# figure, not asserted: the buckets' lists stay short).
. "$LF_SRC/test/vm/tests/lib.sh"
. "$LF_SRC/test/vm/tests/fs-lib.sh"

fs_load mode=nn
lf_fs_link_up 100 2 100 || die "link setup"
check_eq "max_flows" "$(cat /sys/module/lf_fs/parameters/max_flows)" 65536
cat > syn.py <<'EOF'
import socket, struct, sys, time
n, base = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
dst = socket.inet_aton("10.77.2.2")
t0 = time.monotonic()
for i in range(base, base + n):
    src = socket.inet_aton("10.77.1.1") if i < 60000 else socket.inet_aton("10.77.1.%d" % (2 + i // 60000))
    tcp = struct.pack("!HHIIBBHHH", 1024 + i % 60000, 5001, i, 0, 5 << 4, 0x02, 65535, 0xdead, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, 64, 6, 0, src, dst)
    s.sendto(ip + tcp, ("10.77.2.2", 0))
    if (i - base + 1) % 10000 == 0:
        print("%d %.3f" % (i - base + 1, time.monotonic() - t0), flush=True)
EOF
fsparam idle_ms 600000		# no ageing while they arrive (the sender needs ~40 s under TCG)
lf_in_snd python3 syn.py 100000 0 > t.txt || die "raw SYN sender"
tracked=$(fsstat tracked) full=$(fsstat full) flows=$(fsstat flows)
awk 'NR == 1 { a = $2 } { l = $2; p = prev; prev = $2 } END {
	printf "time per 10k SYNs: first %.2f s (empty table), last %.2f s (full)\n", a, l - p }' t.txt
echo "tracked $tracked flows $flows full $full"
check_eq "flows tracked" "$flows" 65536
check_eq "tracked now" "$tracked" 65536
check_eq "SYNs beyond the bound" "$full" 34464
objs=$(awk '$1 == "lf_fs_flow" { print $2 }' /proc/slabinfo)
# slab granularity: a few partly used slabs beyond the entries themselves
[ -n "$objs" ] && [ "$objs" -le 66000 ] && ok "lf_fs_flow slab: $objs active objects <= 66000" ||
	{ [ -z "$objs" ] && ok "lf_fs_flow slab merged with another cache (no own line)" ||
		fail "lf_fs_flow slab: $objs active objects"; }
fsparam idle_ms 1000
i=0
while [ "$(fsstat tracked)" != 0 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
check_eq "tracked after ageing" "$(fsstat tracked)" 0
check_eq "flows ended idle" "$(fsstat end_idle)" 65536
lf_in_snd python3 syn.py 1000 200000 > /dev/null || die "raw SYN sender"
check_eq "new flows after ageing" "$(fsstat tracked)" 1000
lf_link_down
rmmod lf_fs || fail "rmmod lf_fs"
finish
