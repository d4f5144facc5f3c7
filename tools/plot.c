/* plot.c - values, axes, [plot NAME] sections and the writers of gnuplot
 * figures (see plot.h).
 *
 * A figure is two files: NAME.dat holds every number drawn, one block per
 * line of the plot (blocks separated by two blank lines, selected with
 * `index N`), in the units of the source table; NAME.gp scales them
 * (`($2/1e6)` for Mbit/s), labels the axes with the units and renders
 * NAME.png and NAME.svg. Legend entries and tick labels live in the
 * script as quoted strings, so names with blanks, commas or quotes never
 * reach gnuplot's data parser; the terminals are `noenhanced` so an
 * underscore in a name stays an underscore.
 *
 * The tricky part is telling numbers from words in a column: `10Mbps`,
 * `100Mbps` and `1Gbps` make a numeric axis in Mbit/s, `hard` and `soft`
 * a categorical one, and a mix of units (or of units and plain non-zero
 * numbers) is categorical too, since no single axis fits it.
 */
#include "config.h"

#include "plot.h"

#include "simtime.h"
#include "simunits.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ipesim-plot-error-quark, ipesim_plot_error)

/* ---- values ------------------------------------------------------------------- */

gboolean
ipesim_plot_parse_value(const char *text, IpesimPlotValue *out)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  g_autofree char *s = g_strstrip(g_strdup(text));
  size_t len = strlen(s);
  if (len == 0 || g_ascii_strcasecmp(s, "nan") == 0 || g_ascii_strcasecmp(s, "-nan") == 0) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_NONE, NAN };
    return TRUE;
  }
  const char *mag = s[0] == '-' || s[0] == '+' ? s + 1 : s;
  if (g_ascii_strcasecmp(mag, "inf") == 0 || g_ascii_strcasecmp(mag, "infinity") == 0) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_NONE, s[0] == '-' ? -INFINITY : INFINITY };
    return TRUE;
  }
  double d;
  if (sim_units_parse_double(s, &d, NULL)) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_NONE, d };
    return TRUE;
  }
  if (s[len - 1] == '%') {
    s[len - 1] = '\0';
    g_strchomp(s);
    if (!sim_units_parse_double(s, &d, NULL))
      return FALSE;
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_PERCENT, d / 100 };
    return TRUE;
  }
  SimTime t;
  uint64_t u;
  if (sim_time_parse(s, &t, NULL)) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_TIME, (double)t * 1e-12 };
    return TRUE;
  }
  if (sim_units_parse_rate(s, &u, NULL)) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_RATE, (double)u };
    return TRUE;
  }
  if (sim_units_parse_size(s, &u, NULL)) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_SIZE, (double)u };
    return TRUE;
  }
  if (sim_units_parse_pkt_rate(s, &d, NULL)) {
    *out = (IpesimPlotValue){ IPESIM_PLOT_UNIT_PKT_RATE, d };
    return TRUE;
  }
  return FALSE;
}

/* The units of each kind, smallest first; per = the unit in base units. */
typedef struct {
  const char *unit;
  const char *op;
  double factor;
  double per;
} ScaleRow;

static const ScaleRow time_rows[] = {
  { "ps", "*1e12", 1e12, 1e-12 }, { "ns", "*1e9", 1e9, 1e-9 }, { "us", "*1e6", 1e6, 1e-6 },
  { "ms", "*1e3", 1e3, 1e-3 },    { "s", NULL, 1, 1 },
};
static const ScaleRow rate_rows[] = {
  { "bit/s", NULL, 1, 1 },         { "kbit/s", "/1e3", 1e-3, 1e3 },
  { "Mbit/s", "/1e6", 1e-6, 1e6 }, { "Gbit/s", "/1e9", 1e-9, 1e9 },
  { "Tbit/s", "/1e12", 1e-12, 1e12 },
};
static const ScaleRow size_rows[] = {
  { "B", NULL, 1, 1 },         { "kB", "/1e3", 1e-3, 1e3 },     { "MB", "/1e6", 1e-6, 1e6 },
  { "GB", "/1e9", 1e-9, 1e9 }, { "TB", "/1e12", 1e-12, 1e12 },
};
static const ScaleRow pkt_rows[] = {
  { "packets/s", NULL, 1, 1 },
  { "kpackets/s", "/1e3", 1e-3, 1e3 },
  { "Mpackets/s", "/1e6", 1e-6, 1e6 },
  { "Gpackets/s", "/1e9", 1e-9, 1e9 },
};
static const ScaleRow percent_rows[] = { { "%", "*100", 100, 0 } };

IpesimPlotScale
ipesim_plot_scale_choose(IpesimPlotUnit unit, const double *values, guint n)
{
  const ScaleRow *rows = NULL;
  size_t n_rows = 0, base = 0;
  switch (unit) {
  case IPESIM_PLOT_UNIT_TIME:
    rows = time_rows, n_rows = G_N_ELEMENTS(time_rows), base = 4;
    break;
  case IPESIM_PLOT_UNIT_RATE:
    rows = rate_rows, n_rows = G_N_ELEMENTS(rate_rows);
    break;
  case IPESIM_PLOT_UNIT_SIZE:
    rows = size_rows, n_rows = G_N_ELEMENTS(size_rows);
    break;
  case IPESIM_PLOT_UNIT_PKT_RATE:
    rows = pkt_rows, n_rows = G_N_ELEMENTS(pkt_rows);
    break;
  case IPESIM_PLOT_UNIT_PERCENT:
    rows = percent_rows, n_rows = 1;
    break;
  case IPESIM_PLOT_UNIT_NONE:
  case IPESIM_PLOT_UNIT_N:
    return (IpesimPlotScale){ NULL, NULL, 1 };
  }
  double min = INFINITY;
  for (guint i = 0; i < n; i++)
    if (isfinite(values[i]) && values[i] != 0 && fabs(values[i]) < min)
      min = fabs(values[i]);
  size_t pick = base;
  if (isfinite(min) && n_rows > 1) {
    pick = 0;
    /* the relative margin absorbs the rounding of 1e-3 s and the like */
    for (size_t i = 0; i < n_rows; i++)
      if (min >= rows[i].per * (1 - 1e-9))
        pick = i;
  }
  return (IpesimPlotScale){ rows[pick].unit, rows[pick].op, rows[pick].factor };
}

