/* fib.c - IPv6 longest-prefix match: a path-compressed multibit trie, and
 * a binary search on prefix lengths for large tables.
 *
 * Two structures. The trie always exists and is the authority: insert,
 * remove, get, foreach and size work on it, and it answers lookups in
 * small tables and in tables with many distinct lengths. A table of
 * FIB_HASH_MIN_PREFIXES (4096) prefixes or more with at most
 * FIB_HASH_MAX_LENGTHS (16) distinct lengths also gets one hash table per
 * length, searched by binary search on the lengths with markers (Waldvogel
 * et al., "Scalable high speed IP routing lookups", SIGCOMM 1997); every
 * change to the trie is applied to it at once, so lookups never see a
 * stale state.
 *
 * Why both (bench/fib, 2 vCPU EPYC VM, lookups per second, best of 3; see
 * docs/performance.md). Plan-shaped tables (/48s in /32s, subnets in
 * sites), 7 lengths: 1 000 prefixes, trie 26 M/s (no hash tables yet);
 * 100 000, trie 5.5 M/s, length search 12.4 M/s; 1 000 000, trie
 * 2.4 M/s, length search 4.8 M/s. The trie walk is a chain of dependent
 * loads (one cache miss per level below the cached top); the probes of
 * the length search depend on the address only, so the CPU issues the
 * next probe while the previous one is in flight. It stays ahead with 16
 * lengths (4.6 against 2.4 M/s at 1 M) but falls behind with all 129
 * (8 probes: 1.8 against 2.7 M/s at 1 M, 3.4 against 7.9 M/s at 100 k),
 * hence the limit. It costs memory (129 instead of 57 bytes per prefix at
 * 1 M) and build time (1.4-1.9 instead of 0.7-0.9 s for 1 M), and it
 * loses where prefixes share no structure (uniformly random bits, 1 M:
 * 3.9 against 5.1 M/s, since every marker is then an entry of its own);
 * sim_fib_set_length_search() turns it off. Also measured and dropped:
 * 32-byte trie nodes whose keys are checked once at the end of the walk
 * (a quarter fewer simulated cache misses, yet 10-20 % slower at 1 k and
 * at 1 M).
 *
 * Trie. Every node sits at a depth d that is a multiple of 6 (0, 6, ...,
 * 126) and covers address bits [d, d+6):
 *   - pfx: bitmap of the prefixes of lengths d..d+5 stored in the node; a
 *     prefix of relative length l (0..5) whose l bits are b has position
 *     (1 << l) - 1 + b (positions 0..62, heap order, so a longer prefix
 *     always has a higher position);
 *   - kids: bitmap of the 64 child slots (the next 6 address bits);
 *   - arr: one heap block holding the children themselves, in slot order
 *     (popcount of the kids bits below a slot gives its index), followed
 *     by the values in position order when the node holds two or more
 *     prefixes; a node holding one prefix keeps its value in v0.
 * Children are stored by value: descending one level reads one 48-byte
 * node, not a pointer and then a node. Lengths 126..128 all live in
 * depth-126 nodes, which have no children. The root is embedded in
 * SimFib, so an empty table is one small block.
 *
 * Trie invariants.
 *   - A node's key holds the address bits [0, d), the rest zero; a child
 *     in slot v of a node at depth d has a key extending the parent's key
 *     with v at bits [d, d+6) and a depth of at least d+6. Deeper depths
 *     are path compression: the bits in between are not branched on, only
 *     compared against the key.
 *   - Every node but the root holds a prefix or has two or more children,
 *     so there are fewer nodes than twice the number of prefixes, memory
 *     stays proportional to the table, and the shape depends only on the
 *     set of prefixes, not on the order of changes.
 *   - fib->bytes is the sum of all block sizes, updated on every change.
 *
 * Trie lookup. At each node: one table read (match_mask) and a highest
 * set bit give the longest prefix inside the node that matches; one bit
 * test and a popcount select the child; a 128-bit compare against the
 * child's key checks the compressed bits. The first mismatch ends the
 * walk: nothing below a mismatching key can match. The value is read once,
 * at the end.
 *
 * Length search. The searched lengths are those present when the tables
 * were last rebuilt, ascending; a lookup binary-searches them, probing
 * the table of length L with the address cut to L: a hit means "a prefix
 * or a marker here, try longer", a miss "try shorter". Invariants:
 *   - every prefix of length l has an entry (value) in the table of l, and
 *     a marker in the table of each shorter length at which the binary
 *     search for l goes longer; markers counts the prefixes that need it,
 *     and an entry without value and markers is deleted;
 *   - a marker that is not a prefix has bmp_len: the length of the longest
 *     prefix containing its key (FIB_NO_BMP if none). A search ending on
 *     such a marker answers with one more probe, at bmp_len.
 * A prefix of a new length rebuilds the tables (the binary search changes
 * shape); lengths that empty stay searched until then.
 *
 * Tricky parts. Inserting below a compressed edge: a new prefix that
 * leaves the child's key before the child's depth needs a new node at the
 * last multiple of 6 before the divergence (or before the prefix's end);
 * that node takes the old child's place in the parent's block and adopts
 * it as its only child. Removal does the reverse: a node left with no
 * prefix and one child is replaced by that child, and a node left empty
 * is cut from its parent. Markers' bmp_len: inserting or removing a
 * prefix P changes it for the markers inside P, which are exactly the
 * markers of the prefixes inside P at lengths beyond P's, so the update
 * walks P's subtree in the trie (nothing to walk when P went into a new
 * leaf). Markers refer to prefixes by length, not value, so replacing a
 * value touches one entry.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "fib-private.h"

#define FIB_STRIDE 6u
/* Deepest node depth: the last multiple of FIB_STRIDE below 128. */
#define FIB_MAX_DEPTH (128u - 128u % FIB_STRIDE)
/* Nodes on a root-to-leaf path: depths 0, 6, ..., 126. */
#define FIB_MAX_LEVELS (FIB_MAX_DEPTH / FIB_STRIDE + 1)

