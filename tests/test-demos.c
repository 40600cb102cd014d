/* test-demos.c: the claims of the classroom demos (make demo), exactly.
 *
 * The demos' workloads (examples/demos, built with -finstrument-functions)
 * do all their work through demo_work () and demo_wait (). Here, those
 * advance a virtual clock instead of spinning and sleeping, and the
 * profiler's timers read that clock. Each reading also costs COST
 * nanoseconds, the profiler's own hidden work: of an event's two
 * readings, the second is followed by a stretch the profiler measures, so
 * every event hides exactly COST in the function that is running (the
 * first reading's cost falls between the two readings, where it is
 * charged to nobody). A profile is then known in advance to the last
 * digit, and each demo's claim is checked exactly, with no real clock.
 *
 * The timers count virtual nanoseconds with a timeunit of 1, so that a
 * profile's "seconds" are whole nanoseconds and every sum is exact.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof.h"
#include "demo-work.h"
#include "test-util.h"
#include "workloads.h"
#include "vecmath.h"

#define COST 10              /* ns each timer reading costs: about the tsc timer's */
#define TICK 1000000         /* the coarse timer's resolution: 1 ms */
#define INTERRUPT_EVERY 101  /* demo 6: one reading in so many is interrupted ... */
#define INTERRUPT_NS 5000    /* ... for this long (5 us) */

typedef struct
{
  gint64  wall;      /* ns of wall-clock time: everything */
  gint64  cpu;       /* ns of CPU time: work and readings, not waits */
  guint64 readings;  /* timer readings so far */
} VirtualClock;

static VirtualClock virtual_clock;

/* The demos' work, in virtual time (demo-work.c's twin). */
void
demo_work (long units)
{
  virtual_clock.wall += units;
  virtual_clock.cpu += units;
}

void
demo_wait (long ns)
{
  virtual_clock.wall += ns;
}

/* ---- the timers ---- */

/* The profiler's own work after a reading: it burns CPU. */
static void
spend_reading_cost (void)
{
  virtual_clock.readings++;
  demo_work (COST);
}

static gint64
read_wall (gpointer user_data)
{
  gint64 now = virtual_clock.wall;

  spend_reading_cost ();
  return now;
}

static gint64
read_cpu (gpointer user_data)
{
  gint64 now = virtual_clock.cpu;

  spend_reading_cost ();
  return now;
}

/* A free clock that only ticks every millisecond, as CLOCK_MONOTONIC_COARSE
 * does every few: free, so that its error is the resolution alone. */
static gint64
read_coarse (gpointer user_data)
{
  return virtual_clock.wall - virtual_clock.wall % TICK;
}

/* The wall clock of a machine where something else runs now and then: one
 * reading in INTERRUPT_EVERY is followed by an interrupt. */
static gint64
read_wall_interrupted (gpointer user_data)
{
  gint64 now = read_wall (NULL);

  if (virtual_clock.readings % INTERRUPT_EVERY == 0)
    demo_wait (INTERRUPT_NS);
  return now;
}

static DetprofProfiler *
new_profiler (DetprofTimerIntegerFunc read,
              double                  bias)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("virtual", read, 1.0, NULL, NULL);

  return detprof_profiler_new_with_bias (timer, bias);
}

/* ---- running a workload ---- */

typedef struct
{
  DetprofProfiler *profiler;
  DetprofStats    *stats;     /* the profile of the last run */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  memset (&virtual_clock, 0, sizeof virtual_clock);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->stats);
  g_clear_object (&fixture->profiler);
}

typedef struct
{
  long n;       /* calls, or the size of the workload */
  long n_big;   /* demo 1's big () calls */
} Workload;

static gpointer
run_overhead (gpointer user_data)
{
  const Workload *workload = user_data;

  overhead_run (workload->n, workload->n_big);
  return NULL;
}

static gpointer
run_resolution (gpointer user_data)
{
  resolution_run (((const Workload *) user_data)->n);
  return NULL;
}

static gpointer
run_library (gpointer user_data)
{
  /* 0: both ways give the same sum. */
  g_assert_cmpint (library_run (((const Workload *) user_data)->n), ==, 0);
  return NULL;
}

