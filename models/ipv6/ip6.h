/* ip6.h - the IPv6 layer of a node (RFC 8200), with ICMPv6 (RFC 4443) and
 * UDP (RFC 768).
 *
 * sim_ip6_install() gives a node an IPv6 stack: addresses, a forwarding
 * table (longest-prefix match, SimFib), input validation, forwarding with
 * hop-limit decrement, local delivery to upper-layer protocols, and the
 * ICMPv6 errors the RFCs ask for. Headers are real bytes in network order.
 */
#ifndef IPESIM_IP6_H
#define IPESIM_IP6_H

#include "fib.h"
#include "ip6addr.h"
#include "net.h"

G_BEGIN_DECLS

#define SIM_IP6_HEADER_LEN 40
#define SIM_IP6_MIN_MTU 1280
#define SIM_IP6_DEFAULT_HOP_LIMIT 64

enum {
  SIM_IPPROTO_HOPOPTS = 0,
  SIM_IPPROTO_TCP = 6,
  SIM_IPPROTO_UDP = 17,
  SIM_IPPROTO_ROUTING = 43,
  SIM_IPPROTO_FRAGMENT = 44,
  SIM_IPPROTO_ICMPV6 = 58,
  SIM_IPPROTO_NONE = 59,
  SIM_IPPROTO_DSTOPTS = 60,
};

/* The fixed header, parsed, and where the receive path found the
 * upper-layer header after the extension headers (header_length = 40 and
 * upper_protocol = next_header without extension headers). */
typedef struct {
  uint8_t traffic_class;
  uint32_t flow_label; /* 20 bits */
  uint16_t payload_length;
  uint8_t next_header;
  uint8_t hop_limit;
  SimIp6Addr src;
  SimIp6Addr dst;
  uint16_t header_length;     /* bytes before the upper-layer header */
  uint8_t upper_protocol;     /* Next Header value naming it */
  uint8_t n_ext;              /* extension headers walked */
  uint16_t next_header_field; /* offset of the field that holds upper_protocol */
} SimIp6Header;

/* Writes @h into 40 bytes at @b. */
SIM_API void sim_ip6_header_write(uint8_t *b, const SimIp6Header *h);
/* Parses 40 bytes at @b (no validation beyond the version). */
SIM_API gboolean sim_ip6_header_read(const uint8_t *b, size_t len, SimIp6Header *h);

/* The 16-bit one's complement sum of the RFC 8200 §8.1 pseudo-header. */
SIM_API uint32_t sim_ip6_pseudo_sum(const SimIp6Addr *src, const SimIp6Addr *dst, uint32_t length,
                                    uint8_t next_header);
/* Adds bytes to a one's complement sum (odd lengths padded with zero). */
SIM_API uint32_t sim_inet_sum(uint32_t sum, const uint8_t *data, size_t len);
/* Folds a sum to the 16-bit checksum field value. */
SIM_API uint16_t sim_inet_fold(uint32_t sum);
/* Checksum of an upper-layer message at the front of @p (real bytes and
 * virtual payload read as zeros), with the pseudo-header. */
SIM_API uint16_t sim_ip6_upper_checksum(const SimPacket *p, const SimIp6Addr *src,
                                        const SimIp6Addr *dst, uint8_t next_header);

typedef struct _SimIp6 SimIp6;

/* Installs the IPv6 stack on @node (once). */
SIM_API SimIp6 *sim_ip6_install(SimNode *node);
/* The node's stack, or NULL. */
SIM_API SimIp6 *sim_ip6_of(const SimNode *node);
SIM_API SimNode *sim_ip6_node(const SimIp6 *ip);
SIM_API SimFib *sim_ip6_fib(const SimIp6 *ip);

/**
 * sim_ip6_add_address:
 * @iface: (nullable): the interface, or NULL for a loopback address
 * @prefix_len: on-link prefix length (e.g. 64, 127; 128 for a loopback)
 * Adds @addr to the node: a local /128 entry in the FIB and, for an
 * interface address with @prefix_len < 128, a connected route for the
 * on-link prefix through @iface.
 */
SIM_API gboolean sim_ip6_add_address(SimIp6 *ip, SimIface *iface, const SimIp6Addr *addr,
                                     unsigned prefix_len, GError **error);
/* Address states (RFC 4862 §5.5.4, RFC 4429 §2.1). Tentative and
 * duplicate addresses neither receive nor send; optimistic and deprecated
 * ones are used only when no preferred one fits. */
typedef enum {
  SIM_IP6_ADDR_PREFERRED,
  SIM_IP6_ADDR_TENTATIVE,
  SIM_IP6_ADDR_DUPLICATE,
  SIM_IP6_ADDR_DEPRECATED,
  SIM_IP6_ADDR_OPTIMISTIC,
  SIM_IP6_ADDR_NONE /* not an address of the node */
} SimIp6AddrState;

