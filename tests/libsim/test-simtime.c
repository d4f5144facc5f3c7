/* test-simtime.c - parsing and printing of simulated time. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "simtime.h"

static SimTime
parse_ok(const char *text)
{
  GError *error = NULL;
  SimTime t = -1;
  bool ok = sim_time_parse(text, &t, &error);
  cr_assert(ok, "'%s' refused: %s", text, error ? error->message : "?");
  return t;
}

static void
parse_bad(const char *text, int code)
{
  GError *error = NULL;
  SimTime t = 12345;
  bool ok = sim_time_parse(text, &t, &error);
  cr_assert(!ok, "'%s' accepted as %" PRId64, text, t);
  cr_assert_not_null(error);
  cr_assert(g_error_matches(error, SIM_TIME_ERROR, code), "'%s': code %d, expected %d (%s)", text,
            error->code, code, error->message);
  cr_assert(strstr(error->message, text) != NULL || text[0] == '\0',
            "message does not quote the input: %s", error->message);
  cr_assert_eq(t, 12345, "output changed on error");
  g_error_free(error);
}

Test(time, units)
{
  cr_assert_eq(parse_ok("250ps"), 250);
  cr_assert_eq(parse_ok("10ns"), SIM_NS(10));
  cr_assert_eq(parse_ok("10us"), SIM_US(10));
  cr_assert_eq(parse_ok("10\xc2\xb5s"), SIM_US(10));
  cr_assert_eq(parse_ok("1.5ms"), SIM_MS(1) + SIM_US(500));
  cr_assert_eq(parse_ok("2s"), SIM_S(2));
  cr_assert_eq(parse_ok("2min"), SIM_S(120));
  cr_assert_eq(parse_ok("1h"), SIM_S(3600));
  cr_assert_eq(parse_ok("0s"), 0);
}

Test(time, decimals_are_exact)
{
  cr_assert_eq(parse_ok("1.000000000001s"), SIM_S(1) + 1);
  cr_assert_eq(parse_ok("0.1s"), SIM_MS(100));
  cr_assert_eq(parse_ok(".5us"), SIM_NS(500));
  cr_assert_eq(parse_ok("3.s"), SIM_S(3));
  cr_assert_eq(parse_ok("0.840us"), SIM_NS(840));
  cr_assert_eq(parse_ok("1.2500ns"), 1250, "trailing zeros beyond ps precision allowed");
}

Test(time, blanks)
{
  cr_assert_eq(parse_ok("  10 us  "), SIM_US(10));
  cr_assert_eq(parse_ok("\t7ms"), SIM_MS(7));
}

Test(time, rejects_malformed)
{
  parse_bad("", SIM_TIME_ERROR_SYNTAX);
  parse_bad("us", SIM_TIME_ERROR_SYNTAX);
  parse_bad(".", SIM_TIME_ERROR_SYNTAX);
  parse_bad("-1s", SIM_TIME_ERROR_SYNTAX);
  parse_bad("+1s", SIM_TIME_ERROR_SYNTAX);
  parse_bad("1e3s", SIM_TIME_ERROR_UNIT);
  parse_bad("10", SIM_TIME_ERROR_UNIT);
  parse_bad("10 parsecs", SIM_TIME_ERROR_UNIT);
  parse_bad("10 s x", SIM_TIME_ERROR_SYNTAX);
  parse_bad("1..2s", SIM_TIME_ERROR_UNIT);
  parse_bad("0x10s", SIM_TIME_ERROR_UNIT);
}

Test(time, rejects_sub_picosecond)
{
  parse_bad("0.5ps", SIM_TIME_ERROR_PRECISION);
  parse_bad("1.0001ns", SIM_TIME_ERROR_PRECISION);
}

Test(time, rejects_overflow)
{
  /* INT64_MAX ps = 9223372.036854775807 s */
  cr_assert_eq(parse_ok("9223372036854775807ps"), INT64_MAX);
  cr_assert_eq(parse_ok("9223372.036854775807s"), INT64_MAX);
  parse_bad("9223372036854775808ps", SIM_TIME_ERROR_RANGE);
  parse_bad("9223372.036854775808s", SIM_TIME_ERROR_RANGE);
  parse_bad("9223373s", SIM_TIME_ERROR_RANGE);
  parse_bad("2563h", SIM_TIME_ERROR_RANGE);
  parse_bad("99999999999999999999999s", SIM_TIME_ERROR_RANGE);
}

Test(time, format)
{
  char b[SIM_TIME_FORMAT_SIZE];
  cr_assert_str_eq(sim_time_format(0, b), "0s");
  cr_assert_str_eq(sim_time_format(250, b), "250ps");
  cr_assert_str_eq(sim_time_format(SIM_US(10), b), "10us");
  cr_assert_str_eq(sim_time_format(SIM_MS(1) + SIM_US(500), b), "1.5ms");
  cr_assert_str_eq(sim_time_format(SIM_S(2), b), "2s");
  cr_assert_str_eq(sim_time_format(SIM_S(1) + 1, b), "1.000000000001s");
  cr_assert_str_eq(sim_time_format(SIM_NS(840), b), "840ns");
  cr_assert_str_eq(sim_time_format(1250, b), "1.25ns");
  cr_assert_str_eq(sim_time_format(-SIM_US(3), b), "-3us");
  cr_assert_str_eq(sim_time_format(INT64_MAX, b), "9223372.036854775807s");
  cr_assert_str_eq(sim_time_format(INT64_MIN, b), "-9223372.036854775808s");
}

Test(time, format_parse_round_trip)
{
  char b[SIM_TIME_FORMAT_SIZE];
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    SimTime t = (SimTime)(x >> (1 + (i % 63)));
    SimTime back = -1;
    sim_time_format(t, b);
    cr_assert(sim_time_parse(b, &back, NULL), "'%s' not parsed", b);
    cr_assert_eq(back, t, "%" PRId64 " -> '%s' -> %" PRId64, t, b, back);
  }
}

Test(time, seconds_conversion)
{
  cr_assert_eq(sim_time_from_seconds(1.5e-6), SIM_NS(1500));
  cr_assert_eq(sim_time_from_seconds(0.1), SIM_MS(100));
  cr_assert_eq(sim_time_from_seconds(-1.0), 0);
  cr_assert_eq(sim_time_from_seconds(NAN), 0);
  cr_assert_eq(sim_time_from_seconds(INFINITY), SIM_TIME_MAX);
  cr_assert_eq(sim_time_from_seconds(1e30), SIM_TIME_MAX);
  cr_assert_float_eq(sim_time_to_seconds(SIM_MS(250)), 0.25, 1e-15);
}
