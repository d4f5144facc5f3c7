/* nd.c - Neighbor Discovery for IPv6 (RFC 4861): address resolution and
 * neighbour unreachability detection on multi-access links.
 *
 * Neighbour cache: one entry per (interface, address), in the states of
 * RFC 4861 §7.3.2 with its timers (Appendix C):
 *   INCOMPLETE  multicast NS every RetransTimer, up to
 *               MAX_MULTICAST_SOLICIT; packets wait in a bounded queue
 *               (nd_queue_full beyond it); on failure they are dropped as
 *               address_unreachable with Destination Unreachable code 3
 *               (§7.2.2);
 *   REACHABLE   for ReachableTime (BaseReachableTime x uniform[0.5, 1.5],
 *               §6.3.2), then STALE;
 *   STALE       the first packet sent moves it to DELAY;
 *   DELAY       DELAY_FIRST_PROBE_TIME, then PROBE (no upper-layer
 *               confirmation exists for UDP);
 *   PROBE       unicast NS every RetransTimer, up to MAX_UNICAST_SOLICIT,
 *               then the entry is deleted.
 * NS and NA are built with real bytes and options (source/target
 * link-layer address), sent with hop limit 255; received ones are
 * validated per §7.1.1 and §7.1.2 (hop limit 255, code 0, lengths,
 * option lengths, target not multicast, DAD rules) and dropped as bad_nd
 * otherwise. NA processing follows §7.2.5 (S and O flags).
 */
#define G_LOG_DOMAIN "ipesim-nd"
#include "config.h"

#include "nd-private.h"
#include "simpacket-private.h"

#include <string.h>

static guint
nd_hash(gconstpointer k)
{
  const NdKey *key = k;
  uint64_t h = sim_ip6_addr_lo(&key->addr) * UINT64_C(0x9e3779b97f4a7c15) ^
               sim_ip6_addr_hi(&key->addr) ^ key->iface;
  h ^= h >> 29;
  return (guint)(h * UINT64_C(0xbf58476d1ce4e5b9) >> 32);
}

static gboolean
nd_equal(gconstpointer a, gconstpointer b)
{
  const NdKey *x = a, *y = b;
  return x->iface == y->iface && sim_ip6_addr_equal(&x->addr, &y->addr);
}

void
sim_nd_config_init(SimNdConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->retrans_timer = SIM_S(1);
  cfg->base_reachable_time = SIM_S(30);
  cfg->delay_first_probe = SIM_S(5);
  cfg->max_multicast_solicit = 3;
  cfg->max_unicast_solicit = 3;
  cfg->queue_limit = 3;
}

static void
entry_free(void *data)
{
  NdEntry *e = data;
  SimPacket *p = e->q_head;
  while (p) {
    SimPacket *next = sim__packet_next(p);
    sim_packet_free(p);
    p = next;
  }
  g_free(e);
}

void
sim__nd_free(SimNd *nd)
{
  if (!nd)
    return;
  sim__slaac_free(nd->slaac);
  if (nd->adverts) {
    for (guint i = 0; i < nd->adverts->len; i++)
      sim__advert_free(nd->adverts->pdata[i]);
    g_ptr_array_unref(nd->adverts);
  }
  g_hash_table_unref(nd->cache);
  g_free(nd);
}

static SimTime
random_reachable(SimNd *nd)
{
  /* §6.3.2: uniformly between MIN_RANDOM_FACTOR 0.5 and MAX_RANDOM_FACTOR 1.5 */
  double f = 0.5 + sim_rng_uniform(&nd->rng);
  return (SimTime)((double)nd->cfg.base_reachable_time * f);
}

