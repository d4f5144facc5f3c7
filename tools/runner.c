/* runner.c - runs a scenario file: one run, or a sweep of runs in parallel.
 *
 * ipesim_run_file() is shared by `ipesim run` and `ipesim test`.
 *
 * Safety of the result folders. A run writes into a hidden staging
 * folder (DIR/.run-K.partial for a sweep, DIR/.partial for a single run),
 * hashes every file it wrote into SHA256SUMS, and only then publishes:
 * a sweep run renames the staging folder to DIR/run-K, a single run moves
 * its files into DIR with manifest.ini and SHA256SUMS last (both removed
 * from DIR before the run starts). A folder is complete when its
 * manifest.ini and SHA256SUMS exist and every file SHA256SUMS lists has
 * that digest; a killed run leaves at most a staging folder, which the
 * next run removes.
 *
 * Resuming. A sweep run whose folder is complete, whose manifest states
 * the same resolved scenario (so the same parameters, seed and run
 * number) and the same build of ipesim, is reused instead of run again
 * (--force runs it anyway). The build is the SHA-256 of the program and
 * of the library file it runs, so results of an older build are redone.
 *
 * Threads. Each run builds its own scenario, registry and context
 * (DESIGN.md rule 1); runs share nothing but the sweep's bookkeeping
 * under one mutex. SIGINT and SIGTERM set a flag that every running
 * simulation polls (sim_stop()); runs not yet started are not started.
 */
#include "config.h"

#include "netscenario.h"
#ifdef IPESIM_WITH_MPI
#include <mpi.h>
#include "netpar.h"
#include "simpar.h"
#endif
#include "simcontext.h"
#include "simcsv.h"
#include "simexpect.h"
#include "simregistry.h"
#include "simscenario.h"
#include "simsweep.h"
#include "plot.h"
#include "tools.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

/* set by the signal handler, read by every run's progress callback */
static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
  (void)sig;
  interrupted = 1;
}

static double
wall(void)
{
  return (double)g_get_monotonic_time() * 1e-6;
}

static long
peak_rss_kb(void)
{
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* ---- files ----------------------------------------------------------------------------------- */

void
ipesim_remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      ipesim_remove_tree(child);
    }
    if (d)
      g_dir_close(d);
  }
  g_remove(path);
}

static char *
file_sha256(const char *path, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
                g_strerror(errno));
    return NULL;
  }
  GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
  guchar buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    g_checksum_update(c, buf, n);
  gboolean bad = ferror(f) != 0;
  fclose(f);
  char *hex = bad ? NULL : g_strdup(g_checksum_get_string(c));
  g_checksum_free(c);
  if (bad)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: read error", path);
  return hex;
}

/* Relative paths of the regular files under @dir (recursively, sorted). */
static void
list_files(const char *dir, const char *rel, GPtrArray *out)
{
  g_autofree char *here = rel ? g_build_filename(dir, rel, NULL) : g_strdup(dir);
  GDir *d = g_dir_open(here, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *r = rel ? g_build_filename(rel, name, NULL) : g_strdup(name);
    g_autofree char *full = g_build_filename(dir, r, NULL);
    if (g_file_test(full, G_FILE_TEST_IS_SYMLINK))
      continue;
    if (g_file_test(full, G_FILE_TEST_IS_DIR))
      list_files(dir, r, out);
    else if (g_file_test(full, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(out, g_steal_pointer(&r));
  }
  g_dir_close(d);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* SHA256SUMS in @dir over every file in it (sha256sum -c reads it). */
static gboolean
write_sums(const char *dir, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  list_files(dir, NULL, files);
  g_ptr_array_sort(files, cmp_str);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < files->len; i++) {
    const char *rel = files->pdata[i];
    if (strcmp(rel, "SHA256SUMS") == 0)
      continue;
    g_autofree char *full = g_build_filename(dir, rel, NULL);
    g_autofree char *hex = file_sha256(full, error);
    if (!hex) {
      g_string_free(s, TRUE);
      return FALSE;
    }
    g_string_append_printf(s, "%s  %s\n", hex, rel);
  }
  g_autofree char *path = g_build_filename(dir, "SHA256SUMS", NULL);
  gboolean ok = g_file_set_contents(path, s->str, (gssize)s->len, error);
  g_string_free(s, TRUE);
  return ok;
}

/* TRUE when SHA256SUMS in @dir lists manifest.ini and every listed file
 * has its digest; @why says what is wrong otherwise. */
static gboolean
sums_hold(const char *dir, char **why)
{
  g_autofree char *path = g_build_filename(dir, "SHA256SUMS", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    *why = g_strdup("no SHA256SUMS");
    return FALSE;
  }
  gboolean manifest = FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    if (strlen(*l) < 67 || (*l)[64] != ' ' || (*l)[65] != ' ') {
      *why = g_strdup("SHA256SUMS is damaged");
      return FALSE;
    }
    const char *rel = *l + 66;
    manifest |= strcmp(rel, "manifest.ini") == 0;
    g_autofree char *full = g_build_filename(dir, rel, NULL);
    g_autofree char *hex = file_sha256(full, NULL);
    if (!hex || strncmp(hex, *l, 64) != 0) {
      *why = g_strdup_printf("%s %s", rel, hex ? "differs from SHA256SUMS" : "is missing");
      return FALSE;
    }
  }
  if (!manifest) {
    *why = g_strdup("SHA256SUMS does not list manifest.ini");
    return FALSE;
  }
  return TRUE;
}

/* The relative paths SHA256SUMS at @path lists (NULL without one); paths
 * that leave the folder are left out. */
static char **
listed_files(const char *path)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  GPtrArray *out = g_ptr_array_new();
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l; l++) {
    if (strlen(*l) < 67 || (*l)[64] != ' ')
      continue;
    const char *rel = *l + 66;
    if (g_path_is_absolute(rel) || strstr(rel, ".."))
      continue;
    g_ptr_array_add(out, g_strdup(rel));
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* Moves the tree @src into @dst (files replace files), removing @src;
 * @last (nullable) names top-level files moved after all others. */
static gboolean
move_tree(const char *src, const char *dst, const char *const *last, GError **error)
{
  if (g_mkdir_with_parents(dst, 0755) != 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dst,
                g_strerror(errno));
    return FALSE;
  }
  for (int pass = 0; pass < 2; pass++) {
    GDir *d = g_dir_open(src, 0, error);
    if (!d)
      return FALSE;
    const char *name;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d)))
      g_ptr_array_add(names, g_strdup(name));
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_str);
    for (guint i = 0; i < names->len; i++) {
      const char *n = names->pdata[i];
      gboolean is_last = last && g_strv_contains(last, n);
      if (is_last != (pass == 1))
        continue;
      g_autofree char *s = g_build_filename(src, n, NULL);
      g_autofree char *t = g_build_filename(dst, n, NULL);
      if (g_file_test(s, G_FILE_TEST_IS_DIR)) {
        if (!move_tree(s, t, NULL, error))
          return FALSE;
      } else if (g_rename(s, t) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s -> %s: %s", s, t,
                    g_strerror(errno));
        return FALSE;
      }
    }
  }
  g_rmdir(src);
  return TRUE;
}

