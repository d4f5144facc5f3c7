/* test-timeseries.c - [output] sample and sample_metrics: timeseries.csv
 * against closed-form values of CBR traffic over a link, against the
 * other result tables, and its scenario errors. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "netscenario.h"
#include "simcsv.h"
#include "simscenario.h"

/* Two hosts over one link l (a -> b is the direction l:a); PPP framing,
 * so a 1000-byte datagram is 1000 + 8 + 40 + 2 = 1050 bytes on the wire:
 * 84 us at 100 Mbit/s. */
#define LINK_AB                                                                                  \
  "[node a]\ntype = host\n[node b]\ntype = host\n"                                              \
  "[link l]\na = a\nb = b\nrate = 100Mbps\ndelay = 10us\nqueue_packets = %u\n"                    \
  "[flow f]\nsrc = a\ndst = b\napp = cbr\nrate = %upps\nsize = 1000B\n"

typedef struct {
  char *dir;
  SimCsvTable *ts; /* timeseries.csv, NULL when not written */
  uint64_t events;
} Result;

static void
remove_dir(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d)) != NULL) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    g_remove(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
}

static void
result_clear(Result *r)
{
  if (r->ts)
    sim_csv_table_free(r->ts);
  remove_dir(r->dir);
  g_free(r->dir);
}

static char *
read_file(const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename(dir, name, NULL);
  char *text = NULL;
  cr_assert(g_file_get_contents(p, &text, NULL, NULL), "no %s", p);
  return text;
}

/* Runs @text to its end into a new folder, results written as ipesim run
 * does. */
static void
run(const char *text, Result *r)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load_data("ts.ini", text, -1, &error);
  cr_assert_not_null(sc, "%s", error ? error->message : "");
  SimRegistry *reg = sim_net_registry_new();
  r->dir = g_dir_make_tmp("ipesim-ts-XXXXXX", &error);
  cr_assert_not_null(r->dir);
  SimNetBuildOptions bo = SIM_NET_BUILD_OPTIONS_INIT;
  bo.outdir = r->dir;
  SimNetRun *nr = sim_net_build(sc, reg, &bo, &error);
  cr_assert_not_null(nr, "%s", error ? error->message : "");
  sim_run_until(sim_net_run_context(nr), sim_net_run_end(nr));
  r->events = sim_events_executed(sim_net_run_context(nr));
  cr_assert(sim_net_run_finish(nr, sc, r->dir, 0.0, -1, &error), "%s",
            error ? error->message : "");
  sim_net_run_free(nr);
  sim_registry_free(reg);
  sim_scenario_free(sc);
  g_autofree char *path = g_build_filename(r->dir, "timeseries.csv", NULL);
  r->ts = g_file_test(path, G_FILE_TEST_EXISTS) ? sim_csv_table_load(path, &error) : NULL;
  cr_assert(r->ts || !error, "%s", error ? error->message : "");
}

static const char *
cell(const SimCsvTable *t, size_t row, const char *col)
{
  int c = sim_csv_table_column(t, col);
  cr_assert_geq(c, 0, "no column %s", col);
  return sim_csv_table_get(t, row, (size_t)c);
}

/* The values of series KIND NAME METRIC in time order, with their times
 * (seconds) in @times when not NULL. */
static GArray *
series(const SimCsvTable *t, const char *kind, const char *name, const char *metric,
       GArray **times)
{
  GArray *v = g_array_new(FALSE, FALSE, sizeof(double));
  if (times)
    *times = g_array_new(FALSE, FALSE, sizeof(double));
  for (size_t i = 0; i < sim_csv_table_n_rows(t); i++) {
    if (strcmp(cell(t, i, "kind"), kind) || strcmp(cell(t, i, "name"), name) ||
        strcmp(cell(t, i, "metric"), metric))
      continue;
    double x = g_ascii_strtod(cell(t, i, "value"), NULL);
    g_array_append_val(v, x);
    if (times) {
      double s = g_ascii_strtod(cell(t, i, "time_s"), NULL);
      g_array_append_val(*times, s);
    }
  }
  cr_assert_gt(v->len, 0, "no series %s.%s.%s", kind, name, metric);
  return v;
}

