/* test-srv6-headend.c - SRv6 headends (RFC 8986 §5), SR policies (RFC
 * 9256), steering, the HMAC TLV (RFC 8754 §2.1.2), VRFs with L3VPN service
 * SIDs and the Linux-compatible headend, on the five-node topology of
 * srv6-fixture.h.
 *
 * Every check reads the packets as bytes from the pcap capture of a link
 * (sx_frames(), which also runs tshark on it when TSHARK is set). The
 * helpers here are local (prefix he_) so that this file does not collide
 * with the endpoint tests sharing the fixture.
 */
#include "srv6-fixture.h"

/* ---- bytes ------------------------------------------------------------------------------- */

static inline uint16_t
he_get16(const uint8_t *b)
{
  return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
he_get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint8_t
he_tc(const uint8_t *ip)
{
  return (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
}

static inline uint32_t
he_fl(const uint8_t *ip)
{
  return he_get32(ip) & 0xfffff;
}

static inline SimIp6Addr
he_at(const uint8_t *b)
{
  SimIp6Addr a;
  memcpy(a.b, b, 16);
  return a;
}

static inline SimIp6Addr
he_src(const uint8_t *ip)
{
  return he_at(ip + 8);
}

/* Number of frames of @p sent by end @end of link @k (by source MAC). */
static guint
he_n_from(Sx *t, const FxPcap *p, int k, int end)
{
  const uint8_t *mac = sim_iface_mac(sim_link_end(t->l[k], (unsigned)end));
  guint n = 0;
  for (guint i = 0; i < p->frames->len; i++) {
    size_t len;
    const uint8_t *f = fx_frame(p, i, &len);
    if (len >= 14 && memcmp(f + 6, mac, 6) == 0)
      n++;
  }
  return n;
}

/* The IPv6 packet of the @n-th frame (from 0) sent by end @end of link @k. */
static const uint8_t *
he_from(Sx *t, const FxPcap *p, int k, int end, guint n, size_t *len)
{
  const uint8_t *mac = sim_iface_mac(sim_link_end(t->l[k], (unsigned)end));
  guint seen = 0;
  for (guint i = 0; i < p->frames->len; i++) {
    size_t l;
    const uint8_t *f = fx_frame(p, i, &l);
    if (l >= 14 && memcmp(f + 6, mac, 6) == 0 && seen++ == n)
      return sx_ip6(p, i, len);
  }
  cr_assert_fail("link L%d: no frame %u from end %d (%u of %u frames)", k + 1, n, end, seen,
                 p->frames->len);
  return NULL;
}

/* ---- configuration ----------------------------------------------------------------------- */

/* hB answers hA without a policy: R3 routes 2001:db8:1::/64 to R2 (the
 * fixture leaves that to R3's return policy). */
static void
he_return_route(Sx *t)
{
  sx_route(t, SX_R3, "2001:db8:1::/64", SX_L3, 1, "2001:db8:3::2");
}

static SimSrv6Sid *
he_sid_full(Sx *t, int node, const char *sid, const char *behaviour, SimIface *out,
            uint32_t table)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = fx_addr(sid);
  c.sid.len = 128;
  c.behaviour = behaviour;
  c.out = out;
  c.table = table;
  GError *e = NULL;
  SimSrv6Sid *s = sim_srv6_add_sid(t->sr[node], &c, &e);
  cr_assert_not_null(s, "%s", e ? e->message : "");
  return s;
}

/* R2's End.X fc00:0:2::4 over L4: a second path to R3. */
static void
he_end_x_l4(Sx *t)
{
  he_sid_full(t, SX_R2, "fc00:0:2::4", "End.X", sim_link_end(t->l[SX_L4], 0), 0);
}

static unsigned
he_segs(const char *text, SimIp6Addr *s)
{
  gchar **v = g_strsplit(text, ",", -1);
  unsigned n = 0;
  for (gchar **x = v; *x && n < 16; x++)
    s[n++] = fx_addr(g_strstrip(*x));
  g_strfreev(v);
  return n;
}

/* A policy on @node without steering. */
static SimSrv6Policy *
he_policy(Sx *t, int node, const char *name, const SimSrv6HeadendConfig *cfg)
{
  GError *e = NULL;
  SimSrv6Policy *pol = sim_srv6_policy_new(t->sr[node], name, 0, NULL, cfg, &e);
  cr_assert_not_null(pol, "%s", e ? e->message : "");
  return pol;
}

static void
he_list(SimSrv6Policy *pol, uint32_t preference, const char *segs, uint32_t weight)
{
  SimIp6Addr s[16];
  unsigned n = he_segs(segs, s);
  GError *e = NULL;
  cr_assert(sim_srv6_policy_add_segment_list(pol, preference, s, n, weight, &e), "%s",
            e ? e->message : "");
}

static void
he_steer(Sx *t, int node, uint32_t table, const char *prefix, const SimSrv6Match *m,
         SimSrv6Policy *pol, const char *service)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(prefix, &p, FALSE, NULL), "%s", prefix);
  SimIp6Addr svc = service ? fx_addr(service) : (SimIp6Addr){ { 0 } };
  GError *e = NULL;
  cr_assert(sim_srv6_steer(t->sr[node], table, &p, m, pol, service ? &svc : NULL, NULL, &e), "%s",
            e ? e->message : "");
}

/* ---- traffic ----------------------------------------------------------------------------- */

/* A UDP flow from @src to @dst's primary address: @count packets of
 * @size bytes at 1000 pps from @start. */
static SimFlow *
he_flow(Sx *t, const char *name, int src, int dst, uint16_t port, uint8_t tc, uint32_t fl,
        uint32_t size, uint64_t count, SimTime start)
{
  SimTrafficConfig c;
  sim_traffic_config_init(&c);
  c.pps = 1000;
  c.size = size;
  c.max_packets = count;
  c.port = port;
  c.traffic_class = tc;
  c.flow_label = fl;
  c.start = start;
  GError *e = NULL;
  SimFlow *f = sim_flow_new(t->net, name, t->n[src], t->n[dst], NULL, &c, &e);
  cr_assert_not_null(f, "%s", e ? e->message : "");
  return f;
}

/* A ping of @count echoes (8 data bytes, 2 ms apart from 1 ms) from @src
 * to @dst, an address of hB. */
static SimPing *
he_ping(Sx *t, const char *name, int src, const char *dst, uint32_t count)
{
  SimPingConfig pc = { SIM_MS(1), SIM_MS(2), count, 8 };
  SimIp6Addr d = fx_addr(dst);
  SimNode *to = sim_net_find_node(t->net, "hB");
  GError *e = NULL;
  SimPing *pg = sim_ping_new(t->net, name, t->n[src], to, &d, &pc, &e);
  cr_assert_not_null(pg, "%s", e ? e->message : "");
  return pg;
}

/* An ICMPv6 echo request from hA (8 data bytes) at @b with hop limit @hl
 * to @dst; with @n > 0 segments (Segment List order, @list[0] the final
 * destination) an SRH with Segments Left @sl comes first. Returns its
 * length. The checksum uses the final destination (RFC 8200 §8.1). */
static size_t
he_echo(uint8_t *b, uint8_t hl, const char *dst, const char *const *list, unsigned n, uint8_t sl)
{
  SimIp6Addr src = fx_addr("2001:db8:1::a"), d = fx_addr(dst);
  size_t srh = n ? 8 + 16 * (size_t)n : 0;
  uint8_t *m = b + 40 + srh;
  memset(m, 0, 16);
  m[0] = SIM_ICMP6_ECHO_REQUEST;
  m[4] = 0x12;
  m[5] = 0x34;
  m[7] = 1;
  for (int i = 0; i < 8; i++)
    m[8 + i] = (uint8_t)(0xa0 + i);
  SimIp6Addr fin = n ? fx_addr(list[0]) : d;
  uint16_t ck =
    sim_inet_fold(sim_inet_sum(sim_ip6_pseudo_sum(&src, &fin, 16, SIM_IPPROTO_ICMPV6), m, 16));
  m[2] = (uint8_t)(ck >> 8);
  m[3] = (uint8_t)ck;
  if (n) {
    uint8_t *r = b + 40;
    r[0] = SIM_IPPROTO_ICMPV6;
    r[1] = (uint8_t)(2 * n);
    r[2] = SIM_SRH_ROUTING_TYPE;
    r[3] = sl;
    r[4] = (uint8_t)(n - 1);
    r[5] = r[6] = r[7] = 0;
    for (unsigned i = 0; i < n; i++) {
      SimIp6Addr s = fx_addr(list[i]);
      memcpy(r + 8 + 16 * i, s.b, 16);
    }
  }
  SimIp6Header h = { 0, 0, (uint16_t)(srh + 16), n ? SIM_IPPROTO_ROUTING : SIM_IPPROTO_ICMPV6,
                     hl, src, d, 0, 0, 0, 0 };
  sim_ip6_header_write(b, &h);
  return 40 + srh + 16;
}

/* Sends @len bytes (an IPv6 packet) from hA onto L1. */
static void
he_inject(Sx *t, const uint8_t *bytes, size_t len)
{
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM,
                                           bytes, len, 0);
  sim_net_packet_created(t->net, p);
  SimIface *a = sim_link_end(t->l[SX_L1], 0);
  sim_iface_send_ether(a, p, sim_iface_mac(sim_iface_peer(a)));
}

/* ---- checks ------------------------------------------------------------------------------ */

static void
he_assert_seg(const uint8_t *srh, unsigned i, const char *want)
{
  SimIp6Addr a = he_at(srh + 8 + 16 * i);
  sx_assert_addr(a, want);
}

/* The SRH at @srh: Routing Type 4, @n segments, Segments Left @sl, Last
 * Entry n - 1, Flags and Tag 0, no TLV (Hdr Ext Len 2n), @nh after it. */
static void
he_assert_srh(const uint8_t *srh, uint8_t nh, unsigned n, unsigned sl)
{
  cr_assert_eq(srh[0], nh, "SRH Next Header %u, expected %u", srh[0], nh);
  cr_assert_eq(srh[1], 2 * n, "Hdr Ext Len %u, expected %u", srh[1], 2 * n);
  cr_assert_eq(srh[2], SIM_SRH_ROUTING_TYPE, "Routing Type %u", srh[2]);
  cr_assert_eq(srh[3], sl, "Segments Left %u, expected %u", srh[3], sl);
  cr_assert_eq(srh[4], n - 1, "Last Entry %u, expected %u", srh[4], n - 1);
  cr_assert_eq(srh[5], 0, "Flags 0x%02x", srh[5]);
  cr_assert_eq(he_get16(srh + 6), 0, "Tag %u", he_get16(srh + 6));
}

