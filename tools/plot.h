/* plot.h - figures of result folders as editable gnuplot scripts.
 *
 * The pieces `ipesim plot` (cmd-plot.c) is made of, and that `ipesim run`
 * and `ipesim check` use to validate the [plot NAME] sections of a
 * scenario:
 *
 *  - values read from result tables: plain numbers, `nan`, or numbers with
 *    a unit of the scenario format (`10Mbps`, `5ms`, `1500B`, `20%`),
 *    and the axis a column makes: numeric (scaled to a readable unit) or
 *    categorical (its words in order of first appearance);
 *  - `[plot NAME]` sections: their keys checked without results, then
 *    drawn from the table they name;
 *  - writers of a figure: NAME.dat (the numbers, one block per line of the
 *    plot) and NAME.gp (comments saying what it plots and from which file,
 *    labels with units, rendering NAME.png and NAME.svg when run as
 *    `gnuplot NAME.gp` in its folder). Files are written atomically.
 *
 * docs/plots.md describes the figures and the [plot] keys for users.
 */
#ifndef IPESIM_PLOT_H
#define IPESIM_PLOT_H

#include "simcsv.h"
#include "simscenario.h"

#include <glib.h>

G_BEGIN_DECLS

#define IPESIM_PLOT_ERROR (ipesim_plot_error_quark())
typedef enum {
  IPESIM_PLOT_ERROR_SPEC,  /* a [plot NAME] section that is malformed */
  IPESIM_PLOT_ERROR_INPUT, /* a result table without the columns or values expected */
  IPESIM_PLOT_ERROR_EMPTY  /* nothing to draw: no row, or no finite value */
} IpesimPlotError;

GQuark ipesim_plot_error_quark(void);

/* ---- values and axes ------------------------------------------------------- */

/* The unit a value was written with; values are kept in the base unit. */
typedef enum {
  IPESIM_PLOT_UNIT_NONE,     /* a plain number */
  IPESIM_PLOT_UNIT_TIME,     /* seconds, from `5ms` */
  IPESIM_PLOT_UNIT_RATE,     /* bit/s, from `10Mbps` */
  IPESIM_PLOT_UNIT_SIZE,     /* bytes, from `1500B` */
  IPESIM_PLOT_UNIT_PKT_RATE, /* packets/s, from `10kpps` */
  IPESIM_PLOT_UNIT_PERCENT,  /* a fraction, from `20%` */
  IPESIM_PLOT_UNIT_N
} IpesimPlotUnit;

typedef struct {
  IpesimPlotUnit unit;
  double value; /* in the base unit; NaN for "no value" (empty or `nan`) */
} IpesimPlotValue;

/**
 * ipesim_plot_parse_value:
 * @text: a field of a table
 * @out: (out): the value
 *
 * Reads an empty field, `nan` (no value), a decimal number (`-0.5`,
 * `1e-3`, `inf`), or a non-negative number with a unit of
 * libsim/simunits.h or simtime.h (`10Mbps`, `5ms`, `1500B`, `10kpps`) or
 * a percentage (`20%`). Blanks around it are ignored.
 * Returns: FALSE when @text is not a number (a word such as `hard`).
 */
gboolean ipesim_plot_parse_value(const char *text, IpesimPlotValue *out);

/* How values are shown on an axis: multiplied by @factor, in @unit. */
typedef struct {
  const char *unit;   /* "Mbit/s", "ms", "%"; NULL for plain numbers */
  const char *op;     /* the gnuplot operation that scales a base value: "/1e6", "*1e3"; or NULL */
  double factor;      /* the same as a number */
} IpesimPlotScale;

/* The unit of @unit that shows the smallest non-zero magnitude of @values
 * (base units, NaN ignored) as at least 1 (10 Mbit/s, not 0.01 Gbit/s). */
IpesimPlotScale ipesim_plot_scale_choose(IpesimPlotUnit unit, const double *values, guint n);

/* An axis made from one column over some rows of a table. */
typedef struct {
  gboolean numeric;      /* else categorical */
  IpesimPlotUnit unit;   /* when numeric */
  IpesimPlotScale scale; /* when numeric */
  GPtrArray *categories; /* when categorical: the distinct fields, in order of first
                          * appearance (owned) */
  GHashTable *index;     /* field -> position + 1 in @categories */
  gssize bad_row;        /* the first row (index into the table) that is not a number, or -1 */
} IpesimPlotAxis;

