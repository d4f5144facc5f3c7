/* test-simregistry.c - the registry of model types (add, duplicates,
 * validation, lookups, name order, the listing) and parameter values
 * (defaults, unknown and missing keys with file:line, units, bounds,
 * choices, keys left to the caller, the key=value entry point, getters). */
#include "config.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "simregistry.h"
#include "simunits.h"

/* A kind-specific class embedding SimTypeInfo, as models do. */
typedef struct {
  SimTypeInfo info;
  int magic;
} TestLinkClass;

static const char *const queue_choices[] = { "droptail", "red", "codel", NULL };

static const SimParamSpec p2p_params[] = {
  { .name = "rate", .type = SIM_PARAM_RATE, .default_value = "1Gbps", .doc = "line rate",
    SIM_PARAM_AT_LEAST(1) },
  { .name = "delay", .type = SIM_PARAM_TIME, .doc = "propagation delay" },
  { .name = "mtu", .type = SIM_PARAM_SIZE, .default_value = "1500B", .doc = "largest frame",
    SIM_PARAM_RANGE(1280, 9216) },
  { .name = "queue", .type = SIM_PARAM_ENUM, .default_value = "droptail", .doc = "discipline",
    .choices = queue_choices },
  { .name = "loss", .type = SIM_PARAM_RATIO, .default_value = "0", .doc = "loss probability" },
  { .name = "pps", .type = SIM_PARAM_PKT_RATE, .default_value = "0pps", .doc = "policer" },
  { .name = "prio", .type = SIM_PARAM_INT, .default_value = "-1", .doc = "priority",
    SIM_PARAM_RANGE(-8, 7) },
  { .name = "count", .type = SIM_PARAM_UINT, .default_value = "3", .doc = "copies" },
  { .name = "weight", .type = SIM_PARAM_DOUBLE, .default_value = "0.5", .doc = "weight" },
  { .name = "up", .type = SIM_PARAM_BOOL, .default_value = "true", .doc = "initial state" },
  { .name = "label", .type = SIM_PARAM_STRING, .default_value = "", .doc = "free text" },
  { .name = "tags", .type = SIM_PARAM_LIST, .default_value = "a, b", .doc = "tags" },
};

static const TestLinkClass p2p_class = {
  .info = { .name = "link.p2p", .kind = "link", .summary = "point-to-point link",
            .params = p2p_params, .n_params = G_N_ELEMENTS(p2p_params) },
  .magic = 42,
};

static const SimParamSpec cbr_params[] = {
  { .name = "rate", .type = SIM_PARAM_RATE, .default_value = "1Mbps", .doc = "sending rate" },
};

static const SimTypeInfo cbr_info = {
  .name = "app.cbr", .kind = "app", .summary = "constant bit rate source",
  .params = cbr_params, .n_params = G_N_ELEMENTS(cbr_params),
};

static const SimTypeInfo grid_info = {
  .name = "topology.grid", .kind = "topology", .summary = "rows x columns of routers",
};

static const SimTypeInfo end_x_info = {
  .name = "srv6.End.X", .kind = "srv6", .summary = "endpoint with cross-connect",
};

static SimRegistry *
registry_with_types(void)
{
  SimRegistry *reg = sim_registry_new();
  const SimTypeInfo *infos[] = { &p2p_class.info, &grid_info, &cbr_info, &end_x_info };
  for (size_t i = 0; i < G_N_ELEMENTS(infos); i++) {
    GError *error = NULL;
    cr_assert(sim_registry_add(reg, infos[i], &error), "add %s: %s", infos[i]->name,
              error ? error->message : "?");
  }
  return reg;
}

/* ---- registry ----------------------------------------------------------------------- */

Test(registry, add_and_lookup)
{
  g_autoptr(SimRegistry) reg = registry_with_types();
  cr_assert_eq(sim_registry_lookup(reg, "app.cbr"), &cbr_info);
  cr_assert_eq(sim_registry_lookup(reg, "srv6.End.X"), &end_x_info);
  cr_assert_null(sim_registry_lookup(reg, "app.vbr"));
  cr_assert_null(sim_registry_lookup(reg, "cbr"));
}

Test(registry, lookup_by_kind_and_cast_to_class)
{
  g_autoptr(SimRegistry) reg = registry_with_types();
  const SimTypeInfo *info = sim_registry_lookup_kind(reg, "link", "p2p");
  cr_assert_eq(info, &p2p_class.info);
  const TestLinkClass *cls = (const TestLinkClass *)info;
  cr_assert_eq(cls->magic, 42);
  cr_assert_eq(sim_registry_lookup_kind(reg, "app", "cbr"), &cbr_info);
  cr_assert_null(sim_registry_lookup_kind(reg, "link", "cbr"));
}

