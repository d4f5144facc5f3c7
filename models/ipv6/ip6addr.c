/* ip6addr.c - IPv6 address and prefix helpers (text through inet_pton and
 * inet_ntop, which give RFC 5952 canonical output on glibc). */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "ip6addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

G_DEFINE_QUARK(sim-ip6-error-quark, sim_ip6_error)

void
sim_ip6_addr_mask(SimIp6Addr *a, unsigned len)
{
  g_return_if_fail(len <= 128);
  for (unsigned i = 0; i < 16; i++) {
    unsigned bits = len > 8 * i ? len - 8 * i : 0;
    if (bits >= 8)
      continue;
    a->b[i] &= (uint8_t)(0xff00u >> bits);
  }
}

bool
sim_ip6_addr_match(const SimIp6Addr *a, const SimIp6Addr *b, unsigned len)
{
  unsigned full = len / 8, rest = len % 8;
  if (memcmp(a->b, b->b, full) != 0)
    return false;
  if (rest == 0)
    return true;
  uint8_t m = (uint8_t)(0xff00u >> rest);
  return ((a->b[full] ^ b->b[full]) & m) == 0;
}

bool
sim_ip6_prefix_contains(const SimIp6Prefix *p, const SimIp6Addr *a)
{
  return sim_ip6_addr_match(&p->addr, a, p->len);
}

gboolean
sim_ip6_addr_parse(const char *text, SimIp6Addr *out, GError **error)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  if (inet_pton(AF_INET6, text, out->b) != 1) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s': expected an IPv6 address such as 2001:db8::1", text);
    return FALSE;
  }
  return TRUE;
}

gboolean
sim_ip6_prefix_parse(const char *text, SimIp6Prefix *out, gboolean allow_host_bits, GError **error)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  const char *slash = strchr(text, '/');
  char *end = NULL;
  unsigned long len = 0;
  if (slash) {
    errno = 0;
    len = strtoul(slash + 1, &end, 10);
  }
  if (!slash || end == slash + 1 || *end != '\0' || len > 128 || slash[1] == '-' ||
      slash[1] == '+' || g_ascii_isspace(slash[1])) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s': expected an IPv6 prefix such as 2001:db8::/32 (length 0..128)", text);
    return FALSE;
  }
  g_autofree char *addr = g_strndup(text, (gsize)(slash - text));
  SimIp6Prefix p = { .len = (uint8_t)len };
  if (inet_pton(AF_INET6, addr, p.addr.b) != 1) {
    g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                "'%s': expected an IPv6 prefix such as 2001:db8::/32", text);
    return FALSE;
  }
  SimIp6Addr masked = p.addr;
  sim_ip6_addr_mask(&masked, p.len);
  if (!sim_ip6_addr_equal(&masked, &p.addr)) {
    if (!allow_host_bits) {
      char buf[SIM_IP6_PREFIX_STRLEN];
      SimIp6Prefix fixed = { masked, p.len };
      g_set_error(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX,
                  "'%s': bits set beyond the prefix length (did you mean %s?)", text,
                  sim_ip6_prefix_format(&fixed, buf));
      return FALSE;
    }
    p.addr = masked;
  }
  *out = p;
  return TRUE;
}

char *
sim_ip6_addr_format(const SimIp6Addr *a, char *buf)
{
  if (!inet_ntop(AF_INET6, a->b, buf, SIM_IP6_ADDR_STRLEN))
    g_strlcpy(buf, "?", SIM_IP6_ADDR_STRLEN);
  return buf;
}

char *
sim_ip6_prefix_format(const SimIp6Prefix *p, char *buf)
{
  sim_ip6_addr_format(&p->addr, buf);
  size_t n = strlen(buf);
  g_snprintf(buf + n, SIM_IP6_PREFIX_STRLEN - n, "/%u", p->len);
  return buf;
}
