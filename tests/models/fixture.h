/* fixture.h - a small network for protocol tests, and packet capture.
 *
 *   h1 --(l1)-- r --(l2)-- h2     2001:db8:1::/64 and 2001:db8:2::/64
 *
 * Tests build packets as bytes, put them on h1's wire (fx_inject) or send
 * them through the stack, capture h1's link into a pcap file and read the
 * frames back (fx_capture), checking every capture with tshark when the
 * TSHARK environment variable names it.
 */
#ifndef IPESIM_TESTS_FIXTURE_H
#define IPESIM_TESTS_FIXTURE_H

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>

#include "app.h"
#include "ip6.h"
#include "net.h"
#include "udp.h"

typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *h1, *r, *h2;
  SimLink *l1, *l2;
  SimIp6Addr h1a, ra1, ra2, h2a;
} Fx;

/* ---- bytes and the RFC 1071 sum, independent of the library ------------------------------- */

static inline uint32_t
fx_ref_sum(uint32_t s, const uint8_t *b, size_t len)
{
  for (size_t i = 0; i + 1 < len; i += 2)
    s += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (len & 1)
    s += (uint32_t)b[len - 1] << 8;
  return s;
}

/* The one's complement of the one's complement sum: the checksum field
 * value over data whose checksum field is zero, 0 over intact data. */
static inline uint16_t
fx_ref_cksum(uint32_t s)
{
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

static inline uint16_t
fx_get16(const uint8_t *b)
{
  return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
fx_get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void
fx_put16(uint8_t *b, uint16_t v)
{
  b[0] = (uint8_t)(v >> 8);
  b[1] = (uint8_t)v;
}

static inline SimIp6Addr
fx_addr(const char *s)
{
  SimIp6Addr a;
  cr_assert(sim_ip6_addr_parse(s, &a, NULL), "%s", s);
  return a;
}

/* @mtu2: MTU of l2 (r - h2); 0 for 1500 */
static inline void
fx_init(Fx *t, uint32_t mtu2)
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
  if (mtu2)
    c.mtu = mtu2;
  t->l2 = sim_link_new(t->net, t->r, t->h2, &c, "l2", NULL);
  SimIp6 *i1 = sim_ip6_install(t->h1), *ir = sim_ip6_install(t->r), *i2 = sim_ip6_install(t->h2);
  t->h1a = fx_addr("2001:db8:1::1");
  t->ra1 = fx_addr("2001:db8:1::2");
  t->ra2 = fx_addr("2001:db8:2::1");
  t->h2a = fx_addr("2001:db8:2::2");
  cr_assert(sim_ip6_add_address(i1, sim_link_end(t->l1, 0), &t->h1a, 64, NULL));
  cr_assert(sim_ip6_add_address(ir, sim_link_end(t->l1, 1), &t->ra1, 64, NULL));
  cr_assert(sim_ip6_add_address(ir, sim_link_end(t->l2, 0), &t->ra2, 64, NULL));
  cr_assert(sim_ip6_add_address(i2, sim_link_end(t->l2, 1), &t->h2a, 64, NULL));
  SimIp6Prefix def = { { { 0 } }, 0 };
  SimIface *o1 = sim_link_end(t->l1, 0), *o2 = sim_link_end(t->l2, 1);
  cr_assert(sim_ip6_route_add(i1, &def, &o1, 1, NULL));
  cr_assert(sim_ip6_route_add(i2, &def, &o2, 1, NULL));
}

static inline void
fx_check_and_free(Fx *t)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(t->net, &error), "%s", error ? error->message : "");
  sim_net_free(t->net);
  sim_context_free(t->ctx);
}

/* Puts raw bytes on h1's wire towards the router. */
static inline void
fx_inject(Fx *t, const uint8_t *bytes, size_t len)
{
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(t->net), SIM_PACKET_DEFAULT_HEADROOM,
                                           bytes, len, 0);
  sim_net_packet_created(t->net, p);
  sim_iface_send(sim_link_end(t->l1, 0), p);
}

/* Writes a fixed header at @b: @plen payload bytes, next header @nh,
 * from h1 to @dst. */
