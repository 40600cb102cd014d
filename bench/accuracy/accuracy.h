/* accuracy.h: what the accuracy workloads share.
 *
 * Each workload is one source file compiled three ways: plain (the truth),
 * with -finstrument-functions (what detprof and uftrace profile, and what
 * runs on glibc's no-op hooks when no profiler is loaded), and with -pg
 * (what gprof profiles). The workload functions are noipa, so that every
 * build makes exactly the same calls.
 *
 * A workload program has two modes:
 *
 *   PROGRAM            runs the workload and prints "elapsed_ns N cpu_ns M",
 *                      the CLOCK_MONOTONIC time around the work only
 *                      (start-up, set-up and exit are left out), and the
 *                      process CPU time over the same stretch: when the
 *                      machine is busy, the first exceeds the second;
 *   PROGRAM --truth    times each workload function in isolation and prints
 *                      "name self_ns_per_call calls_in_workload" per line:
 *                      the function is called in a loop, the time of the
 *                      same loop without the call is taken off, and the
 *                      median of several repeats is kept. Truth self time of
 *                      the function in the workload = per call x calls.
 *                      A workload made of phases (four-phases) also prints
 *                      "phase NAME cumulative_ns" per phase: the time of
 *                      one call of the phase function NAME, its callees'
 *                      included, timed as a whole (median of the repeats).
 *
 * The helpers here are never instrumented: they must not show in a profile.
 */
#pragma once

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOT_PROFILED __attribute__ ((no_instrument_function))
/* noipa: not inlined, and no interprocedural shortcuts either (no
 * constant propagation into the function, no cloning), so the plain build
 * makes the same calls as the instrumented one. clang has no noipa. */
#if defined(__clang__)
#define WORKLOAD __attribute__ ((noinline))
#else
#define WORKLOAD __attribute__ ((noipa))
#endif

/* Repeats of each isolated measurement; the median is kept. Not the
 * best: a profile times one ordinary run, and the luckiest of nine
 * repeats is about 1 % faster than that (on a quiet machine, the best
 * truths of coarse and medium add up to 99.1 % of their workload's run,
 * the medians to 100.0 %). */
#define TRUTH_REPEATS 9

/* Results land here, so that the compiler cannot drop the work. */
static volatile uint64_t sink;

NOT_PROFILED static inline double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

NOT_PROFILED static inline int
compare_ns (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median of TRUTH_REPEATS times (sorts them). */
NOT_PROFILED static inline double
median_ns (double *times)
{
  qsort (times, TRUTH_REPEATS, sizeof times[0], compare_ns);
  return times[TRUTH_REPEATS / 2];
}

/* Median time of TRUTH_REPEATS runs of K iterations of STMT, in ns.
 * The empty asm keeps the loop a loop (no vectorising, no hoisting). */
#define MEDIAN_LOOP_NS(result, k, stmt)                        \
  do                                                           \
    {                                                          \
      double times_[TRUTH_REPEATS];                            \
      int r_;                                                  \
      for (r_ = 0; r_ < TRUTH_REPEATS; r_++)                   \
        {                                                      \
          double t0_ = now_ns ();                              \
          long i_;                                             \
          for (i_ = 0; i_ < (long) (k); i_++)                  \
            {                                                  \
              stmt;                                            \
              __asm__ volatile ("" ::: "memory");              \
            }                                                  \
          times_[r_] = now_ns () - t0_;                        \
        }                                                      \
      (result) = median_ns (times_);                           \
    }                                                          \
  while (0)

/* Per-call time of STMT (which makes one call), K calls per repeat, with
 * the loop's own cost (the same loop running BASELINE instead) taken off. */
#define PER_CALL_NS(result, k, stmt, baseline)                 \
  do                                                           \
    {                                                          \
      double with_, without_;                                  \
      MEDIAN_LOOP_NS (with_, k, stmt);                         \
      MEDIAN_LOOP_NS (without_, k, baseline);                  \
      (result) = (with_ - without_) / (double) (k);            \
    }                                                          \
  while (0)

NOT_PROFILED static inline double
cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

/* Wall-clock and CPU time around the work. */
typedef struct
{
  double wall;
  double cpu;
} Stopwatch;

NOT_PROFILED static inline void
stopwatch_start (Stopwatch *watch)
{
  watch->cpu = cpu_ns ();
  watch->wall = now_ns ();
}

NOT_PROFILED static inline void
stopwatch_print (const Stopwatch *watch)
{
  double wall = now_ns () - watch->wall;
  double cpu = cpu_ns () - watch->cpu;

  printf ("elapsed_ns %.0f cpu_ns %.0f\n", wall, cpu);
}

NOT_PROFILED static inline void
print_truth (const char *name,
             double      ns_per_call,
             long        calls)
{
  printf ("%s %.4f %ld\n", name, ns_per_call, calls);
}

/* A phase's truth: the cumulative time of one call of its function. */
NOT_PROFILED static inline void
print_phase_truth (const char *name,
                   double      cumulative_ns)
{
  printf ("phase %s %.1f\n", name, cumulative_ns);
}

NOT_PROFILED static inline int
truth_mode (int    argc,
            char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--truth") == 0)
    return 1;
  if (argc > 1)
    {
      fprintf (stderr, "usage: %s [--truth]\n", argv[0]);
      exit (2);
    }
  return 0;
}

/* A small deterministic generator for set-up (schedules, shuffles). */
NOT_PROFILED static inline uint64_t
setup_random (uint64_t *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}

/* The order a driver calls its @n_functions functions in: function f
 * calls[f] times, shuffled the same way every run. Sets @n to the length. */
NOT_PROFILED static inline unsigned char *
make_schedule (const long *calls,
               int         n_functions,
               long       *n)
{
  uint64_t state = 88172645463325252ULL;
  unsigned char *schedule;
  long total = 0, i, j;
  int f;

  for (f = 0; f < n_functions; f++)
    total += calls[f];
  schedule = malloc ((size_t) total);
  if (schedule == NULL)
    abort ();
  for (f = 0, i = 0; f < n_functions; f++)
    for (j = 0; j < calls[f]; j++)
      schedule[i++] = (unsigned char) f;
  for (i = total - 1; i > 0; i--)
    {
      unsigned char t;

      j = (long) (setup_random (&state) % (uint64_t) (i + 1));
      t = schedule[i];
      schedule[i] = schedule[j];
      schedule[j] = t;
    }
  *n = total;
  return schedule;
}
