/* topo-import.c - topologies from CSV tables and from GraphML files.
 *
 * CSV: a nodes table and a links table read with the project CSV reader,
 * so every error is "file:line: what was expected". Columns with a meaning
 * (name, role, x/y, latitude/longitude; a, b) are taken out, every other
 * column becomes an attribute under its header name. Without a nodes
 * table, links create their nodes in order of first appearance.
 *
 * GraphML (as published by the Internet Topology Zoo): parsed with GMarkup
 * in one pass that only records keys, nodes, edges and their data with
 * the line of each; the topology is built afterwards, so edges may come
 * before the nodes they name and labels can be made unique knowing them
 * all. Unique names: a label's first holder keeps it; later holders get
 * "Label#2", "Label#3", ..., skipping any name some node holds as its own
 * label or id, so the result does not depend on which duplicate comes
 * first among equals. Markup inside <data> (e.g. yEd graphics) and
 * elements the importer has no use for are skipped.
 */
#define G_LOG_DOMAIN "ipesim-topo"
#include "config.h"

#include "topo.h"

#include "simcsv.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Reads a finite number, the whole of @s but surrounding blanks. */
static gboolean
parse_double(const char *s, double *out)
{
  while (g_ascii_isspace(*s))
    s++;
  if (*s == '\0')
    return FALSE;
  char *end = NULL;
  double v = g_ascii_strtod(s, &end);
  while (g_ascii_isspace(*end))
    end++;
  if (*end != '\0' || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

/* Reads a latitude and a longitude given as text; @what names their origin
 * in errors ("file:line: column 'latitude'"). */
static gboolean
parse_geo(const char *lat_text, const char *lon_text, double *lat, double *lon,
          const char *lat_what, const char *lon_what, GError **error)
{
  if (!parse_double(lat_text, lat) || *lat < -90.0 || *lat > 90.0) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s: expected a latitude in degrees within [-90, 90], got '%s'", lat_what,
                lat_text);
    return FALSE;
  }
  if (!parse_double(lon_text, lon) || *lon < -180.0 || *lon > 180.0) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s: expected a longitude in degrees within [-180, 180], got '%s'", lon_what,
                lon_text);
    return FALSE;
  }
  return TRUE;
}

/* ---- CSV ------------------------------------------------------------------ */

/* sim_csv_table_load() with its error moved into this module's domain. */
static SimCsvTable *
csv_load(const char *path, GError **error)
{
  GError *local = NULL;
  SimCsvTable *tab = sim_csv_table_load(path, &local);
  if (tab == NULL) {
    gboolean io = g_error_matches(local, SIM_CSV_ERROR, SIM_CSV_ERROR_IO);
    g_set_error_literal(error, SIM_TOPO_ERROR, io ? SIM_TOPO_ERROR_IO : SIM_TOPO_ERROR_PARSE,
                        local->message);
    g_error_free(local);
  }
  return tab;
}

/* The header is the file's first line: the reader does not report it. */
#define HEADER_LINE 1

/* Checks the header (no empty or repeated names, @required present) and
 * marks in @special the columns with a meaning: the rest are attributes. */
static gboolean
csv_check_header(const SimCsvTable *tab, const char *const *required, const char *const *known,
                 gboolean *special, GError **error)
{
  const char *file = sim_csv_table_name(tab);
  size_t n = sim_csv_table_n_columns(tab);
  for (size_t c = 0; c < n; c++) {
    const char *name = sim_csv_table_column_name(tab, c);
    if (*name == '\0') {
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                  "%s:%d: expected a name for column %zu of the header, found none", file,
                  HEADER_LINE, c + 1);
      return FALSE;
    }
    if ((size_t)sim_csv_table_column(tab, name) != c) {
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                  "%s:%d: duplicate column '%s' (columns %d and %zu)", file, HEADER_LINE, name,
                  sim_csv_table_column(tab, name) + 1, c + 1);
      return FALSE;
    }
    special[c] = g_strv_contains(known, name);
  }
  for (const char *const *r = required; *r != NULL; r++)
    if (sim_csv_table_column(tab, *r) < 0) {
      GString *found = g_string_new(NULL);
      for (size_t c = 0; c < n; c++)
        g_string_append_printf(found, "%s%s", c ? "," : "", sim_csv_table_column_name(tab, c));
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                  "%s:%d: expected a '%s' column in the header, found %s", file, HEADER_LINE,
                  *r, found->str);
      g_string_free(found, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* Sets every non-empty attribute column of @row on a node or a link. */
static void
csv_set_attrs(SimTopo *t, const SimCsvTable *tab, size_t row, const gboolean *special,
              int id, gboolean link)
{
  for (size_t c = 0; c < sim_csv_table_n_columns(tab); c++) {
    const char *value = sim_csv_table_get(tab, row, c);
    if (special[c] || *value == '\0')
      continue;
    const char *key = sim_csv_table_column_name(tab, c);
    if (link)
      sim_topo_link_set_attr(t, id, key, value);
    else
      sim_topo_node_set_attr(t, id, key, value);
  }
}

/* Optional pair of coordinate columns: both or neither. Returns the first
 * column's index in *@first (-1 when absent). */
static gboolean
csv_coord_pair(const SimCsvTable *tab, const char *c1, const char *c2, int *first, int *second,
               GError **error)
{
  *first = sim_csv_table_column(tab, c1);
  *second = sim_csv_table_column(tab, c2);
  if ((*first < 0) != (*second < 0)) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s:%d: expected both '%s' and '%s' columns, found only '%s'",
                sim_csv_table_name(tab), HEADER_LINE, c1, c2, *first >= 0 ? c1 : c2);
    return FALSE;
  }
  return TRUE;
}

