#!/bin/sh
# `ipesim test` and the [expect] section end to end:
#  - the expectations of the small shipped scenarios (quickstart,
#    srv6-l3vpn) hold: one PASS line each, exit status 0, and the same as
#    TAP version 13 (plan 1..N, N tests numbered 1 to N, all "ok");
#  - a failing expectation (added with --set) makes a FAIL line and exit
#    status 1, a "not ok" test in TAP; a metric that is not in the results
#    fails naming the file and the row; `ipesim run` only reports them;
#  - [simulation] runs = 2 checks each replication; -o keeps the results;
#  - a scenario without [expect], a malformed expectation (FILE:LINE and the
#    expected form, from `ipesim check` as well) and bad usage (exit 2).
# Prints "ok: ..." per check; stops with "FAIL: ..." at the first failure.
set -eu

. "${top_srcdir:-.}/tests/tools/lib.sh"

# expectations in FILE's [expect] section
n_expect() {
  awk '/^\[/ { in_expect = ($0 == "[expect]"); next }
    in_expect && /^[A-Za-z0-9_-]+[ \t]*=/ { n++ } END { print n + 0 }' "$1"
}

# tap FILE N_OK N_NOT_OK: FILE is TAP version 13 with a plan for N_OK +
# N_NOT_OK tests, numbered in order, N_NOT_OK of them "not ok".
tap() {
  awk -v want_ok="$2" -v want_not="$3" '
    NR == 1 { if ($0 != "TAP version 13") { print "first line: " $0; bad = 1 }; next }
    NR == 2 { if ($0 !~ /^1\.\.[0-9]+$/) { print "no plan: " $0; bad = 1 }; plan = substr($0, 4) + 0; next }
    /^ok [0-9]+ - / { n++; if ($2 != n) { print "test " $2 " out of order"; bad = 1 }; good++; next }
    /^not ok [0-9]+ - / { n++; if ($3 != n) { print "test " $3 " out of order"; bad = 1 }; not++; next }
    /^#/ { next }
    { print "not TAP: " $0; bad = 1 }
    END {
      if (plan != n) { print "plan 1.." plan " for " n " tests"; bad = 1 }
      if (good != want_ok || not != want_not) { print good " ok, " not " not ok; expected " want_ok ", " want_not; bad = 1 }
      exit bad
    }' "$1" >&2 || { cat "$1" >&2; fail "$4: TAP output"; }
}

qs_n=$(n_expect "$scen/quickstart.ini")
vpn_n=$(n_expect "$scen/srv6-l3vpn.ini")
[ "$qs_n" -ge 5 ] && [ "$vpn_n" -ge 5 ] || fail "quickstart ($qs_n) or srv6-l3vpn ($vpn_n) has few expectations"
all=$((qs_n + vpn_n))

# ---- the shipped scenarios pass ----------------------------------------------------------

"$ipesim" test "$scen/quickstart.ini" "$scen/srv6-l3vpn.ini" >"$dir/pass.out" 2>"$dir/pass.err" ||
  { cat "$dir/pass.out" "$dir/pass.err" >&2; fail "ipesim test quickstart srv6-l3vpn failed"; }
[ "$(grep -c '^PASS ' "$dir/pass.out")" -eq "$all" ] ||
  { cat "$dir/pass.out" >&2; fail "expected $all PASS lines"; }
! grep -q '^FAIL' "$dir/pass.out" || fail "a FAIL line among passing expectations"
grep -q '^PASS telemetry_delay: flow.telemetry.delay_max_us < 620us (measured 616.4)$' "$dir/pass.out" ||
  { cat "$dir/pass.out" >&2; fail "no PASS line for telemetry_delay in the documented form"; }
grep -qx "$all passed, 0 failed" "$dir/pass.out" || fail "no '$all passed, 0 failed' line"
ok "ipesim test: quickstart ($qs_n) and srv6-l3vpn ($vpn_n) expectations hold"

"$ipesim" test --tap "$scen/quickstart.ini" "$scen/srv6-l3vpn.ini" >"$dir/pass.tap" ||
  fail "ipesim test --tap on passing scenarios failed"
tap "$dir/pass.tap" "$all" 0 "passing scenarios"
ok "ipesim test --tap: 1..$all, all ok"

# ---- a failing expectation and a missing metric ---------------------------------------------

status=0
"$ipesim" test "$scen/srv6-l3vpn.ini" --set 'expect.too_fast=flow.video.delay_min_us < 1ms' \
  >"$dir/fail.out" 2>"$dir/fail.err" || status=$?
[ "$status" -eq 1 ] || { cat "$dir/fail.out" "$dir/fail.err" >&2; fail "a failing expectation: exit status $status, expected 1"; }
grep -q '^FAIL too_fast: flow.video.delay_min_us < 1ms (measured 1006.128)$' "$dir/fail.out" ||
  { cat "$dir/fail.out" >&2; fail "no FAIL line for too_fast"; }
