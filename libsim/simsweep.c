/* simsweep.c - parameter sweeps and replications (simsweep.h).
 *
 * The expansion keeps every value as text: the scenario parsers read the
 * value where it is used, with its unit, so a sweep needs no knowledge of
 * what a parameter means. Ranges are the only arithmetic; they are done
 * in 64-bit integers when A, B and S are integers (no drift over long
 * ranges) and in doubles otherwise, with a small tolerance so that
 * 0.1..0.5 step 0.1 ends at 0.5.
 */
#define G_LOG_DOMAIN "ipesim-sweep"
#include "config.h"

#include "simsweep.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(sim-sweep-error-quark, sim_sweep_error)

#define RANGE_FORM "expected a list of values or ranges A..B [step S | times F] separated by commas"
#define MAX_VALUES 100000u

typedef struct {
  char *name;
  GPtrArray *values; /* char * */
} Param;

struct _SimSweep {
  GArray *params; /* Param */
  gboolean zip;
  gboolean common;
  gboolean has_section;
  gboolean set_replications; /* [sweep] replications is set */
  gboolean set_runs;         /* [simulation] runs is set */
  guint replications;
  guint n_points;
  uint32_t base_run;
};

/* ---- expansion ------------------------------------------------------------------------------- */

/* "12.5Mbps" -> 12.5, "Mbps"; FALSE when it does not start with a number. */
static gboolean
split_number(const char *text, double *v, char **suffix, gboolean *integer, gint64 *iv)
{
  char *end = NULL;
  errno = 0;
  *v = g_ascii_strtod(text, &end);
  if (end == text || errno != 0 || !isfinite(*v))
    return FALSE;
  /* an integer when the number part has no '.', 'e' or 'E' */
  *integer = TRUE;
  for (const char *p = text; p < end; p++)
    if (*p == '.' || *p == 'e' || *p == 'E')
      *integer = FALSE;
  if (*integer) {
    char *iend = NULL;
    errno = 0;
    *iv = g_ascii_strtoll(text, &iend, 10);
    if (iend != end || errno != 0)
      *integer = FALSE;
  }
  *suffix = g_strstrip(g_strdup(end));
  return TRUE;
}

static char *
format_double(double v, const char *suffix)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%.12g", v);
  return g_strconcat(buf, suffix, NULL);
}

static gboolean
range_error(const char *item, const char *why, GError **error)
{
  g_set_error(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_VALUE, "'%s': %s (%s)", item, why,
              RANGE_FORM);
  return FALSE;
}

static gboolean
expand_range(const char *item, const char *dots, GPtrArray *values, GError **error)
{
  g_autofree char *a_text = g_strstrip(g_strndup(item, (gsize)(dots - item)));
  g_autofree char *rest = g_strdup(dots + 2);
  char *b_text = rest, *s_text = NULL;
  gboolean geometric = FALSE;
  char *kw = strstr(rest, " step ");
  if (!kw) {
    kw = strstr(rest, " times ");
    geometric = kw != NULL;
  }
  if (kw) {
    *kw = '\0';
    s_text = kw + (geometric ? 7 : 6);
    g_strstrip(s_text);
  }
  g_strstrip(b_text);
  double a, b, s = 1;
  gint64 ia = 0, ib = 0, is = 1;
  gboolean inta, intb, ints = TRUE;
  g_autofree char *sa = NULL, *sb = NULL, *ss = NULL;
  if (!split_number(a_text, &a, &sa, &inta, &ia))
    return range_error(item, "the start is not a number", error);
  if (!split_number(b_text, &b, &sb, &intb, &ib))
    return range_error(item, "the end is not a number", error);
  if (s_text && !split_number(s_text, &s, &ss, &ints, &is))
    return range_error(item, geometric ? "the factor is not a number" : "the step is not a number",
                       error);
  if (strcmp(sa, sb) != 0 || (ss && *ss && (geometric || strcmp(ss, sa) != 0)))
    return range_error(item,
                       geometric ? "start and end need the same unit, the factor none"
                                 : "start, end and step need the same unit (the step may omit it)",
                       error);
  if (geometric) {
    if (!(s > 1) || !(a > 0) || b < a)
      return range_error(item, "a geometric range needs 0 < A <= B and a factor F > 1", error);
    for (double v = a; v <= b * (1 + 1e-12); v *= s) {
      if (values->len >= MAX_VALUES)
        return range_error(item, "more than 100000 values", error);
      g_ptr_array_add(values, format_double(v, sa));
    }
    return TRUE;
  }
  if (s == 0 || (b > a && s < 0) || (b < a && s > 0))
    return range_error(item, "the step must be non-zero and go from the start towards the end",
                       error);
  if (fabs((b - a) / s) >= MAX_VALUES)
    return range_error(item, "more than 100000 values", error);
  if (inta && intb && ints) {
    for (gint64 v = ia; is > 0 ? v <= ib : v >= ib; v += is)
      g_ptr_array_add(values, g_strdup_printf("%" G_GINT64_FORMAT "%s", v, sa));
    return TRUE;
  }
  gint64 n = (gint64)floor((b - a) / s + 1e-9) + 1;
  for (gint64 i = 0; i < n; i++)
    g_ptr_array_add(values, format_double(a + (double)i * s, sa));
  return TRUE;
}

