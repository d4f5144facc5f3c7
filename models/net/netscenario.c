/* netscenario.c - from scenario sections to a network.
 *
 * Order of construction (deterministic: entity ids, hence random streams,
 * follow it): topology sections in file order, [node] sections, [link]
 * sections, addresses (explicit, then the automatic plan), static routes,
 * the routing resolver, flows, flow sets and pings in file order, link
 * up/down events, pcap writers, then the [expect] section (parsed here,
 * evaluated on the results by simexpect.c). Every section is parsed
 * against its registered type, so unknown keys, bad units and out-of-range
 * values are errors with the file and line of the key; sections of unknown
 * kinds are errors too.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "netscenario-private.h"
#include "results.h"
#include "partition.h"
#include "nd.h"
#include "ip4.h"
#include "qos-private.h"
#include "meter.h"
#include "scheduler.h"
#include "simcsv.h"
#include "routing.h"
#include "simexpect.h"
#include "simsweep.h"
#include "simunits.h"
#include "topo.h"
#include "udp.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

/* ---- built-in types --------------------------------------------------------------- */

static const char *const queue_kinds[] = { "heap", "ladder", NULL };
static const char *const addr_modes[] = { "auto", "explicit", NULL };
static const char *const route_modes[] = { "shortest-path", "static", NULL };
static const char *const metric_kinds[] = { "link", "delay", NULL };
static const char *const framings[] = { "none", "ppp", "ethernet", NULL };
static const char *const node_types[] = { "router", "host", "switch", NULL };
static const char *const iid_kinds[] = { "eui64", "stable", NULL };
static const char *const patterns[] = { "pairs", "all-to-all", "nearest", NULL };

