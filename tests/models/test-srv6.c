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
