/* test-srv6-endpoint.c - the SRv6 endpoint behaviours of RFC 8986 §4, their
 * flavours (§4.16), compressed SIDs (RFC 9800 §4) and the SRH checks of
 * RFC 8754, at R2 of the five-node topology of srv6-fixture.h.
 *
 * Packets are crafted as bytes - IPv6 header, SRH, and an upper layer whose
 * checksum covers the final destination (RFC 8200 §8.1) - and put on L2 at
 * R1's end, so that they reach R2 from R1. What leaves R2 is read back from
 * the captures of every link, drops from the per-node and per-SID
 * counters. One table row per behaviour drives the cases every behaviour
 * shares; the flavours, the C-SID walks (RFC 9800 and the illustrations of
 * draft-clad-spring-srv6-srh-compression-illus) and sim_srh_parse() itself
 * follow. Captures are checked with tshark (TSHARK=...) except those that
 * carry deliberately malformed packets.
 */
#include "srv6-fixture.h"

#define HA "2001:db8:1::a"
#define HB "2001:db8:5::b"
#define R2_LOOPBACK "2001:db8:ff::2"
#define R2_ON_L2 "2001:db8:2::2"
#define TABLE_T 10u

/* ---- packets as bytes ------------------------------------------------------------------ */

enum { UP_NONE, UP_ICMP, UP_UDP, UP_IP6, UP_IP4 };

typedef struct {
  const char *dst;           /* NULL: Segment List[Segments Left] */
  const char *segs[8];       /* Segment List, [0] = the last segment; none: no SRH */
  uint8_t sl;
  int upper;                 /* UP_* */
  uint8_t hop_limit;         /* 0: 64 */
  const SimSrhHmacKey *hmac; /* an HMAC TLV (RFC 8754 §2.1.2) */
} Spec;

typedef struct {
  uint8_t b[1024];
  size_t len;
  size_t upper; /* offset of the upper-layer header */
} Bytes;

static uint8_t
upper_proto(int upper)
{
  switch (upper) {
  case UP_ICMP:
    return SIM_IPPROTO_ICMPV6;
  case UP_UDP:
    return SIM_IPPROTO_UDP;
  case UP_IP6:
    return SIM_IPPROTO_IPV6;
  case UP_IP4:
    return SIM_IPPROTO_IPV4;
  default:
    return SIM_IPPROTO_NONE;
  }
}

/* The upper layer at @u, its checksum over @src and the final destination
 * @dst; returns its length. The inner packets go from hA to hB. */
static size_t
put_upper(uint8_t *u, int upper, const SimIp6Addr *src, const SimIp6Addr *dst)
{
  switch (upper) {
  case UP_ICMP: {
    memset(u, 0, 16);
    u[0] = SIM_ICMP6_ECHO_REQUEST;
    u[4] = 0x12;
    u[5] = 0x34;
    u[7] = 1;
    memset(u + 8, 0xa5, 8);
    uint16_t ck = sim_inet_fold(
      sim_inet_sum(sim_ip6_pseudo_sum(src, dst, 16, SIM_IPPROTO_ICMPV6), u, 16));
    u[2] = (uint8_t)(ck >> 8);
    u[3] = (uint8_t)ck;
    return 16;
  }
  case UP_UDP:
    return fx_udp(u, 8, src, dst);
  case UP_IP6: {
    SimIp6Header h = { 0, 0, 8, SIM_IPPROTO_NONE, 64, fx_addr(HA), fx_addr(HB), 0, 0, 0, 0 };
    sim_ip6_header_write(u, &h);
    memset(u + 40, 0x5a, 8);
    return 48;
  }
  case UP_IP4: {
    /* 192.0.2.1 > 198.51.100.1, UDP without checksum */
    static const uint8_t v4[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0,
                                    2,    1, 198, 51, 100, 1, 0xc0, 0, 0, 9, 0, 8, 0, 0 };
    memcpy(u, v4, sizeof v4);
    uint16_t ck = sim_inet_fold(sim_inet_sum(0, u, 20));
    u[10] = (uint8_t)(ck >> 8);
    u[11] = (uint8_t)ck;
    return sizeof v4;
  }
  default:
    memset(u, 0x5a, 8); /* what follows No Next Header is ignored */
    return 8;
  }
}

static void
build(const Spec *s, Bytes *k)
{
  SimIp6Addr src = fx_addr(HA), segs[8];
  unsigned n = 0;
  while (n < G_N_ELEMENTS(s->segs) && s->segs[n]) {
    segs[n] = fx_addr(s->segs[n]);
    n++;
  }
  cr_assert(s->dst || s->sl < n, "a packet needs a destination");
  SimIp6Addr dst = s->dst ? fx_addr(s->dst) : segs[s->sl];
  SimIp6Addr final = n ? segs[0] : dst;
  uint8_t up = upper_proto(s->upper);
  size_t off = SIM_IP6_HEADER_LEN;
  if (n)
    off += sim_srh_write(k->b + off, up, segs, n, s->sl, s->hmac, &src);
  k->upper = off;
  off += put_upper(k->b + off, s->upper, &src, &final);
  SimIp6Header h = { 0, 0, (uint16_t)(off - SIM_IP6_HEADER_LEN), n ? SIM_IPPROTO_ROUTING : up,
                     s->hop_limit ? s->hop_limit : 64, src, dst, 0, 0, 0, 0 };
  sim_ip6_header_write(k->b, &h);
  k->len = off;
}

/* Inserts @n bytes of TLVs at the end of the SRH (at 40). */
static void
append_tlvs(Bytes *k, const uint8_t *tlv, size_t n)
{
  cr_assert(n % 8 == 0 && k->len + n <= sizeof k->b);
  memmove(k->b + k->upper + n, k->b + k->upper, k->len - k->upper);
  memcpy(k->b + k->upper, tlv, n);
  k->b[41] = (uint8_t)(k->b[41] + n / 8);
  k->upper += n;
  k->len += n;
  k->b[4] = (uint8_t)((k->len - 40) >> 8);
  k->b[5] = (uint8_t)(k->len - 40);
}

/* RFC 8986 §4.1 S12-S14 applied to a copy of @in (SRH at 40). */
static void
apply_end(uint8_t *b)
{
  b[7]--;
  b[43]--;
  memcpy(b + 24, b + 48 + 16 * (size_t)b[43], 16);
}

static void
expect_bytes(const uint8_t *got, size_t glen, const uint8_t *want, size_t wlen, const char *what)
{
  cr_assert_eq(glen, wlen, "%s: %zu bytes, expected %zu", what, glen, wlen);
  for (size_t i = 0; i < wlen; i++)
    cr_assert_eq(got[i], want[i], "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, got[i],
                 want[i]);
}

static void
expect_addr(const uint8_t *p, const char *want, const char *what)
{
  SimIp6Addr a, w = fx_addr(want);
  memcpy(a.b, p, 16);
  char buf[SIM_IP6_ADDR_STRLEN];
  cr_assert(sim_ip6_addr_equal(&a, &w), "%s: %s, expected %s", what, sim_ip6_addr_format(&a, buf),
            want);
}

static uint32_t
be32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* ---- the network ------------------------------------------------------------------------- */

/* The fixture with R3's End (fc00:0:3::1) and End.DT6 (fc00:0:3::d6), a
 * table T at R2 that reaches hB and fc00:0:3::/48 over L4 (the main table
 * uses L3), and a route back to hA at R3. */
static void
ep_init(Sx *t)
{
  sx_init(t, true);
  sx_sid(t, SX_R3, "fc00:0:3::1", 128, "End", 0);
  sx_sid(t, SX_R3, "fc00:0:3::d6", 128, "End.DT6", 0);
  SimIp6 *ip = sim_ip6_of(t->n[SX_R2]);
  GError *e = NULL;
  cr_assert(sim_ip6_table_add(ip, TABLE_T, &e), "%s", e ? e->message : "");
  const char *via_l4[] = { "2001:db8:5::/64", "fc00:0:3::/48" };
  for (size_t i = 0; i < G_N_ELEMENTS(via_l4); i++) {
    SimIp6Prefix p;
    cr_assert(sim_ip6_prefix_parse(via_l4[i], &p, FALSE, NULL));
    SimIface *o = sim_link_end(t->l[SX_L4], 0);
    SimIp6Addr gw = fx_addr("2001:db8:4::3");
    cr_assert(sim_ip6_table_route_add_via(ip, TABLE_T, &p, &o, &gw, 1, &e), "%s",
              e ? e->message : "");
  }
  sx_route(t, SX_R3, "2001:db8:1::/64", SX_L3, 1, "2001:db8:3::2");
}

/* Puts @k on link @link at its end 0, addressed to the peer (R1 -> R2 on
 * L2, hA -> R1 on L1). */
static void
inject(Sx *t, int link, const Bytes *k)
{
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM, k->b,
                                           k->len, 0);
  sim_net_packet_created(t->net, p);
  sim_iface_send_ether(sim_link_end(t->l[link], 0), p,
                       sim_iface_mac(sim_link_end(t->l[link], 1)));
}

static void
run(Sx *t)
{
  sim_run_until(t->ctx, sim_now(t->ctx) + SIM_MS(5));
}

typedef struct {
  FxPcap l[SX_NL];
} Caps;

/* The frames of every link; @clean: tshark must flag nothing (all but the
 * captures carrying deliberately malformed packets). */
static void
caps_read(Sx *t, Caps *c, bool clean)
{
  for (int k = 0; k < SX_NL; k++) {
    if (clean) {
      c->l[k] = sx_frames(t, k);
      continue;
    }
    if (t->w[k]) {
      sim_iface_set_pcap(sim_link_end(t->l[k], 0), NULL);
      cr_assert(sim_pcap_writer_close(t->w[k], NULL));
      t->w[k] = NULL;
    }
    c->l[k] = fx_pcap_read(t->path[k]);
  }
}

static void
caps_clear(Caps *c)
{
  for (int k = 0; k < SX_NL; k++)
    fx_pcap_clear(&c->l[k]);
}

static void
expect_frames(const Caps *c, const char *what, const int want[SX_NL])
{
  guint n[SX_NL];
  bool ok = true;
  for (int k = 0; k < SX_NL; k++) {
    n[k] = c->l[k].frames->len;
    ok = ok && (int)n[k] == want[k];
  }
  cr_assert(ok, "%s: frames on L1..L5: %u %u %u %u %u, expected %d %d %d %d %d", what, n[0], n[1],
            n[2], n[3], n[4], want[0], want[1], want[2], want[3], want[4]);
}

typedef struct {
  const uint8_t *ip; /* the message's IPv6 header */
  int type, code;
  uint32_t param;
  const uint8_t *quote; /* the invoking packet */
  size_t quote_len;
} Icmp;

/* The ICMPv6 error R2 sent back to hA on L2 (after the injected frame). */
static Icmp
expect_error(const Caps *c, const char *what, int type, int code, uint32_t param)
{
  cr_assert_eq(c->l[SX_L2].frames->len, 2,
               "%s: %u frames on L2, expected the packet and one ICMPv6 error", what,
               c->l[SX_L2].frames->len);
  size_t len;
  const uint8_t *ip = sx_ip6(&c->l[SX_L2], 1, &len);
  cr_assert(ip[6] == SIM_IPPROTO_ICMPV6 && len >= 48, "%s: frame 2 on L2 is not ICMPv6 (%u)", what,
            ip[6]);
  Icmp m = { ip, ip[40], ip[41], be32(ip + 44), ip + 48, len - 48 };
  cr_assert_eq(m.type, type, "%s: ICMPv6 type %d, expected %d", what, m.type, type);
  cr_assert_eq(m.code, code, "%s: ICMPv6 code %d, expected %d", what, m.code, code);
  cr_assert_eq(m.param, param, "%s: ICMPv6 pointer/parameter %u, expected %u", what, m.param,
               param);
  expect_addr(ip + 24, HA, "the error goes to the source");
  cr_assert_geq(m.quote_len, 40, "%s: quote of %zu bytes", what, m.quote_len);
  return m;
}

