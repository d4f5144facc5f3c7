/* test-plot.c - tools/plot.c: values with units, axis scales, numeric and
 * categorical axes, `where` filters, the checks of [plot NAME] sections
 * (each key's error names FILE:LINE, the section and the key; keys are
 * marked read), drawing a section from a CSV file written here (blocks of
 * the data file, the script's quoting), and the gnuplot text helpers. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "plot.h"

/* ---- values -------------------------------------------------------------------- */

Test(plot_value, numbers_units_and_words)
{
  static const struct {
    const char *text;
    IpesimPlotUnit unit;
    double value;
  } ok[] = {
    { "2", IPESIM_PLOT_UNIT_NONE, 2 },
    { " -0.5 ", IPESIM_PLOT_UNIT_NONE, -0.5 },
    { "1e-3", IPESIM_PLOT_UNIT_NONE, 1e-3 },
    { "10Mbps", IPESIM_PLOT_UNIT_RATE, 1e7 },
    { "2.5Gbps", IPESIM_PLOT_UNIT_RATE, 2.5e9 },
    { "5ms", IPESIM_PLOT_UNIT_TIME, 5e-3 },
    { "250us", IPESIM_PLOT_UNIT_TIME, 250e-6 },
    { "1500B", IPESIM_PLOT_UNIT_SIZE, 1500 },
    { "9KiB", IPESIM_PLOT_UNIT_SIZE, 9216 },
    { "10kpps", IPESIM_PLOT_UNIT_PKT_RATE, 1e4 },
    { "20%", IPESIM_PLOT_UNIT_PERCENT, 0.2 },
    { "120 %", IPESIM_PLOT_UNIT_PERCENT, 1.2 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
    IpesimPlotValue v;
    cr_assert(ipesim_plot_parse_value(ok[i].text, &v), "'%s' refused", ok[i].text);
    cr_assert_eq(v.unit, ok[i].unit, "'%s': unit %d, expected %d", ok[i].text, v.unit,
                 ok[i].unit);
    cr_assert(fabs(v.value - ok[i].value) <= 1e-12 * fabs(ok[i].value), "'%s': %.17g, expected %g",
              ok[i].text, v.value, ok[i].value);
  }
  static const char *const none[] = { "", "  ", "nan", "NaN", "-nan" };
  for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
    IpesimPlotValue v;
    cr_assert(ipesim_plot_parse_value(none[i], &v), "'%s' refused", none[i]);
    cr_assert(isnan(v.value), "'%s': %g, expected NaN", none[i], v.value);
  }
  static const char *const words[] = { "hard", "5 parsecs", "10Mbs", "0x10", "1.5.2", "%" };
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    IpesimPlotValue v;
    cr_assert_not(ipesim_plot_parse_value(words[i], &v), "'%s' read as %g", words[i], v.value);
  }
}

Test(plot_scale, smallest_magnitude_at_least_one)
{
  const double rates[] = { 1e9, 1e7, NAN, 1e8, 0 };
  IpesimPlotScale s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_RATE, rates, 5);
  cr_assert_str_eq(s.unit, "Mbit/s");
  cr_assert_str_eq(s.op, "/1e6");
  const double times[] = { 0.01, 0.005 };
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_TIME, times, 2);
  cr_assert_str_eq(s.unit, "ms");
  cr_assert_str_eq(s.op, "*1e3");
  const double ones[] = { 1e-3 };
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_TIME, ones, 1);
  cr_assert_str_eq(s.unit, "ms", "1e-3 s is 1 ms, got %s", s.unit);
  const double zero[] = { 0 };
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_TIME, zero, 1);
  cr_assert_str_eq(s.unit, "s");
  cr_assert_null(s.op);
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_SIZE, zero, 1);
  cr_assert_str_eq(s.unit, "B");
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_PERCENT, ones, 1);
  cr_assert_str_eq(s.unit, "%");
  cr_assert_str_eq(s.op, "*100");
  s = ipesim_plot_scale_choose(IPESIM_PLOT_UNIT_NONE, rates, 5);
  cr_assert_null(s.unit);
  cr_assert_null(s.op);
}

/* ---- axes ------------------------------------------------------------------------ */

static SimCsvTable *
table(const char *text)
{
  GError *e = NULL;
  SimCsvTable *t = sim_csv_table_parse("t.csv", text, strlen(text), &e);
  cr_assert_not_null(t, "%s", e ? e->message : "?");
  return t;
}

