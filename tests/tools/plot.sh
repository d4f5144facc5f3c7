#!/bin/sh
# `ipesim plot` end to end:
#  - a run of scenarios/quickstart.ini (queue samples on, a timeseries.csv
#    fixture added, a [plot] section set): every figure's .gp and .dat are
#    written into DIR/plots, and with gnuplot its .png and .svg (> 2 KB);
#    each script renders again by itself in a copy of the folder;
#  - the sweep fixtures of tests/data/plot/: a numeric parameter with units
#    on x (one block per value of the word parameter, NaN and missing
#    intervals), words only (categories), and the [plot] sections of
#    sweep.ini;
#  - errors: a missing folder, a folder that is no result folder, bad usage
#    (exit 2), a [plot] with an unknown column (FILE:LINE, the section and
#    the key), a malformed table (file and line), and gnuplot missing from
#    PATH (the scripts are written, the message names gnuplot-nox, exit 1).
# Prints "ok: ..." per check; stops with "FAIL: ..." at the first failure.
set -eu

. "${top_srcdir:-.}/tests/tools/lib.sh"
data="$srcdir/tests/data/plot"

if command -v gnuplot >/dev/null 2>&1; then
  render=yes
else
  render=no
  echo "# gnuplot not installed (Debian package gnuplot-nox): rendering is not checked"
fi

# has_figure DIR NAME: NAME.gp and NAME.dat, and the images when rendering
has_figure() {
  for ext in gp dat; do
    [ -s "$1/$2.$ext" ] || fail "no $1/$2.$ext"
  done
  grep -q "^# $2.gp: " "$1/$2.gp" || fail "$2.gp does not say what it plots"
  grep -q "^plot '$2.dat'" "$1/$2.gp" || fail "$2.gp does not plot $2.dat"
  # the files it names: its data and its images, in this folder
  others=$(grep -o "'[^' ]*\.\(csv\|dat\|png\|svg\)'" "$1/$2.gp" | grep -v -x -e "'$2.dat'" -e "'$2.png'" \
    -e "'$2.svg'" || true)
  [ -z "$others" ] || fail "$2.gp names other files: $others"
  grep -q "^set output '$2.png'" "$1/$2.gp" || fail "$2.gp does not write $2.png"
  grep -q "^set output '$2.svg'" "$1/$2.gp" || fail "$2.gp does not write $2.svg"
  if [ "$render" = yes ]; then
    for ext in png svg; do
      [ -f "$1/$2.$ext" ] || fail "no $1/$2.$ext"
      size=$(wc -c < "$1/$2.$ext")
      [ "$size" -gt 2048 ] || fail "$1/$2.$ext has only $size bytes"
    done
  fi
}

# ---- a single run ----------------------------------------------------------
run="$dir/run"
"$ipesim" run "$srcdir/scenarios/quickstart.ini" -o "$run" -q \
  --set output.queue_sample=10ms \
  --set 'plot rx.table=flows' --set 'plot rx.x=flow' --set 'plot rx.y=rx_bytes' \
  --set 'plot rx.style=bars' --set 'plot rx.ylabel=received (bytes)' \
  || fail "ipesim run quickstart with a [plot] section"
cp "$data/timeseries.csv" "$run/"
chmod u+w "$run/timeseries.csv"
"$ipesim" plot "$run" > "$dir/out" 2> "$dir/err" || { cat "$dir/err" >&2; fail "ipesim plot RUN"; }
[ ! -s "$dir/err" ] || { cat "$dir/err" >&2; fail "ipesim plot RUN wrote to stderr"; }
for f in delay_cdf throughput link_utilization_time link_utilization queues rx; do
  has_figure "$run/plots" "$f"
  grep -q "^$run/plots/$f.gp, .dat" "$dir/out" || fail "no line for $f in: $(cat "$dir/out")"
done
lines=$(wc -l < "$dir/out")
[ "$lines" -eq 6 ] || fail "expected 6 lines (one per figure), got $lines"
ok "a run: delay_cdf, throughput, link_utilization_time, link_utilization, queues, [plot rx]"

# the data: one block per flow, names with a comma kept, NaN for no value,
# the throughput scaled in the script, log x for delays
grep -q '^# index 1: bulk, big$' "$run/plots/throughput.dat" || fail "throughput.dat blocks"
grep -q '^0.2 NaN$' "$run/plots/throughput.dat" || fail "throughput.dat NaN"
grep -q "using 1:(\$2/1e6) with lines lw 2 title 'bulk, big'" "$run/plots/throughput.gp" \
  || fail "throughput.gp does not scale to Mbit/s"
