/* fuzz-main.c - a plain driver for the fuzz targets, for `make check`
 * (no libFuzzer needed): it runs every file of the seed corpus, then a
 * fixed number of pseudo-random mutations of the corpus entries from a
 * fixed-seed generator, so that every run executes the same inputs. A
 * violated invariant aborts inside the target; the driver exits 0 when
 * all inputs ran.
 *
 *   fuzz-srh [-n N] [-s SEED] [PATH...]   PATH: corpus directories or files
 *                                         (default: $top_srcdir/tests/fuzz/corpus-srh)
 *   fuzz-srh -w DIR                       writes the seed corpus into DIR
 *
 * The seeds are built here, from the RFC field layouts, so that they are
 * reviewed as code: valid SRH packets for each SID behaviour of the
 * target's R2 (with Pad1, PadN and HMAC TLVs), and malformed ones. The
 * last byte of the flow label holds the target's flags (fuzz-srh.c).
 *
 * The mutator knows where the SRH is (Hdr Ext Len, Segments Left, Last
 * Entry, TLVs) so that a few thousand inputs reach the corner cases a
 * byte-level mutator would need millions for.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip6.h"
#include "srv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_srh_report(FILE *out);
void fuzz_srh_teardown(void);

#define DEFAULT_N 20000
#define FUZZ_MAX_INPUT 1500
#define MAX_FILE 65536
#define HMAC_KEY_ID 7u /* as in fuzz-srh.c */
#define HMAC_KEY "ipesim-fuzz-hmac-key"

/* ---- seeds -------------------------------------------------------------------------------- */

typedef struct {
  uint8_t b[1024];
  size_t n;
  size_t ip6[8]; /* offsets of IPv6 headers whose Payload Length runs to the end */
  unsigned n_ip6;
} Pkt;

static SimIp6Addr
A(const char *s)
{
  SimIp6Addr a;
  if (!sim_ip6_addr_parse(s, &a, NULL))
    abort();
  return a;
}

static uint8_t *
put(Pkt *p, size_t n)
{
  g_assert(p->n + n <= sizeof p->b);
  uint8_t *w = p->b + p->n;
  memset(w, 0, n);
  p->n += n;
  return w;
}

/* A fixed header; @flags: the flow label's last byte (the target's flags). */
static void
ip6(Pkt *p, uint8_t tc, uint8_t flags, uint8_t nh, uint8_t hl, const char *src, const char *dst)
{
  SimIp6Header h = { tc, flags, 0, nh, hl, A(src), A(dst), 0, 0, 0, 0 };
  p->ip6[p->n_ip6++] = p->n;
  sim_ip6_header_write(put(p, SIM_IP6_HEADER_LEN), &h);
}

/* An SRH: @segs in path order (S1 first), Segments Left @sl; @tlv
 * (nullable) of @tlv_len bytes follows the list; with @hmac an HMAC TLV
 * for key 7 is computed over the source of the enclosing header. */
static void
srh(Pkt *p, uint8_t nh, const char *const *segs, unsigned n, uint8_t sl, const uint8_t *tlv,
    size_t tlv_len, gboolean hmac)
{
  size_t len = 8 + 16 * (size_t)n + tlv_len + (hmac ? SIM_SRH_HMAC_TLV_LEN : 0);
  g_assert(len % 8 == 0);
  size_t off = p->n;
  uint8_t *w = put(p, len);
  w[0] = nh;
  w[1] = (uint8_t)(len / 8 - 1);
  w[2] = SIM_SRH_ROUTING_TYPE;
  w[3] = sl;
  w[4] = (uint8_t)(n - 1);
  for (unsigned i = 0; i < n; i++) {
    SimIp6Addr a = A(segs[n - 1 - i]); /* Segment List[0] is the last segment */
    memcpy(w + 8 + 16 * i, a.b, 16);
  }
  if (tlv_len)
    memcpy(w + 8 + 16 * n, tlv, tlv_len);
  if (hmac) {
    uint8_t *t = w + 8 + 16 * n + tlv_len;
    t[0] = SIM_SRH_TLV_HMAC;
    t[1] = 6 + SIM_SRH_HMAC_LEN;
    t[7] = HMAC_KEY_ID;
    SimIp6Addr src;
    memcpy(src.b, p->b + p->ip6[p->n_ip6 - 1] + 8, 16);
    sim_srh_hmac(&src, p->b + off, HMAC_KEY_ID, (const uint8_t *)HMAC_KEY, strlen(HMAC_KEY),
                 t + 8);
  }
}