typedef struct FibNode FibNode;
struct FibNode {
  uint64_t key_hi, key_lo; /* address bits [0, depth), the rest zero */
  uint64_t pfx;            /* prefixes held here, by position */
  uint64_t kids;           /* child slots */
  void *arr;               /* FibNode[popcount(kids)] then uint32_t[popcount(pfx)] if >= 2 */
  uint32_t v0;             /* the value when the node holds exactly one prefix */
  uint8_t depth;           /* multiple of FIB_STRIDE, 0..FIB_MAX_DEPTH */
};

/* ---- length search: hash tables per prefix length -------------------------- */

/* Large tables with few distinct lengths are searched by binary search on
 * the lengths (Waldvogel et al., SIGCOMM 1997): one hash table per
 * length, and markers so that a hit at a length says "go longer". */
#define FIB_HASH_MIN_PREFIXES 4096u /* start at this size, stop below half */
#define FIB_HASH_MAX_LENGTHS 16u    /* stop above this many lengths... */
#define FIB_HASH_RESTART_LENGTHS 12u /* ...and start again at this many */

/* bmp_len of a marker that no prefix contains */
#define FIB_NO_BMP 255u

/* An entry of the table of length L: a prefix of the FIB, or a marker, or
 * both. */
typedef struct {
  uint64_t key_hi, key_lo; /* address bits [0, L), the rest zero */
  uint32_t value;          /* the prefix's value; SIM_FIB_NONE for a marker only */
  uint32_t markers;        /* longer prefixes whose search passes here */
  uint8_t bmp_len;         /* marker only: the length of the longest prefix
                            * that contains the key (shorter than L), or
                            * FIB_NO_BMP */
  uint8_t used;
} FibHashEnt;

/* One searched length: the mask that cuts an address to it, and its
 * open-addressing (linear probing) table. */
typedef struct {
  uint64_t mask_hi, mask_lo;
  FibHashEnt *slots; /* mask + 1 of them, a power of two */
  size_t mask;
  size_t count;
  unsigned len;
} FibHashLevel;

typedef struct {
  uint32_t len_count[129]; /* prefixes of each length */
  unsigned n_lengths;      /* lengths with prefixes */
  unsigned n_search;       /* searched lengths; 0: the search is off */
  int8_t search_idx[129];  /* index in level[] of a searched length, or -1 */
  FibHashLevel level[FIB_HASH_MAX_LENGTHS]; /* ascending lengths */
} FibHash;

struct _SimFib {
  FibHead head; /* the generation, read inline by ip6.c (fib-private.h) */
  FibNode root;
  size_t n_prefixes;
  size_t bytes;   /* heap bytes, this struct included */
  FibHash *hash;  /* NULL while the table is small (or the search is not allowed) */
  gboolean no_hash;
};

/* match_mask[v]: the positions of the prefixes of relative lengths 0..5
 * that contain the 6-bit chunk v, i.e. the OR over l of
 * 1 << ((1 << l) - 1 + (v >> (6 - l))). */
static const uint64_t match_mask[64] = {
  0x000000008000808bu, 0x000000008000808bu, 0x000000010000808bu, 0x000000010000808bu,
  0x000000020001008bu, 0x000000020001008bu, 0x000000040001008bu, 0x000000040001008bu,
  0x000000080002010bu, 0x000000080002010bu, 0x000000100002010bu, 0x000000100002010bu,
  0x000000200004010bu, 0x000000200004010bu, 0x000000400004010bu, 0x000000400004010bu,
  0x0000008000080213u, 0x0000008000080213u, 0x0000010000080213u, 0x0000010000080213u,
  0x0000020000100213u, 0x0000020000100213u, 0x0000040000100213u, 0x0000040000100213u,
  0x0000080000200413u, 0x0000080000200413u, 0x0000100000200413u, 0x0000100000200413u,
  0x0000200000400413u, 0x0000200000400413u, 0x0000400000400413u, 0x0000400000400413u,
  0x0000800000800825u, 0x0000800000800825u, 0x0001000000800825u, 0x0001000000800825u,
  0x0002000001000825u, 0x0002000001000825u, 0x0004000001000825u, 0x0004000001000825u,
  0x0008000002001025u, 0x0008000002001025u, 0x0010000002001025u, 0x0010000002001025u,
  0x0020000004001025u, 0x0020000004001025u, 0x0040000004001025u, 0x0040000004001025u,
  0x0080000008002045u, 0x0080000008002045u, 0x0100000008002045u, 0x0100000008002045u,
  0x0200000010002045u, 0x0200000010002045u, 0x0400000010002045u, 0x0400000010002045u,
  0x0800000020004045u, 0x0800000020004045u, 0x1000000020004045u, 0x1000000020004045u,
  0x2000000040004045u, 0x2000000040004045u, 0x4000000040004045u, 0x4000000040004045u,
};

/* ---- bit helpers ------------------------------------------------------- */

SIM_INLINE unsigned
popcount64(uint64_t x)
{
#if defined(__POPCNT__) || defined(__ARM_NEON)
  return (unsigned)__builtin_popcountll(x);
#else
  /* Without a popcount instruction GCC calls a libgcc routine; this
   * inline version is faster on the lookup path. */
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return (unsigned)((x * 0x0101010101010101u) >> 56);
#endif
}

/* Index of the highest set bit; @x != 0. */
SIM_INLINE unsigned
msb64(uint64_t x)
{
  return 63u - (unsigned)__builtin_clzll(x);
}

