/* simexpect.c - expectations on result tables (simexpect.h).
 *
 * Parsing splits `METRIC OP VALUE` at the first of `<>=!`: metric names
 * never contain those, row names may contain dots and blanks. The bound is
 * converted to the column's unit once, at parse time, from the name of the
 * metric's last part, so evaluation compares plain doubles.
 *
 * Evaluation knows no file: it finds `TABLE.csv` or `TABLEs.csv` in the
 * folder, loads it with the simcsv reader and tells the two kinds of
 * table apart by their header alone: a table whose last column is
 * `count` holds counts to be summed by a selector column (drops.csv),
 * every other table is keyed by its first column. The tricky part is the
 * report for several rows: the row shown is the first that fails, or when
 * all pass the one nearest to failing, so a PASS line still says how much
 * margin was left.
 */
#define G_LOG_DOMAIN "ipesim-expect"
#include "config.h"

#include "simexpect.h"

#include "simcsv.h"
#include "simtime.h"
#include "simunits.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(sim-expect-error-quark, sim_expect_error)

#define EXPECTED_FORM "expected METRIC OP VALUE (OP one of <, <=, >, >=, =, !=)"

struct _SimExpect {
  char *name;
  char *metric;     /* as written, blanks around it removed */
  SimExpectOp op;
  double value;     /* in the column's unit */
  char *value_text; /* as written */
};

static const char *const op_symbols[SIM_EXPECT_OP_N] = { "<", "<=", ">", ">=", "=", "!=" };

const char *
sim_expect_op_symbol(SimExpectOp op)
{
  g_return_val_if_fail(op < SIM_EXPECT_OP_N, "?");
  return op_symbols[op];
}

/* ---- parsing --------------------------------------------------------------------------------- */

static gboolean
has_suffix(const char *s, const char *suffix)
{
  return g_str_has_suffix(s, suffix);
}

/* @text (trimmed) as a number in the unit of @column (the metric's last
 * part). */
static gboolean
parse_value(const char *text, const char *column, double *out, GError **error)
{
  GError *e = NULL;
  size_t len = strlen(text);
  if (sim_units_parse_double(text, out, NULL))
    return TRUE;
  if (len > 1 && text[len - 1] == '%') {
    g_autofree char *num = g_strndup(text, len - 1);
    double v;
    if (!sim_units_parse_double(num, &v, &e))
      goto bad;
    *out = v / 100;
    return TRUE;
  }
  if (has_suffix(column, "_us") || has_suffix(column, "_s") || has_suffix(column, "_seconds")) {
    SimTime t;
    if (!sim_time_parse(text, &t, &e))
      goto bad;
    *out = has_suffix(column, "_us") ? (double)t / (double)SIM_US(1) : sim_time_to_seconds(t);
    return TRUE;
  }
  if (has_suffix(column, "_bps")) {
    uint64_t bps;
    if (!sim_units_parse_rate(text, &bps, &e))
      goto bad;
    *out = (double)bps;
    return TRUE;
  }
  if (has_suffix(column, "_kb") || has_suffix(column, "bytes")) {
    uint64_t bytes;
    if (!sim_units_parse_size(text, &bytes, &e))
      goto bad;
    *out = has_suffix(column, "_kb") ? (double)bytes / 1024 : (double)bytes;
    return TRUE;
  }
  g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX,
              "VALUE '%s' is not a number (a unit fits only a metric ending in _us, _s, "
              "_seconds (time), _bps (rate), _kb or bytes (size); %% fits any)",
              text);
  return FALSE;
bad:
  g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX, "VALUE: %s", e->message);
  g_error_free(e);
  return FALSE;
}

