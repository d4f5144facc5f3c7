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
  void *slots[SIM_NET_SLOT_N];
  GDestroyNotify slot_destroy[SIM_NET_SLOT_N];
};

struct _SimNode {
  SimEntity ent;
  SimNet *net;
  uint32_t index;
  bool forwarding;
  bool is_switch; /* an Ethernet learning switch: frames go to switch.c */
  char *name;
  GPtrArray *ifaces; /* SimIface*, owned by their links */
  SimNodeRecvFunc recv;
  SimNodeRecvFunc recv4;
  uint64_t drops[SIM_DROP_N];
  void *slots[SIM_NODE_SLOT_N];
  GDestroyNotify slot_destroy[SIM_NODE_SLOT_N];
};

struct _SimIface {
  SimEntity ent; /* origin of the events of this sending direction */
  SimNode *node;
  SimLink *link;
  SimIface *peer;
  uint32_t index; /* in node->ifaces */
  char name[16];
  /* sending direction */
  uint64_t rate_bps;
  SimTime delay;
  uint32_t mtu;
  uint32_t overhead; /* framing bytes on the wire */
  SimFraming framing;
  SimQdisc *qdisc;
  SimTime busy_until;
  bool tx_scheduled; /* a transmit-complete event is pending */
  bool up;
  uint32_t epoch;   /* bumped when the link goes down: stale arrivals ignored */
  SimPacket *wire_head, *wire_tail; /* packets propagating to the peer, in order */
  uint32_t wire_count;
  /* loss */
  SimRng rng;
  bool ge_bad;
  SimIfaceStats stats;
  SimPcapWriter *pcap;
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

/* Ethernet (ether.c) */
uint64_t sim__mac_key(const uint8_t mac[6]);
/* TRUE if a frame arriving on @rx should be taken in (unicast to it,
 * broadcast, or a joined multicast group). */
bool sim__ether_accepts(const SimIface *rx, const uint8_t *dst);
void sim__switch_recv(SimNode *node, SimIface *iface, SimPacket *p);

#endif /* IPESIM_NET_PRIVATE_H */