grep -q "^set ylabel 'received throughput (Mbit/s)'" "$run/plots/throughput.gp" \
  || fail "throughput.gp label"
grep -q '^set logscale x' "$run/plots/delay_cdf.gp" || fail "delay_cdf.gp not log x"
n=$(grep -c '^# index ' "$run/plots/delay_cdf.dat")
[ "$n" -eq 3 ] || fail "delay_cdf.dat has $n blocks, expected 3 (flows)"
grep -q '^15 0.84[0-9]* "r0 > r1"$' "$run/plots/link_utilization.dat" \
  || fail "link_utilization.dat: the busiest direction on top"
grep -q '^# index 0: r0-r1$' "$run/plots/link_utilization_time.dat" \
  || fail "link_utilization_time.dat: the busiest link first"
grep -q '^# index 0: r0:eth0$' "$run/plots/queues.dat" || fail "queues.dat: the longest first"
grep -q '^0 [0-9]* "video"$' "$run/plots/rx.dat" || fail "rx.dat: categories"
ok "a run: data blocks, names with commas, NaN, units"

# a script renders by itself from a copy of the folder
if [ "$render" = yes ]; then
  mkdir "$dir/copy"
  cp "$run/plots/throughput.gp" "$run/plots/throughput.dat" "$dir/copy/"
  (cd "$dir/copy" && gnuplot throughput.gp) 2> "$dir/err" || fail "gnuplot throughput.gp: $(cat "$dir/err")"
  [ -s "$dir/copy/throughput.png" ] && [ -s "$dir/copy/throughput.svg" ] \
    || fail "gnuplot throughput.gp in a copy wrote no images"
  ok "a script renders by itself in a copy of its folder"
fi

# -o and --no-render
"$ipesim" plot "$run" -o "$dir/figs" --no-render > "$dir/out" || fail "ipesim plot -o --no-render"
[ -s "$dir/figs/delay_cdf.gp" ] || fail "-o: no delay_cdf.gp"
[ ! -e "$dir/figs/delay_cdf.png" ] || fail "--no-render rendered"
ok "-o OUTDIR and --no-render"

# ---- sweeps ----------------------------------------------------------------
# (copies of the fixtures are made writable: make distcheck's source is not)
cp -r "$data/sweep-numeric" "$dir/sn"
chmod -R u+w "$dir/sn"
"$ipesim" plot "$dir/sn" > "$dir/out" 2> "$dir/err" || { cat "$dir/err" >&2; fail "ipesim plot SWEEP"; }
for f in sweep-loss_ratio sweep-delay_p99_us loss-by-run loss-ci; do
  has_figure "$dir/sn/plots" "$f"
done
# x = rate (the first numeric parameter) in base units, one block per mode;
# a point without interval (n = 1) has ci = mean, a point of failed runs NaN
expect_dat() {
  printf '%s\n' "$2" > "$dir/want"
  grep -v '^#' "$1" > "$dir/got"
  cmp -s "$dir/want" "$dir/got" || { diff "$dir/want" "$dir/got" >&2 || true; fail "$1"; }
}
expect_dat "$dir/sn/plots/sweep-loss_ratio.dat" "10000000 0.1 0.01 0.19
100000000 0.05 0.02 0.08
1000000000 0.01 0.005 0.015


10000000 0.2 0.1 0.3
100000000 0.15 0.15 0.15
1000000000 NaN NaN NaN"
grep -q '^# index 0: mode=hard$' "$dir/sn/plots/sweep-loss_ratio.dat" || fail "block title mode=hard"
grep -q '^# index 1: mode=soft$' "$dir/sn/plots/sweep-loss_ratio.dat" || fail "block title mode=soft"
gp="$dir/sn/plots/sweep-loss_ratio.gp"
grep -q "^set xlabel 'rate (Mbit/s)'" "$gp" || fail "sweep x label: $(grep xlabel "$gp")"
grep -q "using (\$1/1e6):2:3:4 with yerrorlines" "$gp" || fail "sweep: yerrorlines in Mbit/s"
grep -q "title 'mode=soft'" "$gp" || fail "sweep legend"
grep -q '^set logscale x' "$gp" || fail "sweep over two decades: log x"
# the [plot] sections of sweep.ini: rows of sweep.csv where status = ok
n=$(grep -c '^[0-9]' "$dir/sn/plots/loss-by-run.dat")
[ "$n" -eq 9 ] || fail "loss-by-run.dat: $n points, expected the 9 ok runs"
grep -q "^set title 'Loss ratio of every run'" "$dir/sn/plots/loss-by-run.gp" || fail "[plot] title"
grep -q "with yerrorlines" "$dir/sn/plots/loss-ci.gp" || fail "[plot] errorbars"
ok "a sweep with a numeric parameter: blocks per group, NaN, intervals, [plot] sections"

