/* topo.c - the topology graph: nodes, links, attributes, adjacency.
 *
 * Built for 100,000-node graphs: a node is 24 bytes and a link 12 in flat
 * arrays; names live in one GStringChunk and are found through an
 * open-addressing table of 32-bit node indices (no per-node allocation).
 * Roles, attribute keys and attribute values are interned in the same
 * chunk, so "router" or "10Gbps" is stored once however often it is used.
 *
 * Attributes are sparse: one pool of entries chained per owner (node, link
 * or the topology), in the order keys were first set. Most owners have
 * none and pay a 32-bit chain head. Removing or replacing a value leaves
 * the old entry or string in the pool until the topology is freed.
 *
 * Degrees are kept up to date on every link; the adjacency lists (CSR,
 * each node's links in increasing order) are built on demand and dropped
 * by any change, which keeps building cheap and lookups compact.
 * Components come from a union-find over the link array, whose roots are
 * the lowest node index of each component, so numbering them in node
 * order needs no sort.
 */
#define G_LOG_DOMAIN "ipesim-topo"
#include "config.h"

#include "topo.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(sim-topo-error-quark, sim_topo_error)

#define NONE G_MAXUINT32
#define TEXT_BLOCK 8192
#define INDEX_MIN_BITS 4
#define EARTH_RADIUS_KM 6371.0088 /* IUGG mean radius */

typedef struct {
  const char *name;
  guint32 attrs; /* first attribute entry, NONE when none */
  guint32 degree;
  guint32 role;  /* index into roles; 0 is "" */
  guint8 coords; /* SimTopoCoords */
} TopoNode;

typedef struct {
  guint32 a, b;
  guint32 attrs;
} TopoLink;

typedef struct {
  const char *key; /* interned */
  const char *value; /* interned */
  guint32 next;    /* next entry of the same owner, NONE at the end */
} TopoAttr;

struct _SimTopo {
  GStringChunk *text; /* names and interned strings */
  GHashTable *interned; /* set of interned strings (pointers into text) */
  size_t text_bytes;

  TopoNode *nodes;
  guint32 n_nodes, cap_nodes;
  double *pos; /* 2 per node (x, y or latitude, longitude); NULL until used */

  TopoLink *links;
  guint32 n_links, cap_links;

  TopoAttr *attrs;
  guint32 n_attrs, cap_attrs;
  guint32 graph_attrs;

  GPtrArray *roles; /* interned role strings; [0] is "" */
  GHashTable *role_ids; /* interned role -> index + 1 */

  guint32 *index; /* name table: node index + 1, 0 when free */
  guint index_bits;

  /* Adjacency (CSR), NULL when stale. */
  guint32 *adj_start; /* n_nodes + 1 */
  int *adj_node;      /* 2 * n_links */
  int *adj_link;
};

#define CHECK_NODE(t, i, val)                                                                  \
  g_return_val_if_fail((t) != NULL && (i) >= 0 && (guint32)(i) < (t)->n_nodes, val)
#define CHECK_NODE_VOID(t, i)                                                                  \
  g_return_if_fail((t) != NULL && (i) >= 0 && (guint32)(i) < (t)->n_nodes)
#define CHECK_LINK(t, i, val)                                                                  \
  g_return_val_if_fail((t) != NULL && (i) >= 0 && (guint32)(i) < (t)->n_links, val)
#define CHECK_LINK_VOID(t, i)                                                                  \
  g_return_if_fail((t) != NULL && (i) >= 0 && (guint32)(i) < (t)->n_links)

/* ---- strings --------------------------------------------------------------- */

static const char *
intern(SimTopo *t, const char *s)
{
  const char *p = g_hash_table_lookup(t->interned, s);
  if (p != NULL)
    return p;
  size_t len = strlen(s);
  p = g_string_chunk_insert_len(t->text, s, (gssize)len);
  t->text_bytes += len + 1;
  g_hash_table_add(t->interned, (gpointer)p);
  return p;
}

/* The interned copy of @s, or NULL when @s was never interned. */
static const char *
interned(const SimTopo *t, const char *s)
{
  return g_hash_table_lookup(t->interned, s);
}

/* ---- the name table ------------------------------------------------------- */

