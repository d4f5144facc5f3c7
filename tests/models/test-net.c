/* test-net.c - links, queues, IPv6 forwarding, ICMPv6 errors and UDP, with
 * packets as bytes (RFC 8200, RFC 4443, RFC 768), and packet accounting. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>

#include "app.h"
#include "ip6.h"
#include "net.h"
#include "netscenario.h"
#include "simscenario.h"
#include "udp.h"
#include "srv6.h"

/* h1 --(l1)-- r --(l2)-- h2, 2001:db8:1::/64 and 2001:db8:2::/64 */
typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *h1, *r, *h2;
  SimLink *l1, *l2;
  SimIp6Addr h1a, ra1, ra2, h2a;
} Line;

static SimIp6Addr
A(const char *s)
{
  SimIp6Addr a;
  cr_assert(sim_ip6_addr_parse(s, &a, NULL), "%s", s);
  return a;
}

static void
line_init(Line *t, const SimLinkConfig *cfg2)
{
  t->ctx = sim_context_new(NULL);
  t->net = sim_net_new(t->ctx);
  t->h1 = sim_node_new(t->net, "h1", FALSE, NULL);
  t->r = sim_node_new(t->net, "r", TRUE, NULL);
  t->h2 = sim_node_new(t->net, "h2", FALSE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = UINT64_C(1000000000);
  c.delay = SIM_US(5);
  t->l1 = sim_link_new(t->net, t->h1, t->r, &c, "l1", NULL);
  t->l2 = sim_link_new(t->net, t->r, t->h2, cfg2 ? cfg2 : &c, "l2", NULL);
  cr_assert(t->l1 && t->l2);
  SimIp6 *i1 = sim_ip6_install(t->h1), *ir = sim_ip6_install(t->r), *i2 = sim_ip6_install(t->h2);
  t->h1a = A("2001:db8:1::1");
  t->ra1 = A("2001:db8:1::2");
  t->ra2 = A("2001:db8:2::1");
  t->h2a = A("2001:db8:2::2");
  cr_assert(sim_ip6_add_address(i1, sim_link_end(t->l1, 0), &t->h1a, 64, NULL));
  cr_assert(sim_ip6_add_address(ir, sim_link_end(t->l1, 1), &t->ra1, 64, NULL));
  cr_assert(sim_ip6_add_address(ir, sim_link_end(t->l2, 0), &t->ra2, 64, NULL));
  cr_assert(sim_ip6_add_address(i2, sim_link_end(t->l2, 1), &t->h2a, 64, NULL));
  SimIp6Prefix def = { { { 0 } }, 0 };
  SimIface *o1 = sim_link_end(t->l1, 0), *o2 = sim_link_end(t->l2, 1);
  cr_assert(sim_ip6_route_add(i1, &def, &o1, 1, NULL));
  cr_assert(sim_ip6_route_add(i2, &def, &o2, 1, NULL));
}

static void
line_check_and_free(Line *t)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(t->net, &error), "%s", error ? error->message : "");
  sim_net_free(t->net);
  sim_context_free(t->ctx);
}

/* ---- pcap reading (the format is simple: global header, records) ------- */

typedef struct {
  GPtrArray *frames; /* GBytes */
  GArray *orig_len;  /* uint32 */
  GArray *ts_ns;     /* uint64 */
  uint32_t linktype;
} Pcap;

static uint32_t
le32(const uint8_t *b)
{
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static Pcap
pcap_read(const char *path)
{
  gchar *data;
  gsize len;
  cr_assert(g_file_get_contents(path, &data, &len, NULL), "%s unreadable", path);
  Pcap p = { g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref),
             g_array_new(FALSE, FALSE, sizeof(uint32_t)), g_array_new(FALSE, FALSE, sizeof(uint64_t)),
             0 };
  const uint8_t *b = (const uint8_t *)data;
  cr_assert_geq(len, 24);
  cr_assert_eq(le32(b), 0xa1b23c4d, "nanosecond pcap magic");
  p.linktype = le32(b + 20);
  size_t off = 24;
  while (off + 16 <= len) {
    uint64_t ts = (uint64_t)le32(b + off) * 1000000000u + le32(b + off + 4);
    uint32_t cap = le32(b + off + 8), orig = le32(b + off + 12);
    off += 16;
    cr_assert_leq(off + cap, len);
    g_ptr_array_add(p.frames, g_bytes_new(b + off, cap));
    g_array_append_val(p.orig_len, orig);
    g_array_append_val(p.ts_ns, ts);
    off += cap;
  }
  g_free(data);
  return p;
}

static void
pcap_clear(Pcap *p)
{
  g_ptr_array_unref(p->frames);
  g_array_unref(p->orig_len);
  g_array_unref(p->ts_ns);
}

/* Runs tshark over @path with checksum validation; asserts no frame is
 * malformed or carries an expert warning, unless @expect_flagged. */
static void
tshark_clean(const char *path)
{
  const char *tshark = g_getenv("TSHARK");
  if (!tshark || !*tshark)
    return;
  const char *argv[] = { tshark, "-n", "-r", path, "-o", "ip.check_checksum:TRUE",
                         "-o", "udp.check_checksum:TRUE", "-Y",
                         "_ws.malformed || _ws.expert.severity >= \"Warning\"", "-T", "fields",
                         "-e", "frame.number", "-e", "_ws.expert.message", NULL };
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                         &status, NULL));
  cr_assert(g_spawn_check_wait_status(status, NULL), "tshark failed: %s", err);
  cr_assert_str_empty(g_strstrip(out), "tshark flags frames in %s:\n%s", path, out);
  g_free(out);
  g_free(err);
}

/* ---- tests -------------------------------------------------------------------- */

