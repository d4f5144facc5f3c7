/* test-simcsv.c - CSV writer (quoting, numbers, atomic replace, misuse)
 * and reader (round trip, line numbers, errors with file:line). */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "simcsv.h"

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
  tmpdir = g_dir_make_tmp("ipesim-csv-XXXXXX", &error);
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

TestSuite(csv, .init = setup, .fini = teardown);

static char *
tmp_path(const char *name)
{
  return g_build_filename(tmpdir, name, NULL);
}

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the scratch directory, sorted, comma-separated. */
static char *
dir_listing(void)
{
  GDir *dir = g_dir_open(tmpdir, 0, NULL);
  cr_assert_not_null(dir);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)) != NULL)
    g_ptr_array_add(names, g_strdup(name));
  g_dir_close(dir);
  g_ptr_array_sort(names, compare_names);
  g_ptr_array_add(names, NULL);
  char *s = g_strjoinv(",", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return s;
}

static char *
read_text(const char *path)
{
  char *data = NULL;
  GError *error = NULL;
  cr_assert(g_file_get_contents(path, &data, NULL, &error), "reading %s: %s", path,
            error ? error->message : "?");
  return data;
}

static void
assert_text(const char *path, const char *expected)
{
  g_autofree char *got = read_text(path);
  cr_assert_str_eq(got, expected, "%s holds\n[%s]\nexpected\n[%s]", path, got, expected);
}

static const char *const two_columns[] = { "name", "value", NULL };

static SimCsvWriter *
open_writer(const char *path, const char *const *columns)
{
  GError *error = NULL;
  SimCsvWriter *w = sim_csv_writer_open(path, columns, &error);
  cr_assert_not_null(w, "open %s: %s", path, error ? error->message : "?");
  return w;
}

static void
commit_ok(SimCsvWriter *w)
{
  GError *error = NULL;
  cr_assert(sim_csv_writer_commit(w, &error), "commit: %s", error ? error->message : "?");
}

static SimCsvTable *
parse_ok(const char *name, const char *text)
{
  GError *error = NULL;
  SimCsvTable *t = sim_csv_table_parse(name, text, strlen(text), &error);
  cr_assert_not_null(t, "parse %s: %s", name, error ? error->message : "?");
  return t;
}

/* Parses @text expecting failure; returns the message. */
static char *
parse_error(const char *name, const char *text, int code)
{
  GError *error = NULL;
  SimCsvTable *t = sim_csv_table_parse(name, text, strlen(text), &error);
  cr_assert_null(t, "parsed [%s] without error", text);
  cr_assert(g_error_matches(error, SIM_CSV_ERROR, code), "[%s]: error code %d, expected %d: %s",
            text, error ? error->code : -1, code, error ? error->message : "none");
  char *message = g_strdup(error->message);
  g_error_free(error);
  return message;
}

/* ---- writer -------------------------------------------------------------- */

Test(csv, header_row_comes_from_columns)
{
  static const char *const columns[] = { "time_s", "delay_us", "node, id", NULL };
  g_autofree char *path = tmp_path("header.csv");
  SimCsvWriter *w = open_writer(path, columns);
  commit_ok(w);
  assert_text(path, "time_s,delay_us,\"node, id\"\n");
}

Test(csv, fields_quoted_only_when_needed)
{
  g_autofree char *path = tmp_path("quote.csv");
  SimCsvWriter *w = open_writer(path, two_columns);
  static const char *const values[] = {
    "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " lead", "trail ",
    "\ttab", "in side", "", "12.5",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
    sim_csv_writer_add_uint(w, i);
    sim_csv_writer_add_string(w, values[i]);
    sim_csv_writer_end_row(w);
  }
  commit_ok(w);
  assert_text(path, "name,value\n"
                    "0,plain\n"
                    "1,\"a,b\"\n"
                    "2,\"say \"\"hi\"\"\"\n"
                    "3,\"two\nlines\"\n"
                    "4,\"cr\rhere\"\n"
                    "5,\" lead\"\n"
                    "6,\"trail \"\n"
                    "7,\"\ttab\"\n"
                    "8,in side\n"
                    "9,\n"
                    "10,12.5\n");
}

