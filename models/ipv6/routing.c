/* routing.c - the addressing plan and lazy shortest-path routing.
 *
 * Topology snapshot: adjacency in CSR form (node -> (neighbour, local
 * interface, metric)), an address -> owner map for every assigned address,
 * and an on-link prefix -> (node, interface) map for addresses nobody owns
 * (a packet to one reaches that link, where the router answers Address
 * Unreachable).
 *
 * Shortest-path trees are computed towards a destination (Dijkstra from
 * it over reversed, here symmetric, links; hosts are never expanded, so no
 * path transits a host) and kept in a small LRU cache bounded in bytes.
 * A tree is a distance array; next hops are read off it when a route is
 * installed: every neighbour w with dist[w] + metric = dist[n].
 *
 * Reachability for set-up warnings uses union-find over router-router
 * links: a host reaches what its routers reach.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "routing.h"

#include <string.h>

#define DIST_INF UINT64_MAX

/* ---- addressing plan ---------------------------------------------------------- */

void
sim_addr_plan_init(SimAddrPlan *plan)
{
  memset(plan, 0, sizeof *plan);
  sim_ip6_prefix_parse("2001:db8::/32", &plan->base, FALSE, NULL);
  plan->link_len = 64;
  plan->loopbacks = TRUE;
}

/* base | (field << (64 - ...)): the 32-bit field right after a /32 base,
 * aligned so that the prefix ends at bit 64 for any base length <= 32. */
static SimIp6Addr
plan_prefix(const SimAddrPlan *plan, uint64_t field)
{
  uint64_t hi = sim_ip6_addr_hi(&plan->base.addr) | field;
  return sim_ip6_addr_from_halves(hi, 0);
}

static uint64_t
plan_field_bits(const SimAddrPlan *plan)
{
  return 64 - plan->base.len;
}

SimIp6Addr
sim_addr_plan_node_address(const SimAddrPlan *plan, uint32_t index)
{
  SimIp6Addr a = plan_prefix(plan, (uint64_t)index + 1);
  a.b[15] = 1;
  return a;
}