static gpointer
run_waiting (gpointer user_data)
{
  waiting_run (((const Workload *) user_data)->n);
  return NULL;
}

/* Profiles @run with a new profiler on @read, with @bias per event. */
static void
profile (Fixture                 *fixture,
         DetprofTimerIntegerFunc  read,
         double                   bias,
         DetprofRunFunc           run,
         const Workload          *workload)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->stats);
  g_clear_object (&fixture->profiler);
  fixture->profiler = new_profiler (read, bias);
  detprof_profiler_runcall (fixture->profiler, run, (gpointer) workload);
  fixture->stats = detprof_profiler_create_stats (fixture->profiler, &error);
  g_assert_no_error (error);
}

static double
tottime (Fixture    *fixture,
         const char *name)
{
  return find_function (fixture->stats, name)->tt.value;
}

static double
cumtime (Fixture    *fixture,
         const char *name)
{
  return find_function (fixture->stats, name)->ct.value;
}

/* The function with the largest internal time: what a report sorted by
 * tottime lists first. */
static const char *
dearest (Fixture *fixture)
{
  const DetprofFunctionStats *function, *best = NULL;
  guint i;

  for (i = 0; i < detprof_stats_get_n_functions (fixture->stats); i++)
    {
      function = detprof_stats_get_function (fixture->stats, i);
      if (best == NULL || function->tt.value > best->tt.value)
        best = function;
    }
  g_assert_nonnull (best);
  return best->name;
}

/* ---- demo 1: accumulated overhead ---- */

/* The demo's proportions: a hundred thousand tiny () calls of 1 ns, one
 * big () of 0.5 ms. The truth: big () costs five times as much. */
static const Workload overhead = { 100000, 1 };

/* Uncorrected, each tiny () call is charged its one nanosecond and the
 * COST of one event: it comes out eleven times dearer than it is, and
 * first by internal time, ahead of big (). */
static void
test_overhead_uncorrected_ranks_tiny_first (Fixture       *fixture,
                                            gconstpointer  user_data)
{
  profile (fixture, read_wall, 0.0, run_overhead, &overhead);

  g_assert_cmpfloat (tottime (fixture, "tiny"), ==, overhead.n * (TINY_UNITS + COST));
  g_assert_cmpfloat (tottime (fixture, "big"), ==, overhead.n_big * (BIG_UNITS + COST));
  /* The loop makes n + n_big + 1 stretches of its own, each one event. */
  g_assert_cmpfloat (tottime (fixture, "overhead_run"), ==, (overhead.n + overhead.n_big + 1) * COST);
  g_assert_cmpstr (dearest (fixture), ==, "tiny");
}

/* Corrected by the exact cost of an event, every function gets its truth,
 * and big () ranks first again. */
static void
test_overhead_exact_bias_gives_the_truth (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  profile (fixture, read_wall, COST, run_overhead, &overhead);

  g_assert_cmpfloat (tottime (fixture, "tiny"), ==, overhead.n * TINY_UNITS);
  g_assert_cmpfloat (tottime (fixture, "big"), ==, overhead.n_big * BIG_UNITS);
  g_assert_cmpfloat (tottime (fixture, "overhead_run"), ==, 0.0);
  g_assert_cmpfloat (cumtime (fixture, "overhead_run"), ==,
                     overhead.n * TINY_UNITS + overhead.n_big * BIG_UNITS);
  g_assert_cmpstr (dearest (fixture), ==, "big");
  g_assert_cmpfloat (tottime (fixture, "tiny"), >, tottime (fixture, "overhead_run"));
}

/* ---- demo 2: timer resolution ---- */

/* A profiler that also keeps what it measured of each call of short_task (),
 * as the delta of its return. */
#define RECORDING_TYPE_PROFILER (recording_profiler_get_type ())
G_DECLARE_FINAL_TYPE (RecordingProfiler, recording_profiler, RECORDING, PROFILER, DetprofProfiler)

struct _RecordingProfiler
{
  DetprofProfiler parent_instance;
  GArray         *measured;  /* owned: double, one per return of short_task () */
};

G_DEFINE_TYPE (RecordingProfiler, recording_profiler, DETPROF_TYPE_PROFILER)

