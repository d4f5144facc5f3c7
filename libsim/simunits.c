/* simunits.c - exact parsers and printers for rates, sizes, packet rates,
 * ratios and plain numbers.
 *
 * Rates and sizes follow sim_time_parse(): the text is split into integer
 * digits, fraction digits and a unit word, and the value is built with
 * integer arithmetic, checking overflow at every step. The fraction is
 * scaled exactly by long multiplication, one digit at a time from the
 * last: digit * scale + carry must leave no remainder in the low decimal
 * places, otherwise the value is finer than one bit or byte and refused
 * (this works for decimal and for binary scales, so "1.5KiB" is 1536).
 *
 * Packet rates are doubles: the digits are re-assembled with the unit's
 * power of ten as an exponent ("1.5kpps" -> "15e2") and converted once by
 * g_ascii_strtod(), so the result is the double nearest the decimal value,
 * never a product of two rounded numbers. The printer relies on the same
 * property: it prints the pps value with the fewest fixed-point decimals
 * that convert back exactly and only then moves the decimal point for the
 * unit, which keeps the round trip exact.
 *
 * Nothing here depends on the C locale: g_ascii_strtod/g_ascii_formatd.
 */
#define G_LOG_DOMAIN "ipesim-units"
#include "config.h"

#include "simunits.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(sim-units-error-quark, sim_units_error)

typedef struct {
  const char *name;
  uint64_t scale;
} Unit;

static const Unit rate_units[] = {
  { "bps", 1 },
  { "kbps", UINT64_C(1000) },
  { "Mbps", UINT64_C(1000000) },
  { "Gbps", UINT64_C(1000000000) },
  { "Tbps", UINT64_C(1000000000000) },
  { "bit/s", 1 },
  { "kbit/s", UINT64_C(1000) },
  { "Mbit/s", UINT64_C(1000000) },
  { "Gbit/s", UINT64_C(1000000000) },
  { "Tbit/s", UINT64_C(1000000000000) },
};

static const Unit size_units[] = {
  { "B", 1 },
  { "kB", UINT64_C(1000) },
  { "KB", UINT64_C(1000) },
  { "KiB", UINT64_C(1) << 10 },
  { "MB", UINT64_C(1000000) },
  { "MiB", UINT64_C(1) << 20 },
  { "GB", UINT64_C(1000000000) },
  { "GiB", UINT64_C(1) << 30 },
  { "TB", UINT64_C(1000000000000) },
  { "TiB", UINT64_C(1) << 40 },
};

/* Packet-rate units carry the power of ten of their scale. */
static const Unit pkt_rate_units[] = {
  { "pps", 0 },
  { "kpps", 3 },
  { "Mpps", 6 },
  { "Gpps", 9 },
};

#define RATE_UNITS_TEXT "bps, kbps, Mbps, Gbps, Tbps or bit/s, kbit/s, Mbit/s, Gbit/s, Tbit/s"
#define SIZE_UNITS_TEXT "B, kB, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
#define PKT_RATE_UNITS_TEXT "pps, kpps, Mpps or Gpps"

/* What the parser of one quantity says in its messages. */
typedef struct {
  const char *what;     /* "bit rate" */
  const char *examples; /* "10Gbps, 2.5Gbps or 64kbps" */
  const char *units;    /* list of accepted units */
  const char *quantum;  /* the resolution, "1bps" */
  const char *base;     /* the base unit, "bps" */
  const Unit *table;
  size_t n_units;
} Quantity;

static const Quantity rate_quantity = {
  "bit rate", "10Gbps, 2.5Gbps or 64kbps", RATE_UNITS_TEXT, "1bps", "bps",
  rate_units, G_N_ELEMENTS(rate_units),
};

static const Quantity size_quantity = {
  "size", "1500B, 9KiB or 1.5MB", SIZE_UNITS_TEXT, "1B", "B",
  size_units, G_N_ELEMENTS(size_units),
};

static const Quantity pkt_rate_quantity = {
  "packet rate", "10000pps, 1.5kpps or 2Mpps", PKT_RATE_UNITS_TEXT, NULL, "pps",
  pkt_rate_units, G_N_ELEMENTS(pkt_rate_units),
};

