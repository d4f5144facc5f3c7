/* ether.c - Ethernet II framing of interfaces: MAC addresses, the
 * receive filter, multicast groups (RFC 2464 §7 mapping), sending frames.
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "net-private.h"
#include "simpacket-private.h"

#include <string.h>

uint64_t
sim__mac_key(const uint8_t mac[6])
{
  uint64_t k = 0;
  for (int i = 0; i < 6; i++)
    k = (k << 8) | mac[i];
  return k;
}

const uint8_t *
sim_iface_mac(const SimIface *iface)
{
  return iface->mac;
}

void
sim_iface_set_mac(SimIface *iface, const uint8_t mac[6])
{
  memcpy(iface->mac, mac, 6);
}

gboolean
sim_iface_is_ethernet(const SimIface *iface)
{
  return iface->framing == SIM_FRAMING_ETHERNET;
}

gboolean
sim_iface_is_multiaccess(const SimIface *iface)
{
  return iface->peer->node->is_switch;
}

void
sim_ether_multicast_mac(const uint8_t ip6_group[16], uint8_t mac[6])
{
  mac[0] = 0x33;
  mac[1] = 0x33;
  memcpy(mac + 2, ip6_group + 12, 4);
}

void
sim_iface_join_mac(SimIface *iface, const uint8_t mac[6])
{
  uint64_t k = sim__mac_key(mac);
  if (!iface->mcast)
    iface->mcast = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  for (guint i = 0; i < iface->mcast->len; i++)
    if (g_array_index(iface->mcast, uint64_t, i) == k)
      return;
  g_array_append_val(iface->mcast, k);
}

void
sim_iface_leave_mac(SimIface *iface, const uint8_t mac[6])
{
  if (!iface->mcast)
    return;
  uint64_t k = sim__mac_key(mac);
  for (guint i = 0; i < iface->mcast->len; i++)
    if (g_array_index(iface->mcast, uint64_t, i) == k) {
      g_array_remove_index_fast(iface->mcast, i);
      return;
    }
}

bool
sim__ether_accepts(const SimIface *rx, const uint8_t *dst)
{
  if (memcmp(dst, rx->mac, 6) == 0)
    return true;
  if (!(dst[0] & 1))
    return false; /* another station's unicast */
  static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  if (memcmp(dst, broadcast, 6) == 0)
    return true;
  if (!rx->mcast)
    return false;
  uint64_t k = sim__mac_key(dst);
  for (guint i = 0; i < rx->mcast->len; i++)
    if (g_array_index(rx->mcast, uint64_t, i) == k)
      return true;
  return false;
}

void
sim_iface_send_ether_type(SimIface *iface, SimPacket *p, const uint8_t dst_mac[6],
                          uint16_t ethertype)
{
  g_return_if_fail(iface->framing == SIM_FRAMING_ETHERNET);
  uint8_t *h = sim__packet_push(p, SIM_ETH_HEADER_LEN);
  memcpy(h, dst_mac, 6);
  memcpy(h + 6, iface->mac, 6);
  h[12] = (uint8_t)(ethertype >> 8);
  h[13] = (uint8_t)ethertype;
  sim_iface_send(iface, p);
}

void
sim_iface_send_ether(SimIface *iface, SimPacket *p, const uint8_t dst_mac[6])
{
  sim_iface_send_ether_type(iface, p, dst_mac, SIM_ETHERTYPE_IPV6);
}
