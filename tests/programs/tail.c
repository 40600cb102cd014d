/* tail.c: void leaf functions, built as users build (-O2): GCC reaches
 * their exit hook by a tail jump, after the frame is torn down.
 * main calls touch() N times and outer() once; outer() calls touch() twice. */
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

__attribute__ ((noipa)) static void
touch (void)
{
  sink++;
}

__attribute__ ((noipa)) static void
outer (void)
{
  touch ();
  touch ();
}

int
main (int    argc,
      char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 10;
  long i;

  for (i = 0; i < n; i++)
    touch ();
  outer ();
  printf ("%ld\n", (long) sink);
  return 0;
}
