/* test-ip4.c - the minimal IPv4 layer (models/ipv4/ip4.h), clause by
 * clause: the RFC 791 header and its checksum (RFC 1071), the RFC 1624
 * incremental update of the TTL, addresses and prefixes, and a small
 * network that forwards IPv4 (RFC 1812 §5.3.1 TTL, §5.2.2 header
 * validation), carries UDP (RFC 768) through the sockets the IPv6 stack
 * shares with it (IPv4-mapped destinations, RFC 4291 §2.5.5.2) and answers
 * ICMP echo (RFC 792).
 *
 *   h1 --(l1)-- r --(l2)-- h2    10.0.1.0/24 and 10.0.2.0/24 (plus the
 *                                IPv6 of fixture.h underneath)
 *
 * Checksums are checked against a reference computed here, independent of
 * the library's sim_inet_* helpers. Packets are crafted as bytes and put
 * on h1's wire, or sent by flows and pings; what the links carried is read
 * back from pcap captures (LINKTYPE_RAW on PPP links, Ethernet II on
 * Ethernet links), which tshark checks when TSHARK names it.
 */
#include "fixture.h"
#include "ip4.h"

#define A4(a, b, c, d)                                                                          \
  ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define H1 A4(10, 0, 1, 1)
#define R1 A4(10, 0, 1, 2)
#define R2 A4(10, 0, 2, 1)
#define H2 A4(10, 0, 2, 2)

static void
put32(uint8_t *b, uint32_t v)
{
  fx_put16(b, (uint16_t)(v >> 16));
  fx_put16(b + 2, (uint16_t)v);
}

/* The UDP checksum (RFC 768) of the datagram at @u over the IPv4
 * pseudo-header; 0 when it verifies. */
static uint16_t
ref_udp4(uint32_t src, uint32_t dst, const uint8_t *u, size_t len)
{
  uint32_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + SIM_IPPROTO_UDP +
               (uint32_t)len;
  return fx_ref_cksum(fx_ref_sum(s, u, len));
}

static const char *
a4(uint32_t a, char buf[SIM_IP4_ADDR_STRLEN])
{
  return sim_ip4_addr_format(a, buf);
}

#define assert_a4(got, want, what)                                                              \
  do {                                                                                         \
    char a4_g_[SIM_IP4_ADDR_STRLEN], a4_w_[SIM_IP4_ADDR_STRLEN];                               \
    cr_assert_eq((got), (want), "%s: %s, expected %s", what, a4((got), a4_g_),                 \
                 a4((want), a4_w_));                                                           \
  } while (0)

/* ---- packets as bytes ------------------------------------------------------------------- */

typedef struct {
  uint8_t tos;
  uint16_t id, frag;
  uint8_t ttl;
  uint8_t proto;
  uint32_t src, dst;
  unsigned opt_words; /* header options (NOP) in 32-bit words */
} Hdr;

/* An IPv4 header at @b for @payload bytes after it, with its checksum;
 * returns the header length. */
static size_t
put_ip4(uint8_t *b, const Hdr *h, size_t payload)
{
  size_t hl = 20 + 4 * (size_t)h->opt_words;
  b[0] = (uint8_t)(0x40 | hl / 4);
  b[1] = h->tos;
  fx_put16(b + 2, (uint16_t)(hl + payload));
  fx_put16(b + 4, h->id);
  fx_put16(b + 6, h->frag);
  b[8] = h->ttl;
  b[9] = h->proto;
  b[10] = b[11] = 0;
  put32(b + 12, h->src);
  put32(b + 16, h->dst);
  memset(b + 20, 1, hl - 20); /* NOP options (RFC 791 option type 1) */
  fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, hl)));
  return hl;
}

/* A UDP datagram at @u from port 0xc000 to @dport with @payload bytes of
 * 0x5a; checksum over the IPv4 pseudo-header unless @no_checksum. */
static size_t
put_udp(uint8_t *u, uint32_t src, uint32_t dst, uint16_t dport, size_t payload, bool no_checksum)
{
  size_t len = 8 + payload;
  fx_put16(u, 0xc000);
  fx_put16(u + 2, dport);
  fx_put16(u + 4, (uint16_t)len);
  fx_put16(u + 6, 0);
  memset(u + 8, 0x5a, payload);
  if (!no_checksum) {
    uint16_t ck = ref_udp4(src, dst, u, len);
    fx_put16(u + 6, ck ? ck : 0xffff);
  }
  return len;
}

/* A complete IPv4/UDP packet h1 -> @dst:@dport, @payload bytes; returns
 * its length. */
static size_t
udp_packet(uint8_t *b, const Hdr *h, uint16_t dport, size_t payload)
{
  size_t hl = 20 + 4 * (size_t)h->opt_words;
  size_t ul = put_udp(b + hl, h->src, h->dst, dport, payload, false);
  put_ip4(b, h, ul);
  return hl + ul;
}

static Hdr
hdr_to(uint32_t dst, uint8_t proto)
{
  return (Hdr){ 0, 0x1234, 0, 64, proto, H1, dst, 0 };
}

/* The IPv4 header at @ip is intact: version 4, IHL 5.., checksum. */
static void
assert_ip4_valid(const uint8_t *ip, size_t len, const char *what)
{
  cr_assert_geq(len, 20, "%s: %zu bytes", what, len);
  cr_assert_eq(ip[0] >> 4, 4, "%s: version %u", what, ip[0] >> 4);
  size_t hl = (size_t)(ip[0] & 0xf) * 4;
  cr_assert(hl >= 20 && hl <= len, "%s: IHL %zu", what, hl);
  cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, ip, hl)), 0, "%s: header checksum 0x%04x does not verify",
               what, fx_get16(ip + 10));
  cr_assert_eq(fx_get16(ip + 2), len, "%s: total length %u, the frame holds %zu", what,
               fx_get16(ip + 2), len);
}

/* ---- the network -------------------------------------------------------------------------- */

typedef struct {
  int n;
  size_t bytes;
  SimIp6Addr src;
  uint16_t sport;
  uint8_t ttl, tos;
} Sink;

static void
sink_recv(SimUdpSocket *sock, SimPacket *p, const SimIp6Addr *src, uint16_t sport,
          const SimIp6Header *h, void *data)
{
  Sink *k = data;
  k->n++;
  k->bytes += sim_packet_length(p);
  k->src = *src;
  k->sport = sport;
  k->ttl = h->hop_limit;
  k->tos = h->traffic_class;
  sim_net_packet_delivered(sim_node_net(sim_ip6_node(sim_udp_ip6(sock))), p);
}

static SimUdpSocket *
sink_bind(SimNode *node, uint16_t port, Sink *k)
{
  memset(k, 0, sizeof *k);
  GError *e = NULL;
  SimUdpSocket *s = sim_udp_bind(sim_ip6_of(node), port, sink_recv, k, &e);
  cr_assert_not_null(s, "%s", e ? e->message : "");
  return s;
}

static void
add4(SimNode *node, SimIface *iface, uint32_t a, unsigned len)
{
  GError *e = NULL;
  cr_assert(sim_ip4_add_address(sim_ip4_of(node), iface, a, len, &e), "%s",
            e ? e->message : "");
}

static void
route4(SimNode *node, uint32_t table, uint32_t prefix, unsigned len, SimIface *out, uint32_t gw)
{
  GError *e = NULL;
  cr_assert(sim_ip4_route_add(sim_ip4_of(node), table, prefix, len, out, gw, &e), "%s",
            e ? e->message : "");
}

/* fixture.h's network (PPP links, IPv6) with IPv4 on h1, r and, with
 * @v4_h2, h2: 10.0.1.0/24 on l1, 10.0.2.0/24 on l2, default routes on
 * the hosts. */
static void
v4_init(Fx *t, uint32_t mtu2, bool v4_h2)
{
  fx_init(t, mtu2);
  SimNode *nodes[] = { t->h1, t->r, t->h2 };
  for (int i = 0; i < (v4_h2 ? 3 : 2); i++) {
    SimIp4 *ip = sim_ip4_install(nodes[i]);
    cr_assert_not_null(ip);
    cr_assert_eq(sim_ip4_install(nodes[i]), ip, "sim_ip4_install is idempotent");
    cr_assert_eq(sim_ip4_of(nodes[i]), ip);
    cr_assert_eq(sim_ip4_node(ip), nodes[i]);
  }
  add4(t->h1, sim_link_end(t->l1, 0), H1, 24);
  add4(t->r, sim_link_end(t->l1, 1), R1, 24);
  add4(t->r, sim_link_end(t->l2, 0), R2, 24);
  route4(t->h1, 0, 0, 0, sim_link_end(t->l1, 0), R1);
  if (v4_h2) {
    add4(t->h2, sim_link_end(t->l2, 1), H2, 24);
    route4(t->h2, 0, 0, 0, sim_link_end(t->l2, 1), R2);
  }
}

static void
run(Fx *t)
{
  sim_run_until(t->ctx, sim_now(t->ctx) + SIM_MS(5));
}

/* The only drops in the network: @n at @node for @reason. */
static void
expect_drops(Fx *t, SimNode *node, SimDropReason reason, uint64_t n, const char *what)
{
  const SimNetCounters *c = sim_net_counters(t->net);
  cr_assert_eq(sim_node_drops(node, reason), n, "%s: %s dropped %" PRIu64 " as %s, expected %" PRIu64,
               what, sim_node_name(node), sim_node_drops(node, reason),
               sim_drop_reason_name(reason), n);
  cr_assert_eq(c->dropped, n,
               "%s: %" PRIu64 " drops in the network (no_route %" PRIu64 ", hop_limit %" PRIu64
               ", bad_checksum %" PRIu64 ", bad_header %" PRIu64 ", no_ipv4 %" PRIu64
               "), expected %" PRIu64,
               what, c->dropped, c->drops[SIM_DROP_NO_ROUTE], c->drops[SIM_DROP_HOP_LIMIT],
               c->drops[SIM_DROP_BAD_CHECKSUM], c->drops[SIM_DROP_BAD_HEADER],
               c->drops[SIM_DROP_NO_IPV4], n);
}

