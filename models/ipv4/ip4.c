/* ip4.c - the minimal IPv4 layer (see ip4.h for its scope).
 *
 * Routes live in SimFibs keyed by the IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, prefix length + 96), one per routing table of the
 * node, at the table's index in the IPv6 layer. FIB values are indices
 * into the route array, or the markers below.
 */
#define G_LOG_DOMAIN "ipesim-ipv4"
#include "config.h"

#include "ip4.h"
#include "simpacket-private.h"
#include "fib.h"
#include "../ipv6/ip6-private.h"

#include <arpa/inet.h>
#include <string.h>

#define V4_LOCAL (SIM_FIB_NONE - 1)
#define V4_STEER_BASE 0xF0000000u
#define V4_IS_STEER(v) ((v) >= V4_STEER_BASE && (v) < V4_LOCAL)

typedef struct {
  uint32_t out; /* interface index */
  uint32_t gw;  /* 0: on-link */
} Ip4Route;

typedef struct {
  uint32_t addr;
  int32_t iface; /* -1: loopback */
  uint8_t len;
  uint32_t k;     /* the table index holding its local and connected entries */
  uint32_t route; /* its connected route, SIM_FIB_NONE if none */
} Ip4Addr;

struct _SimIp4 {
  SimNode *node;
  SimIp6 *ip6;
  GPtrArray *fibs;  /* SimFib * per table index (NULL until used) */
  GPtrArray *steer; /* SimFib * per table index: steering prefixes -> id */
  GArray *routes;   /* Ip4Route */
  GArray *addrs;    /* Ip4Addr */
  SimIp4SteerFunc steer_fn;
  void *steer_data;
  uint16_t next_id;
  unsigned depth;
  uint64_t gen; /* the network's route generation at the last follow_tables() */
  SimIp4Stats stats;
};

/* ---- header ------------------------------------------------------------------------------ */

uint16_t
sim_ip4_header_checksum(const uint8_t *b, size_t len)
{
  return sim_inet_fold(sim_inet_sum(0, b, len));
}

void
sim_ip4_header_write(uint8_t *b, const SimIp4Header *h)
{
  b[0] = 0x45;
  b[1] = h->tos;
  b[2] = (uint8_t)(h->total_length >> 8);
  b[3] = (uint8_t)h->total_length;
  b[4] = (uint8_t)(h->id >> 8);
  b[5] = (uint8_t)h->id;
  b[6] = (uint8_t)(h->frag >> 8);
  b[7] = (uint8_t)h->frag;
  b[8] = h->ttl;
  b[9] = h->protocol;
  b[10] = b[11] = 0;
  for (int i = 0; i < 4; i++) {
    b[12 + i] = (uint8_t)(h->src >> (24 - 8 * i));
    b[16 + i] = (uint8_t)(h->dst >> (24 - 8 * i));
  }
  uint16_t ck = sim_ip4_header_checksum(b, SIM_IP4_HEADER_LEN);
  b[10] = (uint8_t)(ck >> 8);
  b[11] = (uint8_t)ck;
}

static inline uint32_t
get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

gboolean
sim_ip4_header_read(const uint8_t *b, size_t len, SimIp4Header *h)
{
  if (len < SIM_IP4_HEADER_LEN || (b[0] >> 4) != 4)
    return FALSE;
  size_t ihl = (size_t)(b[0] & 0x0f) * 4;
  if (ihl < SIM_IP4_HEADER_LEN || ihl > len)
    return FALSE;
  h->header_length = (uint8_t)ihl;
  h->tos = b[1];
  h->total_length = (uint16_t)((b[2] << 8) | b[3]);
  h->id = (uint16_t)((b[4] << 8) | b[5]);
  h->frag = (uint16_t)((b[6] << 8) | b[7]);
  h->ttl = b[8];
  h->protocol = b[9];
  h->src = get32(b + 12);
  h->dst = get32(b + 16);
  return h->total_length >= ihl;
}

