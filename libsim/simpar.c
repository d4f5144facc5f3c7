/* simpar.c - conservative windows over MPI (see simpar.h).
 *
 * A message on the wire: a 24-byte header (time, origin, sequence number,
 * channel, length) and the payload padded to 8 bytes. Each rank keeps one
 * growing buffer per destination; a window's exchange is one
 * MPI_Alltoall of (bytes for you, my earliest time) pairs and one
 * MPI_Alltoallv of the buffers.
 */
#define G_LOG_DOMAIN "ipesim-engine"
#include "config.h"

#include "simpar.h"

#include <mpi.h>
#include <limits.h>
#include <string.h>

typedef struct {
  int64_t at;
  uint32_t origin;
  uint32_t seq;
  uint32_t channel;
  uint32_t len;
} MsgHeader;
G_STATIC_ASSERT(sizeof(MsgHeader) == 24);

/* What a rank tells every other at the end of a window. */
typedef struct {
  int64_t bytes; /* bytes of messages for the receiver */
  int64_t next;  /* the sender's earliest pending time, messages it sent included */
} WindowInfo;

struct _SimPar {
  SimContext *ctx;
  SimTime lookahead;
  SimParRecvFunc recv;
  void *user;
  int rank, size;
  GByteArray **out; /* per destination */
  SimTime sent_min; /* earliest time among messages sent this window */
  uint64_t buffered; /* messages sent this window */
  WindowInfo *info_out, *info_in;
  int *scount, *sdispl, *rcount, *rdispl;
  uint8_t *sbuf, *rbuf;
  size_t sbuf_cap, rbuf_cap;
  SimParStats stats;
  /* null messages (SIM_PAR_NULL_MESSAGES) */
  SimParSync sync;
  SimTime *in_clock;   /* per rank: no message from it will be earlier */
  SimTime eot_sent;    /* the last promise this rank sent */
  GPtrArray *pending;  /* buffers of sends not yet complete */
  GArray *requests;    /* MPI_Request of those sends */
};