/* ---- capture ------------------------------------------------------------------------------ */

typedef struct {
  char *dir, *path;
  SimPcapWriter *w;
  SimIface *ifc;
  SimPcapLinkType type;
} Cap;

/* Captures what @ifc sends and receives, with the link type of its
 * framing (sim_framing_pcap_linktype()). */
static void
cap_start(Cap *c, SimIface *ifc)
{
  c->dir = g_dir_make_tmp("ipesim-ip4-XXXXXX", NULL);
  cr_assert_not_null(c->dir);
  c->path = g_build_filename(c->dir, "cap.pcap", NULL);
  c->type = sim_framing_pcap_linktype(sim_link_config(sim_iface_link(ifc))->framing);
  c->w = sim_pcap_writer_open(c->path, c->type, 65535, NULL);
  cr_assert_not_null(c->w);
  c->ifc = ifc;
  sim_iface_set_pcap(ifc, c->w);
}

/* The frames captured; @clean: tshark (TSHARK) must flag nothing. */
static FxPcap
cap_stop(Cap *c, bool clean)
{
  sim_iface_set_pcap(c->ifc, NULL);
  cr_assert(sim_pcap_writer_close(c->w, NULL));
  gchar *bytes;
  gsize len;
  cr_assert(g_file_get_contents(c->path, &bytes, &len, NULL));
  cr_assert_geq(len, 24);
  cr_assert_eq(fx_le32((const uint8_t *)bytes + 20), (uint32_t)c->type, "pcap link type");
  g_free(bytes);
  FxPcap p = fx_pcap_read(c->path);
  if (clean)
    fx_tshark_clean(c->path);
  g_unlink(c->path);
  g_rmdir(c->dir);
  g_free(c->path);
  g_free(c->dir);
  return p;
}

/* ---- header (RFC 791 §3.1) -------------------------------------------------------------------- */

/* RFC 791 §3.1: the classic example header 45 00 00 73 00 00 40 00 40 11
 * b8 61 c0 a8 00 01 c0 a8 00 c7 (UDP, DF, TTL 64, 192.168.0.1 ->
 * 192.168.0.199): written byte for byte with the checksum 0xb861, read
 * back field by field, and its checksum verifies (0 over the header) */
Test(ip4_header, write_and_read_the_classic_example_rfc791_3_1)
{
  static const uint8_t want[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                    0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
  SimIp4Header h = { 0, 0x73, 0, 0x4000, 64, SIM_IPPROTO_UDP, A4(192, 168, 0, 1),
                     A4(192, 168, 0, 199), 20 };
  uint8_t b[24];
  memset(b, 0xee, sizeof b);
  sim_ip4_header_write(b, &h);
  for (int i = 0; i < 20; i++)
    cr_assert_eq(b[i], want[i], "byte %d is 0x%02x, expected 0x%02x", i, b[i], want[i]);
  cr_assert(b[20] == 0xee && b[23] == 0xee, "wrote past the 20-byte header");
  cr_assert_eq(sim_ip4_header_checksum(want, 20), 0, "an intact header sums to 0, got 0x%04x",
               sim_ip4_header_checksum(want, 20));
  uint8_t z[20];
  memcpy(z, want, 20);
  z[10] = z[11] = 0;
  cr_assert_eq(sim_ip4_header_checksum(z, 20), 0xb861,
               "checksum over the header with the field zero: 0x%04x, expected 0xb861",
               sim_ip4_header_checksum(z, 20));
  SimIp4Header r;
  memset(&r, 0xcc, sizeof r);
  cr_assert(sim_ip4_header_read(want, 20, &r));
  cr_assert(r.tos == 0 && r.total_length == 0x73 && r.id == 0 && r.frag == 0x4000 &&
              r.ttl == 64 && r.protocol == SIM_IPPROTO_UDP && r.header_length == 20,
            "tos %u total %u id %u frag 0x%04x ttl %u protocol %u header length %u", r.tos,
            r.total_length, r.id, r.frag, r.ttl, r.protocol, r.header_length);
  assert_a4(r.src, A4(192, 168, 0, 1), "source");
  assert_a4(r.dst, A4(192, 168, 0, 199), "destination");
  /* every field of another header round-trips */
  SimIp4Header o = { 0xb9, 1500, 0xbeef, 0x2000 | 185, 1, 99, A4(10, 1, 2, 3),
                     A4(255, 255, 255, 255), 20 };
  sim_ip4_header_write(b, &o);
  cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, b, 20)), 0, "written checksum 0x%04x does not verify",
               fx_get16(b + 10));
  cr_assert(sim_ip4_header_read(b, 1500, &r));
  cr_assert(r.tos == 0xb9 && r.total_length == 1500 && r.id == 0xbeef &&
              r.frag == (0x2000 | 185) && r.ttl == 1 && r.protocol == 99 && r.src == o.src &&
              r.dst == o.dst && r.header_length == 20,
            "round trip: tos 0x%02x total %u id 0x%04x frag 0x%04x ttl %u protocol %u", r.tos,
            r.total_length, r.id, r.frag, r.ttl, r.protocol);
}

/* RFC 791 §3.1 / RFC 1812 §5.2.2: a header is usable only with version 4,
 * IHL >= 5, IHL within the bytes present and Total Length >= IHL; a header
 * with options (IHL 6..15) is read with its length */
Test(ip4_header, read_rejects_malformed_headers_rfc1812_5_2_2)
{
  uint8_t base[64];
  Hdr h = hdr_to(H2, SIM_IPPROTO_UDP);
  put_ip4(base, &h, 44); /* Total Length 64 */
  SimIp4Header r;
  cr_assert(sim_ip4_header_read(base, 28, &r), "the base header is valid");
  cr_assert_eq(r.total_length, 64);
  const struct {
    const char *what;
    int at;
    uint8_t value;
    size_t len;
    bool ok;
  } cases[] = {
    { "version 6", 0, 0x65, 28, false },
    { "version 0", 0, 0x05, 28, false },
    { "version 5", 0, 0x55, 28, false },
    { "IHL 4", 0, 0x44, 28, false },
    { "IHL 0", 0, 0x40, 28, false },
    { "IHL 6 with 20 bytes", 0, 0x46, 20, false },
    { "IHL 6 with 24 bytes", 0, 0x46, 24, true },
    { "IHL 15 with 59 bytes", 0, 0x4f, 59, false },
    { "IHL 15 with 60 bytes", 0, 0x4f, 60, true },
    { "19 bytes", -1, 0, 19, false },
    { "0 bytes", -1, 0, 0, false },
    { "Total Length 19 < IHL 20", 3, 19, 28, false },
    { "Total Length 0", 3, 0, 28, false },
    { "Total Length 20 = IHL", 3, 20, 28, true },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    uint8_t b[64];
    memcpy(b, base, sizeof b);
    if (cases[i].at >= 0)
      b[cases[i].at] = cases[i].value;
    memset(&r, 0, sizeof r);
    gboolean ok = sim_ip4_header_read(b, cases[i].len, &r);
    cr_assert_eq(ok, cases[i].ok, "%s: read %s, expected %s", cases[i].what,
                 ok ? "TRUE" : "FALSE", cases[i].ok ? "TRUE" : "FALSE");
    if (ok && cases[i].at == 0)
      cr_assert_eq(r.header_length, (size_t)(cases[i].value & 0xf) * 4,
                   "%s: header length %u", cases[i].what, r.header_length);
  }
  /* Total Length 16 with IHL 6: below the header once options count */
  uint8_t b[64];
  h.opt_words = 1;
  put_ip4(b, &h, 8);
  cr_assert(sim_ip4_header_read(b, 32, &r) && r.header_length == 24 && r.total_length == 32);
  b[2] = 0;
  b[3] = 23;
  cr_assert_not(sim_ip4_header_read(b, 32, &r), "Total Length 23 < IHL 24 accepted");
}

/* RFC 1071 §1: the checksum covers the whole header, options included;
 * any single-bit change is detected */
