/* detprof-calibrate.c: measuring the profiler's own hidden cost per event.
 *
 * Every event adds some time to the stretch it ends: the way from where
 * the program was to the hook's first timer reading, and from the hook's
 * second reading back to the program. Nobody's code, charged to somebody.
 * The bias is an estimate of it, subtracted at every event.
 *
 * Two methods live here.
 *
 * The classic one is profile.py's calibrate(m), step for step: run a
 * function that calls a short loop m times, once unprofiled and once under
 * a profiler with no bias; the overhead per event is (reported time -
 * unprofiled time) / events. It is kept as it is, because it is how Python
 * does it and because it shows why a naive calibration is not enough: the
 * callee's loop is real work whose timing noise swamps the few
 * nanoseconds being measured. Unlike profile.py, it measures a profiler of
 * the caller's own class and timer, so a subclass with its own dispatcher
 * gets its own constant.
 *
 * detprof's own method measures on empty bodies, takes the minimum over
 * repeats (noise only ever adds time), and gives one constant per pair of
 * consecutive event kinds, since that is the stretch each delta covers.
 * Every measurement is made twice, on the instrumented and on the plain
 * twin of calibrate/workload.c, so that what the uninstrumented program
 * really spends (a call and a return cost something) is not mistaken for
 * overhead:
 *
 *   empty's internal time per call   - plain cost of a call of empty   = call -> return
 *   driver1's internal time per call - plain cost of driver1's loop    = return -> call
 *   one_call's internal time per call - plain cost of its extra call  = call -> call + return -> return
 *
 * The last two stretches are always charged to the same function (the one
 * that makes calls), so only their sum matters; it is split in half.
 *
 * A bias that is stored is used by every later profile, so it must be one
 * that the machine reproduces. detprof-calibrate and `-b auto` make
 * several calibrations and compare them: a minimum that one interruption
 * cannot move, found again and again, is the machine's; calibrations that
 * disagree were made on a busy machine, and are made again, a bounded
 * number of times. What still disagrees may serve the run at hand, but is
 * never stored (DETPROF_CALIBRATION_MAX_SPREAD).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detprof-calibration-cache-private.h"
#include "detprof-error.h"
#include "detprof-profiler-private.h"
#include "detprof-report-private.h"
#include "detprof-timer-private.h"
#include "workload.h"

/* The workload's two twins; tests may swap in a wrong one. */
static const DetprofWorkload *instrumented_twin = &_detprof_workload_instrumented;
static const DetprofWorkload *plain_twin = &_detprof_workload_plain;

void
_detprof_calibrate_set_workload (const DetprofWorkload *instrumented,
                                 const DetprofWorkload *plain)
{
  instrumented_twin = instrumented != NULL ? instrumented : &_detprof_workload_instrumented;
  plain_twin = plain != NULL ? plain : &_detprof_workload_plain;
}

/* A profiler like @self (same class, so the same dispatcher and read_timer;
 * same timer) but with no bias: the one whose error is measured. */
static DetprofProfiler *
new_probe (DetprofProfiler *self)
{
  return g_object_new (G_OBJECT_TYPE (self),
                       "timer", detprof_profiler_get_timer (self),
                       "bias", 0.0,
                       NULL);
}

static double
read_units (DetprofProfiler *probe)
{
  return DETPROF_PROFILER_GET_CLASS (probe)->read_timer (probe);
}

static gboolean
run_profiled (DetprofProfiler  *probe,
              void            (*run) (long),
              long              n,
              GError          **error)
{
  if (!detprof_profiler_enable (probe, error))
    {
      g_prefix_error (error, "cannot calibrate: ");
      return FALSE;
    }
  run (n);
  detprof_profiler_disable (probe);
  return TRUE;
}

static double
run_plain (DetprofProfiler  *probe,
           void            (*run) (long),
           long              n)
{
  double start = read_units (probe);

  run (n);
  return read_units (probe) - start;
}

static void
print_verbose (const char *label,
               double      value)
{
  g_autoptr(GString) text = g_string_new (label);

  g_string_append_c (text, ' ');
  _detprof_format_float_repr (text, value);
  puts (text->str);
}

static void
run_classic (long m)
{
  instrumented_twin->classic_f ((int) m);
}

