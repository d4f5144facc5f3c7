/* cmd-run.c - `ipesim run`, `ipesim check` and `ipesim list`.
 *
 *   ipesim run SCENARIO [-o DIR] [--set SECTION.KEY=VALUE]... [--seed N]
 *                       [--pcap NODE[:IFACE]|all]... [--plot] [-j N] [--force] [-q|-v]
 *   ipesim check SCENARIO [--set ...] [--ranks N]
 *   ipesim list
 *
 * `ipesim run` hands the scenario file to ipesim_run_file() (runner.c,
 * shared with `ipesim test`): one run into DIR (default
 * results/<scenario name>/), or a sweep into DIR/run-K/ with its tables.
 * Errors name the file and line; the exit status is 0 on success, 1 when
 * the scenario or a run fails, 130 when interrupted, 2 on bad usage. The
 * expectations of [expect] are evaluated after each run; those that fail
 * are reported on stderr without changing the exit status. `ipesim check`
 * builds the network (every parameter point of a sweep) without running it.
 */
#include "config.h"

#include "netscenario.h"
#include "partition.h"
#include "simcontext.h"
#include "simregistry.h"
#include "simscenario.h"
#include "simsweep.h"
#include "srv6.h"
#include "plot.h"
#include "tools.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

gboolean
ipesim_write_run_plots(SimNet *net, const char *scenario, const char *dir, GError **error)
{
  g_autofree char *ac = g_build_filename(dir, "autoconf.csv", NULL);
  if (g_file_test(ac, G_FILE_TEST_EXISTS)) {
    g_autofree char *script = g_strdup_printf(autoconf_plot, scenario);
    g_autofree char *gp = g_build_filename(dir, "autoconf_cdf.gp", NULL);
    if (!g_file_set_contents(gp, script, -1, error))
      return FALSE;
  }
  GString *flows = g_string_new(NULL);
  for (uint32_t i = 0; i < sim_net_n_flows(net) && i < 12; i++)
    g_string_append_printf(flows, "%s%s", i ? " " : "", sim_flow_name(sim_net_flow(net, i)));
  g_autofree char *script = g_strdup_printf(delay_plot, scenario, flows->str);
  g_string_free(flows, TRUE);
  g_autofree char *path = g_build_filename(dir, "delay_cdf.gp", NULL);
  return g_file_set_contents(path, script, -1, error);
}

/* TRUE when @dir/@csv has a row after its header. */
static gboolean
has_rows(const char *dir, const char *csv)
{
  g_autofree char *path = g_build_filename(dir, csv, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return FALSE;
  const char *nl = strchr(text, '\n');
  return nl && nl[1] != '\0';
}

gboolean
ipesim_render_run_plots(const char *dir, GError **error)
{
  if (has_rows(dir, "autoconf.csv") && !ipesim_run_gnuplot(dir, "autoconf_cdf.gp", error))
    return FALSE;
  return !has_rows(dir, "delay_cdf.csv") || ipesim_run_gnuplot(dir, "delay_cdf.gp", error);
}

/* "NAME" of an outcome line "FAIL NAME: ..." */
static char *
outcome_name(const IpesimOutcome *o)
{
  const char *p = o->line + 5, *colon = strchr(p, ':');
  return colon ? g_strndup(p, (gsize)(colon - p)) : g_strdup(p);
}

/* Failing expectations on stderr: each line for a single run; for the
 * runs of a sweep, one line per expectation with the number of runs it
 * failed in and its first failure. Then the totals on stdout. */
static void
report_outcomes(GPtrArray *outcomes, gboolean quiet)
{
  guint failed = 0;
  gboolean sweep = FALSE;
  for (guint i = 0; i < outcomes->len; i++) {
    const IpesimOutcome *o = outcomes->pdata[i];
    failed += !o->pass;
    sweep |= o->run != NULL;
  }
  if (!sweep) {
    for (guint i = 0; i < outcomes->len; i++) {
      const IpesimOutcome *o = outcomes->pdata[i];
      if (!o->pass)
        fprintf(stderr, "expect: %s\n", o->line);
    }
  } else {
    /* name -> runs checked, runs failed, first failure */
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < outcomes->len; i++) {
      g_autofree char *n = outcome_name(outcomes->pdata[i]);
      if (!g_ptr_array_find_with_equal_func(names, n, g_str_equal, NULL))
        g_ptr_array_add(names, g_steal_pointer(&n));
    }
    for (guint k = 0; k < names->len; k++) {
      guint runs = 0, bad = 0;
      const IpesimOutcome *first = NULL;
      for (guint i = 0; i < outcomes->len; i++) {
        const IpesimOutcome *o = outcomes->pdata[i];
        g_autofree char *n = outcome_name(o);
        if (strcmp(n, names->pdata[k]) != 0)
          continue;
        runs++;
        if (!o->pass && bad++ == 0)
          first = o;
      }
      if (first)
        fprintf(stderr, "expect: %s failed in %u of %u runs; first %s: %s\n",
                (const char *)names->pdata[k], bad, runs, first->run ? first->run : "",
                first->line);
    }
  }
  if (outcomes->len && !quiet)
    printf("%s: expectations: %u passed, %u failed\n",
           ((IpesimOutcome *)outcomes->pdata[0])->scenario, outcomes->len - failed, failed);
}