Test(ip4_header, checksum_covers_the_header_with_options_rfc1071)
{
  for (unsigned words = 0; words <= 10; words++) {
    uint8_t b[60];
    Hdr h = { 0x10, 0x4242, 0x4000, 17, 6, A4(203, 0, 113, 9), A4(198, 51, 100, 77), words };
    size_t hl = put_ip4(b, &h, 100);
    cr_assert_eq(sim_ip4_header_checksum(b, hl), 0, "IHL %zu: intact header sums to 0x%04x", hl,
                 sim_ip4_header_checksum(b, hl));
    uint16_t field = fx_get16(b + 10);
    b[10] = b[11] = 0;
    cr_assert_eq(sim_ip4_header_checksum(b, hl), field,
                 "IHL %zu: checksum 0x%04x, the reference says 0x%04x", hl,
                 sim_ip4_header_checksum(b, hl), field);
    fx_put16(b + 10, field);
    for (size_t bit = 0; bit < hl * 8; bit += 7) {
      b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
      cr_assert_neq(sim_ip4_header_checksum(b, hl), 0, "IHL %zu: bit %zu flipped unnoticed", hl,
                    bit);
      b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
  }
}

/* Sets the Identification field of the header at @b so that its checksum
 * becomes @want (one's complement arithmetic: the sum must be ~want). */
static void
force_checksum(uint8_t *b, uint16_t want)
{
  b[4] = b[5] = b[10] = b[11] = 0;
  uint32_t s = fx_ref_sum(0, b, 20);
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  /* id = ~want - s in one's complement: ~want + ~s */
  uint32_t id = (uint32_t)(uint16_t)~want + (uint16_t)~s;
  while (id >> 16)
    id = (id & 0xffff) + (id >> 16);
  fx_put16(b + 4, (uint16_t)id);
  fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
  cr_assert_eq(fx_get16(b + 10), want, "could not force the checksum to 0x%04x", want);
}

/* RFC 1624 §3 (eqn. 3, HC' = ~(~HC + ~m + m')): after sim_ip4_decrement_ttl
 * the checksum equals a full recomputation, for every TTL from 2 to 255
 * and many pseudo-random headers - including those whose checksum is
 * 0x0000 before or after, where eqn. 2 of RFC 1141 goes wrong (0xffff) -
 * and nothing but the TTL and the checksum changes */
Test(ip4_header, decrement_ttl_equals_full_recomputation_rfc1624_3)
{
  GRand *rng = g_rand_new_with_seed(1624);
  unsigned checked = 0, zero_before = 0, zero_after = 0;
  for (unsigned k = 0; k < 600; k++) {
    uint8_t b[20];
    for (int i = 0; i < 20; i++)
      b[i] = (uint8_t)g_rand_int_range(rng, 0, 256);
    b[0] = 0x45;
    for (unsigned ttl = 2; ttl <= 255; ttl++) {
      b[8] = (uint8_t)ttl;
      if (k % 3 == 1)
        force_checksum(b, 0x0000); /* 0 before the update */
      else
        fx_put16(b + 10, 0), fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
      if (k % 3 == 2) {
        /* 0 after the update: force it on the decremented header */
        b[8] = (uint8_t)(ttl - 1);
        force_checksum(b, 0x0000);
        b[8] = (uint8_t)ttl;
        fx_put16(b + 10, 0);
        fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
      }
      zero_before += fx_get16(b + 10) == 0;
      uint8_t before[20];
      memcpy(before, b, 20);
      sim_ip4_decrement_ttl(b);
      uint8_t full[20];
      memcpy(full, b, 20);
      full[10] = full[11] = 0;
      uint16_t want = fx_ref_cksum(fx_ref_sum(0, full, 20));
      zero_after += want == 0;
      cr_assert_eq(b[8], ttl - 1, "TTL %u became %u", ttl, b[8]);
      cr_assert_eq(fx_get16(b + 10), want,
                   "header %u, TTL %u -> %u: incremental checksum 0x%04x, full recomputation "
                   "0x%04x (before 0x%04x)",
                   k, ttl, b[8], fx_get16(b + 10), want, fx_get16(before + 10));
      cr_assert(memcmp(b, before, 8) == 0 && b[9] == before[9] &&
                  memcmp(b + 12, before + 12, 8) == 0,
                "header %u, TTL %u: bytes other than TTL and checksum changed", k, ttl);
      memcpy(b, before, 20);
      checked++;
    }
  }
  g_rand_free(rng);
  cr_assert_eq(checked, 600 * 254);
  cr_assert_geq(zero_before, 200 * 254, "headers with checksum 0 before: %u", zero_before);
  cr_assert_geq(zero_after, 200 * 254, "headers with checksum 0 after: %u", zero_after);
}

/* ---- addresses ------------------------------------------------------------------------------ */

/* Dotted quads parse to host order and format back; anything else is
 * refused with a GError naming the text */
Test(ip4_addr, parse_and_format_dotted_quads)
{
  const struct {
    const char *text;
    uint32_t addr;
  } good[] = {
    { "192.0.2.1", A4(192, 0, 2, 1) },
    { "0.0.0.0", 0 },
    { "255.255.255.255", 0xffffffffu },
    { "10.20.30.40", A4(10, 20, 30, 40) },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    uint32_t a = 0x12345678;
    GError *e = NULL;
    cr_assert(sim_ip4_addr_parse(good[i].text, &a, &e), "%s: %s", good[i].text,
              e ? e->message : "");
    cr_assert_null(e);
    assert_a4(a, good[i].addr, good[i].text);
    char buf[SIM_IP4_ADDR_STRLEN];
    cr_assert_str_eq(sim_ip4_addr_format(a, buf), good[i].text);
    cr_assert_eq(sim_ip4_addr_format(a, buf), buf, "format returns its buffer");
  }
  const char *bad[] = { "192.0.2",  "192.0.2.256", "a.b.c.d", "",         "1.2.3.4 ",
                        " 1.2.3.4", "1.2.3.4.5",   "::1",     "::ffff:1.2.3.4", "1.2.3.-4",
                        "1..2.3" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    uint32_t a = 0x12345678;
    GError *e = NULL;
    cr_assert_not(sim_ip4_addr_parse(bad[i], &a, &e), "'%s' parsed as %08x", bad[i], a);
    cr_assert_not_null(e, "'%s': no GError", bad[i]);
    cr_assert(g_error_matches(e, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX), "'%s': error %s/%d",
              bad[i], g_quark_to_string(e->domain), e->code);
    cr_assert_not_null(strstr(e->message, bad[i]), "'%s': the message '%s' does not name it",
                       bad[i], e->message);
    g_error_free(e);
  }
  GError *e = NULL;
  uint32_t a;
  cr_assert_not(sim_ip4_addr_parse(NULL, &a, &e));
  cr_assert_not_null(e);
  g_error_free(e);
}

/* a.b.c.d/len with len 0..32 and no host bits set; host bits, a missing
 * or bad length and a bad address are refused with a GError */
Test(ip4_addr, prefix_parse_rejects_host_bits_and_bad_text)
{
  const struct {
    const char *text;
    uint32_t addr;
    unsigned len;
  } good[] = {
    { "10.0.0.0/8", A4(10, 0, 0, 0), 8 },   { "0.0.0.0/0", 0, 0 },
    { "192.0.2.1/32", A4(192, 0, 2, 1), 32 }, { "198.51.100.128/25", A4(198, 51, 100, 128), 25 },
    { "172.16.0.0/12", A4(172, 16, 0, 0), 12 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    uint32_t a = 1;
    unsigned l = 99;
    GError *e = NULL;
    cr_assert(sim_ip4_prefix_parse(good[i].text, &a, &l, &e), "%s: %s", good[i].text,
              e ? e->message : "");
    assert_a4(a, good[i].addr, good[i].text);
    cr_assert_eq(l, good[i].len, "%s: length %u", good[i].text, l);
  }
  const struct {
    const char *text;
    const char *says; /* in the message */
  } bad[] = {
    { "10.0.0.1/8", "host bits" },     { "192.0.2.1/31", "host bits" },
    { "128.0.0.0/0", "host bits" },    { "10.0.0.0/33", "10.0.0.0/33" },
    { "10.0.0.0/", "10.0.0.0/" },      { "10.0.0.0", "10.0.0.0" },
    { "10.0.0.0/8x", "10.0.0.0/8x" },  { "10.0.0/8", "10.0.0/8" },
    { "10.0.0.0/-1", "10.0.0.0/-1" },  { "/8", "/8" },
    { "10.0.0.0/ 8", "10.0.0.0/ 8" },  { "10.0.0.0/+8", "10.0.0.0/+8" },
    { "", "not an IPv4 prefix" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    uint32_t a = 0;
    unsigned l = 0;
    GError *e = NULL;
    cr_assert_not(sim_ip4_prefix_parse(bad[i].text, &a, &l, &e), "'%s' parsed", bad[i].text);
    cr_assert_not_null(e, "'%s': no GError", bad[i].text);
    cr_assert(g_error_matches(e, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX), "'%s': error %s/%d",
              bad[i].text, g_quark_to_string(e->domain), e->code);
    cr_assert_not_null(strstr(e->message, bad[i].says), "'%s': message '%s' lacks '%s'",
                       bad[i].text, e->message, bad[i].says);
    g_error_free(e);
  }
}

/* RFC 4291 §2.5.5.2: ::ffff:a.b.c.d and back; IPv4-compatible (::a.b.c.d)
 * and other addresses are not mapped */
Test(ip4_addr, ipv4_mapped_addresses_rfc4291_2_5_5_2)
{
  SimIp6Addr m = sim_ip4_mapped(A4(192, 0, 2, 33));
  SimIp6Addr want = fx_addr("::ffff:192.0.2.33");
  cr_assert(sim_ip6_addr_equal(&m, &want), "sim_ip4_mapped is not ::ffff:192.0.2.33");
  cr_assert(sim_ip4_is_mapped(&m));
  assert_a4(sim_ip4_from_mapped(&m), A4(192, 0, 2, 33), "back from mapped");
  const char *not_mapped[] = { "::192.0.2.33", "2001:db8::ffff:c000:221", "::1", "::",
                               "ffff::ffff:c000:221", "::fffe:192.0.2.33", "::1:ffff:192.0.2.33" };
  for (size_t i = 0; i < G_N_ELEMENTS(not_mapped); i++) {
    SimIp6Addr a = fx_addr(not_mapped[i]);
    cr_assert_not(sim_ip4_is_mapped(&a), "%s counts as IPv4-mapped", not_mapped[i]);
  }
  for (uint32_t x = 1; x; x = x * 3 + 7) {
    SimIp6Addr y = sim_ip4_mapped(x);
    cr_assert(sim_ip4_is_mapped(&y));
    cr_assert_eq(sim_ip4_from_mapped(&y), x);
    if (x > 0x40000000u)
      break;
  }
}

/* Addresses must be unicast (not 0, multicast or class E) with a length up
 * to 32 on an interface of the node; routes need a prefix without host
 * bits, an existing table and an interface of the node; lookups give the
 * interface and the neighbour, or local */
Test(ip4_addr, addresses_routes_and_lookups)
{
  Fx t;
  v4_init(&t, 0, true);
  SimIp4 *ir = sim_ip4_of(t.r);
  SimIface *r_l1 = sim_link_end(t.l1, 1), *r_l2 = sim_link_end(t.l2, 0);
  const struct {
    uint32_t a;
    unsigned len;
    SimIface *iface;
  } bad_addr[] = {
    { 0, 24, r_l1 },
    { A4(224, 0, 0, 1), 24, r_l1 },
    { A4(239, 1, 1, 1), 32, r_l1 },
    { A4(240, 0, 0, 1), 24, r_l1 },
    { A4(10, 9, 9, 9), 33, r_l1 },
    { A4(10, 9, 9, 9), 24, sim_link_end(t.l1, 0) }, /* h1's interface */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad_addr); i++) {
    GError *e = NULL;
    cr_assert_not(sim_ip4_add_address(ir, bad_addr[i].iface, bad_addr[i].a, bad_addr[i].len, &e),
                  "bad address %zu accepted", i);
    cr_assert_not_null(e, "bad address %zu: no GError", i);
    g_error_free(e);
  }
  cr_assert_eq(sim_ip4_iface_address(ir, r_l1), R1);
  cr_assert_eq(sim_ip4_iface_address(ir, r_l2), R2);
  cr_assert_eq(sim_ip4_iface_address(ir, NULL), 0, "no loopback address yet");
  cr_assert_eq(sim_ip4_primary_address(ir), R1, "no loopback: the first address");
  add4(t.r, NULL, A4(192, 0, 2, 254), 24); /* the loopback: always /32 */
  cr_assert_eq(sim_ip4_primary_address(ir), A4(192, 0, 2, 254), "the loopback is primary");
  cr_assert(sim_ip4_is_local(ir, R1) && sim_ip4_is_local(ir, R2) &&
            sim_ip4_is_local(ir, A4(192, 0, 2, 254)));
  cr_assert_not(sim_ip4_is_local(ir, A4(192, 0, 2, 253)), "the loopback took a /24");
  cr_assert_not(sim_ip4_is_local(ir, H1));
  const struct {
    uint32_t table, prefix;
    unsigned len;
    SimIface *out;
  } bad_route[] = {
    { 0, A4(10, 5, 0, 1), 16, r_l2 },         /* host bits */
    { 0, A4(10, 5, 0, 0), 33, r_l2 },         /* length */
    { 7, A4(10, 5, 0, 0), 16, r_l2 },         /* no table 7 */
    { 0, A4(10, 5, 0, 0), 16, NULL },         /* no interface */
    { 0, A4(10, 5, 0, 0), 16, sim_link_end(t.l2, 1) }, /* h2's */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad_route); i++) {
    GError *e = NULL;
    cr_assert_not(sim_ip4_route_add(ir, bad_route[i].table, bad_route[i].prefix, bad_route[i].len,
                                    bad_route[i].out, A4(10, 0, 2, 2), &e),
                  "bad route %zu accepted", i);
    cr_assert_not_null(e, "bad route %zu: no GError", i);
    g_error_free(e);
  }
  route4(t.r, 0, A4(10, 5, 0, 0), 16, r_l2, H2);
  route4(t.r, 0, A4(10, 5, 5, 0), 24, r_l1, H1); /* longer prefix wins */
  uint32_t gw = 0;
  gboolean local = TRUE;
  const struct {
    uint32_t dst;
    SimIface *out;
    uint32_t gw;
    gboolean local;
  } lookups[] = {
    { A4(10, 5, 1, 1), r_l2, H2, FALSE },     { A4(10, 5, 5, 1), r_l1, H1, FALSE },
    { A4(10, 0, 2, 77), r_l2, A4(10, 0, 2, 77), FALSE }, /* connected: on-link */
    { R1, NULL, 0, TRUE },                    { A4(192, 0, 2, 254), NULL, 0, TRUE },
    { A4(8, 8, 8, 8), NULL, 0, FALSE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(lookups); i++) {
    gw = 0xdeadbeef;
    local = !lookups[i].local;
    SimIface *o = sim_ip4_route_lookup(ir, 0, lookups[i].dst, &gw, &local);
    char b[SIM_IP4_ADDR_STRLEN];
    cr_assert_eq(o, lookups[i].out, "%s: wrong interface", a4(lookups[i].dst, b));
    cr_assert_eq(local, lookups[i].local, "%s: local %d", a4(lookups[i].dst, b), local);
    if (lookups[i].out)
      assert_a4(gw, lookups[i].gw, "the neighbour");
  }
  cr_assert(sim_ip4_route_remove(ir, 0, A4(10, 5, 5, 0), 24));
  cr_assert_not(sim_ip4_route_remove(ir, 0, A4(10, 5, 5, 0), 24), "removed twice");
  cr_assert_eq(sim_ip4_route_lookup(ir, 0, A4(10, 5, 5, 1), &gw, &local), r_l2,
               "after removal the /16 applies");
  cr_assert_null(sim_ip4_route_lookup(ir, 7, H2, &gw, &local), "no table 7");
  fx_check_and_free(&t);
}

/* ---- forwarding and delivery ----------------------------------------------------------------- */

/* RFC 768 over IPv4 through the shared sockets: a flow to ::ffff:10.0.2.2
 * is delivered completely, one-way delay = 2 x (130 bytes at 1 Gbit/s +
 * 5 us) - 100 payload + 8 UDP + 20 IPv4 + 2 PPP; on the wire each packet is
 * IPv4 (the version nibble, LINKTYPE_RAW), TOS from the traffic class, TTL
 * 64 on l1 and 63 on l2 (RFC 1812 §5.3.1) with a header checksum that
 * verifies on both links, UDP with a checksum over the IPv4 pseudo-header,
 * and the IPv4 counters add up */
Test(ip4_net, udp_flow_to_a_mapped_destination_rfc768)
{
  Fx t;
  v4_init(&t, 0, true);
  Cap c1, c2;
  cap_start(&c1, sim_link_end(t.l1, 0));
  cap_start(&c2, sim_link_end(t.l2, 1));
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 1000;
  tc.size = 100;
  tc.max_packets = 10;
  tc.traffic_class = 0xb8;
  SimIp6Addr dst = sim_ip4_mapped(H2);
  GError *e = NULL;
  SimFlow *f = sim_flow_new(t.net, "v4", t.h1, t.h2, &dst, &tc, &e);
  cr_assert_not_null(f, "%s", e ? e->message : "");
  cr_assert_eq(sim_flow_path_mtu(f), 1500, "the first hop's MTU");
  sim_run_until(t.ctx, SIM_MS(20));
  const SimFlowStats *st = sim_flow_stats(f);
  cr_assert_eq(st->tx_packets, 10);
  cr_assert_eq(st->rx_packets, 10, "received %" PRIu64, st->rx_packets);
  cr_assert_eq(st->rx_bytes, 1000);
  cr_assert_eq(sim_flow_drops(f), 0);
  uint32_t wire = 100 + 8 + 20 + sim_framing_overhead(SIM_FRAMING_PPP);
  cr_assert_eq(wire, 130, "PPP adds 2 bytes");
  double expect = 2 * ((double)wire * 8 * 1000 + 5e6);
  cr_assert_float_eq(st->delay_stats.mean, expect, 1e-6, "mean delay %g ps, expected %g",
                     st->delay_stats.mean, expect);
  const SimIp4Stats *s1 = sim_ip4_stats(sim_ip4_of(t.h1)), *sr = sim_ip4_stats(sim_ip4_of(t.r)),
                    *s2 = sim_ip4_stats(sim_ip4_of(t.h2));
  cr_assert(s1->sent == 10 && s1->rx == 0, "h1 sent %" PRIu64 " rx %" PRIu64, s1->sent, s1->rx);
  cr_assert(sr->rx == 10 && sr->forwarded == 10 && sr->delivered == 0,
            "r rx %" PRIu64 " forwarded %" PRIu64 " delivered %" PRIu64, sr->rx, sr->forwarded,
            sr->delivered);
  cr_assert(s2->rx == 10 && s2->delivered == 10, "h2 rx %" PRIu64 " delivered %" PRIu64, s2->rx,
            s2->delivered);
  FxPcap p1 = cap_stop(&c1, true), p2 = cap_stop(&c2, true);
  cr_assert_eq(p1.frames->len, 10, "l1 frames %u", p1.frames->len);
  cr_assert_eq(p2.frames->len, 10, "l2 frames %u", p2.frames->len);
  uint16_t ids[10];
  for (guint i = 0; i < 10; i++) {
    size_t l1, l2;
    const uint8_t *a = fx_frame(&p1, i, &l1), *b = fx_frame(&p2, i, &l2);
    cr_assert_eq(l1, 128, "l1 frame %u: %zu bytes", i, l1);
    assert_ip4_valid(a, l1, "on l1");
    assert_ip4_valid(b, l2, "on l2");
    cr_assert_eq(a[8], 64, "l1: TTL %u, expected 64", a[8]);
    cr_assert_eq(b[8], 63, "l2: TTL %u, expected 63 after one router", b[8]);
    cr_assert_eq(a[1], 0xb8, "TOS 0x%02x, expected the traffic class 0xb8", a[1]);
    cr_assert_eq(a[9], SIM_IPPROTO_UDP);
    cr_assert_eq(fx_get16(a + 6), 0, "flags/offset 0x%04x: no fragment", fx_get16(a + 6));
    assert_a4(fx_get32(a + 12), H1, "source: the egress interface's address");
    assert_a4(fx_get32(a + 16), H2, "destination");
    cr_assert(memcmp(a, b, 8) == 0 && a[9] == b[9] && memcmp(a + 12, b + 12, l1 - 12) == 0,
              "frame %u: the router changed more than TTL and checksum", i);
    cr_assert_eq(fx_get16(a + 22), 9, "UDP destination port %u", fx_get16(a + 22));
    cr_assert_eq(fx_get16(a + 24), 108, "UDP length %u", fx_get16(a + 24));
    cr_assert_neq(fx_get16(a + 26), 0, "UDP checksum 0: it is always computed here");
    cr_assert_eq(ref_udp4(H1, H2, a + 20, 108), 0, "frame %u: UDP checksum 0x%04x does not verify",
                 i, fx_get16(a + 26));
    ids[i] = fx_get16(a + 4);
    for (guint j = 0; j < i; j++)
      cr_assert_neq(ids[j], ids[i], "frames %u and %u share the Identification 0x%04x", j, i,
                    ids[i]);
  }
  fx_pcap_clear(&p1);
  fx_pcap_clear(&p2);
  fx_check_and_free(&t);
}

/* Crafted UDP to h2's bound port: delivered with the IPv4 source mapped,
 * the TTL and TOS in the header handed to the socket; TTL 2 arrives with
 * TTL 1 (a host accepts it, RFC 1122 §3.2.1.7); header options are
 * carried and skipped (IHL 6); a frame longer than Total Length is
 * trimmed (link padding) */
Test(ip4_net, crafted_udp_is_delivered_with_its_fields)
{
  Fx t;
  v4_init(&t, 0, true);
  Sink k;
  SimUdpSocket *s = sink_bind(t.h2, 7000, &k);
  uint8_t b[256];
  Hdr h = hdr_to(H2, SIM_IPPROTO_UDP);
  h.ttl = 2;
  h.tos = 0x28;
  size_t n = udp_packet(b, &h, 7000, 10);
  fx_inject(&t, b, n);
  run(&t);
  cr_assert_eq(k.n, 1, "deliveries %d", k.n);
  cr_assert_eq(k.bytes, 10);
  SimIp6Addr want = sim_ip4_mapped(H1);
  cr_assert(sim_ip6_addr_equal(&k.src, &want), "the source is not ::ffff:10.0.1.1");
  cr_assert_eq(k.sport, 0xc000);
  cr_assert_eq(k.ttl, 1, "TTL at h2 %u", k.ttl);
  cr_assert_eq(k.tos, 0x28, "TOS at h2 0x%02x", k.tos);
  /* options */
  h = hdr_to(H2, SIM_IPPROTO_UDP);
  h.opt_words = 3;
  n = udp_packet(b, &h, 7000, 20);
  fx_inject(&t, b, n);
  run(&t);
  cr_assert_eq(k.n, 2, "with options: deliveries %d", k.n);
  cr_assert_eq(k.bytes, 30, "with options: %zu payload bytes", k.bytes);
  /* 4 bytes of padding after Total Length */
  h = hdr_to(H2, SIM_IPPROTO_UDP);
  n = udp_packet(b, &h, 7000, 5);
  memset(b + n, 0xaa, 4);
  Cap c;
  cap_start(&c, sim_link_end(t.l2, 0));
  fx_inject(&t, b, n + 4);
  run(&t);
  cr_assert_eq(k.n, 3, "padded: deliveries %d", k.n);
  cr_assert_eq(k.bytes, 35, "padded: %zu payload bytes", k.bytes);
  FxPcap p = cap_stop(&c, true);
  size_t len;
  const uint8_t *f = fx_frame(&p, 0, &len);
  cr_assert_eq(len, n, "the router forwarded %zu bytes, Total Length is %zu", len, n);
  cr_assert_eq(f[8], 63, "forwarded TTL %u", f[8]);
  fx_pcap_clear(&p);
  expect_drops(&t, t.r, SIM_DROP_NO_ROUTE, 0, "crafted UDP");
  sim_udp_close(s);
  fx_check_and_free(&t);
}

/* What a crafted packet meets: one drop with its reason at one node, and
 * the frames it caused on l1 (h1's end) and l2 (r's end). */
typedef struct {
  const char *what;
  void (*mangle)(uint8_t *b, size_t *len);
  uint32_t dst;
  uint8_t proto;
  uint8_t ttl;
  uint16_t frag;
  uint16_t dport;
  int at; /* 1: r, 2: h2 */
  SimDropReason reason;
} Case;

static void
bad_header_checksum(uint8_t *b, size_t *len)
{
  (void)len;
  b[11] ^= 0x01;
}

static void
total_length_past_frame(uint8_t *b, size_t *len)
{
  fx_put16(b + 2, (uint16_t)(*len + 1));
  fx_put16(b + 10, 0);
  fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
}

static void
udp_wrong_checksum(uint8_t *b, size_t *len)
{
  (void)len;
  b[27] ^= 0x40;
}

static void
ihl_4(uint8_t *b, size_t *len)
{
  (void)len;
  b[0] = 0x44; /* still version 4 for the link */
}

static void
truncated_udp(uint8_t *b, size_t *len)
{
  /* UDP length 8 + 4 but the IP payload is 8 + 4 - 2 */
  *len -= 2;
  fx_put16(b + 2, (uint16_t)*len);
  fx_put16(b + 10, 0);
  fx_put16(b + 10, fx_ref_cksum(fx_ref_sum(0, b, 20)));
}

static const Case drop_cases[] = {
  /* RFC 1812 §5.3.1: a router drops TTL <= 1 (no ICMPv4 Time Exceeded) */
  { "TTL 1 at the router", NULL, H2, SIM_IPPROTO_UDP, 1, 0, 9, 1, SIM_DROP_HOP_LIMIT },
  { "TTL 0 at the router", NULL, H2, SIM_IPPROTO_UDP, 0, 0, 9, 1, SIM_DROP_HOP_LIMIT },
  /* RFC 1812 §5.2.4.3: no route */
  { "no route", NULL, A4(198, 51, 100, 1), SIM_IPPROTO_UDP, 64, 0, 9, 1, SIM_DROP_NO_ROUTE },
  /* RFC 1812 §5.2.2: the header checksum is verified */
  { "header checksum", bad_header_checksum, H2, SIM_IPPROTO_UDP, 64, 0, 9, 1,
    SIM_DROP_BAD_CHECKSUM },
  /* RFC 1812 §5.2.2 (4): Total Length beyond the frame */
  { "Total Length past the frame", total_length_past_frame, H2, SIM_IPPROTO_UDP, 64, 0, 9, 1,
    SIM_DROP_BAD_LENGTH },
  /* RFC 1812 §5.2.2 (5): IHL < 5 */
  { "IHL 4", ihl_4, H2, SIM_IPPROTO_UDP, 64, 0, 9, 1, SIM_DROP_BAD_HEADER },
  /* no reassembly: a fragment at its destination (MF, or an offset) */
  { "MF at the destination", NULL, H2, SIM_IPPROTO_UDP, 64, 0x2000, 9, 2,
    SIM_DROP_BAD_FRAGMENT },
  { "offset at the destination", NULL, H2, SIM_IPPROTO_UDP, 64, 0x0001, 9, 2,
    SIM_DROP_BAD_FRAGMENT },
  { "MF and offset at the destination", NULL, H2, SIM_IPPROTO_UDP, 64, 0x2000 | 100, 9, 2,
    SIM_DROP_BAD_FRAGMENT },
  /* RFC 768: a wrong checksum */
  { "UDP checksum", udp_wrong_checksum, H2, SIM_IPPROTO_UDP, 64, 0, 9, 2,
    SIM_DROP_BAD_CHECKSUM },
  { "UDP length beyond the datagram", truncated_udp, H2, SIM_IPPROTO_UDP, 64, 0, 9, 2,
    SIM_DROP_BAD_TRANSPORT },
  /* RFC 1122 §3.2.2.1: unknown protocol (no ICMPv4 Protocol Unreachable) */
  { "protocol 99", NULL, H2, 99, 64, 0, 9, 2, SIM_DROP_UNKNOWN_NEXT_HEADER },
  { "TCP", NULL, H2, SIM_IPPROTO_TCP, 64, 0, 9, 2, SIM_DROP_UNKNOWN_NEXT_HEADER },
  /* RFC 1122 §4.1.3.1: no socket on the port */
  { "unbound port", NULL, H2, SIM_IPPROTO_UDP, 64, 0, 4242, 2, SIM_DROP_PORT_UNREACHABLE },
};

/* Each malformed or undeliverable packet is dropped once, with its
 * reason, where the RFC puts the check: at the router (TTL, route, header
 * checks) or at the destination (fragments, UDP, protocol, port); nothing
 * is sent back (no ICMPv4 errors) and nothing else is dropped */
Test(ip4_net, drops_with_their_reasons_rfc1812_5_2_2)
{
  for (size_t i = 0; i < G_N_ELEMENTS(drop_cases); i++) {
    const Case *cs = &drop_cases[i];
    Fx t;
    v4_init(&t, 0, true);
    Sink k;
    sink_bind(t.h2, 9, &k);
    uint8_t b[256];
    Hdr h = hdr_to(cs->dst, cs->proto);
    h.ttl = cs->ttl;
    h.frag = cs->frag;
    size_t n;
    if (cs->proto == SIM_IPPROTO_UDP) {
      n = udp_packet(b, &h, cs->dport, 4);
    } else {
      memset(b + 20, 0x77, 24);
      n = put_ip4(b, &h, 24) + 24;
    }
    if (cs->mangle)
      cs->mangle(b, &n);
    Cap c1, c2;
    cap_start(&c1, sim_link_end(t.l1, 0));
    cap_start(&c2, sim_link_end(t.l2, 0));
    fx_inject(&t, b, n);
    run(&t);
    FxPcap p1 = cap_stop(&c1, false), p2 = cap_stop(&c2, false);
    cr_assert_eq(p1.frames->len, 1, "%s: %u frames on l1, expected the packet only", cs->what,
                 p1.frames->len);
    guint want2 = cs->at == 2 ? 1 : 0;
    cr_assert_eq(p2.frames->len, want2, "%s: %u frames on l2, expected %u", cs->what,
                 p2.frames->len, want2);
    if (want2) {
      size_t len;
      const uint8_t *f = fx_frame(&p2, 0, &len);
      cr_assert_eq(f[8], b[8] - 1, "%s: TTL %u on l2", cs->what, f[8]);
      cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, f, 20)), 0, "%s: forwarded header checksum", cs->what);
    }
    expect_drops(&t, cs->at == 1 ? t.r : t.h2, cs->reason, 1, cs->what);
    cr_assert_eq(k.n, 0, "%s: delivered", cs->what);
    fx_pcap_clear(&p1);
    fx_pcap_clear(&p2);
    fx_check_and_free(&t);
  }
}

