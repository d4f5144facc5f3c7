/* test-fib.c - the IPv6 forwarding table: longest-prefix match, exact
 * reads, removal, iteration order and memory, checked against a
 * brute-force reference on random tables. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fib.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

static SimIp6Addr
addr(const char *s)
{
  SimIp6Addr a;
  cr_assert(sim_ip6_addr_parse(s, &a, NULL), "'%s'", s);
  return a;
}

/* Inserts the prefix written as ADDR/LEN. */
static void
put(SimFib *fib, const char *text, uint32_t value)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(text, &p, FALSE, NULL), "'%s'", text);
  sim_fib_insert(fib, &p.addr, p.len, value);
}

static gboolean
del(SimFib *fib, const char *text)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(text, &p, FALSE, NULL), "'%s'", text);
  return sim_fib_remove(fib, &p.addr, p.len);
}

static uint32_t
get(const SimFib *fib, const char *text)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(text, &p, FALSE, NULL), "'%s'", text);
  return sim_fib_get(fib, &p.addr, p.len);
}

/* Checks that @text looks up to @value with a match of @len bits. */
static void
expect(const SimFib *fib, const char *text, uint32_t value, unsigned len)
{
  SimIp6Addr a = addr(text);
  unsigned got_len = 999;
  uint32_t got = sim_fib_lookup(fib, &a, &got_len);
  cr_assert_eq(got, value, "%s: value %u, expected %u", text, got, value);
  if (value != SIM_FIB_NONE)
    cr_assert_eq(got_len, len, "%s: matched /%u, expected /%u", text, got_len, len);
}

/* splitmix64: a small deterministic generator local to the tests. */
static uint64_t
next_u64(uint64_t *state)
{
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static unsigned
below_n(uint64_t *state, unsigned n)
{
  return (unsigned)(next_u64(state) % n);
}

static SimIp6Addr
masked(SimIp6Addr a, unsigned len)
{
  sim_ip6_addr_mask(&a, len);
  return a;
}

Test(fib, empty_table)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  cr_assert_eq(sim_fib_size(fib), 0);
  expect(fib, "::", SIM_FIB_NONE, 0);
  expect(fib, "2001:db8::1", SIM_FIB_NONE, 0);
  unsigned len = 77;
  SimIp6Addr a = addr("ffff::");
  cr_assert_eq(sim_fib_lookup(fib, &a, &len), SIM_FIB_NONE);
  cr_assert_eq(len, 77, "matched_len changed to %u on a miss", len);
  cr_assert_eq(get(fib, "::/0"), SIM_FIB_NONE);
  cr_assert(!del(fib, "::/0"));
  cr_assert(!del(fib, "2001:db8::/32"));
  cr_assert_eq(sim_fib_size(fib), 0);
}

Test(fib, default_route_matches_everything)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "::/0", 7);
  cr_assert_eq(sim_fib_size(fib), 1);
  expect(fib, "::", 7, 0);
  expect(fib, "2001:db8::1", 7, 0);
  expect(fib, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 7, 0);
  cr_assert(sim_fib_lookup(fib, &(SimIp6Addr){ { 0x80 } }, NULL) == 7, "NULL matched_len");
  /* Host bits of the prefix argument are ignored. */
  SimIp6Addr junk = addr("2001:db8::1");
  cr_assert_eq(sim_fib_get(fib, &junk, 0), 7);
  cr_assert(sim_fib_remove(fib, &junk, 0));
  expect(fib, "2001:db8::1", SIM_FIB_NONE, 0);
  cr_assert_eq(sim_fib_size(fib), 0);
}

Test(fib, host_routes)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "2001:db8::1/128", 1);
  put(fib, "2001:db8::2/128", 2);
  put(fib, "2001:db8::3/128", 3);
  put(fib, "::1/128", 4);
  put(fib, "::/128", 5);
  put(fib, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6);
  expect(fib, "2001:db8::1", 1, 128);
  expect(fib, "2001:db8::2", 2, 128);
  expect(fib, "2001:db8::3", 3, 128);
  expect(fib, "::1", 4, 128);
  expect(fib, "::", 5, 128);
  expect(fib, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6, 128);
  expect(fib, "2001:db8::4", SIM_FIB_NONE, 0);
  expect(fib, "2001:db8::1:1", SIM_FIB_NONE, 0);
  expect(fib, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", SIM_FIB_NONE, 0);
  cr_assert_eq(sim_fib_size(fib), 6);
}

Test(fib, nested_prefixes_longest_wins)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "2001:db8:1:2::/64", 64);
  put(fib, "::/0", 0);
  put(fib, "2001:db8::/32", 32);
  put(fib, "2001:db8:1::/48", 48);
  put(fib, "2001:db8:1::/56", 56);
  put(fib, "2001:db8:1:2::/127", 127);
  put(fib, "2001:db8:1:2::1/128", 128);
  expect(fib, "2001:db8:1:2::1", 128, 128);
  expect(fib, "2001:db8:1:2::", 127, 127);
  expect(fib, "2001:db8:1:2::2", 64, 64);
  expect(fib, "2001:db8:1:3::", 56, 56);
  expect(fib, "2001:db8:1:100::", 48, 48);
  expect(fib, "2001:db8:2::", 32, 32);
  expect(fib, "2001:db9::", 0, 0);
}

