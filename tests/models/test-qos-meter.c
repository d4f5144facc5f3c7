/* test-qos-meter.c - token buckets, the shaper, RFC 2697/2698 markers, the
 * policer and RED/ECN (Floyd & Jacobson 1993, RFC 3168), against exact
 * hand-computed times, colours and counts, with packets as bytes. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "ip4.h"
#include "ip6.h"
#include "meter.h"
#include "net.h"
#include "netscenario.h"

/* ---- packets --------------------------------------------------------------- */

/* An IPv6 packet of @len bytes (40-byte header, virtual payload) with
 * Traffic Class @tc. */
static SimPacket *
pkt6(SimPacketPool *pool, size_t len, uint8_t tc)
{
  uint8_t b[40];
  SimIp6Header h = { 0 };
  h.traffic_class = tc;
  h.payload_length = (uint16_t)(len - 40);
  h.next_header = SIM_IPPROTO_UDP;
  h.hop_limit = 64;
  cr_assert(sim_ip6_addr_parse("2001:db8::1", &h.src, NULL));
  cr_assert(sim_ip6_addr_parse("2001:db8::2", &h.dst, NULL));
  sim_ip6_header_write(b, &h);
  return sim_packet_new_from_bytes(pool, SIM_PACKET_DEFAULT_HEADROOM, b, 40, len - 40);
}

/* An IPv4 packet of @len bytes with TOS @tos and a correct checksum. */
static SimPacket *
pkt4(SimPacketPool *pool, size_t len, uint8_t tos)
{
  uint8_t b[20];
  SimIp4Header h = { 0 };
  h.tos = tos;
  h.total_length = (uint16_t)len;
  h.id = 0x1234;
  h.ttl = 64;
  h.protocol = SIM_IPPROTO_UDP;
  h.src = 0x0a000001;
  h.dst = 0x0a000002;
  sim_ip4_header_write(b, &h);
  cr_assert_eq(sim_ip4_header_checksum(b, 20), 0);
  return sim_packet_new_from_bytes(pool, SIM_PACKET_DEFAULT_HEADROOM, b, 20, len - 20);
}

static uint8_t
tos_of(const SimPacket *p, gboolean eth)
{
  uint8_t t = 0;
  cr_assert(sim_meter_packet_tos(p, eth, &t));
  return t;
}

/* ---- token bucket ---------------------------------------------------------------- */

/* 8 Mbit/s = one byte per microsecond, 3000-byte burst: the burst
 * conforms at once, then a packet of L bytes waits exactly L us */
Test(token_bucket, burst_then_rate_exact_times)
{
  SimTokenBucket tb;
  sim_token_bucket_init(&tb, 8000000, 3000, 0);
  cr_assert(sim_token_bucket_consume(&tb, 1500, 0));
  cr_assert(sim_token_bucket_consume(&tb, 1500, 0));
  cr_assert_not(sim_token_bucket_consume(&tb, 1, 0), "the burst is spent");
  SimTime r = sim_token_bucket_ready(&tb, 1500, 0);
  cr_assert_eq(r, SIM_US(1500), "ready at %" PRId64 " ps", r);
  cr_assert_not(sim_token_bucket_consume(&tb, 1500, SIM_US(1500) - 1), "1 ps early");
  cr_assert_eq(sim_token_bucket_tokens(&tb, SIM_US(1500) - 1), 1499);
  cr_assert(sim_token_bucket_consume(&tb, 1500, SIM_US(1500)));
  cr_assert_eq(sim_token_bucket_tokens(&tb, SIM_US(1500)), 0);
  /* a long idle time fills the bucket to its burst, never beyond */
  cr_assert_eq(sim_token_bucket_tokens(&tb, SIM_S(10)), 3000);
  cr_assert_eq(sim_token_bucket_ready(&tb, 3001, SIM_S(10)), SIM_TIME_MAX, "larger than burst");
  cr_assert_eq(sim_token_bucket_ready(&tb, 3000, SIM_S(10)), SIM_S(10));
}

/* 12 Mbit/s: a byte every 666 666.67 ps. From an empty bucket, taking one byte at each ready
 * time for 200 000 bytes, the k-th conforms at exactly ceil(k x 2e6 / 3) ps:
 * no drift from rounding. */
Test(token_bucket, no_drift_at_fractional_rates)
{
  SimTokenBucket tb;
  sim_token_bucket_init(&tb, 12000000, 1000, 0);
  cr_assert(sim_token_bucket_consume(&tb, 1000, 0)); /* empty: never capped below */
  SimTime t = 0;
  for (int64_t k = 1; k <= 200000; k++) {
    t = sim_token_bucket_ready(&tb, 1, t);
    int64_t want = (k * 2000000 + 2) / 3;
    cr_assert_eq(t, want, "byte %" PRId64 ": %" PRId64 " ps, expected %" PRId64, k, t, want);
    cr_assert(sim_token_bucket_consume(&tb, 1, t));
  }
}

/* ---- shaper on a link ---------------------------------------------------------------- */

typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *a, *b;
  SimLink *l;
  GArray *arrivals; /* SimTime at b */
  GArray *tos;      /* uint8_t Traffic Class / TOS of each arrival (0xff: not IP) */
} Pair;

static void
pair_recv(SimNode *node, SimIface *iface, SimPacket *p)
{
  (void)iface;
  Pair *t = sim_node_slot(node, SIM_NODE_SLOT_IP6);
  SimTime now = sim_now(t->ctx);
  g_array_append_val(t->arrivals, now);
  uint8_t tos = 0xff;
  sim_meter_packet_tos(p, FALSE, &tos);
  g_array_append_val(t->tos, tos);
  sim_net_packet_delivered(t->net, p);
}

static void
pair_init(Pair *t, SimFraming framing, uint64_t rate, const SimContextConfig *cc)
{
  memset(t, 0, sizeof *t);
  t->ctx = sim_context_new(cc);
  t->net = sim_net_new(t->ctx);
  t->a = sim_node_new(t->net, "a", FALSE, NULL);
  t->b = sim_node_new(t->net, "b", FALSE, NULL);
  SimLinkConfig c;
  sim_link_config_init(&c);
  c.rate_bps = rate;
  c.delay = SIM_US(1);
  c.framing = framing;
  t->l = sim_link_new(t->net, t->a, t->b, &c, "ab", NULL);
  cr_assert_not_null(t->l);
  t->arrivals = g_array_new(FALSE, FALSE, sizeof(SimTime));
  t->tos = g_array_new(FALSE, FALSE, 1);
  sim_node_set_slot(t->b, SIM_NODE_SLOT_IP6, t, NULL);
  sim_node_set_recv(t->b, pair_recv);
  sim_node_set_recv4(t->b, pair_recv);
}

