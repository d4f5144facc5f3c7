/* topo-gen.c - topology generators: regular shapes, fat tree, random graphs,
 * 5G mobile transport.
 *
 * Every generator validates its parameters, computes the exact node and
 * link counts first (in 64 bits, refused beyond SIM_TOPO_MAX_*), reserves
 * them, then adds nodes and links in the documented order
 * (docs/topologies.md). Node indices are therefore computed, never looked
 * up by name.
 *
 * The random generators draw only from the caller's stream and draw the
 * same number of values whatever the outcome of each draw (Waxman: one per
 * node pair), so a given stream gives the same graph byte for byte.
 * Barabási–Albert picks targets from the list of link endpoints, which
 * makes a draw proportional to degree in O(1); duplicates are redrawn.
 */
#define G_LOG_DOMAIN "ipesim-topo"
#include "config.h"

#include "topo.h"

#include <math.h>
#include <string.h>

#include "simunits.h"

#define NAME_MAX_LEN 64

/* A new topology sized for the given counts, or NULL with @error. */
static SimTopo *
gen_begin(const char *what, gint64 n_nodes, gint64 n_links, GError **error)
{
  if (n_nodes > SIM_TOPO_MAX_NODES || n_links > SIM_TOPO_MAX_LINKS) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT,
                "%s: %" G_GINT64_FORMAT " nodes and %" G_GINT64_FORMAT
                " links, expected at most %d of each",
                what, n_nodes, n_links, SIM_TOPO_MAX_NODES);
    return NULL;
  }
  SimTopo *t = sim_topo_new();
  sim_topo_reserve(t, (int)n_nodes, (int)n_links);
  return t;
}

/* Adds a node whose name is unique by construction. */
static int
gen_node(SimTopo *t, const char *name, const char *role)
{
  int id = sim_topo_add_node(t, name, role, NULL);
  g_assert(id >= 0);
  return id;
}

/* Adds a link between two distinct nodes, within the reserved count. */
static void
gen_link(SimTopo *t, int a, int b)
{
  int id = sim_topo_add_link(t, a, b, NULL);
  g_assert(id >= 0);
}

/* "r0" ... "r<n-1>" */
static void
gen_numbered_routers(SimTopo *t, int n)
{
  char name[NAME_MAX_LEN];
  for (int i = 0; i < n; i++) {
    g_snprintf(name, sizeof name, "r%d", i);
    gen_node(t, name, "router");
  }
}

SimTopo *
sim_topo_gen_line(int n, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (n < 2) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "line: expected n >= 2 nodes, got %d", n);
    return NULL;
  }
  SimTopo *t = gen_begin("line", n, n - 1, error);
  if (t == NULL)
    return NULL;
  gen_numbered_routers(t, n);
  for (int i = 0; i + 1 < n; i++)
    gen_link(t, i, i + 1);
  return t;
}

SimTopo *
sim_topo_gen_ring(int n, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (n < 3) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "ring: expected n >= 3 nodes, got %d", n);
    return NULL;
  }
  SimTopo *t = gen_begin("ring", n, n, error);
  if (t == NULL)
    return NULL;
  gen_numbered_routers(t, n);
  for (int i = 0; i < n; i++)
    gen_link(t, i, (i + 1) % n);
  return t;
}

SimTopo *
sim_topo_gen_star(int n, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (n < 1) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "star: expected n >= 1 leaves, got %d", n);
    return NULL;
  }
  SimTopo *t = gen_begin("star", (gint64)n + 1, n, error);
  if (t == NULL)
    return NULL;
  char name[NAME_MAX_LEN];
  int hub = gen_node(t, "hub", "router");
  for (int i = 0; i < n; i++) {
    g_snprintf(name, sizeof name, "leaf%d", i);
    gen_link(t, hub, gen_node(t, name, "router"));
  }
  return t;
}

