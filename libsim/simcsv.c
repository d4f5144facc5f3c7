/* simcsv.c - CSV output and input over libcsv.
 *
 * Writer: fields go straight to a stdio stream on a temporary file
 * "<path>.tmp-XXXXXX" in the target directory; commit flushes, syncs,
 * closes and renames it into place, abort and every failed commit remove
 * it. A field is quoted only when it must be (a comma, quote, CR or LF,
 * or a leading or trailing blank, which readers would otherwise strip);
 * libcsv's csv_fwrite() does the quoting itself. Numbers are formatted
 * locale-independently. A row with the wrong field count is a programming
 * error of the caller, remembered and reported by commit, which then
 * publishes nothing.
 *
 * Reader: the whole text goes through libcsv's strict parser into one
 * GStringChunk (cell text) and index arrays (cell pointers, row start
 * lines), header row first. Unquoted fields lose surrounding blanks
 * (libcsv's rule, and the reason the writer quotes such fields).
 *
 * The tricky part is line numbers, as libcsv reports fields and rows but
 * no positions. The text is fed in pieces that each end at a CR or LF
 * (the only bytes at which libcsv ends a row), so a row can only end at
 * the end of a piece. Between rows libcsv skips blanks, CR and LF; the
 * next row therefore starts in the first piece that holds any other byte,
 * on the line given by the LF bytes fed before that piece. A quoted field
 * that spans lines simply makes its row's pieces span several lines.
 */
#define G_LOG_DOMAIN "ipesim-csv"
#include "config.h"

#include "simcsv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

G_DEFINE_QUARK(sim-csv-error-quark, sim_csv_error)

/* ---- writer -------------------------------------------------------------- */

struct _SimCsvWriter {
  FILE *fp;          /* on the temporary file */
  char *path;        /* final name */
  char *tmp_path;    /* temporary name, same directory */
  char **columns;    /* header names */
  size_t n_columns;
  size_t n_fields;   /* fields in the current row so far */
  uint64_t rows;     /* data rows ended */
  int io_errno;      /* first write error, 0 while none */
  char *state_error; /* first misuse (field count), NULL while none */
};

/* TRUE if @s (of @len bytes) must be quoted to read back unchanged:
 * separators and quotes, line ends, and blanks at either end (libcsv and
 * most readers strip those from unquoted fields). */
