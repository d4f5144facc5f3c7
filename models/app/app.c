/* app.c - traffic sources, UDP sinks with per-flow statistics, ping.
 *
 * Every source and ping is an entity: its timers are its own events and
 * its random stream (Poisson gaps, on/off periods) is keyed by its id, so
 * adding a flow never changes the packets of another. Payloads are
 * virtual (a length only); the flow id, sequence number and send time
 * travel in the packet metadata, not in the bytes.
 *
 * The flow table lives in the network's SIM_NET_SLOT_FLOWS; sinks are
 * shared per (node, port) and find a packet's flow by its flow id.
 */
#define G_LOG_DOMAIN "ipesim-app"
#include "config.h"

#include "app.h"
#include "app-private.h"
#include "simpacket-private.h"
#include "udp.h"
#include "ip4.h"

#include <math.h>
#include <string.h>

typedef struct {
  GPtrArray *flows; /* SimFlow*, owned, in creation order */
  GPtrArray *by_id; /* SimFlow* at flow id - 1 (NULL for ids of other owners) */
  GPtrArray *pings; /* SimPing*, owned */
  GHashTable *sinks; /* (node index << 16 | port) -> Sink*, owned */
  GHashTable *names; /* flow and ping names */
  unsigned histogram_bits;
} FlowTable;

typedef struct {
  SimUdpSocket *sock;
  SimNet *net;
  uint64_t unknown; /* datagrams of no known flow */
} Sink;

struct _SimFlow {
  SimEntity ent;
  SimNet *net;
  char *name;
  char *app; /* "cbr", ... or the external application's type */
  uint64_t id;
  SimNode *src, *dst;
  SimIp6Addr dst_addr;
  bool dst_lazy; /* the destination autoconfigures: address taken at each send */
  SimTrafficConfig cfg;
  SimUdpSocket *sock;
  SimRng rng;
  double interval_ps;
  uint64_t k;       /* packets sent (sequence of the next one) */
  SimTime burst_start; /* on/off: start of the current on period */
  uint64_t burst_k;    /* packets sent in the current on period */
  SimTime on_end;      /* on/off: end of the current on period */
  uint64_t max_seq;
  SimTime last_transit;
  uint32_t pmtu_known; /* parallel runs: the source's path MTU, from its rank (0: ask) */
  SimFlowStats stats;
};

struct _SimPing {
  SimEntity ent;
  SimNet *net;
  char *name;
  uint16_t id;
  SimNode *src, *dst;
  SimIp6Addr dst_addr;
  SimPingConfig cfg;
  uint32_t seq;
  SimPingStats stats;
};

static const char *const traffic_names[SIM_TRAFFIC_N] = {
  [SIM_TRAFFIC_CBR] = "cbr",
  [SIM_TRAFFIC_POISSON] = "poisson",
  [SIM_TRAFFIC_ONOFF] = "onoff",
};

const char *
sim_traffic_kind_name(SimTrafficKind kind)
{
  g_return_val_if_fail(kind < SIM_TRAFFIC_N, NULL);
  return traffic_names[kind];
}

void
sim_traffic_config_init(SimTrafficConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->kind = SIM_TRAFFIC_CBR;
  cfg->pps = 1000;
  cfg->size = 1000;
  cfg->stop = SIM_TIME_MAX;
  cfg->port = 9;
}

static void
flow_free(void *data)
{
  SimFlow *f = data;
  sim_histogram_free(f->stats.delay);
  g_free(f->name);
  g_free(f->app);
  g_free(f);
}

static void
ping_free(void *data)
{
  SimPing *p = data;
  sim_histogram_free(p->stats.rtt);
  g_free(p->name);
  g_free(p);
}

static void
table_free(void *data)
{
  FlowTable *t = data;
  g_ptr_array_unref(t->by_id);
  g_ptr_array_unref(t->flows);
  g_ptr_array_unref(t->pings);
  g_hash_table_unref(t->sinks);
  g_hash_table_unref(t->names);
  g_free(t);
}

