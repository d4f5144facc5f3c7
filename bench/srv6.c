/* bench/srv6 - the cost of SRv6 processing per hop against plain IPv6
 * forwarding, in one run on the same machine.
 *
 *   bench/srv6 [--routers K] [--packets N] [--size B] [--repeat R] [--only SETUP]
 *
 * A chain h0 - R0 - R1 - ... - R(K-1) - h1 (raw IPv6 framing, 100 Gbit/s,
 * 1 us links, addresses and shortest-path routes from the automatic
 * plan) carries N UDP datagrams from h0 to h1 in each of these set-ups:
 *   plain   no SRv6: every router forwards (hop limit, FIB lookup)
 *   end     R0 encapsulates (H.Encaps) with the segments R1 .. R(K-2)
 *           End and R(K-1) End.DT6: every router processes a SID
 *   end.x   the same with End.X SIDs (adjacency, no FIB lookup)
 *   headend R0 encapsulates with the single segment R(K-1) End.DT6: the
 *           routers in between forward the outer packet
 *   usid    R0 puts one NEXT-C-SID container (up to 5 routers) in the
 *           destination, no SRH: R1 .. shift the argument
 * and prints, per set-up, the wall time of the run loop at K routers,
 * packet-hops per second, the ratio of its time per hop to plain
 * forwarding over the whole path (headend and decapsulation included),
 * and the marginal time of one more router (from K to 2K routers: one
 * End, End.X or transit hop) with its ratio to a plain forwarding hop:
 *   setup S packets N hops H seconds T hops_per_s X path_ratio P hop_ns Q hop_ratio R
 * The best of R repetitions is kept (the machine is shared and noisy).
 */
#include "config.h"

#include "bench-util.h"
#include "ipesim.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { SETUP_PLAIN, SETUP_END, SETUP_ENDX, SETUP_HEADEND, SETUP_USID, SETUP_N } Setup;
static const char *const setup_names[] = { "plain", "end", "end.x", "headend", "usid" };

typedef struct {
  unsigned routers;
  uint64_t packets;
  uint32_t size;
} Opts;

/* fc00:0:K:F:: (a locator fc00:0:K::/48 and function F), or with @usid
 * fcbb:bb00:K:: */
static SimIp6Addr
sid_addr(bool usid, unsigned k, unsigned fn)
{
  SimIp6Addr a = { { 0 } };
  a.b[0] = 0xfc;
  a.b[1] = usid ? 0xbb : 0x00;
  a.b[2] = usid ? 0xbb : 0x00;
  a.b[4] = (uint8_t)(k >> 8);
  a.b[5] = (uint8_t)k;
  a.b[6] = (uint8_t)(fn >> 8);
  a.b[7] = (uint8_t)fn;
  return a;
}

static void
check(gboolean ok, GError *e)
{
  if (!ok)
    g_error("%s", e ? e->message : "failed");
}