static gboolean
recording_profiler_dispatch_return (DetprofProfiler    *profiler,
                                    DetprofThreadState *thread,
                                    const DetprofEvent *event,
                                    double              delta)
{
  if (event->fn == (gconstpointer) short_task)
    g_array_append_val (RECORDING_PROFILER (profiler)->measured, delta);
  return DETPROF_PROFILER_CLASS (recording_profiler_parent_class)->dispatch_return (profiler, thread,
                                                                                    event, delta);
}

static void
recording_profiler_finalize (GObject *object)
{
  g_clear_pointer (&RECORDING_PROFILER (object)->measured, g_array_unref);
  G_OBJECT_CLASS (recording_profiler_parent_class)->finalize (object);
}

static void
recording_profiler_class_init (RecordingProfilerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = recording_profiler_finalize;
  DETPROF_PROFILER_CLASS (klass)->dispatch_return = recording_profiler_dispatch_return;
}

static void
recording_profiler_init (RecordingProfiler *self)
{
  self->measured = g_array_new (FALSE, FALSE, sizeof (double));
}

/* A call of 23 us, on a clock that ticks every millisecond: most calls
 * begin and end between the same two ticks and measure 0; one in about
 * 43 straddles a tick and measures a whole millisecond. */
static void
test_resolution_most_calls_measure_zero (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("coarse", read_coarse, 1.0, NULL, NULL);
  const Workload workload = { 1000, 0 };
  RecordingProfiler *recording;
  guint zero = 0, one_tick = 0, i;
  double measured;

  virtual_clock.wall = 700000;  /* start between two ticks */
  fixture->profiler = g_object_new (RECORDING_TYPE_PROFILER, "timer", timer, "bias", 0.0, NULL);
  recording = RECORDING_PROFILER (fixture->profiler);
  detprof_profiler_runcall (fixture->profiler, run_resolution, (gpointer) &workload);

  g_assert_cmpuint (recording->measured->len, ==, 1000);
  for (i = 0; i < recording->measured->len; i++)
    {
      measured = g_array_index (recording->measured, double, i);
      if (measured == 0.0)
        zero++;
      else if (measured == TICK)
        one_tick++;
    }
  /* 1000 calls take 23 ms, from 0.7 ms to 23.7 ms: 23 ticks fall in them. */
  g_assert_cmpuint (one_tick, ==, 23);
  g_assert_cmpuint (zero, ==, 1000 - 23);
}

/* The ticks the calls straddle add up to the time that passed, give or
 * take the one tick at either end: the mean is off by at most a tick over
 * the number of calls. Ten calls measure nothing at all; ten thousand are
 * within 0.5 %. */
static void
test_resolution_mean_converges (Fixture       *fixture,
                                gconstpointer  user_data)
{
  static const long calls[] = { 10, 100, 1000, 10000 };
  double mean, truth = SHORT_TASK_UNITS;
  Workload workload = { 0, 0 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      virtual_clock.wall = 700000;
      workload.n = calls[i];
      profile (fixture, read_coarse, 0.0, run_resolution, &workload);
      g_assert_cmpint (find_function (fixture->stats, "short_task")->nc, ==, calls[i]);
      mean = tottime (fixture, "short_task") / calls[i];
      g_assert_cmpfloat (fabs (mean - truth), <, (double) TICK / calls[i]);
      if (calls[i] == 10)
        g_assert_cmpfloat (mean, ==, 0.0);
      if (calls[i] == 10000)
        g_assert_cmpfloat (fabs (mean - truth) / truth, <, 0.005);
    }
}

/* ---- demo 3: a bias too large ---- */

/* Three times the real cost takes off twice too much per event: tiny ()
 * and the loop that calls it get negative times, and so does the whole
 * profile. */
static void
test_bias_too_large_makes_times_negative (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  profile (fixture, read_wall, 3 * COST, run_overhead, &overhead);

  g_assert_cmpfloat (tottime (fixture, "tiny"), ==, overhead.n * (TINY_UNITS - 2 * COST));
  g_assert_cmpfloat (tottime (fixture, "tiny"), <, 0.0);
  g_assert_cmpfloat (tottime (fixture, "overhead_run"), ==, -2.0 * COST * (overhead.n + overhead.n_big + 1));
  g_assert_cmpfloat (tottime (fixture, "big"), ==, overhead.n_big * (BIG_UNITS - 2 * COST));
  g_assert_cmpfloat (detprof_stats_get_total_time (fixture->stats), <, 0.0);
}

