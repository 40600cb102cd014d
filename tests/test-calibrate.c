/* test-calibrate.c: calibration, with a timer whose cost is known exactly.
 *
 * The fake timer reads a fake clock (test-util.h) that only its own
 * readings advance, by COST ticks each: the workload itself takes no time
 * at all, and every event hides exactly COST ticks of overhead
 * (dispatch-model.md, section 11). A calibration must find that number.
 */
#include "config.h"

#include "detprof.h"
#include "detprof-profiler.h"
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "detprof-calibration-cache-private.h"
#include "test-util.h"
#include "workload.h"

#define COST 3
#define TICK 1e-9   /* seconds per tick: a cost of 3 ns per event */

/* @clock is { 0, COST }: only its own readings move it. */
static DetprofProfiler *
new_fake_profiler (FakeClock *clock)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("fake", fake_clock_read_integer, TICK, clock, NULL);

  return detprof_profiler_new (timer);
}

/* profile.py's formula, applied to its own workload: (reported - unprofiled)
 * / 2 / calls. The unprofiled run costs one reading and the 2m + 1 deltas
 * charged to f and f1 one cost each, so the formula gives m/(m + 1) of the
 * true cost: the classic method's known shortfall, reproduced exactly. */
static void
test_classic_follows_profile_py (void)
{
  FakeClock clock = { 0, COST };
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&clock);
  g_autoptr(GError) error = NULL;
  const guint m = 1000;
  double bias = 0.0;

  g_assert_true (detprof_profiler_calibrate (profiler, m, FALSE, &bias, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (bias, ==, ((2.0 * m + 1) * COST - COST) / 2.0 / (m + 1) * TICK);
  g_assert_cmpfloat (detprof_profiler_get_bias (profiler), ==, 0.0);
}

static const DetprofWorkload *
uninstrumented_as_instrumented (void)
{
  return &_detprof_workload_plain;
}

/* A workload that makes no events (here: the plain twin posing as the
 * instrumented one) fails the event-count check loudly, as profile.py's
 * "internal error: total calls" does. */
static void
test_classic_checks_the_event_count (void)
{
  FakeClock clock = { 0, COST };
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&clock);
  g_autoptr(GError) error = NULL;
  double bias = 0.0;

  _detprof_calibrate_set_workload (uninstrumented_as_instrumented (), NULL);
  g_assert_false (detprof_profiler_calibrate (profiler, 100, FALSE, &bias, &error));
  _detprof_calibrate_set_workload (NULL, NULL);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION);
  g_assert_cmpstr (error->message, ==,
                   "internal error: total calls = 0, expected 101: the calibration workload was not profiled as built");
}

/* detprof's calibration finds the cost of every kind of stretch exactly,
 * and with those biases applied the workload's profile is its truth
 * (zero: the fake clock never sees the workload run). */
static void
test_pairs_find_the_cost_exactly (void)
{
  FakeClock clock = { 0, COST };
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&clock);
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  DetprofCalibration calibration;
  const DetprofFunctionStats *f;
  double pairs[4];
  int i;

  g_assert_true (detprof_profiler_calibrate_pairs (profiler, 1000, 3, &calibration, &error));
  g_assert_no_error (error);
  for (i = 0; i < 4; i++)
    g_assert_cmpfloat (calibration.pairs[i], ==, COST * TICK);
  g_assert_cmpfloat (calibration.spread, ==, 1.0);
  g_assert_cmpuint (calibration.repeats, ==, 3);
  g_assert_cmpuint (calibration.n, ==, 1000);

  detprof_profiler_set_bias_pairs (profiler, calibration.pairs);
  g_assert_true (detprof_profiler_get_bias_pairs (profiler, pairs));
  detprof_profiler_name_function (profiler, _detprof_workload_instrumented.driver2, "w.c", 1, "driver2");
  detprof_profiler_name_function (profiler, _detprof_workload_instrumented.one_call, "w.c", 2, "one_call");
  detprof_profiler_name_function (profiler, _detprof_workload_instrumented.empty, "w.c", 3, "empty");
  g_assert_true (detprof_profiler_enable (profiler, NULL));
  _detprof_workload_instrumented.driver2 (100);
  detprof_profiler_disable (profiler);
  stats = detprof_profiler_create_stats (profiler, NULL);

  f = find_function (stats, "empty");
  g_assert_cmpint (f->nc, ==, 100);
  g_assert_cmpfloat (f->tt.value, ==, 0.0);
  g_assert_cmpfloat (find_function (stats, "one_call")->tt.value, ==, 0.0);
  g_assert_cmpfloat (find_function (stats, "driver2")->tt.value, ==, 0.0);
  g_assert_cmpfloat (find_function (stats, "driver2")->ct.value, ==, 0.0);
  g_assert_cmpstr (detprof_stats_get_info (stats, "bias-model"), ==, "pairs");
}

