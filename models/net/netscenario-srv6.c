/* netscenario-srv6.c - SRv6, VRF and L3VPN sections of scenario files:
 * [srv6] (domain-wide defaults and automatic locators/SIDs), [srv6 NODE],
 * [sid NAME], [policy NAME], [steer NAME], [vrf NAME] and [vpn NAME].
 *
 * VRFs are bound before the routing snapshot, so that links into VRFs
 * (the customer side of a PE) stay out of the provider's routing; every
 * other section is built after it: locators become routable prefixes of
 * their node (sim_routing_add_prefix), SIDs go into the local SID tables,
 * policies and steering into the headends. A [vpn] wires an L3VPN over
 * SRv6: a VRF per site at its PE, a service SID (End.DT46 or End.DT6) per
 * PE from the PE's locator, the other sites' customer prefixes steered to
 * their PE's service SID (through the policy of the VPN's color towards
 * that PE when there is one), and a default route from each CE to its PE.
 */
#define G_LOG_DOMAIN "ipesim-scenario"
#include "config.h"

#include "netscenario-private.h"
#include "srv6.h"
#include "ip4.h"

#include <stdio.h>
#include <string.h>

static const char *const modes[] = { "encaps", "encaps.red", "insert", "insert.red", NULL };
static const char *const tc_modes[] = { "copy", "zero", NULL };
static const char *const fl_modes[] = { "hash", "copy", "zero", NULL };
static const char *const tristate[] = { "inherit", "true", "false", NULL };
static const char *const protocols[] = { "any", "udp", "tcp", "icmpv6", NULL };
static const char *const vpn_behaviours[] = { "End.DT46", "End.DT6", NULL };
static const char *const vpn_modes[] = { "encaps", "encaps.red", NULL };

static const SimParamSpec srv6_params[] = {
  { "nodes", SIM_PARAM_LIST, "", "SRv6 nodes (empty: every router)", NULL, 0, 0 },
  { "locator_block", SIM_PARAM_STRING, "fc00::/32",
    "automatic locators: node k (1, 2, ... in 'nodes' order) gets BLOCK:k::/(block + node_len)",
    NULL, 0, 0 },
  { "node_len", SIM_PARAM_UINT, "16", "locator node bits (RFC 8986 §3.1)", NULL,
    SIM_PARAM_RANGE(8, 64) },
  { "function_len", SIM_PARAM_UINT, "16", "function bits", NULL, SIM_PARAM_RANGE(8, 64) },
  { "end", SIM_PARAM_BOOL, "true", "an End SID LOC::1 per node", NULL, 0, 0 },
  { "end_flavours", SIM_PARAM_STRING, "", "flavours of those End SIDs (PSP, USP, USD)", NULL, 0,
    0 },
  { "end_x", SIM_PARAM_BOOL, "false",
    "an End.X SID LOC::100+k per point-to-point interface k (eth<k>)", NULL, 0, 0 },
  { "usid", SIM_PARAM_BOOL, "false",
    "an End SID with NEXT-C-SID per node under usid_block (uSID, RFC 9800)", NULL, 0, 0 },
  { "usid_block", SIM_PARAM_STRING, "fcbb:bb00::/32",
    "uSID block: node k gets BLOCK:k::/(block + 16), C-SIDs of 16 bits", NULL, 0, 0 },
  { "linux", SIM_PARAM_BOOL, "false", "Linux-compatible processing on every node", NULL, 0, 0 },
  { "domain", SIM_PARAM_LIST, "", "SID space of the SR domain (ingress filter), e.g. fc00::/16",
    NULL, 0, 0 },
};

static const SimParamSpec srv6_node_params[] = {
  { "locator", SIM_PARAM_LIST, "", "locators (PREFIX); the first replaces the automatic one", NULL,
    0, 0 },
  { "block_len", SIM_PARAM_UINT, "0", "locator block bits (0: the locator's length - node_len)",
    NULL, SIM_PARAM_RANGE(0, 120) },
  { "linux", SIM_PARAM_ENUM, "inherit", "Linux-compatible processing", tristate, 0, 0 },
  { "source", SIM_PARAM_STRING, "", "outer source of encapsulations (default: its loopback)", NULL,
    0, 0 },
  { "external", SIM_PARAM_LIST, "",
    "interfaces at the SR domain edge (IFACE or neighbour node): ingress filter", NULL, 0, 0 },
  { "hmac_keys", SIM_PARAM_LIST, "", "HMAC keys ID:SECRET (RFC 8754 §2.1.2)", NULL, 0, 0 },
  { "hmac_required", SIM_PARAM_BOOL, "false",
    "every SRH at the node's SIDs needs an HMAC TLV that verifies", NULL, 0, 0 },
};

static const SimParamSpec sid_params[] = {
  { "node", SIM_PARAM_STRING, NULL, "the node of the SID", NULL, 0, 0 },
  { "sid", SIM_PARAM_STRING, "", "ADDR or ADDR/LEN (/128 by default)", NULL, 0, 0 },
  { "function", SIM_PARAM_STRING, "",
    "instead of sid: the function (hex) under the node's first locator", NULL, 0, 0 },
  { "behaviour", SIM_PARAM_STRING, NULL, "End, End.X, End.T, End.DX6, End.DT6, End.DT46, ...",
    NULL, 0, 0 },
  { "flavours", SIM_PARAM_STRING, "", "PSP, USP, USD, NEXT-C-SID, REPLACE-C-SID", NULL, 0, 0 },
  { "via", SIM_PARAM_STRING, "", "adjacency (End.X, End.DX6): neighbour node or IFACE", NULL, 0,
    0 },
  { "nh6", SIM_PARAM_STRING, "", "IPv6 next hop of the adjacency (default: the neighbour)", NULL,
    0, 0 },
  { "nh4", SIM_PARAM_STRING, "",
    "End.DX4: IPv4 next hop of the adjacency (default: the point-to-point neighbour)", NULL, 0,
    0 },
  { "table", SIM_PARAM_STRING, "main", "lookup table (End.T, End.DT*): main or a [vrf] name",
    NULL, 0, 0 },
  { "policy", SIM_PARAM_STRING, "", "End.B6.*: the [policy] bound", NULL, 0, 0 },
  { "segments", SIM_PARAM_LIST, "", "End.B6.*: the segments (SIDs or node names)", NULL, 0, 0 },
  { "lbl", SIM_PARAM_UINT, "0", "compressed SIDs: locator-block bits (0: the locator's)", NULL,
    SIM_PARAM_RANGE(0, 120) },
  { "lnfl", SIM_PARAM_UINT, "0", "compressed SIDs: node+function bits (0: the SID's rest)", NULL,
    SIM_PARAM_RANGE(0, 120) },
};