SimNd *
sim_nd_install(SimIp6 *ip, const SimNdConfig *cfg)
{
  if (ip->nd)
    return ip->nd;
  SimNd *nd = g_new0(SimNd, 1);
  nd->ip = ip;
  if (cfg)
    nd->cfg = *cfg;
  else
    sim_nd_config_init(&nd->cfg);
  nd->cache = g_hash_table_new_full(nd_hash, nd_equal, NULL, entry_free);
  SimContext *ctx = sim_net_context(ip->net);
  sim_entity_init(ctx, &nd->ent);
  sim_rng_init_entity(&nd->rng, ctx, &nd->ent, 0);
  nd->reachable_time = random_reachable(nd);
  ip->nd = nd;
  /* listen to all-nodes and to the solicited-node groups of the node's
   * addresses on every multi-access interface */
  for (uint32_t i = 0; i < sim_node_n_ifaces(ip->node); i++) {
    SimIface *ifc = sim_node_iface(ip->node, i);
    if (!sim_iface_is_multiaccess(ifc))
      continue;
    static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    uint8_t mac[6];
    sim_ether_multicast_mac(all_nodes, mac);
    sim_iface_join_mac(ifc, mac);
    for (guint a = 0; a < ip->addrs->len; a++) {
      const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, a);
      if (e->iface == (int32_t)i)
        sim__nd_join_solicited(ip, ifc, &e->addr);
    }
  }
  return nd;
}

SimNd *
sim_nd_of(const SimIp6 *ip)
{
  return ip->nd;
}

const SimNdStats *
sim_nd_stats(const SimNd *nd)
{
  return &nd->stats;
}

void
sim_ip6_solicited_node(const SimIp6Addr *a, SimIp6Addr *group)
{
  /* RFC 4291 §2.7.1: ff02::1:ffXX:XXXX */
  static const uint8_t base[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
  memcpy(group->b, base, 16);
  memcpy(group->b + 13, a->b + 13, 3);
}

void
sim__nd_join_solicited(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *a)
{
  (void)ip;
  SimIp6Addr g;
  sim_ip6_solicited_node(a, &g);
  uint8_t mac[6];
  sim_ether_multicast_mac(g.b, mac);
  sim_iface_join_mac(ifc, mac);
}

/* ---- sending ------------------------------------------------------------------- */

/* An address of @ifc to send ND messages from: link-local first (§4.x:
 * NS/NA/RS use an address of the interface), never an optimistic one
 * (RFC 4429 §3.3). NULL if none is usable. */
const SimIp6Addr *
sim__nd_iface_source(SimIp6 *ip, SimIface *ifc)
{
  const SimIp6Addr *global = NULL;
  int32_t idx = (int32_t)sim_iface_index(ifc);
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (e->iface != idx || (e->state != ADDR_PREFERRED && e->state != ADDR_DEPRECATED))
      continue;
    if (sim_ip6_addr_is_link_local(&e->addr))
      return &e->addr;
    if (!global)
      global = &e->addr;
  }
  return global;
}

/* An optimistic address of @ifc (RFC 4429), link-local first, or NULL. */
static const SimIp6Addr *
optimistic_source(SimIp6 *ip, SimIface *ifc)
{
  const SimIp6Addr *global = NULL;
  int32_t idx = (int32_t)sim_iface_index(ifc);
  for (guint i = 0; i < ip->addrs->len; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (e->iface != idx || e->state != ADDR_OPTIMISTIC)
      continue;
    if (sim_ip6_addr_is_link_local(&e->addr))
      return &e->addr;
    if (!global)
      global = &e->addr;
  }
  return global;
}

/* Sends an ND message: @body (type, code, checksum 0, rest) of @len bytes
 * from @src to @dst out of @ifc, to link-layer @mac, hop limit 255. */
void
sim__nd_send(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *src, const SimIp6Addr *dst,
        const uint8_t *body, size_t len, const uint8_t mac[6])
{
  SimPacket *m = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM, len, 0);
  if (ip->nd)
    ip->nd->stats.bytes_sent += len + SIM_IP6_HEADER_LEN;
  uint8_t *w = sim__packet_data_writable(m);
  memcpy(w, body, len);
  uint16_t ck = sim_ip6_upper_checksum(m, src, dst, SIM_IPPROTO_ICMPV6);
  w[2] = (uint8_t)(ck >> 8);
  w[3] = (uint8_t)ck;
  SimIp6Header h = { 0, 0, (uint16_t)len, SIM_IPPROTO_ICMPV6, 255, *src, *dst, 0, 0, 0, 0 };
  uint8_t *ih = sim__packet_push(m, SIM_IP6_HEADER_LEN);
  sim_ip6_header_write(ih, &h);
  sim__packet_meta(m)->created = sim_now(sim_net_context(ip->net));
  sim_net_packet_created(ip->net, m);
  ip->stats.sent++;
  sim_iface_send_ether(ifc, m, mac);
}

