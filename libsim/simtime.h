/* simtime.h - simulated time: an int64 count of picoseconds.
 *
 * 1 ps resolution keeps serialisation exact at 400 Gbit/s and the range
 * (about 106 days) covers any network experiment. There is no
 * floating-point time anywhere in the engine; conversions to and from
 * seconds exist for reporting and for random delays drawn as doubles.
 */
#ifndef IPESIM_SIMTIME_H
#define IPESIM_SIMTIME_H

#include "simdefs.h"

G_BEGIN_DECLS

typedef int64_t SimTime;

#define SIM_TIME_MAX INT64_MAX
#define SIM_TIME_INVALID INT64_MIN

#define SIM_PS(x) ((SimTime)(x))
#define SIM_NS(x) ((SimTime)(x) * INT64_C(1000))
#define SIM_US(x) ((SimTime)(x) * INT64_C(1000000))
#define SIM_MS(x) ((SimTime)(x) * INT64_C(1000000000))
#define SIM_S(x) ((SimTime)(x) * INT64_C(1000000000000))

/* Longest text sim_time_format() writes, including the terminating NUL. */
#define SIM_TIME_FORMAT_SIZE 32

#define SIM_TIME_ERROR (sim_time_error_quark())
typedef enum {
  SIM_TIME_ERROR_SYNTAX,   /* not "<decimal><unit>" */
  SIM_TIME_ERROR_UNIT,     /* missing or unknown unit */
  SIM_TIME_ERROR_RANGE,    /* does not fit in SimTime */
  SIM_TIME_ERROR_PRECISION /* finer than one picosecond */
} SimTimeError;

SIM_API GQuark sim_time_error_quark(void);

/**
 * sim_time_parse:
 * @text: a non-negative decimal number followed by a unit: `ps`, `ns`,
 *   `us` (or `µs`), `ms`, `s`, `min` or `h`, e.g. `250ps`, `10us`,
 *   `1.5ms`, `2s`. Leading and trailing blanks are ignored; a blank
 *   between number and unit is allowed.
 * @out: (out): the time in picoseconds
 * @error: set on malformed, overflowing or sub-picosecond text
 *
 * Parses exactly (integer arithmetic, no rounding).
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_time_parse(const char *text, SimTime *out, GError **error);

/**
 * sim_time_format:
 * @t: a time (negative values are written with a leading '-')
 * @buf: (out caller-allocates): at least SIM_TIME_FORMAT_SIZE bytes
 *
 * Writes @t exactly, in the largest of ps/ns/us/ms/s that keeps an
 * integer part, without trailing zeros: `250ps`, `10us`, `1.5ms`, `2s`.
 * sim_time_parse() reads the result back to the same value.
 * Returns: @buf
 */
SIM_API char *sim_time_format(SimTime t, char *buf);

/* Seconds as a double, for reporting. */
SIM_INLINE double
sim_time_to_seconds(SimTime t)
{
  return (double)t * 1e-12;
}

/**
 * sim_time_from_seconds:
 * @seconds: a finite time in seconds
 *
 * Rounds to the nearest picosecond; saturates at 0 and SIM_TIME_MAX
 * (negative or non-finite input gives 0 or SIM_TIME_MAX).
 */
SIM_API SimTime sim_time_from_seconds(double seconds);

G_END_DECLS

#endif /* IPESIM_SIMTIME_H */
