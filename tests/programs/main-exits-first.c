/* main-exits-first.c: main starts a thread and calls pthread_exit(); the
 * thread calls work() 100 times and returns, and, being the last thread,
 * ends the process (glibc then calls exit(0) on it, which writes the
 * profile). The main thread is gone by then: /proc/PID/maps and
 * /proc/PID/cmdline (its) read empty, yet every function must be named
 * and the program recorded. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int sink;

__attribute__ ((noinline)) static void
work (int i)
{
  sink += i;
}

__attribute__ ((noinline)) static void *
last_thread (void *data)
{
  int i;

  usleep (20000);   /* let main's pthread_exit() go first */
  for (i = 0; i < 100; i++)
    work (i);
  printf ("%d\n", sink);
  fflush (stdout);
  return NULL;
}

int
main (void)
{
  pthread_t thread;

  pthread_create (&thread, NULL, last_thread, NULL);
  pthread_exit (NULL);
}
