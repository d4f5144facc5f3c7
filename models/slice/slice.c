/* slice.c - network slices and NRPs: per-NRP queues on every link, NRP
 * selection from the packet, per-NRP paths programmed as SRv6 uSID
 * policies, admission and results. See slice.h. */
#define G_LOG_DOMAIN "ipesim-slice"
#include "config.h"

#include "slice.h"
#include "simpacket-private.h"

#include "classifier.h"
#include "ip4.h"
#include "meter.h"
#include "scheduler.h"
#include "simcsv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(ipesim-slice-error-quark, sim_slice_error)

/* F3216-style uSID values (RFC 9800 §4.1: a 16-bit C-SID space split into
 * global node IDs and local IDs) */
#define USID_GIB_MAX 0xdfffu   /* node uSIDs 1 .. 0xdfff */
#define USID_ADJ_BASE 0xe000u  /* local End.X: 0xe000 + interface index */
#define USID_ADJ_MAX 0xefffu
#define USID_DT6 0xf0d6u       /* local End.DT6 */

typedef struct {
  uint32_t metric, te_metric;
  uint64_t affinity;
} LinkAttr;

typedef struct {
  SimSlicing *sl;
  size_t l3; /* where the IPv6 header starts in what the queue sees */
} ClassifyData;

struct _SimNrp {
  SimSlicing *sl;
  guint index; /* class index - 1 */
  char *name;
  SimNrpConfig cfg;
};

struct _SimSlice {
  SimSlicing *sl;
  char *name;
  SimSliceConfig cfg;
  GPtrArray *flows;
  gboolean admitted;
  char *reason;
  SimTime path_latency;
};

/* A connectivity construct being set up. */
typedef struct {
  SimSlice *slice;
  SimFlow *flow;
  guint path_off, path_len; /* interface ids in SimSlicing.paths */
} Construct;

struct _SimSlicing {
  SimNet *net;
  SimRouting *routing;
  SimSlicingConfig cfg;
  GPtrArray *nrps, *slices;
  GArray *links; /* LinkAttr by link index */
  uint8_t dscp_class[64];
  ClassifyData cd_p2p, cd_eth;
  gboolean set_up;
  guint n_classes;     /* NRPs + 1 (class 0: traffic outside slices) */
  uint64_t *reserved;  /* [interface id * n_nrps + k] */
  uint64_t *demand;    /* same layout */
  GArray *paths;       /* uint32 interface ids */
  /* SRv6 state created, and counters per node */
  GHashTable *gib;     /* node index + 1 -> uSID */
  uint32_t next_gib;
  GHashTable *made;    /* keys of SIDs made (node, kind, block) */
  GHashTable *policies; /* (h, k, e) as a 64-bit key -> SimSrv6Policy */
  GHashTable *steers;  /* SteerKey -> SimSlice */
  GPtrArray *walk;     /* scratch of igp_follows */
  uint32_t *steer_rules; /* per node */
  /* scratch for the trees */
  uint64_t *dist;
  SimIface **parent;
  uint32_t *stamp, *memo_stamp;
  uint8_t *memo;
  uint32_t cur;
};

static const char *const selector_names[] = { "locator", "hbh", "dscp", "flow-label" };
static const char *const isolation_names[] = { "none", "soft", "hard" };
static const char *const metric_names[] = { "igp", "delay", "te" };

const char *
sim_nrp_selector_name(SimNrpSelector s)
{
  return s < SIM_NRP_SELECT_N ? selector_names[s] : "?";
}

const char *
sim_nrp_isolation_name(SimNrpIsolation i)
{
  return i < SIM_NRP_ISOLATION_N ? isolation_names[i] : "?";
}

const char *
sim_nrp_metric_name(SimNrpMetric m)
{
  return m < SIM_NRP_METRIC_N ? metric_names[m] : "?";
}

static gboolean
fail(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean
fail(GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, SIM_SLICE_ERROR, code, msg);
  g_free(msg);
  return FALSE;
}

/* ---- configuration --------------------------------------------------------------------------- */

void
sim_slicing_config_init(SimSlicingConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->selector = SIM_NRP_SELECT_HBH;
  cfg->isolation = SIM_NRP_ISOLATION_SOFT;
  sim_ip6_prefix_parse("fcbb:bc00::/32", &cfg->usid_block, FALSE, NULL);
  cfg->nrp_option = SIM_CLASSIFIER_NRP_OPTION_DEFAULT;
  cfg->flow_label_bits = 4;
  cfg->default_queue_packets = 1000;
}

void
sim_nrp_config_init(SimNrpConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->dscp = -1;
}

void
sim_slice_config_init(SimSliceConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->latency_quantile = 0.99999;
  cfg->loss = 1.0;
  cfg->dscp = -1;
}

/* A steering rule: headend, destination, DSCP (-1: any). */
typedef struct {
  uint32_t headend;
  int dscp;
  SimIp6Addr dst;
} SteerKey;