/* The UDP source port of the inner packet of an outer packet @ip with
 * an SRH of @n segments (no TLV). */
static uint16_t
he_inner_sport(const uint8_t *ip, unsigned n)
{
  const uint8_t *in = ip + 40 + 8 + 16 * n;
  cr_assert_eq(in[6], SIM_IPPROTO_UDP, "inner next header %u", in[6]);
  return he_get16(in + 40);
}

/* ---- H.Encaps (RFC 8986 §5.1) ------------------------------------------------------------ */

/* S01-S06 field by field on L2 for a UDP flow from hA with DSCP EF: outer
 * source R1's loopback (its primary address), destination S1, hop limit
 * 64 (the node's default, RFC 2473 §6.3), traffic class copied (RFC 2983
 * uniform model), a hashed non-zero flow label (RFC 6437 §3), Payload
 * Length = inner + SRH, Next Header 43 then 41; the SRH lists the path in
 * reverse with Segments Left = Last Entry = n - 1; the inner packet is
 * the one hA sent with its hop limit decremented once (S05). */
Test(srv6_headend, h_encaps_outer_header_rfc8986_5_1)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  SimSrv6Policy *pol =
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  SimFlow *f = he_flow(&t, "ef", SX_HA, SX_HB, 9, 0xb8, 0, 100, 3, SIM_MS(1));
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 3, "received %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  cr_assert_eq(sim_srv6_policy_counters(pol)->packets, 3, "policy packets %" PRIu64,
               sim_srv6_policy_counters(pol)->packets);
  FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l1.frames->len, 3, "L1 frames %u", l1.frames->len);
  cr_assert_eq(l2.frames->len, 3, "L2 frames %u", l2.frames->len);
  uint32_t label = 0;
  for (guint i = 0; i < 3; i++) {
    size_t ilen, olen;
    const uint8_t *in = sx_ip6(&l1, i, &ilen);
    const uint8_t *r = sx_ip6(&l2, i, &olen);
    ilen = 40 + he_get16(in + 4);
    cr_assert_eq(r[0] >> 4, 6, "version %u", r[0] >> 4);
    cr_assert_eq(he_tc(r), 0xb8, "S03: traffic class 0x%02x copied from the inner 0xb8", he_tc(r));
    cr_assert_neq(he_fl(r), 0, "S03: the flow label is set from the inner flow");
    if (i == 0)
      label = he_fl(r);
    cr_assert_eq(he_fl(r), label, "packet %u: flow label 0x%05x, the flow's is 0x%05x", i,
                 he_fl(r), label);
    cr_assert_eq(he_get16(r + 4), ilen + 40, "S03: Payload Length %u, expected %zu",
                 he_get16(r + 4), ilen + 40);
    cr_assert_eq(olen, 40 + ilen + 40, "frame holds %zu bytes, expected %zu", olen,
                 40 + ilen + 40);
    cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "S04: outer Next Header %u", r[6]);
    cr_assert_eq(r[7], 64, "S03: outer hop limit %u, expected the default 64", r[7]);
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, "2001:db8:ff::1");
    a = sx_dst(r);
    sx_assert_addr(a, "fc00:0:2::1");
    he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 2, 1);
    he_assert_seg(r + 40, 0, "fc00:0:3::d6");
    he_assert_seg(r + 40, 1, "fc00:0:2::1");
    SimSrh srh;
    SimSrhError err = sim_srh_parse(r, olen, 40, 6, &srh, NULL);
    cr_assert_eq(err, SIM_SRH_OK, "SRH: %s", sim_srh_error_string(err));
    cr_assert_eq(srh.hmac_off, 0, "no HMAC TLV without a key");
    const uint8_t *inner = r + 80;
    cr_assert_eq(inner[7], 63, "S05: inner hop limit %u, expected 64 - 1", inner[7]);
    cr_assert_eq(memcmp(inner, in, 7), 0, "inner header changed before the hop limit");
    cr_assert_eq(memcmp(inner + 8, in + 8, ilen - 8), 0, "inner packet changed");
  }
  fx_pcap_clear(&l1);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* RFC 6437 §3 / RFC 6438 §3: the outer flow label is a function of the
 * inner flow (addresses, protocol, ports): the same for every packet of a
 * flow, non-zero, and different across flows. Eight flows differing in
 * their UDP source port: a collision among 8 draws from 2^20 labels has a
 * probability of 28 / 2^20 (and the simulation is deterministic), so all
 * eight labels are expected distinct. */
Test(srv6_headend, h_encaps_flow_label_hashed_per_flow_rfc6437_3)
{
  enum { N = 8, PER = 3 };
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  for (int i = 0; i < N; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "f%d", i);
    he_flow(&t, name, SX_HA, SX_HB, 9, 0, 0, 64, PER, SIM_US(100) * (i + 1));
  }
  sim_run_until(t.ctx, SIM_MS(50));
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, N * PER, "L2 frames %u", l2.frames->len);
  uint16_t ports[N];
  uint32_t labels[N];
  guint n = 0;
  for (guint i = 0; i < l2.frames->len; i++) {
    const uint8_t *r = sx_ip6(&l2, i, NULL);
    uint16_t sp = he_inner_sport(r, 2);
    uint32_t fl = he_fl(r);
    cr_assert_neq(fl, 0, "frame %u: zero flow label", i);
    guint j;
    for (j = 0; j < n && ports[j] != sp; j++)
      ;
    if (j == n) {
      cr_assert_lt(n, N, "more than %d source ports", N);
      ports[n] = sp;
      labels[n++] = fl;
    } else {
      cr_assert_eq(fl, labels[j], "port %u: flow label 0x%05x, earlier 0x%05x", sp, fl,
                   labels[j]);
    }
  }
  cr_assert_eq(n, N, "%u flows seen", n);
  for (guint i = 0; i < N; i++)
    for (guint j = i + 1; j < N; j++)
      cr_assert_neq(labels[i], labels[j], "ports %u and %u share flow label 0x%05x", ports[i],
                    ports[j], labels[i]);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* S02-S03 with a configured headend: the outer source, hop limit and
 * flow label mode as configured, the traffic class 0 when not copied
 * (RFC 2983 pipe model); hop_limit -1 copies the inner hop limit as the
 * headend forwards it (after S05, as RFC 2473 §3 forwards the original
 * packet into the tunnel before encapsulating). */
Test(srv6_headend, h_encaps_configured_outer_fields_rfc8986_5_1)
{
  static const struct {
    int hop_limit;
    gboolean copy_tc;
    SimSrv6FlowLabelMode fl_mode;
    const char *source;
    uint8_t want_hl, want_tc;
    uint32_t want_fl; /* 1: non-zero */
    const char *want_src;
  } cases[] = {
    { 5, FALSE, SIM_SRV6_FLOW_LABEL_COPY, "2001:db8:2::1", 5, 0, 0x12345, "2001:db8:2::1" },
    { -1, TRUE, SIM_SRV6_FLOW_LABEL_ZERO, NULL, 63, 0x28, 0, "2001:db8:ff::1" },
    { 255, TRUE, SIM_SRV6_FLOW_LABEL_HASH, "fc00:0:1::", 255, 0x28, 1, "fc00:0:1::" },
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    Sx t;
    sx_init(&t, true);
    sx_default_sids(&t);
    SimSrv6HeadendConfig cfg;
    sim_srv6_headend_config_init(&cfg);
    cfg.hop_limit = cases[c].hop_limit;
    cfg.copy_traffic_class = cases[c].copy_tc;
    cfg.flow_label = cases[c].fl_mode;
    if (cases[c].source)
      cfg.source = fx_addr(cases[c].source);
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", &cfg);
    SimFlow *f = he_flow(&t, "f", SX_HA, SX_HB, 9, 0x28, 0x12345, 100, 2, SIM_MS(1));
    sim_run_until(t.ctx, SIM_MS(50));
    cr_assert_eq(sim_flow_stats(f)->rx_packets, 2, "case %zu: received %" PRIu64, c,
                 sim_flow_stats(f)->rx_packets);
    FxPcap l2 = sx_frames(&t, SX_L2), l3 = sx_frames(&t, SX_L3);
    cr_assert_eq(l2.frames->len, 2, "case %zu: L2 frames %u", c, l2.frames->len);
    const uint8_t *r = sx_ip6(&l2, 0, NULL);
    cr_assert_eq(r[7], cases[c].want_hl, "case %zu: outer hop limit %u, expected %u", c, r[7],
                 cases[c].want_hl);
    cr_assert_eq(r[80 + 7], 63, "case %zu: inner hop limit %u", c, r[87]);
    cr_assert_eq(he_tc(r), cases[c].want_tc, "case %zu: traffic class 0x%02x, expected 0x%02x", c,
                 he_tc(r), cases[c].want_tc);
    if (cases[c].want_fl == 1)
      cr_assert_neq(he_fl(r), 0, "case %zu: hashed flow label is zero", c);
    else
      cr_assert_eq(he_fl(r), cases[c].want_fl, "case %zu: flow label 0x%05x, expected 0x%05x", c,
                   he_fl(r), cases[c].want_fl);
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, cases[c].want_src);
    /* the next hop decrements the outer hop limit only (End, S12) */
    r = sx_ip6(&l3, 0, NULL);
    cr_assert_eq(r[7], cases[c].want_hl - 1, "case %zu: L3 hop limit %u", c, r[7]);
    cr_assert_eq(r[87], 63, "case %zu: L3 inner hop limit %u", c, r[87]);
    fx_pcap_clear(&l2);
    fx_pcap_clear(&l3);
    sx_free(&t);
  }
}

/* S05 applies to forwarded packets: a ping sent by R1 itself into the
 * policy keeps the hop limit it was built with (64), outer source and
 * inner source are both R1's loopback. */