gboolean
sim_addr_plan_apply(SimNet *net, const SimAddrPlan *plan, GError **error)
{
  char buf[SIM_IP6_PREFIX_STRLEN];
  uint64_t bits = plan_field_bits(plan);
  if (plan->base.len > 32 || (plan->link_len != 64 && plan->link_len != 127)) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "addressing: base %s must be /32 or shorter and link prefixes /64 or /127",
                sim_ip6_prefix_format(&plan->base, buf));
    return FALSE;
  }
  /* half of the field for nodes, a quarter for links, a quarter for
   * switched segments */
  uint64_t half = (uint64_t)1 << (bits - 1);
  if (sim_net_n_nodes(net) >= half || sim_net_n_links(net) >= half / 2) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "addressing: base %s is too small for %u nodes and %u links",
                sim_ip6_prefix_format(&plan->base, buf), sim_net_n_nodes(net),
                sim_net_n_links(net));
    return FALSE;
  }
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    if (sim_node_is_switch(n))
      continue;
    SimIp6 *ip = sim_ip6_install(n);
    if (plan->loopbacks && ip->addrs->len == 0 &&
        !(plan->autoconf && g_hash_table_contains(plan->autoconf, n))) {
      SimIp6Addr a = sim_addr_plan_node_address(plan, i);
      if (!sim_ip6_add_address(ip, NULL, &a, 128, error))
        return FALSE;
    }
  }
  uint64_t quarter = (uint64_t)1 << (bits - 2);
  for (uint32_t j = 0; j < sim_net_n_links(net); j++) {
    SimLink *l = sim_net_link(net, j);
    if (sim_node_is_switch(sim_iface_node(sim_link_end(l, 0))) ||
        sim_node_is_switch(sim_iface_node(sim_link_end(l, 1))))
      continue; /* part of a switched segment */
    for (unsigned e = 0; e < 2; e++) {
      SimIface *ifc = sim_link_end(l, e);
      SimIp6 *ip = sim_ip6_of(sim_iface_node(ifc));
      if (sim_ip6_iface_address(ip, ifc))
        continue;
      SimIp6Addr a = plan_prefix(plan, half | ((uint64_t)j + 1));
      a.b[15] = (uint8_t)(plan->link_len == 127 ? e : e + 1);
      if (!sim_ip6_add_address(ip, ifc, &a, plan->link_len, error))
        return FALSE;
    }
  }
  /* switched segments */
  GHashTable *done = g_hash_table_new(NULL, NULL);
  GPtrArray *fabric = g_ptr_array_new();
  uint64_t segment = 0;
  gboolean ok = TRUE;
  for (uint32_t i = 0; ok && i < sim_net_n_nodes(net); i++) {
    SimNode *sw = sim_net_node(net, i);
    if (!sim_node_is_switch(sw) || g_hash_table_contains(done, sw))
      continue;
    g_ptr_array_set_size(fabric, 0);
    g_ptr_array_add(fabric, sw);
    g_hash_table_add(done, sw);
    SimIp6Addr pfx = plan_prefix(plan, half | quarter | ++segment);
    unsigned next_router = 1;
    for (guint q = 0; ok && q < fabric->len; q++) {
      SimNode *s = fabric->pdata[q];
      for (uint32_t k = 0; ok && k < sim_node_n_ifaces(s); k++) {
        SimIface *far = sim_iface_peer(sim_node_iface(s, k));
        SimNode *v = sim_iface_node(far);
        if (sim_node_is_switch(v)) {
          if (!g_hash_table_contains(done, v)) {
            g_hash_table_add(done, v);
            g_ptr_array_add(fabric, v);
          }
          continue;
        }
        SimIp6 *vip = sim_ip6_install(v);
        if (sim_ip6_iface_address(vip, far) ||
            (plan->autoconf && g_hash_table_contains(plan->autoconf, v)))
          continue;
        SimIp6Addr a = pfx;
        if (sim_node_is_forwarding(v)) {
          a.b[14] = (uint8_t)(next_router >> 8);
          a.b[15] = (uint8_t)next_router++;
        } else {
          const uint8_t *mac = sim_iface_mac(far);
          uint8_t iid[8] = { (uint8_t)(mac[0] ^ 0x02), mac[1], mac[2], 0xff, 0xfe,
                             mac[3], mac[4], mac[5] };
          memcpy(a.b + 8, iid, 8);
        }
        ok = sim_ip6_add_address(vip, far, &a, 64, error);
      }
    }
  }
  g_ptr_array_unref(fabric);
  g_hash_table_unref(done);
  return ok;
}

/* ---- routing ---------------------------------------------------------------------- */

typedef struct {
  uint32_t nbr;
  uint32_t iface; /* at the node owning the entry */
  uint32_t metric;
  SimIp6Addr gw;  /* the neighbour's address on a switched segment, :: on a point-to-point link */
} Adj;

typedef struct {
  uint32_t dest; /* UINT32_MAX: empty slot */
  uint64_t last_use;
  uint64_t *dist;
} Tree;

typedef struct {
  uint32_t node;
  uint32_t iface;
} OnLink;

struct _SimRouting {
  SimNet *net;
  SimRoutingConfig cfg;
  uint32_t n;
  uint32_t *adj_start; /* n + 1 */
  Adj *adj;
  bool *forwarding;
  GHashTable *owner;  /* SimIp6Addr* -> node index + 1 */
  SimIp6Addr *owner_keys;
  GHashTable *onlink; /* masked prefix (SimIp6Addr*, length in b[15]?) -> OnLink */
  GArray *onlink_lens; /* distinct prefix lengths, longest first */
  OnLink *onlink_vals;
  SimIp6Addr *onlink_keys;
  uint32_t *uf; /* union-find parent */
  Tree *trees;
  uint32_t n_trees;
  uint64_t use_clock;
  uint64_t trees_computed;
  uint64_t routes_installed;
  bool unit_metrics; /* every link costs 1: trees by breadth-first search */
  /* Dijkstra scratch */
  uint64_t *heap_key;
  uint32_t *heap_node;
  SimFib *owned; /* prefixes owned by a node (SRv6 locators): node index + 1 */
};

