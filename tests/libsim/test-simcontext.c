/* test-simcontext.c - run control, cancellation, hooks and progress. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <criterion/parameterized.h>

#include "simcontext.h"

typedef struct {
  SimEntity ent;
  GArray *times; /* SimTime of each executed event */
  int stop_after;
  SimEventHandle victim;
  gboolean cancelled;
} Probe;

static void
on_event(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  Probe *p = obj;
  SimTime now = sim_now(ctx);
  g_array_append_val(p->times, now);
  if (p->stop_after > 0 && (int)p->times->len == p->stop_after)
    sim_stop(ctx);
}

static Probe *
probe_new(SimContext *ctx)
{
  Probe *p = g_new0(Probe, 1);
  sim_entity_init(ctx, &p->ent);
  p->times = g_array_new(FALSE, FALSE, sizeof(SimTime));
  p->victim = SIM_EVENT_HANDLE_NONE;
  return p;
}

static void
probe_free(Probe *p)
{
  g_array_unref(p->times);
  g_free(p);
}

static SimQueueKind kinds[] = { SIM_QUEUE_HEAP, SIM_QUEUE_LADDER };

static SimContext *
new_ctx(SimQueueKind kind)
{
  SimContextConfig cfg = { kind, 7, 0 };
  return sim_context_new(&cfg);
}

ParameterizedTestParameters(run, until_is_half_open)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, run, until_is_half_open)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  for (int i = 1; i <= 5; i++)
    sim_schedule_at(ctx, SIM_US(i), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert_eq(sim_run_until(ctx, SIM_US(3)), SIM_RUN_TIME_LIMIT);
  cr_assert_eq(p->times->len, 2, "events before 3us: %u", p->times->len);
  cr_assert_eq(sim_now(ctx), SIM_US(3), "clock reads the end time");
  cr_assert_eq(sim_events_pending(ctx), 3);
  cr_assert_eq(sim_run_until(ctx, SIM_US(3)), SIM_RUN_TIME_LIMIT, "same end: nothing runs");
  cr_assert_eq(p->times->len, 2);
  cr_assert_eq(sim_run_until(ctx, SIM_US(100)), SIM_RUN_EMPTY);
  cr_assert_eq(p->times->len, 5);
  cr_assert_eq(sim_now(ctx), SIM_US(100));
  cr_assert_eq(sim_events_executed(ctx), 5);
  probe_free(p);
  sim_context_free(ctx);
}

ParameterizedTestParameters(run, until_empty_keeps_last_time)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, run, until_empty_keeps_last_time)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  sim_schedule_at(ctx, SIM_MS(2), &p->ent, on_event, p, SIM_ARG_NONE);
  sim_schedule_at(ctx, SIM_MS(1), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert_eq(sim_run(ctx), SIM_RUN_EMPTY);
  cr_assert_eq(sim_now(ctx), SIM_MS(2));
  cr_assert_eq(g_array_index(p->times, SimTime, 0), SIM_MS(1));
  cr_assert_eq(sim_run(ctx), SIM_RUN_EMPTY, "running an empty context is fine");
  probe_free(p);
  sim_context_free(ctx);
}

ParameterizedTestParameters(run, stop_from_handler)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, run, stop_from_handler)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  p->stop_after = 3;
  for (int i = 1; i <= 10; i++)
    sim_schedule_at(ctx, SIM_NS(i), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert_eq(sim_run(ctx), SIM_RUN_STOPPED);
  cr_assert_eq(p->times->len, 3);
  cr_assert_eq(sim_now(ctx), SIM_NS(3), "clock at the stopping event");
  p->stop_after = 0;
  cr_assert_eq(sim_run_until(ctx, SIM_NS(100)), SIM_RUN_EMPTY, "resumes where it stopped");
  cr_assert_eq(p->times->len, 10);
  probe_free(p);
  sim_context_free(ctx);
}

static void
cancel_victim(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  Probe *p = obj;
  p->cancelled = sim_cancel(ctx, &p->victim);
}