/* A bias smaller than the real cost leaves part of it in every function:
 * each time is too large, by the same amount per event, and none is
 * negative. The error has a known sign. */
static void
test_bias_smaller_errs_on_the_safe_side (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  profile (fixture, read_wall, COST / 2, run_overhead, &overhead);

  g_assert_cmpfloat (tottime (fixture, "tiny"), ==, overhead.n * (TINY_UNITS + COST / 2));
  g_assert_cmpfloat (tottime (fixture, "big"), ==, overhead.n_big * (BIG_UNITS + COST / 2));
  g_assert_cmpfloat (tottime (fixture, "overhead_run"), ==, (COST / 2) * (overhead.n + overhead.n_big + 1));
}

/* ---- demo 4: uninstrumented code looks free ---- */

static const Workload squares = { 1000, 0 };

/* The library makes no events: it has no rows, and all its time is the
 * internal time of with_library (), which called it, with the overhead of
 * one stretch. by_hand () runs the same loop in instrumented code and is
 * charged the cost of 2n + 1 events. */
static void
test_library_time_lands_in_the_caller (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  double truth = squares.n * SQUARE_UNITS;

  profile (fixture, read_wall, 0.0, run_library, &squares);

  g_assert_null (detprof_stats_lookup_name (fixture->stats, "vecmath_sum_of_squares"));
  g_assert_null (detprof_stats_lookup_name (fixture->stats, "vecmath_square"));
  g_assert_cmpfloat (tottime (fixture, "with_library"), ==, truth + COST);
  g_assert_cmpfloat (cumtime (fixture, "with_library"), ==, truth + COST);
  g_assert_cmpint (find_function (fixture->stats, "square")->nc, ==, squares.n);
  g_assert_cmpfloat (tottime (fixture, "square"), ==, truth + squares.n * COST);
  g_assert_cmpfloat (cumtime (fixture, "by_hand"), ==, truth + (2 * squares.n + 1) * COST);
  /* The same work, uncorrected: the library looks cheaper than our code. */
  g_assert_cmpfloat (cumtime (fixture, "with_library"), <, cumtime (fixture, "by_hand"));
}

/* Corrected, both ways of computing the sum cost their truth. */
static void
test_library_corrected_costs_the_same (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  double truth = squares.n * SQUARE_UNITS;

  profile (fixture, read_wall, COST, run_library, &squares);

  g_assert_cmpfloat (tottime (fixture, "with_library"), ==, truth);
  g_assert_cmpfloat (cumtime (fixture, "by_hand"), ==, truth);
  g_assert_cmpfloat (tottime (fixture, "square"), ==, truth);
  g_assert_cmpfloat (tottime (fixture, "by_hand"), ==, 0.0);
}

/* ---- demo 5: CPU time against wall-clock time ---- */

static const Workload waits = { 5, 0 };

/* A CPU-time timer does not run while the process waits: wait_for_disk ()
 * is charged only the profiler's own cost, nothing once corrected. */
static void
test_waiting_free_on_the_cpu_clock (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  profile (fixture, read_cpu, 0.0, run_waiting, &waits);
  g_assert_cmpfloat (tottime (fixture, "wait_for_disk"), ==, waits.n * COST);
  g_assert_cmpfloat (tottime (fixture, "compute"), ==, waits.n * (COMPUTE_UNITS + COST));

  profile (fixture, read_cpu, COST, run_waiting, &waits);
  g_assert_cmpfloat (tottime (fixture, "wait_for_disk"), ==, 0.0);
  g_assert_cmpfloat (tottime (fixture, "compute"), ==, waits.n * COMPUTE_UNITS);
}

/* A wall-clock timer charges the wait in full, as the user waited it. */
static void
test_waiting_counts_on_the_wall_clock (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  profile (fixture, read_wall, COST, run_waiting, &waits);
  g_assert_cmpfloat (tottime (fixture, "wait_for_disk"), ==, waits.n * WAIT_NS);
  g_assert_cmpfloat (tottime (fixture, "compute"), ==, waits.n * COMPUTE_UNITS);
  g_assert_cmpfloat (cumtime (fixture, "waiting_run"), ==, waits.n * (WAIT_NS + COMPUTE_UNITS));
}

