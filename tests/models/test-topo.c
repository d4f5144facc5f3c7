/* test-topo.c - the topology graph (suite topo) and its generators (suite
 * topo_gen): building, errors, attributes, positions, adjacency,
 * components, generator shapes and counts (5G transport included),
 * determinism, scale. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "topo.h"

/* ---- helpers ---------------------------------------------------------------- */

static SimTopo *
topo_with_nodes(int n)
{
  SimTopo *t = sim_topo_new();
  for (int i = 0; i < n; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "n%d", i);
    int id = sim_topo_add_node(t, name, "router", NULL);
    cr_assert_eq(id, i, "node %s got index %d", name, id);
  }
  return t;
}

static void
add_link_ok(SimTopo *t, int a, int b)
{
  GError *error = NULL;
  int id = sim_topo_add_link(t, a, b, &error);
  cr_assert_geq(id, 0, "link %d-%d: %s", a, b, error ? error->message : "?");
}

static void
assert_error(GError *error, int code, const char *message)
{
  cr_assert_not_null(error, "expected an error");
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, code), "error %s/%d: %s",
            g_quark_to_string(error->domain), error->code, error->message);
  cr_assert_str_eq(error->message, message, "message [%s]", error->message);
}

/* Number of links between nodes @a and @b. */
static int
links_between(SimTopo *t, int a, int b)
{
  int n = 0, count = 0;
  const int *nb = sim_topo_neighbours(t, a, &n);
  for (int i = 0; i < n; i++)
    count += nb[i] == b;
  return count;
}

static int
node(const SimTopo *t, const char *name)
{
  int id = sim_topo_find_node(t, name);
  cr_assert_geq(id, 0, "no node named %s", name);
  return id;
}

/* Same nodes (names, roles, positions) and links (endpoints) in the same order. */
static gboolean
topo_equal(const SimTopo *a, const SimTopo *b)
{
  if (sim_topo_n_nodes(a) != sim_topo_n_nodes(b) || sim_topo_n_links(a) != sim_topo_n_links(b))
    return FALSE;
  for (int i = 0; i < sim_topo_n_nodes(a); i++) {
    double ax = 0, ay = 0, bx = 0, by = 0;
    if (strcmp(sim_topo_node_name(a, i), sim_topo_node_name(b, i)) != 0 ||
        strcmp(sim_topo_node_role(a, i), sim_topo_node_role(b, i)) != 0 ||
        sim_topo_node_position(a, i, &ax, &ay) != sim_topo_node_position(b, i, &bx, &by) ||
        ax != bx || ay != by)
      return FALSE;
  }
  for (int l = 0; l < sim_topo_n_links(a); l++)
    if (sim_topo_link_a(a, l) != sim_topo_link_a(b, l) ||
        sim_topo_link_b(a, l) != sim_topo_link_b(b, l))
      return FALSE;
  return TRUE;
}

/* No two links join the same two nodes. */
static gboolean
simple_graph(SimTopo *t)
{
  for (int v = 0; v < sim_topo_n_nodes(t); v++) {
    int n = 0;
    const int *nb = sim_topo_neighbours(t, v, &n);
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++)
        if (nb[i] == nb[j])
          return FALSE;
  }
  return TRUE;
}

/* ---- graph basics ------------------------------------------------------- */

Test(topo, new_topology_is_empty_and_connected)
{
  g_autoptr(SimTopo) t = sim_topo_new();
  cr_assert_eq(sim_topo_n_nodes(t), 0);
  cr_assert_eq(sim_topo_n_links(t), 0);
  cr_assert_eq(sim_topo_components(t, NULL), 0);
  cr_assert(sim_topo_is_connected(t));
  cr_assert_eq(sim_topo_find_node(t, "x"), -1);
}

Test(topo, nodes_get_dense_indices_and_keep_name_and_role)
{
  g_autoptr(SimTopo) t = sim_topo_new();
  cr_assert_eq(sim_topo_add_node(t, "core", "router", NULL), 0);
  cr_assert_eq(sim_topo_add_node(t, "h1", "host", NULL), 1);
  cr_assert_eq(sim_topo_add_node(t, "x", NULL, NULL), 2);
  cr_assert_eq(sim_topo_add_node(t, "y", "", NULL), 3);
  cr_assert_str_eq(sim_topo_node_name(t, 1), "h1", "[%s]", sim_topo_node_name(t, 1));
  cr_assert_str_eq(sim_topo_node_role(t, 0), "router", "[%s]", sim_topo_node_role(t, 0));
  cr_assert_str_eq(sim_topo_node_role(t, 1), "host", "[%s]", sim_topo_node_role(t, 1));
  cr_assert_str_eq(sim_topo_node_role(t, 2), "", "[%s]", sim_topo_node_role(t, 2));
  cr_assert_str_eq(sim_topo_node_role(t, 3), "", "[%s]", sim_topo_node_role(t, 3));
  cr_assert_eq(sim_topo_find_node(t, "h1"), 1, "%d", sim_topo_find_node(t, "h1"));
  cr_assert_eq(sim_topo_find_node(t, "h2"), -1, "%d", sim_topo_find_node(t, "h2"));
}

Test(topo, set_role_replaces_and_clears)
{
  g_autoptr(SimTopo) t = topo_with_nodes(2);
  sim_topo_node_set_role(t, 0, "host");
  sim_topo_node_set_role(t, 1, NULL);
  cr_assert_str_eq(sim_topo_node_role(t, 0), "host", "[%s]", sim_topo_node_role(t, 0));
  cr_assert_str_eq(sim_topo_node_role(t, 1), "", "[%s]", sim_topo_node_role(t, 1));
}

Test(topo, duplicate_node_name_is_error)
{
  g_autoptr(SimTopo) t = topo_with_nodes(3);
  GError *error = NULL;
  cr_assert_eq(sim_topo_add_node(t, "n1", "host", &error), -1);
  assert_error(error, SIM_TOPO_ERROR_DUPLICATE, "duplicate node name 'n1'");
  g_error_free(error);
  cr_assert_eq(sim_topo_n_nodes(t), 3, "%d nodes", sim_topo_n_nodes(t));
}

Test(topo, empty_node_name_is_error)
{
  g_autoptr(SimTopo) t = sim_topo_new();
  GError *error = NULL;
  cr_assert_eq(sim_topo_add_node(t, "", NULL, &error), -1);
  assert_error(error, SIM_TOPO_ERROR_INVALID, "expected a node name, got an empty one");
  g_error_free(error);
}

Test(topo, names_are_found_after_the_index_grows)
{
  g_autoptr(SimTopo) t = topo_with_nodes(5000);
  for (int i = 0; i < 5000; i += 7) {
    char name[32];
    g_snprintf(name, sizeof name, "n%d", i);
    cr_assert_eq(sim_topo_find_node(t, name), i, "%s -> %d", name, sim_topo_find_node(t, name));
  }
  cr_assert_eq(sim_topo_find_node(t, "n5000"), -1);
}

Test(topo, self_loop_is_error)
{
  g_autoptr(SimTopo) t = topo_with_nodes(2);
  GError *error = NULL;
  cr_assert_eq(sim_topo_add_link(t, 1, 1, &error), -1);
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "expected two different nodes, got a link from 'n1' to itself");
  g_error_free(error);
  cr_assert_eq(sim_topo_n_links(t), 0);
  cr_assert_eq(sim_topo_node_degree(t, 1), 0);
}

