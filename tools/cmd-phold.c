/* cmd-phold.c - `ipesim phold`: the engine's PHOLD benchmark as a small
 * experiment. For every LP count and event queue it runs PHOLD (W3 by
 * default) and writes DIR/phold.csv (one row per run), DIR/manifest.csv,
 * a gnuplot script DIR/phold.gp and, when gnuplot is installed, the plot
 * DIR/phold.png / .svg of event rate against LP count.
 */
#include "config.h"

#include "phold.h"
#include "simcontext.h"
#ifdef IPESIM_WITH_MPI
#include "simpar.h"
#endif
#include "simcsv.h"
#include "tools.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>

static double
wall_seconds(void)
{
  return (double)g_get_monotonic_time() * 1e-6;
}

static gboolean
parse_u32_list(const char *text, GArray *out, const char *what, GError **error)
{
  g_auto(GStrv) items = g_strsplit(text, ",", -1);
  for (char **s = items; *s; s++) {
    guint64 v;
    if (!g_ascii_string_to_unsigned(g_strstrip(*s), 10, 1, 100000000, &v, NULL)) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "%s: '%s' is not a count between 1 and 100000000", what, *s);
      return FALSE;
    }
    uint32_t u = (uint32_t)v;
    g_array_append_val(out, u);
  }
  return TRUE;
}

static const char plot_script[] =
  "# PHOLD event rate against the number of LPs, one line per event queue.\n"
  "# Data: phold.csv (written by `ipesim phold`). Edit freely.\n"
  "set datafile separator comma\n"
  "set key top right autotitle columnhead\n"
  "set logscale x\n"
  "set xlabel 'logical processes'\n"
  "set ylabel 'events per second (millions)'\n"
  "set grid\n"
  "set yrange [0:*]\n"
  "set offsets graph 0.05, graph 0.05, 0, 0\n"
  "set title 'ipesim PHOLD (remote %g, lookahead %g, mean %g)'\n"
  "plot_it = \"plot for [q in '%s'] 'phold.csv' using \\\n"
  "  (stringcolumn('queue') eq q ? column('lps') : NaN):(column('events_per_second')/1e6) \\\n"
  "  with linespoints lw 2 pt 7 title q\"\n"
  "set terminal pngcairo size 900,600\n"
  "set output 'phold.png'\n"
  "eval plot_it\n"
  "set terminal svg size 900,600\n"
  "set output 'phold.svg'\n"
  "eval plot_it\n";

int
ipesim_cmd_phold(int argc, char **argv)
{
  char *lps_text = NULL, *queue_text = NULL, *outdir = NULL;
  double end = 0, remote = 1.0, lookahead = 0.1, mean = 1.1;
  gint64 events = 5000000, seed = 1;
  gboolean no_plot = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "lps", 'n', 0, G_OPTION_ARG_STRING, &lps_text, "LP counts (default 1000,10000,100000)",
      "LIST" },
    { "queue", 'q', 0, G_OPTION_ARG_STRING, &queue_text, "event queues (default heap,ladder)",
      "LIST" },
    { "events", 'e', 0, G_OPTION_ARG_INT64, &events,
      "about this many events per run (default 5000000)", "E" },
    { "end", 0, 0, G_OPTION_ARG_DOUBLE, &end, "simulated end time instead of --events", "T" },
    { "remote", 0, 0, G_OPTION_ARG_DOUBLE, &remote, "probability of a remote destination", "R" },
    { "lookahead", 0, 0, G_OPTION_ARG_DOUBLE, &lookahead, "minimum delay", "L" },
    { "mean", 0, 0, G_OPTION_ARG_DOUBLE, &mean, "mean total delay", "M" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed (default 1)", "S" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, "result folder (default results/phold)",
      "DIR" },
    { "no-plot", 0, 0, G_OPTION_ARG_NONE, &no_plot, "do not run gnuplot", NULL },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, "no per-run lines on stdout", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("- PHOLD engine benchmark sweep");
  g_option_context_add_main_entries(oc, entries, NULL);
  int status = 0;
  g_autoptr(GArray) lps = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  g_autoptr(GArray) queues = g_array_new(FALSE, FALSE, sizeof(int));
  g_autofree char *dir = NULL;
  if (!g_option_context_parse(oc, &argc, &argv, &error))
    goto fail;
  if (!parse_u32_list(lps_text ? lps_text : "1000,10000,100000", lps, "--lps", &error))
    goto fail;
  {
    g_auto(GStrv) qs = g_strsplit(queue_text ? queue_text : "heap,ladder", ",", -1);
    for (char **q = qs; *q; q++) {
      int k = sim_queue_kind_from_name(g_strstrip(*q));
      if (k < 0) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--queue: unknown queue '%s' (expected heap or ladder)", *q);
        goto fail;
      }
      g_array_append_val(queues, k);
    }
  }
  if (seed < 0 || seed > UINT32_MAX || events < 1 || end < 0) {
    g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "expected --seed in [0, 2^32), --events >= 1, --end >= 0");
    goto fail;
  }
  dir = g_strdup(outdir ? outdir : "results/phold");
