/* test-srv6-ipv4.c - SRv6 with IPv4 payloads on the five-node topology of
 * srv6-fixture.h: the decapsulating behaviours End.DX4, End.DT4 and
 * End.DT46 (RFC 8986 §4.5, §4.7, §4.8), USD with an IPv4 packet inside
 * (§4.16.3), and headends steering IPv4 prefixes into SR policies with
 * H.Encaps and H.Encaps.Red (§5.1, §5.2; inner protocol 4).
 *
 *   hA --L1-- R1 --L2-- R2 --L3-- R3 --L5-- hB
 *                         \--L4--/
 *
 * IPv4 on top of the fixture's IPv6: site A 192.0.2.0/24 on L1 (hA .10,
 * R1 .1), site B 198.51.100.0/24 on L5 (R3 .1, hB .10), 192.168.3.0/24 on
 * L3 and 192.168.4.0/24 on L4 (R2 .2, R3 .3). R2's main table reaches
 * site B over L3, its table T (10) over L4 - for IPv4 and IPv6 - so the
 * link a packet leaves on tells which table was used.
 *
 * Endpoint cases put crafted packets (bytes) on L2 at R1's end; headend
 * cases run UDP flows from hA to ::ffff:198.51.100.10. Every link is
 * captured; checksums are verified against a reference computed here.
 */
#include "srv6-fixture.h"
#include "ip4.h"

#define A4(a, b, c, d)                                                                          \
  ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define V4_HA A4(192, 0, 2, 10)
#define V4_R1 A4(192, 0, 2, 1)
#define V4_HB A4(198, 51, 100, 10)
#define V4_R3_L5 A4(198, 51, 100, 1)
#define V4_R2_L3 A4(192, 168, 3, 2)
#define V4_R3_L3 A4(192, 168, 3, 3)
#define V4_R2_L4 A4(192, 168, 4, 2)
#define V4_R3_L4 A4(192, 168, 4, 3)
#define TABLE_T 10u

#define HA "2001:db8:1::a"
#define HB "2001:db8:5::b"

#define SID_DX4 "fc00:0:2::c4"
#define SID_DT4 "fc00:0:2::d4"
#define SID_DT46 "fc00:0:2::d46"

static uint8_t
tc6(const uint8_t *ip)
{
  return (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
}

static uint32_t
fl6(const uint8_t *ip)
{
  return fx_get32(ip) & 0xfffff;
}

/* The IPv4 packet at @ip (@len bytes) is intact: header checksum, Total
 * Length, and for UDP the checksum over the IPv4 pseudo-header. */
static void
assert_ip4_intact(const uint8_t *ip, size_t len, const char *what)
{
  cr_assert_geq(len, 20, "%s: %zu bytes", what, len);
  cr_assert_eq(ip[0], 0x45, "%s: version/IHL 0x%02x", what, ip[0]);
  cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, ip, 20)), 0, "%s: IPv4 header checksum 0x%04x does not verify",
               what, fx_get16(ip + 10));
  cr_assert_eq(fx_get16(ip + 2), len, "%s: Total Length %u for %zu bytes", what, fx_get16(ip + 2), len);
  if (ip[9] == SIM_IPPROTO_UDP && fx_get16(ip + 26) != 0) {
    uint32_t s = fx_ref_sum(0, ip + 12, 8) + SIM_IPPROTO_UDP + (uint32_t)(len - 20);
    cr_assert_eq(fx_ref_cksum(fx_ref_sum(s, ip + 20, len - 20)), 0, "%s: UDP checksum 0x%04x", what,
                 fx_get16(ip + 26));
  }
}

static void
expect_bytes(const uint8_t *got, size_t glen, const uint8_t *want, size_t wlen, const char *what)
{
  cr_assert_eq(glen, wlen, "%s: %zu bytes, expected %zu", what, glen, wlen);
  for (size_t i = 0; i < wlen; i++)
    cr_assert_eq(got[i], want[i], "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, got[i],
                 want[i]);
}

/* The same IPv4 packet with its TTL one lower (and its checksum updated). */
static void
expect_ttl_decremented(const uint8_t *got, size_t glen, const uint8_t *orig, size_t olen,
                       const char *what)
{
  cr_assert_eq(glen, olen, "%s: %zu bytes, expected %zu", what, glen, olen);
  cr_assert_eq(got[8], orig[8] - 1, "%s: TTL %u, expected %u - 1", what, got[8], orig[8]);
  cr_assert(memcmp(got, orig, 8) == 0 && got[9] == orig[9] &&
              memcmp(got + 12, orig + 12, olen - 12) == 0,
            "%s: more than the TTL and the checksum changed", what);
  assert_ip4_intact(got, glen, what);
}

/* The IPv4 packet of an Ethernet frame (EtherType 0x0800). */
static const uint8_t *
frame_ip4(const FxPcap *p, guint i, size_t *len)
{
  size_t l;
  const uint8_t *f = fx_frame(p, i, &l);
  cr_assert_gt(l, 14 + 20);
  cr_assert_eq(fx_get16(f + 12), SIM_ETHERTYPE_IPV4, "frame %u: EtherType 0x%04x, expected 0x0800", i,
               fx_get16(f + 12));
  *len = l - 14;
  return f + 14;
}

/* ---- crafted packets ---------------------------------------------------------------------- */

typedef struct {
  uint8_t b[512];
  size_t len;
  size_t inner; /* offset of the inner packet */
} Pkt;

/* IPv4 UDP 192.0.2.10:49152 -> 198.51.100.10:9 (8 bytes of 0x5a) with TTL
 * @ttl and TOS @tos at @b; returns its length. */
static size_t
put_inner4(uint8_t *b, uint8_t ttl, uint8_t tos, uint32_t dst)
{
  memset(b, 0, 36);
  b[0] = 0x45;
  b[1] = tos;
  fx_put16(b + 2, 36);
  fx_put16(b + 4, 0x4321);
  b[8] = ttl;
  b[9] = SIM_IPPROTO_UDP;
  b[12] = 192, b[13] = 0, b[14] = 2, b[15] = 10;
  b[16] = (uint8_t)(dst >> 24), b[17] = (uint8_t)(dst >> 16), b[18] = (uint8_t)(dst >> 8),
  b[19] = (uint8_t)dst;
  fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
  uint8_t *u = b + 20;
  fx_put16(u, 0xc000);
  fx_put16(u + 2, 9);
  fx_put16(u + 4, 16);
  memset(u + 8, 0x5a, 8);
  uint32_t s = fx_ref_sum(0, b + 12, 8) + SIM_IPPROTO_UDP + 16;
  uint16_t ck = fx_ref_cksum(fx_ref_sum(s, u, 16));
  fx_put16(u + 6, ck ? ck : 0xffff);
  return 36;
}

