/* simpacket.h - packets: real header bytes, optional virtual payload.
 *
 * A packet is a run of real bytes (headers, and payload when an
 * application supplies it) followed by an optional virtual payload that
 * has a length but no bytes. Headers are pushed in front of the data and
 * pulled off it as real bytes in network order, like Linux's sk_buff:
 *
 *     | headroom | real bytes (len) | tailroom |  + virtual payload (vlen)
 *
 * Sharing (clone) and copying:
 *  - sim_packet_clone() is O(1): the new packet shares the byte buffer
 *    (reference counted) and copies the metadata. Reading is free; any
 *    function that writes bytes (push, put, data_writable, ...) first gives
 *    the writing packet a private copy when the buffer is shared
 *    (copy-on-write), so a clone never sees another clone's changes.
 *  - sim_packet_copy() duplicates the bytes at once.
 *  - pull and trim never write, they only move the window.
 *
 * Packets and buffers come from a SimPacketPool (one per simulation; not
 * thread-safe, like everything of one context): freed packets return to
 * its free lists, so the hot path does not call malloc in steady state.
 * A packet is owned by one holder at a time and freed with
 * sim_packet_free(); hand it over, or clone it, to share.
 */
#ifndef IPESIM_SIMPACKET_H
#define IPESIM_SIMPACKET_H

#include "simdefs.h"
#include "simtime.h"

G_BEGIN_DECLS

typedef struct _SimPacket SimPacket;
typedef struct _SimPacketPool SimPacketPool;

/**
 * SimPacketMeta:
 * Simulation metadata that travels with a packet but is not on the wire.
 * @flow_id: application flow identifier (0 = none)
 * @created: time the packet was created by its application
 * @trace_id: identifier for tracing one packet through the network
 * @nrp_id: network slice / NRP identifier (0 = default)
 * @mark: free for classifiers and models
 * @seq: application sequence number
 * @ingress: for models: index of the interface the packet arrived on
 * @wire_flags: for link models: per-hop state while on a wire
 */
typedef struct {
  uint64_t flow_id;
  SimTime created;
  uint64_t trace_id;
  uint32_t nrp_id;
  uint32_t mark;
  uint64_t seq;
  uint32_t ingress;
  uint32_t wire_flags;
} SimPacketMeta;

/* Default headroom for new packets: room for Ethernet + outer IPv6 + an
 * SRH with a few segments + inner IPv6 + a transport header. */
#define SIM_PACKET_DEFAULT_HEADROOM 192

SIM_API SimPacketPool *sim_packet_pool_new(void);
/* Frees the pool, its free lists and every packet and buffer still live
 * (reported with g_debug), so a context can be torn down at any time;
 * packets of @pool must not be used afterwards. */
SIM_API void sim_packet_pool_free(SimPacketPool *pool);
/* Packets currently allocated from @pool and not yet freed. */
SIM_API size_t sim_packet_pool_live(const SimPacketPool *pool);

/**
 * sim_packet_new:
 * @pool: where the packet comes from
 * @headroom: bytes reserved in front for headers to be pushed
 * @len: real bytes, uninitialised, to be filled through
 *   sim_packet_data_writable()
 * @vlen: bytes of virtual payload after the real bytes
 * Returns: (transfer full): the packet, metadata zeroed.
 */
SIM_API SimPacket *sim_packet_new(SimPacketPool *pool, size_t headroom, size_t len, size_t vlen);

/* A packet whose real bytes are a copy of @data. */
SIM_API SimPacket *sim_packet_new_from_bytes(SimPacketPool *pool, size_t headroom,
                                             const void *data, size_t len, size_t vlen);

SIM_API void sim_packet_free(SimPacket *p);

/* O(1) clone sharing the bytes copy-on-write (see above). */
SIM_API SimPacket *sim_packet_clone(const SimPacket *p);
/* Deep copy with at least @headroom bytes of headroom. */
SIM_API SimPacket *sim_packet_copy(const SimPacket *p, size_t headroom);

/* Real + virtual length: what the packet occupies on a wire. */
SIM_API size_t sim_packet_length(const SimPacket *p);
/* Bytes actually present. */
SIM_API size_t sim_packet_real_length(const SimPacket *p);
/* Bytes of virtual payload. */
SIM_API size_t sim_packet_virtual_length(const SimPacket *p);
SIM_API size_t sim_packet_headroom(const SimPacket *p);

/* Read-only view of the real bytes. */
SIM_API const uint8_t *sim_packet_data(const SimPacket *p);
/* Writable view of the real bytes (unshares the buffer first). */
SIM_API uint8_t *sim_packet_data_writable(SimPacket *p);

/**
 * sim_packet_push:
 * Prepends @n bytes (uninitialised) and returns a pointer to them, valid
 * until the next call that changes @p. Grows the headroom if needed.
 */
SIM_API uint8_t *sim_packet_push(SimPacket *p, size_t n);

/**
 * sim_packet_pull:
 * Removes @n real bytes from the front and returns a pointer to them
 * (valid until the next call that changes @p).
 * Returns: NULL, changing nothing, if fewer than @n real bytes are
 *   present (a truncated header).
 */
SIM_API const uint8_t *sim_packet_pull(SimPacket *p, size_t n);

/* Undoes a pull of @n bytes (the bytes are still in the buffer). Returns
 * FALSE if there is not that much headroom. */
SIM_API gboolean sim_packet_unpull(SimPacket *p, size_t n);

/**
 * sim_packet_put:
 * Appends @n real bytes (uninitialised) after the real bytes and returns
 * a pointer to them. Only for packets without virtual payload.
 */
SIM_API uint8_t *sim_packet_put(SimPacket *p, size_t n);

/* Removes @n bytes from the end, virtual payload first. Returns FALSE,
 * changing nothing, if the packet is shorter than @n. */
SIM_API gboolean sim_packet_trim(SimPacket *p, size_t n);

/* Sets the virtual payload length. */
SIM_API void sim_packet_set_virtual_length(SimPacket *p, size_t vlen);

/**
 * sim_packet_copy_out:
 * Copies bytes [@offset, @offset + @n) of the packet into @dst, virtual
 * payload read as zero bytes.
 * Returns: bytes copied (fewer than @n at the end of the packet).
 */
SIM_API size_t sim_packet_copy_out(const SimPacket *p, size_t offset, size_t n, void *dst);

/* Metadata (mutable; clones copy it). */
SIM_API SimPacketMeta *sim_packet_meta(SimPacket *p);
SIM_API const SimPacketMeta *sim_packet_meta_const(const SimPacket *p);

/* TRUE if @p shares its bytes with a clone. */
SIM_API gboolean sim_packet_is_shared(const SimPacket *p);

/* Intrusive link for queues: a packet sits in at most one queue. */
SIM_API SimPacket *sim_packet_next(const SimPacket *p);
SIM_API void sim_packet_set_next(SimPacket *p, SimPacket *next);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPacket, sim_packet_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPacketPool, sim_packet_pool_free)

G_END_DECLS

#endif /* IPESIM_SIMPACKET_H */
