#!/bin/sh
# grid-v6 side by side: ipesim (scenarios/grid-v6.ini) and the ns-3
# reference program ns3_ipv6_grid (shared/anchors/ns3/ns3_ipv6_grid.cc) on
# the same K, rate and traffic time, then the ratios. Targets: ipesim's
# packet-hops per wall-second >= 10x ns-3's, its peak RSS <= 1/4 of ns-3's.
# Both must deliver the same number of packets with the same mean one-way
# delay (to 0.01 us); the script says whether they do and exits 1 if not.
# (ns-3's first packet of each flow waits behind its DAD neighbour
# solicitations, 0.059 or 0.118 us; over 1 s of traffic that moves the
# mean by far less than 0.01 us, over a few ms it does not.)
#
#   bench/grid-v6.sh [-a] [-r N] [-t SECONDS] [BUILD_DIR] [ANCHORS_DIR]
#
#   -a          also K=4 and K=8 (rate 10000); default K=16 (rate 10000)
#               and K=32 (rate 1000)
#   -r N        run each program N times, report the median run (default 1)
#   -t SECONDS  simulated traffic time (default 1)
#
# BUILD_DIR holds the ipesim command (default build); ANCHORS_DIR defaults
# to ../shared/anchors. The ns-3 program is compiled into BUILD_DIR/ns3 on
# first use (Debian's ns3 and libns3-dev packages, installed when root).
# Wall seconds are those of the run phase (set-up excluded) as each program
# measures them: ipesim's summary.csv wall_seconds, ns-3's run_wall_s.
# Peak RSS: ipesim's summary.csv peak_rss_kb; ns-3's from /usr/bin/time -v
# when that program is installed (GNU time), "-" otherwise.
set -eu
all=0 reps=1 time=1
while getopts ar:t: opt; do
  case $opt in
    a) all=1 ;;
    r) reps=$OPTARG ;;
    t) time=$OPTARG ;;
    *) sed -n '12,17p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
anchors=${2:-$(cd "$src/.." && pwd)/shared/anchors}
ipesim=$build/ipesim
[ -x "$ipesim" ] || make -C "$build" ipesim > /dev/null
[ -x "$build/ns3/ns3_ipv6_grid" ] || bash "$anchors/ns3/build.sh" "$build/ns3" > /dev/null
gnutime=
if [ -x /usr/bin/time ] && /usr/bin/time -v true > /dev/null 2>&1; then
  gnutime=/usr/bin/time
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# csv_get FILE COLUMN: the value of COLUMN in the first data row
csv_get() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    NR == 2 { print (c ? $c : "-"); exit }' "$1"
}

# run_ipesim K RATE OUTFILE: one line "received hops wall rss mean_delay_us"
run_ipesim() {
  out=$tmp/ipesim-$1
  rm -rf "$out"
  "$ipesim" run "$src/scenarios/grid-v6.ini" --set grid.k="$1" --set grid.rate="$2" \
    --set grid.time="${time}s" -q -o "$out"
  # packet-weighted mean of the per-flow mean delays
  mean=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "rx_packets") r = i;
                                                       if ($i == "delay_mean_us") d = i }
                            next }
                  { n += $r; s += $r * $d }
                  END { if (n) printf "%.4f", s / n; else print "nan" }' "$out/flows.csv")
  echo "$(csv_get "$out/summary.csv" packets_delivered) $(csv_get "$out/summary.csv" packet_hops)" \
    "$(csv_get "$out/summary.csv" wall_seconds) $(csv_get "$out/summary.csv" peak_rss_kb) $mean" > "$3"
}

# run_ns3 K RATE OUTFILE: same fields
run_ns3() {
  log=$tmp/ns3-$1.log
  if [ -n "$gnutime" ]; then
    "$gnutime" -v -o "$tmp/ns3-$1.time" "$build/ns3/ns3_ipv6_grid" --k="$1" --rate="$2" \
      --time="$time" > "$log"
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$tmp/ns3-$1.time")
  else
    "$build/ns3/ns3_ipv6_grid" --k="$1" --rate="$2" --time="$time" > "$log"
    rss=-
  fi
  awk -v rss="$rss" '$1 == "received" { rx = $2 }
    $1 == "delay_mean_us" { d = $2 }
    $1 == "link_hops_per_packet" { hops = $4 }
    $1 == "setup_wall_s" { w = $4 }
    END { print rx, hops, w, rss, d }' "$log" > "$3"
}

# median_run FUNC K RATE: the run with the median wall seconds of $reps
median_run() {
  i=0
  : > "$tmp/runs"
  while [ "$i" -lt "$reps" ]; do
    "$1" "$2" "$3" "$tmp/one"
    cat "$tmp/one" >> "$tmp/runs"
    i=$((i + 1))
  done
  sort -g -k3,3 "$tmp/runs" | sed -n "$(((reps + 1) / 2))p"
}

mib() { [ "$1" = - ] && echo - || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

specs="16:10000 32:1000"
[ "$all" = 1 ] && specs="4:10000 8:10000 $specs"
fmt='%-3s %-6s %-8s %-9s %-9s %-9s %-9s %-8s %-10s %-9s %-8s %-10s %-8s %-9s %s\n'
printf "grid-v6, %ss of traffic, median of %s run(s); wall = run phase\n" "$time" "$reps"
printf "$fmt" K rate packets pkt-hops delay-us ns3-delay ipesim-s ns3-s ipesim-h/s ns3-h/s speedup \
  ipesim-MiB ns3-MiB rss-ratio same?
status=0
for spec in $specs; do
  k=${spec%:*} r=${spec#*:}
  set -- $(median_run run_ipesim "$k" "$r")
  i_rx=$1 i_hops=$2 i_wall=$3 i_rss=$4 i_delay=$5
  set -- $(median_run run_ns3 "$k" "$r")
  n_rx=$1 n_hops=$2 n_wall=$3 n_rss=$4 n_delay=$5
  i_rate=$(rate "$i_hops" "$i_wall")
  n_rate=$(rate "$n_hops" "$n_wall")
  speedup=$(awk -v a="$i_rate" -v b="$n_rate" 'BEGIN { printf "%.1fx", a / b }')
  if [ "$n_rss" = - ]; then
    rss_ratio=-
  else
    rss_ratio=$(awk -v a="$i_rss" -v b="$n_rss" 'BEGIN { printf "1/%.2f", b / a }')
  fi
  same=$(awk -v a="$i_rx" -v b="$n_rx" -v da="$i_delay" -v db="$n_delay" \
    'BEGIN { d = da - db; if (d < 0) d = -d; print (a == b && d <= 0.01) ? "yes" : "NO" }')
  [ "$same" = yes ] || status=1
  printf "$fmt" "$k" "$r" "$i_rx" "$i_hops" "$i_delay" "$n_delay" "$i_wall" "$n_wall" "$i_rate" "$n_rate" \
    "$speedup" "$(mib "$i_rss")" "$(mib "$n_rss")" "$rss_ratio" "$same"
  if [ "$same" != yes ]; then
    echo "  K=$k: ipesim received $i_rx, mean delay $i_delay us;" \
      "ns-3 received $n_rx, mean delay $n_delay us" >&2
  fi
done
if [ "$status" = 0 ]; then
  echo "both deliver the same packets with the same mean one-way delay (within 0.01 us)"
else
  echo "MISMATCH: received packets or mean delay differ (see above)"
fi
echo "targets: speedup >= 10x, rss-ratio <= 1/4"
exit "$status"