Test(csv, integers_are_plain)
{
  static const char *const columns[] = { "i", "u", "e", NULL };
  g_autofree char *path = tmp_path("int.csv");
  SimCsvWriter *w = open_writer(path, columns);
  sim_csv_writer_add_int(w, INT64_MIN);
  sim_csv_writer_add_uint(w, UINT64_MAX);
  sim_csv_writer_add_empty(w);
  sim_csv_writer_end_row(w);
  sim_csv_writer_add_int(w, -42);
  sim_csv_writer_add_uint(w, 0);
  sim_csv_writer_add_int(w, 7);
  sim_csv_writer_end_row(w);
  commit_ok(w);
  assert_text(path, "i,u,e\n-9223372036854775808,18446744073709551615,\n-42,0,7\n");
}

Test(csv, doubles_use_g_format_and_nan_inf)
{
  /* A decimal comma locale must not leak into the file (kept when the
   * system has no such locale). */
  setlocale(LC_NUMERIC, "de_DE.UTF-8");

  static const struct {
    double v;
    int digits;
    const char *text;
  } cases[] = {
    { 0.1, 17, "0.10000000000000001" },
    { 0.1, 6, "0.1" },
    { 3.14159265, 3, "3.14" },
    { 100.0, 6, "100" },
    { 1e-7, 6, "1e-07" },
    { 1.5e21, 3, "1.5e+21" },
    { -2.5, 1, "-2" },
    { -0.0, 6, "-0" },
    { NAN, 6, "nan" },
    { INFINITY, 6, "inf" },
    { -INFINITY, 17, "-inf" },
  };
  static const char *const columns[] = { "x", NULL };
  g_autofree char *path = tmp_path("double.csv");
  SimCsvWriter *w = open_writer(path, columns);
  GString *expected = g_string_new("x\n");
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    sim_csv_writer_add_double(w, cases[i].v, cases[i].digits);
    sim_csv_writer_end_row(w);
    g_string_append_printf(expected, "%s\n", cases[i].text);
  }
  commit_ok(w);
  assert_text(path, expected->str);
  g_string_free(expected, TRUE);
}

Test(csv, rows_counts_data_rows)
{
  g_autofree char *path = tmp_path("rows.csv");
  SimCsvWriter *w = open_writer(path, two_columns);
  uint64_t r0 = sim_csv_writer_rows(w);
  for (int i = 0; i < 3; i++) {
    sim_csv_writer_add_int(w, i);
    sim_csv_writer_add_int(w, i * i);
    sim_csv_writer_end_row(w);
  }
  uint64_t r3 = sim_csv_writer_rows(w);
  commit_ok(w);
  cr_assert(r0 == 0 && r3 == 3, "rows %" G_GUINT64_FORMAT " then %" G_GUINT64_FORMAT, r0, r3);
}

Test(csv, commit_replaces_atomically)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);
  for (int i = 0; i < 2000; i++) {
    sim_csv_writer_add_string(w, "row");
    sim_csv_writer_add_int(w, i);
    sim_csv_writer_end_row(w);
  }
  assert_text(path, "old\n");
  g_autofree char *during = dir_listing();
  cr_assert(g_str_has_prefix(during, "out.csv,out.csv.tmp-") && !strchr(during + 8, ','),
            "while writing: %s", during);
  commit_ok(w);
  g_autofree char *text = read_text(path);
  cr_assert(g_str_has_prefix(text, "name,value\nrow,0\nrow,1\n") &&
              g_str_has_suffix(text, "row,1999\n"),
            "after commit: %.40s...", text);
  g_autofree char *after = dir_listing();
  cr_assert_str_eq(after, "out.csv", "after commit: %s", after);
}

Test(csv, abort_keeps_old_content)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);
  sim_csv_writer_add_string(w, "a");
  sim_csv_writer_add_string(w, "b");
  sim_csv_writer_end_row(w);
  sim_csv_writer_abort(w);
  assert_text(path, "old\n");
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "out.csv", "after abort: %s", listing);
}

static void
assert_misuse_fails_commit(SimCsvWriter *w, const char *path, const char *what)
{
  GError *error = NULL;
  cr_assert_not(sim_csv_writer_commit(w, &error), "commit succeeded");
  cr_assert(g_error_matches(error, SIM_CSV_ERROR, SIM_CSV_ERROR_STATE), "error %s",
            error ? error->message : "none");
  g_autofree char *expected = g_strdup_printf("%s: %s", path, what);
  cr_assert_str_eq(error->message, expected, "message [%s]", error->message);
  g_error_free(error);
  assert_text(path, "old\n");
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "out.csv", "after commit: %s", listing);
}

