#!/bin/sh
# lf-runtime's user errors: exactly one line on stderr and a non-zero exit.
R=$1
GEN=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
/usr/bin/python3 "$GEN" mlp "$t/m.onnx" >/dev/null 2>&1 || { echo "cannot generate ONNX"; exit 1; }
fails=0
check() { # expected-substring args...
	exp=$1; shift
	"$R" "$@" >"$t/out" 2>"$t/err"; rc=$?
	n=$(wc -l <"$t/err")
	if [ $rc -eq 0 ] || [ "$n" -ne 1 ] || ! grep -qF -- "$exp" "$t/err"; then
		echo "FAIL: lf-runtime $*: rc=$rc, stderr:"; cat "$t/err"; fails=$((fails+1))
	else
		echo "ok: $(cat "$t/err")"
	fi
}
printf '[models.x]\nonnx = "%s"\nobjective = "nope"\n' "$t/m.onnx" >"$t/bad.toml"
printf '[models.x\n' >"$t/syntax.toml"
check "expected a command: daemon, serve, status, rollback, unfreeze or compile"
check "unknown command 'frob'" frob
check "no models" daemon
check "ONNX file /nope.onnx not found" daemon --model x=/nope.onnx
check "--model expects NAME=FILE.onnx" daemon --model x
check "'nope' is not one of mse, huber, ce, reinforce" daemon --config "$t/bad.toml"
check "syntax error" daemon --config "$t/syntax.toml"
check "cannot read config" daemon --config "$t/none.toml"
check "Unknown command line argument '--frob'" daemon --frob 1
check "no models" serve
check "ONNX file /nope.onnx not found" serve --model x=/nope.onnx
check "Unknown command line argument '--frob'" serve --frob 1
check "for the --lr option: 'abc' value invalid" daemon --model x="$t/m.onnx" --lr abc
check "no status in" status --state-dir "$t/none"
check "missing the model: lf-runtime rollback MODEL" rollback --state-dir "$t/none"
check "--to: 'x' is not VERSION.GEN" rollback m --to x --state-dir "$t/none"
check "Unknown command line argument '--frob'" rollback m --frob 1
check "Unknown command line argument '--lr'" status --lr 1
check "missing the model: lf-runtime unfreeze MODEL" unfreeze
check "no decisions for model 'm'" unfreeze m --state-dir "$t/none"
check "compile needs one --model NAME=FILE.onnx, --snapshot-version N (> 0) and -o DIR" compile --model x="$t/m.onnx" -o "$t/pkg"
printf '[models.x]\nonnx = "%s"\nstability_window = -1\n' "$t/m.onnx" >"$t/neg.toml"
check "models.x.stability_window: -1 out of range" daemon --config "$t/neg.toml"
printf '[models.x]\nonnx = "%s"\nwindow = 5\n' "$t/m.onnx" >"$t/unk.toml"
check "models.x: unknown key 'window'" daemon --config "$t/unk.toml"
check "--backend: 'ebpf' is not one of lf_core, bpf" daemon --model x="$t/m.onnx" --backend ebpf
check "--bpf-pin-dir: 'pins' is not an absolute path" daemon --model x="$t/m.onnx" --backend bpf --bpf-pin-dir pins
check "model 'x': backend = \"bpf\": a BPF program makes no userspace queries to answer" serve --model x="$t/m.onnx" --backend bpf
check "'nope' is not one of mse, huber, ce, reinforce" rollback x --config "$t/bad.toml" --state-dir "$t/none"
if [ "$(id -u)" -eq 0 ]; then
	check "model 'x': bpf_pin_dir: $t/nopins/lf_params: No such file or directory" daemon --model x="$t/m.onnx" --backend bpf --bpf-pin-dir "$t/nopins" --state-dir "$t/s"
else
	check "the daemon needs root" daemon --model x="$t/m.onnx" --backend bpf --bpf-pin-dir "$t/nopins" --state-dir "$t/s"
fi
if [ -d /sys/module/lf_core ]; then
	echo "skip: lf_core loaded on this host"
else
	check "generic netlink family 'liteflow' not found: is lf_core loaded?" daemon --model x="$t/m.onnx" --state-dir "$t/s"
	check "generic netlink family 'liteflow' not found: is lf_core loaded?" serve --model x="$t/m.onnx" --state-dir "$t/s"
fi
[ $fails -eq 0 ]
