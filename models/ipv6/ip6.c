/* ip6.c - the IPv6 layer of a node: RFC 8200 header processing, the
 * forwarding table, forwarding and local delivery.
 *
 * One FIB lookup per packet decides everything: local addresses are /128
 * entries with the value NH_LOCAL, routes map to next-hop groups (one or
 * more egress interfaces; several = ECMP by flow hash). A FIB miss asks the
 * network's resolver (lazy routing, DESIGN.md "compute lazily") once, then
 * answers Destination Unreachable.
 *
 * Receive path (RFC 8200 §3): at least 40 real bytes and version 6, else
 * bad_header; Payload Length beyond the frame is bad_length, bytes beyond
 * Payload Length are link padding and trimmed; a multicast source is
 * invalid (RFC 4291 §2.7). Then local delivery by Next Header, or - on a
 * router - forwarding: hop limit <= 1 gives Time Exceeded (RFC 8200 §3,
 * RFC 4443 §3.3), a packet larger than the egress MTU gives Packet Too Big
 * (routers never fragment, RFC 8200 §5), a connected route whose peer does
 * not own the address gives Address Unreachable (RFC 4443 §3.1 code 3).
 * Extension headers are walked by exthdr.c (Hop-by-Hop before the
 * forwarding decision, the rest at the destination); an upper-layer Next
 * Header nobody registered is answered with Parameter Problem code 1
 * pointing at the Next Header field that named it.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"

#include <string.h>

/* ---- header and checksums ------------------------------------------------ */

void
sim_ip6_header_write(uint8_t *b, const SimIp6Header *h)
{
  uint32_t w = (6u << 28) | ((uint32_t)h->traffic_class << 20) | (h->flow_label & 0xfffffu);
  b[0] = (uint8_t)(w >> 24);
  b[1] = (uint8_t)(w >> 16);
  b[2] = (uint8_t)(w >> 8);
  b[3] = (uint8_t)w;
  b[4] = (uint8_t)(h->payload_length >> 8);
  b[5] = (uint8_t)h->payload_length;
  b[6] = h->next_header;
  b[7] = h->hop_limit;
  memcpy(b + 8, h->src.b, 16);
  memcpy(b + 24, h->dst.b, 16);
}

gboolean
sim_ip6_header_read(const uint8_t *b, size_t len, SimIp6Header *h)
{
  if (len < SIM_IP6_HEADER_LEN || (b[0] >> 4) != 6)
    return FALSE;
  h->traffic_class = (uint8_t)(((b[0] & 0x0f) << 4) | (b[1] >> 4));
  h->flow_label = ((uint32_t)(b[1] & 0x0f) << 16) | ((uint32_t)b[2] << 8) | b[3];
  h->payload_length = (uint16_t)((b[4] << 8) | b[5]);
  h->next_header = b[6];
  h->hop_limit = b[7];
  memcpy(h->src.b, b + 8, 16);
  memcpy(h->dst.b, b + 24, 16);
  h->header_length = SIM_IP6_HEADER_LEN;
  h->upper_protocol = h->next_header;
  h->n_ext = 0;
  h->next_header_field = 6;
  return TRUE;
}

bool
sim__ip6_find_upper(const uint8_t *b, size_t real, uint8_t *proto, size_t *off)
{
  if (real < SIM_IP6_HEADER_LEN)
    return false;
  uint8_t nh = b[6];
  size_t o = SIM_IP6_HEADER_LEN;
  for (int n = 0; n < 64; n++) {
    if (nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING &&
        nh != SIM_IPPROTO_FRAGMENT) {
      *proto = nh;
      *off = o;
      /* the upper-layer header's first bytes must be there too */
      return nh == SIM_IPPROTO_NONE || o + 4 <= real;
    }
    if (o + 8 > real)
      return false;
    if (nh == SIM_IPPROTO_FRAGMENT) {
      if ((((b[o + 2] << 8) | b[o + 3]) & 0xfff8) != 0)
        return false; /* not the first fragment: no upper-layer header */
      nh = b[o];
      o += 8;
    } else {
      size_t len = ((size_t)b[o + 1] + 1) * 8;
      nh = b[o];
      o += len;
    }
  }
  return false;
}

/* The sum of @sum and the big-endian 16-bit words of @data (an odd last
 * byte padded with zero), folded to 32 bits. Eight bytes at a time: the
 * words at even and odd positions of a 64-bit load are summed in two
 * 32-bit lanes each, emptied before they can overflow, so the result is
 * the same number as a word-by-word sum. */
uint32_t
sim_inet_sum(uint32_t sum, const uint8_t *data, size_t len)
{
  const uint64_t lane_mask = UINT64_C(0x0000ffff0000ffff);
  uint64_t s = sum;
  size_t i = 0;
  while (len - i >= 8) {
    /* at most 4096 loads per round: each 32-bit lane takes two 16-bit
     * words per load, 2 * 4096 * 0xffff < 2^32 */
    size_t end = i + MIN((len - i) & ~(size_t)7, (size_t)8 * 4096);
    uint64_t lanes = 0;
    for (; i < end; i += 8) {
      uint64_t x;
      memcpy(&x, data + i, 8);
      x = GUINT64_FROM_BE(x);
      lanes += x & lane_mask;
      lanes += (x >> 16) & lane_mask;
    }
    s += (lanes & 0xffffffffu) + (lanes >> 32);
  }
  for (; i + 1 < len; i += 2)
    s += (uint32_t)((data[i] << 8) | data[i + 1]);
  if (i < len)
    s += (uint32_t)(data[i] << 8);
  while (s >> 32)
    s = (s & 0xffffffffu) + (s >> 32);
  return (uint32_t)s;
}