Test(topo, links_keep_endpoint_order_and_parallel_links)
{
  g_autoptr(SimTopo) t = topo_with_nodes(3);
  add_link_ok(t, 2, 0);
  add_link_ok(t, 0, 2);
  add_link_ok(t, 0, 1);
  cr_assert_eq(sim_topo_n_links(t), 3);
  cr_assert_eq(sim_topo_link_a(t, 0), 2);
  cr_assert_eq(sim_topo_link_b(t, 0), 0);
  cr_assert_eq(sim_topo_node_degree(t, 0), 3, "degree %d", sim_topo_node_degree(t, 0));
  cr_assert_eq(sim_topo_node_degree(t, 2), 2, "degree %d", sim_topo_node_degree(t, 2));
  cr_assert_eq(links_between(t, 0, 2), 2, "%d links 0-2", links_between(t, 0, 2));
}

Test(topo, neighbours_follow_link_order_and_match_links)
{
  g_autoptr(SimTopo) t = topo_with_nodes(4);
  add_link_ok(t, 0, 3); /* link 0 */
  add_link_ok(t, 1, 0); /* link 1 */
  add_link_ok(t, 2, 3); /* link 2 */
  add_link_ok(t, 0, 2); /* link 3 */
  int n = -1, m = -1;
  const int *nb = sim_topo_neighbours(t, 0, &n);
  static const int want_nb[] = { 3, 1, 2 };
  cr_assert_eq(n, 3, "%d neighbours", n);
  for (int i = 0; i < n; i++)
    cr_assert_eq(nb[i], want_nb[i], "neighbour %d is %d", i, nb[i]);
  const int *ln = sim_topo_node_links(t, 0, &m);
  static const int want_ln[] = { 0, 1, 3 };
  cr_assert_eq(m, 3, "%d links", m);
  for (int i = 0; i < m; i++)
    cr_assert_eq(ln[i], want_ln[i], "link %d is %d", i, ln[i]);
}

Test(topo, adjacency_is_rebuilt_after_a_change)
{
  g_autoptr(SimTopo) t = topo_with_nodes(3);
  add_link_ok(t, 0, 1);
  int n = 0;
  sim_topo_neighbours(t, 0, &n);
  cr_assert_eq(n, 1);
  add_link_ok(t, 2, 0);
  const int *nb = sim_topo_neighbours(t, 0, &n);
  cr_assert_eq(n, 2, "%d neighbours", n);
  cr_assert_eq(nb[1], 2, "second neighbour %d", nb[1]);
  cr_assert_eq(sim_topo_add_node(t, "late", NULL, NULL), 3);
  nb = sim_topo_neighbours(t, 3, &n);
  cr_assert_eq(n, 0, "%d neighbours of an isolated node", n);
}

Test(topo, node_attributes_are_sparse_text)
{
  g_autoptr(SimTopo) t = topo_with_nodes(3);
  sim_topo_node_set_attr(t, 1, "site", "Amsterdam, NL");
  sim_topo_node_set_attr(t, 1, "asn", "64500");
  sim_topo_node_set_attr(t, 2, "asn", "64500");
  cr_assert_str_eq(sim_topo_node_get_attr(t, 1, "site"), "Amsterdam, NL");
  cr_assert_str_eq(sim_topo_node_get_attr(t, 2, "asn"), "64500");
  cr_assert_null(sim_topo_node_get_attr(t, 0, "asn"));
  cr_assert_null(sim_topo_node_get_attr(t, 2, "site"));
  cr_assert_null(sim_topo_node_get_attr(t, 1, "never-set"));
}

Test(topo, attribute_replace_and_remove)
{
  g_autoptr(SimTopo) t = topo_with_nodes(1);
  sim_topo_node_set_attr(t, 0, "a", "1");
  sim_topo_node_set_attr(t, 0, "b", "2");
  sim_topo_node_set_attr(t, 0, "a", "3");
  cr_assert_str_eq(sim_topo_node_get_attr(t, 0, "a"), "3");
  sim_topo_node_set_attr(t, 0, "a", NULL);
  cr_assert_null(sim_topo_node_get_attr(t, 0, "a"));
  cr_assert_str_eq(sim_topo_node_get_attr(t, 0, "b"), "2");
  sim_topo_node_set_attr(t, 0, "unknown-key", NULL);
  cr_assert_null(sim_topo_node_get_attr(t, 0, "unknown-key"));
}

static void
collect_attr(const char *key, const char *value, gpointer user_data)
{
  g_string_append_printf(user_data, "%s=%s;", key, value);
}

Test(topo, foreach_attr_lists_keys_in_first_set_order)
{
  g_autoptr(SimTopo) t = topo_with_nodes(2);
  add_link_ok(t, 0, 1);
  sim_topo_link_set_attr(t, 0, "rate", "10Gbps");
  sim_topo_link_set_attr(t, 0, "delay", "50us");
  sim_topo_link_set_attr(t, 0, "metric", "10");
  sim_topo_link_set_attr(t, 0, "rate", "40Gbps");
  g_autoptr(GString) s = g_string_new(NULL);
  sim_topo_link_foreach_attr(t, 0, collect_attr, s);
  cr_assert_str_eq(s->str, "rate=40Gbps;delay=50us;metric=10;", "[%s]", s->str);
  g_string_truncate(s, 0);
  sim_topo_node_foreach_attr(t, 0, collect_attr, s);
  cr_assert_str_eq(s->str, "", "[%s]", s->str);
}

Test(topo, link_attributes_keep_text_exactly)
{
  g_autoptr(SimTopo) t = topo_with_nodes(2);
  add_link_ok(t, 0, 1);
  add_link_ok(t, 0, 1);
  sim_topo_link_set_attr(t, 1, "delay", " 1.50ms");
  cr_assert_str_eq(sim_topo_link_get_attr(t, 1, "delay"), " 1.50ms");
  cr_assert_null(sim_topo_link_get_attr(t, 0, "delay"));
}

Test(topo, graph_attributes)
{
  g_autoptr(SimTopo) t = sim_topo_new();
  sim_topo_set_attr(t, "Network", "Abilene");
  cr_assert_str_eq(sim_topo_get_attr(t, "Network"), "Abilene");
  cr_assert_null(sim_topo_get_attr(t, "label"));
}

Test(topo, positions_planar_geographic_or_none)
{
  g_autoptr(SimTopo) t = topo_with_nodes(3);
  sim_topo_node_set_xy(t, 0, 1.5, -2);
  sim_topo_node_set_geo(t, 1, 40.71427, -74.00597);
  double a = 99, b = 99;
  cr_assert_eq(sim_topo_node_position(t, 0, &a, &b), SIM_TOPO_COORDS_XY);
  cr_assert(a == 1.5 && b == -2, "xy %g %g", a, b);
  cr_assert_eq(sim_topo_node_position(t, 1, &a, &b), SIM_TOPO_COORDS_GEO);
  cr_assert(a == 40.71427 && b == -74.00597, "lat/lon %g %g", a, b);
  a = b = 99;
  cr_assert_eq(sim_topo_node_position(t, 2, &a, &b), SIM_TOPO_COORDS_NONE);
  cr_assert(a == 99 && b == 99, "untouched %g %g", a, b);
  cr_assert_eq(sim_topo_node_position(t, 1, NULL, NULL), SIM_TOPO_COORDS_GEO);
}