static guint32
name_slot(guint index_bits, const char *name)
{
  /* Fibonacci hashing spreads g_str_hash's low-entropy high bits. */
  return (guint32)((g_str_hash(name) * 0x9E3779B1u) >> (32 - index_bits));
}

/* Slot holding @name, or the free slot where it would go. */
static guint32
index_probe(const SimTopo *t, const char *name)
{
  guint32 mask = (1u << t->index_bits) - 1;
  guint32 slot = name_slot(t->index_bits, name);
  while (t->index[slot] != 0 && strcmp(t->nodes[t->index[slot] - 1].name, name) != 0)
    slot = (slot + 1) & mask;
  return slot;
}

/* Sizes the table for @n nodes at a load of at most one half. */
static void
index_resize(SimTopo *t, guint32 n)
{
  guint bits = INDEX_MIN_BITS;
  while (bits < 31 && ((guint64)1 << bits) < (guint64)n * 2)
    bits++;
  if (t->index != NULL && bits <= t->index_bits)
    return;
  g_free(t->index);
  t->index_bits = bits;
  t->index = g_new0(guint32, (gsize)1 << bits);
  for (guint32 i = 0; i < t->n_nodes; i++)
    t->index[index_probe(t, t->nodes[i].name)] = i + 1;
}

/* ---- lifecycle ------------------------------------------------------------- */

static void
adjacency_clear(SimTopo *t)
{
  g_clear_pointer(&t->adj_start, g_free);
  g_clear_pointer(&t->adj_node, g_free);
  g_clear_pointer(&t->adj_link, g_free);
}

SimTopo *
sim_topo_new(void)
{
  SimTopo *t = g_new0(SimTopo, 1);
  t->text = g_string_chunk_new(TEXT_BLOCK);
  t->interned = g_hash_table_new(g_str_hash, g_str_equal);
  t->graph_attrs = NONE;
  t->roles = g_ptr_array_new();
  g_ptr_array_add(t->roles, (gpointer)intern(t, ""));
  t->role_ids = g_hash_table_new(NULL, NULL);
  index_resize(t, 0);
  return t;
}

void
sim_topo_free(SimTopo *topo)
{
  if (topo == NULL)
    return;
  adjacency_clear(topo);
  g_free(topo->index);
  g_hash_table_destroy(topo->role_ids);
  g_ptr_array_free(topo->roles, TRUE);
  g_free(topo->attrs);
  g_free(topo->links);
  g_free(topo->pos);
  g_free(topo->nodes);
  g_hash_table_destroy(topo->interned);
  g_string_chunk_free(topo->text);
  g_free(topo);
}

static void
nodes_grow(SimTopo *t, guint32 cap)
{
  if (cap <= t->cap_nodes)
    return;
  t->nodes = g_renew(TopoNode, t->nodes, cap);
  if (t->pos != NULL)
    t->pos = g_renew(double, t->pos, (gsize)cap * 2);
  t->cap_nodes = cap;
}

static void
links_grow(SimTopo *t, guint32 cap)
{
  if (cap <= t->cap_links)
    return;
  t->links = g_renew(TopoLink, t->links, cap);
  t->cap_links = cap;
}

/* Capacity for one more element: doubling, within @max. */
static guint32
next_capacity(guint32 cap, guint32 max)
{
  guint64 want = cap < 16 ? 16 : (guint64)cap * 2;
  return (guint32)MIN(want, (guint64)max);
}

void
sim_topo_reserve(SimTopo *topo, int n_nodes, int n_links)
{
  g_return_if_fail(topo != NULL);
  g_return_if_fail(n_nodes >= 0 && n_links >= 0);
  nodes_grow(topo, (guint32)MIN(n_nodes, SIM_TOPO_MAX_NODES));
  links_grow(topo, (guint32)MIN(n_links, SIM_TOPO_MAX_LINKS));
  index_resize(topo, (guint32)MIN(n_nodes, SIM_TOPO_MAX_NODES));
}

/* ---- roles --------------------------------------------------------------- */

