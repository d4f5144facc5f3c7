/* test-frag.c - fragmentation, reassembly and path MTU discovery
 * (RFC 8200 §4.5 and §5, RFC 5722, RFC 6946, RFC 7112, RFC 8201). */
#include "fixture.h"

#define FRAG_LEN 8

/* Fragment of a UDP datagram from h1 to h2: @data is the whole
 * fragmentable part (UDP header + payload), @off and @len select the
 * piece, @more the M flag. */
static size_t
fragment(Fx *t, uint8_t *b, const uint8_t *data, size_t off, size_t len, bool more, uint32_t id)
{
  fx_ip6(t, b, FRAG_LEN + len, SIM_IPPROTO_FRAGMENT, &t->h2a);
  uint8_t *f = b + 40;
  uint16_t offm = (uint16_t)((off & 0xfff8) | (more ? 1 : 0));
  f[0] = SIM_IPPROTO_UDP;
  f[1] = 0;
  f[2] = (uint8_t)(offm >> 8);
  f[3] = (uint8_t)offm;
  f[4] = (uint8_t)(id >> 24);
  f[5] = (uint8_t)(id >> 16);
  f[6] = (uint8_t)(id >> 8);
  f[7] = (uint8_t)id;
  memcpy(b + 48, data + off, len);
  return 48 + len;
}

typedef struct {
  uint8_t data[4096]; /* the UDP datagram */
  size_t data_len;
  struct {
    size_t off, len;
    bool more;
  } pieces[8];
  int n;
  uint32_t id;
} Plan;

static void
send_plan(Fx *t, void *arg)
{
  Plan *pl = arg;
  for (int i = 0; i < pl->n; i++) {
    uint8_t b[4096];
    size_t n = fragment(t, b, pl->data, pl->pieces[i].off, pl->pieces[i].len, pl->pieces[i].more,
                        pl->id);
    fx_inject(t, b, n);
  }
}

static SimFlow *
sink(Fx *t)
{
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.start = SIM_S(100000);
  return sim_flow_new(t->net, "sink", t->h1, t->h2, &t->h2a, &tc, NULL);
}

static void
plan_init(Fx *t, Plan *pl, size_t payload)
{
  memset(pl, 0, sizeof *pl);
  pl->data_len = fx_udp(pl->data, payload, &t->h1a, &t->h2a);
  pl->id = 0x1234;
}

static void
plan_add(Plan *pl, size_t off, size_t len, bool more)
{
  pl->pieces[pl->n].off = off;
  pl->pieces[pl->n].len = len;
  pl->pieces[pl->n].more = more;
  pl->n++;
}

