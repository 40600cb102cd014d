/* test-calibrate.c: calibration, with a timer whose cost is known exactly.
 *
 * The fake timer is a counter that only its own readings advance, by
 * COST ticks each: the workload itself takes no time at all, and every
 * event hides exactly COST ticks of overhead (dispatch-model.md, section
 * 11). A calibration must find that number.
 */
#include "config.h"

#include "detprof.h"
#include "detprof-profiler.h"
#include <string.h>

#include <glib/gstdio.h>

#include "detprof-calibration-cache-private.h"
#include "workload.h"

#define COST 3
#define TICK 1e-9   /* seconds per tick: a cost of 3 ns per event */

static gint64
costly_read (gpointer user_data)
{
  gint64 *now = user_data;
  gint64 reading = *now;

  *now += COST;
  return reading;
}

static DetprofProfiler *
new_fake_profiler (gint64 *now)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("fake", costly_read, TICK, now, NULL);

  return detprof_profiler_new (timer);
}

/* profile.py's formula, applied to its own workload: (reported - unprofiled)
 * / 2 / calls. The unprofiled run costs one reading and the 2m + 1 deltas
 * charged to f and f1 one cost each, so the formula gives m/(m + 1) of the
 * true cost: the classic method's known shortfall, reproduced exactly. */
static void
test_classic_follows_profile_py (void)
{
  gint64 now = 0;
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&now);
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
  gint64 now = 0;
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&now);
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
  gint64 now = 0;
  g_autoptr(DetprofProfiler) profiler = new_fake_profiler (&now);
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

  f = detprof_stats_lookup_name (stats, "empty");
  g_assert_cmpint (f->nc, ==, 100);
  g_assert_cmpfloat (f->tt.value, ==, 0.0);
  g_assert_cmpfloat (detprof_stats_lookup_name (stats, "one_call")->tt.value, ==, 0.0);
  g_assert_cmpfloat (detprof_stats_lookup_name (stats, "driver2")->tt.value, ==, 0.0);
  g_assert_cmpfloat (detprof_stats_lookup_name (stats, "driver2")->ct.value, ==, 0.0);
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
static gint64
backwards (gpointer user_data)
{
  gint64 *now = user_data;

  *now -= COST;
  return *now;
}

static void
test_pairs_refuse_nonsense (void)
{
  gint64 now = 1 << 30;
  g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("backwards", backwards, 1.0, &now, NULL);
  g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);
  g_autoptr(GError) error = NULL;
  DetprofCalibration calibration;

  g_assert_false (detprof_profiler_calibrate_pairs (profiler, 1000, 1, &calibration, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CALIBRATION);
  g_assert_nonnull (strstr (error->message, "cannot be an overhead"));
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
      gint64 now = 0;
      g_autoptr(DetprofTimer) timer = detprof_timer_new_integer ("fake", costly_read, TICK, &now, NULL);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calibrate/classic/follows-profile-py", test_classic_follows_profile_py);
  g_test_add_func ("/calibrate/classic/checks-the-event-count", test_classic_checks_the_event_count);
  g_test_add_func ("/calibrate/pairs/find-the-cost-exactly", test_pairs_find_the_cost_exactly);
  g_test_add_func ("/calibrate/pairs/refuse-nonsense", test_pairs_refuse_nonsense);
  g_test_add_func ("/calibrate/bias/pairs-and-constant", test_bias_pairs_and_constant);
  g_test_add_func ("/calibrate/auto/leaves-an-unsafe-cache-alone", test_auto_leaves_an_unsafe_cache_alone);

  return g_test_run ();
}