Test(srv6_headend, h_encaps_local_traffic_keeps_hop_limit_rfc8986_5_1)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  SimPing *pg = he_ping(&t, "p", SX_R1, "2001:db8:5::b", 2);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_ping_stats(pg)->received, 2, "replies %" PRIu64, sim_ping_stats(pg)->received);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(he_n_from(&t, &l2, SX_L2, 0), 2, "requests on L2: %u",
               he_n_from(&t, &l2, SX_L2, 0));
  for (guint i = 0; i < 2; i++) {
    const uint8_t *r = he_from(&t, &l2, SX_L2, 0, i, NULL);
    cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "Next Header %u", r[6]);
    cr_assert_eq(r[7], 64, "outer hop limit %u", r[7]);
    const uint8_t *in = r + 80;
    cr_assert_eq(in[7], 64, "locally originated: inner hop limit %u, expected 64", in[7]);
    cr_assert_eq(in[40], SIM_ICMP6_ECHO_REQUEST, "inner ICMPv6 type %u", in[40]);
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, "2001:db8:ff::1");
    a = he_src(in);
    sx_assert_addr(a, "2001:db8:ff::1");
  }
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* ---- H.Encaps.Red (§5.2), H.Insert, H.Insert.Red ----------------------------------------- */

/* §5.2: the SRH leaves S1 out (Last Entry n - 2, Segments Left n - 1):
 * S1 is only in the destination; End at R2 still finds S2 at Segment
 * List[Segments Left - 1]. */
Test(srv6_headend, h_encaps_red_omits_first_segment_rfc8986_5_2)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_return_route(&t);
  SimSrv6HeadendConfig cfg;
  sim_srv6_headend_config_init(&cfg);
  cfg.mode = SIM_SRV6_H_ENCAPS_RED;
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", &cfg);
  SimPing *pg = he_ping(&t, "p", SX_HA, "2001:db8:5::b", 3);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_ping_stats(pg)->received, 3, "replies %" PRIu64, sim_ping_stats(pg)->received);
  FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2), l3 = sx_frames(&t, SX_L3);
  size_t ilen;
  const uint8_t *in = he_from(&t, &l1, SX_L1, 0, 0, &ilen);
  ilen = 40 + he_get16(in + 4);
  const uint8_t *r = he_from(&t, &l2, SX_L2, 0, 0, NULL);
  cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "Next Header %u", r[6]);
  cr_assert_eq(he_get16(r + 4), 24 + ilen, "Payload Length %u, expected %zu", he_get16(r + 4),
               24 + ilen);
  SimIp6Addr a = sx_dst(r);
  sx_assert_addr(a, "fc00:0:2::1");
  cr_assert_eq(r[40 + 1], 2, "Hdr Ext Len %u: one segment", r[41]);
  cr_assert_eq(r[40 + 3], 1, "Segments Left %u, expected n - 1 = 1", r[43]);
  cr_assert_eq(r[40 + 4], 0, "Last Entry %u, expected n - 2 = 0", r[44]);
  cr_assert_eq(r[40], SIM_IPPROTO_IPV6, "SRH Next Header %u", r[40]);
  he_assert_seg(r + 40, 0, "fc00:0:3::d6");
  cr_assert_eq(r[64 + 7], 63, "inner hop limit %u", r[71]);
  SimSrh srh;
  cr_assert_eq(sim_srh_parse(r, 40 + he_get16(r + 4), 40, 6, &srh, NULL), SIM_SRH_OK,
               "Segments Left = Last Entry + 1 is valid (RFC 8754 §4.3.1.1)");
  /* after End at R2 */
  r = he_from(&t, &l3, SX_L3, 0, 0, NULL);
  a = sx_dst(r);
  sx_assert_addr(a, "fc00:0:3::d6");
  cr_assert_eq(r[43], 0, "Segments Left %u after End", r[43]);
  fx_pcap_clear(&l1);
  fx_pcap_clear(&l2);
  fx_pcap_clear(&l3);
  sx_free(&t);
}

/* §5.2: a single-segment policy with H.Encaps.Red needs no SRH at all:
 * the outer Next Header is 41 and the destination the only segment;
 * with H.Encaps the same policy carries an SRH of one segment (Segments
 * Left 0). */
Test(srv6_headend, h_encaps_red_single_segment_has_no_srh_rfc8986_5_2)
{
  for (int red = 0; red < 2; red++) {
    Sx t;
    sx_init(&t, true);
    sx_default_sids(&t);
    he_return_route(&t);
    SimSrv6HeadendConfig cfg;
    sim_srv6_headend_config_init(&cfg);
    cfg.mode = red ? SIM_SRV6_H_ENCAPS_RED : SIM_SRV6_H_ENCAPS;
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:3::d6", &cfg);
    SimPing *pg = he_ping(&t, "p", SX_HA, "2001:db8:5::b", 2);
    sim_run_until(t.ctx, SIM_MS(50));
    cr_assert_eq(sim_ping_stats(pg)->received, 2, "red %d: replies %" PRIu64, red,
                 sim_ping_stats(pg)->received);
    FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
    const uint8_t *in = he_from(&t, &l1, SX_L1, 0, 0, NULL);
    size_t ilen = 40 + he_get16(in + 4);
    const uint8_t *r = he_from(&t, &l2, SX_L2, 0, 0, NULL);
    SimIp6Addr a = sx_dst(r);
    sx_assert_addr(a, "fc00:0:3::d6");
    if (red) {
      cr_assert_eq(r[6], SIM_IPPROTO_IPV6, "H.Encaps.Red, one segment: Next Header %u", r[6]);
      cr_assert_eq(he_get16(r + 4), ilen, "Payload Length %u, expected %zu", he_get16(r + 4),
                   ilen);
      cr_assert_eq(r[40 + 7], 63, "inner hop limit %u", r[47]);
      cr_assert_eq(memcmp(r + 48, in + 8, ilen - 8), 0, "inner packet changed");
    } else {
      cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "H.Encaps, one segment: Next Header %u", r[6]);
      cr_assert_eq(he_get16(r + 4), 24 + ilen, "Payload Length %u, expected %zu", he_get16(r + 4),
                   24 + ilen);
      he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 1, 0);
      he_assert_seg(r + 40, 0, "fc00:0:3::d6");
    }
    fx_pcap_clear(&l1);
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}

/* H.Insert (draft-filsfils-spring-srv6-net-pgm-insertion, historic) and
 * H.Insert.Red: the SRH goes in after the IPv6 header, with the original
 * destination as Segment List[0], Segments Left n, the destination set to
 * S1 and the Payload Length grown by the SRH; the source, the upper layer
 * and the (once decremented) hop limit are the packet's own. The last
 * End (R3) restores hB as the destination and hB answers the echo. */
Test(srv6_headend, h_insert_and_h_insert_red)
{
  for (int red = 0; red < 2; red++) {
    Sx t;
    sx_init(&t, true);
    sx_default_sids(&t);
    he_return_route(&t);
    SimSrv6HeadendConfig cfg;
    sim_srv6_headend_config_init(&cfg);
    cfg.mode = red ? SIM_SRV6_H_INSERT_RED : SIM_SRV6_H_INSERT;
    SimSrv6Policy *pol =
      sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::1", &cfg);
    SimPing *pg = he_ping(&t, "p", SX_HA, "2001:db8:5::b", 3);
    sim_run_until(t.ctx, SIM_MS(50));
    cr_assert_eq(sim_ping_stats(pg)->received, 3, "red %d: replies %" PRIu64, red,
                 sim_ping_stats(pg)->received);
    cr_assert_eq(sim_srv6_policy_counters(pol)->packets, 3, "policy packets %" PRIu64,
                 sim_srv6_policy_counters(pol)->packets);
    FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2), l5 = sx_frames(&t, SX_L5);
    const uint8_t *in = he_from(&t, &l1, SX_L1, 0, 0, NULL);
    size_t ilen = 40 + he_get16(in + 4);
    unsigned n = red ? 2 : 3; /* segments in the SRH */
    size_t srh_len = 8 + 16 * (size_t)n;
    size_t olen;
    const uint8_t *r = he_from(&t, &l2, SX_L2, 0, 0, &olen);
    cr_assert_eq(he_get16(r + 4), he_get16(in + 4) + srh_len, "Payload Length %u, expected %zu",
                 he_get16(r + 4), he_get16(in + 4) + srh_len);
    cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "Next Header %u", r[6]);
    cr_assert_eq(r[7], 63, "hop limit %u: decremented once at the headend", r[7]);
    cr_assert_eq(memcmp(r, in, 4), 0, "version, traffic class and flow label kept");
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, "2001:db8:1::a");
    a = sx_dst(r);
    sx_assert_addr(a, "fc00:0:2::1");
    const uint8_t *s = r + 40;
    cr_assert_eq(s[0], SIM_IPPROTO_ICMPV6, "SRH Next Header %u", s[0]);
    cr_assert_eq(s[1], 2 * n, "Hdr Ext Len %u", s[1]);
    cr_assert_eq(s[2], SIM_SRH_ROUTING_TYPE, "Routing Type %u", s[2]);
    cr_assert_eq(s[3], 2, "Segments Left %u, expected the policy's n = 2", s[3]);
    cr_assert_eq(s[4], n - 1, "Last Entry %u, expected %u", s[4], n - 1);
    he_assert_seg(s, 0, "2001:db8:5::b");
    he_assert_seg(s, 1, "fc00:0:3::1");
    if (!red)
      he_assert_seg(s, 2, "fc00:0:2::1");
    cr_assert_eq(memcmp(r + 40 + srh_len, in + 40, ilen - 40), 0, "upper layer changed");
    /* R3's End (Segments Left 1 -> 0) delivers the original packet to hB */
    r = he_from(&t, &l5, SX_L5, 0, 0, NULL);
    a = sx_dst(r);
    sx_assert_addr(a, "2001:db8:5::b");
    cr_assert_eq(r[40 + 3], 0, "Segments Left %u at hB", r[43]);
    cr_assert_eq(r[7], 61, "hop limit %u at hB (R1, R2, R3 each decrement)", r[7]);
    fx_pcap_clear(&l1);
    fx_pcap_clear(&l2);
    fx_pcap_clear(&l5);
    sx_free(&t);
  }
}

/* ---- MTU at the headend (RFC 2473 §7.1) -------------------------------------------------- */

