/* frag.c - fragmentation at the source, reassembly at the destination
 * (RFC 8200 §4.5), and the path MTU cache (RFC 8201).
 *
 * Source: a packet larger than min(egress MTU, path MTU of its
 * destination) is cut into fragments of the largest multiple of 8 data
 * bytes that fits, each with the fixed header and a Fragment header
 * carrying a per-node identification. The original packet becomes the
 * first fragment; the others are new packets (counted as created) with no
 * flow id, so that a flow's datagram is counted once whatever happens to
 * its pieces. Virtual payload stays virtual in every fragment.
 *
 * Destination: fragments are kept per (source, destination,
 * identification). The datagram is rebuilt on the first fragment's packet
 * when every byte has arrived: the unfragmentable part of the first
 * fragment with its last Next Header set from the Fragment header, then
 * the data in offset order (virtual bytes read as zeros where real bytes
 * follow them); the other fragments count as delivered (merged).
 *  - 60 s after the first fragment of a datagram arrives, an incomplete
 *    datagram is dropped (reassembly_timeout), with Time Exceeded code 1
 *    when its first fragment (offset 0) is there;
 *  - overlapping fragments discard the whole datagram, and later
 *    fragments of it until the timeout (RFC 5722); exact duplicates are
 *    dropped alone (duplicate_fragment);
 *  - a non-last fragment whose length is not a multiple of 8 gives
 *    Parameter Problem code 0 at the Payload Length field, one that would
 *    end beyond 65535 bytes the same at the Fragment Offset field;
 *  - a first fragment without the whole header chain up to the
 *    upper-layer header is dropped with Parameter Problem code 3
 *    (RFC 7112 §5);
 *  - the bytes a node holds in reassembly are bounded; a fragment beyond
 *    the bound is dropped (reassembly_memory).
 *
 * Path MTU: Packet Too Big lowers the cached MTU towards the quoted
 * destination, never below 1280; entries age out after 10 minutes
 * (RFC 8201 §4-5).
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"

#include <string.h>

#define FRAG_HEADER_LEN 8
#define REASM_TIMEOUT SIM_S(60)
#define PMTU_AGE SIM_S(600)

typedef struct {
  SimIp6Addr src, dst;
  uint32_t id;
} ReasmKey;

typedef struct {
  uint32_t offset; /* data offset */
  uint32_t len;    /* data bytes */
  SimPacket *p;    /* the whole fragment as received */
} Piece;

typedef struct {
  ReasmKey key;
  SimIp6 *ip;
  GArray *pieces;      /* Piece, any order */
  uint32_t total;      /* data length, known from the last fragment; 0 = unknown */
  bool dead;           /* overlap seen: drop everything until the timeout */
  size_t bytes;        /* held */
  SimEventHandle timer;
} Reasm;

static guint
key_hash(gconstpointer k)
{
  const ReasmKey *r = k;
  uint64_t h = sim_ip6_addr_lo(&r->src) * UINT64_C(0x9e3779b97f4a7c15) ^
               sim_ip6_addr_lo(&r->dst) ^ r->id;
  h ^= h >> 31;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  return (guint)(h ^ (h >> 32));
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
  const ReasmKey *x = a, *y = b;
  return x->id == y->id && sim_ip6_addr_equal(&x->src, &y->src) &&
         sim_ip6_addr_equal(&x->dst, &y->dst);
}

static void
reasm_drop_all(Reasm *r, SimDropReason reason)
{
  for (guint i = 0; i < r->pieces->len; i++)
    sim_node_drop(r->ip->node, NULL, g_array_index(r->pieces, Piece, i).p, reason);
  g_array_set_size(r->pieces, 0);
  r->ip->frag->bytes -= r->bytes;
  r->bytes = 0;
}

static void
reasm_free(void *data)
{
  Reasm *r = data;
  for (guint i = 0; i < r->pieces->len; i++)
    sim_packet_free(g_array_index(r->pieces, Piece, i).p);
  g_array_unref(r->pieces);
  g_free(r);
}

