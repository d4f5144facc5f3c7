/* icmp6.c - ICMPv6 (RFC 4443): error messages, echo, input validation.
 *
 * Errors quote as much of the invoking packet as fits in the minimum MTU
 * (§2.4 (c): 1280 bytes for the whole error packet, so at most 1232 bytes
 * of quote); real bytes are copied, virtual payload stays virtual, so the
 * quote of a large datagram costs nothing and the checksum stays exact
 * (virtual bytes are zeros). §2.4 (e): no error about an error, about a
 * packet sent to a multicast address (except Packet Too Big and Parameter
 * Problem code 2), or about a packet whose source does not identify a
 * single node. §2.4 (f): a token bucket per node limits the error rate.
 * §2.2: the error's source is the invoking packet's destination when that
 * was one of our addresses, else the address we would use to reach the
 * invoking packet's source.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"
#include "../ipv4/ip4.h"

#include <string.h>

#define ICMP6_HEADER_LEN 8
#define ICMP6_QUOTE_MAX (SIM_IP6_MIN_MTU - SIM_IP6_HEADER_LEN - ICMP6_HEADER_LEN)

void
sim_icmp6_set_rate_limit(SimIp6 *ip, double per_second, uint32_t burst)
{
  g_return_if_fail(per_second >= 0 && burst >= 1);
  ip->icmp_rate = per_second;
  ip->icmp_burst = burst;
  ip->icmp_tokens = burst;
}

static bool
take_token(SimIp6 *ip)
{
  SimTime now = sim_now(sim_net_context(ip->net));
  ip->icmp_tokens += sim_time_to_seconds(now - ip->icmp_last) * ip->icmp_rate;
  if (ip->icmp_tokens > ip->icmp_burst)
    ip->icmp_tokens = ip->icmp_burst;
  ip->icmp_last = now;
  if (ip->icmp_tokens < 1.0)
    return false;
  ip->icmp_tokens -= 1.0;
  return true;
}

/* Finishes an ICMPv6 message at the front of @m (type, code, body already
 * written, checksum zero) and sends it from @src to @dst. */
static void
icmp6_send_opts(SimIp6 *ip, SimPacket *m, const SimIp6Addr *src, const SimIp6Addr *dst,
                const SimIp6SendOpts *opts)
{
  uint16_t ck = sim_ip6_upper_checksum(m, src, dst, SIM_IPPROTO_ICMPV6);
  uint8_t *b = sim__packet_data_writable(m);
  b[2] = (uint8_t)(ck >> 8);
  b[3] = (uint8_t)ck;
  sim_net_packet_created(ip->net, m);
  sim_ip6_output(ip, m, src, dst, SIM_IPPROTO_ICMPV6, opts);
}

static void
icmp6_send(SimIp6 *ip, SimPacket *m, const SimIp6Addr *src, const SimIp6Addr *dst)
{
  icmp6_send_opts(ip, m, src, dst, NULL);
}

gboolean
sim_icmp6_error(SimIp6 *ip, SimIface *iface, const SimPacket *p, uint8_t type, uint8_t code,
                uint32_t param)
{
  (void)iface;
  SimIp6Header h;
  const uint8_t *b = sim__packet_data(p);
  size_t real = sim__packet_real_length(p);
  if (!sim_ip6_header_read(b, real, &h))
    return FALSE;
  /* (e.1) never about an ICMPv6 error message (types 0..127), nor about
   * a packet whose chain hides what it carries */
  uint8_t proto;
  size_t upper;
  bool found = sim__ip6_find_upper(b, real, &proto, &upper);
  if (found && proto == SIM_IPPROTO_ICMPV6 && (upper >= real || b[upper] < 128))
    return FALSE;
  /* (e.3) not for packets sent to multicast, except PTB and PP code 2 */
  if (sim_ip6_addr_is_multicast(&h.dst) &&
      !(type == SIM_ICMP6_PACKET_TOO_BIG || (type == SIM_ICMP6_PARAM_PROBLEM && code == 2)))
    return FALSE;
  /* (e.6) the source must identify a single node */
  if (sim_ip6_addr_is_unspecified(&h.src) || sim_ip6_addr_is_multicast(&h.src))
    return FALSE;
  if (!take_token(ip)) {
    ip->stats.icmp_errors_suppressed++;
    return FALSE;
  }
  const SimIp6Addr *src =
    sim_ip6_is_local(ip, &h.dst) ? &h.dst : sim_ip6_select_source(ip, &h.src);
  if (!src)
    return FALSE;
  SimIp6Addr src_copy = *src, dst = h.src;

  size_t total = sim__packet_length(p);
  size_t quote = MIN(total, (size_t)ICMP6_QUOTE_MAX);
  size_t quote_real = MIN(quote, real);
  SimPacket *m = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM,
                                ICMP6_HEADER_LEN + quote_real, quote - quote_real);
  uint8_t *w = sim__packet_data_writable(m);
  w[0] = type;
  w[1] = code;
  w[2] = w[3] = 0;
  w[4] = (uint8_t)(param >> 24);
  w[5] = (uint8_t)(param >> 16);
  w[6] = (uint8_t)(param >> 8);
  w[7] = (uint8_t)param;
  memcpy(w + ICMP6_HEADER_LEN, b, quote_real);
  SimPacketMeta *meta = sim__packet_meta(m);
  meta->created = sim_now(sim_net_context(ip->net));
  ip->stats.icmp_errors_sent++;
  icmp6_send(ip, m, &src_copy, &dst);
  return TRUE;
}

void
sim_icmp6_set_echo_handler(SimIp6 *ip, SimIcmp6EchoFunc fn, void *data)
{
  ip->echo_fn = fn;
  ip->echo_data = data;
}

