/* simqueue-private.h - event records and the two event queues.
 *
 * Not installed. The 4-ary heap is written inline here because the run
 * loop and the ladder queue's bottom tier both use it on the hot path.
 *
 * Event record: 48 bytes. Its order key is (time, origin, seq); seq is a
 * 32-bit per-origin counter compared with serial-number arithmetic
 * (RFC 1982 style), which is exact as long as two pending events of one
 * origin at one time were scheduled fewer than 2^31 events apart.
 */
#ifndef IPESIM_SIMQUEUE_PRIVATE_H
#define IPESIM_SIMQUEUE_PRIVATE_H

#include "simcontext.h"

typedef struct _SimEvent SimEvent;

/* The heap keeps each event's time in its own entry, so heap contexts
 * allocate event records without the trailing time field (40 bytes);
 * ladder contexts allocate the whole 48. Code on the heap path must never
 * touch ev->time. */
struct _SimEvent {
  SimEventFunc fn; /* NULL when cancelled (ladder) or free */
  void *obj;
  SimEventArg arg;
  uint32_t origin; /* SIM_ENTITY_NONE when free */
  uint32_t seq;
  union {
    uint32_t pos;   /* heap: index in the heap array */
    SimEvent *next; /* ladder lists, slab free list */
  } q;
  SimTime time; /* ladder only */
};

#define SIM_EVENT_SIZE_HEAP offsetof(SimEvent, time)
#define SIM_EVENT_SIZE_LADDER sizeof(SimEvent)
G_STATIC_ASSERT(SIM_EVENT_SIZE_HEAP == 40);
G_STATIC_ASSERT(SIM_EVENT_SIZE_LADDER == 48);

#define SIM_EVENT_POS_NONE UINT32_MAX

/* TRUE if a's key is smaller than b's, given equal times. */
SIM_INLINE bool
sim__event_tie_before(const SimEvent *a, const SimEvent *b)
{
  if (a->origin != b->origin)
    return a->origin < b->origin;
  return (int32_t)(a->seq - b->seq) < 0;
}

/* ---- event slab ------------------------------------------------------ */

typedef struct {
  SimEvent *free;
  GPtrArray *chunks;
  size_t elem_size;       /* SIM_EVENT_SIZE_HEAP or SIM_EVENT_SIZE_LADDER */
  size_t n_chunks_events; /* capacity of all chunks */
} SimEventSlab;

/* Chunks hold this many records (fixed, so slack stays below one chunk). */
#define SIM_EVENT_SLAB_CHUNK 4096

void sim__event_slab_init(SimEventSlab *slab, size_t elem_size);
void sim__event_slab_clear(SimEventSlab *slab);
void sim__event_slab_grow(SimEventSlab *slab, size_t n);

SIM_INLINE SimEvent *
sim__event_alloc(SimEventSlab *slab)
{
  if (SIM_UNLIKELY(slab->free == NULL))
    sim__event_slab_grow(slab, SIM_EVENT_SLAB_CHUNK);
  SimEvent *ev = slab->free;
  slab->free = ev->q.next;
  return ev;
}

SIM_INLINE void
sim__event_release(SimEventSlab *slab, SimEvent *ev)
{
  ev->fn = NULL;
  ev->origin = SIM_ENTITY_NONE;
  ev->q.next = slab->free;
  slab->free = ev;
}

/* ---- 4-ary implicit heap -----------------------------------------------
 * Entries hold the time next to the event pointer so that sifting compares
 * times without touching event records; the four children of a node share
 * one 64-byte cache line (the array is 64-byte aligned and the root sits at
 * index 3, so children of logical node j are physical 4j+4 .. 4j+7).
 * With track_pos, each event's q.pos follows its entry (for removal).
 */

typedef struct {
  SimTime time;
  SimEvent *ev;
} SimHeapEntry;

typedef struct {
  SimHeapEntry *a; /* physical array; logical index j lives at a[j + 3] */
  size_t n;
  size_t cap;
  bool track_pos;
} SimHeap;

#define SIM_HEAP_OFF 3

void sim__heap_init(SimHeap *h, bool track_pos);
void sim__heap_clear(SimHeap *h);
void sim__heap_grow(SimHeap *h);
/* Makes room for at least @cap entries. */
void sim__heap_reserve(SimHeap *h, size_t cap);
void sim__heap_remove(SimHeap *h, SimEvent *ev);

SIM_INLINE bool
sim__heap_entry_before(SimHeapEntry x, SimHeapEntry y)
{
  if (x.time != y.time)
    return x.time < y.time;
  return sim__event_tie_before(x.ev, y.ev);
}

SIM_INLINE void
sim__heap_set(SimHeap *h, size_t j, SimHeapEntry e)
{
  h->a[j + SIM_HEAP_OFF] = e;
  if (h->track_pos)
    e.ev->q.pos = (uint32_t)j;
}

SIM_INLINE void
sim__heap_sift_up(SimHeap *h, size_t j, SimHeapEntry e)
{
  while (j > 0) {
    size_t parent = (j - 1) >> 2;
    SimHeapEntry pe = h->a[parent + SIM_HEAP_OFF];
    if (!sim__heap_entry_before(e, pe))
      break;
    sim__heap_set(h, j, pe);
    j = parent;
  }
  sim__heap_set(h, j, e);
}