Test(registry, duplicate_name_is_an_error)
{
  g_autoptr(SimRegistry) reg = registry_with_types();
  static const SimTypeInfo again = { .name = "app.cbr", .kind = "app", .summary = "other" };
  GError *error = NULL;
  cr_assert(!sim_registry_add(reg, &again, &error));
  cr_assert(g_error_matches(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_DUPLICATE), "%s",
            error->message);
  cr_assert(strstr(error->message, "'app.cbr'"), "%s", error->message);
  g_error_free(error);
  cr_assert_eq(sim_registry_lookup(reg, "app.cbr"), &cbr_info, "the first one stays");
  cr_assert_eq(sim_registry_n_types(reg), 4);
}

static void
add_bad(const SimTypeInfo *info, int code, const char *fragment)
{
  g_autoptr(SimRegistry) reg = sim_registry_new();
  GError *error = NULL;
  cr_assert(!sim_registry_add(reg, info, &error), "%s accepted", info->name);
  cr_assert(g_error_matches(error, SIM_REGISTRY_ERROR, code), "%s: code %d, expected %d: %s",
            info->name, error->code, code, error->message);
  cr_assert(strstr(error->message, fragment), "'%s' not in: %s", fragment, error->message);
  g_error_free(error);
  cr_assert_eq(sim_registry_n_types(reg), 0);
}

Test(registry, malformed_types_are_refused)
{
  static const SimTypeInfo wrong_kind = { .name = "link.p2p", .kind = "app" };
  add_bad(&wrong_kind, SIM_REGISTRY_ERROR_INVALID, "KIND.SHORT");
  static const SimTypeInfo no_short = { .name = "link.", .kind = "link" };
  add_bad(&no_short, SIM_REGISTRY_ERROR_INVALID, "KIND.SHORT");
  static const SimTypeInfo prefix_only = { .name = "linkx.p2p", .kind = "link" };
  add_bad(&prefix_only, SIM_REGISTRY_ERROR_INVALID, "KIND.SHORT");

  static const SimParamSpec twice[] = { { .name = "a", .type = SIM_PARAM_INT },
                                        { .name = "a", .type = SIM_PARAM_UINT } };
  static const SimTypeInfo dup = { .name = "x.dup", .kind = "x", .params = twice,
                                   .n_params = 2 };
  add_bad(&dup, SIM_REGISTRY_ERROR_DUPLICATE, "'a' listed twice");

  static const SimParamSpec bad_name[] = { { .name = "a.b", .type = SIM_PARAM_INT } };
  static const SimTypeInfo bn = { .name = "x.bn", .kind = "x", .params = bad_name,
                                  .n_params = 1 };
  add_bad(&bn, SIM_REGISTRY_ERROR_INVALID, "'a.b'");

  static const SimParamSpec no_choices[] = { { .name = "q", .type = SIM_PARAM_ENUM } };
  static const SimTypeInfo nc = { .name = "x.nc", .kind = "x", .params = no_choices,
                                  .n_params = 1 };
  add_bad(&nc, SIM_REGISTRY_ERROR_INVALID, "without choices");

  static const SimParamSpec bad_default[] = {
    { .name = "rate", .type = SIM_PARAM_RATE, .default_value = "fast" }
  };
  static const SimTypeInfo bd = { .name = "x.bd", .kind = "x", .params = bad_default,
                                  .n_params = 1 };
  add_bad(&bd, SIM_REGISTRY_ERROR_INVALID, "default of 'rate': 'fast'");

  static const SimParamSpec out_of_bounds[] = {
    { .name = "rate", .type = SIM_PARAM_RATE, .default_value = "0bps", SIM_PARAM_AT_LEAST(1) }
  };
  static const SimTypeInfo ob = { .name = "x.ob", .kind = "x", .params = out_of_bounds,
                                  .n_params = 1 };
  add_bad(&ob, SIM_REGISTRY_ERROR_INVALID, "below the minimum of 1bps");
}

Test(registry, iteration_in_name_order)
{
  g_autoptr(SimRegistry) reg = registry_with_types();
  const char *expected[] = { "app.cbr", "link.p2p", "srv6.End.X", "topology.grid" };
  cr_assert_eq(sim_registry_n_types(reg), G_N_ELEMENTS(expected));
  for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
    const char *name = sim_registry_nth_type(reg, i)->name;
    cr_assert_str_eq(name, expected[i], "type %u is %s, expected %s", i, name, expected[i]);
  }
}

