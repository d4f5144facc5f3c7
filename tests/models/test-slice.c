/* test-slice.c - network slices realised by NRPs over SRv6: NRP selection
 * from the packet (locator, Hop-by-Hop option, DSCP, flow label), the
 * per-NRP constrained paths, soft and hard isolation against closed-form
 * throughputs, admission, the result tables and the scenario errors.
 *
 * Every case builds a network from scenario text, runs it and reads the
 * per-NRP queue counters of the links (class k + 1 = NRP index k, class 0
 * = the traffic outside slices), the captured packets (pcap, read back
 * with libpcap) or the CSV tables written into a temporary directory.
 */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <pcap/pcap.h>
#include <string.h>

#include "netscenario.h"
#include "scheduler.h"
#include "simcontext.h"
#include "simcsv.h"
#include "simscenario.h"
#include "simstats.h"
#include "slice.h"

/* ---- running scenarios ------------------------------------------------------------------------- */

typedef struct {
  SimScenario *sc;
  SimNetRun *run;
  char *dir;
} Run;

/* Builds @text (named slice.ini); NULL with @error when the build fails. */
static SimNetRun *
build(Run *r, const char *text, gboolean pcap, GError **error)
{
  memset(r, 0, sizeof *r);
  r->sc = sim_scenario_load_data("slice.ini", text, -1, error);
  cr_assert_not_null(r->sc, "%s", *error ? (*error)->message : "");
  GError *e = NULL;
  r->dir = g_dir_make_tmp("ipesim-slice-XXXXXX", &e);
  cr_assert_not_null(r->dir, "%s", e ? e->message : "");
  static const char *const all[] = { "all", NULL };
  SimNetBuildOptions opts = SIM_NET_BUILD_OPTIONS_INIT;
  if (pcap) {
    opts.pcap = all;
    opts.outdir = r->dir;
  }
  SimRegistry *reg = sim_net_registry_new();
  r->run = sim_net_build(r->sc, reg, &opts, error);
  sim_registry_free(reg);
  return r->run;
}

static void
build_ok(Run *r, const char *text, gboolean pcap)
{
  GError *error = NULL;
  build(r, text, pcap, &error);
  cr_assert_not_null(r->run, "build: %s", error ? error->message : "");
}

/* Runs to the end and writes the result tables (and closes the pcaps). */
static void
finish(Run *r)
{
  sim_run_until(sim_net_run_context(r->run), sim_net_run_end(r->run));
  GError *error = NULL;
  cr_assert(sim_net_run_finish(r->run, r->sc, r->dir, 0, 0, &error), "finish: %s",
            error ? error->message : "");
}

static void
rm_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  if (d) {
    const char *n;
    while ((n = g_dir_read_name(d))) {
      g_autofree char *p = g_build_filename(path, n, NULL);
      if (g_file_test(p, G_FILE_TEST_IS_DIR))
        rm_tree(p);
      else
        g_unlink(p);
    }
    g_dir_close(d);
  }
  g_rmdir(path);
}

static void
run_free(Run *r)
{
  if (r->run)
    sim_net_run_free(r->run);
  sim_scenario_free(r->sc);
  rm_tree(r->dir);
  g_free(r->dir);
}

static SimSlicing *
slicing(const Run *r)
{
  SimSlicing *sl = sim_slicing_of(sim_net_run_net(r->run));
  cr_assert_not_null(sl);
  return sl;
}

static SimSlice *
slice(const Run *r, const char *name)
{
  SimSlice *s = sim_slicing_find_slice(slicing(r), name);
  cr_assert_not_null(s, "no slice %s", name);
  return s;
}

static SimFlow *
flow(const Run *r, const char *name)
{
  SimFlow *f = sim_net_find_flow(sim_net_run_net(r->run), name);
  cr_assert_not_null(f, "no flow %s", name);
  return f;
}

/* The interface of @from towards its neighbour @to. */
static SimIface *
iface(const Run *r, const char *from, const char *to)
{
  SimNet *net = sim_net_run_net(r->run);
  SimNode *a = sim_net_find_node(net, from);
  cr_assert_not_null(a, "no node %s", from);
  for (uint32_t i = 0; i < sim_node_n_ifaces(a); i++) {
    SimIface *f = sim_node_iface(a, i);
    if (strcmp(sim_node_name(sim_iface_node(sim_iface_peer(f))), to) == 0)
      return f;
  }
  cr_assert_fail("%s has no link to %s", from, to);
  return NULL;
}

/* Counters of queue class @k (0: outside slices, k: NRP k - 1) on @from -> @to. */
static SimQosClassStats
klass(const Run *r, const char *from, const char *to, uint32_t k)
{
  SimQdisc *q = sim_iface_qdisc(iface(r, from, to));
  cr_assert(sim_qos_sched_is(q), "%s -> %s has no NRP queues", from, to);
  cr_assert_eq(sim_qos_sched_n_classes(q), sim_slicing_n_nrps(slicing(r)) + 1);
  SimQosClassStats st;
  cr_assert(sim_qos_sched_get_stats(q, k, &st));
  return st;
}

static uint64_t
sent(const Run *r, const char *from, const char *to, uint32_t k)
{
  return klass(r, from, to, k).sent_packets;
}

/* ---- CSV tables ---------------------------------------------------------------------------------- */

static SimCsvTable *
table(const Run *r, const char *name)
{
  g_autofree char *path = g_build_filename(r->dir, name, NULL);
  GError *error = NULL;
  SimCsvTable *t = sim_csv_table_load(path, &error);
  cr_assert_not_null(t, "%s: %s", name, error ? error->message : "");
  return t;
}

/* The value in column @col of the row whose first column is @key. */
static const char *
cell(const SimCsvTable *t, const char *key, const char *col)
{
  int c = sim_csv_table_column(t, col);
  cr_assert_geq(c, 0, "%s: no column %s", sim_csv_table_name(t), col);
  for (size_t i = 0; i < sim_csv_table_n_rows(t); i++)
    if (strcmp(sim_csv_table_get(t, i, 0), key) == 0)
      return sim_csv_table_get(t, i, (size_t)c);
  cr_assert_fail("%s: no row %s", sim_csv_table_name(t), key);
  return NULL;
}

static uint64_t
cell_uint(const SimCsvTable *t, const char *key, const char *col)
{
  return g_ascii_strtoull(cell(t, key, col), NULL, 10);
}

/* ---- NRP selection ------------------------------------------------------------------------------ */

/* a -- b -- c; slices x (NRP one) and y (NRP two) from a to c, and a flow
 * outside slices. The flows differ in size, so a captured packet tells its
 * flow by its length. */
