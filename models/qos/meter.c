/* meter.c - token buckets, shaper, RFC 2697/2698 meters, policer, RED/ECN.
 *
 * Token buckets count in units of 1/(8 x 10^12) byte: a rate of R bit/s
 * adds exactly R units per picosecond, so filling is one 128-bit multiply
 * and never drifts. Whole bytes and the fraction are kept apart; a bucket
 * whose tokens reach the burst drops the fraction. This is RFC 2697's
 * discrete counter ("incremented by one CIR times per second") taken to
 * the picosecond: the byte count rises at the exact instants k x 8e12 / R.
 *
 * Invariants: every qdisc here keeps base.n_packets/n_bytes equal to what
 * it holds (its child's plus a shaper's head waiting for tokens); every
 * refused packet goes through sim_qdisc_drop() with a named reason and is
 * counted in SimMeterStats. Children get the parent's interface before
 * each call, so their drops are counted at the interface too.
 *
 * The tricky parts: the qdisc API has no peek, so the shaper takes its
 * head out of the child while it waits for tokens; links (and
 * sim_qdisc_free) flush queues with dequeue(SIM_TIME_MAX - 1), which must
 * release everything without touching buckets or RED's idle clock; RED
 * draws from a stream of the interface it is attached to, which a qdisc
 * only knows at its first arrival (scenario factories get no context).
 */
#define G_LOG_DOMAIN "ipesim-qos"
#include "config.h"

#include "meter.h"
#include "simpacket-private.h"

#include "ip4.h"
#include "ip6.h"
#include "net-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(sim-meter-error-quark, sim_meter_error)

typedef unsigned __int128 U128;

#define UNITS_PER_BYTE UINT64_C(8000000000000) /* 8 bits x 1e12 ps */
#define FLUSH_TIME (SIM_TIME_MAX - 1)          /* dequeue time of queue flushes */

/* ---- token bucket ---------------------------------------------------------- */

static inline U128
tb_total(const SimTokenBucket *tb)
{
  return (U128)tb->bytes * UNITS_PER_BYTE + tb->frac;
}

/* Sets the tokens to @total units, capped at the burst. */
static inline void
tb_set(SimTokenBucket *tb, U128 total)
{
  if (total >= (U128)tb->burst * UNITS_PER_BYTE) {
    tb->bytes = tb->burst;
    tb->frac = 0;
  } else {
    tb->bytes = (uint64_t)(total / UNITS_PER_BYTE);
    tb->frac = (uint64_t)(total % UNITS_PER_BYTE);
  }
}

void
sim_token_bucket_init(SimTokenBucket *tb, uint64_t rate_bps, uint64_t burst, SimTime now)
{
  g_return_if_fail(tb != NULL && rate_bps > 0);
  tb->rate_bps = rate_bps;
  tb->burst = burst;
  tb->bytes = burst;
  tb->frac = 0;
  tb->last = now;
}

/* The units earned from tb->last to @now (0 if @now is not later). */
static inline U128
tb_earned(const SimTokenBucket *tb, SimTime now)
{
  return now > tb->last ? (U128)tb->rate_bps * (uint64_t)(now - tb->last) : 0;
}

void
sim_token_bucket_fill(SimTokenBucket *tb, SimTime now)
{
  if (now <= tb->last)
    return;
  if (tb->bytes < tb->burst)
    tb_set(tb, tb_total(tb) + tb_earned(tb, now));
  tb->last = now;
}

uint64_t
sim_token_bucket_tokens(SimTokenBucket *tb, SimTime now)
{
  sim_token_bucket_fill(tb, now);
  return tb->bytes;
}

gboolean
sim_token_bucket_consume(SimTokenBucket *tb, uint64_t bytes, SimTime now)
{
  sim_token_bucket_fill(tb, now);
  if (tb->bytes < bytes)
    return FALSE;
  tb->bytes -= bytes;
  return TRUE;
}

SimTime
sim_token_bucket_ready(const SimTokenBucket *tb, uint64_t bytes, SimTime now)
{
  SimTokenBucket v = *tb;
  SimTime t0 = now > v.last ? now : v.last;
  sim_token_bucket_fill(&v, t0);
  if (v.bytes >= bytes)
    return t0;
  if (bytes > v.burst)
    return SIM_TIME_MAX;
  U128 deficit = (U128)bytes * UNITS_PER_BYTE - tb_total(&v);
  U128 dt = (deficit + v.rate_bps - 1) / v.rate_bps;
  if (dt >= (U128)(SIM_TIME_MAX - t0))
    return SIM_TIME_MAX;
  return t0 + (SimTime)dt;
}