Test(net, cbr_delivers_with_exact_delay)
{
  Line t;
  line_init(&t, NULL);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 1000;
  tc.size = 1000;
  tc.max_packets = 10;
  SimFlow *f = sim_flow_new(t.net, "f1", t.h1, t.h2, &t.h2a, &tc, NULL);
  cr_assert_not_null(f);
  sim_run_until(t.ctx, SIM_MS(20));
  const SimFlowStats *st = sim_flow_stats(f);
  cr_assert_eq(st->tx_packets, 10);
  cr_assert_eq(st->rx_packets, 10);
  cr_assert_eq(st->rx_bytes, 10000);
  /* 1000 + 8 + 40 + 2 (PPP) = 1050 bytes = 8400 ns at 1 Gbit/s; two hops */
  double expect = 2 * (8400e3 + 5e6);
  cr_assert_float_eq(st->delay_stats.mean, expect, 1e-6, "mean delay %g ps", st->delay_stats.mean);
  cr_assert_float_eq(st->jitter_ps, 0.0, 1e-9);
  cr_assert_eq(sim_net_counters(t.net)->packet_hops, 20);
  cr_assert_eq(sim_flow_drops(f), 0);
  line_check_and_free(&t);
}

/* Sends one UDP datagram from h1 with the given hop limit and port. */
static void
send_udp(Line *t, const SimIp6Addr *dst, uint16_t dport, uint8_t hop_limit, size_t size)
{
  SimUdpSocket *s = sim_udp_bind(sim_ip6_of(t->h1), 0, NULL, NULL, NULL);
  SimPacket *p = sim_packet_new(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM, 4, size - 4);
  memcpy(sim_packet_data_writable(p), "ping", 4);
  sim_net_packet_created(t->net, p);
  SimIp6SendOpts o = { hop_limit, 0, 0 };
  sim_udp_sendto(s, p, dst, dport, &o);
}

static char *
tmp_pcap(const char *name, char **dir)
{
  *dir = g_dir_make_tmp("ipesim-net-XXXXXX", NULL);
  return g_build_filename(*dir, name, NULL);
}

static void
rm_tmp(char *dir, char *path)
{
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

/* Captures h1's interface while @fn runs; returns the frames. */
typedef void (*Scenario)(Line *t);

static Pcap
capture_h1(Line *t, Scenario fn)
{
  char *dir;
  char *path = tmp_pcap("h1.pcap", &dir);
  SimIface *ifc = sim_link_end(t->l1, 0);
  SimPcapWriter *w = sim_pcap_writer_open(path, sim_framing_pcap_linktype(SIM_FRAMING_PPP), 65535, NULL);
  cr_assert_not_null(w);
  sim_iface_set_pcap(ifc, w);
  fn(t);
  sim_run_until(t->ctx, SIM_MS(10));
  sim_iface_set_pcap(ifc, NULL);
  cr_assert(sim_pcap_writer_close(w, NULL));
  Pcap p = pcap_read(path);
  tshark_clean(path);
  rm_tmp(dir, path);
  return p;
}

static const uint8_t *
frame(const Pcap *p, guint i, size_t *len)
{
  return g_bytes_get_data(p->frames->pdata[i], len);
}

static void
hop_limit_one(Line *t)
{
  send_udp(t, &t->h2a, 9, 1, 100);
}

Test(icmp6, hop_limit_exceeded_from_router_with_quote)
{
  Line t;
  line_init(&t, NULL);
  Pcap p = capture_h1(&t, hop_limit_one);
  cr_assert_eq(p.frames->len, 2, "frames on h1's link: %u", p.frames->len);
  size_t len0, len1;
  const uint8_t *sent = frame(&p, 0, &len0); /* raw IPv6 capture */
  const uint8_t *err = frame(&p, 1, &len1);
  /* RFC 4443 §3.3: type 3 code 0, from the router's address on this link */
  cr_assert_eq(err[6], 58, "next header ICMPv6");
  SimIp6Addr src;
  memcpy(src.b, err + 8, 16);
  cr_assert(sim_ip6_addr_equal(&src, &t.ra1), "error source is the router's h1-side address");
  cr_assert(memcmp(err + 24, t.h1a.b, 16) == 0, "error goes to the sender");
  cr_assert_eq(err[40], 3);
  cr_assert_eq(err[41], 0);
  cr_assert(memcmp(err + 44, "\0\0\0\0", 4) == 0, "unused field zero");
  /* the quote is the invoking packet exactly as it arrived */
  cr_assert_eq(len1, 48 + len0);
  cr_assert(memcmp(err + 48, sent, len0) == 0, "quoted bytes differ");
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_HOP_LIMIT), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

static void
port_closed(Line *t)
{
  send_udp(t, &t->h2a, 4242, 64, 100);
}

Test(icmp6, port_unreachable_from_destination)
{
  Line t;
  line_init(&t, NULL);
  Pcap p = capture_h1(&t, port_closed);
  cr_assert_eq(p.frames->len, 2);
  size_t len;
  const uint8_t *err = frame(&p, 1, &len);
  SimIp6Addr src;
  memcpy(src.b, err + 8, 16);
  /* RFC 4443 §2.2 (a): the source is the address the datagram was sent to */
  cr_assert(sim_ip6_addr_equal(&src, &t.h2a));
  cr_assert_eq(err[40], 1, "destination unreachable");
  cr_assert_eq(err[41], 4, "port unreachable");
  cr_assert_eq(err[7], 63, "the error crossed the router once");
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_PORT_UNREACHABLE), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

static void
no_route(Line *t)
{
  SimIp6Addr far = A("2001:db8:99::1");
  send_udp(t, &far, 9, 64, 100);
}

Test(icmp6, no_route_at_router)
{
  Line t;
  line_init(&t, NULL);
  Pcap p = capture_h1(&t, no_route);
  cr_assert_eq(p.frames->len, 2);
  size_t len;
  const uint8_t *err = frame(&p, 1, &len);
  cr_assert_eq(err[40], 1);
  cr_assert_eq(err[41], 0, "code 0: no route to destination");
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_NO_ROUTE), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

static void
unassigned_on_link(Line *t)
{
  SimIp6Addr a = A("2001:db8:2::77");
  send_udp(t, &a, 9, 64, 100);
}

Test(icmp6, address_unreachable_on_connected_link)
{
  Line t;
  line_init(&t, NULL);
  Pcap p = capture_h1(&t, unassigned_on_link);
  cr_assert_eq(p.frames->len, 2);
  size_t len;
  const uint8_t *err = frame(&p, 1, &len);
  cr_assert_eq(err[40], 1);
  cr_assert_eq(err[41], 3, "code 3: address unreachable");
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_ADDRESS_UNREACHABLE), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

static void
big_datagram(Line *t)
{
  send_udp(t, &t->h2a, 9, 64, 1400); /* 1448 bytes: fits l1 (1500), not l2 (1280) */
}

Test(icmp6, packet_too_big_with_mtu_and_1280_limit)
{
  SimLinkConfig small;
  sim_link_config_init(&small);
  small.rate_bps = UINT64_C(1000000000);
  small.delay = SIM_US(5);
  small.mtu = 1280;
  Line t;
  line_init(&t, &small);
  Pcap p = capture_h1(&t, big_datagram);
  cr_assert_eq(p.frames->len, 2);
  size_t len;
  const uint8_t *err = frame(&p, 1, &len);
  cr_assert_eq(err[40], 2, "packet too big");
  cr_assert_eq(err[41], 0);
  uint32_t mtu = (uint32_t)err[44] << 24 | err[45] << 16 | err[46] << 8 | err[47];
  cr_assert_eq(mtu, 1280, "MTU field %u", mtu);
  /* RFC 4443 §2.4 (c): the error packet does not exceed 1280 bytes */
  cr_assert_eq(len, 1280, "error packet is %zu bytes", len);
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_TOO_BIG), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

static void
unknown_next_header(Line *t)
{
  /* a raw IPv6 packet with next header 253 (RFC 3692 experimental) */
  SimIp6 *ip = sim_ip6_of(t->h1);
  SimPacket *p = sim_packet_new(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM, 8, 0);
  memset(sim_packet_data_writable(p), 0xab, 8);
  sim_net_packet_created(t->net, p);
  sim_ip6_output(ip, p, NULL, &t->h2a, 253, NULL);
}

Test(icmp6, parameter_problem_points_at_next_header)
{
  Line t;
  line_init(&t, NULL);
  Pcap p = capture_h1(&t, unknown_next_header);
  cr_assert_eq(p.frames->len, 2);
  size_t len;
  const uint8_t *err = frame(&p, 1, &len);
  cr_assert_eq(err[40], 4, "parameter problem");
  cr_assert_eq(err[41], 1, "code 1: unrecognised next header");
  uint32_t ptr = (uint32_t)err[44] << 24 | err[45] << 16 | err[46] << 8 | err[47];
  cr_assert_eq(ptr, 6, "pointer %u: the Next Header field", ptr);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_UNKNOWN_NEXT_HEADER), 1);
  pcap_clear(&p);
  line_check_and_free(&t);
}