static const char selector_fmt[] =
  "[simulation]\nduration = 10ms\ndrain = 5ms\nseed = 1\n"
  "[node a]\n[node b]\n[node c]\n"
  "[defaults link]\nrate = 1Gbps\ndelay = 10us\n%s"
  "[link a-b]\na = a\nb = b\n"
  "[link b-c]\na = b\nb = c\n"
  "[nrp one]\nbandwidth = 30%%\ndscp = 12\n"
  "[nrp two]\nbandwidth = 20%%\ndscp = 14\n"
  "[slice x]\nnrp = one\ndscp = 46\n"
  "[slice y]\nnrp = two\ndscp = 10\n"
  "[flow fx]\nsrc = a\ndst = c\nslice = x\nrate = 1000pps\nsize = 100B\n"
  "[flow fy]\nsrc = a\ndst = c\nslice = y\nrate = 500pps\nsize = 300B\n"
  /* marked by its host like NRP one's selector in dscp and flow-label mode */
  "[flow plain]\nsrc = a\ndst = c\nrate = 200pps\nsize = 600B\ntraffic_class = 48\n"
  "flow_label = 74565\n"
  "[slicing]\nselector = %s\n";

/* 0: outside slices (plain), 1: x, 2: y, by the IPv6 packet length. */
static unsigned
which_flow(size_t ip_len)
{
  return ip_len < 250 ? 1 : ip_len < 550 ? 2 : 0;
}

/* Checks every packet a sends to c as b forwards it: its selector names
 * NRP k for the packets of the slice of NRP k and nothing for the rest. */
static void
check_selector(const char *selector, const char *link_keys)
{
  g_autofree char *text = g_strdup_printf(selector_fmt, link_keys, selector);
  Run r;
  build_ok(&r, text, TRUE);
  finish(&r);
  uint64_t tx[3] = { sim_flow_stats(flow(&r, "plain"))->tx_packets,
                     sim_flow_stats(flow(&r, "fx"))->tx_packets,
                     sim_flow_stats(flow(&r, "fy"))->tx_packets };
  cr_assert_eq(tx[0], 2, "%s: plain sent %" PRIu64, selector, tx[0]);
  cr_assert_eq(tx[1], 10, "%s: fx sent %" PRIu64, selector, tx[1]);
  cr_assert_eq(tx[2], 5, "%s: fy sent %" PRIu64, selector, tx[2]);
  /* every hop puts each packet into its NRP's queue */
  static const char *const hops[][2] = { { "a", "b" }, { "b", "c" } };
  for (size_t h = 0; h < G_N_ELEMENTS(hops); h++)
    for (uint32_t k = 0; k < 3; k++) {
      SimQosClassStats st = klass(&r, hops[h][0], hops[h][1], k);
      cr_assert_eq(st.sent_packets, tx[k],
                   "%s: %s -> %s class %u sent %" PRIu64 ", expected %" PRIu64, selector,
                   hops[h][0], hops[h][1], k, st.sent_packets, tx[k]);
    }
  for (uint32_t k = 0; k < 3; k++)
    cr_assert_eq(sim_flow_stats(flow(&r, k == 0 ? "plain" : k == 1 ? "fx" : "fy"))->rx_packets,
                 tx[k], "%s: flow of class %u lost packets", selector, k);
  /* the bytes on the wire b -> c */
  g_autofree char *path = g_build_filename(r.dir, "pcap", "b-eth1.pcap", NULL);
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *pc = pcap_open_offline(path, errbuf);
  cr_assert_not_null(pc, "%s: %s", path, errbuf);
  /* raw IPv6, PPP with its 2-byte header or Ethernet II */
  int dlt = pcap_datalink(pc);
  size_t l2 = dlt == DLT_PPP ? 2 : dlt == DLT_EN10MB ? 14 : 0;
  cr_assert(dlt == DLT_PPP || dlt == DLT_RAW || dlt == DLT_IPV6 || dlt == DLT_EN10MB,
            "link type %d", dlt);
  uint64_t seen[3] = { 0 };
  struct pcap_pkthdr *ph;
  const u_char *d;
  int rc;
  while ((rc = pcap_next_ex(pc, &ph, &d)) == 1) {
    cr_assert_geq(ph->caplen, l2 + 40 + 8);
    const uint8_t *b = d + l2;
    if (dlt == DLT_EN10MB)
      cr_assert(d[12] == 0x86 && d[13] == 0xdd, "EtherType %02x%02x", d[12], d[13]);
    if (strcmp(selector, "hbh") != 0 && b[6] == 0)
      cr_assert_fail("%s: a Hop-by-Hop header without the hbh selector", selector);
    unsigned k = which_flow(ph->len - l2);
    seen[k]++;
    uint32_t fl = (uint32_t)(b[1] & 0x0f) << 16 | (uint32_t)b[2] << 8 | b[3];
    unsigned dscp = (unsigned)((b[0] & 0x0f) << 2 | b[1] >> 6);
    if (k == 0) {
      /* not encapsulated, with its host's DSCP 12 and label 0x12345 */
      cr_assert_eq(b[6], 17, "%s: the flow outside slices is not encapsulated", selector);
      cr_assert_eq(dscp, 12, "%s: plain DSCP %u", selector, dscp);
      cr_assert_eq(fl, 0x12345, "%s: plain flow label 0x%05x", selector, fl);
    }
    if (k > 0 && strcmp(selector, "locator") != 0) {
      /* encapsulated towards the base uSID block fcbb:bc00::/32 */
      static const uint8_t base[] = { 0xfc, 0xbb, 0xbc, 0x00 };
      cr_assert(memcmp(b + 24, base, 4) == 0, "%s: destination %02x%02x:%02x%02x...", selector,
                b[24], b[25], b[26], b[27]);
    }
    if (strcmp(selector, "hbh") == 0 && k > 0) {
      /* RFC 8200 §4.3: 8-byte Hop-by-Hop header with the NRP option
       * (type 0x3E, 4 data bytes: the NRP ID, here the NRP's position) */
      cr_assert_eq(b[6], 0, "hbh: next header %u", b[6]);
      cr_assert_eq(b[41], 0, "hbh: Hop-by-Hop length %u", b[41]);
      cr_assert_eq(b[42], 0x3e, "hbh: option type 0x%02x", b[42]);
      cr_assert_eq(b[43], 4, "hbh: option length %u", b[43]);
      uint32_t id = (uint32_t)b[44] << 24 | (uint32_t)b[45] << 16 | (uint32_t)b[46] << 8 | b[47];
      cr_assert_eq(id, k, "hbh: NRP ID %u in a packet of NRP %u", id, k);
    } else if (strcmp(selector, "dscp") == 0 && k > 0) {
      cr_assert_eq(dscp, k == 1 ? 12u : 14u, "dscp: outer DSCP %u in a packet of NRP %u", dscp, k);
    } else if (strcmp(selector, "flow-label") == 0 && k > 0) {
      cr_assert_eq(fl >> 16, k, "flow-label: label 0x%05x in a packet of class %u", fl, k);
    } else if (strcmp(selector, "locator") == 0 && k > 0) {
      static const uint8_t blk[] = { 0xfc, 0xbb, 0xbc };
      cr_assert(memcmp(b + 24, blk, 3) == 0 && b[27] == k,
                "locator: destination %02x%02x:%02x%02x... in a packet of NRP %u", b[24], b[25],
                b[26], b[27], k);
    }
  }
  cr_assert_eq(rc, PCAP_ERROR_BREAK);
  pcap_close(pc);
  for (unsigned k = 0; k < 3; k++)
    cr_assert_eq(seen[k], tx[k], "%s: %" PRIu64 " packets of class %u on b -> c, expected %" PRIu64,
                 selector, seen[k], k, tx[k]);
  run_free(&r);
}