/**
 * detprof_profiler_calibrate:
 * @self: a #DetprofProfiler
 * @m: how many times the workload calls its inner loop; Python's
 *   documentation suggests about 10,000, more for a coarse timer
 * @verbose: print profile.py's figures as it goes
 * @bias: (out): the overhead per event, in seconds
 * @error: return location for a #GError
 *
 * profile.py's calibrate(m): the overhead per event is the time the
 * profiler reported for the workload, less the time the workload takes
 * unprofiled, divided by the number of events. The profiler measured has
 * @self's class and timer and no bias; @self is not changed.
 *
 * Returns: %TRUE, or %FALSE with @error set if another profiler is enabled
 *   or the event count is wrong
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_calibrate (DetprofProfiler  *self,
                            guint             m,
                            gboolean          verbose,
                            double           *bias,
                            GError          **error)
{
  g_autoptr(DetprofProfiler) probe = NULL;
  double elapsed_noprofile, elapsed_profile, start, reported_time = 0.0, total_calls = 0.0;
  double timeunit;
  DetprofTotals totals;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (m > 0 && m < G_MAXINT, FALSE);
  g_return_val_if_fail (bias != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  probe = new_probe (self);
  timeunit = detprof_profiler_get_timer (probe)->timeunit;

  /* Warm the caches, then time the plain twin. */
  plain_twin->classic_f ((int) m);
  start = read_units (probe);
  plain_twin->classic_f ((int) m);
  elapsed_noprofile = read_units (probe) - start;
  if (verbose)
    print_verbose ("elapsed time without profiling =", elapsed_noprofile * timeunit);

  start = read_units (probe);
  if (!run_profiled (probe, run_classic, m, error))
    return FALSE;
  elapsed_profile = read_units (probe) - start;
  if (verbose)
    print_verbose ("elapsed time with profiling =", elapsed_profile * timeunit);

  /* What the profiler charged to the two workload functions. */
  _detprof_profiler_function_totals (probe, instrumented_twin->classic_f, &totals);
  total_calls += (double) totals.cc;
  reported_time += totals.tt;
  _detprof_profiler_function_totals (probe, instrumented_twin->classic_f1, &totals);
  total_calls += (double) totals.cc;
  reported_time += totals.tt;
  if (verbose)
    {
      print_verbose ("'CPU seconds' profiler reported =", reported_time * timeunit);
      print_verbose ("total # calls =", total_calls);
    }

  if (total_calls != (double) m + 1)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION,
                   "internal error: total calls = %.0f, expected %u: the calibration "
                   "workload was not profiled as built", total_calls, m + 1);
      return FALSE;
    }

  /* Two events per call, as profile.py counts them. */
  *bias = (reported_time - elapsed_noprofile) / 2.0 / total_calls * timeunit;
  if (verbose)
    print_verbose ("mean stopwatch overhead per profile event =", *bias);
  return TRUE;
}

/* ---- detprof's own calibration ---- */

typedef struct
{
  double plain0, plain1, plain2;     /* plain twin: driver0, driver1, driver2 */
  double empty_tt;                   /* instrumented driver1: empty's internal time */
  double driver1_tt;                 /* ... and driver1's */
  double one_call_tt;                /* instrumented driver2: one_call's internal time */
} Measurement;

static double
internal_time (DetprofProfiler *probe,
               gconstpointer    fn)
{
  DetprofTotals totals;

  _detprof_profiler_function_totals (probe, fn, &totals);
  return totals.tt;
}

static gboolean
measure_once (DetprofProfiler  *self,
              long              n,
              Measurement      *out,
              GError          **error)
{
  const DetprofWorkload *plain = plain_twin;
  const DetprofWorkload *instrumented = instrumented_twin;
  g_autoptr(DetprofProfiler) probe1 = new_probe (self);
  g_autoptr(DetprofProfiler) probe2 = new_probe (self);

  out->plain0 = run_plain (probe1, plain->driver0, n);
  out->plain1 = run_plain (probe1, plain->driver1, n);
  out->plain2 = run_plain (probe1, plain->driver2, n);

  if (!run_profiled (probe1, instrumented->driver1, n, error)
      || !run_profiled (probe2, instrumented->driver2, n, error))
    return FALSE;
  out->empty_tt = internal_time (probe1, instrumented->empty);
  out->driver1_tt = internal_time (probe1, instrumented->driver1);
  out->one_call_tt = internal_time (probe2, instrumented->one_call);
  return TRUE;
}

static void
keep_minimum (Measurement       *best,
              const Measurement *m)
{
  best->plain0 = MIN (best->plain0, m->plain0);
  best->plain1 = MIN (best->plain1, m->plain1);
  best->plain2 = MIN (best->plain2, m->plain2);
  best->empty_tt = MIN (best->empty_tt, m->empty_tt);
  best->driver1_tt = MIN (best->driver1_tt, m->driver1_tt);
  best->one_call_tt = MIN (best->one_call_tt, m->one_call_tt);
}

/* What the profiler reported for driver1's run, which repeats show the
 * spread of. (The plain runs are left out: one that was preempted would
 * say nothing about the profiler.) */
static double
reported_per_call (const Measurement *m)
{
  return m->empty_tt + m->driver1_tt;
}

/* The longest a measurement is made to last, in seconds. */
#define LONGEST_MEASUREMENT 0.25

/* Picks n so that a measurement lasts at least a thousand ticks of the
 * timer (and some milliseconds), as Python's documentation advises doing
 * by hand: the resolution then costs at most a tenth of a percent. For
 * the coarsest clocks (times(): 10 ms) that would take 10 s a measurement;
 * a quarter of a second is the most it takes, at 4 % per reading, which
 * the minimum over repeats then narrows. */