static guint
addr_hash(gconstpointer p)
{
  const SimIp6Addr *a = p;
  uint64_t h = sim_ip6_addr_hi(a) * UINT64_C(0x9e3779b97f4a7c15) ^ sim_ip6_addr_lo(a);
  h ^= h >> 29;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  return (guint)(h ^ (h >> 32));
}

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
  return memcmp(a, b, 16) == 0;
}

static void
routing_free(void *data)
{
  SimRouting *r = data;
  g_free(r->adj_start);
  g_free(r->adj);
  g_free(r->forwarding);
  g_hash_table_unref(r->owner);
  g_free(r->owner_keys);
  g_hash_table_unref(r->onlink);
  g_array_unref(r->onlink_lens);
  g_free(r->onlink_vals);
  g_free(r->onlink_keys);
  g_free(r->uf);
  for (uint32_t i = 0; i < r->n_trees; i++)
    g_free(r->trees[i].dist);
  g_free(r->trees);
  g_free(r->heap_key);
  g_free(r->heap_node);
  if (r->owned)
    sim_fib_free(r->owned);
  g_free(r);
}

static uint32_t
uf_find(uint32_t *uf, uint32_t x)
{
  while (uf[x] != x) {
    uf[x] = uf[uf[x]];
    x = uf[x];
  }
  return x;
}

static gboolean resolve(SimIp6 *ip, const SimIp6Addr *dst, void *data);

