/* custom-app.c - a new application type from research code, named in a
 * scenario file like the built-in ones.
 *
 * "app.burst" sends `count` UDP datagrams back to back every `period` from
 * the source node, and counts them on the destination with a UDP socket of
 * its own. The program registers the type, loads examples/custom-app.ini
 * (argv[1], or $top_srcdir/examples/custom-app.ini), builds and runs it and
 * checks that every datagram was sent, arrived or was dropped, and that the
 * last datagram of a burst waited for the whole burst to be serialised:
 * max one-way delay = count x serialisation + propagation.
 */
#include <ipesim/ipesim.h>

#include <stdio.h>
#include <stdlib.h>

#define SCENARIO "examples/custom-app.ini" /* under the source tree */

/* The class extends SimAppClass (first member, whose first member is the
 * SimTypeInfo): create() finds it again through sim_params_type_info(), so
 * the instances are reachable from main() without global state. */
typedef struct {
  SimAppClass base;
  GPtrArray *apps; /* Burst*, owned */
} BurstClass;

typedef struct {
  SimEntity ent; /* orders its events, keys its random streams */
  SimNet *net;
  SimUdpSocket *tx, *rx; /* on the source and on the destination */
  SimIp6Addr dst;
  uint16_t port;
  uint32_t size;
  uint64_t count, flow_id, sent, received;
  SimTime period, delay_min, delay_max;
} Burst;

static const SimParamSpec burst_params[] = {
  { "count", SIM_PARAM_UINT, "10", "datagrams per burst", NULL, SIM_PARAM_RANGE(1, 100000) },
  { "period", SIM_PARAM_TIME, "1ms", "time between bursts", NULL, SIM_PARAM_AT_LEAST(1) },
  { "size", SIM_PARAM_SIZE, "1000B", "UDP payload bytes", NULL, SIM_PARAM_RANGE(1, 1400) },
  { "port", SIM_PARAM_UINT, "7000", "destination port", NULL, SIM_PARAM_RANGE(1, 65535) },
};

static void
burst_tick(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)arg;
  Burst *b = obj;
  SimTime now = sim_now(ctx);
  for (uint64_t i = 0; i < b->count; i++) {
    /* virtual payload; flow id, sequence and send time travel as metadata */
    SimPacket *p = sim_packet_new(sim_net_pool(b->net), SIM_PACKET_DEFAULT_HEADROOM, 0, b->size);
    SimPacketMeta *m = sim_packet_meta(p);
    m->flow_id = b->flow_id; /* drops are counted per flow */
    m->created = now;
    m->seq = b->sent++;
    sim_net_packet_created(b->net, p);
    sim_udp_sendto(b->tx, p, &b->dst, b->port, NULL); /* queued behind the previous ones */
  }
  if (now + b->period < sim_net_stop_time(b->net))
    sim_schedule(ctx, b->period, &b->ent, burst_tick, b, SIM_ARG_NONE);
}

static void
burst_recv(SimUdpSocket *sock, SimPacket *p, const SimIp6Addr *src, uint16_t sport,
           const SimIp6Header *h, void *data)
{
  (void)sock, (void)src, (void)sport, (void)h;
  Burst *b = data;
  SimTime delay = sim_now(sim_net_context(b->net)) - sim_packet_meta(p)->created;
  b->delay_min = b->received == 0 ? delay : MIN(b->delay_min, delay);
  b->delay_max = MAX(b->delay_max, delay);
  b->received++;
  sim_net_packet_delivered(b->net, p); /* consumed: counted and freed */
}