static const SimParamSpec simulation_params[] = {
  { "duration", SIM_PARAM_TIME, NULL, "traffic time: applications stop here", NULL,
    SIM_PARAM_AT_LEAST(1) },
  { "drain", SIM_PARAM_TIME, "0s", "extra time after duration for packets in flight", NULL, 0, 0 },
  { "seed", SIM_PARAM_UINT, "1", "random seed (32 bits)", NULL, SIM_PARAM_RANGE(0, 4294967295.0) },
  { "runs", SIM_PARAM_UINT, "1", "replications (run-N/ folders when > 1)", NULL,
    SIM_PARAM_RANGE(1, 100000) },
  { "run", SIM_PARAM_UINT, "0",
    "run number in the random stream derivation (added to the replication number)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "queue", SIM_PARAM_ENUM, "heap", "event queue", queue_kinds, 0, 0 },
};

static const SimParamSpec output_params[] = {
  { "pcap", SIM_PARAM_LIST, "", "interfaces to capture: all, NODE or NODE:IFACE", NULL, 0, 0 },
  { "snaplen", SIM_PARAM_SIZE, "65535B", "bytes kept per captured packet", NULL,
    SIM_PARAM_RANGE(1, 262144) },
  { "histogram_bits", SIM_PARAM_UINT, "7", "delay histogram precision (error 2^-(bits+1))", NULL,
    SIM_PARAM_RANGE(1, 16) },
  { "queue_sample", SIM_PARAM_TIME, "0s",
    "period of the queue-length time series queues.csv (0: none)", NULL, 0, 0 },
  { "queue_sample_at", SIM_PARAM_LIST, "all",
    "interfaces sampled: all, NODE or NODE:IFACE", NULL, 0, 0 },
  { "sample", SIM_PARAM_TIME, "0s", "period of the metric time series timeseries.csv (0: none)",
    NULL, SIM_PARAM_AT_LEAST(0) },
  { "sample_metrics", SIM_PARAM_LIST, "flow.*.*",
    "series sampled: KIND.NAME.METRIC (KIND flow, link, net or slice; wildcards * and ?)",
    NULL, 0, 0 },
};

static const SimParamSpec addressing_params[] = {
  { "mode", SIM_PARAM_ENUM, "auto",
    "auto: the plan fills what sections leave unset; explicit: sections only", addr_modes, 0, 0 },
  { "prefix", SIM_PARAM_STRING, "2001:db8::/32", "base prefix of the plan (/32 or shorter)", NULL,
    0, 0 },
  { "link_prefix_len", SIM_PARAM_UINT, "64", "link subnets: 64, or 127 (RFC 6164)", NULL,
    SIM_PARAM_RANGE(64, 127) },
  { "loopbacks", SIM_PARAM_BOOL, "true", "a loopback address per node", NULL, 0, 0 },
};

static const SimParamSpec routing_params[] = {
  { "mode", SIM_PARAM_ENUM, "shortest-path", "shortest-path (lazy, per destination) or static",
    route_modes, 0, 0 },
  { "metric", SIM_PARAM_ENUM, "link", "link: the links' metric (default 1); delay: in ns",
    metric_kinds, 0, 0 },
  { "ecmp", SIM_PARAM_BOOL, "false", "spread flows over equal-cost paths", NULL, 0, 0 },
  { "cache", SIM_PARAM_SIZE, "256MiB", "memory for shortest-path trees", NULL,
    SIM_PARAM_AT_LEAST(1) },
};

static const SimParamSpec node_params[] = {
  { "type", SIM_PARAM_ENUM, "router", "router (forwards), host, or an Ethernet switch",
    node_types, 0, 0 },
  { "address", SIM_PARAM_LIST, "", "loopback addresses (ADDR or ADDR/128)", NULL, 0, 0 },
  { "advertise", SIM_PARAM_BOOL, "false",
    "router: send Router Advertisements on its switched interfaces", NULL, 0, 0 },
  { "ra_min_interval", SIM_PARAM_TIME, "200s", "MinRtrAdvInterval", NULL, SIM_PARAM_AT_LEAST(1) },
  { "ra_max_interval", SIM_PARAM_TIME, "600s", "MaxRtrAdvInterval", NULL, SIM_PARAM_AT_LEAST(1) },
  { "rdnss", SIM_PARAM_LIST, "", "DNS servers to advertise (RFC 8106), up to 3", NULL, 0, 0 },
  { "autoconf", SIM_PARAM_BOOL, "false",
    "host: SLAAC on its switched interfaces (no planned addresses)", NULL, 0, 0 },
  { "iid", SIM_PARAM_ENUM, "eui64", "interface identifiers: eui64 or stable (RFC 7217)",
    iid_kinds, 0, 0 },
  { "optimistic", SIM_PARAM_BOOL, "false", "optimistic DAD (RFC 4429)", NULL, 0, 0 },
  { "dad_transmits", SIM_PARAM_UINT, "1", "DupAddrDetectTransmits (0: no DAD)", NULL,
    SIM_PARAM_RANGE(0, 10) },
  { "boot_spread", SIM_PARAM_TIME, "0s",
    "host: its interfaces come up at a uniformly random time in [0, boot_spread]", NULL, 0, 0 },
  { "max_ext_headers", SIM_PARAM_UINT, "8",
    "extension headers the node walks in one packet (more: ext_header_limit)", NULL,
    SIM_PARAM_RANGE(1, 255) },
  { "reassembly_limit", SIM_PARAM_SIZE, "4MiB",
    "bytes the node holds in fragment reassembly (more: reassembly_memory)", NULL,
    SIM_PARAM_AT_LEAST(1) },
};

#define LINK_PARAMS                                                                              \
  { "rate", SIM_PARAM_RATE, "10Gbps", "line rate", NULL, SIM_PARAM_AT_LEAST(1) },               \
    { "delay", SIM_PARAM_TIME, "10us", "propagation delay", NULL, SIM_PARAM_AT_LEAST(1) },       \
    { "mtu", SIM_PARAM_SIZE, "1500B", "IPv6 MTU", NULL, SIM_PARAM_RANGE(1280, 65535) },          \
    { "framing", SIM_PARAM_ENUM, "ppp", "none (raw IPv6), ppp (2 bytes) or ethernet (38)",       \
      framings, 0, 0 },                                                                          \
    { "queue", SIM_PARAM_STRING, "droptail",                                                     \
      "queue discipline type; its parameters are the keys queue_PARAM", NULL, 0, 0 },            \
    { "loss", SIM_PARAM_RATIO, "0", "Bernoulli loss probability per packet", NULL, 0, 0 },       \
    { "ge_p", SIM_PARAM_RATIO, "0", "Gilbert-Elliott P(good->bad) per packet (0: off)", NULL, 0, \
      0 },                                                                                       \
    { "ge_r", SIM_PARAM_RATIO, "0.5", "Gilbert-Elliott P(bad->good) per packet", NULL, 0, 0 },   \
    { "ge_loss_bad", SIM_PARAM_RATIO, "1", "loss probability in the bad state", NULL, 0, 0 },    \
    { "ge_loss_good", SIM_PARAM_RATIO, "0", "loss probability in the good state", NULL, 0, 0 },  \
    { "metric", SIM_PARAM_UINT, "1", "routing metric", NULL, SIM_PARAM_RANGE(1, 4294967295.0) }, \
    { "te_metric", SIM_PARAM_UINT, "0", "TE metric for NRP paths (0: the routing metric)", NULL, \
      SIM_PARAM_RANGE(0, 4294967295.0) },                                                        \
    { "affinity", SIM_PARAM_LIST, "", "affinity names (colours) for NRP path constraints", NULL, \
      0, 0 }

static const SimParamSpec link_params[] = {
  LINK_PARAMS,
  { "a_address", SIM_PARAM_STRING, "", "address of end a (ADDR/LEN), explicit addressing", NULL,
    0, 0 },
  { "b_address", SIM_PARAM_STRING, "", "address of end b (ADDR/LEN)", NULL, 0, 0 },
  { "down_at", SIM_PARAM_LIST, "", "times at which the link goes down", NULL, 0, 0 },
  { "up_at", SIM_PARAM_LIST, "", "times at which it comes back up", NULL, 0, 0 },
};

static const SimParamSpec droptail_params[] = {
  { "packets", SIM_PARAM_UINT, "1000", "limit in packets (0: none)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "bytes", SIM_PARAM_SIZE, "0B", "limit in bytes (0: none)", NULL, 0, 0 },
};

static const SimParamSpec route_params[] = {
  { "node", SIM_PARAM_STRING, NULL, "node that gets the route", NULL, 0, 0 },
  { "prefix", SIM_PARAM_STRING, NULL, "destination prefix, e.g. ::/0", NULL, 0, 0 },
  { "via", SIM_PARAM_LIST, NULL, "neighbour node(s) to send through (several: ECMP)", NULL, 0, 0 },
};

#define FLOW_PARAMS                                                                              \
  { "rate", SIM_PARAM_PKT_RATE, "1000pps", "packet rate", NULL, SIM_PARAM_AT_LEAST(1e-9) },    \
    { "bitrate", SIM_PARAM_RATE, "0bps", "bit rate of the UDP payload (instead of rate)", NULL, \
      0, 0 },                                                                                    \
    { "size", SIM_PARAM_SIZE, "1000B", "UDP payload bytes", NULL, SIM_PARAM_RANGE(0, 65527) },   \
    { "start", SIM_PARAM_TIME, "0s", "first packet", NULL, 0, 0 },                               \
    { "start_spread", SIM_PARAM_TIME, "0s",                                                      \
      "first packet at start + a uniform draw in [0, start_spread) (the flow's stream)", NULL, 0, \
      0 },                                                                                       \
    { "stop", SIM_PARAM_TIME, "0s", "no packet at or after (default: the duration)", NULL, 0, 0 }, \
    { "count", SIM_PARAM_UINT, "0", "at most this many packets (0: no limit)", NULL, 0, 0 },     \
    { "port", SIM_PARAM_UINT, "9", "destination UDP port", NULL, SIM_PARAM_RANGE(1, 65535) },    \
    { "traffic_class", SIM_PARAM_UINT, "0", "IPv6 traffic class", NULL, SIM_PARAM_RANGE(0, 255) }, \
    { "flow_label", SIM_PARAM_UINT, "0", "IPv6 flow label", NULL, SIM_PARAM_RANGE(0, 1048575) }, \
    { "hop_limit", SIM_PARAM_UINT, "64", "IPv6 hop limit of the packets", NULL,                  \
      SIM_PARAM_RANGE(1, 255) },                                                                 \
    { "fill_pmtu", SIM_PARAM_BOOL, "false",                                                       \
      "datagrams as large as the path MTU allows (size ignored; Packet Too Big teaches it)",      \
      NULL, 0, 0 }

static const SimParamSpec cbr_params[] = { FLOW_PARAMS };
static const SimParamSpec poisson_params[] = { FLOW_PARAMS };
static const SimParamSpec onoff_params[] = {
  FLOW_PARAMS,
  { "on", SIM_PARAM_TIME, "10ms", "mean on period", NULL, SIM_PARAM_AT_LEAST(1) },
  { "off", SIM_PARAM_TIME, "90ms", "mean off period", NULL, 0, 0 },
  { "shape", SIM_PARAM_DOUBLE, "0", "Pareto shape of the periods (> 1), 0: exponential", NULL, 0,
    0 },
};

static const SimParamSpec ping_params[] = {
  { "interval", SIM_PARAM_TIME, "1s", "time between echo requests", NULL, SIM_PARAM_AT_LEAST(1) },
  { "count", SIM_PARAM_UINT, "0", "requests (0: until the end)", NULL, 0, 0 },
  { "size", SIM_PARAM_SIZE, "56B", "echo data bytes", NULL, SIM_PARAM_RANGE(8, 65000) },
  { "start", SIM_PARAM_TIME, "0s", "first request", NULL, 0, 0 },
  { "hop_limit", SIM_PARAM_UINT, "64", "hop limit of the requests", NULL, SIM_PARAM_RANGE(1, 255) },
};

#define TOPO_COMMON                                                                              \
  { "prefix", SIM_PARAM_STRING, "", "prepended to the generated node names", NULL, 0, 0 }

static const SimParamSpec topo_n_params[] = {
  TOPO_COMMON,
  { "n", SIM_PARAM_UINT, NULL, "number of nodes", NULL, SIM_PARAM_RANGE(1, 10000000) },
};
static const SimParamSpec topo_grid_params[] = {
  TOPO_COMMON,
  { "rows", SIM_PARAM_UINT, NULL, "rows", NULL, SIM_PARAM_RANGE(1, 100000) },
  { "cols", SIM_PARAM_UINT, NULL, "columns", NULL, SIM_PARAM_RANGE(1, 100000) },
  { "edge_hosts", SIM_PARAM_BOOL, "false",
    "a host on each router of the first (l<row>) and last (h<row>) column", NULL, 0, 0 },
  { "host_rate", SIM_PARAM_RATE, "10Gbps", "rate of the host links", NULL, SIM_PARAM_AT_LEAST(1) },
  { "host_delay", SIM_PARAM_TIME, "1us", "delay of the host links", NULL, SIM_PARAM_AT_LEAST(1) },
};
static const SimParamSpec topo_lan_params[] = {
  TOPO_COMMON,
  { "hosts", SIM_PARAM_UINT, NULL, "hosts", NULL, SIM_PARAM_RANGE(1, 10000000) },
  { "per_switch", SIM_PARAM_UINT, "48", "hosts per access switch", NULL,
    SIM_PARAM_RANGE(1, 100000) },
  { "autoconf", SIM_PARAM_BOOL, "true", "hosts configure themselves (SLAAC)", NULL, 0, 0 },
  { "advertise", SIM_PARAM_BOOL, "true", "the router sends Router Advertisements", NULL, 0, 0 },
  { "iid", SIM_PARAM_ENUM, "eui64", "hosts' interface identifiers: eui64 or stable", iid_kinds,
    0, 0 },
  { "optimistic", SIM_PARAM_BOOL, "false", "hosts use optimistic DAD (RFC 4429)", NULL, 0, 0 },
  { "ra_min_interval", SIM_PARAM_TIME, "200s", "MinRtrAdvInterval", NULL, SIM_PARAM_AT_LEAST(1) },
  { "ra_max_interval", SIM_PARAM_TIME, "600s", "MaxRtrAdvInterval", NULL, SIM_PARAM_AT_LEAST(1) },
  { "boot_spread", SIM_PARAM_TIME, "0s",
    "hosts come up at uniformly random times in [0, boot_spread]", NULL, 0, 0 },
};
static const SimParamSpec topo_torus_params[] = {
  TOPO_COMMON,
  { "rows", SIM_PARAM_UINT, NULL, "rows", NULL, SIM_PARAM_RANGE(3, 100000) },
  { "cols", SIM_PARAM_UINT, NULL, "columns", NULL, SIM_PARAM_RANGE(3, 100000) },
};
static const SimParamSpec topo_tree_params[] = {
  TOPO_COMMON,
  { "depth", SIM_PARAM_UINT, NULL, "levels below the root", NULL, SIM_PARAM_RANGE(0, 64) },
  { "fanout", SIM_PARAM_UINT, NULL, "children per node", NULL, SIM_PARAM_RANGE(1, 100000) },
};
static const SimParamSpec topo_fattree_params[] = {
  TOPO_COMMON,
  { "k", SIM_PARAM_UINT, NULL, "ports per switch (even)", NULL, SIM_PARAM_RANGE(2, 256) },
};
static const SimParamSpec topo_waxman_params[] = {
  TOPO_COMMON,
  { "n", SIM_PARAM_UINT, NULL, "nodes", NULL, SIM_PARAM_RANGE(1, 10000000) },
  { "alpha", SIM_PARAM_DOUBLE, "0.4", "distance scale", NULL, SIM_PARAM_RANGE(1e-9, 1e9) },
  { "beta", SIM_PARAM_DOUBLE, "0.1", "link density", NULL, SIM_PARAM_RANGE(1e-9, 1) },
  { "connected", SIM_PARAM_BOOL, "true", "join the components", NULL, 0, 0 },
};
static const SimParamSpec topo_ba_params[] = {
  TOPO_COMMON,
  { "n", SIM_PARAM_UINT, NULL, "nodes", NULL, SIM_PARAM_RANGE(2, 10000000) },
  { "m", SIM_PARAM_UINT, "2", "links per new node", NULL, SIM_PARAM_RANGE(1, 1000) },
};
static const SimParamSpec topo_csv_params[] = {
  TOPO_COMMON,
  { "nodes", SIM_PARAM_STRING, "", "node table (CSV: name[,role,x,y,...]); empty: from links",
    NULL, 0, 0 },
  { "links", SIM_PARAM_STRING, NULL, "link table (CSV: a,b[,rate,delay,mtu,metric,...])", NULL, 0,
    0 },
};
static const SimParamSpec topo_graphml_params[] = {
  TOPO_COMMON,
  { "file", SIM_PARAM_STRING, NULL, "GraphML file (Internet Topology Zoo)", NULL, 0, 0 },
  { "speed_of_light", SIM_PARAM_DOUBLE, "200000",
    "km/s in fibre: with coordinates, link delay = length / this (0: use [defaults link])", NULL,
    SIM_PARAM_RANGE(0, 300000) },
};
/* Defaults as sim_topo_5g_config_init() (docs/topologies.md). */
#define TOPO_5G_TIER(t, what, rate, delay)                                                        \
  { t "_rate", SIM_PARAM_RATE, rate, "rate of the " what " links", NULL, SIM_PARAM_AT_LEAST(1) }, \
    { t "_delay", SIM_PARAM_TIME, delay, "delay of the " what " links", NULL, SIM_PARAM_AT_LEAST(1) }
static const SimParamSpec topo_5g_params[] = {
  TOPO_COMMON,
  { "cell_sites", SIM_PARAM_UINT, "768", "cell-site routers csr<d>_<p>_<r>_<i>", NULL,
    SIM_PARAM_RANGE(1, 10000000) },
  { "csr_per_ring", SIM_PARAM_UINT, "6", "cell-site routers per access ring", NULL,
    SIM_PARAM_RANGE(1, 100000) },
  { "rings_per_pair", SIM_PARAM_UINT, "8", "access rings per pre-aggregation pair", NULL,
    SIM_PARAM_RANGE(1, 100000) },
  { "pairs_per_domain", SIM_PARAM_UINT, "4", "pre-aggregation pairs per aggregation domain", NULL,
    SIM_PARAM_RANGE(1, 100000) },
  { "core_nodes", SIM_PARAM_UINT, "0",
    "core routers, even and >= 4 (0: 2 * ceil(domains / 4) between 4 and 16)", NULL,
    SIM_PARAM_RANGE(0, 100000) },
  { "central_dcs", SIM_PARAM_INT, "-1",
    "central data-centre routers cdc<i> (-1: max(2, core routers / 2))", NULL,
    SIM_PARAM_RANGE(-1, 100000) },
  TOPO_5G_TIER("access", "access ring", "25Gbps", "10us"),
  TOPO_5G_TIER("preagg", "pre-aggregation", "100Gbps", "100us"),
  TOPO_5G_TIER("agg", "aggregation and aggregation-core", "400Gbps", "250us"),
  TOPO_5G_TIER("core", "core", "400Gbps", "1ms"),
  TOPO_5G_TIER("edc", "edge data-centre", "100Gbps", "5us"),
  TOPO_5G_TIER("cdc", "central data-centre", "400Gbps", "5us"),
};

typedef enum {
  TOPO_LINE,
  TOPO_RING,
  TOPO_STAR,
  TOPO_GRID,
  TOPO_TORUS,
  TOPO_TREE,
  TOPO_FATTREE,
  TOPO_WAXMAN,
  TOPO_BA,
  TOPO_CSV,
  TOPO_GRAPHML,
  TOPO_LAN,
  TOPO_5G
} TopoKind;

typedef struct {
  SimTypeInfo info;
  TopoKind kind;
} TopoClass;

#define TYPE(n, k, s, p) { .name = n, .kind = k, .summary = s, .params = p, .n_params = G_N_ELEMENTS(p) }

static const TopoClass topo_classes[] = {
  { TYPE("topology.line", "topology", "a chain of n routers r0..r{n-1}", topo_n_params), TOPO_LINE },
  { TYPE("topology.ring", "topology", "a ring of n routers", topo_n_params), TOPO_RING },
  { TYPE("topology.star", "topology", "a hub and n leaves", topo_n_params), TOPO_STAR },
  { TYPE("topology.grid", "topology", "rows x cols routers r<row>_<col>, optional edge hosts",
         topo_grid_params),
    TOPO_GRID },
  { TYPE("topology.torus", "topology", "a grid with wrap-around links", topo_torus_params),
    TOPO_TORUS },
  { TYPE("topology.tree", "topology", "a balanced tree", topo_tree_params), TOPO_TREE },
  { TYPE("topology.fat-tree", "topology", "k-ary fat tree (Al-Fares 2008) with hosts",
         topo_fattree_params),
    TOPO_FATTREE },
  { TYPE("topology.waxman", "topology", "Waxman random graph in the unit square",
         topo_waxman_params),
    TOPO_WAXMAN },
  { TYPE("topology.ba", "topology", "Barabasi-Albert preferential attachment", topo_ba_params),
    TOPO_BA },
  { TYPE("topology.csv", "topology", "node and link tables from CSV files", topo_csv_params),
    TOPO_CSV },
  { TYPE("topology.graphml", "topology", "a GraphML file (Internet Topology Zoo)",
         topo_graphml_params),
    TOPO_GRAPHML },
  { TYPE("topology.lan", "topology",
         "switched access network: router gw, switch core, access switches, hosts h<i>",
         topo_lan_params),
    TOPO_LAN },
  { TYPE("topology.5g", "topology",
         "5G mobile transport: CSR access rings, pre-agg pairs, agg domains, core, DCs",
         topo_5g_params),
    TOPO_5G },
};

static const SimTypeInfo fixed_types[] = {
  TYPE("scenario.simulation", "scenario", "[simulation]: run length, seed, replications",
       simulation_params),
  TYPE("scenario.output", "scenario", "[output]: pcap capture and result precision", output_params),
  TYPE("scenario.addressing", "scenario", "[addressing]: the automatic IPv6 address plan",
       addressing_params),
  TYPE("scenario.routing", "scenario", "[routing]: route computation", routing_params),
  TYPE("node.node", "node", "[node NAME]: a router or host", node_params),
  TYPE("link.p2p", "link", "[link NAME] a = NODE, b = NODE: full-duplex point-to-point link",
       link_params),
  TYPE("route.static", "route", "[route NAME]: a static route", route_params),
  TYPE("app.ping", "app", "[ping NAME] src = NODE, dst = NODE: ICMPv6 echo, RTT statistics",
       ping_params),
};

static SimQdisc *
droptail_create(const SimParams *p, GError **error)
{
  uint32_t packets = (uint32_t)sim_params_get_uint(p, "packets");
  uint64_t bytes = sim_params_get_size(p, "bytes");
  if (packets == 0 && bytes == 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "queue_packets and queue_bytes are both 0: the queue needs a limit");
    return NULL;
  }
  return sim_qdisc_droptail_new(packets, bytes);
}

static const SimQdiscType droptail_type = {
  TYPE("qdisc.droptail", "qdisc",
       "drop-tail FIFO; in [link] sections: queue = droptail, queue_packets, queue_bytes",
       droptail_params),
  droptail_create,
};

static gboolean traffic_create(SimNet *net, const char *name, SimNode *src, SimNode *dst,
                               const SimIp6Addr *dst_addr, const SimParams *params,
                               GError **error);

static const SimAppClass traffic_classes[] = {
  { TYPE("app.cbr", "app", "[flow NAME] app = cbr: constant bit rate UDP", cbr_params),
    traffic_create },
  { TYPE("app.poisson", "app", "[flow NAME] app = poisson: Poisson arrivals", poisson_params),
    traffic_create },
  { TYPE("app.onoff", "app", "[flow NAME] app = onoff: CBR bursts, exponential or Pareto periods",
         onoff_params),
    traffic_create },
};

SimRegistry *
sim_net_registry_new(void)
{
  SimRegistry *reg = sim_registry_new();
  GError *e = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(fixed_types); i++)
    if (!sim_registry_add(reg, &fixed_types[i], &e))
      break;
  for (size_t i = 0; !e && i < G_N_ELEMENTS(topo_classes); i++)
    sim_registry_add(reg, &topo_classes[i].info, &e);
  for (size_t i = 0; !e && i < G_N_ELEMENTS(traffic_classes); i++)
    sim_registry_add(reg, &traffic_classes[i].info, &e);
  for (size_t i = 0; !e && i < sim__srv6_scenario_n_types; i++)
    sim_registry_add(reg, &sim__srv6_scenario_types[i], &e);
  for (size_t i = 0; !e && i < sim__slice_scenario_n_types; i++)
    sim_registry_add(reg, &sim__slice_scenario_types[i], &e);
  if (!e)
    sim_registry_add(reg, &droptail_type.info, &e);
  if (!e)
    sim__qos_register_schedulers(reg, &e);
  for (size_t i = 0; !e && i < sim__qos_meter_n_types; i++)
    sim_net_registry_add_qdisc(reg, &sim__qos_meter_types[i], &e);
  if (e) {
    /* the built-in tables are constant: this is a programming error */
    g_critical("built-in type refused: %s", e->message);
    g_error_free(e);
  }
  return reg;
}

