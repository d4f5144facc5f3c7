/* netscenario-private.h - the state of a network being built from a
 * scenario, shared by netscenario.c and the builders of other modules
 * (netscenario-srv6.c). Never installed. */
#ifndef IPESIM_NETSCENARIO_PRIVATE_H
#define IPESIM_NETSCENARIO_PRIVATE_H

#include "netscenario.h"
#include "routing.h"
#include "slice.h"

typedef struct {
  SimPcapWriter *w;
  char *path;
  SimIface *ifc;
} Capture;

typedef struct {
  SimNode *node;
  SimParams *params;
} NodeSection;

typedef struct _SimNsTimeseries SimNsTimeseries;

struct _SimNetRun {
  GArray *node_sections; /* NodeSection: ND settings applied after addressing */
  SimContext *ctx;
  SimNet *net;
  SimTime duration, drain;
  uint32_t seed;
  uint32_t run;
  GString *manifest_extra; /* KEY=VALUE lines for [manifest] */
  unsigned histogram_bits;
  GPtrArray *warnings;
  GArray *captures; /* Capture */
  GArray *link_metric; /* uint32 per link */
  GArray *link_te;     /* uint32 per link: TE metric, 0 = the metric */
  GPtrArray *link_affinity; /* per link: affinity names "a,b", or NULL */
  SimSlicing *slicing; /* slices and NRPs, when the scenario has them */
  GHashTable *slices;  /* name -> SimSlice */
  int link_report;     /* SimSliceLinkReport */
  void *queue_sampler; /* [output] queue_sample: the hook's state */
  GDestroyNotify queue_sampler_free;
  SimNsTimeseries *timeseries; /* [output] sample: the hook's state */
  SimScenario *sc;
  SimRegistry *reg;
  GArray *vrfs; /* SimNetVrf: named VRFs ([vrf], [vpn]) */
  GPtrArray *expects; /* SimExpect of [expect], set at the end of the build */
  /* [parallel] partition = given: the rank of each node, and where it was said */
  uint32_t given_ranks;
  uint32_t *given_rank;
  char *given_where;
};

typedef struct {
  char *name;
  SimNode *node;
  uint32_t table;
} SimNetVrf;

/* "FILE:LINE" of @key in @sec (or of the section); g_free() it. */
char *sim__ns_where(SimScenarioSection *sec, const char *key);
/* The node @name, or NULL with an error naming @key of @sec. */
SimNode *sim__ns_node_ref(SimNetRun *run, SimScenarioSection *sec, const char *key,
                          const char *name, GError **error);
/* The first interface of @n whose link leads to @nbr, or NULL. */
SimIface *sim__ns_iface_towards(SimNode *n, SimNode *nbr);
/* The value of a structural key (needed before typed parsing), or NULL
 * with an error. */
const char *sim__ns_structural(SimScenarioSection *sec, const char *key, GError **error);
void sim__ns_warn(SimNetRun *run, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Sets @error to "FILE:LINE: [SECTION] KEY: message" (without KEY: the
 * section's line) and returns FALSE. */
gboolean sim__ns_fail(GError **error, SimScenarioSection *sec, const char *key, const char *fmt,
                      ...) G_GNUC_PRINTF(4, 5);
gboolean sim__ns_failv(GError **error, SimScenarioSection *sec, const char *key, const char *fmt,
                       va_list ap) G_GNUC_PRINTF(4, 0);

#define where(sec, key) sim__ns_where(sec, key)
#define node_ref(run, sec, key, name, error) sim__ns_node_ref(run, sec, key, name, error)
#define iface_towards(n, nbr) sim__ns_iface_towards(n, nbr)
#define structural(sec, key, error) sim__ns_structural(sec, key, error)
#define warn(...) sim__ns_warn(__VA_ARGS__)

/* SRv6, L3VPN and VRF sections (netscenario-srv6.c): the parameter
 * types, the section kinds, and the two build phases - VRFs before the
 * routing snapshot, the rest after it. */
extern const SimTypeInfo sim__srv6_scenario_types[];
extern const size_t sim__srv6_scenario_n_types;
gboolean sim__srv6_build_vrfs(SimNetRun *run, GError **error);
gboolean sim__srv6_build(SimNetRun *run, SimRouting *routing, GError **error);

/* Slicing sections (netscenario-slice.c): [slicing], [nrp NAME] and
 * [slice NAME] are read after SRv6 and before flows (which join slices
 * with their `slice` key, through sim__slice_join); the setup runs after
 * the flows. */
extern const SimTypeInfo sim__slice_scenario_types[];
extern const size_t sim__slice_scenario_n_types;
gboolean sim__slice_build(SimNetRun *run, SimRouting *routing, GError **error);
gboolean sim__slice_join(SimNetRun *run, SimScenarioSection *sec, SimFlow *flow,
                         gboolean tc_given, GError **error);
gboolean sim__slice_setup(SimNetRun *run, GError **error);

/* [output] sample and sample_metrics (netscenario-timeseries.c): after
 * the flows and slices exist, checks the patterns and, with a sampling
 * period and @outdir, opens timeseries.csv and adds the sampling hook.
 * sim__ts_finish() takes the sample at the end of the run (when it falls
 * on a period) and commits the file. */
gboolean sim__ts_setup(SimNetRun *run, const SimParams *outp, const char *outdir, GError **error);
gboolean sim__ts_finish(SimNetRun *run, GError **error);
void sim__ts_free(SimNsTimeseries *ts);
/* Parallel runs: samples are recorded instead of written; the recorded
 * values (to be summed over the ranks in place), then written. Call
 * sim__ts_finish() for the end sample before reading them. */
void sim__ts_record(SimNsTimeseries *ts);
/* TRUE if a series samples the net's packets in flight. */
gboolean sim__ts_samples_in_flight(const SimNsTimeseries *ts);
uint64_t *sim__ts_recorded(SimNsTimeseries *ts, size_t *n);
void sim__ts_write_recorded(SimNsTimeseries *ts);
/* The sample at the end of the run, when it falls on a period. */
void sim__ts_end_sample(SimNetRun *run);
/* The same for [output] queue_sample (queues.csv). */
void sim__qs_record(SimNetRun *run);
uint64_t *sim__qs_recorded(SimNetRun *run, size_t *n);

#endif /* IPESIM_NETSCENARIO_PRIVATE_H */
