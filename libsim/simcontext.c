/* simcontext.c - the context, scheduling and the run loop.
 *
 * The run loop is specialised per queue kind (an always-inline body
 * instantiated twice) so that push/pop of the 4-ary heap inline into it.
 * Per event it does: one comparison against the end time, one against the
 * next hook time, one against the "check" threshold (progress reports and
 * sim_stop() share it), the pop, the handler call. The event record is
 * released before its handler runs so that the handler's first schedule
 * reuses the same, cache-hot record.
 */
#define G_LOG_DOMAIN "ipesim-engine"
#include "config.h"

#include "simcontext.h"
#include "simqueue-private.h"

#include <string.h>

typedef struct {
  guint id;
  SimTime next;
  SimTime period;
  SimHookFunc fn;
  void *data;
  GDestroyNotify destroy;
} SimHook;

struct _SimContext {
  SimTime now;
  SimQueueKind kind;
  bool running;
  bool trace;
  uint64_t executed;
  uint64_t check_at; /* executed count at which to run the slow path */
  bool stopping;
  SimTime next_hook;
  uint64_t trace_hash;

  SimHeap heap;
  SimLadder ladder;
  SimEventSlab slab;

  uint32_t seed;
  uint32_t run;
  uint32_t next_entity;
  SimEntity self;

  GArray *hooks; /* SimHook */
  guint next_hook_id;

  /* partitioned runs: the rank of each entity (NULL: not partitioned) */
  uint16_t *entity_rank;
  uint32_t n_entity_rank;
  uint16_t rank;

  uint64_t progress_every;
  uint64_t progress_next;
  SimProgressFunc progress_fn;
  void *progress_data;
};

static const char *const queue_kind_names[SIM_QUEUE_N] = {
  [SIM_QUEUE_HEAP] = "heap",
  [SIM_QUEUE_LADDER] = "ladder",
};

const char *
sim_queue_kind_name(SimQueueKind kind)
{
  g_return_val_if_fail(kind < SIM_QUEUE_N, NULL);
  return queue_kind_names[kind];
}

int
sim_queue_kind_from_name(const char *name)
{
  for (int k = 0; k < SIM_QUEUE_N; k++)
    if (g_strcmp0(name, queue_kind_names[k]) == 0)
      return k;
  return -1;
}

SimContext *
sim_context_new(const SimContextConfig *config)
{
  SimContextConfig cfg = config ? *config : SIM_CONTEXT_CONFIG_DEFAULT;
  g_return_val_if_fail(cfg.queue < SIM_QUEUE_N, NULL);
  SimContext *ctx = g_new0(SimContext, 1);
  ctx->kind = cfg.queue;
  ctx->seed = cfg.seed;
  ctx->run = cfg.run;
  ctx->check_at = UINT64_MAX;
  ctx->next_hook = SIM_TIME_MAX;
  ctx->trace_hash = UINT64_C(0x9e3779b97f4a7c15);
  sim__event_slab_init(&ctx->slab, ctx->kind == SIM_QUEUE_HEAP ? SIM_EVENT_SIZE_HEAP
                                                                : SIM_EVENT_SIZE_LADDER);
  sim__heap_init(&ctx->heap, true);
  sim__ladder_init(&ctx->ladder, &ctx->slab);
  ctx->hooks = g_array_new(FALSE, FALSE, sizeof(SimHook));
  ctx->next_hook_id = 1;
  sim_entity_init(ctx, &ctx->self);
  return ctx;
}

void
sim_context_free(SimContext *ctx)
{
  if (!ctx)
    return;
  g_return_if_fail(!ctx->running);
  for (guint i = 0; i < ctx->hooks->len; i++) {
    SimHook *h = &g_array_index(ctx->hooks, SimHook, i);
    if (h->destroy)
      h->destroy(h->data);
  }
  g_array_unref(ctx->hooks);
  g_free(ctx->entity_rank);
  sim__heap_clear(&ctx->heap);
  sim__ladder_clear(&ctx->ladder);
  sim__event_slab_clear(&ctx->slab);
  g_free(ctx);
}

uint32_t
sim_context_seed(const SimContext *ctx)
{
  return ctx->seed;
}

uint32_t
sim_context_run_number(const SimContext *ctx)
{
  return ctx->run;
}

SimQueueKind
sim_context_queue_kind(const SimContext *ctx)
{
  return ctx->kind;
}

SimEntityId
sim_entity_init(SimContext *ctx, SimEntity *ent)
{
  g_return_val_if_fail(ctx != NULL && ent != NULL, SIM_ENTITY_NONE);
  g_return_val_if_fail(ctx->next_entity < SIM_ENTITY_NONE, SIM_ENTITY_NONE);
  ent->id = ctx->next_entity++;
  ent->seq = 0;
  return ent->id;
}

