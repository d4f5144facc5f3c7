/* test-simexpect.c - expectations: parsing of METRIC OP VALUE (each
 * operator, blanks, units, bad forms with their message), the [expect]
 * section of a scenario, and evaluation against CSV files written here
 * (each operator true and false, exact equality, `*` over rows, tables of
 * counts, no value, and the errors for a missing file, row or column). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "simexpect.h"

/* ---- parsing -------------------------------------------------------------------------------- */

static SimExpect *
parse_ok(const char *text)
{
  GError *error = NULL;
  SimExpect *e = sim_expect_parse("x", text, &error);
  cr_assert_not_null(e, "'%s': %s", text, error ? error->message : "?");
  return e;
}

static char *
parse_error(const char *text)
{
  GError *error = NULL;
  SimExpect *e = sim_expect_parse("x", text, &error);
  cr_assert_null(e, "'%s' was accepted", text);
  cr_assert(g_error_matches(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX), "'%s': %s", text,
            error->message);
  char *m = g_strdup(error->message);
  g_error_free(error);
  return m;
}

Test(expect_parse, each_operator)
{
  static const struct {
    const char *text;
    SimExpectOp op;
  } cases[] = {
    { "flow.f1.loss_ratio < 0.001", SIM_EXPECT_LT },
    { "flow.f1.loss_ratio <= 0.001", SIM_EXPECT_LE },
    { "flow.f1.loss_ratio > 0.001", SIM_EXPECT_GT },
    { "flow.f1.loss_ratio >= 0.001", SIM_EXPECT_GE },
    { "flow.f1.loss_ratio = 0.001", SIM_EXPECT_EQ },
    { "flow.f1.loss_ratio != 0.001", SIM_EXPECT_NE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(SimExpect) e = parse_ok(cases[i].text);
    cr_assert_eq(sim_expect_op(e), cases[i].op, "'%s': op %d, expected %d", cases[i].text,
                 sim_expect_op(e), cases[i].op);
    cr_assert_str_eq(sim_expect_metric(e), "flow.f1.loss_ratio");
    cr_assert_eq(sim_expect_value(e), 0.001, "'%s': value %g", cases[i].text, sim_expect_value(e));
    g_autofree char *sym = g_strdup_printf(" %s ", sim_expect_op_symbol(sim_expect_op(e)));
    cr_assert(strstr(cases[i].text, sym) != NULL, "'%s': symbol '%s'", cases[i].text, sym);
  }
  cr_assert_str_eq(sim_expect_op_symbol(SIM_EXPECT_LE), "<=");
  cr_assert_str_eq(sim_expect_op_symbol(SIM_EXPECT_NE), "!=");
}

Test(expect_parse, blanks_are_optional)
{
  g_autoptr(SimExpect) a = parse_ok("summary.packets_dropped=0");
  g_autoptr(SimExpect) b = parse_ok("  summary.packets_dropped   =   0  ");
  g_autoptr(SimExpect) c = parse_ok("\tlink.New York-Boston.utilization<=0.5");
  cr_assert_str_eq(sim_expect_metric(a), "summary.packets_dropped");
  cr_assert_str_eq(sim_expect_metric(b), "summary.packets_dropped");
  cr_assert_str_eq(sim_expect_value_text(b), "0");
  cr_assert_str_eq(sim_expect_metric(c), "link.New York-Boston.utilization",
                   "a row name keeps its blanks: '%s'", sim_expect_metric(c));
  cr_assert_eq(sim_expect_value(c), 0.5);
  cr_assert_str_eq(sim_expect_name(c), "x");
}

Test(expect_parse, numbers_and_units)
{
  static const struct {
    const char *text;
    double value;
  } cases[] = {
    { "flow.f1.delay_p99_us < 5ms", 5000 },
    { "flow.f1.delay_p99_us < 250ns", 0.25 },
    { "flow.f1.delay_p99_us < 12.5", 12.5 },
    { "summary.sim_seconds >= 1500ms", 1.5 },
    { "autoconf.h1.time_to_address_s < 2s", 2 },
    { "flow.f1.throughput_bps > 10Mbps", 1e7 },
    { "flow.f1.rx_bytes >= 64KiB", 65536 },
    { "summary.peak_rss_kb < 1MiB", 1024 },
    { "flow.f1.loss_ratio < 1%", 0.01 },
    { "flow.f1.loss_ratio < 1e-3", 0.001 },
    { "flow.f1.out_of_order > -1", -1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(SimExpect) e = parse_ok(cases[i].text);
    cr_assert(fabs(sim_expect_value(e) - cases[i].value) <= 1e-12 * fabs(cases[i].value),
              "'%s': value %.17g, expected %.17g", cases[i].text, sim_expect_value(e),
              cases[i].value);
  }
}

Test(expect_parse, bad_forms_are_refused_with_the_expected_form)
{
  static const char *const bad[] = {
    "flow.f1.loss_ratio 0.001", /* no operator */
    "flow.f1.loss_ratio == 0",  /* not an operator */
    "flow.f1.loss_ratio =< 0",
    "flow.f1.loss_ratio ! 0",
    "flow.f1.loss_ratio <",     /* no value */
    "< 3",                      /* no metric */
    "loss < 1",                 /* no TABLE.COLUMN */
    "flow..loss_ratio < 1",     /* an empty part */
    "flow.f1. < 1",
    ".f1.loss_ratio < 1",
    "flow.f1.loss_ratio < 1 < 2",
    "",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *m = parse_error(bad[i]);
    cr_assert(strstr(m, "expected METRIC OP VALUE (OP one of <, <=, >, >=, =, !=)") != NULL,
              "'%s': %s", bad[i], m);
    g_autofree char *quoted = g_strdup_printf("'%s'", bad[i]);
    cr_assert(strstr(m, quoted) != NULL, "the message quotes the text: %s", m);
  }
}

Test(expect_parse, bad_values_say_why)
{
  g_autofree char *a = parse_error("flow.f1.tx_packets < 5ms");
  cr_assert(strstr(a, "not a number") && strstr(a, "_us"), "%s", a);
  g_autofree char *b = parse_error("flow.f1.delay_p99_us < 5 parsecs");
  cr_assert(strstr(b, "parsecs") && strstr(b, "unknown unit"), "%s", b);
  g_autofree char *c = parse_error("flow.f1.loss_ratio < lots");
  cr_assert(strstr(c, "'lots' is not a number"), "%s", c);
  g_autofree char *d = parse_error("flow.f1.loss_ratio < x%");
  cr_assert(strstr(d, "VALUE"), "%s", d);
}

/* ---- the [expect] section ------------------------------------------------------------------ */

Test(expect_section, keys_in_order_and_marked_read)
{
  const char *text = "[simulation]\nduration = 1s\n\n[expect]\n"
                     "f1_loss = flow.f1.loss_ratio < 0.001\n"
                     "no_drops = summary.packets_dropped = 0\n"
                     "hop_limit = drops.reason.hop_limit >= 1\n";
  GError *error = NULL;
  g_autoptr(SimScenario) sc = sim_scenario_load_data("s.ini", text, -1, &error);
  cr_assert_not_null(sc, "%s", error ? error->message : "?");
  GPtrArray *list = sim_expect_list_from_scenario(sc, &error);
  cr_assert_not_null(list, "%s", error ? error->message : "?");
  cr_assert_eq(list->len, 3, "%u expectations", list->len);
  cr_assert_str_eq(sim_expect_name(list->pdata[0]), "f1_loss");
  cr_assert_str_eq(sim_expect_name(list->pdata[2]), "hop_limit");
  cr_assert_eq(sim_expect_op(list->pdata[2]), SIM_EXPECT_GE);
  g_ptr_array_unref(list);
  /* [simulation] duration is the only key nobody read */
  SimScenarioSection *sim = sim_scenario_get_section(sc, "simulation");
  sim_scenario_section_get(sim, "duration", NULL);
  cr_assert(sim_scenario_check_unused(sc, &error), "%s", error ? error->message : "?");
}

Test(expect_section, errors_have_file_line_and_name)
{
  const char *text = "[simulation]\nduration = 1s\n[expect]\nok = summary.events > 0\n"
                     "f1_loss = flow.f1.loss_ratio 0.001\n";
  GError *error = NULL;
  g_autoptr(SimScenario) sc = sim_scenario_load_data("s.ini", text, -1, &error);
  cr_assert_not_null(sc);
  cr_assert_null(sim_expect_list_from_scenario(sc, &error));
  cr_assert_str_eq(error->message,
                   "s.ini:5: [expect] f1_loss: 'flow.f1.loss_ratio 0.001': expected METRIC OP "
                   "VALUE (OP one of <, <=, >, >=, =, !=)");
  g_clear_error(&error);
  g_autoptr(SimScenario) named =
    sim_scenario_load_data("n.ini", "[expect f1]\na = b.c < 1\n", -1, &error);
  cr_assert_not_null(named);
  cr_assert_null(sim_expect_list_from_scenario(named, &error));
  cr_assert(strstr(error->message, "n.ini:1: [expect f1]") != NULL, "%s", error->message);
  g_clear_error(&error);
}

Test(expect_section, none_is_an_empty_list)
{
  g_autoptr(SimScenario) sc = sim_scenario_load_data("s.ini", "[simulation]\nduration=1s\n", -1,
                                                     NULL);
  GPtrArray *list = sim_expect_list_from_scenario(sc, NULL);
  cr_assert_not_null(list);
  cr_assert_eq(list->len, 0);
  g_ptr_array_unref(list);
}

/* ---- evaluation ---------------------------------------------------------------------------- */

static char *tmpdir;

static void
setup(void)
{
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("ipesim-expect-XXXXXX", &error);
  cr_assert_not_null(tmpdir, "g_dir_make_tmp: %s", error ? error->message : "?");
  static const struct {
    const char *name, *text;
  } files[] = {
    { "flows.csv", "flow,src,dst,tx_packets,loss_ratio,delay_p99_us,throughput_bps\n"
                   "video,hA,hB,1000,0.0125,2776.6292475,8000000\n"
                   "telemetry,hB,hA,4000,0,616.4,\n"
                   "idle,hA,hB,0,nan,nan,nan\n" },
    { "links.csv", "link,from,to,utilization\nr1-r2,r1,r2,0.25\nr1-r2,r2,r1,0.75\n" },
    { "summary.csv", "events,packets_sent,packets_dropped,sim_seconds\n1383110,184923,0,2.1\n" },
    { "drops.csv", "node,interface,reason,count\nr0,eth0,queue_full,16009\n"
                   "r1,eth1,queue_full,3\nr1,,hop_limit,2\n" },
    { "slices.csv", "slice,sla_met,latency_us\nurllc,1,800\nembb,0,25000\n" },
    { "srv6.csv", "node,sid,packets\nr1,fc00:1::1/128,10\n" },
    { "pings.csv", "ping,src,dst,sent,received\n" },
    { "broken.csv", "a,b\n1,2,3\n" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *p = g_build_filename(tmpdir, files[i].name, NULL);
    cr_assert(g_file_set_contents(p, files[i].text, -1, NULL));
  }
}

static void
teardown(void)
{
  GDir *d = g_dir_open(tmpdir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(tmpdir, name, NULL);
    g_unlink(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(tmpdir);
  g_free(tmpdir);
  tmpdir = NULL;
}

TestSuite(expect_eval, .init = setup, .fini = teardown);

/* Evaluates @text; asserts the outcome is @pass without error and returns the measured value. */
static double
eval(const char *text, gboolean pass)
{
  g_autoptr(SimExpect) e = parse_ok(text);
  SimExpectResult r = SIM_EXPECT_RESULT_INIT;
  gboolean got = sim_expect_evaluate(e, tmpdir, &r);
  g_autofree char *line = sim_expect_format(e, &r);
  cr_assert_null(r.error, "'%s': %s", text, line);
  cr_assert_eq(got, pass, "'%s': %s", text, line);
  cr_assert_eq(r.pass, pass);
  cr_assert(g_str_has_prefix(line, pass ? "PASS x: " : "FAIL x: "), "%s", line);
  double v = r.measured;
  sim_expect_result_clear(&r);
  return v;
}

/* Evaluates @text; asserts it fails with error @code whose message holds @needle. */
static void
eval_error(const char *text, int code, const char *needle)
{
  g_autoptr(SimExpect) e = parse_ok(text);
  SimExpectResult r = SIM_EXPECT_RESULT_INIT;
  cr_assert_not(sim_expect_evaluate(e, tmpdir, &r), "'%s' passed", text);
  cr_assert_not_null(r.error, "'%s': no error", text);
  cr_assert_eq(r.error->code, code, "'%s': code %d, expected %d: %s", text, r.error->code, code,
               r.error->message);
  cr_assert(strstr(r.error->message, needle) != NULL, "'%s': '%s' not in: %s", text, needle,
            r.error->message);
  g_autofree char *line = sim_expect_format(e, &r);
  g_autofree char *want = g_strdup_printf("FAIL x: %s: ", text);
  cr_assert(g_str_has_prefix(line, want), "'%s' does not start with '%s'", line, want);
  sim_expect_result_clear(&r);
  cr_assert_null(r.error);
  cr_assert_null(r.row);
}

Test(expect_eval, each_operator_true_and_false)
{
  cr_assert_eq(eval("flow.video.loss_ratio < 0.013", TRUE), 0.0125);
  eval("flow.video.loss_ratio < 0.0125", FALSE);
  eval("flow.video.loss_ratio <= 0.0125", TRUE);
  eval("flow.video.loss_ratio <= 0.0124", FALSE);
  eval("flow.video.loss_ratio > 0.0124", TRUE);
  eval("flow.video.loss_ratio > 0.0125", FALSE);
  eval("flow.video.loss_ratio >= 0.0125", TRUE);
  eval("flow.video.loss_ratio >= 0.0126", FALSE);
  eval("flow.video.loss_ratio = 0.0125", TRUE);
  eval("flow.video.loss_ratio = 0.01250001", FALSE);
  eval("flow.video.loss_ratio != 0", TRUE);
  eval("flow.video.loss_ratio != 0.0125", FALSE);
}

Test(expect_eval, equality_is_exact_on_the_written_number)
{
  eval("flow.video.delay_p99_us = 2776.6292475", TRUE);
  eval("flow.video.delay_p99_us = 2776.629247", FALSE);
  eval("flow.video.delay_p99_us < 2.8ms", TRUE);
  eval("summary.packets_sent = 184923", TRUE);
  eval("summary.sim_seconds = 2100ms", TRUE);
  eval("flow.video.throughput_bps >= 8Mbps", TRUE);
  eval("flow.video.loss_ratio = 1.25%", TRUE);
}

Test(expect_eval, star_means_every_row)
{
  cr_assert_eq(eval("flow.*.tx_packets >= 0", TRUE), 0, "the row nearest the bound is shown");
  cr_assert_eq(eval("flow.*.tx_packets > 0", FALSE), 0);
  cr_assert_eq(eval("flow.*.tx_packets < 4000", FALSE), 4000);
  /* a row without a value (nan, empty) fails every bound */
  eval("flow.*.loss_ratio < 1", FALSE);
  eval("flow.telemetry.throughput_bps >= 0", FALSE);
  eval("flow.idle.loss_ratio != 5", FALSE);
  /* several rows with the same key: each must hold */
  cr_assert_eq(eval("link.r1-r2.utilization < 0.8", TRUE), 0.75);
  cr_assert_eq(eval("link.r1-r2.utilization < 0.5", FALSE), 0.75);
  eval("slice.*.sla_met >= 0", TRUE);
}

Test(expect_eval, the_report_names_the_row_and_the_failures)
{
  g_autoptr(SimExpect) e = parse_ok("flow.*.tx_packets < 2000");
  SimExpectResult r = SIM_EXPECT_RESULT_INIT;
  cr_assert_not(sim_expect_evaluate(e, tmpdir, &r));
  cr_assert_eq(r.n_rows, 3);
  cr_assert_eq(r.n_fail, 1);
  cr_assert_str_eq(r.row, "telemetry");
  g_autofree char *line = sim_expect_format(e, &r);
  cr_assert_str_eq(line,
                   "FAIL x: flow.*.tx_packets < 2000 (measured 4000 at telemetry; 1 of 3 fail)");
  sim_expect_result_clear(&r);
  g_autoptr(SimExpect) one = parse_ok("summary.packets_dropped = 0");
  cr_assert(sim_expect_evaluate(one, tmpdir, &r));
  g_autofree char *l2 = sim_expect_format(one, &r);
  cr_assert_str_eq(l2, "PASS x: summary.packets_dropped = 0 (measured 0)");
  sim_expect_result_clear(&r);
}

Test(expect_eval, tables_of_counts_sum_by_a_column)
{
  cr_assert_eq(eval("drops.reason.queue_full = 16012", TRUE), 16012);
  cr_assert_eq(eval("drops.reason.hop_limit >= 1", TRUE), 2);
  cr_assert_eq(eval("drops.reason.no_route = 0", TRUE), 0, "absent rows are zero counts");
  cr_assert_eq(eval("drops.node.r1 = 5", TRUE), 5);
  cr_assert_eq(eval("drops.interface.eth1 = 3", TRUE), 3);
  cr_assert_eq(eval("drops.count = 16014", TRUE), 16014);
  cr_assert_eq(eval("drops.node.* < 100", FALSE), 16009);
  cr_assert_eq(eval("drops.reason.* > 1", TRUE), 2);
}

Test(expect_eval, file_name_rule)
{
  eval("slice.urllc.sla_met = 1", TRUE);     /* slices.csv */
  eval("slices.embb.sla_met = 0", TRUE);     /* the file's own name */
  eval("srv6.r1.packets = 10", TRUE);        /* srv6.csv before srv6s.csv */
}

Test(expect_eval, missing_things_are_clear_errors)
{
  eval_error("nd.r1.ns_sent > 0", SIM_EXPECT_ERROR_FILE, "no result file");
  eval_error("nd.r1.ns_sent > 0", SIM_EXPECT_ERROR_FILE, "nd.csv or nds.csv");
  eval_error("flow.nope.loss_ratio < 1", SIM_EXPECT_ERROR_ROW, "flows.csv has no row 'nope'");
  eval_error("flow.video.lossratio < 1", SIM_EXPECT_ERROR_COLUMN,
             "flows.csv has no column 'lossratio'");
  eval_error("flow.loss_ratio < 1", SIM_EXPECT_ERROR_ROW, "flows.csv has 3 rows");
  eval_error("ping.*.sent > 0", SIM_EXPECT_ERROR_ROW, "pings.csv has no rows");
  eval_error("flow.video.src = 1", SIM_EXPECT_ERROR_VALUE, "holds 'hA', not a number");
  eval_error("drops.reasons.hop_limit = 0", SIM_EXPECT_ERROR_COLUMN, "table of counts");
  eval_error("drops.total = 0", SIM_EXPECT_ERROR_COLUMN, "expected TABLE.count");
  g_autoptr(SimExpect) e = parse_ok("broken.x.b = 1");
  SimExpectResult r = SIM_EXPECT_RESULT_INIT;
  cr_assert_not(sim_expect_evaluate(e, tmpdir, &r));
  cr_assert_not_null(r.error);
  cr_assert(strstr(r.error->message, "broken.csv") != NULL, "%s", r.error->message);
  sim_expect_result_clear(&r);
}
