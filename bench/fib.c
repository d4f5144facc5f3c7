/* bench/fib - IPv6 forwarding table build time, lookup rate and memory.
 *
 *   bench/fib [--prefixes N] [--lookups M] [--seed S] [--uniform]
 *             [--any-lengths] [--no-length-search]
 *
 * Builds a table of N prefixes plus a ::/0 default route, with the length
 * mix of a large operator table: 60 % /48 (sites), 25 % /64 (subnets),
 * 10 % /56, 5 % other (/128 hosts, /127 links, /32 allocations); with
 * --any-lengths, half of the other 5 % have any length 1..128, so that
 * every length occurs. The default layout follows an addressing plan:
 * /48s are drawn inside N/4096 + 1 random /32s under 2000::/3, and the
 * longer prefixes mostly lie inside earlier ones, so that prefixes nest
 * as in real tables. --uniform draws every bit under 2000::/3 at random
 * instead (no shared structure: the hard case for a trie).
 * --no-length-search keeps lookups on the trie (see
 * sim_fib_set_length_search()).
 *
 * Lookups go through a ring of one million precomputed addresses: 90 %
 * inside a random prefix of the table (random host bits), 10 % anywhere
 * under 2000::/3 (mostly answered by the default route).
 *
 * Prints one line on stdout:
 *   prefixes N build_s X lookups_per_s Y bytes_per_prefix Z
 * where bytes_per_prefix is sim_fib_memory() / size; details on stderr.
 */
#include "config.h"

#include "bench-util.h"
#include "fib.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

