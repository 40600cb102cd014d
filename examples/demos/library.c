/* library.c: demo 4, uninstrumented code looks free.
 *
 * by_hand () and with_library () compute the same sum of squares with the
 * same loop: by_hand () in our own, instrumented code, with_library () by
 * calling vecmath.c, a library built without -finstrument-functions.
 * Without a profiler, they take about the same time.
 *
 * The profiler sees square () called n times, and charges it the hidden
 * cost of 2n events. It sees nothing inside the library: no rows, no
 * events, no overhead; the library's time is with_library ()'s own time.
 * Uncorrected, the library looks cheaper than the same code of ours.
 */
#include "config.h"

#include "demo-work.h"
#include "vecmath.h"
#include "workloads.h"

long
square (long x)
{
  demo_work (SQUARE_UNITS);
  return x * x;
}

long
by_hand (long n)
{
  long sum = 0;
  long i;

  for (i = 0; i < n; i++)
    sum += square (i);
  return sum;
}

long
with_library (long n)
{
  return vecmath_sum_of_squares (n);
}

/* 0: both ways give the same sum. */
long
library_run (long n)
{
  return by_hand (n) - with_library (n);
}
