#!/bin/sh
# SRv6 fidelity against the Linux kernel: the scenarios under
# tests/data/srv6-linux/ rebuild the topologies of the captures in
# tests/data/srv6-linux/linux/ (seg6/seg6local, kernel 6.18) in
# Linux-compatible mode; every link of every scenario must carry the same
# packets, header field by header field, as tshark decodes them: outer and
# inner addresses, hop limits, payload lengths, next headers, Segments
# Left, Last Entry, the segment list, ICMPv6 type and code, frame length.
# Payload bytes, MAC addresses and timing may differ.
# Prints "ok: ..." per link; stops with "FAIL: ..." at the first mismatch.
set -eu

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
srcdir=$(cd "$top_srcdir" && pwd)
ipesim="$(cd "$top_builddir" && pwd)/ipesim"
data="$srcdir/tests/data/srv6-linux"
tshark=${TSHARK:-$(command -v tshark || true)}

if [ -z "$tshark" ]; then
  echo "SKIP: no tshark (set TSHARK)"
  exit 77
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

fields() {
  "$tshark" -n -r "$1" -T fields -E separator='|' -e frame.len -e ipv6.src -e ipv6.dst \
    -e ipv6.hlim -e ipv6.plen -e ipv6.nxt -e ipv6.routing.segleft \
    -e ipv6.routing.srh.last_entry -e ipv6.routing.srh.addr -e icmpv6.type -e icmpv6.code \
    2>/dev/null
}

# the left-hand end of each link in the ipesim run: NODE-IFACE
ends="L1_hA-R1:hA-eth0 L2_R1-R2:R1-eth1 L3_R2-R3:R2-eth1 L4_R2-R3alt:R2-eth2 L5_R3-hB:R3-eth2"

for ini in "$data"/[0-9]*.ini; do
  name=$(basename "$ini" .ini)
  "$ipesim" run "$ini" -o "$dir/$name" --pcap all -q 2>"$dir/$name.err" ||
    { cat "$dir/$name.err" >&2; fail "$name: ipesim run failed"; }
  for e in $ends; do
    link=${e%%:*}
    ours="$dir/$name/pcap/${e#*:}.pcap"
    theirs="$data/linux/${name}__$link.pcap"
    [ -f "$theirs" ] || fail "$name: no Linux capture $theirs"
    [ -f "$ours" ] || fail "$name: no capture $ours"
    fields "$theirs" >"$dir/theirs"
    fields "$ours" >"$dir/ours"
    if ! cmp -s "$dir/theirs" "$dir/ours"; then
      echo "--- Linux ($theirs)" >&2
      cat "$dir/theirs" >&2
      echo "--- ipesim ($ours)" >&2
      cat "$dir/ours" >&2
      fail "$name $link: the headers differ (fields: frame.len|ipv6.src|ipv6.dst|hlim|plen|nxt|segleft|last_entry|segments|icmpv6 type|code)"
    fi
    echo "ok: $name $link: $(wc -l <"$dir/ours" | tr -d ' ') packets, same headers as Linux"
  done
done