static gboolean
csv_nodes(SimTopo *t, const SimCsvTable *tab, GError **error)
{
  static const char *const required[] = { "name", NULL };
  static const char *const known[] = { "name", "role", "x", "y", "latitude", "longitude", NULL };
  const char *file = sim_csv_table_name(tab);
  size_t n_cols = sim_csv_table_n_columns(tab), n_rows = sim_csv_table_n_rows(tab);
  g_autofree gboolean *special = g_new0(gboolean, n_cols);
  if (!csv_check_header(tab, required, known, special, error))
    return FALSE;
  int c_x, c_y, c_lat, c_lon;
  if (!csv_coord_pair(tab, "x", "y", &c_x, &c_y, error) ||
      !csv_coord_pair(tab, "latitude", "longitude", &c_lat, &c_lon, error))
    return FALSE;
  if (c_x >= 0 && c_lat >= 0) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s:%d: expected either x,y or latitude,longitude columns, found both", file,
                HEADER_LINE);
    return FALSE;
  }
  gboolean geo = c_lat >= 0;
  int c_p1 = geo ? c_lat : c_x, c_p2 = geo ? c_lon : c_y;
  int c_name = sim_csv_table_column(tab, "name"), c_role = sim_csv_table_column(tab, "role");

  sim_topo_reserve(t, (int)MIN(n_rows, (size_t)SIM_TOPO_MAX_NODES), 0);
  g_autofree size_t *lines = g_new(size_t, MAX(n_rows, 1)); /* by node index */
  for (size_t r = 0; r < n_rows; r++) {
    size_t line = sim_csv_table_line(tab, r);
    const char *name = sim_csv_table_get(tab, r, (size_t)c_name);
    if (*name == '\0') {
      g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                  "%s:%zu: expected a node name in column 'name', found an empty cell", file,
                  line);
      return FALSE;
    }
    GError *local = NULL;
    int id = sim_topo_add_node(t, name, c_role >= 0 ? sim_csv_table_get(tab, r, (size_t)c_role)
                                                    : NULL, &local);
    if (id < 0) {
      if (g_error_matches(local, SIM_TOPO_ERROR, SIM_TOPO_ERROR_DUPLICATE))
        g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_DUPLICATE,
                    "%s:%zu: duplicate node name '%s' (first on line %zu)", file, line, name,
                    lines[sim_topo_find_node(t, name)]);
      else
        g_set_error(error, SIM_TOPO_ERROR, local->code, "%s:%zu: %s", file, line,
                    local->message);
      g_error_free(local);
      return FALSE;
    }
    lines[id] = line;

    if (c_p1 >= 0) {
      const char *v1 = sim_csv_table_get(tab, r, (size_t)c_p1);
      const char *v2 = sim_csv_table_get(tab, r, (size_t)c_p2);
      const char *n1 = sim_csv_table_column_name(tab, (size_t)c_p1);
      const char *n2 = sim_csv_table_column_name(tab, (size_t)c_p2);
      if ((*v1 == '\0') != (*v2 == '\0')) {
        g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                    "%s:%zu: expected both '%s' and '%s' or neither, found only '%s'", file,
                    line, n1, n2, *v1 != '\0' ? n1 : n2);
        return FALSE;
      }
      if (*v1 != '\0') {
        double p1, p2;
        if (geo) {
          g_autofree char *w1 = g_strdup_printf("%s:%zu: column '%s'", file, line, n1);
          g_autofree char *w2 = g_strdup_printf("%s:%zu: column '%s'", file, line, n2);
          if (!parse_geo(v1, v2, &p1, &p2, w1, w2, error))
            return FALSE;
          sim_topo_node_set_geo(t, id, p1, p2);
        } else {
          const char *bad = !parse_double(v1, &p1) ? n1 : !parse_double(v2, &p2) ? n2 : NULL;
          if (bad != NULL) {
            g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                        "%s:%zu: column '%s': expected a number, got '%s'", file, line, bad,
                        bad == n1 ? v1 : v2);
            return FALSE;
          }
          sim_topo_node_set_xy(t, id, p1, p2);
        }
      }
    }
    csv_set_attrs(t, tab, r, special, id, FALSE);
  }
  return TRUE;
}