Test(topo, positions_survive_growth)
{
  g_autoptr(SimTopo) t = topo_with_nodes(1);
  sim_topo_node_set_xy(t, 0, 7, 8);
  for (int i = 1; i < 1000; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "n%d", i);
    sim_topo_add_node(t, name, NULL, NULL);
  }
  double x = 0, y = 0;
  cr_assert_eq(sim_topo_node_position(t, 0, &x, &y), SIM_TOPO_COORDS_XY);
  cr_assert(x == 7 && y == 8, "%g %g", x, y);
  cr_assert_eq(sim_topo_node_position(t, 999, NULL, NULL), SIM_TOPO_COORDS_NONE);
}

Test(topo, link_length_great_circle)
{
  g_autoptr(SimTopo) t = topo_with_nodes(2);
  sim_topo_node_set_geo(t, 0, 40.71427, -74.00597); /* New York */
  sim_topo_node_set_geo(t, 1, 41.85003, -87.65005); /* Chicago */
  add_link_ok(t, 0, 1);
  double km = 0;
  cr_assert(sim_topo_link_length_km(t, 0, &km));
  /* Haversine with R = 6371.0088 km, computed independently. */
  cr_assert(fabs(km - 1145.8388) < 0.001, "New York - Chicago %.4f km", km);
}

Test(topo, link_length_planar_and_missing)
{
  g_autoptr(SimTopo) t = topo_with_nodes(4);
  sim_topo_node_set_xy(t, 0, 0, 0);
  sim_topo_node_set_xy(t, 1, 3, 4);
  sim_topo_node_set_geo(t, 2, 0, 0);
  add_link_ok(t, 0, 1);
  add_link_ok(t, 1, 2);
  add_link_ok(t, 2, 3);
  double km = -1;
  cr_assert(sim_topo_link_length_km(t, 0, &km));
  cr_assert(km == 5, "3-4-5: %g", km);
  km = -1;
  cr_assert_not(sim_topo_link_length_km(t, 1, &km), "planar to geographic");
  cr_assert_not(sim_topo_link_length_km(t, 2, &km), "geographic to none");
  cr_assert(km == -1, "untouched %g", km);
}

Test(topo, components_are_numbered_by_lowest_node)
{
  g_autoptr(SimTopo) t = topo_with_nodes(6);
  add_link_ok(t, 4, 1);
  add_link_ok(t, 5, 2);
  add_link_ok(t, 2, 0);
  int comp[6];
  int n = sim_topo_components(t, comp);
  cr_assert_eq(n, 3, "%d components", n);
  static const int want[] = { 0, 1, 0, 2, 1, 0 };
  for (int i = 0; i < 6; i++)
    cr_assert_eq(comp[i], want[i], "node %d in component %d", i, comp[i]);
  cr_assert_not(sim_topo_is_connected(t));
  add_link_ok(t, 3, 4);
  add_link_ok(t, 1, 5);
  cr_assert(sim_topo_is_connected(t));
}

Test(topo, single_node_is_connected)
{
  g_autoptr(SimTopo) t = topo_with_nodes(1);
  cr_assert_eq(sim_topo_components(t, NULL), 1);
  cr_assert(sim_topo_is_connected(t));
}

Test(topo, memory_counts_what_is_held)
{
  g_autoptr(SimTopo) t = topo_with_nodes(100);
  size_t before = sim_topo_memory(t);
  for (int i = 0; i + 1 < 100; i++)
    add_link_ok(t, i, i + 1);
  size_t after = sim_topo_memory(t);
  cr_assert_gt(after, before, "links add memory: %zu -> %zu", before, after);
  int n;
  sim_topo_neighbours(t, 0, &n);
  cr_assert_gt(sim_topo_memory(t), after, "the adjacency index is counted");
}

/* ---- regular generators -------------------------------------------------- */

Test(topo_gen, line_counts_names_and_ends)
{
  GError *error = NULL;
  g_autoptr(SimTopo) t = sim_topo_gen_line(5, &error);
  cr_assert_not_null(t, "%s", error ? error->message : "?");
  cr_assert_eq(sim_topo_n_nodes(t), 5);
  cr_assert_eq(sim_topo_n_links(t), 4);
  cr_assert_str_eq(sim_topo_node_name(t, 3), "r3");
  cr_assert_str_eq(sim_topo_node_role(t, 3), "router");
  cr_assert_eq(sim_topo_node_degree(t, 0), 1);
  cr_assert_eq(sim_topo_node_degree(t, 4), 1);
  cr_assert_eq(sim_topo_node_degree(t, 2), 2);
  cr_assert(sim_topo_link_a(t, 3) == 3 && sim_topo_link_b(t, 3) == 4);
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_gen, line_rejects_fewer_than_two_nodes)
{
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_line(1, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID, "line: expected n >= 2 nodes, got 1");
  g_error_free(error);
}

Test(topo_gen, ring_all_degree_two)
{
  g_autoptr(SimTopo) t = sim_topo_gen_ring(7, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 7);
  cr_assert_eq(sim_topo_n_links(t), 7);
  for (int i = 0; i < 7; i++)
    cr_assert_eq(sim_topo_node_degree(t, i), 2, "r%d degree %d", i,
                 sim_topo_node_degree(t, i));
  cr_assert(sim_topo_link_a(t, 6) == 6 && sim_topo_link_b(t, 6) == 0, "closing link %d-%d",
            sim_topo_link_a(t, 6), sim_topo_link_b(t, 6));
  cr_assert(simple_graph(t));
}

Test(topo_gen, ring_rejects_fewer_than_three_nodes)
{
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_ring(2, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID, "ring: expected n >= 3 nodes, got 2");
  g_error_free(error);
}

Test(topo_gen, star_hub_and_leaves)
{
  g_autoptr(SimTopo) t = sim_topo_gen_star(6, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 7);
  cr_assert_eq(sim_topo_n_links(t), 6);
  cr_assert_str_eq(sim_topo_node_name(t, 0), "hub");
  cr_assert_str_eq(sim_topo_node_name(t, 6), "leaf5");
  cr_assert_eq(sim_topo_node_degree(t, 0), 6);
  for (int i = 1; i <= 6; i++)
    cr_assert_eq(sim_topo_node_degree(t, i), 1);
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_star(0, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID, "star: expected n >= 1 leaves, got 0");
  g_error_free(error);
}

Test(topo_gen, grid_counts_and_degrees)
{
  g_autoptr(SimTopo) t = sim_topo_gen_grid(3, 4, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 12);
  cr_assert_eq(sim_topo_n_links(t), 3 * 3 + 4 * 2, "%d links", sim_topo_n_links(t));
  static const char *const corners[] = { "r0_0", "r0_3", "r2_0", "r2_3" };
  for (size_t i = 0; i < G_N_ELEMENTS(corners); i++)
    cr_assert_eq(sim_topo_node_degree(t, node(t, corners[i])), 2, "%s degree %d", corners[i],
                 sim_topo_node_degree(t, node(t, corners[i])));
  cr_assert_eq(sim_topo_node_degree(t, node(t, "r0_1")), 3);
  cr_assert_eq(sim_topo_node_degree(t, node(t, "r1_1")), 4);
  cr_assert_eq(node(t, "r1_2"), 6, "row-major index");
  /* Link order: right then down, node by node. */
  cr_assert(sim_topo_link_a(t, 0) == 0 && sim_topo_link_b(t, 0) == 1);
  cr_assert(sim_topo_link_a(t, 1) == 0 && sim_topo_link_b(t, 1) == 4);
  cr_assert(simple_graph(t));
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_gen, grid_single_row_is_a_line)
{
  g_autoptr(SimTopo) t = sim_topo_gen_grid(1, 5, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_links(t), 4);
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_grid(1, 1, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "grid: expected rows >= 1 and cols >= 1 with at least 2 nodes, got 1 x 1");
  g_error_free(error);
}