static gboolean
needs_quotes(const char *s, size_t len)
{
  if (len == 0)
    return FALSE;
  if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
    return TRUE;
  for (size_t i = 0; i < len; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
      return TRUE;
  return FALSE;
}

static void
note_io_error(SimCsvWriter *w)
{
  if (w->io_errno == 0)
    w->io_errno = errno != 0 ? errno : EIO;
}

/* Writes one field (separator first when it is not the row's first).
 * Fields beyond the column count are only counted: end_row() reports. */
static void
put_field(SimCsvWriter *w, const char *s, size_t len, gboolean may_need_quotes)
{
  w->n_fields++;
  if (w->n_fields > w->n_columns || w->io_errno != 0 || w->state_error != NULL)
    return;
  errno = 0;
  gboolean ok = w->n_fields == 1 || putc(',', w->fp) != EOF;
  if (ok && may_need_quotes && needs_quotes(s, len))
    ok = csv_fwrite(w->fp, s, len) == 0;
  else if (ok)
    ok = fwrite(s, 1, len, w->fp) == len;
  if (!ok)
    note_io_error(w);
}

static void
end_row(SimCsvWriter *w)
{
  if (w->io_errno == 0 && w->state_error == NULL) {
    errno = 0;
    if (putc('\n', w->fp) == EOF)
      note_io_error(w);
  }
  w->n_fields = 0;
}

static void
writer_free(SimCsvWriter *w)
{
  g_free(w->path);
  g_free(w->tmp_path);
  g_strfreev(w->columns);
  g_free(w->state_error);
  g_free(w);
}

SimCsvWriter *
sim_csv_writer_open(const char *path, const char *const *columns, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(columns != NULL && columns[0] != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  SimCsvWriter *w = g_new0(SimCsvWriter, 1);
  w->path = g_strdup(path);
  w->tmp_path = g_strconcat(path, ".tmp-XXXXXX", NULL);
  w->columns = g_strdupv((char **)columns);
  w->n_columns = g_strv_length(w->columns);

  int fd = g_mkstemp_full(w->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0 || (w->fp = fdopen(fd, "w")) == NULL) {
    int err = errno;
    if (fd >= 0) {
      close(fd);
      g_unlink(w->tmp_path);
    }
    g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO,
                "%s: cannot create a temporary file in its directory: %s", path,
                g_strerror(err));
    writer_free(w);
    return NULL;
  }

  for (size_t i = 0; i < w->n_columns; i++)
    put_field(w, w->columns[i], strlen(w->columns[i]), TRUE);
  end_row(w);
  return w;
}

void
sim_csv_writer_add_string(SimCsvWriter *w, const char *value)
{
  g_return_if_fail(w != NULL);
  g_return_if_fail(value != NULL);
  put_field(w, value, strlen(value), TRUE);
}

void
sim_csv_writer_add_int(SimCsvWriter *w, int64_t value)
{
  g_return_if_fail(w != NULL);
  char buf[32];
  int n = g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  put_field(w, buf, (size_t)n, FALSE);
}

void
sim_csv_writer_add_uint(SimCsvWriter *w, uint64_t value)
{
  g_return_if_fail(w != NULL);
  char buf[32];
  int n = g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
  put_field(w, buf, (size_t)n, FALSE);
}

void
sim_csv_writer_add_double(SimCsvWriter *w, double value, int digits)
{
  g_return_if_fail(w != NULL);
  g_return_if_fail(digits >= 1 && digits <= 17);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isnan(value)) {
    put_field(w, "nan", 3, FALSE);
  } else if (isinf(value)) {
    put_field(w, value > 0 ? "inf" : "-inf", value > 0 ? 3 : 4, FALSE);
  } else {
    /* "%.<digits>g" with '.' as decimal point whatever the locale. */
    char format[8];
    g_snprintf(format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd(buf, sizeof buf, format, value);
    put_field(w, buf, strlen(buf), FALSE);
  }
}

void
sim_csv_writer_add_empty(SimCsvWriter *w)
{
  g_return_if_fail(w != NULL);
  put_field(w, "", 0, FALSE);
}

void
sim_csv_writer_end_row(SimCsvWriter *w)
{
  g_return_if_fail(w != NULL);
  if (w->n_fields != w->n_columns && w->state_error == NULL) {
    char *names = g_strjoinv(",", w->columns);
    w->state_error = g_strdup_printf("data row %" G_GUINT64_FORMAT
                                     ": expected %zu fields (%s), got %zu",
                                     w->rows + 1, w->n_columns, names, w->n_fields);
    g_free(names);
  }
  end_row(w);
  w->rows++;
}

uint64_t
sim_csv_writer_rows(const SimCsvWriter *w)
{
  g_return_val_if_fail(w != NULL, 0);
  return w->rows;
}

gboolean
sim_csv_writer_commit(SimCsvWriter *w, GError **error)
{
  g_return_val_if_fail(w != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

  if (w->state_error == NULL && w->n_fields != 0)
    w->state_error = g_strdup_printf("data row %" G_GUINT64_FORMAT " not ended before commit",
                                     w->rows + 1);
  int err = w->io_errno;
  if (w->state_error == NULL) {
    errno = 0;
    if (fflush(w->fp) != 0 && err == 0)
      err = errno != 0 ? errno : EIO;
    if (ferror(w->fp) && err == 0)
      err = EIO;
    if (err == 0 && fsync(fileno(w->fp)) != 0)
      err = errno;
  }
  errno = 0;
  if (fclose(w->fp) != 0 && err == 0)
    err = errno != 0 ? errno : EIO;
  w->fp = NULL;
  if (w->state_error == NULL && err == 0 && g_rename(w->tmp_path, w->path) != 0)
    err = errno;

  gboolean ok = w->state_error == NULL && err == 0;
  if (!ok) {
    g_unlink(w->tmp_path);
    if (w->state_error != NULL)
      g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_STATE, "%s: %s", w->path,
                  w->state_error);
    else
      g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO, "%s: cannot write CSV file: %s",
                  w->path, g_strerror(err));
  }
  writer_free(w);
  return ok;
}

void
sim_csv_writer_abort(SimCsvWriter *w)
{
  g_return_if_fail(w != NULL);
  fclose(w->fp);
  g_unlink(w->tmp_path);
  writer_free(w);
}

