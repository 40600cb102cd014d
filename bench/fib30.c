/* fib30.c: fib(30), 2,692,537 calls of a function that does almost nothing.
 * It times its own fib(30) with CLOCK_MONOTONIC (libc, never instrumented)
 * and prints "elapsed_ns calls", so a profiler's start-up and report are
 * left out of the figure. Usage: fib30 [N] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long calls;

__attribute__ ((noipa)) static long
fib (int n)
{
  long sum;

  calls++;
  if (n < 2)
    return n;
  sum = fib (n - 1) + fib (n - 2);
  /* Without this, GCC turns the second call into a loop (an accumulator)
   * in the uninstrumented build only, and the two builds no longer make
   * the same calls. */
  __asm__ volatile ("" : "+r" (sum));
  return sum;
}

int
main (int    argc,
      char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 30;
  struct timespec a, b;
  long result;

  clock_gettime (CLOCK_MONOTONIC, &a);
  result = fib (n);
  clock_gettime (CLOCK_MONOTONIC, &b);
  printf ("%.0f %ld %ld\n",
          (double) (b.tv_sec - a.tv_sec) * 1e9 + (double) (b.tv_nsec - a.tv_nsec), calls, result);
  return 0;
}