/* An inner packet over 1280 bytes that no longer fits L2 once
 * encapsulated (+ 40 + 40 bytes) is dropped with Packet Too Big to hA
 * carrying max(tunnel MTU, 1280): 1400 - 80 = 1320 on a 1400-byte L2,
 * 1280 on a 1300-byte one. With 1320 hA fragments its next packets to fit
 * and they get through. */
Test(srv6_headend, packet_too_big_for_large_inner_rfc2473_7_1)
{
  static const struct {
    uint32_t mtu, want;
    uint64_t count;
  } cases[] = { { 1400, 1320, 3 }, { 1300, 1280, 1 } };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    Sx t;
    sx_init(&t, true);
    sim_iface_set_mtu(sim_link_end(t.l[SX_L2], 0), cases[c].mtu);
    sx_default_sids(&t);
    SimFlow *f = he_flow(&t, "big", SX_HA, SX_HB, 9, 0, 0, 1300, cases[c].count, SIM_MS(1));
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
    sim_run_until(t.ctx, SIM_MS(50));
    cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_TOO_BIG), 1,
                 "MTU %u: too_big drops at R1 %" PRIu64, cases[c].mtu,
                 sim_node_drops(t.n[SX_R1], SIM_DROP_TOO_BIG));
    cr_assert_eq(sim_flow_path_mtu(f), cases[c].want, "MTU %u: hA's path MTU %u", cases[c].mtu,
                 sim_flow_path_mtu(f));
    if (cases[c].count > 1)
      cr_assert_eq(sim_flow_stats(f)->rx_packets, cases[c].count - 1, "received %" PRIu64,
                   sim_flow_stats(f)->rx_packets);
    FxPcap l1 = sx_frames(&t, SX_L1);
    cr_assert_eq(he_n_from(&t, &l1, SX_L1, 1), 1, "R1 sent %u frames to hA",
                 he_n_from(&t, &l1, SX_L1, 1));
    size_t len;
    const uint8_t *r = he_from(&t, &l1, SX_L1, 1, 0, &len);
    cr_assert_eq(r[6], SIM_IPPROTO_ICMPV6, "Next Header %u", r[6]);
    cr_assert_eq(r[40], SIM_ICMP6_PACKET_TOO_BIG, "ICMPv6 type %u", r[40]);
    cr_assert_eq(r[41], 0, "code %u", r[41]);
    cr_assert_eq(he_get32(r + 44), cases[c].want, "MTU %u, expected %u", he_get32(r + 44),
                 cases[c].want);
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, "2001:db8:1::1");
    a = sx_dst(r);
    sx_assert_addr(a, "2001:db8:1::a");
    /* the quote is the inner packet hA sent */
    cr_assert_eq(r[48 + 6], SIM_IPPROTO_UDP, "quoted Next Header %u", r[54]);
    a = sx_dst(r + 48);
    sx_assert_addr(a, "2001:db8:5::b");
    fx_pcap_clear(&l1);
    FxPcap l2 = sx_frames(&t, SX_L2);
    for (guint i = 0; i < l2.frames->len; i++) {
      sx_ip6(&l2, i, &len);
      cr_assert_leq(len, cases[c].mtu, "frame %u: %zu bytes over the MTU", i, len);
    }
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}

/* Offset of the Fragment header of the IPv6 packet @r (@len bytes),
 * past the extension headers before it; @nh_field: the Next Header
 * field naming it. */
static size_t
he_frag_header(const uint8_t *r, size_t len, size_t *nh_field)
{
  size_t o = 40, field = 6;
  uint8_t nh = r[6];
  while (nh != SIM_IPPROTO_FRAGMENT) {
    cr_assert(nh == SIM_IPPROTO_HOPOPTS || nh == SIM_IPPROTO_ROUTING ||
                nh == SIM_IPPROTO_DSTOPTS,
              "no Fragment header (Next Header %u at %zu)", nh, field);
    cr_assert_leq(o + 8, len, "header at %zu past %zu bytes", o, len);
    field = o;
    nh = r[o];
    o += ((size_t)r[o + 1] + 1) * 8;
  }
  cr_assert_leq(o + 8, len, "Fragment header at %zu past %zu bytes", o, len);
  *nh_field = field;
  return o;
}

/* An inner packet of at most 1280 bytes gets no Packet Too Big (its
 * source may not go below 1280, RFC 8200 §5): the headend fragments the
 * outer packet to the L2 MTU of 1280 (RFC 2473 §7.1). The fragments,
 * reassembled here, give back the encapsulated packet: outer header, the
 * SRH, hA's packet with its hop limit decremented. */
Test(srv6_headend, small_inner_fragmented_at_headend_rfc2473_7_1)
{
  Sx t;
  sx_init(&t, true);
  sim_iface_set_mtu(sim_link_end(t.l[SX_L2], 0), 1280);
  sx_default_sids(&t);
  he_flow(&t, "mid", SX_HA, SX_HB, 9, 0, 0, 1180, 1, SIM_MS(1));
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_TOO_BIG), 0, "too_big drops at R1: %" PRIu64,
               sim_node_drops(t.n[SX_R1], SIM_DROP_TOO_BIG));
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.n[SX_R1]))->fragmented, 1, "R1 fragmented %" PRIu64,
               sim_ip6_stats(sim_ip6_of(t.n[SX_R1]))->fragmented);
  FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(he_n_from(&t, &l1, SX_L1, 1), 0, "R1 sent %u frames to hA: no Packet Too Big",
               he_n_from(&t, &l1, SX_L1, 1));
  cr_assert_eq(he_n_from(&t, &l2, SX_L2, 0), 2, "R1 sent %u frames: two fragments",
               he_n_from(&t, &l2, SX_L2, 0));
  size_t ilen;
  const uint8_t *in = he_from(&t, &l1, SX_L1, 0, 0, &ilen);
  ilen = 40 + he_get16(in + 4);
  cr_assert_eq(ilen, 40 + 8 + 1180, "inner packet of %zu bytes", ilen);
  uint8_t whole[1600];
  size_t unfrag = 0, have = 0;
  uint32_t id = 0;
  for (guint i = 0; i < 2; i++) {
    size_t len, field;
    const uint8_t *r = he_from(&t, &l2, SX_L2, 0, i, &len);
    cr_assert_leq(len, 1280, "fragment %u: %zu bytes", i, len);
    cr_assert_eq(40 + he_get16(r + 4), len, "fragment %u: Payload Length %u", i,
                 he_get16(r + 4));
    SimIp6Addr a = he_src(r);
    sx_assert_addr(a, "2001:db8:ff::1");
    a = sx_dst(r);
    sx_assert_addr(a, "fc00:0:2::1");
    size_t fo = he_frag_header(r, len, &field);
    const uint8_t *fh = r + fo;
    uint16_t off = he_get16(fh + 2) & 0xfff8;
    gboolean more = fh[3] & 1;
    cr_assert_eq(more, i == 0, "fragment %u: M %d", i, more);
    if (i == 0) {
      cr_assert_eq(off, 0, "first fragment at offset %u", off);
      id = he_get32(fh + 4);
      unfrag = fo;
      memcpy(whole, r, fo);
      whole[field] = fh[0];
    } else {
      cr_assert_eq(fo, unfrag, "the unfragmentable parts differ");
      cr_assert_eq(off, have, "fragment %u at offset %u, expected %zu", i, off, have);
      cr_assert_eq(he_get32(fh + 4), id, "Identification 0x%08x, expected 0x%08x",
                   he_get32(fh + 4), id);
    }
    cr_assert_leq(unfrag + have + len - fo - 8, sizeof whole, "%zu bytes reassembled",
                  unfrag + have + len - fo - 8);
    memcpy(whole + unfrag + have, fh + 8, len - fo - 8);
    have += len - fo - 8;
  }
  size_t total = unfrag + have;
  cr_assert_eq(total, 40 + 40 + ilen, "reassembled %zu bytes, expected %zu", total, 80 + ilen);
  cr_assert_eq(whole[6], SIM_IPPROTO_ROUTING, "Next Header %u", whole[6]);
  he_assert_srh(whole + 40, SIM_IPPROTO_IPV6, 2, 1);
  he_assert_seg(whole + 40, 0, "fc00:0:3::d6");
  he_assert_seg(whole + 40, 1, "fc00:0:2::1");
  cr_assert_eq(whole[80 + 7], 63, "inner hop limit %u", whole[87]);
  cr_assert_eq(memcmp(whole + 80 + 8, in + 8, ilen - 8), 0, "inner packet changed");
  fx_pcap_clear(&l1);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* ---- SR policies (RFC 9256) -------------------------------------------------------------- */

/* Counts the forward frames of L3 and L4 per inner UDP source port and
 * checks no flow used both links (per-flow load sharing). */
static void
he_count_paths(Sx *t, guint *n3, guint *n4, guint *flows3, guint *flows4)
{
  GHashTable *on[2] = { g_hash_table_new(NULL, NULL), g_hash_table_new(NULL, NULL) };
  guint n[2] = { 0, 0 };
  const int links[2] = { SX_L3, SX_L4 };
  for (int k = 0; k < 2; k++) {
    FxPcap p = sx_frames(t, links[k]);
    for (guint i = 0; i < p.frames->len; i++) {
      const uint8_t *r = sx_ip6(&p, i, NULL);
      uint16_t sp = he_inner_sport(r, 2);
      g_hash_table_add(on[k], GUINT_TO_POINTER(sp));
      n[k]++;
    }
    fx_pcap_clear(&p);
  }
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, on[0]);
  while (g_hash_table_iter_next(&it, &key, NULL))
    cr_assert(!g_hash_table_contains(on[1], key), "flow from port %u took both paths",
              GPOINTER_TO_UINT(key));
  *n3 = n[0];
  *n4 = n[1];
  *flows3 = g_hash_table_size(on[0]);
  *flows4 = g_hash_table_size(on[1]);
  g_hash_table_unref(on[0]);
  g_hash_table_unref(on[1]);
}

/* RFC 9256 §2.11: the segment lists of the active candidate path share
 * flows in proportion to their weights, per flow. 800 UDP flows (each its
 * own source port, two packets each) over weights 3 (via R2's End, L3)
 * and 1 (via R2's End.X over L4): the L4 share is a binomial draw of
 * 800 flows with p = 1/4, mean 200 and standard deviation
 * sqrt(800 x 1/4 x 3/4) = 12.2; a fair per-flow hash lands within four
 * standard deviations, 200 +- 49. */