static void
pair_send6(Pair *t, size_t len, uint8_t tc)
{
  SimPacket *p = pkt6(sim_net_pool(t->net), len, tc);
  sim_net_packet_created(t->net, p);
  SimIface *ifc = sim_link_end(t->l, 0);
  if (sim_iface_is_ethernet(ifc)) {
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    sim_iface_send_ether(ifc, p, bcast);
  } else {
    sim_iface_send(ifc, p);
  }
}

static void
pair_free(Pair *t)
{
  GError *error = NULL;
  cr_assert(sim_net_check_conservation(t->net, &error), "%s", error ? error->message : "");
  g_array_unref(t->tos);
  g_array_unref(t->arrivals);
  sim_net_free(t->net);
  sim_context_free(t->ctx);
}

static void
send_event(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  pair_send6(obj, arg.u64, 0);
}

/* 1 Gbit/s raw link (1000 bytes: 8 us), shaper 10 Mbit/s with 3000 bytes of
 * burst: ten packets at t = 0 leave at 0, 8, 16 us (the burst), then every
 * 800 us at the closed-form times ((j + 1) x 1000 - 3000) x 8 / 10 Mbit/s:
 * only next_ready wakes the link for them. Later, packets sent to an idle
 * line still go through the shaper. */
Test(shaper, departures_follow_the_bucket_on_a_link)
{
  Pair t;
  pair_init(&t, SIM_FRAMING_NONE, UINT64_C(1000000000), NULL);
  SimQdisc *q = sim_qdisc_shaper_new(10000000, 3000, NULL);
  sim_iface_set_qdisc(sim_link_end(t.l, 0), q);
  for (int i = 0; i < 10; i++)
    pair_send6(&t, 1000, 0);
  sim_run_until(t.ctx, SIM_MS(50));
  cr_assert_eq(t.arrivals->len, 10);
  const SimTime ser = SIM_US(8), delay = SIM_US(1);
  for (guint j = 0; j < 10; j++) {
    SimTime start = j < 3 ? (SimTime)j * ser : (SimTime)(j - 2) * SIM_US(800);
    SimTime got = g_array_index(t.arrivals, SimTime, j);
    cr_assert_eq(got, start + ser + delay, "packet %u arrived at %" PRId64 " ps, expected %" PRId64,
                 j, got, start + ser + delay);
  }
  /* idle line, full bucket at 100 ms: three leave at once, the fourth
   * (sent at 100.060 ms, 75 bytes of tokens) waits until 100.800 ms */
  for (int i = 0; i < 4; i++)
    sim_schedule_at(t.ctx, SIM_MS(100) + i * SIM_US(20), sim_node_entity(t.a), send_event, &t,
                    SIM_ARG_U64(1000));
  sim_run_until(t.ctx, SIM_MS(200));
  cr_assert_eq(t.arrivals->len, 14);
  SimTime want[4] = { SIM_MS(100), SIM_MS(100) + SIM_US(20), SIM_MS(100) + SIM_US(40),
                      SIM_MS(100) + SIM_US(800) };
  for (guint j = 0; j < 4; j++) {
    SimTime got = g_array_index(t.arrivals, SimTime, 10 + j);
    cr_assert_eq(got, want[j] + ser + delay, "late packet %u at %" PRId64 " ps", j, got);
  }
  const SimMeterStats *st = sim_meter_stats(q);
  cr_assert_eq(st->arrivals, 14);
  cr_assert_eq(st->sent, 14);
  cr_assert_eq(st->sent_bytes, 14000);
  pair_free(&t);
}

/* a packet larger than the burst could never leave: dropped as too_big */
Test(shaper, larger_than_burst_is_too_big)
{
  Pair t;
  pair_init(&t, SIM_FRAMING_NONE, UINT64_C(1000000000), NULL);
  SimQdisc *q = sim_qdisc_shaper_new(10000000, 1000, NULL);
  sim_iface_set_qdisc(sim_link_end(t.l, 0), q);
  pair_send6(&t, 1001, 0);
  pair_send6(&t, 1000, 0);
  sim_run_until(t.ctx, SIM_MS(10));
  cr_assert_eq(t.arrivals->len, 1);
  cr_assert_eq(sim_node_drops(t.a, SIM_DROP_TOO_BIG), 1);
  cr_assert_eq(sim_meter_stats(q)->forced_drops, 1);
  pair_free(&t);
}

/* ---- RFC 2697 single-rate three-colour marker ------------------------------------------- */

static SimMeter
srtcm(uint64_t cir, uint64_t cbs, uint64_t ebs, gboolean aware)
{
  SimMeterConfig c = { SIM_METER_SRTCM, aware, cir, cbs, ebs, 0, 0 };
  cr_assert(sim_meter_config_check(&c, NULL));
  SimMeter m;
  sim_meter_init(&m, &c, 0);
  return m;
}

typedef struct {
  SimTime t;
  uint64_t bytes;
  SimColor pre;
  SimColor want;
} Arrival;

static void
run_arrivals(SimMeter *m, const Arrival *a, size_t n, const char *what)
{
  for (size_t i = 0; i < n; i++) {
    SimColor c = sim_meter_color(m, a[i].bytes, a[i].pre, a[i].t);
    cr_assert_eq(c, a[i].want, "%s, arrival %zu (%" PRIu64 " bytes at %" PRId64 " ps): %s, expected %s",
                 what, i, a[i].bytes, a[i].t, sim_color_name(c), sim_color_name(a[i].want));
  }
}

/* CIR 8 Mbit/s (1 byte/us), CBS 2000, EBS 1000, colour-blind (RFC 2697
 * §3): "Tc(t)-B >= 0" is green, equality included; then Te; a red packet
 * takes nothing; tokens beyond CBS overflow into E. */
