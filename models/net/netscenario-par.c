/* netscenario-par.c - a scenario's run over several MPI ranks.
 *
 * Every rank builds the whole network from the scenario (setup is
 * deterministic, DESIGN.md rule 3), computes the same partition
 * (partition.c) and attaches to the parallel engine (netpar.c). What a
 * parallel run does not carry yet is refused here with the reason, before
 * any event runs: packet captures, time series and queue samples (they
 * read every node at once), slicing (its NRP queues keep results per
 * class) and neighbour discovery (its per-node state is not gathered).
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "netscenario-private.h"
#include "netpar.h"
#include "nd.h"

static gboolean
check_supported(SimNetRun *run, GError **error)
{
  const char *what = NULL;
  if (run->captures->len > 0)
    what = "packet captures (--pcap)";
  else if (run->timeseries)
    what = "time series ([output] sample)";
  else if (run->queue_sampler)
    what = "queue samples ([output] queue_sample)";
  else if (run->slicing)
    what = "slices and NRPs";
  for (uint32_t i = 0; !what && i < sim_net_n_nodes(run->net); i++) {
    SimIp6 *ip = sim_ip6_of(sim_net_node(run->net, i));
    if (ip && sim_nd_of(ip))
      what = "neighbour discovery (nd or slaac on a node)";
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
