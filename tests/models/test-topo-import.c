/* test-topo-import.c - CSV and GraphML import (suite topo_import): good
 * files, Internet Topology Zoo files, and every error with its exact
 * "file:line:" prefix. Data under tests/data/topo (see its README.md). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "topo.h"

/* ---- helpers ---------------------------------------------------------------- */

static char *
data_path(const char *name)
{
  const char *top = g_getenv("top_srcdir");
  return g_build_filename(top != NULL && *top != '\0' ? top : ".", "tests", "data", "topo",
                          name, NULL);
}

static SimTopo *
load_csv(const char *nodes, const char *links)
{
  g_autofree char *np = nodes ? data_path(nodes) : NULL;
  g_autofree char *lp = data_path(links);
  GError *error = NULL;
  SimTopo *t = sim_topo_import_csv(np, lp, &error);
  cr_assert_not_null(t, "import %s %s: %s", nodes ? nodes : "-", links,
                     error ? error->message : "?");
  return t;
}

static SimTopo *
load_graphml(const char *name)
{
  g_autofree char *path = data_path(name);
  GError *error = NULL;
  SimTopo *t = sim_topo_import_graphml(path, &error);
  cr_assert_not_null(t, "import %s: %s", name, error ? error->message : "?");
  return t;
}

/* Asserts that the import failed with @code and the message
 * "<path of @file>:<line>: <what>". */
static void
assert_file_error(SimTopo *t, GError *error, int code, const char *file, int line,
                  const char *what)
{
  cr_assert_null(t, "import of %s succeeded", file);
  cr_assert_not_null(error, "no error for %s", file);
  g_autofree char *path = data_path(file);
  g_autofree char *want = g_strdup_printf("%s:%d: %s", path, line, what);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, code), "error %s/%d: %s",
            g_quark_to_string(error->domain), error->code, error->message);
  cr_assert_str_eq(error->message, want, "message [%s]", error->message);
}

static void
csv_error(const char *nodes, const char *links, int code, const char *file, int line,
          const char *what)
{
  g_autofree char *np = nodes ? data_path(nodes) : NULL;
  g_autofree char *lp = data_path(links);
  GError *error = NULL;
  SimTopo *t = sim_topo_import_csv(np, lp, &error);
  assert_file_error(t, error, code, file, line, what);
  g_error_free(error);
}

static void
graphml_error(const char *file, int code, int line, const char *what)
{
  g_autofree char *path = data_path(file);
  GError *error = NULL;
  SimTopo *t = sim_topo_import_graphml(path, &error);
  assert_file_error(t, error, code, file, line, what);
  g_error_free(error);
}

/* Parses @xml named "mem.graphml" and expects "mem.graphml:<line>: <what>". */
static void
graphml_text_error(const char *xml, int code, int line, const char *what)
{
  GError *error = NULL;
  SimTopo *t = sim_topo_parse_graphml("mem.graphml", xml, strlen(xml), &error);
  cr_assert_null(t, "parsed: %s", xml);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, code), "error %s/%d: %s",
            error ? g_quark_to_string(error->domain) : "none", error ? error->code : -1,
            error ? error->message : "");
  g_autofree char *want = g_strdup_printf("mem.graphml:%d: %s", line, what);
  cr_assert_str_eq(error->message, want, "message [%s]", error->message);
  g_error_free(error);
}

static int
node(const SimTopo *t, const char *name)
{
  int id = sim_topo_find_node(t, name);
  cr_assert_geq(id, 0, "no node named %s", name);
  return id;
}

/* The link between @a and @b, the @nth (0-based) in link order, or -1. */
static int
link_between(const SimTopo *t, const char *a, const char *b, int nth)
{
  int ia = node(t, a), ib = node(t, b);
  for (int l = 0; l < sim_topo_n_links(t); l++) {
    int x = sim_topo_link_a(t, l), y = sim_topo_link_b(t, l);
    if (((x == ia && y == ib) || (x == ib && y == ia)) && nth-- == 0)
      return l;
  }
  return -1;
}