/* 64-bit finaliser of MurmurHash3: every key bit reaches every hash bit */
static inline guint
mix64(uint64_t x)
{
  x ^= x >> 33;
  x *= UINT64_C(0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= UINT64_C(0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return (guint)x;
}

static guint
policy_key_hash(gconstpointer k)
{
  return mix64(*(const uint64_t *)k);
}

static guint
steer_key_hash(gconstpointer k)
{
  const SteerKey *x = k;
  uint64_t a, b;
  memcpy(&a, x->dst.b, 8);
  memcpy(&b, x->dst.b + 8, 8);
  return mix64(a ^ mix64(b ^ ((uint64_t)x->headend << 8 | (uint8_t)(x->dscp + 1))));
}

static gboolean
steer_key_equal(gconstpointer a, gconstpointer b)
{
  const SteerKey *x = a, *y = b;
  return x->headend == y->headend && x->dscp == y->dscp &&
         memcmp(x->dst.b, y->dst.b, 16) == 0;
}

static void
slicing_free(SimSlicing *sl)
{
  for (guint i = 0; i < sl->nrps->len; i++) {
    SimNrp *n = sl->nrps->pdata[i];
    g_free(n->name);
    g_free(n);
  }
  for (guint i = 0; i < sl->slices->len; i++) {
    SimSlice *s = sl->slices->pdata[i];
    g_free(s->name);
    g_free(s->reason);
    g_ptr_array_unref(s->flows);
    g_free(s);
  }
  g_ptr_array_unref(sl->nrps);
  g_ptr_array_unref(sl->slices);
  g_array_unref(sl->links);
  g_free(sl->reserved);
  g_free(sl->demand);
  if (sl->paths)
    g_array_unref(sl->paths);
  g_hash_table_unref(sl->gib);
  g_hash_table_unref(sl->made);
  g_hash_table_unref(sl->policies);
  g_hash_table_unref(sl->steers);
  g_ptr_array_unref(sl->walk);
  g_free(sl->steer_rules);
  g_free(sl->dist);
  g_free(sl->parent);
  g_free(sl->stamp);
  g_free(sl->memo_stamp);
  g_free(sl->memo);
  g_free(sl);
}

SimSlicing *
sim_slicing_new(SimNet *net, SimRouting *routing, const SimSlicingConfig *cfg, GError **error)
{
  g_return_val_if_fail(net != NULL, NULL);
  if (sim_net_slot(net, SIM_NET_SLOT_SLICING)) {
    fail(error, SIM_SLICE_ERROR_INVALID, "the network has slicing already");
    return NULL;
  }
  SimSlicingConfig def;
  if (!cfg) {
    sim_slicing_config_init(&def);
    cfg = &def;
  }
  unsigned bl = cfg->usid_block.len;
  if (bl < 16 || bl > 96 || bl % 8) {
    fail(error, SIM_SLICE_ERROR_INVALID,
         "uSID block /%u: expected a length of 16 to 96 bits, a multiple of 8", bl);
    return NULL;
  }
  if (cfg->selector == SIM_NRP_SELECT_LOCATOR && cfg->usid_block.addr.b[bl / 8 - 1] != 0) {
    fail(error, SIM_SLICE_ERROR_INVALID,
         "locator selector: the last 8 bits of the uSID block number the NRPs and must be 0");
    return NULL;
  }
  if (cfg->flow_label_bits < 1 || cfg->flow_label_bits > 8) {
    fail(error, SIM_SLICE_ERROR_INVALID, "flow label bits: expected 1 to 8, got %u",
         cfg->flow_label_bits);
    return NULL;
  }
  if (cfg->nrp_option == 0 || cfg->nrp_option == 1) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP option type %u is Pad1/PadN", cfg->nrp_option);
    return NULL;
  }
  SimSlicing *sl = g_new0(SimSlicing, 1);
  sl->net = net;
  sl->routing = routing;
  sl->cfg = *cfg;
  if (sl->cfg.default_queue_packets == 0)
    sl->cfg.default_queue_packets = 1000;
  sl->nrps = g_ptr_array_new();
  sl->slices = g_ptr_array_new();
  sl->links = g_array_new(FALSE, TRUE, sizeof(LinkAttr));
  sl->cd_p2p.sl = sl;
  sl->cd_eth.sl = sl;
  sl->cd_eth.l3 = 14;
  sl->gib = g_hash_table_new(NULL, NULL);
  sl->made = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  sl->policies = g_hash_table_new_full(policy_key_hash, g_int64_equal, g_free, NULL);
  sl->steers = g_hash_table_new_full(steer_key_hash, steer_key_equal, g_free, NULL);
  sl->walk = g_ptr_array_new();
  sim_net_set_slot(net, SIM_NET_SLOT_SLICING, sl, (GDestroyNotify)slicing_free);
  return sl;
}

SimSlicing *
sim_slicing_of(const SimNet *net)
{
  return sim_net_slot(net, SIM_NET_SLOT_SLICING);
}

const SimSlicingConfig *
sim_slicing_config(const SimSlicing *sl)
{
  return &sl->cfg;
}

static LinkAttr *
link_attr(SimSlicing *sl, uint32_t index)
{
  if (sl->links->len <= index) {
    guint old = sl->links->len;
    g_array_set_size(sl->links, MAX(index + 1, sim_net_n_links(sl->net)));
    for (guint i = old; i < sl->links->len; i++)
      g_array_index(sl->links, LinkAttr, i).metric = 1;
  }
  return &g_array_index(sl->links, LinkAttr, index);
}

void
sim_slicing_set_link(SimSlicing *sl, const SimLink *link, uint32_t metric, uint32_t te_metric,
                     uint64_t affinity)
{
  LinkAttr *a = link_attr(sl, sim_link_index(link));
  a->metric = metric ? metric : 1;
  a->te_metric = te_metric;
  a->affinity = affinity;
}

/* ---- NRPs and slices ------------------------------------------------------------------------- */

SimNrp *
sim_slicing_add_nrp(SimSlicing *sl, const SimNrpConfig *cfg, GError **error)
{
  g_return_val_if_fail(sl && cfg && cfg->name, NULL);
  if (sl->set_up) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: slicing is set up already", cfg->name);
    return NULL;
  }
  if (sim_slicing_find_nrp(sl, cfg->name)) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s defined twice", cfg->name);
    return NULL;
  }
  if (sl->nrps->len >= 63) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: at most 63 NRPs", cfg->name);
    return NULL;
  }
  if (cfg->id == 0) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: the NRP ID must be positive", cfg->name);
    return NULL;
  }
  if (!(cfg->share > 0 && cfg->share <= 1) && !(cfg->share == 0 && cfg->bandwidth_bps > 0)) {
    fail(error, SIM_SLICE_ERROR_INVALID,
         "NRP %s: expected a share in (0, 1] of each link or a positive bandwidth", cfg->name);
    return NULL;
  }
  if (cfg->metric >= SIM_NRP_METRIC_N) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: unknown metric", cfg->name);
    return NULL;
  }
  if (cfg->include_any & cfg->exclude_any || cfg->include_all & cfg->exclude_any) {
    fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: an affinity both included and excluded",
         cfg->name);
    return NULL;
  }
  for (guint i = 0; i < sl->nrps->len; i++) {
    SimNrp *o = sl->nrps->pdata[i];
    if (o->cfg.id == cfg->id) {
      fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: NRP ID %u is NRP %s's already", cfg->name,
           cfg->id, o->name);
      return NULL;
    }
  }
  if (sl->cfg.selector == SIM_NRP_SELECT_DSCP) {
    if (cfg->dscp < 0 || cfg->dscp > 63) {
      fail(error, SIM_SLICE_ERROR_INVALID,
           "NRP %s: the dscp selector needs the NRP's DSCP (0 to 63)", cfg->name);
      return NULL;
    }
    if (cfg->dscp == 0) {
      fail(error, SIM_SLICE_ERROR_INVALID,
           "NRP %s: DSCP 0 (default forwarding) selects the traffic outside slices", cfg->name);
      return NULL;
    }
    for (guint i = 0; i < sl->nrps->len; i++) {
      SimNrp *o = sl->nrps->pdata[i];
      if (o->cfg.dscp == cfg->dscp) {
        fail(error, SIM_SLICE_ERROR_INVALID, "NRP %s: DSCP %d selects NRP %s already", cfg->name,
             cfg->dscp, o->name);
        return NULL;
      }
    }
  }
  if (sl->cfg.selector == SIM_NRP_SELECT_FLOW_LABEL &&
      sl->nrps->len + 1 >= (1u << sl->cfg.flow_label_bits)) {
    fail(error, SIM_SLICE_ERROR_INVALID,
         "NRP %s: %u flow label bits number at most %u NRPs", cfg->name,
         sl->cfg.flow_label_bits, (1u << sl->cfg.flow_label_bits) - 1);
    return NULL;
  }
  SimNrp *n = g_new0(SimNrp, 1);
  n->sl = sl;
  n->index = sl->nrps->len;
  n->name = g_strdup(cfg->name);
  n->cfg = *cfg;
  n->cfg.name = n->name;
  if (n->cfg.queue_packets == 0)
    n->cfg.queue_packets = 1000;
  g_ptr_array_add(sl->nrps, n);
  if (sl->cfg.selector == SIM_NRP_SELECT_DSCP)
    sl->dscp_class[cfg->dscp] = (uint8_t)(n->index + 1);
  return n;
}

guint
sim_slicing_n_nrps(const SimSlicing *sl)
{
  return sl->nrps->len;
}

SimNrp *
sim_slicing_nrp(const SimSlicing *sl, guint i)
{
  return i < sl->nrps->len ? sl->nrps->pdata[i] : NULL;
}

SimNrp *
sim_slicing_find_nrp(const SimSlicing *sl, const char *name)
{
  for (guint i = 0; i < sl->nrps->len; i++)
    if (strcmp(((SimNrp *)sl->nrps->pdata[i])->name, name) == 0)
      return sl->nrps->pdata[i];
  return NULL;
}

const SimNrpConfig *
sim_nrp_config(const SimNrp *nrp)
{
  return &nrp->cfg;
}

SimSlice *
sim_slicing_add_slice(SimSlicing *sl, const SimSliceConfig *cfg, GError **error)
{
  g_return_val_if_fail(sl && cfg && cfg->name, NULL);
  if (sl->set_up) {
    fail(error, SIM_SLICE_ERROR_INVALID, "slice %s: slicing is set up already", cfg->name);
    return NULL;
  }
  if (sim_slicing_find_slice(sl, cfg->name)) {
    fail(error, SIM_SLICE_ERROR_INVALID, "slice %s defined twice", cfg->name);
    return NULL;
  }
  if (!cfg->nrp || cfg->nrp->sl != sl) {
    fail(error, SIM_SLICE_ERROR_INVALID, "slice %s: no NRP of this network", cfg->name);
    return NULL;
  }
  if (!(cfg->latency_quantile > 0 && cfg->latency_quantile <= 1) ||
      !(cfg->loss >= 0 && cfg->loss <= 1) || cfg->latency < 0 || cfg->jitter < 0 ||
      cfg->dscp < -1 || cfg->dscp > 63) {
    fail(error, SIM_SLICE_ERROR_INVALID,
         "slice %s: objectives out of range (latency and jitter >= 0, quantile in (0, 1], loss "
         "in [0, 1], DSCP -1 to 63)",
         cfg->name);
    return NULL;
  }
  SimSlice *s = g_new0(SimSlice, 1);
  s->sl = sl;
  s->name = g_strdup(cfg->name);
  s->cfg = *cfg;
  s->cfg.name = s->name;
  s->flows = g_ptr_array_new();
  s->admitted = TRUE;
  g_ptr_array_add(sl->slices, s);
  return s;
}