Test(fib, every_length_on_one_path)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  SimIp6Addr a = addr("2001:db8:5a5a:a5a5:1234:5678:9abc:def0");
  for (unsigned len = 0; len <= 128; len++)
    sim_fib_insert(fib, &a, len, 1000 + len);
  cr_assert_eq(sim_fib_size(fib), 129);
  for (unsigned len = 0; len <= 128; len++)
    cr_assert_eq(sim_fib_get(fib, &a, len), 1000 + len, "get /%u", len);
  unsigned got;
  cr_assert_eq(sim_fib_lookup(fib, &a, &got), 1128);
  cr_assert_eq(got, 128);
  /* Flipping bit i leaves the prefixes of lengths 0..i matching. */
  for (unsigned i = 0; i < 128; i++) {
    SimIp6Addr b = a;
    b.b[i / 8] ^= (uint8_t)(0x80u >> (i % 8));
    uint32_t v = sim_fib_lookup(fib, &b, &got);
    cr_assert_eq(v, 1000 + i, "bit %u flipped: value %u, expected %u", i, v, 1000 + i);
    cr_assert_eq(got, i, "bit %u flipped: /%u", i, got);
  }
  /* Remove from the longest down: each removal exposes the next. */
  for (unsigned len = 128; len > 0; len--) {
    cr_assert(sim_fib_remove(fib, &a, len), "remove /%u", len);
    uint32_t v = sim_fib_lookup(fib, &a, &got);
    cr_assert_eq(v, 1000 + len - 1, "after removing /%u: %u", len, v);
    cr_assert_eq(got, len - 1);
  }
  cr_assert_eq(sim_fib_size(fib), 1);
}

Test(fib, remove_restores_shorter_match)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "2001:db8::/32", 1);
  put(fib, "2001:db8:1::/48", 2);
  put(fib, "2001:db8:1:1::/64", 3);
  expect(fib, "2001:db8:1:1::9", 3, 64);
  cr_assert(del(fib, "2001:db8:1:1::/64"));
  expect(fib, "2001:db8:1:1::9", 2, 48);
  cr_assert(!del(fib, "2001:db8:1:1::/64"), "removed twice");
  cr_assert(!del(fib, "2001:db8:1::/49"), "removed an absent length");
  put(fib, "2001:db8:1:1::1/128", 4);
  cr_assert(!del(fib, "2001:db8::/40"), "removed an absent length");
  cr_assert(!del(fib, "2001:db8:1:1::/100"), "removed an absent length");
  cr_assert(del(fib, "2001:db8:1:1::1/128"));
  cr_assert(del(fib, "2001:db8:1::/48"));
  expect(fib, "2001:db8:1:1::9", 1, 32);
  /* Removing the middle of a chain keeps the longer prefix. */
  put(fib, "2001:db8:1::/48", 2);
  put(fib, "2001:db8:1:1::/64", 3);
  cr_assert(del(fib, "2001:db8:1::/48"));
  expect(fib, "2001:db8:1:1::9", 3, 64);
  expect(fib, "2001:db8:1:2::9", 1, 32);
  cr_assert_eq(sim_fib_size(fib), 2, "size %zu", sim_fib_size(fib));
}

Test(fib, insert_replaces_value)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "2001:db8::/32", 1);
  put(fib, "2001:db8::/48", 2);
  size_t bytes = sim_fib_memory(fib);
  put(fib, "2001:db8::/32", 10);
  put(fib, "2001:db8::/48", 20);
  SimIp6Addr host_bits = addr("2001:db8::ffff");
  sim_fib_insert(fib, &host_bits, 48, 21);
  cr_assert_eq(sim_fib_size(fib), 2, "size %zu", sim_fib_size(fib));
  cr_assert_eq(sim_fib_memory(fib), bytes, "memory %zu, was %zu", sim_fib_memory(fib), bytes);
  expect(fib, "2001:db8::1", 21, 48);
  expect(fib, "2001:db8:1::1", 10, 32);
}

