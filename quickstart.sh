#!/bin/sh
# Quick start on a fresh Debian 12 machine: installs what ipesim needs (when
# run as root, or through sudo), builds it, and runs the main job: the
# default scenario scenarios/quickstart.ini, leaving its result tables in
# results/quickstart/ (flows.csv, links.csv, drops.csv, pings.csv,
# summary.csv, delay_cdf.csv, timeseries.csv, manifest.ini), the plot
# delay_cdf.png and, from `ipesim plot`, the figures in results/quickstart/plots/
# (delay CDF, throughput over time, link utilisation; PNG and SVG).
# Extra arguments go to `ipesim run` (e.g. --set simulation.duration=5s).
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
build/ipesim run scenarios/quickstart.ini -o results/quickstart --plot "$@"
build/ipesim plot results/quickstart
