/* slice.h - IETF network slices (RFC 9543) realised by network resource
 * partitions (NRPs, RFC 9732) over SRv6.
 *
 * A slice is a set of connectivity constructs (here: the flows that join
 * it, each from its source to its destination) with service level
 * objectives: a guaranteed bandwidth per construct, a maximum one-way
 * latency met by a share of the packets, a maximum loss ratio and an
 * optional jitter bound. Each slice is mapped to an NRP.
 *
 * An NRP reserves a part of every link it may use (a share of the link
 * rate or a fixed rate) and gets its own queue there. Isolation is one of
 *  - none: no per-NRP queues; every packet shares the link's queue (the
 *          baseline without slicing; paths and admission still apply);
 *  - soft: deficit round robin over the NRPs with quanta in proportion to
 *          their reservations (work conserving: an NRP borrows what the
 *          others leave idle);
 *  - hard: every NRP queue is shaped to its reservation, and the traffic
 *          outside slices to what is left (a FlexE-like channel: unused
 *          reserved capacity stays idle).
 *
 * Each hop picks the NRP queue from the packet alone, by a selector set
 * at the network edge (RFC 9732 §5, draft-ietf-6man-enhanced-vpn-vtn-id):
 *  - locator:    each NRP has its own uSID block (the base block with the
 *                NRP's number in its last 8 bits); the destination
 *                address names the NRP;
 *  - hbh:        a Hop-by-Hop option carrying the 32-bit NRP ID;
 *  - dscp:       the outer DSCP, one value per NRP;
 *  - flow-label: the top bits of the outer flow label hold the NRP's
 *                number (1..), the rest keeps the flow's entropy.
 *
 * At setup every (headend, NRP, endpoint) pair gets a path: a
 * constraint-based shortest path over the links the NRP may use (include
 * and exclude affinities) with the NRP's metric (IGP metric, propagation
 * delay, or TE metric), computed as one tree per NRP and endpoint. The
 * path is programmed as an SR policy at the headend (H.Encaps.Red) with
 * uSIDs (RFC 9800 NEXT-C-SID, F3216-style 16-bit C-SIDs): local End.X
 * adjacency uSIDs (0xE000 + interface index) for the hops where the path
 * leaves the IGP's shortest path, then the endpoint's node uSID and its
 * End.DT6 decapsulation uSID (0xF0D6). The slice's packets are steered
 * into the policy by destination and DSCP at the headend.
 *
 * Admission: a slice is admitted when every one of its constructs has a
 * path in its NRP, the NRP's reservation covers the guaranteed bandwidth
 * of all constructs crossing each link, and each path's unloaded latency
 * (propagation plus serialisation of the slice's largest packet with its
 * encapsulation at every hop) is within the latency objective. A slice
 * that fails is reported with the reason; its traffic still runs.
 */
#ifndef IPESIM_SLICE_H
#define IPESIM_SLICE_H

#include "app.h"
#include "routing.h"
#include "srv6.h"

G_BEGIN_DECLS

#define SIM_SLICE_ERROR (sim_slice_error_quark())
typedef enum {
  SIM_SLICE_ERROR_INVALID, /* a bad or inconsistent definition */
  SIM_SLICE_ERROR_CAPACITY /* reservations exceed a link's rate */
} SimSliceError;
SIM_API GQuark sim_slice_error_quark(void);

typedef enum {
  SIM_NRP_SELECT_LOCATOR,
  SIM_NRP_SELECT_HBH,
  SIM_NRP_SELECT_DSCP,
  SIM_NRP_SELECT_FLOW_LABEL,
  SIM_NRP_SELECT_N
} SimNrpSelector;

typedef enum {
  SIM_NRP_ISOLATION_NONE,
  SIM_NRP_ISOLATION_SOFT,
  SIM_NRP_ISOLATION_HARD,
  SIM_NRP_ISOLATION_N
} SimNrpIsolation;

