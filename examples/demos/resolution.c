/* resolution.c: demo 2, a timer that ticks less often than calls end.
 *
 * short_task () takes some twenty-five microseconds. A clock that ticks
 * every few milliseconds (CLOCK_MONOTONIC_COARSE, times ()) reads the
 * same value before and after almost every call, so most calls measure 0;
 * the few that straddle a tick measure a whole tick. Added up over enough
 * calls, the ticks still come out right on average.
 */
#include "config.h"

#include "demo-work.h"
#include "workloads.h"

void
short_task (void)
{
  demo_work (SHORT_TASK_UNITS);
}

void
resolution_run (long n)
{
  long i;

  for (i = 0; i < n; i++)
    short_task ();
}