/* Runs one set-up; returns the run loop's wall time and the packet-hops. */
static double
run(Setup setup, const Opts *o, uint64_t *hops, uint64_t *delivered)
{
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  unsigned K = o->routers;
  SimNode *h0 = sim_node_new(net, "h0", FALSE, NULL);
  SimNode **r = g_new(SimNode *, K);
  for (unsigned i = 0; i < K; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "R%u", i);
    r[i] = sim_node_new(net, name, TRUE, NULL);
  }
  SimNode *h1 = sim_node_new(net, "h1", FALSE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = UINT64_C(100000000000);
  c.delay = SIM_US(1);
  c.framing = SIM_FRAMING_NONE;
  c.mtu = 9000;
  sim_link_new(net, h0, r[0], &c, NULL, NULL);
  for (unsigned i = 0; i + 1 < K; i++)
    sim_link_new(net, r[i], r[i + 1], &c, NULL, NULL);
  sim_link_new(net, r[K - 1], h1, &c, NULL, NULL);
  SimAddrPlan plan;
  sim_addr_plan_init(&plan);
  GError *e = NULL;
  check(sim_addr_plan_apply(net, &plan, &e), e);
  SimRoutingConfig rc = { SIM_METRIC_LINK, FALSE, 0 };
  SimRouting *routing = sim_routing_new(net, &rc, NULL, &e);
  check(routing != NULL, e);
  if (setup != SETUP_PLAIN) {
    SimSrv6 **sr = g_new(SimSrv6 *, K);
    for (unsigned i = 0; i < K; i++) {
      sr[i] = sim_srv6_install(sim_ip6_of(r[i]));
      SimSrv6Locator loc = { { sid_addr(false, i + 1, 0), 48 }, 32, 16, 16, 64 };
      check(sim_srv6_add_locator(sr[i], &loc, &e), e);
      check(sim_routing_add_prefix(routing, &loc.prefix, r[i]), NULL);
      SimIp6Prefix ub = { sid_addr(true, i + 1, 0), 48 };
      check(sim_routing_add_prefix(routing, &ub, r[i]), NULL);
      SimSrv6SidConfig sc;
      sim_srv6_sid_config_init(&sc);
      sc.sid.addr = sid_addr(false, i + 1, 1);
      sc.sid.len = 64;
      sc.behaviour = "End";
      check(sim_srv6_add_sid(sr[i], &sc, &e) != NULL, e);
      if (i + 1 < K) {
        sc.sid.addr = sid_addr(false, i + 1, 2);
        sc.behaviour = "End.X";
        sc.out = sim_node_iface(r[i], 1); /* towards R(i+1) */
        check(sim_srv6_add_sid(sr[i], &sc, &e) != NULL, e);
        sc.out = NULL;
      }
      sc.sid.addr = sid_addr(true, i + 1, 0);
      sc.sid.len = 48;
      sc.behaviour = "End";
      sc.flavours = SIM_SRV6_NEXT_CSID;
      sc.lbl = 32;
      sc.lnfl = 16;
      check(sim_srv6_add_sid(sr[i], &sc, &e) != NULL, e);
      sc.flavours = 0;
      sc.lbl = sc.lnfl = 0;
      sc.sid.addr = sid_addr(false, i + 1, 0xd6);
      sc.sid.len = 64;
      sc.behaviour = "End.DT6";
      check(sim_srv6_add_sid(sr[i], &sc, &e) != NULL, e);
    }
    SimIp6Addr segs[SIM_SRH_MAX_SEGMENTS];
    unsigned n = 0;
    SimSrv6HeadendConfig hc;
    sim_srv6_headend_config_init(&hc);
    if (setup == SETUP_END || setup == SETUP_ENDX) {
      for (unsigned i = 1; i + 1 < K; i++)
        segs[n++] = sid_addr(false, i + 1, setup == SETUP_END ? 1 : 2);
      segs[n++] = sid_addr(false, K, 0xd6);
    } else if (setup == SETUP_HEADEND) {
      segs[n++] = sid_addr(false, K, 0xd6);
    } else {
      /* one container: up to 5 routers' uSIDs, then the last router's
       * End.DT6 as a full SID after it */
      char buf[128] = "fcbb:bb00";
      unsigned used = 0;
      for (unsigned i = 1; i + 1 < K && used < 5; i++, used++)
        g_snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ":%x", i + 1);
      g_strlcat(buf, used < 6 ? "::" : "", sizeof buf);
      check(sim_ip6_addr_parse(buf, &segs[n++], &e), e);
      segs[n++] = sid_addr(false, K, 0xd6);
      hc.mode = SIM_SRV6_H_ENCAPS_RED;
    }
    SimSrv6Policy *pol = sim_srv6_policy_new(sr[0], "p", 0, NULL, &hc, &e);
    check(pol != NULL, e);
    check(sim_srv6_policy_add_segment_list(pol, 100, segs, n, 1, &e), e);
    SimIp6Prefix dst = { *sim_ip6_primary_address(sim_ip6_of(h1)), 128 };
    check(sim_srv6_steer(sr[0], 0, &dst, NULL, pol, NULL, NULL, &e), e);
    g_free(sr);
  }
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 1e6;
  tc.size = o->size;
  tc.max_packets = o->packets;
  SimFlow *f = sim_flow_new(net, "f", h0, h1, NULL, &tc, &e);
  check(f != NULL, e);
  double t0 = bench_wall_seconds();
  sim_run(ctx);
  double t = bench_wall_seconds() - t0;
  *delivered = sim_flow_stats(f)->rx_packets;
  *hops = *delivered * (uint64_t)(K + 1);
  sim_net_free(net);
  sim_context_free(ctx);
  g_free(r);
  return t;
}

int
main(int argc, char **argv)
{
  Opts o = { 8, 200000, 100 };
  int repeat = 3;
  int only = -1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--routers") && i + 1 < argc)
      o.routers = (unsigned)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--packets") && i + 1 < argc)
      o.packets = (uint64_t)g_ascii_strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--size") && i + 1 < argc)
      o.size = (uint32_t)atoi(argv[++i]);
    else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
      const char *w = argv[++i];
      for (int s = 0; s < SETUP_N; s++)
        if (!strcmp(w, setup_names[s]))
          only = s;
      if (only < 0) {
        fprintf(stderr, "--only: one of plain, end, end.x, headend, usid\n");
        return 2;
      }
    }
    else {
      fprintf(stderr, "usage: %s [--routers K] [--packets N] [--size B] [--repeat R] [--only SETUP]\n",
              argv[0]);
      return 2;
    }
  }
  if (o.routers < 3 || o.routers > 60 || repeat < 1) {
    fprintf(stderr, "need 3 <= routers <= 60 (the run doubles them) and repeat >= 1\n");
    return 2;
  }
  /* per set-up: the whole path at K routers, and the marginal cost of a
   * router from K to 2K routers (the headend's and the decapsulation's
   * work cancel out: what is left is one End / End.X / uSID hop) */
  double plain_path = 0, plain_hop = 0;
  for (int s = 0; s < SETUP_N; s++) {
    if (only >= 0 && s != only && s != SETUP_PLAIN)
      continue;
    double best[2] = { 1e30, 1e30 };
    uint64_t hops[2] = { 0, 0 }, delivered = 0;
    for (int size = 0; size < 2; size++) {
      Opts oo = o;
      oo.routers = o.routers * (unsigned)(size + 1);
      for (int k = 0; k < repeat; k++) {
        double t = run((Setup)s, &oo, &hops[size], &delivered);
        if (t < best[size])
          best[size] = t;
      }
      if (delivered != o.packets) {
        fprintf(stderr, "%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " packets delivered\n",
                setup_names[s], delivered, o.packets);
        return 1;
      }
    }
    double path = best[0] / (double)hops[0];
    double hop = (best[1] - best[0]) / (double)(hops[1] - hops[0]);
    if (s == SETUP_PLAIN) {
      plain_path = path;
      plain_hop = hop;
    }
    printf("setup %s packets %" G_GUINT64_FORMAT " hops %" G_GUINT64_FORMAT
           " seconds %.4f hops_per_s %.0f path_ratio %.3f hop_ns %.1f hop_ratio %.3f\n",
           setup_names[s], o.packets, hops[0], best[0], (double)hops[0] / best[0],
           path / plain_path, hop * 1e9, hop / plain_hop);
  }
  return 0;
}
