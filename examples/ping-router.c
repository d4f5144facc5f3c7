/* ping-router.c - a network built entirely in C: two hosts ping over a router.
 *
 *     h1 ---- 1 Gbit/s, 50 us ---- r ---- 100 Mbit/s, 2 ms ---- h2
 *       2001:db8:1::/64                     2001:db8:2::/64
 *
 * Nodes, links, the IPv6 stacks, addresses and static routes are set up by
 * hand; h1 then pings h2 ten times. With one echo in flight at a time no
 * packet ever waits in a queue, so every round trip must equal the sum of
 * serialisation and propagation times over the four link traversals: the
 * program computes that value from the link configurations and checks the
 * ping statistics against it. Build against an installed ipesim with
 *     cc ping-router.c $(pkg-config --cflags --libs ipesim)
 */
#include <ipesim/ipesim.h>

#include <stdio.h>

#define ECHO_DATA 56 /* bytes of echo data, as ping(8) sends by default */
#define COUNT 10

/* Gives @iface the address @text with a /64 on-link prefix. */
static gboolean
add_address(SimIface *iface, const char *text, GError **error)
{
  SimIp6Addr a;
  return sim_ip6_addr_parse(text, &a, error) &&
         sim_ip6_add_address(sim_ip6_of(sim_iface_node(iface)), iface, &a, 64, error);
}

/* A host sends everything through its only interface: a default route. */
static gboolean
add_default_route(SimNode *host, GError **error)
{
  SimIp6Prefix any;
  SimIface *out = sim_node_iface(host, 0);
  return sim_ip6_prefix_parse("::/0", &any, FALSE, error) &&
         sim_ip6_route_add(sim_ip6_of(host), &any, &out, 1, error);
}

/* One-way time of a @bytes IPv6 packet over @link when its queue is empty:
 * serialisation of the frame (rounded up to the picosecond, as the link
 * does) plus propagation. */
static SimTime
hop_time(const SimLink *link, uint64_t bytes)
{
  const SimLinkConfig *c = sim_link_config(link);
  uint64_t bits = (bytes + sim_framing_overhead(c->framing)) * 8;
  return (SimTime)((bits * UINT64_C(1000000000000) + c->rate_bps - 1) / c->rate_bps) + c->delay;
}

int
main(void)
{
  GError *error = NULL;
  SimContext *ctx = sim_context_new(NULL);
  SimNet *net = sim_net_new(ctx);
  int ok = 0;

  /* nodes: two hosts and a router (forwarding = TRUE) */
  SimNode *h1 = sim_node_new(net, "h1", FALSE, &error);
  SimNode *r = h1 ? sim_node_new(net, "r", TRUE, &error) : NULL;
  SimNode *h2 = r ? sim_node_new(net, "h2", FALSE, &error) : NULL;
  if (!h2)
    goto out;

  /* links: a fast access link and a slow, long one; each gives both of
   * its nodes a new interface (h1 eth0 - r eth0, r eth1 - h2 eth0) */
  SimLinkConfig fast, slow;
  sim_link_config_init(&fast);
  fast.rate_bps = UINT64_C(1000000000);
  fast.delay = SIM_US(50);
  sim_link_config_init(&slow);
  slow.rate_bps = UINT64_C(100000000);
  slow.delay = SIM_MS(2);
  SimLink *l1 = sim_link_new(net, h1, r, &fast, "h1-r", &error);
  SimLink *l2 = l1 ? sim_link_new(net, r, h2, &slow, "r-h2", &error) : NULL;
  if (!l2)
    goto out;

  /* IPv6 on every node, one /64 per link, default routes on the hosts;
   * the router's connected routes come with its addresses */
  sim_ip6_install(h1);
  sim_ip6_install(r);
  sim_ip6_install(h2);
  if (!add_address(sim_link_end(l1, 0), "2001:db8:1::1", &error) ||
      !add_address(sim_link_end(l1, 1), "2001:db8:1::2", &error) ||
      !add_address(sim_link_end(l2, 0), "2001:db8:2::1", &error) ||
      !add_address(sim_link_end(l2, 1), "2001:db8:2::2", &error) ||
      !add_default_route(h1, &error) || !add_default_route(h2, &error))
    goto out;

  /* ten echoes, 100 ms apart, to h2's primary address (NULL) */
  SimPingConfig pc = { .start = 0, .interval = SIM_MS(100), .count = COUNT, .size = ECHO_DATA };
  SimPing *ping = sim_ping_new(net, "h1-h2", h1, h2, NULL, &pc, &error);
  if (!ping)
    goto out;

  sim_run_until(ctx, SIM_S(2));

  /* request and reply have the same size: ICMPv6 header + data + IPv6 header */
  uint64_t bytes = SIM_IP6_HEADER_LEN + 8 + ECHO_DATA;
  SimTime expected = 2 * (hop_time(l1, bytes) + hop_time(l2, bytes));
  const SimPingStats *st = sim_ping_stats(ping);
  printf("%s: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received, router forwarded %"
         G_GUINT64_FORMAT "\n",
         sim_ping_name(ping), st->sent, st->received, sim_ip6_stats(sim_ip6_of(r))->forwarded);
  printf("rtt min/avg/max = %.3f/%.3f/%.3f us (expected %.3f us)\n",
         (double)sim_histogram_min(st->rtt) * 1e-6, st->rtt_stats.mean * 1e-6,
         (double)sim_histogram_max(st->rtt) * 1e-6, (double)expected * 1e-6);

  ok = st->sent == COUNT && st->received == COUNT &&
       sim_histogram_min(st->rtt) == (uint64_t)expected &&
       sim_histogram_max(st->rtt) == (uint64_t)expected &&
       sim_net_check_conservation(net, &error);

out:
  if (error)
    fprintf(stderr, "ping-router: %s\n", error->message);
  g_clear_error(&error);
  sim_net_free(net);
  sim_context_free(ctx);
  return ok ? 0 : 1;
}
