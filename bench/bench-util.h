/* bench-util.h - small helpers shared by the benchmarks. */
#ifndef IPESIM_BENCH_UTIL_H
#define IPESIM_BENCH_UTIL_H

#include <stdint.h>

/* Monotonic wall clock, seconds. */
double bench_wall_seconds(void);
/* CPU time of this process, seconds. */
double bench_cpu_seconds(void);
/* Peak resident set size of this process, KiB. */
long bench_peak_rss_kb(void);

#endif