Test(srv6_headend, policy_weighted_segment_lists_rfc9256_2_11)
{
  enum { N = 800 };
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_end_x_l4(&t);
  SimSrv6Policy *pol = he_policy(&t, SX_R1, "w", NULL);
  he_list(pol, 100, "fc00:0:2::1, fc00:0:3::d6", 3);
  he_list(pol, 100, "fc00:0:2::4, fc00:0:3::d6", 1);
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, pol, NULL);
  SimFlow *f[N];
  for (int i = 0; i < N; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "f%d", i);
    f[i] = he_flow(&t, name, SX_HA, SX_HB, 9, 0, 0, 64, 2, SIM_US(5) * (i + 1));
  }
  sim_run_until(t.ctx, SIM_MS(50));
  uint64_t rx = 0;
  for (int i = 0; i < N; i++)
    rx += sim_flow_stats(f[i])->rx_packets;
  cr_assert_eq(rx, 2 * N, "received %" PRIu64 " of %d", rx, 2 * N);
  cr_assert_eq(sim_srv6_policy_counters(pol)->packets, 2 * N, "policy packets %" PRIu64,
               sim_srv6_policy_counters(pol)->packets);
  guint n3, n4, f3, f4;
  he_count_paths(&t, &n3, &n4, &f3, &f4);
  cr_assert_eq(n3 + n4, 2 * N, "L3 %u + L4 %u frames", n3, n4);
  cr_assert_eq(f3 + f4, N, "flows: %u on L3 + %u on L4", f3, f4);
  cr_assert(f4 >= 151 && f4 <= 249, "weight 1 of 4 got %u of %d flows (expected 200 +- 49)", f4,
            N);
  cr_assert_eq(n4, 2 * f4, "both packets of each flow on L4: %u frames, %u flows", n4, f4);
  sx_free(&t);
}

/* RFC 9256 §2.9: the valid candidate path with the highest preference is
 * active; invalidating it hands the traffic to the next preference, and
 * it takes over again when valid; with no valid path and drop-upon-invalid
 * (§8.2) the headend drops (no_route) and answers Destination
 * Unreachable. One flow of 40
 * packets, 1 ms apart from 1 ms: 1-10 ms on preference 200 (End.X, L4),
 * 11-20 ms on 100 (End, L3), 21-30 ms none, 31-40 ms on 200 again. */
Test(srv6_headend, policy_preference_and_validity_rfc9256_2_9)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_end_x_l4(&t);
  SimSrv6Policy *pol = he_policy(&t, SX_R1, "pref", NULL);
  he_list(pol, 100, "fc00:0:2::1, fc00:0:3::d6", 1);
  he_list(pol, 200, "fc00:0:2::4, fc00:0:3::d6", 1);
  sim_srv6_policy_set_drop_upon_invalid(pol, TRUE);
  cr_assert(!sim_srv6_policy_set_path_valid(pol, 300, FALSE), "no candidate path 300");
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, pol, NULL);
  SimFlow *f = he_flow(&t, "f", SX_HA, SX_HB, 9, 0, 0, 64, 40, SIM_MS(1));
  sim_run_until(t.ctx, SIM_US(10500));
  cr_assert(sim_srv6_policy_set_path_valid(pol, 200, FALSE));
  sim_run_until(t.ctx, SIM_US(20500));
  cr_assert(sim_srv6_policy_set_path_valid(pol, 100, FALSE));
  sim_run_until(t.ctx, SIM_US(30500));
  cr_assert(sim_srv6_policy_set_path_valid(pol, 200, TRUE));
  sim_run_until(t.ctx, SIM_MS(60));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 30, "received %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  const SimSrv6Counters *c = sim_srv6_policy_counters(pol);
  cr_assert_eq(c->packets, 40, "policy packets %" PRIu64, c->packets);
  cr_assert_eq(c->dropped, 10, "policy drops %" PRIu64, c->dropped);
  cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_NO_ROUTE), 10, "no_route at R1: %" PRIu64,
               sim_node_drops(t.n[SX_R1], SIM_DROP_NO_ROUTE));
  FxPcap l3 = sx_frames(&t, SX_L3), l4 = sx_frames(&t, SX_L4), l1 = sx_frames(&t, SX_L1);
  cr_assert_eq(l4.frames->len, 20, "L4 frames %u", l4.frames->len);
  cr_assert_eq(l3.frames->len, 10, "L3 frames %u", l3.frames->len);
  for (guint i = 0; i < l3.frames->len; i++) {
    uint64_t ts = g_array_index(l3.ts_ns, uint64_t, i);
    cr_assert(ts > 10500000 && ts < 20500000, "L3 frame %u at %" PRIu64 " ns", i, ts);
  }
  for (guint i = 0; i < l4.frames->len; i++) {
    uint64_t ts = g_array_index(l4.ts_ns, uint64_t, i);
    cr_assert(ts < 10500000 || ts > 30500000, "L4 frame %u at %" PRIu64 " ns", i, ts);
  }
  cr_assert_eq(he_n_from(&t, &l1, SX_L1, 1), 10, "errors to hA: %u",
               he_n_from(&t, &l1, SX_L1, 1));
  for (guint i = 0; i < 10; i++) {
    const uint8_t *r = he_from(&t, &l1, SX_L1, 1, i, NULL);
    cr_assert_eq(r[40], SIM_ICMP6_DST_UNREACH, "ICMPv6 type %u", r[40]);
    cr_assert_eq(r[41], 0, "code %u: no route to destination", r[41]);
  }
  fx_pcap_clear(&l1);
  fx_pcap_clear(&l3);
  fx_pcap_clear(&l4);
  sx_free(&t);
}

/* RFC 9256 §8.1: by default an invalid policy steers nothing - its
 * traffic follows the routes (plain IPv6 over L2, L3, no SRH) and nothing
 * is dropped; when a path is valid again the policy takes it back. */
Test(srv6_headend, invalid_policy_falls_back_to_routing_rfc9256_8_1)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  SimSrv6Policy *pol = he_policy(&t, SX_R1, "fallback", NULL);
  he_list(pol, 100, "fc00:0:2::1, fc00:0:3::d6", 1);
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, pol, NULL);
  SimFlow *f = he_flow(&t, "f", SX_HA, SX_HB, 9, 0, 0, 64, 30, SIM_MS(1));
  sim_run_until(t.ctx, SIM_US(10500));
  cr_assert(sim_srv6_policy_set_path_valid(pol, 100, FALSE));
  sim_run_until(t.ctx, SIM_US(20500));
  cr_assert(sim_srv6_policy_set_path_valid(pol, 100, TRUE));
  sim_run_until(t.ctx, SIM_MS(60));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 30, "received %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  const SimSrv6Counters *c = sim_srv6_policy_counters(pol);
  cr_assert_eq(c->dropped, 0, "policy drops %" PRIu64, c->dropped);
  cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_NO_ROUTE), 0);
  FxPcap l2 = sx_frames(&t, SX_L2);
  guint srh = 0, plain = 0;
  for (guint i = 0; i < l2.frames->len; i++) {
    size_t len;
    const uint8_t *r = sx_ip6(&l2, i, &len);
    uint64_t ts = g_array_index(l2.ts_ns, uint64_t, i);
    bool in_gap = ts > 10500000 && ts < 20500000;
    if (r[6] == SIM_IPPROTO_ROUTING) {
      srh++;
      cr_assert(!in_gap, "an SRH at %" PRIu64 " ns while the policy is invalid", ts);
    } else if (r[6] == SIM_IPPROTO_UDP) {
      plain++;
      cr_assert(in_gap, "plain UDP at %" PRIu64 " ns while the policy is valid", ts);
    }
  }
  cr_assert_eq(srh, 20, "encapsulated frames on L2: %u", srh);
  cr_assert_eq(plain, 10, "routed frames on L2: %u", plain);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* RFC 8986 §4.13 End.B6.Encaps at a policy's Binding SID (RFC 9256 §6):
 * hA sends an echo with an SRH (BSID, hB); R1 decrements the hop limit,
 * moves to hB (Segments Left 0) and encapsulates in the policy's SRH. */
