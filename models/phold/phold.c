/* phold.c - PHOLD on the ipesim engine.
 *
 * One LP = entity + Philox stream + event counter, 64 bytes. The event's
 * object is the destination LP and its argument the model, so the handler
 * needs no lookup. Draw order per event: (remote test if remote < 1), the
 * destination, the exponential delay, all from the executing LP's stream:
 * results depend only on (seed, run) and not on the queue implementation or
 * on how a parallel run is partitioned.
 */
#define G_LOG_DOMAIN "ipesim-phold"
#include "config.h"

#include "phold.h"
#include "simrng.h"
#ifdef IPESIM_WITH_MPI
#include "simpar.h"
#endif

#include <math.h>

typedef struct {
  SimEntity ent;
  SimRng rng;
  uint64_t count;
} PholdLp;

struct _SimPhold {
  PholdLp *lps;
  uint32_t n;
  double remote;
  double exp_mean_ps; /* mean of the exponential part, ps */
  SimTime lookahead;  /* ps */
  void *par;          /* SimPar of a run over several ranks, else NULL */
  uint32_t rank, size;
};

/* Parallel runs: LPs in blocks of consecutive indices, one block per rank. */
static inline uint32_t
lp_rank(const SimPhold *ph, uint32_t i)
{
  return (uint32_t)(((uint64_t)i * ph->size) / ph->n);
}

G_DEFINE_QUARK(sim-phold-error-quark, sim_phold_error)

#define PHOLD_UNIT 1e12 /* ps per PHOLD time unit (1 s) */

static inline SimTime
draw_delay(SimPhold *ph, PholdLp *lp)
{
  return ph->lookahead + (SimTime)(ph->exp_mean_ps * sim_rng_exp1(&lp->rng) + 0.5);
}

static void
phold_event(SimContext *ctx, void *obj, SimEventArg arg)
{
  PholdLp *lp = obj;
  SimPhold *ph = arg.ptr;
  lp->count++;
  PholdLp *dst = lp;
  if (ph->remote >= 1.0 || sim_rng_uniform(&lp->rng) <= ph->remote)
    dst = &ph->lps[sim_rng_below(&lp->rng, ph->n)];
  SimTime delay = draw_delay(ph, lp);
#ifdef IPESIM_WITH_MPI
  if (ph->par) {
    uint32_t di = (uint32_t)(dst - ph->lps), r = lp_rank(ph, di);
    if (r != ph->rank) {
      /* the same key as the local event would have had */
      sim_par_send(ph->par, (int)r, sim_now(ctx) + delay, &lp->ent, di, 0);
      return;
    }
  }
#endif
  sim_schedule(ctx, delay, &lp->ent, phold_event, dst, arg);
}

SimPhold *
sim_phold_new(SimContext *ctx, const SimPholdConfig *config, GError **error)
{
  g_return_val_if_fail(ctx != NULL && config != NULL, NULL);
  const SimPholdConfig *c = config;
  if (c->n_lps == 0) {
    g_set_error(error, SIM_PHOLD_ERROR, SIM_PHOLD_ERROR_CONFIG, "PHOLD needs at least one LP");
    return NULL;
  }
  if (!(c->remote >= 0 && c->remote <= 1)) {
    g_set_error(error, SIM_PHOLD_ERROR, SIM_PHOLD_ERROR_CONFIG,
                "remote = %g: expected a probability in [0, 1]", c->remote);
    return NULL;
  }
  if (!(c->lookahead >= 0 && c->mean >= c->lookahead && isfinite(c->mean) && c->mean < 1e6)) {
    g_set_error(error, SIM_PHOLD_ERROR, SIM_PHOLD_ERROR_CONFIG,
                "lookahead = %g, mean = %g: expected 0 <= lookahead <= mean < 1e6", c->lookahead,
                c->mean);
    return NULL;
  }
  SimPhold *ph = g_new0(SimPhold, 1);
  ph->n = c->n_lps;
  ph->remote = c->remote;
  ph->lookahead = sim_time_from_seconds(c->lookahead);
  ph->exp_mean_ps = (c->mean - c->lookahead) * PHOLD_UNIT;
  ph->lps = g_new0(PholdLp, ph->n);
  sim_context_reserve_events(ctx, ph->n); /* the population is exactly n */
  for (uint32_t i = 0; i < ph->n; i++) {
    PholdLp *lp = &ph->lps[i];
    sim_entity_init(ctx, &lp->ent);
    sim_rng_init_entity(&lp->rng, ctx, &lp->ent, 0);
  }
  /* First events after all entities exist, each scheduled by its own LP. */
  for (uint32_t i = 0; i < ph->n; i++) {
    PholdLp *lp = &ph->lps[i];
    sim_schedule(ctx, draw_delay(ph, lp), &lp->ent, phold_event, lp, SIM_ARG_PTR(ph));
  }
  return ph;
}

