/* app.h - traffic applications and per-flow statistics.
 *
 * A flow is a UDP traffic source on one node and a sink on another:
 *  - constant bit rate (fixed interval, no drift: packet k leaves at
 *    start + k x interval, rounded to the picosecond),
 *  - Poisson (exponential gaps),
 *  - on/off (on and off periods exponential, or Pareto with a shape), CBR
 *    while on;
 * and ping: ICMPv6 echo with round-trip statistics.
 *
 * The sink of a flow records, per flow: packets and bytes (UDP payload),
 * one-way delay (exact mean, min/max, quantiles from a log-linear
 * histogram), jitter with the RFC 3550 §6.4.1 estimator, first and last
 * arrival. The network counts the flow's drops, so every sent packet is
 * received, dropped or still in flight.
 */
#ifndef IPESIM_APP_H
#define IPESIM_APP_H

#include "net.h"
#include "ip6.h"

G_BEGIN_DECLS

typedef enum {
  SIM_TRAFFIC_CBR,
  SIM_TRAFFIC_POISSON,
  SIM_TRAFFIC_ONOFF,
  SIM_TRAFFIC_N
} SimTrafficKind;

SIM_API const char *sim_traffic_kind_name(SimTrafficKind kind);

typedef struct {
  SimTrafficKind kind;
  double pps;            /* packets per second (while on, for on/off); > 0 */
  uint32_t size;         /* UDP payload bytes */
  SimTime start;
  SimTime start_spread;  /* > 0: the first packet at start + a uniform draw in
                          * [0, start_spread) from the flow's stream */
  SimTime stop;          /* no packet at or after it; SIM_TIME_MAX = never */
  uint64_t max_packets;  /* 0 = no limit */
  uint16_t port;         /* destination port (the sink's) */
  SimTime on_mean;       /* on/off: mean on period */
  SimTime off_mean;      /* on/off: mean off period */
  double pareto_shape;   /* on/off: 0 = exponential periods, else Pareto shape > 1 */
  uint8_t traffic_class;
  uint32_t flow_label;
  uint8_t hop_limit;     /* 0: the default, 64 */
  unsigned histogram_bits; /* delay histogram precision (0 = 7: 0.39 %) */
  gboolean fill_pmtu;    /* size each datagram to the path MTU (size ignored) */
  SimTime delay_bound;   /* > 0: count arrivals with a one-way delay <= it (a slice's
                          * latency objective) exactly, in rx_within_bound */
} SimTrafficConfig;

/* CBR, 1000 pps, 1000 bytes, from 0 for ever, port 9. */
SIM_API void sim_traffic_config_init(SimTrafficConfig *cfg);

typedef struct _SimFlow SimFlow;

typedef struct {
  uint64_t tx_packets, tx_bytes;
  uint64_t rx_packets, rx_bytes;
  SimHistogram *delay; /* one-way delay, ps */
  SimWelford delay_stats; /* ps */
  double jitter_ps;       /* RFC 3550 interarrival jitter estimate */
  SimTime first_tx, last_tx;
  SimTime first_rx, last_rx;
  uint64_t out_of_order; /* arrivals with a sequence below the highest seen */
  uint64_t rx_within_bound; /* arrivals within cfg->delay_bound (when set) */
} SimFlowStats;

/**
 * sim_flow_new:
 * @dst_addr: (nullable): destination address; NULL = @dst's primary address
 * Creates the source on @src and (or reuses) the UDP sink of @dst on
 * cfg->port. Both nodes need IPv6 installed.
 * Returns: (transfer none): the flow (owned by @net), or NULL with @error.
 */
SIM_API SimFlow *sim_flow_new(SimNet *net, const char *name, SimNode *src, SimNode *dst,
                              const SimIp6Addr *dst_addr, const SimTrafficConfig *cfg,
                              GError **error);
/**
 * sim_flow_new_external:
 * @app: the application's name for flows.csv (e.g. "burst")
 * A flow record and the UDP sink on @dst:@port for traffic that a user
 * application generates itself: it reports every packet it sends with
 * sim_flow_sent() and sends it to @dst's primary address and @port; the
 * sink and the results then treat it like a built-in flow.
 */
SIM_API SimFlow *sim_flow_new_external(SimNet *net, const char *name, const char *app,
                                       SimNode *src, SimNode *dst, uint16_t port,
                                       GError **error);
/* Stamps @p (flow id, sequence number, send time) and counts it as sent
 * by @flow. */
SIM_API void sim_flow_sent(SimFlow *flow, SimPacket *p);

SIM_API const char *sim_flow_name(const SimFlow *flow);
/* "cbr", "poisson", "onoff" or an external application's name. */
SIM_API const char *sim_flow_app(const SimFlow *flow);
SIM_API uint64_t sim_flow_id(const SimFlow *flow);
SIM_API SimNode *sim_flow_src(const SimFlow *flow);
SIM_API SimNode *sim_flow_dst(const SimFlow *flow);
SIM_API const SimIp6Addr *sim_flow_dst_address(const SimFlow *flow);
/* The path MTU the source currently uses towards the flow's destination
 * (RFC 8201), or 0 if it has no route. */
SIM_API uint32_t sim_flow_path_mtu(const SimFlow *flow);
SIM_API const SimTrafficConfig *sim_flow_config(const SimFlow *flow);
/* Sets the delay objective counted in rx_within_bound (0: none); before
 * the run, or the count covers only later arrivals. */
SIM_API void sim_flow_set_delay_bound(SimFlow *flow, SimTime bound);
/* Sets the traffic class of the packets the flow sends from now on. */
SIM_API void sim_flow_set_traffic_class(SimFlow *flow, uint8_t traffic_class);
SIM_API const SimFlowStats *sim_flow_stats(const SimFlow *flow);
/* Packets of the flow dropped in the network. */
SIM_API uint64_t sim_flow_drops(const SimFlow *flow);

/* Precision of the delay and RTT histograms of flows and pings created
 * from now on whose configuration leaves it at 0 (default 7). */
SIM_API void sim_app_set_histogram_bits(SimNet *net, unsigned bits);

SIM_API uint32_t sim_net_n_flows(const SimNet *net);
SIM_API SimFlow *sim_net_flow(const SimNet *net, uint32_t index);
SIM_API SimFlow *sim_net_find_flow(const SimNet *net, const char *name);

/* ---- ping ------------------------------------------------------------------ */

typedef struct _SimPing SimPing;

typedef struct {
  SimTime start;
  SimTime interval;
  uint32_t count; /* 0 = until the end */
  uint32_t size;  /* echo data bytes (>= 8) */
  uint8_t hop_limit; /* 0: the default (64) */
} SimPingConfig;

SIM_API SimPing *sim_ping_new(SimNet *net, const char *name, SimNode *src, SimNode *dst,
                              const SimIp6Addr *dst_addr, const SimPingConfig *cfg,
                              GError **error);

typedef struct {
  uint64_t sent, received;
  SimHistogram *rtt; /* ps */
  SimWelford rtt_stats;
} SimPingStats;

SIM_API const char *sim_ping_name(const SimPing *ping);
SIM_API SimNode *sim_ping_src(const SimPing *ping);
SIM_API SimNode *sim_ping_dst(const SimPing *ping);
SIM_API const SimPingStats *sim_ping_stats(const SimPing *ping);
SIM_API uint32_t sim_net_n_pings(const SimNet *net);
SIM_API SimPing *sim_net_ping(const SimNet *net, uint32_t index);

G_END_DECLS

#endif /* IPESIM_APP_H */
