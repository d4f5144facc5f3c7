#!/bin/sh
# Scenario files end to end through `ipesim run`, `check` and `list`:
#  - the shipped scenarios run (quickstart) and check; every result file has
#    its documented header row (the same line as in docs/results.md);
#  - packets are conserved in every run: packets_sent = delivered + dropped
#    + in flight, per flow as well, and drops.csv adds up to packets_dropped;
#  - grid-v6 gives the counts and the one-way delay of the ns-3 reference
#    program ((K+1) x 0.84 us + 2 x 1 us + (K-1) x 10 us, to 0.01 us);
#  - --pcap writes NODE-IFACE.pcap files that tshark ($TSHARK, when set)
#    decodes without malformed frames, warnings or length mismatches;
#  - bad input fails with FILE:LINE: (or --set) and what was expected, and
#    writes no result files; an unreachable destination is a warning and
#    its packets are dropped as no_route;
#  - CSV and GraphML topology sections build networks that carry traffic.
# Prints "ok: ..." per check; stops with "FAIL: ..." at the first failure.
set -eu

. "${top_srcdir:-.}/tests/tools/lib.sh"
pcap_check="$srcdir/tests/tools/pcap-check.sh"
results_doc="$srcdir/docs/results.md"

# col FILE COLUMN [FIRST-FIELD]: COLUMN of the first data row, or of the row
# whose first field is FIRST-FIELD. Fails when the column or row is missing.
col() {
  awk -F, -v c="$2" -v k="${3-}" -v have_k="${3+y}" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) n = i; if (!n) exit 2; next }
    have_k != "y" || $1 == k { print $n; found = 1; exit 0 }
    END { if (!n) exit 2; if (!found) exit 3 }' "$1" ||
    fail "$1: no column '$2'${3+ in the row of '$3'}"
}

# near VALUE EXPECTED TOLERANCE: |VALUE - EXPECTED| <= TOLERANCE.
near() {
  awk -v v="$1" -v e="$2" -v t="$3" 'BEGIN { d = v - e; if (d < 0) d = -d; exit !(v != "nan" && d <= t) }'
}

# run NAME ARGS...: `ipesim run ARGS -o $dir/NAME`; must succeed. The
# result folder is left in $out, stdout in $dir/NAME.out, stderr (warnings)
# in $dir/NAME.err.
run() {
  name=$1
  shift
  out="$dir/$name"
  "$ipesim" run "$@" -o "$out" >"$dir/$name.out" 2>"$dir/$name.err" ||
    { cat "$dir/$name.err" >&2; fail "$name: ipesim run $* failed"; }
}

# conserve DIR WHAT: packet conservation in DIR's summary.csv, flows.csv and
# drops.csv.
conserve() {
  s="$1/summary.csv"
  sent=$(col "$s" packets_sent)
  del=$(col "$s" packets_delivered)
  drop=$(col "$s" packets_dropped)
  infl=$(col "$s" packets_in_flight)
  [ "$sent" -eq $((del + drop + infl)) ] ||
    fail "$2: packets_sent $sent != delivered $del + dropped $drop + in flight $infl"
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { tx = $c["tx_packets"]; rx = $c["rx_packets"]; d = $c["dropped"]; f = $c["in_flight"]
      if (tx != rx + d + f || f > tx) { print "flow " $1 ": tx " tx " rx " rx " dropped " d " in_flight " f; bad = 1 } }
    END { exit bad }' "$1/flows.csv" >&2 || fail "$2: flows.csv does not conserve packets"
  total=$(awk -F, 'NR > 1 { t += $4 } END { printf "%d", t }' "$1/drops.csv")
  [ "$total" -eq "$drop" ] || fail "$2: drops.csv counts add up to $total, summary says $drop dropped"
  ok "$2: $sent packets sent = $del delivered + $drop dropped + $infl in flight"
}

# ---- ipesim list and check ---------------------------------------------------------

"$ipesim" list >"$dir/list" || fail "ipesim list failed"
for t in link.p2p app.cbr topology.grid scenario.simulation; do
  grep -q "^$t " "$dir/list" || fail "ipesim list does not list $t"
done
ok "ipesim list lists link.p2p, app.cbr, topology.grid, scenario.simulation"

for f in "$scen"/*.ini; do
  "$ipesim" check "$f" >"$dir/check.out" 2>"$dir/check.err" ||
    { cat "$dir/check.err" >&2; fail "ipesim check $f failed"; }
  grep -Eq ': ok( at .*)?: ' "$dir/check.out" || fail "ipesim check $f: no ok line"
  ok "ipesim check $(basename "$f")"
done

"$ipesim" check "$scen/quickstart.ini" --ranks 2 > "$dir/ranks.out" ||
  fail "ipesim check --ranks 2 failed"
grep -q '^quickstart: partition: 2 ranks: nodes [0-9]*/[0-9]*, .* cut link.*, lookahead ' "$dir/ranks.out" ||
  fail "ipesim check --ranks 2: no partition line: $(cat "$dir/ranks.out")"
set +e
"$ipesim" check "$scen/quickstart.ini" --ranks 30 > /dev/null 2> "$dir/ranks.err"
st1=$?
"$ipesim" check "$scen/quickstart.ini" --ranks -1 > /dev/null 2> "$dir/ranks2.err"
st2=$?
set -e
[ $st1 -eq 1 ] && grep -q 'cannot split 8 nodes over 30 ranks (expected 1 to 8 ranks)' "$dir/ranks.err" ||
  fail "--ranks 30: status $st1, $(cat "$dir/ranks.err")"
[ $st2 -eq 2 ] && grep -q 'expected a positive number of ranks' "$dir/ranks2.err" ||
  fail "--ranks -1: status $st2, $(cat "$dir/ranks2.err")"

# [parallel]: a given partition is what ipesim check --ranks shows; its
# errors name the file and line
cp "$scen/quickstart.ini" "$dir/given.ini"
printf '\n[parallel]\npartition = given\nrank0 = hA, r0, r1, r2\nrank1 = *\n' >> "$dir/given.ini"
"$ipesim" check "$dir/given.ini" --ranks 2 > "$dir/given.out" 2> "$dir/given.err" &&
  fail "[parallel]: a node on two ranks was accepted"
line=$(grep -n '^rank1 = ' "$dir/given.ini" | cut -d: -f1)
grep -q "given.ini:$line: \[parallel\] rank1: node .* on rank 0 and rank 1" "$dir/given.err" ||
  fail "[parallel] node on two ranks: $(cat "$dir/given.err")"