Test(srtcm, color_blind_sequence)
{
  SimMeter m = srtcm(8000000, 2000, 1000, FALSE);
  const SimColor G = SIM_COLOR_GREEN, Y = SIM_COLOR_YELLOW, R = SIM_COLOR_RED;
  const Arrival a[] = {
    { 0, 1500, G, G },                             /* Tc 2000 -> 500 */
    { 0, 600, G, Y },                              /* Tc 500 < 600; Te 1000 -> 400 */
    { 0, 500, G, G },                              /* Tc - B = 0: green, Tc 0 */
    { 0, 401, G, R },                              /* Te 400 < 401: red, nothing taken */
    { 0, 400, G, Y },                              /* Te 400 -> 0 */
    { SIM_US(100), 100, G, G },                    /* Tc 100 -> 0 */
    /* 2000 us later C is full (at 2100 us), 300 more went to E */
    { SIM_US(2400), 2000, G, G },                  /* Tc 2000 -> 0 */
    { SIM_US(2400), 300, G, Y },                   /* Te 300 -> 0: the exact overflow */
    { SIM_US(2400), 1, G, R },
    { SIM_US(2401) - 1, 1, G, R },                 /* the next token comes at 2401 us */
    { SIM_US(2401), 1, G, G },
  };
  run_arrivals(&m, a, G_N_ELEMENTS(a), "srTCM blind");
}

/* colour-aware (RFC 2697 §3): only green packets use C; yellow ones go to
 * E; red stay red whatever the tokens */
Test(srtcm, color_aware_sequence)
{
  SimMeter m = srtcm(8000000, 1000, 1000, TRUE);
  const SimColor G = SIM_COLOR_GREEN, Y = SIM_COLOR_YELLOW, R = SIM_COLOR_RED;
  const Arrival a[] = {
    { 0, 500, Y, Y },  /* pre-yellow: Te 1000 -> 500, Tc untouched */
    { 0, 1000, G, G }, /* Tc 1000 -> 0 */
    { 0, 100, R, R },  /* pre-red: red though Te holds 500 */
    { 0, 500, G, Y },  /* Tc 0: Te 500 -> 0 */
    { 0, 1, G, R },
    { 0, 1, Y, R },
  };
  run_arrivals(&m, a, G_N_ELEMENTS(a), "srTCM aware");
}

/* ---- RFC 2698 two-rate three-colour marker ---------------------------------------------- */

static SimMeter
trtcm(gboolean aware)
{
  /* PIR 16 Mbit/s (2 bytes/us), PBS 2000, CIR 8 Mbit/s (1 byte/us), CBS 1000 */
  SimMeterConfig c = { SIM_METER_TRTCM, aware, 8000000, 1000, 0, 16000000, 2000 };
  cr_assert(sim_meter_config_check(&c, NULL));
  SimMeter m;
  sim_meter_init(&m, &c, 0);
  return m;
}

/* colour-blind (RFC 2698 §3): "Tp(t)-B < 0" red; else "Tc(t)-B < 0"
 * yellow (Tp taken); else green (both taken) */
Test(trtcm, color_blind_sequence)
{
  SimMeter m = trtcm(FALSE);
  const SimColor G = SIM_COLOR_GREEN, Y = SIM_COLOR_YELLOW, R = SIM_COLOR_RED;
  const Arrival a[] = {
    { 0, 1000, G, G },           /* Tp 2000 -> 1000, Tc 1000 -> 0 */
    { 0, 1000, G, Y },           /* Tp - B = 0 is not red; Tc 0: yellow, Tp 0 */
    { 0, 1, G, R },              /* Tp 0 */
    { SIM_US(250), 250, G, G },  /* Tp 500 -> 250, Tc 250 -> 0 */
    { SIM_US(250), 251, G, R },  /* Tp 250 < 251, nothing taken */
    { SIM_US(250), 250, G, Y },  /* Tp 250 -> 0 */
    { SIM_S(1), 2000, G, Y },    /* both full (capped): Tp 2000 ok, Tc 1000 < 2000 */
    { SIM_S(1), 1000, G, G },    /* Tp 0 < 1000 would be red: */
  };
  /* the last line checks Tp capped at PBS: after 1 s Tp is 2000, not 2e6;
   * so 2000 yellow leaves Tp 0 and the next packet is red */
  run_arrivals(&m, a, G_N_ELEMENTS(a) - 1, "trTCM blind");
  cr_assert_eq(sim_meter_color(&m, 1000, SIM_COLOR_GREEN, SIM_S(1)), SIM_COLOR_RED,
               "Tp must be capped at PBS");
}

Test(trtcm, color_aware_sequence)
{
  SimMeter m = trtcm(TRUE);
  const SimColor G = SIM_COLOR_GREEN, Y = SIM_COLOR_YELLOW, R = SIM_COLOR_RED;
  const Arrival a[] = {
    { 0, 1, R, R },       /* pre-red: red, nothing taken */
    { 0, 1000, Y, Y },    /* pre-yellow: yellow though Tc holds 1000; Tp 2000 -> 1000 */
    { 0, 1000, G, G },    /* Tc untouched by the yellow one: Tp 0, Tc 0 */
    { 0, 1, G, R },
    { SIM_US(1), 2, Y, Y }, /* Tp 2 -> 0 */
    { SIM_US(1), 1, G, R },
  };
  run_arrivals(&m, a, G_N_ELEMENTS(a), "trTCM aware");
}

Test(meter, configuration_errors)
{
  GError *e = NULL;
  SimMeterConfig s = { SIM_METER_SRTCM, FALSE, 1000000, 0, 0, 0, 0 };
  cr_assert_not(sim_meter_config_check(&s, &e));
  cr_assert(strstr(e->message, "RFC 2697"), "%s", e->message);
  g_clear_error(&e);
  s.ebs = 1;
  cr_assert(sim_meter_config_check(&s, NULL), "CBS 0 with EBS > 0 is allowed");
  SimMeterConfig t = { SIM_METER_TRTCM, FALSE, 2000000, 1500, 0, 1000000, 1500 };
  cr_assert_not(sim_meter_config_check(&t, &e));
  cr_assert(strstr(e->message, "PIR"), "%s", e->message);
  g_clear_error(&e);
  t.pir_bps = 2000000;
  t.pbs = 0;
  cr_assert_not(sim_meter_config_check(&t, NULL));
  t.pbs = 1;
  cr_assert(sim_meter_config_check(&t, NULL));
  cr_assert_eq(sim_meter_dscp_color(SIM_METER_AF(1, 1)), SIM_COLOR_GREEN);
  cr_assert_eq(sim_meter_dscp_color(SIM_METER_AF(2, 2)), SIM_COLOR_YELLOW);
  cr_assert_eq(sim_meter_dscp_color(SIM_METER_AF(4, 3)), SIM_COLOR_RED);
  cr_assert_eq(sim_meter_dscp_color(SIM_METER_EF), SIM_COLOR_GREEN);
  cr_assert_eq(sim_meter_dscp_color(0), SIM_COLOR_GREEN);
  cr_assert_eq(sim_meter_dscp_color(SIM_METER_AF(5, 3)), SIM_COLOR_GREEN, "not an AF class");
}