SimRouting *
sim_routing_new(SimNet *net, const SimRoutingConfig *cfg, const uint32_t *link_metric,
                GError **error)
{
  g_return_val_if_fail(net != NULL && cfg != NULL, NULL);
  (void)error;
  SimRouting *r = g_new0(SimRouting, 1);
  r->net = net;
  r->cfg = *cfg;
  uint32_t n = r->n = sim_net_n_nodes(net);
  r->forwarding = g_new0(bool, n);
  r->adj_start = g_new0(uint32_t, n + 1);
  r->uf = g_new(uint32_t, n);
  for (uint32_t i = 0; i < n; i++) {
    r->forwarding[i] = sim_node_is_forwarding(sim_net_node(net, i));
    r->uf[i] = i;
  }
  /* Layer-3 adjacency: a point-to-point interface leads to its peer; an
   * interface on a switched segment leads to every other IPv6 node on the
   * segment (found through the switches), with that node's address there
   * as the next hop. Switches themselves have no adjacency. */
  GArray *adj = g_array_new(FALSE, FALSE, sizeof(Adj));
  GArray *seen = g_array_new(FALSE, FALSE, sizeof(SimNode *));
  for (uint32_t i = 0; i < n; i++) {
    SimNode *node = sim_net_node(net, i);
    r->adj_start[i] = adj->len;
    if (sim_node_is_switch(node))
      continue;
    SimIp6 *nip = sim_ip6_of(node);
    for (uint32_t k = 0; k < sim_node_n_ifaces(node); k++) {
      SimIface *ifc = sim_node_iface(node, k);
      SimLink *l = sim_iface_link(ifc);
      /* a link with an end in a VRF (a PE's customer side) is not part of
       * the provider's routing: customers reach the core through their
       * static routes, the core never sees customer prefixes */
      SimIp6 *pip = sim_ip6_of(sim_iface_node(sim_iface_peer(ifc)));
      if ((nip && sim_ip6_iface_table(nip, ifc) != SIM_IP6_TABLE_MAIN) ||
          (pip && sim_ip6_iface_table(pip, sim_iface_peer(ifc)) != SIM_IP6_TABLE_MAIN))
        continue;
      uint32_t metric = 1;
      if (cfg->metric == SIM_METRIC_DELAY) {
        SimTime d = sim_link_config(l)->delay / SIM_NS(1);
        metric = d < 1 ? 1 : d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
      } else if (link_metric) {
        metric = link_metric[sim_link_index(l)];
      }
      if (metric == 0)
        metric = 1;
      SimNode *peer = sim_iface_node(sim_iface_peer(ifc));
      if (!sim_node_is_switch(peer)) {
        Adj a = { sim_node_index(peer), k, metric, { { 0 } } };
        g_array_append_val(adj, a);
        continue;
      }
      /* walk the switch fabric from the peer */
      g_array_set_size(seen, 0);
      g_array_append_val(seen, peer);
      for (guint q = 0; q < seen->len; q++) {
        SimNode *sw = g_array_index(seen, SimNode *, q);
        for (uint32_t j = 0; j < sim_node_n_ifaces(sw); j++) {
          SimIface *far = sim_iface_peer(sim_node_iface(sw, j));
          SimNode *v = sim_iface_node(far);
          if (v == node && far == ifc)
            continue;
          bool known = false;
          for (guint z = 0; z < seen->len && !known; z++)
            known = g_array_index(seen, SimNode *, z) == v;
          if (known)
            continue;
          if (sim_node_is_switch(v)) {
            g_array_append_val(seen, v);
            continue;
          }
          SimIp6 *vip = sim_ip6_of(v);
          const SimIp6Addr *gw = vip ? sim_ip6_iface_address(vip, far) : NULL;
          if (!gw || v == node)
            continue; /* no address there yet (autoconfiguring host) */
          Adj a = { sim_node_index(v), k, metric, *gw };
          g_array_append_val(adj, a);
        }
      }
    }
  }
  r->adj_start[n] = adj->len;
  g_array_unref(seen);
  size_t n_adj = adj->len;
  r->adj = (Adj *)g_array_free(adj, FALSE);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t e = r->adj_start[i]; e < r->adj_start[i + 1]; e++)
      if (r->forwarding[i] && r->forwarding[r->adj[e].nbr])
        r->uf[uf_find(r->uf, i)] = uf_find(r->uf, r->adj[e].nbr);
  r->unit_metrics = true;
  for (size_t e = 0; e < n_adj; e++)
    r->unit_metrics &= r->adj[e].metric == 1;
  /* address owners and on-link prefixes */
  size_t n_addr = 0;
  for (uint32_t i = 0; i < n; i++) {
    SimIp6 *ip = sim_ip6_of(sim_net_node(net, i));
    if (ip)
      n_addr += ip->addrs->len;
  }
  r->owner = g_hash_table_new(addr_hash, addr_equal);
  r->owner_keys = g_new(SimIp6Addr, n_addr ? n_addr : 1);
  r->onlink = g_hash_table_new(addr_hash, addr_equal);
  r->onlink_keys = g_new(SimIp6Addr, n_addr ? n_addr : 1);
  r->onlink_vals = g_new(OnLink, n_addr ? n_addr : 1);
  r->onlink_lens = g_array_new(FALSE, FALSE, sizeof(uint8_t));
  size_t k_own = 0, k_on = 0;
  for (uint32_t i = 0; i < n; i++) {
    SimIp6 *ip = sim_ip6_of(sim_net_node(net, i));
    if (!ip)
      continue;
    for (guint a = 0; a < ip->addrs->len; a++) {
      const Ip6AddrEntry *e = &g_array_index(ip->addrs, Ip6AddrEntry, a);
      r->owner_keys[k_own] = e->addr;
      g_hash_table_insert(r->owner, &r->owner_keys[k_own++], GUINT_TO_POINTER(i + 1));
      if (e->iface >= 0 && e->prefix_len < 128) {
        /* key: the masked prefix with its length folded into the host part
         * (lengths are <= 127 here, the host bits are zero after masking) */
        SimIp6Addr key = e->addr;
        sim_ip6_addr_mask(&key, e->prefix_len);
        key.b[15] ^= (uint8_t)(e->prefix_len + 1);
        if (!g_hash_table_contains(r->onlink, &key)) {
          r->onlink_keys[k_on] = key;
          r->onlink_vals[k_on] = (OnLink){ i, (uint32_t)e->iface };
          g_hash_table_insert(r->onlink, &r->onlink_keys[k_on], &r->onlink_vals[k_on]);
          k_on++;
          bool have_len = false;
          for (guint q = 0; q < r->onlink_lens->len; q++)
            have_len |= g_array_index(r->onlink_lens, uint8_t, q) == e->prefix_len;
          if (!have_len)
            g_array_append_val(r->onlink_lens, e->prefix_len);
        }
      }
    }
  }
  /* tree cache */
  size_t budget = cfg->cache_bytes ? cfg->cache_bytes : (size_t)256 << 20;
  size_t per = (size_t)(n ? n : 1) * sizeof(uint64_t);
  r->n_trees = (uint32_t)CLAMP(budget / per, 2, 4096);
  r->trees = g_new0(Tree, r->n_trees);
  for (uint32_t i = 0; i < r->n_trees; i++)
    r->trees[i].dest = UINT32_MAX;
  r->heap_key = g_new(uint64_t, n_adj + n + 1);
  r->heap_node = g_new(uint32_t, n_adj + n + 1);
  sim_net_set_slot(net, SIM_NET_SLOT_ROUTING, r, routing_free);
  sim_ip6_set_resolver(net, resolve, r);
  return r;
}

