/* fast-tsc-profiler-main.c: the fast subclass at work, and how it
 * compares with the base class.
 *
 *   fast-tsc-profiler [N]            profile fib(N) (default 25) with the
 *                                    fast profiler, calibrated first
 *   fast-tsc-profiler --compare [N]  per-event cost and accuracy of both
 *                                    classes on fib(N) (default 30)
 *   fast-tsc-profiler --overhead [N] only the per-event cost of each, in ns
 *
 * The program carries fib twice: fib_instrumented, built with
 * -finstrument-functions, is what the profilers see; fib_plain, the same
 * source built without, is the truth they are compared with.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fast-tsc-profiler.h"

long fib_instrumented (int n);
long fib_plain (int n);

#define RUNS 5

static double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Times fib(n) unprofiled: the best of RUNS runs, in ns. */
static double
time_plain (int n)
{
  double best = G_MAXDOUBLE;
  int r;

  for (r = 0; r < RUNS; r++)
    {
      double start = now_ns ();

      fib_plain (n);
      best = MIN (best, now_ns () - start);
    }
  return best;
}

typedef struct
{
  double elapsed_ns;   /* wall time of fib(n) under the profiler */
  double reported_s;   /* fib's cumulative time in the profile */
  gint64 calls;
} Run;

static gboolean
run_profiled (DetprofProfiler  *profiler,
              int               n,
              Run              *run,
              GError          **error)
{
  g_autoptr(DetprofStats) stats = NULL;
  const DetprofFunctionStats *row;
  double start;

  detprof_profiler_name_function (profiler, (gconstpointer) fib_instrumented,
                                  "fib-workload.c", 12, "fib");
  if (!detprof_profiler_enable (profiler, error))
    return FALSE;
  start = now_ns ();
  fib_instrumented (n);
  run->elapsed_ns = now_ns () - start;
  detprof_profiler_disable (profiler);

  stats = detprof_profiler_create_stats (profiler, error);
  if (stats == NULL)
    return FALSE;
  row = detprof_stats_lookup_name (stats, "fib");
  g_assert (row != NULL);
  run->reported_s = row->ct.value;
  run->calls = row->nc;
  return TRUE;
}

/* The one constant the fast class subtracts at every event: the mean of
 * the four a pairs calibration measured. */
static double
pairs_mean (const DetprofCalibration *calibration)
{
  return (calibration->pairs[0] + calibration->pairs[1]
          + calibration->pairs[2] + calibration->pairs[3]) / 4;
}

/* A fresh profiler like @model (same class, same timer) with @bias. */
static DetprofProfiler *
new_like (DetprofProfiler *model,
          double           bias)
{
  return g_object_new (G_OBJECT_TYPE (model),
                       "timer", detprof_profiler_get_timer (model),
                       "bias", bias,
                       NULL);
}

/* calibrate(m) RUNS times; the lowest value, as profile.py's
 * documentation advises (too large a bias gives negative times). */
static gboolean
calibrate_lowest (DetprofProfiler  *profiler,
                  double           *bias,
                  GError          **error)
{
  int r;

  *bias = G_MAXDOUBLE;
  for (r = 0; r < RUNS; r++)
    {
      double b;

      if (!detprof_profiler_calibrate (profiler, 100000, FALSE, &b, error))
        return FALSE;
      *bias = MIN (*bias, b);
    }
  return TRUE;
}

/* The cost of one event under a profiler like @model with no bias: the
 * best of RUNS runs of fib(n), less the plain run, over the events. */
static gboolean
per_event_cost (DetprofProfiler  *model,
                int               n,
                double            plain_ns,
                double           *cost,
                GError          **error)
{
  Run run;
  int r;

  *cost = G_MAXDOUBLE;
  for (r = 0; r < RUNS; r++)
    {
      g_autoptr(DetprofProfiler) probe = new_like (model, 0.0);

      if (!run_profiled (probe, n, &run, error))
        return FALSE;
      *cost = MIN (*cost, (run.elapsed_ns - plain_ns) / (2.0 * (double) run.calls));
    }
  return TRUE;
}

/* One row of the comparison: the cost per event, then the error of fib's
 * cumulative time with @bias (median of RUNS), or with @pairs when it is
 * not NULL. */
static gboolean
compare_row (const char       *label,
             DetprofProfiler  *model,
             double            bias,
             const double     *pairs,
             int               n,
             double            plain_ns,
             GError          **error)
{
  double per_event, errors[RUNS];
  Run run;
  int r;

  if (!per_event_cost (model, n, plain_ns, &per_event, error))
    return FALSE;
  for (r = 0; r < RUNS; r++)
    {
      g_autoptr(DetprofProfiler) profiler = new_like (model, bias);

      if (pairs != NULL)
        detprof_profiler_set_bias_pairs (profiler, pairs);
      if (!run_profiled (profiler, n, &run, error))
        return FALSE;
      errors[r] = (run.reported_s * 1e9 - plain_ns) / plain_ns * 100.0;
    }
  qsort (errors, RUNS, sizeof errors[0], compare_doubles);

  if (pairs != NULL)
    printf ("%-26s %9.2f ns   %5.2f/%5.2f/%5.2f/%5.2f ns  %+9.1f %%\n", label, per_event,
            pairs[0] * 1e9, pairs[1] * 1e9, pairs[2] * 1e9, pairs[3] * 1e9, errors[RUNS / 2]);
  else
    printf ("%-26s %9.2f ns   %23.2f ns  %+9.1f %%\n", label, per_event, bias * 1e9, errors[RUNS / 2]);
  return TRUE;
}

