/* simregistry.c - the registry of model types and typed parameter values.
 *
 * The registry is a hash table by name for lookups plus an array kept in
 * name order for listings; it stores the callers' constant SimTypeInfo
 * pointers and copies nothing. Adding a type validates its parameter table
 * once (names, enum choices, defaults that parse and respect the bounds),
 * so a model's mistakes surface when it registers, not in the middle of a
 * user's run.
 *
 * SimParams is one value slot per parameter of the type, in spec order;
 * getters find the slot by a linear scan of the spec (setup time only, the
 * hot path keeps what it needs in its own structs). Every slot remembers
 * where its value came from so a model can point at it in its own errors.
 *
 * The tricky part is the unknown-key rule with per-kind defaults: a key
 * written in the section must be a parameter (or one the caller reads
 * itself), but a key inherited from [defaults KIND] may belong to another
 * type of the same kind and is skipped; sim_scenario_check_unused() later
 * reports a default that no section of the kind reads.
 */
#define G_LOG_DOMAIN "ipesim-registry"
#include "config.h"

#include "simregistry.h"
#include "simunits.h"

#include <string.h>

G_DEFINE_QUARK(sim-registry-error-quark, sim_registry_error)

static const char *const param_type_names[SIM_PARAM_N] = {
  [SIM_PARAM_TIME] = "time",     [SIM_PARAM_RATE] = "rate",   [SIM_PARAM_SIZE] = "size",
  [SIM_PARAM_PKT_RATE] = "pkt-rate", [SIM_PARAM_RATIO] = "ratio", [SIM_PARAM_INT] = "int",
  [SIM_PARAM_UINT] = "uint",     [SIM_PARAM_DOUBLE] = "double", [SIM_PARAM_BOOL] = "bool",
  [SIM_PARAM_STRING] = "string", [SIM_PARAM_ENUM] = "enum",   [SIM_PARAM_LIST] = "list",
};

/* The type column of the listing: type and unit. */
static const char *const param_type_units[SIM_PARAM_N] = {
  [SIM_PARAM_TIME] = "time",           [SIM_PARAM_RATE] = "rate (bit/s)",
  [SIM_PARAM_SIZE] = "size (bytes)",   [SIM_PARAM_PKT_RATE] = "pkt-rate (pps)",
  [SIM_PARAM_RATIO] = "ratio (0..1)",  [SIM_PARAM_INT] = "int",
  [SIM_PARAM_UINT] = "uint",           [SIM_PARAM_DOUBLE] = "double",
  [SIM_PARAM_BOOL] = "bool",           [SIM_PARAM_STRING] = "string",
  [SIM_PARAM_ENUM] = "enum",           [SIM_PARAM_LIST] = "list",
};

const char *
sim_param_type_name(SimParamType type)
{
  g_return_val_if_fail((unsigned)type < SIM_PARAM_N, NULL);
  return param_type_names[type];
}

/* ---- values ------------------------------------------------------------------------ */

typedef struct {
  gboolean set; /* given explicitly, not the default */
  char *where;
  union {
    SimTime time;
    uint64_t u; /* RATE, SIZE, UINT */
    int64_t i;
    double d;   /* PKT_RATE, RATIO, DOUBLE */
    gboolean b;
    guint e;
    char *s;
    char **list;
  } v;
} Value;

struct _SimParams {
  const SimTypeInfo *info;
  Value *values; /* n_params, in spec order */
};

static void
value_clear(const SimParamSpec *spec, Value *value)
{
  if (spec->type == SIM_PARAM_STRING)
    g_free(value->v.s);
  else if (spec->type == SIM_PARAM_LIST)
    g_strfreev(value->v.list);
  g_free(value->where);
  memset(value, 0, sizeof *value);
}

static gboolean
is_numeric(SimParamType type)
{
  return type <= SIM_PARAM_DOUBLE;
}

/* Bounds apply to numeric types unless min > max or both are 0. */
static gboolean
has_bounds(const SimParamSpec *spec)
{
  return is_numeric(spec->type) && !(spec->min > spec->max) &&
         !(spec->min == 0.0 && spec->max == 0.0);
}