/* ---- axes ------------------------------------------------------------------------ */

void
ipesim_plot_axis_init(IpesimPlotAxis *axis, const SimCsvTable *t, size_t col, const guint *rows,
                      guint n_rows)
{
  g_return_if_fail(axis != NULL && t != NULL && col < sim_csv_table_n_columns(t));
  memset(axis, 0, sizeof *axis);
  axis->numeric = TRUE;
  axis->bad_row = -1;
  guint n = rows ? n_rows : (guint)sim_csv_table_n_rows(t);
  GArray *values = g_array_sized_new(FALSE, FALSE, sizeof(double), n);
  gboolean plain_nonzero = FALSE;
  for (guint i = 0; i < n && axis->numeric; i++) {
    guint r = rows ? rows[i] : i;
    IpesimPlotValue v;
    gboolean ok = ipesim_plot_parse_value(sim_csv_table_get(t, r, col), &v);
    if (ok && v.unit == IPESIM_PLOT_UNIT_NONE) {
      /* a plain 0 (or no value) fits an axis of any unit */
      if (isfinite(v.value) && v.value != 0) {
        plain_nonzero = TRUE;
        ok = axis->unit == IPESIM_PLOT_UNIT_NONE;
      }
    } else if (ok) {
      ok = (axis->unit == IPESIM_PLOT_UNIT_NONE && !plain_nonzero) || axis->unit == v.unit;
      axis->unit = v.unit;
    }
    if (!ok) {
      axis->numeric = FALSE;
      axis->bad_row = r;
    }
    g_array_append_val(values, v.value);
  }
  if (axis->numeric) {
    axis->scale = ipesim_plot_scale_choose(axis->unit, (const double *)(void *)values->data,
                                           values->len);
  } else {
    axis->unit = IPESIM_PLOT_UNIT_NONE;
    axis->scale = (IpesimPlotScale){ NULL, NULL, 1 };
    axis->categories = g_ptr_array_new_with_free_func(g_free);
    axis->index = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < n; i++) {
      const char *f = sim_csv_table_get(t, rows ? rows[i] : i, col);
      if (g_hash_table_contains(axis->index, f))
        continue;
      char *copy = g_strdup(f);
      g_ptr_array_add(axis->categories, copy);
      g_hash_table_insert(axis->index, copy, GUINT_TO_POINTER(axis->categories->len));
    }
  }
  g_array_unref(values);
}

double
ipesim_plot_axis_position(const IpesimPlotAxis *axis, const char *text)
{
  g_return_val_if_fail(axis != NULL && text != NULL, NAN);
  if (axis->numeric) {
    IpesimPlotValue v;
    return ipesim_plot_parse_value(text, &v) ? v.value : NAN;
  }
  guint pos = GPOINTER_TO_UINT(g_hash_table_lookup(axis->index, text));
  return pos ? (double)(pos - 1) : NAN;
}

void
ipesim_plot_axis_clear(IpesimPlotAxis *axis)
{
  if (!axis)
    return;
  g_clear_pointer(&axis->index, g_hash_table_unref);
  g_clear_pointer(&axis->categories, g_ptr_array_unref);
}

/* ---- where ------------------------------------------------------------------------- */

static void
cond_free(IpesimPlotCond *c)
{
  g_free(c->column);
  g_free(c->value);
  g_free(c);
}

static gboolean
where_fail(GError **error, const char *text, const char *what)
{
  g_set_error(error, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_SPEC,
              "'%s': %s: expected COLUMN = VALUE[, COLUMN = VALUE]... (a VALUE holding a "
              "comma in double quotes)",
              text, what);
  return FALSE;
}

GPtrArray *
ipesim_plot_where_parse(const char *text, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  GPtrArray *conds = g_ptr_array_new_with_free_func((GDestroyNotify)cond_free);
  const char *p = text;
  for (;;) {
    const char *eq = strchr(p, '=');
    const char *comma = strchr(p, ',');
    if (!eq || (comma && comma < eq)) {
      g_autofree char *part = g_strstrip(g_strndup(p, comma ? (size_t)(comma - p) : strlen(p)));
      g_autofree char *msg = g_strdup_printf("no '=' in '%s'", part);
      where_fail(error, text, msg);
      g_ptr_array_unref(conds);
      return NULL;
    }
    IpesimPlotCond *c = g_new0(IpesimPlotCond, 1);
    g_ptr_array_add(conds, c);
    c->column = g_strstrip(g_strndup(p, (size_t)(eq - p)));
    if (!*c->column || strchr(c->column, '"')) {
      where_fail(error, text, *c->column ? "a quote in a column name" : "a column name is missing");
      g_ptr_array_unref(conds);
      return NULL;
    }
    p = eq + 1;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '"') {
      GString *v = g_string_new(NULL);
      for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
        if (p[0] == '"')
          p++; /* "" is a quote */
        g_string_append_c(v, *p);
      }
      c->value = g_string_free(v, FALSE);
      if (*p != '"') {
        where_fail(error, text, "a quoted value has no closing quote");
        g_ptr_array_unref(conds);
        return NULL;
      }
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p && *p != ',') {
        where_fail(error, text, "text after a quoted value");
        g_ptr_array_unref(conds);
        return NULL;
      }
    } else {
      const char *end = strchr(p, ',');
      c->value = g_strstrip(g_strndup(p, end ? (size_t)(end - p) : strlen(p)));
      p = end ? end : p + strlen(p);
    }
    if (!*p)
      break;
    p++; /* the comma */
  }
  return conds;
}

