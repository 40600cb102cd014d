/* detprof-timer.c: the built-in timers, and timers made from callbacks.
 *
 * Each timer knows how to give one reading in its own unit (its timeunit
 * says how many seconds that is). Readings are doubles: a double holds
 * every integer up to 2^53 exactly, which is 104 days of nanoseconds or
 * 35 days of cycles at 3 GHz, so integer timers lose nothing.
 *
 * The costs differ by two orders of magnitude, and that is the lesson of
 * this file: the cycle counter is one instruction, CLOCK_MONOTONIC is a
 * vDSO call, the CPU-time clocks and getrusage() are system calls, and the
 * coarse clocks are cheap but tick only every few milliseconds.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define HAVE_X86_TSC 1
#endif

#include "detprof-error.h"
#include "detprof-timer-private.h"

/**
 * SECTION:detprof-timer
 * @title: DetprofTimer
 * @short_description: the clocks a profiler can read
 *
 * Reading a clock is the largest cost of a deterministic profiler and the
 * main source of its error, so detprof lets you choose the clock. A
 * #DetprofTimer comes in one of the three shapes of Python's profile
 * module (#DetprofTimerShape):
 *
 * - a double: the callback returns a time, in seconds or in any unit
 *   given as the timeunit (detprof_timer_new_double());
 * - an integer: the callback returns a count, and the timeunit says how
 *   many seconds one count is: a cycle counter, nanoseconds
 *   (detprof_timer_new_integer());
 * - a tuple: the callback fills several values whose sum is the time, as
 *   Python's `os.times()` gives user and system time
 *   (detprof_timer_new_tuple()).
 *
 * The profiler works in the timer's own unit and converts to seconds only
 * when it makes the statistics, so an integer timer loses nothing at each
 * event.
 *
 * The built-in timers (detprof_timer_list_builtins()) are `tsc`, `tsc-fenced`, `wall`,
 * `cpu`, `thread-cpu`, `rusage`, `times` and `coarse`; see
 * detprof_timer_new_builtin(). Their costs differ by two orders of
 * magnitude: the cycle counter is one instruction, `wall` a vDSO call, the
 * CPU-time clocks and getrusage() are system calls, and the coarse clock
 * is cheap but ticks only every few milliseconds. `detprof-calibrate`
 * measures what each costs per event on your host.
 *
 * A timer of your own, here reading the monotonic clock in microseconds:
 *
 * |[<!-- language="C" -->
 * static double
 * read_microseconds (gpointer user_data)
 * {
 *   return (double) g_get_monotonic_time ();
 * }
 *
 * g_autoptr(DetprofTimer) timer =
 *   detprof_timer_new_double ("usec", read_microseconds, 1e-6, NULL, NULL);
 * g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);
 * ]|
 *
 * A subclass of #DetprofProfiler may instead override its `read_timer`
 * class method, and so avoid the indirect call through the timer.
 */

G_DEFINE_BOXED_TYPE (DetprofTimer, detprof_timer, detprof_timer_ref, detprof_timer_unref)

/* ---- generic readers, one per shape (profile.py's dispatcher variants) ---- */

static double
read_double (DetprofTimer *self)
{
  return self->func.as_double (self->user_data);
}

static double
read_integer (DetprofTimer *self)
{
  return (double) self->func.as_integer (self->user_data);
}

/* The pair variant: (user, system) summed inline. */
static double
read_pair (DetprofTimer *self)
{
  double values[2];

  self->func.as_tuple (values, self->user_data);
  return values[0] + values[1];
}

/* The list variant: any other length, summed in order. */
static double
read_list (DetprofTimer *self)
{
  double values[16];
  double sum = 0.0;
  guint i;

  self->func.as_tuple (values, self->user_data);
  for (i = 0; i < self->n_values; i++)
    sum += values[i];
  return sum;
}