/* ---- CSV: good files ------------------------------------------------------- */

Test(topo_import, csv_nodes_and_links)
{
  g_autoptr(SimTopo) t = load_csv("nodes.csv", "links.csv");
  cr_assert_eq(sim_topo_n_nodes(t), 4, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 5, "%d links", sim_topo_n_links(t));
  cr_assert_str_eq(sim_topo_node_name(t, 0), "ams");
  cr_assert_str_eq(sim_topo_node_role(t, node(t, "h1")), "host");
  cr_assert_str_eq(sim_topo_node_role(t, node(t, "lon")), "router");
  cr_assert(sim_topo_is_connected(t));
  cr_assert_eq(sim_topo_node_degree(t, node(t, "ams")), 4);
}

Test(topo_import, csv_other_node_columns_become_attributes)
{
  g_autoptr(SimTopo) t = load_csv("nodes.csv", "links.csv");
  int ams = node(t, "ams"), bru = node(t, "bru");
  cr_assert_str_eq(sim_topo_node_get_attr(t, ams, "site"), "Amsterdam, NL");
  cr_assert_str_eq(sim_topo_node_get_attr(t, ams, "asn"), "64500");
  cr_assert_null(sim_topo_node_get_attr(t, bru, "asn"), "empty cell is unset");
  cr_assert_null(sim_topo_node_get_attr(t, ams, "name"), "name is not an attribute");
  cr_assert_null(sim_topo_node_get_attr(t, ams, "latitude"), "latitude is the position");
  cr_assert_null(sim_topo_node_get_attr(t, ams, "role"));
}

Test(topo_import, csv_geographic_positions)
{
  g_autoptr(SimTopo) t = load_csv("nodes.csv", "links.csv");
  double lat = 0, lon = 0;
  cr_assert_eq(sim_topo_node_position(t, node(t, "lon"), &lat, &lon), SIM_TOPO_COORDS_GEO);
  cr_assert(lat == 51.50853 && lon == -0.12574, "London at %g, %g", lat, lon);
  cr_assert_eq(sim_topo_node_position(t, node(t, "h1"), NULL, NULL), SIM_TOPO_COORDS_NONE);
  double km = 0;
  cr_assert(sim_topo_link_length_km(t, link_between(t, "ams", "bru", 0), &km));
  cr_assert(km > 170 && km < 175, "Amsterdam - Brussels %.1f km", km);
  cr_assert_not(sim_topo_link_length_km(t, link_between(t, "ams", "h1", 0), &km));
}

Test(topo_import, csv_link_columns_are_text_attributes)
{
  g_autoptr(SimTopo) t = load_csv("nodes.csv", "links.csv");
  int l = link_between(t, "bru", "lon", 0);
  cr_assert_eq(l, 1, "link %d", l);
  cr_assert_str_eq(sim_topo_link_get_attr(t, l, "rate"), "40Gbps");
  cr_assert_str_eq(sim_topo_link_get_attr(t, l, "delay"), "2.5ms");
  cr_assert_null(sim_topo_link_get_attr(t, l, "metric"));
  cr_assert_null(sim_topo_link_get_attr(t, l, "a"));
  int p0 = link_between(t, "ams", "bru", 0), p1 = link_between(t, "ams", "bru", 1);
  cr_assert(p0 == 0 && p1 == 4, "parallel links %d and %d", p0, p1);
  cr_assert_str_eq(sim_topo_link_get_attr(t, p0, "mtu"), "9000");
  cr_assert_str_eq(sim_topo_link_get_attr(t, p1, "metric"), "100");
}