#ifdef IPESIM_WITH_MPI
  /* under mpirun every rank runs each PHOLD together; rank 0 writes */
  const int ranks = sim_par_world_size();
  const gboolean root = sim_par_world_rank() == 0;
#else
  const int ranks = 1;
  const gboolean root = TRUE;
#endif
  if (!root) {
    quiet = TRUE;
    no_plot = TRUE;
  }
  if (root && g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dir,
                g_strerror(errno));
    goto fail;
  }

  {
    g_autofree char *csv_path = g_build_filename(dir, "phold.csv", NULL);
    static const char *const cols[] = { "lps", "queue", "end_s", "events", "setup_seconds",
                                        "run_seconds", "events_per_second",
                                        "event_bytes_per_pending", "trace_hash", "lp_counts_hash",
                                        "ranks", "wait_share", NULL };
    SimCsvWriter *w = root ? sim_csv_writer_open(csv_path, cols, &error) : NULL;
    if (root && !w)
      goto fail;
    /* queue-major order keeps each queue's rows together for the plot */
    for (guint j = 0; j < queues->len; j++) {
      SimQueueKind kind = (SimQueueKind)g_array_index(queues, int, j);
      for (guint i = 0; i < lps->len; i++) {
        uint32_t n = g_array_index(lps, uint32_t, i);
        double run_end = end > 0 ? end : (double)events * mean / n;
        SimContextConfig cfg = { kind, (uint32_t)seed, 0 };
        double t0 = wall_seconds();
        SimContext *ctx = sim_context_new(&cfg);
        sim_context_set_trace_hash(ctx, TRUE);
        SimPholdConfig pc = { n, remote, lookahead, mean };
        SimPhold *ph = sim_phold_new(ctx, &pc, &error);
        void *par = NULL;
        (void)par;
#ifdef IPESIM_WITH_MPI
        if (ph && ranks > 1 && !(par = sim_phold_parallel(ph, ctx, &error))) {
          sim_phold_free(ph);
          ph = NULL;
        }
#endif
        if (!ph) {
          sim_context_free(ctx);
          if (w)
            sim_csv_writer_abort(w);
          goto fail;
        }
        size_t pending = sim_events_pending(ctx);
        double t1 = wall_seconds();
        double wait = 0;
#ifdef IPESIM_WITH_MPI
        if (par) {
          sim_par_run_until(par, sim_time_from_seconds(run_end));
          SimParStats ps;
          sim_par_stats(par, &ps);
          wait = sim_par_world_max(ps.sync_seconds / ps.run_seconds);
          sim_phold_gather(ph);
        } else
#endif
        {
          sim_run_until(ctx, sim_time_from_seconds(run_end));
        }
        double t2 = wall_seconds();
        uint64_t ev = sim_phold_events(ph);
        double bytes = (double)sim_context_event_memory(ctx) / (double)pending;
        char hash[17], counts[17];
        g_snprintf(hash, sizeof hash, "%016" G_GINT64_MODIFIER "x", sim_context_trace_hash(ctx));
        g_snprintf(counts, sizeof counts, "%016" G_GINT64_MODIFIER "x", sim_phold_counts_hash(ph));
#ifdef IPESIM_WITH_MPI
        if (par)
          sim_par_free(par);
#endif
        if (!root) {
          sim_phold_free(ph);
          sim_context_free(ctx);
          continue;
        }
        sim_csv_writer_add_uint(w, n);
        sim_csv_writer_add_string(w, sim_queue_kind_name(kind));
        sim_csv_writer_add_double(w, run_end, 6);
        sim_csv_writer_add_uint(w, ev);
        sim_csv_writer_add_double(w, t1 - t0, 4);
        sim_csv_writer_add_double(w, t2 - t1, 4);
        sim_csv_writer_add_double(w, (double)ev / (t2 - t1), 6);
        sim_csv_writer_add_double(w, bytes, 4);
        /* the order of one rank's events says nothing of the whole run's */
        if (ranks > 1)
          sim_csv_writer_add_empty(w);
        else
          sim_csv_writer_add_string(w, hash);
        sim_csv_writer_add_string(w, counts);
        sim_csv_writer_add_int(w, ranks);
        sim_csv_writer_add_double(w, wait, 4);
        sim_csv_writer_end_row(w);
        if (!quiet)
          printf("lps %u queue %s events %" G_GUINT64_FORMAT " run_seconds %.3f events_per_s %.0f",
                 n, sim_queue_kind_name(kind), ev, t2 - t1, (double)ev / (t2 - t1));
        if (!quiet && ranks > 1)
          printf(" ranks %d waiting %.0f%%", ranks, 100 * wait);
        if (!quiet)
          printf("\n");
        fflush(stdout);
        sim_phold_free(ph);
        sim_context_free(ctx);
      }
    }
    if (!root)
      goto out;
    if (!sim_csv_writer_commit(w, &error))
      goto fail;
  }
  {
    g_autofree char *man_path = g_build_filename(dir, "manifest.csv", NULL);
    static const char *const cols[] = { "key", "value", NULL };
    SimCsvWriter *m = sim_csv_writer_open(man_path, cols, &error);
    if (!m)
      goto fail;
    char buf[64];
    const char *kv[][2] = {
      { "program", "ipesim phold" },
      { "version", PACKAGE_VERSION },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(kv); i++) {
      sim_csv_writer_add_string(m, kv[i][0]);
      sim_csv_writer_add_string(m, kv[i][1]);
      sim_csv_writer_end_row(m);
    }
    sim_csv_writer_add_string(m, "seed");
    sim_csv_writer_add_int(m, seed);
    sim_csv_writer_end_row(m);
    struct { const char *k; double v; } dv[] = {
      { "remote", remote }, { "lookahead", lookahead }, { "mean", mean } };
    for (size_t i = 0; i < G_N_ELEMENTS(dv); i++) {
      sim_csv_writer_add_string(m, dv[i].k);
      sim_csv_writer_add_double(m, dv[i].v, 17);
      sim_csv_writer_end_row(m);
    }
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, events);
    sim_csv_writer_add_string(m, end > 0 ? "end" : "events");
    if (end > 0)
      sim_csv_writer_add_double(m, end, 17);
    else
      sim_csv_writer_add_string(m, buf);
    sim_csv_writer_end_row(m);
    if (!sim_csv_writer_commit(m, &error))
      goto fail;
  }
  {
    GString *qnames = g_string_new(NULL);
    for (guint j = 0; j < queues->len; j++)
      g_string_append_printf(qnames, "%s%s", j ? " " : "",
                             sim_queue_kind_name((SimQueueKind)g_array_index(queues, int, j)));
    g_autofree char *script = g_strdup_printf(plot_script, remote, lookahead, mean, qnames->str);
    g_string_free(qnames, TRUE);
    g_autofree char *gp_path = g_build_filename(dir, "phold.gp", NULL);
    if (!g_file_set_contents(gp_path, script, -1, &error))
      goto fail;
    if (!no_plot) {
      if (!ipesim_run_gnuplot(dir, "phold.gp", &error)) {
        fprintf(stderr, "ipesim phold: %s\n", error->message);
        g_clear_error(&error);
        status = 1;
      }
    }
  }
  if (!quiet)
    printf("results in %s/ (phold.csv%s)\n", dir, no_plot || status ? "" : ", phold.png, phold.svg");
  goto out;

fail:
  fprintf(stderr, "ipesim phold: %s\n", error ? error->message : "failed");
  status = 2;
out:
  g_free(lps_text);
  g_free(queue_text);
  g_free(outdir);
  return status;
}