/* An extension header with options (PadN filling @len bytes). */
static void
opts(Pkt *p, uint8_t nh, size_t len)
{
  uint8_t *w = put(p, len);
  w[0] = nh;
  w[1] = (uint8_t)(len / 8 - 1);
  w[2] = 1; /* PadN */
  w[3] = (uint8_t)(len - 4);
}

/* The checksum of the upper-layer message at @off to the end, for the
 * final destination @dst. */
static void
checksum(Pkt *p, size_t off, size_t field, uint8_t proto, const char *dst)
{
  SimIp6Addr s, d = A(dst);
  memcpy(s.b, p->b + p->ip6[p->n_ip6 - 1] + 8, 16);
  uint32_t sum = sim_ip6_pseudo_sum(&s, &d, (uint32_t)(p->n - off), proto);
  uint16_t ck = sim_inet_fold(sim_inet_sum(sum, p->b + off, p->n - off));
  p->b[off + field] = (uint8_t)(ck >> 8);
  p->b[off + field + 1] = (uint8_t)ck;
}

static void
udp(Pkt *p, size_t payload, const char *dst)
{
  size_t off = p->n;
  uint8_t *u = put(p, 8 + payload);
  u[0] = 0xc0;
  u[3] = 9;
  u[4] = (uint8_t)((8 + payload) >> 8);
  u[5] = (uint8_t)(8 + payload);
  memset(u + 8, 0x5a, payload);
  checksum(p, off, 6, SIM_IPPROTO_UDP, dst);
}

static void
echo(Pkt *p, const char *dst)
{
  size_t off = p->n;
  uint8_t *m = put(p, 16);
  m[0] = SIM_ICMP6_ECHO_REQUEST;
  m[5] = 1;
  m[7] = 1;
  checksum(p, off, 2, SIM_IPPROTO_ICMPV6, dst);
}

static void
ipv4_udp(Pkt *p)
{
  uint8_t *h = put(p, 20 + 8);
  h[0] = 0x45;
  h[3] = 28;
  h[8] = 64;
  h[9] = SIM_IPPROTO_UDP;
  h[12] = 192, h[13] = 0, h[14] = 2, h[15] = 1;
  h[16] = 198, h[17] = 51, h[18] = 100, h[19] = 1;
  h[20 + 3] = 9;
  h[20 + 5] = 8;
}

/* Fills in the Payload Length of every IPv6 header. */
static void
finish(Pkt *p)
{
  for (unsigned i = 0; i < p->n_ip6; i++) {
    size_t plen = p->n - p->ip6[i] - SIM_IP6_HEADER_LEN;
    p->b[p->ip6[i] + 4] = (uint8_t)(plen >> 8);
    p->b[p->ip6[i] + 5] = (uint8_t)plen;
  }
}

#define HA "2001:db8:1::a"
#define HB "2001:db8:5::b"
#define SEGS(...) (const char *const[]){ __VA_ARGS__ }, G_N_ELEMENTS(((const char *const[]){ __VA_ARGS__ }))

static const uint8_t pad_tlvs[8] = { 0, 0, SIM_SRH_TLV_PADN, 4, 0, 0, 0, 0 };
static const uint8_t padn_tlv[8] = { SIM_SRH_TLV_PADN, 6, 0, 0, 0, 0, 0, 0 };

