#!/bin/sh
# Quick start on a fresh Debian 12 machine: installs what ipesim needs (when
# run as root, or through sudo), builds it, and runs the main job: the PHOLD
# engine benchmark over 1,000 / 10,000 / 100,000 logical processes with both
# event queues, leaving results/phold/phold.csv and the plot phold.png.
set -eu
cd "$(dirname "$0")"
pkgs=$(grep -v '^#' tools/debian-packages)
missing=""
for p in $pkgs; do
  dpkg -s "$p" > /dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "installing:$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
fi
[ -x configure ] || ./autogen.sh > /dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror > configure.out
make -j"$(nproc)" > make.out || { tail -30 make.out; exit 1; }
cd ..
build/ipesim phold -o results/phold "$@"
