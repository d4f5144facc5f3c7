#!/bin/sh
# pcap-check.sh FILE... - Wireshark's dissectors as the judge of pcap files
# written by ipesim (DESIGN.md rule 5).
#
# A frame is flagged when tshark, with IPv6/UDP checksum validation on,
# marks it malformed or raises an expert item of severity Warning or above
# (bad checksum, payload length beyond the frame, ...), when it carries
# neither IPv6 nor IPv4, or when the outer IPv6 Payload Length (IPv4 Total
# Length) does not account for the frame exactly: tshark takes a short
# length silently (the rest becomes a trailer), so the length is checked
# here. Raw IP captures (linktype 101 of PPP links, or 229) need
# frame.len = plen + 40 (IPv4: total length), Ethernet captures 14 more;
# an Ethernet frame padded to the 60-byte minimum passes when shorter.
#
# tshark is $TSHARK when set and not empty, else the first tshark on PATH.
# Exit status: 0 every frame of every file is clean; 1 some frame is
# flagged (listed on stderr as FILE: frame N: ...); 2 bad usage, tshark
# missing, or a file tshark cannot read.
set -u

tshark=${TSHARK:-tshark}
if [ $# -eq 0 ]; then
  echo "usage: pcap-check.sh FILE.pcap..." >&2
  exit 2
fi
if ! command -v "$tshark" >/dev/null 2>&1; then
  echo "pcap-check.sh: tshark not found ('$tshark'); set TSHARK" >&2
  exit 2
fi

filter='_ws.malformed || _ws.expert.severity >= "Warning" || !(ipv6 || ip)'
filter="$filter"' || (ipv6 && eth && frame.len != ipv6.plen#1 + 54 && !(frame.len == 60 && ipv6.plen#1 < 6))'
filter="$filter"' || (ipv6 && !eth && frame.len != ipv6.plen#1 + 40)'
filter="$filter"' || (!ipv6 && eth && frame.len != ip.len#1 + 14 && !(frame.len == 60 && ip.len#1 < 46))'
filter="$filter"' || (!ipv6 && !eth && frame.len != ip.len#1)'

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

status=0
for f in "$@"; do
  if [ ! -r "$f" ]; then
    echo "$f: cannot read" >&2
    status=2
    continue
  fi
  if ! "$tshark" -n -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
       -Y "$filter" -T fields -E separator='|' \
       -e frame.number -e frame.len -e ipv6.plen -e _ws.col.Info -e _ws.expert.message \
       >"$tmp/out" 2>"$tmp/err"; then
    echo "$f: tshark cannot read it:" >&2
    grep -v 'Running as user' "$tmp/err" >&2
    status=2
    continue
  fi
  if [ -s "$tmp/out" ]; then
    n=$(wc -l <"$tmp/out")
    echo "$f: $n flagged frame(s):" >&2
    awk -F'|' -v f="$f" '{ printf "%s: frame %s: len %s, ipv6.plen %s: %s [%s]\n", f, $1, $2, $3, $4, $5 }' \
      "$tmp/out" >&2
    [ "$status" -eq 0 ] && status=1
  fi
done
exit "$status"