Test(fib, exact_get)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  put(fib, "2001:db8::/32", 1);
  put(fib, "2001:db8:0:1::/64", 2);
  put(fib, "2001:db8:0:1::1/128", 3);
  cr_assert_eq(get(fib, "2001:db8::/32"), 1);
  cr_assert_eq(get(fib, "2001:db8:0:1::/64"), 2);
  cr_assert_eq(get(fib, "2001:db8:0:1::1/128"), 3);
  /* No longest-match fallback. */
  cr_assert_eq(get(fib, "2001:db8::/48"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8::/31"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8::/63"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8:0:1::/65"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8:0:1::2/128"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "::/0"), SIM_FIB_NONE);
  /* Shorter than a compressed node whose key has zeros past them. */
  cr_assert_eq(get(fib, "2001:db8::/40"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8::/56"), SIM_FIB_NONE);
  cr_assert_eq(get(fib, "2001:db8:0:1::/120"), SIM_FIB_NONE);
  SimIp6Addr host_bits = addr("2001:db8:0:1:ffff::");
  cr_assert_eq(sim_fib_get(fib, &host_bits, 64), 2);
}

/* A prefix of the reference table. */
typedef struct {
  uint64_t hi, lo;
  unsigned len;
  uint32_t value;
} RefPrefix;

static gboolean
ref_contains(const RefPrefix *p, uint64_t hi, uint64_t lo)
{
  if (p->len == 0)
    return TRUE;
  if (p->len <= 64)
    return ((hi ^ p->hi) >> (64 - p->len)) == 0;
  return hi == p->hi && (p->len == 128 ? lo == p->lo : ((lo ^ p->lo) >> (128 - p->len)) == 0);
}

static const RefPrefix *
ref_lookup(const RefPrefix *ref, size_t n, uint64_t hi, uint64_t lo)
{
  const RefPrefix *best = NULL;
  for (size_t i = 0; i < n; i++)
    if ((!best || ref[i].len > best->len) && ref_contains(&ref[i], hi, lo))
      best = &ref[i];
  return best;
}

/* A random prefix near the others: a few base addresses, random bits
 * after a random length, random length. Nesting and shared paths are
 * common, and every length 0..128 occurs. */
static RefPrefix
random_prefix(uint64_t *rng, const SimIp6Addr *bases, size_t n_bases)
{
  SimIp6Addr a = bases[below_n(rng, (unsigned)n_bases)];
  unsigned keep = below_n(rng, 129);
  uint64_t r1 = next_u64(rng), r2 = next_u64(rng);
  SimIp6Addr noise = sim_ip6_addr_from_halves(r1, r2);
  for (unsigned i = keep; i < 128; i++) {
    uint8_t bit = (uint8_t)(0x80u >> (i % 8));
    a.b[i / 8] = (uint8_t)((a.b[i / 8] & ~bit) | (noise.b[i / 8] & bit));
  }
  static const unsigned common[] = { 0, 32, 48, 56, 64, 127, 128 };
  unsigned len = below_n(rng, 2) ? common[below_n(rng, G_N_ELEMENTS(common))] : below_n(rng, 129);
  a = masked(a, len);
  return (RefPrefix){ sim_ip6_addr_hi(&a), sim_ip6_addr_lo(&a), len, 0 };
}

/* Replaces the bits of @hi/@lo from @len on with those of @rhi/@rlo. */
static void
set_host_bits(uint64_t *hi, uint64_t *lo, unsigned len, uint64_t rhi, uint64_t rlo)
{
  uint64_t mhi = len >= 64 ? UINT64_MAX : len ? ~((UINT64_C(1) << (64 - len)) - 1) : 0;
  uint64_t mlo = len >= 128 ? UINT64_MAX : len > 64 ? ~((UINT64_C(1) << (128 - len)) - 1) : 0;
  *hi = (*hi & mhi) | (rhi & ~mhi);
  *lo = (*lo & mlo) | (rlo & ~mlo);
}

static size_t
ref_find(const RefPrefix *ref, size_t n, const RefPrefix *p)
{
  for (size_t i = 0; i < n; i++)
    if (ref[i].len == p->len && ref[i].hi == p->hi && ref[i].lo == p->lo)
      return i;
  return n;
}

Test(fib, random_tables_match_brute_force)
{
  enum { MAX_PREFIXES = 700, LOOKUPS = 100000, CHURN_EVERY = 500 };
  uint64_t rng = 42;
  SimIp6Addr bases[4] = { addr("2001:db8::"), addr("2001:db8:1:2:3:4:5:6"), addr("fe80::"),
                          addr("::ffff:0:0") };
  g_autoptr(SimFib) fib = sim_fib_new();
  size_t empty_bytes = sim_fib_memory(fib);
  RefPrefix *ref = g_new(RefPrefix, MAX_PREFIXES);
  size_t n = 0;
  uint32_t next_value = 0;

  for (unsigned step = 0; step < LOOKUPS; step++) {
    if (step % CHURN_EVERY == 0) {
      /* Remove a random share, then refill (some re-inserts replace). */
      for (size_t k = n / 5; k > 0 && n > 0; k--) {
        size_t i = below_n(&rng, (unsigned)n);
        SimIp6Addr a = sim_ip6_addr_from_halves(ref[i].hi, ref[i].lo);
        cr_assert(sim_fib_remove(fib, &a, ref[i].len), "remove /%u", ref[i].len);
        ref[i] = ref[--n];
      }
      while (n < MAX_PREFIXES - 50 + below_n(&rng, 50)) {
        RefPrefix p = random_prefix(&rng, bases, G_N_ELEMENTS(bases));
        p.value = next_value++;
        size_t i = ref_find(ref, n, &p);
        if (i == n)
          n++;
        ref[i] = p;
        SimIp6Addr a = sim_ip6_addr_from_halves(p.hi, p.lo);
        sim_fib_insert(fib, &a, p.len, p.value);
      }
      cr_assert_eq(sim_fib_size(fib), n, "size %zu, reference %zu", sim_fib_size(fib), n);
      /* A removed prefix is gone, a present one reads back exactly. */
      RefPrefix gone = random_prefix(&rng, bases, G_N_ELEMENTS(bases));
      SimIp6Addr ga = sim_ip6_addr_from_halves(gone.hi, gone.lo);
      size_t gi = ref_find(ref, n, &gone);
      uint32_t want = gi < n ? ref[gi].value : SIM_FIB_NONE;
      cr_assert_eq(sim_fib_get(fib, &ga, gone.len), want, "get /%u", gone.len);
    }
    /* Half the lookups inside a present prefix, half near the bases. */
    uint64_t hi, lo;
    if (below_n(&rng, 2) && n > 0) {
      const RefPrefix *p = &ref[below_n(&rng, (unsigned)n)];
      hi = p->hi;
      lo = p->lo;
      set_host_bits(&hi, &lo, p->len, next_u64(&rng), next_u64(&rng));
    } else {
      RefPrefix p = random_prefix(&rng, bases, G_N_ELEMENTS(bases));
      hi = p.hi;
      lo = p.lo ^ (next_u64(&rng) & 0xff);
    }
    SimIp6Addr a = sim_ip6_addr_from_halves(hi, lo);
    const RefPrefix *want = ref_lookup(ref, n, hi, lo);
    unsigned got_len = 999;
    uint32_t got = sim_fib_lookup(fib, &a, &got_len);
    char buf[SIM_IP6_ADDR_STRLEN];
    cr_assert_eq(got, want ? want->value : SIM_FIB_NONE, "step %u, %s: value %u, expected %u", step,
                 sim_ip6_addr_format(&a, buf), got, want ? want->value : SIM_FIB_NONE);
    if (want)
      cr_assert_eq(got_len, want->len, "step %u, %s: /%u, expected /%u", step,
                   sim_ip6_addr_format(&a, buf), got_len, want->len);
  }

  /* Emptying the table gives back every byte. */
  while (n > 0) {
    n--;
    SimIp6Addr a = sim_ip6_addr_from_halves(ref[n].hi, ref[n].lo);
    cr_assert(sim_fib_remove(fib, &a, ref[n].len));
  }
  cr_assert_eq(sim_fib_size(fib), 0);
  cr_assert_eq(sim_fib_memory(fib), empty_bytes, "memory %zu after emptying, %zu when new",
               sim_fib_memory(fib), empty_bytes);
  g_free(ref);
}

/* The trie's shape depends only on the set of prefixes, so a table that
 * went through inserts and removals uses exactly the memory of one built
 * directly, and lists the same prefixes. */
static gboolean
count_one(const SimIp6Addr *prefix, unsigned len, uint32_t value, void *data)
{
  (void)prefix;
  (void)len;
  *(uint64_t *)data = *(uint64_t *)data * 31 + value + 1;
  return FALSE;
}

Test(fib, shape_independent_of_history)
{
  enum { N = 4000 };
  uint64_t rng = 5;
  SimIp6Addr bases[3] = { addr("2001:db8::"), addr("2001:db8:0:0:8000::"), addr("fd00:1::") };
  RefPrefix *set = g_new(RefPrefix, N);
  for (unsigned i = 0; i < N; i++) {
    set[i] = random_prefix(&rng, bases, G_N_ELEMENTS(bases));
    set[i].value = i;
  }
  /* a: the first half only, in reverse order. */
  g_autoptr(SimFib) a = sim_fib_new();
  for (unsigned i = N / 2; i-- > 0;) {
    SimIp6Addr p = sim_ip6_addr_from_halves(set[i].hi, set[i].lo);
    sim_fib_insert(a, &p, set[i].len, set[i].value);
  }
  /* b: everything interleaved, then the second half removed. */
  g_autoptr(SimFib) b = sim_fib_new();
  for (unsigned i = 0; i < N / 2; i++)
    for (unsigned j = i; j < N; j += N / 2) {
      SimIp6Addr p = sim_ip6_addr_from_halves(set[j].hi, set[j].lo);
      sim_fib_insert(b, &p, set[j].len, set[j].value);
    }
  for (unsigned i = N / 2; i < N; i++) {
    SimIp6Addr p = sim_ip6_addr_from_halves(set[i].hi, set[i].lo);
    /* (The same prefix may have been drawn twice.) */
    if (sim_fib_get(a, &p, set[i].len) == SIM_FIB_NONE &&
        sim_fib_get(b, &p, set[i].len) != SIM_FIB_NONE)
      cr_assert(sim_fib_remove(b, &p, set[i].len), "remove %u", i);
  }
  /* A prefix drawn in both halves holds its first-half value in a. */
  for (unsigned i = 0; i < N / 2; i++) {
    SimIp6Addr p = sim_ip6_addr_from_halves(set[i].hi, set[i].lo);
    sim_fib_insert(b, &p, set[i].len, sim_fib_get(a, &p, set[i].len));
  }
  cr_assert_eq(sim_fib_size(b), sim_fib_size(a), "size %zu, %zu", sim_fib_size(b), sim_fib_size(a));
  cr_assert_eq(sim_fib_memory(b), sim_fib_memory(a), "memory %zu after history, %zu direct",
               sim_fib_memory(b), sim_fib_memory(a));
  uint64_t ha = 0, hb = 0;
  sim_fib_foreach(a, count_one, &ha);
  sim_fib_foreach(b, count_one, &hb);
  cr_assert_eq(ha, hb, "listings differ");
  g_free(set);
}

/* ---- the length search of large tables ---------------------------------- */

/* A table with the shape of an addressing plan: /32 blocks, /48 sites in
 * them, /56 and /64 subnets in the sites, /127 links and /128 hosts in
 * the subnets. */
static RefPrefix
plan_prefix(uint64_t *rng, const RefPrefix *made, size_t n_made)
{
  static const unsigned lens[] = { 48, 48, 48, 56, 64, 64, 64, 127, 128, 128 };
  unsigned len = lens[below_n(rng, G_N_ELEMENTS(lens))];
  uint64_t hi = (next_u64(rng) >> 3) | (UINT64_C(1) << 61), lo = next_u64(rng);
  /* Inside an earlier, shorter prefix most of the time. */
  for (int tries = 0; n_made > 0 && tries < 8; tries++) {
    const RefPrefix *o = &made[below_n(rng, (unsigned)n_made)];
    if (o->len < len && o->len >= 32) {
      uint64_t h = o->hi, l = o->lo;
      set_host_bits(&h, &l, o->len, hi, lo);
      hi = h;
      lo = l;
      break;
    }
  }
  SimIp6Addr a = masked(sim_ip6_addr_from_halves(hi, lo), len);
  return (RefPrefix){ sim_ip6_addr_hi(&a), sim_ip6_addr_lo(&a), len, 0 };
}

/* Both tables answer every address alike. */
static void
same_answers(const SimFib *fast, const SimFib *ref, const RefPrefix *near, size_t n_near,
             uint64_t *rng, unsigned n_lookups, const char *when)
{
  for (unsigned i = 0; i < n_lookups; i++) {
    uint64_t hi = (next_u64(rng) >> 3) | (UINT64_C(1) << 61), lo = next_u64(rng);
    if (n_near > 0 && below_n(rng, 10) != 0) {
      const RefPrefix *p = &near[below_n(rng, (unsigned)n_near)];
      uint64_t h = p->hi, l = p->lo;
      /* Inside p, or just next to it. */
      set_host_bits(&h, &l, p->len, hi, lo);
      if (below_n(rng, 4) == 0 && p->len > 0) {
        unsigned bit = below_n(rng, p->len);
        if (bit < 64)
          h ^= UINT64_C(1) << (63 - bit);
        else
          l ^= UINT64_C(1) << (127 - bit);
      }
      hi = h;
      lo = l;
    }
    SimIp6Addr a = sim_ip6_addr_from_halves(hi, lo);
    unsigned fl = 999, rl = 999;
    uint32_t fv = sim_fib_lookup(fast, &a, &fl), rv = sim_fib_lookup(ref, &a, &rl);
    char buf[SIM_IP6_ADDR_STRLEN];
    cr_assert_eq(fv, rv, "%s, %s: %u/%u by length search, %u/%u by the trie", when,
                 sim_ip6_addr_format(&a, buf), fv, fl, rv, rl);
    cr_assert_eq(fl, rl, "%s, %s: /%u by length search, /%u by the trie", when,
                 sim_ip6_addr_format(&a, buf), fl, rl);
  }
}

static void
both_insert(SimFib *a, SimFib *b, const RefPrefix *p, uint32_t value)
{
  SimIp6Addr x = sim_ip6_addr_from_halves(p->hi, p->lo);
  sim_fib_insert(a, &x, p->len, value);
  sim_fib_insert(b, &x, p->len, value);
}

static gboolean
both_remove(SimFib *a, SimFib *b, const RefPrefix *p)
{
  SimIp6Addr x = sim_ip6_addr_from_halves(p->hi, p->lo);
  gboolean ra = sim_fib_remove(a, &x, p->len), rb = sim_fib_remove(b, &x, p->len);
  cr_assert_eq(ra, rb, "remove /%u: %d by length search, %d by the trie", p->len, ra, rb);
  return ra;
}

Test(fib, length_search_matches_trie_through_changes)
{
  enum { N = 12000, ROUNDS = 12, LOOKUPS = 8000 };
  uint64_t rng = 314;
  g_autoptr(SimFib) fast = sim_fib_new();
  g_autoptr(SimFib) ref = sim_fib_new();
  sim_fib_set_length_search(ref, FALSE);
  size_t empty = sim_fib_memory(fast);

  /* /32 blocks first in the list so that the plan nests in them; they
   * are inserted last, over their contents. */
  RefPrefix *made = g_new(RefPrefix, N);
  size_t n_blocks = 24;
  for (size_t i = 0; i < n_blocks; i++) {
    SimIp6Addr a = masked(sim_ip6_addr_from_halves((next_u64(&rng) >> 3) | (UINT64_C(1) << 61), 0),
                          32);
    made[i] = (RefPrefix){ sim_ip6_addr_hi(&a), 0, 32, 0 };
  }
  for (size_t i = n_blocks; i < N; i++)
    made[i] = plan_prefix(&rng, made, i);
  for (size_t i = n_blocks; i < N; i++)
    both_insert(fast, ref, &made[i], (uint32_t)i);
  cr_assert(sim_fib_uses_length_search(fast), "%zu prefixes: not using the length search",
            sim_fib_size(fast));
  cr_assert(!sim_fib_uses_length_search(ref));
  same_answers(fast, ref, made, N, &rng, LOOKUPS, "no blocks, no default");
  for (size_t i = 0; i < n_blocks; i++)
    both_insert(fast, ref, &made[i], (uint32_t)i);
  RefPrefix def = { 0, 0, 0, 0 };
  both_insert(fast, ref, &def, 777777);
  same_answers(fast, ref, made, N, &rng, LOOKUPS, "blocks and default");

  for (unsigned round = 0; round < ROUNDS; round++) {
    char when[64];
    g_snprintf(when, sizeof when, "round %u", round);
    /* Remove, replace and re-insert at random, blocks and default too. */
    for (unsigned k = 0; k < N / 20; k++) {
      size_t i = below_n(&rng, N);
      switch (below_n(&rng, 3)) {
      case 0:
        both_remove(fast, ref, &made[i]);
        break;
      case 1:
        both_insert(fast, ref, &made[i], 1000000 + round * N + (uint32_t)i);
        break;
      default:
        both_insert(fast, ref, &made[i], (uint32_t)i);
      }
    }
    size_t b = below_n(&rng, (unsigned)n_blocks);
    if (round % 2)
      both_remove(fast, ref, &made[b]);
    else
      both_insert(fast, ref, &made[b], 2000000 + round);
    if (round % 3 == 0)
      both_remove(fast, ref, &def);
    else
      both_insert(fast, ref, &def, 3000000 + round);
    cr_assert(sim_fib_uses_length_search(fast), "%s: not using the length search", when);
    cr_assert_eq(sim_fib_size(fast), sim_fib_size(ref));
    same_answers(fast, ref, made, N, &rng, LOOKUPS, when);
  }

  /* A new length rebuilds the search; many more lengths turn it off,
   * and it comes back once few lengths are left. */
  RefPrefix extra[20];
  for (unsigned i = 0; i < G_N_ELEMENTS(extra); i++) {
    RefPrefix p = made[below_n(&rng, N)];
    unsigned len = 33 + i; /* 33..52, inside a block */
    SimIp6Addr a = masked(sim_ip6_addr_from_halves(p.hi, p.lo), len);
    extra[i] = (RefPrefix){ sim_ip6_addr_hi(&a), sim_ip6_addr_lo(&a), len, 0 };
  }
  both_insert(fast, ref, &extra[0], 4000000);
  cr_assert(sim_fib_uses_length_search(fast), "after one new length");
  same_answers(fast, ref, made, N, &rng, LOOKUPS, "one new length");
  for (unsigned i = 1; i < G_N_ELEMENTS(extra); i++)
    both_insert(fast, ref, &extra[i], 4000000 + i);
  cr_assert(!sim_fib_uses_length_search(fast), "27 lengths: still using the length search");
  same_answers(fast, ref, made, N, &rng, LOOKUPS, "many lengths");
  for (unsigned i = 0; i < G_N_ELEMENTS(extra); i++)
    both_remove(fast, ref, &extra[i]);
  cr_assert(sim_fib_uses_length_search(fast), "back to few lengths: not using the length search");
  same_answers(fast, ref, made, N, &rng, LOOKUPS, "few lengths again");

  /* Emptying: the search stops below half the threshold, memory returns. */
  both_remove(fast, ref, &def);
  for (size_t i = 0; i < N; i++)
    both_remove(fast, ref, &made[i]);
  cr_assert_eq(sim_fib_size(fast), 0);
  cr_assert(!sim_fib_uses_length_search(fast));
  cr_assert_eq(sim_fib_memory(fast), empty, "%zu bytes after emptying, %zu when new",
               sim_fib_memory(fast), empty);
  g_free(made);
}

Test(fib, length_search_thresholds)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  uint64_t rng = 11;
  enum { N = 4096 };
  RefPrefix *p = g_new(RefPrefix, N);
  for (unsigned i = 0; i < N; i++) {
    SimIp6Addr a = masked(sim_ip6_addr_from_halves(UINT64_C(0x20010db800000000) |
                                                       (next_u64(&rng) & 0xffffffffu),
                                                   0),
                          64);
    p[i] = (RefPrefix){ sim_ip6_addr_hi(&a), 0, 64, 0 };
    /* (a repeated draw only replaces) */
    sim_fib_insert(fib, &a, 64, i);
  }
  for (uint32_t extra = 0; sim_fib_size(fib) < N; extra++) {
    SimIp6Addr a = sim_ip6_addr_from_halves(UINT64_C(0x20010db900000000) + extra, 0);
    sim_fib_insert(fib, &a, 64, extra);
  }
  cr_assert(sim_fib_uses_length_search(fib), "%zu prefixes", sim_fib_size(fib));
  size_t with = sim_fib_memory(fib);
  sim_fib_set_length_search(fib, FALSE);
  cr_assert(!sim_fib_uses_length_search(fib));
  size_t without = sim_fib_memory(fib);
  cr_assert(without < with, "memory %zu without, %zu with", without, with);
  sim_fib_set_length_search(fib, TRUE);
  cr_assert(sim_fib_uses_length_search(fib));
  cr_assert_eq(sim_fib_memory(fib), with, "memory %zu after a restart, %zu before",
               sim_fib_memory(fib), with);
  /* Off below half the threshold. */
  for (unsigned i = 0; i < N && sim_fib_size(fib) >= N / 2; i++) {
    SimIp6Addr a = sim_ip6_addr_from_halves(p[i].hi, 0);
    sim_fib_remove(fib, &a, 64);
  }
  cr_assert(!sim_fib_uses_length_search(fib), "%zu prefixes", sim_fib_size(fib));
  g_free(p);
}

