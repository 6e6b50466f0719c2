# Bench (not a test): the Aurora snapshot (examples/aurora, built by
# examples/aurora/build.sh into $LF_AURORA) in the kernel: its infer function
# called directly vs lf_query_model() (router + flow cache) vs a kernel ->
# netlink -> userspace (the same C, lf_bench_user_aurora) -> kernel round trip.
# lf_bench_aurora.ko is kmod/test/lf_bench.c built with -DLF_BENCH_SNAP.
# BENCH_ITERS / BENCH_RT_ITERS override the iteration counts.
. "$LF_SRC/test/vm/tests/lib.sh"
A=${LF_AURORA:-$LF_BUILD/test/vm/aurora}
[ -f "$A/bench/lf_bench_aurora.ko" ] || die "no Aurora build in $A (examples/aurora/build.sh)"
iters=${BENCH_ITERS:-20000}
rt_iters=${BENCH_RT_ITERS:-2000}

insmod "$KM/core/lf_core.ko" || die "insmod lf_core"
insmod "$A/v1/lf_snap_aurora.ko" || die "insmod lf_snap_aurora"
base=$(head -n 1 "$A/inputs_raw.csv")
insmod "$A/bench/lf_bench_aurora.ko" model=aurora iters="$iters" rt_iters="$rt_iters" \
	base="$base" || die "insmod lf_bench_aurora"
"$A/lf_bench_user_aurora" &
wait_param lf_bench_aurora r_upcall_done 120 || die "upcall bench did not finish"
wait
d=$(param lf_bench_aurora r_direct_ps); r=$(param lf_bench_aurora r_router_ps)
u=$(param lf_bench_aurora r_upcall_ps); c=$(param lf_bench_aurora r_direct_copy_ps)
sc=$(param lf_bench_aurora r_scalar_ps); b=$(param lf_bench_aurora r_batch_ps)
check_eq "upcall errors (userspace outputs = kernel outputs)" \
	"$(param lf_bench_aurora r_upcall_errors)" 0
check_eq "upcall round trips" "$(param lf_bench_aurora r_upcall_count)" "$rt_iters"
grep -q avx2 /proc/cpuinfo && [ -f "$A/bench/aurora_avx2.c" ] &&
	simd="AVX2 build in kernel_fpu_begin/end" || simd="scalar build"
awk -v b="$b" -v s="$sc" -v simd="$simd" -v d="$d" -v c="$c" -v r="$r" -v u="$u" -v n="$iters" -v m="$rt_iters" 'BEGIN {
	printf "BENCH aurora (30-32-16-1 tanh, 1488 MACs), QEMU TCG, %d queries, %d round trips\n", n, m
	printf "BENCH scalar infer      %9.1f ns/query (NAME.c, direct call)\n", s / 1000
	printf "BENCH direct infer      %9.1f ns/query (the glue dispatch: %s)\n", d / 1000, simd
	printf "BENCH direct infer      %9.1f ns/query (weights in a kvmalloc copy, as lf_core keeps them)\n", c / 1000
	printf "BENCH lf_query_model    %9.1f ns/query (router overhead %.1f ns = %.1f%% vs the copy, %.1f%% vs module weights)\n", r / 1000, (r - c) / 1000, (r - c) * 100 / c, (r - d) * 100 / d
	printf "BENCH lf_query_model_batch %6.1f ns/query (32 a call: x%.2f lf_query_model, router overhead %.1f%% vs the copy)\n", b / 1000, r / b, (b - c) * 100 / c
	printf "BENCH upcall round trip %9.1f ns/query (x%.1f lf_query_model, x%.1f direct)\n", u / 1000, u / r, u / d
}'
rmmod lf_bench_aurora || fail "rmmod lf_bench_aurora"
finish
