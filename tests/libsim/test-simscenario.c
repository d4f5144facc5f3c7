/* test-simscenario.c - scenario files: positions of keys and sections,
 * syntax errors with file:line, includes (relative, nested, override
 * order, cycles, missing files), per-kind defaults, --set overrides,
 * typed lookups, unused keys, the resolved dump.
 *
 * The include tree is in tests/data/scenario (found through $top_srcdir,
 * default "."); other files are written to a scratch directory. */
#include "config.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "simscenario.h"
#include "simunits.h"

/* Each test runs in its own process with its own scratch directory. */
static char *tmpdir;

static void
remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    g_dir_close(dir);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void
setup(void)
{
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("ipesim-scenario-XXXXXX", &error);
  cr_assert_not_null(tmpdir, "g_dir_make_tmp: %s", error ? error->message : "?");
}

static void
teardown(void)
{
  if (tmpdir != NULL)
    remove_tree(tmpdir);
  g_free(tmpdir);
  tmpdir = NULL;
}

TestSuite(scenario, .init = setup, .fini = teardown);

/* Writes @text to @name in the scratch directory; returns the path. */
static char *
write_file(const char *name, const char *text)
{
  char *path = g_build_filename(tmpdir, name, NULL);
  char *dir = g_path_get_dirname(path);
  g_mkdir_with_parents(dir, 0700);
  g_free(dir);
  GError *error = NULL;
  cr_assert(g_file_set_contents(path, text, -1, &error), "write %s: %s", path,
            error ? error->message : "?");
  return path;
}

static char *
data_path(const char *name)
{
  const char *top = g_getenv("top_srcdir");
  return g_build_filename(top ? top : ".", "tests", "data", "scenario", name, NULL);
}

static SimScenario *
load_ok(const char *path)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load(path, &error);
  cr_assert_not_null(sc, "%s refused: %s", path, error ? error->message : "?");
  return sc;
}

static SimScenario *
data_ok(const char *text)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load_data("mem.ini", text, -1, &error);
  cr_assert_not_null(sc, "refused: %s\n%s", error ? error->message : "?", text);
  return sc;
}

/* Loading @text as "mem.ini" fails with @code and a message starting with
 * @prefix; returns the message (free it). */
static char *
data_bad(const char *text, int code, const char *prefix)
{
  GError *error = NULL;
  SimScenario *sc = sim_scenario_load_data("mem.ini", text, -1, &error);
  cr_assert_null(sc, "accepted:\n%s", text);
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, code), "code %d, expected %d: %s",
            error->code, code, error->message);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

static SimScenarioSection *
section(const SimScenario *sc, const char *header)
{
  SimScenarioSection *s = sim_scenario_get_section(sc, header);
  cr_assert_not_null(s, "no section [%s]", header);
  return s;
}

/* The value of @key in [@header] and where it came from. */
static void
expect_value(const SimScenario *sc, const char *header, const char *key, const char *value,
             const char *where_suffix)
{
  SimScenarioOrigin o;
  const char *v = sim_scenario_section_peek(section(sc, header), key, &o);
  cr_assert_not_null(v, "[%s] %s not set", header, key);
  cr_assert_str_eq(v, value, "[%s] %s = '%s', expected '%s'", header, key, v, value);
  cr_assert(g_str_has_suffix(o.where, where_suffix), "[%s] %s from %s, expected ...%s", header,
            key, o.where, where_suffix);
}

/* ---- positions and syntax --------------------------------------------------------- */

Test(scenario, lines_of_keys_and_sections)
{
  SimScenario *sc = data_ok("# comment\n"          /* 1 */
                            "\n"                   /* 2 */
                            "[simulation]\n"       /* 3 */
                            "  seed = 4\n"         /* 4 */
                            "duration=1s\n"        /* 5 */
                            "\n"                   /* 6 */
                            "   [link r1-r2]  \n"  /* 7 */
                            "# rate = 1Gbps\n"     /* 8 */
                            "delay = 5us\n");      /* 9 */
  SimScenarioOrigin o;
  SimScenarioSection *sim = section(sc, "simulation");
  sim_scenario_section_origin(sim, &o);
  cr_assert(o.line == 3 && strcmp(o.file, "mem.ini") == 0, "[simulation] at %s:%u", o.file,
            o.line);
  cr_assert_str_eq(o.where, "mem.ini:3");
  cr_assert_str_eq(sim_scenario_section_peek(sim, "seed", &o), "4");
  cr_assert_eq(o.line, 4, "seed at line %u", o.line);
  sim_scenario_section_peek(sim, "duration", &o);
  cr_assert_str_eq(o.where, "mem.ini:5");
  SimScenarioSection *link = section(sc, "link r1-r2");
  sim_scenario_section_origin(link, &o);
  cr_assert_eq(o.line, 7, "[link r1-r2] at line %u", o.line);
  cr_assert_null(sim_scenario_section_peek(link, "rate", NULL), "comment read as a key");
  sim_scenario_section_peek(link, "delay", &o);
  cr_assert(o.line == 9 && !o.inherited, "delay at line %u", o.line);
  sim_scenario_free(sc);
}

