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
