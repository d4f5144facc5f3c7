/* simpacket.c - packets and their byte buffers, from per-pool slabs.
 *
 * A packet is a small record (window into a buffer + virtual length +
 * metadata); the bytes live in a separate, reference-counted buffer so
 * that a clone is one record and one increment. Both come from the pool:
 * records from a slab with a free list, buffers from one slab and free
 * list per size class (256, 2048, 10240 bytes of capacity); a buffer
 * larger than the biggest class is an exact-size allocation that is
 * freed, not cached, and sits on the pool's list of large buffers so
 * that sim_packet_pool_free() can release it even while a packet holds it.
 *
 * Invariants:
 *  - buf == NULL implies len == 0; head is then the headroom the first
 *    buffer will get. Otherwise head + len <= buf->size.
 *  - Only push, put and data_writable write bytes, and each of them first
 *    makes the buffer private (ref == 1) and big enough. pull, unpull and
 *    trim only move the window, so a shared buffer is never written.
 *
 * The tricky part is replacing a buffer (to unshare or to grow): the whole
 * used prefix [0, head + len) is copied, headroom included, at the same or
 * a larger offset. Bytes that were pulled off therefore survive, and
 * sim_packet_unpull() keeps working after a copy-on-write or a regrowth.
 * Regrowth adds slack in proportion to the length so that repeated pushes
 * or puts on a large packet copy O(length) bytes in total, not O(length^2).
 */
#define G_LOG_DOMAIN "ipesim-packet"
#include "config.h"

#include "simpacket-private.h"

#include <string.h>

G_STATIC_ASSERT(sizeof(SimPacketBuf) % 16 == 0);

typedef struct {
  size_t size;       /* bytes of capacity, headroom included */
  size_t first_chunk; /* buffers in the first slab chunk of the class */
} BufClass;

enum { BUF_N_CLASSES = 3, BUF_CLASS_LARGE = BUF_N_CLASSES };

static const BufClass buf_classes[BUF_N_CLASSES] = {
  { 256, 64 },
  { 2048, 16 },
  { 10240, 4 },
};

/* Slab chunks double in size up to this many bytes. */
#define SLAB_CHUNK_MAX_BYTES ((size_t)1 << 20)
#define PACKET_FIRST_CHUNK 256
#define CHUNK_ALIGN 64

/* Largest headroom, length or virtual length accepted: far beyond any
 * packet, and small enough that sums of a few of them cannot overflow. */
#define PACKET_SIZE_LIMIT (G_MAXSIZE / 8)

struct _SimPacketPool {
  SimPacket *free_packets;
  size_t n_packets; /* records in all chunks */
  size_t live;
  SimPacketBuf *free_bufs[BUF_N_CLASSES];
  size_t n_bufs[BUF_N_CLASSES]; /* buffers in all chunks of the class */
  SimPacketBuf *large; /* large buffers in use */
  GPtrArray *chunks; /* every slab chunk, freed with g_aligned_free */
};

/* Returned by sim_packet_data() and sim_packet_pull(p, 0) for a packet
 * without a buffer: a valid pointer to no bytes. */
const uint8_t sim__packet_no_bytes[1];

/* ---- pool --------------------------------------------------------------- */

SimPacketPool *
sim_packet_pool_new(void)
{
  SimPacketPool *pool = g_new0(SimPacketPool, 1);
  pool->chunks = g_ptr_array_new_with_free_func(g_aligned_free);
  return pool;
}

void
sim_packet_pool_free(SimPacketPool *pool)
{
  if (!pool)
    return;
  /* Live packets are allowed so that a context can be torn down at any
   * point; their records and buffers go with the chunks. */
  if (pool->live)
    g_debug("packet pool freed with %zu packets still live", pool->live);
  SimPacketBuf *b = pool->large;
  while (b) {
    SimPacketBuf *next = b->next;
    g_aligned_free(b);
    b = next;
  }
  g_ptr_array_unref(pool->chunks);
  g_free(pool);
}

size_t
sim_packet_pool_live(const SimPacketPool *pool)
{
  g_return_val_if_fail(pool != NULL, 0);
  return pool->live;
}

static size_t
chunk_count(size_t have, size_t first, size_t elem)
{
  size_t max = MAX(first, SLAB_CHUNK_MAX_BYTES / elem);
  return have ? MIN(have, max) : first;
}

static void
packet_slab_grow(SimPacketPool *pool)
{
  size_t n = chunk_count(pool->n_packets, PACKET_FIRST_CHUNK, sizeof(SimPacket));
  SimPacket *chunk = g_aligned_alloc(n, sizeof(SimPacket), CHUNK_ALIGN);
  g_ptr_array_add(pool->chunks, chunk);
  pool->n_packets += n;
  /* Threaded in memory order so that allocation walks forward. */
  for (size_t i = 0; i + 1 < n; i++)
    chunk[i].next = &chunk[i + 1];
  chunk[n - 1].next = pool->free_packets;
  pool->free_packets = chunk;
}

