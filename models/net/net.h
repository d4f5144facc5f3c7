/* net.h - networks of nodes, interfaces and point-to-point links.
 *
 * A SimNet lives on one SimContext and owns the nodes, links and packet
 * pool of a simulation. Nodes hold interfaces; a point-to-point link joins
 * two interfaces full-duplex. Each interface sends through its queue
 * discipline onto its direction of the link: serialisation takes exactly
 * (frame bytes x 8 / rate) rounded up to the picosecond, then the packet
 * propagates for the link delay and arrives at the peer interface.
 *
 * Accounting (DESIGN.md rule 6): every packet created in the network is,
 * at any time, delivered, dropped with a named reason (counted per node
 * and per interface), or in flight (held by a queue, a wire or a pending
 * event): sim_net_check_conservation() verifies created = delivered +
 * dropped + in flight.
 */
#ifndef IPESIM_NET_H
#define IPESIM_NET_H

#include "ip6addr.h"
#include "simcontext.h"
#include "simpacket.h"
#include "simpcap.h"
#include "simrng.h"
#include "simstats.h"

G_BEGIN_DECLS

typedef struct _SimNet SimNet;
typedef struct _SimNode SimNode;
typedef struct _SimIface SimIface;
typedef struct _SimLink SimLink;
typedef struct _SimQdisc SimQdisc;

/* Drop reasons: one X-macro list generates the enum, the names used in
 * drops.csv and the counters. */
#define SIM_DROP_REASONS(X)                                                                    \
  X(QUEUE_FULL, "queue_full")         /* the interface's queue refused it */                  \
  X(LINK_LOSS, "link_loss")           /* lost on the wire (loss model) */                      \
  X(LINK_DOWN, "link_down")           /* sent on, or in flight over, a link that is down */    \
  X(NO_ROUTE, "no_route")             /* no FIB entry for the destination */                   \
  X(HOP_LIMIT, "hop_limit")           /* hop limit exhausted at a router */                    \
  X(TOO_BIG, "too_big")               /* larger than the egress MTU (routers never fragment) */ \
  X(BAD_HEADER, "bad_header")         /* malformed or truncated IPv6 header */                 \
  X(BAD_LENGTH, "bad_length")         /* payload length inconsistent with the frame */         \
  X(UNKNOWN_NEXT_HEADER, "unknown_next_header")                                                \
  X(NOT_FORWARDING, "not_forwarding") /* a host received a packet for another node */          \
  X(BAD_CHECKSUM, "bad_checksum")     /* transport checksum wrong or missing */                \
  X(BAD_TRANSPORT, "bad_transport")   /* truncated or inconsistent UDP/ICMPv6 header */        \
  X(PORT_UNREACHABLE, "port_unreachable")                                                      \
  X(ADDRESS_UNREACHABLE, "address_unreachable")                                                \
  X(BAD_OPTION, "bad_option")         /* an option whose type says discard (RFC 8200 §4.2) */    \
  X(ROUTING_HEADER, "routing_header") /* type 0 or unknown routing header, segments left */ \
  X(EXT_HEADER_LIMIT, "ext_header_limit") /* more extension headers than the node walks */   \
  X(BAD_FRAGMENT, "bad_fragment")     /* fragment length or offset invalid (RFC 8200 §4.5) */  \
  X(INCOMPLETE_CHAIN, "incomplete_chain") /* first fragment without the header chain (RFC 7112) */ \
  X(FRAGMENT_OVERLAP, "fragment_overlap") /* overlapping fragments: datagram dropped (RFC 5722) */ \
  X(DUPLICATE_FRAGMENT, "duplicate_fragment")                                                   \
  X(REASSEMBLY_TIMEOUT, "reassembly_timeout") /* incomplete after 60 s */                    \
  X(REASSEMBLY_MEMORY, "reassembly_memory") /* the node's reassembly buffer is full */        \
  X(L2_FILTERED, "l2_filtered")       /* an Ethernet frame not for this interface */          \
  X(BAD_ND, "bad_nd")                 /* Neighbor Discovery message failing validation */     \
  X(ND_QUEUE_FULL, "nd_queue_full")   /* too many packets waiting for address resolution */   \
  X(POLICY, "policy")                 /* no handler or a configured filter refused it */     \
  X(LOOP, "loop")                     /* resubmitted too often within one node */             \
  X(SRH_INVALID, "srh_invalid")       /* malformed SRH (RFC 8754 §4.3.1.1) */                  \
  X(SRV6_UPPER_LAYER, "srv6_upper_layer") /* SID reached with an upper layer it refuses (RFC 8986 §4.1.1) */ \
  X(SRV6_SEGMENTS_LEFT, "srv6_segments_left") /* Segments Left not 0 at a decapsulating SID */ \
  X(SRV6_INGRESS, "srv6_ingress")     /* SR domain ingress filter (RFC 8754 §5.1) */           \
  X(SRV6_HMAC, "srv6_hmac")           /* HMAC TLV missing or not verified (RFC 8754 §2.1.2) */ \
  X(SRV6_NO_IPV4, "srv6_no_ipv4")     /* an IPv4 packet where IPv4 is not configured */     \
  X(NO_IPV4, "no_ipv4")               /* IPv4 at a node or on a link that does not carry it */ \
  X(POLICE, "police")                 /* a policer dropped it for its colour (RFC 2697/2698) */ \
  X(RED_EARLY, "red_early")           /* RED early (probabilistic) drop */                     \
  X(RED_FORCED, "red_forced")         /* RED average queue above max_th (2 max_th if gentle) */

