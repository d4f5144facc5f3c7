/* simcontext.h - the simulation context: entities, events, run control.
 *
 * A SimContext owns every piece of state of one simulation (DESIGN.md
 * rule 1): the event queue and its slabs, the clock, the packet pool,
 * periodic hooks. Two contexts share nothing and may run in two threads.
 *
 * Order of events (DESIGN.md rule 3). Every event carries the key
 * (time, origin entity id, origin sequence number). The origin is the
 * entity that scheduled it and the sequence number counts the events that
 * entity has scheduled. Events run in increasing key order, so the order
 * never depends on how many events other entities inserted, and a model
 * split across processes runs each entity's events in the same order as a
 * sequential run. Among events of one origin at one time the order is
 * FIFO (schedule order).
 */
#ifndef IPESIM_SIMCONTEXT_H
#define IPESIM_SIMCONTEXT_H

#include "simdefs.h"
#include "simtime.h"

G_BEGIN_DECLS

typedef struct _SimContext SimContext;

/* Entity ids are dense integers handed out in construction order. */
typedef uint32_t SimEntityId;
#define SIM_ENTITY_NONE UINT32_MAX

/**
 * SimEntity:
 * Embedded in every model object that schedules events (a node, a link
 * end, an application, a PHOLD LP). @id names it in the order key and in
 * random-stream derivation; @seq counts the events it has scheduled.
 * Initialise with sim_entity_init(); never copy a live entity.
 */
typedef struct {
  SimEntityId id;
  uint32_t seq;
} SimEntity;

/* What an event carries besides its target object. */
typedef union {
  void *ptr;
  uint64_t u64;
  int64_t i64;
  double f64;
} SimEventArg;

#define SIM_ARG_NONE ((SimEventArg){ .u64 = 0 })
#define SIM_ARG_PTR(p) ((SimEventArg){ .ptr = (p) })
#define SIM_ARG_U64(v) ((SimEventArg){ .u64 = (v) })

/**
 * SimEventFunc:
 * An event handler. Runs with sim_now() equal to the event time. It may
 * schedule and cancel events and call sim_stop(); it must not call
 * sim_run*() (no re-entry).
 */
typedef void (*SimEventFunc)(SimContext *ctx, void *obj, SimEventArg arg);

/**
 * SimEventHandle:
 * Identifies a scheduled event for sim_cancel(). Copyable; a handle whose
 * event has run or been cancelled is simply no longer pending. The fields
 * are private.
 */
typedef struct {
  void *_ev;
  uint32_t _origin;
  uint32_t _seq;
} SimEventHandle;

#define SIM_EVENT_HANDLE_NONE ((SimEventHandle){ NULL, SIM_ENTITY_NONE, 0 })

typedef enum {
  SIM_QUEUE_HEAP,   /* 4-ary implicit heap, cache-line aligned; exact cancel */
  SIM_QUEUE_LADDER, /* ladder queue (Tang, Goh, Thng 2005), heap bottom; lazy cancel */
  SIM_QUEUE_N
} SimQueueKind;

/* Name of a queue kind ("heap", "ladder") and its inverse (-1 if unknown). */
SIM_API const char *sim_queue_kind_name(SimQueueKind kind);
SIM_API int sim_queue_kind_from_name(const char *name);

/**
 * SimContextConfig:
 * @queue: event queue implementation
 * @seed: random seed; with @run it keys every entity's random streams
 * @run: replication number
 * Zero-initialised (or NULL) means heap queue, seed 1, run 0.
 */
typedef struct {
  SimQueueKind queue;
  uint32_t seed;
  uint32_t run;
} SimContextConfig;

/* Defaults used when sim_context_new() gets NULL. */
#define SIM_CONTEXT_CONFIG_DEFAULT ((SimContextConfig){ SIM_QUEUE_HEAP, 1, 0 })

/**
 * sim_context_new:
 * @config: (nullable): settings, copied
 * Returns: (transfer full): a new context at time 0; free with
 *   sim_context_free().
 */
SIM_API SimContext *sim_context_new(const SimContextConfig *config);

/* Frees the context, its pending events and hooks. Objects the events
 * point to belong to the models and are not touched. */
