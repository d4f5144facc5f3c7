/* topo.h - generic network topology graphs: building, generators, import.
 *
 * A SimTopo is an undirected multigraph of named nodes and links, with
 * optional coordinates and free-form text attributes. It knows nothing of
 * IPv6: scenario files build one (from a generator or a file) and a builder
 * turns it into nodes and links. Attribute values are kept as the text
 * given ("10Gbps", "50us"), for the caller's unit parsers.
 *
 * Nodes and links are numbered densely from 0 in the order they were added;
 * generators and importers document that order (docs/topologies.md).
 * Indices are ints; a topology holds at most SIM_TOPO_MAX_NODES nodes and
 * SIM_TOPO_MAX_LINKS links.
 *
 * Functions taking a const SimTopo may be called from several threads at
 * once. sim_topo_neighbours() and sim_topo_node_links() build an adjacency
 * index on first use after a change, so they take a non-const SimTopo.
 */
#ifndef IPESIM_TOPO_H
#define IPESIM_TOPO_H

#include "simdefs.h"
#include "simrng.h"
#include "simtime.h"

G_BEGIN_DECLS

#define SIM_TOPO_ERROR (sim_topo_error_quark())
typedef enum {
  SIM_TOPO_ERROR_INVALID,      /* bad value: empty name, self-loop, generator parameter */
  SIM_TOPO_ERROR_DUPLICATE,    /* a node name used twice */
  SIM_TOPO_ERROR_UNKNOWN_NODE, /* a link names a node that does not exist */
  SIM_TOPO_ERROR_LIMIT,        /* more nodes or links than SIM_TOPO_MAX_* */
  SIM_TOPO_ERROR_IO,           /* a file cannot be read */
  SIM_TOPO_ERROR_PARSE,        /* malformed file, missing column, bad number */
} SimTopoError;
SIM_API GQuark sim_topo_error_quark(void);

/* Largest number of nodes and of links of one topology. */
#define SIM_TOPO_MAX_NODES (1 << 28)
#define SIM_TOPO_MAX_LINKS (1 << 28)

/* What a node's coordinates are. */
typedef enum {
  SIM_TOPO_COORDS_NONE, /* no position */
  SIM_TOPO_COORDS_XY,   /* planar x, y; lengths take them as kilometres */
  SIM_TOPO_COORDS_GEO,  /* latitude, longitude in degrees (WGS 84) */
  SIM_TOPO_COORDS_N
} SimTopoCoords;

typedef struct _SimTopo SimTopo;

/* Called once per attribute, in the order the keys were first set. */
typedef void (*SimTopoAttrFunc)(const char *key, const char *value, gpointer user_data);

/* ---- building ------------------------------------------------------------- */

/**
 * sim_topo_new:
 * Returns: (transfer full): an empty topology; free with sim_topo_free().
 */
SIM_API SimTopo *sim_topo_new(void);
SIM_API void sim_topo_free(SimTopo *topo);

/**
 * sim_topo_reserve:
 * Makes room for @n_nodes nodes and @n_links links in total, so that
 * building a topology of known size allocates once. Never shrinks.
 */
SIM_API void sim_topo_reserve(SimTopo *topo, int n_nodes, int n_links);

/**
 * sim_topo_add_node:
 * @name: unique, non-empty; copied
 * @role: (nullable): kind of node, e.g. "router" or "host"; NULL or "" for
 *   none; copied
 * Returns: the new node's index, or -1 with @error set (empty or duplicate
 *   name: SIM_TOPO_ERROR_INVALID, SIM_TOPO_ERROR_DUPLICATE; too many nodes:
 *   SIM_TOPO_ERROR_LIMIT).
 */
SIM_API int sim_topo_add_node(SimTopo *topo, const char *name, const char *role,
                              GError **error);

/* Index of the node called @name, or -1. */
SIM_API int sim_topo_find_node(const SimTopo *topo, const char *name);

