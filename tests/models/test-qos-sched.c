/* test-qos-sched.c - the QoS classifier, DSCP marking and the schedulers
 * (strict priority, DRR, WFQ, hierarchies, children that are not ready),
 * their counters, and their scenario types.
 *
 * Packets are built as bytes: an IPv6 or IPv4 header, optional IPv6
 * extension headers and a UDP header, with a virtual payload making up the
 * requested size. Schedulers run detached from any interface: dropped
 * packets are freed, and the pool must be empty at the end of each test.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "classifier.h"
#include "ip4.h"
#include "ip6.h"
#include "netscenario.h"
#include "scheduler.h"
#include "simcontext.h"
#include "simscenario.h"

/* ---- packet builders ----------------------------------------------------------------------------- */

typedef struct {
  uint8_t dscp, ecn;
  uint32_t flow_label;
  const char *src, *dst;
  const uint8_t *ext; /* extension headers, their first next-header byte is patched */
  size_t ext_len;
  uint8_t first_nh; /* next header of the fixed header when ext is set */
  uint8_t proto;    /* upper layer after the extension headers */
  uint16_t sport, dport;
  size_t size; /* total length (virtual payload fills up) */
} P6;

static SimPacket *
pkt6(SimPacketPool *pool, const P6 *a)
{
  uint8_t b[256] = { 0 };
  SimIp6Header h = { 0 };
  h.traffic_class = (uint8_t)(a->dscp << 2 | a->ecn);
  h.flow_label = a->flow_label;
  h.next_header = a->ext_len ? a->first_nh : (a->proto ? a->proto : SIM_IPPROTO_UDP);
  h.hop_limit = 64;
  cr_assert(sim_ip6_addr_parse(a->src ? a->src : "2001:db8:1::1", &h.src, NULL));
  cr_assert(sim_ip6_addr_parse(a->dst ? a->dst : "2001:db8:2::1", &h.dst, NULL));
  size_t off = SIM_IP6_HEADER_LEN;
  if (a->ext_len)
    memcpy(b + off, a->ext, a->ext_len);
  off += a->ext_len;
  b[off] = (uint8_t)(a->sport >> 8);
  b[off + 1] = (uint8_t)a->sport;
  b[off + 2] = (uint8_t)(a->dport >> 8);
  b[off + 3] = (uint8_t)a->dport;
  off += 8;
  size_t size = a->size > off ? a->size : off;
  h.payload_length = (uint16_t)(size - SIM_IP6_HEADER_LEN);
  sim_ip6_header_write(b, &h);
  return sim_packet_new_from_bytes(pool, 64, b, off, size - off);
}

static SimPacket *
pkt4(SimPacketPool *pool, uint8_t dscp, const char *src, const char *dst, uint8_t proto,
     uint16_t sport, uint16_t dport)
{
  uint8_t b[28] = { 0 };
  SimIp4Header h = { .tos = (uint8_t)(dscp << 2 | 1), .total_length = 28, .ttl = 64,
                     .protocol = proto, .header_length = 20 };
  cr_assert(sim_ip4_addr_parse(src, &h.src, NULL));
  cr_assert(sim_ip4_addr_parse(dst, &h.dst, NULL));
  sim_ip4_header_write(b, &h);
  b[20] = (uint8_t)(sport >> 8);
  b[21] = (uint8_t)sport;
  b[22] = (uint8_t)(dport >> 8);
  b[23] = (uint8_t)dport;
  return sim_packet_new_from_bytes(pool, 64, b, sizeof b, 0);
}

/* A packet of @size bytes whose class travels in its metadata (mark). */
static SimPacket *
sized(SimPacketPool *pool, uint32_t mark, size_t size)
{
  P6 a = { .size = size };
  SimPacket *p = pkt6(pool, &a);
  sim_packet_meta(p)->mark = mark;
  return p;
}

static uint32_t
by_mark(const SimPacket *p, void *data)
{
  (void)data;
  return sim_packet_meta_const(p)->mark;
}

static uint32_t
by_nrp(const SimPacket *p, void *data)
{
  (void)data;
  return sim_packet_meta_const(p)->nrp_id;
}

static SimIp6Prefix
pfx(const char *s)
{
  SimIp6Prefix p;
  cr_assert(sim_ip6_prefix_parse(s, &p, FALSE, NULL), "%s", s);
  return p;
}

static uint32_t
classify1(const SimClassifierRule *r, SimPacket *p)
{
  SimClassifier *c = sim_classifier_new(99);
  sim_classifier_add_rule(c, r);
  uint32_t k = sim_classifier_classify(c, p, 0);
  sim_classifier_free(c);
  return k;
}

/* ---- classifier ---------------------------------------------------------------------------------- */