uint16_t
sim_inet_fold(uint32_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* The sum of the eight big-endian 16-bit words of @a (exact). */
static inline uint64_t
addr_words_sum(const SimIp6Addr *a)
{
  const uint64_t lane_mask = UINT64_C(0x0000ffff0000ffff);
  uint64_t x, y;
  memcpy(&x, a->b, 8);
  memcpy(&y, a->b + 8, 8);
  x = GUINT64_FROM_BE(x);
  y = GUINT64_FROM_BE(y);
  uint64_t lanes = (x & lane_mask) + ((x >> 16) & lane_mask) + (y & lane_mask) +
                   ((y >> 16) & lane_mask);
  return (lanes & 0xffffffffu) + (lanes >> 32);
}

/* RFC 8200 §8.1: source, destination, upper-layer length (32 bits) and
 * three zero bytes before the next header - summed as words, the same
 * number as sim_inet_sum() over those 40 bytes. */
uint32_t
sim_ip6_pseudo_sum(const SimIp6Addr *src, const SimIp6Addr *dst, uint32_t length,
                   uint8_t next_header)
{
  uint64_t s = addr_words_sum(src) + addr_words_sum(dst) + (length >> 16) + (length & 0xffff) +
               next_header;
  while (s >> 32)
    s = (s & 0xffffffffu) + (s >> 32);
  return (uint32_t)s;
}

uint16_t
sim_ip6_upper_checksum(const SimPacket *p, const SimIp6Addr *src, const SimIp6Addr *dst,
                       uint8_t next_header)
{
  /* virtual payload is zeros: it adds nothing but its length */
  uint32_t len = (uint32_t)sim__packet_length(p);
  uint32_t s = sim_ip6_pseudo_sum(src, dst, len, next_header);
  s = sim_inet_sum(s, sim__packet_data(p), sim__packet_real_length(p));
  return sim_inet_fold(s);
}

/* ---- per-node state -------------------------------------------------------- */

static void
ip6_free(void *data)
{
  SimIp6 *ip = data;
  sim_fib_free(ip->fib);
  sim__ip6_frag_free(ip->frag);
  g_array_unref(ip->nh);
  g_array_unref(ip->outs);
  g_array_unref(ip->gws);
  sim__nd_free(ip->nd);
  g_array_unref(ip->addrs);
  if (ip->protos)
    g_array_unref(ip->protos);
  if (ip->tables) {
    for (guint k = 1; k < ip->tables->len; k++)
      sim_fib_free(ip->tables->pdata[k]);
    g_ptr_array_unref(ip->tables);
    g_array_unref(ip->table_ids);
    g_array_unref(ip->iface_table);
  }
  if (ip->filtered)
    g_array_unref(ip->filtered);
  if (ip->steer) {
    for (guint k = 0; k < ip->steer->len; k++)
      if (ip->steer->pdata[k])
        sim_fib_free(ip->steer->pdata[k]);
    g_ptr_array_unref(ip->steer);
  }
  g_aligned_free(ip);
}

static void
shared_free(Ip6Shared *sh)
{
  if (sh->misses)
    g_array_unref(sh->misses);
  g_free(sh);
}

static Ip6Shared *
shared_of(SimNet *net)
{
  Ip6Shared *sh = sim_net_slot(net, SIM_NET_SLOT_IP6);
  if (!sh) {
    sh = g_new0(Ip6Shared, 1);
    sim_net_set_slot(net, SIM_NET_SLOT_IP6, sh, (GDestroyNotify)shared_free);
  }
  return sh;
}

void
sim__ip6_log_misses(SimNet *net)
{
  Ip6Shared *sh = shared_of(net);
  if (!sh->misses)
    sh->misses = g_array_new(FALSE, FALSE, sizeof(Ip6Miss));
}

GArray *
sim__ip6_misses(SimNet *net)
{
  return shared_of(net)->misses;
}

static void ip6_recv(SimNode *node, SimIface *iface, SimPacket *p);

SimIp6 *
sim_ip6_install(SimNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  SimIp6 *ip = sim_node_slot(node, SIM_NODE_SLOT_IP6);
  if (ip)
    return ip;
  ip = g_aligned_alloc0(1, sizeof(SimIp6), 64);
  ip->node = node;
  ip->net = sim_node_net(node);
  ip->fib = sim_fib_new();
  ip->nh = g_array_new(FALSE, FALSE, sizeof(Ip6NextHop));
  ip->outs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  ip->gws = g_array_new(FALSE, TRUE, sizeof(SimIp6Addr));
  ip->addrs = g_array_new(FALSE, FALSE, sizeof(Ip6AddrEntry));
  ip->icmp_rate = 1000.0;
  ip->icmp_burst = 100;
  ip->icmp_tokens = 100.0;
  ip->max_ext_headers = 8;
  /* per-node salt so that ECMP choices do not polarise along a path */
  uint64_t x = (uint64_t)sim_node_index(node) * UINT64_C(0x9e3779b97f4a7c15);
  ip->hash_salt = (uint32_t)(x >> 32);
  for (unsigned i = 0; i < IP6_DST_CACHE; i++)
    ip->dst_cache[i].table = IP6_DST_CACHE_EMPTY;
  shared_of(ip->net);
  sim_node_set_slot(node, SIM_NODE_SLOT_IP6, ip, ip6_free);
  sim_node_set_recv(node, ip6_recv);
  return ip;
}

SimIp6 *
sim_ip6_of(const SimNode *node)
{
  return sim_node_slot(node, SIM_NODE_SLOT_IP6);
}

SimNode *
sim_ip6_node(const SimIp6 *ip)
{
  return ip->node;
}

SimFib *
sim_ip6_fib(const SimIp6 *ip)
{
  return ip->fib;
}

const SimIp6Stats *
sim_ip6_stats(const SimIp6 *ip)
{
  return &ip->stats;
}

void
sim_ip6_register_protocol(SimIp6 *ip, uint8_t next_header, SimIp6ProtoFunc fn, void *data)
{
  if (!ip->protos)
    ip->protos = g_array_new(FALSE, FALSE, sizeof(Ip6Proto));
  for (guint i = 0; i < ip->protos->len; i++) {
    Ip6Proto *pr = &g_array_index(ip->protos, Ip6Proto, i);
    if (pr->next_header == next_header) {
      pr->fn = fn;
      pr->data = data;
      return;
    }
  }
  Ip6Proto pr = { next_header, fn, data };
  g_array_append_val(ip->protos, pr);
}

void
sim_ip6_set_srh_handler(SimIp6 *ip, SimIp6SrhFunc fn, void *data)
{
  ip->srh_fn = fn;
  ip->srh_data = data;
}

void
sim_ip6_set_max_ext_headers(SimIp6 *ip, unsigned n)
{
  ip->max_ext_headers = n;
}

void
sim_ip6_set_resolver(SimNet *net, SimIp6ResolveFunc fn, void *data)
{
  Ip6Shared *sh = shared_of(net);
  sh->resolve = fn;
  sh->resolve_data = data;
}

/* ---- routing tables ------------------------------------------------------------ */

static bool usable(const Ip6AddrEntry *e);

/* Index of @table (0: main), or -1. */
static int
table_index(const SimIp6 *ip, uint32_t table)
{
  if (table == SIM_IP6_TABLE_MAIN)
    return 0;
  if (!ip->table_ids)
    return -1;
  for (guint i = 0; i < ip->table_ids->len; i++)
    if (g_array_index(ip->table_ids, uint32_t, i) == table)
      return (int)i + 1;
  return -1;
}

int
sim__ip6_table_index(const SimIp6 *ip, uint32_t table)
{
  return table_index(ip, table);
}

static inline SimFib *
fib_at(const SimIp6 *ip, unsigned k)
{
  return k == 0 ? ip->fib : ip->tables->pdata[k];
}

static inline uint32_t cached_lookup(SimIp6 *ip, uint32_t table, const SimFib *fib,
                                     const SimIp6Addr *dst);

/* The steering id of @dst in table @k, or SIM_FIB_NONE. */
static inline uint32_t
steer_lookup(SimIp6 *ip, unsigned k, const SimIp6Addr *dst)
{
  if (SIM_LIKELY(!ip->steer) || k >= ip->steer->len || !ip->steer->pdata[k])
    return SIM_FIB_NONE;
  return cached_lookup(ip, k | IP6_DST_CACHE_STEER, ip->steer->pdata[k], dst);
}

/* The table index an interface's packets are looked up in. */
static inline unsigned
iface_tindex(const SimIp6 *ip, const SimIface *iface)
{
  if (SIM_LIKELY(!ip->iface_table) || !iface)
    return 0;
  uint32_t i = sim_iface_index(iface);
  return i < ip->iface_table->len ? g_array_index(ip->iface_table, uint32_t, i) : 0;
}

unsigned
sim__ip6_iface_table_index(const SimIp6 *ip, const SimIface *iface)
{
  return iface_tindex(ip, iface);
}

static gboolean
table_error(SimIp6 *ip, uint32_t table, GError **error)
{
  g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: no routing table %u",
              sim_node_name(ip->node), table);
  return FALSE;
}

