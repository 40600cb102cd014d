/* busy-and-idle.c: tiny() does almost nothing and is called a million
 * times; big() does a lot and is called ten times. Uninstrumented, both
 * take about a millisecond in all, so an honest profiler shows them within
 * a small factor of each other, not a hundred.
 *
 * make demo shows the same effect with its truth and its correction
 * (examples/demos/overhead.c, demo 1 of doc/teaching-demos.md). */
#include <stdio.h>

static volatile unsigned long sink;

__attribute__ ((noipa)) static void
tiny (unsigned long i)
{
  sink += i;
}

__attribute__ ((noipa)) static void
big (void)
{
  unsigned long i;

  for (i = 0; i < 100000; i++)
    sink += i;
}

int
main (void)
{
  unsigned long i;

  for (i = 0; i < 1000000; i++)
    tiny (i);
  for (i = 0; i < 10; i++)
    big ();
  printf ("done\n");
  return 0;
}