/* IPv6 UDP hA -> hB port 9 (8 bytes) at @b; returns its length. */
static size_t
put_inner6(uint8_t *b)
{
  SimIp6Addr s = fx_addr(HA), d = fx_addr(HB);
  size_t ul = fx_udp(b + 40, 8, &s, &d);
  SimIp6Header h = { 0, 0, (uint16_t)ul, SIM_IPPROTO_UDP, 64, s, d, 0, 0, 0, 0 };
  sim_ip6_header_write(b, &h);
  return 40 + ul;
}

/* An SRv6 packet from hA: an SRH with @segs (Segment List order, NULL
 * terminated; none: no SRH, the destination is @segs... absent and @dst
 * given), Segments Left @sl, and inside an IPv4 (@v6 false) or IPv6
 * packet. */
static void
build(Pkt *k, const char *dst, const char *const *segs, uint8_t sl, bool v6, uint8_t ttl)
{
  SimIp6Addr src = fx_addr(HA), list[8];
  unsigned n = 0;
  while (segs && segs[n])
    list[n] = fx_addr(segs[n]), n++;
  SimIp6Addr da = dst ? fx_addr(dst) : list[sl];
  uint8_t proto = v6 ? SIM_IPPROTO_IPV6 : SIM_IPPROTO_IPV4;
  size_t off = SIM_IP6_HEADER_LEN;
  if (n)
    off += sim_srh_write(k->b + off, proto, list, n, sl, NULL, &src);
  k->inner = off;
  off += v6 ? put_inner6(k->b + off) : put_inner4(k->b + off, ttl, 0, V4_HB);
  SimIp6Header h = { 0, 0, (uint16_t)(off - SIM_IP6_HEADER_LEN), n ? SIM_IPPROTO_ROUTING : proto,
                     64, src, da, 0, 0, 0, 0 };
  sim_ip6_header_write(k->b, &h);
  k->len = off;
}

/* Puts @k on L2 at R1's end, to R2's MAC. */
static void
inject(Sx *t, const Pkt *k)
{
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM, k->b,
                                           k->len, 0);
  sim_net_packet_created(t->net, p);
  sim_iface_send_ether(sim_link_end(t->l[SX_L2], 0), p, sim_iface_mac(sim_link_end(t->l[SX_L2], 1)));
}

/* ---- the network ------------------------------------------------------------------------- */

typedef struct {
  int n4, n6; /* IPv4 and IPv6 datagrams */
  uint8_t ttl;
} Sink;

static void
sink_recv(SimUdpSocket *sock, SimPacket *p, const SimIp6Addr *src, uint16_t sport,
          const SimIp6Header *h, void *data)
{
  (void)sport;
  Sink *k = data;
  if (sim_ip4_is_mapped(src))
    k->n4++;
  else
    k->n6++;
  k->ttl = (uint8_t)h->hop_limit;
  sim_net_packet_delivered(sim_node_net(sim_ip6_node(sim_udp_ip6(sock))), p);
}

static void
add4(Sx *t, int node, int link, int end, uint32_t a)
{
  GError *e = NULL;
  cr_assert(sim_ip4_add_address(sim_ip4_of(t->n[node]), sim_link_end(t->l[link], (unsigned)end), a,
                                24, &e),
            "%s", e ? e->message : "");
}

static void
route4(Sx *t, int node, uint32_t table, uint32_t prefix, unsigned len, int link, int end,
       uint32_t gw)
{
  GError *e = NULL;
  cr_assert(sim_ip4_route_add(sim_ip4_of(t->n[node]), table, prefix, len,
                              sim_link_end(t->l[link], (unsigned)end), gw, &e),
            "%s", e ? e->message : "");
}

enum { V4_ALL = 0x1f, V4_NOT_R2 = 0x1f & ~(1 << SX_R2) };

/* The fixture with IPv4 on the nodes of @mask (bits SX_*), R2's table T
 * (IPv4 and IPv6 to site B over L4; the main table uses L3), a route
 * back to hA at R3. */
static void
s4_init(Sx *t, unsigned mask)
{
  sx_init(t, true);
  SimIp6 *ip = sim_ip6_of(t->n[SX_R2]);
  GError *e = NULL;
  cr_assert(sim_ip6_table_add(ip, TABLE_T, &e), "%s", e ? e->message : "");
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse("2001:db8:5::/64", &p, FALSE, NULL));
  SimIface *o = sim_link_end(t->l[SX_L4], 0);
  SimIp6Addr gw = fx_addr("2001:db8:4::3");
  cr_assert(sim_ip6_table_route_add_via(ip, TABLE_T, &p, &o, &gw, 1, &e), "%s",
            e ? e->message : "");
  sx_route(t, SX_R3, "2001:db8:1::/64", SX_L3, 1, "2001:db8:3::2");
  for (int i = 0; i < SX_N; i++)
    if (mask & (1u << i))
      cr_assert_not_null(sim_ip4_install(t->n[i]));
  if (mask & (1u << SX_HA)) {
    add4(t, SX_HA, SX_L1, 0, V4_HA);
    route4(t, SX_HA, 0, 0, 0, SX_L1, 0, V4_R1);
  }
  if (mask & (1u << SX_R1))
    add4(t, SX_R1, SX_L1, 1, V4_R1);
  if (mask & (1u << SX_R2)) {
    add4(t, SX_R2, SX_L3, 0, V4_R2_L3);
    add4(t, SX_R2, SX_L4, 0, V4_R2_L4);
    route4(t, SX_R2, 0, A4(198, 51, 100, 0), 24, SX_L3, 0, V4_R3_L3);
    route4(t, SX_R2, TABLE_T, A4(198, 51, 100, 0), 24, SX_L4, 0, V4_R3_L4);
    route4(t, SX_R2, 0, A4(203, 0, 113, 0), 24, SX_L3, 0, V4_R3_L3); /* main only */
  }
  if (mask & (1u << SX_R3)) {
    add4(t, SX_R3, SX_L3, 1, V4_R3_L3);
    add4(t, SX_R3, SX_L4, 1, V4_R3_L4);
    add4(t, SX_R3, SX_L5, 0, V4_R3_L5);
    route4(t, SX_R3, 0, A4(192, 0, 2, 0), 24, SX_L3, 1, V4_R2_L3);
  }
  if (mask & (1u << SX_HB)) {
    add4(t, SX_HB, SX_L5, 1, V4_HB);
    route4(t, SX_HB, 0, 0, 0, SX_L5, 1, V4_R3_L5);
  }
}

static void
run(Sx *t)
{
  sim_run_until(t->ctx, sim_now(t->ctx) + SIM_MS(5));
}

typedef struct {
  FxPcap l[SX_NL];
} Caps;

