/* tools.h - shared declarations of the ipesim command's subcommands. */
#ifndef IPESIM_TOOLS_H
#define IPESIM_TOOLS_H

#include "netscenario.h"

#include <glib.h>

/* Each subcommand gets argv with argv[0] = "ipesim <name>" and returns the
 * process exit status. */
int ipesim_cmd_phold(int argc, char **argv);
int ipesim_cmd_run(int argc, char **argv);
int ipesim_cmd_check(int argc, char **argv);
int ipesim_cmd_list(int argc, char **argv);
int ipesim_cmd_test(int argc, char **argv);
int ipesim_cmd_plot(int argc, char **argv);

/* One expectation evaluated on the results of one run. */
typedef struct {
  char *scenario; /* the scenario name */
  char *run;      /* "run-N" when [simulation] runs > 1, else NULL */
  char *line;     /* sim_expect_format(): "PASS NAME: ..." or "FAIL NAME: ..." */
  gboolean pass;
} IpesimOutcome;

void ipesim_outcome_free(IpesimOutcome *o);

typedef struct {
  int64_t seed;            /* >= 0 overrides [simulation] seed */
  const char *const *pcap; /* --pcap specs, NULL-terminated, or NULL */
  gboolean plot;           /* render the gnuplot scripts */
  gboolean quiet;          /* no warnings, progress or summary lines */
  gboolean verbose;
  GPtrArray *outcomes;     /* when not NULL, IpesimOutcome of each expectation and run */
} IpesimRunOptions;

/* Loads @path and applies the --set @sets (NULL-terminated, or NULL). */
SimScenario *ipesim_load_scenario(const char *path, char **sets, GError **error);

/* Runs every replication of @sc into @dir (DIR/run-N when [simulation]
 * runs > 1) and evaluates the expectations of each into opt->outcomes.
 * FALSE with @error when a run cannot be built or its results written. */
gboolean ipesim_run_scenario(SimScenario *sc, SimRegistry *reg, const char *dir,
                             const IpesimRunOptions *opt, GError **error);

/* Runs gnuplot on @script in @dir; FALSE with @error if gnuplot is missing
 * (the message names the Debian package) or fails. */
gboolean ipesim_run_gnuplot(const char *dir, const char *script, GError **error);

/* The gnuplot program found in PATH (configure's choice by name), or NULL. */
char *ipesim_gnuplot_find(void);

#endif
