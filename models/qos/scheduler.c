/* scheduler.c - strict priority, DRR and WFQ over child qdiscs.
 *
 * Every class owns a child qdisc and at most one "head" packet: the next
 * packet of the child, already dequeued from it but not yet sent (the
 * same trick as Linux's qdisc_peek_dequeued). DRR needs the head's size to
 * compare with the deficit and WFQ needs it for the finish tag, and the
 * qdisc interface has no peek. A class's backlog is therefore the child's
 * packets plus the head; the scheduler's n_packets/n_bytes is the sum, kept
 * up to date by measuring each class before and after every operation on
 * it (which also counts packets a child drops by itself).
 *
 * Invariants:
 *  - DRR: a class with backlog is on the active ring exactly once.
 *  - WFQ: a class with backlog is either in the heap (it has a head,
 *    keyed by the head's finish tag, ties by class index) or on the pending
 *    list (its child is not ready: a shaper); pending classes are retried
 *    at every dequeue.
 *  - A child that holds packets but returns none is skipped; next_ready
 *    returns the earliest next_ready of such children. When no child has a
 *    next_ready slot, next_ready is O(1).
 *
 * The tricky part is DRR's loop with children that are not ready: a class
 * at the head of the ring gets its quantum once per turn (granted); a
 * class that is not ready is moved to the tail keeping its turn, and the
 * loop ends with NULL once every active class in a row was not ready.
 */
#define G_LOG_DOMAIN "ipesim-qos"
#include "config.h"

#include "scheduler.h"
#include "simpacket-private.h"

#include "netscenario.h"
#include "qos-private.h"

#include <string.h>

#define NONE UINT32_MAX
#define WFQ_SHIFT 20 /* finish tags in bytes x 2^20 / weight */
#define MAX_CLASSES 1024u

typedef enum { KIND_PRIO, KIND_DRR, KIND_WFQ } Kind;

typedef struct {
  SimQdisc *child;
  SimPacket *head;     /* dequeued from the child, not yet sent */
  uint32_t limit;      /* packets, 0 = none */
  uint32_t quantum;    /* DRR: bytes per turn */
  int64_t deficit;     /* DRR */
  uint64_t inv_weight; /* WFQ: 2^WFQ_SHIFT / weight */
  uint64_t finish;     /* WFQ: finish tag of the head, or of the last packet */
  uint32_t next;       /* DRR ring / WFQ pending list */
  uint32_t heap_pos;   /* WFQ: index in the heap, NONE if not there */
  bool active;         /* DRR: on the ring; WFQ: on the pending list */
  bool granted;        /* DRR: got its quantum for this turn */
  SimQosClassStats st; /* backlog fields are filled in on read */
  const char *name;    /* interned, or NULL */
} Class;

typedef struct {
  SimQdisc base;
  Kind kind;
  uint32_t n;
  Class *cls;
  SimClassifier *classifier;
  SimQosClassifyFunc func;
  void *func_data;
  uint32_t n_shaped; /* children with a next_ready slot */
  /* DRR ring */
  uint32_t ring_head, ring_tail, n_active;
  /* WFQ */
  uint32_t *heap;
  uint32_t heap_n;
  uint32_t pend_head;
  uint64_t vtime;
} Sched;

static inline uint32_t
backlog(const Class *c)
{
  return c->child->n_packets + (c->head ? 1u : 0u);
}

static inline uint64_t
backlog_bytes(const Class *c)
{
  return c->child->n_bytes + (c->head ? sim__packet_length(c->head) : 0u);
}

static inline uint32_t
classify(const Sched *s, const SimPacket *p)
{
  uint32_t k;
  if (s->func)
    k = s->func(p, s->func_data);
  else if (s->classifier)
    k = sim_classifier_classify_frame(s->classifier, p, s->base.iface);
  else
    k = s->n - 1;
  return k < s->n ? k : s->n - 1;
}

/* Brings the scheduler's totals and the class's child-drop counter in
 * line after an operation on @c that held @n0 packets / @b0 bytes before;
 * @arrived is 1 if the operation was an arrival. */
static inline void
settle(Sched *s, Class *c, uint32_t n0, uint64_t b0, uint32_t arrived)
{
  uint32_t n1 = backlog(c);
  uint64_t b1 = backlog_bytes(c);
  c->st.child_drops += n0 + arrived - n1;
  s->base.n_packets = s->base.n_packets - n0 + n1;
  s->base.n_bytes = s->base.n_bytes - b0 + b1;
}