Test(selector, locator_names_the_nrp_in_the_destination)
{
  check_selector("locator", "");
}

Test(selector, hbh_option_carries_the_nrp_id)
{
  check_selector("hbh", "");
}

Test(selector, outer_dscp_is_the_nrps)
{
  check_selector("dscp", "");
}

Test(selector, flow_label_top_bits_number_the_nrp)
{
  check_selector("flow-label", "");
}

/* On Ethernet the NRP queues classify behind the 14-byte frame header. */
Test(selector, ethernet_links_classify_behind_the_frame_header)
{
  check_selector("hbh", "framing = ethernet\n");
  check_selector("locator", "framing = ethernet\n");
}

/* Steering at the headend: a slice with a DSCP takes its packets to the
 * destination first, a slice with any DSCP the rest; other destinations
 * are not steered. */
Test(selector, dscp_slices_first_then_the_any_dscp_slice)
{
  static const char text[] =
    "[simulation]\nduration = 10ms\ndrain = 5ms\nseed = 1\n"
    "[node a]\n[node b]\n[node c]\n"
    "[defaults link]\nrate = 1Gbps\ndelay = 10us\n"
    "[link a-b]\na = a\nb = b\n"
    "[link b-c]\na = b\nb = c\n"
    "[nrp one]\nbandwidth = 30%\n"
    "[nrp two]\nbandwidth = 20%\n"
    "[slice x]\nnrp = one\ndscp = 46\n"
    "[slice any]\nnrp = two\n"
    "[flow fx]\nsrc = a\ndst = c\nslice = x\nrate = 1000pps\nsize = 100B\n"
    "[flow fany]\nsrc = a\ndst = c\nslice = any\nrate = 500pps\nsize = 100B\n"
    "[flow ef]\nsrc = a\ndst = c\ntraffic_class = 184\nrate = 300pps\nsize = 100B\n"
    "[flow af]\nsrc = a\ndst = c\ntraffic_class = 40\nrate = 200pps\nsize = 100B\n"
    "[flow tob]\nsrc = a\ndst = b\nrate = 400pps\nsize = 100B\n";
  Run r;
  build_ok(&r, text, FALSE);
  finish(&r);
  /* 10 ms: fx 10, fany 5, ef 3, af 2, tob 4 packets */
  cr_assert_eq(sent(&r, "b", "c", 1), 10 + 3, "DSCP 46 to c goes into NRP one");
  cr_assert_eq(sent(&r, "b", "c", 2), 5 + 2, "the rest to c goes into NRP two");
  cr_assert_eq(sent(&r, "b", "c", 0), 0);
  cr_assert_eq(sent(&r, "a", "b", 0), 4, "traffic to b is not steered");
  run_free(&r);
}

/* ---- paths -------------------------------------------------------------------------------------- */

/* Two paths from a to d: a-b-d (2 hops, 500 us) and a-c-e-d (3 hops,
 * 30 us). NRP low (index 0, class 1) and NRP bulk (index 1, class 2);
 * %s: the links' extra keys, then the NRPs' extra keys. */
static const char path_fmt[] =
  "[simulation]\nduration = 10ms\ndrain = 5ms\n"
  "[node a]\n[node b]\n[node c]\n[node d]\n[node e]\n"
  "[defaults link]\nrate = 1Gbps\ndelay = 10us\n"
  "[link a-b]\na = a\nb = b\ndelay = 500us\n%s"
  "[link b-d]\na = b\nb = d\n%s"
  "[link a-c]\na = a\nb = c\n%s"
  "[link c-e]\na = c\nb = e\n%s"
  "[link e-d]\na = e\nb = d\n%s"
  "[slicing]\nisolation = soft\nselector = hbh\n"
  "[nrp low]\nbandwidth = 30%%\n%s"
  "[nrp bulk]\nbandwidth = 50%%\n"
  "[slice urllc]\nnrp = low\ndscp = 46\n"
  "[slice embb]\nnrp = bulk\ndscp = 10\n"
  "[flow u1]\nsrc = a\ndst = d\nslice = urllc\nrate = 1000pps\nsize = 64B\n"
  "[flow e1]\nsrc = a\ndst = d\nslice = embb\nrate = 2000pps\nsize = 1000B\n";

/* Packets of class @k on each hop of the two paths. */
typedef struct {
  uint64_t ab, bd, ac, ce, ed;
} Hops;

static Hops
hops(const Run *r, uint32_t k)
{
  return (Hops){ sent(r, "a", "b", k), sent(r, "b", "d", k), sent(r, "a", "c", k),
                 sent(r, "c", "e", k), sent(r, "e", "d", k) };
}

static void
assert_low_path(const Run *r, gboolean via_c, const char *what)
{
  Hops h = hops(r, 1);
  uint64_t n = sim_flow_stats(flow(r, "u1"))->tx_packets;
  cr_assert_eq(n, 10);
  Hops want = via_c ? (Hops){ 0, 0, n, n, n } : (Hops){ n, n, 0, 0, 0 };
  cr_assert(memcmp(&h, &want, sizeof h) == 0,
            "%s: NRP low on a-b %" PRIu64 " b-d %" PRIu64 " a-c %" PRIu64 " c-e %" PRIu64
            " e-d %" PRIu64 ", expected the path via %s",
            what, h.ab, h.bd, h.ac, h.ce, h.ed, via_c ? "c and e" : "b");
  cr_assert_eq(sim_flow_stats(flow(r, "u1"))->rx_packets, n, "%s: losses", what);
}

static void
run_paths(Run *r, const char *ab, const char *bd, const char *ac, const char *ce, const char *ed,
          const char *low)
{
  g_autofree char *text = g_strdup_printf(path_fmt, ab, bd, ac, ce, ed, low);
  build_ok(r, text, FALSE);
  finish(r);
}