void
sim__nd_put_lla(uint8_t *o, uint8_t type, const uint8_t mac[6])
{
  o[0] = type;
  o[1] = 1;
  memcpy(o + 2, mac, 6);
}

/* NS for @target: to its solicited-node group (multicast) or to @unicast. */
static void
send_ns(SimNd *nd, SimIface *ifc, const SimIp6Addr *target, const uint8_t *unicast_mac,
        const SimIp6Addr *src_override)
{
  SimIp6 *ip = nd->ip;
  static const SimIp6Addr unspecified;
  const SimIp6Addr *src = src_override ? src_override : sim__nd_iface_source(ip, ifc);
  bool optimistic = false;
  if (!src) {
    /* RFC 4429 §3.3 (modifies RFC 4861 §7.2.2): with only optimistic
     * addresses, solicit from one without a source link-layer address
     * option, so that no neighbour's cache is overridden by a possibly
     * duplicate address; the answer comes once DAD has finished */
    src = optimistic_source(ip, ifc);
    optimistic = true;
  }
  if (!src)
    return;
  uint8_t b[32] = { ND_NS, 0 };
  memcpy(b + 8, target->b, 16);
  size_t len = 24;
  if (!optimistic && !sim_ip6_addr_equal(src, &unspecified)) {
    sim__nd_put_lla(b + 24, OPT_SLLA, sim_iface_mac(ifc));
    len = 32;
  }
  SimIp6Addr dst;
  uint8_t mac[6];
  if (unicast_mac) {
    dst = *target;
    memcpy(mac, unicast_mac, 6);
  } else {
    sim_ip6_solicited_node(target, &dst);
    sim_ether_multicast_mac(dst.b, mac);
  }
  nd->stats.ns_sent++;
  sim__nd_send(ip, ifc, src, &dst, b, len, mac);
}

void
sim__nd_send_dad_ns(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *tentative)
{
  static const SimIp6Addr unspecified;
  send_ns(sim_nd_install(ip, NULL), ifc, tentative, NULL, &unspecified);
}

static void
send_na(SimNd *nd, SimIface *ifc, const SimIp6Addr *target, const SimIp6Addr *dst,
        const uint8_t *dst_mac, uint8_t flags)
{
  SimIp6 *ip = nd->ip;
  uint8_t b[32] = { ND_NA, 0 };
  b[4] = flags;
  memcpy(b + 8, target->b, 16);
  sim__nd_put_lla(b + 24, OPT_TLLA, sim_iface_mac(ifc));
  uint8_t mac[6];
  if (dst_mac)
    memcpy(mac, dst_mac, 6);
  else
    sim_ether_multicast_mac(dst->b, mac);
  nd->stats.na_sent++;
  /* §7.2.4: the source is the target when it is ours (it is) */
  sim__nd_send(ip, ifc, target, dst, b, 32, mac);
}

/* ---- the cache --------------------------------------------------------------------- */

static void entry_timer(SimContext *ctx, void *obj, SimEventArg arg);

static void
set_timer(SimNd *nd, NdEntry *e, SimTime delay)
{
  SimContext *ctx = sim_net_context(nd->ip->net);
  sim_cancel(ctx, &e->timer);
  e->timer = sim_schedule(ctx, delay, &nd->ent, entry_timer, nd, SIM_ARG_PTR(e));
}

NdEntry *
sim__nd_lookup_entry(SimNd *nd, uint32_t iface, const SimIp6Addr *addr)
{
  NdKey k = { *addr, iface };
  return g_hash_table_lookup(nd->cache, &k);
}

NdEntry *
sim__nd_create_entry(SimNd *nd, uint32_t iface, const SimIp6Addr *addr, SimNdState state)
{
  NdEntry *e = g_new0(NdEntry, 1);
  e->key.addr = *addr;
  e->key.iface = iface;
  e->state = state;
  e->timer = SIM_EVENT_HANDLE_NONE;
  g_hash_table_insert(nd->cache, &e->key, e);
  return e;
}

static void
remove_entry(SimNd *nd, NdEntry *e)
{
  sim_cancel(sim_net_context(nd->ip->net), &e->timer);
  g_hash_table_remove(nd->cache, &e->key);
}

