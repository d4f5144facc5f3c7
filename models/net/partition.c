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

static void find_cuts(SimPartition *p);

/* An empty partition of @net over @ranks, or NULL with an error. */
static SimPartition *
partition_new(SimNet *net, uint32_t ranks, GError **error)
{
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
  return p;
}

static SimNode *
neighbour(SimNode *u, uint32_t f)
{
  return sim_iface_node(sim_iface_peer(sim_node_iface(u, f)));
}

/* Nodes joined by links shorter than a threshold form one group (they
 * stay on one rank); groups are stored as member lists (CSR). */
typedef struct {
  uint32_t n;        /* groups */
  uint32_t *of;      /* per node: its group */
  uint32_t *start;   /* per group + 1: offset into members */
  uint32_t *members; /* node indices, grouped */
  uint64_t *weight;  /* per group */
} Groups;

static uint32_t
find(uint32_t *up, uint32_t x)
{
  while (up[x] != x) {
    up[x] = up[up[x]];
    x = up[x];
  }
  return x;
}

/* Groups of the links with delay < @tau; groups are numbered by their
 * lowest node. */
static void
groups_build(SimNet *net, SimTime tau, const uint64_t *w, Groups *g)
{
  uint32_t n = sim_net_n_nodes(net);
  g_autofree uint32_t *up = g_new(uint32_t, n);
  for (uint32_t i = 0; i < n; i++)
    up[i] = i;
  for (uint32_t l = 0; l < sim_net_n_links(net); l++) {
    SimLink *link = sim_net_link(net, l);
    if (sim_link_config(link)->delay >= tau)
      continue;
    uint32_t a = find(up, sim_node_index(sim_iface_node(sim_link_end(link, 0))));
    uint32_t b = find(up, sim_node_index(sim_iface_node(sim_link_end(link, 1))));
    if (a != b)
      up[MAX(a, b)] = MIN(a, b);
  }
  g->n = 0;
  g->of = g_new(uint32_t, n);
  g_autofree uint32_t *id = g_new(uint32_t, n);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t r = find(up, i);
    if (r == i)
      id[i] = g->n++;
    g->of[i] = id[r];
  }
  g->start = g_new0(uint32_t, g->n + 1);
  g->weight = g_new0(uint64_t, g->n);
  for (uint32_t i = 0; i < n; i++) {
    g->start[g->of[i] + 1]++;
    g->weight[g->of[i]] += w[i];
  }
  for (uint32_t k = 0; k < g->n; k++)
    g->start[k + 1] += g->start[k];
  g->members = g_new(uint32_t, n);
  g_autofree uint32_t *fill = g_memdup2(g->start, sizeof(uint32_t) * g->n);
  for (uint32_t i = 0; i < n; i++)
    g->members[fill[g->of[i]]++] = i;
}

static void
groups_clear(Groups *g)
{
  g_free(g->of);
  g_free(g->start);
  g_free(g->members);
  g_free(g->weight);
}

/* Breadth-first order of every group starting at @start, then at the
 * lowest-numbered unvisited group of each other component. */
static void
bfs(SimNet *net, const Groups *g, uint32_t start, uint32_t *order, uint8_t *seen)
{
  uint32_t n = g->n, head = 0, tail = 0, next = 0;
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
    uint32_t k = order[head++];
    for (uint32_t m = g->start[k]; m < g->start[k + 1]; m++) {
      SimNode *u = sim_net_node(net, g->members[m]);
      for (uint32_t f = 0; f < sim_node_n_ifaces(u); f++) {
        uint32_t v = g->of[sim_node_index(neighbour(u, f))];
        if (!seen[v]) {
          seen[v] = 1;
          order[tail++] = v;
        }
      }
    }
  }
}

/* Moves boundary groups to the neighbouring rank holding most of their
 * links when that cuts fewer links and keeps each rank within 5 % of the
 * mean weight. @rank is per group. */
