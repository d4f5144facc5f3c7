/* simscenario.c - loading scenario files: key-file syntax with positions,
 * includes, per-kind defaults, command-line overrides, unused keys.
 *
 * Each file is read twice. A line scanner of our own goes first: it
 * applies GKeyFile's line rules (leading blanks skipped, `#` comments,
 * `[header]`, `key = value` with the key's trailing blanks dropped), is
 * stricter about names (keys are [A-Za-z0-9_-]; a key or section twice in
 * one file is an error) and records the 1-based line of every header and
 * key. GKeyFile then parses the same text and supplies the values (its
 * escape rules). GKeyFile's own errors carry no line number, which is why
 * the scanner checks the syntax first; if GKeyFile still objects, the line
 * it quotes is looked up to give its number.
 *
 * The resolved scenario is a list of sections in order, each an ordered
 * list of entries (key, value, origin, used flag) with a hash index.
 * Including works by merging: included files are merged first, then the
 * including file's sections, key by key (a replaced key keeps its place
 * and takes the new origin). `[defaults KIND]` sections are merged like any
 * other and resolved only on lookup, so a --set on a default reaches every
 * section of the kind. Reading a section's own key also marks the default
 * of the same key read: the key is then known to the kind, and a default
 * that every section overrides is not reported as unused.
 */
#define G_LOG_DOMAIN "ipesim-scenario"
#include "config.h"

#include "simscenario.h"
#include "simunits.h"

#include <string.h>

G_DEFINE_QUARK(sim-scenario-error-quark, sim_scenario_error)

typedef struct {
  char *key;
  char *value;
  const char *file; /* points into SimScenario.names; NULL for a --set */
  unsigned line;
  char *where;
  gboolean used;
  char *expanded; /* value with ${SECTION.KEY} references replaced, cached */
} Entry;

struct _SimScenarioSection {
  SimScenario *sc;
  char *header;
  char *kind;
  char *name;            /* NULL for a one-word header */
  char *defaults_header; /* "defaults KIND" when defaults apply, else NULL */
  const char *file;
  unsigned line;
  char *where;
  GPtrArray *entries; /* Entry *, in order, owned */
  GHashTable *index;  /* key -> Entry * */
};

struct _SimScenario {
  char *name;
  GPtrArray *files;      /* char *, as opened, each file once, NULL-terminated */
  GHashTable *canonical; /* canonical paths of the files in @files */
  GHashTable *names;     /* every name a file was opened under (origins point here) */
  GPtrArray *sections;   /* SimScenarioSection *, all, in order, owned */
  GPtrArray *plain;      /* the same without [defaults KIND], not owned */
  GHashTable *by_header; /* header -> SimScenarioSection * */
};

/* ---- names ------------------------------------------------------------------ */

static gboolean
is_word_char(char c)
{
  return g_ascii_isalnum(c) || c == '_' || c == '-';
}

static gboolean
is_word(const char *s, size_t len)
{
  if (len == 0)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!is_word_char(s[i]))
      return FALSE;
  return TRUE;
}

/* Checks a section header; on success sets @kind and @name (NULL for a
 * one-word header), both newly allocated. On failure returns a message
 * saying what is wrong. */
static char *
check_header(const char *header, char **kind, char **name)
{
  size_t len = strlen(header);
  if (len == 0)
    return g_strdup("empty section header");
  if (g_ascii_isspace(header[0]) || g_ascii_isspace(header[len - 1]))
    return g_strdup_printf("blanks around the section header '%s'", header);
  const char *space = strchr(header, ' ');
  size_t kind_len = space ? (size_t)(space - header) : len;
  if (!is_word(header, kind_len))
    return g_strdup_printf("bad section header '%s': expected [KIND] or [KIND NAME], KIND made of "
                           "letters, digits, '_' and '-'",
                           header);
  const char *nm = space ? space + 1 : NULL;
  if (nm != NULL) {
    if (g_ascii_isspace(*nm))
      return g_strdup_printf("bad section header '%s': one blank between KIND and NAME", header);
    for (const char *c = nm; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '[' || *c == ']')
        return g_strdup_printf("bad section header '%s': NAME has a control character or "
                               "bracket",
                               header);
  }
  if (kind_len == 7 && memcmp(header, "include", 7) == 0 && nm != NULL)
    return g_strdup_printf("bad section header '%s': expected [include] without a name", header);
  if (kind_len == 8 && memcmp(header, "defaults", 8) == 0) {
    if (nm == NULL || !is_word(nm, strlen(nm)))
      return g_strdup_printf("bad section header '%s': expected [defaults KIND], e.g. "
                             "[defaults link]",
                             header);
  }
  *kind = g_strndup(header, kind_len);
  *name = g_strdup(nm);
  return NULL;
}

/* ---- the resolved scenario ------------------------------------------------------- */