static guint32
role_id(SimTopo *t, const char *role)
{
  if (role == NULL || *role == '\0')
    return 0;
  const char *r = intern(t, role);
  guint32 id = GPOINTER_TO_UINT(g_hash_table_lookup(t->role_ids, r));
  if (id != 0)
    return id - 1;
  id = t->roles->len;
  g_ptr_array_add(t->roles, (gpointer)r);
  g_hash_table_insert(t->role_ids, (gpointer)r, GUINT_TO_POINTER(id + 1));
  return id;
}

/* ---- building ------------------------------------------------------------- */

int
sim_topo_add_node(SimTopo *topo, const char *name, const char *role, GError **error)
{
  g_return_val_if_fail(topo != NULL, -1);
  g_return_val_if_fail(name != NULL, -1);
  g_return_val_if_fail(error == NULL || *error == NULL, -1);

  if (*name == '\0') {
    g_set_error_literal(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                        "expected a node name, got an empty one");
    return -1;
  }
  guint32 slot = index_probe(topo, name);
  if (topo->index[slot] != 0) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_DUPLICATE, "duplicate node name '%s'",
                name);
    return -1;
  }
  if (topo->n_nodes >= SIM_TOPO_MAX_NODES) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT,
                "too many nodes (at most %d): cannot add '%s'", SIM_TOPO_MAX_NODES, name);
    return -1;
  }
  if (topo->n_nodes == topo->cap_nodes)
    nodes_grow(topo, next_capacity(topo->cap_nodes, SIM_TOPO_MAX_NODES));
  guint32 id = topo->n_nodes;
  size_t len = strlen(name);
  TopoNode *node = &topo->nodes[id];
  node->name = g_string_chunk_insert_len(topo->text, name, (gssize)len);
  topo->text_bytes += len + 1;
  node->attrs = NONE;
  node->degree = 0;
  node->role = role_id(topo, role);
  node->coords = SIM_TOPO_COORDS_NONE;
  topo->n_nodes++;
  if ((guint64)topo->n_nodes * 2 > ((guint64)1 << topo->index_bits))
    index_resize(topo, topo->n_nodes);
  else
    topo->index[slot] = id + 1;
  adjacency_clear(topo);
  return (int)id;
}

int
sim_topo_find_node(const SimTopo *topo, const char *name)
{
  g_return_val_if_fail(topo != NULL, -1);
  g_return_val_if_fail(name != NULL, -1);
  return (int)topo->index[index_probe(topo, name)] - 1;
}

int
sim_topo_add_link(SimTopo *topo, int a, int b, GError **error)
{
  CHECK_NODE(topo, a, -1);
  CHECK_NODE(topo, b, -1);
  g_return_val_if_fail(error == NULL || *error == NULL, -1);

  if (a == b) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_INVALID,
                "expected two different nodes, got a link from '%s' to itself",
                topo->nodes[a].name);
    return -1;
  }
  if (topo->n_links >= SIM_TOPO_MAX_LINKS) {
    g_set_error(error, SIM_TOPO_ERROR, SIM_TOPO_ERROR_LIMIT, "too many links (at most %d)",
                SIM_TOPO_MAX_LINKS);
    return -1;
  }
  if (topo->n_links == topo->cap_links)
    links_grow(topo, next_capacity(topo->cap_links, SIM_TOPO_MAX_LINKS));
  guint32 id = topo->n_links++;
  topo->links[id] = (TopoLink){ .a = (guint32)a, .b = (guint32)b, .attrs = NONE };
  topo->nodes[a].degree++;
  topo->nodes[b].degree++;
  adjacency_clear(topo);
  return (int)id;
}

/* ---- attributes ------------------------------------------------------------ */

static void
attr_set(SimTopo *t, guint32 *head, const char *key, const char *value)
{
  /* Entries are addressed by index: appending may move the pool. */
  if (value != NULL && t->n_attrs == t->cap_attrs) {
    g_return_if_fail(t->cap_attrs < NONE - 1);
    t->cap_attrs = next_capacity(t->cap_attrs, NONE - 1);
    t->attrs = g_renew(TopoAttr, t->attrs, t->cap_attrs);
  }
  const char *k = value != NULL ? intern(t, key) : interned(t, key);
  if (k == NULL)
    return;
  guint32 *prev = head;
  while (*prev != NONE) {
    TopoAttr *e = &t->attrs[*prev];
    if (e->key == k) {
      if (value != NULL)
        e->value = intern(t, value);
      else
        *prev = e->next;
      return;
    }
    prev = &e->next;
  }
  if (value == NULL)
    return;
  guint32 id = t->n_attrs++;
  t->attrs[id] = (TopoAttr){ .key = k, .value = intern(t, value), .next = NONE };
  *prev = id;
}