/* The head of @c, dequeued from its child if need be; NULL if the child
 * is empty or not ready. */
static inline SimPacket *
peek(Sched *s, Class *c, SimTime now)
{
  if (!c->head && c->child->n_packets) {
    uint32_t n0 = backlog(c);
    uint64_t b0 = backlog_bytes(c);
    c->head = c->child->klass->dequeue(c->child, now);
    if (c->head)
      sim__packet_set_next(c->head, NULL);
    settle(s, c, n0, b0, 0);
  }
  return c->head;
}

static inline SimPacket *
take(Sched *s, Class *c)
{
  SimPacket *p = c->head;
  size_t len = sim__packet_length(p);
  c->head = NULL;
  c->st.sent_packets++;
  c->st.sent_bytes += len;
  s->base.n_packets--;
  s->base.n_bytes -= len;
  return p;
}

/* Common arrival: classifies, applies the class limit, hands @p to the
 * child. Returns the class and its backlog before, or NULL if dropped. */
static Class *
arrive(Sched *s, SimPacket *p, SimTime now, uint32_t *before)
{
  Class *c = &s->cls[classify(s, p)];
  uint32_t n0 = backlog(c);
  if (c->limit && n0 >= c->limit) {
    c->st.drops[SIM_DROP_QUEUE_FULL]++;
    sim_qdisc_drop(&s->base, p, SIM_DROP_QUEUE_FULL);
    return NULL;
  }
  uint64_t b0 = backlog_bytes(c);
  c->st.enq_packets++;
  c->st.enq_bytes += sim__packet_length(p);
  c->child->iface = s->base.iface; /* child drops count at our interface */
  c->child->klass->enqueue(c->child, p, now);
  settle(s, c, n0, b0, 1);
  *before = n0;
  return c;
}

static SimTime
sched_next_ready(SimQdisc *q, SimTime now)
{
  Sched *s = (Sched *)q;
  if (q->n_packets == 0)
    return SIM_TIME_MAX;
  if (s->n_shaped == 0)
    return now;
  SimTime best = SIM_TIME_MAX;
  for (uint32_t i = 0; i < s->n; i++) {
    Class *c = &s->cls[i];
    if (c->head)
      return now;
    if (!c->child->n_packets)
      continue;
    SimTime t = c->child->klass->next_ready ? c->child->klass->next_ready(c->child, now) : now;
    if (t <= now)
      return now;
    if (t < best)
      best = t;
  }
  return best;
}

static void
sched_finalize(SimQdisc *q)
{
  Sched *s = (Sched *)q;
  for (uint32_t i = 0; i < s->n; i++) {
    if (s->cls[i].head)
      sim_packet_free(s->cls[i].head);
    sim_qdisc_free(s->cls[i].child);
  }
  g_free(s->cls);
  g_free(s->heap);
  sim_classifier_free(s->classifier);
}

/* ---- strict priority ------------------------------------------------------------------------- */

static void
prio_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  uint32_t n0;
  arrive((Sched *)q, p, now, &n0);
}

static SimPacket *
prio_dequeue(SimQdisc *q, SimTime now)
{
  Sched *s = (Sched *)q;
  if (q->n_packets == 0)
    return NULL;
  for (uint32_t i = 0; i < s->n; i++) {
    Class *c = &s->cls[i];
    if (backlog(c) && peek(s, c, now))
      return take(s, c);
  }
  return NULL;
}

const SimQdiscClass sim_qos_prio_class = {
  .name = "prio",
  .instance_size = sizeof(Sched),
  .enqueue = prio_enqueue,
  .dequeue = prio_dequeue,
  .next_ready = sched_next_ready,
  .finalize = sched_finalize,
};

/* ---- DRR ---------------------------------------------------------------------------------------- */

static void
ring_push(Sched *s, uint32_t i)
{
  s->cls[i].next = NONE;
  if (s->ring_tail != NONE)
    s->cls[s->ring_tail].next = i;
  else
    s->ring_head = i;
  s->ring_tail = i;
}

static uint32_t
ring_pop(Sched *s)
{
  uint32_t i = s->ring_head;
  s->ring_head = s->cls[i].next;
  if (s->ring_head == NONE)
    s->ring_tail = NONE;
  return i;
}