Test(topo_gen, torus_all_degree_four)
{
  g_autoptr(SimTopo) t = sim_topo_gen_torus(3, 5, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 15);
  cr_assert_eq(sim_topo_n_links(t), 30);
  for (int i = 0; i < 15; i++)
    cr_assert_eq(sim_topo_node_degree(t, i), 4, "%s degree %d", sim_topo_node_name(t, i),
                 sim_topo_node_degree(t, i));
  cr_assert(simple_graph(t));
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_torus(2, 5, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID, "torus: expected rows >= 3 and cols >= 3, got 2 x 5");
  g_error_free(error);
}

Test(topo_gen, tree_counts_and_levels)
{
  g_autoptr(SimTopo) t = sim_topo_gen_tree(3, 3, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 1 + 3 + 9 + 27, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 39);
  cr_assert_eq(sim_topo_node_degree(t, node(t, "t0_0")), 3);
  cr_assert_eq(sim_topo_node_degree(t, node(t, "t2_4")), 4);
  for (int i = 0; i < 27; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "t3_%d", i);
    cr_assert_eq(sim_topo_node_degree(t, node(t, name)), 1, "leaf %s", name);
  }
  /* t3_7 hangs under t2_2. */
  int n = 0;
  const int *nb = sim_topo_neighbours(t, node(t, "t3_7"), &n);
  cr_assert_str_eq(sim_topo_node_name(t, nb[0]), "t2_2", "parent %s",
                   sim_topo_node_name(t, nb[0]));
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_gen, tree_rejects_bad_parameters)
{
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_tree(0, 2, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "tree: expected depth >= 1 and fanout >= 1, got depth 0, fanout 2");
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_tree(40, 2, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT), "%s",
            error->message);
  g_error_free(error);
}

Test(topo_gen, fat_tree_k4_counts)
{
  g_autoptr(SimTopo) t = sim_topo_gen_fat_tree(4, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 36, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 48, "%d links", sim_topo_n_links(t));
  int switches = 0, hosts = 0;
  for (int i = 0; i < sim_topo_n_nodes(t); i++) {
    const char *role = sim_topo_node_role(t, i);
    if (strcmp(role, "router") == 0) {
      switches++;
      cr_assert_eq(sim_topo_node_degree(t, i), 4, "%s degree %d", sim_topo_node_name(t, i),
                   sim_topo_node_degree(t, i));
    } else {
      cr_assert_str_eq(role, "host", "%s role %s", sim_topo_node_name(t, i), role);
      hosts++;
      cr_assert_eq(sim_topo_node_degree(t, i), 1);
    }
  }
  cr_assert_eq(switches, 20, "%d switches", switches);
  cr_assert_eq(hosts, 16, "%d hosts", hosts);
  cr_assert(simple_graph(t));
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_gen, fat_tree_edge_switches_have_half_k_hosts)
{
  g_autoptr(SimTopo) t = sim_topo_gen_fat_tree(6, NULL);
  cr_assert_not_null(t);
  for (int p = 0; p < 6; p++)
    for (int e = 0; e < 3; e++) {
      char name[32];
      g_snprintf(name, sizeof name, "edge%d_%d", p, e);
      int n = 0, n_hosts = 0, n_agg = 0;
      const int *nb = sim_topo_neighbours(t, node(t, name), &n);
      for (int i = 0; i < n; i++) {
        const char *other = sim_topo_node_name(t, nb[i]);
        char prefix[32];
        g_snprintf(prefix, sizeof prefix, "host%d_%d_", p, e);
        n_hosts += g_str_has_prefix(other, prefix);
        g_snprintf(prefix, sizeof prefix, "agg%d_", p);
        n_agg += g_str_has_prefix(other, prefix);
      }
      cr_assert_eq(n_hosts, 3, "%s has %d of its hosts", name, n_hosts);
      cr_assert_eq(n_agg, 3, "%s has %d aggregation switches of its pod", name, n_agg);
    }
}

Test(topo_gen, fat_tree_core_reaches_every_pod_once)
{
  g_autoptr(SimTopo) t = sim_topo_gen_fat_tree(4, NULL);
  cr_assert_not_null(t);
  /* core j is wired to aggregation switch j / (k/2) of each pod. */
  for (int j = 0; j < 4; j++) {
    char name[32];
    g_snprintf(name, sizeof name, "core%d", j);
    int n = 0;
    const int *nb = sim_topo_neighbours(t, node(t, name), &n);
    cr_assert_eq(n, 4);
    for (int p = 0; p < 4; p++) {
      char want[32];
      g_snprintf(want, sizeof want, "agg%d_%d", p, j / 2);
      cr_assert_str_eq(sim_topo_node_name(t, nb[p]), want, "%s neighbour %d: %s", name, p,
                       sim_topo_node_name(t, nb[p]));
    }
  }
}

Test(topo_gen, fat_tree_k8_follows_formulas)
{
  g_autoptr(SimTopo) t = sim_topo_gen_fat_tree(8, NULL);
  cr_assert_not_null(t);
  cr_assert_eq(sim_topo_n_nodes(t), 5 * 64 / 4 + 512 / 4, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 3 * 512 / 4, "%d links", sim_topo_n_links(t));
  cr_assert_geq(sim_topo_find_node(t, "host7_3_3"), 0);
}

Test(topo_gen, fat_tree_rejects_odd_k)
{
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_fat_tree(5, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "fat-tree: expected an even number of ports k >= 2, got 5");
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_fat_tree(0, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID), "%s",
            error->message);
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_fat_tree(1 << 20, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT), "%s",
            error->message);
  g_error_free(error);
}

/* ---- random generators --------------------------------------------------- */

static SimTopo *
waxman(uint32_t seed, int n, double alpha, double beta, gboolean connected)
{
  SimRng rng;
  sim_rng_init(&rng, seed, 0, 0, 0);
  GError *error = NULL;
  SimTopo *t = sim_topo_gen_waxman(n, alpha, beta, connected, &rng, &error);
  cr_assert_not_null(t, "waxman: %s", error ? error->message : "?");
  return t;
}

Test(topo_gen, waxman_same_seed_same_graph)
{
  g_autoptr(SimTopo) a = waxman(7, 60, 0.2, 0.6, FALSE);
  g_autoptr(SimTopo) b = waxman(7, 60, 0.2, 0.6, FALSE);
  cr_assert_gt(sim_topo_n_links(a), 0);
  cr_assert(topo_equal(a, b), "%d vs %d links", sim_topo_n_links(a), sim_topo_n_links(b));
}

Test(topo_gen, waxman_other_seed_other_graph)
{
  g_autoptr(SimTopo) a = waxman(7, 60, 0.2, 0.6, FALSE);
  g_autoptr(SimTopo) b = waxman(8, 60, 0.2, 0.6, FALSE);
  cr_assert_not(topo_equal(a, b), "seeds 7 and 8 gave the same graph (%d links)",
                sim_topo_n_links(a));
}

