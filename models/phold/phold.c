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
};

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
  sim_schedule(ctx, draw_delay(ph, lp), &lp->ent, phold_event, dst, arg);
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