static const SimParamSpec policy_params[] = {
  { "headend", SIM_PARAM_STRING, NULL, "the node steering into the policy", NULL, 0, 0 },
  { "color", SIM_PARAM_UINT, "0", "color (RFC 9256 §2.1)", NULL, SIM_PARAM_RANGE(0, 4294967295.0) },
  { "endpoint", SIM_PARAM_STRING, "", "endpoint: ADDR or node name (its loopback)", NULL, 0, 0 },
  { "segments", SIM_PARAM_STRING, NULL,
    "segment lists: SID or node, ...; several lists separated by |", NULL, 0, 0 },
  { "weights", SIM_PARAM_LIST, "", "one weight per segment list (default 1 each)", NULL, 0, 0 },
  { "preference", SIM_PARAM_UINT, "100", "candidate path preference", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "backup", SIM_PARAM_STRING, "", "segment lists of a lower-preference candidate path", NULL, 0,
    0 },
  { "mode", SIM_PARAM_ENUM, "encaps", "headend: encaps, encaps.red, insert, insert.red", modes, 0,
    0 },
  { "source", SIM_PARAM_STRING, "", "outer source (default: the headend's)", NULL, 0, 0 },
  { "hop_limit", SIM_PARAM_STRING, "default", "outer hop limit: default (64), copy, or 1..255",
    NULL, 0, 0 },
  { "traffic_class", SIM_PARAM_ENUM, "copy", "outer traffic class: copy or zero", tc_modes, 0, 0 },
  { "flow_label", SIM_PARAM_ENUM, "hash", "outer flow label: hash, copy or zero", fl_modes, 0, 0 },
  { "hmac_key", SIM_PARAM_UINT, "0", "HMAC key id (a key of the headend's hmac_keys)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "bsid", SIM_PARAM_STRING, "", "binding SID", NULL, 0, 0 },
  { "steer", SIM_PARAM_LIST, "", "destination prefixes steered into the policy", NULL, 0, 0 },
  { "drop_upon_invalid", SIM_PARAM_BOOL, "false",
    "with no valid candidate path drop its traffic (RFC 9256 §8.2) instead of routing it", NULL,
    0, 0 },
};

static const SimParamSpec steer_params[] = {
  { "node", SIM_PARAM_STRING, NULL, "the headend", NULL, 0, 0 },
  { "prefix", SIM_PARAM_STRING, NULL, "destination prefix", NULL, 0, 0 },
  { "table", SIM_PARAM_STRING, "main", "main or a [vrf] name", NULL, 0, 0 },
  { "policy", SIM_PARAM_STRING, "", "the [policy] (of the same headend)", NULL, 0, 0 },
  { "service", SIM_PARAM_STRING, "", "a service SID appended as the last segment", NULL, 0, 0 },
  { "match_protocol", SIM_PARAM_ENUM, "any", "flow classifier: upper-layer protocol", protocols, 0,
    0 },
  { "match_sport", SIM_PARAM_STRING, "", "source port N or N-M", NULL, 0, 0 },
  { "match_dport", SIM_PARAM_STRING, "", "destination port N or N-M", NULL, 0, 0 },
  { "match_dscp", SIM_PARAM_INT, "-1", "DSCP (-1: any)", NULL, SIM_PARAM_RANGE(-1, 63) },
  { "match_src", SIM_PARAM_STRING, "", "source prefix", NULL, 0, 0 },
};

static const SimParamSpec vrf_params[] = {
  { "node", SIM_PARAM_STRING, NULL, "the PE", NULL, 0, 0 },
  { "table", SIM_PARAM_UINT, "0", "table id (0: the next free from 100)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "interfaces", SIM_PARAM_LIST, NULL, "interfaces (IFACE or neighbour node) in the VRF", NULL, 0,
    0 },
};

static const SimParamSpec vpn_params[] = {
  { "sites", SIM_PARAM_LIST, NULL, "CE@PE pairs", NULL, 0, 0 },
  { "behaviour", SIM_PARAM_ENUM, "End.DT46", "service SIDs: End.DT46 or End.DT6", vpn_behaviours,
    0, 0 },
  { "color", SIM_PARAM_UINT, "0",
    "steer through the headend's policy of this color towards the remote PE (0: shortest path)",
    NULL, SIM_PARAM_RANGE(0, 4294967295.0) },
  { "mode", SIM_PARAM_ENUM, "encaps", "headend without a policy: encaps or encaps.red",
    vpn_modes, 0, 0 },
  { "ipv4", SIM_PARAM_BOOL, "false",
    "IPv4 in the sites too: addresses from ipv4_block, one /16 per site, carried by End.DT46",
    NULL, 0, 0 },
  { "ipv4_block", SIM_PARAM_STRING, "10.0.0.0/8",
    "IPv4 block of the sites (site k gets BLOCK + k.0.0/16)", NULL, 0, 0 },
};

#define TYPE(n, k, s, p) { .name = n, .kind = k, .summary = s, .params = p, .n_params = G_N_ELEMENTS(p) }

const SimTypeInfo sim__srv6_scenario_types[] = {
  TYPE("scenario.srv6", "scenario", "[srv6]: SRv6 nodes, automatic locators and SIDs", srv6_params),
  TYPE("srv6.node", "srv6", "[srv6 NODE]: a node's locators, Linux mode, SR domain edge, HMAC",
       srv6_node_params),
  TYPE("sid.srv6", "sid", "[sid NAME]: a local SID (RFC 8986 behaviour and flavours)", sid_params),
  TYPE("policy.srv6", "policy", "[policy NAME]: an SR policy (RFC 9256) and its headend",
       policy_params),
  TYPE("steer.srv6", "steer", "[steer NAME]: steering by prefix, per VRF, by flow", steer_params),
  TYPE("vrf.table", "vrf", "[vrf NAME]: a routing table of a node and its interfaces", vrf_params),
  TYPE("vpn.srv6", "vpn", "[vpn NAME]: an L3VPN over SRv6 between CE@PE sites", vpn_params),
};
const size_t sim__srv6_scenario_n_types = G_N_ELEMENTS(sim__srv6_scenario_types);

/* ---- helpers ------------------------------------------------------------------------------- */

static gboolean
fail(GError **error, SimScenarioSection *sec, const char *key, const char *fmt, ...)
  G_GNUC_PRINTF(4, 5);

static gboolean
fail(GError **error, SimScenarioSection *sec, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (sec) {
    sim__ns_failv(error, sec, key, fmt, ap);
  } else {
    /* the [srv6] section may be absent: its defaults apply */
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "[srv6] %s: %s",
                key ? key : "", msg);
  }
  va_end(ap);
  return FALSE;
}

static SimParams *
parse(SimNetRun *run, SimScenarioSection *sec, const char *type, GError **error)
{
  return sim_params_parse(sim_registry_lookup(run->reg, type), sec, NULL, error);
}

/* The interface @spec of @n: an interface name, or a neighbour's name. */
static SimIface *
iface_spec(SimNetRun *run, SimNode *n, const char *spec)
{
  for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++)
    if (strcmp(sim_iface_name(sim_node_iface(n, k)), spec) == 0)
      return sim_node_iface(n, k);
  SimNode *nbr = sim_net_find_node(run->net, spec);
  return nbr ? iface_towards(n, nbr) : NULL;
}

/* ---- VRFs ------------------------------------------------------------------------------------- */

static SimNetVrf *
vrf_find(SimNetRun *run, SimNode *node, const char *name)
{
  for (guint i = 0; run->vrfs && i < run->vrfs->len; i++) {
    SimNetVrf *v = &g_array_index(run->vrfs, SimNetVrf, i);
    if (v->node == node && strcmp(v->name, name) == 0)
      return v;
  }
  return NULL;
}

static uint32_t
next_table(SimIp6 *ip)
{
  uint32_t t = 100;
  while (sim_ip6_table_exists(ip, t))
    t++;
  return t;
}

static SimNetVrf *
vrf_add(SimNetRun *run, SimScenarioSection *sec, const char *key, SimNode *node, const char *name,
        uint32_t table, GError **error)
{
  SimNetVrf *v = vrf_find(run, node, name);
  if (v)
    return v;
  SimIp6 *ip = sim_ip6_install(node);
  if (table == 0)
    table = next_table(ip);
  GError *e = NULL;
  if (!sim_ip6_table_add(ip, table, &e)) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return NULL;
  }
  if (!run->vrfs)
    run->vrfs = g_array_new(FALSE, FALSE, sizeof(SimNetVrf));
  SimNetVrf nv = { g_strdup(name), node, table };
  g_array_append_val(run->vrfs, nv);
  return &g_array_index(run->vrfs, SimNetVrf, run->vrfs->len - 1);
}