/**
 * sim_topo_add_link:
 * Adds an undirected link between nodes @a and @b (valid indices). Several
 * links may join the same two nodes.
 * Returns: the new link's index, or -1 with @error set (@a == @b:
 *   SIM_TOPO_ERROR_INVALID; too many links: SIM_TOPO_ERROR_LIMIT).
 */
SIM_API int sim_topo_add_link(SimTopo *topo, int a, int b, GError **error);

/* ---- nodes ----------------------------------------------------------------- */

SIM_API int sim_topo_n_nodes(const SimTopo *topo);
/* Returns: (transfer none): valid as long as @topo. */
SIM_API const char *sim_topo_node_name(const SimTopo *topo, int node);
/* Returns: (transfer none): the role, "" when none. */
SIM_API const char *sim_topo_node_role(const SimTopo *topo, int node);
/* @role: (nullable): NULL or "" clears it; copied. */
SIM_API void sim_topo_node_set_role(SimTopo *topo, int node, const char *role);
/* Number of links ending at @node (a node with two links to the same
 * neighbour has degree 2). */
SIM_API int sim_topo_node_degree(const SimTopo *topo, int node);

/* Planar position (finite numbers). */
SIM_API void sim_topo_node_set_xy(SimTopo *topo, int node, double x, double y);
/* Geographic position: latitude in [-90, 90], longitude in [-180, 180]. */
SIM_API void sim_topo_node_set_geo(SimTopo *topo, int node, double latitude,
                                   double longitude);
/**
 * sim_topo_node_position:
 * @x_or_lat: (out) (optional): x, or latitude for SIM_TOPO_COORDS_GEO
 * @y_or_lon: (out) (optional): y, or longitude for SIM_TOPO_COORDS_GEO
 * Returns: the kind of position; outputs are untouched for
 *   SIM_TOPO_COORDS_NONE.
 */
SIM_API SimTopoCoords sim_topo_node_position(const SimTopo *topo, int node, double *x_or_lat,
                                             double *y_or_lon);

/* Attributes: @key non-empty; @value copied, NULL removes the key. Keys and
 * values are interned, so repeated values cost nothing. */
SIM_API void sim_topo_node_set_attr(SimTopo *topo, int node, const char *key,
                                    const char *value);
/* Returns: (transfer none) (nullable): the value, NULL when unset. */
SIM_API const char *sim_topo_node_get_attr(const SimTopo *topo, int node, const char *key);
SIM_API void sim_topo_node_foreach_attr(const SimTopo *topo, int node, SimTopoAttrFunc func,
                                        gpointer user_data);

/**
 * sim_topo_neighbours:
 * @n: (out): number of entries
 * Returns: (transfer none) (array length=n): the node at the other end of
 *   each link of @node, in link order (a neighbour appears once per link).
 *   Entry i belongs to link sim_topo_node_links()[i]. Valid until @topo
 *   changes. Builds the adjacency index (O(nodes + links)) on first use
 *   after a change.
 */
SIM_API const int *sim_topo_neighbours(SimTopo *topo, int node, int *n);
/* Same for the indices of the links of @node, in increasing order. */
SIM_API const int *sim_topo_node_links(SimTopo *topo, int node, int *n);

/* ---- links ----------------------------------------------------------------- */

SIM_API int sim_topo_n_links(const SimTopo *topo);
/* The endpoints, in the order given to sim_topo_add_link(). */
SIM_API int sim_topo_link_a(const SimTopo *topo, int link);
SIM_API int sim_topo_link_b(const SimTopo *topo, int link);
SIM_API void sim_topo_link_set_attr(SimTopo *topo, int link, const char *key,
                                    const char *value);
SIM_API const char *sim_topo_link_get_attr(const SimTopo *topo, int link, const char *key);
SIM_API void sim_topo_link_foreach_attr(const SimTopo *topo, int link, SimTopoAttrFunc func,
                                        gpointer user_data);

/**
 * sim_topo_link_length_km:
 * @km: (out): the length
 * Great-circle distance (haversine, mean Earth radius 6371.0088 km) when
 * both endpoints are geographic; Euclidean distance when both are planar
 * (x, y taken as kilometres).
 * Returns: FALSE, @km untouched, when an endpoint has no position or the
 *   two kinds differ.
 */
