/* inline.c: a call tree as -O2 reshapes it. Built -O2, -O3 and -fno-inline
 * with gcc, and -O2 with clang (with and without
 * -finstrument-functions-after-inlining): every build must give the call
 * tree of the -fno-inline one, less, after inlining, the functions clang
 * inlined (they make no events then).
 *
 * main calls outer(N) once; outer calls, N times each: helper (a static
 * inline function gcc inlines into it), leaf (never inlined), twice
 * (small and static: inlined at -O2; it calls helper and leaf), forced
 * (always inlined, even with -fno-inline) and leaf through a pointer;
 * then rec(5), which recurses and calls helper at every level. */
#include <stdio.h>
#include <stdlib.h>

static inline int
helper (int x)
{
  return x * 3 + 1;
}

static inline __attribute__ ((always_inline)) int
forced (int x)
{
  return x ^ 0x55;
}

__attribute__ ((noinline)) int
leaf (int x)
{
  return x ^ 5;
}

static int (*volatile indirect) (int) = leaf;

static int
twice (int x)
{
  return helper (x) + leaf (x);
}

__attribute__ ((noinline)) static int
rec (int n)
{
  if (n <= 0)
    return 0;
  return 1 + rec (n - 1) + helper (n);
}

__attribute__ ((noinline)) int
outer (int n)
{
  int s = 0;
  int i;

  for (i = 0; i < n; i++)
    {
      s += helper (i);
      s += leaf (s);
      s += twice (i);
      s += forced (i);
      s += indirect (i);
    }
  return s + rec (5);
}

int
main (int    argc,
      char **argv)
{
  printf ("%d\n", outer (argc > 1 ? (int) strtol (argv[1], NULL, 10) : 1000));
  return 0;
}