gboolean
sim_ip6_table_add(SimIp6 *ip, uint32_t table, GError **error)
{
  if (table_index(ip, table) >= 0) {
    if (table == SIM_IP6_TABLE_MAIN)
      return TRUE;
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: routing table %u exists",
                sim_node_name(ip->node), table);
    return FALSE;
  }
  if (!ip->tables) {
    ip->tables = g_ptr_array_new();
    g_ptr_array_add(ip->tables, NULL); /* index 0: the main table */
    ip->table_ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    ip->iface_table = g_array_new(FALSE, TRUE, sizeof(uint32_t));
  }
  g_ptr_array_add(ip->tables, sim_fib_new());
  g_array_append_val(ip->table_ids, table);
  return TRUE;
}

gboolean
sim_ip6_table_exists(const SimIp6 *ip, uint32_t table)
{
  return table_index(ip, table) >= 0;
}

SimFib *
sim_ip6_table_fib(const SimIp6 *ip, uint32_t table)
{
  int k = table_index(ip, table);
  return k < 0 ? NULL : fib_at(ip, (unsigned)k);
}

uint32_t
sim_ip6_iface_table(const SimIp6 *ip, const SimIface *iface)
{
  unsigned k = iface_tindex(ip, iface);
  return k == 0 ? SIM_IP6_TABLE_MAIN : g_array_index(ip->table_ids, uint32_t, k - 1);
}

gboolean
sim_ip6_iface_set_table(SimIp6 *ip, SimIface *iface, uint32_t table, GError **error)
{
  int k = table_index(ip, table);
  if (k < 0)
    return table_error(ip, table, error);
  if (sim_iface_node(iface) != ip->node) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: interface of another node",
                sim_node_name(ip->node));
    return FALSE;
  }
  if (k == 0 && !ip->iface_table)
    return TRUE;
  unsigned old = iface_tindex(ip, iface);
  if (old == (unsigned)k)
    return TRUE;
  uint32_t idx = sim_iface_index(iface);
  if (ip->iface_table->len <= idx)
    g_array_set_size(ip->iface_table, idx + 1);
  /* the interface's local entries and connected prefixes move over */
  SimFib *from = fib_at(ip, old), *to = fib_at(ip, (unsigned)k);
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (e->iface != (int32_t)idx)
      continue;
    if (usable(e)) {
      if (old)
        sim_fib_remove(from, &e->addr, 128);
      if (k)
        sim_fib_insert(to, &e->addr, 128, NH_LOCAL);
    }
    if (e->prefix_len < 128) {
      SimIp6Addr pfx = e->addr;
      sim_ip6_addr_mask(&pfx, e->prefix_len);
      uint32_t v = sim_fib_get(from, &pfx, e->prefix_len);
      if (v < ip->nh->len && g_array_index(ip->nh, Ip6NextHop, v).kind == NH_CONNECTED) {
        sim_fib_remove(from, &pfx, e->prefix_len);
        sim_fib_insert(to, &pfx, e->prefix_len, v);
      }
    }
  }
  g_array_index(ip->iface_table, uint32_t, idx) = (uint32_t)k;
  sim_net_routes_changed(ip->net);
  return TRUE;
}

gboolean
sim_ip6_table_add_local(SimIp6 *ip, uint32_t table, const SimIp6Addr *addr, GError **error)
{
  int k = table_index(ip, table);
  if (k < 0)
    return table_error(ip, table, error);
  if (!sim_ip6_is_local(ip, addr)) {
    char buf[SIM_IP6_ADDR_STRLEN];
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: %s is not its address",
                sim_node_name(ip->node), sim_ip6_addr_format(addr, buf));
    return FALSE;
  }
  sim_fib_insert(fib_at(ip, (unsigned)k), addr, 128, NH_LOCAL);
  return TRUE;
}

void
sim_ip6_set_route_handlers(SimIp6 *ip, SimIp6RouteFunc local_sid, SimIp6RouteFunc steer,
                           void *data)
{
  ip->sid_fn = local_sid;
  ip->steer_fn = steer;
  ip->route_data = data;
}

static gboolean
module_route_check(SimIp6 *ip, int k, uint32_t table, const SimIp6Prefix *prefix,
                   GError **error)
{
  if (k < 0)
    return table_error(ip, table, error);
  if (sim_fib_get(fib_at(ip, (unsigned)k), &prefix->addr, prefix->len) == NH_LOCAL) {
    char buf[SIM_IP6_PREFIX_STRLEN];
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: route %s would hide a local address", sim_node_name(ip->node),
                sim_ip6_prefix_format(prefix, buf));
    return FALSE;
  }
  return TRUE;
}

gboolean
sim_ip6_table_add_sid(SimIp6 *ip, uint32_t table, const SimIp6Prefix *prefix, uint32_t id,
                      GError **error)
{
  int k = table_index(ip, table);
  if (!module_route_check(ip, k, table, prefix, error))
    return FALSE;
  if (id >= NH_UNREACHABLE - NH_SID_BASE) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: too many local SIDs",
                sim_node_name(ip->node));
    return FALSE;
  }
  sim_fib_insert(fib_at(ip, (unsigned)k), &prefix->addr, prefix->len, NH_SID_BASE + id);
  sim_net_routes_changed(ip->net);
  return TRUE;
}

gboolean
sim_ip6_table_add_steering(SimIp6 *ip, uint32_t table, const SimIp6Prefix *prefix, uint32_t id,
                           GError **error)
{
  int k = table_index(ip, table);
  if (!module_route_check(ip, k, table, prefix, error))
    return FALSE;
  if (!ip->steer)
    ip->steer = g_ptr_array_new();
  if (ip->steer->len <= (guint)k)
    g_ptr_array_set_size(ip->steer, k + 1);
  if (!ip->steer->pdata[k])
    ip->steer->pdata[k] = sim_fib_new();
  SimIp6Addr a = prefix->addr;
  sim_ip6_addr_mask(&a, prefix->len);
  sim_fib_insert(ip->steer->pdata[k], &a, prefix->len, id);
  return TRUE;
}

/* ---- addresses ---------------------------------------------------------------- */

static inline const SimIp6Addr *
gws_ptr(const SimIp6 *ip, uint32_t i)
{
  return &g_array_index(ip->gws, SimIp6Addr, i);
}

static uint32_t
nh_add_gw(SimIp6 *ip, uint32_t kind, SimIface *const *out, const SimIp6Addr *gws, unsigned n)
{
  Ip6NextHop nh = { n == 1 ? out[0] : NULL, n, ip->outs->len, (uint8_t)kind, false };
  static const SimIp6Addr on_link;
  for (unsigned i = 0; i < n; i++) {
    uint32_t idx = sim_iface_index(out[i]);
    g_array_append_val(ip->outs, idx);
    SimIp6Addr gw = gws ? gws[i] : on_link;
    g_array_append_val(ip->gws, gw);
  }
  nh.has_gw = n == 1 && !sim_ip6_addr_is_unspecified(gws_ptr(ip, nh.first));
  g_array_append_val(ip->nh, nh);
  return ip->nh->len - 1;
}

static uint32_t
nh_add(SimIp6 *ip, uint32_t kind, SimIface *const *out, unsigned n)
{
  return nh_add_gw(ip, kind, out, NULL, n);
}

