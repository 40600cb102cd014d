/* depth-profiler-workload.c: recursion, for examples/depth-profiler.
 *
 * fib() calls itself directly; is_even() and is_odd() call each other, so
 * each of them is recursive only every second frame. Built with
 * -finstrument-functions, as code under detprof is.
 */
#include "config.h"

#include "depth-profiler-workload.h"

static volatile long sink;

/* fib (n) is n activations deep at its deepest, and makes
 * 2 * fib (n + 1) - 1 calls in all. */
long
fib (int n)
{
  if (n < 2)
    return n;
  return fib (n - 1) + fib (n - 2);
}

int
is_even (unsigned int n)
{
  return n == 0 ? 1 : is_odd (n - 1);
}

int
is_odd (unsigned int n)
{
  return n == 0 ? 0 : is_even (n - 1);
}

/* depth_workload_run -> fib (10): fib recurses 10 deep, under a stack 11 deep.
 * depth_workload_run -> is_even (7) -> is_odd (6) -> ... -> is_odd (0):
 * a stack 9 deep, but each function is open only 4 times at once. */
void
depth_workload_run (void)
{
  sink = fib (10);
  sink = is_even (7);
}