static double
sum(const GArray *v)
{
  double s = 0;
  for (guint i = 0; i < v->len; i++)
    s += g_array_index(v, double, i);
  return s;
}

/* The value of COLUMN in the row of @csv (a result file) whose first
 * field is @key, or of its first row. */
static double
result_value(const char *dir, const char *file, const char *key, const char *column)
{
  g_autofree char *p = g_build_filename(dir, file, NULL);
  GError *error = NULL;
  SimCsvTable *t = sim_csv_table_load(p, &error);
  cr_assert_not_null(t, "%s", error ? error->message : "");
  int c = sim_csv_table_column(t, column);
  cr_assert_geq(c, 0, "%s has no column %s", file, column);
  for (size_t i = 0; i < sim_csv_table_n_rows(t); i++) {
    if (key && strcmp(sim_csv_table_get(t, i, 0), key) != 0)
      continue;
    double x = g_ascii_strtod(sim_csv_table_get(t, i, (size_t)c), NULL);
    sim_csv_table_free(t);
    return x;
  }
  cr_assert_fail("%s has no row %s", file, key ? key : "");
  return NAN;
}

/* 10,000 pps of 1000 bytes over 100 Mbit/s, sampled every 1 ms for 10 ms:
 * every interval holds 10 packets sent at k x 100 us and received 94 us
 * later (84 us serialisation, 10 us propagation, no queueing). */