static void
entry_free(gpointer data)
{
  Entry *e = data;
  g_free(e->key);
  g_free(e->value);
  g_free(e->where);
  g_free(e->expanded);
  g_free(e);
}

static void
section_free(gpointer data)
{
  SimScenarioSection *s = data;
  g_hash_table_destroy(s->index);
  g_ptr_array_free(s->entries, TRUE);
  g_free(s->header);
  g_free(s->kind);
  g_free(s->name);
  g_free(s->defaults_header);
  g_free(s->where);
  g_free(s);
}

static SimScenario *
scenario_alloc(const char *name)
{
  SimScenario *sc = g_new0(SimScenario, 1);
  sc->name = g_strdup(name);
  sc->files = g_ptr_array_new_null_terminated(4, g_free, TRUE);
  sc->canonical = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  sc->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  sc->sections = g_ptr_array_new_with_free_func(section_free);
  sc->plain = g_ptr_array_new();
  sc->by_header = g_hash_table_new(g_str_hash, g_str_equal);
  return sc;
}

SimScenario *
sim_scenario_new(const char *name)
{
  g_return_val_if_fail(name != NULL, NULL);
  return scenario_alloc(name);
}

void
sim_scenario_free(SimScenario *sc)
{
  if (sc == NULL)
    return;
  g_hash_table_destroy(sc->by_header);
  g_ptr_array_free(sc->plain, TRUE);
  g_ptr_array_free(sc->sections, TRUE);
  g_hash_table_destroy(sc->names);
  g_hash_table_destroy(sc->canonical);
  g_ptr_array_free(sc->files, TRUE);
  g_free(sc->name);
  g_free(sc);
}

/* Finds or creates the section @header (already checked); a new
 * declaration moves the header's origin to it. */
static SimScenarioSection *
ensure_section(SimScenario *sc, const char *header, const char *file, unsigned line,
               const char *where)
{
  SimScenarioSection *s = g_hash_table_lookup(sc->by_header, header);
  if (s != NULL) {
    if (file != NULL) {
      s->file = file;
      s->line = line;
      g_free(s->where);
      s->where = g_strdup(where);
    }
    return s;
  }
  s = g_new0(SimScenarioSection, 1);
  char *msg = check_header(header, &s->kind, &s->name);
  g_assert(msg == NULL);
  s->sc = sc;
  s->header = g_strdup(header);
  if (s->name != NULL && strcmp(s->kind, "defaults") != 0)
    s->defaults_header = g_strconcat("defaults ", s->kind, NULL);
  s->file = file;
  s->line = line;
  s->where = g_strdup(where);
  s->entries = g_ptr_array_new_with_free_func(entry_free);
  s->index = g_hash_table_new(g_str_hash, g_str_equal);
  g_ptr_array_add(sc->sections, s);
  if (strcmp(s->kind, "defaults") != 0)
    g_ptr_array_add(sc->plain, s);
  g_hash_table_insert(sc->by_header, s->header, s);
  return s;
}

/* Sets @key in @s, replacing the value in place or appending. Takes
 * @value and @where. */
static void
section_put(SimScenarioSection *s, const char *key, char *value, const char *file,
            unsigned line, char *where)
{
  Entry *e = g_hash_table_lookup(s->index, key);
  if (e == NULL) {
    e = g_new0(Entry, 1);
    e->key = g_strdup(key);
    g_ptr_array_add(s->entries, e);
    g_hash_table_insert(s->index, e->key, e);
  }
  g_free(e->value);
  g_free(e->where);
  e->value = value;
  e->file = file;
  e->line = line;
  e->where = where;
}

/* ---- reading one file -------------------------------------------------------------- */

typedef struct {
  char *key;
  unsigned line;
} ScanKey;

typedef struct {
  char *header;
  unsigned line;
  GPtrArray *keys;    /* ScanKey *, in order */
  GHashTable *lines;  /* key -> ScanKey * */
} ScanGroup;

static void
scan_key_free(gpointer data)
{
  ScanKey *k = data;
  g_free(k->key);
  g_free(k);
}

static void
scan_group_free(gpointer data)
{
  ScanGroup *g = data;
  g_hash_table_destroy(g->lines);
  g_ptr_array_free(g->keys, TRUE);
  g_free(g->header);
  g_free(g);
}

/* One line of the text, without its '\n' (and a '\r' before it). */
static char *
next_line(const char **p, const char *end)
{
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  const char *le = nl ? nl : end;
  char *line = g_strndup(*p, (gsize)(le - *p));
  *p = nl ? nl + 1 : end;
  return line;
}

/* Records the headers and keys of @data with their lines, checking the
 * syntax. @file names the file in messages. */
