/* netscenario-timeseries.c - [output] sample: time series of chosen
 * metrics, written to timeseries.csv.
 *
 * The series are chosen once, after the flows and slices exist, by the
 * patterns of [output] sample_metrics (KIND.NAME.METRIC). A periodic hook
 * samples them at period, 2 period, ...: hooks are not events and take no
 * sequence numbers, so sampling changes no other result. Values over an
 * interval are differences of cumulative counters against the snapshot of
 * the previous sample; instantaneous values are read as they are. Nothing
 * is added to the hot path: the interval's delay sum is the difference of
 * the flow's delay histogram sum.
 *
 * The tricky part is the end of the run: sim_run_until() runs no hook at
 * its end time, so sim__ts_finish() takes the sample at the end when it
 * falls on a period. Events at the end time are not run either, so the
 * state it reads is the one the hook would have seen.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "netscenario-private.h"
#include "net-private.h"
#include "simcsv.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

typedef enum { TS_FLOW, TS_LINK, TS_NET, TS_SLICE, TS_KIND_N } TsKind;

/* The metrics of each kind, in the order of the rows; the enums index
 * them. */
enum { FLOW_TX_BPS, FLOW_RX_BPS, FLOW_RX_PACKETS, FLOW_LOST_PACKETS, FLOW_DELAY_MEAN_US };
enum { LINK_TX_BPS, LINK_UTILIZATION, LINK_QUEUE_PACKETS, LINK_QUEUE_BYTES, LINK_DROPS };
enum { NET_IN_FLIGHT, NET_DELIVERED_PACKETS, NET_DROPPED_PACKETS, NET_EVENTS };
enum { SLICE_RX_BPS, SLICE_WITHIN_BOUND_PACKETS };

static const char *const kind_names[TS_KIND_N] = { "flow", "link", "net", "slice" };
static const char *const flow_metrics[] = { "tx_bps", "rx_bps", "rx_packets", "lost_packets",
                                            "delay_mean_us", NULL };
static const char *const link_metrics[] = { "tx_bps", "utilization", "queue_packets",
                                            "queue_bytes", "drops", NULL };
static const char *const net_metrics[] = { "in_flight", "delivered_packets", "dropped_packets",
                                           "events", NULL };
static const char *const slice_metrics[] = { "rx_bps", "within_bound_packets", NULL };
static const char *const *const kind_metrics[TS_KIND_N] = { flow_metrics, link_metrics,
                                                            net_metrics, slice_metrics };

/* Drop reasons a link direction counts as its own losses at the sending
 * interface (its queue discipline, the link being down); link_loss is
 * counted at the receiving end. */
static const SimDropReason link_drop_reasons[] = { SIM_DROP_QUEUE_FULL, SIM_DROP_RED_EARLY,
                                                   SIM_DROP_RED_FORCED, SIM_DROP_POLICE,
                                                   SIM_DROP_LINK_DOWN };

#define TS_COUNTERS 5

typedef struct {
  TsKind kind;
  unsigned mask; /* bit i: metric i of the kind */
  void *obj;     /* SimFlow, SimIface (the sending end), SimSlice; NULL for net */
  char *name;
  uint64_t prev[TS_COUNTERS]; /* cumulative counters at the previous sample */
} Series;

/* Values of a series at one sample: the cumulative counters, then what
 * is read as it is (queue packets and bytes of a link, packets in flight
 * of the net). */
#define TS_VALUES (TS_COUNTERS + 2)

struct _SimNsTimeseries {
  SimNetRun *run;
  SimTime period;
  SimTime last; /* time of the last sample (0: none yet) */
  SimCsvWriter *w;
  GArray *series; /* Series, in row order */
  /* parallel runs: the samples are recorded (TS_VALUES per series, per
   * sample) and written once summed over the ranks */
  GArray *raw;   /* uint64_t */
  GArray *times; /* SimTime of each sample */
};

void
sim__ts_free(SimNsTimeseries *ts)
{
  if (!ts)
    return;
  if (ts->w)
    sim_csv_writer_abort(ts->w);
  if (ts->raw)
    g_array_unref(ts->raw);
  if (ts->times)
    g_array_unref(ts->times);
  for (guint i = 0; i < ts->series->len; i++)
    g_free(g_array_index(ts->series, Series, i).name);
  g_array_unref(ts->series);
  g_free(ts);
}

/* ---- the entities of each kind, in model order -------------------------------------- */