void
sim_icmp6_echo_request(SimIp6 *ip, const SimIp6Addr *dst, uint16_t id, uint16_t seq, size_t size)
{
  sim_icmp6_echo_request_opts(ip, dst, id, seq, size, NULL);
}

void
sim_icmp6_echo_request_opts(SimIp6 *ip, const SimIp6Addr *dst, uint16_t id, uint16_t seq,
                            size_t size, const SimIp6SendOpts *opts)
{
  if (size < 8)
    size = 8;
  SimTime now = sim_now(sim_net_context(ip->net));
  SimPacket *m = sim_packet_new(sim_net_pool(ip->net), SIM_PACKET_DEFAULT_HEADROOM,
                                ICMP6_HEADER_LEN + 8, size - 8);
  uint8_t *w = sim__packet_data_writable(m);
  w[0] = SIM_ICMP6_ECHO_REQUEST;
  w[1] = 0;
  w[2] = w[3] = 0;
  w[4] = (uint8_t)(id >> 8);
  w[5] = (uint8_t)id;
  w[6] = (uint8_t)(seq >> 8);
  w[7] = (uint8_t)seq;
  for (int i = 0; i < 8; i++)
    w[8 + i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
  sim__packet_meta(m)->created = now;
  if (SIM_UNLIKELY(sim_ip4_is_mapped(dst))) {
    /* an IPv4 destination: ICMP echo (RFC 792), the same layout */
    SimIp4 *ip4 = sim_ip4_of(ip->node);
    sim_net_packet_created(ip->net, m);
    if (!ip4) {
      sim_node_drop(ip->node, NULL, m, SIM_DROP_NO_IPV4);
      return;
    }
    w[0] = 8;
    uint16_t ck = sim_inet_fold(sim_inet_sum(0, w, ICMP6_HEADER_LEN + 8));
    w[2] = (uint8_t)(ck >> 8);
    w[3] = (uint8_t)ck;
    sim_ip4_output(ip4, m, 0, sim_ip4_from_mapped(dst), SIM_IPPROTO_ICMP,
                   opts ? opts->hop_limit : 0, opts ? opts->traffic_class : 0);
    return;
  }
  const SimIp6Addr *src = sim_ip6_select_source(ip, dst);
  if (!src) {
    sim_net_packet_created(ip->net, m);
    sim_node_drop(ip->node, NULL, m, SIM_DROP_NO_ROUTE);
    return;
  }
  SimIp6Addr s = *src;
  icmp6_send_opts(ip, m, &s, dst, opts);
}

void
sim__icmp6_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  SimNode *node = ip->node;
  size_t real = sim__packet_real_length(p);
  if (real < 4) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
    return;
  }
  if (sim_ip6_upper_checksum(p, &h->src, &h->dst, SIM_IPPROTO_ICMPV6) != 0) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_CHECKSUM);
    return;
  }
  ip->stats.icmp_rx++;
  const uint8_t *b = sim__packet_data(p);
  uint8_t type = b[0];
  if (type >= 133 && type <= 137) {
    sim__nd_input(ip, iface, p, h); /* RFC 4861 messages */
    return;
  }
  if (type == SIM_ICMP6_ECHO_REQUEST) {
    if (real < ICMP6_HEADER_LEN || sim_ip6_addr_is_unspecified(&h->src) ||
        sim_ip6_addr_is_multicast(&h->src)) {
      sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
      return;
    }
    /* RFC 4443 §4.2: the reply carries the request's identifier, sequence
     * and data; its source is the request's destination when unicast */
    SimPacket *r = sim_packet_copy(p, SIM_PACKET_DEFAULT_HEADROOM);
    uint8_t *w = sim__packet_data_writable(r);
    w[0] = SIM_ICMP6_ECHO_REPLY;
    w[2] = w[3] = 0;
    sim__packet_meta(r)->created = sim_now(sim_net_context(ip->net));
    SimIp6Addr dst = h->src;
    const SimIp6Addr *src =
      sim_ip6_addr_is_multicast(&h->dst) ? sim_ip6_select_source(ip, &dst) : &h->dst;
    SimIp6Addr s = src ? *src : h->dst;
    sim_net_packet_delivered(ip->net, p);
    icmp6_send(ip, r, &s, &dst);
    return;
  }
  if (type == SIM_ICMP6_ECHO_REPLY) {
    if (real >= ICMP6_HEADER_LEN + 8 && ip->echo_fn) {
      uint16_t id = (uint16_t)((b[4] << 8) | b[5]);
      uint16_t seq = (uint16_t)((b[6] << 8) | b[7]);
      uint64_t sent = 0;
      for (int i = 0; i < 8; i++)
        sent = (sent << 8) | b[8 + i];
      ip->echo_fn(ip, &h->src, id, seq, (SimTime)sent, ip->echo_data);
    }
    sim_net_packet_delivered(ip->net, p);
    return;
  }
  if (type == SIM_ICMP6_PACKET_TOO_BIG && real >= ICMP6_HEADER_LEN + SIM_IP6_HEADER_LEN) {
    /* RFC 8201 §4: the MTU for the quoted packet's destination; the quote
     * must be of a packet this node sent */
    uint32_t mtu = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    SimIp6Header q;
    if (sim_ip6_header_read(b + ICMP6_HEADER_LEN, real - ICMP6_HEADER_LEN, &q) &&
        sim_ip6_is_local(ip, &q.src))
      sim__ip6_pmtu_update(ip, &q.dst, mtu);
  }
  /* errors and informational messages without a handler are consumed */
  sim_net_packet_delivered(ip->net, p);
}
