/* bench/queue - event queue designs side by side.
 *
 *   bench/queue [--events N] [--sizes 1000,100000] [--seed S]
 *
 * For each queue kind, pending-event population and workload, runs the
 * classic hold model through the real engine (schedule, pop, dispatch):
 * every executed event schedules one new event after a delay drawn from
 * the workload's distribution, so the population stays constant.
 * Workloads:
 *   exp      delay Exp(1 us)                                   (PHOLD-like)
 *   network  one of 840 ns, 10.84 us, 100 us with equal odds: serialisation,
 *            propagation + serialisation, application interval
 *   timers   like network, and every event also arms a 1 ms timeout that
 *            is cancelled by the next event of the same source (TCP-like
 *            retransmission timers: one cancel per event)
 * Prints one line per case: workload pending queue events_per_s.
 */
#include "config.h"

#include "bench-util.h"
#include "simcontext.h"
#include "simrng.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { W_EXP, W_NETWORK, W_TIMERS, W_N } Workload;
static const char *const workload_names[W_N] = { "exp", "network", "timers" };

typedef struct {
  SimEntity ent;
  SimRng rng;
  SimEventHandle timer;
  Workload w;
} Source;

static void
timeout(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  (void)obj;
  (void)arg;
}

static void
hold(SimContext *ctx, void *obj, SimEventArg arg)
{
  Source *s = obj;
  SimTime d;
  if (s->w == W_EXP) {
    d = (SimTime)(1e6 * sim_rng_exp1(&s->rng)) + 1;
  } else {
    static const SimTime choices[3] = { SIM_PS(840000), SIM_PS(10840000), SIM_US(100) };
    d = choices[sim_rng_below(&s->rng, 3)];
  }
  if (s->w == W_TIMERS) {
    sim_cancel(ctx, &s->timer);
    s->timer = sim_schedule(ctx, SIM_MS(1), &s->ent, timeout, s, SIM_ARG_NONE);
  }
  sim_schedule(ctx, d, &s->ent, hold, s, arg);
}

static double
run_case(SimQueueKind kind, Workload w, uint32_t pending, uint64_t n_events, uint32_t seed)
{
  SimContextConfig cfg = { kind, seed, 0 };
  SimContext *ctx = sim_context_new(&cfg);
  Source *src = g_new0(Source, pending);
  for (uint32_t i = 0; i < pending; i++) {
    sim_entity_init(ctx, &src[i].ent);
    sim_rng_init_entity(&src[i].rng, ctx, &src[i].ent, 0);
    src[i].w = w;
    src[i].timer = SIM_EVENT_HANDLE_NONE;
  }
  for (uint32_t i = 0; i < pending; i++)
    sim_schedule(ctx, (SimTime)sim_rng_below(&src[i].rng, 1000000), &src[i].ent, hold, &src[i],
                 SIM_ARG_NONE);
  double t0 = bench_cpu_seconds();
  uint64_t target = sim_events_executed(ctx) + n_events;
  while (sim_events_executed(ctx) < target)
    sim_run_until(ctx, sim_now(ctx) + SIM_US(100));
  double t1 = bench_cpu_seconds();
  uint64_t done = sim_events_executed(ctx);
  sim_context_free(ctx);
  g_free(src);
  return (double)done / (t1 - t0);
}

int
main(int argc, char **argv)
{
  gint64 events = 5000000, seed = 1;
  char *sizes = NULL;
  GOptionEntry entries[] = {
    { "events", 'n', 0, G_OPTION_ARG_INT64, &events, "events per case", "N" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "pending populations (comma list)", "LIST" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed", "S" },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("- event queue comparison");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error)) {
    fprintf(stderr, "queue: %s\n", error->message);
    return 2;
  }
  g_auto(GStrv) list = g_strsplit(sizes ? sizes : "1000,100000", ",", -1);
  g_free(sizes);
  printf("workload pending queue events_per_s\n");
  for (Workload w = 0; w < W_N; w++)
    for (char **s = list; *s; s++) {
      uint32_t pending = (uint32_t)g_ascii_strtoull(*s, NULL, 10);
      if (pending == 0)
        continue;
      for (int k = 0; k < SIM_QUEUE_N; k++) {
        double rate = run_case((SimQueueKind)k, w, pending, (uint64_t)events, (uint32_t)seed);
        printf("%s %u %s %.0f\n", workload_names[w], pending, sim_queue_kind_name((SimQueueKind)k),
               rate);
        fflush(stdout);
      }
    }
  return 0;
}
