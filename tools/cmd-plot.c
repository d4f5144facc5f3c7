/* cmd-plot.c - `ipesim plot`: gnuplot figures of a result folder.
 *
 *   ipesim plot DIR [-o OUTDIR] [--no-render]
 *
 * DIR is the result folder of one run (it has manifest.ini) or of a sweep
 * (it has sweep-summary.csv). Every figure is a script NAME.gp and its
 * data NAME.dat in OUTDIR (default DIR/plots), rendered to NAME.png and
 * NAME.svg by gnuplot unless --no-render. A run gives, each when its
 * table exists and has rows: delay_cdf (delay_cdf.csv), throughput and
 * link_utilization_time (timeseries.csv), link_utilization (links.csv),
 * queues (queues.csv). A sweep gives sweep-METRIC per metric of
 * sweep-summary.csv: the mean against the first numeric parameter, one
 * line per combination of the others, with 95 % confidence intervals.
 * Then each [plot NAME] section of the scenario (manifest.ini or
 * sweep.ini) draws the table it names.
 *
 * A figure whose input is malformed is reported (file, line, what was
 * expected) and the others are still drawn. Exit status: 0 when every
 * figure was written and rendered, 1 otherwise (also when gnuplot is
 * missing: the scripts are written and the message names the Debian
 * package), 2 on bad usage. docs/plots.md is the user's description.
 */
#include "config.h"

#include "plot.h"
#include "tools.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Lines per figure at most (legends beyond that are unreadable). */
#define MAX_LINES 12
/* Link directions in the utilisation bar chart at most. */
#define MAX_BARS 30

typedef struct {
  char *name;
  char *what;
} Drawn;

typedef struct {
  const char *dir;
  const char *outdir;
  const char *scenario; /* for titles; NULL when unknown */
  GPtrArray *drawn;     /* Drawn */
  int status;
} Plot;

static void
drawn_free(Drawn *d)
{
  g_free(d->name);
  g_free(d->what);
  g_free(d);
}

static void
report(Plot *p, GError *error)
{
  fprintf(stderr, "ipesim plot: %s\n", error->message);
  g_error_free(error);
  p->status = 1;
}

/* "SCENARIO: TEXT", or TEXT. */
static char *
titled(const Plot *p, const char *text)
{
  return p->scenario ? g_strdup_printf("%s: %s", p->scenario, text) : g_strdup(text);
}

/* DIR/FILE loaded; NULL without error when it does not exist. */
static SimCsvTable *
load_table(const Plot *p, const char *file, GError **error)
{
  g_autofree char *path = g_build_filename(p->dir, file, NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return NULL;
  return sim_csv_table_load(path, error);
}

/* The columns @names (NULL-terminated) of @t into @cols, or FALSE. */
static gboolean
need_columns(const SimCsvTable *t, const char *const *names, int *cols, GError **error)
{
  for (guint i = 0; names[i]; i++) {
    cols[i] = sim_csv_table_column(t, names[i]);
    if (cols[i] >= 0)
      continue;
    g_autofree char *want = g_strjoinv(",", (char **)names);
    GString *have = g_string_new(NULL);
    for (size_t c = 0; c < sim_csv_table_n_columns(t); c++)
      g_string_append_printf(have, "%s%s", c ? "," : "", sim_csv_table_column_name(t, c));
    g_set_error(error, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_INPUT,
                "%s:1: expected the columns %s; no column '%s' in the header %s",
                sim_csv_table_name(t), want, names[i], have->str);
    g_string_free(have, TRUE);
    return FALSE;
  }
  return TRUE;
}

/* The number in row @r, column @c (NaN for empty or nan), or FALSE. */
static gboolean
number_at(const SimCsvTable *t, size_t r, int c, double *out, GError **error)
{
  IpesimPlotValue v;
  const char *f = sim_csv_table_get(t, r, (size_t)c);
  if (!ipesim_plot_parse_value(f, &v)) {
    g_set_error(error, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_INPUT,
                "%s:%zu: column '%s' holds '%s': expected a number (or nan)",
                sim_csv_table_name(t), sim_csv_table_line(t, r),
                sim_csv_table_column_name(t, (size_t)c), f);
    return FALSE;
  }
  *out = v.value;
  return TRUE;
}

/* Writes @fig and records it; a figure without a finite point is skipped. */
static gboolean
add_figure(Plot *p, const IpesimPlotFigure *fig, GError **error)
{
  GError *e = NULL;
  if (!ipesim_plot_figure_write(fig, p->outdir, &e)) {
    if (g_error_matches(e, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_EMPTY)) {
      g_error_free(e);
      return TRUE;
    }
    g_propagate_error(error, e);
    return FALSE;
  }
  Drawn *d = g_new0(Drawn, 1);
  d->name = g_strdup(fig->name);
  d->what = g_strdup(fig->what);
  g_ptr_array_add(p->drawn, d);
  return TRUE;
}

/* ---- lines by name, the busiest kept --------------------------------------- */

typedef struct {
  GPtrArray *series; /* IpesimPlotSeries */
  GHashTable *index; /* title (owned by the series) -> position + 1 */
  GArray *score;     /* double per series: higher is drawn first */
  GArray *count;     /* guint per series: points added */
} Lines;

static void
lines_init(Lines *l)
{
  l->series = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_plot_series_free);
  l->index = g_hash_table_new(g_str_hash, g_str_equal);
  l->score = g_array_new(FALSE, TRUE, sizeof(double));
  l->count = g_array_new(FALSE, TRUE, sizeof(guint));
}

