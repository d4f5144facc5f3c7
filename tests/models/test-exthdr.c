/* test-exthdr.c - IPv6 extension headers on receive, clause by clause
 * (RFC 8200 §4, RFC 5095, RFC 2711), with packets as bytes. */
#include "fixture.h"

/* A packet h1 -> @dst: the fixed header, @ext bytes of extension headers
 * (the first one's type is @first), then a UDP datagram of 16 bytes whose
 * type the last extension header names. Returns the length. */
static size_t
build(Fx *t, uint8_t *b, const SimIp6Addr *dst, uint8_t first, const uint8_t *ext, size_t ext_len)
{
  size_t udp = fx_udp(b + 40 + ext_len, 16, &t->h1a, dst);
  fx_ip6(t, b, ext_len + udp, ext_len ? first : SIM_IPPROTO_UDP, dst);
  memcpy(b + 40, ext, ext_len);
  return 40 + ext_len + udp;
}

typedef struct {
  uint8_t bytes[512];
  size_t len;
} Raw;

static void
send_raw(Fx *t, void *data)
{
  Raw *r = data;
  fx_inject(t, r->bytes, r->len);
}

/* Runs one injected packet with a sink on h2:9; returns the capture of
 * h1's link (frame 0 is the packet, frame 1 an answer if any). */
static FxPcap
run_checked(Fx *t, Raw *r, SimFlow **sink, bool clean)
{
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.start = SIM_S(1000); /* only its sink is wanted */
  SimFlow *f = sim_flow_new(t->net, "sink", t->h1, t->h2, &t->h2a, &tc, NULL);
  if (sink)
    *sink = f;
  return fx_capture(t, send_raw, r, SIM_MS(5), clean);
}

/* the packets of these tests are well formed: tshark must find nothing */
static FxPcap
run(Fx *t, Raw *r, SimFlow **sink)
{
  return run_checked(t, r, sink, TRUE);
}

static uint64_t
unknown_at_sink(Fx *t)
{
  /* datagrams without a flow id count as delivered by the sink */
  return sim_net_counters(t->net)->delivered;
}

Test(exthdr, hop_by_hop_padn_and_router_alert_are_processed)
{
  Fx t;
  fx_init(&t, 0);
  /* HbH: next UDP, len 0 (8 bytes): Router Alert (5, len 2, value 0) + PadN (1, len 0) */
  const uint8_t hbh[8] = { SIM_IPPROTO_UDP, 0, 5, 2, 0, 0, 1, 0 };
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_HOPOPTS, hbh, 8);
  FxPcap p = run(&t, &r, NULL);
  cr_assert_eq(p.frames->len, 1, "no answer expected, got %u frames", p.frames->len);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.r))->router_alerts, 1, "router saw the alert");
  cr_assert_eq(unknown_at_sink(&t), 1, "delivered to the sink");
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(exthdr, hop_by_hop_only_first_rfc8200_4_1)
{
  Fx t;
  fx_init(&t, 0);
  /* DestOpts (next = HbH) then HbH (next = UDP): the second header is an
   * unrecognised Next Header value: Parameter Problem code 1 pointing at
   * the DestOpts header's Next Header field, offset 40 */
  const uint8_t ext[16] = { SIM_IPPROTO_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
                            SIM_IPPROTO_UDP,     0, 1, 4, 0, 0, 0, 0 };
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_DSTOPTS, ext, 16);
  /* deliberately malformed: tshark flags the packet and the quote of it */
  FxPcap p = run_checked(&t, &r, NULL, FALSE);
  int code;
  uint32_t ptr;
  cr_assert_eq(fx_icmp(&p, 1, &code, &ptr), SIM_ICMP6_PARAM_PROBLEM);
  cr_assert_eq(code, 1);
  cr_assert_eq(ptr, 40, "pointer %u", ptr);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_UNKNOWN_NEXT_HEADER), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

/* Destination options with one option of type @type (2 data bytes). */
static void
option_case(uint8_t type, bool multicast, int expect_type, uint32_t expect_ptr, bool delivered)
{
  Fx t;
  fx_init(&t, 0);
  const uint8_t dst[8] = { SIM_IPPROTO_UDP, 0, type, 2, 0xaa, 0xbb, 1, 0 };
  Raw r;
  SimIp6Addr all_nodes = fx_addr("ff02::1");
  /* to h2 directly: a multicast destination is only delivered on-link, so
   * the multicast cases go to the router itself */
  r.len = build(&t, r.bytes, multicast ? &all_nodes : &t.h2a, SIM_IPPROTO_DSTOPTS, dst, 8);
  FxPcap p = run(&t, &r, NULL);
  SimNode *at = multicast ? t.r : t.h2;
  if (expect_type < 0) {
    cr_assert_eq(p.frames->len, 1, "option %#x: no answer expected, %u frames", type,
                 p.frames->len);
  } else {
    int code;
    uint32_t ptr;
    cr_assert_eq(fx_icmp(&p, 1, &code, &ptr), expect_type, "option %#x", type);
    cr_assert_eq(code, 2, "option %#x: code %d", type, code);
    cr_assert_eq(ptr, expect_ptr, "option %#x: pointer %u", type, ptr);
  }
  if (delivered) {
    cr_assert_eq(sim_node_drops(at, SIM_DROP_BAD_OPTION), 0);
  } else {
    cr_assert_eq(sim_node_drops(at, SIM_DROP_BAD_OPTION), 1, "option %#x dropped", type);
  }
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(exthdr, unknown_option_action_00_skips)
{
  option_case(0x1e, false, -1, 0, true);
}

Test(exthdr, unknown_option_action_01_discards_silently)
{
  option_case(0x5e, false, -1, 0, false);
}

Test(exthdr, unknown_option_action_10_answers_even_multicast)
{
  /* pointer: 40 (fixed header) + 2 (next header, length) = the option type */
  option_case(0x9e, false, SIM_ICMP6_PARAM_PROBLEM, 42, false);
  option_case(0x9e, true, SIM_ICMP6_PARAM_PROBLEM, 42, false);
}

Test(exthdr, unknown_option_action_11_not_to_multicast)
{
  option_case(0xde, false, SIM_ICMP6_PARAM_PROBLEM, 42, false);
  option_case(0xde, true, -1, 0, false);
}

Test(exthdr, option_running_past_its_header_is_dropped)
{
  Fx t;
  fx_init(&t, 0);
  /* PadN claiming 10 bytes in an 8-byte header */
  const uint8_t dst[8] = { SIM_IPPROTO_UDP, 0, 1, 10, 0, 0, 0, 0 };
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_DSTOPTS, dst, 8);
  FxPcap p = run(&t, &r, NULL);
  cr_assert_eq(p.frames->len, 1);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_HEADER), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

