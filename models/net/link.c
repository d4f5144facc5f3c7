/* link.c - full-duplex point-to-point links and their interfaces.
 *
 * Each direction of a link is driven by the sending interface:
 *  - a packet starts on the wire at once when the line is idle and the
 *    queue empty, else it waits in the interface's qdisc (disciplines
 *    other than drop-tail see it even then: shapers may hold it);
 *  - serialisation lasts ceil(frame bits * 1e12 / rate) ps, frame = packet
 *    + framing overhead; the packet then propagates for the link delay;
 *  - one event per packet marks its arrival at the peer. A transmit-
 *    complete event exists only while packets wait in the queue, so an
 *    idle path costs one event per hop.
 * Packets on the wire sit in a per-direction FIFO (arrivals keep send
 * order: same delay, sequential serialisation), so the arrival event only
 * names the direction and the link epoch. Taking the link down bumps the
 * epoch, drops what is on the wire and in the queues (link_down); stale
 * arrival events then find a newer epoch and do nothing.
 *
 * Loss is decided when the packet starts on the wire, from the sending
 * interface's random stream (Bernoulli, or Gilbert-Elliott with a state
 * per direction), and executed at arrival, so a lost packet still occupies
 * the line and counts as in flight until then.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "net-private.h"
#ifdef IPESIM_WITH_MPI
#include "simpar.h"
#endif
#include "simpacket-private.h"

#include <string.h>

#define WIRE_LOST 1u

static const char *const framing_names[SIM_FRAMING_N] = {
  [SIM_FRAMING_NONE] = "none",
  [SIM_FRAMING_PPP] = "ppp",
  [SIM_FRAMING_ETHERNET] = "ethernet",
};

const char *
sim_framing_name(SimFraming f)
{
  g_return_val_if_fail(f < SIM_FRAMING_N, NULL);
  return framing_names[f];
}

int
sim_framing_from_name(const char *name)
{
  for (int f = 0; f < SIM_FRAMING_N; f++)
    if (g_strcmp0(name, framing_names[f]) == 0)
      return f;
  return -1;
}

uint32_t
sim_framing_overhead(SimFraming f)
{
  switch (f) {
  case SIM_FRAMING_PPP:
    return 2;
  case SIM_FRAMING_ETHERNET:
    return 4 + 8 + 12; /* FCS, preamble + SFD, inter-frame gap (the header is in the frame) */
  default:
    return 0;
  }
}

SimPcapLinkType
sim_framing_pcap_linktype(SimFraming f)
{
  /* PPP's two bytes carry nothing an analysis needs: PPP links are
   * captured as raw IP (IPv6, or IPv4 by its version nibble), which
   * every tool reads. */
  return f == SIM_FRAMING_ETHERNET ? SIM_PCAP_LINK_ETHERNET : SIM_PCAP_LINK_RAW;
}

static void
recv4(SimNode *node, SimIface *rx, SimPacket *p)
{
  if (node->recv4)
    node->recv4(node, rx, p);
  else
    sim_node_drop(node, rx, p, SIM_DROP_NO_IPV4);
}

void
sim_link_config_init(SimLinkConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->rate_bps = UINT64_C(10000000000);
  cfg->delay = SIM_US(10);
  cfg->mtu = 1500;
  cfg->framing = SIM_FRAMING_PPP;
  cfg->queue_packets = 1000;
}

static gboolean
check_prob(double p, const char *what, const char *name, GError **error)
{
  if (p >= 0 && p <= 1)
    return TRUE;
  g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
              "link %s: %s = %g: expected a probability between 0 and 1", name, what, p);
  return FALSE;
}