gboolean
ipesim_plot_field_equal(const char *field, const char *value)
{
  g_return_val_if_fail(field != NULL && value != NULL, FALSE);
  if (strcmp(field, value) == 0)
    return TRUE;
  IpesimPlotValue a, b;
  return ipesim_plot_parse_value(field, &a) && ipesim_plot_parse_value(value, &b) &&
         a.unit == b.unit && isfinite(a.value) && a.value == b.value;
}

/* ---- [plot NAME] sections -------------------------------------------------------- */

static const char *const style_names[IPESIM_PLOT_STYLE_N] = {
  [IPESIM_PLOT_STYLE_LINES] = "lines",   [IPESIM_PLOT_STYLE_POINTS] = "points",
  [IPESIM_PLOT_STYLE_LINESPOINTS] = "linespoints", [IPESIM_PLOT_STYLE_STEPS] = "steps",
  [IPESIM_PLOT_STYLE_BARS] = "bars",     [IPESIM_PLOT_STYLE_ERRORBARS] = "errorbars",
};

const char *
ipesim_plot_style_name(IpesimPlotStyle style)
{
  g_return_val_if_fail(style < IPESIM_PLOT_STYLE_N, NULL);
  return style_names[style];
}

static const char *const spec_keys[] = { "table",  "x",      "y",    "group", "where", "style",
                                         "title",  "xlabel", "ylabel", "logx", "logy",  NULL };

/* The figures cmd-plot.c draws by itself: their files are reserved. */
static const char *const builtin_names[] = { "delay_cdf", "throughput", "link_utilization",
                                             "link_utilization_time", "queues", NULL };

gboolean
ipesim_plot_name_is_builtin(const char *name)
{
  return g_strv_contains(builtin_names, name) || g_str_has_prefix(name, "sweep-");
}

/* Fails with `WHERE: [plot NAME] KEY: MESSAGE`, WHERE the key's origin (the
 * section's when @key is not set or NULL). */
G_GNUC_PRINTF(5, 6)
static gboolean
spec_fail(GError **error, IpesimPlotError code, SimScenarioSection *sec, const char *key,
          const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  SimScenarioOrigin o;
  if (!key || !sim_scenario_section_peek(sec, key, &o))
    sim_scenario_section_origin(sec, &o);
  if (key)
    g_set_error(error, IPESIM_PLOT_ERROR, code, "%s: [%s] %s: %s", o.where,
                sim_scenario_section_header(sec), key, msg);
  else
    g_set_error(error, IPESIM_PLOT_ERROR, code, "%s: [%s] %s", o.where,
                sim_scenario_section_header(sec), msg);
  return FALSE;
}

static gboolean
file_name_ok(const char *s)
{
  if (!s || !*s || *s == '.' || strlen(s) > 200)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

void
ipesim_plot_spec_free(IpesimPlotSpec *spec)
{
  if (!spec)
    return;
  if (spec->where)
    g_ptr_array_unref(spec->where);
  g_free(spec);
}

/* A required key holding a column name. */
static const char *
required(SimScenarioSection *sec, const char *key, const char *expected, GError **error)
{
  const char *v = sim_scenario_section_get(sec, key, NULL);
  if (!v || !*v) {
    spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, key, "%s (expected %s)",
              v ? "empty" : "missing", expected);
    return NULL;
  }
  return v;
}

