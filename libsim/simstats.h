/* simstats.h - statistics collectors.
 *
 * SimWelford: count, mean, variance (Welford's update, Chan et al. merge),
 *   min and max of a stream of doubles.
 * SimHistogram: log-linear histogram of non-negative integers (e.g.
 *   delays in ps) in the manner of HdrHistogram: values below 2^(p+1) are
 *   counted exactly, above that each power-of-two range is cut into 2^p
 *   buckets. A reported quantile is the midpoint of its bucket, clamped to
 *   the observed min/max, so its relative error is at most 2^-(p+1)
 *   (p = 7: 0.39 %). Memory grows only with the range of values seen.
 * SimTimeAverage: average of a piecewise-constant quantity over simulated
 *   time (queue length, link busy state).
 * SimCounters: named 64-bit counters registered at setup and incremented
 *   by index on the hot path.
 */
#ifndef IPESIM_SIMSTATS_H
#define IPESIM_SIMSTATS_H

#include "simdefs.h"
#include "simtime.h"

G_BEGIN_DECLS

/* ---- Welford ------------------------------------------------------------- */

typedef struct {
  uint64_t n;
  double mean;
  double m2;
  double min;
  double max;
} SimWelford;

#define SIM_WELFORD_INIT { 0, 0.0, 0.0, 0.0, 0.0 }

SIM_API void sim_welford_init(SimWelford *w);
SIM_API void sim_welford_add(SimWelford *w, double x);
/* Adds the observations summarised in @other to @w. */
SIM_API void sim_welford_merge(SimWelford *w, const SimWelford *other);
/* Sample variance (n - 1 denominator); 0 for n < 2. */
SIM_API double sim_welford_variance(const SimWelford *w);
SIM_API double sim_welford_stddev(const SimWelford *w);

/* ---- histogram ------------------------------------------------------------- */

typedef struct _SimHistogram SimHistogram;

/* @precision_bits p in 1..16: relative error bound 2^-(p+1). */
SIM_API SimHistogram *sim_histogram_new(unsigned precision_bits);
SIM_API void sim_histogram_free(SimHistogram *h);
SIM_API void sim_histogram_reset(SimHistogram *h);
SIM_API void sim_histogram_add(SimHistogram *h, uint64_t value);
SIM_API void sim_histogram_add_n(SimHistogram *h, uint64_t value, uint64_t count);
/* Adds @other's counts; both must have the same precision. */
SIM_API gboolean sim_histogram_merge(SimHistogram *h, const SimHistogram *other);
/* Appends @h whole (counts, count, min, max, sum) to @out, in this
 * machine's byte order: for another process of the same build. */
SIM_API void sim_histogram_serialize(const SimHistogram *h, GByteArray *out);
/* Merges a histogram that sim_histogram_serialize() wrote at @data into
 * @h (same precision), exactly as sim_histogram_merge() would. Returns the
 * bytes read, 0 if @data is not such a histogram. */
SIM_API size_t sim_histogram_merge_serialized(SimHistogram *h, const uint8_t *data, size_t len);
SIM_API uint64_t sim_histogram_count(const SimHistogram *h);
SIM_API uint64_t sim_histogram_min(const SimHistogram *h); /* exact; 0 if empty */
SIM_API uint64_t sim_histogram_max(const SimHistogram *h); /* exact; 0 if empty */
SIM_API double sim_histogram_mean(const SimHistogram *h);  /* exact; NaN if empty */
/* The sum of the values added, modulo 2^64: the difference of two readings
 * (unsigned arithmetic) is the exact sum of the values added in between
 * while that stays below 2^64 (delays in ps: 213 days). Gives means over
 * intervals without a second sum on the hot path. */
SIM_API uint64_t sim_histogram_sum_mod64(const SimHistogram *h);
SIM_API unsigned sim_histogram_precision(const SimHistogram *h);
/* Relative error bound of quantiles: 2^-(p+1). */
SIM_API double sim_histogram_error_bound(const SimHistogram *h);

/**
 * sim_histogram_quantile:
 * @q: in [0, 1]
 * The value of rank ceil(q * n) (nearest rank; q = 0 gives the minimum),
 * within the relative error bound. Returns NaN when empty.
 */
SIM_API double sim_histogram_quantile(const SimHistogram *h, double q);

/* Iterates over non-empty buckets in increasing value order: @lo..@hi is
 * the inclusive range of values the bucket holds. Return FALSE from @fn to
 * stop. For CDF output. */
typedef gboolean (*SimHistogramFunc)(uint64_t lo, uint64_t hi, uint64_t count, void *data);
SIM_API void sim_histogram_foreach(const SimHistogram *h, SimHistogramFunc fn, void *data);

/* Heap bytes held by @h. */
SIM_API size_t sim_histogram_memory(const SimHistogram *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimHistogram, sim_histogram_free)

/* ---- time-weighted average ---------------------------------------------- */

typedef struct {
  SimTime start;
  SimTime last;
  double value;
  double integral; /* value x picoseconds, since start */
  double max;
} SimTimeAverage;

/* Starts at time @t with value @v. */
SIM_API void sim_time_average_init(SimTimeAverage *a, SimTime t, double v);
/* The value changes to @v at time @t (>= the previous change). */
SIM_API void sim_time_average_set(SimTimeAverage *a, SimTime t, double v);
/* Average over [start, @t]; the current value if @t == start. */
SIM_API double sim_time_average_mean(const SimTimeAverage *a, SimTime t);

/* ---- named counters ----------------------------------------------------- */

typedef struct _SimCounters SimCounters;

SIM_API SimCounters *sim_counters_new(void);
SIM_API void sim_counters_free(SimCounters *c);
/* Registers (or finds) counter @name; returns its index. Setup time only. */
SIM_API guint sim_counters_register(SimCounters *c, const char *name);
SIM_API guint sim_counters_size(const SimCounters *c);
SIM_API const char *sim_counters_name(const SimCounters *c, guint index);
/* Index of @name, or -1. */
SIM_API int sim_counters_lookup(const SimCounters *c, const char *name);
SIM_API uint64_t sim_counters_get(const SimCounters *c, guint index);
/* Pointer to the counter for the hot path; stable until the next
 * registration. */
SIM_API uint64_t *sim_counters_values(SimCounters *c);

SIM_INLINE void
sim_counters_add(SimCounters *c, guint index, uint64_t n)
{
  sim_counters_values(c)[index] += n;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimCounters, sim_counters_free)

G_END_DECLS

#endif /* IPESIM_SIMSTATS_H */
