/* slaac.c - Router Advertisements (RFC 4861 §6), stateless address
 * autoconfiguration with Duplicate Address Detection (RFC 4862), RDNSS
 * (RFC 8106).
 *
 * Router side: each advertising interface sends unsolicited RAs at
 * uniformly random intervals in [MinRtrAdvInterval, MaxRtrAdvInterval]
 * (the first MAX_INITIAL_RTR_ADVERTISEMENTS = 3 no more than
 * MAX_INITIAL_RTR_ADVERT_INTERVAL = 16 s apart) and answers a Router
 * Solicitation with a multicast RA after a random delay of up to
 * MAX_RA_DELAY_TIME = 0.5 s, never less than MIN_DELAY_BETWEEN_RAS = 3 s
 * after the previous multicast RA (§6.2.4, §6.2.6).
 *
 * Host side (per interface): a link-local address fe80::IID goes through
 * DAD; Router Solicitations follow after a random delay of up to
 * MAX_RTR_SOLICITATION_DELAY = 1 s, up to MAX_RTR_SOLICITATIONS = 3,
 * RTR_SOLICITATION_INTERVAL = 4 s apart, until an RA arrives (§6.3.7).
 * A valid RA (§6.1.2: link-local source, hop limit 255, options sane)
 * updates the default router list (a ::/0 route through the first router,
 * removed when its lifetime ends), the prefix list (on-link routes) and,
 * for autonomous /64 prefixes, creates addresses prefix + IID that are
 * tentative until DAD has sent DupAddrDetectTransmits solicitations one
 * RetransTimer apart without hearing of a duplicate (§5.4); optimistic
 * addresses (RFC 4429) are usable at once. Lifetimes follow §5.5.3 (e),
 * the two-hour rule included. IIDs are modified EUI-64 (RFC 4291 App. A)
 * or RFC 7217 stable: SHA-256(prefix, interface, DAD counter, secret),
 * regenerated with the next counter on a duplicate (IDGEN_RETRIES 3).
 */
#define G_LOG_DOMAIN "ipesim-nd"
#include "config.h"

#include "nd-private.h"
#include "simpacket-private.h"

#include <string.h>

#define MAX_RTR_SOLICITATION_DELAY SIM_S(1)
#define RTR_SOLICITATION_INTERVAL SIM_S(4)
#define MAX_RTR_SOLICITATIONS 3
#define MAX_INITIAL_RTR_ADVERT_INTERVAL SIM_S(16)
#define MAX_INITIAL_RTR_ADVERTISEMENTS 3
#define MAX_RA_DELAY_TIME SIM_MS(500)
#define MIN_DELAY_BETWEEN_RAS SIM_S(3)
#define IDGEN_RETRIES 3
#define TWO_HOURS SIM_S(7200)

static const SimIp6Addr all_nodes = { { 0xff, 0x02, [15] = 1 } };
static const SimIp6Addr all_routers = { { 0xff, 0x02, [15] = 2 } };

/* ---- state ------------------------------------------------------------------------ */

struct _SimAdvert {
  SimNd *nd;
  SimIface *iface;
  SimRaConfig cfg;
  unsigned initial_sent;
  SimTime last_multicast;
  SimEventHandle timer;   /* next unsolicited RA */
  SimEventHandle answer;  /* pending solicited RA */
};

typedef struct {
  SimIp6Addr addr;
  uint32_t iface;
  uint8_t prefix_len;
  unsigned dad_left;   /* solicitations still to send */
  unsigned dad_counter; /* RFC 7217 DAD_Counter */
  SimIp6Addr prefix;   /* the prefix it was formed from (:: for link-local) */
  SimTime valid_until, preferred_until;
  bool is_global;
  SimEventHandle timer;
} Auto;

typedef struct {
  SimIp6Addr router;
  uint32_t iface;
  SimTime expires;
} Router;

typedef struct {
  SimIp6Prefix prefix;
  uint32_t iface;
  SimTime expires;
} OnLink;

typedef struct {
  uint32_t iface;
  unsigned rs_sent;
  bool ra_seen;
  SimTime up_at; /* the interface is down (deaf to RAs) before this */
  SimEventHandle rs_timer;
} HostIface;

struct _SimSlaac {
  SimNd *nd;
  SimSlaacConfig cfg;
  GArray *ifaces;  /* HostIface */
  GPtrArray *autos; /* Auto*, owned */
  GArray *routers; /* Router */
  GArray *onlink;  /* OnLink */
  GArray *dns;     /* SimIp6Addr */
  SimTime first_global;
  SimEventHandle lifetimes; /* next router/prefix expiry check */
};