static long
choose_n (DetprofProfiler *self,
          long             requested)
{
  g_autoptr(DetprofProfiler) probe = new_probe (self);
  DetprofTimer *timer = detprof_profiler_get_timer (probe);
  double resolution = timer->resolution > 0.0 ? timer->resolution : 1e-9;
  double wanted = CLAMP (1000.0 * resolution, 2e-3, LONGEST_MEASUREMENT);
  const long trial = 4096;
  gint64 start;
  double seconds_per_call;

  if (requested > 0)
    return requested;

  /* Sized on the profiled run, timed with the monotonic clock: the timer
   * being calibrated may be too coarse to time a short run at all. */
  start = g_get_monotonic_time ();
  if (!run_profiled (probe, instrumented_twin->driver1, trial, NULL))
    return trial;
  seconds_per_call = MAX ((double) (g_get_monotonic_time () - start) * 1e-6 / trial, 1e-9);
  return CLAMP ((long) (wanted / seconds_per_call), trial, 1L << 22);
}

/**
 * detprof_profiler_calibrate_pairs:
 * @self: a #DetprofProfiler
 * @n: calls per measurement; 0 to choose from the timer's resolution
 * @repeats: how many measurements to take the minimum of (at least 1)
 * @out: (out caller-allocates): the result
 * @error: return location for a #GError
 *
 * detprof's calibration: one bias per pair of consecutive event kinds,
 * measured on empty bodies against the uninstrumented twin of the same
 * workload, the minimum over @repeats. The profiler measured has @self's
 * class and timer; @self is not changed (apply the result with
 * detprof_profiler_set_bias_pairs()).
 *
 * Returns: %TRUE, or %FALSE with @error set: another profiler is enabled,
 *   or a constant came out negative or absurdly large (the reason is given;
 *   such a value must not be used)
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_calibrate_pairs (DetprofProfiler     *self,
                                  guint64              n,
                                  guint                repeats,
                                  DetprofCalibration  *out,
                                  GError             **error)
{
  Measurement best, m;
  double timeunit, lowest = G_MAXDOUBLE, highest = 0.0;
  double call_return, return_call, call_call_and_return_return;
  long calls;
  guint r;
  int i;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (repeats >= 1, FALSE);
  g_return_val_if_fail (n <= G_MAXINT32, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  timeunit = detprof_profiler_get_timer (self)->timeunit;
  calls = choose_n (self, (long) n);

  /* Warm up: page in both twins and the profiler's tables. */
  if (!measure_once (self, MIN (calls, 4096), &best, error))
    return FALSE;

  for (r = 0; r < repeats; r++)
    {
      if (!measure_once (self, calls, &m, error))
        return FALSE;
      if (r == 0)
        best = m;
      keep_minimum (&best, &m);
      lowest = MIN (lowest, reported_per_call (&m));
      highest = MAX (highest, reported_per_call (&m));
    }

  /* Subtract before dividing: with an integer timer the results stay exact. */
  call_return = (best.empty_tt - (best.plain1 - best.plain0)) / (double) calls;
  return_call = (best.driver1_tt - best.plain0) / (double) calls;
  call_call_and_return_return = (best.one_call_tt - (best.plain2 - best.plain1)) / (double) calls;

  out->pairs[0] = call_call_and_return_return / 2 * timeunit;
  out->pairs[1] = call_return * timeunit;
  out->pairs[2] = return_call * timeunit;
  out->pairs[3] = call_call_and_return_return / 2 * timeunit;
  out->spread = (lowest > 0.0) ? highest / lowest : (double) INFINITY;
  out->repeats = repeats;
  out->n = (guint64) calls;

  for (i = 0; i < 4; i++)
    if (!isfinite (out->pairs[i]) || out->pairs[i] < 0.0 || out->pairs[i] > 1e-4)
      {
        static const char * const names[] = { "call->call", "call->return", "return->call", "return->return" };

        g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION,
                     "calibration gave %g s for %s, which cannot be an overhead%s; "
                     "was the machine busy? Not using it",
                     out->pairs[i], names[i],
                     out->pairs[i] < 0.0 ? " (negative: the instrumented code ran faster than the plain one)" : "");
        return FALSE;
      }
  return TRUE;
}