Test(registry, describe_lists_types_params_and_defaults)
{
  g_autoptr(SimRegistry) reg = registry_with_types();
  GString *out = g_string_new(NULL);
  sim_registry_describe(reg, out);
  const char *fragments[] = {
    "app.cbr - constant bit rate source", "link.p2p - point-to-point link",
    "topology.grid - rows x columns",     "(no parameters)",
    "PARAMETER",                          "DEFAULT",
    "rate (bit/s)",                       "1Gbps",
    "at least 1bps",                      "(required)",
    "propagation delay",                  "1280B to 9KiB",
    "one of: droptail, red, codel",       "-8 to 7",
    "pkt-rate (pps)",                     "ratio (0..1)",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(fragments); i++)
    cr_assert(strstr(out->str, fragments[i]), "'%s' missing from:\n%s", fragments[i], out->str);
  for (size_t i = 0; i < G_N_ELEMENTS(p2p_params); i++)
    cr_assert(strstr(out->str, p2p_params[i].name), "'%s' missing", p2p_params[i].name);
  /* Name order in the listing too. */
  const char *app = strstr(out->str, "app.cbr -");
  const char *link = strstr(out->str, "link.p2p -");
  cr_assert(app && link && app < link, "listing not in name order:\n%s", out->str);
  cr_assert_null(strstr(out->str, " \n"), "trailing blanks:\n%s", out->str);
  g_string_free(out, TRUE);
}

Test(registry, type_names)
{
  cr_assert_str_eq(sim_param_type_name(SIM_PARAM_TIME), "time");
  cr_assert_str_eq(sim_param_type_name(SIM_PARAM_PKT_RATE), "pkt-rate");
  cr_assert_str_eq(sim_param_type_name(SIM_PARAM_LIST), "list");
  for (int t = 0; t < SIM_PARAM_N; t++)
    cr_assert_not_null(sim_param_type_name((SimParamType)t), "type %d has no name", t);
}

/* ---- parameters ---------------------------------------------------------------------- */

static SimScenario *
scenario(const char *text)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load_data("params.ini", text, -1, &error);
  cr_assert_not_null(sc, "scenario refused: %s", error ? error->message : "?");
  return sc;
}

static SimScenarioSection *
section(SimScenario *sc, const char *header)
{
  SimScenarioSection *s = sim_scenario_get_section(sc, header);
  cr_assert_not_null(s, "no [%s]", header);
  return s;
}

static const char *const link_keys[] = { "type", "a", "b", NULL };

static SimParams *
parse_ok(SimScenario *sc, const char *header)
{
  GError *error = NULL;
  SimParams *p = sim_params_parse(&p2p_class.info, section(sc, header), link_keys, &error);
  cr_assert_not_null(p, "[%s] refused: %s", header, error ? error->message : "?");
  return p;
}

/* sim_params_parse() of [@header] fails with @domain/@code and a message
 * starting with @prefix. */
static void
parse_bad(SimScenario *sc, const char *header, GQuark domain, int code, const char *prefix)
{
  GError *error = NULL;
  SimParams *p = sim_params_parse(&p2p_class.info, section(sc, header), link_keys, &error);
  cr_assert_null(p, "[%s] accepted", header);
  cr_assert(g_error_matches(error, domain, code), "[%s]: %s/%d, expected %s/%d: %s", header,
            g_quark_to_string(error->domain), error->code, g_quark_to_string(domain), code,
            error->message);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  g_error_free(error);
}

Test(params, defaults_applied)
{
  SimScenario *sc = scenario("[link r1-r2]\ntype = p2p\ndelay = 5us\n");
  SimParams *p = parse_ok(sc, "link r1-r2");
  cr_assert_eq(sim_params_type_info(p), &p2p_class.info);
  cr_assert_eq(sim_params_get_time(p, "delay"), SIM_US(5));
  cr_assert(sim_params_is_set(p, "delay"));
  cr_assert_eq(sim_params_get_rate(p, "rate"), UINT64_C(1000000000));
  cr_assert(!sim_params_is_set(p, "rate"));
  cr_assert_eq(sim_params_get_size(p, "mtu"), 1500);
  cr_assert_eq(sim_params_get_enum(p, "queue"), 0);
  cr_assert_eq(sim_params_get_ratio(p, "loss"), 0.0);
  cr_assert_eq(sim_params_get_pkt_rate(p, "pps"), 0.0);
  cr_assert_eq(sim_params_get_int(p, "prio"), -1);
  cr_assert_eq(sim_params_get_uint(p, "count"), 3);
  cr_assert_eq(sim_params_get_double(p, "weight"), 0.5);
  cr_assert(sim_params_get_bool(p, "up"));
  cr_assert_str_eq(sim_params_get_string(p, "label"), "");
  const char *const *tags = sim_params_get_list(p, "tags");
  cr_assert(tags && g_strv_length((char **)tags) == 2 && strcmp(tags[1], "b") == 0);
  cr_assert_str_eq(sim_params_where(p, "delay"), "params.ini:3");
  cr_assert_str_eq(sim_params_where(p, "rate"), "default of link.p2p.rate");
  sim_params_free(p);
  sim_scenario_free(sc);
}