Test(icmp6, never_an_error_about_an_error)
{
  /* h1 sends a Time Exceeded message itself, with hop limit 1: the router
   * must not answer it (RFC 4443 §2.4 (e.1)) */
  Line t;
  line_init(&t, NULL);
  SimPacket *p = sim_packet_new(sim_net_pool(t.net), SIM_PACKET_DEFAULT_HEADROOM, 8, 0);
  uint8_t *b = sim_packet_data_writable(p);
  memset(b, 0, 8);
  b[0] = 3;
  uint16_t ck = sim_ip6_upper_checksum(p, &t.h1a, &t.h2a, SIM_IPPROTO_ICMPV6);
  b[2] = (uint8_t)(ck >> 8);
  b[3] = (uint8_t)ck;
  sim_net_packet_created(t.net, p);
  SimIp6SendOpts o = { 1, 0, 0 };
  sim_ip6_output(sim_ip6_of(t.h1), p, &t.h1a, &t.h2a, SIM_IPPROTO_ICMPV6, &o);
  sim_run_until(t.ctx, SIM_MS(1));
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_HOP_LIMIT), 1);
  cr_assert_eq(sim_ip6_stats(sim_ip6_of(t.r))->icmp_errors_sent, 0);
  line_check_and_free(&t);
}

Test(icmp6, errors_are_rate_limited)
{
  Line t;
  line_init(&t, NULL);
  SimIp6 *ir = sim_ip6_of(t.r);
  sim_icmp6_set_rate_limit(ir, 10, 5);
  for (int i = 0; i < 50; i++)
    send_udp(&t, &t.h2a, 9, 1, 100);
  sim_run_until(t.ctx, SIM_MS(1));
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_HOP_LIMIT), 50);
  cr_assert_eq(sim_ip6_stats(ir)->icmp_errors_sent, 5, "burst of 5: %" PRIu64,
               sim_ip6_stats(ir)->icmp_errors_sent);
  cr_assert_eq(sim_ip6_stats(ir)->icmp_errors_suppressed, 45);
  line_check_and_free(&t);
}

static void
echo(SimIp6 *ip, const SimIp6Addr *from, uint16_t id, uint16_t seq, SimTime sent, void *data)
{
  (void)ip;
  (void)from;
  (void)id;
  (void)seq;
  SimTime *rtt = data;
  *rtt = sim_now(sim_net_context(sim_node_net(sim_ip6_node(ip)))) - sent;
}

Test(icmp6, echo_round_trip)
{
  Line t;
  line_init(&t, NULL);
  SimTime rtt = -1;
  sim_icmp6_set_echo_handler(sim_ip6_of(t.h1), echo, &rtt);
  sim_icmp6_echo_request(sim_ip6_of(t.h1), &t.h2a, 7, 1, 56);
  sim_run_until(t.ctx, SIM_MS(1));
  /* 56 data + 8 ICMPv6 + 40 IPv6 + 2 PPP = 106 bytes: 848 ns per hop */
  cr_assert_eq(rtt, 4 * (SIM_NS(848) + SIM_US(5)), "rtt %" PRId64, rtt);
  line_check_and_free(&t);
}

/* ---- malformed input: dropped and counted, never a crash ------------------------ */

