/* srv6.c - a node's SRv6 state: locators, the local SID table, the
 * dispatch of packets that reach a local SID (RFC 8754 §4.3.1, RFC 8986
 * §4), SR domain security (RFC 8754 §5) and the behaviour registry.
 *
 * Local SIDs are entries of the node's IPv6 tables (sim_ip6_table_add_sid)
 * so that one longest-prefix match decides between a SID, a local
 * address and a route (RFC 8754 §4.3). At a SID the node walks the
 * extension headers it may process before the SRH (Hop-by-Hop,
 * Destination Options), validates the SRH with sim_srh_parse() - the one
 * check every SRH goes through - verifies an HMAC TLV it has the key for,
 * and hands the packet to the SID's behaviour row.
 */
#define G_LOG_DOMAIN "ipesim-srv6"
#include "config.h"

#include "ip6-private.h"
#include "simpacket-private.h"
#include "srv6-private.h"

#include <string.h>

#define SRV6_ERROR (g_quark_from_static_string("ipesim-srv6-error-quark"))

static gboolean
fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean
fail(GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, SRV6_ERROR, 0, msg);
  g_free(msg);
  return FALSE;
}

/* ---- state ------------------------------------------------------------------------- */

static void
sid_free(SimSrv6Sid *sid)
{
  g_free(sid->behaviour);
  g_free(sid->segments);
  g_free(sid);
}

static void
srv6_free(void *data)
{
  SimSrv6 *sr = data;
  g_array_unref(sr->locators);
  g_ptr_array_unref(sr->sids);
  g_ptr_array_unref(sr->policies);
  g_ptr_array_unref(sr->steers);
  g_array_unref(sr->domain);
  for (guint i = 0; i < sr->hmac_keys->len; i++)
    g_free(g_array_index(sr->hmac_keys, HmacKey, i).key);
  g_array_unref(sr->hmac_keys);
  g_free(sr);
}

static void sid_input(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h, uint32_t id,
                      void *data);
static void local_srh(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h,
                      void *data);

SimSrv6 *
sim_srv6_install(SimIp6 *ip)
{
  g_return_val_if_fail(ip != NULL, NULL);
  SimNode *node = sim_ip6_node(ip);
  SimSrv6 *sr = sim_node_slot(node, SIM_NODE_SLOT_SRV6);
  if (sr)
    return sr;
  sr = g_new0(SimSrv6, 1);
  sr->ip = ip;
  sr->net = sim_node_net(node);
  sr->locators = g_array_new(FALSE, FALSE, sizeof(SimSrv6Locator));
  sr->sids = g_ptr_array_new_with_free_func((GDestroyNotify)sid_free);
  sr->policies = g_ptr_array_new_with_free_func((GDestroyNotify)sim__srv6_policy_free);
  sr->steers = g_ptr_array_new_with_free_func((GDestroyNotify)sim__srv6_steer_free);
  sr->domain = g_array_new(FALSE, FALSE, sizeof(SimIp6Prefix));
  sr->hmac_keys = g_array_new(FALSE, FALSE, sizeof(HmacKey));
  sim_node_set_slot(node, SIM_NODE_SLOT_SRV6, sr, srv6_free);
  sim_ip6_set_route_handlers(ip, sid_input, sim__srv6_steer_input, sr);
  return sr;
}

SimSrv6 *
sim_srv6_of(const SimIp6 *ip)
{
  return ip ? sim_node_slot(sim_ip6_node(ip), SIM_NODE_SLOT_SRV6) : NULL;
}

SimIp6 *
sim_srv6_ip6(const SimSrv6 *sr)
{
  return sr->ip;
}

void
sim_srv6_set_linux_compat(SimSrv6 *sr, gboolean on)
{
  sr->linux_compat = on;
  /* the kernel processes an SRH at any local address (seg6_enabled) */
  sim_ip6_set_srh_handler(sr->ip, on ? local_srh : NULL, on ? sr : NULL);
}