static gboolean
scan_text(const char *file, const char *data, gsize len, GPtrArray *groups, GError **error)
{
  const char *nul = memchr(data, '\0', len);
  if (nul != NULL) {
    unsigned at = 1;
    for (const char *c = data; c < nul; c++)
      at += *c == '\n';
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                "%s:%u: the line contains a NUL byte", file, at);
    return FALSE;
  }

  GHashTable *by_header = g_hash_table_new(g_str_hash, g_str_equal);
  const char *p = data, *end = data + len;
  ScanGroup *cur = NULL;
  unsigned lineno = 0;
  gboolean ok = TRUE;

  while (ok && p < end) {
    lineno++;
    char *line = next_line(&p, end);
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\r')
      line[--n] = '\0';
    const char *s = line;
    while (g_ascii_isspace(*s))
      s++;

    if (!g_utf8_validate(line, (gssize)n, NULL)) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                  "%s:%u: the line is not valid UTF-8", file, lineno);
      ok = FALSE;
    } else if (*s == '\0' || *s == '#') {
      /* blank line or comment */
    } else if (*s == '[') {
      const char *close = strchr(s, ']');
      const char *after = close ? close + 1 : NULL;
      while (after && (*after == ' ' || *after == '\t'))
        after++;
      if (after == NULL || *after != '\0') {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                    "%s:%u: expected a section header [KIND] or [KIND NAME], got '%s'", file,
                    lineno, s);
        ok = FALSE;
      } else {
        char *header = g_strndup(s + 1, (gsize)(close - s - 1));
        char *kind = NULL, *name = NULL;
        char *msg = check_header(header, &kind, &name);
        ScanGroup *prev = g_hash_table_lookup(by_header, header);
        if (msg != NULL) {
          g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SECTION, "%s:%u: %s", file,
                      lineno, msg);
          ok = FALSE;
        } else if (prev != NULL) {
          g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_DUPLICATE,
                      "%s:%u: section [%s] appears twice in this file (first at line %u)", file,
                      lineno, header, prev->line);
          ok = FALSE;
        } else {
          cur = g_new0(ScanGroup, 1);
          cur->header = g_steal_pointer(&header);
          cur->line = lineno;
          cur->keys = g_ptr_array_new_with_free_func(scan_key_free);
          cur->lines = g_hash_table_new(g_str_hash, g_str_equal);
          g_ptr_array_add(groups, cur);
          g_hash_table_insert(by_header, cur->header, cur);
        }
        g_free(msg);
        g_free(kind);
        g_free(name);
        g_free(header);
      }
    } else {
      const char *eq = strchr(s, '=');
      char *key = eq ? g_strchomp(g_strndup(s, (gsize)(eq - s))) : NULL;
      ScanKey *prev = (key && cur) ? g_hash_table_lookup(cur->lines, key) : NULL;
      if (key == NULL || key[0] == '\0') {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                    "%s:%u: expected [SECTION], KEY = VALUE or a # comment, got '%s'", file,
                    lineno, s);
        ok = FALSE;
      } else if (cur == NULL) {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                    "%s:%u: key '%s' before the first [SECTION] header", file, lineno, key);
        ok = FALSE;
      } else if (!is_word(key, strlen(key))) {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                    "%s:%u: bad key name '%s' in [%s] (letters, digits, '_' and '-' only)", file,
                    lineno, key, cur->header);
        ok = FALSE;
      } else if (prev != NULL) {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_DUPLICATE,
                    "%s:%u: key '%s' set twice in [%s] (first at line %u)", file, lineno, key,
                    cur->header, prev->line);
        ok = FALSE;
      } else {
        ScanKey *k = g_new0(ScanKey, 1);
        k->key = g_steal_pointer(&key);
        k->line = lineno;
        g_ptr_array_add(cur->keys, k);
        g_hash_table_insert(cur->lines, k->key, k);
      }
      g_free(key);
    }
    g_free(line);
  }
  g_hash_table_destroy(by_header);
  return ok;
}

/* Turns a GKeyFile load error into one with FILE:LINE. GKeyFile quotes the
 * offending line between curly quotes; its number is looked up. */
static void
keyfile_error(const char *file, const char *data, gsize len, GError *kerr, GError **error)
{
  unsigned found = 0;
  const char *open = strstr(kerr->message, "\xe2\x80\x9c"); /* U+201C */
  const char *close = open ? strstr(open + 3, "\xe2\x80\x9d") : NULL; /* U+201D */
  if (close != NULL) {
    char *quoted = g_strndup(open + 3, (gsize)(close - open - 3));
    const char *p = data, *end = data + len;
    for (unsigned lineno = 1; p < end && found == 0; lineno++) {
      char *line = next_line(&p, end);
      if (strcmp(g_strstrip(line), quoted) == 0)
        found = lineno;
      g_free(line);
    }
    g_free(quoted);
  }
  if (found > 0)
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX, "%s:%u: %s", file, found,
                kerr->message);
  else
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX, "%s: %s", file,
                kerr->message);
  g_error_free(kerr);
}