static void
caps_read(Sx *t, Caps *c)
{
  for (int k = 0; k < SX_NL; k++)
    c->l[k] = sx_frames(t, k);
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

/* No drop anywhere; the SID (nullable) saw one packet. */
static void
expect_no_drop(Sx *t, const SimSrv6Sid *sid, const char *what)
{
  const SimNetCounters *nc = sim_net_counters(t->net);
  cr_assert_eq(nc->dropped, 0,
               "%s: %" PRIu64 " drops (no_route %" PRIu64 ", hop_limit %" PRIu64
               ", srv6_no_ipv4 %" PRIu64 ", no_ipv4 %" PRIu64 ")",
               what, nc->dropped, nc->drops[SIM_DROP_NO_ROUTE], nc->drops[SIM_DROP_HOP_LIMIT],
               nc->drops[SIM_DROP_SRV6_NO_IPV4], nc->drops[SIM_DROP_NO_IPV4]);
  if (sid) {
    const SimSrv6Counters *sc = sim_srv6_sid_counters(sid);
    cr_assert(sc->packets == 1 && sc->dropped == 0,
              "%s: SID packets %" PRIu64 " dropped %" PRIu64 ", expected 1 and 0", what,
              sc->packets, sc->dropped);
  }
}

/* The only drop in the network: at @node with @reason; counted at the
 * SID too when @at_sid. */
static void
expect_drop(Sx *t, int node, const SimSrv6Sid *sid, bool at_sid, SimDropReason reason,
            const char *what)
{
  const SimNetCounters *nc = sim_net_counters(t->net);
  cr_assert_eq(nc->dropped, 1, "%s: %" PRIu64 " drops in the network, expected 1 (%s)", what,
               nc->dropped, sim_drop_reason_name(reason));
  uint64_t d = sim_node_drops(t->n[node], reason);
  cr_assert_eq(d, 1, "%s: %s dropped %" PRIu64 " as %s, expected 1", what,
               sim_node_name(t->n[node]), d, sim_drop_reason_name(reason));
  if (sid) {
    const SimSrv6Counters *sc = sim_srv6_sid_counters(sid);
    cr_assert_eq(sc->packets, 1, "%s: SID packets %" PRIu64, what, sc->packets);
    cr_assert_eq(sc->dropped, at_sid ? 1u : 0u, "%s: SID dropped %" PRIu64, what, sc->dropped);
    cr_assert_eq(sim_srv6_sid_drops(sid, reason), at_sid ? 1u : 0u, "%s: SID %s drops %" PRIu64,
                 what, sim_drop_reason_name(reason), sim_srv6_sid_drops(sid, reason));
  }
}

/* A SID at R2; @out_link >= 0: an adjacency over it (End.X, End.DX4). */
static SimSrv6Sid *
sid_at_r2(Sx *t, const char *sid, const char *behaviour, unsigned flavours, int out_link,
          uint32_t table)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = fx_addr(sid);
  c.sid.len = 128;
  c.behaviour = behaviour;
  c.flavours = flavours;
  if (out_link >= 0) {
    c.out = sim_link_end(t->l[out_link], 0);
    c.nh6 = fx_addr("2001:db8:4::3");
    c.nh4 = V4_R3_L4;
  }
  c.table = table;
  GError *e = NULL;
  SimSrv6Sid *s = sim_srv6_add_sid(t->sr[SX_R2], &c, &e);
  cr_assert_not_null(s, "%s: %s", behaviour, e ? e->message : "");
  return s;
}

static SimUdpSocket *
sink_on_hb(Sx *t, Sink *k)
{
  memset(k, 0, sizeof *k);
  GError *e = NULL;
  SimUdpSocket *s = sim_udp_bind(sim_ip6_of(t->n[SX_HB]), 9, sink_recv, k, &e);
  cr_assert_not_null(s, "%s", e ? e->message : "");
  return s;
}

/* ---- End.DX4 (RFC 8986 §4.5) -------------------------------------------------------------- */

/* §4.5 S01-S06: Segments Left 0, IPv4 inside: the outer header goes and
 * the exact inner packet leaves on the adjacency (L4, EtherType 0x0800,
 * to R3's MAC) without a lookup - the main table would have used L3;
 * RFC mode leaves the TTL alone. R3 forwards it to hB (TTL - 1), whose
 * socket gets it. Linux-compatible mode (seg6local's End.DX4 goes through
 * ip_forward) decrements the TTL with a valid checksum; there a TTL of 1
 * is dropped at R2, in RFC mode at R3 */
Test(srv6_ipv4, end_dx4_sends_the_inner_packet_to_its_adjacency_rfc8986_4_5)
{
  for (int linux_mode = 0; linux_mode <= 1; linux_mode++) {
    const char *what = linux_mode ? "End.DX4, Linux-compatible" : "End.DX4, RFC mode";
    Sx t;
    s4_init(&t, V4_ALL);
    sim_srv6_set_linux_compat(t.sr[SX_R2], linux_mode);
    SimSrv6Sid *sid = sid_at_r2(&t, SID_DX4, "End.DX4", 0, SX_L4, 0);
    Sink k;
    sink_on_hb(&t, &k);
    Pkt in;
    build(&in, NULL, (const char *[]){ SID_DX4, NULL }, 0, false, 64);
    inject(&t, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c);
    expect_frames(&c, what, (int[]){ 0, 1, 0, 1, 1 });
    size_t len;
    const uint8_t *o = frame_ip4(&c.l[SX_L4], 0, &len);
    size_t l4len;
    const uint8_t *f = fx_frame(&c.l[SX_L4], 0, &l4len);
    cr_assert_eq(memcmp(f, sim_iface_mac(sim_link_end(t.l[SX_L4], 1)), 6), 0,
                 "%s: not addressed to R3's MAC on L4", what);
    cr_assert_eq(memcmp(f + 6, sim_iface_mac(sim_link_end(t.l[SX_L4], 0)), 6), 0,
                 "%s: not from R2's MAC on L4", what);
    const uint8_t *inner = in.b + in.inner;
    size_t ilen = in.len - in.inner;
    if (linux_mode)
      expect_ttl_decremented(o, len, inner, ilen, what);
    else
      expect_bytes(o, len, inner, ilen, "RFC mode: the decapsulated packet, unchanged");
    const uint8_t *at_hb = frame_ip4(&c.l[SX_L5], 0, &len);
    expect_ttl_decremented(at_hb, len, o, len, "R3 forwards it to hB");
    cr_assert_eq(k.n4, 1, "%s: hB got %d IPv4 datagrams", what, k.n4);
    cr_assert_eq(k.ttl, linux_mode ? 62 : 63, "%s: TTL at hB %u", what, k.ttl);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);

    s4_init(&t, V4_ALL);
    sim_srv6_set_linux_compat(t.sr[SX_R2], linux_mode);
    sid = sid_at_r2(&t, SID_DX4, "End.DX4", 0, SX_L4, 0);
    build(&in, NULL, (const char *[]){ SID_DX4, NULL }, 0, false, 1);
    inject(&t, &in);
    run(&t);
    caps_read(&t, &c);
    expect_frames(&c, "TTL 1", (int[]){ 0, 1, 0, linux_mode ? 0 : 1, 0 });
    expect_drop(&t, linux_mode ? SX_R2 : SX_R3, linux_mode ? sid : NULL, false,
                SIM_DROP_HOP_LIMIT, linux_mode ? "TTL 1 at End.DX4 (Linux)" : "TTL 1 after End.DX4");
    caps_clear(&c);
    sx_free(&t);
  }
}

