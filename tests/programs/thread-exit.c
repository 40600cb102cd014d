/* thread-exit.c: threads that end three calls deep in their start
 * routine: one calls pthread_exit(), one is cancelled (deferred, at
 * pthread_testcancel()). Built without -fexceptions, no exit hook runs for
 * the frames they leave (four each, the start routine's included): the
 * profiler closes them as the thread ends. With -fexceptions, gcc's forced
 * unwinding runs the exit hooks. Either way: the same counts, and no frame
 * abandoned. */
#include <pthread.h>
#include <stdio.h>

static volatile int reached;

__attribute__ ((noinline)) static void
exit_level (int depth)
{
  if (depth == 3)
    pthread_exit (NULL);
  exit_level (depth + 1);
  reached++;
}

__attribute__ ((noinline)) static void *
exit_start (void *data)
{
  exit_level (1);
  return NULL;
}

__attribute__ ((noinline)) static void
cancel_level (int depth)
{
  if (depth == 3)
    {
      __atomic_store_n (&reached, 1, __ATOMIC_RELEASE);
      for (;;)
        pthread_testcancel ();
    }
  cancel_level (depth + 1);
  reached++;
}

__attribute__ ((noinline)) static void *
cancel_start (void *data)
{
  cancel_level (1);
  return NULL;
}

__attribute__ ((noinline)) static int
after (void)
{
  return 1;
}

int
main (void)
{
  pthread_t thread;

  pthread_create (&thread, NULL, exit_start, NULL);
  pthread_join (thread, NULL);

  reached = 0;
  pthread_create (&thread, NULL, cancel_start, NULL);
  while (!__atomic_load_n (&reached, __ATOMIC_ACQUIRE))
    ;
  pthread_cancel (thread);
  pthread_join (thread, NULL);

  printf ("%d\n", after ());
  return 0;
}
