/* test-phold.c - PHOLD as the engine's determinism and memory check.
 *
 * Same seed: same event-trace hash, with either queue; another seed: a
 * different hash; two contexts in two threads: the same hashes as one after
 * the other (no shared state). Also the model's event count and the
 * memory per pending event. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "phold.h"
#include "simcontext.h"

typedef struct {
  SimQueueKind kind;
  uint32_t seed;
  uint32_t lps;
  double end;
  uint64_t hash;
  uint64_t events;
} Run;

static void
run_phold(Run *r)
{
  SimContextConfig cfg = { r->kind, r->seed, 0 };
  SimContext *ctx = sim_context_new(&cfg);
  sim_context_set_trace_hash(ctx, TRUE);
  SimPholdConfig pc = SIM_PHOLD_W3;
  pc.n_lps = r->lps;
  GError *error = NULL;
  SimPhold *ph = sim_phold_new(ctx, &pc, &error);
  cr_assert_not_null(ph, "%s", error ? error->message : "");
  sim_run_until(ctx, sim_time_from_seconds(r->end));
  r->hash = sim_context_trace_hash(ctx);
  r->events = sim_events_executed(ctx);
  cr_assert_eq(r->events, sim_phold_events(ph));
  sim_phold_free(ph);
  sim_context_free(ctx);
}

Test(determinism, same_seed_same_trace)
{
  Run a = { SIM_QUEUE_HEAP, 5, 500, 50, 0, 0 }, b = a;
  run_phold(&a);
  run_phold(&b);
  cr_assert_eq(a.hash, b.hash, "%016" PRIx64 " vs %016" PRIx64, a.hash, b.hash);
  cr_assert_eq(a.events, b.events);
  /* about N * end / 1.1 events */
  cr_assert_float_eq((double)a.events, 500 * 50 / 1.1, 0.03 * 500 * 50 / 1.1, "%" PRIu64,
                     a.events);
}

Test(determinism, other_seed_other_trace)
{
  Run a = { SIM_QUEUE_HEAP, 5, 500, 50, 0, 0 }, b = a;
  b.seed = 6;
  run_phold(&a);
  run_phold(&b);
  cr_assert_neq(a.hash, b.hash);
}

Test(determinism, queues_give_the_same_trace)
{
  Run a = { SIM_QUEUE_HEAP, 3, 2000, 20, 0, 0 }, b = a;
  b.kind = SIM_QUEUE_LADDER;
  run_phold(&a);
  run_phold(&b);
  cr_assert_eq(a.hash, b.hash, "heap %016" PRIx64 " vs ladder %016" PRIx64, a.hash, b.hash);
  cr_assert_eq(a.events, b.events);
}

static gpointer
thread_main(gpointer data)
{
  run_phold(data);
  return NULL;
}

Test(determinism, two_threads_match_sequential)
{
  Run seq[2] = { { SIM_QUEUE_HEAP, 8, 1000, 30, 0, 0 }, { SIM_QUEUE_LADDER, 9, 1000, 30, 0, 0 } };
  Run par[2] = { seq[0], seq[1] };
  run_phold(&seq[0]);
  run_phold(&seq[1]);
  GThread *t0 = g_thread_new("phold-0", thread_main, &par[0]);
  GThread *t1 = g_thread_new("phold-1", thread_main, &par[1]);
  g_thread_join(t0);
  g_thread_join(t1);
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(seq[i].hash, par[i].hash, "run %d: threaded %016" PRIx64 " vs %016" PRIx64, i,
                 par[i].hash, seq[i].hash);
    cr_assert_eq(seq[i].events, par[i].events);
  }
}

Test(phold, remote_zero_stays_local)
{
  SimContext *ctx = sim_context_new(NULL);
  SimPholdConfig pc = { 10, 0.0, 1.0, 1.0 }; /* fixed delay 1, never remote */
  SimPhold *ph = sim_phold_new(ctx, &pc, NULL);
  sim_run_until(ctx, sim_time_from_seconds(10.5));
  /* each LP: events at 1, 2, ..., 10 */
  for (uint32_t i = 0; i < 10; i++)
    cr_assert_eq(sim_phold_lp_events(ph, i), 10, "LP %u ran %" PRIu64, i,
                 sim_phold_lp_events(ph, i));
  sim_phold_free(ph);
  sim_context_free(ctx);
}

Test(phold, rejects_bad_config)
{
  SimContext *ctx = sim_context_new(NULL);
  const SimPholdConfig bad[] = {
    { 0, 1.0, 0.1, 1.1 }, { 10, 1.5, 0.1, 1.1 }, { 10, 1.0, 0.5, 0.1 }, { 10, 1.0, -1, 1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    cr_assert_null(sim_phold_new(ctx, &bad[i], &error), "case %zu accepted", i);
    cr_assert(g_error_matches(error, SIM_PHOLD_ERROR, SIM_PHOLD_ERROR_CONFIG));
    g_error_free(error);
  }
  sim_context_free(ctx);
}

Test(memory, at_most_64_bytes_per_pending_event)
{
  for (int k = 0; k < SIM_QUEUE_N; k++) {
    SimContextConfig cfg = { (SimQueueKind)k, 1, 0 };
    SimContext *ctx = sim_context_new(&cfg);
    SimPholdConfig pc = SIM_PHOLD_W3;
    pc.n_lps = 100000;
    SimPhold *ph = sim_phold_new(ctx, &pc, NULL);
    sim_run_until(ctx, sim_time_from_seconds(3));
    double per = (double)sim_context_event_memory(ctx) / (double)sim_events_pending(ctx);
    cr_assert_leq(per, 64.0, "%s: %.1f bytes per pending event",
                  sim_queue_kind_name((SimQueueKind)k), per);
    sim_phold_free(ph);
    sim_context_free(ctx);
  }
}
