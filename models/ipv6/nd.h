/* nd.h - Neighbor Discovery (RFC 4861) and stateless address
 * autoconfiguration (RFC 4862) on multi-access (switched Ethernet) links.
 *
 * Nodes resolve neighbours on their multi-access interfaces on demand
 * (the stack installs ND when it first needs it). Routers advertise their
 * prefixes with sim_nd_advertise(); hosts configure themselves with
 * sim_slaac_enable(): a link-local address, Router Solicitations, global
 * addresses from Prefix Information options, each checked by Duplicate
 * Address Detection before use, a default router list and a prefix list
 * whose lifetimes run out, RDNSS servers (RFC 8106) and the link MTU.
 */
#ifndef IPESIM_ND_H
#define IPESIM_ND_H

#include "ip6.h"

G_BEGIN_DECLS

typedef enum {
  SIM_ND_INCOMPLETE,
  SIM_ND_REACHABLE,
  SIM_ND_STALE,
  SIM_ND_DELAY,
  SIM_ND_PROBE
} SimNdState;

typedef struct {
  SimTime retrans_timer;       /* RetransTimer, 1 s */
  SimTime base_reachable_time; /* BaseReachableTime, 30 s */
  SimTime delay_first_probe;   /* DELAY_FIRST_PROBE_TIME, 5 s */
  unsigned max_multicast_solicit; /* 3 */
  unsigned max_unicast_solicit;   /* 3 */
  unsigned queue_limit;           /* packets waiting per neighbour, 3 */
} SimNdConfig;

SIM_API void sim_nd_config_init(SimNdConfig *cfg);

typedef struct _SimNd SimNd;

typedef struct {
  uint64_t ns_sent, ns_received, na_sent, na_received;
  uint64_t rs_sent, rs_received, ra_sent, ra_received;
  uint64_t redirects_sent, redirects_received;
  uint64_t invalid;              /* dropped as bad_nd */
  uint64_t resolution_failures;  /* INCOMPLETE entries that gave up */
  uint64_t unreachable_detected; /* PROBE entries that gave up */
  uint64_t dad_failures;         /* own tentative addresses found duplicate */
  uint64_t bytes_sent;           /* IPv6 bytes of ND messages sent */
} SimNdStats;

/* Installs ND on the node of @ip (once; @cfg nullable = defaults). */
SIM_API SimNd *sim_nd_install(SimIp6 *ip, const SimNdConfig *cfg);
SIM_API SimNd *sim_nd_of(const SimIp6 *ip);
SIM_API const SimNdStats *sim_nd_stats(const SimNd *nd);

/* The neighbour cache entry of @addr on @iface, if any. */
SIM_API gboolean sim_nd_lookup(const SimIp6 *ip, const SimIface *iface, const SimIp6Addr *addr,
                               SimNdState *state, uint8_t mac[6]);

/* The solicited-node multicast group of @a (RFC 4291 §2.7.1). */
SIM_API void sim_ip6_solicited_node(const SimIp6Addr *a, SimIp6Addr *group);

/* ---- routers ----------------------------------------------------------------- */

typedef struct {
  SimTime min_interval;        /* MinRtrAdvInterval, 200 s */
  SimTime max_interval;        /* MaxRtrAdvInterval, 600 s */
  uint16_t router_lifetime_s;  /* AdvDefaultLifetime, 1800 */
  uint32_t valid_lifetime_s;   /* AdvValidLifetime, 2592000 (30 days) */
  uint32_t preferred_lifetime_s; /* AdvPreferredLifetime, 604800 (7 days) */
  uint32_t mtu;                /* MTU option (0: none) */
  uint8_t cur_hop_limit;       /* 64 */
  SimIp6Addr rdnss[3];         /* RFC 8106 servers */
  unsigned n_rdnss;
  uint32_t rdnss_lifetime_s;   /* 0: 2 x max_interval */
} SimRaConfig;

SIM_API void sim_ra_config_init(SimRaConfig *cfg);

/**
 * sim_nd_advertise:
 * Makes the router @ip send Router Advertisements on the multi-access
 * interface @iface: unsolicited ones at uniformly random intervals in
 * [min, max] (the first three at most 16 s apart, RFC 4861 §6.2.4), and
 * answers to Router Solicitations after a random delay of up to 0.5 s
 * (§6.2.6). The Prefix Information options are the /64 global prefixes of
 * @iface (on-link, autonomous).
 */
SIM_API gboolean sim_nd_advertise(SimIp6 *ip, SimIface *iface, const SimRaConfig *cfg,
                                  GError **error);

/* ---- hosts ----------------------------------------------------------------------- */

typedef enum {
  SIM_IID_EUI64,  /* modified EUI-64 from the MAC (RFC 4291 App. A) */
  SIM_IID_STABLE  /* RFC 7217 semantically opaque, stable per prefix */
} SimIidKind;

typedef struct {
  SimIidKind iid;
  gboolean optimistic;     /* RFC 4429: use addresses during DAD */
  unsigned dad_transmits;  /* DupAddrDetectTransmits, 1 (0: no DAD) */
  uint32_t secret;         /* RFC 7217 secret key (per node) */
  SimTime start;           /* the interface comes up this long after enabling */
} SimSlaacConfig;

SIM_API void sim_slaac_config_init(SimSlaacConfig *cfg);

/**
 * sim_slaac_enable:
 * Autoconfigures the host @ip on @iface (RFC 4862): a link-local address
 * checked by DAD, then up to 3 Router Solicitations 4 s apart after a
 * random delay of up to 1 s, global addresses from autonomous prefixes
 * (DAD first; with @cfg->optimistic usable at once), default routes via
 * the advertising routers, on-link routes for on-link prefixes, all with
 * their lifetimes.
 */
SIM_API gboolean sim_slaac_enable(SimIp6 *ip, SimIface *iface, const SimSlaacConfig *cfg,
                                  GError **error);

/* When the node's first autoconfigured interface came up, or
 * SIM_TIME_INVALID. */
SIM_API SimTime sim_slaac_up_time(const SimIp6 *ip);
/* When the node's first global address became usable, or
 * SIM_TIME_INVALID. */
SIM_API SimTime sim_slaac_first_global(const SimIp6 *ip);
/* DNS servers learned from RDNSS options (RFC 8106). */
SIM_API guint sim_slaac_n_dns(const SimIp6 *ip);
SIM_API const SimIp6Addr *sim_slaac_dns(const SimIp6 *ip, guint i);

G_END_DECLS

#endif /* IPESIM_ND_H */
