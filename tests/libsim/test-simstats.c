/* test-simstats.c - Welford moments, log-linear histograms, time-weighted
 * averages and named counters.
 *
 * Histogram quantiles are checked against exact nearest-rank quantiles of
 * a sorted copy of the same values, drawn from a local splitmix64 so the
 * data never depend on the library's own generators.
 */
#include "config.h"

#include "simstats.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------- */

static uint64_t
splitmix64(uint64_t *state)
{
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
unit_draw(uint64_t *state)
{
  return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

static int
cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest rank ceil(q * n), the first value for q = 0. */
static uint64_t
exact_quantile(const uint64_t *sorted, size_t n, double q)
{
  double rank = ceil(q * (double)n);
  size_t r = rank < 1.0 ? 1 : (size_t)rank;
  return sorted[r - 1];
}

typedef struct {
  uint64_t lo, hi, count;
} Bucket;

static gboolean
collect_bucket(uint64_t lo, uint64_t hi, uint64_t count, void *data)
{
  Bucket b = { lo, hi, count };
  g_array_append_val((GArray *)data, b);
  return TRUE;
}

static GArray *
buckets_of(const SimHistogram *h)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(Bucket));
  sim_histogram_foreach(h, collect_bucket, a);
  return a;
}

#define N_VALUES 200000

typedef uint64_t (*Draw)(uint64_t *state);

static uint64_t
draw_uniform(uint64_t *s)
{
  return UINT64_C(1000) + splitmix64(s) % (UINT64_C(1000000000) - UINT64_C(1000) + 1);
}

/* Log-uniform over [1, 1e15]: covers the exact region and 50 octaves. */
static uint64_t
draw_log_uniform(uint64_t *s)
{
  return (uint64_t)exp(unit_draw(s) * log(1e15));
}

/* Exponential with mean 1e6 (many small values, a long tail). */
static uint64_t
draw_exponential(uint64_t *s)
{
  return (uint64_t)(-log1p(-unit_draw(s)) * 1e6);
}

static uint64_t
draw_constant(uint64_t *s)
{
  (void)s;
  return UINT64_C(123456789);
}

/* 70 % at 1000, 30 % at 5e8. */
static uint64_t
draw_two_point(uint64_t *s)
{
  return unit_draw(s) < 0.7 ? UINT64_C(1000) : UINT64_C(500000000);
}

/* For p = 3, 7 and 10, compares quantiles of @draw's values with exact
 * nearest-rank quantiles: exact at q = 0 and 1, otherwise within the
 * relative error bound 2^-(p+1). */
static void
check_quantiles(const char *what, Draw draw)
{
  static const unsigned precisions[] = { 3, 7, 10 };
  static const double named_q[] = { 0.0, 0.5, 0.9, 0.99, 0.999, 1.0 };
  uint64_t *sorted = g_new(uint64_t, N_VALUES);
  uint64_t state = 42;
  for (size_t i = 0; i < N_VALUES; i++)
    sorted[i] = draw(&state);

  for (size_t k = 0; k < G_N_ELEMENTS(precisions); k++) {
    unsigned p = precisions[k];
    SimHistogram *h = sim_histogram_new(p);
    for (size_t i = 0; i < N_VALUES; i++)
      sim_histogram_add(h, sorted[i]);
    if (k == 0)
      qsort(sorted, N_VALUES, sizeof *sorted, cmp_u64);
    double bound = sim_histogram_error_bound(h);
    cr_assert_eq(sim_histogram_count(h), N_VALUES, "%s p=%u: count %" PRIu64, what, p,
                 sim_histogram_count(h));

    for (size_t j = 0; j < G_N_ELEMENTS(named_q); j++) {
      double q = named_q[j];
      uint64_t exact = exact_quantile(sorted, N_VALUES, q);
      double got = sim_histogram_quantile(h, q);
      if (q == 0.0 || q == 1.0)
        cr_assert_eq(got, (double)exact, "%s p=%u q=%g: got %.17g, exact %" PRIu64, what, p,
                     q, got, exact);
      else
        cr_assert_leq(fabs(got - (double)exact), bound * (double)exact,
                      "%s p=%u q=%g: got %.17g, exact %" PRIu64 ", rel. error %g > %g", what,
                      p, q, got, exact, fabs(got - (double)exact) / (double)exact, bound);
    }
    /* A sweep over all per-mille quantiles catches bucket edges. */
    for (int m = 1; m < 1000; m++) {
      double q = m / 1000.0;
      uint64_t exact = exact_quantile(sorted, N_VALUES, q);
      double got = sim_histogram_quantile(h, q);
      cr_assert_leq(fabs(got - (double)exact), bound * (double)exact,
                    "%s p=%u q=%g: got %.17g, exact %" PRIu64 ", rel. error %g > %g", what, p,
                    q, got, exact, fabs(got - (double)exact) / (double)exact, bound);
    }
    sim_histogram_free(h);
  }
  g_free(sorted);
}

/* ---- Welford --------------------------------------------------------------- */

