/* test-simpcap.c - pcap trace files: exact bytes, truncation, timestamps,
 * atomic publication, errors, and tshark reading the result. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "simpacket.h"
#include "simpcap.h"

/* IPv6 2001:db8::1 -> 2001:db8::2 (hop limit 64) + UDP 50000 -> 50001
 * carrying "ipesim": payload length 14, UDP checksum 0xe569. */
static const uint8_t udp6_full[54] = {
  0x60, 0x00, 0x00, 0x00, 0x00, 0x0e, 0x11, 0x40,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
  0xc3, 0x50, 0xc3, 0x51, 0x00, 0x0e, 0xe5, 0x69,
  'i', 'p', 'e', 's', 'i', 'm',
};

/* The same flow as headers only, for 100 bytes of virtual payload: payload
 * length 108, UDP checksum 0x1cff (the zero payload adds nothing). */
#define UDP6_VLEN 100
static const uint8_t udp6_hdr[48] = {
  0x60, 0x00, 0x00, 0x00, 0x00, 0x6c, 0x11, 0x40,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
  0xc3, 0x50, 0xc3, 0x51, 0x00, 0x6c, 0x1c, 0xff,
};

/* Each test runs in its own process with its own scratch directory. */
static char *tmpdir;

static void
remove_tree(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    g_dir_close(dir);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void
setup(void)
{
  GError *error = NULL;
  tmpdir = g_dir_make_tmp("ipesim-pcap-XXXXXX", &error);
  cr_assert_not_null(tmpdir, "g_dir_make_tmp: %s", error ? error->message : "?");
}

static void
teardown(void)
{
  if (tmpdir != NULL)
    remove_tree(tmpdir);
  g_free(tmpdir);
  tmpdir = NULL;
}

TestSuite(pcap, .init = setup, .fini = teardown);

static char *
tmp_path(const char *name)
{
  return g_build_filename(tmpdir, name, NULL);
}

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the scratch directory, sorted, comma-separated. */
static char *
dir_listing(void)
{
  GDir *dir = g_dir_open(tmpdir, 0, NULL);
  cr_assert_not_null(dir);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)) != NULL)
    g_ptr_array_add(names, g_strdup(name));
  g_dir_close(dir);
  g_ptr_array_sort(names, compare_names);
  g_ptr_array_add(names, NULL);
  char *s = g_strjoinv(",", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return s;
}

static GBytes *
read_bytes(const char *path)
{
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  cr_assert(g_file_get_contents(path, &data, &len, &error), "reading %s: %s", path,
            error ? error->message : "?");
  return g_bytes_new_take(data, len);
}

/* ---- the expected file, built field by field (pcap is written in the
 * writer's byte order, so the fields are appended in host order) ---- */

static void
put_u16(GByteArray *b, uint16_t v)
{
  g_byte_array_append(b, (const guint8 *)&v, sizeof v);
}

static void
put_u32(GByteArray *b, uint32_t v)
{
  g_byte_array_append(b, (const guint8 *)&v, sizeof v);
}

static GByteArray *
expected_header(uint32_t snaplen, uint32_t linktype)
{
  GByteArray *b = g_byte_array_new();
  put_u32(b, 0xa1b23c4d); /* nanosecond-resolution magic */
  put_u16(b, 2);          /* version 2.4 */
  put_u16(b, 4);
  put_u32(b, 0);          /* thiszone */
  put_u32(b, 0);          /* sigfigs */
  put_u32(b, snaplen);
  put_u32(b, linktype);
  return b;
}

static void
expected_record(GByteArray *b, uint32_t sec, uint32_t nsec, uint32_t caplen, uint32_t len,
                const uint8_t *data, size_t n_data)
{
  put_u32(b, sec);
  put_u32(b, nsec);
  put_u32(b, caplen);
  put_u32(b, len);
  g_byte_array_append(b, data, (guint)n_data);
  for (size_t i = n_data; i < caplen; i++)
    g_byte_array_append(b, (const guint8 *)"", 1);
}

static void
assert_file_equals(const char *path, const GByteArray *expected)
{
  g_autoptr(GBytes) got = read_bytes(path);
  gsize n = 0;
  const uint8_t *g = g_bytes_get_data(got, &n);
  size_t common = MIN(n, (size_t)expected->len);
  size_t i = 0;
  while (i < common && g[i] == expected->data[i])
    i++;
  cr_assert(i == n && n == expected->len,
            "%s: %zu bytes, expected %u; first difference at offset %zu (got 0x%02x, "
            "expected 0x%02x)",
            path, (size_t)n, expected->len, i, i < n ? g[i] : 0,
            i < expected->len ? expected->data[i] : 0);
}

