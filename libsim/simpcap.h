/* simpcap.h - pcap trace files (libpcap's dump functions).
 *
 * Files use nanosecond timestamps (the finest pcap offers; simulated
 * times are rounded down to the nanosecond). Virtual payload is written as
 * zero bytes up to the snap length and the original length records the
 * whole packet, so Wireshark shows true sizes. Files are written to a
 * temporary name and renamed into place by sim_pcap_writer_close(), so a
 * file under the final name is always complete.
 */
#ifndef IPESIM_SIMPCAP_H
#define IPESIM_SIMPCAP_H

#include "simdefs.h"
#include "simpacket.h"
#include "simtime.h"

G_BEGIN_DECLS

/* Link types by their LINKTYPE_ numbers (tcpdump.org/linktypes.html). */
typedef enum {
  SIM_PCAP_LINK_ETHERNET = 1, /* Ethernet II frames */
  SIM_PCAP_LINK_PPP = 9,      /* PPP with its 2-byte protocol header (ns-3 point-to-point) */
  SIM_PCAP_LINK_RAW = 101,    /* raw IPv4/IPv6, version from the first nibble */
  SIM_PCAP_LINK_IPV6 = 229    /* raw IPv6 */
} SimPcapLinkType;

#define SIM_PCAP_DEFAULT_SNAPLEN 65535

#define SIM_PCAP_ERROR (sim_pcap_error_quark())
typedef enum { SIM_PCAP_ERROR_IO, SIM_PCAP_ERROR_LINKTYPE } SimPcapError;
SIM_API GQuark sim_pcap_error_quark(void);

typedef struct _SimPcapWriter SimPcapWriter;

/**
 * sim_pcap_writer_open:
 * @path: final file name (created in its directory via a temporary name)
 * @linktype: one of SimPcapLinkType
 * @snaplen: bytes kept per packet (>= 1; larger packets are truncated and
 *   keep their original length)
 * Returns: (transfer full) (nullable): the writer, or NULL with @error.
 */
SIM_API SimPcapWriter *sim_pcap_writer_open(const char *path, SimPcapLinkType linktype,
                                            uint32_t snaplen, GError **error);

/* Writes @p (real bytes, then virtual payload as zeros) stamped @t. */
SIM_API void sim_pcap_writer_write(SimPcapWriter *w, SimTime t, const SimPacket *p);

/* Writes a frame given as bytes: @caplen bytes of @data stored (cut to the
 * snap length), @origlen >= @caplen recorded as the frame length. */
SIM_API void sim_pcap_writer_write_bytes(SimPcapWriter *w, SimTime t, const void *data,
                                         size_t caplen, size_t origlen);

/* Packets written so far. */
SIM_API uint64_t sim_pcap_writer_count(const SimPcapWriter *w);

/**
 * sim_pcap_writer_close:
 * Flushes, closes and renames the file into place; frees @w in every case.
 * Returns: FALSE with @error if any write failed (the temporary file is
 *   removed and nothing appears under the final name).
 */
SIM_API gboolean sim_pcap_writer_close(SimPcapWriter *w, GError **error);

/* Closes without publishing: removes the temporary file, frees @w. */
SIM_API void sim_pcap_writer_abort(SimPcapWriter *w);

/* g_autoptr(SimPcapWriter) aborts a writer that was not closed. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimPcapWriter, sim_pcap_writer_abort)

G_END_DECLS

#endif /* IPESIM_SIMPCAP_H */