/* The constant model is the pairs model with four equal values; setting
 * the bias property goes back to it. */
static void
test_bias_pairs_and_constant (void)
{
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);
  const double set[4] = { 1e-9, 2e-9, 3e-9, 4e-9 };
  double got[4];
  int i;

  g_assert_false (detprof_profiler_get_bias_pairs (profiler, got));
  detprof_profiler_set_bias_pairs (profiler, set);
  g_assert_true (detprof_profiler_get_bias_pairs (profiler, got));
  for (i = 0; i < 4; i++)
    g_assert_cmpfloat (got[i], ==, set[i]);
  g_assert_cmpfloat (detprof_profiler_get_bias (profiler), ==, (set[0] + set[1] + set[2] + set[3]) / 4);

  detprof_profiler_set_bias (profiler, 5e-9);
  g_assert_false (detprof_profiler_get_bias_pairs (profiler, got));
  for (i = 0; i < 4; i++)
    g_assert_cmpfloat (got[i], ==, 5e-9);
}

/* A nonsense measurement (here: a timer that runs backwards, so every
 * overhead is negative) is refused with the reason, never returned. */
static void
test_pairs_refuse_nonsense (void)
{
  FakeClock backwards = { 1 << 30, -COST };
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("backwards", fake_clock_read_integer, 1.0,
                                                             &backwards, NULL);
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);
  g_autoptr(GError) error = NULL;
  DetprofCalibration calibration;

  g_assert_false (detprof_profiler_calibrate_pairs (profiler, 1000, 1, &calibration, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION);
  g_assert_nonnull (strstr (error->message, "cannot be an overhead"));
}

/* ---- Calibrations that agree, or are not stored ---- */

/* Seconds per tick of the steered timer: a power of two, so that every
 * constant, and every ratio of two costs, comes out exact. */
#define STEERED_TICK (1.0 / (1 << 24))

/* A fake clock like the one above, whose cost per reading the test
 * changes from one calibration to the next, as a machine that gets busy
 * and quiet again would. */
typedef struct
{
  FakeClock     clock;    /* its cost of reading is that of the calibration being made */
  const gint64 *costs;    /* the cost of each calibration in turn, round and round */
  guint         n_costs;
  guint         made;     /* calibrations made so far */
  GString      *log;      /* owned: what the measurement reported, as "4 4 8 again | 4 4 4 done" */
} Steered;

static DetprofTimer *
new_steered_timer (Steered      *steered,
                   const gint64 *costs,
                   guint         n_costs)
{
  memset (steered, 0, sizeof *steered);
  steered->costs = costs;
  steered->n_costs = n_costs;
  steered->clock.cost_of_reading = costs[0];
  steered->log = g_string_new (NULL);
  return detprof_timer_new_integer ("steered", fake_clock_read_integer, STEERED_TICK, &steered->clock, NULL);
}

/* Logs each calibration as the cost per event it found, in ticks, and
 * each attempt's end; then sets the cost of the next calibration. */
static void
steer (const DetprofCalibrationStep *step,
       gpointer                      user_data)
{
  Steered *steered = user_data;

  if (step->bias_spread != NULL)
    return;
  if (step->over)
    {
      g_string_append (steered->log, step->again ? "again | " : "done");
      return;
    }
  g_string_append_printf (steered->log, "%g ",
                          (step->pairs[DETPROF_CALIBRATION_CALL_RETURN]
                           + step->pairs[DETPROF_CALIBRATION_RETURN_CALL]) / 2 / STEERED_TICK);
  steered->made++;
  steered->clock.cost_of_reading = steered->costs[steered->made % steered->n_costs];
}