Test(paths, delay_metric_takes_the_low_delay_path_igp_the_short_one)
{
  Run r;
  run_paths(&r, "", "", "", "", "", "metric = delay\n");
  assert_low_path(&r, TRUE, "metric = delay");
  /* bulk keeps the IGP's 2-hop path */
  Hops h = hops(&r, 2);
  Hops want = { 20, 20, 0, 0, 0 };
  cr_assert(memcmp(&h, &want, sizeof h) == 0, "bulk: a-b %" PRIu64 " a-c %" PRIu64, h.ab, h.ac);
  /* nrp_links.csv names the links the paths use */
  SimCsvTable *t = table(&r, "nrp_links.csv");
  int cn = sim_csv_table_column(t, "nrp"), cs = sim_csv_table_column(t, "sent_packets");
  guint low_rows = 0;
  for (size_t i = 0; i < sim_csv_table_n_rows(t); i++) {
    if (strcmp(sim_csv_table_get(t, i, (size_t)cn), "low") != 0)
      continue;
    const char *l = sim_csv_table_get(t, i, 0);
    cr_assert(!strcmp(l, "a-c") || !strcmp(l, "c-e") || !strcmp(l, "e-d"), "low on %s", l);
    cr_assert_str_eq(sim_csv_table_get(t, i, (size_t)cs), "10");
    low_rows++;
  }
  cr_assert_eq(low_rows, 3);
  sim_csv_table_free(t);
  /* 3 hops of 10 us + 162 bytes (64 + UDP, inner and outer IPv6, 8-byte
   * Hop-by-Hop header, PPP) at 1 Gbit/s */
  cr_assert_eq(sim_slice_path_latency(slice(&r, "urllc")), 3 * (SIM_US(10) + SIM_NS(1296)));
  run_free(&r);
}

Test(paths, igp_metric_takes_the_fewest_hops)
{
  Run r;
  run_paths(&r, "", "", "", "", "", "");
  assert_low_path(&r, FALSE, "metric = igp");
  run_free(&r);
}

Test(paths, te_metric_follows_the_links_te_metric)
{
  Run r;
  /* a-b-d costs 100 + 1 in TE metric, a-c-e-d 3 */
  run_paths(&r, "te_metric = 100\n", "", "", "", "", "metric = te\n");
  assert_low_path(&r, TRUE, "metric = te");
  run_free(&r);
  /* ... and without the TE metric, the routing metric decides */
  run_paths(&r, "", "", "", "", "te_metric = 100\n", "metric = te\n");
  assert_low_path(&r, FALSE, "metric = te, e-d expensive");
  run_free(&r);
}

Test(paths, exclude_any_avoids_the_affinity)
{
  Run r;
  run_paths(&r, "", "", "", "", "affinity = red\n", "metric = delay\nexclude_any = red\n");
  assert_low_path(&r, FALSE, "exclude red on e-d");
  cr_assert_eq(sim_nrp_reserved(sim_slicing_find_nrp(slicing(&r), "low"), iface(&r, "e", "d")), 0);
  cr_assert_eq(sim_nrp_reserved(sim_slicing_find_nrp(slicing(&r), "low"), iface(&r, "a", "b")),
               300000000);
  run_free(&r);
}

Test(paths, include_any_keeps_to_the_affinity)
{
  Run r;
  run_paths(&r, "", "", "affinity = blue\n", "affinity = blue, red\n", "affinity = blue\n",
            "include_any = blue\n");
  assert_low_path(&r, TRUE, "include blue");
  cr_assert_eq(sim_nrp_reserved(sim_slicing_find_nrp(slicing(&r), "low"), iface(&r, "a", "b")), 0);
  run_free(&r);
}

/* Eight headends dual-homed to a and b, which both reach d: equal-cost
 * paths. The headends spread over a and b, so that both links into d
 * carry the NRP (a tree would funnel every path through one of them). */
Test(paths, equal_cost_paths_spread_over_dual_homing)
{
  GString *t = g_string_new("[simulation]\nduration = 10ms\ndrain = 5ms\n"
                            "[defaults link]\nrate = 1Gbps\ndelay = 10us\n"
                            "[node a]\n[node b]\n[node d]\n"
                            "[link a-d]\na = a\nb = d\n[link b-d]\na = b\nb = d\n");
  for (int i = 0; i < 8; i++)
    g_string_append_printf(t, "[node s%d]\n[link s%d-a]\na = s%d\nb = a\n"
                              "[link s%d-b]\na = s%d\nb = b\n",
                           i, i, i, i, i);
  g_string_append(t, "[slicing]\nisolation = soft\nselector = hbh\n"
                     "[nrp low]\nbandwidth = 30%\n"
                     "[slice urllc]\nnrp = low\ndscp = 46\n"
                     "[flows u]\nsrc = s*\ndst = d\npattern = all-to-all\nslice = urllc\n"
                     "rate = 1000pps\nsize = 64B\n");
  Run r;
  build_ok(&r, t->str, FALSE);
  g_string_free(t, TRUE);
  finish(&r);
  uint64_t ad = sent(&r, "a", "d", 1), bd = sent(&r, "b", "d", 1);
  cr_assert_eq(ad + bd, 80, "8 flows of 10 packets into d: %" PRIu64 " + %" PRIu64, ad, bd);
  cr_assert(ad >= 20 && bd >= 20, "one link into d carries most: a-d %" PRIu64 ", b-d %" PRIu64,
            ad, bd);
  run_free(&r);
}

Test(paths, no_path_in_the_nrp_is_not_admitted)
{
  Run r;
  run_paths(&r, "affinity = red\n", "", "", "", "affinity = red\n",
            "exclude_any = red\n");
  const char *why = NULL;
  cr_assert_not(sim_slice_admitted(slice(&r, "urllc"), &why));
  cr_assert_str_eq(why, "no path from a to d in NRP low");
  cr_assert(sim_slice_admitted(slice(&r, "embb"), NULL));
  SimCsvTable *t = table(&r, "slices.csv");
  cr_assert_str_eq(cell(t, "urllc", "admitted"), "no");
  cr_assert_str_eq(cell(t, "urllc", "admission"), "no path from a to d in NRP low");
  cr_assert_str_eq(cell(t, "embb", "admitted"), "yes");
  sim_csv_table_free(t);
  run_free(&r);
}

/* n0 - n1 - ... - n13 and a 1 ms shortcut n0 - n13: the IGP takes the
 * shortcut, NRP low (metric delay) the chain. The IGP from n_i to n13
 * follows the chain only from n7 on, so the policy holds End.X uSIDs for
 * n0 .. n6, the endpoint's node uSID and End.DT6: 9 uSIDs, 2 containers
 * of 6, so an SRH with one segment (24 bytes). */