SIM_API void sim_context_free(SimContext *ctx);

SIM_API uint32_t sim_context_seed(const SimContext *ctx);
SIM_API uint32_t sim_context_run_number(const SimContext *ctx);
SIM_API SimQueueKind sim_context_queue_kind(const SimContext *ctx);

/**
 * sim_entity_init:
 * Gives @ent the next entity id of @ctx and a zero sequence number.
 * Construct entities in a deterministic order (ids name random streams).
 * Returns: the id.
 */
SIM_API SimEntityId sim_entity_init(SimContext *ctx, SimEntity *ent);

/* Number of entity ids handed out so far. */
SIM_API uint32_t sim_context_entity_count(const SimContext *ctx);

/* The context's own entity (id 0): origin of events scheduled from
 * outside any model object, e.g. by the program that sets up a run. */
SIM_API SimEntity *sim_context_entity(SimContext *ctx);

/* Current simulated time. */
SIM_API SimTime sim_now(const SimContext *ctx);

/**
 * sim_schedule_at:
 * @ctx: the context
 * @at: absolute time, not before sim_now()
 * @origin: the scheduling entity (its sequence number is consumed)
 * @fn: handler
 * @obj: (nullable): handler's object, not owned
 * @arg: handler's argument
 *
 * Events come from per-context slabs: no allocation in steady state.
 * Returns: a handle for sim_cancel().
 */
SIM_API SimEventHandle sim_schedule_at(SimContext *ctx, SimTime at, SimEntity *origin,
                                       SimEventFunc fn, void *obj, SimEventArg arg);

/* Same as sim_schedule_at(ctx, sim_now(ctx) + delay, ...); @delay >= 0. */
SIM_API SimEventHandle sim_schedule(SimContext *ctx, SimTime delay, SimEntity *origin,
                                    SimEventFunc fn, void *obj, SimEventArg arg);

/**
 * sim_cancel:
 * Cancels the event if it is still pending and resets *@handle to
 * SIM_EVENT_HANDLE_NONE. Cancelling twice, or after the event ran, is
 * harmless.
 * Returns: TRUE if a pending event was cancelled.
 */
SIM_API gboolean sim_cancel(SimContext *ctx, SimEventHandle *handle);

/* TRUE while the event behind @handle is scheduled and not cancelled. */
SIM_API gboolean sim_event_is_pending(const SimContext *ctx, SimEventHandle handle);

/* Time of the event behind @handle, or SIM_TIME_INVALID if not pending. */
SIM_API SimTime sim_event_time(const SimContext *ctx, SimEventHandle handle);

typedef enum {
  SIM_RUN_EMPTY,      /* no event left */
  SIM_RUN_TIME_LIMIT, /* next event is at or after the end time */
  SIM_RUN_STOPPED     /* a handler or hook called sim_stop() */
} SimRunResult;

/**
 * sim_run_until:
 * Executes, in key order, every event with time < @end (half-open: an
 * event exactly at @end stays pending for a later call). When it returns
 * SIM_RUN_TIME_LIMIT or SIM_RUN_EMPTY the clock reads @end; after
 * SIM_RUN_STOPPED it reads the time of the last event.
 */
SIM_API SimRunResult sim_run_until(SimContext *ctx, SimTime end);

/* Executes events until none is left or sim_stop() is called. The clock
 * stays at the last event's time. */
SIM_API SimRunResult sim_run(SimContext *ctx);

/* From a handler or hook: return from sim_run*() after the current
 * event (or hook) completes. */
SIM_API void sim_stop(SimContext *ctx);

/* Events executed so far (cancelled events are not counted). */
SIM_API uint64_t sim_events_executed(const SimContext *ctx);

/* Events scheduled and not yet executed or cancelled. */
SIM_API size_t sim_events_pending(const SimContext *ctx);

/* Bytes held by the event queue and event slabs (for memory figures). */
SIM_API size_t sim_context_event_memory(const SimContext *ctx);

/* Pre-sizes event storage for @n pending events, so that a model that
 * knows its population (PHOLD, a fixed set of flows) never grows it during
 * the run and carries no growth slack. Optional. */
