/* simstats.c - statistics collectors: Welford moments, log-linear
 * histograms, time-weighted averages and named counters.
 *
 * Histogram layout. With precision p and sub = 2^p, a value v maps to
 *   shift = max(0, msb(v) - p),  index = shift * sub + (v >> shift).
 * Values below 2 * sub have shift 0 and index v (exact); above, the
 * power-of-two range [2^e, 2^(e+1)) is cut into sub buckets of width
 * 2^(e-p), each at least sub widths above zero, so a bucket midpoint is
 * within 2^-(p+1) of any value in it. Computing msb(v | sub) yields the
 * max() without a branch. Index block b = index >> p is one power-of-two
 * range (blocks 0 and 1 are the exact region); there are 65 - p blocks.
 *
 * Invariant: counts[] covers the indices [base, base + len), where base
 * and len are whole blocks, and holds every non-empty bucket. It grows at
 * either end by whole blocks (at most 65 - p times in a histogram's life),
 * so memory follows the range of values seen, not the range of uint64.
 *
 * Tricky part: quantiles use nearest rank ceil(q * n); ranks 1 and n are
 * answered with the exact min and max, every other rank with its bucket's
 * midpoint clamped to [min, max]. The sum behind the mean is a 128-bit
 * integer so 2^64 values near UINT64_MAX cannot overflow it.
 */
#define G_LOG_DOMAIN "ipesim-stats"
#include "config.h"

#include "simstats.h"

#include <math.h>
#include <string.h>

/* ---- Welford ------------------------------------------------------------- */

void
sim_welford_init(SimWelford *w)
{
  g_return_if_fail(w != NULL);

  *w = (SimWelford)SIM_WELFORD_INIT;
}

void
sim_welford_add(SimWelford *w, double x)
{
  g_return_if_fail(w != NULL);

  w->n++;
  if (w->n == 1) {
    w->min = w->max = x;
  } else {
    if (x < w->min)
      w->min = x;
    if (x > w->max)
      w->max = x;
  }
  double d = x - w->mean;
  w->mean += d / (double)w->n;
  w->m2 += d * (x - w->mean);
}

void
sim_welford_merge(SimWelford *w, const SimWelford *other)
{
  g_return_if_fail(w != NULL);
  g_return_if_fail(other != NULL);

  if (other->n == 0)
    return;
  if (w->n == 0) {
    *w = *other;
    return;
  }
  /* Chan, Golub and LeVeque: combine the two (n, mean, M2) triples. */
  double na = (double)w->n, nb = (double)other->n;
  double n = na + nb;
  double d = other->mean - w->mean;
  w->mean += d * (nb / n);
  w->m2 += other->m2 + d * d * (na * nb / n);
  w->n += other->n;
  if (other->min < w->min)
    w->min = other->min;
  if (other->max > w->max)
    w->max = other->max;
}

double
sim_welford_variance(const SimWelford *w)
{
  g_return_val_if_fail(w != NULL, NAN);

  if (w->n < 2)
    return 0.0;
  return w->m2 / (double)(w->n - 1);
}

double
sim_welford_stddev(const SimWelford *w)
{
  g_return_val_if_fail(w != NULL, NAN);

  return sqrt(sim_welford_variance(w));
}

/* ---- histogram ------------------------------------------------------------- */

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 HistogramSum;
#else
/* No 128-bit integer (32-bit targets): a long double keeps the sum
 * without overflow, rounded beyond its mantissa. */
typedef long double HistogramSum;
#endif

struct _SimHistogram {
  unsigned p;       /* precision bits */
  size_t base;      /* first index held in counts[], a multiple of 2^p */
  size_t len;       /* number of indices held, a multiple of 2^p */
  uint64_t *counts; /* counts[i - base] for index i; NULL while len == 0 */
  uint64_t n;
  uint64_t min;     /* UINT64_MAX while empty */
  uint64_t max;     /* 0 while empty */
  HistogramSum sum;
};

static inline size_t
histogram_index(unsigned p, uint64_t v)
{
  unsigned shift = (unsigned)(63 - __builtin_clzll(v | (UINT64_C(1) << p))) - p;
  return ((size_t)shift << p) + (size_t)(v >> shift);
}