/* ---- policer --------------------------------------------------------------------------------- */

/* srTCM CIR 8 Mbit/s, CBS 1500, EBS 1500; three 1000-byte AF11 packets at
 * t = 0: green (kept as AF11), yellow (re-marked AF12, ECN kept), red
 * (dropped as police). */
Test(police, ipv6_remark_and_drop_counts)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimPoliceConfig c;
  sim_police_config_init(&c);
  c.meter = (SimMeterConfig){ SIM_METER_SRTCM, FALSE, 8000000, 1500, 1500, 0, 0 };
  SimQdisc *q = sim_qdisc_police_new(&c, NULL, NULL);
  cr_assert_not_null(q);
  const uint8_t tc = (uint8_t)(SIM_METER_AF(1, 1) << 2 | SIM_METER_ECN_ECT0);
  for (int i = 0; i < 3; i++)
    q->klass->enqueue(q, pkt6(pool, 1000, tc), 0);
  const SimMeterStats *st = sim_meter_stats(q);
  cr_assert_eq(st->colors[SIM_COLOR_GREEN], 1);
  cr_assert_eq(st->colors[SIM_COLOR_YELLOW], 1);
  cr_assert_eq(st->colors[SIM_COLOR_RED], 1);
  cr_assert_eq(st->police_drops, 1);
  cr_assert_eq(st->remarked, 1);
  cr_assert_eq(q->n_packets, 2);
  cr_assert_eq(q->n_bytes, 2000);
  SimPacket *p1 = q->klass->dequeue(q, 0), *p2 = q->klass->dequeue(q, 0);
  cr_assert_eq(tos_of(p1, FALSE), tc, "green kept: 0x%02x", tos_of(p1, FALSE));
  uint8_t want = (uint8_t)(SIM_METER_AF(1, 2) << 2 | SIM_METER_ECN_ECT0);
  cr_assert_eq(tos_of(p2, FALSE), want, "yellow: 0x%02x, expected AF12 + ECT(0) 0x%02x",
               tos_of(p2, FALSE), want);
  /* the flow label and version around the Traffic Class are intact */
  SimIp6Header h;
  cr_assert(sim_ip6_header_read(sim_packet_data(p2), 40, &h));
  cr_assert_eq(h.flow_label, 0);
  cr_assert_eq(h.payload_length, 960);
  cr_assert_null(q->klass->dequeue(q, 0));
  cr_assert_eq(st->sent, 2);
  sim_packet_free(p1);
  sim_packet_free(p2);
  sim_qdisc_free(q);
}

/* IPv4: yellow re-marked to a given DSCP (CS1 = 8) with ECN CE kept, the
 * header checksum updated incrementally and still valid; red passed when
 * its action is pass; colour-aware AF13 is red from the start. */
Test(police, ipv4_remark_to_dscp_checksum)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimPoliceConfig c;
  sim_police_config_init(&c);
  c.meter = (SimMeterConfig){ SIM_METER_TRTCM, TRUE, 8000000, 1000, 0, 16000000, 3000 };
  c.dscp[SIM_COLOR_YELLOW] = 8;
  c.action[SIM_COLOR_RED] = SIM_POLICE_REMARK;
  SimQdisc *q = sim_qdisc_police_new(&c, NULL, NULL);
  cr_assert_not_null(q);
  uint8_t af11 = (uint8_t)(SIM_METER_AF(1, 1) << 2 | SIM_METER_ECN_CE);
  uint8_t af13 = (uint8_t)(SIM_METER_AF(1, 3) << 2 | SIM_METER_ECN_ECT1);
  q->klass->enqueue(q, pkt4(pool, 1000, af11), 0); /* green */
  q->klass->enqueue(q, pkt4(pool, 1000, af11), 0); /* Tc 0: yellow -> CS1 */
  q->klass->enqueue(q, pkt4(pool, 500, af13), 0);  /* pre-red: red, remark AF13 = same */
  const SimMeterStats *st = sim_meter_stats(q);
  cr_assert_eq(st->colors[SIM_COLOR_GREEN], 1);
  cr_assert_eq(st->colors[SIM_COLOR_YELLOW], 1);
  cr_assert_eq(st->colors[SIM_COLOR_RED], 1);
  cr_assert_eq(st->remarked, 1, "AF13 red stays AF13: %" PRIu64, st->remarked);
  cr_assert_eq(st->police_drops, 0);
  uint8_t want[3] = { af11, (uint8_t)(8 << 2 | SIM_METER_ECN_CE), af13 };
  for (int i = 0; i < 3; i++) {
    SimPacket *p = q->klass->dequeue(q, 0);
    cr_assert_not_null(p);
    const uint8_t *b = sim_packet_data(p);
    cr_assert_eq(b[1], want[i], "packet %d: TOS 0x%02x, expected 0x%02x", i, b[1], want[i]);
    cr_assert_eq(sim_ip4_header_checksum(b, 20), 0, "packet %d: checksum broken", i);
    /* the same checksum as a header written from scratch */
    SimIp4Header h;
    cr_assert(sim_ip4_header_read(b, 20, &h));
    uint8_t fresh[20];
    sim_ip4_header_write(fresh, &h);
    cr_assert_eq(memcmp(fresh, b, 20), 0, "packet %d differs from a fresh header", i);
    sim_packet_free(p);
  }
  sim_qdisc_free(q);
}

/* tos helpers on Ethernet frames: the IP header behind 14 bytes */
Test(police, tos_behind_ethernet_header)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimPacket *p = pkt4(pool, 100, 0x28);
  uint8_t *e = sim_packet_push(p, 14);
  memset(e, 0, 12);
  e[12] = 0x08;
  e[13] = 0x00;
  cr_assert_eq(tos_of(p, TRUE), 0x28);
  uint8_t t;
  cr_assert_not(sim_meter_packet_tos(p, FALSE, &t), "an Ethernet frame is not raw IP");
  cr_assert(sim_meter_packet_set_tos(p, TRUE, 0xb9));
  cr_assert_eq(sim_packet_data(p)[15], 0xb9);
  cr_assert_eq(sim_ip4_header_checksum(sim_packet_data(p) + 14, 20), 0);
  e = sim_packet_data_writable(p);
  e[12] = 0x88; /* neither IPv4 nor IPv6 */
  e[13] = 0xcc;
  cr_assert_not(sim_meter_packet_tos(p, TRUE, &t));
  sim_packet_free(p);
}