static const char *
attr_get(const SimTopo *t, guint32 head, const char *key)
{
  const char *k = interned(t, key);
  if (k == NULL)
    return NULL;
  for (guint32 i = head; i != NONE; i = t->attrs[i].next)
    if (t->attrs[i].key == k)
      return t->attrs[i].value;
  return NULL;
}

static void
attr_foreach(const SimTopo *t, guint32 head, SimTopoAttrFunc func, gpointer user_data)
{
  for (guint32 i = head; i != NONE; i = t->attrs[i].next)
    func(t->attrs[i].key, t->attrs[i].value, user_data);
}

void
sim_topo_node_set_attr(SimTopo *topo, int node, const char *key, const char *value)
{
  CHECK_NODE_VOID(topo, node);
  g_return_if_fail(key != NULL && *key != '\0');
  attr_set(topo, &topo->nodes[node].attrs, key, value);
}

const char *
sim_topo_node_get_attr(const SimTopo *topo, int node, const char *key)
{
  CHECK_NODE(topo, node, NULL);
  g_return_val_if_fail(key != NULL, NULL);
  return attr_get(topo, topo->nodes[node].attrs, key);
}

void
sim_topo_node_foreach_attr(const SimTopo *topo, int node, SimTopoAttrFunc func,
                           gpointer user_data)
{
  CHECK_NODE_VOID(topo, node);
  g_return_if_fail(func != NULL);
  attr_foreach(topo, topo->nodes[node].attrs, func, user_data);
}

void
sim_topo_link_set_attr(SimTopo *topo, int link, const char *key, const char *value)
{
  CHECK_LINK_VOID(topo, link);
  g_return_if_fail(key != NULL && *key != '\0');
  attr_set(topo, &topo->links[link].attrs, key, value);
}

const char *
sim_topo_link_get_attr(const SimTopo *topo, int link, const char *key)
{
  CHECK_LINK(topo, link, NULL);
  g_return_val_if_fail(key != NULL, NULL);
  return attr_get(topo, topo->links[link].attrs, key);
}

void
sim_topo_link_foreach_attr(const SimTopo *topo, int link, SimTopoAttrFunc func,
                           gpointer user_data)
{
  CHECK_LINK_VOID(topo, link);
  g_return_if_fail(func != NULL);
  attr_foreach(topo, topo->links[link].attrs, func, user_data);
}

void
sim_topo_set_attr(SimTopo *topo, const char *key, const char *value)
{
  g_return_if_fail(topo != NULL);
  g_return_if_fail(key != NULL && *key != '\0');
  attr_set(topo, &topo->graph_attrs, key, value);
}

const char *
sim_topo_get_attr(const SimTopo *topo, const char *key)
{
  g_return_val_if_fail(topo != NULL, NULL);
  g_return_val_if_fail(key != NULL, NULL);
  return attr_get(topo, topo->graph_attrs, key);
}

void
sim_topo_foreach_attr(const SimTopo *topo, SimTopoAttrFunc func, gpointer user_data)
{
  g_return_if_fail(topo != NULL);
  g_return_if_fail(func != NULL);
  attr_foreach(topo, topo->graph_attrs, func, user_data);
}

/* ---- nodes ----------------------------------------------------------------- */

int
sim_topo_n_nodes(const SimTopo *topo)
{
  g_return_val_if_fail(topo != NULL, 0);
  return (int)topo->n_nodes;
}

const char *
sim_topo_node_name(const SimTopo *topo, int node)
{
  CHECK_NODE(topo, node, NULL);
  return topo->nodes[node].name;
}

const char *
sim_topo_node_role(const SimTopo *topo, int node)
{
  CHECK_NODE(topo, node, NULL);
  return g_ptr_array_index(topo->roles, topo->nodes[node].role);
}

