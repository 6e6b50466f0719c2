# Bench (not a test): per-query cost of the Aurora policy (examples/aurora,
# 30-32-16-1 tanh, 1488 MACs) as a BPF program (lfc --target bpf, JIT,
# BPF_PROG_TEST_RUN with repeat: includes the io/scratch map lookups and the
# input copy) vs the kernel module's paths (lf_bench_aurora.ko: the scalar
# NAME.c called directly, and the glue's dispatch, AVX2 when the guest CPU has
# it; the VM's default CPU model has none) in the same VM run.
# BENCH_ITERS overrides the iteration count.
. "$LF_SRC/test/vm/tests/lib.sh"
A=${LF_AURORA:-$LF_BUILD/test/vm/aurora}
S=${LF_BPF_SNAPS:-$LF_BUILD/test/vm/bpf}
RUN=${LF_BPF_RUN:-$LF_BUILD/bin/lf_bpf_run}
[ -f "$A/bench/lf_bench_aurora.ko" ] || die "no Aurora build in $A (examples/aurora/build.sh)"
[ -f "$S/bench_aurora/aurora.bpf.o" ] || die "no BPF Aurora in $S (test/bpf/build.sh)"
iters=${BENCH_ITERS:-20000}
base=$(head -n 1 "$A/inputs_raw.csv")

# the BPF program gives the module's integers on the benchmark's inputs
"$RUN" "$S/bench_aurora/aurora.bpf.o" "$S/bench_aurora/aurora.params" < "$A/inputs_raw.csv" \
	> bpf_out.csv 2> bpf.err || die "lf_bpf_run: $(cat bpf.err)"
check_eq "BPF outputs = the module's (expected_raw_v1, $(wc -l < bpf_out.csv) rows)" \
	"$(cmp -s bpf_out.csv "$A/expected_raw_v1.csv" && echo same || echo differ)" same
sed -n 's/^verifier: /BENCH bpf verifier: /p' bpf.err

insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
insmod "$A/v1/lf_snap_aurora.ko" || die "insmod lf_snap_aurora"
insmod "$A/bench/lf_bench_aurora.ko" model=aurora iters="$iters" rt_iters=10 \
	base="$base" || die "insmod lf_bench_aurora"
"$A/lf_bench_user_aurora" &
wait_param lf_bench_aurora r_upcall_done 120 || die "bench did not finish"
wait
d=$(param lf_bench_aurora r_direct_ps); sc=$(param lf_bench_aurora r_scalar_ps)
rmmod lf_bench_aurora || fail "rmmod lf_bench_aurora"
b=$(echo "$base" | "$RUN" --repeat "$iters" "$S/bench_aurora/aurora.bpf.o" \
	"$S/bench_aurora/aurora.params" 2>/dev/null | awk '{ print $1 }')
[ -n "$b" ] || die "lf_bpf_run --repeat failed"
grep -q avx2 /proc/cpuinfo && simd="AVX2 dispatch" || simd="no AVX2 in this guest: scalar"
awk -v s="$sc" -v d="$d" -v b="$b" -v n="$iters" -v simd="$simd" 'BEGIN {
	printf "BENCH aurora per query, QEMU TCG, same VM run, %d queries each\n", n
	printf "BENCH module scalar   %9.1f ns/query (NAME.c, direct call)\n", s / 1000
	printf "BENCH module dispatch %9.1f ns/query (%s)\n", d / 1000, simd
	printf "BENCH bpf (JIT)       %9.1f ns/query (BPF_PROG_TEST_RUN repeat; x%.2f the module scalar)\n", b, b * 1000 / s
}'
finish