/* The build: SHA-256 of the program and of the file holding the library
 * (the same file when linked statically), 16 hex digits. */
static char *
build_id(void)
{
  GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  Dl_info info;
  const char *lib = dladdr((void *)sim_net_build, &info) && info.dli_fname ? info.dli_fname : NULL;
  const char *files[] = { exe, lib };
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *hex = files[i] ? file_sha256(files[i], NULL) : NULL;
    g_checksum_update(c, (const guchar *)(hex ? hex : "?"), -1);
  }
  char *id = g_strndup(g_checksum_get_string(c), 16);
  g_checksum_free(c);
  return id;
}

/* ---- one run --------------------------------------------------------------------------------- */

typedef enum { RUN_PENDING, RUN_OK, RUN_REUSED, RUN_FAILED, RUN_INTERRUPTED } RunStatus;

typedef struct {
  RunStatus status;
  char *error;        /* RUN_FAILED */
  double *values;     /* one per metric; NAN where it could not be read */
  GPtrArray *outcomes; /* IpesimOutcome */
  double seconds;     /* wall time of the run */
} RunSlot;

typedef struct {
  const char *path;
  char **sets; /* the caller's --set plus --seed */
  const char *dir;
  const IpesimRunOptions *opt;
  SimSweep *sw;
  gboolean sweep;
  char *name;
  char *build;
  GPtrArray *metrics; /* SimMetric */
  RunSlot *slots;
  GMutex lock;
  GCond cond;
  guint done, failed, reused, running, settled;
  double t0, busy; /* start; wall seconds of the runs done (not reused) */
  GHashTable *warned; /* the warnings shown */
  char **metric_errors; /* the first error of each metric */
} Runner;

typedef struct {
  Runner *r;
  gboolean tty;
  double t0, last;
  SimTime end;
} Progress;

static void
on_progress(SimContext *ctx, uint64_t events, void *data)
{
  Progress *p = data;
  if (interrupted) {
    sim_stop(ctx);
    return;
  }
  if (!p->tty)
    return;
  double now = wall();
  if (now - p->last < 0.5)
    return;
  p->last = now;
  double frac = p->end > 0 ? sim_time_to_seconds(sim_now(ctx)) / sim_time_to_seconds(p->end) : 0;
  double elapsed = now - p->t0;
  double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
  char t[SIM_TIME_FORMAT_SIZE], e[SIM_TIME_FORMAT_SIZE];
  fprintf(stderr, "\r  sim %s / %s  %5.1f%%  %.2fM events/s  ETA %.0fs   ",
          sim_time_format(sim_now(ctx), t), sim_time_format(p->end, e), 100 * frac,
          (double)events / elapsed / 1e6, eta);
  fflush(stderr);
}

/* Appends the outcome of every expectation of @sc on @rdir. */
static void
evaluate(SimScenario *sc, const char *label, const char *rdir, GPtrArray *outcomes)
{
  g_autoptr(GPtrArray) ex = sim_expect_list_from_scenario(sc, NULL);
  for (guint i = 0; ex && i < ex->len; i++) {
    SimExpectResult res = SIM_EXPECT_RESULT_INIT;
    IpesimOutcome *o = g_new0(IpesimOutcome, 1);
    o->pass = sim_expect_evaluate(ex->pdata[i], rdir, &res);
    o->scenario = g_strdup(sim_scenario_name(sc));
    o->run = g_strdup(label);
    o->line = sim_expect_format(ex->pdata[i], &res);
    sim_expect_result_clear(&res);
    g_ptr_array_add(outcomes, o);
  }
}