Test(frag, out_of_order_fragments_reassemble)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 1000); /* 1008 bytes of UDP */
  plan_add(&pl, 800, 208, false);
  plan_add(&pl, 400, 400, true);
  plan_add(&pl, 0, 400, true);
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), TRUE);
  cr_assert_eq(p.frames->len, 3, "no error expected: %u frames", p.frames->len);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->reassembled, 1);
  /* 3 fragments: the datagram delivered by the sink, 2 merged into it */
  cr_assert_eq(sim_net_counters(t.net)->delivered, 3);
  cr_assert_eq(sim_net_counters(t.net)->dropped, 0);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(frag, overlap_discards_the_datagram_rfc5722)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 0, 400, true);
  plan_add(&pl, 392, 400, true); /* overlaps the first by 8 bytes */
  plan_add(&pl, 792, 216, false); /* arrives after the overlap: dropped too */
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), FALSE);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_FRAGMENT_OVERLAP), 3);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->reassembled, 0);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(frag, exact_duplicate_is_dropped_alone)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 0, 504, true);
  plan_add(&pl, 0, 504, true);
  plan_add(&pl, 504, 504, false);
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), TRUE);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_DUPLICATE_FRAGMENT), 1);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->reassembled, 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(frag, timeout_answers_time_exceeded_code_1_with_first_fragment)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 0, 504, true); /* the rest never comes */
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_S(61), TRUE);
  cr_assert_eq(p.frames->len, 2);
  int code;
  cr_assert_eq(fx_icmp(&p, 1, &code, NULL), SIM_ICMP6_TIME_EXCEEDED);
  cr_assert_eq(code, 1, "fragment reassembly time exceeded");
  uint64_t sent = g_array_index(p.ts_ns, uint64_t, 0), err = g_array_index(p.ts_ns, uint64_t, 1);
  cr_assert(err - sent > UINT64_C(60000000000) && err - sent < UINT64_C(60001000000),
            "answered %" PRIu64 " ns after", err - sent);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_REASSEMBLY_TIMEOUT), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);

  /* without the first fragment: dropped, no answer */
  fx_init(&t, 0);
  sink(&t);
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 504, 504, false);
  p = fx_capture(&t, send_plan, &pl, SIM_S(61), TRUE);
  cr_assert_eq(p.frames->len, 1);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_REASSEMBLY_TIMEOUT), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(frag, bad_length_and_offset_answer_parameter_problem)
{
  /* a non-last fragment whose length is not a multiple of 8: pointer at
   * the Payload Length field (4) */
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 0, 500, true);
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), FALSE);
  int code;
  uint32_t ptr;
  cr_assert_eq(fx_icmp(&p, 1, &code, &ptr), SIM_ICMP6_PARAM_PROBLEM);
  cr_assert_eq(code, 0);
  cr_assert_eq(ptr, 4, "pointer %u", ptr);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_FRAGMENT), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);

  /* a fragment that would end beyond 65535 bytes: pointer at the
   * Fragment Offset field (40 + 2) */
  fx_init(&t, 0);
  sink(&t);
  uint8_t data[200] = { 0 };
  uint8_t b[400];
  size_t n = fragment(&t, b, data, 0, 104, false, 7);
  b[42] = 0xff; /* offset 65528 */
  b[43] = 0xf8;
  fx_inject(&t, b, n);
  sim_run_until(t.ctx, sim_now(t.ctx) + SIM_MS(5));
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_FRAGMENT), 1);
  fx_check_and_free(&t);
}

Test(frag, first_fragment_without_header_chain_rfc7112)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  /* the first fragment carries the start of a Destination Options header
   * that continues in the next fragment: the upper-layer header is not in
   * the first fragment */
  uint8_t b[128];
  fx_ip6(&t, b, FRAG_LEN + 8, SIM_IPPROTO_FRAGMENT, &t.h2a);
  uint8_t f[8] = { SIM_IPPROTO_DSTOPTS, 0, 0, 1, 0, 0, 0, 9 };
  memcpy(b + 40, f, 8);
  uint8_t dst[8] = { SIM_IPPROTO_UDP, 1, 1, 4, 0, 0, 0, 0 }; /* claims 16 bytes, has 8 */
  memcpy(b + 48, dst, 8);
  fx_inject(&t, b, 56);
  sim_run_until(t.ctx, sim_now(t.ctx) + SIM_MS(5));
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_INCOMPLETE_CHAIN), 1);
  fx_check_and_free(&t);
}

Test(frag, atomic_fragment_is_a_whole_packet_rfc6946)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  Plan pl;
  plan_init(&t, &pl, 100);
  plan_add(&pl, 0, pl.data_len, false);
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), TRUE);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->atomic_fragments, 1);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->reassembled, 0);
  cr_assert_eq(sim_net_counters(t.net)->delivered, 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

Test(frag, reassembly_memory_is_bounded)
{
  Fx t;
  fx_init(&t, 0);
  sink(&t);
  sim_ip6_set_reassembly_limit(sim_ip6_of(t.h2), 1000);
  Plan pl;
  plan_init(&t, &pl, 1000);
  plan_add(&pl, 0, 504, true);  /* 552 bytes held */
  plan_add(&pl, 504, 408, true); /* 456 more would make 1008: refused */
  FxPcap p = fx_capture(&t, send_plan, &pl, SIM_MS(5), TRUE);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_REASSEMBLY_MEMORY), 1);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}

/* ---- the source side ---------------------------------------------------------------- */