SimTopo *
sim_topo_gen_lan(int hosts, int per_switch, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (hosts < 1 || per_switch < 1) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "lan: expected hosts >= 1 and per_switch >= 1, got %d and %d", hosts, per_switch);
    return NULL;
  }
  int access = (hosts + per_switch - 1) / per_switch;
  SimTopo *t = gen_begin("lan", (gint64)hosts + access + 2, hosts + access + 1, error);
  if (t == NULL)
    return NULL;
  char name[NAME_MAX_LEN];
  int gw = gen_node(t, "gw", "router");
  int core = gen_node(t, "core", "switch");
  gen_link(t, gw, core);
  int sw = -1;
  for (int i = 0; i < hosts; i++) {
    if (i % per_switch == 0) {
      g_snprintf(name, sizeof name, "acc%d", i / per_switch);
      sw = gen_node(t, name, "switch");
      gen_link(t, core, sw);
    }
    g_snprintf(name, sizeof name, "h%d", i);
    gen_link(t, sw, gen_node(t, name, "host"));
  }
  return t;
}

/* Nodes "r<row>_<col>" in row-major order. */
static void
gen_grid_nodes(SimTopo *t, int rows, int cols)
{
  char name[NAME_MAX_LEN];
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) {
      g_snprintf(name, sizeof name, "r%d_%d", r, c);
      gen_node(t, name, "router");
    }
}

SimTopo *
sim_topo_gen_grid(int rows, int cols, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (rows < 1 || cols < 1 || (rows == 1 && cols == 1)) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "grid: expected rows >= 1 and cols >= 1 with at least 2 nodes, got %d x %d",
                rows, cols);
    return NULL;
  }
  gint64 n_links = (gint64)rows * (cols - 1) + (gint64)cols * (rows - 1);
  SimTopo *t = gen_begin("grid", (gint64)rows * cols, n_links, error);
  if (t == NULL)
    return NULL;
  gen_grid_nodes(t, rows, cols);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) {
      int id = r * cols + c;
      if (c + 1 < cols)
        gen_link(t, id, id + 1);
      if (r + 1 < rows)
        gen_link(t, id, id + cols);
    }
  return t;
}

SimTopo *
sim_topo_gen_torus(int rows, int cols, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  /* Below 3, a wrap-around link would double a grid link. */
  if (rows < 3 || cols < 3) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "torus: expected rows >= 3 and cols >= 3, got %d x %d", rows, cols);
    return NULL;
  }
  gint64 n = (gint64)rows * cols;
  SimTopo *t = gen_begin("torus", n, 2 * n, error);
  if (t == NULL)
    return NULL;
  gen_grid_nodes(t, rows, cols);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) {
      int id = r * cols + c;
      gen_link(t, id, r * cols + (c + 1) % cols);
      gen_link(t, id, ((r + 1) % rows) * cols + c);
    }
  return t;
}

SimTopo *
sim_topo_gen_tree(int depth, int fanout, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (depth < 1 || fanout < 1) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "tree: expected depth >= 1 and fanout >= 1, got depth %d, fanout %d", depth,
                fanout);
    return NULL;
  }
  /* Total nodes, stopping once past the limit (fanout^depth can overflow). */
  gint64 n = 0, level = 1;
  for (int d = 0; d <= depth && n <= SIM_TOPO_MAX_NODES; d++) {
    n += level;
    level *= fanout;
    if (level > SIM_TOPO_MAX_NODES)
      level = (gint64)SIM_TOPO_MAX_NODES + 1;
  }
  SimTopo *t = gen_begin("tree", n, n - 1, error);
  if (t == NULL)
    return NULL;
  char name[NAME_MAX_LEN];
  int parent_start = 0; /* index of the first node of the previous level */
  level = 1;
  for (int d = 0; d <= depth; d++) {
    int start = sim_topo_n_nodes(t);
    for (gint64 i = 0; i < level; i++) {
      g_snprintf(name, sizeof name, "t%d_%" G_GINT64_FORMAT, d, i);
      int id = gen_node(t, name, "router");
      if (d > 0)
        gen_link(t, parent_start + (int)(i / fanout), id);
    }
    parent_start = start;
    level *= fanout;
  }
  return t;
}