/* A bound in the type's own notation when it is a representable value. */
static void
format_bound(SimParamType type, double bound, char *buf)
{
  gboolean whole = bound >= 0.0 && bound < 1.8e19 && bound == (double)(uint64_t)bound;
  if (type == SIM_PARAM_TIME && whole && bound <= (double)INT64_MAX)
    sim_time_format((SimTime)bound, buf);
  else if (type == SIM_PARAM_RATE && whole)
    sim_units_format_rate((uint64_t)bound, buf);
  else if (type == SIM_PARAM_SIZE && whole)
    sim_units_format_size((uint64_t)bound, buf);
  else if (type == SIM_PARAM_PKT_RATE && (bound == 0.0 || (bound >= SIM_UNITS_PKT_RATE_MIN &&
                                                           bound <= SIM_UNITS_PKT_RATE_MAX)))
    sim_units_format_pkt_rate(bound, buf);
  else
    sim_units_format_double(bound, buf);
}

static double
numeric_value(SimParamType type, const Value *value)
{
  switch (type) {
  case SIM_PARAM_TIME:
    return (double)value->v.time;
  case SIM_PARAM_RATE:
  case SIM_PARAM_SIZE:
  case SIM_PARAM_UINT:
    return (double)value->v.u;
  case SIM_PARAM_INT:
    return (double)value->v.i;
  case SIM_PARAM_PKT_RATE:
  case SIM_PARAM_RATIO:
  case SIM_PARAM_DOUBLE:
    return value->v.d;
  default:
    g_assert_not_reached();
  }
}

static char *
join_choices(const char *const *choices)
{
  return g_strjoinv(", ", (char **)choices);
}

/* Parses @text by @spec into @value (whose previous content is cleared
 * by the caller). Errors quote @text and carry no position. */
static gboolean
parse_value(const SimParamSpec *spec, const char *text, Value *value, GError **error)
{
  gboolean ok = TRUE;
  switch (spec->type) {
  case SIM_PARAM_TIME:
    ok = sim_time_parse(text, &value->v.time, error);
    break;
  case SIM_PARAM_RATE:
    ok = sim_units_parse_rate(text, &value->v.u, error);
    break;
  case SIM_PARAM_SIZE:
    ok = sim_units_parse_size(text, &value->v.u, error);
    break;
  case SIM_PARAM_PKT_RATE:
    ok = sim_units_parse_pkt_rate(text, &value->v.d, error);
    break;
  case SIM_PARAM_RATIO:
    ok = sim_units_parse_ratio(text, &value->v.d, error);
    break;
  case SIM_PARAM_INT:
    ok = sim_units_parse_int(text, &value->v.i, error);
    break;
  case SIM_PARAM_UINT:
    ok = sim_units_parse_uint(text, &value->v.u, error);
    break;
  case SIM_PARAM_DOUBLE:
    ok = sim_units_parse_double(text, &value->v.d, error);
    break;
  case SIM_PARAM_BOOL:
    return sim_units_parse_bool(text, &value->v.b, error);
  case SIM_PARAM_STRING:
    value->v.s = g_strdup(text);
    return TRUE;
  case SIM_PARAM_ENUM:
    for (guint i = 0; spec->choices[i] != NULL; i++) {
      if (strcmp(spec->choices[i], text) == 0) {
        value->v.e = i;
        return TRUE;
      }
    }
    {
      char *all = join_choices(spec->choices);
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
                  "'%s': expected one of %s", text, all);
      g_free(all);
    }
    return FALSE;
  case SIM_PARAM_LIST: {
    char **items = g_strsplit_set(text, ",;", -1);
    GPtrArray *kept = g_ptr_array_new();
    for (char **it = items; *it != NULL; it++) {
      g_strstrip(*it);
      if (**it != '\0')
        g_ptr_array_add(kept, g_strdup(*it));
    }
    g_strfreev(items);
    g_ptr_array_add(kept, NULL);
    value->v.list = (char **)g_ptr_array_free(kept, FALSE);
    return TRUE;
  }
  default:
    g_assert_not_reached();
  }
  if (!ok)
    return FALSE;

  if (has_bounds(spec)) {
    double v = numeric_value(spec->type, value);
    char bound[SIM_UNITS_FORMAT_SIZE];
    if (v < spec->min) {
      format_bound(spec->type, spec->min, bound);
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
                  "'%s': below the minimum of %s", text, bound);
      return FALSE;
    }
    if (v > spec->max) {
      format_bound(spec->type, spec->max, bound);
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
                  "'%s': above the maximum of %s", text, bound);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