gboolean
sim_ip6_add_address(SimIp6 *ip, SimIface *iface, const SimIp6Addr *addr, unsigned prefix_len,
                    GError **error)
{
  g_return_val_if_fail(ip != NULL && addr != NULL, FALSE);
  char buf[SIM_IP6_ADDR_STRLEN];
  if (prefix_len > 128 || sim_ip6_addr_is_multicast(addr) || sim_ip6_addr_is_unspecified(addr)) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: %s/%u is not a unicast address with a prefix length of 0..128",
                sim_node_name(ip->node), sim_ip6_addr_format(addr, buf), prefix_len);
    return FALSE;
  }
  if (iface && sim_iface_node(iface) != ip->node) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: interface of another node",
                sim_node_name(ip->node));
    return FALSE;
  }
  if (sim_fib_get(ip->fib, addr, 128) == NH_LOCAL) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: address %s assigned twice",
                sim_node_name(ip->node), sim_ip6_addr_format(addr, buf));
    return FALSE;
  }
  sim__ip6_add_address_state(ip, iface, addr, prefix_len, ADDR_PREFERRED);
  if (iface && prefix_len < 128) {
    SimIp6Addr pfx = *addr;
    sim_ip6_addr_mask(&pfx, prefix_len);
    SimFib *fib = fib_at(ip, iface_tindex(ip, iface));
    if (sim_fib_get(fib, &pfx, prefix_len) == SIM_FIB_NONE)
      sim_fib_insert(fib, &pfx, prefix_len, nh_add(ip, NH_CONNECTED, &iface, 1));
  }
  sim_net_routes_changed(ip->net);
  return TRUE;
}

/* Local /128 entries: in the main table, and in the table of the
 * address's interface when that is a VRF. */
static void
local_insert(SimIp6 *ip, int32_t iface, const SimIp6Addr *addr)
{
  sim_fib_insert(ip->fib, addr, 128, NH_LOCAL);
  unsigned k = iface >= 0 ? iface_tindex(ip, sim_node_iface(ip->node, (uint32_t)iface)) : 0;
  if (k)
    sim_fib_insert(fib_at(ip, k), addr, 128, NH_LOCAL);
}

static void
local_remove(SimIp6 *ip, int32_t iface, const SimIp6Addr *addr)
{
  sim_fib_remove(ip->fib, addr, 128);
  unsigned k = iface >= 0 ? iface_tindex(ip, sim_node_iface(ip->node, (uint32_t)iface)) : 0;
  if (k)
    sim_fib_remove(fib_at(ip, k), addr, 128);
}

static bool
usable(const Ip6AddrEntry *e)
{
  return e->state == ADDR_PREFERRED || e->state == ADDR_DEPRECATED ||
         e->state == ADDR_OPTIMISTIC;
}

gboolean
sim_ip6_nth_address(const SimIp6 *ip, guint i, SimIp6Addr *addr, SimIface **iface,
                    unsigned *prefix_len)
{
  if (i >= ip->addrs->len)
    return FALSE;
  const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
  if (addr)
    *addr = e->addr;
  if (iface)
    *iface = e->iface < 0 ? NULL : sim_node_iface(ip->node, (uint32_t)e->iface);
  if (prefix_len)
    *prefix_len = e->prefix_len;
  return TRUE;
}

SimIp6AddrState
sim_ip6_address_state(const SimIp6 *ip, const SimIp6Addr *a)
{
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (sim_ip6_addr_equal(&e->addr, a))
      return (SimIp6AddrState)e->state;
  }
  return SIM_IP6_ADDR_NONE;
}

const SimIp6Addr *
sim_ip6_iface_address(const SimIp6 *ip, const SimIface *iface)
{
  int32_t idx = (int32_t)sim_iface_index(iface);
  const SimIp6Addr *deprecated = NULL;
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (e->iface != idx || sim_ip6_addr_is_link_local(&e->addr) || !usable(e))
      continue;
    if (e->state == ADDR_PREFERRED)
      return &e->addr;
    if (!deprecated)
      deprecated = &e->addr; /* RFC 4862 §5.5.4: only when nothing else;
                              * RFC 4429 §2.1: optimistic likewise */
  }
  return deprecated;
}

Ip6AddrEntry *
sim__ip6_add_address_state(SimIp6 *ip, SimIface *iface, const SimIp6Addr *addr,
                           unsigned prefix_len, uint8_t state)
{
  Ip6AddrEntry e = { *addr, iface ? (int32_t)sim_iface_index(iface) : -1, (uint8_t)prefix_len,
                     state };
  g_array_append_val(ip->addrs, e);
  if (usable(&e))
    local_insert(ip, e.iface, addr);
  if (iface && sim_iface_is_multiaccess(iface))
    sim__nd_join_solicited(ip, iface, addr);
  sim_net_routes_changed(ip->net);
  return &g_array_index(ip->addrs, Ip6AddrEntry, ip->addrs->len - 1);
}

void
sim__ip6_address_set_state(SimIp6 *ip, const SimIp6Addr *addr, uint8_t state)
{
  for (guint i = 0; i < ip->addrs->len; i++) {
    Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (!sim_ip6_addr_equal(&e->addr, addr))
      continue;
    bool was = usable(e);
    e->state = state;
    if (usable(e) && !was)
      local_insert(ip, e->iface, addr);
    else if (!usable(e) && was)
      local_remove(ip, e->iface, addr);
    sim_net_routes_changed(ip->net);
    return;
  }
}

void
sim__ip6_address_remove(SimIp6 *ip, const SimIp6Addr *addr)
{
  for (guint i = 0; i < ip->addrs->len; i++) {
    Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (!sim_ip6_addr_equal(&e->addr, addr))
      continue;
    if (usable(e))
      local_remove(ip, e->iface, addr);
    g_array_remove_index(ip->addrs, i);
    sim_net_routes_changed(ip->net);
    return;
  }
}

gboolean
sim_ip6_route_remove(SimIp6 *ip, const SimIp6Prefix *prefix)
{
  return sim_ip6_table_route_remove(ip, SIM_IP6_TABLE_MAIN, prefix);
}

gboolean
sim_ip6_table_route_remove(SimIp6 *ip, uint32_t table, const SimIp6Prefix *prefix)
{
  int k = table_index(ip, table);
  if (k < 0)
    return FALSE;
  SimFib *fib = fib_at(ip, (unsigned)k);
  uint32_t v = sim_fib_get(fib, &prefix->addr, prefix->len);
  if (v == SIM_FIB_NONE || v == NH_LOCAL)
    return FALSE;
  sim_fib_remove(fib, &prefix->addr, prefix->len);
  sim_net_routes_changed(ip->net);
  return TRUE;
}

const SimIp6Addr *
sim_ip6_primary_address(const SimIp6 *ip)
{
  const SimIp6Addr *first = NULL;
  uint8_t first_state = ADDR_PREFERRED;
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (sim_ip6_addr_is_link_local(&e->addr) || !usable(e))
      continue;
    if (e->iface < 0)
      return &e->addr;
    if (!first || (first_state != ADDR_PREFERRED && e->state == ADDR_PREFERRED)) {
      first = &e->addr;
      first_state = e->state;
    }
  }
  return first;
}

gboolean
sim_ip6_is_local(const SimIp6 *ip, const SimIp6Addr *a)
{
  return sim_fib_lookup(ip->fib, a, NULL) == NH_LOCAL;
}

