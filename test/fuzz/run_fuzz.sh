#!/bin/sh
# Builds the ONNX importer fuzzer with clang++-19 (-fsanitize=fuzzer,address)
# from the importer sources directly (the main build uses gcc) and runs it.
#
# Usage: run_fuzz.sh SRC_DIR BUILD_DIR [SECONDS] [extra libFuzzer args...]
# The binary is cached in BUILD_DIR/test/fuzz and rebuilt when a source is
# newer. New inputs go to BUILD_DIR/test/fuzz/work-corpus; crashes to
# BUILD_DIR/test/fuzz/artifacts/.
set -eu
SRC=$1; BUILD=$2; SECS=${3:-20}
[ $# -ge 3 ] && shift 3 || shift $#
CXX=${CLANGXX:-clang++-19}
OUT=$BUILD/test/fuzz
BIN=$OUT/onnx-import-fuzzer
mkdir -p "$OUT/obj" "$OUT/work-corpus" "$OUT/artifacts"

# The generated dialect headers come from the main build.
if [ ! -f "$BUILD/dialects/lf/include/lf/LfOps.h.inc" ]; then
  echo "run_fuzz.sh: build LfDialect first (ninja -C $BUILD LfDialect)" >&2
  exit 1
fi

COMMON="-std=c++17 -O1 -g -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer
  -I$SRC/compiler/include -I$SRC/compiler/lib/Import -I$SRC/dialects/lf/include
  -I$BUILD/dialects/lf/include -isystem /usr/lib/llvm-19/include"
# name:source:flags
set -- \
  "OnnxModel:$SRC/compiler/lib/Import/OnnxModel.cpp:-fexceptions -DONNX_NAMESPACE=onnx -DONNX_ML=1" \
  "OnnxImport:$SRC/compiler/lib/Import/OnnxImport.cpp:-fno-exceptions" \
  "ImportMatMul:$SRC/compiler/lib/Import/ImportMatMul.cpp:-fno-exceptions" \
  "ImportElementwise:$SRC/compiler/lib/Import/ImportElementwise.cpp:-fno-exceptions" \
  "ImportActivations:$SRC/compiler/lib/Import/ImportActivations.cpp:-fno-exceptions" \
  "ImportReductions:$SRC/compiler/lib/Import/ImportReductions.cpp:-fno-exceptions" \
  "ImportShapeOps:$SRC/compiler/lib/Import/ImportShapeOps.cpp:-fno-exceptions" \
  "ImportNorms:$SRC/compiler/lib/Import/ImportNorms.cpp:-fno-exceptions" \
  "ImportConvPool:$SRC/compiler/lib/Import/ImportConvPool.cpp:-fno-exceptions" \
  "Interpreter:$SRC/compiler/lib/Interpreter/Interpreter.cpp:-fno-exceptions" \
  "LfDialect:$SRC/dialects/lf/lib/LfDialect.cpp:-fno-exceptions" \
  "LfOps:$SRC/dialects/lf/lib/LfOps.cpp:-fno-exceptions" \
  "LfInterfaces:$SRC/dialects/lf/lib/LfInterfaces.cpp:-fno-exceptions" \
  "ShapeUtils:$SRC/dialects/lf/lib/ShapeUtils.cpp:-fno-exceptions" \
  "fuzzer:$SRC/test/fuzz/onnx_import_fuzzer.cpp:-fno-exceptions" \
  ${@+"$@"}
OBJS=""
EXTRA=""
for spec in "$@"; do
  case $spec in
    *:*:*) ;;
    *) EXTRA="$EXTRA $spec"; continue ;;
  esac
  name=${spec%%:*}; rest=${spec#*:}; file=${rest%%:*}; flags=${rest#*:}
  obj=$OUT/obj/$name.o
  if [ ! -f "$obj" ] || [ "$file" -nt "$obj" ] || \
     [ "$BUILD/dialects/lf/include/lf/LfOps.h.inc" -nt "$obj" ] || \
     [ -n "$(find "$SRC/compiler/lib/Import" "$SRC/compiler/include/lfc" -name '*.h' -newer "$obj" 2>/dev/null)" ]; then
    echo "compiling $name"
    # shellcheck disable=SC2086
    $CXX $COMMON $flags -c "$file" -o "$obj"
  fi
  OBJS="$OBJS $obj"
done
if [ ! -f "$BIN" ] || [ -n "$(find $OUT/obj -name '*.o' -newer "$BIN")" ]; then
  echo "linking $BIN"
  # shellcheck disable=SC2086
  $CXX -fsanitize=fuzzer,address $OBJS -o "$BIN" \
    -L/usr/lib/llvm-19/lib -Wl,-rpath,/usr/lib/llvm-19/lib -lMLIR -lLLVM \
    -lonnx -lonnx_proto -lprotobuf -lpthread
fi

# Leak detection is off: MLIR's uniqued storage and protobuf's statics are
# freed at exit only.
# shellcheck disable=SC2086
# A fixed seed (LF_FUZZ_SEED) keeps CI runs reproducible; set it to 0 for a
# random one.
ASAN_OPTIONS=detect_leaks=0 "$BIN" -max_total_time="$SECS" -timeout=10 \
  -seed="${LF_FUZZ_SEED:-1}" \
  -rss_limit_mb=4096 -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 \
  $EXTRA "$OUT/work-corpus" "$SRC/test/fuzz/corpus"