Test(scenario, kind_and_name)
{
  SimScenario *sc = data_ok("[simulation]\n[link r1-r2]\n[srv6 End.X on r1]\n");
  cr_assert_eq(sim_scenario_n_sections(sc), 3);
  SimScenarioSection *s = sim_scenario_nth_section(sc, 0);
  cr_assert_str_eq(sim_scenario_section_kind(s), "simulation");
  cr_assert_null(sim_scenario_section_name(s));
  s = sim_scenario_nth_section(sc, 1);
  cr_assert_str_eq(sim_scenario_section_kind(s), "link");
  cr_assert_str_eq(sim_scenario_section_name(s), "r1-r2");
  s = sim_scenario_nth_section(sc, 2);
  cr_assert_str_eq(sim_scenario_section_header(s), "srv6 End.X on r1");
  cr_assert_str_eq(sim_scenario_section_kind(s), "srv6");
  cr_assert_str_eq(sim_scenario_section_name(s), "End.X on r1");
  cr_assert_eq(sim_scenario_section_scenario(s), sc);
  sim_scenario_free(sc);
}

Test(scenario, values_are_unescaped_and_trimmed)
{
  SimScenario *sc = data_ok("[output]\n"
                            "title = two\\twords  \n"
                            "lead = \\sx\n"
                            "empty =\n");
  SimScenarioSection *s = section(sc, "output");
  cr_assert_str_eq(sim_scenario_section_peek(s, "title", NULL), "two\twords");
  cr_assert_str_eq(sim_scenario_section_peek(s, "lead", NULL), "x",
                   "surrounding blanks are removed after unescaping");
  cr_assert_str_eq(sim_scenario_section_peek(s, "empty", NULL), "");
  sim_scenario_free(sc);
}

Test(scenario, crlf_line_ends)
{
  SimScenario *sc = data_ok("[simulation]\r\nseed = 3\r\n\r\n[output]\r\ndir = x\r\n");
  SimScenarioOrigin o;
  cr_assert_str_eq(sim_scenario_section_peek(section(sc, "simulation"), "seed", &o), "3");
  cr_assert_eq(o.line, 2);
  cr_assert_str_eq(sim_scenario_section_peek(section(sc, "output"), "dir", &o), "x");
  cr_assert_eq(o.line, 5);
  sim_scenario_free(sc);
}

Test(scenario, line_that_is_not_key_value_has_file_line)
{
  char *msg = data_bad("[simulation]\nseed = 1\nthis line is junk\n", SIM_SCENARIO_ERROR_SYNTAX,
                       "mem.ini:3: ");
  cr_assert(strstr(msg, "this line is junk"), "message: %s", msg);
  g_free(msg);
}

Test(scenario, syntax_error_in_a_file_names_the_file)
{
  char *path = write_file("broken.ini", "[simulation]\n\n[link a\nrate = 1Gbps\n");
  GError *error = NULL;
  cr_assert_null(sim_scenario_load(path, &error));
  char *prefix = g_strdup_printf("%s:3: ", path);
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_SYNTAX), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  g_free(prefix);
  g_error_free(error);
  g_free(path);
}

Test(scenario, key_before_any_section)
{
  g_free(data_bad("# no header yet\nseed = 1\n[simulation]\n", SIM_SCENARIO_ERROR_SYNTAX,
                  "mem.ini:2: key 'seed' before"));
}

