/* test-simunits.c - exact parsing and printing of rates, sizes, packet
 * rates, ratios and plain numbers: good input, bad input (error code and
 * quoting), round trips. */
#include "config.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "simunits.h"

/* Checks the common error contract: FALSE, the expected code, the input
 * quoted in the message, the output untouched. */
static void
check_error(const char *text, gboolean ok, GError *error, int code)
{
  cr_assert(!ok, "'%s' accepted", text);
  cr_assert_not_null(error, "'%s': no GError", text);
  cr_assert(g_error_matches(error, SIM_UNITS_ERROR, code), "'%s': code %d, expected %d (%s)",
            text, error->code, code, error->message);
  char *quoted = g_strdup_printf("'%s'", text);
  cr_assert(strstr(error->message, quoted) != NULL, "message does not quote '%s': %s", text,
            error->message);
  g_free(quoted);
  g_error_free(error);
}

static uint64_t
rate_ok(const char *text)
{
  GError *error = NULL;
  uint64_t v = 0;
  cr_assert(sim_units_parse_rate(text, &v, &error), "'%s' refused: %s", text,
            error ? error->message : "?");
  return v;
}

static void
rate_bad(const char *text, int code)
{
  GError *error = NULL;
  uint64_t v = 777;
  gboolean ok = sim_units_parse_rate(text, &v, &error);
  cr_assert_eq(v, 777, "'%s': output changed to %" PRIu64, text, v);
  check_error(text, ok, error, code);
}

static uint64_t
size_ok(const char *text)
{
  GError *error = NULL;
  uint64_t v = 0;
  cr_assert(sim_units_parse_size(text, &v, &error), "'%s' refused: %s", text,
            error ? error->message : "?");
  return v;
}

static void
size_bad(const char *text, int code)
{
  GError *error = NULL;
  uint64_t v = 777;
  gboolean ok = sim_units_parse_size(text, &v, &error);
  cr_assert_eq(v, 777, "'%s': output changed to %" PRIu64, text, v);
  check_error(text, ok, error, code);
}

static double
pkt_rate_ok(const char *text)
{
  GError *error = NULL;
  double v = -1;
  cr_assert(sim_units_parse_pkt_rate(text, &v, &error), "'%s' refused: %s", text,
            error ? error->message : "?");
  return v;
}

static void
pkt_rate_bad(const char *text, int code)
{
  GError *error = NULL;
  double v = 777;
  gboolean ok = sim_units_parse_pkt_rate(text, &v, &error);
  cr_assert_eq(v, 777, "'%s': output changed to %g", text, v);
  check_error(text, ok, error, code);
}

static double
ratio_ok(const char *text)
{
  GError *error = NULL;
  double v = -1;
  cr_assert(sim_units_parse_ratio(text, &v, &error), "'%s' refused: %s", text,
            error ? error->message : "?");
  return v;
}

static void
ratio_bad(const char *text, int code)
{
  GError *error = NULL;
  double v = 777;
  gboolean ok = sim_units_parse_ratio(text, &v, &error);
  cr_assert_eq(v, 777, "'%s': output changed to %g", text, v);
  check_error(text, ok, error, code);
}

/* ---- bit rates ------------------------------------------------------------- */

Test(units, rate_units)
{
  cr_assert_eq(rate_ok("9600bps"), 9600);
  cr_assert_eq(rate_ok("64kbps"), 64000);
  cr_assert_eq(rate_ok("100Mbps"), UINT64_C(100000000));
  cr_assert_eq(rate_ok("10Gbps"), UINT64_C(10000000000));
  cr_assert_eq(rate_ok("1Tbps"), UINT64_C(1000000000000));
  cr_assert_eq(rate_ok("9600bit/s"), 9600);
  cr_assert_eq(rate_ok("64kbit/s"), 64000);
  cr_assert_eq(rate_ok("100Mbit/s"), UINT64_C(100000000));
  cr_assert_eq(rate_ok("10Gbit/s"), UINT64_C(10000000000));
  cr_assert_eq(rate_ok("0bps"), 0);
}

Test(units, rate_decimals_are_exact)
{
  cr_assert_eq(rate_ok("2.5Gbps"), UINT64_C(2500000000));
  cr_assert_eq(rate_ok("1.000000001Gbps"), UINT64_C(1000000001));
  cr_assert_eq(rate_ok("0.1Mbps"), 100000);
  cr_assert_eq(rate_ok(".5kbps"), 500);
  cr_assert_eq(rate_ok("3.kbps"), 3000);
  cr_assert_eq(rate_ok("1.5000kbps"), 1500, "trailing zeros are not precision");
  cr_assert_eq(rate_ok("1.0000000000000bps"), 1, "trailing zeros beyond 1bps allowed");
}