static void
read_metrics(Runner *r, RunSlot *slot, const char *rdir)
{
  slot->values = g_new(double, r->metrics->len);
  for (guint m = 0; m < r->metrics->len; m++) {
    GError *e = NULL;
    if (!sim_metric_evaluate(r->metrics->pdata[m], rdir, &slot->values[m], &e)) {
      slot->values[m] = NAN;
      g_mutex_lock(&r->lock);
      if (!r->metric_errors[m])
        r->metric_errors[m] = g_strdup(e->message);
      g_mutex_unlock(&r->lock);
      g_error_free(e);
    }
  }
}

/* The scenario of run @k: the file, the caller's overrides, the sweep's. */
static SimScenario *
load_run(Runner *r, guint k, GError **error)
{
  SimScenario *sc = ipesim_load_scenario(r->path, r->sets, error);
  if (!sc)
    return NULL;
  if (!r->sweep)
    return sc;
  g_auto(GStrv) a = sim_sweep_run_assignments(r->sw, k);
  for (char **s = a; *s; s++) {
    if (!sim_scenario_set(sc, *s, error)) {
      sim_scenario_free(sc);
      return NULL;
    }
  }
  return sc;
}

/* A complete folder with the same scenario and build: reuse it. */
static gboolean
reusable(Runner *r, const char *rdir, const char *resolved)
{
  g_autofree char *why = NULL;
  g_autofree char *mpath = g_build_filename(rdir, "manifest.ini", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(mpath, &text, NULL, NULL) || !sums_hold(rdir, &why))
    return FALSE;
  g_autofree char *want_build = g_strdup_printf("\nbuild=%s\n", r->build);
  g_autofree char *want_version = g_strdup_printf("\nversion=%s\n", PACKAGE_VERSION);
  return strstr(text, want_build) && strstr(text, want_version) &&
         g_str_has_suffix(text, resolved);
}

/* Runs @k; TRUE unless it failed (then @error). */
static gboolean
run_one(Runner *r, guint k, RunSlot *slot, GError **error)
{
  const IpesimRunOptions *opt = r->opt;
  g_autoptr(SimScenario) sc = load_run(r, k, error);
  if (!sc)
    return FALSE;
  g_autofree char *label = r->sweep ? g_strdup_printf("run-%u", k) : NULL;
  g_autofree char *rdir = label ? g_build_filename(r->dir, label, NULL) : g_strdup(r->dir);
  g_autofree char *resolved = sim_scenario_to_keyfile_data(sc, NULL);
  if (r->sweep && !opt->force && reusable(r, rdir, resolved)) {
    slot->status = RUN_REUSED;
    read_metrics(r, slot, rdir);
    if (opt->outcomes)
      evaluate(sc, label, rdir, slot->outcomes);
    return TRUE;
  }
  g_autofree char *staging = r->sweep ? g_strdup_printf("%s/.run-%u.partial", r->dir, k)
                                      : g_build_filename(r->dir, ".partial", NULL);
  ipesim_remove_tree(staging);
  g_auto(GStrv) previous = NULL;
  if (!r->sweep) {
    /* the folder no longer claims to hold complete results; the files of
     * the previous run go when this one publishes its own */
    g_autofree char *m = g_build_filename(r->dir, "manifest.ini", NULL);
    g_autofree char *s = g_build_filename(r->dir, "SHA256SUMS", NULL);
    previous = listed_files(s);
    g_remove(s);
    g_remove(m);
  }
  if (g_mkdir_with_parents(staging, 0755) != 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", staging,
                g_strerror(errno));
    return FALSE;
  }
  SimRegistry *reg = sim_net_registry_new();
  SimNetBuildOptions bo = { -1, 0, opt->pcap, staging };
  double t0 = wall();
  SimNetRun *run = sim_net_build(sc, reg, &bo, error);
  gboolean ok = run != NULL;
  if (ok) {
    /* each distinct warning once, whichever run gives it first */
    g_mutex_lock(&r->lock);
    for (const char *const *w = sim_net_run_warnings(run); *w; w++)
      if (g_hash_table_add(r->warned, g_strdup(*w)) && !opt->quiet)
        fprintf(stderr, "warning: %s%s%s\n", label ? label : "", label ? ": " : "", *w);
    g_mutex_unlock(&r->lock);
    sim_net_run_add_manifest(run, "build", r->build);
    SimContext *ctx = sim_net_run_context(run);
    Progress pg = { r, !r->sweep && isatty(2) && !opt->quiet, wall(), wall(),
                    sim_net_run_end(run) };
    sim_context_set_progress(ctx, 1 << 16, on_progress, &pg);
    SimNet *net = sim_net_run_net(run);
    if (opt->verbose)
      fprintf(stderr, "%s%sbuilt %u nodes, %u links, %u flows in %.2fs\n", label ? label : "",
              label ? ": " : "", sim_net_n_nodes(net), sim_net_n_links(net), sim_net_n_flows(net),
              wall() - t0);
    double t1 = wall();
    sim_run_until(ctx, sim_net_run_end(run));
    double t2 = wall();
    slot->seconds = t2 - t0;
    if (pg.tty)
      fprintf(stderr, "\r%*s\r", 78, "");
    if (interrupted) {
      slot->status = RUN_INTERRUPTED;
      sim_net_run_free(run);
      sim_registry_free(reg);
      ipesim_remove_tree(staging);
      return TRUE;
    }
    ok = sim_net_run_finish(run, sc, staging, t2 - t1, r->sweep ? -1 : peak_rss_kb(), error) &&
         ipesim_write_run_plots(net, sim_scenario_name(sc), staging, error) &&
         write_sums(staging, error);
    if (ok && r->sweep) {
      ipesim_remove_tree(rdir);
      if (g_rename(staging, rdir) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s -> %s: %s", staging,
                    rdir, g_strerror(errno));
        ok = FALSE;
      }
    } else if (ok) {
      static const char *const last[] = { "manifest.ini", "SHA256SUMS", NULL };
      for (char **f = previous; f && *f; f++) {
        g_autofree char *path = g_build_filename(rdir, *f, NULL);
        g_remove(path);
      }
      ok = move_tree(staging, rdir, last, error);
    }
    if (ok && !opt->quiet && !r->sweep) {
      const SimNetCounters *c = sim_net_counters(net);
      printf("%s: %" G_GUINT64_FORMAT " events in %.3fs (%.2fM/s), %" G_GUINT64_FORMAT
             " packets sent, %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT
             " dropped -> %s/\n",
             sim_scenario_name(sc), sim_events_executed(ctx), t2 - t1,
             (double)sim_events_executed(ctx) / (t2 - t1) / 1e6, c->created, c->delivered,
             c->dropped, rdir);
    }
    if (ok) {
      slot->status = RUN_OK;
      if (opt->outcomes)
        evaluate(sc, label, rdir, slot->outcomes);
      if (r->sweep)
        read_metrics(r, slot, rdir);
    }
  }
  sim_net_run_free(run);
  sim_registry_free(reg);
  if (!ok)
    ipesim_remove_tree(staging);
  return ok;
}

