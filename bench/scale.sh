#!/bin/sh
# Scale: scenarios/scale-100k.ini (100,000 routers, 10,000 flows, 10 ms of
# traffic) through `ipesim run -v`, then build time, run time, events,
# events per second and peak RSS. Targets: built in under a minute,
# 10 ms simulated within 16 GiB.
#
#   bench/scale.sh [-r N] [BUILD_DIR [IPESIM_RUN_OPTIONS...]]
#
#   -r N   run N times, report the run with the median run time (default 1)
#
# Options after BUILD_DIR go to `ipesim run`, e.g. a smaller version:
#   bench/scale.sh build --set scale.n=20000 --set scale.src='r1???' --set scale.dst='r9???'
# Build time is the "built ... in Xs" line of -v (topology, addresses,
# routing set-up, flows); run time is summary.csv's wall_seconds (the event
# loop); peak RSS is summary.csv's peak_rss_kb (the whole process); cpu-s
# is the whole process's user + system time when GNU time is installed
# (on a shared machine run-s can exceed it by the time others took).
set -eu
reps=1
while getopts r: opt; do
  case $opt in
    r) reps=$OPTARG ;;
    *) sed -n '7,9p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
ipesim=$build/ipesim
[ -x "$ipesim" ] || make -C "$build" ipesim > /dev/null
gnutime=
if [ -x /usr/bin/time ] && /usr/bin/time -f %U true > /dev/null 2>&1; then
  gnutime="/usr/bin/time -f %U+%S -o"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

csv_get() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    NR == 2 { print (c ? $c : "-"); exit }' "$1"
}

fmt='%-7s %-7s %-6s %-8s %-9s %-9s %-9s %-8s %-9s %-8s %-8s %-7s %s\n'
printf "$fmt" nodes links flows build-s run-s events events/s packets delivered dropped total-s cpu-s peak-RSS
: > "$tmp/runs"
i=0
while [ "$i" -lt "$reps" ]; do
  out=$tmp/out
  rm -rf "$out"
  t0=$(date +%s.%N)
  echo - > "$tmp/cpu"
  ${gnutime:+$gnutime "$tmp/cpu"} "$ipesim" run "$src/scenarios/scale-100k.ini" -v -o "$out" "$@" \
    > "$tmp/stdout" 2> "$tmp/stderr" || {
    cat "$tmp/stderr" >&2
    exit 1
  }
  t1=$(date +%s.%N)
  bt=$(sed -n 's/.*built .* in \([0-9.]*\)s$/\1/p' "$tmp/stderr")
  s=$out/summary.csv
  echo "$(csv_get "$s" nodes) $(csv_get "$s" links) $(csv_get "$s" flows) $bt" \
    "$(csv_get "$s" wall_seconds) $(csv_get "$s" events)" \
    "$(awk -v e="$(csv_get "$s" events_per_second)" 'BEGIN { printf "%.0f", e }')" \
    "$(csv_get "$s" packets_sent) $(csv_get "$s" packets_delivered) $(csv_get "$s" packets_dropped)" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
    "$(awk -F+ '$2 != "" { printf "%.2f", $1 + $2; exit } { print "-" }' "$tmp/cpu")" \
    "$(awk -v k="$(csv_get "$s" peak_rss_kb)" 'BEGIN { printf "%.0fMiB", k / 1024 }')" \
    >> "$tmp/runs"
  i=$((i + 1))
done
sort -g -k5,5 "$tmp/runs" | sed -n "$(((reps + 1) / 2))p" | {
  read -r nodes links flows bt rt ev evs pk dl dr tt cpu rss
  printf "$fmt" "$nodes" "$links" "$flows" "$bt" "$rt" "$ev" "$evs" "$pk" "$dl" "$dr" "$tt" "$cpu" "$rss"
}
echo "targets: build-s < 60, peak RSS < 16 GiB (simulated: 10 ms of traffic)"
