/* routing.h - automatic addressing and shortest-path routes.
 *
 * Addressing plan (sim_addr_plan_apply): from one base prefix of length
 * L <= 32 (default 2001:db8::/32, the documentation prefix of RFC 3849),
 *  - node i gets the locator BASE:(i+1)::/64 - the node index in the 32
 *    bits after a /32 base - and the loopback address locator::1;
 *  - link j gets BASE:8000_0000+(j+1)::/64, the top bit of the same field
 *    set, with ::1 on its first end and ::2 on its second; or, with
 *    link_len 127 (RFC 6164), ::0/127 and ::1/127;
 *  - switched segment k (switches joined by links, in order of their
 *    first switch) gets BASE:c000_0000+(k+1)::/64: its routers ::1, ::2,
 *    ... and its other hosts their modified EUI-64 identifier, except
 *    hosts left to autoconfiguration.
 * All node locators aggregate in BASE::/L+1, all link prefixes in the
 * other half, so address and node are found from each other without
 * tables.
 *
 * Routes (sim_routing_new): shortest paths over link metrics, computed
 * lazily per destination (DESIGN.md: a route state that scales to 100,000
 * nodes). The first packet a node cannot route asks the resolver, which
 * finds the destination's owner, takes (or computes and caches) the
 * shortest-path tree towards it (breadth-first when every metric is 1,
 * Dijkstra otherwise) and installs a /128 route with the next hop(s) at
 * that node and at every node of the shortest paths from it that has no
 * route for the destination yet: one tree per flow path, and forwarding
 * state only where traffic goes. Paths never transit hosts (nodes that do
 * not forward). With ECMP every equal-cost next hop is installed and
 * flows are spread by hash.
 */
#ifndef IPESIM_ROUTING_H
#define IPESIM_ROUTING_H

#include "ip6.h"

G_BEGIN_DECLS

typedef struct {
  SimIp6Prefix base; /* length <= 32 */
  unsigned link_len; /* 64 or 127 */
  gboolean loopbacks;
  GHashTable *autoconf; /* (nullable) SimNode* set: hosts that configure
                         * themselves (no plan addresses) */
} SimAddrPlan;

/* 2001:db8::/32, /64 links, loopbacks. */
SIM_API void sim_addr_plan_init(SimAddrPlan *plan);

/**
 * sim_addr_plan_apply:
 * Installs IPv6 on every node of @net (if needed) and assigns the plan's
 * addresses to every node and link that has none yet.
 */
SIM_API gboolean sim_addr_plan_apply(SimNet *net, const SimAddrPlan *plan, GError **error);

/* The loopback / locator address of node @index under @plan. */
SIM_API SimIp6Addr sim_addr_plan_node_address(const SimAddrPlan *plan, uint32_t index);

typedef enum {
  SIM_METRIC_LINK,  /* the link's metric (default 1: hop count) */
  SIM_METRIC_DELAY, /* propagation delay in ns */
  SIM_METRIC_N
} SimMetricKind;

typedef struct {
  SimMetricKind metric;
  gboolean ecmp;
  size_t cache_bytes; /* memory for cached shortest-path trees (0 = 256 MiB) */
} SimRoutingConfig;

typedef struct _SimRouting SimRouting;

/**
 * sim_routing_new:
 * @link_metric: (nullable): per-link metric (indexed by link), or NULL for 1
 * Snapshots the topology of @net (nodes, links, addresses; call after they
 * exist) and installs the lazy resolver. Owned by @net.
 */
SIM_API SimRouting *sim_routing_new(SimNet *net, const SimRoutingConfig *cfg,
                                    const uint32_t *link_metric, GError **error);

/* TRUE if a packet from @src can reach @dst (same connected part of the
 * network, without transit through hosts). */
SIM_API gboolean sim_routing_reachable(SimRouting *r, const SimNode *src, const SimNode *dst);

/* Routes @prefix (e.g. an SRv6 locator) to @owner: a destination inside
 * it that no node has as an address gets one route for the whole prefix.
 * FALSE if the prefix has an owner already. */
SIM_API gboolean sim_routing_add_prefix(SimRouting *r, const SimIp6Prefix *prefix,
                                        const SimNode *owner);

/* TRUE when equal-cost next hops are all installed (flows spread by hash). */
SIM_API gboolean sim_routing_uses_ecmp(const SimRouting *r);

/* Trees computed so far (for memory and performance figures). */
SIM_API uint64_t sim_routing_trees_computed(const SimRouting *r);
SIM_API uint64_t sim_routing_routes_installed(const SimRouting *r);

G_END_DECLS

#endif /* IPESIM_ROUTING_H */