static void
check_long_path(const char *selector, uint32_t hbh)
{
  GString *t = g_string_new("[simulation]\nduration = 10ms\ndrain = 5ms\n"
                            "[defaults link]\nrate = 1Gbps\ndelay = 10us\n");
  for (int i = 0; i < 14; i++)
    g_string_append_printf(t, "[node n%d]\n", i);
  for (int i = 0; i < 13; i++)
    g_string_append_printf(t, "[link l%d]\na = n%d\nb = n%d\n", i, i, i + 1);
  g_string_append_printf(t, "[link short]\na = n0\nb = n13\ndelay = 1ms\n"
                            "[slicing]\nselector = %s\n"
                            "[nrp low]\nbandwidth = 30%%\nmetric = delay\ndscp = 12\n"
                            "[nrp other]\nbandwidth = 10%%\ndscp = 14\n"
                            "[slice u]\nnrp = low\n"
                            "[flow f]\nsrc = n0\ndst = n13\nslice = u\nrate = 1000pps\n"
                            "size = 100B\n",
                         selector);
  Run r;
  build_ok(&r, t->str, FALSE);
  g_string_free(t, TRUE);
  finish(&r);
  /* 100 + UDP + inner and outer IPv6 + SRH (8 + 16) + Hop-by-Hop */
  uint32_t size = 100 + 8 + 40 + 40 + 24 + hbh;
  for (int i = 0; i < 13; i++) {
    char from[8], to[8];
    g_snprintf(from, sizeof from, "n%d", i);
    g_snprintf(to, sizeof to, "n%d", i + 1);
    SimQosClassStats st = klass(&r, from, to, 1);
    cr_assert(st.sent_packets == 10 && st.sent_bytes == 10 * size,
              "%s: %s -> %s: NRP low sent %" PRIu64 " packets, %" PRIu64 " bytes", selector, from,
              to, st.sent_packets, st.sent_bytes);
  }
  cr_assert_eq(sent(&r, "n0", "n13", 1) + sent(&r, "n0", "n13", 0), 0);
  cr_assert_eq(sim_flow_stats(flow(&r, "f"))->rx_packets, 10);
  /* 13 hops of 10 us plus the frame (size + 2 bytes PPP) at 1 Gbit/s */
  cr_assert_eq(sim_slice_path_latency(slice(&r, "u")), 13 * (SIM_US(10) + SIM_NS(8 * (size + 2))));
  run_free(&r);
}

Test(paths, long_path_with_an_srh_keeps_its_nrp_at_every_hop)
{
  check_long_path("hbh", 8);
  check_long_path("locator", 0);
  check_long_path("dscp", 0);
  check_long_path("flow-label", 0);
}

/* ---- isolation ---------------------------------------------------------------------------------- */

/* a -- b -- c with the bottleneck b -> c at 100 Mbit/s: NRP p1 30 %, p2
 * 50 %, 20 % left for the traffic outside slices. %s: isolation, then the
 * flows. */
static const char iso_fmt[] =
  "[simulation]\nduration = 100ms\ndrain = 20ms\nseed = 1\n"
  "[node a]\n[node b]\n[node c]\n"
  "[link a-b]\na = a\nb = b\nrate = 1Gbps\ndelay = 10us\n"
  "[link b-c]\na = b\nb = c\nrate = 100Mbps\ndelay = 10us\nqueue_packets = 50\n"
  "[slicing]\nisolation = %s\n"
  "[nrp p1]\nbandwidth = 30%%\n"
  "[nrp p2]\nbandwidth = 50%%\nqueue_packets = 50\n"
  "[slice s1]\nnrp = p1\ndscp = 46\nlatency = 1ms\nlatency_quantile = 0.99\n"
  "[slice s2]\nnrp = p2\ndscp = 10\n"
  "%s";

#define R_BPS 100e6
#define T_S 0.1

/* Bits on the wire b -> c of class @k by the end of the duration (IPv6
 * bytes plus 2 bytes of PPP per packet), as a rate. */
static double
wire_rate(const Run *r, uint32_t k)
{
  SimQosClassStats st = klass(r, "b", "c", k);
  return 8.0 * (double)(st.sent_bytes + 2 * st.sent_packets) / T_S;
}

static const char iso_flows[] =
  /* 1000 x 1096 B: 8.784 Mbit/s with PPP, well below p1's 30 */
  "[flow f1]\nsrc = a\ndst = c\nslice = s1\nrate = 1000pps\nsize = 1000B\n"
  /* 15000 x 1096 B: 131.8 Mbit/s, above the link's rate */
  "[flow f2]\nsrc = a\ndst = c\nslice = s2\nrate = 15000pps\nsize = 1000B\n"
  /* 1000 x 1048 B: 8.4 Mbit/s outside slices */
  "[flow plain]\nsrc = a\ndst = c\nrate = 1000pps\nsize = 1000B\n";

static void
run_iso(Run *r, const char *isolation, double *rates)
{
  g_autofree char *text = g_strdup_printf(iso_fmt, isolation, iso_flows);
  build_ok(r, text, FALSE);
  sim_run_until(sim_net_run_context(r->run), SIM_MS(100));
  for (uint32_t k = 0; k < 3; k++)
    rates[k] = wire_rate(r, k);
  finish(r);
  /* what stays below its share gets through whole */
  cr_assert_eq(sim_flow_stats(flow(r, "f1"))->rx_packets, 100, "%s: f1", isolation);
  cr_assert_eq(sim_flow_stats(flow(r, "plain"))->rx_packets, 100, "%s: plain", isolation);
}

Test(isolation, soft_lends_the_idle_capacity)
{
  Run r;
  double rt[3];
  run_iso(&r, "soft", rt);
  double want = R_BPS - 1000 * 1098 * 8.0 - 1000 * 1050 * 8.0;
  cr_assert(fabs(rt[2] - want) <= 0.02 * want,
            "soft: p2 carried %.0f bit/s, expected %.0f (the link less the others)", rt[2], want);
  cr_assert(rt[0] + rt[1] + rt[2] >= 0.98 * R_BPS, "soft: link used at %.0f bit/s",
            rt[0] + rt[1] + rt[2]);
  run_free(&r);
}

Test(isolation, hard_keeps_an_nrp_to_its_reservation)
{
  Run r;
  double rt[3];
  run_iso(&r, "hard", rt);
  double want = 0.5 * R_BPS;
  cr_assert(fabs(rt[2] - want) <= 0.02 * want, "hard: p2 carried %.0f bit/s, expected %.0f", rt[2],
            want);
  double total = rt[0] + rt[1] + rt[2];
  double expect = want + 1000 * 1098 * 8.0 + 1000 * 1050 * 8.0;
  cr_assert(fabs(total - expect) <= 0.02 * expect && total < 0.9 * R_BPS,
            "hard: link used at %.0f bit/s, expected %.0f (idle capacity stays idle)", total,
            expect);
  run_free(&r);
}

/* Traffic outside slices gets what the NRPs leave: 20 % under hard
 * isolation, the idle rest under soft. */