ParameterizedTestParameters(cancel, pending_and_not)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, cancel, pending_and_not)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  SimEventHandle a = sim_schedule_at(ctx, SIM_US(1), &p->ent, on_event, p, SIM_ARG_NONE);
  SimEventHandle b = sim_schedule_at(ctx, SIM_US(2), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert(sim_event_is_pending(ctx, a));
  cr_assert_eq(sim_event_time(ctx, b), SIM_US(2));
  cr_assert_eq(sim_events_pending(ctx), 2);
  SimEventHandle b_copy = b;
  cr_assert(sim_cancel(ctx, &b));
  cr_assert(!sim_event_is_pending(ctx, b_copy));
  cr_assert_eq(sim_event_time(ctx, b_copy), SIM_TIME_INVALID);
  cr_assert(!sim_cancel(ctx, &b), "cancel twice");
  cr_assert(!sim_cancel(ctx, &b_copy), "cancel through a stale copy");
  cr_assert_eq(sim_events_pending(ctx), 1);
  sim_run(ctx);
  cr_assert_eq(p->times->len, 1);
  cr_assert(!sim_cancel(ctx, &a), "cancel after it ran");
  SimEventHandle none = SIM_EVENT_HANDLE_NONE;
  cr_assert(!sim_cancel(ctx, &none));
  probe_free(p);
  sim_context_free(ctx);
}

ParameterizedTestParameters(cancel, from_a_handler_and_reuse)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, cancel, from_a_handler_and_reuse)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  p->victim = sim_schedule_at(ctx, SIM_US(5), &p->ent, on_event, p, SIM_ARG_NONE);
  SimEventHandle stale = p->victim;
  sim_schedule_at(ctx, SIM_US(1), &p->ent, cancel_victim, p, SIM_ARG_NONE);
  sim_run(ctx);
  cr_assert(p->cancelled);
  cr_assert_eq(p->times->len, 0, "cancelled event ran");
  /* the record is recycled; the stale handle must not cancel its new use */
  SimEventHandle fresh = sim_schedule(ctx, SIM_US(1), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert(!sim_cancel(ctx, &stale));
  cr_assert(sim_event_is_pending(ctx, fresh));
  sim_run(ctx);
  cr_assert_eq(p->times->len, 1);
  probe_free(p);
  sim_context_free(ctx);
}

typedef struct {
  GArray *calls;
  Probe *probe;
  int stop_at_call;
} HookLog;

static void
hook_fn(SimContext *ctx, SimTime now, void *data)
{
  HookLog *h = data;
  cr_assert_eq(sim_now(ctx), now);
  /* every event before now has run, none at or after now */
  for (guint i = 0; i < h->probe->times->len; i++)
    cr_assert_lt(g_array_index(h->probe->times, SimTime, i), now);
  g_array_append_val(h->calls, now);
  if (h->stop_at_call && (int)h->calls->len == h->stop_at_call)
    sim_stop(ctx);
}

