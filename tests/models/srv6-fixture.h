/* srv6-fixture.h - the five-node SRv6 topology of the Linux reference
 * captures, built in C, with packet capture on every link.
 *
 *   hA --L1-- R1 --L2-- R2 --L3-- R3 --L5-- hB
 *                         \--L4--/
 *
 * Link Lk is 2001:db8:k::/64, node N's address on it ::N (hA ::a, hB ::b);
 * loopbacks 2001:db8:ff::N; locators fc00:0:N::/48; static routes as in
 * the captures (L4 is used only by End.X). Every link is captured into a
 * pcap file read back by sx_frames().
 */
#ifndef IPESIM_TESTS_SRV6_FIXTURE_H
#define IPESIM_TESTS_SRV6_FIXTURE_H

#include "fixture.h"
#include "srv6.h"

enum { SX_HA, SX_R1, SX_R2, SX_R3, SX_HB, SX_N };
enum { SX_L1, SX_L2, SX_L3, SX_L4, SX_L5, SX_NL };

typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *n[SX_N];
  SimLink *l[SX_NL];
  SimSrv6 *sr[SX_N];
  char *dir;
  SimPcapWriter *w[SX_NL];
  char *path[SX_NL];
} Sx;

static inline void
sx_route(Sx *t, int node, const char *prefix, int link, int end, const char *gw)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(prefix, &p, FALSE, NULL), "%s", prefix);
  SimIface *o = sim_link_end(t->l[link], (unsigned)end);
  SimIp6Addr g = fx_addr(gw);
  GError *e = NULL;
  cr_assert(sim_ip6_route_add_via(sim_ip6_of(t->n[node]), &p, &o, &g, 1, &e), "%s",
            e ? e->message : "");
}

static inline void
sx_addr(Sx *t, int node, int link, int end, const char *a)
{
  SimIp6Addr x = fx_addr(a);
  GError *e = NULL;
  cr_assert(sim_ip6_add_address(sim_ip6_of(t->n[node]),
                                t->l[link] ? sim_link_end(t->l[link], (unsigned)end) : NULL, &x,
                                t->l[link] ? 64 : 128, &e),
            "%s", e ? e->message : "");
}

static inline void
sx_loopback(Sx *t, int node, const char *a)
{
  SimIp6Addr x = fx_addr(a);
  cr_assert(sim_ip6_add_address(sim_ip6_of(t->n[node]), NULL, &x, 128, NULL));
}

/* @capture: write pcap files of every link */
static inline void
sx_init(Sx *t, bool capture)
{
  memset(t, 0, sizeof *t);
  t->ctx = sim_context_new(NULL);
  t->net = sim_net_new(t->ctx);
  const char *names[] = { "hA", "R1", "R2", "R3", "hB" };
  for (int i = 0; i < SX_N; i++)
    t->n[i] = sim_node_new(t->net, names[i], i != SX_HA && i != SX_HB, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = UINT64_C(1000000000);
  c.delay = SIM_US(10);
  c.framing = SIM_FRAMING_ETHERNET;
  const int ends[SX_NL][2] = { { SX_HA, SX_R1 }, { SX_R1, SX_R2 }, { SX_R2, SX_R3 },
                               { SX_R2, SX_R3 }, { SX_R3, SX_HB } };
  const char *lnames[] = { "L1", "L2", "L3", "L4", "L5" };
  for (int k = 0; k < SX_NL; k++)
    t->l[k] = sim_link_new(t->net, t->n[ends[k][0]], t->n[ends[k][1]], &c, lnames[k], NULL);
  for (int i = 0; i < SX_N; i++)
    sim_ip6_install(t->n[i]);
  const char *tag[] = { "a", "1", "2", "3", "b" };
  for (int k = 0; k < SX_NL; k++)
    for (int e = 0; e < 2; e++) {
      char a[48];
      g_snprintf(a, sizeof a, "2001:db8:%d::%s", k + 1, tag[ends[k][e]]);
      sx_addr(t, ends[k][e], k, e, a);
    }
  sx_loopback(t, SX_R1, "2001:db8:ff::1");
  sx_loopback(t, SX_R2, "2001:db8:ff::2");
  sx_loopback(t, SX_R3, "2001:db8:ff::3");
  /* hosts: default routes */
  sx_route(t, SX_HA, "::/0", SX_L1, 0, "2001:db8:1::1");
  sx_route(t, SX_HB, "::/0", SX_L5, 1, "2001:db8:5::3");
  /* R1 */
  sx_route(t, SX_R1, "2001:db8:3::/64", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "2001:db8:4::/64", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "2001:db8:5::/64", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "2001:db8:ff::2/128", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "2001:db8:ff::3/128", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "fc00:0:2::/48", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "fc00:0:3::/48", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "fcbb:bb00:2::/48", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R1, "fcbb:bb00:3::/48", SX_L2, 0, "2001:db8:2::2");
  /* R2 */
  sx_route(t, SX_R2, "2001:db8:1::/64", SX_L2, 1, "2001:db8:2::1");
  sx_route(t, SX_R2, "2001:db8:5::/64", SX_L3, 0, "2001:db8:3::3");
  sx_route(t, SX_R2, "2001:db8:ff::1/128", SX_L2, 1, "2001:db8:2::1");
  sx_route(t, SX_R2, "2001:db8:ff::3/128", SX_L3, 0, "2001:db8:3::3");
  sx_route(t, SX_R2, "fc00:0:1::/48", SX_L2, 1, "2001:db8:2::1");
  sx_route(t, SX_R2, "fc00:0:3::/48", SX_L3, 0, "2001:db8:3::3");
  sx_route(t, SX_R2, "fcbb:bb00:1::/48", SX_L2, 1, "2001:db8:2::1");
  sx_route(t, SX_R2, "fcbb:bb00:3::/48", SX_L3, 0, "2001:db8:3::3");
  /* R3 */
  sx_route(t, SX_R3, "2001:db8:2::/64", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "2001:db8:ff::1/128", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "2001:db8:ff::2/128", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "fc00:0:1::/48", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "fc00:0:2::/48", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "fcbb:bb00:1::/48", SX_L3, 1, "2001:db8:3::2");
  sx_route(t, SX_R3, "fcbb:bb00:2::/48", SX_L3, 1, "2001:db8:3::2");
  for (int i = SX_R1; i <= SX_R3; i++)
    t->sr[i] = sim_srv6_install(sim_ip6_of(t->n[i]));
  if (capture) {
    t->dir = g_dir_make_tmp("ipesim-srv6-XXXXXX", NULL);
    for (int k = 0; k < SX_NL; k++) {
      t->path[k] = g_strdup_printf("%s/%s.pcap", t->dir, lnames[k]);
      t->w[k] = sim_pcap_writer_open(t->path[k], SIM_PCAP_LINK_ETHERNET, 65535, NULL);
      cr_assert_not_null(t->w[k]);
      sim_iface_set_pcap(sim_link_end(t->l[k], 0), t->w[k]);
    }
  }
}

static inline SimSrv6Sid *
sx_sid(Sx *t, int node, const char *sid, unsigned len, const char *behaviour, unsigned flavours)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = fx_addr(sid);
  c.sid.len = (uint8_t)len;
  c.behaviour = behaviour;
  c.flavours = flavours;
  GError *e = NULL;
  SimSrv6Sid *s = sim_srv6_add_sid(t->sr[node], &c, &e);
  cr_assert_not_null(s, "%s", e ? e->message : "");
  return s;
}