/* One record as read back from a file. */
typedef struct {
  uint32_t sec, nsec, caplen, len;
} Record;

/* Record headers of a whole file, after checking its global header. */
static GArray *
read_records(const char *path)
{
  g_autoptr(GBytes) bytes = read_bytes(path);
  gsize n = 0;
  const uint8_t *d = g_bytes_get_data(bytes, &n);
  cr_assert_geq(n, 24, "%s: %zu bytes, shorter than a pcap header", path, (size_t)n);
  uint32_t magic;
  memcpy(&magic, d, 4);
  cr_assert_eq(magic, 0xa1b23c4d, "%s: magic 0x%08x", path, magic);
  GArray *records = g_array_new(FALSE, FALSE, sizeof(Record));
  size_t off = 24;
  while (off < n) {
    cr_assert_leq(off + 16, n, "%s: truncated record header at %zu", path, off);
    Record r;
    memcpy(&r, d + off, sizeof r);
    off += 16 + r.caplen;
    cr_assert_leq(off, n, "%s: truncated record data", path);
    g_array_append_val(records, r);
  }
  return records;
}

/* Sum over the pseudo-header and the UDP datagram of @pkt, whose last
 * @vlen bytes are virtual (zeros): 0xffff when the checksum is right. */
static uint32_t
udp6_checksum_sum(const uint8_t *pkt, size_t real, size_t vlen)
{
  uint32_t sum = 0;
  for (size_t i = 8; i < 40; i += 2) /* source and destination */
    sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
  sum += (uint32_t)(real - 40 + vlen); /* upper-layer length */
  sum += 17;                           /* next header */
  for (size_t i = 40; i < real; i += 2)
    sum += (uint32_t)(pkt[i] << 8 | (i + 1 < real ? pkt[i + 1] : 0));
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

Test(pcap, test_packets_are_valid_ipv6_udp)
{
  uint32_t s1 = udp6_checksum_sum(udp6_full, sizeof udp6_full, 0);
  uint32_t s2 = udp6_checksum_sum(udp6_hdr, sizeof udp6_hdr, UDP6_VLEN);
  cr_assert_eq(s1, 0xffff, "checksum sum of the full packet: 0x%04x", s1);
  cr_assert_eq(s2, 0xffff, "checksum sum of the virtual-payload packet: 0x%04x", s2);
  cr_assert_eq(udp6_full[4] << 8 | udp6_full[5], sizeof udp6_full - 40);
  cr_assert_eq(udp6_hdr[4] << 8 | udp6_hdr[5], sizeof udp6_hdr - 40 + UDP6_VLEN);
}

Test(pcap, file_bytes_match_hand_made_file)
{
  g_autofree char *path = tmp_path("hand.pcap");
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  GError *error = NULL;
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, &error);
  cr_assert_not_null(w, "open: %s", error ? error->message : "?");

  SimPacket *full = sim_packet_new_from_bytes(pool, 0, udp6_full, sizeof udp6_full, 0);
  SimPacket *virt = sim_packet_new_from_bytes(pool, SIM_PACKET_DEFAULT_HEADROOM, udp6_hdr,
                                              sizeof udp6_hdr, UDP6_VLEN);
  sim_pcap_writer_write(w, SIM_S(1) + SIM_NS(2) + 3, full);
  sim_pcap_writer_write(w, SIM_S(7) + SIM_NS(999999999), virt);
  sim_pcap_writer_write_bytes(w, SIM_MS(8500), udp6_full, 40, sizeof udp6_full);
  sim_packet_free(full);
  sim_packet_free(virt);
  cr_assert(sim_pcap_writer_close(w, &error), "close: %s", error ? error->message : "?");

  GByteArray *expected = expected_header(65535, 229);
  expected_record(expected, 1, 2, 54, 54, udp6_full, sizeof udp6_full);
  expected_record(expected, 7, 999999999, 148, 148, udp6_hdr, sizeof udp6_hdr);
  expected_record(expected, 8, 500000000, 40, 54, udp6_full, 40);
  assert_file_equals(path, expected);
  g_byte_array_unref(expected);
}

