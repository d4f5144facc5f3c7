/* simsweep.h - parameter sweeps and replications of a scenario.
 *
 * A scenario's `[sweep]` section lists parameters with several values;
 * the scenario refers to them as `${sweep.NAME}` like any parameter
 * section. Values are a comma-separated list of items, each a single
 * value or a range:
 *
 *     rate = 1000..10000 step 1000      ; 1000, 2000, ..., 10000
 *     load = 10Mbps..40Mbps step 10Mbps ; a unit suffix, the same on all parts
 *     size = 64..1024 times 2           ; 64, 128, 256, 512, 1024
 *     mode = hard, soft, none
 *
 * and four reserved keys: `combine = product` (every combination, the
 * first parameter varying slowest; default) or `zip` (the i-th values
 * together; equal counts), `replications = N` (default: [simulation]
 * runs, else 1), `streams = independent` (each run its own random
 * streams; default) or `common` (replication r of every point shares
 * streams: common random numbers).
 *
 * Runs are numbered point-major: run k is replication k % R of point
 * k / R. The stream run number of run k is `run + k` (independent) or
 * `run + k % R` (common), `run` being [simulation] run (default 0), so
 * streams are stable across re-runs and differ between replications
 * (DESIGN.md rule 3).
 *
 * The statistics helpers give the mean, standard deviation and the 95 %
 * Student-t confidence interval of replications (t quantiles from GSL).
 */
#ifndef IPESIM_SIMSWEEP_H
#define IPESIM_SIMSWEEP_H

#include "simdefs.h"
#include "simscenario.h"

G_BEGIN_DECLS

#define SIM_SWEEP_ERROR (sim_sweep_error_quark())
typedef enum {
  SIM_SWEEP_ERROR_VALUE,      /* a value list or range that does not parse */
  SIM_SWEEP_ERROR_KEY,        /* a bad reserved key, or a parameter nobody refers to */
  SIM_SWEEP_ERROR_SIZE        /* zip with unequal counts, or too many runs */
} SimSweepError;

SIM_API GQuark sim_sweep_error_quark(void);

/* At most this many runs in one sweep. */
#define SIM_SWEEP_MAX_RUNS 1000000u

typedef struct _SimSweep SimSweep;

/**
 * sim_sweep_expand:
 * @text: a value list as written in `[sweep]`
 * @values: (element-type utf8): the values are appended (g_strdup'd)
 * @error: SIM_SWEEP_ERROR_VALUE with the expected form
 *
 * Expands lists and ranges. A range `A..B step S` holds A, A+S, ... up to
 * B (B included when reached; S negative to count down), `A..B times F`
 * the geometric A, A*F, ... (F > 1, A > 0); `A..B` alone steps by 1. A, B
 * and S may carry a unit suffix (`10Mbps`), the same on all of them (S
 * may omit it); integers give integers, otherwise values are printed
 * with up to 12 significant digits.
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_sweep_expand(const char *text, GPtrArray *values, GError **error);

/**
 * sim_sweep_from_scenario:
 * @sc: a scenario
 * @error: SIM_SWEEP_ERROR, the message starting `FILE:LINE: [sweep] KEY: `
 *
 * Reads `[sweep]` (marking its keys read) and `[simulation] runs` and
 * `run`, without marking those. A scenario without `[sweep]` is a sweep of
 * one point with `[simulation] runs` replications. Every parameter must be
 * referred to as `${sweep.NAME}` somewhere in the scenario.
 * Returns: (transfer full) (nullable): the sweep, NULL with @error.
 */
SIM_API SimSweep *sim_sweep_from_scenario(SimScenario *sc, GError **error);
SIM_API void sim_sweep_free(SimSweep *sw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimSweep, sim_sweep_free)

/* Parameters in file order. */
SIM_API guint sim_sweep_n_params(const SimSweep *sw);
SIM_API const char *sim_sweep_param(const SimSweep *sw, guint param);
/* Parameter points (1 without parameters), replications, runs (their
 * product). */
SIM_API guint sim_sweep_n_points(const SimSweep *sw);
SIM_API guint sim_sweep_replications(const SimSweep *sw);
SIM_API guint sim_sweep_n_runs(const SimSweep *sw);
/* TRUE when the scenario asks for more than one run: results go to
 * DIR/run-K/ folders with sweep tables. A sweep of one run (one value per
 * parameter, one replication, as in a run's manifest.ini) is a single run. */
SIM_API gboolean sim_sweep_is_sweep(const SimSweep *sw);
/* The value of @param at @point. */
SIM_API const char *sim_sweep_value(const SimSweep *sw, guint point, guint param);
/* The point and replication of run @run. */
SIM_API guint sim_sweep_run_point(const SimSweep *sw, guint run);
SIM_API guint sim_sweep_run_replication(const SimSweep *sw, guint run);
/* The run number for the random streams of run @run. */
SIM_API uint32_t sim_sweep_run_number(const SimSweep *sw, guint run);

/**
 * sim_sweep_run_assignments:
 * @sw: a sweep
 * @run: a run index
 *
 * The overrides that turn the scenario into run @run alone, for
 * sim_scenario_set(): `sweep.NAME=VALUE` per parameter, `sweep.replications=1`
 * and `simulation.runs=1` when those are set, `simulation.run=N` (the run
 * number): loading a run's manifest.ini reproduces that run.
 * Returns: (transfer full): a NULL-terminated array; g_strfreev().
 */
SIM_API char **sim_sweep_run_assignments(const SimSweep *sw, guint run);

/* `NAME=VALUE, NAME=VALUE` of @point, for messages; "" without
 * parameters. (transfer full) */
SIM_API char *sim_sweep_point_label(const SimSweep *sw, guint point);

/* ---- statistics ------------------------------------------------------------------------------ */

typedef struct {
  unsigned n;       /* values with a number (NAN values are left out) */
  double mean;      /* NAN when n = 0 */
  double sd;        /* sample standard deviation (n - 1); NAN when n < 2 */
  double ci95_low;  /* mean -/+ t(0.975, n - 1) sd / sqrt(n); NAN when n < 2 */
  double ci95_high;
} SimSummary;

/* The quantile @p of Student's t distribution with @dof degrees of
 * freedom (GSL's gsl_cdf_tdist_Pinv). */
SIM_API double sim_t_quantile(double p, unsigned dof);

/* Summarises @n values (NAN ones left out). */
SIM_API void sim_summarize(const double *values, size_t n, SimSummary *out);

G_END_DECLS

#endif /* IPESIM_SIMSWEEP_H */