static gboolean
vrf_bind(SimNetRun *run, SimScenarioSection *sec, const char *key, SimNetVrf *v, SimIface *ifc,
         GError **error)
{
  (void)run;
  GError *e = NULL;
  if (!sim_ip6_iface_set_table(sim_ip6_of(v->node), ifc, v->table, &e)) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* "CE@PE" */
static gboolean
site_parse(SimNetRun *run, SimScenarioSection *sec, const char *spec, SimNode **ce, SimNode **pe,
           SimIface **pe_if, GError **error)
{
  g_auto(GStrv) parts = g_strsplit(spec, "@", 2);
  if (!parts[0] || !parts[1] || !*parts[0] || !*parts[1])
    return fail(error, sec, "sites", "'%s': expected CE@PE (a customer edge and its PE)", spec);
  *ce = node_ref(run, sec, "sites", g_strstrip(parts[0]), error);
  *pe = *ce ? node_ref(run, sec, "sites", g_strstrip(parts[1]), error) : NULL;
  if (!*pe)
    return FALSE;
  *pe_if = iface_towards(*pe, *ce);
  if (!*pe_if)
    return fail(error, sec, "sites", "'%s': %s is not a neighbour of %s", spec,
                sim_node_name(*ce), sim_node_name(*pe));
  return TRUE;
}

gboolean
sim__srv6_build_vrfs(SimNetRun *run, GError **error)
{
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    const char *kind = sim_scenario_section_kind(sec);
    if (strcmp(kind, "vrf") == 0) {
      g_autoptr(SimParams) p = parse(run, sec, "vrf.table", error);
      if (!p)
        return FALSE;
      SimNode *n = node_ref(run, sec, "node", sim_params_get_string(p, "node"), error);
      if (!n)
        return FALSE;
      const char *name = sim_scenario_section_name(sec);
      if (vrf_find(run, n, name))
        return fail(error, sec, NULL, "node %s has a VRF %s already", sim_node_name(n), name);
      SimNetVrf *v = vrf_add(run, sec, "table", n, name, (uint32_t)sim_params_get_uint(p, "table"),
                             error);
      if (!v)
        return FALSE;
      for (const char *const *f = sim_params_get_list(p, "interfaces"); f && *f; f++) {
        SimIface *ifc = iface_spec(run, n, *f);
        if (!ifc)
          return fail(error, sec, "interfaces",
                      "node %s has no interface '%s' (an interface name or a neighbour)",
                      sim_node_name(n), *f);
        if (!vrf_bind(run, sec, "interfaces", v, ifc, error))
          return FALSE;
      }
    } else if (strcmp(kind, "vpn") == 0) {
      g_autoptr(SimParams) p = parse(run, sec, "vpn.srv6", error);
      if (!p)
        return FALSE;
      const char *const *sites = sim_params_get_list(p, "sites");
      if (!sites || !sites[0] || !sites[1])
        return fail(error, sec, "sites", "a VPN needs at least two CE@PE sites");
      for (const char *const *s = sites; *s; s++) {
        SimNode *ce, *pe;
        SimIface *pe_if;
        if (!site_parse(run, sec, *s, &ce, &pe, &pe_if, error))
          return FALSE;
        SimNetVrf *v = vrf_add(run, sec, "sites", pe, sim_scenario_section_name(sec), 0, error);
        if (!v || !vrf_bind(run, sec, "sites", v, pe_if, error))
          return FALSE;
      }
    }
  }
  return TRUE;
}

/* ---- SRv6 nodes ----------------------------------------------------------------------------- */

typedef struct {
  SimNode *node;
  SimSrv6 *sr;
  SimIp6Addr source;            /* :: = its own */
  GHashTable *keys;             /* key id -> GBytes secret */
  gboolean has_end;
  SimIp6Addr end_sid;           /* its (first) End SID, for segments given as node names */
} SrNode;

typedef struct {
  SimNetRun *run;
  SimRouting *routing;
  GHashTable *nodes; /* SimNode* -> SrNode* */
  unsigned vpn_index;
} Build;

static void
srnode_free(SrNode *s)
{
  if (s->keys)
    g_hash_table_unref(s->keys);
  g_free(s);
}

static void
set_bits(SimIp6Addr *a, unsigned start, unsigned len, uint64_t value)
{
  for (unsigned i = 0; i < len; i++) {
    unsigned bit = start + i;
    uint8_t m = (uint8_t)(0x80u >> (bit % 8));
    if ((value >> (len - 1 - i)) & 1)
      a->b[bit / 8] |= m;
    else
      a->b[bit / 8] &= (uint8_t)~m;
  }
}

static SrNode *
sr_node(Build *b, SimNode *n)
{
  return g_hash_table_lookup(b->nodes, n);
}

static SimSrv6Sid *
add_sid(Build *b, SimScenarioSection *sec, const char *key, SrNode *s, const SimSrv6SidConfig *c,
        GError **error)
{
  GError *e = NULL;
  SimSrv6Sid *sid = sim_srv6_add_sid(s->sr, c, &e);
  if (!sid) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return NULL;
  }
  if (!s->has_end && strcmp(c->behaviour, "End") == 0 && !c->flavours) {
    s->has_end = TRUE;
    s->end_sid = sim_srv6_sid_prefix(sid)->addr;
  }
  (void)b;
  return sid;
}

static gboolean
add_locator(Build *b, SimScenarioSection *sec, const char *key, SrNode *s,
            const SimSrv6Locator *loc, GError **error)
{
  GError *e = NULL;
  if (!sim_srv6_add_locator(s->sr, loc, &e)) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  if (b->routing && !sim_routing_add_prefix(b->routing, &loc->prefix, s->node)) {
    char buf[SIM_IP6_PREFIX_STRLEN];
    return fail(error, sec, key, "locator %s belongs to another node already",
                sim_ip6_prefix_format(&loc->prefix, buf));
  }
  return TRUE;
}