Test(topo_import, csv_planar_positions)
{
  g_autoptr(SimTopo) t = load_csv("xy-nodes.csv", "xy-links.csv");
  double x = 0, y = 0, km = 0;
  cr_assert_eq(sim_topo_node_position(t, node(t, "b"), &x, &y), SIM_TOPO_COORDS_XY);
  cr_assert(x == 3 && y == 4, "b at %g, %g", x, y);
  cr_assert_eq(sim_topo_node_position(t, node(t, "c"), NULL, NULL), SIM_TOPO_COORDS_NONE);
  cr_assert(sim_topo_link_length_km(t, 0, &km) && km == 5, "a-b %g", km);
}

Test(topo_import, csv_links_only_creates_nodes_in_order)
{
  g_autoptr(SimTopo) t = load_csv(NULL, "links-only.csv");
  static const char *const names[] = { "r1", "r2", "r3", "r4" };
  cr_assert_eq(sim_topo_n_nodes(t), 4, "%d nodes", sim_topo_n_nodes(t));
  for (int i = 0; i < 4; i++) {
    cr_assert_str_eq(sim_topo_node_name(t, i), names[i], "node %d [%s]", i,
                     sim_topo_node_name(t, i));
    cr_assert_str_eq(sim_topo_node_role(t, i), "");
  }
  cr_assert_eq(sim_topo_n_links(t), 4);
  cr_assert_str_eq(sim_topo_link_get_attr(t, 3, "rate"), "100Mbps");
}

/* ---- CSV: errors ----------------------------------------------------------- */

Test(topo_import, csv_duplicate_node_name)
{
  csv_error("bad-dup-name.csv", "links.csv", SIM_TOPO_ERROR_DUPLICATE, "bad-dup-name.csv", 4,
            "duplicate node name 'r1' (first on line 2)");
}

Test(topo_import, csv_empty_node_name)
{
  csv_error("bad-empty-name.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-empty-name.csv", 3,
            "expected a node name in column 'name', found an empty cell");
}

Test(topo_import, csv_missing_name_column)
{
  csv_error("bad-no-name.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-no-name.csv", 1,
            "expected a 'name' column in the header, found node,role");
}

Test(topo_import, csv_bad_number_in_x)
{
  csv_error("bad-x.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-x.csv", 4,
            "column 'x': expected a number, got '12km'");
}

Test(topo_import, csv_latitude_out_of_range)
{
  csv_error("bad-lat.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-lat.csv", 3,
            "column 'latitude': expected a latitude in degrees within [-90, 90], got '95'");
}

Test(topo_import, csv_x_without_y_column)
{
  csv_error("bad-half-xy.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-half-xy.csv", 1,
            "expected both 'x' and 'y' columns, found only 'x'");
}

Test(topo_import, csv_y_without_x_in_a_row)
{
  csv_error("bad-half-row.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-half-row.csv", 3,
            "expected both 'x' and 'y' or neither, found only 'y'");
}

Test(topo_import, csv_both_kinds_of_coordinates)
{
  csv_error("bad-both-coords.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-both-coords.csv", 1,
            "expected either x,y or latitude,longitude columns, found both");
}

Test(topo_import, csv_duplicate_column)
{
  csv_error("bad-dup-column.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-dup-column.csv", 1,
            "duplicate column 'site' (columns 2 and 3)");
}

Test(topo_import, csv_reader_errors_keep_file_and_line)
{
  csv_error("bad-fields.csv", "links.csv", SIM_TOPO_ERROR_PARSE, "bad-fields.csv", 3,
            "expected 2 fields (name,role), got 3");
}

Test(topo_import, csv_link_to_unknown_node)
{
  g_autofree char *nodes = data_path("nodes.csv");
  g_autofree char *what = g_strdup_printf(
    "unknown node 'par' in column 'b', expected a name from %s", nodes);
  csv_error("nodes.csv", "bad-links-unknown.csv", SIM_TOPO_ERROR_UNKNOWN_NODE,
            "bad-links-unknown.csv", 3, what);
}

Test(topo_import, csv_links_missing_column)
{
  csv_error("nodes.csv", "bad-links-no-b.csv", SIM_TOPO_ERROR_PARSE, "bad-links-no-b.csv", 1,
            "expected a 'b' column in the header, found a,c");
}

