/* The benchmarks' clocks: wall time, and the process's CPU time (all its threads), which
 * unlike the wall clock is not inflated by other load on a shared machine. */
#ifndef HAVEN_BENCH_CLOCK_H
#define HAVEN_BENCH_CLOCK_H

#include <time.h>

static inline double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
