/* netscenario-par.c - a scenario's run over several MPI ranks.
 *
 * Every rank builds the whole network from the scenario (setup is
 * deterministic, DESIGN.md rule 3), computes the same partition
 * (partition.c) and attaches to the parallel engine (netpar.c). What a
 * parallel run does not carry yet is refused here with the reason, before
 * any event runs: SLAAC (a flow to an autoconfiguring host reads that
 * host's current address, another node's state). Time series and queue samples are recorded on every rank
 * (each sees its own nodes; the others' read zero) and summed on rank 0.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "netscenario-private.h"
#include "netpar.h"
#include "net-private.h"
#include "nd.h"
#include "nd-private.h"

#include <string.h>

static gboolean
check_supported(SimNetRun *run, GError **error)
{
  const char *what = NULL;
  for (uint32_t i = 0; !what && i < sim_net_n_nodes(run->net); i++) {
    SimIp6 *ip = sim_ip6_of(sim_net_node(run->net, i));
    SimNd *nd = ip ? sim_nd_of(ip) : NULL;
    /* a flow to an autoconfiguring host reads the host's address when it
     * sends: a look at another node's state that only a shared memory
     * gives */
    if (nd && nd->slaac)
      what = "stateless address autoconfiguration (autoconf = true on a host)";
  }
  if (what) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: %s cannot run over several ranks yet; run it without mpirun",
                sim_scenario_name(run->sc), what);
    return FALSE;
  }
  return TRUE;
}

SimNetPar *
sim_net_run_parallel(SimNetRun *run, char **description, GError **error)
{
  g_return_val_if_fail(run != NULL, NULL);
  if (!check_supported(run, error))
    return NULL;
  int ranks = sim_par_world_size();
  g_autoptr(SimPartition) part = sim_net_run_partition(run, (uint32_t)ranks, error);
  if (!part)
    return NULL;
  SimNetPar *np = sim_net_par_attach(run->net, part, error);
  if (!np)
    return NULL;
  if (sim_par_sync(sim_net_par_engine(np)) == SIM_PAR_NULL_MESSAGES &&
      sim__ts_samples_in_flight(run->timeseries)) {
    /* a packet between ranks is, for a while, in neither rank's memory
     * nor in a window's exchange: only windows count it exactly */
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "%s: the time series of net.all.in_flight needs window synchronisation "
                "(IPESIM_PAR_SYNC=null chooses null messages)", sim_scenario_name(run->sc));
    sim_net_par_free(np);
    return NULL;
  }
  sim__ts_record(run->timeseries);
  sim__qs_record(run);
  g_autofree char *desc = sim_partition_describe(part);
  char t[SIM_TIME_FORMAT_SIZE];
  g_autofree char *ranks_s = g_strdup_printf("%d", ranks);
  sim_net_run_add_manifest(run, "ranks", ranks_s);
  sim_net_run_add_manifest(run, "partition", desc);
  sim_net_run_add_manifest(run, "lookahead", sim_time_format(sim_partition_lookahead(part), t));
  if (description)
    *description = g_steal_pointer(&desc);
  return np;
}

gboolean
sim_net_run_par_captures(SimNetRun *run, SimNetPar *np, GError **error)
{
  g_return_val_if_fail(run != NULL && np != NULL, FALSE);
  SimPar *par = sim_net_par_engine(np);
  int rank = sim_par_rank(par);
  SimNet *net = run->net;
  /* every rank closes its files; the others send those of their nodes */
  gboolean ok = TRUE;
  GByteArray *mine = g_byte_array_new();
  for (guint i = 0; i < run->captures->len; i++) {
    Capture *c = &g_array_index(run->captures, Capture, i);
    if (c->w) {
      GError *e = NULL;
      if (!sim_pcap_writer_close(c->w, &e) && ok) {
        g_propagate_error(error, e);
        ok = FALSE;
      } else if (e) {
        g_error_free(e);
      }
      c->w = NULL;
      sim_iface_set_pcap(c->ifc, NULL);
    }
    if (rank == 0 || !ok || net->node_rank[sim_node_index(sim_iface_node(c->ifc))] != rank)
      continue;
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(c->path, &data, &len, error)) {
      ok = FALSE;
      continue;
    }
    uint32_t head[2] = { i, (uint32_t)len };
    g_byte_array_append(mine, (const guint8 *)head, sizeof head);
    g_byte_array_append(mine, (const guint8 *)data, (guint)len);
    g_free(data);
  }
  GPtrArray *parts = NULL;
  sim_par_gather_bytes(par, mine->data, mine->len, &parts);
  g_byte_array_unref(mine);
  if (rank != 0)
    return ok;
  for (guint r = 1; r < parts->len && ok; r++) {
    gsize len = 0;
    const uint8_t *d = g_bytes_get_data(parts->pdata[r], &len);
    size_t off = 0;
    while (ok && off + 8 <= len) {
      uint32_t head[2];
      memcpy(head, d + off, sizeof head);
      off += sizeof head;
      g_assert(head[0] < run->captures->len && head[1] <= len - off);
      Capture *c = &g_array_index(run->captures, Capture, head[0]);
      ok = g_file_set_contents(c->path, (const char *)d + off, head[1], error);
      off += head[1];
    }
  }
  g_ptr_array_unref(parts);
  return ok;
}

void
sim_net_run_par_gather(SimNetRun *run, SimNetPar *np)
{
  g_return_if_fail(run != NULL && np != NULL);
  SimPar *par = sim_net_par_engine(np);
  /* samples first: gathering changes rank 0's counters */
  sim__ts_end_sample(run);
  size_t n = 0;
  uint64_t *v = sim__ts_recorded(run->timeseries, &n);
  sim_par_sum_u64(par, v, n);
  v = sim__qs_recorded(run, &n);
  sim_par_sum_u64(par, v, n);
  sim_net_par_gather(np);
}