typedef struct {
  SimScenario *sc;
  GPtrArray *stack; /* canonical paths of the files being read, outermost first */
  GPtrArray *shown; /* the same as opened, for messages */
} Loader;

static gboolean load_file(Loader *ld, const char *path, const char *data, gssize length,
                          const char *include_where, GError **error);

/* The value of @key in @group as GKeyFile reads it, blanks stripped. */
static char *
keyfile_value(GKeyFile *kf, const char *file, const ScanGroup *g, const ScanKey *k,
              GError **error)
{
  GError *kerr = NULL;
  char *value = g_key_file_get_string(kf, g->header, k->key, &kerr);
  if (kerr != NULL) { /* an invalid escape sets the error yet returns a value */
    g_free(value);
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX,
                "%s:%u: bad value of '%s' in [%s]: %s", file, k->line, k->key, g->header,
                kerr->message);
    g_error_free(kerr);
    return NULL;
  }
  return g_strstrip(value);
}

static gboolean
load_includes(Loader *ld, GKeyFile *kf, const char *file, const ScanGroup *g, GError **error)
{
  const ScanKey *files_key = NULL;
  for (guint i = 0; i < g->keys->len; i++) {
    const ScanKey *k = g_ptr_array_index(g->keys, i);
    if (strcmp(k->key, "files") != 0) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE,
                  "%s:%u: unknown key '%s' in [include] (the only key is 'files')", file,
                  k->line, k->key);
      return FALSE;
    }
    files_key = k;
  }
  if (files_key == NULL) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE,
                "%s:%u: [include] without a 'files' key", file, g->line);
    return FALSE;
  }
  char *value = keyfile_value(kf, file, g, files_key, error);
  if (value == NULL)
    return FALSE;
  char *where = g_strdup_printf("%s:%u", file, files_key->line);
  char *dir = g_path_get_dirname(file);
  char **items = g_strsplit_set(value, ";,", -1);
  gboolean ok = TRUE;
  for (char **it = items; ok && *it; it++) {
    char *item = g_strstrip(*it);
    if (*item == '\0')
      continue;
    char *path = g_path_is_absolute(item) ? g_strdup(item) : g_build_filename(dir, item, NULL);
    ok = load_file(ld, path, NULL, 0, where, error);
    g_free(path);
  }
  g_strfreev(items);
  g_free(dir);
  g_free(where);
  g_free(value);
  return ok;
}

static gboolean
load_file(Loader *ld, const char *path, const char *data, gssize length,
          const char *include_where, GError **error)
{
  SimScenario *sc = ld->sc;
  char *canonical = g_canonicalize_filename(path, NULL);
  for (guint i = 0; i < ld->stack->len; i++) {
    if (strcmp(g_ptr_array_index(ld->stack, i), canonical) == 0) {
      GString *chain = g_string_new(NULL);
      for (guint j = i; j < ld->shown->len; j++)
        g_string_append_printf(chain, "%s -> ", (const char *)g_ptr_array_index(ld->shown, j));
      g_string_append(chain, path);
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE,
                  "%s: include cycle: %s", include_where, chain->str);
      g_string_free(chain, TRUE);
      g_free(canonical);
      return FALSE;
    }
  }

  char *contents = NULL;
  gsize len;
  if (data == NULL) {
    GError *ferr = NULL;
    if (!g_file_get_contents(path, &contents, &len, &ferr)) {
      if (include_where != NULL)
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE,
                    "%s: cannot include '%s': %s", include_where, path, ferr->message);
      else
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO,
                    "%s: cannot read the scenario: %s", path, ferr->message);
      g_error_free(ferr);
      g_free(canonical);
      return FALSE;
    }
    data = contents;
  } else {
    len = length < 0 ? strlen(data) : (gsize)length;
  }

  /* The file's name as messages and origins show it, stored once. */
  const char *file = g_hash_table_lookup(sc->names, path);
  if (file == NULL) {
    char *copy = g_strdup(path);
    g_hash_table_insert(sc->names, copy, copy);
    file = copy;
  }
  if (!g_hash_table_contains(sc->canonical, canonical)) {
    g_hash_table_add(sc->canonical, g_strdup(canonical));
    g_ptr_array_add(sc->files, g_strdup(path));
  }

  g_ptr_array_add(ld->stack, canonical);
  g_ptr_array_add(ld->shown, (gpointer)file);

  GPtrArray *groups = g_ptr_array_new_with_free_func(scan_group_free);
  GKeyFile *kf = g_key_file_new();
  GError *kerr = NULL;
  gboolean ok = scan_text(file, data, len, groups, error);
  if (ok && !g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &kerr)) {
    keyfile_error(file, data, len, kerr, error);
    ok = FALSE;
  }

  /* Included files first, so that this file overrides them. */
  for (guint i = 0; ok && i < groups->len; i++) {
    const ScanGroup *g = g_ptr_array_index(groups, i);
    if (strcmp(g->header, "include") == 0)
      ok = load_includes(ld, kf, file, g, error);
  }
  for (guint i = 0; ok && i < groups->len; i++) {
    const ScanGroup *g = g_ptr_array_index(groups, i);
    if (strcmp(g->header, "include") == 0)
      continue;
    char *where = g_strdup_printf("%s:%u", file, g->line);
    SimScenarioSection *s = ensure_section(sc, g->header, file, g->line, where);
    g_free(where);
    for (guint j = 0; ok && j < g->keys->len; j++) {
      const ScanKey *k = g_ptr_array_index(g->keys, j);
      char *value = keyfile_value(kf, file, g, k, error);
      if (value == NULL)
        ok = FALSE;
      else
        section_put(s, k->key, value, file, k->line, g_strdup_printf("%s:%u", file, k->line));
    }
  }

  g_key_file_free(kf);
  g_ptr_array_free(groups, TRUE);
  g_ptr_array_remove_index(ld->shown, ld->shown->len - 1);
  g_ptr_array_remove_index(ld->stack, ld->stack->len - 1);
  g_free(canonical);
  g_free(contents);
  return ok;
}

