/* cpu-share.c: how much of a processor a program gets right now, for
 * examples/demo.sh.
 *
 *   cpu-share
 *
 * Spins for a tenth of a second of wall time and prints the processor time
 * it got in that while, in whole percent of the wall time: 100 on a
 * machine with a processor to spare, about 67 when three programs that
 * never wait share two processors. The load average says the same a
 * minute later; the demos need to know now, before each claim.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#define SPIN_SECONDS 0.1

static double
seconds (clockid_t clock)
{
  struct timespec now;

  if (clock_gettime (clock, &now) != 0)
    return -1.0;
  return (double) now.tv_sec + (double) now.tv_nsec * 1e-9;
}

int
main (void)
{
  double wall_start = seconds (CLOCK_MONOTONIC);
  double cpu_start = seconds (CLOCK_PROCESS_CPUTIME_ID);
  double wall, cpu, share;

  if (wall_start < 0.0 || cpu_start < 0.0)
    {
      perror ("cpu-share: clock_gettime");
      return 1;
    }
  do
    wall = seconds (CLOCK_MONOTONIC) - wall_start;
  while (wall < SPIN_SECONDS);
  cpu = seconds (CLOCK_PROCESS_CPUTIME_ID) - cpu_start;

  /* The two clocks tick apart: a whole processor can read 100.3 %. */
  share = 100.0 * cpu / wall;
  printf ("%.0f\n", share > 100.0 ? 100.0 : share);
  return 0;
}
