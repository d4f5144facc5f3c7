/* srv6.h - Segment Routing over IPv6: the Segment Routing Header
 * (RFC 8754), SRv6 network programming (RFC 8986) with compressed SIDs
 * (RFC 9800), SR policies (RFC 9256) and SR domain security (RFC 8754 §5).
 *
 * A node's SRv6 state (sim_srv6_install) holds its locators, its local SID
 * table and its SR policies. Local SIDs are routes of the node's IPv6
 * tables that hand matching packets to the SID's behaviour; steering
 * routes hand packets to a policy's headend behaviour. Behaviours are rows
 * of a table (name, parameters, flavours, input function); research code
 * adds its own rows with sim_srv6_register_behaviour().
 */
#ifndef IPESIM_SRV6_H
#define IPESIM_SRV6_H

#include "ip6.h"

G_BEGIN_DECLS

#define SIM_IPPROTO_IPV4 4
#define SIM_IPPROTO_IPV6 41
#define SIM_IPPROTO_ETHERNET 143

/* ---- the Segment Routing Header (RFC 8754 §2) ------------------------------------- */

#define SIM_SRH_ROUTING_TYPE 4
#define SIM_SRH_TLV_PAD1 0
#define SIM_SRH_TLV_PADN 4
#define SIM_SRH_TLV_HMAC 5
#define SIM_SRH_HMAC_LEN 32   /* HMAC-SHA256 */
#define SIM_SRH_HMAC_TLV_LEN 40 /* type, length, D + reserved, key id, HMAC */
/* Hdr Ext Len is 8 bits: at most 2048 bytes, 127 segments without TLVs */
#define SIM_SRH_MAX_SEGMENTS 127

/* A parsed SRH; offsets count from the start of the packet (its IPv6
 * header). */
typedef struct {
  uint16_t off;      /* the SRH */
  uint16_t len;      /* 8 x (Hdr Ext Len + 1) */
  uint16_t nh_field; /* the Next Header field that names the SRH */
  uint8_t next_header;
  uint8_t segments_left;
  uint8_t last_entry;
  uint8_t flags;
  uint16_t tag;
  uint16_t tlv_off;  /* first TLV (off + 8 + 16 x (Last Entry + 1)) */
  uint16_t hmac_off; /* the HMAC TLV, 0 if none */
} SimSrh;

typedef enum {
  SIM_SRH_OK,
  SIM_SRH_ERR_TRUNCATED,     /* runs past the packet's real bytes */
  SIM_SRH_ERR_LENGTH,        /* Hdr Ext Len odd, or no room for one segment */
  SIM_SRH_ERR_LAST_ENTRY,    /* Last Entry > Hdr Ext Len / 2 - 1 */
  SIM_SRH_ERR_SEGMENTS_LEFT, /* Segments Left > Last Entry + 1 */
  SIM_SRH_ERR_TLV            /* a TLV runs past the header, or a bad HMAC TLV length */
} SimSrhError;

/**
 * sim_srh_parse:
 * Validates the SRH at @off of the packet bytes @pkt (@real bytes) - the
 * one check every SRH received goes through: lengths, Last Entry against
 * Hdr Ext Len and Segments Left against Last Entry (RFC 8754 §4.3.1.1,
 * RFC 8986 §4.1 S08-S09), TLV bounds (§2.1). @nh_field: offset of the
 * Next Header field naming the SRH. On an error, @pointer (nullable) gets
 * the offset of the field at fault, for Parameter Problem.
 */
SIM_API SimSrhError sim_srh_parse(const uint8_t *pkt, size_t real, size_t off, size_t nh_field,
                                  SimSrh *srh, size_t *pointer);
SIM_API const char *sim_srh_error_string(SimSrhError e);
/* Segment List[@i] of a parsed SRH. */
SIM_API void sim_srh_segment(const uint8_t *pkt, const SimSrh *srh, unsigned i, SimIp6Addr *out);

/* A pre-shared HMAC key (RFC 8754 §2.1.2.3): its id (0: no HMAC) and
 * secret; the algorithm is HMAC-SHA256. */
typedef struct {
  uint32_t key_id;
  const uint8_t *key;
  size_t key_len;
} SimSrhHmacKey;

/* Bytes of an SRH with @n segments, with an HMAC TLV or not. */
SIM_API size_t sim_srh_size(unsigned n, gboolean hmac);
/**
 * sim_srh_write:
 * Writes an SRH at @b: @segs in Segment List order (@segs[0] is the last
 * segment of the path), Segments Left @sl, Last Entry n - 1, Flags and Tag
 * 0, and an HMAC TLV when @hmac has a key id (computed with the IPv6
 * source @src). Returns the bytes written (sim_srh_size()).
 */
