/* partition.c - splitting a network over ranks (partition.h). */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "partition.h"

#include <string.h>

G_DEFINE_QUARK(sim-partition-error-quark, sim_partition_error)

struct _SimPartition {
  SimNet *net;
  uint32_t ranks;
  uint32_t *rank;     /* per node */
  uint32_t *nodes;    /* per rank */
  uint64_t *weight;   /* per rank */
  uint32_t n_cut;
  SimTime lookahead;
  SimLink *lookahead_link;
};

static SimNode *
neighbour(SimNode *u, uint32_t f)
{
  return sim_iface_node(sim_iface_peer(sim_node_iface(u, f)));
}

/* Breadth-first order of every node starting at @start, then at the
 * lowest-numbered unvisited node of each other component; @seen is reset. */
static void
bfs(SimNet *net, uint32_t start, uint32_t *order, uint8_t *seen)
{
  uint32_t n = sim_net_n_nodes(net), head = 0, tail = 0, next = 0;
  memset(seen, 0, n);
  order[tail++] = start;
  seen[start] = 1;
  while (tail < n) {
    if (head == tail) {
      while (seen[next])
        next++;
      order[tail++] = next;
      seen[next] = 1;
    }
    SimNode *u = sim_net_node(net, order[head++]);
    for (uint32_t f = 0; f < sim_node_n_ifaces(u); f++) {
      uint32_t v = sim_node_index(neighbour(u, f));
      if (!seen[v]) {
        seen[v] = 1;
        order[tail++] = v;
      }
    }
  }
}

/* Moves boundary nodes to the neighbouring rank holding most of their
 * links when that cuts fewer links and keeps each rank within 5 % of the
 * mean weight. */
static void
refine(SimPartition *p, const uint64_t *w, uint64_t total)
{
  SimNet *net = p->net;
  double mean = (double)total / p->ranks;
  uint64_t hi = (uint64_t)(mean * 1.05), lo = (uint64_t)(mean * 0.95);
  g_autofree uint32_t *count = g_new0(uint32_t, p->ranks);
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *u = sim_net_node(net, i);
    uint32_t own = p->rank[i], nf = sim_node_n_ifaces(u);
    if (p->nodes[own] <= 1)
      continue;
    for (uint32_t f = 0; f < nf; f++)
      count[p->rank[sim_node_index(neighbour(u, f))]]++;
    uint32_t best = own;
    for (uint32_t f = 0; f < nf; f++) {
      uint32_t q = p->rank[sim_node_index(neighbour(u, f))];
      if (count[q] > count[best])
        best = q;
    }
    if (best != own && count[best] > count[own] && p->weight[best] + w[i] <= hi &&
        p->weight[own] - w[i] >= lo) {
      p->weight[own] -= w[i];
      p->weight[best] += w[i];
      p->nodes[own]--;
      p->nodes[best]++;
      p->rank[i] = best;
    }
    for (uint32_t f = 0; f < nf; f++)
      count[p->rank[sim_node_index(neighbour(u, f))]] = 0;
    count[own] = count[best] = 0;
  }
}