SIM_API gboolean sim_topo_link_length_km(const SimTopo *topo, int link, double *km);

/* ---- the whole graph ------------------------------------------------------ */

/* Attributes of the topology itself (e.g. a GraphML file's Network name). */
SIM_API void sim_topo_set_attr(SimTopo *topo, const char *key, const char *value);
SIM_API const char *sim_topo_get_attr(const SimTopo *topo, const char *key);
SIM_API void sim_topo_foreach_attr(const SimTopo *topo, SimTopoAttrFunc func,
                                   gpointer user_data);

/**
 * sim_topo_components:
 * @component: (out caller-allocates) (optional) (array): n_nodes entries,
 *   set to each node's component; components are numbered from 0 in the
 *   order of their lowest node index
 * Returns: the number of connected components (0 for an empty topology).
 */
SIM_API int sim_topo_components(const SimTopo *topo, int *component);
/* TRUE when every node can reach every other (also for 0 or 1 node). */
SIM_API gboolean sim_topo_is_connected(const SimTopo *topo);

/* Bytes held by @topo (arrays at their capacity, strings, indices),
 * allocator overhead excluded. */
SIM_API size_t sim_topo_memory(const SimTopo *topo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimTopo, sim_topo_free)

/* ---- generators (topo-gen.c; docs/topologies.md) ---------------------------
 *
 * Each returns a new topology, or NULL with SIM_TOPO_ERROR_INVALID (bad
 * parameter) or SIM_TOPO_ERROR_LIMIT (too large). Nodes have role "router"
 * unless said otherwise. Random generators draw only from @rng, so the same
 * stream gives the same graph.
 */

/* r0 - r1 - ... - r<n-1>; n >= 2. */
SIM_API SimTopo *sim_topo_gen_line(int n, GError **error);
/* The line plus r<n-1> - r0; n >= 3. */
SIM_API SimTopo *sim_topo_gen_ring(int n, GError **error);
/* "hub" linked to "leaf0" ... "leaf<n-1>"; n >= 1 leaves. */
SIM_API SimTopo *sim_topo_gen_star(int n, GError **error);
/* An enterprise access network: router "gw" on switch "core", access
 * switches "acc<i>" (role "switch") on the core, each with up to
 * @per_switch hosts "h<i>" (role "host"). Links: gw-core, then per access
 * switch core-acc<i> followed by its hosts. */
SIM_API SimTopo *sim_topo_gen_lan(int hosts, int per_switch, GError **error);
/* rows x cols mesh, nodes "r<row>_<col>"; rows, cols >= 1, at least 2 nodes. */
SIM_API SimTopo *sim_topo_gen_grid(int rows, int cols, GError **error);
/* The grid with wrap-around links, every node of degree 4; rows, cols >= 3. */
SIM_API SimTopo *sim_topo_gen_torus(int rows, int cols, GError **error);
/* Complete tree: root "t0_0", level d holds fanout^d nodes "t<d>_<i>";
 * depth >= 1, fanout >= 1. */
SIM_API SimTopo *sim_topo_gen_tree(int depth, int fanout, GError **error);
/* Fat tree of k-port switches (Al-Fares et al. 2008); k even, >= 2.
 * (k/2)^2 "core<j>", per pod k/2 "agg<p>_<i>" and k/2 "edge<p>_<i>"
 * (role "router"), k^3/4 "host<p>_<e>_<i>" (role "host"). */
SIM_API SimTopo *sim_topo_gen_fat_tree(int k, GError **error);

/**
 * sim_topo_gen_waxman:
 * @n: nodes (>= 1), placed uniformly in the unit square (planar positions)
 * @alpha: (0, inf): larger values favour long links
 * @beta: (0, 1]: overall link density
 * @connected: when TRUE and the random graph is disconnected, join the
 *   components by shortest links, deterministically
 * Waxman (1988): nodes u, v are linked with probability
 * beta * exp(-d(u,v) / (alpha * L)), L the largest distance between two
 * nodes. O(n^2) time.
 */