void
sim_ip4_decrement_ttl(uint8_t *b)
{
  /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the word holding the TTL */
  uint16_t m = (uint16_t)((b[8] << 8) | b[9]);
  b[8]--;
  uint16_t m2 = (uint16_t)((b[8] << 8) | b[9]);
  uint32_t sum = (uint16_t) ~((b[10] << 8) | b[11]);
  sum += (uint16_t)~m;
  sum += m2;
  uint16_t ck = sim_inet_fold(sum);
  b[10] = (uint8_t)(ck >> 8);
  b[11] = (uint8_t)ck;
}

/* ---- addresses --------------------------------------------------------------------------- */

gboolean
sim_ip4_addr_parse(const char *text, uint32_t *addr, GError **error)
{
  struct in_addr a;
  if (!text || inet_pton(AF_INET, text, &a) != 1) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s' is not an IPv4 address (expected a.b.c.d)", text ? text : "");
    return FALSE;
  }
  *addr = ntohl(a.s_addr);
  return TRUE;
}

gboolean
sim_ip4_prefix_parse(const char *text, uint32_t *addr, unsigned *len, GError **error)
{
  const char *slash = text ? strchr(text, '/') : NULL;
  if (!slash) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s' is not an IPv4 prefix (expected a.b.c.d/len)", text ? text : "");
    return FALSE;
  }
  g_autofree char *a = g_strndup(text, (gsize)(slash - text));
  char *end = NULL;
  guint64 l = g_ascii_strtoull(slash + 1, &end, 10);
  if (!g_ascii_isdigit(slash[1]) || end == slash + 1 || *end || l > 32 ||
      !sim_ip4_addr_parse(a, addr, NULL)) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s' is not an IPv4 prefix (expected a.b.c.d/len, len 0..32)", text);
    return FALSE;
  }
  uint32_t mask = l == 0 ? 0 : ~UINT32_C(0) << (32 - l);
  if (*addr & ~mask) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "IPv4 prefix '%s' has host bits set", text);
    return FALSE;
  }
  *len = (unsigned)l;
  return TRUE;
}

const char *
sim_ip4_addr_format(uint32_t addr, char buf[SIM_IP4_ADDR_STRLEN])
{
  g_snprintf(buf, SIM_IP4_ADDR_STRLEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
             (addr >> 8) & 0xff, addr & 0xff);
  return buf;
}

SimIp6Addr
sim_ip4_mapped(uint32_t addr)
{
  SimIp6Addr a = { { 0 } };
  a.b[10] = a.b[11] = 0xff;
  a.b[12] = (uint8_t)(addr >> 24);
  a.b[13] = (uint8_t)(addr >> 16);
  a.b[14] = (uint8_t)(addr >> 8);
  a.b[15] = (uint8_t)addr;
  return a;
}

gboolean
sim_ip4_is_mapped(const SimIp6Addr *a)
{
  static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  return memcmp(a->b, pre, 12) == 0;
}

uint32_t
sim_ip4_from_mapped(const SimIp6Addr *a)
{
  return get32(a->b + 12);
}

/* ---- state ------------------------------------------------------------------------------- */

static void
fibs_free(GPtrArray *a)
{
  if (!a)
    return;
  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i])
      sim_fib_free(a->pdata[i]);
  g_ptr_array_unref(a);
}

static void
ip4_free(void *data)
{
  SimIp4 *ip = data;
  fibs_free(ip->fibs);
  fibs_free(ip->steer);
  g_array_unref(ip->routes);
  g_array_unref(ip->addrs);
  g_free(ip);
}

static void ip4_recv(SimNode *node, SimIface *iface, SimPacket *p);

SimIp4 *
sim_ip4_install(SimNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  SimIp4 *ip = sim_node_slot(node, SIM_NODE_SLOT_IP4);
  if (ip)
    return ip;
  SimIp6 *ip6 = sim_ip6_of(node);
  g_return_val_if_fail(ip6 != NULL, NULL);
  ip = g_new0(SimIp4, 1);
  ip->node = node;
  ip->ip6 = ip6;
  ip->fibs = g_ptr_array_new();
  ip->routes = g_array_new(FALSE, FALSE, sizeof(Ip4Route));
  ip->addrs = g_array_new(FALSE, FALSE, sizeof(Ip4Addr));
  ip->next_id = (uint16_t)(sim_node_index(node) * 7919u);
  sim_node_set_slot(node, SIM_NODE_SLOT_IP4, ip, ip4_free);
  sim_node_set_recv4(node, ip4_recv);
  return ip;
}