static gboolean
burst_create(SimNet *net, const char *name, SimNode *src, SimNode *dst, const SimIp6Addr *dst_addr,
             const SimParams *params, GError **error)
{
  const BurstClass *cls = (const BurstClass *)sim_params_type_info(params);
  if (!dst_addr)
    dst_addr = sim_ip6_primary_address(sim_ip6_of(dst));
  Burst *b = g_new0(Burst, 1);
  g_ptr_array_add(cls->apps, b);
  b->net = net;
  b->dst = *dst_addr;
  b->port = (uint16_t)sim_params_get_uint(params, "port");
  b->size = (uint32_t)sim_params_get_size(params, "size");
  b->count = sim_params_get_uint(params, "count");
  b->period = sim_params_get_time(params, "period");
  b->tx = sim_udp_bind(sim_ip6_of(src), 0, NULL, NULL, error);
  b->rx = b->tx ? sim_udp_bind(sim_ip6_of(dst), b->port, burst_recv, b, error) : NULL;
  if (!b->rx)
    return FALSE;
  b->flow_id = sim_net_flow_id_new(net);
  sim_entity_init(sim_net_context(net), &b->ent);
  sim_schedule_at(sim_net_context(net), 0, &b->ent, burst_tick, b, SIM_ARG_NONE);
  printf("%s: app.burst of %" G_GUINT64_FORMAT " x %uB from %s to %s\n", name, b->count, b->size,
         sim_node_name(src), sim_node_name(dst));
  return TRUE;
}

int
main(int argc, char **argv)
{
  const char *top = getenv("top_srcdir"); /* set by make check */
  g_autofree char *path =
    argc > 1 ? g_strdup(argv[1]) : g_strconcat(top ? top : ".", "/" SCENARIO, NULL);
  BurstClass cls = {
    .base = { .info = { .name = "app.burst", .kind = "app",
                        .summary = "[flow NAME] app = burst: datagrams back to back, periodically",
                        .params = burst_params, .n_params = G_N_ELEMENTS(burst_params) },
              .create = burst_create },
    .apps = g_ptr_array_new_with_free_func(g_free),
  };
  GError *error = NULL;
  SimRegistry *reg = sim_net_registry_new();
  SimScenario *sc = NULL;
  SimNetRun *run = NULL;
  int ok = 0;
  if (!sim_net_registry_add_app(reg, &cls.base, &error) ||
      !(sc = sim_scenario_load(path, &error)) || !(run = sim_net_build(sc, reg, NULL, &error)) ||
      !sim_scenario_check_unused(sc, &error))
    goto out;
  sim_run_until(sim_net_run_context(run), sim_net_run_end(run));

  SimNet *net = sim_net_run_net(run);
  /* the scenario's only link: a frame's serialisation and propagation */
  const SimLinkConfig *lc = sim_link_config(sim_net_link(net, 0));
  ok = cls.apps->len > 0;
  for (guint i = 0; i < cls.apps->len; i++) {
    Burst *b = cls.apps->pdata[i];
    uint64_t bits = (b->size + 8 + SIM_IP6_HEADER_LEN + sim_framing_overhead(lc->framing)) * 8;
    SimTime ser = (SimTime)((bits * UINT64_C(1000000000000) + lc->rate_bps - 1) / lc->rate_bps);
    uint64_t bursts = (uint64_t)((sim_net_stop_time(net) + b->period - 1) / b->period);
    uint64_t drops = sim_net_flow_drops(net, b->flow_id);
    printf("sent %" G_GUINT64_FORMAT " in %" G_GUINT64_FORMAT " bursts, received %" G_GUINT64_FORMAT
           ", dropped %" G_GUINT64_FORMAT ", one-way delay %.3f..%.3f us\n",
           b->sent, bursts, b->received, drops, (double)b->delay_min * 1e-6,
           (double)b->delay_max * 1e-6);
    ok = ok && b->sent == bursts * b->count && b->received + drops == b->sent &&
         b->received > 0 && b->delay_min == ser + lc->delay &&
         b->delay_max == (SimTime)b->count * ser + lc->delay;
  }
  ok = ok && sim_net_check_conservation(net, &error);

out:
  if (error)
    fprintf(stderr, "custom-app: %s\n", error->message);
  g_clear_error(&error);
  sim_net_run_free(run);
  sim_scenario_free(sc);
  sim_registry_free(reg);
  g_ptr_array_unref(cls.apps);
  return ok ? 0 : 1;
}