/* ---- the sweep ------------------------------------------------------------------------------- */

static void
format_duration(double s, char *buf, size_t n)
{
  if (s < 90)
    g_snprintf(buf, n, "%.0fs", s);
  else if (s < 5400)
    g_snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  else
    g_snprintf(buf, n, "%.0fh%02.0fm", floor(s / 3600), fmod(s / 60, 60));
}

static void
worker(gpointer data, gpointer user)
{
  Runner *r = user;
  guint k = GPOINTER_TO_UINT(data) - 1;
  RunSlot *slot = &r->slots[k];
  if (interrupted) {
    slot->status = RUN_INTERRUPTED;
  } else {
    g_mutex_lock(&r->lock);
    r->running++;
    g_mutex_unlock(&r->lock);
    GError *e = NULL;
    if (!run_one(r, k, slot, &e)) {
      slot->status = RUN_FAILED;
      slot->error = g_strdup(e->message);
      g_error_free(e);
    }
    g_mutex_lock(&r->lock);
    r->running--;
    g_mutex_unlock(&r->lock);
  }
  if (slot->status == RUN_FAILED || (!r->opt->quiet && !isatty(2) && slot->status != RUN_INTERRUPTED)) {
    g_autofree char *pl = sim_sweep_point_label(r->sw, sim_sweep_run_point(r->sw, k));
    guint rep = sim_sweep_run_replication(r->sw, k);
    if (slot->status == RUN_FAILED)
      fprintf(stderr, "run-%u (%s%sreplication %u) failed: %s\n", k, pl, *pl ? ", " : "", rep,
              slot->error);
    else
      fprintf(stderr, "run-%u (%s%sreplication %u): %s\n", k, pl, *pl ? ", " : "", rep,
              slot->status == RUN_REUSED ? "complete already, reused" : "done");
  }
  g_mutex_lock(&r->lock);
  if (slot->status != RUN_INTERRUPTED)
    r->done++;
  r->failed += slot->status == RUN_FAILED;
  r->reused += slot->status == RUN_REUSED;
  if (slot->status == RUN_OK)
    r->busy += slot->seconds;
  r->settled++;
  g_cond_signal(&r->cond);
  g_mutex_unlock(&r->lock);
}

static void
sweep_progress(Runner *r, guint n, guint jobs)
{
  guint ran = r->done - r->reused - r->failed;
  char eta[32] = "?";
  if (ran > 0) {
    double per = r->busy / ran;
    double left = per * (double)(n - r->done) / (double)MAX(1u, MIN(jobs, n - r->done));
    format_duration(left, eta, sizeof eta);
  }
  char el[32];
  format_duration(wall() - r->t0, el, sizeof el);
  fprintf(stderr, "\r  sweep: %u/%u runs done (%u reused, %u failed), %u running, %s elapsed, "
                  "ETA %s   ",
          r->done, n, r->reused, r->failed, r->running, el, eta);
  fflush(stderr);
}

