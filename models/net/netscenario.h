/* netscenario.h - networks built from scenario files.
 *
 * sim_net_registry_new() registers every built-in network type by name
 * (`link.p2p`, `app.cbr`, `app.poisson`, `app.onoff`, `app.ping`,
 * `topology.grid`, ... and the fixed sections `scenario.simulation`,
 * `scenario.output`, `scenario.addressing`, `scenario.routing`); research
 * code adds its own applications with sim_net_registry_add_app() and names
 * them in scenario files like the built-in ones. sim_net_build() turns a
 * loaded SimScenario into a ready-to-run network; the format is described
 * in docs/scenario-format.md.
 */
#ifndef IPESIM_NETSCENARIO_H
#define IPESIM_NETSCENARIO_H

#include "app.h"
#include "net.h"
#include "partition.h"
#include "qdisc.h"
#include "simregistry.h"
#include "simexpect.h"
#include "simscenario.h"

G_BEGIN_DECLS

/* Registry with all built-in network types. */
SIM_API SimRegistry *sim_net_registry_new(void);

/**
 * SimAppClass:
 * A user application type: @info.kind must be "app"; @create starts an
 * instance for a [flow NAME] section (or a C caller) between @src and
 * @dst with its parsed parameters. The application uses the public API
 * (UDP sockets, events of its own entity, sim_net_packet_created()...);
 * with sim_flow_new_external() and sim_flow_sent() its traffic appears in
 * flows.csv like a built-in flow's. sim_params_type_info() returns the
 * registered SimTypeInfo pointer, so a class may be the first member of a
 * larger struct that carries the application's own data.
 */
typedef struct {
  SimTypeInfo info;
  gboolean (*create)(SimNet *net, const char *name, SimNode *src, SimNode *dst,
                     const SimIp6Addr *dst_addr, const SimParams *params, GError **error);
} SimAppClass;

SIM_API gboolean sim_net_registry_add_app(SimRegistry *reg, const SimAppClass *cls,
                                          GError **error);

/**
 * SimQdiscType:
 * A queue discipline type (@info.kind "qdisc", name "qdisc.NAME"): a link
 * section selects it with `queue = NAME` and gives its parameters as
 * `queue_PARAM = VALUE`; @create makes one instance per link direction.
 * The built-in "qdisc.droptail" has the parameters packets and bytes.
 */
typedef struct {
  SimTypeInfo info;
  SimQdisc *(*create)(const SimParams *params, GError **error);
} SimQdiscType;

SIM_API gboolean sim_net_registry_add_qdisc(SimRegistry *reg, const SimQdiscType *type,
                                            GError **error);

/* Zero-initialise with SIM_NET_BUILD_OPTIONS_INIT: a zero seed field
 * would mean "seed 0". */
typedef struct {
  int64_t seed;        /* >= 0 overrides [simulation] seed; -1 keeps it */
  uint32_t run;        /* replication number (random streams) */
  const char *const *pcap; /* NULL-terminated specs: "all", "NODE", "NODE:IFACE" */
  const char *outdir;  /* where pcap/ goes; NULL = no pcap */
} SimNetBuildOptions;

#define SIM_NET_BUILD_OPTIONS_INIT { -1, 0, NULL, NULL }

typedef struct _SimNetRun SimNetRun;

/**
 * sim_net_build:
 * Builds the network of @sc (nodes, links, addresses, routes, flows,
 * pings, link events, pcap writers) on a new context. Errors name the
 * file and line of the offending key. Problems that do not stop the run
 * (e.g. a flow whose destination cannot be reached) become warnings.
 * Returns: (transfer full) (nullable): the run, NULL with @error.
 */
SIM_API SimNetRun *sim_net_build(SimScenario *sc, SimRegistry *reg, const SimNetBuildOptions *opts,
                                 GError **error);
SIM_API void sim_net_run_free(SimNetRun *run);

SIM_API SimNet *sim_net_run_net(const SimNetRun *run);
SIM_API SimContext *sim_net_run_context(const SimNetRun *run);
/* End of the run: duration + drain. */
SIM_API SimTime sim_net_run_end(const SimNetRun *run);
SIM_API uint32_t sim_net_run_seed(const SimNetRun *run);
/* Warnings found while building (file:line: text), NULL-terminated. */
SIM_API const char *const *sim_net_run_warnings(const SimNetRun *run);
/* The expectations of the scenario's [expect] section in file order
 * (validated by sim_net_build(); evaluate them on the result folder with
 * sim_expect_evaluate()), @n of them. (transfer none): they live as long
 * as @run. */
SIM_API const SimExpect *const *sim_net_run_expectations(const SimNetRun *run, guint *n);

/**
 * sim_net_run_finish:
 * After the simulation: closes the pcap files, writes the result tables
 * (results.h) and manifest.ini into @dir, checks packet conservation.
 */
SIM_API gboolean sim_net_run_finish(SimNetRun *run, SimScenario *sc, const char *dir,
                                    double wall_seconds, long peak_rss_kb, GError **error);

/* Adds `KEY=VALUE` to the [manifest] group that sim_net_run_finish()
 * writes (e.g. the build of the program that ran it). */
SIM_API void sim_net_run_add_manifest(SimNetRun *run, const char *key, const char *value);

/**
 * sim_net_run_partition:
 * The split of the network over @ranks: the scenario's own
 * ([parallel] partition = given, which must be for @ranks ranks) or the
 * automatic one (sim_net_partition()).
 */
SIM_API SimPartition *sim_net_run_partition(SimNetRun *run, uint32_t ranks, GError **error);

#ifdef IPESIM_WITH_MPI
typedef struct _SimNetPar SimNetPar;
/**
 * sim_net_run_parallel:
 * Collective (mpirun): splits the built network over the ranks of
 * MPI_COMM_WORLD (sim_net_partition()), attaches this rank
 * (sim_net_par_attach()) and records ranks, partition and lookahead in the
 * manifest. @description gets the partition line. Features a parallel run
 * does not carry yet are refused with the reason.
 */
SIM_API SimNetPar *sim_net_run_parallel(SimNetRun *run, char **description, GError **error);
/**
 * sim_net_run_par_gather:
 * Collective, after the run: sim_net_par_gather() and the recorded time
 * series and queue samples summed into rank 0.
 */
SIM_API void sim_net_run_par_gather(SimNetRun *run, SimNetPar *np);
/**
 * sim_net_run_par_captures:
 * Collective, after the run: every rank closes its packet captures; rank 0
 * replaces the files of interfaces on other ranks with the captures those
 * ranks took. On rank 0, call it after sim_net_run_finish().
 */
SIM_API gboolean sim_net_run_par_captures(SimNetRun *run, SimNetPar *np, GError **error);
#endif

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimNetRun, sim_net_run_free)

G_END_DECLS

#endif /* IPESIM_NETSCENARIO_H */