SimIp4 *
sim_ip4_of(const SimNode *node)
{
  return sim_node_slot(node, SIM_NODE_SLOT_IP4);
}

SimNode *
sim_ip4_node(const SimIp4 *ip)
{
  return ip->node;
}

const SimIp4Stats *
sim_ip4_stats(const SimIp4 *ip)
{
  return &ip->stats;
}

static SimFib *
fib_get(GPtrArray *a, unsigned k, bool create)
{
  if (k >= a->len) {
    if (!create)
      return NULL;
    g_ptr_array_set_size(a, (guint)k + 1);
  }
  if (!a->pdata[k] && create)
    a->pdata[k] = sim_fib_new();
  return a->pdata[k];
}

static gboolean
table_k(SimIp4 *ip, uint32_t table, unsigned *k, GError **error)
{
  int i = sim__ip6_table_index(ip->ip6, table);
  if (i < 0) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: no routing table %u",
                sim_node_name(ip->node), table);
    return FALSE;
  }
  *k = (unsigned)i;
  return TRUE;
}

static void
insert(SimIp4 *ip, unsigned k, uint32_t prefix, unsigned len, uint32_t value)
{
  SimIp6Addr key = sim_ip4_mapped(prefix);
  sim_fib_insert(fib_get(ip->fibs, k, true), &key, 96 + len, value);
  sim_net_routes_changed(sim_node_net(ip->node));
}

/* An interface bound to another table after its addresses were added:
 * sim_ip6_iface_set_table() moves the interface's IPv6 local and
 * connected entries over (and bumps the route generation); the IPv4
 * ones follow here, checked once per generation. */
static void
follow_tables(SimIp4 *ip)
{
  uint64_t gen = sim_net_route_generation(sim_node_net(ip->node));
  if (SIM_LIKELY(gen == ip->gen))
    return;
  ip->gen = gen;
  for (guint i = 0; i < ip->addrs->len; i++) {
    Ip4Addr *e = &g_array_index(ip->addrs, Ip4Addr, i);
    if (e->iface < 0)
      continue;
    unsigned k =
      sim__ip6_iface_table_index(ip->ip6, sim_node_iface(ip->node, (uint32_t)e->iface));
    if (k == e->k)
      continue;
    SimFib *from = fib_get(ip->fibs, e->k, false);
    SimFib *to = fib_get(ip->fibs, k, true);
    SimIp6Addr key = sim_ip4_mapped(e->addr);
    if (from && sim_fib_get(from, &key, 128) == V4_LOCAL)
      sim_fib_remove(from, &key, 128);
    sim_fib_insert(to, &key, 128, V4_LOCAL);
    if (e->route != SIM_FIB_NONE) {
      uint32_t mask = e->len == 0 ? 0 : ~UINT32_C(0) << (32 - e->len);
      SimIp6Addr pfx = sim_ip4_mapped(e->addr & mask);
      if (from && sim_fib_get(from, &pfx, 96u + e->len) == e->route) {
        sim_fib_remove(from, &pfx, 96u + e->len);
        sim_fib_insert(to, &pfx, 96u + e->len, e->route);
      }
    }
    e->k = k;
  }
}