/* Binary heap with lazy deletion (entries may be stale). */
static void
heap_push(SimRouting *r, size_t *len, uint64_t key, uint32_t node)
{
  size_t j = (*len)++;
  while (j > 0) {
    size_t p = (j - 1) / 2;
    if (r->heap_key[p] <= key)
      break;
    r->heap_key[j] = r->heap_key[p];
    r->heap_node[j] = r->heap_node[p];
    j = p;
  }
  r->heap_key[j] = key;
  r->heap_node[j] = node;
}

static uint32_t
heap_pop(SimRouting *r, size_t *len, uint64_t *key)
{
  uint32_t top = r->heap_node[0];
  *key = r->heap_key[0];
  size_t n = --(*len);
  uint64_t k = r->heap_key[n];
  uint32_t v = r->heap_node[n];
  size_t j = 0;
  for (;;) {
    size_t c = 2 * j + 1;
    if (c >= n)
      break;
    if (c + 1 < n && r->heap_key[c + 1] < r->heap_key[c])
      c++;
    if (r->heap_key[c] >= k)
      break;
    r->heap_key[j] = r->heap_key[c];
    r->heap_node[j] = r->heap_node[c];
    j = c;
  }
  r->heap_key[j] = k;
  r->heap_node[j] = v;
  return top;
}