static gboolean
write_tables(Runner *r, GError **error)
{
  SimSweep *sw = r->sw;
  guint np = sim_sweep_n_params(sw), nm = r->metrics->len, n = sim_sweep_n_runs(sw);
  /* sweep.csv: a row per run */
  g_autoptr(GPtrArray) cols = g_ptr_array_new();
  const char *fixed[] = { "run", "point", "replication", "status" };
  for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
    g_ptr_array_add(cols, (gpointer)fixed[i]);
  for (guint p = 0; p < np; p++)
    g_ptr_array_add(cols, (gpointer)sim_sweep_param(sw, p));
  for (guint m = 0; m < nm; m++)
    g_ptr_array_add(cols, (gpointer)sim_metric_name(r->metrics->pdata[m]));
  g_ptr_array_add(cols, NULL);
  g_autofree char *path = g_build_filename(r->dir, "sweep.csv", NULL);
  SimCsvWriter *w = sim_csv_writer_open(path, (const char *const *)cols->pdata, error);
  if (!w)
    return FALSE;
  for (guint k = 0; k < n; k++) {
    const RunSlot *s = &r->slots[k];
    guint point = sim_sweep_run_point(sw, k);
    sim_csv_writer_add_uint(w, k);
    sim_csv_writer_add_uint(w, point);
    sim_csv_writer_add_uint(w, sim_sweep_run_replication(sw, k));
    sim_csv_writer_add_string(w, s->status == RUN_FAILED ? "failed" : "ok");
    for (guint p = 0; p < np; p++)
      sim_csv_writer_add_string(w, sim_sweep_value(sw, point, p));
    for (guint m = 0; m < nm; m++) {
      if (s->values)
        sim_csv_writer_add_double(w, s->values[m], 12);
      else
        sim_csv_writer_add_empty(w);
    }
    sim_csv_writer_end_row(w);
  }
  if (!sim_csv_writer_commit(w, error))
    return FALSE;
  /* sweep-summary.csv: a row per point and metric */
  g_autoptr(GPtrArray) scols = g_ptr_array_new();
  g_ptr_array_add(scols, (gpointer) "point");
  for (guint p = 0; p < np; p++)
    g_ptr_array_add(scols, (gpointer)sim_sweep_param(sw, p));
  const char *stats[] = { "metric", "n", "mean", "sd", "ci95_low", "ci95_high" };
  for (size_t i = 0; i < G_N_ELEMENTS(stats); i++)
    g_ptr_array_add(scols, (gpointer)stats[i]);
  g_ptr_array_add(scols, NULL);
  g_autofree char *spath = g_build_filename(r->dir, "sweep-summary.csv", NULL);
  w = sim_csv_writer_open(spath, (const char *const *)scols->pdata, error);
  if (!w)
    return FALSE;
  guint reps = sim_sweep_replications(sw);
  g_autofree double *v = g_new(double, reps);
  for (guint point = 0; point < sim_sweep_n_points(sw); point++) {
    for (guint m = 0; m < nm; m++) {
      for (guint i = 0; i < reps; i++) {
        const RunSlot *s = &r->slots[point * reps + i];
        v[i] = s->values ? s->values[m] : NAN;
      }
      SimSummary sum;
      sim_summarize(v, reps, &sum);
      sim_csv_writer_add_uint(w, point);
      for (guint p = 0; p < np; p++)
        sim_csv_writer_add_string(w, sim_sweep_value(sw, point, p));
      sim_csv_writer_add_string(w, sim_metric_name(r->metrics->pdata[m]));
      sim_csv_writer_add_uint(w, sum.n);
      sim_csv_writer_add_double(w, sum.mean, 12);
      sim_csv_writer_add_double(w, sum.sd, 12);
      sim_csv_writer_add_double(w, sum.ci95_low, 12);
      sim_csv_writer_add_double(w, sum.ci95_high, 12);
      sim_csv_writer_end_row(w);
    }
  }
  return sim_csv_writer_commit(w, error);
}

/* sweep.ini: what produced the sweep, and the scenario as resolved. */
static gboolean
write_sweep_manifest(Runner *r, SimScenario *sc, GError **error)
{
  g_autofree char *resolved = sim_scenario_to_keyfile_data(sc, NULL);
  GString *m = g_string_new(NULL);
  g_string_append_printf(m,
                         "# ipesim sweep manifest: the scenario as resolved (includes, defaults "
                         "and overrides applied); each run-K/manifest.ini holds its own run\n"
                         "[manifest]\nprogram=ipesim\nversion=%s\nbuild=%s\nscenario=%s\n"
                         "points=%u\nreplications=%u\nruns=%u\n\n%s",
                         PACKAGE_VERSION, r->build, sim_scenario_name(sc),
                         sim_sweep_n_points(r->sw), sim_sweep_replications(r->sw),
                         sim_sweep_n_runs(r->sw), resolved);
  g_autofree char *path = g_build_filename(r->dir, "sweep.ini", NULL);
  gboolean ok = g_file_set_contents(path, m->str, (gssize)m->len, error);
  g_string_free(m, TRUE);
  return ok;
}

/* Holds DIR/.ipesim-lock exclusively while a run or sweep writes into
 * DIR, so that two commands cannot interleave their runs there. */
static int
lock_dir(const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename(dir, ".ipesim-lock", NULL);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
                g_strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                "%s is in use by another ipesim run (it holds %s); wait for it or choose "
                "another folder with -o",
                dir, path);
    close(fd);
    return -1;
  }
  return fd;
}

static guint
default_jobs(void)
{
  guint n = g_get_num_processors();
  return n ? n : 1;
}

/* ---- one run over several MPI ranks ------------------------------------------------------------ */

G_DEFINE_QUARK(ipesim-rank-error-quark, ipesim_rank_error)

#ifdef IPESIM_WITH_MPI
static gboolean mpi_started;

void
ipesim_mpi_start(int *argc, char ***argv)
{
  /* only when mpirun started us: a plain `ipesim run` needs no MPI */
  if (!g_getenv("OMPI_COMM_WORLD_SIZE") && !g_getenv("PMIX_RANK") && !g_getenv("PMI_RANK"))
    return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  mpi_started = TRUE;
}

void
ipesim_mpi_finish(void)
{
  if (mpi_started)
    MPI_Finalize();
  mpi_started = FALSE;
}

int
ipesim_mpi_rank(void)
{
  return mpi_started ? sim_par_world_rank() : 0;
}

/* Collective: TRUE if every rank is @ok; else the lowest failing rank's
 * error goes to @error on that rank, and a silent IPESIM_RANK_ERROR on the
 * others. Consumes @local. */