static guint
n_entities(SimNetRun *run, TsKind kind)
{
  switch (kind) {
  case TS_FLOW:
    return sim_net_n_flows(run->net);
  case TS_LINK:
    return 2 * sim_net_n_links(run->net);
  case TS_NET:
    return 1;
  case TS_SLICE:
    return run->slicing ? sim_slicing_n_slices(run->slicing) : 0;
  case TS_KIND_N:
    break;
  }
  g_assert_not_reached();
}

/* Entity @i of @kind: its object and its name in the rows (into @buf);
 * *@alias gets a second name it answers to (a link direction: the link's
 * name), or NULL. */
static const char *
entity(SimNetRun *run, TsKind kind, guint i, void **obj, const char **alias, GString *buf)
{
  *alias = NULL;
  switch (kind) {
  case TS_FLOW: {
    SimFlow *f = sim_net_flow(run->net, i);
    *obj = f;
    return sim_flow_name(f);
  }
  case TS_LINK: {
    SimLink *l = sim_net_link(run->net, i / 2);
    SimIface *ifc = sim_link_end(l, i % 2);
    *obj = ifc;
    *alias = sim_link_name(l);
    g_string_printf(buf, "%s:%s", sim_link_name(l), sim_node_name(sim_iface_node(ifc)));
    return buf->str;
  }
  case TS_NET:
    *obj = NULL;
    return "all";
  case TS_SLICE: {
    SimSlice *s = sim_slicing_slice(run->slicing, i);
    *obj = s;
    return sim_slice_config(s)->name;
  }
  case TS_KIND_N:
    break;
  }
  g_assert_not_reached();
}

/* "a, b, c" for the first names of @kind (at most 8, then "..."). */
static char *
some_names(SimNetRun *run, TsKind kind)
{
  GString *out = g_string_new(NULL), *buf = g_string_new(NULL);
  guint n = n_entities(run, kind);
  for (guint i = 0; i < n && i < 8; i++) {
    void *obj;
    const char *alias;
    g_string_append_printf(out, "%s%s", i ? ", " : "", entity(run, kind, i, &obj, &alias, buf));
  }
  if (n > 8)
    g_string_append_printf(out, ", ... (%u in all)", n);
  g_string_free(buf, TRUE);
  return g_string_free(out, FALSE);
}

/* ---- sample_metrics ------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF(4, 5)
pattern_fail(SimNetRun *run, const SimParams *outp, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  SimScenarioSection *sec = sim_scenario_get_section(run->sc, "output");
  if (sec) {
    sim__ns_failv(error, sec, "sample_metrics", fmt, ap);
  } else {
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: [output] sample_metrics: %s", sim_params_where(outp, "sample_metrics"), msg);
  }
  va_end(ap);
  return FALSE;
}

/* Applies the patterns of sample_metrics: masks[kind][i] gets the metrics
 * chosen for entity i of the kind (NULL @masks: the patterns are only
 * checked). */