typedef enum {
#define SIM_DROP_ENUM(id, name) SIM_DROP_##id,
  SIM_DROP_REASONS(SIM_DROP_ENUM)
#undef SIM_DROP_ENUM
    SIM_DROP_N
} SimDropReason;

SIM_API const char *sim_drop_reason_name(SimDropReason reason);
/* -1 if unknown */
SIM_API int sim_drop_reason_from_name(const char *name);

/* Link-layer framing of a point-to-point link: what is added to every IPv6
 * packet on the wire, and what pcap files show. */
typedef enum {
  SIM_FRAMING_NONE,     /* raw IPv6: no overhead; pcap LINKTYPE_IPV6 */
  SIM_FRAMING_PPP,      /* 2-byte PPP protocol field (0x0057), as ns-3's point-to-point */
  SIM_FRAMING_ETHERNET, /* Ethernet II: a real 14-byte header; + 4 FCS + 8 preamble/SFD + 12 gap */
  SIM_FRAMING_N
} SimFraming;

SIM_API const char *sim_framing_name(SimFraming f);
SIM_API int sim_framing_from_name(const char *name);
/* Bytes added on the wire per packet beyond its bytes (serialisation
 * overhead; an Ethernet frame carries its header as bytes). */
SIM_API uint32_t sim_framing_overhead(SimFraming f);

#define SIM_NET_ERROR (sim_net_error_quark())
typedef enum {
  SIM_NET_ERROR_INVALID, /* bad configuration */
  SIM_NET_ERROR_EXISTS,  /* duplicate name, port in use */
  SIM_NET_ERROR_ACCOUNTING
} SimNetError;
SIM_API GQuark sim_net_error_quark(void);

/* ---- network ------------------------------------------------------------ */

SIM_API SimNet *sim_net_new(SimContext *ctx);
/* Frees nodes, links, applications' packets and the pool. */
SIM_API void sim_net_free(SimNet *net);
SIM_API SimContext *sim_net_context(const SimNet *net);
SIM_API SimPacketPool *sim_net_pool(const SimNet *net);

SIM_API uint32_t sim_net_n_nodes(const SimNet *net);
SIM_API SimNode *sim_net_node(const SimNet *net, uint32_t index);
/* NULL if no node has that name. */
SIM_API SimNode *sim_net_find_node(const SimNet *net, const char *name);
SIM_API uint32_t sim_net_n_links(const SimNet *net);
SIM_API SimLink *sim_net_link(const SimNet *net, uint32_t index);

/* Packet accounting. */
typedef struct {
  uint64_t created;   /* packets created by applications and the stack */
  uint64_t delivered; /* consumed by an application or the stack */
  uint64_t dropped;   /* all drop reasons */
  uint64_t drops[SIM_DROP_N];
  uint64_t packet_hops; /* link traversals completed (arrivals at a peer) */
} SimNetCounters;