static void
expect_drop(Sx *t, const SimSrv6Sid *sid, SimDropReason reason, const char *what)
{
  const SimNetCounters *nc = sim_net_counters(t->net);
  uint64_t at_node = sim_node_drops(t->n[SX_R2], reason);
  cr_assert_eq(nc->dropped, 1, "%s: %" PRIu64 " drops in the network, expected 1 (%s)", what,
               nc->dropped, sim_drop_reason_name(reason));
  cr_assert_eq(at_node, 1, "%s: R2 dropped %" PRIu64 " as %s, expected 1", what, at_node,
               sim_drop_reason_name(reason));
  if (sid) {
    const SimSrv6Counters *sc = sim_srv6_sid_counters(sid);
    uint64_t d = sim_srv6_sid_drops(sid, reason);
    cr_assert_eq(d, 1, "%s: the SID counted %" PRIu64 " %s drops, expected 1", what, d,
                 sim_drop_reason_name(reason));
    cr_assert(sc->packets == 1 && sc->dropped == 1,
              "%s: SID counters packets %" PRIu64 " dropped %" PRIu64 ", expected 1 and 1", what,
              sc->packets, sc->dropped);
  }
}

static void
expect_no_drop(Sx *t, const SimSrv6Sid *sid, const char *what)
{
  const SimNetCounters *nc = sim_net_counters(t->net);
  cr_assert_eq(nc->dropped, 0, "%s: %" PRIu64 " drops in the network (first: hop_limit %" PRIu64
               ", srh_invalid %" PRIu64 ", no_route %" PRIu64 "), expected none",
               what, nc->dropped, nc->drops[SIM_DROP_HOP_LIMIT], nc->drops[SIM_DROP_SRH_INVALID],
               nc->drops[SIM_DROP_NO_ROUTE]);
  if (sid) {
    const SimSrv6Counters *sc = sim_srv6_sid_counters(sid);
    cr_assert(sc->packets == 1 && sc->dropped == 0,
              "%s: SID counters packets %" PRIu64 " dropped %" PRIu64 ", expected 1 and 0", what,
              sc->packets, sc->dropped);
  }
}

/* ---- one row per behaviour ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *sid;
  bool decap;     /* Segments Left must be 0 (RFC 8986 §4.4-4.8 S02-S04) */
  int out;        /* the link normal processing leaves R2 on; -1: none without IPv4 */
  bool adj;       /* an adjacency over L4 (End.X, End.DX6, End.DX4) */
  uint32_t table; /* table T (End.T, End.DT*) */
  int b6;         /* End.B6.*: 1 Encaps, 2 Encaps.Red; B = <fc00:0:3::1, fc00:0:3::d6> */
} Row;

static const Row rows[] = {
  { "End", "fc00:0:2::1", false, SX_L3, false, 0, 0 },          /* RFC 8986 §4.1 */
  { "End.X", "fc00:0:2::40", false, SX_L4, true, 0, 0 },        /* §4.2 */
  { "End.T", "fc00:0:2::10", false, SX_L4, false, TABLE_T, 0 }, /* §4.3 */
  { "End.DX6", "fc00:0:2::c6", true, SX_L4, true, 0, 0 },       /* §4.4 */
  { "End.DX4", "fc00:0:2::c4", true, -1, true, 0, 0 },          /* §4.5 */
  { "End.DT6", "fc00:0:2::d6", true, SX_L4, false, TABLE_T, 0 }, /* §4.6 */
  { "End.DT4", "fc00:0:2::d4", true, -1, false, TABLE_T, 0 },    /* §4.7 */
  { "End.DT46", "fc00:0:2::d46", true, SX_L3, false, 0, 0 },     /* §4.8: the main table */
  { "End.B6.Encaps", "fc00:0:2::b6", false, SX_L3, false, 0, 1 }, /* §4.13 */
  { "End.B6.Encaps.Red", "fc00:0:2::b7", false, SX_L3, false, 0, 2 }, /* §4.14 */
};

/* The first three rows take the PSP/USP/USD flavours (RFC 8986 §4.16). */
#define N_SEGMENT_ROWS 3

/* The SID of row @r (at @sid/@len, with the C-SID structure @lbl/@lnfl). */
static SimSrv6Sid *
row_add_at(Sx *t, const Row *r, const char *sid, unsigned len, unsigned flavours, uint8_t lbl,
           uint8_t lnfl, GError **error)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = fx_addr(sid);
  c.sid.len = (uint8_t)len;
  c.behaviour = r->name;
  c.flavours = flavours;
  c.lbl = lbl;
  c.lnfl = lnfl;
  SimIp6Addr b[2] = { fx_addr("fc00:0:3::1"), fx_addr("fc00:0:3::d6") };
  if (r->adj) {
    c.out = sim_link_end(t->l[SX_L4], 0);
    c.nh6 = fx_addr("2001:db8:4::3");
    c.nh4 = 0xc0a80403; /* 192.168.4.3 */
  }
  c.table = r->table;
  if (r->b6) {
    c.segments = b;
    c.n_segments = 2;
  }
  return sim_srv6_add_sid(t->sr[SX_R2], &c, error);
}

static SimSrv6Sid *
row_sid(Sx *t, const Row *r, unsigned flavours)
{
  GError *e = NULL;
  SimSrv6Sid *sid = row_add_at(t, r, r->sid, 128, flavours, 0, 0, &e);
  cr_assert_not_null(sid, "%s: %s", r->name, e ? e->message : "");
  return sid;
}

/* What a row processes normally: a packet on its way to hB (End, End.X,
 * End.T, End.B6.*), or an IPv6 packet hA > hB encapsulated to the SID
 * (End.DX6, End.DT6, End.DT46). */
static Spec
row_packet(const Row *r)
{
  if (r->decap)
    return (Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_IP6 };
  return (Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_NONE };
}

/* What leaves R2 after normal processing of @in, and what reaches hB. */
static void
expect_normal(const Row *r, const Caps *c, const Bytes *in)
{
  int want[SX_NL] = { 0, 1, 0, 0, 1 };
  want[r->out] = 1;
  expect_frames(c, r->name, want);
  size_t len;
  const uint8_t *o = sx_ip6(&c->l[r->out], 0, &len);
  char what[96];
  if (r->decap) {
    /* S02-S03 of the upper-layer processing: the inner packet, unchanged
     * (RFC mode does not touch its hop limit) */
    g_snprintf(what, sizeof what, "%s: the decapsulated packet", r->name);
    expect_bytes(o, len, in->b + in->upper, in->len - in->upper, what);
  } else if (r->b6) {
    /* S12-S14 on the inner packet, S15-S19: a new outer header with the
     * SRH of B (reduced: without its first segment, RFC 8986 §5.2) */
    SimIp6Addr seg_list[2] = { fx_addr("fc00:0:3::d6"), fx_addr("fc00:0:3::1") };
    unsigned n = r->b6 == 2 ? 1 : 2;
    uint8_t want_srh[64];
    SimIp6Addr src = fx_addr(R2_LOOPBACK);
    size_t srh_len = sim_srh_write(want_srh, SIM_IPPROTO_IPV6, seg_list, n, 1, NULL, &src);
    g_snprintf(what, sizeof what, "%s: the outer header", r->name);
    cr_assert_eq(len, 40 + srh_len + in->len, "%s: %zu bytes, expected %zu", what, len,
                 40 + srh_len + in->len);
    cr_assert_eq(o[0] >> 4, 6, "%s: version %u", what, o[0] >> 4);
    cr_assert_neq(be32(o) & 0xfffff, 0, "%s: flow label 0, expected a hash (RFC 6437)", what);
    cr_assert_eq((size_t)((o[4] << 8) | o[5]), srh_len + in->len, "%s: payload length %u", what,
                 (o[4] << 8) | o[5]);
    cr_assert_eq(o[6], SIM_IPPROTO_ROUTING, "%s: next header %u", what, o[6]);
    cr_assert_eq(o[7], 64, "%s: hop limit %u, expected the default 64", what, o[7]);
    expect_addr(o + 8, R2_LOOPBACK, "outer source");
    expect_addr(o + 24, "fc00:0:3::1", "outer destination: the first SID of B");
    g_snprintf(what, sizeof what, "%s: the SRH containing B", r->name);
    expect_bytes(o + 40, srh_len, want_srh, srh_len, what);
    uint8_t inner[sizeof in->b];
    memcpy(inner, in->b, in->len);
    apply_end(inner);
    g_snprintf(what, sizeof what, "%s: the inner packet (S12-S14)", r->name);
    expect_bytes(o + 40 + srh_len, len - 40 - srh_len, inner, in->len, what);
  } else {
    /* S12-S15: hop limit - 1, Segments Left - 1, DA = Segment List[SL],
     * nothing else changes (the SRH stays) */
    uint8_t want_b[sizeof in->b];
    memcpy(want_b, in->b, in->len);
    apply_end(want_b);
    g_snprintf(what, sizeof what, "%s: the packet after the behaviour", r->name);
    expect_bytes(o, len, want_b, in->len, what);
  }
  o = sx_ip6(&c->l[SX_L5], 0, &len);
  expect_addr(o + 24, HB, "what reaches hB");
}

/* RFC 8986 §4.1-4.14: what each behaviour does with the packet it is made
 * for - which link, destination, Segments Left, hop limit, SRH kept or not */