gboolean
sim_ip4_add_address(SimIp4 *ip, SimIface *iface, uint32_t addr, unsigned prefix_len,
                    GError **error)
{
  g_return_val_if_fail(ip != NULL, FALSE);
  follow_tables(ip);
  if (!iface)
    prefix_len = 32;
  if (prefix_len > 32 || addr == 0 || (addr >> 28) >= 14) {
    char b[SIM_IP4_ADDR_STRLEN];
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: %s/%u is not a unicast IPv4 address", sim_node_name(ip->node),
                sim_ip4_addr_format(addr, b), prefix_len);
    return FALSE;
  }
  if (iface && sim_iface_node(iface) != ip->node) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: interface of another node", sim_node_name(ip->node));
    return FALSE;
  }
  unsigned k = sim__ip6_iface_table_index(ip->ip6, iface);
  Ip4Addr e = { addr, iface ? (int32_t)sim_iface_index(iface) : -1, (uint8_t)prefix_len, k,
                SIM_FIB_NONE };
  if (iface && prefix_len < 32) {
    uint32_t mask = prefix_len == 0 ? 0 : ~UINT32_C(0) << (32 - prefix_len);
    Ip4Route r = { sim_iface_index(iface), 0 };
    g_array_append_val(ip->routes, r);
    e.route = ip->routes->len - 1;
    insert(ip, k, addr & mask, prefix_len, e.route);
  }
  g_array_append_val(ip->addrs, e);
  insert(ip, k, addr, 32, V4_LOCAL);
  return TRUE;
}

uint32_t
sim_ip4_iface_address(const SimIp4 *ip, const SimIface *iface)
{
  int32_t want = iface ? (int32_t)sim_iface_index(iface) : -1;
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip4Addr *e = &g_array_index(ip->addrs, Ip4Addr, i);
    if (e->iface == want)
      return e->addr;
  }
  return 0;
}

uint32_t
sim_ip4_primary_address(const SimIp4 *ip)
{
  uint32_t a = sim_ip4_iface_address(ip, NULL);
  if (a || ip->addrs->len == 0)
    return a;
  return g_array_index(ip->addrs, Ip4Addr, 0).addr;
}

gboolean
sim_ip4_is_local(const SimIp4 *ip, uint32_t addr)
{
  for (guint i = 0; i < ip->addrs->len; i++)
    if (g_array_index(ip->addrs, Ip4Addr, i).addr == addr)
      return TRUE;
  return FALSE;
}

gboolean
sim_ip4_route_add(SimIp4 *ip, uint32_t table, uint32_t prefix, unsigned len, SimIface *out,
                  uint32_t gw, GError **error)
{
  unsigned k;
  if (!table_k(ip, table, &k, error))
    return FALSE;
  /* (no shift by 32 - len for a length over 32: that is refused below) */
  uint32_t mask = len == 0 || len > 32 ? 0 : ~UINT32_C(0) << (32 - len);
  if (len > 32 || (prefix & ~mask) || !out || sim_iface_node(out) != ip->node) {
    char b[SIM_IP4_ADDR_STRLEN];
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "node %s: bad IPv4 route %s/%u (a prefix without host bits, an interface of "
                "this node)",
                sim_node_name(ip->node), sim_ip4_addr_format(prefix, b), len);
    return FALSE;
  }
  Ip4Route r = { sim_iface_index(out), gw };
  g_array_append_val(ip->routes, r);
  insert(ip, k, prefix, len, ip->routes->len - 1);
  return TRUE;
}

gboolean
sim_ip4_route_remove(SimIp4 *ip, uint32_t table, uint32_t prefix, unsigned len)
{
  int k = sim__ip6_table_index(ip->ip6, table);
  SimFib *f = k < 0 ? NULL : fib_get(ip->fibs, (unsigned)k, false);
  SimIp6Addr key = sim_ip4_mapped(prefix);
  if (!f || len > 32 || !sim_fib_remove(f, &key, 96 + len))
    return FALSE;
  sim_net_routes_changed(sim_node_net(ip->node));
  return TRUE;
}

void
sim_ip4_set_steer_handler(SimIp4 *ip, SimIp4SteerFunc fn, void *data)
{
  ip->steer_fn = fn;
  ip->steer_data = data;
}

gboolean
sim_ip4_table_add_steering(SimIp4 *ip, uint32_t table, uint32_t prefix, unsigned len,
                           uint32_t id, GError **error)
{
  unsigned k;
  if (!table_k(ip, table, &k, error))
    return FALSE;
  if (len > 32 || id >= V4_LOCAL - V4_STEER_BASE) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX, "node %s: bad IPv4 steering prefix",
                sim_node_name(ip->node));
    return FALSE;
  }
  if (!ip->steer)
    ip->steer = g_ptr_array_new();
  SimIp6Addr key = sim_ip4_mapped(prefix);
  sim_fib_insert(fib_get(ip->steer, k, true), &key, 96 + len, V4_STEER_BASE + id);
  sim_net_routes_changed(sim_node_net(ip->node));
  return TRUE;
}