Test(csv, short_row_fails_commit)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);
  sim_csv_writer_add_string(w, "ok");
  sim_csv_writer_add_int(w, 1);
  sim_csv_writer_end_row(w);
  sim_csv_writer_add_string(w, "short");
  sim_csv_writer_end_row(w);
  sim_csv_writer_add_string(w, "ok");
  sim_csv_writer_add_int(w, 3);
  sim_csv_writer_end_row(w);
  assert_misuse_fails_commit(w, path, "data row 2: expected 2 fields (name,value), got 1");
}

Test(csv, long_row_fails_commit)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);
  sim_csv_writer_add_string(w, "long");
  sim_csv_writer_add_int(w, 1);
  sim_csv_writer_add_int(w, 2);
  sim_csv_writer_end_row(w);
  assert_misuse_fails_commit(w, path, "data row 1: expected 2 fields (name,value), got 3");
}

Test(csv, unended_row_fails_commit)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);
  sim_csv_writer_add_string(w, "half");
  assert_misuse_fails_commit(w, path, "data row 1 not ended before commit");
}

Test(csv, unwritable_directory_is_io_error)
{
  g_autofree char *path = g_build_filename(tmpdir, "no-such-dir", "x.csv", NULL);
  GError *error = NULL;
  SimCsvWriter *w = sim_csv_writer_open(path, two_columns, &error);
  cr_assert_null(w, "opened %s", path);
  cr_assert(g_error_matches(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO), "error %s",
            error ? error->message : "none");
  cr_assert(strstr(error->message, path) != NULL, "message does not name the file: %s",
            error->message);
  g_error_free(error);
}

Test(csv, write_error_fails_commit_and_keeps_old_file)
{
  g_autofree char *path = tmp_path("out.csv");
  cr_assert(g_file_set_contents(path, "old\n", -1, NULL));
  SimCsvWriter *w = open_writer(path, two_columns);

  /* A file size limit makes the writes fail with EFBIG, as a full disk
   * would with ENOSPC; this test's process is its own. */
  struct rlimit old, lim;
  cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = 1000;
  signal(SIGXFSZ, SIG_IGN);
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0, "setrlimit: %s", g_strerror(errno));
  for (int i = 0; i < 2000; i++) {
    sim_csv_writer_add_string(w, "row");
    sim_csv_writer_add_int(w, i);
    sim_csv_writer_end_row(w);
  }
  GError *error = NULL;
  gboolean ok = sim_csv_writer_commit(w, &error);
  setrlimit(RLIMIT_FSIZE, &old);

  cr_assert_not(ok, "commit succeeded");
  cr_assert(g_error_matches(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO), "error %s",
            error ? error->message : "none");
  g_error_free(error);
  assert_text(path, "old\n");
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "out.csv", "after commit: %s", listing);
}

/* ---- reader -------------------------------------------------------------- */

Test(csv, round_trip_of_written_file)
{
  static const char *const columns[] = { "id", "text", "x", NULL };
  static const char *const texts[] = {
    "plain", "a,b,c", "say \"hi\"", "two\nlines", "crlf\r\ninside", " lead", "trail\t",
    "", "\"", ",",
  };
  g_autofree char *path = tmp_path("trip.csv");
  SimCsvWriter *w = open_writer(path, columns);
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    sim_csv_writer_add_uint(w, i);
    sim_csv_writer_add_string(w, texts[i]);
    sim_csv_writer_add_double(w, 0.5 * (double)i, 6);
    sim_csv_writer_end_row(w);
  }
  commit_ok(w);

  GError *error = NULL;
  g_autoptr(SimCsvTable) t = sim_csv_table_load(path, &error);
  cr_assert_not_null(t, "load: %s", error ? error->message : "?");
  cr_assert_eq(sim_csv_table_n_columns(t), 3, "%zu columns", sim_csv_table_n_columns(t));
  cr_assert_eq(sim_csv_table_n_rows(t), G_N_ELEMENTS(texts), "%zu rows",
               sim_csv_table_n_rows(t));
  for (size_t c = 0; c < 3; c++)
    cr_assert_str_eq(sim_csv_table_column_name(t, c), columns[c], "column %zu is [%s]", c,
                     sim_csv_table_column_name(t, c));
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    g_autofree char *id = g_strdup_printf("%zu", i);
    g_autofree char *x = g_strdup_printf("%g", 0.5 * (double)i);
    cr_assert_str_eq(sim_csv_table_get(t, i, 0), id, "row %zu id [%s]", i,
                     sim_csv_table_get(t, i, 0));
    cr_assert_str_eq(sim_csv_table_get(t, i, 1), texts[i], "row %zu text [%s], wrote [%s]", i,
                     sim_csv_table_get(t, i, 1), texts[i]);
    cr_assert_str_eq(sim_csv_table_get(t, i, 2), x, "row %zu x [%s]", i,
                     sim_csv_table_get(t, i, 2));
  }
  cr_assert_str_eq(sim_csv_table_name(t), path, "name [%s]", sim_csv_table_name(t));
}

