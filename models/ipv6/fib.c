/* fib.c - IPv6 longest-prefix match: a path-compressed multibit trie with
 * 64-bit bitmaps (tree bitmap nodes, 6-bit strides).
 *
 * DESIGN-NUMBERS
 *
 * Structure. Every node sits at a depth d that is a multiple of 6 (0, 6,
 * ..., 126) and covers address bits [d, d+6):
 *   - pfx: bitmap of the prefixes of lengths d..d+5 stored in the node; a
 *     prefix of relative length l (0..5) whose l bits are b has position
 *     (1 << l) - 1 + b (positions 0..62, heap order, so a longer prefix
 *     always has a higher position);
 *   - kids: bitmap of the 64 child slots (the next 6 address bits);
 *   - arr: one heap block holding the children themselves, in slot order
 *     (popcount of the kids bits below a slot gives its index), followed
 *     by the values in position order when the node holds two or more
 *     prefixes; a node holding one prefix keeps its value in v0.
 * Children are stored by value, so descending one level reads one cache
 * line. Lengths 126..128 all live in depth-126 nodes, which have no
 * children. The root is embedded in SimFib, so an empty table is one
 * 64-byte block.
 *
 * Invariants.
 *   - A node's key holds the address bits [0, d), the rest zero; a child
 *     in slot v of a node at depth d has a key extending the parent's key
 *     with v at bits [d, d+6) and a depth of at least d+6. Deeper depths
 *     are path compression: the bits in between are not branched on, only
 *     compared against the key.
 *   - Every node but the root holds a prefix or has two or more children,
 *     so there are fewer nodes than twice the number of prefixes and the
 *     memory stays proportional to the table (sim_fib_remove() collapses
 *     nodes to keep this).
 *   - fib->bytes is the sum of all block sizes, updated on every change.
 *
 * Lookup. At each node: one table read (match_mask) and a highest-set-bit
 * give the longest prefix inside the node that matches; one bit test and
 * a popcount select the child; a 128-bit compare against the child's key
 * checks the compressed bits. The first mismatch ends the walk: nothing
 * below a mismatching key can match. The value is read once, at the end.
 *
 * Tricky part: inserting below a compressed edge. A new prefix that
 * leaves the child's key before the child's depth needs a new node at the
 * last multiple of 6 before the divergence (or before the prefix's end);
 * that node takes the old child's place in the parent's array (so the
 * parent's block is not reallocated) and adopts it as its only child.
 * Removal does the reverse: a node left with no prefix and one child is
 * replaced by that child, and a node left empty is cut from its parent.
 */
#define G_LOG_DOMAIN "ipesim-ipv6"
#include "config.h"

#include "fib.h"

#define FIB_STRIDE 6u
/* Deepest node depth: the last multiple of FIB_STRIDE below 128. */
#define FIB_MAX_DEPTH (128u - 128u % FIB_STRIDE)
/* Nodes on a root-to-leaf path: depths 0, 6, ..., 126. */
#define FIB_MAX_LEVELS (FIB_MAX_DEPTH / FIB_STRIDE + 1)
/* Bytes of a key (two 64-bit halves) in a block. */
#define FIB_KEY_BYTES 16u

enum {
  FIB_BARE = 1,      /* no children, one prefix: the key is in the node */
  FIB_KEY_FIRST = 2, /* the block starts with the key, not the children */
};

typedef struct FibNode FibNode;
struct FibNode {
  uint64_t pfx; /* prefixes held here, by position */
  union {
    struct {
      uint64_t kids; /* child slots */
      void *arr;     /* the block: children, values and key (see block_size()) */
    };
    uint64_t key[2]; /* FIB_BARE: address bits [0, depth), the rest zero */
  };
  uint32_t v0;   /* the value when the node holds exactly one prefix */
  uint8_t depth; /* multiple of FIB_STRIDE, 0..FIB_MAX_DEPTH */
  uint8_t flags; /* FIB_BARE, FIB_KEY_FIRST */
};