static inline void
fx_ip6(Fx *t, uint8_t *b, size_t plen, uint8_t nh, const SimIp6Addr *dst)
{
  SimIp6Header h = { 0, 0, (uint16_t)plen, nh, 64, t->h1a, *dst, 0, 0, 0, 0 };
  sim_ip6_header_write(b, &h);
}

/* A UDP datagram (header + @payload bytes of 0x5a) at @u, to port 9,
 * checksum over the given addresses. Returns its length. */
static inline size_t
fx_udp(uint8_t *u, size_t payload, const SimIp6Addr *src, const SimIp6Addr *dst)
{
  size_t len = 8 + payload;
  u[0] = 0xc0;
  u[1] = 0x00;
  u[2] = 0;
  u[3] = 9;
  u[4] = (uint8_t)(len >> 8);
  u[5] = (uint8_t)len;
  u[6] = u[7] = 0;
  memset(u + 8, 0x5a, payload);
  uint32_t s = sim_ip6_pseudo_sum(src, dst, (uint32_t)len, SIM_IPPROTO_UDP);
  uint16_t ck = sim_inet_fold(sim_inet_sum(s, u, len));
  u[6] = (uint8_t)(ck >> 8);
  u[7] = (uint8_t)ck;
  return len;
}

typedef struct {
  GPtrArray *frames; /* GBytes */
  GArray *ts_ns;     /* uint64 */
} FxPcap;

static inline uint32_t
fx_le32(const uint8_t *b)
{
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline void
fx_tshark_clean(const char *path)
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

/* The frames of the (nanosecond) pcap file @path. */
static inline FxPcap
fx_pcap_read(const char *path)
{
  gchar *bytes;
  gsize len;
  cr_assert(g_file_get_contents(path, &bytes, &len, NULL));
  FxPcap p = { g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref),
               g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
  const uint8_t *b = (const uint8_t *)bytes;
  size_t off = 24;
  while (off + 16 <= len) {
    uint64_t ts = (uint64_t)fx_le32(b + off) * 1000000000u + fx_le32(b + off + 4);
    uint32_t cap = fx_le32(b + off + 8);
    off += 16;
    g_ptr_array_add(p.frames, g_bytes_new(b + off, cap));
    g_array_append_val(p.ts_ns, ts);
    off += cap;
  }
  g_free(bytes);
  return p;
}

typedef void (*FxScenario)(Fx *t, void *data);

/* Captures h1's interface while @fn runs and the network runs for
 * @run_for; returns the frames. @clean: the capture must pass tshark. */
static inline FxPcap
fx_capture(Fx *t, FxScenario fn, void *data, SimTime run_for, bool clean)
{
  char *dir = g_dir_make_tmp("ipesim-fx-XXXXXX", NULL);
  char *path = g_build_filename(dir, "h1.pcap", NULL);
  SimIface *ifc = sim_link_end(t->l1, 0);
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, NULL);
  cr_assert_not_null(w);
  sim_iface_set_pcap(ifc, w);
  fn(t, data);
  sim_run_until(t->ctx, sim_now(t->ctx) + run_for);
  sim_iface_set_pcap(ifc, NULL);
  cr_assert(sim_pcap_writer_close(w, NULL));
  FxPcap p = fx_pcap_read(path);
  if (clean)
    fx_tshark_clean(path);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  return p;
}

static inline const uint8_t *
fx_frame(const FxPcap *p, guint i, size_t *len)
{
  cr_assert_lt(i, p->frames->len, "frame %u of %u", i, p->frames->len);
  return g_bytes_get_data(p->frames->pdata[i], len);
}

static inline void
fx_pcap_clear(FxPcap *p)
{
  g_ptr_array_unref(p->frames);
  g_array_unref(p->ts_ns);
}

/* The ICMPv6 (type, code, 32-bit parameter) of a frame, or type -1. */
static inline int
fx_icmp(const FxPcap *p, guint i, int *code, uint32_t *param)
{
  size_t len;
  const uint8_t *f = fx_frame(p, i, &len);
  if (len < 48 || f[6] != SIM_IPPROTO_ICMPV6)
    return -1;
  if (code)
    *code = f[41];
  if (param)
    *param = (uint32_t)f[44] << 24 | (uint32_t)f[45] << 16 | (uint32_t)f[46] << 8 | f[47];
  return f[40];
}

#endif /* IPESIM_TESTS_FIXTURE_H */