is_param_name(const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

static int
find_param(const SimTypeInfo *info, const char *name)
{
  for (size_t i = 0; i < info->n_params; i++)
    if (strcmp(info->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* ---- the registry --------------------------------------------------------------------- */

struct _SimRegistry {
  GHashTable *by_name; /* name -> const SimTypeInfo * */
  GPtrArray *sorted;   /* const SimTypeInfo *, by name */
};

SimRegistry *
sim_registry_new(void)
{
  SimRegistry *reg = g_new0(SimRegistry, 1);
  reg->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  reg->sorted = g_ptr_array_new();
  return reg;
}

void
sim_registry_free(SimRegistry *reg)
{
  if (reg == NULL)
    return;
  g_hash_table_destroy(reg->by_name);
  g_ptr_array_free(reg->sorted, TRUE);
  g_free(reg);
}

/* Checks what sim_registry_add() promises to check. */
static gboolean
validate_info(const SimTypeInfo *info, GError **error)
{
  const char *name = info->name ? info->name : "(null)";
  size_t kind_len = info->kind ? strlen(info->kind) : 0;
  if (info->name == NULL || !is_param_name(info->kind) ||
      strncmp(info->name, info->kind, kind_len) != 0 || info->name[kind_len] != '.' ||
      info->name[kind_len + 1] == '\0') {
    g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                "type '%s': the name must be KIND.SHORT for kind '%s'", name,
                info->kind ? info->kind : "(null)");
    return FALSE;
  }
  for (const char *c = info->name; *c; c++) {
    if (g_ascii_isspace(*c) || g_ascii_iscntrl(*c) || *c == '[' || *c == ']' || *c == '=') {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                  "type '%s': blank, control character, bracket or '=' in the name", name);
      return FALSE;
    }
  }
  if (info->n_params > 0 && info->params == NULL) {
    g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                "type '%s': n_params is %zu but params is NULL", name, info->n_params);
    return FALSE;
  }
  for (size_t i = 0; i < info->n_params; i++) {
    const SimParamSpec *spec = &info->params[i];
    if (!is_param_name(spec->name)) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                  "type '%s': parameter %zu: bad name '%s' (letters, digits, '_' and '-')",
                  name, i, spec->name ? spec->name : "(null)");
      return FALSE;
    }
    if (find_param(info, spec->name) != (int)i) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_DUPLICATE,
                  "type '%s': parameter '%s' listed twice", name, spec->name);
      return FALSE;
    }
    if ((unsigned)spec->type >= SIM_PARAM_N) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                  "type '%s': parameter '%s': unknown type %d", name, spec->name, spec->type);
      return FALSE;
    }
    if (spec->type == SIM_PARAM_ENUM && (spec->choices == NULL || spec->choices[0] == NULL)) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                  "type '%s': enum parameter '%s' without choices", name, spec->name);
      return FALSE;
    }
    if (spec->default_value != NULL) {
      Value value = { 0 };
      GError *local = NULL;
      gboolean ok = parse_value(spec, spec->default_value, &value, &local);
      value_clear(spec, &value);
      if (!ok) {
        g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                    "type '%s': default of '%s': %s", name, spec->name, local->message);
        g_error_free(local);
        return FALSE;
      }
    }
  }
  return TRUE;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
  const SimTypeInfo *x = *(const SimTypeInfo *const *)a;
  const SimTypeInfo *y = *(const SimTypeInfo *const *)b;
  return strcmp(x->name, y->name);
}

gboolean
sim_registry_add(SimRegistry *reg, const SimTypeInfo *info, GError **error)
{
  g_return_val_if_fail(reg != NULL, FALSE);
  g_return_val_if_fail(info != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  if (!validate_info(info, error))
    return FALSE;
  if (g_hash_table_contains(reg->by_name, info->name)) {
    g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_DUPLICATE,
                "type '%s' is already registered", info->name);
    return FALSE;
  }
  g_hash_table_insert(reg->by_name, (gpointer)info->name, (gpointer)info);
  g_ptr_array_add(reg->sorted, (gpointer)info);
  g_ptr_array_sort(reg->sorted, compare_names);
  return TRUE;
}