Test(scenario, empty_key_and_bad_key_names)
{
  g_free(data_bad("[a]\n= 1\n", SIM_SCENARIO_ERROR_SYNTAX, "mem.ini:2: "));
  g_free(data_bad("[a]\nx=1\nmy key = 1\n", SIM_SCENARIO_ERROR_SYNTAX,
                  "mem.ini:3: bad key name 'my key'"));
  g_free(data_bad("[a]\nrate.max = 1\n", SIM_SCENARIO_ERROR_SYNTAX,
                  "mem.ini:2: bad key name 'rate.max'"));
  g_free(data_bad("[a]\nname[de] = 1\n", SIM_SCENARIO_ERROR_SYNTAX,
                  "mem.ini:2: bad key name 'name[de]'"));
}

Test(scenario, bad_section_headers)
{
  g_free(data_bad("[]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: empty"));
  g_free(data_bad("\n[ link a]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:2: blanks"));
  g_free(data_bad("[link  a]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: "));
  g_free(data_bad("[li/nk a]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: "));
  g_free(data_bad("[link a] x\n", SIM_SCENARIO_ERROR_SYNTAX, "mem.ini:1: "));
  g_free(data_bad("[defaults]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: "));
  g_free(data_bad("[defaults a b]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: "));
  g_free(data_bad("[include more]\n", SIM_SCENARIO_ERROR_SECTION, "mem.ini:1: "));
}

Test(scenario, duplicates_in_one_file)
{
  char *msg = data_bad("[link a]\nrate = 1Gbps\ndelay = 1us\nrate = 2Gbps\n",
                       SIM_SCENARIO_ERROR_DUPLICATE, "mem.ini:4: key 'rate' set twice");
  cr_assert(strstr(msg, "line 2"), "message: %s", msg);
  g_free(msg);
  msg = data_bad("[link a]\n[link b]\n[link a]\n", SIM_SCENARIO_ERROR_DUPLICATE,
                 "mem.ini:3: section [link a] appears twice");
  cr_assert(strstr(msg, "line 1"), "message: %s", msg);
  g_free(msg);
}

Test(scenario, bad_escape_and_bad_utf8_have_file_line)
{
  g_free(data_bad("[a]\nx = 1\ny = a\\qb\n", SIM_SCENARIO_ERROR_SYNTAX,
                  "mem.ini:3: bad value of 'y' in [a]"));
  g_free(data_bad("[a]\nx = \xff\xfe\n", SIM_SCENARIO_ERROR_SYNTAX, "mem.ini:2: "));
}

Test(scenario, nul_byte_is_an_error)
{
  static const char text[] = "[a]\nx = 1\ny = 2\0\n";
  GError *error = NULL;
  cr_assert_null(sim_scenario_load_data("mem.ini", text, sizeof text - 1, &error));
  cr_assert(g_str_has_prefix(error->message, "mem.ini:3: "), "%s", error->message);
  g_error_free(error);
}

Test(scenario, missing_file)
{
  char *path = g_build_filename(tmpdir, "absent.ini", NULL);
  GError *error = NULL;
  cr_assert_null(sim_scenario_load(path, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_IO), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, path), "%s", error->message);
  g_error_free(error);
  g_free(path);
}

/* ---- includes --------------------------------------------------------------------------- */

Test(scenario, include_tree_values_and_origins)
{
  char *path = data_path("main.ini");
  SimScenario *sc = load_ok(path);
  /* main.ini overrides base.ini; extra/apps.ini, read after base.ini,
   * overrides it too. */
  expect_value(sc, "simulation", "duration", "2s", "main.ini:7");
  expect_value(sc, "simulation", "seed", "7", "extra/apps.ini:6");
  expect_value(sc, "link r1-r2", "rate", "40Gbps", "base.ini:14");
  expect_value(sc, "link r1-r2", "delay", "5us", "main.ini:10");
  expect_value(sc, "link r2-r3", "rate", "1Gbps", "main.ini:13");
  expect_value(sc, "link r2-r3", "delay", "1ms", "base.ini:11");
  expect_value(sc, "app a1", "size", "1000B", "common/kinds.ini:3");
  expect_value(sc, "output", "dir", "results", "common/kinds.ini:6");
  SimScenarioOrigin o;
  sim_scenario_section_origin(section(sc, "simulation"), &o);
  cr_assert(g_str_has_suffix(o.where, "main.ini:6"), "header at %s", o.where);
  sim_scenario_free(sc);
  g_free(path);
}