static void
lines_clear(Lines *l)
{
  g_hash_table_unref(l->index);
  g_ptr_array_unref(l->series);
  g_array_unref(l->score);
  g_array_unref(l->count);
}

/* The series named @name (created at the end when new); its position in @pos. */
static IpesimPlotSeries *
lines_get(Lines *l, const char *name, guint *pos)
{
  guint i = GPOINTER_TO_UINT(g_hash_table_lookup(l->index, name));
  if (i == 0) {
    IpesimPlotSeries *s = ipesim_plot_series_new(name);
    g_ptr_array_add(l->series, s);
    g_hash_table_insert(l->index, s->title, GUINT_TO_POINTER(l->series->len));
    double zero = 0;
    guint none = 0;
    g_array_append_val(l->score, zero);
    g_array_append_val(l->count, none);
    i = l->series->len;
  }
  *pos = i - 1;
  return l->series->pdata[i - 1];
}

typedef struct {
  double score;
  guint pos;
} ByScore;

static int
cmp_score(const void *a, const void *b)
{
  const ByScore *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Keeps the first @max series (by descending score when @by_score, else in
 * order of appearance). Returns the note naming the others, or NULL. */
static char *
lines_keep(Lines *l, guint max, gboolean by_score, const char *kept)
{
  guint n = l->series->len;
  double *scores_sorted = g_new0(double, n + 1);
  if (by_score) {
    ByScore *o = g_new(ByScore, n);
    for (guint i = 0; i < n; i++) {
      double s = g_array_index(l->score, double, i);
      o[i] = (ByScore){ isnan(s) ? -INFINITY : s, i };
    }
    qsort(o, n, sizeof *o, cmp_score);
    GPtrArray *sorted = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_plot_series_free);
    for (guint i = 0; i < n; i++) {
      g_ptr_array_add(sorted, g_steal_pointer(&l->series->pdata[o[i].pos]));
      scores_sorted[i] = o[i].score;
    }
    g_free(o);
    g_ptr_array_unref(l->series);
    l->series = sorted;
    g_hash_table_remove_all(l->index); /* titles may go now */
  }
  /* ranked by a peak or a mean: those that stayed at 0 say nothing, unless
   * all did */
  guint busy = n;
  if (by_score && n > 0 && scores_sorted[0] > 0)
    for (busy = 0; busy < n && scores_sorted[busy] > 0; busy++)
      ;
  guint keep = MIN(max, busy);
  if (keep == n) {
    g_free(scores_sorted);
    return NULL;
  }
  GString *rest = g_string_new(NULL);
  if (max < busy) {
    g_string_printf(rest, "Not drawn (only %s): ", kept);
    for (guint i = max; i < busy; i++)
      g_string_append_printf(rest, "%s%s", i > max ? ", " : "",
                             ((IpesimPlotSeries *)l->series->pdata[i])->title);
    g_string_append(rest, ". ");
  }
  if (busy < n) {
    g_string_append(rest, "Not drawn, always 0: ");
    for (guint i = busy; i < n; i++)
      g_string_append_printf(rest, "%s%s", i > busy ? ", " : "",
                             ((IpesimPlotSeries *)l->series->pdata[i])->title);
    g_string_append_c(rest, '.');
  }
  g_hash_table_remove_all(l->index);
  g_ptr_array_set_size(l->series, keep);
  g_free(scores_sorted);
  return g_string_free(rest, FALSE);
}

static GPtrArray *
notes_of(char *note)
{
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  if (note)
    g_ptr_array_add(a, note);
  return a;
}

