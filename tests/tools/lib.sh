# lib.sh - the common start of the script tests, sourced after `set -eu`:
#   srcdir   the source tree (absolute)      ipesim  the built program
#   scen     the scenarios folder             dir     a temporary folder,
#   fail MSG report and exit 1                         removed at exit
#   ok MSG   report one passed check
# top_builddir and top_srcdir come from make check (default: .).
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
srcdir=$(cd "$top_srcdir" && pwd)
ipesim="$(cd "$top_builddir" && pwd)/ipesim"
scen="$srcdir/scenarios"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

ok() {
  echo "ok: $*"
}

[ -x "$ipesim" ] || fail "no ipesim program at $ipesim"
