/* headend.c - SR policies (RFC 9256) and the headend behaviours of RFC
 * 8986 §5: H.Encaps, H.Encaps.Red, and the historical SRH insertion
 * H.Insert / H.Insert.Red; steering by destination prefix (per table, so
 * per VRF), by flow classifier, and into L3VPN service SIDs.
 *
 * H.Encaps (§5.1): S01 push an outer IPv6 header with an SRH holding the
 * whole path (Segment List[0] = the last segment, Segments Left = Last
 * Entry = n - 1), S02 outer source = the policy's source, else the
 * node's (sim_srv6_set_source), else its primary address, destination = S1, S03 payload length,
 * traffic class, hop limit and flow label, S04 next header 41 (or 4),
 * S05 decrement the inner hop limit, S06 send. H.Encaps.Red (§5.2) leaves
 * S1 out of the SRH (Last Entry n - 2) and the SRH altogether for a single
 * segment. The outer hop limit is the node's default (RFC 2473 §6.3), the
 * traffic class copied from the inner packet (RFC 2983 uniform model), the
 * flow label hashed from the inner flow (RFC 6437 §3, RFC 6438) - each
 * configurable. An encapsulated packet larger than the egress MTU makes
 * the headend send Packet Too Big to the inner source with the MTU left
 * for it (RFC 2473 §7.1) when the inner packet is over 1280 bytes, and
 * fragment the outer packet otherwise.
 */
#define G_LOG_DOMAIN "ipesim-srv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"
#include "srv6-private.h"

#include <string.h>

static gboolean
fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean
fail(GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, g_quark_from_static_string("ipesim-srv6-error-quark"), 0, msg);
  g_free(msg);
  return FALSE;
}

void
sim_srv6_set_source(SimSrv6 *sr, const SimIp6Addr *src)
{
  g_return_if_fail(sr != NULL);
  if (src)
    sr->source = *src;
  else
    memset(&sr->source, 0, sizeof sr->source);
}

void
sim_srv6_headend_config_init(SimSrv6HeadendConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->mode = SIM_SRV6_H_ENCAPS;
  cfg->copy_traffic_class = TRUE;
  cfg->flow_label = SIM_SRV6_FLOW_LABEL_HASH;
  cfg->dscp = -1;
}

void
sim_srv6_match_init(SimSrv6Match *m)
{
  memset(m, 0, sizeof *m);
  m->dscp = -1;
}

static inline uint32_t
mix32(uint32_t h)
{
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  h *= 0x846ca68b;
  h ^= h >> 16;
  return h;
}