/* ---- End.DT4 (§4.7) and End.DT46 (§4.8) ----------------------------------------------------- */

/* §4.7 S01-S06: the inner destination is looked up in table T - L4, not
 * the main table's L3 - and the packet leaves unchanged (RFC mode; with
 * the TTL step in Linux-compatible mode); a destination only the main
 * table routes (203.0.113.0/24) is no_route at R2 */
Test(srv6_ipv4, end_dt4_looks_up_its_table_rfc8986_4_7)
{
  for (int linux_mode = 0; linux_mode <= 1; linux_mode++) {
    const char *what = linux_mode ? "End.DT4, Linux-compatible" : "End.DT4, RFC mode";
    Sx t;
    s4_init(&t, V4_ALL);
    sim_srv6_set_linux_compat(t.sr[SX_R2], linux_mode);
    SimSrv6Sid *sid = sid_at_r2(&t, SID_DT4, "End.DT4", 0, -1, TABLE_T);
    Sink k;
    sink_on_hb(&t, &k);
    Pkt in;
    build(&in, NULL, (const char *[]){ SID_DT4, NULL }, 0, false, 64);
    inject(&t, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c);
    expect_frames(&c, what, (int[]){ 0, 1, 0, 1, 1 });
    size_t len;
    const uint8_t *o = frame_ip4(&c.l[SX_L4], 0, &len);
    if (linux_mode)
      expect_ttl_decremented(o, len, in.b + in.inner, in.len - in.inner, what);
    else
      expect_bytes(o, len, in.b + in.inner, in.len - in.inner, "the packet looked up in T");
    cr_assert_eq(k.n4, 1, "%s: hB got %d", what, k.n4);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);
  }
  Sx t;
  s4_init(&t, V4_ALL);
  SimSrv6Sid *sid = sid_at_r2(&t, SID_DT4, "End.DT4", 0, -1, TABLE_T);
  Pkt in;
  build(&in, NULL, (const char *[]){ SID_DT4, NULL }, 0, false, 64);
  cr_assert_eq(put_inner4(in.b + in.inner, 64, 0, A4(203, 0, 113, 10)), in.len - in.inner);
  inject(&t, &in);
  run(&t);
  Caps c;
  caps_read(&t, &c);
  expect_frames(&c, "End.DT4 to a main-table prefix", (int[]){ 0, 1, 0, 0, 0 });
  expect_drop(&t, SX_R2, sid, false, SIM_DROP_NO_ROUTE, "End.DT4: not in table T");
  caps_clear(&c);
  sx_free(&t);
}

/* §4.8: End.DT46 decapsulates IPv4 (S07-S10) and IPv6 (S03-S06) alike and
 * looks both up in table T (L4); hB's socket gets each */
Test(srv6_ipv4, end_dt46_with_ipv4_and_ipv6_inside_rfc8986_4_8)
{
  for (int v6 = 0; v6 <= 1; v6++) {
    const char *what = v6 ? "End.DT46, IPv6 inside" : "End.DT46, IPv4 inside";
    Sx t;
    s4_init(&t, V4_ALL);
    SimSrv6Sid *sid = sid_at_r2(&t, SID_DT46, "End.DT46", 0, -1, TABLE_T);
    Sink k;
    sink_on_hb(&t, &k);
    Pkt in;
    build(&in, NULL, (const char *[]){ SID_DT46, NULL }, 0, v6, 64);
    inject(&t, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c);
    expect_frames(&c, what, (int[]){ 0, 1, 0, 1, 1 });
    size_t len;
    const uint8_t *o = v6 ? sx_ip6(&c.l[SX_L4], 0, &len) : frame_ip4(&c.l[SX_L4], 0, &len);
    expect_bytes(o, len, in.b + in.inner, in.len - in.inner, what);
    cr_assert(k.n4 == (v6 ? 0 : 1) && k.n6 == (v6 ? 1 : 0), "%s: hB got %d IPv4, %d IPv6", what,
              k.n4, k.n6);
    expect_no_drop(&t, sid, what);
    caps_clear(&c);
    sx_free(&t);
  }
}

/* §4.5, §4.7, §4.8 S02-S04: Segments Left != 0 at a decapsulating SID
 * with IPv4 inside: Parameter Problem code 0 pointing at Segments Left
 * (40 + 3) back to hA quoting the packet, dropped as srv6_segments_left
 * at the SID; Linux-compatible mode drops without the error */
Test(srv6_ipv4, segments_left_not_0_parameter_problem_rfc8986_4_5_s02)
{
  const struct {
    const char *sid, *behaviour;
    int out;
    uint32_t table;
  } sids[] = { { SID_DX4, "End.DX4", SX_L4, 0 },
               { SID_DT4, "End.DT4", -1, TABLE_T },
               { SID_DT46, "End.DT46", -1, TABLE_T } };
  for (size_t i = 0; i < G_N_ELEMENTS(sids); i++) {
    for (int linux_mode = 0; linux_mode <= 1; linux_mode++) {
      char what[96];
      g_snprintf(what, sizeof what, "%s, Segments Left 1%s", sids[i].behaviour,
                 linux_mode ? ", Linux-compatible" : "");
      Sx t;
      s4_init(&t, V4_ALL);
      sim_srv6_set_linux_compat(t.sr[SX_R2], linux_mode);
      SimSrv6Sid *sid = sid_at_r2(&t, sids[i].sid, sids[i].behaviour, 0, sids[i].out,
                                  sids[i].table);
      Pkt in;
      build(&in, NULL, (const char *[]){ "fc00:0:3::1", sids[i].sid, NULL }, 1, false, 64);
      inject(&t, &in);
      run(&t);
      Caps c;
      caps_read(&t, &c);
      if (linux_mode) {
        expect_frames(&c, what, (int[]){ 0, 1, 0, 0, 0 });
      } else {
        expect_frames(&c, what, (int[]){ 1, 2, 0, 0, 0 });
        size_t len;
        const uint8_t *e = sx_ip6(&c.l[SX_L2], 1, &len);
        cr_assert(e[6] == SIM_IPPROTO_ICMPV6 && len >= 48, "%s: not ICMPv6 (%u)", what, e[6]);
        cr_assert_eq(e[40], SIM_ICMP6_PARAM_PROBLEM, "%s: ICMPv6 type %u", what, e[40]);
        cr_assert_eq(e[41], 0, "%s: code %u", what, e[41]);
        cr_assert_eq(fx_get32(e + 44), 43, "%s: pointer %u, expected 43", what, fx_get32(e + 44));
        SimIp6Addr to = sx_dst(e);
        sx_assert_addr(to, HA);
        expect_bytes(e + 48, len - 48, in.b, in.len, "the quote is the packet as received");
      }
      expect_drop(&t, SX_R2, sid, true, SIM_DROP_SRV6_SEGMENTS_LEFT, what);
      caps_clear(&c);
      sx_free(&t);
    }
  }
}