Test(scenario, include_order_of_sections_and_files)
{
  char *path = data_path("main.ini");
  SimScenario *sc = load_ok(path);
  const char *expected[] = { "output", "simulation", "link r1-r2", "app a1", "link r2-r3" };
  cr_assert_eq(sim_scenario_n_sections(sc), G_N_ELEMENTS(expected), "%u sections",
               sim_scenario_n_sections(sc));
  for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
    const char *h = sim_scenario_section_header(sim_scenario_nth_section(sc, i));
    cr_assert_str_eq(h, expected[i], "section %u is [%s], expected [%s]", i, h, expected[i]);
  }
  const char *const *files = sim_scenario_files(sc);
  const char *suffixes[] = { "main.ini", "base.ini", "common/kinds.ini", "extra/apps.ini" };
  for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    cr_assert_not_null(files[i], "only %u files", i);
    cr_assert(g_str_has_suffix(files[i], suffixes[i]), "file %u is %s, expected ...%s", i,
              files[i], suffixes[i]);
  }
  cr_assert_null(files[G_N_ELEMENTS(suffixes)]);
  cr_assert_str_eq(files[0], path);
  cr_assert_str_eq(sim_scenario_name(sc), "main");
  cr_assert_null(sim_scenario_get_section(sc, "include"), "[include] must be consumed");
  sim_scenario_free(sc);
  g_free(path);
}

Test(scenario, include_relative_to_the_including_file)
{
  g_free(write_file("lib/common.ini", "[simulation]\nseed = 9\n"));
  g_free(write_file("lib/net.ini", "[include]\nfiles = common.ini\n[link a]\nrate = 1Gbps\n"));
  char *top = write_file("run.ini", "[include]\nfiles = lib/net.ini\n");
  SimScenario *sc = load_ok(top);
  expect_value(sc, "simulation", "seed", "9", "lib/common.ini:2");
  expect_value(sc, "link a", "rate", "1Gbps", "lib/net.ini:4");
  cr_assert_str_eq(sim_scenario_name(sc), "run");
  sim_scenario_free(sc);
  g_free(top);
}

Test(scenario, include_same_file_twice_is_listed_once)
{
  g_free(write_file("a.ini", "[simulation]\nseed = 1\n"));
  char *top = write_file("top.ini", "[include]\nfiles = a.ini; ./a.ini\n");
  SimScenario *sc = load_ok(top);
  const char *const *files = sim_scenario_files(sc);
  cr_assert(files[0] && files[1] && !files[2], "expected two files");
  sim_scenario_free(sc);
  g_free(top);
}

Test(scenario, include_cycle_is_an_error)
{
  char *path = data_path("cycle-a.ini");
  GError *error = NULL;
  cr_assert_null(sim_scenario_load(path, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE), "%s",
            error->message);
  char *b = data_path("cycle-b.ini");
  char *prefix = g_strdup_printf("%s:3: include cycle: ", b);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  cr_assert(g_str_has_suffix(error->message, "cycle-a.ini"), "%s", error->message);
  g_free(prefix);
  g_free(b);
  g_error_free(error);
  g_free(path);
}

Test(scenario, include_of_itself_is_a_cycle)
{
  char *path = write_file("self.ini", "[include]\nfiles = self.ini\n");
  GError *error = NULL;
  cr_assert_null(sim_scenario_load(path, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE), "%s",
            error->message);
  cr_assert(strstr(error->message, ":2: include cycle"), "%s", error->message);
  g_error_free(error);
  g_free(path);
}

Test(scenario, missing_include_has_file_line)
{
  char *path = data_path("missing-include.ini");
  GError *error = NULL;
  cr_assert_null(sim_scenario_load(path, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_INCLUDE), "%s",
            error->message);
  char *prefix = g_strdup_printf("%s:6: cannot include ", path);
  cr_assert(g_str_has_prefix(error->message, prefix), "'%s' does not start with '%s'",
            error->message, prefix);
  cr_assert(strstr(error->message, "no-such-file.ini"), "%s", error->message);
  g_free(prefix);
  g_error_free(error);
  g_free(path);
}