typedef struct {
  GString *text;
  unsigned count;
  unsigned stop_after;
} Dump;

static gboolean
dump_one(const SimIp6Addr *prefix, unsigned len, uint32_t value, void *data)
{
  Dump *d = data;
  SimIp6Prefix p = { *prefix, (uint8_t)len };
  char buf[SIM_IP6_PREFIX_STRLEN];
  SimIp6Addr m = masked(*prefix, len);
  cr_assert(sim_ip6_addr_equal(prefix, &m), "host bits set in %s", sim_ip6_prefix_format(&p, buf));
  g_string_append_printf(d->text, "%s=%u ", sim_ip6_prefix_format(&p, buf), value);
  return ++d->count == d->stop_after;
}

Test(fib, foreach_in_prefix_order)
{
  static const char *const sorted[] = {
    "::/0",          "::/128",          "::1/128",          "2001:db8::/32",
    "2001:db8::/48", "2001:db8::/127", "2001:db8::1/128", "2001:db8:0:1::/64",
    "2001:db8:1::/48", "2001:db8:1::/56", "2001:db8:1:2::/63", "2001:db8:1:3::/64",
    "2001:db8:1:100::/56", "2001:db8:2::/47", "8000::/1",  "fe80::/10",
    "ff02::1/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
  };
  size_t n = G_N_ELEMENTS(sorted);
  g_autoptr(SimFib) fib = sim_fib_new();
  uint64_t rng = 7;
  g_autofree unsigned *order = g_new(unsigned, n);
  for (unsigned i = 0; i < n; i++)
    order[i] = i;
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = below_n(&rng, (unsigned)i + 1);
    unsigned t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < n; i++)
    put(fib, sorted[order[i]], order[i]);

  g_autoptr(GString) want = g_string_new(NULL);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf(want, "%s=%zu ", sorted[i], i);
  Dump d = { g_string_new(NULL), 0, 0 };
  sim_fib_foreach(fib, dump_one, &d);
  cr_assert_eq(d.count, n, "%u prefixes visited, %zu stored", d.count, n);
  cr_assert_str_eq(d.text->str, want->str);
  g_string_free(d.text, TRUE);

  /* Returning TRUE stops the walk. */
  Dump stop = { g_string_new(NULL), 0, 5 };
  sim_fib_foreach(fib, dump_one, &stop);
  cr_assert_eq(stop.count, 5, "%u visited", stop.count);
  g_string_free(stop.text, TRUE);
}