/**
 * ipesim_plot_axis_init:
 * @axis: (out caller-allocates): the axis; clear it with ipesim_plot_axis_clear()
 * @t: a table
 * @col: a column of @t
 * @rows: the rows to look at (indices into @t), or NULL for all
 * @n_rows: number of @rows (ignored when @rows is NULL)
 *
 * Numeric when every field is a number and those with a unit share it (a
 * plain 0 fits any unit); else categorical, with @axis->bad_row the first
 * field that is not a number.
 */
void ipesim_plot_axis_init(IpesimPlotAxis *axis, const SimCsvTable *t, size_t col,
                           const guint *rows, guint n_rows);

/* The position of @text on @axis: its value in the base unit (NaN when it
 * has none), or for a categorical axis its category number from 0. */
double ipesim_plot_axis_position(const IpesimPlotAxis *axis, const char *text);

void ipesim_plot_axis_clear(IpesimPlotAxis *axis);

/* ---- where: row filters ----------------------------------------------------- */

typedef struct {
  char *column;
  char *value;
} IpesimPlotCond;

/**
 * ipesim_plot_where_parse:
 * @text: `COLUMN = VALUE[, COLUMN = VALUE]...`; a VALUE holding a comma
 *   is written in double quotes (`flow = "a, b"`, `""` for a quote)
 * @error: IPESIM_PLOT_ERROR_SPEC, the message quoting @text and the
 *   expected form
 *
 * Returns: (transfer full) (nullable): the conditions (IpesimPlotCond),
 *   free with g_ptr_array_unref().
 */
GPtrArray *ipesim_plot_where_parse(const char *text, GError **error);

/* TRUE when @field equals @value: the same text, or the same number
 * (`2` and `2.0`, `10Mbps` and `10000kbps`). */
gboolean ipesim_plot_field_equal(const char *field, const char *value);

/* ---- [plot NAME] sections ---------------------------------------------------- */

typedef enum {
  IPESIM_PLOT_STYLE_LINES,
  IPESIM_PLOT_STYLE_POINTS,
  IPESIM_PLOT_STYLE_LINESPOINTS,
  IPESIM_PLOT_STYLE_STEPS,
  IPESIM_PLOT_STYLE_BARS,
  IPESIM_PLOT_STYLE_ERRORBARS,
  IPESIM_PLOT_STYLE_N
} IpesimPlotStyle;

/* The style's name in a [plot] section: "lines", ..., "errorbars". */
const char *ipesim_plot_style_name(IpesimPlotStyle style);

/* A [plot NAME] section, checked. The strings belong to the scenario. */
typedef struct {
  SimScenarioSection *section;
  const char *name;
  const char *table;
  const char *x, *y, *group; /* group may be NULL */
  GPtrArray *where;          /* IpesimPlotCond, possibly empty */
  const char *where_text;    /* NULL without `where` */
  IpesimPlotStyle style;
  const char *title, *xlabel, *ylabel; /* NULL when not set */
  gboolean logx, logy;
} IpesimPlotSpec;

/**
 * ipesim_plot_spec_parse:
 * @section: a `[plot NAME]` section
 * @error: SIM_SCENARIO_ERROR or IPESIM_PLOT_ERROR_SPEC, the message
 *   `FILE:LINE: [plot NAME] KEY: ...` with the expected form
 *
 * Checks every key of @section (unknown keys, missing required ones,
 * malformed values; not whether the columns exist: that needs the results)
 * and marks them read.
 * Returns: (transfer full) (nullable): the spec, free with ipesim_plot_spec_free().
 */
IpesimPlotSpec *ipesim_plot_spec_parse(SimScenarioSection *section, GError **error);

void ipesim_plot_spec_free(IpesimPlotSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IpesimPlotSpec, ipesim_plot_spec_free)

/**
 * ipesim_plot_check_scenario:
 * @sc: a scenario
 * @error: as for ipesim_plot_spec_parse(), for the first bad section
 *
 * Checks the keys of every `[plot NAME]` section of @sc without results
 * and marks them read. `ipesim run` and `ipesim check` call it.
 * Returns: TRUE when every [plot] section is well formed (or there is none).
 */
gboolean ipesim_plot_check_scenario(SimScenario *sc, GError **error);