static FlowTable *
table_of(SimNet *net)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  if (!t) {
    t = g_new0(FlowTable, 1);
    t->flows = g_ptr_array_new_with_free_func(flow_free);
    t->by_id = g_ptr_array_new();
    t->pings = g_ptr_array_new_with_free_func(ping_free);
    t->sinks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    t->names = g_hash_table_new(g_str_hash, g_str_equal);
    t->histogram_bits = 7;
    sim_net_set_slot(net, SIM_NET_SLOT_FLOWS, t, table_free);
  }
  return t;
}

/* ---- sink --------------------------------------------------------------------- */

static void
sink_recv(SimUdpSocket *sock, SimPacket *p, const SimIp6Addr *src, uint16_t sport,
          const SimIp6Header *h, void *data)
{
  (void)sock;
  (void)src;
  (void)sport;
  (void)h;
  Sink *sink = data;
  FlowTable *t = table_of(sink->net);
  const SimPacketMeta *m = sim__packet_meta_const(p);
  SimFlow *f = NULL;
  if (m->flow_id >= 1 && m->flow_id <= t->by_id->len)
    f = t->by_id->pdata[m->flow_id - 1];
  if (!f) {
    sink->unknown++;
    sim_net_packet_delivered(sink->net, p);
    return;
  }
  SimTime now = sim_now(sim_net_context(sink->net));
  SimFlowStats *st = &f->stats;
  SimTime transit = now - m->created;
  if (st->rx_packets == 0) {
    st->first_rx = now;
  } else {
    /* RFC 3550 §6.4.1: D = difference of transit times of consecutive
     * arrivals, J += (|D| - J) / 16 */
    double d = fabs((double)(transit - f->last_transit));
    st->jitter_ps += (d - st->jitter_ps) / 16.0;
  }
  f->last_transit = transit;
  st->rx_packets++;
  st->rx_bytes += sim__packet_length(p);
  st->last_rx = now;
  sim_histogram_add(st->delay, (uint64_t)transit);
  sim_welford_add(&st->delay_stats, (double)transit);
  if (f->cfg.delay_bound > 0 && transit <= f->cfg.delay_bound)
    st->rx_within_bound++;
  if (m->seq + 1 < f->max_seq)
    st->out_of_order++;
  if (m->seq + 1 > f->max_seq)
    f->max_seq = m->seq + 1;
  sim_net_packet_delivered(sink->net, p);
}

static Sink *
sink_get(SimNet *net, SimNode *node, uint16_t port, GError **error)
{
  FlowTable *t = table_of(net);
  gint64 key = ((gint64)sim_node_index(node) << 16) | port;
  Sink *s = g_hash_table_lookup(t->sinks, &key);
  if (s)
    return s;
  SimIp6 *ip = sim_ip6_of(node);
  if (!ip) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "node %s has no IPv6 stack",
                sim_node_name(node));
    return NULL;
  }
  s = g_new0(Sink, 1);
  s->net = net;
  s->sock = sim_udp_bind(ip, port, sink_recv, s, error);
  if (!s->sock) {
    g_free(s);
    return NULL;
  }
  gint64 *k = g_new(gint64, 1);
  *k = key;
  g_hash_table_insert(t->sinks, k, s);
  return s;
}

/* ---- sources ------------------------------------------------------------------- */

static void flow_tick(SimContext *ctx, void *obj, SimEventArg arg);

static SimTime
draw_period(SimFlow *f, SimTime mean)
{
  double m = (double)mean;
  double v;
  if (f->cfg.pareto_shape > 0) {
    /* Pareto with the given mean: xm = mean (a - 1) / a */
    double a = f->cfg.pareto_shape;
    v = sim_rng_pareto(&f->rng, a, m * (a - 1) / a);
  } else {
    v = sim_rng_exponential(&f->rng, m);
  }
  if (v > 9e18)
    v = 9e18;
  return (SimTime)llround(v);
}