IpesimPlotSpec *
ipesim_plot_spec_parse(SimScenarioSection *sec, GError **error)
{
  g_return_val_if_fail(sec != NULL, NULL);
  const char *name = sim_scenario_section_name(sec);
  if (!file_name_ok(name)) {
    spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, NULL,
              "needs a name that can be a file name: [plot NAME], NAME of letters, digits, "
              "'_', '-' and '.' (not first); the figure is NAME.png");
    return NULL;
  }
  if (ipesim_plot_name_is_builtin(name)) {
    spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, NULL,
              "the name '%s' is taken by a figure ipesim plot draws by itself (%s, sweep-METRIC): "
              "choose another",
              name, "delay_cdf, throughput, link_utilization, link_utilization_time, queues");
    return NULL;
  }
  g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
  for (const char **k = keys; *k; k++) {
    if (!g_strv_contains(spec_keys, *k)) {
      g_autofree char *list = g_strjoinv(", ", (char **)spec_keys);
      spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, *k, "unknown key (expected one of: %s)",
                list);
      return NULL;
    }
  }
  g_autoptr(IpesimPlotSpec) spec = g_new0(IpesimPlotSpec, 1);
  spec->section = sec;
  spec->name = name;
  spec->table = required(sec, "table",
                         "a CSV file of the result folder by its base name, such as flows, "
                         "links, timeseries, sweep or sweep-summary",
                         error);
  if (!spec->table)
    return NULL;
  if (!file_name_ok(spec->table) || g_str_has_suffix(spec->table, ".csv")) {
    spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, "table",
              "'%s': expected the base name of a CSV file of the result folder, without "
              "folder or .csv (flows, links, timeseries, sweep, sweep-summary, ...)",
              spec->table);
    return NULL;
  }
  spec->x = required(sec, "x", "the column for the x axis", error);
  if (!spec->x)
    return NULL;
  spec->y = required(sec, "y", "the column for the y axis", error);
  if (!spec->y)
    return NULL;
  spec->group = sim_scenario_section_get(sec, "group", NULL);
  if (spec->group && !*spec->group)
    spec->group = NULL;
  spec->where_text = sim_scenario_section_get(sec, "where", NULL);
  if (spec->where_text && *spec->where_text) {
    GError *e = NULL;
    spec->where = ipesim_plot_where_parse(spec->where_text, &e);
    if (!spec->where) {
      spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, "where", "%s", e->message);
      g_error_free(e);
      return NULL;
    }
  } else {
    spec->where_text = NULL;
    spec->where = g_ptr_array_new();
  }
  const char *style = sim_scenario_section_get(sec, "style", NULL);
  spec->style = IPESIM_PLOT_STYLE_LINES;
  if (style) {
    spec->style = IPESIM_PLOT_STYLE_N;
    for (int i = 0; i < IPESIM_PLOT_STYLE_N; i++)
      if (strcmp(style, style_names[i]) == 0)
        spec->style = i;
    if (spec->style == IPESIM_PLOT_STYLE_N) {
      spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, "style",
                "'%s': expected lines, points, linespoints, steps, bars or errorbars", style);
      return NULL;
    }
  }
  if (spec->style == IPESIM_PLOT_STYLE_ERRORBARS &&
      (strcmp(spec->table, "sweep-summary") != 0 || strcmp(spec->y, "mean") != 0)) {
    spec_fail(error, IPESIM_PLOT_ERROR_SPEC, sec, "style",
              "errorbars draws the 95%% confidence interval (ci95_low, ci95_high) of a sweep: "
              "expected table = sweep-summary and y = mean (got table = %s, y = %s)",
              spec->table, spec->y);
    return NULL;
  }
  spec->title = sim_scenario_section_get(sec, "title", NULL);
  spec->xlabel = sim_scenario_section_get(sec, "xlabel", NULL);
  spec->ylabel = sim_scenario_section_get(sec, "ylabel", NULL);
  if ((sim_scenario_section_peek(sec, "logx", NULL) &&
       !sim_scenario_section_get_bool(sec, "logx", &spec->logx, error)) ||
      (sim_scenario_section_peek(sec, "logy", NULL) &&
       !sim_scenario_section_get_bool(sec, "logy", &spec->logy, error)))
    return NULL;
  return g_steal_pointer(&spec);
}

gboolean
ipesim_plot_check_scenario(SimScenario *sc, GError **error)
{
  g_return_val_if_fail(sc != NULL, FALSE);
  for (guint i = 0; i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    if (strcmp(sim_scenario_section_kind(sec), "plot") != 0)
      continue;
    IpesimPlotSpec *spec = ipesim_plot_spec_parse(sec, error);
    if (!spec)
      return FALSE;
    ipesim_plot_spec_free(spec);
  }
  return TRUE;
}

/* The column @name of @t, or -1 with an error at @key. */
static int
spec_column(const IpesimPlotSpec *spec, const SimCsvTable *t, const char *key, const char *name,
            GError **error)
{
  int c = sim_csv_table_column(t, name);
  if (c < 0) {
    GString *cols = g_string_new(NULL);
    for (size_t i = 0; i < sim_csv_table_n_columns(t); i++)
      g_string_append_printf(cols, "%s%s", i ? ", " : "", sim_csv_table_column_name(t, i));
    spec_fail(error, IPESIM_PLOT_ERROR_INPUT, spec->section, key,
              "no column '%s' in %s (columns: %s)", name, sim_csv_table_name(t), cols->str);
    g_string_free(cols, TRUE);
  }
  return c;
}

/* A label and its unit: "rate (Mbit/s)". */
static char *
label_with_unit(const char *label, const IpesimPlotScale *scale)
{
  return scale->unit ? g_strdup_printf("%s (%s)", label, scale->unit) : g_strdup(label);
}

