/* deep.c: recursion 1,000,000 deep, on a thread with a stack big enough. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__ ((noipa)) static long
down (long n)
{
  if (n == 0)
    return 0;
  return down (n - 1) + 1;
}

__attribute__ ((noipa)) static void *
run (void *data)
{
  return (void *) down ((long) data);
}

int
main (int    argc,
      char **argv)
{
  long depth = argc > 1 ? atol (argv[1]) : 1000000;
  pthread_attr_t attr;
  pthread_t thread;
  void *result;

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, (size_t) 512 << 20);
  if (pthread_create (&thread, &attr, run, (void *) (depth - 1)) != 0)
    return 1;
  pthread_join (thread, &result);
  printf ("%ld\n", (long) result);
  return 0;
}
