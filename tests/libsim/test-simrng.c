/* test-simrng.c - Philox streams: known answers, stream layout and
 * independence, and the distributions (moments, Kolmogorov-Smirnov). */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "simrng.h"

#include <math.h>

/* Random123's kat_vectors for philox4x32 with 10 rounds:
 * counter[4] key[2] -> output[4]. */
static const struct {
  uint32_t ctr[4], key[2], out[4];
} kat[] = {
  { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
  { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    { 0xffffffff, 0xffffffff },
    { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
  { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 },
    { 0xa4093822, 0x299f31d0 },
    { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
};

Test(rng, philox_known_answers)
{
  for (size_t i = 0; i < G_N_ELEMENTS(kat); i++) {
    SimRng r;
    /* key = (seed, run), counter = (block lo, block hi, entity, stream) */
    sim_rng_init(&r, kat[i].key[0], kat[i].key[1], kat[i].ctr[2], kat[i].ctr[3]);
    r.ctr[0] = kat[i].ctr[0];
    r.ctr[1] = kat[i].ctr[1];
    for (int w = 0; w < 4; w++) {
      uint32_t got = sim_rng_u32(&r);
      cr_assert_eq(got, kat[i].out[w], "vector %zu word %d: %08x, expected %08x", i, w, got,
                   kat[i].out[w]);
    }
  }
}

Test(rng, stream_start_is_block_zero)
{
  SimRng r;
  sim_rng_init(&r, 0, 0, 0, 0);
  cr_assert_eq(sim_rng_u32(&r), 0x6627e8d5);
}

Test(rng, block_counter_carries_into_high_word)
{
  SimRng r, s;
  sim_rng_init(&r, 5, 6, 7, 8);
  r.ctr[0] = 0xffffffff;
  for (int i = 0; i < 4; i++)
    sim_rng_u32(&r);
  sim_rng_init(&s, 5, 6, 7, 8);
  s.ctr[0] = 0;
  s.ctr[1] = 1;
  for (int i = 0; i < 4; i++)
    cr_assert_eq(sim_rng_u32(&r), sim_rng_u32(&s), "word %d after the carry", i);
}

Test(rng, reproducible_and_unaffected_by_other_streams)
{
  SimRng a, b, other;
  sim_rng_init(&a, 42, 3, 17, 0);
  sim_rng_init(&b, 42, 3, 17, 0);
  sim_rng_init(&other, 42, 3, 18, 0);
  for (int i = 0; i < 1000; i++) {
    uint64_t x = sim_rng_u64(&a);
    for (int k = 0; k < i % 5; k++)
      sim_rng_u64(&other);
    cr_assert_eq(x, sim_rng_u64(&b), "draw %d", i);
  }
}

static double
correlation(SimRng *x, SimRng *y, int n)
{
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int i = 0; i < n; i++) {
    double a = sim_rng_uniform(x), b = sim_rng_uniform(y);
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  double cov = sxy / n - (sx / n) * (sy / n);
  return cov / sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
}

Test(rng, streams_are_independent)
{
  /* neighbouring keys and counters: seed, run, entity and stream */
  const uint32_t variants[][4] = {
    { 1, 0, 0, 1 }, { 1, 0, 1, 0 }, { 1, 1, 0, 0 }, { 2, 0, 0, 0 },
  };
  for (size_t v = 0; v < G_N_ELEMENTS(variants); v++) {
    SimRng base, var;
    sim_rng_init(&base, 1, 0, 0, 0);
    sim_rng_init(&var, variants[v][0], variants[v][1], variants[v][2], variants[v][3]);
    int same = 0;
    for (int i = 0; i < 1000; i++)
      same += sim_rng_u32(&base) == sim_rng_u32(&var);
    cr_assert_lt(same, 3, "variant %zu shares %d of 1000 words", v, same);
    sim_rng_init(&base, 1, 0, 0, 0);
    sim_rng_init(&var, variants[v][0], variants[v][1], variants[v][2], variants[v][3]);
    double r = correlation(&base, &var, 200000);
    /* sd of r for independent streams is 1/sqrt(n) = 0.0022 */
    cr_assert_lt(fabs(r), 0.012, "variant %zu: correlation %g", v, r);
  }
}

Test(rng, uniform_moments_and_range)
{
  SimRng r;
  sim_rng_init(&r, 9, 0, 1, 0);
  int n = 1000000;
  double s = 0, s2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; i++) {
    double u = sim_rng_uniform(&r);
    cr_assert(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    lo = fmin(lo, u);
    hi = fmax(hi, u);
  }
  double mean = s / n, var = s2 / n - mean * mean;
  cr_assert_float_eq(mean, 0.5, 5 * sqrt(1.0 / 12 / n), "mean %g", mean);
  cr_assert_float_eq(var, 1.0 / 12, 0.001, "variance %g", var);
  cr_assert_lt(lo, 1e-4);
  cr_assert_gt(hi, 1 - 1e-4);
  for (int i = 0; i < 1000; i++) {
    double u = sim_rng_uniform_pos(&r);
    cr_assert(u > 0 && u <= 1);
  }
}

Test(rng, below_is_unbiased_and_in_range)
{
  SimRng r;
  sim_rng_init(&r, 3, 0, 2, 0);
  uint32_t n = 3;
  int counts[3] = { 0 };
  int draws = 300000;
  for (int i = 0; i < draws; i++) {
    uint32_t k = sim_rng_below(&r, n);
    cr_assert_lt(k, n);
    counts[k]++;
  }
  for (int k = 0; k < 3; k++)
    cr_assert_float_eq(counts[k], draws / 3.0, 5 * sqrt(draws * (1 / 3.0) * (2 / 3.0)),
                       "value %d drawn %d times", k, counts[k]);
  cr_assert_eq(sim_rng_below(&r, 1), 0);
  /* a range just above 2^31 is where a biased modulo shows most */
  uint64_t big = 0, bign = (UINT64_C(1) << 31) + 1;
  for (int i = 0; i < 200000; i++)
    big += sim_rng_below(&r, (uint32_t)bign) >= (1u << 30);
  cr_assert_float_eq((double)big / 200000, 1 - (double)(1u << 30) / (double)bign, 0.006);
  for (int i = 0; i < 10000; i++) {
    cr_assert_lt(sim_rng_below64(&r, UINT64_C(10000000000)), UINT64_C(10000000000));
    int64_t v = sim_rng_int_range(&r, -5, 5);
    cr_assert(v >= -5 && v <= 5);
  }
  cr_assert_eq(sim_rng_int_range(&r, 7, 7), 7);
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of @n samples against @cdf. */
static double
ks_stat(double *x, int n, double (*cdf)(double))
{
  qsort(x, (size_t)n, sizeof(double), cmp_double);
  double d = 0;
  for (int i = 0; i < n; i++) {
    double f = cdf(x[i]);
    d = fmax(d, fmax(fabs(f - (double)i / n), fabs((double)(i + 1) / n - f)));
  }
  return d;
}

static double
exp_cdf(double x)
{
  return 1 - exp(-x);
}

static double
norm_cdf(double x)
{
  return 0.5 * erfc(-x / sqrt(2));
}

Test(rng, exponential_ziggurat)
{
  SimRng r;
  sim_rng_init(&r, 11, 0, 3, 0);
  int n = 400000;
  double *x = g_new(double, n);
  double s = 0, s2 = 0;
  int tail = 0;
  for (int i = 0; i < n; i++) {
    x[i] = sim_rng_exp1(&r);
    cr_assert(x[i] >= 0 && isfinite(x[i]));
    s += x[i];
    s2 += x[i] * x[i];
    tail += x[i] > 7.69711747013104972; /* beyond the ziggurat's base */
  }
  double mean = s / n, var = s2 / n - mean * mean;
  cr_assert_float_eq(mean, 1.0, 5 / sqrt(n), "mean %g", mean);
  cr_assert_float_eq(var, 1.0, 0.02, "variance %g", var);
  /* P(X > 7.697) = 4.54e-4: about 182 of 400000 */
  cr_assert(tail > 120 && tail < 250, "tail count %d", tail);
  double d = ks_stat(x, n, exp_cdf);
  cr_assert_lt(d, 1.63 / sqrt(n), "KS distance %g (1%% critical %g)", d, 1.63 / sqrt(n));
  g_free(x);
  cr_assert_float_eq(sim_rng_exponential(&r, 0.0), 0.0, 0);
}

Test(rng, normal_ziggurat)
{
  SimRng r;
  sim_rng_init(&r, 12, 0, 4, 0);
  int n = 400000;
  double *x = g_new(double, n);
  double s = 0, s2 = 0, s3 = 0;
  int beyond3 = 0;
  for (int i = 0; i < n; i++) {
    x[i] = sim_rng_norm1(&r);
    s += x[i];
    s2 += x[i] * x[i];
    s3 += x[i] * x[i] * x[i];
    beyond3 += fabs(x[i]) > 3;
  }
  double mean = s / n, var = s2 / n - mean * mean;
  cr_assert_float_eq(mean, 0.0, 5 / sqrt(n), "mean %g", mean);
  cr_assert_float_eq(var, 1.0, 0.015, "variance %g", var);
  cr_assert_float_eq(s3 / n, 0.0, 0.03, "skew %g", s3 / n);
  /* P(|Z| > 3) = 0.0026998: about 1080 */
  cr_assert(beyond3 > 950 && beyond3 < 1210, "|Z| > 3: %d", beyond3);
  double d = ks_stat(x, n, norm_cdf);
  cr_assert_lt(d, 1.63 / sqrt(n), "KS distance %g", d);
  g_free(x);
  double m = 0;
  for (int i = 0; i < 100000; i++)
    m += sim_rng_normal(&r, 10, 2);
  cr_assert_float_eq(m / 100000, 10.0, 0.03);
}

Test(rng, lognormal_and_pareto)
{
  SimRng r;
  sim_rng_init(&r, 13, 0, 5, 0);
  int n = 400000;
  double s = 0, lo = INFINITY;
  for (int i = 0; i < n; i++) {
    double v = sim_rng_pareto(&r, 3.0, 2.0);
    lo = fmin(lo, v);
    s += v;
  }
  /* mean alpha*xm/(alpha-1) = 3; variance 3 for alpha 3, xm 2 */
  cr_assert_float_eq(s / n, 3.0, 0.02, "pareto mean %g", s / n);
  cr_assert_geq(lo, 2.0);
  s = 0;
  for (int i = 0; i < n; i++)
    s += sim_rng_lognormal(&r, 0.0, 0.5);
  cr_assert_float_eq(s / n, exp(0.125), 0.005, "lognormal mean %g", s / n);
}

static void
check_poisson(double lambda, int n)
{
  SimRng r;
  sim_rng_init(&r, 14, 0, (uint32_t)lambda, 0);
  double s = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    double k = (double)sim_rng_poisson(&r, lambda);
    s += k;
    s2 += k * k;
  }
  double mean = s / n, var = s2 / n - mean * mean;
  cr_assert_float_eq(mean, lambda, 5 * sqrt(lambda / n), "lambda %g: mean %g", lambda, mean);
  cr_assert_float_eq(var, lambda, 0.03 * lambda + 0.01, "lambda %g: variance %g", lambda, var);
}

Test(rng, poisson_small_and_large)
{
  check_poisson(0.5, 200000);
  check_poisson(3, 200000);
  check_poisson(9.5, 200000);
  check_poisson(10, 200000);
  check_poisson(50, 200000);
  check_poisson(1000, 200000);
  SimRng r;
  sim_rng_init(&r, 1, 0, 0, 0);
  cr_assert_eq(sim_rng_poisson(&r, 0), 0);
}

Test(rng, poisson_small_probabilities)
{
  /* P(X = k) for lambda = 2 against the formula, k = 0..6 */
  SimRng r;
  sim_rng_init(&r, 15, 0, 0, 0);
  int n = 500000, counts[7] = { 0 };
  for (int i = 0; i < n; i++) {
    uint64_t k = sim_rng_poisson(&r, 2.0);
    if (k < 7)
      counts[k]++;
  }
  double p = exp(-2.0);
  for (int k = 0; k < 7; k++) {
    cr_assert_float_eq(counts[k] / (double)n, p, 5 * sqrt(p * (1 - p) / n) + 1e-5,
                       "P(X=%d) = %g, expected %g", k, counts[k] / (double)n, p);
    p *= 2.0 / (k + 1);
  }
}

Test(rng, alias_frequencies)
{
  const double w[] = { 1, 0, 3, 6, 0.5, 9.5 };
  GError *error = NULL;
  SimAlias *a = sim_alias_new(w, G_N_ELEMENTS(w), &error);
  cr_assert_not_null(a, "%s", error ? error->message : "");
  cr_assert_eq(sim_alias_size(a), 6);
  SimRng r;
  sim_rng_init(&r, 16, 0, 0, 0);
  int n = 600000, counts[6] = { 0 };
  for (int i = 0; i < n; i++)
    counts[sim_alias_sample(a, &r)]++;
  double total = 20;
  for (int k = 0; k < 6; k++) {
    double p = w[k] / total;
    cr_assert_float_eq(counts[k] / (double)n, p, 5 * sqrt(p * (1 - p) / n) + 1e-9,
                       "index %d: %g, expected %g", k, counts[k] / (double)n, p);
  }
  cr_assert_eq(counts[1], 0, "zero weight drawn");
  sim_alias_free(a);

  const double one[] = { 5 };
  a = sim_alias_new(one, 1, NULL);
  cr_assert_eq(sim_alias_sample(a, &r), 0);
  sim_alias_free(a);
}

Test(rng, alias_rejects_bad_weights)
{
  const double neg[] = { 1, -1 }, zero[] = { 0, 0 }, nan_w[] = { 1, NAN }, inf_w[] = { INFINITY };
  const struct {
    const double *w;
    size_t n;
  } bad[] = { { neg, 2 }, { zero, 2 }, { nan_w, 2 }, { inf_w, 1 }, { neg, 0 } };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    SimAlias *a = sim_alias_new(bad[i].w, bad[i].n, &error);
    cr_assert_null(a, "case %zu accepted", i);
    cr_assert(g_error_matches(error, SIM_RNG_ERROR, SIM_RNG_ERROR_WEIGHTS), "case %zu", i);
    g_error_free(error);
  }
}

Test(rng, entity_streams_from_context)
{
  SimContextConfig cfg = { SIM_QUEUE_HEAP, 77, 4 };
  SimContext *ctx = sim_context_new(&cfg);
  SimEntity e;
  sim_entity_init(ctx, &e);
  SimRng a, b;
  sim_rng_init_entity(&a, ctx, &e, 2);
  sim_rng_init(&b, 77, 4, e.id, 2);
  for (int i = 0; i < 10; i++)
    cr_assert_eq(sim_rng_u32(&a), sim_rng_u32(&b));
  sim_context_free(ctx);
}
