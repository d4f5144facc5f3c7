/* behaviours.c - the SRv6 endpoint behaviours of RFC 8986 §4 as table
 * rows, with the PSP/USP/USD flavours (§4.16) and compressed SIDs
 * (RFC 9800: NEXT-C-SID and REPLACE-C-SID).
 *
 * Every row's input function follows the RFC's pseudocode; the comments
 * name its lines (S01, S02, ...). In Linux-compatible mode the kernel's
 * order is kept instead where it differs: End updates Segments Left and
 * the destination first and lets the forwarding path check and decrement
 * the hop limit (so a Time Exceeded quotes the updated packet), SIDs drop
 * without ICMPv6 errors, and decapsulated packets are forwarded with a
 * hop-limit step.
 */
#define G_LOG_DOMAIN "ipesim-srv6"
#include "config.h"

#include "srv6-private.h"
#include "simpacket-private.h"

#include <string.h>

static inline bool
linux_mode(const SimSrv6Packet *pk)
{
  return pk->sr->linux_compat;
}

static inline unsigned
flavours(const SimSrv6Packet *pk)
{
  return pk->sid ? pk->sid->cfg.flavours : 0;
}

static inline uint8_t *
bytes(SimSrv6Packet *pk)
{
  return sim__packet_data_writable(pk->p);
}