gboolean
sim_net_registry_add_qdisc(SimRegistry *reg, const SimQdiscType *type, GError **error)
{
  g_return_val_if_fail(reg && type && type->create, FALSE);
  if (g_strcmp0(type->info.kind, "qdisc") != 0 || !g_str_has_prefix(type->info.name, "qdisc.")) {
    g_set_error(error, SIM_REGISTRY_ERROR, 0, "%s: a queue discipline type is named qdisc.NAME",
                type->info.name);
    return FALSE;
  }
  return sim_registry_add(reg, &type->info, error);
}

gboolean
sim_net_registry_add_app(SimRegistry *reg, const SimAppClass *cls, GError **error)
{
  g_return_val_if_fail(reg && cls && cls->create, FALSE);
  if (g_strcmp0(cls->info.kind, "app") != 0 || !g_str_has_prefix(cls->info.name, "app.")) {
    g_set_error(error, SIM_REGISTRY_ERROR, 0, "%s: an application type is named app.NAME",
                cls->info.name);
    return FALSE;
  }
  return sim_registry_add(reg, &cls->info, error);
}

/* ---- the run ----------------------------------------------------------------------- */

void
sim_net_run_free(SimNetRun *run)
{
  if (!run)
    return;
  if (run->manifest_extra)
    g_string_free(run->manifest_extra, TRUE);
  g_free(run->given_rank);
  g_free(run->given_where);
  for (guint i = 0; run->captures && i < run->captures->len; i++) {
    Capture *c = &g_array_index(run->captures, Capture, i);
    if (c->w)
      sim_pcap_writer_abort(c->w);
    g_free(c->path);
  }
  if (run->captures)
    g_array_unref(run->captures);
  if (run->link_metric)
    g_array_unref(run->link_metric);
  if (run->link_te)
    g_array_unref(run->link_te);
  if (run->link_affinity)
    g_ptr_array_unref(run->link_affinity);
  if (run->slices)
    g_hash_table_unref(run->slices);
  if (run->queue_sampler)
    run->queue_sampler_free(run->queue_sampler);
  sim__ts_free(run->timeseries);
  if (run->vrfs) {
    for (guint i = 0; i < run->vrfs->len; i++)
      g_free(g_array_index(run->vrfs, SimNetVrf, i).name);
    g_array_unref(run->vrfs);
  }
  if (run->node_sections) {
    for (guint i = 0; i < run->node_sections->len; i++)
      sim_params_free(g_array_index(run->node_sections, NodeSection, i).params);
    g_array_unref(run->node_sections);
  }
  if (run->expects)
    g_ptr_array_unref(run->expects);
  sim_net_free(run->net);
  sim_context_free(run->ctx);
  g_ptr_array_unref(run->warnings);
  g_free(run);
}

SimNet *
sim_net_run_net(const SimNetRun *run)
{
  return run->net;
}

SimContext *
sim_net_run_context(const SimNetRun *run)
{
  return run->ctx;
}

SimTime
sim_net_run_end(const SimNetRun *run)
{
  return run->duration + run->drain;
}

uint32_t
sim_net_run_seed(const SimNetRun *run)
{
  return run->seed;
}

const char *const *
sim_net_run_warnings(const SimNetRun *run)
{
  return (const char *const *)run->warnings->pdata;
}

const SimExpect *const *
sim_net_run_expectations(const SimNetRun *run, guint *n)
{
  g_return_val_if_fail(run != NULL, NULL);
  if (n)
    *n = run->expects->len;
  return (const SimExpect *const *)run->expects->pdata;
}

gboolean
sim__ns_fail(GError **error, SimScenarioSection *sec, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  sim__ns_failv(error, sec, key, fmt, ap);
  va_end(ap);
  return FALSE;
}

gboolean
sim__ns_failv(GError **error, SimScenarioSection *sec, const char *key, const char *fmt,
              va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  g_autofree char *w = where(sec, key);
  if (key)
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] %s: %s", w,
                sim_scenario_section_header(sec), key, msg);
  else
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] %s", w,
                sim_scenario_section_header(sec), msg);
  return FALSE;
}

void
sim__ns_warn(SimNetRun *run, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_ptr_array_insert(run->warnings, (gint)run->warnings->len - 1, msg);
}

/* "FILE:LINE" of @key in @sec (or of the section). */
char *
sim__ns_where(SimScenarioSection *sec, const char *key)
{
  SimScenarioOrigin o;
  if (key && sim_scenario_section_peek(sec, key, &o))
    return g_strdup(o.where);
  sim_scenario_section_origin(sec, &o);
  return g_strdup(o.where);
}

SimNode *
sim__ns_node_ref(SimNetRun *run, SimScenarioSection *sec, const char *key, const char *name, GError **error)
{
  SimNode *n = sim_net_find_node(run->net, name);
  if (!n) {
    g_autofree char *w = where(sec, key);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] %s: unknown node '%s' (declare it in a [node %s] section or a topology)",
                w, sim_scenario_section_header(sec), key, name, name);
  }
  return n;
}

const char *
sim__ns_structural(SimScenarioSection *sec, const char *key, GError **error)
{
  const char *v = sim_scenario_section_get(sec, key, NULL);
  if (!v || !*v) {
    g_autofree char *w = where(sec, NULL);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY,
                "%s: [%s] needs '%s = ...'", w, sim_scenario_section_header(sec), key);
    return NULL;
  }
  return v;
}

/* ---- links ----------------------------------------------------------------------------- */

static void
link_config_from_params(SimLinkConfig *c, const SimParams *p)
{
  sim_link_config_init(c);
  c->rate_bps = sim_params_get_rate(p, "rate");
  c->delay = sim_params_get_time(p, "delay");
  c->mtu = (uint32_t)sim_params_get_size(p, "mtu");
  c->framing = (SimFraming)sim_params_get_enum(p, "framing");
  c->loss = sim_params_get_ratio(p, "loss");
  c->ge_p = sim_params_get_ratio(p, "ge_p");
  c->ge_r = sim_params_get_ratio(p, "ge_r");
  c->ge_loss_bad = sim_params_get_ratio(p, "ge_loss_bad");
  c->ge_loss_good = sim_params_get_ratio(p, "ge_loss_good");
}

/* The queue of a link: its type (the link's `queue` key) and parameters
 * (the section's keys queue_PARAM, @sec may be NULL for none). */
typedef struct {
  const SimQdiscType *type;
  SimParams *params;
} QueueSpec;

static void
queue_spec_clear(QueueSpec *q)
{
  g_clear_pointer(&q->params, sim_params_free);
}

static gboolean
queue_spec_parse(SimNetRun *run, SimScenarioSection *sec, const char *type, QueueSpec *q,
                 GError **error)
{
  q->params = NULL;
  q->type = (const SimQdiscType *)sim_registry_lookup_kind(run->reg, "qdisc", type);
  g_autofree char *w = sec ? where(sec, "queue") : g_strdup("[defaults link]");
  if (!q->type) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: queue: unknown queue discipline '%s' (see ipesim list, kind qdisc)", w, type);
    return FALSE;
  }
  GPtrArray *assign = g_ptr_array_new_with_free_func(g_free);
  if (sec) {
    g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
    for (const char **k = keys; *k; k++)
      if (g_str_has_prefix(*k, "queue_"))
        g_ptr_array_add(assign, g_strdup_printf("%s=%s", *k + 6,
                                                sim_scenario_section_get(sec, *k, NULL)));
  }
  g_ptr_array_add(assign, NULL);
  GError *e = NULL;
  q->params = sim_params_parse_strv(&q->type->info, (const char *const *)assign->pdata, &e);
  g_ptr_array_unref(assign);
  if (!q->params) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w, e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* Applies @q to a link: drop-tail through the link configuration, other
 * disciplines by replacing both ends' queues. */
static gboolean
queue_apply_config(const QueueSpec *q, SimLinkConfig *c)
{
  if (q->type != &droptail_type)
    return TRUE;
  c->queue_packets = (uint32_t)sim_params_get_uint(q->params, "packets");
  c->queue_bytes = sim_params_get_size(q->params, "bytes");
  return TRUE;
}

static gboolean
queue_apply_link(const QueueSpec *q, SimLink *l, const char *what, GError **error)
{
  if (q->type == &droptail_type)
    return TRUE;
  for (unsigned e = 0; e < 2; e++) {
    GError *err = NULL;
    SimQdisc *qd = q->type->create(q->params, &err);
    if (!qd) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", what,
                  err->message);
      g_error_free(err);
      return FALSE;
    }
    sim_iface_set_qdisc(sim_link_end(l, e), qd);
  }
  return TRUE;
}

/* Link parameters for generated links: [defaults link] if present. */
/* Keys of @sec that sim_params_parse() must leave alone: the structural
 * ones and the queue's parameters. */
static GPtrArray *
link_ignore_keys(SimScenarioSection *sec)
{
  GPtrArray *ignore = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(ignore, g_strdup("a"));
  g_ptr_array_add(ignore, g_strdup("b"));
  g_ptr_array_add(ignore, g_strdup("type"));
  if (sec) {
    g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
    for (const char **k = keys; *k; k++)
      if (g_str_has_prefix(*k, "queue_"))
        g_ptr_array_add(ignore, g_strdup(*k));
  }
  g_ptr_array_add(ignore, NULL);
  return ignore;
}

static SimParams *
default_link_params(SimNetRun *run, QueueSpec *q, GError **error)
{
  const SimTypeInfo *info = sim_registry_lookup(run->reg, "link.p2p");
  SimScenarioSection *d = sim_scenario_get_section(run->sc, "defaults link");
  SimParams *p;
  if (d) {
    g_autoptr(GPtrArray) ignore = link_ignore_keys(d);
    p = sim_params_parse(info, d, (const char *const *)ignore->pdata, error);
  } else {
    p = sim_params_parse_strv(info, NULL, error);
  }
  if (p && !queue_spec_parse(run, d, sim_params_get_string(p, "queue"), q, error))
    g_clear_pointer(&p, sim_params_free);
  return p;
}

static SimLink *
add_link(SimNetRun *run, SimNode *a, SimNode *b, const SimLinkConfig *c, uint32_t metric,
         const char *name, GError **error)
{
  SimLink *l = sim_link_new(run->net, a, b, c, name, error);
  if (l) {
    g_array_append_val(run->link_metric, metric);
    uint32_t te = 0;
    g_array_append_val(run->link_te, te);
    g_ptr_array_add(run->link_affinity, NULL);
  }
  return l;
}

/* TE metric and affinity names (comma separated, NULL: none) of link @l. */
static void
set_link_te(SimNetRun *run, SimLink *l, uint32_t te, const char *const *names, const char *more)
{
  g_array_index(run->link_te, uint32_t, sim_link_index(l)) = te;
  GString *a = g_string_new(NULL);
  for (const char *const *x = names; x && *x; x++)
    if (**x)
      g_string_append_printf(a, "%s%s", a->len ? "," : "", *x);
  if (more && *more)
    g_string_append_printf(a, "%s%s", a->len ? "," : "", more);
  char **slot = (char **)&g_ptr_array_index(run->link_affinity, sim_link_index(l));
  g_free(*slot);
  *slot = a->len ? g_string_free(a, FALSE) : (g_string_free(a, TRUE), NULL);
}

/* ---- topologies ----------------------------------------------------------------------- */

static gboolean
apply_topo_link_attrs(SimTopo *t, int link, SimLinkConfig *c, uint32_t *metric, const char *what,
                      GError **error)
{
  const char *v;
  GError *e = NULL;
  if ((v = sim_topo_link_get_attr(t, link, "rate")) && !sim_units_parse_rate(v, &c->rate_bps, &e))
    goto bad;
  if (!sim_topo_link_get_attr(t, link, "rate") &&
      (v = sim_topo_link_get_attr(t, link, "LinkSpeedRaw"))) {
    /* Topology Zoo: the link speed in bit/s as a decimal number */
    double bps;
    if (!sim_units_parse_double(v, &bps, &e))
      goto bad;
    if (bps >= 1 && bps < 1e15)
      c->rate_bps = (uint64_t)bps;
  }
  if ((v = sim_topo_link_get_attr(t, link, "delay")) && !sim_time_parse(v, &c->delay, &e))
    goto bad;
  if ((v = sim_topo_link_get_attr(t, link, "mtu"))) {
    uint64_t m;
    if (!sim_units_parse_size(v, &m, &e))
      goto bad;
    c->mtu = (uint32_t)MIN(m, 65535);
  }
  if ((v = sim_topo_link_get_attr(t, link, "metric"))) {
    uint64_t m;
    if (!sim_units_parse_uint(v, &m, &e))
      goto bad;
    *metric = (uint32_t)CLAMP(m, 1, UINT32_MAX);
  }
  if ((v = sim_topo_link_get_attr(t, link, "loss")) && !sim_units_parse_ratio(v, &c->loss, &e))
    goto bad;
  return TRUE;
bad:
  v = sim_topo_link_get_attr(t, link, SIM_TOPO_ATTR_LINE);
  g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s%s%s: link %s-%s: %s", what,
              v ? ":" : "", v ? v : "", sim_topo_node_name(t, sim_topo_link_a(t, link)),
              sim_topo_node_name(t, sim_topo_link_b(t, link)), e->message);
  g_error_free(e);
  return FALSE;
}