static void
drr_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  Sched *s = (Sched *)q;
  uint32_t n0;
  Class *c = arrive(s, p, now, &n0);
  if (c && !c->active && backlog(c)) {
    c->active = true;
    c->granted = false;
    c->deficit = 0;
    ring_push(s, (uint32_t)(c - s->cls));
    s->n_active++;
  }
}

static SimPacket *
drr_dequeue(SimQdisc *q, SimTime now)
{
  Sched *s = (Sched *)q;
  uint32_t skipped = 0;
  while (s->n_active) {
    uint32_t i = s->ring_head;
    Class *c = &s->cls[i];
    if (!c->granted) {
      c->deficit += c->quantum;
      c->granted = true;
    }
    SimPacket *p = peek(s, c, now);
    if (!p) {
      ring_pop(s);
      if (!backlog(c)) { /* the child dropped what it held */
        c->active = c->granted = false;
        c->deficit = 0;
        s->n_active--;
        continue;
      }
      ring_push(s, i); /* not ready: keeps its turn */
      if (++skipped >= s->n_active)
        return NULL;
      continue;
    }
    size_t len = sim__packet_length(p);
    if ((int64_t)len <= c->deficit) {
      c->deficit -= (int64_t)len;
      p = take(s, c);
      if (!backlog(c)) {
        ring_pop(s);
        c->active = c->granted = false;
        c->deficit = 0;
        s->n_active--;
      }
      return p;
    }
    c->granted = false; /* turn over: to the tail with the deficit left */
    ring_pop(s);
    ring_push(s, i);
    skipped = 0;
  }
  return NULL;
}

const SimQdiscClass sim_qos_drr_class = {
  .name = "drr",
  .instance_size = sizeof(Sched),
  .enqueue = drr_enqueue,
  .dequeue = drr_dequeue,
  .next_ready = sched_next_ready,
  .finalize = sched_finalize,
};

/* ---- WFQ ---------------------------------------------------------------------------------------- */

static inline bool
heap_less(const Sched *s, uint32_t a, uint32_t b)
{
  uint64_t fa = s->cls[a].finish, fb = s->cls[b].finish;
  return fa < fb || (fa == fb && a < b);
}

static inline void
heap_set(Sched *s, uint32_t pos, uint32_t i)
{
  s->heap[pos] = i;
  s->cls[i].heap_pos = pos;
}

static void
heap_push(Sched *s, uint32_t i)
{
  uint32_t pos = s->heap_n++;
  while (pos > 0) {
    uint32_t up = (pos - 1) / 2;
    if (!heap_less(s, i, s->heap[up]))
      break;
    heap_set(s, pos, s->heap[up]);
    pos = up;
  }
  heap_set(s, pos, i);
}

static uint32_t
heap_pop(Sched *s)
{
  uint32_t top = s->heap[0];
  s->cls[top].heap_pos = NONE;
  uint32_t last = s->heap[--s->heap_n];
  uint32_t pos = 0, n = s->heap_n;
  if (n == 0)
    return top;
  for (;;) {
    uint32_t l = 2 * pos + 1, m = pos;
    uint32_t best = last;
    if (l < n && heap_less(s, s->heap[l], best)) {
      best = s->heap[l];
      m = l;
    }
    if (l + 1 < n && heap_less(s, s->heap[l + 1], best))
      m = l + 1;
    if (m == pos)
      break;
    heap_set(s, pos, s->heap[m]);
    pos = m;
  }
  heap_set(s, pos, last);
  return top;
}

/* @c has a head: gives it its finish tag and puts it in the heap. */
static void
wfq_schedule(Sched *s, Class *c)
{
  uint64_t start = c->finish > s->vtime ? c->finish : s->vtime;
  c->finish = start + (uint64_t)sim__packet_length(c->head) * c->inv_weight;
  heap_push(s, (uint32_t)(c - s->cls));
}

/* Tries @c's child for a head; else puts @c on the pending list if it
 * still holds packets. */
static void
wfq_refill(Sched *s, Class *c, SimTime now)
{
  if (peek(s, c, now)) {
    wfq_schedule(s, c);
  } else if (backlog(c) && !c->active) {
    c->active = true;
    c->next = s->pend_head;
    s->pend_head = (uint32_t)(c - s->cls);
  }
}

static void
wfq_enqueue(SimQdisc *q, SimPacket *p, SimTime now)
{
  Sched *s = (Sched *)q;
  uint32_t n0;
  Class *c = arrive(s, p, now, &n0);
  if (c && n0 == 0 && c->heap_pos == NONE && !c->active)
    wfq_refill(s, c, now);
}