gboolean
sim_srv6_linux_compat(const SimSrv6 *sr)
{
  return sr->linux_compat;
}

/* ---- locators ------------------------------------------------------------------------ */

gboolean
sim_srv6_add_locator(SimSrv6 *sr, const SimSrv6Locator *loc, GError **error)
{
  char buf[SIM_IP6_PREFIX_STRLEN];
  const char *name = sim_node_name(sim_ip6_node(sr->ip));
  sim_ip6_prefix_format(&loc->prefix, buf);
  if ((unsigned)loc->block_len + loc->node_len != loc->prefix.len)
    return fail(error, "node %s: locator %s: block (%u) + node (%u) bits must equal its length",
                name, buf, loc->block_len, loc->node_len);
  if ((unsigned)loc->prefix.len + loc->function_len + loc->argument_len > 128)
    return fail(error,
                "node %s: locator %s: locator, function (%u) and argument (%u) exceed 128 bits",
                name, buf, loc->function_len, loc->argument_len);
  g_array_append_val(sr->locators, *loc);
  return TRUE;
}

guint
sim_srv6_n_locators(const SimSrv6 *sr)
{
  return sr->locators->len;
}

const SimSrv6Locator *
sim_srv6_locator(const SimSrv6 *sr, guint i)
{
  return &g_array_index(sr->locators, SimSrv6Locator, i);
}

/* ---- flavours ------------------------------------------------------------------------- */

static const struct {
  unsigned bit;
  const char *name;
} flavour_names[] = {
  { SIM_SRV6_PSP, "PSP" },
  { SIM_SRV6_USP, "USP" },
  { SIM_SRV6_USD, "USD" },
  { SIM_SRV6_NEXT_CSID, "NEXT-C-SID" },
  { SIM_SRV6_REPLACE_CSID, "REPLACE-C-SID" },
};

const char *
sim_srv6_flavours_format(unsigned flavours, char *buf, size_t len)
{
  buf[0] = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(flavour_names); i++)
    if (flavours & flavour_names[i].bit) {
      if (buf[0])
        g_strlcat(buf, ",", len);
      g_strlcat(buf, flavour_names[i].name, len);
    }
  return buf;
}

gboolean
sim_srv6_flavours_parse(const char *s, unsigned *flavours, GError **error)
{
  *flavours = 0;
  gchar **parts = g_strsplit_set(s, ", ", -1);
  gboolean ok = TRUE;
  for (gchar **p = parts; *p; p++) {
    if (!**p)
      continue;
    size_t i;
    for (i = 0; i < G_N_ELEMENTS(flavour_names); i++)
      if (g_ascii_strcasecmp(*p, flavour_names[i].name) == 0 ||
          (flavour_names[i].bit == SIM_SRV6_NEXT_CSID && g_ascii_strcasecmp(*p, "next-csid") == 0) ||
          (flavour_names[i].bit == SIM_SRV6_REPLACE_CSID &&
           g_ascii_strcasecmp(*p, "replace-csid") == 0))
        break;
    if (i == G_N_ELEMENTS(flavour_names)) {
      ok = fail(error, "unknown flavour '%s' (expected PSP, USP, USD, NEXT-C-SID, REPLACE-C-SID)",
                *p);
      break;
    }
    *flavours |= flavour_names[i].bit;
  }
  g_strfreev(parts);
  return ok;
}

/* ---- behaviour registry ------------------------------------------------------------------- */

static void
shared_free(void *data)
{
  Srv6Shared *sh = data;
  for (guint i = 0; i < sh->rows->len; i++)
    g_free((char *)((SimSrv6Behaviour *)sh->rows->pdata[i])->name);
  g_ptr_array_unref(sh->rows);
  g_free(sh);
}

static Srv6Shared *
shared_of(SimNet *net)
{
  Srv6Shared *sh = sim_net_slot(net, SIM_NET_SLOT_SRV6);
  if (!sh) {
    sh = g_new0(Srv6Shared, 1);
    sh->rows = g_ptr_array_new_with_free_func(g_free);
    sim_net_set_slot(net, SIM_NET_SLOT_SRV6, sh, shared_free);
  }
  return sh;
}