static void
compute_tree(SimRouting *r, uint32_t dest, uint64_t *dist)
{
  for (uint32_t i = 0; i < r->n; i++)
    dist[i] = DIST_INF;
  dist[dest] = 0;
  r->trees_computed++;
  if (r->unit_metrics) {
    /* breadth-first: every link costs 1 (the node array doubles as the
     * FIFO, each node enters once) */
    uint32_t *fifo = r->heap_node;
    size_t head = 0, tail = 0;
    fifo[tail++] = dest;
    while (head < tail) {
      uint32_t u = fifo[head++];
      if (u != dest && !r->forwarding[u])
        continue; /* no transit through hosts */
      uint64_t nd = dist[u] + 1;
      for (uint32_t e = r->adj_start[u]; e < r->adj_start[u + 1]; e++) {
        uint32_t v = r->adj[e].nbr;
        if (dist[v] == DIST_INF) {
          dist[v] = nd;
          fifo[tail++] = v;
        }
      }
    }
    return;
  }
  size_t len = 0;
  heap_push(r, &len, 0, dest);
  while (len) {
    uint64_t d;
    uint32_t u = heap_pop(r, &len, &d);
    if (d != dist[u])
      continue;
    if (u != dest && !r->forwarding[u])
      continue; /* no transit through hosts */
    for (uint32_t e = r->adj_start[u]; e < r->adj_start[u + 1]; e++) {
      const Adj *a = &r->adj[e];
      uint64_t nd = d + a->metric;
      if (nd < dist[a->nbr]) {
        dist[a->nbr] = nd;
        heap_push(r, &len, nd, a->nbr);
      }
    }
  }
}

static const uint64_t *
tree_for(SimRouting *r, uint32_t dest)
{
  Tree *victim = &r->trees[0];
  for (uint32_t i = 0; i < r->n_trees; i++) {
    Tree *t = &r->trees[i];
    if (t->dest == dest) {
      t->last_use = ++r->use_clock;
      return t->dist;
    }
    if (t->last_use < victim->last_use)
      victim = t;
  }
  if (!victim->dist)
    victim->dist = g_new(uint64_t, r->n ? r->n : 1);
  compute_tree(r, dest, victim->dist);
  victim->dest = dest;
  victim->last_use = ++r->use_clock;
  return victim->dist;
}

/* Installs at node @n a route for @prefix towards @dest from @dist; the
 * chosen next-hop nodes are appended to @next (all of them with ECMP). */
static gboolean
install_at(SimRouting *r, uint32_t n, const SimIp6Prefix *prefix, uint32_t dest,
           const uint64_t *dist, GArray *next)
{
  SimNode *node = sim_net_node(r->net, n);
  SimIface *outs[64];
  SimIp6Addr gws[64];
  unsigned k = 0;
  for (uint32_t e = r->adj_start[n]; e < r->adj_start[n + 1] && k < 64; e++) {
    const Adj *a = &r->adj[e];
    if (dist[a->nbr] == DIST_INF || dist[a->nbr] + a->metric != dist[n])
      continue;
    if (a->nbr != dest && !r->forwarding[a->nbr])
      continue;
    outs[k] = sim_node_iface(node, a->iface);
    gws[k++] = a->gw;
    if (next)
      g_array_append_val(next, a->nbr);
    if (!r->cfg.ecmp)
      break;
  }
  if (k == 0 || !sim_ip6_route_add_via(sim_ip6_install(node), prefix, outs, gws, k, NULL))
    return FALSE;
  r->routes_installed++;
  return TRUE;
}

/* Installs the route at @ip's node and along every shortest path from it
 * to @dest (the forwarding nodes of the shortest-path DAG that have no
 * route covering @prefix yet), so that a flow's packets miss the FIB once, at
 * their first hop, and one tree serves the whole path. */
static gboolean
install(SimRouting *r, SimIp6 *ip, const SimIp6Prefix *prefix, uint32_t dest)
{
  uint32_t n = sim_node_index(ip->node);
  const uint64_t *dist = tree_for(r, dest);
  if (dist[n] == DIST_INF || n == dest)
    return FALSE;
  GArray *todo = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  if (!install_at(r, n, prefix, dest, dist, todo)) {
    g_array_unref(todo);
    return FALSE;
  }
  while (todo->len) {
    uint32_t u = g_array_index(todo, uint32_t, todo->len - 1);
    g_array_set_size(todo, todo->len - 1);
    if (u == dest || !r->forwarding[u])
      continue;
    SimIp6 *uip = sim_ip6_install(sim_net_node(r->net, u));
    if (sim_fib_lookup(uip->fib, &prefix->addr, NULL) != SIM_FIB_NONE)
      continue; /* it routes this destination already (e.g. a static route) */
    install_at(r, u, prefix, dest, dist, todo);
  }
  g_array_unref(todo);
  return TRUE;
}

