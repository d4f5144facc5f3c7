/* qos-private.h - QoS declarations shared inside the library, never
 * installed. */
#ifndef IPESIM_QOS_PRIVATE_H
#define IPESIM_QOS_PRIVATE_H

#include "simregistry.h"

G_BEGIN_DECLS

/* Registers the scenario types qdisc.prio, qdisc.drr and qdisc.wfq; called
 * by sim_net_registry_new(). */
gboolean sim__qos_register_schedulers(SimRegistry *reg, GError **error);

/* Parallel runs: appends a pointer to every uint64_t counter of the
 * classes of @q (a class-based scheduler; nothing otherwise) to @slots,
 * in class order. They only grow, and are zero on ranks that do not own
 * the interface, so their sums over the ranks are the whole run's. */
void sim__qos_sched_collect_counters(struct _SimQdisc *q, GPtrArray *slots);

G_END_DECLS

#endif /* IPESIM_QOS_PRIVATE_H */
