/* simcsv.h - CSV output and input over libcsv.
 *
 * Writer: tidy CSV (RFC 4180): one header row, fields quoted only when
 * they need it (comma, quote, CR/LF or surrounding blanks; quoting by
 * libcsv), LF line ends. The file is written under a temporary name in
 * the target directory and renamed into place by sim_csv_writer_commit(),
 * so a file under the final name is always complete (DESIGN.md rule 9).
 *
 * Reader: loads a whole file into rows of strings with their line
 * numbers, for topology tables and for reading results back. Blanks around
 * unquoted fields are stripped (libcsv's rule; the writer quotes fields
 * that have them), lines are counted by LF, duplicate column names are
 * accepted and lookup returns the first.
 */
#ifndef IPESIM_SIMCSV_H
#define IPESIM_SIMCSV_H

#include "simdefs.h"

G_BEGIN_DECLS

#define SIM_CSV_ERROR (sim_csv_error_quark())
typedef enum {
  SIM_CSV_ERROR_IO,
  SIM_CSV_ERROR_PARSE,   /* malformed CSV */
  SIM_CSV_ERROR_COLUMNS, /* wrong number of fields / unknown column */
  SIM_CSV_ERROR_STATE    /* misuse, e.g. a row with the wrong field count */
} SimCsvError;
SIM_API GQuark sim_csv_error_quark(void);

typedef struct _SimCsvWriter SimCsvWriter;

/**
 * sim_csv_writer_open:
 * @path: final file name
 * @columns: (array zero-terminated=1): header names; every row must have
 *   as many fields
 * Returns: (transfer full) (nullable): the writer, NULL with @error.
 */
SIM_API SimCsvWriter *sim_csv_writer_open(const char *path, const char *const *columns,
                                          GError **error);

/* Field appenders, left to right; a row ends with sim_csv_writer_end_row(). */
SIM_API void sim_csv_writer_add_string(SimCsvWriter *w, const char *value);
SIM_API void sim_csv_writer_add_int(SimCsvWriter *w, int64_t value);
SIM_API void sim_csv_writer_add_uint(SimCsvWriter *w, uint64_t value);
/* %.*g with @digits significant digits (1..17); NaN is written "nan",
 * infinities "inf"/"-inf". */
SIM_API void sim_csv_writer_add_double(SimCsvWriter *w, double value, int digits);
SIM_API void sim_csv_writer_add_empty(SimCsvWriter *w);
/* Ends the row. A row with the wrong number of fields puts the writer in
 * error: commit then fails with SIM_CSV_ERROR_STATE. */
SIM_API void sim_csv_writer_end_row(SimCsvWriter *w);

/* Rows written so far (header excluded). */
SIM_API uint64_t sim_csv_writer_rows(const SimCsvWriter *w);

/* Flushes, syncs and renames into place; frees @w in every case. On
 * failure the temporary file is removed and FALSE returned with @error. */
SIM_API gboolean sim_csv_writer_commit(SimCsvWriter *w, GError **error);
/* Discards the temporary file; frees @w. */
SIM_API void sim_csv_writer_abort(SimCsvWriter *w);

/* g_autoptr(SimCsvWriter) aborts a writer that was not committed: use
 * g_steal_pointer() when committing. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimCsvWriter, sim_csv_writer_abort)

/* ---- reading ------------------------------------------------------------ */

typedef struct _SimCsvTable SimCsvTable;

/**
 * sim_csv_table_load:
 * Reads @path (first row = header). Every row must have as many fields as
 * the header; blank lines are skipped. Errors name the file and line.
 * Returns: (transfer full) (nullable): the table.
 */
SIM_API SimCsvTable *sim_csv_table_load(const char *path, GError **error);
/* Same from memory; @name is used in error messages. */
SIM_API SimCsvTable *sim_csv_table_parse(const char *name, const char *data, size_t len,
                                         GError **error);
SIM_API void sim_csv_table_free(SimCsvTable *t);

SIM_API size_t sim_csv_table_n_columns(const SimCsvTable *t);
SIM_API const char *sim_csv_table_column_name(const SimCsvTable *t, size_t col);
/* Index of a column by name, or -1. */
SIM_API int sim_csv_table_column(const SimCsvTable *t, const char *name);
SIM_API size_t sim_csv_table_n_rows(const SimCsvTable *t);
SIM_API const char *sim_csv_table_get(const SimCsvTable *t, size_t row, size_t col);
/* 1-based line of the file where @row starts. */
SIM_API size_t sim_csv_table_line(const SimCsvTable *t, size_t row);
SIM_API const char *sim_csv_table_name(const SimCsvTable *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimCsvTable, sim_csv_table_free)

G_END_DECLS

#endif /* IPESIM_SIMCSV_H */