static gboolean
config_valid(const SimLinkConfig *cfg, const char *name, GError **error)
{
  if (cfg->rate_bps == 0) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: rate must be positive", name);
    return FALSE;
  }
  if (cfg->delay <= 0) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: delay must be positive (nodes interact only through links with "
                "positive delay)",
                name);
    return FALSE;
  }
  if (cfg->mtu < 1280) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: MTU %u is below IPv6's minimum of 1280 (RFC 8200 §5)", name, cfg->mtu);
    return FALSE;
  }
  if (cfg->framing >= SIM_FRAMING_N) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "link %s: unknown framing", name);
    return FALSE;
  }
  if (cfg->queue_packets == 0 && cfg->queue_bytes == 0) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: the queue needs a packet or byte limit", name);
    return FALSE;
  }
  return check_prob(cfg->loss, "loss", name, error) && check_prob(cfg->ge_p, "ge_p", name, error) &&
         check_prob(cfg->ge_r, "ge_r", name, error) &&
         check_prob(cfg->ge_loss_bad, "ge_loss_bad", name, error) &&
         check_prob(cfg->ge_loss_good, "ge_loss_good", name, error);
}

static SimIface *
iface_new(SimLink *link, SimNode *node, unsigned end)
{
  SimNet *net = link->net;
  SimIface *ifc = g_aligned_alloc0(1, sizeof(SimIface), 64);
  sim_entity_init(net->ctx, &ifc->ent);
  ifc->node = node;
  ifc->link = link;
  ifc->index = node->ifaces->len;
  ifc->remote = -1;
  g_snprintf(ifc->name, sizeof ifc->name, "eth%u", ifc->index);
  ifc->rate_bps = link->cfg.rate_bps;
  ifc->delay = link->cfg.delay;
  ifc->mtu = link->cfg.mtu;
  ifc->framing = link->cfg.framing;
  ifc->overhead = sim_framing_overhead(link->cfg.framing);
  ifc->qdisc = sim_qdisc_droptail_new(link->cfg.queue_packets, link->cfg.queue_bytes);
  ifc->qdisc->iface = ifc;
  ifc->up = true;
  ifc->lossy = link->cfg.loss > 0 || link->cfg.ge_p > 0;
  sim_rng_init_entity(&ifc->rng, net->ctx, &ifc->ent, 0);
  /* 02:NN:NN:NN:II:II, locally administered unicast */
  ifc->mac[0] = 0x02;
  ifc->mac[1] = (uint8_t)(node->index >> 16);
  ifc->mac[2] = (uint8_t)(node->index >> 8);
  ifc->mac[3] = (uint8_t)node->index;
  ifc->mac[4] = (uint8_t)(ifc->index >> 8);
  ifc->mac[5] = (uint8_t)ifc->index;
  sim_time_average_init(&ifc->stats.qlen, sim_now(net->ctx), 0);
  g_ptr_array_add(node->ifaces, ifc);
  link->end[end] = ifc;
  return ifc;
}

SimLink *
sim_link_new(SimNet *net, SimNode *a, SimNode *b, const SimLinkConfig *cfg, const char *name,
             GError **error)
{
  g_return_val_if_fail(net != NULL && a != NULL && b != NULL && cfg != NULL, NULL);
  g_autofree char *auto_name = NULL;
  if (!name)
    name = auto_name = g_strdup_printf("%s-%s", a->name, b->name);
  if (a == b) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: both ends on node %s", name, a->name);
    return NULL;
  }
  if (!config_valid(cfg, name, error))
    return NULL;
  if ((a->is_switch || b->is_switch) && cfg->framing != SIM_FRAMING_ETHERNET) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "link %s: a link to switch %s needs Ethernet framing", name,
                a->is_switch ? a->name : b->name);
    return NULL;
  }
  SimLink *link = g_new0(SimLink, 1);
  link->net = net;
  link->index = net->links->len;
  link->name = g_strdup(name);
  link->cfg = *cfg;
  link->up = true;
  sim_entity_init(net->ctx, &link->ent);
  SimIface *ea = iface_new(link, a, 0);
  SimIface *eb = iface_new(link, b, 1);
  ea->peer = eb;
  eb->peer = ea;
  g_ptr_array_add(net->links, link);
  return link;
}

void sim__link_free(SimLink *link);

