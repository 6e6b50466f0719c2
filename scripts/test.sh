#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every ctest
# (lit, unit, ONNX conformance, models, kernel tests in a QEMU VM, runtime).
# Extra arguments go to ctest (e.g. -L vm, -R lit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd "${BUILD_DIR:-build}"
exec ctest --output-on-failure -j"${LF_TEST_JOBS:-2}" "$@"
