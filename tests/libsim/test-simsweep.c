/* test-simsweep.c - sweeps: value lists and ranges (integers, decimals,
 * units, geometric, counting down, the errors), the [sweep] section
 * (product order, zip, replications, run numbers per replication and
 * their stability, the overrides of one run, unreferenced parameters),
 * the Student-t confidence interval against published values, and the
 * headline metrics of [metrics] (each function, errors). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "simexpect.h"
#include "simsweep.h"

/* ---- expansion ------------------------------------------------------------------------------- */

static char *
expand(const char *text)
{
  g_autoptr(GPtrArray) v = g_ptr_array_new_with_free_func(g_free);
  GError *error = NULL;
  cr_assert(sim_sweep_expand(text, v, &error), "'%s': %s", text, error ? error->message : "?");
  g_ptr_array_add(v, NULL);
  return g_strjoinv(" ", (char **)v->pdata);
}

static char *
expand_error(const char *text)
{
  g_autoptr(GPtrArray) v = g_ptr_array_new_with_free_func(g_free);
  GError *error = NULL;
  cr_assert_not(sim_sweep_expand(text, v, &error), "'%s' was accepted", text);
  cr_assert(g_error_matches(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_VALUE), "%s", error->message);
  char *m = g_strdup(error->message);
  g_error_free(error);
  return m;
}