/* On an Ethernet link the policer meters the IP packet, not the frame:
 * CBS 1000 holds a 1000-byte IPv6 packet exactly (green), though the frame
 * is 1014 bytes; the second is re-marked AF12 and the third dropped as
 * police at a's interface; packets are all accounted for. */
Test(police, ethernet_link_meters_ip_size)
{
  Pair t;
  pair_init(&t, SIM_FRAMING_ETHERNET, UINT64_C(1000000000), NULL);
  SimPoliceConfig c;
  sim_police_config_init(&c);
  c.meter = (SimMeterConfig){ SIM_METER_SRTCM, FALSE, 1000000, 1000, 1000, 0, 0 };
  SimQdisc *q = sim_qdisc_police_new(&c, NULL, NULL);
  sim_iface_set_qdisc(sim_link_end(t.l, 0), q);
  for (int i = 0; i < 3; i++)
    pair_send6(&t, 1000, SIM_METER_AF(2, 1) << 2);
  sim_run_until(t.ctx, SIM_MS(1));
  cr_assert_eq(t.arrivals->len, 2);
  cr_assert_eq(g_array_index(t.tos, uint8_t, 0) >> 2, SIM_METER_AF(2, 1));
  cr_assert_eq(g_array_index(t.tos, uint8_t, 1) >> 2, SIM_METER_AF(2, 2));
  cr_assert_eq(sim_node_drops(t.a, SIM_DROP_POLICE), 1);
  cr_assert_eq(sim_iface_stats(sim_link_end(t.l, 0))->drops[SIM_DROP_POLICE], 1);
  cr_assert_eq(sim_meter_stats(q)->colors[SIM_COLOR_GREEN], 1);
  pair_free(&t);
}

/* ---- RED -------------------------------------------------------------------------------------- */

static SimQdisc *
red_new(double min, double max, double max_p, double w, gboolean ecn, gboolean gentle,
        uint32_t seed)
{
  SimRedConfig c;
  sim_red_config_init(&c);
  c.min_th = min;
  c.max_th = max;
  c.max_p = max_p;
  c.weight = w;
  c.ecn = ecn;
  c.gentle = gentle;
  SimQdisc *q = sim_qdisc_red_new(&c, NULL);
  cr_assert_not_null(q);
  SimRng rng;
  sim_rng_init(&rng, seed, 0, 7, SIM_METER_RED_STREAM);
  sim_qdisc_red_set_rng(q, &rng);
  return q;
}

/* Fills @q (no dequeues) until it holds @n packets, with Traffic Class
 * @tc (ECT packets pass early drops as marks when ECN is on). */
static void
red_fill_tc(SimQdisc *q, SimPacketPool *pool, uint32_t n, uint8_t tc)
{
  for (int guard = 0; q->n_packets < n; guard++) {
    cr_assert_lt(guard, 100000, "stuck at %u packets, avg %g", q->n_packets, sim_qdisc_red_average(q));
    q->klass->enqueue(q, pkt6(pool, 100, tc), 0);
  }
}

static void
red_fill(SimQdisc *q, SimPacketPool *pool, uint32_t n)
{
  red_fill_tc(q, pool, n, 0);
}

/* One arrival with the queue held at its length: TRUE if it was kept
 * (then one packet leaves, so the length stays), with @tc. */
static bool
red_step(SimQdisc *q, SimPacketPool *pool, uint8_t tc, SimPacket **kept)
{
  uint32_t before = q->n_packets;
  q->klass->enqueue(q, pkt6(pool, 100, tc), 0);
  if (q->n_packets == before)
    return false;
  SimPacket *p = q->klass->dequeue(q, 0);
  if (kept)
    *kept = p; /* the oldest, not this one: callers only count */
  else
    sim_packet_free(p);
  return true;
}

Test(red, no_drops_below_min_th)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(5, 15, 0.1, 1.0, FALSE, FALSE, 1);
  red_fill(q, pool, 4);
  for (int i = 0; i < 20000; i++)
    cr_assert(red_step(q, pool, 0, NULL), "arrival %d dropped at avg %g", i, sim_qdisc_red_average(q));
  const SimMeterStats *st = sim_meter_stats(q);
  cr_assert_eq(st->early_drops + st->forced_drops, 0);
  sim_qdisc_free(q);
}

/* non-gentle: with the average at max_th every arrival is a forced drop,
 * ECN-capable or not; gentle: between max_th and 2 max_th some pass, at
 * 2 max_th none */
Test(red, all_dropped_above_max_th)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(5, 15, 0.1, 1.0, TRUE, FALSE, 1);
  red_fill_tc(q, pool, 15, SIM_METER_ECN_ECT0);
  const SimMeterStats *st = sim_meter_stats(q);
  uint64_t forced0 = st->forced_drops;
  for (int i = 0; i < 1000; i++)
    q->klass->enqueue(q, pkt6(pool, 100, i % 2 ? SIM_METER_ECN_ECT0 : 0), 0);
  cr_assert_eq(st->forced_drops - forced0, 1000, "forced %" PRIu64, st->forced_drops - forced0);
  cr_assert_eq(q->n_packets, 15);
  cr_assert_eq(st->ecn_marks, 0);
  sim_qdisc_free(q);

  q = red_new(5, 15, 0.1, 1.0, TRUE, TRUE, 1);
  red_fill_tc(q, pool, 20, SIM_METER_ECN_ECT0); /* avg 20: pb = 0.1 + 0.9 x 5 / 15 = 0.4 */
  st = sim_meter_stats(q);
  uint64_t kept = 0;
  for (int i = 0; i < 1000; i++)
    kept += red_step(q, pool, 0, NULL);
  /* after a drop count = 1: pa = 0.4 / 0.6, then count 2 makes it certain:
   * gaps 1 and 2 with P 2/3 and 1/3, so 1 kept per 4/3 arrivals (25 %) */
  cr_assert(kept > 200 && kept < 300, "gentle at 20: kept %" PRIu64, kept);
  red_fill_tc(q, pool, 30, SIM_METER_ECN_ECT1);
  forced0 = st->forced_drops;
  for (int i = 0; i < 500; i++)
    cr_assert_not(red_step(q, pool, 0, NULL));
  cr_assert_eq(st->forced_drops - forced0, 500);
  sim_qdisc_free(q);
}