static void
inject(Line *t, const uint8_t *bytes, size_t len, size_t vlen)
{
  /* put raw bytes on h1's wire toward the router */
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM,
                                           bytes, len, vlen);
  sim_net_packet_created(t->net, p);
  sim_iface_send(sim_link_end(t->l1, 0), p);
}

static size_t
make_udp(Line *t, uint8_t *b, size_t payload)
{
  SimIp6Header h = { 0, 0, (uint16_t)(8 + payload), SIM_IPPROTO_UDP, 64, t->h1a, t->h2a };
  sim_ip6_header_write(b, &h);
  uint8_t *u = b + 40;
  u[0] = 0xc0;
  u[1] = 0x00;
  u[2] = 0;
  u[3] = 9;
  u[4] = (uint8_t)((8 + payload) >> 8);
  u[5] = (uint8_t)(8 + payload);
  u[6] = u[7] = 0;
  memset(u + 8, 0x5a, payload);
  uint32_t s = sim_ip6_pseudo_sum(&t->h1a, &t->h2a, (uint32_t)(8 + payload), SIM_IPPROTO_UDP);
  uint16_t ck = sim_inet_fold(sim_inet_sum(s, u, 8 + payload));
  u[6] = (uint8_t)(ck >> 8);
  u[7] = (uint8_t)ck;
  return 48 + payload;
}

Test(malformed, dropped_and_counted)
{
  Line t;
  line_init(&t, NULL);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 1; /* a sink on port 9 at h2 */
  sim_flow_new(t.net, "f", t.h1, t.h2, &t.h2a, &tc, NULL);
  uint8_t b[200];
  size_t n = make_udp(&t, b, 20);

  inject(&t, b, 20, 0); /* truncated IPv6 header */
  uint8_t v4[200];
  memcpy(v4, b, n);
  v4[0] = 0x45; /* version 4 */
  inject(&t, v4, n, 0);
  uint8_t longer[200];
  memcpy(longer, b, n);
  longer[5] += 10; /* payload length beyond the frame */
  inject(&t, longer, n, 0);
  uint8_t badck[200];
  memcpy(badck, b, n);
  badck[50] ^= 1; /* payload bit flip */
  inject(&t, badck, n, 0);
  uint8_t zerock[200];
  memcpy(zerock, b, n);
  zerock[46] = zerock[47] = 0; /* RFC 8200 §8.1: zero UDP checksum */
  inject(&t, zerock, n, 0);
  uint8_t shortudp[200];
  memcpy(shortudp, b, 44);
  shortudp[4] = 0;
  shortudp[5] = 4;
  inject(&t, shortudp, 44, 0); /* 4 bytes of UDP header */
  uint8_t mcsrc[200];
  memcpy(mcsrc, b, n);
  mcsrc[8] = 0xff; /* multicast source */
  inject(&t, mcsrc, n, 0);
  uint8_t padded[220];
  memcpy(padded, b, n);
  memset(padded + n, 0, 10); /* link padding beyond payload length: accepted */
  inject(&t, padded, n + 10, 0);
  inject(&t, b, n, 0); /* a good one */

  sim_run_until(t.ctx, SIM_MS(5));
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_BAD_HEADER), 2, "truncated, multicast src: %" PRIu64,
               sim_node_drops(t.r, SIM_DROP_BAD_HEADER));
  /* version 4 at a node without IPv4 */
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_NO_IPV4), 1);
  cr_assert_eq(sim_node_drops(t.r, SIM_DROP_BAD_LENGTH), 1);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_CHECKSUM), 2);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_BAD_TRANSPORT), 1);
  line_check_and_free(&t);
}

/* ---- queues, loss, link state ---------------------------------------------------- */

Test(link, queue_overflow_drops_and_utilisation)
{
  SimLinkConfig slow;
  sim_link_config_init(&slow);
  slow.rate_bps = UINT64_C(10000000); /* 10 Mbit/s: 840 us per 1050-byte frame */
  slow.delay = SIM_US(5);
  slow.queue_packets = 10;
  Line t;
  line_init(&t, &slow);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 10000; /* 84 Mbit/s into 10 */
  tc.stop = SIM_MS(100);
  SimFlow *f = sim_flow_new(t.net, "f", t.h1, t.h2, &t.h2a, &tc, NULL);
  sim_run_until(t.ctx, SIM_MS(200));
  const SimFlowStats *st = sim_flow_stats(f);
  SimIface *bottleneck = sim_link_end(t.l2, 0);
  uint64_t qdrops = sim_iface_stats(bottleneck)->drops[SIM_DROP_QUEUE_FULL];
  cr_assert_eq(st->tx_packets, 1000);
  cr_assert_gt(qdrops, 800);
  cr_assert_eq(st->rx_packets + sim_flow_drops(f), st->tx_packets);
  cr_assert_eq(sim_iface_stats(bottleneck)->qlen_max, 10);
  /* busy for every packet it carried */
  cr_assert_eq(sim_iface_stats(bottleneck)->busy, (SimTime)st->rx_packets * SIM_US(840));
  line_check_and_free(&t);
}

Test(link, bernoulli_loss_rate)
{
  SimLinkConfig lossy;
  sim_link_config_init(&lossy);
  lossy.loss = 0.1;
  Line t;
  line_init(&t, &lossy);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 100000;
  tc.size = 100;
  tc.stop = SIM_MS(200);
  SimFlow *f = sim_flow_new(t.net, "f", t.h1, t.h2, &t.h2a, &tc, NULL);
  sim_run_until(t.ctx, SIM_MS(300));
  const SimFlowStats *st = sim_flow_stats(f);
  double loss = (double)sim_flow_drops(f) / (double)st->tx_packets;
  cr_assert_eq(st->tx_packets, 20000);
  cr_assert_float_eq(loss, 0.1, 0.01, "loss %g", loss);
  cr_assert_eq(sim_node_drops(t.h2, SIM_DROP_LINK_LOSS), sim_flow_drops(f));
  line_check_and_free(&t);
}

