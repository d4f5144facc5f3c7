/* simdefs.h - common definitions for every ipesim header.
 *
 * Export macro (the library is built with -fvisibility=hidden: only
 * functions marked SIM_API are part of the ABI), C++ guards and the few
 * attributes used across the public headers.
 */
#ifndef IPESIM_SIMDEFS_H
#define IPESIM_SIMDEFS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(IPESIM_COMPILATION) && defined(__GNUC__)
#define SIM_API __attribute__((visibility("default")))
#else
#define SIM_API
#endif

#if defined(__GNUC__)
#define SIM_LIKELY(x) __builtin_expect(!!(x), 1)
#define SIM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SIM_INLINE static inline __attribute__((always_inline))
#else
#define SIM_LIKELY(x) (x)
#define SIM_UNLIKELY(x) (x)
#define SIM_INLINE static inline
#endif

#endif /* IPESIM_SIMDEFS_H */