Test(plot_axis, numeric_with_a_unit)
{
  g_autoptr(SimCsvTable) t = table("v\n100Mbps\n0\n10Mbps\nnan\n1Gbps\n");
  IpesimPlotAxis a;
  ipesim_plot_axis_init(&a, t, 0, NULL, 0);
  cr_assert(a.numeric, "categorical at row %zd", a.bad_row);
  cr_assert_eq(a.unit, IPESIM_PLOT_UNIT_RATE);
  cr_assert_str_eq(a.scale.unit, "Mbit/s");
  cr_assert_eq(ipesim_plot_axis_position(&a, "1Gbps"), 1e9);
  cr_assert(isnan(ipesim_plot_axis_position(&a, "")));
  ipesim_plot_axis_clear(&a);
}

Test(plot_axis, words_and_mixed_units_are_categories)
{
  g_autoptr(SimCsvTable) t =
    table("mode,mixed,plain\nhard,5ms,1\nsoft,10Mbps,2\nhard,5ms,3\nnone,5ms,4\n");
  IpesimPlotAxis a;
  ipesim_plot_axis_init(&a, t, 0, NULL, 0);
  cr_assert_not(a.numeric);
  cr_assert_eq(a.bad_row, 0);
  cr_assert_eq(a.categories->len, 3, "categories: %u", a.categories->len);
  cr_assert_str_eq(a.categories->pdata[0], "hard");
  cr_assert_str_eq(a.categories->pdata[1], "soft");
  cr_assert_str_eq(a.categories->pdata[2], "none");
  cr_assert_eq(ipesim_plot_axis_position(&a, "none"), 2);
  cr_assert(isnan(ipesim_plot_axis_position(&a, "other")));
  ipesim_plot_axis_clear(&a);

  ipesim_plot_axis_init(&a, t, 1, NULL, 0);
  cr_assert_not(a.numeric, "5ms and 10Mbps on one axis");
  cr_assert_eq(a.bad_row, 1, "bad row %zd", a.bad_row);
  ipesim_plot_axis_clear(&a);

  /* only some rows: 1 and 3 of the plain column */
  const guint rows[] = { 0, 2 };
  ipesim_plot_axis_init(&a, t, 2, rows, 2);
  cr_assert(a.numeric);
  cr_assert_null(a.scale.unit);
  ipesim_plot_axis_clear(&a);

  g_autoptr(SimCsvTable) m = table("v\n5ms\n3\n");
  ipesim_plot_axis_init(&a, m, 0, NULL, 0);
  cr_assert_not(a.numeric, "a plain 3 among times");
  cr_assert_eq(a.bad_row, 1);
  ipesim_plot_axis_clear(&a);
}

/* ---- where ------------------------------------------------------------------------ */

Test(plot_where, conditions_and_quotes)
{
  GError *e = NULL;
  GPtrArray *w = ipesim_plot_where_parse(" metric = loss_ratio ,mode=hard", &e);
  cr_assert_not_null(w, "%s", e ? e->message : "?");
  cr_assert_eq(w->len, 2);
  IpesimPlotCond *c = w->pdata[0];
  cr_assert_str_eq(c->column, "metric");
  cr_assert_str_eq(c->value, "loss_ratio");
  c = w->pdata[1];
  cr_assert_str_eq(c->column, "mode");
  cr_assert_str_eq(c->value, "hard");
  g_ptr_array_unref(w);

  w = ipesim_plot_where_parse("flow = \"a, \"\"b\"\"\", link = ", &e);
  cr_assert_not_null(w, "%s", e ? e->message : "?");
  cr_assert_eq(w->len, 2);
  c = w->pdata[0];
  cr_assert_str_eq(c->value, "a, \"b\"");
  c = w->pdata[1];
  cr_assert_str_eq(c->column, "link");
  cr_assert_str_eq(c->value, "");
  g_ptr_array_unref(w);
}