/* ---- reader -------------------------------------------------------------- */

struct _SimCsvTable {
  char *name;
  GStringChunk *text; /* every cell's text, NUL-terminated */
  size_t n_columns;
  size_t n_rows;      /* data rows, header excluded */
  const char **cells; /* (n_rows + 1) * n_columns, header row first */
  size_t *lines;      /* n_rows + 1 start lines, header row first */
};

/* Parser state shared with libcsv's callbacks. */
typedef struct {
  const char *name;
  GStringChunk *text;
  GPtrArray *cells;  /* completed rows, then the current row's fields */
  GArray *lines;     /* size_t start line of each row begun */
  size_t row_fields; /* fields of the current row so far */
  size_t rows_ended;
  size_t n_columns;  /* 0 until the header row has ended */
  GError *error;     /* first error; parsing stops at it */
} Parse;

static size_t
current_row_line(const Parse *ps)
{
  return g_array_index(ps->lines, size_t, ps->lines->len - 1);
}

static void
on_field(void *s, size_t len, void *data)
{
  Parse *ps = data;
  if (ps->error != NULL)
    return;
  if (len == 0)
    s = "";
  if (memchr(s, '\0', len) != NULL) {
    g_set_error(&ps->error, SIM_CSV_ERROR, SIM_CSV_ERROR_PARSE,
                "%s:%zu: expected text, found a NUL byte in field %zu", ps->name,
                current_row_line(ps), ps->row_fields + 1);
    return;
  }
  g_ptr_array_add(ps->cells, g_string_chunk_insert_len(ps->text, s, (gssize)len));
  ps->row_fields++;
}

static void
on_row(int terminator, void *data)
{
  Parse *ps = data;
  (void)terminator;
  ps->rows_ended++;
  if (ps->error != NULL)
    return;
  if (ps->n_columns == 0) {
    ps->n_columns = ps->row_fields;
  } else if (ps->row_fields != ps->n_columns) {
    GString *names = g_string_new(NULL);
    for (size_t i = 0; i < ps->n_columns; i++)
      g_string_append_printf(names, "%s%s", i ? "," : "", (const char *)ps->cells->pdata[i]);
    g_set_error(&ps->error, SIM_CSV_ERROR, SIM_CSV_ERROR_COLUMNS,
                "%s:%zu: expected %zu fields (%s), got %zu", ps->name, current_row_line(ps),
                ps->n_columns, names->str, ps->row_fields);
    g_string_free(names, TRUE);
  }
  ps->row_fields = 0;
}

