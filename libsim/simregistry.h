/* simregistry.h - model types by name, and their typed parameters.
 *
 * Models describe each type they offer with a constant SimTypeInfo: a name
 * `KIND.SHORT` (`link.p2p`, `qdisc.droptail`, `app.cbr`, `srv6.End.X`), a
 * one-line summary and a table of parameters. A kind module defines its own
 * class struct with SimTypeInfo as the first member, adds the class to a
 * SimRegistry and casts the SimTypeInfo pointer it gets back from a lookup
 * to its class:
 *
 *     typedef struct {
 *       SimTypeInfo info;            // first member
 *       SimLink *(*create)(...);     // kind-specific slots
 *     } SimLinkClass;
 *
 *     static const SimParamSpec p2p_params[] = {
 *       { .name = "rate", .type = SIM_PARAM_RATE, .default_value = "1Gbps",
 *         .doc = "line rate", SIM_PARAM_AT_LEAST(1) },
 *       { .name = "delay", .type = SIM_PARAM_TIME, .doc = "propagation delay" },
 *     };
 *     static const SimLinkClass p2p_class = {
 *       .info = { .name = "link.p2p", .kind = "link", .summary = "...",
 *                 .params = p2p_params, .n_params = G_N_ELEMENTS(p2p_params) },
 *       .create = p2p_create,
 *     };
 *     sim_registry_add(reg, &p2p_class.info, &error);
 *     ...
 *     const SimLinkClass *cls = (const SimLinkClass *)sim_registry_lookup_kind(reg, "link", "p2p");
 *
 * SimParams holds the parameter values of one instance, parsed from a
 * scenario section (with file:line errors) or from "key=value" strings.
 * The registry owns nothing it is given: type infos must outlive it.
 */
#ifndef IPESIM_SIMREGISTRY_H
#define IPESIM_SIMREGISTRY_H

#include "simdefs.h"
#include "simscenario.h"
#include "simtime.h"

G_BEGIN_DECLS

#define SIM_REGISTRY_ERROR (sim_registry_error_quark())
typedef enum {
  SIM_REGISTRY_ERROR_DUPLICATE,   /* a type name or parameter given twice */
  SIM_REGISTRY_ERROR_INVALID,     /* a malformed SimTypeInfo or SimParamSpec */
  SIM_REGISTRY_ERROR_UNKNOWN_KEY, /* a key the type does not accept */
  SIM_REGISTRY_ERROR_MISSING_KEY, /* a required parameter without a value */
  SIM_REGISTRY_ERROR_VALUE        /* outside the bounds, not one of the choices */
} SimRegistryError;

SIM_API GQuark sim_registry_error_quark(void);

typedef enum {
  SIM_PARAM_TIME,     /* SimTime, sim_time_parse(): `10us` */
  SIM_PARAM_RATE,     /* uint64 bit/s, sim_units_parse_rate(): `10Gbps` */
  SIM_PARAM_SIZE,     /* uint64 bytes, sim_units_parse_size(): `1500B` */
  SIM_PARAM_PKT_RATE, /* double pps, sim_units_parse_pkt_rate(): `1.5kpps` */
  SIM_PARAM_RATIO,    /* double in [0, 1], sim_units_parse_ratio(): `0.1%` */
  SIM_PARAM_INT,      /* int64 */
  SIM_PARAM_UINT,     /* uint64 */
  SIM_PARAM_DOUBLE,   /* finite double */
  SIM_PARAM_BOOL,     /* true/false, yes/no, on/off, 1/0 */
  SIM_PARAM_STRING,   /* any text */
  SIM_PARAM_ENUM,     /* one of SimParamSpec.choices; read as its index */
  SIM_PARAM_LIST,     /* strings separated by ',' or ';', blanks trimmed */
  SIM_PARAM_N
} SimParamType;

/* Bounds for designated initializers: SIM_PARAM_AT_LEAST(1),
 * SIM_PARAM_RANGE(64, 9000). */
#define SIM_PARAM_RANGE(lo, hi) .min = (double)(lo), .max = (double)(hi)
#define SIM_PARAM_AT_LEAST(lo) .min = (double)(lo), .max = G_MAXDOUBLE

typedef struct {
  const char *name;          /* letters, digits, '_' and '-' */
  SimParamType type;
  const char *default_value; /* NULL: the parameter is required */
  const char *doc;           /* one line for `ipesim list` */
  const char *const *choices; /* SIM_PARAM_ENUM: the accepted words, NULL-terminated */
  /* Bounds of numeric types, inclusive, in the base unit (picoseconds,
   * bit/s, bytes, pps, or the number itself). Ignored when min > max and
   * when both are 0 (a spec that leaves them out); open-ended bounds use
   * G_MAXDOUBLE or -G_MAXDOUBLE. */
  double min, max;
} SimParamSpec;

typedef struct {
  const char *name;    /* "KIND.SHORT", e.g. "link.p2p" */
  const char *kind;    /* "link" */
  const char *summary; /* one line for `ipesim list` */
  const SimParamSpec *params;
  size_t n_params;
} SimTypeInfo;

/* Lower-case name of a parameter type: "time", "rate", "pkt-rate", ... */
SIM_API const char *sim_param_type_name(SimParamType type);

/* ---- the registry ------------------------------------------------------------ */

typedef struct _SimRegistry SimRegistry;

/* Returns: (transfer full): an empty registry. */
SIM_API SimRegistry *sim_registry_new(void);
/* Frees @reg (not the type infos it lists); NULL is allowed. */
SIM_API void sim_registry_free(SimRegistry *reg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimRegistry, sim_registry_free)

