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
  gboolean plot;           /* render the gnuplot scripts of a single run */
  gboolean quiet;          /* no warnings, progress or summary lines */
  gboolean verbose;
  GPtrArray *outcomes;     /* when not NULL, IpesimOutcome of each expectation and run */
  int jobs;                /* runs of a sweep at a time; 0: the number of cores */
  gboolean force;          /* run complete sweep runs again */
} IpesimRunOptions;

typedef enum {
  IPESIM_RUN_OK,
  IPESIM_RUN_SOME_FAILED, /* a sweep ran to its end, but some runs failed */
  IPESIM_RUN_INTERRUPTED, /* SIGINT or SIGTERM: complete runs kept, nothing half-written */
  IPESIM_RUN_ERROR        /* the scenario (or its single run) failed: @error */
} IpesimRunStatus;

/* Errors of a run over several MPI ranks that another rank reports: the
 * rank that found them prints them, the others stay silent. */
#define IPESIM_RANK_ERROR (ipesim_rank_error_quark())
GQuark ipesim_rank_error_quark(void);

/* Loads @path and applies the --set @sets (NULL-terminated, or NULL). */
SimScenario *ipesim_load_scenario(const char *path, char **sets, GError **error);

/* Under mpirun (./configure --with-mpi): MPI_Init when the program was
 * started by mpirun, else nothing; ipesim_mpi_finish() at exit. */
void ipesim_mpi_start(int *argc, char ***argv);
void ipesim_mpi_finish(void);
/* This process's rank under mpirun, 0 otherwise: only rank 0 reports. */
int ipesim_mpi_rank(void);

/* Runs the scenario file @path with the overrides @sets into @dir
 * (default results/<scenario name>): a single run into DIR itself; a
 * sweep ([sweep] section, or [simulation] runs > 1) into DIR/run-K/ with
 * opt->jobs runs in parallel, then DIR/sweep.csv, sweep-summary.csv and
 * sweep.ini (runner.c). Expectations of each run go to opt->outcomes. */
IpesimRunStatus ipesim_run_file(const char *path, char **sets, const char *dir,
                                const IpesimRunOptions *opt, GError **error);
/* Started by mpirun with more than one rank, every rank runs the single
 * run of @path together (docs/parallel.md); rank 0 writes the results. */

/* Writes delay_cdf.gp (and autoconf_cdf.gp with autoconf.csv) into the
 * result folder @dir of @net; ipesim_render_run_plots() runs gnuplot on
 * those whose tables have rows. */
gboolean ipesim_write_run_plots(SimNet *net, const char *scenario, const char *dir,
                                GError **error);
gboolean ipesim_render_run_plots(const char *dir, GError **error);

/* rm -r @path; errors ignored. */
void ipesim_remove_tree(const char *path);

/* Runs gnuplot on @script in @dir; FALSE with @error if gnuplot is missing
 * (the message names the Debian package) or fails. */
gboolean ipesim_run_gnuplot(const char *dir, const char *script, GError **error);

/* The gnuplot program found in PATH (configure's choice by name), or NULL. */
char *ipesim_gnuplot_find(void);

#endif