/* ---- colours, DSCP and ECN ---------------------------------------------------- */

static const char *const color_names[SIM_COLOR_N] = { "green", "yellow", "red" };

const char *
sim_color_name(SimColor c)
{
  g_return_val_if_fail(c < SIM_COLOR_N, NULL);
  return color_names[c];
}

static inline gboolean
dscp_is_af(uint8_t dscp)
{
  unsigned x = dscp >> 3, y2 = dscp & 7u;
  return x >= 1 && x <= 4 && (y2 == 2 || y2 == 4 || y2 == 6);
}

SimColor
sim_meter_dscp_color(uint8_t dscp)
{
  if (!dscp_is_af(dscp))
    return SIM_COLOR_GREEN;
  return (SimColor)((dscp & 7u) / 2 - 1);
}

/* Offset of the IP header in @p (14 behind Ethernet II) and its version
 * (4 or 6), or -1 if @p is not IPv4/IPv6 with its header in real bytes. */
static int
ip_header(const SimPacket *p, gboolean ethernet, size_t *off)
{
  const uint8_t *d = sim__packet_data(p);
  size_t real = sim__packet_real_length(p);
  size_t o = 0;
  int want = 0;
  if (ethernet) {
    if (real < SIM_ETH_HEADER_LEN)
      return -1;
    unsigned type = (unsigned)(d[12] << 8 | d[13]);
    if (type == SIM_ETHERTYPE_IPV6)
      want = 6;
    else if (type == SIM_ETHERTYPE_IPV4)
      want = 4;
    else
      return -1;
    o = SIM_ETH_HEADER_LEN;
  }
  if (real < o + 1)
    return -1;
  int v = d[o] >> 4;
  if ((want && v != want) || (v != 6 && v != 4))
    return -1;
  if (real < o + (v == 6 ? SIM_IP6_HEADER_LEN : SIM_IP4_HEADER_LEN))
    return -1;
  *off = o;
  return v;
}

gboolean
sim_meter_packet_tos(const SimPacket *p, gboolean ethernet, uint8_t *tos)
{
  size_t o;
  int v = ip_header(p, ethernet, &o);
  if (v < 0)
    return FALSE;
  const uint8_t *b = sim__packet_data(p) + o;
  *tos = v == 6 ? (uint8_t)((b[0] & 0x0f) << 4 | b[1] >> 4) : b[1];
  return TRUE;
}

gboolean
sim_meter_packet_set_tos(SimPacket *p, gboolean ethernet, uint8_t tos)
{
  size_t o;
  int v = ip_header(p, ethernet, &o);
  if (v < 0)
    return FALSE;
  uint8_t *b = sim__packet_data_writable(p) + o;
  if (v == 6) {
    b[0] = (uint8_t)((b[0] & 0xf0) | tos >> 4);
    b[1] = (uint8_t)((b[1] & 0x0f) | (tos & 0x0f) << 4);
    return TRUE;
  }
  /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the word holding the TOS */
  uint16_t m = (uint16_t)(b[0] << 8 | b[1]);
  b[1] = tos;
  uint16_t m2 = (uint16_t)(b[0] << 8 | b[1]);
  uint32_t sum = (uint16_t) ~(b[10] << 8 | b[11]);
  sum += (uint16_t)~m;
  sum += m2;
  uint16_t ck = sim_inet_fold(sum);
  b[10] = (uint8_t)(ck >> 8);
  b[11] = (uint8_t)ck;
  return TRUE;
}

/* ---- three-colour markers ------------------------------------------------------ */

gboolean
sim_meter_config_check(const SimMeterConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, FALSE);
  if (cfg->mode >= SIM_METER_N) {
    g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID, "unknown meter mode %d",
                (int)cfg->mode);
    return FALSE;
  }
  if (cfg->cir_bps == 0) {
    g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID, "cir must be positive");
    return FALSE;
  }
  if (cfg->mode == SIM_METER_SRTCM) {
    if (cfg->cbs == 0 && cfg->ebs == 0) {
      g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID,
                  "cbs and ebs are both 0: at least one must be larger than 0 (RFC 2697 §2)");
      return FALSE;
    }
    return TRUE;
  }
  if (cfg->pir_bps < cfg->cir_bps) {
    g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID,
                "pir (%" G_GUINT64_FORMAT " bit/s) is below cir (%" G_GUINT64_FORMAT
                " bit/s): the PIR must be equal to or greater than the CIR (RFC 2698 §2)",
                cfg->pir_bps, cfg->cir_bps);
    return FALSE;
  }
  if (cfg->pbs == 0 || cfg->cbs == 0) {
    g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID,
                "pbs and cbs must both be larger than 0 (RFC 2698 §2)");
    return FALSE;
  }
  return TRUE;
}