sed -i 's/^rank1 = \*$/rank1 = r3, r4, hB/' "$dir/given.ini"
"$ipesim" check "$dir/given.ini" --ranks 2 > "$dir/given.out" 2> "$dir/given.err" &&
  fail "[parallel]: a node on no rank was accepted"
grep -q "given.ini:[0-9]*: \[parallel\]: node .* is on no rank" "$dir/given.err" ||
  fail "[parallel] node on no rank: $(cat "$dir/given.err")"
sed -i 's/^rank1 = r3, r4, hB$/rank1 = */; s/^rank0 = hA, r0, r1, r2$/rank0 = hA, r0, r1, r2, nosuch/' "$dir/given.ini"
"$ipesim" check "$dir/given.ini" > /dev/null 2> "$dir/given.err" &&
  fail "[parallel]: a pattern matching no node was accepted"
grep -q "\[parallel\] rank0: 'nosuch' matches no node" "$dir/given.err" ||
  fail "[parallel] pattern: $(cat "$dir/given.err")"
sed -i 's/^rank0 = hA, r0, r1, r2, nosuch$/rank0 = hA, r0, r1, r2/; s/^rank1 = \*$/rank2 = r3, r4, r5, hB/' "$dir/given.ini"
"$ipesim" check "$dir/given.ini" > /dev/null 2> "$dir/given.err" &&
  fail "[parallel]: a missing rank1 was accepted"
grep -q "\[parallel\] has rank2 but no rank1" "$dir/given.err" ||
  fail "[parallel] missing rank: $(cat "$dir/given.err")"
sed -i 's/^rank2 = /rank1 = /' "$dir/given.ini"
"$ipesim" check "$dir/given.ini" --ranks 2 > "$dir/given.out" || fail "[parallel]: a good partition refused"
grep -q '^given: partition: 2 ranks: nodes 4/4, .* 2 cut links' "$dir/given.out" ||
  fail "[parallel]: not the given partition: $(cat "$dir/given.out")"
"$ipesim" check "$dir/given.ini" --ranks 3 > /dev/null 2> "$dir/given.err" &&
  fail "[parallel]: a 2-rank partition accepted for 3 ranks"
grep -q "given.ini:[0-9]*: \[parallel\] partition = given gives 2 ranks, mpirun started 3 (expected mpirun -np 2)" "$dir/given.err" ||
  fail "[parallel] rank count: $(cat "$dir/given.err")"
ok "[parallel] given partitions: every node on one rank, errors with FILE:LINE"
ok "ipesim check --ranks: the partition line; too many ranks and a negative count refused"

# ---- quickstart: every result file, with its header ------------------------------------

run quickstart "$scen/quickstart.ini"
qs=$out
headers="flows.csv flow,src,dst,app,tx_packets,rx_packets,tx_bytes,rx_bytes,dropped,in_flight,loss_ratio,delay_mean_us,delay_min_us,delay_p50_us,delay_p90_us,delay_p99_us,delay_p999_us,delay_max_us,jitter_us,throughput_bps,out_of_order,pmtu
pings.csv ping,src,dst,sent,received,loss_ratio,rtt_min_us,rtt_mean_us,rtt_max_us,rtt_p50_us,rtt_p99_us
links.csv link,from,to,interface,rate_bps,delay_us,utilization,tx_packets,tx_bytes,queue_drops,link_loss,queue_mean,queue_max
drops.csv node,interface,reason,count
delay_cdf.csv flow,delay_us,cdf
summary.csv events,wall_seconds,events_per_second,sim_seconds,packets_sent,packets_delivered,packets_dropped,packets_in_flight,packet_hops,peak_rss_kb,nodes,links,flows
timeseries.csv time_s,kind,name,metric,value"
echo "$headers" | while read -r file header; do
  [ -f "$qs/$file" ] || fail "quickstart: no $file"
  got=$(head -n 1 "$qs/$file")
  [ "$got" = "$header" ] || fail "quickstart: $file header is
  $got
expected
  $header"
  grep -qxF "$header" "$results_doc" || fail "docs/results.md does not show the $file header $header"
done
ok "quickstart wrote flows, pings, links, drops, delay_cdf, summary and timeseries with the documented headers"
[ "$(col "$qs/flows.csv" app video)" = onoff ] || fail "quickstart: flow video is not onoff"
[ "$(col "$qs/flows.csv" app bulk)" = poisson ] || fail "quickstart: flow bulk is not poisson"
[ "$(col "$qs/flows.csv" rx_packets telemetry)" -eq 4000 ] ||
  fail "quickstart: telemetry (2000 pps for 2 s) did not deliver 4000 packets"
[ "$(col "$qs/pings.csv" sent rtt)" -eq 200 ] || fail "quickstart: ping rtt (every 10 ms for 2 s) did not send 200"
[ "$(tail -n +2 "$qs/links.csv" | wc -l)" -eq 16 ] || fail "quickstart: links.csv needs 2 rows per link (16)"
grep -q ',queue_full,' "$qs/drops.csv" || fail "quickstart: the congested bottleneck drops nothing (queue_full)"
ok "quickstart: flows, pings, links and drops have the expected rows"
# [output] sample = 10ms over 2.1 s: 210 samples of the 5 metrics of 3 flows,
# whose received packets add up to flows.csv (the last sample is at the end)
[ "$(tail -n +2 "$qs/timeseries.csv" | wc -l)" -eq $((210 * 15)) ] ||
  fail "quickstart: timeseries.csv needs 210 x 15 rows"
[ "$(head -n 2 "$qs/timeseries.csv" | tail -n 1)" = "0.01,flow,video,tx_bps,600000000" ] ||
  fail "quickstart: timeseries.csv does not start with video's tx_bps at 0.01 s"
for f in video telemetry bulk; do
  n=$(awk -F, -v f="$f" '$2 == "flow" && $3 == f && $4 == "rx_packets" { n += $5 } END { printf "%d", n }' "$qs/timeseries.csv")
  [ "$n" -eq "$(col "$qs/flows.csv" rx_packets "$f")" ] ||
    fail "quickstart: timeseries.csv rx_packets of $f add up to $n, flows.csv says $(col "$qs/flows.csv" rx_packets "$f")"