SimTopo *
sim_topo_gen_fat_tree(int k, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (k < 2 || k % 2 != 0) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "fat-tree: expected an even number of ports k >= 2, got %d", k);
    return NULL;
  }
  if (k > 4096) { /* k^3/4 hosts are far beyond the limit, and past 64 bits soon */
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT,
                "fat-tree: k = %d gives more than %d hosts", k, SIM_TOPO_MAX_NODES);
    return NULL;
  }
  gint64 h = k / 2, kk = k;
  gint64 n_core = h * h, n_pod = kk * h; /* aggregation (and edge) switches */
  gint64 n_hosts = kk * kk * kk / 4;
  SimTopo *t = gen_begin("fat-tree", n_core + 2 * n_pod + n_hosts, 3 * n_hosts, error);
  if (t == NULL)
    return NULL;

  char name[NAME_MAX_LEN];
  int half = k / 2;
  for (int j = 0; j < half * half; j++) {
    g_snprintf(name, sizeof name, "core%d", j);
    gen_node(t, name, "router");
  }
  int agg0 = sim_topo_n_nodes(t);
  for (int p = 0; p < k; p++)
    for (int i = 0; i < half; i++) {
      g_snprintf(name, sizeof name, "agg%d_%d", p, i);
      gen_node(t, name, "router");
    }
  int edge0 = sim_topo_n_nodes(t);
  for (int p = 0; p < k; p++)
    for (int i = 0; i < half; i++) {
      g_snprintf(name, sizeof name, "edge%d_%d", p, i);
      gen_node(t, name, "router");
    }
  int host0 = sim_topo_n_nodes(t);
  for (int p = 0; p < k; p++)
    for (int e = 0; e < half; e++)
      for (int i = 0; i < half; i++) {
        g_snprintf(name, sizeof name, "host%d_%d_%d", p, e, i);
        gen_node(t, name, "host");
      }

  /* Aggregation switch i of every pod uplinks to cores i*k/2 .. i*k/2+k/2-1. */
  for (int p = 0; p < k; p++)
    for (int i = 0; i < half; i++)
      for (int c = 0; c < half; c++)
        gen_link(t, i * half + c, agg0 + p * half + i);
  for (int p = 0; p < k; p++)
    for (int i = 0; i < half; i++)
      for (int e = 0; e < half; e++)
        gen_link(t, agg0 + p * half + i, edge0 + p * half + e);
  for (int p = 0; p < k; p++)
    for (int e = 0; e < half; e++)
      for (int i = 0; i < half; i++)
        gen_link(t, edge0 + p * half + e, host0 + (p * half + e) * half + i);
  return t;
}

/* ---- random graphs -------------------------------------------------------- */

static double
dist2(const double *xy, int u, int v)
{
  double dx = xy[2 * u] - xy[2 * v], dy = xy[2 * u + 1] - xy[2 * v + 1];
  return dx * dx + dy * dy;
}

/* Links each component c >= 1 (numbered by lowest node) to the nearest node
 * of components 0 .. c-1; ties go to the lowest (u, v). One O(n^2) pass:
 * a pair is looked at for the higher of its two components. */
static gboolean
waxman_connect(SimTopo *t, const double *xy, GError **error)
{
  int n = sim_topo_n_nodes(t);
  int *comp = g_new(int, n);
  int n_comp = sim_topo_components(t, comp);
  if (n_comp <= 1) {
    g_free(comp);
    return TRUE;
  }
  double *best_d = g_new(double, n_comp);
  int *best_u = g_new(int, n_comp), *best_v = g_new(int, n_comp);
  for (int c = 0; c < n_comp; c++)
    best_d[c] = INFINITY;
  for (int u = 0; u < n; u++)
    for (int v = 0; v < n; v++) {
      if (comp[v] >= comp[u])
        continue;
      double d = dist2(xy, u, v);
      if (d < best_d[comp[u]]) {
        best_d[comp[u]] = d;
        best_u[comp[u]] = u;
        best_v[comp[u]] = v;
      }
    }
  gboolean ok = TRUE;
  for (int c = 1; c < n_comp && ok; c++)
    ok = sim_topo_add_link(t, best_u[c], best_v[c], error) >= 0;
  g_free(best_v);
  g_free(best_u);
  g_free(best_d);
  g_free(comp);
  return ok;
}

