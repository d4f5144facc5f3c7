/* simrng.c - Philox streams and the distributions on them.
 *
 * The generator core is Random123's philox4x32 (10 rounds), header-only
 * from Debian's librandom123-dev; our code only lays out key and counter
 * (see simrng.h) and buffers the four output words of each block.
 *
 * Exponential and normal variates use 256-layer ziggurats (tables in
 * simziggurat-tables.h, produced by gen-ziggurat.c). One 64-bit draw
 * supplies the layer (low 8 bits), the sign for the normal (bit 8) and a
 * 53-bit abscissa (bits 11..63), so the bits never overlap.
 */
#define G_LOG_DOMAIN "ipesim-rng"
#include "config.h"

#include "simrng.h"
#include "simziggurat-tables.h"

#include <Random123/philox.h>
#include <math.h>

G_DEFINE_QUARK(sim-rng-error-quark, sim_rng_error)

void
sim_rng_init(SimRng *rng, uint32_t seed, uint32_t run, uint32_t entity, uint32_t stream)
{
  rng->key[0] = seed;
  rng->key[1] = run;
  rng->ctr[0] = 0;
  rng->ctr[1] = 0;
  rng->ctr[2] = entity;
  rng->ctr[3] = stream;
  rng->avail = 0;
}

void
sim_rng_init_entity(SimRng *rng, const SimContext *ctx, const SimEntity *entity, uint32_t stream)
{
  sim_rng_init(rng, sim_context_seed(ctx), sim_context_run_number(ctx), entity->id, stream);
}

void
sim__rng_refill(SimRng *rng)
{
  philox4x32_ctr_t c = { { rng->ctr[0], rng->ctr[1], rng->ctr[2], rng->ctr[3] } };
  philox4x32_key_t k = { { rng->key[0], rng->key[1] } };
  philox4x32_ctr_t r = philox4x32_R(10, c, k);
  rng->buf[0] = r.v[0];
  rng->buf[1] = r.v[1];
  rng->buf[2] = r.v[2];
  rng->buf[3] = r.v[3];
  rng->avail = 4;
  /* 64-bit block counter in ctr[0] (low) and ctr[1] (high) */
  if (++rng->ctr[0] == 0)
    rng->ctr[1]++;
}

