# build-args.sh - the command line of examples/*/build.sh, sourced by them:
#
#   build.sh --lfc LFC --out DIR --kdir KDIR --symvers lf_core/Module.symvers
#
# lf_example_args "$@" sets lfc, out (created, made absolute), kdir and
# symvers.  A user error is one line on stderr naming the argument at fault:
# exit 2 for the command line, 1 for a missing lf_core Module.symvers.
lf_example_args() {
	local me usage
	me=$(basename "$(dirname "$0")")/$(basename "$0")
	usage="usage: $me --lfc LFC --out DIR --kdir KDIR --symvers lf_core/Module.symvers"
	lfc= out= kdir= symvers=
	while [ $# -gt 0 ]; do
		case $1 in
		--lfc|--out|--kdir|--symvers)
			[ $# -ge 2 ] && [ -n "$2" ] || { echo "$me: $1 needs a value ($usage)" >&2; exit 2; }
			case $1 in
			--lfc) lfc=$2 ;;
			--out) out=$2 ;;
			--kdir) kdir=$2 ;;
			--symvers) symvers=$2 ;;
			esac
			shift 2 ;;
		*) echo "$me: unknown argument '$1' ($usage)" >&2; exit 2 ;;
		esac
	done
	[ -n "$lfc" ] && [ -n "$out" ] && [ -n "$kdir" ] && [ -n "$symvers" ] ||
		{ echo "$usage" >&2; exit 2; }
	[ -f "$symvers" ] || { echo "$me: $symvers missing: build lf_core first" >&2; exit 1; }
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
}