void
sim_phold_free(SimPhold *phold)
{
  if (!phold)
    return;
  g_free(phold->lps);
  g_free(phold);
}

uint64_t
sim_phold_events(const SimPhold *phold)
{
  uint64_t n = 0;
  for (uint32_t i = 0; i < phold->n; i++)
    n += phold->lps[i].count;
  return n;
}

uint64_t
sim_phold_lp_events(const SimPhold *phold, uint32_t lp)
{
  g_return_val_if_fail(lp < phold->n, 0);
  return phold->lps[lp].count;
}

uint32_t
sim_phold_n_lps(const SimPhold *phold)
{
  return phold->n;
}

size_t
sim_phold_memory(const SimPhold *phold)
{
  return sizeof *phold + (size_t)phold->n * sizeof(PholdLp);
}

uint64_t
sim_phold_counts_hash(const SimPhold *phold)
{
  /* FNV-1a over the per-LP counts, in LP order */
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (uint32_t i = 0; i < phold->n; i++) {
    uint64_t c = phold->lps[i].count;
    for (int b = 0; b < 8; b++) {
      h ^= (c >> (8 * b)) & 0xff;
      h *= UINT64_C(0x100000001b3);
    }
  }
  return h;
}

#ifdef IPESIM_WITH_MPI
static void
phold_recv(SimContext *ctx, void *user, SimTime at, SimEntityId origin, uint32_t seq,
           uint32_t channel, const uint8_t *data, size_t len)
{
  SimPhold *ph = user;
  (void)data;
  (void)len;
  g_assert(channel < ph->n && lp_rank(ph, channel) == ph->rank);
  sim_schedule_keyed(ctx, at, origin, seq, phold_event, &ph->lps[channel], SIM_ARG_PTR(ph));
}

SimPar *
sim_phold_parallel(SimPhold *ph, SimContext *ctx, GError **error)
{
  g_return_val_if_fail(ph != NULL && ctx != NULL && ph->par == NULL, NULL);
  int size = sim_par_world_size();
  if (ph->lookahead <= 0 || (uint32_t)size > ph->n || size >= SIM_RANK_ALL) {
    g_set_error(error, SIM_PHOLD_ERROR, SIM_PHOLD_ERROR_CONFIG,
                "a run over %d ranks needs a lookahead > 0 and at least %d LPs", size, size);
    return NULL;
  }
  ph->size = (uint32_t)size;
  ph->rank = (uint32_t)sim_par_world_rank();
  uint32_t n_ent = sim_context_entity_count(ctx);
  uint16_t *er = g_new(uint16_t, n_ent);
  for (uint32_t i = 0; i < n_ent; i++)
    er[i] = SIM_RANK_ALL;
  for (uint32_t i = 0; i < ph->n; i++)
    er[ph->lps[i].ent.id] = (uint16_t)lp_rank(ph, i);
  sim_context_set_partition(ctx, (uint16_t)ph->rank, er, n_ent);
  g_free(er);
  SimPar *par = sim_par_new(ctx, ph->lookahead, phold_recv, ph);
  ph->par = par;
  return par;
}

void
sim_phold_gather(SimPhold *ph)
{
  g_return_if_fail(ph->par != NULL);
  /* each LP's count lives on its rank; the others hold zero */
  uint64_t *c = g_new(uint64_t, ph->n);
  for (uint32_t i = 0; i < ph->n; i++)
    c[i] = ph->lps[i].count;
  sim_par_sum_u64(ph->par, c, ph->n);
  if (ph->rank == 0)
    for (uint32_t i = 0; i < ph->n; i++)
      ph->lps[i].count = c[i];
  g_free(c);
}
#endif
