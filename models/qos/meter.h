/* meter.h - token buckets, shapers, three-colour meters, policers and RED.
 *
 * Building blocks of per-slice QoS behind an interface:
 *  - SimTokenBucket: a rate (bit/s) and a depth (bytes), exact in integer
 *    picoseconds: tokens are counted in units of 1/(8 x 10^12) byte, so a
 *    bucket never drifts, whatever the rate;
 *  - a shaper qdisc that releases its child queue at a token-bucket rate;
 *  - the single-rate (RFC 2697) and two-rate (RFC 2698) three-colour
 *    markers, colour-blind or colour-aware (the pre-colour is the AF drop
 *    precedence of the DSCP, RFC 2597);
 *  - a policer qdisc that meters arrivals, passes, re-marks or drops each
 *    colour, and hands what it keeps to a child queue;
 *  - RED (Floyd & Jacobson 1993, RFC 2309/7567) with the count-based
 *    spacing of drops, optional gentle mode and ECN marking (RFC 3168).
 *
 * Sizes metered and shaped are those of the IP packet: on Ethernet links
 * the qdisc sees frames with their 14-byte header, which is not counted.
 * DSCP and ECN are rewritten in IPv6's Traffic Class and in IPv4's TOS
 * (with the header checksum updated, RFC 1624).
 */
#ifndef IPESIM_QOS_METER_H
#define IPESIM_QOS_METER_H

#include "netscenario.h"
#include "qdisc.h"

G_BEGIN_DECLS

/* ---- token bucket ------------------------------------------------------ */

/* Plain data: embed it. Fields are private; the bucket is full at the
 * time given to sim_token_bucket_init(). */
typedef struct {
  uint64_t rate_bps;
  uint64_t burst; /* bytes */
  uint64_t bytes; /* whole tokens held */
  uint64_t frac;  /* and a fraction, in 1/(8e12) byte */
  SimTime last;   /* time the tokens were counted */
} SimTokenBucket;

/* A full bucket of @burst bytes filling at @rate_bps (> 0) from @now. */
SIM_API void sim_token_bucket_init(SimTokenBucket *tb, uint64_t rate_bps, uint64_t burst,
                                   SimTime now);
/* Adds the tokens earned up to @now (capped at the burst); an earlier
 * @now than the last update changes nothing. */
SIM_API void sim_token_bucket_fill(SimTokenBucket *tb, SimTime now);
/* Whole bytes of tokens held at @now (fills first). */
SIM_API uint64_t sim_token_bucket_tokens(SimTokenBucket *tb, SimTime now);
/* Takes @bytes of tokens if the bucket holds that many at @now: TRUE when
 * the packet conforms. */
SIM_API gboolean sim_token_bucket_consume(SimTokenBucket *tb, uint64_t bytes, SimTime now);
/* The earliest time >= @now at which @bytes conform (the bucket is not
 * changed); SIM_TIME_MAX if @bytes exceeds the burst. */
SIM_API SimTime sim_token_bucket_ready(const SimTokenBucket *tb, uint64_t bytes, SimTime now);

/* ---- colours and DSCP ---------------------------------------------------- */

typedef enum {
  SIM_COLOR_GREEN,
  SIM_COLOR_YELLOW,
  SIM_COLOR_RED,
  SIM_COLOR_N
} SimColor;

SIM_API const char *sim_color_name(SimColor c);

/* AF class x (1-4), drop precedence y (1-3): DSCP 8x + 2y (RFC 2597). */
#define SIM_METER_AF(x, y) ((uint8_t)(8 * (x) + 2 * (y)))
#define SIM_METER_EF 46

/* The colour of a DSCP for colour-aware meters: AFx1 green, AFx2 yellow,
 * AFx3 red; every other codepoint green. */
SIM_API SimColor sim_meter_dscp_color(uint8_t dscp);

/* ECN field values (RFC 3168 §5). */
enum { SIM_METER_ECN_NOT_ECT = 0, SIM_METER_ECN_ECT1 = 1, SIM_METER_ECN_ECT0 = 2, SIM_METER_ECN_CE = 3 };