Test(fib, foreach_counts_random_table)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  uint64_t rng = 99;
  SimIp6Addr bases[2] = { addr("2001:db8::"), addr("fd00::") };
  for (unsigned i = 0; i < 3000; i++) {
    RefPrefix p = random_prefix(&rng, bases, G_N_ELEMENTS(bases));
    SimIp6Addr a = sim_ip6_addr_from_halves(p.hi, p.lo);
    sim_fib_insert(fib, &a, p.len, i);
  }
  Dump d = { g_string_new(NULL), 0, 0 };
  sim_fib_foreach(fib, dump_one, &d);
  cr_assert_eq(d.count, sim_fib_size(fib), "%u visited, size %zu", d.count, sim_fib_size(fib));
  /* Strictly increasing (address, length), each read back by get. */
  g_auto(GStrv) items = g_strsplit(g_strstrip(d.text->str), " ", -1);
  SimIp6Prefix prev = { 0 };
  for (char **it = items; *it; it++) {
    char *eq = strchr(*it, '=');
    *eq = '\0';
    SimIp6Prefix p;
    cr_assert(sim_ip6_prefix_parse(*it, &p, FALSE, NULL), "'%s'", *it);
    cr_assert_eq(sim_fib_get(fib, &p.addr, p.len), (uint32_t)atol(eq + 1), "%s", *it);
    if (it != items) {
      int c = memcmp(prev.addr.b, p.addr.b, 16);
      cr_assert(c < 0 || (c == 0 && prev.len < p.len), "%s out of order", *it);
    }
    prev = p;
  }
  g_string_free(d.text, TRUE);
}