void
sim_meter_init(SimMeter *m, const SimMeterConfig *cfg, SimTime now)
{
  g_return_if_fail(m != NULL && sim_meter_config_check(cfg, NULL));
  m->cfg = *cfg;
  sim_token_bucket_init(&m->c, cfg->cir_bps, cfg->cbs, now);
  if (cfg->mode == SIM_METER_SRTCM)
    sim_token_bucket_init(&m->e, cfg->cir_bps, cfg->ebs, now);
  else
    sim_token_bucket_init(&m->e, cfg->pir_bps, cfg->pbs, now);
}

/* RFC 2697 §3: tokens at CIR go to C while Tc < CBS, else to E while
 * Te < EBS, else nowhere. */
static void
srtcm_fill(SimMeter *m, SimTime now)
{
  if (now <= m->c.last)
    return;
  U128 earned = tb_earned(&m->c, now);
  U128 cap_c = (U128)m->c.burst * UNITS_PER_BYTE;
  U128 tc = tb_total(&m->c) + earned;
  if (tc > cap_c) /* Tc never exceeds CBS: the excess is exactly what E gets */
    tb_set(&m->e, tb_total(&m->e) + (tc - cap_c));
  tb_set(&m->c, tc);
  m->c.last = m->e.last = now;
}

SimColor
sim_meter_color(SimMeter *m, uint64_t bytes, SimColor pre, SimTime now)
{
  g_return_val_if_fail(m != NULL, SIM_COLOR_RED);
  gboolean aware = m->cfg.color_aware;
  if (m->cfg.mode == SIM_METER_SRTCM) {
    srtcm_fill(m, now);
    if ((!aware || pre == SIM_COLOR_GREEN) && m->c.bytes >= bytes) {
      m->c.bytes -= bytes;
      return SIM_COLOR_GREEN;
    }
    if ((!aware || pre != SIM_COLOR_RED) && m->e.bytes >= bytes) {
      m->e.bytes -= bytes;
      return SIM_COLOR_YELLOW;
    }
    return SIM_COLOR_RED;
  }
  /* RFC 2698 §3: Tp (m->e) and Tc fill independently */
  sim_token_bucket_fill(&m->e, now);
  sim_token_bucket_fill(&m->c, now);
  if ((aware && pre == SIM_COLOR_RED) || m->e.bytes < bytes)
    return SIM_COLOR_RED;
  if ((aware && pre == SIM_COLOR_YELLOW) || m->c.bytes < bytes) {
    m->e.bytes -= bytes;
    return SIM_COLOR_YELLOW;
  }
  m->e.bytes -= bytes;
  m->c.bytes -= bytes;
  return SIM_COLOR_GREEN;
}

/* ---- common qdisc parts ---------------------------------------------------------- */

typedef struct {
  SimQdisc base;
  SimMeterStats stats;
} MeterQdisc;

static inline gboolean
on_ethernet(const SimQdisc *q)
{
  return q->iface && q->iface->framing == SIM_FRAMING_ETHERNET;
}

/* The IP size of @p: without the Ethernet header on Ethernet links. */
static inline uint64_t
ip_size(const SimQdisc *q, const SimPacket *p)
{
  size_t len = sim__packet_length(p);
  return on_ethernet(q) && len >= SIM_ETH_HEADER_LEN ? len - SIM_ETH_HEADER_LEN : len;
}

/* Hands @p to @child, counting a refusal (a drop inside the child). */
static void
child_enqueue(MeterQdisc *mq, SimQdisc *child, SimPacket *p, SimTime now)
{
  uint32_t before = child->n_packets;
  child->iface = mq->base.iface;
  child->klass->enqueue(child, p, now);
  if (child->n_packets != before + 1)
    mq->stats.forced_drops++;
}

static inline void
count_sent(MeterQdisc *mq, const SimPacket *p)
{
  mq->stats.sent++;
  mq->stats.sent_bytes += sim__packet_length(p);
}

/* ---- shaper --------------------------------------------------------------------- */

typedef struct {
  MeterQdisc mq;
  SimTokenBucket tb;
  SimQdisc *child;
  SimPacket *head; /* taken from the child, waiting for tokens */
} Shaper;

static void
shaper_sync(Shaper *s)
{
  s->mq.base.n_packets = s->child->n_packets + (s->head ? 1u : 0u);
  s->mq.base.n_bytes = s->child->n_bytes + (s->head ? sim__packet_length(s->head) : 0);
}