/* ---- a single run -------------------------------------------------------------- */

static gboolean
fig_delay_cdf(Plot *p, GError **error)
{
  g_autoptr(SimCsvTable) t = load_table(p, "delay_cdf.csv", error);
  if (!t)
    return error == NULL || *error == NULL;
  static const char *const names[] = { "flow", "delay_us", "cdf", NULL };
  int c[3];
  if (!need_columns(t, names, c, error))
    return FALSE;
  Lines l;
  lines_init(&l);
  gboolean ok = TRUE;
  for (size_t r = 0; ok && r < sim_csv_table_n_rows(t); r++) {
    double x, y;
    guint pos;
    ok = number_at(t, r, c[1], &x, error) && number_at(t, r, c[2], &y, error);
    if (ok)
      ipesim_plot_series_add(lines_get(&l, sim_csv_table_get(t, r, (size_t)c[0]), &pos), x, y, y,
                             y);
  }
  if (ok && l.series->len > 0) {
    guint n = l.series->len;
    g_autoptr(GPtrArray) notes = notes_of(lines_keep(&l, MAX_LINES, FALSE, "the first 12 flows"));
    g_autofree char *what = g_strdup_printf("one-way delay CDF of each flow (%u of %u flows)",
                                            l.series->len, n);
    g_autofree char *title = titled(p, "one-way delay");
    IpesimPlotFigure fig = {
      .name = "delay_cdf",
      .what = what,
      .source = sim_csv_table_name(t),
      .columns = "delay_us cdf",
      .title = title,
      .xlabel = "one-way delay (us)",
      .ylabel = "fraction of packets (CDF)",
      .style = IPESIM_PLOT_STYLE_STEPS,
      .xscale = { NULL, NULL, 1 },
      .yscale = { NULL, NULL, 1 },
      .logx = TRUE,
      .key = "bottom right",
      .key_title = "flow",
      .settings = "set yrange [0:1.02]\n",
      .notes = notes,
      .series = l.series,
    };
    ok = add_figure(p, &fig, error);
  }
  lines_clear(&l);
  return ok;
}

/* throughput and link_utilization_time from timeseries.csv */
static gboolean
fig_timeseries(Plot *p, GError **error)
{
  g_autoptr(SimCsvTable) t = load_table(p, "timeseries.csv", error);
  if (!t)
    return error == NULL || *error == NULL;
  static const char *const names[] = { "time_s", "kind", "name", "metric", "value", NULL };
  int c[5];
  if (!need_columns(t, names, c, error))
    return FALSE;
  Lines flows, links;
  lines_init(&flows);
  lines_init(&links);
  gboolean ok = TRUE;
  for (size_t r = 0; ok && r < sim_csv_table_n_rows(t); r++) {
    const char *kind = sim_csv_table_get(t, r, (size_t)c[1]);
    const char *metric = sim_csv_table_get(t, r, (size_t)c[3]);
    Lines *l = NULL;
    if (strcmp(kind, "flow") == 0 && strcmp(metric, "rx_bps") == 0)
      l = &flows;
    else if (strcmp(kind, "link") == 0 && strcmp(metric, "utilization") == 0)
      l = &links;
    if (!l)
      continue;
    double x, y;
    ok = number_at(t, r, c[0], &x, error) && number_at(t, r, c[4], &y, error);
    if (!ok)
      break;
    guint pos;
    ipesim_plot_series_add(lines_get(l, sim_csv_table_get(t, r, (size_t)c[2]), &pos), x, y, y, y);
    if (isfinite(y)) {
      /* the mean, to keep the busiest links */
      guint *k = &g_array_index(l->count, guint, pos);
      double *s = &g_array_index(l->score, double, pos);
      *s += (y - *s) / ++*k;
    }
  }
  if (ok && flows.series->len > 0) {
    guint n = flows.series->len;
    g_autoptr(GPtrArray) notes =
      notes_of(lines_keep(&flows, MAX_LINES, FALSE, "the first 12 flows"));
    g_ptr_array_add(notes, g_strdup("Rows of kind flow and metric rx_bps: the UDP payload "
                                    "received per second over each sampling interval."));
    g_autofree char *what = g_strdup_printf("received throughput of each flow over time (%u of "
                                            "%u flows)",
                                            flows.series->len, n);
    g_autofree char *title = titled(p, "throughput");
    IpesimPlotFigure fig = {
      .name = "throughput",
      .what = what,
      .source = sim_csv_table_name(t),
      .columns = "time_s value (rx_bps)",
      .title = title,
      .xlabel = "time (s)",
      .ylabel = "received throughput (Mbit/s)",
      .style = IPESIM_PLOT_STYLE_LINES,
      .xscale = { NULL, NULL, 1 },
      .yscale = { "Mbit/s", "/1e6", 1e-6 },
      .key_title = "flow",
      .settings = "set yrange [0:*]\nset autoscale xfix\n",
      .notes = notes,
      .series = flows.series,
    };
    ok = add_figure(p, &fig, error);
  }
  if (ok && links.series->len > 0) {
    guint n = links.series->len;
    g_autoptr(GPtrArray) notes = notes_of(
      lines_keep(&links, MAX_LINES, TRUE, "the 12 link directions with the highest mean"));
    g_ptr_array_add(notes, g_strdup("Rows of kind link and metric utilization: the share of "
                                    "each sampling interval the link direction was busy."));
    g_autofree char *what = g_strdup_printf("link utilisation over time (the %u busiest of %u "
                                            "link directions)",
                                            links.series->len, n);
    g_autofree char *title = titled(p, "link utilisation over time");
    IpesimPlotFigure fig = {
      .name = "link_utilization_time",
      .what = what,
      .source = sim_csv_table_name(t),
      .columns = "time_s value (utilization)",
      .title = title,
      .xlabel = "time (s)",
      .ylabel = "utilisation (busy time / interval)",
      .style = IPESIM_PLOT_STYLE_LINES,
      .xscale = { NULL, NULL, 1 },
      .yscale = { NULL, NULL, 1 },
      .key_title = "link",
      .settings = "set yrange [0:1<*]\nset autoscale xfix\n",
      .notes = notes,
      .series = links.series,
    };
    ok = add_figure(p, &fig, error);
  }
  lines_clear(&flows);
  lines_clear(&links);
  return ok;
}

