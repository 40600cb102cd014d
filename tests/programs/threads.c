/* threads.c: 4 threads, each calls work() N times; main calls work() once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int n_calls = 1000;

__attribute__ ((noipa)) static long
work (long x)
{
  return x * 3 + 1;
}

__attribute__ ((noipa)) static void *
worker (void *data)
{
  long s = 0;
  int i;

  for (i = 0; i < n_calls; i++)
    s += work (i);
  return (void *) s;
}

int
main (int    argc,
      char **argv)
{
  pthread_t threads[4];
  int i;

  if (argc > 1)
    n_calls = atoi (argv[1]);
  for (i = 0; i < 4; i++)
    pthread_create (&threads[i], NULL, worker, NULL);
  for (i = 0; i < 4; i++)
    pthread_join (threads[i], NULL);
  printf ("%ld\n", work (1));
  return 0;
}