const SimTypeInfo *
sim_registry_lookup(const SimRegistry *reg, const char *name)
{
  g_return_val_if_fail(reg != NULL, NULL);
  g_return_val_if_fail(name != NULL, NULL);
  return g_hash_table_lookup(reg->by_name, name);
}

const SimTypeInfo *
sim_registry_lookup_kind(const SimRegistry *reg, const char *kind, const char *short_name)
{
  g_return_val_if_fail(reg != NULL, NULL);
  g_return_val_if_fail(kind != NULL, NULL);
  g_return_val_if_fail(short_name != NULL, NULL);
  char *name = g_strconcat(kind, ".", short_name, NULL);
  const SimTypeInfo *info = g_hash_table_lookup(reg->by_name, name);
  g_free(name);
  return info;
}

guint
sim_registry_n_types(const SimRegistry *reg)
{
  g_return_val_if_fail(reg != NULL, 0);
  return reg->sorted->len;
}

const SimTypeInfo *
sim_registry_nth_type(const SimRegistry *reg, guint i)
{
  g_return_val_if_fail(reg != NULL, NULL);
  g_return_val_if_fail(i < reg->sorted->len, NULL);
  return g_ptr_array_index(reg->sorted, i);
}

/* The description column: doc, choices, bounds. */
static char *
describe_param(const SimParamSpec *spec)
{
  GString *s = g_string_new(spec->doc ? spec->doc : "");
  if (spec->type == SIM_PARAM_ENUM) {
    char *all = join_choices(spec->choices);
    g_string_append_printf(s, "%sone of: %s", s->len ? "; " : "", all);
    g_free(all);
  }
  if (has_bounds(spec)) {
    char lo[SIM_UNITS_FORMAT_SIZE], hi[SIM_UNITS_FORMAT_SIZE];
    format_bound(spec->type, spec->min, lo);
    format_bound(spec->type, spec->max, hi);
    const char *sep = s->len ? "; " : "";
    if (spec->max >= G_MAXDOUBLE)
      g_string_append_printf(s, "%sat least %s", sep, lo);
    else if (spec->min <= -G_MAXDOUBLE)
      g_string_append_printf(s, "%sat most %s", sep, hi);
    else
      g_string_append_printf(s, "%s%s to %s", sep, lo, hi);
  }
  return g_string_free(s, FALSE);
}

void
sim_registry_describe_type(const SimTypeInfo *info, GString *out)
{
  g_return_if_fail(info != NULL);
  g_return_if_fail(out != NULL);
  g_string_append_printf(out, "%s - %s\n", info->name, info->summary ? info->summary : "");
  if (info->n_params == 0) {
    g_string_append(out, "  (no parameters)\n");
    return;
  }
  static const char *const titles[3] = { "PARAMETER", "TYPE", "DEFAULT" };
  int width[3] = { (int)strlen(titles[0]), (int)strlen(titles[1]), (int)strlen(titles[2]) };
  for (size_t i = 0; i < info->n_params; i++) {
    const SimParamSpec *spec = &info->params[i];
    const char *def = spec->default_value ? spec->default_value : "(required)";
    width[0] = MAX(width[0], (int)strlen(spec->name));
    width[1] = MAX(width[1], (int)strlen(param_type_units[spec->type]));
    width[2] = MAX(width[2], (int)strlen(def) + (*def == '\0' ? 2 : 0));
  }
  g_string_append_printf(out, "  %-*s  %-*s  %-*s  DESCRIPTION\n", width[0], titles[0], width[1],
                         titles[1], width[2], titles[2]);
  for (size_t i = 0; i < info->n_params; i++) {
    const SimParamSpec *spec = &info->params[i];
    const char *def = spec->default_value ? spec->default_value : "(required)";
    char *desc = describe_param(spec);
    g_string_append_printf(out, "  %-*s  %-*s  %-*s  %s", width[0], spec->name, width[1],
                           param_type_units[spec->type], width[2], *def ? def : "\"\"", desc);
    /* No trailing blanks when the description is empty. */
    while (out->len > 0 && out->str[out->len - 1] == ' ')
      g_string_truncate(out, out->len - 1);
    g_string_append_c(out, '\n');
    g_free(desc);
  }
}

void
sim_registry_describe(const SimRegistry *reg, GString *out)
{
  g_return_if_fail(reg != NULL);
  g_return_if_fail(out != NULL);
  for (guint i = 0; i < reg->sorted->len; i++) {
    if (i > 0)
      g_string_append_c(out, '\n');
    sim_registry_describe_type(g_ptr_array_index(reg->sorted, i), out);
  }
}