guint
sim_srv6_n_behaviours(SimNet *net)
{
  guint n;
  sim__srv6_builtin_rows(&n);
  Srv6Shared *sh = sim_net_slot(net, SIM_NET_SLOT_SRV6);
  return n + (sh ? sh->rows->len : 0);
}

const SimSrv6Behaviour *
sim_srv6_behaviour(SimNet *net, guint i)
{
  guint n;
  const SimSrv6Behaviour *rows = sim__srv6_builtin_rows(&n);
  if (i < n)
    return &rows[i];
  Srv6Shared *sh = sim_net_slot(net, SIM_NET_SLOT_SRV6);
  return sh && i - n < sh->rows->len ? sh->rows->pdata[i - n] : NULL;
}

const SimSrv6Behaviour *
sim_srv6_behaviour_find(SimNet *net, const char *name)
{
  guint n = sim_srv6_n_behaviours(net);
  for (guint i = 0; i < n; i++) {
    const SimSrv6Behaviour *b = sim_srv6_behaviour(net, i);
    if (g_ascii_strcasecmp(b->name, name) == 0)
      return b;
  }
  return NULL;
}

gboolean
sim_srv6_register_behaviour(SimNet *net, const SimSrv6Behaviour *row, GError **error)
{
  if (!row->name || !*row->name || !row->input)
    return fail(error, "a behaviour needs a name and an input function");
  if (sim_srv6_behaviour_find(net, row->name))
    return fail(error, "behaviour %s exists already", row->name);
  Srv6Shared *sh = shared_of(net);
  SimSrv6Behaviour *copy = g_memdup2(row, sizeof *row);
  copy->name = g_strdup(row->name);
  g_ptr_array_add(sh->rows, copy);
  return TRUE;
}

/* ---- SIDs ------------------------------------------------------------------------------------ */

void
sim_srv6_sid_config_init(SimSrv6SidConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
}