/* RFC 768: over IPv4 a zero checksum means none was sent - accepted; the
 * same datagram with the DF flag only (not a fragment) is accepted too */
Test(ip4_net, udp_zero_checksum_and_df_are_accepted_rfc768)
{
  Fx t;
  v4_init(&t, 0, true);
  Sink k;
  sink_bind(t.h2, 9, &k);
  uint8_t b[128];
  Hdr h = hdr_to(H2, SIM_IPPROTO_UDP);
  size_t ul = put_udp(b + 20, H1, H2, 9, 12, true);
  cr_assert_eq(fx_get16(b + 26), 0);
  put_ip4(b, &h, ul);
  fx_inject(&t, b, 20 + ul);
  h.frag = 0x4000;
  size_t n = udp_packet(b, &h, 9, 12);
  fx_inject(&t, b, n);
  run(&t);
  cr_assert_eq(k.n, 2, "deliveries %d, expected the zero-checksum and the DF datagrams", k.n);
  cr_assert_eq(k.bytes, 24);
  expect_drops(&t, t.h2, SIM_DROP_BAD_CHECKSUM, 0, "zero checksum");
  fx_check_and_free(&t);
}

/* A host does not forward: IPv4 for another address reaching h2 is
 * dropped as not_forwarding (RFC 1122 §3.3.1.6) */