Test(sweep_expand, lists_and_ranges)
{
  static const char *const cases[][2] = {
    { "hard, soft", "hard soft" },
    { "  a  ,b,c ", "a b c" },
    { "1000..10000 step 1000", "1000 2000 3000 4000 5000 6000 7000 8000 9000 10000" },
    { "1..4", "1 2 3 4" },
    { "10..1 step -3", "10 7 4 1" },
    { "1..10 step 4", "1 5 9" },
    { "0.1..0.5 step 0.1", "0.1 0.2 0.3 0.4 0.5" },
    { "10Mbps..40Mbps step 10Mbps", "10Mbps 20Mbps 30Mbps 40Mbps" },
    { "1ms..3ms step 1", "1ms 2ms 3ms" },
    { "64..1024 times 2", "64 128 256 512 1024" },
    { "1..100 times 10", "1 10 100" },
    { "1..2, 5, 7..8", "1 2 5 7 8" },
    { "5..5", "5" },
    { "-2..2 step 2", "-2 0 2" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = expand(cases[i][0]);
    cr_assert_str_eq(got, cases[i][1], "'%s' gave '%s'", cases[i][0], got);
  }
}

Test(sweep_expand, errors)
{
  static const char *const cases[][2] = {
    { "1..10 step 0", "non-zero" },
    { "1..10 step -1", "towards the end" },
    { "10Mbps..40Gbps step 10Mbps", "same unit" },
    { "1..x", "end is not a number" },
    { "a..3", "start is not a number" },
    { "1..8 times 1", "factor F > 1" },
    { "0..8 times 2", "0 < A" },
    { "1,,2", "empty value" },
    { "1..1000000 step 1", "more than 100000" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *m = expand_error(cases[i][0]);
    cr_assert(strstr(m, cases[i][1]), "'%s': message '%s' lacks '%s'", cases[i][0], m,
              cases[i][1]);
    cr_assert(strstr(m, "A..B [step S | times F]"), "'%s': no expected form in '%s'",
              cases[i][0], m);
  }
}

/* ---- the [sweep] section --------------------------------------------------------------------- */

static SimScenario *
load(const char *text)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load_data("s.ini", text, -1, &error);
  cr_assert_not_null(sc, "%s", error ? error->message : "?");
  return sc;
}

static SimSweep *
sweep_ok(SimScenario *sc)
{
  GError *error = NULL;
  SimSweep *sw = sim_sweep_from_scenario(sc, &error);
  cr_assert_not_null(sw, "%s", error ? error->message : "?");
  return sw;
}

static char *
sweep_error(const char *text, int code)
{
  g_autoptr(SimScenario) sc = load(text);
  GError *error = NULL;
  SimSweep *sw = sim_sweep_from_scenario(sc, &error);
  cr_assert_null(sw, "accepted:\n%s", text);
  cr_assert(g_error_matches(error, SIM_SWEEP_ERROR, code), "code %d: %s", error->code,
            error->message);
  char *m = g_strdup(error->message);
  g_error_free(error);
  return m;
}

#define USES "[flow f]\nrate = ${sweep.rate}\nmode = ${sweep.mode}\n"

Test(sweep_section, product_order_and_runs)
{
  g_autoptr(SimScenario) sc =
    load("[sweep]\nrate = 1..3\nmode = hard, soft\nreplications = 2\n" USES);
  g_autoptr(SimSweep) sw = sweep_ok(sc);
  cr_assert(sim_sweep_is_sweep(sw));
  cr_assert_eq(sim_sweep_n_params(sw), 2);
  cr_assert_str_eq(sim_sweep_param(sw, 0), "rate");
  cr_assert_str_eq(sim_sweep_param(sw, 1), "mode");
  cr_assert_eq(sim_sweep_n_points(sw), 6);
  cr_assert_eq(sim_sweep_replications(sw), 2);
  cr_assert_eq(sim_sweep_n_runs(sw), 12);
  /* the first parameter varies slowest */
  static const char *const want[][2] = { { "1", "hard" }, { "1", "soft" }, { "2", "hard" },
                                         { "2", "soft" }, { "3", "hard" }, { "3", "soft" } };
  for (guint p = 0; p < 6; p++) {
    cr_assert_str_eq(sim_sweep_value(sw, p, 0), want[p][0], "point %u", p);
    cr_assert_str_eq(sim_sweep_value(sw, p, 1), want[p][1], "point %u", p);
  }
  g_autofree char *label = sim_sweep_point_label(sw, 3);
  cr_assert_str_eq(label, "rate=2, mode=soft");
  /* run k: point k / 2, replication k % 2, its own run number */
  for (guint k = 0; k < 12; k++) {
    cr_assert_eq(sim_sweep_run_point(sw, k), k / 2);
    cr_assert_eq(sim_sweep_run_replication(sw, k), k % 2);
    cr_assert_eq(sim_sweep_run_number(sw, k), k);
  }
  g_auto(GStrv) a = sim_sweep_run_assignments(sw, 7);
  g_autofree char *joined = g_strjoinv(" ", a);
  cr_assert_str_eq(joined, "sweep.rate=2 sweep.mode=soft sweep.replications=1 simulation.run=7");
}

Test(sweep_section, run_numbers_stable_and_distinct)
{
  const char *text = "[simulation]\nrun = 100\n[sweep]\nrate = 1, 2\nmode = a\n"
                     "replications = 3\n" USES;
  g_autoptr(SimScenario) a = load(text);
  g_autoptr(SimScenario) b = load(text);
  g_autoptr(SimSweep) sa = sweep_ok(a);
  g_autoptr(SimSweep) sb = sweep_ok(b);
  g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
  for (guint k = 0; k < sim_sweep_n_runs(sa); k++) {
    uint32_t n = sim_sweep_run_number(sa, k);
    cr_assert_eq(n, sim_sweep_run_number(sb, k), "run %u: not stable", k);
    cr_assert_eq(n, 100 + k, "run %u: run number %u", k, n);
    cr_assert_not(g_hash_table_contains(seen, GUINT_TO_POINTER(n)), "run %u: number reused", k);
    g_hash_table_add(seen, GUINT_TO_POINTER(n));
  }
  /* common random numbers: replication r of every point shares run r */
  g_autoptr(SimScenario) c =
    load("[sweep]\nrate = 1, 2\nmode = a\nreplications = 3\nstreams = common\n" USES);
  g_autoptr(SimSweep) sc = sweep_ok(c);
  for (guint k = 0; k < sim_sweep_n_runs(sc); k++)
    cr_assert_eq(sim_sweep_run_number(sc, k), k % 3, "run %u", k);
}

Test(sweep_section, zip)
{
  g_autoptr(SimScenario) sc =
    load("[sweep]\nrate = 1..3\nmode = a, b, c\ncombine = zip\n" USES);
  g_autoptr(SimSweep) sw = sweep_ok(sc);
  cr_assert_eq(sim_sweep_n_points(sw), 3);
  cr_assert_eq(sim_sweep_n_runs(sw), 3);
  cr_assert_str_eq(sim_sweep_value(sw, 2, 0), "3");
  cr_assert_str_eq(sim_sweep_value(sw, 2, 1), "c");
  g_autofree char *m =
    sweep_error("[sweep]\nrate = 1..3\nmode = a, b\ncombine = zip\n" USES, SIM_SWEEP_ERROR_SIZE);
  cr_assert(strstr(m, "s.ini:3: [sweep] mode: 2 values, but rate has 3"), "%s", m);
}

Test(sweep_section, replications_from_simulation_runs)
{
  g_autoptr(SimScenario) sc = load("[simulation]\nruns = 4\n");
  g_autoptr(SimSweep) sw = sweep_ok(sc);
  cr_assert(sim_sweep_is_sweep(sw));
  cr_assert_eq(sim_sweep_n_points(sw), 1);
  cr_assert_eq(sim_sweep_n_runs(sw), 4);
  g_auto(GStrv) a = sim_sweep_run_assignments(sw, 2);
  g_autofree char *joined = g_strjoinv(" ", a);
  cr_assert_str_eq(joined, "simulation.runs=1 simulation.run=2");
  /* one run: not a sweep */
  g_autoptr(SimScenario) one = load("[simulation]\nduration = 1s\n");
  g_autoptr(SimSweep) s1 = sweep_ok(one);
  cr_assert_not(sim_sweep_is_sweep(s1));
  cr_assert_eq(sim_sweep_n_runs(s1), 1);
}

Test(sweep_section, errors)
{
  static const struct {
    const char *text;
    int code;
    const char *msg;
  } cases[] = {
    { "[sweep]\nrate = 1, 2\n", SIM_SWEEP_ERROR_KEY,
      "s.ini:2: [sweep] rate: not referred to anywhere (use it as ${sweep.rate}" },
    { "[sweep]\nrate = 1..0 step 1\nmode = a\n" USES, SIM_SWEEP_ERROR_VALUE,
      "s.ini:2: [sweep] rate: '1..0 step 1'" },
    { "[sweep]\nrate = 1\nmode = a\ncombine = cross\n" USES, SIM_SWEEP_ERROR_KEY,
      "s.ini:4: [sweep] combine: 'cross': expected product or zip" },
    { "[sweep]\nrate = 1\nmode = a\nstreams = same\n" USES, SIM_SWEEP_ERROR_KEY,
      "expected independent or common" },
    { "[sweep]\nrate = 1\nmode = a\nreplications = 0\n" USES, SIM_SWEEP_ERROR_KEY,
      "s.ini:4: [sweep] replications: '0': expected a whole number from 1 to 100000" },
    { "[simulation]\nruns = 2\n[sweep]\nrate = 1\nmode = a\nreplications = 3\n" USES,
      SIM_SWEEP_ERROR_KEY, "[simulation] runs is set too" },
    { "[sweep]\nrate = 1..1000\nmode = 1..1001\n" USES, SIM_SWEEP_ERROR_SIZE,
      "more than 1000000 runs" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *m = sweep_error(cases[i].text, cases[i].code);
    cr_assert(strstr(m, cases[i].msg), "case %zu: '%s' lacks '%s'", i, m, cases[i].msg);
  }
}

/* The overrides of a run turn the scenario into that run alone. */
Test(sweep_section, run_scenario_is_a_single_run)
{
  g_autoptr(SimScenario) sc = load("[sweep]\nrate = 5, 6\nmode = x\nreplications = 2\n" USES);
  g_autoptr(SimSweep) sw = sweep_ok(sc);
  g_auto(GStrv) a = sim_sweep_run_assignments(sw, 3);
  for (char **s = a; *s; s++)
    cr_assert(sim_scenario_set(sc, *s, NULL), "%s", *s);
  g_autoptr(SimSweep) one = sweep_ok(sc);
  cr_assert_eq(sim_sweep_n_runs(one), 1);
  cr_assert_eq(sim_sweep_run_number(one, 0), 3);
  cr_assert_str_eq(sim_sweep_value(one, 0, 0), "6");
  SimScenarioSection *f = sim_scenario_get_section(sc, "flow f");
  cr_assert_str_eq(sim_scenario_section_get(f, "rate", NULL), "6");
}

/* ---- statistics ------------------------------------------------------------------------------ */

Test(sweep_stats, t_quantiles)
{
  /* two-sided 95 % critical values of Student's t (standard tables) */
  static const struct {
    unsigned dof;
    double t;
  } cases[] = { { 1, 12.7062047 }, { 2, 4.30265273 }, { 4, 2.77644511 }, { 9, 2.26215716 },
                { 29, 2.04522964 }, { 1000, 1.96233908 } };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    double t = sim_t_quantile(0.975, cases[i].dof);
    cr_assert(fabs(t - cases[i].t) < 1e-7, "dof %u: %.9f, expected %.8f", cases[i].dof, t,
              cases[i].t);
  }
}

Test(sweep_stats, summary_known_values)
{
  const double v[] = { 1, 2, 3, 4, 5 };
  SimSummary s;
  sim_summarize(v, 5, &s);
  cr_assert_eq(s.n, 5);
  cr_assert(fabs(s.mean - 3) < 1e-12);
  cr_assert(fabs(s.sd - sqrt(2.5)) < 1e-12, "sd %.12f", s.sd);
  /* 3 -/+ 2.776445105 * sqrt(2.5) / sqrt(5) */
  cr_assert(fabs(s.ci95_low - 1.036757) < 1e-6, "low %.9f", s.ci95_low);
  cr_assert(fabs(s.ci95_high - 4.963243) < 1e-6, "high %.9f", s.ci95_high);
  /* two values: t(0.975, 1) = 12.706 */
  const double w[] = { 10, 12 };
  sim_summarize(w, 2, &s);
  cr_assert(fabs(s.ci95_high - 23.7062047) < 1e-6, "high %.9f", s.ci95_high);
  cr_assert(fabs(s.ci95_low + 1.7062047) < 1e-6, "low %.9f", s.ci95_low);
  /* NaN values are left out; one value has no interval; none has no mean */
  const double x[] = { NAN, 7, NAN };
  sim_summarize(x, 3, &s);
  cr_assert_eq(s.n, 1);
  cr_assert_eq(s.mean, 7);
  cr_assert(isnan(s.sd) && isnan(s.ci95_low) && isnan(s.ci95_high));
  sim_summarize(x, 1, &s);
  cr_assert_eq(s.n, 0);
  cr_assert(isnan(s.mean));
  /* far from zero: Welford keeps the digits */
  const double big[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
  sim_summarize(big, 3, &s);
  cr_assert(fabs(s.sd - 1) < 1e-9, "sd %.12f", s.sd);
}

/* ---- [metrics] ------------------------------------------------------------------------------- */

static char *
results_dir(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("ipesim-sweep-XXXXXX", &error);
  cr_assert_not_null(dir);
  g_autofree char *f = g_build_filename(dir, "flows.csv", NULL);
  g_autofree char *s = g_build_filename(dir, "summary.csv", NULL);
  g_autofree char *d = g_build_filename(dir, "drops.csv", NULL);
  cr_assert(g_file_set_contents(f, "flow,loss_ratio,delay_p99_us\na,0.1,100\nb,0.3,nan\n"
                                   "c,0.2,300\n", -1, NULL));
  cr_assert(g_file_set_contents(s, "packets_sent,events\n1000,52\n", -1, NULL));
  cr_assert(g_file_set_contents(d, "node,reason,count\nr1,queue_full,4\nr2,queue_full,6\n"
                                   "r2,hop_limit,1\n", -1, NULL));
  return dir;
}

static void
remove_dir(const char *dir)
{
  const char *files[] = { "flows.csv", "summary.csv", "drops.csv" };
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *p = g_build_filename(dir, files[i], NULL);
    g_remove(p);
  }
  g_rmdir(dir);
}

static double
metric(const char *dir, const char *text)
{
  GError *error = NULL;
  g_autoptr(SimMetric) m = sim_metric_parse("m", text, &error);
  cr_assert_not_null(m, "'%s': %s", text, error ? error->message : "?");
  double v = -1;
  cr_assert(sim_metric_evaluate(m, dir, &v, &error), "'%s': %s", text,
            error ? error->message : "?");
  return v;
}

Test(sweep_metrics, functions)
{
  g_autofree char *dir = results_dir();
  cr_assert_eq(metric(dir, "summary.packets_sent"), 1000);
  cr_assert_eq(metric(dir, "flow.b.loss_ratio"), 0.3);
  cr_assert(fabs(metric(dir, "mean(flow.*.loss_ratio)") - 0.2) < 1e-12);
  cr_assert(fabs(metric(dir, "sum(flow.*.loss_ratio)") - 0.6) < 1e-12);
  cr_assert_eq(metric(dir, "min(flow.*.loss_ratio)"), 0.1);
  cr_assert_eq(metric(dir, "max( flow.*.loss_ratio )"), 0.3);
  /* nan fields are left out of the functions */
  cr_assert_eq(metric(dir, "mean(flow.*.delay_p99_us)"), 200);
  cr_assert_eq(metric(dir, "count(flow.*.delay_p99_us)"), 2);
  cr_assert(isnan(metric(dir, "flow.b.delay_p99_us")));
  /* tables of counts */
  cr_assert_eq(metric(dir, "drops.count"), 11);
  cr_assert_eq(metric(dir, "drops.reason.queue_full"), 10);
  cr_assert_eq(metric(dir, "max(drops.node.*)"), 7);
  remove_dir(dir);
}

Test(sweep_metrics, errors)
{
  g_autofree char *dir = results_dir();
  GError *error = NULL;
  cr_assert_null(sim_metric_parse("m", "median(flow.*.x)", &error));
  cr_assert(strstr(error->message, "FUNCTION one of sum, mean, min, max, count"), "%s",
            error->message);
  g_clear_error(&error);
  cr_assert_null(sim_metric_parse("m", "flows", &error));
  cr_assert(strstr(error->message, "expected TABLE.COLUMN or TABLE.ROW.COLUMN"), "%s",
            error->message);
  g_clear_error(&error);
  g_autoptr(SimMetric) many = sim_metric_parse("m", "flow.*.loss_ratio", NULL);
  double v;
  cr_assert_not(sim_metric_evaluate(many, dir, &v, &error));
  cr_assert(strstr(error->message, "names 3 values: name one row, or reduce them"), "%s",
            error->message);
  g_clear_error(&error);
  g_autoptr(SimMetric) col = sim_metric_parse("m", "flow.a.nothing", NULL);
  cr_assert_not(sim_metric_evaluate(col, dir, &v, &error));
  cr_assert(g_error_matches(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_COLUMN), "%s",
            error->message);
  g_clear_error(&error);
  /* the section: keys in order, FILE:LINE on a bad one */
  g_autoptr(SimScenario) sc = load("[metrics]\nloss = mean(flow.*.loss_ratio)\nsent = "
                                   "summary.packets_sent\n");
  g_autoptr(GPtrArray) list = sim_metric_list_from_scenario(sc, &error);
  cr_assert_not_null(list);
  cr_assert_eq(list->len, 2);
  cr_assert_str_eq(sim_metric_name(list->pdata[1]), "sent");
  cr_assert_str_eq(sim_metric_text(list->pdata[0]), "mean(flow.*.loss_ratio)");
  g_autoptr(SimScenario) bad = load("[metrics]\nok = summary.events\nbad = avg(x.y)\n");
  cr_assert_null(sim_metric_list_from_scenario(bad, &error));
  cr_assert(strstr(error->message, "s.ini:3: [metrics] bad: "), "%s", error->message);
  g_clear_error(&error);
  remove_dir(dir);
}
