/* qos-private.h - QoS declarations shared inside the library, never
 * installed. */
#ifndef IPESIM_QOS_PRIVATE_H
#define IPESIM_QOS_PRIVATE_H

#include "simregistry.h"

G_BEGIN_DECLS

/* Registers the scenario types qdisc.prio, qdisc.drr and qdisc.wfq; called
 * by sim_net_registry_new(). */
gboolean sim__qos_register_schedulers(SimRegistry *reg, GError **error);

G_END_DECLS

#endif /* IPESIM_QOS_PRIVATE_H */