Test(topo_gen, waxman_nodes_in_unit_square_and_simple)
{
  g_autoptr(SimTopo) t = waxman(3, 100, 0.3, 0.5, FALSE);
  cr_assert_eq(sim_topo_n_nodes(t), 100);
  for (int i = 0; i < 100; i++) {
    double x = -1, y = -1;
    cr_assert_eq(sim_topo_node_position(t, i, &x, &y), SIM_TOPO_COORDS_XY);
    cr_assert(x >= 0 && x < 1 && y >= 0 && y < 1, "r%d at %g, %g", i, x, y);
  }
  cr_assert(simple_graph(t));
  for (int l = 0; l < sim_topo_n_links(t); l++)
    cr_assert_lt(sim_topo_link_a(t, l), sim_topo_link_b(t, l), "link %d order", l);
}

Test(topo_gen, waxman_density_follows_beta)
{
  /* Every pair has probability beta when alpha is huge. */
  g_autoptr(SimTopo) t = waxman(11, 200, 1e9, 0.25, FALSE);
  double pairs = 200.0 * 199 / 2;
  double frac = sim_topo_n_links(t) / pairs;
  cr_assert(fabs(frac - 0.25) < 0.02, "link fraction %.4f, expected about 0.25", frac);
}

Test(topo_gen, waxman_connected_flag_joins_components)
{
  g_autoptr(SimTopo) loose = waxman(5, 80, 0.05, 0.05, FALSE);
  int comps = sim_topo_components(loose, NULL);
  cr_assert_gt(comps, 1, "sparse Waxman graph is connected (%d links)",
               sim_topo_n_links(loose));
  g_autoptr(SimTopo) joined = waxman(5, 80, 0.05, 0.05, TRUE);
  cr_assert(sim_topo_is_connected(joined));
  cr_assert_eq(sim_topo_n_links(joined), sim_topo_n_links(loose) + comps - 1,
               "%d links = %d random + %d joining", sim_topo_n_links(joined),
               sim_topo_n_links(loose), comps - 1);
  g_autoptr(SimTopo) again = waxman(5, 80, 0.05, 0.05, TRUE);
  cr_assert(topo_equal(joined, again));
}

Test(topo_gen, waxman_rejects_bad_parameters)
{
  SimRng rng;
  sim_rng_init(&rng, 1, 0, 0, 0);
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_waxman(10, 0.2, 1.5, FALSE, &rng, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "waxman: expected n >= 1, alpha > 0 and 0 < beta <= 1, got n 10, alpha 0.2, "
               "beta 1.5");
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_waxman(10, 0, 0.5, FALSE, &rng, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID));
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_waxman(0, 0.2, 0.5, FALSE, &rng, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID));
  g_error_free(error);
}

static SimTopo *
barabasi_albert(uint32_t seed, int n, int m)
{
  SimRng rng;
  sim_rng_init(&rng, seed, 0, 0, 0);
  GError *error = NULL;
  SimTopo *t = sim_topo_gen_barabasi_albert(n, m, &rng, &error);
  cr_assert_not_null(t, "barabasi-albert: %s", error ? error->message : "?");
  return t;
}

Test(topo_gen, barabasi_albert_counts)
{
  g_autoptr(SimTopo) t = barabasi_albert(1, 500, 3);
  cr_assert_eq(sim_topo_n_nodes(t), 500);
  /* Seed clique of m nodes: m(m-1)/2 links, then m per node. */
  cr_assert_eq(sim_topo_n_links(t), 3 + 3 * 497, "%d links", sim_topo_n_links(t));
  for (int i = 0; i < 500; i++)
    cr_assert_geq(sim_topo_node_degree(t, i), 3, "r%d degree %d", i,
                  sim_topo_node_degree(t, i));
  cr_assert(simple_graph(t));
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_gen, barabasi_albert_m1_is_a_tree)
{
  g_autoptr(SimTopo) t = barabasi_albert(2, 100, 1);
  cr_assert_eq(sim_topo_n_links(t), 99);
  cr_assert(sim_topo_is_connected(t));
  cr_assert(sim_topo_link_a(t, 0) == 1 && sim_topo_link_b(t, 0) == 0, "first link %d-%d",
            sim_topo_link_a(t, 0), sim_topo_link_b(t, 0));
}

Test(topo_gen, barabasi_albert_prefers_high_degree)
{
  g_autoptr(SimTopo) t = barabasi_albert(4, 2000, 2);
  int max_degree = 0;
  for (int i = 0; i < 2000; i++)
    max_degree = MAX(max_degree, sim_topo_node_degree(t, i));
  /* Uniform attachment would give a maximum near 2 + 2 ln(2000) = 17;
   * preferential attachment a hub of order m * sqrt(n) = 90. */
  cr_assert_gt(max_degree, 40, "largest degree %d", max_degree);
}

Test(topo_gen, barabasi_albert_deterministic)
{
  g_autoptr(SimTopo) a = barabasi_albert(9, 300, 2);
  g_autoptr(SimTopo) b = barabasi_albert(9, 300, 2);
  g_autoptr(SimTopo) c = barabasi_albert(10, 300, 2);
  cr_assert(topo_equal(a, b), "same seed, different graphs");
  cr_assert_not(topo_equal(a, c), "seeds 9 and 10 gave the same graph");
}

Test(topo_gen, barabasi_albert_rejects_bad_parameters)
{
  SimRng rng;
  sim_rng_init(&rng, 1, 0, 0, 0);
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_barabasi_albert(3, 3, &rng, &error));
  assert_error(error, SIM_TOPO_ERROR_INVALID,
               "barabasi-albert: expected m >= 1 and n > m, got n 3, m 3");
  g_clear_error(&error);
  cr_assert_null(sim_topo_gen_barabasi_albert(10, 0, &rng, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID));
  g_error_free(error);
}

/* ---- scale ----------------------------------------------------------------- */

Test(topo_gen, grid_of_100k_nodes_is_small)
{
  GError *error = NULL;
  g_autoptr(SimTopo) t = sim_topo_gen_grid(316, 316, &error);
  cr_assert_not_null(t, "%s", error ? error->message : "?");
  int nodes = sim_topo_n_nodes(t), links = sim_topo_n_links(t);
  cr_assert_eq(nodes, 99856, "%d nodes", nodes);
  cr_assert_eq(links, 2 * 316 * 315, "%d links", links);
  cr_assert_eq(sim_topo_find_node(t, "r315_314"), 99854);
  cr_assert(sim_topo_is_connected(t));
  int n = 0;
  sim_topo_neighbours(t, 500, &n);
  cr_assert_eq(n, 4);
  size_t bytes = sim_topo_memory(t);
  double per = (double)bytes / (nodes + links);
  cr_assert_lt(per, 100.0, "%zu bytes, %.1f per node+link", bytes, per);
}

/* ---- 5G mobile transport ------------------------------------------------------ */

static SimTopo *
gen_5g_sites(int cell_sites)
{
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = cell_sites;
  GError *error = NULL;
  SimTopo *t = sim_topo_gen_5g(&cfg, &error);
  cr_assert_not_null(t, "cell_sites %d: %s", cell_sites, error ? error->message : "?");
  return t;
}