static void
flow_send(SimFlow *f, SimTime now)
{
  uint32_t size = f->cfg.size;
  if (f->cfg.fill_pmtu) {
    /* a PMTU-aware sender (RFC 8899): datagrams as large as the path
     * takes, as Packet Too Big messages have taught the source */
    uint32_t pmtu = sim_flow_path_mtu(f);
    uint32_t hdr = (sim_ip4_is_mapped(&f->dst_addr) ? SIM_IP4_HEADER_LEN : SIM_IP6_HEADER_LEN) +
                   SIM_UDP_HEADER_LEN;
    if (pmtu > hdr)
      size = MIN(pmtu, 65535u) - hdr;
  }
  SimPacket *p = sim_packet_new(sim_net_pool(f->net), SIM_PACKET_DEFAULT_HEADROOM, 0, size);
  SimPacketMeta *m = sim__packet_meta(p);
  m->flow_id = f->id;
  m->created = now;
  m->seq = f->k;
  sim_net_packet_created(f->net, p);
  if (f->stats.tx_packets == 0)
    f->stats.first_tx = now;
  f->stats.tx_packets++;
  f->stats.tx_bytes += size;
  f->stats.last_tx = now;
  f->k++;
  SimIp6SendOpts opts = { f->cfg.hop_limit, f->cfg.traffic_class, f->cfg.flow_label };
  if (f->dst_lazy) {
    const SimIp6Addr *a = sim_ip6_primary_address(sim_ip6_of(f->dst));
    if (!a) {
      sim_node_drop(f->src, NULL, p, SIM_DROP_NO_ROUTE); /* not configured yet */
      return;
    }
    f->dst_addr = *a;
  }
  sim_udp_sendto(f->sock, p, &f->dst_addr, f->cfg.port, &opts);
}

/* Schedules the next tick at @t if the flow still runs then. */
static void
flow_next(SimFlow *f, SimTime t)
{
  if (t >= f->cfg.stop || t >= sim_net_stop_time(f->net) ||
      (f->cfg.max_packets && f->k >= f->cfg.max_packets))
    return;
  sim_schedule_at(sim_net_context(f->net), t, &f->ent, flow_tick, f, SIM_ARG_NONE);
}

static SimTime
cbr_time(SimFlow *f, SimTime base, uint64_t k)
{
  return base + (SimTime)llround((double)k * f->interval_ps);
}

static void
flow_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  SimFlow *f = obj;
  SimTime now = sim_now(ctx);
  switch (f->cfg.kind) {
  case SIM_TRAFFIC_CBR:
    flow_send(f, now);
    flow_next(f, cbr_time(f, f->cfg.start, f->k));
    break;
  case SIM_TRAFFIC_POISSON:
    flow_send(f, now);
    flow_next(f, now + (SimTime)llround(sim_rng_exponential(&f->rng, f->interval_ps)) + 1);
    break;
  case SIM_TRAFFIC_ONOFF:
    if (now >= f->on_end) {
      /* an off period, then a new on period */
      SimTime off = draw_period(f, f->cfg.off_mean);
      f->burst_start = now + off;
      f->on_end = f->burst_start + draw_period(f, f->cfg.on_mean);
      f->burst_k = 0;
      flow_next(f, f->burst_start);
      break;
    }
    flow_send(f, now);
    f->burst_k++;
    {
      SimTime t = cbr_time(f, f->burst_start, f->burst_k);
      flow_next(f, t < f->on_end ? t : f->on_end);
    }
    break;
  default:
    break;
  }
}

/* Checks the endpoints, creates the sink and the flow record with its id;
 * @app names an external application (NULL for a built-in source). */