static gboolean
agree(gboolean ok, GError *local, GError **error)
{
  int first = sim_par_world_first_failed(ok);
  if (first < 0) {
    g_clear_error(&local);
    return TRUE;
  }
  if (first == sim_par_world_rank() && local) {
    if (first > 0)
      g_prefix_error(&local, "rank %d: ", first);
    g_propagate_error(error, local);
  } else {
    g_clear_error(&local);
    g_set_error(error, IPESIM_RANK_ERROR, 0, "rank %d failed", first);
  }
  return FALSE;
}

static IpesimRunStatus
run_parallel(Runner *r, GError **error)
{
  const IpesimRunOptions *opt = r->opt;
  int rank = sim_par_world_rank(), ranks = sim_par_world_size();
  gboolean ok = TRUE;
  GError *e = NULL;
  int lock = -1;
  g_autofree char *staging = g_build_filename(r->dir, ".partial", NULL);
  g_auto(GStrv) previous = NULL;
  SimScenario *sc = NULL;
  SimRegistry *reg = NULL;
  SimNetRun *run = NULL;
  SimNetPar *np = NULL;
  g_autofree char *desc = NULL; /* before the first goto: freed at every exit */
  g_autofree char *private_dir = NULL;
  if (r->sweep) {
    g_set_error(&e, IPESIM_RANK_ERROR, 1,
                "a sweep cannot run under mpirun yet: run its runs one by one "
                "(mpirun ... ipesim run DIR/run-K/manifest.ini) or without mpirun");
    ok = FALSE;
  } else if (rank != 0) {
    /* captures of this rank's interfaces go to rank 0 after the run */
    private_dir = g_dir_make_tmp("ipesim-rank-XXXXXX", &e); /* mkdtemp(3) template */
    ok = private_dir != NULL;
    if (ok) {
      g_free(staging);
      staging = g_strdup(private_dir);
    }
  } else {
    /* the file system is rank 0's: the others only compute */
    if (g_mkdir_with_parents(r->dir, 0755) != 0) {
      g_set_error(&e, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", r->dir,
                  g_strerror(errno));
      ok = FALSE;
    } else if ((lock = lock_dir(r->dir, &e)) < 0) {
      ok = FALSE;
    } else {
      ipesim_remove_tree(staging);
      g_autofree char *m = g_build_filename(r->dir, "manifest.ini", NULL);
      g_autofree char *sums = g_build_filename(r->dir, "SHA256SUMS", NULL);
      previous = listed_files(sums);
      g_remove(sums);
      g_remove(m);
      if (g_mkdir_with_parents(staging, 0755) != 0) {
        g_set_error(&e, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", staging,
                    g_strerror(errno));
        ok = FALSE;
      }
    }
  }
  if (!agree(ok, e, error))
    goto out;
  e = NULL;
  sc = load_run(r, 0, &e);
  if (!agree(sc != NULL, e, error))
    goto out;
  e = NULL;
  reg = sim_net_registry_new();
  SimNetBuildOptions bo = { -1, 0, opt->pcap, staging };
  double t0 = wall();
  run = sim_net_build(sc, reg, &bo, &e);
  if (!agree(run != NULL, e, error))
    goto out;
  e = NULL;
  if (rank == 0 && !opt->quiet)
    for (const char *const *w = sim_net_run_warnings(run); *w; w++)
      fprintf(stderr, "warning: %s\n", *w);
  np = sim_net_run_parallel(run, &desc, &e);
  if (!agree(np != NULL, e, error))
    goto out;
  e = NULL;
  sim_net_run_add_manifest(run, "build", r->build);
  SimContext *ctx = sim_net_run_context(run);
  SimNet *net = sim_net_run_net(run);
  if (rank == 0 && !opt->quiet)
    fprintf(stderr, "%s: partition: %s\n", sim_scenario_name(sc), desc);
  if (rank == 0 && opt->verbose)
    fprintf(stderr, "built %u nodes, %u links, %u flows in %.2fs\n", sim_net_n_nodes(net),
            sim_net_n_links(net), sim_net_n_flows(net), wall() - t0);
  double t1 = wall();
  sim_net_par_run_until(np, sim_net_run_end(run));
  double t2 = wall();
  SimParStats ps;
  sim_par_stats(sim_net_par_engine(np), &ps);
  uint64_t mine = sim_events_executed(ctx);
  double wait_max = sim_par_world_max(ps.sync_seconds / (t2 - t1));
  double wait_min = sim_par_world_min(ps.sync_seconds / (t2 - t1));
  double ev_max = sim_par_world_max((double)mine), ev_min = sim_par_world_min((double)mine);
  sim_net_run_par_gather(run, np);
  if (rank == 0)
    ok = sim_net_run_finish(run, sc, staging, t2 - t1, peak_rss_kb(), &e);
  GError *ce = NULL;
  if (!sim_net_run_par_captures(run, np, &ce)) {
    if (ok)
      g_propagate_error(&e, ce);
    else
      g_clear_error(&ce);
    ok = FALSE;
  }
  if (rank == 0) {
    ok = ok && ipesim_write_run_plots(net, sim_scenario_name(sc), staging, &e) &&
         write_sums(staging, &e);
    if (ok) {
      static const char *const last[] = { "manifest.ini", "SHA256SUMS", NULL };
      for (char **f = previous; f && *f; f++) {
        g_autofree char *path = g_build_filename(r->dir, *f, NULL);
        g_remove(path);
      }
      ok = move_tree(staging, r->dir, last, &e);
    }
  }
  if (!agree(ok, e, error))
    goto out;
  e = NULL;
  if (rank == 0) {
    if (!opt->quiet) {
      const SimNetCounters *c = sim_net_counters(net);
      printf("%s: %" G_GUINT64_FORMAT " events in %.3fs (%.2fM/s) over %d ranks, %" G_GUINT64_FORMAT
             " packets sent, %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT
             " dropped -> %s/\n",
             sim_scenario_name(sc), sim_net_events_total(net), t2 - t1,
             (double)sim_net_events_total(net) / (t2 - t1) / 1e6, ranks, c->created, c->delivered,
             c->dropped, r->dir);
      printf("%s: %" G_GUINT64_FORMAT " windows of %s, events per rank %.0f to %.0f, waiting %.0f %% "
             "to %.0f %% of the run\n",
             sim_scenario_name(sc), ps.windows,
             sim_time_format(sim_par_lookahead(sim_net_par_engine(np)), (char[SIM_TIME_FORMAT_SIZE]){ 0 }),
             ev_min, ev_max, 100 * wait_min, 100 * wait_max);
    }
    if (opt->outcomes)
      evaluate(sc, NULL, r->dir, r->slots[0].outcomes);
    if (opt->plot) {
      g_autoptr(GError) pe = NULL;
      if (!ipesim_render_run_plots(r->dir, &pe)) {
        g_propagate_error(error, g_steal_pointer(&pe));
        ok = FALSE;
      }
    }
  }
  r->slots[0].status = RUN_OK;
out:
  sim_net_par_free(np);
  if (run)
    sim_net_run_free(run);
  if (reg)
    sim_registry_free(reg);
  if (sc)
    sim_scenario_free(sc);
  if (private_dir)
    ipesim_remove_tree(private_dir); /* this rank's captures, sent to rank 0 */
  if (rank == 0) {
    if (!ok || (error && *error))
      ipesim_remove_tree(staging);
    if (lock >= 0) {
      g_autofree char *lpath = g_build_filename(r->dir, ".ipesim-lock", NULL);
      g_remove(lpath);
      close(lock);
    }
  }
  return error && *error ? IPESIM_RUN_ERROR : IPESIM_RUN_OK;
}
#else
void
ipesim_mpi_start(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
}