/* "<digits>[.<digits>] <unit>" split into its parts. */
typedef struct {
  const char *int_start, *int_end;
  const char *frac_start, *frac_end; /* empty range when there is no '.' */
  const Unit *unit;
} Decimal;

static const Unit *
find_unit(const Quantity *q, const char *s, size_t len)
{
  for (size_t i = 0; i < q->n_units; i++)
    if (strlen(q->table[i].name) == len && memcmp(q->table[i].name, s, len) == 0)
      return &q->table[i];
  return NULL;
}

static gboolean
split_decimal(const char *text, const Quantity *q, Decimal *d, GError **error)
{
  const char *p = text;
  while (g_ascii_isspace(*p))
    p++;
  if (*p == '-' || *p == '+') {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': expected a non-negative %s such as %s (no sign)", text, q->what,
                q->examples);
    return FALSE;
  }
  d->int_start = p;
  while (g_ascii_isdigit(*p))
    p++;
  d->int_end = p;
  d->frac_start = d->frac_end = p;
  if (*p == '.') {
    p++;
    d->frac_start = p;
    while (g_ascii_isdigit(*p))
      p++;
    d->frac_end = p;
  }
  if (d->int_start == d->int_end && d->frac_start == d->frac_end) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX, "'%s': expected a %s such as %s",
                text, q->what, q->examples);
    return FALSE;
  }
  while (*p == ' ' || *p == '\t')
    p++;
  const char *unit_start = p;
  while (*p && !g_ascii_isspace(*p))
    p++;
  const char *unit_end = p;
  while (g_ascii_isspace(*p))
    p++;
  if (*p != '\0') {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': unexpected text after the %s", text, q->what);
    return FALSE;
  }
  if (unit_start == unit_end) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_UNIT,
                "'%s': missing unit (expected %s)", text, q->units);
    return FALSE;
  }
  d->unit = find_unit(q, unit_start, (size_t)(unit_end - unit_start));
  if (d->unit == NULL) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_UNIT,
                "'%s': unknown unit '%.*s' (expected %s)", text, (int)(unit_end - unit_start),
                unit_start, q->units);
    return FALSE;
  }
  return TRUE;
}

/* Integer value of @d times its unit's scale, exactly, or an error. */
static gboolean
scale_exact(const char *text, const Quantity *q, const Decimal *d, uint64_t *out,
            GError **error)
{
  uint64_t scale = d->unit->scale;
  uint64_t value = 0;
  for (const char *c = d->int_start; c < d->int_end; c++) {
    uint64_t digit = (uint64_t)(*c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      goto range;
    value = value * 10 + digit;
  }
  if (value > UINT64_MAX / scale)
    goto range;
  value *= scale;

  /* Fraction 0.d1..dn times scale by long multiplication from dn up: each
   * step's low decimal digit is a digit of the product below the point and
   * must be zero; what is carried out of d1 is the integer contribution. */
  const char *end = d->frac_end;
  while (end > d->frac_start && end[-1] == '0')
    end--;
  uint64_t carry = 0;
  for (const char *c = end; c > d->frac_start; c--) {
    uint64_t t = (uint64_t)(c[-1] - '0') * scale + carry;
    if (t % 10 != 0) {
      g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_PRECISION,
                  "'%s': finer than the %s resolution", text, q->quantum);
      return FALSE;
    }
    carry = t / 10;
  }
  if (value > UINT64_MAX - carry)
    goto range;
  *out = value + carry;
  return TRUE;

range:
  g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
              "'%s': out of range (at most %" G_GUINT64_FORMAT "%s)", text, UINT64_MAX, q->base);
  return FALSE;
}

gboolean
sim_units_parse_rate(const char *text, uint64_t *bps, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(bps != NULL, FALSE);
  Decimal d;
  uint64_t v;
  if (!split_decimal(text, &rate_quantity, &d, error) ||
      !scale_exact(text, &rate_quantity, &d, &v, error))
    return FALSE;
  *bps = v;
  return TRUE;
}