SIM_API SimIp6AddrState sim_ip6_address_state(const SimIp6 *ip, const SimIp6Addr *a);
/* The node's @i-th address (0, 1, ... until FALSE): the address, its
 * interface (NULL: loopback) and on-link prefix length. */
SIM_API gboolean sim_ip6_nth_address(const SimIp6 *ip, guint i, SimIp6Addr *addr,
                                     SimIface **iface, unsigned *prefix_len);
/* The first preferred global address of @iface, else its first usable
 * (optimistic or deprecated) one, or NULL. */
SIM_API const SimIp6Addr *sim_ip6_iface_address(const SimIp6 *ip, const SimIface *iface);
/* The node's primary address: its first loopback address, else the first
 * preferred interface address, else the first usable one, or NULL. */
SIM_API const SimIp6Addr *sim_ip6_primary_address(const SimIp6 *ip);
/* TRUE if @a is one of the node's unicast addresses. */
SIM_API gboolean sim_ip6_is_local(const SimIp6 *ip, const SimIp6Addr *a);

/**
 * sim_ip6_route_add:
 * Routes @prefix through the interfaces @out (1 = a plain route, more =
 * equal-cost multipath chosen per flow by a hash of addresses, flow label
 * and ports), replacing an existing route for the same prefix.
 */
SIM_API gboolean sim_ip6_route_add(SimIp6 *ip, const SimIp6Prefix *prefix, SimIface *const *out,
                                   unsigned n_out, GError **error);

/* A route whose next hops are given as neighbour addresses on
 * multi-access links (@gateways[i] for @out[i]; :: = on-link). */
SIM_API gboolean sim_ip6_route_add_via(SimIp6 *ip, const SimIp6Prefix *prefix,
                                       SimIface *const *out, const SimIp6Addr *gateways,
                                       unsigned n_out, GError **error);

/* Removes the route for exactly @prefix. */
SIM_API gboolean sim_ip6_route_remove(SimIp6 *ip, const SimIp6Prefix *prefix);

/* Lazy routes: called on a FIB miss for a packet to @dst; may install a
 * route with sim_ip6_route_add() and return TRUE, or FALSE for "no
 * route". One resolver per network. */
typedef gboolean (*SimIp6ResolveFunc)(SimIp6 *ip, const SimIp6Addr *dst, void *data);
SIM_API void sim_ip6_set_resolver(SimNet *net, SimIp6ResolveFunc fn, void *data);

/**
 * sim_ip6_route_lookup:
 * The egress interface for a packet to @dst with flow hash @hash (only
 * used for multipath), after lazy resolution. NULL: no route; *local set
 * to TRUE when @dst is a local address.
 */
SIM_API SimIface *sim_ip6_route_lookup(SimIp6 *ip, const SimIp6Addr *dst, uint32_t hash,
                                       gboolean *local);

/* Options of sim_ip6_output(). */
typedef struct {
  uint8_t hop_limit; /* 0 = default (64) */
  uint8_t traffic_class;
  uint32_t flow_label;
  SimIface *iface; /* link-scope multicast without a route: send here */
} SimIp6SendOpts;

/**
 * sim_ip6_output:
 * Sends an upper-layer message (at the front of @p) from this node: pushes
 * the IPv6 header (@src NULL = chosen from the egress interface), routes
 * and transmits, or drops with the reason (no_route, too_big: this stack
 * does not fragment).
 */
SIM_API void sim_ip6_output(SimIp6 *ip, SimPacket *p, const SimIp6Addr *src, const SimIp6Addr *dst,
                            uint8_t next_header, const SimIp6SendOpts *opts);

/* Source address for packets to @dst: the egress interface's address,
 * else the primary address. NULL if none. */
SIM_API const SimIp6Addr *sim_ip6_select_source(SimIp6 *ip, const SimIp6Addr *dst);

/* Routing header type 4 (the SRH, RFC 8754) with Segments Left > 0 at a
 * node the packet is addressed to: @p still starts at the IPv6 header and
 * h->header_length is the SRH's offset. The handler owns @p. */
typedef void (*SimIp6SrhFunc)(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h,
                              void *data);
SIM_API void sim_ip6_set_srh_handler(SimIp6 *ip, SimIp6SrhFunc fn, void *data);

/* ---- routing tables (VRFs) ------------------------------------------------------ */

/* Table 0 is the main table. Other tables (VRFs) are added by id; an
 * interface bound to one looks up what it receives there, and its local
 * addresses and connected prefix live there instead of in the main table
 * (its addresses stay the node's own for ICMPv6 and applications). */
