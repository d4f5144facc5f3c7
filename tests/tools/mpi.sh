#!/bin/sh
# mpi.sh - one simulation over several MPI ranks gives the bytes of the
# sequential run (docs/parallel.md). Run by make check when built with
# ./configure --with-mpi.
#
# For each scenario: a sequential run, then `mpirun -np 2` (and -np 4 for
# the short ones), and every CSV compared byte for byte. summary.csv is
# compared without the columns that measure the run itself (wall time,
# events per second, peak RSS); the manifest differs by the ranks,
# partition and lookahead lines it records.
set -eu
. "$(dirname "$0")/lib.sh"

command -v mpirun > /dev/null || fail "mpirun not found (Debian package openmpi-bin)"
# root in containers and CI; more ranks than cores; ranks yield while they wait
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_hwloc_base_binding_policy=none
# Under AddressSanitizer: Open MPI's components leave allocations at exit
# that LeakSanitizer cannot attribute (unloaded modules), so leaks do not
# fail a parallel run; instead each run's leak report is kept and any leak
# with a frame in ipesim's own code fails the test (leak_check below).
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export LSAN_OPTIONS="exitcode=0:log_path=$dir/lsan"
fi
leak_check() {
  [ -n "${ASAN_OPTIONS:-}" ] || return 0
  # a leak report block with a frame of ours and none of Open MPI's start-up
  if cat "$dir"/lsan.* 2> /dev/null | awk -v RS= '/ in (sim_|ipesim_|run_parallel)|\/(libsim|models|tools)\// &&
       !/MPI_Init|ompi_|opal_|orte_|pmix/' > "$dir/ours" && [ -s "$dir/ours" ]; then
    cat "$dir/ours" >&2
    fail "$1: ipesim code leaks in a parallel run"
  fi
  rm -f "$dir"/lsan.*
}

mpi() {
  np=$1
  shift
  mpirun -np "$np" "$ipesim" "$@"
}

# summary.csv without wall_seconds, events_per_second and peak_rss_kb
summary_cut() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i != "wall_seconds" && $i != "events_per_second" && $i != "peak_rss_kb") keep[i] = 1 }
    { s = ""; for (i = 1; i <= NF; i++) if (keep[i]) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}