Test(scenario, include_section_accepts_only_files)
{
  g_free(data_bad("[include]\nfile = a.ini\n", SIM_SCENARIO_ERROR_INCLUDE,
                  "mem.ini:2: unknown key 'file' in [include]"));
  g_free(data_bad("\n[include]\n", SIM_SCENARIO_ERROR_INCLUDE, "mem.ini:2: "));
}

/* ---- defaults ----------------------------------------------------------------------------- */

static const char defaults_text[] = "[defaults link]\n" /* 1 */
                                    "rate = 10Gbps\n"   /* 2 */
                                    "delay = 1ms\n"     /* 3 */
                                    "[link a]\n"        /* 4 */
                                    "delay = 5us\n"     /* 5 */
                                    "mtu = 9000\n"      /* 6 */
                                    "[link b]\n"        /* 7 */
                                    "[app a]\n"         /* 8 */
                                    "rate = 1Mbps\n"    /* 9 */
                                    "[link]\n";         /* 10 */

Test(scenario, defaults_apply_to_their_kind_only)
{
  SimScenario *sc = data_ok(defaults_text);
  SimScenarioOrigin o;
  cr_assert_str_eq(sim_scenario_section_peek(section(sc, "link b"), "rate", &o), "10Gbps");
  cr_assert(o.inherited && o.line == 2, "inherited=%d line=%u", o.inherited, o.line);
  cr_assert_str_eq(sim_scenario_section_peek(section(sc, "app a"), "rate", &o), "1Mbps");
  cr_assert(!o.inherited);
  cr_assert_null(sim_scenario_section_peek(section(sc, "app a"), "delay", NULL));
  cr_assert_null(sim_scenario_section_peek(section(sc, "link"), "rate", NULL),
                 "defaults apply to [KIND NAME] sections only");
  sim_scenario_free(sc);
}

Test(scenario, section_overrides_defaults)
{
  SimScenario *sc = data_ok(defaults_text);
  SimScenarioOrigin o;
  SimScenarioSection *a = section(sc, "link a");
  cr_assert_str_eq(sim_scenario_section_peek(a, "delay", &o), "5us");
  cr_assert(!o.inherited && o.line == 5, "inherited=%d line=%u", o.inherited, o.line);
  guint n = 0;
  const char **keys = sim_scenario_section_keys(a, &n);
  const char *expected[] = { "delay", "mtu", "rate", NULL };
  cr_assert_eq(n, 3, "%u keys", n);
  for (guint i = 0; i <= n; i++)
    cr_assert(g_strcmp0(keys[i], expected[i]) == 0, "key %u is %s, expected %s", i, keys[i],
              expected[i]);
  g_free(keys);
  sim_scenario_free(sc);
}

Test(scenario, defaults_sections_are_not_iterated)
{
  SimScenario *sc = data_ok(defaults_text);
  cr_assert_eq(sim_scenario_n_sections(sc), 4, "%u sections", sim_scenario_n_sections(sc));
  for (guint i = 0; i < sim_scenario_n_sections(sc); i++)
    cr_assert_str_neq(sim_scenario_section_kind(sim_scenario_nth_section(sc, i)), "defaults");
  SimScenarioSection *d = section(sc, "defaults link");
  cr_assert_str_eq(sim_scenario_section_name(d), "link");
  sim_scenario_free(sc);
}

/* ---- --set -------------------------------------------------------------------------------- */

static void
set_ok(SimScenario *sc, const char *assignment)
{
  GError *error = NULL;
  cr_assert(sim_scenario_set(sc, assignment, &error), "--set %s: %s", assignment,
            error ? error->message : "?");
}

Test(scenario, set_overrides_a_value)
{
  SimScenario *sc = data_ok(defaults_text);
  set_ok(sc, "link a.delay=7us");
  expect_value(sc, "link a", "delay", "7us", "--set link a.delay");
  SimScenarioOrigin o;
  sim_scenario_section_peek(section(sc, "link a"), "delay", &o);
  cr_assert(o.file == NULL && o.line == 0, "file=%s line=%u", o.file, o.line);
  /* The key keeps its place. */
  const char **keys = sim_scenario_section_keys(section(sc, "link a"), NULL);
  cr_assert_str_eq(keys[0], "delay");
  g_free(keys);
  sim_scenario_free(sc);
}

