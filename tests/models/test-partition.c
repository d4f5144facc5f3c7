/* test-partition.c - splitting networks over ranks: every node on one
 * rank, every rank used, balance on a grid, few cut links on a grid and a
 * ring, the lookahead as the smallest delay of the cut links, the same
 * partition every time, one rank without cut, components, and the error
 * for more ranks than nodes; long links cut before short ones. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "netscenario.h"
#include "partition.h"
#include "simscenario.h"

typedef struct {
  SimScenario *sc;
  SimRegistry *reg;
  SimNetRun *run;
} Built;

static SimNet *
build(Built *b, const char *text)
{
  GError *error = NULL;
  b->sc = sim_scenario_load_data("p.ini", text, -1, &error);
  cr_assert_not_null(b->sc, "%s", error ? error->message : "");
  b->reg = sim_net_registry_new();
  b->run = sim_net_build(b->sc, b->reg, NULL, &error);
  cr_assert_not_null(b->run, "%s", error ? error->message : "");
  return sim_net_run_net(b->run);
}

static void
built_free(Built *b)
{
  sim_net_run_free(b->run);
  sim_registry_free(b->reg);
  sim_scenario_free(b->sc);
}

static SimPartition *
partition(SimNet *net, uint32_t ranks)
{
  GError *error = NULL;
  SimPartition *p = sim_net_partition(net, ranks, &error);
  cr_assert_not_null(p, "%s", error ? error->message : "");
  return p;
}

/* Counts cut links by hand and checks the partition's own figures. */
static uint32_t
check_consistent(SimNet *net, const SimPartition *p)
{
  uint32_t ranks = sim_partition_n_ranks(p), cut = 0;
  g_autofree uint32_t *nodes = g_new0(uint32_t, ranks);
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    uint32_t r = sim_partition_rank(p, i);
    cr_assert_lt(r, ranks);
    nodes[r]++;
  }
  for (uint32_t r = 0; r < ranks; r++) {
    cr_assert_gt(nodes[r], 0, "rank %u has no node", r);
    cr_assert_eq(nodes[r], sim_partition_rank_nodes(p, r));
  }
  SimTime min = SIM_TIME_MAX;
  for (uint32_t l = 0; l < sim_net_n_links(net); l++) {
    SimLink *link = sim_net_link(net, l);
    uint32_t a = sim_node_index(sim_iface_node(sim_link_end(link, 0)));
    uint32_t b = sim_node_index(sim_iface_node(sim_link_end(link, 1)));
    if (sim_partition_rank(p, a) != sim_partition_rank(p, b)) {
      cut++;
      min = MIN(min, sim_link_config(link)->delay);
    }
  }
  cr_assert_eq(cut, sim_partition_n_cut(p));
  cr_assert_eq(min, sim_partition_lookahead(p));
  return cut;
}

static const char grid16[] = "[simulation]\nduration = 1ms\n"
                             "[topology]\ntype = grid\nrows = 16\ncols = 16\n";

Test(partition, grid_balanced_with_few_cut_links)
{
  Built b;
  SimNet *net = build(&b, grid16);
  cr_assert_eq(sim_net_n_nodes(net), 256);
  for (uint32_t ranks = 2; ranks <= 8; ranks *= 2) {
    g_autoptr(SimPartition) p = partition(net, ranks);
    uint32_t cut = check_consistent(net, p);
    cr_assert_leq(sim_partition_imbalance(p), 1.06, "%u ranks: imbalance %.3f", ranks,
                  sim_partition_imbalance(p));
    /* a band of a 16 x 16 grid is cut by about 2 x 16 links per boundary */
    cr_assert_leq(cut, 40 * (ranks - 1), "%u ranks: %u cut links", ranks, cut);
    cr_assert_gt(cut, 0);
  }
  built_free(&b);
}

Test(partition, the_same_every_time)
{
  Built b1, b2;
  SimNet *n1 = build(&b1, grid16), *n2 = build(&b2, grid16);
  g_autoptr(SimPartition) p1 = partition(n1, 4);
  g_autoptr(SimPartition) p2 = partition(n2, 4);
  for (uint32_t i = 0; i < sim_net_n_nodes(n1); i++)
    cr_assert_eq(sim_partition_rank(p1, i), sim_partition_rank(p2, i), "node %u", i);
  g_autofree char *d1 = sim_partition_describe(p1);
  g_autofree char *d2 = sim_partition_describe(p2);
  cr_assert_str_eq(d1, d2);
  built_free(&b1);
  built_free(&b2);
}

/* A ring of 8 routers with one slow link: two bands cut the ring twice;
 * the lookahead is the smaller delay of the two cut links. */
