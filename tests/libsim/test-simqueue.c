/* test-simqueue.c - the event queues against a reference model, and the
 * order key (DESIGN.md rule 3) through the public scheduling API. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "simcontext.h"
#include "simqueue-private.h"

/* ---- data-structure level: random operations vs. a sorted reference ---- */

typedef struct {
  SimTime time;
  SimEvent *ev;
} Ref;

static uint64_t
next_rand(uint64_t *s)
{
  /* splitmix64: a local, deterministic generator for test data */
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static bool
ref_before(const Ref *a, const Ref *b)
{
  if (a->time != b->time)
    return a->time < b->time;
  return sim__event_tie_before(a->ev, b->ev);
}

static void
dummy(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  (void)obj;
  (void)arg;
}

/* Draws a delay from a mix that exercises ties, far-future outliers and
 * dense bursts. */
static SimTime
draw_delay(uint64_t *s)
{
  uint64_t r = next_rand(s);
  switch (r % 6) {
  case 0:
    return 0; /* same time as now: ties */
  case 1:
    return (SimTime)(r >> 40) % 8; /* tiny, many equal */
  case 2:
    return (SimTime)(r >> 20) % 1000000;
  case 3:
    return (SimTime)(r >> 10) % SIM_MS(10);
  case 4:
    return (SimTime)(r >> 4) % SIM_S(100); /* far future */
  default:
    return SIM_NS(840) * (SimTime)((r >> 33) % 4); /* network-like constants */
  }
}

static void
random_ops(SimQueueKind kind, uint64_t seed, int n_ops)
{
  SimEventSlab slab;
  sim__event_slab_init(&slab, kind == SIM_QUEUE_HEAP ? SIM_EVENT_SIZE_HEAP : SIM_EVENT_SIZE_LADDER);
  SimHeap heap;
  SimLadder ladder;
  sim__heap_init(&heap, true);
  sim__ladder_init(&ladder, &slab);
  GArray *ref = g_array_new(FALSE, FALSE, sizeof(Ref));
  uint64_t s = seed;
  SimTime now = 0;
  uint32_t seqs[16] = { 0 };
  int pops = 0, cancels = 0;

  for (int op = 0; op < n_ops; op++) {
    uint64_t r = next_rand(&s) % 100;
    if (r < 50 || ref->len == 0) {
      SimEvent *ev = sim__event_alloc(&slab);
      uint32_t origin = (uint32_t)(next_rand(&s) % 16);
      ev->fn = dummy;
      ev->obj = NULL;
      ev->arg = SIM_ARG_NONE;
      ev->origin = origin;
      ev->seq = seqs[origin]++;
      SimTime t = now + draw_delay(&s);
      if (kind == SIM_QUEUE_HEAP) {
        sim__heap_push(&heap, t, ev);
      } else {
        ev->time = t;
        sim__ladder_push(&ladder, ev);
      }
      Ref x = { t, ev };
      g_array_append_val(ref, x);
    } else if (r < 65) {
      size_t i = next_rand(&s) % ref->len;
      SimEvent *ev = g_array_index(ref, Ref, i).ev;
      if (kind == SIM_QUEUE_HEAP) {
        sim__heap_remove(&heap, ev);
        sim__event_release(&slab, ev);
      } else {
        ev->fn = NULL;
        ladder.n_cancelled++;
      }
      g_array_remove_index_fast(ref, i);
      cancels++;
    } else {
      size_t best = 0;
      for (size_t i = 1; i < ref->len; i++)
        if (ref_before(&g_array_index(ref, Ref, i), &g_array_index(ref, Ref, best)))
          best = i;
      Ref want = g_array_index(ref, Ref, best);
      SimEvent *got;
      SimTime got_t;
      if (kind == SIM_QUEUE_HEAP) {
        got_t = sim__heap_min_time(&heap);
        got = sim__heap_pop(&heap);
      } else {
        for (;;) {
          got_t = sim__ladder_min_time(&ladder);
          cr_assert_neq(got_t, SIM_TIME_MAX, "ladder empty with %u live events", ref->len);
          got = sim__ladder_pop(&ladder);
          if (got->fn != NULL)
            break;
          ladder.n_cancelled--;
          sim__event_release(&slab, got);
        }
      }
      cr_assert_eq(got, want.ev,
                   "%s op %d: popped (%" PRId64 ",%u,%u), expected (%" PRId64 ",%u,%u)",
                   sim_queue_kind_name(kind), op, got_t, got->origin, got->seq, want.time,
                   want.ev->origin, want.ev->seq);
      cr_assert_eq(got_t, want.time);
      now = got_t;
      g_array_remove_index_fast(ref, best);
      sim__event_release(&slab, got);
      pops++;
    }
    size_t live = kind == SIM_QUEUE_HEAP ? heap.n : ladder.n_total - ladder.n_cancelled;
    cr_assert_eq(live, ref->len, "op %d: queue holds %zu live events, reference %u", op, live,
                 ref->len);
  }
  cr_assert_gt(pops, n_ops / 5);
  cr_assert_gt(cancels, n_ops / 10);
  /* drain in order */
  while (ref->len) {
    size_t best = 0;
    for (size_t i = 1; i < ref->len; i++)
      if (ref_before(&g_array_index(ref, Ref, i), &g_array_index(ref, Ref, best)))
        best = i;
    SimEvent *got;
    if (kind == SIM_QUEUE_HEAP) {
      got = sim__heap_pop(&heap);
    } else {
      do {
        cr_assert_neq(sim__ladder_min_time(&ladder), SIM_TIME_MAX);
        got = sim__ladder_pop(&ladder);
        if (got->fn == NULL) {
          ladder.n_cancelled--;
          sim__event_release(&slab, got);
          got = NULL;
        }
      } while (!got);
    }
    cr_assert_eq(got, g_array_index(ref, Ref, best).ev, "drain order");
    g_array_remove_index_fast(ref, best);
    sim__event_release(&slab, got);
  }
  g_array_unref(ref);
  sim__heap_clear(&heap);
  sim__ladder_clear(&ladder);
  sim__event_slab_clear(&slab);
}

Test(queue, heap_matches_reference)
{
  random_ops(SIM_QUEUE_HEAP, 1, 100000);
}

Test(queue, ladder_matches_reference)
{
  random_ops(SIM_QUEUE_LADDER, 1, 100000);
}

Test(queue, ladder_matches_reference_other_seeds)
{
  for (uint64_t seed = 2; seed < 6; seed++)
    random_ops(SIM_QUEUE_LADDER, seed, 20000);
}

/* ---- through the scheduling API ---------------------------------------- */

typedef struct {
  GArray *log; /* uint64: origin << 32 | tag */
} Log;

static void
record(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  Log *log = obj;
  g_array_append_val(log->log, arg.u64);
}

static void
fifo_same_origin(SimQueueKind kind)
{
  SimContextConfig cfg = { kind, 1, 0 };
  SimContext *ctx = sim_context_new(&cfg);
  SimEntity e;
  sim_entity_init(ctx, &e);
  Log log = { g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
  for (uint64_t i = 0; i < 5000; i++)
    sim_schedule_at(ctx, SIM_US(7), &e, record, &log, SIM_ARG_U64(i));
  cr_assert_eq(sim_run(ctx), SIM_RUN_EMPTY);
  cr_assert_eq(log.log->len, 5000);
  for (uint64_t i = 0; i < 5000; i++)
    cr_assert_eq(g_array_index(log.log, uint64_t, i), i, "%s: position %" PRIu64 " holds %" PRIu64,
                 sim_queue_kind_name(kind), i, g_array_index(log.log, uint64_t, i));
  g_array_unref(log.log);
  sim_context_free(ctx);
}

Test(scheduler, same_time_same_origin_is_fifo_heap)
{
  fifo_same_origin(SIM_QUEUE_HEAP);
}

Test(scheduler, same_time_same_origin_is_fifo_ladder)
{
  fifo_same_origin(SIM_QUEUE_LADDER);
}

/* Entities A (id 1), B (id 2), C (id 3) each schedule a private sequence of
 * events; the interleaving of their schedule calls differs between runs.
 * The execution order must be the same: it depends on the keys only. */
static GArray *
run_interleaving(SimQueueKind kind, uint64_t perm_seed)
{
  SimContextConfig cfg = { kind, 1, 0 };
  SimContext *ctx = sim_context_new(&cfg);
  SimEntity ent[3];
  for (int i = 0; i < 3; i++)
    sim_entity_init(ctx, &ent[i]);
  Log *log = g_new0(Log, 1);
  log->log = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  int next[3] = { 0, 0, 0 };
  uint64_t s = perm_seed;
  int left = 3 * 300;
  while (left > 0) {
    int who = (int)(next_rand(&s) % 3);
    if (next[who] == 300)
      continue;
    int k = next[who]++;
    /* each entity's k-th event: a time with many collisions across entities */
    SimTime t = SIM_NS((k * 7 + who) % 50);
    sim_schedule_at(ctx, t, &ent[who], record, log,
                    SIM_ARG_U64(((uint64_t)ent[who].id << 32) | (uint64_t)k));
    left--;
  }
  sim_run(ctx);
  sim_context_free(ctx);
  GArray *out = log->log;
  g_free(log);
  return out;
}

static void
order_independent(SimQueueKind kind)
{
  GArray *a = run_interleaving(kind, 11);
  for (uint64_t seed = 12; seed < 16; seed++) {
    GArray *b = run_interleaving(kind, seed);
    cr_assert_eq(a->len, b->len);
    cr_assert(memcmp(a->data, b->data, a->len * sizeof(uint64_t)) == 0,
              "%s: execution order depends on insertion order (seed %" PRIu64 ")",
              sim_queue_kind_name(kind), seed);
    g_array_unref(b);
  }
  /* and it is the key order: time, then origin id, then sequence */
  for (guint i = 1; i < a->len; i++) {
    uint64_t p = g_array_index(a, uint64_t, i - 1), q = g_array_index(a, uint64_t, i);
    SimTime tp = SIM_NS(((p & 0xffffffff) * 7 + (p >> 32) - 1) % 50);
    SimTime tq = SIM_NS(((q & 0xffffffff) * 7 + (q >> 32) - 1) % 50);
    cr_assert(tp < tq || (tp == tq && p < q), "entries %u,%u out of key order", i - 1, i);
  }
  g_array_unref(a);
}

Test(scheduler, order_key_independent_of_insertion_order_heap)
{
  order_independent(SIM_QUEUE_HEAP);
}

Test(scheduler, order_key_independent_of_insertion_order_ladder)
{
  order_independent(SIM_QUEUE_LADDER);
}

Test(scheduler, heap_and_ladder_agree)
{
  GArray *a = run_interleaving(SIM_QUEUE_HEAP, 99);
  GArray *b = run_interleaving(SIM_QUEUE_LADDER, 99);
  cr_assert_eq(a->len, b->len);
  cr_assert(memcmp(a->data, b->data, a->len * sizeof(uint64_t)) == 0);
  g_array_unref(a);
  g_array_unref(b);
}

Test(scheduler, sequence_wraps_in_serial_order)
{
  /* an origin whose 32-bit sequence wraps keeps FIFO order at one time */
  SimContext *ctx = sim_context_new(NULL);
  SimEntity e;
  sim_entity_init(ctx, &e);
  e.seq = UINT32_MAX - 2;
  Log log = { g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
  for (uint64_t i = 0; i < 6; i++)
    sim_schedule_at(ctx, SIM_US(1), &e, record, &log, SIM_ARG_U64(i));
  sim_run(ctx);
  for (uint64_t i = 0; i < 6; i++)
    cr_assert_eq(g_array_index(log.log, uint64_t, i), i);
  g_array_unref(log.log);
  sim_context_free(ctx);
}