static void
shaper_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  Shaper *s = (Shaper *)q;
  s->mq.stats.arrivals++;
  s->mq.stats.arrival_bytes += sim__packet_length(p);
  if (ip_size(q, p) > s->tb.burst) {
    s->mq.stats.forced_drops++;
    sim_qdisc_drop(q, p, SIM_DROP_TOO_BIG);
    return;
  }
  child_enqueue(&s->mq, s->child, p, now);
  shaper_sync(s);
}

static void
shaper_pull(Shaper *s, SimTime now)
{
  s->child->iface = s->mq.base.iface;
  if (!s->head && s->child->n_packets > 0)
    s->head = s->child->klass->dequeue(s->child, now);
}

static SimPacket *
shaper_dequeue(SimQdisc *q, SimTime now)
{
  Shaper *s = (Shaper *)q;
  shaper_pull(s, now);
  SimPacket *p = NULL;
  if (s->head && (now >= FLUSH_TIME ||
                  sim_token_bucket_consume(&s->tb, ip_size(q, s->head), now))) {
    p = s->head;
    s->head = NULL;
    count_sent(&s->mq, p);
  }
  shaper_sync(s);
  return p;
}

static SimTime
shaper_next_ready(SimQdisc *q, SimTime now)
{
  Shaper *s = (Shaper *)q;
  shaper_pull(s, now);
  shaper_sync(s);
  if (s->head)
    return sim_token_bucket_ready(&s->tb, ip_size(q, s->head), now);
  if (s->child->n_packets == 0)
    return SIM_TIME_MAX;
  return s->child->klass->next_ready ? s->child->klass->next_ready(s->child, now) : now;
}

static void
shaper_finalize(SimQdisc *q)
{
  Shaper *s = (Shaper *)q;
  sim_qdisc_free(s->child);
}

const SimQdiscClass sim_qdisc_shaper_class = {
  .name = "shaper",
  .instance_size = sizeof(Shaper),
  .enqueue = shaper_enqueue,
  .dequeue = shaper_dequeue,
  .next_ready = shaper_next_ready,
  .finalize = shaper_finalize,
};

SimQdisc *
sim_qdisc_shaper_new(uint64_t rate_bps, uint64_t burst, SimQdisc *child)
{
  g_return_val_if_fail(rate_bps > 0 && burst > 0, NULL);
  SimQdisc *q = sim_qdisc_new(&sim_qdisc_shaper_class);
  Shaper *s = (Shaper *)q;
  sim_token_bucket_init(&s->tb, rate_bps, burst, 0);
  s->child = child ? child : sim_qdisc_droptail_new(1000, 0);
  return q;
}

/* ---- policer ---------------------------------------------------------------------- */

typedef struct {
  MeterQdisc mq;
  SimPoliceConfig cfg;
  SimMeter meter;
  SimQdisc *child;
} Police;

void
sim_police_config_init(SimPoliceConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->action[SIM_COLOR_GREEN] = SIM_POLICE_PASS;
  cfg->action[SIM_COLOR_YELLOW] = SIM_POLICE_REMARK;
  cfg->action[SIM_COLOR_RED] = SIM_POLICE_DROP;
  for (int c = 0; c < SIM_COLOR_N; c++)
    cfg->dscp[c] = -1;
}

static void
police_sync(Police *pl)
{
  pl->mq.base.n_packets = pl->child->n_packets;
  pl->mq.base.n_bytes = pl->child->n_bytes;
}

static void
police_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  Police *pl = (Police *)q;
  gboolean eth = on_ethernet(q);
  pl->mq.stats.arrivals++;
  pl->mq.stats.arrival_bytes += sim__packet_length(p);
  uint8_t tos = 0;
  gboolean is_ip = sim_meter_packet_tos(p, eth, &tos);
  SimColor pre = is_ip ? sim_meter_dscp_color(tos >> 2) : SIM_COLOR_GREEN;
  SimColor c = sim_meter_color(&pl->meter, ip_size(q, p), pre, now);
  pl->mq.stats.colors[c]++;
  switch (pl->cfg.action[c]) {
  case SIM_POLICE_DROP:
    pl->mq.stats.police_drops++;
    sim_qdisc_drop(q, p, SIM_DROP_POLICE);
    return;
  case SIM_POLICE_REMARK:
    if (is_ip) {
      uint8_t dscp = tos >> 2, to = dscp;
      if (pl->cfg.dscp[c] >= 0)
        to = (uint8_t)pl->cfg.dscp[c];
      else if (dscp_is_af(dscp))
        to = SIM_METER_AF(dscp >> 3, (unsigned)c + 1);
      if (to != dscp) {
        sim_meter_packet_set_tos(p, eth, (uint8_t)(to << 2 | (tos & 3)));
        pl->mq.stats.remarked++;
      }
    }
    break;
  default:
    break;
  }
  child_enqueue(&pl->mq, pl->child, p, now);
  police_sync(pl);
}

