/* qdisc.h - queue disciplines behind an interface.
 *
 * An interface hands every packet it cannot put on the wire at once to its
 * qdisc and asks the qdisc for the next packet when the line frees up. A
 * qdisc is a class table (SimQdiscClass) plus an instance whose first
 * member is SimQdisc; new disciplines (priority, DRR, WFQ, shapers) plug in
 * through this table without touching links.
 *
 * Ownership: enqueue always takes the packet. A discipline that refuses a
 * packet (or evicts another one, e.g. head drop or RED) drops it through
 * sim_qdisc_drop(), which counts the reason at the interface and node.
 */
#ifndef IPESIM_QDISC_H
#define IPESIM_QDISC_H

#include "net.h"

G_BEGIN_DECLS

typedef struct _SimQdiscClass SimQdiscClass;

struct _SimQdisc {
  const SimQdiscClass *klass;
  SimIface *iface;     /* set when attached */
  uint32_t n_packets;  /* packets held (maintained by the class) */
  uint64_t n_bytes;    /* bytes held */
};

struct _SimQdiscClass {
  const char *name; /* "droptail", ... */
  size_t instance_size;
  /* Takes @p: queues it or drops it (or another packet) via sim_qdisc_drop(). */
  void (*enqueue)(SimQdisc *q, SimPacket *p, SimTime now);
  /* Next packet to send, or NULL if none may be sent now. */
  SimPacket *(*dequeue)(SimQdisc *q, SimTime now);
  /* may be NULL: earliest time at which dequeue() can return a packet when
   * it just returned NULL with packets held (shapers); SIM_TIME_MAX if
   * never without a new arrival. */
  SimTime (*next_ready)(SimQdisc *q, SimTime now);
  /* may be NULL: frees class state; held packets are freed by the caller
   * through dequeue() first. */
  void (*finalize)(SimQdisc *q);
};

/* Allocates an instance of @klass (zeroed, klass set). */
SIM_API SimQdisc *sim_qdisc_new(const SimQdiscClass *klass);
/* Frees held packets (without counting them) and the instance. */
SIM_API void sim_qdisc_free(SimQdisc *q);

/* Drops @p from @q's interface for @reason. */
SIM_API void sim_qdisc_drop(SimQdisc *q, SimPacket *p, SimDropReason reason);

/* ---- drop-tail FIFO ----------------------------------------------------- */

SIM_API extern const SimQdiscClass sim_qdisc_droptail_class;

/* A FIFO that drops arrivals beyond @max_packets or @max_bytes (0 = no
 * limit in that unit). */
SIM_API SimQdisc *sim_qdisc_droptail_new(uint32_t max_packets, uint64_t max_bytes);

/* Replaces @iface's queue discipline (the old one must be empty). */
SIM_API void sim_iface_set_qdisc(SimIface *iface, SimQdisc *q);
SIM_API SimQdisc *sim_iface_qdisc(const SimIface *iface);

G_END_DECLS

#endif /* IPESIM_QDISC_H */