/* Index of the lowest set bit; @x != 0. */
SIM_INLINE unsigned
lsb64(uint64_t x)
{
  return (unsigned)__builtin_ctzll(x);
}

SIM_INLINE uint64_t
below(unsigned bit)
{
  return (UINT64_C(1) << bit) - 1;
}

/* The 6 address bits [d, d+6); bits past 127 read as zero. The shift of
 * lo is split in two so that d == 0 never shifts by 64. */
SIM_INLINE unsigned
chunk_at(uint64_t hi, uint64_t lo, unsigned d)
{
  uint64_t w = d < 64 ? (hi << d) | ((lo >> 1) >> (63 - d)) : lo << (d - 64);
  return (unsigned)(w >> 58);
}

/* ORs the 6-bit chunk @v into bits [d, d+6) (bits past 127 dropped). */
static void
chunk_put(uint64_t *hi, uint64_t *lo, unsigned d, unsigned v)
{
  if (d <= 58) {
    *hi |= (uint64_t)v << (58 - d);
  } else if (d >= 64) {
    *lo |= d <= 122 ? (uint64_t)v << (122 - d) : (uint64_t)v >> (d - 122);
  } else {
    *hi |= (uint64_t)v >> (d - 58);
    *lo |= (uint64_t)v << (122 - d);
  }
}

/* First bit at which two addresses differ, 128 if equal. */
SIM_INLINE unsigned
first_diff(uint64_t hi, uint64_t lo, uint64_t khi, uint64_t klo)
{
  uint64_t x = hi ^ khi;
  if (x)
    return (unsigned)__builtin_clzll(x);
  x = lo ^ klo;
  return x ? 64u + (unsigned)__builtin_clzll(x) : 128u;
}

/* Clears the bits from @len (0..128) on. */
static void
mask_to(uint64_t *hi, uint64_t *lo, unsigned len)
{
  if (len < 64) {
    *hi = len ? *hi & ~below(64 - len) : 0;
    *lo = 0;
  } else if (len < 128) {
    *lo = len > 64 ? *lo & ~below(128 - len) : 0;
  }
}

/* Position of the prefix of length @len (d <= len < d + 6) in a node at
 * depth @d. */
SIM_INLINE unsigned
pfx_pos(uint64_t hi, uint64_t lo, unsigned d, unsigned len)
{
  unsigned l = len - d;
  return (1u << l) - 1 + (chunk_at(hi, lo, d) >> (FIB_STRIDE - l));
}

/* Relative length of position @pos. */
SIM_INLINE unsigned
pos_len(unsigned pos)
{
  return msb64(pos + 1u);
}

/* ---- nodes ----------------------------------------------------------------- */

SIM_INLINE size_t
arr_size(unsigned n_kids, unsigned n_pfx)
{
  return n_kids * sizeof(FibNode) + (n_pfx >= 2 ? n_pfx * sizeof(uint32_t) : 0);
}

SIM_INLINE FibNode *
node_kid(const FibNode *n, unsigned v)
{
  return (FibNode *)n->arr + popcount64(n->kids & below(v));
}

SIM_INLINE uint32_t *
node_values(const FibNode *n)
{
  return (uint32_t *)((FibNode *)n->arr + popcount64(n->kids));
}

/* The value at position @pos, which must be set. */
SIM_INLINE uint32_t
node_value(const FibNode *n, unsigned pos)
{
  if ((n->pfx & (n->pfx - 1)) == 0)
    return n->v0;
  return node_values(n)[popcount64(n->pfx & below(pos))];
}

/* Gives @n the child slots @kids and prefix positions @pfx. Children and
 * values present before are kept (moved into the new block); the one new
 * child slot, if any, gets a copy of *@new_kid and the one new position,
 * if any, gets @new_value. */
static void
node_rebuild(SimFib *fib, FibNode *n, uint64_t kids, uint64_t pfx, const FibNode *new_kid,
             uint32_t new_value)
{
  unsigned nk = popcount64(kids), np = popcount64(pfx);
  size_t size = arr_size(nk, np);
  void *arr = size ? g_malloc(size) : NULL;
  FibNode *k = arr;
  for (uint64_t m = kids; m; m &= m - 1) {
    unsigned v = lsb64(m);
    if (n->kids >> v & 1)
      *k++ = *node_kid(n, v);
    else
      *k++ = *new_kid;
  }
  uint32_t *vals = (uint32_t *)k, v0 = 0;
  for (uint64_t m = pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m);
    uint32_t value = n->pfx >> pos & 1 ? node_value(n, pos) : new_value;
    if (np >= 2)
      *vals++ = value;
    else
      v0 = value;
  }
  fib->bytes -= arr_size(popcount64(n->kids), popcount64(n->pfx));
  fib->bytes += size;
  g_free(n->arr);
  n->arr = arr;
  n->kids = kids;
  n->pfx = pfx;
  n->v0 = v0;
}

static void
node_free_arr(FibNode *n)
{
  FibNode *k = n->arr;
  for (unsigned i = 0, nk = popcount64(n->kids); i < nk; i++)
    node_free_arr(&k[i]);
  g_free(n->arr);
}

/* Reads an address as two host-order halves (sim_ip6_addr_hi() and _lo()
 * loop over the bytes; this is one load and a byte swap each). */
SIM_INLINE void
load_addr(const SimIp6Addr *a, uint64_t *hi, uint64_t *lo)
{
  uint64_t h, l;
  memcpy(&h, a->b, 8);
  memcpy(&l, a->b + 8, 8);
  *hi = GUINT64_FROM_BE(h);
  *lo = GUINT64_FROM_BE(l);
}

