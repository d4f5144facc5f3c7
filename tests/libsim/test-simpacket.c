/* test-simpacket.c - packets: push/pull, virtual payload, sharing, pools.
 *
 * Every test frees its packets and its pool and checks that the pool's
 * live count is back to zero, so the suite stays clean under ASan/UBSan
 * and valgrind.
 */
#include <criterion/criterion.h>

#include "simpacket.h"

#include <inttypes.h>
#include <string.h>

/* Fills @n bytes at @dst with @seed, @seed + 1, ... (mod 256). */
static void
fill_pattern(uint8_t *dst, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = (uint8_t)(seed + i);
}

/* Index of the first byte of @a that differs from the pattern, or @n. */
static size_t
pattern_mismatch(const uint8_t *a, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    if (a[i] != (uint8_t)(seed + i))
      return i;
  return n;
}

static void
assert_pattern(const uint8_t *a, size_t n, unsigned seed, const char *what)
{
  cr_assert_not_null(a, "%s: NULL data", what);
  size_t i = pattern_mismatch(a, n, seed);
  cr_assert_eq(i, n, "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, i < n ? a[i] : 0,
               (uint8_t)(seed + i));
}

static void
free_pool(SimPacketPool *pool)
{
  size_t live = sim_packet_pool_live(pool);
  sim_packet_pool_free(pool);
  cr_assert_eq(live, 0, "%zu packets still live at the end of the test", live);
}