/* IPv4 inside at SIDs of a node without IPv4 (every other node has it):
 * End.DX4, End.DT4, End.DT46 and End with USD drop it as srv6_no_ipv4 at
 * the SID, without an ICMPv6 error; steering an IPv4 prefix there is
 * refused */
Test(srv6_ipv4, ipv4_inside_without_ipv4_is_srv6_no_ipv4)
{
  const struct {
    const char *sid, *behaviour;
    unsigned flavours;
    int out;
    uint32_t table;
  } sids[] = { { SID_DX4, "End.DX4", 0, SX_L4, 0 },
               { SID_DT4, "End.DT4", 0, -1, TABLE_T },
               { SID_DT46, "End.DT46", 0, -1, TABLE_T },
               { "fc00:0:2::1", "End", SIM_SRV6_USD, -1, 0 } };
  for (size_t i = 0; i < G_N_ELEMENTS(sids); i++) {
    Sx t;
    s4_init(&t, V4_NOT_R2);
    cr_assert_null(sim_ip4_of(t.n[SX_R2]));
    SimSrv6Sid *sid = sid_at_r2(&t, sids[i].sid, sids[i].behaviour, sids[i].flavours,
                                sids[i].out, sids[i].table);
    Pkt in;
    build(&in, NULL, (const char *[]){ sids[i].sid, NULL }, 0, false, 64);
    inject(&t, &in);
    run(&t);
    Caps c;
    caps_read(&t, &c);
    expect_frames(&c, sids[i].behaviour, (int[]){ 0, 1, 0, 0, 0 });
    expect_drop(&t, SX_R2, sid, true, SIM_DROP_SRV6_NO_IPV4, sids[i].behaviour);
    caps_clear(&c);
    sx_free(&t);
  }
  Sx t;
  s4_init(&t, V4_NOT_R2);
  GError *e = NULL;
  SimSrv6Policy *pol = sim_srv6_policy_new(t.sr[SX_R2], "p", 0, NULL, NULL, &e);
  cr_assert_not_null(pol);
  SimIp6Addr seg = fx_addr("fc00:0:3::1");
  cr_assert(sim_srv6_policy_add_segment_list(pol, 100, &seg, 1, 1, &e));
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse("::ffff:198.51.100.0/120", &p, FALSE, NULL));
  cr_assert_not(sim_srv6_steer(t.sr[SX_R2], 0, &p, NULL, pol, NULL, NULL, &e),
                "steering IPv4 at a node without IPv4 accepted");
  cr_assert_not_null(e);
  cr_assert_not_null(strstr(e->message, "no IPv4"), "message: %s", e->message);
  g_error_free(e);
  sx_free(&t);
}

/* ---- USD (§4.16.3) with IPv4 inside ---------------------------------------------------------- */

/* §4.16.3 S04-S06: at the ultimate segment (Segments Left 0, or no SRH)
 * USD exposes the IPv4 packet and forwards it - End by the main table
 * (L3), End.X to its adjacency (L4), End.T in table T (L4) - unchanged;
 * hB's socket gets it */
Test(srv6_ipv4, usd_with_ipv4_inside_at_end_end_x_end_t_rfc8986_4_16_3)
{
  const struct {
    const char *sid, *behaviour;
    int adj;
    uint32_t table;
    int out;
  } rows[] = { { "fc00:0:2::1", "End", -1, 0, SX_L3 },
               { "fc00:0:2::40", "End.X", SX_L4, 0, SX_L4 },
               { "fc00:0:2::10", "End.T", -1, TABLE_T, SX_L4 } };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    for (int srh = 1; srh >= 0; srh--) {
      char what[96];
      g_snprintf(what, sizeof what, "%s USD, IPv4 inside, %s", rows[i].behaviour,
                 srh ? "Segments Left 0" : "no SRH");
      Sx t;
      s4_init(&t, V4_ALL);
      SimSrv6Sid *sid = sid_at_r2(&t, rows[i].sid, rows[i].behaviour, SIM_SRV6_USD, rows[i].adj,
                                  rows[i].table);
      Sink k;
      sink_on_hb(&t, &k);
      Pkt in;
      if (srh)
        build(&in, NULL, (const char *[]){ rows[i].sid, NULL }, 0, false, 64);
      else
        build(&in, rows[i].sid, NULL, 0, false, 64);
      cr_assert_eq(in.b[6], srh ? SIM_IPPROTO_ROUTING : SIM_IPPROTO_IPV4);
      inject(&t, &in);
      run(&t);
      Caps c;
      caps_read(&t, &c);
      int want[SX_NL] = { 0, 1, 0, 0, 1 };
      want[rows[i].out] = 1;
      expect_frames(&c, what, want);
      size_t len;
      const uint8_t *o = frame_ip4(&c.l[rows[i].out], 0, &len);
      expect_bytes(o, len, in.b + in.inner, in.len - in.inner, what);
      cr_assert_eq(k.n4, 1, "%s: hB got %d", what, k.n4);
      expect_no_drop(&t, sid, what);
      caps_clear(&c);
      sx_free(&t);
    }
  }
}

/* ---- headends steering IPv4 (§5.1, §5.2) --------------------------------------------------- */

/* R1 steers ::ffff:198.51.100.0/120 (site B) into a policy
 * <fc00:0:2::1 (End at R2), fc00:0:3::d4 (End.DT4 at R3, main table)>. */
static SimSrv6Policy *
v4_policy(Sx *t, const char *segs, const SimSrv6HeadendConfig *cfg)
{
  sx_sid(t, SX_R2, "fc00:0:2::1", 128, "End", 0);
  sx_sid(t, SX_R3, "fc00:0:3::d4", 128, "End.DT4", 0);
  return sx_policy(t, SX_R1, "site-b", "::ffff:198.51.100.0/120", segs, cfg);
}