Test(partition, ring_lookahead_is_the_smallest_cut_delay)
{
  GString *t = g_string_new("[simulation]\nduration = 1ms\n[defaults link]\ndelay = 100us\n");
  for (int i = 0; i < 8; i++)
    g_string_append_printf(t, "[node r%d]\n", i);
  for (int i = 0; i < 8; i++)
    g_string_append_printf(t, "[link r%d-r%d]\na = r%d\nb = r%d\ndelay = %dus\n", i, (i + 1) % 8,
                           i, (i + 1) % 8, 100 + 10 * i);
  Built b;
  SimNet *net = build(&b, t->str);
  g_string_free(t, TRUE);
  g_autoptr(SimPartition) p = partition(net, 2);
  cr_assert_eq(check_consistent(net, p), 2, "a ring in two bands is cut twice");
  cr_assert_eq(sim_partition_rank_nodes(p, 0), 4);
  SimLink *l = sim_partition_lookahead_link(p);
  cr_assert_not_null(l);
  cr_assert_eq(sim_link_config(l)->delay, sim_partition_lookahead(p));
  g_autofree char *d = sim_partition_describe(p);
  cr_assert(strstr(d, "2 ranks: nodes 4/4") && strstr(d, "2 cut links, lookahead ") &&
              strstr(d, sim_link_name(l)),
            "%s", d);
  built_free(&b);
}

/* Links shorter than the longest workable threshold are not cut: the 5G
 * transport network splits at the core (1 ms) over 2 ranks, between the
 * aggregation and the core (250 us) over 4, above the pre-aggregation
 * pairs (100 us) over 8, never through an access ring (10 us). */
Test(partition, long_links_are_cut_first)
{
  Built b;
  SimNet *net = build(&b, "[simulation]\nduration = 1ms\n[topology]\ntype = 5g\n");
  static const struct {
    uint32_t ranks;
    SimTime lookahead;
  } want[] = { { 2, SIM_MS(1) }, { 4, SIM_US(250) }, { 8, SIM_US(100) } };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    g_autoptr(SimPartition) p = partition(net, want[i].ranks);
    check_consistent(net, p);
    g_autofree char *d = sim_partition_describe(p);
    cr_assert_geq(sim_partition_lookahead(p), want[i].lookahead, "%s", d);
    cr_assert_leq(sim_partition_imbalance(p), 1.15, "%s", d);
  }
  built_free(&b);
}

/* Two clusters of 6 routers (links of 10 us inside) joined by two links
 * of 5 ms: two ranks take one cluster each and cut only the long links,
 * even where bands of a BFS order would cut a cluster. */
Test(partition, clusters_split_at_the_long_links)
{
  GString *t = g_string_new("[simulation]\nduration = 1ms\n[defaults link]\ndelay = 10us\n");
  for (int c = 0; c < 2; c++)
    for (int i = 0; i < 6; i++) {
      g_string_append_printf(t, "[node c%d_%d]\n", c, i);
      for (int j = 0; j < i; j++)
        g_string_append_printf(t, "[link c%d_%d-c%d_%d]\na = c%d_%d\nb = c%d_%d\n", c, j, c, i, c,
                               j, c, i);
    }
  g_string_append(t, "[link x1]\na = c0_0\nb = c1_0\ndelay = 5ms\n"
                     "[link x2]\na = c0_5\nb = c1_5\ndelay = 6ms\n");
  Built b;
  SimNet *net = build(&b, t->str);
  g_string_free(t, TRUE);
  g_autoptr(SimPartition) p = partition(net, 2);
  cr_assert_eq(check_consistent(net, p), 2);
  cr_assert_eq(sim_partition_lookahead(p), SIM_MS(5));
  cr_assert_str_eq(sim_link_name(sim_partition_lookahead_link(p)), "x1");
  built_free(&b);
}

Test(partition, one_rank_has_no_cut)
{
  Built b;
  SimNet *net = build(&b, grid16);
  g_autoptr(SimPartition) p = partition(net, 1);
  cr_assert_eq(check_consistent(net, p), 0);
  cr_assert_eq(sim_partition_lookahead(p), SIM_TIME_MAX);
  cr_assert_null(sim_partition_lookahead_link(p));
  cr_assert_eq(sim_partition_imbalance(p), 1.0);
  g_autofree char *d = sim_partition_describe(p);
  cr_assert(strstr(d, "no lookahead needed"), "%s", d);
  built_free(&b);
}

/* Two separate pairs of nodes: components are ordered one after the
 * other, so two ranks take one each and nothing is cut. */
Test(partition, components)
{
  Built b;
  SimNet *net = build(&b, "[simulation]\nduration = 1ms\n[node a]\n[node b]\n[node c]\n"
                          "[node d]\n[link a-b]\na = a\nb = b\n[link c-d]\na = c\nb = d\n");
  g_autoptr(SimPartition) p = partition(net, 2);
  cr_assert_eq(check_consistent(net, p), 0);
  built_free(&b);
}

Test(partition, more_ranks_than_nodes)
{
  Built b;
  SimNet *net = build(&b, "[simulation]\nduration = 1ms\n[node a]\n[node b]\n"
                          "[link a-b]\na = a\nb = b\n");
  GError *error = NULL;
  cr_assert_null(sim_net_partition(net, 3, &error));
  cr_assert(g_error_matches(error, SIM_PARTITION_ERROR, SIM_PARTITION_ERROR_RANKS));
  cr_assert(strstr(error->message, "cannot split 2 nodes over 3 ranks (expected 1 to 2 ranks)"),
            "%s", error->message);
  g_error_free(error);
  cr_assert_null(sim_net_partition(net, 0, NULL));
  g_autoptr(SimPartition) p = partition(net, 2);
  cr_assert_eq(check_consistent(net, p), 1);
  built_free(&b);
}
