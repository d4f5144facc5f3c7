/* simpacket-private.h - the packet record and inline accessors for the
 * library's own hot paths (never installed).
 *
 * The public accessors in simpacket.h are exported functions: called from
 * another module of the library they cost a call through the PLT and a
 * g_return_val_if_fail each, several times per packet and hop. Modules of
 * the library read packets through these inline versions instead; they
 * take the same arguments and have the same semantics, without the checks
 * (the caller holds a valid packet). Writers that may need a new buffer
 * (push, data_writable) inline only the case where the buffer is private
 * and big enough and call simpacket.c otherwise.
 */
#ifndef IPESIM_SIMPACKET_PRIVATE_H
#define IPESIM_SIMPACKET_PRIVATE_H

#include "simpacket.h"

typedef struct _SimPacketBuf SimPacketBuf;

struct _SimPacketBuf {
  SimPacketBuf *next; /* free list of the class, or list of large buffers */
  SimPacketBuf *prev; /* list of large buffers only */
  size_t size;        /* capacity of data */
  uint32_t ref;
  uint32_t cls;       /* index into buf_classes, or BUF_CLASS_LARGE */
  _Alignas(16) uint8_t data[];
};

struct _SimPacket {
  SimPacket *next; /* queue link; free list of the pool once freed */
  SimPacketPool *pool; /* NULL once freed */
  SimPacketBuf *buf;
  size_t head; /* offset of the first real byte in buf->data */
  size_t len;  /* real bytes */
  size_t vlen; /* virtual bytes after them */
  SimPacketMeta meta;
};

/* A valid pointer to no bytes: the data of a packet without a buffer. */
extern const uint8_t sim__packet_no_bytes[1];

SIM_INLINE size_t
sim__packet_length(const SimPacket *p)
{
  return p->len + p->vlen;
}

SIM_INLINE size_t
sim__packet_real_length(const SimPacket *p)
{
  return p->len;
}

SIM_INLINE const uint8_t *
sim__packet_data(const SimPacket *p)
{
  return p->buf ? p->buf->data + p->head : sim__packet_no_bytes;
}

SIM_INLINE SimPacketMeta *
sim__packet_meta(SimPacket *p)
{
  return &p->meta;
}

SIM_INLINE const SimPacketMeta *
sim__packet_meta_const(const SimPacket *p)
{
  return &p->meta;
}

SIM_INLINE SimPacket *
sim__packet_next(const SimPacket *p)
{
  return p->next;
}

SIM_INLINE void
sim__packet_set_next(SimPacket *p, SimPacket *next)
{
  p->next = next;
}

SIM_INLINE uint8_t *
sim__packet_data_writable(SimPacket *p)
{
  SimPacketBuf *b = p->buf;
  if (SIM_LIKELY(b != NULL && b->ref == 1))
    return b->data + p->head;
  return sim_packet_data_writable(p);
}

SIM_INLINE uint8_t *
sim__packet_push(SimPacket *p, size_t n)
{
  SimPacketBuf *b = p->buf;
  if (SIM_LIKELY(b != NULL && b->ref == 1 && p->head >= n)) {
    p->head -= n;
    p->len += n;
    return b->data + p->head;
  }
  return sim_packet_push(p, n);
}

#endif /* IPESIM_SIMPACKET_PRIVATE_H */