gboolean
ipesim_plot_spec_draw(const IpesimPlotSpec *spec, const char *dir, const char *outdir,
                      char **what, GError **error)
{
  g_return_val_if_fail(spec != NULL && dir != NULL && outdir != NULL, FALSE);
  SimScenarioSection *sec = spec->section;
  g_autofree char *file = g_strconcat(spec->table, ".csv", NULL);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
    return spec_fail(error, IPESIM_PLOT_ERROR_INPUT, sec, "table", "no file %s", path);
  GError *e = NULL;
  g_autoptr(SimCsvTable) t = sim_csv_table_load(path, &e);
  if (!t) {
    spec_fail(error, IPESIM_PLOT_ERROR_INPUT, sec, "table", "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  int xc = spec_column(spec, t, "x", spec->x, error);
  int yc = xc < 0 ? -1 : spec_column(spec, t, "y", spec->y, error);
  int gc = !spec->group || yc < 0 ? -1 : spec_column(spec, t, "group", spec->group, error);
  if (yc < 0 || (spec->group && gc < 0))
    return FALSE;
  int lo_c = -1, hi_c = -1;
  if (spec->style == IPESIM_PLOT_STYLE_ERRORBARS) {
    lo_c = spec_column(spec, t, "style", "ci95_low", error);
    hi_c = lo_c < 0 ? -1 : spec_column(spec, t, "style", "ci95_high", error);
    if (hi_c < 0)
      return FALSE;
  }
  g_autofree int *where_cols = g_new(int, spec->where->len + 1);
  for (guint i = 0; i < spec->where->len; i++) {
    const IpesimPlotCond *c = spec->where->pdata[i];
    where_cols[i] = spec_column(spec, t, "where", c->column, error);
    if (where_cols[i] < 0)
      return FALSE;
  }
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint r = 0; r < sim_csv_table_n_rows(t); r++) {
    gboolean keep = TRUE;
    for (guint i = 0; keep && i < spec->where->len; i++) {
      const IpesimPlotCond *c = spec->where->pdata[i];
      keep = ipesim_plot_field_equal(sim_csv_table_get(t, r, (size_t)where_cols[i]), c->value);
    }
    if (keep)
      g_array_append_val(rows, r);
  }
  if (rows->len == 0) {
    g_array_unref(rows);
    if (spec->where_text && sim_csv_table_n_rows(t) > 0)
      return spec_fail(error, IPESIM_PLOT_ERROR_EMPTY, sec, "where",
                       "no row of %s matches '%s'", path, spec->where_text);
    return spec_fail(error, IPESIM_PLOT_ERROR_EMPTY, sec, "table", "%s has no rows", path);
  }
  const guint *rv = (const guint *)(void *)rows->data;
  IpesimPlotAxis xa, ya;
  ipesim_plot_axis_init(&xa, t, (size_t)xc, rv, rows->len);
  ipesim_plot_axis_init(&ya, t, (size_t)yc, rv, rows->len);
  gboolean ok = TRUE;
  if (!ya.numeric) {
    ok = spec_fail(error, IPESIM_PLOT_ERROR_INPUT, sec, "y",
                   "%s:%zu: column '%s' holds '%s': expected a number (or nan), with the same "
                   "unit in every row when it has one",
                   path, sim_csv_table_line(t, (size_t)ya.bad_row), spec->y,
                   sim_csv_table_get(t, (size_t)ya.bad_row, (size_t)yc));
  } else if (spec->logx && !xa.numeric) {
    ok = spec_fail(error, IPESIM_PLOT_ERROR_INPUT, sec, "logx",
                   "the x column '%s' is not numeric (%s:%zu holds '%s'): no log scale", spec->x,
                   path, sim_csv_table_line(t, (size_t)xa.bad_row),
                   sim_csv_table_get(t, (size_t)xa.bad_row, (size_t)xc));
  }
  /* one series per group value, in order of first appearance */
  GPtrArray *series = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_plot_series_free);
  GHashTable *by_group = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; ok && i < rows->len; i++) {
    guint r = rv[i];
    const char *g = gc >= 0 ? sim_csv_table_get(t, r, (size_t)gc) : "";
    IpesimPlotSeries *s = g_hash_table_lookup(by_group, g);
    if (!s) {
      s = ipesim_plot_series_new(g);
      g_ptr_array_add(series, s);
      g_hash_table_insert(by_group, (gpointer)g, s);
    }
    double x = ipesim_plot_axis_position(&xa, sim_csv_table_get(t, r, (size_t)xc));
    double y = ipesim_plot_axis_position(&ya, sim_csv_table_get(t, r, (size_t)yc));
    double lo = y, hi = y;
    if (lo_c >= 0) {
      IpesimPlotValue a, b;
      const char *fa = sim_csv_table_get(t, r, (size_t)lo_c);
      const char *fb = sim_csv_table_get(t, r, (size_t)hi_c);
      if (!ipesim_plot_parse_value(fa, &a) || !ipesim_plot_parse_value(fb, &b)) {
        ok = spec_fail(error, IPESIM_PLOT_ERROR_INPUT, sec, "style",
                       "%s:%zu: ci95_low '%s' or ci95_high '%s' is not a number (or nan)", path,
                       sim_csv_table_line(t, r), fa, fb);
        break;
      }
      /* no interval (n < 2): the point without a bar */
      if (isfinite(a.value) && isfinite(b.value))
        lo = a.value, hi = b.value;
    }
    ipesim_plot_series_add(s, x, y, lo, hi);
  }
  g_hash_table_unref(by_group);
  if (ok) {
    if (xa.numeric)
      for (guint i = 0; i < series->len; i++)
        ipesim_plot_series_sort(series->pdata[i]);
    g_autofree char *xlabel = spec->xlabel ? g_strdup(spec->xlabel)
                                           : label_with_unit(spec->x, &xa.scale);
    g_autofree char *ylabel = spec->ylabel ? g_strdup(spec->ylabel)
                                           : label_with_unit(spec->y, &ya.scale);
    GString *src = g_string_new(NULL);
    g_string_printf(src, "%s, column %s against column %s", path, spec->y, spec->x);
    if (spec->group)
      g_string_append_printf(src, ", one line per value of %s", spec->group);
    if (spec->where_text)
      g_string_append_printf(src, ", rows where %s", spec->where_text);
    if (lo_c >= 0)
      g_string_append(src, ", error bars from ci95_low and ci95_high");
    g_autofree char *whatline =
      g_strdup_printf("[plot %s]: %s against %s from %s (%u %s)", spec->name, spec->y, spec->x,
                      file, series->len, series->len == 1 ? "line" : "lines");
    g_autofree char *columns = g_strdup_printf(
      "%s %s%s%s", spec->x, spec->y, lo_c >= 0 ? " ci95_low ci95_high" : "",
      xa.numeric ? "" : " (x: the category number, its label last)");
    IpesimPlotFigure fig = {
      .name = spec->name,
      .what = whatline,
      .source = src->str,
      .columns = columns,
      .title = spec->title ? spec->title : spec->name,
      .xlabel = xlabel,
      .ylabel = ylabel,
      .style = spec->style,
      .xscale = xa.scale,
      .yscale = ya.scale,
      .categories = xa.numeric ? NULL : xa.categories,
      .logx = spec->logx,
      .logy = spec->logy,
      .key_title = spec->group,
      .series = series,
    };
    GError *we = NULL;
    ok = ipesim_plot_figure_write(&fig, outdir, &we);
    if (!ok && g_error_matches(we, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_EMPTY)) {
      spec_fail(error, IPESIM_PLOT_ERROR_EMPTY, sec, "y",
                "no row of %s has a number in both '%s' and '%s'", path, spec->x, spec->y);
      g_error_free(we);
    } else if (!ok) {
      g_propagate_error(error, we);
    }
    if (ok && what)
      *what = g_steal_pointer(&whatline);
    g_string_free(src, TRUE);
  }
  g_ptr_array_unref(series);
  ipesim_plot_axis_clear(&xa);
  ipesim_plot_axis_clear(&ya);
  g_array_unref(rows);
  return ok;
}