/* splitmix64: a small deterministic generator for the workload. */
static uint64_t
next_u64(uint64_t *state)
{
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static uint64_t
below_n(uint64_t *state, uint64_t n)
{
  return next_u64(state) % n;
}

/* Mask of the first @len (0..64) bits of a 64-bit half. */
static uint64_t
head_mask(unsigned len)
{
  return len == 0 ? 0 : len >= 64 ? UINT64_MAX : ~(UINT64_MAX >> len);
}

typedef struct {
  uint64_t hi, lo;
  unsigned len;
} Prefix;

/* Clears the bits of @p from its length on. */
static Prefix
prefix_masked(uint64_t hi, uint64_t lo, unsigned len)
{
  Prefix p = { hi & head_mask(len), len > 64 ? lo & head_mask(len - 64) : 0, len };
  return p;
}

/* Under 2000::/3 at random. */
static uint64_t
global_hi(uint64_t *rng)
{
  return (next_u64(rng) >> 3) | (UINT64_C(1) << 61);
}

static unsigned
pick_length(uint64_t *rng, gboolean any_lengths)
{
  unsigned r = (unsigned)below_n(rng, 1000);
  if (r < 600)
    return 48;
  if (r < 850)
    return 64;
  if (r < 950)
    return 56;
  if (any_lengths && r < 975)
    return 1 + (unsigned)below_n(rng, 128);
  r = (unsigned)below_n(rng, 10);
  return r < 4 ? 128 : r < 7 ? 127 : 32;
}

/* The @i-th prefix of the plan layout: a /48 inside one of the blocks,
 * or a longer prefix inside an earlier one. */
static Prefix
plan_prefix(uint64_t *rng, const uint64_t *blocks, size_t n_blocks, const Prefix *made, size_t i,
            gboolean any_lengths)
{
  unsigned len = pick_length(rng, any_lengths);
  uint64_t hi = global_hi(rng), lo = next_u64(rng);
  if (len > 48 && i > 0) {
    /* Inside an earlier prefix shorter than this one, when one is found
     * in a few tries (a /64 in a /48 or /56, a /128 in a /64, ...). */
    for (int tries = 0; tries < 4; tries++) {
      const Prefix *outer = &made[below_n(rng, i)];
      if (outer->len < len && outer->len >= 32) {
        hi = outer->hi | (hi & ~head_mask(outer->len));
        if (outer->len > 64)
          lo = outer->lo | (lo & ~head_mask(outer->len - 64));
        return prefix_masked(hi, lo, len);
      }
    }
  }
  if (len >= 32)
    hi = blocks[below_n(rng, n_blocks)] | (hi & ~head_mask(32));
  return prefix_masked(hi, lo, len);
}

int
main(int argc, char **argv)
{
  gint64 n_prefixes = 1000000, n_lookups = 20000000, seed = 1;
  gboolean uniform = FALSE, any_lengths = FALSE, no_length_search = FALSE;
  GOptionEntry entries[] = {
    { "prefixes", 'n', 0, G_OPTION_ARG_INT64, &n_prefixes, "prefixes in the table", "N" },
    { "lookups", 'l', 0, G_OPTION_ARG_INT64, &n_lookups, "lookups to time", "M" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "random seed", "S" },
    { "uniform", 'u', 0, G_OPTION_ARG_NONE, &uniform, "uniformly random prefix bits", NULL },
    { "any-lengths", 'a', 0, G_OPTION_ARG_NONE, &any_lengths, "some prefixes of every length",
      NULL },
    { "no-length-search", 0, 0, G_OPTION_ARG_NONE, &no_length_search,
      "look up on the trie only", NULL },
    { NULL },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) oc = g_option_context_new("- IPv6 FIB build, lookup and memory");
  g_option_context_add_main_entries(oc, entries, NULL);
  if (!g_option_context_parse(oc, &argc, &argv, &error)) {
    fprintf(stderr, "fib: %s\n", error->message);
    return 2;
  }
  if (n_prefixes < 1 || n_lookups < 1) {
    fprintf(stderr, "fib: --prefixes and --lookups must be positive\n");
    return 2;
  }

  uint64_t rng = (uint64_t)seed;
  size_t n = (size_t)n_prefixes;
  size_t n_blocks = n / 4096 + 1;
  uint64_t *blocks = g_new(uint64_t, n_blocks);
  for (size_t i = 0; i < n_blocks; i++)
    blocks[i] = global_hi(&rng) & head_mask(32);
  Prefix *made = g_new(Prefix, n);
  for (size_t i = 0; i < n; i++) {
    if (uniform) {
      made[i] = prefix_masked(global_hi(&rng), next_u64(&rng), pick_length(&rng, any_lengths));
    } else {
      made[i] = plan_prefix(&rng, blocks, n_blocks, made, i, any_lengths);
    }
  }

  enum { RING = 1 << 20 };
  SimIp6Addr *ring = g_new(SimIp6Addr, RING);
  for (size_t i = 0; i < RING; i++) {
    uint64_t hi = global_hi(&rng), lo = next_u64(&rng);
    if (below_n(&rng, 10) != 0) {
      const Prefix *p = &made[below_n(&rng, n)];
      hi = p->hi | (hi & ~head_mask(p->len));
      lo = p->len > 64 ? p->lo | (lo & ~head_mask(p->len - 64)) : lo;
    }
    ring[i] = sim_ip6_addr_from_halves(hi, lo);
  }

  long rss_before = bench_peak_rss_kb();
  double t0 = bench_wall_seconds();
  SimFib *fib = sim_fib_new();
  sim_fib_set_length_search(fib, !no_length_search);
  sim_fib_insert(fib, &(SimIp6Addr){ { 0 } }, 0, 0);
  for (size_t i = 0; i < n; i++) {
    SimIp6Addr a = sim_ip6_addr_from_halves(made[i].hi, made[i].lo);
    sim_fib_insert(fib, &a, made[i].len, (uint32_t)(i + 1));
  }
  double build_s = bench_wall_seconds() - t0;
  long rss_after = bench_peak_rss_kb();

  /* Warm-up pass over the ring, then the timed lookups. */
  uint64_t sum = 0;
  unsigned len_hist[129] = { 0 };
  for (size_t i = 0; i < RING; i++) {
    unsigned len = 0;
    sum += sim_fib_lookup(fib, &ring[i], &len);
    len_hist[len]++;
  }
  uint64_t m = (uint64_t)n_lookups;
  double c0 = bench_cpu_seconds();
  t0 = bench_wall_seconds();
  for (uint64_t i = 0; i < m; i++)
    sum += sim_fib_lookup(fib, &ring[i & (RING - 1)], NULL);
  double lookup_s = bench_wall_seconds() - t0;
  double lookup_cpu_s = bench_cpu_seconds() - c0;

  size_t size = sim_fib_size(fib), bytes = sim_fib_memory(fib);
  printf("prefixes %zu build_s %.3f lookups_per_s %.0f bytes_per_prefix %.1f\n", n, build_s,
         (double)m / lookup_s, (double)bytes / (double)size);
  fprintf(stderr,
          "fib: layout %s%s, %zu distinct prefixes + default, lookups by %s, %zu bytes, "
          "peak RSS %ld KiB (table build added %ld KiB)\n",
          uniform ? "uniform" : "plan", any_lengths ? " with any lengths" : "", size - 1,
          sim_fib_uses_length_search(fib) ? "length search" : "trie", bytes, rss_after,
          rss_after - rss_before);
  fprintf(stderr,
          "fib: %.1f ns/lookup wall, %.1f ns/lookup CPU (%.0f lookups per CPU second), "
          "checksum %" G_GUINT64_FORMAT "\n",
          1e9 * lookup_s / (double)m, 1e9 * lookup_cpu_s / (double)m, (double)m / lookup_cpu_s,
          sum);
  fprintf(stderr, "fib: matched lengths:");
  unsigned rest = 0;
  for (unsigned l = 0; l <= 128; l++) {
    if (len_hist[l] * 1000u >= RING)
      fprintf(stderr, " /%u %.1f%%", l, 100.0 * len_hist[l] / RING);
    else
      rest += len_hist[l];
  }
  fprintf(stderr, " other %.1f%%\n", 100.0 * rest / RING);

  sim_fib_free(fib);
  g_free(ring);
  g_free(made);
  g_free(blocks);
  return 0;
}