Test(welford, known_small_set)
{
  static const double xs[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  SimWelford w;
  sim_welford_init(&w);
  for (size_t i = 0; i < G_N_ELEMENTS(xs); i++)
    sim_welford_add(&w, xs[i]);

  cr_assert_eq(w.n, 8, "n = %" PRIu64, w.n);
  cr_assert_float_eq(w.mean, 5.0, 1e-15, "mean = %.17g, want 5", w.mean);
  /* Squared deviations sum to 32; sample variance 32 / 7. */
  double var = sim_welford_variance(&w);
  cr_assert_float_eq(var, 32.0 / 7.0, 1e-14, "variance = %.17g, want %.17g", var, 32.0 / 7.0);
  double sd = sim_welford_stddev(&w);
  cr_assert_float_eq(sd, sqrt(32.0 / 7.0), 1e-14, "stddev = %.17g", sd);
  cr_assert_eq(w.min, 2.0, "min = %g", w.min);
  cr_assert_eq(w.max, 9.0, "max = %g", w.max);
}

Test(welford, empty_and_single)
{
  SimWelford w = SIM_WELFORD_INIT;
  cr_assert_eq(sim_welford_variance(&w), 0.0, "empty variance = %g", sim_welford_variance(&w));
  sim_welford_add(&w, -3.5);
  cr_assert_eq(w.mean, -3.5, "mean = %g", w.mean);
  cr_assert_eq(w.min, -3.5, "min = %g", w.min);
  cr_assert_eq(w.max, -3.5, "max = %g", w.max);
  cr_assert_eq(sim_welford_variance(&w), 0.0, "n = 1 variance = %g", sim_welford_variance(&w));
}

static void
assert_rel_close(double got, double want, double tol, const char *what)
{
  cr_assert_leq(fabs(got - want), tol * fabs(want), "%s: got %.17g, want %.17g", what, got,
                want);
}

Test(welford, merge_halves_equals_whole)
{
  SimWelford whole, a, b;
  sim_welford_init(&whole);
  sim_welford_init(&a);
  sim_welford_init(&b);
  uint64_t state = 7;
  for (int i = 0; i < 10000; i++) {
    /* The halves differ in mean and spread, so the merge term matters. */
    double x = i < 3000 ? unit_draw(&state) * 10.0 : 100.0 + unit_draw(&state) * 50.0;
    sim_welford_add(&whole, x);
    sim_welford_add(i < 3000 ? &a : &b, x);
  }
  sim_welford_merge(&a, &b);

  cr_assert_eq(a.n, whole.n, "n = %" PRIu64 ", want %" PRIu64, a.n, whole.n);
  assert_rel_close(a.mean, whole.mean, 1e-12, "mean");
  assert_rel_close(sim_welford_variance(&a), sim_welford_variance(&whole), 1e-12, "variance");
  cr_assert_eq(a.min, whole.min, "min = %.17g, want %.17g", a.min, whole.min);
  cr_assert_eq(a.max, whole.max, "max = %.17g, want %.17g", a.max, whole.max);
}

Test(welford, merge_with_empty)
{
  SimWelford a = SIM_WELFORD_INIT, empty = SIM_WELFORD_INIT;
  sim_welford_add(&a, 1.0);
  sim_welford_add(&a, 3.0);
  sim_welford_merge(&a, &empty);
  cr_assert_eq(a.n, 2, "n = %" PRIu64, a.n);
  cr_assert_eq(a.mean, 2.0, "mean = %g", a.mean);

  sim_welford_merge(&empty, &a);
  cr_assert_eq(empty.n, 2, "n = %" PRIu64, empty.n);
  cr_assert_eq(empty.mean, 2.0, "mean = %g", empty.mean);
  cr_assert_eq(sim_welford_variance(&empty), 2.0, "variance = %g",
               sim_welford_variance(&empty));
  cr_assert_eq(empty.min, 1.0, "min = %g", empty.min);
  cr_assert_eq(empty.max, 3.0, "max = %g", empty.max);
}

Test(welford, stable_for_large_offset)
{
  /* 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, squared deviations 90 per cycle.
   * A sum-of-squares formula loses every digit here. */
  static const double dev[] = { 4, 7, 13, 16 };
  SimWelford w = SIM_WELFORD_INIT;
  const int cycles = 250000;
  for (int i = 0; i < cycles; i++)
    for (size_t j = 0; j < G_N_ELEMENTS(dev); j++)
      sim_welford_add(&w, 1e9 + dev[j]);

  double n = 4.0 * cycles;
  assert_rel_close(w.mean, 1e9 + 10.0, 1e-15, "mean");
  assert_rel_close(sim_welford_variance(&w), 90.0 * cycles / (n - 1.0), 1e-9, "variance");
}

/* ---- histogram ------------------------------------------------------------- */

Test(histogram, precision_and_error_bound)
{
  SimHistogram *h = sim_histogram_new(7);
  cr_assert_eq(sim_histogram_precision(h), 7, "precision = %u", sim_histogram_precision(h));
  cr_assert_eq(sim_histogram_error_bound(h), 1.0 / 256.0, "bound = %g",
               sim_histogram_error_bound(h));
  sim_histogram_free(h);
}

Test(histogram, empty)
{
  SimHistogram *h = sim_histogram_new(7);
  cr_assert_eq(sim_histogram_count(h), 0, "count = %" PRIu64, sim_histogram_count(h));
  cr_assert_eq(sim_histogram_min(h), 0, "min = %" PRIu64, sim_histogram_min(h));
  cr_assert_eq(sim_histogram_max(h), 0, "max = %" PRIu64, sim_histogram_max(h));
  cr_assert(isnan(sim_histogram_mean(h)), "mean = %g", sim_histogram_mean(h));
  cr_assert(isnan(sim_histogram_quantile(h, 0.0)), "q0 = %g", sim_histogram_quantile(h, 0.0));
  cr_assert(isnan(sim_histogram_quantile(h, 0.5)), "q0.5 = %g",
            sim_histogram_quantile(h, 0.5));
  cr_assert(isnan(sim_histogram_quantile(h, 1.0)), "q1 = %g", sim_histogram_quantile(h, 1.0));
  GArray *b = buckets_of(h);
  cr_assert_eq(b->len, 0, "foreach gave %u buckets", b->len);
  g_array_unref(b);
  sim_histogram_free(h);
}

Test(histogram, exact_below_two_sub)
{
  static const unsigned precisions[] = { 3, 7, 10 };
  for (size_t k = 0; k < G_N_ELEMENTS(precisions); k++) {
    unsigned p = precisions[k];
    uint64_t two_sub = UINT64_C(2) << p;
    SimHistogram *h = sim_histogram_new(p);
    for (uint64_t v = 0; v < two_sub; v++)
      sim_histogram_add(h, v);
    /* Rank r holds value r - 1; (r - 0.5) / n has ceil(q * n) = r. */
    for (uint64_t r = 1; r <= two_sub; r++) {
      double q = ((double)r - 0.5) / (double)two_sub;
      double got = sim_histogram_quantile(h, q);
      cr_assert_eq(got, (double)(r - 1), "p=%u rank %" PRIu64 ": got %.17g", p, r, got);
    }
    GArray *b = buckets_of(h);
    cr_assert_eq(b->len, two_sub, "p=%u: %u buckets, want %" PRIu64, p, b->len, two_sub);
    for (guint i = 0; i < b->len; i++) {
      Bucket *x = &g_array_index(b, Bucket, i);
      cr_assert(x->lo == i && x->hi == i && x->count == 1,
                "p=%u bucket %u: [%" PRIu64 ", %" PRIu64 "] x%" PRIu64, p, i, x->lo, x->hi,
                x->count);
    }
    g_array_unref(b);

    /* 2 * sub is the first value sharing its bucket (width 2). */
    sim_histogram_reset(h);
    sim_histogram_add(h, two_sub);
    b = buckets_of(h);
    Bucket *x = &g_array_index(b, Bucket, 0);
    cr_assert(b->len == 1 && x->lo == two_sub && x->hi == two_sub + 1,
              "p=%u: bucket of %" PRIu64 " is [%" PRIu64 ", %" PRIu64 "]", p, two_sub, x->lo,
              x->hi);
    g_array_unref(b);
    sim_histogram_free(h);
  }
}

Test(histogram, quantiles_uniform)
{
  check_quantiles("uniform [1e3, 1e9]", draw_uniform);
}

Test(histogram, quantiles_log_uniform)
{
  check_quantiles("log-uniform [1, 1e15]", draw_log_uniform);
}

Test(histogram, quantiles_exponential)
{
  check_quantiles("exponential mean 1e6", draw_exponential);
}

Test(histogram, quantiles_constant)
{
  check_quantiles("constant", draw_constant);
  /* Clamping to min/max makes every quantile of a constant exact. */
  SimHistogram *h = sim_histogram_new(3);
  sim_histogram_add_n(h, 123456789, 1000);
  for (int m = 0; m <= 100; m++) {
    double got = sim_histogram_quantile(h, m / 100.0);
    cr_assert_eq(got, 123456789.0, "q=%g: got %.17g", m / 100.0, got);
  }
  sim_histogram_free(h);
}

Test(histogram, quantiles_two_point)
{
  check_quantiles("two-point", draw_two_point);
}

Test(histogram, mean_min_max_exact)
{
  SimHistogram *h = sim_histogram_new(3);
  uint64_t state = 3, sum = 0, min = UINT64_MAX, max = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t v = splitmix64(&state) >> 24; /* keeps the sum within 64 bits */
    sim_histogram_add(h, v);
    sum += v;
    min = MIN(min, v);
    max = MAX(max, v);
  }
  cr_assert_eq(sim_histogram_min(h), min, "min %" PRIu64 ", want %" PRIu64,
               sim_histogram_min(h), min);
  cr_assert_eq(sim_histogram_max(h), max, "max %" PRIu64 ", want %" PRIu64,
               sim_histogram_max(h), max);
  double want = (double)sum / 1000.0;
  assert_rel_close(sim_histogram_mean(h), want, 1e-15, "mean");
  sim_histogram_free(h);
}