void
sim_ra_config_init(SimRaConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->min_interval = SIM_S(200);
  cfg->max_interval = SIM_S(600);
  cfg->router_lifetime_s = 1800;
  cfg->valid_lifetime_s = 2592000;
  cfg->preferred_lifetime_s = 604800;
  cfg->cur_hop_limit = 64;
}

void
sim_slaac_config_init(SimSlaacConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->iid = SIM_IID_EUI64;
  cfg->dad_transmits = 1;
}

void
sim__advert_free(SimAdvert *a)
{
  g_free(a);
}

void
sim__slaac_free(SimSlaac *s)
{
  if (!s)
    return;
  g_array_unref(s->ifaces);
  g_ptr_array_unref(s->autos);
  g_array_unref(s->routers);
  g_array_unref(s->onlink);
  g_array_unref(s->dns);
  g_free(s);
}

static SimContext *
ctx_of(SimNd *nd)
{
  return sim_net_context(nd->ip->net);
}

static SimTime
uniform_time(SimNd *nd, SimTime lo, SimTime hi)
{
  if (hi <= lo)
    return lo;
  return lo + (SimTime)sim_rng_below64(&nd->rng, (uint64_t)(hi - lo) + 1);
}

/* ---- router advertisements ------------------------------------------------------------ */

static void
put32(uint8_t *b, uint32_t v)
{
  b[0] = (uint8_t)(v >> 24);
  b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8);
  b[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void
send_ra(SimAdvert *a)
{
  SimNd *nd = a->nd;
  SimIp6 *ip = nd->ip;
  const SimIp6Addr *src = sim__nd_iface_source(ip, a->iface);
  if (!src || !sim_ip6_addr_is_link_local(src))
    return; /* §6.2.2: RAs come from a link-local address */
  uint8_t b[512] = { ND_RA, 0 };
  b[4] = a->cfg.cur_hop_limit;
  b[6] = (uint8_t)(a->cfg.router_lifetime_s >> 8);
  b[7] = (uint8_t)a->cfg.router_lifetime_s;
  size_t o = 16;
  sim__nd_put_lla(b + o, OPT_SLLA, sim_iface_mac(a->iface));
  o += 8;
  if (a->cfg.mtu) {
    b[o] = OPT_MTU;
    b[o + 1] = 1;
    put32(b + o + 4, a->cfg.mtu);
    o += 8;
  }
  int32_t idx = (int32_t)sim_iface_index(a->iface);
  for (guint i = 0; i < ip->addrs->len && o + 32 <= sizeof b - 8 * 7; i++) {
    const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, i);
    if (e->iface != idx || e->prefix_len != 64 || sim_ip6_addr_is_link_local(&e->addr))
      continue;
    SimIp6Addr pfx = e->addr;
    sim_ip6_addr_mask(&pfx, 64);
    b[o] = OPT_PREFIX;
    b[o + 1] = 4;
    b[o + 2] = 64;
    b[o + 3] = 0xc0; /* on-link, autonomous */
    put32(b + o + 4, a->cfg.valid_lifetime_s);
    put32(b + o + 8, a->cfg.preferred_lifetime_s);
    memcpy(b + o + 16, pfx.b, 16);
    o += 32;
  }
  if (a->cfg.n_rdnss) {
    b[o] = OPT_RDNSS;
    b[o + 1] = (uint8_t)(1 + 2 * a->cfg.n_rdnss);
    uint32_t life = a->cfg.rdnss_lifetime_s
                      ? a->cfg.rdnss_lifetime_s
                      : (uint32_t)(2 * sim_time_to_seconds(a->cfg.max_interval));
    put32(b + o + 4, life);
    for (unsigned i = 0; i < a->cfg.n_rdnss; i++)
      memcpy(b + o + 8 + 16 * i, a->cfg.rdnss[i].b, 16);
    o += 8 + 16 * a->cfg.n_rdnss;
  }
  uint8_t mac[6];
  sim_ether_multicast_mac(all_nodes.b, mac);
  nd->stats.ra_sent++;
  a->last_multicast = sim_now(ctx_of(nd));
  sim__nd_send(ip, a->iface, src, &all_nodes, b, o, mac);
}

static void advert_tick(SimContext *ctx, void *obj, SimEventArg arg);