/* ---- routes -------------------------------------------------------------------- */

gboolean
sim_ip6_route_add(SimIp6 *ip, const SimIp6Prefix *prefix, SimIface *const *out, unsigned n_out,
                  GError **error)
{
  return sim_ip6_route_add_via(ip, prefix, out, NULL, n_out, error);
}

gboolean
sim_ip6_route_add_via(SimIp6 *ip, const SimIp6Prefix *prefix, SimIface *const *out,
                      const SimIp6Addr *gateways, unsigned n_out, GError **error)
{
  return sim_ip6_table_route_add_via(ip, SIM_IP6_TABLE_MAIN, prefix, out, gateways, n_out, error);
}

gboolean
sim_ip6_table_route_add_via(SimIp6 *ip, uint32_t table, const SimIp6Prefix *prefix,
                            SimIface *const *out, const SimIp6Addr *gateways, unsigned n_out,
                            GError **error)
{
  g_return_val_if_fail(ip != NULL && prefix != NULL && out != NULL, FALSE);
  char buf[SIM_IP6_PREFIX_STRLEN];
  int k = table_index(ip, table);
  if (k < 0)
    return table_error(ip, table, error);
  SimFib *fib = fib_at(ip, (unsigned)k);
  if (n_out == 0 || n_out > 64) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: route %s needs 1 to 64 next hops", sim_node_name(ip->node),
                sim_ip6_prefix_format(prefix, buf));
    return FALSE;
  }
  for (unsigned i = 0; i < n_out; i++) {
    if (!out[i] || sim_iface_node(out[i]) != ip->node) {
      g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                  "node %s: route %s through an interface of another node",
                  sim_node_name(ip->node), sim_ip6_prefix_format(prefix, buf));
      return FALSE;
    }
  }
  uint32_t old = sim_fib_get(fib, &prefix->addr, prefix->len);
  if (old == NH_LOCAL) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: route %s would hide a local address", sim_node_name(ip->node),
                sim_ip6_prefix_format(prefix, buf));
    return FALSE;
  }
  sim_fib_insert(fib, &prefix->addr, prefix->len, nh_add_gw(ip, NH_ROUTE, out, gateways, n_out));
  sim_net_routes_changed(ip->net);
  return TRUE;
}

static inline uint32_t
mix32(uint32_t h)
{
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  h *= 0x846ca68b;
  h ^= h >> 16;
  return h;
}

/* The egress interface of @nh for a flow hash, and its next-hop
 * address (NULL: on-link, the packet's destination). */
static inline SimIface *
nh_pick_gw(SimIp6 *ip, const Ip6NextHop *nh, uint32_t hash, const SimIp6Addr **gw)
{
  if (SIM_LIKELY(nh->n == 1)) {
    if (gw)
      *gw = nh->has_gw ? gws_ptr(ip, nh->first) : NULL;
    return nh->out;
  }
  uint32_t k = 0;
  if (nh->n > 1)
    k = (uint32_t)(((uint64_t)mix32(hash ^ ip->hash_salt) * nh->n) >> 32);
  uint32_t idx = g_array_index(ip->outs, uint32_t, nh->first + k);
  if (gw) {
    const SimIp6Addr *g = &g_array_index(ip->gws, SimIp6Addr, nh->first + k);
    *gw = sim_ip6_addr_is_unspecified(g) ? NULL : g;
  }
  return sim_node_iface(ip->node, idx);
}

static inline SimIface *
nh_pick(SimIp6 *ip, const Ip6NextHop *nh, uint32_t hash)
{
  return nh_pick_gw(ip, nh, hash, NULL);
}

/* sim_fib_lookup(@fib, @dst) for @table (a table index, or one with
 * IP6_DST_CACHE_STEER for its steering FIB), through the node's cache of
 * recent lookups. */
static inline uint32_t
cached_lookup(SimIp6 *ip, uint32_t table, const SimFib *fib, const SimIp6Addr *dst)
{
  uint64_t x, y;
  memcpy(&x, dst->b, 8);
  memcpy(&y, dst->b + 8, 8);
  /* the table too: a destination's route and steering lookups go
   * together */
  uint64_t hash = (x ^ y ^ ((uint64_t)table << 32)) * UINT64_C(0x9e3779b97f4a7c15);
  Ip6DstCache *c = &ip->dst_cache[hash >> (64 - IP6_DST_CACHE_BITS)];
  uint64_t gen = sim__fib_generation(fib);
  if (c->table == table && c->generation == gen && sim_ip6_addr_equal(&c->dst, dst))
    return c->value;
  uint32_t v = sim_fib_lookup(fib, dst, NULL);
  c->dst = *dst;
  c->generation = gen;
  c->table = table;
  c->value = v;
  return v;
}

/* FIB lookup with one lazy-resolution attempt. Returns the next-hop
 * value (NH_LOCAL, an index, or SIM_FIB_NONE). */
static uint32_t
route_value(SimIp6 *ip, const SimIp6Addr *dst)
{
  uint32_t v = cached_lookup(ip, 0, ip->fib, dst);
  if (SIM_UNLIKELY(v == SIM_FIB_NONE)) {
    Ip6Shared *sh = shared_of(ip->net);
    if (sh->misses) {
      Ip6Miss m = { sim_node_index(ip->node), *dst };
      g_array_append_val(sh->misses, m);
    }
    if (sh->resolve) {
      if (sh->resolve(ip, dst, sh->resolve_data))
        v = sim_fib_lookup(ip->fib, dst, NULL);
      else
        sim_fib_insert(ip->fib, dst, 128, NH_UNREACHABLE);
    }
  }
  return v == NH_UNREACHABLE ? SIM_FIB_NONE : v;
}

void
sim__ip6_replay_miss(SimIp6 *ip, const SimIp6Addr *dst)
{
  if (sim_fib_lookup(ip->fib, dst, NULL) != SIM_FIB_NONE)
    return; /* this rank's own run resolved it already */
  Ip6Shared *sh = shared_of(ip->net);
  if (sh->resolve && !sh->resolve(ip, dst, sh->resolve_data))
    sim_fib_insert(ip->fib, dst, 128, NH_UNREACHABLE);
}

SimIface *
sim_ip6_route_lookup(SimIp6 *ip, const SimIp6Addr *dst, uint32_t hash, gboolean *local)
{
  uint32_t v = route_value(ip, dst);
  if (local)
    *local = v == NH_LOCAL || NH_IS_SID(v);
  if (v == SIM_FIB_NONE || v == NH_LOCAL || NH_IS_SID(v))
    return NULL;
  return nh_pick(ip, &g_array_index(ip->nh, Ip6NextHop, v), hash);
}

const SimIp6Addr *
sim_ip6_select_source(SimIp6 *ip, const SimIp6Addr *dst)
{
  gboolean local = FALSE;
  SimIface *out = sim_ip6_route_lookup(ip, dst, 0, &local);
  if (local)
    return dst;
  /* a steered destination leaves through its policy, not an interface:
   * the node's primary (loopback) address, as for module routes */
  if (steer_lookup(ip, 0, dst) != SIM_FIB_NONE)
    return sim_ip6_primary_address(ip);
  const SimIp6Addr *a = out ? sim_ip6_iface_address(ip, out) : NULL;
  return a ? a : sim_ip6_primary_address(ip);
}