static SimPacket *
police_dequeue(SimQdisc *q, SimTime now)
{
  Police *pl = (Police *)q;
  pl->child->iface = q->iface;
  SimPacket *p = pl->child->klass->dequeue(pl->child, now);
  if (p)
    count_sent(&pl->mq, p);
  police_sync(pl);
  return p;
}

static SimTime
police_next_ready(SimQdisc *q, SimTime now)
{
  Police *pl = (Police *)q;
  if (pl->child->n_packets == 0)
    return SIM_TIME_MAX;
  pl->child->iface = q->iface;
  SimTime t = pl->child->klass->next_ready ? pl->child->klass->next_ready(pl->child, now) : now;
  police_sync(pl);
  return t;
}

static void
police_finalize(SimQdisc *q)
{
  sim_qdisc_free(((Police *)q)->child);
}

const SimQdiscClass sim_qdisc_police_class = {
  .name = "police",
  .instance_size = sizeof(Police),
  .enqueue = police_enqueue,
  .dequeue = police_dequeue,
  .next_ready = police_next_ready,
  .finalize = police_finalize,
};

SimQdisc *
sim_qdisc_police_new(const SimPoliceConfig *cfg, SimQdisc *child, GError **error)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  if (!sim_meter_config_check(&cfg->meter, error))
    goto fail;
  for (int c = 0; c < SIM_COLOR_N; c++) {
    if (cfg->action[c] >= SIM_POLICE_N || cfg->dscp[c] < -1 || cfg->dscp[c] > 63) {
      g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID,
                  "%s: unknown action or DSCP %d outside 0-63", color_names[c], cfg->dscp[c]);
      goto fail;
    }
  }
  SimQdisc *q = sim_qdisc_new(&sim_qdisc_police_class);
  Police *pl = (Police *)q;
  pl->cfg = *cfg;
  sim_meter_init(&pl->meter, &cfg->meter, 0);
  pl->child = child ? child : sim_qdisc_droptail_new(1000, 0);
  return q;
fail:
  sim_qdisc_free(child);
  return NULL;
}

/* ---- RED ------------------------------------------------------------------------------ */

typedef struct {
  MeterQdisc mq;
  SimRedConfig cfg;
  SimRng rng;
  bool have_rng;
  double avg;
  int64_t count;  /* packets since the last mark, -1 below min_th */
  SimTime q_time; /* start of the idle period (queue empty) */
  SimPacket *head, *tail;
} Red;

void
sim_red_config_init(SimRedConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->min_th = 5;
  cfg->max_th = 15;
  cfg->max_p = 0.1;
  cfg->weight = 0.002;
  cfg->limit = 1000;
  cfg->mean_packet = 500;
}

typedef enum { RED_ACCEPT, RED_EARLY, RED_FORCED } RedVerdict;

/* Floyd & Jacobson 1993, §4 (the detailed algorithm), with the gentle
 * variant between max_th and 2 max_th. */
static RedVerdict
red_decide(Red *r)
{
  const SimRedConfig *c = &r->cfg;
  double avg = r->avg;
  if (avg < c->min_th) {
    r->count = -1;
    return RED_ACCEPT;
  }
  double pb;
  if (avg < c->max_th)
    pb = c->max_p * (avg - c->min_th) / (c->max_th - c->min_th);
  else if (c->gentle && avg < 2 * c->max_th)
    pb = c->max_p + (1 - c->max_p) * (avg - c->max_th) / c->max_th;
  else {
    r->count = 0;
    return RED_FORCED;
  }
  r->count++;
  double denom = 1 - (double)r->count * pb;
  double pa = denom <= pb ? 1.0 : pb / denom; /* count x pb reached 1 - pb: certain */
  if (sim_rng_uniform(&r->rng) < pa) {
    r->count = 0;
    return RED_EARLY;
  }
  return RED_ACCEPT;
}