static void
assert_5g_error(const SimTopo5gConfig *cfg, const char *message)
{
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_5g(cfg, &error), "expected [%s]", message);
  assert_error(error, SIM_TOPO_ERROR_INVALID, message);
  g_error_free(error);
}

static const char *
node_attr(const SimTopo *t, const char *name, const char *key)
{
  return sim_topo_node_get_attr(t, node(t, name), key);
}

Test(topo_gen, five_g_defaults_follow_the_reference_design)
{
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cr_assert_eq(cfg.cell_sites, 768);
  cr_assert_eq(cfg.csr_per_ring, 6);
  cr_assert_eq(cfg.rings_per_pair, 8);
  cr_assert_eq(cfg.pairs_per_domain, 4);
  cr_assert_eq(cfg.core_nodes, 0);
  cr_assert_eq(cfg.central_dcs, -1);
  cr_assert_eq(cfg.access_rate, UINT64_C(25000000000));
  cr_assert_eq(cfg.access_delay, SIM_US(10));
  cr_assert_eq(cfg.preagg_rate, UINT64_C(100000000000));
  cr_assert_eq(cfg.preagg_delay, SIM_US(100));
  cr_assert_eq(cfg.agg_rate, UINT64_C(400000000000));
  cr_assert_eq(cfg.agg_delay, SIM_US(250));
  cr_assert_eq(cfg.core_rate, UINT64_C(400000000000));
  cr_assert_eq(cfg.core_delay, SIM_MS(1));
  cr_assert_eq(cfg.edc_rate, UINT64_C(100000000000));
  cr_assert_eq(cfg.edc_delay, SIM_US(5));
  cr_assert_eq(cfg.cdc_rate, UINT64_C(400000000000));
  cr_assert_eq(cfg.cdc_delay, SIM_US(5));

  /* 128 rings, 16 pairs, 4 domains of 203 nodes, 4 core routers, 2 DCs */
  g_autoptr(SimTopo) t = gen_5g_sites(768);
  cr_assert_eq(sim_topo_n_nodes(t), 818, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 1006, "%d links", sim_topo_n_links(t));
  cr_assert(sim_topo_is_connected(t));
  cr_assert(simple_graph(t));
  int per_domain = 0;
  for (int v = 0; v < sim_topo_n_nodes(t); v++)
    per_domain += g_strcmp0(sim_topo_node_get_attr(t, v, "domain"), "0") == 0;
  cr_assert_eq(per_domain, 203, "domain 0 has %d nodes", per_domain);
}

Test(topo_gen, five_g_counts_for_several_sizes)
{
  /* cell sites, nodes, links; hand-computed from rings = ceil(sites/6),
   * pairs = ceil(rings/8), domains = ceil(pairs/4), core max(4, 2 ceil(domains/4)) */
  const struct {
    int sites, nodes, links;
  } cases[] = {
    { 1, 1 + 2 + 3 + 4 + 2, 1 + 1 + 5 + 5 + 6 + 4 },
    { 20, 31, 44 },                  /* rings of 6, 6, 6, 2 */
    { 100, 115, 147 },               /* 17 rings, 3 pairs, 1 domain */
    { 768, 818, 1006 },
    { 10000, 10601, 13033 },         /* 1667 rings, 209 pairs, 53 domains, 16 core (+16 chords), 8 DCs */
    { 100000, 105755, 129748 },      /* 16667 rings, 2084 pairs, 521 domains, 16 core, 8 DCs */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(SimTopo) t = gen_5g_sites(cases[i].sites);
    cr_assert_eq(sim_topo_n_nodes(t), cases[i].nodes, "%d sites: %d nodes, expected %d",
                 cases[i].sites, sim_topo_n_nodes(t), cases[i].nodes);
    cr_assert_eq(sim_topo_n_links(t), cases[i].links, "%d sites: %d links, expected %d",
                 cases[i].sites, sim_topo_n_links(t), cases[i].links);
    cr_assert(sim_topo_is_connected(t), "%d sites: disconnected", cases[i].sites);
  }
}

Test(topo_gen, five_g_names_and_order)
{
  g_autoptr(SimTopo) t = gen_5g_sites(20);
  const char *order[] = { "core0",     "core1",     "core2",     "core3",     "cdc0",
                          "cdc1",      "agg0a",     "agg0b",     "edc0",      "pa0_0a",
                          "pa0_0b",    "csr0_0_0_0", "csr0_0_0_1", "csr0_0_0_2", "csr0_0_0_3",
                          "csr0_0_0_4", "csr0_0_0_5", "csr0_0_1_0" };
  for (int i = 0; i < (int)G_N_ELEMENTS(order); i++)
    cr_assert_str_eq(sim_topo_node_name(t, i), order[i], "node %d is %s, expected %s", i,
                     sim_topo_node_name(t, i), order[i]);
  /* the last ring holds the 2 remaining sites */
  cr_assert_str_eq(sim_topo_node_name(t, 30), "csr0_0_3_1", "last node %s",
                   sim_topo_node_name(t, 30));
  cr_assert_eq(sim_topo_find_node(t, "csr0_0_3_2"), -1);
  for (int v = 0; v < sim_topo_n_nodes(t); v++)
    cr_assert_str_eq(sim_topo_node_role(t, v), "router", "%s", sim_topo_node_name(t, v));

  /* links: core ring, chords, central DCs, agg, edc, pre-agg, then rings */
  const char *links[][2] = {
    { "core0", "core1" },  { "core1", "core2" },  { "core2", "core3" },   { "core3", "core0" },
    { "core0", "core2" },  { "core1", "core3" },  { "core0", "cdc0" },    { "core1", "cdc0" },
    { "core2", "cdc1" },   { "core3", "cdc1" },   { "agg0a", "agg0b" },   { "core0", "agg0a" },
    { "core1", "agg0b" },  { "agg0a", "edc0" },   { "agg0b", "edc0" },    { "pa0_0a", "pa0_0b" },
    { "agg0a", "pa0_0a" }, { "agg0b", "pa0_0a" }, { "agg0a", "pa0_0b" },  { "agg0b", "pa0_0b" },
    { "pa0_0a", "csr0_0_0_0" }, { "csr0_0_0_0", "csr0_0_0_1" },
  };
  for (int l = 0; l < (int)G_N_ELEMENTS(links); l++) {
    const char *a = sim_topo_node_name(t, sim_topo_link_a(t, l));
    const char *b = sim_topo_node_name(t, sim_topo_link_b(t, l));
    cr_assert(strcmp(a, links[l][0]) == 0 && strcmp(b, links[l][1]) == 0,
              "link %d is %s-%s, expected %s-%s", l, a, b, links[l][0], links[l][1]);
  }
  int last = sim_topo_n_links(t) - 1;
  cr_assert_eq(sim_topo_link_a(t, last), node(t, "csr0_0_3_1"));
  cr_assert_eq(sim_topo_link_b(t, last), node(t, "pa0_0b"));
}

Test(topo_gen, five_g_is_deterministic)
{
  g_autoptr(SimTopo) a = gen_5g_sites(1000);
  g_autoptr(SimTopo) b = gen_5g_sites(1000);
  cr_assert(topo_equal(a, b));
  for (int l = 0; l < sim_topo_n_links(a); l++)
    cr_assert_str_eq(sim_topo_link_get_attr(a, l, "delay"), sim_topo_link_get_attr(b, l, "delay"));
}