Test(fib, empty_table_is_small)
{
  g_autoptr(SimFib) fib = sim_fib_new();
  size_t empty = sim_fib_memory(fib);
  cr_assert(empty > 0 && empty <= 128, "empty table: %zu bytes", empty);
  put(fib, "::/0", 1);
  put(fib, "2001:db8::/64", 2);
  put(fib, "2001:db8::1/128", 3);
  size_t three = sim_fib_memory(fib);
  cr_assert(three <= 512, "three prefixes: %zu bytes", three);
  cr_assert(del(fib, "2001:db8::/64"));
  cr_assert(del(fib, "2001:db8::1/128"));
  cr_assert(del(fib, "::/0"));
  cr_assert_eq(sim_fib_memory(fib), empty, "%zu bytes after emptying, %zu when new",
               sim_fib_memory(fib), empty);
}

/* Checks that each prefix's addresses look up to it (or to a longer
 * prefix, or to the prefix's later duplicate). */
static void
check_million(const SimFib *fib, const uint64_t *hi, const uint8_t *len, unsigned n, unsigned step,
              uint64_t *rng)
{
  for (unsigned i = 0; i < n; i += step) {
    uint64_t host = next_u64(rng) & ((UINT64_C(1) << (64 - len[i])) - 1);
    SimIp6Addr a = sim_ip6_addr_from_halves(hi[i] | host, next_u64(rng));
    unsigned got_len = 0;
    uint32_t v = sim_fib_lookup(fib, &a, &got_len);
    cr_assert(v != SIM_FIB_NONE && got_len >= len[i], "prefix %u: /%u -> %u", i, got_len, v);
    if (got_len == len[i] && v != i)
      cr_assert(v > i && hi[v] == hi[i] && len[v] == len[i], "prefix %u read %u", i, v);
  }
}

