/* vecmath.c: the uninstrumented library of demo 4 (see library.c).
 *
 * The profiler never hears of these functions: no event, no row in the
 * report, and no overhead. All their time is charged to whoever called
 * into the library.
 */
#include "config.h"

#include "demo-work.h"
#include "vecmath.h"

static long
vecmath_square (long x)
{
  demo_work (SQUARE_UNITS);
  return x * x;
}

long
vecmath_sum_of_squares (long n)
{
  long sum = 0;
  long i;

  for (i = 0; i < n; i++)
    sum += vecmath_square (i);
  return sum;
}