/* Sends what waits for resolution, in order. */
void
sim__nd_flush_queue(SimNd *nd, NdEntry *e)
{
  SimIface *ifc = sim_node_iface(nd->ip->node, e->key.iface);
  SimPacket *p = e->q_head;
  e->q_head = e->q_tail = NULL;
  e->queued = 0;
  while (p) {
    SimPacket *next = sim__packet_next(p);
    sim__packet_set_next(p, NULL);
    sim_iface_send_ether(ifc, p, e->mac);
    p = next;
  }
}

static void
entry_timer(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  SimNd *nd = obj;
  NdEntry *e = arg.ptr;
  e->timer = SIM_EVENT_HANDLE_NONE;
  SimIface *ifc = sim_node_iface(nd->ip->node, e->key.iface);
  switch (e->state) {
  case SIM_ND_INCOMPLETE:
    if (e->probes < nd->cfg.max_multicast_solicit) {
      e->probes++;
      send_ns(nd, ifc, &e->key.addr, NULL, NULL);
      set_timer(nd, e, nd->cfg.retrans_timer);
      return;
    }
    /* §7.2.2: resolution failed: every queued packet gets Destination
     * Unreachable code 3 (address unreachable) */
    nd->stats.resolution_failures++;
    for (SimPacket *p = e->q_head; p;) {
      SimPacket *next = sim__packet_next(p);
      sim__packet_set_next(p, NULL);
      sim_icmp6_error(nd->ip, NULL, p, SIM_ICMP6_DST_UNREACH, 3, 0);
      sim_node_drop(nd->ip->node, ifc, p, SIM_DROP_ADDRESS_UNREACHABLE);
      p = next;
    }
    e->q_head = e->q_tail = NULL;
    e->queued = 0;
    remove_entry(nd, e);
    return;
  case SIM_ND_REACHABLE:
    e->state = SIM_ND_STALE;
    return;
  case SIM_ND_DELAY:
    e->state = SIM_ND_PROBE;
    e->probes = 1;
    send_ns(nd, ifc, &e->key.addr, e->mac, NULL);
    set_timer(nd, e, nd->cfg.retrans_timer);
    return;
  case SIM_ND_PROBE:
    if (e->probes < nd->cfg.max_unicast_solicit) {
      e->probes++;
      send_ns(nd, ifc, &e->key.addr, e->mac, NULL);
      set_timer(nd, e, nd->cfg.retrans_timer);
      return;
    }
    nd->stats.unreachable_detected++;
    remove_entry(nd, e);
    return;
  default:
    return;
  }
}

void
sim__nd_output(SimIp6 *ip, SimIface *out, SimPacket *p, const SimIp6Addr *nexthop)
{
  SimNd *nd = sim_nd_install(ip, NULL);
  uint32_t idx = sim_iface_index(out);
  NdEntry *e = sim__nd_lookup_entry(nd, idx, nexthop);
  if (e && e->state != SIM_ND_INCOMPLETE) {
    if (e->state == SIM_ND_STALE) {
      /* §7.3.3: the first packet to a stale neighbour starts the delay */
      e->state = SIM_ND_DELAY;
      set_timer(nd, e, nd->cfg.delay_first_probe);
    }
    sim_iface_send_ether(out, p, e->mac);
    return;
  }
  if (!e) {
    e = sim__nd_create_entry(nd, idx, nexthop, SIM_ND_INCOMPLETE);
    e->probes = 1;
    send_ns(nd, out, nexthop, NULL, NULL);
    set_timer(nd, e, nd->cfg.retrans_timer);
  }
  if (e->queued >= nd->cfg.queue_limit) {
    sim_node_drop(ip->node, out, p, SIM_DROP_ND_QUEUE_FULL);
    return;
  }
  sim__packet_set_next(p, NULL);
  if (e->q_tail)
    sim__packet_set_next(e->q_tail, p);
  else
    e->q_head = p;
  e->q_tail = p;
  e->queued++;
}

gboolean
sim_nd_lookup(const SimIp6 *ip, const SimIface *iface, const SimIp6Addr *addr, SimNdState *state,
              uint8_t mac[6])
{
  if (!ip->nd)
    return FALSE;
  NdEntry *e = sim__nd_lookup_entry(ip->nd, sim_iface_index(iface), addr);
  if (!e)
    return FALSE;
  if (state)
    *state = e->state;
  if (mac)
    memcpy(mac, e->mac, 6);
  return TRUE;
}

