/* simscenario.h - scenario files: GLib key-file syntax plus line numbers,
 * includes, per-kind defaults and command-line overrides.
 *
 * A scenario is a list of sections in file order. A section header is
 * `[KIND]` (`[simulation]`, `[output]`) or `[KIND NAME]` (`[link r1-r2]`);
 * keys are letters, digits, '_' and '-'. Three kinds are special:
 *
 *  - `[include]` with `files = a.ini; b.ini` reads those files first
 *    (paths relative to the including file); the including file then
 *    overrides them key by key. It is consumed while loading.
 *  - `[defaults KIND]` supplies keys to every `[KIND NAME]` section that
 *    does not set them itself. Defaults are resolved when a section is
 *    read, so an override of a default reaches every section of the kind.
 *  - Overrides from the command line, `--set SECTION.KEY=VALUE`, replace
 *    or add one key after loading (sim_scenario_set()).
 *
 * Every value remembers where it came from (file and line, or the
 * `--set` that made it) so that any later error can point at it, and
 * whether anybody read it, so that a misspelt key is reported
 * (sim_scenario_check_unused()) instead of silently ignored.
 *
 * docs/scenario-format.md describes the file format for users.
 */
#ifndef IPESIM_SIMSCENARIO_H
#define IPESIM_SIMSCENARIO_H

#include "simdefs.h"
#include "simtime.h"

G_BEGIN_DECLS

#define SIM_SCENARIO_ERROR (sim_scenario_error_quark())
typedef enum {
  SIM_SCENARIO_ERROR_IO,          /* the scenario file cannot be read */
  SIM_SCENARIO_ERROR_SYNTAX,      /* a line is not a header, KEY=VALUE or comment */
  SIM_SCENARIO_ERROR_SECTION,     /* a malformed or misplaced section header */
  SIM_SCENARIO_ERROR_DUPLICATE,   /* a key or section twice in one file */
  SIM_SCENARIO_ERROR_INCLUDE,     /* missing include file, include cycle */
  SIM_SCENARIO_ERROR_OVERRIDE,    /* malformed SECTION.KEY=VALUE */
  SIM_SCENARIO_ERROR_MISSING_KEY, /* a typed lookup of a key that is not set */
  SIM_SCENARIO_ERROR_UNKNOWN_KEY, /* sim_scenario_check_unused(): nobody read it */
  SIM_SCENARIO_ERROR_VALUE        /* a value a model refuses (unknown node, bad address, ...) */
} SimScenarioError;

SIM_API GQuark sim_scenario_error_quark(void);

typedef struct _SimScenario SimScenario;
typedef struct _SimScenarioSection SimScenarioSection;

/* Where a value or a section header came from. The strings belong to the
 * scenario and live as long as it. */
typedef struct {
  const char *file;   /* the file as it was opened; NULL for a --set */
  unsigned line;      /* 1-based; 0 for a --set */
  const char *where;  /* "FILE:LINE" or "--set SECTION.KEY", for messages */
  gboolean inherited; /* the value comes from the [defaults KIND] section */
} SimScenarioOrigin;

/**
 * sim_scenario_load:
 * @path: the scenario file
 * @error: SIM_SCENARIO_ERROR; every message starts with `FILE:LINE: `
 *   (or `FILE: ` when no line applies)
 *
 * Reads @path and the files it includes.
 * Returns: (transfer full) (nullable): the scenario, NULL with @error.
 */
SIM_API SimScenario *sim_scenario_load(const char *path, GError **error);

/**
 * sim_scenario_load_data:
 * @path: the name used in messages, for the scenario name and as the base
 *   of relative include paths; nothing is read from it
 * @data: the scenario text
 * @length: bytes of @data, or -1 when NUL-terminated
 * @error: as for sim_scenario_load()
 *
 * Returns: (transfer full) (nullable): the scenario, NULL with @error.
 */
SIM_API SimScenario *sim_scenario_load_data(const char *path, const char *data, gssize length,
                                            GError **error);

/**
 * sim_scenario_new:
 * @name: the scenario name (as for a manifest)
 *
 * An empty scenario, to be filled with sim_scenario_set() by programs
 * that build their scenario in C.
 * Returns: (transfer full): the scenario.
 */
SIM_API SimScenario *sim_scenario_new(const char *name);

/* Frees @sc and its sections; NULL is allowed. */
SIM_API void sim_scenario_free(SimScenario *sc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimScenario, sim_scenario_free)

/* The scenario name: the main file's base name without `.ini`. */
SIM_API const char *sim_scenario_name(const SimScenario *sc);

/* Files read, the main file first, then includes in the order they were
 * read; each file once. (array zero-terminated=1) (transfer none). */
SIM_API const char *const *sim_scenario_files(const SimScenario *sc);

/**
 * sim_scenario_set:
 * @sc: a scenario
 * @assignment: `SECTION.KEY=VALUE`, e.g. `link r1-r2.delay=5us` or
 *   `simulation.seed=7`; KEY is the text after the last '.' before the
 *   first '=' (keys never contain dots), SECTION everything before it
 * @error: SIM_SCENARIO_ERROR_OVERRIDE for a malformed assignment
 *
 * Replaces the value of KEY in SECTION, or adds it (and the section when
 * it does not exist). The value's origin becomes `--set SECTION.KEY`.
 * Blanks around SECTION, KEY and VALUE are ignored.
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_scenario_set(SimScenario *sc, const char *assignment, GError **error);

/* Sections in file order (included files first), without the
 * `[defaults KIND]` sections, which sim_scenario_get_section() still finds. */
SIM_API guint sim_scenario_n_sections(const SimScenario *sc);
SIM_API SimScenarioSection *sim_scenario_nth_section(const SimScenario *sc, guint i);

