/* netscenario-slice.c - network slicing sections of scenario files:
 * [slicing] (isolation, NRP selector, uSID block, admission), [nrp NAME]
 * (a network resource partition: reservation, metric, affinities) and
 * [slice NAME] (an RFC 9543 slice: its NRP and objectives). Flows join a
 * slice with `slice = NAME`. See models/slice/slice.h and docs/slicing.md.
 */
#define G_LOG_DOMAIN "ipesim-scenario"
#include "config.h"

#include "netscenario-private.h"
#include "simunits.h"
#include "classifier.h"

#include <math.h>
#include <string.h>

static const char *const isolations[] = { "none", "soft", "hard", NULL };
static const char *const selectors[] = { "locator", "hbh", "dscp", "flow-label", NULL };
static const char *const metrics[] = { "igp", "delay", "te", NULL };
static const char *const admissions[] = { "report", "strict", NULL };
static const char *const link_reports[] = { "all", "used", "none", NULL };

static const SimParamSpec slicing_params[] = {
  { "isolation", SIM_PARAM_ENUM, "soft",
    "none (one queue per link), soft (DRR over NRPs, work conserving) or hard (NRPs shaped to "
    "their reservations)",
    isolations, 0, 0 },
  { "selector", SIM_PARAM_ENUM, "hbh",
    "what names the NRP in packets: locator, hbh (Hop-by-Hop NRP option), dscp or flow-label",
    selectors, 0, 0 },
  { "usid_block", SIM_PARAM_STRING, "fcbb:bc00::/32",
    "uSID block of the NRP paths (locator selector: NRP k uses the block + k in its last 8 bits)",
    NULL, 0, 0 },
  { "nrp_option", SIM_PARAM_UINT, "62", "Hop-by-Hop option type of the NRP ID (62 = 0x3E)", NULL,
    SIM_PARAM_RANGE(2, 255) },
  { "flow_label_bits", SIM_PARAM_UINT, "4", "flow-label selector: top bits naming the NRP",
    NULL, SIM_PARAM_RANGE(1, 8) },
  { "default_queue_packets", SIM_PARAM_UINT, "1000",
    "queue of the traffic outside slices on each link", NULL, SIM_PARAM_RANGE(1, 4294967295.0) },
  { "hard_burst", SIM_PARAM_SIZE, "0B",
    "hard isolation: bucket depth of the NRP shapers (0: two MTU-sized frames)", NULL, 0, 0 },
  { "admission", SIM_PARAM_ENUM, "report",
    "a slice that fails admission: report it (warning, slices.csv) or make it an error (strict)",
    admissions, 0, 0 },
  { "link_report", SIM_PARAM_ENUM, "used",
    "rows of nrp_links.csv: all reservations, used (what carried traffic) or none", link_reports,
    0, 0 },
};

static const SimParamSpec nrp_params[] = {
  { "id", SIM_PARAM_UINT, "0", "NRP ID (0: its position, 1, 2, ...)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "bandwidth", SIM_PARAM_STRING, NULL,
    "reservation on every link it uses: a share (20%, 0.2) or a rate (5Gbps)", NULL, 0, 0 },
  { "metric", SIM_PARAM_ENUM, "igp", "path metric: igp, delay or te", metrics, 0, 0 },
  { "include_any", SIM_PARAM_LIST, "", "links need one of these affinities", NULL, 0, 0 },
  { "include_all", SIM_PARAM_LIST, "", "links need all of these affinities", NULL, 0, 0 },
  { "exclude_any", SIM_PARAM_LIST, "", "links with one of these affinities are avoided", NULL, 0,
    0 },
  { "dscp", SIM_PARAM_INT, "-1", "dscp selector: the DSCP naming the NRP", NULL,
    SIM_PARAM_RANGE(-1, 63) },
  { "queue_packets", SIM_PARAM_UINT, "1000", "its queue on each link", NULL,
    SIM_PARAM_RANGE(1, 4294967295.0) },
  { "priority_dscp", SIM_PARAM_LIST, "",
    "outer DSCPs served first inside its queue (strict priority; names like EF or numbers)", NULL,
    0, 0 },
};

static const SimParamSpec slice_params[] = {
  { "nrp", SIM_PARAM_STRING, NULL, "the [nrp] realising the slice", NULL, 0, 0 },
  { "bandwidth", SIM_PARAM_RATE, "0bps", "guaranteed bandwidth per connectivity construct (flow)",
    NULL, 0, 0 },
  { "latency", SIM_PARAM_TIME, "0s", "maximum one-way latency (0: none)", NULL, 0, 0 },
  { "latency_quantile", SIM_PARAM_RATIO, "0.99999",
    "share of the packets that must meet the latency", NULL, 0, 0 },
  { "loss", SIM_PARAM_RATIO, "1", "maximum loss ratio", NULL, 0, 0 },
  { "jitter", SIM_PARAM_TIME, "0s", "maximum RFC 3550 jitter of each flow (0: none)", NULL, 0,
    0 },
  { "dscp", SIM_PARAM_INT, "-1",
    "DSCP of the slice's packets: the edge steers them by it (-1: any)", NULL,
    SIM_PARAM_RANGE(-1, 63) },
};