uint32_t
sim_context_entity_count(const SimContext *ctx)
{
  return ctx->next_entity;
}

SimEntity *
sim_context_entity(SimContext *ctx)
{
  return &ctx->self;
}

SimTime
sim_now(const SimContext *ctx)
{
  return ctx->now;
}

/* Puts an event with the key (@at, @origin, @seq) in the queue. */
SIM_INLINE SimEventHandle
queue_event(SimContext *ctx, SimTime at, SimEntityId origin, uint32_t seq, SimEventFunc fn,
            void *obj, SimEventArg arg)
{
  SimEvent *ev = sim__event_alloc(&ctx->slab);
  ev->fn = fn;
  ev->obj = obj;
  ev->arg = arg;
  ev->origin = origin;
  ev->seq = seq;
  if (ctx->kind == SIM_QUEUE_HEAP) {
    sim__heap_push(&ctx->heap, at, ev);
  } else {
    ev->time = at;
    sim__ladder_push(&ctx->ladder, ev);
  }
  return (SimEventHandle){ ev, ev->origin, ev->seq };
}

SimEventHandle
sim_schedule_at(SimContext *ctx, SimTime at, SimEntity *origin, SimEventFunc fn, void *obj,
                SimEventArg arg)
{
  g_return_val_if_fail(at >= ctx->now && at < SIM_TIME_MAX, SIM_EVENT_HANDLE_NONE);
  g_return_val_if_fail(origin != NULL && fn != NULL, SIM_EVENT_HANDLE_NONE);
  if (SIM_UNLIKELY(ctx->entity_rank != NULL) && !sim_context_owns_entity(ctx, origin->id)) {
    origin->seq++; /* another rank runs it, with this key */
    return SIM_EVENT_HANDLE_NONE;
  }
  return queue_event(ctx, at, origin->id, origin->seq++, fn, obj, arg);
}

SimEventHandle
sim_schedule(SimContext *ctx, SimTime delay, SimEntity *origin, SimEventFunc fn, void *obj,
             SimEventArg arg)
{
  g_return_val_if_fail(delay >= 0 && delay < SIM_TIME_MAX - ctx->now, SIM_EVENT_HANDLE_NONE);
  return sim_schedule_at(ctx, ctx->now + delay, origin, fn, obj, arg);
}

SimEventHandle
sim_schedule_keyed(SimContext *ctx, SimTime at, SimEntityId origin, uint32_t seq, SimEventFunc fn,
                   void *obj, SimEventArg arg)
{
  g_return_val_if_fail(at >= ctx->now && at < SIM_TIME_MAX, SIM_EVENT_HANDLE_NONE);
  g_return_val_if_fail(fn != NULL && origin != SIM_ENTITY_NONE, SIM_EVENT_HANDLE_NONE);
  return queue_event(ctx, at, origin, seq, fn, obj, arg);
}

SimTime
sim_next_event_time(SimContext *ctx)
{
  /* ladder: a cancelled record may be on top; its time is then a lower
   * bound, which is all a conservative window needs */
  return ctx->kind == SIM_QUEUE_HEAP ? sim__heap_min_time(&ctx->heap)
                                     : sim__ladder_min_time(&ctx->ladder);
}

gboolean
sim_context_owns_entity(const SimContext *ctx, SimEntityId id)
{
  if (!ctx->entity_rank || id >= ctx->n_entity_rank)
    return TRUE;
  uint16_t r = ctx->entity_rank[id];
  return r == ctx->rank || r == SIM_RANK_ALL;
}

void
sim_context_set_partition(SimContext *ctx, uint16_t rank, const uint16_t *entity_rank, uint32_t n)
{
  g_return_if_fail(!ctx->running && (entity_rank != NULL || n == 0));
  g_free(ctx->entity_rank);
  ctx->entity_rank = n ? g_memdup2(entity_rank, n * sizeof *entity_rank) : g_new0(uint16_t, 1);
  ctx->n_entity_rank = n;
  ctx->rank = rank;
  /* keep the pending events of this rank's entities, with their keys */
  GArray *keep = g_array_new(FALSE, FALSE, sizeof(SimEvent *));
  GArray *times = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (;;) {
    SimTime t = ctx->kind == SIM_QUEUE_HEAP ? sim__heap_min_time(&ctx->heap)
                                            : sim__ladder_min_time(&ctx->ladder);
    if (t == SIM_TIME_MAX)
      break;
    SimEvent *ev = ctx->kind == SIM_QUEUE_HEAP ? sim__heap_pop(&ctx->heap)
                                               : sim__ladder_pop(&ctx->ladder);
    if (ev->fn == NULL) {
      ctx->ladder.n_cancelled--;
      sim__event_release(&ctx->slab, ev);
    } else if (sim_context_owns_entity(ctx, ev->origin)) {
      g_array_append_val(keep, ev);
      g_array_append_val(times, t);
    } else {
      sim__event_release(&ctx->slab, ev);
    }
  }
  for (guint i = 0; i < keep->len; i++) {
    SimEvent *ev = g_array_index(keep, SimEvent *, i);
    SimTime t = g_array_index(times, SimTime, i);
    if (ctx->kind == SIM_QUEUE_HEAP) {
      sim__heap_push(&ctx->heap, t, ev);
    } else {
      ev->time = t;
      sim__ladder_push(&ctx->ladder, ev);
    }
  }
  g_array_unref(keep);
  g_array_unref(times);
}