typedef enum {
  SIM_NRP_METRIC_IGP,   /* the links' routing metric */
  SIM_NRP_METRIC_DELAY, /* propagation delay */
  SIM_NRP_METRIC_TE,    /* the links' TE metric (default: the routing metric) */
  SIM_NRP_METRIC_N
} SimNrpMetric;

/* "locator", "hbh", "dscp", "flow-label"; "none", "soft", "hard"; "igp",
 * "delay", "te". */
SIM_API const char *sim_nrp_selector_name(SimNrpSelector s);
SIM_API const char *sim_nrp_isolation_name(SimNrpIsolation i);
SIM_API const char *sim_nrp_metric_name(SimNrpMetric m);

typedef struct {
  SimNrpSelector selector;
  SimNrpIsolation isolation;
  SimIp6Prefix usid_block;   /* base uSID block: length 16..96, a multiple of 8; in locator
                              * mode its last 8 bits are 0 */
  uint8_t nrp_option;        /* Hop-by-Hop option type of the NRP ID */
  uint8_t flow_label_bits;   /* flow-label selector: bits of the NRP number (1..8) */
  uint32_t default_queue_packets; /* queue of the traffic outside slices, per link */
  uint64_t hard_burst;       /* hard isolation: bucket depth in bytes (0: two frames of the
                              * link's MTU) */
} SimSlicingConfig;

/* hbh selector, soft isolation, fcbb:bb00::/32, option 0x3E, 4 flow label
 * bits, 1000 packets, automatic burst. */
SIM_API void sim_slicing_config_init(SimSlicingConfig *cfg);

typedef struct _SimSlicing SimSlicing;
typedef struct _SimNrp SimNrp;
typedef struct _SimSlice SimSlice;

/**
 * sim_slicing_new:
 * @routing: (nullable): the network's shortest-path routing, which then
 *   routes the endpoints' node uSIDs; without it the paths are strict
 * Returns: (transfer none): the network's slicing state (owned by @net),
 *   or NULL with @error (bad configuration, or @net has one already).
 */
SIM_API SimSlicing *sim_slicing_new(SimNet *net, SimRouting *routing,
                                    const SimSlicingConfig *cfg, GError **error);
SIM_API SimSlicing *sim_slicing_of(const SimNet *net);
SIM_API const SimSlicingConfig *sim_slicing_config(const SimSlicing *sl);

/* Per-link attributes for path computation: routing metric (default 1),
 * TE metric (0: the routing metric) and affinity bits (default 0). */
SIM_API void sim_slicing_set_link(SimSlicing *sl, const SimLink *link, uint32_t metric,
                                  uint32_t te_metric, uint64_t affinity);

typedef struct {
  const char *name;
  uint32_t id;             /* NRP ID, > 0, unique */
  double share;            /* (0, 1]: reserved share of each link it uses; or */
  uint64_t bandwidth_bps;  /* with share 0: a fixed reservation per link (at most the rate) */
  SimNrpMetric metric;
  uint64_t include_any;    /* a link needs one of these affinity bits (0: no condition) */
  uint64_t include_all;    /* ... all of these */
  uint64_t exclude_any;    /* ... none of these */
  int dscp;                /* dscp selector: its DSCP (0..63), -1 elsewhere */
  uint32_t queue_packets;  /* its queue per link (0: 1000) */
  uint64_t priority_dscp;  /* bit d set: packets of outer DSCP d go first inside the NRP's
                            * queue (strict priority over its other packets), 0: one FIFO */
} SimNrpConfig;

SIM_API void sim_nrp_config_init(SimNrpConfig *cfg);
/* Returns: (transfer none): the NRP, or NULL with @error. */
SIM_API SimNrp *sim_slicing_add_nrp(SimSlicing *sl, const SimNrpConfig *cfg, GError **error);
SIM_API guint sim_slicing_n_nrps(const SimSlicing *sl);
SIM_API SimNrp *sim_slicing_nrp(const SimSlicing *sl, guint i);
SIM_API SimNrp *sim_slicing_find_nrp(const SimSlicing *sl, const char *name);
SIM_API const SimNrpConfig *sim_nrp_config(const SimNrp *nrp);
/* What @nrp reserves on the direction of @link that @iface sends on
 * (0 where it may not go). */