gboolean
sim_units_parse_size(const char *text, uint64_t *bytes, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(bytes != NULL, FALSE);
  Decimal d;
  uint64_t v;
  if (!split_decimal(text, &size_quantity, &d, error) ||
      !scale_exact(text, &size_quantity, &d, &v, error))
    return FALSE;
  *bytes = v;
  return TRUE;
}

gboolean
sim_units_parse_pkt_rate(const char *text, double *pps, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(pps != NULL, FALSE);
  Decimal d;
  if (!split_decimal(text, &pkt_rate_quantity, &d, error))
    return FALSE;

  /* All digits as one integer mantissa, the point folded into the
   * exponent. A very long mantissa only makes strtod work harder; its
   * result is still correctly rounded. */
  size_t n_int = (size_t)(d.int_end - d.int_start);
  size_t n_frac = (size_t)(d.frac_end - d.frac_start);
  if (n_int + n_frac > 4096) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': too many digits for a packet rate", text);
    return FALSE;
  }
  GString *s = g_string_sized_new(n_int + n_frac + 16);
  g_string_append_len(s, d.int_start, (gssize)n_int);
  g_string_append_len(s, d.frac_start, (gssize)n_frac);
  if (s->len == 0)
    g_string_append_c(s, '0');
  g_string_append_printf(s, "e%ld", (long)d.unit->scale - (long)n_frac);
  double v = g_ascii_strtod(s->str, NULL);
  g_string_free(s, TRUE);

  if (v != 0.0 && !(v >= SIM_UNITS_PKT_RATE_MIN && v <= SIM_UNITS_PKT_RATE_MAX)) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': out of range (a packet rate is 0 or from %gpps to %gpps)", text,
                SIM_UNITS_PKT_RATE_MIN, SIM_UNITS_PKT_RATE_MAX);
    return FALSE;
  }
  *pps = v;
  return TRUE;
}

/* Skips blanks, then a decimal floating-point number: optional sign (when
 * @allow_sign), digits with an optional '.', optional exponent (when
 * @allow_exp). Returns the end of the number, or NULL when there is none. */
static const char *
scan_float(const char *p, gboolean allow_sign, gboolean allow_exp)
{
  if (allow_sign && (*p == '-' || *p == '+'))
    p++;
  gboolean digits = FALSE;
  while (g_ascii_isdigit(*p)) {
    p++;
    digits = TRUE;
  }
  if (*p == '.') {
    p++;
    while (g_ascii_isdigit(*p)) {
      p++;
      digits = TRUE;
    }
  }
  if (!digits)
    return NULL;
  if (allow_exp && (*p == 'e' || *p == 'E')) {
    const char *q = p + 1;
    if (*q == '-' || *q == '+')
      q++;
    if (!g_ascii_isdigit(*q))
      return NULL;
    while (g_ascii_isdigit(*q))
      q++;
    p = q;
  }
  return p;
}

static const char *
skip_blanks(const char *p)
{
  while (g_ascii_isspace(*p))
    p++;
  return p;
}

gboolean
sim_units_parse_ratio(const char *text, double *ratio, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(ratio != NULL, FALSE);
  const char *start = skip_blanks(text);
  const char *end = scan_float(start, FALSE, TRUE);
  const char *p = end ? skip_blanks(end) : NULL;
  gboolean percent = FALSE;
  if (p != NULL && *p == '%') {
    percent = TRUE;
    p = skip_blanks(p + 1);
  }
  if (p == NULL || *p != '\0') {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': expected a ratio from 0 to 1 such as 0.001, 1e-3 or 0.1%% (no sign)",
                text);
    return FALSE;
  }
  char *num = g_strndup(start, (gsize)(end - start));
  double v = g_ascii_strtod(num, NULL);
  g_free(num);
  if (percent)
    v /= 100.0;
  if (!(v >= 0.0 && v <= 1.0)) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': out of range (a ratio is from 0 to 1, or 0%% to 100%%)", text);
    return FALSE;
  }
  *ratio = v;
  return TRUE;
}

/* Unsigned decimal digits from @p to the end of the text (blanks
 * allowed after); FALSE on anything else. */