static char *
name_from_path(const char *path)
{
  char *base = g_path_get_basename(path);
  if (g_str_has_suffix(base, ".ini") && strlen(base) > 4)
    base[strlen(base) - 4] = '\0';
  return base;
}

SimScenario *
sim_scenario_load_data(const char *path, const char *data, gssize length, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(data != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  char *name = name_from_path(path);
  SimScenario *sc = scenario_alloc(name);
  g_free(name);
  Loader ld = { sc, g_ptr_array_new(), g_ptr_array_new() };
  gboolean ok = load_file(&ld, path, data, length, NULL, error);
  g_ptr_array_free(ld.stack, TRUE);
  g_ptr_array_free(ld.shown, TRUE);
  if (!ok) {
    sim_scenario_free(sc);
    return NULL;
  }
  return sc;
}

SimScenario *
sim_scenario_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  char *name = name_from_path(path);
  SimScenario *sc = scenario_alloc(name);
  g_free(name);
  Loader ld = { sc, g_ptr_array_new(), g_ptr_array_new() };
  gboolean ok = load_file(&ld, path, NULL, 0, NULL, error);
  g_ptr_array_free(ld.stack, TRUE);
  g_ptr_array_free(ld.shown, TRUE);
  if (!ok) {
    sim_scenario_free(sc);
    return NULL;
  }
  return sc;
}

/* ---- the scenario ------------------------------------------------------------------------ */

const char *
sim_scenario_name(const SimScenario *sc)
{
  g_return_val_if_fail(sc != NULL, NULL);
  return sc->name;
}

const char *const *
sim_scenario_files(const SimScenario *sc)
{
  static const char *const none[] = { NULL };
  g_return_val_if_fail(sc != NULL, NULL);
  if (sc->files->len == 0)
    return none;
  return (const char *const *)sc->files->pdata;
}

static void forget_expansions(SimScenario *sc);
static void mark_references_used(SimScenario *sc, const char *text);

gboolean
sim_scenario_set(SimScenario *sc, const char *assignment, GError **error)
{
  g_return_val_if_fail(sc != NULL, FALSE);
  g_return_val_if_fail(assignment != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

  const char *eq = strchr(assignment, '=');
  char *left = eq ? g_strndup(assignment, (gsize)(eq - assignment)) : NULL;
  char *dot = left ? strrchr(left, '.') : NULL;
  if (dot == NULL) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE,
                "--set '%s': expected SECTION.KEY=VALUE, e.g. 'link r1-r2.delay=5us'",
                assignment);
    g_free(left);
    return FALSE;
  }
  *dot = '\0';
  char *header = g_strstrip(left);
  char *key = g_strstrip(dot + 1);
  char *kind = NULL, *name = NULL;
  char *msg = NULL;
  gboolean ok = FALSE;
  if (!is_word(key, strlen(key))) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE,
                "--set '%s': bad key name '%s' (letters, digits, '_' and '-' only)", assignment,
                key);
  } else if ((msg = check_header(header, &kind, &name)) != NULL) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE, "--set '%s': %s",
                assignment, msg);
  } else if (strcmp(kind, "include") == 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE,
                "--set '%s': [include] is read when loading and cannot be set", assignment);
  } else if (!g_utf8_validate(eq + 1, -1, NULL)) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE,
                "--set '%s': the value is not valid UTF-8", assignment);
  } else {
    char *where = g_strdup_printf("--set %s.%s", header, key);
    SimScenarioSection *s = ensure_section(sc, header, NULL, 0, where);
    Entry *old = g_hash_table_lookup(s->index, key);
    if (old != NULL)
      mark_references_used(sc, old->value);
    section_put(s, key, g_strstrip(g_strdup(eq + 1)), NULL, 0, where);
    forget_expansions(sc);
    ok = TRUE;
  }
  g_free(msg);
  g_free(kind);
  g_free(name);
  g_free(left);
  return ok;
}