SimTopo *
sim_topo_gen_waxman(int n, double alpha, double beta, gboolean connected, SimRng *rng,
                    GError **error)
{
  g_return_val_if_fail(rng != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (n < 1 || !(alpha > 0 && isfinite(alpha)) || !(beta > 0 && beta <= 1)) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "waxman: expected n >= 1, alpha > 0 and 0 < beta <= 1, got n %d, alpha %g, "
                "beta %g",
                n, alpha, beta);
    return NULL;
  }
  SimTopo *t = gen_begin("waxman", n, 0, error);
  if (t == NULL)
    return NULL;
  gen_numbered_routers(t, n);
  double *xy = g_new(double, 2 * (gsize)n);
  for (int i = 0; i < n; i++) {
    xy[2 * i] = sim_rng_uniform(rng);
    xy[2 * i + 1] = sim_rng_uniform(rng);
    sim_topo_node_set_xy(t, i, xy[2 * i], xy[2 * i + 1]);
  }
  double max2 = 0;
  for (int u = 0; u < n; u++)
    for (int v = u + 1; v < n; v++)
      max2 = MAX(max2, dist2(xy, u, v));
  /* L = 0 only if all nodes coincide: every pair then has probability beta. */
  double scale = max2 > 0 ? 1.0 / (alpha * sqrt(max2)) : 0.0;
  gboolean ok = TRUE;
  for (int u = 0; u < n && ok; u++)
    for (int v = u + 1; v < n && ok; v++) {
      double p = beta * exp(-sqrt(dist2(xy, u, v)) * scale);
      if (sim_rng_uniform(rng) < p)
        ok = sim_topo_add_link(t, u, v, error) >= 0;
    }
  if (ok && connected)
    ok = waxman_connect(t, xy, error);
  g_free(xy);
  if (!ok) {
    sim_topo_free(t);
    return NULL;
  }
  return t;
}

SimTopo *
sim_topo_gen_barabasi_albert(int n, int m, SimRng *rng, GError **error)
{
  g_return_val_if_fail(rng != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (m < 1 || n <= m) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "barabasi-albert: expected m >= 1 and n > m, got n %d, m %d", n, m);
    return NULL;
  }
  gint64 n_links = (gint64)m * (m - 1) / 2 + (gint64)m * (n - m);
  SimTopo *t = gen_begin("barabasi-albert", n, n_links, error);
  if (t == NULL)
    return NULL;
  gen_numbered_routers(t, n);

  /* Every link end so far: a uniform pick is a pick proportional to degree. */
  int *ends = g_new(int, 2 * (gsize)n_links);
  gsize n_ends = 0;
  for (int u = 0; u < m; u++)
    for (int v = u + 1; v < m; v++) {
      gen_link(t, u, v);
      ends[n_ends++] = u;
      ends[n_ends++] = v;
    }
  /* Node m has no choice: the m seed nodes are all there is. */
  for (int v = 0; v < m; v++) {
    gen_link(t, m, v);
    ends[n_ends++] = m;
    ends[n_ends++] = v;
  }
  int *chosen_by = g_new(int, n); /* last node that picked each node */
  int *targets = g_new(int, m);
  for (int i = 0; i < n; i++)
    chosen_by[i] = -1;
  for (int i = m + 1; i < n; i++) {
    /* Targets are drawn from the graph before node i joins it. */
    for (int j = 0; j < m; j++) {
      int v;
      do
        v = ends[sim_rng_below64(rng, n_ends)];
      while (chosen_by[v] == i);
      chosen_by[v] = i;
      targets[j] = v;
    }
    for (int j = 0; j < m; j++) {
      gen_link(t, i, targets[j]);
      ends[n_ends++] = i;
      ends[n_ends++] = targets[j];
    }
  }
  g_free(targets);
  g_free(chosen_by);
  g_free(ends);
  return t;
}

