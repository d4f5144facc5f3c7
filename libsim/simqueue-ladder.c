/* simqueue-ladder.c - the ladder queue (Tang, Goh and Thng, ACM TOMACS
 * 2005) with a 4-ary heap as its bottom tier.
 *
 * Tiers, in increasing time: bottom (heap, exact order) < rungs, finest
 * (last) to coarsest (rungs[0]) < top (unsorted list). Invariants:
 *  - every event in the bottom is earlier than cur_start of the lowest
 *    rung; rung i+1 covers exactly the bucket of rung i it was spawned
 *    from, so its events are earlier than rung i's cur_start;
 *  - every event in a rung is earlier than top_start, every event in top is
 *    at or after it.
 * Push therefore walks the rungs from the coarsest and files the event in
 * the first one whose unconsumed range contains it, else in the bottom.
 * Refill takes the next non-empty bucket of the lowest rung: a bucket with
 * more than SIM_LADDER_THRESHOLD events spawns a finer rung, a smaller
 * one is heapified into the bottom. Rung 0 is rebuilt from the top when
 * every rung is used up. Within a tier order does not matter; the bottom
 * heap orders by the full key, so ties are exact.
 *
 * Cancelled events stay where they are (fn == NULL) and are released when
 * a bucket is moved, or by the run loop when they reach the bottom's head.
 */
#define G_LOG_DOMAIN "ipesim-engine"
#include "config.h"

#include "simqueue-private.h"

#include <string.h>

static SimTime
sat_add(SimTime a, SimTime b)
{
  return a > SIM_TIME_MAX - b ? SIM_TIME_MAX : a + b;
}

void
sim__ladder_init(SimLadder *l, SimEventSlab *slab)
{
  memset(l, 0, sizeof *l);
  l->slab = slab;
  l->top_start = INT64_MIN;
  sim__heap_init(&l->bottom, false);
}

static void
release_list(SimEvent *e, SimEventSlab *slab)
{
  while (e) {
    SimEvent *next = e->q.next;
    sim__event_release(slab, e);
    e = next;
  }
}

void
sim__ladder_clear(SimLadder *l)
{
  SimEventSlab *slab = l->slab;
  release_list(l->top, slab);
  for (size_t i = 0; i < SIM_LADDER_MAX_RUNGS; i++) {
    SimLadderRung *r = &l->rungs[i];
    if (i < l->n_rungs)
      for (size_t b = r->cur; b < r->n_buckets; b++)
        release_list(r->buckets[b], slab);
    g_free(r->buckets);
  }
  while (l->bottom.n)
    sim__event_release(slab, sim__heap_pop(&l->bottom));
  sim__heap_clear(&l->bottom);
  g_free(l->scratch);
  memset(l, 0, sizeof *l);
}

size_t
sim__ladder_memory(const SimLadder *l)
{
  size_t bytes = l->bottom.cap * sizeof(SimHeapEntry) + l->scratch_cap * sizeof(SimEvent *);
  for (size_t i = 0; i < SIM_LADDER_MAX_RUNGS; i++)
    bytes += l->rungs[i].alloc * sizeof(SimEvent *);
  return bytes;
}

void
sim__ladder_push(SimLadder *l, SimEvent *ev)
{
  SimTime t = ev->time;
  l->n_total++;
  if (t >= l->top_start) {
    if (l->n_top == 0) {
      l->top_min = l->top_max = t;
    } else {
      if (t < l->top_min)
        l->top_min = t;
      if (t > l->top_max)
        l->top_max = t;
    }
    ev->q.next = l->top;
    l->top = ev;
    l->n_top++;
    return;
  }
  for (size_t i = 0; i < l->n_rungs; i++) {
    SimLadderRung *r = &l->rungs[i];
    if (t >= r->cur_start) {
      size_t b = (size_t)((uint64_t)(t - r->start) / (uint64_t)r->width);
      g_assert(b >= r->cur && b < r->n_buckets);
      ev->q.next = r->buckets[b];
      r->buckets[b] = ev;
      return;
    }
  }
  sim__heap_push(&l->bottom, t, ev);
}

/* Sets up rung @r over [start, start + n_buckets * width) and files the
 * @n events of @evs into it. */
static void
rung_fill(SimLadderRung *r, SimTime start, SimTime width, size_t n_buckets, SimEvent **evs,
          size_t n)
{
  if (r->alloc < n_buckets) {
    g_free(r->buckets);
    r->alloc = MAX(n_buckets, r->alloc * 2);
    r->buckets = g_new(SimEvent *, r->alloc);
  }
  memset(r->buckets, 0, n_buckets * sizeof(SimEvent *));
  r->start = start;
  r->width = width;
  r->cur_start = start;
  r->n_buckets = n_buckets;
  r->cur = 0;
  for (size_t i = 0; i < n; i++) {
    SimEvent *e = evs[i];
    size_t b = (size_t)((uint64_t)(e->time - start) / (uint64_t)width);
    e->q.next = r->buckets[b];
    r->buckets[b] = e;
  }
}