Test(plot_where, errors_quote_the_text)
{
  static const struct {
    const char *text;
    const char *says;
  } bad[] = {
    { "mode hard", "no '=' in 'mode hard'" },
    { "= hard", "a column name is missing" },
    { "a = 1, b", "no '=' in 'b'" },
    { "a = \"x", "no closing quote" },
    { "a = \"x\" y", "text after a quoted value" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *e = NULL;
    cr_assert_null(ipesim_plot_where_parse(bad[i].text, &e), "'%s' accepted", bad[i].text);
    cr_assert(g_error_matches(e, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_SPEC));
    cr_assert(strstr(e->message, bad[i].says), "'%s': %s", bad[i].text, e->message);
    cr_assert(strstr(e->message, "expected COLUMN = VALUE"), "%s", e->message);
    g_error_free(e);
  }
}

Test(plot_where, equal_as_text_or_number)
{
  cr_assert(ipesim_plot_field_equal("hard", "hard"));
  cr_assert_not(ipesim_plot_field_equal("hard", "soft"));
  cr_assert(ipesim_plot_field_equal("2.0", "2"));
  cr_assert(ipesim_plot_field_equal("10Mbps", "10000kbps"));
  cr_assert_not(ipesim_plot_field_equal("10Mbps", "10"));
  cr_assert_not(ipesim_plot_field_equal("nan", "NaN"), "no value equals nothing");
  cr_assert(ipesim_plot_field_equal("", ""));
}

/* ---- [plot NAME] sections ------------------------------------------------------ */

static SimScenario *
scenario(const char *text)
{
  GError *e = NULL;
  SimScenario *sc = sim_scenario_load_data("s.ini", text, -1, &e);
  cr_assert_not_null(sc, "%s", e ? e->message : "?");
  return sc;
}

static const char good[] = "[simulation]\n"
                           "duration = 1s\n"
                           "\n"
                           "[plot loss]\n"
                           "table = sweep-summary\n"
                           "x = rate\n"
                           "y = mean\n"
                           "group = mode\n"
                           "where = metric = loss_ratio\n"
                           "style = errorbars\n"
                           "title = Loss\n"
                           "xlabel = bottleneck\n"
                           "ylabel = loss ratio\n"
                           "logx = yes\n"
                           "logy = off\n";

Test(plot_spec, every_key_read_and_marked)
{
  g_autoptr(SimScenario) sc = scenario(good);
  GError *e = NULL;
  cr_assert(ipesim_plot_check_scenario(sc, &e), "%s", e ? e->message : "?");
  SimScenarioSection *sim = sim_scenario_get_section(sc, "simulation");
  sim_scenario_section_get(sim, "duration", NULL);
  cr_assert(sim_scenario_check_unused(sc, &e), "%s", e ? e->message : "?");
  g_autoptr(IpesimPlotSpec) spec =
    ipesim_plot_spec_parse(sim_scenario_get_section(sc, "plot loss"), &e);
  cr_assert_not_null(spec);
  cr_assert_str_eq(spec->name, "loss");
  cr_assert_str_eq(spec->table, "sweep-summary");
  cr_assert_str_eq(spec->group, "mode");
  cr_assert_eq(spec->where->len, 1);
  cr_assert_eq(spec->style, IPESIM_PLOT_STYLE_ERRORBARS);
  cr_assert(spec->logx);
  cr_assert_not(spec->logy);
  cr_assert_str_eq(spec->xlabel, "bottleneck");
}

/* The error of checking @text's [plot] sections. */
static char *
check_error(const char *text)
{
  g_autoptr(SimScenario) sc = scenario(text);
  GError *e = NULL;
  cr_assert_not(ipesim_plot_check_scenario(sc, &e), "accepted:\n%s", text);
  char *m = g_strdup(e->message);
  g_error_free(e);
  return m;
}

Test(plot_spec, errors_name_file_line_section_and_key)
{
  static const struct {
    const char *text;
    const char *says;
  } bad[] = {
    { "[plot p]\ntable = flows\nx = flow\ny = rx_packets\ncolour = red\n",
      "s.ini:5: [plot p] colour: unknown key (expected one of: table, x, y, group, where, style, "
      "title, xlabel, ylabel, logx, logy)" },
    { "[plot p]\nx = flow\ny = rx_packets\n", "s.ini:1: [plot p] table: missing (expected" },
    { "[plot p]\ntable = flows\ny = rx_packets\n", "s.ini:1: [plot p] x: missing" },
    { "[plot p]\ntable = flows\nx = flow\n", "s.ini:1: [plot p] y: missing" },
    { "[plot p]\ntable = flows.csv\nx = a\ny = b\n",
      "s.ini:2: [plot p] table: 'flows.csv': expected the base name" },
    { "[plot p]\ntable = ../x\nx = a\ny = b\n", "s.ini:2: [plot p] table: '../x'" },
    { "[plot p]\ntable = flows\nx = a\ny = b\nstyle = area\n",
      "s.ini:5: [plot p] style: 'area': expected lines, points, linespoints, steps, bars or "
      "errorbars" },
    { "[plot p]\ntable = flows\nx = a\ny = b\nstyle = errorbars\n",
      "s.ini:5: [plot p] style: errorbars draws the 95% confidence interval" },
    { "[plot p]\ntable = flows\nx = a\ny = b\nlogx = maybe\n", "s.ini:5: [plot p] logx: 'maybe'" },
    { "[plot p]\ntable = flows\nx = a\ny = b\nwhere = src\n",
      "s.ini:5: [plot p] where: 'src': no '='" },
    { "[plot]\ntable = flows\nx = a\ny = b\n", "s.ini:1: [plot] needs a name" },
    { "[plot a b]\ntable = flows\nx = a\ny = b\n", "s.ini:1: [plot a b] needs a name" },
    { "[plot queues]\ntable = flows\nx = a\ny = b\n",
      "s.ini:1: [plot queues] the name 'queues' is taken" },
    { "[plot sweep-x]\ntable = flows\nx = a\ny = b\n", "is taken" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *m = check_error(bad[i].text);
    cr_assert(strstr(m, bad[i].says), "\n%s\ngave: %s\nexpected: %s", bad[i].text, m,
              bad[i].says);
  }
}

/* ---- drawing a section ------------------------------------------------------------- */

static char *
read_file(const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  GError *e = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, &e), "%s", e ? e->message : "?");
  return text;
}