static void
red_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  Red *r = (Red *)q;
  r->mq.stats.arrivals++;
  r->mq.stats.arrival_bytes += sim__packet_length(p);
  if (!r->have_rng) {
    if (q->iface)
      sim_rng_init_entity(&r->rng, q->iface->node->net->ctx, &q->iface->ent, SIM_METER_RED_STREAM);
    else
      sim_rng_init(&r->rng, 1, 0, 0, SIM_METER_RED_STREAM);
    r->have_rng = true;
  }
  double w = r->cfg.weight;
  if (q->n_packets > 0) {
    r->avg = (1 - w) * r->avg + w * (double)q->n_packets;
  } else if (q->iface && now > r->q_time) {
    /* idle: as if m small packets had left an empty queue meanwhile */
    double m = (double)(now - r->q_time) * 1e-12 * (double)q->iface->rate_bps /
               (8.0 * r->cfg.mean_packet);
    r->avg *= pow(1 - w, m);
  }
  RedVerdict v = red_decide(r);
  if (v == RED_FORCED) {
    r->mq.stats.forced_drops++;
    sim_qdisc_drop(q, p, SIM_DROP_RED_FORCED);
    return;
  }
  if (v == RED_EARLY) {
    uint8_t tos;
    gboolean eth = on_ethernet(q);
    if (r->cfg.ecn && sim_meter_packet_tos(p, eth, &tos) && (tos & 3) != SIM_METER_ECN_NOT_ECT) {
      if ((tos & 3) != SIM_METER_ECN_CE)
        sim_meter_packet_set_tos(p, eth, (uint8_t)(tos | SIM_METER_ECN_CE));
      r->mq.stats.ecn_marks++;
    } else {
      r->mq.stats.early_drops++;
      sim_qdisc_drop(q, p, SIM_DROP_RED_EARLY);
      return;
    }
  }
  if (q->n_packets >= r->cfg.limit) {
    r->mq.stats.forced_drops++;
    sim_qdisc_drop(q, p, SIM_DROP_QUEUE_FULL);
    return;
  }
  sim__packet_set_next(p, NULL);
  if (r->tail)
    sim__packet_set_next(r->tail, p);
  else
    r->head = p;
  r->tail = p;
  q->n_packets++;
  q->n_bytes += sim__packet_length(p);
}

static SimPacket *
red_dequeue(SimQdisc *q, SimTime now)
{
  Red *r = (Red *)q;
  SimPacket *p = r->head;
  if (!p)
    return NULL;
  r->head = sim__packet_next(p);
  if (!r->head)
    r->tail = NULL;
  sim__packet_set_next(p, NULL);
  q->n_packets--;
  q->n_bytes -= sim__packet_length(p);
  if (q->n_packets == 0 && now < FLUSH_TIME)
    r->q_time = now;
  count_sent(&r->mq, p);
  return p;
}

const SimQdiscClass sim_qdisc_red_class = {
  .name = "red",
  .instance_size = sizeof(Red),
  .enqueue = red_enqueue,
  .dequeue = red_dequeue,
};

SimQdisc *
sim_qdisc_red_new(const SimRedConfig *cfg, GError **error)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  const char *bad = NULL;
  if (!(cfg->min_th >= 0) || !(cfg->max_th > cfg->min_th) || !isfinite(cfg->max_th))
    bad = "thresholds: expected 0 <= min < max";
  else if (!(cfg->max_p > 0 && cfg->max_p <= 1))
    bad = "max_p: expected a probability in (0, 1]";
  else if (!(cfg->weight > 0 && cfg->weight <= 1))
    bad = "weight: expected wq in (0, 1]";
  else if (cfg->limit == 0)
    bad = "packets: the queue needs a limit of at least 1 packet";
  else if (cfg->mean_packet == 0)
    bad = "mean_packet: expected a positive size";
  if (bad) {
    g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID,
                "red: %s (min %g, max %g, max_p %g, weight %g, packets %u)", bad, cfg->min_th,
                cfg->max_th, cfg->max_p, cfg->weight, cfg->limit);
    return NULL;
  }
  SimQdisc *q = sim_qdisc_new(&sim_qdisc_red_class);
  Red *r = (Red *)q;
  r->cfg = *cfg;
  r->count = -1;
  return q;
}

void
sim_qdisc_red_set_rng(SimQdisc *q, const SimRng *rng)
{
  g_return_if_fail(q != NULL && q->klass == &sim_qdisc_red_class && rng != NULL);
  Red *r = (Red *)q;
  r->rng = *rng;
  r->have_rng = true;
}

double
sim_qdisc_red_average(const SimQdisc *q)
{
  g_return_val_if_fail(q != NULL && q->klass == &sim_qdisc_red_class, 0);
  return ((const Red *)q)->avg;
}

const SimMeterStats *
sim_meter_stats(const SimQdisc *q)
{
  g_return_val_if_fail(q != NULL, NULL);
  if (q->klass != &sim_qdisc_shaper_class && q->klass != &sim_qdisc_police_class &&
      q->klass != &sim_qdisc_red_class)
    return NULL;
  return &((const MeterQdisc *)q)->stats;
}

