/* ip6-private.h - state of the IPv6 layer shared by ip6.c, icmp6.c and
 * udp.c (never installed). */
#ifndef IPESIM_IP6_PRIVATE_H
#define IPESIM_IP6_PRIVATE_H

#include "fib-private.h"
#include "ip6.h"
#include "udp.h"

/* FIB values: next-hop indices, or these markers: a local address, and a
 * destination the resolver found unreachable (remembered so that a flood
 * of packets to it does not ask again). */
#define NH_LOCAL (SIM_FIB_NONE - 1)
#define NH_UNREACHABLE (SIM_FIB_NONE - 2)
/* A local SID (RFC 8986): NH_SID_BASE + the id its module gave it. */
#define NH_SID_BASE 0xF0000000u
#define NH_IS_SID(v) ((v) >= NH_SID_BASE && (v) < NH_UNREACHABLE)

enum { NH_ROUTE, NH_CONNECTED };

/* A next-hop group. The forwarding path of a single next hop reads this
 * entry only: its interface and whether it has a gateway are kept here
 * too (interfaces live as long as the network), so that a hop does not
 * also touch the outs, gws and interface arrays. */
typedef struct {
  SimIface *out;  /* the egress interface when n == 1 */
  uint32_t n;     /* egress interfaces (ECMP when > 1) */
  uint32_t first; /* index of the first in SimIp6.outs and SimIp6.gws */
  uint8_t kind;   /* NH_ROUTE or NH_CONNECTED */
  bool has_gw;    /* n == 1 and its gateway is not :: (on-link) */
} Ip6NextHop;

/* Lookups one packet may take at one node (resubmissions after SRv6
 * processing or encapsulation) before it is dropped as a loop. */
#define IP6_MAX_RESUBMIT 32

/* Address states (RFC 4862 §5.5.4, RFC 4429 §2.1): preferred, deprecated
 * and optimistic addresses receive packets and serve as sources; the
 * public SimIp6AddrState spells the same values. */
enum {
  ADDR_PREFERRED = SIM_IP6_ADDR_PREFERRED,
  ADDR_TENTATIVE = SIM_IP6_ADDR_TENTATIVE,
  ADDR_DUPLICATE = SIM_IP6_ADDR_DUPLICATE,
  ADDR_DEPRECATED = SIM_IP6_ADDR_DEPRECATED,
  ADDR_OPTIMISTIC = SIM_IP6_ADDR_OPTIMISTIC
};

typedef struct {
  SimIp6Addr addr;
  int32_t iface; /* -1: loopback */
  uint8_t prefix_len;
  uint8_t state;
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
  GArray *misses; /* parallel runs: Ip6Miss of every route resolution, else NULL */
} Ip6Shared;

/* Parallel runs (netpar.c). A route resolution installs routes along the
 * whole path, into nodes of other ranks too; rank 0 replays the other
 * ranks' resolutions after the run so that its forwarding tables end as
 * the sequential run's (state.csv counts them). */
typedef struct {
  uint32_t node;
  SimIp6Addr dst;
} Ip6Miss;

/* From now on, log every route resolution of @net's nodes. */
void sim__ip6_log_misses(SimNet *net);
/* The log (NULL when not logging). */
GArray *sim__ip6_misses(SimNet *net);
/* Does at @ip what a FIB miss for @dst did on the other rank. */
void sim__ip6_replay_miss(SimIp6 *ip, const SimIp6Addr *dst);

typedef struct _SimUdp SimUdp;

/* fragmentation state of a node, created on first use */
typedef struct {
  GHashTable *reasm; /* (src, dst, id) -> datagram being reassembled */
  GHashTable *pmtu;  /* destination -> path MTU entry */
  size_t bytes;      /* held in reassembly */
  size_t max_bytes;
  uint32_t next_id;  /* next Fragment identification */
} Ip6Frag;

/* Recent lookups of a node in its routing and steering tables:
 * destination, table, FIB generation -> FIB value (SIM_FIB_NONE
 * included). A node sees few destinations at a time (in the 5G transport,
 * a transit router forwards most packets to a handful of uSID
 * containers), so most packets skip the trie walks. Exact: an entry holds
 * only while its table is unchanged. Direct-mapped by a hash of the whole
 * address; 32 bytes an entry, one cache line per probe. */
typedef struct {
  SimIp6Addr dst;
  uint64_t generation;
  uint32_t table; /* table index, | IP6_DST_CACHE_STEER for its steering table;
                   * IP6_DST_CACHE_EMPTY: unused */
  uint32_t value;
} Ip6DstCache;

#define IP6_DST_CACHE_STEER 0x80000000u
#define IP6_DST_CACHE_EMPTY UINT32_MAX

#define IP6_DST_CACHE_BITS 4
#define IP6_DST_CACHE (1u << IP6_DST_CACHE_BITS)

/* Fields are in the order of the forwarding path: the first two cache
 * lines hold what a hop reads (a large network's nodes are not in cache). */