/* Reads a prefix argument as two masked halves. */
static void
load_prefix(const SimIp6Addr *a, unsigned len, uint64_t *hi, uint64_t *lo)
{
  load_addr(a, hi, lo);
  mask_to(hi, lo, len);
}

/* ---- the trie ------------------------------------------------------------------ */

/* What trie_insert() did. */
typedef enum {
  TRIE_REPLACED,  /* the prefix was there: new value */
  TRIE_ADDED,     /* added to an existing node */
  TRIE_ADDED_LEAF /* added in a new leaf: no prefix lies inside it */
} TrieInsert;

static TrieInsert
trie_insert(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value)
{
  FibNode *n = &fib->root;
  for (;;) {
    unsigned d = n->depth;
    if (len < d + FIB_STRIDE) {
      unsigned pos = pfx_pos(hi, lo, d, len);
      if (n->pfx >> pos & 1) {
        if ((n->pfx & (n->pfx - 1)) == 0)
          n->v0 = value;
        else
          node_values(n)[popcount64(n->pfx & below(pos))] = value;
        return TRIE_REPLACED;
      }
      node_rebuild(fib, n, n->kids, n->pfx | UINT64_C(1) << pos, NULL, value);
      fib->n_prefixes++;
      return TRIE_ADDED;
    }
    unsigned v = chunk_at(hi, lo, d);
    if (!(n->kids >> v & 1)) {
      /* A new leaf at the prefix's own depth, below a compressed edge. */
      unsigned ld = len - len % FIB_STRIDE;
      FibNode leaf = { .key_hi = hi, .key_lo = lo, .depth = (uint8_t)ld };
      mask_to(&leaf.key_hi, &leaf.key_lo, ld);
      leaf.pfx = UINT64_C(1) << pfx_pos(hi, lo, ld, len);
      leaf.v0 = value;
      node_rebuild(fib, n, n->kids | UINT64_C(1) << v, n->pfx, &leaf, 0);
      fib->n_prefixes++;
      return TRIE_ADDED_LEAF;
    }
    FibNode *c = node_kid(n, v);
    unsigned m = MIN(MIN(first_diff(hi, lo, c->key_hi, c->key_lo), len), c->depth);
    if (m >= c->depth) {
      n = c;
      continue;
    }
    /* The prefix leaves the compressed edge to c at bit m: put a node at
     * the last stride boundary up to m in c's place, with c below it. */
    unsigned b = m - m % FIB_STRIDE;
    g_assert(b >= d + FIB_STRIDE && b + FIB_STRIDE <= c->depth);
    FibNode old = *c;
    FibNode split = { .key_hi = hi, .key_lo = lo, .depth = (uint8_t)b };
    mask_to(&split.key_hi, &split.key_lo, b);
    *c = split;
    node_rebuild(fib, c, UINT64_C(1) << chunk_at(old.key_hi, old.key_lo, b), 0, &old, 0);
    n = c;
  }
}

/* Removes; returns FALSE if the prefix is absent. */
static gboolean
trie_remove(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len)
{
  FibNode *path[FIB_MAX_LEVELS];
  unsigned n_path = 0;
  FibNode *n = &fib->root;
  while (len >= n->depth + FIB_STRIDE) {
    unsigned v = chunk_at(hi, lo, n->depth);
    if (!(n->kids >> v & 1))
      return FALSE;
    FibNode *c = node_kid(n, v);
    if (c->depth > len || first_diff(hi, lo, c->key_hi, c->key_lo) < c->depth)
      return FALSE;
    path[n_path++] = n;
    n = c;
  }
  unsigned pos = pfx_pos(hi, lo, n->depth, len);
  if (!(n->pfx >> pos & 1))
    return FALSE;
  node_rebuild(fib, n, n->kids, n->pfx & ~(UINT64_C(1) << pos), NULL, 0);
  fib->n_prefixes--;

  /* Restore "a prefix or two children" on the way up. Only the node
   * itself and, when it is cut, its parent can break it. */
  while (n_path > 0 && n->pfx == 0 && popcount64(n->kids) <= 1) {
    FibNode *parent = path[--n_path];
    if (n->kids == 0) {
      unsigned v = chunk_at(n->key_hi, n->key_lo, parent->depth);
      node_rebuild(fib, parent, parent->kids & ~(UINT64_C(1) << v), parent->pfx, NULL, 0);
      n = parent;
    } else {
      FibNode *only = n->arr;
      FibNode keep = *only;
      fib->bytes -= sizeof(FibNode);
      g_free(n->arr);
      *n = keep;
      break;
    }
  }
  return TRUE;
}

/* The longest prefix of length <= @max_len that contains the address:
 * its value (SIM_FIB_NONE if none) and, in *@len, its length. */
static uint32_t
trie_lookup(const SimFib *fib, uint64_t hi, uint64_t lo, unsigned max_len, unsigned *len)
{
  const FibNode *n = &fib->root, *best = NULL;
  unsigned best_pos = 0;
  while (n->depth <= max_len) {
    unsigned v = chunk_at(hi, lo, n->depth);
    uint64_t m = n->pfx & match_mask[v];
    if (max_len - n->depth < FIB_STRIDE - 1)
      m &= below((2u << (max_len - n->depth)) - 1); /* relative lengths <= max_len - depth */
    if (m) {
      best = n;
      best_pos = msb64(m);
    }
    if (!(n->kids >> v & 1))
      break;
    n = node_kid(n, v);
    if (first_diff(hi, lo, n->key_hi, n->key_lo) < n->depth)
      break;
  }
  if (!best)
    return SIM_FIB_NONE;
  *len = best->depth + pos_len(best_pos);
  return node_value(best, best_pos);
}

typedef void (*TrieFunc)(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value,
                         void *data);