static char *
resolve_path(SimScenarioSection *sec, const char *key, const char *value)
{
  if (g_path_is_absolute(value))
    return g_strdup(value);
  SimScenarioOrigin o;
  sim_scenario_section_peek(sec, key, &o);
  if (!o.file)
    return g_strdup(value);
  g_autofree char *dir = g_path_get_dirname(o.file);
  return g_build_filename(dir, value, NULL);
}

static gboolean
build_topology(SimNetRun *run, SimScenarioSection *sec, GError **error)
{
  static const char *const ignore[] = { "type", NULL };
  const char *type = structural(sec, "type", error);
  if (!type)
    return FALSE;
  g_autofree char *tname = g_strdup_printf("topology.%s", type);
  const SimTypeInfo *info = sim_registry_lookup(run->reg, tname);
  if (!info) {
    g_autofree char *w = where(sec, "type");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] type: unknown topology '%s' (expected line, ring, star, grid, torus, "
                "tree, fat-tree, waxman, ba, lan, 5g, csv or graphml)",
                w, sim_scenario_section_header(sec), type);
    return FALSE;
  }
  const TopoClass *tc = (const TopoClass *)info;
  g_autoptr(SimParams) p = sim_params_parse(info, sec, ignore, error);
  if (!p)
    return FALSE;
  GError *e = NULL;
  SimTopo *t = NULL;
  SimRng rng;
  SimEntity topo_ent;
  sim_entity_init(run->ctx, &topo_ent);
  sim_rng_init_entity(&rng, run->ctx, &topo_ent, 0);
  g_autofree char *file_path = NULL;
  switch (tc->kind) {
  case TOPO_LINE:
    t = sim_topo_gen_line((int)sim_params_get_uint(p, "n"), &e);
    break;
  case TOPO_RING:
    t = sim_topo_gen_ring((int)sim_params_get_uint(p, "n"), &e);
    break;
  case TOPO_STAR:
    t = sim_topo_gen_star((int)sim_params_get_uint(p, "n"), &e);
    break;
  case TOPO_GRID:
    t = sim_topo_gen_grid((int)sim_params_get_uint(p, "rows"), (int)sim_params_get_uint(p, "cols"),
                          &e);
    break;
  case TOPO_TORUS:
    t = sim_topo_gen_torus((int)sim_params_get_uint(p, "rows"),
                           (int)sim_params_get_uint(p, "cols"), &e);
    break;
  case TOPO_TREE:
    t = sim_topo_gen_tree((int)sim_params_get_uint(p, "depth"),
                          (int)sim_params_get_uint(p, "fanout"), &e);
    break;
  case TOPO_FATTREE:
    t = sim_topo_gen_fat_tree((int)sim_params_get_uint(p, "k"), &e);
    break;
  case TOPO_WAXMAN:
    t = sim_topo_gen_waxman((int)sim_params_get_uint(p, "n"), sim_params_get_double(p, "alpha"),
                            sim_params_get_double(p, "beta"), sim_params_get_bool(p, "connected"),
                            &rng, &e);
    break;
  case TOPO_BA:
    t = sim_topo_gen_barabasi_albert((int)sim_params_get_uint(p, "n"),
                                     (int)sim_params_get_uint(p, "m"), &rng, &e);
    break;
  case TOPO_CSV: {
    const char *nodes = sim_params_get_string(p, "nodes");
    g_autofree char *np = *nodes ? resolve_path(sec, "nodes", nodes) : NULL;
    file_path = resolve_path(sec, "links", sim_params_get_string(p, "links"));
    t = sim_topo_import_csv(np, file_path, &e);
    break;
  }
  case TOPO_GRAPHML:
    file_path = resolve_path(sec, "file", sim_params_get_string(p, "file"));
    t = sim_topo_import_graphml(file_path, &e);
    break;
  case TOPO_LAN:
    t = sim_topo_gen_lan((int)sim_params_get_uint(p, "hosts"),
                         (int)sim_params_get_uint(p, "per_switch"), &e);
    break;
  case TOPO_5G: {
    SimTopo5gConfig cfg;
    sim_topo_5g_config_init(&cfg);
    cfg.cell_sites = (int)sim_params_get_uint(p, "cell_sites");
    cfg.csr_per_ring = (int)sim_params_get_uint(p, "csr_per_ring");
    cfg.rings_per_pair = (int)sim_params_get_uint(p, "rings_per_pair");
    cfg.pairs_per_domain = (int)sim_params_get_uint(p, "pairs_per_domain");
    cfg.core_nodes = (int)sim_params_get_uint(p, "core_nodes");
    cfg.central_dcs = (int)sim_params_get_int(p, "central_dcs");
    cfg.access_rate = sim_params_get_rate(p, "access_rate");
    cfg.access_delay = sim_params_get_time(p, "access_delay");
    cfg.preagg_rate = sim_params_get_rate(p, "preagg_rate");
    cfg.preagg_delay = sim_params_get_time(p, "preagg_delay");
    cfg.agg_rate = sim_params_get_rate(p, "agg_rate");
    cfg.agg_delay = sim_params_get_time(p, "agg_delay");
    cfg.core_rate = sim_params_get_rate(p, "core_rate");
    cfg.core_delay = sim_params_get_time(p, "core_delay");
    cfg.edc_rate = sim_params_get_rate(p, "edc_rate");
    cfg.edc_delay = sim_params_get_time(p, "edc_delay");
    cfg.cdc_rate = sim_params_get_rate(p, "cdc_rate");
    cfg.cdc_delay = sim_params_get_time(p, "cdc_delay");
    t = sim_topo_gen_5g(&cfg, &e);
    break;
  }
  }
  if (!t) {
    g_autofree char *w = where(sec, NULL);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s]: %s", w,
                sim_scenario_section_header(sec), e->message);
    g_error_free(e);
    return FALSE;
  }
  QueueSpec qs = { NULL, NULL };
  g_autoptr(SimParams) lp = default_link_params(run, &qs, error);
  if (!lp) {
    sim_topo_free(t);
    return FALSE;
  }
  const char *prefix = sim_params_get_string(p, "prefix");
  int nn = sim_topo_n_nodes(t);
  SimNode **map = g_new(SimNode *, nn);
  gboolean ok = TRUE;
  for (int i = 0; i < nn && ok; i++) {
    g_autofree char *name = g_strconcat(prefix, sim_topo_node_name(t, i), NULL);
    const char *role = sim_topo_node_role(t, i);
    map[i] = g_strcmp0(role, "switch") == 0
               ? sim_switch_new(run->net, name, &e)
               : sim_node_new(run->net, name, g_strcmp0(role, "host") != 0, &e);
    if (!map[i]) {
      g_autofree char *w = where(sec, NULL);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s]: %s", w,
                  sim_scenario_section_header(sec), e->message);
      g_clear_error(&e);
      ok = FALSE;
    }
  }
  double c_km_s = tc->kind == TOPO_GRAPHML ? sim_params_get_double(p, "speed_of_light") : 0;
  for (int l = 0; ok && l < sim_topo_n_links(t); l++) {
    SimLinkConfig c;
    link_config_from_params(&c, lp);
    queue_apply_config(&qs, &c);
    if (sim_node_is_switch(map[sim_topo_link_a(t, l)]) ||
        sim_node_is_switch(map[sim_topo_link_b(t, l)]))
      c.framing = SIM_FRAMING_ETHERNET; /* a switch port is Ethernet */
    uint32_t metric = (uint32_t)sim_params_get_uint(lp, "metric");
    double km;
    if (c_km_s > 0 && sim_topo_link_length_km(t, l, &km) && km > 0)
      c.delay = MAX(SIM_NS(1), sim_time_from_seconds(km / c_km_s));
    g_autofree char *what = file_path ? g_strdup(file_path) : where(sec, NULL);
    if (!apply_topo_link_attrs(t, l, &c, &metric, what, error)) {
      ok = FALSE;
      break;
    }
    SimLink *lk = add_link(run, map[sim_topo_link_a(t, l)], map[sim_topo_link_b(t, l)], &c,
                           metric, NULL, &e);
    if (lk) {
      /* affinities: [defaults link] ones, the link's affinity and tier attributes */
      uint32_t te = (uint32_t)sim_params_get_uint(lp, "te_metric");
      const char *v = sim_topo_link_get_attr(t, l, "te_metric");
      uint64_t tv;
      if (v && sim_units_parse_uint(v, &tv, NULL))
        te = (uint32_t)MIN(tv, UINT32_MAX);
      const char *aff = sim_topo_link_get_attr(t, l, "affinity");
      const char *tier = sim_topo_link_get_attr(t, l, "tier");
      g_autofree char *more = g_strjoin(",", aff ? aff : "", tier ? tier : "", NULL);
      set_link_te(run, lk, te, sim_params_get_list(lp, "affinity"), more[0] == ',' ? more + 1 : more);
    }
    if (!lk) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", what, e->message);
      g_clear_error(&e);
      ok = FALSE;
    } else if (!queue_apply_link(&qs, lk, what, error)) {
      ok = FALSE;
    }
  }
  if (ok && tc->kind == TOPO_GRID && sim_params_get_bool(p, "edge_hosts")) {
    /* hosts l<r> on column 0 and h<r> on the last column, links created per
     * row: l<r> first, then h<r> (as the ns-3 grid reference) */
    int rows = (int)sim_params_get_uint(p, "rows"), cols = (int)sim_params_get_uint(p, "cols");
    SimLinkConfig c;
    link_config_from_params(&c, lp);
    queue_apply_config(&qs, &c);
    c.rate_bps = sim_params_get_rate(p, "host_rate");
    c.delay = sim_params_get_time(p, "host_delay");
    for (int r = 0; ok && r < rows; r++) {
      for (int side = 0; ok && side < 2; side++) {
        g_autofree char *hn = g_strdup_printf("%s%c%d", prefix, side ? 'h' : 'l', r);
        SimNode *h = sim_node_new(run->net, hn, FALSE, &e);
        SimNode *rt = map[r * cols + (side ? cols - 1 : 0)];
        SimLink *hl = h ? add_link(run, h, rt, &c, 1, NULL, &e) : NULL;
        if (hl && !queue_apply_link(&qs, hl, hn, error)) {
          ok = FALSE;
        } else if (!hl) {
          g_autofree char *w = where(sec, NULL);
          g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w,
                      e->message);
          g_clear_error(&e);
          ok = FALSE;
        }
      }
    }
  }
  if (ok && tc->kind == TOPO_LAN) {
    /* the router advertises, the hosts autoconfigure */
    const SimTypeInfo *ninfo = sim_registry_lookup(run->reg, "node.node");
    g_autofree char *rmin = g_strdup_printf("ra_min_interval=%" G_GINT64_FORMAT "ps",
                                            sim_params_get_time(p, "ra_min_interval"));
    g_autofree char *rmax = g_strdup_printf("ra_max_interval=%" G_GINT64_FORMAT "ps",
                                            sim_params_get_time(p, "ra_max_interval"));
    g_autofree char *iid = g_strdup_printf("iid=%s", iid_kinds[sim_params_get_enum(p, "iid")]);
    g_autofree char *boot = g_strdup_printf("boot_spread=%" G_GINT64_FORMAT "ps",
                                            sim_params_get_time(p, "boot_spread"));
    const char *optimistic =
      sim_params_get_bool(p, "optimistic") ? "optimistic=true" : "optimistic=false";
    for (int i = 0; ok && i < nn; i++) {
      const char *role = sim_topo_node_role(t, i);
      bool host = g_strcmp0(role, "host") == 0, router = g_strcmp0(role, "router") == 0;
      if ((host && !sim_params_get_bool(p, "autoconf")) ||
          (router && !sim_params_get_bool(p, "advertise")) || (!host && !router))
        continue;
      const char *assign[] = { host ? "type=host" : "type=router",
                               host ? "autoconf=true" : "advertise=true", rmin, rmax, iid,
                               host ? boot : NULL, host ? optimistic : NULL, NULL };
      NodeSection ns = { map[i], sim_params_parse_strv(ninfo, assign, error) };
      if (!ns.params) {
        ok = FALSE;
        break;
      }
      g_array_append_val(run->node_sections, ns);
    }
  }
  g_free(map);
  queue_spec_clear(&qs);
  sim_topo_free(t);
  return ok;
}

/* ---- nodes, links, routes --------------------------------------------------------------- */