Test(classifier, each_ipv6_field)
{
  SimPacketPool *pool = sim_packet_pool_new();
  P6 a = { .dscp = 46, .ecn = 1, .flow_label = 0xabcde, .src = "2001:db8:1::5",
           .dst = "2001:db8:2::7", .sport = 4000, .dport = 5001, .size = 200 };
  SimPacket *p = pkt6(pool, &a);
  struct {
    SimClassifierRule hit, miss;
  } cases[] = {
    { { .fields = SIM_CLASSIFIER_DSCP, .dscp_set = UINT64_C(1) << 46 | 1, .klass = 1 },
      { .fields = SIM_CLASSIFIER_DSCP, .dscp_set = UINT64_C(1) << 34, .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_ECN, .ecn = 1, .klass = 1 },
      { .fields = SIM_CLASSIFIER_ECN, .ecn = 2, .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_FLOW_LABEL, .flow_label = 0xab000, .flow_label_mask = 0xff000,
        .klass = 1 },
      { .fields = SIM_CLASSIFIER_FLOW_LABEL, .flow_label = 0xac000, .flow_label_mask = 0xff000,
        .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_SRC, .src = pfx("2001:db8:1::/48"), .klass = 1 },
      { .fields = SIM_CLASSIFIER_SRC, .src = pfx("2001:db8:2::/48"), .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_DST, .dst = pfx("2001:db8:2::6/127"), .klass = 1 },
      { .fields = SIM_CLASSIFIER_DST, .dst = pfx("2001:db8:2::4/127"), .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_PROTOCOL, .protocol = SIM_IPPROTO_UDP, .klass = 1 },
      { .fields = SIM_CLASSIFIER_PROTOCOL, .protocol = SIM_IPPROTO_TCP, .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_SPORT, .sport_lo = 4000, .sport_hi = 4000, .klass = 1 },
      { .fields = SIM_CLASSIFIER_SPORT, .sport_lo = 4001, .sport_hi = 65535, .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_DPORT, .dport_lo = 5000, .dport_hi = 5010, .klass = 1 },
      { .fields = SIM_CLASSIFIER_DPORT, .dport_lo = 1, .dport_hi = 5000, .klass = 1 } },
    { { .fields = SIM_CLASSIFIER_DSCP | SIM_CLASSIFIER_DPORT, .dscp_set = UINT64_C(1) << 46,
        .dport_lo = 5001, .dport_hi = 5001, .klass = 1 },
      { .fields = SIM_CLASSIFIER_DSCP | SIM_CLASSIFIER_DPORT, .dscp_set = UINT64_C(1) << 46,
        .dport_lo = 5002, .dport_hi = 5002, .klass = 1 } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    uint32_t k = classify1(&cases[i].hit, p);
    cr_assert_eq(k, 1, "case %zu: the matching rule gave %u", i, k);
    k = classify1(&cases[i].miss, p);
    cr_assert_eq(k, 99, "case %zu: the other rule gave %u, not the default", i, k);
  }
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

Test(classifier, ipv4_fields_through_mapped_prefixes)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = pkt4(pool, 26, "192.0.2.10", "198.51.100.1", SIM_IPPROTO_TCP, 1234, 80);
  SimClassifierRule hit[] = {
    { .fields = SIM_CLASSIFIER_SRC, .src = pfx("::ffff:192.0.2.0/120"), .klass = 1 },
    { .fields = SIM_CLASSIFIER_DST, .dst = pfx("::ffff:198.51.100.0/121"), .klass = 1 },
    { .fields = SIM_CLASSIFIER_DSCP, .dscp_set = UINT64_C(1) << 26, .klass = 1 },
    { .fields = SIM_CLASSIFIER_ECN, .ecn = 1, .klass = 1 },
    { .fields = SIM_CLASSIFIER_PROTOCOL | SIM_CLASSIFIER_DPORT | SIM_CLASSIFIER_SPORT,
      .protocol = SIM_IPPROTO_TCP, .dport_lo = 80, .dport_hi = 80, .sport_lo = 1024,
      .sport_hi = 65535, .klass = 1 },
  };
  SimClassifierRule miss[] = {
    { .fields = SIM_CLASSIFIER_SRC, .src = pfx("::ffff:192.0.3.0/120"), .klass = 1 },
    { .fields = SIM_CLASSIFIER_SRC, .src = pfx("2001:db8::/32"), .klass = 1 },
    { .fields = SIM_CLASSIFIER_PROTOCOL, .protocol = SIM_IPPROTO_UDP, .klass = 1 },
    { .fields = SIM_CLASSIFIER_FLOW_LABEL, .flow_label = 1, .flow_label_mask = 1, .klass = 1 },
    { .fields = SIM_CLASSIFIER_FLOW_LABEL, .flow_label = 0, .flow_label_mask = 0, .klass = 1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(hit); i++)
    cr_assert_eq(classify1(&hit[i], p), 1, "IPv4 rule %zu should match", i);
  for (size_t i = 0; i < G_N_ELEMENTS(miss); i++)
    cr_assert_eq(classify1(&miss[i], p), 99, "IPv4 rule %zu should not match", i);
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

/* Hop-by-Hop (with the NRP option after a PadN), Routing, Destination
 * Options and a first Fragment header before UDP. */
Test(classifier, extension_header_walk_and_nrp_option)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const uint8_t ext[] = {
    SIM_IPPROTO_ROUTING, 1, 1, 2, 0, 0, 0x3e, 4, 0, 0, 0x12, 0x34, 0, 0, 0, 0, /* HBH, 16 B */
    SIM_IPPROTO_DSTOPTS, 0, 0, 0, 0, 0, 0, 0,                                  /* Routing, 8 B */
    SIM_IPPROTO_FRAGMENT, 0, 1, 4, 0, 0, 0, 0,                                 /* DstOpts (PadN) */
    SIM_IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 7,                                      /* Fragment, M=1 */
  };
  P6 a = { .ext = ext, .ext_len = sizeof ext, .first_nh = SIM_IPPROTO_HOPOPTS, .sport = 7,
           .dport = 53, .size = 300 };
  SimPacket *p = pkt6(pool, &a);
  SimClassifierRule udp53 = { .fields = SIM_CLASSIFIER_PROTOCOL | SIM_CLASSIFIER_DPORT,
                              .protocol = SIM_IPPROTO_UDP, .dport_lo = 53, .dport_hi = 53,
                              .klass = 1 };
  cr_assert_eq(classify1(&udp53, p), 1, "UDP found after four extension headers");
  SimClassifierRule nrp = { .fields = SIM_CLASSIFIER_NRP, .nrp_id = 0x1234, .klass = 2 };
  cr_assert_eq(classify1(&nrp, p), 2, "NRP ID 0x1234 in the Hop-by-Hop option 0x3E");
  nrp.nrp_id = 0x1235;
  cr_assert_eq(classify1(&nrp, p), 99, "another NRP ID");
  nrp.nrp_id = 0x1234;
  SimClassifier *c = sim_classifier_new(99);
  sim_classifier_add_rule(c, &nrp);
  sim_classifier_set_nrp_option_type(c, 0x1e);
  cr_assert_eq(sim_classifier_classify(c, p, 0), 99, "option type 0x1E is not in the packet");
  sim_classifier_free(c);
  sim_packet_free(p);

  /* a later fragment has no UDP header: protocol matches, ports do not */
  uint8_t frag[] = { SIM_IPPROTO_UDP, 0, 0x05, 0x00, 0, 0, 0, 7 };
  P6 f = { .ext = frag, .ext_len = sizeof frag, .first_nh = SIM_IPPROTO_FRAGMENT, .dport = 53 };
  p = pkt6(pool, &f);
  cr_assert_eq(classify1(&udp53, p), 99, "no ports in a non-first fragment");
  SimClassifierRule proto = { .fields = SIM_CLASSIFIER_PROTOCOL, .protocol = SIM_IPPROTO_UDP,
                              .klass = 1 };
  cr_assert_eq(classify1(&proto, p), 1);
  sim_packet_free(p);

  /* a Hop-by-Hop header running past the real bytes: no protocol, no NRP */
  uint8_t trunc[] = { SIM_IPPROTO_UDP, 9, 1, 0, 0, 0, 0, 0 };
  P6 t = { .ext = trunc, .ext_len = sizeof trunc, .first_nh = SIM_IPPROTO_HOPOPTS };
  p = pkt6(pool, &t);
  cr_assert_eq(classify1(&proto, p), 99, "truncated extension header");
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

Test(classifier, ingress_first_match_and_default)
{
  SimPacketPool *pool = sim_packet_pool_new();
  P6 a = { .dscp = 34, .size = 100 };
  SimPacket *p = pkt6(pool, &a);
  sim_packet_meta(p)->ingress = 3;
  SimClassifier *c = sim_classifier_new(7);
  cr_assert_eq(sim_classifier_classify(c, p, 0), 7, "no rules: default class");
  SimClassifierRule r1 = { .fields = SIM_CLASSIFIER_INGRESS, .ingress = 2, .klass = 1 };
  SimClassifierRule r2 = { .fields = SIM_CLASSIFIER_DSCP, .dscp_set = UINT64_C(1) << 34,
                           .klass = 2 };
  SimClassifierRule r3 = { .fields = SIM_CLASSIFIER_INGRESS, .ingress = 3, .klass = 3 };
  sim_classifier_add_rule(c, &r1);
  sim_classifier_add_rule(c, &r2);
  sim_classifier_add_rule(c, &r3);
  cr_assert_eq(sim_classifier_n_rules(c), 3);
  cr_assert_eq(sim_classifier_classify(c, p, 0), 2, "rule 2 matches before rule 3");
  sim_packet_meta(p)->ingress = 2;
  cr_assert_eq(sim_classifier_classify(c, p, 0), 1, "rule 1 first");
  sim_packet_meta(p)->ingress = 9;
  sim_dscp_packet_set(p, 0, 0);
  cr_assert_eq(sim_classifier_classify(c, p, 0), 7, "none matches: default");

  /* not IP: only ingress rules can match */
  uint8_t junk[60] = { 0x12 };
  SimPacket *j = sim_packet_new_from_bytes(pool, 0, junk, sizeof junk, 0);
  sim_packet_meta(j)->ingress = 3;
  cr_assert_eq(sim_classifier_classify(c, j, 0), 3, "non-IP packet matches the ingress rule");
  sim_packet_free(j);

  /* behind an Ethernet header: the caller gives the offset */
  sim_dscp_packet_set(p, 0, 34);
  sim_packet_push(p, 14);
  cr_assert_eq(sim_classifier_classify(c, p, 14), 2);
  sim_classifier_free(c);
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

/* ---- DSCP marking and PHB names ------------------------------------------------------------------- */

Test(dscp, remark_ipv6_keeps_ecn_and_flow_label)
{
  SimPacketPool *pool = sim_packet_pool_new();
  P6 a = { .dscp = 0, .ecn = 3, .flow_label = 0x54321 };
  SimPacket *p = pkt6(pool, &a);
  for (unsigned d = 0; d < 64; d++) {
    cr_assert(sim_dscp_packet_set(p, 0, (uint8_t)d));
    SimIp6Header h;
    cr_assert(sim_ip6_header_read(sim_packet_data(p), sim_packet_real_length(p), &h));
    cr_assert_eq(h.traffic_class, d << 2 | 3, "DSCP %u: traffic class 0x%02x", d,
                 h.traffic_class);
    cr_assert_eq(h.flow_label, 0x54321u);
    cr_assert_eq(sim_dscp_get(sim_packet_data(p), 40), (int)d);
  }
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

Test(dscp, remark_ipv4_updates_the_checksum)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = pkt4(pool, 0, "10.0.0.1", "10.0.0.2", SIM_IPPROTO_UDP, 1, 2);
  for (unsigned d = 0; d < 64; d++) {
    cr_assert(sim_dscp_packet_set(p, 0, (uint8_t)(d * 37 % 64)));
    const uint8_t *b = sim_packet_data(p);
    cr_assert_eq(sim_ip4_header_checksum(b, 20), 0, "checksum broken after DSCP %u", d * 37 % 64);
    cr_assert_eq(b[1], (d * 37 % 64) << 2 | 1, "TOS 0x%02x", b[1]);
  }
  uint8_t junk[40] = { 0x55 };
  SimPacket *j = sim_packet_new_from_bytes(pool, 0, junk, sizeof junk, 0);
  cr_assert(!sim_dscp_packet_set(j, 0, 46), "neither IPv6 nor IPv4");
  sim_packet_free(j);
  sim_packet_free(p);
  sim_packet_pool_free(pool);
}

Test(dscp, phb_names)
{
  /* RFC 3246 EF, RFC 2597 AFxy = 8x + 2y, RFC 2474 CSn = 8n */
  struct {
    const char *name;
    uint8_t dscp;
  } t[] = { { "EF", 46 },   { "AF11", 10 }, { "AF12", 12 }, { "AF13", 14 }, { "AF21", 18 },
            { "AF22", 20 }, { "AF23", 22 }, { "AF31", 26 }, { "AF32", 28 }, { "AF33", 30 },
            { "AF41", 34 }, { "AF42", 36 }, { "AF43", 38 }, { "CS1", 8 },   { "CS2", 16 },
            { "CS3", 24 },  { "CS4", 32 },  { "CS5", 40 },  { "CS6", 48 },  { "CS7", 56 } };
  for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
    uint8_t d = 99;
    cr_assert(sim_dscp_parse(t[i].name, &d, NULL), "%s", t[i].name);
    cr_assert_eq(d, t[i].dscp, "%s = %u", t[i].name, d);
    cr_assert_str_eq(sim_dscp_name(t[i].dscp), t[i].name);
    g_autofree char *lower = g_ascii_strdown(t[i].name, -1);
    cr_assert(sim_dscp_parse(lower, &d, NULL) && d == t[i].dscp, "%s", lower);
  }
  uint8_t d = 1;
  cr_assert(sim_dscp_parse("BE", &d, NULL) && d == 0);
  cr_assert(sim_dscp_parse("df", &d, NULL) && d == 0);
  cr_assert(sim_dscp_parse("CS0", &d, NULL) && d == 0);
  cr_assert(sim_dscp_parse("63", &d, NULL) && d == 63);
  cr_assert_str_eq(sim_dscp_name(0), "BE");
  cr_assert_null(sim_dscp_name(1));
  char buf[SIM_DSCP_STRLEN];
  cr_assert_str_eq(sim_dscp_format(46, buf), "EF");
  cr_assert_str_eq(sim_dscp_format(5, buf), "5");
  const char *bad[] = { "AF44", "AF51", "64", "EF1", "", "-1", "CS8" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *e = NULL;
    cr_assert(!sim_dscp_parse(bad[i], &d, &e), "'%s' accepted", bad[i]);
    cr_assert(g_error_matches(e, SIM_CLASSIFIER_ERROR, SIM_CLASSIFIER_ERROR_SYNTAX));
    cr_assert(strstr(e->message, "AF11..AF43"), "%s", e->message);
    g_error_free(e);
  }
}

/* ---- helpers for schedulers ----------------------------------------------------------------------- */

/* Dequeues everything at @now and frees it; returns the count. */
static unsigned
drain(SimQdisc *q, SimTime now)
{
  unsigned n = 0;
  SimPacket *p;
  while ((p = q->klass->dequeue(q, now)) != NULL) {
    sim_packet_free(p);
    n++;
  }
  return n;
}

/* Saturation: every class in @active stays backlogged with packets of
 * sizes[class]; returns the bytes each class sent over @n dequeues. */
static void
saturate(SimQdisc *q, SimPacketPool *pool, uint32_t n_classes, const size_t *sizes,
         const bool *active, unsigned n, uint64_t *bytes)
{
  for (uint32_t k = 0; k < n_classes; k++) {
    bytes[k] = 0;
    for (unsigned i = 0; active[k] && i < 4; i++)
      q->klass->enqueue(q, sized(pool, k, sizes[k]), 0);
  }
  for (unsigned i = 0; i < n; i++) {
    SimPacket *p = q->klass->dequeue(q, 0);
    cr_assert_not_null(p, "a work-conserving scheduler sends while packets wait");
    uint32_t k = sim_packet_meta(p)->mark;
    cr_assert(active[k], "idle class %u sent", k);
    bytes[k] += sim_packet_length(p);
    sim_packet_free(p);
    q->klass->enqueue(q, sized(pool, k, sizes[k]), 0);
  }
  drain(q, 0);
}

static void
assert_shares(const char *what, uint32_t n, const uint32_t *w, const bool *active,
              const uint64_t *bytes)
{
  uint64_t total = 0, wsum = 0;
  for (uint32_t k = 0; k < n; k++) {
    total += bytes[k];
    wsum += active[k] ? w[k] : 0;
  }
  for (uint32_t k = 0; k < n; k++) {
    double expect = active[k] ? (double)w[k] / (double)wsum : 0.0;
    double got = (double)bytes[k] / (double)total;
    cr_assert(got >= expect * 0.99 && got <= expect * 1.01 + 1e-12,
              "%s: class %u got %.4f of the bytes, expected %.4f (weight %u of %" PRIu64 ")", what,
              k, got, expect, w[k], wsum);
  }
}

/* ---- strict priority ---------------------------------------------------------------------------- */

Test(prio, starves_lower_bands_and_keeps_fifo_order)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimQdisc *q = sim_qos_prio_new(3);
  sim_qos_sched_set_classify_func(q, by_mark, NULL);
  for (uint32_t i = 0; i < 30; i++) {
    SimPacket *p = sized(pool, 2 - i % 3, 100 + i);
    sim_packet_meta(p)->seq = i;
    q->klass->enqueue(q, p, 0);
  }
  cr_assert_eq(q->n_packets, 30);
  uint32_t last_band = 0;
  uint64_t last_seq[3] = { 0 };
  bool seen[3] = { false };
  for (unsigned n = 0; n < 30; n++) {
    SimPacket *p = q->klass->dequeue(q, 0);
    cr_assert_not_null(p);
    uint32_t band = sim_packet_meta(p)->mark;
    uint64_t seq = sim_packet_meta(p)->seq;
    cr_assert(band >= last_band, "band %u after band %u", band, last_band);
    cr_assert(!seen[band] || seq > last_seq[band], "band %u: seq %" PRIu64 " after %" PRIu64,
              band, seq, last_seq[band]);
    seen[band] = true;
    last_seq[band] = seq;
    last_band = band;
    if (n % 2 == 0 && n < 20) {
      /* keep band 0 fed: band 2 must wait however long it takes */
      SimPacket *h = sized(pool, 0, 64);
      sim_packet_meta(h)->seq = 1000 + n;
      q->klass->enqueue(q, h, 0);
      SimPacket *x = q->klass->dequeue(q, 0);
      cr_assert_eq(sim_packet_meta(x)->mark, 0, "a band-0 arrival goes first");
      sim_packet_free(x);
    }
    sim_packet_free(p);
  }
  cr_assert_eq(q->n_packets, 0);
  cr_assert_eq(q->n_bytes, 0);
  sim_qdisc_free(q);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

/* ---- DRR and WFQ shares --------------------------------------------------------------------------- */

static SimQdisc *
make(bool wfq, uint32_t n, const uint32_t *w)
{
  SimQdisc *q;
  if (wfq) {
    q = sim_qos_wfq_new(n, w);
  } else {
    g_autofree uint32_t *quanta = g_new(uint32_t, n);
    for (uint32_t k = 0; k < n; k++)
      quanta[k] = w[k] * 1500;
    q = sim_qos_drr_new(n, quanta);
  }
  sim_qos_sched_set_classify_func(q, by_mark, NULL);
  return q;
}

static void
shares(bool wfq)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const uint32_t w[] = { 4, 2, 1, 3 };
  const size_t sizes[] = { 1500, 700, 90, 333 };
  bool active[] = { true, true, true, true };
  uint64_t bytes[4];
  SimQdisc *q = make(wfq, 4, w);
  saturate(q, pool, 4, sizes, active, 60000, bytes);
  assert_shares(wfq ? "wfq" : "drr", 4, w, active, bytes);
  /* class 1 idle: its share goes to the others in proportion */
  active[1] = false;
  saturate(q, pool, 4, sizes, active, 60000, bytes);
  assert_shares(wfq ? "wfq, class 1 idle" : "drr, class 1 idle", 4, w, active, bytes);
  sim_qdisc_free(q);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

Test(drr, long_run_shares_follow_quanta)
{
  shares(false);
}

Test(wfq, long_run_shares_follow_weights)
{
  shares(true);
}

/* ---- hierarchy ----------------------------------------------------------------------------------- */

Test(hierarchy, drr_per_nrp_with_priority_inside)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const uint32_t quanta[] = { 3000, 3000 };
  SimQdisc *top = sim_qos_drr_new(2, quanta);
  sim_qos_sched_set_classify_func(top, by_nrp, NULL);
  SimQdisc *inner = sim_qos_prio_new(2);
  sim_qos_sched_set_classify_func(inner, by_mark, NULL);
  sim_qos_sched_set_child(top, 0, inner);
  cr_assert_eq(sim_qos_sched_child(top, 0), inner);
  /* NRP 0: 100 low-priority then 100 high-priority packets; NRP 1: 200 */
  for (unsigned i = 0; i < 200; i++) {
    SimPacket *p = sized(pool, i < 100 ? 1 : 0, 1000);
    top->klass->enqueue(top, p, 0);
    SimPacket *o = sized(pool, 0, 1000);
    sim_packet_meta(o)->nrp_id = 1;
    top->klass->enqueue(top, o, 0);
  }
  cr_assert_eq(top->n_packets, 400);
  cr_assert_eq(inner->n_packets, 200);
  unsigned nrp0 = 0, nrp1 = 0;
  for (unsigned n = 0; n < 200; n++) {
    SimPacket *p = top->klass->dequeue(top, 0);
    cr_assert_not_null(p);
    if (sim_packet_meta(p)->nrp_id == 0) {
      cr_assert_eq(sim_packet_meta(p)->mark, nrp0 < 100 ? 0u : 1u,
                   "NRP 0 packet %u: the high-priority band first", nrp0);
      nrp0++;
    } else {
      nrp1++;
    }
    sim_packet_free(p);
  }
  cr_assert(nrp0 >= 98 && nrp0 <= 102, "equal quanta: NRP 0 sent %u of 200", nrp0);
  cr_assert_eq(nrp0 + nrp1, 200);
  SimQosClassStats st;
  cr_assert(sim_qos_sched_get_stats(inner, 0, &st));
  cr_assert_eq(st.sent_packets, 100, "inner band 0 sent %" PRIu64, st.sent_packets);
  cr_assert_eq(drain(top, 0), 200);
  sim_qdisc_free(top);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

/* ---- a child that is not ready (a shaper) --------------------------------------------------------- */

/* A FIFO that sends nothing before its gate time. */
typedef struct {
  SimQdisc base;
  SimTime gate;
  SimPacket *head, *tail;
} Gate;

static void
gate_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  (void)now;
  Gate *g = (Gate *)q;
  sim_packet_set_next(p, NULL);
  if (g->tail)
    sim_packet_set_next(g->tail, p);
  else
    g->head = p;
  g->tail = p;
  q->n_packets++;
  q->n_bytes += sim_packet_length(p);
}

static SimPacket *
gate_dequeue(SimQdisc *q, SimTime now)
{
  Gate *g = (Gate *)q;
  if (now < g->gate || !g->head)
    return NULL;
  SimPacket *p = g->head;
  g->head = sim_packet_next(p);
  if (!g->head)
    g->tail = NULL;
  q->n_packets--;
  q->n_bytes -= sim_packet_length(p);
  return p;
}

static SimTime
gate_next_ready(SimQdisc *q, SimTime now)
{
  Gate *g = (Gate *)q;
  if (!g->head)
    return SIM_TIME_MAX;
  return now < g->gate ? g->gate : now;
}

static const SimQdiscClass gate_class = {
  .name = "gate",
  .instance_size = sizeof(Gate),
  .enqueue = gate_enqueue,
  .dequeue = gate_dequeue,
  .next_ready = gate_next_ready,
};

static void
child_not_ready(SimQdisc *q)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const SimTime T = SIM_US(50);
  SimQdisc *g = sim_qdisc_new(&gate_class);
  ((Gate *)g)->gate = T;
  sim_qos_sched_set_child(q, 0, g);
  sim_qos_sched_set_classify_func(q, by_mark, NULL);
  cr_assert_eq(q->klass->next_ready(q, 0), SIM_TIME_MAX, "empty");
  for (unsigned i = 0; i < 3; i++) {
    q->klass->enqueue(q, sized(pool, 0, 500), 0);
    q->klass->enqueue(q, sized(pool, 1, 500), 0);
  }
  cr_assert_eq(q->klass->next_ready(q, SIM_US(1)), SIM_US(1), "class 1 is ready");
  for (unsigned i = 0; i < 3; i++) {
    SimPacket *p = q->klass->dequeue(q, SIM_US(1));
    cr_assert_not_null(p, "%s: the ready class is served while class 0 waits", q->klass->name);
    cr_assert_eq(sim_packet_meta(p)->mark, 1);
    sim_packet_free(p);
  }
  cr_assert_null(q->klass->dequeue(q, SIM_US(2)), "only the gated class holds packets");
  cr_assert_eq(q->n_packets, 3);
  SimTime t = q->klass->next_ready(q, SIM_US(2));
  cr_assert_eq(t, T, "%s: next_ready %" PRId64 " ps, expected the child's %" PRId64, q->klass->name,
               t, T);
  cr_assert_eq(drain(q, T), 3, "at T the gated class sends");
  cr_assert_eq(q->n_packets, 0);
  sim_qdisc_free(q);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

Test(next_ready, prio_skips_a_child_that_is_not_ready)
{
  child_not_ready(sim_qos_prio_new(2));
}

Test(next_ready, drr_skips_a_child_that_is_not_ready)
{
  const uint32_t q[] = { 1500, 1500 };
  child_not_ready(sim_qos_drr_new(2, q));
}

Test(next_ready, wfq_skips_a_child_that_is_not_ready)
{
  const uint32_t w[] = { 1, 1 };
  child_not_ready(sim_qos_wfq_new(2, w));
}

/* ---- counters ------------------------------------------------------------------------------------ */

Test(counters, per_class_counts_add_up)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const uint32_t w[] = { 2, 1, 1 };
  SimQdisc *q = sim_qos_wfq_new(3, w);
  sim_qos_sched_set_classify_func(q, by_mark, NULL);
  sim_qos_sched_set_limit(q, 0, 4);
  sim_qos_sched_set_child(q, 1, sim_qdisc_droptail_new(2, 0)); /* the child drops */
  for (unsigned i = 0; i < 10; i++)
    for (uint32_t k = 0; k < 3; k++)
      q->klass->enqueue(q, sized(pool, k, 100 * (k + 1)), 0);
  SimQosClassStats s[3];
  for (uint32_t k = 0; k < 3; k++)
    cr_assert(sim_qos_sched_get_stats(q, k, &s[k]));
  cr_assert_eq(s[0].drops[SIM_DROP_QUEUE_FULL], 6, "class limit 4: %" PRIu64,
               s[0].drops[SIM_DROP_QUEUE_FULL]);
  cr_assert_eq(s[0].enq_packets, 4);
  cr_assert_eq(s[0].enq_bytes, 400);
  /* class 1: its child keeps 2, and the scheduler may hold one more as head */
  cr_assert_eq(s[1].enq_packets, 10);
  cr_assert_eq(s[1].child_drops + s[1].backlog_packets, 10);
  cr_assert_eq(s[1].backlog_packets, 3, "child limit 2 plus the head: %u",
               s[1].backlog_packets);
  cr_assert_eq(s[2].backlog_packets, 10);
  cr_assert_eq(s[2].backlog_bytes, 3000);
  cr_assert_eq(q->n_packets, 4 + 3 + 10);
  cr_assert_eq(q->n_bytes, 400 + 600 + 3000);
  unsigned sent = drain(q, 0);
  cr_assert_eq(sent, 17);
  uint64_t total = 0;
  for (uint32_t k = 0; k < 3; k++) {
    cr_assert(sim_qos_sched_get_stats(q, k, &s[k]));
    cr_assert_eq(s[k].enq_packets, s[k].sent_packets + s[k].child_drops + s[k].backlog_packets,
                 "class %u: %" PRIu64 " in, %" PRIu64 " sent, %" PRIu64 " dropped by the child",
                 k, s[k].enq_packets, s[k].sent_packets, s[k].child_drops);
    cr_assert_eq(s[k].backlog_packets, 0);
    cr_assert_eq(s[k].enq_bytes >= s[k].sent_bytes, 1);
    total += s[k].sent_packets;
  }
  cr_assert_eq(total, 17);
  cr_assert_eq(s[2].sent_bytes, 3000);
  sim_qdisc_free(q);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

Test(counters, classifier_picks_the_class)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimQdisc *q = sim_qos_prio_new(2);
  SimClassifier *c = sim_classifier_new(1);
  SimClassifierRule ef = { .fields = SIM_CLASSIFIER_DSCP, .dscp_set = UINT64_C(1) << 46 };
  sim_classifier_add_rule(c, &ef);
  sim_qos_sched_set_classifier(q, c);
  P6 be = { .dscp = 0, .size = 1000 }, voice = { .dscp = 46, .size = 200 };
  q->klass->enqueue(q, pkt6(pool, &be), 0);
  q->klass->enqueue(q, pkt6(pool, &voice), 0);
  SimPacket *p = q->klass->dequeue(q, 0);
  cr_assert_eq(sim_packet_length(p), 200, "EF goes first");
  sim_packet_free(p);
  SimQosClassStats s;
  sim_qos_sched_get_stats(q, 0, &s);
  cr_assert(s.sent_packets == 1 && s.sent_bytes == 200);
  sim_qos_sched_get_stats(q, 1, &s);
  cr_assert(s.enq_packets == 1 && s.backlog_bytes == 1000 && s.sent_packets == 0);
  sim_qdisc_free(q);
  cr_assert_eq(sim_packet_pool_live(pool), 0);
  sim_packet_pool_free(pool);
}

/* ---- scenarios ----------------------------------------------------------------------------------- */

static const char scenario_head[] = "[simulation]\n"              /* 1 */
                                    "duration = 50ms\n"           /* 2 */
                                    "seed = 1\n"                  /* 3 */
                                    "[node a]\n"                  /* 4 */
                                    "type = host\n"               /* 5 */
                                    "[node b]\n"                  /* 6 */
                                    "type = host\n"               /* 7 */
                                    "[flow voice]\n"              /* 8 */
                                    "src = a\ndst = b\n"          /* 9, 10 */
                                    "app = cbr\nrate = 2000pps\n" /* 11, 12 */
                                    "size = 200B\n"               /* 13 */
                                    "traffic_class = 184\n"       /* 14: EF */
                                    "[flow bulk]\n"               /* 15 */
                                    "src = a\ndst = b\n"          /* 16, 17 */
                                    "app = cbr\nrate = 4000pps\n" /* 18, 19 */
                                    "size = 1000B\n"              /* 20 */
                                    "[link ab]\n"                 /* 21 */
                                    "a = a\nb = b\n"              /* 22, 23 */
                                    "rate = 20Mbps\n"             /* 24 */
                                    "delay = 100us\n";            /* 25 */

static SimNetRun *
build(const char *queue, GError **error)
{
  g_autofree char *text = g_strconcat(scenario_head, queue, NULL);
  SimScenario *sc = sim_scenario_load_data("qos.ini", text, -1, error);
  cr_assert_not_null(sc, "%s", *error ? (*error)->message : "");
  SimRegistry *reg = sim_net_registry_new();
  SimNetRun *run = sim_net_build(sc, reg, NULL, error);
  sim_registry_free(reg);
  sim_scenario_free(sc);
  return run;
}

static void
scenario_carries(const char *queue, uint32_t n_classes)
{
  GError *error = NULL;
  SimRegistry *reg = sim_net_registry_new();
  g_autofree char *text = g_strconcat(scenario_head, queue, NULL);
  SimScenario *sc = sim_scenario_load_data("qos.ini", text, -1, &error);
  cr_assert_not_null(sc);
  SimNetRun *run = sim_net_build(sc, reg, NULL, &error);
  cr_assert_not_null(run, "%s: %s", queue, error ? error->message : "");
  SimNet *net = sim_net_run_net(run);
  SimLink *l = NULL;
  for (uint32_t i = 0; i < sim_net_n_links(net); i++)
    if (strcmp(sim_link_name(sim_net_link(net, i)), "ab") == 0)
      l = sim_net_link(net, i);
  cr_assert_not_null(l);
  SimQdisc *q = sim_iface_qdisc(sim_link_end(l, 0));
  cr_assert(sim_qos_sched_is(q), "%s: the link has a %s", queue, q->klass->name);
  cr_assert_eq(sim_qos_sched_n_classes(q), n_classes);
  sim_run_until(sim_net_run_context(run), sim_net_run_end(run));
  SimQosClassStats ef, rest;
  cr_assert(sim_qos_sched_get_stats(q, 0, &ef));
  cr_assert(sim_qos_sched_get_stats(q, n_classes - 1, &rest));
  /* 20 Mbit/s carries the 3.2 Mbit/s of voice and part of the 32 Mbit/s bulk */
  cr_assert(ef.enq_packets > 0 && ef.sent_packets > 0, "%s: EF class sent %" PRIu64, queue,
            ef.sent_packets);
  cr_assert(rest.sent_packets > 0, "%s: the other class sent nothing", queue);
  cr_assert(rest.drops[SIM_DROP_QUEUE_FULL] > 0, "%s: the bulk class must overflow its limit",
            queue);
  cr_assert_eq(ef.drops[SIM_DROP_QUEUE_FULL], 0, "%s: voice lost %" PRIu64, queue,
               ef.drops[SIM_DROP_QUEUE_FULL]);
  const SimIfaceStats *is = sim_iface_stats(sim_link_end(l, 0));
  cr_assert(is->drops[SIM_DROP_QUEUE_FULL] >= rest.drops[SIM_DROP_QUEUE_FULL],
            "drops are counted at the interface too");
  sim_net_run_free(run);
  sim_scenario_free(sc);
  sim_registry_free(reg);
}

Test(scenario, prio_link_carries_traffic)
{
  scenario_carries("queue = prio\nqueue_bands = 2\nqueue_dscp = EF | CS6, *\nqueue_packets = 20\n",
                   2);
}

Test(scenario, drr_link_carries_traffic)
{
  scenario_carries("queue = drr\nqueue_weights = 4, 2, 1\nqueue_dscp = EF, AF41 | AF42, *\n"
                   "queue_packets = 20\n",
                   3);
}

Test(scenario, wfq_link_carries_traffic)
{
  scenario_carries("queue = wfq\nqueue_weights = 1, 1\nqueue_dscp = ef\nqueue_packets = 20\n", 2);
}

/* On Ethernet links the qdisc sees frames: the classifier skips the header. */
Test(scenario, ethernet_link_classifies_behind_the_frame_header)
{
  scenario_carries("framing = ethernet\nqueue = prio\nqueue_bands = 2\nqueue_dscp = EF, *\n"
                   "queue_packets = 20\n",
                   2);
}

Test(scenario, classify_rules_carry_traffic)
{
  scenario_carries("queue = prio\nqueue_bands = 2\nqueue_classify = 0: dscp=EF|CS6 proto=udp\n"
                   "queue_packets = 20\n",
                   2);
  scenario_carries("queue = drr\nqueue_weights = 4, 2, 1\n"
                   "queue_classify = 1: proto=tcp, 0: dscp=46 ecn=0 dport=0-65535, "
                   "1: src=2001:db8:ffff::/48\nqueue_packets = 20\n",
                   3);
}

/* Rules are tried in order; a packet no rule takes goes to the last class. */
Test(scenario, classify_rules_in_order)
{
  GError *error = NULL;
  SimNetRun *run = build("queue = prio\nqueue_bands = 3\nqueue_packets = 20\n"
                         "queue_classify = 0: proto=tcp, 1: dscp=EF, 0: dscp=EF\n",
                         &error);
  cr_assert_not_null(run, "%s", error ? error->message : "");
  SimNet *net = sim_net_run_net(run);
  SimQdisc *q = NULL;
  for (uint32_t i = 0; i < sim_net_n_links(net); i++)
    if (strcmp(sim_link_name(sim_net_link(net, i)), "ab") == 0)
      q = sim_iface_qdisc(sim_link_end(sim_net_link(net, i), 0));
  cr_assert_not_null(q);
  sim_run_until(sim_net_run_context(run), sim_net_run_end(run));
  SimQosClassStats c0, c1, c2;
  cr_assert(sim_qos_sched_get_stats(q, 0, &c0) && sim_qos_sched_get_stats(q, 1, &c1) &&
            sim_qos_sched_get_stats(q, 2, &c2));
  /* no TCP; voice (EF) stops at the first EF rule; bulk falls through */
  cr_assert_eq(c0.enq_packets, 0, "class 0 got %" PRIu64, c0.enq_packets);
  cr_assert_eq(c1.enq_packets, 100, "voice: 2000 pps for 50 ms, got %" PRIu64, c1.enq_packets);
  cr_assert_eq(c2.enq_packets + c2.drops[SIM_DROP_QUEUE_FULL], 200,
               "bulk: 4000 pps for 50 ms, got %" PRIu64 " + %" PRIu64 " dropped", c2.enq_packets,
               c2.drops[SIM_DROP_QUEUE_FULL]);
  sim_net_run_free(run);
}

Test(scenario, bad_keys_name_file_and_line)
{
  struct {
    const char *queue, *expect;
  } bad[] = {
    { "queue = drr\nqueue_weights = 4, 0\n", "queue_weights: '0'" },
    { "queue = wfq\n", "qos.ini:26: qdisc.wfq: missing key 'weights'" },
    { "queue = drr\nqueue_weights = 1, 1\nqueue_dscp = EF, AF44\n", "AF44" },
    { "queue = prio\nqueue_bands = 2\nqueue_dscp = EF, AF41, *\n", "3 classes" },
    { "queue = prio\nqueue_dscp = EF, EF\n", "two classes" },
    { "queue = prio\nqueue_bands = 0\n", "bands" },
    { "queue = wfq\nqueue_weights = 1\nqueue_color = red\n", "color" },
    { "queue = drr\nqueue_weights = 1\nqueue_bytes = 10KB\n", "queue_bytes" },
    { "queue = prio\nqueue_classify = 0: colour=red\n", "unknown field 'colour'" },
    { "queue = prio\nqueue_classify = 3: dscp=EF\n", "the class must be 0 to 2" },
    { "queue = prio\nqueue_classify = dscp=EF\n", "no 'CLASS:'" },
    { "queue = prio\nqueue_classify = 0:\n", "no field to match" },
    { "queue = prio\nqueue_classify = 0: dst=2001:db8::1/200\n", "dst: '2001:db8::1/200'" },
    { "queue = prio\nqueue_classify = 0: dport=9-5\n", "dport: '9-5' does not parse" },
    { "queue = prio\nqueue_classify = 0: proto=sctpx\n", "expected CLASS: FIELD=VALUE" },
    { "queue = prio\nqueue_classify = 0: ecn=1 ecn=2\n", "field 'ecn' given twice" },
    { "queue = prio\nqueue_classify = 0: nrp\n", "'nrp' is not FIELD=VALUE" },
    { "queue = prio\nqueue_dscp = EF\nqueue_classify = 0: nrp=1\n", "one of them" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    SimNetRun *run = build(bad[i].queue, &error);
    cr_assert_null(run, "case %zu accepted", i);
    /* the section's line, or the line of the queue key for a missing parameter */
    cr_assert((g_str_has_prefix(error->message, "qos.ini:21: ") ||
               g_str_has_prefix(error->message, "qos.ini:26: ")) &&
                strstr(error->message, bad[i].expect),
              "case %zu: %s", i, error->message);
    g_error_free(error);
  }
}
