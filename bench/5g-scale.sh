#!/bin/sh
# 5G transport at scale: scenarios/5g-transport.ini with its three slices
# at 1,000, 10,000 and 100,000 cell sites (or the sizes given), through
# `ipesim run -v`: build time (topology, addresses, routing, SRv6, slicing
# set-up: NRP queues, per-NRP trees, policies, admission), run time,
# events, events per second, packets, peak RSS, and the forwarding state
# (sums of state.csv). Targets: 100,000 cell sites built in under 2
# minutes, 1 simulated second at the default load within 16 GiB.
#
#   bench/5g-scale.sh [-d DURATION] [-s "1000 10000 100000"] [BUILD_DIR [IPESIM_RUN_OPTIONS...]]
#
#   -d DURATION   simulated traffic time (default 1s; the scenario's own is 100ms)
#   -s SIZES      cell-site counts
# Options after BUILD_DIR go to every `ipesim run` (e.g. --set slicing.isolation=hard).
set -eu
dur=1s
sizes="1000 10000 100000"
while getopts d:s: opt; do
  case $opt in
    d) dur=$OPTARG ;;
    s) sizes=$OPTARG ;;
    *) sed -n '10,14p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
ipesim=$build/ipesim
[ -x "$ipesim" ] || make -C "$build" ipesim > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

csv_get() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    NR == 2 { print (c ? $c : "-"); exit }' "$1"
}
csv_sum() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    { t += $c } END { printf "%d", t }' "$1"
}

fmt='%-7s %-7s %-7s %-7s %-8s %-9s %-10s %-9s %-10s %-9s %-9s %-8s %-7s %-7s %s\n'
printf "$fmt" sites nodes links flows build-s run-s events events/s packets dropped peak-MiB fib sids policies "urllc/embb/mmtc SLA met"
for n in $sizes; do
  out=$tmp/out-$n
  "$ipesim" run "$src/scenarios/5g-transport.ini" -v -o "$out" \
    --set transport.cell_sites="$n" --set simulation.duration="$dur" "$@" \
    > "$tmp/stdout" 2> "$tmp/stderr" || {
    cat "$tmp/stderr" >&2
    exit 1
  }
  bt=$(sed -n 's/.*built .* in \([0-9.]*\)s$/\1/p' "$tmp/stderr")
  s=$out/summary.csv
  sla=$(awk -F, 'NR > 1 { printf "%s%s", sep, $NF; sep = "/" }' "$out/slices.csv")
  printf "$fmt" "$n" "$(csv_get "$s" nodes)" "$(csv_get "$s" links)" "$(csv_get "$s" flows)" \
    "${bt:--}" "$(csv_get "$s" wall_seconds)" "$(csv_get "$s" events)" \
    "$(csv_get "$s" events_per_second)" "$(csv_get "$s" packets_sent)" \
    "$(csv_get "$s" packets_dropped)" "$(($(csv_get "$s" peak_rss_kb) / 1024))" \
    "$(csv_sum "$out/state.csv" fib_entries)" "$(csv_sum "$out/state.csv" local_sids)" \
    "$(csv_sum "$out/state.csv" policies)" "$sla"
done