static SimFlow *
flow_register(SimNet *net, const char *name, SimNode *src, SimNode *dst,
              const SimIp6Addr *dst_addr, const SimTrafficConfig *cfg, const char *app,
              GError **error)
{
  FlowTable *t = table_of(net);
  if (g_hash_table_contains(t->names, name)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_EXISTS, "duplicate flow '%s'", name);
    return NULL;
  }
  SimIp6 *sip = sim_ip6_of(src);
  SimIp6 *dip = sim_ip6_of(dst);
  if (!sip || !dip) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "flow %s: %s has no IPv6 stack",
                name, sim_node_name(sip ? dst : src));
    return NULL;
  }
  bool lazy = false;
  if (!dst_addr)
    dst_addr = sim_ip6_primary_address(dip);
  if (!dst_addr) {
    /* an autoconfiguring host: its address is looked up at each send */
    lazy = true;
  }
  if (!sink_get(net, dst, cfg->port, error))
    return NULL;
  if (!app) {
    /* the source's socket must be possible before anything is registered */
    SimUdpSocket *probe = sim_udp_bind(sip, 0, NULL, NULL, error);
    if (!probe)
      return NULL;
    sim_udp_close(probe);
  }
  SimFlow *f = g_new0(SimFlow, 1);
  f->net = net;
  f->name = g_strdup(name);
  f->app = g_strdup(app ? app : sim_traffic_kind_name(cfg->kind));
  f->src = src;
  f->dst = dst;
  f->dst_lazy = lazy;
  if (!lazy)
    f->dst_addr = *dst_addr;
  f->cfg = *cfg;
  f->interval_ps = 1e12 / cfg->pps;
  f->id = sim_net_flow_id_new(net);
  sim_entity_init(sim_net_context(net), &f->ent);
  sim_rng_init_entity(&f->rng, sim_net_context(net), &f->ent, 0);
  f->stats.delay = sim_histogram_new(cfg->histogram_bits ? cfg->histogram_bits : t->histogram_bits);
  sim_welford_init(&f->stats.delay_stats);
  g_ptr_array_add(t->flows, f);
  if (t->by_id->len < f->id)
    g_ptr_array_set_size(t->by_id, (guint)f->id);
  t->by_id->pdata[f->id - 1] = f;
  g_hash_table_insert(t->names, f->name, f);
  return f;
}

SimFlow *
sim_flow_new(SimNet *net, const char *name, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr,
             const SimTrafficConfig *cfg, GError **error)
{
  g_return_val_if_fail(net && name && src && dst && cfg, NULL);
  if (cfg->kind >= SIM_TRAFFIC_N || !(cfg->pps > 0) || !isfinite(cfg->pps) || cfg->pps > 1e12) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "flow %s: rate must be a positive packet rate", name);
    return NULL;
  }
  if (cfg->kind == SIM_TRAFFIC_ONOFF &&
      (cfg->on_mean <= 0 || cfg->off_mean < 0 || (cfg->pareto_shape != 0 && cfg->pareto_shape <= 1))) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "flow %s: on/off needs on > 0, off >= 0 and a Pareto shape > 1 (or 0)", name);
    return NULL;
  }
  if (cfg->stop <= cfg->start) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "flow %s: stop must be after start",
                name);
    return NULL;
  }
  SimFlow *f = flow_register(net, name, src, dst, dst_addr, cfg, NULL, error);
  if (!f)
    return NULL;
  f->sock = sim_udp_bind(sim_ip6_of(src), 0, NULL, NULL, NULL);
  g_assert(f->sock != NULL); /* registration checked a port is free */
  if (cfg->start_spread > 0) {
    /* a start drawn in [start, start + spread) from the flow's own
     * stream, so that many sources do not send in lockstep */
    f->cfg.start += (SimTime)(sim_rng_uniform(&f->rng) * (double)cfg->start_spread);
  }
  SimTime first = f->cfg.start;
  if (cfg->kind == SIM_TRAFFIC_ONOFF) {
    f->burst_start = f->cfg.start;
    f->on_end = f->cfg.start + draw_period(f, cfg->on_mean);
  }
  if (first >= sim_now(sim_net_context(net)))
    flow_next(f, first);
  return f;
}

SimFlow *
sim_flow_new_external(SimNet *net, const char *name, const char *app, SimNode *src, SimNode *dst,
                      uint16_t port, GError **error)
{
  g_return_val_if_fail(net && name && app && src && dst, NULL);
  SimTrafficConfig cfg;
  sim_traffic_config_init(&cfg);
  cfg.port = port;
  return flow_register(net, name, src, dst, NULL, &cfg, app, error);
}