/* TABLE is a word; at least TABLE.COLUMN; no empty part. */
static gboolean
metric_ok(const char *m)
{
  const char *dot = strchr(m, '.');
  if (!dot || dot == m || dot[1] == '\0' || m[strlen(m) - 1] == '.')
    return FALSE;
  for (const char *p = m; p < dot; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
      return FALSE;
  return strstr(m, "..") == NULL;
}

SimExpect *
sim_expect_parse(const char *name, const char *text, GError **error)
{
  g_return_val_if_fail(name != NULL && text != NULL, NULL);
  const char *opp = strpbrk(text, "<>=!");
  SimExpectOp op = SIM_EXPECT_OP_N;
  size_t oplen = 0;
  if (opp) {
    gboolean eq = opp[1] == '=';
    switch (opp[0]) {
    case '<': op = eq ? SIM_EXPECT_LE : SIM_EXPECT_LT; oplen = eq ? 2 : 1; break;
    case '>': op = eq ? SIM_EXPECT_GE : SIM_EXPECT_GT; oplen = eq ? 2 : 1; break;
    case '=': op = SIM_EXPECT_EQ; oplen = 1; break;
    default: op = eq ? SIM_EXPECT_NE : SIM_EXPECT_OP_N; oplen = 2; break;
    }
  }
  g_autofree char *metric = opp ? g_strstrip(g_strndup(text, (gsize)(opp - text))) : NULL;
  g_autofree char *value = opp && op != SIM_EXPECT_OP_N ? g_strstrip(g_strdup(opp + oplen)) : NULL;
  if (op == SIM_EXPECT_OP_N || !metric_ok(metric) || !*value || strpbrk(value, "<>=!")) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX, "'%s': " EXPECTED_FORM, text);
    return NULL;
  }
  double v;
  GError *e = NULL;
  if (!parse_value(value, strrchr(metric, '.') + 1, &v, &e)) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX, "'%s': %s", text, e->message);
    g_error_free(e);
    return NULL;
  }
  SimExpect *x = g_new0(SimExpect, 1);
  x->name = g_strdup(name);
  x->metric = g_steal_pointer(&metric);
  x->op = op;
  x->value = v;
  x->value_text = g_steal_pointer(&value);
  return x;
}

void
sim_expect_free(SimExpect *e)
{
  if (!e)
    return;
  g_free(e->name);
  g_free(e->metric);
  g_free(e->value_text);
  g_free(e);
}

const char *
sim_expect_name(const SimExpect *e)
{
  g_return_val_if_fail(e != NULL, NULL);
  return e->name;
}

const char *
sim_expect_metric(const SimExpect *e)
{
  g_return_val_if_fail(e != NULL, NULL);
  return e->metric;
}

SimExpectOp
sim_expect_op(const SimExpect *e)
{
  g_return_val_if_fail(e != NULL, SIM_EXPECT_OP_N);
  return e->op;
}

double
sim_expect_value(const SimExpect *e)
{
  g_return_val_if_fail(e != NULL, NAN);
  return e->value;
}

const char *
sim_expect_value_text(const SimExpect *e)
{
  g_return_val_if_fail(e != NULL, NULL);
  return e->value_text;
}

/* The items of the `[KIND]` sections of @sc (which take no name), one per
 * key in order, each parsed by @parse; the keys are marked read. */
typedef gpointer (*ItemParse)(const char *name, const char *text, GError **error);

static GPtrArray *
section_items(SimScenario *sc, const char *kind, const char *what, ItemParse parse,
              GDestroyNotify free_item, GError **error)
{
  GPtrArray *list = g_ptr_array_new_with_free_func(free_item);
  for (guint i = 0; i < sim_scenario_n_sections(sc); i++) {
    SimScenarioSection *sec = sim_scenario_nth_section(sc, i);
    if (strcmp(sim_scenario_section_kind(sec), kind) != 0)
      continue;
    if (sim_scenario_section_name(sec)) {
      SimScenarioOrigin o;
      sim_scenario_section_origin(sec, &o);
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX,
                  "%s: [%s]: expected [%s] without a name (the keys name the %s)", o.where,
                  sim_scenario_section_header(sec), kind, what);
      g_ptr_array_unref(list);
      return NULL;
    }
    g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
    for (const char **k = keys; *k; k++) {
      SimScenarioOrigin o;
      const char *text = sim_scenario_section_get(sec, *k, &o);
      GError *e = NULL;
      gpointer item = parse(*k, text, &e);
      if (!item) {
        g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX, "%s: [%s] %s: %s", o.where,
                    kind, *k, e->message);
        g_error_free(e);
        g_ptr_array_unref(list);
        return NULL;
      }
      g_ptr_array_add(list, item);
    }
  }
  return list;
}

static gpointer
parse_expect_item(const char *name, const char *text, GError **error)
{
  return sim_expect_parse(name, text, error);
}

GPtrArray *
sim_expect_list_from_scenario(SimScenario *sc, GError **error)
{
  g_return_val_if_fail(sc != NULL, NULL);
  return section_items(sc, "expect", "expectations", parse_expect_item,
                       (GDestroyNotify)sim_expect_free, error);
}

