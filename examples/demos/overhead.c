/* overhead.c: demos 1 and 3, accumulated overhead and a bias too large.
 *
 * tiny () does almost nothing and is called a million times; big () does
 * a lot and is called ten times. Without a profiler, big ()'s ten calls
 * take about four times as long in all as tiny ()'s million.
 *
 * Under the profiler, every call and every return also costs the
 * profiler's own hidden time, a few nanoseconds charged to whichever
 * function is running. tiny () runs for one stretch per call, so it pays
 * that cost a million times; big () pays it ten times. Uncorrected, tiny ()
 * comes out several times dearer than it is, and dearer than big ().
 */
#include "config.h"

#include "demo-work.h"
#include "workloads.h"

void
tiny (void)
{
  demo_work (TINY_UNITS);
}

void
big (void)
{
  demo_work (BIG_UNITS);
}

void
overhead_run (long n_tiny,
              long n_big)
{
  long i;

  for (i = 0; i < n_tiny; i++)
    tiny ();
  for (i = 0; i < n_big; i++)
    big ();
}