SIM_INLINE void
sim__heap_sift_down(SimHeap *h, size_t j, SimHeapEntry e)
{
  size_t n = h->n;
  SimHeapEntry *a = h->a + SIM_HEAP_OFF;
  for (;;) {
    size_t c = 4 * j + 1;
    if (c >= n)
      break;
    /* Fetch the grandchildren's lines while comparing the children: the
     * lower levels of a large heap are not in cache. */
    if (16 * j + 5 < n) {
      __builtin_prefetch(&a[16 * j + 5]);
      __builtin_prefetch(&a[16 * j + 9]);
      __builtin_prefetch(&a[16 * j + 13]);
      __builtin_prefetch(&a[16 * j + 17]);
    }
    size_t best = c;
    SimHeapEntry be = a[c];
    size_t end = c + 4 < n ? c + 4 : n;
    for (size_t k = c + 1; k < end; k++) {
      if (sim__heap_entry_before(a[k], be)) {
        best = k;
        be = a[k];
      }
    }
    if (!sim__heap_entry_before(be, e))
      break;
    sim__heap_set(h, j, be);
    j = best;
  }
  sim__heap_set(h, j, e);
}

SIM_INLINE void
sim__heap_push(SimHeap *h, SimTime t, SimEvent *ev)
{
  if (SIM_UNLIKELY(h->n == h->cap))
    sim__heap_grow(h);
  size_t j = h->n++;
  sim__heap_sift_up(h, j, (SimHeapEntry){ t, ev });
}

SIM_INLINE SimTime
sim__heap_min_time(const SimHeap *h)
{
  return h->n ? h->a[SIM_HEAP_OFF].time : SIM_TIME_MAX;
}

SIM_INLINE SimEvent *
sim__heap_pop(SimHeap *h)
{
  SimEvent *top = h->a[SIM_HEAP_OFF].ev;
  size_t n = --h->n;
  if (n > 0) {
    sim__heap_sift_down(h, 0, h->a[n + SIM_HEAP_OFF]);
    /* Software pipeline for large populations: the new root is most likely
     * the next event to run and its children the one after. Its record was
     * prefetched as a child one pop ago, so reading it is cheap; fetch the
     * object its handler will touch, and the children's records. */
    const SimHeapEntry *a = h->a + SIM_HEAP_OFF;
    __builtin_prefetch(a[0].ev->obj);
    for (size_t c = 1; c <= 4 && c < n; c++)
      __builtin_prefetch(a[c].ev);
  }
  if (h->track_pos)
    top->q.pos = SIM_EVENT_POS_NONE;
  return top;
}

/* ---- ladder queue ------------------------------------------------------
 * Top (unsorted list of far-future events), up to SIM_LADDER_MAX_RUNGS
 * rungs of time buckets (each bucket an unsorted list), and a bottom tier
 * kept as a 4-ary heap. Cancellation is lazy: the event is marked (fn =
 * NULL) and discarded when it reaches the bottom.
 */

#define SIM_LADDER_MAX_RUNGS 8
#define SIM_LADDER_THRESHOLD 50

typedef struct {
  SimTime start;    /* time of bucket 0 */
  SimTime width;    /* bucket width, >= 1 */
  SimTime cur_start; /* start of bucket cur */
  size_t n_buckets;
  size_t cur;        /* first bucket not yet consumed */
  SimEvent **buckets;
  size_t alloc;      /* allocated bucket slots */
} SimLadderRung;

typedef struct {
  SimEvent *top;
  size_t n_top;
  SimTime top_min, top_max;
  SimTime top_start; /* events at or after it go to top */
  SimLadderRung rungs[SIM_LADDER_MAX_RUNGS];
  size_t n_rungs;
  SimHeap bottom;
  size_t n_total;     /* events held in all tiers, cancelled included */
  size_t n_cancelled; /* of which cancelled and not yet released */
  SimEventSlab *slab; /* where pruned cancelled events go */
  SimEvent **scratch;  /* events of the bucket being moved */
  size_t scratch_cap;
} SimLadder;

void sim__ladder_init(SimLadder *l, SimEventSlab *slab);
void sim__ladder_clear(SimLadder *l);
void sim__ladder_push(SimLadder *l, SimEvent *ev);
/* Makes sure the bottom holds the smallest event; returns its time, or
 * SIM_TIME_MAX if empty. */
SimTime sim__ladder_refill(SimLadder *l);
size_t sim__ladder_memory(const SimLadder *l);

SIM_INLINE SimTime
sim__ladder_min_time(SimLadder *l)
{
  if (SIM_LIKELY(l->bottom.n))
    return l->bottom.a[SIM_HEAP_OFF].time;
  return sim__ladder_refill(l);
}

/* Only after sim__ladder_min_time() returned a time. */
SIM_INLINE SimEvent *
sim__ladder_pop(SimLadder *l)
{
  l->n_total--;
  return sim__heap_pop(&l->bottom);
}

#endif /* IPESIM_SIMQUEUE_PRIVATE_H */
