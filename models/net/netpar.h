/* netpar.h - a network run over several MPI ranks (docs/parallel.md).
 *
 * Built with ./configure --with-mpi; without it these functions do not
 * exist. Every rank builds the same network from the same scenario, takes
 * the same partition, and attaches: from then on a rank runs the events
 * of its own nodes (and of their interfaces, neighbour discovery,
 * applications), and the links between ranks carry their packets as
 * messages (link.c). After the run, sim_net_par_gather() brings every
 * rank's results to rank 0, whose network then reads as if it had run the
 * whole simulation alone: the writers of results.c need nothing else.
 */
#ifndef IPESIM_NETPAR_H
#define IPESIM_NETPAR_H

#include "net.h"
#include "partition.h"
#include "simpar.h"

G_BEGIN_DECLS

typedef struct _SimNetPar SimNetPar;

/**
 * sim_net_par_attach:
 * Collective. @part must have as many ranks as MPI_COMM_WORLD and at least
 * one cut link (a network on one rank needs no attaching). Pending events
 * of other ranks' entities are dropped from this rank's context.
 */
SIM_API SimNetPar *sim_net_par_attach(SimNet *net, const SimPartition *part, GError **error);
SIM_API void sim_net_par_free(SimNetPar *np);
SIM_API SimPar *sim_net_par_engine(const SimNetPar *np);

/* Collective: runs every rank up to @end (sim_par_run_until()). */
SIM_API SimRunResult sim_net_par_run_until(SimNetPar *np, SimTime end);

/**
 * sim_net_par_gather:
 * Collective, after the run. Counters that any rank may have touched
 * (drops per node, interface, flow and SID, SRv6 counters, the network's
 * totals, events, packets still live) are summed into rank 0; what only
 * the owner of a node keeps (interface statistics, a flow's source and
 * sink parts, pings) is copied from the owner. Other ranks' networks are
 * left as they were.
 */
SIM_API void sim_net_par_gather(SimNetPar *np);

G_END_DECLS

#endif /* IPESIM_NETPAR_H */