Test(fib, million_prefixes)
{
  /* Scaled down under sanitizers, where it would take minutes. */
  const unsigned n = UNDER_SANITIZER ? 100000 : 1000000;
  g_autoptr(SimFib) fib = sim_fib_new();
  uint64_t rng = 2024;
  uint64_t *hi = g_new(uint64_t, n);
  uint8_t *len = g_new(uint8_t, n);
  for (unsigned i = 0; i < n; i++) {
    /* Under 2000::/3, lengths 48, 52, 56, 60 and 64. */
    len[i] = (uint8_t)(48 + 4 * below_n(&rng, 5));
    uint64_t h = (next_u64(&rng) >> 3) | (UINT64_C(1) << 61);
    hi[i] = h & ~((UINT64_C(1) << (64 - len[i])) - 1);
    SimIp6Addr a = sim_ip6_addr_from_halves(hi[i], 0);
    sim_fib_insert(fib, &a, len[i], i);
  }
  size_t size = sim_fib_size(fib);
  cr_assert(size > n - n / 1000 && size <= n, "size %zu for %u inserts", size, n);
  cr_assert(sim_fib_uses_length_search(fib), "five lengths: not using the length search");
  size_t per = sim_fib_memory(fib) / size;
  cr_assert(per < 256, "%zu bytes per prefix with the length search", per);
  check_million(fib, hi, len, n, 1, &rng);
  /* The same through the trie alone. */
  sim_fib_set_length_search(fib, FALSE);
  per = sim_fib_memory(fib) / size;
  cr_assert(per < 96, "%zu bytes per prefix in the trie", per);
  check_million(fib, hi, len, n, 3, &rng);
  g_free(hi);
  g_free(len);
}