struct _SimIp6 {
  SimNode *node;
  SimNet *net;
  SimFib *fib;
  GArray *nh;    /* Ip6NextHop */
  GPtrArray *steer;       /* SimFib * per table index (NULL: none): steering
                           * prefixes -> the module's id, consulted before
                           * the routes of the table */
  SimIp6RouteFunc sid_fn; /* local SIDs */
  SimIp6RouteFunc steer_fn;
  void *route_data;
  /* routing tables besides the main one (VRFs): NULL until one is added */
  GPtrArray *tables;      /* SimFib *, index k >= 1 is table_ids[k - 1] */
  GArray *iface_table;    /* uint32_t table index per interface index */
  GArray *filtered;       /* uint8_t per interface: ingress filter on */
  unsigned depth;         /* nested lookups of the packet being processed */
  uint32_t hash_salt;
  SimUdp *udp;    /* NULL until UDP is used on the node */
  Ip6Frag *frag;  /* NULL until fragments or Packet Too Big are seen */
  unsigned max_ext_headers;
  _Alignas(64) SimIp6Stats stats; /* the counters of every packet start the third line */
  _Alignas(32) Ip6DstCache dst_cache[IP6_DST_CACHE];
  GArray *outs;  /* uint32_t interface indices */
  GArray *gws;   /* SimIp6Addr next-hop address per entry of outs (:: = on-link) */
  GArray *addrs; /* Ip6AddrEntry */
  GArray *protos; /* Ip6Proto, NULL until one is registered */
  struct _SimNd *nd; /* Neighbor Discovery, on nodes with multi-access links */
  GArray *table_ids;      /* uint32_t */
  SimIp6FilterFunc filter_fn;
  void *filter_data;
  /* RFC 4443 §2.4 (f) token bucket */
  double icmp_rate;
  uint32_t icmp_burst;
  double icmp_tokens;
  SimTime icmp_last;
  SimIcmp6EchoFunc echo_fn;
  void *echo_data;
  SimIp6SrhFunc srh_fn;
  void *srh_data;
};

typedef enum {
  SIM_IP6_CHAIN_UPPER,    /* h->upper_protocol at h->header_length */
  SIM_IP6_CHAIN_FRAGMENT, /* a fragment: Fragment header at h->header_length */
  SIM_IP6_CHAIN_CONSUMED, /* handed over (SRH handler) */
  SIM_IP6_CHAIN_DROPPED   /* dropped, answered as the RFCs ask */
} SimIp6ChainResult;

/* Hop-by-Hop header processing (directly after the fixed header): fills
 * h->header_length/upper_protocol past it; FALSE if @p was dropped. */
bool sim__ip6_hop_by_hop(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h);
/* The rest of the chain at the destination. */
SimIp6ChainResult sim__ip6_chain(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h);
/* Offset and protocol of the upper-layer header of the IPv6 packet in
 * @b (walking extension headers without processing them); FALSE if the
 * chain is truncated or the packet is a non-first fragment. */
bool sim__ip6_find_upper(const uint8_t *b, size_t real, uint8_t *proto, size_t *off);

void sim__ip6_frag_free(Ip6Frag *f);
/* Records a Packet Too Big for @dst. */
void sim__ip6_pmtu_update(SimIp6 *ip, const SimIp6Addr *dst, uint32_t mtu);
/* Sends @p (with its fixed header, larger than @mtu) as fragments. */
void sim__ip6_fragment_and_send(SimIp6 *ip, SimIface *out, SimPacket *p, uint32_t mtu,
                                 const SimIp6Addr *nexthop);
/* Takes a fragment (h->header_length = its Fragment header); returns the
 * reassembled datagram when it completes, else NULL. */
SimPacket *sim__ip6_reassemble(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h);

Ip6AddrEntry *sim__ip6_add_address_state(SimIp6 *ip, SimIface *iface, const SimIp6Addr *addr,
                                         unsigned prefix_len, uint8_t state);
void sim__ip6_address_set_state(SimIp6 *ip, const SimIp6Addr *addr, uint8_t state);
void sim__ip6_address_remove(SimIp6 *ip, const SimIp6Addr *addr);

/* Sends the IPv6 packet @p out of @out towards the neighbour @nexthop
 * (NULL: its destination): Ethernet framing, Neighbor Discovery on
 * multi-access links. */
void sim__ip6_link_output(SimIp6 *ip, SimIface *out, SimPacket *p, const SimIp6Addr *nexthop);

/* Neighbor Discovery (nd.c) */
void sim__nd_output(SimIp6 *ip, SimIface *out, SimPacket *p, const SimIp6Addr *nexthop);
void sim__nd_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);
void sim__nd_free(struct _SimNd *nd);
void sim__nd_join_solicited(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *a);
/* A router forwarding @p back out of the interface it came in on tells
 * the on-link source of a better first hop (RFC 4861 §8.2). */
void sim__nd_redirect(SimIp6 *ip, SimIface *iface, const SimPacket *p, const SimIp6Header *h,
                      const SimIp6Addr *gw);
/* The interface and neighbour address a packet to @dst goes to. */
gboolean sim__ip6_next_hop(SimIp6 *ip, const SimIp6Addr *dst, SimIface **out, SimIp6Addr *gw);

/* A one-entry lookup cache (an SRv6 SID keeps one for its next segment):
 * valid while the table's generation holds. */
typedef struct {
  SimIp6Addr dst;
  uint64_t generation;
  uint32_t value;
  uint32_t table; /* index + 1; 0: empty */
} Ip6RouteCache;

/* sim_ip6_forward() with a lookup cache and the packet's header already
 * parsed (@h must match the bytes). */
void sim__ip6_forward_cached(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h,
                             uint32_t table, unsigned flags, Ip6RouteCache *cache);

/* Index of routing table @table in this node (0: main), -1 if it has
 * none; the table index an interface's packets are looked up in. The
 * IPv4 layer keeps its tables at the same indices. */
int sim__ip6_table_index(const SimIp6 *ip, uint32_t table);
unsigned sim__ip6_iface_table_index(const SimIp6 *ip, const SimIface *iface);
/* UDP over IPv4 (ip4.c): @p starts at the UDP header; @h carries the
 * IPv4 addresses mapped (::ffff:a.b.c.d), TTL and TOS. */
void sim__udp_input4(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);

void sim__icmp6_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);
void sim__udp_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);

#endif /* IPESIM_IP6_PRIVATE_H */