typedef struct {
  double util;
  guint row;
} LinkRow;

static int
cmp_link_row(const void *a, const void *b)
{
  const LinkRow *x = a, *y = b;
  if (x->util != y->util)
    return x->util > y->util ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* Horizontal bars: the busiest link directions, the busiest on top. */
static gboolean
fig_link_utilization(Plot *p, GError **error)
{
  g_autoptr(SimCsvTable) t = load_table(p, "links.csv", error);
  if (!t)
    return error == NULL || *error == NULL;
  static const char *const names[] = { "link", "from", "to", "utilization", NULL };
  int c[4];
  if (!need_columns(t, names, c, error))
    return FALSE;
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(LinkRow));
  for (size_t r = 0; r < sim_csv_table_n_rows(t); r++) {
    LinkRow lr = { 0, (guint)r };
    if (!number_at(t, r, c[3], &lr.util, error)) {
      g_array_unref(rows);
      return FALSE;
    }
    if (isfinite(lr.util))
      g_array_append_val(rows, lr);
  }
  if (rows->len == 0) {
    g_array_unref(rows);
    return TRUE;
  }
  g_array_sort(rows, cmp_link_row);
  guint n = MIN(rows->len, MAX_BARS);
  GString *dat = g_string_new(NULL);
  g_autofree char *head = g_strdup_printf(
    "link_utilization.dat: the numbers of link_utilization.gp, written by `ipesim plot` from "
    "%s: the %u busiest of its %u link directions with a utilisation, busiest first. "
    "Columns: position (the bar's height on the plot, the busiest on top) utilization "
    "label (FROM > TO, and the link's name when it is not FROM-TO).",
    sim_csv_table_name(t), n, rows->len);
  ipesim_plot_gp_comment(dat, head);
  for (guint i = 0; i < n; i++) {
    const LinkRow *lr = &g_array_index(rows, LinkRow, i);
    const char *link = sim_csv_table_get(t, lr->row, (size_t)c[0]);
    const char *from = sim_csv_table_get(t, lr->row, (size_t)c[1]);
    const char *to = sim_csv_table_get(t, lr->row, (size_t)c[2]);
    g_autofree char *ab = g_strdup_printf("%s-%s", from, to);
    g_autofree char *ba = g_strdup_printf("%s-%s", to, from);
    g_autofree char *label = strcmp(link, ab) == 0 || strcmp(link, ba) == 0
                               ? g_strdup_printf("%s > %s", from, to)
                               : g_strdup_printf("%s > %s (%s)", from, to, link);
    g_string_append_printf(dat, "%u ", n - 1 - i);
    ipesim_plot_dat_number(dat, lr->util);
    g_string_append_c(dat, ' ');
    ipesim_plot_dat_string(dat, label);
    g_string_append_c(dat, '\n');
  }
  g_autofree char *what =
    g_strdup_printf("utilisation of the %u busiest of %u link directions", n, rows->len);
  GString *gp = g_string_new(NULL);
  g_autofree char *intro = g_strdup_printf("link_utilization.gp: %s, as horizontal bars.", what);
  ipesim_plot_gp_comment(gp, intro);
  g_autofree char *from = g_strdup_printf(
    "Written by `ipesim plot` from the utilization column of %s. It reads only "
    "link_utilization.dat in this folder (columns: position utilization label).",
    sim_csv_table_name(t));
  ipesim_plot_gp_comment(gp, from);
  ipesim_plot_gp_comment(gp, "Utilisation: the time the direction was busy sending (framing "
                             "included) over the run's length, from 0 to 1.");
  ipesim_plot_gp_comment(gp, "Run `gnuplot link_utilization.gp` in this folder to write "
                             "link_utilization.png and link_utilization.svg. Edit freely.");
  g_autofree char *title = titled(p, "link utilisation");
  g_string_append(gp, "\nset title ");
  ipesim_plot_gp_quote(gp, title);
  g_string_append(gp, "\nset xlabel 'utilisation (busy time / run time)'\n"
                      "set ylabel ''\n"
                      "set key off\n"
                      "set grid xtics\n"
                      "set xrange [0:1<*]\n");
  g_string_append_printf(gp, "set yrange [-0.6:%u.4]\n", n - 1);
  g_string_append(gp, "set ytics scale 0\n"
                      "set style fill solid 0.6 border -1\n");
  int height = MAX(400, 100 + 20 * (int)n);
  ipesim_plot_gp_render(gp, "link_utilization", 900, height,
                        "plot 'link_utilization.dat' using ($2/2):1:($2/2):(0.4):ytic(3) "
                        "with boxxyerror");
  gboolean ok = ipesim_plot_save(p->outdir, "link_utilization.dat", dat, error) &&
                ipesim_plot_save(p->outdir, "link_utilization.gp", gp, error);
  g_string_free(dat, TRUE);
  g_string_free(gp, TRUE);
  g_array_unref(rows);
  if (ok) {
    Drawn *d = g_new0(Drawn, 1);
    d->name = g_strdup("link_utilization");
    d->what = g_steal_pointer(&what);
    g_ptr_array_add(p->drawn, d);
  }
  return ok;
}

