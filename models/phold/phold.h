/* phold.h - the PHOLD benchmark model (Fujimoto 1990), as ROSS defines it.
 *
 * N logical processes (LPs), each an entity with its own random stream.
 * Every LP starts with one event at lookahead + Exp(mean - lookahead).
 * Executing an event at LP i picks a destination (with probability
 * @remote uniform over all N LPs, i included, else i itself) and sends
 * it one event at now + lookahead + Exp(mean - lookahead): the population
 * stays N and about N * end / mean events run before @end.
 *
 * ROSS's options map one to one: --remote (percent_remote), --lookahead,
 * --mean (the total mean delay). The standard workloads:
 *   W1  remote 0.25, lookahead 1.0, mean 1.0  (ROSS default: fixed delay 1)
 *   W2  remote 0.25, lookahead 0.1, mean 1.0
 *   W3  remote 1.0,  lookahead 0.1, mean 1.1  (the ns-3 reference program)
 * Time unit: one PHOLD time unit is one simulated second.
 */
#ifndef IPESIM_PHOLD_H
#define IPESIM_PHOLD_H

#include "simcontext.h"

G_BEGIN_DECLS

typedef struct _SimPhold SimPhold;

typedef struct {
  uint32_t n_lps;
  double remote;    /* probability that the destination is uniform */
  double lookahead; /* minimum delay, time units */
  double mean;      /* mean total delay, time units (>= lookahead) */
} SimPholdConfig;

#define SIM_PHOLD_W1 ((SimPholdConfig){ 1000, 0.25, 1.0, 1.0 })
#define SIM_PHOLD_W2 ((SimPholdConfig){ 1000, 0.25, 0.1, 1.0 })
#define SIM_PHOLD_W3 ((SimPholdConfig){ 1000, 1.0, 0.1, 1.1 })

#define SIM_PHOLD_ERROR (sim_phold_error_quark())
typedef enum { SIM_PHOLD_ERROR_CONFIG } SimPholdError;
SIM_API GQuark sim_phold_error_quark(void);

/**
 * sim_phold_new:
 * Creates the LPs (entities in index order) in @ctx and schedules their
 * first events. Returns: (transfer full) (nullable): the model, or NULL
 * with @error on a bad configuration.
 */
SIM_API SimPhold *sim_phold_new(SimContext *ctx, const SimPholdConfig *config, GError **error);
SIM_API void sim_phold_free(SimPhold *phold);

/* Events handled by all LPs, and by LP @lp. */
SIM_API uint64_t sim_phold_events(const SimPhold *phold);
SIM_API uint64_t sim_phold_lp_events(const SimPhold *phold, uint32_t lp);
SIM_API uint32_t sim_phold_n_lps(const SimPhold *phold);

/* A digest of every LP's event count (FNV-1a in LP order): equal for two
 * runs that handled the same events at the same LPs, whatever the queue
 * or the number of ranks. */
SIM_API uint64_t sim_phold_counts_hash(const SimPhold *phold);

#ifdef IPESIM_WITH_MPI
typedef struct _SimPar SimPar;
/**
 * sim_phold_parallel:
 * Collective (mpirun, ./configure --with-mpi): the LPs go to the ranks of
 * MPI_COMM_WORLD in blocks of consecutive indices; an event for another
 * rank's LP travels as a message with its key, so every LP handles the
 * events of the sequential run. The lookahead is the model's. Run with
 * sim_par_run_until() on the returned engine (freed by the caller after
 * sim_phold_free()), then sim_phold_gather() gives rank 0 every LP's count.
 */
SIM_API SimPar *sim_phold_parallel(SimPhold *phold, SimContext *ctx, GError **error);
SIM_API void sim_phold_gather(SimPhold *phold);
#endif

/* Heap bytes of the model itself (LP states). */
SIM_API size_t sim_phold_memory(const SimPhold *phold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPhold, sim_phold_free)

G_END_DECLS

#endif /* IPESIM_PHOLD_H */
