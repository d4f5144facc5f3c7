/* simrng.h - per-entity random streams on Philox4x32-10 (Random123).
 *
 * A stream is a pure function of (seed, run, entity id, stream number):
 * Philox4x32-10 keyed with (seed, run) encrypts the counter
 * (block lo, block hi, entity, stream). No state is shared between
 * streams, so results never depend on how many numbers other entities
 * drew, nor on the partitioning of a parallel run (DESIGN.md rule 3).
 * Each stream has 2^64 blocks of four 32-bit words.
 *
 * Distributions: uniform (double, integer ranges without bias), Bernoulli,
 * exponential and normal (256-layer ziggurats), log-normal, Pareto,
 * Poisson (inversion for small means, Hörmann's PTRS above), and weighted
 * discrete choice through Walker/Vose alias tables.
 */
#ifndef IPESIM_SIMRNG_H
#define IPESIM_SIMRNG_H

#include "simdefs.h"
#include "simcontext.h"

G_BEGIN_DECLS

/* A random stream. Plain data: embed it in the entity that draws from it.
 * Fields are private. */
typedef struct {
  uint32_t key[2];
  uint32_t ctr[4];
  uint32_t buf[4];
  uint32_t avail; /* unread words left in buf, read from buf[4 - avail] */
} SimRng;

/**
 * sim_rng_init:
 * @rng: (out caller-allocates): the stream
 * Positions @rng at the start of stream (@seed, @run, @entity, @stream).
 */
SIM_API void sim_rng_init(SimRng *rng, uint32_t seed, uint32_t run, uint32_t entity,
                          uint32_t stream);

/* sim_rng_init() with the context's seed and run. @stream distinguishes
 * several independent streams of one entity (e.g. traffic vs. loss). */
SIM_API void sim_rng_init_entity(SimRng *rng, const SimContext *ctx, const SimEntity *entity,
                                 uint32_t stream);

/* Refills the buffer (internal, called by the inline functions). */
SIM_API void sim__rng_refill(SimRng *rng);

/* The next 32 random bits. */
SIM_INLINE uint32_t
sim_rng_u32(SimRng *rng)
{
  if (SIM_UNLIKELY(rng->avail == 0))
    sim__rng_refill(rng);
  return rng->buf[4 - rng->avail--];
}

/* The next 64 random bits (high word drawn first). */
SIM_INLINE uint64_t
sim_rng_u64(SimRng *rng)
{
  uint64_t hi = sim_rng_u32(rng);
  return (hi << 32) | sim_rng_u32(rng);
}

/* Uniform double in [0, 1) with 53 random bits. */
SIM_INLINE double
sim_rng_uniform(SimRng *rng)
{
  return (double)(sim_rng_u64(rng) >> 11) * 0x1.0p-53;
}

/* Uniform double in (0, 1]: safe under log(). */
SIM_INLINE double
sim_rng_uniform_pos(SimRng *rng)
{
  return (double)((sim_rng_u64(rng) >> 11) + 1) * 0x1.0p-53;
}

/* Uniform double in [a, b). */
SIM_INLINE double
sim_rng_uniform_range(SimRng *rng, double a, double b)
{
  return a + (b - a) * sim_rng_uniform(rng);
}

/* Uniform integer in [0, n), n >= 1, unbiased (Lemire's method). */
SIM_API uint32_t sim_rng_below(SimRng *rng, uint32_t n);
/* Uniform integer in [0, n), n >= 1, 64-bit range. */
SIM_API uint64_t sim_rng_below64(SimRng *rng, uint64_t n);
/* Uniform integer in [lo, hi], lo <= hi. */
SIM_API int64_t sim_rng_int_range(SimRng *rng, int64_t lo, int64_t hi);

/* TRUE with probability p. */
SIM_INLINE bool
sim_rng_bernoulli(SimRng *rng, double p)
{
  return sim_rng_uniform(rng) < p;
}

/* Exponential with mean 1 (ziggurat). */
SIM_API double sim_rng_exp1(SimRng *rng);
/* Exponential with the given mean (>= 0). */
SIM_INLINE double
sim_rng_exponential(SimRng *rng, double mean)
{
  return mean * sim_rng_exp1(rng);
}

/* Standard normal (ziggurat). */
SIM_API double sim_rng_norm1(SimRng *rng);
SIM_INLINE double
sim_rng_normal(SimRng *rng, double mu, double sigma)
{
  return mu + sigma * sim_rng_norm1(rng);
}

/* exp(N(mu, sigma^2)). */
SIM_API double sim_rng_lognormal(SimRng *rng, double mu, double sigma);

/* Pareto with shape alpha > 0 and scale (minimum) xm > 0:
 * P(X > x) = (xm / x)^alpha for x >= xm. Mean alpha*xm/(alpha-1) for
 * alpha > 1. */
SIM_API double sim_rng_pareto(SimRng *rng, double alpha, double xm);

/* Poisson with mean lambda >= 0. */
SIM_API uint64_t sim_rng_poisson(SimRng *rng, double lambda);

/* ---- weighted discrete choice ------------------------------------------ */

typedef struct _SimAlias SimAlias;

#define SIM_RNG_ERROR (sim_rng_error_quark())
typedef enum { SIM_RNG_ERROR_WEIGHTS } SimRngError;
SIM_API GQuark sim_rng_error_quark(void);

/**
 * sim_alias_new:
 * @weights: (array length=n): non-negative, finite, not all zero
 * Builds a Walker/Vose alias table in O(n): sampling is O(1).
 * Returns: (transfer full) (nullable): the table, or NULL with @error set.
 */
SIM_API SimAlias *sim_alias_new(const double *weights, size_t n, GError **error);
SIM_API void sim_alias_free(SimAlias *alias);
SIM_API size_t sim_alias_size(const SimAlias *alias);
/* Index i in [0, n) with probability weights[i] / sum(weights). */
SIM_API size_t sim_alias_sample(const SimAlias *alias, SimRng *rng);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimAlias, sim_alias_free)

G_END_DECLS

#endif /* IPESIM_SIMRNG_H */