Test(srv6_headend, binding_sid_end_b6_encaps_rfc8986_4_13)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_return_route(&t);
  SimSrv6Policy *pol = he_policy(&t, SX_R1, "bsid", NULL);
  he_list(pol, 100, "fc00:0:2::1, fc00:0:3::d6", 1);
  SimIp6Addr bsid = fx_addr("fc00:0:1::b1");
  GError *e = NULL;
  cr_assert(sim_srv6_policy_set_bsid(pol, &bsid, &e), "%s", e ? e->message : "");
  const SimSrv6Sid *sid = sim_srv6_sid_lookup(t.sr[SX_R1], &bsid);
  cr_assert_not_null(sid);
  cr_assert_str_eq(sim_srv6_sid_behaviour(sid), "End.B6.Encaps");
  uint8_t b[128];
  const char *list[] = { "2001:db8:5::b", "fc00:0:1::b1" };
  size_t len = he_echo(b, 64, "fc00:0:1::b1", list, 2, 1);
  he_inject(&t, b, len);
  sim_run_until(t.ctx, SIM_MS(20));
  cr_assert_eq(sim_srv6_sid_counters(sid)->packets, 1, "BSID packets %" PRIu64,
               sim_srv6_sid_counters(sid)->packets);
  FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
  size_t olen;
  const uint8_t *r = he_from(&t, &l2, SX_L2, 0, 0, &olen);
  cr_assert_eq(olen, 40 + 40 + len, "outer %zu bytes", olen);
  SimIp6Addr a = he_src(r);
  sx_assert_addr(a, "2001:db8:ff::1");
  a = sx_dst(r);
  sx_assert_addr(a, "fc00:0:2::1");
  he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 2, 1);
  he_assert_seg(r + 40, 0, "fc00:0:3::d6");
  he_assert_seg(r + 40, 1, "fc00:0:2::1");
  const uint8_t *in = r + 80;
  cr_assert_eq(in[7], 63, "S12: inner hop limit %u", in[7]);
  a = sx_dst(in);
  sx_assert_addr(a, "2001:db8:5::b");
  cr_assert_eq(in[40 + 3], 0, "S13: inner Segments Left %u", in[43]);
  /* hB answered */
  cr_assert_eq(he_n_from(&t, &l1, SX_L1, 1), 1, "R1 sent %u frames to hA",
               he_n_from(&t, &l1, SX_L1, 1));
  r = he_from(&t, &l1, SX_L1, 1, 0, NULL);
  cr_assert_eq(r[40], SIM_ICMP6_ECHO_REPLY, "ICMPv6 type %u", r[40]);
  a = he_src(r);
  sx_assert_addr(a, "2001:db8:5::b");
  fx_pcap_clear(&l1);
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* Configuration errors are reported (GError), never half applied: a
 * policy needs a unique name and a unique (color, endpoint) (RFC 9256
 * §2.1); a segment list holds 1 to 126 unicast segments (room for a
 * service SID or H.Insert's original destination) with a weight >= 1;
 * steering needs a policy of the same node or a service SID. */
Test(srv6_headend, policy_configuration_errors_rfc9256_2_1)
{
  Sx t;
  sx_init(&t, false);
  SimIp6Addr ep = fx_addr("2001:db8:ff::3");
  GError *e = NULL;
  cr_assert_null(sim_srv6_policy_new(t.sr[SX_R1], "", 0, NULL, NULL, &e));
  cr_assert_not_null(e);
  g_clear_error(&e);
  SimSrv6Policy *pol = sim_srv6_policy_new(t.sr[SX_R1], "blue", 10, &ep, NULL, &e);
  cr_assert_not_null(pol, "%s", e ? e->message : "");
  cr_assert_null(sim_srv6_policy_new(t.sr[SX_R1], "blue", 11, NULL, NULL, &e));
  cr_assert(e && strstr(e->message, "twice"), "%s", e ? e->message : "no error");
  g_clear_error(&e);
  cr_assert_null(sim_srv6_policy_new(t.sr[SX_R1], "blue2", 10, &ep, NULL, &e));
  cr_assert(e && strstr(e->message, "RFC 9256"), "%s", e ? e->message : "no error");
  g_clear_error(&e);
  cr_assert_eq(sim_srv6_policy_find(t.sr[SX_R1], 10, &ep), pol, "find (10, ff::3)");
  cr_assert_null(sim_srv6_policy_find(t.sr[SX_R1], 11, &ep));
  cr_assert_eq(sim_srv6_policy_by_name(t.sr[SX_R1], "blue"), pol, "find \"blue\"");
  cr_assert_str_eq(sim_srv6_policy_name(pol), "blue");
  cr_assert_eq(sim_srv6_n_policies(t.sr[SX_R1]), 1, "%u policies",
               sim_srv6_n_policies(t.sr[SX_R1]));
  SimIp6Addr segs[127];
  for (int i = 0; i < 127; i++)
    segs[i] = fx_addr("fc00:0:2::1");
  cr_assert(!sim_srv6_policy_add_segment_list(pol, 100, segs, 0, 1, &e));
  g_clear_error(&e);
  cr_assert(!sim_srv6_policy_add_segment_list(pol, 100, segs, 127, 1, &e));
  g_clear_error(&e);
  cr_assert(!sim_srv6_policy_add_segment_list(pol, 100, segs, 2, 0, &e));
  g_clear_error(&e);
  segs[1] = fx_addr("ff02::1");
  cr_assert(!sim_srv6_policy_add_segment_list(pol, 100, segs, 2, 1, &e));
  cr_assert(e && strstr(e->message, "segment 2"), "%s", e ? e->message : "no error");
  g_clear_error(&e);
  cr_assert(!sim_srv6_policy_set_path_valid(pol, 100, FALSE), "no candidate path was created");
  cr_assert(sim_srv6_policy_add_segment_list(pol, 100, segs, 1, 1, &e), "%s",
            e ? e->message : "");
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse("2001:db8:5::/64", &p, FALSE, NULL));
  cr_assert(!sim_srv6_steer(t.sr[SX_R1], 0, &p, NULL, NULL, NULL, NULL, &e));
  g_clear_error(&e);
  cr_assert(!sim_srv6_steer(t.sr[SX_R3], 0, &p, NULL, pol, NULL, NULL, &e));
  g_clear_error(&e);
  cr_assert(!sim_srv6_steer(t.sr[SX_R1], 100, &p, NULL, pol, NULL, NULL, &e), "no table 100");
  g_clear_error(&e);
  sx_free(&t);
}

/* ---- steering by flow -------------------------------------------------------------------- */

/* A classifier on the UDP destination port steers port 7 into the
 * "voice" policy (End.X, L4) and the rule without a match takes every
 * other flow into the default policy (End, L3). */
Test(srv6_headend, steer_by_udp_port_with_default_rule)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_end_x_l4(&t);
  SimSrv6Policy *voice = he_policy(&t, SX_R1, "voice", NULL);
  he_list(voice, 100, "fc00:0:2::4, fc00:0:3::d6", 1);
  SimSrv6Policy *def = he_policy(&t, SX_R1, "default", NULL);
  he_list(def, 100, "fc00:0:2::1, fc00:0:3::d6", 1);
  SimSrv6Match m;
  sim_srv6_match_init(&m);
  m.protocol = SIM_IPPROTO_UDP;
  m.dport_min = m.dport_max = 7;
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", &m, voice, NULL);
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, def, NULL);
  SimFlow *f[8];
  for (int i = 0; i < 8; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "f%d", i);
    f[i] = he_flow(&t, name, SX_HA, SX_HB, i % 2 ? 7 : 9, 0, 0, 64, 3, SIM_US(50) * (i + 1));
  }
  sim_run_until(t.ctx, SIM_MS(50));
  for (int i = 0; i < 8; i++)
    cr_assert_eq(sim_flow_stats(f[i])->rx_packets, 3, "flow %d received %" PRIu64, i,
                 sim_flow_stats(f[i])->rx_packets);
  cr_assert_eq(sim_srv6_policy_counters(voice)->packets, 12, "voice packets %" PRIu64,
               sim_srv6_policy_counters(voice)->packets);
  cr_assert_eq(sim_srv6_policy_counters(def)->packets, 12, "default packets %" PRIu64,
               sim_srv6_policy_counters(def)->packets);
  const int links[2] = { SX_L3, SX_L4 };
  for (int k = 0; k < 2; k++) {
    FxPcap p = sx_frames(&t, links[k]);
    cr_assert_eq(p.frames->len, 12, "L%d frames %u", links[k] + 1, p.frames->len);
    for (guint i = 0; i < p.frames->len; i++) {
      const uint8_t *r = sx_ip6(&p, i, NULL);
      he_inner_sport(r, 2);
      uint16_t dport = he_get16(r + 80 + 42);
      cr_assert_eq(dport, links[k] == SX_L4 ? 7 : 9, "L%d carries port %u", links[k] + 1, dport);
    }
    fx_pcap_clear(&p);
  }
  sx_free(&t);
}

/* A DSCP classifier: EF flows (DSCP 46) go into the "ef" policy (End.X,
 * L4), the rule without a match takes the best-effort flows into "be"
 * (End, L3). */
Test(srv6_headend, steer_by_dscp_with_default_rule)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  he_end_x_l4(&t);
  SimSrv6Policy *ef_pol = he_policy(&t, SX_R1, "ef", NULL);
  he_list(ef_pol, 100, "fc00:0:2::4, fc00:0:3::d6", 1);
  SimSrv6Policy *be_pol = he_policy(&t, SX_R1, "be", NULL);
  he_list(be_pol, 100, "fc00:0:2::1, fc00:0:3::d6", 1);
  SimSrv6Match m;
  sim_srv6_match_init(&m);
  m.dscp = 46;
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", &m, ef_pol, NULL);
  he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, be_pol, NULL);
  SimFlow *ef = he_flow(&t, "ef", SX_HA, SX_HB, 9, 46 << 2, 0, 64, 3, SIM_MS(1));
  SimFlow *af = he_flow(&t, "af41", SX_HA, SX_HB, 9, 34 << 2, 0, 64, 3, SIM_MS(1) + SIM_US(50));
  SimFlow *be = he_flow(&t, "be", SX_HA, SX_HB, 9, 0, 0, 64, 3, SIM_MS(1) + SIM_US(100));
  sim_run_until(t.ctx, SIM_MS(50));
  SimFlow *all[] = { ef, af, be };
  for (int i = 0; i < 3; i++)
    cr_assert_eq(sim_flow_stats(all[i])->rx_packets, 3, "%s received %" PRIu64,
                 sim_flow_name(all[i]), sim_flow_stats(all[i])->rx_packets);
  cr_assert_eq(sim_srv6_policy_counters(ef_pol)->packets, 3, "ef packets %" PRIu64,
               sim_srv6_policy_counters(ef_pol)->packets);
  cr_assert_eq(sim_srv6_policy_counters(be_pol)->packets, 6, "be packets %" PRIu64,
               sim_srv6_policy_counters(be_pol)->packets);
  FxPcap l3 = sx_frames(&t, SX_L3), l4 = sx_frames(&t, SX_L4);
  cr_assert_eq(l4.frames->len, 3, "L4 frames %u", l4.frames->len);
  cr_assert_eq(l3.frames->len, 6, "L3 frames %u", l3.frames->len);
  for (guint i = 0; i < l4.frames->len; i++) {
    const uint8_t *r = sx_ip6(&l4, i, NULL);
    cr_assert_eq(he_tc(r + 80), 46 << 2, "L4: inner traffic class 0x%02x", he_tc(r + 80));
  }
  for (guint i = 0; i < l3.frames->len; i++) {
    const uint8_t *r = sx_ip6(&l3, i, NULL);
    cr_assert_neq(he_tc(r + 80), 46 << 2, "L3: an EF packet");
  }
  fx_pcap_clear(&l3);
  fx_pcap_clear(&l4);
  sx_free(&t);
}

/* ---- HMAC TLV (RFC 8754 §2.1.2) ---------------------------------------------------------- */

static const char he_key[] = "ipesim shared secret";

/* RFC 8754 §2.1.2.1, computed here with GLib's GHmac: HMAC-SHA256 over
 * the IPv6 source, Last Entry, Flags, the HMAC Key ID and every segment. */