static void
buf_slab_grow(SimPacketPool *pool, unsigned cls)
{
  size_t elem = sizeof(SimPacketBuf) + buf_classes[cls].size;
  size_t n = chunk_count(pool->n_bufs[cls], buf_classes[cls].first_chunk, elem);
  uint8_t *chunk = g_aligned_alloc(n, elem, CHUNK_ALIGN);
  g_ptr_array_add(pool->chunks, chunk);
  pool->n_bufs[cls] += n;
  SimPacketBuf *next = pool->free_bufs[cls];
  for (size_t i = n; i-- > 0;) {
    SimPacketBuf *b = (SimPacketBuf *)(void *)(chunk + i * elem);
    b->next = next;
    b->prev = NULL;
    b->size = buf_classes[cls].size;
    b->ref = 0;
    b->cls = cls;
    next = b;
  }
  pool->free_bufs[cls] = next;
}

/* A private buffer (ref 1) of at least @size bytes, contents undefined. */
static SimPacketBuf *
buf_alloc(SimPacketPool *pool, size_t size)
{
  for (unsigned cls = 0; cls < BUF_N_CLASSES; cls++) {
    if (size > buf_classes[cls].size)
      continue;
    if (G_UNLIKELY(pool->free_bufs[cls] == NULL))
      buf_slab_grow(pool, cls);
    SimPacketBuf *b = pool->free_bufs[cls];
    pool->free_bufs[cls] = b->next;
    b->next = NULL;
    b->ref = 1;
    return b;
  }
  SimPacketBuf *b = g_aligned_alloc(1, sizeof(SimPacketBuf) + size, CHUNK_ALIGN);
  b->size = size;
  b->ref = 1;
  b->cls = BUF_CLASS_LARGE;
  b->prev = NULL;
  b->next = pool->large;
  if (pool->large)
    pool->large->prev = b;
  pool->large = b;
  return b;
}

static void
buf_unref(SimPacketPool *pool, SimPacketBuf *b)
{
  g_assert(b->ref > 0);
  if (--b->ref > 0)
    return;
  if (b->cls == BUF_CLASS_LARGE) {
    if (b->prev)
      b->prev->next = b->next;
    else
      pool->large = b->next;
    if (b->next)
      b->next->prev = b->prev;
    g_aligned_free(b);
    return;
  }
  b->next = pool->free_bufs[b->cls];
  pool->free_bufs[b->cls] = b;
}

/* ---- packets -------------------------------------------------------------- */

static SimPacket *
packet_alloc(SimPacketPool *pool)
{
  if (G_UNLIKELY(pool->free_packets == NULL))
    packet_slab_grow(pool);
  SimPacket *p = pool->free_packets;
  pool->free_packets = p->next;
  pool->live++;
  p->next = NULL;
  p->pool = pool;
  return p;
}

/* Gives @p a new private buffer with @grow_front more bytes of headroom
 * and at least @tail bytes of tailroom, keeping the used prefix of the old
 * one (see the overview). */
static void
packet_rebuffer(SimPacket *p, size_t grow_front, size_t tail)
{
  SimPacketBuf *old = p->buf;
  size_t used = p->head + p->len;
  SimPacketBuf *b = buf_alloc(p->pool, grow_front + used + tail);
  if (old) {
    memcpy(b->data + grow_front, old->data, used);
    buf_unref(p->pool, old);
  }
  p->buf = b;
  p->head += grow_front;
}

/* Makes the buffer of @p private, with at least @front bytes of headroom
 * and @back bytes of tailroom. */
SIM_INLINE void
packet_make_room(SimPacket *p, size_t front, size_t back)
{
  SimPacketBuf *b = p->buf;
  if (SIM_LIKELY(b != NULL && b->ref == 1 && p->head >= front &&
                 b->size - p->head - p->len >= back))
    return;
  size_t grow = 0, tail = back;
  if (p->head < front)
    grow = front - p->head + MAX((size_t)SIM_PACKET_DEFAULT_HEADROOM, p->len / 2);
  if (b && b->size - p->head - p->len < back)
    tail = back + p->len / 2;
  packet_rebuffer(p, grow, tail);
}

SimPacket *
sim_packet_new(SimPacketPool *pool, size_t headroom, size_t len, size_t vlen)
{
  g_return_val_if_fail(pool != NULL, NULL);
  g_return_val_if_fail(headroom <= PACKET_SIZE_LIMIT, NULL);
  g_return_val_if_fail(len <= PACKET_SIZE_LIMIT, NULL);
  g_return_val_if_fail(vlen <= PACKET_SIZE_LIMIT, NULL);
  SimPacket *p = packet_alloc(pool);
  p->buf = len ? buf_alloc(pool, headroom + len) : NULL;
  p->head = headroom;
  p->len = len;
  p->vlen = vlen;
  memset(&p->meta, 0, sizeof p->meta);
  return p;
}

SimPacket *
sim_packet_new_from_bytes(SimPacketPool *pool, size_t headroom, const void *data, size_t len,
                          size_t vlen)
{
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  SimPacket *p = sim_packet_new(pool, headroom, len, vlen);
  if (p && len)
    memcpy(p->buf->data + p->head, data, len);
  return p;
}