/* ---- 5G mobile transport ----------------------------------------------------- */

void
sim_topo_5g_config_init(SimTopo5gConfig *cfg)
{
  g_return_if_fail(cfg != NULL);
  /* Sizes and rates: reference design of docs/topologies.md (5G transport);
   * delays: 5 us/km over 2 km (access), 20 km (pre-agg), 50 km (agg),
   * 200 km (core); data centres sit next to their routers. */
  *cfg = (SimTopo5gConfig){
    .cell_sites = 768,
    .csr_per_ring = 6,
    .rings_per_pair = 8,
    .pairs_per_domain = 4,
    .core_nodes = 0,
    .central_dcs = -1,
    .access_rate = UINT64_C(25000000000),
    .access_delay = SIM_US(10),
    .preagg_rate = UINT64_C(100000000000),
    .preagg_delay = SIM_US(100),
    .agg_rate = UINT64_C(400000000000),
    .agg_delay = SIM_US(250),
    .core_rate = UINT64_C(400000000000),
    .core_delay = SIM_MS(1),
    .edc_rate = UINT64_C(100000000000),
    .edc_delay = SIM_US(5),
    .cdc_rate = UINT64_C(400000000000),
    .cdc_delay = SIM_US(5),
  };
}

/* Link attributes of one tier, formatted once. */
typedef struct {
  const char *tier;
  char rate[SIM_UNITS_FORMAT_SIZE];
  char delay[SIM_TIME_FORMAT_SIZE];
} Tier5g;

typedef enum {
  TIER5G_ACCESS,
  TIER5G_PREAGG,
  TIER5G_AGG,
  TIER5G_CORE,
  TIER5G_EDC,
  TIER5G_CDC,
  TIER5G_N
} Tier5gKind;

static const char *const tier5g_names[TIER5G_N] = { "access", "preagg", "agg",
                                                    "core",   "edc",    "cdc" };

/* The configured rate and delay of each tier, in Tier5gKind order. */
static void
tier5g_values(const SimTopo5gConfig *cfg, uint64_t *rates, SimTime *delays)
{
  const uint64_t r[TIER5G_N] = { cfg->access_rate, cfg->preagg_rate, cfg->agg_rate,
                                 cfg->core_rate,   cfg->edc_rate,    cfg->cdc_rate };
  const SimTime d[TIER5G_N] = { cfg->access_delay, cfg->preagg_delay, cfg->agg_delay,
                                cfg->core_delay,   cfg->edc_delay,    cfg->cdc_delay };
  memcpy(rates, r, sizeof r);
  memcpy(delays, d, sizeof d);
}

static void
gen_5g_link(SimTopo *t, int a, int b, const Tier5g *tier)
{
  int id = sim_topo_add_link(t, a, b, NULL);
  g_assert(id >= 0);
  sim_topo_link_set_attr(t, id, "tier", tier->tier);
  sim_topo_link_set_attr(t, id, "rate", tier->rate);
  sim_topo_link_set_attr(t, id, "delay", tier->delay);
}

/* A router of @tier; @domain NULL for the core and central DCs. */
static int
gen_5g_node(SimTopo *t, const char *name, const char *tier, const char *domain)
{
  int id = gen_node(t, name, "router");
  sim_topo_node_set_attr(t, id, "tier", tier);
  if (domain)
    sim_topo_node_set_attr(t, id, "domain", domain);
  return id;
}