static gboolean
fig_queues(Plot *p, GError **error)
{
  g_autoptr(SimCsvTable) t = load_table(p, "queues.csv", error);
  if (!t)
    return error == NULL || *error == NULL;
  static const char *const names[] = { "time_us", "node", "iface", "class", "packets", NULL };
  int c[5];
  if (!need_columns(t, names, c, error))
    return FALSE;
  Lines l;
  lines_init(&l);
  gboolean ok = TRUE;
  for (size_t r = 0; ok && r < sim_csv_table_n_rows(t); r++) {
    if (strcmp(sim_csv_table_get(t, r, (size_t)c[3]), "all") != 0)
      continue;
    double x, y;
    ok = number_at(t, r, c[0], &x, error) && number_at(t, r, c[4], &y, error);
    if (!ok)
      break;
    g_autofree char *name = g_strdup_printf("%s:%s", sim_csv_table_get(t, r, (size_t)c[1]),
                                            sim_csv_table_get(t, r, (size_t)c[2]));
    guint pos;
    ipesim_plot_series_add(lines_get(&l, name, &pos), x, y, y, y);
    double *s = &g_array_index(l.score, double, pos);
    if (isfinite(y) && y > *s)
      *s = y;
  }
  if (ok && l.series->len > 0) {
    guint n = l.series->len;
    g_autoptr(GPtrArray) notes = notes_of(
      lines_keep(&l, MAX_LINES, TRUE, "the 12 interfaces with the longest queue"));
    g_ptr_array_add(notes, g_strdup("Rows of class all: the packets held by the whole queue "
                                    "discipline of each interface (NODE:IFACE) at each sample."));
    g_autofree char *what =
      g_strdup_printf("queue length over time (the %u longest of %u queues)", l.series->len, n);
    g_autofree char *title = titled(p, "queue length");
    IpesimPlotFigure fig = {
      .name = "queues",
      .what = what,
      .source = sim_csv_table_name(t),
      .columns = "time_us packets",
      .title = title,
      .xlabel = "time (s)",
      .ylabel = "packets queued",
      .style = IPESIM_PLOT_STYLE_STEPS,
      .xscale = { "s", "/1e6", 1e-6 },
      .yscale = { NULL, NULL, 1 },
      .key_title = "queue",
      .settings = "set yrange [0:*]\nset autoscale xfix\n",
      .notes = notes,
      .series = l.series,
    };
    ok = add_figure(p, &fig, error);
  }
  lines_clear(&l);
  return ok;
}