static void
refine(SimNet *net, const Groups *g, uint32_t ranks, uint32_t *rank, uint64_t *weight,
       uint32_t *count_of_rank, uint64_t total)
{
  double mean = (double)total / ranks;
  uint64_t hi = (uint64_t)(mean * 1.05), lo = (uint64_t)(mean * 0.95);
  g_autofree uint32_t *count = g_new0(uint32_t, ranks);
  for (uint32_t k = 0; k < g->n; k++) {
    uint32_t own = rank[k], best = own;
    if (count_of_rank[own] <= 1)
      continue;
    for (uint32_t m = g->start[k]; m < g->start[k + 1]; m++) {
      SimNode *u = sim_net_node(net, g->members[m]);
      for (uint32_t f = 0; f < sim_node_n_ifaces(u); f++) {
        uint32_t q = rank[g->of[sim_node_index(neighbour(u, f))]];
        if (++count[q] > count[best])
          best = q;
      }
    }
    if (best != own && count[best] > count[own] && weight[best] + g->weight[k] <= hi &&
        weight[own] - g->weight[k] >= lo) {
      weight[own] -= g->weight[k];
      weight[best] += g->weight[k];
      count_of_rank[own]--;
      count_of_rank[best]++;
      rank[k] = best;
    }
    memset(count, 0, sizeof(uint32_t) * ranks);
  }
}

static double
imbalance(const uint64_t *weight, uint32_t ranks, uint64_t total)
{
  uint64_t max = 0;
  for (uint32_t r = 0; r < ranks; r++)
    max = MAX(max, weight[r]);
  return total ? (double)max * ranks / (double)total : 1.0;
}

static gint cmp_weight_desc(gconstpointer a, gconstpointer b, gpointer data);

/* When bands of coarse groups are uneven: the heaviest group first onto
 * the lightest rank (LPT). Every link between groups is at least as long
 * as the threshold, so the lookahead does not suffer; more links may be
 * cut. */
static void
balance(const Groups *g, uint32_t ranks, uint32_t *rank, uint64_t *weight, uint32_t *count)
{
  g_autofree uint32_t *order = g_new(uint32_t, g->n);
  for (uint32_t k = 0; k < g->n; k++)
    order[k] = k;
  g_qsort_with_data(order, (gint)g->n, sizeof(uint32_t), cmp_weight_desc, g->weight);
  memset(weight, 0, sizeof(uint64_t) * ranks);
  memset(count, 0, sizeof(uint32_t) * ranks);
  for (uint32_t k = 0; k < g->n; k++) {
    uint32_t best = 0;
    for (uint32_t r = 1; r < ranks; r++)
      if (weight[r] < weight[best] || (count[best] > 0 && count[r] == 0))
        best = r;
    rank[order[k]] = best;
    weight[best] += g->weight[order[k]];
    count[best]++;
  }
}

/* Splits the groups of @g over @ranks: rank per group into @rank, the
 * weight and group count per rank; FALSE when there are fewer groups
 * than ranks. */
static gboolean
split(SimNet *net, const Groups *g, uint32_t ranks, uint64_t total, uint32_t *rank,
      uint64_t *weight, uint32_t *count)
{
  uint32_t n = g->n;
  if (n < ranks)
    return FALSE;
  memset(weight, 0, sizeof(uint64_t) * ranks);
  memset(count, 0, sizeof(uint32_t) * ranks);
  /* a peripheral start: the last group reached from group 0 */
  g_autofree uint32_t *order = g_new(uint32_t, n);
  g_autofree uint8_t *seen = g_new(uint8_t, n);
  bfs(net, g, 0, order, seen);
  bfs(net, g, order[n - 1], order, seen);
  /* consecutive pieces of equal weight; every rank gets a group */
  uint64_t prefix = 0;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = order[k];
    uint64_t r = (2 * prefix + g->weight[i]) * ranks / (2 * total);
    uint32_t rk = (uint32_t)MIN(r, ranks - 1);
    rk = MAX(rk, ranks - MIN(ranks, n - k)); /* one group left for each later rank */
    if (k > 0)
      rk = MIN(rk, rank[order[k - 1]] + 1);
    rank[i] = rk;
    count[rk]++;
    weight[rk] += g->weight[i];
    prefix += g->weight[i];
  }
  if (imbalance(weight, ranks, total) > 1.15)
    balance(g, ranks, rank, weight, count);
  if (ranks > 1)
    refine(net, g, ranks, rank, weight, count, total);
  return TRUE;
}