/* the average after n arrivals to a queue that only grows (arrival k sees
 * k packets) is sum_k wq (1 - wq)^(n-1-k) k */
Test(red, ewma_closed_form)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  const double w = 0.125;
  SimQdisc *q = red_new(500, 1000, 0.1, w, FALSE, FALSE, 1);
  for (int n = 1; n <= 200; n++) {
    q->klass->enqueue(q, pkt6(pool, 100, 0), 0);
    double want = 0;
    for (int k = 0; k < n; k++)
      want += w * pow(1 - w, n - 1 - k) * k;
    double got = sim_qdisc_red_average(q);
    cr_assert(fabs(got - want) <= 1e-9 * (1 + want), "after %d: avg %.12g, expected %.12g", n, got,
              want);
  }
  cr_assert_eq(q->n_packets, 200);
  sim_qdisc_free(q);
}

/* idle decay (Floyd & Jacobson §4): after an empty queue for 40 us on a
 * 1 Gbit/s interface, m = 40 us / (500 bytes at 1 Gbit/s = 4 us) = 10
 * small packets: avg x (1 - wq)^10 */
Test(red, ewma_decays_while_idle)
{
  Pair t;
  pair_init(&t, SIM_FRAMING_NONE, UINT64_C(1000000000), NULL);
  SimRedConfig c;
  sim_red_config_init(&c);
  c.weight = 0.5;
  SimQdisc *q = sim_qdisc_red_new(&c, NULL);
  SimIface *ifc = sim_link_end(t.l, 0);
  sim_iface_set_qdisc(ifc, q);
  for (int i = 0; i < 3; i++) {
    SimPacket *p = pkt6(sim_net_pool(t.net), 100, 0);
    sim_net_packet_created(t.net, p);
    q->klass->enqueue(q, p, 0); /* avg 0, 0.5, 1.25 */
  }
  cr_assert(fabs(sim_qdisc_red_average(q) - 1.25) < 1e-12, "%g", sim_qdisc_red_average(q));
  for (int i = 0; i < 3; i++)
    sim_net_packet_delivered(t.net, q->klass->dequeue(q, 0));
  SimPacket *p = pkt6(sim_net_pool(t.net), 100, 0);
  sim_net_packet_created(t.net, p);
  q->klass->enqueue(q, p, SIM_US(40));
  double want = 1.25 * pow(0.5, 10);
  cr_assert(fabs(sim_qdisc_red_average(q) - want) < 1e-12, "avg %.12g, expected %.12g",
            sim_qdisc_red_average(q), want);
  sim_net_packet_delivered(t.net, q->klass->dequeue(q, SIM_US(40)));
  pair_free(&t);
}

/* Held at 10 packets between min_th 5 and max_th 15 (wq 1), pb = 0.05: the
 * count-based spacing makes the gaps between drops uniform on 1..19
 * (P = pb / (1 - pb) each), so 10 % of arrivals are dropped (not pb = 5 %)
 * and no gap exceeds 19. 100 000 arrivals: about 10 000 +- 55 drops. */
Test(red, drop_probability_between_thresholds)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(5, 15, 0.1, 1.0, FALSE, FALSE, 42);
  red_fill(q, pool, 10);
  uint64_t drops0 = sim_meter_stats(q)->early_drops;
  int gap = 0, max_gap = 0;
  uint64_t drops = 0;
  for (int i = 0; i < 100000; i++) {
    gap++;
    if (!red_step(q, pool, 0, NULL)) {
      drops++;
      if (drops > 1 && gap > max_gap)
        max_gap = gap;
      gap = 0;
    }
  }
  cr_assert_eq(sim_meter_stats(q)->early_drops - drops0, drops);
  cr_assert(drops > 9500 && drops < 10500, "drops %" PRIu64 ", expected about 10000", drops);
  cr_assert(max_gap <= 19, "a gap of %d packets between drops (at most 1/pb - 1 = 19)", max_gap);
  cr_assert(max_gap >= 17, "gaps should reach 19, longest %d", max_gap);
  sim_qdisc_free(q);
}

/* ECN (RFC 3168 §5-6): ECT(0)/ECT(1) get CE instead of an early drop; non-ECT
 * packets are dropped; IPv4 checksums follow */
Test(red, ecn_marks_instead_of_drops)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(5, 15, 0.1, 1.0, TRUE, FALSE, 3);
  red_fill(q, pool, 10);
  const SimMeterStats *st = sim_meter_stats(q);
  uint64_t e0 = st->early_drops;
  uint64_t ce = 0;
  for (int i = 0; i < 20010; i++) {
    if (i < 20000) {
      uint8_t ecn = i % 2 ? SIM_METER_ECN_ECT0 : SIM_METER_ECN_ECT1;
      SimPacket *p = i % 4 < 2 ? pkt6(pool, 100, (uint8_t)(10 << 2 | ecn))
                               : pkt4(pool, 100, (uint8_t)(10 << 2 | ecn));
      q->klass->enqueue(q, p, 0);
      cr_assert_eq(q->n_packets, 11, "an ECT packet was dropped");
    }
    /* every packet leaves: the CE ones are exactly the marked ones */
    SimPacket *out = q->klass->dequeue(q, 0);
    uint8_t t = tos_of(out, FALSE);
    if (i >= 10) {
      cr_assert_eq(t >> 2, 10, "DSCP kept");
      ce += (t & 3) == SIM_METER_ECN_CE;
      if ((sim_packet_data(out)[0] >> 4) == 4)
        cr_assert_eq(sim_ip4_header_checksum(sim_packet_data(out), 20), 0, "IPv4 checksum");
    }
    sim_packet_free(out);
  }
  cr_assert_eq(q->n_packets, 0);
  cr_assert_eq(st->early_drops, e0);
  cr_assert_eq(ce, st->ecn_marks, "CE on %" PRIu64 " packets, %" PRIu64 " marks", ce, st->ecn_marks);
  cr_assert(st->ecn_marks > 1500 && st->ecn_marks < 2500, "marks %" PRIu64, st->ecn_marks);
  /* non-ECT with ECN on: dropped */
  red_fill(q, pool, 10);
  uint64_t m0 = st->ecn_marks;
  for (int i = 0; i < 2000; i++)
    red_step(q, pool, 10 << 2, NULL);
  cr_assert(st->early_drops > e0 + 100, "non-ECT early drops %" PRIu64, st->early_drops - e0);
  cr_assert_eq(st->ecn_marks, m0);
  sim_qdisc_free(q);
}