static inline uint32_t
get32(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint32_t
sim__srv6_flow_hash(const SimPacket *p)
{
  const uint8_t *b = sim__packet_data(p);
  size_t real = sim__packet_real_length(p);
  uint32_t x = 0x9e3779b9u;
  if (real >= SIM_IP6_HEADER_LEN && (b[0] >> 4) == 6) {
    for (int i = 8; i < 40; i += 4)
      x = mix32(x ^ get32(b + i));
    uint32_t fl = get32(b) & 0xfffff;
    if (fl)
      return mix32(x ^ fl);
    uint8_t proto;
    size_t off;
    if (sim__ip6_find_upper(b, real, &proto, &off)) {
      x = mix32(x ^ proto);
      if ((proto == SIM_IPPROTO_UDP || proto == SIM_IPPROTO_TCP) && off + 4 <= real)
        x = mix32(x ^ get32(b + off));
    }
    return x;
  }
  if (real >= 20 && (b[0] >> 4) == 4) {
    size_t ihl = (size_t)(b[0] & 0xf) * 4;
    x = mix32(x ^ get32(b + 12));
    x = mix32(x ^ get32(b + 16));
    x = mix32(x ^ b[9]);
    if ((b[9] == SIM_IPPROTO_UDP || b[9] == SIM_IPPROTO_TCP) && ihl + 4 <= real)
      x = mix32(x ^ get32(b + ihl));
  }
  return x;
}

/* ---- policies -------------------------------------------------------------------------------- */

void
sim__srv6_policy_free(SimSrv6Policy *pol)
{
  for (guint i = 0; i < pol->paths->len; i++) {
    CandidatePath *c = &g_array_index(pol->paths, CandidatePath, i);
    for (guint j = 0; j < c->lists->len; j++)
      g_free(g_array_index(c->lists, SegList, j).segs);
    g_array_unref(c->lists);
  }
  g_array_unref(pol->paths);
  g_free(pol->hmac_key);
  g_free(pol->name);
  g_free(pol);
}

SimSrv6Policy *
sim_srv6_policy_new(SimSrv6 *sr, const char *name, uint32_t color, const SimIp6Addr *endpoint,
                    const SimSrv6HeadendConfig *cfg, GError **error)
{
  const char *node = sim_node_name(sim_ip6_node(sr->ip));
  if (!name || !*name) {
    fail(error, "node %s: a policy needs a name", node);
    return NULL;
  }
  if (sim_srv6_policy_by_name(sr, name)) {
    fail(error, "node %s: policy %s is defined twice", node, name);
    return NULL;
  }
  if (endpoint && sim_srv6_policy_find(sr, color, endpoint)) {
    char buf[SIM_IP6_ADDR_STRLEN];
    fail(error, "node %s: policy %s: (color %u, endpoint %s) has a policy already (RFC 9256 §2.1)",
         node, name, color, sim_ip6_addr_format(endpoint, buf));
    return NULL;
  }
  SimSrv6Policy *pol = g_new0(SimSrv6Policy, 1);
  pol->sr = sr;
  pol->name = g_strdup(name);
  pol->color = color;
  if (endpoint)
    pol->endpoint = *endpoint;
  if (cfg)
    pol->cfg = *cfg;
  else
    sim_srv6_headend_config_init(&pol->cfg);
  if (pol->cfg.hmac.key_id) {
    pol->hmac_key = g_memdup2(pol->cfg.hmac.key, pol->cfg.hmac.key_len);
    pol->cfg.hmac.key = pol->hmac_key;
  }
  pol->paths = g_array_new(FALSE, FALSE, sizeof(CandidatePath));
  g_ptr_array_add(sr->policies, pol);
  return pol;
}

static CandidatePath *
path_get(SimSrv6Policy *pol, uint32_t preference, bool create)
{
  guint i;
  for (i = 0; i < pol->paths->len; i++) {
    CandidatePath *c = &g_array_index(pol->paths, CandidatePath, i);
    if (c->preference == preference)
      return c;
    if (c->preference < preference)
      break;
  }
  if (!create)
    return NULL;
  CandidatePath c = { preference, TRUE, g_array_new(FALSE, FALSE, sizeof(SegList)), 0 };
  g_array_insert_val(pol->paths, i, c);
  return &g_array_index(pol->paths, CandidatePath, i);
}

gboolean
sim_srv6_policy_add_segment_list(SimSrv6Policy *pol, uint32_t preference, const SimIp6Addr *segs,
                                 unsigned n, uint32_t weight, GError **error)
{
  if (n == 0 || n > SIM_SRH_MAX_SEGMENTS - 1)
    return fail(error, "policy %s: a segment list holds 1 to %d segments", pol->name,
                SIM_SRH_MAX_SEGMENTS - 1);
  if (weight == 0)
    return fail(error, "policy %s: a segment list's weight is at least 1", pol->name);
  for (unsigned i = 0; i < n; i++)
    if (sim_ip6_addr_is_multicast(&segs[i]) || sim_ip6_addr_is_unspecified(&segs[i]))
      return fail(error, "policy %s: segment %u is not a unicast address", pol->name, i + 1);
  CandidatePath *c = path_get(pol, preference, true);
  SegList l = { g_memdup2(segs, sizeof(SimIp6Addr) * n), n, weight };
  g_array_append_val(c->lists, l);
  c->total_weight += weight;
  return TRUE;
}

gboolean
sim_srv6_policy_set_path_valid(SimSrv6Policy *pol, uint32_t preference, gboolean valid)
{
  CandidatePath *c = path_get(pol, preference, false);
  if (!c)
    return FALSE;
  c->valid = valid;
  return TRUE;
}

const SegList *
sim__srv6_policy_pick(const SimSrv6Policy *pol, uint32_t hash)
{
  for (guint i = 0; i < pol->paths->len; i++) {
    const CandidatePath *c = &g_array_index(pol->paths, CandidatePath, i);
    if (!c->valid || c->lists->len == 0)
      continue;
    if (c->lists->len == 1)
      return &g_array_index(c->lists, SegList, 0);
    /* RFC 9256 §2.11: weighted load sharing, per flow */
    uint64_t r = ((uint64_t)mix32(hash) * c->total_weight) >> 32;
    for (guint j = 0; j < c->lists->len; j++) {
      const SegList *l = &g_array_index(c->lists, SegList, j);
      if (r < l->weight)
        return l;
      r -= l->weight;
    }
    return &g_array_index(c->lists, SegList, c->lists->len - 1);
  }
  return NULL;
}

void
sim_srv6_policy_set_drop_upon_invalid(SimSrv6Policy *pol, gboolean drop)
{
  g_return_if_fail(pol != NULL);
  pol->drop_upon_invalid = drop;
}

gboolean
sim_srv6_policy_set_bsid(SimSrv6Policy *pol, const SimIp6Addr *bsid, GError **error)
{
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = *bsid;
  c.sid.len = 128;
  c.behaviour = pol->cfg.mode == SIM_SRV6_H_ENCAPS_RED ? "End.B6.Encaps.Red" : "End.B6.Encaps";
  c.policy = pol;
  return sim_srv6_add_sid(pol->sr, &c, error) != NULL;
}

SimSrv6Policy *
sim_srv6_policy_find(const SimSrv6 *sr, uint32_t color, const SimIp6Addr *endpoint)
{
  for (guint i = 0; i < sr->policies->len; i++) {
    SimSrv6Policy *p = sr->policies->pdata[i];
    if (p->color == color && sim_ip6_addr_equal(&p->endpoint, endpoint))
      return p;
  }
  return NULL;
}

SimSrv6Policy *
sim_srv6_policy_by_name(const SimSrv6 *sr, const char *name)
{
  for (guint i = 0; i < sr->policies->len; i++) {
    SimSrv6Policy *p = sr->policies->pdata[i];
    if (g_strcmp0(p->name, name) == 0)
      return p;
  }
  return NULL;
}

const char *
sim_srv6_policy_name(const SimSrv6Policy *pol)
{
  return pol->name;
}

guint
sim_srv6_n_policies(const SimSrv6 *sr)
{
  return sr->policies->len;
}

SimSrv6Policy *
sim_srv6_policy(const SimSrv6 *sr, guint i)
{
  return sr->policies->pdata[i];
}

const SimSrv6Counters *
sim_srv6_policy_counters(const SimSrv6Policy *pol)
{
  return &pol->counters;
}

/* ---- encapsulation and insertion -------------------------------------------------------------- */

void
sim__srv6_encapsulate(SimSrv6 *sr, SimIface *iface, SimPacket *p, uint8_t inner_proto,
                      const SimIp6Addr *segs, unsigned n, const SimSrv6HeadendConfig *cfg,
                      uint32_t hash)
{
  SimIp6 *ip = sr->ip;
  SimNode *node = sim_ip6_node(ip);
  bool lx = sr->linux_compat;
  bool insert = cfg->mode == SIM_SRV6_H_INSERT || cfg->mode == SIM_SRV6_H_INSERT_RED;
  bool reduced = cfg->mode == SIM_SRV6_H_ENCAPS_RED || cfg->mode == SIM_SRV6_H_INSERT_RED;
  if (insert && inner_proto != SIM_IPPROTO_IPV6) {
    sim_node_drop(node, iface, p, SIM_DROP_POLICY); /* an SRH goes into IPv6 packets only */
    return;
  }
  /* RFC 8754 §2: Hdr Ext Len is 8 bits, so an SRH (HMAC TLV included)
   * holds at most 2048 bytes; a longer path (e.g. a service SID or the
   * original destination added to a long policy) cannot be encoded */
  unsigned want = (insert ? 1u : 0u) + n - (reduced ? 1u : 0u);
  if (want > SIM_SRH_MAX_SEGMENTS || (want && sim_srh_size(want, cfg->hmac.key_id != 0) > 2048)) {
    sim_node_drop(node, iface, p, SIM_DROP_POLICY);
    return;
  }
  /* the list in wire order: Segment List[0] is the last segment; an
   * inserted SRH ends with the original destination */
  SimIp6Addr list[SIM_SRH_MAX_SEGMENTS];
  unsigned ln = 0;
  const uint8_t *b = sim__packet_data(p);
  if (insert)
    memcpy(list[ln++].b, b + 24, 16);
  for (unsigned i = n; i-- > (reduced ? 1u : 0u);)
    list[ln++] = segs[i];
  unsigned sl = insert ? n : n - 1;
  bool with_hmac = cfg->hmac.key_id != 0 && ln > 0;
  size_t srh_len = ln ? sim_srh_size(ln, with_hmac) : 0;
  /* an NRP option in a Hop-by-Hop header of the new outer header: 2 bytes
   * of header, the option (type, length 4, NRP ID) = 8 bytes, no padding */
  size_t hbh_len = !insert && cfg->nrp_option ? 8 : 0;
  size_t inner_len = sim__packet_length(p);
  size_t overhead = (insert ? 0 : SIM_IP6_HEADER_LEN) + hbh_len + srh_len;
  if (inner_len + overhead - SIM_IP6_HEADER_LEN > 0xffff) {
    sim_node_drop(node, iface, p, SIM_DROP_TOO_BIG);
    return;
  }
  /* RFC 2473 §7.1: the inner packet does not fit what the tunnel carries */
  gboolean local = FALSE;
  SimIface *out = sim_ip6_route_lookup(ip, &segs[0], hash, &local);
  if (out && inner_proto == SIM_IPPROTO_IPV6) {
    uint32_t mtu = sim_ip6_path_mtu(ip, &segs[0], sim_iface_mtu(out));
    if (inner_len + overhead > mtu && inner_len > SIM_IP6_MIN_MTU) {
      uint32_t room = mtu > overhead ? (uint32_t)(mtu - overhead) : 0;
      sim_icmp6_error(ip, iface, p, SIM_ICMP6_PACKET_TOO_BIG, 0, MAX(room, SIM_IP6_MIN_MTU));
      sim_node_drop(node, iface, p, SIM_DROP_TOO_BIG);
      return;
    }
  }
  /* the inner packet's fields */
  uint8_t ihl, itc;
  uint32_t ifl = 0;
  if (inner_proto == SIM_IPPROTO_IPV6) {
    ihl = b[7];
    itc = (uint8_t)(((b[0] & 0x0f) << 4) | (b[1] >> 4));
    ifl = get32(b) & 0xfffff;
  } else {
    ihl = b[8];
    itc = b[1];
  }
  if (insert) {
    /* after the fixed header and a Hop-by-Hop header (RFC 8200 §4.1) */
    size_t at = SIM_IP6_HEADER_LEN, field = 6;
    if (b[6] == SIM_IPPROTO_HOPOPTS && sim__packet_real_length(p) >= 48) {
      at += ((size_t)b[41] + 1) * 8;
      field = 40;
    }
    sim__packet_push(p, srh_len);
    uint8_t *w = sim__packet_data_writable(p);
    memmove(w, w + srh_len, at);
    uint8_t nh = w[field];
    w[field] = SIM_IPPROTO_ROUTING;
    uint16_t plen = (uint16_t)(((w[4] << 8) | w[5]) + srh_len);
    w[4] = (uint8_t)(plen >> 8);
    w[5] = (uint8_t)plen;
    memcpy(w + 24, segs[0].b, 16);
    SimIp6Addr src;
    memcpy(src.b, w + 8, 16);
    sim_srh_write(w + at, nh, list, ln, (uint8_t)sl, with_hmac ? &cfg->hmac : NULL, &src);
    if (with_hmac && reduced)
      w[at + 8 + 16 * ln + 2] |= 0x80; /* D: the list is reduced */
  } else {
    const SimIp6Addr *src = &cfg->source;
    if (sim_ip6_addr_is_unspecified(src))
      src = &sr->source;
    if (sim_ip6_addr_is_unspecified(src))
      src = sim_ip6_primary_address(ip);
    if (!src) {
      sim_node_drop(node, iface, p, SIM_DROP_NO_ROUTE);
      return;
    }
    SimIp6Addr source = *src;
    uint8_t hl = cfg->hop_limit > 0 ? (uint8_t)cfg->hop_limit : SIM_IP6_DEFAULT_HOP_LIMIT;
    bool v6 = inner_proto == SIM_IPPROTO_IPV6;
    /* the kernel (seg6_do_srh_encap) copies hop limit and traffic class
     * from an IPv6 inner packet only: IPv4 gets the route's hop limit
     * (64) and class 0 */
    if (cfg->hop_limit < 0 || (lx && v6))
      hl = ihl;
    else if (lx)
      hl = SIM_IP6_DEFAULT_HOP_LIMIT;
    uint8_t tc = (lx ? v6 : cfg->copy_traffic_class) ? itc : 0;
    if (!lx && cfg->dscp >= 0)
      tc = (uint8_t)((cfg->dscp << 2) | (tc & 3));
    uint32_t fl = 0;
    if (lx || cfg->flow_label == SIM_SRV6_FLOW_LABEL_COPY)
      fl = ifl;
    else if (cfg->flow_label == SIM_SRV6_FLOW_LABEL_HASH)
      fl = (mix32(hash) & 0xfffff) | (mix32(hash) & 0xfffff ? 0 : 1);
    if (!lx && cfg->flow_label_tag_bits > 0 && cfg->flow_label_tag_bits < 20) {
      unsigned low = 20u - cfg->flow_label_tag_bits;
      fl = (fl & ((1u << low) - 1u)) | ((cfg->flow_label_tag << low) & 0xfffff);
    }
    uint8_t *w = sim__packet_push(p, SIM_IP6_HEADER_LEN + hbh_len + srh_len);
    uint8_t after = ln ? SIM_IPPROTO_ROUTING : inner_proto;
    SimIp6Header oh = { tc, fl, (uint16_t)(inner_len + hbh_len + srh_len),
                        hbh_len ? SIM_IPPROTO_HOPOPTS : after, hl, source, segs[0], 0, 0, 0, 0 };
    sim_ip6_header_write(w, &oh);
    if (hbh_len) {
      uint8_t *o = w + SIM_IP6_HEADER_LEN;
      o[0] = after;
      o[1] = 0; /* Hdr Ext Len: 8 bytes */
      o[2] = cfg->nrp_option;
      o[3] = 4;
      o[4] = (uint8_t)(cfg->nrp_id >> 24);
      o[5] = (uint8_t)(cfg->nrp_id >> 16);
      o[6] = (uint8_t)(cfg->nrp_id >> 8);
      o[7] = (uint8_t)cfg->nrp_id;
    }
    if (ln) {
      uint8_t *r = w + SIM_IP6_HEADER_LEN + hbh_len;
      sim_srh_write(r, inner_proto, list, ln, (uint8_t)sl, with_hmac ? &cfg->hmac : NULL, &source);
      if (with_hmac && reduced)
        r[8 + 16 * ln + 2] |= 0x80;
    }
  }
  /* the outer packet starts here: in Linux-compatible mode the forwarding
   * path decrements its (copied) hop limit - for packets that came in
   * only: the kernel's local output path (ip6_output) does not */
  sim_ip6_forward(ip, iface, p, SIM_IP6_TABLE_MAIN,
                  (lx && iface ? SIM_IP6_FWD_HOP_LIMIT : 0) | SIM_IP6_FWD_FRAGMENT);
}

/* ---- steering ------------------------------------------------------------------------------------ */

void
sim__srv6_steer_free(Steer *st)
{
  g_array_unref(st->rules);
  g_free(st);
}

gboolean
sim_srv6_steer(SimSrv6 *sr, uint32_t table, const SimIp6Prefix *prefix, const SimSrv6Match *match,
               SimSrv6Policy *pol, const SimIp6Addr *service, const SimSrv6HeadendConfig *cfg,
               GError **error)
{
  const char *node = sim_node_name(sim_ip6_node(sr->ip));
  char buf[SIM_IP6_PREFIX_STRLEN];
  sim_ip6_prefix_format(prefix, buf);
  if (!pol && !service)
    return fail(error, "node %s: steering %s needs a policy or a service SID", node, buf);
  if (pol && pol->sr != sr)
    return fail(error, "node %s: steering %s into a policy of another node", node, buf);
  Steer *st = NULL;
  for (guint i = 0; i < sr->steers->len; i++) {
    Steer *x = sr->steers->pdata[i];
    if (x->table == table && x->prefix.len == prefix->len &&
        sim_ip6_addr_match(&x->prefix.addr, &prefix->addr, prefix->len))
      st = x;
  }
  if (!st) {
    st = g_new0(Steer, 1);
    st->table = table;
    st->prefix = *prefix;
    sim_ip6_addr_mask(&st->prefix.addr, prefix->len);
    st->rules = g_array_new(FALSE, FALSE, sizeof(SteerRule));
    GError *e = NULL;
    gboolean ok;
    if (sim_ip4_is_mapped(&st->prefix.addr) && st->prefix.len >= 96) {
      /* an IPv4 prefix (::ffff:a.b.c.d/96+len): steered from the IPv4 table */
      SimIp4 *ip4 = sim_ip4_of(sim_ip6_node(sr->ip));
      if (!ip4) {
        sim__srv6_steer_free(st);
        return fail(error, "node %s: steering IPv4 prefix %s, but the node has no IPv4", node,
                    buf);
      }
      sim_ip4_set_steer_handler(ip4, sim__srv6_steer_input4, sr);
      ok = sim_ip4_table_add_steering(ip4, table, sim_ip4_from_mapped(&st->prefix.addr),
                                      st->prefix.len - 96u, sr->steers->len, &e);
    } else {
      ok = sim_ip6_table_add_steering(sr->ip, table, &st->prefix, sr->steers->len, &e);
    }
    if (!ok) {
      sim__srv6_steer_free(st);
      g_propagate_error(error, e);
      return FALSE;
    }
    g_ptr_array_add(sr->steers, st);
  }
  SteerRule r = { 0 };
  if (match) {
    r.has_match = TRUE;
    r.match = *match;
  }
  r.pol = pol;
  if (service) {
    r.has_service = TRUE;
    r.service = *service;
  }
  if (cfg)
    r.cfg = *cfg;
  else if (pol)
    r.cfg = pol->cfg;
  else
    sim_srv6_headend_config_init(&r.cfg);
  g_array_append_val(st->rules, r);
  return TRUE;
}

/* Does the packet (IPv6 or IPv4 at its header) match @m? */
static bool
matches(const SimSrv6Match *m, const SimPacket *p)
{
  const uint8_t *b = sim__packet_data(p);
  size_t real = sim__packet_real_length(p);
  uint8_t proto = 0, dscp;
  size_t off = 0;
  bool need_upper = m->protocol || m->sport_max || m->dport_max;
  if ((b[0] >> 4) == 6) {
    if (m->src.len || m->dst.len) {
      SimIp6Addr s, d;
      memcpy(s.b, b + 8, 16);
      memcpy(d.b, b + 24, 16);
      if ((m->src.len && !sim_ip6_prefix_contains(&m->src, &s)) ||
          (m->dst.len && !sim_ip6_prefix_contains(&m->dst, &d)))
        return false;
    }
    dscp = (uint8_t)((((b[0] & 0x0f) << 4) | (b[1] >> 4)) >> 2);
    /* the extension header walk only when a protocol or port is asked for */
    if (need_upper && !sim__ip6_find_upper(b, real, &proto, &off))
      proto = 0;
  } else {
    if (m->src.len || m->dst.len)
      return false; /* IPv6 prefixes do not match IPv4 packets */
    dscp = b[1] >> 2;
    proto = b[9];
    off = (size_t)(b[0] & 0xf) * 4;
  }
  if (m->dscp >= 0 && dscp != m->dscp)
    return false;
  if (m->protocol && proto != m->protocol)
    return false;
  if (m->sport_max || m->dport_max) {
    if ((proto != SIM_IPPROTO_UDP && proto != SIM_IPPROTO_TCP) || off + 4 > real)
      return false;
    uint16_t sp = (uint16_t)((b[off] << 8) | b[off + 1]);
    uint16_t dp = (uint16_t)((b[off + 2] << 8) | b[off + 3]);
    if (m->sport_max && (sp < m->sport_min || sp > m->sport_max))
      return false;
    if (m->dport_max && (dp < m->dport_min || dp > m->dport_max))
      return false;
  }
  return true;
}

static void steer(SimSrv6 *sr, SimIface *iface, SimPacket *p, uint32_t id, bool v4);

void
sim__srv6_steer_input(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h, uint32_t id,
                      void *data)
{
  (void)ip;
  (void)h;
  steer(data, iface, p, id, false);
}

void
sim__srv6_steer_input4(SimIp4 *ip4, SimIface *iface, SimPacket *p, uint32_t id, void *data)
{
  (void)ip4;
  steer(data, iface, p, id, true);
}

/* A packet to a steered prefix (IPv6, or IPv4 with @v4): the first
 * matching rule's policy encapsulates it (RFC 8986 §5.1, RFC 9256 §8). */
static void
steer(SimSrv6 *sr, SimIface *iface, SimPacket *p, uint32_t id, bool v4)
{
  SimIp6 *ip = sr->ip;
  Steer *st = sr->steers->pdata[id];
  const SteerRule *rule = NULL, *fallback = NULL;
  for (guint i = 0; i < st->rules->len && !rule; i++) {
    const SteerRule *r = &g_array_index(st->rules, SteerRule, i);
    if (!r->has_match) {
      if (!fallback)
        fallback = r;
    } else if (matches(&r->match, p)) {
      rule = r;
    }
  }
  if (!rule)
    rule = fallback;
  if (rule && rule->pol && !rule->pol->drop_upon_invalid &&
      !sim__srv6_policy_pick(rule->pol, 0))
    rule = NULL; /* RFC 9256 §8.1: an invalid policy steers nothing */
  if (!rule) {
    /* no class of this flow is steered: plain forwarding */
    if (v4)
      sim_ip4_forward(sim_ip4_of(sim_ip6_node(ip)), iface, p, st->table,
                      (iface ? SIM_IP4_FWD_TTL : 0) | SIM_IP4_FWD_NO_STEER);
    else
      sim_ip6_forward(ip, iface, p, st->table,
                      (iface ? SIM_IP6_FWD_HOP_LIMIT : 0) | SIM_IP6_FWD_NO_STEER);
    return;
  }
  uint32_t hash = sim__srv6_flow_hash(p);
  SimIp6Addr segs[SIM_SRH_MAX_SEGMENTS];
  unsigned n = 0;
  SimSrv6Counters *cnt = rule->pol ? &rule->pol->counters : NULL;
  if (cnt) {
    cnt->packets++;
    cnt->bytes += sim__packet_length(p);
  }
  if (rule->pol) {
    const SegList *l = sim__srv6_policy_pick(rule->pol, hash);
    if (!l) {
      /* no valid candidate path, drop-upon-invalid (RFC 9256 §8.2) */
      cnt->dropped++;
      if (!v4)
        sim_icmp6_error(ip, iface, p, SIM_ICMP6_DST_UNREACH, 0, 0);
      sim_node_drop(sim_ip6_node(ip), iface, p, SIM_DROP_NO_ROUTE);
      return;
    }
    memcpy(segs, l->segs, sizeof(SimIp6Addr) * l->n);
    n = l->n;
  }
  if (rule->has_service)
    segs[n++] = rule->service;
  if (iface && !sr->linux_compat) {
    /* RFC 8986 §5.1 S05: the headend forwards the inner packet: its hop
     * limit is checked and decremented */
    uint8_t *b = sim__packet_data_writable(p);
    uint8_t hl = v4 ? b[8] : b[7];
    if (hl <= 1) {
      if (cnt)
        cnt->dropped++;
      if (!v4)
        sim_icmp6_error(ip, iface, p, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
      sim_node_drop(sim_ip6_node(ip), iface, p, SIM_DROP_HOP_LIMIT);
      return;
    }
    if (v4)
      sim_ip4_decrement_ttl(b); /* RFC 1624: the header checksum follows */
    else
      b[7] = (uint8_t)(hl - 1);
  }
  sim__srv6_encapsulate(sr, iface, p, v4 ? SIM_IPPROTO_IPV4 : SIM_IPPROTO_IPV6, segs, n,
                        &rule->cfg, hash);
}