#define TYPE(n, k, s, p) { .name = n, .kind = k, .summary = s, .params = p, .n_params = G_N_ELEMENTS(p) }

const SimTypeInfo sim__slice_scenario_types[] = {
  TYPE("scenario.slicing", "scenario", "[slicing]: NRP isolation, selector, admission",
       slicing_params),
  TYPE("nrp.partition", "nrp", "[nrp NAME]: a network resource partition (RFC 9732)", nrp_params),
  TYPE("slice.ietf", "slice", "[slice NAME]: a network slice (RFC 9543) and its objectives",
       slice_params),
};
const size_t sim__slice_scenario_n_types = G_N_ELEMENTS(sim__slice_scenario_types);

#define fail sim__ns_fail

/* Affinity names of the links, in order of first appearance: bit i is
 * the i-th name. */
static gboolean
affinity_bits(SimNetRun *run, GPtrArray *names, SimScenarioSection *sec, const char *key,
              const char *const *list, uint64_t *out, GError **error)
{
  *out = 0;
  for (const char *const *x = list; x && *x; x++) {
    if (!**x)
      continue;
    guint i;
    if (!g_ptr_array_find_with_equal_func(names, *x, g_str_equal, &i))
      return fail(error, sec, key, "no link has the affinity '%s'%s", *x,
                  names->len ? "" : " (links name theirs with `affinity = ...`)");
    *out |= UINT64_C(1) << i;
  }
  (void)run;
  return TRUE;
}

static gboolean
wanted(SimNetRun *run)
{
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    const char *k = sim_scenario_section_kind(sim_scenario_nth_section(run->sc, i));
    if (!strcmp(k, "slicing") || !strcmp(k, "nrp") || !strcmp(k, "slice"))
      return TRUE;
  }
  return FALSE;
}