/* every marked packet carries CE with its DSCP, in IPv6 and in IPv4 (with
 * a valid checksum); unmarked ones keep their ECT codepoint */
Test(red, ce_codepoint_on_the_packets)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(0, 1, 1.0, 1.0, TRUE, TRUE, 3); /* avg 1..2: gentle, pb >= max_p = 1 */
  q->klass->enqueue(q, pkt6(pool, 100, 0), 0);            /* avg 0 < min? min 0: count, pb 0 */
  q->klass->enqueue(q, pkt6(pool, 100, 46 << 2 | SIM_METER_ECN_ECT1), 0); /* avg 1: marked */
  q->klass->enqueue(q, pkt4(pool, 100, 46 << 2 | SIM_METER_ECN_ECT0), 0); /* avg 2 = 2 max: forced */
  cr_assert_eq(q->n_packets, 2);
  const SimMeterStats *st = sim_meter_stats(q);
  cr_assert_eq(st->ecn_marks, 1);
  cr_assert_eq(st->forced_drops, 1, "ECT packets are dropped by forced drops");
  sim_packet_free(q->klass->dequeue(q, 0));
  SimPacket *p = q->klass->dequeue(q, 0);
  cr_assert_eq(tos_of(p, FALSE), 46 << 2 | SIM_METER_ECN_CE);
  sim_packet_free(p);
  /* IPv4 marked (a fresh queue: detached, this one's average never decays) */
  sim_qdisc_free(q);
  q = red_new(0, 1, 1.0, 1.0, TRUE, TRUE, 3);
  q->klass->enqueue(q, pkt6(pool, 100, 0), 0);
  q->klass->enqueue(q, pkt4(pool, 100, 46 << 2 | SIM_METER_ECN_ECT0), 0);
  cr_assert_eq(q->n_packets, 2);
  sim_packet_free(q->klass->dequeue(q, 0));
  p = q->klass->dequeue(q, 0);
  cr_assert_eq(sim_packet_data(p)[1], 46 << 2 | SIM_METER_ECN_CE);
  cr_assert_eq(sim_ip4_header_checksum(sim_packet_data(p), 20), 0);
  sim_packet_free(p);
  sim_qdisc_free(q);
}

static GString *
red_pattern(uint32_t seed)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimQdisc *q = red_new(5, 15, 0.2, 1.0, FALSE, FALSE, seed);
  red_fill(q, pool, 9);
  GString *s = g_string_new(NULL);
  for (int i = 0; i < 5000; i++)
    g_string_append_c(s, red_step(q, pool, 0, NULL) ? '.' : 'x');
  sim_qdisc_free(q);
  return s;
}

Test(red, same_seed_same_drops)
{
  GString *a = red_pattern(5), *b = red_pattern(5), *c = red_pattern(6);
  cr_assert_str_eq(a->str, b->str, "same seed, different drops");
  cr_assert_str_neq(a->str, c->str, "another seed should drop other packets");
  g_string_free(a, TRUE);
  g_string_free(b, TRUE);
  g_string_free(c, TRUE);
}

/* ---- network level: RED on a bottleneck, same seed twice ------------------------------------------ */

typedef struct {
  uint64_t delivered, early, forced, marks;
  GString *order; /* arrival times at b */
} NetOutcome;

static void
burst_event(SimContext *ctx, void *obj, SimEventArg arg)
{
  (void)ctx;
  for (uint64_t i = 0; i < arg.u64; i++)
    pair_send6(obj, 1000, i % 3 == 0 ? SIM_METER_ECN_ECT0 : 0);
}

static NetOutcome
red_network(uint32_t seed)
{
  SimContextConfig cc = { SIM_QUEUE_HEAP, seed, 0 };
  Pair t;
  pair_init(&t, SIM_FRAMING_PPP, UINT64_C(100000000), &cc);
  SimRedConfig c;
  sim_red_config_init(&c);
  c.weight = 0.05;
  c.ecn = TRUE;
  c.limit = 60;
  SimQdisc *q = sim_qdisc_red_new(&c, NULL);
  sim_iface_set_qdisc(sim_link_end(t.l, 0), q);
  /* bursts of 30 every 1.5 ms on a 100 Mbit/s line (80 us per packet) */
  for (int i = 0; i < 200; i++)
    sim_schedule_at(t.ctx, (SimTime)i * SIM_US(1500), sim_node_entity(t.a), burst_event, &t,
                    SIM_ARG_U64(30));
  sim_run_until(t.ctx, SIM_S(1));
  const SimMeterStats *st = sim_meter_stats(q);
  NetOutcome o = { t.arrivals->len, st->early_drops, st->forced_drops, st->ecn_marks,
                   g_string_new(NULL) };
  for (guint i = 0; i < t.arrivals->len; i++)
    g_string_append_printf(o.order, "%" PRId64 ",", g_array_index(t.arrivals, SimTime, i));
  cr_assert_eq(st->arrivals, 6000);
  cr_assert_eq(st->arrivals, st->sent + st->early_drops + st->forced_drops);
  cr_assert_eq(sim_node_drops(t.a, SIM_DROP_RED_EARLY), st->early_drops);
  cr_assert_eq(sim_node_drops(t.a, SIM_DROP_RED_FORCED) + sim_node_drops(t.a, SIM_DROP_QUEUE_FULL),
               st->forced_drops);
  pair_free(&t);
  return o;
}

Test(red, network_run_is_reproducible_and_conserves_packets)
{
  NetOutcome a = red_network(11), b = red_network(11), c = red_network(12);
  cr_assert(a.early + a.forced > 0, "the bursts must trigger RED");
  cr_assert(a.marks > 0, "ECT packets must be marked");
  cr_assert_eq(a.delivered, b.delivered);
  cr_assert_eq(a.early, b.early);
  cr_assert_eq(a.marks, b.marks);
  cr_assert_str_eq(a.order->str, b.order->str, "same seed, different departures");
  cr_assert(strcmp(a.order->str, c.order->str) != 0 || a.early != c.early,
            "another seed should change something");
  g_string_free(a.order, TRUE);
  g_string_free(b.order, TRUE);
  g_string_free(c.order, TRUE);
}

Test(red, bad_configuration_errors)
{
  SimRedConfig c;
  sim_red_config_init(&c);
  c.min_th = 20;
  GError *e = NULL;
  cr_assert_null(sim_qdisc_red_new(&c, &e));
  cr_assert(strstr(e->message, "min < max"), "%s", e->message);
  g_clear_error(&e);
  sim_red_config_init(&c);
  c.weight = 0;
  cr_assert_null(sim_qdisc_red_new(&c, &e));
  cr_assert(strstr(e->message, "weight"), "%s", e->message);
  g_clear_error(&e);
}