/* Node of a link end: looked up, or created when there is no node table. */
static int
csv_link_end(SimTopo *t, const SimCsvTable *tab, size_t row, int col, const char *nodes_path,
             GError **error)
{
  const char *file = sim_csv_table_name(tab);
  size_t line = sim_csv_table_line(tab, row);
  const char *column = sim_csv_table_column_name(tab, (size_t)col);
  const char *name = sim_csv_table_get(tab, row, (size_t)col);
  if (*name == '\0') {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s:%zu: expected a node name in column '%s', found an empty cell", file, line,
                column);
    return -1;
  }
  int id = sim_topo_find_node(t, name);
  if (id >= 0)
    return id;
  if (nodes_path != NULL) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_UNKNOWN_NODE,
                "%s:%zu: unknown node '%s' in column '%s', expected a name from %s", file,
                line, name, column, nodes_path);
    return -1;
  }
  GError *local = NULL;
  id = sim_topo_add_node(t, name, NULL, &local);
  if (id < 0) {
    g_set_error(error, SIM_TOPO_ERROR, local->code, "%s:%zu: %s", file, line, local->message);
    g_error_free(local);
  }
  return id;
}

static gboolean
csv_links(SimTopo *t, const SimCsvTable *tab, const char *nodes_path, GError **error)
{
  static const char *const required[] = { "a", "b", NULL };
  const char *file = sim_csv_table_name(tab);
  size_t n_rows = sim_csv_table_n_rows(tab);
  g_autofree gboolean *special = g_new0(gboolean, sim_csv_table_n_columns(tab));
  if (!csv_check_header(tab, required, required, special, error))
    return FALSE;
  int c_a = sim_csv_table_column(tab, "a"), c_b = sim_csv_table_column(tab, "b");
  sim_topo_reserve(t, sim_topo_n_nodes(t), (int)MIN(n_rows, (size_t)SIM_TOPO_MAX_LINKS));
  for (size_t r = 0; r < n_rows; r++) {
    int a = csv_link_end(t, tab, r, c_a, nodes_path, error);
    if (a < 0)
      return FALSE;
    int b = csv_link_end(t, tab, r, c_b, nodes_path, error);
    if (b < 0)
      return FALSE;
    GError *local = NULL;
    int id = sim_topo_add_link(t, a, b, &local);
    if (id < 0) {
      g_set_error(error, SIM_TOPO_ERROR, local->code, "%s:%zu: %s", file,
                  sim_csv_table_line(tab, r), local->message);
      g_error_free(local);
      return FALSE;
    }
    csv_set_attrs(t, tab, r, special, id, TRUE);
    /* where the link came from, for errors about its values */
    char line[24];
    g_snprintf(line, sizeof line, "%zu", sim_csv_table_line(tab, r));
    sim_topo_link_set_attr(t, id, SIM_TOPO_ATTR_LINE, line);
  }
  return TRUE;
}