guint
sim_slicing_n_slices(const SimSlicing *sl)
{
  return sl->slices->len;
}

SimSlice *
sim_slicing_slice(const SimSlicing *sl, guint i)
{
  return i < sl->slices->len ? sl->slices->pdata[i] : NULL;
}

SimSlice *
sim_slicing_find_slice(const SimSlicing *sl, const char *name)
{
  for (guint i = 0; i < sl->slices->len; i++)
    if (strcmp(((SimSlice *)sl->slices->pdata[i])->name, name) == 0)
      return sl->slices->pdata[i];
  return NULL;
}

const SimSliceConfig *
sim_slice_config(const SimSlice *slice)
{
  return &slice->cfg;
}

gboolean
sim_slice_add_flow(SimSlice *slice, SimFlow *flow, GError **error)
{
  g_return_val_if_fail(slice && flow, FALSE);
  if (slice->sl->set_up)
    return fail(error, SIM_SLICE_ERROR_INVALID, "slice %s: slicing is set up already",
                slice->name);
  if (sim_flow_src(flow) == sim_flow_dst(flow))
    return fail(error, SIM_SLICE_ERROR_INVALID, "slice %s: flow %s starts and ends at %s",
                slice->name, sim_flow_name(flow), sim_node_name(sim_flow_src(flow)));
  const SimIp6Addr *da = sim_flow_dst_address(flow);
  if (da && sim_ip4_is_mapped(da))
    return fail(error, SIM_SLICE_ERROR_INVALID, "slice %s: flow %s is IPv4; slices carry IPv6",
                slice->name, sim_flow_name(flow));
  if (slice->cfg.dscp >= 0) {
    uint8_t tc = sim_flow_config(flow)->traffic_class;
    sim_flow_set_traffic_class(flow, (uint8_t)((slice->cfg.dscp << 2) | (tc & 3)));
  }
  if (slice->cfg.latency > 0)
    sim_flow_set_delay_bound(flow, slice->cfg.latency);
  g_ptr_array_add(slice->flows, flow);
  return TRUE;
}

guint
sim_slice_n_flows(const SimSlice *slice)
{
  return slice->flows->len;
}

SimFlow *
sim_slice_flow(const SimSlice *slice, guint i)
{
  return i < slice->flows->len ? slice->flows->pdata[i] : NULL;
}

gboolean
sim_slice_admitted(const SimSlice *slice, const char **reason)
{
  if (reason)
    *reason = slice->reason;
  return slice->admitted;
}

SimTime
sim_slice_path_latency(const SimSlice *slice)
{
  return slice->path_latency;
}