/* The sum wraps modulo 2^64; differences of readings stay exact. */
Test(histogram, sum_mod64_differences_are_exact)
{
  SimHistogram *h = sim_histogram_new(7);
  cr_assert_eq(sim_histogram_sum_mod64(h), 0);
  sim_histogram_add(h, UINT64_C(1) << 63);
  sim_histogram_add(h, (UINT64_C(1) << 63) + 5);
  uint64_t a = sim_histogram_sum_mod64(h);
  cr_assert_eq(a, 5, "2^64 + 5 mod 2^64 = %" PRIu64, a);
  sim_histogram_add(h, 1000);
  sim_histogram_add_n(h, 7, 3);
  uint64_t d = sim_histogram_sum_mod64(h) - a;
  cr_assert_eq(d, 1021, "sum added since the reading %" PRIu64 ", want 1021", d);
  sim_histogram_free(h);
}

Test(histogram, merge_equals_single)
{
  SimHistogram *all = sim_histogram_new(7);
  SimHistogram *high = sim_histogram_new(7);
  SimHistogram *low = sim_histogram_new(7);
  uint64_t state = 11;
  for (int i = 0; i < N_VALUES; i++) {
    uint64_t v = draw_log_uniform(&state);
    sim_histogram_add(all, v);
    /* Disjoint ranges: merging @low into @high grows it downwards. */
    sim_histogram_add(v >= 1000000 ? high : low, v);
  }
  cr_assert(sim_histogram_merge(high, low), "merge refused");

  cr_assert_eq(sim_histogram_count(high), sim_histogram_count(all), "count %" PRIu64
               ", want %" PRIu64, sim_histogram_count(high), sim_histogram_count(all));
  cr_assert_eq(sim_histogram_min(high), sim_histogram_min(all), "min %" PRIu64,
               sim_histogram_min(high));
  cr_assert_eq(sim_histogram_max(high), sim_histogram_max(all), "max %" PRIu64,
               sim_histogram_max(high));
  cr_assert_eq(sim_histogram_mean(high), sim_histogram_mean(all), "mean %.17g, want %.17g",
               sim_histogram_mean(high), sim_histogram_mean(all));
  for (int m = 0; m <= 1000; m++) {
    double q = m / 1000.0;
    cr_assert_eq(sim_histogram_quantile(high, q), sim_histogram_quantile(all, q),
                 "q=%g: %.17g, want %.17g", q, sim_histogram_quantile(high, q),
                 sim_histogram_quantile(all, q));
  }
  GArray *bm = buckets_of(high), *ba = buckets_of(all);
  cr_assert_eq(bm->len, ba->len, "%u buckets, want %u", bm->len, ba->len);
  for (guint i = 0; i < ba->len; i++) {
    Bucket *x = &g_array_index(bm, Bucket, i), *y = &g_array_index(ba, Bucket, i);
    cr_assert(x->lo == y->lo && x->hi == y->hi && x->count == y->count,
              "bucket %u: [%" PRIu64 ", %" PRIu64 "] x%" PRIu64 ", want [%" PRIu64
              ", %" PRIu64 "] x%" PRIu64, i, x->lo, x->hi, x->count, y->lo, y->hi, y->count);
  }
  g_array_unref(bm);
  g_array_unref(ba);
  sim_histogram_free(all);
  sim_histogram_free(high);
  sim_histogram_free(low);
}

