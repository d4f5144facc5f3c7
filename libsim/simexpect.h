/* simexpect.h - expectations on result tables: `METRIC OP VALUE`.
 *
 * An expectation names a number in the CSV files of a result folder and
 * bounds it: `flow.video.loss_ratio < 0.001`, `summary.packets_dropped =
 * 0`, `drops.reason.hop_limit >= 1`. Scenario files state them in their
 * `[expect]` section, one per key (the key is the expectation's name);
 * `ipesim test` runs a scenario and checks them.
 *
 * Metrics address any CSV file of the folder, without knowing its
 * content in advance (docs/scenario-format.md, section [expect]):
 *
 *  - `TABLE.ROW.COLUMN`: COLUMN of the rows whose first field is ROW, in
 *    `TABLE.csv`, or `TABLEs.csv` when there is no `TABLE.csv` (`flow.f1`
 *    reads flows.csv, `srv6.r1` srv6.csv); ROW `*` is every row. When
 *    several rows match, each of them must satisfy the bound.
 *  - `TABLE.COLUMN`: a table of one row (summary.csv).
 *  - tables of counts, whose last column is `count` (drops.csv):
 *    `TABLE.COL.VALUE` is the sum of `count` over the rows whose COL is
 *    VALUE (0 when there is none: zero counts are not written), VALUE `*`
 *    each distinct value of COL; `TABLE.count` the sum over all rows.
 *
 * VALUE is a decimal number in the column's unit, or a number with a unit
 * that fits the name of the metric's last part: a time for `_us`, `_s`
 * and `_seconds` (`5ms`), a bit rate for `_bps` (`10Mbps`), a size for
 * `_kb` and `bytes` (`64KiB`); a percentage (`1%`) anywhere.
 */
#ifndef IPESIM_SIMEXPECT_H
#define IPESIM_SIMEXPECT_H

#include "simdefs.h"
#include "simscenario.h"

G_BEGIN_DECLS

#define SIM_EXPECT_ERROR (sim_expect_error_quark())
typedef enum {
  SIM_EXPECT_ERROR_SYNTAX, /* not METRIC OP VALUE, or a VALUE that does not parse */
  SIM_EXPECT_ERROR_FILE,   /* no result file for the metric's table, or an unreadable one */
  SIM_EXPECT_ERROR_ROW,    /* no row for the metric (or not exactly one for TABLE.COLUMN) */
  SIM_EXPECT_ERROR_COLUMN, /* no such column */
  SIM_EXPECT_ERROR_VALUE   /* a field that is not a number */
} SimExpectError;

SIM_API GQuark sim_expect_error_quark(void);

typedef enum {
  SIM_EXPECT_LT, /* < */
  SIM_EXPECT_LE, /* <= */
  SIM_EXPECT_GT, /* > */
  SIM_EXPECT_GE, /* >= */
  SIM_EXPECT_EQ, /* = */
  SIM_EXPECT_NE, /* != */
  SIM_EXPECT_OP_N
} SimExpectOp;

/* The operator as written: "<", "<=", ">", ">=", "=", "!=". */
SIM_API const char *sim_expect_op_symbol(SimExpectOp op);

typedef struct _SimExpect SimExpect;

/**
 * sim_expect_parse:
 * @name: the expectation's name (the key in `[expect]`)
 * @text: `METRIC OP VALUE`; blanks around the three parts are optional
 * @error: SIM_EXPECT_ERROR_SYNTAX, the message quoting @text and stating
 *   the expected form (`expected METRIC OP VALUE (OP one of <, <=, >,
 *   >=, =, !=)`) or why VALUE does not parse
 *
 * Returns: (transfer full) (nullable): the expectation, NULL with @error.
 */
SIM_API SimExpect *sim_expect_parse(const char *name, const char *text, GError **error);

/* Frees @e; NULL is allowed. */
SIM_API void sim_expect_free(SimExpect *e);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimExpect, sim_expect_free)

/* The parts of @e; the strings live as long as @e. */
SIM_API const char *sim_expect_name(const SimExpect *e);
SIM_API const char *sim_expect_metric(const SimExpect *e);
SIM_API SimExpectOp sim_expect_op(const SimExpect *e);
/* The bound in the column's unit (`5ms` on a `_us` column is 5000). */
SIM_API double sim_expect_value(const SimExpect *e);
/* The bound as written: `5ms`. */
SIM_API const char *sim_expect_value_text(const SimExpect *e);

/**
 * sim_expect_list_from_scenario:
 * @sc: a scenario
 * @error: SIM_EXPECT_ERROR_SYNTAX, the message starting `FILE:LINE:
 *   [expect] NAME: ` (or `--set expect.NAME: `); also for an `[expect
 *   NAME]` header, which takes no name
 *
 * Parses every key of the `[expect]` section in order and marks it read.
 * Returns: (transfer full) (nullable): a GPtrArray of SimExpect (freed
 *   with the array), empty when @sc has no `[expect]` section; NULL with
 *   @error.
 */
SIM_API GPtrArray *sim_expect_list_from_scenario(SimScenario *sc, GError **error);

