/* test-srv6.c - SRv6 data plane end to end on the five-node topology of
 * the Linux captures (srv6-fixture.h). */
#include "srv6-fixture.h"

static SimPing *
ping_ab(Sx *t, int count, uint8_t hop_limit)
{
  (void)hop_limit;
  SimPingConfig pc = { SIM_MS(1), SIM_MS(10), (uint64_t)count, 8 };
  SimIp6Addr hb = fx_addr("2001:db8:5::b");
  SimPing *pg = sim_ping_new(t->net, "p", t->n[SX_HA], t->n[SX_HB], &hb, &pc, NULL);
  cr_assert_not_null(pg);
  return pg;
}

/* RFC 8986 §5.1 H.Encaps, §4.1 End, §4.6 End.DT6: the default policies */
Test(srv6, h_encaps_end_end_dt6_round_trip)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  sx_policy(&t, SX_R3, "to-a", "2001:db8:1::/64", "fc00:0:2::1, fc00:0:1::d6", NULL);
  SimPing *pg = ping_ab(&t, 3, 64);
  sim_run_until(t.ctx, SIM_MS(100));
  cr_assert_eq(sim_ping_stats(pg)->received, 3, "replies %" PRIu64, sim_ping_stats(pg)->received);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, 6);
  size_t len;
  const uint8_t *r = sx_ip6(&l2, 0, &len);
  /* outer: ff::1 > fc00:0:2::1, SRH NH 41 SL 1 LE 1 (fc00:0:3::d6, fc00:0:2::1) */
  cr_assert_eq(len, 40 + 40 + 40 + 16);
  cr_assert_eq(r[6], 43);
  cr_assert_eq(r[7], 64, "RFC mode: the outer hop limit is the headend's default");
  SimIp6Addr a;
  memcpy(a.b, r + 8, 16);
  sx_assert_addr(a, "2001:db8:ff::1");
  a = sx_dst(r);
  sx_assert_addr(a, "fc00:0:2::1");
  cr_assert_eq(r[40], 41);
  cr_assert_eq(r[41], 4);
  cr_assert_eq(r[42], 4);
  cr_assert_eq(r[43], 1, "Segments Left");
  cr_assert_eq(r[44], 1, "Last Entry");
  memcpy(a.b, r + 48, 16);
  sx_assert_addr(a, "fc00:0:3::d6");
  memcpy(a.b, r + 64, 16);
  sx_assert_addr(a, "fc00:0:2::1");
  cr_assert_eq(r[80 + 7], 63, "RFC 8986 §5.1 S05: the inner hop limit is decremented");
  fx_pcap_clear(&l2);
  FxPcap l3 = sx_frames(&t, SX_L3);
  r = sx_ip6(&l3, 0, NULL);
  a = sx_dst(r);
  sx_assert_addr(a, "fc00:0:3::d6");
  cr_assert_eq(r[43], 0);
  cr_assert_eq(r[7], 63, "End decrements the hop limit");
  fx_pcap_clear(&l3);
  FxPcap l5 = sx_frames(&t, SX_L5);
  r = sx_ip6(&l5, 0, &len);
  cr_assert_eq(len, 40 + 16, "decapsulated");
  cr_assert_eq(r[7], 63);
  fx_pcap_clear(&l5);
  const SimSrv6Sid *end = sim_srv6_sid_lookup(t.sr[SX_R2], &a);
  (void)end;
  sx_free(&t);
}

/* RFC 2473 §7.1 with RFC 8200 §4.5: the headend fragments the outer packet
 * after the SRH (the SRH is processed on the way: it belongs to the
 * unfragmentable part); the decapsulating SID reassembles first */
Test(srv6, fragmented_tunnel_packets_are_reassembled_at_the_sid)
{
  Sx t;
  sx_init(&t, true);
  sim_iface_set_mtu(sim_link_end(t.l[SX_L2], 0), 1280);
  sx_default_sids(&t);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.size = 1180; /* inner 1228 bytes: under 1280, too big once encapsulated */
  tc.max_packets = 3;
  tc.pps = 100;
  tc.start = SIM_MS(1);
  SimIp6Addr hb = fx_addr("2001:db8:5::b");
  SimFlow *f = sim_flow_new(t.net, "f", t.n[SX_HA], t.n[SX_HB], &hb, &tc, NULL);
  cr_assert_not_null(f);
  sim_run_until(t.ctx, SIM_MS(100));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 3, "delivered %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.n[SX_R1]))->fragmented, 3);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, 6, "two fragments per packet: %u frames", l2.frames->len);
  size_t len;
  const uint8_t *r = sx_ip6(&l2, 0, &len);
  cr_assert_eq(r[6], 43, "the SRH first");
  cr_assert_eq(r[40], 44, "then the Fragment header (SRH Next Header %u)", r[40]);
  cr_assert_eq(r[80], 41, "fragmenting the inner packet");
  cr_assert_leq(len, 1280);
  fx_pcap_clear(&l2);
  FxPcap l5 = sx_frames(&t, SX_L5);
  cr_assert_eq(l5.frames->len, 3, "whole inner packets on L5: %u", l5.frames->len);
  fx_pcap_clear(&l5);
  sx_free(&t);
}