Test(srv6_endpoint, rows_normal_processing_rfc8986_4)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    if (r->out < 0)
      continue;
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Spec s = row_packet(r);
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_normal(r, &c, &in);
    expect_no_drop(&t, sid, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.1.1 S01-S03 (End, End.X, End.T, End.B6.* through S02-S04,
 * the decapsulating rows for an upper layer that is not theirs): an ICMPv6
 * echo request to the SID with Segments Left 0 is answered */
Test(srv6_endpoint, rows_segments_left_0_icmpv6_is_delivered_rfc8986_4_1_1)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    build(&(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_ICMP }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
    size_t len;
    const uint8_t *o = sx_ip6(&c.l[SX_L2], 1, &len);
    cr_assert(o[6] == SIM_IPPROTO_ICMPV6 && o[40] == SIM_ICMP6_ECHO_REPLY,
              "%s: next header %u type %u, expected an echo reply", r->name, o[6], o[40]);
    expect_addr(o + 8, r->sid, "the reply comes from the SID (RFC 4443 §4.2)");
    expect_addr(o + 24, HA, "the reply goes to hA");
    cr_assert(o[44] == 0x12 && o[45] == 0x34 && o[47] == 1, "%s: identifier/sequence changed",
              r->name);
    expect_no_drop(&t, sid, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.1.1 S04-S05: any other upper layer gets Parameter Problem
 * code 4 (SR Upper-layer Header Error) pointing at it */
Test(srv6_endpoint, rows_segments_left_0_udp_parameter_problem_code_4_rfc8986_4_1_1)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    build(&(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_UDP }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
    Icmp m = expect_error(&c, r->name, SIM_ICMP6_PARAM_PROBLEM, 4, (uint32_t)in.upper);
    expect_bytes(m.quote, m.quote_len, in.b, in.len, "the quote is the packet as received");
    expect_drop(&t, sid, SIM_DROP_SRV6_UPPER_LAYER, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* End.DX4 and End.DT4 (RFC 8986 §4.5, §4.7 S01, S05): an IPv6 packet
 * inside is not theirs - the §4.1.1 treatment, Parameter Problem code 4 at
 * the inner header; an IPv4 one where no IPv4 is configured is dropped */
Test(srv6_endpoint, ipv4_rows_ipv6_inner_gets_upper_layer_treatment_rfc8986_4_5)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    if (r->out >= 0)
      continue;
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    build(&(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_IP6 }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
    expect_error(&c, r->name, SIM_ICMP6_PARAM_PROBLEM, 4, 64);
    expect_drop(&t, sid, SIM_DROP_SRV6_UPPER_LAYER, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

Test(srv6_endpoint, ipv4_inner_without_ipv4_is_dropped_rfc8986_4_5_4_7_4_8)
{
  const char *names[] = { "End.DX4", "End.DT4", "End.DT46" };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    bool v4 = false;
    for (size_t j = 0; j < G_N_ELEMENTS(names); j++)
      v4 = v4 || strcmp(names[j], r->name) == 0;
    if (!v4)
      continue;
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    build(&(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_IP4 }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_frames(&c, r->name, (int[]){ 0, 1, 0, 0, 0 });
    expect_drop(&t, sid, SIM_DROP_SRV6_NO_IPV4, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.4-4.8 S02-S04: a decapsulating SID with Segments Left != 0
 * answers Parameter Problem code 0 pointing at Segments Left */
Test(srv6_endpoint, decapsulating_rows_segments_left_not_0_rfc8986_4_4_s02)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    if (!r->decap)
      continue;
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    build(&(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_IP6 }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
    Icmp m = expect_error(&c, r->name, SIM_ICMP6_PARAM_PROBLEM, 0, 43);
    expect_bytes(m.quote, m.quote_len, in.b, in.len, "the quote is the packet as received");
    expect_drop(&t, sid, SIM_DROP_SRV6_SEGMENTS_LEFT, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* ---- malformed SRHs, checked before any row runs ----------------------------------------------- */

static void
mangle_last_entry(Bytes *k)
{
  k->b[44] = 2; /* two segments: Hdr Ext Len 4, max_LE 1 */
}

static void
mangle_segments_left(Bytes *k)
{
  k->b[43] = 3; /* Last Entry 1 */
}

static void
mangle_hdr_ext_len(Bytes *k)
{
  k->b[41] = 1; /* 16 bytes: no room for one segment, max_LE = -1 */
}

static void
mangle_truncated(Bytes *k)
{
  k->len = 40 + 24; /* the SRH says 40 bytes, the packet holds 24 */
  k->b[4] = 0;
  k->b[5] = 24;
}

static void
mangle_tlv_past_end(Bytes *k)
{
  const uint8_t padn[8] = { SIM_SRH_TLV_PADN, 10 }; /* 12 bytes in 8 */
  append_tlvs(k, padn, sizeof padn);
}

static void
mangle_hmac_length(Bytes *k)
{
  uint8_t hmac[40] = { SIM_SRH_TLV_HMAC, 37 }; /* not 6 + a multiple of 8 */
  append_tlvs(k, hmac, sizeof hmac);
}

typedef struct {
  const char *what;
  void (*mangle)(Bytes *k);
  SimDropReason reason;
  int pointer; /* Parameter Problem code 0 pointer; -1: no ICMPv6 error */
} Malformed;

static const Malformed malformed[] = {
  /* RFC 8986 §4.1 S08-S10: Last Entry > max_LE, pointer at Segments Left */
  { "Last Entry > Hdr Ext Len / 2 - 1", mangle_last_entry, SIM_DROP_SRH_INVALID, 43 },
  /* RFC 8754 §4.3.1.1, RFC 8986 §4.1 S09: Segments Left > Last Entry + 1 */
  { "Segments Left > Last Entry + 1", mangle_segments_left, SIM_DROP_SRH_INVALID, 43 },
  /* S08-S10 with Hdr Ext Len 1: max_LE = -1 */
  { "Hdr Ext Len 1 (odd, no room for a segment)", mangle_hdr_ext_len, SIM_DROP_SRH_INVALID, 43 },
  /* RFC 8200 §4: a header past the payload cannot be processed */
  { "truncated", mangle_truncated, SIM_DROP_BAD_HEADER, -1 },
  /* RFC 8754 §2.1: a TLV past the SRH, pointer at the TLV */
  { "TLV running past the SRH", mangle_tlv_past_end, SIM_DROP_SRH_INVALID, 40 + 40 },
  /* RFC 8754 §2.1.2: HMAC TLV length 6 + a multiple of 8 up to 38 */
  { "HMAC TLV length 37", mangle_hmac_length, SIM_DROP_SRH_INVALID, 40 + 40 + 1 },
};

/* RFC 8754 §4.3.1.1 / RFC 8986 §4.1 S08-S10: every SID validates the SRH
 * first; a malformed one is dropped with Parameter Problem code 0 at the
 * field at fault */
Test(srv6_endpoint, rows_malformed_srh_rfc8754_4_3_1_1)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    for (size_t j = 0; j < G_N_ELEMENTS(malformed); j++) {
      const Row *r = &rows[i];
      const Malformed *mf = &malformed[j];
      char what[128];
      g_snprintf(what, sizeof what, "%s, %s", r->name, mf->what);
      Sx t;
      ep_init(&t);
      SimSrv6Sid *sid = row_sid(&t, r, 0);
      Bytes in;
      build(&(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_UDP }, &in);
      mf->mangle(&in);
      inject(&t, SX_L2, &in);
      run(&t);
      Caps c;
      caps_read(&t, &c, false);
      if (mf->pointer < 0) {
        expect_frames(&c, what, (int[]){ 0, 1, 0, 0, 0 });
      } else {
        expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
        expect_error(&c, what, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)mf->pointer);
      }
      expect_drop(&t, sid, mf->reason, what);
      caps_clear(&c);
      sx_free(&t);
    }
  }
}

/* ---- HMAC (RFC 8754 §2.1.2, §5) ------------------------------------------------------------------- */

static const uint8_t r2_secret[] = "the SR domain's secret";
static const uint8_t wrong_secret[] = "an attacker's guess";

static void
add_r2_key(Sx *t)
{
  SimSrhHmacKey key = { 7, r2_secret, sizeof r2_secret - 1 };
  GError *e = NULL;
  cr_assert(sim_srv6_add_hmac_key(t->sr[SX_R2], &key, &e), "%s", e ? e->message : "");
}

/* RFC 8754 §2.1.2.1: an HMAC that does not verify with the key R2 holds
 * for its key id: dropped, Parameter Problem code 0 at the HMAC TLV */
Test(srv6_endpoint, rows_bad_hmac_is_dropped_rfc8754_2_1_2_1)
{
  SimSrhHmacKey bad = { 7, wrong_secret, sizeof wrong_secret - 1 };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    Sx t;
    ep_init(&t);
    add_r2_key(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Spec s = row_packet(r);
    s.hmac = &bad;
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    unsigned n = r->decap ? 1 : 2;
    expect_error(&c, r->name, SIM_ICMP6_PARAM_PROBLEM, 0, 40 + 8 + 16 * n);
    expect_drop(&t, sid, SIM_DROP_SRV6_HMAC, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8754 §2.1.2.1: an HMAC that verifies changes nothing */
Test(srv6_endpoint, rows_good_hmac_passes_rfc8754_2_1_2_1)
{
  SimSrhHmacKey good = { 7, r2_secret, sizeof r2_secret - 1 };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    if (r->out < 0)
      continue;
    Sx t;
    ep_init(&t);
    add_r2_key(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Spec s = row_packet(r);
    s.hmac = &good;
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    expect_normal(r, &c, &in);
    expect_no_drop(&t, sid, r->name);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8754 §2.1.2.1: a key id R2 does not know is not verified */
Test(srv6_endpoint, hmac_with_unknown_key_id_is_not_verified_rfc8754_2_1_2_1)
{
  SimSrhHmacKey other = { 8, wrong_secret, sizeof wrong_secret - 1 };
  Sx t;
  ep_init(&t);
  add_r2_key(&t);
  SimSrv6Sid *sid = row_sid(&t, &rows[0], 0);
  Spec s = row_packet(&rows[0]);
  s.hmac = &other;
  Bytes in;
  build(&s, &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_normal(&rows[0], &c, &in);
  expect_no_drop(&t, sid, "unknown key id");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 8754 §2.1.2.1 (local configuration): a node that requires the HMAC
 * drops an SRH without an HMAC TLV, or with one of an unknown key id, at
 * its SID (srv6_hmac); a valid one passes */
Test(srv6_endpoint, hmac_required_at_the_sid_rfc8754_2_1_2_1)
{
  SimSrhHmacKey other = { 8, wrong_secret, sizeof wrong_secret - 1 };
  SimSrhHmacKey good = { 7, r2_secret, sizeof r2_secret - 1 };
  const SimSrhHmacKey *cases[] = { NULL, &other, &good };
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    Sx t;
    ep_init(&t);
    add_r2_key(&t);
    sim_srv6_set_hmac_required(t.sr[SX_R2], TRUE);
    SimSrv6Sid *sid = row_sid(&t, &rows[0], 0);
    Spec s = row_packet(&rows[0]);
    s.hmac = cases[k];
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    const char *what = k == 0 ? "required, no HMAC TLV" : k == 1 ? "required, unknown key id"
                                                                  : "required, valid HMAC";
    if (k == 2) {
      expect_normal(&rows[0], &c, &in);
      expect_no_drop(&t, sid, what);
    } else {
      expect_drop(&t, sid, SIM_DROP_SRV6_HMAC, what);
      cr_assert_eq(c.l[SX_L3].frames->len, 0, "%s: forwarded anyway", what);
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8754 §5.1, §5.3: on an interface at the edge of the SR domain, a
 * packet with an SRH comes in only with a valid HMAC when the node holds
 * keys (else srv6_hmac), and not at all without keys (srv6_ingress); so
 * does a packet to a SID of the domain. Nothing reaches the SID. */
typedef struct {
  const char *what;
  bool keys;
  int hmac; /* 0 none, 1 valid, 2 wrong */
  bool srh;
  SimDropReason reason; /* SIM_DROP_N: passes */
} Edge;

Test(srv6_endpoint, external_interface_needs_valid_hmac_rfc8754_5_1)
{
  static const Edge cases[] = {
    { "keys, no HMAC", true, 0, true, SIM_DROP_SRV6_HMAC },
    { "keys, wrong HMAC", true, 2, true, SIM_DROP_SRV6_HMAC },
    { "keys, valid HMAC", true, 1, true, SIM_DROP_N },
    { "no keys, SRH", false, 0, true, SIM_DROP_SRV6_INGRESS },
    { "keys, to a SID without SRH", true, 0, false, SIM_DROP_SRV6_INGRESS },
    { "no keys, to a SID without SRH", false, 0, false, SIM_DROP_SRV6_INGRESS },
  };
  SimSrhHmacKey good = { 7, r2_secret, sizeof r2_secret - 1 };
  SimSrhHmacKey bad = { 7, wrong_secret, sizeof wrong_secret - 1 };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Edge *x = &cases[i];
    Sx t;
    ep_init(&t);
    if (x->keys) {
      add_r2_key(&t);
      sim_srv6_set_hmac_required(t.sr[SX_R2], TRUE);
    }
    sim_srv6_set_iface_mode(t.sr[SX_R2], sim_link_end(t.l[SX_L2], 1), SIM_SRV6_IFACE_EXTERNAL);
    SimSrv6Sid *sid = row_sid(&t, &rows[0], 0);
    Spec s = row_packet(&rows[0]);
    if (!x->srh)
      s = (Spec){ .dst = rows[0].sid, .upper = UP_ICMP };
    s.hmac = x->hmac == 1 ? &good : x->hmac == 2 ? &bad : NULL;
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    if (x->reason == SIM_DROP_N) {
      expect_normal(&rows[0], &c, &in);
      expect_no_drop(&t, sid, x->what);
    } else {
      expect_frames(&c, x->what, (int[]){ 0, 1, 0, 0, 0 });
      expect_drop(&t, NULL, x->reason, x->what);
      cr_assert_eq(sim_srv6_sid_counters(sid)->packets, 0, "%s: the SID saw %" PRIu64 " packets",
                   x->what, sim_srv6_sid_counters(sid)->packets);
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* An internal interface does not filter: a packet without HMAC passes. */
Test(srv6_endpoint, internal_interface_does_not_need_hmac_rfc8754_5_1)
{
  Sx t;
  ep_init(&t);
  add_r2_key(&t);
  sim_srv6_set_iface_mode(t.sr[SX_R2], sim_link_end(t.l[SX_L2], 1), SIM_SRV6_IFACE_INTERNAL);
  SimSrv6Sid *sid = row_sid(&t, &rows[0], 0);
  Spec s = row_packet(&rows[0]);
  Bytes in;
  build(&s, &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_normal(&rows[0], &c, &in);
  expect_no_drop(&t, sid, "internal interface");
  caps_clear(&c);
  sx_free(&t);
}

/* ---- hop limit -------------------------------------------------------------------------------- */

/* RFC 8986 §4.1 S05-S07 (and §4.13 for End.B6.*): hop limit 1 at a SID
 * that forwards gives Time Exceeded before Segments Left changes, so the
 * quote shows the packet as received; the decapsulating rows do not check
 * the outer hop limit (their S01-S03 have no such step) */
Test(srv6_endpoint, rows_hop_limit_1_rfc8986_4_1_s05)
{
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const Row *r = &rows[i];
    if (r->out < 0)
      continue;
    Sx t;
    ep_init(&t);
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Spec s = row_packet(r);
    s.hop_limit = 1;
    Bytes in;
    build(&s, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    if (r->decap) {
      expect_normal(r, &c, &in);
      expect_no_drop(&t, sid, r->name);
    } else {
      expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
      Icmp m = expect_error(&c, r->name, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
      expect_bytes(m.quote, m.quote_len, in.b, in.len, "the quote is the packet as received");
      expect_addr(m.quote + 24, r->sid, "quoted destination");
      cr_assert_eq(m.quote[43], 1, "%s: quoted Segments Left %u", r->name, m.quote[43]);
      expect_drop(&t, sid, SIM_DROP_HOP_LIMIT, r->name);
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* Linux-compatible mode: End and End.X update Segments Left and the
 * destination first (RFC 8754 §4.3.1.1 order) and the forwarding path
 * checks the hop limit, so the Time Exceeded quote shows the updated
 * destination and Segments Left; a packet with a hop limit left goes on
 * with one less */
Test(srv6_endpoint, linux_compat_hop_limit_after_update_rfc8754_4_3_1_1)
{
  for (size_t i = 0; i < 2; i++) {
    const Row *r = &rows[i];
    for (int hl = 1; hl <= 64; hl += 63) {
      Sx t;
      ep_init(&t);
      sim_srv6_set_linux_compat(t.sr[SX_R2], TRUE);
      cr_assert(sim_srv6_linux_compat(t.sr[SX_R2]));
      SimSrv6Sid *sid = row_sid(&t, r, 0);
      Spec s = row_packet(r);
      s.hop_limit = (uint8_t)hl;
      Bytes in;
      build(&s, &in);
      inject(&t, SX_L2, &in);
      run(&t);
      Caps c;
      caps_read(&t, &c, true);
      if (hl == 64) {
        expect_normal(r, &c, &in);
        expect_no_drop(&t, sid, r->name);
      } else {
        expect_frames(&c, r->name, (int[]){ 1, 2, 0, 0, 0 });
        Icmp m = expect_error(&c, r->name, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
        expect_addr(m.quote + 24, HB, "Linux mode: the quote shows the updated destination");
        cr_assert_eq(m.quote[43], 0, "%s: quoted Segments Left %u, expected the updated 0",
                     r->name, m.quote[43]);
        cr_assert_eq(m.quote[7], 1, "%s: quoted hop limit %u", r->name, m.quote[7]);
        uint64_t n = sim_node_drops(t.n[SX_R2], SIM_DROP_HOP_LIMIT);
        cr_assert_eq(n, 1, "%s: %" PRIu64 " hop_limit drops at R2", r->name, n);
        cr_assert_eq(sim_srv6_sid_drops(sid, SIM_DROP_HOP_LIMIT), 0,
                     "%s: the forwarding path drops it, not the SID", r->name);
      }
      caps_clear(&c);
      sx_free(&t);
    }
  }
}

/* Linux-compatible mode: SRH errors and upper-layer errors are dropped
 * without ICMPv6 (seg6_local drops) */
Test(srv6_endpoint, linux_compat_srh_errors_are_dropped_without_icmpv6)
{
  for (int kind = 0; kind < 3; kind++) {
    Sx t;
    ep_init(&t);
    sim_srv6_set_linux_compat(t.sr[SX_R2], TRUE);
    const Row *r = kind == 2 ? &rows[5] : &rows[0]; /* End, End.DT6 */
    SimSrv6Sid *sid = row_sid(&t, r, 0);
    Bytes in;
    SimDropReason reason;
    const char *what;
    if (kind == 0) {
      build(&(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_UDP }, &in);
      mangle_segments_left(&in);
      reason = SIM_DROP_SRH_INVALID;
      what = "Linux mode, Segments Left > Last Entry + 1";
    } else if (kind == 1) {
      build(&(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_UDP }, &in);
      reason = SIM_DROP_SRV6_UPPER_LAYER;
      what = "Linux mode, UDP at Segments Left 0";
    } else {
      build(&(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_IP6 }, &in);
      reason = SIM_DROP_SRV6_SEGMENTS_LEFT;
      what = "Linux mode, End.DT6 with Segments Left 1";
    }
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, kind != 0);
    expect_frames(&c, what, (int[]){ 0, 1, 0, 0, 0 });
    expect_drop(&t, sid, reason, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8754 §2.1.2: with the D flag set (a reduced segment list) the
 * destination is not checked against the active segment; without it, a
 * destination that is not Segment List[Segments Left] fails the HMAC */
Test(srv6_endpoint, hmac_d_flag_skips_the_destination_check_rfc8754_2_1_2)
{
  SimSrhHmacKey good = { 7, r2_secret, sizeof r2_secret - 1 };
  for (int d = 0; d <= 1; d++) {
    Sx t;
    ep_init(&t);
    add_r2_key(&t);
    SimSrv6Sid *sid = row_sid(&t, &rows[0], 0);
    /* reduced: the SID is only in the destination, Segments Left = Last Entry + 1 */
    Bytes in;
    build(&(Spec){ .dst = rows[0].sid, .segs = { HB }, .sl = 1, .upper = UP_NONE, .hmac = &good },
          &in);
    if (d)
      in.b[40 + 8 + 16 + 2] |= 0x80;
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    if (d) {
      expect_normal(&rows[0], &c, &in);
      expect_no_drop(&t, sid, "D flag set");
    } else {
      expect_error(&c, "D flag clear", SIM_ICMP6_PARAM_PROBLEM, 0, 40 + 8 + 16);
      expect_drop(&t, sid, SIM_DROP_SRV6_HMAC, "D flag clear");
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* ---- flavours (RFC 8986 §4.16) ------------------------------------------------------------------ */

/* RFC 8986 §4.16.1 S14.2-S14.4 on a copy: the SRH at 40 goes, the Next
 * Header and Payload Length are fixed. */
static void
strip_srh(uint8_t *b, size_t *len)
{
  size_t srh = ((size_t)b[41] + 1) * 8;
  b[6] = b[40];
  memmove(b + 40, b + 40 + srh, *len - 40 - srh);
  *len -= srh;
  b[4] = (uint8_t)((*len - 40) >> 8);
  b[5] = (uint8_t)(*len - 40);
}

/* Runs @s through the SID of @r with @flavours at R2. */
static SimSrv6Sid *
flavour_run(Sx *t, Caps *c, const Row *r, unsigned flavours, const Spec *s, Bytes *in)
{
  ep_init(t);
  SimSrv6Sid *sid = row_sid(t, r, flavours);
  build(s, in);
  inject(t, SX_L2, in);
  run(t);
  caps_read(t, c, true);
  return sid;
}

static void
expect_out(const Caps *c, int link, const uint8_t *want, size_t len, const char *what)
{
  int n[SX_NL] = { 0, 1, 0, 0, 1 };
  n[link] = 1;
  expect_frames(c, what, n);
  size_t l;
  const uint8_t *o = sx_ip6(&c->l[link], 0, &l);
  expect_bytes(o, l, want, len, what);
}

/* RFC 8986 §4.16.1: PSP pops the SRH when Segments Left becomes 0 (S14.1-
 * S14.5), and only then */
Test(srv6_endpoint, psp_pops_the_srh_at_the_penultimate_segment_rfc8986_4_16_1)
{
  for (size_t i = 0; i < N_SEGMENT_ROWS; i++) {
    const Row *r = &rows[i];
    char what[96];
    Sx t;
    Caps c;
    Bytes in;
    SimSrv6Sid *sid = flavour_run(
      &t, &c, r, SIM_SRV6_PSP, &(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_NONE }, &in);
    uint8_t want[sizeof in.b];
    size_t len = in.len;
    memcpy(want, in.b, len);
    apply_end(want);
    strip_srh(want, &len);
    cr_assert_eq(want[6], SIM_IPPROTO_NONE);
    g_snprintf(what, sizeof what, "%s PSP, Segments Left 1 -> 0: popped", r->name);
    expect_out(&c, r->out, want, len, what);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);

    sid = flavour_run(&t, &c, r, SIM_SRV6_PSP,
                      &(Spec){ .segs = { HB, "fc00:0:3::1", r->sid }, .sl = 2, .upper = UP_NONE },
                      &in);
    len = in.len;
    memcpy(want, in.b, len);
    apply_end(want);
    g_snprintf(what, sizeof what, "%s PSP, Segments Left 2 -> 1: kept", r->name);
    expect_out(&c, r->out, want, len, what);
    size_t l5;
    const uint8_t *o = sx_ip6(&c.l[SX_L5], 0, &l5);
    cr_assert(o[6] == SIM_IPPROTO_ROUTING && o[43] == 0,
              "%s: hB gets next header %u Segments Left %u, expected the SRH with 0", what, o[6],
              o[43]);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.16.2: USP pops the SRH at the ultimate segment (S02-S03),
 * then the next header is processed: an echo request is answered, UDP gets
 * Parameter Problem code 4 pointing at it where it now is (40) and quoting
 * the packet without SRH; with Segments Left 1 the SRH stays */
Test(srv6_endpoint, usp_pops_the_srh_at_the_ultimate_segment_rfc8986_4_16_2)
{
  for (size_t i = 0; i < N_SEGMENT_ROWS; i++) {
    const Row *r = &rows[i];
    char what[96];
    Sx t;
    Caps c;
    Bytes in;
    g_snprintf(what, sizeof what, "%s USP, UDP at Segments Left 0", r->name);
    SimSrv6Sid *sid = flavour_run(
      &t, &c, r, SIM_SRV6_USP, &(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_UDP }, &in);
    expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
    Icmp m = expect_error(&c, what, SIM_ICMP6_PARAM_PROBLEM, 4, 40);
    uint8_t want[sizeof in.b];
    size_t len = in.len;
    memcpy(want, in.b, len);
    strip_srh(want, &len);
    expect_bytes(m.quote, m.quote_len, want, len, "the quote: the packet without its SRH");
    expect_drop(&t, sid, SIM_DROP_SRV6_UPPER_LAYER, what);
    caps_clear(&c);
    sx_free(&t);

    g_snprintf(what, sizeof what, "%s USP, echo request at Segments Left 0", r->name);
    sid = flavour_run(&t, &c, r, SIM_SRV6_USP,
                      &(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_ICMP }, &in);
    expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
    const uint8_t *o = sx_ip6(&c.l[SX_L2], 1, NULL);
    cr_assert(o[6] == SIM_IPPROTO_ICMPV6 && o[40] == SIM_ICMP6_ECHO_REPLY,
              "%s: next header %u type %u, expected an echo reply", what, o[6], o[40]);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);

    g_snprintf(what, sizeof what, "%s USP, Segments Left 1", r->name);
    sid = flavour_run(&t, &c, r, SIM_SRV6_USP,
                      &(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_NONE }, &in);
    expect_normal(r, &c, &in);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.16.3: USD decapsulates at the ultimate segment (with the SRH
 * at Segments Left 0, or without one) and forwards the inner packet - End
 * by the egress FIB, End.X to its adjacency J, End.T in its table T; an
 * upper layer that is not IP gets the §4.1.1 treatment; with Segments Left
 * 1 it is plain End */
Test(srv6_endpoint, usd_decapsulates_at_the_ultimate_segment_rfc8986_4_16_3)
{
  for (size_t i = 0; i < N_SEGMENT_ROWS; i++) {
    const Row *r = &rows[i];
    const Spec specs[] = {
      { .segs = { r->sid }, .sl = 0, .upper = UP_IP6 },
      { .dst = r->sid, .upper = UP_IP6 },
    };
    for (size_t j = 0; j < G_N_ELEMENTS(specs); j++) {
      char what[96];
      g_snprintf(what, sizeof what, "%s USD, IPv6 inside, %s", r->name,
                 j ? "no SRH" : "Segments Left 0");
      Sx t;
      Caps c;
      Bytes in;
      SimSrv6Sid *sid = flavour_run(&t, &c, r, SIM_SRV6_USD, &specs[j], &in);
      expect_out(&c, r->out, in.b + in.upper, in.len - in.upper, what);
      expect_no_drop(&t, sid, what);
      caps_clear(&c);
      sx_free(&t);
    }
    char what[96];
    g_snprintf(what, sizeof what, "%s USD, UDP at Segments Left 0", r->name);
    Sx t;
    Caps c;
    Bytes in;
    SimSrv6Sid *sid = flavour_run(&t, &c, r, SIM_SRV6_USD,
                                  &(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_UDP }, &in);
    expect_error(&c, what, SIM_ICMP6_PARAM_PROBLEM, 4, (uint32_t)in.upper);
    expect_drop(&t, sid, SIM_DROP_SRV6_UPPER_LAYER, what);
    caps_clear(&c);
    sx_free(&t);

    g_snprintf(what, sizeof what, "%s USD, Segments Left 1", r->name);
    sid = flavour_run(&t, &c, r, SIM_SRV6_USD,
                      &(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_NONE }, &in);
    expect_normal(r, &c, &in);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 8986 §4.16.4: PSP, USP and USD combine; each acts where it applies -
 * PSP at Segments Left 1, USD (after USP) on an IPv6 packet at Segments
 * Left 0, USP alone leaves §4.1.1 on the exposed header (code 4 at 40) */
Test(srv6_endpoint, psp_usp_usd_combinations_rfc8986_4_16_4)
{
  static const unsigned combos[] = { SIM_SRV6_PSP | SIM_SRV6_USP, SIM_SRV6_PSP | SIM_SRV6_USD,
                                     SIM_SRV6_USP | SIM_SRV6_USD,
                                     SIM_SRV6_PSP | SIM_SRV6_USP | SIM_SRV6_USD };
  static const char *names[] = { "PSP,USP", "PSP,USD", "USP,USD", "PSP,USP,USD" };
  for (size_t i = 0; i < N_SEGMENT_ROWS; i++) {
    const Row *r = &rows[i];
    for (size_t j = 0; j < G_N_ELEMENTS(combos); j++) {
      unsigned fl = combos[j];
      char what[96], buf[64];
      g_snprintf(what, sizeof what, "%s %s, Segments Left 1", r->name, names[j]);
      Sx t;
      Caps c;
      Bytes in;
      SimSrv6Sid *sid = flavour_run(
        &t, &c, r, fl, &(Spec){ .segs = { HB, r->sid }, .sl = 1, .upper = UP_NONE }, &in);
      cr_assert_eq(sim_srv6_sid_flavours(sid), fl, "%s: flavours 0x%x", what,
                   sim_srv6_sid_flavours(sid));
      cr_assert_str_eq(sim_srv6_flavours_format(fl, buf, sizeof buf), names[j]);
      uint8_t want[sizeof in.b];
      size_t len = in.len;
      memcpy(want, in.b, len);
      apply_end(want);
      if (fl & SIM_SRV6_PSP)
        strip_srh(want, &len);
      expect_out(&c, r->out, want, len, what);
      expect_no_drop(&t, sid, what);
      caps_clear(&c);
      sx_free(&t);

      g_snprintf(what, sizeof what, "%s %s, IPv6 at Segments Left 0", r->name, names[j]);
      sid = flavour_run(&t, &c, r, fl, &(Spec){ .segs = { r->sid }, .sl = 0, .upper = UP_IP6 },
                        &in);
      if (fl & SIM_SRV6_USD) {
        expect_out(&c, r->out, in.b + in.upper, in.len - in.upper, what);
        expect_no_drop(&t, sid, what);
      } else {
        expect_error(&c, what, SIM_ICMP6_PARAM_PROBLEM, 4, 40);
        expect_drop(&t, sid, SIM_DROP_SRV6_UPPER_LAYER, what);
      }
      caps_clear(&c);
      sx_free(&t);
    }
  }
}

/* RFC 8986 §4.16 defines PSP, USP and USD for End, End.X and End.T only;
 * RFC 9800 §4 the C-SID flavours, one at a time, with a SID structure;
 * Linux-compatible mode takes neither USP nor USD, and NEXT-C-SID only on
 * End and End.X. A refused SID is not added and says why. */
typedef struct {
  const char *behaviour;
  unsigned flavours;
  bool linux_mode;
  uint8_t lbl, lnfl, len;
  const char *message; /* NULL: accepted */
} FlavourCase;

Test(srv6_endpoint, flavours_a_row_refuses_rfc8986_4_16)
{
  static const FlavourCase cases[] = {
    { "End.DX6", SIM_SRV6_PSP, false, 0, 0, 128, "End.DX6 does not take the flavour PSP" },
    { "End.DT6", SIM_SRV6_USP, false, 0, 0, 128, "End.DT6 does not take the flavour USP" },
    { "End.DT46", SIM_SRV6_USD, false, 0, 0, 128, "End.DT46 does not take the flavour USD" },
    { "End.DX4", SIM_SRV6_PSP | SIM_SRV6_USD, false, 0, 0, 128,
      "End.DX4 does not take the flavour PSP,USD" },
    { "End.DT4", SIM_SRV6_NEXT_CSID, false, 32, 16, 48,
      "End.DT4 does not take the flavour NEXT-C-SID" },
    { "End.B6.Encaps", SIM_SRV6_PSP, false, 0, 0, 128,
      "End.B6.Encaps does not take the flavour PSP" },
    { "End.B6.Encaps.Red", SIM_SRV6_USD, false, 0, 0, 128,
      "End.B6.Encaps.Red does not take the flavour USD" },
    { "End", SIM_SRV6_NEXT_CSID | SIM_SRV6_REPLACE_CSID, false, 32, 16, 48,
      "NEXT-C-SID and REPLACE-C-SID exclude each other" },
    { "End", SIM_SRV6_NEXT_CSID, false, 0, 0, 48, "compressed SIDs need" },
    { "End.X", SIM_SRV6_REPLACE_CSID, false, 32, 16, 64, "compressed SIDs need" },
    { "End", SIM_SRV6_REPLACE_CSID, false, 48, 24, 72, "REPLACE-C-SID needs a C-SID length" },
    { "End", SIM_SRV6_USP, true, 0, 0, 128,
      "End does not take the flavour USP (in Linux-compatible mode)" },
    { "End.X", SIM_SRV6_USD, true, 0, 0, 128, "End.X does not take the flavour USD" },
    { "End.T", SIM_SRV6_NEXT_CSID, true, 32, 16, 48,
      "End.T does not take the flavour NEXT-C-SID (in Linux-compatible mode)" },
    { "End", SIM_SRV6_REPLACE_CSID, true, 48, 16, 64,
      "End does not take the flavour REPLACE-C-SID" },
    /* accepted */
    { "End", SIM_SRV6_NEXT_CSID | SIM_SRV6_PSP, true, 32, 16, 48, NULL },
    { "End.X", SIM_SRV6_NEXT_CSID, true, 32, 32, 64, NULL },
    { "End.T", SIM_SRV6_REPLACE_CSID | SIM_SRV6_PSP | SIM_SRV6_USD, false, 48, 32, 80, NULL },
    { "End.X", SIM_SRV6_PSP | SIM_SRV6_USP | SIM_SRV6_USD, false, 0, 0, 128, NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const FlavourCase *x = &cases[i];
    Sx t;
    ep_init(&t);
    if (x->linux_mode)
      sim_srv6_set_linux_compat(t.sr[SX_R2], TRUE);
    const Row *r = NULL;
    for (size_t j = 0; j < G_N_ELEMENTS(rows); j++)
      if (strcmp(rows[j].name, x->behaviour) == 0)
        r = &rows[j];
    cr_assert_not_null(r);
    guint before = sim_srv6_n_sids(t.sr[SX_R2]);
    GError *e = NULL;
    SimSrv6Sid *sid =
      row_add_at(&t, r, "fcbb:bb00:2:e000::", x->len, x->flavours, x->lbl, x->lnfl, &e);
    char fl[64];
    sim_srv6_flavours_format(x->flavours, fl, sizeof fl);
    if (x->message) {
      cr_assert_null(sid, "%s with %s: added, expected refused", x->behaviour, fl);
      cr_assert_not_null(e, "%s with %s: no GError", x->behaviour, fl);
      cr_assert(strstr(e->message, x->message) && strstr(e->message, "R2") &&
                  strstr(e->message, "fcbb:bb00:2:e000::"),
                "%s with %s: '%s', expected it to name R2, the SID and say '%s'", x->behaviour,
                fl, e->message, x->message);
      g_error_free(e);
      cr_assert_eq(sim_srv6_n_sids(t.sr[SX_R2]), before, "%s with %s: %u SIDs, expected %u",
                   x->behaviour, fl, sim_srv6_n_sids(t.sr[SX_R2]), before);
    } else {
      cr_assert_not_null(sid, "%s with %s: %s", x->behaviour, fl, e ? e->message : "");
      cr_assert_eq(sim_srv6_sid_flavours(sid), x->flavours);
      cr_assert_str_eq(sim_srv6_sid_behaviour(sid), x->behaviour);
    }
    sx_free(&t);
  }
}

/* ---- compressed SIDs (RFC 9800) ------------------------------------------------------------------ */

static SimSrv6Sid *
csid_sid(Sx *t, int node, const char *prefix, unsigned len, const char *behaviour,
         unsigned flavours, uint8_t lbl, uint8_t lnfl, SimIface *out)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = fx_addr(prefix);
  c.sid.len = (uint8_t)len;
  c.behaviour = behaviour;
  c.flavours = flavours;
  c.lbl = lbl;
  c.lnfl = lnfl;
  c.out = out;
  GError *e = NULL;
  SimSrv6Sid *s = sim_srv6_add_sid(t->sr[node], &c, &e);
  cr_assert_not_null(s, "%s %s/%u: %s", behaviour, prefix, len, e ? e->message : "");
  return s;
}

/* @in as it should look after a walk: destination @da, Segments Left @sl,
 * hop limit @hl, every other byte (the SRH's list included) untouched. */
static void
expect_walked(const uint8_t *o, size_t len, const Bytes *in, const char *da, uint8_t sl,
              uint8_t hl, const char *what)
{
  uint8_t want[sizeof in->b];
  memcpy(want, in->b, in->len);
  SimIp6Addr a = fx_addr(da);
  memcpy(want + 24, a.b, 16);
  want[7] = hl;
  if (want[6] == SIM_IPPROTO_ROUTING)
    want[43] = sl;
  expect_addr(o + 24, da, what);
  expect_bytes(o, len, want, in->len, what);
}

/* The uSID block fcbb:bb00::/32 with 16-bit C-SIDs (the fixture routes
 * fcbb:bb00:N::/48 to node N): End at R2 and R3, and at R2 an End.X over
 * L4 installed as a "Global + Local" entry (C-SIDs 2 and e004, RFC 9800
 * §6.4), all with NEXT-C-SID. */
typedef struct {
  SimSrv6Sid *end2, *endx2, *end3;
} NextCsid;

static NextCsid
next_csid_init(Sx *t, bool linux_mode)
{
  ep_init(t);
  if (linux_mode)
    sim_srv6_set_linux_compat(t->sr[SX_R2], TRUE);
  NextCsid s;
  s.end2 = csid_sid(t, SX_R2, "fcbb:bb00:2::", 48, "End", SIM_SRV6_NEXT_CSID, 32, 16, NULL);
  s.endx2 = csid_sid(t, SX_R2, "fcbb:bb00:2:e004::", 64, "End.X", SIM_SRV6_NEXT_CSID, 32, 32,
                     sim_link_end(t->l[SX_L4], 0));
  s.end3 = csid_sid(t, SX_R3, "fcbb:bb00:3::", 48, "End", SIM_SRV6_NEXT_CSID, 32, 16, NULL);
  return s;
}

/* RFC 9800 §4.1.1 S01-S08: End with NEXT-C-SID and an argument shifts it
 * by one C-SID (S05), zero-fills the end (S06), leaves the SRH alone; the
 * container fcbb:bb00:2:3:2:3:: bounces R2 -> R3 -> R2 -> R3, where the
 * argument is 0 and End takes the next segment from the SRH */
Test(srv6_endpoint, next_csid_end_shifts_the_argument_rfc9800_4_1_1)
{
  Sx t;
  NextCsid s = next_csid_init(&t, false);
  Bytes in;
  build(&(Spec){ .segs = { HB, "fcbb:bb00:2:3:2:3::" }, .sl = 1, .upper = UP_NONE }, &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_frames(&c, "NEXT-C-SID walk", (int[]){ 0, 1, 3, 0, 1 });
  static const char *das[] = { "fcbb:bb00:3:2:3::", "fcbb:bb00:2:3::", "fcbb:bb00:3::" };
  for (guint i = 0; i < G_N_ELEMENTS(das); i++) {
    size_t len;
    const uint8_t *o = sx_ip6(&c.l[SX_L3], i, &len);
    char what[64];
    g_snprintf(what, sizeof what, "NEXT-C-SID frame %u on L3", i + 1);
    expect_walked(o, len, &in, das[i], 1, (uint8_t)(63 - i), what);
  }
  size_t len;
  const uint8_t *o = sx_ip6(&c.l[SX_L5], 0, &len);
  expect_walked(o, len, &in, HB, 0, 60, "argument 0 at R3: End (S14), to hB");
  cr_assert(sim_srv6_sid_counters(s.end2)->packets == 2 &&
              sim_srv6_sid_counters(s.end3)->packets == 2,
            "R2 End saw %" PRIu64 ", R3 End %" PRIu64 " packets, expected 2 each",
            sim_srv6_sid_counters(s.end2)->packets, sim_srv6_sid_counters(s.end3)->packets);
  expect_no_drop(&t, NULL, "NEXT-C-SID walk");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.1.2: End.X with NEXT-C-SID shifts too (its 32-bit Global +
 * Local C-SID) and sends to its adjacency J (L4), not by the FIB (L3) */
Test(srv6_endpoint, next_csid_end_x_shifts_and_uses_the_adjacency_rfc9800_4_1_2)
{
  Sx t;
  NextCsid s = next_csid_init(&t, false);
  Bytes in;
  build(&(Spec){ .segs = { HB, "fcbb:bb00:2:e004:3::" }, .sl = 1, .upper = UP_NONE }, &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_frames(&c, "End.X NEXT-C-SID", (int[]){ 0, 1, 0, 1, 1 });
  size_t len;
  const uint8_t *o = sx_ip6(&c.l[SX_L4], 0, &len);
  expect_walked(o, len, &in, "fcbb:bb00:3::", 1, 63, "End.X NEXT-C-SID on L4");
  o = sx_ip6(&c.l[SX_L5], 0, &len);
  expect_walked(o, len, &in, HB, 0, 62, "R3 End, to hB");
  expect_no_drop(&t, s.endx2, "End.X NEXT-C-SID");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.1.1-4.1.2 (S01 false): with the argument 0, End and End.X
 * with NEXT-C-SID are RFC 8986 End and End.X; "Ping a SID without a
 * Segment List" (RFC 9800 §10.1): the echo request to the SID with argument
 * 0 is answered */
Test(srv6_endpoint, next_csid_argument_0_is_plain_end_rfc9800_4_1)
{
  const struct {
    const char *sid;
    int link;
  } cases[] = { { "fcbb:bb00:2::", SX_L3 }, { "fcbb:bb00:2:e004::", SX_L4 } };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    Sx t;
    next_csid_init(&t, false);
    Bytes in;
    build(&(Spec){ .segs = { HB, cases[i].sid }, .sl = 1, .upper = UP_NONE }, &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    uint8_t want[sizeof in.b];
    memcpy(want, in.b, in.len);
    apply_end(want);
    expect_out(&c, cases[i].link, want, in.len, cases[i].sid);
    expect_no_drop(&t, NULL, cases[i].sid);
    caps_clear(&c);
    sx_free(&t);
  }
  Sx t;
  NextCsid s = next_csid_init(&t, false);
  Bytes in;
  build(&(Spec){ .dst = "fcbb:bb00:2::", .upper = UP_ICMP }, &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_frames(&c, "ping fcbb:bb00:2::", (int[]){ 1, 2, 0, 0, 0 });
  const uint8_t *o = sx_ip6(&c.l[SX_L2], 1, NULL);
  cr_assert(o[6] == SIM_IPPROTO_ICMPV6 && o[40] == SIM_ICMP6_ECHO_REPLY,
            "next header %u type %u, expected an echo reply", o[6], o[40]);
  expect_addr(o + 8, "fcbb:bb00:2::", "the reply comes from the SID");
  expect_no_drop(&t, s.end2, "ping fcbb:bb00:2::");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.1.1 S02-S04: hop limit 1 with an argument: Time Exceeded
 * before the shift (the quote shows the container as received); in
 * Linux-compatible mode the forwarding path checks after the shift */
Test(srv6_endpoint, next_csid_hop_limit_1_rfc9800_4_1_1_s02)
{
  for (int lx = 0; lx <= 1; lx++) {
    Sx t;
    NextCsid s = next_csid_init(&t, lx);
    Bytes in;
    build(&(Spec){ .segs = { HB, "fcbb:bb00:2:3::" }, .sl = 1, .upper = UP_NONE, .hop_limit = 1 },
          &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    const char *what = lx ? "NEXT-C-SID, Linux mode" : "NEXT-C-SID";
    expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
    Icmp m = expect_error(&c, what, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
    if (lx) {
      expect_walked(m.quote, m.quote_len, &in, "fcbb:bb00:3::", 1, 1,
                    "Linux mode: the quote shows the shifted destination");
      cr_assert_eq(sim_srv6_sid_drops(s.end2, SIM_DROP_HOP_LIMIT), 0);
      cr_assert_eq(sim_node_drops(t.n[SX_R2], SIM_DROP_HOP_LIMIT), 1);
    } else {
      expect_bytes(m.quote, m.quote_len, in.b, in.len, "the quote is the packet as received");
      expect_drop(&t, s.end2, SIM_DROP_HOP_LIMIT, what);
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* The SIDs 2001:db8:b:NN00::/64 of the illustrations (draft-clad-spring-
 * srv6-srh-compression-illus, for RFC 9800; LBL 48, LNFL 16): nodes N12 at
 * R1, N13, N15, N17 at R2, N14, N16, N18 at R3, with routes for the block
 * from R1 to R2 and between R2 and R3. */
static void
illus_init(Sx *t, unsigned flavours, unsigned n18_flavours)
{
  sx_init(t, true);
  sx_route(t, SX_R1, "2001:db8:b::/48", SX_L2, 0, "2001:db8:2::2");
  sx_route(t, SX_R2, "2001:db8:b::/48", SX_L3, 0, "2001:db8:3::3");
  sx_route(t, SX_R3, "2001:db8:b::/48", SX_L3, 1, "2001:db8:3::2");
  static const struct {
    int node;
    const char *sid;
  } n[] = { { SX_R1, "2001:db8:b:1200::" }, { SX_R2, "2001:db8:b:1300::" },
            { SX_R3, "2001:db8:b:1400::" }, { SX_R2, "2001:db8:b:1500::" },
            { SX_R3, "2001:db8:b:1600::" }, { SX_R2, "2001:db8:b:1700::" },
            { SX_R3, "2001:db8:b:1800::" } };
  for (size_t i = 0; i < G_N_ELEMENTS(n); i++)
    csid_sid(t, n[i].node, n[i].sid, 64, "End", i == 6 ? n18_flavours : flavours, 48, 16, NULL);
}

typedef struct {
  const char *da;
  uint8_t sl;
  bool no_srh; /* popped (PSP) */
} Hop;

/* Checks the walk: what R1 sent on L2, what R2 and R3 sent to each other
 * on L3 (in order), and that hB got the inner packet. */
static void
expect_illus_walk(const Caps *c, const Bytes *in, const Hop *hops, guint n, const char *what)
{
  int want[SX_NL] = { 1, 1, (int)n - 1, 0, 1 };
  expect_frames(c, what, want);
  for (guint i = 0; i < n; i++) {
    size_t len;
    const uint8_t *o = sx_ip6(i == 0 ? &c->l[SX_L2] : &c->l[SX_L3], i == 0 ? 0 : i - 1, &len);
    char w[96];
    g_snprintf(w, sizeof w, "%s: @N%u", what, 12 + i);
    uint8_t hl = (uint8_t)(63 - i);
    if (hops[i].no_srh) {
      Bytes popped = *in;
      strip_srh(popped.b, &popped.len);
      expect_walked(o, len, &popped, hops[i].da, 0, hl, w);
    } else {
      expect_walked(o, len, in, hops[i].da, hops[i].sl, hl, w);
    }
  }
  size_t len;
  const uint8_t *o = sx_ip6(&c->l[SX_L5], 0, &len);
  expect_bytes(o, len, in->b + in->upper, in->len - in->upper, "@N18: the inner packet (USD)");
}

/* RFC 9800 §4.1.1 with USD (§4.1.8): the NEXT-C-SID "Case 1" walk of the
 * illustrations - the container 2001:db8:b:1200:1300:1400:1500:1600 and
 * the SRH entry 2001:db8:b:1700:1800::, decapsulated at N18 */
Test(srv6_endpoint, next_csid_illustration_intra_domain_te_rfc9800)
{
  Sx t;
  illus_init(&t, SIM_SRV6_NEXT_CSID | SIM_SRV6_USD, SIM_SRV6_NEXT_CSID | SIM_SRV6_USD);
  Bytes in;
  build(&(Spec){ .segs = { "2001:db8:b:1700:1800::", "2001:db8:b:1200:1300:1400:1500:1600" },
                 .sl = 1,
                 .upper = UP_IP6 },
        &in);
  inject(&t, SX_L1, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  static const Hop hops[] = {
    { "2001:db8:b:1300:1400:1500:1600:0", 1, false }, /* @N12 */
    { "2001:db8:b:1400:1500:1600::", 1, false },      /* @N13 */
    { "2001:db8:b:1500:1600::", 1, false },           /* @N14 */
    { "2001:db8:b:1600::", 1, false },                /* @N15 */
    { "2001:db8:b:1700:1800::", 0, false },           /* @N16: argument 0, End */
    { "2001:db8:b:1800::", 0, false },                /* @N17 */
  };
  expect_illus_walk(&c, &in, hops, G_N_ELEMENTS(hops), "NEXT-C-SID illustration");
  expect_no_drop(&t, NULL, "NEXT-C-SID illustration");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.2.1 (S02 modified, S09-S29) with USD: the REPLACE-C-SID
 * "Case 1" walk of the illustrations - DA 2001:db8:b:1200::, one container
 * 0:0:1800:1700:1600:1500:1400:1300 with Segments Left 1; each node writes
 * the next C-SID after the block and the index into the argument; N18 is a
 * plain End with USD (and, the same, an End with REPLACE-C-SID where S02
 * finds the C-SID before the index to be 0) */
Test(srv6_endpoint, replace_csid_illustration_intra_domain_te_rfc9800_4_2_1)
{
  static const unsigned n18[] = { SIM_SRV6_USD, SIM_SRV6_REPLACE_CSID | SIM_SRV6_USD };
  for (size_t k = 0; k < G_N_ELEMENTS(n18); k++) {
    Sx t;
    illus_init(&t, SIM_SRV6_REPLACE_CSID | SIM_SRV6_USD, n18[k]);
    Bytes in;
    build(&(Spec){ .dst = "2001:db8:b:1200::",
                   .segs = { "::1800:1700:1600:1500:1400:1300" },
                   .sl = 1,
                   .upper = UP_IP6 },
          &in);
    inject(&t, SX_L1, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    static const Hop hops[] = {
      { "2001:db8:b:1300::7", 0, false }, /* @N12: S24-S25, S28 */
      { "2001:db8:b:1400::6", 0, false }, /* @N13: S13, S28 */
      { "2001:db8:b:1500::5", 0, false }, { "2001:db8:b:1600::4", 0, false },
      { "2001:db8:b:1700::3", 0, false }, { "2001:db8:b:1800::2", 0, false },
    };
    expect_illus_walk(&c, &in, hops, G_N_ELEMENTS(hops), "REPLACE-C-SID illustration");
    expect_no_drop(&t, NULL, "REPLACE-C-SID illustration");
    caps_clear(&c);
    sx_free(&t);
  }
}

/* RFC 9800 §4.2 with PSP (S28.1): the SRH is popped after the last C-SID
 * of the last container is written - at N17 only */
Test(srv6_endpoint, replace_csid_psp_pops_after_the_last_csid_rfc9800_4_2)
{
  Sx t;
  illus_init(&t, SIM_SRV6_REPLACE_CSID | SIM_SRV6_PSP | SIM_SRV6_USD, SIM_SRV6_USD);
  Bytes in;
  build(&(Spec){ .dst = "2001:db8:b:1200::",
                 .segs = { "::1800:1700:1600:1500:1400:1300" },
                 .sl = 1,
                 .upper = UP_IP6 },
        &in);
  inject(&t, SX_L1, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  static const Hop hops[] = {
    { "2001:db8:b:1300::7", 0, false }, { "2001:db8:b:1400::6", 0, false },
    { "2001:db8:b:1500::5", 0, false }, { "2001:db8:b:1600::4", 0, false },
    { "2001:db8:b:1700::3", 0, false }, { "2001:db8:b:1800::2", 0, true },
  };
  expect_illus_walk(&c, &in, hops, G_N_ELEMENTS(hops), "REPLACE-C-SID with PSP");
  expect_no_drop(&t, NULL, "REPLACE-C-SID with PSP");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.2.1 S13-S18: when the C-SID at the decremented index is 0 the
 * container is done: Segments Left - 1 and the next entry, a whole SID
 * (here hB), becomes the destination */
Test(srv6_endpoint, replace_csid_end_of_container_takes_the_next_entry_rfc9800_4_2_1_s14)
{
  Sx t;
  illus_init(&t, SIM_SRV6_REPLACE_CSID, 0);
  Bytes in;
  build(&(Spec){ .dst = "2001:db8:b:1300::7", .segs = { HB, "::1400:1300" }, .sl = 1,
                 .upper = UP_NONE },
        &in);
  inject(&t, SX_L2, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c, true);
  expect_frames(&c, "end of container", (int[]){ 0, 1, 1, 0, 1 });
  size_t len;
  const uint8_t *o = sx_ip6(&c.l[SX_L3], 0, &len);
  expect_walked(o, len, &in, "2001:db8:b:1400::6", 1, 63, "@N13: index 7 -> 6");
  o = sx_ip6(&c.l[SX_L5], 0, &len);
  expect_walked(o, len, &in, HB, 0, 62, "@N14: C-SID 5 is 0, Segment List[0]");
  expect_no_drop(&t, NULL, "end of container");
  caps_clear(&c);
  sx_free(&t);
}

/* RFC 9800 §4.2.1 S10-S11: with an index left, Segments Left must point
 * at a container (<= Last Entry): Parameter Problem code 0 at Segments
 * Left otherwise; S05-S07: hop limit 1 gives Time Exceeded */
Test(srv6_endpoint, replace_csid_errors_rfc9800_4_2_1_s10)
{
  for (int kind = 0; kind < 2; kind++) {
    Sx t;
    illus_init(&t, SIM_SRV6_REPLACE_CSID, 0);
    const SimIp6Addr n13 = fx_addr("2001:db8:b:1300::");
    const SimSrv6Sid *sid = sim_srv6_sid_lookup(t.sr[SX_R2], &n13);
    cr_assert_not_null(sid);
    Bytes in;
    if (kind == 0)
      build(&(Spec){ .dst = "2001:db8:b:1300::7", .segs = { "::1400:1300" }, .sl = 1,
                     .upper = UP_NONE },
            &in);
    else
      build(&(Spec){ .dst = "2001:db8:b:1300::7",
                     .segs = { "::1800:1700:1600:1500:1400:1300" },
                     .sl = 0,
                     .upper = UP_IP6,
                     .hop_limit = 1 },
            &in);
    inject(&t, SX_L2, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c, true);
    const char *what = kind ? "REPLACE-C-SID hop limit 1" : "REPLACE-C-SID SL > Last Entry";
    expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
    Icmp m = kind ? expect_error(&c, what, SIM_ICMP6_TIME_EXCEEDED, 0, 0)
                  : expect_error(&c, what, SIM_ICMP6_PARAM_PROBLEM, 0, 43);
    expect_bytes(m.quote, m.quote_len, in.b, in.len, "the quote is the packet as received");
    expect_drop(&t, sid, kind ? SIM_DROP_HOP_LIMIT : SIM_DROP_SRH_INVALID, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* ---- sim_srh_parse, sim_srh_write, sim_srh_hmac (RFC 8754 §2) ------------------------------------ */

/* An IPv6 header, an 8-byte Destination Options header (PadN) and an SRH
 * at 48 with two segments, Tag 0x1234, Flags 0, then @tlv. */
static size_t
srh_packet(uint8_t *p, const uint8_t *tlv, size_t tlv_len)
{
  memset(p, 0, 48);
  p[0] = 0x60;
  p[6] = SIM_IPPROTO_DSTOPTS;
  p[40] = SIM_IPPROTO_ROUTING;
  p[42] = 1; /* PadN of 4 */
  p[43] = 4;
  uint8_t *s = p + 48;
  SimIp6Addr segs[2] = { fx_addr(HB), fx_addr("fc00:0:2::1") };
  SimIp6Addr src = fx_addr(HA);
  size_t len = sim_srh_write(s, SIM_IPPROTO_NONE, segs, 2, 1, NULL, &src);
  s[6] = 0x12;
  s[7] = 0x34;
  if (tlv_len)
    memcpy(s + len, tlv, tlv_len);
  s[1] = (uint8_t)((len + tlv_len) / 8 - 1);
  return 48 + len + tlv_len;
}

/* RFC 8754 §2, §2.1: valid SRHs - with Pad1, PadN and HMAC TLVs (an odd Hdr
 * Ext Len when the TLVs take an odd number of 8-octet units), a shorter
 * HMAC - parse with every field and the first HMAC TLV */
Test(srv6_endpoint, srh_parse_valid_with_pad1_padn_hmac_tlvs_rfc8754_2_1)
{
  uint8_t hmac[40] = { SIM_SRH_TLV_HMAC, 38, 0, 0, 0, 0, 0, 7 };
  uint8_t pads_hmac[48] = { SIM_SRH_TLV_PAD1, SIM_SRH_TLV_PADN, 5 };
  memcpy(pads_hmac + 8, hmac, sizeof hmac);
  uint8_t pad1s[8] = { 0 };
  uint8_t short_hmac[24] = { SIM_SRH_TLV_HMAC, 22, 0x80, 0, 0, 0, 0, 9 }; /* 16-byte HMAC, D */
  const struct {
    const char *what;
    const uint8_t *tlv;
    size_t len;
    size_t hmac_at; /* from the first TLV, or -1 */
  } cases[] = {
    { "no TLV", NULL, 0, (size_t)-1 },
    { "Pad1 x 8 (Hdr Ext Len 5)", pad1s, sizeof pad1s, (size_t)-1 },
    { "HMAC (Hdr Ext Len 9)", hmac, sizeof hmac, 0 },
    { "Pad1, PadN, HMAC", pads_hmac, sizeof pads_hmac, 8 },
    { "16-byte HMAC", short_hmac, sizeof short_hmac, 0 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    uint8_t p[256];
    size_t real = srh_packet(p, cases[i].tlv, cases[i].len);
    SimSrh s;
    size_t ptr = 4242;
    SimSrhError e = sim_srh_parse(p, real, 48, 40, &s, &ptr);
    cr_assert_eq(e, SIM_SRH_OK, "%s: %s (pointer %zu)", cases[i].what, sim_srh_error_string(e),
                 ptr);
    cr_assert_eq(ptr, 4242, "%s: the pointer was written on success", cases[i].what);
    cr_assert(s.off == 48 && s.len == real - 48 && s.nh_field == 40, "%s: off %u len %u field %u",
              cases[i].what, s.off, s.len, s.nh_field);
    cr_assert(s.next_header == SIM_IPPROTO_NONE && s.segments_left == 1 && s.last_entry == 1 &&
                s.flags == 0 && s.tag == 0x1234,
              "%s: NH %u SL %u LE %u flags %u tag 0x%x", cases[i].what, s.next_header,
              s.segments_left, s.last_entry, s.flags, s.tag);
    cr_assert_eq(s.tlv_off, 48 + 8 + 32, "%s: TLVs at %u", cases[i].what, s.tlv_off);
    size_t want_hmac = cases[i].hmac_at == (size_t)-1 ? 0 : s.tlv_off + cases[i].hmac_at;
    cr_assert_eq(s.hmac_off, want_hmac, "%s: HMAC TLV at %u, expected %zu", cases[i].what,
                 s.hmac_off, want_hmac);
    SimIp6Addr a;
    sim_srh_segment(p, &s, 0, &a);
    expect_addr(a.b, HB, "Segment List[0]");
    sim_srh_segment(p, &s, 1, &a);
    expect_addr(a.b, "fc00:0:2::1", "Segment List[1]");
  }
}

/* RFC 8754 §2, §2.1, §4.3.1.1 and RFC 8986 §4.1 S08-S10: each error and
 * the field its pointer names */
Test(srv6_endpoint, srh_parse_errors_and_their_pointers_rfc8754_4_3_1_1)
{
  enum { NONE, HDR_EXT_LEN, LAST_ENTRY, SEGMENTS_LEFT };
  const struct {
    const char *what;
    const uint8_t tlv[40];
    size_t tlv_len;
    int field; /* a field to set */
    uint8_t value;
    size_t cut; /* real bytes removed */
    SimSrhError err;
    size_t pointer;
  } cases[] = {
    { "shorter than 8 bytes", { 0 }, 0, NONE, 0, 40 - 4, SIM_SRH_ERR_TRUNCATED, 48 },
    { "Hdr Ext Len past the packet", { 0 }, 0, NONE, 0, 8, SIM_SRH_ERR_TRUNCATED, 49 },
    { "Hdr Ext Len 0", { 0 }, 0, HDR_EXT_LEN, 0, 0, SIM_SRH_ERR_LENGTH, 51 },
    { "Hdr Ext Len 1", { 0 }, 0, HDR_EXT_LEN, 1, 0, SIM_SRH_ERR_LENGTH, 51 },
    { "Last Entry 2 > max_LE 1", { 0 }, 0, LAST_ENTRY, 2, 0, SIM_SRH_ERR_LAST_ENTRY, 51 },
    { "Segments Left 3 > Last Entry + 1", { 0 }, 0, SEGMENTS_LEFT, 3, 0,
      SIM_SRH_ERR_SEGMENTS_LEFT, 51 },
    { "PadN running past the SRH", { SIM_SRH_TLV_PADN, 7 }, 8, NONE, 0, 0, SIM_SRH_ERR_TLV, 88 },
    { "a TLV type in the last byte", { 0, 0, 0, 0, 0, 0, 0, SIM_SRH_TLV_PADN }, 8, NONE, 0, 0,
      SIM_SRH_ERR_TLV, 95 },
    { "HMAC length 37", { SIM_SRH_TLV_HMAC, 37 }, 40, NONE, 0, 0, SIM_SRH_ERR_TLV, 89 },
    { "HMAC length 6 (no HMAC)", { SIM_SRH_TLV_HMAC, 6 }, 8, NONE, 0, 0, SIM_SRH_ERR_TLV, 89 },
    { "HMAC length 46 (past the SRH)", { SIM_SRH_TLV_HMAC, 46 }, 40, NONE, 0, 0, SIM_SRH_ERR_TLV,
      88 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    uint8_t p[256];
    size_t real = srh_packet(p, cases[i].tlv, cases[i].tlv_len) - cases[i].cut;
    if (cases[i].field == HDR_EXT_LEN)
      p[49] = cases[i].value;
    else if (cases[i].field == LAST_ENTRY)
      p[52] = cases[i].value;
    else if (cases[i].field == SEGMENTS_LEFT)
      p[51] = cases[i].value;
    SimSrh s;
    size_t ptr = 0;
    SimSrhError e = sim_srh_parse(p, real, 48, 40, &s, &ptr);
    cr_assert_eq(e, cases[i].err, "%s: '%s', expected '%s'", cases[i].what,
                 sim_srh_error_string(e), sim_srh_error_string(cases[i].err));
    cr_assert_eq(ptr, cases[i].pointer, "%s: pointer %zu, expected %zu", cases[i].what, ptr,
                 cases[i].pointer);
    cr_assert_eq(sim_srh_parse(p, real, 48, 40, &s, NULL), e, "%s: a NULL pointer changes it",
                 cases[i].what);
  }
  for (int a = SIM_SRH_OK; a <= SIM_SRH_ERR_TLV; a++)
    for (int b = a + 1; b <= SIM_SRH_ERR_TLV; b++)
      cr_assert_str_neq(sim_srh_error_string((SimSrhError)a), sim_srh_error_string((SimSrhError)b));
}

/* RFC 8754 §2.1.2.1: the HMAC text is the Source Address, Last Entry,
 * Flags, HMAC Key ID and every Segment List entry - computed here with
 * GHmac from that layout. */
static void
rfc8754_hmac(const SimIp6Addr *src, const uint8_t *srh, uint32_t key_id, const uint8_t *key,
             size_t key_len, uint8_t out[32])
{
  GByteArray *text = g_byte_array_new();
  uint8_t id[4] = { (uint8_t)(key_id >> 24), (uint8_t)(key_id >> 16), (uint8_t)(key_id >> 8),
                    (uint8_t)key_id };
  g_byte_array_append(text, src->b, 16);
  g_byte_array_append(text, srh + 4, 1);
  g_byte_array_append(text, srh + 5, 1);
  g_byte_array_append(text, id, 4);
  g_byte_array_append(text, srh + 8, 16 * ((guint)srh[4] + 1));
  GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update(h, text->data, text->len);
  gsize n = 32;
  g_hmac_get_digest(h, out, &n);
  cr_assert_eq(n, 32);
  g_hmac_unref(h);
  g_byte_array_unref(text);
}

/* RFC 8754 §2, §2.1.2: sim_srh_write lays out Segment List[0] as the last
 * segment, Last Entry n - 1, Hdr Ext Len from the size, the HMAC TLV
 * (type 5, length 38, D clear, key id, HMAC); what it writes parses back
 * to the same fields - up to 127 segments, 125 with an HMAC (2048 bytes) */
Test(srv6_endpoint, srh_write_round_trips_rfc8754_2)
{
  static const uint8_t key[] = "round trip key";
  SimSrhHmacKey k = { 0x01020304, key, sizeof key - 1 };
  const unsigned ns[] = { 1, 2, 5, 125, 127 };
  SimIp6Addr src = fx_addr(HA);
  for (size_t i = 0; i < G_N_ELEMENTS(ns); i++) {
    for (int with = 0; with <= 1; with++) {
      unsigned n = ns[i];
      if (with && n > 125)
        continue;
      SimIp6Addr *segs = g_new(SimIp6Addr, n);
      for (unsigned j = 0; j < n; j++) {
        char a[48];
        g_snprintf(a, sizeof a, "fc00:0:%x::%x", j + 1, j);
        segs[j] = fx_addr(a);
      }
      size_t size = sim_srh_size(n, with);
      uint8_t *b = g_malloc0(size + 8);
      uint8_t sl = (uint8_t)(n - 1);
      size_t len = sim_srh_write(b, SIM_IPPROTO_UDP, segs, n, sl, with ? &k : NULL, &src);
      cr_assert_eq(len, size, "n %u hmac %d: wrote %zu, expected %zu", n, with, len, size);
      cr_assert_leq(len, 2048);
      cr_assert(b[0] == SIM_IPPROTO_UDP && b[1] == len / 8 - 1 && b[2] == 4 && b[3] == sl &&
                  b[4] == n - 1,
                "n %u hmac %d: NH %u HEL %u type %u SL %u LE %u", n, with, b[0], b[1], b[2], b[3],
                b[4]);
      SimSrh s;
      size_t ptr = 0;
      SimSrhError e = sim_srh_parse(b, len, 0, 0, &s, &ptr);
      cr_assert_eq(e, SIM_SRH_OK, "n %u hmac %d: %s at %zu", n, with, sim_srh_error_string(e),
                   ptr);
      cr_assert(s.len == len && s.segments_left == sl && s.last_entry == n - 1,
                "n %u hmac %d: parsed len %u SL %u LE %u", n, with, s.len, s.segments_left,
                s.last_entry);
      for (unsigned j = 0; j < n; j++) {
        SimIp6Addr a;
        sim_srh_segment(b, &s, j, &a);
        cr_assert(sim_ip6_addr_equal(&a, &segs[j]), "n %u: Segment List[%u] differs", n, j);
      }
      if (with) {
        const uint8_t *t = b + 8 + 16 * (size_t)n;
        cr_assert_eq(s.hmac_off, 8 + 16 * n, "n %u: HMAC TLV at %u", n, s.hmac_off);
        cr_assert(t[0] == SIM_SRH_TLV_HMAC && t[1] == 38 && t[2] == 0 && t[3] == 0 &&
                    be32(t + 4) == k.key_id,
                  "n %u: HMAC TLV type %u length %u D/reserved %02x%02x key id 0x%x", n, t[0],
                  t[1], t[2], t[3], be32(t + 4));
        uint8_t want[32];
        rfc8754_hmac(&src, b, k.key_id, k.key, k.key_len, want);
        expect_bytes(t + 8, 32, want, 32, "the HMAC field");
      } else {
        cr_assert_eq(s.hmac_off, 0);
      }
      g_free(b);
      g_free(segs);
    }
  }
}

/* RFC 8754 §2.1.2.1: sim_srh_hmac covers exactly the source, Last Entry,
 * Flags, key id and segments - not Segments Left, Tag or what follows -
 * and equals HMAC-SHA256 over that text (GHmac, and a digest computed
 * independently with Python's hmac module) */
Test(srv6_endpoint, srh_hmac_is_hmac_sha256_over_the_rfc8754_text_rfc8754_2_1_2_1)
{
  static const uint8_t key[] = "key";
  SimIp6Addr src = fx_addr("2001:db8::1");
  SimIp6Addr segs[2] = { fx_addr("2001:db8::2"), fx_addr("2001:db8::3") };
  uint8_t srh[48];
  sim_srh_write(srh, SIM_IPPROTO_IPV6, segs, 2, 1, NULL, &src);
  uint8_t got[32], want[32];
  sim_srh_hmac(&src, srh, 1, key, 3, got);
  rfc8754_hmac(&src, srh, 1, key, 3, want);
  expect_bytes(got, 32, want, 32, "sim_srh_hmac against GHmac over the RFC text");
  /* hmac.new(b"key", src + bytes([1, 0]) + (1).to_bytes(4, "big") + seg0 + seg1,
   * "sha256") */
  static const uint8_t python[32] = {
    0x9b, 0x78, 0xe1, 0x7e, 0xad, 0x67, 0xf9, 0x66, 0x57, 0x45, 0xe9, 0x0c, 0xb8, 0x6c, 0xbb, 0x3b,
    0x47, 0x43, 0x07, 0x03, 0xf9, 0x8c, 0x7b, 0xd8, 0x2a, 0xb5, 0xdb, 0x3e, 0x86, 0x0f, 0x35, 0x73,
  };
  expect_bytes(got, 32, python, 32, "sim_srh_hmac against the Python digest");
  /* fields outside the text do not change it; those inside do */
  uint8_t other[48], h2[32];
  memcpy(other, srh, sizeof srh);
  other[3] = 0;    /* Segments Left */
  other[6] = 0xab; /* Tag */
  other[0] = 17;   /* Next Header */
  sim_srh_hmac(&src, other, 1, key, 3, h2);
  expect_bytes(h2, 32, got, 32, "Segments Left, Tag and Next Header are not covered");
  const struct {
    size_t at;
    const char *what;
  } covered[] = { { 5, "Flags" }, { 8, "Segment List[0]" }, { 39, "Segment List[1]" } };
  for (size_t i = 0; i < G_N_ELEMENTS(covered); i++) {
    memcpy(other, srh, sizeof srh);
    other[covered[i].at] ^= 0x01;
    sim_srh_hmac(&src, other, 1, key, 3, h2);
    cr_assert(memcmp(h2, got, 32) != 0, "%s is not covered", covered[i].what);
  }
  memcpy(other, srh, sizeof srh);
  other[4] = 0; /* one segment */
  sim_srh_hmac(&src, other, 1, key, 3, h2);
  rfc8754_hmac(&src, other, 1, key, 3, want);
  expect_bytes(h2, 32, want, 32, "Last Entry 0: one segment in the text");
  cr_assert(memcmp(h2, got, 32) != 0, "Last Entry is not covered");
  SimIp6Addr src2 = fx_addr("2001:db8::9");
  sim_srh_hmac(&src2, srh, 1, key, 3, h2);
  cr_assert(memcmp(h2, got, 32) != 0, "the source address is not covered");
  sim_srh_hmac(&src, srh, 2, key, 3, h2);
  cr_assert(memcmp(h2, got, 32) != 0, "the key id is not covered");
}