Test(pcap, header_carries_linktype_numbers)
{
  static const struct {
    SimPcapLinkType type;
    uint32_t linktype;
  } cases[] = {
    { SIM_PCAP_LINK_ETHERNET, 1 },
    { SIM_PCAP_LINK_PPP, 9 },
    { SIM_PCAP_LINK_RAW, 101 },
    { SIM_PCAP_LINK_IPV6, 229 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *name = g_strdup_printf("lt%u.pcap", cases[i].linktype);
    g_autofree char *path = tmp_path(name);
    GError *error = NULL;
    SimPcapWriter *w = sim_pcap_writer_open(path, cases[i].type, 1500, &error);
    cr_assert_not_null(w, "open link type %u: %s", cases[i].linktype,
                       error ? error->message : "?");
    sim_pcap_writer_write_bytes(w, 0, udp6_full, sizeof udp6_full, sizeof udp6_full);
    cr_assert(sim_pcap_writer_close(w, &error), "close: %s", error ? error->message : "?");

    GByteArray *expected = expected_header(1500, cases[i].linktype);
    expected_record(expected, 0, 0, 54, 54, udp6_full, sizeof udp6_full);
    assert_file_equals(path, expected);
    g_byte_array_unref(expected);
  }
}

Test(pcap, snaplen_cuts_and_virtual_payload_is_zeros)
{
  g_autofree char *path = tmp_path("cut.pcap");
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  GError *error = NULL;
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_RAW, 64, &error);
  cr_assert_not_null(w, "open: %s", error ? error->message : "?");

  /* 48 real bytes + 100 virtual: 16 zero bytes kept, 148 recorded. */
  SimPacket *virt = sim_packet_new_from_bytes(pool, 0, udp6_hdr, sizeof udp6_hdr, UDP6_VLEN);
  sim_pcap_writer_write(w, 0, virt);
  /* Shorter than the snap length: kept whole. */
  SimPacket *full = sim_packet_new_from_bytes(pool, 0, udp6_full, sizeof udp6_full, 0);
  sim_pcap_writer_write(w, 0, full);
  /* Real bytes beyond the snap length are cut too. */
  uint8_t big[100];
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (uint8_t)(i + 1);
  SimPacket *real = sim_packet_new_from_bytes(pool, 0, big, sizeof big, 20);
  sim_pcap_writer_write(w, 0, real);
  sim_pcap_writer_write_bytes(w, 0, big, sizeof big, 1000);
  sim_packet_free(virt);
  sim_packet_free(full);
  sim_packet_free(real);
  cr_assert(sim_pcap_writer_close(w, &error), "close: %s", error ? error->message : "?");

  GByteArray *expected = expected_header(64, 101);
  expected_record(expected, 0, 0, 64, 148, udp6_hdr, sizeof udp6_hdr);
  expected_record(expected, 0, 0, 54, 54, udp6_full, sizeof udp6_full);
  expected_record(expected, 0, 0, 64, 120, big, 64);
  expected_record(expected, 0, 0, 64, 1000, big, 64);
  assert_file_equals(path, expected);
  g_byte_array_unref(expected);
}

Test(pcap, timestamps_round_down_to_the_nanosecond)
{
  static const struct {
    SimTime t;
    uint32_t sec, nsec;
  } cases[] = {
    { 0, 0, 0 },
    { SIM_PS(999), 0, 0 },
    { SIM_NS(1), 0, 1 },
    { SIM_NS(1) + 999, 0, 1 },
    { SIM_S(1) - 1, 0, 999999999 },
    { SIM_S(1), 1, 0 },
    { SIM_S(86400 * 100) + SIM_US(5) + 1, 86400 * 100, 5000 },
  };
  g_autofree char *path = tmp_path("ts.pcap");
  GError *error = NULL;
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, &error);
  cr_assert_not_null(w, "open: %s", error ? error->message : "?");
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    sim_pcap_writer_write_bytes(w, cases[i].t, udp6_full, sizeof udp6_full, sizeof udp6_full);
  cr_assert(sim_pcap_writer_close(w, &error), "close: %s", error ? error->message : "?");

  GArray *records = read_records(path);
  cr_assert_eq(records->len, G_N_ELEMENTS(cases), "%u records", records->len);
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Record *r = &g_array_index(records, Record, i);
    cr_assert(r->sec == cases[i].sec && r->nsec == cases[i].nsec,
              "t = %" G_GINT64_FORMAT " ps: written %u s %u ns, expected %u s %u ns",
              cases[i].t, r->sec, r->nsec, cases[i].sec, cases[i].nsec);
  }
  g_array_unref(records);
}