static void
refuse(SimSlice *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
refuse(SimSlice *s, const char *fmt, ...)
{
  s->admitted = FALSE;
  if (s->reason)
    return; /* the first reason is reported */
  va_list ap;
  va_start(ap, fmt);
  s->reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
}

/* ---- interfaces and reservations ------------------------------------------------------------- */

static inline uint32_t
iface_id(const SimIface *iface)
{
  const SimLink *l = sim_iface_link(iface);
  return 2 * sim_link_index(l) + (sim_link_end(l, 0) == iface ? 0u : 1u);
}

static gboolean
nrp_allows(const SimNrp *n, uint64_t aff)
{
  const SimNrpConfig *c = &n->cfg;
  if (c->include_any && !(aff & c->include_any))
    return FALSE;
  if ((aff & c->include_all) != c->include_all)
    return FALSE;
  return !(aff & c->exclude_any);
}

static uint64_t
compute_reserved(const SimNrp *n, const SimIface *iface, const LinkAttr *a)
{
  if (!nrp_allows(n, a->affinity))
    return 0;
  uint64_t rate = sim_iface_rate(iface);
  if (n->cfg.share > 0)
    return (uint64_t)floor(n->cfg.share * (double)rate);
  return MIN(n->cfg.bandwidth_bps, rate);
}

uint64_t
sim_nrp_reserved(const SimNrp *nrp, const SimIface *iface)
{
  SimSlicing *sl = nrp->sl;
  if (sim_iface_is_multiaccess(iface))
    return 0;
  if (sl->reserved)
    return sl->reserved[(size_t)iface_id(iface) * sl->nrps->len + nrp->index];
  return compute_reserved(nrp, iface, link_attr(sl, sim_link_index(sim_iface_link(iface))));
}

/* ---- selection from the packet ----------------------------------------------------------------- */

static uint32_t
classify(const SimPacket *p, void *data)
{
  const ClassifyData *cd = data;
  const SimSlicing *sl = cd->sl;
  size_t real = sim__packet_real_length(p);
  if (real < cd->l3 + SIM_IP6_HEADER_LEN)
    return 0;
  const uint8_t *b = sim__packet_data(p) + cd->l3;
  if (b[0] >> 4 != 6)
    return 0;
  uint32_t n = sl->nrps->len;
  /* the DSCP and flow label name an NRP only in the headend's
   * encapsulation (to the uSID block): a host's own marking or RFC 6437
   * label stays outside the NRPs */
  if ((sl->cfg.selector == SIM_NRP_SELECT_DSCP || sl->cfg.selector == SIM_NRP_SELECT_FLOW_LABEL) &&
      memcmp(b + 24, sl->cfg.usid_block.addr.b, sl->cfg.usid_block.len / 8) != 0)
    return 0;
  switch (sl->cfg.selector) {
  case SIM_NRP_SELECT_LOCATOR: {
    unsigned nb = sl->cfg.usid_block.len / 8;
    if (memcmp(b + 24, sl->cfg.usid_block.addr.b, nb - 1) != 0)
      return 0;
    uint32_t k = b[24 + nb - 1];
    return k <= n ? k : 0;
  }
  case SIM_NRP_SELECT_HBH: {
    if (b[6] != SIM_IPPROTO_HOPOPTS || real < cd->l3 + SIM_IP6_HEADER_LEN + 8)
      return 0;
    size_t end = SIM_IP6_HEADER_LEN + ((size_t)b[41] + 1) * 8;
    if (cd->l3 + end > real)
      return 0;
    for (size_t o = SIM_IP6_HEADER_LEN + 2; o < end;) {
      if (b[o] == 0) { /* Pad1 */
        o++;
        continue;
      }
      if (o + 2 > end)
        break;
      size_t len = b[o + 1];
      if (b[o] == sl->cfg.nrp_option && len == 4 && o + 6 <= end) {
        uint32_t id = (uint32_t)b[o + 2] << 24 | (uint32_t)b[o + 3] << 16 |
                      (uint32_t)b[o + 4] << 8 | b[o + 5];
        for (uint32_t k = 0; k < n; k++)
          if (((const SimNrp *)sl->nrps->pdata[k])->cfg.id == id)
            return k + 1;
        return 0;
      }
      o += 2 + len;
    }
    return 0;
  }
  case SIM_NRP_SELECT_DSCP:
    return sl->dscp_class[((b[0] & 0x0f) << 2) | (b[1] >> 6)];
  case SIM_NRP_SELECT_FLOW_LABEL: {
    uint32_t fl = (uint32_t)(b[1] & 0x0f) << 16 | (uint32_t)b[2] << 8 | b[3];
    uint32_t k = fl >> (20u - sl->cfg.flow_label_bits);
    return k <= n ? k : 0;
  }
  default:
    return 0;
  }
}

/* Frame bytes of an MTU-sized packet on @iface's link. */
static uint64_t
frame_bytes(const SimIface *iface)
{
  const SimLinkConfig *c = sim_link_config(sim_iface_link(iface));
  return (uint64_t)c->mtu + sim_framing_overhead(c->framing);
}

static gboolean
install_queues(SimSlicing *sl, GError **error)
{
  uint32_t n = sl->nrps->len, nl = sim_net_n_links(sl->net);
  sl->reserved = g_new0(uint64_t, (size_t)2 * nl * n + 1);
  for (uint32_t l = 0; l < nl; l++) {
    SimLink *link = sim_net_link(sl->net, l);
    const LinkAttr *a = link_attr(sl, l);
    for (unsigned end = 0; end < 2; end++) {
      SimIface *ifc = sim_link_end(link, end);
      if (sim_iface_is_multiaccess(ifc))
        continue;
      uint64_t rate = sim_iface_rate(ifc), sum = 0;
      uint64_t *res = sl->reserved + ((size_t)2 * l + end) * n;
      for (uint32_t k = 0; k < n; k++) {
        res[k] = compute_reserved(sl->nrps->pdata[k], ifc, a);
        sum += res[k];
      }
      if (sum > rate)
        return fail(error, SIM_SLICE_ERROR_CAPACITY,
                    "link %s (%s -> %s): the NRPs reserve %" G_GUINT64_FORMAT
                    " bit/s of %" G_GUINT64_FORMAT " bit/s",
                    sim_link_name(link), sim_node_name(sim_iface_node(ifc)),
                    sim_node_name(sim_iface_node(sim_iface_peer(ifc))), sum, rate);
      if (sl->cfg.isolation == SIM_NRP_ISOLATION_NONE)
        continue;
      uint64_t rest = rate - sum;
      if (sl->cfg.isolation == SIM_NRP_ISOLATION_HARD && rest == 0)
        return fail(error, SIM_SLICE_ERROR_CAPACITY,
                    "link %s (%s -> %s): the NRPs reserve the whole rate; hard isolation leaves "
                    "nothing for the traffic outside slices",
                    sim_link_name(link), sim_node_name(sim_iface_node(ifc)),
                    sim_node_name(sim_iface_node(sim_iface_peer(ifc))));
      uint64_t frame = frame_bytes(ifc);
      uint32_t quanta[64];
      uint64_t wmin = UINT64_MAX;
      for (uint32_t c = 0; c <= n; c++) {
        uint64_t w = c ? res[c - 1] : rest;
        if (w > 0 && w < wmin)
          wmin = w;
      }
      for (uint32_t c = 0; c <= n; c++) {
        uint64_t w = c ? res[c - 1] : rest;
        double q = w > 0 ? (double)frame * (double)w / (double)wmin : (double)frame;
        quanta[c] = (uint32_t)MIN(q, (double)(1u << 24));
        if (quanta[c] < frame)
          quanta[c] = (uint32_t)frame;
      }
      SimQdisc *q = sim_qos_drr_new(n + 1, quanta);
      for (uint32_t c = 0; c <= n; c++) {
        uint32_t qp = c ? ((SimNrp *)sl->nrps->pdata[c - 1])->cfg.queue_packets
                        : sl->cfg.default_queue_packets;
        SimQdisc *child = sim_qdisc_droptail_new(qp, 0);
        uint64_t prio = c ? ((SimNrp *)sl->nrps->pdata[c - 1])->cfg.priority_dscp : 0;
        if (prio) {
          /* hierarchical: strict priority by outer DSCP inside the NRP's class */
          sim_qdisc_free(child);
          child = sim_qos_prio_new(2);
          sim_qos_sched_set_child(child, 0, sim_qdisc_droptail_new(qp, 0));
          sim_qos_sched_set_child(child, 1, sim_qdisc_droptail_new(qp, 0));
          SimClassifier *cl = sim_classifier_new(1);
          SimClassifierRule rule;
          memset(&rule, 0, sizeof rule);
          rule.fields = SIM_CLASSIFIER_DSCP;
          rule.dscp_set = prio;
          rule.klass = 0;
          sim_classifier_add_rule(cl, &rule);
          sim_qos_sched_set_classifier(child, cl);
          sim_qos_sched_set_class_name(child, 0, "priority");
          sim_qos_sched_set_class_name(child, 1, "rest");
        }
        uint64_t r = c ? res[c - 1] : rest;
        if (sl->cfg.isolation == SIM_NRP_ISOLATION_HARD && r > 0) {
          uint64_t burst = sl->cfg.hard_burst ? sl->cfg.hard_burst : 2 * frame;
          child = sim_qdisc_shaper_new(r, MAX(burst, frame), child);
        }
        sim_qos_sched_set_child(q, c, child);
        sim_qos_sched_set_class_name(q, c, c ? ((SimNrp *)sl->nrps->pdata[c - 1])->name : "-");
      }
      sim_qos_sched_set_classify_func(q, classify,
                                      sim_iface_is_ethernet(ifc) ? &sl->cd_eth : &sl->cd_p2p);
      sim_iface_set_qdisc(ifc, q);
    }
  }
  return TRUE;
}

/* ---- paths ----------------------------------------------------------------------------------- */

typedef struct {
  uint64_t d;
  uint32_t n;
} HeapItem;

static void
heap_push(GArray *h, uint64_t d, uint32_t n)
{
  HeapItem it = { d, n };
  g_array_append_val(h, it);
  HeapItem *a = (HeapItem *)(void *)h->data;
  guint i = h->len - 1;
  while (i > 0) {
    guint p = (i - 1) / 2;
    if (a[p].d < a[i].d || (a[p].d == a[i].d && a[p].n <= a[i].n))
      break;
    HeapItem t = a[p];
    a[p] = a[i];
    a[i] = t;
    i = p;
  }
}

static HeapItem
heap_pop(GArray *h)
{
  HeapItem *a = (HeapItem *)(void *)h->data;
  HeapItem top = a[0];
  a[0] = a[h->len - 1];
  g_array_set_size(h, h->len - 1);
  a = (HeapItem *)(void *)h->data;
  guint i = 0, n = h->len;
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && (a[l].d < a[m].d || (a[l].d == a[m].d && a[l].n < a[m].n)))
      m = l;
    if (r < n && (a[r].d < a[m].d || (a[r].d == a[m].d && a[r].n < a[m].n)))
      m = r;
    if (m == i)
      break;
    HeapItem t = a[m];
    a[m] = a[i];
    a[i] = t;
    i = m;
  }
  return top;
}

static uint64_t
link_cost(const SimSlicing *sl, const SimNrp *nrp, const SimLink *link, const LinkAttr *a)
{
  switch (nrp->cfg.metric) {
  case SIM_NRP_METRIC_DELAY:
    return (uint64_t)sim_link_config(link)->delay;
  case SIM_NRP_METRIC_TE:
    return a->te_metric ? a->te_metric : a->metric;
  default:
    (void)sl;
    return a->metric;
  }
}

/* Among equal-cost next hops of node @v, the one towards node @u replaces
 * the current @cur when its hash is lower: a fixed, pseudo-random choice
 * per node, so that neighbours spread over the alternatives. */
static gboolean
tie_wins(uint32_t v, uint32_t u, const SimIface *cur)
{
  uint32_t c = sim_node_index(sim_iface_node(sim_iface_peer(cur)));
  return mix64((uint64_t)v << 32 | u) < mix64((uint64_t)v << 32 | c);
}

/* Shortest-path tree towards @root over the links @nrp may use; stops
 * once every node of @need (node indices, @n_need) is settled. Results in
 * sl->dist / sl->parent for nodes with stamp == sl->cur. */