SIM_API const SimNetCounters *sim_net_counters(const SimNet *net);
/* Events executed by the network's context, and in a parallel run once
 * gathered (rank 0), by every rank. */
SIM_API uint64_t sim_net_events_total(const SimNet *net);
/* Packets in queues, on wires and in pending events. */
SIM_API uint64_t sim_net_in_flight(const SimNet *net);
/* TRUE if created == delivered + dropped + in flight; else FALSE with the
 * numbers in @error. */
SIM_API gboolean sim_net_check_conservation(const SimNet *net, GError **error);

/* Flow identifiers (1, 2, ...) for SimPacketMeta.flow_id: drops of a
 * flow's packets are counted per flow as well. */
SIM_API uint64_t sim_net_flow_id_new(SimNet *net);
SIM_API uint64_t sim_net_flow_drops(const SimNet *net, uint64_t flow_id);

/* Time at which applications stop sending (the scenario's duration);
 * SIM_TIME_MAX (the default) = never. */
SIM_API void sim_net_set_stop_time(SimNet *net, SimTime t);
SIM_API SimTime sim_net_stop_time(const SimNet *net);

/* Marks a packet created by the model (applications, ICMP): counted in
 * `created`, its meta.trace_id set. Call once per new packet. */
SIM_API void sim_net_packet_created(SimNet *net, SimPacket *p);
/* Consumes a packet: counted as delivered, freed. */
SIM_API void sim_net_packet_delivered(SimNet *net, SimPacket *p);

/* ---- nodes -------------------------------------------------------------- */

/**
 * sim_node_new:
 * @name: unique in @net
 * @forwarding: TRUE for a router (forwards packets not addressed to it)
 * Returns: (transfer none): the node, or NULL with @error if the name is
 *   taken.
 */
SIM_API SimNode *sim_node_new(SimNet *net, const char *name, gboolean forwarding, GError **error);
SIM_API const char *sim_node_name(const SimNode *node);
SIM_API uint32_t sim_node_index(const SimNode *node);
SIM_API SimNet *sim_node_net(const SimNode *node);
SIM_API SimEntity *sim_node_entity(SimNode *node);
SIM_API gboolean sim_node_is_forwarding(const SimNode *node);
SIM_API uint32_t sim_node_n_ifaces(const SimNode *node);
SIM_API SimIface *sim_node_iface(const SimNode *node, uint32_t index);
/* Counted drops at this node by reason (all interfaces and the stack). */
SIM_API uint64_t sim_node_drops(const SimNode *node, SimDropReason reason);

/**
 * sim_node_drop:
 * Drops @p at @node (and @iface, nullable) for @reason: counts it and frees
 * it. Every drop in the models goes through here.
 */
SIM_API void sim_node_drop(SimNode *node, SimIface *iface, SimPacket *p, SimDropReason reason);

/* ---- interfaces and links ------------------------------------------------ */

typedef struct {
  uint64_t rate_bps;  /* > 0 */
  SimTime delay;      /* propagation delay, > 0 */
  uint32_t mtu;       /* IPv6 MTU in bytes, >= 1280 */
  SimFraming framing;
  /* queue of each direction: drop-tail limits (0 = unlimited in that unit;
   * not both 0) */
  uint32_t queue_packets;
  uint64_t queue_bytes;
  /* loss on the wire, per direction */
  double loss;      /* Bernoulli loss probability, or Gilbert-Elliott: */
  double ge_p;      /* P(good -> bad) per packet (0 = no GE model) */
  double ge_r;      /* P(bad -> good) per packet */
  double ge_loss_bad;  /* loss probability in the bad state */
  double ge_loss_good; /* loss probability in the good state */
} SimLinkConfig;

/* 10 Gbit/s, 10 us, MTU 1500, PPP framing, 1000 packets, no loss. */
SIM_API void sim_link_config_init(SimLinkConfig *cfg);