static void
advert_schedule(SimAdvert *a)
{
  SimNd *nd = a->nd;
  SimTime next = uniform_time(nd, a->cfg.min_interval, a->cfg.max_interval);
  if (a->initial_sent < MAX_INITIAL_RTR_ADVERTISEMENTS && next > MAX_INITIAL_RTR_ADVERT_INTERVAL)
    next = MAX_INITIAL_RTR_ADVERT_INTERVAL;
  a->timer = sim_schedule(ctx_of(nd), next, &nd->ent, advert_tick, a, SIM_ARG_NONE);
}

static void
advert_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  (void)arg;
  SimAdvert *a = obj;
  send_ra(a);
  a->initial_sent++;
  advert_schedule(a);
}

static void
advert_answer(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  (void)arg;
  SimAdvert *a = obj;
  a->answer = SIM_EVENT_HANDLE_NONE;
  send_ra(a);
}

gboolean
sim_nd_advertise(SimIp6 *ip, SimIface *iface, const SimRaConfig *cfg, GError **error)
{
  g_return_val_if_fail(ip != NULL && iface != NULL, FALSE);
  if (!sim_node_is_forwarding(ip->node) || !sim_iface_is_multiaccess(iface)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "node %s: only a router advertises, on a multi-access interface",
                sim_node_name(ip->node));
    return FALSE;
  }
  SimRaConfig c;
  if (cfg)
    c = *cfg;
  else
    sim_ra_config_init(&c);
  if (c.min_interval <= 0 || c.max_interval < c.min_interval) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "node %s: RA intervals need 0 < min <= max", sim_node_name(ip->node));
    return FALSE;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  if (!sim__nd_iface_source(ip, iface) ||
      !sim_ip6_addr_is_link_local(sim__nd_iface_source(ip, iface))) {
    /* the router's link-local address: fe80:: + its modified EUI-64 */
    SimIp6Addr ll = { { 0xfe, 0x80 } };
    const uint8_t *mac = sim_iface_mac(iface);
    ll.b[8] = mac[0] ^ 0x02;
    ll.b[9] = mac[1];
    ll.b[10] = mac[2];
    ll.b[11] = 0xff;
    ll.b[12] = 0xfe;
    ll.b[13] = mac[3];
    ll.b[14] = mac[4];
    ll.b[15] = mac[5];
    sim__ip6_add_address_state(ip, iface, &ll, 64, ADDR_PREFERRED);
  }
  /* routers listen to all-routers (for Router Solicitations) */
  uint8_t mac[6];
  sim_ether_multicast_mac(all_routers.b, mac);
  sim_iface_join_mac(iface, mac);
  SimAdvert *a = g_new0(SimAdvert, 1);
  a->nd = nd;
  a->iface = iface;
  a->cfg = c;
  a->last_multicast = -MIN_DELAY_BETWEEN_RAS;
  a->answer = SIM_EVENT_HANDLE_NONE;
  if (!nd->adverts)
    nd->adverts = g_ptr_array_new();
  g_ptr_array_add(nd->adverts, a);
  /* the first one soon after start, with the usual jitter */
  a->timer = sim_schedule(ctx_of(nd), uniform_time(nd, 0, MAX_RA_DELAY_TIME), &nd->ent,
                          advert_tick, a, SIM_ARG_NONE);
  return TRUE;
}

static void
rs_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  size_t len = sim__packet_real_length(p);
  const uint8_t *slla;
  /* §6.1.1: length >= 8, options sane, no SLLA from the unspecified address */
  if (len < 8 || !sim__nd_parse_options(b, len, 8, OPT_SLLA, &slla) ||
      (sim_ip6_addr_is_unspecified(&h->src) && slla)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  nd->stats.rs_received++;
  if (slla)
    sim__nd_learn(nd, iface, &h->src, slla, false);
  for (guint i = 0; nd->adverts && i < nd->adverts->len; i++) {
    SimAdvert *a = nd->adverts->pdata[i];
    if (a->iface != iface || sim_event_is_pending(ctx_of(nd), a->answer))
      continue;
    SimTime now = sim_now(ctx_of(nd));
    SimTime delay = uniform_time(nd, 0, MAX_RA_DELAY_TIME);
    if (now + delay < a->last_multicast + MIN_DELAY_BETWEEN_RAS)
      delay = a->last_multicast + MIN_DELAY_BETWEEN_RAS - now;
    a->answer = sim_schedule(ctx_of(nd), delay, &nd->ent, advert_answer, a, SIM_ARG_NONE);
  }
  sim_net_packet_delivered(ip->net, p);
}

