/* cmd-run.c - `ipesim run`, `ipesim check` and `ipesim list`.
 *
 *   ipesim run SCENARIO [-o DIR] [--set SECTION.KEY=VALUE]... [--seed N]
 *                       [--pcap NODE[:IFACE]|all]... [-q|-v]
 *   ipesim check SCENARIO [--set ...]
 *   ipesim list
 *
 * ipesim_run_scenario() is shared with `ipesim test` (cmd-test.c).
 * A run builds the network, simulates until duration + drain and writes the
 * result tables, the manifest and the requested pcap files into DIR
 * (default results/<scenario name>/; run-N/ sub-folders when [simulation]
 * runs > 1). Errors name the file and line; the exit status is 0 on
 * success, 1 when the scenario or the run fails, 2 on bad usage. The
 * expectations of [expect] are evaluated after each run; those that fail
 * are reported on stderr without changing the exit status.
 */
#include "config.h"

#include "netscenario.h"
#include "simcontext.h"
#include "simregistry.h"
#include "simscenario.h"
#include "srv6.h"
#include "tools.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
  gboolean tty;
  double t0;
  double last;
  SimTime end;
} Progress;

static double
wall(void)
{
  return (double)g_get_monotonic_time() * 1e-6;
}

static void
on_progress(SimContext *ctx, uint64_t events, void *data)
{
  Progress *p = data;
  double now = wall();
  if (now - p->last < 0.5)
    return;
  p->last = now;
  double frac = p->end > 0 ? sim_time_to_seconds(sim_now(ctx)) / sim_time_to_seconds(p->end) : 0;
  double elapsed = now - p->t0;
  double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
  char t[SIM_TIME_FORMAT_SIZE], e[SIM_TIME_FORMAT_SIZE];
  fprintf(stderr, "\r  sim %s / %s  %5.1f%%  %.2fM events/s  ETA %.0fs   ",
          sim_time_format(sim_now(ctx), t), sim_time_format(p->end, e), 100 * frac,
          (double)events / elapsed / 1e6, eta);
  fflush(stderr);
}

SimScenario *
ipesim_load_scenario(const char *path, char **sets, GError **error)
{
  SimScenario *sc = sim_scenario_load(path, error);
  if (!sc)
    return NULL;
  for (char **s = sets; s && *s; s++) {
    if (!sim_scenario_set(sc, *s, error)) {
      sim_scenario_free(sc);
      return NULL;
    }
  }
  return sc;
}

static uint64_t
runs_of(SimScenario *sc)
{
  SimScenarioSection *s = sim_scenario_get_section(sc, "simulation");
  uint64_t runs = 1;
  const char *v = s ? sim_scenario_section_peek(s, "runs", NULL) : NULL;
  if (v)
    g_ascii_string_to_unsigned(v, 10, 1, 100000, &runs, NULL);
  return runs;
}

/* delay_cdf.gp next to delay_cdf.csv: one CDF line per flow (the first
 * 12), rendered to delay_cdf.png and .svg when @render. */
static const char delay_plot[] =
  "# One-way delay CDF per flow (the first 12), from delay_cdf.csv written by\n"
  "# `ipesim run`. Edit freely and run `gnuplot delay_cdf.gp` in this folder.\n"
  "set datafile separator comma\n"
  "set key bottom right\n"
  "set logscale x\n"
  "set xlabel 'one-way delay (us)'\n"
  "set ylabel 'fraction of packets'\n"
  "set yrange [0:1.02]\n"
  "set grid\n"
  "set title '%s: one-way delay'\n"
  "flows = '%s'\n"
  "plot_it = \"plot for [f in flows] 'delay_cdf.csv' using (strcol(1) eq f ? $2 : NaN):3 \\\n"
  "  with steps lw 2 title f\"\n"
  "set terminal pngcairo size 900,600\n"
  "set output 'delay_cdf.png'\n"
  "eval plot_it\n"
  "set terminal svg size 900,600\n"
  "set output 'delay_cdf.svg'\n"
  "eval plot_it\n";

static const char autoconf_plot[] =
  "# Time until each host's first global address was usable (SLAAC), as a\n"
  "# CDF over hosts, from autoconf.csv written by `ipesim run`. Edit freely.\n"
  "set datafile separator comma\n"
  "set key off\n"
  "set xlabel 'time from interface up to first global address (s)'\n"
  "set ylabel 'fraction of hosts'\n"
  "set yrange [0:1.02]\n"
  "set grid\n"
  "set title '%s: address autoconfiguration'\n"
  "set terminal pngcairo size 900,600\n"
  "set output 'autoconf_cdf.png'\n"
  "plot 'autoconf.csv' using 4:(1.0) skip 1 smooth cnormal with steps lw 2\n"
  "set terminal svg size 900,600\n"
  "set output 'autoconf_cdf.svg'\n"
  "replot\n";