gboolean
sim_sweep_expand(const char *text, GPtrArray *values, GError **error)
{
  g_return_val_if_fail(text != NULL && values != NULL, FALSE);
  g_auto(GStrv) items = g_strsplit(text, ",", -1);
  guint before = values->len;
  for (char **it = items; *it; it++) {
    char *item = g_strstrip(*it);
    if (!*item) {
      g_set_error(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_VALUE, "'%s': an empty value (%s)", text,
                  RANGE_FORM);
      return FALSE;
    }
    const char *dots = strstr(item, "..");
    if (dots) {
      if (!expand_range(item, dots, values, error))
        return FALSE;
    } else {
      g_ptr_array_add(values, g_strdup(item));
    }
    if (values->len - before > MAX_VALUES)
      return range_error(text, "more than 100000 values", error);
  }
  return TRUE;
}

/* ---- the sweep ------------------------------------------------------------------------------- */

static void
param_clear(Param *p)
{
  g_free(p->name);
  g_ptr_array_unref(p->values);
}

void
sim_sweep_free(SimSweep *sw)
{
  if (!sw)
    return;
  g_array_unref(sw->params);
  g_free(sw);
}

static gboolean
key_error(GError **error, SimSweepError code, const SimScenarioOrigin *o, const char *key,
          const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static gboolean
key_error(GError **error, SimSweepError code, const SimScenarioOrigin *o, const char *key,
          const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, SIM_SWEEP_ERROR, code, "%s: [sweep] %s: %s", o->where, key, msg);
  return FALSE;
}

static gboolean
read_reserved(SimSweep *sw, SimScenarioSection *sec, const char *key, GError **error)
{
  SimScenarioOrigin o;
  const char *v = sim_scenario_section_get(sec, key, &o);
  if (strcmp(key, "combine") == 0) {
    if (strcmp(v, "product") != 0 && strcmp(v, "zip") != 0)
      return key_error(error, SIM_SWEEP_ERROR_KEY, &o, key, "'%s': expected product or zip", v);
    sw->zip = strcmp(v, "zip") == 0;
  } else if (strcmp(key, "streams") == 0) {
    if (strcmp(v, "independent") != 0 && strcmp(v, "common") != 0)
      return key_error(error, SIM_SWEEP_ERROR_KEY, &o, key,
                       "'%s': expected independent or common", v);
    sw->common = strcmp(v, "common") == 0;
  } else {
    guint64 n = 0;
    if (!g_ascii_string_to_unsigned(v, 10, 1, 100000, &n, NULL))
      return key_error(error, SIM_SWEEP_ERROR_KEY, &o, key,
                       "'%s': expected a whole number from 1 to 100000", v);
    sw->replications = (guint)n;
    sw->set_replications = TRUE;
  }
  return TRUE;
}

static gboolean
is_reserved(const char *key)
{
  return strcmp(key, "combine") == 0 || strcmp(key, "streams") == 0 ||
         strcmp(key, "replications") == 0;
}