/* Time Exceeded for a hop limit <= 1; TRUE if the packet was dropped. */
static bool
hop_limit_expired(SimSrv6Packet *pk)
{
  if (sim__packet_data(pk->p)[7] > 1)
    return false;
  sim_srv6_drop(pk, SIM_DROP_HOP_LIMIT, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
  return true;
}

/* "Submit the packet to the egress IPv6 FIB lookup" for End, "to the IPv6
 * module for transmission via a member of J" for End.X, with the table T
 * for End.T. In Linux-compatible mode the forwarding path applies the
 * hop-limit step. */
static void
send_next(SimSrv6Packet *pk)
{
  SimIp6 *ip = pk->sr->ip;
  const SimSrv6SidConfig *c = pk->sid ? &pk->sid->cfg : NULL;
  SimPacket *p = pk->p;
  pk->p = NULL;
  bool lx = linux_mode(pk);
  if (c && c->out) {
    if (lx) {
      uint8_t *b = sim__packet_data_writable(p);
      if (b[7] <= 1) {
        sim_icmp6_error(ip, pk->iface, p, SIM_ICMP6_TIME_EXCEEDED, 0, 0);
        sim_node_drop(sim_ip6_node(ip), pk->iface, p, SIM_DROP_HOP_LIMIT);
        return;
      }
      b[7]--;
    }
    if (!sim_link_is_up(sim_iface_link(c->out))) {
      sim_node_drop(sim_ip6_node(ip), pk->iface, p, SIM_DROP_LINK_DOWN);
      return;
    }
    sim_ip6_transmit(ip, pk->iface, p, c->out, sim_ip6_addr_is_unspecified(&c->nh6) ? NULL : &c->nh6);
    return;
  }
  uint32_t table = c && (pk->sid->row->needs & SIM_SRV6_NEEDS_TABLE) ? c->table : SIM_IP6_TABLE_MAIN;
  if (pk->sid) /* the SID's next segment is mostly the same: its lookup is cached */
    sim__ip6_forward_cached(ip, pk->iface, p, pk->h, table, lx ? SIM_IP6_FWD_HOP_LIMIT : 0,
                            &((SimSrv6Sid *)pk->sid)->next);
  else
    sim_ip6_forward(ip, pk->iface, p, table, lx ? SIM_IP6_FWD_HOP_LIMIT : 0);
}

/* ---- building blocks ------------------------------------------------------------------------ */

void
sim_srv6_remove_srh(SimSrv6Packet *pk)
{
  const SimSrh *s = pk->srh;
  if (!s)
    return;
  size_t len = s->len, off = s->off, field = s->nh_field;
  uint8_t nh = s->next_header;
  uint8_t *b = bytes(pk);
  /* RFC 8986 §4.16.1 S14.2-S14.4: the preceding header names what
   * followed the SRH, the payload shrinks, the SRH goes */
  b[field] = nh;
  uint16_t plen = (uint16_t)(((b[4] << 8) | b[5]) - len);
  b[4] = (uint8_t)(plen >> 8);
  b[5] = (uint8_t)plen;
  memmove(b + len, b, off);
  sim_packet_pull(pk->p, len);
  pk->h->payload_length = plen;
  if (pk->upper_nh_field == off)
    pk->upper_nh_field = (uint16_t)field;
  else if (pk->upper_nh_field > off)
    pk->upper_nh_field = (uint16_t)(pk->upper_nh_field - len);
  pk->upper = (uint16_t)(pk->upper - len);
  if (pk->h->header_length > off)
    pk->h->header_length = (uint16_t)(pk->h->header_length - len);
  if (field == 6)
    pk->h->next_header = nh;
  pk->srh = NULL;
}

SimPacket *
sim_srv6_decapsulate(SimSrv6Packet *pk)
{
  sim_packet_pull(pk->p, pk->upper);
  pk->srh = NULL;
  pk->upper = 0;
  return pk->p;
}

void
sim_srv6_upper_layer(SimSrv6Packet *pk)
{
  /* RFC 8986 §4.1.1 S01-S04: the node takes ICMPv6 (echo and errors to
   * its SIDs); any other upper layer gets Parameter Problem code 4 (SR
   * Upper-layer Header Error) pointing at it */
  if (pk->upper_proto == SIM_IPPROTO_ICMPV6) {
    SimPacket *p = pk->p;
    pk->p = NULL;
    sim_ip6_deliver(pk->sr->ip, pk->iface, p);
    return;
  }
  sim_srv6_drop(pk, SIM_DROP_SRV6_UPPER_LAYER, SIM_ICMP6_PARAM_PROBLEM, 4, pk->upper);
}

/* Forwards the decapsulated packet at the front of pk->p by a lookup in
 * @table (IPv6). */
static void
forward_inner6(SimSrv6Packet *pk, uint32_t table)
{
  SimPacket *p = pk->p;
  pk->p = NULL;
  sim_ip6_forward(pk->sr->ip, pk->iface, p, table, linux_mode(pk) ? SIM_IP6_FWD_HOP_LIMIT : 0);
}

static void
no_ipv4(SimSrv6Packet *pk)
{
  sim_srv6_drop(pk, SIM_DROP_SRV6_NO_IPV4, 0, 0, 0);
}

/* The node's IPv4 layer, or NULL after dropping @pk (srv6_no_ipv4). */
static SimIp4 *
ip4_or_drop(SimSrv6Packet *pk)
{
  SimIp4 *ip4 = sim_ip4_of(sim_ip6_node(pk->sr->ip));
  if (!ip4)
    no_ipv4(pk);
  return ip4;
}

/* Forwards the decapsulated IPv4 packet at the front of pk->p by a lookup
 * in @table; in Linux-compatible mode with the TTL step of ip_forward(). */
static void
forward_inner4(SimSrv6Packet *pk, SimIp4 *ip4, uint32_t table)
{
  SimPacket *p = pk->p;
  pk->p = NULL;
  sim_ip4_forward(ip4, pk->iface, p, table, linux_mode(pk) ? SIM_IP4_FWD_TTL : 0);
}

/* Sends the decapsulated IPv4 packet to the adjacency @out / @nh4 (0: the
 * point-to-point peer); the TTL step in Linux-compatible mode. */
static void
send_inner4(SimSrv6Packet *pk, SimIp4 *ip4, SimIface *out, uint32_t nh4)
{
  SimPacket *p = pk->p;
  pk->p = NULL;
  if (linux_mode(pk)) {
    uint8_t *b = sim__packet_data_writable(p);
    if (sim__packet_real_length(p) < SIM_IP4_HEADER_LEN || b[8] <= 1) {
      sim_node_drop(sim_ip6_node(pk->sr->ip), pk->iface, p, SIM_DROP_HOP_LIMIT);
      return;
    }
    sim_ip4_decrement_ttl(b);
  }
  sim_ip4_transmit(ip4, pk->iface, p, out, nh4);
}

/* When Segments Left is 0 (or there is no SRH): USP, USD, §4.1.1. */
static void
ultimate(SimSrv6Packet *pk)
{
  unsigned fl = flavours(pk);
  if ((fl & SIM_SRV6_USP) && pk->srh)
    sim_srv6_remove_srh(pk); /* §4.16.2 S02.1-S02.3, then the next header */
  if ((fl & SIM_SRV6_USD) && pk->upper_proto == SIM_IPPROTO_IPV6) {
    /* §4.16.3 S01-S03: decapsulate, then End: the egress FIB lookup,
     * End.X: the L3 adjacency J, End.T: a lookup in table T */
    sim_srv6_decapsulate(pk);
    /* the exposed packet is forwarded on its own header */
    if (!sim_ip6_header_read(sim__packet_data(pk->p), sim__packet_real_length(pk->p), pk->h)) {
      sim_node_drop(sim_ip6_node(pk->sr->ip), pk->iface, pk->p, SIM_DROP_BAD_HEADER);
      pk->p = NULL;
      return;
    }
    send_next(pk);
    return;
  }
  if ((fl & SIM_SRV6_USD) && pk->upper_proto == SIM_IPPROTO_IPV4) {
    /* the same for an IPv4 packet inside: End by the main table, End.X
     * to J's interface, End.T in table T */
    SimIp4 *ip4 = ip4_or_drop(pk);
    if (!ip4)
      return;
    sim_srv6_decapsulate(pk);
    const SimSrv6SidConfig *c = pk->sid ? &pk->sid->cfg : NULL;
    if (c && c->out)
      send_inner4(pk, ip4, c->out, 0);
    else
      forward_inner4(pk, ip4,
                     c && (pk->sid->row->needs & SIM_SRV6_NEEDS_TABLE) ? c->table
                                                                      : SIM_IP6_TABLE_MAIN);
    return;
  }
  sim_srv6_upper_layer(pk);
}

/* ---- NEXT-C-SID (RFC 9800 §4.1) --------------------------------------------------------------- */

/* TRUE if the argument held more C-SIDs and the packet went on. */
static bool
next_csid(SimSrv6Packet *pk)
{
  unsigned b0 = pk->sid->cfg.lbl / 8u, c = pk->sid->cfg.lnfl / 8u;
  const uint8_t *da = sim__packet_data(pk->p) + 24;
  bool arg = false;
  for (unsigned i = b0 + c; i < 16; i++)
    arg |= da[i] != 0;
  if (!arg)
    return false;
  /* S02-S04 (in Linux-compatible mode the forwarding path checks) */
  if (!linux_mode(pk) && hop_limit_expired(pk))
    return true;
  uint8_t *b = bytes(pk);
  /* S05-S06: the argument moves up by one C-SID, zeros fill the end */
  memmove(b + 24 + b0, b + 24 + b0 + c, 16 - b0 - c);
  memset(b + 24 + 16 - c, 0, c);
  memcpy(pk->h->dst.b, b + 24, 16);
  if (!linux_mode(pk))
    pk->h->hop_limit = --b[7]; /* S07 */
  send_next(pk); /* S08 */
  return true;
}

/* ---- REPLACE-C-SID (RFC 9800 §4.2) --------------------------------------------------------------- */

static unsigned
index_bits(unsigned nf)
{
  unsigned n = 128 / nf, k = 0;
  while ((1u << k) < n)
    k++;
  return k;
}

static inline const uint8_t *
csid_at(const uint8_t *pkt, const SimSrh *s, unsigned entry, unsigned idx, unsigned nf)
{
  return pkt + s->off + 8 + 16 * (size_t)entry + idx * (nf / 8);
}

static bool
csid_zero(const uint8_t *c, unsigned nf)
{
  for (unsigned i = 0; i < nf / 8; i++)
    if (c[i])
      return false;
  return true;
}

static void
replace_csid(SimSrv6Packet *pk)
{
  unsigned bl = pk->sid->cfg.lbl, nf = pk->sid->cfg.lnfl, k = index_bits(nf);
  const uint8_t *pkt = sim__packet_data(pk->p);
  unsigned mask = (1u << k) - 1;
  unsigned idx = pkt[39] & mask;
  const SimSrh *s = pk->srh;
  unsigned sl = s ? s->segments_left : 0;
  /* S02 (modified): the last C-SID of the last container */
  if (sl == 0 && (!s || idx == 0 || csid_zero(csid_at(pkt, s, 0, idx - 1, nf), nf))) {
    ultimate(pk);
    return;
  }
  if (!linux_mode(pk) && hop_limit_expired(pk)) /* S05-S07 */
    return;
  uint8_t *b = bytes(pk);
  if (idx != 0) {
    if (sl > s->last_entry) { /* S10-S12 */
      sim_srv6_drop(pk, SIM_DROP_SRH_INVALID, SIM_ICMP6_PARAM_PROBLEM, 0, s->off + 3u);
      return;
    }
    idx--; /* S13 */
    if (csid_zero(csid_at(b, s, sl, idx, nf), nf)) {
      /* S14-S18: the container is done: the next entry is a whole SID */
      sl--;
      b[s->off + 3] = (uint8_t)sl;
      pk->h->hop_limit = --b[7];
      memcpy(b + 24, b + s->off + 8 + 16 * (size_t)sl, 16);
      memcpy(pk->h->dst.b, b + 24, 16);
      if ((flavours(pk) & SIM_SRV6_PSP) && sl == 0)
        sim_srv6_remove_srh(pk);
      send_next(pk);
      return;
    }
  } else {
    sl--; /* S24-S25: the next container, from its last C-SID */
    b[s->off + 3] = (uint8_t)sl;
    idx = 128 / nf - 1;
  }
  pk->h->hop_limit = --b[7]; /* S27 */
  /* S28: the C-SID into the bits [B..B+NF-1] of the destination, the
   * index into the argument's low bits */
  memcpy(b + 24 + bl / 8, csid_at(b, s, sl, idx, nf), nf / 8);
  b[39] = (uint8_t)((b[39] & ~mask) | idx);
  memcpy(pk->h->dst.b, b + 24, 16);
  /* PSP (S28.1): after the last C-SID of the last container */
  if ((flavours(pk) & SIM_SRV6_PSP) && sl == 0 &&
      (idx == 0 || csid_zero(csid_at(b, s, 0, idx - 1, nf), nf)))
    sim_srv6_remove_srh(pk);
  send_next(pk);
}

/* ---- End, End.X, End.T (RFC 8986 §4.1-4.3) ------------------------------------------------------- */

void
sim_srv6_end(SimSrv6Packet *pk)
{
  unsigned fl = flavours(pk);
  if ((fl & SIM_SRV6_NEXT_CSID) && next_csid(pk))
    return;
  if (fl & SIM_SRV6_REPLACE_CSID) {
    replace_csid(pk);
    return;
  }
  const SimSrh *s = pk->srh;
  unsigned sl = s ? s->segments_left : 0;
  if (sl == 0) { /* S02-S04 */
    ultimate(pk);
    return;
  }
  /* S05-S07; S08-S11 were checked by sim_srh_parse() */
  if (!linux_mode(pk) && hop_limit_expired(pk))
    return;
  uint8_t *b = bytes(pk);
  if (!linux_mode(pk))
    pk->h->hop_limit = --b[7]; /* S12 */
  sl--;                /* S13 */
  b[s->off + 3] = (uint8_t)sl;
  memcpy(b + 24, b + s->off + 8 + 16 * (size_t)sl, 16); /* S14 */
  memcpy(pk->h->dst.b, b + 24, 16);
  if ((fl & SIM_SRV6_PSP) && sl == 0)
    sim_srv6_remove_srh(pk); /* §4.16.1 S14.1-S14.5 */
  send_next(pk);             /* S15 */
}

static void
end_input(SimSrv6Packet *pk)
{
  sim_srv6_end(pk);
}

/* ---- decapsulation: End.DX6, End.DX4, End.DT6, End.DT4, End.DT46 (§4.4-4.8) ------------------------ */

/* S02-S04: Segments Left must be 0 */
static bool
segments_left_not_zero(SimSrv6Packet *pk)
{
  if (!pk->srh || pk->srh->segments_left == 0)
    return false;
  sim_srv6_drop(pk, SIM_DROP_SRV6_SEGMENTS_LEFT, SIM_ICMP6_PARAM_PROBLEM, 0,
                pk->srh->off + 3u);
  return true;
}

static void
end_dx6(SimSrv6Packet *pk)
{
  if (segments_left_not_zero(pk))
    return;
  if (pk->upper_proto != SIM_IPPROTO_IPV6) {
    sim_srv6_upper_layer(pk);
    return;
  }
  /* S02-S03 of the upper-layer processing: decapsulate, to the L3
   * adjacency J without a FIB lookup */
  sim_srv6_decapsulate(pk);
  send_next(pk);
}

static void
end_dt6(SimSrv6Packet *pk)
{
  if (segments_left_not_zero(pk))
    return;
  if (pk->upper_proto != SIM_IPPROTO_IPV6) {
    sim_srv6_upper_layer(pk);
    return;
  }
  /* decapsulate, look the inner destination up in table T (the outer hop
   * limit is not checked) */
  sim_srv6_decapsulate(pk);
  forward_inner6(pk, pk->sid->cfg.table);
}

static void
end_v4(SimSrv6Packet *pk)
{
  if (segments_left_not_zero(pk))
    return;
  if (pk->upper_proto != SIM_IPPROTO_IPV4) {
    sim_srv6_upper_layer(pk);
    return;
  }
  SimIp4 *ip4 = ip4_or_drop(pk);
  if (!ip4)
    return;
  sim_srv6_decapsulate(pk);
  const SimSrv6SidConfig *c = &pk->sid->cfg;
  if (pk->sid->row->needs & SIM_SRV6_NEEDS_NH4)
    send_inner4(pk, ip4, c->out, c->nh4); /* End.DX4 (§4.5): to the adjacency */
  else
    forward_inner4(pk, ip4, c->table); /* End.DT4 (§4.7): a lookup in table T */
}

static void
end_dt46(SimSrv6Packet *pk)
{
  if (segments_left_not_zero(pk))
    return;
  if (pk->upper_proto == SIM_IPPROTO_IPV6) {
    sim_srv6_decapsulate(pk);
    forward_inner6(pk, pk->sid->cfg.table);
    return;
  }
  if (pk->upper_proto == SIM_IPPROTO_IPV4) {
    SimIp4 *ip4 = ip4_or_drop(pk);
    if (!ip4)
      return;
    sim_srv6_decapsulate(pk);
    forward_inner4(pk, ip4, pk->sid->cfg.table);
    return;
  }
  sim_srv6_upper_layer(pk);
}

/* ---- End.B6.Encaps, End.B6.Encaps.Red (§4.13-4.14) -------------------------------------------------- */

static void
end_b6(SimSrv6Packet *pk, SimSrv6HeadendMode mode)
{
  const SimSrh *s = pk->srh;
  if (!s || s->segments_left == 0) { /* S02-S04 */
    ultimate(pk);
    return;
  }
  if (!linux_mode(pk) && hop_limit_expired(pk)) /* S05-S07 */
    return;
  uint8_t *b = bytes(pk);
  uint8_t hl = b[7];
  if (!linux_mode(pk))
    b[7] = --hl; /* S12 */
  unsigned sl = s->segments_left - 1u; /* S13-S14 */
  b[s->off + 3] = (uint8_t)sl;
  memcpy(b + 24, b + s->off + 8 + 16 * (size_t)sl, 16);
  /* S15-S19: a new outer header with the SRH of B */
  const SimSrv6SidConfig *c = &pk->sid->cfg;
  uint32_t hash = sim__srv6_flow_hash(pk->p);
  SimSrv6HeadendConfig cfg;
  const SimIp6Addr *segs = c->segments;
  unsigned n = c->n_segments;
  if (c->policy) {
    cfg = c->policy->cfg;
    const SegList *l = sim__srv6_policy_pick(c->policy, hash);
    if (!l) {
      sim_srv6_drop(pk, SIM_DROP_NO_ROUTE, SIM_ICMP6_DST_UNREACH, 0, 0);
      return;
    }
    segs = l->segs;
    n = l->n;
  } else {
    sim_srv6_headend_config_init(&cfg);
  }
  cfg.mode = mode;
  SimPacket *p = pk->p;
  pk->p = NULL;
  sim__srv6_encapsulate(pk->sr, pk->iface, p, SIM_IPPROTO_IPV6, segs, n, &cfg, hash);
}

static void
end_b6_encaps(SimSrv6Packet *pk)
{
  end_b6(pk, SIM_SRV6_H_ENCAPS);
}

static void
end_b6_encaps_red(SimSrv6Packet *pk)
{
  end_b6(pk, SIM_SRV6_H_ENCAPS_RED);
}

/* ---- the rows -------------------------------------------------------------------------------------- */

#define SEG_FLAVOURS                                                                             \
  (SIM_SRV6_PSP | SIM_SRV6_USP | SIM_SRV6_USD | SIM_SRV6_NEXT_CSID | SIM_SRV6_REPLACE_CSID)

static const SimSrv6Behaviour rows[] = {
  { "End", "RFC 8986 §4.1", 0, SEG_FLAVOURS, end_input },
  { "End.X", "RFC 8986 §4.2", SIM_SRV6_NEEDS_ADJACENCY, SEG_FLAVOURS, end_input },
  { "End.T", "RFC 8986 §4.3", SIM_SRV6_NEEDS_TABLE, SEG_FLAVOURS, end_input },
  { "End.DX6", "RFC 8986 §4.4", SIM_SRV6_NEEDS_ADJACENCY, 0, end_dx6 },
  { "End.DX4", "RFC 8986 §4.5", SIM_SRV6_NEEDS_NH4, 0, end_v4 },
  { "End.DT6", "RFC 8986 §4.6", SIM_SRV6_NEEDS_TABLE, 0, end_dt6 },
  { "End.DT4", "RFC 8986 §4.7", SIM_SRV6_NEEDS_TABLE, 0, end_v4 },
  { "End.DT46", "RFC 8986 §4.8", SIM_SRV6_NEEDS_TABLE, 0, end_dt46 },
  { "End.B6.Encaps", "RFC 8986 §4.13", SIM_SRV6_NEEDS_SEGMENTS, 0, end_b6_encaps },
  { "End.B6.Encaps.Red", "RFC 8986 §4.14", SIM_SRV6_NEEDS_SEGMENTS, 0, end_b6_encaps_red },
};

const SimSrv6Behaviour *
sim__srv6_builtin_rows(guint *n)
{
  *n = G_N_ELEMENTS(rows);
  return rows;
}

void
sim_srv6_describe_behaviours(GString *out)
{
  g_string_append(out, "srv6 behaviours - [sid NAME] behaviour = ROW (built in)\n");
  g_string_append_printf(out, "  %-18s %-15s %-26s %s\n", "ROW", "REFERENCE", "NEEDS",
                         "FLAVOURS");
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const SimSrv6Behaviour *r = &rows[i];
    char fl[64];
    unsigned nd = r->needs;
    const char *needs = nd & SIM_SRV6_NEEDS_NH4        ? "via + nh4 (IPv4)"
                        : nd & SIM_SRV6_NEEDS_ADJACENCY ? "via (adjacency)"
                        : nd & SIM_SRV6_NEEDS_TABLE     ? "table"
                        : nd & SIM_SRV6_NEEDS_SEGMENTS  ? "policy or segments"
                                                        : "-";
    sim_srv6_flavours_format(r->flavours, fl, sizeof fl);
    g_string_append_printf(out, "  %-18s %-16s %-26s %s\n", r->name, r->reference, needs,
                           *fl ? fl : "-");
  }
  g_string_append(out, "\n");
}