static void
tree(SimSlicing *sl, const SimNrp *nrp, SimNode *root, const uint32_t *need, guint n_need)
{
  sl->cur++;
  uint32_t cur = sl->cur;
  uint32_t nn = sim_net_n_nodes(sl->net);
  g_autofree uint8_t *want = NULL;
  guint left = n_need;
  if (n_need) {
    want = g_new0(uint8_t, nn);
    for (guint i = 0; i < n_need; i++) {
      if (want[need[i]])
        left--;
      want[need[i]] = 1;
    }
  }
  GArray *h = g_array_new(FALSE, FALSE, sizeof(HeapItem));
  uint32_t r = sim_node_index(root);
  sl->stamp[r] = cur;
  sl->dist[r] = 0;
  sl->parent[r] = NULL;
  heap_push(h, 0, r);
  g_autofree uint8_t *done = g_new0(uint8_t, nn);
  while (h->len) {
    HeapItem it = heap_pop(h);
    if (done[it.n] || it.d != sl->dist[it.n])
      continue;
    done[it.n] = 1;
    if (want && want[it.n] && --left == 0)
      break;
    SimNode *u = sim_net_node(sl->net, it.n);
    if (it.n != r && (!sim_node_is_forwarding(u) || sim_node_is_switch(u)))
      continue; /* no transit through hosts */
    for (uint32_t f = 0; f < sim_node_n_ifaces(u); f++) {
      SimIface *ifc = sim_node_iface(u, f);
      if (sim_iface_is_multiaccess(ifc))
        continue;
      SimLink *link = sim_iface_link(ifc);
      if (!sim_link_is_up(link))
        continue;
      const LinkAttr *a = link_attr(sl, sim_link_index(link));
      if (!nrp_allows(nrp, a->affinity))
        continue;
      SimIface *back = sim_iface_peer(ifc);
      uint32_t v = sim_node_index(sim_iface_node(back));
      uint64_t d = it.d + link_cost(sl, nrp, link, a);
      if (sl->stamp[v] != cur || d < sl->dist[v]) {
        sl->stamp[v] = cur;
        sl->dist[v] = d;
        sl->parent[v] = back; /* v's interface towards the root */
        heap_push(h, d, v);
      } else if (d == sl->dist[v] && !done[v] && tie_wins(v, it.n, sl->parent[v])) {
        /* equal cost: the nodes spread over their equal-cost next hops
         * (a dual-homed data centre receives on both links) instead of
         * all taking the first one found */
        sl->parent[v] = back;
      }
    }
  }
  /* nodes found but not settled keep a tentative parent: invalidate */
  for (uint32_t i = 0; i < nn; i++)
    if (sl->stamp[i] == cur && !done[i])
      sl->stamp[i] = cur - 1;
  g_array_unref(h);
}

static SimIp6Addr
nrp_block(const SimSlicing *sl, const SimNrp *nrp)
{
  SimIp6Addr a = sl->cfg.usid_block.addr;
  if (sl->cfg.selector == SIM_NRP_SELECT_LOCATOR)
    a.b[sl->cfg.usid_block.len / 8 - 1] = (uint8_t)(nrp->index + 1);
  return a;
}

static void
put_usid(SimIp6Addr *a, unsigned bit, uint16_t v)
{
  a->b[bit / 8] = (uint8_t)(v >> 8);
  a->b[bit / 8 + 1] = (uint8_t)v;
}

static SimSrv6 *
srv6_at(SimNode *node)
{
  SimIp6 *ip = sim_ip6_of(node);
  SimSrv6 *sr = sim_srv6_of(ip);
  return sr ? sr : sim_srv6_install(ip);
}

static gboolean
add_usid_sid(SimSlicing *sl, SimNode *node, const SimIp6Addr *blk, uint16_t usid,
             const char *behaviour, SimIface *out, GError **error)
{
  unsigned bl = sl->cfg.usid_block.len;
  g_autofree char *key = g_strdup_printf("%u/%04x/%02x%02x%02x", sim_node_index(node), usid,
                                         blk->b[bl / 8 - 3 + 0], blk->b[bl / 8 - 2],
                                         blk->b[bl / 8 - 1]);
  if (g_hash_table_contains(sl->made, key))
    return TRUE;
  SimSrv6SidConfig c;
  sim_srv6_sid_config_init(&c);
  c.sid.addr = *blk;
  put_usid(&c.sid.addr, bl, usid);
  c.sid.len = (uint8_t)(bl + 16);
  c.behaviour = behaviour;
  c.out = out;
  if (strcmp(behaviour, "End.DT6") != 0) {
    c.flavours = SIM_SRV6_NEXT_CSID;
    c.lbl = (uint8_t)bl;
    c.lnfl = 16;
  }
  GError *e = NULL;
  if (!sim_srv6_add_sid(srv6_at(node), &c, &e)) {
    g_propagate_prefixed_error(error, e, "slicing: ");
    return FALSE;
  }
  g_hash_table_add(sl->made, g_steal_pointer(&key));
  return TRUE;
}

/* The endpoint's node uSID (allocated on first use) with its End and
 * End.DT6 SIDs in @blk, routed to it. */
static gboolean
endpoint_usid(SimSlicing *sl, SimNode *e, const SimIp6Addr *blk, uint16_t *out, GError **error)
{
  gpointer v = g_hash_table_lookup(sl->gib, GUINT_TO_POINTER(sim_node_index(e) + 1));
  if (!v) {
    if (sl->next_gib >= USID_GIB_MAX)
      return fail(error, SIM_SLICE_ERROR_INVALID,
                  "slicing: more than %u endpoints: the node uSIDs of the block are used up",
                  USID_GIB_MAX);
    v = GUINT_TO_POINTER(++sl->next_gib);
    g_hash_table_insert(sl->gib, GUINT_TO_POINTER(sim_node_index(e) + 1), v);
  }
  *out = (uint16_t)GPOINTER_TO_UINT(v);
  unsigned bl = sl->cfg.usid_block.len;
  g_autofree char *key = g_strdup_printf("%u/node/%02x%02x%02x", sim_node_index(e),
                                         blk->b[bl / 8 - 3], blk->b[bl / 8 - 2],
                                         blk->b[bl / 8 - 1]);
  if (!g_hash_table_contains(sl->made, key)) {
    SimIp6Prefix pfx = { *blk, (uint8_t)(bl + 16) };
    put_usid(&pfx.addr, bl, *out);
    if (sl->routing && !sim_routing_add_prefix(sl->routing, &pfx, e)) {
      char buf[SIM_IP6_PREFIX_STRLEN];
      return fail(error, SIM_SLICE_ERROR_INVALID,
                  "slicing: uSID prefix %s of %s belongs to another node (does usid_block "
                  "overlap [srv6] usid_block or a locator?)",
                  sim_ip6_prefix_format(&pfx, buf), sim_node_name(e));
    }
    g_hash_table_add(sl->made, g_steal_pointer(&key));
  }
  return add_usid_sid(sl, e, blk, *out, "End", NULL, error) &&
         add_usid_sid(sl, e, blk, USID_DT6, "End.DT6", NULL, error);
}

/* Does the IGP route from @u towards @target leave through the tree's
 * interface, all the way to the root? (memoised per tree) */
static gboolean
igp_follows(SimSlicing *sl, SimNode *u, SimNode *root, const SimIp6Addr *target, gboolean ecmp)
{
  /* walk up until a memoised node or the root, then fill in backwards */
  GPtrArray *walk = sl->walk;
  g_ptr_array_set_size(walk, 0);
  gboolean ok = TRUE;
  SimNode *x = u;
  for (;;) {
    uint32_t i = sim_node_index(x);
    if (x == root) {
      ok = TRUE;
      break;
    }
    if (sl->memo_stamp[i] == sl->cur) {
      ok = sl->memo[i];
      break;
    }
    g_ptr_array_add(walk, x);
    x = sim_iface_node(sim_iface_peer(sl->parent[i]));
  }
  for (guint k = walk->len; k-- > 0;) {
    SimNode *y = walk->pdata[k];
    uint32_t i = sim_node_index(y);
    if (ok) {
      gboolean local = FALSE;
      SimIface *o = ecmp ? NULL : sim_ip6_route_lookup(sim_ip6_of(y), target, 0, &local);
      ok = o == sl->parent[i];
    }
    sl->memo_stamp[i] = sl->cur;
    sl->memo[i] = (uint8_t)ok;
  }
  return walk->len ? sl->memo[sim_node_index(u)] : ok;
}