/* The table entry for @dst in table index @k: a route index, V4_LOCAL,
 * a steering value, or SIM_FIB_NONE. */
static uint32_t
lookup(SimIp4 *ip, unsigned k, uint32_t dst, bool steer)
{
  SimIp6Addr key = sim_ip4_mapped(dst);
  if (steer && ip->steer) {
    SimFib *s = fib_get(ip->steer, k, false);
    uint32_t v = s ? sim_fib_lookup(s, &key, NULL) : SIM_FIB_NONE;
    if (v != SIM_FIB_NONE) {
      /* local addresses stay local */
      SimFib *f = fib_get(ip->fibs, k, false);
      if (!f || sim_fib_lookup(f, &key, NULL) != V4_LOCAL)
        return v;
    }
  }
  SimFib *f = fib_get(ip->fibs, k, false);
  return f ? sim_fib_lookup(f, &key, NULL) : SIM_FIB_NONE;
}

SimIface *
sim_ip4_route_lookup(SimIp4 *ip, uint32_t table, uint32_t dst, uint32_t *gw, gboolean *local)
{
  follow_tables(ip);
  int k = sim__ip6_table_index(ip->ip6, table);
  if (local)
    *local = FALSE;
  if (k < 0)
    return NULL;
  uint32_t v = lookup(ip, (unsigned)k, dst, false);
  if (v == V4_LOCAL) {
    if (local)
      *local = TRUE;
    return NULL;
  }
  if (v == SIM_FIB_NONE || v >= ip->routes->len)
    return NULL;
  const Ip4Route *r = &g_array_index(ip->routes, Ip4Route, v);
  if (gw)
    *gw = r->gw ? r->gw : dst;
  return sim_node_iface(ip->node, r->out);
}

/* ---- output ------------------------------------------------------------------------------ */

void
sim_ip4_transmit(SimIp4 *ip, SimIface *iface, SimPacket *p, SimIface *out, uint32_t gw)
{
  (void)gw;
  if (SIM_UNLIKELY(sim__packet_length(p) > sim_iface_mtu(out))) {
    /* no IPv4 fragmentation here (and no ICMPv4 Fragmentation Needed) */
    sim_node_drop(ip->node, iface, p, SIM_DROP_TOO_BIG);
    return;
  }
  if (!sim_link_is_up(sim_iface_link(out))) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_LINK_DOWN);
    return;
  }
  if (sim_iface_is_ethernet(out)) {
    if (sim_iface_is_multiaccess(out)) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_NO_IPV4); /* no ARP */
      return;
    }
    ip->stats.forwarded += iface != NULL;
    sim_iface_send_ether_type(out, p, sim_iface_mac(sim_iface_peer(out)), SIM_ETHERTYPE_IPV4);
    return;
  }
  ip->stats.forwarded += iface != NULL;
  sim_iface_send(out, p);
}

static void deliver(SimIp4 *ip, SimIface *iface, SimPacket *p, const SimIp4Header *h);

/* Routes @p by table index @k (@v: its entry, already looked up). */
static void
route(SimIp4 *ip, SimIface *iface, SimPacket *p, const SimIp4Header *h, unsigned k, uint32_t v,
      unsigned flags)
{
  if (v == V4_LOCAL || h->dst == 0xffffffffu) {
    deliver(ip, iface, p, h);
    return;
  }
  if (SIM_UNLIKELY(V4_IS_STEER(v))) {
    if (!ip->steer_fn) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_POLICY);
      return;
    }
    ip->steer_fn(ip, iface, p, v - V4_STEER_BASE, ip->steer_data);
    return;
  }
  (void)k;
  if (v == SIM_FIB_NONE || v >= ip->routes->len) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_NO_ROUTE);
    return;
  }
  if (flags & SIM_IP4_FWD_TTL) {
    uint8_t *b = sim__packet_data_writable(p);
    if (b[8] <= 1) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_HOP_LIMIT); /* no ICMPv4 Time Exceeded */
      return;
    }
    sim_ip4_decrement_ttl(b);
  }
  const Ip4Route *r = &g_array_index(ip->routes, Ip4Route, v);
  sim_ip4_transmit(ip, iface, p, sim_node_iface(ip->node, r->out), r->gw ? r->gw : h->dst);
}