void
ipesim_mpi_finish(void)
{
}

int
ipesim_mpi_rank(void)
{
  return 0;
}
#endif

IpesimRunStatus
ipesim_run_file(const char *path, char **sets, const char *outdir, const IpesimRunOptions *opt,
                GError **error)
{
  /* --seed is an override like any other: it then shows in the manifest */
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  for (char **s = sets; s && *s; s++)
    g_ptr_array_add(all, g_strdup(*s));
  if (opt->seed >= 0)
    g_ptr_array_add(all, g_strdup_printf("simulation.seed=%" G_GINT64_FORMAT, opt->seed));
  g_ptr_array_add(all, NULL);
  g_autoptr(SimScenario) sc = ipesim_load_scenario(path, (char **)all->pdata, error);
  if (!sc)
    return IPESIM_RUN_ERROR;
  g_autoptr(SimSweep) sw = sim_sweep_from_scenario(sc, error);
  if (!sw || !ipesim_plot_check_scenario(sc, error))
    return IPESIM_RUN_ERROR;
  g_autoptr(GPtrArray) metrics = sim_metric_list_from_scenario(sc, error);
  if (!metrics)
    return IPESIM_RUN_ERROR;
  if (metrics->len == 0) {
    g_ptr_array_unref(metrics);
    metrics = sim_metric_list_default();
  }
  g_autofree char *dir =
    outdir ? g_strdup(outdir) : g_build_filename("results", sim_scenario_name(sc), NULL);
  Runner r = { 0 };
  r.path = path;
  r.sets = (char **)all->pdata;
  r.dir = dir;
  r.opt = opt;
  r.sw = sw;
  r.sweep = sim_sweep_is_sweep(sw);
  r.build = build_id();
  r.metrics = metrics;
  guint n = sim_sweep_n_runs(sw);
  r.slots = g_new0(RunSlot, n);
  r.metric_errors = g_new0(char *, metrics->len);
  for (guint k = 0; k < n; k++)
    r.slots[k].outcomes = g_ptr_array_new_with_free_func((GDestroyNotify)ipesim_outcome_free);
  r.warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init(&r.lock);
  g_cond_init(&r.cond);
  r.t0 = wall();

  interrupted = 0;
  struct sigaction sa = { 0 }, old_int, old_term;
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  IpesimRunStatus status = IPESIM_RUN_OK;
  int lock = -1;
#ifdef IPESIM_WITH_MPI
  const gboolean parallel = sim_par_world_size() > 1;
#else
  const gboolean parallel = FALSE;
#endif
  if (parallel) {
#ifdef IPESIM_WITH_MPI
    /* mpirun forwards SIGINT and SIGTERM to every rank: they stop at once
     * (a window cannot be left half-done on one rank), rank 0's staging
     * folder is discarded by the next run */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    status = run_parallel(&r, error);
#endif
  } else if (g_mkdir_with_parents(dir, 0755) != 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dir,
                g_strerror(errno));
    status = IPESIM_RUN_ERROR;
  } else if ((lock = lock_dir(dir, error)) < 0) {
    status = IPESIM_RUN_ERROR;
  } else if (!r.sweep) {
    GError *e = NULL;
    if (!run_one(&r, 0, &r.slots[0], &e)) {
      g_propagate_error(error, e);
      status = IPESIM_RUN_ERROR;
    } else if (r.slots[0].status == RUN_INTERRUPTED) {
      status = IPESIM_RUN_INTERRUPTED;
    } else if (opt->plot) {
      g_autoptr(GError) pe = NULL;
      if (!ipesim_render_run_plots(dir, &pe)) {
        g_propagate_error(error, g_steal_pointer(&pe));
        status = IPESIM_RUN_ERROR;
      }
    }
  } else {
    /* the sweep tables are rewritten at the end: stale ones go now */
    g_autofree char *s1 = g_build_filename(dir, "sweep.csv", NULL);
    g_autofree char *s2 = g_build_filename(dir, "sweep-summary.csv", NULL);
    g_remove(s1);
    g_remove(s2);
    guint jobs = opt->jobs > 0 ? (guint)opt->jobs : default_jobs();
    gboolean tty = isatty(2) && !opt->quiet;
    if (!opt->quiet)
      fprintf(stderr, "%s: sweep of %u point%s x %u replication%s = %u runs, %u at a time -> %s/\n",
              sim_scenario_name(sc), sim_sweep_n_points(sw), sim_sweep_n_points(sw) > 1 ? "s" : "",
              sim_sweep_replications(sw), sim_sweep_replications(sw) > 1 ? "s" : "", n,
              MIN(jobs, n), dir);
    GThreadPool *pool = g_thread_pool_new(worker, &r, (gint)MIN(jobs, n), FALSE, error);
    if (!pool) {
      status = IPESIM_RUN_ERROR;
    } else {
      for (guint k = 0; k < n; k++)
        g_thread_pool_push(pool, GUINT_TO_POINTER(k + 1), NULL);
      g_mutex_lock(&r.lock);
      while (r.settled < n) {
        if (tty)
          sweep_progress(&r, n, jobs);
        g_cond_wait_until(&r.cond, &r.lock, g_get_monotonic_time() + G_TIME_SPAN_SECOND / 2);
      }
      g_mutex_unlock(&r.lock);
      g_thread_pool_free(pool, FALSE, TRUE);
      if (tty)
        fprintf(stderr, "\r%*s\r", 100, "");
      if (interrupted) {
        status = IPESIM_RUN_INTERRUPTED;
      } else {
        for (guint m = 0; m < metrics->len; m++)
          if (r.metric_errors[m])
            fprintf(stderr, "warning: metric %s = %s: %s\n", sim_metric_name(metrics->pdata[m]),
                    sim_metric_text(metrics->pdata[m]), r.metric_errors[m]);
        if (!write_tables(&r, error) || !write_sweep_manifest(&r, sc, error))
          status = IPESIM_RUN_ERROR;
        else if (r.failed)
          status = IPESIM_RUN_SOME_FAILED;
        if (!opt->quiet && status != IPESIM_RUN_ERROR) {
          char el[32];
          format_duration(wall() - r.t0, el, sizeof el);
          printf("%s: %u runs (%u ran, %u reused, %u failed) in %s -> %s/sweep.csv, "
                 "sweep-summary.csv\n",
                 sim_scenario_name(sc), n, n - r.reused - r.failed, r.reused, r.failed, el, dir);
        }
      }
    }
  }
  if (status == IPESIM_RUN_INTERRUPTED && !opt->quiet) {
    guint complete = 0;
    for (guint k = 0; k < n; k++)
      complete += r.slots[k].status == RUN_OK || r.slots[k].status == RUN_REUSED;
    if (r.sweep)
      fprintf(stderr, "interrupted: %u of %u runs complete in %s/; the same command continues "
                      "from there\n",
              complete, n, dir);
    else
      fprintf(stderr, "interrupted: no results written to %s/\n", dir);
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (lock >= 0) {
    /* no file left behind; a command that opened it meanwhile has failed
     * to lock it (LOCK_NB) */
    g_autofree char *lpath = g_build_filename(dir, ".ipesim-lock", NULL);
    g_remove(lpath);
    close(lock); /* releases the lock */
  }

  for (guint k = 0; k < n; k++) {
    RunSlot *s = &r.slots[k];
    if (opt->outcomes && s->status == RUN_FAILED && r.sweep) {
      IpesimOutcome *o = g_new0(IpesimOutcome, 1);
      o->scenario = g_strdup(sim_scenario_name(sc));
      o->run = g_strdup_printf("run-%u", k);
      o->line = g_strdup_printf("FAIL the run failed: %s", s->error);
      g_ptr_array_add(opt->outcomes, o);
    }
    if (opt->outcomes)
      for (guint i = 0; i < s->outcomes->len; i++)
        g_ptr_array_add(opt->outcomes, g_steal_pointer(&s->outcomes->pdata[i]));
    g_ptr_array_set_free_func(s->outcomes, NULL);
    g_ptr_array_unref(s->outcomes);
    g_free(s->error);
    g_free(s->values);
  }
  for (guint m = 0; m < metrics->len; m++)
    g_free(r.metric_errors[m]);
  g_free(r.metric_errors);
  g_free(r.slots);
  g_free(r.build);
  g_hash_table_unref(r.warned);
  g_mutex_clear(&r.lock);
  g_cond_clear(&r.cond);
  return status;
}

void
ipesim_outcome_free(IpesimOutcome *o)
{
  if (!o)
    return;
  g_free(o->scenario);
  g_free(o->run);
  g_free(o->line);
  g_free(o);
}
