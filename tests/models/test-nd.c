/* test-nd.c - switched Ethernet, Neighbor Discovery (RFC 4861) and SLAAC
 * (RFC 4862), with real frames. */
#include "fixture.h"
#include "nd.h"

/* A LAN: router r (eth0 on the switch, 2001:db8:10::1/64), hosts h0..hN-1
 * on switch sw; r also reaches a server s over a point-to-point link. */
typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *r, *sw, *s;
  SimNode *h[8];
  int n;
  SimIp6Addr server;
} Lan;

static void
lan_init(Lan *l, int n, const SimSlaacConfig *scfg, bool slaac)
{
  l->ctx = sim_context_new(NULL);
  l->net = sim_net_new(l->ctx);
  l->n = n;
  l->r = sim_node_new(l->net, "r", TRUE, NULL);
  l->sw = sim_switch_new(l->net, "sw", NULL);
  l->s = sim_node_new(l->net, "s", FALSE, NULL);
  SimLinkConfig eth;
  sim_link_config_init(&eth);
  eth.rate_bps = UINT64_C(1000000000);
  eth.delay = SIM_NS(500);
  eth.framing = SIM_FRAMING_ETHERNET;
  SimLink *up = sim_link_new(l->net, l->r, l->sw, &eth, "r-sw", NULL);
  cr_assert_not_null(up);
  for (int i = 0; i < n; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "h%d", i);
    l->h[i] = sim_node_new(l->net, name, FALSE, NULL);
    cr_assert_not_null(sim_link_new(l->net, l->h[i], l->sw, &eth, NULL, NULL));
  }
  SimLinkConfig p2p;
  sim_link_config_init(&p2p);
  SimLink *wan = sim_link_new(l->net, l->r, l->s, &p2p, "r-s", NULL);
  SimIp6 *ir = sim_ip6_install(l->r), *is = sim_ip6_install(l->s);
  SimIp6Addr a = fx_addr("2001:db8:10::1");
  cr_assert(sim_ip6_add_address(ir, sim_link_end(up, 0), &a, 64, NULL));
  a = fx_addr("2001:db8:99::1");
  cr_assert(sim_ip6_add_address(ir, sim_link_end(wan, 0), &a, 64, NULL));
  l->server = fx_addr("2001:db8:99::2");
  cr_assert(sim_ip6_add_address(is, sim_link_end(wan, 1), &l->server, 64, NULL));
  SimIp6Prefix def = { { { 0 } }, 0 };
  SimIface *o = sim_link_end(wan, 1);
  cr_assert(sim_ip6_route_add(is, &def, &o, 1, NULL));
  SimRaConfig ra;
  sim_ra_config_init(&ra);
  ra.min_interval = SIM_S(3);
  ra.max_interval = SIM_S(10);
  ra.n_rdnss = 1;
  ra.rdnss[0] = fx_addr("2001:db8:99::53");
  cr_assert(sim_nd_advertise(ir, sim_link_end(up, 0), &ra, NULL));
  for (int i = 0; i < n; i++) {
    SimIp6 *ih = sim_ip6_install(l->h[i]);
    if (slaac)
      cr_assert(sim_slaac_enable(ih, sim_node_iface(l->h[i], 0), scfg, NULL));
  }
}

static void
lan_free(Lan *l)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(l->net, &error), "%s", error ? error->message : "");
  sim_net_free(l->net);
  sim_context_free(l->ctx);
}

Test(nd, slaac_configures_hosts_from_router_advertisements)
{
  Lan l;
  lan_init(&l, 4, NULL, true);
  sim_run_until(l.ctx, SIM_S(10));
  for (int i = 0; i < l.n; i++) {
    SimIp6 *ih = sim_ip6_of(l.h[i]);
    const SimIp6Addr *g = sim_ip6_primary_address(ih);
    cr_assert_not_null(g, "h%d has no global address", i);
    SimIp6Prefix p = { fx_addr("2001:db8:10::"), 64 };
    cr_assert(sim_ip6_prefix_contains(&p, g), "h%d: address not from the advertised prefix", i);
    /* modified EUI-64 of 02:00:00:NN:00:00 */
    cr_assert_eq(g->b[8], 0x00, "U/L bit flipped");
    cr_assert_eq(g->b[11], 0xff);
    cr_assert_eq(g->b[12], 0xfe);
    SimTime t = sim_slaac_first_global(ih);
    cr_assert(t > 0 && t < SIM_S(10), "h%d: first global at %" PRId64, i, t);
    cr_assert_eq(sim_slaac_n_dns(ih), 1, "RDNSS learned");
  }
  lan_free(&l);
}