static gboolean
build_node(SimNetRun *run, SimScenarioSection *sec, GError **error)
{
  const SimTypeInfo *info = sim_registry_lookup(run->reg, "node.node");
  g_autoptr(SimParams) p = sim_params_parse(info, sec, NULL, error);
  if (!p)
    return FALSE;
  const char *name = sim_scenario_section_name(sec);
  guint type = sim_params_get_enum(p, "type");
  gboolean router = type == 0;
  SimNode *n = sim_net_find_node(run->net, name);
  GError *e = NULL;
  if (n) {
    if (sim_node_is_switch(n) != (type == 2) ||
        (type != 2 && sim_node_is_forwarding(n) != router)) {
      g_autofree char *w = where(sec, "type");
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: [%s] type: node '%s' already exists as a %s", w,
                  sim_scenario_section_header(sec), name,
                  sim_node_is_switch(n)       ? "switch"
                  : sim_node_is_forwarding(n) ? "router"
                                              : "host");
      return FALSE;
    }
  } else {
    n = type == 2 ? sim_switch_new(run->net, name, &e) : sim_node_new(run->net, name, router, &e);
    if (!n) {
      g_autofree char *w = where(sec, NULL);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w, e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  if (type == 2) {
    if (sim_params_is_set(p, "address") || sim_params_get_bool(p, "advertise") ||
        sim_params_get_bool(p, "autoconf")) {
      g_autofree char *w = where(sec, NULL);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: [%s]: a switch has no IPv6 addresses, advertisements or autoconfiguration",
                  w, sim_scenario_section_header(sec));
      return FALSE;
    }
    return TRUE;
  }
  if ((router && sim_params_get_bool(p, "autoconf")) ||
      (!router && sim_params_get_bool(p, "advertise"))) {
    g_autofree char *w = where(sec, router ? "autoconf" : "advertise");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s]: routers advertise, hosts autoconfigure", w,
                sim_scenario_section_header(sec));
    return FALSE;
  }
  if (sim_params_get_time(p, "ra_max_interval") < sim_params_get_time(p, "ra_min_interval")) {
    g_autofree char *w = where(sec, "ra_max_interval");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] ra_max_interval: expected at least ra_min_interval", w,
                sim_scenario_section_header(sec));
    return FALSE;
  }
  SimIp6 *ip = sim_ip6_install(n);
  for (const char *const *a = sim_params_get_list(p, "address"); a && *a; a++) {
    SimIp6Prefix pf;
    gboolean ok = strchr(*a, '/') ? sim_ip6_prefix_parse(*a, &pf, TRUE, &e)
                                  : (pf.len = 128, sim_ip6_addr_parse(*a, &pf.addr, &e));
    if (ok && strchr(*a, '/')) {
      /* keep the host bits: ADDR/LEN names an address */
      char *slash = strchr(*a, '/');
      g_autofree char *addr = g_strndup(*a, (gsize)(slash - *a));
      ok = sim_ip6_addr_parse(addr, &pf.addr, &e);
    }
    if (!ok || !sim_ip6_add_address(ip, NULL, &pf.addr, 128, &e)) {
      g_autofree char *w = where(sec, "address");
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] address: %s", w,
                  sim_scenario_section_header(sec), e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  NodeSection ns = { n, g_steal_pointer(&p) };
  g_array_append_val(run->node_sections, ns);
  return TRUE;
}

static gboolean
end_address(SimNetRun *run, SimScenarioSection *sec, const char *key, const char *value,
            SimIface *ifc, GError **error)
{
  if (!*value)
    return TRUE;
  GError *e = NULL;
  const char *slash = strchr(value, '/');
  SimIp6Addr a;
  SimIp6Prefix pf;
  gboolean ok = slash != NULL;
  if (ok) {
    g_autofree char *addr = g_strndup(value, (gsize)(slash - value));
    ok = sim_ip6_addr_parse(addr, &a, &e) && sim_ip6_prefix_parse(value, &pf, TRUE, &e);
  } else {
    g_set_error(&e, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s': expected ADDR/LEN such as 2001:db8:1::1/64", value);
  }
  if (ok)
    ok = sim_ip6_add_address(sim_ip6_install(sim_iface_node(ifc)), ifc, &a, pf.len, &e);
  if (!ok) {
    g_autofree char *w = where(sec, key);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] %s: %s", w,
                sim_scenario_section_header(sec), key, e->message);
    g_error_free(e);
  }
  (void)run;
  return ok;
}

typedef struct {
  SimLink *link;
  SimScenarioSection *sec;
  SimParams *params;
} LinkSection;

static gboolean
build_link(SimNetRun *run, SimScenarioSection *sec, GArray *later, GError **error)
{
  const char *type = sim_scenario_section_get(sec, "type", NULL);
  if (type && strcmp(type, "p2p") != 0) {
    g_autofree char *w = where(sec, "type");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] type: unknown link type '%s' (expected p2p)", w,
                sim_scenario_section_header(sec), type);
    return FALSE;
  }
  const char *an = structural(sec, "a", error);
  const char *bn = an ? structural(sec, "b", error) : NULL;
  if (!bn)
    return FALSE;
  SimNode *a = node_ref(run, sec, "a", an, error);
  SimNode *b = a ? node_ref(run, sec, "b", bn, error) : NULL;
  if (!b)
    return FALSE;
  g_autoptr(GPtrArray) ignore = link_ignore_keys(sec);
  SimParams *p = sim_params_parse(sim_registry_lookup(run->reg, "link.p2p"), sec,
                                  (const char *const *)ignore->pdata, error);
  if (!p)
    return FALSE;
  QueueSpec qs;
  if (!queue_spec_parse(run, sec, sim_params_get_string(p, "queue"), &qs, error)) {
    sim_params_free(p);
    return FALSE;
  }
  SimLinkConfig c;
  link_config_from_params(&c, p);
  queue_apply_config(&qs, &c);
  if ((sim_node_is_switch(a) || sim_node_is_switch(b)) && !sim_params_is_set(p, "framing"))
    c.framing = SIM_FRAMING_ETHERNET; /* a switch port is Ethernet */
  GError *e = NULL;
  SimLink *l = add_link(run, a, b, &c, (uint32_t)sim_params_get_uint(p, "metric"),
                        sim_scenario_section_name(sec), &e);
  if (l)
    set_link_te(run, l, (uint32_t)sim_params_get_uint(p, "te_metric"),
                sim_params_get_list(p, "affinity"), NULL);
  g_autofree char *w = where(sec, NULL);
  if (l && !queue_apply_link(&qs, l, w, error)) {
    queue_spec_clear(&qs);
    sim_params_free(p);
    return FALSE;
  }
  queue_spec_clear(&qs);
  if (!l) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w, e->message);
    g_error_free(e);
    sim_params_free(p);
    return FALSE;
  }
  LinkSection ls = { l, sec, p };
  g_array_append_val(later, ls);
  return TRUE;
}

static gboolean
schedule_link_events(LinkSection *ls, GError **error)
{
  static const char *const keys[] = { "down_at", "up_at" };
  for (int k = 0; k < 2; k++) {
    for (const char *const *t = sim_params_get_list(ls->params, keys[k]); t && *t; t++) {
      SimTime at;
      GError *e = NULL;
      if (!sim_time_parse(*t, &at, &e)) {
        g_autofree char *w = where(ls->sec, keys[k]);
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] %s: %s", w,
                    sim_scenario_section_header(ls->sec), keys[k], e->message);
        g_error_free(e);
        return FALSE;
      }
      sim_link_schedule_state(ls->link, at, k == 1);
    }
  }
  return TRUE;
}

SimIface *
sim__ns_iface_towards(SimNode *n, SimNode *nbr)
{
  for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++) {
    SimIface *ifc = sim_node_iface(n, k);
    if (sim_iface_node(sim_iface_peer(ifc)) == nbr)
      return ifc;
  }
  return NULL;
}

static gboolean
build_route(SimNetRun *run, SimScenarioSection *sec, GError **error)
{
  g_autoptr(SimParams) p = sim_params_parse(sim_registry_lookup(run->reg, "route.static"), sec,
                                            NULL, error);
  if (!p)
    return FALSE;
  SimNode *n = node_ref(run, sec, "node", sim_params_get_string(p, "node"), error);
  if (!n)
    return FALSE;
  SimIp6Prefix pf;
  GError *e = NULL;
  if (!sim_ip6_prefix_parse(sim_params_get_string(p, "prefix"), &pf, FALSE, &e)) {
    g_autofree char *w = where(sec, "prefix");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] prefix: %s", w,
                sim_scenario_section_header(sec), e->message);
    g_error_free(e);
    return FALSE;
  }
  SimIface *outs[64];
  unsigned k = 0;
  for (const char *const *v = sim_params_get_list(p, "via"); v && *v && k < 64; v++) {
    SimNode *nbr = node_ref(run, sec, "via", *v, error);
    if (!nbr)
      return FALSE;
    SimIface *ifc = iface_towards(n, nbr);
    if (!ifc) {
      g_autofree char *w = where(sec, "via");
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: [%s] via: %s is not a neighbour of %s", w, sim_scenario_section_header(sec),
                  *v, sim_node_name(n));
      return FALSE;
    }
    outs[k++] = ifc;
  }
  if (!sim_ip6_route_add(sim_ip6_install(n), &pf, outs, k, &e)) {
    g_autofree char *w = where(sec, NULL);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w, e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* The IPv6 limits of a [node] section, then Router Advertisements and
 * autoconfiguration on every switched interface of the node. */
static gboolean
apply_nd(SimNetRun *run, NodeSection *ns, GError **error)
{
  SimIp6 *ip = sim_ip6_of(ns->node);
  const SimParams *p = ns->params;
  if (ip) {
    sim_ip6_set_max_ext_headers(ip, (unsigned)sim_params_get_uint(p, "max_ext_headers"));
    sim_ip6_set_reassembly_limit(ip, (size_t)sim_params_get_size(p, "reassembly_limit"));
  }
  bool advertise = sim_params_get_bool(p, "advertise"), autoconf = sim_params_get_bool(p, "autoconf");
  if (!advertise && !autoconf)
    return TRUE;
  SimRaConfig ra;
  sim_ra_config_init(&ra);
  ra.min_interval = sim_params_get_time(p, "ra_min_interval");
  ra.max_interval = sim_params_get_time(p, "ra_max_interval");
  for (const char *const *d = sim_params_get_list(p, "rdnss"); d && *d && ra.n_rdnss < 3; d++) {
    GError *e = NULL;
    if (!sim_ip6_addr_parse(*d, &ra.rdnss[ra.n_rdnss++], &e)) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: rdnss: %s",
                  sim_params_where(p, "rdnss"), e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  SimSlaacConfig sc;
  sim_slaac_config_init(&sc);
  sc.iid = sim_params_get_enum(p, "iid") == 1 ? SIM_IID_STABLE : SIM_IID_EUI64;
  sc.optimistic = sim_params_get_bool(p, "optimistic");
  sc.dad_transmits = (unsigned)sim_params_get_uint(p, "dad_transmits");
  sc.secret = sim_node_index(ns->node) * 2654435761u ^ sim_context_seed(run->ctx);
  SimTime spread = sim_params_get_time(p, "boot_spread");
  if (spread > 0) {
    /* the node's own stream: its boot time does not depend on others */
    SimRng rng;
    sim_rng_init_entity(&rng, run->ctx, sim_node_entity(ns->node), 1);
    sc.start = (SimTime)sim_rng_below64(&rng, (uint64_t)spread + 1);
  }
  bool any = false;
  for (uint32_t k = 0; k < sim_node_n_ifaces(ns->node); k++) {
    SimIface *ifc = sim_node_iface(ns->node, k);
    if (!sim_iface_is_multiaccess(ifc))
      continue;
    any = true;
    GError *e = NULL;
    gboolean ok = advertise ? sim_nd_advertise(ip, ifc, &ra, &e) : sim_slaac_enable(ip, ifc, &sc, &e);
    if (!ok) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s",
                  sim_params_where(p, advertise ? "advertise" : "autoconf"), e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  if (!any) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: node %s has no interface on a switch", 
                sim_params_where(p, advertise ? "advertise" : "autoconf"), sim_node_name(ns->node));
    return FALSE;
  }
  return TRUE;
}

/* ---- traffic ------------------------------------------------------------------------------- */

/* Neither computed routes nor a static route of @src lead to @dst (the
 * static routes of VPN sites and [route] sections count). */
static gboolean
unreachable(SimRouting *routing, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr)
{
  if (dst_addr && sim_ip4_is_mapped(dst_addr)) {
    /* IPv4 (VPN sites): static routes only */
    SimIp4 *s4 = sim_ip4_of(src);
    gboolean local = FALSE;
    return !s4 || (!sim_ip4_route_lookup(s4, SIM_IP6_TABLE_MAIN, sim_ip4_from_mapped(dst_addr),
                                         NULL, &local) &&
                   !local);
  }
  if (!routing || sim_routing_reachable(routing, src, dst))
    return FALSE;
  SimIp6 *sip = sim_ip6_of(src), *dip = sim_ip6_of(dst);
  const SimIp6Addr *a = dst_addr ? dst_addr : dip ? sim_ip6_primary_address(dip) : NULL;
  return !sip || !a || sim_fib_lookup(sim_ip6_fib(sip), a, NULL) == SIM_FIB_NONE;
}

static gboolean
traffic_create(SimNet *net, const char *name, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr,
               const SimParams *p, GError **error)
{
  const SimTypeInfo *info = sim_params_type_info(p);
  SimTrafficConfig tc;
  sim_traffic_config_init(&tc);
  for (size_t i = 0; i < G_N_ELEMENTS(traffic_classes); i++)
    if (info == &traffic_classes[i].info)
      tc.kind = (SimTrafficKind)i;
  tc.size = (uint32_t)sim_params_get_size(p, "size");
  tc.fill_pmtu = sim_params_get_bool(p, "fill_pmtu");
  if (sim_params_is_set(p, "bitrate")) {
    uint64_t bps = sim_params_get_rate(p, "bitrate");
    if (bps == 0 || tc.size == 0) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: bitrate: expected a positive rate and a positive size",
                  sim_params_where(p, "bitrate"));
      return FALSE;
    }
    tc.pps = (double)bps / (8.0 * tc.size);
  } else {
    tc.pps = sim_params_get_pkt_rate(p, "rate");
  }
  tc.start = sim_params_get_time(p, "start");
  tc.start_spread = sim_params_get_time(p, "start_spread");
  if (sim_params_is_set(p, "stop"))
    tc.stop = sim_params_get_time(p, "stop");
  tc.max_packets = sim_params_get_uint(p, "count");
  tc.port = (uint16_t)sim_params_get_uint(p, "port");
  tc.traffic_class = (uint8_t)sim_params_get_uint(p, "traffic_class");
  tc.flow_label = (uint32_t)sim_params_get_uint(p, "flow_label");
  tc.hop_limit = (uint8_t)sim_params_get_uint(p, "hop_limit");
  if (tc.kind == SIM_TRAFFIC_ONOFF) {
    tc.on_mean = sim_params_get_time(p, "on");
    tc.off_mean = sim_params_get_time(p, "off");
    tc.pareto_shape = sim_params_get_double(p, "shape");
  }
  return sim_flow_new(net, name, src, dst, dst_addr, &tc, error) != NULL;
}

