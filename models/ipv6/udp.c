/* udp.c - UDP sockets over IPv6.
 *
 * Sockets of a node live in a small array searched linearly (a node has a
 * handful). Each socket caches the source address it chose for its last
 * destination, valid while the network's route generation is unchanged,
 * so a flow pays one route lookup per datagram (in IPv6 output), not two.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"
#include "../ipv4/ip4.h"

#include <string.h>

struct _SimUdpSocket {
  SimIp6 *ip;
  uint16_t port;
  SimUdpRecvFunc fn;
  void *data;
  SimIp6Addr cache_dst;
  SimIp6Addr cache_src;
  uint64_t cache_gen;
  bool cache_valid;
};

struct _SimUdp {
  GPtrArray *socks;
  uint16_t next_ephemeral;
};

static void
udp_state_free(SimUdp *u)
{
  g_ptr_array_unref(u->socks);
  g_free(u);
}

static void
udp_slot_free(void *data)
{
  udp_state_free(data);
}

static SimUdp *
udp_state(SimIp6 *ip)
{
  if (!ip->udp) {
    ip->udp = g_new0(SimUdp, 1);
    ip->udp->socks = g_ptr_array_new_with_free_func(g_free);
    ip->udp->next_ephemeral = 49152;
    sim_node_set_slot(ip->node, SIM_NODE_SLOT_UDP, ip->udp, udp_slot_free);
  }
  return ip->udp;
}

static SimUdpSocket *
find_port(SimUdp *u, uint16_t port)
{
  for (guint i = 0; i < u->socks->len; i++) {
    SimUdpSocket *s = u->socks->pdata[i];
    if (s->port == port)
      return s;
  }
  return NULL;
}

SimUdpSocket *
sim_udp_bind(SimIp6 *ip, uint16_t port, SimUdpRecvFunc fn, void *data, GError **error)
{
  g_return_val_if_fail(ip != NULL, NULL);
  SimUdp *u = udp_state(ip);
  if (port == 0) {
    for (unsigned tries = 0; tries < 16384; tries++) {
      uint16_t p = u->next_ephemeral;
      u->next_ephemeral = p == 65535 ? 49152 : (uint16_t)(p + 1);
      if (!find_port(u, p)) {
        port = p;
        break;
      }
    }
    if (port == 0) {
      g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_EXISTS, "node %s: no free UDP port",
                  sim_node_name(ip->node));
      return NULL;
    }
  } else if (find_port(u, port)) {
    g_set_error(error, SIM_NET_ERROR, SIM_NET_ERROR_EXISTS, "node %s: UDP port %u already bound",
                sim_node_name(ip->node), port);
    return NULL;
  }
  SimUdpSocket *s = g_new0(SimUdpSocket, 1);
  s->ip = ip;
  s->port = port;
  s->fn = fn;
  s->data = data;
  g_ptr_array_add(u->socks, s);
  return s;
}

void
sim_udp_close(SimUdpSocket *sock)
{
  if (!sock)
    return;
  g_ptr_array_remove(sock->ip->udp->socks, sock);
}

uint16_t
sim_udp_port(const SimUdpSocket *sock)
{
  return sock->port;
}

SimIp6 *
sim_udp_ip6(const SimUdpSocket *sock)
{
  return sock->ip;
}

/* The UDP header at @h for @len bytes from @sport to @dport, checksum 0. */
static void
put_header(uint8_t *h, uint16_t sport, uint16_t dport, size_t len)
{
  h[0] = (uint8_t)(sport >> 8);
  h[1] = (uint8_t)sport;
  h[2] = (uint8_t)(dport >> 8);
  h[3] = (uint8_t)dport;
  h[4] = (uint8_t)(len >> 8);
  h[5] = (uint8_t)len;
  h[6] = h[7] = 0;
}

/* The RFC 768 checksum over the IPv4 pseudo-header (virtual payload
 * counts as zeros): a one's complement sum is the same with the addresses
 * IPv4-mapped, as ::ffff: adds only 0xffff twice. */
static uint16_t
checksum4(const SimPacket *p, const SimIp6Addr *src, const SimIp6Addr *dst)
{
  return sim_ip6_upper_checksum(p, src, dst, SIM_IPPROTO_UDP);
}

/* UDP over IPv4: @dst is IPv4-mapped. */
static void
udp_sendto4(SimUdpSocket *sock, SimPacket *payload, const SimIp6Addr *dst, uint16_t dport,
            const SimIp6SendOpts *opts)
{
  SimIp6 *ip = sock->ip;
  SimIp4 *ip4 = sim_ip4_of(ip->node);
  uint32_t d = sim_ip4_from_mapped(dst);
  uint32_t s = 0;
  if (ip4) {
    uint32_t gw;
    gboolean local = FALSE;
    SimIface *out = sim_ip4_route_lookup(ip4, SIM_IP6_TABLE_MAIN, d, &gw, &local);
    s = local ? d : out ? sim_ip4_iface_address(ip4, out) : 0;
    if (!s)
      s = sim_ip4_primary_address(ip4);
  }
  if (!s) {
    sim_node_drop(ip->node, NULL, payload, SIM_DROP_NO_IPV4);
    return;
  }
  size_t len = sim__packet_length(payload) + SIM_UDP_HEADER_LEN;
  if (len + SIM_IP4_HEADER_LEN > 0xffff) {
    sim_node_drop(ip->node, NULL, payload, SIM_DROP_TOO_BIG);
    return;
  }
  uint8_t *h = sim__packet_push(payload, SIM_UDP_HEADER_LEN);
  put_header(h, sock->port, dport, len);
  SimIp6Addr src = sim_ip4_mapped(s);
  uint16_t ck = checksum4(payload, &src, dst);
  if (ck == 0)
    ck = 0xffff;
  h[6] = (uint8_t)(ck >> 8);
  h[7] = (uint8_t)ck;
  sim_ip4_output(ip4, payload, s, d, SIM_IPPROTO_UDP, opts ? (uint8_t)opts->hop_limit : 0,
                 opts ? opts->traffic_class : 0);
}