/* Calls @fn for every prefix of the subtree of @n, in no set order. */
static void
node_walk(SimFib *fib, const FibNode *n, TrieFunc fn, void *data)
{
  for (uint64_t m = n->pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m), l = pos_len(pos);
    uint64_t hi = n->key_hi, lo = n->key_lo;
    chunk_put(&hi, &lo, n->depth, (pos + 1 - (1u << l)) << (FIB_STRIDE - l));
    fn(fib, hi, lo, n->depth + l, node_value(n, pos), data);
  }
  for (unsigned i = 0, nk = popcount64(n->kids); i < nk; i++)
    node_walk(fib, (const FibNode *)n->arr + i, fn, data);
}

/* Calls @fn for every prefix strictly inside @hi/@lo/@len (longer, and
 * containing it), in no set order. @fn must not change the trie. */
static void
trie_walk_inside(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, TrieFunc fn, void *data)
{
  const FibNode *n = &fib->root;
  while (len >= n->depth + FIB_STRIDE) {
    unsigned v = chunk_at(hi, lo, n->depth);
    if (!(n->kids >> v & 1))
      return;
    n = node_kid(n, v);
    unsigned c = first_diff(hi, lo, n->key_hi, n->key_lo);
    if (n->depth > len) {
      /* No node at the prefix's depth: the child's subtree lies inside
       * the prefix exactly when its key extends it. */
      if (c >= len)
        node_walk(fib, n, fn, data);
      return;
    }
    if (c < n->depth)
      return;
  }
  /* In this node, the prefixes longer than len whose first r bits are
   * the prefix's, and the children in the slots that extend those bits. */
  unsigned r = len - n->depth, b = chunk_at(hi, lo, n->depth) >> (FIB_STRIDE - r);
  for (uint64_t m = n->pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m), l = pos_len(pos), bits = pos + 1 - (1u << l);
    if (l > r && bits >> (l - r) == b) {
      uint64_t phi = n->key_hi, plo = n->key_lo;
      chunk_put(&phi, &plo, n->depth, bits << (FIB_STRIDE - l));
      fn(fib, phi, plo, n->depth + l, node_value(n, pos), data);
    }
  }
  for (uint64_t m = n->kids; m; m &= m - 1) {
    unsigned s = lsb64(m);
    if (s >> (FIB_STRIDE - r) == b)
      node_walk(fib, node_kid(n, s), fn, data);
  }
}

/* ---- the length search ------------------------------------------------------ */

SIM_INLINE size_t
hash_key(uint64_t hi, uint64_t lo)
{
  /* splitmix64's finaliser over both halves */
  uint64_t x = hi ^ (lo * UINT64_C(0x9e3779b97f4a7c15));
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return (size_t)(x ^ (x >> 31));
}

SIM_INLINE const FibHashEnt *
level_find(const FibHashLevel *lv, uint64_t hi, uint64_t lo)
{
  for (size_t i = hash_key(hi, lo) & lv->mask;; i = (i + 1) & lv->mask) {
    const FibHashEnt *e = &lv->slots[i];
    if (!e->used)
      return NULL;
    if (e->key_hi == hi && e->key_lo == lo)
      return e;
  }
}

static void
level_alloc(SimFib *fib, FibHashLevel *lv, size_t n_slots)
{
  lv->slots = g_new0(FibHashEnt, n_slots);
  lv->mask = n_slots - 1;
  lv->count = 0;
  fib->bytes += n_slots * sizeof(FibHashEnt);
}

static void
level_free(SimFib *fib, FibHashLevel *lv)
{
  if (lv->slots)
    fib->bytes -= (lv->mask + 1) * sizeof(FibHashEnt);
  g_free(lv->slots);
  lv->slots = NULL;
}

static FibHashEnt *level_get_or_add(SimFib *fib, FibHashLevel *lv, uint64_t hi, uint64_t lo);

/* Doubles the table (load factor kept at most 3/4). */
static void
level_grow(SimFib *fib, FibHashLevel *lv)
{
  FibHashLevel old = *lv;
  level_alloc(fib, lv, 2 * (old.mask + 1));
  for (size_t i = 0; i <= old.mask; i++)
    if (old.slots[i].used)
      *level_get_or_add(fib, lv, old.slots[i].key_hi, old.slots[i].key_lo) = old.slots[i];
  level_free(fib, &old);
}

/* The entry of @hi/@lo, added (no value, no markers, no bmp) if absent. */
static FibHashEnt *
level_get_or_add(SimFib *fib, FibHashLevel *lv, uint64_t hi, uint64_t lo)
{
  if (4 * (lv->count + 1) > 3 * (lv->mask + 1))
    level_grow(fib, lv);
  for (size_t i = hash_key(hi, lo) & lv->mask;; i = (i + 1) & lv->mask) {
    FibHashEnt *e = &lv->slots[i];
    if (!e->used) {
      *e = (FibHashEnt){ .key_hi = hi, .key_lo = lo, .value = SIM_FIB_NONE, .bmp_len = FIB_NO_BMP,
                         .used = 1 };
      lv->count++;
      return e;
    }
    if (e->key_hi == hi && e->key_lo == lo)
      return e;
  }
}

/* Deletes @e, shifting back the entries of its probe run that would
 * become unreachable. */
static void
level_delete(FibHashLevel *lv, FibHashEnt *e)
{
  size_t hole = (size_t)(e - lv->slots);
  for (size_t j = hole;;) {
    j = (j + 1) & lv->mask;
    FibHashEnt *f = &lv->slots[j];
    if (!f->used)
      break;
    size_t home = hash_key(f->key_hi, f->key_lo) & lv->mask;
    /* f may fill the hole unless its home lies cyclically in (hole, j]. */
    if ((j > hole) ? (home <= hole || home > j) : (home <= hole && home > j)) {
      lv->slots[hole] = *f;
      hole = j;
    }
  }
  lv->slots[hole].used = 0;
  lv->count--;
}