Test(units, rate_blanks)
{
  cr_assert_eq(rate_ok("  10 Gbps  "), UINT64_C(10000000000));
  cr_assert_eq(rate_ok("\t64\tkbps"), 64000);
}

Test(units, rate_largest)
{
  cr_assert_eq(rate_ok("18446744073709551615bps"), UINT64_MAX);
  cr_assert_eq(rate_ok("18446744.073709551615Tbps"), UINT64_MAX);
  rate_bad("18446744073709551616bps", SIM_UNITS_ERROR_RANGE);
  rate_bad("18446744.073709551616Tbps", SIM_UNITS_ERROR_RANGE);
  rate_bad("20000000Tbps", SIM_UNITS_ERROR_RANGE);
  rate_bad("99999999999999999999999999bps", SIM_UNITS_ERROR_RANGE);
}

Test(units, rate_rejects_malformed)
{
  rate_bad("", SIM_UNITS_ERROR_SYNTAX);
  rate_bad("Gbps", SIM_UNITS_ERROR_SYNTAX);
  rate_bad(".", SIM_UNITS_ERROR_SYNTAX);
  rate_bad("-1Gbps", SIM_UNITS_ERROR_SYNTAX);
  rate_bad("+1Gbps", SIM_UNITS_ERROR_SYNTAX);
  rate_bad("10 Gbps x", SIM_UNITS_ERROR_SYNTAX);
}

Test(units, rate_rejects_bad_units)
{
  rate_bad("10", SIM_UNITS_ERROR_UNIT);
  rate_bad("10Gbs", SIM_UNITS_ERROR_UNIT);
  rate_bad("10gbps", SIM_UNITS_ERROR_UNIT);
  rate_bad("10GBps", SIM_UNITS_ERROR_UNIT);
  rate_bad("10Kbps", SIM_UNITS_ERROR_UNIT);
  rate_bad("1e9bps", SIM_UNITS_ERROR_UNIT);
  rate_bad("0x10bps", SIM_UNITS_ERROR_UNIT);
  rate_bad("10GB", SIM_UNITS_ERROR_UNIT);
}

Test(units, rate_rejects_fractional_bits)
{
  rate_bad("1.5bps", SIM_UNITS_ERROR_PRECISION);
  rate_bad("1.0000000001Gbps", SIM_UNITS_ERROR_PRECISION);
  rate_bad("0.0001kbps", SIM_UNITS_ERROR_PRECISION);
}

Test(units, rate_error_names_expected_units)
{
  GError *error = NULL;
  uint64_t v;
  cr_assert(!sim_units_parse_rate("10 furlongs", &v, &error));
  cr_assert(strstr(error->message, "'furlongs'") && strstr(error->message, "Gbps") &&
                strstr(error->message, "bit/s"),
            "message: %s", error->message);
  g_error_free(error);
}

/* ---- sizes -------------------------------------------------------------------- */

Test(units, size_units)
{
  cr_assert_eq(size_ok("1500B"), 1500);
  cr_assert_eq(size_ok("9kB"), 9000);
  cr_assert_eq(size_ok("9KB"), 9000);
  cr_assert_eq(size_ok("9KiB"), 9216);
  cr_assert_eq(size_ok("2MB"), 2000000);
  cr_assert_eq(size_ok("2MiB"), 2 * 1048576);
  cr_assert_eq(size_ok("1GB"), UINT64_C(1000000000));
  cr_assert_eq(size_ok("1GiB"), UINT64_C(1) << 30);
  cr_assert_eq(size_ok("1TB"), UINT64_C(1000000000000));
  cr_assert_eq(size_ok("1TiB"), UINT64_C(1) << 40);
  cr_assert_eq(size_ok("0B"), 0);
}

Test(units, size_binary_fractions_are_exact)
{
  cr_assert_eq(size_ok("1.5KiB"), 1536);
  cr_assert_eq(size_ok("0.25MiB"), 262144);
  cr_assert_eq(size_ok("0.0009765625KiB"), 1, "2^-10 KiB is one byte");
  cr_assert_eq(size_ok("1.5kB"), 1500);
  size_bad("0.1KiB", SIM_UNITS_ERROR_PRECISION);
  size_bad("1.5B", SIM_UNITS_ERROR_PRECISION);
  size_bad("0.0001kB", SIM_UNITS_ERROR_PRECISION);
}

