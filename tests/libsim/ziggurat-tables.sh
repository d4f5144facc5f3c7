#!/bin/sh
# The committed ziggurat tables are exactly what gen-ziggurat computes.
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"${top_builddir:-.}/libsim/gen-ziggurat" > "$out"
if cmp -s "$out" "${top_srcdir:-.}/libsim/simziggurat-tables.h"; then
  echo "ok: libsim/simziggurat-tables.h matches gen-ziggurat"
else
  echo "libsim/simziggurat-tables.h differs from gen-ziggurat output:" >&2
  diff "$out" "${top_srcdir:-.}/libsim/simziggurat-tables.h" | head -20 >&2
  exit 1
fi