int
ipesim_cmd_run(int argc, char **argv)
{
  char *outdir = NULL;
  char **sets = NULL, **pcaps = NULL;
  gint64 seed = -1;
  gint jobs = 0;
  gboolean quiet = FALSE, verbose = FALSE, plot = FALSE, force = FALSE;
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
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      "runs of a sweep at a time (default: the number of cores)", "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "run every run of a sweep again, even those whose results are complete", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "only errors", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "more detail on stderr", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("SCENARIO - run a scenario or its sweep");
  g_option_context_add_main_entries(oc, entries, NULL);
  int status = 0;
  GPtrArray *outcomes = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_outcome_free);
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc != 2 || seed > UINT32_MAX ||
      jobs < 0) {
    fprintf(stderr, "ipesim run: %s\n",
            error ? error->message
                  : jobs < 0 ? "--jobs: expected a positive number"
                             : "expected one scenario file (see ipesim run --help)");
    status = 2;
    goto out;
  }
  IpesimRunOptions ro = { seed, (const char *const *)pcaps, plot, quiet, verbose, outcomes,
                          jobs, force };
  switch (ipesim_run_file(argv[1], sets, outdir, &ro, &error)) {
  case IPESIM_RUN_OK: break;
  case IPESIM_RUN_SOME_FAILED:
    fprintf(stderr, "ipesim run: some runs failed (see above); their rows in sweep.csv say "
                    "status failed\n");
    status = 1;
    break;
  case IPESIM_RUN_INTERRUPTED: status = 130; break;
  case IPESIM_RUN_ERROR:
    /* over several ranks, the rank that found the error reports it */
    if (!g_error_matches(error, IPESIM_RANK_ERROR, 0))
      fprintf(stderr, "ipesim run: %s\n", error->message);
    status = 1;
    break;
  }
  /* expectations are reported, not enforced: `ipesim test` fails on them */
  report_outcomes(outcomes, quiet);
out:
  g_ptr_array_unref(outcomes);
  g_free(outdir);
  g_strfreev(sets);
  g_strfreev(pcaps);
  return status;
}

int
ipesim_cmd_check(int argc, char **argv)
{
  char **sets = NULL;
  gint ranks = 0;
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a scenario value",
      "SECTION.KEY=VALUE" },
    { "ranks", 0, 0, G_OPTION_ARG_INT, &ranks,
      "also print how the network splits over N ranks (nodes, cut links, lookahead)", "N" },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("SCENARIO - validate a scenario");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc != 2 || ranks < 0) {
    fprintf(stderr, "ipesim check: %s\n",
            error        ? error->message
            : ranks < 0 ? "--ranks: expected a positive number of ranks"
                         : "expected one scenario file");
    g_strfreev(sets);
    return 2;
  }
  g_autoptr(SimScenario) base = ipesim_load_scenario(argv[1], sets, &error);
  g_autoptr(SimSweep) sw = base ? sim_sweep_from_scenario(base, &error) : NULL;
  if (sw && !ipesim_plot_check_scenario(base, &error))
    g_clear_pointer(&sw, sim_sweep_free);
  if (!sw) {
    fprintf(stderr, "ipesim check: %s\n", error->message);
    g_strfreev(sets);
    return 1;
  }
  /* a sweep: every parameter point is built (one replication each) */
  guint points = sim_sweep_is_sweep(sw) ? sim_sweep_n_points(sw) : 1;
  int status = 0;
  for (guint p = 0; p < points && status == 0; p++) {
    g_autoptr(SimScenario) sc = ipesim_load_scenario(argv[1], sets, &error);
    g_auto(GStrv) a =
      sim_sweep_is_sweep(sw) ? sim_sweep_run_assignments(sw, p * sim_sweep_replications(sw)) : NULL;
    for (char **s = a; sc && s && *s; s++)
      if (!sim_scenario_set(sc, *s, &error))
        g_clear_pointer(&sc, sim_scenario_free);
    SimRegistry *reg = sim_net_registry_new();
    SimNetRun *run = sc ? sim_net_build(sc, reg, NULL, &error) : NULL;
    g_autofree char *label = points > 1 ? sim_sweep_point_label(sw, p) : NULL;
    if (!run) {
      fprintf(stderr, "ipesim check: %s%s%s\n", label ? label : "", label ? ": " : "",
              error->message);
      status = 1;
    } else {
      for (const char *const *w = sim_net_run_warnings(run); p == 0 && *w; w++)
        fprintf(stderr, "warning: %s\n", *w);
      SimNet *net = sim_net_run_net(run);
      char t[SIM_TIME_FORMAT_SIZE];
      printf("%s: ok%s%s: %u nodes, %u links, %u flows, %u pings, runs until %s\n",
             sim_scenario_name(sc), label ? " at " : "", label ? label : "", sim_net_n_nodes(net),
             sim_net_n_links(net), sim_net_n_flows(net), sim_net_n_pings(net),
             sim_time_format(sim_net_run_end(run), t));
      if (ranks > 0 && p == 0) {
        g_autoptr(SimPartition) part = sim_net_run_partition(run, (uint32_t)ranks, &error);
        g_autofree char *d = part ? sim_partition_describe(part) : NULL;
        if (d) {
          printf("%s: partition: %s\n", sim_scenario_name(sc), d);
        } else {
          fprintf(stderr, "ipesim check: --ranks: %s\n", error->message);
          status = 1;
        }
      }
    }
    sim_net_run_free(run);
    sim_registry_free(reg);
  }
  if (status == 0 && sim_sweep_is_sweep(sw))
    printf("%s: sweep of %u point%s x %u replication%s = %u runs\n", sim_scenario_name(base),
           points, points > 1 ? "s" : "", sim_sweep_replications(sw),
           sim_sweep_replications(sw) > 1 ? "s" : "", sim_sweep_n_runs(sw));
  g_strfreev(sets);
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
