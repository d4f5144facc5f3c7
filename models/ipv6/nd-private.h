/* nd-private.h - Neighbor Discovery state shared by nd.c and slaac.c
 * (never installed). */
#ifndef IPESIM_ND_PRIVATE_H
#define IPESIM_ND_PRIVATE_H

#include "ip6-private.h"
#include "nd.h"

enum { ND_RS = 133, ND_RA = 134, ND_NS = 135, ND_NA = 136, ND_REDIRECT = 137 };
enum { OPT_SLLA = 1, OPT_TLLA = 2, OPT_PREFIX = 3, OPT_REDIRECTED = 4, OPT_MTU = 5,
       OPT_RDNSS = 25 };

#define NA_ROUTER 0x80
#define NA_SOLICITED 0x40
#define NA_OVERRIDE 0x20

typedef struct {
  SimIp6Addr addr;
  uint32_t iface;
} NdKey;

typedef struct {
  NdKey key;
  SimNdState state;
  uint8_t mac[6];
  bool router;
  SimPacket *q_head, *q_tail;
  uint32_t queued;
  uint32_t probes;
  SimEventHandle timer;
} NdEntry;

typedef struct _SimSlaac SimSlaac;
typedef struct _SimAdvert SimAdvert;

struct _SimNd {
  SimIp6 *ip;
  SimNdConfig cfg;
  GHashTable *cache; /* NdKey* -> NdEntry* (key inside the entry) */
  SimEntity ent;     /* timers */
  SimRng rng;
  SimTime reachable_time;
  SimNdStats stats;
  SimSlaac *slaac;   /* host autoconfiguration, NULL if off */
  GPtrArray *adverts; /* SimAdvert*, router interfaces that advertise */
};

const SimIp6Addr *sim__nd_iface_source(SimIp6 *ip, SimIface *ifc);
void sim__nd_send(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *src, const SimIp6Addr *dst,
                  const uint8_t *body, size_t len, const uint8_t mac[6]);
void sim__nd_put_lla(uint8_t *o, uint8_t type, const uint8_t mac[6]);
bool sim__nd_parse_options(const uint8_t *b, size_t len, size_t fixed, uint8_t want_type,
                           const uint8_t **lla);
NdEntry *sim__nd_lookup_entry(SimNd *nd, uint32_t iface, const SimIp6Addr *addr);
NdEntry *sim__nd_create_entry(SimNd *nd, uint32_t iface, const SimIp6Addr *addr,
                              SimNdState state);
void sim__nd_flush_queue(SimNd *nd, NdEntry *e);
void sim__nd_bad(SimIp6 *ip, SimIface *iface, SimPacket *p);
void sim__nd_join_solicited(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *a);
void sim__nd_send_dad_ns(SimIp6 *ip, SimIface *ifc, const SimIp6Addr *tentative);
/* Learns @mac for @addr from an unsolicited source (RS, RA, NS): STALE. */
void sim__nd_learn(SimNd *nd, SimIface *iface, const SimIp6Addr *addr, const uint8_t mac[6],
                   bool router);

Ip6AddrEntry *sim__ip6_own_address(SimIp6 *ip, const SimIp6Addr *a);

void sim__nd_redirect_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);

/* slaac.c */
void sim__ra_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h);
void sim__slaac_duplicate(SimIp6 *ip, Ip6AddrEntry *a, SimIface *iface);
void sim__slaac_free(SimSlaac *s);
void sim__advert_free(SimAdvert *a);

/* The entity of @nd's timers (parallel runs give it its node's rank). */
SimEntity *sim__nd_entity(SimNd *nd);

#endif /* IPESIM_ND_PRIVATE_H */