Test(nd, hosts_reach_each_other_and_beyond_the_router)
{
  Lan l;
  lan_init(&l, 3, NULL, true);
  sim_run_until(l.ctx, SIM_S(10));
  SimPingConfig pc = { SIM_S(10), SIM_MS(100), 5, 56 };
  SimPing *local = sim_ping_new(l.net, "local", l.h[0], l.h[1], NULL, &pc, NULL);
  SimPing *remote = sim_ping_new(l.net, "remote", l.h[2], l.s, &l.server, &pc, NULL);
  cr_assert(local && remote);
  sim_run_until(l.ctx, SIM_S(12));
  cr_assert_eq(sim_ping_stats(local)->received, 5, "on-link neighbour: %" PRIu64,
               sim_ping_stats(local)->received);
  cr_assert_eq(sim_ping_stats(remote)->received, 5, "through the default router: %" PRIu64,
               sim_ping_stats(remote)->received);
  SimNd *nd = sim_nd_of(sim_ip6_of(l.h[0]));
  cr_assert_gt(sim_nd_stats(nd)->ns_sent, 0);
  cr_assert_gt(sim_nd_stats(nd)->na_received, 0);
  /* the resolved neighbour is h1 */
  SimNdState st;
  uint8_t mac[6];
  cr_assert(sim_nd_lookup(sim_ip6_of(l.h[0]), sim_node_iface(l.h[0], 0),
                          sim_ip6_primary_address(sim_ip6_of(l.h[1])), &st, mac));
  cr_assert(memcmp(mac, sim_iface_mac(sim_node_iface(l.h[1], 0)), 6) == 0);
  lan_free(&l);
}

Test(nd, unresolvable_neighbour_gives_address_unreachable)
{
  Lan l;
  lan_init(&l, 1, NULL, true);
  sim_run_until(l.ctx, SIM_S(10));
  /* a datagram from the server to an address on the LAN nobody has */
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.start = SIM_S(10);
  tc.max_packets = 5;
  tc.pps = 100;
  SimIp6Addr ghost = fx_addr("2001:db8:10::dead");
  SimFlow *f = sim_flow_new(l.net, "ghost", l.s, l.h[0], &ghost, &tc, NULL);
  cr_assert_not_null(f);
  sim_run_until(l.ctx, SIM_S(20));
  /* 3 wait in the queue and get Destination Unreachable (address), 2
   * overflow it */
  cr_assert_eq(sim_node_drops(l.r, SIM_DROP_ADDRESS_UNREACHABLE), 3);
  cr_assert_eq(sim_node_drops(l.r, SIM_DROP_ND_QUEUE_FULL), 2);
  cr_assert_eq(sim_flow_drops(f), 5);
  cr_assert_eq(sim_nd_stats(sim_nd_of(sim_ip6_of(l.r)))->resolution_failures, 1);
  lan_free(&l);
}

Test(nd, duplicate_address_detection_finds_a_clash)
{
  /* two hosts with the same MAC form the same EUI-64 addresses: the
   * second to probe sees the first's answer */
  Lan l;
  lan_init(&l, 2, NULL, false);
  sim_iface_set_mac(sim_node_iface(l.h[1], 0), sim_iface_mac(sim_node_iface(l.h[0], 0)));
  SimSlaacConfig sc;
  sim_slaac_config_init(&sc);
  cr_assert(sim_slaac_enable(sim_ip6_of(l.h[0]), sim_node_iface(l.h[0], 0), &sc, NULL));
  sim_run_until(l.ctx, SIM_S(10));
  cr_assert(sim_slaac_enable(sim_ip6_of(l.h[1]), sim_node_iface(l.h[1], 0), &sc, NULL));
  sim_run_until(l.ctx, SIM_S(20));
  cr_assert_gt(sim_nd_stats(sim_nd_of(sim_ip6_of(l.h[1])))->dad_failures, 0);
  cr_assert_null(sim_ip6_primary_address(sim_ip6_of(l.h[1])), "the duplicate is not used");
  cr_assert_not_null(sim_ip6_primary_address(sim_ip6_of(l.h[0])));
  lan_free(&l);
}