Test(isolation, traffic_outside_slices_gets_the_rest)
{
  static const char flows[] =
    "[flow f1]\nsrc = a\ndst = c\nslice = s1\nrate = 1000pps\nsize = 1000B\n"
    "[flow plain]\nsrc = a\ndst = c\nrate = 15000pps\nsize = 1000B\n";
  const char *iso[] = { "hard", "soft" };
  for (size_t i = 0; i < G_N_ELEMENTS(iso); i++) {
    g_autofree char *text = g_strdup_printf(iso_fmt, iso[i], flows);
    Run r;
    build_ok(&r, text, FALSE);
    sim_run_until(sim_net_run_context(r.run), SIM_MS(100));
    double plain = wire_rate(&r, 0), f1 = wire_rate(&r, 1);
    double want = i == 0 ? 0.2 * R_BPS : R_BPS - 1000 * 1098 * 8.0;
    cr_assert(fabs(plain - want) <= 0.02 * want, "%s: outside slices %.0f bit/s, expected %.0f",
              iso[i], plain, want);
    cr_assert(fabs(f1 - 1000 * 1098 * 8.0) <= 0.02 * 1000 * 1098 * 8.0, "%s: f1 %.0f bit/s",
              iso[i], f1);
    finish(&r);
    cr_assert_eq(sim_flow_stats(flow(&r, "f1"))->rx_packets, 100, "%s: f1 lost packets", iso[i]);
    run_free(&r);
  }
}

/* A small URLLC flow and an overload in another slice. */
static const char urllc_flows[] =
  "[flow u]\nsrc = a\ndst = c\nslice = s1\nrate = 1000pps\nsize = 64B\n"
  "[flow f2]\nsrc = a\ndst = c\nslice = s2\nrate = 15000pps\nsize = 1000B\n";

static double
urllc_p99(const char *isolation, SimTime *unloaded, uint64_t *lost)
{
  g_autofree char *text = g_strdup_printf(iso_fmt, isolation, urllc_flows);
  Run r;
  build_ok(&r, text, FALSE);
  finish(&r);
  SimSliceReport rep;
  sim_slice_report(slice(&r, "s1"), &rep);
  cr_assert_eq(rep.tx_packets, 100);
  double p99 = sim_histogram_quantile(rep.delay, 0.99);
  *unloaded = sim_slice_path_latency(slice(&r, "s1"));
  *lost = rep.dropped;
  sim_histogram_free(rep.delay);
  run_free(&r);
  return p99;
}

Test(isolation, urllc_delay_needs_isolation)
{
  /* one frame of the overload at the bottleneck: 1098 bytes at 100 Mbit/s */
  const double frame_ps = 1098 * 8.0 / R_BPS * 1e12;
  SimTime unloaded;
  uint64_t lost;
  /* none: the FIFO of 50 packets stays full, each URLLC packet waits for
   * about 49 frames (or is lost) */
  double none = urllc_p99("none", &unloaded, &lost);
  cr_assert(none >= (double)unloaded + 0.9 * 49 * frame_ps || lost > 0,
            "none: p99 %.0f ps, unloaded %" PRId64 " ps", none, unloaded);
  const char *iso[] = { "soft", "hard" };
  for (size_t i = 0; i < G_N_ELEMENTS(iso); i++) {
    double p99 = urllc_p99(iso[i], &unloaded, &lost);
    cr_assert_eq(lost, 0, "%s: URLLC lost %" PRIu64, iso[i], lost);
    /* DRR quanta in proportion to 20/30/50 % of 1502-byte frames: p2's is
     * 3755 bytes; with the deficit it carries (< 1096) p2 sends at most 4
     * frames in its turn, one of them on the line when the URLLC packet
     * comes (2 % for the histogram's precision) */
    cr_assert(p99 <= (double)unloaded + 4 * frame_ps * 1.02,
              "%s: p99 %.0f ps, unloaded %" PRId64 " ps", iso[i], p99, unloaded);
  }
}

/* Hierarchical queues: strict priority by DSCP inside one NRP's class. A
 * small EF slice shares NRP p2 with an overload; with priority_dscp = EF
 * it overtakes the NRP's backlog, without it waits behind ~49 frames. */
static const char prio_fmt[] =
  "[simulation]\nduration = 100ms\ndrain = 20ms\nseed = 1\n"
  "[node a]\n[node b]\n[node c]\n"
  "[link a-b]\na = a\nb = b\nrate = 1Gbps\ndelay = 10us\n"
  "[link b-c]\na = b\nb = c\nrate = 100Mbps\ndelay = 10us\n"
  "[slicing]\nisolation = soft\n"
  "[nrp p2]\nbandwidth = 50%%\nqueue_packets = 50\n%s"
  "[slice rt]\nnrp = p2\ndscp = 46\n"
  "[slice s2]\nnrp = p2\ndscp = 10\n"
  "[flow u]\nsrc = a\ndst = c\nslice = rt\nrate = 1000pps\nsize = 64B\n"
  "[flow f2]\nsrc = a\ndst = c\nslice = s2\nrate = 15000pps\nsize = 1000B\n";

static double
rt_p99(const char *extra, SimTime *unloaded, uint64_t *lost)
{
  g_autofree char *text = g_strdup_printf(prio_fmt, extra);
  Run r;
  build_ok(&r, text, FALSE);
  finish(&r);
  SimSliceReport rep;
  sim_slice_report(slice(&r, "rt"), &rep);
  cr_assert_eq(rep.tx_packets, 100);
  double p99 = sim_histogram_quantile(rep.delay, 0.99);
  *unloaded = sim_slice_path_latency(slice(&r, "rt"));
  *lost = rep.dropped;
  sim_histogram_free(rep.delay);
  run_free(&r);
  return p99;
}

Test(isolation, priority_inside_an_nrp)
{
  const double frame_ps = 1098 * 8.0 / R_BPS * 1e12;
  SimTime unloaded;
  uint64_t lost;
  double fifo = rt_p99("", &unloaded, &lost);
  cr_assert(fifo >= (double)unloaded + 0.9 * 49 * frame_ps || lost > 0,
            "one FIFO: p99 %.0f ps, unloaded %" PRId64 " ps", fifo, unloaded);
  double prio = rt_p99("priority_dscp = EF\n", &unloaded, &lost);
  cr_assert_eq(lost, 0, "priority: EF lost %" PRIu64, lost);
  /* at most the frame on the line when it comes (2 %: the histogram) */
  cr_assert(prio <= (double)unloaded + frame_ps * 1.02, "priority: p99 %.0f ps, unloaded %" PRId64
            " ps", prio, unloaded);
  /* a name that is no DSCP */
  GError *error = NULL;
  g_autofree char *bad = g_strdup_printf(prio_fmt, "priority_dscp = XF1\n");
  Run r;
  cr_assert_null(build(&r, bad, FALSE, &error));
  cr_assert(strstr(error->message, "slice.ini:23: [nrp p2] priority_dscp: 'XF1' is not a DSCP") != NULL, "%s",
            error->message);
  g_error_free(error);
  run_free(&r);
}

