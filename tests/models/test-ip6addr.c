/* test-ip6addr.c - IPv6 address and prefix text forms and matching
 * (RFC 4291 §2.2 text, RFC 5952 canonical output). */
#include <criterion/criterion.h>
#include <string.h>

#include "ip6addr.h"

static SimIp6Addr
addr(const char *s)
{
  SimIp6Addr a;
  cr_assert(sim_ip6_addr_parse(s, &a, NULL), "'%s'", s);
  return a;
}

Test(ip6addr, parse_and_canonical_format)
{
  const char *cases[][2] = {
    { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
    { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" }, /* RFC 5952 §4.2.3: first longest run */
    { "2001:DB8::A", "2001:db8::a" },                 /* §4.3: lower case */
    { "::", "::" },
    { "::1", "::1" },
    { "fe80::1:2", "fe80::1:2" },
    { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" }, /* §4.2.2: no :: for one field */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    SimIp6Addr a = addr(cases[i][0]);
    char buf[SIM_IP6_ADDR_STRLEN];
    cr_assert_str_eq(sim_ip6_addr_format(&a, buf), cases[i][1]);
  }
}

Test(ip6addr, rejects_malformed)
{
  const char *bad[] = { "", "1:2:3", "2001:db8::1::2", "2001:db8::g", "12345::", "1.2.3.4" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    SimIp6Addr a;
    GError *error = NULL;
    cr_assert(!sim_ip6_addr_parse(bad[i], &a, &error), "'%s' accepted", bad[i]);
    cr_assert(g_error_matches(error, SIM_IP6_ERROR, SIM_IP6_ERROR_SYNTAX));
    g_error_free(error);
  }
}

Test(ip6addr, prefixes)
{
  SimIp6Prefix p;
  char buf[SIM_IP6_PREFIX_STRLEN];
  cr_assert(sim_ip6_prefix_parse("2001:db8:1::/48", &p, FALSE, NULL));
  cr_assert_eq(p.len, 48);
  cr_assert_str_eq(sim_ip6_prefix_format(&p, buf), "2001:db8:1::/48");
  SimIp6Addr in = addr("2001:db8:1:ffff::1"), out = addr("2001:db8:2::1");
  cr_assert(sim_ip6_prefix_contains(&p, &in));
  cr_assert(!sim_ip6_prefix_contains(&p, &out));
  cr_assert(sim_ip6_prefix_parse("::/0", &p, FALSE, NULL));
  cr_assert(sim_ip6_prefix_contains(&p, &out));
  GError *error = NULL;
  cr_assert(!sim_ip6_prefix_parse("2001:db8::1/64", &p, FALSE, &error));
  cr_assert(strstr(error->message, "2001:db8::/64") != NULL, "%s", error->message);
  g_clear_error(&error);
  cr_assert(sim_ip6_prefix_parse("2001:db8::1/64", &p, TRUE, NULL));
  cr_assert_str_eq(sim_ip6_prefix_format(&p, buf), "2001:db8::/64");
  const char *bad[] = { "2001:db8::", "2001:db8::/129", "2001:db8::/", "2001:db8::/-1",
                        "2001:db8::/x", "/64", "2001:db8::/6 4" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    cr_assert(!sim_ip6_prefix_parse(bad[i], &p, TRUE, &error), "'%s' accepted", bad[i]);
    g_clear_error(&error);
  }
}

Test(ip6addr, odd_length_match_and_mask)
{
  SimIp6Addr a = addr("2001:db8:ab:cd::"), b = addr("2001:db8:af:cd::");
  /* 0xab = 10101011, 0xaf = 10101111: equal in the first 5 bits of byte 5 */
  cr_assert(sim_ip6_addr_match(&a, &b, 45));
  cr_assert(!sim_ip6_addr_match(&a, &b, 46));
  cr_assert(sim_ip6_addr_match(&a, &b, 0));
  SimIp6Addr m = a;
  sim_ip6_addr_mask(&m, 44);
  char buf[SIM_IP6_ADDR_STRLEN];
  cr_assert_str_eq(sim_ip6_addr_format(&m, buf), "2001:db8:a0::");
  m = a;
  sim_ip6_addr_mask(&m, 128);
  cr_assert(sim_ip6_addr_equal(&m, &a));
  cr_assert_eq(sim_ip6_addr_bit(&a, 40), 1);
  cr_assert_eq(sim_ip6_addr_bit(&a, 41), 0);
}

Test(ip6addr, halves_and_classes)
{
  SimIp6Addr a = addr("2001:db8::1:2");
  cr_assert_eq(sim_ip6_addr_hi(&a), UINT64_C(0x20010db800000000));
  cr_assert_eq(sim_ip6_addr_lo(&a), UINT64_C(0x0000000000010002));
  SimIp6Addr b = sim_ip6_addr_from_halves(sim_ip6_addr_hi(&a), sim_ip6_addr_lo(&a));
  cr_assert(sim_ip6_addr_equal(&a, &b));
  SimIp6Addr ll = addr("fe80::1"), mc = addr("ff02::1"), lo = addr("::1"), un = addr("::");
  cr_assert(sim_ip6_addr_is_link_local(&ll) && !sim_ip6_addr_is_link_local(&a));
  cr_assert(sim_ip6_addr_is_multicast(&mc) && !sim_ip6_addr_is_multicast(&a));
  cr_assert(sim_ip6_addr_is_loopback(&lo) && !sim_ip6_addr_is_loopback(&un));
  cr_assert(sim_ip6_addr_is_unspecified(&un));
}