Test(scenario, set_creates_key_and_section)
{
  SimScenario *sc = data_ok(defaults_text);
  set_ok(sc, "link a.queue = 100 ");
  expect_value(sc, "link a", "queue", "100", "--set link a.queue");
  set_ok(sc, "output.dir=out");
  expect_value(sc, "output", "dir", "out", "--set output.dir");
  SimScenarioOrigin o;
  sim_scenario_section_origin(section(sc, "output"), &o);
  cr_assert_str_eq(o.where, "--set output.dir");
  cr_assert_eq(sim_scenario_n_sections(sc), 5, "the new section is iterated");
  set_ok(sc, "node 10.0.0.1.weight=3");
  expect_value(sc, "node 10.0.0.1", "weight", "3", "--set node 10.0.0.1.weight");
  set_ok(sc, "link c.note=a=b");
  expect_value(sc, "link c", "note", "a=b", "--set link c.note");
  sim_scenario_free(sc);
}

Test(scenario, set_on_defaults_reaches_the_kind)
{
  SimScenario *sc = data_ok(defaults_text);
  set_ok(sc, "defaults link.rate=40Gbps");
  expect_value(sc, "link b", "rate", "40Gbps", "--set defaults link.rate");
  sim_scenario_free(sc);
}

Test(scenario, set_rejects_malformed)
{
  const char *bad[] = { "link a.delay",  "delay=5us",      ".delay=5us", "link a.=5us",
                        "link a.de lay=1", "[x].k=1",      "include.files=a.ini",
                        "defaults.rate=1Gbps" };
  SimScenario *sc = sim_scenario_new("c-api");
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    cr_assert(!sim_scenario_set(sc, bad[i], &error), "--set '%s' accepted", bad[i]);
    cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_OVERRIDE),
              "'%s': %s", bad[i], error->message);
    cr_assert(strstr(error->message, bad[i]), "message does not quote '%s': %s", bad[i],
              error->message);
    g_error_free(error);
  }
  cr_assert_eq(sim_scenario_n_sections(sc), 0);
  sim_scenario_free(sc);
}

Test(scenario, set_origin_appears_in_errors)
{
  SimScenario *sc = data_ok(defaults_text);
  set_ok(sc, "link a.delay=5 parsecs");
  GError *error = NULL;
  SimTime t = 0;
  cr_assert(!sim_scenario_section_get_time(section(sc, "link a"), "delay", &t, &error));
  cr_assert(g_error_matches(error, SIM_TIME_ERROR, SIM_TIME_ERROR_UNIT), "%s", error->message);
  cr_assert(g_str_has_prefix(error->message, "--set link a.delay: "), "%s", error->message);
  g_error_free(error);
  sim_scenario_free(sc);
}

/* ---- typed lookups ------------------------------------------------------------------------ */

Test(scenario, typed_lookups)
{
  SimScenario *sc = data_ok("[link a]\n"
                            "delay = 5us\nrate = 2.5Gbps\nqueue = 9KiB\npps = 1.5kpps\n"
                            "loss = 0.1%\nprio = -2\ncount = 7\nweight = 0.25\nup = yes\n");
  SimScenarioSection *s = section(sc, "link a");
  GError *error = NULL;
  SimTime t = 0;
  uint64_t u = 0;
  int64_t i = 0;
  double d = 0;
  gboolean b = FALSE;
  cr_assert(sim_scenario_section_get_time(s, "delay", &t, &error) && t == SIM_US(5));
  cr_assert(sim_scenario_section_get_rate(s, "rate", &u, &error) && u == 2500000000u);
  cr_assert(sim_scenario_section_get_size(s, "queue", &u, &error) && u == 9216);
  cr_assert(sim_scenario_section_get_pkt_rate(s, "pps", &d, &error) && d == 1500.0);
  cr_assert(sim_scenario_section_get_ratio(s, "loss", &d, &error) && d == 0.001);
  cr_assert(sim_scenario_section_get_int(s, "prio", &i, &error) && i == -2);
  cr_assert(sim_scenario_section_get_uint(s, "count", &u, &error) && u == 7);
  cr_assert(sim_scenario_section_get_double(s, "weight", &d, &error) && d == 0.25);
  cr_assert(sim_scenario_section_get_bool(s, "up", &b, &error) && b);
  cr_assert_null(error);
  cr_assert(sim_scenario_check_unused(sc, &error), "typed lookups mark keys read: %s",
            error ? error->message : "");
  sim_scenario_free(sc);
}

