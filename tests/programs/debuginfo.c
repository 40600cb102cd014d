/* debuginfo.c: a program whose functions' lines the test knows, compiled
 * by tests/debuginfo.sh with each compiler and DWARF flavour it finds. */
#include <stdio.h>

static int __attribute__ ((noinline))
leaf (int x)
{
  return x * 3 + 1;
}

int __attribute__ ((noinline))
work (int n)
{
  int sum = 0;

  for (int i = 0; i < n; i++)
    sum += leaf (i);
  return sum;
}

int
main (void)
{
  printf ("%d\n", work (1000));
  return 0;
}