Test(packet, push_pull_round_trip)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = sim_packet_new(pool, 64, 0, 100);

  uint8_t *l4 = sim_packet_push(p, 8);
  fill_pattern(l4, 8, 0x10);
  uint8_t *l3 = sim_packet_push(p, 40);
  fill_pattern(l3, 40, 0x80);
  cr_assert_eq(sim_packet_real_length(p), 48, "real length %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_length(p), 148, "length %zu", sim_packet_length(p));
  cr_assert_eq(sim_packet_headroom(p), 16, "headroom %zu", sim_packet_headroom(p));

  const uint8_t *h = sim_packet_pull(p, 40);
  assert_pattern(h, 40, 0x80, "pulled outer header");
  h = sim_packet_pull(p, 8);
  assert_pattern(h, 8, 0x10, "pulled inner header");
  cr_assert_eq(sim_packet_real_length(p), 0, "real length %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_virtual_length(p), 100, "vlen %zu", sim_packet_virtual_length(p));
  cr_assert_eq(sim_packet_headroom(p), 64, "headroom %zu", sim_packet_headroom(p));

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, pull_beyond_real_length_returns_null)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[10];
  fill_pattern(bytes, sizeof bytes, 1);
  SimPacket *p = sim_packet_new_from_bytes(pool, 32, bytes, sizeof bytes, 100);

  const uint8_t *h = sim_packet_pull(p, 11);
  cr_assert_null(h, "pull of 11 from 10 real bytes returned %p", (const void *)h);
  cr_assert_eq(sim_packet_real_length(p), 10, "real length %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_virtual_length(p), 100, "vlen %zu", sim_packet_virtual_length(p));
  cr_assert_eq(sim_packet_headroom(p), 32, "headroom %zu", sim_packet_headroom(p));
  assert_pattern(sim_packet_data(p), 10, 1, "data after failed pull");

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, virtual_payload_lengths)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = sim_packet_new(pool, SIM_PACKET_DEFAULT_HEADROOM, 0, 1000);

  cr_assert_eq(sim_packet_length(p), 1000, "length %zu", sim_packet_length(p));
  cr_assert_eq(sim_packet_real_length(p), 0, "real %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_virtual_length(p), 1000, "vlen %zu", sim_packet_virtual_length(p));

  sim_packet_set_virtual_length(p, 500);
  cr_assert_eq(sim_packet_length(p), 500, "length %zu", sim_packet_length(p));
  memset(sim_packet_push(p, 40), 0x60, 40);
  cr_assert_eq(sim_packet_length(p), 540, "length %zu", sim_packet_length(p));
  cr_assert_eq(sim_packet_real_length(p), 40, "real %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_virtual_length(p), 500, "vlen %zu", sim_packet_virtual_length(p));

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, empty_packet_needs_no_buffer)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = sim_packet_new(pool, 64, 0, 100);

  cr_assert_not_null(sim_packet_data(p), "data of an empty packet is NULL");
  cr_assert_eq(sim_packet_headroom(p), 64, "headroom %zu", sim_packet_headroom(p));
  cr_assert_not_null(sim_packet_pull(p, 0), "pull of 0 bytes failed");
  cr_assert_null(sim_packet_pull(p, 1), "pull of 1 byte from no real bytes succeeded");
  cr_assert(sim_packet_unpull(p, 0), "unpull of 0 bytes failed");
  cr_assert_not(sim_packet_unpull(p, 1), "unpull with no bytes in the buffer succeeded");
  cr_assert_not(sim_packet_is_shared(p), "fresh packet is shared");

  SimPacket *c = sim_packet_clone(p);
  cr_assert_not(sim_packet_is_shared(c), "clone without bytes reports sharing");
  fill_pattern(sim_packet_push(c, 4), 4, 9);
  assert_pattern(sim_packet_data(c), 4, 9, "clone after push");
  cr_assert_eq(sim_packet_real_length(p), 0, "original real length %zu",
               sim_packet_real_length(p));

  sim_packet_free(c);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, put_appends_real_bytes)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = sim_packet_new(pool, 16, 0, 0);

  fill_pattern(sim_packet_put(p, 3), 3, 0);
  fill_pattern(sim_packet_put(p, 5), 5, 3);
  cr_assert_eq(sim_packet_real_length(p), 8, "real %zu", sim_packet_real_length(p));
  assert_pattern(sim_packet_data(p), 8, 0, "after two puts");

  /* More than any tailroom: the buffer grows and keeps its bytes. */
  fill_pattern(sim_packet_put(p, 3000), 3000, 8);
  cr_assert_eq(sim_packet_real_length(p), 3008, "real %zu", sim_packet_real_length(p));
  cr_assert_eq(sim_packet_headroom(p), 16, "headroom %zu", sim_packet_headroom(p));
  assert_pattern(sim_packet_data(p), 3008, 0, "after growing put");

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, trim_removes_virtual_bytes_first)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[10];
  fill_pattern(bytes, sizeof bytes, 0);
  SimPacket *p = sim_packet_new_from_bytes(pool, 0, bytes, sizeof bytes, 100);

  cr_assert(sim_packet_trim(p, 50), "trim 50 of 110 failed");
  cr_assert_eq(sim_packet_virtual_length(p), 50, "vlen %zu", sim_packet_virtual_length(p));
  cr_assert_eq(sim_packet_real_length(p), 10, "real %zu", sim_packet_real_length(p));

  cr_assert(sim_packet_trim(p, 55), "trim 55 of 60 failed");
  cr_assert_eq(sim_packet_virtual_length(p), 0, "vlen %zu", sim_packet_virtual_length(p));
  cr_assert_eq(sim_packet_real_length(p), 5, "real %zu", sim_packet_real_length(p));
  assert_pattern(sim_packet_data(p), 5, 0, "after trimming into real bytes");

  cr_assert_not(sim_packet_trim(p, 6), "trim 6 of 5 succeeded");
  cr_assert_eq(sim_packet_real_length(p), 5, "real %zu after failed trim",
               sim_packet_real_length(p));

  cr_assert(sim_packet_trim(p, 5), "trim 5 of 5 failed");
  cr_assert_eq(sim_packet_length(p), 0, "length %zu", sim_packet_length(p));

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, clone_shares_and_copies_on_write)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[100];
  fill_pattern(bytes, sizeof bytes, 0x20);
  SimPacket *p = sim_packet_new_from_bytes(pool, 64, bytes, sizeof bytes, 500);
  SimPacket *c = sim_packet_clone(p);
  SimPacket *d = sim_packet_clone(p);

  cr_assert(sim_packet_is_shared(p), "original not shared after clone");
  cr_assert(sim_packet_is_shared(c), "clone not shared");
  cr_assert_eq(sim_packet_data(p), sim_packet_data(c), "clone does not share the bytes");
  cr_assert_eq(sim_packet_length(c), 600, "clone length %zu", sim_packet_length(c));

  /* Writing through the clone leaves the original alone. */
  fill_pattern(sim_packet_push(c, 40), 40, 0xa0);
  cr_assert_not(sim_packet_is_shared(c), "clone still shared after push");
  cr_assert_neq(sim_packet_data(p), sim_packet_data(c), "push wrote into the shared buffer");
  cr_assert_eq(sim_packet_real_length(p), 100, "original real %zu", sim_packet_real_length(p));
  assert_pattern(sim_packet_data(p), 100, 0x20, "original after clone's push");
  assert_pattern(sim_packet_data(c), 40, 0xa0, "clone's pushed header");
  assert_pattern(sim_packet_data(c) + 40, 100, 0x20, "clone's payload");

  /* The other clone and the original still share; data_writable unshares. */
  cr_assert(sim_packet_is_shared(p), "original and second clone no longer share");
  uint8_t *w = sim_packet_data_writable(d);
  w[0] = 0xff;
  cr_assert_eq(sim_packet_data(p)[0], 0x20, "original byte 0 is 0x%02x after write to clone",
               sim_packet_data(p)[0]);
  cr_assert_not(sim_packet_is_shared(p), "original shared after the last clone unshared");
  cr_assert_not(sim_packet_is_shared(d), "second clone shared after data_writable");

  /* A clone that trims and puts does not touch the shared tail either. */
  sim_packet_set_virtual_length(p, 0);
  SimPacket *e = sim_packet_clone(p);
  cr_assert(sim_packet_trim(e, 10), "trim of clone failed");
  memset(sim_packet_put(e, 10), 0, 10);
  assert_pattern(sim_packet_data(p), 100, 0x20, "original after clone's trim and put");

  sim_packet_free(p);
  sim_packet_free(c);
  sim_packet_free(d);
  sim_packet_free(e);
  free_pool(pool);
}