Test(histogram, merge_empty_and_into_empty)
{
  SimHistogram *a = sim_histogram_new(5), *empty = sim_histogram_new(5);
  sim_histogram_add(a, 1000);
  sim_histogram_add(a, 5);
  cr_assert(sim_histogram_merge(a, empty), "merging an empty histogram refused");
  cr_assert_eq(sim_histogram_count(a), 2, "count %" PRIu64, sim_histogram_count(a));
  cr_assert(sim_histogram_merge(empty, a), "merging into an empty histogram refused");
  cr_assert_eq(sim_histogram_count(empty), 2, "count %" PRIu64, sim_histogram_count(empty));
  cr_assert_eq(sim_histogram_min(empty), 5, "min %" PRIu64, sim_histogram_min(empty));
  cr_assert_eq(sim_histogram_max(empty), 1000, "max %" PRIu64, sim_histogram_max(empty));
  cr_assert_eq(sim_histogram_mean(empty), 502.5, "mean %g", sim_histogram_mean(empty));
  sim_histogram_free(a);
  sim_histogram_free(empty);
}

Test(histogram, merge_needs_equal_precision)
{
  SimHistogram *a = sim_histogram_new(7), *b = sim_histogram_new(8);
  sim_histogram_add(a, 1);
  sim_histogram_add(b, 2);
  cr_assert_not(sim_histogram_merge(a, b), "merge of p=7 and p=8 accepted");
  cr_assert_eq(sim_histogram_count(a), 1, "count changed to %" PRIu64, sim_histogram_count(a));
  cr_assert_eq(sim_histogram_max(a), 1, "max changed to %" PRIu64, sim_histogram_max(a));
  sim_histogram_free(a);
  sim_histogram_free(b);
}