/* ---- scenario files ------------------------------------------------------------------------------- */

static const char scenario_head[] = "[simulation]\n"          /* 1 */
                                    "duration = 20ms\n"       /* 2 */
                                    "seed = 1\n"              /* 3 */
                                    "[node a]\n"              /* 4 */
                                    "type = host\n"           /* 5 */
                                    "[node b]\n"              /* 6 */
                                    "type = host\n"           /* 7 */
                                    "[flow bulk]\n"           /* 8 */
                                    "src = a\ndst = b\n"      /* 9, 10 */
                                    "app = cbr\nrate = 4000pps\n" /* 11, 12 */
                                    "size = 1000B\n"          /* 13 */
                                    "traffic_class = 2\n"     /* 14: ECT(0) */
                                    "[link ab]\n"             /* 15 */
                                    "a = a\nb = b\n"          /* 16, 17 */
                                    "rate = 20Mbps\n"         /* 18 */
                                    "delay = 100us\n";        /* 19 */

static SimRegistry *
registry(void)
{
  SimRegistry *reg = sim_net_registry_new();
  for (size_t i = 0; i < sim__qos_meter_n_types; i++)
    if (!sim_registry_lookup(reg, sim__qos_meter_types[i].info.name))
      cr_assert(sim_net_registry_add_qdisc(reg, &sim__qos_meter_types[i], NULL));
  return reg;
}

static SimNetRun *
build(const char *queue, GError **error)
{
  g_autofree char *text = g_strconcat(scenario_head, queue, NULL);
  SimScenario *sc = sim_scenario_load_data("meter.ini", text, -1, error);
  cr_assert_not_null(sc, "%s", *error ? (*error)->message : "");
  SimRegistry *reg = registry();
  SimNetRun *run = sim_net_build(sc, reg, NULL, error);
  if (run)
    sim_run_until(sim_net_run_context(run), sim_net_run_end(run));
  sim_registry_free(reg);
  sim_scenario_free(sc);
  return run;
}

static SimQdisc *
link_qdisc(SimNetRun *run)
{
  SimNet *net = sim_net_run_net(run);
  return sim_iface_qdisc(sim_link_end(sim_net_link(net, 0), 0));
}

/* 32 Mbit/s offered to each queue on a 20 Mbit/s line */
Test(scenario, shaper_police_red_from_files)
{
  GError *error = NULL;
  SimNetRun *run = build("queue = shaper\nqueue_rate = 4Mbps\nqueue_burst = 2000B\n"
                         "queue_packets = 50\n",
                         &error);
  cr_assert_not_null(run, "%s", error ? error->message : "");
  SimQdisc *q = link_qdisc(run);
  cr_assert_eq(q->klass, &sim_qdisc_shaper_class, "%s", q->klass->name);
  const SimMeterStats *st = sim_meter_stats(q);
  /* 20 ms at 4 Mbit/s = 10 000 bytes + 2 000 of burst: 12 packets of 1000 B
   * (IPv6 + UDP headers included in the 1000-byte size or not, at most 13) */
  cr_assert(st->sent >= 10 && st->sent <= 13, "shaper sent %" PRIu64, st->sent);
  cr_assert(sim_net_check_conservation(sim_net_run_net(run), NULL));
  sim_net_run_free(run);

  run = build("queue = police\nqueue_mode = trtcm\nqueue_cir = 4Mbps\nqueue_pir = 8Mbps\n"
              "queue_yellow = drop\n",
              &error);
  cr_assert_not_null(run, "%s", error ? error->message : "");
  q = link_qdisc(run);
  cr_assert_eq(q->klass, &sim_qdisc_police_class);
  st = sim_meter_stats(q);
  cr_assert(st->colors[SIM_COLOR_GREEN] > 0 && st->colors[SIM_COLOR_YELLOW] > 0 &&
              st->colors[SIM_COLOR_RED] > 0,
            "colours %" PRIu64 "/%" PRIu64 "/%" PRIu64, st->colors[0], st->colors[1], st->colors[2]);
  cr_assert_eq(st->police_drops, st->colors[SIM_COLOR_YELLOW] + st->colors[SIM_COLOR_RED]);
  cr_assert(sim_net_check_conservation(sim_net_run_net(run), NULL));
  sim_net_run_free(run);

  run = build("queue = red\nqueue_min = 3\nqueue_max = 9\nqueue_max_p = 0.2\n"
              "queue_weight = 0.1\nqueue_packets = 30\nqueue_ecn = true\nqueue_gentle = true\n",
              &error);
  cr_assert_not_null(run, "%s", error ? error->message : "");
  q = link_qdisc(run);
  cr_assert_eq(q->klass, &sim_qdisc_red_class);
  st = sim_meter_stats(q);
  cr_assert(st->ecn_marks > 0, "ECT(0) flow: marks %" PRIu64, st->ecn_marks);
  cr_assert(sim_net_check_conservation(sim_net_run_net(run), NULL));
  sim_net_run_free(run);
}

static void
build_fails(const char *queue, const char *needle)
{
  GError *error = NULL;
  SimNetRun *run = build(queue, &error);
  cr_assert_null(run, "%s should fail", queue);
  cr_assert(strstr(error->message, needle), "%s: '%s' lacks '%s'", queue, error->message, needle);
  g_error_free(error);
}

Test(scenario, bad_parameters_are_clear_errors)
{
  build_fails("queue = red\nqueue_min = 10\nqueue_max = 5\n", "meter.ini:15");
  build_fails("queue = red\nqueue_min = 10\nqueue_max = 5\n", "queue_min");
  build_fails("queue = red\nqueue_weight = 0\n", "queue_weight");
  build_fails("queue = police\nqueue_mode = trtcm\nqueue_cir = 4Mbps\n", "queue_pir");
  build_fails("queue = police\nqueue_mode = trtcm\nqueue_cir = 4Mbps\nqueue_pir = 1Mbps\n",
              "RFC 2698");
  build_fails("queue = police\nqueue_cir = 1Mbps\nqueue_cbs = 0B\nqueue_ebs = 0B\n", "RFC 2697");
  build_fails("queue = police\nqueue_cir = 1Mbps\nqueue_yellow = maybe\n", "yellow");
  build_fails("queue = shaper\nqueue_burst = 1000B\n", "rate");
}