/* One pass over @list: releases cancelled events, collects the live ones
 * into l->scratch and returns their count and time bounds. Each record is
 * touched once (they are scattered in memory: every touch may miss). */
static size_t
list_collect(SimLadder *l, SimEvent *list, SimTime *min, SimTime *max)
{
  size_t n = 0;
  SimTime lo = SIM_TIME_MAX, hi = INT64_MIN;
  while (list) {
    SimEvent *next = list->q.next;
    if (next)
      __builtin_prefetch(next);
    if (list->fn == NULL) {
      sim__event_release(l->slab, list);
      l->n_total--;
      l->n_cancelled--;
    } else {
      if (n == l->scratch_cap) {
        l->scratch_cap = l->scratch_cap ? 2 * l->scratch_cap : 256;
        l->scratch = g_renew(SimEvent *, l->scratch, l->scratch_cap);
      }
      l->scratch[n++] = list;
      if (list->time < lo)
        lo = list->time;
      if (list->time > hi)
        hi = list->time;
    }
    list = next;
  }
  *min = lo;
  *max = hi;
  return n;
}

/* Rebuilds rung 0 from the top list in one pass, with the bounds and
 * count push kept (cancelled events included: bounds stay valid). */
static void
rung_from_top(SimLadder *l)
{
  SimEvent *list = l->top;
  size_t n = l->n_top;
  SimTime lo = l->top_min, hi = l->top_max;
  l->top = NULL;
  l->n_top = 0;
  uint64_t span = (uint64_t)(hi - lo) + 1;
  uint64_t width = (span + n - 1) / n;
  if (width == 0)
    width = 1;
  size_t nb = (size_t)((span + width - 1) / width);
  SimLadderRung *r = &l->rungs[0];
  l->n_rungs = 1;
  rung_fill(r, lo, (SimTime)width, nb, NULL, 0);
  while (list) {
    SimEvent *next = list->q.next;
    if (next)
      __builtin_prefetch(next);
    if (list->fn == NULL) {
      sim__event_release(l->slab, list);
      l->n_total--;
      l->n_cancelled--;
    } else {
      size_t b = (size_t)((uint64_t)(list->time - lo) / width);
      list->q.next = r->buckets[b];
      r->buckets[b] = list;
    }
    list = next;
  }
  /* all top events are < lo + nb*width; saturate for far-future events */
  unsigned __int128 end = (unsigned __int128)(uint64_t)lo + (unsigned __int128)nb * width;
  l->top_start = end > (unsigned __int128)INT64_MAX ? SIM_TIME_MAX : (SimTime)end;
}

SimTime
sim__ladder_refill(SimLadder *l)
{
  for (;;) {
    if (l->bottom.n)
      return l->bottom.a[SIM_HEAP_OFF].time;
    if (l->n_rungs == 0) {
      if (l->n_top == 0)
        return SIM_TIME_MAX;
      rung_from_top(l);
      continue;
    }
    SimLadderRung *r = &l->rungs[l->n_rungs - 1];
    while (r->cur < r->n_buckets && r->buckets[r->cur] == NULL) {
      r->cur++;
      r->cur_start = sat_add(r->cur_start, r->width);
    }
    if (r->cur == r->n_buckets) {
      l->n_rungs--;
      continue;
    }
    SimEvent *raw = r->buckets[r->cur];
    r->buckets[r->cur] = NULL;
    SimTime bstart = r->cur_start;
    r->cur++;
    r->cur_start = sat_add(r->cur_start, r->width);

    SimTime lo, hi;
    size_t n = list_collect(l, raw, &lo, &hi);
    if (n == 0)
      continue;

    if (n > SIM_LADDER_THRESHOLD && l->n_rungs < SIM_LADDER_MAX_RUNGS && hi > lo) {
      /* Spawn a finer rung covering exactly this bucket. */
      uint64_t width = ((uint64_t)r->width + n - 1) / n;
      if (width == 0)
        width = 1;
      size_t nb = (size_t)(((uint64_t)r->width + width - 1) / width);
      SimLadderRung *child = &l->rungs[l->n_rungs++];
      rung_fill(child, bstart, (SimTime)width, nb, l->scratch, n);
      continue;
    }
    for (size_t i = 0; i < n; i++)
      sim__heap_push(&l->bottom, l->scratch[i]->time, l->scratch[i]);
  }
}
