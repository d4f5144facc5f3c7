/* simpcap.c - pcap trace files through libpcap's dump functions.
 *
 * A writer is a dead pcap handle (link type, snap length, nanosecond
 * precision, so libpcap writes the 0xa1b23c4d magic) and a dumper on a
 * temporary file "<path>.tmp-XXXXXX" in the target directory. Close
 * flushes, syncs and renames it into place; abort and every failed close
 * remove it, so nothing incomplete ever appears under the final name.
 *
 * Invariants: every record has caplen <= snaplen (the snap length libpcap
 * put in the file header) and len >= caplen; timestamps are simulated
 * times rounded down to the nanosecond.
 *
 * The tricky part is error reporting. pcap_dump() ignores fwrite()'s
 * result and pcap_dump_close() ignores fclose()'s, so write errors are
 * caught from the stream's sticky error flag after each record and by
 * pcap_dump_flush() at close. The dumper's stream runs on a duplicate of
 * the temporary file's descriptor: the writer keeps the original, and
 * fsync() and close() on it report what the dumper's close cannot.
 * Frames whose bytes are not all present (virtual payload) are assembled
 * in a scratch buffer owned by the writer, grown to the largest frame
 * seen and never beyond the snap length, so steady-state writing does not
 * allocate.
 */
#define G_LOG_DOMAIN "ipesim-pcap"
#include "config.h"

#include "simpcap.h"
#include "simpacket-private.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

G_DEFINE_QUARK(sim-pcap-error-quark, sim_pcap_error)

struct _SimPcapWriter {
  pcap_t *pcap;          /* dead handle: link type, snap length, precision */
  pcap_dumper_t *dumper; /* owns a stream on a duplicate of @fd */
  int fd;                /* the temporary file, for fsync() and close() */
  char *path;            /* final name */
  char *tmp_path;        /* temporary name, same directory */
  uint32_t snaplen;      /* as written in the file header */
  uint64_t count;
  int io_errno;          /* first write error, 0 while none */
  uint8_t *scratch;      /* frame assembly, @scratch_size bytes */
  size_t scratch_size;
};

/* The DLT_ value libpcap expects for a LINKTYPE_ number, or -1. libpcap
 * translates it back when writing the file header (DLT_RAW, whose value
 * differs between platforms, becomes LINKTYPE_RAW = 101). */
static int
linktype_to_dlt(SimPcapLinkType linktype)
{
  switch (linktype) {
  case SIM_PCAP_LINK_ETHERNET:
    return DLT_EN10MB;
  case SIM_PCAP_LINK_PPP:
    return DLT_PPP;
  case SIM_PCAP_LINK_RAW:
    return DLT_RAW;
  case SIM_PCAP_LINK_IPV6:
    return DLT_IPV6;
  }
  return -1;
}

static void
writer_free(SimPcapWriter *w)
{
  if (w->pcap != NULL)
    pcap_close(w->pcap);
  g_free(w->path);
  g_free(w->tmp_path);
  g_free(w->scratch);
  g_free(w);
}

SimPcapWriter *
sim_pcap_writer_open(const char *path, SimPcapLinkType linktype, uint32_t snaplen,
                     GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(snaplen >= 1 && snaplen <= G_MAXINT, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  int dlt = linktype_to_dlt(linktype);
  if (dlt < 0) {
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_LINKTYPE,
                "%s: unsupported link type %d (expected 1 Ethernet, 9 PPP, 101 raw IP "
                "or 229 raw IPv6)",
                path, (int)linktype);
    return NULL;
  }

  SimPcapWriter *w = g_new0(SimPcapWriter, 1);
  w->fd = -1;
  w->path = g_strdup(path);
  w->tmp_path = g_strconcat(path, ".tmp-XXXXXX", NULL);
  w->pcap = pcap_open_dead_with_tstamp_precision(dlt, (int)snaplen,
                                                 PCAP_TSTAMP_PRECISION_NANO);
  if (w->pcap == NULL) {
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO,
                "%s: cannot set up a pcap writer (out of memory)", path);
    writer_free(w);
    return NULL;
  }
  /* Records are cut to the snap length libpcap writes in the file header
   * (some libpcap versions adjust the value asked for). */
  w->snaplen = (uint32_t)pcap_snapshot(w->pcap);

  w->fd = g_mkstemp_full(w->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (w->fd < 0) {
    int err = errno;
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO,
                "%s: cannot create a temporary file in its directory: %s", path,
                g_strerror(err));
    writer_free(w);
    return NULL;
  }

  int fd2 = fcntl(w->fd, F_DUPFD_CLOEXEC, 0);
  FILE *fp = fd2 >= 0 ? fdopen(fd2, "wb") : NULL;
  if (fp == NULL) {
    int err = errno;
    if (fd2 >= 0)
      close(fd2);
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO, "%s: %s", path, g_strerror(err));
    close(w->fd);
    g_unlink(w->tmp_path);
    writer_free(w);
    return NULL;
  }
  w->dumper = pcap_dump_fopen(w->pcap, fp);
  if (w->dumper == NULL) {
    /* libpcap has closed @fp when the header write failed (the only way
     * this can fail for the link types above), so it is not closed here. */
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO, "%s: %s", path,
                pcap_geterr(w->pcap));
    close(w->fd);
    g_unlink(w->tmp_path);
    writer_free(w);
    return NULL;
  }
  return w;
}