Test(link, gilbert_elliott_bursts)
{
  SimLinkConfig ge;
  sim_link_config_init(&ge);
  ge.ge_p = 0.01;
  ge.ge_r = 0.2;
  ge.ge_loss_bad = 1.0;
  Line t;
  line_init(&t, &ge);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 100000;
  tc.size = 100;
  tc.stop = SIM_MS(500);
  SimFlow *f = sim_flow_new(t.net, "f", t.h1, t.h2, &t.h2a, &tc, NULL);
  sim_run_until(t.ctx, SIM_MS(600));
  /* stationary P(bad) = p / (p + r) = 0.0476 */
  double loss = (double)sim_flow_drops(f) / (double)sim_flow_stats(f)->tx_packets;
  cr_assert_float_eq(loss, 0.01 / 0.21, 0.012, "loss %g", loss);
  line_check_and_free(&t);
}

Test(link, down_drops_in_flight_and_queued)
{
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = UINT64_C(1000000000);
  c.delay = SIM_MS(1); /* many packets on the wire */
  Line t;
  line_init(&t, &c);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.pps = 100000;
  tc.size = 100;
  tc.stop = SIM_MS(30);
  SimFlow *f = sim_flow_new(t.net, "f", t.h1, t.h2, &t.h2a, &tc, NULL);
  sim_link_schedule_state(t.l2, SIM_MS(10), FALSE);
  sim_link_schedule_state(t.l2, SIM_MS(20), TRUE);
  sim_run_until(t.ctx, SIM_MS(40));
  uint64_t down = sim_node_drops(t.h2, SIM_DROP_LINK_DOWN) + sim_node_drops(t.r, SIM_DROP_LINK_DOWN);
  const SimFlowStats *st = sim_flow_stats(f);
  /* about 1 ms of packets on the wire at the cut + 10 ms refused while down */
  cr_assert(down > 1000 && down < 1300, "link_down drops %" PRIu64, down);
  cr_assert_eq(st->rx_packets + sim_flow_drops(f), st->tx_packets);
  cr_assert(sim_link_is_up(t.l2));
  line_check_and_free(&t);
}

Test(net, ecmp_spreads_flows_and_keeps_each_on_one_path)
{
  /* s - a - d and s - b - d: two equal paths */
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  SimNode *s = sim_node_new(net, "s", TRUE, NULL), *a = sim_node_new(net, "a", TRUE, NULL);
  SimNode *b = sim_node_new(net, "b", TRUE, NULL), *d = sim_node_new(net, "d", FALSE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  SimLink *sa = sim_link_new(net, s, a, &c, NULL, NULL), *sb = sim_link_new(net, s, b, &c, NULL, NULL);
  SimLink *ad = sim_link_new(net, a, d, &c, NULL, NULL), *bd = sim_link_new(net, b, d, &c, NULL, NULL);
  SimIp6 *is = sim_ip6_install(s), *ia = sim_ip6_install(a), *ib = sim_ip6_install(b),
         *id = sim_ip6_install(d);
  SimIp6Addr x;
  x = A("2001:db8:a::1");
  sim_ip6_add_address(is, sim_link_end(sa, 0), &x, 64, NULL);
  x = A("2001:db8:a::2");
  sim_ip6_add_address(ia, sim_link_end(sa, 1), &x, 64, NULL);
  x = A("2001:db8:b::1");
  sim_ip6_add_address(is, sim_link_end(sb, 0), &x, 64, NULL);
  x = A("2001:db8:b::2");
  sim_ip6_add_address(ib, sim_link_end(sb, 1), &x, 64, NULL);
  x = A("2001:db8:c::1");
  sim_ip6_add_address(ia, sim_link_end(ad, 0), &x, 64, NULL);
  SimIp6Addr da = A("2001:db8:c::2");
  sim_ip6_add_address(id, sim_link_end(ad, 1), &da, 64, NULL);
  x = A("2001:db8:d::1");
  sim_ip6_add_address(ib, sim_link_end(bd, 0), &x, 64, NULL);
  x = A("2001:db8:d::2");
  sim_ip6_add_address(id, sim_link_end(bd, 1), &x, 64, NULL);
  SimIp6Prefix p;
  sim_ip6_prefix_parse("2001:db8:c::/64", &p, FALSE, NULL);
  SimIface *two[2] = { sim_link_end(sa, 0), sim_link_end(sb, 0) };
  cr_assert(sim_ip6_route_add(is, &p, two, 2, NULL));
  SimIface *o = sim_link_end(bd, 0);
  cr_assert(sim_ip6_route_add(ib, &p, &o, 1, NULL));
  SimIp6Prefix def = { { { 0 } }, 0 };
  o = sim_link_end(ad, 1);
  sim_ip6_route_add(id, &def, &o, 1, NULL);
  SimFlow *fl[64];
  for (int i = 0; i < 64; i++) {
    SimTrafficConfig tc;
    sim_traffic_config_init(&tc);
    tc.max_packets = 20;
    tc.start = SIM_US(i);
    char name[16];
    g_snprintf(name, sizeof name, "f%d", i);
    fl[i] = sim_flow_new(net, name, s, d, &da, &tc, NULL);
    cr_assert_not_null(fl[i]);
  }
  sim_run_until(ctx, SIM_MS(50));
  uint64_t via_a = sim_iface_stats(sim_link_end(sa, 0))->tx_packets;
  uint64_t via_b = sim_iface_stats(sim_link_end(sb, 0))->tx_packets;
  cr_assert_eq(via_a + via_b, 64 * 20);
  cr_assert_eq(via_a % 20, 0, "a flow was split across paths");
  cr_assert(via_a >= 20 * 16 && via_b >= 20 * 16, "unbalanced: %" PRIu64 " / %" PRIu64, via_a, via_b);
  for (int i = 0; i < 64; i++)
    cr_assert_eq(sim_flow_stats(fl[i])->rx_packets, 20);
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(net, &error));
  sim_net_free(net);
  sim_context_free(ctx);
}