SimSrv6Sid *
sim_srv6_add_sid(SimSrv6 *sr, const SimSrv6SidConfig *cfg, GError **error)
{
  const char *node = sim_node_name(sim_ip6_node(sr->ip));
  char buf[SIM_IP6_PREFIX_STRLEN], fl[96];
  sim_ip6_prefix_format(&cfg->sid, buf);
  const SimSrv6Behaviour *row = cfg->behaviour ? sim_srv6_behaviour_find(sr->net, cfg->behaviour)
                                               : NULL;
  if (!row) {
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < sim_srv6_n_behaviours(sr->net); i++)
      g_string_append_printf(names, "%s%s", i ? ", " : "", sim_srv6_behaviour(sr->net, i)->name);
    fail(error, "node %s: SID %s: unknown behaviour '%s' (expected one of: %s)", node, buf,
         cfg->behaviour ? cfg->behaviour : "", names->str);
    g_string_free(names, TRUE);
    return NULL;
  }
  unsigned bad = cfg->flavours & ~row->flavours;
  if (sr->linux_compat)
    /* the kernel refuses USP and USD, and takes NEXT-C-SID on End and End.X only */
    bad |= cfg->flavours & (SIM_SRV6_USP | SIM_SRV6_USD | SIM_SRV6_REPLACE_CSID |
                            (g_strcmp0(row->name, "End") && g_strcmp0(row->name, "End.X")
                               ? SIM_SRV6_NEXT_CSID
                               : 0));
  if (bad) {
    fail(error, "node %s: SID %s: %s does not take the flavour %s%s", node, buf, row->name,
         sim_srv6_flavours_format(bad, fl, sizeof fl),
         sr->linux_compat ? " (in Linux-compatible mode)" : "");
    return NULL;
  }
  if ((cfg->flavours & SIM_SRV6_NEXT_CSID) && (cfg->flavours & SIM_SRV6_REPLACE_CSID)) {
    fail(error, "node %s: SID %s: NEXT-C-SID and REPLACE-C-SID exclude each other", node, buf);
    return NULL;
  }
  if ((cfg->flavours & (SIM_SRV6_NEXT_CSID | SIM_SRV6_REPLACE_CSID)) &&
      (cfg->lbl == 0 || cfg->lnfl == 0 || (unsigned)cfg->lbl + cfg->lnfl >= 128 ||
       cfg->lbl % 8 || cfg->lnfl % 8 || cfg->sid.len != (unsigned)cfg->lbl + cfg->lnfl)) {
    fail(error,
         "node %s: SID %s: compressed SIDs need the locator-block and node+function lengths "
         "(multiples of 8 bits, together below 128 and equal to the SID's prefix length; got "
         "%u and %u)",
         node, buf, cfg->lbl, cfg->lnfl);
    return NULL;
  }
  if ((cfg->flavours & SIM_SRV6_REPLACE_CSID) && 128 % cfg->lnfl != 0) {
    fail(error, "node %s: SID %s: REPLACE-C-SID needs a C-SID length dividing 128 (got %u)", node,
         buf, cfg->lnfl);
    return NULL;
  }
  if ((row->needs & (SIM_SRV6_NEEDS_ADJACENCY | SIM_SRV6_NEEDS_NH4)) && !cfg->out) {
    fail(error, "node %s: SID %s: %s needs an adjacency (an interface%s)", node, buf, row->name,
         (row->needs & SIM_SRV6_NEEDS_NH4) ? " and an IPv4 next hop" : "");
    return NULL;
  }
  if (cfg->out && sim_iface_node(cfg->out) != sim_ip6_node(sr->ip)) {
    fail(error, "node %s: SID %s: the adjacency is an interface of another node", node, buf);
    return NULL;
  }
  if ((row->needs & SIM_SRV6_NEEDS_TABLE) && !sim_ip6_table_exists(sr->ip, cfg->table)) {
    fail(error, "node %s: SID %s: no routing table %u", node, buf, cfg->table);
    return NULL;
  }
  if ((row->needs & SIM_SRV6_NEEDS_SEGMENTS) && !cfg->policy &&
      (cfg->n_segments == 0 || cfg->n_segments > SIM_SRH_MAX_SEGMENTS)) {
    fail(error, "node %s: SID %s: %s needs a policy or 1 to %d segments", node, buf, row->name,
         SIM_SRH_MAX_SEGMENTS);
    return NULL;
  }
  for (guint i = 0; i < sr->sids->len; i++) {
    const SimSrv6Sid *o = sr->sids->pdata[i];
    if (o->cfg.sid.len != cfg->sid.len || o->cfg.sid_table != cfg->sid_table ||
        !sim_ip6_addr_equal(&o->cfg.sid.addr, &cfg->sid.addr))
      continue;
    fail(error, "node %s: SID %s is defined twice", node, buf);
    return NULL;
  }
  SimSrv6Sid *sid = g_new0(SimSrv6Sid, 1);
  sid->cfg = *cfg;
  sim_ip6_addr_mask(&sid->cfg.sid.addr, cfg->sid.len);
  sid->row = row;
  sid->behaviour = g_strdup(row->name);
  sid->cfg.behaviour = sid->behaviour;
  if (cfg->n_segments) {
    sid->segments = g_memdup2(cfg->segments, sizeof(SimIp6Addr) * cfg->n_segments);
    sid->cfg.segments = sid->segments;
  }
  sid->index = sr->sids->len;
  GError *e = NULL;
  if (!sim_ip6_table_add_sid(sr->ip, cfg->sid_table, &sid->cfg.sid, sid->index, &e)) {
    g_propagate_error(error, e);
    sid_free(sid);
    return NULL;
  }
  g_ptr_array_add(sr->sids, sid);
  return sid;
}

guint
sim_srv6_n_sids(const SimSrv6 *sr)
{
  return sr->sids->len;
}