Test(scenario, typed_lookup_errors_have_file_line)
{
  SimScenario *sc = data_ok("[defaults link]\n" /* 1 */
                            "rate = 10Gbs\n"    /* 2 */
                            "\n"                /* 3 */
                            "[link a]\n"        /* 4 */
                            "queue = 1.5B\n");  /* 5 */
  SimScenarioSection *s = section(sc, "link a");
  GError *error = NULL;
  uint64_t u = 33;
  cr_assert(!sim_scenario_section_get_size(s, "queue", &u, &error));
  cr_assert(g_error_matches(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_PRECISION), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, "mem.ini:5: [link a] queue: '1.5B'"), "%s",
            error->message);
  g_clear_error(&error);
  cr_assert(!sim_scenario_section_get_rate(s, "rate", &u, &error));
  cr_assert(g_error_matches(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_UNIT), "%s",
            error->message);
  cr_assert(g_str_has_prefix(error->message, "mem.ini:2: [link a] rate: "),
            "an inherited value points at the defaults: %s", error->message);
  g_clear_error(&error);
  SimTime t = 33;
  cr_assert(!sim_scenario_section_get_time(s, "delay", &t, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_MISSING_KEY), "%s",
            error->message);
  cr_assert_str_eq(error->message, "mem.ini:4: missing key 'delay' in [link a]");
  g_clear_error(&error);
  cr_assert(u == 33 && t == 33, "output changed on error");
  sim_scenario_free(sc);
}

/* ---- unused keys ---------------------------------------------------------------------------- */

Test(scenario, unused_key_is_reported)
{
  SimScenario *sc = data_ok("[simulation]\nseed = 1\n"
                            "[link r1-r2]\n" /* 3 */
                            "delay = 1us\n"  /* 4 */
                            "dealy = 5us\n"  /* 5 */
                            "rate = 1Gbps\n");
  SimScenarioSection *s = section(sc, "link r1-r2");
  cr_assert_not_null(sim_scenario_section_get(section(sc, "simulation"), "seed", NULL));
  cr_assert_not_null(sim_scenario_section_get(s, "delay", NULL));
  cr_assert_not_null(sim_scenario_section_get(s, "rate", NULL));
  cr_assert_not_null(sim_scenario_section_peek(s, "dealy", NULL), "peek does not mark read");
  GError *error = NULL;
  cr_assert(!sim_scenario_check_unused(sc, &error));
  cr_assert(g_error_matches(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_UNKNOWN_KEY), "%s",
            error->message);
  cr_assert_str_eq(error->message, "mem.ini:5: unknown key 'dealy' in [link r1-r2]");
  g_error_free(error);
  sim_scenario_section_get(s, "dealy", NULL);
  cr_assert(sim_scenario_check_unused(sc, NULL));
  sim_scenario_free(sc);
}

Test(scenario, unused_set_key_names_the_set)
{
  SimScenario *sc = data_ok("[link a]\ndelay = 1us\n");
  sim_scenario_section_get(section(sc, "link a"), "delay", NULL);
  set_ok(sc, "link a.dealy=2us");
  GError *error = NULL;
  cr_assert(!sim_scenario_check_unused(sc, &error));
  cr_assert_str_eq(error->message, "--set link a.dealy: unknown key 'dealy' in [link a]");
  g_error_free(error);
  sim_scenario_free(sc);
}

Test(scenario, unused_defaults)
{
  /* A default that every section overrides is known to the kind: fine. */
  SimScenario *sc = data_ok("[defaults link]\ndelay = 1ms\n[link a]\ndelay = 2ms\n");
  sim_scenario_section_get(section(sc, "link a"), "delay", NULL);
  cr_assert(sim_scenario_check_unused(sc, NULL), "an overridden default is not unused");
  sim_scenario_free(sc);

  /* A default nobody reads, with sections of the kind: reported. */
  sc = data_ok("[defaults link]\ndelay = 1ms\ndealy = 2ms\n[link a]\n");
  sim_scenario_section_get(section(sc, "link a"), "delay", NULL);
  GError *error = NULL;
  cr_assert(!sim_scenario_check_unused(sc, &error));
  cr_assert(g_str_has_prefix(error->message, "mem.ini:3: unknown key 'dealy' in [defaults link]"),
            "%s", error->message);
  g_error_free(error);
  sim_scenario_free(sc);

  /* Defaults of a kind without sections (a shared include): ignored. */
  sc = data_ok("[defaults app]\nsize = 1000B\n[link a]\n");
  cr_assert(sim_scenario_check_unused(sc, NULL));
  sim_scenario_free(sc);
}