SIM_API void sim_context_reserve_events(SimContext *ctx, size_t n);

/**
 * SimHookFunc:
 * A periodic hook, called with sim_now() == @now after every event
 * earlier than @now has run and before any event at @now. Hooks do not
 * go through the event queue, consume no entity sequence numbers and
 * therefore never change the order of model events. They may read model
 * state and call sim_stop(); they must not schedule events.
 */
typedef void (*SimHookFunc)(SimContext *ctx, SimTime now, void *data);

/**
 * sim_hook_add:
 * @first: first call time
 * @period: > 0, interval between calls
 * @destroy: (nullable): called on @data when the hook is removed or the
 *   context freed
 * Returns: an id > 0 for sim_hook_remove().
 */
SIM_API guint sim_hook_add(SimContext *ctx, SimTime first, SimTime period, SimHookFunc fn,
                           void *data, GDestroyNotify destroy);
SIM_API gboolean sim_hook_remove(SimContext *ctx, guint id);

/**
 * SimProgressFunc:
 * Called every @every executed events (see sim_context_set_progress());
 * meant for wall-clock progress reports. Same restrictions as hooks.
 */
typedef void (*SimProgressFunc)(SimContext *ctx, uint64_t events, void *data);
SIM_API void sim_context_set_progress(SimContext *ctx, uint64_t every, SimProgressFunc fn,
                                      void *data);

/**
 * sim_context_set_trace_hash:
 * When enabled, every executed event's key (time, origin, sequence) is
 * folded into a 64-bit hash: two runs executed the same events in the same
 * order exactly when their hashes match (with overwhelming probability).
 */
SIM_API void sim_context_set_trace_hash(SimContext *ctx, gboolean enable);
SIM_API uint64_t sim_context_trace_hash(const SimContext *ctx);

/* ---- partitioned runs ------------------------------------------------------------
 *
 * A partitioned (parallel) run builds the same model on every rank, then
 * tells each rank's context which entities it owns. An event belongs to
 * the rank of its origin entity: events of other ranks' entities are
 * neither queued nor run here, but scheduling them still consumes the
 * origin's sequence number, so the keys of the events a rank does run are
 * those of the sequential run (DESIGN.md rule 3). Events that cross ranks
 * (a packet arriving over a link between ranks) are inserted with the key
 * the sending rank gave them (sim_schedule_keyed()). simpar.h runs the
 * ranks in step. */

/* Rank value of entities whose events run on every rank (e.g. the up and
 * down events of a link between two ranks: each rank updates its side). */
#define SIM_RANK_ALL UINT16_MAX

/**
 * sim_context_set_partition:
 * @rank: this context's rank
 * @entity_rank: (array length=n): the rank of each entity id, or
 *   SIM_RANK_ALL; copied. Entities with ids >= @n count as SIM_RANK_ALL.
 * Drops the pending events of other ranks' entities (setup scheduled
 * every entity's first events on every rank) and filters later ones.
 */
SIM_API void sim_context_set_partition(SimContext *ctx, uint16_t rank, const uint16_t *entity_rank,
                                       uint32_t n);
/* TRUE if the events of @id run on this context's rank (always TRUE
 * without a partition). */
SIM_API gboolean sim_context_owns_entity(const SimContext *ctx, SimEntityId id);

/**
 * sim_schedule_keyed:
 * Inserts an event with the key (@at, @origin, @seq) given by another
 * rank. @at must not be before sim_now(). The origin's own counter on
 * this rank is not touched. Returns a handle for sim_cancel().
 */
SIM_API SimEventHandle sim_schedule_keyed(SimContext *ctx, SimTime at, SimEntityId origin,
                                          uint32_t seq, SimEventFunc fn, void *obj,
                                          SimEventArg arg);

/* Time of the earliest pending event, SIM_TIME_MAX if none (with the
 * ladder queue, possibly of a cancelled one: a lower bound). */
SIM_API SimTime sim_next_event_time(SimContext *ctx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimContext, sim_context_free)

G_END_DECLS

#endif /* IPESIM_SIMCONTEXT_H */
