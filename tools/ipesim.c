/* ipesim.c - the ipesim command: dispatches to subcommands.
 *
 *   ipesim run SCENARIO ...   run a scenario (cmd-run.c)
 *   ipesim check SCENARIO     validate it
 *   ipesim test SCENARIO...   run and check their [expect] sections (cmd-test.c)
 *   ipesim plot DIR           gnuplot figures of a result folder (cmd-plot.c)
 *   ipesim list               registered model types
 *   ipesim phold [OPTIONS]    PHOLD engine benchmark sweep -> CSV + plot
 *   ipesim --version | --help
 */
#include "config.h"

#include "tools.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", ipesim_cmd_run, "run a scenario: results/<name>/*.csv, manifest, pcap" },
  { "check", ipesim_cmd_check, "validate a scenario without running it" },
  { "test", ipesim_cmd_test, "run scenarios and check their [expect] sections (PASS/FAIL, TAP)" },
  { "plot", ipesim_cmd_plot, "gnuplot figures (PNG, SVG, editable scripts) of a run or a sweep" },
  { "list", ipesim_cmd_list, "list every model type with its parameters" },
  { "phold", ipesim_cmd_phold, "run the PHOLD engine benchmark over LP counts and queues" },
};

static void
usage(FILE *out)
{
  fprintf(out, "Usage: ipesim COMMAND [OPTIONS]\n\nCommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n  ipesim COMMAND --help   options of a command\n"
               "  ipesim --version        print the version\n");
}

char *
ipesim_gnuplot_find(void)
{
  /* looked up at run time by name, so PATH decides (configure only checked
   * that gnuplot was there when building) */
  g_autofree char *name = g_path_get_basename(IPESIM_GNUPLOT);
  return g_find_program_in_path(name);
}

gboolean
ipesim_run_gnuplot(const char *dir, const char *script, GError **error)
{
  g_autofree char *prog = ipesim_gnuplot_find();
  if (!prog) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT,
                "gnuplot not found: install the Debian package gnuplot-nox to render plots "
                "(the script %s/%s is ready)",
                dir, script);
    return FALSE;
  }
  const char *argv[] = { prog, script, NULL };
  int status = 0;
  g_autofree char *err = NULL;
  if (!g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status,
                    error))
    return FALSE;
  if (!g_spawn_check_wait_status(status, NULL)) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "gnuplot failed on %s/%s: %s", dir,
                script, err ? err : "");
    return FALSE;
  }
  return TRUE;
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("ipesim %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (strcmp(argv[1], commands[i].name) == 0) {
      g_autofree char *name = g_strdup_printf("ipesim %s", commands[i].name);
      argv[1] = name;
      ipesim_mpi_start(&argc, &argv);
      int status = commands[i].fn(argc - 1, argv + 1);
      ipesim_mpi_finish();
      return status;
    }
  }
  fprintf(stderr, "ipesim: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