SimTopo *
sim_topo_import_csv(const char *nodes_path, const char *links_path, GError **error)
{
  g_return_val_if_fail(links_path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  g_autoptr(SimTopo) t = sim_topo_new();
  if (nodes_path != NULL) {
    g_autoptr(SimCsvTable) nodes = csv_load(nodes_path, error);
    if (nodes == NULL || !csv_nodes(t, nodes, error))
      return NULL;
  }
  g_autoptr(SimCsvTable) links = csv_load(links_path, error);
  if (links == NULL || !csv_links(t, links, nodes_path, error))
    return NULL;
  return g_steal_pointer(&t);
}

/* ---- GraphML --------------------------------------------------------------- */

/* What a key applies to (bits). */
enum { FOR_NODE = 1, FOR_EDGE = 2, FOR_GRAPH = 4 };

typedef struct {
  const char *id;
  const char *name;   /* attr.name, else the id */
  const char *deflt;  /* <default> text, or NULL */
  unsigned domain;    /* FOR_* bits */
} GmlKey;

typedef struct {
  guint32 key;        /* index into keys */
  const char *value;
  int line;
} GmlData;

/* A node or an edge with its data entries [data_start, data_end). */
typedef struct {
  const char *id;     /* node id; edge source */
  const char *target; /* edges only */
  guint32 data_start, data_end;
  int line;
} GmlItem;

/* Where the parser is: one entry per open element. */
typedef enum {
  CTX_GRAPHML,
  CTX_KEY,
  CTX_DEFAULT,
  CTX_GRAPH,
  CTX_NODE,
  CTX_EDGE,
  CTX_DATA,
  CTX_SKIP, /* an element (and its content) without meaning here */
} GmlCtx;

typedef struct {
  const char *file;
  GMarkupParseContext *markup;
  GStringChunk *text;
  GArray *stack;       /* GmlCtx */
  GArray *keys;        /* GmlKey */
  GHashTable *key_ids; /* id -> index + 1 */
  GArray *nodes;       /* GmlItem */
  GHashTable *node_ids; /* id -> index + 1 */
  GArray *edges;       /* GmlItem */
  GArray *graph_data;  /* GmlData */
  GArray *data;        /* GmlData of nodes and edges */
  GString *value;      /* text of the open <data> or <default> */
  int data_line;
  guint32 data_key;
  gboolean seen_graph;
} Gml;

/* The line GMarkup is on. It counts a newline as the first character of
 * the next line (column 1), and reports a start tag once past its '>': a
 * tag ending a line would be reported on the next one. */
static int
gml_line(const Gml *g)
{
  int line = 0, col = 0;
  g_markup_parse_context_get_position(g->markup, &line, &col);
  return col == 1 && line > 1 ? line - 1 : line;
}

/* The last line of @data, a final newline ending it rather than starting
 * another: where errors found at the end of the document point. */
static int
last_line(const char *data, size_t len)
{
  int line = 1;
  for (size_t i = 0; i + 1 < len; i++)
    line += data[i] == '\n';
  return line;
}

static void G_GNUC_PRINTF(3, 4)
gml_error(const Gml *g, GError **error, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree char *what = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE, "%s:%d: %s", g->file, gml_line(g),
              what);
}

static const char *
local_name(const char *qname)
{
  const char *colon = strrchr(qname, ':');
  return colon != NULL ? colon + 1 : qname;
}

static const char *
attr_value(const char **names, const char **values, const char *want)
{
  for (size_t i = 0; names[i] != NULL; i++)
    if (strcmp(names[i], want) == 0)
      return values[i];
  return NULL;
}

static unsigned
key_domain(const char *for_value)
{
  if (for_value == NULL || strcmp(for_value, "all") == 0)
    return FOR_NODE | FOR_EDGE | FOR_GRAPH;
  if (strcmp(for_value, "node") == 0)
    return FOR_NODE;
  if (strcmp(for_value, "edge") == 0)
    return FOR_EDGE;
  if (strcmp(for_value, "graph") == 0)
    return FOR_GRAPH;
  return 0; /* graphml, port, hyperedge, endpoint: nothing imported */
}

static gboolean
gml_start_key(Gml *g, const char **names, const char **values, GError **error)
{
  const char *id = attr_value(names, values, "id");
  if (id == NULL) {
    gml_error(g, error, "expected an id attribute on <key>");
    return FALSE;
  }
  if (g_hash_table_contains(g->key_ids, id)) {
    gml_error(g, error, "duplicate key id '%s'", id);
    return FALSE;
  }
  const char *name = attr_value(names, values, "attr.name");
  GmlKey key = {
    .id = g_string_chunk_insert(g->text, id),
    .name = g_string_chunk_insert(g->text, name != NULL && *name != '\0' ? name : id),
    .domain = key_domain(attr_value(names, values, "for")),
  };
  g_array_append_val(g->keys, key);
  g_hash_table_insert(g->key_ids, (gpointer)key.id, GUINT_TO_POINTER(g->keys->len));
  return TRUE;
}