/* ---- hosts --------------------------------------------------------------------------- */

static HostIface *
host_iface(SimSlaac *s, uint32_t iface)
{
  for (guint i = 0; i < s->ifaces->len; i++) {
    HostIface *hi = &g_array_index(s->ifaces, HostIface, i);
    if (hi->iface == iface)
      return hi;
  }
  return NULL;
}

/* The interface identifier for @prefix on @ifc. */
static void
make_iid(SimSlaac *s, SimIface *ifc, const SimIp6Addr *prefix, unsigned counter, uint8_t iid[8])
{
  const uint8_t *mac = sim_iface_mac(ifc);
  if (s->cfg.iid == SIM_IID_EUI64) {
    iid[0] = mac[0] ^ 0x02; /* flip the universal/local bit */
    iid[1] = mac[1];
    iid[2] = mac[2];
    iid[3] = 0xff;
    iid[4] = 0xfe;
    iid[5] = mac[3];
    iid[6] = mac[4];
    iid[7] = mac[5];
    return;
  }
  /* RFC 7217 §5: F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) */
  GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(c, prefix->b, 8);
  g_checksum_update(c, mac, 6);
  uint8_t extra[8] = { (uint8_t)counter, (uint8_t)(counter >> 8), 0, 0,
                       (uint8_t)(s->cfg.secret >> 24), (uint8_t)(s->cfg.secret >> 16),
                       (uint8_t)(s->cfg.secret >> 8), (uint8_t)s->cfg.secret };
  g_checksum_update(c, extra, 8);
  uint8_t digest[32];
  gsize dlen = sizeof digest;
  g_checksum_get_digest(c, digest, &dlen);
  g_checksum_free(c);
  memcpy(iid, digest, 8);
}

static void dad_tick(SimContext *ctx, void *obj, SimEventArg arg);

static Auto *
auto_find(SimSlaac *s, const SimIp6Addr *a)
{
  for (guint i = 0; i < s->autos->len; i++) {
    Auto *x = s->autos->pdata[i];
    if (sim_ip6_addr_equal(&x->addr, a))
      return x;
  }
  return NULL;
}

static void
became_usable(SimSlaac *s, Auto *a)
{
  if (a->is_global && s->first_global == SIM_TIME_INVALID)
    s->first_global = sim_now(ctx_of(s->nd));
}

/* Starts an address: tentative with DAD, or optimistic. */
static void
auto_start(SimSlaac *s, SimIface *ifc, const SimIp6Addr *prefix, bool global, unsigned counter,
           uint32_t valid_s, uint32_t preferred_s, SimTime dad_delay)
{
  SimNd *nd = s->nd;
  uint8_t iid[8];
  make_iid(s, ifc, prefix, counter, iid);
  Auto *a = g_new0(Auto, 1);
  memcpy(a->addr.b, prefix->b, 8);
  memcpy(a->addr.b + 8, iid, 8);
  a->iface = sim_iface_index(ifc);
  a->prefix_len = 64;
  a->prefix = *prefix;
  a->is_global = global;
  a->dad_counter = counter;
  a->dad_left = s->cfg.dad_transmits;
  SimTime now = sim_now(ctx_of(nd));
  a->valid_until = global ? now + SIM_S(valid_s) : SIM_TIME_MAX;
  a->preferred_until = global ? now + SIM_S(preferred_s) : SIM_TIME_MAX;
  a->timer = SIM_EVENT_HANDLE_NONE;
  g_ptr_array_add(s->autos, a);
  /* RFC 4429 §3.1: an optimistic address is usable while DAD runs */
  uint8_t state = a->dad_left == 0 ? ADDR_PREFERRED
                  : s->cfg.optimistic ? ADDR_OPTIMISTIC
                                      : ADDR_TENTATIVE;
  sim__ip6_add_address_state(nd->ip, ifc, &a->addr, 64, state);
  if (state != ADDR_TENTATIVE)
    became_usable(s, a);
  if (a->dad_left)
    a->timer = sim_schedule(ctx_of(nd), dad_delay, &nd->ent, dad_tick, s, SIM_ARG_PTR(a));
}