/* The searched lengths shorter than @len at which the binary search for
 * @len goes longer: where a prefix of length @len needs markers. Stores
 * their indices in @idx and returns how many there are. */
static unsigned
search_path(const FibHash *h, unsigned len, unsigned *idx)
{
  unsigned k = 0;
  int a = 0, b = (int)h->n_search - 1;
  while (a <= b) {
    int m = (a + b) / 2;
    unsigned l = h->level[m].len;
    if (l < len) {
      idx[k++] = (unsigned)m;
      a = m + 1;
    } else if (l > len) {
      b = m - 1;
    } else {
      break;
    }
  }
  return k;
}

/* A marker's bmp_len from the trie: the longest prefix of length < @len
 * (the marker is not a prefix itself) that contains its key. */
static void
set_bmp(const SimFib *fib, FibHashEnt *e, unsigned len)
{
  unsigned l = 0;
  uint32_t v = trie_lookup(fib, e->key_hi, e->key_lo, len, &l);
  e->bmp_len = (uint8_t)(v == SIM_FIB_NONE ? FIB_NO_BMP : l);
}

/* Adds the entry and markers of one prefix (during a rebuild, or an
 * insert when @set_bmps: then new markers get their bmp from the trie,
 * where the prefix is too long to count). */
static void
hash_add_entries(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value,
                 gboolean set_bmps)
{
  FibHash *h = fib->hash;
  FibHashEnt *e = level_get_or_add(fib, &h->level[h->search_idx[len]], hi, lo);
  e->value = value;
  unsigned idx[FIB_HASH_MAX_LENGTHS];
  for (unsigned i = 0, n = search_path(h, len, idx); i < n; i++) {
    FibHashLevel *lv = &h->level[idx[i]];
    e = level_get_or_add(fib, lv, hi & lv->mask_hi, lo & lv->mask_lo);
    if (e->markers++ == 0 && set_bmps && e->value == SIM_FIB_NONE)
      set_bmp(fib, e, lv->len);
  }
}

static void
rebuild_one(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value, void *data)
{
  (void)data;
  hash_add_entries(fib, hi, lo, len, value, FALSE);
}

static void
hash_clear_levels(SimFib *fib)
{
  FibHash *h = fib->hash;
  for (unsigned i = 0; i < h->n_search; i++)
    level_free(fib, &h->level[i]);
  h->n_search = 0;
  memset(h->search_idx, -1, sizeof h->search_idx);
}

/* Rebuilds the tables for the lengths present now (at most
 * FIB_HASH_MAX_LENGTHS of them). */
static void
hash_rebuild(SimFib *fib)
{
  FibHash *h = fib->hash;
  hash_clear_levels(fib);
  for (unsigned len = 0; len <= 128; len++) {
    if (!h->len_count[len])
      continue;
    g_assert(h->n_search < FIB_HASH_MAX_LENGTHS);
    FibHashLevel *lv = &h->level[h->n_search];
    lv->len = len;
    lv->mask_hi = UINT64_MAX;
    lv->mask_lo = UINT64_MAX;
    mask_to(&lv->mask_hi, &lv->mask_lo, len);
    size_t n_slots = 8;
    while (3 * n_slots < 4 * (size_t)h->len_count[len])
      n_slots *= 2;
    level_alloc(fib, lv, n_slots);
    h->search_idx[len] = (int8_t)h->n_search++;
  }
  node_walk(fib, &fib->root, rebuild_one, NULL);
  /* Markers that are not prefixes: the best prefix up to their length. */
  for (unsigned i = 0; i < h->n_search; i++) {
    FibHashLevel *lv = &h->level[i];
    for (size_t j = 0; j <= lv->mask; j++)
      if (lv->slots[j].used && lv->slots[j].value == SIM_FIB_NONE)
        set_bmp(fib, &lv->slots[j], lv->len);
  }
}

/* Turns the length search on, off or rebuilds it after the set of
 * lengths changed; FALSE if the caller still has to update the tables
 * for the change. */
static gboolean
hash_adapt(SimFib *fib, unsigned len)
{
  FibHash *h = fib->hash;
  if (h->n_search == 0) {
    if (h->n_lengths <= FIB_HASH_RESTART_LENGTHS)
      hash_rebuild(fib);
    return TRUE;
  }
  if (h->n_lengths > FIB_HASH_MAX_LENGTHS) {
    hash_clear_levels(fib);
    return TRUE;
  }
  if (h->search_idx[len] < 0) {
    hash_rebuild(fib);
    return TRUE;
  }
  return FALSE;
}

static void
count_one(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value, void *data)
{
  (void)hi;
  (void)lo;
  (void)value;
  (void)data;
  FibHash *h = fib->hash;
  if (h->len_count[len]++ == 0)
    h->n_lengths++;
}

static void
hash_start(SimFib *fib)
{
  FibHash *h = fib->hash = g_new0(FibHash, 1);
  fib->bytes += sizeof *h;
  memset(h->search_idx, -1, sizeof h->search_idx);
  node_walk(fib, &fib->root, count_one, NULL);
  if (h->n_lengths <= FIB_HASH_MAX_LENGTHS)
    hash_rebuild(fib);
}

static void
hash_stop(SimFib *fib)
{
  if (!fib->hash)
    return;
  hash_clear_levels(fib);
  g_free(fib->hash);
  fib->hash = NULL;
  fib->bytes -= sizeof(FibHash);
}

/* A prefix P of length plen came or went: the markers inside it (those of
 * the prefixes inside P, at lengths beyond plen) whose bmp was shorter
 * than P, or was P, now have new_len. */