/* ---- a sweep ------------------------------------------------------------------- */

/* @metric as a file name: characters other than letters, digits, '.', '_'
 * and '-' become '_'. */
static char *
file_safe(const char *metric)
{
  char *s = g_strdup(*metric ? metric : "_");
  for (char *q = s; *q; q++)
    if (!g_ascii_isalnum(*q) && *q != '.' && *q != '_' && *q != '-')
      *q = '_';
  return s;
}

static gboolean
fig_sweep(Plot *p, GError **error)
{
  g_autoptr(SimCsvTable) t = load_table(p, "sweep-summary.csv", error);
  if (!t)
    return error == NULL || *error == NULL;
  static const char *const names[] = { "point", "metric", "mean", "ci95_low", "ci95_high", NULL };
  int c[5];
  if (!need_columns(t, names, c, error))
    return FALSE;
  if (c[1] < c[0]) {
    g_set_error(error, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_INPUT,
                "%s:1: expected the columns point,P1,...,Pk,metric,n,mean,sd,ci95_low,ci95_high "
                "(the parameters between point and metric), found metric before point",
                sim_csv_table_name(t));
    return FALSE;
  }
  guint n_rows = (guint)sim_csv_table_n_rows(t);
  if (n_rows == 0)
    return TRUE;
  /* x: the first numeric parameter, else the first parameter as categories,
   * else the point number */
  int first = c[0] + 1, end = c[1];
  int xcol = first < end ? first : c[0];
  IpesimPlotAxis xa;
  gboolean found = FALSE;
  for (int col = first; col < end && !found; col++) {
    ipesim_plot_axis_init(&xa, t, (size_t)col, NULL, 0);
    if (xa.numeric) {
      xcol = col;
      found = TRUE;
    } else {
      ipesim_plot_axis_clear(&xa);
    }
  }
  if (!found)
    ipesim_plot_axis_init(&xa, t, (size_t)xcol, NULL, 0);
  /* values spanning more than two decades: a log x */
  gboolean logx = FALSE;
  if (xa.numeric) {
    double lo = INFINITY, hi = -INFINITY;
    for (guint r = 0; r < n_rows; r++) {
      double v = ipesim_plot_axis_position(&xa, sim_csv_table_get(t, r, (size_t)xcol));
      if (isfinite(v)) {
        lo = MIN(lo, v);
        hi = MAX(hi, v);
      }
    }
    logx = lo > 0 && hi / lo >= 100;
  }
  const char *xname = sim_csv_table_column_name(t, (size_t)xcol);
  g_autofree char *xlabel =
    xa.scale.unit ? g_strdup_printf("%s (%s)", xname, xa.scale.unit) : g_strdup(xname);

  /* metrics in order of first appearance */
  GPtrArray *metrics = g_ptr_array_new();
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint r = 0; r < n_rows; r++) {
    const char *m = sim_csv_table_get(t, r, (size_t)c[1]);
    if (g_hash_table_add(seen, (gpointer)m))
      g_ptr_array_add(metrics, (gpointer)m);
  }
  g_hash_table_unref(seen);
  gboolean ok = TRUE;
  for (guint mi = 0; ok && mi < metrics->len; mi++) {
    const char *metric = metrics->pdata[mi];
    Lines l;
    lines_init(&l);
    for (guint r = 0; ok && r < n_rows; r++) {
      if (strcmp(sim_csv_table_get(t, r, (size_t)c[1]), metric) != 0)
        continue;
      GString *group = g_string_new(NULL);
      for (int col = first; col < end; col++)
        if (col != xcol)
          g_string_append_printf(group, "%s%s=%s", group->len ? ", " : "",
                                 sim_csv_table_column_name(t, (size_t)col),
                                 sim_csv_table_get(t, r, (size_t)col));
      double mean, lo, hi;
      ok = number_at(t, r, c[2], &mean, error) && number_at(t, r, c[3], &lo, error) &&
           number_at(t, r, c[4], &hi, error);
      if (ok) {
        /* no interval (n < 2): the point alone */
        if (!isfinite(lo) || !isfinite(hi))
          lo = hi = mean;
        double x = ipesim_plot_axis_position(&xa, sim_csv_table_get(t, r, (size_t)xcol));
        guint pos;
        ipesim_plot_series_add(lines_get(&l, group->str, &pos), x, mean, lo, hi);
      }
      g_string_free(group, TRUE);
    }
    if (ok) {
      for (guint i = 0; xa.numeric && i < l.series->len; i++)
        ipesim_plot_series_sort(l.series->pdata[i]);
      g_autofree char *safe = file_safe(metric);
      g_autofree char *name = g_strconcat("sweep-", safe, NULL);
      g_autofree char *what = g_strdup_printf(
        "mean of %s against %s over the sweep, with 95%% confidence intervals (%u %s)", metric,
        xname, l.series->len, l.series->len == 1 ? "line" : "lines");
      g_autofree char *source =
        g_strdup_printf("%s, rows of metric %s: mean, ci95_low and ci95_high against %s",
                        sim_csv_table_name(t), metric, xname);
      g_autofree char *ylabel = g_strdup_printf("%s (mean, 95 %% CI)", metric);
      g_autofree char *columns = g_strdup_printf(
        "%s mean ci95_low ci95_high%s", xname,
        xa.numeric ? "" : " label (x: the value's number in order of first appearance)");
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
      g_ptr_array_add(notes, g_strdup("Error bars: the 95% confidence interval of the mean over "
                                      "the replications of each point; where it is nan (fewer "
                                      "than 2 runs) ci95_low = ci95_high = mean, so no bar."));
      if (end - first > 1)
        g_ptr_array_add(notes, g_strdup("One line per combination of the other parameters, "
                                        "titled with their values."));
      if (logx)
        g_ptr_array_add(notes, g_strdup("x on a log scale: its values span more than two "
                                        "decades."));
      if (xa.numeric && xa.unit != IPESIM_PLOT_UNIT_NONE) {
        g_autofree char *u =
          g_strdup_printf("x in %s: the data file holds the values of %s in base units (s, "
                          "bit/s, bytes, packets/s, or a fraction for %%) and the script "
                          "scales them.",
                          xa.scale.unit, xname);
        g_ptr_array_add(notes, g_steal_pointer(&u));
      }
      IpesimPlotFigure fig = {
        .name = name,
        .what = what,
        .source = source,
        .columns = columns,
        .title = metric,
        .xlabel = xlabel,
        .ylabel = ylabel,
        .style = IPESIM_PLOT_STYLE_ERRORBARS,
        .xscale = xa.scale,
        .yscale = { NULL, NULL, 1 },
        .categories = xa.numeric ? NULL : xa.categories,
        .logx = logx,
        .notes = notes,
        .series = l.series,
      };
      ok = add_figure(p, &fig, error);
    }
    lines_clear(&l);
  }
  g_ptr_array_unref(metrics);
  ipesim_plot_axis_clear(&xa);
  return ok;
}