SIM_API size_t sim_srh_write(uint8_t *b, uint8_t next_header, const SimIp6Addr *segs, unsigned n,
                             uint8_t sl, const SimSrhHmacKey *hmac, const SimIp6Addr *src);
/* The HMAC of an SRH (RFC 8754 §2.1.2.1: source address, Last Entry,
 * Flags, key id, the segments) into @out (32 bytes). @srh: the SRH bytes. */
SIM_API void sim_srh_hmac(const SimIp6Addr *src, const uint8_t *srh, uint32_t key_id,
                          const uint8_t *key, size_t key_len, uint8_t out[32]);

/* ---- node state ----------------------------------------------------------------- */

typedef struct _SimSrv6 SimSrv6;
typedef struct _SimSrv6Sid SimSrv6Sid;
typedef struct _SimSrv6Policy SimSrv6Policy;
typedef struct _SimSrv6Behaviour SimSrv6Behaviour;

SIM_API SimSrv6 *sim_srv6_install(SimIp6 *ip);
SIM_API SimSrv6 *sim_srv6_of(const SimIp6 *ip);
SIM_API SimIp6 *sim_srv6_ip6(const SimSrv6 *sr);

/* Linux-compatible processing (what the kernel's seg6/seg6local do where it
 * departs from RFC 8986, for replaying kernel testbeds): the headend copies
 * the inner hop limit, traffic class and flow label to the outer header
 * and does not decrement the inner hop limit; End updates Segments Left
 * and the destination before checking the hop limit; SIDs answer no SRH
 * error with ICMPv6 (they drop); End.DT* ignore the outer hop limit (as in
 * RFC mode); USP and USD are refused; NEXT-C-SID only on End and End.X;
 * an SRH with Segments Left > 0 at a local address that is not a SID is
 * processed as End. Off by default. */
SIM_API void sim_srv6_set_linux_compat(SimSrv6 *sr, gboolean on);
SIM_API gboolean sim_srv6_linux_compat(const SimSrv6 *sr);

/* ---- locators and SIDs (RFC 8986 §3) ---------------------------------------------- */

/* A locator B:N with its SID structure: block, node, function and
 * argument lengths in bits (§3.1); block + node = the prefix length. */
typedef struct {
  SimIp6Prefix prefix;
  uint8_t block_len, node_len, function_len, argument_len;
} SimSrv6Locator;

SIM_API gboolean sim_srv6_add_locator(SimSrv6 *sr, const SimSrv6Locator *loc, GError **error);
SIM_API guint sim_srv6_n_locators(const SimSrv6 *sr);
SIM_API const SimSrv6Locator *sim_srv6_locator(const SimSrv6 *sr, guint i);

/* Flavours (RFC 8986 §4.16, RFC 9800). */
typedef enum {
  SIM_SRV6_PSP = 1 << 0,
  SIM_SRV6_USP = 1 << 1,
  SIM_SRV6_USD = 1 << 2,
  SIM_SRV6_NEXT_CSID = 1 << 3,
  SIM_SRV6_REPLACE_CSID = 1 << 4
} SimSrv6Flavour;

/* What a behaviour needs configured. */
typedef enum {
  SIM_SRV6_NEEDS_ADJACENCY = 1 << 0, /* an interface (and IPv6 next hop): End.X, End.DX6 */
  SIM_SRV6_NEEDS_NH4 = 1 << 1,       /* an interface and IPv4 next hop: End.DX4 */
  SIM_SRV6_NEEDS_TABLE = 1 << 2,     /* a routing table: End.T, End.DT* */
  SIM_SRV6_NEEDS_SEGMENTS = 1 << 3,  /* a segment list or policy: End.B6.* */
} SimSrv6Needs;

/* A local SID. */
typedef struct {
  SimIp6Prefix sid;        /* LOC:FUNCT (arguments follow the prefix) */
  const char *behaviour;   /* a row name: "End", "End.X", "End.DT46", ... */
  unsigned flavours;       /* SimSrv6Flavour */
  SimIface *out;           /* End.X / End.DX6 / End.DX4: the adjacency's interface */
  SimIp6Addr nh6;          /* End.X / End.DX6: its IPv6 next hop (:: = on-link peer) */
  uint32_t nh4;            /* End.DX4: the IPv4 next hop (host order) */
  uint32_t table;          /* End.T / End.DT*: lookup table (0: main) */
  uint32_t sid_table;      /* the table the SID is reachable in (0: main) */
  SimSrv6Policy *policy;   /* End.B6.*: the bound policy (or segments below) */
  const SimIp6Addr *segments; /* End.B6.*: S1 ... Sn (path order) */
  unsigned n_segments;
  uint8_t lbl, lnfl;       /* RFC 9800: locator-block and node+function lengths */
} SimSrv6SidConfig;