static gboolean
select_series(SimNetRun *run, const SimParams *outp, unsigned *masks[TS_KIND_N], GError **error)
{
  const char *const *pats = sim_params_get_list(outp, "sample_metrics");
  GString *buf = g_string_new(NULL);
  gboolean ok = TRUE;
  for (const char *const *p = pats; ok && p && *p; p++) {
    const char *pat = *p, *dot1 = strchr(pat, '.'), *dot2 = strrchr(pat, '.');
    if (!dot1 || dot2 == dot1 || dot2 == dot1 + 1 || dot1 == pat || !dot2[1]) {
      ok = pattern_fail(run, outp, error,
                        "'%s': expected KIND.NAME.METRIC (KIND one of flow, link, net, slice; "
                        "NAME and METRIC may hold the wildcards * and ?)",
                        pat);
      break;
    }
    g_autofree char *kname = g_strndup(pat, (gsize)(dot1 - pat));
    g_autofree char *name = g_strndup(dot1 + 1, (gsize)(dot2 - dot1 - 1));
    const char *metric = dot2 + 1;
    int kind = -1;
    for (int k = 0; k < TS_KIND_N; k++)
      if (strcmp(kname, kind_names[k]) == 0)
        kind = k;
    if (kind < 0) {
      ok = pattern_fail(run, outp, error,
                        "'%s': unknown kind '%s' (expected KIND.NAME.METRIC, KIND one of flow, "
                        "link, net, slice)",
                        pat, kname);
      break;
    }
    const char *const *metrics = kind_metrics[kind];
    unsigned mask = 0;
    GPatternSpec *mspec = g_pattern_spec_new(metric);
    for (unsigned m = 0; metrics[m]; m++)
      if (g_pattern_spec_match_string(mspec, metrics[m]))
        mask |= 1u << m;
    g_pattern_spec_free(mspec);
    if (!mask) {
      g_autofree char *list = g_strjoinv(", ", (char **)metrics);
      ok = pattern_fail(run, outp, error,
                        "'%s': unknown %s metric '%s' (expected one of %s; * and ? are "
                        "wildcards)",
                        pat, kname, metric, list);
      break;
    }
    if (kind == TS_SLICE && !run->slicing) {
      ok = pattern_fail(run, outp, error,
                        "'%s': the scenario has no slices ([slice NAME] sections)", pat);
      break;
    }
    guint n = n_entities(run, kind), matched = 0;
    gboolean all = strcmp(name, "*") == 0;
    if (all && !masks)
      continue; /* nothing to check */
    GPatternSpec *spec = all ? NULL : g_pattern_spec_new(name);
    for (guint i = 0; i < n; i++) {
      void *obj;
      const char *alias, *ename = entity(run, kind, i, &obj, &alias, buf);
      if (spec && !g_pattern_spec_match_string(spec, ename) &&
          !(alias && g_pattern_spec_match_string(spec, alias)))
        continue;
      matched++;
      if (masks)
        masks[kind][i] |= mask;
    }
    if (spec)
      g_pattern_spec_free(spec);
    if (!all && matched == 0 && n == 0) {
      ok = pattern_fail(run, outp, error, "'%s': no %s is named '%s' (the scenario has none)", pat,
                        kname, name);
    } else if (!all && matched == 0) {
      g_autofree char *some = some_names(run, kind);
      const char *hint = kind == TS_LINK ? "; a link's name stands for both directions" : "";
      ok = pattern_fail(run, outp, error, "'%s': no %s is named '%s' (%s names: %s%s)", pat, kname,
                        name, kname, some, hint);
    }
  }
  g_string_free(buf, TRUE);
  return ok;
}

/* ---- sampling ------------------------------------------------------------------------- */

/* Seconds, exact: up to 12 decimals, trailing zeros dropped. */
static void
format_seconds(SimTime t, char *out, size_t size)
{
  int64_t s = t / SIM_S(1), frac = t % SIM_S(1);
  if (!frac) {
    g_snprintf(out, size, "%" PRId64, s);
    return;
  }
  int n = g_snprintf(out, size, "%" PRId64 ".%012" PRId64, s, frac);
  while (n > 0 && out[n - 1] == '0')
    out[--n] = '\0';
}

/* The cumulative counters of @s now. */
static void
counters(SimNsTimeseries *ts, const Series *s, uint64_t c[TS_COUNTERS])
{
  memset(c, 0, TS_COUNTERS * sizeof *c);
  switch (s->kind) {
  case TS_FLOW: {
    const SimFlowStats *st = sim_flow_stats(s->obj);
    c[0] = st->tx_bytes;
    c[1] = st->rx_bytes;
    c[2] = st->rx_packets;
    c[3] = sim_flow_drops(s->obj);
    c[4] = sim_histogram_sum_mod64(st->delay);
    break;
  }
  case TS_LINK: {
    SimIface *ifc = s->obj;
    const SimIfaceStats *st = sim_iface_stats(ifc);
    c[0] = st->tx_bytes;
    c[1] = (uint64_t)sim_iface_busy_now(ifc);
    for (size_t r = 0; r < G_N_ELEMENTS(link_drop_reasons); r++)
      c[2] += st->drops[link_drop_reasons[r]];
    c[2] += sim_iface_stats(sim_iface_peer(ifc))->drops[SIM_DROP_LINK_LOSS];
    break;
  }
  case TS_NET: {
    const SimNetCounters *nc = sim_net_counters(ts->run->net);
    c[0] = nc->delivered;
    c[1] = nc->dropped;
    c[2] = sim_net_events_total(ts->run->net);
    break;
  }
  case TS_SLICE:
    for (guint i = 0; i < sim_slice_n_flows(s->obj); i++) {
      const SimFlowStats *st = sim_flow_stats(sim_slice_flow(s->obj, i));
      c[0] += st->rx_bytes;
      c[1] += st->rx_within_bound;
    }
    break;
  case TS_KIND_N:
    g_assert_not_reached();
  }
}