/* ---- [plot NAME] sections ---------------------------------------------------------- */

static void
scenario_plots(Plot *p, const char *scenario_file)
{
  g_autofree char *path = g_build_filename(p->dir, scenario_file, NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return;
  GError *e = NULL;
  g_autoptr(SimScenario) sc = sim_scenario_load(path, &e);
  if (!sc) {
    report(p, e);
    return;
  }
  for (guint i = 0; i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "plot") != 0)
      continue;
    g_autoptr(IpesimPlotSpec) spec = ipesim_plot_spec_parse(sec, &e);
    char *what = NULL;
    if (!spec || !ipesim_plot_spec_draw(spec, p->dir, p->outdir, &what, &e)) {
      report(p, e);
      e = NULL;
      continue;
    }
    Drawn *d = g_new0(Drawn, 1);
    d->name = g_strdup(spec->name);
    d->what = what;
    g_ptr_array_add(p->drawn, d);
  }
}

/* ---- the command --------------------------------------------------------------------- */

/* Draws every figure of p->dir; FALSE when it is not a result folder. */
static gboolean
plot_dir(Plot *p, gboolean no_render)
{
  g_autofree char *summary = g_build_filename(p->dir, "sweep-summary.csv", NULL);
  g_autofree char *manifest = g_build_filename(p->dir, "manifest.ini", NULL);
  gboolean sweep = g_file_test(summary, G_FILE_TEST_EXISTS);
  if (!g_file_test(p->dir, G_FILE_TEST_IS_DIR)) {
    fprintf(stderr, "ipesim plot: %s: no such folder (expected the result folder of `ipesim "
                    "run` or of a sweep)\n",
            p->dir);
    return FALSE;
  }
  if (!sweep && !g_file_test(manifest, G_FILE_TEST_EXISTS)) {
    g_autofree char *run0 = g_build_filename(p->dir, "run-0", "manifest.ini", NULL);
    if (g_file_test(run0, G_FILE_TEST_EXISTS))
      fprintf(stderr, "ipesim plot: %s: a folder of several runs: plot one of them, e.g. "
                      "ipesim plot %s/run-0\n",
              p->dir, p->dir);
    else
      fprintf(stderr, "ipesim plot: %s: not a result folder: expected manifest.ini (one run) "
                      "or sweep-summary.csv (a sweep)\n",
              p->dir);
    return FALSE;
  }
  if (g_mkdir_with_parents(p->outdir, 0777) != 0) {
    fprintf(stderr, "ipesim plot: cannot create %s: %s\n", p->outdir, g_strerror(errno));
    return FALSE;
  }
  GError *e = NULL;
  if (sweep) {
    if (!fig_sweep(p, &e))
      report(p, e);
    scenario_plots(p, "sweep.ini");
  } else {
    /* the scenario's name for titles; a manifest that does not load is
     * reported by scenario_plots() */
    g_autoptr(SimScenario) man = sim_scenario_load(manifest, NULL);
    SimScenarioSection *ms = man ? sim_scenario_get_section(man, "manifest") : NULL;
    p->scenario = ms ? sim_scenario_section_peek(ms, "scenario", NULL) : NULL;
    gboolean (*const figures[])(Plot *, GError **) = { fig_delay_cdf, fig_timeseries,
                                                       fig_link_utilization, fig_queues };
    for (size_t i = 0; i < G_N_ELEMENTS(figures); i++) {
      if (!figures[i](p, &e)) {
        report(p, e);
        e = NULL;
      }
    }
    p->scenario = NULL;
    scenario_plots(p, "manifest.ini");
  }
  if (p->drawn->len == 0) {
    if (p->status == 0)
      fprintf(stderr, "ipesim plot: %s: nothing to plot (no rows in the tables ipesim plot "
                      "draws, no [plot] sections)\n",
              p->dir);
    return TRUE;
  }
  g_autofree char *gnuplot = no_render ? NULL : ipesim_gnuplot_find();
  for (guint i = 0; i < p->drawn->len; i++) {
    const Drawn *d = p->drawn->pdata[i];
    g_autofree char *gpname = g_strconcat(d->name, ".gp", NULL);
    gboolean rendered = FALSE;
    if (gnuplot) {
      rendered = ipesim_run_gnuplot(p->outdir, gpname, &e);
      if (!rendered) {
        report(p, e);
        e = NULL;
      }
    }
    g_autofree char *base = g_build_filename(p->outdir, d->name, NULL);
    printf("%s.gp, .dat%s: %s\n", base, rendered ? ", .png, .svg" : "", d->what);
  }
  if (!no_render && !gnuplot) {
    fprintf(stderr, "ipesim plot: gnuplot not found: install the Debian package gnuplot-nox "
                    "to render the figures (the scripts are ready: cd %s && gnuplot NAME.gp)\n",
            p->outdir);
    p->status = 1;
  }
  return TRUE;
}