/* Three calibrations of one measurement of a thousand calls each, on a
 * timer with @resolution whose costs are @costs; returns the log. */
static char *
measure_steered (const gint64            *costs,
                 guint                    n_costs,
                 double                   resolution,
                 DetprofCalibrationEntry *entry)
{
  Steered steered;
  g_autoptr(DetprofTimer) timer = new_steered_timer (&steered, costs, n_costs);
  g_autoptr(GError) error = NULL;

  detprof_timer_set_resolution (timer, resolution);
  g_assert_true (_detprof_calibration_measure (timer, 3, 1, 1000, steer, &steered, entry, &error));
  g_assert_no_error (error);
  return g_string_free (steered.log, FALSE);
}

static void
assert_constants (const DetprofCalibrationEntry *entry,
                  gint64                         ticks)
{
  int i;

  g_assert_cmpuint (entry->n_constants, ==, 4);
  for (i = 0; i < 4; i++)
    g_assert_cmpfloat (entry->constants[i], ==, ticks * STEERED_TICK);
}

/* Calibrations that agree are measured once, and may be stored: the
 * entry holds their constants, their spread (none) and their number. */
static void
test_agreeing_calibrations_are_measured_once (void)
{
  static const gint64 costs[] = { 4 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = measure_steered (costs, G_N_ELEMENTS (costs), 0.0, &entry);
  g_autofree char *problem = _detprof_calibration_spread_problem (&entry);

  g_assert_cmpstr (log, ==, "4 4 4 done");
  assert_constants (&entry, 4);
  g_assert_cmpfloat (entry.spread, ==, 1.0);
  /* Every stretch costs the same, so the bias fits every shape: what is
   * left is the driver's loop, which this timer does not see, spread over
   * the driver's stretches. */
  g_assert_cmpfloat (entry.bias_spread, >=, 0.0);
  g_assert_cmpfloat (entry.bias_spread, <, 0.5 * STEERED_TICK);
  /* Each reading costs the same: the plain code ran at one speed. */
  g_assert_cmpfloat (entry.speed_variation, ==, 0.0);
  g_assert_cmpuint (entry.repeats, ==, 3);
  g_assert_cmpuint (entry.n, ==, 1000);
  g_assert_cmpstr (entry.timer, ==, "steered");
  g_assert_cmpstr (entry.model, ==, "pairs");
  g_assert_null (problem);
}

/* One calibration twice as dear as the others (a busy moment) makes the
 * whole measurement be made again; the attempt that agrees is kept. */
static void
test_a_disturbed_attempt_is_measured_again (void)
{
  static const gint64 costs[] = { 4, 4, 8, 4, 4, 4 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = measure_steered (costs, G_N_ELEMENTS (costs), 0.0, &entry);
  g_autofree char *problem = _detprof_calibration_spread_problem (&entry);

  g_assert_cmpstr (log, ==, "4 4 8 again | 4 4 4 done");
  assert_constants (&entry, 4);
  g_assert_cmpfloat (entry.spread, ==, 1.0);
  g_assert_null (problem);
}

/* Calibrations that keep disagreeing are measured five times in all, no
 * more; their spread (the best attempt's: here all agree as badly) is
 * returned, and store refuses it, saying by how much its calibrations
 * differ. */
static void
test_calibrations_that_never_agree_are_not_stored (void)
{
  static const gint64 costs[] = { 4, 8 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = measure_steered (costs, G_N_ELEMENTS (costs), 0.0, &entry);
  g_autofree char *problem = _detprof_calibration_spread_problem (&entry);
  g_autofree char *dir = g_dir_make_tmp ("test-calibrate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "calibration.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (log, ==, "4 8 4 again | 8 4 8 again | 4 8 4 again | 8 4 8 again | 4 8 4 done");
  assert_constants (&entry, 4);
  g_assert_cmpfloat (entry.spread, ==, 2.0);
  g_assert_cmpstr (problem, ==, "its 3 calibrations disagree: the largest cost of a leaf call is "
                                "100.00 % above the smallest, where on a quiet machine they stay "
                                "within 25 % (was it busy, or does the timer tick too coarsely?)");

  g_assert_false (_detprof_calibration_cache_store (path, &entry, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION);
  g_assert_true (g_str_has_suffix (error->message, problem));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Calibrations 2 % apart agree, and are kept at once; one tick more, and
 * they are measured again. */
static void
test_agreement_is_two_percent (void)
{
  static const gint64 agreeing[] = { 100, 102 };
  static const gint64 beyond[] = { 100, 103, 100, 100, 100, 100 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = NULL;

  g_assert_cmpfloat (DETPROF_CALIBRATION_AGREEMENT, ==, 102.0 / 100.0);

  log = measure_steered (agreeing, G_N_ELEMENTS (agreeing), 0.0, &entry);
  g_assert_cmpstr (log, ==, "100 102 100 done");
  g_assert_cmpfloat (entry.spread, ==, 1.02);

  _detprof_calibration_entry_clear (&entry);
  g_free (log);
  log = measure_steered (beyond, G_N_ELEMENTS (beyond), 0.0, &entry);
  g_assert_cmpstr (log, ==, "100 103 100 again | 100 100 100 done");
  g_assert_cmpfloat (entry.spread, ==, 1.0);
}

/* Of attempts that never agree, the lowest value of each constant in any
 * of them is kept, and the spread of the one that agrees best. */
static void
test_the_lowest_of_every_attempt_is_kept (void)
{
  static const gint64 costs[] = { 90, 150, 90, 104, 100, 104, 150, 165, 150 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = measure_steered (costs, G_N_ELEMENTS (costs), 0.0, &entry);

  g_assert_cmpstr (log, ==, "90 150 90 again | 104 100 104 again | 150 165 150 again | 90 150 90 again | "
                            "104 100 104 done");
  assert_constants (&entry, 90);
  g_assert_cmpfloat (entry.spread, ==, 1.04);
}

/* What is stored may be far less consistent than the 2 % that is measured
 * again for: calibrations a quarter apart are measured again, and then
 * stored; one tick more, and they are not. */
static void
test_the_limit_is_a_quarter (void)
{
  static const gint64 at_limit[] = { 100, 125 };
  static const gint64 beyond[] = { 100, 126 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = NULL;
  g_autofree char *problem = NULL;

  g_assert_cmpfloat (DETPROF_CALIBRATION_MAX_SPREAD, ==, 125.0 / 100.0);

  log = measure_steered (at_limit, G_N_ELEMENTS (at_limit), 0.0, &entry);
  g_assert_cmpstr (log, ==, "100 125 100 again | 125 100 125 again | 100 125 100 again | 125 100 125 again | 100 125 100 done");
  g_assert_cmpfloat (entry.spread, ==, 1.25);
  problem = _detprof_calibration_spread_problem (&entry);
  g_assert_null (problem);

  _detprof_calibration_entry_clear (&entry);
  g_free (log);
  log = measure_steered (beyond, G_N_ELEMENTS (beyond), 0.0, &entry);
  g_assert_cmpstr (log, ==, "100 126 100 again | 126 100 126 again | 100 126 100 again | 126 100 126 again | 100 126 100 done");
  g_assert_cmpfloat (entry.spread, ==, 1.26);
  problem = _detprof_calibration_spread_problem (&entry);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, " 26.00 % above the smallest"));
}

/* A fake clock whose readings cost more in the first @busy_rounds rounds
 * of the bias spread's measurement (all of them, for G_MAXUINT), as a
 * machine that is busy for a while; and what the measurement reported. */
typedef struct
{
  FakeClock clock;
  gint64    quiet_cost;
  gint64    busy_cost;
  guint     busy_rounds;
  gboolean  reported;
  double    spread;
  double    speed_variation;
} BusyRounds;

static void
make_round_busy (guint    round,
                 gpointer user_data)
{
  BusyRounds *busy = user_data;

  busy->clock.cost_of_reading = round < busy->busy_rounds ? busy->busy_cost : busy->quiet_cost;
}

static void
watch_bias_spread (const DetprofCalibrationStep *step,
                   gpointer                      user_data)
{
  BusyRounds *busy = user_data;

  if (step->bias_spread == NULL)
    return;
  busy->reported = TRUE;
  busy->spread = step->bias_spread->spread;
  busy->speed_variation = step->bias_spread->speed_variation;
}

/* Calibrates a clock whose readings cost 4 ticks, then measures the bias
 * spread with @busy_rounds rounds in which they cost 8. */
static void
measure_with_busy_rounds (guint       busy_rounds,
                          BusyRounds *busy)
{
  g_autoptr(DetprofTimer) timer = NULL;
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autoptr(GError) error = NULL;

  *busy = (BusyRounds) { { 0, 4 }, 4, 8, busy_rounds, FALSE, 0.0, 0.0 };
  timer = detprof_timer_new_integer ("steered", fake_clock_read_integer, STEERED_TICK, &busy->clock, NULL);
  _detprof_calibration_set_round_hook (make_round_busy, busy);
  g_assert_true (_detprof_calibration_measure (timer, 3, 1, 1000, watch_bias_spread, busy, &entry, &error));
  _detprof_calibration_set_round_hook (NULL, NULL);
  g_assert_no_error (error);
  assert_constants (&entry, 4);
  g_assert_true (busy->reported);
  g_assert_cmpfloat (entry.bias_spread, ==, busy->spread);
  g_assert_cmpfloat (entry.speed_variation, ==, busy->speed_variation);
}

/* In a round in which every event hides 4 ticks more than the bias (a
 * busy while), every stretch costs 4 ticks more than the bias says, and
 * the plain code twice as much. A busy while is the machine's doing, not
 * the shapes': it goes to the speed variation, what nine rounds in ten of
 * the plain code stay within (six busy rounds of 61 are left out, as a
 * tenth of a user's runs may be; seven show), and the spread, where an
 * ordinary round lies, moves only once most rounds are busy. A machine
 * busy throughout is a steady one, if slow: its stretches all cost 4
 * ticks more than the bias. */
static void
test_busy_rounds_move_the_speed_variation (void)
{
  BusyRounds busy;

  g_assert_cmpuint (DETPROF_BIAS_SPREAD_ROUNDS, ==, 61);

  measure_with_busy_rounds (0, &busy);
  g_assert_cmpfloat (busy.spread, <, 0.5 * STEERED_TICK);
  g_assert_cmpfloat (busy.speed_variation, ==, 0.0);

  measure_with_busy_rounds (6, &busy);
  g_assert_cmpfloat (busy.spread, <, 0.5 * STEERED_TICK);
  g_assert_cmpfloat (busy.speed_variation, ==, 0.0);

  /* A plain run's time is one reading of the clock (the code costs this
   * clock nothing): a busy round's are twice a quiet one's. */
  measure_with_busy_rounds (7, &busy);
  g_assert_cmpfloat (busy.spread, <, 0.5 * STEERED_TICK);
  g_assert_cmpfloat (busy.speed_variation, ==, 1.0);

  measure_with_busy_rounds (30, &busy);
  g_assert_cmpfloat (busy.spread, <, 0.5 * STEERED_TICK);
  g_assert_cmpfloat (busy.speed_variation, ==, 1.0);

  measure_with_busy_rounds (31, &busy);
  g_assert_cmpfloat (fabs (busy.spread - 4 * STEERED_TICK), <, 0.5 * STEERED_TICK);

  measure_with_busy_rounds (G_MAXUINT, &busy);
  g_assert_cmpfloat (fabs (busy.spread - 4 * STEERED_TICK), <, 0.5 * STEERED_TICK);
  g_assert_cmpfloat (busy.speed_variation, ==, 0.0);
}

/* A timer too coarse for a measurement to span a thousand ticks (a
 * millisecond tick, here) is measured once: its calibrations are kept
 * apart by the tick, and measuring again would not help. What it finds
 * is still refused by store. */
static void
test_a_coarse_timer_is_measured_once (void)
{
  static const gint64 costs[] = { 4, 8 };
  g_auto(DetprofCalibrationEntry) entry = { 0, };
  g_autofree char *log = measure_steered (costs, G_N_ELEMENTS (costs), 1e-3, &entry);
  g_autofree char *problem = _detprof_calibration_spread_problem (&entry);

  g_assert_cmpstr (log, ==, "4 8 4 done");
  g_assert_cmpfloat (entry.spread, ==, 2.0);
  g_assert_nonnull (problem);
}

/* Runs the test @test_path in a subprocess, with a cache in a new private
 * directory, and checks that it passed; returns the directory, which the
 * caller checks and removes. (In the C locale of a test, g_printerr ()
 * writes the quotes around a timer's name as "?": patterns match them
 * with "?".) */
static char *
run_auto_steered (const char *test_path)
{
  char *dir = g_dir_make_tmp ("test-calibrate-XXXXXX", NULL);

  g_assert_nonnull (dir);
  g_setenv ("DETPROF_CACHE_DIR", dir, TRUE);
  g_test_trap_subprocess (test_path, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("DETPROF_CACHE_DIR");
  g_test_trap_assert_passed ();
  return dir;
}

static void
auto_steered (const gint64            *costs,
              guint                    n_costs,
              DetprofCalibrationEntry *entry,
              char                   **log)
{
  Steered steered;
  g_autoptr(DetprofTimer) timer = new_steered_timer (&steered, costs, n_costs);
  g_autoptr(GError) error = NULL;
  gboolean measured = FALSE;

  g_assert_true (_detprof_calibration_auto_watched (timer, steer, &steered, entry, &measured, &error));
  g_assert_no_error (error);
  g_assert_true (measured);
  *log = g_string_free (steered.log, FALSE);
}

/* -b auto follows the same rule: calibrations that never agree give this
 * run its bias, but are not stored, and it says so. */
static void
test_auto_does_not_store_disagreeing_calibrations (void)
{
  static const gint64 costs[] = { 4, 8 };
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDir) listing = NULL;

  if (g_test_subprocess ())
    {
      g_auto(DetprofCalibrationEntry) entry = { 0, };
      g_autofree char *log = NULL;

      auto_steered (costs, G_N_ELEMENTS (costs), &entry, &log);
      g_assert_cmpstr (log, ==, "4 8 4 again | 8 4 8 again | 4 8 4 again | 8 4 8 again | 4 8 4 done");
      assert_constants (&entry, 4);
      g_assert_cmpfloat (entry.spread, ==, 2.0);
      return;
    }

  dir = run_auto_steered ("/calibrate/auto/does-not-store-disagreeing-calibrations");
  expected = g_strdup_printf ("detprof: no usable calibration for timer ?steered? (pairs model) in "
                              "%s/calibration.ini: none is stored; calibrating now (once: "
                              "detprof-calibrate stores it)\n"
                              "detprof: warning: this calibration is used for this run only, and not "
                              "stored: its 3 calibrations disagree: the largest cost of a leaf call is "
                              "100.00 %% above the smallest, where on a quiet machine they stay within "
                              "25 %% (was it busy, or does the timer tick too coarsely?)\n", dir);
  g_test_trap_assert_stderr (expected);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  g_assert_null (g_dir_read_name (listing));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ... and calibrations that agree are stored, as before, for the next run. */
static void
test_auto_stores_agreeing_calibrations (void)
{
  static const gint64 costs[] = { 4 };
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lock = NULL;
  g_auto(DetprofCalibrationEntry) found = { 0, };
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_auto(DetprofCalibrationEntry) entry = { 0, };
      g_autofree char *log = NULL;

      auto_steered (costs, G_N_ELEMENTS (costs), &entry, &log);
      g_assert_cmpstr (log, ==, "4 4 4 done");
      return;
    }

  dir = run_auto_steered ("/calibrate/auto/stores-agreeing-calibrations");
  expected = g_strdup_printf ("detprof: no usable calibration for timer ?steered? (pairs model) in "
                              "%s/calibration.ini: none is stored; calibrating now (once: "
                              "detprof-calibrate stores it)\n", dir);
  g_test_trap_assert_stderr (expected);
  path = g_build_filename (dir, "calibration.ini", NULL);
  g_assert_true (_detprof_calibration_cache_lookup (path, "steered", "pairs", &found, &error));
  g_assert_no_error (error);
  assert_constants (&found, 4);
  g_assert_cmpfloat (found.spread, ==, 1.0);
  g_assert_cmpuint (found.repeats, ==, 3);

  lock = g_strconcat (path, ".lock", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_unlink (lock), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* -b auto never uses a cache that others could have planted (here, in a
 * directory anybody may write in): it says why once, naming the
 * directory, calibrates in memory and creates nothing there; the profile
 * still gets its bias. */
static void
test_auto_leaves_an_unsafe_cache_alone (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDir) listing = NULL;

  if (g_test_subprocess ())
    {
      FakeClock clock = { 0, COST };
      g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("fake", fake_clock_read_integer, TICK, &clock, NULL);
      g_auto(DetprofCalibrationEntry) entry = { 0, };
      g_autoptr(GError) error = NULL;
      gboolean measured = FALSE;
      int i;

      g_assert_true (_detprof_calibration_auto (timer, &entry, &measured, &error));
      g_assert_no_error (error);
      g_assert_true (measured);
      for (i = 0; i < 4; i++)
        g_assert_cmpfloat (entry.constants[i], ==, COST * TICK);
      return;
    }

  dir = g_dir_make_tmp ("test-calibrate-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_setenv ("DETPROF_CACHE_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("DETPROF_CACHE_DIR");

  g_test_trap_assert_passed ();
  expected = g_strdup_printf ("detprof: not using the calibration cache: %s is writable by its group "
                              "or by others (mode 0777), so they could plant files in it; "
                              "calibrating in memory for this run\n", dir);
  g_test_trap_assert_stderr (expected);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  g_assert_null (g_dir_read_name (listing));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- the program's options, and those it shares with detprof ---- */

static char *
calibrate_program (void)
{
  const char *path = g_getenv ("DETPROF_CALIBRATE");

  return path != NULL ? g_strdup (path)
                      : g_test_build_filename (G_TEST_BUILT, "..", "calibrate", "detprof-calibrate", NULL);
}

/* Runs @argv and returns its exit status, with its outputs in *out and
 * *err. */
static int
run_program (const char * const  *argv,
             char               **out,
             char               **err)
{
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s: status %d\nstdout:\n%s\nstderr:\n%s", argv[1], wait_status, *out, *err);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

/* --version and -V print "detprof-calibrate VERSION" on standard output,
 * as detprof and detprof-stats print theirs, and calibrate nothing. */
static void
test_program_prints_its_version (void)
{
  g_autofree char *program = calibrate_program ();
  const char *long_form[] = { program, "--version", NULL };
  const char *short_form[] = { program, "-V", "-t", "wall", NULL };
  const char * const *forms[] = { long_form, short_form };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_program (forms[i], &out, &err), ==, 0);
      g_assert_cmpstr (out, ==, "detprof-calibrate " PACKAGE_VERSION "\n");
      g_assert_cmpstr (err, ==, "");
    }
}

/* -t names a timer here as in detprof: both refuse the same unknown name
 * with the same words (detprof before running anything, with status 2;
 * here as a failed calibration, with status 1). */
static void
test_program_t_is_the_timer_as_in_detprof (void)
{
  g_autofree char *program = calibrate_program ();
  const char *runner = g_getenv ("DETPROF_RUNNER");
  const char *calibrate_argv[] = { program, "-t", "sundial", NULL };
  const char *runner_argv[] = { runner, "-t", "sundial", "true", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_program (calibrate_argv, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "detprof-calibrate: sundial: unknown timer “sundial”"));

  if (runner == NULL)
    {
      g_test_skip ("DETPROF_RUNNER is not set: run this test with make check");
      return;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_program (runner_argv, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "detprof: unknown timer “sundial”"));
}

/* -n and -r are --calls and --repeat, as in Python's timeit: the short
 * and the long form are refused alike below 1, before anything is
 * measured. */
static void
test_program_n_and_r_are_calls_and_repeat (void)
{
  g_autofree char *program = calibrate_program ();
  const char *forms[][2] = { { "-n", "--calls" }, { "-r", "--repeat" } };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (forms); i++)
    for (j = 0; j < 2; j++)
      {
        const char *argv[] = { program, forms[i][j], "0", NULL };
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;

        g_assert_cmpint (run_program (argv, &out, &err), ==, 2);
        g_assert_cmpstr (out, ==, "");
        g_assert_cmpstr (err, ==, "detprof-calibrate: -n and -r must be at least 1\n");
      }
}

/* The letters detprof gives its other options (-o, -s, -b) mean nothing
 * here: refused as unknown, never read as something else. */
static void
test_program_refuses_the_runners_other_letters (void)
{
  g_autofree char *program = calibrate_program ();
  const char *letters[] = { "-o", "-s", "-b" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (letters); i++)
    {
      const char *argv[] = { program, letters[i], "x", NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = g_strdup_printf ("detprof-calibrate: Unknown option %s", letters[i]);

      g_assert_cmpint (run_program (argv, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, expected));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Calibration finds a fake timer's cost per event exactly, measures again or stores "
                  "nothing when its calibrations disagree, and detprof-calibrate shares detprof's options.");

  g_test_add_func ("/calibrate/classic/follows-profile-py", test_classic_follows_profile_py);
  g_test_add_func ("/calibrate/classic/checks-the-event-count", test_classic_checks_the_event_count);
  g_test_add_func ("/calibrate/pairs/find-the-cost-exactly", test_pairs_find_the_cost_exactly);
  g_test_add_func ("/calibrate/pairs/refuse-nonsense", test_pairs_refuse_nonsense);
  g_test_add_func ("/calibrate/bias/constant-is-four-equal-pairs", test_bias_pairs_and_constant);
  g_test_add_func ("/calibrate/agreement/agreeing-calibrations-are-measured-once",
                   test_agreeing_calibrations_are_measured_once);
  g_test_add_func ("/calibrate/agreement/a-disturbed-attempt-is-measured-again",
                   test_a_disturbed_attempt_is_measured_again);
  g_test_add_func ("/calibrate/agreement/calibrations-that-never-agree-are-not-stored",
                   test_calibrations_that_never_agree_are_not_stored);
  g_test_add_func ("/calibrate/agreement/is-two-percent", test_agreement_is_two_percent);
  g_test_add_func ("/calibrate/agreement/the-lowest-of-every-attempt-is-kept",
                   test_the_lowest_of_every_attempt_is_kept);
  g_test_add_func ("/calibrate/agreement/the-limit-is-a-quarter", test_the_limit_is_a_quarter);
  g_test_add_func ("/calibrate/bias-spread/busy-rounds-move-the-speed-variation",
                   test_busy_rounds_move_the_speed_variation);
  g_test_add_func ("/calibrate/agreement/a-coarse-timer-is-measured-once", test_a_coarse_timer_is_measured_once);
  g_test_add_func ("/calibrate/auto/does-not-store-disagreeing-calibrations",
                   test_auto_does_not_store_disagreeing_calibrations);
  g_test_add_func ("/calibrate/auto/stores-agreeing-calibrations", test_auto_stores_agreeing_calibrations);
  g_test_add_func ("/calibrate/auto/leaves-an-unsafe-cache-alone", test_auto_leaves_an_unsafe_cache_alone);
  g_test_add_func ("/calibrate/program/prints-its-version", test_program_prints_its_version);
  g_test_add_func ("/calibrate/program/t-is-the-timer-as-in-detprof", test_program_t_is_the_timer_as_in_detprof);
  g_test_add_func ("/calibrate/program/n-and-r-are-calls-and-repeat", test_program_n_and_r_are_calls_and_repeat);
  g_test_add_func ("/calibrate/program/refuses-the-runners-other-letters",
                   test_program_refuses_the_runners_other_letters);

  return g_test_run ();
}
