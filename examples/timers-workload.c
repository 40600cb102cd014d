/* timers-workload.c: the code examples/timers profiles under each timer.
 *
 * It spends three kinds of time, so that the timers disagree in ways you
 * can explain: crunch() computes (CPU time in user mode), nap() sleeps (wall
 * time, but no CPU time at all) and ask_kernel() makes system calls (CPU
 * time in kernel mode).
 *
 * This file is built as you build code you want to profile, with
 * -finstrument-functions (and -fno-inline, so that mix() stays a call);
 * the examples' own code is not, since the profiler must not see itself.
 */
#include "config.h"

#include <time.h>
#include <unistd.h>

#include "timers-workload.h"

static volatile unsigned long sink;

/* A few nanoseconds of arithmetic: the kind of call whose time is smaller
 * than a coarse timer's tick. */
unsigned long
mix (unsigned long x)
{
  return (x * 2654435761u) ^ (x >> 13);
}

void
crunch (void)
{
  unsigned long i, j;

  for (i = 0; i < 1000; i++)
    {
      sink += mix (i);
      for (j = 0; j < 1000; j++)
        sink += j ^ i;
    }
}

void
nap (void)
{
  struct timespec five_ms = { 0, 5 * 1000 * 1000 };

  nanosleep (&five_ms, NULL);
}

void
ask_kernel (void)
{
  int i;

  for (i = 0; i < 20000; i++)
    sink += (unsigned long) getppid ();
}

/* 1 + 10 + 10 * 1000 + 4 + 1 = 10016 calls, under every timer. */
void
timers_workload_run (void)
{
  int i;

  for (i = 0; i < 10; i++)
    crunch ();
  for (i = 0; i < 4; i++)
    nap ();
  ask_kernel ();
}