typedef struct {
  unsigned plen;
  unsigned new_len;
  gboolean inserted;
} BmpUpdate;

static void
update_inside(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value, void *data)
{
  (void)value;
  const BmpUpdate *u = data;
  FibHash *h = fib->hash;
  unsigned idx[FIB_HASH_MAX_LENGTHS];
  for (unsigned i = 0, n = search_path(h, len, idx); i < n; i++) {
    FibHashLevel *lv = &h->level[idx[i]];
    if (lv->len <= u->plen)
      continue;
    FibHashEnt *e = (FibHashEnt *)level_find(lv, hi & lv->mask_hi, lo & lv->mask_lo);
    g_assert(e != NULL);
    if (e->value != SIM_FIB_NONE)
      continue;
    if (u->inserted ? e->bmp_len == FIB_NO_BMP || e->bmp_len < u->plen : e->bmp_len == u->plen)
      e->bmp_len = (uint8_t)u->new_len;
  }
}

/* The tables after trie_insert() of @hi/@lo/@len -> @value. */
static void
hash_after_insert(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len, uint32_t value,
                  TrieInsert what)
{
  gboolean is_new = what != TRIE_REPLACED;
  if (!fib->hash) {
    if (!fib->no_hash && fib->n_prefixes >= FIB_HASH_MIN_PREFIXES)
      hash_start(fib);
    return;
  }
  FibHash *h = fib->hash;
  if (is_new && h->len_count[len]++ == 0)
    h->n_lengths++;
  if (hash_adapt(fib, len))
    return;
  if (!is_new) {
    /* Markers refer to prefixes by length: only the entry changes. */
    FibHashLevel *lv = &h->level[h->search_idx[len]];
    ((FibHashEnt *)level_find(lv, hi, lo))->value = value;
    return;
  }
  hash_add_entries(fib, hi, lo, len, value, TRUE);
  if (what == TRIE_ADDED_LEAF)
    return; /* nothing inside the prefix */
  BmpUpdate u = { len, len, TRUE };
  trie_walk_inside(fib, hi, lo, len, update_inside, &u);
}

/* The tables after trie_remove() of @hi/@lo/@len. */
static void
hash_after_remove(SimFib *fib, uint64_t hi, uint64_t lo, unsigned len)
{
  FibHash *h = fib->hash;
  if (!h)
    return;
  if (fib->n_prefixes < FIB_HASH_MIN_PREFIXES / 2) {
    hash_stop(fib);
    return;
  }
  if (--h->len_count[len] == 0)
    h->n_lengths--;
  if (h->n_search == 0) {
    hash_adapt(fib, len);
    return;
  }
  FibHashLevel *lv = &h->level[h->search_idx[len]];
  FibHashEnt *e = (FibHashEnt *)level_find(lv, hi, lo);
  /* What the prefix's addresses match now, up to its length. */
  e->value = SIM_FIB_NONE;
  set_bmp(fib, e, len);
  unsigned new_len = e->bmp_len;
  if (e->markers == 0)
    level_delete(lv, e);
  unsigned idx[FIB_HASH_MAX_LENGTHS];
  for (unsigned i = 0, n = search_path(h, len, idx); i < n; i++) {
    lv = &h->level[idx[i]];
    e = (FibHashEnt *)level_find(lv, hi & lv->mask_hi, lo & lv->mask_lo);
    if (--e->markers == 0 && e->value == SIM_FIB_NONE)
      level_delete(lv, e);
  }
  BmpUpdate u = { len, new_len, FALSE };
  trie_walk_inside(fib, hi, lo, len, update_inside, &u);
}

/* Starts loading the table slots that an insert of @hi/@lo/@len will
 * touch, so that their cache misses overlap the trie walk. */
static void
hash_prefetch(const SimFib *fib, uint64_t hi, uint64_t lo, unsigned len)
{
  const FibHash *h = fib->hash;
  if (!h || h->n_search == 0 || h->search_idx[len] < 0)
    return;
  const FibHashLevel *lv = &h->level[h->search_idx[len]];
  __builtin_prefetch(&lv->slots[hash_key(hi, lo) & lv->mask], 1);
  unsigned idx[FIB_HASH_MAX_LENGTHS];
  for (unsigned i = 0, n = search_path(h, len, idx); i < n; i++) {
    lv = &h->level[idx[i]];
    __builtin_prefetch(&lv->slots[hash_key(hi & lv->mask_hi, lo & lv->mask_lo) & lv->mask], 1);
  }
}

static uint32_t
hash_lookup(const FibHash *h, uint64_t hi, uint64_t lo, unsigned *matched_len)
{
  const FibHashEnt *hit = NULL;
  unsigned hit_len = 0;
  int a = 0, b = (int)h->n_search - 1;
  while (a <= b) {
    int m = (a + b) >> 1;
    const FibHashLevel *lv = &h->level[m];
    const FibHashEnt *e = level_find(lv, hi & lv->mask_hi, lo & lv->mask_lo);
    if (e) {
      hit = e;
      hit_len = lv->len;
      a = m + 1;
    } else {
      b = m - 1;
    }
  }
  if (!hit)
    return SIM_FIB_NONE;
  if (hit->value == SIM_FIB_NONE) {
    /* The search ended on a marker only: its bmp, one more probe. */
    if (hit->bmp_len == FIB_NO_BMP)
      return SIM_FIB_NONE;
    hit_len = hit->bmp_len;
    const FibHashLevel *lv = &h->level[h->search_idx[hit_len]];
    hit = level_find(lv, hi & lv->mask_hi, lo & lv->mask_lo);
  }
  if (matched_len)
    *matched_len = hit_len;
  return hit->value;
}

