#!/bin/sh
# PHOLD side by side: ipesim (both queues) and the ns-3 reference program
# (shared/anchors/ns3/ns3_phold.cc, its map, heap and calendar schedulers)
# on the same workload in one run, then the ratios. ROSS's sequential rates
# recorded in shared/anchors/README.md are printed for comparison.
#
#   bench/phold-vs-ns3.sh [BUILD_DIR] [ANCHORS_DIR]
#
# BUILD_DIR holds bench/phold (make bench); ANCHORS_DIR defaults to
# ../shared/anchors. The ns-3 program is compiled into BUILD_DIR/ns3 on
# first use (Debian's ns3 and libns3-dev packages, installed when root).
set -eu
build=${1:-build}
anchors=${2:-$(cd "$(dirname "$0")/../.." && pwd)/shared/anchors}
[ -x "$build/bench/phold" ] || make -C "$build" bench > /dev/null
[ -x "$build/ns3/ns3_phold" ] || bash "$anchors/ns3/build.sh" "$build/ns3" > /dev/null

rate_ipesim() { # lps end queue [extra]
  "$build/bench/phold" --lps "$1" --end "$2" --queue "$3" ${4:-} 2>/dev/null |
    sed 's/.*events_per_s \([0-9]*\).*/\1/'
}
rate_ns3() { # n end scheduler
  "$build/ns3/ns3_phold" --n="$1" --end="$2" --scheduler="$3" |
    sed -n 's/^events_per_s \([0-9]*\).*/\1/p'
}
best() { printf '%s\n' "$@" | sort -n | tail -1; }

printf '%-8s %-6s %-12s %-12s %-12s %-12s %-12s %-12s %s\n' \
  workload lps ipesim-heap ipesim-ladder ns3-map ns3-heap ns3-calendar ratio-vs-best-ns3 "ROSS-seq(recorded)"
for spec in "1000 1000 1.47M" "100000 100 0.28M"; do
  set -- $spec
  n=$1 end=$2 ross=$3
  h=$(rate_ipesim "$n" "$end" heap)
  l=$(rate_ipesim "$n" "$end" ladder)
  m=$(rate_ns3 "$n" "$end" map)
  p=$(rate_ns3 "$n" "$end" heap)
  c=$(rate_ns3 "$n" "$end" calendar)
  ours=$(best "$h" "$l")
  theirs=$(best "$m" "$p" "$c")
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  printf '%-8s %-6s %-12s %-12s %-12s %-12s %-12s %-12s %s\n' W3 "$n" "$h" "$l" "$m" "$p" "$c" "$ratio" "$ross"
done
# W1 and W2 (ROSS's own workloads) for the ROSS comparison.
for spec in "W1 1000 1000 1.69M" "W1 100000 100 0.38M" "W2 1000 1000 1.37M" "W2 100000 100 0.34M"; do
  set -- $spec
  case $1 in
    W1) opts="--remote 0.25 --lookahead 1 --mean 1" ;;
    W2) opts="--remote 0.25 --lookahead 0.1 --mean 1" ;;
  esac
  h=$(rate_ipesim "$2" "$3" heap "$opts")
  l=$(rate_ipesim "$2" "$3" ladder "$opts")
  printf '%-8s %-6s %-12s %-12s %-12s %-12s %-12s %-12s %s\n' "$1" "$2" "$h" "$l" - - - - "$4"
done
# Start-up of 1,000,000 LPs (set-up time only: --end tiny).
"$build/bench/phold" --lps 1000000 --end 0.000001 2>&1 >/dev/null | sed 's/.*setup_seconds \([0-9.]*\).*event_bytes_per_pending \([0-9.]*\).*/1M LPs: setup_seconds \1 event_bytes_per_pending \2/'
