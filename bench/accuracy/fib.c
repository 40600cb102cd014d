/* fib.c: fib(30), a profiler's hardest case: 2,692,537 calls of a function
 * that does almost nothing, a few nanoseconds each. An uncorrected profile
 * of it measures mostly the profiler. The figure that matters: the
 * top-level cumulative time of fib against the uninstrumented run.
 * Usage: fib [--truth]; see accuracy.h. */
#include "accuracy.h"

#define N 30

/* The empty asm stops gcc from turning the second call into a loop (an
 * accumulator), which it does in the plain build but cannot do in the
 * instrumented one: both builds must make the same calls. */
WORKLOAD static long
fib (int n)
{
  long r;

  if (n < 2)
    return n;
  r = fib (n - 1) + fib (n - 2);
  __asm__ ("" : "+r" (r));
  return r;
}

WORKLOAD static long
run_workload (int n)
{
  return fib (n);
}

/* fib (n) makes 2 fib (n + 1) - 1 calls, itself included. */
NOT_PROFILED static long
calls_of_fib (int n)
{
  long a = 0, b = 1, t;
  int i;

  for (i = 0; i < n + 1; i++)
    {
      t = a + b;
      a = b;
      b = t;
    }
  return 2 * a - 1;
}

/* All of fib's time is its own: per call = one fib (N) / its calls. */
NOT_PROFILED static void
measure_truth (void)
{
  double ns;
  long r = 0;

  MEDIAN_LOOP_NS (ns, 1, r += fib (N));
  sink = (uint64_t) r;
  print_truth ("fib", ns / (double) calls_of_fib (N), calls_of_fib (N));
}

NOT_PROFILED int
main (int    argc,
      char **argv)
{
  Stopwatch watch;

  if (truth_mode (argc, argv))
    {
      measure_truth ();
      return 0;
    }
  stopwatch_start (&watch);
  sink = (uint64_t) run_workload (N);
  stopwatch_print (&watch);
  return 0;
}
