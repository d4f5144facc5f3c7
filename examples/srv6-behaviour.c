/* srv6-behaviour.c - a new SRv6 endpoint behaviour from research code.
 *
 * "End.Stamp" is End (RFC 8986 §4.1) that first writes a value into the
 * SRH's Tag field - say, to mark which path or slice a packet took - and
 * counts the packets it stamped. It is one descriptor row (name, what it
 * needs, the flavours it takes, its input function, its own data),
 * registered for the network; SIDs then name it like a built-in one.
 *
 *   h0 -- R1 -- R2 -- R3 -- h1
 *
 * R1 steers h1's address into [R2 End.Stamp, R3 End.DT6]. h0 pings h1
 * five times; the program checks that the five echo replies came back,
 * that R2 stamped five packets, and - reading the capture of the R2-R3
 * link back - that the Tag on the wire is the stamp and Segments Left 0.
 */
#include <ipesim/ipesim.h>

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  uint16_t stamp;
  uint64_t stamped;
} Stamp;

/* The input function: the packet is at a local SID whose row is ours. */
static void
end_stamp(SimSrv6Packet *pk)
{
  Stamp *st = sim_srv6_sid_row(pk->sid)->data;
  if (pk->srh && pk->srh->segments_left > 0) {
    uint8_t *b = sim_packet_data_writable(pk->p);
    b[pk->srh->off + 6] = (uint8_t)(st->stamp >> 8);
    b[pk->srh->off + 7] = (uint8_t)st->stamp;
    st->stamped++;
  }
  sim_srv6_end(pk); /* then End as the RFC says, flavours included */
}

static void
check(gboolean ok, GError *e)
{
  if (!ok) {
    fprintf(stderr, "srv6-behaviour: %s\n", e ? e->message : "failed");
    exit(1);
  }
}

static SimSrv6Sid *
add_sid(SimNode *n, const char *sid, const char *behaviour)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  GError *e = NULL;
  check(sim_ip6_addr_parse(sid, &c.sid.addr, &e), e);
  c.sid.len = 128;
  c.behaviour = behaviour;
  SimSrv6Sid *s = sim_srv6_add_sid(sim_srv6_install(sim_ip6_of(n)), &c, &e);
  check(s != NULL, e);
  return s;
}