#define SIM_IP6_TABLE_MAIN 0u

SIM_API gboolean sim_ip6_table_add(SimIp6 *ip, uint32_t table, GError **error);
SIM_API gboolean sim_ip6_table_exists(const SimIp6 *ip, uint32_t table);
SIM_API gboolean sim_ip6_iface_set_table(SimIp6 *ip, SimIface *iface, uint32_t table,
                                         GError **error);
SIM_API uint32_t sim_ip6_iface_table(const SimIp6 *ip, const SimIface *iface);
/* The FIB of @table, or NULL. */
SIM_API SimFib *sim_ip6_table_fib(const SimIp6 *ip, uint32_t table);
SIM_API gboolean sim_ip6_table_route_add_via(SimIp6 *ip, uint32_t table,
                                             const SimIp6Prefix *prefix, SimIface *const *out,
                                             const SimIp6Addr *gateways, unsigned n_out,
                                             GError **error);
SIM_API gboolean sim_ip6_table_route_remove(SimIp6 *ip, uint32_t table,
                                            const SimIp6Prefix *prefix);
/* Makes @addr (one of the node's addresses) reachable in @table too. */
SIM_API gboolean sim_ip6_table_add_local(SimIp6 *ip, uint32_t table, const SimIp6Addr *addr,
                                         GError **error);

/* ---- routes to other modules (local SIDs, steering) ------------------------------ */

/* A packet whose destination matched a route installed by a module.
 * @iface: where it came in (NULL: sent by this node); @p starts at its
 * IPv6 header; @h is parsed, with h->header_length past a Hop-by-Hop
 * header if any; @id is the module's. The handler owns @p. */
typedef void (*SimIp6RouteFunc)(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h,
                                uint32_t id, void *data);
/* @local_sid runs at input, before any forwarding step (RFC 8986 §4);
 * @steer runs when a packet to a steering prefix would be forwarded or
 * sent, before its hop limit is checked. Steering prefixes sit in their
 * own table beside each routing table and are looked up first: they take
 * precedence over the table's routes, which stay in place for packets the
 * module leaves alone (SIM_IP6_FWD_NO_STEER). */
SIM_API void sim_ip6_set_route_handlers(SimIp6 *ip, SimIp6RouteFunc local_sid,
                                        SimIp6RouteFunc steer, void *data);
/* A local SID route (id < 2^28 - 3) and a steering route in @table. */
SIM_API gboolean sim_ip6_table_add_sid(SimIp6 *ip, uint32_t table, const SimIp6Prefix *prefix,
                                       uint32_t id, GError **error);
SIM_API gboolean sim_ip6_table_add_steering(SimIp6 *ip, uint32_t table,
                                            const SimIp6Prefix *prefix, uint32_t id,
                                            GError **error);

/* Flags of sim_ip6_forward(). */
typedef enum {
  SIM_IP6_FWD_HOP_LIMIT = 1 << 0, /* check (Time Exceeded) and decrement the hop limit */
  SIM_IP6_FWD_NO_STEER = 1 << 1,  /* ignore steering routes */
  SIM_IP6_FWD_FRAGMENT = 1 << 2   /* this node is the source: fragment instead of Packet Too Big */
} SimIp6ForwardFlags;

/* An ingress filter on an interface: runs on every packet received there,
 * after the fixed header (and a Hop-by-Hop header) is validated and
 * before the routing decision; returns FALSE when it took (dropped) the
 * packet. One function per node; @fn NULL turns the interface's filter
 * off. */
typedef gboolean (*SimIp6FilterFunc)(SimIp6 *ip, SimIface *iface, SimPacket *p,
                                     const SimIp6Header *h, void *data);
SIM_API void sim_ip6_set_ingress_filter(SimIp6 *ip, SimIface *iface, SimIp6FilterFunc fn,
                                        void *data);

/**
 * sim_ip6_forward:
 * Looks the destination of @p (an IPv6 packet at its header, as received
 * on @iface, NULL when this node built it) up in @table and acts on what
 * it finds: local delivery, a local SID, a steering route, or
 * transmission (Packet Too Big when the egress MTU is too small, Address
 * Unreachable for an unowned on-link address), with the hop limit
 * checked and decremented when @flags asks. RFC 8986 "submit the packet
 * to the egress IPv6 FIB lookup". Owns @p.
 */
SIM_API void sim_ip6_forward(SimIp6 *ip, SimIface *iface, SimPacket *p, uint32_t table,
                             unsigned flags);
/* Sends the IPv6 packet @p out of @out to the neighbour @nexthop (NULL:
 * its destination), with Packet Too Big when @out's MTU is too small
 * (RFC 8986 "forward to the L3 adjacency"). */