Test(timeseries, cbr_closed_form)
{
  g_autofree char *text = g_strdup_printf("[simulation]\nduration = 10ms\n"
                                          "[output]\nsample = 1ms\n"
                                          "sample_metrics = flow.*.*, link.l.*, net.all.*\n"
                                          LINK_AB,
                                          100u, 10000u);
  Result r = { 0 };
  run(text, &r);
  cr_assert_not_null(r.ts, "no timeseries.csv");
  cr_assert_eq(sim_csv_table_n_columns(r.ts), 5);
  const char *cols[] = { "time_s", "kind", "name", "metric", "value" };
  for (size_t c = 0; c < 5; c++)
    cr_assert_str_eq(sim_csv_table_column_name(r.ts, c), cols[c]);
  /* 10 samples x (5 flow + 2 x 5 link + 4 net) series */
  size_t rows = sim_csv_table_n_rows(r.ts);
  cr_assert_eq(rows, 10 * 19, "%zu rows, want 190", rows);
  cr_assert_str_eq(cell(r.ts, 0, "time_s"), "0.001");
  cr_assert_str_eq(cell(r.ts, 0, "kind"), "flow");
  cr_assert_str_eq(cell(r.ts, 0, "name"), "f");
  cr_assert_str_eq(cell(r.ts, 0, "metric"), "tx_bps");
  /* order: time, then flow, link (l:a before l:b), net; metrics as listed */
  cr_assert_str_eq(cell(r.ts, 5, "name"), "l:a");
  cr_assert_str_eq(cell(r.ts, 6, "metric"), "utilization");
  cr_assert_str_eq(cell(r.ts, 10, "name"), "l:b");
  cr_assert_str_eq(cell(r.ts, 15, "kind"), "net");
  cr_assert_str_eq(cell(r.ts, 18, "metric"), "events");
  cr_assert_str_eq(cell(r.ts, 19, "time_s"), "0.002");
  cr_assert_str_eq(cell(r.ts, rows - 1, "time_s"), "0.01", "the last sample is at the end");

  GArray *times = NULL;
  GArray *rx = series(r.ts, "flow", "f", "rx_bps", &times);
  GArray *tx = series(r.ts, "flow", "f", "tx_bps", NULL);
  GArray *np = series(r.ts, "flow", "f", "rx_packets", NULL);
  GArray *lost = series(r.ts, "flow", "f", "lost_packets", NULL);
  GArray *delay = series(r.ts, "flow", "f", "delay_mean_us", NULL);
  GArray *util = series(r.ts, "link", "l:a", "utilization", NULL);
  GArray *ltx = series(r.ts, "link", "l:a", "tx_bps", NULL);
  GArray *back = series(r.ts, "link", "l:b", "utilization", NULL);
  GArray *q = series(r.ts, "link", "l:a", "queue_packets", NULL);
  GArray *del = series(r.ts, "net", "all", "delivered_packets", NULL);
  cr_assert_eq(rx->len, 10);
  for (guint i = 0; i < 10; i++) {
    double t = g_array_index(times, double, i);
    cr_assert_float_eq(t, 0.001 * (i + 1), 1e-15, "sample %u at %g s", i, t);
    /* 10 packets x 8000 bits per ms */
    cr_assert_eq(g_array_index(rx, double, i), 80e6, "rx_bps %.9g at %g s",
                 g_array_index(rx, double, i), t);
    cr_assert_eq(g_array_index(tx, double, i), 80e6, "tx_bps %.9g", g_array_index(tx, double, i));
    cr_assert_eq(g_array_index(np, double, i), 10);
    cr_assert_eq(g_array_index(lost, double, i), 0);
    cr_assert_float_eq(g_array_index(delay, double, i), 94.0, 1e-9, "delay %.12g us",
                       g_array_index(delay, double, i));
    /* 10,000 pps x 1050 bytes x 8 / 100 Mbit/s */
    cr_assert_float_eq(g_array_index(util, double, i), 0.84, 1e-9, "utilization %.9g",
                       g_array_index(util, double, i));
    /* IPv6 bytes, no framing: 10 x 1048 x 8 per ms */
    cr_assert_eq(g_array_index(ltx, double, i), 83.84e6, "link tx_bps %.9g",
                 g_array_index(ltx, double, i));
    cr_assert_eq(g_array_index(back, double, i), 0);
    cr_assert_eq(g_array_index(q, double, i), 0);
    cr_assert_eq(g_array_index(del, double, i), 10);
  }
  /* the sums are the run's totals, the last sample being at the end */
  cr_assert_eq(sum(np), result_value(r.dir, "flows.csv", "f", "rx_packets"));
  cr_assert_eq(sum(np), 100);
  GArray *ev = series(r.ts, "net", "all", "events", NULL);
  cr_assert_eq(sum(ev), (double)r.events, "events %g, run %" PRIu64, sum(ev), r.events);
  cr_assert_eq(sum(ev), result_value(r.dir, "summary.csv", NULL, "events"));
  GArray *arrays[] = { times, rx, tx, np, lost, delay, util, ltx, back, q, del, ev };
  for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
    g_array_unref(arrays[i]);
  result_clear(&r);
}

/* An end of run that is not a multiple of the period: samples at 3, 6 and
 * 9 ms only; the 10 packets sent from 9 ms on arrive after the last
 * sample. */
Test(timeseries, samples_before_an_unaligned_end)
{
  g_autofree char *text = g_strdup_printf("[simulation]\nduration = 10ms\ndrain = 500us\n"
                                          "[output]\nsample = 3ms\n" LINK_AB,
                                          100u, 10000u);
  Result r = { 0 };
  run(text, &r);
  cr_assert_not_null(r.ts);
  cr_assert_eq(sim_csv_table_n_rows(r.ts), 3 * 5, "%zu rows", sim_csv_table_n_rows(r.ts));
  GArray *times = NULL;
  GArray *np = series(r.ts, "flow", "f", "rx_packets", &times);
  GArray *rx = series(r.ts, "flow", "f", "rx_bps", NULL);
  cr_assert_eq(np->len, 3);
  cr_assert_float_eq(g_array_index(times, double, 2), 0.009, 1e-15);
  for (guint i = 0; i < 3; i++) {
    cr_assert_eq(g_array_index(np, double, i), 30);
    cr_assert_eq(g_array_index(rx, double, i), 80e6, "%.9g", g_array_index(rx, double, i));
  }
  double total = result_value(r.dir, "flows.csv", "f", "rx_packets");
  cr_assert_eq(total, 100);
  cr_assert_eq(sum(np), total - 10, "sum %g, flows.csv %g - 10 after 9 ms", sum(np), total);
  g_array_unref(times);
  g_array_unref(np);
  g_array_unref(rx);
  result_clear(&r);
}

