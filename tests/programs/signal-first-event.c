/* signal-first-event.c: 3000 threads, one after the other, each making its
 * first events while a profiling timer fires every 100 µs of CPU time; the
 * signal handler is instrumented. A handler that interrupts a thread's
 * first event (the profiler then looks up the thread's state, under a
 * lock, and allocates it) must not wait for that lock: it hung for ever. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

static volatile int handled;

__attribute__ ((noinline)) static void
in_handler (void)
{
  handled++;
}

__attribute__ ((noinline)) static void
on_tick (int signum)
{
  in_handler ();
}

__attribute__ ((noinline)) static void
body (void)
{
  volatile int i;

  for (i = 0; i < 2000; i++)
    ;
}

__attribute__ ((noinline)) static void *
start (void *data)
{
  body ();
  return NULL;
}

int
main (void)
{
  struct sigaction action = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
  struct itimerval every_100us = { { 0, 100 }, { 0, 100 } };
  struct itimerval stop = { { 0, 0 }, { 0, 0 } };
  int i;

  sigaction (SIGPROF, &action, NULL);
  setitimer (ITIMER_PROF, &every_100us, NULL);
  for (i = 0; i < 3000; i++)
    {
      pthread_t thread;

      pthread_create (&thread, NULL, start, NULL);
      pthread_join (thread, NULL);
    }
  setitimer (ITIMER_PROF, &stop, NULL);
  printf ("%d\n", i);
  return 0;
}