static void
wire_flush(SimIface *ifc, SimDropReason reason)
{
  SimPacket *p = ifc->wire_head;
  while (p) {
    SimPacket *next = sim__packet_next(p);
    sim__packet_set_next(p, NULL);
    if (reason < SIM_DROP_N)
      sim_node_drop(ifc->peer->node, ifc->peer, p, reason);
    else
      sim_packet_free(p);
    p = next;
  }
  ifc->wire_head = ifc->wire_tail = NULL;
  ifc->wire_count = 0;
}

void
sim__link_free(SimLink *link)
{
  for (int e = 0; e < 2; e++) {
    SimIface *ifc = link->end[e];
    wire_flush(ifc, SIM_DROP_N);
    sim_qdisc_free(ifc->qdisc);
    if (ifc->mcast)
      g_array_unref(ifc->mcast);
    g_aligned_free(ifc);
  }
  g_free(link->name);
  g_free(link);
}

const char *
sim_link_name(const SimLink *link)
{
  return link->name;
}

uint32_t
sim_link_index(const SimLink *link)
{
  return link->index;
}

SimIface *
sim_link_end(const SimLink *link, unsigned end)
{
  g_return_val_if_fail(end < 2, NULL);
  return link->end[end];
}

const SimLinkConfig *
sim_link_config(const SimLink *link)
{
  return &link->cfg;
}

gboolean
sim_link_is_up(const SimLink *link)
{
  return link->up;
}

SimNode *
sim_iface_node(const SimIface *iface)
{
  return iface->node;
}

SimIface *
sim_iface_peer(const SimIface *iface)
{
  return iface->peer;
}

SimLink *
sim_iface_link(const SimIface *iface)
{
  return iface->link;
}

uint32_t
sim_iface_index(const SimIface *iface)
{
  return iface->index;
}

const char *
sim_iface_name(const SimIface *iface)
{
  return iface->name;
}

uint32_t
sim_iface_mtu(const SimIface *iface)
{
  return iface->mtu;
}

void
sim_iface_set_mtu(SimIface *iface, uint32_t mtu)
{
  g_return_if_fail(mtu >= 1280);
  iface->mtu = mtu;
}

uint64_t
sim_iface_rate(const SimIface *iface)
{
  return iface->rate_bps;
}

const SimIfaceStats *
sim_iface_stats(const SimIface *iface)
{
  return &iface->stats;
}

SimTime
sim_iface_busy_now(const SimIface *iface)
{
  /* stats.busy holds the frame being serialised whole */
  SimTime now = sim_now(iface->node->net->ctx);
  return iface->stats.busy - (iface->busy_until > now ? iface->busy_until - now : 0);
}

uint32_t
sim_iface_queue_length(const SimIface *iface)
{
  return iface->qdisc->n_packets;
}

void
sim_iface_set_pcap(SimIface *iface, SimPcapWriter *w)
{
  iface->pcap = w;
}

SimQdisc *
sim_iface_qdisc(const SimIface *iface)
{
  return iface->qdisc;
}

void
sim_iface_set_qdisc(SimIface *iface, SimQdisc *q)
{
  g_return_if_fail(q != NULL && iface->qdisc->n_packets == 0);
  sim_qdisc_free(iface->qdisc);
  iface->qdisc = q;
  q->iface = iface;
}

/* ---- pcap ------------------------------------------------------------------ */

/* Writes @p as captured on the link: Ethernet frames with their header,
 * the others as raw IPv6. */
static void
pcap_record(SimPcapWriter *w, SimTime t, SimPacket *p)
{
  sim_pcap_writer_write(w, t, p);
}

/* ---- transmission ------------------------------------------------------------ */

static void arrive(SimContext *ctx, void *obj, SimEventArg arg);
static void tx_done(SimContext *ctx, void *obj, SimEventArg arg);

static inline SimTime
serialisation(const SimIface *ifc, size_t bytes)
{
  if (ifc->framing == SIM_FRAMING_ETHERNET && bytes < 60)
    bytes = 60; /* the minimum frame (64 bytes with the FCS) */
  unsigned __int128 bits = (unsigned __int128)(bytes + ifc->overhead) * 8u;
  unsigned __int128 ps = (bits * UINT64_C(1000000000000) + ifc->rate_bps - 1) / ifc->rate_bps;
  return (SimTime)ps;
}

