/* ip6addr.h - IPv6 addresses and prefixes as values.
 *
 * An address is 16 bytes in network order (RFC 4291 §2). Prefixes are an
 * address plus a length 0..128 whose bits beyond the length are zero.
 * Text forms follow RFC 5952 (inet_ntop's canonical output) and accept
 * everything inet_pton does; prefixes are written ADDR/LEN.
 */
#ifndef IPESIM_IP6ADDR_H
#define IPESIM_IP6ADDR_H

#include "simdefs.h"

#include <string.h>

G_BEGIN_DECLS

typedef struct {
  uint8_t b[16];
} SimIp6Addr;

typedef struct {
  SimIp6Addr addr;
  uint8_t len;
} SimIp6Prefix;

/* INET6_ADDRSTRLEN + "/128" */
#define SIM_IP6_PREFIX_STRLEN 50
#define SIM_IP6_ADDR_STRLEN 46

#define SIM_IP6_ERROR (sim_ip6_error_quark())
typedef enum { SIM_IP6_ERROR_SYNTAX } SimIp6Error;
SIM_API GQuark sim_ip6_error_quark(void);

SIM_INLINE bool
sim_ip6_addr_equal(const SimIp6Addr *a, const SimIp6Addr *b)
{
  return memcmp(a->b, b->b, 16) == 0;
}

SIM_INLINE bool
sim_ip6_addr_is_unspecified(const SimIp6Addr *a)
{
  static const uint8_t zero[16];
  return memcmp(a->b, zero, 16) == 0;
}

SIM_INLINE bool
sim_ip6_addr_is_multicast(const SimIp6Addr *a)
{
  return a->b[0] == 0xff;
}

SIM_INLINE bool
sim_ip6_addr_is_link_local(const SimIp6Addr *a)
{
  return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

SIM_INLINE bool
sim_ip6_addr_is_loopback(const SimIp6Addr *a)
{
  static const uint8_t one[16] = { [15] = 1 };
  return memcmp(a->b, one, 16) == 0;
}

/* Bit @i (0 = most significant bit of byte 0). */
SIM_INLINE unsigned
sim_ip6_addr_bit(const SimIp6Addr *a, unsigned i)
{
  return (a->b[i >> 3] >> (7 - (i & 7))) & 1u;
}

/* The address as two host-order 64-bit halves. */
SIM_INLINE uint64_t
sim_ip6_addr_hi(const SimIp6Addr *a)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | a->b[i];
  return v;
}

SIM_INLINE uint64_t
sim_ip6_addr_lo(const SimIp6Addr *a)
{
  uint64_t v = 0;
  for (int i = 8; i < 16; i++)
    v = (v << 8) | a->b[i];
  return v;
}

SIM_INLINE SimIp6Addr
sim_ip6_addr_from_halves(uint64_t hi, uint64_t lo)
{
  SimIp6Addr a;
  for (int i = 7; i >= 0; i--, hi >>= 8)
    a.b[i] = (uint8_t)hi;
  for (int i = 15; i >= 8; i--, lo >>= 8)
    a.b[i] = (uint8_t)lo;
  return a;
}

/* Clears the bits of @a beyond @len (0..128). */
SIM_API void sim_ip6_addr_mask(SimIp6Addr *a, unsigned len);
/* TRUE if the first @len bits of @a and @b are equal. */
SIM_API bool sim_ip6_addr_match(const SimIp6Addr *a, const SimIp6Addr *b, unsigned len);
/* TRUE if @a lies in @p. */
SIM_API bool sim_ip6_prefix_contains(const SimIp6Prefix *p, const SimIp6Addr *a);

/* Parses RFC 4291 text. */
SIM_API gboolean sim_ip6_addr_parse(const char *text, SimIp6Addr *out, GError **error);
/* Parses ADDR/LEN; bits beyond LEN must be zero unless @allow_host_bits
 * (they are then cleared). */
SIM_API gboolean sim_ip6_prefix_parse(const char *text, SimIp6Prefix *out, gboolean allow_host_bits,
                                      GError **error);
/* RFC 5952 text into @buf (SIM_IP6_ADDR_STRLEN bytes). Returns @buf. */
SIM_API char *sim_ip6_addr_format(const SimIp6Addr *a, char *buf);
/* ADDR/LEN into @buf (SIM_IP6_PREFIX_STRLEN bytes). Returns @buf. */
SIM_API char *sim_ip6_prefix_format(const SimIp6Prefix *p, char *buf);

G_END_DECLS

#endif /* IPESIM_IP6ADDR_H */