static int
cmp_construct(const void *a, const void *b)
{
  const Construct *x = a, *y = b;
  /* slices with a DSCP first, so that a slice matching any DSCP takes
   * only the rest at a shared headend */
  int dx = x->slice->cfg.dscp < 0, dy = y->slice->cfg.dscp < 0;
  if (dx != dy)
    return dx - dy;
  guint kx = ((SimNrp *)x->slice->cfg.nrp)->index, ky = ((SimNrp *)y->slice->cfg.nrp)->index;
  if (kx != ky)
    return kx < ky ? -1 : 1;
  uint32_t ex = sim_node_index(sim_flow_dst(x->flow)), ey = sim_node_index(sim_flow_dst(y->flow));
  if (ex != ey)
    return ex < ey ? -1 : 1;
  uint64_t fx = sim_flow_id(x->flow), fy = sim_flow_id(y->flow);
  return fx < fy ? -1 : fx > fy;
}

/* Bytes the headend adds: outer header, Hop-by-Hop NRP option, SRH for
 * @n_containers > 1 (H.Encaps.Red leaves the first out). */
static uint32_t
encap_overhead(const SimSlicing *sl, unsigned n_containers)
{
  uint32_t o = SIM_IP6_HEADER_LEN;
  if (sl->cfg.selector == SIM_NRP_SELECT_HBH)
    o += 8;
  if (n_containers > 1)
    o += (uint32_t)sim_srh_size(n_containers - 1, FALSE);
  return o;
}

static gboolean
program(SimSlicing *sl, Construct *cs, guint n_cs, GError **error)
{
  gboolean ecmp = FALSE;
  if (sl->routing) {
    /* the IGP's equal-cost split is per flow hash: only strict paths are
     * certain then */
    ecmp = sim_routing_uses_ecmp(sl->routing);
  }
  unsigned bl = sl->cfg.usid_block.len;
  unsigned per = (128 - bl) / 16;
  sl->paths = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  for (guint g = 0; g < n_cs;) {
    /* a group: same NRP and endpoint (the DSCP split aside) */
    Construct *c0 = &cs[g];
    SimNrp *nrp = c0->slice->cfg.nrp;
    SimNode *e = sim_flow_dst(c0->flow);
    guint ge = g;
    while (ge < n_cs && cs[ge].slice->cfg.nrp == nrp && sim_flow_dst(cs[ge].flow) == e &&
           (cs[ge].slice->cfg.dscp < 0) == (c0->slice->cfg.dscp < 0))
      ge++;
    g_autofree uint32_t *need = g_new(uint32_t, ge - g);
    for (guint i = g; i < ge; i++)
      need[i - g] = sim_node_index(sim_flow_src(cs[i].flow));
    tree(sl, nrp, e, need, ge - g);
    SimIp6Addr blk = nrp_block(sl, nrp);
    uint16_t gib = 0;
    if (!endpoint_usid(sl, e, &blk, &gib, error))
      return FALSE;
    SimIp6Addr target = blk;
    put_usid(&target, bl, gib);
    put_usid(&target, bl + 16, USID_DT6);
    for (guint i = g; i < ge; i++) {
      Construct *c = &cs[i];
      SimNode *h = sim_flow_src(c->flow);
      uint32_t hi = sim_node_index(h);
      c->path_off = sl->paths->len;
      c->path_len = 0;
      if (sl->stamp[hi] != sl->cur) {
        refuse(c->slice, "no path from %s to %s in NRP %s", sim_node_name(h), sim_node_name(e),
               nrp->name);
        continue;
      }
      /* the path, and where the IGP takes over */
      uint16_t usids[256];
      unsigned nu = 0;
      SimTime lat = 0;
      uint32_t size = sim_flow_config(c->flow)->size + 8 + SIM_IP6_HEADER_LEN;
      gboolean loose = FALSE;
      for (SimNode *u = h; u != e;) {
        SimIface *o = sl->parent[sim_node_index(u)];
        if (!loose && igp_follows(sl, u, e, &target, ecmp))
          loose = TRUE;
        if (!loose) {
          if (sim_iface_index(o) > USID_ADJ_MAX - USID_ADJ_BASE || nu >= G_N_ELEMENTS(usids) - 2)
            return fail(error, SIM_SLICE_ERROR_INVALID,
                        "slicing: path from %s to %s too long to encode", sim_node_name(h),
                        sim_node_name(e));
          usids[nu++] = (uint16_t)(USID_ADJ_BASE + sim_iface_index(o));
          if (!add_usid_sid(sl, u, &blk, usids[nu - 1], "End.X", o, error))
            return FALSE;
        }
        uint32_t id = iface_id(o);
        g_array_append_val(sl->paths, id);
        c->path_len++;
        u = sim_iface_node(sim_iface_peer(o));
      }
      if (loose)
        usids[nu++] = gib;
      usids[nu++] = USID_DT6;
      unsigned nc = (nu + per - 1) / per;
      /* unloaded latency: propagation + serialisation at every hop */
      uint32_t pkt = size + encap_overhead(sl, nc);
      for (guint k = 0; k < c->path_len; k++) {
        uint32_t id = g_array_index(sl->paths, uint32_t, c->path_off + k);
        SimLink *link = sim_net_link(sl->net, id / 2);
        const SimLinkConfig *lc = sim_link_config(link);
        uint64_t bits = 8ull * (pkt + sim_framing_overhead(lc->framing));
        lat += lc->delay + (SimTime)((bits * 1000000000000ull + lc->rate_bps - 1) / lc->rate_bps);
      }
      if (lat > c->slice->path_latency)
        c->slice->path_latency = lat;
      if (c->slice->cfg.latency > 0 && lat > c->slice->cfg.latency) {
        char b1[SIM_TIME_FORMAT_SIZE], b2[SIM_TIME_FORMAT_SIZE];
        refuse(c->slice, "path %s -> %s in NRP %s: unloaded latency %s exceeds %s",
               sim_node_name(h), sim_node_name(e), nrp->name, sim_time_format(lat, b1),
               sim_time_format(c->slice->cfg.latency, b2));
      }
      /* the policy of (headend, NRP, endpoint) */
      SimIp6 *dip = sim_ip6_of(e);
      const SimIp6Addr *ep = sim_flow_dst_address(c->flow);
      if (!ep)
        ep = sim_ip6_primary_address(dip);
      gint64 pk = (gint64)((uint64_t)hi << 34 | (uint64_t)nrp->index << 28 | sim_node_index(e));
      SimSrv6Policy *pol = g_hash_table_lookup(sl->policies, &pk);
      SimSrv6 *sr = srv6_at(h);
      if (!pol) {
        SimSrv6HeadendConfig hc;
        sim_srv6_headend_config_init(&hc);
        hc.mode = SIM_SRV6_H_ENCAPS_RED;
        switch (sl->cfg.selector) {
        case SIM_NRP_SELECT_HBH:
          hc.nrp_option = sl->cfg.nrp_option;
          hc.nrp_id = nrp->cfg.id;
          break;
        case SIM_NRP_SELECT_DSCP:
          hc.dscp = nrp->cfg.dscp;
          break;
        case SIM_NRP_SELECT_FLOW_LABEL:
          hc.flow_label_tag_bits = sl->cfg.flow_label_bits;
          hc.flow_label_tag = nrp->index + 1;
          break;
        default:
          break;
        }
        g_autofree char *name = g_strdup_printf("nrp-%s:%s-%s", nrp->name, sim_node_name(h),
                                                sim_node_name(e));
        pol = sim_srv6_policy_new(sr, name, nrp->cfg.id, ep, &hc, error);
        if (!pol)
          return FALSE;
        SimIp6Addr segs[64];
        if (nc > G_N_ELEMENTS(segs))
          return fail(error, SIM_SLICE_ERROR_INVALID, "slicing: path from %s to %s too long",
                      sim_node_name(h), sim_node_name(e));
        for (unsigned s = 0; s < nc; s++) {
          segs[s] = blk;
          for (unsigned k = 0; k < per && s * per + k < nu; k++)
            put_usid(&segs[s], bl + 16 * k, usids[s * per + k]);
        }
        if (!sim_srv6_policy_add_segment_list(pol, 100, segs, nc, 1, error))
          return FALSE;
        g_hash_table_insert(sl->policies, g_memdup2(&pk, sizeof pk), pol);
      }
      /* steering of the slice's packets into it */
      SteerKey sk = { hi, c->slice->cfg.dscp, *ep };
      SimSlice *owner = g_hash_table_lookup(sl->steers, &sk);
      char abuf[SIM_IP6_ADDR_STRLEN];
      if (owner && owner->cfg.nrp != c->slice->cfg.nrp && sim_ip6_addr_format(ep, abuf))
        return fail(error, SIM_SLICE_ERROR_INVALID,
                    "slices %s and %s: both take packets from %s to %s%s but use different "
                    "NRPs (give them different DSCPs)",
                    owner->name, c->slice->name, sim_node_name(h), abuf,
                    c->slice->cfg.dscp < 0 ? " with any DSCP" : " with the same DSCP");
      if (!owner) {
        SimIp6Prefix pfx = { *ep, 128 };
        SimSrv6Match m;
        sim_srv6_match_init(&m);
        m.dscp = c->slice->cfg.dscp;
        if (!sim_srv6_steer(sr, SIM_IP6_TABLE_MAIN, &pfx, m.dscp >= 0 ? &m : NULL, pol, NULL,
                            NULL, error))
          return FALSE;
        g_hash_table_insert(sl->steers, g_memdup2(&sk, sizeof sk), c->slice);
        sl->steer_rules[hi]++;
      }
    }
    g = ge;
  }
  return TRUE;
}