static bool
draw_loss(SimIface *ifc)
{
  if (SIM_LIKELY(!ifc->lossy))
    return false; /* the common case: no draw, no look at the link */
  const SimLinkConfig *c = &ifc->link->cfg;
  if (c->ge_p > 0) {
    /* Gilbert-Elliott: move the state, then lose with the state's rate */
    if (ifc->ge_bad) {
      if (sim_rng_uniform(&ifc->rng) < c->ge_r)
        ifc->ge_bad = false;
    } else if (sim_rng_uniform(&ifc->rng) < c->ge_p) {
      ifc->ge_bad = true;
    }
    double p = ifc->ge_bad ? c->ge_loss_bad : c->ge_loss_good;
    return p > 0 && sim_rng_uniform(&ifc->rng) < p;
  }
  return c->loss > 0 && sim_rng_uniform(&ifc->rng) < c->loss;
}

#ifdef IPESIM_WITH_MPI
/* ---- links between ranks ------------------------------------------------------
 *
 * The sending rank serialises, counts and draws the loss of a packet as
 * always, then sends its bytes and metadata to the peer's rank for the
 * arrival time (the message consumes the link end's sequence number like
 * the local arrival event would). The receiving rank keeps the packets in
 * flight on its copy of the sending end's wire, in order, and schedules
 * arrive() with the sender's key: from there on the packet is handled as
 * in a sequential run. A message stamped with an older epoch left before
 * the link went down; the down event (run by both ranks) already passed
 * here, so it is dropped as link_down, as wire_flush() would have. */

typedef struct {
  uint32_t iface; /* index of the sending end on its node (channel = the node) */
  uint32_t epoch;
  uint32_t real_len;
  uint32_t pad;
  uint64_t vlen;
  SimPacketMeta meta;
} RemoteHeader;

static void
send_remote(SimIface *ifc, SimPacket *p)
{
  size_t real = sim__packet_real_length(p);
  RemoteHeader h = { ifc->index, ifc->epoch, (uint32_t)real, 0, p->vlen, *sim__packet_meta(p) };
  uint8_t *d = sim_par_send(ifc->node->net->par, ifc->remote, ifc->busy_until + ifc->delay,
                            &ifc->ent, ifc->node->index, sizeof h + real);
  memcpy(d, &h, sizeof h);
  memcpy(d + sizeof h, sim__packet_data(p), real);
  sim_packet_free(p);
}

void
sim__link_remote_recv(SimContext *ctx, void *user, SimTime at, SimEntityId origin, uint32_t seq,
                      uint32_t channel, const uint8_t *data, size_t len)
{
  SimNet *net = user;
  RemoteHeader h;
  g_assert(len >= sizeof h && channel < net->nodes->len);
  memcpy(&h, data, sizeof h);
  SimNode *node = g_ptr_array_index(net->nodes, channel);
  g_assert(h.iface < node->ifaces->len && sizeof h + h.real_len == len);
  SimIface *tx = g_ptr_array_index(node->ifaces, h.iface);
  SimPacket *p = sim_packet_new_from_bytes(net->pool, SIM_PACKET_DEFAULT_HEADROOM,
                                           data + sizeof h, h.real_len, h.vlen);
  *sim__packet_meta(p) = h.meta;
  if (h.epoch != tx->epoch) {
    sim_node_drop(tx->node, tx, p, SIM_DROP_LINK_DOWN);
    return;
  }
  sim__packet_set_next(p, NULL);
  if (tx->wire_tail)
    sim__packet_set_next(tx->wire_tail, p);
  else
    tx->wire_head = p;
  tx->wire_tail = p;
  tx->wire_count++;
  sim_schedule_keyed(ctx, at, origin, seq, arrive, tx, SIM_ARG_U64(h.epoch));
}
#endif