/* ---- evaluation ------------------------------------------------------------------------------ */

/* One value compared: a row (or a count group) and its number. */
typedef struct {
  const char *row;
  double v;
} Sample;

static gboolean
holds(SimExpectOp op, double v, double bound)
{
  if (isnan(v))
    return FALSE;
  switch (op) {
  case SIM_EXPECT_LT: return v < bound;
  case SIM_EXPECT_LE: return v <= bound;
  case SIM_EXPECT_GT: return v > bound;
  case SIM_EXPECT_GE: return v >= bound;
  case SIM_EXPECT_EQ: return v == bound;
  case SIM_EXPECT_NE: return v != bound;
  default: g_assert_not_reached();
  }
  return FALSE;
}

/* A field as a number: "nan", "-nan" and "" are no value (NAN). */
static gboolean
field_number(const SimCsvTable *t, size_t row, size_t col, double *out, GError **error)
{
  const char *s = sim_csv_table_get(t, row, col);
  if (!*s || g_ascii_strcasecmp(s, "nan") == 0 || g_ascii_strcasecmp(s, "-nan") == 0) {
    *out = NAN;
    return TRUE;
  }
  char *end = NULL;
  double v = g_ascii_strtod(s, &end);
  if (end == s || *end) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_VALUE,
                "%s:%zu: column '%s' holds '%s', not a number", sim_csv_table_name(t),
                sim_csv_table_line(t, row), sim_csv_table_column_name(t, col), s);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

/* "a, b, c" of the columns of @t but @skip (-1: none). */
static char *
columns_list(const SimCsvTable *t, int skip)
{
  GString *s = g_string_new(NULL);
  for (size_t c = 0; c < sim_csv_table_n_columns(t); c++)
    if ((int)c != skip)
      g_string_append_printf(s, "%s%s", s->len ? ", " : "", sim_csv_table_column_name(t, c));
  return g_string_free(s, FALSE);
}

static int
need_column(const SimCsvTable *t, const char *name, GError **error)
{
  int c = sim_csv_table_column(t, name);
  if (c < 0) {
    g_autofree char *cols = columns_list(t, -1);
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_COLUMN,
                "%s has no column '%s' (columns: %s)", sim_csv_table_name(t), name, cols);
  }
  return c;
}

/* Tables of counts: `count` sums by a selector column. */
static gboolean
count_samples(const SimCsvTable *t, const char *rest, GArray *samples, GError **error)
{
  size_t ncol = sim_csv_table_n_columns(t), count_col = ncol - 1;
  const char *dot = strchr(rest, '.');
  if (!dot) {
    if (strcmp(rest, "count") != 0) {
      g_autofree char *cols = columns_list(t, (int)count_col);
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_COLUMN,
                  "%s is a table of counts: expected TABLE.count or TABLE.COLUMN.VALUE "
                  "with COLUMN one of %s",
                  sim_csv_table_name(t), cols);
      return FALSE;
    }
    Sample s = { NULL, 0 };
    for (size_t r = 0; r < sim_csv_table_n_rows(t); r++) {
      double v;
      if (!field_number(t, r, count_col, &v, error))
        return FALSE;
      s.v += v;
    }
    g_array_append_val(samples, s);
    return TRUE;
  }
  g_autofree char *sel = g_strndup(rest, (gsize)(dot - rest));
  const char *want = dot + 1;
  int c = sim_csv_table_column(t, sel);
  if (c < 0 || (size_t)c == count_col) {
    g_autofree char *cols = columns_list(t, (int)count_col);
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_COLUMN,
                "%s is a table of counts: '%s' is not one of its columns %s",
                sim_csv_table_name(t), sel, cols);
    return FALSE;
  }
  gboolean all = strcmp(want, "*") == 0;
  if (!all) {
    Sample s = { want, 0 };
    g_array_append_val(samples, s);
  }
  for (size_t r = 0; r < sim_csv_table_n_rows(t); r++) {
    const char *key = sim_csv_table_get(t, r, (size_t)c);
    if (!all && strcmp(key, want) != 0)
      continue;
    double v;
    if (!field_number(t, r, count_col, &v, error))
      return FALSE;
    guint i = 0;
    while (i < samples->len && strcmp(g_array_index(samples, Sample, i).row, key) != 0)
      i++;
    if (i == samples->len) {
      Sample s = { key, 0 };
      g_array_append_val(samples, s);
    }
    g_array_index(samples, Sample, i).v += v;
  }
  return TRUE;
}