static gboolean
gml_start_data(Gml *g, const char **names, const char **values, GError **error)
{
  const char *key = attr_value(names, values, "key");
  if (key == NULL) {
    gml_error(g, error, "expected a key attribute on <data>");
    return FALSE;
  }
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(g->key_ids, key));
  if (idx == 0) {
    gml_error(g, error, "<data> refers to key '%s', expected a <key id=\"%s\"> before it", key,
              key);
    return FALSE;
  }
  g->data_key = idx - 1;
  g->data_line = gml_line(g);
  g_string_truncate(g->value, 0);
  return TRUE;
}

static gboolean
gml_start_item(Gml *g, gboolean edge, const char **names, const char **values, GError **error)
{
  GmlItem item = { .data_start = g->data->len, .data_end = g->data->len, .line = gml_line(g) };
  if (edge) {
    const char *source = attr_value(names, values, "source");
    const char *target = attr_value(names, values, "target");
    if (source == NULL || target == NULL) {
      gml_error(g, error, "expected source and target attributes on <edge>");
      return FALSE;
    }
    item.id = g_string_chunk_insert(g->text, source);
    item.target = g_string_chunk_insert(g->text, target);
    g_array_append_val(g->edges, item);
    return TRUE;
  }
  const char *id = attr_value(names, values, "id");
  if (id == NULL) {
    gml_error(g, error, "expected an id attribute on <node>");
    return FALSE;
  }
  guint prev = GPOINTER_TO_UINT(g_hash_table_lookup(g->node_ids, id));
  if (prev != 0) {
    gml_error(g, error, "duplicate node id '%s' (first on line %d)", id,
              g_array_index(g->nodes, GmlItem, prev - 1).line);
    return FALSE;
  }
  item.id = g_string_chunk_insert(g->text, id);
  g_array_append_val(g->nodes, item);
  g_hash_table_insert(g->node_ids, (gpointer)item.id, GUINT_TO_POINTER(g->nodes->len));
  return TRUE;
}

static void
gml_start(GMarkupParseContext *markup, const char *qname, const char **names,
          const char **values, gpointer user_data, GError **error)
{
  (void)markup;
  Gml *g = user_data;
  const char *name = local_name(qname);
  GmlCtx parent = g->stack->len > 0 ? g_array_index(g->stack, GmlCtx, g->stack->len - 1)
                                    : CTX_SKIP;
  GmlCtx ctx = CTX_SKIP;
  gboolean ok = TRUE;

  if (g->stack->len == 0) {
    if (strcmp(name, "graphml") != 0) {
      gml_error(g, error, "expected a <graphml> root element, found <%s>", qname);
      return;
    }
    ctx = CTX_GRAPHML;
  } else if (parent == CTX_GRAPHML && strcmp(name, "key") == 0) {
    ctx = CTX_KEY;
    ok = gml_start_key(g, names, values, error);
  } else if (parent == CTX_GRAPHML && strcmp(name, "graph") == 0) {
    if (g->seen_graph) {
      gml_error(g, error, "expected one <graph> per file, found a second one");
      return;
    }
    g->seen_graph = TRUE;
    ctx = CTX_GRAPH;
  } else if (parent == CTX_KEY && strcmp(name, "default") == 0) {
    ctx = CTX_DEFAULT;
    g_string_truncate(g->value, 0);
  } else if (parent == CTX_GRAPH && (strcmp(name, "node") == 0 || strcmp(name, "edge") == 0)) {
    ctx = name[0] == 'n' ? CTX_NODE : CTX_EDGE;
    ok = gml_start_item(g, ctx == CTX_EDGE, names, values, error);
  } else if (parent == CTX_GRAPH && strcmp(name, "hyperedge") == 0) {
    gml_error(g, error, "expected nodes and edges, found a <hyperedge> (not supported)");
    return;
  } else if (parent == CTX_NODE && strcmp(name, "graph") == 0) {
    gml_error(g, error, "expected a flat graph, found a nested <graph> (not supported)");
    return;
  } else if ((parent == CTX_GRAPH || parent == CTX_NODE || parent == CTX_EDGE) &&
             strcmp(name, "data") == 0) {
    ctx = CTX_DATA;
    ok = gml_start_data(g, names, values, error);
  }
  if (ok)
    g_array_append_val(g->stack, ctx);
}