void
sim__nd_learn(SimNd *nd, SimIface *iface, const SimIp6Addr *addr, const uint8_t mac[6],
              bool router)
{
  NdEntry *e = sim__nd_lookup_entry(nd, sim_iface_index(iface), addr);
  if (!e) {
    e = sim__nd_create_entry(nd, sim_iface_index(iface), addr, SIM_ND_STALE);
    memcpy(e->mac, mac, 6);
  } else if (memcmp(e->mac, mac, 6) != 0 || e->state == SIM_ND_INCOMPLETE) {
    /* §7.2.3: a new or different link-layer address makes the entry STALE */
    bool was_incomplete = e->state == SIM_ND_INCOMPLETE;
    memcpy(e->mac, mac, 6);
    e->state = SIM_ND_STALE;
    sim_cancel(sim_net_context(nd->ip->net), &e->timer);
    if (was_incomplete)
      sim__nd_flush_queue(nd, e);
  }
  if (router)
    e->router = true;
}

/* ---- receiving ---------------------------------------------------------------------- */

/* Walks the options after @fixed bytes; FALSE if any has length 0 or runs
 * past the message (§7.1.1, §7.1.2, §6.1). Gives the link-layer address
 * option of @want_type, if present. */
bool
sim__nd_parse_options(const uint8_t *b, size_t len, size_t fixed, uint8_t want_type, const uint8_t **lla)
{
  *lla = NULL;
  size_t o = fixed;
  while (o < len) {
    if (o + 2 > len || b[o + 1] == 0 || o + (size_t)b[o + 1] * 8 > len)
      return false;
    if (b[o] == want_type && b[o + 1] == 1)
      *lla = b + o + 2;
    o += (size_t)b[o + 1] * 8;
  }
  return true;
}

static bool
is_solicited_node(const SimIp6Addr *a)
{
  static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
  return memcmp(a->b, prefix, 13) == 0;
}

void
sim__nd_bad(SimIp6 *ip, SimIface *iface, SimPacket *p)
{
  if (ip->nd)
    ip->nd->stats.invalid++;
  sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_ND);
}

Ip6AddrEntry *
sim__ip6_own_address(SimIp6 *ip, const SimIp6Addr *a)
{
  for (guint i = 0; i < ip->addrs->len; i++) {
    Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (sim_ip6_addr_equal(&e->addr, a))
      return e;
  }
  return NULL;
}

static void
ns_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  size_t len = sim__packet_real_length(p);
  SimIp6Addr target;
  const uint8_t *slla;
  if (len < 24 || !sim__nd_parse_options(b, len, 24, OPT_SLLA, &slla)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  memcpy(target.b, b + 8, 16);
  bool from_unspecified = sim_ip6_addr_is_unspecified(&h->src);
  /* §7.1.1: target not multicast; a DAD probe goes to a solicited-node
   * group and carries no source link-layer address */
  if (sim_ip6_addr_is_multicast(&target) ||
      (from_unspecified && (!is_solicited_node(&h->dst) || slla))) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  nd->stats.ns_received++;
  Ip6AddrEntry *mine = sim__ip6_own_address(ip, &target);
  if (!mine) {
    sim_net_packet_delivered(ip->net, p); /* not for us */
    return;
  }
  if (mine->state == ADDR_TENTATIVE || (mine->state == ADDR_OPTIMISTIC && from_unspecified)) {
    if (from_unspecified)
      sim__slaac_duplicate(ip, mine, iface); /* RFC 4862 §5.4.3: another node probes it */
    sim_net_packet_delivered(ip->net, p);
    return;
  }
  /* RFC 4429 §3.3 (modifies RFC 4861 §7.2.4): an optimistic address is
   * advertised with the Override flag clear, so that it cannot displace
   * the entry of a node that owns the address for certain */
  uint8_t override = mine->state == ADDR_OPTIMISTIC ? 0 : NA_OVERRIDE;
  if (from_unspecified) {
    /* §7.2.4: a DAD probe for our address: answer to all-nodes */
    SimIp6Addr all_nodes = { { 0xff, 0x02, [15] = 1 } };
    send_na(nd, iface, &target, &all_nodes, NULL,
            (uint8_t)((sim_node_is_forwarding(ip->node) ? NA_ROUTER : 0) | NA_OVERRIDE));
    sim_net_packet_delivered(ip->net, p);
    return;
  }
  /* §7.2.3: learn the sender, then answer it */
  if (slla)
    sim__nd_learn(nd, iface, &h->src, slla, false);
  uint8_t mac[6];
  const uint8_t *dst_mac = slla;
  if (!dst_mac) {
    SimNdState st;
    if (sim_nd_lookup(ip, iface, &h->src, &st, mac))
      dst_mac = mac;
  }
  if (dst_mac)
    send_na(nd, iface, &target, &h->src, dst_mac,
            (uint8_t)((sim_node_is_forwarding(ip->node) ? NA_ROUTER : 0) | NA_SOLICITED |
                      override));
  sim_net_packet_delivered(ip->net, p);
}