int
ipesim_cmd_plot(int argc, char **argv)
{
  char *outdir = NULL;
  gboolean no_render = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
      "where to write the figures (default DIR/plots)", "OUTDIR" },
    { "no-render", 0, 0, G_OPTION_ARG_NONE, &no_render,
      "write the gnuplot scripts and data only, do not run gnuplot", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc =
    g_option_context_new("DIR - gnuplot figures of a run's or a sweep's result folder");
  g_option_context_add_main_entries(oc, entries, NULL);
  g_option_context_set_description(
    oc, "Writes NAME.gp and NAME.dat per figure into OUTDIR and renders NAME.png and NAME.svg\n"
        "with gnuplot (Debian package gnuplot-nox). See docs/plots.md.");
  if (!g_option_context_parse(oc, &argc, &argv, &error) || argc != 2) {
    fprintf(stderr, "ipesim plot: %s\n",
            error ? error->message : "expected one result folder (see ipesim plot --help)");
    g_free(outdir);
    return 2;
  }
  g_autofree char *out = outdir ? outdir : g_build_filename(argv[1], "plots", NULL);
  Plot p = { argv[1], out, NULL, g_ptr_array_new_with_free_func((GDestroyNotify)drawn_free), 0 };
  if (!plot_dir(&p, no_render))
    p.status = 1;
  g_ptr_array_unref(p.drawn);
  return p.status;
}