guint
sim_scenario_n_sections(const SimScenario *sc)
{
  g_return_val_if_fail(sc != NULL, 0);
  return sc->plain->len;
}

SimScenarioSection *
sim_scenario_nth_section(const SimScenario *sc, guint i)
{
  g_return_val_if_fail(sc != NULL, NULL);
  g_return_val_if_fail(i < sc->plain->len, NULL);
  return g_ptr_array_index(sc->plain, i);
}

SimScenarioSection *
sim_scenario_get_section(const SimScenario *sc, const char *header)
{
  g_return_val_if_fail(sc != NULL, NULL);
  g_return_val_if_fail(header != NULL, NULL);
  return g_hash_table_lookup(sc->by_header, header);
}

/* Is there a [KIND NAME] section that [defaults KIND] applies to? */
static gboolean
kind_has_sections(const SimScenario *sc, const char *kind)
{
  for (guint i = 0; i < sc->plain->len; i++) {
    const SimScenarioSection *s = g_ptr_array_index(sc->plain, i);
    if (s->defaults_header != NULL && strcmp(s->kind, kind) == 0)
      return TRUE;
  }
  return FALSE;
}

gboolean
sim_scenario_check_unused(const SimScenario *sc, GError **error)
{
  g_return_val_if_fail(sc != NULL, FALSE);
  for (guint i = 0; i < sc->sections->len; i++) {
    const SimScenarioSection *s = g_ptr_array_index(sc->sections, i);
    gboolean is_defaults = strcmp(s->kind, "defaults") == 0;
    if (is_defaults && !kind_has_sections(sc, s->name))
      continue;
    for (guint j = 0; j < s->entries->len; j++) {
      const Entry *e = g_ptr_array_index(s->entries, j);
      if (e->used)
        continue;
      if (is_defaults)
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_UNKNOWN_KEY,
                    "%s: unknown key '%s' in [%s] (no [%s ...] section uses it)", e->where,
                    e->key, s->header, s->name);
      else
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_UNKNOWN_KEY,
                    "%s: unknown key '%s' in [%s]", e->where, e->key, s->header);
      return FALSE;
    }
  }
  return TRUE;
}

char *
sim_scenario_to_keyfile_data(const SimScenario *sc, gsize *length)
{
  g_return_val_if_fail(sc != NULL, NULL);
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "# Scenario '%s' as resolved by ipesim: includes and --set "
                              "overrides applied.\n",
                         sc->name);
  if (sc->files->len > 0)
    g_string_append(out, "# Files read, in order:\n");
  for (guint i = 0; i < sc->files->len; i++)
    g_string_append_printf(out, "#   %s\n", (const char *)g_ptr_array_index(sc->files, i));
  /* GKeyFile's own escaping, through a scratch key file. */
  GKeyFile *scratch = g_key_file_new();
  for (guint i = 0; i < sc->sections->len; i++) {
    const SimScenarioSection *s = g_ptr_array_index(sc->sections, i);
    g_string_append_printf(out, "\n[%s]\n", s->header);
    for (guint j = 0; j < s->entries->len; j++) {
      const Entry *e = g_ptr_array_index(s->entries, j);
      g_key_file_set_string(scratch, "s", "k", e->value);
      char *escaped = g_key_file_get_value(scratch, "s", "k", NULL);
      g_string_append_printf(out, "%s = %s\n", e->key, escaped);
      g_free(escaped);
    }
  }
  g_key_file_free(scratch);
  if (length != NULL)
    *length = out->len;
  return g_string_free(out, FALSE);
}

/* ---- sections ---------------------------------------------------------------------------- */

const char *
sim_scenario_section_header(const SimScenarioSection *section)
{
  g_return_val_if_fail(section != NULL, NULL);
  return section->header;
}

const char *
sim_scenario_section_kind(const SimScenarioSection *section)
{
  g_return_val_if_fail(section != NULL, NULL);
  return section->kind;
}

const char *
sim_scenario_section_name(const SimScenarioSection *section)
{
  g_return_val_if_fail(section != NULL, NULL);
  return section->name;
}

void
sim_scenario_section_origin(const SimScenarioSection *section, SimScenarioOrigin *origin)
{
  g_return_if_fail(section != NULL);
  g_return_if_fail(origin != NULL);
  origin->file = section->file;
  origin->line = section->line;
  origin->where = section->where;
  origin->inherited = FALSE;
}

SimScenario *
sim_scenario_section_scenario(const SimScenarioSection *section)
{
  g_return_val_if_fail(section != NULL, NULL);
  return section->sc;
}