static SimPacket *
wfq_dequeue(SimQdisc *q, SimTime now)
{
  Sched *s = (Sched *)q;
  /* pending classes: children that were not ready */
  uint32_t *link = &s->pend_head;
  while (*link != NONE) {
    Class *c = &s->cls[*link];
    if (peek(s, c, now) || !backlog(c)) {
      *link = c->next;
      c->active = false;
      if (c->head)
        wfq_schedule(s, c);
    } else {
      link = &c->next;
    }
  }
  if (s->heap_n == 0)
    return NULL;
  Class *c = &s->cls[heap_pop(s)];
  s->vtime = c->finish; /* SCFQ: virtual time = tag of the packet in service */
  SimPacket *p = take(s, c);
  wfq_refill(s, c, now);
  return p;
}

const SimQdiscClass sim_qos_wfq_class = {
  .name = "wfq",
  .instance_size = sizeof(Sched),
  .enqueue = wfq_enqueue,
  .dequeue = wfq_dequeue,
  .next_ready = sched_next_ready,
  .finalize = sched_finalize,
};

/* ---- construction and the API ----------------------------------------------------------------- */

static SimQdisc *
sched_new(const SimQdiscClass *klass, Kind kind, uint32_t n)
{
  Sched *s = (Sched *)sim_qdisc_new(klass);
  s->kind = kind;
  s->n = n;
  s->cls = g_new0(Class, n);
  s->ring_head = s->ring_tail = s->pend_head = NONE;
  if (kind == KIND_WFQ)
    s->heap = g_new(uint32_t, n);
  for (uint32_t i = 0; i < n; i++) {
    s->cls[i].child = sim_qdisc_droptail_new(0, 0);
    s->cls[i].heap_pos = NONE;
    s->cls[i].next = NONE;
  }
  return &s->base;
}

SimQdisc *
sim_qos_prio_new(uint32_t n_bands)
{
  g_return_val_if_fail(n_bands >= 1 && n_bands <= MAX_CLASSES, NULL);
  return sched_new(&sim_qos_prio_class, KIND_PRIO, n_bands);
}

SimQdisc *
sim_qos_drr_new(uint32_t n_classes, const uint32_t *quanta)
{
  g_return_val_if_fail(n_classes >= 1 && n_classes <= MAX_CLASSES && quanta, NULL);
  for (uint32_t i = 0; i < n_classes; i++)
    g_return_val_if_fail(quanta[i] > 0, NULL);
  SimQdisc *q = sched_new(&sim_qos_drr_class, KIND_DRR, n_classes);
  Sched *s = (Sched *)q;
  for (uint32_t i = 0; i < n_classes; i++)
    s->cls[i].quantum = quanta[i];
  return q;
}

SimQdisc *
sim_qos_wfq_new(uint32_t n_classes, const uint32_t *weights)
{
  g_return_val_if_fail(n_classes >= 1 && n_classes <= MAX_CLASSES && weights, NULL);
  for (uint32_t i = 0; i < n_classes; i++)
    g_return_val_if_fail(weights[i] > 0 && weights[i] <= 65536, NULL);
  SimQdisc *q = sched_new(&sim_qos_wfq_class, KIND_WFQ, n_classes);
  Sched *s = (Sched *)q;
  for (uint32_t i = 0; i < n_classes; i++)
    s->cls[i].inv_weight = ((UINT64_C(1) << WFQ_SHIFT) + weights[i] / 2) / weights[i];
  return q;
}

gboolean
sim_qos_sched_is(const SimQdisc *q)
{
  return q && (q->klass == &sim_qos_prio_class || q->klass == &sim_qos_drr_class ||
               q->klass == &sim_qos_wfq_class);
}

uint32_t
sim_qos_sched_n_classes(const SimQdisc *q)
{
  g_return_val_if_fail(sim_qos_sched_is(q), 0);
  return ((const Sched *)q)->n;
}

void
sim_qos_sched_set_classifier(SimQdisc *q, SimClassifier *c)
{
  g_return_if_fail(sim_qos_sched_is(q));
  Sched *s = (Sched *)q;
  sim_classifier_free(s->classifier);
  s->classifier = c;
  s->func = NULL;
}

void
sim_qos_sched_set_classify_func(SimQdisc *q, SimQosClassifyFunc func, void *data)
{
  g_return_if_fail(sim_qos_sched_is(q));
  Sched *s = (Sched *)q;
  s->func = func;
  s->func_data = data;
}