static void
row_start(SimNsTimeseries *ts, const char *time, const Series *s, unsigned metric)
{
  sim_csv_writer_add_string(ts->w, time);
  sim_csv_writer_add_string(ts->w, kind_names[s->kind]);
  sim_csv_writer_add_string(ts->w, s->name);
  sim_csv_writer_add_string(ts->w, kind_metrics[s->kind][metric]);
}

/* What @s reads now: counters, then the instantaneous values. */
static void
values(SimNsTimeseries *ts, const Series *s, uint64_t v[TS_VALUES])
{
  counters(ts, s, v);
  v[TS_COUNTERS] = v[TS_COUNTERS + 1] = 0;
  if (s->kind == TS_LINK) {
    SimIface *ifc = s->obj;
    SimQdisc *q = sim_iface_qdisc(ifc);
    v[TS_COUNTERS] = sim_iface_queue_length(ifc);
    v[TS_COUNTERS + 1] = q ? q->n_bytes : 0;
  } else if (s->kind == TS_NET) {
    v[TS_COUNTERS] = sim__net_in_flight_now(ts->run->net);
  }
}

/* One row per chosen metric of @s from its values @v. Every value is
 * either an unsigned count or a real number (9 significant digits;
 * times 12). */
static void
emit_series(SimNsTimeseries *ts, const char *time, Series *s, const uint64_t v[TS_VALUES])
{
  uint64_t d[TS_COUNTERS];
  for (int k = 0; k < TS_COUNTERS; k++)
    d[k] = v[k] - s->prev[k];
  /* bits over the interval, in bit/s */
  double per_second = 1e12 / (double)ts->period;
  for (unsigned m = 0; kind_metrics[s->kind][m]; m++) {
    if (!(s->mask & (1u << m)))
      continue;
    row_start(ts, time, s, m);
    uint64_t count = 0;
    double real = NAN;
    int digits = 9;
    gboolean is_real = TRUE;
    switch (s->kind) {
    case TS_FLOW:
      if (m == FLOW_TX_BPS || m == FLOW_RX_BPS) {
        real = (double)d[m == FLOW_TX_BPS ? 0 : 1] * 8.0 * per_second;
      } else if (m == FLOW_DELAY_MEAN_US) {
        /* exact integer quotient, then the fraction */
        digits = 12;
        if (d[2])
          real = ((double)(d[4] / d[2]) + (double)(d[4] % d[2]) / (double)d[2]) * 1e-6;
      } else {
        is_real = FALSE;
        count = m == FLOW_RX_PACKETS ? d[2] : d[3];
      }
      break;
    case TS_LINK:
      is_real = m == LINK_TX_BPS || m == LINK_UTILIZATION;
      if (m == LINK_TX_BPS)
        real = (double)d[0] * 8.0 * per_second;
      else if (m == LINK_UTILIZATION)
        real = (double)d[1] / (double)ts->period;
      else if (m == LINK_QUEUE_PACKETS)
        count = v[TS_COUNTERS];
      else if (m == LINK_QUEUE_BYTES)
        count = v[TS_COUNTERS + 1];
      else
        count = d[2];
      break;
    case TS_NET:
      is_real = FALSE;
      count = m == NET_IN_FLIGHT ? v[TS_COUNTERS] : d[m - 1];
      break;
    case TS_SLICE:
      is_real = m == SLICE_RX_BPS;
      if (is_real)
        real = (double)d[0] * 8.0 * per_second;
      else
        count = d[1];
      break;
    case TS_KIND_N:
      g_assert_not_reached();
    }
    if (is_real)
      sim_csv_writer_add_double(ts->w, real, digits);
    else
      sim_csv_writer_add_uint(ts->w, count);
    sim_csv_writer_end_row(ts->w);
  }
  memcpy(s->prev, v, sizeof s->prev);
}

static void
ts_sample(SimContext *ctx, SimTime now, void *data)
{
  (void)ctx;
  SimNsTimeseries *ts = data;
  char time[48];
  format_seconds(now, time, sizeof time);
  for (guint i = 0; i < ts->series->len; i++) {
    uint64_t v[TS_VALUES];
    values(ts, &g_array_index(ts->series, Series, i), v);
    if (ts->raw)
      g_array_append_vals(ts->raw, v, TS_VALUES);
    else
      emit_series(ts, time, &g_array_index(ts->series, Series, i), v);
  }
  if (ts->times)
    g_array_append_val(ts->times, now);
  ts->last = now;
}