gboolean
sim_slicing_setup(SimSlicing *sl, GError **error)
{
  g_return_val_if_fail(sl != NULL, FALSE);
  if (sl->set_up)
    return fail(error, SIM_SLICE_ERROR_INVALID, "slicing is set up already");
  sl->set_up = TRUE;
  link_attr(sl, 0);
  uint32_t nn = sim_net_n_nodes(sl->net), n = sl->nrps->len;
  if (n == 0)
    return fail(error, SIM_SLICE_ERROR_INVALID, "slicing without NRPs");
  if (!install_queues(sl, error))
    return FALSE;
  sl->dist = g_new(uint64_t, nn);
  sl->parent = g_new(SimIface *, nn);
  sl->stamp = g_new0(uint32_t, nn);
  sl->memo_stamp = g_new0(uint32_t, nn);
  sl->memo = g_new0(uint8_t, nn);
  sl->steer_rules = g_new0(uint32_t, nn);
  sl->cur = 1;
  guint total = 0;
  for (guint i = 0; i < sl->slices->len; i++)
    total += ((SimSlice *)sl->slices->pdata[i])->flows->len;
  Construct *cs = g_new0(Construct, total + 1);
  guint k = 0;
  for (guint i = 0; i < sl->slices->len; i++) {
    SimSlice *s = sl->slices->pdata[i];
    for (guint j = 0; j < s->flows->len; j++) {
      cs[k].slice = s;
      cs[k].flow = s->flows->pdata[j];
      k++;
    }
  }
  qsort(cs, total, sizeof *cs, cmp_construct);
  gboolean ok = program(sl, cs, total, error);
  /* admission: guaranteed bandwidth against the reservations */
  if (ok) {
    size_t cells = (size_t)2 * sim_net_n_links(sl->net) * n;
    sl->demand = g_new0(uint64_t, cells + 1);
    for (guint i = 0; i < total; i++) {
      uint64_t bw = cs[i].slice->cfg.bandwidth_bps;
      guint kk = ((SimNrp *)cs[i].slice->cfg.nrp)->index;
      for (guint p = 0; p < cs[i].path_len; p++)
        sl->demand[(size_t)g_array_index(sl->paths, uint32_t, cs[i].path_off + p) * n + kk] += bw;
    }
    for (guint i = 0; i < total; i++) {
      Construct *c = &cs[i];
      guint kk = ((SimNrp *)c->slice->cfg.nrp)->index;
      if (c->slice->cfg.bandwidth_bps == 0)
        continue;
      for (guint p = 0; p < c->path_len; p++) {
        uint32_t id = g_array_index(sl->paths, uint32_t, c->path_off + p);
        size_t cell = (size_t)id * n + kk;
        if (sl->demand[cell] > sl->reserved[cell]) {
          SimLink *link = sim_net_link(sl->net, id / 2);
          SimIface *ifc = sim_link_end(link, id % 2);
          refuse(c->slice,
                 "link %s (%s -> %s): NRP %s reserves %" G_GUINT64_FORMAT
                 " bit/s, its slices need %" G_GUINT64_FORMAT " bit/s",
                 sim_link_name(link), sim_node_name(sim_iface_node(ifc)),
                 sim_node_name(sim_iface_node(sim_iface_peer(ifc))),
                 ((SimNrp *)c->slice->cfg.nrp)->name, sl->reserved[cell], sl->demand[cell]);
          break;
        }
      }
    }
  }
  g_free(cs);
  /* the scratch arrays are for setup only */
  g_clear_pointer(&sl->dist, g_free);
  g_clear_pointer(&sl->parent, g_free);
  g_clear_pointer(&sl->stamp, g_free);
  g_clear_pointer(&sl->memo_stamp, g_free);
  g_clear_pointer(&sl->memo, g_free);
  return ok;
}

/* ---- results --------------------------------------------------------------------------------- */

void
sim_slice_report(const SimSlice *slice, SimSliceReport *out)
{
  memset(out, 0, sizeof *out);
  for (guint i = 0; i < slice->flows->len; i++) {
    SimFlow *f = slice->flows->pdata[i];
    const SimFlowStats *st = sim_flow_stats(f);
    out->tx_packets += st->tx_packets;
    out->tx_bytes += st->tx_bytes;
    out->rx_packets += st->rx_packets;
    out->rx_bytes += st->rx_bytes;
    out->dropped += sim_flow_drops(f);
    out->rx_within_bound += st->rx_within_bound;
    if (!out->delay)
      out->delay = sim_histogram_new(sim_histogram_precision(st->delay));
    sim_histogram_merge(out->delay, st->delay);
    if (st->rx_packets > 1 && st->jitter_ps > out->jitter_max_ps)
      out->jitter_max_ps = st->jitter_ps;
  }
  if (!out->delay)
    out->delay = sim_histogram_new(7);
  uint64_t settled = out->rx_packets + out->dropped;
  gboolean met = TRUE;
  if (slice->cfg.latency > 0)
    met = met && settled > 0 &&
          (double)out->rx_within_bound >= slice->cfg.latency_quantile * (double)settled - 1e-9;
  if (settled > 0)
    met = met && (double)out->dropped <= slice->cfg.loss * (double)settled + 1e-9;
  if (slice->cfg.jitter > 0)
    met = met && out->jitter_max_ps <= (double)slice->cfg.jitter;
  out->sla_met = met;
}

static void
add_us(SimCsvWriter *w, double ps)
{
  sim_csv_writer_add_double(w, isnan(ps) ? NAN : ps * 1e-6, 12);
}