static void
remove_dir(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    g_remove(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
}

Test(plot_draw, groups_where_and_quoting)
{
  g_autofree char *dir = g_dir_make_tmp("test-plot-XXXXXX", NULL);
  cr_assert_not_null(dir);
  g_autofree char *csv = g_build_filename(dir, "runs.csv", NULL);
  cr_assert(g_file_set_contents(csv,
                                "load,queue,status,loss\n"
                                "2,\"it's, fifo\",ok,0.2\n"
                                "1,\"it's, fifo\",ok,0.1\n"
                                "1,drr,ok,0.05\n"
                                "3,drr,failed,\n"
                                "2,drr,ok,nan\n",
                                -1, NULL));
  g_autoptr(SimScenario) sc = scenario("[plot loss]\ntable = runs\nx = load\ny = loss\n"
                                       "group = queue\nwhere = status = ok\nstyle = bars\n");
  GError *e = NULL;
  g_autoptr(IpesimPlotSpec) spec =
    ipesim_plot_spec_parse(sim_scenario_get_section(sc, "plot loss"), &e);
  cr_assert_not_null(spec, "%s", e ? e->message : "?");
  g_autofree char *what = NULL;
  cr_assert(ipesim_plot_spec_draw(spec, dir, dir, &what, &e), "%s", e ? e->message : "?");
  cr_assert(strstr(what, "[plot loss]"), "%s", what);
  g_autofree char *dat = read_file(dir, "loss.dat");
  /* block 0: the first group, sorted by x; block 1 after two blank lines */
  cr_assert(strstr(dat, "# index 0: it's, fifo\n1 0.1\n2 0.2\n\n\n# index 1: drr\n1 0.05\n2 NaN\n"),
            "%s", dat);
  cr_assert_null(strstr(dat, "\n3 "), "a failed row kept:\n%s", dat);
  g_autofree char *gp = read_file(dir, "loss.gp");
  cr_assert(strstr(gp, "plot 'loss.dat' index 0 using ($1-0.2):2 with boxes title 'it''s, fifo'"),
            "%s", gp);
  cr_assert(strstr(gp, "'' index 1 using ($1+0.2):2 with boxes title 'drr'"), "%s", gp);
  cr_assert(strstr(gp, "set key outside right top title 'queue'"), "%s", gp);
  cr_assert(strstr(gp, "set output 'loss.png'"), "%s", gp);
  cr_assert(strstr(gp, "set output 'loss.svg'\nreplot\n"), "%s", gp);
  cr_assert(strstr(gp, "set terminal pngcairo size 900,600 noenhanced"), "%s", gp);

  /* a missing column names the key and lists the columns */
  g_autoptr(SimScenario) sc2 = scenario("[plot p]\ntable = runs\nx = load\ny = loss_ratio\n");
  g_autoptr(IpesimPlotSpec) s2 = ipesim_plot_spec_parse(sim_scenario_get_section(sc2, "plot p"),
                                                        &e);
  cr_assert_not_null(s2);
  cr_assert_not(ipesim_plot_spec_draw(s2, dir, dir, NULL, &e));
  cr_assert(strstr(e->message, "s.ini:4: [plot p] y: no column 'loss_ratio' in "), "%s",
            e->message);
  cr_assert(strstr(e->message, "(columns: load, queue, status, loss)"), "%s", e->message);
  g_clear_error(&e);

  /* a where that matches nothing */
  g_autoptr(SimScenario) sc3 =
    scenario("[plot p]\ntable = runs\nx = load\ny = loss\nwhere = queue = wfq\n");
  g_autoptr(IpesimPlotSpec) s3 = ipesim_plot_spec_parse(sim_scenario_get_section(sc3, "plot p"),
                                                        &e);
  cr_assert_not(ipesim_plot_spec_draw(s3, dir, dir, NULL, &e));
  cr_assert(g_error_matches(e, IPESIM_PLOT_ERROR, IPESIM_PLOT_ERROR_EMPTY));
  cr_assert(strstr(e->message, "s.ini:5: [plot p] where: no row of "), "%s", e->message);
  g_clear_error(&e);

  /* y must be numeric */
  g_autoptr(SimScenario) sc4 = scenario("[plot p]\ntable = runs\nx = load\ny = queue\n");
  g_autoptr(IpesimPlotSpec) s4 = ipesim_plot_spec_parse(sim_scenario_get_section(sc4, "plot p"),
                                                        &e);
  cr_assert_not(ipesim_plot_spec_draw(s4, dir, dir, NULL, &e));
  cr_assert(strstr(e->message, "[plot p] y: "), "%s", e->message);
  cr_assert(strstr(e->message, "runs.csv:2: column 'queue' holds 'it's, fifo': expected a number"),
            "%s", e->message);
  g_clear_error(&e);
  remove_dir(dir);
}

Test(plot_draw, categorical_x_has_tics_and_labels)
{
  g_autofree char *dir = g_dir_make_tmp("test-plot-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename(dir, "flows.csv", NULL);
  cr_assert(g_file_set_contents(csv, "flow,rx\n\"New York, 1\",5\nb,7\n", -1, NULL));
  g_autoptr(SimScenario) sc = scenario("[plot f]\ntable = flows\nx = flow\ny = rx\n");
  GError *e = NULL;
  g_autoptr(IpesimPlotSpec) spec = ipesim_plot_spec_parse(sim_scenario_get_section(sc, "plot f"),
                                                          &e);
  cr_assert(ipesim_plot_spec_draw(spec, dir, dir, NULL, &e), "%s", e ? e->message : "?");
  g_autofree char *dat = read_file(dir, "f.dat");
  cr_assert(strstr(dat, "\n0 5 \"New York, 1\"\n"), "%s", dat);
  g_autofree char *gp = read_file(dir, "f.gp");
  cr_assert(strstr(gp, "set xtics ('New York, 1' 0, "), "%s", gp);
  cr_assert(strstr(gp, "set xrange [-0.5:1.5]"), "%s", gp);
  cr_assert(strstr(gp, "set key off"), "%s", gp);
  remove_dir(dir);
}

/* ---- text helpers ------------------------------------------------------------------- */

Test(plot_text, quoting_and_comments)
{
  GString *s = g_string_new(NULL);
  ipesim_plot_gp_quote(s, "it's\na");
  cr_assert_str_eq(s->str, "'it''s a'");
  g_string_truncate(s, 0);
  ipesim_plot_dat_string(s, "say \"hi\"\t");
  cr_assert_str_eq(s->str, "\"say 'hi' \"");
  g_string_truncate(s, 0);
  ipesim_plot_dat_number(s, NAN);
  g_string_append_c(s, ' ');
  ipesim_plot_dat_number(s, 641.728512);
  g_string_append_c(s, ' ');
  ipesim_plot_dat_number(s, 1e-7);
  cr_assert_str_eq(s->str, "NaN 641.728512 1e-07");
  g_string_truncate(s, 0);
  GString *words = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append(words, "word\n ");
  ipesim_plot_gp_comment(s, words->str);
  g_auto(GStrv) lines = g_strsplit(s->str, "\n", -1);
  cr_assert_gt(g_strv_length(lines), 3);
  for (char **l = lines; *l && **l; l++) {
    cr_assert(g_str_has_prefix(*l, "# "), "'%s'", *l);
    cr_assert_leq(strlen(*l), 78, "'%s'", *l);
  }
  g_string_free(words, TRUE);
  g_string_free(s, TRUE);
}