done
ok "quickstart: timeseries.csv has 210 samples of 15 series adding up to flows.csv"
m="$qs/manifest.ini"
[ -f "$m" ] || fail "quickstart: no manifest.ini"
for l in '[manifest]' program=ipesim scenario=quickstart seed=1 run=0 '[simulation]' '[flow video]'; do
  grep -qxF "$l" "$m" || fail "quickstart: manifest.ini has no line '$l'"
done
ok "quickstart: manifest.ini names program, scenario, seed and holds the resolved scenario"
if ls -A "$qs" | grep -Eqi 'tmp|^\.'; then
  fail "quickstart: temporary files left in the result folder: $(ls -A "$qs")"
fi
conserve "$qs" quickstart

# same seed, same results; --seed changes the random traffic
run quickstart-again "$scen/quickstart.ini"
cmp -s "$qs/flows.csv" "$out/flows.csv" || fail "quickstart: two runs with seed 1 differ in flows.csv"
run quickstart-seed2 "$scen/quickstart.ini" --seed 2
grep -qx 'seed=2' "$out/manifest.ini" || fail "quickstart --seed 2: manifest.ini does not say seed=2"
cmp -s "$qs/flows.csv" "$out/flows.csv" && fail "quickstart --seed 2: same flows.csv as seed 1"
conserve "$out" "quickstart --seed 2"
ok "quickstart: deterministic for one seed, different with --seed 2"

# [output] histogram_bits sets the precision of the delay percentiles: with 1
# bit the video flow's median (about 2743 us) falls in the bucket
# [2^31, 3 x 2^30) ps and is reported as its midpoint, about 2684 us
run quickstart-bits1 "$scen/quickstart.ini" --set output.histogram_bits=1
p7=$(col "$qs/flows.csv" delay_p50_us video)
p1=$(col "$out/flows.csv" delay_p50_us video)
if [ "$p1" = "$p7" ]; then
  fail "[output] histogram_bits = 1 gives the same delay_p50_us ($p7) as 7 bits: the setting is ignored"
else
  near "$p1" "$p7" "$(awk -v e="$p7" 'BEGIN { print e * 0.26 }')" ||
    fail "histogram_bits=1: delay_p50_us $p1 is not within 25 % of $p7"
  ok "[output] histogram_bits changes the percentile precision ($p7 -> $p1 us)"
fi

# ---- grid-v6 against the ns-3 reference ------------------------------------------------

for k in 2 4; do
  run "grid$k" "$scen/grid-v6.ini" --set grid.k=$k --set grid.rate=10000 --set grid.time=1s
  s="$out/summary.csv"
  pk=$((k * 10000))
  for c in packets_sent packets_delivered; do
    [ "$(col "$s" $c)" -eq $pk ] || fail "grid-v6 k=$k: $c $(col "$s" $c), expected $pk"
  done
  [ "$(col "$s" packets_dropped)" -eq 0 ] || fail "grid-v6 k=$k: packets dropped"
  [ "$(col "$s" packet_hops)" -eq $((pk * (k + 1))) ] ||
    fail "grid-v6 k=$k: packet_hops $(col "$s" packet_hops), expected $((pk * (k + 1)))"
  [ "$(col "$s" nodes)" -eq $((k * k + 2 * k)) ] || fail "grid-v6 k=$k: $(col "$s" nodes) nodes"
  [ "$(col "$s" links)" -eq $((2 * k * k)) ] || fail "grid-v6 k=$k: $(col "$s" links) links"
  [ "$(col "$s" flows)" -eq $k ] || fail "grid-v6 k=$k: $(col "$s" flows) flows"
  [ "$(tail -n +2 "$out/drops.csv" | wc -l)" -eq 0 ] || fail "grid-v6 k=$k: drops.csv has rows"
  expect=$(awk -v k=$k 'BEGIN { printf "%.2f", (k + 1) * 0.84 + 2 * 1 + (k - 1) * 10 }')
  r=0
  while [ $r -lt $k ]; do
    f="rows/l$r-h$r"
    [ "$(col "$out/flows.csv" tx_packets "$f")" -eq 10000 ] || fail "grid-v6 k=$k: $f did not send 10000"
    [ "$(col "$out/flows.csv" rx_packets "$f")" -eq 10000 ] || fail "grid-v6 k=$k: $f did not receive 10000"
    for c in delay_mean_us delay_min_us delay_max_us; do
      v=$(col "$out/flows.csv" $c "$f")
      near "$v" "$expect" 0.005 || fail "grid-v6 k=$k: $f $c = $v, the ns-3 reference gives $expect us"
    done
    # quantiles come from the histogram: within 2^-8 relative (7 bits)
    for c in delay_p50_us delay_p99_us; do
      v=$(col "$out/flows.csv" $c "$f")
      near "$v" "$expect" "$(awk -v e="$expect" 'BEGIN { print e / 256 }')" ||
        fail "grid-v6 k=$k: $f $c = $v, expected $expect us within 2^-8"
    done
    r=$((r + 1))
  done
  conserve "$out" "grid-v6 k=$k"
  ok "grid-v6 k=$k: $pk packets, $((pk * (k + 1))) packet-hops, no drops, one-way delay $expect us"
done

run grid-rate "$scen/grid-v6.ini" --set grid.k=2 --set grid.rate=1000
[ "$(col "$out/summary.csv" packets_delivered)" -eq 2000 ] ||
  fail "grid-v6 grid.rate=1000: $(col "$out/summary.csv" packets_delivered) delivered, expected 2000"
conserve "$out" "grid-v6 k=2 rate=1000"
ok "grid-v6: --set grid.rate=1000 gives 1000 packets per flow"

# ---- enterprise-lan: hosts autoconfiguring from Router Advertisements ------------------