/**
 * sim_meter_packet_tos:
 * @p: an IPv6 or IPv4 packet, behind a 14-byte Ethernet II header when
 *   @ethernet (EtherType 0x86DD or 0x0800)
 * @tos: (out): IPv6 Traffic Class or IPv4 TOS (DSCP << 2 | ECN)
 * Returns: FALSE if @p is not an IP packet with its header in real bytes.
 */
SIM_API gboolean sim_meter_packet_tos(const SimPacket *p, gboolean ethernet, uint8_t *tos);
/* Rewrites the Traffic Class / TOS of @p to @tos (the IPv4 header
 * checksum is updated incrementally, RFC 1624). FALSE if not IP. */
SIM_API gboolean sim_meter_packet_set_tos(SimPacket *p, gboolean ethernet, uint8_t tos);

/* ---- three-colour markers ------------------------------------------------- */

typedef enum {
  SIM_METER_SRTCM, /* RFC 2697: CIR, CBS, EBS */
  SIM_METER_TRTCM, /* RFC 2698: PIR, PBS, CIR, CBS */
  SIM_METER_N
} SimMeterMode;

typedef struct {
  SimMeterMode mode;
  gboolean color_aware;
  uint64_t cir_bps; /* committed information rate, > 0 */
  uint64_t cbs;     /* committed burst size, bytes */
  uint64_t ebs;     /* srTCM: excess burst size, bytes */
  uint64_t pir_bps; /* trTCM: peak information rate, >= cir_bps */
  uint64_t pbs;     /* trTCM: peak burst size, bytes */
} SimMeterConfig;

/* Plain data: embed it. Fields are private. */
typedef struct {
  SimMeterConfig cfg;
  SimTokenBucket c; /* committed bucket (Tc) */
  SimTokenBucket e; /* srTCM: excess (Te); trTCM: peak (Tp) */
} SimMeter;

/* Checks @cfg: rates positive, PIR >= CIR, a burst larger than 0 (RFC
 * 2697 §2: CBS or EBS; RFC 2698 §2: both). */
SIM_API gboolean sim_meter_config_check(const SimMeterConfig *cfg, GError **error);
/* Both buckets full at @now. @cfg must pass sim_meter_config_check(). */
SIM_API void sim_meter_init(SimMeter *m, const SimMeterConfig *cfg, SimTime now);
/**
 * sim_meter_color:
 * Meters a packet of @bytes arriving at @now (times never decrease) with
 * pre-colour @pre (ignored when colour-blind), exactly as the RFC's
 * pseudo-code: buckets updated on arrival, "T - B >= 0" conforms.
 * Returns: the colour; the tokens are taken.
 */
SIM_API SimColor sim_meter_color(SimMeter *m, uint64_t bytes, SimColor pre, SimTime now);

/* ---- per-qdisc counters ----------------------------------------------------- */

typedef struct {
  uint64_t arrivals, arrival_bytes; /* handed to the qdisc */
  uint64_t sent, sent_bytes;        /* returned by dequeue */
  uint64_t early_drops;   /* RED: probabilistic drops (red_early) */
  uint64_t forced_drops;  /* RED above max_th (red_forced); all: queue_full, too_big */
  uint64_t ecn_marks;     /* RED: CE set instead of an early drop */
  uint64_t police_drops;  /* policer: dropped for their colour (police) */
  uint64_t remarked;      /* policer: DSCP rewritten */
  uint64_t colors[SIM_COLOR_N]; /* policer: arrivals per colour */
} SimMeterStats;

/* The counters of a shaper, policer or RED qdisc; NULL for another one. */
SIM_API const SimMeterStats *sim_meter_stats(const SimQdisc *q);

/* ---- shaper ------------------------------------------------------------------ */

SIM_API extern const SimQdiscClass sim_qdisc_shaper_class;