/* dst_address: an IPv6 address, an IPv4 address (sent over IPv4, as
 * ::ffff:a.b.c.d), or "ipv4" for @dst's own IPv4 address. */
static gboolean
dst_address(SimScenarioSection *sec, SimNode *dst, SimIp6Addr *out, gboolean *given,
            GError **error)
{
  const char *v = sim_scenario_section_get(sec, "dst_address", NULL);
  *given = v && *v;
  if (!*given)
    return TRUE;
  GError *e = NULL;
  uint32_t a4;
  if (g_strcmp0(v, "ipv4") == 0) {
    SimIp4 *d4 = sim_ip4_of(dst);
    a4 = d4 ? sim_ip4_primary_address(d4) : 0;
    if (!a4) {
      g_autofree char *w = where(sec, "dst_address");
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: [%s] dst_address: %s has no IPv4 address (IPv4 comes with [vpn] ipv4 = "
                  "true)",
                  w, sim_scenario_section_header(sec), sim_node_name(dst));
      return FALSE;
    }
    *out = sim_ip4_mapped(a4);
    return TRUE;
  }
  if (strchr(v, ':') == NULL && sim_ip4_addr_parse(v, &a4, NULL)) {
    *out = sim_ip4_mapped(a4);
    return TRUE;
  }
  if (!sim_ip6_addr_parse(v, out, &e)) {
    g_autofree char *w = where(sec, "dst_address");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s] dst_address: %s", w,
                sim_scenario_section_header(sec), e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

static const SimAppClass *
app_class(SimNetRun *run, SimScenarioSection *sec, GError **error)
{
  const char *app = sim_scenario_section_get(sec, "app", NULL);
  if (!app || !*app)
    app = "cbr";
  const SimTypeInfo *info = sim_registry_lookup_kind(run->reg, "app", app);
  if (!info || g_strcmp0(info->kind, "app") != 0 || g_strcmp0(info->name, "app.ping") == 0) {
    g_autofree char *w = where(sec, "app");
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < sim_registry_n_types(run->reg); i++) {
      const SimTypeInfo *t = sim_registry_nth_type(run->reg, i);
      if (g_strcmp0(t->kind, "app") == 0)
        g_string_append_printf(names, "%s%s", names->len ? ", " : "", t->name + 4);
    }
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] app: unknown application '%s' (expected %s)", w,
                sim_scenario_section_header(sec), app, names->str);
    g_string_free(names, TRUE);
    return NULL;
  }
  return (const SimAppClass *)info;
}

static const char *const flow_structural[] = { "app", "src", "dst", "dst_address", "pattern", "slice",
                                               NULL };

static gboolean
create_flow(SimNetRun *run, SimScenarioSection *sec, const SimAppClass *cls, const SimParams *p,
            const char *name, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr,
            SimRouting *routing, GError **error)
{
  if (unreachable(routing, src, dst, dst_addr)) {
    g_autofree char *w = where(sec, "dst");
    warn(run, "%s: [%s] flow %s: %s cannot reach %s: its packets will be dropped (no_route)", w,
         sim_scenario_section_header(sec), name, sim_node_name(src), sim_node_name(dst));
  }
  GError *e = NULL;
  uint32_t before = sim_net_n_flows(run->net);
  if (!cls->create(run->net, name, src, dst, dst_addr, p, &e)) {
    g_autofree char *w = where(sec, NULL);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [%s]: %s", w,
                sim_scenario_section_header(sec), e->message);
    g_error_free(e);
    return FALSE;
  }
  uint32_t after = sim_net_n_flows(run->net);
  return sim__slice_join(run, sec, after > before ? sim_net_flow(run->net, after - 1) : NULL,
                         sim_params_is_set(p, "traffic_class"), error);
}

static gboolean
build_flow(SimNetRun *run, SimScenarioSection *sec, SimRouting *routing, GError **error)
{
  const SimAppClass *cls = app_class(run, sec, error);
  if (!cls)
    return FALSE;
  const char *sn = structural(sec, "src", error);
  const char *dn = sn ? structural(sec, "dst", error) : NULL;
  if (!dn)
    return FALSE;
  SimNode *src = node_ref(run, sec, "src", sn, error);
  SimNode *dst = src ? node_ref(run, sec, "dst", dn, error) : NULL;
  if (!dst)
    return FALSE;
  SimIp6Addr da;
  gboolean given;
  if (!dst_address(sec, dst, &da, &given, error))
    return FALSE;
  g_autoptr(SimParams) p = sim_params_parse(&cls->info, sec, flow_structural, error);
  if (!p)
    return FALSE;
  return create_flow(run, sec, cls, p, sim_scenario_section_name(sec), src, dst,
                     given ? &da : NULL, routing, error);
}

static GPtrArray *
match_nodes(SimNetRun *run, const char *pattern)
{
  GPtrArray *out = g_ptr_array_new();
  g_auto(GStrv) pats = g_strsplit_set(pattern, ",;", -1);
  g_autofree uint8_t *seen = g_new0(uint8_t, sim_net_n_nodes(run->net) + 1);
  for (char **pt = pats; *pt; pt++) {
    g_autoptr(GPatternSpec) spec = g_pattern_spec_new(g_strstrip(*pt));
    for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++) {
      SimNode *n = sim_net_node(run->net, i);
      if (!seen[i] && g_pattern_spec_match_string(spec, sim_node_name(n))) {
        seen[i] = 1;
        g_ptr_array_add(out, n);
      }
    }
  }
  return out;
}

/* [parallel]: `partition = auto | given` and, for a given partition,
 * `rankN = NODE-PATTERNS` for N = 0, 1, ...: every node on exactly one
 * rank. Read in every run (so that sequential runs check it too). */
static gboolean
parse_parallel(SimNetRun *run, GError **error)
{
  SimScenarioSection *sec = sim_scenario_get_section(run->sc, "parallel");
  if (!sec)
    return TRUE;
  const char *mode = sim_scenario_section_get(sec, "partition", NULL);
  if (mode && strcmp(mode, "auto") != 0 && strcmp(mode, "given") != 0) {
    g_autofree char *w = where(sec, "partition");
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [parallel] partition: '%s' (expected auto or given)", w, mode);
    return FALSE;
  }
  guint nk = 0;
  const char **keys = sim_scenario_section_keys(sec, &nk);
  uint32_t ranks = 0;
  for (guint i = 0; i < nk; i++) {
    if (strcmp(keys[i], "partition") == 0)
      continue;
    char *end = NULL;
    guint64 r = g_str_has_prefix(keys[i], "rank") && g_ascii_isdigit(keys[i][4])
                  ? g_ascii_strtoull(keys[i] + 4, &end, 10)
                  : G_MAXUINT64;
    if (r >= SIM_RANK_ALL || !end || *end) {
      g_autofree char *w = where(sec, keys[i]);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_UNKNOWN_KEY,
                  "%s: [parallel] %s: unknown key (expected partition or rankN = NODE, ...)", w,
                  keys[i]);
      g_free(keys);
      return FALSE;
    }
    ranks = MAX(ranks, (uint32_t)r + 1);
  }
  g_free(keys);
  gboolean given = mode && strcmp(mode, "given") == 0;
  if (ranks == 0) {
    if (given) {
      g_autofree char *w = where(sec, "partition");
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY,
                  "%s: [parallel] partition = given needs rank0 = NODE, ..., rank1 = ...", w);
      return FALSE;
    }
    return TRUE;
  }
  uint32_t n = sim_net_n_nodes(run->net);
  g_autofree uint32_t *rank = g_new(uint32_t, n ? n : 1);
  for (uint32_t i = 0; i < n; i++)
    rank[i] = UINT32_MAX;
  for (uint32_t r = 0; r < ranks; r++) {
    g_autofree char *key = g_strdup_printf("rank%u", r);
    const char *val = sim_scenario_section_get(sec, key, NULL);
    g_autofree char *w = where(sec, val ? key : NULL);
    if (!val) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY,
                  "%s: [parallel] has rank%u but no %s (expected rank0 to rank%u)", w, ranks - 1,
                  key, ranks - 1);
      return FALSE;
    }
    g_auto(GStrv) pats = g_strsplit_set(val, ",;", -1);
    for (char **pt = pats; *pt; pt++) {
      const char *pat = g_strstrip(*pt);
      if (!*pat)
        continue;
      g_autoptr(GPatternSpec) spec = g_pattern_spec_new(pat);
      gboolean any = FALSE;
      for (uint32_t i = 0; i < n; i++) {
        const char *name = sim_node_name(sim_net_node(run->net, i));
        if (!g_pattern_spec_match_string(spec, name))
          continue;
        any = TRUE;
        if (rank[i] != UINT32_MAX && rank[i] != r) {
          g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                      "%s: [parallel] %s: node %s on rank %u and rank %u (expected every node "
                      "on one rank)", w, key, name, rank[i], r);
          return FALSE;
        }
        rank[i] = r;
      }
      if (!any) {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                    "%s: [parallel] %s: '%s' matches no node", w, key, pat);
        return FALSE;
      }
    }
  }
  for (uint32_t i = 0; i < n; i++) {
    if (rank[i] == UINT32_MAX) {
      g_autofree char *w = where(sec, NULL);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: [parallel]: node %s is on no rank (expected every node in one rankN)", w,
                  sim_node_name(sim_net_node(run->net, i)));
      return FALSE;
    }
  }
  if (given) {
    run->given_ranks = ranks;
    run->given_rank = g_steal_pointer(&rank);
    run->given_where = where(sec, "partition");
  }
  return TRUE;
}

SimPartition *
sim_net_run_partition(SimNetRun *run, uint32_t ranks, GError **error)
{
  g_return_val_if_fail(run != NULL, NULL);
  if (!run->given_rank)
    return sim_net_partition(run->net, ranks, error);
  if (ranks != run->given_ranks) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [parallel] partition = given gives %u ranks, mpirun started %u (expected "
                "mpirun -np %u)", run->given_where, run->given_ranks, ranks, run->given_ranks);
    return NULL;
  }
  return sim_partition_new_given(run->net, ranks, run->given_rank, error);
}

/* For every node, the index in @dsts of the nearest of them in hops
 * (through routers only; ties: the earlier in @dsts), or -1. */
static int32_t *
nearest_of(SimNetRun *run, GPtrArray *dsts)
{
  uint32_t nn = sim_net_n_nodes(run->net);
  int32_t *owner = g_new(int32_t, nn + 1);
  for (uint32_t i = 0; i < nn; i++)
    owner[i] = -1;
  uint32_t *queue = g_new(uint32_t, nn + 1);
  size_t head = 0, tail = 0;
  for (guint j = 0; j < dsts->len; j++) {
    uint32_t d = sim_node_index(dsts->pdata[j]);
    if (owner[d] < 0) {
      owner[d] = (int32_t)j;
      queue[tail++] = d;
    }
  }
  size_t seeds = tail;
  while (head < tail) {
    uint32_t u = queue[head++];
    SimNode *n = sim_net_node(run->net, u);
    if (head > seeds && (!sim_node_is_forwarding(n) || sim_node_is_switch(n)))
      continue; /* hosts are reached, not crossed */
    for (uint32_t f = 0; f < sim_node_n_ifaces(n); f++) {
      SimIface *peer = sim_iface_peer(sim_node_iface(n, f));
      if (!peer)
        continue;
      uint32_t v = sim_node_index(sim_iface_node(peer));
      if (owner[v] < 0) {
        owner[v] = owner[u];
        queue[tail++] = v;
      }
    }
  }
  g_free(queue);
  return owner;
}