/* ---- demo 6: calibration spread ---- */

/* profile.py's calibrate(n), repeated on a clock with interrupts. The
 * cost per event the calibration should find is COST plus the interrupts'
 * share: one reading in INTERRUPT_EVERY is interrupted, and half the
 * readings end a stretch that is measured. An estimate catches a whole
 * number of interrupts, one more or one fewer than its share depending on
 * where they fall, so it is off by up to about one interrupt shared out
 * over the n + 1 calls: ten times the calls, a tenth of the spread. */
static void
test_calibration_spread_shrinks (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  static const guint sizes[] = { 10, 100, 1000, 10000, 100000 };
  const double per_event = COST + (double) INTERRUPT_NS / INTERRUPT_EVERY;
  double estimate, smallest, largest, bound;
  g_autoptr(GError) error = NULL;
  guint i;
  int r;

  fixture->profiler = new_profiler (read_wall_interrupted, 0.0);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      bound = (double) (COST + INTERRUPT_NS) / (sizes[i] + 1);
      smallest = G_MAXDOUBLE;
      largest = -G_MAXDOUBLE;
      for (r = 0; r < 5; r++)
        {
          g_assert_true (detprof_profiler_calibrate (fixture->profiler, sizes[i], FALSE, &estimate, &error));
          g_assert_no_error (error);
          g_assert_cmpfloat (fabs (estimate - per_event), <=, bound);
          smallest = MIN (smallest, estimate);
          largest = MAX (largest, estimate);
        }
      g_test_message ("calibrate(%u): %.3f .. %.3f, per event %.3f", sizes[i], smallest, largest, per_event);
      /* Few calls: the repeats disagree by several times the cost. */
      if (sizes[i] == 10)
        g_assert_cmpfloat (largest - smallest, >, 2 * per_event);
      /* Many: they agree to within a thousandth. */
      if (sizes[i] == 100000)
        g_assert_cmpfloat (largest - smallest, <, per_event / 1000);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("On a virtual clock, each classroom demo's claim about profiler error (overhead, "
                  "resolution, bias, uninstrumented code, waiting, calibration spread) holds exactly.");

  g_test_add ("/demos/overhead/uncorrected-ranks-tiny-first", Fixture, NULL, setup,
              test_overhead_uncorrected_ranks_tiny_first, teardown);
  g_test_add ("/demos/overhead/exact-bias-gives-the-truth", Fixture, NULL, setup,
              test_overhead_exact_bias_gives_the_truth, teardown);
  g_test_add ("/demos/resolution/most-calls-measure-zero", Fixture, NULL, setup,
              test_resolution_most_calls_measure_zero, teardown);
  g_test_add ("/demos/resolution/mean-converges", Fixture, NULL, setup,
              test_resolution_mean_converges, teardown);
  g_test_add ("/demos/bias/too-large-makes-times-negative", Fixture, NULL, setup,
              test_bias_too_large_makes_times_negative, teardown);
  g_test_add ("/demos/bias/smaller-errs-on-the-safe-side", Fixture, NULL, setup,
              test_bias_smaller_errs_on_the_safe_side, teardown);
  g_test_add ("/demos/library/time-lands-in-the-caller", Fixture, NULL, setup,
              test_library_time_lands_in_the_caller, teardown);
  g_test_add ("/demos/library/corrected-costs-the-same", Fixture, NULL, setup,
              test_library_corrected_costs_the_same, teardown);
  g_test_add ("/demos/waiting/free-on-the-cpu-clock", Fixture, NULL, setup,
              test_waiting_free_on_the_cpu_clock, teardown);
  g_test_add ("/demos/waiting/counts-on-the-wall-clock", Fixture, NULL, setup,
              test_waiting_counts_on_the_wall_clock, teardown);
  g_test_add ("/demos/calibration/spread-shrinks", Fixture, NULL, setup,
              test_calibration_spread_shrinks, teardown);

  return g_test_run ();
}