const SimSrv6Sid *
sim_srv6_sid(const SimSrv6 *sr, guint i)
{
  return sr->sids->pdata[i];
}

const SimSrv6Sid *
sim_srv6_sid_lookup(const SimSrv6 *sr, const SimIp6Addr *a)
{
  const SimSrv6Sid *best = NULL;
  for (guint i = 0; i < sr->sids->len; i++) {
    const SimSrv6Sid *s = sr->sids->pdata[i];
    if (sim_ip6_prefix_contains(&s->cfg.sid, a) && (!best || s->cfg.sid.len > best->cfg.sid.len))
      best = s;
  }
  return best;
}

const SimIp6Prefix *
sim_srv6_sid_prefix(const SimSrv6Sid *sid)
{
  return &sid->cfg.sid;
}

const char *
sim_srv6_sid_behaviour(const SimSrv6Sid *sid)
{
  return sid->behaviour;
}

unsigned
sim_srv6_sid_flavours(const SimSrv6Sid *sid)
{
  return sid->cfg.flavours;
}

const SimSrv6Behaviour *
sim_srv6_sid_row(const SimSrv6Sid *sid)
{
  return sid->row;
}

const SimSrv6SidConfig *
sim_srv6_sid_config(const SimSrv6Sid *sid)
{
  return &sid->cfg;
}

const SimSrv6Counters *
sim_srv6_sid_counters(const SimSrv6Sid *sid)
{
  return &sid->counters;
}

uint64_t
sim_srv6_sid_drops(const SimSrv6Sid *sid, SimDropReason reason)
{
  return (unsigned)reason < SIM_DROP_N ? sid->drops[reason] : 0;
}

/* ---- SR domain security (RFC 8754 §5) ------------------------------------------------------- */

void
sim_srv6_add_domain_prefix(SimSrv6 *sr, const SimIp6Prefix *prefix)
{
  g_array_append_val(sr->domain, *prefix);
}

gboolean
sim_srv6_add_hmac_key(SimSrv6 *sr, const SimSrhHmacKey *key, GError **error)
{
  if (key->key_id == 0)
    return fail(error, "HMAC key id 0 means no HMAC (RFC 8754 §2.1.2)");
  if (!key->key || key->key_len == 0)
    return fail(error, "HMAC key %u has no secret", key->key_id);
  for (guint i = 0; i < sr->hmac_keys->len; i++)
    if (g_array_index(sr->hmac_keys, HmacKey, i).key_id == key->key_id)
      return fail(error, "HMAC key id %u is defined twice", key->key_id);
  HmacKey k = { key->key_id, g_memdup2(key->key, key->key_len), key->key_len };
  g_array_append_val(sr->hmac_keys, k);
  return TRUE;
}

void
sim_srv6_set_hmac_required(SimSrv6 *sr, gboolean require)
{
  sr->hmac_required = require;
}

static const HmacKey *
hmac_key(const SimSrv6 *sr, uint32_t id)
{
  for (guint i = 0; i < sr->hmac_keys->len; i++)
    if (g_array_index(sr->hmac_keys, HmacKey, i).key_id == id)
      return &g_array_index(sr->hmac_keys, HmacKey, i);
  return NULL;
}

gboolean
sim__srv6_hmac_check(SimSrv6 *sr, const uint8_t *pkt, const SimIp6Header *h, const SimSrh *srh,
                     gboolean *have_key)
{
  const uint8_t *t = pkt + srh->hmac_off;
  uint32_t id = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
  const HmacKey *k = hmac_key(sr, id);
  *have_key = k != NULL;
  if (!k)
    return FALSE;
  uint8_t want[32];
  sim_srh_hmac(&h->src, pkt + srh->off, id, k->key, k->key_len, want);
  size_t got = (size_t)t[1] - 6;
  /* shorter digests sit in the low-order bytes (§2.1.2.1) */
  if (memcmp(t + 8, want, MIN(got, sizeof want)) != 0)
    return FALSE;
  /* D flag clear: the destination must be the active segment (§2.1.2) */
  if (!(t[2] & 0x80)) {
    SimIp6Addr active;
    if (srh->segments_left > srh->last_entry)
      return FALSE;
    sim_srh_segment(pkt, srh, srh->segments_left, &active);
    if (!sim_ip6_addr_equal(&active, &h->dst))
      return FALSE;
  }
  return TRUE;
}