Test(nd, stable_identifiers_rfc7217)
{
  SimSlaacConfig sc;
  sim_slaac_config_init(&sc);
  sc.iid = SIM_IID_STABLE;
  sc.secret = 42;
  Lan a, b;
  lan_init(&a, 1, &sc, true);
  lan_init(&b, 1, &sc, true);
  sim_run_until(a.ctx, SIM_S(10));
  sim_run_until(b.ctx, SIM_S(10));
  const SimIp6Addr *x = sim_ip6_primary_address(sim_ip6_of(a.h[0]));
  const SimIp6Addr *y = sim_ip6_primary_address(sim_ip6_of(b.h[0]));
  cr_assert(x && y);
  cr_assert(sim_ip6_addr_equal(x, y), "stable: the same in both runs");
  cr_assert(!(x->b[11] == 0xff && x->b[12] == 0xfe), "not an EUI-64 identifier");
  lan_free(&a);
  lan_free(&b);
}

Test(nd, frames_decode_cleanly_with_every_nd_message)
{
  Lan l;
  lan_init(&l, 2, NULL, true);
  char *dir = g_dir_make_tmp("ipesim-nd-XXXXXX", NULL);
  char *path = g_build_filename(dir, "h0.pcap", NULL);
  SimIface *ifc = sim_node_iface(l.h[0], 0);
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_ETHERNET, 65535, NULL);
  sim_iface_set_pcap(ifc, w);
  sim_run_until(l.ctx, SIM_S(5));
  /* the ping's addresses exist once autoconfiguration is done */
  SimPingConfig pc = { SIM_S(5), SIM_MS(100), 3, 56 };
  cr_assert_not_null(sim_ping_new(l.net, "p", l.h[0], l.h[1], NULL, &pc, NULL));
  sim_run_until(l.ctx, SIM_S(8));
  sim_iface_set_pcap(ifc, NULL);
  cr_assert(sim_pcap_writer_close(w, NULL));
  fx_tshark_clean(path);
  const char *tshark = g_getenv("TSHARK");
  if (tshark && *tshark) {
    const char *argv[] = { tshark, "-n", "-r", path, "-T", "fields", "-e", "icmpv6.type", NULL };
    gchar *out = NULL;
    gint status;
    cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                           NULL, &status, NULL));
    /* RA 134, NS 135, NA 136, echo 128/129 on the wire (no RS: the
     * router's first RA comes within 0.5 s, before the host solicits) */
    for (int t = 134; t <= 136; t++) {
      char want[8];
      g_snprintf(want, sizeof want, "%d\n", t);
      cr_assert(strstr(out, want) != NULL, "no ICMPv6 type %d in:\n%s", t, out);
    }
    cr_assert(strstr(out, "129\n") != NULL, "no echo reply");
    g_free(out);
  }
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  lan_free(&l);
}