int
sim_par_world_rank(void)
{
  int init = 0, r = 0;
  MPI_Initialized(&init);
  if (init)
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int
sim_par_world_size(void)
{
  int init = 0, n = 1;
  MPI_Initialized(&init);
  if (init)
    MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

SimPar *
sim_par_new(SimContext *ctx, SimTime lookahead, SimParRecvFunc recv, void *user)
{
  g_return_val_if_fail(ctx != NULL && lookahead > 0 && recv != NULL, NULL);
  SimPar *par = g_new0(SimPar, 1);
  par->ctx = ctx;
  par->lookahead = lookahead;
  par->recv = recv;
  par->user = user;
  MPI_Comm_rank(MPI_COMM_WORLD, &par->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &par->size);
  int n = par->size;
  par->out = g_new0(GByteArray *, n);
  for (int r = 0; r < n; r++)
    par->out[r] = g_byte_array_sized_new(4096);
  par->sent_min = SIM_TIME_MAX;
  par->info_out = g_new0(WindowInfo, n);
  par->info_in = g_new0(WindowInfo, n);
  par->scount = g_new0(int, n);
  par->sdispl = g_new0(int, n);
  par->rcount = g_new0(int, n);
  par->rdispl = g_new0(int, n);
  par->sync = SIM_PAR_WINDOWS;
  const char *env = g_getenv("IPESIM_PAR_SYNC");
  if (env && strcmp(env, "null") == 0)
    par->sync = SIM_PAR_NULL_MESSAGES;
  par->in_clock = g_new0(SimTime, n);
  par->pending = g_ptr_array_new_with_free_func(g_free);
  par->requests = g_array_new(FALSE, FALSE, sizeof(MPI_Request));
  return par;
}

void
sim_par_set_sync(SimPar *par, SimParSync sync)
{
  par->sync = sync;
}

SimParSync
sim_par_sync(const SimPar *par)
{
  return par->sync;
}

void
sim_par_free(SimPar *par)
{
  if (!par)
    return;
  for (int r = 0; r < par->size; r++)
    g_byte_array_unref(par->out[r]);
  g_free(par->out);
  g_free(par->info_out);
  g_free(par->info_in);
  g_free(par->scount);
  g_free(par->sdispl);
  g_free(par->rcount);
  g_free(par->rdispl);
  g_free(par->sbuf);
  g_free(par->rbuf);
  g_free(par->in_clock);
  g_ptr_array_unref(par->pending);
  g_array_unref(par->requests);
  g_free(par);
}

int
sim_par_rank(const SimPar *par)
{
  return par->rank;
}

int
sim_par_size(const SimPar *par)
{
  return par->size;
}

uint64_t
sim_par_messages_buffered(const SimPar *par)
{
  return par->buffered;
}

SimTime
sim_par_lookahead(const SimPar *par)
{
  return par->lookahead;
}

uint8_t *
sim_par_send(SimPar *par, int dest, SimTime at, SimEntity *origin, uint32_t channel, size_t len)
{
  g_return_val_if_fail(dest >= 0 && dest < par->size && dest != par->rank, NULL);
  g_return_val_if_fail(len <= UINT32_MAX, NULL);
  /* the conservative promise every window relies on */
  g_assert(at >= sim_now(par->ctx) + par->lookahead);
  GByteArray *b = par->out[dest];
  size_t padded = (len + 7) & ~(size_t)7;
  guint off = b->len;
  g_byte_array_set_size(b, off + (guint)(sizeof(MsgHeader) + padded));
  MsgHeader h = { at, origin->id, origin->seq++, channel, (uint32_t)len };
  memcpy(b->data + off, &h, sizeof h);
  if (at < par->sent_min)
    par->sent_min = at;
  par->buffered++;
  par->stats.messages_sent++;
  par->stats.bytes_sent += sizeof h + padded;
  return b->data + off + sizeof h;
}

static void
check_count(size_t bytes)
{
  if (bytes > INT_MAX) {
    g_printerr("ipesim: more than 2 GiB of messages between two ranks in one window\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

/* The exchange at the end of a window; returns the next window's start. */
static SimTime
exchange(SimPar *par)
{
  int n = par->size;
  SimTime mine = sim_next_event_time(par->ctx);
  if (par->sent_min < mine)
    mine = par->sent_min;
  size_t stotal = 0;
  for (int r = 0; r < n; r++) {
    par->info_out[r].bytes = par->out[r]->len;
    par->info_out[r].next = mine;
    stotal += par->out[r]->len;
  }
  MPI_Alltoall(par->info_out, 2, MPI_INT64_T, par->info_in, 2, MPI_INT64_T, MPI_COMM_WORLD);
  SimTime next = SIM_TIME_MAX;
  size_t rtotal = 0;
  for (int r = 0; r < n; r++) {
    if (par->info_in[r].next < next)
      next = par->info_in[r].next;
    rtotal += (size_t)par->info_in[r].bytes;
  }
  check_count(stotal);
  check_count(rtotal);
  /* with two ranks what one sends the other receives, so both know
   * whether the second step is needed; with more, a rank may be idle
   * while others exchange, and every rank takes the step */
  bool any_global = n > 2 || stotal > 0 || rtotal > 0;
  if (any_global) {
    if (stotal > par->sbuf_cap) {
      g_free(par->sbuf);
      par->sbuf_cap = stotal * 2;
      par->sbuf = g_malloc(par->sbuf_cap);
    }
    if (rtotal > par->rbuf_cap) {
      g_free(par->rbuf);
      par->rbuf_cap = rtotal * 2;
      par->rbuf = g_malloc(par->rbuf_cap);
    }
    size_t so = 0, ro = 0;
    for (int r = 0; r < n; r++) {
      par->scount[r] = (int)par->out[r]->len;
      par->sdispl[r] = (int)so;
      if (par->out[r]->len)
        memcpy(par->sbuf + so, par->out[r]->data, par->out[r]->len);
      so += par->out[r]->len;
      par->rcount[r] = (int)par->info_in[r].bytes;
      par->rdispl[r] = (int)ro;
      ro += (size_t)par->info_in[r].bytes;
    }
    MPI_Alltoallv(par->sbuf, par->scount, par->sdispl, MPI_BYTE, par->rbuf, par->rcount,
                  par->rdispl, MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 0; r < n; r++)
      g_byte_array_set_size(par->out[r], 0);
    size_t off = 0;
    while (off < rtotal) {
      MsgHeader h;
      memcpy(&h, par->rbuf + off, sizeof h);
      off += sizeof h;
      par->recv(par->ctx, par->user, h.at, h.origin, h.seq, h.channel, par->rbuf + off, h.len);
      off += (h.len + 7) & ~(size_t)7;
    }
  }
  par->sent_min = SIM_TIME_MAX;
  par->buffered = 0;
  par->stats.windows++;
  return next;
}

/* ---- null messages (Chandy-Misra-Bryant) ------------------------------------------------
 *
 * Each rank sends every other rank, whenever its promise grows, one MPI
 * message: its promise (no later message from it will be earlier: the
 * earliest of its next event and of its own safe time, plus the
 * lookahead) followed by the messages for that rank. A rank runs every
 * event earlier than the smallest promise it holds; with nothing to run
 * it waits for the next message. The last message of a rank promises
 * SIM_TIME_MAX: it has nothing left before the end. */

#define TAG_NULL 7

static void
reap_sends(SimPar *par, gboolean all)
{
  if (par->requests->len == 0)
    return;
  if (all) {
    MPI_Waitall((int)par->requests->len, (MPI_Request *)par->requests->data, MPI_STATUSES_IGNORE);
  } else {
    int done = 0;
    MPI_Testall((int)par->requests->len, (MPI_Request *)par->requests->data, &done,
                MPI_STATUSES_IGNORE);
    if (!done)
      return;
  }
  g_array_set_size(par->requests, 0);
  g_ptr_array_set_size(par->pending, 0);
}

static void
null_send(SimPar *par, SimTime eot)
{
  for (int r = 0; r < par->size; r++) {
    if (r == par->rank)
      continue;
    GByteArray *b = par->out[r];
    size_t len = sizeof(int64_t) + b->len;
    check_count(len);
    uint8_t *buf = g_malloc(len);
    int64_t e = eot;
    memcpy(buf, &e, sizeof e);
    if (b->len)
      memcpy(buf + sizeof e, b->data, b->len);
    g_byte_array_set_size(b, 0);
    MPI_Request req;
    MPI_Isend(buf, (int)len, MPI_BYTE, r, TAG_NULL, MPI_COMM_WORLD, &req);
    g_ptr_array_add(par->pending, buf);
    g_array_append_val(par->requests, req);
  }
  par->eot_sent = eot;
  par->sent_min = SIM_TIME_MAX;
  par->buffered = 0;
  par->stats.windows++;
}

/* Receives one message (waiting for it when @block); FALSE if none. */
static gboolean
null_receive(SimPar *par, gboolean block)
{
  MPI_Status st;
  int flag = 1;
  if (block)
    MPI_Probe(MPI_ANY_SOURCE, TAG_NULL, MPI_COMM_WORLD, &st);
  else
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_NULL, MPI_COMM_WORLD, &flag, &st);
  if (!flag)
    return FALSE;
  int len = 0;
  MPI_Get_count(&st, MPI_BYTE, &len);
  if ((size_t)len > par->rbuf_cap) {
    g_free(par->rbuf);
    par->rbuf_cap = (size_t)len * 2;
    par->rbuf = g_malloc(par->rbuf_cap);
  }
  MPI_Recv(par->rbuf, len, MPI_BYTE, st.MPI_SOURCE, TAG_NULL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int64_t eot;
  memcpy(&eot, par->rbuf, sizeof eot);
  size_t off = sizeof eot;
  while (off < (size_t)len) {
    MsgHeader h;
    memcpy(&h, par->rbuf + off, sizeof h);
    off += sizeof h;
    par->recv(par->ctx, par->user, h.at, h.origin, h.seq, h.channel, par->rbuf + off, h.len);
    off += (h.len + 7) & ~(size_t)7;
  }
  if (eot > par->in_clock[st.MPI_SOURCE])
    par->in_clock[st.MPI_SOURCE] = eot;
  return TRUE;
}

static SimTime
safe_time(SimPar *par)
{
  SimTime s = SIM_TIME_MAX;
  for (int r = 0; r < par->size; r++)
    if (r != par->rank && par->in_clock[r] < s)
      s = par->in_clock[r];
  return s;
}

static void
run_null_messages(SimPar *par, SimTime end)
{
  SimTime now = sim_now(par->ctx);
  for (int r = 0; r < par->size; r++)
    par->in_clock[r] = now + par->lookahead; /* nobody sends before that */
  par->eot_sent = now;
  gboolean finished = FALSE;
  for (;;) {
    double s0 = MPI_Wtime();
    while (null_receive(par, FALSE))
      ;
    reap_sends(par, FALSE);
    par->stats.sync_seconds += MPI_Wtime() - s0;
    SimTime safe = safe_time(par), next = sim_next_event_time(par->ctx);
    SimTime upto = MIN(safe, end);
    if (next < upto)
      sim_run_until(par->ctx, upto);
    next = sim_next_event_time(par->ctx);
    /* what this rank can promise now */
    SimTime base = MIN(next, safe);
    SimTime eot = base >= end ? SIM_TIME_MAX
                 : base > SIM_TIME_MAX - par->lookahead ? SIM_TIME_MAX : base + par->lookahead;
    if (!finished && (eot > par->eot_sent || par->buffered > 0)) {
      s0 = MPI_Wtime();
      null_send(par, eot);
      par->stats.sync_seconds += MPI_Wtime() - s0;
      finished = eot == SIM_TIME_MAX;
    }
    if (finished && safe == SIM_TIME_MAX)
      break; /* every rank is done, and every message is in */
    if (next < MIN(safe_time(par), end))
      continue; /* more to run without waiting */
    s0 = MPI_Wtime();
    null_receive(par, TRUE);
    par->stats.sync_seconds += MPI_Wtime() - s0;
  }
  reap_sends(par, TRUE);
}

SimRunResult
sim_par_run_until(SimPar *par, SimTime end)
{
  double t0 = MPI_Wtime();
  if (par->sync == SIM_PAR_NULL_MESSAGES) {
    run_null_messages(par, end);
    /* every rank leaves at once, as with windows */
    MPI_Barrier(MPI_COMM_WORLD);
    SimRunResult r = sim_run_until(par->ctx, end);
    par->stats.run_seconds += MPI_Wtime() - t0;
    return r;
  }
  for (;;) {
    double s0 = MPI_Wtime();
    SimTime g = exchange(par);
    par->stats.sync_seconds += MPI_Wtime() - s0;
    if (g >= end)
      break;
    SimTime wend = g > end - par->lookahead ? end : g + par->lookahead;
    sim_run_until(par->ctx, wend);
  }
  SimRunResult r = sim_run_until(par->ctx, end);
  par->stats.run_seconds += MPI_Wtime() - t0;
  return r;
}

void
sim_par_stats(const SimPar *par, SimParStats *stats)
{
  *stats = par->stats;
}

void
sim_par_sum_u64(SimPar *par, uint64_t *values, size_t n)
{
  const size_t chunk = 1u << 24;
  for (size_t off = 0; off < n; off += chunk) {
    int m = (int)MIN(chunk, n - off);
    if (par->rank == 0)
      MPI_Reduce(MPI_IN_PLACE, values + off, m, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    else
      MPI_Reduce(values + off, NULL, m, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  }
}

void
sim_par_gather_bytes(SimPar *par, const void *data, size_t len, GPtrArray **parts)
{
  check_count(len);
  int n = par->size, mine = (int)len;
  int *counts = par->rank == 0 ? g_new0(int, n) : NULL;
  MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
  int *displ = NULL;
  uint8_t *all = NULL;
  if (par->rank == 0) {
    displ = g_new0(int, n);
    size_t total = 0;
    for (int r = 0; r < n; r++) {
      displ[r] = (int)total;
      total += (size_t)counts[r];
    }
    check_count(total);
    all = g_malloc(total ? total : 1);
  }
  MPI_Gatherv(data, mine, MPI_BYTE, all, counts, displ, MPI_BYTE, 0, MPI_COMM_WORLD);
  if (par->rank == 0) {
    *parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (int r = 0; r < n; r++)
      g_ptr_array_add(*parts, g_bytes_new(all + displ[r], (size_t)counts[r]));
    g_free(all);
    g_free(displ);
    g_free(counts);
  } else {
    *parts = NULL;
  }
}

gboolean
sim_par_world_all_ok(gboolean ok)
{
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all != 0;
}

int
sim_par_world_first_failed(gboolean ok)
{
  int mine = ok ? INT_MAX : sim_par_world_rank(), first = INT_MAX;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return first == INT_MAX ? -1 : first;
}

double
sim_par_world_min(double v)
{
  double r = v;
  MPI_Allreduce(&v, &r, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  return r;
}

double
sim_par_world_max(double v)
{
  double r = v;
  MPI_Allreduce(&v, &r, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return r;
}