/**
 * sim_link_new:
 * Joins @a and @b with a new full-duplex point-to-point link; each node
 * gets a new interface. Returns: (transfer none): the link, or NULL with
 * @error on a bad configuration (named after the link in the message).
 */
SIM_API SimLink *sim_link_new(SimNet *net, SimNode *a, SimNode *b, const SimLinkConfig *cfg,
                              const char *name, GError **error);
SIM_API const char *sim_link_name(const SimLink *link);
SIM_API uint32_t sim_link_index(const SimLink *link);
/* End 0 belongs to node a, end 1 to node b. */
SIM_API SimIface *sim_link_end(const SimLink *link, unsigned end);
SIM_API const SimLinkConfig *sim_link_config(const SimLink *link);

/* Takes the link down (or up) at @at: packets on the wire when it goes
 * down are dropped as link_down, and nothing is sent while down. */
SIM_API void sim_link_schedule_state(SimLink *link, SimTime at, gboolean up);
SIM_API gboolean sim_link_is_up(const SimLink *link);

SIM_API SimNode *sim_iface_node(const SimIface *iface);
SIM_API SimIface *sim_iface_peer(const SimIface *iface);
SIM_API SimLink *sim_iface_link(const SimIface *iface);
SIM_API uint32_t sim_iface_index(const SimIface *iface);
/* "eth0", "eth1", ... in creation order on the node. */
SIM_API const char *sim_iface_name(const SimIface *iface);
SIM_API uint32_t sim_iface_mtu(const SimIface *iface);
/* Sets the IPv6 MTU of the interface's sending direction (e.g. from a
 * Router Advertisement's MTU option), >= 1280. */
SIM_API void sim_iface_set_mtu(SimIface *iface, uint32_t mtu);
SIM_API uint64_t sim_iface_rate(const SimIface *iface);

/**
 * sim_iface_send:
 * Hands a complete IPv6 packet to the interface: transmitted at once if
 * the line is idle, else queued (or dropped as queue_full).
 */
SIM_API void sim_iface_send(SimIface *iface, SimPacket *p);

/* Per-interface counters (the sending direction of the link). */
typedef struct {
  uint64_t tx_packets, tx_bytes; /* started on the wire */
  uint64_t rx_packets, rx_bytes; /* arrived from the peer */
  uint64_t drops[SIM_DROP_N];
  SimTime busy;           /* time spent serialising */
  SimTimeAverage qlen;    /* queue length in packets over time */
  uint32_t qlen_max;
} SimIfaceStats;

SIM_API const SimIfaceStats *sim_iface_stats(const SimIface *iface);
/* Time spent serialising up to now: stats.busy without the part of the
 * frame on the line that is still to come. */
SIM_API SimTime sim_iface_busy_now(const SimIface *iface);
SIM_API uint32_t sim_iface_queue_length(const SimIface *iface);

/**
 * sim_iface_set_pcap:
 * Records every packet this interface sends and receives into @w (owned
 * by the caller, closed after the run). The link type must match the
 * link's framing (see sim_framing_pcap_linktype(): Ethernet links are
 * captured with Ethernet II headers, the others as raw IPv6).
 */
SIM_API void sim_iface_set_pcap(SimIface *iface, SimPcapWriter *w);
SIM_API SimPcapLinkType sim_framing_pcap_linktype(SimFraming f);

/* ---- Ethernet ------------------------------------------------------------ *
 * On links with Ethernet framing packets carry a real Ethernet II header
 * (destination, source, EtherType 0x86DD); the receiving interface takes a
 * frame addressed to its MAC, to the broadcast address or to a multicast
 * MAC it has joined, and hands the IPv6 packet up without the header. On
 * the wire a frame occupies max(60, length) bytes + FCS 4 + preamble 8 +
 * inter-frame gap 12. */

#define SIM_ETH_HEADER_LEN 14
#define SIM_ETHERTYPE_IPV6 0x86dd
#define SIM_ETHERTYPE_IPV4 0x0800

/* Interface MACs default to 02:NN:NN:NN:II:II (locally administered: node
 * and interface index). */
