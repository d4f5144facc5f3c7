/* netpar.c - attaching a network to the parallel engine, and gathering
 * its results (see netpar.h). */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "netpar.h"
#include "net-private.h"
#include "app-private.h"
#include "nd-private.h"
#include "srv6-private.h"
#include "nd.h"
#include "qos-private.h"
#include "ip6-private.h"
#include "simpacket.h"

#include <string.h>

G_STATIC_ASSERT(sizeof(SimNdStats) % sizeof(uint64_t) == 0);

struct _SimNetPar {
  SimNet *net;
  SimPar *par;
};

/* Rank of a node's entities. */
static uint16_t
node_rank(const SimNet *net, const SimNode *node)
{
  return net->node_rank[node->index];
}

SimNetPar *
sim_net_par_attach(SimNet *net, const SimPartition *part, GError **error)
{
  g_return_val_if_fail(net != NULL && part != NULL, NULL);
  g_return_val_if_fail(net->par == NULL, NULL);
  int size = sim_par_world_size(), rank = sim_par_world_rank();
  if (sim_partition_n_ranks(part) != (uint32_t)size || size >= SIM_RANK_ALL) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "the partition has %u ranks, the MPI job %d", sim_partition_n_ranks(part), size);
    return NULL;
  }
  SimTime lookahead = sim_partition_lookahead(part);
  if (lookahead <= 0 || lookahead == SIM_TIME_MAX) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID,
                "no link with a positive delay between ranks: nothing to run in parallel");
    return NULL;
  }
  uint32_t n_nodes = net->nodes->len;
  net->node_rank = g_new(uint16_t, n_nodes ? n_nodes : 1);
  for (uint32_t i = 0; i < n_nodes; i++)
    net->node_rank[i] = (uint16_t)sim_partition_rank(part, i);
  net->rank = (uint16_t)rank;

  /* the rank of every entity: a node's own, its interfaces', its neighbour
   * discovery's; a flow's and a ping's are their source's; a link's up
   * and down events run on both sides of a cut link. The context's own
   * entity and the set-up helpers' run everywhere (they schedule nothing
   * during the run). */
  uint32_t n_ent = sim_context_entity_count(net->ctx);
  uint16_t *er = g_new(uint16_t, n_ent);
  for (uint32_t i = 0; i < n_ent; i++)
    er[i] = SIM_RANK_ALL;
  for (uint32_t i = 0; i < n_nodes; i++) {
    SimNode *n = g_ptr_array_index(net->nodes, i);
    uint16_t r = node_rank(net, n);
    er[n->ent.id] = r;
    for (guint k = 0; k < n->ifaces->len; k++) {
      SimIface *ifc = g_ptr_array_index(n->ifaces, k);
      er[ifc->ent.id] = r;
      uint16_t pr = node_rank(net, ifc->peer->node);
      ifc->remote = pr != r && r == rank ? (int32_t)pr : -1;
    }
    SimIp6 *ip = sim_ip6_of(n);
    SimNd *nd = ip ? sim_nd_of(ip) : NULL;
    if (nd)
      er[sim__nd_entity(nd)->id] = r;
  }
  for (guint i = 0; i < net->links->len; i++) {
    SimLink *l = g_ptr_array_index(net->links, i);
    uint16_t a = node_rank(net, l->end[0]->node), b = node_rank(net, l->end[1]->node);
    er[l->ent.id] = a == b ? a : SIM_RANK_ALL;
  }
  for (uint32_t i = 0; i < sim_net_n_flows(net); i++) {
    SimFlow *f = sim_net_flow(net, i);
    er[sim__flow_entity(f)->id] = node_rank(net, sim_flow_src(f));
  }
  for (uint32_t i = 0; i < sim_net_n_pings(net); i++) {
    SimPing *pg = sim_net_ping(net, i);
    er[sim__ping_entity(pg)->id] = node_rank(net, sim_ping_src(pg));
  }
  sim_context_set_partition(net->ctx, (uint16_t)rank, er, n_ent);
  g_free(er);

  sim__ip6_log_misses(net);
  SimNetPar *np = g_new0(SimNetPar, 1);
  np->net = net;
  np->par = sim_par_new(net->ctx, lookahead, sim__link_remote_recv, net);
  net->par = np->par;
  return np;
}

void
sim_net_par_free(SimNetPar *np)
{
  if (!np)
    return;
  if (np->net->par == np->par) {
    np->net->par = NULL;
    g_clear_pointer(&np->net->node_rank, g_free);
  }
  sim_par_free(np->par);
  g_free(np);
}

SimPar *
sim_net_par_engine(const SimNetPar *np)
{
  return np->par;
}

SimRunResult
sim_net_par_run_until(SimNetPar *np, SimTime end)
{
  return sim_par_run_until(np->par, end);
}

/* ---- gathering ------------------------------------------------------------------------------ */

