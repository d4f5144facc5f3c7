/* srv6-private.h - state shared by the SRv6 sources (never installed). */
#ifndef IPESIM_SRV6_PRIVATE_H
#define IPESIM_SRV6_PRIVATE_H

#include "srv6.h"
#include "net.h"
#include "ip6-private.h"
#include "ip4.h"

struct _SimSrv6Sid {
  SimSrv6SidConfig cfg;      /* segments and behaviour name point into the fields below */
  const SimSrv6Behaviour *row;
  char *behaviour;
  SimIp6Addr *segments;
  SimSrv6Counters counters;
  uint64_t drops[SIM_DROP_N];
  uint32_t index;
  Ip6RouteCache next; /* the lookup of the last next segment */
};

typedef struct {
  SimIp6Addr *segs; /* S1 ... Sn */
  unsigned n;
  uint32_t weight;
} SegList;

typedef struct {
  uint32_t preference;
  gboolean valid;
  GArray *lists; /* SegList */
  uint64_t total_weight;
} CandidatePath;

struct _SimSrv6Policy {
  SimSrv6 *sr;
  char *name;
  uint32_t color;
  SimIp6Addr endpoint;
  SimSrv6HeadendConfig cfg;
  GArray *paths; /* CandidatePath, by decreasing preference */
  SimSrv6Counters counters;
  uint8_t *hmac_key;
  gboolean drop_upon_invalid;
};

typedef struct {
  gboolean has_match;
  SimSrv6Match match;
  SimSrv6Policy *pol;        /* NULL: plain encapsulation to the service SID */
  gboolean has_service;
  SimIp6Addr service;
  SimSrv6HeadendConfig cfg;  /* when pol is NULL */
} SteerRule;

typedef struct {
  uint32_t table;
  SimIp6Prefix prefix;
  GArray *rules; /* SteerRule */
} Steer;

typedef struct {
  uint32_t key_id;
  uint8_t *key;
  size_t key_len;
} HmacKey;

struct _SimSrv6 {
  SimIp6 *ip;
  SimNet *net;
  GArray *locators;   /* SimSrv6Locator */
  GPtrArray *sids;    /* SimSrv6Sid *, index = FIB id */
  GPtrArray *policies;
  GPtrArray *steers;  /* Steer * */
  GArray *domain;     /* SimIp6Prefix: the SR domain's SID space */
  GArray *hmac_keys;  /* HmacKey */
  gboolean hmac_required;
  gboolean linux_compat;
  SimIp6Addr source; /* default outer source (::: the primary address) */
};

/* Per-network: the behaviour rows registered by users. */
typedef struct {
  GPtrArray *rows; /* SimSrv6Behaviour * (copies) */
} Srv6Shared;

const SimSrv6Behaviour *sim__srv6_builtin_rows(guint *n);
void sim__srv6_steer_input(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h,
                           uint32_t id, void *data);
void sim__srv6_steer_input4(SimIp4 *ip4, SimIface *iface, SimPacket *p, uint32_t id, void *data);
void sim__srv6_policy_free(SimSrv6Policy *pol);
void sim__srv6_steer_free(Steer *st);
/* Pushes an outer header (+ SRH per @cfg's mode) on @p (an IPv6 or IPv4
 * packet at its header, already hop-limit processed by the caller) for
 * the path @segs (S1..Sn) and sends it. @inner_hl / @inner_tc /
 * @inner_fl: the inner packet's fields; @hash: its flow hash. */
void sim__srv6_encapsulate(SimSrv6 *sr, SimIface *iface, SimPacket *p, uint8_t inner_proto,
                           const SimIp6Addr *segs, unsigned n,
                           const SimSrv6HeadendConfig *cfg, uint32_t hash);
/* Flow hash of the packet at the front of @p (IPv6 or IPv4). */
uint32_t sim__srv6_flow_hash(const SimPacket *p);
/* The segment list a policy gives a flow, or NULL (no valid path). */
const SegList *sim__srv6_policy_pick(const SimSrv6Policy *pol, uint32_t hash);
/* Verifies the HMAC TLV of @srh: TRUE if it verifies, FALSE (with the
 * reason) if not; @have_key: a key for its id is known. */
gboolean sim__srv6_hmac_check(SimSrv6 *sr, const uint8_t *pkt, const SimIp6Header *h,
                              const SimSrh *srh, gboolean *have_key);

#endif /* IPESIM_SRV6_PRIVATE_H */