static void
gml_end(GMarkupParseContext *markup, const char *qname, gpointer user_data, GError **error)
{
  (void)markup;
  (void)qname;
  (void)error;
  Gml *g = user_data;
  GmlCtx ctx = g_array_index(g->stack, GmlCtx, g->stack->len - 1);
  g_array_set_size(g->stack, g->stack->len - 1);
  GmlCtx parent = g->stack->len > 0 ? g_array_index(g->stack, GmlCtx, g->stack->len - 1)
                                    : CTX_SKIP;
  if (ctx == CTX_DEFAULT) {
    GmlKey *key = &g_array_index(g->keys, GmlKey, g->keys->len - 1);
    key->deflt = g_string_chunk_insert(g->text, g_strstrip(g->value->str));
  } else if (ctx == CTX_DATA) {
    GmlData d = {
      .key = g->data_key,
      .value = g_string_chunk_insert(g->text, g_strstrip(g->value->str)),
      .line = g->data_line,
    };
    g_array_append_val(parent == CTX_GRAPH ? g->graph_data : g->data, d);
  } else if (ctx == CTX_NODE || ctx == CTX_EDGE) {
    GArray *items = ctx == CTX_NODE ? g->nodes : g->edges;
    g_array_index(items, GmlItem, items->len - 1).data_end = g->data->len;
  }
}

static void
gml_text(GMarkupParseContext *markup, const char *text, gsize len, gpointer user_data,
         GError **error)
{
  (void)markup;
  (void)error;
  Gml *g = user_data;
  GmlCtx ctx = g->stack->len > 0 ? g_array_index(g->stack, GmlCtx, g->stack->len - 1)
                                 : CTX_SKIP;
  if (ctx == CTX_DATA || ctx == CTX_DEFAULT)
    g_string_append_len(g->value, text, (gssize)len);
}

/* Calls @func for every data entry of an item, then for the defaults of
 * keys of @domain the item has no data for. */
typedef gboolean (*GmlDataFunc)(const GmlKey *key, const char *value, int line, gpointer ud,
                                GError **error);

static gboolean
gml_foreach_data(const Gml *g, const GmlData *data, guint32 n, unsigned domain, int line,
                 GmlDataFunc func, gpointer ud, GError **error)
{
  for (guint32 i = 0; i < n; i++)
    if (!func(&g_array_index(g->keys, GmlKey, data[i].key), data[i].value, data[i].line, ud,
              error))
      return FALSE;
  for (guint32 k = 0; k < g->keys->len; k++) {
    const GmlKey *key = &g_array_index(g->keys, GmlKey, k);
    if (key->deflt == NULL || !(key->domain & domain))
      continue;
    gboolean given = FALSE;
    for (guint32 i = 0; i < n && !given; i++)
      given = data[i].key == k;
    if (!given && !func(key, key->deflt, line, ud, error))
      return FALSE;
  }
  return TRUE;
}

/* Building one node: what its data says. */
typedef struct {
  SimTopo *t;
  int id;             /* -1 while only looking for the label */
  const char *label;
  const char *lat, *lon;
  int lat_line, lon_line;
} GmlNodeData;

static gboolean
is_label(const GmlKey *key)
{
  return g_ascii_strcasecmp(key->name, "label") == 0;
}

static gboolean
gml_node_data(const GmlKey *key, const char *value, int line, gpointer ud, GError **error)
{
  (void)error;
  GmlNodeData *nd = ud;
  if (*value == '\0')
    return TRUE;
  if (is_label(key)) {
    if (nd->label == NULL)
      nd->label = value;
  } else if (g_ascii_strcasecmp(key->name, "latitude") == 0) {
    nd->lat = value;
    nd->lat_line = line;
  } else if (g_ascii_strcasecmp(key->name, "longitude") == 0) {
    nd->lon = value;
    nd->lon_line = line;
  } else if (nd->id >= 0) {
    sim_topo_node_set_attr(nd->t, nd->id, key->name, value);
  }
  return TRUE;
}

typedef struct {
  SimTopo *t;
  int id;
  gboolean graph;
} GmlAttrTarget;

static gboolean
gml_attr_data(const GmlKey *key, const char *value, int line, gpointer ud, GError **error)
{
  (void)line;
  (void)error;
  const GmlAttrTarget *at = ud;
  if (*value == '\0')
    return TRUE;
  if (at->graph)
    sim_topo_set_attr(at->t, key->name, value);
  else
    sim_topo_link_set_attr(at->t, at->id, key->name, value);
  return TRUE;
}