void
sim_qos_sched_set_child(SimQdisc *q, uint32_t klass, SimQdisc *child)
{
  g_return_if_fail(sim_qos_sched_is(q) && child != NULL && child != q);
  Sched *s = (Sched *)q;
  g_return_if_fail(klass < s->n && backlog(&s->cls[klass]) == 0 && child->n_packets == 0);
  Class *c = &s->cls[klass];
  if (c->child->klass->next_ready)
    s->n_shaped--;
  sim_qdisc_free(c->child);
  c->child = child;
  child->iface = q->iface;
  if (child->klass->next_ready)
    s->n_shaped++;
}

SimQdisc *
sim_qos_sched_child(const SimQdisc *q, uint32_t klass)
{
  g_return_val_if_fail(sim_qos_sched_is(q), NULL);
  const Sched *s = (const Sched *)q;
  g_return_val_if_fail(klass < s->n, NULL);
  return s->cls[klass].child;
}

void
sim_qos_sched_set_limit(SimQdisc *q, uint32_t klass, uint32_t max_packets)
{
  g_return_if_fail(sim_qos_sched_is(q));
  Sched *s = (Sched *)q;
  g_return_if_fail(klass < s->n);
  s->cls[klass].limit = max_packets;
}

void
sim_qos_sched_set_class_name(SimQdisc *q, uint32_t klass, const char *name)
{
  g_return_if_fail(sim_qos_sched_is(q));
  Sched *s = (Sched *)q;
  g_return_if_fail(klass < s->n);
  s->cls[klass].name = name ? g_intern_string(name) : NULL;
}

const char *
sim_qos_sched_class_name(const SimQdisc *q, uint32_t klass)
{
  g_return_val_if_fail(sim_qos_sched_is(q), NULL);
  const Sched *s = (const Sched *)q;
  return klass < s->n ? s->cls[klass].name : NULL;
}

gboolean
sim_qos_sched_get_stats(const SimQdisc *q, uint32_t klass, SimQosClassStats *out)
{
  g_return_val_if_fail(sim_qos_sched_is(q) && out != NULL, FALSE);
  const Sched *s = (const Sched *)q;
  if (klass >= s->n)
    return FALSE;
  const Class *c = &s->cls[klass];
  *out = c->st;
  out->backlog_packets = backlog(c);
  out->backlog_bytes = backlog_bytes(c);
  return TRUE;
}

void
sim__qos_sched_collect_counters(SimQdisc *q, GPtrArray *slots)
{
  if (!q || !sim_qos_sched_is(q))
    return;
  Sched *s = (Sched *)q;
  for (uint32_t k = 0; k < s->n; k++) {
    SimQosClassStats *st = &s->cls[k].st;
    g_ptr_array_add(slots, &st->enq_packets);
    g_ptr_array_add(slots, &st->enq_bytes);
    g_ptr_array_add(slots, &st->sent_packets);
    g_ptr_array_add(slots, &st->sent_bytes);
    for (int d = 0; d < SIM_DROP_N; d++)
      g_ptr_array_add(slots, &st->drops[d]);
    g_ptr_array_add(slots, &st->child_drops);
  }
}

/* ---- scenario types --------------------------------------------------------------------------- */

#define COMMON_PARAMS                                                                              \
  { "packets", SIM_PARAM_UINT, "1000", "limit per class in packets (0: none)", NULL,               \
    SIM_PARAM_RANGE(0, 4294967295.0) },                                                            \
  { "bytes", SIM_PARAM_SIZE, "0B", "ignored by class-based disciplines; must be 0", NULL, 0, 0 },  \
  { "dscp", SIM_PARAM_LIST, "",                                                                    \
    "DSCP/PHB names per class, classes separated by ',', alternatives by '|', '*' = the "          \
    "default class (else the last): EF | CS6, AF41 | AF42, *",                                     \
    NULL, 0, 0 },                                                                                  \
  { "classify", SIM_PARAM_LIST, "",                                                                \
    "rules tried in order, CLASS: FIELD=VALUE ...; fields dscp, ecn, flowlabel, src, dst, proto, " \
    "sport, dport, iif, nrp; else the last class: 0: dscp=EF proto=udp dport=5000-5099",           \
    NULL, 0, 0 }

static const SimParamSpec prio_params[] = {
  { "bands", SIM_PARAM_UINT, "3", "number of bands (band 0 is served first)", NULL,
    SIM_PARAM_RANGE(1, MAX_CLASSES) },
  COMMON_PARAMS,
};