static Ip6Frag *
frag_state(SimIp6 *ip)
{
  if (!ip->frag) {
    ip->frag = g_new0(Ip6Frag, 1);
    ip->frag->reasm = g_hash_table_new_full(key_hash, key_equal, NULL, reasm_free);
    ip->frag->pmtu = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify)g_bytes_unref, g_free);
    ip->frag->max_bytes = 4u << 20;
    /* identifications start at a per-node value, then count */
    ip->frag->next_id = (uint32_t)(sim_node_index(ip->node) * 2654435761u);
  }
  return ip->frag;
}

void
sim__ip6_frag_free(Ip6Frag *f)
{
  if (!f)
    return;
  g_hash_table_unref(f->reasm);
  g_hash_table_unref(f->pmtu);
  g_free(f);
}

/* ---- path MTU -------------------------------------------------------------------- */

typedef struct {
  uint32_t mtu;
  SimTime expires;
} PmtuEntry;

uint32_t
sim_ip6_path_mtu(SimIp6 *ip, const SimIp6Addr *dst, uint32_t link_mtu)
{
  if (!ip->frag)
    return link_mtu;
  GBytes *k = g_bytes_new_static(dst->b, 16);
  PmtuEntry *e = g_hash_table_lookup(ip->frag->pmtu, k);
  g_bytes_unref(k);
  if (!e)
    return link_mtu;
  if (sim_now(sim_net_context(ip->net)) >= e->expires) {
    GBytes *kk = g_bytes_new(dst->b, 16);
    g_hash_table_remove(ip->frag->pmtu, kk);
    g_bytes_unref(kk);
    return link_mtu;
  }
  return MIN(e->mtu, link_mtu);
}

void
sim__ip6_pmtu_update(SimIp6 *ip, const SimIp6Addr *dst, uint32_t mtu)
{
  Ip6Frag *f = frag_state(ip);
  if (mtu < SIM_IP6_MIN_MTU)
    mtu = SIM_IP6_MIN_MTU; /* RFC 8201 §4: never below the IPv6 minimum */
  GBytes *k = g_bytes_new(dst->b, 16);
  PmtuEntry *e = g_hash_table_lookup(f->pmtu, k);
  SimTime now = sim_now(sim_net_context(ip->net));
  if (!e) {
    e = g_new(PmtuEntry, 1);
    e->mtu = mtu;
    g_hash_table_insert(f->pmtu, k, e);
  } else {
    g_bytes_unref(k);
    if (now >= e->expires || mtu < e->mtu)
      e->mtu = mtu;
  }
  e->expires = now + PMTU_AGE;
  ip->stats.pmtu_updates++;
}

/* ---- source fragmentation ----------------------------------------------------------- */

/* The unfragmentable part of the packet at @b (RFC 8200 §4.5): the fixed
 * header and the headers processed on the way - up to the last Routing
 * header, else a Hop-by-Hop header - and the offset of the Next Header
 * field that ends it. */
static size_t
unfragmentable(const uint8_t *b, size_t real, size_t *nh_field)
{
  size_t off = SIM_IP6_HEADER_LEN, end = SIM_IP6_HEADER_LEN, end_field = 6;
  uint8_t nh = b[6];
  for (int i = 0; i < 8; i++) {
    if ((nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_ROUTING && nh != SIM_IPPROTO_DSTOPTS) ||
        off + 8 > real)
      break;
    size_t len = ((size_t)b[off + 1] + 1) * 8;
    if (off + len > real)
      break;
    if (nh == SIM_IPPROTO_ROUTING || (nh == SIM_IPPROTO_HOPOPTS && off == SIM_IP6_HEADER_LEN)) {
      end = off + len;
      end_field = off;
    }
    nh = b[off];
    off += len;
  }
  *nh_field = end_field;
  return end;
}