/* Each seed: name, and a function filling the packet. */
static void
seed(Pkt *p, const char *name)
{
  memset(p, 0, sizeof *p);
  if (!strcmp(name, "end-echo")) {
    /* End: the next segment is R3's End, then hB */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_ICMPV6, SEGS("fc00:0:2::1", "fc00:0:3::1", HB), 2, NULL, 0, FALSE);
    echo(p, HB);
  } else if (!strcmp(name, "end-psp-pad")) {
    /* End with PSP, Pad1 Pad1 PadN */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::10");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::10", HB), 1, pad_tlvs, sizeof pad_tlvs, FALSE);
    udp(p, 8, HB);
  } else if (!strcmp(name, "end-usd")) {
    /* End with USP + USD, Segments Left 0: decapsulation */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::11");
    srh(p, SIM_IPPROTO_IPV6, SEGS("fc00:0:2::11"), 0, padn_tlv, sizeof padn_tlv, FALSE);
    ip6(p, 0, 0, SIM_IPPROTO_UDP, 64, HA, HB);
    udp(p, 4, HB);
  } else if (!strcmp(name, "end-upper-udp")) {
    /* End, Segments Left 0, a UDP upper layer: Parameter Problem code 4 */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1"), 0, NULL, 0, FALSE);
    udp(p, 4, "fc00:0:2::1");
  } else if (!strcmp(name, "end-hop-limit-1")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 1, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, FALSE);
    udp(p, 4, HB);
  } else if (!strcmp(name, "endx-psp")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::20");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::20", HB), 1, NULL, 0, FALSE);
    udp(p, 8, HB);
  } else if (!strcmp(name, "dx6")) {
    /* no SRH at all: the outer header carries IPv6 directly */
    ip6(p, 0, 0, SIM_IPPROTO_IPV6, 64, HA, "fc00:0:2::d66");
    ip6(p, 0, 0, SIM_IPPROTO_ICMPV6, 64, HA, HB);
    echo(p, HB);
  } else if (!strcmp(name, "dt6")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HB, "fc00:0:2::d6");
    srh(p, SIM_IPPROTO_IPV6, SEGS("fc00:0:2::d6"), 0, NULL, 0, FALSE);
    ip6(p, 0, 0, SIM_IPPROTO_UDP, 64, HB, HA);
    udp(p, 4, HA);
  } else if (!strcmp(name, "dt6-sl-1")) {
    /* a decapsulating SID with Segments Left 1 */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HB, "fc00:0:2::d6");
    srh(p, SIM_IPPROTO_IPV6, SEGS("fc00:0:2::d6", HA), 1, NULL, 0, FALSE);
    ip6(p, 0, 0, SIM_IPPROTO_UDP, 64, HB, HA);
    udp(p, 4, HA);
  } else if (!strcmp(name, "dt46-vrf")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::46");
    srh(p, SIM_IPPROTO_IPV6, SEGS("fc00:0:2::46"), 0, NULL, 0, FALSE);
    ip6(p, 0, 0, SIM_IPPROTO_UDP, 64, HA, HB);
    udp(p, 4, HB);
  } else if (!strcmp(name, "dt46-ipv4")) {
    ip6(p, 0, 0, SIM_IPPROTO_IPV4, 64, HA, "fc00:0:2::46");
    ipv4_udp(p);
  } else if (!strcmp(name, "dt4-ipv4")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::d4");
    srh(p, SIM_IPPROTO_IPV4, SEGS("fc00:0:2::d4"), 0, NULL, 0, FALSE);
    ipv4_udp(p);
  } else if (!strcmp(name, "b6-encaps")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::b6");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::b6", HB), 1, NULL, 0, FALSE);
    udp(p, 8, HB);
  } else if (!strcmp(name, "b6-encaps-red")) {
    /* the bound policy goes through R2's own End, with an HMAC */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::b7");
    srh(p, SIM_IPPROTO_ICMPV6, SEGS("fc00:0:2::b7", HB), 1, NULL, 0, FALSE);
    echo(p, HB);
  } else if (!strcmp(name, "next-csid")) {
    /* RFC 9800 NEXT-C-SID: the argument holds R3's C-SID */
    ip6(p, 0, 0, SIM_IPPROTO_ICMPV6, 64, HA, "fcbb:bb00:2:e000:3:e000::");
    echo(p, "fcbb:bb00:3:e000::");
  } else if (!strcmp(name, "next-csid-srh")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fcbb:bb00:2:e000::");
    srh(p, SIM_IPPROTO_ICMPV6, SEGS("fcbb:bb00:2:e000::", "fcbb:bb00:3:e000::"), 1, NULL, 0,
        FALSE);
    echo(p, "fcbb:bb00:3:e000::");
  } else if (!strcmp(name, "replace-csid")) {
    /* RFC 9800 REPLACE-C-SID, 32-bit C-SIDs: index 1 in the destination,
     * the container holds R3's C-SID at index 0 */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fcbb:bb01:0:2:e001::1");
    srh(p, SIM_IPPROTO_ICMPV6, SEGS("3:e001::"), 0, NULL, 0, FALSE);
    echo(p, "fcbb:bb01:0:3:e001::");
  } else if (!strcmp(name, "hmac-external")) {
    /* through the SR domain's edge (L4, flag 0x02) with a valid HMAC */
    ip6(p, 0, 0x02, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, TRUE);
    udp(p, 8, HB);
  } else if (!strcmp(name, "hmac-bad")) {
    ip6(p, 0, 0x00, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, TRUE);
    p->b[p->n - 1] ^= 0x01; /* the HMAC's last byte */
    udp(p, 8, HB);
  } else if (!strcmp(name, "linux-local")) {
    /* Linux-compatible mode (flag 0x04): an SRH at a plain local address */
    ip6(p, 0, 0x04, SIM_IPPROTO_ROUTING, 64, HA, "2001:db8:ff::2");
    srh(p, SIM_IPPROTO_UDP, SEGS("2001:db8:ff::2", HB), 1, NULL, 0, FALSE);
    udp(p, 8, HB);
  } else if (!strcmp(name, "steer-insert")) {
    /* DSCP 46 to hB: R2 inserts an SRH (H.Insert.Red) after Hop-by-Hop */
    ip6(p, 46 << 2, 0, SIM_IPPROTO_HOPOPTS, 64, HA, HB);
    opts(p, SIM_IPPROTO_ICMPV6, 8);
    echo(p, HB);
  } else if (!strcmp(name, "steer-encaps")) {
    /* UDP to hB: H.Encaps.Red with an HMAC */
    ip6(p, 0, 0, SIM_IPPROTO_UDP, 64, HA, HB);
    udp(p, 8, HB);
  } else if (!strcmp(name, "hbh-dst-srh")) {
    ip6(p, 0, 0, SIM_IPPROTO_HOPOPTS, 64, HA, "fc00:0:2::10");
    opts(p, SIM_IPPROTO_DSTOPTS, 8);
    opts(p, SIM_IPPROTO_ROUTING, 16);
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::10", HB), 1, NULL, 0, FALSE);
    udp(p, 4, HB);
  } else if (!strcmp(name, "virtual-payload")) {
    /* flag 0x08: 4 x 8 bytes of virtual payload after the real bytes */
    ip6(p, 0, 0x08, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    p->b[p->n - SIM_IP6_HEADER_LEN + 2] = 4;
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, FALSE);
    udp(p, 0, HB);
  } else if (!strcmp(name, "bad-last-entry")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, FALSE);
    p->b[p->n - 32 - 4] = 2; /* Last Entry 2 in a list of 2 */
    udp(p, 4, HB);
  } else if (!strcmp(name, "bad-segments-left")) {
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 3, NULL, 0, FALSE);
    udp(p, 4, HB);
  } else if (!strcmp(name, "bad-tlv")) {
    static const uint8_t overrun[8] = { SIM_SRH_TLV_PADN, 7, 0, 0, 0, 0, 0, 0 };
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, overrun, sizeof overrun, FALSE);
    udp(p, 4, HB);
  } else if (!strcmp(name, "bad-hmac-length")) {
    static const uint8_t hmac20[24] = { SIM_SRH_TLV_HMAC, 20, 0, 0, 0, 0, 0, HMAC_KEY_ID };
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, hmac20, sizeof hmac20, FALSE);
    udp(p, 4, HB);
  } else if (!strcmp(name, "bad-no-segment")) {
    /* Hdr Ext Len 1: 8 bytes after the first 8, no room for a segment */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1"), 0, NULL, 0, FALSE);
    p->b[p->n - 24 + 1] = 1;
    p->b[p->n - 24 + 8] = SIM_SRH_TLV_PADN;
    p->b[p->n - 24 + 9] = 6;
    udp(p, 4, HB);
  } else if (!strcmp(name, "truncated")) {
    /* Hdr Ext Len promises two more segments than the packet holds */
    ip6(p, 0, 0, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_NONE, SEGS("fc00:0:2::1", HB), 1, NULL, 0, FALSE);
    p->b[p->n - 40 + 1] = 8;
  } else if (!strcmp(name, "payload-length-short")) {
    /* flag 0x01: Payload Length kept; 16 bytes less than the frame */
    ip6(p, 0, 0x01, SIM_IPPROTO_ROUTING, 64, HA, "fc00:0:2::1");
    srh(p, SIM_IPPROTO_UDP, SEGS("fc00:0:2::1", HB), 1, NULL, 0, FALSE);
    udp(p, 8, HB);
    finish(p);
    p->b[5] = (uint8_t)(p->b[5] - 16);
    return;
  } else {
    g_error("unknown seed %s", name);
  }
  finish(p);
}