static void
dad_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  SimSlaac *s = obj;
  Auto *a = arg.ptr;
  a->timer = SIM_EVENT_HANDLE_NONE;
  SimNd *nd = s->nd;
  SimIface *ifc = sim_node_iface(nd->ip->node, a->iface);
  if (a->dad_left > 0) {
    /* §5.4.2: NS from ::, to the solicited-node group, RetransTimer apart */
    a->dad_left--;
    sim__nd_send_dad_ns(nd->ip, ifc, &a->addr);
    a->timer = sim_schedule(ctx_of(nd), nd->cfg.retrans_timer, &nd->ent, dad_tick, s,
                            SIM_ARG_PTR(a));
    return;
  }
  /* no duplicate heard: the address is ours */
  Ip6AddrEntry *e = sim__ip6_own_address(nd->ip, &a->addr);
  if (e && (e->state == ADDR_TENTATIVE || e->state == ADDR_OPTIMISTIC)) {
    bool was_tentative = e->state == ADDR_TENTATIVE;
    sim__ip6_address_set_state(nd->ip, &a->addr,
                               a->preferred_until <= sim_now(ctx) ? ADDR_DEPRECATED
                                                                  : ADDR_PREFERRED);
    if (was_tentative)
      became_usable(s, a);
  }
}

void
sim__slaac_duplicate(SimIp6 *ip, Ip6AddrEntry *entry, SimIface *iface)
{
  SimNd *nd = ip->nd;
  nd->stats.dad_failures++;
  SimIp6Addr addr = entry->addr;
  SimSlaac *s = nd->slaac;
  Auto *a = s ? auto_find(s, &addr) : NULL;
  /* RFC 4862 §5.4.5: the address is not used */
  sim__ip6_address_set_state(ip, &addr, ADDR_DUPLICATE);
  if (!a)
    return;
  sim_cancel(ctx_of(nd), &a->timer);
  if (s->cfg.iid == SIM_IID_STABLE && a->is_global && a->dad_counter < IDGEN_RETRIES) {
    /* RFC 7217 §6: try the next identifier */
    SimIp6Addr prefix = a->prefix;
    unsigned counter = a->dad_counter + 1;
    uint32_t valid = (uint32_t)sim_time_to_seconds(a->valid_until - sim_now(ctx_of(nd)));
    uint32_t pref = (uint32_t)sim_time_to_seconds(a->preferred_until - sim_now(ctx_of(nd)));
    sim__ip6_address_remove(ip, &addr);
    g_ptr_array_remove(s->autos, a);
    auto_start(s, iface, &prefix, true, counter, valid, pref, nd->cfg.retrans_timer);
  }
}

static void rs_tick(SimContext *ctx, void *obj, SimEventArg arg);

static void
rs_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  SimSlaac *s = obj;
  HostIface *hi = host_iface(s, (uint32_t)arg.u64);
  if (!hi || hi->ra_seen || hi->rs_sent >= MAX_RTR_SOLICITATIONS)
    return;
  hi->rs_timer = SIM_EVENT_HANDLE_NONE;
  SimNd *nd = s->nd;
  SimIp6 *ip = nd->ip;
  SimIface *ifc = sim_node_iface(ip->node, hi->iface);
  const SimIp6Addr *src = sim__nd_iface_source(ip, ifc);
  static const SimIp6Addr unspecified;
  uint8_t b[16] = { ND_RS, 0 };
  size_t len = 8;
  if (src) {
    sim__nd_put_lla(b + 8, OPT_SLLA, sim_iface_mac(ifc));
    len = 16;
  } else {
    src = &unspecified; /* §6.3.7: no SLLA from the unspecified address */
  }
  uint8_t mac[6];
  sim_ether_multicast_mac(all_routers.b, mac);
  nd->stats.rs_sent++;
  hi->rs_sent++;
  sim__nd_send(ip, ifc, src, &all_routers, b, len, mac);
  if (hi->rs_sent < MAX_RTR_SOLICITATIONS)
    hi->rs_timer = sim_schedule(ctx, RTR_SOLICITATION_INTERVAL, &nd->ent, rs_tick, s, arg);
}