/* Every CSR lies on a chain of CSRs whose two ends attach to the two
 * pre-agg nodes of its pair: walking the CSRs from it reaches exactly
 * pa<d>_<p>a and pa<d>_<p>b. */
static void
assert_rings_closed(SimTopo *t)
{
  int n_nodes = sim_topo_n_nodes(t);
  int *seen = g_new0(int, n_nodes); /* stamp: CSR visited for the walk from v */
  int *stack = g_new(int, n_nodes);
  for (int v = 0; v < n_nodes; v++) {
    if (g_strcmp0(sim_topo_node_get_attr(t, v, "tier"), "csr") != 0)
      continue;
    int d, p, r, i;
    cr_assert_eq(sscanf(sim_topo_node_name(t, v), "csr%d_%d_%d_%d", &d, &p, &r, &i), 4);
    cr_assert_eq(sim_topo_node_degree(t, v), 2, "%s has degree %d", sim_topo_node_name(t, v),
                 sim_topo_node_degree(t, v));
    char pa_a[32], pa_b[32];
    g_snprintf(pa_a, sizeof pa_a, "pa%d_%da", d, p);
    g_snprintf(pa_b, sizeof pa_b, "pa%d_%db", d, p);
    int want_a = node(t, pa_a), want_b = node(t, pa_b);
    int got_a = 0, got_b = 0, other = -1, top = 0;
    stack[top++] = v;
    seen[v] = v + 1;
    while (top > 0) {
      int u = stack[--top], n = 0;
      const int *nb = sim_topo_neighbours(t, u, &n);
      for (int k = 0; k < n; k++) {
        int w = nb[k];
        if (g_strcmp0(sim_topo_node_get_attr(t, w, "tier"), "csr") == 0) {
          if (seen[w] != v + 1) {
            seen[w] = v + 1;
            stack[top++] = w;
          }
        } else if (w == want_a) {
          got_a++;
        } else if (w == want_b) {
          got_b++;
        } else {
          other = w;
        }
      }
    }
    cr_assert(got_a == 1 && got_b == 1 && other < 0,
              "%s: ring reaches %s %d times, %s %d times, other node %s",
              sim_topo_node_name(t, v), pa_a, got_a, pa_b, got_b,
              other < 0 ? "none" : sim_topo_node_name(t, other));
  }
  g_free(stack);
  g_free(seen);
}

Test(topo_gen, five_g_every_csr_reaches_both_preagg_nodes)
{
  g_autoptr(SimTopo) t = gen_5g_sites(100); /* 16 rings of 6 and one of 4 */
  assert_rings_closed(t);
  g_autoptr(SimTopo) one = gen_5g_sites(1); /* pa - csr - pa */
  assert_rings_closed(one);
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = 50;
  cfg.csr_per_ring = 1;
  cfg.rings_per_pair = 3;
  cfg.pairs_per_domain = 2;
  GError *error = NULL;
  g_autoptr(SimTopo) singles = sim_topo_gen_5g(&cfg, &error);
  cr_assert_not_null(singles, "%s", error ? error->message : "?");
  assert_rings_closed(singles);
  /* 50 rings, 17 pairs, 9 domains, 6 core routers, 3 central DCs */
  cr_assert_eq(sim_topo_n_nodes(singles), 50 + 34 + 27 + 6 + 3, "%d nodes",
               sim_topo_n_nodes(singles));
  cr_assert_eq(sim_topo_node_degree(singles, node(singles, "csr8_0_1_0")), 2);
}

Test(topo_gen, five_g_degrees)
{
  g_autoptr(SimTopo) t = gen_5g_sites(768);
  for (int v = 0; v < sim_topo_n_nodes(t); v++) {
    const char *tier = sim_topo_node_get_attr(t, v, "tier");
    int deg = sim_topo_node_degree(t, v), want;
    if (strcmp(tier, "csr") == 0)
      want = 2;
    else if (strcmp(tier, "preagg") == 0)
      want = 1 + 2 + 8; /* pair link, two uplinks, one end of each of 8 rings */
    else if (strcmp(tier, "agg") == 0)
      want = 1 + 1 + 1 + 2 * 4; /* pair, core, edge DC, both nodes of 4 pairs */
    else if (strcmp(tier, "edc") == 0 || strcmp(tier, "cdc") == 0)
      want = 2;
    else
      want = 2 + 1 + 2 + 1; /* ring, chord, aggs of two domains, one central DC */
    cr_assert_eq(deg, want, "%s (%s) has degree %d, expected %d", sim_topo_node_name(t, v), tier,
                 deg, want);
  }
  /* the last domain of 100 sites has 3 pairs: its aggs have 3 + 6 links */
  g_autoptr(SimTopo) small = gen_5g_sites(100);
  cr_assert_eq(sim_topo_node_degree(small, node(small, "agg0b")), 9);
  cr_assert_eq(sim_topo_node_degree(small, node(small, "pa0_2a")), 3 + 1); /* one ring */
}