static const char *const seed_names[] = {
  "end-echo", "end-psp-pad", "end-usd", "end-upper-udp", "end-hop-limit-1", "endx-psp", "dx6",
  "dt6", "dt6-sl-1", "dt46-vrf", "dt46-ipv4", "dt4-ipv4", "b6-encaps", "b6-encaps-red",
  "next-csid", "next-csid-srh", "replace-csid", "hmac-external", "hmac-bad", "linux-local",
  "steer-insert", "steer-encaps", "hbh-dst-srh", "virtual-payload", "bad-last-entry",
  "bad-segments-left", "bad-tlv", "bad-hmac-length", "bad-no-segment", "truncated",
  "payload-length-short",
};

static int
write_corpus(const char *dir)
{
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    fprintf(stderr, "fuzz-srh: cannot create %s\n", dir);
    return 1;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(seed_names); i++) {
    Pkt p;
    seed(&p, seed_names[i]);
    char *path = g_build_filename(dir, seed_names[i], NULL);
    GError *e = NULL;
    if (!g_file_set_contents(path, (const char *)p.b, (gssize)p.n, &e)) {
      fprintf(stderr, "fuzz-srh: %s\n", e->message);
      return 1;
    }
    g_free(path);
  }
  printf("fuzz-srh: %zu seeds written to %s\n", G_N_ELEMENTS(seed_names), dir);
  return 0;
}

