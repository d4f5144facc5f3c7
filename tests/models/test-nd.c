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

static void lan_init_ra(Lan *l, int n, const SimSlaacConfig *scfg, bool slaac,
                        const SimRaConfig *rcfg);

static void
lan_init(Lan *l, int n, const SimSlaacConfig *scfg, bool slaac)
{
  lan_init_ra(l, n, scfg, slaac, NULL);
}

/* @rcfg: the router's RA configuration (NULL: intervals 3-10 s, an RDNSS) */
static void
lan_init_ra(Lan *l, int n, const SimSlaacConfig *scfg, bool slaac, const SimRaConfig *rcfg)
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
  if (rcfg)
    ra = *rcfg;
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

/* An ND message built as bytes (for validation clauses), sent out of
 * @out: @hop_limit, ICMPv6 @body of @len bytes. */
static void
send_nd_raw_on(Lan *l, SimIface *out, uint8_t hop_limit, const uint8_t *body, size_t len,
               const SimIp6Addr *src, const SimIp6Addr *dst)
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
  sim_iface_send_ether(out, m, mac);
}

/* The same from h0 to the router. */
static void
send_nd_raw(Lan *l, uint8_t hop_limit, const uint8_t *body, size_t len, const SimIp6Addr *src,
            const SimIp6Addr *dst)
{
  send_nd_raw_on(l, sim_node_iface(l->h[0], 0), hop_limit, body, len, src, dst);
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

static void
put32be(uint8_t *b, uint32_t v)
{
  b[0] = (uint8_t)(v >> 24);
  b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8);
  b[3] = (uint8_t)v;
}

/* A Router Advertisement (router lifetime 0: not a default router) with
 * one Prefix Information option for @prefix/64 (on-link, autonomous).
 * Returns its length (48). */
static size_t
make_ra(uint8_t *b, const char *prefix, uint32_t valid, uint32_t preferred)
{
  memset(b, 0, 48);
  b[0] = 134;
  b[4] = 64;
  uint8_t *o = b + 16;
  o[0] = 3;
  o[1] = 4;
  o[2] = 64;
  o[3] = 0xc0;
  put32be(o + 4, valid);
  put32be(o + 8, preferred);
  SimIp6Addr p = fx_addr(prefix);
  memcpy(o + 16, p.b, 16);
  return 48;
}

/* The address h0 forms from @prefix (modified EUI-64 of its MAC). */
static SimIp6Addr
eui64_address(Lan *l, const char *prefix)
{
  SimIp6Addr a = fx_addr(prefix);
  const uint8_t *mac = sim_iface_mac(sim_node_iface(l->h[0], 0));
  a.b[8] = mac[0] ^ 0x02;
  a.b[9] = mac[1];
  a.b[10] = mac[2];
  a.b[11] = 0xff;
  a.b[12] = 0xfe;
  a.b[13] = mac[3];
  a.b[14] = mac[4];
  a.b[15] = mac[5];
  return a;
}

Test(nd, router_advertisements_failing_validation_are_dropped_rfc4861_6_1_2)
{
  Lan l;
  lan_init(&l, 1, NULL, true);
  sim_run_until(l.ctx, SIM_S(5));
  SimIface *rif = sim_node_iface(l.r, 0);
  SimIp6Addr ll = fx_addr("fe80::99"), global = fx_addr("2001:db8:10::99");
  SimIp6Addr all_nodes = fx_addr("ff02::1");
  uint8_t ra[48];
  uint64_t before = sim_node_drops(l.h[0], SIM_DROP_BAD_ND);
  make_ra(ra, "2001:db8:71::", 3600, 1800);
  send_nd_raw_on(&l, rif, 64, ra, 48, &ll, &all_nodes); /* hop limit not 255 */
  make_ra(ra, "2001:db8:72::", 3600, 1800);
  send_nd_raw_on(&l, rif, 255, ra, 48, &global, &all_nodes); /* not link-local */
  make_ra(ra, "2001:db8:73::", 3600, 1800);
  ra[1] = 1;
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes); /* code not 0 */
  make_ra(ra, "2001:db8:74::", 3600, 1800);
  ra[17] = 0;
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes); /* option length 0 */
  make_ra(ra, "2001:db8:75::", 3600, 1800);
  ra[17] = 5;
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes); /* option past the end */
  send_nd_raw_on(&l, rif, 255, ra, 12, &ll, &all_nodes); /* shorter than 16 bytes */
  /* a Neighbor Advertisement and a Redirect with hop limit 64 */
  uint8_t na[24] = { 136, 0 };
  memcpy(na + 8, global.b, 16);
  send_nd_raw_on(&l, rif, 64, na, 24, &ll, &all_nodes);
  uint8_t redirect[40] = { 137, 0 };
  send_nd_raw_on(&l, rif, 64, redirect, 40, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(6));
  cr_assert_eq(sim_node_drops(l.h[0], SIM_DROP_BAD_ND) - before, 8, "bad_nd drops %" PRIu64,
               sim_node_drops(l.h[0], SIM_DROP_BAD_ND) - before);
  /* none of their prefixes was used */
  SimIp6 *ih = sim_ip6_of(l.h[0]);
  const char *prefixes[] = { "2001:db8:71::", "2001:db8:72::", "2001:db8:73::",
                             "2001:db8:74::", "2001:db8:75::" };
  for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
    SimIp6Addr a = eui64_address(&l, prefixes[i]);
    cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_NONE, "%s", prefixes[i]);
  }
  /* the control: the same RA, valid, configures an address */
  make_ra(ra, "2001:db8:76::", 3600, 1800);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(8));
  SimIp6Addr a = eui64_address(&l, "2001:db8:76::");
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_PREFERRED);
  lan_free(&l);
}