/* The outcome of one expectation. */
typedef struct {
  gboolean pass;
  /* The value compared. Over several rows: the first that fails, or when
   * all pass, the one closest to the bound. NAN for "no value". */
  double measured;
  char *row;       /* the row (or count group) of @measured when several were
                    * compared or the metric's row is `*`; else NULL */
  unsigned n_rows; /* rows (or groups) compared */
  unsigned n_fail; /* of which failed the bound */
  GError *error;   /* the metric could not be read (then pass is FALSE) */
} SimExpectResult;

#define SIM_EXPECT_RESULT_INIT { FALSE, 0.0, NULL, 0, 0, NULL }

/**
 * sim_expect_evaluate:
 * @e: an expectation
 * @dir: a result folder
 * @result: (out caller-allocates): filled in; release with
 *   sim_expect_result_clear()
 *
 * Reads the metric from the CSV files of @dir and compares it. A value
 * `nan` or an empty field (no value) fails every bound. A metric that
 * cannot be read fails with result->error naming the file and what is
 * missing in it (SIM_EXPECT_ERROR_FILE, _ROW, _COLUMN, _VALUE; a file
 * that is not CSV keeps its SIM_CSV_ERROR); sim_expect_format() puts the
 * metric before it.
 * Returns: result->pass.
 */
SIM_API gboolean sim_expect_evaluate(const SimExpect *e, const char *dir,
                                     SimExpectResult *result);

/* Frees what @result holds and resets it to SIM_EXPECT_RESULT_INIT. */
SIM_API void sim_expect_result_clear(SimExpectResult *result);

/**
 * sim_expect_format:
 * @e: an expectation
 * @result: its outcome
 *
 * One line without newline: `PASS NAME: METRIC OP VALUE (measured X)`
 * (or FAIL), X `nan (no value)` for no value; ` at ROW` when result->row
 * is set, then `; K of N fail` when some of several failed, or `, the
 * nearest to the bound of N` when all N passed. `FAIL NAME: METRIC OP
 * VALUE: ERROR` when the metric could not be read.
 * Returns: (transfer full): the line; g_free() it.
 */
SIM_API char *sim_expect_format(const SimExpect *e, const SimExpectResult *result);

/* ---- reading metrics -------------------------------------------------------------------------- */

/**
 * sim_metric_read:
 * @metric: `TABLE.COLUMN`, `TABLE.ROW.COLUMN` (ROW may be `*`) or, for
 *   tables of counts, `TABLE.count` / `TABLE.COL.VALUE`, as for expectations
 * @dir: a result folder
 * @values: (element-type double): every value the metric names is appended
 *   (NAN for a field without a number)
 * @rows: (nullable) (element-type utf8): the row (or count group) of each
 *   value is appended (g_strdup'd; NULL when the metric names one row)
 * @error: as for sim_expect_evaluate()'s result->error
 *
 * Returns: TRUE when at least one value was read.
 */
SIM_API gboolean sim_metric_read(const char *metric, const char *dir, GArray *values,
                                 GPtrArray *rows, GError **error);

/* Headline metrics: `NAME = METRIC` or `NAME = FUNCTION(METRIC)` in a
 * scenario's `[metrics]` section; a sweep writes one column per metric
 * into sweep.csv and summarises each over the replications. */
typedef enum {
  SIM_METRIC_ONE,   /* exactly one value */
  SIM_METRIC_SUM,   /* sum over the rows */
  SIM_METRIC_MEAN,  /* mean over the rows */
  SIM_METRIC_MIN,
  SIM_METRIC_MAX,
  SIM_METRIC_COUNT, /* rows with a number */
  SIM_METRIC_FN_N
} SimMetricFn;

typedef struct _SimMetric SimMetric;

/* Parses `METRIC` or `FUNCTION(METRIC)`, FUNCTION one of sum, mean, min,
 * max, count. NULL with SIM_EXPECT_ERROR_SYNTAX stating the expected form. */
SIM_API SimMetric *sim_metric_parse(const char *name, const char *text, GError **error);
SIM_API void sim_metric_free(SimMetric *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimMetric, sim_metric_free)
SIM_API const char *sim_metric_name(const SimMetric *m);
/* As written: `mean(flow.*.loss_ratio)`. */
SIM_API const char *sim_metric_text(const SimMetric *m);
SIM_API SimMetricFn sim_metric_fn(const SimMetric *m);

/**
 * sim_metric_evaluate:
 * @m: a metric
 * @dir: a result folder
 * @out: (out): the value; NAN when the metric has no number (a `nan`
 *   field, or only such fields under sum/mean/min/max, which skip them)
 * @error: the metric cannot be read (as sim_metric_read()), or a metric
 *   without FUNCTION names more than one value (SIM_EXPECT_ERROR_ROW)
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_metric_evaluate(const SimMetric *m, const char *dir, double *out,
                                     GError **error);

/* The metrics of the `[metrics]` section in order, its keys marked read
 * (an empty array when there is none); NULL with @error `FILE:LINE:
 * [metrics] NAME: ...`. (transfer full) (element-type SimMetric) */
SIM_API GPtrArray *sim_metric_list_from_scenario(SimScenario *sc, GError **error);

/* The metrics used when a scenario declares none: packets_sent,
 * packets_delivered, packets_dropped (summary.csv), loss_ratio,
 * delay_mean_us, delay_p99_us (means over the flows), throughput_bps (sum
 * over the flows). (transfer full) */
SIM_API GPtrArray *sim_metric_list_default(void);

G_END_DECLS

#endif /* IPESIM_SIMEXPECT_H */