gboolean
sim__ts_samples_in_flight(const SimNsTimeseries *ts)
{
  for (guint i = 0; ts && i < ts->series->len; i++) {
    const Series *s = &g_array_index(ts->series, Series, i);
    if (s->kind == TS_NET && (s->mask & (1u << NET_IN_FLIGHT)))
      return TRUE;
  }
  return FALSE;
}

void
sim__ts_record(SimNsTimeseries *ts)
{
  if (!ts || ts->raw)
    return;
  ts->raw = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  ts->times = g_array_new(FALSE, FALSE, sizeof(SimTime));
}

uint64_t *
sim__ts_recorded(SimNsTimeseries *ts, size_t *n)
{
  *n = ts && ts->raw ? ts->raw->len : 0;
  return *n ? (uint64_t *)ts->raw->data : NULL;
}

void
sim__ts_write_recorded(SimNsTimeseries *ts)
{
  if (!ts || !ts->raw || !ts->w)
    return;
  guint ns = ts->series->len;
  g_assert(ts->raw->len == ts->times->len * ns * TS_VALUES);
  for (guint k = 0; k < ts->times->len; k++) {
    char time[48];
    format_seconds(g_array_index(ts->times, SimTime, k), time, sizeof time);
    for (guint i = 0; i < ns; i++)
      emit_series(ts, time, &g_array_index(ts->series, Series, i),
                  &g_array_index(ts->raw, uint64_t, ((size_t)k * ns + i) * TS_VALUES));
  }
  g_array_set_size(ts->raw, 0);
  g_array_set_size(ts->times, 0);
}

/* ---- setup and end ---------------------------------------------------------------------- */

gboolean
sim__ts_setup(SimNetRun *run, const SimParams *outp, const char *outdir, GError **error)
{
  SimTime period = sim_params_get_time(outp, "sample");
  if (period <= 0 || !outdir)
    return select_series(run, outp, NULL, error);
  unsigned *masks[TS_KIND_N];
  for (int k = 0; k < TS_KIND_N; k++)
    masks[k] = g_new0(unsigned, n_entities(run, (TsKind)k) + 1);
  gboolean ok = select_series(run, outp, masks, error);
  SimNsTimeseries *ts = g_new0(SimNsTimeseries, 1);
  ts->run = run;
  ts->period = period;
  ts->series = g_array_new(FALSE, FALSE, sizeof(Series));
  GString *buf = g_string_new(NULL);
  for (int k = 0; ok && k < TS_KIND_N; k++) {
    for (guint i = 0; i < n_entities(run, (TsKind)k); i++) {
      if (!masks[k][i])
        continue;
      Series s = { (TsKind)k, masks[k][i], NULL, NULL, { 0 } };
      const char *alias;
      s.name = g_strdup(entity(run, (TsKind)k, i, &s.obj, &alias, buf));
      counters(ts, &s, s.prev);
      g_array_append_val(ts->series, s);
    }
  }
  g_string_free(buf, TRUE);
  for (int k = 0; k < TS_KIND_N; k++)
    g_free(masks[k]);
  static const char *const cols[] = { "time_s", "kind", "name", "metric", "value", NULL };
  g_autofree char *path = g_build_filename(outdir, "timeseries.csv", NULL);
  if (ok && (g_mkdir_with_parents(outdir, 0755) != 0 ||
             !(ts->w = sim_csv_writer_open(path, cols, error)))) {
    if (error && !*error)
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO, "%s: %s", outdir,
                  g_strerror(errno));
    ok = FALSE;
  }
  if (!ok) {
    sim__ts_free(ts);
    return FALSE;
  }
  run->timeseries = ts;
  sim_hook_add(run->ctx, period, period, ts_sample, ts, NULL);
  return TRUE;
}

void
sim__ts_end_sample(SimNetRun *run)
{
  SimNsTimeseries *ts = run->timeseries;
  if (!ts || !ts->w)
    return;
  SimTime now = sim_now(run->ctx);
  if (now == sim_net_run_end(run) && now - ts->last == ts->period)
    ts_sample(run->ctx, now, ts);
}

gboolean
sim__ts_finish(SimNetRun *run, GError **error)
{
  SimNsTimeseries *ts = run->timeseries;
  if (!ts || !ts->w)
    return TRUE;
  sim__ts_end_sample(run);
  sim__ts_write_recorded(ts);
  SimCsvWriter *w = ts->w;
  ts->w = NULL;
  return sim_csv_writer_commit(w, error);
}