static void
assert_lines(const SimCsvTable *t, const size_t *lines, size_t n)
{
  cr_assert_eq(sim_csv_table_n_rows(t), n, "%zu rows, expected %zu", sim_csv_table_n_rows(t), n);
  for (size_t i = 0; i < n; i++)
    cr_assert_eq(sim_csv_table_line(t, i), lines[i], "row %zu on line %zu, expected %zu", i,
                 sim_csv_table_line(t, i), lines[i]);
}

Test(csv, quoted_newlines_shift_line_numbers)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "a,b\n"
                                               "1,2\n"
                                               "\"x\ny\",3\n"
                                               "4,\"p\n\nq\n\"\n"
                                               "5,6\n");
  static const size_t lines[] = { 2, 3, 5, 9 };
  assert_lines(t, lines, G_N_ELEMENTS(lines));
  cr_assert_str_eq(sim_csv_table_get(t, 1, 0), "x\ny", "[%s]", sim_csv_table_get(t, 1, 0));
  cr_assert_str_eq(sim_csv_table_get(t, 2, 1), "p\n\nq\n", "[%s]", sim_csv_table_get(t, 2, 1));
}

Test(csv, blank_lines_are_skipped)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "\n"
                                               "a,b\n"
                                               "\n"
                                               "1,2\n"
                                               "   \n"
                                               "\t\n"
                                               "3,4\n"
                                               "\n");
  static const size_t lines[] = { 4, 7 };
  assert_lines(t, lines, G_N_ELEMENTS(lines));
  cr_assert_str_eq(sim_csv_table_get(t, 1, 1), "4", "[%s]", sim_csv_table_get(t, 1, 1));
}

Test(csv, crlf_and_missing_final_newline)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n5,6");
  static const size_t lines[] = { 2, 4, 6 };
  assert_lines(t, lines, G_N_ELEMENTS(lines));
  cr_assert_str_eq(sim_csv_table_get(t, 0, 1), "2", "[%s]", sim_csv_table_get(t, 0, 1));
  cr_assert_str_eq(sim_csv_table_get(t, 1, 1), "x\r\ny", "[%s]", sim_csv_table_get(t, 1, 1));
  cr_assert_str_eq(sim_csv_table_get(t, 2, 1), "6", "[%s]", sim_csv_table_get(t, 2, 1));
}

Test(csv, empty_fields_are_empty_strings)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "a,b,c\n,,\n\"\",x,\n");
  cr_assert_eq(sim_csv_table_n_rows(t), 2);
  for (size_t r = 0; r < 2; r++)
    for (size_t c = 0; c < 3; c++) {
      const char *v = sim_csv_table_get(t, r, c);
      const char *want = r == 1 && c == 1 ? "x" : "";
      cr_assert_str_eq(v, want, "row %zu column %zu is [%s]", r, c, v);
    }
}

Test(csv, wrong_field_count_names_file_and_line)
{
  g_autofree char *short_row = parse_error("nodes.csv",
                                           "name,x,y\n"
                                           "n1,0,0\n"
                                           "\"n\n2\",1,1\n"
                                           "\n"
                                           "n3,1\n",
                                           SIM_CSV_ERROR_COLUMNS);
  cr_assert_str_eq(short_row, "nodes.csv:6: expected 3 fields (name,x,y), got 2", "[%s]",
                   short_row);
  g_autofree char *long_row = parse_error("nodes.csv", "name,x,y\nn1,0,0,9\n",
                                          SIM_CSV_ERROR_COLUMNS);
  cr_assert_str_eq(long_row, "nodes.csv:2: expected 3 fields (name,x,y), got 4", "[%s]",
                   long_row);
}

Test(csv, unclosed_quote_at_end_is_parse_error)
{
  g_autofree char *message = parse_error("t.csv", "a,b\n1,2\n\nc,\"d\ne\n",
                                         SIM_CSV_ERROR_PARSE);
  cr_assert(g_str_has_prefix(message, "t.csv:4: "), "[%s]", message);
}

