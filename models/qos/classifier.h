/* classifier.h - packet classification and DSCP marking for QoS.
 *
 * A SimClassifier is an ordered list of rules; the first rule whose fields
 * all match a packet gives its class, and a packet no rule matches gets the
 * default class. Rules look at the outer IP header at the front of a packet
 * (IPv6, or IPv4 seen through IPv4-mapped addresses ::ffff:a.b.c.d), its
 * upper-layer protocol and ports, the ingress interface from the packet
 * metadata, and an NRP ID carried in an IPv6 Hop-by-Hop option.
 *
 * DSCP values and per-hop behaviour names follow RFC 2474 (the DS field:
 * the upper six bits of the IPv6 Traffic Class / IPv4 TOS octet, class
 * selectors CSn = n << 3), RFC 2597 (AFxy = 8x + 2y) and RFC 3246 (EF = 46).
 */
#ifndef IPESIM_QOS_CLASSIFIER_H
#define IPESIM_QOS_CLASSIFIER_H

#include "ip6addr.h"
#include "qdisc.h"

G_BEGIN_DECLS

/* The IETF NRP option (draft-ietf-6man-enhanced-vpn-vtn-id) is still a
 * draft without an assigned option type, so the Hop-by-Hop option that
 * carries a 32-bit NRP ID uses by default 0x3E, an experimental value of
 * RFC 4727 (act = 00: skip if unknown; chg = 1: may change en route). The
 * type is configurable with sim_classifier_set_nrp_option_type(). */
#define SIM_CLASSIFIER_NRP_OPTION_DEFAULT 0x3E

/* Fields a rule matches on (bits of SimClassifierRule.fields). */
typedef enum {
  SIM_CLASSIFIER_DSCP = 1u << 0,       /* dscp_set holds the DSCP (bit n = DSCP n) */
  SIM_CLASSIFIER_ECN = 1u << 1,        /* ECN field (0..3) equals ecn */
  SIM_CLASSIFIER_FLOW_LABEL = 1u << 2, /* (label & mask) == value; IPv6 only */
  SIM_CLASSIFIER_SRC = 1u << 3,        /* source in src prefix */
  SIM_CLASSIFIER_DST = 1u << 4,        /* destination in dst prefix */
  SIM_CLASSIFIER_PROTOCOL = 1u << 5,   /* upper-layer protocol equals protocol */
  SIM_CLASSIFIER_SPORT = 1u << 6,      /* UDP/TCP source port in [lo, hi] */
  SIM_CLASSIFIER_DPORT = 1u << 7,      /* UDP/TCP destination port in [lo, hi] */
  SIM_CLASSIFIER_INGRESS = 1u << 8,    /* SimPacketMeta.ingress equals ingress */
  SIM_CLASSIFIER_NRP = 1u << 9,        /* Hop-by-Hop NRP option holds nrp_id */
} SimClassifierField;

/**
 * SimClassifierRule:
 * One rule; only the fields named in @fields are compared. Prefixes are
 * IPv6; an IPv4 prefix a.b.c.d/n is written ::ffff:a.b.c.d/(96 + n) and
 * only matches IPv4 packets (and IPv6 packets with mapped addresses).
 * @klass: the class of a matching packet
 */
typedef struct {
  uint32_t fields;
  uint64_t dscp_set;
  uint8_t ecn;
  uint32_t flow_label, flow_label_mask;
  SimIp6Prefix src, dst;
  uint8_t protocol;
  uint16_t sport_lo, sport_hi;
  uint16_t dport_lo, dport_hi;
  uint32_t ingress;
  uint32_t nrp_id;
  uint32_t klass;
} SimClassifierRule;

typedef struct _SimClassifier SimClassifier;

/* Returns: (transfer full): a classifier without rules that puts every
 * packet in @default_class. */
SIM_API SimClassifier *sim_classifier_new(uint32_t default_class);
SIM_API void sim_classifier_free(SimClassifier *c);

/* Appends a copy of @rule (rules are tried in the order added). */
SIM_API void sim_classifier_add_rule(SimClassifier *c, const SimClassifierRule *rule);
SIM_API guint sim_classifier_n_rules(const SimClassifier *c);
SIM_API uint32_t sim_classifier_default_class(const SimClassifier *c);
SIM_API void sim_classifier_set_default_class(SimClassifier *c, uint32_t klass);
/* The Hop-by-Hop option type that carries the NRP ID (4 bytes, network
 * order); SIM_CLASSIFIER_NRP_OPTION_DEFAULT unless changed. */
SIM_API void sim_classifier_set_nrp_option_type(SimClassifier *c, uint8_t type);

/* Class of the IP packet at offset @l3_offset of @p (0 for a packet without
 * link header). A packet that is not IPv4/IPv6 or is truncated only matches
 * rules on the ingress interface. Allocates nothing. */
SIM_API uint32_t sim_classifier_classify(const SimClassifier *c, const SimPacket *p,
                                         size_t l3_offset);
/* As sim_classifier_classify() for a packet about to leave @iface (NULL:
 * none): skips the Ethernet II header (and one 802.1Q tag) on Ethernet
 * interfaces, where the qdisc sees frames. */
SIM_API uint32_t sim_classifier_classify_frame(const SimClassifier *c, const SimPacket *p,
                                               const SimIface *iface);

/* ---- DSCP ----------------------------------------------------------------------------------- */

/* DSCP (0..63) of the IP header at @b (IPv6 or IPv4 by version); -1 if
 * neither or shorter than @len allows. */
SIM_API int sim_dscp_get(const uint8_t *b, size_t len);
/* Re-marks the IPv6 Traffic Class DSCP bits of the header at @b (the ECN
 * bits stay). */
SIM_API void sim_dscp_ip6_set(uint8_t *b, uint8_t dscp);
/* Re-marks the IPv4 TOS DSCP bits of the header at @b (ECN bits stay) and
 * updates the header checksum incrementally (RFC 1624 eqn. 3). */
SIM_API void sim_dscp_ip4_set(uint8_t *b, uint8_t dscp);
/* Re-marks the IP packet at offset @l3_offset of @p (real bytes, made
 * writable); FALSE if it is neither IPv6 nor IPv4. */
SIM_API gboolean sim_dscp_packet_set(SimPacket *p, size_t l3_offset, uint8_t dscp);

/* PHB names: "EF" (46, RFC 3246), "AF11".."AF43" (RFC 2597), "CS0".."CS7"
 * (RFC 2474), "BE" and "DF" (0); also a number 0..63. Case-insensitive.
 * FALSE with an error naming the accepted forms otherwise. */
SIM_API gboolean sim_dscp_parse(const char *text, uint8_t *dscp, GError **error);
/* The PHB name of @dscp ("EF", "AF41", "CS6", "BE" for 0), or NULL if it
 * has none. */
SIM_API const char *sim_dscp_name(uint8_t dscp);
/* Writes the name of @dscp, or its number, into @buf. */
#define SIM_DSCP_STRLEN 8
SIM_API const char *sim_dscp_format(uint8_t dscp, char buf[SIM_DSCP_STRLEN]);

#define SIM_CLASSIFIER_ERROR (sim_classifier_error_quark())
typedef enum { SIM_CLASSIFIER_ERROR_SYNTAX } SimClassifierError;
SIM_API GQuark sim_classifier_error_quark(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimClassifier, sim_classifier_free)

G_END_DECLS

#endif /* IPESIM_QOS_CLASSIFIER_H */