/* Entries [start, end) of @array; NULL when there are none. */
static const GmlData *
data_range(const GArray *array, guint32 start, guint32 end)
{
  return start < end ? &g_array_index(array, GmlData, start) : NULL;
}

static const GmlData *
item_data(const Gml *g, const GmlItem *item)
{
  return data_range(g->data, item->data_start, item->data_end);
}

/* The label of each node (or its id), made unique. */
static char **
gml_unique_names(const Gml *g)
{
  guint n = g->nodes->len;
  char **names = g_new0(char *, n + 1);
  const char **base = g_new(const char *, MAX(n, 1));
  /* Every node's own name is reserved for the first node that has it. */
  GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++) {
    const GmlItem *item = &g_array_index(g->nodes, GmlItem, i);
    GmlNodeData nd = { .id = -1 };
    gml_foreach_data(g, item_data(g, item), item->data_end - item->data_start, FOR_NODE,
                     item->line, gml_node_data, &nd, NULL);
    base[i] = nd.label != NULL && *nd.label != '\0' ? nd.label : item->id;
    g_hash_table_add(own, (gpointer)base[i]);
  }
  GHashTable *taken = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTable *next_k = g_hash_table_new(g_str_hash, g_str_equal); /* base -> next suffix */
  for (guint i = 0; i < n; i++) {
    if (!g_hash_table_contains(taken, base[i])) {
      names[i] = g_strdup(base[i]);
    } else {
      guint k = MAX(2, GPOINTER_TO_UINT(g_hash_table_lookup(next_k, base[i])));
      for (;; k++) {
        names[i] = g_strdup_printf("%s#%u", base[i], k);
        if (!g_hash_table_contains(own, names[i]) && !g_hash_table_contains(taken, names[i]))
          break;
        g_free(names[i]);
      }
      g_hash_table_insert(next_k, (gpointer)base[i], GUINT_TO_POINTER(k + 1));
    }
    g_hash_table_add(taken, names[i]);
  }
  g_hash_table_destroy(next_k);
  g_hash_table_destroy(taken);
  g_hash_table_destroy(own);
  g_free(base);
  return names;
}

static gboolean
gml_build_nodes(const Gml *g, SimTopo *t, GError **error)
{
  g_auto(GStrv) names = gml_unique_names(g);
  sim_topo_reserve(t, (int)MIN(g->nodes->len, (guint)SIM_TOPO_MAX_NODES),
                   (int)MIN(g->edges->len, (guint)SIM_TOPO_MAX_LINKS));
  for (guint i = 0; i < g->nodes->len; i++) {
    const GmlItem *item = &g_array_index(g->nodes, GmlItem, i);
    GError *local = NULL;
    int id = sim_topo_add_node(t, names[i], NULL, &local);
    if (id < 0) {
      g_set_error(error, SIM_TOPO_ERROR, local->code, "%s:%d: %s", g->file, item->line,
                  local->message);
      g_error_free(local);
      return FALSE;
    }
    GmlNodeData nd = { .t = t, .id = id };
    gml_foreach_data(g, item_data(g, item), item->data_end - item->data_start, FOR_NODE,
                     item->line, gml_node_data, &nd, NULL);
    if (nd.lat != NULL && nd.lon != NULL) {
      g_autofree char *w1 = g_strdup_printf("%s:%d: node '%s': Latitude", g->file,
                                            nd.lat_line, names[i]);
      g_autofree char *w2 = g_strdup_printf("%s:%d: node '%s': Longitude", g->file,
                                            nd.lon_line, names[i]);
      double lat, lon;
      if (!parse_geo(nd.lat, nd.lon, &lat, &lon, w1, w2, error))
        return FALSE;
      sim_topo_node_set_geo(t, id, lat, lon);
    } else if (nd.lat != NULL || nd.lon != NULL) {
      /* Half a position is no position: keep the value as it came. */
      sim_topo_node_set_attr(t, id, nd.lat != NULL ? "Latitude" : "Longitude",
                             nd.lat != NULL ? nd.lat : nd.lon);
    }
  }
  return TRUE;
}

static int
gml_edge_end(const Gml *g, const GmlItem *edge, const char *ref, GError **error)
{
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(g->node_ids, ref));
  if (idx == 0)
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_UNKNOWN_NODE,
                "%s:%d: edge to unknown node '%s', expected the id of a <node>", g->file,
                edge->line, ref);
  return (int)idx - 1;
}