static gboolean
scan_digits(const char *p, uint64_t *value, gboolean *overflow)
{
  if (!g_ascii_isdigit(*p))
    return FALSE;
  uint64_t v = 0;
  *overflow = FALSE;
  for (; g_ascii_isdigit(*p); p++) {
    unsigned digit = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - digit) / 10)
      *overflow = TRUE;
    else
      v = v * 10 + digit;
  }
  if (*skip_blanks(p) != '\0')
    return FALSE;
  *value = v;
  return TRUE;
}

gboolean
sim_units_parse_int(const char *text, int64_t *out, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);
  const char *p = skip_blanks(text);
  gboolean negative = FALSE;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  uint64_t mag = 0;
  gboolean overflow = FALSE;
  if (!scan_digits(p, &mag, &overflow)) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': expected a decimal integer such as 42 or -3", text);
    return FALSE;
  }
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (overflow || mag > limit) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': out of range (from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ")", text,
                INT64_MIN, INT64_MAX);
    return FALSE;
  }
  *out = negative ? (int64_t)(0 - mag) : (int64_t)mag;
  return TRUE;
}

gboolean
sim_units_parse_uint(const char *text, uint64_t *out, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);
  uint64_t v = 0;
  gboolean overflow = FALSE;
  if (!scan_digits(skip_blanks(text), &v, &overflow)) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': expected a non-negative decimal integer such as 42 (no sign)", text);
    return FALSE;
  }
  if (overflow) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': out of range (at most %" G_GUINT64_FORMAT ")", text, UINT64_MAX);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean
sim_units_parse_double(const char *text, double *out, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);
  const char *start = skip_blanks(text);
  const char *end = scan_float(start, TRUE, TRUE);
  if (end == NULL || *skip_blanks(end) != '\0') {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
                "'%s': expected a decimal number such as 0.5, -2 or 1e-3", text);
    return FALSE;
  }
  char *num = g_strndup(start, (gsize)(end - start));
  double v = g_ascii_strtod(num, NULL);
  g_free(num);
  if (!isfinite(v)) {
    g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_RANGE,
                "'%s': out of range (beyond the largest double)", text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean
sim_units_parse_bool(const char *text, gboolean *out, GError **error)
{
  static const struct { const char *name; gboolean value; } words[] = {
    { "true", TRUE }, { "false", FALSE }, { "yes", TRUE }, { "no", FALSE },
    { "on", TRUE },   { "off", FALSE },   { "1", TRUE },   { "0", FALSE },
  };
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);
  const char *start = skip_blanks(text);
  const char *end = start + strlen(start);
  while (end > start && g_ascii_isspace(end[-1]))
    end--;
  size_t len = (size_t)(end - start);
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    if (strlen(words[i].name) == len && g_ascii_strncasecmp(words[i].name, start, len) == 0) {
      *out = words[i].value;
      return TRUE;
    }
  }
  g_set_error(error, SIM_UNITS_ERROR, SIM_UNITS_ERROR_SYNTAX,
              "'%s': expected true or false (also yes/no, on/off, 1/0)", text);
  return FALSE;
}

/* Writes @v / @scale exactly: integer part, then the remainder as decimals
 * without trailing zeros (@scale is a power of ten). Returns the end. */
static char *
format_scaled(char *p, size_t room, uint64_t v, uint64_t scale)
{
  int n = g_snprintf(p, room, "%" G_GUINT64_FORMAT, v / scale);
  p += n;
  uint64_t frac = v % scale;
  if (frac != 0) {
    char digits[24];
    int width = 0;
    for (uint64_t s = scale; s > 1; s /= 10)
      width++;
    g_snprintf(digits, sizeof digits, "%0*" G_GUINT64_FORMAT, width, frac);
    size_t len = strlen(digits);
    while (len > 0 && digits[len - 1] == '0')
      len--;
    *p++ = '.';
    memcpy(p, digits, len);
    p += len;
  }
  *p = '\0';
  return p;
}