/* ---- The bias spread: how far one bias is from every stretch ----
 *
 * The pairs are measured on empty bodies. A real stretch runs other code
 * around the hooks: a function that keeps its arguments in saved
 * registers, a caller that uses the value returned, work still in flight
 * when the timer is read (an unfenced rdtsc does not wait for it). Each
 * moves the hidden cost by a few nanoseconds, and no correction made from
 * the measured stretches can tell which stretch had which shape. So the
 * profiler measures how far it strays, on several shapes, each against
 * its plain twin and with the bias being checked taken off: the largest
 * error per stretch that an ordinary run of a shape shows, in a caller's
 * time or a callee's, is the bias spread. Every time's error bound is its
 * number of stretches times that (detprof-bounds.c), so the shapes are
 * chosen to span what programs do around calls: leaves that do nothing, a
 * little and a lot; a tiny leaf whose value the caller uses; work in the
 * caller between calls; recursion. Each runs twice: built as the pairs'
 * twin is, and built with frame pointers (-fno-omit-frame-pointer, the
 * default of some distributions, which a program's instrumented build
 * often adds), whose extra pushes the plain twin does not have.
 *
 * A bound must hold in the runs a user makes, busy moments included, and
 * be the same from one calibration to the next. The errors of a shape's
 * runs are not spread evenly: most lie within a few tenths of a
 * nanosecond of each other, and those made while the machine was busy
 * (another process, a slower clock for a while, states that can last
 * seconds) lie 5 to 25 ns above them, every shape at once. Those are not
 * the shape's doing but the machine's: the same while slows the plain
 * code too. So the runs go round the shapes, 61 rounds, which samples
 * the machine's states as a profile meets them, and the two are told
 * apart:
 *
 * - The shape's own error is where an ordinary round of it lies: the
 *   median of the rounds, in the caller's time and in the callee's. The
 *   bias spread is the largest of those in size, of any shape.
 * - The machine's is measured on the same plain code each round: every
 *   shape's uninstrumented twin. How far a round's total strays from the
 *   median round's, what nine rounds in ten stay within (the 55th of 61,
 *   leaving out the six largest), is the speed variation: the share by
 *   which the machine runs the same work faster or slower from one moment
 *   to the next. Every bound is widened by that share of the time before
 *   the bias was taken off (detprof-bounds.c): it moves the profiler's
 *   hidden cost as much as the program's, and no bias can take it away.
 *
 * The bias spread was once the upper tenth of each shape's round errors,
 * busy rounds and all, and the bounds had no speed term: seven
 * consecutive calibrations stored 7.1 to 21.6 ns (tsc-fenced), and long
 * call-free functions, whose bounds had no stretches to hold that, came
 * out 1 to 3 % off their truth with bounds of 0.0 %. With the speed
 * variation in the bounds, that upper tenth counted busy whiles twice;
 * the medians (3 to 7 ns with tsc-fenced, 5 to 21 ns with tsc, whose
 * unordered reads hide the work in flight) halved the bounds of the
 * accuracy benchmark's fill-sort and fib, and the truth stayed within
 * them about as often (89 % and 98 % of its cases, from 92 % and 88 %).
 */

typedef enum
{
  SHAPE_CHAIN,    /* chain_driver: a leaf of k dependent multiplies */
  SHAPE_SUM,      /* sum_driver: a tiny leaf whose value is summed */
  SHAPE_BETWEEN,  /* between_driver: k multiplies in the caller, then an empty leaf */
  SHAPE_REC,      /* rec_driver: fib-like recursion of depth k */
} ShapeKind;

static const struct
{
  ShapeKind   kind;
  long        k;
  const char *what;
} spread_shapes[] = {
  { SHAPE_CHAIN, 0, "an empty leaf with arguments" },
  { SHAPE_CHAIN, 4, "a leaf of 4 dependent multiplies" },
  { SHAPE_CHAIN, 32, "a leaf of 32 dependent multiplies" },
  { SHAPE_CHAIN, 128, "a leaf of 128 dependent multiplies" },
  { SHAPE_SUM, 0, "a tiny leaf whose value the caller sums" },
  { SHAPE_BETWEEN, 4, "4 multiplies in the caller between calls" },
  { SHAPE_BETWEEN, 32, "32 multiplies in the caller between calls" },
  { SHAPE_REC, 8, "recursion (fib of 8)" },
};

G_STATIC_ASSERT (2 * G_N_ELEMENTS (spread_shapes) <= DETPROF_SPREAD_MAX_SHAPES);

typedef void (*ShapeRun) (long n,
                          long k);

typedef struct
{
  ShapeRun      driver;
  ShapeRun      base;     /* the driver's loop without its call: the caller's own time */
  gconstpointer callee;
} ShapeFunctions;