Test(histogram, memory_follows_value_range)
{
  SimHistogram *narrow = sim_histogram_new(7);
  SimHistogram *delays = sim_histogram_new(7);
  SimHistogram *wide = sim_histogram_new(7);
  uint64_t state = 5;
  for (int i = 0; i < N_VALUES; i++) {
    double u = unit_draw(&state);
    sim_histogram_add(narrow, 1000000 + (uint64_t)(u * 1e6));
    sim_histogram_add(delays, (uint64_t)(1e6 * pow(1000.0, u)));
    sim_histogram_add(wide, (uint64_t)pow(2.0, u * 63.0));
  }
  size_t m_narrow = sim_histogram_memory(narrow);
  size_t m_delays = sim_histogram_memory(delays);
  size_t m_wide = sim_histogram_memory(wide);
  /* 1e6..2e6 spans two octaves (128 buckets each). */
  cr_assert_leq(m_narrow, 4096, "narrow range holds %zu bytes", m_narrow);
  /* 1e6..1e9 spans 11 octaves: about 11 KB of 64-bit counts. */
  cr_assert_leq(m_delays, 16384, "1e6..1e9 holds %zu bytes", m_delays);
  cr_assert_gt(m_delays, m_narrow, "1e6..1e9 holds %zu bytes, narrow %zu", m_delays, m_narrow);
  cr_assert_gt(m_wide, m_delays, "1..2^63 holds %zu bytes, 1e6..1e9 %zu", m_wide, m_delays);

  /* More values in a range already seen cost nothing. */
  for (int i = 0; i < N_VALUES; i++)
    sim_histogram_add(narrow, 1000000 + (uint64_t)(unit_draw(&state) * 1e6));
  cr_assert_eq(sim_histogram_memory(narrow), m_narrow, "grew from %zu to %zu bytes", m_narrow,
               sim_histogram_memory(narrow));
  sim_histogram_free(narrow);
  sim_histogram_free(delays);
  sim_histogram_free(wide);
}

Test(histogram, foreach_increasing_and_sums_to_count)
{
  SimHistogram *h = sim_histogram_new(7);
  uint64_t state = 9;
  for (int i = 0; i < N_VALUES; i++)
    sim_histogram_add(h, draw_log_uniform(&state));
  GArray *b = buckets_of(h);
  uint64_t total = 0;
  for (guint i = 0; i < b->len; i++) {
    Bucket *x = &g_array_index(b, Bucket, i);
    cr_assert_leq(x->lo, x->hi, "bucket %u: [%" PRIu64 ", %" PRIu64 "]", i, x->lo, x->hi);
    cr_assert_gt(x->count, 0, "bucket %u is empty", i);
    if (i > 0) {
      Bucket *prev = &g_array_index(b, Bucket, i - 1);
      cr_assert_gt(x->lo, prev->hi, "bucket %u [%" PRIu64 ", ...] overlaps [..., %" PRIu64 "]",
                   i, x->lo, prev->hi);
    }
    total += x->count;
  }
  cr_assert_eq(total, N_VALUES, "counts sum to %" PRIu64, total);
  cr_assert_leq(g_array_index(b, Bucket, 0).lo, sim_histogram_min(h), "first bucket above min");
  cr_assert_geq(g_array_index(b, Bucket, b->len - 1).hi, sim_histogram_max(h),
                "last bucket below max");
  g_array_unref(b);
  sim_histogram_free(h);
}

Test(histogram, foreach_contiguous_for_dense_values)
{
  /* Every integer below 100000 once: buckets tile [0, ...] without gaps
   * and each holds exactly as many values as its range is wide. */
  SimHistogram *h = sim_histogram_new(3);
  const uint64_t n = 100000;
  for (uint64_t v = n; v-- > 0;) /* downwards: the array grows at its low end */
    sim_histogram_add(h, v);
  GArray *b = buckets_of(h);
  uint64_t next = 0;
  for (guint i = 0; i < b->len; i++) {
    Bucket *x = &g_array_index(b, Bucket, i);
    cr_assert_eq(x->lo, next, "bucket %u starts at %" PRIu64 ", want %" PRIu64, i, x->lo, next);
    uint64_t width = MIN(x->hi, n - 1) - x->lo + 1;
    cr_assert_eq(x->count, width, "bucket %u [%" PRIu64 ", %" PRIu64 "] holds %" PRIu64, i,
                 x->lo, x->hi, x->count);
    next = x->hi + 1;
  }
  cr_assert_geq(next, n, "buckets end at %" PRIu64, next);
  g_array_unref(b);
  sim_histogram_free(h);
}

static gboolean
stop_after_three(uint64_t lo, uint64_t hi, uint64_t count, void *data)
{
  (void)lo;
  (void)hi;
  (void)count;
  return ++*(int *)data < 3;
}

Test(histogram, foreach_stops_on_false)
{
  SimHistogram *h = sim_histogram_new(3);
  for (uint64_t v = 0; v < 10; v++)
    sim_histogram_add(h, v);
  int calls = 0;
  sim_histogram_foreach(h, stop_after_three, &calls);
  cr_assert_eq(calls, 3, "called %d times", calls);
  sim_histogram_free(h);
}