static void
dump_frame(SimPcapWriter *w, SimTime t, const uint8_t *data, size_t caplen, size_t origlen)
{
  w->count++;
  if (w->io_errno != 0)
    return;
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof h);
  h.ts.tv_sec = (time_t)(t / SIM_S(1));
  /* With nanosecond precision the "usec" field carries nanoseconds. */
  h.ts.tv_usec = (suseconds_t)(t % SIM_S(1) / SIM_NS(1));
  h.caplen = (bpf_u_int32)caplen;
  h.len = (bpf_u_int32)MIN(origlen, (size_t)UINT32_MAX);
  errno = 0;
  pcap_dump((u_char *)w->dumper, &h, data);
  if (SIM_UNLIKELY(ferror(pcap_dump_file(w->dumper))))
    w->io_errno = errno != 0 ? errno : EIO;
}

void
sim_pcap_writer_write(SimPcapWriter *w, SimTime t, const SimPacket *p)
{
  g_return_if_fail(w != NULL);
  g_return_if_fail(p != NULL);
  g_return_if_fail(t >= 0);

  size_t real = sim__packet_real_length(p);
  size_t origlen = real + sim_packet_virtual_length(p);
  size_t caplen = MIN(origlen, (size_t)w->snaplen);
  if (caplen <= real) {
    dump_frame(w, t, sim__packet_data(p), caplen, origlen);
    return;
  }
  if (SIM_UNLIKELY(caplen > w->scratch_size)) {
    size_t size = MAX(w->scratch_size, 2048);
    while (size < caplen)
      size *= 2;
    w->scratch_size = MIN(size, (size_t)w->snaplen);
    w->scratch = g_realloc(w->scratch, w->scratch_size);
  }
  size_t copied = sim_packet_copy_out(p, 0, caplen, w->scratch);
  g_assert(copied == caplen);
  dump_frame(w, t, w->scratch, caplen, origlen);
}

void
sim_pcap_writer_write_bytes(SimPcapWriter *w, SimTime t, const void *data, size_t caplen,
                            size_t origlen)
{
  g_return_if_fail(w != NULL);
  g_return_if_fail(data != NULL || caplen == 0);
  g_return_if_fail(origlen >= caplen);
  g_return_if_fail(t >= 0);

  dump_frame(w, t, data, MIN(caplen, (size_t)w->snaplen), origlen);
}

uint64_t
sim_pcap_writer_count(const SimPcapWriter *w)
{
  g_return_val_if_fail(w != NULL, 0);
  return w->count;
}

gboolean
sim_pcap_writer_close(SimPcapWriter *w, GError **error)
{
  g_return_val_if_fail(w != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

  int err = w->io_errno;
  errno = 0;
  if (pcap_dump_flush(w->dumper) != 0 && err == 0)
    err = errno != 0 ? errno : EIO;
  if (ferror(pcap_dump_file(w->dumper)) && err == 0)
    err = EIO;
  /* The buffer is empty now: this only closes the duplicate descriptor. */
  pcap_dump_close(w->dumper);
  w->dumper = NULL;
  if (err == 0 && fsync(w->fd) != 0)
    err = errno;
  if (close(w->fd) != 0 && err == 0)
    err = errno;
  w->fd = -1;
  if (err == 0 && g_rename(w->tmp_path, w->path) != 0)
    err = errno;

  if (err != 0) {
    g_unlink(w->tmp_path);
    g_set_error(error, SIM_PCAP_ERROR, SIM_PCAP_ERROR_IO, "%s: cannot write pcap file: %s",
                w->path, g_strerror(err));
    writer_free(w);
    return FALSE;
  }
  writer_free(w);
  return TRUE;
}

void
sim_pcap_writer_abort(SimPcapWriter *w)
{
  g_return_if_fail(w != NULL);

  pcap_dump_close(w->dumper);
  close(w->fd);
  g_unlink(w->tmp_path);
  writer_free(w);
}