static SimFlow *
v4_flow(Sx *t, const char *name, uint8_t tos, uint32_t size, uint64_t count, SimTime start)
{
  SimTrafficConfig c;
  sim_traffic_config_init(&c);
  c.pps = 1000;
  c.size = size;
  c.max_packets = count;
  c.traffic_class = tos;
  c.start = start;
  SimIp6Addr dst = sim_ip4_mapped(V4_HB);
  GError *e = NULL;
  SimFlow *f = sim_flow_new(t->net, name, t->n[SX_HA], t->n[SX_HB], &dst, &c, &e);
  cr_assert_not_null(f, "%s", e ? e->message : "");
  return f;
}

/* tshark (TSHARK, else from PATH) decodes @path (IPv4 in SRv6 over
 * Ethernet) without malformed packets or warnings and shows, per frame,
 * the inner TTL @ttl, Segments Left @sl and outer hop limit @hlim. */
static void
tshark_expect(const char *path, guint frames, unsigned ttl, unsigned sl, unsigned hlim)
{
  const char *env = g_getenv("TSHARK");
  g_autofree char *tshark = env && *env ? g_strdup(env) : g_find_program_in_path("tshark");
  if (!tshark) {
    cr_log_warn("no tshark: the decode check of %s is skipped", path);
    return;
  }
  const char *bad[] = { tshark, "-n", "-r", path, "-o", "ip.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE", "-Y",
                        "_ws.malformed || _ws.expert.severity >= \"Warning\"", "-T", "fields",
                        "-e", "frame.number", "-e", "_ws.expert.message", NULL };
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  cr_assert(g_spawn_sync(NULL, (char **)bad, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                         &status, NULL));
  cr_assert(g_spawn_check_wait_status(status, NULL), "tshark failed: %s", err);
  cr_assert_str_empty(g_strstrip(out), "tshark flags frames in %s:\n%s", path, out);
  g_free(out);
  g_free(err);
  const char *fields[] = { tshark, "-n", "-r", path, "-o", "ip.check_checksum:TRUE", "-T",
                           "fields", "-E", "separator=|", "-e", "ip.ttl", "-e",
                           "ipv6.routing.segleft", "-e", "ipv6.hlim", "-e", "ip.checksum.status",
                           "-e", "ip.proto", NULL };
  cr_assert(g_spawn_sync(NULL, (char **)fields, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                         &status, NULL));
  cr_assert(g_spawn_check_wait_status(status, NULL), "tshark failed: %s", err);
  gchar **lines = g_strsplit(g_strstrip(out), "\n", -1);
  cr_assert_eq(g_strv_length(lines), frames, "tshark shows %u frames, expected %u:\n%s",
               g_strv_length(lines), frames, out);
  char want[64];
  /* ip.checksum.status 1: Good */
  g_snprintf(want, sizeof want, "%u|%u|%u|1|17", ttl, sl, hlim);
  for (guint i = 0; lines[i]; i++)
    cr_assert_str_eq(lines[i], want, "%s frame %u: tshark shows ttl|segleft|hlim|ip checksum|proto "
                     "'%s', expected '%s'",
                     path, i + 1, lines[i], want);
  g_strfreev(lines);
  g_free(out);
  g_free(err);
}

/* §5.1 end to end: an IPv4 UDP flow hA -> hB (TOS 0xb8) is steered at R1
 * into H.Encaps and every packet is delivered through End (R2) and
 * End.DT4 (R3). On L2: outer Next Header 43, the SRH's Next Header 4
 * (IPv4), two segments with Segments Left 1, Payload Length = SRH +
 * inner, outer hop limit 64, traffic class 0xb8 copied from the TOS, one
 * non-zero flow label for the flow, source R1's loopback; the inner packet
 * is hA's with its TTL decremented once (S05) and a valid checksum. On L3
 * Segments Left 0 and the inner packet as on L2; on L5 the decapsulated
 * packet, unchanged. tshark decodes L2 and L3 with the inner TTL 63 and
 * Segments Left 1 and 0 */
Test(srv6_ipv4, headend_h_encaps_ipv4_end_to_end_with_end_dt4_rfc8986_5_1)
{
  enum { N = 20 };
  Sx t;
  s4_init(&t, V4_ALL);
  SimSrv6Policy *pol = v4_policy(&t, "fc00:0:2::1, fc00:0:3::d4", NULL);
  SimFlow *f = v4_flow(&t, "v4", 0xb8, 100, N, SIM_MS(1));
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(f)->tx_packets, N);
  cr_assert_eq(sim_flow_stats(f)->rx_packets, N, "delivered %" PRIu64 " of %d",
               sim_flow_stats(f)->rx_packets, N);
  cr_assert_eq(sim_flow_drops(f), 0);
  cr_assert_eq(sim_srv6_policy_counters(pol)->packets, N);
  cr_assert_eq(sim_srv6_policy_counters(pol)->dropped, 0);
  SimIp6Addr dt4 = fx_addr("fc00:0:3::d4");
  const SimSrv6Sid *sid = sim_srv6_sid_lookup(t.sr[SX_R3], &dt4);
  cr_assert_not_null(sid);
  cr_assert_eq(sim_srv6_sid_counters(sid)->packets, N);
  Caps c;
  caps_read(&t, &c);
  expect_frames(&c, "the flow", (int[]){ N, N, N, 0, N });
  uint32_t label = 0;
  for (guint i = 0; i < N; i++) {
    size_t ilen, olen, l3len, l5len;
    const uint8_t *in = frame_ip4(&c.l[SX_L1], i, &ilen);
    assert_ip4_intact(in, ilen, "hA's packet");
    cr_assert_eq(in[8], 64, "hA's TTL %u", in[8]);
    cr_assert_eq(in[1], 0xb8, "hA's TOS 0x%02x", in[1]);
    cr_assert_eq(ilen, 20 + 8 + 100);
    const uint8_t *r = sx_ip6(&c.l[SX_L2], i, &olen);
    cr_assert_eq(olen, 40 + 40 + ilen, "L2 frame %u: %zu bytes", i, olen);
    cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "outer Next Header %u", r[6]);
    cr_assert_eq(fx_get16(r + 4), 40 + ilen, "Payload Length %u", fx_get16(r + 4));
    cr_assert_eq(r[7], 64, "outer hop limit %u", r[7]);
    cr_assert_eq(tc6(r), 0xb8, "traffic class 0x%02x, expected the TOS 0xb8", tc6(r));
    cr_assert_neq(fl6(r), 0, "flow label 0");
    if (i == 0)
      label = fl6(r);
    cr_assert_eq(fl6(r), label, "packet %u: flow label 0x%05x, the flow's is 0x%05x", i, fl6(r),
                 label);
    SimIp6Addr a;
    memcpy(a.b, r + 8, 16);
    sx_assert_addr(a, "2001:db8:ff::1");
    a = sx_dst(r);
    sx_assert_addr(a, "fc00:0:2::1");
    const uint8_t *srh = r + 40;
    cr_assert_eq(srh[0], SIM_IPPROTO_IPV4, "SRH Next Header %u, expected 4", srh[0]);
    cr_assert(srh[1] == 4 && srh[2] == 4 && srh[3] == 1 && srh[4] == 1,
              "SRH Hdr Ext Len %u type %u Segments Left %u Last Entry %u", srh[1], srh[2], srh[3],
              srh[4]);
    SimSrh s;
    cr_assert_eq(sim_srh_parse(r, olen, 40, 6, &s, NULL), SIM_SRH_OK);
    sim_srh_segment(r, &s, 0, &a);
    sx_assert_addr(a, "fc00:0:3::d4");
    sim_srh_segment(r, &s, 1, &a);
    sx_assert_addr(a, "fc00:0:2::1");
    const uint8_t *inner = r + 80;
    expect_ttl_decremented(inner, olen - 80, in, ilen, "S05: the inner packet at the headend");
    const uint8_t *r3 = sx_ip6(&c.l[SX_L3], i, &l3len);
    cr_assert_eq(l3len, olen);
    cr_assert(r3[43] == 0 && r3[7] == 63, "L3: Segments Left %u hop limit %u", r3[43], r3[7]);
    a = sx_dst(r3);
    sx_assert_addr(a, "fc00:0:3::d4");
    expect_bytes(r3 + 80, l3len - 80, inner, olen - 80, "End leaves the inner packet alone");
    const uint8_t *out = frame_ip4(&c.l[SX_L5], i, &l5len);
    expect_bytes(out, l5len, inner, olen - 80, "End.DT4 hands hB the inner packet");
  }
  tshark_expect(t.path[SX_L2], N, 63, 1, 64);
  tshark_expect(t.path[SX_L3], N, 63, 0, 63);
  caps_clear(&c);
  sx_free(&t);
}