/* Inclusive value range of bucket @i. */
static void
histogram_bucket_range(unsigned p, size_t i, uint64_t *lo, uint64_t *hi)
{
  size_t block = i >> p;
  if (block < 2) {
    *lo = *hi = i;
    return;
  }
  unsigned shift = (unsigned)block - 1;
  uint64_t sub = UINT64_C(1) << p;
  uint64_t mantissa = ((uint64_t)i & (sub - 1)) | sub;
  *lo = mantissa << shift;
  *hi = *lo + ((UINT64_C(1) << shift) - 1);
}

/* Makes counts[] cover indices @lo..@hi (inclusive), in whole blocks. */
static void
histogram_cover(SimHistogram *h, size_t lo, size_t hi)
{
  size_t lo_block = lo >> h->p, hi_block = hi >> h->p;
  if (h->len > 0) {
    size_t old_lo = h->base >> h->p, old_hi = (h->base + h->len - 1) >> h->p;
    if (old_lo <= lo_block && hi_block <= old_hi)
      return;
    lo_block = MIN(lo_block, old_lo);
    hi_block = MAX(hi_block, old_hi);
  }
  size_t base = lo_block << h->p;
  size_t len = (hi_block - lo_block + 1) << h->p;
  uint64_t *counts = g_new0(uint64_t, len);
  if (h->len > 0)
    memcpy(counts + (h->base - base), h->counts, h->len * sizeof *counts);
  g_free(h->counts);
  h->counts = counts;
  h->base = base;
  h->len = len;
}

SimHistogram *
sim_histogram_new(unsigned precision_bits)
{
  g_return_val_if_fail(precision_bits >= 1 && precision_bits <= 16, NULL);

  SimHistogram *h = g_new0(SimHistogram, 1);
  h->p = precision_bits;
  h->min = UINT64_MAX;
  return h;
}

void
sim_histogram_free(SimHistogram *h)
{
  if (h == NULL)
    return;
  g_free(h->counts);
  g_free(h);
}

void
sim_histogram_reset(SimHistogram *h)
{
  g_return_if_fail(h != NULL);

  /* Keep the array: a histogram reset per interval sees the same range. */
  if (h->len > 0)
    memset(h->counts, 0, h->len * sizeof *h->counts);
  h->n = 0;
  h->min = UINT64_MAX;
  h->max = 0;
  h->sum = 0;
}

/* The hot path: one clz, one compare, no division. */
static inline void
histogram_add(SimHistogram *h, uint64_t value, uint64_t count)
{
  size_t i = histogram_index(h->p, value);
  /* Unsigned wrap-around makes an index below base fail the test too. */
  if (G_UNLIKELY(i - h->base >= h->len))
    histogram_cover(h, i, i);
  h->counts[i - h->base] += count;
  h->n += count;
  h->sum += (HistogramSum)value * count;
  if (value < h->min)
    h->min = value;
  if (value > h->max)
    h->max = value;
}

void
sim_histogram_add(SimHistogram *h, uint64_t value)
{
  g_return_if_fail(h != NULL);

  histogram_add(h, value, 1);
}

void
sim_histogram_add_n(SimHistogram *h, uint64_t value, uint64_t count)
{
  g_return_if_fail(h != NULL);

  if (count > 0)
    histogram_add(h, value, count);
}

gboolean
sim_histogram_merge(SimHistogram *h, const SimHistogram *other)
{
  g_return_val_if_fail(h != NULL, FALSE);
  g_return_val_if_fail(other != NULL, FALSE);

  if (h->p != other->p)
    return FALSE;
  if (other->n == 0)
    return TRUE;
  histogram_cover(h, other->base, other->base + other->len - 1);
  uint64_t *dst = h->counts + (other->base - h->base);
  for (size_t i = 0; i < other->len; i++)
    dst[i] += other->counts[i];
  h->n += other->n;
  h->sum += other->sum;
  h->min = MIN(h->min, other->min);
  h->max = MAX(h->max, other->max);
  return TRUE;
}