Test(topo_import, csv_link_to_itself)
{
  csv_error("nodes.csv", "bad-links-self.csv", SIM_TOPO_ERROR_INVALID, "bad-links-self.csv", 4,
            "expected two different nodes, got a link from 'lon' to itself");
}

Test(topo_import, csv_link_with_empty_end)
{
  csv_error(NULL, "bad-links-empty.csv", SIM_TOPO_ERROR_PARSE, "bad-links-empty.csv", 2,
            "expected a node name in column 'b', found an empty cell");
}

Test(topo_import, csv_missing_file_is_io_error)
{
  g_autofree char *path = data_path("no-such-file.csv");
  GError *error = NULL;
  SimTopo *t = sim_topo_import_csv(path, path, &error);
  cr_assert_null(t);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_IO), "%s",
            error ? error->message : "none");
  cr_assert(strstr(error->message, path) != NULL, "message without the file: %s",
            error->message);
  g_error_free(error);
}

/* ---- GraphML: Internet Topology Zoo files ------------------------------- */

Test(topo_import, zoo_abilene_counts_and_coordinates)
{
  g_autoptr(SimTopo) t = load_graphml("Abilene.graphml");
  cr_assert_eq(sim_topo_n_nodes(t), 11, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 14, "%d links", sim_topo_n_links(t));
  cr_assert_str_eq(sim_topo_node_name(t, 0), "New York");
  double lat = 0, lon = 0;
  cr_assert_eq(sim_topo_node_position(t, node(t, "Seattle"), &lat, &lon), SIM_TOPO_COORDS_GEO);
  cr_assert(lat == 47.60621 && lon == -122.33207, "Seattle at %g, %g", lat, lon);
  double km = 0;
  cr_assert(sim_topo_link_length_km(t, 0, &km));
  cr_assert(fabs(km - 1145.8388) < 0.001, "New York - Chicago %.4f km", km);
  cr_assert(sim_topo_is_connected(t));
}

Test(topo_import, zoo_data_become_attributes)
{
  g_autoptr(SimTopo) t = load_graphml("Abilene.graphml");
  int dc = node(t, "Washington DC");
  cr_assert_str_eq(sim_topo_node_get_attr(t, dc, "Country"), "United States");
  cr_assert_str_eq(sim_topo_node_get_attr(t, dc, "Internal"), "1");
  cr_assert_str_eq(sim_topo_node_get_attr(t, dc, "id"), "2");
  cr_assert_null(sim_topo_node_get_attr(t, dc, "label"));
  cr_assert_null(sim_topo_node_get_attr(t, dc, "Latitude"));
  cr_assert_str_eq(sim_topo_link_get_attr(t, 13, "LinkLabel"), "OC-192c");
  cr_assert_str_eq(sim_topo_link_get_attr(t, 13, "LinkType"), "OC-192");
  cr_assert_str_eq(sim_topo_get_attr(t, "Network"), "Abilene");
  cr_assert_str_eq(sim_topo_get_attr(t, "GeoLocation"), "US");
}

Test(topo_import, zoo_geant_missing_coordinates_and_link_speed)
{
  g_autoptr(SimTopo) t = load_graphml("Geant2012.graphml");
  cr_assert_eq(sim_topo_n_nodes(t), 40, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 61, "%d links", sim_topo_n_links(t));
  static const char *const without[] = { "UA", "MD", "BY" };
  int with = 0;
  for (int i = 0; i < 40; i++)
    with += sim_topo_node_position(t, i, NULL, NULL) == SIM_TOPO_COORDS_GEO;
  cr_assert_eq(with, 37, "%d nodes with coordinates", with);
  for (size_t i = 0; i < G_N_ELEMENTS(without); i++)
    cr_assert_eq(sim_topo_node_position(t, node(t, without[i]), NULL, NULL),
                 SIM_TOPO_COORDS_NONE, "%s has a position", without[i]);
  double lat = 0, lon = 0;
  sim_topo_node_position(t, node(t, "NL"), &lat, &lon);
  cr_assert(lat == 52.37403 && lon == 4.88969, "NL at %g, %g", lat, lon);
  cr_assert_str_eq(sim_topo_link_get_attr(t, 0, "id"), "e59");
  int l = link_between(t, "NL", sim_topo_node_name(t, 34), 0);
  cr_assert_geq(l, 0);
  cr_assert_str_eq(sim_topo_link_get_attr(t, l, "LinkSpeed"), "2.5");
  cr_assert_str_eq(sim_topo_link_get_attr(t, l, "LinkLabel"), "2.5 Gbps");
}