Test(ip4_net, a_host_does_not_forward_rfc1122_3_3_1_6)
{
  Fx t;
  v4_init(&t, 0, true);
  route4(t.r, 0, A4(203, 0, 113, 0), 24, sim_link_end(t.l2, 0), H2);
  uint8_t b[128];
  Hdr h = hdr_to(A4(203, 0, 113, 5), SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  expect_drops(&t, t.h2, SIM_DROP_NOT_FORWARDING, 1, "a host");
  fx_check_and_free(&t);
}

/* IPv4 reaching a node without IPv4 (version 4 on a raw link) is dropped
 * as no_ipv4 there; a node without IPv4 sending UDP or a ping to an
 * IPv4-mapped destination drops it as no_ipv4 at once */
Test(ip4_net, a_node_without_ipv4_drops_it_as_no_ipv4)
{
  Fx t;
  v4_init(&t, 0, false);
  cr_assert_null(sim_ip4_of(t.h2));
  uint8_t b[128];
  Hdr h = hdr_to(H2, SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  expect_drops(&t, t.h2, SIM_DROP_NO_IPV4, 1, "received by a node without IPv4");
  cr_assert_eq(sim_ip4_stats(sim_ip4_of(t.r))->forwarded, 1, "the router forwarded it");
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 3;
  tc.start = sim_now(t.ctx);
  SimIp6Addr dst = sim_ip4_mapped(H1);
  SimFlow *f = sim_flow_new(t.net, "from-h2", t.h2, t.h1, &dst, &tc, NULL);
  cr_assert_not_null(f);
  SimPingConfig pc = { sim_now(t.ctx), SIM_MS(1), 2, 56, 0 };
  SimPing *pg = sim_ping_new(t.net, "ping-from-h2", t.h2, t.h1, &dst, &pc, NULL);
  cr_assert_not_null(pg);
  sim_run_until(t.ctx, sim_now(t.ctx) + SIM_MS(10));
  cr_assert_eq(sim_flow_stats(f)->tx_packets, 3);
  cr_assert_eq(sim_flow_drops(f), 3, "flow drops %" PRIu64, sim_flow_drops(f));
  cr_assert_eq(sim_ping_stats(pg)->sent, 2);
  cr_assert_eq(sim_ping_stats(pg)->received, 0);
  expect_drops(&t, t.h2, SIM_DROP_NO_IPV4, 1 + 3 + 2, "sent by a node without IPv4");
  fx_check_and_free(&t);
}

/* A network of Ethernet links: r -- switch -- h2 is multi-access (no
 * ARP here: the router drops IPv4 for it as no_ipv4), h1 -- r is
 * point-to-point Ethernet: IPv4 goes in EtherType 0x0800 frames to the
 * peer's MAC (RFC 894) */
typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *h1, *r, *sw, *h2;
  SimLink *l1, *l2, *l3;
} Eth;

static void
eth_init(Eth *t)
{
  t->ctx = sim_context_new(NULL);
  t->net = sim_net_new(t->ctx);
  t->h1 = sim_node_new(t->net, "h1", FALSE, NULL);
  t->r = sim_node_new(t->net, "r", TRUE, NULL);
  t->sw = sim_switch_new(t->net, "sw", NULL);
  t->h2 = sim_node_new(t->net, "h2", FALSE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = UINT64_C(1000000000);
  c.delay = SIM_US(5);
  c.framing = SIM_FRAMING_ETHERNET;
  t->l1 = sim_link_new(t->net, t->h1, t->r, &c, "l1", NULL);
  t->l2 = sim_link_new(t->net, t->r, t->sw, &c, "l2", NULL);
  t->l3 = sim_link_new(t->net, t->sw, t->h2, &c, "l3", NULL);
  cr_assert(t->l1 && t->l2 && t->l3);
  SimNode *n[] = { t->h1, t->r, t->h2 };
  for (int i = 0; i < 3; i++) {
    sim_ip6_install(n[i]);
    sim_ip4_install(n[i]);
  }
  add4(t->h1, sim_link_end(t->l1, 0), H1, 24);
  add4(t->r, sim_link_end(t->l1, 1), R1, 24);
  add4(t->r, sim_link_end(t->l2, 0), R2, 24);
  add4(t->h2, sim_link_end(t->l3, 1), H2, 24);
  route4(t->h1, 0, 0, 0, sim_link_end(t->l1, 0), R1);
}

static void
eth_free(Eth *t)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(t->net, &error), "%s", error ? error->message : "");
  sim_net_free(t->net);
  sim_context_free(t->ctx);
}