static bool
in_domain(const SimSrv6 *sr, const SimIp6Addr *a)
{
  for (guint i = 0; i < sr->domain->len; i++)
    if (sim_ip6_prefix_contains(&g_array_index(sr->domain, SimIp6Prefix, i), a))
      return true;
  for (guint i = 0; i < sr->locators->len; i++)
    if (sim_ip6_prefix_contains(&g_array_index(sr->locators, SimSrv6Locator, i).prefix, a))
      return true;
  return sim_srv6_sid_lookup(sr, a) != NULL;
}

/* Finds the first SRH of the IPv6 packet in @b (walking Hop-by-Hop,
 * Destination Options and other routing headers); FALSE if none. */
static bool
find_srh(const uint8_t *b, size_t real, size_t *off, size_t *nh_field)
{
  size_t o = SIM_IP6_HEADER_LEN, field = 6;
  uint8_t nh = b[6];
  for (int i = 0; i < 8 && o + 8 <= real; i++) {
    if (nh == SIM_IPPROTO_ROUTING && b[o + 2] == SIM_SRH_ROUTING_TYPE) {
      *off = o;
      *nh_field = field;
      return true;
    }
    if (nh != SIM_IPPROTO_HOPOPTS && nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING)
      return false;
    field = o;
    nh = b[o];
    o += ((size_t)b[o + 1] + 1) * 8;
  }
  return false;
}

/* RFC 8754 §5.1-5.2: on an interface at the edge of the SR domain, a
 * packet with an SRH or addressed to a SID of the domain comes in only
 * with a valid HMAC (when the node has keys), else it is dropped. */
static gboolean
ingress_filter(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h, void *data)
{
  SimSrv6 *sr = data;
  const uint8_t *b = sim__packet_data(p);
  size_t real = sim__packet_real_length(p), off, field;
  bool srh_present = find_srh(b, real, &off, &field);
  if (!srh_present && !in_domain(sr, &h->dst))
    return TRUE;
  if (srh_present && sr->hmac_keys->len) {
    SimSrh srh;
    if (sim_srh_parse(b, real, off, field, &srh, NULL) == SIM_SRH_OK && srh.hmac_off) {
      gboolean have_key;
      if (sim__srv6_hmac_check(sr, b, h, &srh, &have_key))
        return TRUE;
    }
  }
  sim_node_drop(sim_ip6_node(ip), iface, p,
                srh_present && sr->hmac_keys->len ? SIM_DROP_SRV6_HMAC : SIM_DROP_SRV6_INGRESS);
  return FALSE;
}

void
sim_srv6_set_iface_mode(SimSrv6 *sr, SimIface *iface, SimSrv6IfaceMode mode)
{
  sim_ip6_set_ingress_filter(sr->ip, iface, mode == SIM_SRV6_IFACE_EXTERNAL ? ingress_filter : NULL,
                             sr);
}

/* ---- input at a local SID ------------------------------------------------------------------------ */

void
sim_srv6_drop(SimSrv6Packet *pk, SimDropReason reason, uint8_t icmp_type, uint8_t icmp_code,
              uint32_t pointer)
{
  SimSrv6Sid *sid = (SimSrv6Sid *)pk->sid;
  if (sid) {
    sid->counters.dropped++;
    sid->drops[reason]++;
  }
  if (icmp_type && !pk->sr->linux_compat)
    sim_icmp6_error(pk->sr->ip, pk->iface, pk->p, icmp_type, icmp_code, pointer);
  sim_node_drop(sim_ip6_node(pk->sr->ip), pk->iface, pk->p, reason);
  pk->p = NULL;
}