[ "$(grep -c '^PASS ' "$dir/fail.out")" -eq "$vpn_n" ] || fail "the other expectations no longer pass"
ok "ipesim test: a failing expectation is a FAIL line and exit status 1"

status=0
"$ipesim" test --tap "$scen/srv6-l3vpn.ini" --set 'expect.too_fast=flow.video.delay_min_us < 1ms' \
  --set 'expect.missing=flow.nope.loss_ratio < 1' >"$dir/fail.tap" 2>"$dir/fail.err" || status=$?
[ "$status" -eq 1 ] || fail "--tap with failures: exit status $status, expected 1"
tap "$dir/fail.tap" "$vpn_n" 2 "failing expectations"
grep -q "^not ok [0-9]* - srv6-l3vpn: missing: flow.nope.loss_ratio < 1: .*/flows.csv has no row 'nope'" "$dir/fail.tap" ||
  { cat "$dir/fail.tap" >&2; fail "the missing metric does not name flows.csv and the row"; }
ok "ipesim test --tap: 1..$((vpn_n + 2)) with 2 not ok; a missing row names the file"

"$ipesim" run -q "$scen/srv6-l3vpn.ini" -o "$dir/run" --set 'expect.too_fast=flow.video.delay_min_us < 1ms' \
  >"$dir/run.out" 2>"$dir/run.err" || { cat "$dir/run.err" >&2; fail "ipesim run with a failing expectation failed"; }
grep -q '^expect: FAIL too_fast: ' "$dir/run.err" || { cat "$dir/run.err" >&2; fail "ipesim run does not report the failing expectation"; }
[ "$(wc -l <"$dir/run.err")" -eq 1 ] || { cat "$dir/run.err" >&2; fail "ipesim run reports more than the failing expectation"; }
ok "ipesim run reports a failing expectation on stderr and exits 0"

# ---- replications, kept results ----------------------------------------------------------------

"$ipesim" test --tap -o "$dir/kept" "$scen/srv6-l3vpn.ini" --set simulation.runs=2 >"$dir/runs.tap" ||
  { cat "$dir/runs.tap" >&2; fail "ipesim test with runs = 2 failed"; }
tap "$dir/runs.tap" $((2 * vpn_n)) 0 "runs = 2"
grep -q '^ok [0-9]* - srv6-l3vpn: run-1: no_drops: ' "$dir/runs.tap" || fail "no test for run-1"
[ -f "$dir/kept/srv6-l3vpn/run-1/flows.csv" ] || fail "-o DIR: no DIR/srv6-l3vpn/run-1/flows.csv"
ok "ipesim test: each replication checked, -o keeps DIR/NAME/run-N"

# ---- errors -------------------------------------------------------------------------------

status=0
"$ipesim" test "$scen/srv6-overhead.ini" >"$dir/none.out" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a scenario without [expect]: exit status $status, expected 1"
grep -q 'srv6-overhead.ini: no \[expect\] section' "$dir/none.out" || { cat "$dir/none.out" >&2; fail "no message for a scenario without [expect]"; }
ok "ipesim test: a scenario without [expect] fails"

cat >"$dir/bad.ini" <<'EOF'
[simulation]
duration = 10ms

[expect]
fine = summary.events > 0
f1_loss = flow.f1.loss_ratio 0.001
EOF
for cmd in check run test; do
  case $cmd in
    check) set -- ;;
    *) set -- -o "$dir/bad-$cmd" ;;
  esac
  status=0
  "$ipesim" "$cmd" "$dir/bad.ini" "$@" >"$dir/bad.out" 2>&1 || status=$?
  [ "$status" -eq 1 ] || { cat "$dir/bad.out" >&2; fail "ipesim $cmd on a malformed expectation: exit status $status"; }
  grep -qF "bad.ini:6: [expect] f1_loss: 'flow.f1.loss_ratio 0.001': expected METRIC OP VALUE (OP one of <, <=, >, >=, =, !=)" "$dir/bad.out" ||
    { cat "$dir/bad.out" >&2; fail "ipesim $cmd: no FILE:LINE message with the expected form"; }
done
[ ! -e "$dir/bad-run/summary.csv" ] && [ ! -e "$dir/bad-test/bad/summary.csv" ] || fail "ipesim run wrote results for a malformed scenario"
ok "a malformed expectation: FILE:LINE and the expected form from check, run and test"

status=0
"$ipesim" test >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "ipesim test without a file: exit status $status, expected 2"
status=0
"$ipesim" test --no-such-option "$scen/quickstart.ini" >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "ipesim test with a bad option: exit status $status, expected 2"
ok "ipesim test: bad usage exits 2"
