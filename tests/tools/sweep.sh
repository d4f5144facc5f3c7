#!/bin/sh
# Sweeps end to end (`ipesim run` on a scenario with [sweep]):
#  - the runs of a product sweep with replications: one folder each,
#    sweep.csv (a row per run, parameters then metrics) and
#    sweep-summary.csv (mean and Student-t interval per point, checked
#    against the rows of sweep.csv with t(0.975, 2) = 4.30265273);
#  - random streams differ per replication and are stable across re-runs;
#    -j1 and -j2 give the same tables; a run's manifest.ini reproduces it;
#  - resume: complete runs are reused, a damaged or incomplete one redone;
#  - a run that fails is reported with its parameters, the others go on,
#    the exit status is 1 and its row says failed;
#  - SIGINT and SIGKILL leave only complete run folders (SHA256SUMS holds)
#    and no sweep table; the same command then continues;
#  - a killed single run leaves no manifest.ini (nothing looks complete).
# Prints "ok: ..." per check; stops with "FAIL: ..." at the first failure.
set -eu

. "${top_srcdir:-.}/tests/tools/lib.sh"

# every run-K folder under $1 is complete: SHA256SUMS holds
verify_runs() {
  for d in "$1"/run-*; do
    [ -d "$d" ] || continue
    (cd "$d" && sha256sum -c --quiet SHA256SUMS > /dev/null 2>&1) || fail "$d: SHA256SUMS does not hold"
  done
}

# waits until path $1 exists (at most 120 s)
wait_for() {
  i=0
  while [ ! -e "$1" ]; do
    i=$((i + 1))
    [ $i -le 1200 ] || fail "timeout waiting for $1"
    sleep 0.1
  done
}

cat > "$dir/sw.ini" <<EOF
[include]
files = $scen/quickstart.ini

[simulation]
duration = 50ms
drain = 10ms

[sweep]
bulk = 100Mbps..900Mbps step 800Mbps
queue = 20, 200
replications = 3

[defaults link]
queue_packets = \${sweep.queue}

[flow bulk]
bitrate = \${sweep.bulk}

[metrics]
bulk_loss = flow.bulk.loss_ratio
bulk_p50_us = flow.bulk.delay_p50_us
delivered = summary.packets_delivered
EOF

out="$dir/out"
"$ipesim" run "$dir/sw.ini" -o "$out" -j 2 > "$dir/run1.out" 2> "$dir/run1.err" ||
  fail "sweep failed: $(cat "$dir/run1.err")"
n=$(ls -d "$out"/run-* | wc -l)
[ "$n" -eq 12 ] || fail "12 run folders expected, got $n"
verify_runs "$out"
head -1 "$out/sweep.csv" | grep -qx 'run,point,replication,status,bulk,queue,bulk_loss,bulk_p50_us,delivered' ||
  fail "sweep.csv header: $(head -1 "$out/sweep.csv")"
[ "$(wc -l < "$out/sweep.csv")" -eq 13 ] || fail "sweep.csv: 12 rows expected"
grep -q '^7,2,1,ok,900Mbps,20,' "$out/sweep.csv" || fail "run 7 is not point 2 (900Mbps, 20), replication 1"
head -1 "$out/sweep-summary.csv" | grep -qx 'point,bulk,queue,metric,n,mean,sd,ci95_low,ci95_high' ||
  fail "sweep-summary.csv header"
[ "$(wc -l < "$out/sweep-summary.csv")" -eq 13 ] || fail "sweep-summary.csv: 4 points x 3 metrics expected"
grep -q '^scenario=sw$' "$out/sweep.ini" && grep -q '^replications=3$' "$out/sweep.ini" ||
  fail "sweep.ini does not describe the sweep"
# quickstart's expectations, summed up per expectation over the runs: at
# 100 Mbit/s of bulk traffic nothing is congested (runs 0 to 5)
grep -q '^expect: congested failed in 6 of 12 runs; first run-0: FAIL congested: ' "$dir/run1.err" ||
  fail "failing expectations are not summed up per expectation: $(grep expect "$dir/run1.err")"
[ "$(grep -c '^expect: congested' "$dir/run1.err")" -eq 1 ] || fail "one line per expectation expected"
ok "product sweep with replications: 12 run folders, sweep.csv, sweep-summary.csv, sweep.ini"