/* §5.2 H.Encaps.Red: the SRH leaves out the first segment (one entry,
 * Segments Left 1, Next Header 4); with a single segment there is no SRH
 * and the outer header's Next Header is 4 (Payload Length = the IPv4
 * packet). Both deliver every packet */
Test(srv6_ipv4, headend_h_encaps_red_ipv4_next_header_4_rfc8986_5_2)
{
  for (int single = 0; single <= 1; single++) {
    const char *what = single ? "H.Encaps.Red, one segment" : "H.Encaps.Red, two segments";
    Sx t;
    s4_init(&t, V4_ALL);
    SimSrv6HeadendConfig cfg;
    sim_srv6_headend_config_init(&cfg);
    cfg.mode = SIM_SRV6_H_ENCAPS_RED;
    v4_policy(&t, single ? "fc00:0:3::d4" : "fc00:0:2::1, fc00:0:3::d4", &cfg);
    SimFlow *f = v4_flow(&t, "v4", 0, 64, 5, SIM_MS(1));
    sim_run_until(t.ctx, SIM_MS(30));
    cr_assert_eq(sim_flow_stats(f)->rx_packets, 5, "%s: delivered %" PRIu64, what,
                 sim_flow_stats(f)->rx_packets);
    Caps c;
    caps_read(&t, &c);
    expect_frames(&c, what, (int[]){ 5, 5, 5, 0, 5 });
    for (guint i = 0; i < 5; i++) {
      size_t ilen, olen;
      const uint8_t *in = frame_ip4(&c.l[SX_L1], i, &ilen);
      const uint8_t *r = sx_ip6(&c.l[SX_L2], i, &olen);
      size_t srh_len = single ? 0 : 24;
      cr_assert_eq(olen, 40 + srh_len + ilen, "%s: %zu bytes", what, olen);
      cr_assert_eq(fx_get16(r + 4), srh_len + ilen, "%s: Payload Length %u", what, fx_get16(r + 4));
      SimIp6Addr a = sx_dst(r);
      if (single) {
        cr_assert_eq(r[6], SIM_IPPROTO_IPV4, "%s: outer Next Header %u, expected 4", what, r[6]);
        sx_assert_addr(a, "fc00:0:3::d4");
      } else {
        cr_assert_eq(r[6], SIM_IPPROTO_ROUTING, "%s: outer Next Header %u", what, r[6]);
        sx_assert_addr(a, "fc00:0:2::1");
        const uint8_t *srh = r + 40;
        cr_assert(srh[0] == SIM_IPPROTO_IPV4 && srh[1] == 2 && srh[3] == 1 && srh[4] == 0,
                  "%s: SRH Next Header %u Hdr Ext Len %u Segments Left %u Last Entry %u", what,
                  srh[0], srh[1], srh[3], srh[4]);
        memcpy(a.b, srh + 8, 16);
        sx_assert_addr(a, "fc00:0:3::d4");
      }
      expect_ttl_decremented(r + 40 + srh_len, olen - 40 - srh_len, in, ilen, what);
    }
    caps_clear(&c);
    sx_free(&t);
  }
}

/* §5.1 S02-S03 with a configured headend, for IPv4 inside: the outer hop
 * limit as configured, or copied from the TTL the headend forwards (63);
 * the traffic class copied from the TOS or 0; the flow label hashed, or
 * 0 when copied (IPv4 has none) or zeroed */
Test(srv6_ipv4, headend_outer_fields_from_the_ipv4_header_rfc8986_5_1)
{
  static const struct {
    int hop_limit;
    gboolean copy_tc;
    SimSrv6FlowLabelMode fl_mode;
    uint8_t want_hl, want_tc;
    bool want_fl;
  } cases[] = {
    { 5, FALSE, SIM_SRV6_FLOW_LABEL_COPY, 5, 0, false },
    { -1, TRUE, SIM_SRV6_FLOW_LABEL_ZERO, 63, 0x28, false },
    { 255, TRUE, SIM_SRV6_FLOW_LABEL_HASH, 255, 0x28, true },
    { 0, FALSE, SIM_SRV6_FLOW_LABEL_HASH, 64, 0, true },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    Sx t;
    s4_init(&t, V4_ALL);
    SimSrv6HeadendConfig cfg;
    sim_srv6_headend_config_init(&cfg);
    cfg.hop_limit = cases[i].hop_limit;
    cfg.copy_traffic_class = cases[i].copy_tc;
    cfg.flow_label = cases[i].fl_mode;
    v4_policy(&t, "fc00:0:2::1, fc00:0:3::d4", &cfg);
    SimFlow *f = v4_flow(&t, "v4", 0x28, 100, 2, SIM_MS(1));
    sim_run_until(t.ctx, SIM_MS(30));
    bool arrives = cases[i].want_hl > 2;
    cr_assert_eq(sim_flow_stats(f)->rx_packets, arrives ? 2u : 0u, "case %zu: delivered %" PRIu64,
                 i, sim_flow_stats(f)->rx_packets);
    FxPcap l2 = sx_frames(&t, SX_L2);
    cr_assert_eq(l2.frames->len, 2, "case %zu: L2 frames %u", i, l2.frames->len);
    for (guint j = 0; j < 2; j++) {
      const uint8_t *r = sx_ip6(&l2, j, NULL);
      cr_assert_eq(r[7], cases[i].want_hl, "case %zu: outer hop limit %u, expected %u", i, r[7],
                   cases[i].want_hl);
      cr_assert_eq(tc6(r), cases[i].want_tc, "case %zu: traffic class 0x%02x, expected 0x%02x", i,
                   tc6(r), cases[i].want_tc);
      if (cases[i].want_fl)
        cr_assert_neq(fl6(r), 0, "case %zu: hashed flow label is 0", i);
      else
        cr_assert_eq(fl6(r), 0, "case %zu: flow label 0x%05x, expected 0", i, fl6(r));
      cr_assert_eq(r[80 + 8], 63, "case %zu: inner TTL %u", i, r[88]);
      cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, r + 80, 20)), 0, "case %zu: inner checksum", i);
    }
    fx_pcap_clear(&l2);
    sx_free(&t);
  }
}