char *
sim_units_format_rate(uint64_t bps, char *buf)
{
  /* Largest unit first; the first five entries of rate_units are the
   * "bps" family in increasing order. */
  g_return_val_if_fail(buf != NULL, NULL);
  size_t i = 4;
  while (i > 0 && bps < rate_units[i].scale)
    i--;
  char *end = format_scaled(buf, SIM_UNITS_FORMAT_SIZE, bps, rate_units[i].scale);
  g_strlcpy(end, rate_units[i].name, SIM_UNITS_FORMAT_SIZE - (size_t)(end - buf));
  return buf;
}

char *
sim_units_format_size(uint64_t bytes, char *buf)
{
  /* Candidates in the order that wins ties: binary before decimal. */
  static const size_t order[] = { 0, 3, 1, 5, 4, 7, 6, 9, 8 };
  g_return_val_if_fail(buf != NULL, NULL);
  char best[SIM_UNITS_FORMAT_SIZE] = "";
  size_t best_len = SIZE_MAX;
  for (size_t k = 0; k < G_N_ELEMENTS(order); k++) {
    const Unit *u = &size_units[order[k]];
    if (bytes % u->scale != 0 || (bytes == 0 && u->scale != 1))
      continue;
    char cand[SIM_UNITS_FORMAT_SIZE];
    g_snprintf(cand, sizeof cand, "%" G_GUINT64_FORMAT "%s", bytes / u->scale, u->name);
    size_t len = strlen(cand);
    if (len < best_len) {
      best_len = len;
      memcpy(best, cand, len + 1);
    }
  }
  memcpy(buf, best, best_len + 1);
  return buf;
}

char *
sim_units_format_pkt_rate(double pps, char *buf)
{
  g_return_val_if_fail(buf != NULL, NULL);
  g_return_val_if_fail(isfinite(pps) && pps >= 0.0, NULL);

  /* Fewest fixed-point decimals that read back exactly (at most 17
   * significant digits are ever needed; 26 decimals cover the smallest
   * accepted rate). */
  char plain[SIM_UNITS_FORMAT_SIZE + 16];
  for (int decimals = 0; decimals <= 40; decimals++) {
    char fmt[16];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
    g_ascii_formatd(plain, sizeof plain, fmt, pps);
    if (g_ascii_strtod(plain, NULL) == pps)
      break;
  }

  /* Move the point left by the unit's power of ten, textually. */
  static const double thresholds[] = { 1.0, 1e3, 1e6, 1e9 }; /* per pkt_rate_units */
  size_t i = G_N_ELEMENTS(pkt_rate_units) - 1;
  while (i > 0 && pps < thresholds[i])
    i--;
  unsigned shift = (unsigned)pkt_rate_units[i].scale;
  const char *dot = strchr(plain, '.');
  size_t n_int = dot ? (size_t)(dot - plain) : strlen(plain);
  const char *frac = dot ? dot + 1 : "";
  g_assert(n_int > shift || shift == 0);
  GString *s = g_string_new(NULL);
  g_string_append_len(s, plain, (gssize)(n_int - shift));
  g_string_append_c(s, '.');
  g_string_append_len(s, plain + n_int - shift, (gssize)shift);
  g_string_append(s, frac);
  while (s->str[s->len - 1] == '0')
    g_string_truncate(s, s->len - 1);
  if (s->str[s->len - 1] == '.')
    g_string_truncate(s, s->len - 1);
  g_string_append(s, pkt_rate_units[i].name);
  g_strlcpy(buf, s->str, SIM_UNITS_FORMAT_SIZE);
  g_string_free(s, TRUE);
  return buf;
}

char *
sim_units_format_double(double value, char *buf)
{
  g_return_val_if_fail(buf != NULL, NULL);
  g_return_val_if_fail(isfinite(value), NULL);
  for (int digits = 1; digits <= 17; digits++) {
    char fmt[16];
    g_snprintf(fmt, sizeof fmt, "%%.%dg", digits);
    g_ascii_formatd(buf, SIM_UNITS_FORMAT_SIZE, fmt, value);
    if (g_ascii_strtod(buf, NULL) == value)
      break;
  }
  return buf;
}