static gboolean
check_5g_config(const SimTopo5gConfig *cfg, GError **error)
{
  const struct {
    const char *name;
    int value, min;
  } sizes[] = {
    { "cell_sites", cfg->cell_sites, 1 },         { "csr_per_ring", cfg->csr_per_ring, 1 },
    { "rings_per_pair", cfg->rings_per_pair, 1 }, { "pairs_per_domain", cfg->pairs_per_domain, 1 },
    { "central_dcs", cfg->central_dcs, -1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++)
    if (sizes[i].value < sizes[i].min) {
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID, "5g: expected %s >= %d, got %d",
                  sizes[i].name, sizes[i].min, sizes[i].value);
      return FALSE;
    }
  /* The chords core<i> - core<i+C/2> need an even ring, and below 4 they
   * would double ring links. */
  if (cfg->core_nodes != 0 && (cfg->core_nodes < 4 || cfg->core_nodes % 2 != 0)) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "5g: expected core_nodes 0 (automatic) or even and >= 4, got %d", cfg->core_nodes);
    return FALSE;
  }
  uint64_t rates[TIER5G_N];
  SimTime delays[TIER5G_N];
  tier5g_values(cfg, rates, delays);
  for (int i = 0; i < TIER5G_N; i++)
    if (rates[i] == 0 || delays[i] <= 0) {
      char r[SIM_UNITS_FORMAT_SIZE], d[SIM_TIME_FORMAT_SIZE];
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                  "5g: expected a positive %s_rate and %s_delay, got %s and %s", tier5g_names[i],
                  tier5g_names[i], sim_units_format_rate(rates[i], r),
                  sim_time_format(delays[i], d));
      return FALSE;
    }
  return TRUE;
}

static void
tiers_5g_init(Tier5g *tiers, const SimTopo5gConfig *cfg)
{
  uint64_t rates[TIER5G_N];
  SimTime delays[TIER5G_N];
  tier5g_values(cfg, rates, delays);
  for (int i = 0; i < TIER5G_N; i++) {
    tiers[i].tier = tier5g_names[i];
    sim_units_format_rate(rates[i], tiers[i].rate);
    sim_time_format(delays[i], tiers[i].delay);
  }
}