Test(csv, text_after_closing_quote_is_parse_error)
{
  g_autofree char *message = parse_error("t.csv", "a,b\n1,2\n\"a\"x,3\n",
                                         SIM_CSV_ERROR_PARSE);
  cr_assert(g_str_has_prefix(message, "t.csv:3: "), "[%s]", message);
  cr_assert(strstr(message, "byte 4") != NULL, "does not point at byte 4: [%s]", message);
}

Test(csv, quote_inside_unquoted_field_is_parse_error)
{
  g_autofree char *message = parse_error("t.csv", "a,b\n1,x\"y\n", SIM_CSV_ERROR_PARSE);
  cr_assert(g_str_has_prefix(message, "t.csv:2: "), "[%s]", message);
}

Test(csv, empty_input_is_error)
{
  g_autofree char *empty = parse_error("t.csv", "", SIM_CSV_ERROR_COLUMNS);
  cr_assert(g_str_has_prefix(empty, "t.csv:1: "), "[%s]", empty);
  g_autofree char *blank = parse_error("t.csv", "\n \n", SIM_CSV_ERROR_COLUMNS);
  cr_assert(g_str_has_prefix(blank, "t.csv:3: "), "[%s]", blank);
}

Test(csv, header_only_has_no_rows)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "a,b\n");
  cr_assert_eq(sim_csv_table_n_columns(t), 2, "%zu columns", sim_csv_table_n_columns(t));
  cr_assert_eq(sim_csv_table_n_rows(t), 0, "%zu rows", sim_csv_table_n_rows(t));
}

Test(csv, byte_order_mark_is_skipped)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "\xef\xbb\xbfname,x\nn1,1\n");
  cr_assert_eq(sim_csv_table_column(t, "name"), 0, "name is column %d",
               sim_csv_table_column(t, "name"));
}

Test(csv, column_lookup_by_name)
{
  g_autoptr(SimCsvTable) t = parse_ok("t.csv", "name,x_m,y_m\nn1,1,2\n");
  cr_assert_eq(sim_csv_table_column(t, "name"), 0);
  cr_assert_eq(sim_csv_table_column(t, "y_m"), 2, "y_m is column %d",
               sim_csv_table_column(t, "y_m"));
  cr_assert_eq(sim_csv_table_column(t, "z_m"), -1, "z_m is column %d",
               sim_csv_table_column(t, "z_m"));
  cr_assert_eq(sim_csv_table_column(t, "Name"), -1, "lookup ignores case");
  cr_assert_str_eq(sim_csv_table_column_name(t, 1), "x_m", "[%s]",
                   sim_csv_table_column_name(t, 1));
}

Test(csv, load_reads_file_from_tests_data)
{
  const char *top = g_getenv("top_srcdir");
  g_autofree char *path =
    g_build_filename(top != NULL && *top != '\0' ? top : ".", "tests", "data",
                     "simcsv-nodes.csv", NULL);
  GError *error = NULL;
  g_autoptr(SimCsvTable) t = sim_csv_table_load(path, &error);
  cr_assert_not_null(t, "load: %s", error ? error->message : "?");
  static const size_t lines[] = { 2, 3, 5, 7 };
  assert_lines(t, lines, G_N_ELEMENTS(lines));
  int label = sim_csv_table_column(t, "label");
  cr_assert_eq(label, 3, "label is column %d", label);
  static const char *const labels[] = { "Core, site A", "says \"hi\"", "two\nlines", "" };
  for (size_t i = 0; i < G_N_ELEMENTS(labels); i++)
    cr_assert_str_eq(sim_csv_table_get(t, i, (size_t)label), labels[i], "row %zu label [%s]", i,
                     sim_csv_table_get(t, i, (size_t)label));
  cr_assert_str_eq(sim_csv_table_get(t, 2, 1), "1e3", "[%s]", sim_csv_table_get(t, 2, 1));
}

Test(csv, load_missing_file_is_io_error)
{
  g_autofree char *path = tmp_path("missing.csv");
  GError *error = NULL;
  SimCsvTable *t = sim_csv_table_load(path, &error);
  cr_assert_null(t);
  cr_assert(g_error_matches(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO), "error %s",
            error ? error->message : "none");
  cr_assert(strstr(error->message, path) != NULL, "message does not name the file: %s",
            error->message);
  g_error_free(error);
}