# the summary of point 3's delivered packets, from the three rows of sweep.csv
awk -F, -v OFS=, 'NR == FNR { if ($2 == 3) { v[n++] = $9 } next }
  $1 == 3 && $4 == "delivered" {
    m = (v[0] + v[1] + v[2]) / 3
    s = sqrt(((v[0] - m)^2 + (v[1] - m)^2 + (v[2] - m)^2) / 2)
    h = 4.30265273 * s / sqrt(3)
    if ($5 != 3 || (m - $6)^2 > 1e-12 || (s - $7)^2 > 1e-12 * (s * s + 1) ||
        ($8 - (m - h))^2 > 1e-8 * (h * h + 1) || ($9 - (m + h))^2 > 1e-8 * (h * h + 1)) {
      print "mean " m " sd " s " half " h " vs " $0; bad = 1
    }
    found = 1
  }
  END { exit (bad || !found) }' "$out/sweep.csv" "$out/sweep-summary.csv" ||
  fail "sweep-summary.csv does not match the mean and t interval of sweep.csv"
ok "sweep-summary.csv: n, mean, sd and 95 % t interval match the runs"

# replications draw from different streams; runs are stable
grep -q '^run=0$' "$out/run-0/manifest.ini" && grep -q '^run=1$' "$out/run-1/manifest.ini" ||
  fail "run numbers in the manifests"
! cmp -s "$out/run-0/flows.csv" "$out/run-1/flows.csv" || fail "replications 0 and 1 gave the same flows.csv"
cp "$out/run-1/flows.csv" "$dir/run1-flows.csv"
"$ipesim" run "$dir/sw.ini" -o "$dir/j1" -j 1 -q || fail "-j 1 sweep failed"
cmp -s "$out/sweep.csv" "$dir/j1/sweep.csv" || fail "-j 1 and -j 2 give different sweep.csv"
cmp -s "$out/sweep-summary.csv" "$dir/j1/sweep-summary.csv" || fail "-j 1 and -j 2 give different summaries"
"$ipesim" run "$out/run-1/manifest.ini" -o "$dir/again" -q || fail "running a run's manifest failed"
cmp -s "$dir/run1-flows.csv" "$dir/again/flows.csv" || fail "run-1/manifest.ini does not reproduce run 1"
ok "replications differ, -j 1 = -j 2, a run's manifest.ini reproduces the run"

# resume
"$ipesim" run "$dir/sw.ini" -o "$out" > "$dir/run2.out" 2>&1 || fail "second sweep failed"
grep -q '12 runs (0 ran, 12 reused, 0 failed)' "$dir/run2.out" || fail "complete runs not reused: $(cat "$dir/run2.out")"
echo "damage" >> "$out/run-4/flows.csv"
rm "$out/run-7/links.csv"
mkdir -p "$out/.run-9.partial" && echo "half" > "$out/.run-9.partial/flows.csv"
"$ipesim" run "$dir/sw.ini" -o "$out" > "$dir/run3.out" 2>&1 || fail "third sweep failed"
grep -q '12 runs (2 ran, 10 reused, 0 failed)' "$dir/run3.out" || fail "damaged runs: $(cat "$dir/run3.out")"
verify_runs "$out"
cmp -s "$out/sweep.csv" "$dir/j1/sweep.csv" || fail "the redone runs changed sweep.csv"
"$ipesim" run "$dir/sw.ini" -o "$out" --force > "$dir/run4.out" 2>&1 || fail "--force sweep failed"
grep -q '12 runs (12 ran, 0 reused, 0 failed)' "$dir/run4.out" || fail "--force reused runs"
cmp -s "$dir/run1-flows.csv" "$out/run-1/flows.csv" || fail "run 1 is not the same when run again"
ok "resume: complete runs reused, a damaged and an incomplete run redone, --force reruns all"

# a failing run
cat > "$dir/bad.ini" <<EOF
[include]
files = $dir/sw.ini

[sweep]
bulk = 100Mbps
queue = 20, 0
replications = 1
EOF
set +e
"$ipesim" run "$dir/bad.ini" -o "$dir/bad" -q > "$dir/bad.out" 2> "$dir/bad.err"
st=$?
set -e
[ $st -eq 1 ] || fail "a failed run: exit status $st, expected 1"
grep -q 'run-1 (bulk=100Mbps, queue=0, replication 0) failed: .*queue' "$dir/bad.err" ||
  fail "the failed run is not reported with its parameters: $(cat "$dir/bad.err")"
grep -q '^0,0,0,ok,' "$dir/bad/sweep.csv" && grep -q '^1,1,0,failed,100Mbps,0,,,$' "$dir/bad/sweep.csv" ||
  fail "sweep.csv rows of a partly failed sweep: $(cat "$dir/bad/sweep.csv")"
[ ! -e "$dir/bad/run-1" ] || fail "the failed run left a folder"
ok "a failed run is reported with its parameters, the sweep goes on, exit status 1"

# interruptions
cat > "$dir/long.ini" <<EOF
[include]
files = $dir/sw.ini