static gboolean
write_delay_plot(SimNet *net, const char *scenario, const char *dir, gboolean render,
                 GError **error)
{
  g_autofree char *ac = g_build_filename(dir, "autoconf.csv", NULL);
  if (g_file_test(ac, G_FILE_TEST_EXISTS)) {
    g_autofree char *script = g_strdup_printf(autoconf_plot, scenario);
    g_autofree char *gp = g_build_filename(dir, "autoconf_cdf.gp", NULL);
    if (!g_file_set_contents(gp, script, -1, error) ||
        (render && !ipesim_run_gnuplot(dir, "autoconf_cdf.gp", error)))
      return FALSE;
  }
  GString *flows = g_string_new(NULL);
  for (uint32_t i = 0; i < sim_net_n_flows(net) && i < 12; i++)
    g_string_append_printf(flows, "%s%s", i ? " " : "", sim_flow_name(sim_net_flow(net, i)));
  g_autofree char *script = g_strdup_printf(delay_plot, scenario, flows->str);
  g_string_free(flows, TRUE);
  g_autofree char *path = g_build_filename(dir, "delay_cdf.gp", NULL);
  if (!g_file_set_contents(path, script, -1, error))
    return FALSE;
  return !render || sim_net_n_flows(net) == 0 || ipesim_run_gnuplot(dir, "delay_cdf.gp", error);
}

