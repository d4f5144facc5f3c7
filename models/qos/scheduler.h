/* scheduler.h - class-based queue disciplines: strict priority, DRR, WFQ.
 *
 * Each discipline sorts arrivals into classes (a SimClassifier, or a
 * classify callback; by default everything goes to the last class) and
 * every class holds a child SimQdisc: a drop-tail FIFO by default, or any
 * qdisc, including another scheduler (e.g. DRR per NRP with strict
 * priority inside). A child that holds packets but is not ready (a
 * shaper) is skipped, and the parent's next_ready reports the earliest
 * time a child can send.
 *
 *  - prio: band 0 first; lower bands starve while a higher one is ready.
 *  - drr:  deficit round robin (Shreedhar & Varghese, 1995), a quantum in
 *          bytes per class, O(1) per packet when quanta >= the MTU.
 *  - wfq:  self-clocked fair queueing (Golestani, 1994): virtual finish
 *          tags per class head, a binary heap of classes, O(log classes).
 *
 * Counters are kept per class (SimQosClassStats). Drops are made through
 * sim_qdisc_drop() at the interface the scheduler is attached to (children
 * drop there too), so every packet stays accounted for.
 */
#ifndef IPESIM_QOS_SCHEDULER_H
#define IPESIM_QOS_SCHEDULER_H

#include "classifier.h"
#include "qdisc.h"

G_BEGIN_DECLS

/* Class of @p (values >= the number of classes go to the last class). */
typedef uint32_t (*SimQosClassifyFunc)(const SimPacket *p, void *data);

/**
 * SimQosClassStats:
 * @enq_packets, @enq_bytes: arrivals accepted into the class
 * @sent_packets, @sent_bytes: handed to the parent / the line
 * @drops: arrivals the scheduler refused, by reason (class limit:
 *   SIM_DROP_QUEUE_FULL)
 * @child_drops: packets the child qdisc dropped itself (at the interface,
 *   with the child's reason)
 * @backlog_packets, @backlog_bytes: held now
 * Invariant: enq_packets = sent_packets + child_drops + backlog_packets.
 */
typedef struct {
  uint64_t enq_packets, enq_bytes;
  uint64_t sent_packets, sent_bytes;
  uint64_t drops[SIM_DROP_N];
  uint64_t child_drops;
  uint32_t backlog_packets;
  uint64_t backlog_bytes;
} SimQosClassStats;

SIM_API extern const SimQdiscClass sim_qos_prio_class;
SIM_API extern const SimQdiscClass sim_qos_drr_class;
SIM_API extern const SimQdiscClass sim_qos_wfq_class;

/* Returns: (transfer full): a strict-priority scheduler of @n_bands
 * (1..1024) unlimited drop-tail bands. */
SIM_API SimQdisc *sim_qos_prio_new(uint32_t n_bands);
/* Returns: (transfer full): DRR over @n_classes classes, @quanta[i] bytes
 * (> 0) per round for class i. */
SIM_API SimQdisc *sim_qos_drr_new(uint32_t n_classes, const uint32_t *quanta);
/* Returns: (transfer full): WFQ over @n_classes classes of @weights (> 0). */
SIM_API SimQdisc *sim_qos_wfq_new(uint32_t n_classes, const uint32_t *weights);

/* TRUE if @q is one of the schedulers above. */
SIM_API gboolean sim_qos_sched_is(const SimQdisc *q);
SIM_API uint32_t sim_qos_sched_n_classes(const SimQdisc *q);
/* Classifies with @c (transfer full; replaces any previous one). */
SIM_API void sim_qos_sched_set_classifier(SimQdisc *q, SimClassifier *c);
/* Classifies with @func(@p, @data) instead. */
SIM_API void sim_qos_sched_set_classify_func(SimQdisc *q, SimQosClassifyFunc func, void *data);
/* Replaces class @klass's child by @child (transfer full); the class must
 * be empty. */
SIM_API void sim_qos_sched_set_child(SimQdisc *q, uint32_t klass, SimQdisc *child);
/* (transfer none) */
SIM_API SimQdisc *sim_qos_sched_child(const SimQdisc *q, uint32_t klass);
/* Arrivals beyond @max_packets held in class @klass (0 = no limit) are
 * dropped as queue_full before they reach the child. */
SIM_API void sim_qos_sched_set_limit(SimQdisc *q, uint32_t klass, uint32_t max_packets);
/* A name for class @klass in results (interned; NULL: none, the class
 * number is used). */
SIM_API void sim_qos_sched_set_class_name(SimQdisc *q, uint32_t klass, const char *name);
SIM_API const char *sim_qos_sched_class_name(const SimQdisc *q, uint32_t klass);
/* Copies class @klass's counters into @out; FALSE if there is no such class. */
SIM_API gboolean sim_qos_sched_get_stats(const SimQdisc *q, uint32_t klass, SimQosClassStats *out);

G_END_DECLS

#endif /* IPESIM_QOS_SCHEDULER_H */