/* Walks the headers a SID node processes before the upper layer: fills
 * pk->srh (validated) and pk->upper. FALSE if the packet was dropped. */
static bool
walk(SimSrv6Packet *pk, SimSrh *srh_buf)
{
  const uint8_t *b = sim__packet_data(pk->p);
  size_t real = sim__packet_real_length(pk->p);
  size_t off = pk->h->header_length, field = pk->h->next_header_field;
  uint8_t nh = pk->h->upper_protocol;
  if (off == SIM_IP6_HEADER_LEN)
    field = 6;
  pk->srh = NULL;
  for (int guard = 0; guard < 16; guard++) {
    if (nh != SIM_IPPROTO_DSTOPTS && nh != SIM_IPPROTO_ROUTING)
      break;
    if (off + 8 > real) {
      sim_srv6_drop(pk, SIM_DROP_BAD_HEADER, 0, 0, 0);
      return false;
    }
    size_t len = ((size_t)b[off + 1] + 1) * 8;
    if (nh == SIM_IPPROTO_ROUTING && b[off + 2] == SIM_SRH_ROUTING_TYPE && !pk->srh) {
      size_t ptr = 0;
      SimSrhError e = sim_srh_parse(b, real, off, field, srh_buf, &ptr);
      if (e == SIM_SRH_ERR_TRUNCATED) {
        sim_srv6_drop(pk, SIM_DROP_BAD_HEADER, 0, 0, 0);
        return false;
      }
      if (e != SIM_SRH_OK) {
        /* RFC 8986 §4.1 S09-S10 / RFC 8754 §4.3.1.1: Parameter Problem,
         * code 0, at the field at fault (Segments Left for LE/SL) */
        sim_srv6_drop(pk, SIM_DROP_SRH_INVALID, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)ptr);
        return false;
      }
      pk->srh = srh_buf;
    } else if (nh == SIM_IPPROTO_ROUTING && b[off + 3] > 0) {
      /* RFC 8200 §4.4: another routing type with segments left */
      sim_srv6_drop(pk, SIM_DROP_ROUTING_HEADER, SIM_ICMP6_PARAM_PROBLEM, 0, (uint32_t)(off + 2));
      return false;
    }
    if (off + len > real) {
      sim_srv6_drop(pk, SIM_DROP_BAD_HEADER, 0, 0, 0);
      return false;
    }
    field = off;
    nh = b[off];
    off += len;
  }
  pk->upper = (uint16_t)off;
  pk->upper_proto = nh;
  pk->upper_nh_field = (uint16_t)field;
  return true;
}

static void
sid_input(SimIp6 *ip, SimIface *iface, SimPacket *p, SimIp6Header *h, uint32_t id, void *data)
{
  SimSrv6 *sr = data;
  SimSrv6Sid *sid = sr->sids->pdata[id];
  sid->counters.packets++;
  sid->counters.bytes += sim__packet_length(p);
  SimSrh srh;
  SimSrv6Packet pk = { sr, sid, iface, p, h, NULL, 0, 0, 0 };
  if (!walk(&pk, &srh))
    return;
  if (pk.upper_proto == SIM_IPPROTO_FRAGMENT && (!pk.srh || pk.srh->segments_left == 0)) {
    /* fragments of an encapsulated packet (a headend fragments the outer
     * packet, RFC 2473 §7.1): the SID node reassembles them first */
    h->header_length = pk.upper;
    h->upper_protocol = SIM_IPPROTO_FRAGMENT;
    SimPacket *whole = sim__ip6_reassemble(ip, iface, p, h);
    if (!whole)
      return;
    SimIp6Header wh;
    sim_ip6_header_read(sim__packet_data(whole), sim__packet_real_length(whole), &wh);
    if (wh.next_header == SIM_IPPROTO_HOPOPTS && sim__packet_real_length(whole) >= 48) {
      wh.header_length = (uint16_t)(SIM_IP6_HEADER_LEN + ((size_t)sim__packet_data(whole)[41] + 1) * 8);
      wh.upper_protocol = sim__packet_data(whole)[40];
      wh.next_header_field = 40;
    }
    *h = wh;
    pk.p = whole;
    if (!walk(&pk, &srh))
      return;
  }
  if (pk.srh && pk.srh->hmac_off) {
    /* RFC 8754 §2.1.2.2: verify when we hold the key; Parameter Problem
     * code 0 pointing at the HMAC TLV otherwise */
    gboolean have_key = FALSE;
    if (!sim__srv6_hmac_check(sr, sim__packet_data(p), h, pk.srh, &have_key) &&
        (have_key || sr->hmac_required)) {
      sim_srv6_drop(&pk, SIM_DROP_SRV6_HMAC, SIM_ICMP6_PARAM_PROBLEM, 0, pk.srh->hmac_off);
      return;
    }
  } else if (pk.srh && sr->hmac_required) {
    /* RFC 8754 §2.1.2.1: a node configured to require the HMAC TLV drops
     * SRHs without one */
    sim_srv6_drop(&pk, SIM_DROP_SRV6_HMAC, 0, 0, 0);
    return;
  }
  sid->row->input(&pk);
}