static const SimParamSpec drr_params[] = {
  { "weights", SIM_PARAM_LIST, NULL, "weight per class (1..65536); their number is the classes",
    NULL, 0, 0 },
  { "quantum", SIM_PARAM_SIZE, "1500B", "bytes per round for weight 1", NULL,
    SIM_PARAM_RANGE(64, 65536) },
  COMMON_PARAMS,
};

static const SimParamSpec wfq_params[] = {
  { "weights", SIM_PARAM_LIST, NULL, "weight per class (1..65536); their number is the classes",
    NULL, 0, 0 },
  COMMON_PARAMS,
};

/* The classes' weights from the list `weights`. */
static uint32_t *
parse_weights(const SimParams *p, uint32_t *n, GError **error)
{
  const char *const *w = sim_params_get_list(p, "weights");
  guint len = w ? g_strv_length((char **)w) : 0;
  if (len == 0 || len > MAX_CLASSES) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "queue_weights: expected 1 to %u weights, got %u", MAX_CLASSES, len);
    return NULL;
  }
  uint32_t *out = g_new(uint32_t, len);
  for (guint i = 0; i < len; i++) {
    guint64 v;
    if (!g_ascii_string_to_unsigned(w[i], 10, 1, 65536, &v, NULL)) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "queue_weights: '%s' is not a weight (an integer 1..65536)", w[i]);
      g_free(out);
      return NULL;
    }
    out[i] = (uint32_t)v;
  }
  *n = len;
  return out;
}

#define RULE_FORM                                                                                  \
  "expected CLASS: FIELD=VALUE ... with FIELD one of dscp (EF|CS6|46), ecn (0..3), flowlabel "     \
  "(VALUE[/MASK]), src and dst (PREFIX), proto (udp, tcp, icmpv6, icmp or 0..255), sport and "     \
  "dport (PORT[-PORT]), iif (ethN or N), nrp (0..4294967295)"

static gboolean
parse_u32(const char *t, guint64 max, uint32_t *out)
{
  guint64 v;
  gboolean hex = g_str_has_prefix(t, "0x") || g_str_has_prefix(t, "0X");
  if (!g_ascii_string_to_unsigned(hex ? t + 2 : t, hex ? 16 : 10, 0, max, &v, NULL))
    return FALSE;
  *out = (uint32_t)v;
  return TRUE;
}

static gboolean
parse_ports(const char *t, uint16_t *lo, uint16_t *hi)
{
  g_auto(GStrv) p = g_strsplit(t, "-", 2);
  uint32_t a, b;
  if (!parse_u32(p[0], 65535, &a) || (p[1] && !parse_u32(p[1], 65535, &b)))
    return FALSE;
  if (!p[1])
    b = a;
  if (b < a)
    return FALSE;
  *lo = (uint16_t)a;
  *hi = (uint16_t)b;
  return TRUE;
}

