# Test 2: 1,000 active/standby switches and 100 weight pushes while one
# kthread per vCPU queries continuously; flow consistency, no failures, old
# snapshot instances freed; sample batches reach `lfctl monitor`.
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
"$LFCTL" config ageing-ms 100 cache-size 65536 batch-size 64 flush-ms 50 || fail config
"$LFCTL" --json monitor --count 5 > mon.json &
mon=$!
sleep 0.5
t0=$(date +%s.%N)
insmod "$KM/test/lf_stress.ko" ageing_ms=100 duration_ms=4000 switches=1000 \
	push_every=10 flows=256 collect_every=5000 || die "insmod lf_stress"
wait_param lf_stress r_done 120 || die "lf_stress did not finish"
echo "stress: $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')," \
	"$(nproc) vCPUs, $(dmesg | grep 'lf_stress: queries=' | tail -n 1 | sed 's/.*lf_stress: //')"
q=$(param lf_stress r_queries)
check_eq "failed queries" "$(param lf_stress r_failures)" 0
check_eq "flow consistency violations" "$(param lf_stress r_violations)" 0
check_eq "switches done" "$(param lf_stress r_switches)" 1000
check_eq "pushes done" "$(param lf_stress r_pushes)" 100
[ "$(param lf_stress r_repins)" -gt 0 ] && ok "idle flows aged out and were re-pinned" ||
	fail "no flow was re-pinned after ageing"
[ "$q" -gt 10000 ] && ok "queries $q" || fail "only $q queries"

"$LFCTL" stats lin
check_eq "lf_core queries" "$(lfstat lin queries)" "$q"
check_eq "hits + misses" $(( $(lfstat lin hits) + $(lfstat lin misses) )) "$q"
check_eq "lf_core errors" "$(lfstat lin errors)" 0
check_eq "uncached (cache full)" "$(lfstat lin uncached)" 0
check_eq "lf_core switches" "$(lfstat lin switches)" 1000
check_eq "lf_core pushes" "$(lfstat lin pushes)" 100

rmmod lf_stress || fail "rmmod lf_stress"
sleep 1		# > ageing + sweep interval: every flow entry gone
"$LFCTL" config
check_eq "cache entries after ageing" "$(cfg cache-entries)" 0
check_eq "snapshot instances alive" "$(cfg snapshots-alive)" 2
check_eq "snapshot instances freed (one per push)" "$(cfg snapshots-freed)" 100

wait $mon && ok "monitor exited after 5 batches" || fail "monitor failed"
python3 - mon.json <<'PY' && ok "5 sample batches, seq 1..5, well-formed" || fail "sample batches"
import json, sys
b = [json.loads(l) for l in open(sys.argv[1])]
assert len(b) == 5, len(b)
assert [x["seq"] for x in b] == [1, 2, 3, 4, 5], [x["seq"] for x in b]
for x in b:
    assert x["model"] == "lin" and x["count"] == len(x["samples"]) and 0 < x["count"] <= 64, x
    for s in x["samples"]:
        assert (s["n_in"], s["n_out"], s["n_label"]) == (4, 3, 1), s
        assert s["values"][:4] == [0, 0, 0, 0], s
        assert s["values"][7] == s["flow"] & 0xffffffff, s
PY
[ "$(lfstat lin batches)" -ge 5 ] && ok "stats: batches $(lfstat lin batches)" || fail "stats batches"
finish