Test(ip4_net, ethernet_point_to_point_ethertype_0800_and_switched_no_ipv4_rfc894)
{
  Eth t;
  eth_init(&t);
  cr_assert(!sim_iface_is_multiaccess(sim_link_end(t.l1, 0)));
  cr_assert(sim_iface_is_multiaccess(sim_link_end(t.l2, 0)));
  /* h1 -> r's own address over point-to-point Ethernet: a ping */
  SimPingConfig pc = { SIM_MS(1), SIM_MS(1), 2, 56, 0 };
  SimIp6Addr r1 = sim_ip4_mapped(R1), h2 = sim_ip4_mapped(H2);
  SimPing *pg = sim_ping_new(t.net, "p", t.h1, t.r, &r1, &pc, NULL);
  cr_assert_not_null(pg);
  /* h1 -> h2 through the switch */
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 3;
  tc.size = 50;
  SimFlow *f = sim_flow_new(t.net, "f", t.h1, t.h2, &h2, &tc, NULL);
  cr_assert_not_null(f);
  Cap c;
  cap_start(&c, sim_link_end(t.l1, 0));
  cr_assert_eq(c.type, SIM_PCAP_LINK_ETHERNET);
  sim_run_until(t.ctx, SIM_MS(20));
  cr_assert_eq(sim_ping_stats(pg)->received, 2, "ping replies %" PRIu64,
               sim_ping_stats(pg)->received);
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 0);
  cr_assert_eq(sim_flow_drops(f), 3);
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_NO_IPV4), 3, "r: no_ipv4 %" PRIu64,
               sim_node_drops(t.r, SIM_DROP_NO_IPV4));
  cr_assert_eq(sim_net_counters(t.net)->dropped, 3);
  cr_assert_eq(sim_iface_stats(sim_link_end(t.l2, 0))->tx_packets, 0, "IPv4 sent to the switch");
  FxPcap p = cap_stop(&c, true);
  cr_assert_eq(p.frames->len, 3 + 4, "l1 frames %u: 3 UDP, 2 requests, 2 replies",
               p.frames->len);
  const uint8_t *mac_h1 = sim_iface_mac(sim_link_end(t.l1, 0));
  const uint8_t *mac_r = sim_iface_mac(sim_link_end(t.l1, 1));
  guint requests = 0, replies = 0, udp = 0;
  for (guint i = 0; i < p.frames->len; i++) {
    size_t len;
    const uint8_t *e = fx_frame(&p, i, &len);
    cr_assert_gt(len, 14 + 20);
    cr_assert_eq(fx_get16(e + 12), SIM_ETHERTYPE_IPV4, "frame %u: EtherType 0x%04x", i,
                 fx_get16(e + 12));
    const uint8_t *ip = e + 14;
    assert_ip4_valid(ip, len - 14, "Ethernet payload");
    bool from_h1 = memcmp(e + 6, mac_h1, 6) == 0;
    cr_assert(from_h1 || memcmp(e + 6, mac_r, 6) == 0, "frame %u: unknown source MAC", i);
    cr_assert_eq(memcmp(e, from_h1 ? mac_r : mac_h1, 6), 0,
                 "frame %u: not addressed to the peer's MAC", i);
    if (ip[9] == SIM_IPPROTO_UDP) {
      cr_assert(from_h1);
      udp++;
    } else {
      cr_assert_eq(ip[9], SIM_IPPROTO_ICMP);
      const uint8_t *m = ip + 20;
      size_t ml = len - 14 - 20;
      cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, m, ml)), 0, "frame %u: ICMP checksum", i);
      if (m[0] == 8) {
        cr_assert(from_h1);
        requests++;
      } else {
        cr_assert_eq(m[0], 0, "frame %u: ICMP type %u", i, m[0]);
        cr_assert(!from_h1);
        assert_a4(fx_get32(ip + 12), R1, "the reply's source");
        replies++;
      }
    }
  }
  cr_assert(udp == 3 && requests == 2 && replies == 2, "udp %u requests %u replies %u", udp,
            requests, replies);
  fx_pcap_clear(&p);
  eth_free(&t);
}