Test(params, every_type_parsed)
{
  SimScenario *sc = scenario("[link a]\n"
                             "rate = 2.5Gbps\ndelay = 1.5ms\nmtu = 9KiB\nqueue = codel\n"
                             "loss = 0.1%\npps = 1.5kpps\nprio = -8\ncount = 18446744073709551615\n"
                             "weight = 1e-3\nup = off\nlabel = core link\n"
                             "tags = x; y , z;\n");
  g_autoptr(SimParams) p = parse_ok(sc, "link a");
  cr_assert_eq(sim_params_get_rate(p, "rate"), UINT64_C(2500000000));
  cr_assert_eq(sim_params_get_time(p, "delay"), SIM_US(1500));
  cr_assert_eq(sim_params_get_size(p, "mtu"), 9216);
  cr_assert_eq(sim_params_get_enum(p, "queue"), 2);
  cr_assert_eq(sim_params_get_ratio(p, "loss"), 0.001);
  cr_assert_eq(sim_params_get_pkt_rate(p, "pps"), 1500.0);
  cr_assert_eq(sim_params_get_int(p, "prio"), -8);
  cr_assert_eq(sim_params_get_uint(p, "count"), UINT64_MAX);
  cr_assert_eq(sim_params_get_double(p, "weight"), 0.001);
  cr_assert(!sim_params_get_bool(p, "up"));
  cr_assert_str_eq(sim_params_get_string(p, "label"), "core link");
  const char *const *tags = sim_params_get_list(p, "tags");
  cr_assert_eq(g_strv_length((char **)tags), 3, "%u tags", g_strv_length((char **)tags));
  cr_assert(!strcmp(tags[0], "x") && !strcmp(tags[1], "y") && !strcmp(tags[2], "z"));
  cr_assert(sim_scenario_check_unused(sc, NULL), "every key was read");
  sim_scenario_free(sc);
}

Test(params, unknown_key_names_file_line_and_accepted_keys)
{
  SimScenario *sc = scenario("[link r1-r2]\n" /* 1 */
                             "type = p2p\n"   /* 2 */
                             "delay = 5us\n"  /* 3 */
                             "dealy = 6us\n"); /* 4 */
  GError *error = NULL;
  cr_assert_null(sim_params_parse(&p2p_class.info, section(sc, "link r1-r2"), link_keys, &error));
  cr_assert(g_error_matches(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_UNKNOWN_KEY), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, "params.ini:4: unknown key 'dealy' in [link r1-r2]"),
            "%s", error->message);
  const char *accepted[] = { "rate", "delay", "mtu", "queue", "tags", "type", "a", "b" };
  for (size_t i = 0; i < G_N_ELEMENTS(accepted); i++)
    cr_assert(strstr(error->message, accepted[i]), "'%s' not listed: %s", accepted[i],
              error->message);
  g_error_free(error);
  sim_scenario_free(sc);
}

Test(params, missing_required_key_at_section_header)
{
  SimScenario *sc = scenario("# links\n\n[link r1-r2]\nrate = 1Gbps\n");
  parse_bad(sc, "link r1-r2", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_MISSING_KEY,
            "params.ini:3: missing key 'delay' in [link r1-r2]");
  sim_scenario_free(sc);
}

Test(params, bad_unit_has_file_line)
{
  SimScenario *sc = scenario("[link a]\ndelay = 1us\n\nrate = 10Gbs\n[link b]\ndelay = 5 us s\n");
  parse_bad(sc, "link a", SIM_UNITS_ERROR, SIM_UNITS_ERROR_UNIT,
            "params.ini:4: [link a] rate: '10Gbs': unknown unit");
  parse_bad(sc, "link b", SIM_TIME_ERROR, SIM_TIME_ERROR_SYNTAX,
            "params.ini:6: [link b] delay: '5 us s'");
  sim_scenario_free(sc);
}