/* ---- corpus ------------------------------------------------------------------------------- */

typedef struct {
  GPtrArray *items; /* GBytes */
} Corpus;

static void
load_file(Corpus *c, const char *path)
{
  gchar *data;
  gsize len;
  GError *e = NULL;
  if (!g_file_get_contents(path, &data, &len, &e)) {
    fprintf(stderr, "fuzz-srh: %s\n", e->message);
    exit(1);
  }
  if (len > MAX_FILE)
    len = MAX_FILE;
  g_ptr_array_add(c->items, g_bytes_new_take(data, len));
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @dir, in name order (the run must not depend on
 * the file system's order). */
static void
load_dir(Corpus *c, const char *dir)
{
  GError *e = NULL;
  GDir *d = g_dir_open(dir, 0, &e);
  if (!d) {
    fprintf(stderr, "fuzz-srh: %s\n", e->message);
    exit(1);
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(d)))
    if (n[0] != '.')
      g_ptr_array_add(names, g_build_filename(dir, n, NULL));
  g_dir_close(d);
  g_ptr_array_sort(names, cmp_str);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test(names->pdata[i], G_FILE_TEST_IS_REGULAR))
      load_file(c, names->pdata[i]);
  g_ptr_array_unref(names);
}

static char *
default_corpus(void)
{
  const char *top = g_getenv("top_srcdir");
  const char *tries[] = { top, ".", "..", "../.." };
  for (size_t i = 0; i < G_N_ELEMENTS(tries); i++) {
    if (!tries[i])
      continue;
    char *d = g_build_filename(tries[i], "tests", "fuzz", "corpus-srh", NULL);
    if (g_file_test(d, G_FILE_TEST_IS_DIR))
      return d;
    g_free(d);
  }
  return NULL;
}

/* ---- mutations ------------------------------------------------------------------------------ */