/* No fragmentation: a datagram larger than the egress MTU is dropped as
 * too_big at the router (l2 MTU 1280); one that just fits passes; one
 * larger than h1's own link is dropped at h1 */
Test(ip4_net, larger_than_the_mtu_is_too_big)
{
  Fx t;
  v4_init(&t, 1280, true);
  SimIp6Addr dst = sim_ip4_mapped(H2);
  const struct {
    uint32_t size;
    SimNode *at; /* NULL: delivered */
  } cases[] = { { 1280 - 28, NULL }, { 1280 - 27, t.r }, { 1500 - 28, t.r }, { 1500 - 27, t.h1 } };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    SimTrafficConfig tc;
    sim_traffic_config_init(&tc);
    tc.size = cases[i].size;
    tc.max_packets = 1;
    tc.start = sim_now(t.ctx);
    char name[16];
    g_snprintf(name, sizeof name, "f%zu", i);
    SimFlow *f = sim_flow_new(t.net, name, t.h1, t.h2, &dst, &tc, NULL);
    cr_assert_not_null(f);
    uint64_t before = cases[i].at ? sim_node_drops(cases[i].at, SIM_DROP_TOO_BIG) : 0;
    run(&t);
    if (cases[i].at) {
      cr_assert_eq(sim_flow_drops(f), 1, "%u bytes: not dropped", cases[i].size);
      cr_assert_eq(sim_node_drops(cases[i].at, SIM_DROP_TOO_BIG), before + 1,
                   "%u bytes: not too_big at %s", cases[i].size, sim_node_name(cases[i].at));
    } else {
      cr_assert_eq(sim_flow_stats(f)->rx_packets, 1, "%u bytes: not delivered", cases[i].size);
    }
  }
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_TOO_BIG), 2);
  cr_assert_eq(sim_node_drops(t.h1, SIM_DROP_TOO_BIG), 1);
  cr_assert_eq(sim_net_counters(t.net)->dropped, 3, "drops %" PRIu64,
               sim_net_counters(t.net)->dropped);
  fx_check_and_free(&t);
}

/* RFC 792: SimPing to an IPv4 address gets every reply: to h2 (two hops:
 * RTT 4 x (86 bytes + 5 us) - 56 data + 8 ICMP + 20 IPv4 + 2 PPP) and to
 * the router's far address 10.0.2.1 (one hop each way); the requests are
 * type 8 and the replies type 0 with the identifier, sequence and data of
 * the request and valid checksums */
Test(ip4_net, ping_to_an_ipv4_address_rfc792)
{
  Fx t;
  v4_init(&t, 0, true);
  SimPingConfig pc = { SIM_MS(1), SIM_MS(1), 4, 56, 0 };
  SimIp6Addr d2 = sim_ip4_mapped(H2), dr = sim_ip4_mapped(R2);
  SimPing *p2 = sim_ping_new(t.net, "to-h2", t.h1, t.h2, &d2, &pc, NULL);
  cr_assert_not_null(p2);
  Cap c;
  cap_start(&c, sim_link_end(t.l1, 0));
  sim_run_until(t.ctx, SIM_MS(10));
  cr_assert_eq(sim_ping_stats(p2)->sent, 4);
  cr_assert_eq(sim_ping_stats(p2)->received, 4, "replies %" PRIu64, sim_ping_stats(p2)->received);
  double hop = 86 * 8 * 1000.0 + 5e6;
  cr_assert_float_eq(sim_ping_stats(p2)->rtt_stats.mean, 4 * hop, 1e-6, "RTT %g ps, expected %g",
                     sim_ping_stats(p2)->rtt_stats.mean, 4 * hop);
  FxPcap p = cap_stop(&c, true);
  cr_assert_eq(p.frames->len, 8, "l1 frames %u", p.frames->len);
  for (guint i = 0; i < 8; i += 2) {
    size_t lq, lr;
    const uint8_t *q = fx_frame(&p, i, &lq), *r = fx_frame(&p, i + 1, &lr);
    assert_ip4_valid(q, lq, "request");
    assert_ip4_valid(r, lr, "reply");
    cr_assert(lq == 84 && lr == 84, "lengths %zu %zu", lq, lr);
    cr_assert(q[9] == SIM_IPPROTO_ICMP && r[9] == SIM_IPPROTO_ICMP);
    cr_assert_eq(q[20], 8, "request type %u", q[20]);
    cr_assert_eq(r[20], 0, "reply type %u", r[20]);
    cr_assert(q[21] == 0 && r[21] == 0, "codes %u %u", q[21], r[21]);
    cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, q + 20, 64)), 0, "request ICMP checksum");
    cr_assert_eq(fx_ref_cksum(fx_ref_sum(0, r + 20, 64)), 0, "reply ICMP checksum");
    cr_assert_eq(memcmp(q + 24, r + 24, 60), 0, "reply %u: identifier, sequence or data differ",
                 i / 2);
    cr_assert_eq(fx_get16(q + 26), i / 2, "sequence %u", fx_get16(q + 26));
    assert_a4(fx_get32(q + 12), H1, "request source");
    assert_a4(fx_get32(q + 16), H2, "request destination");
    assert_a4(fx_get32(r + 12), H2, "reply source");
    assert_a4(fx_get32(r + 16), H1, "reply destination");
    cr_assert_eq(q[8], 64, "request TTL %u", q[8]);
    cr_assert_eq(r[8], 63, "reply TTL %u (64 at h2, one router)", r[8]);
  }
  fx_pcap_clear(&p);
  pc.start = sim_now(t.ctx);
  SimPing *pr = sim_ping_new(t.net, "to-r", t.h1, t.r, &dr, &pc, NULL);
  cr_assert_not_null(pr);
  sim_run_until(t.ctx, sim_now(t.ctx) + SIM_MS(10));
  cr_assert_eq(sim_ping_stats(pr)->received, 4, "router replies %" PRIu64,
               sim_ping_stats(pr)->received);
  cr_assert_float_eq(sim_ping_stats(pr)->rtt_stats.mean, 2 * hop, 1e-6, "RTT to r %g ps",
                     sim_ping_stats(pr)->rtt_stats.mean);
  cr_assert_eq(sim_net_counters(t.net)->dropped, 0);
  fx_check_and_free(&t);
}

/* An ICMP message with a bad checksum, a truncated one, and an echo
 * reply nobody asked for end at h2 (bad_checksum, bad_transport,
 * delivered) */
Test(ip4_net, icmp_checksum_and_length_rfc792)
{
  Fx t;
  v4_init(&t, 0, true);
  uint8_t b[64];
  Hdr h = hdr_to(H2, SIM_IPPROTO_ICMP);
  uint8_t *m = b + 20;
  memset(m, 0, 16);
  m[0] = 8;
  fx_put16(m + 4, 0x77);
  fx_put16(m + 6, 1);
  fx_put16(m + 2, fx_ref_cksum(fx_ref_sum(0, m, 16)) ^ 0x0100);
  put_ip4(b, &h, 16);
  fx_inject(&t, b, 36);
  run(&t);
  expect_drops(&t, t.h2, SIM_DROP_BAD_CHECKSUM, 1, "ICMP checksum");
  put_ip4(b, &h, 4);
  fx_inject(&t, b, 24);
  run(&t);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_TRANSPORT), 1, "4-byte ICMP");
  /* an unsolicited echo reply */
  memset(m, 0, 16);
  m[0] = 0;
  fx_put16(m + 2, fx_ref_cksum(fx_ref_sum(0, m, 16)));
  put_ip4(b, &h, 16);
  uint64_t delivered = sim_net_counters(t.net)->delivered;
  fx_inject(&t, b, 36);
  run(&t);
  cr_assert_eq(sim_net_counters(t.net)->delivered, delivered + 1, "the reply was not consumed");
  cr_assert_eq(sim_net_counters(t.net)->dropped, 2);
  fx_check_and_free(&t);
}