Test(topo_import, zoo_internode_duplicate_labels_made_unique)
{
  g_autoptr(SimTopo) t = load_graphml("Internode.graphml");
  cr_assert_eq(sim_topo_n_nodes(t), 66, "%d nodes", sim_topo_n_nodes(t));
  cr_assert_eq(sim_topo_n_links(t), 78, "%d links", sim_topo_n_links(t));
  /* Equinix is the label of nodes 9, 15, 34, 38, 39 and 41. */
  static const char *const equinix[] = { "Equinix",   "Equinix#2", "Equinix#3",
                                         "Equinix#4", "Equinix#5", "Equinix#6" };
  static const int ids[] = { 9, 15, 34, 38, 39, 41 };
  for (int i = 0; i < 6; i++)
    cr_assert_eq(sim_topo_find_node(t, equinix[i]), ids[i], "%s is node %d", equinix[i],
                 sim_topo_find_node(t, equinix[i]));
  cr_assert_eq(sim_topo_find_node(t, "Equinix#7"), -1);
  cr_assert_str_eq(sim_topo_node_get_attr(t, 41, "id"), "41");
}

Test(topo_import, zoo_internode_parallel_edges_kept)
{
  g_autoptr(SimTopo) t = load_graphml("Internode.graphml");
  int l0 = link_between(t, "mel6", "hba1", 0), l1 = link_between(t, "mel6", "hba1", 1);
  cr_assert(l0 >= 0 && l1 > l0, "links %d, %d", l0, l1);
  cr_assert_eq(link_between(t, "mel6", "hba1", 2), -1);
  cr_assert_str_eq(sim_topo_link_get_attr(t, l0, "LinkLabel"), "622Mbps");
  cr_assert_str_eq(sim_topo_link_get_attr(t, l1, "LinkLabel"), "250Mbps");
  cr_assert_str_eq(sim_topo_link_get_attr(t, l1, "key"), "1");
  int with = 0;
  for (int i = 0; i < 66; i++)
    with += sim_topo_node_position(t, i, NULL, NULL) == SIM_TOPO_COORDS_GEO;
  cr_assert_eq(with, 20, "%d nodes with coordinates", with);
}

/* ---- GraphML: own fixtures ------------------------------------------------- */

Test(topo_import, graphml_duplicate_and_missing_labels)
{
  g_autoptr(SimTopo) t = load_graphml("dup-labels.graphml");
  /* "Paris#2" is a label of its own, so the second Paris gets "Paris#3";
   * n2 has no label; n5's label "n2" is n2's id. */
  static const char *const names[] = { "Paris", "Paris#3", "n2", "Paris#2", "Paris#4", "n2#2" };
  cr_assert_eq(sim_topo_n_nodes(t), 6, "%d nodes", sim_topo_n_nodes(t));
  for (int i = 0; i < 6; i++)
    cr_assert_str_eq(sim_topo_node_name(t, i), names[i], "node %d [%s]", i,
                     sim_topo_node_name(t, i));
}