static void
he_hmac(const uint8_t *ip, const uint8_t *srh, const char *key, uint8_t out[32])
{
  GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)key, strlen(key));
  g_hmac_update(h, ip + 8, 16);
  g_hmac_update(h, srh + 4, 1);
  g_hmac_update(h, srh + 5, 1);
  const uint8_t *tlv = srh + 8 + 16 * ((size_t)srh[4] + 1);
  g_hmac_update(h, tlv + 4, 4);
  g_hmac_update(h, srh + 8, 16 * ((size_t)srh[4] + 1));
  gsize n = 32;
  g_hmac_get_digest(h, out, &n);
  cr_assert_eq(n, 32, "digest of %zu bytes", (size_t)n);
  g_hmac_unref(h);
}

static SimSrv6HeadendConfig
he_hmac_config(SimSrv6HeadendMode mode)
{
  SimSrv6HeadendConfig cfg;
  sim_srv6_headend_config_init(&cfg);
  cfg.mode = mode;
  cfg.hmac.key_id = 7;
  cfg.hmac.key = (const uint8_t *)he_key;
  cfg.hmac.key_len = strlen(he_key);
  return cfg;
}

/* The HMAC TLV of a policy with a key: type 5, length 38, D clear for a
 * full segment list, key id 7, and the HMAC of §2.1.2.1 recomputed here;
 * Hdr Ext Len covers the TLV (2n + 5). With H.Encaps.Red the D flag is
 * set (S1 is not in the list, so the destination cannot be checked
 * against it) and the HMAC covers the reduced list. */
Test(srv6_headend, hmac_tlv_generated_rfc8754_2_1_2)
{
  for (int red = 0; red < 2; red++) {
    Sx t;
    sx_init(&t, true);
    sx_default_sids(&t);
    SimSrv6HeadendConfig cfg = he_hmac_config(red ? SIM_SRV6_H_ENCAPS_RED : SIM_SRV6_H_ENCAPS);
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", &cfg);
    he_flow(&t, "f", SX_HA, SX_HB, 9, 0, 0, 100, 2, SIM_MS(1));
    sim_run_until(t.ctx, SIM_MS(50));
    FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
    cr_assert_eq(he_n_from(&t, &l2, SX_L2, 0), 2, "red %d: R1 sent %u frames", red,
                 he_n_from(&t, &l2, SX_L2, 0));
    for (guint i = 0; i < 2; i++) {
      const uint8_t *in = he_from(&t, &l1, SX_L1, 0, i, NULL);
      size_t ilen = 40 + he_get16(in + 4);
      unsigned n = red ? 1 : 2;
      size_t srh_len = 8 + 16 * (size_t)n + SIM_SRH_HMAC_TLV_LEN;
      size_t olen;
      const uint8_t *r = he_from(&t, &l2, SX_L2, 0, i, &olen);
      cr_assert_eq(olen, 40 + srh_len + ilen, "red %d: %zu bytes", red, olen);
      cr_assert_eq(he_get16(r + 4), srh_len + ilen, "Payload Length %u, expected %zu",
                   he_get16(r + 4), srh_len + ilen);
      const uint8_t *s = r + 40;
      cr_assert_eq(s[0], SIM_IPPROTO_IPV6, "SRH Next Header %u", s[0]);
      cr_assert_eq(s[1], 2 * n + 5, "Hdr Ext Len %u, expected %u", s[1], 2 * n + 5);
      cr_assert_eq(s[3], 1, "Segments Left %u", s[3]);
      cr_assert_eq(s[4], n - 1, "Last Entry %u", s[4]);
      cr_assert_eq(s[5], 0, "Flags 0x%02x", s[5]);
      he_assert_seg(s, 0, "fc00:0:3::d6");
      if (!red)
        he_assert_seg(s, 1, "fc00:0:2::1");
      const uint8_t *tlv = s + 8 + 16 * n;
      cr_assert_eq(tlv[0], SIM_SRH_TLV_HMAC, "TLV type %u", tlv[0]);
      cr_assert_eq(tlv[1], 38, "TLV length %u", tlv[1]);
      cr_assert_eq(tlv[2], red ? 0x80 : 0, "D flag and reserved bits: 0x%02x", tlv[2]);
      cr_assert_eq(tlv[3], 0, "reserved 0x%02x", tlv[3]);
      cr_assert_eq(he_get32(tlv + 4), 7, "key id %u", he_get32(tlv + 4));
      uint8_t want[32];
      he_hmac(r, s, he_key, want);
      cr_assert_eq(memcmp(tlv + 8, want, 32), 0, "red %d: the HMAC differs from GHmac's", red);
      const uint8_t *inner = r + 40 + srh_len;
      cr_assert_eq(inner[7], 63, "inner hop limit %u", inner[7]);
      cr_assert_eq(memcmp(inner + 8, in + 8, ilen - 8), 0, "inner packet changed");
    }
    fx_pcap_clear(&l1);
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}

/* ---- VRFs and L3VPN (RFC 8986 §4.6, §4.8, §5) -------------------------------------------- */

/* hA and hB are customers of VRF 100 on R1 and R3. R1 steers VRF 100's
 * traffic to hB into a plain encapsulation to R3's End.DT6 service SID;
 * R3 steers VRF 100's traffic to hA into a policy via R2 with R1's
 * End.DT46 service SID appended. R2 has no route to either customer
 * prefix, nor has R1's main table. */
Test(srv6_headend, vrf_l3vpn_end_dt6_and_end_dt46)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  SimIp6 *r1 = sim_ip6_of(t.n[SX_R1]), *r2 = sim_ip6_of(t.n[SX_R2]), *r3 = sim_ip6_of(t.n[SX_R3]);
  SimIp6Prefix p1, p5;
  cr_assert(sim_ip6_prefix_parse("2001:db8:1::/64", &p1, FALSE, NULL));
  cr_assert(sim_ip6_prefix_parse("2001:db8:5::/64", &p5, FALSE, NULL));
  cr_assert(sim_ip6_route_remove(r2, &p1));
  cr_assert(sim_ip6_route_remove(r2, &p5));
  cr_assert(sim_ip6_route_remove(r1, &p5));
  GError *e = NULL;
  cr_assert(sim_ip6_table_add(r1, 100, &e), "%s", e ? e->message : "");
  cr_assert(sim_ip6_table_add(r3, 100, &e), "%s", e ? e->message : "");
  cr_assert(sim_ip6_iface_set_table(r1, sim_link_end(t.l[SX_L1], 1), 100, &e), "%s",
            e ? e->message : "");
  cr_assert(sim_ip6_iface_set_table(r3, sim_link_end(t.l[SX_L5], 0), 100, &e), "%s",
            e ? e->message : "");
  he_sid_full(&t, SX_R1, "fc00:0:1::100", "End.DT46", NULL, 100);
  he_sid_full(&t, SX_R3, "fc00:0:3::100", "End.DT6", NULL, 100);
  he_steer(&t, SX_R1, 100, "2001:db8:5::/64", NULL, NULL, "fc00:0:3::100");
  SimSrv6Policy *pol = he_policy(&t, SX_R3, "vpn-to-a", NULL);
  he_list(pol, 100, "fc00:0:2::1", 1);
  he_steer(&t, SX_R3, 100, "2001:db8:1::/64", NULL, pol, "fc00:0:1::100");
  SimPing *pg = he_ping(&t, "vpn", SX_HA, "2001:db8:5::b", 3);
  SimPing *leak = he_ping(&t, "main", SX_R1, "2001:db8:5::b", 1);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_ping_stats(pg)->received, 3, "VPN replies %" PRIu64,
               sim_ping_stats(pg)->received);
  cr_assert_eq(sim_ping_stats(leak)->received, 0, "R1's main table reached hB");
  cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_NO_ROUTE), 1, "no_route at R1: %" PRIu64,
               sim_node_drops(t.n[SX_R1], SIM_DROP_NO_ROUTE));
  /* the core has no customer routes, the main table of R1 neither */
  SimIp6Addr ha = fx_addr("2001:db8:1::a"), hb = fx_addr("2001:db8:5::b");
  gboolean local = TRUE;
  cr_assert_null(sim_ip6_route_lookup(r2, &ha, 0, &local));
  cr_assert_null(sim_ip6_route_lookup(r2, &hb, 0, &local));
  cr_assert_null(sim_ip6_route_lookup(r1, &hb, 0, &local));
  cr_assert(!local);
  cr_assert_geq(sim_ip6_stats(r2)->forwarded, 6, "R2 forwarded %" PRIu64,
                sim_ip6_stats(r2)->forwarded);
  /* on L2 and L3 only SR domain addresses in the outer headers */
  const int core[2] = { SX_L2, SX_L3 };
  SimIp6Prefix dom, lo;
  cr_assert(sim_ip6_prefix_parse("fc00::/16", &dom, FALSE, NULL));
  cr_assert(sim_ip6_prefix_parse("2001:db8:ff::/64", &lo, FALSE, NULL));
  for (int k = 0; k < 2; k++) {
    FxPcap p = sx_frames(&t, core[k]);
    cr_assert_eq(p.frames->len, 6, "L%d frames %u", core[k] + 1, p.frames->len);
    for (guint i = 0; i < p.frames->len; i++) {
      const uint8_t *r = sx_ip6(&p, i, NULL);
      SimIp6Addr s = he_src(r), d = sx_dst(r);
      char b1[SIM_IP6_ADDR_STRLEN], b2[SIM_IP6_ADDR_STRLEN];
      cr_assert(sim_ip6_prefix_contains(&lo, &s), "L%d frame %u from %s", core[k] + 1, i,
                sim_ip6_addr_format(&s, b1));
      cr_assert(sim_ip6_prefix_contains(&dom, &d), "L%d frame %u to %s", core[k] + 1, i,
                sim_ip6_addr_format(&d, b2));
    }
    if (core[k] == SX_L2) {
      /* R1 -> R3: a single-segment encapsulation to the service SID */
      const uint8_t *r = he_from(&t, &p, SX_L2, 0, 0, NULL);
      SimIp6Addr d = sx_dst(r);
      sx_assert_addr(d, "fc00:0:3::100");
      he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 1, 0);
      d = sx_dst(r + 64);
      sx_assert_addr(d, "2001:db8:5::b");
    } else {
      /* R3 -> R1: the policy, then the service SID as the last segment */
      const uint8_t *r = he_from(&t, &p, SX_L3, 1, 0, NULL);
      SimIp6Addr d = sx_dst(r);
      sx_assert_addr(d, "fc00:0:2::1");
      he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 2, 1);
      he_assert_seg(r + 40, 0, "fc00:0:1::100");
      he_assert_seg(r + 40, 1, "fc00:0:2::1");
      d = sx_dst(r + 80);
      sx_assert_addr(d, "2001:db8:1::a");
    }
    fx_pcap_clear(&p);
  }
  sx_free(&t);
}

