/* results.c - flows.csv, pings.csv, links.csv, drops.csv, summary.csv.
 *
 * Units are in the column names (DESIGN.md rule 9): delays in us with
 * picosecond resolution (9 significant digits kept), rates in bit/s.
 * Missing values (no packet received) are written "nan".
 */
#define G_LOG_DOMAIN "ipesim-net"
#include "config.h"

#include "results.h"
#include "app.h"
#include "nd.h"
#include "srv6.h"
#include "net-private.h"
#include "simcsv.h"

#include <inttypes.h>
#include <math.h>

static double
us(double ps)
{
  return ps * 1e-6;
}

static void
add_us(SimCsvWriter *w, double ps)
{
  sim_csv_writer_add_double(w, isnan(ps) ? NAN : us(ps), 12);
}

static SimCsvWriter *
open_csv(const char *dir, const char *name, const char *const *cols, GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  return sim_csv_writer_open(path, cols, error);
}

static gboolean
write_flows(SimNet *net, const char *dir, GError **error)
{
  static const char *const cols[] = {
    "flow", "src", "dst", "app", "tx_packets", "rx_packets", "tx_bytes", "rx_bytes",
    "dropped", "in_flight", "loss_ratio", "delay_mean_us", "delay_min_us", "delay_p50_us",
    "delay_p90_us", "delay_p99_us", "delay_p999_us", "delay_max_us", "jitter_us",
    "throughput_bps", "out_of_order", "pmtu", NULL
  };
  SimCsvWriter *w = open_csv(dir, "flows.csv", cols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_flows(net); i++) {
    SimFlow *f = sim_net_flow(net, i);
    const SimFlowStats *st = sim_flow_stats(f);
    uint64_t dropped = sim_flow_drops(f);
    uint64_t in_flight = st->tx_packets - st->rx_packets - dropped;
    bool any = st->rx_packets > 0;
    sim_csv_writer_add_string(w, sim_flow_name(f));
    sim_csv_writer_add_string(w, sim_node_name(sim_flow_src(f)));
    sim_csv_writer_add_string(w, sim_node_name(sim_flow_dst(f)));
    sim_csv_writer_add_string(w, sim_flow_app(f));
    sim_csv_writer_add_uint(w, st->tx_packets);
    sim_csv_writer_add_uint(w, st->rx_packets);
    sim_csv_writer_add_uint(w, st->tx_bytes);
    sim_csv_writer_add_uint(w, st->rx_bytes);
    sim_csv_writer_add_uint(w, dropped);
    sim_csv_writer_add_uint(w, in_flight);
    sim_csv_writer_add_double(w, st->tx_packets ? (double)dropped / (double)st->tx_packets : NAN, 9);
    add_us(w, any ? st->delay_stats.mean : NAN);
    add_us(w, any ? (double)sim_histogram_min(st->delay) : NAN);
    add_us(w, sim_histogram_quantile(st->delay, 0.5));
    add_us(w, sim_histogram_quantile(st->delay, 0.9));
    add_us(w, sim_histogram_quantile(st->delay, 0.99));
    add_us(w, sim_histogram_quantile(st->delay, 0.999));
    add_us(w, any ? (double)sim_histogram_max(st->delay) : NAN);
    add_us(w, any ? st->jitter_ps : NAN);
    double span = any ? sim_time_to_seconds(st->last_rx - st->first_tx) : 0;
    sim_csv_writer_add_double(w, span > 0 ? (double)st->rx_bytes * 8.0 / span : NAN, 9);
    sim_csv_writer_add_uint(w, st->out_of_order);
    sim_csv_writer_add_uint(w, sim_flow_path_mtu(f));
    sim_csv_writer_end_row(w);
  }
  return sim_csv_writer_commit(w, error);
}

typedef struct {
  SimCsvWriter *w;
  const char *flow;
  uint64_t n, seen;
} CdfCtx;