static void
shape_functions (const DetprofWorkload *twin,
                 ShapeKind              kind,
                 ShapeFunctions        *out)
{
  switch (kind)
    {
    case SHAPE_CHAIN:
      *out = (ShapeFunctions) { twin->chain_driver, twin->loop_base, twin->chain };
      break;
    case SHAPE_SUM:
      *out = (ShapeFunctions) { twin->sum_driver, twin->sum_base, twin->value };
      break;
    case SHAPE_BETWEEN:
      *out = (ShapeFunctions) { twin->between_driver, twin->between_base, (gconstpointer) twin->empty };
      break;
    case SHAPE_REC:
      *out = (ShapeFunctions) { twin->rec_driver, twin->loop_base, twin->rec };
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A probe that takes off the same bias as @self. */
static DetprofProfiler *
new_probe_like (DetprofProfiler *self)
{
  DetprofProfiler *probe = new_probe (self);
  double pairs[4];

  if (detprof_profiler_get_bias_pairs (self, pairs))
    detprof_profiler_set_bias_pairs (probe, pairs);
  else
    detprof_profiler_set_bias (probe, detprof_profiler_get_bias (self));
  return probe;
}

typedef struct
{
  double        plain_driver;  /* timer units */
  double        plain_base;
  DetprofTotals caller;        /* the instrumented driver's */
  DetprofTotals callee;
} ShapeMeasurement;

static gboolean
measure_shape_once (DetprofProfiler        *self,
                    const DetprofWorkload  *twin,
                    guint                   shape,
                    long                    n,
                    ShapeMeasurement       *out,
                    GError                **error)
{
  g_autoptr(DetprofProfiler) probe = new_probe_like (self);
  ShapeFunctions plain, instrumented;
  long k = spread_shapes[shape].k;
  double start;

  shape_functions (plain_twin, spread_shapes[shape].kind, &plain);
  shape_functions (twin, spread_shapes[shape].kind, &instrumented);

  start = read_units (probe);
  plain.driver (n, k);
  out->plain_driver = read_units (probe) - start;
  start = read_units (probe);
  plain.base (n, k);
  out->plain_base = read_units (probe) - start;

  if (!detprof_profiler_enable (probe, error))
    {
      g_prefix_error (error, "cannot calibrate: ");
      return FALSE;
    }
  instrumented.driver (n, k);
  detprof_profiler_disable (probe);
  _detprof_profiler_function_totals (probe, instrumented.driver, &out->caller);
  _detprof_profiler_function_totals (probe, instrumented.callee, &out->callee);
  return TRUE;
}

/* Driver calls per measurement: enough for some milliseconds, or a
 * thousand ticks of a coarse timer, but never more than LONGEST_SPREAD_RUN
 * (the ticks of the coarsest clocks then dominate their bounds anyway). */
#define LONGEST_SPREAD_RUN 0.02

static long
choose_shape_n (DetprofProfiler       *self,
                const DetprofWorkload *twin,
                guint                  shape)
{
  DetprofTimer *timer = detprof_profiler_get_timer (self);
  double resolution = timer->resolution > 0.0 ? timer->resolution : 1e-9;
  double wanted = CLAMP (1000.0 * resolution, 2e-3, LONGEST_SPREAD_RUN);
  ShapeMeasurement trial;
  double elapsed, seconds_per_call;
  gint64 start;
  long n;

  /* Timed with the monotonic clock, as choose_n () is. A trial of a few
   * dozen calls mostly times making the probe and enabling it, and any
   * page fault on the way: sized on it, n came out anywhere from a tenth
   * of what was wanted to all of it, and one shape with a short run (a
   * few hundred calls, where one interruption is nanoseconds per
   * stretch) set the whole spread. So the trial is made four times
   * longer until it lasts a tenth of the wanted time. */
  for (n = 64; ; n *= 4)
    {
      start = g_get_monotonic_time ();
      if (!measure_shape_once (self, twin, shape, n, &trial, NULL))
        return n;
      elapsed = (double) (g_get_monotonic_time () - start) * 1e-6;
      if (elapsed >= wanted / 10 || n >= (1L << 20))
        break;
    }
  seconds_per_call = MAX (elapsed / n, 1e-9);
  return CLAMP ((long) (wanted / seconds_per_call), 16, 1L << 20);
}

/* Seconds per stretch by which @tt (timer units) exceeds @truth. */
static double
error_per_stretch (double  tt,
                   double  truth,
                   gint64  stretches,
                   double  timeunit)
{
  return stretches > 0 ? (tt - truth) * timeunit / (double) stretches : 0.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median of @values (sorts them). */
static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return (n % 2 == 1) ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* The value nine in ten of @values stay within, at most: the smallest
 * that no more than a tenth exceed (sorts them). */
static double
upper_tenth (double *values,
             guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[(9 * n + 9) / 10 - 1];
}

/* What nine in ten of @values stay within, relative to their median: how
 * far the time of the same work strays from one repeat to the next
 * (0 when there is no time to compare). @scratch holds @n values. */
static double
relative_reach (const double *values,
                double       *scratch,
                guint         n)
{
  double middle;
  guint r;

  memcpy (scratch, values, n * sizeof *scratch);
  middle = median (scratch, n);
  if (!(middle > 0.0))
    return 0.0;
  for (r = 0; r < n; r++)
    scratch[r] = fabs (values[r] / middle - 1.0);
  return upper_tenth (scratch, n);
}

/* The shapes that the spread is measured on: each as built plainly with
 * the hooks, then with frame pointers too. */
#define N_SPREAD_SHAPES (2 * G_N_ELEMENTS (spread_shapes))

static const DetprofWorkload *
shape_twin (guint i)
{
  return i >= G_N_ELEMENTS (spread_shapes) ? &_detprof_workload_framed : instrumented_twin;
}

/* Tests make some rounds busy (detprof-calibration-cache-private.h). */
static DetprofSpreadRoundHook round_hook;
static gpointer round_hook_data;

void
_detprof_calibration_set_round_hook (DetprofSpreadRoundHook hook,
                                     gpointer               user_data)
{
  round_hook = hook;
  round_hook_data = user_data;
}

gboolean
_detprof_calibration_measure_spread (DetprofProfiler      *self,
                                     guint                 repeats,
                                     DetprofSpreadReport  *report,
                                     GError              **error)
{
  g_autofree double *callers = NULL;
  g_autofree double *callees = NULL;
  g_autofree double *sizes = NULL;
  g_autofree double *round_plain = NULL;
  long n[N_SPREAD_SHAPES];
  double timeunit;
  guint i, r;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (repeats >= 1, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  timeunit = detprof_profiler_get_timer (self)->timeunit;
  memset (report, 0, sizeof *report);
  /* Shape i's repeats are callers[i * repeats ...], and callees[...]. */
  callers = g_new (double, N_SPREAD_SHAPES * repeats);
  callees = g_new (double, N_SPREAD_SHAPES * repeats);
  sizes = g_new (double, repeats);
  round_plain = g_new0 (double, repeats);

  for (i = 0; i < N_SPREAD_SHAPES; i++)
    n[i] = choose_shape_n (self, shape_twin (i), i % G_N_ELEMENTS (spread_shapes));

  /* Each repeat compares a profiled run with plain runs made just
   * before it. A profile is made in one ordinary run, not in the
   * luckiest of several (the bias itself is the least the stretches
   * cost, so an ordinary run is a little dearer than it). The repeats go
   * round the shapes, one of each at a time, so that a busy while falls
   * on every shape alike. */
  for (r = 0; r < repeats; r++)
    {
      if (round_hook != NULL)
        round_hook (r, round_hook_data);

      for (i = 0; i < N_SPREAD_SHAPES; i++)
        {
          ShapeMeasurement m;

          if (!measure_shape_once (self, shape_twin (i), i % G_N_ELEMENTS (spread_shapes), n[i], &m, error))
            return FALSE;
          /* The plain runs, every shape's, are the same work each round. */
          round_plain[r] += m.plain_driver + m.plain_base;
          callers[i * repeats + r] = error_per_stretch (m.caller.tt, m.plain_base, m.caller.n_tt, timeunit);
          callees[i * repeats + r] = error_per_stretch (m.callee.tt, m.plain_driver - m.plain_base,
                                                        m.callee.n_tt, timeunit);
        }
    }

  for (i = 0; i < N_SPREAD_SHAPES; i++)
    {
      DetprofSpreadShape *out = &report->shapes[i];
      double *shape_callers = callers + i * repeats;
      double *shape_callees = callees + i * repeats;
      double lowest = G_MAXDOUBLE, highest = -G_MAXDOUBLE;

      for (r = 0; r < repeats; r++)
        {
          lowest = MIN (lowest, MIN (shape_callers[r], shape_callees[r]));
          highest = MAX (highest, MAX (shape_callers[r], shape_callees[r]));
          sizes[r] = MAX (fabs (shape_callers[r]), fabs (shape_callees[r]));
        }
      /* What a shape adds to the spread is where an ordinary round of it
       * lies, in the caller's time or the callee's, whichever is the
       * larger in size. What nine rounds in ten stay within (the reach)
       * and how far apart they came (the jitter) say how busy the
       * rounds were, for people (detprof-calibrate -v). */
      out->what = spread_shapes[i % G_N_ELEMENTS (spread_shapes)].what;
      out->framed = i >= G_N_ELEMENTS (spread_shapes);
      out->reach = upper_tenth (sizes, repeats);
      out->caller = median (shape_callers, repeats);
      out->callee = median (shape_callees, repeats);
      out->jitter = highest - lowest;
      report->spread = MAX (report->spread, MAX (fabs (out->caller), fabs (out->callee)));
    }
  report->n_shapes = N_SPREAD_SHAPES;
  report->speed_variation = relative_reach (round_plain, sizes, repeats);
  return TRUE;
}

/**
 * detprof_profiler_calibrate_spread:
 * @self: a #DetprofProfiler, with the bias to check set
 * @repeats: how many rounds of measurements of each shape to make (at
 *   least 1; detprof-calibrate makes 21)
 * @spread: (out): the bias spread, in seconds per stretch
 * @speed_variation: (out) (optional): how far the machine's speed strayed
 *   over the same rounds, a share of the time, or %NULL
 * @error: return location for a #GError
 *
 * Measures how far the hidden cost of one stretch between two events
 * strays from the bias @self takes off for it, across several shapes of
 * code around the hooks (leaves that do nothing, a little or a lot, a
 * leaf whose value its caller uses, work in the caller between calls,
 * recursion), each against its uninstrumented twin, in @repeats rounds:
 * the error per stretch of an ordinary round (the median), in a caller's
 * time or a callee's, of the shape where it is largest in size. Give it
 * to detprof_profiler_set_bias_spread(), after the bias, and the
 * statistics bound every time. The rounds also time the same
 * uninstrumented code each: what nine rounds in ten of it stay within,
 * relative to the median round, is @speed_variation, for
 * detprof_profiler_set_speed_variation(). The profiler measured has
 * @self's class, timer and bias; @self is not changed.
 *
 * Returns: %TRUE, or %FALSE with @error set if another profiler is enabled
 *
 * Since: 0.2
 */
gboolean
detprof_profiler_calibrate_spread (DetprofProfiler  *self,
                                   guint             repeats,
                                   double           *spread,
                                   double           *speed_variation,
                                   GError          **error)
{
  DetprofSpreadReport report;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (repeats >= 1, FALSE);
  g_return_val_if_fail (spread != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_detprof_calibration_measure_spread (self, repeats, &report, error))
    return FALSE;
  *spread = report.spread;
  if (speed_variation != NULL)
    *speed_variation = report.speed_variation;
  return TRUE;
}

/* ---- Calibrations that agree, and -b auto ---- */

/* What repeated calibrations are compared on: the cost of a leaf call, a
 * call->return stretch and a return->call one. */
static double
leaf_cost (const double pairs[4])
{
  return pairs[DETPROF_CALIBRATION_CALL_RETURN] + pairs[DETPROF_CALIBRATION_RETURN_CALL];
}

/* Whether calibrations of @timer can be expected to agree. A timer too
 * coarse for a measurement to span a thousand ticks (times, coarse) gives
 * calibrations that the ticks alone keep apart: measuring again would not
 * bring them together. */
static gboolean
can_agree (DetprofTimer *timer)
{
  return 1000.0 * detprof_timer_get_resolution (timer) <= LONGEST_MEASUREMENT;
}

/* What one attempt found: the lowest value of each constant over its
 * calibrations, how far apart they came, and the calls per measurement of
 * the first. */
typedef struct
{
  double  lowest[4];
  double  spread;
  guint64 n;
} Attempt;

static gboolean
measure_attempt (DetprofProfiler          *profiler,
                 guint                     calibrations,
                 guint                     repeats,
                 guint64                   n,
                 DetprofCalibrationWatch   watch,
                 gpointer                  user_data,
                 DetprofCalibrationStep   *step,
                 Attempt                  *out,
                 GError                  **error)
{
  DetprofCalibration calibration;
  double smallest = 0.0, largest = 0.0;
  int i;

  for (step->index = 0; step->index < calibrations; step->index++)
    {
      if (!detprof_profiler_calibrate_pairs (profiler, n, repeats, &calibration, error))
        return FALSE;
      if (step->index == 0)
        {
          memcpy (out->lowest, calibration.pairs, sizeof out->lowest);
          smallest = largest = leaf_cost (calibration.pairs);
          out->n = calibration.n;
        }
      for (i = 0; i < 4; i++)
        out->lowest[i] = MIN (out->lowest[i], calibration.pairs[i]);
      smallest = MIN (smallest, leaf_cost (calibration.pairs));
      largest = MAX (largest, leaf_cost (calibration.pairs));

      step->over = FALSE;
      memcpy (step->pairs, calibration.pairs, sizeof step->pairs);
      step->n = calibration.n;
      if (watch != NULL)
        watch (step, user_data);
    }

  /* A calibration that saw no tick at all compares with nothing. */
  out->spread = (smallest > 0.0) ? largest / smallest : (double) INFINITY;
  return TRUE;
}

gboolean
_detprof_calibration_measure (DetprofTimer             *timer,
                              guint                     calibrations,
                              guint                     repeats,
                              guint64                   n,
                              DetprofCalibrationWatch   watch,
                              gpointer                  user_data,
                              DetprofCalibrationEntry  *entry,
                              GError                  **error)
{
  g_autoptr(DetprofProfiler) profiler = NULL;
  DetprofCalibrationStep step = { 0, };
  Attempt attempt = { { 0.0, }, 0.0, 0 };
  Attempt best = attempt;
  DetprofSpreadReport bias_spread;
  double lowest[4];
  guint attempts;
  int i;

  g_return_val_if_fail (timer != NULL, FALSE);
  g_return_val_if_fail (calibrations >= 1, FALSE);
  g_return_val_if_fail (repeats >= 1, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  profiler = detprof_profiler_new (timer);
  attempts = can_agree (timer) ? DETPROF_CALIBRATION_MAX_ATTEMPTS : 1;

  /* Each attempt is compared afresh, and the one whose calibrations agree
   * best says how consistent the machine can be. The constants are the
   * lowest of every attempt's: a busy while only ever adds to a
   * measurement, and a machine busy for seconds can keep a whole attempt
   * dear yet consistent, while a quiet moment in an attempt that was
   * measured again is still a quiet moment. */
  for (step.attempt = 1; ; step.attempt++)
    {
      if (!measure_attempt (profiler, calibrations, repeats, n, watch, user_data, &step, &attempt, error))
        return FALSE;
      if (step.attempt == 1)
        memcpy (lowest, attempt.lowest, sizeof lowest);
      for (i = 0; i < 4; i++)
        lowest[i] = MIN (lowest[i], attempt.lowest[i]);
      if (step.attempt == 1 || attempt.spread < best.spread)
        best = attempt;

      step.over = TRUE;
      step.spread = attempt.spread;
      step.again = !(attempt.spread <= DETPROF_CALIBRATION_AGREEMENT) && step.attempt < attempts;
      if (watch != NULL)
        watch (&step, user_data);
      if (!step.again)
        break;
    }

  /* How far the constants that are kept stray from each shape of code:
   * in 61 rounds, or, when the tick alone keeps calibrations apart, in as
   * many as calibrations make measurements (a round of the coarse clocks
   * lasts a second, and their medians are set by the tick anyway). */
  detprof_profiler_set_bias_pairs (profiler, lowest);
  if (!_detprof_calibration_measure_spread (profiler, can_agree (timer) ? DETPROF_BIAS_SPREAD_ROUNDS : repeats,
                                            &bias_spread, error))
    return FALSE;
  step.bias_spread = &bias_spread;
  step.again = FALSE;
  if (watch != NULL)
    watch (&step, user_data);

  _detprof_calibration_entry_init (entry, detprof_timer_get_name (timer), "pairs");
  memcpy (entry->constants, lowest, sizeof lowest);
  entry->spread = best.spread;
  entry->bias_spread = bias_spread.spread;
  entry->speed_variation = bias_spread.speed_variation;
  entry->repeats = calibrations;
  entry->n = best.n;
  return TRUE;
}

/* How `-b auto` calibrates: three calibrations of five measurements each,
 * then the bias spread, two or three seconds in all with the cheap clocks.
 * Three are the fewest that can show one calibration apart from the
 * others. */
#define AUTO_CALIBRATIONS 3
#define AUTO_REPEATS 5

gboolean
_detprof_calibration_auto (DetprofTimer             *timer,
                           DetprofCalibrationEntry  *entry,
                           gboolean                 *measured,
                           GError                  **error)
{
  return _detprof_calibration_auto_watched (timer, NULL, NULL, entry, measured, error);
}

gboolean
_detprof_calibration_auto_watched (DetprofTimer             *timer,
                                   DetprofCalibrationWatch   watch,
                                   gpointer                  user_data,
                                   DetprofCalibrationEntry  *entry,
                                   gboolean                 *measured,
                                   GError                  **error)
{
  g_autoptr(GError) why = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *disagreement = NULL;
  gboolean unsafe;

  *measured = FALSE;
  if (_detprof_calibration_cache_lookup (NULL, detprof_timer_get_name (timer), "pairs", entry, &why))
    return TRUE;
  if (!g_error_matches (why, DETPROF_CALIBRATION_CACHE_ERROR, why->code)
      && !g_error_matches (why, DETPROF_ERROR, DETPROF_ERROR_IO))
    {
      g_propagate_error (error, g_steal_pointer (&why));
      return FALSE;
    }

  /* Somebody else could have planted the cache: say so once, and leave it
   * alone. The profile is still made, with a bias measured now. */
  unsafe = g_error_matches (why, DETPROF_CALIBRATION_CACHE_ERROR, DETPROF_CALIBRATION_CACHE_ERROR_UNSAFE);
  if (unsafe)
    g_printerr ("detprof: %s; calibrating in memory for this run\n", why->message);
  else
    g_printerr ("detprof: %s; calibrating now (once: detprof-calibrate stores it)\n", why->message);

  if (!_detprof_calibration_measure (timer, AUTO_CALIBRATIONS, AUTO_REPEATS, 0, watch, user_data,
                                     entry, error))
    return FALSE;
  *measured = TRUE;
  if (unsafe)
    return TRUE;

  /* The profile needs a bias now, and this is the best to be had; but
   * stored, it would be used by every later profile too. */
  disagreement = _detprof_calibration_spread_problem (entry);
  if (disagreement != NULL)
    {
      g_printerr ("detprof: warning: this calibration is used for this run only, and not stored: %s\n",
                  disagreement);
      return TRUE;
    }
  if (!_detprof_calibration_cache_store (NULL, entry, &store_error))
    g_printerr ("detprof: warning: the calibration is used but not stored: %s\n", store_error->message);
  return TRUE;
}
