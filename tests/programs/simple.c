/* simple.c: main calls middle 3 times; middle calls leaf N times.
 * Usage: simple [N [STATUS]]: exits with STATUS (default 0), or aborts
 * (SIGABRT) if STATUS is "abort". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__ ((noipa)) static int
leaf (int x)
{
  return x * 2 + 1;
}

__attribute__ ((noipa)) static int
middle (int n)
{
  int s = 0;
  int i;

  for (i = 0; i < n; i++)
    s += leaf (i);
  return s;
}

int
main (int    argc,
      char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 10;
  int status = argc > 2 ? atoi (argv[2]) : 0;
  int s = 0;
  int i;

  for (i = 0; i < 3; i++)
    s += middle (n);
  printf ("%d\n", s);
  if (argc > 2 && strcmp (argv[2], "abort") == 0)
    abort ();
  return status;
}
