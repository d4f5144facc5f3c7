/* classifier.c - first-match packet classification, DSCP marking, PHB names.
 *
 * Classification parses the outer header once into a small key on the
 * stack (no allocation): DS field, flow label, addresses (IPv4 ones as
 * IPv4-mapped IPv6 addresses, so one prefix test serves both), the
 * upper-layer protocol after the IPv6 extension headers, ports and the
 * NRP ID of the Hop-by-Hop header; then the rules are tried in order.
 * Only the fields some rule uses are parsed (c->need), so a DSCP-only
 * classifier reads two bytes.
 *
 * The tricky part is the extension-header walk: Hop-by-Hop, Routing,
 * Destination Options are (len + 1) * 8 bytes, Fragment is 8 bytes and
 * only the first fragment (offset 0) carries ports; AH is (len + 2) * 4.
 * A header that runs past the real bytes ends the walk with no protocol.
 */
#define G_LOG_DOMAIN "ipesim-qos"
#include "config.h"

#include "classifier.h"
#include "simpacket-private.h"

#include "ip6.h"

#include <string.h>

G_DEFINE_QUARK(sim-classifier-error-quark, sim_classifier_error)

struct _SimClassifier {
  GArray *rules; /* SimClassifierRule */
  uint32_t default_class;
  uint32_t need; /* union of the rules' fields */
  uint8_t nrp_type;
};

SimClassifier *
sim_classifier_new(uint32_t default_class)
{
  SimClassifier *c = g_new0(SimClassifier, 1);
  c->rules = g_array_new(FALSE, FALSE, sizeof(SimClassifierRule));
  c->default_class = default_class;
  c->nrp_type = SIM_CLASSIFIER_NRP_OPTION_DEFAULT;
  return c;
}

void
sim_classifier_free(SimClassifier *c)
{
  if (!c)
    return;
  g_array_unref(c->rules);
  g_free(c);
}

void
sim_classifier_add_rule(SimClassifier *c, const SimClassifierRule *rule)
{
  g_return_if_fail(c != NULL && rule != NULL);
  g_return_if_fail(rule->src.len <= 128 && rule->dst.len <= 128);
  g_array_append_val(c->rules, *rule);
  c->need |= rule->fields;
}

guint
sim_classifier_n_rules(const SimClassifier *c)
{
  return c->rules->len;
}

uint32_t
sim_classifier_default_class(const SimClassifier *c)
{
  return c->default_class;
}

void
sim_classifier_set_default_class(SimClassifier *c, uint32_t klass)
{
  c->default_class = klass;
}

void
sim_classifier_set_nrp_option_type(SimClassifier *c, uint8_t type)
{
  c->nrp_type = type;
}

/* ---- parsing ---------------------------------------------------------------------------------- */

typedef struct {
  bool ip;         /* an IPv4/IPv6 header was found */
  bool v6;         /* ... and it is IPv6 (the only one with a flow label) */
  bool has_proto;  /* the extension-header walk reached an upper layer */
  bool has_ports;  /* UDP/TCP with its ports in the real bytes */
  bool has_nrp;
  uint8_t dscp, ecn, proto;
  uint32_t flow_label;
  uint16_t sport, dport;
  uint32_t nrp_id;
  SimIp6Addr src, dst;
} Key;

#define NEED_L4 (SIM_CLASSIFIER_PROTOCOL | SIM_CLASSIFIER_SPORT | SIM_CLASSIFIER_DPORT)