/**
 * sim_scenario_get_section:
 * @sc: a scenario
 * @header: the text between the brackets, e.g. `link r1-r2`, `simulation`,
 *   `defaults link`
 * Returns: (transfer none) (nullable): the section, NULL when absent.
 */
SIM_API SimScenarioSection *sim_scenario_get_section(const SimScenario *sc, const char *header);

/**
 * sim_scenario_check_unused:
 * @sc: a scenario whose sections have been read
 * @error: SIM_SCENARIO_ERROR_UNKNOWN_KEY
 *
 * Fails on the first key (in file order) that was never read, as
 * `FILE:LINE: unknown key 'dealy' in [link r1-r2]`. A key of a
 * `[defaults KIND]` section counts as read when some `[KIND NAME]`
 * section read it or its own value for it; it is reported only when
 * sections of that kind exist and none of them reads the key.
 * Returns: TRUE when every key was read.
 */
SIM_API gboolean sim_scenario_check_unused(const SimScenario *sc, GError **error);

/**
 * sim_scenario_to_keyfile_data:
 * @sc: a scenario
 * @length: (out) (optional): length of the result
 *
 * The resolved scenario as key-file text: includes and overrides applied,
 * `[defaults KIND]` sections kept as such, sections and keys in order,
 * values escaped as GKeyFile does. Loading it gives the same sections
 * and values. Reading values for the dump does not mark them used.
 * Returns: (transfer full): the text, free with g_free().
 */
SIM_API char *sim_scenario_to_keyfile_data(const SimScenario *sc, gsize *length);

/* ---- sections ------------------------------------------------------------ */

/* The header text between the brackets: `link r1-r2`. */
SIM_API const char *sim_scenario_section_header(const SimScenarioSection *section);
/* The first word of the header: `link`, `simulation`, `defaults`. */
SIM_API const char *sim_scenario_section_kind(const SimScenarioSection *section);
/* The rest of the header: `r1-r2`; NULL for a one-word header. */
SIM_API const char *sim_scenario_section_name(const SimScenarioSection *section);
/* Where the section header is (the last file that declared it) */
SIM_API void sim_scenario_section_origin(const SimScenarioSection *section,
                                         SimScenarioOrigin *origin);
/* The scenario that owns @section. */
SIM_API SimScenario *sim_scenario_section_scenario(const SimScenarioSection *section);

/**
 * sim_scenario_section_keys:
 * @section: a section
 * @n_keys: (out) (optional): number of keys
 *
 * The section's keys in order: its own keys, then those it inherits from
 * `[defaults KIND]` and does not set. Does not mark anything used.
 * Returns: (transfer container) (array zero-terminated=1): the key names
 *   (owned by the scenario, valid as long as it); free the array with
 *   g_free().
 */
SIM_API const char **sim_scenario_section_keys(const SimScenarioSection *section, guint *n_keys);

/**
 * sim_scenario_section_get:
 * @section: a section
 * @key: a key name
 * @origin: (out) (optional): where the value came from
 *
 * Looks @key up in @section, then in its `[defaults KIND]` section, and
 * marks it read.
 * Returns: (transfer none) (nullable): the value (escapes resolved,
 *   surrounding blanks removed), NULL when not set.
 */
SIM_API const char *sim_scenario_section_get(SimScenarioSection *section, const char *key,
                                             SimScenarioOrigin *origin);

/* TRUE if some value refers to this section's keys as ${HEADER.KEY}: it
 * holds parameters of the scenario rather than a model. */
SIM_API gboolean sim_scenario_section_is_variables(const SimScenarioSection *section);

/* TRUE if some value of @sc refers to ${HEADER.KEY} (blanks allowed as in
 * a reference) as written, before expansion. */
SIM_API gboolean sim_scenario_is_referenced(const SimScenario *sc, const char *header,
                                            const char *key);

/* As sim_scenario_section_get() without marking the key read. */
SIM_API const char *sim_scenario_section_peek(const SimScenarioSection *section, const char *key,
                                              SimScenarioOrigin *origin);

/* Typed lookups: sim_scenario_section_get() and the simtime/simunits
 * parser of the type. A key that is not set fails with
 * SIM_SCENARIO_ERROR_MISSING_KEY at the section header; a bad value keeps
 * the parser's error domain and code, its message prefixed with the
 * value's origin and key: `a.ini:7: [link r1-r2] delay: '5 parsecs': ...`.
 * @out is untouched on error. */
SIM_API gboolean sim_scenario_section_get_time(SimScenarioSection *section, const char *key,
                                               SimTime *out, GError **error);
SIM_API gboolean sim_scenario_section_get_rate(SimScenarioSection *section, const char *key,
                                               uint64_t *out, GError **error);
SIM_API gboolean sim_scenario_section_get_size(SimScenarioSection *section, const char *key,
                                               uint64_t *out, GError **error);
SIM_API gboolean sim_scenario_section_get_pkt_rate(SimScenarioSection *section, const char *key,
                                                   double *out, GError **error);
SIM_API gboolean sim_scenario_section_get_ratio(SimScenarioSection *section, const char *key,
                                                double *out, GError **error);
SIM_API gboolean sim_scenario_section_get_int(SimScenarioSection *section, const char *key,
                                              int64_t *out, GError **error);
SIM_API gboolean sim_scenario_section_get_uint(SimScenarioSection *section, const char *key,
                                               uint64_t *out, GError **error);
SIM_API gboolean sim_scenario_section_get_double(SimScenarioSection *section, const char *key,
                                                 double *out, GError **error);
SIM_API gboolean sim_scenario_section_get_bool(SimScenarioSection *section, const char *key,
                                               gboolean *out, GError **error);

G_END_DECLS

#endif /* IPESIM_SIMSCENARIO_H */