SimPartition *
sim_net_partition(SimNet *net, uint32_t ranks, GError **error)
{
  g_return_val_if_fail(net != NULL, NULL);
  uint32_t n = sim_net_n_nodes(net);
  if (ranks == 0 || ranks > n) {
    g_set_error(error, SIM_PARTITION_ERROR, SIM_PARTITION_ERROR_RANKS,
                "cannot split %u nodes over %u ranks (expected 1 to %u ranks)", n, ranks, n);
    return NULL;
  }
  SimPartition *p = g_new0(SimPartition, 1);
  p->net = net;
  p->ranks = ranks;
  p->rank = g_new0(uint32_t, n);
  p->nodes = g_new0(uint32_t, ranks);
  p->weight = g_new0(uint64_t, ranks);
  g_autofree uint64_t *w = g_new(uint64_t, n);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    w[i] = 1 + sim_node_n_ifaces(sim_net_node(net, i));
    total += w[i];
  }
  /* a peripheral start: the last node reached from node 0 */
  g_autofree uint32_t *order = g_new(uint32_t, n);
  g_autofree uint8_t *seen = g_new(uint8_t, n);
  bfs(net, 0, order, seen);
  bfs(net, order[n - 1], order, seen);
  /* consecutive pieces of equal weight; every rank gets a node */
  uint64_t prefix = 0;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = order[k];
    uint64_t r = (2 * prefix + w[i]) * ranks / (2 * total);
    uint32_t rank = (uint32_t)MIN(r, ranks - 1);
    /* leave at least one node for each later rank */
    rank = MAX(rank, ranks - MIN(ranks, n - k));
    if (k > 0)
      rank = MIN(rank, p->rank[order[k - 1]] + 1);
    p->rank[i] = rank;
    p->nodes[rank]++;
    p->weight[rank] += w[i];
    prefix += w[i];
  }
  if (ranks > 1)
    refine(p, w, total);
  p->lookahead = SIM_TIME_MAX;
  for (uint32_t l = 0; l < sim_net_n_links(net); l++) {
    SimLink *link = sim_net_link(net, l);
    uint32_t a = sim_node_index(sim_iface_node(sim_link_end(link, 0)));
    uint32_t b = sim_node_index(sim_iface_node(sim_link_end(link, 1)));
    if (p->rank[a] == p->rank[b])
      continue;
    p->n_cut++;
    SimTime d = sim_link_config(link)->delay;
    if (d < p->lookahead) {
      p->lookahead = d;
      p->lookahead_link = link;
    }
  }
  return p;
}

void
sim_partition_free(SimPartition *p)
{
  if (!p)
    return;
  g_free(p->rank);
  g_free(p->nodes);
  g_free(p->weight);
  g_free(p);
}

uint32_t
sim_partition_n_ranks(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->ranks;
}

uint32_t
sim_partition_rank(const SimPartition *p, uint32_t node)
{
  g_return_val_if_fail(p != NULL && node < sim_net_n_nodes(p->net), 0);
  return p->rank[node];
}

uint32_t
sim_partition_rank_nodes(const SimPartition *p, uint32_t rank)
{
  g_return_val_if_fail(p != NULL && rank < p->ranks, 0);
  return p->nodes[rank];
}

uint64_t
sim_partition_rank_weight(const SimPartition *p, uint32_t rank)
{
  g_return_val_if_fail(p != NULL && rank < p->ranks, 0);
  return p->weight[rank];
}

uint32_t
sim_partition_n_cut(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->n_cut;
}

SimTime
sim_partition_lookahead(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->lookahead;
}

SimLink *
sim_partition_lookahead_link(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  return p->lookahead_link;
}

double
sim_partition_imbalance(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, 0);
  uint64_t total = 0, max = 0;
  for (uint32_t r = 0; r < p->ranks; r++) {
    total += p->weight[r];
    max = MAX(max, p->weight[r]);
  }
  return total ? (double)max * p->ranks / (double)total : 1.0;
}

char *
sim_partition_describe(const SimPartition *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%u rank%s: nodes ", p->ranks, p->ranks > 1 ? "s" : "");
  for (uint32_t r = 0; r < p->ranks; r++)
    g_string_append_printf(s, "%s%u", r ? "/" : "", p->nodes[r]);
  g_string_append_printf(s, ", weight imbalance %.3f, %u cut link%s", sim_partition_imbalance(p),
                         p->n_cut, p->n_cut == 1 ? "" : "s");
  if (p->lookahead_link) {
    char t[SIM_TIME_FORMAT_SIZE];
    g_string_append_printf(s, ", lookahead %s (link %s)", sim_time_format(p->lookahead, t),
                           sim_link_name(p->lookahead_link));
  } else {
    g_string_append(s, " (no lookahead needed)");
  }
  return g_string_free(s, FALSE);
}