void
sim_packet_free(SimPacket *p)
{
  if (!p)
    return;
  SimPacketPool *pool = p->pool;
  g_return_if_fail(pool != NULL); /* freed twice */
  if (p->buf)
    buf_unref(pool, p->buf);
  p->buf = NULL;
  p->pool = NULL;
  p->next = pool->free_packets;
  pool->free_packets = p;
  pool->live--;
}

SimPacket *
sim_packet_clone(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL && p->pool != NULL, NULL);
  SimPacket *c = packet_alloc(p->pool);
  c->buf = p->buf;
  if (c->buf)
    c->buf->ref++;
  c->head = p->head;
  c->len = p->len;
  c->vlen = p->vlen;
  c->meta = p->meta;
  return c;
}

SimPacket *
sim_packet_copy(const SimPacket *p, size_t headroom)
{
  g_return_val_if_fail(p != NULL && p->pool != NULL, NULL);
  SimPacket *c = sim_packet_new_from_bytes(p->pool, headroom, sim_packet_data(p), p->len, p->vlen);
  if (c)
    c->meta = p->meta;
  return c;
}

size_t
sim_packet_length(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->len + p->vlen;
}

size_t
sim_packet_real_length(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->len;
}

size_t
sim_packet_virtual_length(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->vlen;
}

size_t
sim_packet_headroom(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, 0);
  return p->head;
}

const uint8_t *
sim_packet_data(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  return p->buf ? p->buf->data + p->head : sim__packet_no_bytes;
}

uint8_t *
sim_packet_data_writable(SimPacket *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  packet_make_room(p, 0, 0);
  return p->buf->data + p->head;
}

uint8_t *
sim_packet_push(SimPacket *p, size_t n)
{
  g_return_val_if_fail(p != NULL, NULL);
  g_return_val_if_fail(n <= PACKET_SIZE_LIMIT - p->len, NULL);
  packet_make_room(p, n, 0);
  p->head -= n;
  p->len += n;
  return p->buf->data + p->head;
}

const uint8_t *
sim_packet_pull(SimPacket *p, size_t n)
{
  g_return_val_if_fail(p != NULL, NULL);
  if (n > p->len)
    return NULL;
  if (!p->buf)
    return sim__packet_no_bytes;
  const uint8_t *d = p->buf->data + p->head;
  p->head += n;
  p->len -= n;
  return d;
}

gboolean
sim_packet_unpull(SimPacket *p, size_t n)
{
  g_return_val_if_fail(p != NULL, FALSE);
  if (n == 0)
    return TRUE;
  if (!p->buf || p->head < n)
    return FALSE;
  p->head -= n;
  p->len += n;
  return TRUE;
}

uint8_t *
sim_packet_put(SimPacket *p, size_t n)
{
  g_return_val_if_fail(p != NULL, NULL);
  g_return_val_if_fail(p->vlen == 0, NULL);
  g_return_val_if_fail(n <= PACKET_SIZE_LIMIT - p->len, NULL);
  packet_make_room(p, 0, n);
  uint8_t *d = p->buf->data + p->head + p->len;
  p->len += n;
  return d;
}

gboolean
sim_packet_trim(SimPacket *p, size_t n)
{
  g_return_val_if_fail(p != NULL, FALSE);
  if (n > p->len + p->vlen)
    return FALSE;
  if (n <= p->vlen) {
    p->vlen -= n;
  } else {
    p->len -= n - p->vlen;
    p->vlen = 0;
  }
  return TRUE;
}

void
sim_packet_set_virtual_length(SimPacket *p, size_t vlen)
{
  g_return_if_fail(p != NULL);
  g_return_if_fail(vlen <= PACKET_SIZE_LIMIT);
  p->vlen = vlen;
}

size_t
sim_packet_copy_out(const SimPacket *p, size_t offset, size_t n, void *dst)
{
  g_return_val_if_fail(p != NULL, 0);
  g_return_val_if_fail(dst != NULL || n == 0, 0);
  size_t total = p->len + p->vlen;
  if (offset >= total)
    return 0;
  n = MIN(n, total - offset);
  size_t real = offset < p->len ? MIN(n, p->len - offset) : 0;
  if (real)
    memcpy(dst, p->buf->data + p->head + offset, real);
  if (n > real)
    memset((uint8_t *)dst + real, 0, n - real);
  return n;
}

SimPacketMeta *
sim_packet_meta(SimPacket *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  return &p->meta;
}

const SimPacketMeta *
sim_packet_meta_const(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  return &p->meta;
}

gboolean
sim_packet_is_shared(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, FALSE);
  return p->buf != NULL && p->buf->ref > 1;
}

SimPacket *
sim_packet_next(const SimPacket *p)
{
  g_return_val_if_fail(p != NULL, NULL);
  return p->next;
}

void
sim_packet_set_next(SimPacket *p, SimPacket *next)
{
  g_return_if_fail(p != NULL);
  p->next = next;
}
