#!/bin/sh
# run-libfuzzer.sh - builds the SRH fuzz target (tests/fuzz/fuzz-srh.c) with
# clang's libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, and
# fuzzes it for a while, starting from the seed corpus.
#
#   tests/fuzz/run-libfuzzer.sh [SECONDS] [LIBFUZZER-OPTION...]   default 60 s
#   tests/fuzz/run-libfuzzer.sh FILE...                             replays inputs
#
# The library is built once in a clang-configured tree, FUZZ_BUILDDIR
# (default: build-fuzz/ at the top of the source tree), instrumented for
# coverage (-fsanitize=fuzzer-no-link); the target links its static
# libipesim. New inputs libFuzzer finds go to FUZZ_BUILDDIR/corpus-srh, never
# into the source tree; a crashing input is written as
# FUZZ_BUILDDIR/crash-<sha1> and the script exits non-zero (a violated
# invariant aborts, which libFuzzer reports as a crash). The last line
# gives the executions per second.
#
# Debian 12 packages: clang (clang-14), libclang-rt-14-dev (libFuzzer and the
# sanitizer runtimes; only recommended by clang-14, so name it when installing
# with --no-install-recommends), llvm-14 (llvm-symbolizer, for stack traces
# with file and line), plus what tools/debian-packages lists for the build.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$(pwd)
builddir=${FUZZ_BUILDDIR:-$top/build-fuzz}
CC=${CC:-clang}
jobs=$(nproc 2>/dev/null || echo 2)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

seconds=60
replay=no
if [ $# -gt 0 ]; then
  case $1 in
    ''|*[!0-9]*) [ -f "$1" ] && replay=yes ;;
    *) seconds=$1; shift ;;
  esac
fi

# clang must link libFuzzer (libclang-rt-14-dev)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
  > "$probe/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2> "$probe/err"; then
  cat "$probe/err"
  echo "run-libfuzzer: $CC cannot link -fsanitize=fuzzer; on Debian 12:" \
    "apt-get install clang libclang-rt-14-dev llvm-14" >&2
  exit 2
fi

# the library, instrumented
if [ ! -x "$top/configure" ]; then
  (cd "$top" && ./autogen.sh > /dev/null) || { echo "run-libfuzzer: autogen.sh failed" >&2; exit 2; }
fi
mkdir -p "$builddir"
cd "$builddir" || exit 2
if [ ! -f Makefile ]; then
  "$top/configure" --disable-shared CC="$CC" \
    CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" \
    LDFLAGS="$san" > configure.out 2>&1 \
    || { tail -30 configure.out; echo "run-libfuzzer: configure failed" >&2; exit 2; }
fi
make -j"$jobs" libipesim.la > make.out 2>&1 \
  || { tail -30 make.out; echo "run-libfuzzer: building the library failed" >&2; exit 2; }

# the target
glib=$(pkg-config --cflags glib-2.0)
# shellcheck disable=SC2086
"$CC" -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer $san \
  -Wall -Wextra -I"$top/include/ipesim" -I"$top/libsim" -I"$top/models/net" \
  -I"$top/models/ipv6" -I"$top/models/ipv4" -I"$top/models/srv6" -I"$builddir" $glib \
  -c "$top/tests/fuzz/fuzz-srh.c" -o fuzz-srh-libfuzzer.o \
  || { echo "run-libfuzzer: compiling fuzz-srh.c failed" >&2; exit 2; }
# libtool adds what libipesim.la depends on (GLib, libpcap, libm, ...)
./libtool --quiet --tag=CC --mode=link "$CC" -fsanitize=fuzzer $san \
  fuzz-srh-libfuzzer.o libipesim.la -o fuzz-srh-libfuzzer > link.out 2>&1 \
  || { cat link.out; echo "run-libfuzzer: linking failed" >&2; exit 2; }

if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer > /dev/null; then
  for s in /usr/lib/llvm-*/bin/llvm-symbolizer; do
    [ -x "$s" ] && ASAN_SYMBOLIZER_PATH=$s && export ASAN_SYMBOLIZER_PATH
  done
fi
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

if [ "$replay" = yes ]; then
  cd "$here" && exec "$builddir/fuzz-srh-libfuzzer" "$@"
fi

mkdir -p corpus-srh
./fuzz-srh-libfuzzer -max_total_time="$seconds" -max_len=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$builddir/" "$@" \
  corpus-srh "$top/tests/fuzz/corpus-srh" > fuzz.log 2>&1
status=$?
grep -E '^(==|SUMMARY|fuzz-srh:|    #[0-9]|  )' fuzz.log | head -60
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' fuzz.log)
cov=$(grep -E '^#[0-9]+' fuzz.log | tail -1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
if [ "$status" -ne 0 ]; then
  echo "run-libfuzzer: the target failed (status $status); see $builddir/fuzz.log and the" \
    "crash-* file next to it"
  exit 1
fi
echo "run-libfuzzer: ${runs:-?} inputs in $seconds s, ${rate:-?} exec/s, coverage ${cov:-?} edges," \
  "corpus $(ls corpus-srh | wc -l) files in $builddir/corpus-srh"