SIM_API const uint8_t *sim_iface_mac(const SimIface *iface);
SIM_API void sim_iface_set_mac(SimIface *iface, const uint8_t mac[6]);
SIM_API gboolean sim_iface_is_ethernet(const SimIface *iface);
/* TRUE when the interface is on a multi-access segment (its link leads to
 * a switch): neighbours must be found with Neighbor Discovery. */
SIM_API gboolean sim_iface_is_multiaccess(const SimIface *iface);
/* Multicast MACs the interface listens to (e.g. 33:33:00:00:00:01). */
SIM_API void sim_iface_join_mac(SimIface *iface, const uint8_t mac[6]);
SIM_API void sim_iface_leave_mac(SimIface *iface, const uint8_t mac[6]);
/* The RFC 2464 §7 MAC of an IPv6 multicast address: 33:33 + its last 32 bits. */
SIM_API void sim_ether_multicast_mac(const uint8_t ip6_group[16], uint8_t mac[6]);

/**
 * sim_iface_send_ether:
 * Sends the IPv6 packet @p in an Ethernet II frame to @dst_mac (pushes
 * the header). Only on Ethernet links.
 */
SIM_API void sim_iface_send_ether(SimIface *iface, SimPacket *p, const uint8_t dst_mac[6]);
/* The same with another EtherType (e.g. SIM_ETHERTYPE_IPV4). */
SIM_API void sim_iface_send_ether_type(SimIface *iface, SimPacket *p, const uint8_t dst_mac[6],
                                       uint16_t ethertype);

/**
 * sim_switch_new:
 * An Ethernet learning switch (IEEE 802.1D transparent bridging): it
 * learns source MACs per port (aging after 300 s), forwards a frame to the
 * port of its destination, floods unknown, broadcast and multicast
 * destinations to every other port. Its links must use Ethernet framing.
 */
SIM_API SimNode *sim_switch_new(SimNet *net, const char *name, GError **error);
SIM_API gboolean sim_node_is_switch(const SimNode *node);

/* Upper-layer receive hook of a node: the IPv6 layer installs itself here. */
typedef void (*SimNodeRecvFunc)(SimNode *node, SimIface *iface, SimPacket *p);
SIM_API void sim_node_set_recv(SimNode *node, SimNodeRecvFunc fn);
/* The same for IPv4 packets (EtherType 0x0800, or version 4 on raw
 * links): the IPv4 layer installs itself here; without it they are
 * dropped as no_ipv4. */
SIM_API void sim_node_set_recv4(SimNode *node, SimNodeRecvFunc fn);

/* Per-node protocol state slots for the layers above (IPv6 stack, UDP,
 * applications), so that models find their state without lookups. */
typedef enum {
  SIM_NODE_SLOT_IP6,
  SIM_NODE_SLOT_UDP,
  SIM_NODE_SLOT_L2, /* switch state */
  SIM_NODE_SLOT_ND, /* Neighbor Discovery */
  SIM_NODE_SLOT_SRV6,
  SIM_NODE_SLOT_IP4,
  SIM_NODE_SLOT_N
} SimNodeSlot;
SIM_API void *sim_node_slot(const SimNode *node, SimNodeSlot slot);
SIM_API void sim_node_set_slot(SimNode *node, SimNodeSlot slot, void *data, GDestroyNotify destroy);

/* Network-wide state slots for protocol modules (e.g. the IPv6 route
 * resolver), freed with the network. */
typedef enum {
  SIM_NET_SLOT_IP6,
  SIM_NET_SLOT_FLOWS,
  SIM_NET_SLOT_ROUTING,
  SIM_NET_SLOT_SRV6,
  SIM_NET_SLOT_SLICING,
  SIM_NET_SLOT_N
} SimNetSlot;
SIM_API void *sim_net_slot(const SimNet *net, SimNetSlot slot);
SIM_API void sim_net_set_slot(SimNet *net, SimNetSlot slot, void *data, GDestroyNotify destroy);

/* Incremented whenever a route changes anywhere: caches of route lookups
 * compare it to stay valid. */
SIM_API uint64_t sim_net_route_generation(const SimNet *net);
SIM_API void sim_net_routes_changed(SimNet *net);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimNet, sim_net_free)

G_END_DECLS

#endif /* IPESIM_NET_H */