static gboolean
write_slices(SimSlicing *sl, const char *dir, GError **error)
{
  static const char *const cols[] = {
    "slice", "nrp", "flows", "admitted", "admission", "bandwidth_bps", "latency_bound_us",
    "latency_quantile", "loss_bound", "jitter_bound_us", "path_latency_us", "tx_packets",
    "rx_packets", "dropped", "offered_bits", "delivered_bits", "loss_ratio", "delay_p50_us",
    "delay_p99_us", "delay_p99999_us", "delay_max_us", "jitter_max_us", "within_bound_pct",
    "sla_met", NULL
  };
  g_autofree char *path = g_build_filename(dir, "slices.csv", NULL);
  SimCsvWriter *w = sim_csv_writer_open(path, cols, error);
  if (!w)
    return FALSE;
  for (guint i = 0; i < sl->slices->len; i++) {
    SimSlice *s = sl->slices->pdata[i];
    SimSliceReport r;
    sim_slice_report(s, &r);
    uint64_t settled = r.rx_packets + r.dropped;
    sim_csv_writer_add_string(w, s->name);
    sim_csv_writer_add_string(w, ((SimNrp *)s->cfg.nrp)->name);
    sim_csv_writer_add_uint(w, s->flows->len);
    sim_csv_writer_add_string(w, s->admitted ? "yes" : "no");
    sim_csv_writer_add_string(w, s->reason ? s->reason : "");
    sim_csv_writer_add_uint(w, s->cfg.bandwidth_bps);
    if (s->cfg.latency > 0)
      add_us(w, (double)s->cfg.latency);
    else
      sim_csv_writer_add_empty(w);
    sim_csv_writer_add_double(w, s->cfg.latency_quantile, 9);
    sim_csv_writer_add_double(w, s->cfg.loss, 9);
    if (s->cfg.jitter > 0)
      add_us(w, (double)s->cfg.jitter);
    else
      sim_csv_writer_add_empty(w);
    add_us(w, (double)s->path_latency);
    sim_csv_writer_add_uint(w, r.tx_packets);
    sim_csv_writer_add_uint(w, r.rx_packets);
    sim_csv_writer_add_uint(w, r.dropped);
    sim_csv_writer_add_uint(w, 8 * r.tx_bytes);
    sim_csv_writer_add_uint(w, 8 * r.rx_bytes);
    sim_csv_writer_add_double(w, settled ? (double)r.dropped / (double)settled : NAN, 9);
    add_us(w, sim_histogram_quantile(r.delay, 0.5));
    add_us(w, sim_histogram_quantile(r.delay, 0.99));
    add_us(w, sim_histogram_quantile(r.delay, 0.99999));
    add_us(w, r.rx_packets ? (double)sim_histogram_max(r.delay) : NAN);
    add_us(w, r.rx_packets > 1 ? r.jitter_max_ps : NAN);
    if (s->cfg.latency > 0 && settled)
      sim_csv_writer_add_double(w, 100.0 * (double)r.rx_within_bound / (double)settled, 9);
    else
      sim_csv_writer_add_empty(w);
    sim_csv_writer_add_string(w, r.sla_met ? "yes" : "no");
    sim_csv_writer_end_row(w);
    sim_histogram_free(r.delay);
  }
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_links(SimSlicing *sl, const char *dir, SimSliceLinkReport which, GError **error)
{
  static const char *const cols[] = { "link", "node", "iface", "peer", "nrp", "reserved_bps",
                                      "sent_packets", "sent_bytes", "drops",
                                      "reservation_utilisation", "link_utilisation", NULL };
  g_autofree char *path = g_build_filename(dir, "nrp_links.csv", NULL);
  SimCsvWriter *w = sim_csv_writer_open(path, cols, error);
  if (!w)
    return FALSE;
  double t = sim_time_to_seconds(sim_now(sim_net_context(sl->net)));
  uint32_t n = sl->nrps->len;
  for (uint32_t l = 0; l < sim_net_n_links(sl->net); l++) {
    SimLink *link = sim_net_link(sl->net, l);
    for (unsigned end = 0; end < 2; end++) {
      SimIface *ifc = sim_link_end(link, end);
      if (sim_iface_is_multiaccess(ifc))
        continue;
      SimQdisc *q = sim_iface_qdisc(ifc);
      gboolean ours = sim_qos_sched_is(q) && sim_qos_sched_n_classes(q) == n + 1;
      for (uint32_t c = 0; c <= n; c++) {
        uint64_t res = c ? sl->reserved[((size_t)2 * l + end) * n + c - 1] : 0;
        if (c == 0) {
          uint64_t sum = 0;
          for (uint32_t k = 0; k < n; k++)
            sum += sl->reserved[((size_t)2 * l + end) * n + k];
          res = sim_iface_rate(ifc) - sum;
        }
        SimQosClassStats st;
        memset(&st, 0, sizeof st);
        if (ours)
          sim_qos_sched_get_stats(q, c, &st);
        uint64_t drops = st.child_drops;
        for (int d = 0; d < SIM_DROP_N; d++)
          drops += st.drops[d];
        if (which == SIM_SLICE_LINKS_USED && st.sent_packets == 0 && drops == 0)
          continue;
        if (which == SIM_SLICE_LINKS_ALL && res == 0 && st.sent_packets == 0)
          continue;
        sim_csv_writer_add_string(w, sim_link_name(link));
        sim_csv_writer_add_string(w, sim_node_name(sim_iface_node(ifc)));
        sim_csv_writer_add_string(w, sim_iface_name(ifc));
        sim_csv_writer_add_string(w, sim_node_name(sim_iface_node(sim_iface_peer(ifc))));
        sim_csv_writer_add_string(w, c ? ((SimNrp *)sl->nrps->pdata[c - 1])->name : "-");
        sim_csv_writer_add_uint(w, res);
        sim_csv_writer_add_uint(w, st.sent_packets);
        sim_csv_writer_add_uint(w, st.sent_bytes);
        sim_csv_writer_add_uint(w, drops);
        double bits = 8.0 * (double)st.sent_bytes;
        sim_csv_writer_add_double(w, res && t > 0 ? bits / ((double)res * t) : NAN, 9);
        sim_csv_writer_add_double(w, t > 0 ? bits / ((double)sim_iface_rate(ifc) * t) : NAN, 9);
        sim_csv_writer_end_row(w);
      }
    }
  }
  return sim_csv_writer_commit(w, error);
}

static gboolean
write_state(SimSlicing *sl, const char *dir, GError **error)
{
  static const char *const cols[] = { "node", "fib_entries", "local_sids", "policies",
                                      "steering_rules", "nrp_queues", NULL };
  g_autofree char *path = g_build_filename(dir, "state.csv", NULL);
  SimCsvWriter *w = sim_csv_writer_open(path, cols, error);
  if (!w)
    return FALSE;
  uint32_t n = sl->nrps->len;
  for (uint32_t i = 0; i < sim_net_n_nodes(sl->net); i++) {
    SimNode *node = sim_net_node(sl->net, i);
    SimIp6 *ip = sim_ip6_of(node);
    if (!ip)
      continue;
    SimSrv6 *sr = sim_srv6_of(ip);
    uint64_t queues = 0;
    for (uint32_t f = 0; f < sim_node_n_ifaces(node); f++) {
      SimQdisc *q = sim_iface_qdisc(sim_node_iface(node, f));
      if (sim_qos_sched_is(q) && sim_qos_sched_n_classes(q) == n + 1)
        queues += n;
    }
    sim_csv_writer_add_string(w, sim_node_name(node));
    sim_csv_writer_add_uint(w, sim_fib_size(sim_ip6_fib(ip)));
    sim_csv_writer_add_uint(w, sr ? sim_srv6_n_sids(sr) : 0);
    sim_csv_writer_add_uint(w, sr ? sim_srv6_n_policies(sr) : 0);
    sim_csv_writer_add_uint(w, sl->steer_rules ? sl->steer_rules[i] : 0);
    sim_csv_writer_add_uint(w, queues);
    sim_csv_writer_end_row(w);
  }
  return sim_csv_writer_commit(w, error);
}

gboolean
sim_slicing_write_results(SimSlicing *sl, const char *dir, SimSliceLinkReport links,
                          GError **error)
{
  g_return_val_if_fail(sl && sl->set_up, FALSE);
  return write_slices(sl, dir, error) &&
         (links == SIM_SLICE_LINKS_NONE || write_links(sl, dir, links, error)) &&
         write_state(sl, dir, error);
}