Test(params, bounds)
{
  SimScenario *sc = scenario("[link zero]\ndelay = 1us\nrate = 0bps\n"
                             "[link small]\ndelay = 1us\nmtu = 1279B\n"
                             "[link big]\ndelay = 1us\nmtu = 9217B\n"
                             "[link edge]\ndelay = 1us\nmtu = 9KiB\nprio = 7\n"
                             "[link neg]\ndelay = 1us\nprio = -9\n");
  parse_bad(sc, "link zero", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "params.ini:3: [link zero] rate: '0bps': below the minimum of 1bps");
  parse_bad(sc, "link small", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "params.ini:6: [link small] mtu: '1279B': below the minimum of 1280B");
  parse_bad(sc, "link big", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "params.ini:9: [link big] mtu: '9217B': above the maximum of 9KiB");
  parse_bad(sc, "link neg", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "params.ini:16: [link neg] prio: '-9': below the minimum of -8");
  SimParams *p = parse_ok(sc, "link edge");
  cr_assert_eq(sim_params_get_size(p, "mtu"), 9216, "bounds are inclusive");
  cr_assert_eq(sim_params_get_int(p, "prio"), 7);
  sim_params_free(p);
  sim_scenario_free(sc);
}

Test(params, enum_choices)
{
  SimScenario *sc = scenario("[link a]\ndelay = 1us\nqueue = red\n"
                             "[link b]\ndelay = 1us\nqueue = RED\n");
  SimParams *p = parse_ok(sc, "link a");
  cr_assert_eq(sim_params_get_enum(p, "queue"), 1);
  cr_assert_str_eq(queue_choices[sim_params_get_enum(p, "queue")], "red");
  sim_params_free(p);
  parse_bad(sc, "link b", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "params.ini:6: [link b] queue: 'RED': expected one of droptail, red, codel");
  sim_scenario_free(sc);
}

Test(params, ignore_keys_are_left_to_the_caller)
{
  SimScenario *sc = scenario("[link r1-r2]\ntype = p2p\na = r1\nb = r2\ndelay = 1us\n");
  SimScenarioSection *s = section(sc, "link r1-r2");
  SimParams *p = parse_ok(sc, "link r1-r2");
  sim_params_free(p);
  GError *error = NULL;
  cr_assert(!sim_scenario_check_unused(sc, &error), "ignored keys must not be marked read");
  cr_assert(strstr(error->message, "'type'"), "%s", error->message);
  g_clear_error(&error);
  sim_scenario_section_get(s, "type", NULL);
  sim_scenario_section_get(s, "a", NULL);
  sim_scenario_section_get(s, "b", NULL);
  cr_assert(sim_scenario_check_unused(sc, &error), "%s", error ? error->message : "");

  /* Without ignore_keys the same section is refused. */
  cr_assert_null(sim_params_parse(&p2p_class.info, s, NULL, &error));
  cr_assert(g_error_matches(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_UNKNOWN_KEY), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, "params.ini:2: unknown key 'type'"), "%s",
            error->message);
  g_error_free(error);
  sim_scenario_free(sc);
}

Test(params, defaults_of_other_types_are_skipped)
{
  /* [defaults link] serves every link type: a key this type lacks is not
   * an error here (check_unused reports it if no type reads it). */
  SimScenario *sc = scenario("[defaults link]\n"  /* 1 */
                             "delay = 2us\n"      /* 2 */
                             "channel = 6\n"      /* 3 */
                             "[link a]\n");       /* 4 */
  SimParams *p = parse_ok(sc, "link a");
  cr_assert_eq(sim_params_get_time(p, "delay"), SIM_US(2));
  cr_assert(sim_params_is_set(p, "delay"), "an inherited value counts as given");
  cr_assert_str_eq(sim_params_where(p, "delay"), "params.ini:2");
  sim_params_free(p);
  GError *error = NULL;
  cr_assert(!sim_scenario_check_unused(sc, &error));
  cr_assert(g_str_has_prefix(error->message, "params.ini:3: unknown key 'channel' in [defaults link]"),
            "%s", error->message);
  g_error_free(error);
  sim_scenario_free(sc);
}