void
sim__ip6_fragment_and_send(SimIp6 *ip, SimIface *out, SimPacket *p, uint32_t mtu,
                           const SimIp6Addr *nexthop)
{
  /* Each fragment carries the unfragmentable part and a Fragment header,
   * then data: the largest multiple of 8 that fits. */
  Ip6Frag *f = frag_state(ip);
  size_t total = sim__packet_length(p);
  size_t field;
  size_t unf = unfragmentable(sim__packet_data(p), sim__packet_real_length(p), &field);
  size_t data_len = total - unf;
  if (mtu < unf + FRAG_HEADER_LEN + 8 || data_len == 0) {
    sim_node_drop(ip->node, NULL, p, SIM_DROP_TOO_BIG);
    return;
  }
  size_t chunk = ((mtu - unf - FRAG_HEADER_LEN) / 8) * 8;
  uint32_t id = f->next_id++;
  uint8_t *hdr = g_malloc(unf);
  memcpy(hdr, sim__packet_data(p), unf);
  uint8_t next = hdr[field];
  hdr[field] = SIM_IPPROTO_FRAGMENT;
  /* the fragments after the first, from the end of the original */
  size_t n = (data_len + chunk - 1) / chunk;
  SimPacket **frags = g_new(SimPacket *, n);
  for (size_t i = 1; i < n; i++) {
    size_t off = i * chunk, len = MIN(chunk, data_len - off);
    size_t real = sim__packet_real_length(p);
    size_t src_off = unf + off;
    size_t real_here = src_off < real ? MIN(len, real - src_off) : 0;
    SimPacket *fp = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM,
                                   unf + FRAG_HEADER_LEN + real_here, len - real_here);
    uint8_t *w = sim__packet_data_writable(fp);
    memcpy(w, hdr, unf);
    sim_packet_copy_out(p, src_off, real_here, w + unf + FRAG_HEADER_LEN);
    SimPacketMeta *m = sim__packet_meta(fp);
    *m = *sim__packet_meta_const(p);
    m->flow_id = 0; /* the datagram is accounted for by its first fragment */
    frags[i] = fp;
  }
  /* the first fragment: the original, cut down, the Fragment header
   * slid in after the unfragmentable part */
  sim_packet_trim(p, total - (unf + MIN(chunk, data_len)));
  uint8_t *fh = sim__packet_push(p, FRAG_HEADER_LEN);
  memmove(fh, fh + FRAG_HEADER_LEN, unf);
  fh[field] = SIM_IPPROTO_FRAGMENT;
  frags[0] = p;
  for (size_t i = 0; i < n; i++) {
    SimPacket *fp = frags[i];
    size_t off = i * chunk, len = MIN(chunk, data_len - off);
    uint8_t *w = sim__packet_data_writable(fp);
    size_t plen = unf - SIM_IP6_HEADER_LEN + FRAG_HEADER_LEN + len;
    w[4] = (uint8_t)(plen >> 8);
    w[5] = (uint8_t)plen;
    uint8_t *g = w + unf;
    uint16_t offm = (uint16_t)(((off / 8) << 3) | (i + 1 < n ? 1 : 0));
    g[0] = next;
    g[1] = 0;
    g[2] = (uint8_t)(offm >> 8);
    g[3] = (uint8_t)offm;
    g[4] = (uint8_t)(id >> 24);
    g[5] = (uint8_t)(id >> 16);
    g[6] = (uint8_t)(id >> 8);
    g[7] = (uint8_t)id;
    if (i > 0)
      sim_net_packet_created(ip->net, fp);
  }
  g_free(hdr);
  ip->stats.fragmented++;
  for (size_t i = 0; i < n; i++)
    sim__ip6_link_output(ip, out, frags[i], nexthop);
  g_free(frags);
}

/* ---- reassembly ---------------------------------------------------------------------- */

static void
reasm_timeout(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  SimIp6 *ip = obj;
  Reasm *r = arg.ptr;
  r->timer = SIM_EVENT_HANDLE_NONE;
  if (!r->dead) {
    for (guint i = 0; i < r->pieces->len; i++) {
      Piece *pc = &g_array_index(r->pieces, Piece, i);
      if (pc->offset == 0) {
        /* RFC 8200 §4.5: Time Exceeded code 1 when the first fragment came */
        sim_icmp6_error(ip, NULL, pc->p, SIM_ICMP6_TIME_EXCEEDED, 1, 0);
        break;
      }
    }
  }
  reasm_drop_all(r, SIM_DROP_REASSEMBLY_TIMEOUT);
  g_hash_table_remove(ip->frag->reasm, &r->key);
}