static uint64_t
next(uint64_t *s)
{
  /* splitmix64 */
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static size_t
below(uint64_t *s, size_t n)
{
  return n ? (size_t)(next(s) % n) : 0;
}

/* The first SRH, as in fuzz-srh.c (0: none). */
static size_t
srh_at(const uint8_t *b, size_t n)
{
  if (n < SIM_IP6_HEADER_LEN)
    return 0;
  uint8_t nh = b[6];
  size_t o = SIM_IP6_HEADER_LEN;
  for (int i = 0; i < 16 && o + 8 <= n; i++) {
    if (nh == SIM_IPPROTO_ROUTING && b[o + 2] == SIM_SRH_ROUTING_TYPE)
      return o;
    if (nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING)
      return 0;
    nh = b[o];
    o += ((size_t)b[o + 1] + 1) * 8;
  }
  return 0;
}

static const uint8_t interesting[] = { 0,    1,    2,    3,  4,  5,  6,  7,  8,  14, 22, 30, 38,
                                       0x7f, 0x80, 0xfe, 0xff, 17, 41, 43, 44, 58, 59, 60 };

static void
mutate_once(uint64_t *s, uint8_t *b, size_t *n, const Corpus *c)
{
  size_t len = *n;
  size_t so = srh_at(b, len);
  switch (below(s, 14)) {
  case 0: /* a bit */
    if (len)
      b[below(s, len)] ^= (uint8_t)(1u << below(s, 8));
    break;
  case 1: /* an interesting byte */
    if (len)
      b[below(s, len)] = interesting[below(s, sizeof interesting)];
    break;
  case 2: /* a random byte */
    if (len)
      b[below(s, len)] = (uint8_t)next(s);
    break;
  case 3: /* an SRH field: Next Header, Hdr Ext Len, Segments Left, Last Entry, Flags */
    if (so && so + 8 <= len) {
      static const size_t field[] = { 0, 1, 3, 4, 5 };
      size_t f = so + field[below(s, G_N_ELEMENTS(field))];
      int delta = (int)below(s, 5) - 2;
      b[f] = below(s, 2) ? (uint8_t)(b[f] + delta) : interesting[below(s, sizeof interesting)];
    }
    break;
  case 4: /* a TLV in the SRH's TLV area (or anywhere after the list) */
    if (so && so + 8 <= len) {
      size_t tlv = so + 8 + 16 * ((size_t)b[so + 4] + 1);
      size_t end = MIN(len, so + 8 * ((size_t)b[so + 1] + 1));
      if (tlv + 2 <= end) {
        size_t at = tlv + below(s, end - tlv - 1);
        static const uint8_t types[] = { SIM_SRH_TLV_PAD1, SIM_SRH_TLV_PADN, SIM_SRH_TLV_HMAC,
                                         0x80, 6 };
        b[at] = types[below(s, sizeof types)];
        b[at + 1] = below(s, 2) ? (uint8_t)below(s, 48) : interesting[below(s, sizeof interesting)];
      }
    }
    break;
  case 5: { /* insert bytes, often whole 8-byte units */
    size_t k = below(s, 2) ? 8 * (1 + below(s, 4)) : 1 + below(s, 16);
    if (len + k > FUZZ_MAX_INPUT)
      break;
    size_t at = below(s, len + 1);
    memmove(b + at + k, b + at, len - at);
    for (size_t i = 0; i < k; i++)
      b[at + i] = below(s, 2) ? 0 : (uint8_t)next(s);
    *n = len + k;
    break;
  }
  case 6: { /* erase bytes */
    if (!len)
      break;
    size_t at = below(s, len), want = below(s, 2) ? 8 * (1 + below(s, 4)) : 1 + below(s, 16);
    size_t k = MIN(len - at, want);
    memmove(b + at, b + at + k, len - at - k);
    *n = len - k;
    break;
  }
  case 7: /* truncate */
    *n = below(s, len + 1);
    break;
  case 8: { /* a segment (16 bytes) from another entry */
    GBytes *o = c->items->pdata[below(s, c->items->len)];
    gsize ol;
    const uint8_t *ob = g_bytes_get_data(o, &ol);
    if (ol >= 16 && len >= 16) {
      size_t from = below(s, ol - 15);
      size_t to = so && so + 8 + 16 <= len ? so + 8 + 16 * below(s, (len - so - 8) / 16)
                                             : below(s, len - 15);
      if (to + 16 <= len)
        memcpy(b + to, ob + from, 16);
    }
    break;
  }
  case 9: { /* splice: our head, another entry's tail */
    GBytes *o = c->items->pdata[below(s, c->items->len)];
    gsize ol;
    const uint8_t *ob = g_bytes_get_data(o, &ol);
    size_t keep = below(s, len + 1), from = below(s, ol + 1);
    size_t k = MIN(ol - from, (size_t)FUZZ_MAX_INPUT - keep);
    memcpy(b + keep, ob + from, k);
    *n = keep + k;
    break;
  }
  case 10: /* the target's flags in the flow label */
    if (len > 3)
      b[3] ^= (uint8_t)(1u << below(s, 4));
    break;
  case 11: /* the destination: another SID or address of R2 */
    if (len > 24)
      b[24] = (uint8_t)next(s);
    break;
  case 12: /* the hop limit */
    if (len > 7)
      b[7] = (uint8_t[]){ 0, 1, 2, 255 }[below(s, 4)];
    break;
  case 13: /* Payload Length, kept as it is */
    if (len > 5) {
      b[3] |= 0x01;
      size_t plen = len >= 40 ? len - 40 : 0;
      plen = below(s, 2) ? plen + below(s, 33) - 16 : (size_t)next(s);
      b[4] = (uint8_t)(plen >> 8);
      b[5] = (uint8_t)plen;
    }
    break;
  }
}

/* ---- main --------------------------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
  long n_gen = DEFAULT_N;
  uint64_t seed_value = 1;
  const char *write_dir = NULL;
  Corpus c = { g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref) };
  GPtrArray *paths = g_ptr_array_new();
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc)
      n_gen = strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "-s") && i + 1 < argc)
      seed_value = g_ascii_strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "-w") && i + 1 < argc)
      write_dir = argv[++i];
    else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: %s [-n N] [-s SEED] [PATH...] | -w DIR\n", argv[0]);
      return 2;
    } else
      g_ptr_array_add(paths, argv[i]);
  }
  if (write_dir) {
    g_ptr_array_unref(paths);
    g_ptr_array_unref(c.items);
    return write_corpus(write_dir);
  }
  char *def = NULL;
  if (paths->len == 0) {
    def = default_corpus();
    if (def)
      g_ptr_array_add(paths, def);
  }
  for (guint i = 0; i < paths->len; i++) {
    if (g_file_test(paths->pdata[i], G_FILE_TEST_IS_DIR))
      load_dir(&c, paths->pdata[i]);
    else
      load_file(&c, paths->pdata[i]);
  }
  guint n_files = c.items->len;
  if (n_files == 0) {
    /* no corpus found: the built-in seeds */
    fprintf(stderr, "fuzz-srh: no corpus found, using the built-in seeds\n");
    for (size_t i = 0; i < G_N_ELEMENTS(seed_names); i++) {
      Pkt p;
      seed(&p, seed_names[i]);
      g_ptr_array_add(c.items, g_bytes_new(p.b, p.n));
    }
  }
  gint64 t0 = g_get_monotonic_time();
  for (guint i = 0; i < c.items->len; i++) {
    gsize len;
    const uint8_t *d = g_bytes_get_data(c.items->pdata[i], &len);
    /* an exact-size copy, so that ASan sees an over-read by one byte */
    uint8_t *copy = g_memdup2(d, len);
    LLVMFuzzerTestOneInput(copy, len);
    g_free(copy);
  }
  uint64_t rng = seed_value;
  uint8_t buf[FUZZ_MAX_INPUT];
  for (long k = 0; k < n_gen; k++) {
    gsize len;
    const uint8_t *d = g_bytes_get_data(c.items->pdata[below(&rng, c.items->len)], &len);
    size_t n = MIN(len, (size_t)FUZZ_MAX_INPUT);
    memcpy(buf, d, n);
    unsigned rounds = 1 + (unsigned)below(&rng, 4);
    for (unsigned r = 0; r < rounds; r++)
      mutate_once(&rng, buf, &n, &c);
    uint8_t *copy = g_memdup2(buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    g_free(copy);
  }
  double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
  long total = (long)c.items->len + n_gen;
  printf("fuzz-srh: %ld inputs ran (%u corpus files, %ld generated, seed %" G_GUINT64_FORMAT
         ") in %.2f s, %.0f inputs/s\n",
         total, n_files, n_gen, seed_value, secs, secs > 0 ? (double)total / secs : 0.0);
  fuzz_srh_report(stdout);
  fuzz_srh_teardown();
  g_ptr_array_unref(c.items);
  g_ptr_array_unref(paths);
  g_free(def);
  return 0;
}
