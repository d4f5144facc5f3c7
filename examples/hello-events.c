/* hello-events.c - the engine from research code, in a few lines.
 *
 * Two "nodes" play ping-pong over a link with 5 us of delay; a periodic
 * hook samples the number of exchanges every 100 us without touching the
 * event order. Build against an installed ipesim with
 *     cc hello-events.c $(pkg-config --cflags --libs ipesim)
 */
#include <ipesim/ipesim.h>

#include <stdio.h>

typedef struct {
  SimEntity ent; /* gives the node an id, an event order and random streams */
  SimRng rng;
  unsigned received;
  const char *name;
} Node;

static void
on_ball(SimContext *ctx, void *obj, SimEventArg arg)
{
  Node *self = obj;
  Node *peer = arg.ptr;
  self->received++;
  /* answer after the link delay plus a random think time of mean 1 us */
  SimTime think = sim_time_from_seconds(sim_rng_exponential(&self->rng, 1e-6));
  sim_schedule(ctx, SIM_US(5) + think, &self->ent, on_ball, peer, SIM_ARG_PTR(self));
}

static void
sample(SimContext *ctx, SimTime now, void *data)
{
  (void)ctx;
  Node *nodes = data;
  char t[SIM_TIME_FORMAT_SIZE];
  printf("%8s  %s %u  %s %u\n", sim_time_format(now, t), nodes[0].name, nodes[0].received,
         nodes[1].name, nodes[1].received);
}

int
main(void)
{
  SimContextConfig cfg = SIM_CONTEXT_CONFIG_DEFAULT;
  cfg.seed = 42;
  SimContext *ctx = sim_context_new(&cfg);

  Node nodes[2] = { { .name = "alice" }, { .name = "bob" } };
  for (int i = 0; i < 2; i++) {
    sim_entity_init(ctx, &nodes[i].ent);
    sim_rng_init_entity(&nodes[i].rng, ctx, &nodes[i].ent, 0);
  }
  /* alice serves first: the ball reaches bob after 5 us */
  sim_schedule(ctx, SIM_US(5), &nodes[0].ent, on_ball, &nodes[1], SIM_ARG_PTR(&nodes[0]));
  sim_hook_add(ctx, SIM_US(100), SIM_US(100), sample, nodes, NULL);

  SimTime end;
  if (!sim_time_parse("500us", &end, NULL))
    return 1;
  sim_run_until(ctx, end);

  unsigned total = nodes[0].received + nodes[1].received;
  printf("%u exchanges, %" G_GUINT64_FORMAT " events\n", total, sim_events_executed(ctx));
  int ok = total == sim_events_executed(ctx) && total > 50;
  sim_context_free(ctx);
  return ok ? 0 : 1;
}