static gboolean
gml_build_edges(const Gml *g, SimTopo *t, GError **error)
{
  for (guint i = 0; i < g->edges->len; i++) {
    const GmlItem *edge = &g_array_index(g->edges, GmlItem, i);
    int a = gml_edge_end(g, edge, edge->id, error);
    if (a < 0)
      return FALSE;
    int b = gml_edge_end(g, edge, edge->target, error);
    if (b < 0)
      return FALSE;
    GError *local = NULL;
    int id = sim_topo_add_link(t, a, b, &local);
    if (id < 0) {
      g_set_error(error, SIM_TOPO_ERROR, local->code, "%s:%d: %s", g->file, edge->line,
                  local->message);
      g_error_free(local);
      return FALSE;
    }
    GmlAttrTarget at = { .t = t, .id = id };
    gml_foreach_data(g, item_data(g, edge), edge->data_end - edge->data_start, FOR_EDGE,
                     edge->line, gml_attr_data, &at, NULL);
  }
  GmlAttrTarget at = { .t = t, .graph = TRUE };
  gml_foreach_data(g, data_range(g->graph_data, 0, g->graph_data->len), g->graph_data->len,
                   FOR_GRAPH, 0, gml_attr_data, &at, NULL);
  return TRUE;
}

/* A GMarkup error message without its own "Error on line N char M: ". */
static const char *
markup_message(const char *message)
{
  if (g_str_has_prefix(message, "Error on line ")) {
    const char *p = strstr(message, ": ");
    if (p != NULL)
      return p + 2;
  }
  return message;
}

SimTopo *
sim_topo_parse_graphml(const char *name, const char *data, size_t len, GError **error)
{
  g_return_val_if_fail(name != NULL, NULL);
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  static const GMarkupParser parser = {
    .start_element = gml_start,
    .end_element = gml_end,
    .text = gml_text,
  };
  Gml g = {
    .file = name,
    .text = g_string_chunk_new(4096),
    .stack = g_array_new(FALSE, FALSE, sizeof(GmlCtx)),
    .keys = g_array_new(FALSE, FALSE, sizeof(GmlKey)),
    .key_ids = g_hash_table_new(g_str_hash, g_str_equal),
    .nodes = g_array_new(FALSE, FALSE, sizeof(GmlItem)),
    .node_ids = g_hash_table_new(g_str_hash, g_str_equal),
    .edges = g_array_new(FALSE, FALSE, sizeof(GmlItem)),
    .graph_data = g_array_new(FALSE, FALSE, sizeof(GmlData)),
    .data = g_array_new(FALSE, FALSE, sizeof(GmlData)),
    .value = g_string_new(NULL),
  };
  g.markup = g_markup_parse_context_new(&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &g, NULL);

  GError *local = NULL;
  int line = 0; /* of a malformed XML error */
  gboolean ok = g_markup_parse_context_parse(g.markup, data ? data : "", (gssize)len, &local);
  if (!ok)
    line = gml_line(&g);
  else if (!(ok = g_markup_parse_context_end_parse(g.markup, &local)))
    line = last_line(data, len);
  if (!ok && local->domain == G_MARKUP_ERROR) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE, "%s:%d: malformed XML: %s", name,
                line, markup_message(local->message));
    g_error_free(local);
  } else if (!ok) {
    g_propagate_error(error, local);
  } else if (!g.seen_graph) {
    ok = FALSE;
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_PARSE,
                "%s:%d: expected a <graph> element in <graphml>, found none", name,
                last_line(data, len));
  }

  SimTopo *t = NULL;
  if (ok) {
    t = sim_topo_new();
    if (!gml_build_nodes(&g, t, error) || !gml_build_edges(&g, t, error))
      g_clear_pointer(&t, sim_topo_free);
  }

  g_markup_parse_context_free(g.markup);
  g_string_free(g.value, TRUE);
  g_array_free(g.data, TRUE);
  g_array_free(g.graph_data, TRUE);
  g_array_free(g.edges, TRUE);
  g_hash_table_destroy(g.node_ids);
  g_array_free(g.nodes, TRUE);
  g_hash_table_destroy(g.key_ids);
  g_array_free(g.keys, TRUE);
  g_array_free(g.stack, TRUE);
  g_string_chunk_free(g.text);
  return t;
}

SimTopo *
sim_topo_import_graphml(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  char *contents = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents(path, &contents, &len, &local)) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_IO, "%s", local->message);
    g_error_free(local);
    return NULL;
  }
  SimTopo *t = sim_topo_parse_graphml(path, contents, len, error);
  g_free(contents);
  return t;
}