static SimScenarioSection *
defaults_of(const SimScenarioSection *s)
{
  if (s->defaults_header == NULL)
    return NULL;
  return g_hash_table_lookup(s->sc->by_header, s->defaults_header);
}

const char **
sim_scenario_section_keys(const SimScenarioSection *section, guint *n_keys)
{
  g_return_val_if_fail(section != NULL, NULL);
  const SimScenarioSection *d = defaults_of(section);
  GPtrArray *keys = g_ptr_array_new();
  for (guint i = 0; i < section->entries->len; i++)
    g_ptr_array_add(keys, ((Entry *)g_ptr_array_index(section->entries, i))->key);
  for (guint i = 0; d != NULL && i < d->entries->len; i++) {
    Entry *e = g_ptr_array_index(d->entries, i);
    if (!g_hash_table_contains(section->index, e->key))
      g_ptr_array_add(keys, e->key);
  }
  if (n_keys != NULL)
    *n_keys = keys->len;
  g_ptr_array_add(keys, NULL);
  return (const char **)g_ptr_array_free(keys, FALSE);
}

/* The entry for @key, own or inherited. */
static Entry *
find_entry(const SimScenarioSection *s, const char *key, gboolean *inherited)
{
  Entry *e = g_hash_table_lookup(s->index, key);
  *inherited = FALSE;
  if (e == NULL) {
    const SimScenarioSection *d = defaults_of(s);
    if (d != NULL && (e = g_hash_table_lookup(d->index, key)) != NULL)
      *inherited = TRUE;
  }
  return e;
}

static void
fill_origin(const Entry *e, gboolean inherited, SimScenarioOrigin *origin)
{
  if (origin == NULL)
    return;
  origin->file = e->file;
  origin->line = e->line;
  origin->where = e->where;
  origin->inherited = inherited;
}

/* ---- ${SECTION.KEY} references ---------------------------------------------------
 * A value may name another key's value as ${SECTION.KEY} (the key is the
 * part after the last dot), e.g. `rows = ${grid.k}`: scenarios keep their
 * knobs in one section that --set changes. References are expanded when a
 * value is read (after overrides), recursively up to a depth of 8; the
 * referenced key counts as read. An unknown reference stays as written, so
 * the parser of the value reports it with its origin. */

static void
forget_expansions(SimScenario *sc)
{
  for (guint i = 0; i < sc->sections->len; i++) {
    SimScenarioSection *s = sc->sections->pdata[i];
    for (guint j = 0; j < s->entries->len; j++) {
      Entry *e = s->entries->pdata[j];
      g_clear_pointer(&e->expanded, g_free);
    }
  }
}

static const char *entry_value(SimScenario *sc, Entry *e, int depth);
static char *expand(SimScenario *sc, const char *text, int depth);

/* An override replaces a value that referred to parameters: those
 * parameters were meant for it, so they do not become unknown keys. */
static void
mark_references_used(SimScenario *sc, const char *text)
{
  char *expanded = expand(sc, text, 0);
  g_free(expanded); /* expanding marks every referenced key used */
}

static char *
expand(SimScenario *sc, const char *text, int depth)
{
  const char *ref = strstr(text, "${");
  if (ref == NULL || depth > 8)
    return g_strdup(text);
  GString *out = g_string_new(NULL);
  const char *p = text;
  while ((ref = strstr(p, "${")) != NULL) {
    const char *close = strchr(ref + 2, '}');
    if (close == NULL)
      break;
    g_string_append_len(out, p, ref - p);
    char *inner = g_strndup(ref + 2, (gsize)(close - ref - 2));
    char *dot = strrchr(inner, '.');
    const char *value = NULL;
    if (dot != NULL) {
      *dot = '\0';
      SimScenarioSection *s = g_hash_table_lookup(sc->by_header, g_strstrip(inner));
      if (s != NULL) {
        gboolean inherited;
        Entry *e = find_entry(s, g_strstrip(dot + 1), &inherited);
        if (e != NULL) {
          e->used = TRUE;
          value = entry_value(sc, e, depth + 1);
        }
      }
    }
    if (value != NULL)
      g_string_append(out, value);
    else
      g_string_append_len(out, ref, close + 1 - ref);
    g_free(inner);
    p = close + 1;
  }
  g_string_append(out, p);
  return g_string_free(out, FALSE);
}

static const char *
entry_value(SimScenario *sc, Entry *e, int depth)
{
  if (strstr(e->value, "${") == NULL)
    return e->value;
  if (e->expanded == NULL)
    e->expanded = expand(sc, e->value, depth);
  return e->expanded;
}