/**
 * sim_qdisc_shaper_new:
 * @child: (transfer full) (nullable): the queue; NULL for a drop-tail FIFO
 *   of 1000 packets
 * A non-work-conserving qdisc: the head packet of @child leaves when the
 * bucket (@rate_bps, @burst bytes, full at time 0) holds its size; a
 * packet larger than @burst could never leave and is dropped as too_big.
 * The head is taken from @child when it waits for tokens (it then counts
 * in this qdisc's n_packets).
 */
SIM_API SimQdisc *sim_qdisc_shaper_new(uint64_t rate_bps, uint64_t burst, SimQdisc *child);

/* ---- policer ------------------------------------------------------------------ */

typedef enum {
  SIM_POLICE_PASS,   /* unchanged */
  SIM_POLICE_REMARK, /* DSCP rewritten, then passed */
  SIM_POLICE_DROP,   /* dropped as police */
  SIM_POLICE_N
} SimPoliceAction;

typedef struct {
  SimMeterConfig meter;
  SimPoliceAction action[SIM_COLOR_N];
  /* DSCP written by REMARK per colour, or -1: AF packets get the colour's
   * drop precedence (AFx1, AFx2, AFx3), others are left alone. */
  int dscp[SIM_COLOR_N];
} SimPoliceConfig;

/* green pass, yellow remark, red drop, dscp -1 (meter left zero). */
SIM_API void sim_police_config_init(SimPoliceConfig *cfg);

SIM_API extern const SimQdiscClass sim_qdisc_police_class;

/**
 * sim_qdisc_police_new:
 * @child: (transfer full) (nullable): the queue for kept packets; NULL for
 *   a drop-tail FIFO of 1000 packets
 * Returns: (transfer full) (nullable): NULL with @error for a bad @cfg.
 */
SIM_API SimQdisc *sim_qdisc_police_new(const SimPoliceConfig *cfg, SimQdisc *child,
                                       GError **error);

/* ---- RED ------------------------------------------------------------------------ */

typedef struct {
  double min_th, max_th; /* average queue thresholds in packets, 0 <= min < max */
  double max_p;          /* drop probability at max_th, (0, 1] */
  double weight;         /* EWMA weight wq, (0, 1] */
  uint32_t limit;        /* physical queue in packets, >= 1 */
  gboolean ecn;          /* CE-mark ECN-capable packets instead of early drops */
  gboolean gentle;       /* drop probability rises to 1 between max_th and 2 max_th */
  uint32_t mean_packet;  /* bytes: idle-time decay counts packets of this size at
                            the interface's rate (ns-2's mean_pktsize) */
} SimRedConfig;

/* min 5, max 15, max_p 0.1, weight 0.002, limit 1000, no ECN, not gentle,
 * mean packet 500 bytes. */
SIM_API void sim_red_config_init(SimRedConfig *cfg);

SIM_API extern const SimQdiscClass sim_qdisc_red_class;

/**
 * sim_qdisc_red_new:
 * Random draws come from the stream (seed, run, interface entity,
 * SIM_METER_RED_STREAM) of the interface the qdisc is attached to, taken
 * at the first arrival, unless sim_qdisc_red_set_rng() gave one.
 * Returns: (transfer full) (nullable): NULL with @error for a bad @cfg.
 */
SIM_API SimQdisc *sim_qdisc_red_new(const SimRedConfig *cfg, GError **error);
#define SIM_METER_RED_STREAM 0x52454400u /* "RED\0" */
/* Uses a copy of @rng (positioned by the caller) for the drop draws. */
SIM_API void sim_qdisc_red_set_rng(SimQdisc *q, const SimRng *rng);
/* The average queue (packets) after the last arrival. */
SIM_API double sim_qdisc_red_average(const SimQdisc *q);

#define SIM_METER_ERROR (sim_meter_error_quark())
typedef enum { SIM_METER_ERROR_INVALID } SimMeterError;
SIM_API GQuark sim_meter_error_quark(void);

/* private: the scenario types qdisc.shaper, qdisc.police and qdisc.red,
 * registered by sim_net_registry_new() (not part of the API). */
extern const SimQdiscType sim__qos_meter_types[];
extern const size_t sim__qos_meter_n_types;

G_END_DECLS

#endif /* IPESIM_QOS_METER_H */