run lan "$scen/enterprise-lan.ini" --set lan.hosts=60
for f in "autoconf.csv node,up_s,first_global_s,time_to_address_s,dad_failures,dns_servers" \
         "nd.csv node,ns_sent,na_sent,rs_sent,ra_sent,redirects_sent,nd_bytes_sent,invalid,resolution_failures"; do
  file=${f%% *}
  header=${f#* }
  [ "$(head -n 1 "$out/$file")" = "$header" ] || fail "enterprise-lan: $file header is $(head -n 1 "$out/$file")"
  grep -qxF "$header" "$results_doc" || fail "docs/results.md does not show the $file header $header"
done
[ "$(tail -n +2 "$out/autoconf.csv" | wc -l)" -eq 60 ] || fail "enterprise-lan: autoconf.csv needs 60 host rows"
# every host got a global address, after DAD's RetransTimer (1 s) and
# within the three Router Solicitations (9 s)
awk -F, 'NR > 1 && !($4 >= 1 && $4 < 9 && $5 == 0) { print; bad = 1 } END { exit bad }' \
  "$out/autoconf.csv" >&2 || fail "enterprise-lan: hosts without a timely global address"
[ "$(col "$out/nd.csv" ra_sent gw)" -gt 0 ] || fail "enterprise-lan: the router sent no RA"
[ "$(col "$out/nd.csv" invalid gw)" -eq 0 ] || fail "enterprise-lan: the router dropped ND messages"
[ "$(col "$out/pings.csv" received h0-gw)" -eq 20 ] || fail "enterprise-lan: ping h0-gw lost replies"
conserve "$out" enterprise-lan
lan_mean=$(awk -F, 'NR > 1 { s += $4; n++ } END { printf "%.6f", s / n }' "$out/autoconf.csv")
# optimistic DAD (RFC 4429): the same run, each address usable 1 s sooner
run lan-optimistic "$scen/enterprise-lan.ini" --set lan.hosts=60 --set topology.optimistic=true
opt_mean=$(awk -F, 'NR > 1 { s += $4; n++ } END { printf "%.6f", s / n }' "$out/autoconf.csv")
near "$opt_mean" "$(awk -v m="$lan_mean" 'BEGIN { printf "%.6f", m - 1 }')" 0.00001 ||
  fail "enterprise-lan: mean time to address $lan_mean s, optimistic $opt_mean s (expected 1 s less)"
conserve "$out" "enterprise-lan optimistic"
ok "enterprise-lan: 60 hosts autoconfigure in $lan_mean s on average, $opt_mean s with optimistic DAD"
run lan-pcap "$scen/enterprise-lan.ini" --set lan.hosts=5 --set topology.optimistic=true --pcap all
[ -f "$out/pcap/h0-eth0.pcap" ] && [ -f "$out/pcap/gw-eth0.pcap" ] || fail "enterprise-lan --pcap all: no h0-eth0.pcap or gw-eth0.pcap"
sh "$pcap_check" "$out/pcap"/*.pcap || fail "pcap-check.sh flags the enterprise-lan captures above"
ok "enterprise-lan: the Ethernet captures of every node and switch port decode cleanly"

# ---- SRv6: an L3VPN with a TE policy, and the header overhead ------------------------------

run l3vpn "$scen/srv6-l3vpn.ini" --pcap all
conserve "$out" srv6-l3vpn
[ "$(col "$out/flows.csv" rx_packets video)" -eq "$(col "$out/flows.csv" tx_packets video)" ] ||
  fail "srv6-l3vpn: video lost packets"
# the TE policy (color 10) takes site 1 -> site 2 over P3 (2 x 300 us);
# the way back is best effort over P1, P2: 6 x 100 us + 100 us
near "$(col "$out/flows.csv" delay_min_us video)" 1001 8 ||
  fail "srv6-l3vpn: video min delay $(col "$out/flows.csv" delay_min_us video) us, expected the TE path (~1001)"
near "$(col "$out/flows.csv" delay_min_us back)" 700.5 3 ||
  fail "srv6-l3vpn: back min delay $(col "$out/flows.csv" delay_min_us back) us, expected the shortest path (~700)"
[ "$(head -n 1 "$out/srv6.csv")" = "node,sid,behaviour,flavours,packets,bytes,dropped,drop_reasons" ] ||
  fail "srv6-l3vpn: srv6.csv header"
grep -qxF "node,sid,behaviour,flavours,packets,bytes,dropped,drop_reasons" "$results_doc" ||
  fail "docs/results.md does not show the srv6.csv header"
grep -qxF "node,policy,color,endpoint,headend,paths,packets,bytes,dropped" "$results_doc" ||
  fail "docs/results.md does not show the srv6_policies.csv header"
awk -F, '$1 == "P3" && $3 == "End.X" && $5 > 0 { found = 1 } END { exit !found }' "$out/srv6.csv" ||
  fail "srv6-l3vpn: P3's End.X carried nothing"
awk -F, '$1 == "PE2" && $3 == "End.DT46" && $5 > 0 { found = 1 } END { exit !found }' "$out/srv6.csv" ||
  fail "srv6-l3vpn: PE2's End.DT46 decapsulated nothing"
# IPv4 in the same VPN: the flow over the TE path, the ping answered
[ "$(col "$out/flows.csv" rx_packets legacy)" -ge 999 ] ||
  fail "srv6-l3vpn: IPv4 flow legacy received $(col "$out/flows.csv" rx_packets legacy) of 1000"
near "$(col "$out/flows.csv" delay_min_us legacy)" 1001 8 ||
  fail "srv6-l3vpn: IPv4 flow min delay $(col "$out/flows.csv" delay_min_us legacy) us, expected the TE path (~1001)"
[ "$(col "$out/pings.csv" received rtt4)" -eq 100 ] ||
  fail "srv6-l3vpn: IPv4 ping got $(col "$out/pings.csv" received rtt4) replies of 100"
sh "$pcap_check" "$out/pcap"/*.pcap || fail "pcap-check.sh flags the srv6-l3vpn captures"
if command -v tshark > /dev/null; then
  # tshark decodes IPv4 inside the SRH with a good header checksum, and the
  # IPv4 packets on the customer side with a good UDP checksum
  n=$(tshark -r "$out/pcap/PE1-eth2.pcap" -o ip.check_checksum:TRUE -Y 'ipv6.routing.segleft == 1 && ip.proto == 17 && ip.checksum.status == 1 && ip.src == 10.1.1.2 && ip.dst == 10.2.255.2' 2>/dev/null | wc -l)
  [ "$n" -eq 1000 ] || fail "srv6-l3vpn: tshark finds $n of 1000 IPv4-in-SRv6 packets on PE1-eth2"
  n=$(tshark -r "$out/pcap/CE2-eth1.pcap" -o udp.check_checksum:TRUE -Y 'ip.ttl == 61 && udp.checksum.status == 1 && !ipv6' 2>/dev/null | wc -l)
  [ "$n" -ge 999 ] || fail "srv6-l3vpn: tshark finds $n decapsulated IPv4 datagrams at CE2"
fi
ok "srv6-l3vpn: site 1 -> 2 over the TE policy (End.X at P3), 2 -> 1 best effort, End.DT46 at the PEs; IPv4 alike"

run overhead "$scen/srv6-overhead.ini"
conserve "$out" srv6-overhead
# path MTU left to the inner packet: 1500 - 40 - (8 + 16 L) for H.Encaps,
# one segment less in the SRH for H.Encaps.Red (none for L = 1), and a
# single uSID container without SRH
for L in 1 2 3 4 5; do
  want=$((1500 - 48 - 16 * L))
  [ "$(col "$out/flows.csv" pmtu "encaps-L$L")" -eq "$want" ] ||
    fail "srv6-overhead: encaps-L$L path MTU $(col "$out/flows.csv" pmtu "encaps-L$L"), expected $want"
  want=$((L == 1 ? 1460 : 1500 - 48 - 16 * (L - 1)))
  [ "$(col "$out/flows.csv" pmtu "red-L$L")" -eq "$want" ] ||
    fail "srv6-overhead: red-L$L path MTU $(col "$out/flows.csv" pmtu "red-L$L"), expected $want"
  [ "$(col "$out/flows.csv" pmtu "usid-L$L")" -eq 1460 ] ||
    fail "srv6-overhead: usid-L$L path MTU $(col "$out/flows.csv" pmtu "usid-L$L"), expected 1460"
done
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $1 ~ /^encaps-L[0-9]$/ { g[$1] = $c["throughput_bps"] }
  END { for (l = 2; l <= 5; l++) if (!(g["encaps-L" l] < g["encaps-L" (l - 1)])) exit 1 }' \
  "$out/flows.csv" || fail "srv6-overhead: H.Encaps goodput does not fall with the segment count"
ok "srv6-overhead: path MTU per encoding and length as computed; goodput falls 16 bytes per segment"

# The scenario's own header suggests --set simulation.duration=...; the
# override leaves [grid] time unread, which must not be an error.
if "$ipesim" run "$scen/grid-v6.ini" --set grid.k=2 --set simulation.duration=10ms \
     -o "$dir/grid-duration" -q 2>"$dir/grid-duration.err"; then
  [ "$(col "$dir/grid-duration/summary.csv" packets_sent)" -eq 200 ] ||
    fail "grid-v6 simulation.duration=10ms: expected 200 packets"
  ok "grid-v6: --set simulation.duration overrides \${grid.time}"
else
  fail "grid-v6 --set simulation.duration=10ms fails: $(cat "$dir/grid-duration.err")"
fi

# ---- pcap ---------------------------------------------------------------------------------

mkdir "$dir/p"
cat >"$dir/p/small.ini" <<'EOF'
# a - r - b with one link of each framing: a-r Ethernet, r-b raw IPv6, and a
# second a-r link with PPP framing that routing avoids (metric 5)
[simulation]
duration = 20ms
drain = 5ms

[node a]
type = host

[node b]
type = host

[node r]

[link a-r]
a = a
b = r
framing = ethernet

[link r-b]
a = r
b = b
framing = none

[link spare]
a = a
b = r
framing = ppp
metric = 5

[flow f]
src = a
dst = b
rate = 1000pps
size = 100B

[flow empty]
src = b
dst = a
rate = 500pps
size = 0B

[ping p]
src = a
dst = b
interval = 5ms
EOF
run pcap "$dir/p/small.ini" --pcap all
conserve "$out" "pcap scenario"
for f in a-eth0 a-eth1 b-eth0 r-eth0 r-eth1 r-eth2; do
  [ -f "$out/pcap/$f.pcap" ] || fail "--pcap all: no pcap/$f.pcap (have: $(ls "$out/pcap"))"
  [ "$(wc -c <"$out/pcap/$f.pcap")" -ge 24 ] || fail "--pcap all: pcap/$f.pcap has no pcap header"
done
[ "$(ls "$out/pcap" | wc -l)" -eq 6 ] || fail "--pcap all: expected 6 files, got $(ls "$out/pcap")"
[ "$(wc -c <"$out/pcap/r-eth1.pcap")" -gt 1000 ] || fail "--pcap all: r-eth1.pcap captured nothing"
ok "--pcap all writes pcap/NODE-IFACE.pcap for every interface"
run pcap-one "$dir/p/small.ini" --pcap r:eth1
[ "$(ls "$out/pcap")" = r-eth1.pcap ] || fail "--pcap r:eth1: wrote $(ls "$out/pcap")"
ok "--pcap NODE:IFACE captures one interface"

if [ -n "${TSHARK:-}" ] && [ -x "$TSHARK" ]; then
  sh "$pcap_check" "$dir/pcap/pcap"/*.pcap || fail "pcap-check.sh flags the pcap files above"
  frames=$("$TSHARK" -n -r "$dir/pcap/pcap/r-eth1.pcap" 2>/dev/null | wc -l)
  [ "$frames" -eq 38 ] || fail "r-eth1.pcap: $frames frames, expected 38 (20 + 10 UDP, 4 + 4 ICMPv6)"
  ok "every pcap decodes in tshark: no malformed frame, warning, bad checksum or length"
  # the validator itself: a checksum and a length fault must be caught
  cp "$dir/pcap/pcap/r-eth1.pcap" "$dir/sum.pcap"
  printf '\377' | dd of="$dir/sum.pcap" bs=1 seek=63 conv=notrunc 2>/dev/null # source address
  cp "$dir/pcap/pcap/a-eth0.pcap" "$dir/len.pcap"
  printf '\001' | dd of="$dir/len.pcap" bs=1 seek=59 conv=notrunc 2>/dev/null # payload length
  for f in sum len; do
    if sh "$pcap_check" "$dir/$f.pcap" 2>"$dir/$f.err"; then
      fail "pcap-check.sh accepts the corrupted $f.pcap"
    fi
    grep -q 'frame 1:' "$dir/$f.err" || fail "pcap-check.sh does not name frame 1 of $f.pcap"
  done
  ok "pcap-check.sh flags a bad checksum and a bad payload length"
else
  echo "skip: tshark checks of the pcap files (TSHARK not set)"
fi

# ---- unreachable destinations: a warning, and drops with reason no_route -------------------

cat >"$dir/p/islands.ini" <<'EOF'
[simulation]
duration = 10ms
drain = 1ms

[node a]
type = host

[node b]
type = host

[node c]
type = host

[node d]
type = host

[link a-b]
a = a
b = b

[link c-d]
a = c
b = d

[flow lost]
src = a
dst = c
rate = 1000pps

[flow fine]
src = a
dst = b
rate = 1000pps
EOF
run islands "$dir/p/islands.ini"
grep -q '^warning: .*flow lost' "$dir/islands.err" ||
  fail "islands: no 'warning:' line naming flow lost (stderr: $(cat "$dir/islands.err"))"
[ "$(col "$out/flows.csv" dropped lost)" -eq 10 ] || fail "islands: flow lost did not drop its 10 packets"
[ "$(col "$out/flows.csv" rx_packets fine)" -eq 10 ] || fail "islands: flow fine did not deliver 10"
grep -qx 'a,,no_route,10' "$out/drops.csv" || fail "islands: drops.csv has no 'a,,no_route,10' row: $(cat "$out/drops.csv")"
conserve "$out" islands
ok "a flow between two islands is a warning and 10 no_route drops"

# ---- topology sections from files -----------------------------------------------------------

mkdir "$dir/p/topo"
cat >"$dir/p/topo/nodes.csv" <<'EOF'
name,role
r1,router
r2,router
r3,router
h1,host
h2,host
EOF
cat >"$dir/p/topo/links.csv" <<'EOF'
a,b,rate,delay
h1,r1,10Gbps,1us
r1,r2,1Gbps,100us
r2,r3,1Gbps,200us
r1,r3,100Mbps,50us
r3,h2,10Gbps,1us
EOF
cat >"$dir/p/csv.ini" <<'EOF'
[simulation]
duration = 100ms
drain = 10ms

[topology]
type = csv
nodes = topo/nodes.csv
links = topo/links.csv

[flow f]
src = h1
dst = h2
rate = 1000pps
EOF
run csv "$dir/p/csv.ini"
conserve "$out" "topology csv"
[ "$(col "$out/summary.csv" nodes)" -eq 5 ] && [ "$(col "$out/summary.csv" links)" -eq 5 ] ||
  fail "topology csv: expected 5 nodes and 5 links"
[ "$(col "$out/flows.csv" rx_packets f)" -eq 100 ] || fail "topology csv: flow f did not deliver 100"
# fewest hops: h1-r1 (10 Gbit/s, 1 us), r1-r3 (100 Mbit/s, 50 us), r3-h2
# (10 Gbit/s, 1 us); 1050-byte frames: 0.84 + 84 + 0.84 us on the wire
v=$(col "$out/flows.csv" delay_mean_us f)
near "$v" 137.68 0.005 || fail "topology csv: delay $v us, expected 137.68 (rate and delay columns)"
ok "[topology] type = csv: 5 nodes, the rate and delay columns apply (137.68 us)"

run csv-runs "$dir/p/csv.ini" --set simulation.runs=2
for r in 0 1; do
  [ -f "$out/run-$r/summary.csv" ] || fail "runs = 2: no run-$r/summary.csv"
  grep -qx "run=$r" "$out/run-$r/manifest.ini" || fail "runs = 2: run-$r/manifest.ini does not say run=$r"
  conserve "$out/run-$r" "runs = 2, run $r"
done
[ ! -e "$out/summary.csv" ] || fail "runs = 2: summary.csv outside the run-N folders"
ok "[simulation] runs = 2 writes run-0/ and run-1/"

cat >"$dir/p/graphml.ini" <<EOF
[simulation]
duration = 100ms
drain = 100ms

[topology]
type = graphml
file = $srcdir/tests/data/topo/Abilene.graphml

[flow coast]
src = New York
dst = Los Angeles
rate = 1000pps

[ping p]
src = Seattle
dst = Atlanta
interval = 10ms
EOF
run graphml "$dir/p/graphml.ini"
conserve "$out" "topology graphml"
[ "$(col "$out/summary.csv" nodes)" -eq 11 ] && [ "$(col "$out/summary.csv" links)" -eq 14 ] ||
  fail "topology graphml: Abilene has 11 nodes and 14 links"
[ "$(col "$out/flows.csv" rx_packets coast)" -eq 100 ] || fail "topology graphml: flow coast did not deliver 100"
[ "$(col "$out/pings.csv" received p)" -eq 10 ] || fail "topology graphml: ping p did not get 10 replies"
ok "[topology] type = graphml (Abilene): New York -> Los Angeles delivers, ping Seattle -> Atlanta"

# ---- bad input --------------------------------------------------------------------------------

mkdir "$dir/bad"
# bad NAME WHERE EXPECTED [ARGS...]: the scenario $dir/bad/NAME.ini (made by
# the caller) fails in `run` and in `check`; the message starts with WHERE
# (a fixed string after "ipesim run: ") and contains EXPECTED (an extended
# regular expression); nothing is written to the result folder.
bad() {
  name=$1 where=$2 what=$3
  shift 3
  f="$dir/bad/$name.ini"
  o="$dir/bad/$name.out"
  if "$ipesim" run "$f" -o "$o" -q "$@" 2>"$dir/bad/err"; then
    fail "bad input $name: ipesim run succeeded"
  fi
  line=$(grep -F "ipesim run: $where" "$dir/bad/err" | head -n 1)
  [ -n "$line" ] || fail "bad input $name: error does not start with '$where':
$(cat "$dir/bad/err")"
  echo "$line" | grep -Eq -- "$what" || fail "bad input $name: error does not say '$what':
$line"
  for r in flows.csv summary.csv links.csv drops.csv pings.csv manifest.ini; do
    [ ! -e "$o/$r" ] || fail "bad input $name: $r written despite the error"
  done
  if "$ipesim" check "$f" "$@" >/dev/null 2>"$dir/bad/err"; then
    fail "bad input $name: ipesim check succeeded"
  fi
  grep -qF "ipesim check: $where" "$dir/bad/err" || fail "bad input $name: ipesim check says $(cat "$dir/bad/err")"
  ok "bad input $name: ${line#ipesim run: $dir/bad/}"
}

# Every fixture starts with these 13 lines; the lines of the tests' own
# sections are counted from line 14.
head13='[simulation]
duration = 10ms

[node a]
type = host

[node b]
type = host

[link a-b]
a = a
b = b
'
mk() {
  printf '%s\n%s\n' "$head13" "$2" >"$dir/bad/$1.ini"
}

mk section '[lnik c]
a = a'
bad section "$dir/bad/section.ini:14:" "unknown section \[lnik c\] \(expected one of: .*link"

mk key '[link c]
a = a
b = b
dealy = 5us'
bad key "$dir/bad/key.ini:17:" "unknown key 'dealy' in \[link c\] \(.*accepts: .*delay"

mk unit '[link c]
a = a
b = b
delay = 5 parsecs'
bad unit "$dir/bad/unit.ini:17:" "delay: '5 parsecs': unknown unit 'parsecs' \(expected .*us"

mk link-rate-zero '[link c]
a = a
b = b
rate = 0bps'
bad link-rate-zero "$dir/bad/link-rate-zero.ini:17:" "rate: '0bps'.*(minimum|at least)"

mk link-rate-negative '[link c]
a = a
b = b
rate = -1Gbps'
bad link-rate-negative "$dir/bad/link-rate-negative.ini:17:" "rate: '-1Gbps': expected"

mk ext-headers-zero '[node c]
max_ext_headers = 0'
bad ext-headers-zero "$dir/bad/ext-headers-zero.ini:15:" "max_ext_headers: '0'.*(minimum|at least)"

mk flow-rate-negative '[flow f]
src = a
dst = b
rate = -5pps'
bad flow-rate-negative "$dir/bad/flow-rate-negative.ini:17:" "rate: '-5pps': expected .*packet rate"

mk flow-rate-zero '[flow f]
src = a
dst = b
rate = 0pps'
bad flow-rate-zero "$dir/bad/flow-rate-zero.ini:17:" "rate.*below the minimum"

mk dup-node '[node a]
type = host'
bad dup-node "$dir/bad/dup-node.ini:14:" "\[node a\] .*twice.*line 4"

mk dup-topology '[topology one]
type = line
n = 3

[topology two]
type = ring
n = 3'
bad dup-topology "$dir/bad/dup-topology.ini:18:" "duplicate node 'r0'"

mk node-kind '[topology]
type = line
n = 2

[node r0]
type = host'
bad node-kind "$dir/bad/node-kind.ini:19:" "node 'r0' already exists as a router"

mk unknown-node '[link c]
a = a
b = zz'
bad unknown-node "$dir/bad/unknown-node.ini:16:" "unknown node 'zz' \(declare it"

mk flow-node '[flow f]
src = a
dst = nowhere'
bad flow-node "$dir/bad/flow-node.ini:16:" "dst: unknown node 'nowhere'"

mk include '[include]
files = missing.ini'
bad include "$dir/bad/include.ini:15:" "cannot include .*missing.ini"

mk knob '[knobs]
n = 3
m = 4

[topology]
type = line
n = ${knobs.n}'
bad knob "$dir/bad/knob.ini:16:" "unknown key 'm' in \[knobs\]"

mk syntax 'rate 10Gbps'
bad syntax "$dir/bad/syntax.ini:14:" "expected \[SECTION\], KEY = VALUE"

# --set
for n in set-syntax set-value set-key; do mk $n ''; done
bad set-syntax "--set 'simulationduration=1s'" "expected SECTION.KEY=VALUE" --set simulationduration=1s
bad set-value "--set simulation.duration:" "'forever': expected a time" --set simulation.duration=forever
bad set-key "--set link a-b.dealy" "unknown key 'dealy' in \[link a-b\]" --set "link a-b.dealy=5us"

# CSV topologies
printf 'a,b,rate,delay\nx,y,1Gbps,1ms\ny,z,1Gbps\n' >"$dir/bad/fields.csv"
printf 'a,b\nx,y\nx,x\n' >"$dir/bad/self.csv"
printf 'name,role\nx,router\ny,router\nx,host\n' >"$dir/bad/dup-nodes.csv"
printf 'name,role\nx,router\ny,router\n' >"$dir/bad/nodes.csv"
printf 'a,b\nx,y\ny,q\n' >"$dir/bad/unknown.csv"
printf 'from,to\nx,y\n' >"$dir/bad/header.csv"
printf 'a,b,rate,delay\nx,y,1Gbps,1ms\ny,z,1Gbps,fast\n' >"$dir/bad/cell.csv"
csv_case() { # NAME NODES LINKS WHERE-IN-CSV EXPECTED
  mk "$1" "[topology]
type = csv
nodes = $2
links = $3"
  bad "$1" "$dir/bad/$1.ini:14: [topology]: $4" "$5"
}
csv_case csv-fields "" fields.csv "$dir/bad/fields.csv:3:" "expected 4 fields"
csv_case csv-self "" self.csv "$dir/bad/self.csv:3:" "expected two different nodes"
csv_case csv-dup dup-nodes.csv self.csv "$dir/bad/dup-nodes.csv:4:" "duplicate node name 'x' \(first on line 2\)"
csv_case csv-unknown nodes.csv unknown.csv "$dir/bad/unknown.csv:3:" "unknown node 'q'.*expected a name from"
csv_case csv-header "" header.csv "$dir/bad/header.csv:1:" "expected"
# a bad rate or delay cell must name the CSV file and its line as well
mk csv-cell "[topology]
type = csv
links = cell.csv"
if "$ipesim" run "$dir/bad/csv-cell.ini" -o "$dir/bad/csv-cell.out" -q 2>"$dir/bad/err"; then
  fail "bad input csv-cell: ipesim run succeeded"
fi
[ ! -e "$dir/bad/csv-cell.out/summary.csv" ] || fail "bad input csv-cell: summary.csv written"
grep -q "fast': expected a time" "$dir/bad/err" || fail "bad input csv-cell: $(cat "$dir/bad/err")"
if grep -q "cell.csv:3: " "$dir/bad/err"; then
  ok "bad input csv-cell: $(cat "$dir/bad/err")"
else
  fail "a bad delay cell in a CSV topology is reported without its line (cell.csv:3): $(cat "$dir/bad/err")"
fi

# GraphML topologies
cat >"$dir/bad/unclosed.graphml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="undirected">
    <node id="a"/>
    <node id="b">
  </graph>
</graphml>
EOF
cat >"$dir/bad/edge.graphml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="undirected">
    <node id="a"/>
    <edge source="a" target="z"/>
  </graph>
</graphml>
EOF
for g in unclosed edge; do
  mk "graphml-$g" "[topology]
type = graphml
file = $g.graphml"
done
bad graphml-unclosed "$dir/bad/graphml-unclosed.ini:14: [topology]: $dir/bad/unclosed.graphml:6:" "malformed XML"
bad graphml-edge "$dir/bad/graphml-edge.ini:14: [topology]: $dir/bad/edge.graphml:5:" "edge to unknown node 'z', expected"

# ---- network slicing: the isolation study on a short run ----------------------------

for mode in none soft hard; do
  run "iso-$mode" "$scen/5g-slicing-isolation.ini" --set simulation.duration=20ms \
    --set slicing.isolation=$mode
  conserve "$out" "5g-slicing-isolation ($mode)"
  for f in slices.csv nrp_links.csv state.csv; do
    grep -qxF "$(head -n 1 "$out/$f")" "$results_doc" ||
      fail "docs/results.md does not show the $f header ($(head -n 1 "$out/$f"))"
  done
done
s="$dir/iso-none/slices.csv"
[ "$(col "$s" sla_met urllc)" = no ] || fail "isolation none: URLLC met its objectives in a shared FIFO"
awk -v d="$(col "$s" delay_p99999_us urllc)" 'BEGIN { exit !(d > 1000) }' ||
  fail "isolation none: URLLC p99.999 $(col "$s" delay_p99999_us urllc) us, expected beyond 1 ms"
for mode in soft hard; do
  s="$dir/iso-$mode/slices.csv"
  [ "$(col "$s" sla_met urllc)" = yes ] || fail "isolation $mode: URLLC missed its objectives"
  [ "$(col "$s" within_bound_pct urllc)" = 100 ] || fail "isolation $mode: URLLC packets beyond 1 ms"
  [ "$(col "$s" dropped urllc)" -eq 0 ] || fail "isolation $mode: URLLC lost packets"
done
soft=$(col "$dir/iso-soft/slices.csv" delivered_bits embb)
hard=$(col "$dir/iso-hard/slices.csv" delivered_bits embb)
[ "$hard" -lt "$soft" ] || fail "isolation: hard isolation delivered $hard eMBB bits, soft $soft (expected fewer)"
# hard isolation: eMBB on the bottleneck link (csr2 -> pa) stays at its 60 % reservation
u=$(awk -F, '$1 == "csr2-pa" && $2 == "csr2" && $5 == "embb" { print $10 }' "$dir/iso-hard/nrp_links.csv")
near "$u" 0.9 0.1 || fail "isolation hard: eMBB uses $u of its reservation on csr2-pa, expected ~0.9 over the run"
# the queue-length time series: at csr2 -> pa the eMBB backlog grows by what
# csr2 adds (12.5 Gbit/s of 1,400-byte payloads: 1,116 packets per ms) while
# the link from csr1 arrives saturated and the link out drains as fast
run iso-queues "$scen/5g-slicing-isolation.ini" --set simulation.duration=10ms \
  --set output.queue_sample=1ms --set output.queue_sample_at=csr2:eth1
[ "$(head -n 1 "$out/queues.csv")" = "time_us,node,iface,class,packets,bytes" ] || fail "queues.csv header"
grep -qxF "time_us,node,iface,class,packets,bytes" "$results_doc" || fail "docs/results.md does not show the queues.csv header"
g=$(awk -F, '$4 == "embb" && $1 == 6000 { a = $5 } $4 == "embb" && $1 == 8000 { b = $5 } END { print (b - a) / 2 }' "$out/queues.csv")
near "$g" 1116 30 || fail "queues.csv: eMBB backlog at csr2 -> pa grows by $g packets per ms, expected ~1116"
[ "$(awk -F, '$4 == "urllc" && $5 > 1 { n++ } END { print n + 0 }' "$out/queues.csv")" -eq 0 ] ||
  fail "queues.csv: the URLLC queue at csr2 -> pa held more than one packet"
ok "5g-slicing-isolation: URLLC violated without slicing, met with soft and hard isolation; hard leaves eMBB $hard of $soft bits"

for sel in hbh locator dscp flow-label; do
  set -- --set slicing.selector=$sel
  [ $sel = dscp ] && set -- "$@" "--set=nrp urllc.dscp=46" "--set=nrp embb.dscp=34" "--set=nrp mmtc.dscp=10"
  run "sel-$sel" "$scen/5g-slicing-isolation.ini" --set simulation.duration=6ms --pcap csr2 "$@"
  conserve "$out" "5g-slicing-isolation (selector $sel)"
  for nrp in urllc embb mmtc; do
    n=$(awk -F, -v n=$nrp '$1 == "pa-agg" && $2 == "pa" && $5 == n { print $7 }' "$out/nrp_links.csv")
    [ "${n:-0}" -gt 0 ] || fail "selector $sel: pa -> agg carried nothing in NRP $nrp's queue"
  done
  sh "$pcap_check" "$out/pcap"/*.pcap || fail "pcap-check.sh flags the captures of selector $sel"
done
ok "slicing selectors hbh, locator, dscp, flow-label: transit hops queue each slice in its NRP; captures decode"

# ---- 5g-transport at 100 cell sites ------------------------------------------------

for sel in hbh locator; do
  run "g5-$sel" "$scen/5g-transport.ini" --set transport.cell_sites=100 \
    --set simulation.duration=20ms --set slicing.selector=$sel
  conserve "$out" "5g-transport (100 sites, selector $sel)"
  for sl in urllc embb mmtc; do
    [ "$(col "$out/slices.csv" admitted $sl)" = yes ] || fail "5g-transport: slice $sl not admitted"
    [ "$(col "$out/slices.csv" flows $sl)" -eq 100 ] || fail "5g-transport: slice $sl has $(col "$out/slices.csv" flows $sl) flows, expected one per site"
  done
  [ "$(col "$out/slices.csv" sla_met urllc)" = yes ] || fail "5g-transport: URLLC missed its objectives"
  # every site's URLLC goes to its domain's edge DC (one domain at 100 sites)
  [ "$(awk -F, '$1 ~ /^urllc\// && $3 != "edc0" { n++ } END { print n + 0 }' "$out/flows.csv")" -eq 0 ] ||
    fail "5g-transport: URLLC flows to another node than edc0"
done
hbh=$(awk -F, 'NR > 1 { t += $3 } END { print t }' "$dir/g5-hbh/state.csv")
loc=$(awk -F, 'NR > 1 { t += $3 } END { print t }' "$dir/g5-locator/state.csv")
[ "$loc" -gt "$hbh" ] || fail "5g-transport: the locator selector has $loc SIDs, hbh $hbh (expected more)"
ok "5g-transport (100 sites): slices admitted, URLLC met, packets conserved; locator $loc SIDs vs hbh $hbh"

echo "ok: all scenario checks passed"