Test(pcap, count_counts_packets)
{
  g_autofree char *path = tmp_path("count.pcap");
  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, NULL);
  cr_assert_not_null(w);
  uint64_t n0 = sim_pcap_writer_count(w);
  SimPacket *p = sim_packet_new_from_bytes(pool, 0, udp6_full, sizeof udp6_full, 0);
  sim_pcap_writer_write(w, 0, p);
  sim_pcap_writer_write_bytes(w, 1, udp6_full, sizeof udp6_full, sizeof udp6_full);
  uint64_t n2 = sim_pcap_writer_count(w);
  sim_packet_free(p);
  cr_assert(sim_pcap_writer_close(w, NULL));
  cr_assert(n0 == 0 && n2 == 2, "count %" G_GUINT64_FORMAT " then %" G_GUINT64_FORMAT, n0, n2);
}

Test(pcap, close_publishes_and_replaces_atomically)
{
  g_autofree char *path = tmp_path("trace.pcap");
  cr_assert(g_file_set_contents(path, "old", 3, NULL));
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, NULL);
  cr_assert_not_null(w);
  for (int i = 0; i < 1000; i++)
    sim_pcap_writer_write_bytes(w, SIM_US(i), udp6_full, sizeof udp6_full, sizeof udp6_full);

  g_autoptr(GBytes) before = read_bytes(path);
  cr_assert(g_bytes_get_size(before) == 3 && memcmp(g_bytes_get_data(before, NULL), "old", 3) == 0,
            "the final name changed before close (%zu bytes)", g_bytes_get_size(before));
  g_autofree char *listing = dir_listing();
  cr_assert(g_str_has_prefix(listing, "trace.pcap,trace.pcap.tmp-") && !strchr(listing + 11, ','),
            "while writing: %s", listing);

  GError *error = NULL;
  cr_assert(sim_pcap_writer_close(w, &error), "close: %s", error ? error->message : "?");
  GArray *records = read_records(path);
  cr_assert_eq(records->len, 1000, "%u records after close", records->len);
  g_array_unref(records);
  g_autofree char *after = dir_listing();
  cr_assert_str_eq(after, "trace.pcap", "after close: %s", after);
}

Test(pcap, close_into_new_name_publishes_only_then)
{
  g_autofree char *path = tmp_path("new.pcap");
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_RAW, 65535, NULL);
  cr_assert_not_null(w);
  sim_pcap_writer_write_bytes(w, 0, udp6_full, sizeof udp6_full, sizeof udp6_full);
  cr_assert_not(g_file_test(path, G_FILE_TEST_EXISTS), "%s exists before close", path);
  cr_assert(sim_pcap_writer_close(w, NULL));
  cr_assert(g_file_test(path, G_FILE_TEST_IS_REGULAR), "%s missing after close", path);
}

Test(pcap, abort_leaves_nothing)
{
  g_autofree char *path = tmp_path("aborted.pcap");
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, NULL);
  cr_assert_not_null(w);
  sim_pcap_writer_write_bytes(w, 0, udp6_full, sizeof udp6_full, sizeof udp6_full);
  sim_pcap_writer_abort(w);
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "", "left behind: %s", listing);
}

Test(pcap, unwritable_directory_is_io_error)
{
  g_autofree char *missing = g_build_filename(tmpdir, "no-such-dir", "x.pcap", NULL);
  g_autofree char *file = tmp_path("plain-file");
  g_autofree char *under_file = g_build_filename(file, "x.pcap", NULL);
  cr_assert(g_file_set_contents(file, "", 0, NULL));
  const char *paths[] = { missing, under_file };
  for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
    GError *error = NULL;
    SimPcapWriter *w = sim_pcap_writer_open(paths[i], SIM_PCAP_LINK_IPV6, 65535, &error);
    cr_assert_null(w, "%s: opened", paths[i]);
    cr_assert(g_error_matches(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO),
              "%s: error %s", paths[i], error ? error->message : "none");
    cr_assert(strstr(error->message, paths[i]) != NULL, "message does not name the file: %s",
              error->message);
    g_error_free(error);
  }
}

Test(pcap, unknown_linktype_is_error)
{
  g_autofree char *path = tmp_path("bad.pcap");
  GError *error = NULL;
  SimPcapWriter *w = sim_pcap_writer_open(path, (SimPcapLinkType)42, 65535, &error);
  cr_assert_null(w);
  cr_assert(g_error_matches(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_LINKTYPE), "error %s",
            error ? error->message : "none");
  g_error_free(error);
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "", "left behind: %s", listing);
}