Test(nd, redirect_to_a_better_first_hop_rfc4861_8)
{
  /* h, r1 (the advertised default router) and r2 on one switch; the
   * server s2 is behind r2. r1 routes s2's prefix via r2 on the same
   * link: it forwards h's first packet back out and redirects h to r2. */
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  SimNode *r1 = sim_node_new(net, "r1", TRUE, NULL), *r2 = sim_node_new(net, "r2", TRUE, NULL);
  SimNode *sw = sim_switch_new(net, "sw", NULL), *h = sim_node_new(net, "h", FALSE, NULL);
  SimNode *s2 = sim_node_new(net, "s2", FALSE, NULL);
  SimLinkConfig eth;
  sim_link_config_init(&eth);
  eth.framing = SIM_FRAMING_ETHERNET;
  SimLink *l1 = sim_link_new(net, r1, sw, &eth, NULL, NULL);
  SimLink *l2 = sim_link_new(net, r2, sw, &eth, NULL, NULL);
  sim_link_new(net, h, sw, &eth, NULL, NULL);
  SimLinkConfig p2p;
  sim_link_config_init(&p2p);
  SimLink *l3 = sim_link_new(net, r2, s2, &p2p, NULL, NULL);
  SimIp6 *i1 = sim_ip6_install(r1), *i2 = sim_ip6_install(r2), *ih = sim_ip6_install(h),
         *is = sim_ip6_install(s2);
  SimIp6Addr a = fx_addr("2001:db8:10::1");
  sim_ip6_add_address(i1, sim_link_end(l1, 0), &a, 64, NULL);
  SimIp6Addr r2ll = fx_addr("fe80::2");
  sim_ip6_add_address(i2, sim_link_end(l2, 0), &r2ll, 64, NULL);
  a = fx_addr("2001:db8:10::2");
  sim_ip6_add_address(i2, sim_link_end(l2, 0), &a, 64, NULL);
  a = fx_addr("2001:db8:20::1");
  sim_ip6_add_address(i2, sim_link_end(l3, 0), &a, 64, NULL);
  SimIp6Addr server = fx_addr("2001:db8:20::2");
  sim_ip6_add_address(is, sim_link_end(l3, 1), &server, 64, NULL);
  SimIp6Prefix def = { { { 0 } }, 0 }, far = { fx_addr("2001:db8:20::"), 64 };
  SimIface *o = sim_link_end(l3, 1);
  sim_ip6_route_add(is, &def, &o, 1, NULL);
  o = sim_link_end(l1, 0);
  sim_ip6_route_add_via(i1, &far, &o, &r2ll, 1, NULL);
  o = sim_link_end(l2, 0);
  SimIp6Addr lan_gw = fx_addr("2001:db8:10::1");
  sim_ip6_route_add_via(i2, &def, &o, &lan_gw, 1, NULL);
  SimRaConfig ra;
  sim_ra_config_init(&ra);
  cr_assert(sim_nd_advertise(i1, sim_link_end(l1, 0), &ra, NULL));
  cr_assert(sim_slaac_enable(ih, sim_node_iface(h, 0), NULL, NULL));
  sim_run_until(ctx, SIM_S(5));
  SimPingConfig pc = { SIM_S(5), SIM_MS(10), 10, 56 };
  SimPing *pg = sim_ping_new(net, "p", h, s2, &server, &pc, NULL);
  cr_assert_not_null(pg);
  sim_run_until(ctx, SIM_S(6));
  cr_assert_eq(sim_ping_stats(pg)->received, 10);
  cr_assert_eq(sim_nd_stats(sim_nd_of(i1))->redirects_sent, 1, "one redirect: %" PRIu64,
               sim_nd_stats(sim_nd_of(i1))->redirects_sent);
  cr_assert_eq(sim_nd_stats(sim_nd_of(ih))->redirects_received, 1);
  cr_assert_eq(sim_ip6_stats(i1)->forwarded, 1, "only the first went through r1: %" PRIu64,
               sim_ip6_stats(i1)->forwarded);
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(net, &error));
  sim_net_free(net);
  sim_context_free(ctx);
}

/* An ND message from h0 to the router built as bytes (for validation
 * clauses): @hop_limit, ICMPv6 @body of @len bytes. */
static void
send_nd_raw(Lan *l, uint8_t hop_limit, const uint8_t *body, size_t len, const SimIp6Addr *src,
            const SimIp6Addr *dst)
{
  SimPacket *m = sim_packet_new(sim_net_pool(l->net), SIM_PACKET_DEFAULT_HEADROOM, len, 0);
  uint8_t *w = sim_packet_data_writable(m);
  memcpy(w, body, len);
  uint16_t ck = sim_ip6_upper_checksum(m, src, dst, SIM_IPPROTO_ICMPV6);
  w[2] = (uint8_t)(ck >> 8);
  w[3] = (uint8_t)ck;
  SimIp6Header h = { 0, 0, (uint16_t)len, SIM_IPPROTO_ICMPV6, hop_limit, *src, *dst, 0, 0, 0, 0 };
  sim_ip6_header_write(sim_packet_push(m, 40), &h);
  sim_net_packet_created(l->net, m);
  uint8_t mac[6];
  sim_ether_multicast_mac(dst->b, mac);
  sim_iface_send_ether(sim_node_iface(l->h[0], 0), m, mac);
}