/* Tables keyed by their first column. */
static gboolean
row_samples(const SimCsvTable *t, const char *rest, GArray *samples, GError **error)
{
  const char *dot = strrchr(rest, '.');
  const char *colname = dot ? dot + 1 : rest;
  int c = need_column(t, colname, error);
  if (c < 0)
    return FALSE;
  size_t nrows = sim_csv_table_n_rows(t);
  if (!dot) {
    if (nrows != 1) {
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_ROW,
                  "%s has %zu rows: expected one for TABLE.COLUMN (name a row as "
                  "TABLE.ROW.COLUMN, or every row as TABLE.*.COLUMN)",
                  sim_csv_table_name(t), nrows);
      return FALSE;
    }
    Sample s = { NULL, 0 };
    if (!field_number(t, 0, (size_t)c, &s.v, error))
      return FALSE;
    g_array_append_val(samples, s);
    return TRUE;
  }
  g_autofree char *want = g_strndup(rest, (gsize)(dot - rest));
  gboolean all = strcmp(want, "*") == 0;
  for (size_t r = 0; r < nrows; r++) {
    Sample s = { sim_csv_table_get(t, r, 0), 0 };
    if (!all && strcmp(s.row, want) != 0)
      continue;
    if (!field_number(t, r, (size_t)c, &s.v, error))
      return FALSE;
    g_array_append_val(samples, s);
  }
  if (samples->len == 0) {
    if (all)
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_ROW, "%s has no rows",
                  sim_csv_table_name(t));
    else
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_ROW,
                  "%s has no row '%s' (in its first column, '%s')", sim_csv_table_name(t), want,
                  sim_csv_table_column_name(t, 0));
    return FALSE;
  }
  return TRUE;
}

/* @a is nearer to failing @op than @b. */
static gboolean
nearer(SimExpectOp op, double bound, double a, double b)
{
  switch (op) {
  case SIM_EXPECT_LT:
  case SIM_EXPECT_LE: return a > b;
  case SIM_EXPECT_GT:
  case SIM_EXPECT_GE: return a < b;
  case SIM_EXPECT_NE: return fabs(a - bound) < fabs(b - bound);
  default: return FALSE;
  }
}

/* The samples @metric names in @dir; their rows point into *@table. */
static gboolean
read_samples(const char *metric, const char *dir, SimCsvTable **table, GArray *samples,
             GError **error)
{
  const char *dot = strchr(metric, '.');
  if (!dot || !metric_ok(metric)) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX,
                "'%s' is not a metric (expected TABLE.COLUMN or TABLE.ROW.COLUMN)", metric);
    return FALSE;
  }
  g_autofree char *tname = g_strndup(metric, (gsize)(dot - metric));
  g_autofree char *base1 = g_strconcat(tname, ".csv", NULL);
  g_autofree char *base2 = g_strconcat(tname, "s.csv", NULL);
  g_autofree char *path1 = g_build_filename(dir, base1, NULL);
  g_autofree char *path2 = g_build_filename(dir, base2, NULL);
  const char *path = g_file_test(path1, G_FILE_TEST_EXISTS)   ? path1
                     : g_file_test(path2, G_FILE_TEST_EXISTS) ? path2
                                                              : NULL;
  if (!path) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_FILE, "no result file %s or %s", path1,
                base2);
    return FALSE;
  }
  SimCsvTable *t = sim_csv_table_load(path, error);
  if (!t)
    return FALSE;
  *table = t;
  size_t ncol = sim_csv_table_n_columns(t);
  gboolean counts = ncol >= 2 && strcmp(sim_csv_table_column_name(t, ncol - 1), "count") == 0;
  gboolean ok = counts ? count_samples(t, dot + 1, samples, error)
                       : row_samples(t, dot + 1, samples, error);
  if (ok && samples->len == 0) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_ROW, "%s has no rows",
                sim_csv_table_name(t));
    ok = FALSE;
  }
  return ok;
}