/* Linux-compatible headend with IPv4 inside (seg6_do_srh_encap): the
 * packet is encapsulated on input, so its TTL is not decremented; the
 * outer header takes the route's hop limit (64, then the forwarding step:
 * 63 on L2), traffic class 0 and flow label 0 - nothing copied from the
 * IPv4 header */
Test(srv6_ipv4, linux_compat_headend_ipv4_outer_fields)
{
  Sx t;
  s4_init(&t, V4_ALL);
  sim_srv6_set_linux_compat(t.sr[SX_R1], TRUE);
  v4_policy(&t, "fc00:0:2::1, fc00:0:3::d4", NULL);
  SimFlow *f = v4_flow(&t, "v4", 0x28, 100, 2, SIM_MS(1));
  sim_run_until(t.ctx, SIM_MS(30));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 2, "delivered %" PRIu64,
               sim_flow_stats(f)->rx_packets);
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, 2, "L2 frames %u", l2.frames->len);
  for (guint j = 0; j < 2; j++) {
    const uint8_t *r = sx_ip6(&l2, j, NULL);
    cr_assert_eq(r[7], 63, "outer hop limit %u, expected 63", r[7]);
    cr_assert_eq(tc6(r), 0, "traffic class 0x%02x, expected 0", tc6(r));
    cr_assert_eq(fl6(r), 0, "flow label 0x%05x, expected 0", fl6(r));
    cr_assert_eq(r[80 + 8], 64, "inner TTL %u, expected 64 (not forwarded by IPv4)", r[88]);
    cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, r + 80, 20)), 0, "inner checksum");
  }
  fx_pcap_clear(&l2);
  sx_free(&t);
}

/* RFC 6437 §3 / RFC 6438 §3: the outer flow label is a function of the
 * inner IPv4 5-tuple: the same for every packet of a flow, different
 * across eight flows that differ in their UDP source port (a collision
 * among 8 of 2^20 labels has probability 28 / 2^20) */
Test(srv6_ipv4, headend_flow_label_hashed_from_the_ipv4_5_tuple_rfc6437_3)
{
  enum { N = 8, PER = 3 };
  Sx t;
  s4_init(&t, V4_ALL);
  v4_policy(&t, "fc00:0:2::1, fc00:0:3::d4", NULL);
  for (int i = 0; i < N; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "f%d", i);
    v4_flow(&t, name, 0, 64, PER, SIM_US(100) * (i + 1));
  }
  sim_run_until(t.ctx, SIM_MS(50));
  FxPcap l2 = sx_frames(&t, SX_L2);
  cr_assert_eq(l2.frames->len, N * PER, "L2 frames %u", l2.frames->len);
  uint16_t ports[N];
  uint32_t labels[N];
  guint n = 0;
  for (guint i = 0; i < l2.frames->len; i++) {
    const uint8_t *r = sx_ip6(&l2, i, NULL);
    const uint8_t *in = r + 80;
    cr_assert_eq(in[9], SIM_IPPROTO_UDP);
    uint16_t sp = fx_get16(in + 20);
    uint32_t fl = fl6(r);
    cr_assert_neq(fl, 0, "frame %u: flow label 0", i);
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

/* §5.1 S05: the headend forwards the IPv4 packet - TTL 1 is dropped at
 * R1 as hop_limit (counted at the policy, nothing enters the tunnel, no
 * ICMP), TTL 2 enters it with TTL 1 and reaches hB */
Test(srv6_ipv4, headend_ttl_1_is_dropped_rfc8986_5_1_s05)
{
  for (uint8_t ttl = 1; ttl <= 2; ttl++) {
    Sx t;
    s4_init(&t, V4_ALL);
    SimSrv6Policy *pol = v4_policy(&t, "fc00:0:2::1, fc00:0:3::d4", NULL);
    Sink k;
    sink_on_hb(&t, &k);
    uint8_t b[64];
    size_t n = put_inner4(b, ttl, 0, V4_HB);
    SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t.net), SIM_PACKET_DEFAULT_HEADROOM, b,
                                             n, 0);
    sim_net_packet_created(t.net, p);
    SimIface *a = sim_link_end(t.l[SX_L1], 0);
    sim_iface_send_ether_type(a, p, sim_iface_mac(sim_iface_peer(a)), SIM_ETHERTYPE_IPV4);
    run(&t);
    Caps c;
    caps_read(&t, &c);
    const SimSrv6Counters *pc = sim_srv6_policy_counters(pol);
    cr_assert_eq(pc->packets, 1, "TTL %u: policy packets %" PRIu64, ttl, pc->packets);
    if (ttl == 1) {
      expect_frames(&c, "TTL 1", (int[]){ 1, 0, 0, 0, 0 });
      expect_drop(&t, SX_R1, NULL, false, SIM_DROP_HOP_LIMIT, "TTL 1 at the headend");
      cr_assert_eq(pc->dropped, 1, "the policy counted %" PRIu64 " drops", pc->dropped);
      cr_assert_eq(k.n4, 0);
    } else {
      expect_frames(&c, "TTL 2", (int[]){ 1, 1, 1, 0, 1 });
      const uint8_t *r = sx_ip6(&c.l[SX_L2], 0, NULL);
      cr_assert_eq(r[80 + 8], 1, "inner TTL %u in the tunnel", r[88]);
      cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, r + 80, 20)), 0, "inner checksum");
      cr_assert_eq(k.n4, 1, "hB got %d", k.n4);
      cr_assert_eq(k.ttl, 1, "TTL at hB %u", k.ttl);
      expect_no_drop(&t, NULL, "TTL 2");
    }
    caps_clear(&c);
    sx_free(&t);
  }
}