/**
 * sim_registry_add:
 * @reg: a registry
 * @info: (transfer none): the type; must outlive @reg
 * @error: SIM_REGISTRY_ERROR_DUPLICATE when the name is taken,
 *   SIM_REGISTRY_ERROR_INVALID when @info is malformed: the name is not
 *   KIND.SHORT for its kind, a parameter name is empty, malformed or
 *   repeated, an ENUM has no choices, or a default value does not parse
 *   or is out of bounds
 *
 * Returns: TRUE when added.
 */
SIM_API gboolean sim_registry_add(SimRegistry *reg, const SimTypeInfo *info, GError **error);

/* Returns: (transfer none) (nullable): the type named @name, e.g. "app.cbr". */
SIM_API const SimTypeInfo *sim_registry_lookup(const SimRegistry *reg, const char *name);

/* Returns: (transfer none) (nullable): the type @kind.@short_name, e.g.
 * ("app", "cbr"). */
SIM_API const SimTypeInfo *sim_registry_lookup_kind(const SimRegistry *reg, const char *kind,
                                                    const char *short_name);

/* The types in name order (strcmp): 0 <= @i < sim_registry_n_types(). */
SIM_API guint sim_registry_n_types(const SimRegistry *reg);
SIM_API const SimTypeInfo *sim_registry_nth_type(const SimRegistry *reg, guint i);

/**
 * sim_registry_describe:
 * @reg: a registry
 * @out: text is appended here
 *
 * The listing of `ipesim list`: every type in name order with its summary
 * and a table of its parameters (name, type and unit, default or
 * "required", description with bounds and choices).
 */
SIM_API void sim_registry_describe(const SimRegistry *reg, GString *out);

/* The same for one type. */
SIM_API void sim_registry_describe_type(const SimTypeInfo *info, GString *out);

/* ---- parameter values ------------------------------------------------------------ */

typedef struct _SimParams SimParams;

/**
 * sim_params_parse:
 * @info: the type of the instance
 * @section: its scenario section; the keys read are marked used
 * @ignore_keys: (array zero-terminated=1) (nullable): keys the caller
 *   reads itself (e.g. "type", "a", "b"); left alone, not marked used
 * @error: SIM_REGISTRY_ERROR, or the parser's domain (SIM_TIME_ERROR,
 *   SIM_UNITS_ERROR) for a malformed value; messages start with the
 *   value's origin, `FILE:LINE: ` or `--set SECTION.KEY: `
 *
 * Reads every key of @section (defaults and overrides applied). A key of
 * the section itself that is neither a parameter nor in @ignore_keys is an
 * error that lists the accepted keys. A key inherited from `[defaults
 * KIND]` that this type does not have is skipped: defaults serve every
 * type of the kind. Values are parsed by type and checked against bounds
 * and choices; parameters not given take their default, and a required
 * one missing is an error at the section header.
 * Returns: (transfer full) (nullable): the values, NULL with @error.
 */
SIM_API SimParams *sim_params_parse(const SimTypeInfo *info, SimScenarioSection *section,
                                    const char *const *ignore_keys, GError **error);

/**
 * sim_params_parse_strv:
 * @info: the type
 * @assignments: (array zero-terminated=1) (nullable): "key=value" strings
 *   (the value is everything after the first '='), e.g. { "rate=10Gbps",
 *   "delay=5us", NULL }
 * @error: as for sim_params_parse(); messages start with `TYPE: key 'KEY': `
 *
 * The same checks without a scenario file, for programs that configure
 * models in C. A key given twice is an error.
 * Returns: (transfer full) (nullable): the values, NULL with @error.
 */
SIM_API SimParams *sim_params_parse_strv(const SimTypeInfo *info,
                                         const char *const *assignments, GError **error);

SIM_API void sim_params_free(SimParams *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimParams, sim_params_free)

/* The type the values belong to. */
SIM_API const SimTypeInfo *sim_params_type_info(const SimParams *params);

/* TRUE when @name was given (in the section, its defaults, an override or
 * the strv), FALSE when it holds the spec's default. */
SIM_API gboolean sim_params_is_set(const SimParams *params, const char *name);

/* Where the value of @name came from, for a model's own error messages:
 * "FILE:LINE", "--set SECTION.KEY", "TYPE: key 'NAME'" or, for a default,
 * "default of TYPE.NAME". Owned by @params. */
SIM_API const char *sim_params_where(const SimParams *params, const char *name);

/* Typed getters. @name must be a parameter of the type and of the getter's
 * type; anything else is a programmer error (g_critical, returns 0/NULL). */
SIM_API SimTime sim_params_get_time(const SimParams *params, const char *name);
SIM_API uint64_t sim_params_get_rate(const SimParams *params, const char *name);
SIM_API uint64_t sim_params_get_size(const SimParams *params, const char *name);
SIM_API double sim_params_get_pkt_rate(const SimParams *params, const char *name);
SIM_API double sim_params_get_ratio(const SimParams *params, const char *name);
SIM_API int64_t sim_params_get_int(const SimParams *params, const char *name);
SIM_API uint64_t sim_params_get_uint(const SimParams *params, const char *name);
SIM_API double sim_params_get_double(const SimParams *params, const char *name);
SIM_API gboolean sim_params_get_bool(const SimParams *params, const char *name);
/* (transfer none) owned by @params. */
SIM_API const char *sim_params_get_string(const SimParams *params, const char *name);
/* Index of the value in the spec's choices. */
SIM_API guint sim_params_get_enum(const SimParams *params, const char *name);
/* (transfer none) (array zero-terminated=1): the items, owned by @params. */
SIM_API const char *const *sim_params_get_list(const SimParams *params, const char *name);

G_END_DECLS

#endif /* IPESIM_SIMREGISTRY_H */