Test(net, bad_configuration_is_refused)
{
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  SimNode *a = sim_node_new(net, "a", FALSE, NULL), *b = sim_node_new(net, "b", FALSE, NULL);
  GError *error = NULL;
  cr_assert_null(sim_node_new(net, "a", FALSE, &error));
  cr_assert(strstr(error->message, "duplicate node 'a'"), "%s", error->message);
  g_clear_error(&error);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = 0;
  cr_assert_null(sim_link_new(net, a, b, &c, "x", &error));
  cr_assert(strstr(error->message, "rate"), "%s", error->message);
  g_clear_error(&error);
  sim_link_config_init(&c);
  c.delay = 0;
  cr_assert_null(sim_link_new(net, a, b, &c, "x", &error));
  g_clear_error(&error);
  sim_link_config_init(&c);
  c.mtu = 1000;
  cr_assert_null(sim_link_new(net, a, b, &c, "x", &error));
  cr_assert(strstr(error->message, "1280"), "%s", error->message);
  g_clear_error(&error);
  sim_link_config_init(&c);
  cr_assert_null(sim_link_new(net, a, a, &c, "x", &error));
  g_clear_error(&error);
  sim_net_free(net);
  sim_context_free(ctx);
}

/* ---- address plan and lazy shortest paths --------------------------------------- */

#include "routing.h"

/* a ring r0..r5 (unit metrics), the plan, shortest-path routing */
static SimNet *
ring(SimContext *ctx, gboolean ecmp, SimRouting **r_out)
{
  SimNet *net = sim_net_new(ctx);
  SimNode *n[6];
  for (int i = 0; i < 6; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "r%d", i);
    n[i] = sim_node_new(net, name, TRUE, NULL);
  }
  SimLinkConfig c;
  sim_link_config_init(&c);
  for (int i = 0; i < 6; i++)
    cr_assert_not_null(sim_link_new(net, n[i], n[(i + 1) % 6], &c, NULL, NULL));
  SimAddrPlan plan;
  sim_addr_plan_init(&plan);
  cr_assert(sim_addr_plan_apply(net, &plan, NULL));
  SimRoutingConfig rc = { SIM_METRIC_LINK, ecmp, 0 };
  SimRouting *r = sim_routing_new(net, &rc, NULL, NULL);
  cr_assert_not_null(r);
  if (r_out)
    *r_out = r;
  return net;
}

Test(routing, plan_addresses_and_path_installation)
{
  SimContext *ctx = sim_context_new(NULL);
  SimRouting *r;
  SimNet *net = ring(ctx, FALSE, &r);
  SimIp6 *ip0 = sim_ip6_of(sim_net_node(net, 0));
  char buf[SIM_IP6_ADDR_STRLEN];
  /* node 0's loopback is 2001:db8:0:1::1 (index + 1 after the /32) */
  cr_assert_str_eq(sim_ip6_addr_format(sim_ip6_primary_address(ip0), buf), "2001:db8:0:1::1");
  /* link 0 (r0-r1) is 2001:db8:8000:1::/64, ::1 on r0 and ::2 on r1 */
  cr_assert_str_eq(sim_ip6_addr_format(sim_ip6_iface_address(ip0, sim_node_iface(sim_net_node(net, 0), 0)), buf),
                   "2001:db8:8000:1::1");
  SimPingConfig pc = { 0, SIM_MS(1), 3, 56 };
  SimPing *pg = sim_ping_new(net, "p", sim_net_node(net, 0), sim_net_node(net, 3), NULL, &pc, NULL);
  cr_assert_not_null(pg);
  sim_run_until(ctx, SIM_MS(10));
  cr_assert_eq(sim_ping_stats(pg)->received, 3);
  /* 3 hops each way: (56+8+40+2) bytes at 10 Gbit/s = 84.8 ns, + 10 us */
  double rtt = sim_ping_stats(pg)->rtt_stats.mean;
  cr_assert_float_eq(rtt, 6 * (84800.0 + 1e7), 1, "rtt %g ps", rtt);
  /* two trees (towards r3, and back towards r0), not one per hop; routes
   * at r0, r1, r2 towards r3, and at r3, r2 back towards r0's address on
   * the r0-r1 link (r1 reaches it through its connected /64) */
  cr_assert_eq(sim_routing_trees_computed(r), 2, "trees %" PRIu64, sim_routing_trees_computed(r));
  cr_assert_eq(sim_routing_routes_installed(r), 5, "routes %" PRIu64,
               sim_routing_routes_installed(r));
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(net, &error));
  sim_net_free(net);
  sim_context_free(ctx);
}

Test(routing, ecmp_uses_both_halves_of_the_ring)
{
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = ring(ctx, TRUE, NULL);
  for (int i = 0; i < 32; i++) {
    SimTrafficConfig tc;
    sim_traffic_config_init(&tc);
    tc.max_packets = 5;
    tc.port = (uint16_t)(1000 + i);
    char name[8];
    g_snprintf(name, sizeof name, "f%d", i);
    cr_assert_not_null(sim_flow_new(net, name, sim_net_node(net, 0), sim_net_node(net, 3), NULL, &tc, NULL));
  }
  sim_run_until(ctx, SIM_MS(50));
  SimNode *r0 = sim_net_node(net, 0);
  /* r0's interfaces: eth0 to r1, eth1 to r5 */
  uint64_t a = sim_iface_stats(sim_node_iface(r0, 0))->tx_packets;
  uint64_t b = sim_iface_stats(sim_node_iface(r0, 1))->tx_packets;
  cr_assert_eq(a + b, 160);
  cr_assert(a >= 40 && b >= 40, "split %" PRIu64 "/%" PRIu64, a, b);
  sim_net_free(net);
  sim_context_free(ctx);
}