gboolean
sim__slice_build(SimNetRun *run, SimRouting *routing, GError **error)
{
  if (!wanted(run))
    return TRUE;
  SimScenarioSection *gsec = sim_scenario_get_section(run->sc, "slicing");
  const SimTypeInfo *ginfo = sim_registry_lookup(run->reg, "scenario.slicing");
  g_autoptr(SimParams) gp =
    gsec ? sim_params_parse(ginfo, gsec, NULL, error) : sim_params_parse_strv(ginfo, NULL, error);
  if (!gp)
    return FALSE;
  SimSlicingConfig cfg;
  sim_slicing_config_init(&cfg);
  cfg.isolation = (SimNrpIsolation)sim_params_get_enum(gp, "isolation");
  cfg.selector = (SimNrpSelector)sim_params_get_enum(gp, "selector");
  cfg.nrp_option = (uint8_t)sim_params_get_uint(gp, "nrp_option");
  cfg.flow_label_bits = (uint8_t)sim_params_get_uint(gp, "flow_label_bits");
  cfg.default_queue_packets = (uint32_t)sim_params_get_uint(gp, "default_queue_packets");
  cfg.hard_burst = sim_params_get_size(gp, "hard_burst");
  run->link_report = (int)sim_params_get_enum(gp, "link_report");
  /* enum order: all, used, none = SimSliceLinkReport */
  GError *e = NULL;
  if (!sim_ip6_prefix_parse(sim_params_get_string(gp, "usid_block"), &cfg.usid_block, FALSE, &e)) {
    gboolean r = gsec ? fail(error, gsec, "usid_block", "%s", e->message) : FALSE;
    g_error_free(e);
    return r;
  }
  run->slicing = sim_slicing_new(run->net, routing, &cfg, &e);
  if (!run->slicing) {
    if (gsec)
      fail(error, gsec, "usid_block", "%s", e->message);
    else
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "[slicing]: %s",
                  e->message);
    g_error_free(e);
    return FALSE;
  }
  /* per-link metric, TE metric and affinities */
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (uint32_t l = 0; l < sim_net_n_links(run->net); l++) {
    const char *a = g_ptr_array_index(run->link_affinity, l);
    uint64_t bits = 0;
    if (a) {
      g_auto(GStrv) parts = g_strsplit(a, ",", -1);
      for (char **x = parts; *x; x++) {
        g_strstrip(*x);
        if (!**x)
          continue;
        guint i;
        if (!g_ptr_array_find_with_equal_func(names, *x, g_str_equal, &i)) {
          if (names->len == 64) {
            g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                        "link %s: more than 64 affinity names in the network",
                        sim_link_name(sim_net_link(run->net, l)));
            return FALSE;
          }
          i = names->len;
          g_ptr_array_add(names, g_strdup(*x));
        }
        bits |= UINT64_C(1) << i;
      }
    }
    sim_slicing_set_link(run->slicing, sim_net_link(run->net, l),
                         g_array_index(run->link_metric, uint32_t, l),
                         g_array_index(run->link_te, uint32_t, l), bits);
  }
  /* NRPs */
  guint n_nrp = 0;
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "nrp") != 0)
      continue;
    g_autoptr(SimParams) p =
      sim_params_parse(sim_registry_lookup(run->reg, "nrp.partition"), sec, NULL, error);
    if (!p)
      return FALSE;
    SimNrpConfig nc;
    sim_nrp_config_init(&nc);
    nc.name = sim_scenario_section_name(sec);
    if (!nc.name || !*nc.name)
      return fail(error, sec, NULL, "needs a name: [nrp NAME]");
    n_nrp++;
    nc.id = (uint32_t)sim_params_get_uint(p, "id");
    if (nc.id == 0)
      nc.id = n_nrp;
    const char *bw = sim_params_get_string(p, "bandwidth");
    size_t bl = strlen(bw);
    double share = 0;
    if (bl > 0 && bw[bl - 1] == '%') {
      if (!sim_units_parse_ratio(bw, &share, NULL) || !(share > 0))
        return fail(error, sec, "bandwidth", "'%s': expected a share in (0%%, 100%%] or a rate",
                    bw);
    } else if (sim_units_parse_double(bw, &share, NULL)) {
      if (!(share > 0 && share <= 1))
        return fail(error, sec, "bandwidth", "'%s': expected a share in (0, 1] or a rate", bw);
    } else if (!sim_units_parse_rate(bw, &nc.bandwidth_bps, NULL) || nc.bandwidth_bps == 0) {
      return fail(error, sec, "bandwidth",
                  "'%s': expected a share (20%%, 0.2) or a rate (5Gbps)", bw);
    }
    nc.share = share;
    nc.metric = (SimNrpMetric)sim_params_get_enum(p, "metric");
    if (!affinity_bits(run, names, sec, "include_any", sim_params_get_list(p, "include_any"),
                       &nc.include_any, error) ||
        !affinity_bits(run, names, sec, "include_all", sim_params_get_list(p, "include_all"),
                       &nc.include_all, error) ||
        !affinity_bits(run, names, sec, "exclude_any", sim_params_get_list(p, "exclude_any"),
                       &nc.exclude_any, error))
      return FALSE;
    nc.dscp = (int)sim_params_get_int(p, "dscp");
    nc.queue_packets = (uint32_t)sim_params_get_uint(p, "queue_packets");
    for (const char *const *x = sim_params_get_list(p, "priority_dscp"); x && *x; x++) {
      uint8_t d;
      if (!**x)
        continue;
      if (!sim_dscp_parse(*x, &d, &e)) {
        fail(error, sec, "priority_dscp", "%s", e->message);
        g_error_free(e);
        return FALSE;
      }
      nc.priority_dscp |= UINT64_C(1) << d;
    }
    if (!sim_slicing_add_nrp(run->slicing, &nc, &e)) {
      fail(error, sec, NULL, "%s", e->message);
      g_error_free(e);
      return FALSE;
    }
  }
  if (n_nrp == 0) {
    SimScenarioSection *any = gsec;
    for (guint i = 0; !any && i < sim_scenario_n_sections(run->sc); i++)
      if (!strcmp(sim_scenario_section_kind(sim_scenario_nth_section(run->sc, i)), "slice"))
        any = sim_scenario_nth_section(run->sc, i);
    return fail(error, any, NULL, "slicing needs at least one [nrp NAME] section");
  }
  /* slices */
  run->slices = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "slice") != 0)
      continue;
    g_autoptr(SimParams) p =
      sim_params_parse(sim_registry_lookup(run->reg, "slice.ietf"), sec, NULL, error);
    if (!p)
      return FALSE;
    SimSliceConfig sc;
    sim_slice_config_init(&sc);
    sc.name = sim_scenario_section_name(sec);
    if (!sc.name || !*sc.name)
      return fail(error, sec, NULL, "needs a name: [slice NAME]");
    const char *nn = sim_params_get_string(p, "nrp");
    sc.nrp = sim_slicing_find_nrp(run->slicing, nn);
    if (!sc.nrp) {
      GString *all = g_string_new(NULL);
      for (guint k = 0; k < sim_slicing_n_nrps(run->slicing); k++)
        g_string_append_printf(all, "%s%s", k ? ", " : "",
                               sim_nrp_config(sim_slicing_nrp(run->slicing, k))->name);
      fail(error, sec, "nrp", "no [nrp %s] (expected one of: %s)", nn, all->str);
      g_string_free(all, TRUE);
      return FALSE;
    }
    sc.bandwidth_bps = sim_params_get_rate(p, "bandwidth");
    sc.latency = sim_params_get_time(p, "latency");
    sc.latency_quantile = sim_params_get_ratio(p, "latency_quantile");
    if (!(sc.latency_quantile > 0))
      return fail(error, sec, "latency_quantile", "expected a share above 0");
    sc.loss = sim_params_get_ratio(p, "loss");
    sc.jitter = sim_params_get_time(p, "jitter");
    sc.dscp = (int)sim_params_get_int(p, "dscp");
    SimSlice *s = sim_slicing_add_slice(run->slicing, &sc, &e);
    if (!s) {
      fail(error, sec, NULL, "%s", e->message);
      g_error_free(e);
      return FALSE;
    }
    g_hash_table_insert(run->slices, (gpointer)sim_slice_config(s)->name, s);
  }
  return TRUE;
}