/* ---- the resolved dump ------------------------------------------------------------------------ */

/* Every section and value of @a is in @b and the other way round. */
static void
expect_same(const SimScenario *a, const SimScenario *b)
{
  cr_assert_eq(sim_scenario_n_sections(a), sim_scenario_n_sections(b), "%u vs %u sections",
               sim_scenario_n_sections(a), sim_scenario_n_sections(b));
  for (guint i = 0; i < sim_scenario_n_sections(a); i++) {
    SimScenarioSection *sa = sim_scenario_nth_section(a, i);
    SimScenarioSection *sb = sim_scenario_nth_section(b, i);
    cr_assert_str_eq(sim_scenario_section_header(sa), sim_scenario_section_header(sb));
    guint na = 0, nb = 0;
    const char **ka = sim_scenario_section_keys(sa, &na);
    const char **kb = sim_scenario_section_keys(sb, &nb);
    cr_assert_eq(na, nb, "[%s]: %u vs %u keys", sim_scenario_section_header(sa), na, nb);
    for (guint k = 0; k < na; k++) {
      cr_assert_str_eq(ka[k], kb[k]);
      const char *va = sim_scenario_section_peek(sa, ka[k], NULL);
      const char *vb = sim_scenario_section_peek(sb, kb[k], NULL);
      cr_assert_str_eq(va, vb, "[%s] %s: '%s' vs '%s'", sim_scenario_section_header(sa), ka[k],
                       va, vb);
    }
    g_free(ka);
    g_free(kb);
  }
}

Test(scenario, dump_round_trip)
{
  char *path = data_path("main.ini");
  SimScenario *sc = load_ok(path);
  set_ok(sc, "link r1-r2.delay=7us");
  set_ok(sc, "output.title= a\tb\\c ; d");
  set_ok(sc, "new one.flag=on");
  gsize len = 0;
  char *text = sim_scenario_to_keyfile_data(sc, &len);
  cr_assert_eq(len, strlen(text));
  cr_assert(strstr(text, "[defaults link]"), "defaults kept:\n%s", text);
  cr_assert_null(strstr(text, "[include]"), "includes resolved:\n%s", text);
  GError *error = NULL;
  SimScenario *back = sim_scenario_load_data("dump.ini", text, (gssize)len, &error);
  cr_assert_not_null(back, "dump does not load: %s\n%s", error ? error->message : "?", text);
  expect_same(sc, back);
  SimScenarioOrigin o;
  const char *title = sim_scenario_section_peek(section(back, "output"), "title", &o);
  cr_assert_str_eq(title, "a\tb\\c ; d");
  cr_assert_str_eq(o.file, "dump.ini");
  cr_assert_str_eq(sim_scenario_section_peek(section(back, "defaults link"), "rate", NULL),
                   "10Gbps");
  sim_scenario_free(back);
  g_free(text);
  sim_scenario_free(sc);
  g_free(path);
}

Test(scenario, dump_does_not_mark_used)
{
  SimScenario *sc = data_ok("[a]\nx = 1\n");
  g_free(sim_scenario_to_keyfile_data(sc, NULL));
  cr_assert(!sim_scenario_check_unused(sc, NULL));
  sim_scenario_free(sc);
}

Test(scenario, empty_scenario_from_c)
{
  g_autoptr(SimScenario) sc = sim_scenario_new("built");
  cr_assert_str_eq(sim_scenario_name(sc), "built");
  cr_assert_null(sim_scenario_files(sc)[0]);
  set_ok(sc, "simulation.seed=3");
  SimScenarioSection *s = section(sc, "simulation");
  uint64_t seed = 0;
  cr_assert(sim_scenario_section_get_uint(s, "seed", &seed, NULL) && seed == 3);
  cr_assert(sim_scenario_check_unused(sc, NULL));
  char *text = sim_scenario_to_keyfile_data(sc, NULL);
  cr_assert(strstr(text, "[simulation]\nseed = 3\n"), "%s", text);
  g_free(text);
}