/* One rule of `queue_classify`: `CLASS: FIELD=VALUE ...`. */
static gboolean
parse_rule(const char *text, uint32_t n_classes, SimClassifierRule *r, GError **error)
{
  memset(r, 0, sizeof *r);
  g_autofree char *t = g_strstrip(g_strdup(text));
  char *colon = strchr(t, ':');
  const char *why = NULL;
  g_autofree char *owned = NULL;
  g_auto(GStrv) fields = NULL;
  if (!colon) {
    why = "no 'CLASS:'";
    goto bad;
  }
  *colon = '\0';
  if (!parse_u32(g_strstrip(t), n_classes - 1, &r->klass)) {
    why = owned = g_strdup_printf("the class must be 0 to %u", n_classes - 1);
    goto bad;
  }
  fields = g_strsplit_set(colon + 1, " \t", -1);
  for (char **f = fields; *f; f++) {
    if (!**f)
      continue;
    char *eq = strchr(*f, '=');
    if (!eq || eq == *f || !eq[1]) {
      why = owned = g_strdup_printf("'%s' is not FIELD=VALUE", *f);
      goto bad;
    }
    *eq = '\0';
    const char *k = *f, *v = eq + 1;
    uint32_t x;
    gboolean ok = TRUE;
    uint32_t bit = 0;
    if (strcmp(k, "dscp") == 0) {
      bit = SIM_CLASSIFIER_DSCP;
      g_auto(GStrv) alts = g_strsplit(v, "|", -1);
      for (char **a = alts; ok && *a; a++) {
        uint8_t d;
        ok = sim_dscp_parse(*a, &d, NULL);
        r->dscp_set |= UINT64_C(1) << (ok ? d : 0);
      }
    } else if (strcmp(k, "ecn") == 0) {
      bit = SIM_CLASSIFIER_ECN;
      ok = parse_u32(v, 3, &x);
      r->ecn = (uint8_t)x;
    } else if (strcmp(k, "flowlabel") == 0) {
      bit = SIM_CLASSIFIER_FLOW_LABEL;
      g_auto(GStrv) p = g_strsplit(v, "/", 2);
      r->flow_label_mask = 0xFFFFF;
      ok = parse_u32(p[0], 0xFFFFF, &r->flow_label) &&
           (!p[1] || parse_u32(p[1], 0xFFFFF, &r->flow_label_mask));
    } else if (strcmp(k, "src") == 0 || strcmp(k, "dst") == 0) {
      bit = k[0] == 's' ? SIM_CLASSIFIER_SRC : SIM_CLASSIFIER_DST;
      ok = sim_ip6_prefix_parse(v, k[0] == 's' ? &r->src : &r->dst, FALSE, NULL);
    } else if (strcmp(k, "proto") == 0) {
      static const struct {
        const char *name;
        uint8_t num;
      } protos[] = { { "udp", 17 }, { "tcp", 6 }, { "icmpv6", 58 }, { "icmp", 1 } };
      bit = SIM_CLASSIFIER_PROTOCOL;
      ok = parse_u32(v, 255, &x);
      for (size_t i = 0; !ok && i < G_N_ELEMENTS(protos); i++)
        if (strcmp(v, protos[i].name) == 0) {
          x = protos[i].num;
          ok = TRUE;
        }
      r->protocol = (uint8_t)x;
    } else if (strcmp(k, "sport") == 0) {
      bit = SIM_CLASSIFIER_SPORT;
      ok = parse_ports(v, &r->sport_lo, &r->sport_hi);
    } else if (strcmp(k, "dport") == 0) {
      bit = SIM_CLASSIFIER_DPORT;
      ok = parse_ports(v, &r->dport_lo, &r->dport_hi);
    } else if (strcmp(k, "iif") == 0) {
      bit = SIM_CLASSIFIER_INGRESS;
      ok = parse_u32(g_str_has_prefix(v, "eth") ? v + 3 : v, G_MAXUINT32, &r->ingress);
    } else if (strcmp(k, "nrp") == 0) {
      bit = SIM_CLASSIFIER_NRP;
      ok = parse_u32(v, G_MAXUINT32, &r->nrp_id);
    } else {
      why = owned = g_strdup_printf("unknown field '%s'", k);
      goto bad;
    }
    if (r->fields & bit) {
      why = owned = g_strdup_printf("field '%s' given twice", k);
      goto bad;
    }
    if (!ok) {
      why = owned = g_strdup_printf("%s: '%s' does not parse", k, v);
      goto bad;
    }
    r->fields |= bit;
  }
  if (r->fields == 0) {
    why = "no field to match";
    goto bad;
  }
  return TRUE;
bad:
  g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE, "queue_classify: '%s': %s (%s)",
              text, why, RULE_FORM);
  return FALSE;
}

/* The rules of `queue_classify`, or NULL with @error; the default class
 * is the last. */
static SimClassifier *
parse_classify(const char *const *rules, uint32_t n_classes, GError **error)
{
  SimClassifier *c = sim_classifier_new(n_classes - 1);
  for (const char *const *r = rules; *r; r++) {
    SimClassifierRule rule;
    if (!parse_rule(*r, n_classes, &rule, error)) {
      sim_classifier_free(c);
      return NULL;
    }
    sim_classifier_add_rule(c, &rule);
  }
  return c;
}

/* Applies the common keys (per-class limit, DSCP map) to @q; frees @q on
 * error. */