gboolean
sim_metric_read(const char *metric, const char *dir, GArray *values, GPtrArray *rows,
                GError **error)
{
  g_return_val_if_fail(metric != NULL && dir != NULL && values != NULL, FALSE);
  g_autoptr(SimCsvTable) t = NULL;
  g_autoptr(GArray) samples = g_array_new(FALSE, FALSE, sizeof(Sample));
  if (!read_samples(metric, dir, &t, samples, error))
    return FALSE;
  for (guint i = 0; i < samples->len; i++) {
    const Sample *s = &g_array_index(samples, Sample, i);
    g_array_append_val(values, s->v);
    if (rows)
      g_ptr_array_add(rows, g_strdup(s->row));
  }
  return TRUE;
}

gboolean
sim_expect_evaluate(const SimExpect *e, const char *dir, SimExpectResult *result)
{
  g_return_val_if_fail(e != NULL && dir != NULL && result != NULL, FALSE);
  SimExpectResult init = SIM_EXPECT_RESULT_INIT;
  *result = init;
  result->measured = NAN;
  g_autoptr(SimCsvTable) t = NULL;
  g_autoptr(GArray) samples = g_array_new(FALSE, FALSE, sizeof(Sample));
  if (!read_samples(e->metric, dir, &t, samples, &result->error))
    return FALSE;
  const Sample *shown = NULL;
  for (guint i = 0; i < samples->len; i++) {
    const Sample *s = &g_array_index(samples, Sample, i);
    if (!holds(e->op, s->v, e->value)) {
      if (result->n_fail++ == 0)
        shown = s;
    } else if (result->n_fail == 0 && (!shown || nearer(e->op, e->value, s->v, shown->v))) {
      shown = s;
    }
  }
  result->n_rows = samples->len;
  result->pass = result->n_fail == 0;
  result->measured = shown->v;
  /* the row is news only when the metric did not name it alone */
  if (samples->len > 1 || strstr(e->metric, ".*"))
    result->row = g_strdup(shown->row);
  return result->pass;
}

void
sim_expect_result_clear(SimExpectResult *result)
{
  g_return_if_fail(result != NULL);
  g_free(result->row);
  g_clear_error(&result->error);
  SimExpectResult init = SIM_EXPECT_RESULT_INIT;
  *result = init;
}

char *
sim_expect_format(const SimExpect *e, const SimExpectResult *result)
{
  g_return_val_if_fail(e != NULL && result != NULL, NULL);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%s %s: %s %s %s", result->pass ? "PASS" : "FAIL", e->name,
                         e->metric, op_symbols[e->op], e->value_text);
  if (result->error) {
    g_string_append_printf(s, ": %s", result->error->message);
    return g_string_free(s, FALSE);
  }
  char num[SIM_UNITS_FORMAT_SIZE];
  if (isnan(result->measured))
    g_strlcpy(num, "nan (no value)", sizeof num);
  else
    g_ascii_formatd(num, sizeof num, "%.9g", result->measured);
  g_string_append_printf(s, " (measured %s", num);
  if (result->row)
    g_string_append_printf(s, " at %s", result->row);
  if (result->n_fail > 0 && result->n_rows > 1)
    g_string_append_printf(s, "; %u of %u fail", result->n_fail, result->n_rows);
  else if (result->n_rows > 1)
    g_string_append_printf(s, ", the nearest to the bound among %u rows", result->n_rows);
  g_string_append_c(s, ')');
  return g_string_free(s, FALSE);
}

/* ---- headline metrics ------------------------------------------------------------------------ */

struct _SimMetric {
  char *name;
  char *text;   /* as written */
  char *metric; /* the metric inside the function */
  SimMetricFn fn;
};

static const char *const fn_names[SIM_METRIC_FN_N] = { "", "sum", "mean", "min", "max", "count" };

