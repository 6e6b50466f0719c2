# Usage: cmake -DIN=<file> -DOUT=<file.inc> -DSYMBOL=<name> -P EmbedFile.cmake
# Writes a C++ raw string literal holding IN's text (one constant, SYMBOL).
file(READ "${IN}" text)
set(delim "lf_embed_")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN}; do not edit.\nstatic const char ${SYMBOL}[] = R\"${delim}(${text})${delim}\";\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