/* Rebuilds the datagram: the unfragmentable part of the first fragment
 * (@unfrag bytes, up to its Fragment header), then the data in offset
 * order; real bytes up to the last real byte of any fragment (virtual
 * bytes before it become zeros), virtual after. The fragments are freed:
 * the first one continues as the datagram (keeping its flow), the others
 * count as delivered (merged into it). */
static SimPacket *
rebuild(SimIp6 *ip, Reasm *r, SimPacket *first, size_t unfrag)
{
  size_t real_end = 0;
  for (guint i = 0; i < r->pieces->len; i++) {
    Piece *pc = &g_array_index(r->pieces, Piece, i);
    size_t hdr = sim__packet_length(pc->p) - pc->len;
    size_t real = sim__packet_real_length(pc->p);
    if (real > hdr && pc->offset + (real - hdr) > real_end)
      real_end = pc->offset + (real - hdr);
  }
  SimPacket *out = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM,
                                  unfrag + real_end, r->total - real_end);
  uint8_t *w = sim__packet_data_writable(out);
  sim_packet_copy_out(first, 0, unfrag, w);
  uint8_t next = sim__packet_data(first)[unfrag];
  for (guint i = 0; i < r->pieces->len; i++) {
    Piece *pc = &g_array_index(r->pieces, Piece, i);
    if (pc->offset >= real_end)
      continue;
    size_t hdr = sim__packet_length(pc->p) - pc->len;
    sim_packet_copy_out(pc->p, hdr, MIN((size_t)pc->len, real_end - pc->offset),
                        w + unfrag + pc->offset);
  }
  /* the header before the Fragment header now names what it carried */
  size_t nh_field = 6;
  for (size_t off = SIM_IP6_HEADER_LEN; off < unfrag; off += ((size_t)w[off + 1] + 1) * 8)
    nh_field = off;
  w[nh_field] = next;
  size_t plen = unfrag + r->total - SIM_IP6_HEADER_LEN;
  w[4] = (uint8_t)(plen >> 8);
  w[5] = (uint8_t)plen;
  *sim__packet_meta(out) = *sim__packet_meta_const(first);
  for (guint i = 0; i < r->pieces->len; i++) {
    Piece *pc = &g_array_index(r->pieces, Piece, i);
    if (pc->p == first)
      sim_packet_free(pc->p);
    else
      sim_net_packet_delivered(ip->net, pc->p);
  }
  g_array_set_size(r->pieces, 0);
  ip->frag->bytes -= r->bytes;
  r->bytes = 0;
  ip->stats.reassembled++;
  return out;
}

