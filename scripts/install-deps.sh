#!/usr/bin/env bash
# Installs the Debian 12 packages LiteFlow needs, only those that are missing.
# Usage (root): scripts/install-deps.sh
set -euo pipefail

PKGS=(
  # build
  cmake ninja-build g++ pkg-config ccache git make
  # compiler stack
  libmlir-19-dev mlir-19-tools llvm-19-dev llvm-19-tools clang-19 libclang-rt-19-dev
  libonnx-dev libonnx-testdata libprotobuf-dev
  # runtime
  libtorch-dev libnl-3-dev libnl-genl-3-dev libtoml11-dev
  # kernel and VM tests
  linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static cpio kmod xz-utils
  iproute2 iperf3 ethtool
  # BPF backend (lfc --target bpf, lf_aurora_bpf): libbpf headers, skeletons, BTF
  libbpf-dev bpftool pahole
  # network evaluation (bench/eval): plots
  python3-matplotlib
  # test models, unit tests, benchmarks
  python3 python3-torch python3-onnx python3-numpy libgtest-dev libgmock-dev libbenchmark-dev valgrind
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
