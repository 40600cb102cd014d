/* timers.c: three home-made timers, and what each makes of one workload.
 *
 * The profiler reads its timer at every call and every return, so the
 * timer decides what the times in a profile mean, how fine they are, and
 * much of what profiling costs. You can give the profiler any timer, as a
 * function in one of three shapes (Python's profile module has the same):
 *
 *   double   returns the time, in seconds or in any unit you name
 *   integer  returns a count of some unit: nanoseconds, cycles, ticks;
 *            the timeunit says how many seconds one count is
 *   tuple    fills several values whose sum is the time, like the
 *            (user, system) of Python's os.times()
 *
 * This program profiles the same workload (timers-workload.c) under one
 * timer of each shape and prints the same report for each. The call counts
 * never change: they come from the events, not from the clock. The times
 * do, and the notes printed with each report say why.
 *
 * The workload is built as any code you profile, with
 *   -g -O2 -fno-inline -finstrument-functions
 * and this file without: the profiler calls the timers below at every
 * event, and the code it calls must not send events of its own.
 */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "detprof.h"
#include "timers-workload.h"

/* ---- the three timers ---- */

/* A double: CLOCK_MONOTONIC, in seconds. A double holds 53 bits, enough
 * for the nanoseconds of the first 97 days of uptime; after that, the last
 * of them round away. */
static double
monotonic_seconds (gpointer user_data)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) now.tv_sec + (double) now.tv_nsec * 1e-9;
}

/* The step of CLOCK_MONOTONIC, as the kernel reports it. */
static double
monotonic_resolution (void)
{
  struct timespec res;

  clock_getres (CLOCK_MONOTONIC, &res);
  return (double) res.tv_sec + (double) res.tv_nsec * 1e-9;
}

/* A custom timer knows nothing of its clock unless told: say what it is,
 * for the report's first line, and how fine it is, for calibrate(). */
static DetprofTimer *
new_seconds_timer (void)
{
  DetprofTimer *timer = detprof_timer_new_double ("monotonic-seconds", monotonic_seconds, 1.0, NULL, NULL);

  detprof_timer_set_description (timer, "CLOCK_MONOTONIC as a double, in seconds");
  detprof_timer_set_resolution (timer, monotonic_resolution ());
  return timer;
}

/* An integer: the same clock as a count of nanoseconds, so the timeunit is
 * 1e-9. Nothing is rounded at a reading; the profiler converts its totals
 * to seconds once, when it makes the statistics. */
static gint64
monotonic_nanoseconds (gpointer user_data)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (gint64) now.tv_sec * G_GINT64_CONSTANT (1000000000) + now.tv_nsec;
}

static DetprofTimer *
new_nanoseconds_timer (void)
{
  DetprofTimer *timer = detprof_timer_new_integer ("monotonic-nanoseconds", monotonic_nanoseconds, 1e-9, NULL, NULL);

  detprof_timer_set_description (timer, "CLOCK_MONOTONIC as an integer count of nanoseconds");
  detprof_timer_set_resolution (timer, monotonic_resolution ());
  return timer;
}

/* A tuple: the CPU time of the process, user and system, in seconds. */
static void
user_and_system_seconds (double   *values,
                         gpointer  user_data)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  values[0] = (double) usage.ru_utime.tv_sec + (double) usage.ru_utime.tv_usec * 1e-6;
  values[1] = (double) usage.ru_stime.tv_sec + (double) usage.ru_stime.tv_usec * 1e-6;
}

static DetprofTimer *
new_cpu_timer (void)
{
  DetprofTimer *timer = detprof_timer_new_tuple ("user+system", 2, user_and_system_seconds, 1.0, NULL, NULL);

  /* getrusage() counts in microseconds (the kernel's accounting may be
   * coarser still: the program measures the step it sees). */
  detprof_timer_set_description (timer, "getrusage() user + system time, in seconds");
  detprof_timer_set_resolution (timer, 1e-6);
  return timer;
}

/* ---- measuring a timer (the numbers vary from machine to machine) ---- */

/* What one reading costs, in seconds: the average over a batch of
 * readings, in the best of ten batches (the others met interruptions).
 * The profiler pays this twice per event, and a part of it shows up in
 * the profile. */