Test(nd, prefix_information_rules_rfc4862_5_5_3)
{
  Lan l;
  lan_init(&l, 1, NULL, true);
  sim_run_until(l.ctx, SIM_S(5));
  SimIface *rif = sim_node_iface(l.r, 0);
  SimIp6Addr ll = fx_addr("fe80::99"), all_nodes = fx_addr("ff02::1");
  SimIp6 *ih = sim_ip6_of(l.h[0]);
  uint8_t ra[48];
  /* (b) a link-local prefix, (c) preferred > valid, (d) not a /64, and
   * the autonomous flag clear: no address; all valid RAs */
  make_ra(ra, "fe80::", 3600, 1800);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  make_ra(ra, "2001:db8:81::", 1800, 3600);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  make_ra(ra, "2001:db8:82::", 3600, 1800);
  ra[18] = 56;
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  make_ra(ra, "2001:db8:83::", 3600, 1800);
  ra[19] = 0x80;
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(7));
  cr_assert_eq(sim_node_drops(l.h[0], SIM_DROP_BAD_ND), 0);
  const char *none[] = { "2001:db8:81::", "2001:db8:82::", "2001:db8:83::" };
  for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
    SimIp6Addr a = eui64_address(&l, none[i]);
    cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_NONE, "%s", none[i]);
  }
  /* the on-link-only prefix is a route, not an address */
  gboolean local = FALSE;
  SimIp6Addr onlink = fx_addr("2001:db8:83::5");
  cr_assert_eq(sim_ip6_route_lookup(ih, &onlink, 0, &local), sim_node_iface(l.h[0], 0));
  /* (e) lifetimes: a prefix valid 1 h, preferred 60 s */
  make_ra(ra, "2001:db8:84::", 3600, 60);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(9));
  SimIp6Addr a = eui64_address(&l, "2001:db8:84::");
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_PREFERRED);
  /* a refresh to valid 60 s, preferred 30 s: the preferred lifetime is
   * taken; the valid one is not, since it is below two hours and below the
   * remaining hour (an unauthenticated RA cannot cut it short) */
  make_ra(ra, "2001:db8:84::", 60, 30);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(40));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_DEPRECATED,
               "preferred lifetime refreshed to 30 s and ended");
  sim_run_until(l.ctx, SIM_S(100));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_DEPRECATED,
               "the two-hour rule keeps the valid lifetime");
  /* valid lifetime 0 is ignored likewise; a long one is taken */
  make_ra(ra, "2001:db8:84::", 0, 0);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(101));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_DEPRECATED);
  make_ra(ra, "2001:db8:84::", 7300, 7300);
  send_nd_raw_on(&l, rif, 255, ra, 48, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(102));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_PREFERRED, "preferred again");
  lan_free(&l);
}