SimTopo *
sim_topo_gen_5g(const SimTopo5gConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (!check_5g_config(cfg, error))
    return NULL;
  gint64 sites = cfg->cell_sites;
  gint64 rings = (sites + cfg->csr_per_ring - 1) / cfg->csr_per_ring;
  gint64 pairs = (rings + cfg->rings_per_pair - 1) / cfg->rings_per_pair;
  gint64 domains = (pairs + cfg->pairs_per_domain - 1) / cfg->pairs_per_domain;
  /* automatic: two core routers per four domains, at most 16 (a national
   * core has tens of routers, each with many aggregation uplinks) */
  gint64 n_core = cfg->core_nodes ? cfg->core_nodes : CLAMP(2 * ((domains + 3) / 4), 4, 16);
  /* automatic: one central DC per pair of core routers, at least 2 */
  gint64 n_cdc = cfg->central_dcs >= 0 ? cfg->central_dcs : MAX(2, n_core / 2);
  gint64 n_nodes = sites + 2 * pairs + 3 * domains + n_core + n_cdc;
  gint64 n_links = sites + rings + 5 * pairs + 5 * domains + 3 * n_core / 2 +
                   (n_core >= 8 ? n_core : 0) + 2 * n_cdc;
  SimTopo *t = gen_begin("5g", n_nodes, n_links, error);
  if (t == NULL)
    return NULL;

  Tier5g tiers[TIER5G_N];
  tiers_5g_init(tiers, cfg);
  char name[NAME_MAX_LEN], dom[16];
  int C = (int)n_core, half = C / 2;

  /* Core routers get indices 0 .. C-1. */
  for (int i = 0; i < C; i++) {
    g_snprintf(name, sizeof name, "core%d", i);
    gen_5g_node(t, name, "core", NULL);
  }
  for (int i = 0; i < C; i++)
    gen_5g_link(t, i, (i + 1) % C, &tiers[TIER5G_CORE]);
  for (int i = 0; i < half; i++)
    gen_5g_link(t, i, i + half, &tiers[TIER5G_CORE]);
  /* from 8 routers on, chords to a quarter of the ring too: the core's
   * diameter stays at a few hops */
  for (int i = 0; C >= 8 && i < C; i++)
    gen_5g_link(t, i, (i + C / 4) % C, &tiers[TIER5G_CORE]);
  /* C is even, so 2i mod C and (2i+1) mod C are two different routers. */
  for (int i = 0; i < n_cdc; i++) {
    g_snprintf(name, sizeof name, "cdc%d", i);
    int dc = gen_5g_node(t, name, "cdc", NULL);
    int c0 = (int)((2 * (gint64)i) % C);
    gen_5g_link(t, c0, dc, &tiers[TIER5G_CDC]);
    gen_5g_link(t, c0 + 1, dc, &tiers[TIER5G_CDC]);
  }

  gint64 pair = 0, ring = 0, placed = 0; /* global counters, filled in order */
  for (int d = 0; d < domains; d++) {
    g_snprintf(dom, sizeof dom, "%d", d);
    g_snprintf(name, sizeof name, "agg%da", d);
    int agg_a = gen_5g_node(t, name, "agg", dom);
    g_snprintf(name, sizeof name, "agg%db", d);
    int agg_b = gen_5g_node(t, name, "agg", dom);
    g_snprintf(name, sizeof name, "edc%d", d);
    int edc = gen_5g_node(t, name, "edc", dom);
    int c0 = (int)((2 * (gint64)d) % C);
    gen_5g_link(t, agg_a, agg_b, &tiers[TIER5G_AGG]);
    gen_5g_link(t, c0, agg_a, &tiers[TIER5G_AGG]);
    gen_5g_link(t, c0 + 1, agg_b, &tiers[TIER5G_AGG]);
    gen_5g_link(t, agg_a, edc, &tiers[TIER5G_EDC]);
    gen_5g_link(t, agg_b, edc, &tiers[TIER5G_EDC]);
    for (int p = 0; p < cfg->pairs_per_domain && pair < pairs; p++, pair++) {
      g_snprintf(name, sizeof name, "pa%d_%da", d, p);
      int pa_a = gen_5g_node(t, name, "preagg", dom);
      g_snprintf(name, sizeof name, "pa%d_%db", d, p);
      int pa_b = gen_5g_node(t, name, "preagg", dom);
      gen_5g_link(t, pa_a, pa_b, &tiers[TIER5G_PREAGG]);
      gen_5g_link(t, agg_a, pa_a, &tiers[TIER5G_PREAGG]);
      gen_5g_link(t, agg_b, pa_a, &tiers[TIER5G_PREAGG]);
      gen_5g_link(t, agg_a, pa_b, &tiers[TIER5G_PREAGG]);
      gen_5g_link(t, agg_b, pa_b, &tiers[TIER5G_PREAGG]);
      for (int r = 0; r < cfg->rings_per_pair && ring < rings; r++, ring++) {
        int len = (int)MIN(cfg->csr_per_ring, sites - placed);
        int prev = pa_a;
        for (int i = 0; i < len; i++) {
          g_snprintf(name, sizeof name, "csr%d_%d_%d_%d", d, p, r, i);
          int csr = gen_5g_node(t, name, "csr", dom);
          gen_5g_link(t, prev, csr, &tiers[TIER5G_ACCESS]);
          prev = csr;
        }
        gen_5g_link(t, prev, pa_b, &tiers[TIER5G_ACCESS]);
        placed += len;
      }
    }
  }
  g_assert(sim_topo_n_nodes(t) == n_nodes && sim_topo_n_links(t) == n_links);
  return t;
}