/* ---- scenario types ----------------------------------------------------------------------- */

#define TYPE(n, s, p) { .name = n, .kind = "qdisc", .summary = s, .params = p, .n_params = G_N_ELEMENTS(p) }

static const char *const meter_modes[] = { "srtcm", "trtcm", NULL };
static const char *const police_actions[] = { "pass", "remark", "drop", NULL };

static const SimParamSpec shaper_params[] = {
  { "rate", SIM_PARAM_RATE, NULL, "token rate", NULL, SIM_PARAM_AT_LEAST(1) },
  { "burst", SIM_PARAM_SIZE, "3000B", "bucket depth (larger packets are dropped as too_big)",
    NULL, SIM_PARAM_AT_LEAST(1) },
  { "packets", SIM_PARAM_UINT, "1000", "FIFO limit in packets (0: none)", NULL,
    SIM_PARAM_RANGE(0, 4294967295.0) },
  { "bytes", SIM_PARAM_SIZE, "0B", "FIFO limit in bytes (0: none)", NULL, 0, 0 },
};

static const SimParamSpec police_params[] = {
  { "mode", SIM_PARAM_ENUM, "srtcm", "srtcm (RFC 2697) or trtcm (RFC 2698)", meter_modes, 0, 0 },
  { "cir", SIM_PARAM_RATE, NULL, "committed information rate", NULL, SIM_PARAM_AT_LEAST(1) },
  { "cbs", SIM_PARAM_SIZE, "3000B", "committed burst size", NULL, 0, 0 },
  { "ebs", SIM_PARAM_SIZE, "3000B", "srtcm: excess burst size", NULL, 0, 0 },
  { "pir", SIM_PARAM_RATE, "0bps", "trtcm: peak information rate (>= cir, required)", NULL, 0,
    0 },
  { "pbs", SIM_PARAM_SIZE, "3000B", "trtcm: peak burst size", NULL, 0, 0 },
  { "color_aware", SIM_PARAM_BOOL, "false",
    "pre-colour from the AF drop precedence of the DSCP (RFC 2597)", NULL, 0, 0 },
  { "green", SIM_PARAM_ENUM, "pass", "action on green packets", police_actions, 0, 0 },
  { "yellow", SIM_PARAM_ENUM, "remark", "action on yellow packets", police_actions, 0, 0 },
  { "red", SIM_PARAM_ENUM, "drop", "action on red packets", police_actions, 0, 0 },
  { "green_dscp", SIM_PARAM_INT, "-1", "DSCP written by remark (-1: AF precedence AFx1)", NULL,
    SIM_PARAM_RANGE(-1, 63) },
  { "yellow_dscp", SIM_PARAM_INT, "-1", "DSCP written by remark (-1: AF precedence AFx2)", NULL,
    SIM_PARAM_RANGE(-1, 63) },
  { "red_dscp", SIM_PARAM_INT, "-1", "DSCP written by remark (-1: AF precedence AFx3)", NULL,
    SIM_PARAM_RANGE(-1, 63) },
  { "packets", SIM_PARAM_UINT, "1000", "FIFO limit behind the policer, packets", NULL,
    SIM_PARAM_RANGE(1, 4294967295.0) },
};

static const SimParamSpec red_params[] = {
  { "min", SIM_PARAM_DOUBLE, "5", "min_th, average queue in packets", NULL,
    SIM_PARAM_AT_LEAST(0) },
  { "max", SIM_PARAM_DOUBLE, "15", "max_th, average queue in packets (> min)", NULL,
    SIM_PARAM_AT_LEAST(0) },
  { "max_p", SIM_PARAM_RATIO, "0.1", "drop probability at max_th", NULL, 0, 0 },
  { "weight", SIM_PARAM_DOUBLE, "0.002", "EWMA weight wq, in (0, 1]", NULL, SIM_PARAM_RANGE(0, 1) },
  { "packets", SIM_PARAM_UINT, "1000", "physical queue limit in packets", NULL,
    SIM_PARAM_RANGE(1, 4294967295.0) },
  { "ecn", SIM_PARAM_BOOL, "false", "CE-mark ECN-capable packets instead of early drops (RFC 3168)",
    NULL, 0, 0 },
  { "gentle", SIM_PARAM_BOOL, "false", "probability from max_p to 1 between max and 2 max", NULL,
    0, 0 },
  { "mean_packet", SIM_PARAM_SIZE, "500B", "packet size for the idle-time decay of the average",
    NULL, SIM_PARAM_AT_LEAST(1) },
};

