# Bench (not a test): router overhead and kernel->user->kernel round trip.
. "$LF_SRC/test/vm/tests/lib.sh"

load_lin
insmod "$KM/test/lf_bench.ko" iters=500000 rt_iters=2000 || die "insmod lf_bench"
"$LF_BENCH_USER" &
wait_param lf_bench r_upcall_done 120 || die "upcall bench did not finish"
wait
d=$(param lf_bench r_direct_ps); r=$(param lf_bench r_router_ps); u=$(param lf_bench r_upcall_ps)
check_eq "upcall errors" "$(param lf_bench r_upcall_errors)" 0
check_eq "upcall round trips" "$(param lf_bench r_upcall_count)" 2000
awk -v d="$d" -v r="$r" -v u="$u" 'BEGIN {
	printf "BENCH direct infer      %9.1f ns/query\n", d / 1000
	printf "BENCH lf_query_model    %9.1f ns/query (router overhead %.1f ns, x%.2f)\n", r / 1000, (r - d) / 1000, r / d
	printf "BENCH upcall round trip %9.1f ns/query (x%.0f the in-kernel query)\n", u / 1000, u / r
}'
finish