SIM_API void sim_srv6_sid_config_init(SimSrv6SidConfig *cfg);
SIM_API SimSrv6Sid *sim_srv6_add_sid(SimSrv6 *sr, const SimSrv6SidConfig *cfg, GError **error);

typedef struct {
  uint64_t packets, bytes; /* packets that matched the SID */
  uint64_t dropped;        /* of them dropped at this node */
} SimSrv6Counters;

SIM_API guint sim_srv6_n_sids(const SimSrv6 *sr);
SIM_API const SimSrv6Sid *sim_srv6_sid(const SimSrv6 *sr, guint i);
SIM_API const SimSrv6Sid *sim_srv6_sid_lookup(const SimSrv6 *sr, const SimIp6Addr *a);
SIM_API const SimIp6Prefix *sim_srv6_sid_prefix(const SimSrv6Sid *sid);
SIM_API const char *sim_srv6_sid_behaviour(const SimSrv6Sid *sid);
SIM_API unsigned sim_srv6_sid_flavours(const SimSrv6Sid *sid);
SIM_API const SimSrv6Counters *sim_srv6_sid_counters(const SimSrv6Sid *sid);
/* The SID's behaviour row (its data pointer included) and configuration. */
SIM_API const SimSrv6Behaviour *sim_srv6_sid_row(const SimSrv6Sid *sid);
SIM_API const SimSrv6SidConfig *sim_srv6_sid_config(const SimSrv6Sid *sid);
/* Drops at this SID by reason (SimDropReason), zero for the others. */
SIM_API uint64_t sim_srv6_sid_drops(const SimSrv6Sid *sid, SimDropReason reason);
/* "PSP,USD" etc. into @buf (at least 64 bytes); "" for none. */
SIM_API const char *sim_srv6_flavours_format(unsigned flavours, char *buf, size_t len);
SIM_API gboolean sim_srv6_flavours_parse(const char *s, unsigned *flavours, GError **error);

/* ---- behaviours as table rows ------------------------------------------------------- */

/* A packet at a local SID, as handed to a behaviour. @p starts at the
 * IPv6 header (@h); @srh is NULL when the packet has none (Segments Left
 * then counts as 0); @upper/@upper_proto: the first header after the
 * extension headers the SID node walks (Hop-by-Hop, Destination Options,
 * the SRH), i.e. the upper-layer header of RFC 8986 §4.1.1. */
typedef struct {
  SimSrv6 *sr;
  const SimSrv6Sid *sid;
  SimIface *iface; /* where it came in, NULL if sent by this node */
  SimPacket *p;
  SimIp6Header *h;
  SimSrh *srh;
  uint16_t upper;
  uint8_t upper_proto;
  uint16_t upper_nh_field; /* the Next Header field naming the upper layer */
} SimSrv6Packet;

typedef void (*SimSrv6Func)(SimSrv6Packet *pk);

struct _SimSrv6Behaviour {
  const char *name;      /* as written in scenarios, e.g. "End.DT46" */
  const char *reference; /* e.g. "RFC 8986 §4.8" */
  unsigned needs;        /* SimSrv6Needs */
  unsigned flavours;     /* flavours it accepts */
  SimSrv6Func input;
  void *data;            /* the row's own data (user rows), may be NULL */
};

/* Appends a table of the built-in behaviour rows (name, RFC section, what
 * a SID needs, flavours) to @out, as `ipesim list` prints it. */
SIM_API void sim_srv6_describe_behaviours(GString *out);

/* Adds a behaviour row for every node of @net (a name not yet used). */
SIM_API gboolean sim_srv6_register_behaviour(SimNet *net, const SimSrv6Behaviour *row,
                                             GError **error);
/* The rows: the built-in ones first, then the registered ones. */
SIM_API guint sim_srv6_n_behaviours(SimNet *net);
SIM_API const SimSrv6Behaviour *sim_srv6_behaviour(SimNet *net, guint i);
SIM_API const SimSrv6Behaviour *sim_srv6_behaviour_find(SimNet *net, const char *name);

/* Building blocks for behaviours (each owns the packet it is given). */

/* End (RFC 8986 §4.1) with the SID's flavours: the next segment, or the
 * upper layer when Segments Left is 0. */
SIM_API void sim_srv6_end(SimSrv6Packet *pk);
/* Upper-layer header processing of §4.1.1: ICMPv6 is delivered, anything
 * else gets Parameter Problem code 4. */