SimSweep *
sim_sweep_from_scenario(SimScenario *sc, GError **error)
{
  g_return_val_if_fail(sc != NULL, NULL);
  g_autoptr(SimSweep) sw = g_new0(SimSweep, 1);
  sw->params = g_array_new(FALSE, TRUE, sizeof(Param));
  g_array_set_clear_func(sw->params, (GDestroyNotify)param_clear);
  sw->replications = 1;
  SimScenarioSection *simsec = sim_scenario_get_section(sc, "simulation");
  if (simsec) {
    SimScenarioOrigin o;
    const char *v = sim_scenario_section_peek(simsec, "runs", &o);
    guint64 n = 1;
    if (v && !g_ascii_string_to_unsigned(v, 10, 1, 100000, &n, NULL)) {
      g_set_error(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_KEY,
                  "%s: [simulation] runs: '%s': expected a whole number from 1 to 100000", o.where,
                  v);
      return NULL;
    }
    sw->set_runs = v != NULL;
    sw->replications = (guint)n;
    v = sim_scenario_section_peek(simsec, "run", &o);
    guint64 r = 0;
    if (v && !g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT32, &r, NULL)) {
      g_set_error(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_KEY,
                  "%s: [simulation] run: '%s': expected a whole number from 0 to %u", o.where, v,
                  G_MAXUINT32);
      return NULL;
    }
    sw->base_run = (uint32_t)r;
  }
  SimScenarioSection *sec = sim_scenario_get_section(sc, "sweep");
  sw->n_points = 1;
  if (sec) {
    sw->has_section = TRUE;
    g_autofree const char **keys = sim_scenario_section_keys(sec, NULL);
    for (const char **k = keys; *k; k++) {
      if (!is_reserved(*k))
        continue;
      if (!read_reserved(sw, sec, *k, error))
        return NULL;
    }
    if (sw->set_replications && sw->set_runs && sw->replications > 1) {
      SimScenarioOrigin o;
      sim_scenario_section_peek(sec, "replications", &o);
      key_error(error, SIM_SWEEP_ERROR_KEY, &o, "replications",
                "[simulation] runs is set too: say the number of replications in one place");
      return NULL;
    }
    guint64 points = 1;
    for (const char **k = keys; *k; k++) {
      if (is_reserved(*k))
        continue;
      SimScenarioOrigin o;
      const char *text = sim_scenario_section_get(sec, *k, &o);
      if (!sim_scenario_is_referenced(sc, "sweep", *k))
        return key_error(error, SIM_SWEEP_ERROR_KEY, &o, *k,
                         "not referred to anywhere (use it as ${sweep.%s} in the value it "
                         "should vary)",
                         *k), NULL;
      Param p = { g_strdup(*k), g_ptr_array_new_with_free_func(g_free) };
      GError *e = NULL;
      if (!sim_sweep_expand(text, p.values, &e)) {
        key_error(error, SIM_SWEEP_ERROR_VALUE, &o, *k, "%s", e->message);
        g_error_free(e);
        param_clear(&p);
        return NULL;
      }
      g_array_append_val(sw->params, p);
      if (sw->zip) {
        Param *first = &g_array_index(sw->params, Param, 0);
        if (p.values->len != first->values->len)
          return key_error(error, SIM_SWEEP_ERROR_SIZE, &o, *k,
                           "%u values, but %s has %u: combine = zip takes the i-th value of "
                           "every parameter together, so the counts must be equal",
                           p.values->len, first->name, first->values->len), NULL;
        points = p.values->len;
      } else {
        points *= p.values->len;
      }
      if (points * sw->replications > SIM_SWEEP_MAX_RUNS)
        return key_error(error, SIM_SWEEP_ERROR_SIZE, &o, *k,
                         "more than %u runs in the sweep", SIM_SWEEP_MAX_RUNS), NULL;
    }
    sw->n_points = (guint)points;
  }
  if ((guint64)sw->n_points * sw->replications > SIM_SWEEP_MAX_RUNS) {
    g_set_error(error, SIM_SWEEP_ERROR, SIM_SWEEP_ERROR_SIZE, "%s: more than %u runs",
                sim_scenario_name(sc), SIM_SWEEP_MAX_RUNS);
    return NULL;
  }
  return g_steal_pointer(&sw);
}

guint
sim_sweep_n_params(const SimSweep *sw)
{
  g_return_val_if_fail(sw != NULL, 0);
  return sw->params->len;
}

const char *
sim_sweep_param(const SimSweep *sw, guint param)
{
  g_return_val_if_fail(sw != NULL && param < sw->params->len, NULL);
  return g_array_index(sw->params, Param, param).name;
}

guint
sim_sweep_n_points(const SimSweep *sw)
{
  g_return_val_if_fail(sw != NULL, 0);
  return sw->n_points;
}