static void
na_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  size_t len = sim__packet_real_length(p);
  SimIp6Addr target;
  const uint8_t *tlla;
  if (len < 24 || !sim__nd_parse_options(b, len, 24, OPT_TLLA, &tlla)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  memcpy(target.b, b + 8, 16);
  uint8_t flags = b[4];
  /* §7.1.2: target not multicast; S must be 0 to a multicast destination */
  if (sim_ip6_addr_is_multicast(&target) ||
      (sim_ip6_addr_is_multicast(&h->dst) && (flags & NA_SOLICITED))) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  nd->stats.na_received++;
  Ip6AddrEntry *mine = sim__ip6_own_address(ip, &target);
  if (mine) {
    if (mine->state == ADDR_TENTATIVE || mine->state == ADDR_OPTIMISTIC)
      sim__slaac_duplicate(ip, mine, iface); /* RFC 4862 §5.4.4, RFC 4429 §3.3 */
    sim_net_packet_delivered(ip->net, p);
    return;
  }
  NdEntry *e = sim__nd_lookup_entry(nd, sim_iface_index(iface), &target);
  if (!e) {
    sim_net_packet_delivered(ip->net, p); /* §7.2.5: silently discarded */
    return;
  }
  bool solicited = flags & NA_SOLICITED, override = flags & NA_OVERRIDE;
  if (e->state == SIM_ND_INCOMPLETE) {
    if (tlla) {
      memcpy(e->mac, tlla, 6);
      e->router = flags & NA_ROUTER;
      e->state = solicited ? SIM_ND_REACHABLE : SIM_ND_STALE;
      e->probes = 0;
      sim_cancel(sim_net_context(ip->net), &e->timer);
      if (solicited)
        set_timer(nd, e, nd->reachable_time);
      sim__nd_flush_queue(nd, e);
    }
  } else {
    bool differs = tlla && memcmp(tlla, e->mac, 6) != 0;
    if (!override && differs) {
      if (e->state == SIM_ND_REACHABLE) {
        e->state = SIM_ND_STALE;
        sim_cancel(sim_net_context(ip->net), &e->timer);
      }
    } else {
      if (tlla)
        memcpy(e->mac, tlla, 6);
      if (solicited) {
        e->state = SIM_ND_REACHABLE;
        e->probes = 0;
        set_timer(nd, e, nd->reachable_time);
      } else if (differs) {
        e->state = SIM_ND_STALE;
        sim_cancel(sim_net_context(ip->net), &e->timer);
      }
      e->router = flags & NA_ROUTER;
    }
  }
  sim_net_packet_delivered(ip->net, p);
}

void
sim__nd_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  /* §6.1 / §7.1: hop limit 255 (not forwarded by a router), code 0 */
  if (h->hop_limit != 255 || b[1] != 0 || !iface) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  switch (b[0]) {
  case ND_NS:
    ns_input(ip, iface, p, h);
    return;
  case ND_NA:
    na_input(ip, iface, p, h);
    return;
  default:
    sim__ra_input(ip, iface, p, h);
    return;
  }
}

/* ---- Redirect (RFC 4861 §8) ------------------------------------------------------------ */