Test(units, size_rejects_malformed)
{
  size_bad("", SIM_UNITS_ERROR_SYNTAX);
  size_bad("-1B", SIM_UNITS_ERROR_SYNTAX);
  size_bad("1500", SIM_UNITS_ERROR_UNIT);
  size_bad("1500b", SIM_UNITS_ERROR_UNIT);
  size_bad("9kiB", SIM_UNITS_ERROR_UNIT);
  size_bad("9 bytes", SIM_UNITS_ERROR_UNIT);
  size_bad("1e3B", SIM_UNITS_ERROR_UNIT);
  size_bad("16777216TiB", SIM_UNITS_ERROR_RANGE);
}

/* ---- packet rates ---------------------------------------------------------------- */

Test(units, pkt_rate_units)
{
  cr_assert_eq(pkt_rate_ok("10000pps"), 10000.0);
  cr_assert_eq(pkt_rate_ok("1.5kpps"), 1500.0);
  cr_assert_eq(pkt_rate_ok("2Mpps"), 2e6);
  cr_assert_eq(pkt_rate_ok("1Gpps"), 1e9);
  cr_assert_eq(pkt_rate_ok("0.5pps"), 0.5);
  cr_assert_eq(pkt_rate_ok("0pps"), 0.0);
}

Test(units, pkt_rate_is_the_nearest_double)
{
  /* 1.1 * 1000 in floating point is 1100.0000000000002; the parser must
   * give the double nearest 1100. */
  cr_assert_eq(pkt_rate_ok("1.1kpps"), 1100.0);
  cr_assert_eq(pkt_rate_ok("0.3pps"), 0.3);
  cr_assert_eq(pkt_rate_ok("123.456Mpps"), 123456000.0);
}

Test(units, pkt_rate_rejects_bad_input)
{
  pkt_rate_bad("", SIM_UNITS_ERROR_SYNTAX);
  pkt_rate_bad("-5pps", SIM_UNITS_ERROR_SYNTAX);
  pkt_rate_bad("100", SIM_UNITS_ERROR_UNIT);
  pkt_rate_bad("100 packets", SIM_UNITS_ERROR_UNIT);
  pkt_rate_bad("1e3pps", SIM_UNITS_ERROR_UNIT);
  pkt_rate_bad("2000000Gpps", SIM_UNITS_ERROR_RANGE);
  pkt_rate_bad("0.0000000001pps", SIM_UNITS_ERROR_RANGE);
}

/* ---- ratios --------------------------------------------------------------------- */

Test(units, ratio_forms)
{
  cr_assert_eq(ratio_ok("0.001"), 0.001);
  cr_assert_eq(ratio_ok("1e-3"), 0.001);
  cr_assert_eq(ratio_ok("1E-3"), 0.001);
  cr_assert_eq(ratio_ok("0.1%"), 0.001);
  cr_assert_eq(ratio_ok("50 %"), 0.5);
  cr_assert_eq(ratio_ok("100%"), 1.0);
  cr_assert_eq(ratio_ok("0"), 0.0);
  cr_assert_eq(ratio_ok("1"), 1.0);
  cr_assert_eq(ratio_ok(" 0.25 "), 0.25);
}