static inline uint16_t
rd16(const uint8_t *b)
{
  return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t
rd32(const uint8_t *b)
{
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static void
ports(Key *k, const uint8_t *b, size_t len, size_t off)
{
  if ((k->proto == SIM_IPPROTO_UDP || k->proto == SIM_IPPROTO_TCP) && off + 4 <= len) {
    k->has_ports = true;
    k->sport = rd16(b + off);
    k->dport = rd16(b + off + 2);
  }
}

/* The NRP option in the Hop-by-Hop header at @h (@hlen bytes). */
static void
hbh_nrp(Key *k, const uint8_t *h, size_t hlen, uint8_t type)
{
  for (size_t i = 2; i < hlen;) {
    if (h[i] == 0) { /* Pad1 */
      i++;
      continue;
    }
    if (i + 2 > hlen || i + 2 + h[i + 1] > hlen)
      return;
    if (h[i] == type && h[i + 1] == 4) {
      k->has_nrp = true;
      k->nrp_id = rd32(h + i + 2);
      return;
    }
    i += 2u + h[i + 1];
  }
}

static void
parse6(Key *k, const uint8_t *b, size_t len, uint32_t need, uint8_t nrp_type)
{
  k->ip = k->v6 = true;
  k->dscp = (uint8_t)(((b[0] & 0x0f) << 2) | (b[1] >> 6));
  k->ecn = (b[1] >> 4) & 3;
  k->flow_label = ((uint32_t)(b[1] & 0x0f) << 16) | rd16(b + 2);
  if (need & SIM_CLASSIFIER_SRC)
    memcpy(k->src.b, b + 8, 16);
  if (need & SIM_CLASSIFIER_DST)
    memcpy(k->dst.b, b + 24, 16);
  if (!(need & (NEED_L4 | SIM_CLASSIFIER_NRP)))
    return;
  uint8_t nh = b[6];
  size_t off = SIM_IP6_HEADER_LEN;
  for (unsigned n = 0; n < 16; n++) {
    size_t hl;
    switch (nh) {
    case SIM_IPPROTO_HOPOPTS:
    case SIM_IPPROTO_ROUTING:
    case SIM_IPPROTO_DSTOPTS:
      if (off + 2 > len)
        return;
      hl = ((size_t)b[off + 1] + 1) * 8;
      if (off + hl > len)
        return;
      if (nh == SIM_IPPROTO_HOPOPTS && off == SIM_IP6_HEADER_LEN && (need & SIM_CLASSIFIER_NRP))
        hbh_nrp(k, b + off, hl, nrp_type);
      break;
    case SIM_IPPROTO_FRAGMENT:
      if (off + 8 > len)
        return;
      if (rd16(b + off + 2) & 0xfff8) { /* not the first fragment: no upper header */
        k->has_proto = true;
        k->proto = b[off];
        return;
      }
      hl = 8;
      break;
    case 51: /* AH (RFC 4302): length in 4-octet units minus 2 */
      if (off + 2 > len)
        return;
      hl = ((size_t)b[off + 1] + 2) * 4;
      break;
    default:
      k->has_proto = true;
      k->proto = nh;
      ports(k, b, len, off);
      return;
    }
    nh = b[off];
    off += hl;
  }
}

static void
parse4(Key *k, const uint8_t *b, size_t len)
{
  size_t ihl = (size_t)(b[0] & 0x0f) * 4;
  if (ihl < 20 || ihl > len)
    return;
  k->ip = true;
  k->dscp = b[1] >> 2;
  k->ecn = b[1] & 3;
  static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  memcpy(k->src.b, mapped, 12);
  memcpy(k->src.b + 12, b + 12, 4);
  memcpy(k->dst.b, mapped, 12);
  memcpy(k->dst.b + 12, b + 16, 4);
  k->has_proto = true;
  k->proto = b[9];
  if ((rd16(b + 6) & 0x1fff) == 0) /* first fragment (or whole datagram) */
    ports(k, b, len, ihl);
}

static bool
prefix_match(const SimIp6Prefix *pf, const SimIp6Addr *a)
{
  unsigned n = pf->len / 8, r = pf->len % 8;
  if (memcmp(pf->addr.b, a->b, n) != 0)
    return false;
  return r == 0 || ((pf->addr.b[n] ^ a->b[n]) & (uint8_t)(0xff << (8 - r))) == 0;
}

static bool
rule_match(const SimClassifierRule *r, const Key *k, uint32_t ingress)
{
  uint32_t f = r->fields;
  if ((f & SIM_CLASSIFIER_INGRESS) && r->ingress != ingress)
    return false;
  if (!(f & ~(uint32_t)SIM_CLASSIFIER_INGRESS))
    return true;
  if (!k->ip)
    return false;
  if ((f & SIM_CLASSIFIER_DSCP) && !(r->dscp_set >> k->dscp & 1))
    return false;
  if ((f & SIM_CLASSIFIER_ECN) && r->ecn != k->ecn)
    return false;
  if ((f & SIM_CLASSIFIER_FLOW_LABEL) &&
      (!k->v6 || (k->flow_label & r->flow_label_mask) != r->flow_label))
    return false;
  if ((f & SIM_CLASSIFIER_SRC) && !prefix_match(&r->src, &k->src))
    return false;
  if ((f & SIM_CLASSIFIER_DST) && !prefix_match(&r->dst, &k->dst))
    return false;
  if ((f & SIM_CLASSIFIER_PROTOCOL) && (!k->has_proto || r->protocol != k->proto))
    return false;
  if ((f & SIM_CLASSIFIER_SPORT) &&
      (!k->has_ports || k->sport < r->sport_lo || k->sport > r->sport_hi))
    return false;
  if ((f & SIM_CLASSIFIER_DPORT) &&
      (!k->has_ports || k->dport < r->dport_lo || k->dport > r->dport_hi))
    return false;
  if ((f & SIM_CLASSIFIER_NRP) && (!k->has_nrp || k->nrp_id != r->nrp_id))
    return false;
  return true;
}

uint32_t
sim_classifier_classify(const SimClassifier *c, const SimPacket *p, size_t l3_offset)
{
  guint n = c->rules->len;
  if (n == 0)
    return c->default_class;
  Key k;
  k.ip = k.v6 = k.has_proto = k.has_ports = k.has_nrp = false;
  k.dscp = k.ecn = 0;
  size_t real = sim__packet_real_length(p);
  if (c->need & ~(uint32_t)SIM_CLASSIFIER_INGRESS && l3_offset < real) {
    const uint8_t *b = sim__packet_data(p) + l3_offset;
    size_t len = real - l3_offset;
    unsigned v = b[0] >> 4;
    if (v == 6 && len >= SIM_IP6_HEADER_LEN)
      parse6(&k, b, len, c->need, c->nrp_type);
    else if (v == 4 && len >= 20)
      parse4(&k, b, len);
  }
  uint32_t ingress = sim__packet_meta_const(p)->ingress;
  const SimClassifierRule *r = (const SimClassifierRule *)(const void *)c->rules->data;
  for (guint i = 0; i < n; i++)
    if (rule_match(&r[i], &k, ingress))
      return r[i].klass;
  return c->default_class;
}

uint32_t
sim_classifier_classify_frame(const SimClassifier *c, const SimPacket *p, const SimIface *iface)
{
  size_t off = 0;
  if (iface && sim_iface_is_ethernet(iface)) {
    const uint8_t *b = sim__packet_data(p);
    size_t len = sim__packet_real_length(p);
    off = 14;
    if (len >= 18 && rd16(b + 12) == 0x8100)
      off = 18;
    if (len < off)
      off = len;
  }
  return sim_classifier_classify(c, p, off);
}

/* ---- DSCP marking ------------------------------------------------------------------------------ */

int
sim_dscp_get(const uint8_t *b, size_t len)
{
  if (len >= SIM_IP6_HEADER_LEN && b[0] >> 4 == 6)
    return ((b[0] & 0x0f) << 2) | (b[1] >> 6);
  if (len >= 20 && b[0] >> 4 == 4)
    return b[1] >> 2;
  return -1;
}

void
sim_dscp_ip6_set(uint8_t *b, uint8_t dscp)
{
  /* Traffic Class = version(4) | TC(8) | flow label(20): DSCP is TC bits 7..2 */
  b[0] = (uint8_t)((b[0] & 0xf0) | ((dscp >> 2) & 0x0f));
  b[1] = (uint8_t)((b[1] & 0x3f) | ((dscp & 3) << 6));
}

void
sim_dscp_ip4_set(uint8_t *b, uint8_t dscp)
{
  uint16_t old = rd16(b);
  b[1] = (uint8_t)((dscp << 2) | (b[1] & 3));
  uint16_t neu = rd16(b);
  /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') in one's complement */
  uint32_t sum = (uint16_t)~rd16(b + 10);
  sum += (uint16_t)~old;
  sum += neu;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  uint16_t hc = (uint16_t)~sum;
  b[10] = (uint8_t)(hc >> 8);
  b[11] = (uint8_t)hc;
}

gboolean
sim_dscp_packet_set(SimPacket *p, size_t l3_offset, uint8_t dscp)
{
  g_return_val_if_fail(p != NULL && dscp < 64, FALSE);
  size_t real = sim__packet_real_length(p);
  if (l3_offset >= real)
    return FALSE;
  int cur = sim_dscp_get(sim__packet_data(p) + l3_offset, real - l3_offset);
  if (cur < 0)
    return FALSE;
  uint8_t *b = sim__packet_data_writable(p) + l3_offset;
  if (b[0] >> 4 == 6)
    sim_dscp_ip6_set(b, dscp);
  else
    sim_dscp_ip4_set(b, dscp);
  return TRUE;
}

/* ---- PHB names --------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  uint8_t dscp;
} phb[] = {
  { "BE", 0 },    { "DF", 0 },    { "CS0", 0 },   { "CS1", 8 },   { "CS2", 16 },  { "CS3", 24 },
  { "CS4", 32 },  { "CS5", 40 },  { "CS6", 48 },  { "CS7", 56 },  { "AF11", 10 }, { "AF12", 12 },
  { "AF13", 14 }, { "AF21", 18 }, { "AF22", 20 }, { "AF23", 22 }, { "AF31", 26 }, { "AF32", 28 },
  { "AF33", 30 }, { "AF41", 34 }, { "AF42", 36 }, { "AF43", 38 }, { "EF", 46 },
};

gboolean
sim_dscp_parse(const char *text, uint8_t *dscp, GError **error)
{
  g_return_val_if_fail(text != NULL && dscp != NULL, FALSE);
  for (size_t i = 0; i < G_N_ELEMENTS(phb); i++)
    if (g_ascii_strcasecmp(text, phb[i].name) == 0) {
      *dscp = phb[i].dscp;
      return TRUE;
    }
  guint64 v;
  if (g_ascii_string_to_unsigned(text, 10, 0, 63, &v, NULL)) {
    *dscp = (uint8_t)v;
    return TRUE;
  }
  g_set_error(error, SIM_CLASSIFIER_ERROR, SIM_CLASSIFIER_ERROR_SYNTAX,
              "'%s' is not a DSCP: expected 0..63 or a PHB name (EF, AF11..AF43, CS0..CS7, "
              "BE, DF)",
              text);
  return FALSE;
}

const char *
sim_dscp_name(uint8_t dscp)
{
  for (size_t i = 0; i < G_N_ELEMENTS(phb); i++)
    if (phb[i].dscp == dscp)
      return phb[i].name;
  return NULL;
}

const char *
sim_dscp_format(uint8_t dscp, char buf[SIM_DSCP_STRLEN])
{
  const char *n = sim_dscp_name(dscp);
  if (n)
    g_strlcpy(buf, n, SIM_DSCP_STRLEN);
  else
    g_snprintf(buf, SIM_DSCP_STRLEN, "%u", dscp & 63u);
  return buf;
}