static SimEvent *
handle_event(SimEventHandle h)
{
  SimEvent *ev = h._ev;
  if (!ev || ev->origin != h._origin || ev->seq != h._seq || ev->fn == NULL)
    return NULL;
  return ev;
}

gboolean
sim_cancel(SimContext *ctx, SimEventHandle *handle)
{
  g_return_val_if_fail(handle != NULL, FALSE);
  SimEvent *ev = handle_event(*handle);
  *handle = SIM_EVENT_HANDLE_NONE;
  if (!ev)
    return FALSE;
  if (ctx->kind == SIM_QUEUE_HEAP) {
    sim__heap_remove(&ctx->heap, ev);
    sim__event_release(&ctx->slab, ev);
  } else {
    ev->fn = NULL; /* released when the ladder reaches it */
    ctx->ladder.n_cancelled++;
  }
  return TRUE;
}

gboolean
sim_event_is_pending(const SimContext *ctx, SimEventHandle handle)
{
  (void)ctx;
  return handle_event(handle) != NULL;
}

SimTime
sim_event_time(const SimContext *ctx, SimEventHandle handle)
{
  SimEvent *ev = handle_event(handle);
  if (!ev)
    return SIM_TIME_INVALID;
  if (ctx->kind == SIM_QUEUE_HEAP)
    return ctx->heap.a[ev->q.pos + SIM_HEAP_OFF].time;
  return ev->time;
}

uint64_t
sim_events_executed(const SimContext *ctx)
{
  return ctx->executed;
}

size_t
sim_events_pending(const SimContext *ctx)
{
  if (ctx->kind == SIM_QUEUE_HEAP)
    return ctx->heap.n;
  return ctx->ladder.n_total - ctx->ladder.n_cancelled;
}

size_t
sim_context_event_memory(const SimContext *ctx)
{
  return ctx->slab.n_chunks_events * ctx->slab.elem_size + ctx->heap.cap * sizeof(SimHeapEntry) +
         sim__ladder_memory(&ctx->ladder);
}

void
sim_context_reserve_events(SimContext *ctx, size_t n)
{
  if (n > ctx->slab.n_chunks_events)
    sim__event_slab_grow(&ctx->slab, n - ctx->slab.n_chunks_events);
  if (ctx->kind == SIM_QUEUE_HEAP)
    sim__heap_reserve(&ctx->heap, n);
}

/* ---- hooks ------------------------------------------------------------ */

static void
update_next_hook(SimContext *ctx)
{
  SimTime next = SIM_TIME_MAX;
  for (guint i = 0; i < ctx->hooks->len; i++) {
    SimHook *h = &g_array_index(ctx->hooks, SimHook, i);
    if (h->next < next)
      next = h->next;
  }
  ctx->next_hook = next;
}

guint
sim_hook_add(SimContext *ctx, SimTime first, SimTime period, SimHookFunc fn, void *data,
             GDestroyNotify destroy)
{
  g_return_val_if_fail(period > 0 && fn != NULL && first >= 0, 0);
  SimHook h = { ctx->next_hook_id++, first, period, fn, data, destroy };
  g_array_append_val(ctx->hooks, h);
  update_next_hook(ctx);
  return h.id;
}

gboolean
sim_hook_remove(SimContext *ctx, guint id)
{
  for (guint i = 0; i < ctx->hooks->len; i++) {
    SimHook h = g_array_index(ctx->hooks, SimHook, i);
    if (h.id == id) {
      g_array_remove_index(ctx->hooks, i);
      update_next_hook(ctx);
      if (h.destroy)
        h.destroy(h.data);
      return TRUE;
    }
  }
  return FALSE;
}

/* Runs, in time order (ties: order of addition), every hook call due at a
 * time <= @upto (inclusive) or < @upto (exclusive). */
static void
run_hooks(SimContext *ctx, SimTime upto, bool inclusive)
{
  for (;;) {
    SimTime next = ctx->next_hook;
    if (next > upto || (!inclusive && next == upto) || ctx->stopping)
      return;
    SimHook *due = NULL;
    for (guint i = 0; i < ctx->hooks->len; i++) {
      SimHook *h = &g_array_index(ctx->hooks, SimHook, i);
      if (h->next == next) {
        due = h;
        break;
      }
    }
    g_assert(due != NULL);
    SimHookFunc fn = due->fn;
    void *data = due->data;
    due->next = due->period > SIM_TIME_MAX - due->next ? SIM_TIME_MAX : due->next + due->period;
    update_next_hook(ctx);
    ctx->now = next;
    fn(ctx, next, data);
  }
}

