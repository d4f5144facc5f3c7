/* ip6-private.h - state of the IPv6 layer shared by ip6.c, icmp6.c and
 * udp.c (never installed). */
#ifndef IPESIM_IP6_PRIVATE_H
#define IPESIM_IP6_PRIVATE_H

#include "ip6.h"
#include "udp.h"

/* FIB values: next-hop indices, or these markers: a local address, and a
 * destination the resolver found unreachable (remembered so that a flood
 * of packets to it does not ask again). */
#define NH_LOCAL (SIM_FIB_NONE - 1)
#define NH_UNREACHABLE (SIM_FIB_NONE - 2)

enum { NH_ROUTE, NH_CONNECTED };

typedef struct {
  uint32_t kind; /* NH_ROUTE or NH_CONNECTED */
  uint32_t n;    /* egress interfaces (ECMP when > 1) */
  uint32_t first; /* index of the first in SimIp6.outs */
} Ip6NextHop;

typedef struct {
  SimIp6Addr addr;
  int32_t iface; /* -1: loopback */
  uint8_t prefix_len;
} Ip6AddrEntry;

typedef struct {
  uint8_t next_header;
  SimIp6ProtoFunc fn;
  void *data;
} Ip6Proto;

/* network-wide */
typedef struct {
  SimIp6ResolveFunc resolve;
  void *resolve_data;
} Ip6Shared;

typedef struct _SimUdp SimUdp;

struct _SimIp6 {
  SimNode *node;
  SimNet *net;
  SimFib *fib;
  GArray *nh;    /* Ip6NextHop */
  GArray *outs;  /* uint32_t interface indices */
  GArray *addrs; /* Ip6AddrEntry */
  GArray *protos; /* Ip6Proto, NULL until one is registered */
  SimUdp *udp;    /* NULL until UDP is used on the node */
  uint32_t hash_salt;
  /* RFC 4443 §2.4 (f) token bucket */
  double icmp_rate;
  uint32_t icmp_burst;
  double icmp_tokens;
  SimTime icmp_last;
  SimIcmp6EchoFunc echo_fn;
  void *echo_data;
  SimIp6Stats stats;
};

void sim__icmp6_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);
void sim__udp_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);

#endif /* IPESIM_IP6_PRIVATE_H */