Test(topo_import, graphml_defaults_half_positions_and_graph_data)
{
  g_autoptr(SimTopo) t = load_graphml("dup-labels.graphml");
  cr_assert_str_eq(sim_topo_node_get_attr(t, 0, "Internal"), "1", "default applies");
  cr_assert_str_eq(sim_topo_node_get_attr(t, 2, "Internal"), "0", "data beats default");
  cr_assert_null(sim_topo_node_get_attr(t, 0, "d6"), "graphics markup is not an attribute");
  double lat = 0, lon = 0;
  cr_assert_eq(sim_topo_node_position(t, 0, &lat, &lon), SIM_TOPO_COORDS_GEO);
  cr_assert(lat == 48.85341 && lon == 2.3488, "Paris at %g, %g", lat, lon);
  cr_assert_eq(sim_topo_node_position(t, 4, NULL, NULL), SIM_TOPO_COORDS_NONE);
  cr_assert_str_eq(sim_topo_node_get_attr(t, 4, "Latitude"), "45.0");
  cr_assert_str_eq(sim_topo_get_attr(t, "Network"), "Dup & Co");
}

Test(topo_import, graphml_edges_in_document_order_with_data)
{
  g_autoptr(SimTopo) t = load_graphml("dup-labels.graphml");
  cr_assert_eq(sim_topo_n_links(t), 5, "%d links", sim_topo_n_links(t));
  /* The first edge comes before its nodes in the file. */
  cr_assert(sim_topo_link_a(t, 0) == 4 && sim_topo_link_b(t, 0) == 5, "link 0 %d-%d",
            sim_topo_link_a(t, 0), sim_topo_link_b(t, 0));
  cr_assert_str_eq(sim_topo_link_get_attr(t, 1, "LinkSpeed"), "10G");
  cr_assert_str_eq(sim_topo_link_get_attr(t, 2, "LinkSpeed"), "1G");
  cr_assert_null(sim_topo_link_get_attr(t, 3, "LinkSpeed"));
  cr_assert_eq(sim_topo_components(t, NULL), 2, "Paris-Paris#3 and the rest");
}

/* ---- GraphML: errors ------------------------------------------------------- */

Test(topo_import, graphml_malformed_xml_names_the_line)
{
  g_autofree char *path = data_path("bad-xml.graphml");
  GError *error = NULL;
  SimTopo *t = sim_topo_import_graphml(path, &error);
  cr_assert_null(t);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE), "%s",
            error ? error->message : "none");
  g_autofree char *prefix = g_strdup_printf("%s:9: malformed XML: ", path);
  cr_assert(g_str_has_prefix(error->message, prefix), "message [%s]", error->message);
  g_error_free(error);
}

Test(topo_import, graphml_edge_to_unknown_node)
{
  graphml_error("bad-edge.graphml", SIM_TOPO_ERROR_UNKNOWN_NODE, 12,
                "edge to unknown node '7', expected the id of a <node>");
}

Test(topo_import, graphml_bad_latitude)
{
  graphml_error("bad-lat.graphml", SIM_TOPO_ERROR_PARSE, 9,
                "node 'A': Latitude: expected a latitude in degrees within [-90, 90], got "
                "'north'");
}

Test(topo_import, graphml_undeclared_key)
{
  graphml_error("bad-key.graphml", SIM_TOPO_ERROR_PARSE, 7,
                "<data> refers to key 'd9', expected a <key id=\"d9\"> before it");
}

Test(topo_import, graphml_missing_file_is_io_error)
{
  g_autofree char *path = data_path("no-such-file.graphml");
  GError *error = NULL;
  SimTopo *t = sim_topo_import_graphml(path, &error);
  cr_assert_null(t);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_IO), "%s",
            error ? error->message : "none");
  g_error_free(error);
}

Test(topo_import, graphml_truncated_document)
{
  static const char xml[] = "<graphml>\n<graph>\n<node id=\"a\"/>\n";
  GError *error = NULL;
  SimTopo *t = sim_topo_parse_graphml("mem.graphml", xml, strlen(xml), &error);
  cr_assert_null(t);
  cr_assert(g_error_matches(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE), "%s",
            error ? error->message : "none");
  /* The rest of the message is GLib's own wording. */
  cr_assert(g_str_has_prefix(error->message, "mem.graphml:3: malformed XML: "), "message [%s]",
            error->message);
  g_error_free(error);
}