Test(nd, lifetimes_expire_without_advertisements_rfc4862_5_5_4)
{
  /* lifetimes: router 30 s, prefix valid 40 s, preferred 20 s; the
   * router's link goes down at 5 s so no RA refreshes them */
  SimRaConfig ra;
  sim_ra_config_init(&ra);
  ra.min_interval = SIM_S(3);
  ra.max_interval = SIM_S(4);
  ra.router_lifetime_s = 30;
  ra.valid_lifetime_s = 40;
  ra.preferred_lifetime_s = 20;
  Lan l;
  lan_init_ra(&l, 1, NULL, true, &ra);
  sim_link_schedule_state(sim_iface_link(sim_node_iface(l.r, 0)), SIM_S(5), FALSE);
  SimIp6 *ih = sim_ip6_of(l.h[0]);
  gboolean local;
  sim_run_until(l.ctx, SIM_S(19));
  SimIp6Addr a = eui64_address(&l, "2001:db8:10::");
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_PREFERRED);
  cr_assert_not_null(sim_ip6_route_lookup(ih, &l.server, 0, &local), "default route");
  sim_run_until(l.ctx, SIM_S(26));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_DEPRECATED);
  cr_assert(sim_ip6_addr_equal(sim_ip6_primary_address(ih), &a),
            "a deprecated address is still used when there is no other");
  cr_assert_not_null(sim_ip6_route_lookup(ih, &l.server, 0, &local), "default route");
  sim_run_until(l.ctx, SIM_S(36));
  cr_assert_null(sim_ip6_route_lookup(ih, &l.server, 0, &local),
                 "the default router's lifetime ended");
  SimIp6Addr peer = fx_addr("2001:db8:10::77");
  cr_assert_not_null(sim_ip6_route_lookup(ih, &peer, 0, &local), "the prefix is still on-link");
  sim_run_until(l.ctx, SIM_S(46));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_NONE, "invalid: removed");
  cr_assert_null(sim_ip6_primary_address(ih));
  cr_assert_null(sim_ip6_route_lookup(ih, &peer, 0, &local), "the prefix left the list");
  lan_free(&l);
}

/* Counts Neighbor Advertisements from @target in the frames of @path, with
 * and without the Override flag. */
static void
count_na(const char *path, const SimIp6Addr *target, int *with_o, int *without_o)
{
  FxPcap p = fx_pcap_read(path);
  *with_o = *without_o = 0;
  for (guint i = 0; i < p.frames->len; i++) {
    size_t len;
    const uint8_t *f = fx_frame(&p, i, &len);
    if (len < 14 + 40 + 24 || f[12] != 0x86 || f[13] != 0xdd || f[14 + 6] != 58)
      continue;
    const uint8_t *icmp = f + 14 + 40;
    if (icmp[0] != 136 || memcmp(icmp + 8, target->b, 16) != 0)
      continue;
    if (icmp[4] & 0x20)
      (*with_o)++;
    else
      (*without_o)++;
  }
  fx_pcap_clear(&p);
}

Test(nd, optimistic_addresses_are_used_during_dad_rfc4429)
{
  SimSlaacConfig sc;
  sim_slaac_config_init(&sc);
  sc.optimistic = TRUE;
  Lan l;
  lan_init(&l, 1, &sc, true);
  char *dir = g_dir_make_tmp("ipesim-nd-XXXXXX", NULL);
  char *path = g_build_filename(dir, "h0.pcap", NULL);
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_ETHERNET, 65535, NULL);
  sim_iface_set_pcap(sim_node_iface(l.h[0], 0), w);
  SimIp6 *ih = sim_ip6_of(l.h[0]);
  while (sim_slaac_first_global(ih) == SIM_TIME_INVALID && sim_now(l.ctx) < SIM_S(5))
    sim_run_until(l.ctx, sim_now(l.ctx) + SIM_MS(1));
  SimTime t = sim_slaac_first_global(ih);
  cr_assert_neq(t, SIM_TIME_INVALID);
  SimIp6Addr a = eui64_address(&l, "2001:db8:10::");
  /* §3.1: usable at once, while DAD runs */
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_OPTIMISTIC);
  cr_assert(sim_ip6_addr_equal(sim_ip6_primary_address(ih), &a));
  SimPingConfig pc = { t + SIM_MS(1), SIM_MS(10), 3, 56 };
  SimPing *pg = sim_ping_new(l.net, "p", l.h[0], l.s, &l.server, &pc, NULL);
  cr_assert_not_null(pg);
  sim_run_until(l.ctx, t + SIM_MS(500));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_OPTIMISTIC, "DAD still running");
  cr_assert_eq(sim_ping_stats(pg)->received, 3, "echo replies to an optimistic address: %" PRIu64,
               sim_ping_stats(pg)->received);
  sim_run_until(l.ctx, t + SIM_MS(1500));
  cr_assert_eq(sim_ip6_address_state(ih, &a), SIM_IP6_ADDR_PREFERRED, "DAD done");
  cr_assert_eq(sim_slaac_first_global(ih), t, "usable from the start");
  sim_iface_set_pcap(sim_node_iface(l.h[0], 0), NULL);
  cr_assert(sim_pcap_writer_close(w, NULL));
  /* §3.3: the router resolved the optimistic address; the answer did not
   * carry the Override flag */
  int with_o, without_o;
  count_na(path, &a, &with_o, &without_o);
  cr_assert_eq(without_o, 1, "NAs without O: %d", without_o);
  cr_assert_eq(with_o, 0, "NAs with O: %d", with_o);
  fx_tshark_clean(path);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  lan_free(&l);
}