gboolean
sim_slaac_enable(SimIp6 *ip, SimIface *iface, const SimSlaacConfig *cfg, GError **error)
{
  g_return_val_if_fail(ip != NULL && iface != NULL, FALSE);
  if (!sim_iface_is_multiaccess(iface)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "node %s: autoconfiguration needs a multi-access interface",
                sim_node_name(ip->node));
    return FALSE;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  SimSlaac *s = nd->slaac;
  if (!s) {
    s = g_new0(SimSlaac, 1);
    s->nd = nd;
    if (cfg)
      s->cfg = *cfg;
    else
      sim_slaac_config_init(&s->cfg);
    s->ifaces = g_array_new(FALSE, FALSE, sizeof(HostIface));
    s->autos = g_ptr_array_new_with_free_func(g_free);
    s->routers = g_array_new(FALSE, FALSE, sizeof(Router));
    s->onlink = g_array_new(FALSE, FALSE, sizeof(OnLink));
    s->dns = g_array_new(FALSE, FALSE, sizeof(SimIp6Addr));
    s->first_global = SIM_TIME_INVALID;
    s->lifetimes = SIM_EVENT_HANDLE_NONE;
    nd->slaac = s;
  }
  if (host_iface(s, sim_iface_index(iface)))
    return TRUE;
  HostIface hi = { sim_iface_index(iface), 0, false, 0, SIM_EVENT_HANDLE_NONE };
  /* RFC 4862 §5.4.2: delay the first message by up to 1 s; the link-local
   * address is probed, then RSs follow (§6.3.7) */
  SimTime delay = s->cfg.start + uniform_time(nd, 0, MAX_RTR_SOLICITATION_DELAY);
  hi.up_at = sim_now(ctx_of(nd)) + s->cfg.start;
  SimIp6Addr ll_prefix = { { 0xfe, 0x80 } };
  auto_start(s, iface, &ll_prefix, false, 0, 0, 0, delay);
  SimTime rs_at = delay + (SimTime)s->cfg.dad_transmits * nd->cfg.retrans_timer;
  hi.rs_timer = sim_schedule(ctx_of(nd), rs_at, &nd->ent, rs_tick, s,
                             SIM_ARG_U64(sim_iface_index(iface)));
  g_array_append_val(s->ifaces, hi);
  return TRUE;
}

SimTime
sim_slaac_up_time(const SimIp6 *ip)
{
  if (!ip->nd || !ip->nd->slaac || ip->nd->slaac->ifaces->len == 0)
    return SIM_TIME_INVALID;
  SimTime up = SIM_TIME_MAX;
  for (guint i = 0; i < ip->nd->slaac->ifaces->len; i++)
    up = MIN(up, g_array_index(ip->nd->slaac->ifaces, HostIface, i).up_at);
  return up;
}

SimTime
sim_slaac_first_global(const SimIp6 *ip)
{
  return ip->nd && ip->nd->slaac ? ip->nd->slaac->first_global : SIM_TIME_INVALID;
}

guint
sim_slaac_n_dns(const SimIp6 *ip)
{
  return ip->nd && ip->nd->slaac ? ip->nd->slaac->dns->len : 0;
}

const SimIp6Addr *
sim_slaac_dns(const SimIp6 *ip, guint i)
{
  g_return_val_if_fail(i < sim_slaac_n_dns(ip), NULL);
  return &g_array_index(ip->nd->slaac->dns, SimIp6Addr, i);
}

/* Expiry of default routers and on-link prefixes, and of address
 * lifetimes, checked at the next deadline. */
static void lifetimes_tick(SimContext *ctx, void *obj, SimEventArg arg);

static void
lifetimes_schedule(SimSlaac *s)
{
  SimTime next = SIM_TIME_MAX;
  for (guint i = 0; i < s->routers->len; i++)
    next = MIN(next, g_array_index(s->routers, Router, i).expires);
  for (guint i = 0; i < s->onlink->len; i++)
    next = MIN(next, g_array_index(s->onlink, OnLink, i).expires);
  for (guint i = 0; i < s->autos->len; i++) {
    Auto *a = s->autos->pdata[i];
    Ip6AddrEntry *e = sim__ip6_own_address(s->nd->ip, &a->addr);
    if (e && e->state == ADDR_PREFERRED)
      next = MIN(next, a->preferred_until);
    next = MIN(next, a->valid_until);
  }
  SimContext *ctx = ctx_of(s->nd);
  sim_cancel(ctx, &s->lifetimes);
  if (next < SIM_TIME_MAX)
    s->lifetimes = sim_schedule_at(ctx, MAX(next, sim_now(ctx)), &s->nd->ent, lifetimes_tick, s,
                                   SIM_ARG_NONE);
}

static void
install_default(SimSlaac *s)
{
  SimIp6 *ip = s->nd->ip;
  SimIp6Prefix def = { { { 0 } }, 0 };
  sim_ip6_route_remove(ip, &def);
  if (s->routers->len == 0)
    return;
  Router *r = &g_array_index(s->routers, Router, 0);
  SimIface *out = sim_node_iface(ip->node, r->iface);
  sim_ip6_route_add_via(ip, &def, &out, &r->router, 1, NULL);
}

