/* deep-exit.c: recurse 1000 deep, then exit(3) from the bottom. */
#include <stdio.h>
#include <stdlib.h>

__attribute__ ((noipa)) static void
descend (int n)
{
  if (n == 0)
    {
      fflush (stdout);
      exit (3);
    }
  descend (n - 1);
}

int
main (void)
{
  descend (999);
  return 0;
}
