/* tools.h - shared declarations of the ipesim command's subcommands. */
#ifndef IPESIM_TOOLS_H
#define IPESIM_TOOLS_H

#include <glib.h>

/* Each subcommand gets argv with argv[0] = "ipesim <name>" and returns the
 * process exit status. */
int ipesim_cmd_phold(int argc, char **argv);
int ipesim_cmd_run(int argc, char **argv);
int ipesim_cmd_check(int argc, char **argv);
int ipesim_cmd_list(int argc, char **argv);

/* Runs gnuplot on @script in @dir; FALSE with @error if gnuplot is missing
 * (the message names the Debian package) or fails. */
gboolean ipesim_run_gnuplot(const char *dir, const char *script, GError **error);

#endif