Test(frag, source_fragments_to_the_link_mtu_and_destination_reassembles)
{
  Fx t;
  fx_init(&t, 0);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.size = 3000; /* 3048 bytes of IPv6 payload: 3 fragments at MTU 1500 */
  tc.max_packets = 5;
  SimFlow *f = sim_flow_new(t.net, "big", t.h1, t.h2, &t.h2a, &tc, NULL);
  sim_run_until(t.ctx, SIM_MS(20));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 5);
  cr_assert_eq(sim_flow_stats(f)->rx_bytes, 15000);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h1))->fragmented, 5);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.h2))->reassembled, 5);
  cr_assert_eq(sim_iface_stats(sim_link_end(t.l1, 0))->tx_packets, 15);
  fx_check_and_free(&t);
}

static void
send_big(Fx *t, void *data)
{
  (void)data;
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.size = 1400;
  tc.max_packets = 3;
  tc.pps = 1000;
  cr_assert_not_null(sim_flow_new(t->net, "big", t->h1, t->h2, &t->h2a, &tc, NULL));
}

Test(frag, packet_too_big_teaches_the_path_mtu_rfc8201)
{
  /* l2 has MTU 1280: the first 1448-byte datagram is refused by the
   * router with Packet Too Big; h1 then fragments to 1280 */
  Fx t;
  fx_init(&t, 1280);
  FxPcap p = fx_capture(&t, send_big, NULL, SIM_MS(10), TRUE);
  SimFlow *f = sim_net_find_flow(t.net, "big");
  cr_assert_eq(sim_flow_stats(f)->tx_packets, 3);
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 2, "the first is lost, the others arrive");
  cr_assert_eq(sim_flow_drops(f), 1);
  int code;
  uint32_t mtu;
  cr_assert_eq(fx_icmp(&p, 1, &code, &mtu), SIM_ICMP6_PACKET_TOO_BIG);
  cr_assert_eq(mtu, 1280);
  SimIp6 *ip = sim_ip6_of(t.h1);
  cr_assert_eq(sim_ip6_path_mtu(ip, &t.h2a, 1500), 1280);
  cr_assert_eq(sim_ip6_stats(ip)->fragmented, 2);
  for (guint i = 2; i < p.frames->len; i++) {
    size_t len;
    fx_frame(&p, i, &len);
    cr_assert_leq(len, 1280, "frame %u is %zu bytes", i, len);
  }
  fx_pcap_clear(&p);
  /* RFC 8201 §4-5: the entry ages out after 10 minutes */
  sim_run_until(t.ctx, sim_now(t.ctx) + SIM_S(601));
  cr_assert_eq(sim_ip6_path_mtu(ip, &t.h2a, 1500), 1500);
  fx_check_and_free(&t);
}

static void
ptb_below_minimum(Fx *t, void *data)
{
  (void)data;
  /* a Packet Too Big to h1 claiming MTU 1000, quoting a packet h1 sent */
  uint8_t quote[48];
  fx_udp(quote + 40, 0, &t->h1a, &t->h2a);
  fx_ip6(t, quote, 8, SIM_IPPROTO_UDP, &t->h2a);
  SimPacket *m = sim_packet_new(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM, 8 + 48, 0);
  uint8_t *w = sim_packet_data_writable(m);
  memset(w, 0, 8);
  w[0] = SIM_ICMP6_PACKET_TOO_BIG;
  w[6] = 1000 >> 8;
  w[7] = 1000 & 0xff;
  memcpy(w + 8, quote, 48);
  uint16_t ck = sim_ip6_upper_checksum(m, &t->ra1, &t->h1a, SIM_IPPROTO_ICMPV6);
  w[2] = (uint8_t)(ck >> 8);
  w[3] = (uint8_t)ck;
  sim_net_packet_created(t->net, m);
  sim_ip6_output(sim_ip6_of(t->r), m, &t->ra1, &t->h1a, SIM_IPPROTO_ICMPV6, NULL);
}

Test(frag, path_mtu_never_below_1280)
{
  Fx t;
  fx_init(&t, 0);
  FxPcap p = fx_capture(&t, ptb_below_minimum, NULL, SIM_MS(5), TRUE);
  cr_assert_eq(sim_ip6_path_mtu(sim_ip6_of(t.h1), &t.h2a, 1500), 1280);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}