SIM_API uint64_t sim_nrp_reserved(const SimNrp *nrp, const SimIface *iface);

typedef struct {
  const char *name;
  SimNrp *nrp;
  uint64_t bandwidth_bps;  /* guaranteed per connectivity construct (0: none) */
  SimTime latency;         /* maximum one-way latency (0: none) */
  double latency_quantile; /* share of packets that must meet it, (0, 1] */
  double loss;             /* maximum loss ratio, [0, 1] */
  SimTime jitter;          /* maximum RFC 3550 jitter of every construct (0: none) */
  int dscp;                /* DSCP of its packets at the edge (-1: any) */
} SimSliceConfig;

SIM_API void sim_slice_config_init(SimSliceConfig *cfg);
SIM_API SimSlice *sim_slicing_add_slice(SimSlicing *sl, const SimSliceConfig *cfg,
                                        GError **error);
SIM_API guint sim_slicing_n_slices(const SimSlicing *sl);
SIM_API SimSlice *sim_slicing_slice(const SimSlicing *sl, guint i);
SIM_API SimSlice *sim_slicing_find_slice(const SimSlicing *sl, const char *name);
SIM_API const SimSliceConfig *sim_slice_config(const SimSlice *slice);

/**
 * sim_slice_add_flow:
 * Makes @flow a connectivity construct of @slice (source to destination,
 * which must be different nodes): its packets get the slice's DSCP when it
 * has one, and its arrivals within the latency objective are counted.
 * Before sim_slicing_setup().
 */
SIM_API gboolean sim_slice_add_flow(SimSlice *slice, SimFlow *flow, GError **error);
SIM_API guint sim_slice_n_flows(const SimSlice *slice);
SIM_API SimFlow *sim_slice_flow(const SimSlice *slice, guint i);

/**
 * sim_slicing_setup:
 * Installs the NRP queues on every point-to-point interface, computes
 * the paths, programs the SR policies and steering, and runs admission.
 * Once, after every NRP, slice and flow, before the run. FALSE with
 * @error on reservations beyond a link's rate or a steering conflict
 * (two slices at one headend towards one destination with the same
 * DSCP in different NRPs).
 */
SIM_API gboolean sim_slicing_setup(SimSlicing *sl, GError **error);

/* Admission (after setup): TRUE when admitted; else @reason (nullable)
 * gets the first reason. */
SIM_API gboolean sim_slice_admitted(const SimSlice *slice, const char **reason);
/* The largest unloaded latency of its constructs' paths (after setup). */
SIM_API SimTime sim_slice_path_latency(const SimSlice *slice);

typedef struct {
  uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, dropped;
  uint64_t rx_within_bound; /* arrivals within the latency objective */
  SimHistogram *delay;      /* merged one-way delays (ps); free with sim_histogram_free() */
  double jitter_max_ps;     /* largest RFC 3550 jitter of its flows */
  gboolean sla_met;         /* every objective met (loss counts drops) */
} SimSliceReport;

/* Fills @out from the flows' counters now. */
SIM_API void sim_slice_report(const SimSlice *slice, SimSliceReport *out);

/* Which rows nrp_links.csv gets: every (interface, NRP) with a
 * reservation, those that carried traffic, or none. */
typedef enum { SIM_SLICE_LINKS_ALL, SIM_SLICE_LINKS_USED, SIM_SLICE_LINKS_NONE } SimSliceLinkReport;

/* Writes slices.csv, nrp_links.csv (unless NONE) and state.csv into @dir. */
SIM_API gboolean sim_slicing_write_results(SimSlicing *sl, const char *dir,
                                           SimSliceLinkReport links, GError **error);

G_END_DECLS

#endif /* IPESIM_SLICE_H */