Test(nd, messages_failing_validation_are_dropped_rfc4861_6_1_7_1)
{
  Lan l;
  lan_init(&l, 1, NULL, true);
  sim_run_until(l.ctx, SIM_S(5));
  SimIp6Addr src = *sim_ip6_primary_address(sim_ip6_of(l.h[0]));
  SimIp6Addr rtr = fx_addr("2001:db8:10::1"), group, all_routers = fx_addr("ff02::2");
  sim_ip6_solicited_node(&rtr, &group);
  uint8_t ns[32] = { 135, 0 };
  memcpy(ns + 8, rtr.b, 16);
  ns[24] = 1;
  ns[25] = 1;
  memcpy(ns + 26, sim_iface_mac(sim_node_iface(l.h[0], 0)), 6);
  uint64_t before = sim_node_drops(l.r, SIM_DROP_BAD_ND);
  send_nd_raw(&l, 64, ns, 32, &src, &group); /* hop limit not 255 */
  uint8_t zero_opt[32];
  memcpy(zero_opt, ns, 32);
  zero_opt[25] = 0; /* option length 0 */
  send_nd_raw(&l, 255, zero_opt, 32, &src, &group);
  uint8_t long_opt[32];
  memcpy(long_opt, ns, 32);
  long_opt[25] = 3; /* runs past the message */
  send_nd_raw(&l, 255, long_opt, 32, &src, &group);
  uint8_t mcast_target[32];
  memcpy(mcast_target, ns, 32);
  memcpy(mcast_target + 8, group.b, 16); /* multicast target */
  send_nd_raw(&l, 255, mcast_target, 32, &src, &group);
  uint8_t rs_code[16] = { 133, 1 }; /* code not 0 */
  send_nd_raw(&l, 255, rs_code, 8, &src, &all_routers);
  SimIp6Addr unspecified = { { 0 } };
  send_nd_raw(&l, 255, ns, 32, &unspecified, &group); /* DAD probe with an SLLA */
  sim_run_until(l.ctx, SIM_S(6));
  cr_assert_eq(sim_node_drops(l.r, SIM_DROP_BAD_ND) - before, 6, "bad_nd drops %" PRIu64,
               sim_node_drops(l.r, SIM_DROP_BAD_ND) - before);
  lan_free(&l);
}

Test(nd, neighbour_unreachability_detection_states)
{
  Lan l;
  lan_init(&l, 2, NULL, true);
  sim_run_until(l.ctx, SIM_S(5));
  SimIp6 *i0 = sim_ip6_of(l.h[0]);
  SimIface *if0 = sim_node_iface(l.h[0], 0);
  const SimIp6Addr *peer = sim_ip6_primary_address(sim_ip6_of(l.h[1]));
  SimPingConfig pc = { SIM_S(5), SIM_MS(10), 1, 56 };
  sim_ping_new(l.net, "p1", l.h[0], l.h[1], NULL, &pc, NULL);
  sim_run_until(l.ctx, SIM_MS(5100));
  SimNdState st;
  cr_assert(sim_nd_lookup(i0, if0, peer, &st, NULL));
  cr_assert_eq(st, SIM_ND_REACHABLE, "after a solicited NA: %d", st);
  /* ReachableTime is at most 1.5 x 30 s */
  sim_run_until(l.ctx, SIM_S(55));
  cr_assert(sim_nd_lookup(i0, if0, peer, &st, NULL));
  cr_assert_eq(st, SIM_ND_STALE, "after ReachableTime: %d", st);
  /* sending moves it to DELAY, then PROBE after 5 s; the answer to the
   * probe makes it REACHABLE again */
  pc.start = SIM_S(56);
  sim_ping_new(l.net, "p2", l.h[0], l.h[1], NULL, &pc, NULL);
  sim_run_until(l.ctx, SIM_MS(56050));
  cr_assert(sim_nd_lookup(i0, if0, peer, &st, NULL));
  cr_assert_eq(st, SIM_ND_DELAY, "after sending to a stale entry: %d", st);
  sim_run_until(l.ctx, SIM_MS(61500));
  cr_assert(sim_nd_lookup(i0, if0, peer, &st, NULL));
  cr_assert_eq(st, SIM_ND_REACHABLE, "after probing: %d", st);
  lan_free(&l);
}
