#!/bin/sh
# `ipesim phold` writes a complete CSV with one row per (LP count, queue),
# identical trace hashes for both queues (same events, same order), and a
# plot when gnuplot is installed.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"${top_builddir:-.}/ipesim" phold --lps 50,200 --events 20000 -o "$dir" --quiet \
  ${GNUPLOT_ABSENT:+--no-plot} || { echo "ipesim phold failed" >&2; exit 1; }
test -s "$dir/phold.csv" || { echo "no phold.csv" >&2; exit 1; }
test -s "$dir/manifest.csv" || { echo "no manifest.csv" >&2; exit 1; }
rows=$(tail -n +2 "$dir/phold.csv" | wc -l)
[ "$rows" -eq 4 ] || { echo "expected 4 rows, got $rows" >&2; cat "$dir/phold.csv" >&2; exit 1; }
head -1 "$dir/phold.csv" | grep -q '^lps,queue,end_s,events,' || { echo "bad header" >&2; exit 1; }
# same LP count: same events and trace hash with heap and ladder
for n in 50 200; do
  h=$(awk -F, -v n="$n" 'NR>1 && $1==n {print $4 "/" $9}' "$dir/phold.csv" | sort -u | wc -l)
  [ "$h" -eq 1 ] || { echo "heap and ladder differ for $n LPs" >&2; cat "$dir/phold.csv" >&2; exit 1; }
done
if command -v gnuplot >/dev/null 2>&1; then
  size=$(wc -c < "$dir/phold.png")
  [ "$size" -gt 5000 ] || { echo "phold.png too small ($size bytes)" >&2; exit 1; }
fi
# bad input: a clear error and a non-zero exit
if "${top_builddir:-.}/ipesim" phold --lps 0 -o "$dir/bad" 2>"$dir/err"; then
  echo "--lps 0 accepted" >&2; exit 1
fi
grep -q -- "--lps" "$dir/err" || { echo "error does not name --lps" >&2; exit 1; }
echo "ok: ipesim phold"
