/* net-private.h - structures of the network models, shared by the model
 * modules of the library (never installed). */
#ifndef IPESIM_NET_PRIVATE_H
#define IPESIM_NET_PRIVATE_H

#include "net.h"
#include "qdisc.h"

struct _SimNet {
  SimContext *ctx;
  SimPacketPool *pool;
  GPtrArray *nodes; /* SimNode*, owned */
  GPtrArray *links; /* SimLink*, owned */
  GHashTable *node_by_name;
  SimNetCounters counters;
  uint64_t next_trace_id;
  uint64_t route_generation;
  SimTime stop_time;
  GArray *flow_drops; /* uint64_t per flow id - 1 */
  /* parallel runs (netpar.c): this rank's engine and the rank of each node */
  void *par;           /* SimPar, NULL in a sequential run */
  uint16_t *node_rank; /* NULL in a sequential run */
  uint16_t rank;
  uint64_t in_flight_elsewhere; /* rank 0, once gathered: packets live on the others */
  uint64_t events_elsewhere;    /* rank 0, once gathered: events the others ran */
  uint64_t events_repeated;     /* events every rank runs (up and down of a link between
                                 * ranks), counted here but not on the link's first rank */
  void *slots[SIM_NET_SLOT_N];
  GDestroyNotify slot_destroy[SIM_NET_SLOT_N];
};

struct _SimNode {
  SimEntity ent;
  SimNet *net;
  uint32_t index;
  bool forwarding;
  bool is_switch; /* an Ethernet learning switch: frames go to switch.c */
  GPtrArray *ifaces; /* SimIface*, owned by their links */
  SimNodeRecvFunc recv;
  void *slots[SIM_NODE_SLOT_N]; /* in the first line with recv: every packet reads both */
  SimNodeRecvFunc recv4;
  char *name;
  uint64_t drops[SIM_DROP_N];
  GDestroyNotify slot_destroy[SIM_NODE_SLOT_N];
};

/* Fields in the order of the per-packet path (a large network's
 * interfaces are not in cache): the first line holds what sending a
 * packet reads, the second what its arrival reads. Allocated on a cache
 * line. */
struct _SimIface {
  SimEntity ent; /* origin of the events of this sending direction */
  SimNode *node;
  SimIface *peer;
  SimQdisc *qdisc;
  SimTime busy_until;
  SimTime delay;
  uint64_t rate_bps;
  uint32_t mtu;
  uint32_t overhead; /* framing bytes on the wire */
  /* second line */
  SimFraming framing;
  uint32_t epoch;   /* bumped when the link goes down: stale arrivals ignored */
  bool tx_scheduled; /* a transmit-complete event is pending */
  bool up;
  bool lossy;       /* the link's loss model can lose packets */
  bool ge_bad;
  uint32_t index; /* in node->ifaces */
  int32_t remote; /* parallel runs: the peer's rank when it is another, else -1 */
  SimPacket *wire_head, *wire_tail; /* packets propagating to the peer, in order */
  uint32_t wire_count;
  SimPcapWriter *pcap;
  SimLink *link;
  SimIfaceStats stats;
  /* loss */
  SimRng rng;
  char name[16];
  /* Ethernet */
  uint8_t mac[6];
  GArray *mcast; /* joined multicast MACs (uint64_t keys), NULL if none */
};

struct _SimLink {
  SimNet *net;
  uint32_t index;
  char *name;
  SimLinkConfig cfg;
  SimIface *end[2];
  bool up;
  SimEntity ent; /* origin of up/down events */
};

/* Packets in flight during the run: sim_net_in_flight() plus, in a
 * parallel run, those sent to other ranks since the last exchange. */
uint64_t sim__net_in_flight_now(const SimNet *net);

/* Ethernet (ether.c) */
uint64_t sim__mac_key(const uint8_t mac[6]);
/* TRUE if a frame arriving on @rx should be taken in (unicast to it,
 * broadcast, or a joined multicast group). */
bool sim__ether_accepts(const SimIface *rx, const uint8_t *dst);
void sim__switch_recv(SimNode *node, SimIface *iface, SimPacket *p);

/* Parallel runs (link.c): a packet that crossed from another rank, as
 * that rank's link end sent it (a SimParRecvFunc; @user is the net). */
void sim__link_remote_recv(SimContext *ctx, void *user, SimTime at, SimEntityId origin,
                           uint32_t seq, uint32_t channel, const uint8_t *data, size_t len);

#endif /* IPESIM_NET_PRIVATE_H */