static gint
cmp_weight_desc(gconstpointer a, gconstpointer b, gpointer data)
{
  const uint64_t *w = data;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return w[x] < w[y] ? 1 : w[x] > w[y] ? -1 : (x > y) - (x < y);
}

static gint
cmp_time_desc(gconstpointer a, gconstpointer b)
{
  SimTime x = *(const SimTime *)a, y = *(const SimTime *)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

SimPartition *
sim_net_partition(SimNet *net, uint32_t ranks, GError **error)
{
  g_return_val_if_fail(net != NULL, NULL);
  uint32_t n = sim_net_n_nodes(net);
  SimPartition *p = partition_new(net, ranks, error);
  if (!p)
    return NULL;
  g_autofree uint64_t *w = g_new(uint64_t, n);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    w[i] = 1 + sim_node_n_ifaces(sim_net_node(net, i));
    total += w[i];
  }
  /* thresholds: the distinct link delays, longest first; links shorter
   * than the threshold are not cut. The longest threshold whose split
   * keeps the ranks within 15 % of the mean wins (the lookahead is then
   * at least the threshold); the last try, 0, cuts any link. */
  g_autoptr(GArray) taus = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (uint32_t l = 0; l < sim_net_n_links(net); l++) {
    SimTime d = sim_link_config(sim_net_link(net, l))->delay;
    g_array_append_val(taus, d);
  }
  g_array_sort(taus, cmp_time_desc);
  guint nd = 0;
  for (guint i = 0; i < taus->len; i++)
    if (nd == 0 || g_array_index(taus, SimTime, i) != g_array_index(taus, SimTime, nd - 1))
      g_array_index(taus, SimTime, nd++) = g_array_index(taus, SimTime, i);
  g_array_set_size(taus, MIN(nd, 32u));
  SimTime zero = 0;
  g_array_append_val(taus, zero);
  g_autofree uint32_t *grank = NULL;
  g_autofree uint32_t *count = g_new(uint32_t, ranks);
  for (guint t = 0; t < taus->len; t++) {
    Groups g;
    groups_build(net, g_array_index(taus, SimTime, t), w, &g);
    g_free(grank);
    grank = g_new(uint32_t, g.n);
    gboolean ok = ranks == 1 || split(net, &g, ranks, total, grank, p->weight, count);
    if (ranks == 1) {
      memset(grank, 0, sizeof(uint32_t) * g.n);
      p->weight[0] = total;
    }
    if (ok && (imbalance(p->weight, ranks, total) <= 1.15 || t + 1 == taus->len)) {
      for (uint32_t i = 0; i < n; i++) {
        p->rank[i] = grank[g.of[i]];
        p->nodes[p->rank[i]]++;
      }
      groups_clear(&g);
      break;
    }
    groups_clear(&g);
  }
  find_cuts(p);
  return p;
}

/* Cut links and the lookahead of @p's ranks. */
static void
find_cuts(SimPartition *p)
{
  SimNet *net = p->net;
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
}

SimPartition *
sim_partition_new_given(SimNet *net, uint32_t ranks, const uint32_t *node_rank, GError **error)
{
  g_return_val_if_fail(net != NULL && node_rank != NULL, NULL);
  uint32_t n = sim_net_n_nodes(net);
  SimPartition *p = partition_new(net, ranks, error);
  if (!p)
    return NULL;
  for (uint32_t i = 0; i < n; i++) {
    g_return_val_if_fail(node_rank[i] < ranks, (sim_partition_free(p), NULL));
    p->rank[i] = node_rank[i];
    p->nodes[node_rank[i]]++;
    p->weight[node_rank[i]] += 1 + sim_node_n_ifaces(sim_net_node(net, i));
  }
  for (uint32_t r = 0; r < ranks; r++) {
    if (p->nodes[r] == 0) {
      g_set_error(error, SIM_PARTITION_ERROR, SIM_PARTITION_ERROR_RANKS,
                  "rank %u holds no node (expected every rank to hold at least one)", r);
      sim_partition_free(p);
      return NULL;
    }
  }
  find_cuts(p);
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