Test(topo_import, graphml_wrong_root)
{
  graphml_text_error("<?xml version=\"1.0\"?>\n<gml>\n</gml>\n", SIM_TOPO_ERROR_PARSE, 2,
                     "expected a <graphml> root element, found <gml>");
}

Test(topo_import, graphml_without_graph)
{
  graphml_text_error("<graphml>\n</graphml>\n", SIM_TOPO_ERROR_PARSE, 2,
                     "expected a <graph> element in <graphml>, found none");
}

Test(topo_import, graphml_duplicate_node_id)
{
  graphml_text_error("<graphml><graph>\n<node id=\"a\"/>\n<node id=\"a\"/>\n</graph></graphml>",
                     SIM_TOPO_ERROR_PARSE, 3, "duplicate node id 'a' (first on line 2)");
}

Test(topo_import, graphml_self_loop)
{
  graphml_text_error("<graphml><graph>\n<node id=\"a\"/>\n<edge source=\"a\" target=\"a\"/>\n"
                     "</graph></graphml>",
                     SIM_TOPO_ERROR_INVALID, 3,
                     "expected two different nodes, got a link from 'a' to itself");
}

Test(topo_import, graphml_hyperedge_and_nested_graph_unsupported)
{
  graphml_text_error("<graphml><graph>\n<hyperedge/>\n</graph></graphml>",
                     SIM_TOPO_ERROR_PARSE, 2,
                     "expected nodes and edges, found a <hyperedge> (not supported)");
  graphml_text_error("<graphml><graph>\n<node id=\"a\">\n<graph/></node>\n</graph></graphml>",
                     SIM_TOPO_ERROR_PARSE, 3,
                     "expected a flat graph, found a nested <graph> (not supported)");
}

Test(topo_import, graphml_edge_without_target)
{
  graphml_text_error("<graphml><graph>\n<node id=\"a\"/>\n<edge source=\"a\"/>\n</graph></graphml>",
                     SIM_TOPO_ERROR_PARSE, 3, "expected source and target attributes on <edge>");
}

Test(topo_import, graphml_id_is_the_name_without_label)
{
  static const char xml[] =
    "<graphml><key id=\"k\" for=\"edge\" attr.name=\"weight\"/><graph edgedefault=\"directed\">"
    "<node id=\"x\"/><node id=\"y\"/><edge source=\"y\" target=\"x\"><data key=\"k\"> 3 "
    "</data></edge></graph></graphml>";
  GError *error = NULL;
  g_autoptr(SimTopo) t = sim_topo_parse_graphml("mem", xml, strlen(xml), &error);
  cr_assert_not_null(t, "%s", error ? error->message : "?");
  cr_assert_str_eq(sim_topo_node_name(t, 0), "x");
  cr_assert(sim_topo_link_a(t, 0) == 1 && sim_topo_link_b(t, 0) == 0);
  cr_assert_str_eq(sim_topo_link_get_attr(t, 0, "weight"), "3", "[%s]",
                   sim_topo_link_get_attr(t, 0, "weight"));
}

Test(topo_import, graphml_lines_of_tags_that_end_a_line)
{
  graphml_text_error("<graphml><graph>\n<node id=\"a\">\n</node>\n<node id=\"a\">\n</node>\n"
                     "</graph></graphml>",
                     SIM_TOPO_ERROR_PARSE, 4, "duplicate node id 'a' (first on line 2)");
  graphml_text_error("<graphml><graph>\n<node id=\"a\">\n</node>\n<edge source=\"a\" "
                     "target=\"b\">\n</edge>\n</graph></graphml>",
                     SIM_TOPO_ERROR_UNKNOWN_NODE, 4,
                     "edge to unknown node 'b', expected the id of a <node>");
}