void
sim_ip4_output(SimIp4 *ip, SimPacket *p, uint32_t src, uint32_t dst, uint8_t protocol,
               uint8_t ttl, uint8_t tos)
{
  size_t len = sim__packet_length(p) + SIM_IP4_HEADER_LEN;
  if (len > 0xffff) {
    sim_node_drop(ip->node, NULL, p, SIM_DROP_TOO_BIG);
    return;
  }
  follow_tables(ip);
  uint32_t v = lookup(ip, 0, dst, true);
  if (!src) {
    if (v < ip->routes->len)
      src = sim_ip4_iface_address(ip, sim_node_iface(ip->node,
                                                     g_array_index(ip->routes, Ip4Route, v).out));
    if (!src)
      src = sim_ip4_primary_address(ip);
    if (!src) {
      sim_node_drop(ip->node, NULL, p, SIM_DROP_NO_IPV4);
      return;
    }
  }
  SimIp4Header h = { tos, (uint16_t)len, ip->next_id++, 0, ttl ? ttl : SIM_IP4_DEFAULT_TTL,
                     protocol, src, dst, SIM_IP4_HEADER_LEN };
  sim_ip4_header_write(sim__packet_push(p, SIM_IP4_HEADER_LEN), &h);
  ip->stats.sent++;
  ip->depth++;
  route(ip, NULL, p, &h, 0, v, 0);
  ip->depth--;
}

void
sim_ip4_forward(SimIp4 *ip, SimIface *iface, SimPacket *p, uint32_t table, unsigned flags)
{
  SimIp4Header h;
  const uint8_t *b = sim__packet_data(p);
  if (SIM_UNLIKELY(!sim_ip4_header_read(b, sim__packet_real_length(p), &h))) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  /* a decapsulated packet gets the checks of a received one */
  if (SIM_UNLIKELY(sim_ip4_header_checksum(b, h.header_length) != 0)) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_CHECKSUM);
    return;
  }
  size_t total = sim__packet_length(p);
  if (SIM_UNLIKELY(h.total_length != total)) {
    if (h.total_length > total) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_LENGTH);
      return;
    }
    sim_packet_trim(p, total - h.total_length);
  }
  follow_tables(ip);
  int k = sim__ip6_table_index(ip->ip6, table);
  if (SIM_UNLIKELY(k < 0 || ip->depth >= 32)) {
    sim_node_drop(ip->node, iface, p, k < 0 ? SIM_DROP_NO_ROUTE : SIM_DROP_LOOP);
    return;
  }
  ip->depth++;
  uint32_t v = lookup(ip, (unsigned)k, h.dst, !(flags & SIM_IP4_FWD_NO_STEER));
  if (v == V4_LOCAL || h.dst == 0xffffffffu || sim_node_is_forwarding(ip->node))
    route(ip, iface, p, &h, (unsigned)k, v, flags);
  else
    sim_node_drop(ip->node, iface, p, SIM_DROP_NOT_FORWARDING);
  ip->depth--;
}

/* ---- input ------------------------------------------------------------------------------- */

/* RFC 792: an echo request is answered with an echo reply carrying the
 * same identifier, sequence and data. */
