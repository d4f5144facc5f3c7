/* srh.c - the Segment Routing Header (RFC 8754 §2) as bytes: one
 * validation function for every SRH a node receives, the writer used by
 * headends, and the HMAC TLV (§2.1.2) with GLib's HMAC-SHA256.
 *
 *   0       Next Header | Hdr Ext Len | Routing Type (4) | Segments Left
 *   4       Last Entry  | Flags       | Tag (16 bits)
 *   8       Segment List[0] (the last segment of the path) ...
 *   8+16n   TLVs: Pad1 (type 0, one byte), PadN (type 4), HMAC (type 5:
 *           length 38, D flag + 15 reserved bits, key id, 32 bytes)
 */
#define G_LOG_DOMAIN "ipesim-srv6"
#include "config.h"

#include "srv6.h"

#include <string.h>

const char *
sim_srh_error_string(SimSrhError e)
{
  switch (e) {
  case SIM_SRH_OK:
    return "valid";
  case SIM_SRH_ERR_TRUNCATED:
    return "truncated";
  case SIM_SRH_ERR_LENGTH:
    return "Hdr Ext Len does not fit a segment list";
  case SIM_SRH_ERR_LAST_ENTRY:
    return "Last Entry beyond the segment list";
  case SIM_SRH_ERR_SEGMENTS_LEFT:
    return "Segments Left greater than Last Entry + 1";
  case SIM_SRH_ERR_TLV:
    return "a TLV runs past the header";
  }
  return "?";
}

SimSrhError
sim_srh_parse(const uint8_t *pkt, size_t real, size_t off, size_t nh_field, SimSrh *srh,
              size_t *pointer)
{
  size_t ptr = off;
  SimSrhError err = SIM_SRH_OK;
  if (off + 8 > real) {
    err = SIM_SRH_ERR_TRUNCATED;
    goto fail;
  }
  const uint8_t *b = pkt + off;
  size_t len = ((size_t)b[1] + 1) * 8;
  if (off + len > real) {
    err = SIM_SRH_ERR_TRUNCATED;
    ptr = off + 1;
    goto fail;
  }
  /* RFC 8754 §2: Hdr Ext Len counts 8-octet units; each segment is two.
   * An odd length is valid (TLVs fill 8-octet units: the HMAC TLV is
   * five); below two there is no room for a segment: max_LE < 0, and
   * RFC 8986 §4.1 S08-S10 points at Segments Left. */
  if (b[1] < 2) {
    err = SIM_SRH_ERR_LENGTH;
    ptr = off + 3;
    goto fail;
  }
  unsigned max_le = b[1] / 2u - 1u; /* RFC 8986 §4.1 S08 */
  if (b[4] > max_le) {
    /* S09-S10: Parameter Problem pointing at Segments Left */
    err = SIM_SRH_ERR_LAST_ENTRY;
    ptr = off + 3;
    goto fail;
  }
  if ((unsigned)b[3] > (unsigned)b[4] + 1u) {
    err = SIM_SRH_ERR_SEGMENTS_LEFT; /* RFC 8754 §4.3.1.1 */
    ptr = off + 3;
    goto fail;
  }
  srh->off = (uint16_t)off;
  srh->len = (uint16_t)len;
  srh->nh_field = (uint16_t)nh_field;
  srh->next_header = b[0];
  srh->segments_left = b[3];
  srh->last_entry = b[4];
  srh->flags = b[5];
  srh->tag = (uint16_t)((b[6] << 8) | b[7]);
  srh->tlv_off = (uint16_t)(off + 8 + 16 * ((size_t)b[4] + 1));
  srh->hmac_off = 0;
  /* §2.1: TLVs each within the header; Pad1 has no length byte */
  size_t t = srh->tlv_off, end = off + len;
  while (t < end) {
    if (pkt[t] == SIM_SRH_TLV_PAD1) {
      t++;
      continue;
    }
    if (t + 2 > end || t + 2 + pkt[t + 1] > end) {
      err = SIM_SRH_ERR_TLV;
      ptr = t;
      goto fail;
    }
    if (pkt[t] == SIM_SRH_TLV_HMAC) {
      /* §2.1.2: length 6 + the HMAC, a multiple of 8 up to 32 */
      uint8_t l = pkt[t + 1];
      if (l < 6 + 8 || l > 6 + 32 || (l - 6) % 8 != 0) {
        err = SIM_SRH_ERR_TLV;
        ptr = t + 1;
        goto fail;
      }
      if (!srh->hmac_off)
        srh->hmac_off = (uint16_t)t;
    }
    t += 2 + (size_t)pkt[t + 1];
  }
  return SIM_SRH_OK;
fail:
  if (pointer)
    *pointer = ptr;
  return err;
}

void
sim_srh_segment(const uint8_t *pkt, const SimSrh *srh, unsigned i, SimIp6Addr *out)
{
  memcpy(out->b, pkt + srh->off + 8 + 16 * (size_t)i, 16);
}

size_t
sim_srh_size(unsigned n, gboolean hmac)
{
  return 8 + 16 * (size_t)n + (hmac ? SIM_SRH_HMAC_TLV_LEN : 0);
}

void
sim_srh_hmac(const SimIp6Addr *src, const uint8_t *srh, uint32_t key_id, const uint8_t *key,
             size_t key_len, uint8_t out[32])
{
  /* RFC 8754 §2.1.2.1: source address, Last Entry, Flags, HMAC key id,
   * every segment of the list */
  GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, key_len);
  uint8_t fixed[6] = { srh[4], srh[5], (uint8_t)(key_id >> 24), (uint8_t)(key_id >> 16),
                       (uint8_t)(key_id >> 8), (uint8_t)key_id };
  g_hmac_update(h, src->b, 16);
  g_hmac_update(h, fixed, sizeof fixed);
  g_hmac_update(h, srh + 8, 16 * ((size_t)srh[4] + 1));
  gsize n = 32;
  g_hmac_get_digest(h, out, &n);
  g_hmac_unref(h);
}

size_t
sim_srh_write(uint8_t *b, uint8_t next_header, const SimIp6Addr *segs, unsigned n, uint8_t sl,
              const SimSrhHmacKey *hmac, const SimIp6Addr *src)
{
  g_return_val_if_fail(n >= 1 && n <= SIM_SRH_MAX_SEGMENTS, 0);
  bool with_hmac = hmac && hmac->key_id != 0;
  size_t len = sim_srh_size(n, with_hmac);
  b[0] = next_header;
  b[1] = (uint8_t)(len / 8 - 1);
  b[2] = SIM_SRH_ROUTING_TYPE;
  b[3] = sl;
  b[4] = (uint8_t)(n - 1);
  b[5] = 0;
  b[6] = b[7] = 0;
  for (unsigned i = 0; i < n; i++)
    memcpy(b + 8 + 16 * (size_t)i, segs[i].b, 16);
  if (with_hmac) {
    uint8_t *t = b + 8 + 16 * (size_t)n;
    t[0] = SIM_SRH_TLV_HMAC;
    t[1] = 6 + SIM_SRH_HMAC_LEN;
    t[2] = t[3] = 0; /* D = 0; a reduced list sets it (RFC 8754 §2.1.2) */
    t[4] = (uint8_t)(hmac->key_id >> 24);
    t[5] = (uint8_t)(hmac->key_id >> 16);
    t[6] = (uint8_t)(hmac->key_id >> 8);
    t[7] = (uint8_t)hmac->key_id;
    sim_srh_hmac(src, b, hmac->key_id, hmac->key, hmac->key_len, t + 8);
  }
  return len;
}