cp -r "$data/sweep-words" "$dir/sw"
chmod -R u+w "$dir/sw"
"$ipesim" plot "$dir/sw" --no-render > "$dir/out" || fail "ipesim plot SWEEP (words)"
expect_dat "$dir/sw/plots/sweep-loss_ratio.dat" '0 0.1 0.05 0.15 "hard"
1 0.2 0.15 0.25 "soft"
2 0.4 0.35 0.45 "none"


0 0.05 0.02 0.08 "hard"
1 0.1 0.07 0.13 "soft"
2 0.3 0.3 0.3 "none"'
grep -q "^set xtics ('hard' 0, 'soft' 1, 'none' 2)" "$dir/sw/plots/sweep-loss_ratio.gp" \
  || fail "categorical xtics in order of first appearance"
grep -q "title 'queue=drr'" "$dir/sw/plots/sweep-loss_ratio.gp" || fail "legend queue=drr"
ok "a sweep of words: categorical x"

# ---- errors ----------------------------------------------------------------
status=0
"$ipesim" plot "$dir/nowhere" 2> "$dir/err" || status=$?
[ "$status" -eq 1 ] || fail "a missing folder: exit $status, expected 1"
grep -q "nowhere: no such folder" "$dir/err" || fail "missing folder: $(cat "$dir/err")"
mkdir "$dir/empty"
status=0
"$ipesim" plot "$dir/empty" 2> "$dir/err" || status=$?
[ "$status" -eq 1 ] || fail "not a result folder: exit $status"
grep -q "manifest.ini" "$dir/err" || fail "not a result folder: $(cat "$dir/err")"
status=0
"$ipesim" plot 2> /dev/null || status=$?
[ "$status" -eq 2 ] || fail "no folder: exit $status, expected 2"
status=0
"$ipesim" plot "$run" --frobnicate 2> /dev/null || status=$?
[ "$status" -eq 2 ] || fail "unknown option: exit $status, expected 2"
ok "a missing folder and a folder of no results (exit 1), bad usage (exit 2)"

cp -r "$run" "$dir/bad"
printf '\n[plot oops]\ntable = flows\nx = flow\ny = loss_percent\n' >> "$dir/bad/manifest.ini"
line=$(grep -n '^y = loss_percent' "$dir/bad/manifest.ini" | cut -d: -f1)
status=0
"$ipesim" plot "$dir/bad" --no-render > /dev/null 2> "$dir/err" || status=$?
[ "$status" -eq 1 ] || fail "unknown column: exit $status"
grep -q "manifest.ini:$line: \[plot oops\] y: no column 'loss_percent' in .*flows.csv (columns: flow," \
  "$dir/err" || fail "unknown column: $(cat "$dir/err")"
[ -s "$dir/bad/plots/delay_cdf.gp" ] || fail "the other figures are still written"
printf 'flow,delay_us,cdf\nvideo,12,0.5\nvideo,twelve,1\n' > "$dir/bad/delay_cdf.csv"
"$ipesim" plot "$dir/bad" --no-render > /dev/null 2> "$dir/err" || true
grep -q "delay_cdf.csv:3: column 'delay_us' holds 'twelve': expected a number" "$dir/err" \
  || fail "malformed table: $(cat "$dir/err")"
ok "a [plot] with an unknown column, a malformed table: FILE:LINE and what was expected"

# gnuplot missing: a PATH with the tools the libtool wrapper needs, no gnuplot
mkdir "$dir/bin"
for tool in sh sed ls cat dirname basename expr uname rm mkdir; do
  p=$(command -v "$tool" 2>/dev/null) && ln -s "$p" "$dir/bin/$tool"
done
rm -rf "$run/plots"
status=0
PATH="$dir/bin" "$ipesim" plot "$run" > "$dir/out" 2> "$dir/err" || status=$?
[ "$status" -eq 1 ] || fail "gnuplot missing: exit $status, expected 1"
grep -q "gnuplot-nox" "$dir/err" || fail "gnuplot missing: $(cat "$dir/err")"
[ -s "$run/plots/delay_cdf.gp" ] && [ -s "$run/plots/delay_cdf.dat" ] \
  || fail "gnuplot missing: the scripts were not written"
[ ! -e "$run/plots/delay_cdf.png" ] || fail "gnuplot missing: yet a PNG"
ok "gnuplot missing: scripts written, gnuplot-nox named, exit 1"