/* ---- parameter values ------------------------------------------------------------------- */

static SimParams *
params_new(const SimTypeInfo *info)
{
  SimParams *p = g_new0(SimParams, 1);
  p->info = info;
  p->values = g_new0(Value, info->n_params ? info->n_params : 1);
  return p;
}

void
sim_params_free(SimParams *params)
{
  if (params == NULL)
    return;
  for (size_t i = 0; i < params->info->n_params; i++)
    value_clear(&params->info->params[i], &params->values[i]);
  g_free(params->values);
  g_free(params);
}

/* "rate, delay, mtu" and the caller's own keys. */
static char *
accepted_keys(const SimTypeInfo *info, const char *const *ignore_keys)
{
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < info->n_params; i++)
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", info->params[i].name);
  for (const char *const *k = ignore_keys; k && *k; k++)
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", *k);
  if (s->len == 0)
    g_string_append(s, "none");
  return g_string_free(s, FALSE);
}

/* Fills every unset slot with its default; a required one missing fails
 * with a message starting with @missing_where. */
static gboolean
apply_defaults(SimParams *p, const char *missing_where, const char *section_header,
               GError **error)
{
  const SimTypeInfo *info = p->info;
  for (size_t i = 0; i < info->n_params; i++) {
    const SimParamSpec *spec = &info->params[i];
    Value *value = &p->values[i];
    if (value->set)
      continue;
    if (spec->default_value == NULL) {
      if (section_header != NULL)
        g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_MISSING_KEY,
                    "%s: missing key '%s' in [%s] (%s requires it)", missing_where, spec->name,
                    section_header, info->name);
      else
        g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_MISSING_KEY,
                    "%s: missing key '%s' (required)", info->name, spec->name);
      return FALSE;
    }
    GError *local = NULL;
    if (!parse_value(spec, spec->default_value, value, &local)) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_INVALID,
                  "%s: default of '%s': %s", info->name, spec->name, local->message);
      g_error_free(local);
      return FALSE;
    }
    value->where = g_strdup_printf("default of %s.%s", info->name, spec->name);
  }
  return TRUE;
}

SimParams *
sim_params_parse(const SimTypeInfo *info, SimScenarioSection *section,
                 const char *const *ignore_keys, GError **error)
{
  g_return_val_if_fail(info != NULL, NULL);
  g_return_val_if_fail(section != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  SimParams *p = params_new(info);
  const char *header = sim_scenario_section_header(section);
  const char **keys = sim_scenario_section_keys(section, NULL);
  gboolean ok = TRUE;
  for (const char **k = keys; ok && *k != NULL; k++) {
    const char *key = *k;
    if (ignore_keys != NULL && g_strv_contains(ignore_keys, key))
      continue;
    SimScenarioOrigin origin;
    int index = find_param(info, key);
    if (index < 0) {
      sim_scenario_section_peek(section, key, &origin);
      if (origin.inherited)
        continue;
      char *accepted = accepted_keys(info, ignore_keys);
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_UNKNOWN_KEY,
                  "%s: unknown key '%s' in [%s] (%s accepts: %s)", origin.where, key, header,
                  info->name, accepted);
      g_free(accepted);
      ok = FALSE;
      break;
    }
    const char *text = sim_scenario_section_get(section, key, &origin);
    Value *value = &p->values[index];
    GError *local = NULL;
    if (!parse_value(&info->params[index], text, value, &local)) {
      g_propagate_prefixed_error(error, local, "%s: [%s] %s: ", origin.where, header, key);
      ok = FALSE;
      break;
    }
    value->set = TRUE;
    value->where = g_strdup(origin.where);
  }
  g_free(keys);

  if (ok) {
    SimScenarioOrigin at;
    sim_scenario_section_origin(section, &at);
    ok = apply_defaults(p, at.where, header, error);
  }
  if (!ok) {
    sim_params_free(p);
    return NULL;
  }
  return p;
}

