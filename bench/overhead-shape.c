/* overhead-shape.c: is the profiler's overhead per event a constant?
 *
 * A bias is one number subtracted from every stretch between two events.
 * That is right only if the overhead inside a stretch does not depend on
 * what the program does in it. This measures it: a function doing K steps
 * of a dependent chain is called N times, once built plainly (its true
 * cost per call) and once instrumented under a profiler with no bias (what
 * the profile charges it per call). The difference is the overhead the
 * profiler put into the function's own stretch (call -> return). If it
 * were constant, one bias would correct every K.
 *
 * Three clocks: the cycle counter as detprof's "tsc" timer reads it
 * (rdtsc, which the CPU may execute out of order with the code around
 * it), the same counter fenced (lfence; rdtsc; lfence: nothing moves
 * across a reading), and "wall" (clock_gettime in the vDSO).
 *
 * Each figure is the minimum over REPEATS runs: interruptions only add.
 */
#include "config.h"

#include <stdio.h>

#include "detprof.h"

#if defined (__x86_64__) || defined (__i386__)
#include <x86intrin.h>
#define HAVE_RDTSC 1
#endif

long shape_work_instrumented (long k, long x);
long shape_work_plain (long k, long x);

#define N       200000
#define REPEATS 15

static const long steps[] = { 0, 1, 2, 4, 8, 12, 16, 24, 32, 64, 128 };

#ifdef HAVE_RDTSC
static gint64
read_fenced_tsc (gpointer user_data)
{
  gint64 t;

  _mm_lfence ();
  t = (gint64) __rdtsc ();
  _mm_lfence ();
  return t;
}
#endif

static double
now_ns (void)
{
  return (double) g_get_monotonic_time () * 1e3;
}

/* The true cost of one call of the plain twin, in ns. g_get_monotonic_time
 * has microsecond steps; N calls make that negligible. */
static double
plain_per_call (long k)
{
  double best_loop = G_MAXDOUBLE, best_empty = G_MAXDOUBLE;
  long x = 1;
  int r, i;

  for (r = 0; r < REPEATS; r++)
    {
      double start = now_ns ();

      for (i = 0; i < N; i++)
        x = shape_work_plain (k, x);
      best_loop = MIN (best_loop, now_ns () - start);

      start = now_ns ();
      for (i = 0; i < N; i++)
        __asm__ volatile ("" : "+r" (x));
      best_empty = MIN (best_empty, now_ns () - start);
    }
  return (best_loop - best_empty) / N;
}

/* What a profiler with @timer and no bias charges one call, in ns. */
static double
profiled_per_call (DetprofTimer *timer,
                   long          k)
{
  double best = G_MAXDOUBLE;
  long x = 1;
  int r, i;

  for (r = 0; r < REPEATS; r++)
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new_with_bias (timer, 0.0);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;
      const DetprofFunctionStats *row;

      detprof_profiler_name_function (profiler, (gconstpointer) shape_work_instrumented,
                                      "shape-work.c", 12, "shape_work");
      if (!detprof_profiler_enable (profiler, &error))
        g_error ("%s", error->message);
      for (i = 0; i < N; i++)
        x = shape_work_instrumented (k, x);
      detprof_profiler_disable (profiler);

      stats = detprof_profiler_create_stats (profiler, &error);
      if (stats == NULL)
        g_error ("%s", error->message);
      row = detprof_stats_lookup_name (stats, "shape_work");
      g_assert (row != NULL && row->nc == N);
      best = MIN (best, row->tt.value / N * 1e9);
    }
  return best;
}

int
main (void)
{
  DetprofTimer *timers[3] = { NULL, NULL, NULL };
  const char *labels[3] = { "tsc", "tsc fenced", "wall" };
  guint n_timers = 0, t, j;

#ifdef HAVE_RDTSC
  timers[0] = detprof_timer_new_builtin ("tsc", NULL);
  if (timers[0] != NULL)
    {
      timers[1] = detprof_timer_new_integer ("tsc-fenced", read_fenced_tsc,
                                             detprof_timer_get_timeunit (timers[0]), NULL, NULL);
      n_timers = 2;
    }
#endif
  timers[n_timers] = detprof_timer_new_builtin ("wall", NULL);
  if (n_timers == 0)
    labels[0] = "wall";
  n_timers++;

  printf ("Overhead inside a function's own stretch, by the work it does (ns per call;\n"
          "minimum of %d runs of %d calls). Constant overhead = one bias fits all.\n\n",
          REPEATS, N);
  printf ("%6s %9s", "steps", "true");
  for (t = 0; t < n_timers; t++)
    printf ("  %10s: charged  overhead", labels[t]);
  printf ("\n");

  for (j = 0; j < G_N_ELEMENTS (steps); j++)
    {
      double truth = plain_per_call (steps[j]);

      printf ("%6ld %9.2f", steps[j], truth);
      for (t = 0; t < n_timers; t++)
        {
          double charged = profiled_per_call (timers[t], steps[j]);

          printf ("  %19.2f %9.2f", charged, charged - truth);
        }
      printf ("\n");
    }
  for (t = 0; t < n_timers; t++)
    detprof_timer_unref (timers[t]);
  return 0;
}