/* 20,000 pps over a link that carries 11,905: the queue of 20 packets
 * fills, the line is busy all the time, and the drops add up to
 * links.csv and flows.csv. */
Test(timeseries, congested_link)
{
  g_autofree char *text = g_strdup_printf("[simulation]\nduration = 10ms\ndrain = 5ms\n"
                                          "[output]\nsample = 1ms\n"
                                          "sample_metrics = link.l:a.*, flow.f.*\n" LINK_AB,
                                          20u, 20000u);
  Result r = { 0 };
  run(text, &r);
  cr_assert_not_null(r.ts);
  cr_assert_eq(sim_csv_table_n_rows(r.ts), 15 * 10);
  GArray *times = NULL;
  GArray *q = series(r.ts, "link", "l:a", "queue_packets", &times);
  GArray *qb = series(r.ts, "link", "l:a", "queue_bytes", NULL);
  GArray *util = series(r.ts, "link", "l:a", "utilization", NULL);
  GArray *drops = series(r.ts, "link", "l:a", "drops", NULL);
  GArray *lost = series(r.ts, "flow", "f", "lost_packets", NULL);
  GArray *rx = series(r.ts, "flow", "f", "rx_bps", NULL);
  for (guint i = 0; i < 10; i++) {
    double t = g_array_index(times, double, i), n = g_array_index(q, double, i);
    cr_assert_gt(n, 0, "queue empty at %g s", t);
    cr_assert_leq(n, 20);
    cr_assert_eq(g_array_index(qb, double, i), n * 1048, "%g bytes for %g packets",
                 g_array_index(qb, double, i), n);
    cr_assert_float_eq(g_array_index(util, double, i), 1.0, 1e-9, "utilization %.9g at %g s",
                       g_array_index(util, double, i), t);
    /* the line's payload rate, 100 Mbit/s x 1000 / 1050, within a packet */
    double want = 100e6 * 1000.0 / 1050.0;
    cr_assert(fabs(g_array_index(rx, double, i) - want) <= 8000.0 / 1e-3, "rx_bps %.9g at %g s",
              g_array_index(rx, double, i), t);
  }
  /* once the queue is full, about 8 of the 20 packets a ms are dropped */
  cr_assert_gt(g_array_index(drops, double, 5), 0);
  cr_assert_eq(g_array_index(q, double, 14), 0, "drained at the end");
  double qd = result_value(r.dir, "links.csv", "l", "queue_drops");
  cr_assert_gt(qd, 0);
  cr_assert_eq(sum(drops), qd, "drops add up to %g, links.csv %g", sum(drops), qd);
  cr_assert_eq(sum(lost), result_value(r.dir, "flows.csv", "f", "dropped"));
  GArray *arrays[] = { times, q, qb, util, drops, lost, rx };
  for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
    g_array_unref(arrays[i]);
  result_clear(&r);
}

/* A slice's received bits and its packets within the latency objective,
 * against its one flow. */
