/* net.c - the network container, nodes, drops and packet accounting.
 *
 * Accounting invariant (DESIGN.md rule 6): every packet counted as created
 * is later counted exactly once as delivered or dropped; until then it is
 * alive in the packet pool (in a queue, on a wire, in an event). So
 * created = delivered + dropped + live packets, checked by
 * sim_net_check_conservation(). Drops happen only in sim_node_drop(),
 * which counts the reason per node, per interface and globally.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "net-private.h"
#include "simpacket-private.h"
#ifdef IPESIM_WITH_MPI
#include "simpar.h"
#endif

#include <string.h>

G_DEFINE_QUARK(sim-net-error-quark, sim_net_error)

static const char *const drop_names[SIM_DROP_N] = {
#define SIM_DROP_NAME(id, name) [SIM_DROP_##id] = name,
  SIM_DROP_REASONS(SIM_DROP_NAME)
#undef SIM_DROP_NAME
};

const char *
sim_drop_reason_name(SimDropReason reason)
{
  g_return_val_if_fail(reason < SIM_DROP_N, NULL);
  return drop_names[reason];
}

int
sim_drop_reason_from_name(const char *name)
{
  for (int r = 0; r < SIM_DROP_N; r++)
    if (g_strcmp0(name, drop_names[r]) == 0)
      return r;
  return -1;
}

SimNet *
sim_net_new(SimContext *ctx)
{
  g_return_val_if_fail(ctx != NULL, NULL);
  SimNet *net = g_new0(SimNet, 1);
  net->ctx = ctx;
  net->pool = sim_packet_pool_new();
  net->nodes = g_ptr_array_new();
  net->links = g_ptr_array_new();
  net->node_by_name = g_hash_table_new(g_str_hash, g_str_equal);
  net->flow_drops = g_array_new(FALSE, TRUE, sizeof(uint64_t));
  net->stop_time = SIM_TIME_MAX;
  return net;
}

void sim__link_free(SimLink *link);

static void
node_free(SimNode *node)
{
  for (int s = 0; s < SIM_NODE_SLOT_N; s++)
    if (node->slot_destroy[s] && node->slots[s])
      node->slot_destroy[s](node->slots[s]);
  g_ptr_array_unref(node->ifaces);
  g_free(node->name);
  g_aligned_free(node);
}

void
sim_net_free(SimNet *net)
{
  if (!net)
    return;
  for (guint i = 0; i < net->nodes->len; i++) {
    SimNode *node = net->nodes->pdata[i];
    for (int s = 0; s < SIM_NODE_SLOT_N; s++)
      if (node->slot_destroy[s] && node->slots[s]) {
        node->slot_destroy[s](node->slots[s]);
        node->slots[s] = NULL;
      }
  }
  for (guint i = 0; i < net->links->len; i++)
    sim__link_free(net->links->pdata[i]);
  for (int s = 0; s < SIM_NET_SLOT_N; s++)
    if (net->slot_destroy[s] && net->slots[s])
      net->slot_destroy[s](net->slots[s]);
  for (guint i = 0; i < net->nodes->len; i++)
    node_free(net->nodes->pdata[i]);
  g_ptr_array_unref(net->links);
  g_ptr_array_unref(net->nodes);
  g_hash_table_unref(net->node_by_name);
  g_array_unref(net->flow_drops);
  g_free(net->node_rank);
  sim_packet_pool_free(net->pool);
  g_free(net);
}

SimContext *
sim_net_context(const SimNet *net)
{
  return net->ctx;
}

SimPacketPool *
sim_net_pool(const SimNet *net)
{
  return net->pool;
}

uint32_t
sim_net_n_nodes(const SimNet *net)
{
  return net->nodes->len;
}

SimNode *
sim_net_node(const SimNet *net, uint32_t index)
{
  g_return_val_if_fail(index < net->nodes->len, NULL);
  return net->nodes->pdata[index];
}

SimNode *
sim_net_find_node(const SimNet *net, const char *name)
{
  return g_hash_table_lookup(net->node_by_name, name);
}

uint32_t
sim_net_n_links(const SimNet *net)
{
  return net->links->len;
}

SimLink *
sim_net_link(const SimNet *net, uint32_t index)
{
  g_return_val_if_fail(index < net->links->len, NULL);
  return net->links->pdata[index];
}

const SimNetCounters *
sim_net_counters(const SimNet *net)
{
  return &net->counters;
}

uint64_t
sim__net_in_flight_now(const SimNet *net)
{
  uint64_t n = sim_net_in_flight(net);
#ifdef IPESIM_WITH_MPI
  if (net->par)
    n += sim_par_messages_buffered(net->par);
#endif
  return n;
}

uint64_t
sim_net_events_total(const SimNet *net)
{
  return sim_events_executed(net->ctx) - net->events_repeated + net->events_elsewhere;
}

uint64_t
sim_net_in_flight(const SimNet *net)
{
  return sim_packet_pool_live(net->pool) + net->in_flight_elsewhere;
}

gboolean
sim_net_check_conservation(const SimNet *net, GError **error)
{
  const SimNetCounters *c = &net->counters;
  uint64_t live = sim_net_in_flight(net);
  if (c->created == c->delivered + c->dropped + live)
    return TRUE;
  g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_ACCOUNTING,
              "packet accounting broken: created %" G_GUINT64_FORMAT " != delivered %" G_GUINT64_FORMAT
              " + dropped %" G_GUINT64_FORMAT " + in flight %" G_GUINT64_FORMAT,
              c->created, c->delivered, c->dropped, live);
  return FALSE;
}

void
sim_net_set_stop_time(SimNet *net, SimTime t)
{
  net->stop_time = t;
}

SimTime
sim_net_stop_time(const SimNet *net)
{
  return net->stop_time;
}

uint64_t
sim_net_flow_id_new(SimNet *net)
{
  g_array_set_size(net->flow_drops, net->flow_drops->len + 1);
  return net->flow_drops->len;
}

uint64_t
sim_net_flow_drops(const SimNet *net, uint64_t flow_id)
{
  g_return_val_if_fail(flow_id >= 1 && flow_id <= net->flow_drops->len, 0);
  return g_array_index(net->flow_drops, uint64_t, flow_id - 1);
}

void
sim_net_packet_created(SimNet *net, SimPacket *p)
{
  net->counters.created++;
  sim__packet_meta(p)->trace_id = ++net->next_trace_id;
}

void
sim_net_packet_delivered(SimNet *net, SimPacket *p)
{
  net->counters.delivered++;
  sim_packet_free(p);
}

void *
sim_net_slot(const SimNet *net, SimNetSlot slot)
{
  g_return_val_if_fail(slot < SIM_NET_SLOT_N, NULL);
  return net->slots[slot];
}

void
sim_net_set_slot(SimNet *net, SimNetSlot slot, void *data, GDestroyNotify destroy)
{
  g_return_if_fail(slot < SIM_NET_SLOT_N);
  if (net->slot_destroy[slot] && net->slots[slot])
    net->slot_destroy[slot](net->slots[slot]);
  net->slots[slot] = data;
  net->slot_destroy[slot] = destroy;
}

uint64_t
sim_net_route_generation(const SimNet *net)
{
  return net->route_generation;
}

void
sim_net_routes_changed(SimNet *net)
{
  net->route_generation++;
}

/* ---- nodes ---------------------------------------------------------------- */

