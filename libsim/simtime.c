/* simtime.c - parsing and printing of picosecond times.
 *
 * Parsing is exact: the integer and fractional digits are accumulated as
 * integers and scaled by the unit, so "1.000000000001s" is 1000000000001
 * ps and "0.5ps" is refused rather than rounded. Overflow is detected at
 * every multiply and add.
 */
#define G_LOG_DOMAIN "ipesim-time"
#include "config.h"

#include "simtime.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(sim-time-error-quark, sim_time_error)

typedef struct {
  const char *name;
  SimTime scale; /* picoseconds per unit */
  unsigned digits; /* log10(scale) */
} TimeUnit;

/* Longest names first where one is a prefix of another ("ms" vs "min"
 * are distinct, but "s" must not match the tail of "ms"/"us"/"ps"). */
static const TimeUnit time_units[] = {
  { "ps", SIM_PS(1), 0 },
  { "ns", SIM_NS(1), 3 },
  { "us", SIM_US(1), 6 },
  { "\xc2\xb5s", SIM_US(1), 6 }, /* U+00B5 MICRO SIGN */
  { "\xce\xbcs", SIM_US(1), 6 }, /* U+03BC GREEK SMALL LETTER MU */
  { "ms", SIM_MS(1), 9 },
  { "min", SIM_S(60), 12 },
  { "s", SIM_S(1), 12 },
  { "h", SIM_S(3600), 12 },
};

static const TimeUnit *
find_unit(const char *s, size_t len)
{
  for (size_t i = 0; i < G_N_ELEMENTS(time_units); i++)
    if (strlen(time_units[i].name) == len && memcmp(time_units[i].name, s, len) == 0)
      return &time_units[i];
  return NULL;
}

gboolean
sim_time_parse(const char *text, SimTime *out, GError **error)
{
  g_return_val_if_fail(text != NULL, FALSE);
  g_return_val_if_fail(out != NULL, FALSE);

  const char *p = text;
  while (g_ascii_isspace(*p))
    p++;
  if (*p == '-' || *p == '+') {
    g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_SYNTAX,
                "'%s': expected a non-negative time such as 10us (no sign)", text);
    return FALSE;
  }
  const char *int_start = p;
  while (g_ascii_isdigit(*p))
    p++;
  const char *int_end = p;
  const char *frac_start = NULL, *frac_end = NULL;
  if (*p == '.') {
    p++;
    frac_start = p;
    while (g_ascii_isdigit(*p))
      p++;
    frac_end = p;
  }
  size_t n_int = (size_t)(int_end - int_start);
  size_t n_frac = frac_start ? (size_t)(frac_end - frac_start) : 0;
  if (n_int == 0 && n_frac == 0) {
    g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_SYNTAX,
                "'%s': expected a time such as 250ps, 10us, 1.5ms or 2s", text);
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
    g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_SYNTAX,
                "'%s': unexpected text after the time", text);
    return FALSE;
  }
  if (unit_start == unit_end) {
    g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_UNIT,
                "'%s': missing unit (expected ps, ns, us, ms, s, min or h)", text);
    return FALSE;
  }
  const TimeUnit *unit = find_unit(unit_start, (size_t)(unit_end - unit_start));
  if (!unit) {
    g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_UNIT,
                "'%s': unknown unit '%.*s' (expected ps, ns, us, ms, s, min or h)", text,
                (int)(unit_end - unit_start), unit_start);
    return FALSE;
  }

  /* Integer part times the unit scale. */
  uint64_t value = 0;
  for (const char *q = int_start; q < int_end; q++) {
    if (value > (UINT64_MAX - 9) / 10)
      goto range;
    value = value * 10 + (uint64_t)(*q - '0');
  }
  if (value > (uint64_t)INT64_MAX / (uint64_t)unit->scale)
    goto range;
  value *= (uint64_t)unit->scale;

  /* Fractional part: digit k (1-based) is worth scale / 10^k ps. Digits
   * past the unit's precision must be zero. */
  uint64_t place = (uint64_t)unit->scale;
  for (const char *q = frac_start; q && q < frac_end; q++) {
    unsigned d = (unsigned)(*q - '0');
    if (place % 10 != 0 || place < 10) {
      if (d != 0) {
        g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_PRECISION,
                    "'%s': finer than the 1ps resolution", text);
        return FALSE;
      }
      continue;
    }
    place /= 10;
    if (value > (uint64_t)INT64_MAX - d * place)
      goto range;
    value += d * place;
  }
  *out = (SimTime)value;
  return TRUE;

range:
  g_set_error(error, SIM_TIME_ERROR, SIM_TIME_ERROR_RANGE,
              "'%s': out of range (the largest time is about 106 days)", text);
  return FALSE;
}

char *
sim_time_format(SimTime t, char *buf)
{
  static const struct { const char *name; SimTime scale; } units[] = {
    { "s", SIM_S(1) }, { "ms", SIM_MS(1) }, { "us", SIM_US(1) }, { "ns", SIM_NS(1) },
  };
  char *p = buf;
  uint64_t v;
  if (t < 0) {
    *p++ = '-';
    v = (uint64_t)0 - (uint64_t)t; /* well defined for INT64_MIN too */
  } else {
    v = (uint64_t)t;
  }
  if (v == 0) {
    strcpy(p, "0s");
    return buf;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
    uint64_t scale = (uint64_t)units[i].scale;
    if (v >= scale) {
      uint64_t ip = v / scale, fp = v % scale;
      p += g_snprintf(p, SIM_TIME_FORMAT_SIZE - (size_t)(p - buf), "%" G_GUINT64_FORMAT, ip);
      if (fp) {
        char frac[16];
        int width = 0;
        for (uint64_t s = scale; s > 1; s /= 10)
          width++;
        g_snprintf(frac, sizeof frac, "%0*" G_GUINT64_FORMAT, width, fp);
        size_t n = strlen(frac);
        while (n > 0 && frac[n - 1] == '0')
          frac[--n] = '\0';
        *p++ = '.';
        memcpy(p, frac, n);
        p += n;
      }
      strcpy(p, units[i].name);
      return buf;
    }
  }
  g_snprintf(p, SIM_TIME_FORMAT_SIZE - (size_t)(p - buf), "%" G_GUINT64_FORMAT "ps", v);
  return buf;
}

SimTime
sim_time_from_seconds(double seconds)
{
  if (!(seconds > 0.0)) /* also catches NaN */
    return 0;
  double ps = seconds * 1e12;
  if (ps >= 9.2233720368547748e18)
    return SIM_TIME_MAX;
  return (SimTime)llround(ps);
}