static void
routing_case(uint8_t type, uint8_t segments_left, bool delivered, bool clean)
{
  Fx t;
  fx_init(&t, 0);
  /* a Routing header with one address (length 2), next UDP; the address is
   * the final destination, which the UDP checksum covers (RFC 8200 §8.1) */
  uint8_t rh[24] = { SIM_IPPROTO_UDP, 2, type, segments_left };
  memcpy(rh + 8, t.h2a.b, 16);
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_ROUTING, rh, 24);
  FxPcap p = run_checked(&t, &r, NULL, clean);
  if (delivered) {
    cr_assert_eq(p.frames->len, 1, "type %u SL %u: delivered without an answer", type,
                 segments_left);
    cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_ROUTING_HEADER), 0);
  } else {
    int code;
    uint32_t ptr;
    cr_assert_eq(fx_icmp(&p, 1, &code, &ptr), SIM_ICMP6_PARAM_PROBLEM);
    cr_assert_eq(code, 0);
    cr_assert_eq(ptr, 42, "pointer at the Routing Type field: %u", ptr);
    cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_ROUTING_HEADER), 1);
  }
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(exthdr, routing_type_0_refused_rfc5095)
{
  /* tshark flags type 0 as deprecated: not clean by design */
  routing_case(0, 1, false, false);
}

Test(exthdr, routing_type_0_with_segments_left_0_ignored_rfc5095)
{
  routing_case(0, 0, true, false);
}

Test(exthdr, unknown_routing_type_rfc8200_4_4)
{
  routing_case(253, 1, false, true);
  routing_case(253, 0, true, true);
}

static void
srh_handler(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h, void *data)
{
  (void)iface;
  int *calls = data;
  (*calls)++;
  cr_assert_eq(h->header_length, 40, "the SRH's offset");
  sim_net_packet_delivered(sim_node_net(sim_ip6_node(ip)), p);
}

Test(exthdr, segment_routing_header_goes_to_its_handler)
{
  Fx t;
  fx_init(&t, 0);
  int calls = 0;
  sim_ip6_set_srh_handler(sim_ip6_of(t.h2), srh_handler, &calls);
  uint8_t rh[24] = { SIM_IPPROTO_UDP, 2, 4, 1 };
  memcpy(rh + 8, t.h2a.b, 16);
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_ROUTING, rh, 24);
  FxPcap p = run(&t, &r, NULL);
  cr_assert_eq(calls, 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(exthdr, unknown_next_header_after_options_points_at_its_field)
{
  Fx t;
  fx_init(&t, 0);
  uint8_t b[128];
  const uint8_t dst[8] = { 253, 0, 1, 4, 0, 0, 0, 0 };
  fx_ip6(&t, b, 16, SIM_IPPROTO_DSTOPTS, &t.h2a);
  memcpy(b + 40, dst, 8);
  memset(b + 48, 0, 8);
  Raw r;
  memcpy(r.bytes, b, 56);
  r.len = 56;
  FxPcap p = run(&t, &r, NULL);
  int code;
  uint32_t ptr;
  cr_assert_eq(fx_icmp(&p, 1, &code, &ptr), SIM_ICMP6_PARAM_PROBLEM);
  cr_assert_eq(code, 1);
  cr_assert_eq(ptr, 40, "pointer %u", ptr);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(exthdr, chain_limit_and_truncation)
{
  Fx t;
  fx_init(&t, 0);
  /* nine Destination Options headers: one more than the default limit */
  uint8_t ext[72];
  for (int i = 0; i < 9; i++) {
    uint8_t h[8] = { i < 8 ? SIM_IPPROTO_DSTOPTS : SIM_IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
    memcpy(ext + 8 * i, h, 8);
  }
  Raw r;
  r.len = build(&t, r.bytes, &t.h2a, SIM_IPPROTO_DSTOPTS, ext, 72);
  FxPcap p = run(&t, &r, NULL);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_EXT_HEADER_LIMIT), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);

  /* a header whose length runs past the packet */
  fx_init(&t, 0);
  uint8_t b[64];
  const uint8_t dst[8] = { SIM_IPPROTO_UDP, 3, 1, 4, 0, 0, 0, 0 }; /* claims 32 bytes */
  fx_ip6(&t, b, 8, SIM_IPPROTO_DSTOPTS, &t.h2a);
  memcpy(b + 40, dst, 8);
  memcpy(r.bytes, b, 48);
  r.len = 48;
  p = fx_capture(&t, send_raw, &r, SIM_MS(5), FALSE);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_HEADER), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}