/**
 * ipesim_plot_spec_draw:
 * @spec: a checked [plot NAME] section
 * @dir: the result folder holding TABLE.csv
 * @outdir: where NAME.gp and NAME.dat are written
 * @what: (out) (optional): a one-line description of the figure
 * @error: IPESIM_PLOT_ERROR or SIM_CSV_ERROR; messages start with the
 *   FILE:LINE of the key at fault: `s.ini:9: [plot loss] y: no column ...`
 *
 * Returns: TRUE when the script and its data were written.
 */
gboolean ipesim_plot_spec_draw(const IpesimPlotSpec *spec, const char *dir, const char *outdir,
                               char **what, GError **error);

/* TRUE when @name is the file name of a figure `ipesim plot` draws by
 * itself (delay_cdf, throughput, link_utilization, link_utilization_time,
 * queues, sweep-*), which a [plot NAME] section may not take. */
gboolean ipesim_plot_name_is_builtin(const char *name);

/* ---- writing figures ------------------------------------------------------------ */

typedef struct {
  double x, y;
  double lo, hi; /* the error bar, for IPESIM_PLOT_STYLE_ERRORBARS */
} IpesimPlotPoint;

/* One line (or set of bars) of a figure. */
typedef struct {
  char *title;    /* its legend entry; "" for none */
  GArray *points; /* IpesimPlotPoint, in drawing order */
} IpesimPlotSeries;

IpesimPlotSeries *ipesim_plot_series_new(const char *title);
void ipesim_plot_series_add(IpesimPlotSeries *s, double x, double y, double lo, double hi);
void ipesim_plot_series_free(IpesimPlotSeries *s);
/* Sorts the points by x, keeping the order of equal ones. */
void ipesim_plot_series_sort(IpesimPlotSeries *s);

/* A figure of lines, points or bars over x. */
typedef struct {
  const char *name;     /* file base name: NAME.gp, NAME.dat, NAME.png, NAME.svg */
  const char *what;     /* what it plots, for the script's first comment */
  const char *source;   /* where the numbers come from, for the comments */
  const char *columns;  /* the data file's columns, e.g. "delay_us cdf" */
  const char *title, *xlabel, *ylabel;
  IpesimPlotStyle style;
  IpesimPlotScale xscale, yscale; /* applied by the script; the data keep base units */
  GPtrArray *categories; /* x tics: category i at x = i; NULL for a numeric x */
  gboolean logx, logy;
  const char *key;      /* gnuplot `set key` options; NULL: outside when several lines, else off */
  const char *key_title;
  const char *settings; /* more gnuplot lines (ranges), or NULL */
  GPtrArray *notes;     /* more comment lines (char *), or NULL */
  GPtrArray *series;    /* IpesimPlotSeries */
} IpesimPlotFigure;

/**
 * ipesim_plot_figure_write:
 * @fig: the figure
 * @outdir: an existing folder
 * @error: IPESIM_PLOT_ERROR_EMPTY when no point has a finite x and y
 *   (nothing is written then), or a G_FILE_ERROR
 *
 * Writes @outdir/NAME.dat (the points of each series, one block each,
 * separated by two blank lines) and @outdir/NAME.gp.
 * Returns: TRUE on success.
 */
gboolean ipesim_plot_figure_write(const IpesimPlotFigure *fig, const char *outdir,
                                  GError **error);

/* Appends @text as a gnuplot string in single quotes ('it''s'); line breaks
 * and other control characters become blanks. */
void ipesim_plot_gp_quote(GString *out, const char *text);

/* Appends @text as comment lines starting with "# " and at most about 78
 * columns wide; control characters become blanks. */
void ipesim_plot_gp_comment(GString *out, const char *text);

/* Appends @v as a data-file number ("%.10g"; "NaN" when not finite). */
void ipesim_plot_dat_number(GString *out, double v);

/* Appends @text as a data-file string in double quotes (a double quote in
 * it becomes a single one: gnuplot data files have no escape). */
void ipesim_plot_dat_string(GString *out, const char *text);

/* Appends the lines that render the figure: the pngcairo terminal and
 * NAME.png, @plot (a complete `plot ...` command without final newline),
 * then the svg terminal, NAME.svg and `replot`. */
void ipesim_plot_gp_render(GString *gp, const char *name, int width, int height,
                           const char *plot);

/* Writes @outdir/@file atomically (temporary file, then rename). */
gboolean ipesim_plot_save(const char *outdir, const char *file, const GString *text,
                          GError **error);

G_END_DECLS

#endif /* IPESIM_PLOT_H */
