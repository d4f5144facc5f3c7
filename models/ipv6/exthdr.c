/* exthdr.c - IPv6 extension headers on receive (RFC 8200 §4).
 *
 * Hop-by-Hop Options are processed by every node before the forwarding
 * decision, and only when they follow the fixed header directly; the
 * other headers are processed by the destination, in order: Destination
 * Options, Routing, Fragment, up to the upper-layer header.
 *
 * Options (§4.2): Pad1 and PadN are skipped, Router Alert (RFC 2711) is
 * recognised in Hop-by-Hop; an unrecognised option acts on the two
 * high-order bits of its type: 00 skip, 01 discard, 10 discard and send
 * Parameter Problem code 2 pointing at the option type (even to a
 * multicast destination), 11 the same unless the destination was
 * multicast. An option whose length runs past its header is malformed:
 * the packet is dropped (bad_header) without an answer.
 *
 * Routing headers (§4.4, RFC 5095): with Segments Left 0 the header is
 * ignored and processing goes on; with Segments Left > 0 a type 0 header
 * (deprecated) and any type nobody handles give Parameter Problem code 0
 * pointing at the Routing Type field. Type 4 (the SRH, RFC 8754) goes to
 * the handler the SRv6 module installs, if any.
 *
 * Every header must lie in the real bytes of the packet (a chain running
 * into virtual payload or past the end is truncated: bad_header), and a
 * node walks at most max_ext_headers headers (ext_header_limit).
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"

enum {
  OPT_PAD1 = 0,
  OPT_PADN = 1,
  OPT_ROUTER_ALERT = 5,
};

/* Processes the options of the Hop-by-Hop or Destination Options header
 * at @off. Returns TRUE to go on, FALSE if @p was dropped. */
static bool
options(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h, size_t off, bool hbh)
{
  const uint8_t *b = sim__packet_data(p);
  size_t end = off + ((size_t)b[off + 1] + 1) * 8;
  size_t o = off + 2;
  while (o < end) {
    uint8_t type = b[o];
    if (type == OPT_PAD1) {
      o++;
      continue;
    }
    if (o + 2 > end || o + 2 + (size_t)b[o + 1] > end) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
      return false;
    }
    size_t len = b[o + 1];
    if (type == OPT_PADN) {
      o += 2 + len;
      continue;
    }
    if (hbh && type == OPT_ROUTER_ALERT) {
      if (len != 2) {
        /* RFC 2711: the value is 2 bytes; the option's length field is wrong */
        sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)(o + 1));
        sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_OPTION);
        return false;
      }
      ip->stats.router_alerts++;
      o += 2 + len;
      continue;
    }
    switch (type >> 6) {
    case 0: /* skip over this option */
      o += 2 + len;
      continue;
    case 1: /* discard */
      break;
    case 2: /* discard, Parameter Problem code 2 even to multicast */
      sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 2, (uint32_t)o);
      break;
    default: /* discard, Parameter Problem code 2 unless multicast */
      if (!sim_ip6_addr_is_multicast(&h->dst))
        sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 2, (uint32_t)o);
      break;
    }
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_OPTION);
    return false;
  }
  return true;
}

/* Length of the extension header at @off (whose type is @nh), or 0 if it
 * does not fit in the real bytes. */
static size_t
ext_length(const SimPacket *p, size_t off, uint8_t nh)
{
  size_t real = sim__packet_real_length(p);
  if (off + 8 > real)
    return 0;
  const uint8_t *b = sim__packet_data(p);
  size_t len = nh == SIM_IPPROTO_FRAGMENT ? 8 : ((size_t)b[off + 1] + 1) * 8;
  return off + len > real ? 0 : len;
}

bool
sim__ip6_hop_by_hop(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h)
{
  size_t len = ext_length(p, SIM_IP6_HEADER_LEN, SIM_IPPROTO_HOPOPTS);
  if (len == 0) {
    sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
    return false;
  }
  if (!options(ip, iface, p, h, SIM_IP6_HEADER_LEN, true))
    return false;
  h->header_length = (uint16_t)(SIM_IP6_HEADER_LEN + len);
  h->upper_protocol = sim__packet_data(p)[SIM_IP6_HEADER_LEN];
  h->n_ext = 1;
  return true;
}

SimIp6ChainResult
sim__ip6_chain(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h)
{
  /* h->header_length / upper_protocol already cover a Hop-by-Hop header */
  size_t off = h->header_length;
  uint8_t nh = h->upper_protocol;
  size_t nh_field = 6;
  {
    /* the field that holds nh: the Next Header of the last header before off */
    const uint8_t *b = sim__packet_data(p);
    for (size_t o = SIM_IP6_HEADER_LEN; o < off; o += ((size_t)b[o + 1] + 1) * 8)
      nh_field = o;
  }
  for (;;) {
    if (nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING && nh != SIM_IPPROTO_FRAGMENT &&
        nh != SIM_IPPROTO_HOPOPTS)
      break;
    if (nh == SIM_IPPROTO_HOPOPTS) {
      /* §4.1: only directly after the fixed header; elsewhere it is an
       * unrecognised Next Header value */
      sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 1, (uint32_t)nh_field);
      sim_node_drop(ip->node, iface, p, SIM_DROP_UNKNOWN_NEXT_HEADER);
      return SIM_IP6_CHAIN_DROPPED;
    }
    if (h->n_ext >= ip->max_ext_headers) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_EXT_HEADER_LIMIT);
      return SIM_IP6_CHAIN_DROPPED;
    }
    size_t len = ext_length(p, off, nh);
    if (len == 0) {
      sim_node_drop(ip->node, iface, p, SIM_DROP_BAD_HEADER);
      return SIM_IP6_CHAIN_DROPPED;
    }
    const uint8_t *b = sim__packet_data(p);
    if (nh == SIM_IPPROTO_DSTOPTS) {
      if (!options(ip, iface, p, h, off, false))
        return SIM_IP6_CHAIN_DROPPED;
    } else if (nh == SIM_IPPROTO_ROUTING) {
      uint8_t type = b[off + 2], segments_left = b[off + 3];
      if (segments_left > 0) {
        if (type == 4 && ip->srh_fn) {
          h->header_length = (uint16_t)off; /* the SRH's offset */
          h->upper_protocol = nh;
          ip->srh_fn(ip, iface, p, h, ip->srh_data);
          return SIM_IP6_CHAIN_CONSUMED;
        }
        /* RFC 8200 §4.4, RFC 5095 §3 for type 0: Parameter Problem code 0
         * pointing at the Routing Type field */
        sim_icmp6_error(ip, iface, p, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)(off + 2));
        sim_node_drop(ip->node, iface, p, SIM_DROP_ROUTING_HEADER);
        return SIM_IP6_CHAIN_DROPPED;
      }
    } else {
      uint16_t frag = (uint16_t)((b[off + 2] << 8) | b[off + 3]);
      if (frag & 0xfff9) {
        /* a real fragment (offset or M flag set): to reassembly */
        h->header_length = (uint16_t)off; /* the Fragment header's offset */
        h->upper_protocol = nh;
        return SIM_IP6_CHAIN_FRAGMENT;
      }
      /* RFC 6946: an atomic fragment (offset 0, M 0) is processed as a
       * whole packet, outside any reassembly */
      ip->stats.atomic_fragments++;
    }
    h->n_ext++;
    nh_field = off;
    nh = b[off];
    off += len;
  }
  h->header_length = (uint16_t)off;
  h->upper_protocol = nh;
  h->next_header_field = (uint16_t)nh_field;
  return SIM_IP6_CHAIN_UPPER;
}