/* ---- Linux-compatible headend ------------------------------------------------------------ */

/* The kernel's seg6 encapsulation copies the inner hop limit, traffic
 * class and flow label to the outer header and leaves the inner hop
 * limit alone; its forwarding path then decrements the outer one: 63
 * outside, 64 inside on L2. */
Test(srv6_headend, linux_compat_copies_inner_fields)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sim_srv6_set_linux_compat(t.sr[SX_R1], TRUE);
  cr_assert(sim_srv6_linux_compat(t.sr[SX_R1]));
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  SimFlow *f = he_flow(&t, "f", SX_HA, SX_HB, 9, 0x28, 0xabcde, 100, 3, SIM_MS(1));
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 3, "received %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, 3, "L2 frames %u", l2.frames->len);
  for (guint i = 0; i < 3; i++) {
    const uint8_t *r = sx_ip6(&l2, i, NULL);
    cr_assert_eq(r[7], 63, "outer hop limit %u: 64 copied, decremented by R1", r[7]);
    cr_assert_eq(r[87], 64, "inner hop limit %u: untouched", r[87]);
    cr_assert_eq(he_tc(r), 0x28, "traffic class 0x%02x", he_tc(r));
    cr_assert_eq(he_fl(r), 0xabcde, "flow label 0x%05x", he_fl(r));
    he_assert_srh(r + 40, SIM_IPPROTO_IPV6, 2, 1);
  }
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* Traffic R1 sends itself: the kernel's local output path (ip6_output)
 * does not decrement the hop limit, so outer and inner both carry 64. */
Test(srv6_headend, linux_compat_local_traffic_outer_hop_limit_copied)
{
  Sx t;
  sx_init(&t, true);
  sx_default_sids(&t);
  sim_srv6_set_linux_compat(t.sr[SX_R1], TRUE);
  sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
  SimPing *pg = he_ping(&t, "p", SX_R1, "2001:db8:5::b", 2);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_ping_stats(pg)->received, 2, "replies %" PRIu64, sim_ping_stats(pg)->received);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(he_n_from(&t, &l2, SX_L2, 0), 2, "requests on L2: %u",
               he_n_from(&t, &l2, SX_L2, 0));
  for (guint i = 0; i < 2; i++) {
    const uint8_t *r = he_from(&t, &l2, SX_L2, 0, i, NULL);
    cr_assert_eq(r[7], 64, "outer hop limit %u, expected the inner 64", r[7]);
    cr_assert_eq(r[87], 64, "inner hop limit %u", r[87]);
  }
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* An inner hop limit of 1: in Linux-compatible mode the outer header
 * inherits it and R1's forwarding path expires it, so the Time Exceeded
 * goes to the outer source - R1's own loopback - and nothing leaves R1.
 * In RFC mode S05 finds the inner hop limit exhausted and hA gets Time
 * Exceeded from R1's L1 address, quoting its packet. */
Test(srv6_headend, hop_limit_1_linux_compat_vs_rfc_mode)
{
  for (int lx = 0; lx < 2; lx++) {
    Sx t;
    sx_init(&t, true);
    sx_default_sids(&t);
    sim_srv6_set_linux_compat(t.sr[SX_R1], lx);
    sx_policy(&t, SX_R1, "to-b", "2001:db8:5::/64", "fc00:0:2::1, fc00:0:3::d6", NULL);
    uint8_t b[64];
    size_t len = he_echo(b, 1, "2001:db8:5::b", NULL, 0, 0);
    he_inject(&t, b, len);
    sim_run_until(t.ctx, SIM_MS(20));
    const SimIp6Stats *st = sim_ip6_stats(sim_ip6_of(t.n[SX_R1]));
    cr_assert_eq(st->icmp_errors_sent, 1, "lx %d: errors sent %" PRIu64, lx,
                 st->icmp_errors_sent);
    cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_HOP_LIMIT), 1,
                 "lx %d: hop_limit drops %" PRIu64, lx,
                 sim_node_drops(t.n[SX_R1], SIM_DROP_HOP_LIMIT));
    FxPcap l1 = sx_frames(&t, SX_L1), l2 = sx_frames(&t, SX_L2);
    cr_assert_eq(l2.frames->len, 0, "lx %d: %u frames left R1", lx, l2.frames->len);
    if (lx) {
      cr_assert_eq(l1.frames->len, 1, "L1 frames %u: hA got an answer", l1.frames->len);
      cr_assert_eq(st->icmp_rx, 1, "R1 received %" PRIu64 " ICMPv6 messages", st->icmp_rx);
    } else {
      cr_assert_eq(he_n_from(&t, &l1, SX_L1, 1), 1, "R1 sent %u frames to hA",
                   he_n_from(&t, &l1, SX_L1, 1));
      const uint8_t *r = he_from(&t, &l1, SX_L1, 1, 0, NULL);
      cr_assert_eq(r[40], SIM_ICMP6_TIME_EXCEEDED, "ICMPv6 type %u", r[40]);
      cr_assert_eq(r[41], 0, "code %u", r[41]);
      SimIp6Addr a = he_src(r);
      sx_assert_addr(a, "2001:db8:1::1");
      a = sx_dst(r);
      sx_assert_addr(a, "2001:db8:1::a");
      cr_assert_eq(memcmp(r + 48, b, len), 0, "the quote is hA's packet");
    }
    fx_pcap_clear(&l1);
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}

/* ---- the SRH size limit (RFC 8754 §2) ---------------------------------------------------- */

/* Hdr Ext Len is 8 bits: an SRH holds at most 2048 bytes. 125 segments
 * with an HMAC TLV (8 + 2000 + 40 bytes, Hdr Ext Len 255) and 126 policy
 * segments plus a service SID with H.Encaps (127 segments, Hdr Ext Len
 * 254) are sent; 126 segments with an HMAC TLV (2064 bytes) or 126 plus a
 * service SID with H.Insert (128 segments with the original destination)
 * cannot be encoded: R1 drops them (policy). L2 has a 9000-byte MTU so
 * the packets go out whole. */
Test(srv6_headend, srh_size_limit_rfc8754_2)
{
  static const struct {
    SimSrv6HeadendMode mode;
    gboolean hmac;
    unsigned n;
    gboolean service;
    unsigned want; /* segments in the SRH, 0: dropped */
  } cases[] = {
    { SIM_SRV6_H_ENCAPS, TRUE, 125, FALSE, 125 },
    { SIM_SRV6_H_ENCAPS, FALSE, 126, TRUE, 127 },
    { SIM_SRV6_H_ENCAPS, TRUE, 126, FALSE, 0 },
    { SIM_SRV6_H_INSERT, FALSE, 126, TRUE, 0 },
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    Sx t;
    sx_init(&t, true);
    sim_iface_set_mtu(sim_link_end(t.l[SX_L2], 0), 9000);
    SimSrv6HeadendConfig cfg = he_hmac_config(cases[c].mode);
    if (!cases[c].hmac)
      cfg.hmac.key_id = 0;
    SimSrv6Policy *pol = he_policy(&t, SX_R1, "long", &cfg);
    SimIp6Addr s[126];
    s[0] = fx_addr("fc00:0:2::1");
    for (unsigned i = 1; i < cases[c].n; i++) {
      char a[48];
      g_snprintf(a, sizeof a, "2001:db8:99::%x", i);
      s[i] = fx_addr(a);
    }
    GError *e = NULL;
    cr_assert(sim_srv6_policy_add_segment_list(pol, 100, s, cases[c].n, 1, &e), "%s",
              e ? e->message : "");
    he_steer(&t, SX_R1, 0, "2001:db8:5::/64", NULL, pol, cases[c].service ? "fc00:0:3::d6" : NULL);
    he_flow(&t, "f", SX_HA, SX_HB, 9, 0, 0, 64, 1, SIM_MS(1));
    sim_run_until(t.ctx, SIM_MS(20));
    cr_assert_eq(sim_node_drops(t.n[SX_R1], SIM_DROP_POLICY), cases[c].want ? 0 : 1,
                 "case %zu: policy drops at R1 %" PRIu64, c,
                 sim_node_drops(t.n[SX_R1], SIM_DROP_POLICY));
    FxPcap l2 = sx_frames(&t, SX_L2);
    guint sent = he_n_from(&t, &l2, SX_L2, 0);
    cr_assert_eq(sent, cases[c].want ? 1 : 0, "case %zu: R1 sent %u frames", c, sent);
    if (cases[c].want) {
      size_t len;
      const uint8_t *r = he_from(&t, &l2, SX_L2, 0, 0, &len);
      size_t srh = sim_srh_size(cases[c].want, cases[c].hmac);
      cr_assert_leq(srh, 2048, "SRH of %zu bytes", srh);
      cr_assert_eq(len, 40 + srh + 40 + 8 + 64, "case %zu: %zu bytes", c, len);
      cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "Next Header %u", r[6]);
      cr_assert_eq(r[41], srh / 8 - 1, "case %zu: Hdr Ext Len %u, expected %zu", c, r[41],
                   srh / 8 - 1);
      cr_assert_eq(r[44], cases[c].want - 1, "case %zu: Last Entry %u", c, r[44]);
      he_assert_seg(r + 40, cases[c].want - 1, "fc00:0:2::1");
      if (cases[c].service)
        he_assert_seg(r + 40, 0, "fc00:0:3::d6");
      if (cases[c].hmac)
        cr_assert_eq(r[40 + 8 + 16 * cases[c].want], SIM_SRH_TLV_HMAC, "case %zu: no HMAC TLV",
                     c);
    }
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}
