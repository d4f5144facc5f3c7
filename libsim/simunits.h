/* simunits.h - exact parsers and printers for the values of scenario files.
 *
 * Bit rates are integer bit/s and sizes integer bytes (DESIGN.md rule 2),
 * parsed with integer arithmetic like sim_time_parse(): "2.5Gbps" is
 * 2500000000 bit/s exactly and "1.5bps" is refused rather than rounded.
 * Packet rates and ratios are doubles (they drive random inter-arrival
 * times and probabilities, never the clock). Every error quotes the input
 * and says what form was expected.
 *
 * Common rules: leading and trailing blanks are ignored and a blank may
 * separate number and unit; the unit parsers refuse signs, exponents
 * (except ratios), missing or unknown units and values that do not fit.
 */
#ifndef IPESIM_SIMUNITS_H
#define IPESIM_SIMUNITS_H

#include "simdefs.h"

G_BEGIN_DECLS

/* Longest text a sim_units_format_*() function writes, including the NUL. */
#define SIM_UNITS_FORMAT_SIZE 48

/* Packet rates are accepted from SIM_UNITS_PKT_RATE_MIN (one packet in
 * about 32 years) to SIM_UNITS_PKT_RATE_MAX pps, or exactly 0. */
#define SIM_UNITS_PKT_RATE_MIN 1e-9
#define SIM_UNITS_PKT_RATE_MAX 1e15

#define SIM_UNITS_ERROR (sim_units_error_quark())
typedef enum {
  SIM_UNITS_ERROR_SYNTAX,   /* not a number of the expected form (sign, junk, ...) */
  SIM_UNITS_ERROR_UNIT,     /* missing or unknown unit */
  SIM_UNITS_ERROR_RANGE,    /* does not fit the type or its valid range */
  SIM_UNITS_ERROR_PRECISION /* finer than one bit/s or one byte */
} SimUnitsError;

SIM_API GQuark sim_units_error_quark(void);

/**
 * sim_units_parse_rate:
 * @text: a non-negative decimal number and a unit: `bps`, `kbps`, `Mbps`,
 *   `Gbps`, `Tbps` or `bit/s`, `kbit/s`, `Mbit/s`, `Gbit/s`, `Tbit/s`
 *   (SI prefixes: k = 10^3, M = 10^6, G = 10^9, T = 10^12), e.g. `10Gbps`,
 *   `2.5Gbps`, `64kbps`, `9600bps`
 * @bps: (out): the rate in bit/s, untouched on error
 * @error: SIM_UNITS_ERROR on malformed, overflowing or fractional-bit input
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_rate(const char *text, uint64_t *bps, GError **error);

/**
 * sim_units_parse_size:
 * @text: a non-negative decimal number and a unit: `B`; `kB` or `KB`
 *   (1000), `MB`, `GB`, `TB` (powers of 1000); `KiB` (1024), `MiB`, `GiB`,
 *   `TiB` (powers of 1024), e.g. `1500B`, `9KiB`, `1.5MB`
 * @bytes: (out): the size in bytes, untouched on error
 * @error: SIM_UNITS_ERROR on malformed, overflowing or fractional-byte input
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_size(const char *text, uint64_t *bytes, GError **error);

/**
 * sim_units_parse_pkt_rate:
 * @text: a non-negative decimal number and a unit: `pps`, `kpps`, `Mpps`
 *   or `Gpps`, e.g. `10000pps`, `1.5kpps`, `2Mpps`
 * @pps: (out): packets per second, the double nearest to the decimal value;
 *   0 or in [SIM_UNITS_PKT_RATE_MIN, SIM_UNITS_PKT_RATE_MAX]
 * @error: SIM_UNITS_ERROR on malformed or out-of-range input
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_pkt_rate(const char *text, double *pps, GError **error);

/**
 * sim_units_parse_ratio:
 * @text: a fraction in [0, 1]: `0.001`, `1e-3` (an exponent is allowed
 *   here), or a percentage `0.1%`
 * @ratio: (out): the ratio, untouched on error
 * @error: SIM_UNITS_ERROR on malformed or out-of-range input
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_ratio(const char *text, double *ratio, GError **error);

/**
 * sim_units_parse_int:
 * @text: a decimal integer with an optional sign, e.g. `-3`
 * @out: (out): the value, untouched on error
 * @error: SIM_UNITS_ERROR_SYNTAX or SIM_UNITS_ERROR_RANGE (beyond int64)
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_int(const char *text, int64_t *out, GError **error);

/**
 * sim_units_parse_uint:
 * @text: a decimal integer without sign, e.g. `42`
 * @out: (out): the value, untouched on error
 * @error: SIM_UNITS_ERROR_SYNTAX or SIM_UNITS_ERROR_RANGE (beyond uint64)
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_uint(const char *text, uint64_t *out, GError **error);

/**
 * sim_units_parse_double:
 * @text: a finite decimal number with optional sign and exponent, e.g.
 *   `-0.5`, `1e-3` (no hexadecimal, `inf` or `nan`)
 * @out: (out): the nearest double, untouched on error
 * @error: SIM_UNITS_ERROR_SYNTAX or SIM_UNITS_ERROR_RANGE (overflow)
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_double(const char *text, double *out, GError **error);

/**
 * sim_units_parse_bool:
 * @text: `true`/`false`, `yes`/`no`, `on`/`off` or `1`/`0`, in any case
 * @out: (out): the value, untouched on error
 * @error: SIM_UNITS_ERROR_SYNTAX
 *
 * Returns: TRUE on success.
 */
