#!/bin/sh
# Builds ipesim (when needed) and runs its whole test suite.
#
#   ./run-tests.sh                 build/ with warnings as errors, make check
#   ./run-tests.sh --sanitizers    build-asan/ with ASan + UBSan, make check
#
# Ends with the totals on a line of their own: "N passed, N failed", counting
# every criterion test case and every script or example test. Exit status is
# non-zero when anything failed.
set -u
cd "$(dirname "$0")"
top=$(pwd)
mode=plain
builddir=build
if [ "${1:-}" = "--sanitizers" ]; then
  mode=sanitizers
  builddir=build-asan
fi
jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -x configure ]; then
  ./autogen.sh > /dev/null || { echo "autogen.sh failed"; echo "0 passed, 1 failed"; exit 1; }
fi
mkdir -p "$builddir"
cd "$builddir"
# the distributed engine and its tests when Open MPI is installed
mpi=
if command -v mpirun > /dev/null 2>&1 && pkg-config --exists ompi-c 2> /dev/null; then
  mpi=--with-mpi
fi
if [ ! -f Makefile ]; then
  if [ "$mode" = sanitizers ]; then
    "$top/configure" --enable-werror --enable-sanitizers $mpi CFLAGS="-g -O1" > configure.out 2>&1
  else
    "$top/configure" --enable-werror $mpi > configure.out 2>&1
  fi || { cat configure.out; echo "configure failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! make -j"$jobs" > make.out 2>&1; then
  tail -40 make.out
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
# ASan: report leaks too; UBSan findings are fatal (-fno-sanitize-recover).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS
make -j"$jobs" check > check.out 2>&1
check_status=$?

# Totals: criterion's synthesis line per test program, .trs for the rest.
passed=0
failed=0
for trs in $(find tests examples -name '*.trs' 2>/dev/null | sort); do
  log=${trs%.trs}.log
  result=$(sed -n 's/^:test-result: //p' "$trs")
  synth=$(grep -a 'Synthesis: Tested:' "$log" 2>/dev/null | tail -1)
  if [ -n "$synth" ]; then
    p=$(echo "$synth" | sed 's/.*Passing: \([0-9]*\).*/\1/')
    f=$(echo "$synth" | sed 's/.*Failing: \([0-9]*\).*/\1/')
    c=$(echo "$synth" | sed 's/.*Crashing: \([0-9]*\).*/\1/')
    passed=$((passed + p))
    failed=$((failed + f + c))
    if [ "$result" != PASS ] && [ $((f + c)) -eq 0 ]; then
      failed=$((failed + 1))
    fi
  elif [ "$result" = PASS ] || [ "$result" = SKIP ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
  if [ "$result" != PASS ] && [ "$result" != SKIP ]; then
    echo "--- $log"
    grep -a -E 'FAIL|fail|error|Assertion|CRASH|ERROR' "$log" | head -20
  fi
done
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' check.out
if [ "$check_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  tail -30 check.out
  failed=1
fi
echo "$passed $failed" > test-totals
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