Test(topo_gen, five_g_tier_and_domain_attributes)
{
  g_autoptr(SimTopo) t = gen_5g_sites(768);
  const struct {
    const char *name, *tier, *domain;
  } cases[] = {
    { "core3", "core", NULL },     { "cdc1", "cdc", NULL },          { "agg2a", "agg", "2" },
    { "agg3b", "agg", "3" },       { "edc1", "edc", "1" },           { "pa1_3b", "preagg", "1" },
    { "pa0_0a", "preagg", "0" },   { "csr3_3_7_5", "csr", "3" },     { "csr0_0_0_0", "csr", "0" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    cr_assert_str_eq(node_attr(t, cases[i].name, "tier"), cases[i].tier, "%s",
                     cases[i].name);
    const char *dom = node_attr(t, cases[i].name, "domain");
    cr_assert(g_strcmp0(dom, cases[i].domain) == 0, "%s: domain %s, expected %s",
              cases[i].name, dom ? dom : "(unset)", cases[i].domain ? cases[i].domain : "(unset)");
  }
  cr_assert_eq(sim_topo_find_node(t, "csr4_0_0_0"), -1, "only 4 domains");
}

/* The link tier implied by its endpoints' node tiers. */
static const char *
expected_link_tier(const char *ta, const char *tb)
{
#define EITHER(x) (strcmp(ta, x) == 0 || strcmp(tb, x) == 0)
  if (EITHER("csr"))
    return "access"; /* csr-csr, preagg-csr */
  if (EITHER("preagg"))
    return "preagg"; /* preagg-preagg, agg-preagg */
  if (EITHER("cdc"))
    return "cdc";
  if (EITHER("edc"))
    return "edc";
  if (EITHER("agg"))
    return "agg"; /* agg-agg, agg-core */
  return strcmp(ta, "core") == 0 && strcmp(tb, "core") == 0 ? "core" : "?";
#undef EITHER
}

static void
assert_link_tiers(const SimTopo *t, const char *const rates[][3])
{
  int per_tier[6] = { 0 };
  for (int l = 0; l < sim_topo_n_links(t); l++) {
    const char *ta = sim_topo_node_get_attr(t, sim_topo_link_a(t, l), "tier");
    const char *tb = sim_topo_node_get_attr(t, sim_topo_link_b(t, l), "tier");
    const char *tier = sim_topo_link_get_attr(t, l, "tier");
    const char *want = expected_link_tier(ta, tb);
    cr_assert_str_eq(tier, want, "link %d (%s-%s) has tier %s, expected %s", l, ta, tb, tier,
                     want);
    int k = 0;
    while (k < 6 && strcmp(rates[k][0], tier) != 0)
      k++;
    cr_assert_lt(k, 6, "tier %s", tier);
    per_tier[k]++;
    cr_assert_str_eq(sim_topo_link_get_attr(t, l, "rate"), rates[k][1], "link %d (%s)", l, tier);
    cr_assert_str_eq(sim_topo_link_get_attr(t, l, "delay"), rates[k][2], "link %d (%s)", l,
                     tier);
  }
  for (int k = 0; k < 6; k++)
    cr_assert_gt(per_tier[k], 0, "no link of tier %s", rates[k][0]);
}

Test(topo_gen, five_g_link_rates_and_delays_per_tier)
{
  static const char *const defaults[][3] = {
    { "access", "25Gbps", "10us" }, { "preagg", "100Gbps", "100us" }, { "agg", "400Gbps", "250us" },
    { "core", "400Gbps", "1ms" },   { "edc", "100Gbps", "5us" },      { "cdc", "400Gbps", "5us" },
  };
  g_autoptr(SimTopo) t = gen_5g_sites(768);
  assert_link_tiers(t, defaults);

  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = 40;
  cfg.access_rate = UINT64_C(10000000000);
  cfg.access_delay = SIM_NS(2500);
  cfg.core_delay = SIM_US(1500);
  cfg.cdc_rate = UINT64_C(2500000000);
  static const char *const custom[][3] = {
    { "access", "10Gbps", "2.5us" }, { "preagg", "100Gbps", "100us" }, { "agg", "400Gbps", "250us" },
    { "core", "400Gbps", "1.5ms" },  { "edc", "100Gbps", "5us" },      { "cdc", "2.5Gbps", "5us" },
  };
  GError *error = NULL;
  g_autoptr(SimTopo) c = sim_topo_gen_5g(&cfg, &error);
  cr_assert_not_null(c, "%s", error ? error->message : "?");
  assert_link_tiers(c, custom);
}

Test(topo_gen, five_g_core_size)
{
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = 20;
  cfg.core_nodes = 6;
  cfg.central_dcs = 4;
  GError *error = NULL;
  g_autoptr(SimTopo) t = sim_topo_gen_5g(&cfg, &error);
  cr_assert_not_null(t, "%s", error ? error->message : "?");
  cr_assert_eq(links_between(t, node(t, "core0"), node(t, "core3")), 1, "chord 0-3");
  cr_assert_eq(links_between(t, node(t, "core2"), node(t, "core5")), 1, "chord 2-5");
  cr_assert_eq(links_between(t, node(t, "core5"), node(t, "core0")), 1, "ring closes");
  cr_assert_eq(links_between(t, node(t, "core0"), node(t, "core2")), 0);
  /* cdc3 on core 6 mod 6 = 0 and core 1 */
  cr_assert_eq(links_between(t, node(t, "core0"), node(t, "cdc3")), 1);
  cr_assert_eq(links_between(t, node(t, "core1"), node(t, "cdc3")), 1);
  cr_assert_eq(sim_topo_node_degree(t, node(t, "cdc2")), 2);
  cr_assert(simple_graph(t));

  /* automatic: 2 * ceil(domains / 4) between 4 and 16 (1667 rings: 53 domains) */
  g_autoptr(SimTopo) big = gen_5g_sites(10000);
  cr_assert_geq(sim_topo_find_node(big, "core15"), 0);
  cr_assert_eq(sim_topo_find_node(big, "core16"), -1);
  cr_assert(simple_graph(big));
  /* agg52a on core 104 mod 16 = 8, agg52b on core 9 */
  cr_assert_eq(links_between(big, node(big, "core8"), node(big, "agg52a")), 1);
  cr_assert_eq(links_between(big, node(big, "core9"), node(big, "agg52b")), 1);
  /* from 8 core routers on: ring, chords to i + C/2 and to i + C/4 */
  cr_assert_eq(links_between(big, node(big, "core0"), node(big, "core4")), 1, "chord 0-4");
  cr_assert_eq(links_between(big, node(big, "core14"), node(big, "core2")), 1, "chord 14-2");
  cr_assert_eq(links_between(big, node(big, "core3"), node(big, "core11")), 1, "chord 3-11");
  /* core5: ring 2, chords 3, agg<d>b for 2d + 1 = 5 mod 16 (d = 2, 10, ..., 50), and
   * cdc2 (automatic: 8 central DCs, cdc<i> on cores 2i and 2i + 1) */
  cr_assert_eq(sim_topo_node_degree(big, node(big, "core5")), 5 + 7 + 1);
  cr_assert_geq(sim_topo_find_node(big, "cdc7"), 0);
  cr_assert_eq(sim_topo_find_node(big, "cdc8"), -1);

  cfg.central_dcs = 0;
  g_autoptr(SimTopo) none = sim_topo_gen_5g(&cfg, &error);
  cr_assert_not_null(none, "%s", error ? error->message : "?");
  cr_assert_eq(sim_topo_find_node(none, "cdc0"), -1);
  cr_assert(sim_topo_is_connected(none));
}

Test(topo_gen, five_g_rejects_bad_parameters)
{
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = 0;
  assert_5g_error(&cfg, "5g: expected cell_sites >= 1, got 0");
  sim_topo_5g_config_init(&cfg);
  cfg.csr_per_ring = 0;
  assert_5g_error(&cfg, "5g: expected csr_per_ring >= 1, got 0");
  sim_topo_5g_config_init(&cfg);
  cfg.rings_per_pair = -2;
  assert_5g_error(&cfg, "5g: expected rings_per_pair >= 1, got -2");
  sim_topo_5g_config_init(&cfg);
  cfg.pairs_per_domain = 0;
  assert_5g_error(&cfg, "5g: expected pairs_per_domain >= 1, got 0");
  sim_topo_5g_config_init(&cfg);
  cfg.central_dcs = -2;
  assert_5g_error(&cfg, "5g: expected central_dcs >= -1, got -2");
  sim_topo_5g_config_init(&cfg);
  cfg.core_nodes = 5;
  assert_5g_error(&cfg, "5g: expected core_nodes 0 (automatic) or even and >= 4, got 5");
  cfg.core_nodes = 2;
  assert_5g_error(&cfg, "5g: expected core_nodes 0 (automatic) or even and >= 4, got 2");
  sim_topo_5g_config_init(&cfg);
  cfg.access_rate = 0;
  assert_5g_error(&cfg, "5g: expected a positive access_rate and access_delay, got 0bps and 10us");
  sim_topo_5g_config_init(&cfg);
  cfg.cdc_delay = 0;
  assert_5g_error(&cfg, "5g: expected a positive cdc_rate and cdc_delay, got 400Gbps and 0s");
}

Test(topo_gen, five_g_too_large_is_a_limit_error)
{
  SimTopo5gConfig cfg;
  sim_topo_5g_config_init(&cfg);
  cfg.cell_sites = G_MAXINT;
  GError *error = NULL;
  cr_assert_null(sim_topo_gen_5g(&cfg, &error));
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT), "%s",
            error ? error->message : "no error");
  g_error_free(error);
}