[simulation]
duration = 400ms
EOF
long="$dir/long"
"$ipesim" run "$dir/long.ini" -o "$long" -j 1 -q > /dev/null 2> "$dir/int.err" &
pid=$!
wait_for "$long/run-1"
kill -INT $pid
set +e
wait $pid
st=$?
set -e
[ $st -eq 130 ] || fail "SIGINT: exit status $st, expected 130"
grep -q 'the same command continues' "$dir/int.err" || true
[ ! -e "$long/sweep.csv" ] && [ ! -e "$long/sweep-summary.csv" ] || fail "SIGINT left a sweep table"
verify_runs "$long"
! ls -a "$long" | grep -q partial || fail "SIGINT left a staging folder"
done_int=$(ls -d "$long"/run-* | wc -l)
ok "SIGINT: exit 130, $done_int complete run folders, no sweep table, nothing half-written"

"$ipesim" run "$dir/long.ini" -o "$long" -j 1 -q > /dev/null 2>&1 &
pid=$!
wait_for "$long/run-$((done_int + 1))"
kill -KILL $pid
wait $pid 2> /dev/null || true
[ ! -e "$long/sweep.csv" ] || fail "SIGKILL left a sweep table"
verify_runs "$long"
done_kill=$(ls -d "$long"/run-* | wc -l)
"$ipesim" run "$dir/long.ini" -o "$long" -j 2 > "$dir/cont.out" 2>&1 || fail "continuing failed"
grep -q "12 runs ($((12 - done_kill)) ran, $done_kill reused, 0 failed)" "$dir/cont.out" ||
  fail "continuing after SIGKILL with $done_kill complete runs: $(tail -1 "$dir/cont.out")"
! ls -a "$long" | grep -q partial || fail "a staging folder is left after continuing"
verify_runs "$long"
ok "SIGKILL: only complete run folders; the same command continues ($done_kill reused)"

# a single run killed in the middle: the old manifest is gone, no new one
single="$dir/single"
"$ipesim" run "$scen/quickstart.ini" -o "$single" -q --set simulation.duration=20ms || fail "single run"
[ -f "$single/manifest.ini" ] && (cd "$single" && sha256sum -c --quiet SHA256SUMS) || fail "single run not complete"
"$ipesim" run "$scen/quickstart.ini" -o "$single" -q --set simulation.duration=600s > /dev/null 2>&1 &
pid=$!
wait_for "$single/.partial"
sleep 0.5
kill -KILL $pid
wait $pid 2> /dev/null || true
[ ! -e "$single/manifest.ini" ] && [ ! -e "$single/SHA256SUMS" ] ||
  fail "a killed single run left a manifest that claims complete results"
ok "a killed single run leaves no manifest.ini or SHA256SUMS"

# two commands cannot write into one folder at once
"$ipesim" run "$scen/quickstart.ini" -o "$dir/locked" -q --set simulation.duration=600s > /dev/null 2>&1 &
pid=$!
wait_for "$dir/locked/.partial"
set +e
"$ipesim" run "$scen/quickstart.ini" -o "$dir/locked" -q --set simulation.duration=1ms 2> "$dir/lock.err"
st=$?
set -e
kill -INT $pid
wait $pid 2> /dev/null || true
[ $st -eq 1 ] && grep -q "is in use by another ipesim run" "$dir/lock.err" ||
  fail "a second run into a busy folder: status $st, $(cat "$dir/lock.err")"
ok "a folder in use by one run is refused to another"

# a new single run replaces the files of the previous one, and only those
"$ipesim" run "$scen/5g-slicing-isolation.ini" -o "$single" -q --set simulation.duration=2ms 2> /dev/null ||
  fail "isolation run"
[ -f "$single/slices.csv" ] || fail "no slices.csv"
echo "mine" > "$single/notes.txt"
"$ipesim" run "$scen/quickstart.ini" -o "$single" -q --set simulation.duration=20ms || fail "quickstart run"
[ ! -e "$single/slices.csv" ] || fail "slices.csv of the previous run is still there"
[ -f "$single/notes.txt" ] || fail "a file the runs did not write was removed"
(cd "$single" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS"
! grep -q notes.txt "$single/SHA256SUMS" || fail "SHA256SUMS lists a file the run did not write"
ok "a single run removes the previous run's files, keeps others, lists only its own"

# the progress line, when stderr is a terminal (script(1) provides one)
if command -v script > /dev/null 2>&1; then
  script -qec "\"$ipesim\" run \"$dir/long.ini\" -o \"$dir/tty\" -j 2 --set sweep.replications=2" "$dir/tty.log" > /dev/null 2>&1 ||
    fail "the sweep under a terminal failed"
  grep -q 'sweep: [0-9]*/8 runs done ([0-9]* reused, 0 failed), [0-9]* running, .* elapsed, ETA ' "$dir/tty.log" ||
    fail "no progress line on a terminal: $(tr '\r' '\n' < "$dir/tty.log" | head -5)"
  ok "a terminal shows one progress line for the sweep (runs done, running, elapsed, ETA)"
else
  echo "skip: script(1) not found, the progress line is not checked"
fi
