#!/bin/sh
# Runs scenarios/5g-slicing-isolation.ini without slicing (isolation none),
# with soft and with hard isolation, and writes the trade-off:
#
#   OUT/none/, OUT/soft/, OUT/hard/   the three runs' results
#   OUT/isolation.csv                 one row per mode and slice
#   OUT/tradeoff.csv                  one row per mode: the plotted figures
#   OUT/isolation.gp, .png, .svg      URLLC tail latency against its bound,
#                                     and what eMBB delivers, per mode
#
# usage: scenarios/5g-slicing-isolation.sh [IPESIM [OUT [--set ...]...]]
#   IPESIM defaults to build/ipesim, OUT to results/5g-slicing-isolation-study;
#   further arguments go to every run (e.g. --set slicing.selector=dscp ...).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ipesim=${1:-build/ipesim}
out=${2:-results/5g-slicing-isolation-study}
[ $# -ge 2 ] && shift 2 || shift $#
mkdir -p "$out"
for mode in none soft hard; do
  "$ipesim" run "$here/5g-slicing-isolation.ini" -q -o "$out/$mode" \
    --set slicing.isolation=$mode "$@"
done
# mode,slice,... from each slices.csv (first column of the file: slice)
{
  echo "mode,$(head -1 "$out/none/slices.csv")"
  for mode in none soft hard; do
    tail -n +2 "$out/$mode/slices.csv" | sed "s/^/$mode,/"
  done
} > "$out/isolation.csv.tmp"
mv "$out/isolation.csv.tmp" "$out/isolation.csv"
# the plot's data: one row per mode
awk -F, 'NR > 1 && $2 == "urllc" { u[$1] = $21; w[$1] = $24 }
         NR > 1 && $2 == "embb" { e[$1] = $17 / 1e9; l[$1] = $18 }
         END { print "mode,urllc_delay_p99999_us,urllc_within_bound_pct,embb_delivered_gbit,embb_loss_ratio"
               n = split("none soft hard", m, " ")
               for (i = 1; i <= n; i++) print m[i] "," u[m[i]] "," w[m[i]] "," e[m[i]] "," l[m[i]] }' \
  "$out/isolation.csv" > "$out/tradeoff.csv"
cat > "$out/isolation.gp" <<'GP'
# The isolation trade-off from tradeoff.csv (written by
# scenarios/5g-slicing-isolation.sh). Edit freely; run `gnuplot isolation.gp`.
set datafile separator comma
set style fill solid 0.7 border -1
set boxwidth 0.6
set grid ytics
set key top right
set xrange [-0.6:2.6]
plot_it = "set multiplot layout 1,2 title 'eMBB surge to 150 % of a 25 Gbit/s access link'; \
  set title 'URLLC one-way delay, 99.999th percentile'; set ylabel 'us'; set logscale y; \
  plot 'tradeoff.csv' every ::1 using 0:2:xtic(1) with boxes title 'URLLC p99.999', \
       1000 with lines lw 2 dt 2 title 'bound 1 ms'; \
  unset logscale y; \
  unset key; set title 'eMBB delivered in the run'; set ylabel 'Gbit'; set yrange [0:*]; \
  plot 'tradeoff.csv' every ::1 using 0:4:xtic(1) with boxes title 'eMBB delivered'; \
  unset multiplot"
set terminal pngcairo size 1100,450
set output 'isolation.png'
eval plot_it
set terminal svg size 1100,450
set output 'isolation.svg'
eval plot_it
GP
if command -v gnuplot > /dev/null; then
  (cd "$out" && gnuplot isolation.gp)
else
  echo "gnuplot not found (Debian package gnuplot-nox): $out/isolation.gp is left to render" >&2
fi
awk -F, 'NR > 1 { printf "%-5s %-6s admitted %-3s loss %-12s p99.999 %12s us  within bound %8s %%  SLA %s\n", $1, $2, $5, $18, $21, $24, $25 }' "$out/isolation.csv"
