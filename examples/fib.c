/* fib.c: the classic recursive Fibonacci, a profiler's hardest case:
 * millions of calls, each doing a few nanoseconds of work.
 * Usage: fib [N] (default 25). */
#include <stdio.h>
#include <stdlib.h>

__attribute__ ((noipa)) static long
fib (int n)
{
  if (n < 2)
    return n;
  return fib (n - 1) + fib (n - 2);
}

int
main (int    argc,
      char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 25;

  printf ("fib(%d) = %ld\n", n, fib (n));
  return 0;
}
