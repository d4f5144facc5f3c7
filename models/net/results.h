/* results.h - result tables of a network run, as tidy CSV.
 *
 * sim_net_write_results() writes into a folder:
 *   flows.csv    one row per flow: packets, bytes, loss, delay statistics,
 *                jitter, throughput
 *   delay_cdf.csv per flow, the delay distribution (histogram bucket edges)
 *   pings.csv    one row per ping: sent, received, round-trip statistics
 *   links.csv    one row per link direction: utilisation, packets, queue
 *   drops.csv    one row per (node, interface, reason) with a count > 0
 *   summary.csv  one row: events, times, packet accounting, memory
 * Every file is written atomically (temporary file, then rename); the
 * columns are documented in docs/results.md.
 */
#ifndef IPESIM_RESULTS_H
#define IPESIM_RESULTS_H

#include "net.h"

G_BEGIN_DECLS

/* What the caller measured about the run itself. */
typedef struct {
  double wall_seconds; /* of the run phase */
  SimTime sim_time;    /* simulated time covered */
  long peak_rss_kb;    /* -1 if unknown */
} SimRunInfo;

SIM_API gboolean sim_net_write_results(SimNet *net, const char *dir, const SimRunInfo *info,
                                       GError **error);

G_END_DECLS

#endif /* IPESIM_RESULTS_H */