Test(routing, islands_are_unreachable_and_hosts_never_transit)
{
  /* a - h - b: h is a host joining two routers; a cannot reach b */
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  SimNode *a = sim_node_new(net, "a", TRUE, NULL), *h = sim_node_new(net, "h", FALSE, NULL),
          *b = sim_node_new(net, "b", TRUE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  sim_link_new(net, a, h, &c, NULL, NULL);
  sim_link_new(net, h, b, &c, NULL, NULL);
  SimAddrPlan plan;
  sim_addr_plan_init(&plan);
  cr_assert(sim_addr_plan_apply(net, &plan, NULL));
  SimRoutingConfig rc = { SIM_METRIC_LINK, FALSE, 0 };
  SimRouting *r = sim_routing_new(net, &rc, NULL, NULL);
  cr_assert(!sim_routing_reachable(r, a, b));
  cr_assert(sim_routing_reachable(r, a, h));
  cr_assert(sim_routing_reachable(r, h, b));
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 10;
  SimFlow *f = sim_flow_new(net, "f", a, b, NULL, &tc, NULL);
  sim_run_until(ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(f)->rx_packets, 0);
  cr_assert_eq(sim_flow_drops(f), 10);
  cr_assert_eq(sim_node_drops(a, SIM_DROP_NO_ROUTE), 10);
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(net, &error));
  sim_net_free(net);
  sim_context_free(ctx);
}

Test(net, flow_ids_of_other_owners_and_external_flows)
{
  Line t;
  line_init(&t, NULL);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  tc.max_packets = 10;
  SimFlow *f1 = sim_flow_new(t.net, "f1", t.h1, t.h2, &t.h2a, &tc, NULL);
  uint64_t foreign = sim_net_flow_id_new(t.net); /* an id taken by someone else */
  SimFlow *f2 = sim_flow_new(t.net, "f2", t.h1, t.h2, &t.h2a, &tc, NULL);
  cr_assert_eq(sim_flow_id(f2), foreign + 1);
  /* an application of its own, reporting through an external flow */
  SimFlow *ext = sim_flow_new_external(t.net, "mine", "burst", t.h1, t.h2, 7000, NULL);
  cr_assert_not_null(ext);
  cr_assert_str_eq(sim_flow_app(ext), "burst");
  SimUdpSocket *s = sim_udp_bind(sim_ip6_of(t.h1), 0, NULL, NULL, NULL);
  for (int i = 0; i < 4; i++) {
    SimPacket *p = sim_packet_new(sim_net_pool(t.net), SIM_PACKET_DEFAULT_HEADROOM, 0, 100);
    sim_net_packet_created(t.net, p);
    sim_flow_sent(ext, p);
    sim_udp_sendto(s, p, &t.h2a, 7000, NULL);
  }
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(sim_flow_stats(f1)->rx_packets, 10);
  cr_assert_eq(sim_flow_stats(f2)->rx_packets, 10, "f2 received %" PRIu64,
               sim_flow_stats(f2)->rx_packets);
  cr_assert_eq(sim_flow_stats(ext)->tx_packets, 4);
  cr_assert_eq(sim_flow_stats(ext)->rx_packets, 4);
  cr_assert_eq(sim_flow_stats(ext)->out_of_order, 0);
  line_check_and_free(&t);
}

/* ---- topology sections --------------------------------------------------------------- */

static SimNetRun *
build_scenario(const char *text, GError **error)
{
  SimScenario *sc = sim_scenario_load_data("topo.ini", text, -1, error);
  cr_assert_not_null(sc, "%s", *error ? (*error)->message : "");
  SimRegistry *reg = sim_net_registry_new();
  SimNetRun *run = sim_net_build(sc, reg, NULL, error);
  sim_registry_free(reg);
  sim_scenario_free(sc);
  return run;
}

/* The link of @net between the nodes called @a and @b. */
static const SimLinkConfig *
link_between(SimNet *net, const char *a, const char *b)
{
  for (uint32_t i = 0; i < sim_net_n_links(net); i++) {
    SimLink *l = sim_net_link(net, i);
    const char *x = sim_node_name(sim_iface_node(sim_link_end(l, 0)));
    const char *y = sim_node_name(sim_iface_node(sim_link_end(l, 1)));
    if ((strcmp(x, a) == 0 && strcmp(y, b) == 0) || (strcmp(x, b) == 0 && strcmp(y, a) == 0))
      return sim_link_config(l);
  }
  cr_assert_fail("no link %s-%s", a, b);
  return NULL;
}

Test(scenario, topology_5g_builds_with_tier_rates)
{
  GError *error = NULL;
  SimNetRun *run = build_scenario("[simulation]\nduration = 1ms\n"
                                  "[topology]\ntype = 5g\ncell_sites = 20\n"
                                  "access_rate = 10Gbps\ncore_delay = 2ms\n",
                                  &error);
  cr_assert_not_null(run, "%s", error ? error->message : "?");
  SimNet *net = sim_net_run_net(run);
  /* 20 CSRs in rings of 6, 6, 6, 2; one pre-agg pair, one domain, 4 core, 2 DCs */
  cr_assert_eq(sim_net_n_nodes(net), 31, "%u nodes", sim_net_n_nodes(net));
  cr_assert_eq(sim_net_n_links(net), 44, "%u links", sim_net_n_links(net));
  SimNode *csr = sim_net_find_node(net, "csr0_0_3_1");
  cr_assert_not_null(csr);
  cr_assert(sim_node_is_forwarding(csr));
  cr_assert(sim_node_is_forwarding(sim_net_find_node(net, "edc0")));
  const SimLinkConfig *c = link_between(net, "csr0_0_3_1", "pa0_0b");
  cr_assert_eq(c->rate_bps, UINT64_C(10000000000), "access rate %" PRIu64, c->rate_bps);
  cr_assert_eq(c->delay, SIM_US(10), "access delay %" PRId64, c->delay);
  c = link_between(net, "core0", "core2");
  cr_assert_eq(c->rate_bps, UINT64_C(400000000000), "core rate %" PRIu64, c->rate_bps);
  cr_assert_eq(c->delay, SIM_MS(2), "core delay %" PRId64, c->delay);
  c = link_between(net, "agg0a", "pa0_0b");
  cr_assert_eq(c->rate_bps, UINT64_C(100000000000), "pre-agg rate %" PRIu64, c->rate_bps);
  cr_assert_eq(c->delay, SIM_US(100), "pre-agg delay %" PRId64, c->delay);
  c = link_between(net, "agg0b", "edc0");
  cr_assert_eq(c->delay, SIM_US(5), "edge DC delay %" PRId64, c->delay);
  sim_net_run_free(run);
}

