/* qdisc.c - the queue-discipline base and the drop-tail FIFO.
 *
 * The FIFO links packets through their intrusive next pointer: enqueue and
 * dequeue are O(1) and allocate nothing. Limits in packets and/or bytes
 * (0 = none in that unit); an arrival that would exceed either is dropped
 * as queue_full.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "net-private.h"
#include "simpacket-private.h"

SimQdisc *
sim_qdisc_new(const SimQdiscClass *klass)
{
  g_return_val_if_fail(klass != NULL && klass->instance_size >= sizeof(SimQdisc), NULL);
  SimQdisc *q = g_malloc0(klass->instance_size);
  q->klass = klass;
  return q;
}

void
sim_qdisc_free(SimQdisc *q)
{
  if (!q)
    return;
  SimPacket *p;
  while ((p = q->klass->dequeue(q, SIM_TIME_MAX - 1)) != NULL)
    sim_packet_free(p);
  if (q->klass->finalize)
    q->klass->finalize(q);
  g_free(q);
}

void
sim_qdisc_drop(SimQdisc *q, SimPacket *p, SimDropReason reason)
{
  if (q->iface)
    sim_node_drop(q->iface->node, q->iface, p, reason);
  else
    sim_packet_free(p);
}

typedef struct {
  SimQdisc base;
  uint32_t max_packets;
  uint64_t max_bytes;
  SimPacket *head, *tail;
} DropTail;

static void
droptail_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  (void)now;
  DropTail *d = (DropTail *)q;
  size_t len = sim__packet_length(p);
  if ((d->max_packets && q->n_packets + 1 > d->max_packets) ||
      (d->max_bytes && q->n_bytes + len > d->max_bytes)) {
    sim_qdisc_drop(q, p, SIM_DROP_QUEUE_FULL);
    return;
  }
  sim__packet_set_next(p, NULL);
  if (d->tail)
    sim__packet_set_next(d->tail, p);
  else
    d->head = p;
  d->tail = p;
  q->n_packets++;
  q->n_bytes += len;
}

static SimPacket *
droptail_dequeue(SimQdisc *q, SimTime now)
{
  (void)now;
  DropTail *d = (DropTail *)q;
  SimPacket *p = d->head;
  if (!p)
    return NULL;
  d->head = sim__packet_next(p);
  if (!d->head)
    d->tail = NULL;
  sim__packet_set_next(p, NULL);
  q->n_packets--;
  q->n_bytes -= sim__packet_length(p);
  return p;
}

const SimQdiscClass sim_qdisc_droptail_class = {
  .name = "droptail",
  .instance_size = sizeof(DropTail),
  .enqueue = droptail_enqueue,
  .dequeue = droptail_dequeue,
};

SimQdisc *
sim_qdisc_droptail_new(uint32_t max_packets, uint64_t max_bytes)
{
  SimQdisc *q = sim_qdisc_new(&sim_qdisc_droptail_class);
  DropTail *d = (DropTail *)q;
  d->max_packets = max_packets;
  d->max_bytes = max_bytes;
  return q;
}