gboolean
sim_routing_add_prefix(SimRouting *r, const SimIp6Prefix *prefix, const SimNode *owner)
{
  if (!r->owned)
    r->owned = sim_fib_new();
  SimIp6Addr a = prefix->addr;
  sim_ip6_addr_mask(&a, prefix->len);
  if (sim_fib_get(r->owned, &a, prefix->len) != SIM_FIB_NONE)
    return FALSE;
  sim_fib_insert(r->owned, &a, prefix->len, sim_node_index(owner) + 1);
  return TRUE;
}

static gboolean
resolve(SimIp6 *ip, const SimIp6Addr *dst, void *data)
{
  SimRouting *r = data;
  gpointer v = g_hash_table_lookup(r->owner, dst);
  if (v) {
    SimIp6Prefix p = { *dst, 128 };
    return install(r, ip, &p, GPOINTER_TO_UINT(v) - 1);
  }
  if (r->owned) {
    /* a locator: one route for the whole prefix (RFC 8986 §3.3: the
     * locator is routable, its SIDs are not advertised one by one) */
    unsigned len = 0;
    uint32_t o = sim_fib_lookup(r->owned, dst, &len);
    if (o != SIM_FIB_NONE) {
      SimIp6Prefix p = { *dst, (uint8_t)len };
      sim_ip6_addr_mask(&p.addr, len);
      return install(r, ip, &p, o - 1);
    }
  }
  /* nobody owns it: route towards the link whose prefix holds it */
  for (guint q = 0; q < r->onlink_lens->len; q++) {
    uint8_t len = g_array_index(r->onlink_lens, uint8_t, q);
    SimIp6Addr key = *dst;
    sim_ip6_addr_mask(&key, len);
    SimIp6Prefix p = { key, len };
    key.b[15] ^= (uint8_t)(len + 1);
    const OnLink *ol = g_hash_table_lookup(r->onlink, &key);
    if (ol)
      return install(r, ip, &p, ol->node);
  }
  return FALSE;
}

/* Components a node belongs to: a router its own, a host its routers'.
 * Returns how many were written (at most @max). */
static unsigned
components(SimRouting *r, uint32_t x, uint32_t *out, unsigned max)
{
  if (r->forwarding[x]) {
    out[0] = uf_find(r->uf, x);
    return 1;
  }
  unsigned k = 0;
  for (uint32_t e = r->adj_start[x]; e < r->adj_start[x + 1] && k < max; e++)
    if (r->forwarding[r->adj[e].nbr])
      out[k++] = uf_find(r->uf, r->adj[e].nbr);
  return k;
}

gboolean
sim_routing_reachable(SimRouting *r, const SimNode *src, const SimNode *dst)
{
  uint32_t s = sim_node_index(src), d = sim_node_index(dst);
  if (s == d)
    return TRUE;
  for (uint32_t e = r->adj_start[s]; e < r->adj_start[s + 1]; e++)
    if (r->adj[e].nbr == d)
      return TRUE; /* neighbours */
  uint32_t cs[16], cd[16];
  unsigned ns = components(r, s, cs, 16), nd = components(r, d, cd, 16);
  for (unsigned i = 0; i < ns; i++)
    for (unsigned j = 0; j < nd; j++)
      if (cs[i] == cd[j])
        return TRUE;
  return FALSE;
}

gboolean
sim_routing_uses_ecmp(const SimRouting *r)
{
  return r->cfg.ecmp;
}

uint64_t
sim_routing_trees_computed(const SimRouting *r)
{
  return r->trees_computed;
}

uint64_t
sim_routing_routes_installed(const SimRouting *r)
{
  return r->routes_installed;
}
