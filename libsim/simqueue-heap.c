/* simqueue-heap.c - slow paths of the 4-ary heap and the event slab.
 *
 * The hot operations (push, pop, sift) are inline in simqueue-private.h.
 * Here: growth of the 64-byte aligned entry array, removal of an arbitrary
 * event (used by exact cancellation), and the event slab.
 */
#define G_LOG_DOMAIN "ipesim-engine"
#include "config.h"

#include "simqueue-private.h"

#include <string.h>

void
sim__heap_init(SimHeap *h, bool track_pos)
{
  memset(h, 0, sizeof *h);
  h->track_pos = track_pos;
}

void
sim__heap_clear(SimHeap *h)
{
  if (h->a)
    g_aligned_free(h->a);
  h->a = NULL;
  h->n = h->cap = 0;
}

void
sim__heap_reserve(SimHeap *h, size_t cap)
{
  if (cap <= h->cap)
    return;
  /* + SIM_HEAP_OFF slots in front, rounded up to whole cache lines */
  size_t slots = (cap + SIM_HEAP_OFF + 3) & ~(size_t)3;
  SimHeapEntry *a = g_aligned_alloc(slots, sizeof(SimHeapEntry), 64);
  if (h->a) {
    memcpy(a + SIM_HEAP_OFF, h->a + SIM_HEAP_OFF, h->n * sizeof(SimHeapEntry));
    g_aligned_free(h->a);
  }
  h->a = a;
  h->cap = slots - SIM_HEAP_OFF;
}

void
sim__heap_grow(SimHeap *h)
{
  sim__heap_reserve(h, h->cap ? h->cap + h->cap / 2 : 61);
}

void
sim__heap_remove(SimHeap *h, SimEvent *ev)
{
  g_assert(h->track_pos);
  size_t j = ev->q.pos;
  g_assert(j < h->n && h->a[j + SIM_HEAP_OFF].ev == ev);
  size_t last = --h->n;
  ev->q.pos = SIM_EVENT_POS_NONE;
  if (j == last)
    return;
  SimHeapEntry e = h->a[last + SIM_HEAP_OFF];
  /* The moved entry may belong above or below the hole. */
  if (j > 0 && sim__heap_entry_before(e, h->a[(j - 1) / 4 + SIM_HEAP_OFF]))
    sim__heap_sift_up(h, j, e);
  else
    sim__heap_sift_down(h, j, e);
}

void
sim__event_slab_init(SimEventSlab *slab, size_t elem_size)
{
  slab->free = NULL;
  slab->chunks = g_ptr_array_new_with_free_func(g_free);
  slab->elem_size = elem_size;
  slab->n_chunks_events = 0;
}

void
sim__event_slab_clear(SimEventSlab *slab)
{
  if (slab->chunks)
    g_ptr_array_unref(slab->chunks);
  slab->chunks = NULL;
  slab->free = NULL;
  slab->n_chunks_events = 0;
}

void
sim__event_slab_grow(SimEventSlab *slab, size_t n)
{
  char *chunk = g_malloc(n * slab->elem_size);
  g_ptr_array_add(slab->chunks, chunk);
  slab->n_chunks_events += n;
  /* Thread the free list so that allocation order follows memory order. */
  SimEvent *next = slab->free;
  for (size_t i = n; i-- > 0;) {
    SimEvent *ev = (SimEvent *)(chunk + i * slab->elem_size);
    ev->fn = NULL;
    ev->origin = SIM_ENTITY_NONE;
    ev->q.next = next;
    next = ev;
  }
  slab->free = next;
}