/* "queue_NAME: message" (the scenario loader adds the link's file:line). */
static void
param_error(GError **error, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
param_error(GError **error, const char *name, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, SIM_METER_ERROR, SIM_METER_ERROR_INVALID, "queue_%s: %s", name, msg);
}

static SimQdisc *
shaper_create(const SimParams *p, GError **error)
{
  uint32_t packets = (uint32_t)sim_params_get_uint(p, "packets");
  uint64_t bytes = sim_params_get_size(p, "bytes");
  if (packets == 0 && bytes == 0) {
    param_error(error, "packets", "0 with queue_bytes 0: the queue needs a limit");
    return NULL;
  }
  return sim_qdisc_shaper_new(sim_params_get_rate(p, "rate"), sim_params_get_size(p, "burst"),
                              sim_qdisc_droptail_new(packets, bytes));
}

static SimQdisc *
police_create(const SimParams *p, GError **error)
{
  SimPoliceConfig c;
  sim_police_config_init(&c);
  c.meter.mode = (SimMeterMode)sim_params_get_enum(p, "mode");
  c.meter.color_aware = sim_params_get_bool(p, "color_aware");
  c.meter.cir_bps = sim_params_get_rate(p, "cir");
  c.meter.cbs = sim_params_get_size(p, "cbs");
  c.meter.ebs = sim_params_get_size(p, "ebs");
  c.meter.pir_bps = sim_params_get_rate(p, "pir");
  c.meter.pbs = sim_params_get_size(p, "pbs");
  static const char *const action_keys[SIM_COLOR_N] = { "green", "yellow", "red" };
  static const char *const dscp_keys[SIM_COLOR_N] = { "green_dscp", "yellow_dscp", "red_dscp" };
  for (int i = 0; i < SIM_COLOR_N; i++) {
    c.action[i] = (SimPoliceAction)sim_params_get_enum(p, action_keys[i]);
    c.dscp[i] = (int)sim_params_get_int(p, dscp_keys[i]);
  }
  if (c.meter.mode == SIM_METER_TRTCM && !sim_params_is_set(p, "pir")) {
    param_error(error, "mode", "trtcm needs queue_pir (the peak rate, >= queue_cir)");
    return NULL;
  }
  if (c.meter.mode == SIM_METER_SRTCM && sim_params_is_set(p, "pir")) {
    param_error(error, "pir", "a peak rate belongs to queue_mode = trtcm");
    return NULL;
  }
  /* the meter's own checks name the parameters and the RFC clause */
  return sim_qdisc_police_new(
    &c, sim_qdisc_droptail_new((uint32_t)sim_params_get_uint(p, "packets"), 0), error);
}

static SimQdisc *
red_create(const SimParams *p, GError **error)
{
  SimRedConfig c;
  sim_red_config_init(&c);
  c.min_th = sim_params_get_double(p, "min");
  c.max_th = sim_params_get_double(p, "max");
  c.max_p = sim_params_get_ratio(p, "max_p");
  c.weight = sim_params_get_double(p, "weight");
  c.limit = (uint32_t)sim_params_get_uint(p, "packets");
  c.ecn = sim_params_get_bool(p, "ecn");
  c.gentle = sim_params_get_bool(p, "gentle");
  c.mean_packet = (uint32_t)MIN(sim_params_get_size(p, "mean_packet"), G_MAXUINT32);
  if (!(c.max_th > c.min_th)) {
    param_error(error, "max", "%g must be above queue_min = %g", c.max_th, c.min_th);
    return NULL;
  }
  if (c.max_p <= 0) {
    param_error(error, "max_p", "must be above 0");
    return NULL;
  }
  if (c.weight <= 0) {
    param_error(error, "weight", "must be above 0 (at most 1)");
    return NULL;
  }
  return sim_qdisc_red_new(&c, error);
}

const SimQdiscType sim__qos_meter_types[] = {
  { TYPE("qdisc.shaper",
         "token-bucket shaper over a FIFO: queue = shaper, queue_rate, queue_burst, queue_packets",
         shaper_params),
    shaper_create },
  { TYPE("qdisc.police",
         "RFC 2697/2698 three-colour policer before a FIFO: queue = police, queue_mode, queue_cir, ...",
         police_params),
    police_create },
  { TYPE("qdisc.red",
         "RED with ECN (RFC 2309/7567, RFC 3168): queue = red, queue_min, queue_max, queue_max_p, ...",
         red_params),
    red_create },
};
const size_t sim__qos_meter_n_types = G_N_ELEMENTS(sim__qos_meter_types);