guint
sim_sweep_replications(const SimSweep *sw)
{
  g_return_val_if_fail(sw != NULL, 0);
  return sw->replications;
}

guint
sim_sweep_n_runs(const SimSweep *sw)
{
  g_return_val_if_fail(sw != NULL, 0);
  return sw->n_points * sw->replications;
}

gboolean
sim_sweep_is_sweep(const SimSweep *sw)
{
  g_return_val_if_fail(sw != NULL, FALSE);
  return sim_sweep_n_runs(sw) > 1;
}

const char *
sim_sweep_value(const SimSweep *sw, guint point, guint param)
{
  g_return_val_if_fail(sw != NULL && point < sw->n_points && param < sw->params->len, NULL);
  if (sw->zip)
    return g_array_index(sw->params, Param, param).values->pdata[point];
  /* product: the last parameter varies fastest */
  guint idx = point;
  for (guint i = sw->params->len; i-- > param + 1;)
    idx /= g_array_index(sw->params, Param, i).values->len;
  const GPtrArray *v = g_array_index(sw->params, Param, param).values;
  return v->pdata[idx % v->len];
}

guint
sim_sweep_run_point(const SimSweep *sw, guint run)
{
  g_return_val_if_fail(sw != NULL && run < sim_sweep_n_runs(sw), 0);
  return run / sw->replications;
}

guint
sim_sweep_run_replication(const SimSweep *sw, guint run)
{
  g_return_val_if_fail(sw != NULL && run < sim_sweep_n_runs(sw), 0);
  return run % sw->replications;
}

uint32_t
sim_sweep_run_number(const SimSweep *sw, guint run)
{
  g_return_val_if_fail(sw != NULL && run < sim_sweep_n_runs(sw), 0);
  return sw->base_run + (sw->common ? run % sw->replications : run);
}

char **
sim_sweep_run_assignments(const SimSweep *sw, guint run)
{
  g_return_val_if_fail(sw != NULL && run < sim_sweep_n_runs(sw), NULL);
  GPtrArray *a = g_ptr_array_new();
  guint point = sim_sweep_run_point(sw, run);
  for (guint i = 0; i < sw->params->len; i++)
    g_ptr_array_add(a, g_strdup_printf("sweep.%s=%s", g_array_index(sw->params, Param, i).name,
                                       sim_sweep_value(sw, point, i)));
  if (sw->set_replications)
    g_ptr_array_add(a, g_strdup("sweep.replications=1"));
  if (sw->set_runs)
    g_ptr_array_add(a, g_strdup("simulation.runs=1"));
  g_ptr_array_add(a, g_strdup_printf("simulation.run=%u", sim_sweep_run_number(sw, run)));
  g_ptr_array_add(a, NULL);
  return (char **)g_ptr_array_free(a, FALSE);
}

char *
sim_sweep_point_label(const SimSweep *sw, guint point)
{
  g_return_val_if_fail(sw != NULL && point < sw->n_points, NULL);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < sw->params->len; i++)
    g_string_append_printf(s, "%s%s=%s", i ? ", " : "", g_array_index(sw->params, Param, i).name,
                           sim_sweep_value(sw, point, i));
  return g_string_free(s, FALSE);
}

/* ---- statistics ------------------------------------------------------------------------------ */

double
sim_t_quantile(double p, unsigned dof)
{
  g_return_val_if_fail(dof > 0 && p > 0 && p < 1, NAN);
  return gsl_cdf_tdist_Pinv(p, (double)dof);
}

void
sim_summarize(const double *values, size_t n, SimSummary *out)
{
  g_return_if_fail(out != NULL && (values != NULL || n == 0));
  /* Welford: stable for values far from zero */
  double mean = 0, m2 = 0;
  unsigned k = 0;
  for (size_t i = 0; i < n; i++) {
    if (isnan(values[i]))
      continue;
    k++;
    double d = values[i] - mean;
    mean += d / k;
    m2 += d * (values[i] - mean);
  }
  out->n = k;
  out->mean = k ? mean : NAN;
  out->sd = out->ci95_low = out->ci95_high = NAN;
  if (k >= 2) {
    out->sd = sqrt(m2 / (k - 1));
    double half = sim_t_quantile(0.975, k - 1) * out->sd / sqrt((double)k);
    out->ci95_low = mean - half;
    out->ci95_high = mean + half;
  }
}