/* ---- admission and results ---------------------------------------------------------------------- */

/* a -- b -- c at 1 Gbit/s; NRP n reserves 5 Mbit/s. %s: [slicing] keys,
 * then [slice s] keys, then the flows. */
static const char adm_fmt[] =
  "[simulation]\nduration = 10ms\ndrain = 5ms\n"
  "[node a]\n[node b]\n[node c]\n"
  "[defaults link]\nrate = 1Gbps\ndelay = 10us\n"
  "[link a-b]\na = a\nb = b\n"
  "[link b-c]\na = b\nb = c\n"
  "[slicing]\n%s"
  "[nrp n]\nbandwidth = 5Mbps\n"
  "[slice s]\nnrp = n\n%s"
  "[flow f1]\nsrc = a\ndst = c\nslice = s\nrate = 1000pps\nsize = 100B\n"
  "%s";

static const char second_flow[] =
  "[flow f2]\nsrc = b\ndst = c\nslice = s\nrate = 1000pps\nsize = 100B\n";

Test(admission, bandwidth_beyond_the_reservation_names_the_link)
{
  Run r;
  /* f1 (a -> c) and f2 (b -> c) both cross b -> c: 6 Mbit/s of 5 */
  g_autofree char *text = g_strdup_printf(adm_fmt, "", "bandwidth = 3Mbps\n", second_flow);
  build_ok(&r, text, FALSE);
  const char *why = NULL;
  cr_assert_not(sim_slice_admitted(slice(&r, "s"), &why));
  cr_assert_str_eq(why, "link b-c (b -> c): NRP n reserves 5000000 bit/s, its slices need "
                        "6000000 bit/s");
  const char *const *w = sim_net_run_warnings(r.run);
  cr_assert(w && w[0] && g_str_has_prefix(w[0], "slice.ini:19: [slice s] not admitted: link b-c"),
            "warning: %s", w && w[0] ? w[0] : "(none)");
  run_free(&r);
  /* one construct of 3 Mbit/s fits */
  g_autofree char *one = g_strdup_printf(adm_fmt, "", "bandwidth = 3Mbps\n", "");
  build_ok(&r, one, FALSE);
  cr_assert(sim_slice_admitted(slice(&r, "s"), &why), "admitted: %s", why);
  cr_assert_null(why);
  run_free(&r);
}

Test(admission, latency_below_the_unloaded_latency)
{
  Run r;
  g_autofree char *text = g_strdup_printf(adm_fmt, "", "latency = 20us\n", "");
  build_ok(&r, text, FALSE);
  const char *why = NULL;
  cr_assert_not(sim_slice_admitted(slice(&r, "s"), &why));
  cr_assert(why && strstr(why, "path a -> c in NRP n: unloaded latency") && strstr(why, "exceeds"),
            "%s", why ? why : "(none)");
  /* 2 hops of 10 us + 198 bytes (100 + 8 + 40 + 40 + 8 + 2) at 1 Gbit/s */
  cr_assert_eq(sim_slice_path_latency(slice(&r, "s")), 2 * (SIM_US(10) + SIM_NS(1584)));
  run_free(&r);
  g_autofree char *ok = g_strdup_printf(adm_fmt, "", "latency = 24us\n", "");
  build_ok(&r, ok, FALSE);
  cr_assert(sim_slice_admitted(slice(&r, "s"), NULL));
  run_free(&r);
}

Test(admission, strict_makes_a_refusal_an_error)
{
  Run r;
  GError *error = NULL;
  g_autofree char *text = g_strdup_printf(adm_fmt, "admission = strict\n", "latency = 20us\n", "");
  cr_assert_null(build(&r, text, FALSE, &error));
  /* the [slice s] section is on line 20 */
  cr_assert(error && strstr(error->message, "slice.ini:20: [slice s] not admitted: path a -> c"),
            "%s", error ? error->message : "(none)");
  g_error_free(error);
  run_free(&r);
}