/* ---- series ------------------------------------------------------------------------ */

IpesimPlotSeries *
ipesim_plot_series_new(const char *title)
{
  IpesimPlotSeries *s = g_new0(IpesimPlotSeries, 1);
  s->title = g_strdup(title ? title : "");
  s->points = g_array_new(FALSE, FALSE, sizeof(IpesimPlotPoint));
  return s;
}

void
ipesim_plot_series_add(IpesimPlotSeries *s, double x, double y, double lo, double hi)
{
  IpesimPlotPoint p = { x, y, lo, hi };
  g_array_append_val(s->points, p);
}

void
ipesim_plot_series_free(IpesimPlotSeries *s)
{
  if (!s)
    return;
  g_free(s->title);
  g_array_unref(s->points);
  g_free(s);
}

/* g_array_sort() is not stable: sort (x, position) pairs. */
typedef struct {
  IpesimPlotPoint p;
  guint pos;
} Ranked;

static int
cmp_ranked(const void *a, const void *b)
{
  const Ranked *ra = a, *rb = b;
  /* NaN x last */
  gboolean na = isnan(ra->p.x), nb = isnan(rb->p.x);
  if (na != nb)
    return na ? 1 : -1;
  if (!na && ra->p.x != rb->p.x)
    return ra->p.x < rb->p.x ? -1 : 1;
  return ra->pos < rb->pos ? -1 : ra->pos > rb->pos;
}

void
ipesim_plot_series_sort(IpesimPlotSeries *s)
{
  guint n = s->points->len;
  Ranked *r = g_new(Ranked, n);
  for (guint i = 0; i < n; i++)
    r[i] = (Ranked){ g_array_index(s->points, IpesimPlotPoint, i), i };
  qsort(r, n, sizeof *r, cmp_ranked);
  for (guint i = 0; i < n; i++)
    g_array_index(s->points, IpesimPlotPoint, i) = r[i].p;
  g_free(r);
}

/* ---- writing --------------------------------------------------------------------------- */

void
ipesim_plot_gp_quote(GString *out, const char *text)
{
  g_string_append_c(out, '\'');
  for (const char *p = text; *p; p++) {
    if (*p == '\'')
      g_string_append(out, "''");
    else if ((unsigned char)*p < 0x20 || *p == 0x7f)
      g_string_append_c(out, ' ');
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '\'');
}