static void
transmit(SimIface *ifc, SimPacket *p, SimTime now)
{
  SimContext *ctx = ifc->node->net->ctx;
  size_t len = sim__packet_length(p);
  SimTime ser = serialisation(ifc, len);
  ifc->busy_until = now + ser;
  ifc->stats.busy += ser;
  ifc->stats.tx_packets++;
  ifc->stats.tx_bytes += len;
  if (ifc->pcap)
    pcap_record(ifc->pcap, now, p);
  SimPacketMeta *m = sim__packet_meta(p);
  m->wire_flags = draw_loss(ifc) ? WIRE_LOST : 0;
#ifdef IPESIM_WITH_MPI
  if (SIM_UNLIKELY(ifc->remote >= 0)) {
    send_remote(ifc, p);
    return;
  }
#endif
  sim__packet_set_next(p, NULL);
  if (ifc->wire_tail)
    sim__packet_set_next(ifc->wire_tail, p);
  else
    ifc->wire_head = p;
  ifc->wire_tail = p;
  ifc->wire_count++;
  sim_schedule_at(ctx, ifc->busy_until + ifc->delay, &ifc->ent, arrive, ifc,
                  SIM_ARG_U64(ifc->epoch));
}

static void
queue_changed(SimIface *ifc, SimTime now)
{
  uint32_t n = ifc->qdisc->n_packets;
  sim_time_average_set(&ifc->stats.qlen, now, n);
  if (n > ifc->stats.qlen_max)
    ifc->stats.qlen_max = n;
}

static void
schedule_tx_done(SimIface *ifc, SimTime now)
{
  SimTime at = ifc->busy_until;
  if (at < now)
    at = now;
  if (ifc->qdisc->klass->next_ready) {
    SimTime ready = ifc->qdisc->klass->next_ready(ifc->qdisc, at);
    if (ready == SIM_TIME_MAX)
      return;
    if (ready > at)
      at = ready;
  }
  ifc->tx_scheduled = true;
  sim_schedule_at(ifc->node->net->ctx, at, &ifc->ent, tx_done, ifc, SIM_ARG_U64(ifc->epoch));
}

void
sim_iface_send(SimIface *ifc, SimPacket *p)
{
  SimTime now = sim_now(ifc->node->net->ctx);
  if (SIM_UNLIKELY(!ifc->up)) {
    sim_node_drop(ifc->node, ifc, p, SIM_DROP_LINK_DOWN);
    return;
  }
  if (ifc->qdisc->n_packets == 0 && !ifc->tx_scheduled && now >= ifc->busy_until) {
    if (ifc->qdisc->klass == &sim_qdisc_droptail_class) {
      transmit(ifc, p, now);
      return;
    }
    /* other disciplines see every packet (policers, shapers, RED's
     * average), then say whether it may leave at once */
    ifc->qdisc->klass->enqueue(ifc->qdisc, p, now);
    p = ifc->qdisc->klass->dequeue(ifc->qdisc, now);
    if (p)
      transmit(ifc, p, now);
    queue_changed(ifc, now);
    if (ifc->qdisc->n_packets > 0)
      schedule_tx_done(ifc, now);
    return;
  }
  ifc->qdisc->klass->enqueue(ifc->qdisc, p, now);
  queue_changed(ifc, now);
  if (!ifc->tx_scheduled && ifc->qdisc->n_packets > 0)
    schedule_tx_done(ifc, now);
}

static void
tx_done(SimContext *ctx, void *obj, SimEventArg arg)
{
  SimIface *ifc = obj;
  if (arg.u64 != ifc->epoch)
    return; /* the link went down meanwhile */
  ifc->tx_scheduled = false;
  SimTime now = sim_now(ctx);
  SimPacket *p = ifc->qdisc->klass->dequeue(ifc->qdisc, now);
  if (p) {
    queue_changed(ifc, now);
    transmit(ifc, p, now);
  }
  if (ifc->qdisc->n_packets > 0)
    schedule_tx_done(ifc, now);
}