void
sim_flow_sent(SimFlow *f, SimPacket *p)
{
  SimTime now = sim_now(sim_net_context(f->net));
  SimPacketMeta *m = sim__packet_meta(p);
  m->flow_id = f->id;
  m->created = now;
  m->seq = f->k++;
  if (f->stats.tx_packets == 0)
    f->stats.first_tx = now;
  f->stats.tx_packets++;
  f->stats.tx_bytes += sim__packet_length(p);
  f->stats.last_tx = now;
}

const char *
sim_flow_name(const SimFlow *flow)
{
  return flow->name;
}

const char *
sim_flow_app(const SimFlow *flow)
{
  return flow->app;
}

uint64_t
sim_flow_id(const SimFlow *flow)
{
  return flow->id;
}

SimNode *
sim_flow_src(const SimFlow *flow)
{
  return flow->src;
}

SimNode *
sim_flow_dst(const SimFlow *flow)
{
  return flow->dst;
}

const SimIp6Addr *
sim_flow_dst_address(const SimFlow *flow)
{
  return &flow->dst_addr;
}

uint32_t
sim_flow_path_mtu(const SimFlow *flow)
{
  SimIp6 *ip = sim_ip6_of(flow->src);
  gboolean local = FALSE;
  if (sim_ip4_is_mapped(&flow->dst_addr)) {
    /* IPv4: no Path MTU Discovery here, the first hop's MTU */
    SimIp4 *ip4 = sim_ip4_of(flow->src);
    SimIface *o4 = ip4 ? sim_ip4_route_lookup(ip4, SIM_IP6_TABLE_MAIN,
                                              sim_ip4_from_mapped(&flow->dst_addr), NULL, &local)
                       : NULL;
    return o4 ? sim_iface_mtu(o4) : local ? 65535 : 0;
  }
  if (flow->pmtu_known)
    return flow->pmtu_known;
  SimIface *out = sim_ip6_route_lookup(ip, &flow->dst_addr, 0, &local);
  if (!out)
    return local ? 65535 : 0;
  return sim_ip6_path_mtu(ip, &flow->dst_addr, sim_iface_mtu(out));
}

void
sim_flow_set_delay_bound(SimFlow *flow, SimTime bound)
{
  flow->cfg.delay_bound = bound;
}

void
sim_flow_set_traffic_class(SimFlow *flow, uint8_t traffic_class)
{
  flow->cfg.traffic_class = traffic_class;
}

const SimTrafficConfig *
sim_flow_config(const SimFlow *flow)
{
  return &flow->cfg;
}

const SimFlowStats *
sim_flow_stats(const SimFlow *flow)
{
  return &flow->stats;
}

uint64_t
sim_flow_drops(const SimFlow *flow)
{
  return sim_net_flow_drops(flow->net, flow->id);
}

void
sim_app_set_histogram_bits(SimNet *net, unsigned bits)
{
  g_return_if_fail(bits >= 1 && bits <= 16);
  table_of(net)->histogram_bits = bits;
}

uint32_t
sim_net_n_flows(const SimNet *net)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  return t ? t->flows->len : 0;
}

SimFlow *
sim_net_flow(const SimNet *net, uint32_t index)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  g_return_val_if_fail(t && index < t->flows->len, NULL);
  return t->flows->pdata[index];
}

SimFlow *
sim_net_find_flow(const SimNet *net, const char *name)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  if (!t)
    return NULL;
  for (guint i = 0; i < t->flows->len; i++) {
    SimFlow *f = t->flows->pdata[i];
    if (strcmp(f->name, name) == 0)
      return f;
  }
  return NULL;
}

/* ---- ping ----------------------------------------------------------------------- */

static void ping_tick(SimContext *ctx, void *obj, SimEventArg arg);