SimParams *
sim_params_parse_strv(const SimTypeInfo *info, const char *const *assignments, GError **error)
{
  g_return_val_if_fail(info != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  SimParams *p = params_new(info);
  gboolean ok = TRUE;
  for (const char *const *a = assignments; ok && a && *a; a++) {
    const char *eq = strchr(*a, '=');
    if (eq == NULL) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_VALUE,
                  "%s: '%s': expected KEY=VALUE", info->name, *a);
      ok = FALSE;
      break;
    }
    char *key = g_strstrip(g_strndup(*a, (gsize)(eq - *a)));
    int index = find_param(info, key);
    if (index < 0) {
      char *accepted = accepted_keys(info, NULL);
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_UNKNOWN_KEY,
                  "%s: unknown key '%s' (accepted: %s)", info->name, key, accepted);
      g_free(accepted);
      ok = FALSE;
    } else if (p->values[index].set) {
      g_set_error(error, SIM_REGISTRY_ERROR, SIM_REGISTRY_ERROR_DUPLICATE,
                  "%s: key '%s' given twice", info->name, key);
      ok = FALSE;
    } else {
      Value *value = &p->values[index];
      char *text = g_strstrip(g_strdup(eq + 1));
      GError *local = NULL;
      value->where = g_strdup_printf("%s: key '%s'", info->name, key);
      if (parse_value(&info->params[index], text, value, &local)) {
        value->set = TRUE;
      } else {
        g_propagate_prefixed_error(error, local, "%s: ", value->where);
        ok = FALSE;
      }
      g_free(text);
    }
    g_free(key);
  }
  if (ok)
    ok = apply_defaults(p, NULL, NULL, error);
  if (!ok) {
    sim_params_free(p);
    return NULL;
  }
  return p;
}

const SimTypeInfo *
sim_params_type_info(const SimParams *params)
{
  g_return_val_if_fail(params != NULL, NULL);
  return params->info;
}

/* The slot of @name, which must be a parameter of type @type
 * (SIM_PARAM_N: any type); NULL and a critical warning otherwise. */
static const Value *
slot(const SimParams *params, const char *name, SimParamType type, const char *caller)
{
  g_return_val_if_fail(params != NULL, NULL);
  g_return_val_if_fail(name != NULL, NULL);
  int index = find_param(params->info, name);
  if (index < 0) {
    g_critical("%s: type %s has no parameter '%s'", caller, params->info->name, name);
    return NULL;
  }
  SimParamType actual = params->info->params[index].type;
  if (type != SIM_PARAM_N && actual != type) {
    g_critical("%s: parameter '%s' of %s is of type %s, not %s", caller, name,
               params->info->name, param_type_names[actual], param_type_names[type]);
    return NULL;
  }
  return &params->values[index];
}

gboolean
sim_params_is_set(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_N, G_STRFUNC);
  return v ? v->set : FALSE;
}

const char *
sim_params_where(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_N, G_STRFUNC);
  return v ? v->where : NULL;
}

SimTime
sim_params_get_time(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_TIME, G_STRFUNC);
  return v ? v->v.time : 0;
}

uint64_t
sim_params_get_rate(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_RATE, G_STRFUNC);
  return v ? v->v.u : 0;
}

uint64_t
sim_params_get_size(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_SIZE, G_STRFUNC);
  return v ? v->v.u : 0;
}

double
sim_params_get_pkt_rate(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_PKT_RATE, G_STRFUNC);
  return v ? v->v.d : 0.0;
}

double
sim_params_get_ratio(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_RATIO, G_STRFUNC);
  return v ? v->v.d : 0.0;
}

int64_t
sim_params_get_int(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_INT, G_STRFUNC);
  return v ? v->v.i : 0;
}

uint64_t
sim_params_get_uint(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_UINT, G_STRFUNC);
  return v ? v->v.u : 0;
}

double
sim_params_get_double(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_DOUBLE, G_STRFUNC);
  return v ? v->v.d : 0.0;
}

gboolean
sim_params_get_bool(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_BOOL, G_STRFUNC);
  return v ? v->v.b : FALSE;
}

const char *
sim_params_get_string(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_STRING, G_STRFUNC);
  return v ? v->v.s : NULL;
}

guint
sim_params_get_enum(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_ENUM, G_STRFUNC);
  return v ? v->v.e : 0;
}

const char *const *
sim_params_get_list(const SimParams *params, const char *name)
{
  const Value *v = slot(params, name, SIM_PARAM_LIST, G_STRFUNC);
  return v ? (const char *const *)v->v.list : NULL;
}