void
sim_udp_sendto(SimUdpSocket *sock, SimPacket *payload, const SimIp6Addr *dst, uint16_t dport,
               const SimIp6SendOpts *opts)
{
  SimIp6 *ip = sock->ip;
  if (SIM_UNLIKELY(sim_ip4_is_mapped(dst))) {
    udp_sendto4(sock, payload, dst, dport, opts);
    return;
  }
  uint64_t gen = sim_net_route_generation(ip->net);
  if (!sock->cache_valid || sock->cache_gen != gen || !sim_ip6_addr_equal(&sock->cache_dst, dst)) {
    const SimIp6Addr *src = sim_ip6_select_source(ip, dst);
    if (!src) {
      sim_node_drop(ip->node, NULL, payload, SIM_DROP_NO_ROUTE);
      return;
    }
    sock->cache_src = *src;
    sock->cache_dst = *dst;
    sock->cache_gen = sim_net_route_generation(ip->net);
    sock->cache_valid = true;
  }
  size_t len = sim__packet_length(payload) + SIM_UDP_HEADER_LEN;
  if (len > 0xffff) {
    sim_node_drop(ip->node, NULL, payload, SIM_DROP_TOO_BIG);
    return;
  }
  uint8_t *h = sim__packet_push(payload, SIM_UDP_HEADER_LEN);
  h[0] = (uint8_t)(sock->port >> 8);
  h[1] = (uint8_t)sock->port;
  h[2] = (uint8_t)(dport >> 8);
  h[3] = (uint8_t)dport;
  h[4] = (uint8_t)(len >> 8);
  h[5] = (uint8_t)len;
  h[6] = h[7] = 0;
  uint16_t ck = sim_ip6_upper_checksum(payload, &sock->cache_src, dst, SIM_IPPROTO_UDP);
  if (ck == 0)
    ck = 0xffff; /* RFC 768: a computed zero is sent as all ones */
  h[6] = (uint8_t)(ck >> 8);
  h[7] = (uint8_t)ck;
  sim_ip6_output(ip, payload, &sock->cache_src, dst, SIM_IPPROTO_UDP, opts);
}

void
sim__udp_input4(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  SimNode *node = ip->node;
  if (SIM_UNLIKELY(sim__packet_real_length(p) < SIM_UDP_HEADER_LEN)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
    return;
  }
  const uint8_t *b = sim__packet_data(p);
  uint16_t sport = (uint16_t)((b[0] << 8) | b[1]);
  uint16_t dport = (uint16_t)((b[2] << 8) | b[3]);
  uint16_t ulen = (uint16_t)((b[4] << 8) | b[5]);
  uint16_t ck = (uint16_t)((b[6] << 8) | b[7]);
  if (SIM_UNLIKELY(ulen != sim__packet_length(p) || ulen < SIM_UDP_HEADER_LEN)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
    return;
  }
  /* RFC 768: over IPv4 a zero checksum means none was computed */
  if (SIM_UNLIKELY(ck != 0 && checksum4(p, &h->src, &h->dst) != 0)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_CHECKSUM);
    return;
  }
  SimUdpSocket *s = ip->udp ? find_port(ip->udp, dport) : NULL;
  if (!s) {
    /* no ICMPv4 Port Unreachable */
    sim_node_drop(node, iface, p, SIM_DROP_PORT_UNREACHABLE);
    return;
  }
  sim_packet_pull(p, SIM_UDP_HEADER_LEN);
  s->fn(s, p, &h->src, sport, h, s->data);
}

void
sim__udp_input(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h)
{
  SimNode *node = ip->node;
  if (SIM_UNLIKELY(sim__packet_real_length(p) < SIM_UDP_HEADER_LEN)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
    return;
  }
  const uint8_t *b = sim__packet_data(p);
  uint16_t sport = (uint16_t)((b[0] << 8) | b[1]);
  uint16_t dport = (uint16_t)((b[2] << 8) | b[3]);
  uint16_t ulen = (uint16_t)((b[4] << 8) | b[5]);
  uint16_t ck = (uint16_t)((b[6] << 8) | b[7]);
  if (SIM_UNLIKELY(ulen != sim__packet_length(p) || ulen < SIM_UDP_HEADER_LEN)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_TRANSPORT);
    return;
  }
  /* RFC 8200 §8.1: a zero checksum is not allowed over IPv6 */
  if (SIM_UNLIKELY(ck == 0 || sim_ip6_upper_checksum(p, &h->src, &h->dst, SIM_IPPROTO_UDP) != 0)) {
    sim_node_drop(node, iface, p, SIM_DROP_BAD_CHECKSUM);
    return;
  }
  SimUdpSocket *s = ip->udp ? find_port(ip->udp, dport) : NULL;
  if (!s) {
    /* RFC 4443 §3.1 code 4; quote the datagram with its IPv6 header */
    sim_packet_unpull(p, h->header_length);
    sim_icmp6_error(ip, iface, p, SIM_ICMP6_DST_UNREACH, 4, 0);
    sim_node_drop(node, iface, p, SIM_DROP_PORT_UNREACHABLE);
    return;
  }
  sim_packet_pull(p, SIM_UDP_HEADER_LEN);
  s->fn(s, p, &h->src, sport, h, s->data);
}