Test(packet, copy_is_deep)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[60];
  fill_pattern(bytes, sizeof bytes, 3);
  SimPacket *p = sim_packet_new_from_bytes(pool, 8, bytes, sizeof bytes, 40);
  sim_packet_meta(p)->flow_id = 77;
  SimPacket *c = sim_packet_copy(p, 300);

  cr_assert_not(sim_packet_is_shared(p), "original shared after a deep copy");
  cr_assert_not(sim_packet_is_shared(c), "deep copy is shared");
  cr_assert_neq(sim_packet_data(p), sim_packet_data(c), "deep copy shares the bytes");
  cr_assert_geq(sim_packet_headroom(c), 300, "copy headroom %zu", sim_packet_headroom(c));
  cr_assert_eq(sim_packet_real_length(c), 60, "copy real %zu", sim_packet_real_length(c));
  cr_assert_eq(sim_packet_virtual_length(c), 40, "copy vlen %zu", sim_packet_virtual_length(c));
  cr_assert_eq(sim_packet_meta_const(c)->flow_id, 77, "copy flow_id %" PRIu64,
               sim_packet_meta_const(c)->flow_id);
  assert_pattern(sim_packet_data(c), 60, 3, "copy bytes");

  sim_packet_data_writable(c)[5] = 0;
  assert_pattern(sim_packet_data(p), 60, 3, "original after writing the copy");

  sim_packet_free(c);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, push_regrows_headroom)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[100];
  fill_pattern(bytes, sizeof bytes, 0);
  SimPacket *p = sim_packet_new_from_bytes(pool, 16, bytes, sizeof bytes, 0);

  for (unsigned i = 0; i < 10; i++) {
    uint8_t *h = sim_packet_push(p, 40);
    cr_assert_not_null(h, "push %u returned NULL", i);
    memset(h, (int)(i + 1), 40);
    if (i == 0)
      cr_assert_geq(sim_packet_headroom(p), SIM_PACKET_DEFAULT_HEADROOM,
                    "headroom %zu after the first regrowth", sim_packet_headroom(p));
  }
  cr_assert_eq(sim_packet_real_length(p), 500, "real %zu", sim_packet_real_length(p));

  for (unsigned i = 10; i-- > 0;) {
    const uint8_t *h = sim_packet_pull(p, 40);
    cr_assert_not_null(h, "pull of header %u failed", i);
    for (size_t j = 0; j < 40; j++)
      cr_assert_eq(h[j], i + 1, "header %u byte %zu is %u", i, j, h[j]);
  }
  assert_pattern(sim_packet_data(p), 100, 0, "payload after regrowth");

  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, copy_out_reads_virtual_payload_as_zeros)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[10];
  fill_pattern(bytes, sizeof bytes, 1); /* 1..10 */
  SimPacket *p = sim_packet_new_from_bytes(pool, 0, bytes, sizeof bytes, 20);
  uint8_t out[64];

  memset(out, 0xaa, sizeof out);
  size_t n = sim_packet_copy_out(p, 0, 30, out);
  cr_assert_eq(n, 30, "copied %zu of 30", n);
  assert_pattern(out, 10, 1, "real part");
  for (size_t i = 10; i < 30; i++)
    cr_assert_eq(out[i], 0, "virtual byte %zu is 0x%02x", i, out[i]);
  cr_assert_eq(out[30], 0xaa, "byte past the copy written: 0x%02x", out[30]);

  /* Crossing the real/virtual boundary from an offset. */
  memset(out, 0xaa, sizeof out);
  n = sim_packet_copy_out(p, 5, 10, out);
  cr_assert_eq(n, 10, "copied %zu of 10", n);
  assert_pattern(out, 5, 6, "real part from offset 5");
  for (size_t i = 5; i < 10; i++)
    cr_assert_eq(out[i], 0, "virtual byte %zu is 0x%02x", i, out[i]);

  /* Only real bytes. */
  n = sim_packet_copy_out(p, 2, 3, out);
  cr_assert_eq(n, 3, "copied %zu of 3", n);
  assert_pattern(out, 3, 3, "real bytes 2..4");

  /* Only virtual bytes, cut at the end of the packet. */
  memset(out, 0xaa, sizeof out);
  n = sim_packet_copy_out(p, 25, 100, out);
  cr_assert_eq(n, 5, "copied %zu past the end, expected 5", n);
  for (size_t i = 0; i < 5; i++)
    cr_assert_eq(out[i], 0, "virtual byte %zu is 0x%02x", i, out[i]);
  cr_assert_eq(out[5], 0xaa, "byte past the end written: 0x%02x", out[5]);

  n = sim_packet_copy_out(p, 30, 1, out);
  cr_assert_eq(n, 0, "copied %zu at the end", n);

  /* A packet without real bytes. */
  SimPacket *v = sim_packet_new(pool, 0, 0, 8);
  memset(out, 0xaa, sizeof out);
  n = sim_packet_copy_out(v, 0, 8, out);
  cr_assert_eq(n, 8, "copied %zu of 8 virtual", n);
  for (size_t i = 0; i < 8; i++)
    cr_assert_eq(out[i], 0, "virtual byte %zu is 0x%02x", i, out[i]);

  sim_packet_free(v);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, unpull_restores_pulled_bytes)
{
  SimPacketPool *pool = sim_packet_pool_new();
  uint8_t bytes[48];
  fill_pattern(bytes, sizeof bytes, 0x40);
  SimPacket *p = sim_packet_new_from_bytes(pool, 4, bytes, sizeof bytes, 0);

  cr_assert_not_null(sim_packet_pull(p, 40), "pull failed");
  cr_assert(sim_packet_unpull(p, 40), "unpull failed");
  cr_assert_eq(sim_packet_real_length(p), 48, "real %zu", sim_packet_real_length(p));
  assert_pattern(sim_packet_data(p), 48, 0x40, "after unpull");

  cr_assert_not(sim_packet_unpull(p, 5), "unpull of 5 with headroom %zu succeeded",
                sim_packet_headroom(p));
  cr_assert_eq(sim_packet_real_length(p), 48, "real %zu after failed unpull",
               sim_packet_real_length(p));

  /* Pulled bytes survive a copy-on-write of the buffer. */
  cr_assert_not_null(sim_packet_pull(p, 40), "pull failed");
  SimPacket *c = sim_packet_clone(p);
  sim_packet_data_writable(p)[0] = 0x48;
  cr_assert_not(sim_packet_is_shared(p), "still shared after data_writable");
  cr_assert(sim_packet_unpull(p, 40), "unpull after copy-on-write failed");
  assert_pattern(sim_packet_data(p), 40, 0x40, "after unpull across copy-on-write");
  cr_assert_eq(sim_packet_data(p)[40], 0x48, "written byte is 0x%02x", sim_packet_data(p)[40]);
  cr_assert_eq(sim_packet_data(c)[0], 0x68, "clone's byte is 0x%02x after the original's write",
               sim_packet_data(c)[0]);

  sim_packet_free(c);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, clone_copies_metadata)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *p = sim_packet_new(pool, 0, 0, 10);
  SimPacket *q = sim_packet_new(pool, 0, 0, 10);
  sim_packet_set_next(p, q);
  SimPacketMeta *m = sim_packet_meta(p);
  cr_assert_eq(m->flow_id, 0, "new packet flow_id %" PRIu64, m->flow_id);
  m->flow_id = 1;
  m->created = SIM_US(5);
  m->trace_id = 3;
  m->nrp_id = 4;
  m->mark = 5;
  m->seq = 6;

  SimPacket *c = sim_packet_clone(p);
  const SimPacketMeta *cm = sim_packet_meta_const(c);
  cr_assert_eq(cm->flow_id, 1, "flow_id %" PRIu64, cm->flow_id);
  cr_assert_eq(cm->created, SIM_US(5), "created %" PRId64, (int64_t)cm->created);
  cr_assert_eq(cm->trace_id, 3, "trace_id %" PRIu64, cm->trace_id);
  cr_assert_eq(cm->nrp_id, 4, "nrp_id %" PRIu32, cm->nrp_id);
  cr_assert_eq(cm->mark, 5, "mark %" PRIu32, cm->mark);
  cr_assert_eq(cm->seq, 6, "seq %" PRIu64, cm->seq);
  cr_assert_null(sim_packet_next(c), "clone inherited the queue link");
  cr_assert_eq(sim_packet_next(p), q, "queue link of the original lost");

  sim_packet_meta(c)->mark = 99;
  cr_assert_eq(m->mark, 5, "original mark %" PRIu32 " after changing the clone's", m->mark);

  sim_packet_free(c);
  sim_packet_free(q);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, pool_live_count_returns_to_zero)
{
  SimPacketPool *pool = sim_packet_pool_new();
  cr_assert_eq(sim_packet_pool_live(pool), 0, "live %zu", sim_packet_pool_live(pool));
  SimPacket *a = sim_packet_new(pool, 64, 10, 0);
  SimPacket *b = sim_packet_new(pool, 0, 0, 10);
  SimPacket *c = sim_packet_clone(a);
  SimPacket *d = sim_packet_copy(a, 0);
  cr_assert_eq(sim_packet_pool_live(pool), 4, "live %zu", sim_packet_pool_live(pool));
  sim_packet_free(a);
  sim_packet_free(b);
  cr_assert_eq(sim_packet_pool_live(pool), 2, "live %zu", sim_packet_pool_live(pool));
  sim_packet_free(c);
  sim_packet_free(d);
  sim_packet_free(NULL);
  free_pool(pool);
}