# same_results SEQ PAR LABEL: every table of SEQ is in PAR with the same bytes
same_results() {
  n=0
  for f in "$1"/*.csv; do
    b=$(basename "$f")
    [ -f "$2/$b" ] || fail "$3: $b missing"
    if [ "$b" = summary.csv ]; then
      summary_cut "$f" > "$dir/s1"
      summary_cut "$2/$b" > "$dir/s2"
      cmp -s "$dir/s1" "$dir/s2" || { diff "$dir/s1" "$dir/s2" >&2; fail "$3: summary.csv differs"; }
    else
      cmp -s "$f" "$2/$b" || { diff "$f" "$2/$b" | head -10 >&2; fail "$3: $b differs"; }
    fi
    n=$((n + 1))
  done
  [ "$n" -ge 5 ] || fail "$3: only $n tables"
  caps=0
  if [ -d "$1/pcap" ]; then
    for f in "$1"/pcap/*.pcap; do
      cmp -s "$f" "$2/pcap/$(basename "$f")" || fail "$3: capture $(basename "$f") differs"
      caps=$((caps + 1))
    done
    [ "$(ls "$2/pcap" | wc -l)" = "$caps" ] || fail "$3: not the same captures"
  fi
  grep -q '^ranks=' "$2/manifest.ini" || fail "$3: the manifest does not record the ranks"
  grep -q '^partition=.*cut link' "$2/manifest.ini" || fail "$3: the manifest does not record the partition"
  grep -q '^lookahead=' "$2/manifest.ini" || fail "$3: the manifest does not record the lookahead"
  ( cd "$2" && sha256sum -c --quiet SHA256SUMS ) || fail "$3: SHA256SUMS does not verify"
  capmsg=
  [ "$caps" -eq 0 ] || capmsg=" and $caps captures"
  ok "$3: $n tables$capmsg byte-identical to the sequential run"
}

# check NAME NPS SCENARIO [RUN OPTIONS]: sequential, then each rank count
check() {
  name=$1 nps=$2
  shift 2
  "$ipesim" run "$@" -q -o "$dir/$name-seq" || fail "$name: the sequential run failed"
  for np in $nps; do
    mpi "$np" run "$@" -o "$dir/$name-np$np" > "$dir/$name-np$np.out" 2> "$dir/$name-np$np.err" ||
      { cat "$dir/$name-np$np.err" >&2; fail "$name: mpirun -np $np failed"; }
    grep -q "partition: $np ranks" "$dir/$name-np$np.err" || fail "$name: no partition line"
    grep -q "over $np ranks" "$dir/$name-np$np.out" || fail "$name: no summary line"
    same_results "$dir/$name-seq" "$dir/$name-np$np" "$name -np $np"
    leak_check "$name -np $np"
  done
}

# grid-v6: every link 10 us, rows of flows across the grid
check grid-v6 "2 4" "$scen/grid-v6.ini" --set grid.k=6 --set grid.time=50ms
# a random topology with Bernoulli and Gilbert-Elliott loss, small queues
# that overflow, Poisson and on/off flows, pings, a link going down and
# up again while packets cross it (between ranks with the given partition)
# (with captures of every interface, time series of every flow, link and
# the net, and queue samples: timeseries.csv and queues.csv)
check lossy "2 4" "$srcdir/tests/data/scenario/mpi-lossy.ini" --pcap all \
  --set output.sample=1ms --set 'output.sample_metrics=flow.*.*,link.*.*,net.*.*' \
  --set output.queue_sample=500us
for f in timeseries.csv queues.csv; do
  [ "$(wc -l < "$dir/lossy-np4/$f")" -gt 1000 ] || fail "lossy: $f too short"
done
check lossy-given "2" "$srcdir/tests/data/scenario/mpi-lossy.ini" --set parallel.partition=given \
  --pcap r3 --pcap r20
# SRv6: an L3VPN (End.DT4/DT6, policies) and the overhead study
check srv6-l3vpn "2 4" "$scen/srv6-l3vpn.ini" --pcap all
check srv6-overhead "2" "$scen/srv6-overhead.ini" --set simulation.duration=200ms
# slicing: NRP queues (DRR per NRP, priority inside), per-NRP paths over
# uSIDs with the HBH NRP option; slices.csv, nrp_links.csv, state.csv
check slicing-soft "2 4" "$scen/5g-slicing-isolation.ini" --set simulation.duration=20ms \
  --set output.sample=1ms --set 'output.sample_metrics=slice.*.*' --set output.queue_sample=1ms
grep -q '^0.02,slice,' "$dir/slicing-soft-np2/timeseries.csv" || fail "slicing: no slice series"
# Neighbor Discovery on two switched segments (nd.csv, autoconf.csv)
check nd "2" "$srcdir/tests/data/scenario/mpi-nd.ini" --pcap all
[ "$(wc -l < "$dir/nd-np2/nd.csv")" = 7 ] || fail "nd: not every node in nd.csv"
# the quick start: pings, time series every 10 ms
check quickstart "2" "$scen/quickstart.ini"
check slicing-hard "2" "$scen/5g-slicing-isolation.ini" --set simulation.duration=20ms \
  --set slicing.isolation=hard
check 5g-transport "2 4" "$scen/5g-transport.ini" --set transport.cell_sites=100 \
  --set simulation.duration=10ms
for f in slices.csv nrp_links.csv state.csv; do
  [ -s "$dir/5g-transport-np4/$f" ] || fail "5g-transport: no $f"
done

# the given partition cuts the link that goes down; packets were on it
grep -q 'link_down' "$dir/lossy-given-seq/drops.csv" || fail "lossy: no packet lost to the link going down"
grep -q '^partition=2 ranks: nodes 12/12' "$dir/lossy-given-np2/manifest.ini" ||
  fail "lossy: the given partition is not the one used"
ok "a link between ranks going down drops the same packets as in the sequential run"

# refusals: the same message once, exit status 1, nothing written
if mpi 2 run "$scen/enterprise-lan.ini" -o "$dir/lan" > "$dir/lan.out" 2> "$dir/lan.err"; then
  fail "enterprise-lan (SLAAC) ran over 2 ranks"
fi
[ "$(grep -c 'autoconfiguration.*cannot run over several ranks yet' "$dir/lan.err")" = 1 ] ||
  { cat "$dir/lan.err" >&2; fail "enterprise-lan: the refusal is not reported once"; }
[ ! -f "$dir/lan/flows.csv" ] || fail "enterprise-lan: results written"
ok "a scenario with SLAAC is refused once, nothing written"

sed -e 's/^partition = auto/partition = given/' -e 's/^rank1 = r12,/rank1 = r1*, r12,/' \
  "$srcdir/tests/data/scenario/mpi-lossy.ini" > "$dir/twice.ini"
line=$(grep -n '^rank1 = ' "$dir/twice.ini" | cut -d: -f1)
if mpi 2 run "$dir/twice.ini" -o "$dir/bad" > /dev/null 2> "$dir/bad.err"; then
  fail "a node on two ranks was accepted"
fi
grep -q "twice.ini:$line: \[parallel\] rank1: node r1 on rank 0 and rank 1" "$dir/bad.err" ||
  { cat "$dir/bad.err" >&2; fail "a node on two ranks: unclear error"; }
[ "$(grep -c 'node r1 on rank 0 and rank 1' "$dir/bad.err")" = 1 ] || fail "a node on two ranks: not reported once"
"$ipesim" check "$dir/twice.ini" > /dev/null 2>&1 && fail "ipesim check accepted a node on two ranks"
ok "a given partition with a node on two ranks is refused with FILE:LINE, by ipesim check too"

if mpi 4 run "$srcdir/tests/data/scenario/mpi-lossy.ini" --set parallel.partition=given \
     -o "$dir/bad4" > /dev/null 2> "$dir/bad4.err"; then
  fail "a 2-rank partition ran on 4 ranks"
fi
grep -q "gives 2 ranks, mpirun started 4" "$dir/bad4.err" ||
  { cat "$dir/bad4.err" >&2; fail "rank count mismatch: unclear error"; }
ok "a given partition for another number of ranks is refused"

# null messages instead of windows: the same bytes (without the in-flight
# series, which only windows count exactly: refused with the reason)
export IPESIM_PAR_SYNC=null
check lossy-null "2 4" "$srcdir/tests/data/scenario/mpi-lossy.ini" --pcap all \
  --set output.sample=1ms --set 'output.sample_metrics=flow.*.*,link.*.*,net.all.events' \
  --set output.queue_sample=500us
check srv6-l3vpn-null "2" "$scen/srv6-l3vpn.ini"
if mpi 2 run "$scen/quickstart.ini" --set output.sample_metrics=net.all.in_flight -o "$dir/qs-null" \
     > /dev/null 2> "$dir/qs-null.err"; then
  fail "null messages and the in-flight series: not refused"
fi
grep -q 'in_flight needs window synchronisation' "$dir/qs-null.err" || fail "null messages: unclear refusal"
unset IPESIM_PAR_SYNC
ok "null messages give the same bytes; the in-flight series is refused with them"

# ipesim test over ranks: rank 0 reports, once
mpi 2 test "$scen/grid-v6.ini" --set grid.time=20ms > "$dir/test.out" 2> "$dir/test.err" ||
  { cat "$dir/test.out" "$dir/test.err" >&2; fail "ipesim test over 2 ranks failed"; }
[ "$(grep -c '^6 passed, 0 failed$' "$dir/test.out")" = 1 ] || { cat "$dir/test.out" >&2; fail "ipesim test: not one report"; }
ok "ipesim test over 2 ranks: one report"

# one rank fails (its private folder cannot be made): its error, once,
# naming it; exit status 1; no hang; no results
if timeout 120 mpirun -np 1 "$ipesim" run "$scen/grid-v6.ini" -o "$dir/onefails" : \
     -np 1 env TMPDIR=/nonexistent/x "$ipesim" run "$scen/grid-v6.ini" -o "$dir/onefails" \
     > /dev/null 2> "$dir/onefails.err"; then
  fail "a failing rank went unnoticed"
fi
[ "$(grep -c '^ipesim run: rank 1: .*/nonexistent/x' "$dir/onefails.err")" = 1 ] ||
  { cat "$dir/onefails.err" >&2; fail "a failing rank: its error is not reported once"; }
[ ! -f "$dir/onefails/flows.csv" ] || fail "a failing rank: results written"
ok "a rank that fails stops the job with its error"

# PHOLD over ranks: every LP handles the events of the sequential run
# (same total, same per-LP counts), for W3 and W1 (ROSS's parameters)
for w in "--remote 1 --lookahead 0.1 --mean 1.1" "--remote 0.25 --lookahead 1 --mean 1"; do
  # shellcheck disable=SC2086
  "$ipesim" phold --lps 2000 --end 50 -q heap --no-plot --quiet $w -o "$dir/ph1"
  for np in 2 4; do
    # shellcheck disable=SC2086
    mpi "$np" phold --lps 2000 --end 50 -q heap --no-plot --quiet $w -o "$dir/ph$np" ||
      fail "PHOLD over $np ranks failed"
    a=$(awk -F, 'NR == 2 { print $4 "/" $10 }' "$dir/ph1/phold.csv")
    b=$(awk -F, 'NR == 2 { print $4 "/" $10 "/" $11 }' "$dir/ph$np/phold.csv")
    [ "$b" = "$a/$np" ] || fail "PHOLD ($w) over $np ranks: $b, sequential $a"
  done
  ok "PHOLD $w: the same events at every LP over 2 and 4 ranks ($a)"
done