static void
lifetimes_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  SimSlaac *s = obj;
  s->lifetimes = SIM_EVENT_HANDLE_NONE;
  SimTime now = sim_now(ctx);
  SimIp6 *ip = s->nd->ip;
  bool routers_changed = false;
  for (guint i = s->routers->len; i-- > 0;)
    if (g_array_index(s->routers, Router, i).expires <= now) {
      g_array_remove_index(s->routers, i);
      routers_changed = true;
    }
  if (routers_changed)
    install_default(s);
  for (guint i = s->onlink->len; i-- > 0;) {
    OnLink *o = &g_array_index(s->onlink, OnLink, i);
    if (o->expires <= now) {
      sim_ip6_route_remove(ip, &o->prefix);
      g_array_remove_index(s->onlink, i);
    }
  }
  for (guint i = s->autos->len; i-- > 0;) {
    Auto *a = s->autos->pdata[i];
    if (a->valid_until <= now) {
      sim__ip6_address_remove(ip, &a->addr); /* §5.5.4: invalid */
      g_ptr_array_remove_index(s->autos, i);
    } else if (a->preferred_until <= now) {
      Ip6AddrEntry *e = sim__ip6_own_address(ip, &a->addr);
      if (e && e->state == ADDR_PREFERRED)
        sim__ip6_address_set_state(ip, &a->addr, ADDR_DEPRECATED);
    }
  }
  lifetimes_schedule(s);
}

static void
prefix_option(SimSlaac *s, SimIface *iface, const uint8_t *o)
{
  SimNd *nd = s->nd;
  uint8_t plen = o[2];
  bool onlink = o[3] & 0x80, autonomous = o[3] & 0x40;
  uint32_t valid = get32(o + 4), preferred = get32(o + 8);
  SimIp6Addr prefix;
  memcpy(prefix.b, o + 16, 16);
  /* RFC 4862 §5.5.3 (a)-(c): no link-local prefix, preferred <= valid */
  if (sim_ip6_addr_is_link_local(&prefix) || preferred > valid || plen > 128)
    return;
  sim_ip6_addr_mask(&prefix, plen);
  SimTime now = sim_now(ctx_of(nd));
  SimTime valid_until = valid == 0xffffffffu ? SIM_TIME_MAX : now + SIM_S(valid);
  if (onlink) {
    /* RFC 4861 §6.3.4: the prefix list */
    OnLink *found = NULL;
    for (guint i = 0; i < s->onlink->len; i++) {
      OnLink *x = &g_array_index(s->onlink, OnLink, i);
      if (x->iface == sim_iface_index(iface) && x->prefix.len == plen &&
          sim_ip6_addr_equal(&x->prefix.addr, &prefix))
        found = x;
    }
    if (found) {
      found->expires = valid_until;
    } else if (valid) {
      OnLink x = { { prefix, plen }, sim_iface_index(iface), valid_until };
      g_array_append_val(s->onlink, x);
      SimIp6Addr on_link = { { 0 } };
      sim_ip6_route_add_via(nd->ip, &x.prefix, &iface, &on_link, 1, NULL);
    }
  }
  if (!autonomous || plen != 64)
    return; /* §5.5.3 (d): the IID is 64 bits: only /64 prefixes */
  Auto *have = NULL;
  for (guint i = 0; i < s->autos->len; i++) {
    Auto *a = s->autos->pdata[i];
    if (a->is_global && sim_ip6_addr_match(&a->prefix, &prefix, 64) &&
        a->iface == sim_iface_index(iface))
      have = a;
  }
  if (!have) {
    if (valid == 0)
      return;
    auto_start(s, iface, &prefix, true, 0, valid, preferred, 0);
    return;
  }
  /* §5.5.3 (e): refresh lifetimes, never cutting the remaining valid
   * lifetime below two hours on an unauthenticated RA */
  have->preferred_until = now + SIM_S(preferred);
  SimTime remaining = have->valid_until - now;
  if (SIM_S(valid) > TWO_HOURS || SIM_S(valid) > remaining)
    have->valid_until = valid_until;
  else if (remaining > TWO_HOURS)
    have->valid_until = now + TWO_HOURS;
  Ip6AddrEntry *e = sim__ip6_own_address(nd->ip, &have->addr);
  if (e && e->state == ADDR_DEPRECATED && preferred > 0)
    sim__ip6_address_set_state(nd->ip, &have->addr, ADDR_PREFERRED);
}