static SimQdisc *
apply_common(SimQdisc *q, const SimParams *p, GError **error)
{
  Sched *s = (Sched *)q;
  if (sim_params_get_size(p, "bytes") != 0) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "queue_bytes: %s limits classes in packets only (queue_packets)", q->klass->name);
    sim_qdisc_free(q);
    return NULL;
  }
  uint32_t limit = (uint32_t)sim_params_get_uint(p, "packets");
  for (uint32_t i = 0; i < s->n; i++)
    s->cls[i].limit = limit;
  const char *const *map = sim_params_get_list(p, "dscp");
  guint len = map ? g_strv_length((char **)map) : 0;
  const char *const *rules = sim_params_get_list(p, "classify");
  if (rules && rules[0]) {
    if (len > 0) {
      g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                  "queue_classify and queue_dscp: give the classes by one of them");
      sim_qdisc_free(q);
      return NULL;
    }
    SimClassifier *c = parse_classify(rules, s->n, error);
    if (!c) {
      sim_qdisc_free(q);
      return NULL;
    }
    sim_qos_sched_set_classifier(q, c);
    return q;
  }
  if (len == 0)
    return q;
  if (len > s->n) {
    g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                "queue_dscp: %u classes listed but %s has %u", len, q->klass->name, s->n);
    sim_qdisc_free(q);
    return NULL;
  }
  SimClassifier *c = sim_classifier_new(s->n - 1);
  uint64_t seen = 0;
  bool have_default = false;
  for (guint i = 0; i < len; i++) {
    SimClassifierRule r = { .fields = SIM_CLASSIFIER_DSCP, .klass = i };
    g_auto(GStrv) alts = g_strsplit(map[i], "|", -1);
    for (char **a = alts; *a; a++) {
      g_strstrip(*a);
      GError *e = NULL;
      uint8_t d;
      if (strcmp(*a, "*") == 0 && !have_default) {
        have_default = true;
        sim_classifier_set_default_class(c, i);
        continue;
      }
      const char *why = NULL;
      if (strcmp(*a, "*") == 0)
        why = "'*' (the default class) given twice";
      else if (**a == '\0')
        why = "an empty DSCP";
      else if (!sim_dscp_parse(*a, &d, &e))
        why = e->message;
      else if (seen >> d & 1)
        why = "a DSCP given to two classes";
      if (why) {
        g_set_error(error, SIM_SCENARIO_ERROR, SIM_SCENARIO_ERROR_VALUE,
                    "queue_dscp: class %u ('%s'): %s", i, map[i], why);
        g_clear_error(&e);
        sim_classifier_free(c);
        sim_qdisc_free(q);
        return NULL;
      }
      seen |= UINT64_C(1) << d;
      r.dscp_set |= UINT64_C(1) << d;
    }
    if (r.dscp_set)
      sim_classifier_add_rule(c, &r);
  }
  sim_qos_sched_set_classifier(q, c);
  return q;
}

static SimQdisc *
prio_create(const SimParams *p, GError **error)
{
  return apply_common(sim_qos_prio_new((uint32_t)sim_params_get_uint(p, "bands")), p, error);
}

static SimQdisc *
drr_create(const SimParams *p, GError **error)
{
  uint32_t n;
  g_autofree uint32_t *w = parse_weights(p, &n, error);
  if (!w)
    return NULL;
  uint64_t quantum = sim_params_get_size(p, "quantum");
  for (uint32_t i = 0; i < n; i++)
    w[i] = (uint32_t)MIN(w[i] * quantum, G_MAXUINT32);
  return apply_common(sim_qos_drr_new(n, w), p, error);
}

static SimQdisc *
wfq_create(const SimParams *p, GError **error)
{
  uint32_t n;
  g_autofree uint32_t *w = parse_weights(p, &n, error);
  if (!w)
    return NULL;
  return apply_common(sim_qos_wfq_new(n, w), p, error);
}

#define TYPE(n, s, p) { .name = n, .kind = "qdisc", .summary = s, .params = p, .n_params = G_N_ELEMENTS(p) }

static const SimQdiscType qos_types[] = {
  { TYPE("qdisc.prio",
         "strict priority over queue_bands FIFOs, band 0 first; queue_dscp maps DSCPs to bands",
         prio_params),
    prio_create },
  { TYPE("qdisc.drr",
         "deficit round robin: queue_weights x queue_quantum bytes per round; queue_dscp classes",
         drr_params),
    drr_create },
  { TYPE("qdisc.wfq", "weighted fair queueing (SCFQ) with queue_weights; queue_dscp classes",
         wfq_params),
    wfq_create },
};

gboolean
sim__qos_register_schedulers(SimRegistry *reg, GError **error)
{
  for (size_t i = 0; i < G_N_ELEMENTS(qos_types); i++)
    if (!sim_net_registry_add_qdisc(reg, &qos_types[i], error))
      return FALSE;
  return TRUE;
}