Test(packet, pool_free_releases_live_packets)
{
  SimPacketPool *pool = sim_packet_pool_new();
  SimPacket *a = sim_packet_new(pool, 64, 100, 0);
  SimPacket *b = sim_packet_new(pool, 0, 100000, 0);
  cr_assert_not_null(sim_packet_clone(a), "clone failed");
  cr_assert_not_null(sim_packet_clone(b), "clone failed");
  cr_assert_eq(sim_packet_pool_live(pool), 4, "live %zu", sim_packet_pool_live(pool));
  /* Leak checkers fail the test if anything stays allocated. */
  sim_packet_pool_free(pool);
}

Test(packet, large_packets)
{
  SimPacketPool *pool = sim_packet_pool_new();
  const size_t size = 64 * 1024;
  uint8_t *bytes = g_malloc(size);
  fill_pattern(bytes, size, 7);
  SimPacket *p = sim_packet_new_from_bytes(pool, SIM_PACKET_DEFAULT_HEADROOM, bytes, size, 0);
  cr_assert_eq(sim_packet_real_length(p), size, "real %zu", sim_packet_real_length(p));
  assert_pattern(sim_packet_data(p), size, 7, "large packet");

  memset(sim_packet_push(p, 40), 0x66, 40);
  SimPacket *c = sim_packet_clone(p);
  memset(sim_packet_put(c, 100), 0x77, 100);
  cr_assert_eq(sim_packet_real_length(c), size + 140, "clone real %zu",
               sim_packet_real_length(c));
  cr_assert_eq(sim_packet_real_length(p), size + 40, "original real %zu",
               sim_packet_real_length(p));

  uint8_t *out = g_malloc(size);
  size_t n = sim_packet_copy_out(c, 40, size, out);
  cr_assert_eq(n, size, "copied %zu of %zu", n, size);
  assert_pattern(out, size, 7, "clone payload");
  assert_pattern(sim_packet_data(p) + 40, size, 7, "original payload");
  cr_assert_eq(sim_packet_data(c)[size + 40], 0x77, "appended byte 0x%02x",
               sim_packet_data(c)[size + 40]);

  SimPacket *d = sim_packet_copy(c, 0);
  cr_assert_eq(sim_packet_real_length(d), size + 140, "copy real %zu",
               sim_packet_real_length(d));

  g_free(out);
  g_free(bytes);
  sim_packet_free(d);
  sim_packet_free(c);
  sim_packet_free(p);
  free_pool(pool);
}