SIM_API gboolean sim_units_parse_bool(const char *text, gboolean *out, GError **error);

/**
 * sim_units_format_rate:
 * @bps: a rate in bit/s
 * @buf: (out caller-allocates): at least SIM_UNITS_FORMAT_SIZE bytes
 *
 * Writes @bps exactly in the largest of Tbps/Gbps/Mbps/kbps/bps that keeps
 * an integer part, without trailing zeros: `10Gbps`, `2.5Gbps`, `9600bps`.
 * sim_units_parse_rate() reads it back to the same value.
 * Returns: @buf
 */
SIM_API char *sim_units_format_rate(uint64_t bps, char *buf);

/**
 * sim_units_format_size:
 * @bytes: a size in bytes
 * @buf: (out caller-allocates): at least SIM_UNITS_FORMAT_SIZE bytes
 *
 * Writes the shortest exact integer form among B, kB/KiB, MB/MiB, GB/GiB
 * and TB/TiB (binary first on a tie): `1500B`, `9KiB`, `9kB`, `1MiB`.
 * sim_units_parse_size() reads it back to the same value.
 * Returns: @buf
 */
SIM_API char *sim_units_format_size(uint64_t bytes, char *buf);

/**
 * sim_units_format_pkt_rate:
 * @pps: a packet rate that sim_units_parse_pkt_rate() accepts
 * @buf: (out caller-allocates): at least SIM_UNITS_FORMAT_SIZE bytes
 *
 * Writes the shortest decimal that reads back to exactly @pps, in the
 * largest of Gpps/Mpps/kpps/pps that keeps an integer part: `10kpps`,
 * `1.5kpps`, `2Mpps`, `0.5pps`.
 * Returns: @buf
 */
SIM_API char *sim_units_format_pkt_rate(double pps, char *buf);

/**
 * sim_units_format_double:
 * @value: a finite double (ratios, plain numbers)
 * @buf: (out caller-allocates): at least SIM_UNITS_FORMAT_SIZE bytes
 *
 * Writes the shortest `%g` form that reads back to exactly @value, with a
 * '.' whatever the locale: `0.001`, `1e-05`, `2.5`.
 * sim_units_parse_double() (and sim_units_parse_ratio() for values in
 * [0, 1]) reads it back to the same value.
 * Returns: @buf
 */
SIM_API char *sim_units_format_double(double value, char *buf);

G_END_DECLS

#endif /* IPESIM_SIMUNITS_H */