struct _SimFib {
  FibNode root;
  size_t n_prefixes;
  size_t bytes; /* heap bytes, this struct included */
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

/* The 6 address bits [d, d+6); bits past 127 read as zero. */
SIM_INLINE unsigned
chunk_at(uint64_t hi, uint64_t lo, unsigned d)
{
  if (d <= 58)
    return (unsigned)(hi >> (58 - d)) & 63u;
  if (d >= 64)
    return d <= 122 ? (unsigned)(lo >> (122 - d)) & 63u : (unsigned)(lo << (d - 122)) & 63u;
  return (unsigned)((hi << (d - 58)) | (lo >> (122 - d))) & 63u;
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

/* A node that has children or two or more prefixes owns a block laid out
 * as [children][values][key], or [key][children][values] when the
 * allocator returned an address 16 bytes past a 32-byte boundary: either
 * way the 32-byte children never straddle a cache line. Values are
 * padded to 8 bytes so that a trailing key stays aligned. */
SIM_INLINE size_t
values_size(unsigned n_pfx)
{
  return n_pfx >= 2 ? (n_pfx * sizeof(uint32_t) + 7) & ~(size_t)7 : 0;
}

SIM_INLINE size_t
block_size(unsigned n_kids, unsigned n_pfx)
{
  if (n_kids == 0 && n_pfx < 2)
    return 0;
  return FIB_KEY_BYTES + n_kids * sizeof(FibNode) + values_size(n_pfx);
}

SIM_INLINE uint64_t
node_kidbits(const FibNode *n)
{
  return n->flags & FIB_BARE ? 0 : n->kids;
}

/* The children of a node that has a block. */
SIM_INLINE FibNode *
node_kids(const FibNode *n)
{
  return (FibNode *)((char *)n->arr + (n->flags & FIB_KEY_FIRST ? FIB_KEY_BYTES : 0));
}

SIM_INLINE uint32_t *
node_values(const FibNode *n)
{
  return (uint32_t *)(node_kids(n) + popcount64(n->kids));
}

/* The value at position @pos, which must be set. */
SIM_INLINE uint32_t
node_value(const FibNode *n, unsigned pos)
{
  if ((n->pfx & (n->pfx - 1)) == 0)
    return n->v0;
  return node_values(n)[popcount64(n->pfx & below(pos))];
}

/* Where the key of a bare node or a node with a block is. */
SIM_INLINE const uint64_t *
node_keyp(const FibNode *n)
{
  if (n->flags & FIB_BARE)
    return n->key;
  if (n->flags & FIB_KEY_FIRST)
    return n->arr;
  return (const uint64_t *)((const char *)node_values(n) + values_size(popcount64(n->pfx)));
}

/* The key of any node (the root's, at depth 0, is all zero and the root
 * may be empty). */
static void
node_key(const FibNode *n, uint64_t *hi, uint64_t *lo)
{
  if (n->depth == 0) {
    *hi = *lo = 0;
    return;
  }
  const uint64_t *k = node_keyp(n);
  *hi = k[0];
  *lo = k[1];
}

/* Gives @n (at its depth, with key @khi/@klo) the child slots @kids and
 * prefix positions @pfx and picks its representation: empty, bare, or
 * with a block. Children and values present before are kept (moved into
 * the new block); the one new child slot, if any, gets a copy of
 * *@new_kid and the one new position, if any, gets @new_value. */
static void
node_rebuild(SimFib *fib, FibNode *n, uint64_t khi, uint64_t klo, uint64_t kids, uint64_t pfx,
             const FibNode *new_kid, uint32_t new_value)
{
  unsigned nk = popcount64(kids), np = popcount64(pfx);
  uint64_t old_kids = node_kidbits(n);
  size_t size = block_size(nk, np);
  FibNode t = { .pfx = pfx, .depth = n->depth };
  uint32_t *vals = &t.v0;
  if (size) {
    char *base = g_malloc(size);
    t.arr = base;
    t.kids = kids;
    if (((uintptr_t)base & 31) == 16)
      t.flags = FIB_KEY_FIRST;
    FibNode *k = node_kids(&t);
    for (uint64_t m = kids; m; m &= m - 1) {
      unsigned v = lsb64(m);
      if (old_kids >> v & 1)
        *k++ = node_kids(n)[popcount64(old_kids & below(v))];
      else
        *k++ = *new_kid;
    }
    if (np >= 2)
      vals = (uint32_t *)k;
  } else if (np == 1) {
    t.flags = FIB_BARE;
  }
  for (uint64_t m = pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m);
    *vals++ = n->pfx >> pos & 1 ? node_value(n, pos) : new_value;
  }
  if (size || np == 1) {
    uint64_t *key = (uint64_t *)node_keyp(&t);
    key[0] = khi;
    key[1] = klo;
  }
  fib->bytes -= block_size(popcount64(old_kids), popcount64(n->pfx));
  fib->bytes += size;
  if (!(n->flags & FIB_BARE))
    g_free(n->arr);
  *n = t;
}

static void
node_free(FibNode *n)
{
  if (n->flags & FIB_BARE)
    return;
  FibNode *k = n->arr ? node_kids(n) : NULL;
  for (unsigned i = 0, nk = popcount64(n->kids); i < nk; i++)
    node_free(&k[i]);
  g_free(n->arr);
}

/* Reads an address as two host-order halves (sim_ip6_addr_hi() and _lo()
 * loop over bytes; this is one load and a byte swap each). */
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

/* The @pos value slot of @n, which holds that position. */
static uint32_t *
node_value_slot(FibNode *n, unsigned pos)
{
  if ((n->pfx & (n->pfx - 1)) == 0)
    return &n->v0;
  return &node_values(n)[popcount64(n->pfx & below(pos))];
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
  node_free(&fib->root);
  g_free(fib);
}

void
sim_fib_insert(SimFib *fib, const SimIp6Addr *prefix, unsigned len, uint32_t value)
{
  g_return_if_fail(fib != NULL && prefix != NULL);
  g_return_if_fail(len <= 128);
  g_return_if_fail(value != SIM_FIB_NONE);

  uint64_t hi, lo;
  load_prefix(prefix, len, &hi, &lo);
  FibNode *n = &fib->root;
  for (;;) {
    unsigned d = n->depth;
    uint64_t nkh, nkl;
    node_key(n, &nkh, &nkl);
    if (len < d + FIB_STRIDE) {
      unsigned pos = pfx_pos(hi, lo, d, len);
      if (n->pfx >> pos & 1) {
        *node_value_slot(n, pos) = value;
      } else {
        node_rebuild(fib, n, nkh, nkl, node_kidbits(n), n->pfx | UINT64_C(1) << pos, NULL, value);
        fib->n_prefixes++;
      }
      return;
    }
    unsigned v = chunk_at(hi, lo, d);
    uint64_t kids = node_kidbits(n);
    if (!(kids >> v & 1)) {
      /* A new bare leaf at the prefix's own depth, below a compressed
       * edge. */
      unsigned ld = len - len % FIB_STRIDE;
      FibNode leaf = { .depth = (uint8_t)ld };
      uint64_t lkh = hi, lkl = lo;
      mask_to(&lkh, &lkl, ld);
      node_rebuild(fib, &leaf, lkh, lkl, 0, UINT64_C(1) << pfx_pos(hi, lo, ld, len), NULL, value);
      node_rebuild(fib, n, nkh, nkl, kids | UINT64_C(1) << v, n->pfx, &leaf, 0);
      fib->n_prefixes++;
      return;
    }
    FibNode *c = node_kids(n) + popcount64(kids & below(v));
    uint64_t ckh, ckl;
    node_key(c, &ckh, &ckl);
    unsigned m = MIN(MIN(first_diff(hi, lo, ckh, ckl), len), c->depth);
    if (m >= c->depth) {
      n = c;
      continue;
    }
    /* The prefix leaves the compressed edge to c at bit m: put a node at
     * the last stride boundary up to m in c's place, with c below it. */
    unsigned b = m - m % FIB_STRIDE;
    g_assert(b >= d + FIB_STRIDE && b + FIB_STRIDE <= c->depth);
    FibNode split = { .depth = (uint8_t)b };
    uint64_t skh = hi, skl = lo;
    mask_to(&skh, &skl, b);
    node_rebuild(fib, &split, skh, skl, UINT64_C(1) << chunk_at(ckh, ckl, b), 0, c, 0);
    *c = split;
    n = c;
  }
}

gboolean
sim_fib_remove(SimFib *fib, const SimIp6Addr *prefix, unsigned len)
{
  g_return_val_if_fail(fib != NULL && prefix != NULL, FALSE);
  g_return_val_if_fail(len <= 128, FALSE);

  uint64_t hi, lo;
  load_prefix(prefix, len, &hi, &lo);
  FibNode *path[FIB_MAX_LEVELS];
  unsigned slot[FIB_MAX_LEVELS];
  unsigned n_path = 0;
  FibNode *n = &fib->root;
  while (len >= n->depth + FIB_STRIDE) {
    unsigned v = chunk_at(hi, lo, n->depth);
    uint64_t kids = node_kidbits(n);
    if (!(kids >> v & 1))
      return FALSE;
    FibNode *c = node_kids(n) + popcount64(kids & below(v));
    uint64_t ckh, ckl;
    node_key(c, &ckh, &ckl);
    if (c->depth > len || first_diff(hi, lo, ckh, ckl) < c->depth)
      return FALSE;
    path[n_path] = n;
    slot[n_path++] = v;
    n = c;
  }
  unsigned pos = pfx_pos(hi, lo, n->depth, len);
  if (!(n->pfx >> pos & 1))
    return FALSE;
  uint64_t nkh, nkl;
  node_key(n, &nkh, &nkl);
  node_rebuild(fib, n, nkh, nkl, node_kidbits(n), n->pfx & ~(UINT64_C(1) << pos), NULL, 0);
  fib->n_prefixes--;

  /* Restore "a prefix or two children" on the way up. Only the node
   * itself and, when it is cut, its parent can break it. */
  while (n_path > 0 && n->pfx == 0 && popcount64(node_kidbits(n)) <= 1) {
    FibNode *parent = path[--n_path];
    if (node_kidbits(n) == 0) {
      uint64_t pkh, pkl;
      node_key(parent, &pkh, &pkl);
      node_rebuild(fib, parent, pkh, pkl, node_kidbits(parent) & ~(UINT64_C(1) << slot[n_path]),
                   parent->pfx, NULL, 0);
      n = parent;
    } else {
      FibNode only = node_kids(n)[0];
      fib->bytes -= block_size(1, 0);
      g_free(n->arr);
      *n = only;
      break;
    }
  }
  return TRUE;
}

uint32_t
sim_fib_lookup(const SimFib *fib, const SimIp6Addr *addr, unsigned *matched_len)
{
  g_return_val_if_fail(fib != NULL && addr != NULL, SIM_FIB_NONE);

  uint64_t hi, lo;
  load_addr(addr, &hi, &lo);
  /* Walk down on the address chunks alone, noting the longest match in
   * each node; the keys are checked once, at the end. */
  const FibNode *cand[FIB_MAX_LEVELS];
  unsigned cand_pos[FIB_MAX_LEVELS];
  unsigned k = 0;
  const FibNode *n = &fib->root;
  for (;;) {
    unsigned v = chunk_at(hi, lo, n->depth);
    uint64_t m = n->pfx & match_mask[v];
    if (m) {
      cand[k] = n;
      cand_pos[k++] = msb64(m);
    }
    if (n->flags & FIB_BARE || !(n->kids >> v & 1))
      break;
    n = node_kids(n) + popcount64(n->kids & below(v));
  }
  if (k == 0)
    return SIM_FIB_NONE;
  /* The keys on the path extend one another, so the address agrees with
   * the deepest key on its first c bits and with the key of every node
   * at depth <= c: exactly those candidates are real matches. */
  if (n->depth > 0) {
    const uint64_t *key = node_keyp(n);
    unsigned c = first_diff(hi, lo, key[0], key[1]);
    while (cand[k - 1]->depth > c)
      if (--k == 0)
        return SIM_FIB_NONE;
  }
  const FibNode *best = cand[k - 1];
  unsigned pos = cand_pos[k - 1];
  if (matched_len)
    *matched_len = best->depth + pos_len(pos);
  return node_value(best, pos);
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
    uint64_t kids = node_kidbits(n);
    if (!(kids >> v & 1))
      return SIM_FIB_NONE;
    n = node_kids(n) + popcount64(kids & below(v));
    uint64_t kh, kl;
    node_key(n, &kh, &kl);
    if (n->depth > len || first_diff(hi, lo, kh, kl) < n->depth)
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
  uint64_t khi = 0, klo = 0;
  if (n->pfx)
    node_key(n, &khi, &klo);
  uint64_t starts = 0; /* slots at which some prefix of this node starts */
  for (uint64_t m = n->pfx; m; m &= m - 1) {
    unsigned pos = lsb64(m), l = pos_len(pos);
    starts |= UINT64_C(1) << ((pos - ((1u << l) - 1)) << (FIB_STRIDE - l));
  }
  uint64_t kids = node_kidbits(n);
  for (uint64_t m = starts | kids; m; m &= m - 1) {
    unsigned s = lsb64(m);
    if (starts >> s & 1) {
      for (unsigned l = 0; l < FIB_STRIDE && d + l <= 128; l++) {
        if (s & below(FIB_STRIDE - l))
          continue; /* s is not where a prefix of length l starts */
        unsigned pos = (1u << l) - 1 + (s >> (FIB_STRIDE - l));
        if (!(n->pfx >> pos & 1))
          continue;
        uint64_t hi = khi, lo = klo;
        chunk_put(&hi, &lo, d, s);
        SimIp6Addr a = sim_ip6_addr_from_halves(hi, lo);
        if (fn(&a, d + l, node_value(n, pos), data))
          return TRUE;
      }
    }
    if (kids >> s & 1 && node_foreach(node_kids(n) + popcount64(kids & below(s)), fn, data))
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