SIM_API SimTopo *sim_topo_gen_waxman(int n, double alpha, double beta, gboolean connected,
                                     SimRng *rng, GError **error);

/**
 * sim_topo_gen_barabasi_albert:
 * @n: nodes, > @m
 * @m: links added with each new node, >= 1
 * Preferential attachment (Barabási and Albert 1999): a clique of @m seed
 * nodes, then each new node links to @m distinct earlier nodes chosen with
 * probability proportional to their degree. m*(m-1)/2 + m*(n-m) links;
 * always connected.
 */
SIM_API SimTopo *sim_topo_gen_barabasi_albert(int n, int m, SimRng *rng, GError **error);

/**
 * SimTopo5gConfig:
 * A 5G mobile transport network for sim_topo_gen_5g(). Fill it with
 * sim_topo_5g_config_init(), then change what differs. Sizes:
 * @cell_sites: cell-site routers (CSR), >= 1 (default 768)
 * @csr_per_ring: CSRs per access ring, >= 1 (6); the last ring holds the rest
 * @rings_per_pair: access rings per pre-aggregation pair, >= 1 (8)
 * @pairs_per_domain: pre-aggregation pairs per aggregation domain, >= 1 (4)
 * @core_nodes: core routers, even and >= 4; 0 (default) picks
 *   max(4, 2 * ceil(domains / 4))
 * @central_dcs: central data-centre routers, >= 0; -1 (default) picks
 *   max(2, core routers / 2): one per pair of core routers
 * Per tier, a link rate in bit/s (> 0) and a propagation delay (> 0):
 * @access_rate, @access_delay: CSR-CSR and CSR-pre-agg (25 Gbit/s, 10 us)
 * @preagg_rate, @preagg_delay: pre-agg pair and pre-agg-agg (100 Gbit/s, 100 us)
 * @agg_rate, @agg_delay: agg pair and agg-core (400 Gbit/s, 250 us)
 * @core_rate, @core_delay: core ring and chords (400 Gbit/s, 1 ms)
 * @edc_rate, @edc_delay: edge DC-agg (100 Gbit/s, 5 us)
 * @cdc_rate, @cdc_delay: central DC-core (400 Gbit/s, 5 us)
 */
typedef struct {
  int cell_sites;
  int csr_per_ring;
  int rings_per_pair;
  int pairs_per_domain;
  int core_nodes;
  int central_dcs;
  uint64_t access_rate;
  SimTime access_delay;
  uint64_t preagg_rate;
  SimTime preagg_delay;
  uint64_t agg_rate;
  SimTime agg_delay;
  uint64_t core_rate;
  SimTime core_delay;
  uint64_t edc_rate;
  SimTime edc_delay;
  uint64_t cdc_rate;
  SimTime cdc_delay;
} SimTopo5gConfig;

/* Sets @cfg to the defaults listed above. */
SIM_API void sim_topo_5g_config_init(SimTopo5gConfig *cfg);