Test(scenario, topology_5g_rejects_bad_keys)
{
  GError *error = NULL;
  SimNetRun *run = build_scenario("[simulation]\nduration = 1ms\n"
                                  "[topology]\ntype = 5g\ncell_sites = 20\ncore_nodes = 5\n",
                                  &error);
  cr_assert_null(run);
  cr_assert_not_null(error);
  cr_assert(strstr(error->message, "core_nodes") != NULL, "%s", error->message);
  g_clear_error(&error);
  run = build_scenario("[simulation]\nduration = 1ms\n"
                       "[topology]\ntype = 5g\ncell_sites = 0\n",
                       &error);
  cr_assert_null(run);
  cr_assert(error != NULL && strstr(error->message, "cell_sites") != NULL, "%s",
            error ? error->message : "no error");
  g_clear_error(&error);
}

/* [flows] pattern = nearest: each source to the closest destination in
 * hops, ties to the first destination; a destination never sends to
 * itself. */
Test(scenario, flows_nearest_destination)
{
  GError *error = NULL;
  SimNetRun *run = build_scenario("[simulation]\nduration = 1ms\n"
                                  "[topology]\ntype = line\nn = 7\n"
                                  "[flows near]\nsrc = r*\ndst = r0, r6\npattern = nearest\n",
                                  &error);
  cr_assert_not_null(run, "%s", error ? error->message : "?");
  SimNet *net = sim_net_run_net(run);
  const char *want[][2] = { { "r1", "r0" }, { "r2", "r0" }, { "r3", "r0" }, { "r4", "r6" },
                            { "r5", "r6" } };
  cr_assert_eq(sim_net_n_flows(net), G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    SimFlow *f = sim_net_flow(net, i);
    cr_assert_str_eq(sim_node_name(sim_flow_src(f)), want[i][0]);
    cr_assert_str_eq(sim_node_name(sim_flow_dst(f)), want[i][1], "%s", sim_flow_name(f));
  }
  sim_net_run_free(run);
}

/* start_spread: each source's first packet at start + a draw in
 * [0, spread) from its own stream; 0 keeps start exactly. */
Test(scenario, flows_start_spread)
{
  static const char fmt[] = "[simulation]\nduration = 5ms\n"
                            "[topology]\ntype = star\nn = 8\n"
                            "[flows s]\nsrc = leaf*\ndst = hub\npattern = all-to-all\n"
                            "count = 1\nstart = 1ms\nstart_spread = %s\n";
  const char *spreads[] = { "0s", "1ms" };
  for (int k = 0; k < 2; k++) {
    g_autofree char *text = g_strdup_printf(fmt, spreads[k]);
    GError *error = NULL;
    SimNetRun *run = build_scenario(text, &error);
    cr_assert_not_null(run, "%s", error ? error->message : "?");
    sim_run_until(sim_net_run_context(run), SIM_MS(5));
    SimNet *net = sim_net_run_net(run);
    cr_assert_eq(sim_net_n_flows(net), 8);
    GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (uint32_t i = 0; i < sim_net_n_flows(net); i++) {
      const SimFlowStats *st = sim_flow_stats(sim_net_flow(net, i));
      cr_assert_eq(st->tx_packets, 1);
      if (k == 0) {
        cr_assert_eq(st->first_tx, SIM_MS(1));
      } else {
        cr_assert(st->first_tx >= SIM_MS(1) && st->first_tx < SIM_MS(2), "first at %" PRId64,
                  st->first_tx);
        g_hash_table_add(seen, (gpointer)&sim_flow_stats(sim_net_flow(net, i))->first_tx);
      }
    }
    if (k == 1)
      cr_assert_gt(g_hash_table_size(seen), 4, "the sources start apart");
    g_hash_table_unref(seen);
    sim_net_run_free(run);
  }
}

/* [output] queue_sample_at names interfaces like pcap does. */
Test(scenario, queue_sample_at_rejects_unknown_nodes)
{
  GError *error = NULL;
  SimNetRun *run = build_scenario("[simulation]\nduration = 1ms\n"
                                  "[output]\nqueue_sample = 1ms\nqueue_sample_at = r1, nosuch\n"
                                  "[topology]\ntype = line\nn = 3\n",
                                  &error);
  cr_assert_null(run);
  cr_assert(strstr(error->message, "queue_sample_at 'nosuch': unknown node 'nosuch'") != NULL,
            "%s", error->message);
  g_error_free(error);
}

/* With equal-cost multipath in the IGP, NRP paths are strict: an End.X
 * uSID at every hop, where without it the IGP path needs none. */
Test(scenario, slicing_paths_are_strict_with_ecmp)
{
  static const char fmt[] = "[simulation]\nduration = 1ms\n"
                            "[routing]\necmp = %s\n"
                            "[topology]\ntype = line\nn = 3\n"
                            "[nrp n]\nbandwidth = 50%%\n"
                            "[slice s]\nnrp = n\n"
                            "[flow f]\nsrc = r0\ndst = r2\nslice = s\n";
  const char *ecmp[] = { "false", "true" };
  for (int k = 0; k < 2; k++) {
    g_autofree char *text = g_strdup_printf(fmt, ecmp[k]);
    GError *error = NULL;
    SimNetRun *run = build_scenario(text, &error);
    cr_assert_not_null(run, "%s", error ? error->message : "?");
    SimNet *net = sim_net_run_net(run);
    for (int i = 0; i < 2; i++) {
      SimSrv6 *sr = sim_srv6_of(sim_ip6_of(sim_net_node(net, (uint32_t)i)));
      guint n = sr ? sim_srv6_n_sids(sr) : 0;
      cr_assert_eq(n, (guint)k, "ecmp %s: r%d has %u SIDs", ecmp[k], i, n);
    }
    sim_run_until(sim_net_run_context(run), SIM_MS(2));
    cr_assert_eq(sim_flow_stats(sim_net_flow(net, 0))->rx_packets, 1);
    sim_net_run_free(run);
  }
}