static gboolean
cdf_bucket(uint64_t lo, uint64_t hi, uint64_t count, void *data)
{
  CdfCtx *c = data;
  if (c->seen == 0) {
    /* start each curve at 0 so that a single bucket still draws a step */
    sim_csv_writer_add_string(c->w, c->flow);
    add_us(c->w, (double)lo);
    sim_csv_writer_add_double(c->w, 0.0, 9);
    sim_csv_writer_end_row(c->w);
  }
  c->seen += count;
  sim_csv_writer_add_string(c->w, c->flow);
  add_us(c->w, (double)hi);
  sim_csv_writer_add_double(c->w, (double)c->seen / (double)c->n, 9);
  sim_csv_writer_end_row(c->w);
  return TRUE;
}

/* delay_cdf.csv: per flow, the fraction of packets with a one-way delay at
 * or below each histogram bucket's upper edge. */
static gboolean
write_delay_cdf(SimNet *net, const char *dir, GError **error)
{
  static const char *const cols[] = { "flow", "delay_us", "cdf", NULL };
  SimCsvWriter *w = open_csv(dir, "delay_cdf.csv", cols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_flows(net); i++) {
    SimFlow *f = sim_net_flow(net, i);
    const SimFlowStats *st = sim_flow_stats(f);
    CdfCtx c = { w, sim_flow_name(f), sim_histogram_count(st->delay), 0 };
    if (c.n)
      sim_histogram_foreach(st->delay, cdf_bucket, &c);
  }
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_pings(SimNet *net, const char *dir, GError **error)
{
  static const char *const cols[] = { "ping", "src", "dst", "sent", "received", "loss_ratio",
                                      "rtt_min_us", "rtt_mean_us", "rtt_max_us", "rtt_p50_us",
                                      "rtt_p99_us", NULL };
  SimCsvWriter *w = open_csv(dir, "pings.csv", cols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_pings(net); i++) {
    SimPing *pg = sim_net_ping(net, i);
    const SimPingStats *st = sim_ping_stats(pg);
    bool any = st->received > 0;
    sim_csv_writer_add_string(w, sim_ping_name(pg));
    sim_csv_writer_add_string(w, sim_node_name(sim_ping_src(pg)));
    sim_csv_writer_add_string(w, sim_node_name(sim_ping_dst(pg)));
    sim_csv_writer_add_uint(w, st->sent);
    sim_csv_writer_add_uint(w, st->received);
    sim_csv_writer_add_double(
      w, st->sent ? (double)(st->sent - st->received) / (double)st->sent : NAN, 9);
    add_us(w, any ? (double)sim_histogram_min(st->rtt) : NAN);
    add_us(w, any ? st->rtt_stats.mean : NAN);
    add_us(w, any ? (double)sim_histogram_max(st->rtt) : NAN);
    add_us(w, sim_histogram_quantile(st->rtt, 0.5));
    add_us(w, sim_histogram_quantile(st->rtt, 0.99));
    sim_csv_writer_end_row(w);
  }
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_links(SimNet *net, const char *dir, SimTime now, GError **error)
{
  static const char *const cols[] = { "link", "from", "to", "interface", "rate_bps", "delay_us",
                                      "utilization", "tx_packets", "tx_bytes", "queue_drops",
                                      "link_loss", "queue_mean", "queue_max", NULL };
  SimCsvWriter *w = open_csv(dir, "links.csv", cols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_links(net); i++) {
    SimLink *l = sim_net_link(net, i);
    for (unsigned e = 0; e < 2; e++) {
      SimIface *ifc = sim_link_end(l, e);
      const SimIfaceStats *st = sim_iface_stats(ifc);
      sim_csv_writer_add_string(w, sim_link_name(l));
      sim_csv_writer_add_string(w, sim_node_name(sim_iface_node(ifc)));
      sim_csv_writer_add_string(w, sim_node_name(sim_iface_node(sim_iface_peer(ifc))));
      sim_csv_writer_add_string(w, sim_iface_name(ifc));
      sim_csv_writer_add_uint(w, sim_iface_rate(ifc));
      add_us(w, (double)sim_link_config(l)->delay);
      sim_csv_writer_add_double(w, now > 0 ? (double)st->busy / (double)now : 0.0, 9);
      sim_csv_writer_add_uint(w, st->tx_packets);
      sim_csv_writer_add_uint(w, st->tx_bytes);
      sim_csv_writer_add_uint(w, st->drops[SIM_DROP_QUEUE_FULL]);
      /* loss on this direction is counted at the receiving end */
      sim_csv_writer_add_uint(w, sim_iface_stats(sim_iface_peer(ifc))->drops[SIM_DROP_LINK_LOSS]);
      sim_csv_writer_add_double(w, sim_time_average_mean(&st->qlen, now), 9);
      sim_csv_writer_add_uint(w, st->qlen_max);
      sim_csv_writer_end_row(w);
    }
  }
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_drops(SimNet *net, const char *dir, GError **error)
{
  static const char *const cols[] = { "node", "interface", "reason", "count", NULL };
  SimCsvWriter *w = open_csv(dir, "drops.csv", cols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    for (int r = 0; r < SIM_DROP_N; r++) {
      uint64_t total = sim_node_drops(n, (SimDropReason)r);
      if (!total)
        continue;
      uint64_t at_ifaces = 0;
      for (uint32_t k = 0; k < sim_node_n_ifaces(n); k++) {
        SimIface *ifc = sim_node_iface(n, k);
        uint64_t c = sim_iface_stats(ifc)->drops[r];
        if (!c)
          continue;
        at_ifaces += c;
        sim_csv_writer_add_string(w, sim_node_name(n));
        sim_csv_writer_add_string(w, sim_iface_name(ifc));
        sim_csv_writer_add_string(w, sim_drop_reason_name((SimDropReason)r));
        sim_csv_writer_add_uint(w, c);
        sim_csv_writer_end_row(w);
      }
      if (total > at_ifaces) {
        /* drops in the stack itself, before an interface was chosen */
        sim_csv_writer_add_string(w, sim_node_name(n));
        sim_csv_writer_add_string(w, "");
        sim_csv_writer_add_string(w, sim_drop_reason_name((SimDropReason)r));
        sim_csv_writer_add_uint(w, total - at_ifaces);
        sim_csv_writer_end_row(w);
      }
    }
  }
  return sim_csv_writer_commit(w, error);
}

/* autoconf.csv and nd.csv, for networks with switched segments. */
static gboolean
write_nd(SimNet *net, const char *dir, GError **error)
{
  bool any = false;
  for (uint32_t i = 0; i < sim_net_n_nodes(net) && !any; i++) {
    SimIp6 *ip = sim_ip6_of(sim_net_node(net, i));
    any = ip && sim_nd_of(ip);
  }
  if (!any)
    return TRUE;
  static const char *const acols[] = { "node", "up_s", "first_global_s", "time_to_address_s",
                                       "dad_failures", "dns_servers", NULL };
  SimCsvWriter *w = open_csv(dir, "autoconf.csv", acols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    SimIp6 *ip = sim_ip6_of(n);
    SimNd *nd = ip ? sim_nd_of(ip) : NULL;
    if (!nd || sim_node_is_forwarding(n))
      continue;
    SimTime t = sim_slaac_first_global(ip), up = sim_slaac_up_time(ip);
    sim_csv_writer_add_string(w, sim_node_name(n));
    sim_csv_writer_add_double(w, up == SIM_TIME_INVALID ? NAN : sim_time_to_seconds(up), 12);
    sim_csv_writer_add_double(w, t == SIM_TIME_INVALID ? NAN : sim_time_to_seconds(t), 12);
    sim_csv_writer_add_double(
      w, t == SIM_TIME_INVALID || up == SIM_TIME_INVALID ? NAN : sim_time_to_seconds(t - up), 12);
    sim_csv_writer_add_uint(w, sim_nd_stats(nd)->dad_failures);
    sim_csv_writer_add_uint(w, sim_slaac_n_dns(ip));
    sim_csv_writer_end_row(w);
  }
  if (!sim_csv_writer_commit(w, error))
    return FALSE;
  static const char *const ncols[] = { "node", "ns_sent", "na_sent", "rs_sent", "ra_sent",
                                       "redirects_sent", "nd_bytes_sent", "invalid",
                                       "resolution_failures", NULL };
  w = open_csv(dir, "nd.csv", ncols, error);
  if (!w)
    return FALSE;
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    SimIp6 *ip = sim_ip6_of(n);
    SimNd *nd = ip ? sim_nd_of(ip) : NULL;
    if (!nd)
      continue;
    const SimNdStats *st = sim_nd_stats(nd);
    sim_csv_writer_add_string(w, sim_node_name(n));
    sim_csv_writer_add_uint(w, st->ns_sent);
    sim_csv_writer_add_uint(w, st->na_sent);
    sim_csv_writer_add_uint(w, st->rs_sent);
    sim_csv_writer_add_uint(w, st->ra_sent);
    sim_csv_writer_add_uint(w, st->redirects_sent);
    sim_csv_writer_add_uint(w, st->bytes_sent);
    sim_csv_writer_add_uint(w, st->invalid);
    sim_csv_writer_add_uint(w, st->resolution_failures);
    sim_csv_writer_end_row(w);
  }
  return sim_csv_writer_commit(w, error);
}

/* srv6.csv (per local SID) and srv6_policies.csv (per SR policy), for
 * networks with SRv6 nodes. */
static gboolean
write_srv6(SimNet *net, const char *dir, GError **error)
{
  bool any = false;
  for (uint32_t i = 0; i < sim_net_n_nodes(net) && !any; i++)
    any = sim_srv6_of(sim_ip6_of(sim_net_node(net, i))) != NULL;
  if (!any)
    return TRUE;
  static const char *const cols[] = { "node", "sid", "behaviour", "flavours", "packets", "bytes",
                                      "dropped", "drop_reasons", NULL };
  SimCsvWriter *w = open_csv(dir, "srv6.csv", cols, error);
  if (!w)
    return FALSE;
  char buf[SIM_IP6_PREFIX_STRLEN], fl[96];
  GString *reasons = g_string_new(NULL);
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    SimSrv6 *sr = sim_srv6_of(sim_ip6_of(n));
    for (guint k = 0; sr && k < sim_srv6_n_sids(sr); k++) {
      const SimSrv6Sid *sid = sim_srv6_sid(sr, k);
      const SimSrv6Counters *c = sim_srv6_sid_counters(sid);
      sim_csv_writer_add_string(w, sim_node_name(n));
      sim_csv_writer_add_string(w, sim_ip6_prefix_format(sim_srv6_sid_prefix(sid), buf));
      sim_csv_writer_add_string(w, sim_srv6_sid_behaviour(sid));
      sim_csv_writer_add_string(w, sim_srv6_flavours_format(sim_srv6_sid_flavours(sid), fl,
                                                            sizeof fl));
      sim_csv_writer_add_uint(w, c->packets);
      sim_csv_writer_add_uint(w, c->bytes);
      sim_csv_writer_add_uint(w, c->dropped);
      g_string_truncate(reasons, 0);
      for (int r = 0; r < SIM_DROP_N; r++) {
        uint64_t d = sim_srv6_sid_drops(sid, (SimDropReason)r);
        if (d)
          g_string_append_printf(reasons, "%s%s=%" PRIu64, reasons->len ? ";" : "",
                                 sim_drop_reason_name((SimDropReason)r), d);
      }
      sim_csv_writer_add_string(w, reasons->str);
      sim_csv_writer_end_row(w);
    }
  }
  g_string_free(reasons, TRUE);
  if (!sim_csv_writer_commit(w, error))
    return FALSE;
  static const char *const pcols[] = { "node", "policy", "color", "endpoint", "headend",
                                       "paths", "packets", "bytes", "dropped", NULL };
  w = open_csv(dir, "srv6_policies.csv", pcols, error);
  if (!w)
    return FALSE;
  GString *paths = g_string_new(NULL);
  for (uint32_t i = 0; i < sim_net_n_nodes(net); i++) {
    SimNode *n = sim_net_node(net, i);
    SimSrv6 *sr = sim_srv6_of(sim_ip6_of(n));
    for (guint k = 0; sr && k < sim_srv6_n_policies(sr); k++) {
      SimSrv6Policy *pol = sim_srv6_policy(sr, k);
      const SimSrv6Counters *c = sim_srv6_policy_counters(pol);
      sim_csv_writer_add_string(w, sim_node_name(n));
      sim_csv_writer_add_string(w, sim_srv6_policy_name(pol));
      sim_csv_writer_add_uint(w, sim_srv6_policy_color(pol));
      sim_csv_writer_add_string(w, sim_ip6_addr_is_unspecified(sim_srv6_policy_endpoint(pol))
                                     ? ""
                                     : sim_ip6_addr_format(sim_srv6_policy_endpoint(pol), buf));
      sim_csv_writer_add_string(w, sim_srv6_headend_mode_name(sim_srv6_policy_config(pol)->mode));
      g_string_truncate(paths, 0);
      sim_srv6_policy_describe(pol, paths);
      sim_csv_writer_add_string(w, paths->str);
      sim_csv_writer_add_uint(w, c->packets);
      sim_csv_writer_add_uint(w, c->bytes);
      sim_csv_writer_add_uint(w, c->dropped);
      sim_csv_writer_end_row(w);
    }
  }
  g_string_free(paths, TRUE);
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_summary(SimNet *net, const char *dir, const SimRunInfo *info, GError **error)
{
  static const char *const cols[] = { "events", "wall_seconds", "events_per_second",
                                      "sim_seconds", "packets_sent", "packets_delivered",
                                      "packets_dropped", "packets_in_flight", "packet_hops",
                                      "peak_rss_kb", "nodes", "links", "flows", NULL };
  SimCsvWriter *w = open_csv(dir, "summary.csv", cols, error);
  if (!w)
    return FALSE;
  const SimNetCounters *c = sim_net_counters(net);
  uint64_t events = sim_net_events_total(net);
  sim_csv_writer_add_uint(w, events);
  sim_csv_writer_add_double(w, info->wall_seconds, 6);
  sim_csv_writer_add_double(w, info->wall_seconds > 0 ? (double)events / info->wall_seconds : NAN,
                            6);
  sim_csv_writer_add_double(w, sim_time_to_seconds(info->sim_time), 12);
  sim_csv_writer_add_uint(w, c->created);
  sim_csv_writer_add_uint(w, c->delivered);
  sim_csv_writer_add_uint(w, c->dropped);
  sim_csv_writer_add_uint(w, sim_net_in_flight(net));
  sim_csv_writer_add_uint(w, c->packet_hops);
  if (info->peak_rss_kb >= 0)
    sim_csv_writer_add_int(w, info->peak_rss_kb);
  else
    sim_csv_writer_add_empty(w);
  sim_csv_writer_add_uint(w, sim_net_n_nodes(net));
  sim_csv_writer_add_uint(w, sim_net_n_links(net));
  sim_csv_writer_add_uint(w, sim_net_n_flows(net));
  sim_csv_writer_end_row(w);
  return sim_csv_writer_commit(w, error);
}

gboolean
sim_net_write_results(SimNet *net, const char *dir, const SimRunInfo *info, GError **error)
{
  g_return_val_if_fail(net != NULL && dir != NULL && info != NULL, FALSE);
  SimTime now = sim_now(sim_net_context(net));
  return write_flows(net, dir, error) && write_delay_cdf(net, dir, error) &&
         write_pings(net, dir, error) &&
         write_links(net, dir, now, error) && write_drops(net, dir, error) &&
         write_nd(net, dir, error) && write_srv6(net, dir, error) &&
         write_summary(net, dir, info, error);
}