SimMetric *
sim_metric_parse(const char *name, const char *text, GError **error)
{
  g_return_val_if_fail(name != NULL && text != NULL, NULL);
  g_autofree char *t = g_strstrip(g_strdup(text));
  SimMetricFn fn = SIM_METRIC_ONE;
  g_autofree char *inner = NULL;
  const char *open = strchr(t, '(');
  if (open) {
    size_t len = strlen(t);
    g_autofree char *fname = g_strstrip(g_strndup(t, (gsize)(open - t)));
    for (int f = 1; f < SIM_METRIC_FN_N; f++)
      if (strcmp(fname, fn_names[f]) == 0)
        fn = (SimMetricFn)f;
    if (fn == SIM_METRIC_ONE || t[len - 1] != ')') {
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX,
                  "'%s': expected METRIC or FUNCTION(METRIC) with FUNCTION one of sum, mean, "
                  "min, max, count",
                  t);
      return NULL;
    }
    inner = g_strstrip(g_strndup(open + 1, len - 2 - (size_t)(open - t)));
  } else {
    inner = g_strdup(t);
  }
  if (!metric_ok(inner)) {
    g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_SYNTAX,
                "'%s' is not a metric (expected TABLE.COLUMN or TABLE.ROW.COLUMN, e.g. "
                "flow.video.delay_p99_us or mean(flow.*.loss_ratio))",
                inner);
    return NULL;
  }
  SimMetric *m = g_new0(SimMetric, 1);
  m->name = g_strdup(name);
  m->text = g_steal_pointer(&t);
  m->metric = g_steal_pointer(&inner);
  m->fn = fn;
  return m;
}

void
sim_metric_free(SimMetric *m)
{
  if (!m)
    return;
  g_free(m->name);
  g_free(m->text);
  g_free(m->metric);
  g_free(m);
}

const char *
sim_metric_name(const SimMetric *m)
{
  g_return_val_if_fail(m != NULL, NULL);
  return m->name;
}

const char *
sim_metric_text(const SimMetric *m)
{
  g_return_val_if_fail(m != NULL, NULL);
  return m->text;
}

SimMetricFn
sim_metric_fn(const SimMetric *m)
{
  g_return_val_if_fail(m != NULL, SIM_METRIC_ONE);
  return m->fn;
}

gboolean
sim_metric_evaluate(const SimMetric *m, const char *dir, double *out, GError **error)
{
  g_return_val_if_fail(m != NULL && dir != NULL && out != NULL, FALSE);
  g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(double));
  if (!sim_metric_read(m->metric, dir, v, NULL, error))
    return FALSE;
  if (m->fn == SIM_METRIC_ONE) {
    if (v->len != 1) {
      g_set_error(error, SIM_EXPECT_ERROR, SIM_EXPECT_ERROR_ROW,
                  "%s names %u values: name one row, or reduce them with sum(), mean(), min(), "
                  "max() or count()",
                  m->metric, v->len);
      return FALSE;
    }
    *out = g_array_index(v, double, 0);
    return TRUE;
  }
  /* values without a number (nan) are left out; none left gives nan (count: 0) */
  double acc = m->fn == SIM_METRIC_MIN ? INFINITY : m->fn == SIM_METRIC_MAX ? -INFINITY : 0;
  unsigned n = 0;
  for (guint i = 0; i < v->len; i++) {
    double x = g_array_index(v, double, i);
    if (isnan(x))
      continue;
    n++;
    if (m->fn == SIM_METRIC_MIN)
      acc = fmin(acc, x);
    else if (m->fn == SIM_METRIC_MAX)
      acc = fmax(acc, x);
    else
      acc += x;
  }
  if (m->fn == SIM_METRIC_COUNT)
    *out = n;
  else if (n == 0)
    *out = NAN;
  else
    *out = m->fn == SIM_METRIC_MEAN ? acc / n : acc;
  return TRUE;
}

static gpointer
parse_metric_item(const char *name, const char *text, GError **error)
{
  return sim_metric_parse(name, text, error);
}

GPtrArray *
sim_metric_list_from_scenario(SimScenario *sc, GError **error)
{
  g_return_val_if_fail(sc != NULL, NULL);
  return section_items(sc, "metrics", "metrics", parse_metric_item,
                       (GDestroyNotify)sim_metric_free, error);
}

GPtrArray *
sim_metric_list_default(void)
{
  static const char *const defaults[][2] = {
    { "packets_sent", "summary.packets_sent" },
    { "packets_delivered", "summary.packets_delivered" },
    { "packets_dropped", "summary.packets_dropped" },
    { "loss_ratio", "mean(flow.*.loss_ratio)" },
    { "delay_mean_us", "mean(flow.*.delay_mean_us)" },
    { "delay_p99_us", "mean(flow.*.delay_p99_us)" },
    { "throughput_bps", "sum(flow.*.throughput_bps)" },
  };
  GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)sim_metric_free);
  for (size_t i = 0; i < G_N_ELEMENTS(defaults); i++)
    g_ptr_array_add(list, sim_metric_parse(defaults[i][0], defaults[i][1], NULL));
  return list;
}