static void
ra_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  const uint8_t *b = sim__packet_data(p);
  size_t len = sim__packet_real_length(p);
  const uint8_t *slla;
  /* §6.1.2: link-local source, length >= 16, options sane */
  if (!sim_ip6_addr_is_link_local(&h->src) || len < 16 ||
      !sim__nd_parse_options(b, len, 16, OPT_SLLA, &slla)) {
    sim__nd_bad(ip, iface, p);
    return;
  }
  SimNd *nd = sim_nd_install(ip, NULL);
  nd->stats.ra_received++;
  SimSlaac *s = nd->slaac;
  if (slla)
    sim__nd_learn(nd, iface, &h->src, slla, true);
  HostIface *hi = s ? host_iface(s, sim_iface_index(iface)) : NULL;
  if (!hi || sim_node_is_forwarding(ip->node) || sim_now(ctx_of(nd)) < hi->up_at) {
    sim_net_packet_delivered(ip->net, p); /* routers and other interfaces ignore it */
    return;
  }
  hi->ra_seen = true;
  sim_cancel(ctx_of(nd), &hi->rs_timer);
  SimTime now = sim_now(ctx_of(nd));
  uint16_t lifetime = (uint16_t)((b[6] << 8) | b[7]);
  uint32_t reachable = get32(b + 8), retrans = get32(b + 12);
  if (reachable) {
    nd->cfg.base_reachable_time = SIM_MS(reachable);
    nd->reachable_time = (SimTime)((double)nd->cfg.base_reachable_time *
                                   (0.5 + sim_rng_uniform(&nd->rng)));
  }
  if (retrans)
    nd->cfg.retrans_timer = SIM_MS(retrans);
  /* §6.3.4: the default router list */
  Router *r = NULL;
  guint ri = 0;
  for (guint i = 0; i < s->routers->len; i++) {
    Router *x = &g_array_index(s->routers, Router, i);
    if (x->iface == sim_iface_index(iface) && sim_ip6_addr_equal(&x->router, &h->src)) {
      r = x;
      ri = i;
    }
  }
  if (lifetime && !r) {
    Router x = { h->src, sim_iface_index(iface), now + SIM_S(lifetime) };
    g_array_append_val(s->routers, x);
    if (s->routers->len == 1)
      install_default(s);
  } else if (lifetime) {
    r->expires = now + SIM_S(lifetime);
  } else if (r) {
    g_array_remove_index(s->routers, ri);
    install_default(s);
  }
  for (size_t o = 16; o + 8 <= len; o += (size_t)b[o + 1] * 8) {
    if (b[o] == OPT_PREFIX && b[o + 1] == 4)
      prefix_option(s, iface, b + o);
    else if (b[o] == OPT_MTU && b[o + 1] == 1) {
      uint32_t mtu = get32(b + o + 4);
      /* RFC 4861 §6.3.4: LinkMTU, within the minimum and what the link carries */
      if (mtu >= SIM_IP6_MIN_MTU && mtu <= sim_link_config(sim_iface_link(iface))->mtu)
        sim_iface_set_mtu(iface, mtu);
    } else if (b[o] == OPT_RDNSS && b[o + 1] >= 3 && (b[o + 1] & 1)) {
      /* RFC 8106 §5.1: length 3 + 2 per extra server */
      g_array_set_size(s->dns, 0);
      if (get32(b + o + 4))
        for (size_t k = o + 8; k + 16 <= o + (size_t)b[o + 1] * 8; k += 16) {
          SimIp6Addr a;
          memcpy(a.b, b + k, 16);
          g_array_append_val(s->dns, a);
        }
    }
  }
  lifetimes_schedule(s);
  sim_net_packet_delivered(ip->net, p);
}

void
sim__ra_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  switch (sim__packet_data(p)[0]) {
  case ND_RS:
    if (!sim_node_is_forwarding(ip->node)) {
      sim_net_packet_delivered(ip->net, p); /* §6.2.6: hosts ignore RSs */
      return;
    }
    rs_input(ip, iface, p, h);
    return;
  case ND_RA:
    ra_input(ip, iface, p, h);
    return;
  default:
    if (sim_node_is_forwarding(ip->node)) {
      sim_net_packet_delivered(ip->net, p); /* §8.1: routers ignore Redirects */
      return;
    }
    sim__nd_redirect_input(ip, iface, p, h);
    return;
  }
}