SIM_API void sim_srv6_upper_layer(SimSrv6Packet *pk);
/* Drops the packet, counted at the SID with @reason; with @icmp_type > 0
 * an ICMPv6 error (type, code, pointer) goes to the source first (not in
 * Linux-compatible mode). */
SIM_API void sim_srv6_drop(SimSrv6Packet *pk, SimDropReason reason, uint8_t icmp_type,
                           uint8_t icmp_code, uint32_t pointer);
/* Removes the outer IPv6 header and its extension headers (up to
 * pk->upper) and returns the inner packet (the same SimPacket). */
SIM_API SimPacket *sim_srv6_decapsulate(SimSrv6Packet *pk);
/* Removes the SRH (PSP/USP, RFC 8986 §4.16.1-2): Next Header and Payload
 * Length are fixed; pk->srh becomes NULL and offsets shift. */
SIM_API void sim_srv6_remove_srh(SimSrv6Packet *pk);

/* ---- headends and SR policies (RFC 8986 §5, RFC 9256) ----------------------------------- */

typedef enum {
  SIM_SRV6_H_ENCAPS,     /* H.Encaps: outer header + SRH with every segment */
  SIM_SRV6_H_ENCAPS_RED, /* H.Encaps.Red: the SRH leaves out the first segment */
  SIM_SRV6_H_INSERT,     /* H.Insert: an SRH inserted after the header (historic) */
  SIM_SRV6_H_INSERT_RED  /* H.Insert.Red */
} SimSrv6HeadendMode;

typedef enum {
  SIM_SRV6_FLOW_LABEL_HASH, /* from the inner flow (RFC 6437 §3, RFC 6438) */
  SIM_SRV6_FLOW_LABEL_COPY, /* the inner packet's */
  SIM_SRV6_FLOW_LABEL_ZERO
} SimSrv6FlowLabelMode;

typedef struct {
  SimSrv6HeadendMode mode;
  SimIp6Addr source;         /* outer source (:: = the node's primary address) */
  int hop_limit;             /* outer hop limit: 1..255, 0 = 64, -1 = copy the inner */
  gboolean copy_traffic_class; /* outer traffic class from the inner (TRUE) or 0 */
  SimSrv6FlowLabelMode flow_label;
  SimSrhHmacKey hmac;        /* key id 0: no HMAC TLV */
  /* marking of the outer header for per-hop selection of a network
   * resource partition (RFC 9732 §5), e.g. by the slicing module: */
  int dscp;                  /* 0..63: the outer DSCP (ECN still per copy_traffic_class);
                              * -1: the traffic class per copy_traffic_class */
  uint8_t flow_label_tag_bits; /* 1..19: the top bits of the outer flow label hold
                                * flow_label_tag (the rest keeps the flow's entropy); 0: none */
  uint32_t flow_label_tag;
  uint8_t nrp_option;        /* non-zero: a Hop-by-Hop header follows the outer header with
                              * an option of this type carrying nrp_id (4 bytes, network
                              * order), as in draft-ietf-6man-enhanced-vpn-vtn-id */
  uint32_t nrp_id;
} SimSrv6HeadendConfig;

SIM_API void sim_srv6_headend_config_init(SimSrv6HeadendConfig *cfg);
/* The node's outer source for encapsulations whose configuration leaves
 * it unspecified (NULL: back to the primary address). */
SIM_API void sim_srv6_set_source(SimSrv6 *sr, const SimIp6Addr *src);

/* A policy (headend, color, endpoint) with a name for results. @cfg:
 * the headend behaviour (nullable: H.Encaps defaults). */
SIM_API SimSrv6Policy *sim_srv6_policy_new(SimSrv6 *sr, const char *name, uint32_t color,
                                           const SimIp6Addr *endpoint,
                                           const SimSrv6HeadendConfig *cfg, GError **error);
/* Adds a segment list (S1 ... Sn, path order) with a weight to the
 * candidate path of @preference (created on first use). The valid
 * candidate path with the highest preference is active (RFC 9256 §2.9);
 * its segment lists share flows in proportion to their weights (§2.11). */
SIM_API gboolean sim_srv6_policy_add_segment_list(SimSrv6Policy *pol, uint32_t preference,
                                                  const SimIp6Addr *segs, unsigned n,
                                                  uint32_t weight, GError **error);
/* Marks a candidate path invalid (or valid again): the next preference
 * takes over (RFC 9256 §2.9). */
SIM_API gboolean sim_srv6_policy_set_path_valid(SimSrv6Policy *pol, uint32_t preference,
                                                gboolean valid);
