/* fib-workload.c: fib(n), the recursive function a profiler finds
 * hardest: a few nanoseconds of work per call. Built twice, with and
 * without -finstrument-functions, under two names (FIB_NAME), so that one
 * program can time the truth and profile the same code. */
#ifndef FIB_NAME
#error "build with -DFIB_NAME=name"
#endif

long FIB_NAME (int n);

__attribute__ ((noipa)) long
FIB_NAME (int n)
{
  long sum;

  if (n < 2)
    return n;
  sum = FIB_NAME (n - 1) + FIB_NAME (n - 2);
  /* Keeps GCC from turning the second call into a loop in the plain build
   * only: both builds must make the same calls. */
  __asm__ volatile ("" : "+r" (sum));
  return sum;
}