/* ---- public API -------------------------------------------------------------- */

SimFib *
sim_fib_new(void)
{
  SimFib *fib = g_new0(SimFib, 1);
  fib->bytes = sizeof *fib;
  return fib;
}

void
sim_fib_free(SimFib *fib)
{
  if (!fib)
    return;
  hash_stop(fib);
  node_free_arr(&fib->root);
  g_free(fib);
}

void
sim_fib_insert(SimFib *fib, const SimIp6Addr *prefix, unsigned len, uint32_t value)
{
  g_return_if_fail(fib != NULL && prefix != NULL);
  g_return_if_fail(len <= 128);
  g_return_if_fail(value != SIM_FIB_NONE);
  fib->head.generation++;

  uint64_t hi, lo;
  load_prefix(prefix, len, &hi, &lo);
  hash_prefetch(fib, hi, lo, len);
  TrieInsert what = trie_insert(fib, hi, lo, len, value);
  hash_after_insert(fib, hi, lo, len, value, what);
}

gboolean
sim_fib_remove(SimFib *fib, const SimIp6Addr *prefix, unsigned len)
{
  g_return_val_if_fail(fib != NULL && prefix != NULL, FALSE);
  g_return_val_if_fail(len <= 128, FALSE);
  fib->head.generation++;

  uint64_t hi, lo;
  load_prefix(prefix, len, &hi, &lo);
  if (!trie_remove(fib, hi, lo, len))
    return FALSE;
  hash_after_remove(fib, hi, lo, len);
  return TRUE;
}

uint32_t
sim_fib_lookup(const SimFib *fib, const SimIp6Addr *addr, unsigned *matched_len)
{
  g_return_val_if_fail(fib != NULL && addr != NULL, SIM_FIB_NONE);

  uint64_t hi, lo;
  load_addr(addr, &hi, &lo);
  if (fib->hash && fib->hash->n_search)
    return hash_lookup(fib->hash, hi, lo, matched_len);
  unsigned len = 0;
  uint32_t value = trie_lookup(fib, hi, lo, 128, &len);
  if (value != SIM_FIB_NONE && matched_len)
    *matched_len = len;
  return value;
}

uint32_t
sim_fib_get(const SimFib *fib, const SimIp6Addr *prefix, unsigned len)
{
  g_return_val_if_fail(fib != NULL && prefix != NULL, SIM_FIB_NONE);
  g_return_val_if_fail(len <= 128, SIM_FIB_NONE);

  uint64_t hi, lo;
  load_prefix(prefix, len, &hi, &lo);
  const FibNode *n = &fib->root;
  while (len >= n->depth + FIB_STRIDE) {
    unsigned v = chunk_at(hi, lo, n->depth);
    if (!(n->kids >> v & 1))
      return SIM_FIB_NONE;
    n = node_kid(n, v);
    if (n->depth > len || first_diff(hi, lo, n->key_hi, n->key_lo) < n->depth)
      return SIM_FIB_NONE;
  }
  unsigned pos = pfx_pos(hi, lo, n->depth, len);
  return n->pfx >> pos & 1 ? node_value(n, pos) : SIM_FIB_NONE;
}

size_t
sim_fib_size(const SimFib *fib)
{
  g_return_val_if_fail(fib != NULL, 0);
  return fib->n_prefixes;
}

size_t
sim_fib_memory(const SimFib *fib)
{
  g_return_val_if_fail(fib != NULL, 0);
  return fib->bytes;
}

/* Pre-order walk: within a node, slot by slot, the prefixes that start at
 * a slot (shortest first) come before the child in that slot. */
static gboolean
node_foreach(const FibNode *n, SimFibFunc fn, void *data)
{
  unsigned d = n->depth;
  uint64_t starts = 0; /* slots at which some prefix of this node starts */
  for (uint64_t m = n->pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m), l = pos_len(pos);
    starts |= UINT64_C(1) << ((pos - ((1u << l) - 1)) << (FIB_STRIDE - l));
  }
  for (uint64_t m = starts | n->kids; m; m &= m - 1) {
    unsigned s = lsb64(m);
    if (starts >> s & 1) {
      for (unsigned l = 0; l < FIB_STRIDE && d + l <= 128; l++) {
        if (s & below(FIB_STRIDE - l))
          continue; /* s is not where a prefix of length l starts */
        unsigned pos = (1u << l) - 1 + (s >> (FIB_STRIDE - l));
        if (!(n->pfx >> pos & 1))
          continue;
        uint64_t hi = n->key_hi, lo = n->key_lo;
        chunk_put(&hi, &lo, d, s);
        SimIp6Addr a = sim_ip6_addr_from_halves(hi, lo);
        if (fn(&a, d + l, node_value(n, pos), data))
          return TRUE;
      }
    }
    if (n->kids >> s & 1 && node_foreach(node_kid(n, s), fn, data))
      return TRUE;
  }
  return FALSE;
}

void
sim_fib_foreach(const SimFib *fib, SimFibFunc fn, void *data)
{
  g_return_if_fail(fib != NULL && fn != NULL);
  node_foreach(&fib->root, fn, data);
}

void
sim_fib_set_length_search(SimFib *fib, gboolean allow)
{
  g_return_if_fail(fib != NULL);
  fib->no_hash = !allow;
  if (!allow)
    hash_stop(fib);
  else if (!fib->hash && fib->n_prefixes >= FIB_HASH_MIN_PREFIXES)
    hash_start(fib);
}

gboolean
sim_fib_uses_length_search(const SimFib *fib)
{
  g_return_val_if_fail(fib != NULL, FALSE);
  return fib->hash && fib->hash->n_search;
}

uint64_t
sim_fib_generation(const SimFib *fib)
{
  return fib->head.generation;
}
