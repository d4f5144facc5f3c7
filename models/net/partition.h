/* partition.h - splitting a network over ranks for a parallel run.
 *
 * A partition gives every node a rank. Nodes interact only through links
 * of positive delay (DESIGN.md rule 4), so a link between two ranks is
 * where events cross, and the smallest delay of such a cut link is the
 * lookahead of conservative synchronisation: a rank may run that far
 * ahead of the others' clocks.
 *
 * sim_net_partition() is automatic and deterministic, and looks for the
 * largest lookahead that keeps the ranks balanced: node weights are 1
 * plus the node's degree; for a threshold T (the link delays, longest
 * first, then 0), links shorter than T join their nodes into groups that
 * stay on one rank; the groups are ordered by breadth-first search from a
 * peripheral group and the order is cut into @ranks bands of equal weight
 * (or, when coarse groups make bands uneven, heaviest group first onto the
 * lightest rank); one pass moves boundary groups where that cuts fewer
 * links within 5 % balance. The first T whose split is within 15 % of the
 * mean weight wins (docs/parallel.md).
 */
#ifndef IPESIM_PARTITION_H
#define IPESIM_PARTITION_H

#include "net.h"

G_BEGIN_DECLS

#define SIM_PARTITION_ERROR (sim_partition_error_quark())
typedef enum {
  SIM_PARTITION_ERROR_RANKS /* no ranks, or more ranks than nodes */
} SimPartitionError;

SIM_API GQuark sim_partition_error_quark(void);

typedef struct _SimPartition SimPartition;

/**
 * sim_net_partition:
 * @net: a built network
 * @ranks: number of ranks, >= 1
 * @error: SIM_PARTITION_ERROR_RANKS
 * Returns: (transfer full) (nullable): the partition, NULL with @error.
 */
SIM_API SimPartition *sim_net_partition(SimNet *net, uint32_t ranks, GError **error);
/**
 * sim_partition_new_given:
 * @node_rank: (array): the rank of every node, < @ranks
 * A partition the user chose; every rank must hold a node.
 */
SIM_API SimPartition *sim_partition_new_given(SimNet *net, uint32_t ranks,
                                              const uint32_t *node_rank, GError **error);
SIM_API void sim_partition_free(SimPartition *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPartition, sim_partition_free)

SIM_API uint32_t sim_partition_n_ranks(const SimPartition *p);
/* The rank of node @node (its index). */
SIM_API uint32_t sim_partition_rank(const SimPartition *p, uint32_t node);
/* Nodes and total weight on @rank. */
SIM_API uint32_t sim_partition_rank_nodes(const SimPartition *p, uint32_t rank);
SIM_API uint64_t sim_partition_rank_weight(const SimPartition *p, uint32_t rank);
/* Links whose ends are on different ranks. */
SIM_API uint32_t sim_partition_n_cut(const SimPartition *p);
/* The smallest delay of a cut link (SIM_TIME_MAX without cut links) and
 * that link (NULL without). */
SIM_API SimTime sim_partition_lookahead(const SimPartition *p);
SIM_API SimLink *sim_partition_lookahead_link(const SimPartition *p);
/* Largest rank weight over the mean (1.0 is perfect balance). */
SIM_API double sim_partition_imbalance(const SimPartition *p);

/* One line: `N ranks: nodes A/B/..., weight imbalance X, C cut links,
 * lookahead T (link L)`. (transfer full) */
SIM_API char *sim_partition_describe(const SimPartition *p);

G_END_DECLS

#endif /* IPESIM_PARTITION_H */
