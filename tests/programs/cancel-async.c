/* cancel-async.c: 20 threads, each calling victim(), which turns on
 * asynchronous cancellation and calls tick() for ever; main cancels each
 * once it is in the loop. A thread cancelled inside the profiler's own
 * hook must not leave it busy (a disable would then wait for it), and
 * every victim() and start() call is counted. */
#include <pthread.h>
#include <stdio.h>

#define N_THREADS 20

static volatile int in_loop;

__attribute__ ((noinline)) static void
tick (void)
{
  in_loop = 1;
}

__attribute__ ((noinline)) static void
victim (void)
{
  pthread_setcanceltype (PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  for (;;)
    tick ();
}

__attribute__ ((noinline)) static void *
start (void *data)
{
  victim ();
  return NULL;
}

int
main (void)
{
  int i;

  for (i = 0; i < N_THREADS; i++)
    {
      pthread_t thread;

      in_loop = 0;
      pthread_create (&thread, NULL, start, NULL);
      while (!in_loop)
        ;
      pthread_cancel (thread);
      pthread_join (thread, NULL);
    }
  printf ("%d\n", N_THREADS);
  return 0;
}
