#!/bin/sh
# libfuzzer.sh - `make check`: a short libFuzzer run of the SRH fuzz target
# (tests/fuzz/run-libfuzzer.sh) with AddressSanitizer and UBSan, in its own
# clang-built tree under the build directory (fuzz-build/). Skipped (77)
# when clang cannot link libFuzzer (Debian: clang libclang-rt-14-dev).
#
# IPESIM_FUZZ_SECONDS sets the length of the run (default 20).
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
srcdir=$(cd "$top_srcdir" && pwd)
builddir=$(cd "$top_builddir" && pwd)
seconds=${IPESIM_FUZZ_SECONDS:-20}

probe=$(mktemp -d) || exit 99
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  > "$probe/p.c"
if ! command -v "${CC_FUZZ:-clang}" > /dev/null ||
   ! "${CC_FUZZ:-clang}" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2> /dev/null; then
  echo "skip: clang with libFuzzer not available (apt-get install clang libclang-rt-14-dev)"
  exit 77
fi

FUZZ_BUILDDIR="$builddir/fuzz-build" CC="${CC_FUZZ:-clang}" \
  sh "$srcdir/tests/fuzz/run-libfuzzer.sh" "$seconds"
status=$?
[ "$status" -eq 0 ] || echo "FAIL: libFuzzer run (status $status), see $builddir/fuzz-build/fuzz.log"
exit "$status"