Test(units, ratio_rejects_bad_input)
{
  ratio_bad("", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("-0.1", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("+0.1", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("half", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("nan", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("0x0.1", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("1e", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("0.1%%", SIM_UNITS_ERROR_SYNTAX);
  ratio_bad("1.5", SIM_UNITS_ERROR_RANGE);
  ratio_bad("101%", SIM_UNITS_ERROR_RANGE);
  ratio_bad("1e400", SIM_UNITS_ERROR_RANGE);
}

/* ---- plain numbers --------------------------------------------------------------- */

Test(units, int_values)
{
  GError *error = NULL;
  int64_t v = 0;
  cr_assert(sim_units_parse_int("42", &v, &error) && v == 42, "v=%" PRId64, v);
  cr_assert(sim_units_parse_int("-3", &v, &error) && v == -3, "v=%" PRId64, v);
  cr_assert(sim_units_parse_int(" +7 ", &v, &error) && v == 7, "v=%" PRId64, v);
  cr_assert(sim_units_parse_int("9223372036854775807", &v, &error) && v == INT64_MAX);
  cr_assert(sim_units_parse_int("-9223372036854775808", &v, &error) && v == INT64_MIN);
  cr_assert_null(error);

  int64_t keep = 5;
  const char *syntax[] = { "", "-", "4x", "1.0", "0x10", "1e3", "- 3" };
  for (size_t i = 0; i < G_N_ELEMENTS(syntax); i++) {
    gboolean ok = sim_units_parse_int(syntax[i], &keep, &error);
    check_error(syntax[i], ok, error, SIM_UNITS_ERROR_SYNTAX);
    error = NULL;
  }
  const char *range[] = { "9223372036854775808", "-9223372036854775809",
                          "99999999999999999999999" };
  for (size_t i = 0; i < G_N_ELEMENTS(range); i++) {
    gboolean ok = sim_units_parse_int(range[i], &keep, &error);
    check_error(range[i], ok, error, SIM_UNITS_ERROR_RANGE);
    error = NULL;
  }
  cr_assert_eq(keep, 5, "output changed on error: %" PRId64, keep);
}

Test(units, uint_values)
{
  GError *error = NULL;
  uint64_t v = 0;
  cr_assert(sim_units_parse_uint("0", &v, &error) && v == 0);
  cr_assert(sim_units_parse_uint("18446744073709551615", &v, &error) && v == UINT64_MAX);
  cr_assert_null(error);
  gboolean ok = sim_units_parse_uint("-1", &v, &error);
  check_error("-1", ok, error, SIM_UNITS_ERROR_SYNTAX);
  error = NULL;
  ok = sim_units_parse_uint("+1", &v, &error);
  check_error("+1", ok, error, SIM_UNITS_ERROR_SYNTAX);
  error = NULL;
  ok = sim_units_parse_uint("18446744073709551616", &v, &error);
  check_error("18446744073709551616", ok, error, SIM_UNITS_ERROR_RANGE);
}

Test(units, double_values)
{
  GError *error = NULL;
  double v = 0;
  cr_assert(sim_units_parse_double("0.5", &v, &error) && v == 0.5);
  cr_assert(sim_units_parse_double("-2", &v, &error) && v == -2.0);
  cr_assert(sim_units_parse_double("1e-3", &v, &error) && v == 0.001);
  cr_assert(sim_units_parse_double(".5E+2", &v, &error) && v == 50.0);
  cr_assert_null(error);
  const char *syntax[] = { "", "inf", "nan", "0x1p3", "1,5", "1e", "e3", "--1" };
  for (size_t i = 0; i < G_N_ELEMENTS(syntax); i++) {
    gboolean ok = sim_units_parse_double(syntax[i], &v, &error);
    check_error(syntax[i], ok, error, SIM_UNITS_ERROR_SYNTAX);
    error = NULL;
  }
  gboolean ok = sim_units_parse_double("1e999", &v, &error);
  check_error("1e999", ok, error, SIM_UNITS_ERROR_RANGE);
}

Test(units, bool_values)
{
  const char *yes[] = { "true", "TRUE", "yes", "On", "1", " true " };
  const char *no[] = { "false", "False", "no", "off", "0" };
  GError *error = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
    gboolean v = FALSE;
    cr_assert(sim_units_parse_bool(yes[i], &v, &error) && v, "'%s'", yes[i]);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
    gboolean v = TRUE;
    cr_assert(sim_units_parse_bool(no[i], &v, &error) && !v, "'%s'", no[i]);
  }
  const char *bad[] = { "", "y", "2", "truth", "enabled" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    gboolean v = TRUE;
    gboolean ok = sim_units_parse_bool(bad[i], &v, &error);
    cr_assert(v, "output changed for '%s'", bad[i]);
    check_error(bad[i], ok, error, SIM_UNITS_ERROR_SYNTAX);
    error = NULL;
  }
}

/* ---- printing and round trips ------------------------------------------------------ */

Test(units, format_rate)
{
  char buf[SIM_UNITS_FORMAT_SIZE];
  cr_assert_str_eq(sim_units_format_rate(UINT64_C(10000000000), buf), "10Gbps");
  cr_assert_str_eq(sim_units_format_rate(UINT64_C(2500000000), buf), "2.5Gbps");
  cr_assert_str_eq(sim_units_format_rate(100000000, buf), "100Mbps");
  cr_assert_str_eq(sim_units_format_rate(64000, buf), "64kbps");
  cr_assert_str_eq(sim_units_format_rate(9600, buf), "9.6kbps");
  cr_assert_str_eq(sim_units_format_rate(999, buf), "999bps");
  cr_assert_str_eq(sim_units_format_rate(UINT64_C(1000000000000), buf), "1Tbps");
  cr_assert_str_eq(sim_units_format_rate(0, buf), "0bps");
  cr_assert_str_eq(sim_units_format_rate(UINT64_MAX, buf), "18446744.073709551615Tbps");
}

Test(units, format_size)
{
  char buf[SIM_UNITS_FORMAT_SIZE];
  cr_assert_str_eq(sim_units_format_size(1500, buf), "1500B");
  cr_assert_str_eq(sim_units_format_size(9216, buf), "9KiB");
  cr_assert_str_eq(sim_units_format_size(9000, buf), "9kB");
  cr_assert_str_eq(sim_units_format_size(1048576, buf), "1MiB");
  cr_assert_str_eq(sim_units_format_size(1536, buf), "1536B");
  cr_assert_str_eq(sim_units_format_size(1024000, buf), "1024kB");
  cr_assert_str_eq(sim_units_format_size(0, buf), "0B");
  cr_assert_str_eq(sim_units_format_size(UINT64_C(1) << 40, buf), "1TiB");
}

Test(units, format_pkt_rate)
{
  char buf[SIM_UNITS_FORMAT_SIZE];
  cr_assert_str_eq(sim_units_format_pkt_rate(10000.0, buf), "10kpps");
  cr_assert_str_eq(sim_units_format_pkt_rate(1500.0, buf), "1.5kpps");
  cr_assert_str_eq(sim_units_format_pkt_rate(2e6, buf), "2Mpps");
  cr_assert_str_eq(sim_units_format_pkt_rate(0.5, buf), "0.5pps");
  cr_assert_str_eq(sim_units_format_pkt_rate(0.0, buf), "0pps");
  cr_assert_str_eq(sim_units_format_pkt_rate(1e15, buf), "1000000Gpps");
}

Test(units, format_double)
{
  char buf[SIM_UNITS_FORMAT_SIZE];
  cr_assert_str_eq(sim_units_format_double(0.001, buf), "0.001");
  cr_assert_str_eq(sim_units_format_double(2.5, buf), "2.5");
  cr_assert_str_eq(sim_units_format_double(1e-5, buf), "1e-05");
  cr_assert_str_eq(sim_units_format_double(0.1 + 0.2, buf), "0.30000000000000004");
}

Test(units, rate_and_size_round_trip)
{
  const uint64_t values[] = { 0,          1,          999,         1000,       1001,
                              9600,       64000,      1500000,     2500000000, 1234567891,
                              UINT64_C(1) << 40,      UINT64_C(10000000000000), UINT64_MAX,
                              UINT64_MAX - 1 };
  for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
    char buf[SIM_UNITS_FORMAT_SIZE];
    uint64_t back = 0;
    sim_units_format_rate(values[i], buf);
    cr_assert(sim_units_parse_rate(buf, &back, NULL) && back == values[i],
              "rate %" PRIu64 " -> '%s' -> %" PRIu64, values[i], buf, back);
    sim_units_format_size(values[i], buf);
    cr_assert(sim_units_parse_size(buf, &back, NULL) && back == values[i],
              "size %" PRIu64 " -> '%s' -> %" PRIu64, values[i], buf, back);
  }
}

Test(units, pkt_rate_and_double_round_trip)
{
  const double values[] = { 0.0, 1e-9, 0.1, 0.3, 1.0 / 3.0, 1.1, 999.999, 1000.0, 1100.0,
                            123456.789, 2e6, 1e9 + 0.5, 3.14159e12, 1e15 };
  for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
    char buf[SIM_UNITS_FORMAT_SIZE];
    double back = -1;
    sim_units_format_pkt_rate(values[i], buf);
    cr_assert(sim_units_parse_pkt_rate(buf, &back, NULL) && back == values[i],
              "pkt rate %.17g -> '%s' -> %.17g", values[i], buf, back);
    sim_units_format_double(values[i], buf);
    cr_assert(sim_units_parse_double(buf, &back, NULL) && back == values[i],
              "double %.17g -> '%s' -> %.17g", values[i], buf, back);
    if (values[i] <= 1.0)
      cr_assert(sim_units_parse_ratio(buf, &back, NULL) && back == values[i],
                "ratio %.17g -> '%s' -> %.17g", values[i], buf, back);
  }
}
