/* fuzz-srh.c - fuzz target for Segment Routing Header processing (RFC 8754,
 * RFC 8986, RFC 9800): "no crash, and every rejection counted".
 *
 * The first input builds a five-node network once (static state, rebuilt
 * after FUZZ_REBUILD inputs or a simulated day so that the clock never
 * nears SIM_TIME_MAX):
 *
 *   hA --L1-- R1 ==L2== R2 ==L3== R3 --L5-- hB     (== Ethernet, -- PPP)
 *                         \--L4--/                  (L4: PPP, R2's end external)
 *
 * R2 is the node under test: local SIDs of most behaviours (End plain,
 * with PSP and with USP+USD, End.X with PSP over L4, End.DX6, End.DT6,
 * End.DT4, End.DT46 in VRF 10, End.B6.Encaps with its own segments,
 * End.B6.Encaps.Red bound to an HMAC-signing policy whose first segment is
 * R2 itself, End with NEXT-C-SID and End with REPLACE-C-SID + PSP), an
 * HMAC key, an SR domain ingress filter on L4, and steering of
 * 2001:db8:5::/64 into H.Insert.Red (DSCP 46) and H.Encaps.Red (UDP).
 * R1 and R3 hold SIDs of their own so that paths can continue.
 *
 * Each input is an IPv6 packet. Fields it does not need as they are steer
 * the run (see fix_up()): a version nibble of 4..15 other than 6 becomes
 * 6 (0..3 stay, for the bad-header path); a destination or SRH segment
 * whose first byte is not 0x20, 0xfc or 0xff (nor 0 for a segment: a
 * REPLACE-C-SID container) is replaced by one of R2's SIDs or addresses
 * chosen by that byte (host bits of C-SID prefixes kept: they are the
 * argument); the low byte of the flow label
 * holds flags: 0x01 keep Payload Length as it is (else it is made
 * consistent), 0x02 inject on L4 from R3 (raw, through the ingress
 * filter) instead of L2 from R1 (Ethernet), 0x04 R2 in Linux-compatible
 * mode, 0x08 add (byte 2 & 0x3f) x 8 bytes of virtual payload.
 *
 * After the packet is injected the simulation runs until no event is
 * left, and then (abort() on a violation, so that the fuzzer reports it):
 *  - packets are conserved: sim_net_check_conservation(), nothing in
 *    flight, no pending event, and the packet pool is empty;
 *  - drops add up: per reason, the nodes' counters sum to the network's,
 *    an interface's never exceed its node's; per SID, dropped equals the
 *    sum of its per-reason drops, never exceeds the packets it matched,
 *    and all SIDs of a node together never exceed the node's drops;
 *  - ICMPv6 moves with them: every error sent is a packet created, and
 *    nothing else is created but echo replies and fragments; when a SID
 *    of R2 dropped with a reason that answers with ICMPv6 (RFC mode) and
 *    no layer of the packet forbids an error (RFC 4443 §2.4 (e)), R2 sent
 *    or rate-limited at least one error;
 *  - sim_srh_parse() called directly on the bytes at several offsets
 *    and cut-off lengths (copied to an exact-size buffer so that ASan sees
 *    any over-read) agrees with an independent reading of RFC 8754 §2 /
 *    RFC 8986 §4.1 S08-S09: same verdict, same fields, offsets inside the
 *    header and the packet, the error pointer inside the input.
 *
 * The tricky part: the checks must hold whatever the input, so they only
 * use facts that every path of the library keeps (counters, the pool),
 * never the expected fate of a given packet.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip6.h"
#include "net.h"
#include "srv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_srh_report(FILE *out);
void fuzz_srh_teardown(void);

#define FUZZ_MAX_LEN (SIM_IP6_HEADER_LEN + 0xffff)
#define FUZZ_REBUILD 50000u
#define FUZZ_MAX_EVENTS UINT64_C(1000000) /* per input: more is a loop */
#define FUZZ_HMAC_KEY_ID 7u
#define FUZZ_HMAC_KEY "ipesim-fuzz-hmac-key"

enum { N_HA, N_R1, N_R2, N_R3, N_HB, N_NODES };
enum { L_1, L_2, L_3, L_4, L_5, N_LINKS };
#define MAX_SIDS 32