/* The counters summed over the ranks, in an order every rank shares. */
static void
collect_sums(SimNet *net, GPtrArray *slots)
{
  SimNetCounters *c = &net->counters;
  g_ptr_array_add(slots, &c->created);
  g_ptr_array_add(slots, &c->delivered);
  g_ptr_array_add(slots, &c->dropped);
  g_ptr_array_add(slots, &c->packet_hops);
  for (int r = 0; r < SIM_DROP_N; r++)
    g_ptr_array_add(slots, &c->drops[r]);
  for (guint i = 0; i < net->flow_drops->len; i++)
    g_ptr_array_add(slots, &g_array_index(net->flow_drops, uint64_t, i));
  for (guint i = 0; i < net->nodes->len; i++) {
    SimNode *n = g_ptr_array_index(net->nodes, i);
    for (int r = 0; r < SIM_DROP_N; r++)
      g_ptr_array_add(slots, &n->drops[r]);
    for (guint k = 0; k < n->ifaces->len; k++) {
      SimIface *ifc = g_ptr_array_index(n->ifaces, k);
      for (int r = 0; r < SIM_DROP_N; r++)
        g_ptr_array_add(slots, &ifc->stats.drops[r]);
      sim__qos_sched_collect_counters(ifc->qdisc, slots);
    }
    SimIp6 *ip = sim_ip6_of(n);
    SimNd *nd = ip ? sim_nd_of(ip) : NULL;
    if (nd) {
      /* SimNdStats: counters only */
      SimNdStats *st = (SimNdStats *)sim_nd_stats(nd);
      uint64_t *words = (uint64_t *)st;
      for (size_t k = 0; k < sizeof *st / sizeof(uint64_t); k++)
        g_ptr_array_add(slots, &words[k]);
    }
    SimSrv6 *sr = sim_srv6_of(ip);
    for (guint k = 0; sr && k < sim_srv6_n_sids(sr); k++) {
      SimSrv6Sid *sid = (SimSrv6Sid *)sim_srv6_sid(sr, k);
      g_ptr_array_add(slots, &sid->counters.packets);
      g_ptr_array_add(slots, &sid->counters.bytes);
      g_ptr_array_add(slots, &sid->counters.dropped);
      for (int r = 0; r < SIM_DROP_N; r++)
        g_ptr_array_add(slots, &sid->drops[r]);
    }
    for (guint k = 0; sr && k < sim_srv6_n_policies(sr); k++) {
      SimSrv6Policy *pol = sim_srv6_policy(sr, k);
      g_ptr_array_add(slots, &pol->counters.packets);
      g_ptr_array_add(slots, &pol->counters.bytes);
      g_ptr_array_add(slots, &pol->counters.dropped);
    }
  }
}

enum { REC_IFACE = 1, REC_FLOW_TX, REC_FLOW_RX, REC_PING };

typedef struct {
  uint32_t kind;
  uint32_t index; /* node, flow or ping */
  uint32_t sub;   /* interface */
  uint32_t len;   /* bytes that follow */
} Record;

static void
record_begin(GByteArray *out, uint32_t kind, uint32_t index, uint32_t sub, guint *at)
{
  Record r = { kind, index, sub, 0 };
  *at = out->len;
  g_byte_array_append(out, (const guint8 *)&r, sizeof r);
}

static void
record_end(GByteArray *out, guint at)
{
  uint32_t len = (uint32_t)(out->len - at - sizeof(Record));
  memcpy(out->data + at + offsetof(Record, len), &len, sizeof len);
}

/* What only this rank knows: statistics of its interfaces, the parts of
 * flows whose source or sink it holds, its pings. */
static void
pack_owned(SimNet *net, GByteArray *out)
{
  guint at;
  for (guint i = 0; i < net->nodes->len; i++) {
    SimNode *n = g_ptr_array_index(net->nodes, i);
    if (node_rank(net, n) != net->rank)
      continue;
    for (guint k = 0; k < n->ifaces->len; k++) {
      SimIface *ifc = g_ptr_array_index(n->ifaces, k);
      record_begin(out, REC_IFACE, i, k, &at);
      g_byte_array_append(out, (const guint8 *)&ifc->stats, sizeof ifc->stats);
      record_end(out, at);
    }
  }
  for (uint32_t i = 0; i < sim_net_n_flows(net); i++) {
    SimFlow *f = sim_net_flow(net, i);
    if (node_rank(net, sim_flow_src(f)) == net->rank) {
      record_begin(out, REC_FLOW_TX, i, 0, &at);
      sim__flow_pack_tx(f, out);
      record_end(out, at);
    }
    if (node_rank(net, sim_flow_dst(f)) == net->rank) {
      record_begin(out, REC_FLOW_RX, i, 0, &at);
      sim__flow_pack_rx(f, out);
      record_end(out, at);
    }
  }
  for (uint32_t i = 0; i < sim_net_n_pings(net); i++) {
    SimPing *pg = sim_net_ping(net, i);
    if (node_rank(net, sim_ping_src(pg)) != net->rank)
      continue;
    record_begin(out, REC_PING, i, 0, &at);
    sim__ping_pack(pg, out);
    record_end(out, at);
  }
}