/* RFC 9256 §8.1-8.2: when no candidate path is valid, traffic steered
 * into the policy follows the routes (the default) or, with
 * drop-upon-invalid, is dropped (no_route, counted by the policy). */
SIM_API void sim_srv6_policy_set_drop_upon_invalid(SimSrv6Policy *pol, gboolean drop);
/* A Binding SID: packets to @bsid are steered into the policy
 * (End.B6.Encaps, or .Red with an H.Encaps.Red policy). */
SIM_API gboolean sim_srv6_policy_set_bsid(SimSrv6Policy *pol, const SimIp6Addr *bsid,
                                          GError **error);
SIM_API SimSrv6Policy *sim_srv6_policy_find(const SimSrv6 *sr, uint32_t color,
                                            const SimIp6Addr *endpoint);
SIM_API SimSrv6Policy *sim_srv6_policy_by_name(const SimSrv6 *sr, const char *name);
SIM_API const char *sim_srv6_policy_name(const SimSrv6Policy *pol);
SIM_API guint sim_srv6_n_policies(const SimSrv6 *sr);
SIM_API SimSrv6Policy *sim_srv6_policy(const SimSrv6 *sr, guint i);
SIM_API const SimSrv6Counters *sim_srv6_policy_counters(const SimSrv6Policy *pol);
SIM_API uint32_t sim_srv6_policy_color(const SimSrv6Policy *pol);
SIM_API const SimIp6Addr *sim_srv6_policy_endpoint(const SimSrv6Policy *pol);
SIM_API const SimSrv6HeadendConfig *sim_srv6_policy_config(const SimSrv6Policy *pol);
/* "preference 100: [S1 S2] weight 1 | [S3] weight 1; preference 99: ..." */
SIM_API void sim_srv6_policy_describe(const SimSrv6Policy *pol, GString *out);
SIM_API const char *sim_srv6_headend_mode_name(SimSrv6HeadendMode mode);

/* A flow classifier (steering by flow): each field 0/empty matches all. */
typedef struct {
  SimIp6Prefix src, dst;
  uint8_t protocol;         /* upper-layer protocol, 0: any */
  uint16_t sport_min, sport_max, dport_min, dport_max; /* 0, 0: any */
  int dscp;                 /* -1: any */
} SimSrv6Match;

SIM_API void sim_srv6_match_init(SimSrv6Match *m);

/**
 * sim_srv6_steer:
 * Steers packets to @prefix in @table (0: main; a VRF's table for
 * per-VRF steering) into @pol, with @service (nullable) appended as the
 * last segment (an L3VPN service SID such as End.DT46). @pol NULL: a
 * plain encapsulation to @service. Several calls for the same prefix with
 * a @match (nullable = everything else) classify flows into policies in
 * the order they were added.
 */
SIM_API gboolean sim_srv6_steer(SimSrv6 *sr, uint32_t table, const SimIp6Prefix *prefix,
                                const SimSrv6Match *match, SimSrv6Policy *pol,
                                const SimIp6Addr *service, const SimSrv6HeadendConfig *cfg,
                                GError **error);

/* ---- SR domain security (RFC 8754 §5) ------------------------------------------------- */

typedef enum {
  SIM_SRV6_IFACE_INTERNAL, /* inside the SR domain: no filter */
  SIM_SRV6_IFACE_EXTERNAL  /* at the domain's edge: packets with an SRH, or to a SID of the
                            * domain, are dropped unless their HMAC verifies (when keys are
                            * set) */
} SimSrv6IfaceMode;

/* The SR domain's SID space (e.g. fc00::/16): what counts as "a SID
 * within the SR domain" for the ingress filter; the node's locators are
 * always in it. */
SIM_API void sim_srv6_add_domain_prefix(SimSrv6 *sr, const SimIp6Prefix *prefix);
SIM_API void sim_srv6_set_iface_mode(SimSrv6 *sr, SimIface *iface, SimSrv6IfaceMode mode);
/* A key for verifying HMAC TLVs (RFC 8754 §2.1.2.2): a packet entering
 * on an external interface needs a valid HMAC; on any interface, an HMAC
 * TLV present is verified when its key id is known, and a mismatch is
 * dropped. With sim_srv6_set_hmac_required() every SRH reaching one of
 * the node's SIDs needs an HMAC TLV that verifies (srv6_hmac otherwise). */
SIM_API gboolean sim_srv6_add_hmac_key(SimSrv6 *sr, const SimSrhHmacKey *key, GError **error);
SIM_API void sim_srv6_set_hmac_required(SimSrv6 *sr, gboolean require);

G_END_DECLS

#endif /* IPESIM_SRV6_H */
