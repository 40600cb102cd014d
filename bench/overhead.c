/* overhead.c: the cost of one raw read of each built-in timer's clock,
 * and of one read through DetprofTimer, in nanoseconds (best of 5 runs of
 * a million reads). Prints "name raw_ns timer_ns". */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <x86intrin.h>

#include "detprof.h"
#include "detprof-timer.h"

#define READS 1000000

static volatile double sink;

static double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static double
raw_read (const char *name)
{
  struct timespec ts;
  struct rusage ru;
  struct tms t;

  if (g_str_equal (name, "tsc"))
    return (double) __rdtsc ();
  if (g_str_equal (name, "tsc-fenced"))
    {
      double reading;

      _mm_lfence ();
      reading = (double) __rdtsc ();
      _mm_lfence ();
      return reading;
    }
  if (g_str_equal (name, "wall"))
    clock_gettime (CLOCK_MONOTONIC, &ts);
  else if (g_str_equal (name, "cpu"))
    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  else if (g_str_equal (name, "thread-cpu"))
    clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  else if (g_str_equal (name, "coarse"))
    clock_gettime (CLOCK_MONOTONIC_COARSE, &ts);
  else if (g_str_equal (name, "rusage"))
    {
      getrusage (RUSAGE_SELF, &ru);
      return (double) ru.ru_utime.tv_usec;
    }
  else
    return (double) times (&t);
  return (double) ts.tv_nsec;
}

int
main (void)
{
  const char * const *names = detprof_timer_list_builtins ();
  guint i;

  for (i = 0; names[i] != NULL; i++)
    {
      g_autoptr(DetprofTimer) timer = detprof_timer_new_builtin (names[i], NULL);
      double best_raw = G_MAXDOUBLE, best_timer = G_MAXDOUBLE;
      int run, j;

      if (timer == NULL)
        continue;
      for (run = 0; run < 5; run++)
        {
          double t0 = now_ns ();

          for (j = 0; j < READS; j++)
            sink = raw_read (names[i]);
          best_raw = MIN (best_raw, (now_ns () - t0) / READS);

          t0 = now_ns ();
          for (j = 0; j < READS; j++)
            sink = detprof_timer_read (timer);
          best_timer = MIN (best_timer, (now_ns () - t0) / READS);
        }
      printf ("%s %.2f %.2f\n", names[i], best_raw, best_timer);
    }
  return 0;
}