static void
arrive(SimContext *ctx, void *obj, SimEventArg arg)
{
  SimIface *tx = obj;
  if (arg.u64 != tx->epoch)
    return; /* dropped when the link went down */
  SimPacket *p = tx->wire_head;
  g_assert(p != NULL);
  tx->wire_head = sim__packet_next(p);
  if (!tx->wire_head)
    tx->wire_tail = NULL;
  tx->wire_count--;
  sim__packet_set_next(p, NULL);
  SimIface *rx = tx->peer;
  SimNode *node = rx->node;
  node->net->counters.packet_hops++;
  SimPacketMeta *m = sim__packet_meta(p);
  if (m->wire_flags & WIRE_LOST) {
    sim_node_drop(node, rx, p, SIM_DROP_LINK_LOSS);
    return;
  }
  size_t len = sim__packet_length(p);
  rx->stats.rx_packets++;
  rx->stats.rx_bytes += len;
  if (rx->pcap)
    pcap_record(rx->pcap, sim_now(ctx), p);
  m->ingress = rx->index;
  if (rx->framing == SIM_FRAMING_ETHERNET) {
    if (node->is_switch) {
      sim__switch_recv(node, rx, p);
      return;
    }
    const uint8_t *eh = sim__packet_data(p);
    unsigned type = sim__packet_real_length(p) < SIM_ETH_HEADER_LEN ? 0u : (unsigned)((eh[12] << 8) | eh[13]);
    if (type != SIM_ETHERTYPE_IPV6 && type != SIM_ETHERTYPE_IPV4) {
      sim_node_drop(node, rx, p, SIM_DROP_BAD_HEADER);
      return;
    }
    if (!sim__ether_accepts(rx, eh)) {
      sim_node_drop(node, rx, p, SIM_DROP_L2_FILTERED);
      return;
    }
    sim_packet_pull(p, SIM_ETH_HEADER_LEN);
    if (SIM_UNLIKELY(type == SIM_ETHERTYPE_IPV4)) {
      recv4(node, rx, p);
      return;
    }
  } else if (SIM_UNLIKELY(sim__packet_real_length(p) > 0 && (sim__packet_data(p)[0] >> 4) == 4)) {
    recv4(node, rx, p); /* raw links: the version nibble tells */
    return;
  }
  if (SIM_LIKELY(node->recv != NULL))
    node->recv(node, rx, p);
  else
    sim_node_drop(node, rx, p, SIM_DROP_POLICY);
}

/* ---- link state -------------------------------------------------------------- */

static void
direction_down(SimIface *ifc)
{
  SimTime now = sim_now(ifc->node->net->ctx);
  ifc->up = false;
  ifc->epoch++;
  ifc->tx_scheduled = false;
  wire_flush(ifc, SIM_DROP_LINK_DOWN);
  SimPacket *p;
  while ((p = ifc->qdisc->klass->dequeue(ifc->qdisc, SIM_TIME_MAX - 1)) != NULL)
    sim_node_drop(ifc->node, ifc, p, SIM_DROP_LINK_DOWN);
  queue_changed(ifc, now);
  if (ifc->busy_until > now) {
    /* the frame being serialised is cut off */
    ifc->stats.busy -= ifc->busy_until - now;
    ifc->busy_until = now;
  }
}

static void
link_state(SimContext *ctx, void *obj, SimEventArg arg)
{
  SimLink *link = obj;
  bool up = arg.u64 != 0;
  SimNet *net = link->net;
  if (SIM_UNLIKELY(net->node_rank != NULL) &&
      net->rank != net->node_rank[link->end[0]->node->index])
    net->events_repeated++; /* every rank runs it; it counts once */
  if (up == link->up)
    return;
  link->up = up;
  for (int e = 0; e < 2; e++) {
    SimIface *ifc = link->end[e];
    if (up) {
      ifc->up = true;
      if (ifc->busy_until < sim_now(ctx))
        ifc->busy_until = sim_now(ctx);
    } else {
      direction_down(ifc);
    }
  }
}

void
sim_link_schedule_state(SimLink *link, SimTime at, gboolean up)
{
  sim_schedule_at(link->net->ctx, at, &link->ent, link_state, link, SIM_ARG_U64(up ? 1 : 0));
}
