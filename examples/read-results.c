/* read-results.c - run a scenario through the library, then read its result
 * tables back with the project's CSV reader.
 *
 * Runs scenarios/quickstart.ini (argv[1], or under $top_srcdir) into a
 * temporary folder exactly as `ipesim run` would, then loads flows.csv and
 * summary.csv by column name: prints each flow's loss ratio and 99th
 * percentile one-way delay, and checks packet conservation, for every flow
 * (tx_packets = rx_packets + dropped + in_flight) and for the whole run
 * (packets_sent = packets_delivered + packets_dropped + packets_in_flight).
 * The folder is removed at the end.
 */
#include <ipesim/ipesim.h>

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#define SCENARIO "scenarios/quickstart.ini" /* under the source tree */

/* Loads @dir/@file and finds the index of every column in @names. */
static SimCsvTable *
load_table(const char *dir, const char *file, const char *const *names, int *cols, GError **error)
{
  g_autofree char *path = g_build_filename(dir, file, NULL);
  SimCsvTable *t = sim_csv_table_load(path, error);
  for (size_t i = 0; t && names[i]; i++) {
    cols[i] = sim_csv_table_column(t, names[i]);
    if (cols[i] < 0) {
      g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_COLUMNS, "%s: no column '%s'", path,
                  names[i]);
      g_clear_pointer(&t, sim_csv_table_free);
    }
  }
  return t;
}

static uint64_t
get_u64(const SimCsvTable *t, size_t row, int col)
{
  return g_ascii_strtoull(sim_csv_table_get(t, row, (size_t)col), NULL, 10);
}

/* Removes @dir and everything below it (result tables, manifest, pcap/). */
static gboolean
remove_tree(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
      remove_tree(p);
    else
      g_remove(p);
  }
  if (d)
    g_dir_close(d);
  return g_rmdir(dir) == 0;
}

int
main(int argc, char **argv)
{
  const char *top = getenv("top_srcdir"); /* set by make check */
  g_autofree char *path =
    argc > 1 ? g_strdup(argv[1]) : g_strconcat(top ? top : ".", "/" SCENARIO, NULL);
  GError *error = NULL;
  SimRegistry *reg = sim_net_registry_new();
  SimScenario *sc = NULL;
  SimNetRun *run = NULL;
  SimCsvTable *flows = NULL, *summary = NULL;
  int ok = 0;
  g_autofree char *dir = g_dir_make_tmp("ipesim-read-results-XXXXXX", &error);
  if (!dir)
    goto out;

  /* seed -1: keep the scenario's own; outdir: where pcap/ would go */
  SimNetBuildOptions opts = { .seed = -1, .outdir = dir };
  if (!(sc = sim_scenario_load(path, &error)) || !(run = sim_net_build(sc, reg, &opts, &error)) ||
      !sim_scenario_check_unused(sc, &error))
    goto out;
  gint64 t0 = g_get_monotonic_time();
  sim_run_until(sim_net_run_context(run), sim_net_run_end(run));
  double wall = (double)(g_get_monotonic_time() - t0) * 1e-6;
  /* writes flows.csv, pings.csv, links.csv, drops.csv, summary.csv, manifest.ini */
  if (!sim_net_run_finish(run, sc, dir, wall, -1, &error))
    goto out;
  g_clear_pointer(&run, sim_net_run_free); /* from here on, only the files */

  enum { F_FLOW, F_TX, F_RX, F_DROPPED, F_IN_FLIGHT, F_LOSS, F_P99, F_N };
  static const char *const flow_cols[] = { "flow", "tx_packets", "rx_packets", "dropped",
                                           "in_flight", "loss_ratio", "delay_p99_us", NULL };
  enum { S_SENT, S_DELIVERED, S_DROPPED, S_IN_FLIGHT, S_N };
  static const char *const summary_cols[] = { "packets_sent", "packets_delivered",
                                              "packets_dropped", "packets_in_flight", NULL };
  int fc[F_N], scol[S_N];
  if (!(flows = load_table(dir, "flows.csv", flow_cols, fc, &error)) ||
      !(summary = load_table(dir, "summary.csv", summary_cols, scol, &error)))
    goto out;

  ok = sim_csv_table_n_rows(flows) > 0 && sim_csv_table_n_rows(summary) == 1;
  printf("%-12s %10s %10s %14s\n", "flow", "sent", "loss", "p99 delay us");
  for (size_t r = 0; r < sim_csv_table_n_rows(flows); r++) {
    uint64_t tx = get_u64(flows, r, fc[F_TX]);
    printf("%-12s %10" G_GUINT64_FORMAT " %9.3f%% %14.1f\n",
           sim_csv_table_get(flows, r, fc[F_FLOW]), tx,
           100 * g_ascii_strtod(sim_csv_table_get(flows, r, fc[F_LOSS]), NULL),
           g_ascii_strtod(sim_csv_table_get(flows, r, fc[F_P99]), NULL));
    ok = ok && tx > 0 &&
         tx == get_u64(flows, r, fc[F_RX]) + get_u64(flows, r, fc[F_DROPPED]) +
                 get_u64(flows, r, fc[F_IN_FLIGHT]);
  }
  uint64_t sent = get_u64(summary, 0, scol[S_SENT]);
  uint64_t delivered = get_u64(summary, 0, scol[S_DELIVERED]);
  uint64_t dropped = get_u64(summary, 0, scol[S_DROPPED]);
  uint64_t in_flight = get_u64(summary, 0, scol[S_IN_FLIGHT]);
  printf("summary: %" G_GUINT64_FORMAT " sent = %" G_GUINT64_FORMAT " delivered + %"
         G_GUINT64_FORMAT " dropped + %" G_GUINT64_FORMAT " in flight\n",
         sent, delivered, dropped, in_flight);
  ok = ok && sent > 0 && sent == delivered + dropped + in_flight;

out:
  if (error)
    fprintf(stderr, "read-results: %s\n", error->message);
  g_clear_error(&error);
  g_clear_pointer(&flows, sim_csv_table_free);
  g_clear_pointer(&summary, sim_csv_table_free);
  sim_net_run_free(run);
  sim_scenario_free(sc);
  sim_registry_free(reg);
  if (dir && !remove_tree(dir)) {
    fprintf(stderr, "read-results: cannot remove %s\n", dir);
    ok = 0;
  }
  return ok ? 0 : 1;
}
