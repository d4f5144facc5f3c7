/* cmd-test.c - `ipesim test`: run scenarios and check their [expect] sections.
 *
 *   ipesim test SCENARIO... [--tap] [-o DIR] [--set SECTION.KEY=VALUE]...
 *                           [--seed N] [-v]
 *
 * Each scenario runs like `ipesim run` (every replication), into DIR/NAME
 * with -o, else into a temporary folder removed afterwards; then each
 * expectation is evaluated on the results and reported on stdout, one line
 * each: `PASS NAME: METRIC OP VALUE (measured X)` or `FAIL ...`. With
 * --tap the report is TAP version 13: the plan, then `ok N - ...` or
 * `not ok N - ...`, one test per expectation and run, and one failing test
 * for a scenario that cannot be loaded or run or that has no [expect].
 * The whole report is printed once every scenario has run, so the plan
 * comes first. Exit status: 0 when every expectation holds, 1 when one
 * fails or a scenario fails, 2 on bad usage.
 */
#include "config.h"

#include "tools.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

/* A failing outcome for a whole scenario. */
static void
add_failure(GPtrArray *outcomes, const char *scenario, const char *message)
{
  IpesimOutcome *o = g_new0(IpesimOutcome, 1);
  o->scenario = g_strdup(scenario);
  o->line = g_strdup_printf("FAIL %s", message);
  g_ptr_array_add(outcomes, o);
}

/* Runs @path into @dir and appends its outcomes. */
static void
test_one(const char *path, char **sets, const char *outdir, const char *tmpdir,
         const IpesimRunOptions *base, GPtrArray *outcomes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SimScenario) sc = ipesim_load_scenario(path, sets, &error);
  if (!sc) {
    add_failure(outcomes, path, error->message);
    return;
  }
  SimScenarioSection *ex = sim_scenario_get_section(sc, "expect");
  g_autofree const char **keys = ex ? sim_scenario_section_keys(ex, NULL) : NULL;
  if (!keys || !keys[0]) {
    g_autofree char *m = g_strdup_printf(
      "%s: no [expect] section: nothing to test (see docs/scenario-format.md, [expect])", path);
    add_failure(outcomes, sim_scenario_name(sc), m);
    return;
  }
  g_autofree char *dir = g_build_filename(outdir ? outdir : tmpdir, sim_scenario_name(sc), NULL);
  IpesimRunOptions ro = *base;
  ro.outcomes = outcomes;
  IpesimRunStatus st = ipesim_run_file(path, sets, dir, &ro, &error);
  if (st == IPESIM_RUN_ERROR)
    add_failure(outcomes, sim_scenario_name(sc), error->message);
  else if (st == IPESIM_RUN_INTERRUPTED)
    add_failure(outcomes, sim_scenario_name(sc), "interrupted");
}

/* TAP descriptions must not hold '#' (a directive) or line breaks. */
static char *
tap_description(const IpesimOutcome *o)
{
  const char *text = o->line + 5; /* after "PASS " or "FAIL " */
  g_autofree char *raw = o->run ? g_strdup_printf("%s: %s: %s", o->scenario, o->run, text)
                                : g_strdup_printf("%s: %s", o->scenario, text);
  GString *s = g_string_new(NULL);
  for (const char *p = raw; *p; p++) {
    if (*p == '#')
      g_string_append(s, "\\#");
    else
      g_string_append_c(s, *p == '\n' ? ' ' : *p);
  }
  return g_string_free(s, FALSE);
}

int
ipesim_cmd_test(int argc, char **argv)
{
  char *outdir = NULL;
  char **sets = NULL;
  gint64 seed = -1;
  gboolean tap = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
    { "tap", 0, 0, G_OPTION_ARG_NONE, &tap, "report in TAP version 13", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "keep the results in DIR/<scenario name> (default: a temporary folder, removed)", "DIR" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "override a scenario value (in every scenario)", "SECTION.KEY=VALUE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "random seed (overrides [simulation] seed)", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "what each run built, on stderr",
      NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc =
    g_option_context_new("SCENARIO... - run scenarios and check their [expect] sections");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc < 2 || seed > UINT32_MAX) {
    fprintf(stderr, "ipesim test: %s\n",
            error ? error->message
                  : "expected one or more scenario files (see ipesim test --help)");
    g_free(outdir);
    g_strfreev(sets);
    return 2;
  }
  char *tmpdir = NULL;
  if (!outdir && !(tmpdir = g_dir_make_tmp("ipesim-test-XXXXXX", &error))) {
    fprintf(stderr, "ipesim test: %s\n", error->message);
    g_strfreev(sets);
    return 1;
  }
  GPtrArray *outcomes = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_outcome_free);
  /* quiet: stdout is the report alone */
  IpesimRunOptions base = { seed, NULL, FALSE, TRUE, verbose, NULL, 0, TRUE };
  for (int i = 1; i < argc; i++)
    test_one(argv[i], sets, outdir, tmpdir, &base, outcomes);
  guint failed = 0;
  if (ipesim_mpi_rank() != 0) {
    /* under mpirun, rank 0 has the results and reports */
    g_ptr_array_set_size(outcomes, 0);
    if (tmpdir)
      ipesim_remove_tree(tmpdir);
    g_free(tmpdir);
    g_ptr_array_unref(outcomes);
    g_free(outdir);
    g_strfreev(sets);
    return 0;
  }
  if (tap)
    printf("TAP version 13\n1..%u\n", outcomes->len);
  const char *last = NULL;
  for (guint i = 0; i < outcomes->len; i++) {
    const IpesimOutcome *o = outcomes->pdata[i];
    failed += !o->pass;
    if (tap) {
      g_autofree char *d = tap_description(o);
      printf("%s %u - %s\n", o->pass ? "ok" : "not ok", i + 1, d);
      continue;
    }
    if (!last || strcmp(last, o->scenario) != 0)
      printf("# %s\n", o->scenario);
    last = o->scenario;
    if (o->run)
      printf("%.5s%s: %s\n", o->line, o->run, o->line + 5);
    else
      printf("%s\n", o->line);
  }
  printf("%s%u passed, %u failed\n", tap ? "# " : "", outcomes->len - failed, failed);
  g_ptr_array_unref(outcomes);
  if (tmpdir)
    ipesim_remove_tree(tmpdir);
  g_free(tmpdir);
  g_free(outdir);
  g_strfreev(sets);
  return failed ? 1 : 0;
}