SimNode *
sim_node_new(SimNet *net, const char *name, gboolean forwarding, GError **error)
{
  g_return_val_if_fail(net != NULL && name != NULL, NULL);
  if (name[0] == '\0') {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_INVALID, "a node needs a name");
    return NULL;
  }
  if (g_hash_table_contains(net->node_by_name, name)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_EXISTS, "duplicate node '%s'", name);
    return NULL;
  }
  SimNode *node = g_aligned_alloc0(1, sizeof(SimNode), 64);
  node->net = net;
  node->index = net->nodes->len;
  node->forwarding = forwarding;
  node->name = g_strdup(name);
  node->ifaces = g_ptr_array_new();
  sim_entity_init(net->ctx, &node->ent);
  g_ptr_array_add(net->nodes, node);
  g_hash_table_insert(net->node_by_name, node->name, node);
  return node;
}

const char *
sim_node_name(const SimNode *node)
{
  return node->name;
}

uint32_t
sim_node_index(const SimNode *node)
{
  return node->index;
}

SimNet *
sim_node_net(const SimNode *node)
{
  return node->net;
}

SimEntity *
sim_node_entity(SimNode *node)
{
  return &node->ent;
}

gboolean
sim_node_is_forwarding(const SimNode *node)
{
  return node->forwarding;
}

uint32_t
sim_node_n_ifaces(const SimNode *node)
{
  return node->ifaces->len;
}

SimIface *
sim_node_iface(const SimNode *node, uint32_t index)
{
  g_return_val_if_fail(index < node->ifaces->len, NULL);
  return node->ifaces->pdata[index];
}

uint64_t
sim_node_drops(const SimNode *node, SimDropReason reason)
{
  g_return_val_if_fail(reason < SIM_DROP_N, 0);
  return node->drops[reason];
}

void
sim_node_drop(SimNode *node, SimIface *iface, SimPacket *p, SimDropReason reason)
{
  g_return_if_fail(reason < SIM_DROP_N);
  node->drops[reason]++;
  if (iface)
    iface->stats.drops[reason]++;
  SimNet *net = node->net;
  net->counters.drops[reason]++;
  net->counters.dropped++;
  /* flood copies that other stations filter are not losses of the flow:
   * one copy of a flooded frame reaches its station */
  uint64_t fid = sim__packet_meta_const(p)->flow_id;
  if (fid && fid <= net->flow_drops->len && reason != SIM_DROP_L2_FILTERED)
    g_array_index(net->flow_drops, uint64_t, fid - 1)++;
  sim_packet_free(p);
}

void
sim_node_set_recv(SimNode *node, SimNodeRecvFunc fn)
{
  node->recv = fn;
}

void
sim_node_set_recv4(SimNode *node, SimNodeRecvFunc fn)
{
  node->recv4 = fn;
}

void *
sim_node_slot(const SimNode *node, SimNodeSlot slot)
{
  g_return_val_if_fail(slot < SIM_NODE_SLOT_N, NULL);
  return node->slots[slot];
}

void
sim_node_set_slot(SimNode *node, SimNodeSlot slot, void *data, GDestroyNotify destroy)
{
  g_return_if_fail(slot < SIM_NODE_SLOT_N);
  if (node->slot_destroy[slot] && node->slots[slot])
    node->slot_destroy[slot](node->slots[slot]);
  node->slots[slot] = data;
  node->slot_destroy[slot] = destroy;
}
