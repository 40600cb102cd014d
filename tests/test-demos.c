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
 *
 * make demo runs on a real clock, where a busy machine can hide any of
 * these effects, so it checks each claim against the numbers it measured
 * (examples/demo-claims.sh). The last tests give those checks numbers of
 * their own, some that show the claim and some that do not, and pin the
 * exact sentence each prints.
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

static gpointer
run_paths (gpointer user_data)
{
  paths_run (((const Workload *) user_data)->n);
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

/* ---- demo 7: cumulative time through paths ---- */

static const Workload recursion = { 5, 0 };

/* Corrected by the exact cost of an event: descend () is entered
 * n * PATHS_DEPTH times, n of them from paths_run () (pstats' "50/5"), its
 * internal time is all its levels' work, and its cumtime is the time of
 * its n top-level calls, leaf () included: the outermost activations
 * only. Added over every activation, it would count each level again
 * inside every activation above it: the sum that activations_sum
 * (demo-claims.sh) computes from the three pstats numbers, and which
 * "/demos/claims/paths/activations-sum" pins for these numbers. */
static void
test_paths_cumtime_counts_outermost (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  const DetprofFunctionStats *descend_row;
  double top_level = PATHS_DEPTH * LEVEL_UNITS + LEAF_UNITS;  /* one call of descend (PATHS_DEPTH) */
  double sum = 0.0, depth = PATHS_DEPTH;
  int j;

  profile (fixture, read_wall, COST, run_paths, &recursion);

  descend_row = find_function (fixture->stats, "descend");
  g_assert_cmpint (descend_row->nc, ==, recursion.n * PATHS_DEPTH);
  g_assert_cmpint (descend_row->cc, ==, recursion.n);
  g_assert_cmpfloat (tottime (fixture, "descend"), ==, recursion.n * PATHS_DEPTH * LEVEL_UNITS);
  g_assert_cmpfloat (cumtime (fixture, "descend"), ==, recursion.n * top_level);
  g_assert_cmpint (find_function (fixture->stats, "leaf")->nc, ==, recursion.n + 1);
  g_assert_cmpfloat (tottime (fixture, "leaf"), ==, (recursion.n + 1) * LEAF_UNITS);
  g_assert_cmpfloat (tottime (fixture, "paths_run"), ==, 0.0);
  g_assert_cmpfloat (cumtime (fixture, "paths_run"), ==, recursion.n * top_level + LEAF_UNITS);

  /* The activation j levels down (j = 0 the outermost) holds the levels
   * from j down, and the leaf. */
  for (j = 0; j < PATHS_DEPTH; j++)
    sum += recursion.n * ((PATHS_DEPTH - j) * LEVEL_UNITS + LEAF_UNITS);
  g_assert_cmpfloat (sum, ==, 60000000.0);
  g_assert_cmpfloat (sum, ==, depth * cumtime (fixture, "descend")
                              - (depth - 1) / 2 * tottime (fixture, "descend"));
  g_assert_cmpfloat (sum, >, (depth + 1) / 2 * cumtime (fixture, "descend"));
}

/* Uncorrected, each of descend ()'s activations has two stretches (before
 * its call and after its return), each hiding COST; a top-level call holds
 * 2 * PATHS_DEPTH + 1 events' costs, leaf ()'s stretch included. */
static void
test_paths_uncorrected (Fixture       *fixture,
                        gconstpointer  user_data)
{
  profile (fixture, read_wall, 0.0, run_paths, &recursion);

  g_assert_cmpfloat (tottime (fixture, "descend"), ==,
                     recursion.n * PATHS_DEPTH * (LEVEL_UNITS + 2 * COST));
  g_assert_cmpfloat (cumtime (fixture, "descend"), ==,
                     recursion.n * (PATHS_DEPTH * LEVEL_UNITS + LEAF_UNITS + (2 * PATHS_DEPTH + 1) * COST));
  g_assert_cmpfloat (tottime (fixture, "leaf"), ==, (recursion.n + 1) * (LEAF_UNITS + COST));
}

/* The paths: descend () has one node, however deep it went, with its
 * whole row; leaf () has two, one per path. The folded stacks have one
 * line per path, with descend () once on each. */
static void
test_paths_recursion_folds (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const DetprofFunctionStats *row;
  const DetprofPathNode *node;
  g_autoptr(GString) folded = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint i, descend_nodes = 0, leaf_nodes = 0;

  profile (fixture, read_wall, COST, run_paths, &recursion);

  for (i = 0; i < detprof_stats_get_n_path_nodes (fixture->stats); i++)
    {
      node = detprof_stats_get_path_node (fixture->stats, i);
      row = detprof_stats_get_function (fixture->stats, node->function);
      if (strcmp (row->name, "descend") == 0)
        {
          descend_nodes++;
          g_assert_cmpint (node->nc, ==, recursion.n * PATHS_DEPTH);
          g_assert_cmpint (node->cc, ==, recursion.n);
          g_assert_cmpfloat (node->tt, ==, recursion.n * PATHS_DEPTH * LEVEL_UNITS);
          g_assert_cmpfloat (node->ct, ==, recursion.n * (PATHS_DEPTH * LEVEL_UNITS + LEAF_UNITS));
        }
      else if (strcmp (row->name, "leaf") == 0)
        leaf_nodes++;
    }
  g_assert_cmpuint (descend_nodes, ==, 1);
  g_assert_cmpuint (leaf_nodes, ==, 2);

  g_assert_true (detprof_stats_export_folded (fixture->stats, folded, DETPROF_PATH_WEIGHT_CALLS, FALSE,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpstr (folded->str, ==,
                   "paths_run 1\n"
                   "paths_run;descend 50\n"
                   "paths_run;descend;leaf 5\n"
                   "paths_run;leaf 1\n");
}

/* ---- the claims of make demo, against numbers they are given ---- */

#define CLAIM_MAX_ARGS 12

typedef struct
{
  const char *path;                   /* the test's path */
  const char *load;                   /* DEMO_LOAD: the 1-minute load average (2 processors) */
  const char *argv[CLAIM_MAX_ARGS];   /* the claim of demo-claims.sh and its numbers */
  gboolean    shown;                  /* whether the numbers show the claim (it exits 0) */
  const char *sentence;               /* exactly what it prints */
  const char *share;                  /* DEMO_SHARE: % of a processor a program got; NULL: 100 */
} ClaimCase;

/* Demo 3's report, as detprof printed it with three times the bias ... */
#define REPORT_TOO_LARGE \
  "detprof: timer tsc-fenced (invariant time-stamp counter at 2.596083 GHz, read between two lfence), " \
  "bias 9.27e-08 s per event\n" \
  "         1000011 function calls in -0.098 seconds\n" \
  "\n" \
  "   Ordered by: internal time\n" \
  "\n" \
  "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n" \
  "       10    0.006    0.001    0.006    0.001 overhead.c:25(big)\n" \
  "  1000000   -0.050   -0.000   -0.050   -0.000 overhead.c:19(tiny)\n" \
  "        1   -0.053   -0.053   -0.098   -0.098 overhead.c:31(overhead_run)\n" \
  "\n" \
  "\n" \
  "detprof: warning: negative times in 2 functions (overhead_run, tiny): the bias took off more than " \
  "the overhead they really had; their times are not to be trusted (try a smaller -b, or -b 0 to see " \
  "the uncorrected times)\n"

/* ... and one where a time rounds to -0.000, with primitive calls and a
 * one-function warning; and one with no negative time. */
#define REPORT_ROUNDED \
  "         1000012 function calls (1000011 primitive calls) in 0.042 seconds\n" \
  "\n" \
  "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n" \
  "  1000000    0.036    0.000    0.036    0.000 overhead.c:19(tiny)\n" \
  "       10    0.006    0.001    0.006    0.001 overhead.c:25(big)\n" \
  "      2/1   -0.000   -0.000    0.042    0.042 overhead.c:31(overhead_run)\n" \
  "\n" \
  "detprof: warning: negative times in 1 function (overhead_run): the bias took off more than the " \
  "overhead they really had; their times are not to be trusted (try a smaller -b, or -b 0 to see the " \
  "uncorrected times)\n"
#define REPORT_CLEAN \
  "         1000011 function calls in 0.044 seconds\n" \
  "\n" \
  "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n" \
  "  1000000    0.036    0.000    0.036    0.000 overhead.c:19(tiny)\n" \
  "       10    0.006    0.001    0.006    0.001 overhead.c:25(big)\n" \
  "        1    0.002    0.002    0.044    0.044 overhead.c:31(overhead_run)\n"

/* Times are in nanoseconds; "quiet" is a load of 0.20 on 2 processors,
 * "busy" 3.90. The last number of most claims is how far apart, in
 * percent, the repeated runs came out: above 10, the machine was busy. */
static const ClaimCase claim_cases[] = {
  /* Demo 1, -b 0: tiny () looks dearer than big (), which really costs more. */
  { "/demos/claims/overhead-uncorrected/shown", "0.20",
    { "claim_overhead_uncorrected", "1990000", "5710000", "41540000", "9600000", "3" }, TRUE,
    "Uncorrected, tiny () looks x20.87 its truth (41.54 ms) and dearer than big () (9.60 ms), which "
    "really costs x2.87 as much as tiny (): sorted by tottime, the profile sends you to the wrong "
    "function.\n" },
  /* ... and when it does not, on a quiet machine, the profiler was too cheap to mislead. */
  { "/demos/claims/overhead-uncorrected/not-shown", "0.20",
    { "claim_overhead_uncorrected", "1990000", "5710000", "4154000", "9600000", "3" }, FALSE,
    "Uncorrected, tiny () looks x2.09 its truth (4.15 ms) but still cheaper than big () (9.60 ms): "
    "this run did not show the profile sending you to the wrong function. Likely reason: an event "
    "costs the profiler too little here to outweigh big ()'s work.\n" },
  /* A truth in the wrong order leaves nothing to turn round. */
  { "/demos/claims/overhead-uncorrected/truth-out-of-order", "0.20",
    { "claim_overhead_uncorrected", "6000000", "5710000", "41540000", "9600000", "3" }, FALSE,
    "The truth itself has tiny () (6.00 ms) no cheaper than big () (5.71 ms) in this run, so there "
    "is no wrong order to show. Likely reason: the timing of the truth was off in this run.\n" },
  /* Demo 1, -b auto: the order is right again. */
  { "/demos/claims/overhead-corrected/shown", "0.20",
    { "claim_overhead_corrected", "1990000", "5710000", "2100000", "5450000", "30.88", "3" }, TRUE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average): tiny () comes "
    "down to 2.10 ms (x1.06 its truth) and big () to 5.45 ms (x0.95), and the order is right "
    "again.\n" },
  /* The run of issue 14: tiny () 24.54 ms against big ()'s 6.04 ms is not
   * "the order is right again", and a busy machine is named as the reason. */
  { "/demos/claims/overhead-corrected/not-shown-busy", "3.90",
    { "claim_overhead_corrected", "1990000", "5710000", "24540000", "6040000", "30.88", "35" }, FALSE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average), but tiny () "
    "still measures 24.54 ms (x12.33 its truth), more than big () (6.04 ms, x1.06): the order is not "
    "right again in this run. Likely reason: this machine was busy (load 3.90 on 2 processors), and "
    "the repeated runs differed by up to 35 %.\n" },
  /* Two programs began spinning seconds ago: the load average has not
   * caught up, but the demo got 64 % of a processor, and says so. */
  { "/demos/claims/overhead-corrected/not-shown-busy-now", "0.98",
    { "claim_overhead_corrected", "1990000", "5710000", "24540000", "6040000", "30.88", "3" }, FALSE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average), but tiny () "
    "still measures 24.54 ms (x12.33 its truth), more than big () (6.04 ms, x1.06): the order is not "
    "right again in this run. Likely reason: this machine was busy (a program here got 64 % of a "
    "processor; load 0.98 on 2 processors).\n", "64" },
  /* A load that fills both processors is busy. */
  { "/demos/claims/overhead-corrected/not-shown-load-fills-processors", "2.00",
    { "claim_overhead_corrected", "1990000", "5710000", "24540000", "6040000", "30.88", "3" }, FALSE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average), but tiny () "
    "still measures 24.54 ms (x12.33 its truth), more than big () (6.04 ms, x1.06): the order is not "
    "right again in this run. Likely reason: this machine was busy (load 2.00 on 2 processors).\n" },
  /* 90 % of a processor is not busy: the reason is the bias's. */
  { "/demos/claims/overhead-corrected/not-shown-share-not-busy", "0.20",
    { "claim_overhead_corrected", "1990000", "5710000", "8250000", "5450000", "30.88", "3" }, FALSE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average), but tiny () "
    "still measures 8.25 ms (x4.15 its truth), more than big () (5.45 ms, x0.95): the order is not "
    "right again in this run. Likely reason: each event cost more here than the calibration measured "
    "on empty functions.\n", "90" },
  /* On a quiet machine, the bias measured on empty functions was too small here. */
  { "/demos/claims/overhead-corrected/not-shown-quiet", "0.20",
    { "claim_overhead_corrected", "1990000", "5710000", "8250000", "5450000", "30.88", "3" }, FALSE,
    "-b auto takes off the calibrated cost of each event (30.9 ns here, on average), but tiny () "
    "still measures 8.25 ms (x4.15 its truth), more than big () (5.45 ms, x0.95): the order is not "
    "right again in this run. Likely reason: each event cost more here than the calibration measured "
    "on empty functions.\n" },
  /* Demo 2: every coarse mean within a tick over the calls (plus 10 %) of the truth. */
  { "/demos/claims/resolution/shown", "0.20",
    { "claim_resolution", "4000000", "38000", "2", "10", "0", "100", "0", "1000", "32000", "10000",
      "37600" }, TRUE,
    "At every number of calls the coarse mean is within a tick over the calls (4.00 ms / n) plus "
    "10 % of the truth for the difference between runs: it converges, but only once the calls add "
    "up to many ticks (x0.99 at 10000 calls).\n" },
  /* ... and the first row that is not, 7.6 us off where a tick over the calls and 10 % allow 4.2. */
  { "/demos/claims/resolution/not-shown", "0.20",
    { "claim_resolution", "4000000", "38000", "2", "10", "0", "100", "0", "1000", "32000", "10000",
      "30000" }, FALSE,
    "At 10000 calls the coarse mean (30.0 us) is further from the truth (38.0 us) than a tick over "
    "the calls (400.0 ns) plus 10 % of the truth for the difference between runs: this run did not "
    "show the bound. Likely reason: the profiled runs did not take the truth's time per call (the "
    "last column shows by how much).\n" },
  /* Demo 3 reads its numbers from the report: the negative tottimes, in order ... */
  { "/demos/claims/report/negative", "0.20", { "report_negative", REPORT_TOO_LARGE }, TRUE,
    "tiny overhead_run\n" },
  /* ... the total, as printed ... */
  { "/demos/claims/report/total", "0.20", { "report_total", REPORT_TOO_LARGE }, TRUE, "-0.098\n" },
  /* ... and the functions the warning names. */
  { "/demos/claims/report/warned", "0.20", { "report_warned", REPORT_TOO_LARGE }, TRUE,
    "overhead_run tiny\n" },
  /* A time that rounds to -0.000 is negative; the total follows the primitive calls. */
  { "/demos/claims/report/rounded-negative", "0.20", { "report_negative", REPORT_ROUNDED }, TRUE,
    "overhead_run\n" },
  { "/demos/claims/report/total-after-primitive-calls", "0.20", { "report_total", REPORT_ROUNDED }, TRUE,
    "0.042\n" },
  { "/demos/claims/report/warned-one-function", "0.20", { "report_warned", REPORT_ROUNDED }, TRUE,
    "overhead_run\n" },
  /* No negative time, no warning: both lists are empty. */
  { "/demos/claims/report/no-negative", "0.20", { "report_negative", REPORT_CLEAN }, TRUE, "\n" },
  { "/demos/claims/report/no-warning", "0.20", { "report_warned", REPORT_CLEAN }, TRUE, "" },
  /* Demo 3: tiny (), the loop and the total all negative. */
  { "/demos/claims/too-large/negative-shown", "0.20",
    { "claim_too_large_negative", "tiny overhead_run", "-0.065", "2" }, TRUE,
    "With three times the calibrated bias, each event takes off more than it cost: tiny () and the "
    "loop in overhead_run (), which make the most events, came out negative, and so did the total "
    "(-0.065 s).\n" },
  /* ... not all of them, on a busy machine. */
  { "/demos/claims/too-large/negative-not-shown", "3.90",
    { "claim_too_large_negative", "overhead_run", "0.010", "2" }, FALSE,
    "Three times the calibrated bias should take off more than each event cost, but this run did not "
    "show tiny (), the loop in overhead_run () and the total all going negative (negative: "
    "overhead_run (); total 0.010 s). Likely reason: this machine was busy (load 3.90 on 2 "
    "processors).\n" },
  /* The warning names every negative function, in any order. */
  { "/demos/claims/too-large/warned-shown", "0.20",
    { "claim_too_large_warned", "tiny overhead_run", "overhead_run tiny" }, TRUE,
    "detprof prints the times as computed, and its warning after the table names each function that "
    "went negative (tiny (), overhead_run ()): the bias took off more than their overhead.\n" },
  /* A negative time without a warning is a bug, and said to be one. */
  { "/demos/claims/too-large/warning-missing", "0.20",
    { "claim_too_large_warned", "tiny overhead_run", "overhead_run" }, FALSE,
    "detprof printed a negative time for tiny () without naming it in its warning after the table: "
    "that is a bug in detprof; please report it.\n" },
  /* No negative time, no warning to show. */
  { "/demos/claims/too-large/nothing-to-warn", "0.20",
    { "claim_too_large_warned", "", "" }, FALSE,
    "With no negative time in the table, this run did not show detprof's warning.\n" },
  /* Demo 4: the two loops' truths within a factor of 1.5 of each other. */
  { "/demos/claims/library-truth/shown", "0.20",
    { "claim_library_truth", "400500", "329500", "2" }, TRUE,
    "Without a profiler, the two take about the same time (400.5 us and 329.5 us: within a factor "
    "of 1.5).\n" },
  { "/demos/claims/library-truth/not-shown", "0.20",
    { "claim_library_truth", "306000", "500000", "2" }, FALSE,
    "Without a profiler the two should take about the same time, but this run timed 306.0 us and "
    "500.0 us, more than a factor of 1.5 apart. Likely reason: the processor ran the two copies of "
    "the loop at different speeds.\n" },
  /* Uncorrected, our code at least twice the library. */
  { "/demos/claims/library-uncorrected/shown", "0.20",
    { "claim_library_uncorrected", "19770000", "304700", "2" }, TRUE,
    "Uncorrected, the same work looks several times dearer in our code than in the library: x64.88 "
    "(19.77 ms against 304.7 us; several: at least x2).\n" },
  { "/demos/claims/library-uncorrected/not-shown", "0.20",
    { "claim_library_uncorrected", "400000", "304700", "2" }, FALSE,
    "Uncorrected, our code looks only x1.31 the library (400.0 us against 304.7 us), not the several "
    "times (at least x2) this demo is about. Likely reason: an event costs the profiler little here "
    "next to square ()'s work.\n" },
  /* Corrected, x0.70 is close (within a factor of 1.5), and under the truth. */
  { "/demos/claims/library-corrected/shown-under", "0.20",
    { "claim_library_corrected", "306000", "214200", "2" }, TRUE,
    "Corrected, by_hand () comes close: 214.2 us, x0.70 its truth (close: within a factor of 1.5 "
    "either way), under it: the bias was measured on empty functions, and here the processor runs "
    "part of the profiler's work alongside the loop's (see demo 6).\n" },
  { "/demos/claims/library-corrected/shown-over", "0.20",
    { "claim_library_corrected", "306000", "367200", "2" }, TRUE,
    "Corrected, by_hand () comes close: 367.2 us, x1.20 its truth (close: within a factor of 1.5 "
    "either way), over it: an event next to square ()'s loop cost more than the bias measured on "
    "empty functions.\n" },
  /* The run of issue 14: x46 is not "comes close"; repeated runs 41 % apart name a busy machine. */
  { "/demos/claims/library-corrected/not-shown-busy", "0.20",
    { "claim_library_corrected", "306000", "14076000", "41" }, FALSE,
    "Corrected, by_hand () measures 14.08 ms, x46.00 its truth (306.0 us): not close, by this demo's "
    "measure (within a factor of 1.5 either way). Likely reason: this machine was busy at times: the "
    "repeated runs differed by up to 41 %.\n" },
  /* x0.49 is just outside the factor of 1.5: not close. */
  { "/demos/claims/library-corrected/not-shown-quiet", "0.20",
    { "claim_library_corrected", "306000", "150000", "2" }, FALSE,
    "Corrected, by_hand () measures 150.0 us, x0.49 its truth (306.0 us): not close, by this demo's "
    "measure (within a factor of 1.5 either way). Likely reason: an event next to square ()'s loop "
    "costs less than the bias measured on empty functions (demo 6).\n" },
  /* Runs 10.4 % apart are printed as 10 %, which is "agree": not named as busy. */
  { "/demos/claims/library-corrected/runs-that-agree-after-rounding", "0.20",
    { "claim_library_corrected", "306000", "150000", "10.4" }, FALSE,
    "Corrected, by_hand () measures 150.0 us, x0.49 its truth (306.0 us): not close, by this demo's "
    "measure (within a factor of 1.5 either way). Likely reason: an event next to square ()'s loop "
    "costs less than the bias measured on empty functions (demo 6).\n" },
  /* Demo 5: under -t cpu, the wait is under 5 % of its wall-clock truth. */
  { "/demos/claims/waiting-cpu/shown", "0.20",
    { "claim_waiting_cpu", "20510000", "109300", "2" }, TRUE,
    "Under -t cpu, wait_for_disk () measures 109.3 us, 0.5 % of the 20.51 ms it waited (free: under "
    "5 %): a CPU-time clock (cpu, thread-cpu, rusage, times) stops while the process sleeps.\n" },
  { "/demos/claims/waiting-cpu/not-shown", "0.20",
    { "claim_waiting_cpu", "20510000", "3076500", "2" }, FALSE,
    "Under -t cpu, wait_for_disk () measures 3.08 ms, 15.0 % of the 20.51 ms it waited: more than "
    "the 5 % this demo calls free. Likely reason: waking up from its sleeps cost the process CPU "
    "time of its own.\n" },
  /* Under -t wall, the wait is charged, within a factor of 1.5. */
  { "/demos/claims/waiting-wall/shown", "0.20",
    { "claim_waiting_wall", "20510000", "20610000", "2" }, TRUE,
    "Under -t wall, it measures 20.61 ms, x1.00 its wall-clock truth: a wall clock (tsc, wall, "
    "coarse) charges the wait, which is what the user waited.\n" },
  { "/demos/claims/waiting-wall/not-shown", "3.90",
    { "claim_waiting_wall", "20510000", "41020000", "2" }, FALSE,
    "Under -t wall, wait_for_disk () measures 41.02 ms, x2.00 its wall-clock truth: not close "
    "(within a factor of 1.5 either way). Likely reason: this machine was busy (load 3.90 on 2 "
    "processors).\n" },
  /* The -b 0 and -b auto columns differ by no more than the bias and 10 % of the truth ... */
  { "/demos/claims/waiting-bias/shown", "0.20",
    { "claim_waiting_bias", "30.88", "22", "44410000", "120000", "23900000", "compute (), -t wall", "2" },
    TRUE,
    "The bias hardly matters here: 22 events of 30.9 ns take off 679.4 ns of 44.41 ms, and the -b 0 "
    "and -b auto columns agree within that and 10 %.\n" },
  /* ... or they differ by far more, which is not the bias's doing. */
  { "/demos/claims/waiting-bias/not-shown", "3.90",
    { "claim_waiting_bias", "30.88", "22", "44410000", "12250000", "23900000", "compute (), -t wall",
      "30" }, FALSE,
    "The bias hardly matters here (22 events of 30.9 ns take off 679.4 ns of 44.41 ms), yet the -b 0 "
    "and -b auto columns differ by up to 12.25 ms (compute (), -t wall): more than 10 % of its "
    "truth, and not the bias's doing. Likely reason: this machine was busy (load 3.90 on 2 "
    "processors), and the repeated runs differed by up to 30 %.\n" },
  /* Demo 6: spread over 35 % of the median with 10 calls, within 10 % with 100,000. */
  { "/demos/claims/spread/shown", "0.20",
    { "claim_spread", "10", "10.93", "31.41", "100000", "0.5", "31.0" }, TRUE,
    "With 10 calls the estimates spread over 10.9 ns, 35 % of their median; with 100000 they "
    "settle, within 1.6 % (settled: within 10 %).\n" },
  { "/demos/claims/spread/not-settled", "3.90",
    { "claim_spread", "10", "10.93", "31.41", "100000", "63.48", "52.48" }, FALSE,
    "With 10 calls the estimates spread over 10.9 ns, 35 % of their median, and with 100000 still "
    "over 63.5 ns, 121.0 %: this run did not show them settling (within 10 %). Likely reason: this "
    "machine was busy (load 3.90 on 2 processors).\n" },
  /* Few calls that already agree do not show the spread either. */
  { "/demos/claims/spread/agree-at-few-calls", "0.20",
    { "claim_spread", "10", "1", "31.41", "100000", "0.5", "31.0" }, FALSE,
    "With 10 calls the estimates already agree within 3 % of their median, and with 100000 within "
    "1.6 %: this machine timed even the short workload steadily, so this run did not show the "
    "spread at few calls.\n" },
  /* Demo 7: the sum over activations, from the pstats numbers of
   * test_paths_cumtime_counts_outermost (50/5, tottime 10 ms, cumtime 10.5 ms): 60 ms, as that
   * test sums it activation by activation. */
  { "/demos/claims/paths/activations-sum", "0.20",
    { "activations_sum", "50/5", "10000000", "10500000" }, TRUE,
    "60000000.0" },
  /* descend ()'s cumtime within a factor of 1.5 of its top-level calls' truth, and the sum over
   * activations x5.74 it. */
  { "/demos/claims/paths-cumtime/shown", "0.20",
    { "claim_paths_cumtime", "descend", "11641198", "50/5", "11158867.6", "11708538.4", "2" }, TRUE,
    "descend () was entered 50 times, 5 of them from outside (50/5: 10 deep). Its cumtime, 11.71 "
    "ms, counts those 5 outermost activations only: x1.01 the 11.64 ms its top-level calls took "
    "without a profiler (close: within a factor of 1.5 either way). Added over all 50 activations, "
    "each level doing the same work, it would be 66.87 ms, x5.74 the truth, about (10 + 1) / 2 "
    "times: each level counted again inside every activation above it.\n" },
  /* Twice the truth is not close: on a busy machine, the load says why. */
  { "/demos/claims/paths-cumtime/not-close-busy", "3.90",
    { "claim_paths_cumtime", "descend", "11641198", "50/5", "22317735.2", "23417076.8", "2" }, FALSE,
    "descend ()'s cumtime, 23.42 ms, should count its 5 outermost activations only, and so come "
    "close to the 11.64 ms its top-level calls took without a profiler, but it is x2.01 that: not "
    "close (within a factor of 1.5 either way). Likely reason: this machine was busy (load 3.90 on "
    "2 processors).\n" },
  /* Half the truth is not close either, and a quiet machine has no busy reason. */
  { "/demos/claims/paths-cumtime/not-close-quiet", "0.20",
    { "claim_paths_cumtime", "descend", "11641198", "50/5", "5579433.8", "5854269.2", "2" }, FALSE,
    "descend ()'s cumtime, 5.85 ms, should count its 5 outermost activations only, and so come "
    "close to the 11.64 ms its top-level calls took without a profiler, but it is x0.50 that: not "
    "close (within a factor of 1.5 either way). Likely reason: the profiled runs did not take the "
    "truth's time.\n" },
  /* No recursion (ncalls without "/"): the sum is the cumtime, and nothing tells them apart. */
  { "/demos/claims/paths-cumtime/not-deep-enough", "0.20",
    { "claim_paths_cumtime", "descend", "11641198", "5", "11158867.6", "11708538.4", "2" }, FALSE,
    "descend ()'s cumtime, 11.71 ms, is close to the 11.64 ms its 5 top-level calls took without a "
    "profiler (x1.01), but so would be the sum over its 5 activations (11.71 ms, x1.01): only 1 "
    "deep, this run cannot tell the two apart.\n" },
  /* The folded stacks of a run: descend () once on each of its two paths. */
  { "/demos/claims/paths-folded/shown", "0.20",
    { "claim_paths_folded", "descend", "10", 
      "paths_run 1\npaths_run;descend 11025\npaths_run;descend;leaf 574\npaths_run;leaf 109" }, TRUE,
    "The folded stacks have one line per path, 4 lines in all, and descend () is on 2 of them, once "
    "on each, though it went 10 deep: a recursive call is placed at the node of the outermost "
    "activation, so the flame graph draws descend () as one box on each path, not a tower of 10.\n" },
  /* A function named with its file and line, when two share its name, is still found. */
  { "/demos/claims/paths-folded/shared-name", "0.20",
    { "claim_paths_folded", "descend", "10", 
      "paths_run;descend [paths.c:28] 11025\n"
      "paths_run;descend [paths.c:28];leaf 574\npaths_run;leaf 109" }, TRUE,
    "The folded stacks have one line per path, 3 lines in all, and descend () is on 2 of them, once "
    "on each, though it went 10 deep: a recursive call is placed at the node of the outermost "
    "activation, so the flame graph draws descend () as one box on each path, not a tower of 10.\n" },
  /* A path with descend () twice would be recursion not folded: a bug, and said to be one. */
  { "/demos/claims/paths-folded/not-folded", "0.20",
    { "claim_paths_folded", "descend", "10", 
      "paths_run 1\npaths_run;descend 2205\npaths_run;descend;descend 2205\n"
      "paths_run;descend;descend;leaf 574" }, FALSE,
    "A line of the folded stacks names descend () 2 times: its recursion did not fold into the "
    "outermost activation's node. That is a bug in detprof; please report it.\n" },
  /* No line names descend (): nothing to show. */
  { "/demos/claims/paths-folded/rounded-away", "0.20",
    { "claim_paths_folded", "descend", "10", "paths_run 11700" }, FALSE,
    "No line of the folded stacks names descend (): its self time rounded to 0 us on every path, so "
    "this run cannot show how its recursion folds.\n" },
  /* The measures behind the words, as make demo prints them first. */
  { "/demos/claims/tolerances", "0.20", { "tolerances" }, TRUE,
    "What the demos mean by their words: \"close\" to the truth, and two times \"about the same\", "
    "are within a factor of 1.5 of each other, either way; \"several times\" is at least x2; "
    "repeated runs \"agree\" within 10 %; a function \"looks free\" under 5 % of its truth; "
    "estimates have \"settled\" when they spread over at most 10 % of their median.\n" },
};