static gboolean
build_flowset(SimNetRun *run, SimScenarioSection *sec, SimRouting *routing, GError **error)
{
  const SimAppClass *cls = app_class(run, sec, error);
  if (!cls)
    return FALSE;
  const char *sn = structural(sec, "src", error);
  const char *dn = sn ? structural(sec, "dst", error) : NULL;
  if (!dn)
    return FALSE;
  const char *pattern = sim_scenario_section_get(sec, "pattern", NULL);
  if (!pattern || !*pattern)
    pattern = "pairs";
  int pat = -1;
  for (int i = 0; patterns[i]; i++)
    if (strcmp(pattern, patterns[i]) == 0)
      pat = i;
  g_autoptr(GPtrArray) srcs = match_nodes(run, sn);
  g_autoptr(GPtrArray) dsts = match_nodes(run, dn);
  g_autofree char *w = where(sec, pat < 0 ? "pattern" : "src");
  if (pat < 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s] pattern: '%s' (expected pairs, all-to-all or nearest)", w,
                sim_scenario_section_header(sec), pattern);
    return FALSE;
  }
  if (srcs->len == 0 || dsts->len == 0 || (pat == 0 && srcs->len != dsts->len)) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [%s]: src matches %u nodes and dst %u%s", w, sim_scenario_section_header(sec),
                srcs->len, dsts->len, pat == 0 ? " (pairs needs the same number, at least 1)" : "");
    return FALSE;
  }
  g_autoptr(SimParams) p = sim_params_parse(&cls->info, sec, flow_structural, error);
  if (!p)
    return FALSE;
  g_autofree int32_t *nearest = pat == 2 ? nearest_of(run, dsts) : NULL;
  for (guint i = 0; i < srcs->len; i++) {
    for (guint j = 0; j < dsts->len; j++) {
      if (pat == 0 && i != j)
        continue;
      if (pat == 2 && nearest[sim_node_index(srcs->pdata[i])] != (int32_t)j)
        continue;
      SimNode *s = srcs->pdata[i], *d = dsts->pdata[j];
      if (s == d)
        continue;
      g_autofree char *name = g_strdup_printf("%s/%s-%s", sim_scenario_section_name(sec),
                                              sim_node_name(s), sim_node_name(d));
      if (!create_flow(run, sec, cls, p, name, s, d, NULL, routing, error))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
build_ping(SimNetRun *run, SimScenarioSection *sec, SimRouting *routing, GError **error)
{
  static const char *const ignore[] = { "src", "dst", "dst_address", NULL };
  const char *sn = structural(sec, "src", error);
  const char *dn = sn ? structural(sec, "dst", error) : NULL;
  if (!dn)
    return FALSE;
  SimNode *src = node_ref(run, sec, "src", sn, error);
  SimNode *dst = src ? node_ref(run, sec, "dst", dn, error) : NULL;
  if (!dst)
    return FALSE;
  SimIp6Addr da;
  gboolean given;
  if (!dst_address(sec, dst, &da, &given, error))
    return FALSE;
  g_autoptr(SimParams) p = sim_params_parse(sim_registry_lookup(run->reg, "app.ping"), sec, ignore,
                                            error);
  if (!p)
    return FALSE;
  if (unreachable(routing, src, dst, NULL)) {
    g_autofree char *w = where(sec, "dst");
    warn(run, "%s: [%s]: %s cannot reach %s", w, sim_scenario_section_header(sec),
         sim_node_name(src), sim_node_name(dst));
  }
  SimPingConfig pc = { sim_params_get_time(p, "start"), sim_params_get_time(p, "interval"),
                       (uint32_t)sim_params_get_uint(p, "count"),
                       (uint32_t)sim_params_get_size(p, "size"),
                       (uint8_t)sim_params_get_uint(p, "hop_limit") };
  GError *e = NULL;
  if (!sim_ping_new(run->net, sim_scenario_section_name(sec), src, dst, given ? &da : NULL, &pc,
                    &e)) {
    g_autofree char *w = where(sec, NULL);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: %s", w, e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* ---- pcap --------------------------------------------------------------------------------- */

static gboolean
open_capture(SimNetRun *run, const char *outdir, SimIface *ifc, uint32_t snaplen, GError **error)
{
  g_autofree char *dir = g_build_filename(outdir, "pcap", NULL);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO, "%s: %s", dir, g_strerror(errno));
    return FALSE;
  }
  g_autofree char *file = g_strdup_printf("%s-%s.pcap", sim_node_name(sim_iface_node(ifc)),
                                          sim_iface_name(ifc));
  Capture c = { NULL, g_build_filename(dir, file, NULL), ifc };
  c.w = sim_pcap_writer_open(c.path, sim_framing_pcap_linktype(sim_link_config(sim_iface_link(ifc))->framing),
                             snaplen, error);
  if (!c.w) {
    g_free(c.path);
    return FALSE;
  }
  sim_iface_set_pcap(ifc, c.w);
  g_array_append_val(run->captures, c);
  return TRUE;
}

/* The interfaces named by @specs (all, NODE, NODE:IFACE; none or empty
 * entries skip), each once, in spec order, into @out. */
static gboolean
select_ifaces(SimNetRun *run, const char *const *specs, const char *origin, const char *what,
              GPtrArray *out, GError **error)
{
  GHashTable *done = g_hash_table_new(NULL, NULL);
  gboolean ok = TRUE;
  for (const char *const *s = specs; ok && s && *s; s++) {
    const char *spec = *s;
    if (!*spec || strcmp(spec, "none") == 0)
      continue;
    if (strcmp(spec, "all") == 0) {
      for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++) {
        SimNode *n = sim_net_node(run->net, i);
        for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++) {
          SimIface *ifc = sim_node_iface(n, k);
          if (!g_hash_table_contains(done, ifc)) {
            g_hash_table_add(done, ifc);
            g_ptr_array_add(out, ifc);
          }
        }
      }
      continue;
    }
    g_auto(GStrv) parts = g_strsplit(spec, ":", 2);
    SimNode *n = sim_net_find_node(run->net, parts[0]);
    if (!n) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: %s '%s': unknown node '%s' (expected all, NODE or NODE:IFACE)", origin,
                  what, spec, parts[0]);
      ok = FALSE;
      break;
    }
    gboolean found = FALSE;
    for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++) {
      SimIface *ifc = sim_node_iface(n, k);
      if (parts[1] && strcmp(parts[1], sim_iface_name(ifc)) != 0)
        continue;
      found = TRUE;
      if (!g_hash_table_contains(done, ifc)) {
        g_hash_table_add(done, ifc);
        g_ptr_array_add(out, ifc);
      }
    }
    if (!found) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: %s '%s': node %s has no interface '%s' (eth0..eth%u)", origin, what, spec,
                  parts[0], parts[1] ? parts[1] : "", sim_node_n_ifaces(n) ? sim_node_n_ifaces(n) - 1 : 0);
      ok = FALSE;
    }
  }
  g_hash_table_unref(done);
  return ok;
}

static gboolean
setup_pcap(SimNetRun *run, const char *const *specs, const char *outdir, uint32_t snaplen,
           const char *origin, GError **error)
{
  g_autoptr(GPtrArray) ifcs = g_ptr_array_new();
  if (!select_ifaces(run, specs, origin, "pcap", ifcs, error))
    return FALSE;
  for (guint i = 0; i < ifcs->len; i++)
    if (!open_capture(run, outdir, ifcs->pdata[i], snaplen, error))
      return FALSE;
  return TRUE;
}

/* ---- queue-length time series ---------------------------------------------------------------- */

typedef struct {
  SimCsvWriter *w;
  GPtrArray *ifcs;
  /* parallel runs: the samples, recorded and written once summed over the
   * ranks (packets and bytes of each row, in row order) */
  GArray *raw;   /* uint64_t */
  GArray *times; /* SimTime */
} QueueSampler;

static void
queue_sampler_free(QueueSampler *qs)
{
  if (qs->w)
    sim_csv_writer_abort(qs->w);
  if (qs->raw)
    g_array_unref(qs->raw);
  if (qs->times)
    g_array_unref(qs->times);
  g_ptr_array_unref(qs->ifcs);
  g_free(qs);
}

/* The values of every row now: per interface its whole queue, then per
 * class of a class-based discipline; packets and bytes each. */
static void
queue_values(QueueSampler *qs, GArray *out)
{
  for (guint i = 0; i < qs->ifcs->len; i++) {
    SimIface *ifc = qs->ifcs->pdata[i];
    SimQdisc *q = sim_iface_qdisc(ifc);
    uint64_t v[2] = { sim_iface_queue_length(ifc), q ? q->n_bytes : 0 };
    g_array_append_vals(out, v, 2);
    if (!q || !sim_qos_sched_is(q))
      continue;
    for (uint32_t c = 0; c < sim_qos_sched_n_classes(q); c++) {
      SimQosClassStats st;
      sim_qos_sched_get_stats(q, c, &st);
      uint64_t cv[2] = { st.backlog_packets, st.backlog_bytes };
      g_array_append_vals(out, cv, 2);
    }
  }
}

/* One row per interface (class "all": the whole queue) and per class of
 * a class-based discipline (its name, or its number), from @v. */
static void
queue_emit(QueueSampler *qs, SimTime now, const uint64_t *v)
{
  double t = (double)now * 1e-6;
  for (guint i = 0; i < qs->ifcs->len; i++) {
    SimIface *ifc = qs->ifcs->pdata[i];
    SimQdisc *q = sim_iface_qdisc(ifc);
    const char *node = sim_node_name(sim_iface_node(ifc)), *name = sim_iface_name(ifc);
    sim_csv_writer_add_double(qs->w, t, 12);
    sim_csv_writer_add_string(qs->w, node);
    sim_csv_writer_add_string(qs->w, name);
    sim_csv_writer_add_string(qs->w, "all");
    sim_csv_writer_add_uint(qs->w, *v++);
    sim_csv_writer_add_uint(qs->w, *v++);
    sim_csv_writer_end_row(qs->w);
    if (!q || !sim_qos_sched_is(q))
      continue;
    for (uint32_t c = 0; c < sim_qos_sched_n_classes(q); c++) {
      char num[16];
      const char *cn = sim_qos_sched_class_name(q, c);
      if (!cn) {
        g_snprintf(num, sizeof num, "%u", c);
        cn = num;
      }
      sim_csv_writer_add_double(qs->w, t, 12);
      sim_csv_writer_add_string(qs->w, node);
      sim_csv_writer_add_string(qs->w, name);
      sim_csv_writer_add_string(qs->w, cn);
      sim_csv_writer_add_uint(qs->w, *v++);
      sim_csv_writer_add_uint(qs->w, *v++);
      sim_csv_writer_end_row(qs->w);
    }
  }
}

static void
queue_sample(SimContext *ctx, SimTime now, void *data)
{
  (void)ctx;
  QueueSampler *qs = data;
  if (qs->raw) {
    queue_values(qs, qs->raw);
    g_array_append_val(qs->times, now);
    return;
  }
  g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  queue_values(qs, v);
  queue_emit(qs, now, (const uint64_t *)v->data);
}

void
sim__qs_record(SimNetRun *run)
{
  QueueSampler *qs = run->queue_sampler;
  if (!qs || qs->raw)
    return;
  qs->raw = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  qs->times = g_array_new(FALSE, FALSE, sizeof(SimTime));
}

uint64_t *
sim__qs_recorded(SimNetRun *run, size_t *n)
{
  QueueSampler *qs = run->queue_sampler;
  *n = qs && qs->raw ? qs->raw->len : 0;
  return *n ? (uint64_t *)qs->raw->data : NULL;
}

static void
queue_write_recorded(QueueSampler *qs)
{
  if (!qs->raw || !qs->times->len)
    return;
  size_t per = qs->raw->len / qs->times->len;
  for (guint k = 0; k < qs->times->len; k++)
    queue_emit(qs, g_array_index(qs->times, SimTime, k),
               &g_array_index(qs->raw, uint64_t, (size_t)k * per));
  g_array_set_size(qs->raw, 0);
  g_array_set_size(qs->times, 0);
}

static gboolean
setup_queue_sampler(SimNetRun *run, const SimParams *outp, const char *outdir, GError **error)
{
  SimTime period = sim_params_get_time(outp, "queue_sample");
  if (period <= 0)
    return TRUE;
  QueueSampler *qs = g_new0(QueueSampler, 1);
  qs->ifcs = g_ptr_array_new();
  g_autofree char *w = sim_params_where(outp, "queue_sample_at")
                         ? g_strdup(sim_params_where(outp, "queue_sample_at"))
                         : g_strdup("[output]");
  if (!select_ifaces(run, sim_params_get_list(outp, "queue_sample_at"), w, "queue_sample_at",
                     qs->ifcs, error)) {
    queue_sampler_free(qs);
    return FALSE;
  }
  static const char *const cols[] = { "time_us", "node", "iface", "class", "packets", "bytes",
                                      NULL };
  g_autofree char *path = g_build_filename(outdir, "queues.csv", NULL);
  if (g_mkdir_with_parents(outdir, 0755) != 0 || !(qs->w = sim_csv_writer_open(path, cols, error))) {
    if (error && !*error)
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO, "%s: %s", outdir,
                  g_strerror(errno));
    queue_sampler_free(qs);
    return FALSE;
  }
  run->queue_sampler = qs;
  run->queue_sampler_free = (GDestroyNotify)queue_sampler_free;
  sim_hook_add(run->ctx, 0, period, queue_sample, qs, NULL);
  return TRUE;
}

/* ---- the whole build ----------------------------------------------------------------------- */

static const char *const known_kinds[] = { "simulation", "output", "addressing", "routing",
                                           "topology", "node", "link", "route",
                                           "vrf", "srv6", "sid", "policy", "steer", "vpn",
                                           "slicing", "nrp", "slice",
                                           "flow", "flows", "ping", "expect", "include",
                                           "manifest", "sweep", "metrics", "plot", "parallel",
                                           NULL };

static SimParams *
fixed_section(SimNetRun *run, const char *header, const char *type, GError **error)
{
  SimScenarioSection *sec = sim_scenario_get_section(run->sc, header);
  const SimTypeInfo *info = sim_registry_lookup(run->reg, type);
  if (sec)
    return sim_params_parse(info, sec, NULL, error);
  return sim_params_parse_strv(info, NULL, error);
}