static void
echo_reply(SimIp6 *ip, const SimIp6Addr *from, uint16_t id, uint16_t seq, SimTime sent, void *data)
{
  (void)from;
  (void)seq;
  SimNet *net = data;
  FlowTable *t = table_of(net);
  if (id == 0 || id > t->pings->len)
    return;
  SimPing *pg = t->pings->pdata[id - 1];
  if (pg->src != sim_ip6_node(ip))
    return;
  SimTime rtt = sim_now(sim_net_context(net)) - sent;
  pg->stats.received++;
  sim_histogram_add(pg->stats.rtt, (uint64_t)rtt);
  sim_welford_add(&pg->stats.rtt_stats, (double)rtt);
}

static void
ping_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  SimPing *pg = obj;
  SimIp6 *ip = sim_ip6_of(pg->src);
  pg->stats.sent++;
  SimIp6SendOpts o = { pg->cfg.hop_limit, 0, 0, NULL };
  sim_icmp6_echo_request_opts(ip, &pg->dst_addr, pg->id, (uint16_t)pg->seq++, pg->cfg.size, &o);
  SimTime next = sim_now(ctx) + pg->cfg.interval;
  if ((pg->cfg.count == 0 || pg->seq < pg->cfg.count) && next < sim_net_stop_time(pg->net))
    sim_schedule_at(ctx, next, &pg->ent, ping_tick, pg, SIM_ARG_NONE);
}

SimPing *
sim_ping_new(SimNet *net, const char *name, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr,
             const SimPingConfig *cfg, GError **error)
{
  g_return_val_if_fail(net && name && src && dst && cfg, NULL);
  FlowTable *t = table_of(net);
  if (g_hash_table_contains(t->names, name)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_EXISTS, "duplicate flow '%s'", name);
    return NULL;
  }
  if (cfg->interval <= 0 || t->pings->len >= 65535) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "ping %s: interval must be positive", name);
    return NULL;
  }
  SimIp6 *sip = sim_ip6_of(src), *dip = sim_ip6_of(dst);
  if (!sip || !dip) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "ping %s: %s has no IPv6 stack",
                name, sim_node_name(sip ? dst : src));
    return NULL;
  }
  if (!dst_addr)
    dst_addr = sim_ip6_primary_address(dip);
  if (!dst_addr) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "ping %s: node %s has no address",
                name, sim_node_name(dst));
    return NULL;
  }
  SimPing *pg = g_new0(SimPing, 1);
  pg->net = net;
  pg->name = g_strdup(name);
  pg->src = src;
  pg->dst = dst;
  pg->dst_addr = *dst_addr;
  pg->cfg = *cfg;
  if (pg->cfg.size < 8)
    pg->cfg.size = 8;
  g_ptr_array_add(t->pings, pg);
  g_hash_table_insert(t->names, pg->name, pg);
  pg->id = (uint16_t)t->pings->len;
  pg->stats.rtt = sim_histogram_new(t->histogram_bits);
  sim_welford_init(&pg->stats.rtt_stats);
  sim_entity_init(sim_net_context(net), &pg->ent);
  sim_icmp6_set_echo_handler(sip, echo_reply, net);
  if (cfg->start < sim_net_stop_time(net))
    sim_schedule_at(sim_net_context(net), cfg->start, &pg->ent, ping_tick, pg, SIM_ARG_NONE);
  return pg;
}

const char *
sim_ping_name(const SimPing *ping)
{
  return ping->name;
}

SimNode *
sim_ping_src(const SimPing *ping)
{
  return ping->src;
}

SimNode *
sim_ping_dst(const SimPing *ping)
{
  return ping->dst;
}

const SimPingStats *
sim_ping_stats(const SimPing *ping)
{
  return &ping->stats;
}

uint32_t
sim_net_n_pings(const SimNet *net)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  return t ? t->pings->len : 0;
}

SimPing *
sim_net_ping(const SimNet *net, uint32_t index)
{
  FlowTable *t = sim_net_slot(net, SIM_NET_SLOT_FLOWS);
  g_return_val_if_fail(t && index < t->pings->len, NULL);
  return t->pings->pdata[index];
}

