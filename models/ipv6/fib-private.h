/* fib-private.h - what the IPv6 layer reads of a FIB inline (never
 * installed). */
#ifndef IPESIM_FIB_PRIVATE_H
#define IPESIM_FIB_PRIVATE_H

#include "fib.h"

/* The first member of every SimFib. */
typedef struct {
  uint64_t generation; /* changes with every insert and remove */
} FibHead;

/* sim_fib_generation() without the call: lookup caches check it per packet. */
SIM_INLINE uint64_t
sim__fib_generation(const SimFib *fib)
{
  return ((const FibHead *)(const void *)fib)->generation;
}

#endif /* IPESIM_FIB_PRIVATE_H */