gboolean
sim__slice_join(SimNetRun *run, SimScenarioSection *sec, SimFlow *flow, gboolean tc_given,
                GError **error)
{
  const char *name = sim_scenario_section_get(sec, "slice", NULL);
  if (!name || !*name)
    return TRUE;
  SimSlice *s = run->slices ? g_hash_table_lookup(run->slices, name) : NULL;
  if (!s)
    return fail(error, sec, "slice", "no [slice %s]", name);
  if (!flow)
    return fail(error, sec, "slice", "the application makes no flow to put into slice %s", name);
  int dscp = sim_slice_config(s)->dscp;
  if (tc_given && dscp >= 0 && (sim_flow_config(flow)->traffic_class >> 2) != dscp)
    return fail(error, sec, "traffic_class",
                "DSCP %u, but slice %s takes the packets of DSCP %d at the edge",
                sim_flow_config(flow)->traffic_class >> 2, name, dscp);
  GError *e = NULL;
  if (!sim_slice_add_flow(s, flow, &e)) {
    fail(error, sec, "slice", "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

gboolean
sim__slice_setup(SimNetRun *run, GError **error)
{
  if (!run->slicing)
    return TRUE;
  GError *e = NULL;
  SimScenarioSection *gsec = sim_scenario_get_section(run->sc, "slicing");
  if (!sim_slicing_setup(run->slicing, &e)) {
    /* without [slicing], the first [nrp] (there is one) gives file and line */
    SimScenarioSection *at = gsec;
    for (guint i = 0; !at && i < sim_scenario_n_sections(run->sc); i++)
      if (!strcmp(sim_scenario_section_kind(sim_scenario_nth_section(run->sc, i)), "nrp"))
        at = sim_scenario_nth_section(run->sc, i);
    g_autofree char *w = at ? where(at, NULL) : g_strdup(sim_scenario_name(run->sc));
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "%s: slicing: %s", w,
                e->message);
    g_error_free(e);
    return FALSE;
  }
  gboolean strict = FALSE;
  if (gsec) {
    const char *a = sim_scenario_section_get(gsec, "admission", NULL);
    strict = a && strcmp(a, "strict") == 0;
  }
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "slice") != 0)
      continue;
    SimSlice *s = g_hash_table_lookup(run->slices, sim_scenario_section_name(sec));
    const char *why = NULL;
    if (!s || sim_slice_admitted(s, &why))
      continue;
    if (sim_slice_n_flows(s) == 0)
      continue;
    if (strict)
      return fail(error, sec, NULL, "not admitted: %s", why ? why : "?");
    g_autofree char *w = where(sec, NULL);
    warn(run, "%s: [%s] not admitted: %s", w, sim_scenario_section_header(sec), why ? why : "?");
  }
  for (guint i = 0; i < sim_scenario_n_sections(run->sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(run->sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "slice") != 0)
      continue;
    SimSlice *s = g_hash_table_lookup(run->slices, sim_scenario_section_name(sec));
    if (s && sim_slice_n_flows(s) == 0) {
      g_autofree char *w = where(sec, NULL);
      warn(run, "%s: [%s] has no flows (flows join with slice = %s)", w,
           sim_scenario_section_header(sec), sim_scenario_section_name(sec));
    }
  }
  return TRUE;
}