/* ---- parallel runs ---------------------------------------------------------------------------- */

SimEntity *
sim__flow_entity(SimFlow *flow)
{
  return &flow->ent;
}

SimEntity *
sim__ping_entity(SimPing *ping)
{
  return &ping->ent;
}

typedef struct {
  uint64_t tx_packets, tx_bytes;
  SimTime first_tx, last_tx;
  uint32_t pmtu, pad;
} FlowTxWire;

typedef struct {
  uint64_t rx_packets, rx_bytes;
  SimWelford delay_stats;
  double jitter_ps;
  SimTime first_rx, last_rx;
  uint64_t out_of_order, rx_within_bound;
} FlowRxWire;

typedef struct {
  uint64_t sent, received;
  SimWelford rtt_stats;
} PingWire;

void
sim__flow_pack_tx(const SimFlow *flow, GByteArray *out)
{
  const SimFlowStats *st = &flow->stats;
  FlowTxWire w = { st->tx_packets, st->tx_bytes, st->first_tx, st->last_tx,
                   sim_flow_path_mtu(flow), 0 };
  g_byte_array_append(out, (const guint8 *)&w, sizeof w);
}

size_t
sim__flow_unpack_tx(SimFlow *flow, const uint8_t *data, size_t len)
{
  FlowTxWire w;
  if (len < sizeof w)
    return 0;
  memcpy(&w, data, sizeof w);
  SimFlowStats *st = &flow->stats;
  st->tx_packets = w.tx_packets;
  st->tx_bytes = w.tx_bytes;
  st->first_tx = w.first_tx;
  st->last_tx = w.last_tx;
  flow->pmtu_known = w.pmtu;
  return sizeof w;
}

void
sim__flow_pack_rx(const SimFlow *flow, GByteArray *out)
{
  const SimFlowStats *st = &flow->stats;
  FlowRxWire w = { st->rx_packets, st->rx_bytes,   st->delay_stats,  st->jitter_ps,
                   st->first_rx,   st->last_rx,    st->out_of_order, st->rx_within_bound };
  g_byte_array_append(out, (const guint8 *)&w, sizeof w);
  sim_histogram_serialize(st->delay, out);
}

size_t
sim__flow_unpack_rx(SimFlow *flow, const uint8_t *data, size_t len)
{
  FlowRxWire w;
  if (len < sizeof w)
    return 0;
  memcpy(&w, data, sizeof w);
  SimFlowStats *st = &flow->stats;
  st->rx_packets = w.rx_packets;
  st->rx_bytes = w.rx_bytes;
  st->delay_stats = w.delay_stats;
  st->jitter_ps = w.jitter_ps;
  st->first_rx = w.first_rx;
  st->last_rx = w.last_rx;
  st->out_of_order = w.out_of_order;
  st->rx_within_bound = w.rx_within_bound;
  sim_histogram_reset(st->delay);
  size_t h = sim_histogram_merge_serialized(st->delay, data + sizeof w, len - sizeof w);
  return h ? sizeof w + h : 0;
}

void
sim__ping_pack(const SimPing *ping, GByteArray *out)
{
  PingWire w = { ping->stats.sent, ping->stats.received, ping->stats.rtt_stats };
  g_byte_array_append(out, (const guint8 *)&w, sizeof w);
  sim_histogram_serialize(ping->stats.rtt, out);
}

size_t
sim__ping_unpack(SimPing *ping, const uint8_t *data, size_t len)
{
  PingWire w;
  if (len < sizeof w)
    return 0;
  memcpy(&w, data, sizeof w);
  ping->stats.sent = w.sent;
  ping->stats.received = w.received;
  ping->stats.rtt_stats = w.rtt_stats;
  sim_histogram_reset(ping->stats.rtt);
  size_t h = sim_histogram_merge_serialized(ping->stats.rtt, data + sizeof w, len - sizeof w);
  return h ? sizeof w + h : 0;
}