static long
peak_rss_kb(void)
{
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

void
ipesim_outcome_free(IpesimOutcome *o)
{
  if (!o)
    return;
  g_free(o->scenario);
  g_free(o->run);
  g_free(o->line);
  g_free(o);
}

/* Appends the outcome of every expectation of @run on @rdir. */
static void
evaluate(SimNetRun *run, const char *scenario, const char *label, const char *rdir,
         GPtrArray *outcomes)
{
  guint n = 0;
  const SimExpect *const *ex = sim_net_run_expectations(run, &n);
  for (guint i = 0; i < n; i++) {
    SimExpectResult r = SIM_EXPECT_RESULT_INIT;
    IpesimOutcome *o = g_new0(IpesimOutcome, 1);
    o->pass = sim_expect_evaluate(ex[i], rdir, &r);
    o->scenario = g_strdup(scenario);
    o->run = g_strdup(label);
    o->line = sim_expect_format(ex[i], &r);
    sim_expect_result_clear(&r);
    g_ptr_array_add(outcomes, o);
  }
}

gboolean
ipesim_run_scenario(SimScenario *sc, SimRegistry *reg, const char *dir,
                    const IpesimRunOptions *opt, GError **error)
{
  uint64_t runs = runs_of(sc);
  GError *plot_error = NULL; /* the first; the tables are complete, so runs go on */
  for (uint64_t r = 0; r < runs; r++) {
    g_autofree char *label = runs > 1 ? g_strdup_printf("run-%" G_GUINT64_FORMAT, r) : NULL;
    g_autofree char *rdir = label ? g_build_filename(dir, label, NULL) : g_strdup(dir);
    SimNetBuildOptions bo = { opt->seed, (uint32_t)r, opt->pcap, rdir };
    double t0 = wall();
    SimNetRun *run = sim_net_build(sc, reg, &bo, error);
    if (!run) {
      g_clear_error(&plot_error);
      return FALSE;
    }
    for (const char *const *w = sim_net_run_warnings(run); *w; w++)
      if (!opt->quiet)
        fprintf(stderr, "warning: %s\n", *w);
    SimContext *ctx = sim_net_run_context(run);
    Progress pg = { isatty(2) && !opt->quiet, wall(), wall(), sim_net_run_end(run) };
    if (pg.tty)
      sim_context_set_progress(ctx, 1 << 18, on_progress, &pg);
    if (opt->verbose)
      fprintf(stderr, "run %" G_GUINT64_FORMAT ": built %u nodes, %u links, %u flows in %.2fs\n",
              r, sim_net_n_nodes(sim_net_run_net(run)), sim_net_n_links(sim_net_run_net(run)),
              sim_net_n_flows(sim_net_run_net(run)), wall() - t0);
    double t1 = wall();
    sim_run_until(ctx, sim_net_run_end(run));
    double t2 = wall();
    if (pg.tty)
      fprintf(stderr, "\r%*s\r", 78, "");
    if (!sim_net_run_finish(run, sc, rdir, t2 - t1, peak_rss_kb(), error)) {
      g_clear_error(&plot_error);
      sim_net_run_free(run);
      return FALSE;
    }
    GError *e = NULL;
    if (!write_delay_plot(sim_net_run_net(run), sim_scenario_name(sc), rdir, opt->plot, &e)) {
      if (!plot_error)
        plot_error = e;
      else
        g_error_free(e);
    }
    if (!opt->quiet) {
      const SimNetCounters *c = sim_net_counters(sim_net_run_net(run));
      printf("%s: %" G_GUINT64_FORMAT " events in %.3fs (%.2fM/s), %" G_GUINT64_FORMAT
             " packets sent, %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT
             " dropped -> %s/\n",
             sim_scenario_name(sc), sim_events_executed(ctx), t2 - t1,
             (double)sim_events_executed(ctx) / (t2 - t1) / 1e6, c->created, c->delivered,
             c->dropped, rdir);
    }
    if (opt->outcomes)
      evaluate(run, sim_scenario_name(sc), label, rdir, opt->outcomes);
    sim_net_run_free(run);
  }
  if (plot_error) {
    g_propagate_error(error, plot_error);
    return FALSE;
  }
  return TRUE;
}

int
ipesim_cmd_run(int argc, char **argv)
{
  char *outdir = NULL;
  char **sets = NULL, **pcaps = NULL;
  gint64 seed = -1;
  gboolean quiet = FALSE, verbose = FALSE, plot = FALSE;
  GOptionEntry entries[] = {
    { "plot", 0, 0, G_OPTION_ARG_NONE, &plot,
      "render delay_cdf.png with gnuplot (the script is written in any case)", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "result folder (default results/<scenario name>)", "DIR" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a scenario value",
      "SECTION.KEY=VALUE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (overrides [simulation] seed)", "N" },
    { "pcap", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &pcaps, "capture interfaces (repeatable)",
      "all|NODE[:IFACE]" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "only errors", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "more detail on stderr", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("SCENARIO - run a scenario");
  g_option_context_add_main_entries(oc, entries, NULL);
  int status = 0;
  SimScenario *sc = NULL;
  SimRegistry *reg = NULL;
  char *dir = NULL;
  GPtrArray *outcomes = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_outcome_free);
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc != 2 || seed > UINT32_MAX) {
    fprintf(stderr, "ipesim run: %s\n",
            error ? error->message : "expected one scenario file (see ipesim run --help)");
    status = 2;
    goto out;
  }
  sc = ipesim_load_scenario(argv[1], sets, &error);
  if (!sc) {
    fprintf(stderr, "ipesim run: %s\n", error->message);
    status = 1;
    goto out;
  }
  reg = sim_net_registry_new();
  dir = outdir ? g_strdup(outdir) : g_build_filename("results", sim_scenario_name(sc), NULL);
  IpesimRunOptions ro = { seed, (const char *const *)pcaps, plot, quiet, verbose, outcomes };
  if (!ipesim_run_scenario(sc, reg, dir, &ro, &error)) {
    fprintf(stderr, "ipesim run: %s\n", error->message);
    status = 1;
  }
  /* expectations are reported, not enforced: `ipesim test` fails on them */
  guint failed = 0;
  for (guint i = 0; i < outcomes->len; i++) {
    const IpesimOutcome *o = outcomes->pdata[i];
    if (!o->pass) {
      failed++;
      fprintf(stderr, "expect: %s%s%s\n", o->run ? o->run : "", o->run ? ": " : "", o->line);
    }
  }
  if (outcomes->len && !quiet)
    printf("%s: expectations: %u passed, %u failed\n", sim_scenario_name(sc),
           outcomes->len - failed, failed);
out:
  g_ptr_array_unref(outcomes);
  sim_registry_free(reg);
  sim_scenario_free(sc);
  g_free(dir);
  g_free(outdir);
  g_strfreev(sets);
  g_strfreev(pcaps);
  return status;
}

int
ipesim_cmd_check(int argc, char **argv)
{
  char **sets = NULL;
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a scenario value",
      "SECTION.KEY=VALUE" },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("SCENARIO - validate a scenario");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc != 2) {
    fprintf(stderr, "ipesim check: %s\n", error ? error->message : "expected one scenario file");
    g_strfreev(sets);
    return 2;
  }
  SimScenario *sc = ipesim_load_scenario(argv[1], sets, &error);
  g_strfreev(sets);
  if (!sc) {
    fprintf(stderr, "ipesim check: %s\n", error->message);
    return 1;
  }
  SimRegistry *reg = sim_net_registry_new();
  SimNetRun *run = sim_net_build(sc, reg, NULL, &error);
  int status = 0;
  if (!run) {
    fprintf(stderr, "ipesim check: %s\n", error->message);
    status = 1;
  } else {
    for (const char *const *w = sim_net_run_warnings(run); *w; w++)
      fprintf(stderr, "warning: %s\n", *w);
    SimNet *net = sim_net_run_net(run);
    char t[SIM_TIME_FORMAT_SIZE];
    printf("%s: ok: %u nodes, %u links, %u flows, %u pings, runs until %s\n",
           sim_scenario_name(sc), sim_net_n_nodes(net), sim_net_n_links(net),
           sim_net_n_flows(net), sim_net_n_pings(net), sim_time_format(sim_net_run_end(run), t));
  }
  sim_net_run_free(run);
  sim_registry_free(reg);
  sim_scenario_free(sc);
  return status;
}

int
ipesim_cmd_list(int argc, char **argv)
{
  (void)argv;
  if (argc > 1) {
    fprintf(stderr, "ipesim list: no arguments expected\n");
    return 2;
  }
  SimRegistry *reg = sim_net_registry_new();
  GString *out = g_string_new(NULL);
  sim_registry_describe(reg, out);
  sim_srv6_describe_behaviours(out);
  fputs(out->str, stdout);
  g_string_free(out, TRUE);
  sim_registry_free(reg);
  return 0;
}