/* Just the cost per event of each class, for bench/run-bench.sh. */
static gboolean
overhead (int      n,
          GError **error)
{
  g_autoptr(DetprofTimer) tsc = detprof_timer_new_builtin ("tsc", error);
  g_autoptr(DetprofProfiler) base = NULL;
  g_autoptr(DetprofProfiler) fast = NULL;
  double plain_ns, base_cost, fast_cost;

  if (tsc == NULL)
    return FALSE;
  base = detprof_profiler_new (tsc);
  fast = example_fast_tsc_profiler_new (error);
  if (fast == NULL)
    return FALSE;
  plain_ns = time_plain (n);
  if (!per_event_cost (base, n, plain_ns, &base_cost, error)
      || !per_event_cost (fast, n, plain_ns, &fast_cost, error))
    return FALSE;
  printf ("base %.2f\nfast %.2f\n", base_cost, fast_cost);
  return TRUE;
}

static gboolean
compare (int      n,
         GError **error)
{
  g_autoptr(DetprofTimer) tsc = detprof_timer_new_builtin ("tsc", error);
  g_autoptr(DetprofProfiler) base = NULL;
  g_autoptr(DetprofProfiler) fast = NULL;
  DetprofCalibration pairs, fast_pairs;
  double plain_ns, base_bias, fast_bias, fast_mean;

  if (tsc == NULL)
    return FALSE;
  base = detprof_profiler_new (tsc);
  fast = example_fast_tsc_profiler_new (error);
  if (fast == NULL)
    return FALSE;

  plain_ns = time_plain (n);
  if (!calibrate_lowest (base, &base_bias, error)
      || !calibrate_lowest (fast, &fast_bias, error)
      || !detprof_profiler_calibrate_pairs (base, 0, RUNS, &pairs, error)
      || !detprof_profiler_calibrate_pairs (fast, 0, RUNS, &fast_pairs, error))
    return FALSE;
  /* In fib, calls and returns come in equal numbers: the mean fits. */
  fast_mean = pairs_mean (&fast_pairs);

  printf ("fib(%d) uninstrumented: %.2f ms (best of %d)\n\n", n, plain_ns / 1e6, RUNS);
  printf ("%-26s %12s   %26s  %10s\n", "profiler", "per event", "bias", "fib error");
  return compare_row ("base class, calibrate()", base, base_bias, NULL, n, plain_ns, error)
         && compare_row ("base class, pairs (auto)", base, 0.0, pairs.pairs, n, plain_ns, error)
         && compare_row ("fast subclass, calibrate()", fast, fast_bias, NULL, n, plain_ns, error)
         && compare_row ("fast subclass, pairs mean", fast, fast_mean, NULL, n, plain_ns, error);
}

static gboolean
profile (int      n,
         GError **error)
{
  g_autoptr(DetprofProfiler) profiler = example_fast_tsc_profiler_new (error);
  DetprofCalibration pairs;
  double classic, mean;
  Run run;

  if (profiler == NULL)
    return FALSE;
  printf ("The class's own bias: %.2f ns per event\n", detprof_profiler_get_bias (profiler) * 1e9);

  /* profile.py's calibration, and detprof's, both of this very class. */
  if (!detprof_profiler_calibrate (profiler, 100000, FALSE, &classic, error)
      || !detprof_profiler_calibrate_pairs (profiler, 0, RUNS, &pairs, error))
    return FALSE;
  mean = pairs_mean (&pairs);
  printf ("calibrate(100000) on this machine:  %.2f ns per event\n", classic * 1e9);
  printf ("calibrate_pairs(), mean of the four: %.2f ns per event\n", mean * 1e9);
  printf ("Using the smaller: too large a bias makes times negative.\n\n");
  detprof_profiler_set_bias (profiler, MIN (classic, mean));

  if (!run_profiled (profiler, n, &run, error))
    return FALSE;
  return detprof_profiler_print_stats (profiler, "tottime", error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *mode = (argc > 1 && g_str_has_prefix (argv[1], "--")) ? argv[1] : NULL;
  const char *count = argv[mode != NULL ? 2 : 1];
  int n = (count != NULL) ? atoi (count) : (mode != NULL ? 30 : 25);
  gboolean ok;

  if (n < 1 || n > 40
      || (mode != NULL && strcmp (mode, "--compare") != 0 && strcmp (mode, "--overhead") != 0))
    {
      fprintf (stderr, "usage: %s [--compare | --overhead] [N], with N from 1 to 40\n", argv[0]);
      return 2;
    }
  if (mode == NULL)
    ok = profile (n, &error);
  else if (strcmp (mode, "--compare") == 0)
    ok = compare (n, &error);
  else
    ok = overhead (n, &error);
  if (!ok)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      /* No invariant cycle counter: nothing this example can do here. */
      return g_error_matches (error, DETPROF_ERROR, DETPROF_ERROR_NO_TIMER) ? 77 : 1;
    }
  return 0;
}