Test(histogram, values_near_uint64_max)
{
  SimHistogram *h = sim_histogram_new(7);
  const uint64_t top = UINT64_MAX, half = UINT64_C(1) << 63;
  sim_histogram_add(h, top);
  sim_histogram_add(h, top - 1);
  sim_histogram_add(h, half);
  cr_assert_eq(sim_histogram_count(h), 3, "count %" PRIu64, sim_histogram_count(h));
  cr_assert_eq(sim_histogram_min(h), half, "min %" PRIu64, sim_histogram_min(h));
  cr_assert_eq(sim_histogram_max(h), top, "max %" PRIu64, sim_histogram_max(h));
  cr_assert_eq(sim_histogram_quantile(h, 1.0), (double)top, "q1 = %.17g",
               sim_histogram_quantile(h, 1.0));
  cr_assert_eq(sim_histogram_quantile(h, 0.0), (double)half, "q0 = %.17g",
               sim_histogram_quantile(h, 0.0));
  double q50 = sim_histogram_quantile(h, 0.5);
  assert_rel_close(q50, (double)(top - 1), sim_histogram_error_bound(h), "q0.5");
  long double want = ((long double)top + (long double)(top - 1) + (long double)half) / 3.0L;
  assert_rel_close(sim_histogram_mean(h), (double)want, 1e-15, "mean");

  GArray *b = buckets_of(h);
  Bucket *last = &g_array_index(b, Bucket, b->len - 1);
  cr_assert_eq(last->hi, top, "last bucket ends at %" PRIu64, last->hi);
  cr_assert_eq(last->count, 2, "last bucket holds %" PRIu64, last->count);
  g_array_unref(b);
  sim_histogram_free(h);
}

Test(histogram, extreme_precisions)
{
  static const uint64_t values[] = { 0, 1, 2, 3, 4, 12345, UINT64_C(1) << 62, UINT64_MAX };
  /* p = 1 over the whole uint64 range; p = 16 over its top octaves only
   * (the full range would take 25 MB). */
  SimHistogram *h1 = sim_histogram_new(1), *h16 = sim_histogram_new(16);
  for (size_t i = 0; i < G_N_ELEMENTS(values); i++)
    sim_histogram_add(h1, values[i]);
  sim_histogram_add(h16, UINT64_C(1) << 62);
  sim_histogram_add(h16, UINT64_MAX);
  sim_histogram_add(h16, UINT64_MAX - 12345);

  for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
    double q = ((double)i + 0.5) / G_N_ELEMENTS(values);
    double got = sim_histogram_quantile(h1, q);
    cr_assert_leq(fabs(got - (double)values[i]), 0.25 * (double)values[i],
                  "p=1 q=%g: got %.17g, want %" PRIu64, q, got, values[i]);
  }
  double got = sim_histogram_quantile(h16, 0.5);
  assert_rel_close(got, (double)(UINT64_MAX - 12345), sim_histogram_error_bound(h16), "p=16 q0.5");
  GArray *b = buckets_of(h1);
  cr_assert_eq(g_array_index(b, Bucket, b->len - 1).hi, UINT64_MAX, "p=1 top bucket ends early");
  g_array_unref(b);
  sim_histogram_free(h1);
  sim_histogram_free(h16);
}

Test(histogram, add_n_equals_repeated_add)
{
  SimHistogram *a = sim_histogram_new(4), *b = sim_histogram_new(4);
  sim_histogram_add_n(a, 1000, 5);
  sim_histogram_add_n(a, 77, 3);
  sim_histogram_add_n(a, 7, 0); /* no observation: min stays 77 */
  for (int i = 0; i < 5; i++)
    sim_histogram_add(b, 1000);
  for (int i = 0; i < 3; i++)
    sim_histogram_add(b, 77);
  cr_assert_eq(sim_histogram_count(a), 8, "count %" PRIu64, sim_histogram_count(a));
  cr_assert_eq(sim_histogram_min(a), 77, "min %" PRIu64, sim_histogram_min(a));
  cr_assert_eq(sim_histogram_mean(a), sim_histogram_mean(b), "mean %.17g, want %.17g",
               sim_histogram_mean(a), sim_histogram_mean(b));
  for (int m = 0; m <= 8; m++)
    cr_assert_eq(sim_histogram_quantile(a, m / 8.0), sim_histogram_quantile(b, m / 8.0),
                 "q=%g: %.17g, want %.17g", m / 8.0, sim_histogram_quantile(a, m / 8.0),
                 sim_histogram_quantile(b, m / 8.0));
  sim_histogram_free(a);
  sim_histogram_free(b);
}

Test(histogram, add_n_large_sum_does_not_overflow)
{
  /* 2^40 observations of 2^40 sum to 2^80. */
  SimHistogram *h = sim_histogram_new(7);
  const uint64_t big = UINT64_C(1) << 40;
  sim_histogram_add_n(h, big, big);
  sim_histogram_add_n(h, 1000, 5);
  long double want = ((long double)big * (long double)big + 5000.0L) / ((long double)big + 5.0L);
  cr_assert_eq(sim_histogram_count(h), big + 5, "count %" PRIu64, sim_histogram_count(h));
  assert_rel_close(sim_histogram_mean(h), (double)want, 1e-15, "mean");
  cr_assert_eq(sim_histogram_quantile(h, 0.5), (double)big, "q0.5 = %.17g",
               sim_histogram_quantile(h, 0.5));
  sim_histogram_free(h);
}