Test(admission, slices_csv_row)
{
  Run r;
  g_autofree char *text =
    g_strdup_printf(adm_fmt, "", "latency = 100us\nbandwidth = 1Mbps\nloss = 0.01\n", "");
  build_ok(&r, text, FALSE);
  finish(&r);
  SimCsvTable *t = table(&r, "slices.csv");
  cr_assert_eq(sim_csv_table_n_rows(t), 1);
  static const char *const want[][2] = {
    { "nrp", "n" },
    { "flows", "1" },
    { "admitted", "yes" },
    { "admission", "" },
    { "bandwidth_bps", "1000000" },
    { "latency_bound_us", "100" },
    { "loss_bound", "0.01" },
    { "path_latency_us", "23.168" },
    { "tx_packets", "10" },
    { "rx_packets", "10" },
    { "dropped", "0" },
    { "offered_bits", "8000" }, /* UDP payload bits */
    { "delivered_bits", "8000" },
    { "loss_ratio", "0" },
    { "delay_p50_us", "23.168" },
    { "within_bound_pct", "100" },
    { "sla_met", "yes" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
    cr_assert_str_eq(cell(t, "s", want[i][0]), want[i][1], "%s: %s, expected %s", want[i][0],
                     cell(t, "s", want[i][0]), want[i][1]);
  sim_csv_table_free(t);
  run_free(&r);
}

Test(admission, slice_that_misses_its_latency_bound_fails_its_sla)
{
  Run r;
  /* path latency 23.168 us; a bound of 23 us refuses admission and
   * every packet arrives too late */
  g_autofree char *text = g_strdup_printf(adm_fmt, "", "latency = 23us\n", "");
  build_ok(&r, text, FALSE);
  finish(&r);
  SimCsvTable *t = table(&r, "slices.csv");
  cr_assert_str_eq(cell(t, "s", "admitted"), "no");
  cr_assert_str_eq(cell(t, "s", "within_bound_pct"), "0");
  cr_assert_str_eq(cell(t, "s", "sla_met"), "no");
  cr_assert_eq(cell_uint(t, "s", "rx_packets"), 10);
  sim_csv_table_free(t);
  run_free(&r);
}

/* ---- bad definitions ---------------------------------------------------------------------------- */

/* Line numbers: [nrp one] 10, [nrp two] 12, [slice x] 14, [flow f] 17. */
static const char bad_head[] = "[simulation]\n"    /* 1 */
                               "duration = 1ms\n"  /* 2 */
                               "[node a]\n"        /* 3 */
                               "[node b]\n"        /* 4 */
                               "[link a-b]\n"      /* 5 */
                               "a = a\n"           /* 6 */
                               "b = b\n"           /* 7 */
                               "rate = 1Gbps\n"    /* 8 */
                               "affinity = red\n"; /* 9 */

static void
rejects(const char *sections, const char *where, const char *expect)
{
  g_autofree char *text = g_strconcat(bad_head, sections, NULL);
  Run r;
  GError *error = NULL;
  SimNetRun *run = build(&r, text, FALSE, &error);
  cr_assert_null(run, "accepted:\n%s", sections);
  cr_assert_not_null(error);
  cr_assert(g_str_has_prefix(error->message, where) && strstr(error->message, expect),
            "expected '%s ... %s', got: %s", where, expect, error->message);
  g_error_free(error);
  run_free(&r);
}

Test(errors, unknown_nrp_in_a_slice)
{
  rejects("[nrp one]\nbandwidth = 10%\n[nrp two]\nbandwidth = 10%\n[slice x]\nnrp = three\n",
          "slice.ini:15: ", "[slice x] nrp: no [nrp three] (expected one of: one, two)");
}

Test(errors, nrp_without_bandwidth)
{
  rejects("[nrp one]\nmetric = delay\n", "slice.ini:10: ", "bandwidth");
}

Test(errors, bad_bandwidth_text)
{
  rejects("[nrp one]\nbandwidth = 150%\n", "slice.ini:11: ", "[nrp one] bandwidth: '150%'");
  rejects("[nrp one]\nbandwidth = fast\n", "slice.ini:11: ", "[nrp one] bandwidth: 'fast'");
  rejects("[nrp one]\nbandwidth = 1.5\n", "slice.ini:11: ", "[nrp one] bandwidth: '1.5'");
}

Test(errors, dscp_selector_needs_the_nrps_dscp)
{
  rejects("[slicing]\nselector = dscp\n[nrp one]\nbandwidth = 10%\n", "slice.ini:12: ",
          "[nrp one] NRP one: the dscp selector needs the NRP's DSCP");
  rejects("[slicing]\nselector = dscp\n[nrp one]\nbandwidth = 10%\ndscp = 10\n"
          "[nrp two]\nbandwidth = 10%\ndscp = 10\n",
          "slice.ini:15: ", "[nrp two] NRP two: DSCP 10 selects NRP one already");
}

Test(errors, reservations_above_the_link_rate)
{
  rejects("[slicing]\n[nrp one]\nbandwidth = 60%\n[nrp two]\nbandwidth = 50%\n",
          "slice.ini:10: ", "slicing: link a-b (a -> b): the NRPs reserve 1100000000 bit/s of "
                            "1000000000 bit/s");
  /* without [slicing], the first [nrp] gives file and line */
  rejects("[nrp one]\nbandwidth = 60%\n[nrp two]\nbandwidth = 50%\n", "slice.ini:10: ",
          "slicing: link a-b (a -> b): the NRPs reserve");
  rejects("[slicing]\nisolation = hard\n[nrp one]\nbandwidth = 60%\n[nrp two]\n"
          "bandwidth = 400Mbps\n",
          "slice.ini:10: ", "link a-b (a -> b): the NRPs reserve the whole rate");
}

Test(errors, flow_in_no_slice)
{
  rejects("[nrp one]\nbandwidth = 10%\n[slice x]\nnrp = one\n[flow f]\nsrc = a\ndst = b\n"
          "slice = nosuch\n",
          "slice.ini:17: ", "[flow f] slice: no [slice nosuch]");
}

Test(errors, affinity_no_link_has)
{
  rejects("[nrp one]\nbandwidth = 10%\nexclude_any = blue\n", "slice.ini:12: ",
          "[nrp one] exclude_any: no link has the affinity 'blue'");
}

Test(errors, same_dscp_into_two_nrps)
{
  rejects("[slicing]\n[nrp one]\nbandwidth = 10%\n[nrp two]\nbandwidth = 10%\n"
          "[slice x]\nnrp = one\ndscp = 46\n[slice y]\nnrp = two\ndscp = 46\n"
          "[flow f]\nsrc = a\ndst = b\nslice = x\n[flow g]\nsrc = a\ndst = b\nslice = y\n",
          "slice.ini:10: ", "slicing: slices x and y: both take packets from a to");
}

Test(errors, traffic_class_against_the_slices_dscp)
{
  rejects("[nrp one]\nbandwidth = 10%\n[slice x]\nnrp = one\ndscp = 46\n"
          "[flow f]\nsrc = a\ndst = b\nslice = x\ntraffic_class = 40\n",
          "slice.ini:19: ", "[flow f] traffic_class: DSCP 10, but slice x takes the packets of "
                            "DSCP 46");
}

/* ---- forwarding state --------------------------------------------------------------------------- */

/* State of the selector scenario per node: FIB entries and local SIDs. */
static void
state(const char *selector, uint64_t fib[3], uint64_t sids[3])
{
  g_autofree char *text = g_strdup_printf(selector_fmt, "", selector);
  Run r;
  build_ok(&r, text, FALSE);
  finish(&r);
  SimCsvTable *t = table(&r, "state.csv");
  static const char *const nodes[] = { "a", "b", "c" };
  for (int i = 0; i < 3; i++) {
    fib[i] = cell_uint(t, nodes[i], "fib_entries");
    sids[i] = cell_uint(t, nodes[i], "local_sids");
  }
  cr_assert_eq(cell_uint(t, "a", "policies"), 2, "%s: one policy per NRP", selector);
  cr_assert_eq(cell_uint(t, "a", "steering_rules"), 2, "%s", selector);
  cr_assert_eq(cell_uint(t, "b", "nrp_queues"), 4, "%s: 2 NRPs on 2 interfaces", selector);
  sim_csv_table_free(t);
  run_free(&r);
}

Test(state, locator_costs_a_block_per_nrp)
{
  uint64_t lf[3], ls[3], hf[3], hs[3];
  state("locator", lf, ls);
  state("hbh", hf, hs);
  /* the endpoint c: End and End.DT6 per block, one block for hbh, one per
   * NRP for locator; and every node routes c's node uSID in each block */
  cr_assert_eq(hs[2], 2, "hbh: c has %" PRIu64 " SIDs", hs[2]);
  cr_assert_eq(ls[2], 4, "locator: c has %" PRIu64 " SIDs", ls[2]);
  for (int i = 0; i < 3; i++) {
    cr_assert_geq(ls[i], hs[i]);
    /* a and b route c's node uSID in the second block too; c holds its
     * End and End.DT6 SIDs of the second block */
    uint64_t extra = i == 2 ? 2 : 1;
    cr_assert_eq(lf[i], hf[i] + extra, "node %d: FIB %" PRIu64 " (locator) vs %" PRIu64 " (hbh)",
                 i, lf[i], hf[i]);
  }
}