void
ipesim_plot_gp_comment(GString *out, const char *text)
{
  g_autofree char *clean = g_strdup(text);
  for (char *p = clean; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  g_auto(GStrv) words = g_strsplit(clean, " ", -1);
  size_t col = 0;
  for (char **w = words; *w; w++) {
    if (!**w)
      continue;
    size_t len = strlen(*w);
    if (col > 0 && col + 1 + len > 78) {
      g_string_append_c(out, '\n');
      col = 0;
    }
    if (col == 0) {
      g_string_append(out, "# ");
      col = 2;
    } else {
      g_string_append_c(out, ' ');
      col++;
    }
    g_string_append(out, *w);
    col += len;
  }
  g_string_append(out, col ? "\n" : "#\n");
}

void
ipesim_plot_dat_number(GString *out, double v)
{
  if (!isfinite(v)) {
    g_string_append(out, "NaN");
    return;
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.12g", v));
}

void
ipesim_plot_dat_string(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      g_string_append_c(out, '\'');
    else if ((unsigned char)*p < 0x20 || *p == 0x7f)
      g_string_append_c(out, ' ');
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

void
ipesim_plot_gp_render(GString *gp, const char *name, int width, int height, const char *plot)
{
  g_autofree char *png = g_strconcat(name, ".png", NULL);
  g_autofree char *svg = g_strconcat(name, ".svg", NULL);
  g_string_append(gp, "\n# PNG for screens, then the same figure as SVG for documents\n");
  g_string_append_printf(gp, "set terminal pngcairo size %d,%d noenhanced\nset output ", width,
                         height);
  ipesim_plot_gp_quote(gp, png);
  g_string_append_printf(gp, "\n%s\n", plot);
  g_string_append_printf(gp, "set terminal svg size %d,%d noenhanced\nset output ", width,
                         height);
  ipesim_plot_gp_quote(gp, svg);
  g_string_append(gp, "\nreplot\nunset output\n");
}

gboolean
ipesim_plot_save(const char *outdir, const char *file, const GString *text, GError **error)
{
  g_autofree char *path = g_build_filename(outdir, file, NULL);
  return g_file_set_contents(path, text->str, (gssize)text->len, error);
}

static gboolean
point_finite(const IpesimPlotPoint *p)
{
  return isfinite(p->x) && isfinite(p->y);
}

/* The gnuplot expression of data column @col scaled by @scale, moved by @shift. */
static void
using_expr(GString *out, int col, const IpesimPlotScale *scale, double shift)
{
  if (!scale->op && shift == 0) {
    g_string_append_printf(out, "%d", col);
    return;
  }
  g_string_append_printf(out, "($%d%s", col, scale->op ? scale->op : "");
  if (shift != 0) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(out, "%s%s", shift > 0 ? "+" : "",
                           g_ascii_formatd(buf, sizeof buf, "%.6g", shift));
  }
  g_string_append_c(out, ')');
}

static const char *const style_with[IPESIM_PLOT_STYLE_N] = {
  [IPESIM_PLOT_STYLE_LINES] = "lines lw 2",
  [IPESIM_PLOT_STYLE_POINTS] = "points pt 7 ps 0.8",
  [IPESIM_PLOT_STYLE_LINESPOINTS] = "linespoints lw 2 pt 7 ps 0.8",
  [IPESIM_PLOT_STYLE_STEPS] = "steps lw 2",
  [IPESIM_PLOT_STYLE_BARS] = "boxes",
  [IPESIM_PLOT_STYLE_ERRORBARS] = "yerrorlines lw 2 pt 7 ps 0.8",
};

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The smallest distance between two distinct x of the drawn series, in
 * axis units; 1 when there are fewer than two. */
static double
min_x_gap(const IpesimPlotFigure *fig, const gboolean *drawn)
{
  GArray *xs = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < fig->series->len; i++) {
    const IpesimPlotSeries *s = fig->series->pdata[i];
    for (guint j = 0; drawn[i] && j < s->points->len; j++) {
      const IpesimPlotPoint *p = &g_array_index(s->points, IpesimPlotPoint, j);
      if (point_finite(p)) {
        double x = p->x * fig->xscale.factor;
        g_array_append_val(xs, x);
      }
    }
  }
  double gap = INFINITY;
  double *v = (double *)(void *)xs->data;
  qsort(v, xs->len, sizeof *v, cmp_double);
  for (guint i = 1; i < xs->len; i++)
    if (v[i] != v[i - 1] && v[i] - v[i - 1] < gap)
      gap = v[i] - v[i - 1];
  g_array_unref(xs);
  return isfinite(gap) ? gap : 1;
}

gboolean
ipesim_plot_figure_write(const IpesimPlotFigure *fig, const char *outdir, GError **error)
{
  g_return_val_if_fail(fig != NULL && fig->name != NULL && fig->series != NULL, FALSE);
  guint n = fig->series->len, n_drawn = 0;
  g_autofree gboolean *drawn = g_new0(gboolean, n + 1);
  GString *skipped = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const IpesimPlotSeries *s = fig->series->pdata[i];
    for (guint j = 0; !drawn[i] && j < s->points->len; j++)
      drawn[i] = point_finite(&g_array_index(s->points, IpesimPlotPoint, j));
    if (drawn[i])
      n_drawn++;
    else
      g_string_append_printf(skipped, "%s%s", skipped->len ? ", " : "",
                             *s->title ? s->title : "(untitled)");
  }
  if (n_drawn == 0) {
    g_string_free(skipped, TRUE);
    g_set_error(error, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_EMPTY, "%s: no point to draw",
                fig->name);
    return FALSE;
  }
  gboolean errorbars = fig->style == IPESIM_PLOT_STYLE_ERRORBARS;
  gboolean bars = fig->style == IPESIM_PLOT_STYLE_BARS;

  /* the data */
  GString *dat = g_string_new(NULL);
  g_autofree char *head = g_strdup_printf(
    "%s.dat: the numbers of %s.gp, written by `ipesim plot` from %s. One block per line of "
    "the figure, in legend order, separated by two blank lines (gnuplot's `index N` selects "
    "block N, from 0). Columns: %s. NaN: no value (not drawn).",
    fig->name, fig->name, fig->source, fig->columns);
  ipesim_plot_gp_comment(dat, head);
  guint block = 0;
  for (guint i = 0; i < n; i++) {
    if (!drawn[i])
      continue;
    const IpesimPlotSeries *s = fig->series->pdata[i];
    if (block++ > 0)
      g_string_append(dat, "\n\n");
    g_autofree char *bh = g_strdup_printf("index %u: %s", block - 1,
                                          *s->title ? s->title : "(untitled)");
    ipesim_plot_gp_comment(dat, bh);
    for (guint j = 0; j < s->points->len; j++) {
      const IpesimPlotPoint *p = &g_array_index(s->points, IpesimPlotPoint, j);
      ipesim_plot_dat_number(dat, p->x);
      g_string_append_c(dat, ' ');
      ipesim_plot_dat_number(dat, p->y);
      if (errorbars) {
        g_string_append_c(dat, ' ');
        ipesim_plot_dat_number(dat, p->lo);
        g_string_append_c(dat, ' ');
        ipesim_plot_dat_number(dat, p->hi);
      }
      if (fig->categories && isfinite(p->x) && p->x >= 0 && p->x < fig->categories->len) {
        g_string_append_c(dat, ' ');
        ipesim_plot_dat_string(dat, fig->categories->pdata[(guint)p->x]);
      }
      g_string_append_c(dat, '\n');
    }
  }

  /* the script */
  GString *gp = g_string_new(NULL);
  g_autofree char *intro = g_strdup_printf("%s.gp: %s.", fig->name, fig->what);
  ipesim_plot_gp_comment(gp, intro);
  g_autofree char *from = g_strdup_printf(
    "Written by `ipesim plot` from %s. It reads only %s.dat in this folder (one block per "
    "line, selected with `index N`; columns: %s).",
    fig->source, fig->name, fig->columns);
  ipesim_plot_gp_comment(gp, from);
  for (guint i = 0; fig->notes && i < fig->notes->len; i++)
    ipesim_plot_gp_comment(gp, fig->notes->pdata[i]);
  if (skipped->len) {
    g_autofree char *note = g_strdup_printf("Not drawn, no finite value: %s.", skipped->str);
    ipesim_plot_gp_comment(gp, note);
  }
  g_autofree char *how = g_strdup_printf(
    "Run `gnuplot %s.gp` in this folder to write %s.png and %s.svg. Edit freely: titles, "
    "labels, ranges, styles and sizes are plain gnuplot below.",
    fig->name, fig->name, fig->name);
  ipesim_plot_gp_comment(gp, how);
  g_string_append(gp, "\nset title ");
  ipesim_plot_gp_quote(gp, fig->title ? fig->title : fig->name);
  g_string_append(gp, "\nset xlabel ");
  ipesim_plot_gp_quote(gp, fig->xlabel ? fig->xlabel : "");
  g_string_append(gp, "\nset ylabel ");
  ipesim_plot_gp_quote(gp, fig->ylabel ? fig->ylabel : "");
  g_string_append(gp, "\nset grid\n");
  gboolean titled = n_drawn > 1;
  for (guint i = 0; i < n; i++)
    if (drawn[i] && *((IpesimPlotSeries *)fig->series->pdata[i])->title)
      titled = TRUE;
  if (titled) {
    g_string_append_printf(gp, "set key %s", fig->key ? fig->key : "outside right top");
    if (fig->key_title) {
      g_string_append(gp, " title ");
      ipesim_plot_gp_quote(gp, fig->key_title);
    }
    g_string_append_c(gp, '\n');
  } else {
    g_string_append(gp, "set key off\n");
  }
  if (fig->logx)
    g_string_append(gp, "set logscale x\n");
  if (fig->logy)
    g_string_append(gp, "set logscale y\n");
  if (fig->categories) {
    g_string_append(gp, "set xtics (");
    for (guint i = 0; i < fig->categories->len; i++) {
      if (i)
        g_string_append(gp, ", ");
      ipesim_plot_gp_quote(gp, fig->categories->pdata[i]);
      g_string_append_printf(gp, " %u", i);
    }
    g_string_append_printf(gp, ")\nset xrange [-0.5:%u.5]\n", fig->categories->len - 1);
  }
  double width = 0;
  if (bars) {
    width = 0.8 * (fig->categories ? 1 : min_x_gap(fig, drawn)) / n_drawn;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(gp, "set style fill solid 0.6 border -1\nset boxwidth %s absolute\n",
                           g_ascii_formatd(buf, sizeof buf, "%.6g", width));
    if (!fig->logy)
      g_string_append(gp, "set yrange [0:*]\n");
  }
  /* points at the ends of a numeric x axis would sit on its border */
  if (!fig->categories && !bars && fig->style != IPESIM_PLOT_STYLE_LINES &&
      fig->style != IPESIM_PLOT_STYLE_STEPS)
    g_string_append(gp, "set offsets graph 0.03, graph 0.03, 0, 0\n");
  if (fig->settings)
    g_string_append(gp, fig->settings);

  GString *plot = g_string_new("plot ");
  guint k = 0;
  for (guint i = 0; i < n; i++) {
    if (!drawn[i])
      continue;
    const IpesimPlotSeries *s = fig->series->pdata[i];
    if (k > 0)
      g_string_append(plot, ", \\\n     ");
    if (k == 0) {
      g_autofree char *datname = g_strconcat(fig->name, ".dat", NULL);
      ipesim_plot_gp_quote(plot, datname);
    } else {
      g_string_append(plot, "''");
    }
    g_string_append_printf(plot, " index %u using ", k);
    /* bars of several series side by side around each x */
    double shift = bars ? (k - (n_drawn - 1) / 2.0) * width : 0;
    using_expr(plot, 1, &fig->xscale, shift);
    g_string_append_c(plot, ':');
    using_expr(plot, 2, &fig->yscale, 0);
    if (errorbars) {
      g_string_append_c(plot, ':');
      using_expr(plot, 3, &fig->yscale, 0);
      g_string_append_c(plot, ':');
      using_expr(plot, 4, &fig->yscale, 0);
    }
    g_string_append_printf(plot, " with %s", style_with[fig->style]);
    /* gnuplot cycles through 8 colours: dash the lines after them */
    if (k >= 8 && !bars && fig->style != IPESIM_PLOT_STYLE_POINTS)
      g_string_append_printf(plot, " dt %u", k / 8 + 1);
    g_string_append(plot, " title ");
    ipesim_plot_gp_quote(plot, s->title);
    k++;
  }
  ipesim_plot_gp_render(gp, fig->name, 900, 600, plot->str);
  g_string_free(plot, TRUE);

  g_autofree char *datfile = g_strconcat(fig->name, ".dat", NULL);
  g_autofree char *gpfile = g_strconcat(fig->name, ".gp", NULL);
  gboolean ok = ipesim_plot_save(outdir, datfile, dat, error) &&
                ipesim_plot_save(outdir, gpfile, gp, error);
  g_string_free(dat, TRUE);
  g_string_free(gp, TRUE);
  g_string_free(skipped, TRUE);
  return ok;
}