Test(timeseries, slice_series)
{
  const char *text = "[simulation]\nduration = 5ms\n"
                     "[output]\nsample = 1ms\nsample_metrics = slice.*.*, flow.f.rx_*\n"
                     "[topology]\ntype = line\nn = 3\n"
                     "[nrp n]\nbandwidth = 50%\n"
                     "[slice s]\nnrp = n\nlatency = 1ms\n"
                     "[flow f]\nsrc = r0\ndst = r2\nslice = s\nrate = 1000pps\n";
  Result r = { 0 };
  run(text, &r);
  cr_assert_not_null(r.ts);
  cr_assert_eq(sim_csv_table_n_rows(r.ts), 5 * 4);
  GArray *srx = series(r.ts, "slice", "s", "rx_bps", NULL);
  GArray *within = series(r.ts, "slice", "s", "within_bound_packets", NULL);
  GArray *frx = series(r.ts, "flow", "f", "rx_bps", NULL);
  GArray *fn = series(r.ts, "flow", "f", "rx_packets", NULL);
  for (guint i = 0; i < 5; i++) {
    cr_assert_eq(g_array_index(srx, double, i), g_array_index(frx, double, i));
    cr_assert_eq(g_array_index(within, double, i), g_array_index(fn, double, i));
  }
  cr_assert_eq(sum(fn), 5, "one packet a ms");
  cr_assert_eq(g_array_index(frx, double, 4), 8000.0 * 1000.0, "1000 bytes a ms");
  GArray *arrays[] = { srx, within, frx, fn };
  for (size_t i = 0; i < G_N_ELEMENTS(arrays); i++)
    g_array_unref(arrays[i]);
  result_clear(&r);
}

/* Without [output] sample there is no file. */
Test(timeseries, off_by_default)
{
  g_autofree char *text = g_strdup_printf("[simulation]\nduration = 2ms\n" LINK_AB, 100u, 10000u);
  Result r = { 0 };
  run(text, &r);
  cr_assert_null(r.ts, "timeseries.csv written without [output] sample");
  g_autofree char *flows = read_file(r.dir, "flows.csv");
  cr_assert_not_null(flows);
  result_clear(&r);
}

/* Sampling changes no other result: the same bytes with and without it,
 * random traffic and drops included. */
Test(timeseries, sampling_changes_no_result)
{
  static const char fmt[] = "[simulation]\nduration = 20ms\ndrain = 2ms\n%s"
                            "[node a]\ntype = host\n[node b]\ntype = host\n"
                            "[link l]\na = a\nb = b\nrate = 100Mbps\ndelay = 10us\n"
                            "queue_packets = 10\nloss = 0.01\n"
                            "[flow p]\nsrc = a\ndst = b\napp = poisson\nbitrate = 110Mbps\n"
                            "size = 1000B\n"
                            "[flow c]\nsrc = b\ndst = a\nrate = 3000pps\n";
  g_autofree char *plain = g_strdup_printf(fmt, "");
  g_autofree char *sampled = g_strdup_printf(
    fmt, "[output]\nsample = 100us\nsample_metrics = flow.*.*, link.*.*, net.*.*\n");
  Result a = { 0 }, b = { 0 };
  run(plain, &a);
  run(sampled, &b);
  cr_assert_null(a.ts);
  cr_assert_not_null(b.ts);
  cr_assert_eq(sim_csv_table_n_rows(b.ts), 220 * (10 + 10 + 4));
  cr_assert_eq(a.events, b.events);
  const char *files[] = { "flows.csv", "links.csv", "drops.csv", "delay_cdf.csv" };
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *x = read_file(a.dir, files[i]);
    g_autofree char *y = read_file(b.dir, files[i]);
    cr_assert_str_eq(x, y, "%s differs with sampling", files[i]);
  }
  cr_assert_gt(result_value(a.dir, "links.csv", "l", "queue_drops"), 0, "no congestion");
  result_clear(&a);
  result_clear(&b);
}

/* A bad pattern is an error at its FILE:LINE naming the key and what is
 * expected, with or without a result folder. */