void
sim_topo_node_set_role(SimTopo *topo, int node, const char *role)
{
  CHECK_NODE_VOID(topo, node);
  topo->nodes[node].role = role_id(topo, role);
}

int
sim_topo_node_degree(const SimTopo *topo, int node)
{
  CHECK_NODE(topo, node, -1);
  return (int)topo->nodes[node].degree;
}

static void
set_position(SimTopo *t, int node, SimTopoCoords kind, double first, double second)
{
  if (t->pos == NULL)
    t->pos = g_new(double, (gsize)t->cap_nodes * 2);
  t->pos[2 * node] = first;
  t->pos[2 * node + 1] = second;
  t->nodes[node].coords = (guint8)kind;
}

void
sim_topo_node_set_xy(SimTopo *topo, int node, double x, double y)
{
  CHECK_NODE_VOID(topo, node);
  g_return_if_fail(isfinite(x) && isfinite(y));
  set_position(topo, node, SIM_TOPO_COORDS_XY, x, y);
}

void
sim_topo_node_set_geo(SimTopo *topo, int node, double latitude, double longitude)
{
  CHECK_NODE_VOID(topo, node);
  g_return_if_fail(latitude >= -90.0 && latitude <= 90.0);
  g_return_if_fail(longitude >= -180.0 && longitude <= 180.0);
  set_position(topo, node, SIM_TOPO_COORDS_GEO, latitude, longitude);
}

SimTopoCoords
sim_topo_node_position(const SimTopo *topo, int node, double *x_or_lat, double *y_or_lon)
{
  CHECK_NODE(topo, node, SIM_TOPO_COORDS_NONE);
  SimTopoCoords kind = topo->nodes[node].coords;
  if (kind != SIM_TOPO_COORDS_NONE) {
    if (x_or_lat != NULL)
      *x_or_lat = topo->pos[2 * node];
    if (y_or_lon != NULL)
      *y_or_lon = topo->pos[2 * node + 1];
  }
  return kind;
}

/* ---- links ----------------------------------------------------------------- */

int
sim_topo_n_links(const SimTopo *topo)
{
  g_return_val_if_fail(topo != NULL, 0);
  return (int)topo->n_links;
}

int
sim_topo_link_a(const SimTopo *topo, int link)
{
  CHECK_LINK(topo, link, -1);
  return (int)topo->links[link].a;
}

int
sim_topo_link_b(const SimTopo *topo, int link)
{
  CHECK_LINK(topo, link, -1);
  return (int)topo->links[link].b;
}

static double
great_circle_km(double lat1, double lon1, double lat2, double lon2)
{
  const double rad = G_PI / 180.0;
  double s_lat = sin((lat2 - lat1) * rad / 2);
  double s_lon = sin((lon2 - lon1) * rad / 2);
  double h = s_lat * s_lat + cos(lat1 * rad) * cos(lat2 * rad) * s_lon * s_lon;
  return 2 * EARTH_RADIUS_KM * asin(MIN(1.0, sqrt(h)));
}

gboolean
sim_topo_link_length_km(const SimTopo *topo, int link, double *km)
{
  CHECK_LINK(topo, link, FALSE);
  g_return_val_if_fail(km != NULL, FALSE);
  guint32 a = topo->links[link].a, b = topo->links[link].b;
  SimTopoCoords kind = topo->nodes[a].coords;
  if (kind == SIM_TOPO_COORDS_NONE || kind != topo->nodes[b].coords)
    return FALSE;
  const double *pa = &topo->pos[2 * a], *pb = &topo->pos[2 * b];
  if (kind == SIM_TOPO_COORDS_GEO)
    *km = great_circle_km(pa[0], pa[1], pb[0], pb[1]);
  else
    *km = hypot(pb[0] - pa[0], pb[1] - pa[1]);
  return TRUE;
}

/* ---- adjacency ------------------------------------------------------------- */