/* Runs one claim of demo-claims.sh, on the numbers of @user_data, in the
 * shell make demo uses, and checks its sentence and whether it says the
 * claim was shown. */
static void
test_claim (gconstpointer user_data)
{
  const ClaimCase *claim = user_data;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "examples", "demo-claims.sh", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  guint i;

  /* sh -c '. demo-claims.sh && CLAIM NUMBERS...' */
  g_ptr_array_add (argv, (gpointer) "/bin/sh");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) ". \"$0\" && \"$@\"");
  g_ptr_array_add (argv, script);
  for (i = 0; i < CLAIM_MAX_ARGS && claim->argv[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) claim->argv[i]);
  g_ptr_array_add (argv, NULL);
  envp = g_environ_setenv (envp, "DEMO_LOAD", claim->load, TRUE);
  envp = g_environ_setenv (envp, "DEMO_CPUS", "2", TRUE);
  envp = g_environ_setenv (envp, "DEMO_SHARE", claim->share != NULL ? claim->share : "100", TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C", TRUE);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, claim->sentence);
  if (claim->shown)
    {
      g_assert_true (g_spawn_check_wait_status (status, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (g_spawn_check_wait_status (status, &error));
      g_assert_error (error, G_SPAWN_EXIT_ERROR, 1);
    }
}

int
main (int    argc,
      char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("On a virtual clock, each classroom demo's claim about profiler error (overhead, "
                  "resolution, bias, uninstrumented code, waiting, calibration spread, cumtime through "
                  "recursion and its paths) holds exactly.");

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
  g_test_add ("/demos/paths/cumtime-counts-outermost", Fixture, NULL, setup,
              test_paths_cumtime_counts_outermost, teardown);
  g_test_add ("/demos/paths/uncorrected", Fixture, NULL, setup,
              test_paths_uncorrected, teardown);
  g_test_add ("/demos/paths/recursion-folds", Fixture, NULL, setup,
              test_paths_recursion_folds, teardown);
  for (i = 0; i < G_N_ELEMENTS (claim_cases); i++)
    g_test_add_data_func (claim_cases[i].path, &claim_cases[i], test_claim);

  return g_test_run ();
}
