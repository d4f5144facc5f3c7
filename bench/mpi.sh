#!/bin/sh
# Parallel runs against the sequential run, in one go on this machine
# (docs/parallel.md, docs/performance.md):
#  - grid-v6 at K = 64 (hop limit 255; 4,224 nodes, 64 flows of 10,000
#    packets/s): sequential, then mpirun -np RANKS with windows and with
#    null messages (IPESIM_PAR_SYNC); speed-up (target on
#    2 ranks of a 2-core machine: >= 1.7x), efficiency, windows, share of
#    the run each rank spent waiting, and a check that flows.csv, links.csv
#    and drops.csv are byte-identical;
#  - PHOLD with ROSS's parameters (W3: remote 1, lookahead 0.1, mean 1.1;
#    W1: remote 0.25, lookahead 1, mean 1; W2: remote 0.25, lookahead 0.1,
#    mean 1) at 1,000 LPs (END 10,000) and 100,000 LPs (END 100):
#    sequential and over RANKS ranks (windows, null messages), events per
#    second and the largest waiting share of a rank, the check that the
#    same events ran at every LP, and the ROSS 8.1.1 figures of
#    ../shared/anchors/README.md for comparison.
#
#   bench/mpi.sh [-n RANKS] [-t SECONDS] [-s] [BUILD_DIR]
#
#   -n RANKS    ranks of the parallel runs (default 2)
#   -t SECONDS  grid-v6 traffic time (default 1)
#   -s          skip PHOLD
# BUILD_DIR must hold an ipesim configured --with-mpi (default build).
set -eu
ranks=2 time=1 skip_phold=0
while getopts n:t:s opt; do
  case $opt in
    n) ranks=$OPTARG ;;
    t) time=$OPTARG ;;
    s) skip_phold=1 ;;
    *) sed -n '18,22p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
ipesim=$build/ipesim
[ -x "$ipesim" ] || make -C "$build" ipesim > /dev/null
grep -q IPESIM_WITH_MPI "$build/config.h" 2> /dev/null ||
  { echo "bench/mpi.sh: $build is not configured --with-mpi" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

col() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    NR == 2 { print $c; exit }' "$1"
}

echo "== grid-v6, K = 64, $time s of traffic, sequential and $ranks ranks"
set -- --set grid.k=64 --set grid.hop_limit=255 --set grid.time="${time}s"
"$ipesim" run "$src/scenarios/grid-v6.ini" "$@" -q -o "$tmp/seq"
ev=$(col "$tmp/seq/summary.csv" events)
ws=$(col "$tmp/seq/summary.csv" wall_seconds)
awk -v ev="$ev" -v ws="$ws" 'BEGIN { printf "  sequential: %d events in %.2f s (%.2f M/s)\n", ev, ws, ev / ws / 1e6 }'
for sync in windows null; do
  IPESIM_PAR_SYNC=$sync mpirun -np "$ranks" -x IPESIM_PAR_SYNC "$ipesim" run \
    "$src/scenarios/grid-v6.ini" "$@" -o "$tmp/par" > "$tmp/par.out" 2> "$tmp/par.err" ||
    { cat "$tmp/par.err" >&2; exit 1; }
  same=yes
  for f in flows.csv links.csv drops.csv delay_cdf.csv; do
    cmp -s "$tmp/seq/$f" "$tmp/par/$f" || same=no
  done
  wp=$(col "$tmp/par/summary.csv" wall_seconds)
  [ "$sync" = windows ] && grep -h 'partition:' "$tmp/par.err" | sed 's/^/  /'
  echo "  $sync:"
  grep -h 'windows of' "$tmp/par.out" | sed 's/^.*: /    /'
  awk -v ev="$ev" -v ws="$ws" -v wp="$wp" -v n="$ranks" -v same="$same" 'BEGIN {
    printf "    %d ranks %.2f s (%.2f M/s): speed-up %.2fx, efficiency %.0f %%; tables identical: %s\n", n, wp, ev / wp / 1e6, ws / wp, 100 * ws / wp / n, same
  }'
done

[ "$skip_phold" = 1 ] && exit 0
echo "== PHOLD (heap queue), sequential and $ranks ranks; ROSS 8.1.1 on its machine for reference"
printf '  %-3s %7s %6s %10s %8s %9s %8s %9s %8s %11s\n' wl LPs END events seq-M/s windows wait null wait ROSS-seq/2r
run_phold() {
  name=$1 lps=$2 end=$3 ross=$4
  shift 4
  "$ipesim" phold --lps "$lps" --end "$end" -q heap --no-plot --quiet "$@" -o "$tmp/p1"
  line=$(awk -F, 'NR == 2 { print $4 "," $7 "," $10 }' "$tmp/p1/phold.csv")
  for sync in windows null; do
    IPESIM_PAR_SYNC=$sync mpirun -np "$ranks" -x IPESIM_PAR_SYNC "$ipesim" phold --lps "$lps" \
      --end "$end" -q heap --no-plot --quiet "$@" -o "$tmp/p2"
    line="$line,$(awk -F, 'NR == 2 { print $4 "," $7 "," $10 "," $12 }' "$tmp/p2/phold.csv")"
  done
  echo "$line" | awk -F, -v n="$name" -v l="$lps" -v e="$end" -v r="$ross" '{
    ok = ($1 == $4 && $3 == $6 && $1 == $8 && $3 == $10) ? "" : "  (DIFFERENT EVENTS)"
    printf "  %-3s %7d %6s %10d %8.2f %8.2fM %7.0f%% %7.2fM %7.0f%% %11s%s\n", n, l, e, $1, $2 / 1e6, $5 / 1e6, 100 * $7, $9 / 1e6, 100 * $11, r, ok
  }'
}
run_phold W3 1000 10000 "1.47/1.21" --remote 1 --lookahead 0.1 --mean 1.1
run_phold W3 100000 100 "0.28/0.39" --remote 1 --lookahead 0.1 --mean 1.1
run_phold W1 1000 10000 "1.69/2.03" --remote 0.25 --lookahead 1 --mean 1
run_phold W1 100000 100 "0.38/-" --remote 0.25 --lookahead 1 --mean 1
run_phold W2 1000 10000 "1.37/1.51" --remote 0.25 --lookahead 0.1 --mean 1
run_phold W2 100000 100 "0.34/0.50" --remote 0.25 --lookahead 0.1 --mean 1