Test(pcap, write_error_fails_close_and_publishes_nothing)
{
  g_autofree char *path = tmp_path("full.pcap");
  SimPcapWriter *w = sim_pcap_writer_open(path, SIM_PCAP_LINK_IPV6, 65535, NULL);
  cr_assert_not_null(w);

  /* A file size limit makes the writes fail with EFBIG, as a full disk
   * would with ENOSPC; this test's process is its own. */
  struct rlimit old, lim;
  cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
  lim = old;
  lim.rlim_cur = 1000;
  signal(SIGXFSZ, SIG_IGN);
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0, "setrlimit: %s", g_strerror(errno));
  for (int i = 0; i < 200; i++)
    sim_pcap_writer_write_bytes(w, SIM_US(i), udp6_full, sizeof udp6_full, sizeof udp6_full);
  GError *error = NULL;
  gboolean ok = sim_pcap_writer_close(w, &error);
  setrlimit(RLIMIT_FSIZE, &old);

  cr_assert_not(ok, "close succeeded");
  cr_assert(g_error_matches(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO), "error %s",
            error ? error->message : "none");
  g_error_free(error);
  g_autofree char *listing = dir_listing();
  cr_assert_str_eq(listing, "", "left behind: %s", listing);
}

/* Runs $TSHARK on @path with @args; returns its standard output. */
static char *
run_tshark(const char *tshark, const char *path, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)tshark);
  g_ptr_array_add(argv, (char *)"-n");
  g_ptr_array_add(argv, (char *)"-r");
  g_ptr_array_add(argv, (char *)path);
  g_ptr_array_add(argv, (char *)"-o");
  g_ptr_array_add(argv, (char *)"udp.check_checksum:TRUE");
  for (size_t i = 0; args[i] != NULL; i++)
    g_ptr_array_add(argv, (char *)args[i]);
  g_ptr_array_add(argv, NULL);
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean spawned = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                                  NULL, &out, &err, &status, &error);
  g_ptr_array_free(argv, TRUE);
  cr_assert(spawned, "running %s: %s", tshark, error ? error->message : "?");
  cr_assert(g_spawn_check_wait_status(status, NULL), "%s -r %s failed: %s", tshark, path, err);
  g_free(err);
  return out;
}

Test(pcap, tshark_reads_frames_and_lengths)
{
  const char *tshark = g_getenv("TSHARK");
  if (tshark == NULL || *tshark == '\0') {
    teardown(); /* a skipped test does not reach the suite's .fini */
    cr_skip_test("TSHARK is not set");
  }

  g_autoptr(SimPacketPool) pool = sim_packet_pool_new();
  static const SimPcapLinkType types[] = { SIM_PCAP_LINK_IPV6, SIM_PCAP_LINK_RAW };
  for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
    g_autofree char *name = g_strdup_printf("tshark%d.pcap", (int)types[i]);
    g_autofree char *path = tmp_path(name);
    SimPcapWriter *w = sim_pcap_writer_open(path, types[i], 65535, NULL);
    cr_assert_not_null(w);
    SimPacket *full = sim_packet_new_from_bytes(pool, 0, udp6_full, sizeof udp6_full, 0);
    SimPacket *virt = sim_packet_new_from_bytes(pool, 0, udp6_hdr, sizeof udp6_hdr, UDP6_VLEN);
    sim_pcap_writer_write(w, SIM_US(10), full);
    sim_pcap_writer_write(w, SIM_US(20) + 1, virt);
    sim_packet_free(full);
    sim_packet_free(virt);
    cr_assert(sim_pcap_writer_close(w, NULL));

    static const char *const fields[] = { "-T", "fields", "-e", "frame.len", "-e",
                                          "frame.cap_len", "-e", "ipv6.plen", "-e",
                                          "udp.length", "-e", "udp.checksum.status", "-e",
                                          "frame.time_epoch", NULL };
    g_autofree char *out = run_tshark(tshark, path, fields);
    /* Tab-separated; udp.checksum.status 1 is "Good". */
    const char *expected = "54\t54\t14\t14\t1\t0.000010000\n"
                           "148\t148\t108\t108\t1\t0.000020000\n";
    cr_assert_str_eq(out, expected, "link type %d: tshark read\n%s", (int)types[i], out);

    static const char *const flagged[] = {
      "-Y", "_ws.malformed || _ws.expert.severity >= \"Warning\"", "-T", "fields", "-e",
      "frame.number", NULL
    };
    g_autofree char *bad = run_tshark(tshark, path, flagged);
    cr_assert_str_eq(bad, "", "link type %d: frames flagged by tshark: %s", (int)types[i], bad);
  }
}