SimPacket *
sim__ip6_reassemble(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h)
{
  Ip6Frag *f = frag_state(ip);
  size_t off = h->header_length; /* the Fragment header */
  const uint8_t *b = sim__packet_data(p);
  uint16_t offm = (uint16_t)((b[off + 2] << 8) | b[off + 3]);
  uint32_t frag_offset = (uint32_t)(offm & 0xfff8);
  bool more = offm & 1;
  uint32_t id = (uint32_t)b[off + 4] << 24 | (uint32_t)b[off + 5] << 16 |
                (uint32_t)b[off + 6] << 8 | b[off + 7];
  size_t data_len = sim__packet_length(p) - off - FRAG_HEADER_LEN;
  if (more && (data_len % 8 != 0 || data_len == 0)) {
    /* §4.5: Parameter Problem code 0 at the Payload Length field */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 0, 4);
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_FRAGMENT);
    return NULL;
  }
  if (frag_offset + data_len > 65535 - (off - SIM_IP6_HEADER_LEN)) {
    /* §4.5: Parameter Problem code 0 at the Fragment Offset field */
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)(off + 2));
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_FRAGMENT);
    return NULL;
  }
  if (frag_offset == 0) {
    /* RFC 7112: the first fragment holds the whole header chain */
    uint8_t proto;
    size_t upper;
    if (!sim__ip6_find_upper(b, sim__packet_real_length(p), &proto, &upper)) {
      sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 3, 0);
      sim_node_drop(ip->node, iface, p, SIM_DROP_INCOMPLETE_CHAIN);
      return NULL;
    }
  }
  ReasmKey key = { h->src, h->dst, id };
  Reasm *r = g_hash_table_lookup(f->reasm, &key);
  if (!r) {
    r = g_new0(Reasm, 1);
    r->key = key;
    r->ip = ip;
    r->pieces = g_array_new(FALSE, FALSE, sizeof(Piece));
    g_hash_table_insert(f->reasm, &r->key, r);
    r->timer = sim_schedule(sim_net_context(ip->net), REASM_TIMEOUT, sim_node_entity(ip->node),
                            reasm_timeout, ip, SIM_ARG_PTR(r));
  }
  if (r->dead) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_FRAGMENT_OVERLAP);
    return NULL;
  }
  size_t held = sim__packet_length(p);
  if (f->bytes + held > f->max_bytes) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_REASSEMBLY_MEMORY);
    return NULL;
  }
  uint32_t end = frag_offset + (uint32_t)data_len;
  for (guint i = 0; i < r->pieces->len; i++) {
    Piece *pc = &g_array_index(r->pieces, Piece, i);
    if (pc->offset == frag_offset && pc->len == data_len) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_DUPLICATE_FRAGMENT);
      return NULL;
    }
    if (frag_offset < pc->offset + pc->len && pc->offset < end) {
      /* RFC 5722: overlap discards the datagram, now and later */
      r->dead = true;
      reasm_drop_all(r, SIM_DROP_FRAGMENT_OVERLAP);
      sim_node_drop(ip->node, iface, p, SIM_DROP_FRAGMENT_OVERLAP);
      return NULL;
    }
  }
  if (!more) {
    if ((r->total && r->total != end) || end < 1) {
      r->dead = true;
      reasm_drop_all(r, SIM_DROP_FRAGMENT_OVERLAP);
      sim_node_drop(ip->node, iface, p, SIM_DROP_FRAGMENT_OVERLAP);
      return NULL;
    }
    r->total = end;
  }
  if (r->total && end > r->total) {
    r->dead = true;
    reasm_drop_all(r, SIM_DROP_FRAGMENT_OVERLAP);
    sim_node_drop(ip->node, iface, p, SIM_DROP_FRAGMENT_OVERLAP);
    return NULL;
  }
  Piece pc = { frag_offset, (uint32_t)data_len, p };
  g_array_append_val(r->pieces, pc);
  r->bytes += held;
  f->bytes += held;
  if (!r->total)
    return NULL;
  uint64_t have = 0;
  bool has_first = false;
  for (guint i = 0; i < r->pieces->len; i++) {
    have += g_array_index(r->pieces, Piece, i).len;
    has_first |= g_array_index(r->pieces, Piece, i).offset == 0;
  }
  if (have != r->total || !has_first)
    return NULL; /* no overlaps, so equal sums mean complete */
  /* the first fragment and its Fragment header's offset */
  SimPacket *first = NULL;
  size_t unfrag = 0;
  for (guint i = 0; i < r->pieces->len; i++) {
    Piece *q = &g_array_index(r->pieces, Piece, i);
    if (q->offset == 0) {
      first = q->p;
      unfrag = sim__packet_length(q->p) - q->len - FRAG_HEADER_LEN;
    }
  }
  SimPacket *out = rebuild(ip, r, first, unfrag);
  sim_cancel(sim_net_context(ip->net), &r->timer);
  g_hash_table_remove(f->reasm, &r->key);
  return out;
}

void
sim_ip6_set_reassembly_limit(SimIp6 *ip, size_t bytes)
{
  frag_state(ip)->max_bytes = bytes;
}
