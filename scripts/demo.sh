#!/usr/bin/env bash
# The demo: builds LiteFlow and shows the pipeline on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
B=${BUILD_DIR:-build}
echo "== lf-opt: the bundled Aurora-shaped example, canonicalized =="
"$B/bin/lf-opt" --canonicalize examples/aurora-float.mlir