gboolean
sim_scenario_section_is_variables(const SimScenarioSection *section)
{
  g_return_val_if_fail(section != NULL, FALSE);
  char *needle = g_strdup_printf("${%s.", section->header);
  gboolean found = FALSE;
  const SimScenario *sc = section->sc;
  for (guint i = 0; i < sc->sections->len && !found; i++) {
    SimScenarioSection *s = sc->sections->pdata[i];
    for (guint j = 0; j < s->entries->len && !found; j++) {
      Entry *e = s->entries->pdata[j];
      found = strstr(e->value, needle) != NULL;
    }
  }
  g_free(needle);
  return found;
}

gboolean
sim_scenario_is_referenced(const SimScenario *sc, const char *header, const char *key)
{
  g_return_val_if_fail(sc != NULL && header != NULL && key != NULL, FALSE);
  for (guint i = 0; i < sc->sections->len; i++) {
    SimScenarioSection *s = sc->sections->pdata[i];
    for (guint j = 0; j < s->entries->len; j++) {
      const char *p = ((Entry *)s->entries->pdata[j])->value;
      while ((p = strstr(p, "${")) != NULL) {
        const char *close = strchr(p + 2, '}');
        if (!close)
          break;
        g_autofree char *inner = g_strndup(p + 2, (gsize)(close - p - 2));
        char *dot = strrchr(inner, '.');
        if (dot) {
          *dot = '\0';
          if (strcmp(g_strstrip(inner), header) == 0 && strcmp(g_strstrip(dot + 1), key) == 0)
            return TRUE;
        }
        p = close + 1;
      }
    }
  }
  return FALSE;
}

const char *
sim_scenario_section_peek(const SimScenarioSection *section, const char *key,
                          SimScenarioOrigin *origin)
{
  g_return_val_if_fail(section != NULL, NULL);
  g_return_val_if_fail(key != NULL, NULL);
  gboolean inherited;
  Entry *e = find_entry(section, key, &inherited);
  if (e == NULL)
    return NULL;
  fill_origin(e, inherited, origin);
  return entry_value(section->sc, e, 0);
}

const char *
sim_scenario_section_get(SimScenarioSection *section, const char *key, SimScenarioOrigin *origin)
{
  g_return_val_if_fail(section != NULL, NULL);
  g_return_val_if_fail(key != NULL, NULL);
  gboolean inherited;
  Entry *e = find_entry(section, key, &inherited);
  if (e == NULL)
    return NULL;
  e->used = TRUE;
  if (!inherited) {
    /* The key is known to this kind: its default is not unused. */
    SimScenarioSection *d = defaults_of(section);
    Entry *de = d ? g_hash_table_lookup(d->index, key) : NULL;
    if (de != NULL)
      de->used = TRUE;
  }
  fill_origin(e, inherited, origin);
  return entry_value(section->sc, e, 0);
}

/* The value for a typed lookup, or SIM_SCENARIO_ERROR_MISSING_KEY. */
static const char *
typed_value(SimScenarioSection *s, const char *key, SimScenarioOrigin *origin, GError **error)
{
  const char *value = sim_scenario_section_get(s, key, origin);
  if (value == NULL)
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY,
                "%s: missing key '%s' in [%s]", s->where, key, s->header);
  return value;
}

/* One typed lookup per parser; the parsers leave @out alone on error. */
#define DEFINE_TYPED_GET(suffix, ctype, parse)                                                   \
  gboolean sim_scenario_section_get_##suffix(SimScenarioSection *section, const char *key,      \
                                             ctype *out, GError **error)                         \
  {                                                                                              \
    g_return_val_if_fail(section != NULL, FALSE);                                                \
    g_return_val_if_fail(key != NULL, FALSE);                                                    \
    g_return_val_if_fail(out != NULL, FALSE);                                                    \
    SimScenarioOrigin origin;                                                                    \
    GError *local = NULL;                                                                        \
    const char *text = typed_value(section, key, &origin, error);                                \
    if (text == NULL)                                                                            \
      return FALSE;                                                                              \
    if (!parse(text, out, &local)) {                                                             \
      g_propagate_prefixed_error(error, local, "%s: [%s] %s: ", origin.where, section->header,  \
                                 key);                                                           \
      return FALSE;                                                                              \
    }                                                                                            \
    return TRUE;                                                                                 \
  }

DEFINE_TYPED_GET(time, SimTime, sim_time_parse)
DEFINE_TYPED_GET(rate, uint64_t, sim_units_parse_rate)
DEFINE_TYPED_GET(size, uint64_t, sim_units_parse_size)
DEFINE_TYPED_GET(pkt_rate, double, sim_units_parse_pkt_rate)
DEFINE_TYPED_GET(ratio, double, sim_units_parse_ratio)
DEFINE_TYPED_GET(int, int64_t, sim_units_parse_int)
DEFINE_TYPED_GET(uint, uint64_t, sim_units_parse_uint)
DEFINE_TYPED_GET(double, double, sim_units_parse_double)
DEFINE_TYPED_GET(bool, gboolean, sim_units_parse_bool)