SimNetRun *
sim_net_build(SimScenario *sc, SimRegistry *reg, const SimNetBuildOptions *opts, GError **error)
{
  g_return_val_if_fail(sc != NULL && reg != NULL, NULL);
  SimNetBuildOptions none = { -1, 0, NULL, NULL };
  if (!opts)
    opts = &none;
  if (!sim_scenario_get_section(sc, "simulation")) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY,
                "%s: no [simulation] section (expected at least 'duration = ...')",
                sim_scenario_files(sc)[0] ? sim_scenario_files(sc)[0] : sim_scenario_name(sc));
    return NULL;
  }
  SimNetRun *run = g_new0(SimNetRun, 1);
  run->warnings = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(run->warnings, NULL);
  run->captures = g_array_new(FALSE, FALSE, sizeof(Capture));
  run->link_metric = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  run->link_te = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  run->link_affinity = g_ptr_array_new_with_free_func(g_free);
  run->node_sections = g_array_new(FALSE, FALSE, sizeof(NodeSection));
  run->sc = sc;
  run->reg = reg;

  g_autoptr(SimParams) simp = fixed_section(run, "simulation", "scenario.simulation", error);
  g_autoptr(SimParams) outp = simp ? fixed_section(run, "output", "scenario.output", error) : NULL;
  g_autoptr(SimParams) addrp = outp ? fixed_section(run, "addressing", "scenario.addressing", error)
                                    : NULL;
  g_autoptr(SimParams) routep = addrp ? fixed_section(run, "routing", "scenario.routing", error)
                                      : NULL;
  GArray *later = g_array_new(FALSE, FALSE, sizeof(LinkSection));
  SimRouting *routing = NULL;
  gboolean ok = routep != NULL;
  if (ok) {
    run->duration = sim_params_get_time(simp, "duration");
    run->drain = sim_params_get_time(simp, "drain");
    run->seed = opts->seed >= 0 ? (uint32_t)opts->seed : (uint32_t)sim_params_get_uint(simp, "seed");
    run->histogram_bits = (unsigned)sim_params_get_uint(outp, "histogram_bits");
    run->run = opts->run + (uint32_t)sim_params_get_uint(simp, "run");
    SimContextConfig cc = { (SimQueueKind)sim_params_get_enum(simp, "queue"), run->seed,
                            run->run };
    run->ctx = sim_context_new(&cc);
    run->net = sim_net_new(run->ctx);
    sim_net_set_stop_time(run->net, run->duration);
    sim_app_set_histogram_bits(run->net, run->histogram_bits);
  }
  /* unknown section kinds */
  for (guint i = 0; ok && i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    const char *kind = sim_scenario_section_kind(sec);
    if (!g_strv_contains(known_kinds, kind) && !sim_scenario_section_is_variables(sec)) {
      g_autofree char *w = where(sec, NULL);
      g_autofree char *list = g_strjoinv(", ", (char **)known_kinds);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "%s: unknown section [%s] (expected one of: %s; or a section of parameters "
                  "referenced as ${%s.KEY})",
                  w, sim_scenario_section_header(sec), list, kind);
      ok = FALSE;
    }
  }
  /* a manifest.ini run again: its [manifest] only records where it came from */
  SimScenarioSection *man = ok ? sim_scenario_get_section(sc, "manifest") : NULL;
  if (man) {
    g_autofree const char **keys = sim_scenario_section_keys(man, NULL);
    for (const char **k = keys; *k; k++)
      sim_scenario_section_get(man, *k, NULL);
  }
  /* [plot NAME] sections describe figures of the results; tools/plot.c
   * validates their keys (ipesim_plot_check_scenario()), the network has
   * no use for them */
  for (guint i = 0; ok && i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "plot") != 0)
      continue;
    g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
    for (const char **k = keys; *k; k++)
      sim_scenario_section_get(sec, *k, NULL);
  }
  /* topologies, nodes, links in file order by kind */
  static const char *const phase_kinds[] = { "topology", "node", "link" };
  for (int ph = 0; ok && ph < 3; ph++) {
    for (guint i = 0; ok && i < sim_scenario_n_sections(sc); i++) {
      SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
      if (strcmp(sim_scenario_section_kind(sec), phase_kinds[ph]) != 0)
        continue;
      if (ph == 0)
        ok = build_topology(run, sec, error);
      else if (ph == 1)
        ok = build_node(run, sec, error);
      else
        ok = build_link(run, sec, later, error);
    }
  }
  /* addresses: explicit ones first, then the plan */
  for (guint i = 0; ok && i < later->len; i++) {
    LinkSection *ls = &g_array_index(later, LinkSection, i);
    ok = end_address(run, ls->sec, "a_address", sim_params_get_string(ls->params, "a_address"),
                     sim_link_end(ls->link, 0), error) &&
         end_address(run, ls->sec, "b_address", sim_params_get_string(ls->params, "b_address"),
                     sim_link_end(ls->link, 1), error);
  }
  if (ok) {
    for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++)
      if (!sim_node_is_switch(sim_net_node(run->net, i)))
        sim_ip6_install(sim_net_node(run->net, i));
    if (sim_params_get_enum(addrp, "mode") == 0) {
      SimAddrPlan plan;
      sim_addr_plan_init(&plan);
      g_autoptr(GHashTable) autoconf = g_hash_table_new(NULL, NULL);
      for (guint i = 0; i < run->node_sections->len; i++) {
        NodeSection *ns = &g_array_index(run->node_sections, NodeSection, i);
        if (sim_params_get_bool(ns->params, "autoconf"))
          g_hash_table_add(autoconf, ns->node);
      }
      plan.autoconf = autoconf;
      GError *e = NULL;
      SimScenarioSection *asec = sim_scenario_get_section(sc, "addressing");
      if (!sim_ip6_prefix_parse(sim_params_get_string(addrp, "prefix"), &plan.base, FALSE, &e) ||
          (plan.link_len = (unsigned)sim_params_get_uint(addrp, "link_prefix_len"),
           plan.loopbacks = sim_params_get_bool(addrp, "loopbacks"),
           !sim_addr_plan_apply(run->net, &plan, &e))) {
        g_autofree char *w = asec ? where(asec, "prefix") : g_strdup(sim_scenario_name(sc));
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: [addressing]: %s",
                    w, e->message);
        g_error_free(e);
        ok = FALSE;
      }
    }
  }
  for (guint i = 0; ok && i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "route") == 0)
      ok = build_route(run, sec, error);
  }
  if (ok)
    ok = sim__srv6_build_vrfs(run, error); /* before the routing snapshot */
  if (ok) {
    SimRoutingConfig rc = { (SimMetricKind)sim_params_get_enum(routep, "metric"),
                            sim_params_get_bool(routep, "ecmp"),
                            (size_t)sim_params_get_size(routep, "cache") };
    routing = sim_routing_new(run->net, &rc, (const uint32_t *)run->link_metric->data, error);
    ok = routing != NULL;
    if (ok && sim_params_get_enum(routep, "mode") == 1)
      sim_ip6_set_resolver(run->net, NULL, NULL); /* static: no computed routes */
  }
  for (guint i = 0; ok && i < run->node_sections->len; i++)
    ok = apply_nd(run, &g_array_index(run->node_sections, NodeSection, i), error);
  if (ok)
    ok = sim__srv6_build(run, routing, error);
  if (ok)
    ok = sim__slice_build(run, routing, error);
  for (guint i = 0; ok && i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    const char *kind = sim_scenario_section_kind(sec);
    SimRouting *check = sim_params_get_enum(routep, "mode") == 0 ? routing : NULL;
    if (strcmp(kind, "flow") == 0)
      ok = build_flow(run, sec, check, error);
    else if (strcmp(kind, "flows") == 0)
      ok = build_flowset(run, sec, check, error);
    else if (strcmp(kind, "ping") == 0)
      ok = build_ping(run, sec, check, error);
  }
  if (ok)
    ok = sim__slice_setup(run, error);
  for (guint i = 0; ok && i < later->len; i++)
    ok = schedule_link_events(&g_array_index(later, LinkSection, i), error);
  if (ok && opts->outdir) {
    const char *const *specs = opts->pcap ? opts->pcap : sim_params_get_list(outp, "pcap");
    ok = setup_pcap(run, specs, opts->outdir, (uint32_t)sim_params_get_size(outp, "snaplen"),
                    opts->pcap ? "--pcap" : "[output]", error) &&
         setup_queue_sampler(run, outp, opts->outdir, error);
  } else if (ok && sim_params_get_time(outp, "queue_sample") > 0) {
    /* without a result folder: the interfaces are still checked */
    g_autoptr(GPtrArray) ifcs = g_ptr_array_new();
    ok = select_ifaces(run, sim_params_get_list(outp, "queue_sample_at"), "[output]",
                       "queue_sample_at", ifcs, error);
  }
  if (ok)
    ok = sim__ts_setup(run, outp, opts->outdir, error);
  if (ok) {
    /* Neighbor Discovery on every IPv6 node of a switched segment, now:
     * the node joins its solicited-node groups as soon as it has its
     * addresses (RFC 4861 §7.2.1), and its timers' entity (and random
     * stream) gets an id from the build's order, not from whichever
     * packet first needed it, so that a run split over ranks numbers it
     * as the sequential run does (DESIGN.md rule 3) */
    for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++) {
      SimNode *n = sim_net_node(run->net, i);
      SimIp6 *ip = sim_ip6_of(n);
      for (uint32_t k = 0; ip && k < sim_node_n_ifaces(n); k++) {
        if (sim_iface_is_multiaccess(sim_node_iface(n, k))) {
          sim_nd_install(ip, NULL);
          break;
        }
      }
    }
    ok = parse_parallel(run, error);
  }
  if (ok) {
    /* [expect] is read here so that `ipesim check` validates it and its
     * keys count as read; ipesim test evaluates it after the run */
    run->expects = sim_expect_list_from_scenario(sc, error);
    ok = run->expects != NULL;
  }
  if (ok) {
    /* [sweep] and [metrics] drive the tools; checked here with the rest */
    SimSweep *sw = sim_sweep_from_scenario(sc, error);
    GPtrArray *metrics = sw ? sim_metric_list_from_scenario(sc, error) : NULL;
    ok = metrics != NULL;
    sim_sweep_free(sw);
    if (metrics)
      g_ptr_array_unref(metrics);
  }
  if (ok)
    ok = sim_scenario_check_unused(sc, error);
  for (guint i = 0; i < later->len; i++)
    sim_params_free(g_array_index(later, LinkSection, i).params);
  g_array_unref(later);
  if (!ok) {
    sim_net_run_free(run);
    return NULL;
  }
  return run;
}

void
sim_net_run_add_manifest(SimNetRun *run, const char *key, const char *value)
{
  g_return_if_fail(run != NULL && key != NULL && value != NULL);
  if (!run->manifest_extra)
    run->manifest_extra = g_string_new(NULL);
  g_string_append_printf(run->manifest_extra, "%s=%s\n", key, value);
}

gboolean
sim_net_run_finish(SimNetRun *run, SimScenario *sc, const char *dir, double wall_seconds,
                   long peak_rss_kb, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < run->captures->len; i++) {
    Capture *c = &g_array_index(run->captures, Capture, i);
    GError *e = NULL;
    if (c->w && !sim_pcap_writer_close(c->w, &e) && ok) {
      g_propagate_error(error, e);
      ok = FALSE;
    } else if (e) {
      g_error_free(e);
    }
    c->w = NULL;
  }
  for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++) {
    SimNode *n = sim_net_node(run->net, i);
    for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++)
      sim_iface_set_pcap(sim_node_iface(n, k), NULL);
  }
  if (!ok)
    return FALSE;
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO, "%s: %s", dir, g_strerror(errno));
    return FALSE;
  }
  SimRunInfo info = { wall_seconds, sim_now(run->ctx), peak_rss_kb };
  if (!sim_net_write_results(run->net, dir, &info, error))
    return FALSE;
  if (run->slicing &&
      !sim_slicing_write_results(run->slicing, dir, (SimSliceLinkReport)run->link_report, error))
    return FALSE;
  if (run->queue_sampler) {
    QueueSampler *qs = run->queue_sampler;
    queue_write_recorded(qs);
    SimCsvWriter *w = qs->w;
    qs->w = NULL;
    if (!sim_csv_writer_commit(w, error))
      return FALSE;
  }
  if (!sim__ts_finish(run, error))
    return FALSE;
  /* manifest: what produced these results */
  gsize len = 0;
  g_autofree char *resolved = sim_scenario_to_keyfile_data(sc, &len);
  GString *m = g_string_new(NULL);
  g_string_append_printf(m,
                         "# ipesim run manifest: the scenario as resolved (includes, defaults and "
                         "overrides applied)\n[manifest]\nprogram=ipesim\nversion=%s\nscenario=%s\n"
                         "seed=%u\nrun=%u\n",
                         PACKAGE_VERSION, sim_scenario_name(sc), run->seed, run->run);
  if (run->manifest_extra)
    g_string_append(m, run->manifest_extra->str);
  g_string_append(m, "files=");
  for (const char *const *f = sim_scenario_files(sc); f && *f; f++)
    g_string_append_printf(m, "%s%s", f == sim_scenario_files(sc) ? "" : ";", *f);
  g_string_append(m, "\n\n");
  g_string_append_len(m, resolved, (gssize)len);
  g_autofree char *path = g_build_filename(dir, "manifest.ini", NULL);
  ok = g_file_set_contents(path, m->str, (gssize)m->len, error);
  g_string_free(m, TRUE);
  return ok && sim_net_check_conservation(run->net, error);
}