/* Bytes libcsv skips between rows. */
static gboolean
is_between_rows(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
parse_clear(Parse *ps)
{
  if (ps->text != NULL)
    g_string_chunk_free(ps->text);
  g_ptr_array_free(ps->cells, TRUE);
  g_array_free(ps->lines, TRUE);
}

SimCsvTable *
sim_csv_table_parse(const char *name, const char *data, size_t len, GError **error)
{
  g_return_val_if_fail(name != NULL, NULL);
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  /* A UTF-8 byte order mark (spreadsheet exports) is not part of the
   * first column's name. */
  if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
    data += 3;
    len -= 3;
  }

  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO, "%s: out of memory", name);
    return NULL;
  }
  Parse ps = {
    .name = name,
    .text = g_string_chunk_new(CLAMP(len, 64, (size_t)1 << 20)),
    .cells = g_ptr_array_new(),
    .lines = g_array_new(FALSE, FALSE, sizeof(size_t)),
  };

  size_t line = 1;         /* line of the next piece's first byte */
  size_t line_start = 0;   /* offset of that line's first byte */
  gboolean in_row = FALSE; /* a row has begun and not ended */
  size_t pos = 0;
  while (pos < len && ps.error == NULL) {
    /* The next piece runs through the next CR or LF, or to the end. */
    size_t end = pos;
    while (end < len && data[end] != '\n' && data[end] != '\r')
      end++;
    if (end < len)
      end++;
    for (size_t i = pos; !in_row && i < end; i++)
      if (!is_between_rows(data[i])) {
        g_array_append_val(ps.lines, line);
        in_row = TRUE;
      }
    size_t ended_before = ps.rows_ended;
    size_t n = csv_parse(&parser, data + pos, end - pos, on_field, on_row, &ps);
    if (n != end - pos && ps.error == NULL) {
      if (csv_error(&parser) == CSV_EPARSE)
        g_set_error(&ps.error, SIM_CSV_ERROR, SIM_CSV_ERROR_PARSE,
                    "%s:%zu: malformed quoting at byte %zu of the line: expected quotes "
                    "only around a whole field (a quote inside one written \"\")",
                    name, line, pos + n - line_start + 1);
      else
        g_set_error(&ps.error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO, "%s:%zu: %s", name, line,
                    csv_strerror(csv_error(&parser)));
    }
    /* A row can only end at a piece's last byte. */
    if (ps.rows_ended != ended_before)
      in_row = FALSE;
    if (data[end - 1] == '\n') {
      line++;
      line_start = end;
    }
    pos = end;
  }
  if (ps.error == NULL && csv_fini(&parser, on_field, on_row, &ps) != 0 && ps.error == NULL)
    g_set_error(&ps.error, SIM_CSV_ERROR, SIM_CSV_ERROR_PARSE,
                "%s:%zu: expected a closing quote, found the end of the file (the row "
                "starts on this line)",
                name, current_row_line(&ps));
  csv_free(&parser);
  if (ps.error == NULL && ps.n_columns == 0)
    g_set_error(&ps.error, SIM_CSV_ERROR, SIM_CSV_ERROR_COLUMNS,
                "%s:%zu: expected a header row, found no data", name, line);

  if (ps.error != NULL) {
    g_propagate_error(error, ps.error);
    parse_clear(&ps);
    return NULL;
  }
  g_assert(ps.cells->len == ps.lines->len * ps.n_columns);
  SimCsvTable *t = g_new0(SimCsvTable, 1);
  t->name = g_strdup(name);
  t->text = g_steal_pointer(&ps.text);
  t->n_columns = ps.n_columns;
  t->n_rows = ps.lines->len - 1;
  t->cells = (const char **)g_ptr_array_free(g_steal_pointer(&ps.cells), FALSE);
  t->lines = (size_t *)(void *)g_array_free(g_steal_pointer(&ps.lines), FALSE);
  return t;
}

SimCsvTable *
sim_csv_table_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  char *contents = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents(path, &contents, &len, &local)) {
    g_set_error(error, SIM_CSV_ERROR, SIM_CSV_ERROR_IO, "%s", local->message);
    g_error_free(local);
    return NULL;
  }
  SimCsvTable *t = sim_csv_table_parse(path, contents, len, error);
  g_free(contents);
  return t;
}

void
sim_csv_table_free(SimCsvTable *t)
{
  if (t == NULL)
    return;
  g_free(t->name);
  g_string_chunk_free(t->text);
  g_free(t->cells);
  g_free(t->lines);
  g_free(t);
}

size_t
sim_csv_table_n_columns(const SimCsvTable *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_columns;
}

const char *
sim_csv_table_column_name(const SimCsvTable *t, size_t col)
{
  g_return_val_if_fail(t != NULL, NULL);
  g_return_val_if_fail(col < t->n_columns, NULL);
  return t->cells[col];
}

int
sim_csv_table_column(const SimCsvTable *t, const char *name)
{
  g_return_val_if_fail(t != NULL, -1);
  g_return_val_if_fail(name != NULL, -1);
  for (size_t i = 0; i < t->n_columns; i++)
    if (strcmp(t->cells[i], name) == 0)
      return (int)i;
  return -1;
}

size_t
sim_csv_table_n_rows(const SimCsvTable *t)
{
  g_return_val_if_fail(t != NULL, 0);
  return t->n_rows;
}

const char *
sim_csv_table_get(const SimCsvTable *t, size_t row, size_t col)
{
  g_return_val_if_fail(t != NULL, NULL);
  g_return_val_if_fail(row < t->n_rows && col < t->n_columns, NULL);
  return t->cells[(row + 1) * t->n_columns + col];
}

size_t
sim_csv_table_line(const SimCsvTable *t, size_t row)
{
  g_return_val_if_fail(t != NULL, 0);
  g_return_val_if_fail(row < t->n_rows, 0);
  return t->lines[row + 1];
}

const char *
sim_csv_table_name(const SimCsvTable *t)
{
  g_return_val_if_fail(t != NULL, NULL);
  return t->name;
}