void
sim__nd_redirect(SimIp6 *ip, SimIface *iface, const SimPacket *p, const SimIp6Header *h,
                 const SimIp6Addr *gw)
{
  /* §8.2: only to a source that is a neighbour on this link, only from a
   * link-local address, and rate limited like ICMPv6 errors */
  SimIface *back;
  SimIp6Addr src_hop;
  if (!sim__ip6_next_hop(ip, &h->src, &back, &src_hop) || back != iface ||
      !sim_ip6_addr_equal(&src_hop, &h->src) || sim_ip6_addr_is_multicast(&h->dst))
    return;
  const SimIp6Addr *src = sim__nd_iface_source(ip, iface);
  if (!src || !sim_ip6_addr_is_link_local(src))
    return;
  SimNd *nd = sim_nd_install(ip, NULL);
  SimIp6Addr target = gw ? *gw : h->dst;
  SimNdState st;
  uint8_t b[SIM_IP6_MIN_MTU] = { ND_REDIRECT, 0 };
  memcpy(b + 8, target.b, 16);
  memcpy(b + 24, h->dst.b, 16);
  size_t o = 40;
  uint8_t tmac[6];
  if (sim_nd_lookup(ip, iface, &target, &st, tmac) && st != SIM_ND_INCOMPLETE) {
    sim__nd_put_lla(b + o, OPT_TLLA, tmac);
    o += 8;
  }
  /* Redirected Header: as much of the packet as keeps the whole message
   * within the minimum MTU, in whole 8-byte units */
  size_t room = SIM_IP6_MIN_MTU - SIM_IP6_HEADER_LEN - o - 8;
  size_t quote = MIN(sim__packet_length(p), room) & ~(size_t)7;
  b[o] = OPT_REDIRECTED;
  b[o + 1] = (uint8_t)(1 + quote / 8);
  sim_packet_copy_out(p, 0, quote, b + o + 8);
  o += 8 + quote;
  if (!ip->icmp_rate || ip->icmp_tokens < 1.0) {
    ip->stats.icmp_errors_suppressed++;
    return;
  }
  ip->icmp_tokens -= 1.0;
  nd->stats.redirects_sent++;
  /* to the source's link-layer address, resolved like any unicast */
  SimPacket *m = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM, o, 0);
  uint8_t *w = sim__packet_data_writable(m);
  memcpy(w, b, o);
  uint16_t ck = sim_ip6_upper_checksum(m, src, &h->src, SIM_IPPROTO_ICMPV6);
  w[2] = (uint8_t)(ck >> 8);
  w[3] = (uint8_t)ck;
  SimIp6Header rh = { 0, 0, (uint16_t)o, SIM_IPPROTO_ICMPV6, 255, *src, h->src, 0, 0, 0, 0 };
  sim_ip6_header_write(sim__packet_push(m, SIM_IP6_HEADER_LEN), &rh);
  sim__packet_meta(m)->created = sim_now(sim_net_context(ip->net));
  sim_net_packet_created(ip->net, m);
  nd->stats.bytes_sent += o + SIM_IP6_HEADER_LEN;
  ip->stats.sent++;
  sim__nd_output(ip, iface, m, &h->src);
}

void
sim__nd_redirect_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  size_t len = sim__packet_real_length(p);
  const uint8_t *tlla;
  SimIp6Addr target, dst;
  /* §8.1: link-local source, length >= 40, options sane, destination not
   * multicast, target link-local or the destination itself, and the
   * source is the current first hop towards the destination */
  if (len < 40 || !sim_ip6_addr_is_link_local(&h->src) ||
      !sim__nd_parse_options(b, len, 40, OPT_TLLA, &tlla)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  memcpy(target.b, b + 8, 16);
  memcpy(dst.b, b + 24, 16);
  SimIface *cur_if;
  SimIp6Addr cur_hop;
  if (sim_ip6_addr_is_multicast(&dst) ||
      (!sim_ip6_addr_is_link_local(&target) && !sim_ip6_addr_equal(&target, &dst)) ||
      !sim__ip6_next_hop(ip, &dst, &cur_if, &cur_hop) || cur_if != iface ||
      !sim_ip6_addr_equal(&cur_hop, &h->src)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  nd->stats.redirects_received++;
  /* §8.3: the destination cache: a host route through the target (on-link
   * when the target is the destination) */
  SimIp6Prefix host = { dst, 128 };
  SimIp6Addr via = target;
  if (sim_ip6_addr_equal(&target, &dst))
    memset(via.b, 0, 16);
  sim_ip6_route_add_via(ip, &host, &iface, &via, 1, NULL);
  if (tlla)
    sim__nd_learn(nd, iface, &target, tlla, !sim_ip6_addr_equal(&target, &dst));
  sim_net_packet_delivered(ip->net, p);
}

SimEntity *
sim__nd_entity(SimNd *nd)
{
  return &nd->ent;
}