Test(histogram, reset_clears_counts)
{
  SimHistogram *h = sim_histogram_new(7);
  for (uint64_t v = 1; v < 100000; v += 7)
    sim_histogram_add(h, v);
  size_t mem = sim_histogram_memory(h);
  sim_histogram_reset(h);
  cr_assert_eq(sim_histogram_count(h), 0, "count %" PRIu64, sim_histogram_count(h));
  cr_assert(isnan(sim_histogram_quantile(h, 0.5)), "q0.5 = %g", sim_histogram_quantile(h, 0.5));
  cr_assert(isnan(sim_histogram_mean(h)), "mean = %g", sim_histogram_mean(h));
  GArray *b = buckets_of(h);
  cr_assert_eq(b->len, 0, "%u buckets after reset", b->len);
  g_array_unref(b);
  cr_assert_eq(sim_histogram_memory(h), mem, "memory %zu, was %zu", sim_histogram_memory(h), mem);

  sim_histogram_add(h, 42);
  cr_assert_eq(sim_histogram_min(h), 42, "min %" PRIu64, sim_histogram_min(h));
  cr_assert_eq(sim_histogram_max(h), 42, "max %" PRIu64, sim_histogram_max(h));
  cr_assert_eq(sim_histogram_mean(h), 42.0, "mean %g", sim_histogram_mean(h));
  sim_histogram_free(h);
}

Test(histogram, autoptr_frees)
{
  g_autoptr(SimHistogram) h = sim_histogram_new(7);
  sim_histogram_add(h, 1);
  cr_assert_eq(sim_histogram_count(h), 1, "count %" PRIu64, sim_histogram_count(h));
}

/* ---- time average ----------------------------------------------------------- */

Test(time_average, piecewise_mean_exact)
{
  SimTimeAverage a;
  sim_time_average_init(&a, SIM_NS(0), 0.0);
  sim_time_average_set(&a, SIM_NS(10), 2.0);
  sim_time_average_set(&a, SIM_NS(30), 5.0);
  sim_time_average_set(&a, SIM_NS(40), 0.0);
  /* (0 x 10 + 2 x 20 + 5 x 10 + 0 x 10) / 50 = 1.8 */
  double m = sim_time_average_mean(&a, SIM_NS(50));
  cr_assert_eq(m, 90.0 / 50.0, "mean %.17g, want 1.8", m);
  /* The current value extends to the query time: (90 + 0 x 50) / 100. */
  m = sim_time_average_mean(&a, SIM_NS(100));
  cr_assert_eq(m, 0.9, "mean %.17g, want 0.9", m);
}

Test(time_average, nonzero_start)
{
  SimTimeAverage a;
  sim_time_average_init(&a, SIM_US(5), 4.0);
  sim_time_average_set(&a, SIM_US(6), 1.0);
  sim_time_average_set(&a, SIM_US(6), 3.0); /* zero-length interval */
  /* (4 x 1 + 1 x 0 + 3 x 1) / 2 = 3.5 */
  double m = sim_time_average_mean(&a, SIM_US(7));
  cr_assert_eq(m, 3.5, "mean %.17g, want 3.5", m);
}

Test(time_average, mean_at_start_is_current_value)
{
  SimTimeAverage a;
  sim_time_average_init(&a, SIM_MS(3), 7.0);
  double m = sim_time_average_mean(&a, SIM_MS(3));
  cr_assert_eq(m, 7.0, "mean %g, want 7", m);
  sim_time_average_set(&a, SIM_MS(3), 9.0);
  m = sim_time_average_mean(&a, SIM_MS(3));
  cr_assert_eq(m, 9.0, "mean %g after a change at start, want 9", m);
}

Test(time_average, max)
{
  SimTimeAverage a;
  sim_time_average_init(&a, 0, 1.0);
  cr_assert_eq(a.max, 1.0, "max %g", a.max);
  sim_time_average_set(&a, 10, 6.0);
  sim_time_average_set(&a, 20, 2.0);
  sim_time_average_set(&a, 30, 5.0);
  cr_assert_eq(a.max, 6.0, "max %g, want 6", a.max);
}

/* ---- counters --------------------------------------------------------------- */

Test(counters, register_and_duplicate)
{
  SimCounters *c = sim_counters_new();
  guint a = sim_counters_register(c, "drop.queue_full");
  guint b = sim_counters_register(c, "drop.no_route");
  guint again = sim_counters_register(c, "drop.queue_full");
  cr_assert_eq(a, 0, "first index %u", a);
  cr_assert_eq(b, 1, "second index %u", b);
  cr_assert_eq(again, a, "duplicate gave %u, want %u", again, a);
  cr_assert_eq(sim_counters_size(c), 2, "size %u", sim_counters_size(c));
  sim_counters_free(c);
}

Test(counters, lookup)
{
  SimCounters *c = sim_counters_new();
  cr_assert_eq(sim_counters_lookup(c, "x"), -1, "lookup in empty set gave %d",
               sim_counters_lookup(c, "x"));
  sim_counters_register(c, "x");
  sim_counters_register(c, "y");
  cr_assert_eq(sim_counters_lookup(c, "x"), 0, "x at %d", sim_counters_lookup(c, "x"));
  cr_assert_eq(sim_counters_lookup(c, "y"), 1, "y at %d", sim_counters_lookup(c, "y"));
  cr_assert_eq(sim_counters_lookup(c, "z"), -1, "z at %d", sim_counters_lookup(c, "z"));
  sim_counters_free(c);
}

