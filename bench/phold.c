/* bench/phold - the PHOLD benchmark on the ipesim engine.
 *
 *   bench/phold --lps N --end T [--seed S] [--remote R] [--lookahead L]
 *               [--mean M] [--queue heap|ladder]
 *
 * Defaults give workload W3 of shared/anchors/README.md (remote 1.0,
 * lookahead 0.1, mean 1.1, i.e. delay 0.1 + Exp(1.0)); --remote 0.25
 * --lookahead 1 --mean 1 gives W1, --remote 0.25 --lookahead 0.1 --mean 1
 * W2 (ROSS's meanings). Events at time >= T are not executed.
 *
 * Prints on stdout exactly one line
 *   events E seconds S events_per_s R peak_rss_kb M
 * where S is the wall time of the run phase; details (set-up time, CPU
 * time, bytes per pending event) go to stderr.
 */
#include "config.h"

#include "bench-util.h"
#include "phold.h"
#include "simcontext.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
  gint64 lps = 1000;
  double end = 100.0;
  gint64 seed = 1;
  double remote = 1.0, lookahead = 0.1, mean = 1.1;
  char *queue = NULL;
  gboolean trace = FALSE;
  GOptionEntry entries[] = {
    { "lps", 'n', 0, G_OPTION_ARG_INT64, &lps, "number of logical processes", "N" },
    { "end", 'e', 0, G_OPTION_ARG_DOUBLE, &end, "simulated end time (time units)", "T" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed", "S" },
    { "remote", 0, 0, G_OPTION_ARG_DOUBLE, &remote, "probability of a remote destination", "R" },
    { "lookahead", 0, 0, G_OPTION_ARG_DOUBLE, &lookahead, "minimum delay", "L" },
    { "mean", 0, 0, G_OPTION_ARG_DOUBLE, &mean, "mean total delay", "M" },
    { "queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "event queue: heap or ladder", "Q" },
    { "trace-hash", 0, 0, G_OPTION_ARG_NONE, &trace, "print the event-trace hash", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("- PHOLD benchmark");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error)) {
    fprintf(stderr, "phold: %s\n", error->message);
    return 2;
  }
  int kind = queue ? sim_queue_kind_from_name(queue) : SIM_QUEUE_HEAP;
  if (kind < 0 || lps < 1 || lps > UINT32_MAX / 2 || !(end > 0) || seed < 0 ||
      seed > UINT32_MAX) {
    fprintf(stderr, "phold: bad arguments (see --help)\n");
    return 2;
  }
  g_free(queue);

  double t0 = bench_wall_seconds();
  SimContextConfig cfg = { (SimQueueKind)kind, (uint32_t)seed, 0 };
  g_autoptr(SimContext) ctx = sim_context_new(&cfg);
  sim_context_set_trace_hash(ctx, trace);
  SimPholdConfig pc = { (uint32_t)lps, remote, lookahead, mean };
  g_autoptr(SimPhold) ph = sim_phold_new(ctx, &pc, &error);
  if (!ph) {
    fprintf(stderr, "phold: %s\n", error->message);
    return 2;
  }
  size_t pending = sim_events_pending(ctx);
  size_t ev_mem = sim_context_event_memory(ctx);
  double t1 = bench_wall_seconds(), c1 = bench_cpu_seconds();
  sim_run_until(ctx, sim_time_from_seconds(end));
  double t2 = bench_wall_seconds(), c2 = bench_cpu_seconds();
  size_t ev_mem_end = sim_context_event_memory(ctx);

  uint64_t events = sim_events_executed(ctx);
  double run = t2 - t1;
  printf("events %" G_GUINT64_FORMAT " seconds %.4f events_per_s %.0f peak_rss_kb %ld\n", events,
         run, (double)events / run, bench_peak_rss_kb());
  fprintf(stderr,
          "queue %s lps %" G_GINT64_FORMAT " end %g setup_seconds %.4f run_cpu_seconds %.4f "
          "events_per_cpu_s %.0f pending %zu event_bytes_per_pending %.1f expected %.0f\n",
          sim_queue_kind_name((SimQueueKind)kind), lps, end, t1 - t0, c2 - c1,
          (double)events / (c2 - c1), pending, (double)MAX(ev_mem, ev_mem_end) / (double)pending,
          (double)lps * end / mean);
  if (trace)
    fprintf(stderr, "trace_hash %016" G_GINT64_MODIFIER "x\n", sim_context_trace_hash(ctx));
  return 0;
}
