/* fib.h - the IPv6 forwarding table: longest-prefix match from prefixes
 * to 32-bit values.
 *
 * A SimFib maps prefixes (an address and a length 0..128) to values that
 * the caller chooses, typically next-hop group indices. Lookups return the
 * value of the longest prefix that contains an address; they allocate
 * nothing, take no locks and never modify the table, so any number of
 * threads may look up in one table that nobody is changing. Inserts and
 * removals are meant for setup time and routing-protocol updates.
 *
 * An empty table is one 80-byte block (LP64); a table takes about 55
 * bytes per prefix, and about 130-160 when it is large enough for the
 * length search (see sim_fib_set_length_search() and docs/performance.md).
 */
#ifndef IPESIM_FIB_H
#define IPESIM_FIB_H

#include "ip6addr.h"

G_BEGIN_DECLS

/* The value reported when no prefix matches; never a stored value. */
#define SIM_FIB_NONE UINT32_MAX

typedef struct _SimFib SimFib;

/**
 * sim_fib_new:
 *
 * Creates an empty table.
 *
 * Returns: (transfer full): the table; free with sim_fib_free().
 */
SIM_API SimFib *sim_fib_new(void);

/**
 * sim_fib_free:
 * @fib: (nullable): a table
 *
 * Frees @fib and everything it holds.
 */
SIM_API void sim_fib_free(SimFib *fib);

/**
 * sim_fib_insert:
 * @fib: a table
 * @prefix: the prefix address; bits beyond @len are ignored
 * @len: the prefix length, 0..128
 * @value: the value to store, anything but SIM_FIB_NONE
 *
 * Maps @prefix/@len to @value, replacing the value of that prefix if it
 * is already present.
 */
SIM_API void sim_fib_insert(SimFib *fib, const SimIp6Addr *prefix, unsigned len, uint32_t value);

/**
 * sim_fib_remove:
 * @fib: a table
 * @prefix: the prefix address; bits beyond @len are ignored
 * @len: the prefix length, 0..128
 *
 * Removes @prefix/@len from the table. Shorter prefixes that contain it
 * match its addresses again.
 *
 * Returns: TRUE if the prefix was present.
 */
SIM_API gboolean sim_fib_remove(SimFib *fib, const SimIp6Addr *prefix, unsigned len);

/**
 * sim_fib_lookup:
 * @fib: a table
 * @addr: the address to look up
 * @matched_len: (out) (optional): the length of the matching prefix; left
 *   untouched when nothing matches
 *
 * Finds the longest prefix in @fib that contains @addr. Allocates nothing
 * and does not modify @fib.
 *
 * Returns: that prefix's value, or SIM_FIB_NONE if no prefix matches.
 */
SIM_API uint32_t sim_fib_lookup(const SimFib *fib, const SimIp6Addr *addr, unsigned *matched_len);

/**
 * sim_fib_get:
 * @fib: a table
 * @prefix: the prefix address; bits beyond @len are ignored
 * @len: the prefix length, 0..128
 *
 * Exact-match read of one prefix (no longest-match fallback).
 *
 * Returns: the value of @prefix/@len, or SIM_FIB_NONE if it is absent.
 */
SIM_API uint32_t sim_fib_get(const SimFib *fib, const SimIp6Addr *prefix, unsigned len);

/**
 * sim_fib_size:
 * @fib: a table
 *
 * Returns: the number of prefixes in @fib.
 */
SIM_API size_t sim_fib_size(const SimFib *fib);
/* A counter that changes with every insert and remove: lookups cached by
 * (address, generation) stay valid while it holds. */
SIM_API uint64_t sim_fib_generation(const SimFib *fib);

/**
 * sim_fib_memory:
 * @fib: a table
 *
 * The heap bytes that @fib has requested, the SimFib itself included
 * (the allocator's own per-block overhead is not counted).
 *
 * Returns: a byte count.
 */
SIM_API size_t sim_fib_memory(const SimFib *fib);

/**
 * SimFibFunc:
 * @prefix: the prefix address, bits beyond @len zero
 * @len: the prefix length
 * @value: its value
 * @data: the caller's data
 *
 * Called by sim_fib_foreach() once per prefix.
 *
 * Returns: TRUE to stop the iteration, FALSE to go on (as GTraverseFunc).
 */
typedef gboolean (*SimFibFunc)(const SimIp6Addr *prefix, unsigned len, uint32_t value, void *data);

/**
 * sim_fib_foreach:
 * @fib: a table
 * @fn: called for each prefix
 * @data: passed to @fn
 *
 * Calls @fn for every prefix in prefix order: by address, and a shorter
 * prefix before the longer ones it contains (2001:db8::/32,
 * 2001:db8::/48, 2001:db8:0:1::/64, 2001:db8:1::/48, ...). @fn must not
 * change @fib.
 */
SIM_API void sim_fib_foreach(const SimFib *fib, SimFibFunc fn, void *data);

/**
 * sim_fib_set_length_search:
 * @fib: a table
 * @allow: whether large tables may use the length search
 *
 * Large tables (4096 prefixes or more) with few distinct prefix lengths
 * (up to 16) are looked up by a binary search on the prefix lengths over
 * one hash table per length, kept up to date with the trie on every
 * change. Where the prefixes follow an addressing plan it is about twice
 * as fast as the trie once the table outgrows the CPU caches, for about
 * twice the memory and build time; with prefixes that share no structure
 * (uniformly random bits) it is about a quarter slower. It is allowed by
 * default; forbidding it frees its tables and leaves lookups to the trie.
 * Results are the same either way.
 */
SIM_API void sim_fib_set_length_search(SimFib *fib, gboolean allow);

/**
 * sim_fib_uses_length_search:
 * @fib: a table
 *
 * Returns: TRUE if lookups in @fib currently go through the length
 *   search (see sim_fib_set_length_search()).
 */
SIM_API gboolean sim_fib_uses_length_search(const SimFib *fib);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimFib, sim_fib_free)

G_END_DECLS

#endif /* IPESIM_FIB_H */