SIM_API void sim_ip6_transmit(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIface *out,
                              const SimIp6Addr *nexthop);
/* Delivers @p (at its IPv6 header) to this node's upper layers as if it
 * had arrived on @iface. */
SIM_API void sim_ip6_deliver(SimIp6 *ip, SimIface *iface, SimPacket *p);

/* Extension headers a packet may carry before this node drops it as
 * ext_header_limit (default 8). */
SIM_API void sim_ip6_set_max_ext_headers(SimIp6 *ip, unsigned n);

/* Upper-layer protocol handler: @p starts at the upper-layer header; @h is
 * the IPv6 header it arrived with. The handler owns @p. */
typedef void (*SimIp6ProtoFunc)(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h,
                                void *data);
SIM_API void sim_ip6_register_protocol(SimIp6 *ip, uint8_t next_header, SimIp6ProtoFunc fn,
                                       void *data);

/* ---- ICMPv6 (RFC 4443) ----------------------------------------------------- */

enum {
  SIM_ICMP6_DST_UNREACH = 1,
  SIM_ICMP6_PACKET_TOO_BIG = 2,
  SIM_ICMP6_TIME_EXCEEDED = 3,
  SIM_ICMP6_PARAM_PROBLEM = 4,
  SIM_ICMP6_ECHO_REQUEST = 128,
  SIM_ICMP6_ECHO_REPLY = 129,
};

/**
 * sim_icmp6_error:
 * Answers the invoking packet @p (an IPv6 packet with its header at the
 * front, received on @iface, nullable) with an ICMPv6 error, unless
 * RFC 4443 §2.4 (e) forbids it (the invoking packet is an ICMPv6 error,
 * or was sent to a multicast address - except Packet Too Big and Parameter
 * Problem code 2 - or has an unspecified or multicast source) or the §2.4
 * (f) token bucket is empty. Does not take @p.
 * Returns: TRUE if an error was sent.
 */
SIM_API gboolean sim_icmp6_error(SimIp6 *ip, SimIface *iface, const SimPacket *p, uint8_t type,
                                 uint8_t code, uint32_t param);

/* RFC 4443 §2.4 (f): error messages allowed per second and burst. Default
 * 1000/s, burst 100 (per node). */
SIM_API void sim_icmp6_set_rate_limit(SimIp6 *ip, double per_second, uint32_t burst);

/* Echo: a reply arrives with its identifier, sequence and the time the
 * request was sent (carried in the echo payload). */
typedef void (*SimIcmp6EchoFunc)(SimIp6 *ip, const SimIp6Addr *from, uint16_t id, uint16_t seq,
                                 SimTime sent, void *data);
SIM_API void sim_icmp6_set_echo_handler(SimIp6 *ip, SimIcmp6EchoFunc fn, void *data);
/* Sends an echo request of @size bytes of data (>= 8: the send time is
 * carried in the first 8). */
SIM_API void sim_icmp6_echo_request(SimIp6 *ip, const SimIp6Addr *dst, uint16_t id, uint16_t seq,
                                    size_t size);
/* The same with send options (hop limit, traffic class, flow label). */
SIM_API void sim_icmp6_echo_request_opts(SimIp6 *ip, const SimIp6Addr *dst, uint16_t id,
                                         uint16_t seq, size_t size, const SimIp6SendOpts *opts);

/* Per-node IPv6/ICMPv6 counters. */
typedef struct {
  uint64_t rx, delivered, forwarded, sent;
  uint64_t icmp_errors_sent, icmp_errors_suppressed, icmp_rx;
  uint64_t router_alerts;    /* Hop-by-Hop Router Alert options seen */
  uint64_t atomic_fragments; /* RFC 6946 fragments processed as whole packets */
  uint64_t fragmented;       /* datagrams sent as fragments */
  uint64_t reassembled;      /* datagrams reassembled */
  uint64_t pmtu_updates;     /* Packet Too Big messages applied */
} SimIp6Stats;

/**
 * sim_ip6_path_mtu:
 * The path MTU towards @dst: the smaller of @link_mtu and what Packet Too
 * Big messages taught this node (RFC 8201), never below 1280; entries age
 * out after 10 minutes.
 */
SIM_API uint32_t sim_ip6_path_mtu(SimIp6 *ip, const SimIp6Addr *dst, uint32_t link_mtu);
/* Bytes of fragments a node holds for reassembly (default 4 MiB). */
SIM_API void sim_ip6_set_reassembly_limit(SimIp6 *ip, size_t bytes);
SIM_API const SimIp6Stats *sim_ip6_stats(const SimIp6 *ip);

G_END_DECLS

#endif /* IPESIM_IP6_H */