static gboolean
apply_owned(SimNet *net, const uint8_t *d, size_t len)
{
  size_t off = 0;
  while (off < len) {
    Record r;
    if (len - off < sizeof r)
      return FALSE;
    memcpy(&r, d + off, sizeof r);
    off += sizeof r;
    if (r.len > len - off)
      return FALSE;
    const uint8_t *p = d + off;
    size_t used = 0;
    switch (r.kind) {
    case REC_IFACE: {
      if (r.index >= net->nodes->len || r.len != sizeof(SimIfaceStats))
        return FALSE;
      SimNode *n = g_ptr_array_index(net->nodes, r.index);
      if (r.sub >= n->ifaces->len)
        return FALSE;
      SimIface *ifc = g_ptr_array_index(n->ifaces, r.sub);
      /* the drops were summed already */
      uint64_t drops[SIM_DROP_N];
      memcpy(drops, ifc->stats.drops, sizeof drops);
      memcpy(&ifc->stats, p, sizeof ifc->stats);
      memcpy(ifc->stats.drops, drops, sizeof drops);
      used = r.len;
      break;
    }
    case REC_FLOW_TX:
    case REC_FLOW_RX:
      if (r.index >= sim_net_n_flows(net))
        return FALSE;
      used = r.kind == REC_FLOW_TX ? sim__flow_unpack_tx(sim_net_flow(net, r.index), p, r.len)
                                   : sim__flow_unpack_rx(sim_net_flow(net, r.index), p, r.len);
      break;
    case REC_PING:
      if (r.index >= sim_net_n_pings(net))
        return FALSE;
      used = sim__ping_unpack(sim_net_ping(net, r.index), p, r.len);
      break;
    default:
      return FALSE;
    }
    if (used != r.len)
      return FALSE;
    off += r.len;
  }
  return TRUE;
}

void
sim_net_par_gather(SimNetPar *np)
{
  SimNet *net = np->net;
  SimPar *par = np->par;
  int rank = sim_par_rank(par);

  g_autoptr(GPtrArray) slots = g_ptr_array_new();
  collect_sums(net, slots);
  size_t n = slots->len + 2;
  uint64_t *v = g_new(uint64_t, n);
  for (guint i = 0; i < slots->len; i++)
    v[i] = *(uint64_t *)slots->pdata[i];
  uint64_t live = sim_packet_pool_live(net->pool);
  uint64_t events = sim_events_executed(net->ctx) - net->events_repeated;
  v[slots->len] = live;
  v[slots->len + 1] = events;
  sim_par_sum_u64(par, v, n);
  if (rank == 0) {
    for (guint i = 0; i < slots->len; i++)
      *(uint64_t *)slots->pdata[i] = v[i];
    net->in_flight_elsewhere = v[slots->len] - live;
    net->events_elsewhere = v[slots->len + 1] - events;
  }
  g_free(v);

  GByteArray *mine = g_byte_array_new();
  if (rank != 0)
    pack_owned(net, mine);
  GPtrArray *parts = NULL;
  sim_par_gather_bytes(par, mine->data, mine->len, &parts);
  g_byte_array_unref(mine);
  if (rank == 0) {
    for (guint r = 1; r < parts->len; r++) {
      gsize len = 0;
      const uint8_t *d = g_bytes_get_data(parts->pdata[r], &len);
      if (!apply_owned(net, d, len))
        g_error("the results of rank %u are damaged", r);
    }
    g_ptr_array_unref(parts);
  }

  /* the routes the other ranks resolved, into rank 0's tables */
  GArray *misses = sim__ip6_misses(net);
  sim_par_gather_bytes(par, rank != 0 && misses ? misses->data : NULL,
                       rank != 0 && misses ? misses->len * sizeof(Ip6Miss) : 0, &parts);
  if (rank == 0) {
    for (guint r = 1; r < parts->len; r++) {
      gsize len = 0;
      const uint8_t *d = g_bytes_get_data(parts->pdata[r], &len);
      for (size_t off = 0; off + sizeof(Ip6Miss) <= len; off += sizeof(Ip6Miss)) {
        Ip6Miss m;
        memcpy(&m, d + off, sizeof m);
        g_assert(m.node < net->nodes->len);
        SimIp6 *ip = sim_ip6_of(g_ptr_array_index(net->nodes, m.node));
        if (ip)
          sim__ip6_replay_miss(ip, &m.dst);
      }
    }
    g_ptr_array_unref(parts);
  }
}