typedef struct {
  uint32_t p;
  uint32_t pad;
  uint64_t base, len, n, min, max;
  HistogramSum sum;
} HistogramWire;

void
sim_histogram_serialize(const SimHistogram *h, GByteArray *out)
{
  g_return_if_fail(h != NULL && out != NULL);
  HistogramWire w = { h->p, 0, h->base, h->len, h->n, h->min, h->max, h->sum };
  g_byte_array_append(out, (const guint8 *)&w, sizeof w);
  if (h->len)
    g_byte_array_append(out, (const guint8 *)h->counts, (guint)(h->len * sizeof *h->counts));
}

size_t
sim_histogram_merge_serialized(SimHistogram *h, const uint8_t *data, size_t len)
{
  g_return_val_if_fail(h != NULL && data != NULL, 0);
  HistogramWire w;
  if (len < sizeof w)
    return 0;
  memcpy(&w, data, sizeof w);
  if (w.p != h->p || w.len > (len - sizeof w) / sizeof(uint64_t))
    return 0;
  size_t used = sizeof w + w.len * sizeof(uint64_t);
  if (w.n == 0)
    return used;
  histogram_cover(h, w.base, w.base + w.len - 1);
  const uint8_t *src = data + sizeof w;
  uint64_t *dst = h->counts + (w.base - h->base);
  for (size_t i = 0; i < w.len; i++) {
    uint64_t c;
    memcpy(&c, src + i * sizeof c, sizeof c);
    dst[i] += c;
  }
  h->n += w.n;
  h->sum += w.sum;
  h->min = MIN(h->min, w.min);
  h->max = MAX(h->max, w.max);
  return used;
}

uint64_t
sim_histogram_count(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

  return h->n;
}

uint64_t
sim_histogram_min(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

  return h->n > 0 ? h->min : 0;
}

uint64_t
sim_histogram_max(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

  return h->max;
}

double
sim_histogram_mean(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, NAN);

  if (h->n == 0)
    return NAN;
#ifdef __SIZEOF_INT128__
  /* The mean lies in [min, max], so the quotient fits in 64 bits; the
   * remainder adds the fraction, keeping the result within an ulp. */
  uint64_t quotient = (uint64_t)(h->sum / h->n);
  uint64_t remainder = (uint64_t)(h->sum % h->n);
  return (double)quotient + (double)remainder / (double)h->n;
#else
  return (double)(h->sum / (long double)h->n);
#endif
}

uint64_t
sim_histogram_sum_mod64(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

#ifdef __SIZEOF_INT128__
  return (uint64_t)h->sum;
#else
  return (uint64_t)fmodl(h->sum, 18446744073709551616.0L);
#endif
}

unsigned
sim_histogram_precision(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

  return h->p;
}

double
sim_histogram_error_bound(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, NAN);

  return ldexp(1.0, -(int)(h->p + 1));
}

double
sim_histogram_quantile(const SimHistogram *h, double q)
{
  g_return_val_if_fail(h != NULL, NAN);
  g_return_val_if_fail(q >= 0.0 && q <= 1.0, NAN);

  if (h->n == 0)
    return NAN;
  double rank = ceil(q * (double)h->n);
  if (rank <= 1.0)
    return (double)h->min;
  if (rank >= (double)h->n)
    return (double)h->max;
  uint64_t r = (uint64_t)rank;
  uint64_t seen = 0;
  size_t i = 0;
  /* r < n, so the walk stops inside the array. */
  while ((seen += h->counts[i]) < r)
    i++;
  uint64_t lo, hi;
  histogram_bucket_range(h->p, h->base + i, &lo, &hi);
  double mid = (double)lo + (double)(hi - lo) / 2.0;
  if (mid < (double)h->min)
    return (double)h->min;
  if (mid > (double)h->max)
    return (double)h->max;
  return mid;
}