int
main(void)
{
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  SimNode *h0 = sim_node_new(net, "h0", FALSE, NULL), *r1 = sim_node_new(net, "R1", TRUE, NULL),
          *r2 = sim_node_new(net, "R2", TRUE, NULL), *r3 = sim_node_new(net, "R3", TRUE, NULL),
          *h1 = sim_node_new(net, "h1", FALSE, NULL);
  SimLinkConfig lc;
  sim_link_config_init(&lc);
  lc.framing = SIM_FRAMING_ETHERNET;
  sim_link_new(net, h0, r1, &lc, NULL, NULL);
  sim_link_new(net, r1, r2, &lc, NULL, NULL);
  SimLink *l23 = sim_link_new(net, r2, r3, &lc, NULL, NULL);
  sim_link_new(net, r3, h1, &lc, NULL, NULL);
  /* addresses and shortest-path routes from the automatic plan; the
   * locators fc00:0:N::/48 routed to their nodes */
  GError *e = NULL;
  SimAddrPlan plan;
  sim_addr_plan_init(&plan);
  check(sim_addr_plan_apply(net, &plan, &e), e);
  SimRoutingConfig rc = { SIM_METRIC_LINK, FALSE, 0 };
  SimRouting *routing = sim_routing_new(net, &rc, NULL, &e);
  check(routing != NULL, e);
  SimNode *routers[] = { r1, r2, r3 };
  for (unsigned i = 0; i < 3; i++) {
    char text[32];
    g_snprintf(text, sizeof text, "fc00:0:%u::/48", i + 1);
    SimSrv6Locator loc = { { { { 0 } }, 48 }, 32, 16, 16, 64 };
    check(sim_ip6_prefix_parse(text, &loc.prefix, FALSE, &e), e);
    check(sim_srv6_add_locator(sim_srv6_install(sim_ip6_of(routers[i])), &loc, &e), e);
    check(sim_routing_add_prefix(routing, &loc.prefix, routers[i]), NULL);
  }

  /* the new behaviour: a row with its own data */
  Stamp stamp = { 0xbeef, 0 };
  SimSrv6Behaviour row = { "End.Stamp", "End that writes the SRH Tag (example)", 0,
                           SIM_SRV6_PSP | SIM_SRV6_USP, end_stamp, &stamp };
  check(sim_srv6_register_behaviour(net, &row, &e), e);
  add_sid(r2, "fc00:0:2::5", "End.Stamp");
  add_sid(r3, "fc00:0:3::d6", "End.DT6");

  /* R1 steers h1 into the path */
  SimSrv6 *sr1 = sim_srv6_of(sim_ip6_of(r1));
  SimSrv6Policy *pol = sim_srv6_policy_new(sr1, "stamped", 0, NULL, NULL, &e);
  check(pol != NULL, e);
  SimIp6Addr segs[2];
  check(sim_ip6_addr_parse("fc00:0:2::5", &segs[0], &e) &&
          sim_ip6_addr_parse("fc00:0:3::d6", &segs[1], &e),
        e);
  check(sim_srv6_policy_add_segment_list(pol, 100, segs, 2, 1, &e), e);
  SimIp6Prefix to_h1 = { *sim_ip6_primary_address(sim_ip6_of(h1)), 128 };
  check(sim_srv6_steer(sr1, SIM_IP6_TABLE_MAIN, &to_h1, NULL, pol, NULL, NULL, &e), e);

  /* capture the R2-R3 link */
  char *dir = g_dir_make_tmp("ipesim-srv6-example-XXXXXX", NULL);
  char *path = g_build_filename(dir, "r2-r3.pcap", NULL);
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_ETHERNET, 256, &e);
  check(w != NULL, e);
  sim_iface_set_pcap(sim_link_end(l23, 0), w);

  SimPingConfig pc = { SIM_MS(1), SIM_MS(1), 5, 56, 0 };
  SimPing *ping = sim_ping_new(net, "p", h0, h1, NULL, &pc, &e);
  check(ping != NULL, e);
  sim_run_until(ctx, SIM_MS(100));
  sim_iface_set_pcap(sim_link_end(l23, 0), NULL);
  check(sim_pcap_writer_close(w, &e), e);

  uint64_t replies = sim_ping_stats(ping)->received;
  printf("srv6-behaviour: %" G_GUINT64_FORMAT " echo replies, %" G_GUINT64_FORMAT
         " packets stamped by End.Stamp at R2\n",
         replies, stamp.stamped);
  /* the first frame on R2-R3: Ethernet, IPv6, SRH with the stamp */
  gchar *bytes = NULL;
  gsize len = 0;
  check(g_file_get_contents(path, &bytes, &len, &e), e);
  const uint8_t *f = (const uint8_t *)bytes + 24 + 16; /* file and record headers */
  int ok = replies == 5 && stamp.stamped == 5 && len >= 24 + 16 + 14 + 48 && f[14 + 6] == 43 &&
           f[14 + 40 + 2] == SIM_SRH_ROUTING_TYPE && f[14 + 40 + 3] == 0 &&
           f[14 + 40 + 6] == 0xbe && f[14 + 40 + 7] == 0xef;
  if (ok)
    printf("srv6-behaviour: on the wire after R2: Segments Left 0, Tag 0x%02x%02x\n",
           f[14 + 40 + 6], f[14 + 40 + 7]);
  g_free(bytes);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  GError *cons = NULL;
  if (!sim_net_check_conservation(net, &cons)) {
    fprintf(stderr, "srv6-behaviour: %s\n", cons->message);
    ok = 0;
  }
  sim_net_free(net);
  sim_context_free(ctx);
  if (!ok) {
    fprintf(stderr, "srv6-behaviour: the stamped path did not behave\n");
    return 1;
  }
  return 0;
}