static double
measure_cost (DetprofTimer *timer)
{
  const int n = 2000;
  gint64 best = G_MAXINT64;
  int batch, i;

  for (batch = 0; batch < 10; batch++)
    {
      gint64 start = g_get_monotonic_time ();

      for (i = 0; i < n; i++)
        detprof_timer_read (timer);
      best = MIN (best, g_get_monotonic_time () - start);
    }
  return (double) best * 1e-6 / n;
}

/* The smallest step between two readings that differ, in seconds: no
 * stretch of code shorter than this can be timed. Reading as fast as we
 * can, the step is the timer's resolution or the cost of one reading,
 * whichever is larger. */
static double
measure_step (DetprofTimer *timer)
{
  gint64 deadline = g_get_monotonic_time () + 20000;   /* 20 ms at most */
  double previous = detprof_timer_read (timer);
  double smallest = G_MAXDOUBLE;
  int steps = 0;

  while (steps < 100)
    {
      double now = detprof_timer_read (timer);

      if (now != previous)
        {
          smallest = MIN (smallest, now - previous);
          previous = now;
          steps++;
        }
      else if (g_get_monotonic_time () > deadline)
        break;
    }
  return (steps == 0) ? 0.0 : smallest * detprof_timer_get_timeunit (timer);
}

static void
print_duration (const char *label,
                double      seconds)
{
  if (seconds >= 1e-3)
    printf ("%s %.1f ms", label, seconds * 1e3);
  else if (seconds >= 1e-6)
    printf ("%s %.1f us", label, seconds * 1e6);
  else
    printf ("%s %.0f ns", label, seconds * 1e9);
}

/* ---- profiling ---- */

typedef struct
{
  DetprofTimer *(*new_timer) (void);
  const char   *clock;    /* what the timer reads */
  const char   *notice;   /* what to look for in its report */
} Example;

static const Example examples[] = {
  { new_seconds_timer,
    "CLOCK_MONOTONIC as a double number of seconds: wall-clock time.",
    "Wall-clock time counts everything: nap() is charged the 4 x 5 ms it sleeps." },
  { new_nanoseconds_timer,
    "The same clock as an integer count of nanoseconds.",
    "The same clock, so the same story: only noise and rounding differ from the first." },
  { new_cpu_timer,
    "getrusage(): the CPU time of the process, user + system.",
    "CPU time: nap() sleeps for free; ask_kernel()'s system calls count, as system\n"
    "    time. But each reading is itself a system call, far dearer than a clock read,\n"
    "    and part of it lands on the function that is running: see what mix() is\n"
    "    charged here. A bias calibrated for this timer, with\n"
    "    detprof_profiler_calibrate(), takes that off again." },
};

static const char *
shape_name (DetprofTimerShape shape)
{
  switch (shape)
    {
    case DETPROF_TIMER_DOUBLE:
      return "double";
    case DETPROF_TIMER_INTEGER:
      return "integer";
    case DETPROF_TIMER_TUPLE:
      return "tuple";
    default:
      g_assert_not_reached ();
    }
}

static gpointer
run_workload (gpointer user_data)
{
  timers_workload_run ();
  return NULL;
}

static gboolean
profile_with (guint    number,
              GError **error)
{
  const Example *example = &examples[number - 1];
  g_autoptr(DetprofTimer) timer = example->new_timer ();
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);

  printf ("==> Timer %u of %u: %s (shape %s", number, (guint) G_N_ELEMENTS (examples),
          detprof_timer_get_name (timer), shape_name (detprof_timer_get_shape (timer)));
  if (detprof_timer_get_shape (timer) == DETPROF_TIMER_TUPLE)
    printf (" of %u values", detprof_timer_get_n_values (timer));
  printf (", timeunit %g s)\n    %s\n   ", detprof_timer_get_timeunit (timer), example->clock);
  print_duration (" one reading costs about", measure_cost (timer));
  print_duration ("; the smallest step seen:", measure_step (timer));
  print_duration ("; declared:", detprof_timer_get_resolution (timer));
  printf ("\n    (the timer says: %s)\n\n", detprof_timer_get_description (timer));

  detprof_profiler_runcall (profiler, run_workload, NULL);
  if (!detprof_profiler_print_stats (profiler, "stdname", error))
    return FALSE;

  printf ("    %s\n\n", example->notice);
  return TRUE;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  guint number;

  for (number = 1; number <= G_N_ELEMENTS (examples); number++)
    if (!profile_with (number, &error))
      {
        fprintf (stderr, "timers: %s\n", error->message);
        return 1;
      }

  printf ("The call counts are the same under every timer: they come from the events.\n");
  return 0;
}