/* steering rules with a classifier only: flows no rule takes follow the
 * routes underneath the steering prefix */
Test(srv6, unmatched_flows_follow_the_routes)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  SimSrv6Policy *pol = sim_srv6_policy_new(t.sr[SX_R1], "x", 0, NULL, NULL, NULL);
  SimIp6Addr segs[] = { fx_addr("fc00:0:2::1"), fx_addr("fc00:0:3::d6") };
  cr_assert(sim_srv6_policy_add_segment_list(pol, 100, segs, 2, 1, NULL));
  SimSrv6Match m;
  sim_srv6_match_init(&m);
  m.protocol = SIM_IPPROTO_UDP;
  m.dport_min = m.dport_max = 5000;
  SimIp6Prefix p = { fx_addr("2001:db8:5::b"), 128 };
  GError *e = NULL;
  cr_assert(sim_srv6_steer(t.sr[SX_R1], 0, &p, &m, pol, NULL, NULL, &e), "%s",
            e ? e->message : "");
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 5;
  tc.pps = 1000;
  tc.size = 100;
  SimIp6Addr hb = fx_addr("2001:db8:5::b");
  tc.port = 5000;
  SimFlow *steered = sim_flow_new(t.net, "steered", t.n[SX_HA], t.n[SX_HB], &hb, &tc, NULL);
  tc.port = 6000;
  SimFlow *plain = sim_flow_new(t.net, "plain", t.n[SX_HA], t.n[SX_HB], &hb, &tc, NULL);
  cr_assert(steered && plain);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(steered)->rx_packets, 5);
  cr_assert_eq(sim_flow_stats(plain)->rx_packets, 5, "the unmatched flow: %" PRIu64,
               sim_flow_stats(plain)->rx_packets);
  cr_assert_eq(sim_srv6_policy_counters(pol)->packets, 5);
  FxPcap l2 = sx_frames(&t, SX_L2);
  unsigned encapsulated = 0;
  for (guint i = 0; i < l2.frames->len; i++)
    encapsulated += sx_ip6(&l2, i, NULL)[6] == 43;
  cr_assert_eq(encapsulated, 5, "%u of %u frames encapsulated", encapsulated, l2.frames->len);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* A node remembers its recent SID lookups, exactly: once a route replaces
 * R2's End SID fc00:0:2::1/128 (the table changes), the next packets to
 * it are routed on towards R3 unchanged, not processed as End (R3 routes
 * them back: they bounce until their hop limit runs out). Three echo
 * requests before the change, three after. */
Test(srv6, sid_lookups_follow_table_changes)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  sx_policy(&t, SX_R3, "to-a", "2001:db8:1::/64", "fc00:0:2::1, fc00:0:1::d6", NULL);
  SimPingConfig pc = { SIM_MS(1), SIM_MS(10), 6, 8 };
  SimIp6Addr hb = fx_addr("2001:db8:5::b");
  SimPing *pg = sim_ping_new(t.net, "p", t.n[SX_HA], t.n[SX_HB], &hb, &pc, NULL);
  cr_assert_not_null(pg);
  sim_run_until(t.ctx, SIM_MS(25));
  SimIp6Addr sid = fx_addr("fc00:0:2::1");
  const SimSrv6Sid *end = sim_srv6_sid_lookup(t.sr[SX_R2], &sid);
  cr_assert_not_null(end);
  /* 3 requests and 3 replies through R2's End */
  cr_assert_eq(sim_srv6_sid_counters(end)->packets, 6, "End packets %" PRIu64,
               sim_srv6_sid_counters(end)->packets);
  sx_route(&t, SX_R2, "fc00:0:2::1/128", SX_L3, 0, "2001:db8:3::3");
  sim_run_until(t.ctx, SIM_MS(100));
  cr_assert_eq(sim_srv6_sid_counters(end)->packets, 6, "End packets after the change %" PRIu64,
               sim_srv6_sid_counters(end)->packets);
  cr_assert_eq(sim_ping_stats(pg)->received, 3, "replies %" PRIu64, sim_ping_stats(pg)->received);
  FxPcap l3 = sx_frames(&t, SX_L3);
  guint routed = 0;
  for (guint i = 0; i < l3.frames->len; i++) {
    const uint8_t *r = sx_ip6(&l3, i, NULL);
    SimIp6Addr d = sx_dst(r);
    if (sim_ip6_addr_equal(&d, &sid) && r[43] == 1)
      routed++; /* Segments Left still 1: R2 did not process it */
  }
  cr_assert_geq(routed, 3, "requests routed past R2 unchanged: %u", routed);
  uint64_t hl = sim_node_drops(t.n[SX_R2], SIM_DROP_HOP_LIMIT) +
                sim_node_drops(t.n[SX_R3], SIM_DROP_HOP_LIMIT);
  cr_assert_eq(hl, 3, "the three requests end as hop_limit at R2/R3: %" PRIu64, hl);
  fx_pcap_clear(&l3);
  sx_free(&t);
}