Test(packet, steady_state_new_free)
{
  SimPacketPool *pool = sim_packet_pool_new();
  for (unsigned i = 0; i < 100000; i++) {
    SimPacket *p = sim_packet_new(pool, SIM_PACKET_DEFAULT_HEADROOM, 0, 1000);
    memset(sim_packet_push(p, 8), 0, 8);
    memset(sim_packet_push(p, 40), 0, 40);
    SimPacket *c = sim_packet_clone(p);
    sim_packet_data_writable(c)[7] = (uint8_t)i;
    size_t live = sim_packet_pool_live(pool);
    if (live != 2)
      cr_assert_fail("iteration %u: live %zu, expected 2", i, live);
    sim_packet_free(c);
    sim_packet_free(p);
  }
  free_pool(pool);
}

Test(packet, autoptr_frees)
{
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  {
    g_autoptr(SimPacket) p = sim_packet_new(pool, 0, 10, 0);
    cr_assert_eq(sim_packet_real_length(p), 10, "real %zu", sim_packet_real_length(p));
    cr_assert_eq(sim_packet_pool_live(pool), 1, "live %zu", sim_packet_pool_live(pool));
  }
  cr_assert_eq(sim_packet_pool_live(pool), 0, "live %zu", sim_packet_pool_live(pool));
}