static gboolean
parse_prefix(SimScenarioSection *sec, const char *key, const char *text, SimIp6Prefix *out,
             GError **error)
{
  GError *e = NULL;
  if (!sim_ip6_prefix_parse(text, out, FALSE, &e)) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_addr(SimScenarioSection *sec, const char *key, const char *text, SimIp6Addr *out,
           GError **error)
{
  GError *e = NULL;
  if (!sim_ip6_addr_parse(text, out, &e)) {
    fail(error, sec, key, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* A segment: an IPv6 address, or a node name (its End SID). */
static gboolean
segment_parse(Build *b, SimScenarioSection *sec, const char *key, const char *text,
              SimIp6Addr *out)
{
  if (sim_ip6_addr_parse(text, out, NULL))
    return TRUE;
  SimNode *n = sim_net_find_node(b->run->net, text);
  SrNode *s = n ? sr_node(b, n) : NULL;
  if (s && s->has_end) {
    *out = s->end_sid;
    return TRUE;
  }
  (void)sec;
  (void)key;
  return FALSE;
}

static gboolean
segments_parse(Build *b, SimScenarioSection *sec, const char *key, const char *text,
               SimIp6Addr *segs, unsigned *n, GError **error)
{
  *n = 0;
  g_auto(GStrv) v = g_strsplit(text, ",", -1);
  for (char **x = v; *x; x++) {
    char *t = g_strstrip(*x);
    if (!*t)
      continue;
    if (*n >= SIM_SRH_MAX_SEGMENTS - 1)
      return fail(error, sec, key, "more than %d segments", SIM_SRH_MAX_SEGMENTS - 1);
    if (!segment_parse(b, sec, key, t, &segs[*n]))
      return fail(error, sec, key,
                  "'%s' is neither an IPv6 address nor an SRv6 node with an End SID", t);
    (*n)++;
  }
  if (*n == 0)
    return fail(error, sec, key, "empty segment list");
  return TRUE;
}

/* The table @name of @n: "main" or one of its VRFs. */
static gboolean
table_ref(Build *b, SimScenarioSection *sec, const char *key, SimNode *n, const char *name,
          uint32_t *table, GError **error)
{
  if (strcmp(name, "main") == 0) {
    *table = SIM_IP6_TABLE_MAIN;
    return TRUE;
  }
  SimNetVrf *v = vrf_find(b->run, n, name);
  if (!v)
    return fail(error, sec, key, "node %s has no VRF '%s' (expected main or a [vrf] name)",
                sim_node_name(n), name);
  *table = v->table;
  return TRUE;
}

static gboolean
build_nodes(Build *b, GError **error)
{
  SimNetRun *run = b->run;
  SimScenarioSection *gsec = sim_scenario_get_section(run->sc, "srv6");
  g_autoptr(SimParams) gp = gsec ? parse(run, gsec, "scenario.srv6", error)
                                 : sim_params_parse_strv(
                                     sim_registry_lookup(run->reg, "scenario.srv6"), NULL, error);
  if (!gp)
    return FALSE;
  /* the SRv6 nodes, in locator order */
  GPtrArray *order = g_ptr_array_new();
  const char *const *list = sim_params_get_list(gp, "nodes");
  if (list && list[0]) {
    for (const char *const *x = list; *x; x++) {
      SimNode *n = node_ref(run, gsec, "nodes", *x, error);
      if (!n) {
        g_ptr_array_unref(order);
        return FALSE;
      }
      g_ptr_array_add(order, n);
    }
  } else {
    for (uint32_t i = 0; i < sim_net_n_nodes(run->net); i++) {
      SimNode *n = sim_net_node(run->net, i);
      if (sim_node_is_forwarding(n) && !sim_node_is_switch(n))
        g_ptr_array_add(order, n);
    }
  }
  SimIp6Prefix block, ublock;
  gboolean ok = parse_prefix(gsec, "locator_block", sim_params_get_string(gp, "locator_block"),
                             &block, error) &&
                parse_prefix(gsec, "usid_block", sim_params_get_string(gp, "usid_block"), &ublock,
                             error);
  unsigned node_len = (unsigned)sim_params_get_uint(gp, "node_len");
  unsigned fn_len = (unsigned)sim_params_get_uint(gp, "function_len");
  unsigned end_fl = 0;
  if (ok) {
    GError *e = NULL;
    if (!sim_srv6_flavours_parse(sim_params_get_string(gp, "end_flavours"), &end_fl, &e)) {
      ok = fail(error, gsec, "end_flavours", "%s", e->message);
      g_error_free(e);
    }
  }
  if (ok && (block.len + node_len + fn_len > 128 || ublock.len + 16 > 112))
    ok = fail(error, gsec, "node_len", "block (%u) + node (%u) + function (%u) exceed 128 bits",
              block.len, node_len, fn_len);
  for (guint k = 0; ok && k < order->len; k++) {
    SimNode *n = order->pdata[k];
    if (sr_node(b, n))
      continue;
    SrNode *s = g_new0(SrNode, 1);
    s->node = n;
    s->sr = sim_srv6_install(sim_ip6_install(n));
    g_hash_table_insert(b->nodes, n, s);
    sim_srv6_set_linux_compat(s->sr, sim_params_get_bool(gp, "linux"));
    for (const char *const *d = sim_params_get_list(gp, "domain"); ok && d && *d; d++) {
      SimIp6Prefix pf;
      ok = parse_prefix(gsec, "domain", *d, &pf, error);
      if (ok)
        sim_srv6_add_domain_prefix(s->sr, &pf);
    }
    /* a [srv6 NODE] section */
    g_autofree char *hdr = g_strdup_printf("srv6 %s", sim_node_name(n));
    SimScenarioSection *nsec = sim_scenario_get_section(run->sc, hdr);
    g_autoptr(SimParams) np = NULL;
    if (nsec) {
      np = parse(run, nsec, "srv6.node", error);
      if (!np) {
        ok = FALSE;
        break;
      }
    }
    const char *const *locs = np ? sim_params_get_list(np, "locator") : NULL;
    SimSrv6Locator loc = { { { { 0 } }, 0 }, 0, 0, 0, 0 };
    if (locs && locs[0]) {
      for (const char *const *l = locs; ok && *l; l++) {
        SimSrv6Locator x;
        ok = parse_prefix(nsec, "locator", *l, &x.prefix, error);
        if (!ok)
          break;
        unsigned bl = (unsigned)sim_params_get_uint(np, "block_len");
        if (bl == 0)
          bl = x.prefix.len > node_len ? x.prefix.len - node_len : 0;
        if (bl > x.prefix.len) {
          ok = fail(error, nsec, "block_len", "%u is longer than the locator /%u", bl,
                    x.prefix.len);
          break;
        }
        x.block_len = (uint8_t)bl;
        x.node_len = (uint8_t)(x.prefix.len - bl);
        x.function_len = (uint8_t)MIN(fn_len, 128u - x.prefix.len);
        x.argument_len = (uint8_t)(128 - x.prefix.len - x.function_len);
        ok = add_locator(b, nsec, "locator", s, &x, error);
        if (l == locs)
          loc = x;
      }
    } else {
      loc.prefix = block;
      set_bits(&loc.prefix.addr, block.len, node_len, k + 1);
      loc.prefix.len = (uint8_t)(block.len + node_len);
      loc.block_len = block.len;
      loc.node_len = (uint8_t)node_len;
      loc.function_len = (uint8_t)fn_len;
      loc.argument_len = (uint8_t)(128 - loc.prefix.len - fn_len);
      ok = add_locator(b, gsec, "locator_block", s, &loc, error);
    }
    if (!ok)
      break;
    if (np) {
      guint lm = sim_params_get_enum(np, "linux");
      if (lm != 0)
        sim_srv6_set_linux_compat(s->sr, lm == 1);
      const char *src = sim_params_get_string(np, "source");
      if (*src && !(ok = parse_addr(nsec, "source", src, &s->source, error)))
        break;
      if (*src)
        sim_srv6_set_source(s->sr, &s->source);
      for (const char *const *x = sim_params_get_list(np, "external"); ok && x && *x; x++) {
        SimIface *ifc = iface_spec(run, n, *x);
        if (!ifc)
          ok = fail(error, nsec, "external", "node %s has no interface '%s'", sim_node_name(n), *x);
        else
          sim_srv6_set_iface_mode(s->sr, ifc, SIM_SRV6_IFACE_EXTERNAL);
      }
      for (const char *const *x = sim_params_get_list(np, "hmac_keys"); ok && x && *x; x++) {
        g_auto(GStrv) kv = g_strsplit(*x, ":", 2);
        char *end = NULL;
        guint64 id = kv[0] ? g_ascii_strtoull(kv[0], &end, 10) : 0;
        if (!kv[0] || !kv[1] || !*kv[1] || !end || *end || id == 0 || id > G_MAXUINT32) {
          ok = fail(error, nsec, "hmac_keys", "'%s': expected ID:SECRET with an id of 1..2^32-1",
                    *x);
          break;
        }
        SimSrhHmacKey key = { (uint32_t)id, (const uint8_t *)kv[1], strlen(kv[1]) };
        GError *e = NULL;
        if (!sim_srv6_add_hmac_key(s->sr, &key, &e)) {
          ok = fail(error, nsec, "hmac_keys", "%s", e->message);
          g_error_free(e);
          break;
        }
        if (!s->keys)
          s->keys = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_bytes_unref);
        g_hash_table_insert(s->keys, GUINT_TO_POINTER((guint)id),
                            g_bytes_new(kv[1], strlen(kv[1])));
      }
      if (ok)
        sim_srv6_set_hmac_required(s->sr, sim_params_get_bool(np, "hmac_required"));
    }
    if (!ok)
      break;
    /* automatic SIDs */
    SimSrv6SidConfig c;
    if (sim_params_get_bool(gp, "end") && loc.function_len) {
      sim_srv6_sid_config_init(&c);
      c.sid.addr = loc.prefix.addr;
      set_bits(&c.sid.addr, loc.prefix.len, loc.function_len, 1);
      c.sid.len = (uint8_t)(loc.prefix.len + loc.function_len);
      c.behaviour = "End";
      c.flavours = end_fl;
      ok = add_sid(b, gsec, "end", s, &c, error) != NULL;
      if (ok && end_fl) {
        s->has_end = TRUE; /* node names in segment lists mean this SID */
        s->end_sid = c.sid.addr;
      }
    }
    if (ok && sim_params_get_bool(gp, "end_x") && loc.function_len) {
      for (uint32_t f = 0; ok && f < sim_node_n_ifaces(n); f++) {
        SimIface *ifc = sim_node_iface(n, f);
        if (sim_iface_is_multiaccess(ifc))
          continue;
        sim_srv6_sid_config_init(&c);
        c.sid.addr = loc.prefix.addr;
        set_bits(&c.sid.addr, loc.prefix.len, loc.function_len, 0x100 + f);
        c.sid.len = (uint8_t)(loc.prefix.len + loc.function_len);
        c.behaviour = "End.X";
        c.out = ifc;
        c.flavours = end_fl;
        ok = add_sid(b, gsec, "end_x", s, &c, error) != NULL;
      }
    }
    if (ok && sim_params_get_bool(gp, "usid")) {
      SimSrv6Locator u = { ublock, ublock.len, 16, 0, (uint8_t)(128 - ublock.len - 16) };
      set_bits(&u.prefix.addr, ublock.len, 16, k + 1);
      u.prefix.len = (uint8_t)(ublock.len + 16);
      ok = add_locator(b, gsec, "usid_block", s, &u, error);
      if (ok) {
        sim_srv6_sid_config_init(&c);
        c.sid = u.prefix;
        c.behaviour = "End";
        c.flavours = SIM_SRV6_NEXT_CSID;
        c.lbl = ublock.len;
        c.lnfl = 16;
        ok = add_sid(b, gsec, "usid", s, &c, error) != NULL;
      }
    }
  }
  g_ptr_array_unref(order);
  return ok;
}

/* ---- [sid] ------------------------------------------------------------------------------------- */

static const SimSrv6Locator *
locator_of(SimSrv6 *sr, const SimIp6Addr *a)
{
  for (guint i = 0; i < sim_srv6_n_locators(sr); i++)
    if (sim_ip6_prefix_contains(&sim_srv6_locator(sr, i)->prefix, a))
      return sim_srv6_locator(sr, i);
  return NULL;
}

/* The SRv6 node named by @key of @sec (a node of [srv6] nodes), its node
 * in *@node; NULL with @error otherwise. */
static SrNode *
sr_node_ref(Build *b, SimScenarioSection *sec, const SimParams *p, const char *key,
            SimNode **node, GError **error)
{
  SimNode *n = node_ref(b->run, sec, key, sim_params_get_string(p, key), error);
  if (!n)
    return NULL;
  SrNode *s = sr_node(b, n);
  if (!s) {
    fail(error, sec, key, "%s is not an SRv6 node (see [srv6] nodes)", sim_node_name(n));
    return NULL;
  }
  *node = n;
  return s;
}

static gboolean
build_sid(Build *b, SimScenarioSection *sec, gboolean with_policy, GError **error)
{
  SimNetRun *run = b->run;
  g_autoptr(SimParams) p = parse(run, sec, "sid.srv6", error);
  if (!p)
    return FALSE;
  if ((*sim_params_get_string(p, "policy") != 0) != with_policy)
    return TRUE; /* the other pass */
  SimNode *n = NULL;
  SrNode *s = sr_node_ref(b, sec, p, "node", &n, error);
  if (!s)
    return FALSE;
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  const char *sid = sim_params_get_string(p, "sid"), *fn = sim_params_get_string(p, "function");
  if (*sid && *fn)
    return fail(error, sec, "function", "give either sid or function, not both");
  if (*sid) {
    if (strchr(sid, '/')) {
      if (!parse_prefix(sec, "sid", sid, &c.sid, error))
        return FALSE;
    } else {
      if (!parse_addr(sec, "sid", sid, &c.sid.addr, error))
        return FALSE;
      c.sid.len = 128;
    }
  } else if (*fn) {
    if (sim_srv6_n_locators(s->sr) == 0)
      return fail(error, sec, "function", "node %s has no locator", sim_node_name(n));
    const SimSrv6Locator *loc = sim_srv6_locator(s->sr, 0);
    char *end = NULL;
    guint64 v = g_ascii_strtoull(fn, &end, 16);
    if (!end || *end || end == fn || (loc->function_len < 64 && v >> loc->function_len))
      return fail(error, sec, "function", "'%s': expected a hexadecimal number of %u bits", fn,
                  loc->function_len);
    c.sid.addr = loc->prefix.addr;
    set_bits(&c.sid.addr, loc->prefix.len, loc->function_len, v);
    c.sid.len = (uint8_t)(loc->prefix.len + loc->function_len);
  } else {
    return fail(error, sec, NULL, "needs 'sid = ADDR[/LEN]' or 'function = HEX'");
  }
  c.behaviour = sim_params_get_string(p, "behaviour");
  GError *e = NULL;
  if (!sim_srv6_flavours_parse(sim_params_get_string(p, "flavours"), &c.flavours, &e)) {
    fail(error, sec, "flavours", "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  const char *via = sim_params_get_string(p, "via");
  if (*via) {
    c.out = iface_spec(run, n, via);
    if (!c.out)
      return fail(error, sec, "via", "node %s has no interface or neighbour '%s'",
                  sim_node_name(n), via);
    const char *nh = sim_params_get_string(p, "nh6");
    if (*nh) {
      if (!parse_addr(sec, "nh6", nh, &c.nh6, error))
        return FALSE;
    } else if (sim_iface_is_multiaccess(c.out)) {
      return fail(error, sec, "nh6", "an adjacency on a switched link needs its next hop address");
    }
    const char *nh4 = sim_params_get_string(p, "nh4");
    if (*nh4) {
      GError *e4 = NULL;
      if (!sim_ip4_addr_parse(nh4, &c.nh4, &e4)) {
        fail(error, sec, "nh4", "%s", e4->message);
        g_error_free(e4);
        return FALSE;
      }
    }
  } else if (*sim_params_get_string(p, "nh4")) {
    return fail(error, sec, "nh4", "an IPv4 next hop needs 'via' (the adjacency)");
  }
  if (!table_ref(b, sec, "table", n, sim_params_get_string(p, "table"), &c.table, error))
    return FALSE;
  SimIp6Addr segs[SIM_SRH_MAX_SEGMENTS];
  const char *const *sl = sim_params_get_list(p, "segments");
  if (sl && sl[0]) {
    g_autofree char *joined = g_strjoinv(",", (char **)sl);
    if (!segments_parse(b, sec, "segments", joined, segs, &c.n_segments, error))
      return FALSE;
    c.segments = segs;
  }
  const char *pol = sim_params_get_string(p, "policy");
  if (*pol) {
    c.policy = sim_srv6_policy_by_name(s->sr, pol);
    if (!c.policy)
      return fail(error, sec, "policy", "no [policy %s] with headend %s", pol, sim_node_name(n));
  }
  c.lbl = (uint8_t)sim_params_get_uint(p, "lbl");
  c.lnfl = (uint8_t)sim_params_get_uint(p, "lnfl");
  if ((c.flavours & (SIM_SRV6_NEXT_CSID | SIM_SRV6_REPLACE_CSID)) && c.lbl == 0) {
    const SimSrv6Locator *loc = locator_of(s->sr, &c.sid.addr);
    c.lbl = loc ? loc->block_len : 0;
  }
  if ((c.flavours & (SIM_SRV6_NEXT_CSID | SIM_SRV6_REPLACE_CSID)) && c.lnfl == 0 &&
      c.sid.len > c.lbl)
    c.lnfl = (uint8_t)(c.sid.len - c.lbl);
  return add_sid(b, sec, "behaviour", s, &c, error) != NULL;
}

/* ---- [policy] and [steer] ------------------------------------------------------------------------- */

static gboolean
headend_config(Build *b, SimScenarioSection *sec, const SimParams *p, SrNode *s,
               SimSrv6HeadendConfig *cfg, GError **error)
{
  (void)b;
  sim_srv6_headend_config_init(cfg);
  cfg->mode = (SimSrv6HeadendMode)sim_params_get_enum(p, "mode");
  cfg->source = s->source;
  const char *src = sim_params_get_string(p, "source");
  if (*src && !parse_addr(sec, "source", src, &cfg->source, error))
    return FALSE;
  const char *hl = sim_params_get_string(p, "hop_limit");
  if (strcmp(hl, "default") == 0) {
    cfg->hop_limit = 0;
  } else if (strcmp(hl, "copy") == 0) {
    cfg->hop_limit = -1;
  } else {
    char *end = NULL;
    guint64 v = g_ascii_strtoull(hl, &end, 10);
    if (!end || *end || end == hl || v < 1 || v > 255)
      return fail(error, sec, "hop_limit", "'%s': expected default, copy, or 1..255", hl);
    cfg->hop_limit = (int)v;
  }
  cfg->copy_traffic_class = sim_params_get_enum(p, "traffic_class") == 0;
  cfg->flow_label = (SimSrv6FlowLabelMode)sim_params_get_enum(p, "flow_label");
  uint32_t key = (uint32_t)sim_params_get_uint(p, "hmac_key");
  if (key) {
    GBytes *secret = s->keys ? g_hash_table_lookup(s->keys, GUINT_TO_POINTER(key)) : NULL;
    if (!secret)
      return fail(error, sec, "hmac_key", "node %s has no HMAC key %u (see [srv6 %s] hmac_keys)",
                  sim_node_name(s->node), key, sim_node_name(s->node));
    gsize len;
    cfg->hmac.key_id = key;
    cfg->hmac.key = g_bytes_get_data(secret, &len);
    cfg->hmac.key_len = len;
  }
  return TRUE;
}

static gboolean
add_lists(Build *b, SimScenarioSection *sec, const char *key, SimSrv6Policy *pol,
          uint32_t preference, const char *text, const char *const *weights, GError **error)
{
  g_auto(GStrv) lists = g_strsplit(text, "|", -1);
  if (weights && weights[0] && g_strv_length((char **)weights) != g_strv_length(lists))
    return fail(error, sec, "weights", "one weight per segment list (%u lists, %u weights)",
                g_strv_length(lists), g_strv_length((char **)weights));
  guint i = 0;
  for (char **l = lists; *l; l++, i++) {
    SimIp6Addr segs[SIM_SRH_MAX_SEGMENTS];
    unsigned n;
    if (!segments_parse(b, sec, key, *l, segs, &n, error))
      return FALSE;
    uint32_t w = 1;
    if (weights && weights[0]) {
      char *end = NULL;
      guint64 v = g_ascii_strtoull(weights[i], &end, 10);
      if (!end || *end || v < 1 || v > G_MAXUINT32)
        return fail(error, sec, "weights", "'%s': expected a weight of at least 1", weights[i]);
      w = (uint32_t)v;
    }
    GError *e = NULL;
    if (!sim_srv6_policy_add_segment_list(pol, preference, segs, n, w, &e)) {
      fail(error, sec, key, "%s", e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
build_policy(Build *b, SimScenarioSection *sec, GError **error)
{
  SimNetRun *run = b->run;
  g_autoptr(SimParams) p = parse(run, sec, "policy.srv6", error);
  if (!p)
    return FALSE;
  SimNode *n = NULL;
  SrNode *s = sr_node_ref(b, sec, p, "headend", &n, error);
  if (!s)
    return FALSE;
  SimSrv6HeadendConfig cfg;
  if (!headend_config(b, sec, p, s, &cfg, error))
    return FALSE;
  SimIp6Addr ep;
  const SimIp6Addr *endpoint = NULL;
  const char *eps = sim_params_get_string(p, "endpoint");
  if (*eps) {
    if (!sim_ip6_addr_parse(eps, &ep, NULL)) {
      SimNode *en = node_ref(run, sec, "endpoint", eps, error);
      const SimIp6Addr *a = en && sim_ip6_of(en) ? sim_ip6_primary_address(sim_ip6_of(en)) : NULL;
      if (!a)
        return en ? fail(error, sec, "endpoint", "node %s has no address", eps) : FALSE;
      ep = *a;
    }
    endpoint = &ep;
  }
  GError *e = NULL;
  SimSrv6Policy *pol = sim_srv6_policy_new(s->sr, sim_scenario_section_name(sec),
                                           (uint32_t)sim_params_get_uint(p, "color"), endpoint,
                                           &cfg, &e);
  if (!pol) {
    fail(error, sec, NULL, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  uint32_t pref = (uint32_t)sim_params_get_uint(p, "preference");
  if (!add_lists(b, sec, "segments", pol, pref, sim_params_get_string(p, "segments"),
                 sim_params_get_list(p, "weights"), error))
    return FALSE;
  const char *backup = sim_params_get_string(p, "backup");
  if (*backup) {
    if (pref == 0)
      return fail(error, sec, "backup", "the preference is 0: no lower one for the backup");
    if (!add_lists(b, sec, "backup", pol, pref - 1, backup, NULL, error))
      return FALSE;
  }
  sim_srv6_policy_set_drop_upon_invalid(pol, sim_params_get_bool(p, "drop_upon_invalid"));
  const char *bsid = sim_params_get_string(p, "bsid");
  if (*bsid) {
    SimIp6Addr a;
    if (!parse_addr(sec, "bsid", bsid, &a, error))
      return FALSE;
    if (!sim_srv6_policy_set_bsid(pol, &a, &e)) {
      fail(error, sec, "bsid", "%s", e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  for (const char *const *x = sim_params_get_list(p, "steer"); x && *x; x++) {
    SimIp6Prefix pf;
    if (!parse_prefix(sec, "steer", *x, &pf, error))
      return FALSE;
    if (!sim_srv6_steer(s->sr, SIM_IP6_TABLE_MAIN, &pf, NULL, pol, NULL, NULL, &e)) {
      fail(error, sec, "steer", "%s", e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
port_range(SimScenarioSection *sec, const char *key, const char *text, uint16_t *lo,
           uint16_t *hi, GError **error)
{
  *lo = *hi = 0;
  if (!*text)
    return TRUE;
  unsigned a, z;
  char extra;
  int k = sscanf(text, "%u-%u%c", &a, &z, &extra);
  if (k == 1)
    z = a;
  if ((k != 1 && k != 2) || a > 65535 || z > 65535 || a > z || z == 0)
    return fail(error, sec, key, "'%s': expected a port N or a range N-M (1..65535)", text);
  *lo = (uint16_t)a;
  *hi = (uint16_t)z;
  return TRUE;
}

static gboolean
build_steer(Build *b, SimScenarioSection *sec, GError **error)
{
  SimNetRun *run = b->run;
  g_autoptr(SimParams) p = parse(run, sec, "steer.srv6", error);
  if (!p)
    return FALSE;
  SimNode *n = NULL;
  SrNode *s = sr_node_ref(b, sec, p, "node", &n, error);
  if (!s)
    return FALSE;
  SimIp6Prefix pf;
  uint32_t table;
  if (!parse_prefix(sec, "prefix", sim_params_get_string(p, "prefix"), &pf, error) ||
      !table_ref(b, sec, "table", n, sim_params_get_string(p, "table"), &table, error))
    return FALSE;
  SimSrv6Policy *pol = NULL;
  const char *pn = sim_params_get_string(p, "policy");
  if (*pn && !(pol = sim_srv6_policy_by_name(s->sr, pn)))
    return fail(error, sec, "policy", "no [policy %s] with headend %s", pn, sim_node_name(n));
  SimIp6Addr service;
  const char *sv = sim_params_get_string(p, "service");
  if (*sv && !segment_parse(b, sec, "service", sv, &service))
    return fail(error, sec, "service", "'%s' is neither an IPv6 address nor an SRv6 node", sv);
  SimSrv6Match m;
  sim_srv6_match_init(&m);
  static const uint8_t protos[] = { 0, SIM_IPPROTO_UDP, SIM_IPPROTO_TCP, SIM_IPPROTO_ICMPV6 };
  m.protocol = protos[sim_params_get_enum(p, "match_protocol")];
  m.dscp = (int)sim_params_get_int(p, "match_dscp");
  if (!port_range(sec, "match_sport", sim_params_get_string(p, "match_sport"), &m.sport_min,
                  &m.sport_max, error) ||
      !port_range(sec, "match_dport", sim_params_get_string(p, "match_dport"), &m.dport_min,
                  &m.dport_max, error))
    return FALSE;
  const char *ms = sim_params_get_string(p, "match_src");
  if (*ms && !parse_prefix(sec, "match_src", ms, &m.src, error))
    return FALSE;
  gboolean classify = m.protocol || m.dscp >= 0 || m.sport_max || m.dport_max || m.src.len;
  GError *e = NULL;
  if (!sim_srv6_steer(s->sr, table, &pf, classify ? &m : NULL, pol, *sv ? &service : NULL, NULL,
                      &e)) {
    fail(error, sec, NULL, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* ---- [vpn] --------------------------------------------------------------------------------------- */

/* The nodes of a site: @ce and what it reaches without going through @pe;
 * @parent_if: each one's interface towards the CE (NULL for the CE). */
static GPtrArray *
site_nodes(SimNode *ce, SimNode *pe, GHashTable *parent_if)
{
  GPtrArray *out = g_ptr_array_new();
  g_ptr_array_add(out, ce);
  g_hash_table_insert(parent_if, ce, NULL);
  for (guint q = 0; q < out->len; q++) {
    SimNode *u = out->pdata[q];
    for (uint32_t k = 0; k < sim_node_n_ifaces(u); k++) {
      SimIface *far = sim_iface_peer(sim_node_iface(u, k));
      SimNode *v = sim_iface_node(far);
      if (v == pe || g_hash_table_contains(parent_if, v))
        continue;
      g_hash_table_insert(parent_if, v, far);
      g_ptr_array_add(out, v);
    }
  }
  return out;
}

/* The prefixes a site announces: its nodes' loopbacks and link subnets. */
static GArray *
site_prefixes(GPtrArray *nodes)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(SimIp6Prefix));
  for (guint i = 0; i < nodes->len; i++) {
    SimIp6 *ip = sim_ip6_of(nodes->pdata[i]);
    SimIp6Addr a;
    SimIface *ifc;
    unsigned len;
    for (guint k = 0; ip && sim_ip6_nth_address(ip, k, &a, &ifc, &len); k++) {
      if (sim_ip6_addr_is_link_local(&a))
        continue;
      SimIp6Prefix pf = { a, (uint8_t)(ifc ? len : 128) };
      sim_ip6_addr_mask(&pf.addr, pf.len);
      bool dup = false;
      for (guint j = 0; j < out->len && !dup; j++) {
        SimIp6Prefix *o = &g_array_index(out, SimIp6Prefix, j);
        dup = o->len == pf.len && sim_ip6_addr_equal(&o->addr, &pf.addr);
      }
      if (!dup)
        g_array_append_val(out, pf);
    }
  }
  return out;
}

typedef struct {
  SimNode *ce, *pe;
  SimIface *pe_if;
  SimIp6Addr service;
  GArray *prefixes;
  uint32_t prefix4; /* the site's IPv4 /16 (0: none) */
} Site;

static gboolean
add_addr4(SimScenarioSection *sec, SimNode *n, SimIface *ifc, uint32_t a, unsigned len,
          GError **error)
{
  GError *e = NULL;
  if (!sim_ip4_add_address(sim_ip4_install(n), ifc, a, len, &e)) {
    fail(error, sec, "ipv4", "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

static gboolean
add_route4(SimScenarioSection *sec, SimNode *n, uint32_t table, uint32_t prefix, unsigned len,
           SimIface *out, uint32_t gw, GError **error)
{
  GError *e = NULL;
  if (!sim_ip4_route_add(sim_ip4_install(n), table, prefix, len, out, gw, &e)) {
    fail(error, sec, "ipv4", "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

/* IPv4 in site @st (number @k of the VPN): the site's /16 is BASE =
 * block + k.0.0; the PE-CE link BASE + 0.0/24 (PE .1, CE .2); the link
 * of member i (BFS order from the CE, 1..254) to its parent BASE +
 * i.0/24 (parent .1, member .2); member i's loopback BASE + 255.(i+1).
 * Default routes towards the PE, routes inside the site along the tree,
 * and the PE's VRF reaches the /16 through the CE. */
static gboolean
site_ipv4(SimScenarioSection *sec, Site *st, GPtrArray *nodes, GHashTable *parent, uint32_t base,
          uint32_t vrf, GError **error)
{
  if (nodes->len > 254)
    return fail(error, sec, "ipv4", "site of %s: more than 254 nodes for its IPv4 plan",
                sim_node_name(st->ce));
  SimIface *ce_if = iface_towards(st->ce, st->pe);
  if (!ce_if)
    return fail(error, sec, "sites", "%s is not a neighbour of %s", sim_node_name(st->ce),
                sim_node_name(st->pe));
  if (!add_addr4(sec, st->pe, st->pe_if, base | 0x0001, 24, error) ||
      !add_addr4(sec, st->ce, ce_if, base | 0x0002, 24, error))
    return FALSE;
  for (guint i = 0; i < nodes->len; i++) {
    SimNode *n = nodes->pdata[i];
    if (!add_addr4(sec, n, NULL, base | 0xff00u | (i + 1), 32, error))
      return FALSE;
    if (i > 0) {
      SimIface *mine = g_hash_table_lookup(parent, n);
      if (!add_addr4(sec, sim_iface_node(sim_iface_peer(mine)), sim_iface_peer(mine),
                     base | (i << 8) | 1, 24, error) ||
          !add_addr4(sec, n, mine, base | (i << 8) | 2, 24, error))
        return FALSE;
    }
  }
  for (guint i = 0; i < nodes->len; i++) {
    SimNode *n = nodes->pdata[i];
    SimIface *up = i == 0 ? ce_if : g_hash_table_lookup(parent, n);
    if (!add_route4(sec, n, SIM_IP6_TABLE_MAIN, 0, 0, up, 0, error))
      return FALSE;
    /* every ancestor reaches member i's loopback and link */
    for (SimNode *cur = n; i > 0 && cur != st->ce;) {
      SimIface *out = sim_iface_peer(g_hash_table_lookup(parent, cur));
      SimNode *par = sim_iface_node(out);
      if (!add_route4(sec, par, SIM_IP6_TABLE_MAIN, base | 0xff00u | (i + 1), 32, out, 0,
                      error))
        return FALSE;
      if (cur != n && !add_route4(sec, par, SIM_IP6_TABLE_MAIN, base | (i << 8), 24, out, 0, error))
        return FALSE;
      cur = par;
    }
  }
  st->prefix4 = base;
  return add_route4(sec, st->pe, vrf, base, 16, st->pe_if, base | 0x0002, error);
}

static gboolean
build_vpn(Build *b, SimScenarioSection *sec, GError **error)
{
  SimNetRun *run = b->run;
  g_autoptr(SimParams) p = parse(run, sec, "vpn.srv6", error);
  if (!p)
    return FALSE;
  b->vpn_index++;
  const char *name = sim_scenario_section_name(sec);
  GArray *sites = g_array_new(FALSE, TRUE, sizeof(Site));
  gboolean ok = TRUE;
  const char *behaviour = sim_params_get_enum(p, "behaviour") == 0 ? "End.DT46" : "End.DT6";
  gboolean ipv4 = sim_params_get_bool(p, "ipv4");
  uint32_t block4 = 0;
  unsigned block4_len = 0;
  if (ipv4) {
    GError *e4 = NULL;
    if (!sim_ip4_prefix_parse(sim_params_get_string(p, "ipv4_block"), &block4, &block4_len, &e4)) {
      fail(error, sec, "ipv4_block", "%s", e4->message);
      g_error_free(e4);
      g_array_unref(sites);
      return FALSE;
    }
    if (block4_len > 15) {
      g_array_unref(sites);
      return fail(error, sec, "ipv4_block", "expected a block of /15 or shorter (a /16 per site)");
    }
    if (strcmp(behaviour, "End.DT46") != 0) {
      g_array_unref(sites);
      return fail(error, sec, "ipv4", "IPv4 sites need behaviour = End.DT46");
    }
  }
  for (const char *const *x = sim_params_get_list(p, "sites"); ok && *x; x++) {
    Site st = { 0 };
    ok = site_parse(run, sec, *x, &st.ce, &st.pe, &st.pe_if, error);
    if (!ok)
      break;
    SrNode *s = sr_node(b, st.pe);
    if (!s) {
      ok = fail(error, sec, "sites", "%s is not an SRv6 node (see [srv6] nodes)",
                sim_node_name(st.pe));
      break;
    }
    SimNetVrf *v = vrf_find(run, st.pe, name);
    g_assert(v);
    /* the PE's service SID: its first locator, function 0xd000 + VPN */
    const Site *same = NULL;
    for (guint i = 0; i < sites->len; i++)
      if (g_array_index(sites, Site, i).pe == st.pe)
        same = &g_array_index(sites, Site, i);
    if (same) {
      st.service = same->service;
    } else {
      if (sim_srv6_n_locators(s->sr) == 0) {
        ok = fail(error, sec, "sites", "PE %s has no locator", sim_node_name(st.pe));
        break;
      }
      const SimSrv6Locator *loc = sim_srv6_locator(s->sr, 0);
      SimSrv6SidConfig c;
      sim_srv6_sid_config_init(&c);
      c.sid.addr = loc->prefix.addr;
      set_bits(&c.sid.addr, loc->prefix.len, loc->function_len, 0xd000u + b->vpn_index);
      c.sid.len = (uint8_t)(loc->prefix.len + loc->function_len);
      c.behaviour = behaviour;
      c.table = v->table;
      ok = add_sid(b, sec, "sites", s, &c, error) != NULL;
      st.service = c.sid.addr;
    }
    /* the site's own routes: a default route from every site node
     * towards the CE, and from the CE to the PE; the PE's VRF reaches
     * the site through the CE */
    g_autoptr(GHashTable) parent = g_hash_table_new(NULL, NULL);
    GPtrArray *nodes = site_nodes(st.ce, st.pe, parent);
    SimIp6Prefix def = { { { 0 } }, 0 };
    for (guint i = 0; ok && i < nodes->len; i++) {
      SimNode *n = nodes->pdata[i];
      SimIp6 *ip = sim_ip6_of(n);
      if (!ip || sim_fib_get(sim_ip6_fib(ip), &def.addr, 0) != SIM_FIB_NONE)
        continue;
      SimIface *out = n == st.ce ? iface_towards(st.ce, st.pe) : g_hash_table_lookup(parent, n);
      GError *e = NULL;
      if (out && !sim_ip6_route_add(ip, &def, &out, 1, &e)) {
        ok = fail(error, sec, "sites", "%s", e->message);
        g_error_free(e);
      }
    }
    /* routes inside the site towards each of its nodes: a default route
     * hides misses, so the shortest-path resolver would never be asked */
    for (guint i = 1; ok && i < nodes->len; i++) {
      SimNode *member = nodes->pdata[i];
      GPtrArray *one = g_ptr_array_new();
      g_ptr_array_add(one, member);
      GArray *vp = site_prefixes(one);
      g_ptr_array_unref(one);
      for (SimNode *cur = member; ok && cur != st.ce;) {
        SimIface *pif = g_hash_table_lookup(parent, cur);
        SimIface *out = sim_iface_peer(pif);
        SimNode *par = sim_iface_node(out);
        SimIp6 *pip = sim_ip6_of(par);
        for (guint k = 0; pip && k < vp->len; k++) {
          SimIp6Prefix *pf = &g_array_index(vp, SimIp6Prefix, k);
          if (sim_fib_get(sim_ip6_fib(pip), &pf->addr, pf->len) != SIM_FIB_NONE)
            continue;
          GError *e = NULL;
          if (!sim_ip6_route_add(pip, pf, &out, 1, &e)) {
            ok = fail(error, sec, "sites", "%s", e->message);
            g_error_free(e);
          }
        }
        cur = par;
      }
      g_array_unref(vp);
    }
    st.prefixes = site_prefixes(nodes);
    if (ok && ipv4) {
      uint32_t k = sites->len + 1u;
      if (k >= (1u << (16 - block4_len)))
        ok = fail(error, sec, "ipv4_block", "too small for %u sites", k);
      else
        ok = site_ipv4(sec, &st, nodes, parent, block4 | (k << 16), v->table, error);
    }
    g_ptr_array_unref(nodes);
    SimIface *ce_if = iface_towards(st.ce, st.pe);
    const SimIp6Addr *ce_addr = ce_if ? sim_ip6_iface_address(sim_ip6_of(st.ce), ce_if) : NULL;
    for (guint i = 0; ok && ce_addr && i < st.prefixes->len; i++) {
      SimIp6Prefix *pf = &g_array_index(st.prefixes, SimIp6Prefix, i);
      SimFib *vf = sim_ip6_table_fib(sim_ip6_of(st.pe), v->table);
      if (sim_fib_get(vf, &pf->addr, pf->len) != SIM_FIB_NONE)
        continue; /* the PE-CE subnet: connected */
      GError *e = NULL;
      if (!sim_ip6_table_route_add_via(sim_ip6_of(st.pe), v->table, pf, &st.pe_if, ce_addr, 1,
                                       &e)) {
        ok = fail(error, sec, "sites", "%s", e->message);
        g_error_free(e);
      }
    }
    g_array_append_val(sites, st);
  }
  /* every site's prefixes, at every other site's PE, to its service SID */
  uint32_t color = (uint32_t)sim_params_get_uint(p, "color");
  SimSrv6HeadendConfig cfg;
  sim_srv6_headend_config_init(&cfg);
  cfg.mode = sim_params_get_enum(p, "mode") == 1 ? SIM_SRV6_H_ENCAPS_RED : SIM_SRV6_H_ENCAPS;
  for (guint i = 0; ok && i < sites->len; i++) {
    Site *from = &g_array_index(sites, Site, i);
    SrNode *s = sr_node(b, from->pe);
    SimNetVrf *v = vrf_find(run, from->pe, name);
    cfg.source = s->source;
    for (guint j = 0; ok && j < sites->len; j++) {
      Site *to = &g_array_index(sites, Site, j);
      if (to->pe == from->pe)
        continue;
      SimSrv6Policy *pol = NULL;
      if (color) {
        const SimIp6Addr *ep = sim_ip6_primary_address(sim_ip6_of(to->pe));
        pol = ep ? sim_srv6_policy_find(s->sr, color, ep) : NULL;
      }
      for (guint k = 0; ok && k <= to->prefixes->len; k++) {
        SimIp6Prefix v4 = { sim_ip4_mapped(to->prefix4), 96 + 16 };
        if (k == to->prefixes->len && !to->prefix4)
          break;
        /* the last one: the site's IPv4 /16 (IPv4-mapped) */
        SimIp6Prefix *pf = k < to->prefixes->len ? &g_array_index(to->prefixes, SimIp6Prefix, k)
                                                 : &v4;
        GError *e = NULL;
        if (!sim_srv6_steer(s->sr, v->table, pf, NULL, pol, &to->service, pol ? NULL : &cfg,
                            &e)) {
          ok = fail(error, sec, "sites", "%s", e->message);
          g_error_free(e);
        }
      }
    }
  }
  for (guint i = 0; i < sites->len; i++)
    if (g_array_index(sites, Site, i).prefixes)
      g_array_unref(g_array_index(sites, Site, i).prefixes);
  g_array_unref(sites);
  return ok;
}

/* ---- the phase after routing ------------------------------------------------------------------- */

static gboolean
any_srv6_section(SimScenario *sc)
{
  static const char *const kinds[] = { "srv6", "sid", "policy", "steer", "vpn", NULL };
  for (guint i = 0; i < sim_scenario_n_sections(sc); i++)
    if (g_strv_contains(kinds, sim_scenario_section_kind(sim_scenario_nth_section(sc, i))))
      return TRUE;
  return FALSE;
}

gboolean
sim__srv6_build(SimNetRun *run, SimRouting *routing, GError **error)
{
  if (!any_srv6_section(run->sc))
    return TRUE;
  Build b = { run, routing,
              g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)srnode_free), 0 };
  gboolean ok = build_nodes(&b, error);
  /* per-node sections of nodes that are not SRv6 nodes */
  for (guint i = 0; ok && i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    const char *nm = sim_scenario_section_name(sec);
    if (strcmp(sim_scenario_section_kind(sec), "srv6") || !nm || !*nm)
      continue;
    SimNode *n = node_ref(run, sec, NULL, sim_scenario_section_name(sec), error);
    if (!n)
      ok = FALSE;
    else if (!sr_node(&b, n))
      ok = fail(error, sec, NULL, "%s is not among the SRv6 nodes (see [srv6] nodes)",
                sim_node_name(n));
  }
  /* SIDs, policies (their segments may name nodes' End SIDs), binding
   * SIDs of policies, steering, VPNs */
  for (int ph = 0; ok && ph < 5; ph++) {
    for (guint i = 0; ok && i < sim_scenario_n_sections(run->sc); i++) {
      SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
      const char *kind = sim_scenario_section_kind(sec);
      if (ph == 0 && strcmp(kind, "sid") == 0)
        ok = build_sid(&b, sec, FALSE, error);
      else if (ph == 1 && strcmp(kind, "policy") == 0)
        ok = build_policy(&b, sec, error);
      else if (ph == 2 && strcmp(kind, "sid") == 0)
        ok = build_sid(&b, sec, TRUE, error);
      else if (ph == 3 && strcmp(kind, "steer") == 0)
        ok = build_steer(&b, sec, error);
      else if (ph == 4 && strcmp(kind, "vpn") == 0)
        ok = build_vpn(&b, sec, error);
    }
  }
  g_hash_table_unref(b.nodes);
  return ok;
}