#define CHECK(cond, ...)                                                                       \
  do {                                                                                         \
    if (G_UNLIKELY(!(cond))) {                                                                 \
      fprintf(stderr, "fuzz-srh: invariant violated at %s:%d: %s\n  ", __FILE__, __LINE__,     \
              #cond);                                                                          \
      fprintf(stderr, __VA_ARGS__);                                                            \
      fprintf(stderr, "\n");                                                                   \
      abort();                                                                                 \
    }                                                                                          \
  } while (0)

/* Snapshot of every counter the checks compare before and after a run. */
typedef struct {
  SimNetCounters net;
  uint64_t node_drops[N_NODES][SIM_DROP_N];
  uint64_t iface_drops[N_LINKS][2][SIM_DROP_N];
  SimIp6Stats ip[N_NODES];
  SimSrv6Counters sid[N_NODES][MAX_SIDS];
  uint64_t sid_drops[N_NODES][MAX_SIDS][SIM_DROP_N];
} Snap;

typedef struct {
  SimContext *ctx;
  SimNet *net;
  SimNode *n[N_NODES];
  SimLink *l[N_LINKS];
  SimSrv6 *sr[N_NODES]; /* NULL on the hosts */
  guint n_sids[N_NODES];
  uint64_t inputs;      /* since the last rebuild */
  uint64_t run_start;   /* events executed before the current input */
  Snap before, after;
} Fuzz;

/* Totals over every build, for fuzz_srh_report(). */
typedef struct {
  uint64_t inputs, srh_parses;
  uint64_t sid_packets[MAX_SIDS]; /* R2's SIDs by index */
  uint64_t drops[SIM_DROP_N];
  uint64_t icmp_errors;
  char sid_names[MAX_SIDS][64];
  guint n_sids;
  bool verbose;
} Totals;

static Fuzz *fz;
static Totals totals;

/* ---- building the network ------------------------------------------------------------ */

static void G_GNUC_NORETURN
setup_failed(const char *what, GError *e)
{
  fprintf(stderr, "fuzz-srh: setup: %s: %s\n", what, e ? e->message : "failed");
  abort();
}

static SimIp6Addr
addr(const char *s)
{
  SimIp6Addr a;
  GError *e = NULL;
  if (!sim_ip6_addr_parse(s, &a, &e))
    setup_failed(s, e);
  return a;
}

static SimIp6Prefix
prefix(const char *s)
{
  SimIp6Prefix p;
  GError *e = NULL;
  if (!sim_ip6_prefix_parse(s, &p, FALSE, &e))
    setup_failed(s, e);
  return p;
}

static SimIface *
end_of(Fuzz *f, int link, int end)
{
  return sim_link_end(f->l[link], (unsigned)end);
}

static void
route(Fuzz *f, int node, uint32_t table, const char *pfx, int link, int end, const char *gw)
{
  SimIp6Prefix p = prefix(pfx);
  SimIface *o = end_of(f, link, end);
  SimIp6Addr g = addr(gw);
  GError *e = NULL;
  if (!sim_ip6_table_route_add_via(sim_ip6_of(f->n[node]), table, &p, &o, &g, 1, &e))
    setup_failed(pfx, e);
}

static void
sid(Fuzz *f, int node, const char *pfx, const char *behaviour, unsigned flavours,
    SimSrv6SidConfig *c)
{
  SimSrv6SidConfig local;
  if (!c) {
    sim_srv6_sid_config_init(&local);
    c = &local;
  }
  c->sid = prefix(pfx);
  c->behaviour = behaviour;
  c->flavours = flavours;
  GError *e = NULL;
  if (!sim_srv6_add_sid(f->sr[node], c, &e))
    setup_failed(pfx, e);
}

static SimSrv6Policy *
policy(Fuzz *f, const char *name, SimSrv6HeadendMode mode, gboolean hmac, const char *s1,
       const char *s2)
{
  SimSrv6HeadendConfig cfg;
  sim_srv6_headend_config_init(&cfg);
  cfg.mode = mode;
  if (hmac) {
    cfg.hmac.key_id = FUZZ_HMAC_KEY_ID;
    cfg.hmac.key = (const uint8_t *)FUZZ_HMAC_KEY;
    cfg.hmac.key_len = strlen(FUZZ_HMAC_KEY);
  }
  GError *e = NULL;
  SimSrv6Policy *pol = sim_srv6_policy_new(f->sr[N_R2], name, 0, NULL, &cfg, &e);
  if (!pol)
    setup_failed(name, e);
  SimIp6Addr segs[2] = { addr(s1), s2 ? addr(s2) : addr(s1) };
  if (!sim_srv6_policy_add_segment_list(pol, 100, segs, s2 ? 2 : 1, 1, &e))
    setup_failed(name, e);
  return pol;
}

static void
build_r2(Fuzz *f)
{
  SimSrv6 *sr = f->sr[N_R2];
  SimIp6 *ip = sim_ip6_of(f->n[N_R2]);
  GError *e = NULL;
  SimSrv6Locator loc = { prefix("fc00:0:2::/48"), 32, 16, 16, 0 };
  if (!sim_srv6_add_locator(sr, &loc, &e))
    setup_failed("locator", e);
  SimIp6Prefix domain = prefix("fc00::/7");
  sim_srv6_add_domain_prefix(sr, &domain);
  SimSrhHmacKey key = { FUZZ_HMAC_KEY_ID, (const uint8_t *)FUZZ_HMAC_KEY, strlen(FUZZ_HMAC_KEY) };
  if (!sim_srv6_add_hmac_key(sr, &key, &e))
    setup_failed("hmac key", e);
  sim_srv6_set_iface_mode(sr, end_of(f, L_4, 0), SIM_SRV6_IFACE_EXTERNAL);
  /* VRF 10 for End.DT46: hB without the steering of the main table */
  if (!sim_ip6_table_add(ip, 10, &e))
    setup_failed("table 10", e);
  route(f, N_R2, 10, "2001:db8:5::/64", L_3, 0, "2001:db8:3::3");

  SimSrv6SidConfig c;
  sid(f, N_R2, "fc00:0:2::1/128", "End", 0, NULL);
  sid(f, N_R2, "fc00:0:2::10/128", "End", SIM_SRV6_PSP, NULL);
  sid(f, N_R2, "fc00:0:2::11/128", "End", SIM_SRV6_USP | SIM_SRV6_USD, NULL);
  sim_srv6_sid_config_init(&c);
  c.out = end_of(f, L_4, 0);
  sid(f, N_R2, "fc00:0:2::20/128", "End.X", SIM_SRV6_PSP, &c);
  sim_srv6_sid_config_init(&c);
  c.out = end_of(f, L_4, 0);
  sid(f, N_R2, "fc00:0:2::d66/128", "End.DX6", 0, &c);
  sid(f, N_R2, "fc00:0:2::d6/128", "End.DT6", 0, NULL);
  sid(f, N_R2, "fc00:0:2::d4/128", "End.DT4", 0, NULL);
  sim_srv6_sid_config_init(&c);
  c.table = 10;
  sid(f, N_R2, "fc00:0:2::46/128", "End.DT46", 0, &c);
  SimIp6Addr b6[2] = { addr("fc00:0:3::1"), addr("fc00:0:2::d6") };
  sim_srv6_sid_config_init(&c);
  c.segments = b6;
  c.n_segments = 2;
  sid(f, N_R2, "fc00:0:2::b6/128", "End.B6.Encaps", 0, &c);
  /* a policy through R2 itself, signed with the HMAC key R2 verifies */
  SimSrv6Policy *red =
    policy(f, "red", SIM_SRV6_H_ENCAPS_RED, TRUE, "fc00:0:2::1", "fc00:0:3::d6");
  SimIp6Addr bsid = addr("fc00:0:2::b7");
  if (!sim_srv6_policy_set_bsid(red, &bsid, &e))
    setup_failed("bsid", e);
  sim_srv6_sid_config_init(&c);
  c.lbl = 32;
  c.lnfl = 32;
  sid(f, N_R2, "fcbb:bb00:2:e000::/64", "End", SIM_SRV6_NEXT_CSID, &c);
  sim_srv6_sid_config_init(&c);
  c.lbl = 48;
  c.lnfl = 32;
  sid(f, N_R2, "fcbb:bb01:0:2:e001::/80", "End", SIM_SRV6_REPLACE_CSID | SIM_SRV6_PSP, &c);

  /* steering: DSCP 46 to hB gets an SRH inserted, UDP the signed policy */
  SimSrv6Policy *ins = policy(f, "ins", SIM_SRV6_H_INSERT_RED, FALSE, "fc00:0:3::1", NULL);
  SimIp6Prefix to_hb = prefix("2001:db8:5::/64");
  SimSrv6Match m;
  sim_srv6_match_init(&m);
  m.dscp = 46;
  if (!sim_srv6_steer(sr, 0, &to_hb, &m, ins, NULL, NULL, &e))
    setup_failed("steer dscp", e);
  sim_srv6_match_init(&m);
  m.protocol = SIM_IPPROTO_UDP;
  if (!sim_srv6_steer(sr, 0, &to_hb, &m, red, NULL, NULL, &e))
    setup_failed("steer udp", e);
}

static Fuzz *
fuzz_new(void)
{
  Fuzz *f = g_new0(Fuzz, 1);
  f->ctx = sim_context_new(NULL);
  f->net = sim_net_new(f->ctx);
  const char *names[N_NODES] = { "hA", "R1", "R2", "R3", "hB" };
  for (int i = 0; i < N_NODES; i++)
    f->n[i] = sim_node_new(f->net, names[i], i != N_HA && i != N_HB, NULL);
  const int ends[N_LINKS][2] = {
    { N_HA, N_R1 }, { N_R1, N_R2 }, { N_R2, N_R3 }, { N_R2, N_R3 }, { N_R3, N_HB }
  };
  const char *lnames[N_LINKS] = { "L1", "L2", "L3", "L4", "L5" };
  for (int k = 0; k < N_LINKS; k++) {
    SimLinkConfig c;
    sim_link_config_init(&c);
    c.rate_bps = UINT64_C(1000000000);
    c.delay = SIM_US(1);
    c.framing = k == L_2 || k == L_3 ? SIM_FRAMING_ETHERNET : SIM_FRAMING_PPP;
    GError *e = NULL;
    f->l[k] = sim_link_new(f->net, f->n[ends[k][0]], f->n[ends[k][1]], &c, lnames[k], &e);
    if (!f->l[k])
      setup_failed(lnames[k], e);
  }
  for (int i = 0; i < N_NODES; i++) {
    SimIp6 *ip = sim_ip6_install(f->n[i]);
    /* errors are never rate-limited, so an input's fate does not depend on
     * the inputs before it */
    sim_icmp6_set_rate_limit(ip, 1e12, G_MAXUINT32);
  }
  const char *tag[N_NODES] = { "a", "1", "2", "3", "b" };
  for (int k = 0; k < N_LINKS; k++)
    for (int e = 0; e < 2; e++) {
      char a[64];
      g_snprintf(a, sizeof a, "2001:db8:%d::%s", k + 1, tag[ends[k][e]]);
      SimIp6Addr x = addr(a);
      GError *err = NULL;
      if (!sim_ip6_add_address(sim_ip6_of(f->n[ends[k][e]]), end_of(f, k, e), &x, 64, &err))
        setup_failed(a, err);
    }
  for (int i = N_R1; i <= N_R3; i++) {
    char a[64];
    g_snprintf(a, sizeof a, "2001:db8:ff::%d", i);
    SimIp6Addr x = addr(a);
    GError *err = NULL;
    if (!sim_ip6_add_address(sim_ip6_of(f->n[i]), NULL, &x, 128, &err))
      setup_failed(a, err);
  }
  route(f, N_HA, 0, "::/0", L_1, 0, "2001:db8:1::1");
  route(f, N_HB, 0, "::/0", L_5, 1, "2001:db8:5::3");
  route(f, N_R1, 0, "::/0", L_2, 0, "2001:db8:2::2");
  route(f, N_R3, 0, "::/0", L_3, 1, "2001:db8:3::2");
  /* R2 has no default route: unknown destinations end as no_route there */
  route(f, N_R2, 0, "2001:db8:1::/64", L_2, 1, "2001:db8:2::1");
  route(f, N_R2, 0, "2001:db8:5::/64", L_3, 0, "2001:db8:3::3");
  route(f, N_R2, 0, "2001:db8:ff::1/128", L_2, 1, "2001:db8:2::1");
  route(f, N_R2, 0, "2001:db8:ff::3/128", L_3, 0, "2001:db8:3::3");
  route(f, N_R2, 0, "fc00:0:1::/48", L_2, 1, "2001:db8:2::1");
  route(f, N_R2, 0, "fc00:0:3::/48", L_3, 0, "2001:db8:3::3");
  route(f, N_R2, 0, "fcbb:bb00:1::/48", L_2, 1, "2001:db8:2::1");
  route(f, N_R2, 0, "fcbb:bb00:3::/48", L_3, 0, "2001:db8:3::3");
  route(f, N_R2, 0, "fcbb:bb01:0:1::/64", L_2, 1, "2001:db8:2::1");
  route(f, N_R2, 0, "fcbb:bb01:0:3::/64", L_3, 0, "2001:db8:3::3");
  for (int i = N_R1; i <= N_R3; i++)
    f->sr[i] = sim_srv6_install(sim_ip6_of(f->n[i]));
  sid(f, N_R1, "fc00:0:1::1/128", "End", 0, NULL);
  sid(f, N_R1, "fc00:0:1::d6/128", "End.DT6", 0, NULL);
  sid(f, N_R3, "fc00:0:3::1/128", "End", 0, NULL);
  sid(f, N_R3, "fc00:0:3::d6/128", "End.DT6", 0, NULL);
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.lbl = 32;
  c.lnfl = 32;
  sid(f, N_R3, "fcbb:bb00:3:e000::/64", "End", SIM_SRV6_NEXT_CSID, &c);
  sim_srv6_sid_config_init(&c);
  c.lbl = 48;
  c.lnfl = 32;
  sid(f, N_R3, "fcbb:bb01:0:3:e001::/80", "End", SIM_SRV6_REPLACE_CSID, &c);
  build_r2(f);
  for (int i = 0; i < N_NODES; i++) {
    f->n_sids[i] = f->sr[i] ? sim_srv6_n_sids(f->sr[i]) : 0;
    if (f->n_sids[i] > MAX_SIDS)
      setup_failed("too many SIDs", NULL);
  }
  if (totals.n_sids == 0) {
    totals.n_sids = f->n_sids[N_R2];
    for (guint i = 0; i < totals.n_sids; i++) {
      const SimSrv6Sid *s = sim_srv6_sid(f->sr[N_R2], i);
      char p[SIM_IP6_PREFIX_STRLEN];
      g_snprintf(totals.sid_names[i], sizeof totals.sid_names[i], "%s %s",
                 sim_ip6_prefix_format(sim_srv6_sid_prefix(s), p), sim_srv6_sid_behaviour(s));
    }
  }
  return f;
}

static void
fuzz_free(Fuzz *f)
{
  GError *e = NULL;
  CHECK(sim_net_check_conservation(f->net, &e), "%s", e ? e->message : "");
  sim_net_free(f->net);
  sim_context_free(f->ctx);
  g_free(f);
}

/* ---- counters -------------------------------------------------------------------------- */

static void
snap(const Fuzz *f, Snap *s)
{
  s->net = *sim_net_counters(f->net);
  for (int i = 0; i < N_NODES; i++) {
    for (int r = 0; r < SIM_DROP_N; r++)
      s->node_drops[i][r] = sim_node_drops(f->n[i], (SimDropReason)r);
    s->ip[i] = *sim_ip6_stats(sim_ip6_of(f->n[i]));
    for (guint k = 0; k < f->n_sids[i]; k++) {
      const SimSrv6Sid *x = sim_srv6_sid(f->sr[i], k);
      s->sid[i][k] = *sim_srv6_sid_counters(x);
      for (int r = 0; r < SIM_DROP_N; r++)
        s->sid_drops[i][k][r] = sim_srv6_sid_drops(x, (SimDropReason)r);
    }
  }
  for (int k = 0; k < N_LINKS; k++)
    for (int e = 0; e < 2; e++)
      memcpy(s->iface_drops[k][e], sim_iface_stats(sim_link_end(f->l[k], (unsigned)e))->drops,
             sizeof s->iface_drops[k][e]);
}

#define D(field) (a->field - b->field)

/* SID drop reasons that come with an ICMPv6 error in RFC mode
 * (sim_srv6_drop() with a type: behaviours.c, srv6.c) */
static bool
icmp_reason(int r)
{
  return r == SIM_DROP_SRH_INVALID || r == SIM_DROP_ROUTING_HEADER || r == SIM_DROP_SRV6_HMAC ||
         r == SIM_DROP_SRV6_UPPER_LAYER || r == SIM_DROP_HOP_LIMIT ||
         r == SIM_DROP_SRV6_SEGMENTS_LEFT || r == SIM_DROP_NO_ROUTE;
}

static void
check_counters(const Fuzz *f, bool icmp_expected)
{
  const Snap *b = &f->before, *a = &f->after;
  char what[64];
  /* conservation, per input: nothing was in flight before */
  CHECK(D(net.created) == D(net.delivered) + D(net.dropped),
        "created %" G_GUINT64_FORMAT " != delivered %" G_GUINT64_FORMAT " + dropped %" G_GUINT64_FORMAT,
        D(net.created), D(net.delivered), D(net.dropped));
  CHECK(D(net.created) >= 1, "the injected packet was not counted");
  uint64_t sum = 0;
  for (int r = 0; r < SIM_DROP_N; r++) {
    sum += D(net.drops[r]);
    uint64_t nodes = 0;
    for (int i = 0; i < N_NODES; i++) {
      nodes += D(node_drops[i][r]);
      uint64_t ifaces = 0;
      for (int k = 0; k < N_LINKS; k++)
        for (int e = 0; e < 2; e++)
          if (sim_iface_node(sim_link_end(f->l[k], (unsigned)e)) == f->n[i])
            ifaces += D(iface_drops[k][e][r]);
      CHECK(ifaces <= D(node_drops[i][r]),
            "node %s, %s: interfaces %" G_GUINT64_FORMAT " > node %" G_GUINT64_FORMAT,
            sim_node_name(f->n[i]), sim_drop_reason_name((SimDropReason)r), ifaces,
            D(node_drops[i][r]));
    }
    CHECK(nodes == D(net.drops[r]), "%s: nodes %" G_GUINT64_FORMAT " != network %" G_GUINT64_FORMAT,
          sim_drop_reason_name((SimDropReason)r), nodes, D(net.drops[r]));
  }
  CHECK(sum == D(net.dropped), "reasons %" G_GUINT64_FORMAT " != dropped %" G_GUINT64_FORMAT, sum,
        D(net.dropped));
  /* SIDs */
  uint64_t icmp_drops_r2 = 0;
  for (int i = 0; i < N_NODES; i++) {
    uint64_t at_sids[SIM_DROP_N] = { 0 };
    for (guint k = 0; k < f->n_sids[i]; k++) {
      uint64_t reasons = 0;
      for (int r = 0; r < SIM_DROP_N; r++) {
        reasons += D(sid_drops[i][k][r]);
        at_sids[r] += D(sid_drops[i][k][r]);
        if (i == N_R2 && icmp_reason(r))
          icmp_drops_r2 += D(sid_drops[i][k][r]);
      }
      g_snprintf(what, sizeof what, "%s SID %u", sim_node_name(f->n[i]), k);
      CHECK(D(sid[i][k].dropped) == reasons,
            "%s: dropped %" G_GUINT64_FORMAT " != by reason %" G_GUINT64_FORMAT, what,
            D(sid[i][k].dropped), reasons);
      CHECK(D(sid[i][k].dropped) <= D(sid[i][k].packets),
            "%s: dropped %" G_GUINT64_FORMAT " > matched %" G_GUINT64_FORMAT, what,
            D(sid[i][k].dropped), D(sid[i][k].packets));
      if (i == N_R2)
        totals.sid_packets[k] += D(sid[i][k].packets);
    }
    for (int r = 0; r < SIM_DROP_N; r++)
      CHECK(at_sids[r] <= D(node_drops[i][r]),
            "%s, %s: SIDs %" G_GUINT64_FORMAT " > node %" G_GUINT64_FORMAT, sim_node_name(f->n[i]),
            sim_drop_reason_name((SimDropReason)r), at_sids[r], D(node_drops[i][r]));
  }
  /* ICMPv6 */
  uint64_t errors = 0, icmp_rx = 0, fragmented = 0;
  for (int i = 0; i < N_NODES; i++) {
    errors += D(ip[i].icmp_errors_sent);
    icmp_rx += D(ip[i].icmp_rx);
    fragmented += D(ip[i].fragmented);
  }
  CHECK(D(net.created) >= 1 + errors,
        "created %" G_GUINT64_FORMAT " < 1 + ICMPv6 errors %" G_GUINT64_FORMAT, D(net.created),
        errors);
  if (fragmented == 0)
    CHECK(D(net.created) <= 1 + errors + icmp_rx,
          "created %" G_GUINT64_FORMAT " > 1 + errors %" G_GUINT64_FORMAT
          " + echo replies (<= ICMPv6 received %" G_GUINT64_FORMAT ")",
          D(net.created), errors, icmp_rx);
  CHECK(D(ip[N_R2].rx) >= 1, "the packet never reached R2's IPv6 layer");
  if (icmp_expected && icmp_drops_r2 > 0)
    CHECK(D(ip[N_R2].icmp_errors_sent) + D(ip[N_R2].icmp_errors_suppressed) >= 1,
          "%" G_GUINT64_FORMAT " drop(s) at R2's SIDs with an ICMPv6 reason, no error sent",
          icmp_drops_r2);
  for (int r = 0; r < SIM_DROP_N; r++)
    totals.drops[r] += D(net.drops[r]);
  totals.icmp_errors += errors;
  if (totals.verbose) {
    /* FUZZ_SRH_VERBOSE: what became of each input, for corpus work */
    fprintf(stderr, "input %" G_GUINT64_FORMAT ": created %" G_GUINT64_FORMAT
                    ", delivered %" G_GUINT64_FORMAT ", ICMPv6 errors %" G_GUINT64_FORMAT,
            totals.inputs, D(net.created), D(net.delivered), errors);
    for (int i = 0; i < N_NODES; i++)
      for (int r = 0; r < SIM_DROP_N; r++)
        if (D(node_drops[i][r]))
          fprintf(stderr, ", %s at %s %" G_GUINT64_FORMAT, sim_drop_reason_name((SimDropReason)r),
                  sim_node_name(f->n[i]), D(node_drops[i][r]));
    for (guint k = 0; k < f->n_sids[N_R2]; k++)
      if (D(sid[N_R2][k].packets))
        fprintf(stderr, "; at %s", totals.sid_names[k]);
    fprintf(stderr, "\n");
  }
}

#undef D

/* ---- the packet -------------------------------------------------------------------------- */

/* What a destination or segment byte 0 other than 0x20, 0xfc, 0xff selects:
 * the first @len bits are replaced. */
static const struct {
  const char *addr;
  unsigned len;
} targets[] = {
  { "fc00:0:2::1", 128 },         { "fc00:0:2::10", 128 },   { "fc00:0:2::11", 128 },
  { "fc00:0:2::20", 128 },        { "fc00:0:2::d66", 128 },  { "fc00:0:2::d6", 128 },
  { "fc00:0:2::d4", 128 },        { "fc00:0:2::46", 128 },   { "fc00:0:2::b6", 128 },
  { "fc00:0:2::b7", 128 },        { "fcbb:bb00:2:e000::", 64 }, { "fcbb:bb01:0:2:e001::", 80 },
  { "2001:db8:ff::2", 128 },      { "2001:db8:2::2", 128 },  { "fc00:0:2::", 48 },
  { "fc00:0:3::1", 128 },         { "fc00:0:3::d6", 128 },   { "fcbb:bb00:3:e000::", 64 },
  { "2001:db8:5::b", 128 },       { "2001:db8:1::a", 128 },  { "2001:db8:3::3", 128 },
  { "ff02::1", 128 },             { "::", 128 },
};

static void
map_address(uint8_t *a, bool segment)
{
  /* a segment starting with 0 may be a REPLACE-C-SID container */
  if (a[0] == 0x20 || a[0] == 0xfc || a[0] == 0xff || (segment && a[0] == 0))
    return;
  size_t i = a[0] % G_N_ELEMENTS(targets);
  SimIp6Addr t;
  if (!sim_ip6_addr_parse(targets[i].addr, &t, NULL))
    abort();
  memcpy(a, t.b, (targets[i].len + 7) / 8);
}

/* Offset of the first SRH of @b, walking the headers a SID node walks
 * (Hop-by-Hop, Destination Options, other routing headers); 0 if none. */
static size_t
find_srh(const uint8_t *b, size_t n)
{
  if (n < SIM_IP6_HEADER_LEN)
    return 0;
  uint8_t nh = b[6];
  size_t o = SIM_IP6_HEADER_LEN;
  for (int i = 0; i < 16 && o + 8 <= n; i++) {
    if (nh == SIM_IPPROTO_ROUTING && b[o + 2] == SIM_SRH_ROUTING_TYPE)
      return o;
    if (nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING)
      return 0;
    nh = b[o];
    o += ((size_t)b[o + 1] + 1) * 8;
  }
  return 0;
}

/* Applies the steering rules of the header comment to the packet bytes. */
static void
fix_up(uint8_t *b, size_t n, size_t vlen)
{
  if (n < SIM_IP6_HEADER_LEN)
    return;
  unsigned v = b[0] >> 4;
  if (v != 6 && v >= 4)
    b[0] = (uint8_t)(0x60 | (b[0] & 0x0f));
  map_address(b + 24, false);
  size_t s = find_srh(b, n);
  if (s) {
    size_t nseg = MIN((size_t)b[s + 4] + 1, (size_t)b[s + 1] / 2);
    for (size_t i = 0; i < nseg && s + 8 + 16 * (i + 1) <= n; i++)
      map_address(b + s + 8 + 16 * i, true);
  }
  if (!(b[3] & 0x01)) {
    size_t plen = n - SIM_IP6_HEADER_LEN + vlen;
    if (plen <= 0xffff) {
      b[4] = (uint8_t)(plen >> 8);
      b[5] = (uint8_t)plen;
    }
  }
}

static bool
bad_source(const uint8_t *src)
{
  static const uint8_t zero[16];
  /* unspecified or multicast (RFC 4443 §2.4 (e.6)); or in fc00::/8,
   * where R2's SIDs are: an error sent there would come back to them */
  return memcmp(src, zero, 16) == 0 || src[0] == 0xff || src[0] == 0xfc;
}

/* TRUE when no layer of the packet (the outer header, and the packets it
 * encapsulates) lets RFC 4443 §2.4 (e) forbid an ICMPv6 error about it:
 * each has a unicast source outside R2's SIDs and carries no ICMPv6. */
static bool
icmp_allowed(const uint8_t *b, size_t n)
{
  size_t base = 0;
  for (int depth = 0; depth < 8; depth++) {
    if (n - base < SIM_IP6_HEADER_LEN || (b[base] >> 4) != 6)
      return depth > 0; /* no IPv6 packet inside: only the outer ones count */
    if (bad_source(b + base + 8))
      return false;
    uint8_t nh = b[base + 6];
    size_t o = base + SIM_IP6_HEADER_LEN;
    bool inner = false;
    for (int k = 0; k < 64 && !inner; k++) {
      if (nh == SIM_IPPROTO_ICMPV6)
        return false;
      if (nh == SIM_IPPROTO_IPV6) {
        inner = true;
        break;
      }
      if (nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING &&
          nh != SIM_IPPROTO_FRAGMENT)
        return true;
      if (o + 8 > n)
        return true;
      if (nh == SIM_IPPROTO_FRAGMENT) {
        if ((((b[o + 2] << 8) | b[o + 3]) & 0xfff8) != 0)
          return true;
        nh = b[o];
        o += 8;
      } else {
        nh = b[o];
        o += ((size_t)b[o + 1] + 1) * 8;
      }
    }
    if (!inner)
      return false;
    if (o >= n)
      return true;
    base = o;
  }
  return false;
}

/* ---- sim_srh_parse() against the RFC ----------------------------------------------------- */

typedef struct {
  SimSrhError err;
  size_t pointer;
  size_t len, tlv_off, hmac_off;
} RefSrh;

/* RFC 8754 §2 and §4.3.1.1, RFC 8986 §4.1 S08-S09, as srv6.h documents
 * them; written from the RFC, not from srh.c. */
static RefSrh
ref_parse(const uint8_t *pkt, size_t real, size_t off)
{
  RefSrh r = { SIM_SRH_OK, 0, 0, 0, 0 };
  if (real < 8 || off > real - 8)
    return (RefSrh){ SIM_SRH_ERR_TRUNCATED, off, 0, 0, 0 };
  const uint8_t *h = pkt + off;
  unsigned hel = h[1], sl = h[3], le = h[4];
  r.len = 8 * (hel + 1u);
  if (r.len > real - off)
    return (RefSrh){ SIM_SRH_ERR_TRUNCATED, off + 1, 0, 0, 0 };
  /* RFC 8986 §4.1 S08: max_LE = (Hdr Ext Len / 2) - 1, negative below 2
   * (no room for a segment); an odd length is fine (TLVs fill 8-octet
   * units). S09-S10: Parameter Problem at Segments Left either way. */
  int max_le = (int)(hel / 2) - 1;
  if (max_le < 0)
    return (RefSrh){ SIM_SRH_ERR_LENGTH, off + 3, 0, 0, 0 };
  if ((int)le > max_le)
    return (RefSrh){ SIM_SRH_ERR_LAST_ENTRY, off + 3, 0, 0, 0 };
  if (sl > le + 1u)
    return (RefSrh){ SIM_SRH_ERR_SEGMENTS_LEFT, off + 3, 0, 0, 0 };
  r.tlv_off = off + 8 + 16 * (le + 1u);
  size_t left = off + r.len - r.tlv_off; /* TLV bytes */
  const uint8_t *t = pkt + r.tlv_off;
  while (left > 0) {
    if (t[0] == SIM_SRH_TLV_PAD1) {
      t++;
      left--;
      continue;
    }
    if (left < 2 || (size_t)t[1] > left - 2)
      return (RefSrh){ SIM_SRH_ERR_TLV, (size_t)(t - pkt), 0, 0, 0 };
    if (t[0] == SIM_SRH_TLV_HMAC) {
      /* §2.1.2: D + reserved (2), key id (4), HMAC of 8, 16, 24 or 32 bytes */
      if (t[1] != 14 && t[1] != 22 && t[1] != 30 && t[1] != 38)
        return (RefSrh){ SIM_SRH_ERR_TLV, (size_t)(t - pkt) + 1, 0, 0, 0 };
      if (!r.hmac_off)
        r.hmac_off = (size_t)(t - pkt);
    }
    left -= 2 + (size_t)t[1];
    t += 2 + t[1];
  }
  return r;
}

/* sim_srh_parse() on the first @real bytes of @data, in a buffer of
 * exactly that size. */
static void
check_parse(const uint8_t *data, size_t real, size_t off, size_t nh_field)
{
  uint8_t *pkt = g_malloc(real ? real : 1);
  memcpy(pkt, data, real);
  SimSrh srh;
  memset(&srh, 0xa5, sizeof srh);
  size_t ptr = SIZE_MAX;
  SimSrhError e = sim_srh_parse(pkt, real, off, nh_field, &srh, &ptr);
  RefSrh r = ref_parse(pkt, real, off);
  totals.srh_parses++;
  CHECK(e == r.err, "off %zu real %zu: sim_srh_parse says %s, RFC reading %s", off, real,
        sim_srh_error_string(e), sim_srh_error_string(r.err));
  if (e != SIM_SRH_OK) {
    CHECK(ptr == r.pointer, "off %zu real %zu (%s): pointer %zu, expected %zu", off, real,
          sim_srh_error_string(e), ptr, r.pointer);
    CHECK(ptr < real || (e == SIM_SRH_ERR_TRUNCATED && ptr == off && off + 8 > real),
          "off %zu real %zu: pointer %zu outside the input", off, real, ptr);
    g_free(pkt);
    return;
  }
  const uint8_t *h = pkt + off;
  CHECK(srh.off == off && srh.len == r.len && srh.nh_field == nh_field, "off %u/%zu len %u/%zu",
        srh.off, off, srh.len, r.len);
  CHECK(off + srh.len <= real && srh.len >= 24, "SRH [%zu, +%u) beyond %zu bytes", off, srh.len,
        real);
  CHECK(srh.next_header == h[0] && srh.segments_left == h[3] && srh.last_entry == h[4] &&
          srh.flags == h[5] && srh.tag == ((h[6] << 8) | h[7]),
        "fields differ from the bytes");
  CHECK(srh.last_entry <= h[1] / 2 - 1 && srh.segments_left <= srh.last_entry + 1,
        "LE %u SL %u with Hdr Ext Len %u", srh.last_entry, srh.segments_left, h[1]);
  CHECK(srh.tlv_off == r.tlv_off && srh.tlv_off <= off + srh.len, "TLVs at %u, expected %zu",
        srh.tlv_off, r.tlv_off);
  CHECK(srh.hmac_off == r.hmac_off, "HMAC TLV at %u, expected %zu", srh.hmac_off, r.hmac_off);
  if (srh.hmac_off) {
    CHECK(srh.hmac_off >= srh.tlv_off && srh.hmac_off + 2u + pkt[srh.hmac_off + 1] <= off + srh.len,
          "HMAC TLV [%u, +%u) outside the SRH", srh.hmac_off, pkt[srh.hmac_off + 1] + 2u);
    if (off >= 24) {
      /* the digest reads the segment list only (ASan checks) */
      SimIp6Addr src;
      memcpy(src.b, pkt + off - 24, 16);
      uint8_t mac[32];
      sim_srh_hmac(&src, h, FUZZ_HMAC_KEY_ID, (const uint8_t *)FUZZ_HMAC_KEY,
                   strlen(FUZZ_HMAC_KEY), mac);
    }
  }
  SimIp6Addr seg;
  for (unsigned i = 0; i <= srh.last_entry; i++)
    sim_srh_segment(pkt, &srh, i, &seg);
  g_free(pkt);
}

static void
check_parse_all(const uint8_t *data, size_t size)
{
  size_t offs[4] = { SIM_IP6_HEADER_LEN, 0, 0, 0 };
  size_t n = 1;
  size_t s = find_srh(data, size);
  if (s && s != SIM_IP6_HEADER_LEN)
    offs[n++] = s;
  if (size >= 2)
    offs[n++] = (((size_t)data[size - 2] << 8) | data[size - 1]) % (size + 9);
  offs[n++] = 0;
  for (size_t i = 0; i < n; i++) {
    size_t off = offs[i], field = off >= 8 ? off - 8 : 0;
    check_parse(data, size, off, field);
    /* cut one byte short of the header, and in the middle of it */
    if (off + 8 <= size) {
      size_t need = off + 8 * ((size_t)data[off + 1] + 1);
      if (need - 1 <= size)
        check_parse(data, need - 1, off, field);
      if (off + 8 + (need - off - 8) / 2 <= size)
        check_parse(data, off + 8 + (need - off - 8) / 2, off, field);
    }
  }
}

/* ---- the target ---------------------------------------------------------------------------- */

static void
progress(SimContext *ctx, uint64_t events, void *data)
{
  (void)ctx;
  const Fuzz *f = data;
  CHECK(events - f->run_start < FUZZ_MAX_EVENTS,
        "%" G_GUINT64_FORMAT " events for one packet: a forwarding loop", events - f->run_start);
}

static Fuzz *
fuzz_get(void)
{
  if (fz && (fz->inputs >= FUZZ_REBUILD || sim_now(fz->ctx) > SIM_S(86400))) {
    fuzz_free(fz);
    fz = NULL;
  }
  if (!fz) {
    /* library warnings and criticals (g_return_if_fail) are findings */
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    totals.verbose = g_getenv("FUZZ_SRH_VERBOSE") != NULL;
    fz = fuzz_new();
    sim_context_set_progress(fz->ctx, FUZZ_MAX_EVENTS / 10, progress, fz);
  }
  return fz;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Fuzz *f = fuzz_get();
  size_t n = MIN(size, (size_t)FUZZ_MAX_LEN);
  uint8_t *b = g_malloc(n ? n : 1);
  if (n)
    memcpy(b, data, n);
  uint8_t ctl = n >= SIM_IP6_HEADER_LEN ? b[3] : 0;
  size_t vlen = (ctl & 0x08) ? (size_t)(b[2] & 0x3f) * 8 : 0;
  fix_up(b, n, vlen);
  bool linux_mode = (ctl & 0x04) != 0;
  bool icmp_expected = !linux_mode && icmp_allowed(b, n);

  check_parse_all(b, n);

  sim_srv6_set_linux_compat(f->sr[N_R2], linux_mode);
  snap(f, &f->before);
  f->run_start = sim_events_executed(f->ctx);
  SimPacket *p = sim_packet_new_from_bytes(sim_net_pool(f->net), SIM_PACKET_DEFAULT_HEADROOM, b, n,
                                           vlen);
  g_free(b);
  sim_net_packet_created(f->net, p);
  if (ctl & 0x02) {
    sim_iface_send(end_of(f, L_4, 1), p);
  } else {
    SimIface *r2 = end_of(f, L_2, 1);
    sim_iface_send_ether(end_of(f, L_2, 0), p, sim_iface_mac(r2));
  }
  SimRunResult res = sim_run(f->ctx);
  CHECK(res == SIM_RUN_EMPTY, "sim_run() returned %d", (int)res);
  CHECK(sim_events_pending(f->ctx) == 0, "%zu events pending", sim_events_pending(f->ctx));
  GError *e = NULL;
  CHECK(sim_net_check_conservation(f->net, &e), "%s", e ? e->message : "");
  CHECK(sim_net_in_flight(f->net) == 0,
        "%" G_GUINT64_FORMAT " packets still allocated with no event left",
        sim_net_in_flight(f->net));
  snap(f, &f->after);
  check_counters(f, icmp_expected);
  f->inputs++;
  totals.inputs++;
  return 0;
}

void
fuzz_srh_report(FILE *out)
{
  fprintf(out, "fuzz-srh: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
               " direct sim_srh_parse() calls, %" G_GUINT64_FORMAT " ICMPv6 errors\n",
          totals.inputs, totals.srh_parses, totals.icmp_errors);
  fprintf(out, "  packets at R2's SIDs:");
  for (guint i = 0; i < totals.n_sids; i++)
    fprintf(out, "%s %s: %" G_GUINT64_FORMAT, i ? "," : "", totals.sid_names[i],
            totals.sid_packets[i]);
  fprintf(out, "\n  drops:");
  for (int r = 0; r < SIM_DROP_N; r++)
    if (totals.drops[r])
      fprintf(out, " %s %" G_GUINT64_FORMAT, sim_drop_reason_name((SimDropReason)r),
              totals.drops[r]);
  fprintf(out, "\n");
}

void
fuzz_srh_teardown(void)
{
  if (fz)
    fuzz_free(fz);
  fz = NULL;
}
