/* switch.c - an Ethernet learning switch (IEEE 802.1D transparent
 * bridging, no spanning tree: build loop-free segments).
 *
 * Each port is one end of an Ethernet link. A frame's source MAC is
 * learned on its ingress port (entries age out after 300 s); a frame to a
 * known unicast MAC goes out of that port alone (dropped as l2_filtered if
 * that is where it came from), every other frame - unknown unicast,
 * broadcast, multicast - is flooded to every other port that is up. Flood
 * copies are clones sharing the frame's bytes, each counted as a created
 * packet. Forwarding is store-and-forward through each port's queue.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "net-private.h"
#include "simpacket-private.h"

#define SWITCH_AGING SIM_S(300)

typedef struct {
  uint32_t port;
  SimTime learned;
} MacEntry;

typedef struct {
  GHashTable *table; /* mac key -> MacEntry */
  uint64_t flooded, forwarded;
} SwitchState;

static void
switch_free(void *data)
{
  SwitchState *s = data;
  g_hash_table_unref(s->table);
  g_free(s);
}

SimNode *
sim_switch_new(SimNet *net, const char *name, GError **error)
{
  SimNode *node = sim_node_new(net, name, FALSE, error);
  if (!node)
    return NULL;
  node->is_switch = true;
  SwitchState *s = g_new0(SwitchState, 1);
  s->table = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_slot(node, SIM_NODE_SLOT_L2, s, switch_free);
  return node;
}

gboolean
sim_node_is_switch(const SimNode *node)
{
  return node->is_switch;
}

void
sim__switch_recv(SimNode *node, SimIface *in, SimPacket *p)
{
  SwitchState *s = node->slots[SIM_NODE_SLOT_L2];
  SimNet *net = node->net;
  if (sim__packet_real_length(p) < SIM_ETH_HEADER_LEN) {
    sim_node_drop(node, in, p, SIM_DROP_BAD_HEADER);
    return;
  }
  const uint8_t *h = sim__packet_data(p);
  SimTime now = sim_now(net->ctx);
  if (!(h[6] & 1)) {
    gint64 key = (gint64)sim__mac_key(h + 6);
    MacEntry *e = g_hash_table_lookup(s->table, &key);
    if (!e) {
      gint64 *k = g_new(gint64, 1);
      *k = key;
      e = g_new(MacEntry, 1);
      g_hash_table_insert(s->table, k, e);
    }
    e->port = in->index;
    e->learned = now;
  }
  if (!(h[0] & 1)) {
    gint64 key = (gint64)sim__mac_key(h);
    MacEntry *e = g_hash_table_lookup(s->table, &key);
    if (e && now - e->learned < SWITCH_AGING) {
      if (e->port == in->index) {
        sim_node_drop(node, in, p, SIM_DROP_L2_FILTERED);
        return;
      }
      s->forwarded++;
      sim_iface_send(node->ifaces->pdata[e->port], p);
      return;
    }
  }
  /* flood: to every other port that is up */
  s->flooded++;
  SimIface *last = NULL;
  for (guint i = 0; i < node->ifaces->len; i++) {
    SimIface *out = node->ifaces->pdata[i];
    if (out == in || !out->up)
      continue;
    if (last) {
      SimPacket *c = sim_packet_clone(p);
      sim_net_packet_created(net, c);
      sim_iface_send(last, c);
    }
    last = out;
  }
  if (last)
    sim_iface_send(last, p);
  else
    sim_node_drop(node, in, p, SIM_DROP_L2_FILTERED);
}