Test(params, set_origin_in_errors)
{
  SimScenario *sc = scenario("[link a]\ndelay = 1us\n");
  cr_assert(sim_scenario_set(sc, "link a.rate=0bps", NULL));
  parse_bad(sc, "link a", SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
            "--set link a.rate: [link a] rate: '0bps': below the minimum of 1bps");
  sim_scenario_free(sc);
}

Test(params, strv_entry_point)
{
  const char *const kv[] = { "delay=5us", "rate = 2.5Gbps", "label=a=b", NULL };
  GError *error = NULL;
  g_autoptr(SimParams) p = sim_params_parse_strv(&p2p_class.info, kv, &error);
  cr_assert_not_null(p, "refused: %s", error ? error->message : "?");
  cr_assert_eq(sim_params_get_time(p, "delay"), SIM_US(5));
  cr_assert_eq(sim_params_get_rate(p, "rate"), UINT64_C(2500000000));
  cr_assert_str_eq(sim_params_get_string(p, "label"), "a=b");
  cr_assert(sim_params_is_set(p, "rate") && !sim_params_is_set(p, "mtu"));
  cr_assert_str_eq(sim_params_where(p, "rate"), "link.p2p: key 'rate'");
}

static void
strv_bad(const char *const *kv, GQuark domain, int code, const char *prefix)
{
  GError *error = NULL;
  cr_assert_null(sim_params_parse_strv(&p2p_class.info, kv, &error), "'%s'... accepted", kv[0]);
  cr_assert(g_error_matches(error, domain, code), "%s/%d, expected %s/%d: %s",
            g_quark_to_string(error->domain), error->code, g_quark_to_string(domain), code,
            error->message);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  g_error_free(error);
}

Test(params, strv_errors_name_type_and_key)
{
  const char *const unknown[] = { "delay=1us", "dealy=1us", NULL };
  strv_bad(unknown, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_UNKNOWN_KEY,
           "link.p2p: unknown key 'dealy' (accepted: rate, delay");
  const char *const bad_unit[] = { "delay=1us", "rate=10Gbs", NULL };
  strv_bad(bad_unit, SIM_UNITS_ERROR, SIM_UNITS_ERROR_UNIT,
           "link.p2p: key 'rate': '10Gbs': unknown unit");
  const char *const twice[] = { "delay=1us", "delay=2us", NULL };
  strv_bad(twice, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_DUPLICATE,
           "link.p2p: key 'delay' given twice");
  const char *const missing[] = { "rate=1Gbps", NULL };
  strv_bad(missing, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_MISSING_KEY,
           "link.p2p: missing key 'delay'");
  const char *const no_eq[] = { "delay", NULL };
  strv_bad(no_eq, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE, "link.p2p: 'delay': expected");
  const char *const bounds[] = { "delay=1us", "mtu=64B", NULL };
  strv_bad(bounds, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
           "link.p2p: key 'mtu': '64B': below the minimum of 1280B");
}

/* Counts critical messages of the registry instead of printing them. */
static void
count_criticals(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  (void)domain;
  (void)level;
  (void)message;
  (*(int *)data)++;
}

Test(params, wrong_getter_is_a_programmer_error)
{
  int criticals = 0;
  g_log_set_handler("ipesim-registry", G_LOG_LEVEL_CRITICAL, count_criticals, &criticals);
  const char *const kv[] = { "delay=1us", NULL };
  g_autoptr(SimParams) p = sim_params_parse_strv(&p2p_class.info, kv, NULL);
  cr_assert_not_null(p);
  cr_assert_eq(sim_params_get_rate(p, "bandwidth"), 0, "unknown name");
  cr_assert_eq(criticals, 1);
  cr_assert_eq(sim_params_get_time(p, "rate"), 0, "wrong type");
  cr_assert_eq(criticals, 2);
  cr_assert_null(sim_params_get_string(p, "queue"), "enum read as string");
  cr_assert_eq(criticals, 3);
  cr_assert_eq(sim_params_get_rate(p, "rate"), UINT64_C(1000000000));
  cr_assert_eq(criticals, 3, "a good getter does not complain");
}

Test(params, type_without_parameters)
{
  SimScenario *sc = scenario("[topology t]\ntype = grid\nrows = 3\n");
  GError *error = NULL;
  static const char *const ignore[] = { "type", NULL };
  cr_assert_null(sim_params_parse(&grid_info, section(sc, "topology t"), ignore, &error));
  cr_assert(strstr(error->message, "params.ini:3: unknown key 'rows'"), "%s", error->message);
  cr_assert(strstr(error->message, "accepts: type"), "%s", error->message);
  g_error_free(error);
  sim_scenario_free(sc);
}