/**
 * sim_topo_gen_5g:
 * A hierarchical 5G transport network, every node of role "router":
 * rings = ceil(cell_sites / csr_per_ring) access rings, pairs =
 * ceil(rings / rings_per_pair) pre-agg pairs, domains =
 * ceil(pairs / pairs_per_domain), filled in order.
 *
 * - Access ring: "pa<d>_<p>a" - "csr<d>_<p>_<r>_0" - ... -
 *   "csr<d>_<p>_<r>_<L-1>" - "pa<d>_<p>b", closed by the link between the
 *   two pre-agg nodes.
 * - Pre-agg pair: "pa<d>_<p>a" - "pa<d>_<p>b", and each of them to both
 *   "agg<d>a" and "agg<d>b".
 * - Domain d: "agg<d>a" - "agg<d>b"; "agg<d>a" - core[2d mod C],
 *   "agg<d>b" - core[(2d+1) mod C]; edge DC "edc<d>" to both agg nodes.
 * - Core: "core0" ... "core<C-1>" in a ring plus the chords
 *   core<i> - core<i+C/2>; central DC "cdc<i>" to core[2i mod C] and
 *   core[(2i+1) mod C].
 *
 * Node order: the core routers, the central DCs, then domain by domain
 * agg<d>a, agg<d>b, edc<d> and pair by pair pa<d>_<p>a, pa<d>_<p>b
 * followed by the CSRs of the pair's rings (ring by ring, position by
 * position). Link order, endpoints a-b: core<i>-core<i+1 mod C> for each
 * i, chords core<i>-core<i+C/2> for i < C/2, core-cdc<i> (first core,
 * then second), then domain by domain: agg<d>a-agg<d>b, core-agg<d>a,
 * core-agg<d>b, agg<d>a-edc<d>, agg<d>b-edc<d>, and pair by pair:
 * pa<d>_<p>a-pa<d>_<p>b, agg<d>a-pa<d>_<p>a, agg<d>b-pa<d>_<p>a,
 * agg<d>a-pa<d>_<p>b, agg<d>b-pa<d>_<p>b, then each ring as a chain
 * from pa<d>_<p>a through its CSRs to pa<d>_<p>b.
 *
 * Node attributes: "tier" (csr, preagg, agg, edc, core, cdc) and, except
 * for core and cdc, "domain" (d in decimal). Link attributes: "tier"
 * (access, preagg, agg, core, edc, cdc), "rate" and "delay" as text
 * ("25Gbps", "10us"). Counts: cell_sites + 2 pairs + 3 domains + C +
 * central_dcs nodes; cell_sites + rings + 5 pairs + 5 domains + 3C/2 +
 * 2 central_dcs links.
 * Returns: (transfer full) (nullable): the topology, NULL with
 *   SIM_TOPO_ERROR_INVALID or SIM_TOPO_ERROR_LIMIT.
 */
SIM_API SimTopo *sim_topo_gen_5g(const SimTopo5gConfig *cfg, GError **error);

/* ---- import (topo-import.c; docs/topologies.md) ----------------------------
 *
 * Errors name the file and line: "nodes.csv:7: duplicate node name 'r1'
 * (first on line 3)". Codes: SIM_TOPO_ERROR_IO, _PARSE, _DUPLICATE,
 * _UNKNOWN_NODE, _INVALID, _LIMIT.
 */

/**
 * sim_topo_import_csv:
 * @nodes_path: (nullable): nodes table: column "name" required; optional
 *   "role", "x" and "y" or "latitude" and "longitude"; other columns become
 *   node attributes. NULL: nodes are created from the link table, in order
 *   of first appearance, without role.
 * @links_path: links table: columns "a" and "b" (node names) required;
 *   other columns (rate, delay, metric, ...) become link attributes.
 * Empty cells leave an attribute unset.
 * Returns: (transfer full) (nullable): the topology.
 */
/* Link attribute set by the CSV importer: the 1-based line of the link's
 * row in its file, so that callers can report errors about its values. */
#define SIM_TOPO_ATTR_LINE ":line"

SIM_API SimTopo *sim_topo_import_csv(const char *nodes_path, const char *links_path,
                                     GError **error);

/**
 * sim_topo_import_graphml:
 * Reads a GraphML file as published by the Internet Topology Zoo. Node
 * names are the labels, made unique ("Label", "Label#2", ...), or the
 * GraphML id where a node has no label; Latitude/Longitude give geographic
 * positions; other node, edge and graph data become attributes under their
 * attr.name. Edge direction is ignored.
 * Returns: (transfer full) (nullable): the topology.
 */
SIM_API SimTopo *sim_topo_import_graphml(const char *path, GError **error);
/* Same from memory; @name is used in error messages. */
SIM_API SimTopo *sim_topo_parse_graphml(const char *name, const char *data, size_t len,
                                        GError **error);

G_END_DECLS

#endif /* IPESIM_TOPO_H */