Test(timeseries, bad_patterns)
{
  static const struct {
    const char *pattern, *message;
  } cases[] = {
    { "flow.rx_bps", "'flow.rx_bps': expected KIND.NAME.METRIC (KIND one of flow, link, net, "
                     "slice; NAME and METRIC may hold the wildcards * and ?)" },
    { "flows.*.*", "'flows.*.*': unknown kind 'flows' (expected KIND.NAME.METRIC, KIND one of "
                   "flow, link, net, slice)" },
    { "flow.*.bps", "'flow.*.bps': unknown flow metric 'bps' (expected one of tx_bps, rx_bps, "
                    "rx_packets, lost_packets, delay_mean_us; * and ? are wildcards)" },
    { "link.*.utilisation", "unknown link metric 'utilisation' (expected one of tx_bps, "
                            "utilization, queue_packets, queue_bytes, drops; * and ? are "
                            "wildcards)" },
    { "flow.g.rx_bps", "'flow.g.rx_bps': no flow is named 'g' (flow names: f)" },
    { "link.m.drops", "no link is named 'm' (link names: l:a, l:b; a link's name stands for "
                      "both directions)" },
    { "net.x.events", "no net is named 'x' (net names: all)" },
    { "slice.*.rx_bps", "'slice.*.rx_bps': the scenario has no slices" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("[simulation]\nduration = 1ms\n"
                                            "[output]\nsample = 1ms\n"
                                            "sample_metrics = flow.*.*, %s\n" LINK_AB,
                                            cases[i].pattern, 100u, 1000u);
    for (int with_dir = 0; with_dir < 2; with_dir++) {
      GError *error = NULL;
      SimScenario *sc = sim_scenario_load_data("ts.ini", text, -1, &error);
      cr_assert_not_null(sc);
      SimRegistry *reg = sim_net_registry_new();
      g_autofree char *dir = with_dir ? g_dir_make_tmp("ipesim-ts-XXXXXX", NULL) : NULL;
      SimNetBuildOptions bo = SIM_NET_BUILD_OPTIONS_INIT;
      bo.outdir = dir;
      SimNetRun *nr = sim_net_build(sc, reg, &bo, &error);
      cr_assert_null(nr, "%s accepted", cases[i].pattern);
      cr_assert_not_null(error);
      cr_assert(g_str_has_prefix(error->message, "ts.ini:5: [output] sample_metrics: "), "%s",
                error->message);
      cr_assert(strstr(error->message, cases[i].message) != NULL, "%s\nwant: %s", error->message,
                cases[i].message);
      g_error_free(error);
      if (dir) {
        g_autofree char *p = g_build_filename(dir, "timeseries.csv", NULL);
        cr_assert(!g_file_test(p, G_FILE_TEST_EXISTS), "a failed build left %s", p);
        remove_dir(dir);
      }
      sim_registry_free(reg);
      sim_scenario_free(sc);
    }
  }
}

/* Wildcards in NAME and METRIC, a link's name for both directions, and
 * overlapping patterns choosing each series once. */
Test(timeseries, patterns_select_each_series_once)
{
  g_autofree char *text = g_strdup_printf("[simulation]\nduration = 2ms\n"
                                          "[output]\nsample = 1ms\n"
                                          "sample_metrics = link.l.drops, link.l:?.drops, "
                                          "flow.f.*_bps, flow.*.rx_bps, net.*.in_flight\n" LINK_AB,
                                          100u, 1000u);
  Result r = { 0 };
  run(text, &r);
  cr_assert_not_null(r.ts);
  const char *want[][3] = { { "flow", "f", "tx_bps" },  { "flow", "f", "rx_bps" },
                            { "link", "l:a", "drops" }, { "link", "l:b", "drops" },
                            { "net", "all", "in_flight" } };
  cr_assert_eq(sim_csv_table_n_rows(r.ts), 2 * G_N_ELEMENTS(want), "%zu rows",
               sim_csv_table_n_rows(r.ts));
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
      size_t row = k * G_N_ELEMENTS(want) + i;
      cr_assert_str_eq(cell(r.ts, row, "time_s"), k ? "0.002" : "0.001");
      cr_assert_str_eq(cell(r.ts, row, "kind"), want[i][0]);
      cr_assert_str_eq(cell(r.ts, row, "name"), want[i][1]);
      cr_assert_str_eq(cell(r.ts, row, "metric"), want[i][2]);
    }
  result_clear(&r);
}