static DetprofTimer *
timer_new (const char        *name,
           DetprofTimerShape  shape,
           guint              n_values,
           double             timeunit,
           gpointer           user_data,
           GDestroyNotify     destroy)
{
  DetprofTimer *self = g_new0 (DetprofTimer, 1);

  self->ref_count = 1;
  self->name = g_strdup (name);
  self->shape = shape;
  self->n_values = n_values;
  self->timeunit = timeunit;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

/**
 * detprof_timer_new_double:
 * @name: a name for reports
 * @func: (scope notified): returns the time in timeunits
 * @timeunit: seconds per unit of @func's result (1.0 for seconds)
 * @user_data: (closure func): data for @func
 * @destroy: (nullable): frees @user_data when the timer is freed
 *
 * Makes a timer whose readings are doubles.
 *
 * Returns: (transfer full): the timer
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_new_double (const char             *name,
                          DetprofTimerDoubleFunc  func,
                          double                  timeunit,
                          gpointer                user_data,
                          GDestroyNotify          destroy)
{
  DetprofTimer *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (isfinite (timeunit) && timeunit > 0.0, NULL);

  self = timer_new (name, DETPROF_TIMER_DOUBLE, 1, timeunit, user_data, destroy);
  self->func.as_double = func;
  self->read = read_double;
  self->description = g_strdup ("a custom timer returning a double");
  return self;
}

/**
 * detprof_timer_new_integer:
 * @name: a name for reports
 * @func: (scope notified): returns the time as a count of timeunits
 * @timeunit: seconds per count
 * @user_data: (closure func): data for @func
 * @destroy: (nullable): frees @user_data when the timer is freed
 *
 * Makes a timer whose readings are integer counts, like cProfile's timers
 * with a timeunit.
 *
 * Returns: (transfer full): the timer
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_new_integer (const char              *name,
                           DetprofTimerIntegerFunc  func,
                           double                   timeunit,
                           gpointer                 user_data,
                           GDestroyNotify           destroy)
{
  DetprofTimer *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (isfinite (timeunit) && timeunit > 0.0, NULL);

  self = timer_new (name, DETPROF_TIMER_INTEGER, 1, timeunit, user_data, destroy);
  self->func.as_integer = func;
  self->read = read_integer;
  self->description = g_strdup ("a custom timer returning an integer count");
  return self;
}

/**
 * detprof_timer_new_tuple:
 * @name: a name for reports
 * @n_values: how many values @func fills, 1 to 16
 * @func: (scope notified): fills the values
 * @timeunit: seconds per unit of the values
 * @user_data: (closure func): data for @func
 * @destroy: (nullable): frees @user_data when the timer is freed
 *
 * Makes a timer whose reading is the sum of several values, like Python's
 * os.times() (user and system time).
 *
 * Returns: (transfer full): the timer
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_new_tuple (const char            *name,
                         guint                  n_values,
                         DetprofTimerTupleFunc  func,
                         double                 timeunit,
                         gpointer               user_data,
                         GDestroyNotify         destroy)
{
  DetprofTimer *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (n_values >= 1 && n_values <= 16, NULL);
  g_return_val_if_fail (isfinite (timeunit) && timeunit > 0.0, NULL);

  self = timer_new (name, DETPROF_TIMER_TUPLE, n_values, timeunit, user_data, destroy);
  self->func.as_tuple = func;
  self->read = (n_values == 2) ? read_pair : read_list;
  self->description = g_strdup_printf ("a custom timer summing %u values", n_values);
  return self;
}

/* ---- the built-in timers ---- */

static double
read_clock (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static double
read_wall (DetprofTimer *self)
{
  return read_clock (CLOCK_MONOTONIC);
}

static double
read_cpu (DetprofTimer *self)
{
  return read_clock (CLOCK_PROCESS_CPUTIME_ID);
}

static double
read_thread_cpu (DetprofTimer *self)
{
  return read_clock (CLOCK_THREAD_CPUTIME_ID);
}

static double
read_coarse (DetprofTimer *self)
{
  return read_clock (CLOCK_MONOTONIC_COARSE);
}

/* rusage and times are tuples (user, system), as profile.py reads os.times(). */
static void
fill_rusage (double   *values,
             gpointer  user_data)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  values[0] = (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec * 1e-6;
  values[1] = (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec * 1e-6;
}

static void
fill_times (double   *values,
            gpointer  user_data)
{
  struct tms t;

  times (&t);
  values[0] = (double) t.tms_utime;
  values[1] = (double) t.tms_stime;
}

#ifdef HAVE_X86_TSC
static double
read_tsc (DetprofTimer *self)
{
  return (double) __rdtsc ();
}

/* rdtsc is not ordered with the instructions around it: the CPU may start
 * the program's next instructions before the reading, or finish earlier
 * ones after it, so a few nanoseconds of work can hide under a reading
 * (bench/overhead-shape measures how much). The fences keep every
 * instruction on its side of the reading: dearer, but the cost of an
 * event no longer depends on the work around it. */
static double
read_tsc_fenced (DetprofTimer *self)
{
  double t;

  _mm_lfence ();
  t = (double) __rdtsc ();
  _mm_lfence ();
  return t;
}

#endif

gboolean
_detprof_timer_reads_tsc (DetprofTimer *self)
{
#ifdef HAVE_X86_TSC
  return self->read == read_tsc || self->read == read_tsc_fenced;
#else
  return FALSE;
#endif
}

#ifdef HAVE_X86_TSC
static gboolean
tsc_is_invariant (void)
{
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

  /* CPUID 0x80000007, EDX bit 8: the TSC ticks at a constant rate in every
   * P-, C- and T-state, so cycles convert to seconds by one constant. */
  if (__get_cpuid_max (0x80000000, NULL) < 0x80000007)
    return FALSE;
  __get_cpuid (0x80000007, &eax, &ebx, &ecx, &edx);
  return (edx & (1u << 8)) != 0;
}

static gpointer
measure_tsc_frequency (gpointer data)
{
  static double frequency;
  const char *given = g_getenv ("DETPROF_TSC_HZ");
  double best = 0.0;
  int attempt;

  if (!tsc_is_invariant ())
    return &frequency;

  /* The runner measures once and hands the figure to the programs it runs,
   * so that each process does not spend 30 ms measuring it again. */
  if (given != NULL)
    {
      char *end = NULL;
      double hz = g_ascii_strtod (given, &end);

      if (end != given && *end == '\0' && isfinite (hz) && hz > 1e6 && hz < 1e11)
        {
          frequency = hz;
          return &frequency;
        }
    }

  /* Count cycles across 10 ms of CLOCK_MONOTONIC, three times, and keep
   * the attempt whose clock readings were closest together. */
  for (attempt = 0; attempt < 3; attempt++)
    {
      double ns0 = read_clock (CLOCK_MONOTONIC);
      double c0 = (double) __rdtsc ();
      double ns0b = read_clock (CLOCK_MONOTONIC);
      double ns1, c1, ns1b, hz;

      g_usleep (10000);
      ns1 = read_clock (CLOCK_MONOTONIC);
      c1 = (double) __rdtsc ();
      ns1b = read_clock (CLOCK_MONOTONIC);
      hz = (c1 - c0) / (((ns1 + ns1b) - (ns0 + ns0b)) * 0.5e-9);
      if (attempt == 0 || (ns1b - ns1) + (ns0b - ns0) < 200.0)
        best = hz;
    }
  frequency = best;
  return &frequency;
}
#endif

double
_detprof_timer_tsc_frequency (void)
{
#ifdef HAVE_X86_TSC
  static GOnce once = G_ONCE_INIT;

  return *(double *) g_once (&once, measure_tsc_frequency, NULL);
#else
  return 0.0;
#endif
}

static double
clock_resolution (clockid_t clock)
{
  struct timespec res;

  if (clock_getres (clock, &res) != 0)
    return 0.0;
  return (double) res.tv_sec + (double) res.tv_nsec * 1e-9;
}

static DetprofTimer *
builtin_clock (const char  *name,
               clockid_t    clock,
               double     (*read) (DetprofTimer *),
               const char  *description)
{
  DetprofTimer *self = timer_new (name, DETPROF_TIMER_INTEGER, 1, 1e-9, NULL, NULL);

  self->read = read;
  self->description = g_strdup (description);
  self->resolution = clock_resolution (clock);
  return self;
}

static const char * const builtin_names[] = {
  "tsc", "tsc-fenced", "wall", "cpu", "thread-cpu", "rusage", "times", "coarse", NULL
};

/**
 * detprof_timer_list_builtins:
 *
 * Lists the names detprof_timer_new_builtin() accepts. Some may not be
 * usable on this host (`tsc` needs an invariant cycle counter).
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 *   built-in timers, cheapest and most precise first
 *
 * Since: 0.1
 */
const char * const *
detprof_timer_list_builtins (void)
{
  return builtin_names;
}

/**
 * detprof_timer_get_default_name:
 *
 * The timer detprof uses unless told otherwise: "tsc-fenced" where the
 * cycle counter is invariant, else "wall".
 *
 * Fenced, not plain "tsc": a plain read of the counter is not ordered
 * with the code around it, so up to some 15 ns of a function's last work
 * is read after its return and charged to its caller (measured on
 * functions of 100 ns: -14 % self time with no bias at all), which no
 * bias can undo. The fenced read costs about 3.5 times as much per
 * event, and calibration takes that off.
 *
 * Returns: (transfer none): a built-in timer name
 *
 * Since: 0.1
 */
const char *
detprof_timer_get_default_name (void)
{
  return _detprof_timer_tsc_frequency () > 0.0 ? "tsc-fenced" : "wall";
}

/**
 * detprof_timer_new_builtin:
 * @name: one of detprof_timer_list_builtins()
 * @error: return location for a #GError
 *
 * Makes a built-in timer: `tsc` (the invariant cycle counter, converted
 * with a frequency measured at start-up), `tsc-fenced` (the same, with
 * each reading fenced by lfence so that no work moves across it: about
 * 3.5 times dearer, and the default where the counter is invariant), `wall` (CLOCK_MONOTONIC), `cpu`
 * (process CPU time, profile.py's default), `thread-cpu` (this thread's CPU
 * time), `rusage` (user + system from getrusage(), a tuple), `times` (user +
 * system clock ticks from times(), a tuple) or `coarse`
 * (CLOCK_MONOTONIC_COARSE).
 *
 * Returns: (transfer full) (nullable): the timer, or %NULL with
 *   %DETPROF_ERROR_NO_TIMER set for an unknown name or a `tsc` that is not
 *   invariant on this host
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_new_builtin (const char  *name,
                           GError     **error)
{
  DetprofTimer *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strcmp (name, "wall") == 0)
    return builtin_clock ("wall", CLOCK_MONOTONIC, read_wall,
                          "CLOCK_MONOTONIC, in nanoseconds");
  if (strcmp (name, "cpu") == 0)
    return builtin_clock ("cpu", CLOCK_PROCESS_CPUTIME_ID, read_cpu,
                          "CLOCK_PROCESS_CPUTIME_ID (process CPU time), in nanoseconds");
  if (strcmp (name, "thread-cpu") == 0)
    return builtin_clock ("thread-cpu", CLOCK_THREAD_CPUTIME_ID, read_thread_cpu,
                          "CLOCK_THREAD_CPUTIME_ID (this thread's CPU time), in nanoseconds");
  if (strcmp (name, "coarse") == 0)
    return builtin_clock ("coarse", CLOCK_MONOTONIC_COARSE, read_coarse,
                          "CLOCK_MONOTONIC_COARSE, in nanoseconds");
  if (strcmp (name, "rusage") == 0)
    {
      self = detprof_timer_new_tuple ("rusage", 2, fill_rusage, 1.0, NULL, NULL);
      g_free (self->description);
      self->description = g_strdup ("getrusage() user + system time, in seconds");
      self->resolution = 1e-6;
      return self;
    }
  if (strcmp (name, "times") == 0)
    {
      double tick = 1.0 / (double) sysconf (_SC_CLK_TCK);

      self = detprof_timer_new_tuple ("times", 2, fill_times, tick, NULL, NULL);
      g_free (self->description);
      self->description = g_strdup_printf ("times() user + system clock ticks of %g s", tick);
      self->resolution = tick;
      return self;
    }
  if (strcmp (name, "tsc") == 0 || strcmp (name, "tsc-fenced") == 0)
    {
      gboolean fenced = strcmp (name, "tsc-fenced") == 0;
      double hz = _detprof_timer_tsc_frequency ();

      if (hz <= 0.0)
        {
          g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_NO_TIMER,
                       "timer “%s” is not usable here: this CPU has no invariant "
                       "time-stamp counter (use “wall”)", name);
          return NULL;
        }
#ifdef HAVE_X86_TSC
      self = timer_new (name, DETPROF_TIMER_INTEGER, 1, 1.0 / hz, NULL, NULL);
      self->read = fenced ? read_tsc_fenced : read_tsc;
      self->description = g_strdup_printf ("invariant time-stamp counter at %.6f GHz%s", hz * 1e-9,
                                           fenced ? ", read between two lfence" : "");
      self->resolution = 1.0 / hz;
      return self;
#endif
    }

  {
    g_autofree char *valid = g_strjoinv (", ", (char **) builtin_names);

    g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_NO_TIMER,
                 "unknown timer “%s” (valid timers: %s)", name, valid);
  }
  return NULL;
}

/**
 * detprof_timer_new_default:
 *
 * Makes the timer named by detprof_timer_get_default_name().
 *
 * Returns: (transfer full): the timer
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_new_default (void)
{
  return detprof_timer_new_builtin (detprof_timer_get_default_name (), NULL);
}

/**
 * detprof_timer_ref:
 * @self: a #DetprofTimer
 *
 * Takes a reference to @self. References may be taken and dropped from any
 * thread.
 *
 * Returns: (transfer full): @self
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_timer_ref (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * detprof_timer_unref:
 * @self: (transfer full): a #DetprofTimer
 *
 * Drops a reference, freeing the timer with the last one.
 *
 * Since: 0.1
 */
void
detprof_timer_unref (DetprofTimer *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_free (self->name);
  g_free (self->description);
  g_free (self);
}

/**
 * detprof_timer_get_name:
 * @self: a #DetprofTimer
 *
 * Gets the name the timer was made with: the built-in name, or the one
 * given to detprof_timer_new_double() and its siblings. Reports and the
 * calibration cache use it.
 *
 * Returns: (transfer none): the timer's name
 *
 * Since: 0.1
 */
const char *
detprof_timer_get_name (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * detprof_timer_get_description:
 * @self: a #DetprofTimer
 *
 * Gets a description of the clock for people, such as "CLOCK_MONOTONIC, in
 * nanoseconds"; the first line of a `detprof` report shows it.
 *
 * Returns: (transfer none): what the clock is, in a few words
 *
 * Since: 0.1
 */
const char *
detprof_timer_get_description (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->description;
}

/**
 * detprof_timer_set_description:
 * @self: a #DetprofTimer
 * @description: what the clock is, in a few words
 *
 * Says what a custom timer's clock is, for the first line of reports
 * ("timer NAME (DESCRIPTION)"). Set it before the timer is given to a
 * profiler: a profile that is running reads it without a lock.
 *
 * Since: 0.1
 */
void
detprof_timer_set_description (DetprofTimer *self,
                               const char   *description)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (description != NULL);

  g_free (self->description);
  self->description = g_strdup (description);
}

/**
 * detprof_timer_set_resolution:
 * @self: a #DetprofTimer
 * @resolution: the smallest step between two distinct readings, in
 *   seconds; 0 for unknown
 *
 * Says how fine a custom timer's clock is. detprof_profiler_calibrate()
 * with n = 0 sizes its runs from it (a thousand ticks a measurement), so
 * a coarse clock that does not say so is calibrated with runs too short
 * to measure. Set it before the timer is given to a profiler.
 *
 * Since: 0.1
 */
void
detprof_timer_set_resolution (DetprofTimer *self,
                              double        resolution)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (isfinite (resolution) && resolution >= 0.0);

  self->resolution = resolution;
}

/**
 * detprof_timer_get_shape:
 * @self: a #DetprofTimer
 *
 * Gets the shape of the timer's readings; the built-in timers are
 * integers, except `rusage` and `times`, which are tuples.
 *
 * Returns: whether the timer returns a double, an integer or a tuple
 *
 * Since: 0.1
 */
DetprofTimerShape
detprof_timer_get_shape (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, DETPROF_TIMER_DOUBLE);
  return self->shape;
}

/**
 * detprof_timer_get_n_values:
 * @self: a #DetprofTimer
 *
 * Gets how many values a reading has.
 *
 * Returns: the length of a tuple timer's readings; 1 for the other shapes
 *
 * Since: 0.1
 */
guint
detprof_timer_get_n_values (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_values;
}

/**
 * detprof_timer_get_timeunit:
 * @self: a #DetprofTimer
 *
 * Gets the unit of the timer's readings: 1e-9 for the clocks that count
 * nanoseconds, one cycle for `tsc`, one clock tick for `times`.
 *
 * Returns: how many seconds one unit of a reading is
 *
 * Since: 0.1
 */
double
detprof_timer_get_timeunit (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->timeunit;
}

/**
 * detprof_timer_get_resolution:
 * @self: a #DetprofTimer
 *
 * Gets the timer's resolution. A time shorter than this cannot be
 * measured, only averaged over many events.
 *
 * Returns: the smallest step between two distinct readings, in seconds, as
 *   the system reports it; 0 if unknown (custom timers)
 *
 * Since: 0.1
 */
double
detprof_timer_get_resolution (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->resolution;
}

/**
 * detprof_timer_read:
 * @self: a #DetprofTimer
 *
 * Reads the timer once.
 *
 * Returns: the current time in timeunits (multiply by the timeunit for
 *   seconds)
 *
 * Since: 0.1
 */
double
detprof_timer_read (DetprofTimer *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->read (self);
}
