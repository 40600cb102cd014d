/* many-threads.c: 5000 short-lived threads, one after the other, each
 * calling work() ten times; then main prints its peak memory (VmHWM, in
 * kB) on standard error. The profiler keeps the tables of a thread that
 * ended added into one, so its memory does not grow with the threads. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define N_THREADS 5000

static volatile int sink;

__attribute__ ((noinline)) static void
work (int i)
{
  sink += i;
}

__attribute__ ((noinline)) static void *
start (void *data)
{
  int i;

  for (i = 0; i < 10; i++)
    work (i);
  return NULL;
}

static long
peak_kb (void)
{
  FILE *status = fopen ("/proc/self/status", "r");
  char line[256];
  long kb = -1;

  while (status != NULL && fgets (line, sizeof line, status) != NULL)
    if (strncmp (line, "VmHWM:", 6) == 0)
      sscanf (line + 6, "%ld", &kb);
  if (status != NULL)
    fclose (status);
  return kb;
}

int
main (void)
{
  int i;

  for (i = 0; i < N_THREADS; i++)
    {
      pthread_t thread;

      pthread_create (&thread, NULL, start, NULL);
      pthread_join (thread, NULL);
    }
  printf ("%d\n", sink);
  fprintf (stderr, "peak %ld kB\n", peak_kb ());
  return 0;
}
