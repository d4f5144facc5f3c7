/* udp.h - UDP over IPv6 (RFC 768, RFC 8200 §8.1) with a socket-like API.
 *
 * The checksum is mandatory over IPv6: senders always compute it (with the
 * pseudo-header; virtual payload counts as zero bytes), receivers drop a
 * zero or wrong checksum (bad_checksum) and a datagram whose UDP length
 * disagrees with the IPv6 payload length (bad_transport). A datagram for a
 * port nobody listens on is answered with Destination Unreachable code 4
 * (RFC 4443 §3.1) and dropped as port_unreachable.
 */
#ifndef IPESIM_UDP_H
#define IPESIM_UDP_H

#include "ip6.h"

G_BEGIN_DECLS

#define SIM_UDP_HEADER_LEN 8

typedef struct _SimUdpSocket SimUdpSocket;

/**
 * SimUdpRecvFunc:
 * A datagram arrived: @payload starts after the UDP header; the callback
 * owns it and must consume it (sim_net_packet_delivered()) or drop it.
 */
typedef void (*SimUdpRecvFunc)(SimUdpSocket *sock, SimPacket *payload, const SimIp6Addr *src,
                               uint16_t sport, const SimIp6Header *h, void *data);

/**
 * sim_udp_bind:
 * @port: local port, or 0 for the next free ephemeral port (49152..65535)
 * Returns: (transfer full) (nullable): the socket, NULL with @error if the
 *   port is taken. Closed with sim_udp_close() or with the node.
 */
SIM_API SimUdpSocket *sim_udp_bind(SimIp6 *ip, uint16_t port, SimUdpRecvFunc fn, void *data,
                                   GError **error);
SIM_API void sim_udp_close(SimUdpSocket *sock);
SIM_API uint16_t sim_udp_port(const SimUdpSocket *sock);
SIM_API SimIp6 *sim_udp_ip6(const SimUdpSocket *sock);

/**
 * sim_udp_sendto:
 * Sends @payload (taken) to @dst:@dport: pushes the UDP header with its
 * checksum and hands the datagram to IPv6 (which may drop it, e.g.
 * no_route or too_big). @opts nullable.
 */
SIM_API void sim_udp_sendto(SimUdpSocket *sock, SimPacket *payload, const SimIp6Addr *dst,
                            uint16_t dport, const SimIp6SendOpts *opts);

G_END_DECLS

#endif /* IPESIM_UDP_H */