void
sim_histogram_foreach(const SimHistogram *h, SimHistogramFunc fn, void *data)
{
  g_return_if_fail(h != NULL);
  g_return_if_fail(fn != NULL);

  for (size_t i = 0; i < h->len; i++) {
    if (h->counts[i] == 0)
      continue;
    uint64_t lo, hi;
    histogram_bucket_range(h->p, h->base + i, &lo, &hi);
    if (!fn(lo, hi, h->counts[i], data))
      return;
  }
}

size_t
sim_histogram_memory(const SimHistogram *h)
{
  g_return_val_if_fail(h != NULL, 0);

  return sizeof *h + h->len * sizeof *h->counts;
}

/* ---- time-weighted average ---------------------------------------------- */

void
sim_time_average_init(SimTimeAverage *a, SimTime t, double v)
{
  g_return_if_fail(a != NULL);

  a->start = t;
  a->last = t;
  a->value = v;
  a->integral = 0.0;
  a->max = v;
}

void
sim_time_average_set(SimTimeAverage *a, SimTime t, double v)
{
  g_return_if_fail(a != NULL);
  g_return_if_fail(t >= a->last);

  a->integral += a->value * (double)(t - a->last);
  a->last = t;
  a->value = v;
  if (v > a->max)
    a->max = v;
}

double
sim_time_average_mean(const SimTimeAverage *a, SimTime t)
{
  g_return_val_if_fail(a != NULL, NAN);
  g_return_val_if_fail(t >= a->last, NAN);

  if (t == a->start)
    return a->value;
  double integral = a->integral + a->value * (double)(t - a->last);
  return integral / (double)(t - a->start);
}

/* ---- named counters ----------------------------------------------------- */

struct _SimCounters {
  GPtrArray *names;   /* owned strings, by index */
  GHashTable *index;  /* name (borrowed from names) -> GUINT_TO_POINTER(index) */
  GArray *values;     /* uint64_t, by index */
};

SimCounters *
sim_counters_new(void)
{
  SimCounters *c = g_new0(SimCounters, 1);
  c->names = g_ptr_array_new_with_free_func(g_free);
  c->index = g_hash_table_new(g_str_hash, g_str_equal);
  c->values = g_array_new(FALSE, TRUE, sizeof(uint64_t));
  return c;
}

void
sim_counters_free(SimCounters *c)
{
  if (c == NULL)
    return;
  g_hash_table_destroy(c->index);
  g_ptr_array_unref(c->names);
  g_array_unref(c->values);
  g_free(c);
}

guint
sim_counters_register(SimCounters *c, const char *name)
{
  g_return_val_if_fail(c != NULL, 0);
  g_return_val_if_fail(name != NULL, 0);

  gpointer found;
  if (g_hash_table_lookup_extended(c->index, name, NULL, &found))
    return GPOINTER_TO_UINT(found);
  guint i = c->names->len;
  char *copy = g_strdup(name);
  g_ptr_array_add(c->names, copy);
  uint64_t zero = 0;
  g_array_append_val(c->values, zero);
  g_hash_table_insert(c->index, copy, GUINT_TO_POINTER(i));
  return i;
}

guint
sim_counters_size(const SimCounters *c)
{
  g_return_val_if_fail(c != NULL, 0);

  return c->names->len;
}

const char *
sim_counters_name(const SimCounters *c, guint index)
{
  g_return_val_if_fail(c != NULL, NULL);
  g_return_val_if_fail(index < c->names->len, NULL);

  return g_ptr_array_index(c->names, index);
}

int
sim_counters_lookup(const SimCounters *c, const char *name)
{
  g_return_val_if_fail(c != NULL, -1);
  g_return_val_if_fail(name != NULL, -1);

  gpointer found;
  if (!g_hash_table_lookup_extended(c->index, name, NULL, &found))
    return -1;
  return (int)GPOINTER_TO_UINT(found);
}

uint64_t
sim_counters_get(const SimCounters *c, guint index)
{
  g_return_val_if_fail(c != NULL, 0);
  g_return_val_if_fail(index < c->values->len, 0);

  return g_array_index(c->values, uint64_t, index);
}

uint64_t *
sim_counters_values(SimCounters *c)
{
  g_return_val_if_fail(c != NULL, NULL);

  return (uint64_t *)(void *)c->values->data;
}
