/* shape-work.c: a function whose work is K steps of a dependent chain,
 * for bench/overhead-shape. Built twice, with and without
 * -finstrument-functions, under two names (SHAPE_WORK). */
#ifndef SHAPE_WORK
#error "build with -DSHAPE_WORK=name"
#endif

long SHAPE_WORK (long k, long x);

__attribute__ ((noipa)) long
SHAPE_WORK (long k,
            long x)
{
  long i;

  for (i = 0; i < k; i++)
    {
      x = x * 3 + 1;
      __asm__ volatile ("" : "+r" (x));
    }
  return x;
}