ParameterizedTestParameters(hooks, periodic_before_events_at_same_time)
{
  return cr_make_param_array(SimQueueKind, kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, hooks, periodic_before_events_at_same_time)
{
  SimContext *ctx = new_ctx(*kind);
  Probe *p = probe_new(ctx);
  for (int i = 0; i <= 10; i++)
    sim_schedule_at(ctx, SIM_US(i), &p->ent, on_event, p, SIM_ARG_NONE);
  HookLog h = { g_array_new(FALSE, FALSE, sizeof(SimTime)), p, 0 };
  guint id = sim_hook_add(ctx, SIM_US(2), SIM_US(2), hook_fn, &h, NULL);
  cr_assert_gt(id, 0);
  sim_run_until(ctx, SIM_US(9));
  /* calls at 2,4,6,8 (< 9) */
  cr_assert_eq(h.calls->len, 4, "hook calls: %u", h.calls->len);
  for (guint i = 0; i < 4; i++)
    cr_assert_eq(g_array_index(h.calls, SimTime, i), SIM_US(2 * (i + 1)));
  cr_assert(sim_hook_remove(ctx, id));
  cr_assert(!sim_hook_remove(ctx, id));
  sim_run(ctx);
  cr_assert_eq(h.calls->len, 4);
  g_array_unref(h.calls);
  probe_free(p);
  sim_context_free(ctx);
}

Test(hooks, run_until_end_without_events_and_stop)
{
  SimContext *ctx = sim_context_new(NULL);
  Probe *p = probe_new(ctx);
  HookLog h = { g_array_new(FALSE, FALSE, sizeof(SimTime)), p, 3 };
  sim_hook_add(ctx, 0, SIM_MS(1), hook_fn, &h, NULL);
  cr_assert_eq(sim_run_until(ctx, SIM_MS(10)), SIM_RUN_STOPPED);
  cr_assert_eq(h.calls->len, 3);
  cr_assert_eq(sim_now(ctx), SIM_MS(2));
  h.stop_at_call = 0;
  cr_assert_eq(sim_run_until(ctx, SIM_MS(10)), SIM_RUN_EMPTY);
  cr_assert_eq(h.calls->len, 10, "hooks at 0..9 ms: %u", h.calls->len);
  cr_assert_eq(sim_now(ctx), SIM_MS(10));
  g_array_unref(h.calls);
  probe_free(p);
  sim_context_free(ctx);
}

static void
count_destroy(void *data)
{
  (*(int *)data)++;
}

static void
noop_hook(SimContext *ctx, SimTime now, void *data)
{
  (void)ctx;
  (void)now;
  (void)data;
}

Test(hooks, destroy_notify)
{
  SimContext *ctx = sim_context_new(NULL);
  int destroyed = 0;
  guint a = sim_hook_add(ctx, 0, SIM_MS(1), noop_hook, &destroyed, count_destroy);
  sim_hook_add(ctx, 0, SIM_MS(1), noop_hook, &destroyed, count_destroy);
  sim_hook_remove(ctx, a);
  cr_assert_eq(destroyed, 1);
  sim_context_free(ctx);
  cr_assert_eq(destroyed, 2);
}

/* A chain of self-rescheduling events with random-looking gaps; returns
 * the trace hash. */
static void
chain(SimContext *ctx, void *obj, SimEventArg arg)
{
  Probe *p = obj;
  if (arg.u64 == 0)
    return;
  SimTime gap = SIM_NS((arg.u64 * 2654435761u) % 997 + 1);
  sim_schedule(ctx, gap, &p->ent, chain, p, SIM_ARG_U64(arg.u64 - 1));
  sim_schedule(ctx, gap, &p->ent, on_event, p, SIM_ARG_NONE);
}

static uint64_t
chain_hash(SimQueueKind kind, bool with_hook)
{
  SimContext *ctx = new_ctx(kind);
  sim_context_set_trace_hash(ctx, TRUE);
  Probe *p = probe_new(ctx);
  Probe *q = probe_new(ctx);
  sim_schedule_at(ctx, 0, &p->ent, chain, p, SIM_ARG_U64(3000));
  sim_schedule_at(ctx, 0, &q->ent, chain, q, SIM_ARG_U64(2000));
  HookLog h = { g_array_new(FALSE, FALSE, sizeof(SimTime)), p, 0 };
  if (with_hook)
    sim_hook_add(ctx, SIM_NS(500), SIM_NS(500), noop_hook, &h, NULL);
  sim_run(ctx);
  uint64_t hash = sim_context_trace_hash(ctx);
  g_array_unref(h.calls);
  probe_free(p);
  probe_free(q);
  sim_context_free(ctx);
  return hash;
}

Test(hooks, do_not_perturb_event_order)
{
  for (int k = 0; k < 2; k++) {
    uint64_t plain = chain_hash(kinds[k], false);
    uint64_t hooked = chain_hash(kinds[k], true);
    cr_assert_eq(plain, hooked, "a hook changed the event order (%s)", sim_queue_kind_name(kinds[k]));
  }
  cr_assert_eq(chain_hash(SIM_QUEUE_HEAP, false),
               chain_hash(SIM_QUEUE_LADDER, false), "queues disagree");
}

static void
on_progress(SimContext *ctx, uint64_t events, void *data)
{
  (void)ctx;
  GArray *a = data;
  g_array_append_val(a, events);
}

Test(progress, every_n_events)
{
  SimContext *ctx = sim_context_new(NULL);
  Probe *p = probe_new(ctx);
  for (int i = 0; i < 2500; i++)
    sim_schedule_at(ctx, SIM_NS(i), &p->ent, on_event, p, SIM_ARG_NONE);
  GArray *calls = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  sim_context_set_progress(ctx, 1000, on_progress, calls);
  sim_run(ctx);
  cr_assert_eq(calls->len, 2);
  cr_assert_eq(g_array_index(calls, uint64_t, 0), 1000);
  cr_assert_eq(g_array_index(calls, uint64_t, 1), 2000);
  g_array_unref(calls);
  probe_free(p);
  sim_context_free(ctx);
}

Test(entities, ids_are_dense_and_context_is_zero)
{
  SimContext *ctx = sim_context_new(NULL);
  cr_assert_eq(sim_context_entity(ctx)->id, 0);
  SimEntity a, b;
  cr_assert_eq(sim_entity_init(ctx, &a), 1);
  cr_assert_eq(sim_entity_init(ctx, &b), 2);
  cr_assert_eq(sim_context_entity_count(ctx), 3);
  sim_context_free(ctx);
}

Test(config, defaults_and_names)
{
  SimContext *ctx = sim_context_new(NULL);
  cr_assert_eq(sim_context_seed(ctx), 1);
  cr_assert_eq(sim_context_run_number(ctx), 0);
  cr_assert_eq(sim_context_queue_kind(ctx), SIM_QUEUE_HEAP);
  sim_context_free(ctx);
  cr_assert_str_eq(sim_queue_kind_name(SIM_QUEUE_LADDER), "ladder");
  cr_assert_eq(sim_queue_kind_from_name("heap"), SIM_QUEUE_HEAP);
  cr_assert_eq(sim_queue_kind_from_name("calendar"), -1);
}

static void
count_critical(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
  (void)domain;
  (void)level;
  (void)msg;
  (*(int *)data)++;
}

Test(schedule, rejects_the_past)
{
  int criticals = 0;
  guint hid = g_log_set_handler("ipesim-engine", G_LOG_LEVEL_CRITICAL, count_critical, &criticals);
  SimContext *ctx = sim_context_new(NULL);
  Probe *p = probe_new(ctx);
  sim_schedule_at(ctx, SIM_US(5), &p->ent, on_event, p, SIM_ARG_NONE);
  sim_run(ctx);
  SimEventHandle h = sim_schedule_at(ctx, SIM_US(1), &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert(!sim_event_is_pending(ctx, h));
  cr_assert_eq(criticals, 1);
  h = sim_schedule(ctx, -1, &p->ent, on_event, p, SIM_ARG_NONE);
  cr_assert(!sim_event_is_pending(ctx, h));
  cr_assert_eq(criticals, 2);
  cr_assert_eq(sim_events_pending(ctx), 0);
  g_log_remove_handler("ipesim-engine", hid);
  probe_free(p);
  sim_context_free(ctx);
}

/* ---- partitioned runs (DESIGN.md rule 3) ------------------------------------------------- */

typedef struct {
  SimEntity ent;
  GArray *keys; /* "origin/seq@time" of each event run, shared by all probes */
} KeyProbe;

typedef struct {
  SimEntityId origin;
  uint32_t seq;
  SimTime at;
} Key;

static GArray *run_keys;

static void
on_keyed(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)obj;
  Key k = { (SimEntityId)(arg.u64 >> 32), (uint32_t)arg.u64, sim_now(ctx) };
  g_array_append_val(run_keys, k);
}

/* Entity e (1 or 2) schedules at @t an event that records its own key. */
static void
sched(SimContext *ctx, SimEntity *e, SimTime t)
{
  uint64_t tag = ((uint64_t)e->id << 32) | e->seq;
  sim_schedule_at(ctx, t, e, on_keyed, NULL, SIM_ARG_U64(tag));
}

static void
build(SimContext *ctx, SimEntity *a, SimEntity *b)
{
  sim_entity_init(ctx, a);
  sim_entity_init(ctx, b);
  sched(ctx, b, SIM_US(5));
  sched(ctx, a, SIM_US(5));
  sched(ctx, a, SIM_US(5));
  sched(ctx, b, SIM_US(3));
  sched(ctx, a, SIM_US(7));
  sched(ctx, b, SIM_US(5));
}

ParameterizedTestParameters(partition, keeps_keys_and_order)
{
  static SimQueueKind part_kinds[] = { SIM_QUEUE_HEAP, SIM_QUEUE_LADDER };
  return cr_make_param_array(SimQueueKind, part_kinds, 2);
}

ParameterizedTest(SimQueueKind *kind, partition, keeps_keys_and_order)
{
  SimContextConfig cfg = { *kind, 1, 0 };
  /* the sequential run */
  run_keys = g_array_new(FALSE, FALSE, sizeof(Key));
  SimContext *seq = sim_context_new(&cfg);
  SimEntity a, b;
  build(seq, &a, &b);
  sim_run(seq);
  GArray *want = run_keys;
  cr_assert_eq(want->len, 6);
  /* at 5 us: a's two events (origin 1 < 2), then b's in schedule order */
  Key *w = (Key *)want->data;
  cr_assert(w[0].origin == b.id && w[0].at == SIM_US(3));
  cr_assert(w[1].origin == a.id && w[1].seq == 0 && w[2].origin == a.id && w[2].seq == 1);
  cr_assert(w[3].origin == b.id && w[3].seq == 0 && w[4].origin == b.id && w[4].seq == 2);
  cr_assert(w[5].origin == a.id && w[5].at == SIM_US(7));

  /* rank 0 owns a: the same set-up, b's events dropped, then b's events
   * arrive as keyed inserts, in any order: the run is the sequential one */
  run_keys = g_array_new(FALSE, FALSE, sizeof(Key));
  SimContext *r0 = sim_context_new(&cfg);
  SimEntity a0, b0;
  build(r0, &a0, &b0);
  cr_assert_eq(sim_events_pending(r0), 6);
  uint16_t ranks[3] = { SIM_RANK_ALL, 0, 1 };
  sim_context_set_partition(r0, 0, ranks, 3);
  cr_assert_eq(sim_events_pending(r0), 3);
  cr_assert(sim_context_owns_entity(r0, a0.id));
  cr_assert(!sim_context_owns_entity(r0, b0.id));
  cr_assert(sim_context_owns_entity(r0, 0));
  cr_assert(sim_context_owns_entity(r0, 77)); /* beyond the table: everywhere */
  cr_assert_eq(sim_next_event_time(r0), SIM_US(5));
  /* b's own scheduling here queues nothing but consumes its numbers */
  uint32_t before = b0.seq;
  SimEventHandle h = sim_schedule_at(r0, SIM_US(9), &b0, on_keyed, NULL, SIM_ARG_NONE);
  cr_assert(!sim_event_is_pending(r0, h));
  cr_assert_eq(b0.seq, before + 1);
  cr_assert_eq(sim_events_pending(r0), 3);
  for (int i = 2; i >= 0; i--) {
    uint32_t s = (uint32_t)i;
    SimTime t = i == 1 ? SIM_US(3) : SIM_US(5);
    sim_schedule_keyed(r0, t, b.id, s, on_keyed, NULL, SIM_ARG_U64(((uint64_t)b.id << 32) | s));
  }
  cr_assert_eq(sim_next_event_time(r0), SIM_US(3));
  sim_run(r0);
  cr_assert_eq(run_keys->len, want->len);
  for (guint i = 0; i < want->len; i++) {
    Key *x = &g_array_index(run_keys, Key, i), *y = &g_array_index(want, Key, i);
    cr_assert(x->origin == y->origin && x->seq == y->seq && x->at == y->at,
              "event %u: %u/%u@%" PRId64 ", sequential %u/%u@%" PRId64, i, x->origin, x->seq,
              x->at, y->origin, y->seq, y->at);
  }
  cr_assert_eq(sim_next_event_time(r0), SIM_TIME_MAX);
  g_array_unref(run_keys);
  g_array_unref(want);
  run_keys = NULL;
  sim_context_free(seq);
  sim_context_free(r0);
}

Test(partition, keyed_events_cancel_and_keep_handles)
{
  SimContext *ctx = sim_context_new(NULL);
  SimEntity a;
  sim_entity_init(ctx, &a);
  run_keys = g_array_new(FALSE, FALSE, sizeof(Key));
  /* a pending event keeps its handle through the partition's re-queueing */
  SimEventHandle mine = sim_schedule_at(ctx, SIM_US(2), &a, on_keyed, NULL, SIM_ARG_U64(1));
  uint16_t ranks[2] = { SIM_RANK_ALL, 3 };
  sim_context_set_partition(ctx, 3, ranks, 2);
  cr_assert(sim_event_is_pending(ctx, mine));
  cr_assert_eq(sim_event_time(ctx, mine), SIM_US(2));
  SimEventHandle h = sim_schedule_keyed(ctx, SIM_US(4), 9, 42, on_keyed, NULL, SIM_ARG_U64(2));
  cr_assert(sim_event_is_pending(ctx, h));
  cr_assert(sim_cancel(ctx, &h));
  cr_assert(sim_cancel(ctx, &mine));
  sim_run(ctx);
  cr_assert_eq(run_keys->len, 0);
  cr_assert_eq(sim_events_executed(ctx), 0);
  g_array_unref(run_keys);
  run_keys = NULL;
  sim_context_free(ctx);
}