Test(counters, add_and_get)
{
  SimCounters *c = sim_counters_new();
  guint a = sim_counters_register(c, "a");
  guint b = sim_counters_register(c, "b");
  sim_counters_add(c, a, 3);
  sim_counters_add(c, b, 1);
  sim_counters_add(c, a, 4);
  cr_assert_eq(sim_counters_get(c, a), 7, "a = %" PRIu64, sim_counters_get(c, a));
  cr_assert_eq(sim_counters_get(c, b), 1, "b = %" PRIu64, sim_counters_get(c, b));
  uint64_t *v = sim_counters_values(c);
  v[b] += 10;
  cr_assert_eq(sim_counters_get(c, b), 11, "b = %" PRIu64 " after a write through values",
               sim_counters_get(c, b));
  sim_counters_free(c);
}

Test(counters, names_and_values_survive_growth)
{
  SimCounters *c = sim_counters_new();
  for (guint i = 0; i < 1000; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "counter.%u", i);
    guint idx = sim_counters_register(c, name);
    cr_assert_eq(idx, i, "%s registered at %u", name, idx);
    sim_counters_add(c, idx, i * 3);
  }
  for (guint i = 0; i < 1000; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "counter.%u", i);
    cr_assert_str_eq(sim_counters_name(c, i), name, "name %u is '%s'", i,
                     sim_counters_name(c, i));
    cr_assert_eq(sim_counters_lookup(c, name), (int)i, "%s at %d", name,
                 sim_counters_lookup(c, name));
    cr_assert_eq(sim_counters_get(c, i), (uint64_t)i * 3, "%s = %" PRIu64, name,
                 sim_counters_get(c, i));
  }
  sim_counters_free(c);
}

Test(counters, autoptr_frees)
{
  g_autoptr(SimCounters) c = sim_counters_new();
  sim_counters_register(c, "a");
  cr_assert_eq(sim_counters_size(c), 1, "size %u", sim_counters_size(c));
}

Test(histogram, serialized_merge_is_exact)
{
  SimHistogram *h = sim_histogram_new(7);
  for (uint64_t v = 1; v < 200000; v = v * 3 + 7)
    sim_histogram_add_n(h, v, v % 5 + 1);
  sim_histogram_add(h, UINT64_C(1) << 50);
  GByteArray *b = g_byte_array_new();
  sim_histogram_serialize(h, b);
  size_t first = b->len;
  SimHistogram *empty = sim_histogram_new(7);
  sim_histogram_serialize(empty, b);
  /* into an empty histogram: the same one */
  SimHistogram *c = sim_histogram_new(7);
  cr_assert_eq(sim_histogram_merge_serialized(c, b->data, b->len), first);
  cr_assert_eq(sim_histogram_count(c), sim_histogram_count(h));
  cr_assert_eq(sim_histogram_min(c), sim_histogram_min(h));
  cr_assert_eq(sim_histogram_max(c), sim_histogram_max(h));
  cr_assert_eq(sim_histogram_sum_mod64(c), sim_histogram_sum_mod64(h));
  for (double q = 0; q <= 1.0; q += 0.125)
    cr_assert_eq(sim_histogram_quantile(c, q), sim_histogram_quantile(h, q));
  /* an empty one merges as nothing */
  cr_assert_eq(sim_histogram_merge_serialized(c, b->data + first, b->len - first), b->len - first);
  cr_assert_eq(sim_histogram_count(c), sim_histogram_count(h));
  /* into a non-empty one: as sim_histogram_merge() */
  SimHistogram *d = sim_histogram_new(7);
  sim_histogram_add(d, 3);
  SimHistogram *e = sim_histogram_new(7);
  sim_histogram_add(e, 3);
  sim_histogram_merge(d, h);
  cr_assert_eq(sim_histogram_merge_serialized(e, b->data, first), first);
  cr_assert_eq(sim_histogram_count(e), sim_histogram_count(d));
  cr_assert_eq(sim_histogram_quantile(e, 0.5), sim_histogram_quantile(d, 0.5));
  cr_assert_eq(sim_histogram_sum_mod64(e), sim_histogram_sum_mod64(d));
  /* damaged or foreign data: 0 and no change */
  SimHistogram *f = sim_histogram_new(5);
  cr_assert_eq(sim_histogram_merge_serialized(f, b->data, first), 0);
  cr_assert_eq(sim_histogram_merge_serialized(c, b->data, first - 1), 0);
  cr_assert_eq(sim_histogram_merge_serialized(c, b->data, 10), 0);
  cr_assert_eq(sim_histogram_count(c), sim_histogram_count(h));
  g_byte_array_unref(b);
  sim_histogram_free(h);
  sim_histogram_free(empty);
  sim_histogram_free(c);
  sim_histogram_free(d);
  sim_histogram_free(e);
  sim_histogram_free(f);
}