/* Flow hash (RFC 6437 §3: the flow label with the addresses when set, else
 * the addresses, next header and transport ports). */
static uint32_t
flow_hash(const SimPacket *p, const SimIp6Header *h)
{
  uint32_t x = 0;
  for (int i = 0; i < 16; i += 4) {
    x = mix32(x ^ ((uint32_t)h->src.b[i] << 24 | (uint32_t)h->src.b[i + 1] << 16 |
                   (uint32_t)h->src.b[i + 2] << 8 | h->src.b[i + 3]));
    x = mix32(x ^ ((uint32_t)h->dst.b[i] << 24 | (uint32_t)h->dst.b[i + 1] << 16 |
                   (uint32_t)h->dst.b[i + 2] << 8 | h->dst.b[i + 3]));
  }
  if (h->flow_label)
    return mix32(x ^ h->flow_label);
  x = mix32(x ^ h->next_header);
  if ((h->next_header == SIM_IPPROTO_UDP || h->next_header == SIM_IPPROTO_TCP) &&
      sim__packet_real_length(p) >= SIM_IP6_HEADER_LEN + 4) {
    const uint8_t *t = sim__packet_data(p) + SIM_IP6_HEADER_LEN;
    x = mix32(x ^ ((uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3]));
  }
  return x;
}

/* ---- output ----------------------------------------------------------------------- */

static void loopback_deliver(SimContext *ctx, void *obj, SimEventArg arg);

void
sim_ip6_output(SimIp6 *ip, SimPacket *p, const SimIp6Addr *src, const SimIp6Addr *dst,
               uint8_t next_header, const SimIp6SendOpts *opts)
{
  SimNode *node = ip->node;
  size_t upper = sim__packet_length(p);
  if (upper > 0xffff) {
    sim_node_drop(node, NULL, p, SIM_DROP_TOO_BIG); /* jumbograms are not supported */
    return;
  }
  SimIp6Header h = {
    .traffic_class = opts ? opts->traffic_class : 0,
    .flow_label = opts ? opts->flow_label : 0,
    .payload_length = (uint16_t)upper,
    .next_header = next_header,
    .hop_limit = opts && opts->hop_limit ? opts->hop_limit : SIM_IP6_DEFAULT_HOP_LIMIT,
    .dst = *dst,
  };
  uint32_t steer = steer_lookup(ip, 0, dst);
  if (SIM_UNLIKELY(steer != SIM_FIB_NONE)) {
    /* a steering route: handed to its module once the header is on */
    const SimIp6Addr *s = src ? src : sim_ip6_select_source(ip, dst);
    if (!s || !ip->steer_fn) {
      sim_node_drop(node, NULL, p, s ? SIM_DROP_POLICY : SIM_DROP_NO_ROUTE);
      return;
    }
    h.src = *s;
    sim_ip6_header_write(sim__packet_push(p, SIM_IP6_HEADER_LEN), &h);
    ip->stats.sent++;
    h.header_length = SIM_IP6_HEADER_LEN;
    h.upper_protocol = h.next_header;
    h.next_header_field = 6;
    ip->steer_fn(ip, NULL, p, &h, steer, ip->route_data);
    return;
  }
  uint32_t v = route_value(ip, dst);
  SimIface *out = NULL;
  const SimIp6Addr *gw = NULL;
  if (v == SIM_FIB_NONE && sim_ip6_addr_is_multicast(dst) && opts && opts->iface) {
    out = opts->iface; /* link-scope multicast out of a given interface */
  } else if (v == SIM_FIB_NONE) {
    sim_node_drop(node, NULL, p, SIM_DROP_NO_ROUTE);
    return;
  } else if (v != NH_LOCAL && !NH_IS_SID(v)) {
    const Ip6NextHop *nh = &g_array_index(ip->nh, Ip6NextHop, v);
    if (nh->n > 1) {
      /* the hash needs the header and ports: write them first */
      static const SimIp6Addr unspecified;
      h.src = src ? *src : unspecified;
      uint8_t *b = sim__packet_push(p, SIM_IP6_HEADER_LEN);
      sim_ip6_header_write(b, &h);
      out = nh_pick_gw(ip, nh, flow_hash(p, &h), &gw);
      sim_packet_pull(p, SIM_IP6_HEADER_LEN);
    } else {
      out = nh_pick_gw(ip, nh, 0, &gw);
    }
  }
  if (src) {
    h.src = *src;
  } else {
    const SimIp6Addr *s = out ? sim_ip6_iface_address(ip, out) : dst;
    if (!s)
      s = sim_ip6_primary_address(ip);
    if (!s) {
      sim_node_drop(node, NULL, p, SIM_DROP_NO_ROUTE);
      return;
    }
    h.src = *s;
  }
  uint8_t *b = sim__packet_push(p, SIM_IP6_HEADER_LEN);
  sim_ip6_header_write(b, &h);
  ip->stats.sent++;
  if (!out) {
    /* to ourselves: through a zero-delay event, never re-entrantly */
    sim_schedule(sim_net_context(ip->net), 0, sim_node_entity(node), loopback_deliver, ip,
                 SIM_ARG_PTR(p));
    return;
  }
  uint32_t mtu = sim_ip6_path_mtu(ip, dst, sim_iface_mtu(out));
  if (SIM_UNLIKELY(sim__packet_length(p) > mtu)) {
    /* RFC 8200 §5: the source fragments to the path MTU */
    sim__ip6_fragment_and_send(ip, out, p, mtu, gw);
    return;
  }
  sim__ip6_link_output(ip, out, p, gw);
}

void
sim__ip6_link_output(SimIp6 *ip, SimIface *out, SimPacket *p, const SimIp6Addr *nexthop)
{
  if (SIM_LIKELY(!sim_iface_is_ethernet(out))) {
    sim_iface_send(out, p);
    return;
  }
  const uint8_t *b = sim__packet_data(p);
  uint8_t mac[6];
  if (b[24] == 0xff) {
    /* RFC 2464 §7: multicast needs no resolution */
    sim_ether_multicast_mac(b + 24, mac);
    sim_iface_send_ether(out, p, mac);
    return;
  }
  if (!sim_iface_is_multiaccess(out)) {
    /* point-to-point: the neighbour is the peer */
    sim_iface_send_ether(out, p, sim_iface_mac(sim_iface_peer(out)));
    return;
  }
  SimIp6Addr dst;
  memcpy(dst.b, b + 24, 16);
  sim__nd_output(ip, out, p, nexthop ? nexthop : &dst);
}

/* ---- input ---------------------------------------------------------------------- */

static void deliver(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h);
static void forward(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h, unsigned k,
                    uint32_t v, unsigned flags);

static void
loopback_deliver(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  SimIp6 *ip = obj;
  SimPacket *p = arg.ptr;
  SimIp6Header h;
  sim_ip6_header_read(sim__packet_data(p), sim__packet_real_length(p), &h);
  ip->stats.rx++;
  if (h.next_header == SIM_IPPROTO_HOPOPTS && !sim__ip6_hop_by_hop(ip, NULL, p, &h))
    return;
  uint32_t v = sim_fib_lookup(ip->fib, &h.dst, NULL);
  if (NH_IS_SID(v) && ip->sid_fn) {
    ip->sid_fn(ip, NULL, p, &h, v - NH_SID_BASE, ip->route_data);
    return;
  }
  deliver(ip, NULL, p, &h);
}