void
sim_context_set_progress(SimContext *ctx, uint64_t every, SimProgressFunc fn, void *data)
{
  ctx->progress_fn = every ? fn : NULL;
  ctx->progress_every = every;
  ctx->progress_data = data;
  ctx->progress_next = ctx->progress_fn ? ctx->executed + every : UINT64_MAX;
  ctx->check_at = ctx->stopping ? 0 : ctx->progress_next;
}

void
sim_context_set_trace_hash(SimContext *ctx, gboolean enable)
{
  ctx->trace = enable;
}

uint64_t
sim_context_trace_hash(const SimContext *ctx)
{
  return ctx->trace_hash;
}

void
sim_stop(SimContext *ctx)
{
  ctx->stopping = true;
  ctx->check_at = 0;
}

/* Slow path taken when executed >= check_at: progress and stop requests.
 * Returns TRUE if the loop must stop. */
static bool
check_slow(SimContext *ctx)
{
  if (ctx->progress_fn && ctx->executed >= ctx->progress_next) {
    ctx->progress_next = ctx->executed + ctx->progress_every;
    ctx->progress_fn(ctx, ctx->executed, ctx->progress_data);
  }
  if (ctx->stopping)
    return true;
  ctx->check_at = ctx->progress_fn ? ctx->progress_next : UINT64_MAX;
  return false;
}

static inline uint64_t
mix64(uint64_t x)
{
  /* splitmix64 finaliser */
  x ^= x >> 30;
  x *= UINT64_C(0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= UINT64_C(0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

SIM_INLINE SimRunResult
run_loop(SimContext *ctx, SimTime end, const SimQueueKind kind)
{
  SimRunResult result;
  for (;;) {
    SimTime t = kind == SIM_QUEUE_HEAP ? sim__heap_min_time(&ctx->heap)
                                       : sim__ladder_min_time(&ctx->ladder);
    if (t >= end) {
      result = t == SIM_TIME_MAX ? SIM_RUN_EMPTY : SIM_RUN_TIME_LIMIT;
      break;
    }
    if (SIM_UNLIKELY(t >= ctx->next_hook)) {
      run_hooks(ctx, t, true);
      if (ctx->stopping) {
        result = SIM_RUN_STOPPED;
        break;
      }
    }
    SimEvent *ev = kind == SIM_QUEUE_HEAP ? sim__heap_pop(&ctx->heap)
                                          : sim__ladder_pop(&ctx->ladder);
    if (kind == SIM_QUEUE_LADDER && SIM_UNLIKELY(ev->fn == NULL)) {
      ctx->ladder.n_cancelled--;
      sim__event_release(&ctx->slab, ev);
      continue;
    }
    SimEventFunc fn = ev->fn;
    void *obj = ev->obj;
    SimEventArg arg = ev->arg;
    if (ctx->trace)
      ctx->trace_hash =
        mix64(ctx->trace_hash ^ mix64((uint64_t)t) ^ (((uint64_t)ev->origin << 32) | ev->seq));
    sim__event_release(&ctx->slab, ev);
    ctx->now = t;
    ctx->executed++;
    fn(ctx, obj, arg);
    if (SIM_UNLIKELY(ctx->executed >= ctx->check_at) && check_slow(ctx)) {
      result = SIM_RUN_STOPPED;
      break;
    }
  }
  return result;
}

SimRunResult
sim_run_until(SimContext *ctx, SimTime end)
{
  g_return_val_if_fail(!ctx->running, SIM_RUN_STOPPED);
  g_return_val_if_fail(end >= ctx->now, SIM_RUN_STOPPED);
  ctx->running = true;
  ctx->stopping = false;
  ctx->check_at = ctx->progress_fn ? ctx->progress_next : UINT64_MAX;
  SimRunResult result = ctx->kind == SIM_QUEUE_HEAP ? run_loop(ctx, end, SIM_QUEUE_HEAP)
                                                    : run_loop(ctx, end, SIM_QUEUE_LADDER);
  if (result != SIM_RUN_STOPPED && end != SIM_TIME_MAX) {
    run_hooks(ctx, end, false);
    if (ctx->stopping)
      result = SIM_RUN_STOPPED;
    else
      ctx->now = end;
  }
  ctx->stopping = false;
  ctx->running = false;
  return result;
}

SimRunResult
sim_run(SimContext *ctx)
{
  return sim_run_until(ctx, SIM_TIME_MAX);
}