/* Linux-compatible mode: an SRH with Segments Left > 0 at a local
 * address that is not a SID is processed as End. */
static void
local_srh(SimIp6 *ip, SimIface *iface, SimPacket *p, const SimIp6Header *h, void *data)
{
  (void)ip;
  SimSrv6 *sr = data;
  SimIp6Header hh = *h;
  /* restart the walk from the fixed header (or after Hop-by-Hop) */
  const uint8_t *b = sim__packet_data(p);
  hh.header_length = SIM_IP6_HEADER_LEN;
  hh.upper_protocol = b[6];
  hh.next_header_field = 6;
  if (b[6] == SIM_IPPROTO_HOPOPTS && sim__packet_real_length(p) >= 48) {
    hh.header_length = (uint16_t)(SIM_IP6_HEADER_LEN + ((size_t)b[41] + 1) * 8);
    hh.upper_protocol = b[40];
    hh.next_header_field = 40;
  }
  SimSrh srh;
  SimSrv6Packet pk = { sr, NULL, iface, p, &hh, NULL, 0, 0, 0 };
  if (!walk(&pk, &srh))
    return;
  sim_srv6_end(&pk);
}

/* ---- policy accessors (results) ------------------------------------------------------------ */

uint32_t
sim_srv6_policy_color(const SimSrv6Policy *pol)
{
  return pol->color;
}

const SimIp6Addr *
sim_srv6_policy_endpoint(const SimSrv6Policy *pol)
{
  return &pol->endpoint;
}

const SimSrv6HeadendConfig *
sim_srv6_policy_config(const SimSrv6Policy *pol)
{
  return &pol->cfg;
}

void
sim_srv6_policy_describe(const SimSrv6Policy *pol, GString *out)
{
  char buf[SIM_IP6_ADDR_STRLEN];
  for (guint i = 0; i < pol->paths->len; i++) {
    const CandidatePath *c = &g_array_index(pol->paths, CandidatePath, i);
    g_string_append_printf(out, "%spreference %u%s:", i ? "; " : "", c->preference,
                           c->valid ? "" : " (invalid)");
    for (guint j = 0; j < c->lists->len; j++) {
      const SegList *l = &g_array_index(c->lists, SegList, j);
      g_string_append_printf(out, "%s [", j ? " |" : "");
      for (unsigned k = 0; k < l->n; k++)
        g_string_append_printf(out, "%s%s", k ? " " : "", sim_ip6_addr_format(&l->segs[k], buf));
      g_string_append_printf(out, "] weight %u", l->weight);
    }
  }
}

const char *
sim_srv6_headend_mode_name(SimSrv6HeadendMode mode)
{
  static const char *const names[] = { "H.Encaps", "H.Encaps.Red", "H.Insert", "H.Insert.Red" };
  return (unsigned)mode < G_N_ELEMENTS(names) ? names[mode] : "?";
}