uint32_t
sim_rng_below(SimRng *rng, uint32_t n)
{
  g_return_val_if_fail(n > 0, 0);
  uint64_t m = (uint64_t)sim_rng_u32(rng) * n;
  uint32_t low = (uint32_t)m;
  if (SIM_UNLIKELY(low < n)) {
    uint32_t threshold = (uint32_t)-n % n;
    while (low < threshold) {
      m = (uint64_t)sim_rng_u32(rng) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

uint64_t
sim_rng_below64(SimRng *rng, uint64_t n)
{
  g_return_val_if_fail(n > 0, 0);
  unsigned __int128 m = (unsigned __int128)sim_rng_u64(rng) * n;
  uint64_t low = (uint64_t)m;
  if (SIM_UNLIKELY(low < n)) {
    uint64_t threshold = (uint64_t)-n % n;
    while (low < threshold) {
      m = (unsigned __int128)sim_rng_u64(rng) * n;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

int64_t
sim_rng_int_range(SimRng *rng, int64_t lo, int64_t hi)
{
  g_return_val_if_fail(lo <= hi, lo);
  uint64_t span = (uint64_t)hi - (uint64_t)lo;
  if (span == UINT64_MAX)
    return (int64_t)sim_rng_u64(rng);
  return (int64_t)((uint64_t)lo + sim_rng_below64(rng, span + 1));
}

double
sim_rng_exp1(SimRng *rng)
{
  for (;;) {
    uint64_t u = sim_rng_u64(rng);
    unsigned i = (unsigned)(u & 0xff);
    uint64_t j = u >> 11;
    double x = (double)j * zig_exp_w[i];
    if (SIM_LIKELY(j < zig_exp_k[i]))
      return x;
    if (i == 0) /* tail beyond r: memoryless, r + Exp(1) */
      return ZIG_EXP_R - log(sim_rng_uniform_pos(rng));
    if (zig_exp_f[i] + sim_rng_uniform(rng) * (zig_exp_f[i + 1] - zig_exp_f[i]) < exp(-x))
      return x;
  }
}

double
sim_rng_norm1(SimRng *rng)
{
  for (;;) {
    uint64_t u = sim_rng_u64(rng);
    unsigned i = (unsigned)(u & 0xff);
    bool neg = (u & 0x100) != 0;
    uint64_t j = u >> 11;
    double x = (double)j * zig_norm_w[i];
    if (SIM_LIKELY(j < zig_norm_k[i]))
      return neg ? -x : x;
    if (i == 0) {
      /* Marsaglia's tail method for x > r */
      double xt, yt;
      do {
        xt = -log(sim_rng_uniform_pos(rng)) / ZIG_NORM_R;
        yt = -log(sim_rng_uniform_pos(rng));
      } while (yt + yt < xt * xt);
      return neg ? -(ZIG_NORM_R + xt) : ZIG_NORM_R + xt;
    }
    if (zig_norm_f[i] + sim_rng_uniform(rng) * (zig_norm_f[i + 1] - zig_norm_f[i]) <
        exp(-0.5 * x * x))
      return neg ? -x : x;
  }
}

double
sim_rng_lognormal(SimRng *rng, double mu, double sigma)
{
  return exp(mu + sigma * sim_rng_norm1(rng));
}

double
sim_rng_pareto(SimRng *rng, double alpha, double xm)
{
  g_return_val_if_fail(alpha > 0 && xm > 0, xm);
  /* inverse transform with U in (0,1]: X = xm * U^(-1/alpha) */
  return xm * pow(sim_rng_uniform_pos(rng), -1.0 / alpha);
}

/* Poisson by inversion (sequential search from 0): O(lambda) steps, one
 * uniform. Used for lambda < 10. */
static uint64_t
poisson_inversion(SimRng *rng, double lambda)
{
  double p = exp(-lambda);
  double s = p;
  double u = sim_rng_uniform(rng);
  uint64_t k = 0;
  while (u > s) {
    k++;
    p *= lambda / (double)k;
    s += p;
    if (p == 0.0) /* round-off kept s below u: the tail is exhausted */
      break;
  }
  return k;
}

/* Hörmann, "The transformed rejection method for generating Poisson random
 * variables", Insurance: Mathematics and Economics 12 (1993): PTRS, valid
 * for lambda >= 10. */
static uint64_t
poisson_ptrs(SimRng *rng, double lambda)
{
  const double slam = sqrt(lambda);
  const double loglam = log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    double u = sim_rng_uniform(rng) - 0.5;
    double v = sim_rng_uniform_pos(rng);
    double us = 0.5 - fabs(u);
    double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr)
      return (uint64_t)k;
    if (k < 0.0 || (us < 0.013 && v > us))
      continue;
    if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1.0))
      return (uint64_t)k;
  }
}

uint64_t
sim_rng_poisson(SimRng *rng, double lambda)
{
  g_return_val_if_fail(lambda >= 0 && isfinite(lambda), 0);
  if (lambda == 0)
    return 0;
  return lambda < 10.0 ? poisson_inversion(rng, lambda) : poisson_ptrs(rng, lambda);
}

/* ---- alias tables -------------------------------------------------------- */

struct _SimAlias {
  size_t n;
  uint32_t *alias;
  double *prob; /* probability of keeping the column's own index */
};

SimAlias *
sim_alias_new(const double *weights, size_t n, GError **error)
{
  if (n == 0 || n > UINT32_MAX) {
    g_set_error(error, SIM_RNG_ERROR, SIM_RNG_ERROR_WEIGHTS,
                "weighted choice needs between 1 and 2^32-1 weights, got %zu", n);
    return NULL;
  }
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(weights[i] >= 0) || !isfinite(weights[i])) {
      g_set_error(error, SIM_RNG_ERROR, SIM_RNG_ERROR_WEIGHTS,
                  "weight %zu is %g: expected a finite number >= 0", i, weights[i]);
      return NULL;
    }
    sum += weights[i];
  }
  if (!(sum > 0) || !isfinite(sum)) {
    g_set_error(error, SIM_RNG_ERROR, SIM_RNG_ERROR_WEIGHTS,
                "weights sum to %g: expected a finite positive total", sum);
    return NULL;
  }
  SimAlias *a = g_new(SimAlias, 1);
  a->n = n;
  a->alias = g_new(uint32_t, n);
  a->prob = g_new(double, n);
  /* Vose's method: scaled weights, worklists of small (<1) and large. */
  double *scaled = g_new(double, n);
  uint32_t *small = g_new(uint32_t, n), *large = g_new(uint32_t, n);
  size_t ns = 0, nl = 0;
  for (size_t i = 0; i < n; i++) {
    scaled[i] = weights[i] * (double)n / sum;
    if (scaled[i] < 1.0)
      small[ns++] = (uint32_t)i;
    else
      large[nl++] = (uint32_t)i;
  }
  while (ns && nl) {
    uint32_t s = small[--ns], l = large[--nl];
    a->prob[s] = scaled[s];
    a->alias[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0)
      small[ns++] = l;
    else
      large[nl++] = l;
  }
  /* leftovers are 1 up to round-off */
  while (nl) {
    uint32_t l = large[--nl];
    a->prob[l] = 1.0;
    a->alias[l] = l;
  }
  while (ns) {
    uint32_t s = small[--ns];
    a->prob[s] = 1.0;
    a->alias[s] = s;
  }
  g_free(scaled);
  g_free(small);
  g_free(large);
  return a;
}

void
sim_alias_free(SimAlias *alias)
{
  if (!alias)
    return;
  g_free(alias->alias);
  g_free(alias->prob);
  g_free(alias);
}

size_t
sim_alias_size(const SimAlias *alias)
{
  return alias->n;
}

size_t
sim_alias_sample(const SimAlias *alias, SimRng *rng)
{
  size_t i = alias->n == 1 ? 0 : sim_rng_below(rng, (uint32_t)alias->n);
  return sim_rng_uniform(rng) < alias->prob[i] ? i : alias->alias[i];
}
