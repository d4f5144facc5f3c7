/* ip4.h - a minimal IPv4 layer (RFC 791): enough for IPv4 customer
 * traffic carried over an IPv6/SRv6 network (End.DX4, End.DT4, End.DT46
 * and IPv4 steering at SRv6 headends, RFC 8986), not a dual stack.
 *
 * What it does: the header (build, parse, header checksum, RFC 1624
 * incremental update of the TTL), addresses per interface, routing tables
 * that follow the node's IPv6 tables (main and VRFs: an interface bound to
 * a VRF looks IPv4 up in the same VRF), static and connected routes,
 * forwarding with the TTL step, UDP (sockets are shared with IPv6: a
 * socket sends to IPv4 when its destination is an IPv4-mapped address
 * ::ffff:a.b.c.d, RFC 4291 §2.5.5.2, and receives IPv4 datagrams with the
 * source mapped the same way), and a steering hook through which SRv6
 * takes IPv4 prefixes into its policies.
 *
 * What it leaves out (dropped and counted, never silently): ARP, hence
 * switched (multi-access) segments (no_ipv4); fragmentation and
 * reassembly (too_big, bad_fragment); ICMPv4 except echo replies; header
 * options are carried but not acted on. Addresses are uint32_t in host
 * order.
 */
#ifndef IPESIM_IP4_H
#define IPESIM_IP4_H

#include "ip6.h"
#include "net.h"

G_BEGIN_DECLS

#define SIM_IP4_HEADER_LEN 20
#define SIM_IP4_DEFAULT_TTL 64
#define SIM_IPPROTO_ICMP 1

typedef struct {
  uint8_t tos;           /* DSCP and ECN */
  uint16_t total_length;
  uint16_t id;
  uint16_t frag;         /* flags (DF 0x4000, MF 0x2000) and fragment offset */
  uint8_t ttl;
  uint8_t protocol;
  uint32_t src, dst;
  uint8_t header_length; /* IHL x 4, from 20 to 60 */
} SimIp4Header;

/* Writes a 20-byte header (no options) with its checksum. */
SIM_API void sim_ip4_header_write(uint8_t *b, const SimIp4Header *h);
/* Parses the header at @b: version 4, IHL >= 5 and inside @len, total
 * length >= IHL; FALSE otherwise. The checksum is not checked here. */
SIM_API gboolean sim_ip4_header_read(const uint8_t *b, size_t len, SimIp4Header *h);
/* The header checksum over @len bytes at @b (0 when the header is intact). */
SIM_API uint16_t sim_ip4_header_checksum(const uint8_t *b, size_t len);
/* Decrements the TTL of the header at @b and updates its checksum
 * incrementally (RFC 1624 eqn. 3). */
SIM_API void sim_ip4_decrement_ttl(uint8_t *b);

/* Dotted quad, and a.b.c.d/len with no host bits set. */
SIM_API gboolean sim_ip4_addr_parse(const char *text, uint32_t *addr, GError **error);
SIM_API gboolean sim_ip4_prefix_parse(const char *text, uint32_t *addr, unsigned *len,
                                      GError **error);
#define SIM_IP4_ADDR_STRLEN 16
SIM_API const char *sim_ip4_addr_format(uint32_t addr, char buf[SIM_IP4_ADDR_STRLEN]);
/* ::ffff:a.b.c.d and back (RFC 4291 §2.5.5.2). */
SIM_API SimIp6Addr sim_ip4_mapped(uint32_t addr);
SIM_API gboolean sim_ip4_is_mapped(const SimIp6Addr *a);
SIM_API uint32_t sim_ip4_from_mapped(const SimIp6Addr *a);

typedef struct _SimIp4 SimIp4;

typedef struct {
  uint64_t rx, delivered, forwarded, sent;
} SimIp4Stats;

/* Installs IPv4 on @node (IPv6 must be installed: the tables and UDP are
 * shared). Idempotent. */
SIM_API SimIp4 *sim_ip4_install(SimNode *node);
SIM_API SimIp4 *sim_ip4_of(const SimNode *node);
SIM_API SimNode *sim_ip4_node(const SimIp4 *ip);

/* An address on @iface (NULL: the loopback, /32), with the connected
 * route of its prefix in the table of the interface. */
SIM_API gboolean sim_ip4_add_address(SimIp4 *ip, SimIface *iface, uint32_t addr,
                                     unsigned prefix_len, GError **error);
/* The first address of @iface, 0 if none. */
SIM_API uint32_t sim_ip4_iface_address(const SimIp4 *ip, const SimIface *iface);
/* The loopback address, else the first address, 0 if none. */
SIM_API uint32_t sim_ip4_primary_address(const SimIp4 *ip);
SIM_API gboolean sim_ip4_is_local(const SimIp4 *ip, uint32_t addr);

/* A static route in @table (an IPv6 table id of the node: 0 is main):
 * @prefix/@len out of @out to the neighbour @gw (0: on-link). Replaces
 * an existing route of the same prefix. */
SIM_API gboolean sim_ip4_route_add(SimIp4 *ip, uint32_t table, uint32_t prefix, unsigned len,
                                   SimIface *out, uint32_t gw, GError **error);
SIM_API gboolean sim_ip4_route_remove(SimIp4 *ip, uint32_t table, uint32_t prefix,
                                      unsigned len);
/* The egress interface for @dst in @table (NULL: none or local; *@local
 * says which), the neighbour in *@gw (the destination when on-link). */
SIM_API SimIface *sim_ip4_route_lookup(SimIp4 *ip, uint32_t table, uint32_t dst, uint32_t *gw,
                                       gboolean *local);

/* Steering: packets to @prefix in @table are handed to @fn (one per node)
 * with @id instead of being routed: SRv6 policies use it. */
typedef void (*SimIp4SteerFunc)(SimIp4 *ip, SimIface *iface, SimPacket *p, uint32_t id,
                                void *data);
SIM_API void sim_ip4_set_steer_handler(SimIp4 *ip, SimIp4SteerFunc fn, void *data);
SIM_API gboolean sim_ip4_table_add_steering(SimIp4 *ip, uint32_t table, uint32_t prefix,
                                            unsigned len, uint32_t id, GError **error);

/* Flags of sim_ip4_forward(). */
enum {
  SIM_IP4_FWD_TTL = 1 << 0,      /* check and decrement the TTL */
  SIM_IP4_FWD_NO_STEER = 1 << 1, /* route even if a steering prefix matches */
};

/* Sends an upper-layer message (at the front of @p) from this node:
 * pushes the header (@src 0: the egress interface's address, else the
 * primary), routes in the main table and transmits. @ttl 0: 64. */
SIM_API void sim_ip4_output(SimIp4 *ip, SimPacket *p, uint32_t src, uint32_t dst, uint8_t protocol,
                            uint8_t ttl, uint8_t tos);
/* Forwards the IPv4 packet @p (at its header) that came in on @iface
 * (NULL: from this node) by a lookup in @table: delivered if local. */
SIM_API void sim_ip4_forward(SimIp4 *ip, SimIface *iface, SimPacket *p, uint32_t table,
                             unsigned flags);
/* Sends the IPv4 packet @p out of @out to the neighbour @gw (0: the
 * packet's destination): the MTU check, then the link. */
SIM_API void sim_ip4_transmit(SimIp4 *ip, SimIface *iface, SimPacket *p, SimIface *out,
                              uint32_t gw);
SIM_API const SimIp4Stats *sim_ip4_stats(const SimIp4 *ip);

G_END_DECLS

#endif /* IPESIM_IP4_H */