static void
icmp_input(SimIp4 *ip, SimIface *iface, SimPacket *p, const SimIp4Header *h)
{
  size_t real = sim__packet_real_length(p);
  const uint8_t *b = sim__packet_data(p);
  if (real < 8 || sim_inet_fold(sim_inet_sum(0, b, real)) != 0) {
    sim_node_drop(ip->node, iface, p, real < 8 ? SIM_DROP_BAD_TRANSPORT : SIM_DROP_BAD_CHECKSUM);
    return;
  }
  if (b[0] == 0 && real >= 16 && ip->ip6->echo_fn) {
    /* an echo reply: to the node's echo handler (the ping application),
     * with the time stamp the request carried */
    uint16_t id = (uint16_t)((b[4] << 8) | b[5]);
    uint16_t seq = (uint16_t)((b[6] << 8) | b[7]);
    uint64_t sent = 0;
    for (int i = 0; i < 8; i++)
      sent = (sent << 8) | b[8 + i];
    SimIp6Addr from = sim_ip4_mapped(h->src);
    ip->ip6->echo_fn(ip->ip6, &from, id, seq, (SimTime)sent, ip->ip6->echo_data);
  }
  if (b[0] != 8 || b[1] != 0 || h->dst == 0xffffffffu) {
    /* replies and errors end here; RFC 1122 §3.2.2.6: a request to the
     * broadcast address is not answered from it (nor at all, here) */
    sim_net_packet_delivered(sim_node_net(ip->node), p);
    return;
  }
  uint8_t *w = sim__packet_data_writable(p);
  w[0] = 0; /* echo reply */
  w[2] = w[3] = 0;
  uint16_t ck = sim_inet_fold(sim_inet_sum(0, w, real));
  w[2] = (uint8_t)(ck >> 8);
  w[3] = (uint8_t)ck;
  sim_ip4_output(ip, p, h->dst, h->src, SIM_IPPROTO_ICMP, 0, 0);
}

static void
deliver(SimIp4 *ip, SimIface *iface, SimPacket *p, const SimIp4Header *h)
{
  if (SIM_UNLIKELY(h->frag & 0x3fff)) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_FRAGMENT); /* no IPv4 reassembly */
    return;
  }
  ip->stats.delivered++;
  sim_packet_pull(p, h->header_length);
  switch (h->protocol) {
  case SIM_IPPROTO_UDP: {
    SimIp6Header h6 = { 0 };
    h6.traffic_class = h->tos;
    h6.payload_length = (uint16_t)(h->total_length - h->header_length);
    h6.next_header = SIM_IPPROTO_UDP;
    h6.hop_limit = h->ttl;
    h6.src = sim_ip4_mapped(h->src);
    h6.dst = sim_ip4_mapped(h->dst);
    h6.header_length = h->header_length;
    h6.upper_protocol = SIM_IPPROTO_UDP;
    sim__udp_input4(ip->ip6, iface, p, &h6);
    return;
  }
  case SIM_IPPROTO_ICMP:
    icmp_input(ip, iface, p, h);
    return;
  default:
    /* no ICMPv4 Protocol Unreachable */
    sim_node_drop(ip->node, iface, p, SIM_DROP_UNKNOWN_NEXT_HEADER);
    return;
  }
}

static void
ip4_recv(SimNode *node, SimIface *iface, SimPacket *p)
{
  SimIp4 *ip = sim_node_slot(node, SIM_NODE_SLOT_IP4);
  ip->stats.rx++;
  SimIp4Header h;
  const uint8_t *b = sim__packet_data(p);
  if (SIM_UNLIKELY(!sim_ip4_header_read(b, sim__packet_real_length(p), &h))) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_HEADER);
    return;
  }
  if (SIM_UNLIKELY(sim_ip4_header_checksum(b, h.header_length) != 0)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_CHECKSUM);
    return;
  }
  size_t total = sim__packet_length(p);
  if (SIM_UNLIKELY(h.total_length != total)) {
    if (h.total_length > total) {
      sim_node_drop(node, iface, p, SIM_DROP_BAD_LENGTH);
      return;
    }
    sim_packet_trim(p, total - h.total_length); /* link-layer padding */
  }
  follow_tables(ip);
  unsigned k = sim__ip6_iface_table_index(ip->ip6, iface);
  uint32_t v = lookup(ip, k, h.dst, true);
  if (v != V4_LOCAL && h.dst != 0xffffffffu && !V4_IS_STEER(v) &&
      SIM_UNLIKELY(!sim_node_is_forwarding(node))) {
    sim_node_drop(node, iface, p, SIM_DROP_NOT_FORWARDING);
    return;
  }
  route(ip, iface, p, &h, k, v, SIM_IP4_FWD_TTL);
}