Test(nd, optimistic_duplicate_is_detected_rfc4429_3_3)
{
  /* h1 has h0's MAC: its optimistic addresses clash with h0's; h0
   * answers h1's DAD probes and h1 gives the addresses up */
  SimSlaacConfig sc;
  sim_slaac_config_init(&sc);
  sc.optimistic = TRUE;
  Lan l;
  lan_init(&l, 2, NULL, false);
  sim_iface_set_mac(sim_node_iface(l.h[1], 0), sim_iface_mac(sim_node_iface(l.h[0], 0)));
  cr_assert(sim_slaac_enable(sim_ip6_of(l.h[0]), sim_node_iface(l.h[0], 0), &sc, NULL));
  sim_run_until(l.ctx, SIM_S(10));
  cr_assert(sim_slaac_enable(sim_ip6_of(l.h[1]), sim_node_iface(l.h[1], 0), &sc, NULL));
  sim_run_until(l.ctx, SIM_S(20));
  SimIp6Addr a = eui64_address(&l, "2001:db8:10::");
  cr_assert_eq(sim_ip6_address_state(sim_ip6_of(l.h[0]), &a), SIM_IP6_ADDR_PREFERRED);
  cr_assert_eq(sim_ip6_address_state(sim_ip6_of(l.h[1]), &a), SIM_IP6_ADDR_DUPLICATE);
  cr_assert_geq(sim_nd_stats(sim_nd_of(sim_ip6_of(l.h[1])))->dad_failures, 2,
                "link-local and global");
  cr_assert_null(sim_ip6_primary_address(sim_ip6_of(l.h[1])));
  lan_free(&l);
}

Test(nd, mtu_option_sets_the_link_mtu_rfc4861_6_3_4)
{
  /* an advertised MTU within [1280, the link's MTU] is taken; one above
   * what the link carries is ignored */
  SimRaConfig ra;
  sim_ra_config_init(&ra);
  ra.min_interval = SIM_S(3);
  ra.max_interval = SIM_S(4);
  ra.mtu = 1400;
  Lan l;
  lan_init_ra(&l, 1, NULL, true, &ra);
  SimIface *hif = sim_node_iface(l.h[0], 0);
  cr_assert_eq(sim_iface_mtu(hif), 1500);
  sim_run_until(l.ctx, SIM_S(5));
  cr_assert_eq(sim_iface_mtu(hif), 1400, "MTU %u", sim_iface_mtu(hif));
  /* a datagram larger than 1400 bytes to the server leaves h0 in fragments */
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.start = SIM_S(5);
  tc.max_packets = 1;
  tc.pps = 10;
  tc.size = 1450;
  SimFlow *f = sim_flow_new(l.net, "big", l.h[0], l.s, &l.server, &tc, NULL);
  cr_assert_not_null(f);
  sim_run_until(l.ctx, SIM_S(6));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 1);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(l.h[0]))->fragmented, 1, "1498 bytes in a 1400-byte MTU");
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(l.s))->reassembled, 1);
  SimIface *rif = sim_node_iface(l.r, 0);
  SimIp6Addr ll = fx_addr("fe80::99"), all_nodes = fx_addr("ff02::1");
  uint8_t m[24] = { 134, 0 };
  m[4] = 64;
  m[16] = 5; /* MTU option: 9000 on a 1500-byte link */
  m[17] = 1;
  put32be(m + 20, 9000);
  send_nd_raw_on(&l, rif, 255, m, 24, &ll, &all_nodes);
  sim_run_until(l.ctx, SIM_S(7));
  cr_assert_eq(sim_iface_mtu(hif), 1400);
  lan_free(&l);
}
