/* simpar.h - one simulation over several MPI ranks.
 *
 * Built with ./configure --with-mpi (IPESIM_WITH_MPI in config.h);
 * without it these functions do not exist. The header itself needs no MPI
 * header: the communicator is MPI_COMM_WORLD, initialised by the program.
 *
 * Every rank builds the same model and gives its context the partition
 * (sim_context_set_partition()). Events that cross ranks are messages:
 * the sending rank reserves one with sim_par_send(), which consumes the
 * origin's sequence number exactly as a local sim_schedule_at() would,
 * and fills in its bytes; the receiving rank's SimParRecvFunc turns them
 * back into an event with sim_schedule_keyed() and the same key. Same key,
 * same place in the order: the parallel run executes every event of the
 * sequential run, in the same order per entity (DESIGN.md rule 3).
 *
 * Synchronisation is conservative, in windows (YAWNS): every message is
 * scheduled at least @lookahead after the event that sends it, so with
 * G the earliest pending event over all ranks and messages, every event
 * before G + lookahead is safe to run. A window ends with one all-to-all
 * exchange carrying each rank's messages and its earliest pending time,
 * which gives every rank the next G at once; windows with no event
 * anywhere are skipped.
 */
#ifndef IPESIM_SIMPAR_H
#define IPESIM_SIMPAR_H

#include "simcontext.h"

G_BEGIN_DECLS

typedef struct _SimPar SimPar;

/**
 * SimParRecvFunc:
 * Called on the receiving rank for each message, at a window boundary
 * (sim_now() <= @at), in the sending ranks' order of rank, then of
 * sending. @data/@len are the bytes the sender wrote.
 */
typedef void (*SimParRecvFunc)(SimContext *ctx, void *user, SimTime at, SimEntityId origin,
                               uint32_t seq, uint32_t channel, const uint8_t *data, size_t len);

/* How the ranks keep in step: conservative windows (YAWNS, the
 * default), or null messages (Chandy-Misra-Bryant; also chosen by the
 * environment variable IPESIM_PAR_SYNC=null). docs/parallel.md compares
 * them. */
typedef enum { SIM_PAR_WINDOWS, SIM_PAR_NULL_MESSAGES } SimParSync;

/* Rank and size of MPI_COMM_WORLD (0 and 1 when MPI is not initialised). */
SIM_API int sim_par_world_rank(void);
SIM_API int sim_par_world_size(void);

/**
 * sim_par_new:
 * @lookahead: > 0, the smallest delay of an event sent to another rank
 * MPI must be initialised. Collective: every rank calls it.
 */
SIM_API SimPar *sim_par_new(SimContext *ctx, SimTime lookahead, SimParRecvFunc recv, void *user);
SIM_API void sim_par_free(SimPar *par);
SIM_API int sim_par_rank(const SimPar *par);
SIM_API int sim_par_size(const SimPar *par);
SIM_API SimTime sim_par_lookahead(const SimPar *par);
SIM_API void sim_par_set_sync(SimPar *par, SimParSync sync);
SIM_API SimParSync sim_par_sync(const SimPar *par);

/**
 * sim_par_send:
 * Reserves a message of @len bytes to @dest for an event at @at of
 * @origin (whose sequence number it consumes); @at must be at least the
 * lookahead after sim_now(). Returns where to write the bytes, valid
 * until the next call.
 */
SIM_API uint8_t *sim_par_send(SimPar *par, int dest, SimTime at, SimEntity *origin,
                              uint32_t channel, size_t len);

/* Messages reserved since the last exchange (still on this rank). */
SIM_API uint64_t sim_par_messages_buffered(const SimPar *par);

/**
 * sim_par_run_until:
 * Collective. Runs the windows up to @end (events at @end stay pending, as
 * with sim_run_until()); afterwards no message is in transit and the
 * clock of every rank reads @end.
 */
SIM_API SimRunResult sim_par_run_until(SimPar *par, SimTime end);

typedef struct {
  uint64_t windows;       /* exchanges done (windows; null messages: sends) */
  uint64_t messages_sent;
  uint64_t bytes_sent;
  double run_seconds;     /* wall time in sim_par_run_until() */
  double sync_seconds;    /* of which in the exchanges (waiting included) */
} SimParStats;

SIM_API void sim_par_stats(const SimPar *par, SimParStats *stats);

/* ---- collectives for gathering results ------------------------------------------- */

/* Sums @n counters over the ranks into rank 0's @values (others unchanged). */
SIM_API void sim_par_sum_u64(SimPar *par, uint64_t *values, size_t n);

/**
 * sim_par_gather_bytes:
 * Collective. Rank 0 gets every rank's @data (its own included) in
 * (*@parts)[rank], an array of sim_par_size() GBytes to free with
 * g_ptr_array_unref(); other ranks get NULL.
 */
SIM_API void sim_par_gather_bytes(SimPar *par, const void *data, size_t len, GPtrArray **parts);

/* Collective over MPI_COMM_WORLD: TRUE on every rank when @ok is TRUE on
 * every rank. */
SIM_API gboolean sim_par_world_all_ok(gboolean ok);

/* Collective over MPI_COMM_WORLD: the lowest rank whose @ok is FALSE, or
 * -1 when every rank's is TRUE (one rank then reports the failure). */
SIM_API int sim_par_world_first_failed(gboolean ok);

/* Collective over MPI_COMM_WORLD: the smallest of the ranks' @v. */
SIM_API double sim_par_world_min(double v);
SIM_API double sim_par_world_max(double v);

G_END_DECLS

#endif /* IPESIM_SIMPAR_H */