/* A policy from R (node) for @prefix with the comma-separated @segs. */
static inline SimSrv6Policy *
sx_policy(Sx *t, int node, const char *name, const char *prefix, const char *segs,
          const SimSrv6HeadendConfig *cfg)
{
  GError *e = NULL;
  SimSrv6Policy *pol = sim_srv6_policy_new(t->sr[node], name, 0, NULL, cfg, &e);
  cr_assert_not_null(pol, "%s", e ? e->message : "");
  gchar **v = g_strsplit(segs, ",", -1);
  SimIp6Addr s[16];
  unsigned n = 0;
  for (gchar **x = v; *x && n < 16; x++)
    s[n++] = fx_addr(g_strstrip(*x));
  g_strfreev(v);
  cr_assert(sim_srv6_policy_add_segment_list(pol, 100, s, n, 1, &e), "%s", e ? e->message : "");
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(prefix, &p, FALSE, NULL));
  cr_assert(sim_srv6_steer(t->sr[node], 0, &p, NULL, pol, NULL, NULL, &e), "%s",
            e ? e->message : "");
  return pol;
}

/* The default policies of the captures: R1 -> hB via R2 End and R3
 * End.DT6, R3 -> hA via R2 End and R1 End.DT6. */
static inline void
sx_default_sids(Sx *t)
{
  sx_sid(t, SX_R1, "fc00:0:1::1", 128, "End", 0);
  sx_sid(t, SX_R2, "fc00:0:2::1", 128, "End", 0);
  sx_sid(t, SX_R3, "fc00:0:3::1", 128, "End", 0);
  sx_sid(t, SX_R1, "fc00:0:1::d6", 128, "End.DT6", 0);
  sx_sid(t, SX_R3, "fc00:0:3::d6", 128, "End.DT6", 0);
}

/* Frames captured on link @k so far (closes the capture). */
static inline FxPcap
sx_frames(Sx *t, int k)
{
  if (t->w[k]) {
    sim_iface_set_pcap(sim_link_end(t->l[k], 0), NULL);
    cr_assert(sim_pcap_writer_close(t->w[k], NULL));
    t->w[k] = NULL;
    fx_tshark_clean(t->path[k]);
  }
  return fx_pcap_read(t->path[k]);
}

static inline void
sx_free(Sx *t)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(t->net, &error), "%s", error ? error->message : "");
  for (int k = 0; k < SX_NL; k++) {
    if (t->w[k]) {
      sim_iface_set_pcap(sim_link_end(t->l[k], 0), NULL);
      sim_pcap_writer_close(t->w[k], NULL);
    }
    if (t->path[k]) {
      g_unlink(t->path[k]);
      g_free(t->path[k]);
    }
  }
  if (t->dir) {
    g_rmdir(t->dir);
    g_free(t->dir);
  }
  sim_net_free(t->net);
  sim_context_free(t->ctx);
}

/* The IPv6 header of an Ethernet frame. */
static inline const uint8_t *
sx_ip6(const FxPcap *p, guint i, size_t *len)
{
  size_t l;
  const uint8_t *f = fx_frame(p, i, &l);
  cr_assert_gt(l, 14 + 40);
  cr_assert_eq(f[12], 0x86);
  cr_assert_eq(f[13], 0xdd);
  if (len)
    *len = l - 14;
  return f + 14;
}

static inline SimIp6Addr
sx_dst(const uint8_t *ip6)
{
  SimIp6Addr a;
  memcpy(a.b, ip6 + 24, 16);
  return a;
}

#define sx_assert_addr(a, text)                                                                 \
  do {                                                                                         \
    SimIp6Addr sx_want_ = fx_addr(text);                                                       \
    char sx_buf_[SIM_IP6_ADDR_STRLEN];                                                         \
    cr_assert(sim_ip6_addr_equal(&(a), &sx_want_), "%s, expected %s",                          \
              sim_ip6_addr_format(&(a), sx_buf_), text);                                       \
  } while (0)

#endif /* IPESIM_TESTS_SRV6_FIXTURE_H */