void
sim_ip6_deliver(SimIp6 *ip, SimIface *iface, SimPacket *p)
{
  SimIp6Header h;
  if (!sim_ip6_header_read(sim__packet_data(p), sim__packet_real_length(p), &h)) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  if (h.next_header == SIM_IPPROTO_HOPOPTS && !sim__ip6_hop_by_hop(ip, iface, p, &h))
    return;
  deliver(ip, iface, p, &h);
}

/* Link-scope multicast that reached this node: all-nodes, or a group its
 * interface joined (the Ethernet filter let it through). */
static bool
is_all_nodes(const SimIp6Addr *a)
{
  return a->b[0] == 0xff && (a->b[1] & 0x0f) == 0x02;
}

void
sim_ip6_set_ingress_filter(SimIp6 *ip, SimIface *iface, SimIp6FilterFunc fn, void *data)
{
  if (!ip->filtered)
    ip->filtered = g_array_new(FALSE, TRUE, sizeof(uint8_t));
  uint32_t i = sim_iface_index(iface);
  if (ip->filtered->len <= i)
    g_array_set_size(ip->filtered, i + 1);
  g_array_index(ip->filtered, uint8_t, i) = fn != NULL;
  if (fn) {
    ip->filter_fn = fn;
    ip->filter_data = data;
  }
}

static void
ip6_recv(SimNode *node, SimIface *iface, SimPacket *p)
{
  SimIp6 *ip = sim_node_slot(node, SIM_NODE_SLOT_IP6);
  ip->stats.rx++;
  SimIp6Header h;
  if (SIM_UNLIKELY(!sim_ip6_header_read(sim__packet_data(p), sim__packet_real_length(p), &h))) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  size_t total = sim__packet_length(p);
  size_t want = SIM_IP6_HEADER_LEN + (size_t)h.payload_length;
  if (SIM_UNLIKELY(want != total)) {
    if (want > total) {
      sim_node_drop(node, iface, p, SIM_DROP_BAD_LENGTH);
      return;
    }
    sim_packet_trim(p, total - want); /* link-layer padding */
  }
  if (SIM_UNLIKELY(sim_ip6_addr_is_multicast(&h.src))) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  /* RFC 8200 §4.3: Hop-by-Hop options before the forwarding decision */
  if (SIM_UNLIKELY(h.next_header == SIM_IPPROTO_HOPOPTS) && !sim__ip6_hop_by_hop(ip, iface, p, &h))
    return;
  if (SIM_UNLIKELY(ip->filtered) && sim_iface_index(iface) < ip->filtered->len &&
      g_array_index(ip->filtered, uint8_t, sim_iface_index(iface)) &&
      !ip->filter_fn(ip, iface, p, &h, ip->filter_data))
    return;
  unsigned k = iface_tindex(ip, iface);
  SimFib *fib = fib_at(ip, k);
  uint32_t v = cached_lookup(ip, k, fib, &h.dst);
  if (v == NH_LOCAL || is_all_nodes(&h.dst)) {
    /* one of our addresses, or all-nodes ff02::1 */
    deliver(ip, iface, p, &h);
    return;
  }
  if (SIM_UNLIKELY(NH_IS_SID(v)) && ip->sid_fn) {
    /* a local SID: its behaviour decides (RFC 8986 §4) */
    ip->sid_fn(ip, iface, p, &h, v - NH_SID_BASE, ip->route_data);
    return;
  }
  if (SIM_UNLIKELY(!sim_node_is_forwarding(node))) {
    sim_node_drop(node, iface, p, SIM_DROP_NOT_FORWARDING);
    return;
  }
  if (SIM_UNLIKELY(sim_ip6_addr_is_multicast(&h.dst))) {
    sim_node_drop(node, iface, p, SIM_DROP_NO_ROUTE); /* no multicast routing */
    return;
  }
  forward(ip, iface, p, &h, k, v, SIM_IP6_FWD_HOP_LIMIT);
}

void
sim_ip6_forward(SimIp6 *ip, SimIface *iface, SimPacket *p, uint32_t table, unsigned flags)
{
  SimIp6Header h;
  if (SIM_UNLIKELY(!sim_ip6_header_read(sim__packet_data(p), sim__packet_real_length(p), &h))) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  int k = table_index(ip, table);
  if (SIM_UNLIKELY(k < 0)) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_NO_ROUTE);
    return;
  }
  if (SIM_UNLIKELY(ip->depth >= IP6_MAX_RESUBMIT)) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_LOOP);
    return;
  }
  ip->depth++;
  uint32_t v = k == 0 ? SIM_FIB_NONE : sim_fib_lookup(fib_at(ip, (unsigned)k), &h.dst, NULL);
  if (k != 0 && v == SIM_FIB_NONE)
    v = NH_UNREACHABLE; /* VRFs have no resolver */
  forward(ip, iface, p, &h, (unsigned)k, v, flags);
  ip->depth--;
}

void
sim__ip6_forward_cached(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h,
                        uint32_t table, unsigned flags, Ip6RouteCache *c)
{
  int k = table_index(ip, table);
  if (SIM_UNLIKELY(k < 0 || ip->depth >= IP6_MAX_RESUBMIT)) {
    sim_node_drop(ip->node, iface, p, k < 0 ? SIM_DROP_NO_ROUTE : SIM_DROP_LOOP);
    return;
  }
  SimFib *fib = fib_at(ip, (unsigned)k);
  uint32_t v;
  if (c->table == (uint32_t)k + 1 && c->generation == sim__fib_generation(fib) &&
      sim_ip6_addr_equal(&c->dst, &h->dst)) {
    v = c->value;
  } else {
    v = k == 0 ? route_value(ip, &h->dst) : sim_fib_lookup(fib, &h->dst, NULL);
    if (v == SIM_FIB_NONE)
      v = NH_UNREACHABLE;
    c->table = (uint32_t)k + 1;
    c->dst = h->dst;
    c->value = v;
    c->generation = sim__fib_generation(fib);
  }
  ip->depth++;
  forward(ip, iface, p, h, (unsigned)k, v, flags);
  ip->depth--;
}

void
sim_ip6_transmit(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIface *out,
                 const SimIp6Addr *nexthop)
{
  if (SIM_UNLIKELY(sim__packet_length(p) > sim_iface_mtu(out))) {
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_PACKET_TOO_BIG, 0, sim_iface_mtu(out));
    sim_node_drop(ip->node, iface, p, SIM_DROP_TOO_BIG);
    return;
  }
  ip->stats.forwarded++;
  sim__ip6_link_output(ip, out, p, nexthop);
}

/* Forwards @p by the entry @v of table @k (SIM_FIB_NONE: look it up in
 * the main table, with lazy resolution). */