/* VRFs: r's interface on l1 is bound to table 10 (sim_ip6_iface_set_table
 * before its IPv4 address, so the connected route lands there); IPv4
 * arriving on it is looked up in table 10, not in the main table - a
 * prefix only table 10 routes is forwarded, one only the main table
 * routes is no_route */
Test(ip4_net, vrf_table_applies_to_ipv4)
{
  Fx t;
  fx_init(&t, 0);
  SimIp6 *ir6 = sim_ip6_of(t.r);
  GError *e = NULL;
  cr_assert(sim_ip6_table_add(ir6, 10, &e), "%s", e ? e->message : "");
  cr_assert(sim_ip6_iface_set_table(ir6, sim_link_end(t.l1, 1), 10, &e), "%s",
            e ? e->message : "");
  sim_ip4_install(t.h1);
  sim_ip4_install(t.r);
  sim_ip4_install(t.h2);
  add4(t.h1, sim_link_end(t.l1, 0), H1, 24);
  add4(t.r, sim_link_end(t.l1, 1), R1, 24);
  add4(t.r, sim_link_end(t.l2, 0), R2, 24);
  add4(t.h2, sim_link_end(t.l2, 1), H2, 24);
  add4(t.h2, NULL, A4(203, 0, 113, 1), 32);
  add4(t.h2, NULL, A4(198, 51, 100, 1), 32);
  route4(t.h1, 0, 0, 0, sim_link_end(t.l1, 0), R1);
  SimIface *r_l2 = sim_link_end(t.l2, 0);
  route4(t.r, 10, A4(203, 0, 113, 0), 24, r_l2, H2);
  route4(t.r, 0, A4(198, 51, 100, 0), 24, r_l2, H2);
  SimIp4 *ir = sim_ip4_of(t.r);
  gboolean local = FALSE;
  cr_assert_eq(sim_ip4_route_lookup(ir, 10, A4(203, 0, 113, 1), NULL, NULL), r_l2);
  cr_assert_null(sim_ip4_route_lookup(ir, 0, A4(203, 0, 113, 1), NULL, NULL));
  cr_assert_null(sim_ip4_route_lookup(ir, 10, A4(198, 51, 100, 1), NULL, NULL));
  cr_assert_eq(sim_ip4_route_lookup(ir, 0, A4(198, 51, 100, 1), NULL, NULL), r_l2);
  cr_assert_null(sim_ip4_route_lookup(ir, 10, R1, NULL, &local));
  cr_assert(local, "r's l1 address is local in table 10");
  cr_assert_null(sim_ip4_route_lookup(ir, 0, R1, NULL, &local));
  cr_assert_not(local, "r's l1 address is local in the main table");
  cr_assert_eq(sim_ip4_route_lookup(ir, 10, A4(10, 0, 1, 9), NULL, NULL), sim_link_end(t.l1, 1),
               "the connected route of l1 is in table 10");
  cr_assert_null(sim_ip4_route_lookup(ir, 0, A4(10, 0, 1, 9), NULL, NULL),
                 "the connected route of l1 is in the main table");
  Sink k;
  sink_bind(t.h2, 9, &k);
  uint8_t b[128];
  Hdr h = hdr_to(A4(203, 0, 113, 1), SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  cr_assert_eq(k.n, 1, "to 203.0.113.1 (table 10): deliveries %d", k.n);
  cr_assert_eq(sim_net_counters(t.net)->dropped, 0);
  h = hdr_to(A4(198, 51, 100, 1), SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  cr_assert_eq(k.n, 1, "to 198.51.100.1 (main table only): delivered");
  expect_drops(&t, t.r, SIM_DROP_NO_ROUTE, 1, "main-table prefix from a VRF interface");
  fx_check_and_free(&t);
}

/* The same when the interface is bound to table 10 after its IPv4
 * address was added (sim_ip6_iface_set_table moves the interface's IPv6
 * local and connected entries; IPv4's follow): the address is local and
 * the connected prefix routed in table 10 only, and IPv4 arriving on the
 * interface is looked up there */
Test(ip4_net, vrf_bound_after_the_address_moves_ipv4_too)
{
  Fx t;
  v4_init(&t, 0, true);
  add4(t.h2, NULL, A4(203, 0, 113, 1), 32);
  SimIp4 *ir = sim_ip4_of(t.r);
  SimIface *r_l1 = sim_link_end(t.l1, 1), *r_l2 = sim_link_end(t.l2, 0);
  gboolean local = FALSE;
  cr_assert_null(sim_ip4_route_lookup(ir, 0, R1, NULL, &local));
  cr_assert(local, "before the binding r's l1 address is local in the main table");
  SimIp6 *ir6 = sim_ip6_of(t.r);
  GError *e = NULL;
  cr_assert(sim_ip6_table_add(ir6, 10, &e), "%s", e ? e->message : "");
  cr_assert(sim_ip6_iface_set_table(ir6, r_l1, 10, &e), "%s", e ? e->message : "");
  route4(t.r, 10, A4(203, 0, 113, 0), 24, r_l2, H2);
  local = FALSE;
  cr_assert_null(sim_ip4_route_lookup(ir, 10, R1, NULL, &local));
  cr_assert(local, "r's l1 address is not local in table 10");
  cr_assert_null(sim_ip4_route_lookup(ir, 0, R1, NULL, &local));
  cr_assert_not(local, "r's l1 address is still local in the main table");
  cr_assert_eq(sim_ip4_route_lookup(ir, 10, A4(10, 0, 1, 9), NULL, NULL), r_l1,
               "the connected route of l1 is not in table 10");
  cr_assert_null(sim_ip4_route_lookup(ir, 0, A4(10, 0, 1, 9), NULL, NULL),
                 "the connected route of l1 is still in the main table");
  cr_assert_eq(sim_ip4_route_lookup(ir, 0, H2, NULL, NULL), r_l2, "l2 stays in the main table");
  cr_assert(sim_ip4_is_local(ir, R1));
  Sink k;
  sink_bind(t.h2, 9, &k);
  uint8_t b[128];
  Hdr h = hdr_to(A4(203, 0, 113, 1), SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  cr_assert_eq(k.n, 1, "to 203.0.113.1 (table 10): deliveries %d", k.n);
  h = hdr_to(H2, SIM_IPPROTO_UDP);
  fx_inject(&t, b, udp_packet(b, &h, 9, 4));
  run(&t);
  cr_assert_eq(k.n, 1, "to 10.0.2.2 (main table only): delivered");
  expect_drops(&t, t.r, SIM_DROP_NO_ROUTE, 1, "main-table prefix from a VRF interface");
  fx_check_and_free(&t);
}

/* PPP links carry IPv4 and IPv6 and are captured as LINKTYPE_RAW (101):
 * tools tell the two apart by the version nibble; Ethernet as Ethernet */
Test(ip4_net, pcap_link_types)
{
  cr_assert_eq(sim_framing_pcap_linktype(SIM_FRAMING_PPP), SIM_PCAP_LINK_RAW);
  cr_assert_eq(sim_framing_pcap_linktype(SIM_FRAMING_NONE), SIM_PCAP_LINK_RAW);
  cr_assert_eq(sim_framing_pcap_linktype(SIM_FRAMING_ETHERNET), SIM_PCAP_LINK_ETHERNET);
  cr_assert_eq(SIM_PCAP_LINK_RAW, 101);
  cr_assert_str_eq(sim_drop_reason_name(SIM_DROP_NO_IPV4), "no_ipv4");
  cr_assert_eq(sim_drop_reason_from_name("no_ipv4"), SIM_DROP_NO_IPV4);
}

/* Both stacks at once: an IPv6 flow and an IPv4 flow between the same
 * hosts share the sink's socket and arrive complete; IPv6 frames and
 * IPv4 frames alternate on the raw link and tshark decodes both */
Test(ip4_net, ipv4_and_ipv6_side_by_side)
{
  Fx t;
  v4_init(&t, 0, true);
  Cap c;
  cap_start(&c, sim_link_end(t.l2, 1));
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 5;
  tc.size = 64;
  SimIp6Addr d4 = sim_ip4_mapped(H2);
  SimFlow *f4 = sim_flow_new(t.net, "v4", t.h1, t.h2, &d4, &tc, NULL);
  SimFlow *f6 = sim_flow_new(t.net, "v6", t.h1, t.h2, &t.h2a, &tc, NULL);
  cr_assert(f4 && f6);
  sim_run_until(t.ctx, SIM_MS(20));
  cr_assert_eq(sim_flow_stats(f4)->rx_packets, 5);
  cr_assert_eq(sim_flow_stats(f6)->rx_packets, 5);
  FxPcap p = cap_stop(&c, true);
  guint v4 = 0, v6 = 0;
  for (guint i = 0; i < p.frames->len; i++) {
    size_t len;
    const uint8_t *f = fx_frame(&p, i, &len);
    if (f[0] >> 4 == 4) {
      cr_assert_eq(len, 20 + 8 + 64);
      v4++;
    } else {
      cr_assert_eq(f[0] >> 4, 6);
      cr_assert_eq(len, 40 + 8 + 64);
      v6++;
    }
  }
  cr_assert(v4 == 5 && v6 == 5, "IPv4 frames %u, IPv6 frames %u", v4, v6);
  fx_pcap_clear(&p);
  fx_check_and_free(&t);
}