static void
adjacency_build(SimTopo *t)
{
  guint32 n = t->n_nodes;
  t->adj_start = g_new(guint32, (gsize)n + 1);
  t->adj_start[0] = 0;
  for (guint32 i = 0; i < n; i++)
    t->adj_start[i + 1] = t->adj_start[i] + t->nodes[i].degree;
  gsize total = (gsize)t->n_links * 2;
  t->adj_node = g_new(int, MAX(total, 1));
  t->adj_link = g_new(int, MAX(total, 1));
  guint32 *fill = g_new(guint32, MAX(n, 1));
  memcpy(fill, t->adj_start, (gsize)n * sizeof *fill);
  for (guint32 l = 0; l < t->n_links; l++) {
    guint32 a = t->links[l].a, b = t->links[l].b;
    t->adj_node[fill[a]] = (int)b;
    t->adj_link[fill[a]++] = (int)l;
    t->adj_node[fill[b]] = (int)a;
    t->adj_link[fill[b]++] = (int)l;
  }
  g_free(fill);
}

const int *
sim_topo_neighbours(SimTopo *topo, int node, int *n)
{
  CHECK_NODE(topo, node, NULL);
  g_return_val_if_fail(n != NULL, NULL);
  if (topo->adj_start == NULL)
    adjacency_build(topo);
  *n = (int)topo->nodes[node].degree;
  return topo->adj_node + topo->adj_start[node];
}

const int *
sim_topo_node_links(SimTopo *topo, int node, int *n)
{
  CHECK_NODE(topo, node, NULL);
  g_return_val_if_fail(n != NULL, NULL);
  if (topo->adj_start == NULL)
    adjacency_build(topo);
  *n = (int)topo->nodes[node].degree;
  return topo->adj_link + topo->adj_start[node];
}

/* ---- the whole graph ------------------------------------------------------- */

static guint32
uf_find(guint32 *parent, guint32 i)
{
  while (parent[i] != i) {
    parent[i] = parent[parent[i]]; /* path halving */
    i = parent[i];
  }
  return i;
}

int
sim_topo_components(const SimTopo *topo, int *component)
{
  g_return_val_if_fail(topo != NULL, 0);
  guint32 n = topo->n_nodes;
  if (n == 0)
    return 0;
  /* The root of a set is its lowest node index. */
  guint32 *parent = g_new(guint32, n);
  for (guint32 i = 0; i < n; i++)
    parent[i] = i;
  for (guint32 l = 0; l < topo->n_links; l++) {
    guint32 ra = uf_find(parent, topo->links[l].a);
    guint32 rb = uf_find(parent, topo->links[l].b);
    if (ra < rb)
      parent[rb] = ra;
    else if (rb < ra)
      parent[ra] = rb;
  }
  int count = 0;
  for (guint32 i = 0; i < n; i++) {
    guint32 r = uf_find(parent, i);
    if (r == i)
      count++;
    if (component != NULL)
      component[i] = r == i ? count - 1 : component[r];
  }
  g_free(parent);
  return count;
}

gboolean
sim_topo_is_connected(const SimTopo *topo)
{
  g_return_val_if_fail(topo != NULL, FALSE);
  return sim_topo_components(topo, NULL) <= 1;
}

size_t
sim_topo_memory(const SimTopo *topo)
{
  g_return_val_if_fail(topo != NULL, 0);
  size_t bytes = sizeof *topo;
  bytes += (size_t)topo->cap_nodes * sizeof(TopoNode);
  if (topo->pos != NULL)
    bytes += (size_t)topo->cap_nodes * 2 * sizeof(double);
  bytes += (size_t)topo->cap_links * sizeof(TopoLink);
  bytes += (size_t)topo->cap_attrs * sizeof(TopoAttr);
  bytes += ((size_t)1 << topo->index_bits) * sizeof(guint32);
  /* The chunk's last block is partly empty. */
  bytes += topo->text_bytes + TEXT_BLOCK;
  /* A GHashTable set: hash and key per slot, at most half full. */
  bytes += (size_t)g_hash_table_size(topo->interned) * 2 * (sizeof(guint) + sizeof(gpointer));
  /* Roles: the array, and a map (hash, key, value per slot, half full). */
  bytes += (size_t)topo->roles->len *
           (sizeof(gpointer) + 2 * (sizeof(guint) + 2 * sizeof(gpointer)));
  if (topo->adj_start != NULL)
    bytes += ((size_t)topo->n_nodes + 1) * sizeof(guint32) +
             (size_t)topo->n_links * 2 * 2 * sizeof(int);
  return bytes;
}