static void
forward(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h, unsigned k, uint32_t v,
        unsigned flags)
{
  SimNode *node = ip->node;
  if (SIM_UNLIKELY(ip->steer) && !(flags & SIM_IP6_FWD_NO_STEER) && v != NH_LOCAL &&
      !NH_IS_SID(v)) {
    /* steering routes come before the table's routes */
    uint32_t id = steer_lookup(ip, k, &h->dst);
    if (id != SIM_FIB_NONE && ip->steer_fn) {
      h->header_length = SIM_IP6_HEADER_LEN;
      h->upper_protocol = h->next_header;
      h->next_header_field = 6;
      ip->steer_fn(ip, iface, p, h, id, ip->route_data);
      return;
    }
  }
  if (v == SIM_FIB_NONE && k == 0)
    v = route_value(ip, &h->dst);
  if (SIM_UNLIKELY(v == SIM_FIB_NONE || v == NH_UNREACHABLE)) {
    /* RFC 4443 §3.1: no route to destination, code 0 */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_DST_UNREACH, 0, 0);
    sim_node_drop(node, iface, p, SIM_DROP_NO_ROUTE);
    return;
  }
  if (SIM_UNLIKELY(v == NH_LOCAL || NH_IS_SID(v))) {
    /* resubmitted to one of our addresses or SIDs */
    if (NH_IS_SID(v) && ip->sid_fn) {
      if (h->next_header == SIM_IPPROTO_HOPOPTS && !sim__ip6_hop_by_hop(ip, iface, p, h))
        return;
      ip->sid_fn(ip, iface, p, h, v - NH_SID_BASE, ip->route_data);
    } else {
      sim_ip6_deliver(ip, iface, p);
    }
    return;
  }
  const Ip6NextHop *nh = &g_array_index(ip->nh, Ip6NextHop, v);
  if (SIM_UNLIKELY(h->hop_limit <= 1) && (flags & SIM_IP6_FWD_HOP_LIMIT)) {
    /* RFC 8200 §3 / RFC 4443 §3.3: Time Exceeded, code 0 */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
    sim_node_drop(node, iface, p, SIM_DROP_HOP_LIMIT);
    return;
  }
  const SimIp6Addr *gw = NULL;
  SimIface *out = nh_pick_gw(ip, nh, nh->n > 1 ? flow_hash(p, h) : 0, &gw);
  if (nh->kind == NH_CONNECTED && !sim_iface_is_multiaccess(out)) {
    /* on-link destination: the peer must own it (the neighbour table of a
     * point-to-point link is its peer's addresses) */
    SimIp6 *peer = sim_ip6_of(sim_iface_node(sim_iface_peer(out)));
    uint32_t pv = peer ? sim_fib_lookup(peer->fib, &h->dst, NULL) : SIM_FIB_NONE;
    if (pv != NH_LOCAL && !NH_IS_SID(pv)) {
      sim_icmp6_error(ip, iface, p, SIM_ICMP6_DST_UNREACH, 3, 0);
      sim_node_drop(node, iface, p, SIM_DROP_ADDRESS_UNREACHABLE);
      return;
    }
  }
  if (SIM_UNLIKELY(sim__packet_length(p) > sim_iface_mtu(out))) {
    if (flags & SIM_IP6_FWD_FRAGMENT) {
      /* this node is the source (an encapsulating headend): it fragments */
      uint32_t mtu = sim_ip6_path_mtu(ip, &h->dst, sim_iface_mtu(out));
      ip->stats.forwarded++;
      sim__ip6_fragment_and_send(ip, out, p, mtu, gw);
      return;
    }
    /* RFC 8200 §5 / RFC 4443 §3.2: Packet Too Big with the next-hop MTU */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_PACKET_TOO_BIG, 0, sim_iface_mtu(out));
    sim_node_drop(node, iface, p, SIM_DROP_TOO_BIG);
    return;
  }
  if (SIM_UNLIKELY(out == iface) && sim_iface_is_multiaccess(out))
    sim__nd_redirect(ip, iface, p, h, gw); /* RFC 4861 §8.2, before the hop limit changes */
  if (flags & SIM_IP6_FWD_HOP_LIMIT) {
    uint8_t *b = sim__packet_data_writable(p);
    b[7] = (uint8_t)(h->hop_limit - 1);
  }
  ip->stats.forwarded++;
  sim__ip6_link_output(ip, out, p, gw);
}

gboolean
sim__ip6_next_hop(SimIp6 *ip, const SimIp6Addr *dst, SimIface **out, SimIp6Addr *gw)
{
  uint32_t v = sim_fib_lookup(ip->fib, dst, NULL);
  if (v == SIM_FIB_NONE || v == NH_LOCAL || v == NH_UNREACHABLE || NH_IS_SID(v))
    return FALSE;
  const Ip6NextHop *nh = &g_array_index(ip->nh, Ip6NextHop, v);
  const SimIp6Addr *g = NULL;
  *out = nh_pick_gw(ip, nh, 0, &g);
  *gw = g ? *g : *dst;
  return TRUE;
}

/* Hands the upper-layer message (at h->header_length) to its protocol. */
static void
dispatch(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  SimNode *node = ip->node;
  ip->stats.delivered++;
  switch (h->upper_protocol) {
  case SIM_IPPROTO_ICMPV6:
    sim_packet_pull(p, h->header_length);
    sim__icmp6_input(ip, iface, p, h);
    return;
  case SIM_IPPROTO_UDP:
    if (ip->udp) {
      sim_packet_pull(p, h->header_length);
      sim__udp_input(ip, iface, p, h);
      return;
    }
    break;
  case SIM_IPPROTO_NONE:
    sim_net_packet_delivered(ip->net, p);
    return;
  default:
    break;
  }
  if (ip->protos) {
    for (guint i = 0; i < ip->protos->len; i++) {
      Ip6Proto *pr = &g_array_index(ip->protos, Ip6Proto, i);
      if (pr->next_header == h->upper_protocol) {
        sim_packet_pull(p, h->header_length);
        pr->fn(ip, iface, p, h, pr->data);
        return;
      }
    }
  }
  if (h->upper_protocol == SIM_IPPROTO_UDP) {
    /* no UDP socket layer on this node: no port can be reached */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_DST_UNREACH, 4, 0);
    sim_node_drop(node, iface, p, SIM_DROP_PORT_UNREACHABLE);
    return;
  }
  /* RFC 8200 §4 / RFC 4443 §3.4: unrecognised Next Header, code 1, the
   * pointer names the field that holds it */
  sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 1, h->next_header_field);
  sim_node_drop(node, iface, p, SIM_DROP_UNKNOWN_NEXT_HEADER);
}

static void
deliver(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h)
{
  for (;;) {
    switch (sim__ip6_chain(ip, iface, p, h)) {
    case SIM_IP6_CHAIN_UPPER:
      dispatch(ip, iface, p, h);
      return;
    case SIM_IP6_CHAIN_FRAGMENT: {
      uint8_t n_ext = h->n_ext;
      SimPacket *whole = sim__ip6_reassemble(ip, iface, p, h);
      if (!whole)
        return;
      /* go on after the unfragmentable part, which was processed with the
       * first fragment */
      p = whole;
      size_t off = h->header_length;
      sim_ip6_header_read(sim__packet_data(p), sim__packet_real_length(p), h);
      h->header_length = (uint16_t)off;
      h->upper_protocol = sim__packet_data(p)[off == SIM_IP6_HEADER_LEN ? 6 : 0];
      if (off > SIM_IP6_HEADER_LEN) {
        /* the Next Header field of the last unfragmentable header */
        size_t o = SIM_IP6_HEADER_LEN, last = 6;
        const uint8_t *b = sim__packet_data(p);
        while (o < off) {
          last = o;
          o += ((size_t)b[o + 1] + 1) * 8;
        }
        h->upper_protocol = b[last];
      }
      h->n_ext = n_ext;
      continue;
    }
    default:
      return;
    }
  }
}
