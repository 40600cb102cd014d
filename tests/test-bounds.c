/* test-bounds.c: every time with its error bound, exactly.
 *
 * A time is a sum of stretches between events, each with the bias taken
 * off once; its bound is the number of those stretches times the bias
 * spread, plus the timer's resolution times their square root
 * (detprof-bounds.c). A fake clock and scripted events make every count
 * and every bound known in advance: the counts first, then the bounds
 * the statistics carry, how they add, travel in a dump and are printed.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "detprof.h"
#include "detprof-profiler-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-private.h"
#include "test-util.h"

/* Function identities: any distinct addresses will do. */
static const char MAIN[] = "main", A[] = "a", B[] = "b", C[] = "c", F[] = "f", P[] = "p", Q[] = "q",
  NOWHERE[] = "nowhere";

typedef struct
{
  FakeClock        clock;
  DetprofTimer    *timer;     /* owned */
  DetprofProfiler *profiler;  /* owned */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  static const char *const names[] = { MAIN, A, B, C, F, P, Q };
  guint i;

  fixture->clock.now = 1000.0;
  fixture->clock.cost_of_reading = 0.0;
  fixture->timer = detprof_timer_new_double ("fake", fake_clock_read, 1.0, &fixture->clock, NULL);
  fixture->profiler = detprof_profiler_new_with_bias (fixture->timer, 0.0);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    detprof_profiler_name_function (fixture->profiler, names[i], "t.c", (int) i + 1, names[i]);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->profiler);
  g_clear_pointer (&fixture->timer, detprof_timer_unref);
}

/* A script: "+a" calls a, "-a" returns from it; each step a tick later. */
static void
play (Fixture    *fixture,
      const char *script)
{
  g_auto(GStrv) steps = g_strsplit (script, " ", -1);
  static const char *const names[] = { MAIN, A, B, C, F, P, Q, NOWHERE };
  guint i, j;

  for (i = 0; steps[i] != NULL; i++)
    {
      const char *fn = NULL;

      for (j = 0; j < G_N_ELEMENTS (names); j++)
        if (strcmp (steps[i] + 1, names[j]) == 0)
          fn = names[j];
      g_assert_nonnull (fn);
      fixture->clock.now += 1.0;
      detprof_profiler_trace_dispatch (fixture->profiler,
                                       steps[i][0] == '+' ? DETPROF_EVENT_CALL : DETPROF_EVENT_RETURN,
                                       fn, NULL);
    }
}

/* @fn's stretches in its tottime and in its cumtime are @n_tt and @n_ct. */
static void
assert_stretches (Fixture       *fixture,
                  gconstpointer  fn,
                  gint64         n_tt,
                  gint64         n_ct)
{
  DetprofTotals totals;

  _detprof_profiler_function_totals (fixture->profiler, fn, &totals);
  g_test_message ("%s: %" G_GINT64_FORMAT " stretches in tottime, %" G_GINT64_FORMAT " in cumtime",
                  (const char *) fn, totals.n_tt, totals.n_ct);
  g_assert_cmpint (totals.n_tt, ==, n_tt);
  g_assert_cmpint (totals.n_ct, ==, n_ct);
}

/* ---- how many stretches each time holds ---- */

/* A function's tottime holds one stretch per activation and one per call
 * it made; its cumtime, every stretch between its call and its return
 * (2 * calls in its subtree - 1). */
static void
test_counts_nesting (Fixture       *fixture,
                     gconstpointer  user_data)
{
  play (fixture, "+main +a +b -b +b -b -a +c -c -main");

  assert_stretches (fixture, B, 2, 2);
  assert_stretches (fixture, A, 3, 5);
  assert_stretches (fixture, C, 1, 1);
  assert_stretches (fixture, MAIN, 3, 9);
}

/* Every activation of a recursive function adds its stretches to its
 * tottime; only the outermost adds to its cumtime, which then holds the
 * whole recursion once. */
static void
test_counts_recursion (Fixture       *fixture,
                       gconstpointer  user_data)
{
  play (fixture, "+f +f +f -f -f -f +f -f");

  assert_stretches (fixture, F, 6, 6);
}

/* p -> q -> p: each is outermost once, each cumtime holds its own subtree. */
static void
test_counts_mutual_recursion (Fixture       *fixture,
                              gconstpointer  user_data)
{
  play (fixture, "+p +q +p -p -q -p");

  assert_stretches (fixture, P, 3, 5);
  assert_stretches (fixture, Q, 2, 3);
}

/* A return that matched no frame still ended a stretch, charged to the
 * frame on top: it counts there. */
static void
test_counts_unmatched_return (Fixture       *fixture,
                              gconstpointer  user_data)
{
  play (fixture, "+main -nowhere -main");

  assert_stretches (fixture, MAIN, 2, 2);
}

/* Frames closed because a later return belonged below them count the
 * stretch that would have ended them: an upper bound, never an
 * undercount. */
static void
test_counts_abandoned_frames (Fixture       *fixture,
                              gconstpointer  user_data)
{
  play (fixture, "+main +a +b -main");

  assert_stretches (fixture, B, 1, 1);
  assert_stretches (fixture, A, 2, 3);
  assert_stretches (fixture, MAIN, 2, 5);
}

/* ---- bounds in the statistics ---- */

static DetprofStats *
create_stats (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  DetprofStats *stats = detprof_profiler_create_stats (fixture->profiler, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static guint
row_of (DetprofStats *stats,
        const char   *name)
{
  guint i;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    if (strcmp (detprof_stats_get_function (stats, i)->name, name) == 0)
      return i;
  g_assert_not_reached ();
  return 0;
}

static void
assert_bounds (DetprofStats *stats,
               const char   *name,
               double        tt_bound,
               double        ct_bound)
{
  double tt, ct;

  g_assert_true (detprof_stats_get_bounds (stats, row_of (stats, name), &tt, &ct));
  g_test_message ("%s: ± %.17g, ± %.17g", name, tt, ct);
  g_assert_cmpfloat (tt, ==, tt_bound);
  g_assert_cmpfloat (ct, ==, ct_bound);
}

static void
assert_times (DetprofStats *stats,
              const char   *name,
              double        tt,
              double        ct)
{
  const DetprofFunctionStats *function = detprof_stats_get_function (stats, row_of (stats, name));

  g_assert_cmpfloat (function->tt.value, ==, tt);
  g_assert_cmpfloat (function->ct.value, ==, ct);
}

static void
assert_arc_bounds (DetprofStats *stats,
                   const char   *callee,
                   const char   *caller,
                   double        tt_bound,
                   double        ct_bound)
{
  double tt, ct;

  g_assert_true (detprof_stats_get_caller_bounds (stats, row_of (stats, callee), row_of (stats, caller),
                                                  &tt, &ct));
  g_assert_cmpfloat (tt, ==, tt_bound);
  g_assert_cmpfloat (ct, ==, ct_bound);
}

/* With a spread of half a second per stretch and an exact timer, each
 * bound is half its count; the arcs' too. The spread is a run fact. */
static void
test_bounds_from_spread (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  detprof_profiler_set_bias_spread (fixture->profiler, 0.5);
  play (fixture, "+main +a +b -b +b -b -a +c -c -main");
  stats = create_stats (fixture);

  assert_bounds (stats, "b", 1.0, 1.0);
  assert_bounds (stats, "a", 1.5, 2.5);
  assert_bounds (stats, "c", 0.5, 0.5);
  assert_bounds (stats, "main", 1.5, 4.5);
  assert_arc_bounds (stats, "b", "a", 1.0, 1.0);
  assert_arc_bounds (stats, "a", "main", 1.5, 2.5);
  g_assert_true (detprof_stats_has_bounds (stats));
  g_assert_cmpstr (detprof_stats_get_info (stats, "bias-spread"), ==, "0.5");
}

/* The speed variation widens each bound by its share of the time before
 * the bias was taken off: with a bias of a quarter tick, a's one stretch
 * took a tick (0.75 after the bias), main's two internal ones two ticks
 * and its three cumulative ones three. It is a run fact. */
static void
test_bounds_from_speed_variation (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  detprof_profiler_set_bias (fixture->profiler, 0.25);
  detprof_profiler_set_bias_spread (fixture->profiler, 0.5);
  detprof_profiler_set_speed_variation (fixture->profiler, 0.125);
  play (fixture, "+main +a -a -main");
  stats = create_stats (fixture);

  assert_bounds (stats, "a", 0.5 + 0.125 * 1.0, 0.5 + 0.125 * 1.0);
  assert_bounds (stats, "main", 2 * 0.5 + 0.125 * 2.0, 3 * 0.5 + 0.125 * 3.0);
  assert_arc_bounds (stats, "a", "main", 0.5 + 0.125 * 1.0, 0.5 + 0.125 * 1.0);
  g_assert_cmpstr (detprof_stats_get_info (stats, "speed-variation"), ==, "0.125");
}

/* A time made negative by too large a bias is widened by the share of
 * what it took before the bias: with a bias of 1.25 ticks, a's stretch is
 * -0.25 and took a tick; main's two are -0.5 and took two, its three
 * cumulative ones three. The variation is the machine's, not the bias's:
 * a new bias keeps it. */
static void
test_speed_variation_of_negative_times (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  detprof_profiler_set_speed_variation (fixture->profiler, 0.25);
  detprof_profiler_set_bias (fixture->profiler, 1.25);
  g_assert_cmpfloat (detprof_profiler_get_speed_variation (fixture->profiler), ==, 0.25);
  detprof_profiler_set_bias_spread (fixture->profiler, 0.0);
  play (fixture, "+main +a -a -main");
  stats = create_stats (fixture);

  assert_times (stats, "a", -0.25, -0.25);
  assert_bounds (stats, "a", 0.25 * 1.0, 0.25 * 1.0);
  assert_bounds (stats, "main", 0.25 * 2.0, 0.25 * 3.0);
}

/* The timer's steps add up like a random walk: resolution * sqrt (n). */
static void
test_bounds_from_resolution (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  detprof_timer_set_resolution (fixture->timer, 0.25);
  detprof_profiler_set_bias_spread (fixture->profiler, 0.0);
  play (fixture, "+f +f +f -f -f -f +f -f +main -main");
  stats = create_stats (fixture);

  assert_bounds (stats, "f", 0.25 * sqrt (6.0), 0.25 * sqrt (6.0));
  assert_bounds (stats, "main", 0.25, 0.25);
  g_assert_cmpstr (detprof_stats_get_info (stats, "timer-resolution"), ==, "0.25");
}

/* Without a measured spread there are no bounds: NaN, and no run fact. */
static void
test_no_spread_no_bounds (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;
  double tt = 0.0, ct = 0.0;

  g_assert_cmpfloat (detprof_profiler_get_bias_spread (fixture->profiler), ==, -1.0);
  g_assert_cmpfloat (detprof_profiler_get_speed_variation (fixture->profiler), ==, -1.0);
  detprof_profiler_set_speed_variation (fixture->profiler, 0.5);
  play (fixture, "+main -main");
  stats = create_stats (fixture);

  g_assert_false (detprof_stats_get_bounds (stats, 0, &tt, &ct));
  g_assert_true (isnan (tt) && isnan (ct));
  g_assert_false (detprof_stats_has_bounds (stats));
  g_assert_null (detprof_stats_get_info (stats, "bias-spread"));
}

/* A spread belongs to the bias it was measured against: a new bias
 * forgets it, the same bias keeps it. */
static void
test_new_bias_forgets_spread (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const double pairs[4] = { 1e-8, 2e-8, 3e-8, 4e-8 };

  detprof_profiler_set_bias_pairs (fixture->profiler, pairs);
  detprof_profiler_set_bias_spread (fixture->profiler, 4e-9);
  detprof_profiler_set_bias_pairs (fixture->profiler, pairs);
  g_assert_cmpfloat (detprof_profiler_get_bias_spread (fixture->profiler), ==, 4e-9);
  detprof_profiler_set_bias (fixture->profiler, 1e-8);
  g_assert_cmpfloat (detprof_profiler_get_bias_spread (fixture->profiler), ==, -1.0);
  detprof_profiler_set_bias_spread (fixture->profiler, 3e-9);
  detprof_profiler_set_bias_pairs (fixture->profiler, pairs);
  g_assert_cmpfloat (detprof_profiler_get_bias_spread (fixture->profiler), ==, -1.0);
}

/* ---- bounds add, survive strip_dirs and dumps ---- */

/* main -> work, from m.c:12, with bounds; "plain" has none. */
static DetprofStats *
make_table (const char *file,
            gboolean    bounded)
{
  DetprofStats *stats = detprof_stats_new ();
  double b = bounded ? 1.0 : (double) NAN;
  guint main_row, work;

  main_row = _detprof_stats_add_bounded_function (stats, file, 10, "main", 1, 1, 0.5, 2.0, 0.125 * b, 0.5 * b);
  work = _detprof_stats_add_bounded_function (stats, file, 3, "work", 5, 5, 1.5, 1.5, 0.25 * b, 0.25 * b);
  _detprof_stats_add_bounded_caller (stats, work, main_row, 5, 5, 1.5, 1.5, 0.25 * b, 0.25 * b);
  _detprof_stats_add_bounded_call_site (stats, main_row, work, file, 12, 5, 5, 1.5, 1.5, 0.25 * b, 0.25 * b);
  _detprof_stats_finish (stats);
  return stats;
}

static void
assert_site_bounds (DetprofStats *stats,
                    double        tt_bound,
                    double        ct_bound)
{
  double tt, ct;

  g_assert_cmpuint (detprof_stats_get_n_call_sites (stats), ==, 1);
  g_assert_true (detprof_stats_get_call_site_bounds (stats, 0, &tt, &ct));
  g_assert_cmpfloat (tt, ==, tt_bound);
  g_assert_cmpfloat (ct, ==, ct_bound);
}

/* Two profiles added together: each bound is the sum of its parts'. */
static void
test_add_sums_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/m.c", TRUE);
  g_autoptr(DetprofStats) other = make_table ("/src/m.c", TRUE);

  detprof_stats_add (stats, other);
  assert_bounds (stats, "main", 0.25, 1.0);
  assert_bounds (stats, "work", 0.5, 0.5);
  assert_arc_bounds (stats, "work", "main", 0.5, 0.5);
  assert_site_bounds (stats, 0.5, 0.5);

  detprof_stats_add (stats, stats);
  assert_bounds (stats, "work", 1.0, 1.0);
  assert_arc_bounds (stats, "work", "main", 1.0, 1.0);
  assert_site_bounds (stats, 1.0, 1.0);
}

/* A part without bounds (a Python profile, say) leaves the sum without. */
static void
test_add_unknown_makes_unknown (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/m.c", TRUE);
  g_autoptr(DetprofStats) plain = make_table ("/src/m.c", FALSE);

  detprof_stats_add (stats, plain);
  g_assert_false (detprof_stats_get_bounds (stats, row_of (stats, "work"), NULL, NULL));
  g_assert_false (detprof_stats_get_caller_bounds (stats, row_of (stats, "work"), row_of (stats, "main"),
                                                   NULL, NULL));
  g_assert_false (detprof_stats_get_call_site_bounds (stats, 0, NULL, NULL));
}

/* strip_dirs keeps each bound, and rows that become one add theirs. */
static void
test_strip_dirs_keeps_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/a/m.c", TRUE);
  g_autoptr(DetprofStats) other = make_table ("/src/b/m.c", TRUE);

  detprof_stats_add (stats, other);
  detprof_stats_strip_dirs (stats);
  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 2);
  assert_bounds (stats, "main", 0.25, 1.0);
  assert_bounds (stats, "work", 0.5, 0.5);
  assert_arc_bounds (stats, "work", "main", 0.5, 0.5);
  assert_site_bounds (stats, 0.5, 0.5);
}

static DetprofStats *
round_trip (DetprofStats *stats)
{
  g_autoptr(GBytes) bytes = detprof_stats_to_bytes (stats);
  g_autoptr(GError) error = NULL;
  DetprofStats *read = detprof_stats_new_from_bytes (bytes, "dump", &error);

  g_assert_no_error (error);
  g_assert_nonnull (read);
  return read;
}

/* The bounds travel in detprof's object after the stats dict, and come
 * back to the bit; the pstats numbers are untouched. */
static void
test_dump_round_trip (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/m.c", TRUE);
  g_autoptr(DetprofStats) read = round_trip (stats);

  assert_same_stats (stats, read);
  assert_bounds (read, "main", 0.125, 0.5);
  assert_bounds (read, "work", 0.25, 0.25);
  assert_arc_bounds (read, "work", "main", 0.25, 0.25);
  assert_site_bounds (read, 0.25, 0.25);
}

/* A dump without bounds (an older detprof's, with run facts; Python's)
 * loads with none, and is written back without any. */
static void
test_dump_without_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/m.c", FALSE);
  g_autoptr(DetprofStats) read = NULL;
  g_autoptr(GBytes) bytes = NULL;

  detprof_stats_set_info (stats, "timer", "tsc");
  read = round_trip (stats);
  g_assert_false (detprof_stats_has_bounds (read));
  g_assert_cmpstr (detprof_stats_get_info (read, "timer"), ==, "tsc");
  bytes = detprof_stats_to_bytes (read);
  g_assert_null (g_strstr_len (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), "bounds"));
}

/* Python's pstats opens a dump with bounds, and sees the same table. */
static void
test_python_loads_dump_with_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_table ("/src/m.c", TRUE);
  g_autofree char *dir = g_dir_make_tmp ("test-bounds-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bounds.prof", NULL);
  const char *python = g_getenv ("PYTHON3");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = -1;
  const char *argv[] = {
    python != NULL && *python != '\0' ? python : "python3", "-c",
    "import pstats, sys\n"
    "s = pstats.Stats(sys.argv[1])\n"
    "print(sorted((k[2], v[:4]) for k, v in s.stats.items()))\n",
    NULL, NULL
  };
  g_autofree char *found = g_find_program_in_path (argv[0]);

  if (found == NULL)
    {
      g_test_skip ("no python3 here");
      g_rmdir (dir);
      return;
    }
  g_assert_true (detprof_stats_dump (stats, path, &error));
  argv[3] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "[('main', (1, 1, 0.5, 2.0)), ('work', (5, 5, 1.5, 1.5))]\n");
  remove_tree (dir);
}

/* Bytes that @script, run by Python, writes to standard output; NULL
 * (and the test skipped) without python3. */
static GBytes *
python_bytes (const char *script)
{
  const char *python = g_getenv ("PYTHON3");
  const char *argv[] = { python != NULL && *python != '\0' ? python : "python3", "-c", script, NULL };
  g_autofree char *found = g_find_program_in_path (argv[0]);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  gsize len;
  int status = -1;

  if (found == NULL)
    {
      g_test_skip ("no python3 here");
      return NULL;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  len = strlen (out);
  return g_bytes_new_take (g_base64_decode (out, &len), len);
}

/* Bounds in another shape than detprof writes: the dump is refused, and
 * the message says which bounds, and what was wrong. Bounds written by
 * Python's marshal (references, lists) read as ours do. */
static void
test_dump_bounds_malformed_and_python_written (void)
{
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GBytes) good = NULL;
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) read = NULL;
  g_autoptr(GError) error = NULL;
  double tt, ct;

  bad = python_bytes ("import base64, marshal\n"
                      "k = ('m.c', 1, 'main')\n"
                      "d = marshal.dumps({k: (1, 1, 0.5, 0.5, {})})\n"
                      "e = marshal.dumps({'detprof': 1, 'bounds': ((k, 0.1, 0.2, ()), (k, 0.1, 0.2))})\n"
                      "print(base64.b64encode(d + e).decode())\n");
  if (bad == NULL)
    return;
  stats = detprof_stats_new_from_bytes (bad, "bad", &error);
  g_assert_null (stats);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "bad: detprof's extra data (from byte "));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "bounds 1: expected a 4-tuple as a function's bounds, found a 3-tuple"));
  g_clear_error (&error);

  good = python_bytes ("import base64, marshal\n"
                       "k, c = ('m.c', 1, 'main'), ('m.c', 9, 'work')\n"
                       "d = marshal.dumps({k: (1, 1, 0.5, 1.0, {}), c: (2, 2, 0.5, 0.5, {k: (2, 2, 0.5, 0.5)})})\n"
                       "e = marshal.dumps({'detprof': 1, 'bounds': [(k, 0.125, 0.25, []),"
                       " (c, 0.5, 1, [(k, 0.5, 1)])]})\n"
                       "print(base64.b64encode(d + e).decode())\n");
  read = detprof_stats_new_from_bytes (good, "good", &error);
  g_assert_no_error (error);
  assert_bounds (read, "main", 0.125, 0.25);
  assert_bounds (read, "work", 0.5, 1.0);
  g_assert_true (detprof_stats_get_caller_bounds (read, 1, 0, &tt, &ct));
  g_assert_cmpfloat (tt, ==, 0.5);
  g_assert_cmpfloat (ct, ==, 1.0);
}

/* ---- what is printed ---- */

/* Four functions: main resolved, tiny not at all (a bound twice its time),
 * mid a little (8 %), plain without bounds. */
static DetprofStats *
make_report_table (void)
{
  DetprofStats *stats = detprof_stats_new ();
  guint main_row, tiny, mid;

  main_row = _detprof_stats_add_bounded_function (stats, "main.c", 10, "main", 1, 1, 0.5, 1.5, 0.001, 0.025);
  tiny = _detprof_stats_add_bounded_function (stats, "main.c", 4, "tiny", 1000000, 1000000, 0.002, 0.002,
                                              0.004, 0.004);
  mid = _detprof_stats_add_bounded_function (stats, "main.c", 7, "mid", 1000, 1000, 0.1, 1.0, 0.008, 0.02);
  _detprof_stats_add_function (stats, "lib.c", 1, "plain", 1, 1, 0.25, 0.25);
  _detprof_stats_add_bounded_caller (stats, tiny, main_row, 1000000, 1000000, 0.002, 0.002, 0.004, 0.004);
  _detprof_stats_add_bounded_caller (stats, mid, main_row, 1000, 1000, 0.1, 1.0, 0.008, 0.02);
  _detprof_stats_finish (stats);
  return stats;
}

/* The section after pstats' table: the functions not resolved, most
 * affected first, each time with its bound, and what a bound means. */
static void
test_unresolved_section (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_report_append_unresolved (stats, out);
  g_assert_cmpstr (out->str, ==,
                   "detprof: 2 functions are not resolved: their error bound is more than 5 % of their time"
                   " (most affected first)\n"
                   "detprof:   tottime                  cumtime                  function\n"
                   "detprof:   2.000 ± 4.000 ms         2.000 ± 4.000 ms         main.c:4(tiny)\n"
                   "detprof:   100.000 ± 8.000 ms       1.000 ± 0.020 s          main.c:7(mid)\n"
                   "detprof: a bound is the most that the profiler's own cost and the machine's speed, as"
                   " calibration measured them to vary, can have added to a time or taken from it: the true"
                   " time lies within time ± bound\n"
                   "\n");
}

/* Statistics without bounds, or whose times are all resolved, get no
 * section. */
static void
test_no_unresolved_section (void)
{
  g_autoptr(DetprofStats) plain = make_table ("m.c", FALSE);
  g_autoptr(DetprofStats) resolved = detprof_stats_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_stats_add_bounded_function (resolved, "m.c", 1, "main", 1, 1, 1.0, 1.0, 0.05, 0.05);
  _detprof_report_append_unresolved (plain, out);
  _detprof_report_append_unresolved (resolved, out);
  g_assert_cmpstr (out->str, ==, "");
}

/* The first line of a report names the bias spread and the speed
 * variation, which the bounds are made of. */
static void
test_info_line_names_the_spread (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) out = g_string_new (NULL);

  detprof_stats_set_info (stats, "timer", "tsc-fenced");
  detprof_stats_set_info (stats, "bias", "3e-08");
  detprof_stats_set_info (stats, "bias-spread", "4.25e-09");
  _detprof_report_append_info (stats, out);
  g_assert_cmpstr (out->str, ==, "detprof: timer tsc-fenced, bias 3e-08 s per event; bias spread 4.25 ns per stretch\n");

  g_string_truncate (out, 0);
  detprof_stats_set_info (stats, "speed-variation", "0.0312");
  _detprof_report_append_info (stats, out);
  g_assert_cmpstr (out->str, ==, "detprof: timer tsc-fenced, bias 3e-08 s per event; bias spread 4.25 ns per stretch; "
                   "speed variation 3.12 %\n");
}

/* --bounds: a column after each time; "n/a" where there is none. */
static void
test_stats_listing_with_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_report_print_stats (stats, out, NULL, 0, TRUE);
  g_assert_cmpstr (out->str, ==,
                   "         1001002 function calls in 0.852 seconds\n"
                   "\n"
                   "   Random listing order was used\n"
                   "\n"
                   "   ncalls  tottime    bound  percall  cumtime    bound  percall filename:lineno(function)\n"
                   "        1    0.500   ±0.001    0.500    1.500   ±0.025    1.500 main.c:10(main)\n"
                   "  1000000    0.002   ±0.004    0.000    0.002   ±0.004    0.000 main.c:4(tiny)\n"
                   "     1000    0.100   ±0.008    0.000    1.000   ±0.020    0.001 main.c:7(mid)\n"
                   "        1    0.250      n/a    0.250    0.250      n/a    0.250 lib.c:1(plain)\n"
                   "\n"
                   "\n");
}

static void
test_callers_listing_with_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_report_print_callers (stats, out, NULL, 0, TRUE);
  g_assert_cmpstr (out->str, ==,
                   "   Random listing order was used\n"
                   "\n"
                   "Function         was called by...\n"
                   "                     ncalls  tottime    bound  cumtime    bound\n"
                   "main.c:10(main)  <- \n"
                   "main.c:4(tiny)   <- 1000000    0.002   ±0.004    0.002   ±0.004  main.c:10(main)\n"
                   "main.c:7(mid)    <-    1000    0.100   ±0.008    1.000   ±0.020  main.c:10(main)\n"
                   "lib.c:1(plain)   <- \n"
                   "\n"
                   "\n");
}

/* Without --bounds, the listings are pstats', byte for byte. */
static void
test_listing_without_bounds_is_pstats (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) ours = g_string_new (NULL);
  g_autoptr(GString) theirs = g_string_new (NULL);

  _detprof_report_print_stats (stats, ours, NULL, 0, FALSE);
  _detprof_report_print_callees (stats, ours, NULL, 0, FALSE);
  detprof_stats_print_stats (stats, theirs, NULL, 0);
  detprof_stats_print_callees (stats, theirs, NULL, 0);
  g_assert_cmpstr (ours->str, ==, theirs->str);
  g_assert_null (strstr (ours->str, "bound"));
}

/* --by-line --bounds: the call sites' bounds beside their times. */
static void
test_call_sites_listing_with_bounds (void)
{
  g_autoptr(DetprofStats) stats = make_table ("m.c", TRUE);
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_report_print_call_sites (stats, out, TRUE, NULL, 0, TRUE);
  g_assert_cmpstr (out->str, ==,
                   "   Random listing order was used\n"
                   "\n"
                   "    ncalls  tottime    bound  cumtime    bound  call site  caller\n"
                   "m.c:10(main) was called from...\n"
                   "          (none)\n"
                   "m.c:3(work) was called from...\n"
                   "         5    1.500   ±0.250    1.500   ±0.250  m.c:12  m.c:10(main)\n"
                   "\n"
                   "\n");
}

/* --format csv: the header, one row per function in the report's order,
 * numbers that read back exactly, empty bounds where there are none, and
 * RFC 4180 quoting. */
static void
test_csv (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autoptr(GString) out = g_string_new (NULL);
  const char *const keys[] = { "tottime", NULL };
  DetprofRestriction two = { DETPROF_RESTRICTION_COUNT, 2, 0.0, NULL };

  _detprof_stats_add_bounded_function (stats, "dir, \"q\".c", 3, "op,\"x\"", 1, 2, 1.0 / 3.0, 1.0, 1e-9, 2e-9);
  _detprof_stats_finish (stats);
  _detprof_report_print_csv (stats, out, NULL, 0);
  g_assert_cmpstr (out->str, ==,
                   "file,line,function,ncalls,primitive_calls,tottime,tottime_bound,cumtime,cumtime_bound\n"
                   "main.c,10,main,1,1,0.5,0.001,1.5,0.025\n"
                   "main.c,4,tiny,1000000,1000000,0.002,0.004,0.002,0.004\n"
                   "main.c,7,mid,1000,1000,0.1,0.008,1.0,0.02\n"
                   "lib.c,1,plain,1,1,0.25,,0.25,\n"
                   "\"dir, \"\"q\"\".c\",3,\"op,\"\"x\"\"\",2,1,0.3333333333333333,1e-09,1.0,2e-09\n");

  g_string_truncate (out, 0);
  g_assert_true (detprof_stats_sort (stats, keys, NULL));
  _detprof_report_print_csv (stats, out, &two, 1);
  g_assert_cmpstr (out->str, ==,
                   "file,line,function,ncalls,primitive_calls,tottime,tottime_bound,cumtime,cumtime_bound\n"
                   "main.c,10,main,1,1,0.5,0.001,1.5,0.025\n"
                   "\"dir, \"\"q\"\".c\",3,\"op,\"\"x\"\"\",2,1,0.3333333333333333,1e-09,1.0,2e-09\n");
}

/* detprof-stats reads the bounds back from a dump: --format csv writes
 * them, --bounds prints them, and the report ends with the section. */
static void
test_detprof_stats_program (void)
{
  g_autoptr(DetprofStats) stats = make_report_table ();
  g_autofree char *dir = g_dir_make_tmp ("test-bounds-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "report.prof", NULL);
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "..", "src", "detprof-stats", NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  const char *csv_argv[] = { program, "--format", "csv", path, NULL };
  const char *text_argv[] = { program, "--bounds", "-s", "tottime", path, NULL };
  int status = -1;

  g_assert_true (detprof_stats_dump (stats, path, &error));
  g_assert_true (g_spawn_sync (NULL, (char **) csv_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &csv, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  _detprof_report_print_csv (stats, expected, NULL, 0);
  g_assert_cmpstr (csv, ==, expected->str);

  g_assert_true (g_spawn_sync (NULL, (char **) text_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &text, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (text, "   ncalls  tottime    bound  percall  cumtime    bound  percall"
                                  " filename:lineno(function)\n"
                                  "        1    0.500   ±0.001    0.500    1.500   ±0.025    1.500 main.c:10(main)\n"));
  g_assert_nonnull (strstr (text, "\n\ndetprof: 2 functions are not resolved"));
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/bounds/counts/nesting", Fixture, NULL, setup, test_counts_nesting, teardown);
  g_test_add ("/bounds/counts/recursion", Fixture, NULL, setup, test_counts_recursion, teardown);
  g_test_add ("/bounds/counts/mutual-recursion", Fixture, NULL, setup, test_counts_mutual_recursion, teardown);
  g_test_add ("/bounds/counts/unmatched-return", Fixture, NULL, setup, test_counts_unmatched_return, teardown);
  g_test_add ("/bounds/counts/abandoned-frames", Fixture, NULL, setup, test_counts_abandoned_frames, teardown);
  g_test_add ("/bounds/stats/from-spread", Fixture, NULL, setup, test_bounds_from_spread, teardown);
  g_test_add ("/bounds/stats/from-resolution", Fixture, NULL, setup, test_bounds_from_resolution, teardown);
  g_test_add ("/bounds/stats/from-speed-variation", Fixture, NULL, setup, test_bounds_from_speed_variation,
              teardown);
  g_test_add ("/bounds/stats/speed-variation-of-negative-times", Fixture, NULL, setup,
              test_speed_variation_of_negative_times, teardown);
  g_test_add ("/bounds/stats/none-without-spread", Fixture, NULL, setup, test_no_spread_no_bounds, teardown);
  g_test_add ("/bounds/profiler/new-bias-forgets-spread", Fixture, NULL, setup, test_new_bias_forgets_spread,
              teardown);
  g_test_add_func ("/bounds/stats/add-sums-bounds", test_add_sums_bounds);
  g_test_add_func ("/bounds/stats/add-unknown-makes-unknown", test_add_unknown_makes_unknown);
  g_test_add_func ("/bounds/stats/strip-dirs-keeps-bounds", test_strip_dirs_keeps_bounds);
  g_test_add_func ("/bounds/dump/round-trip", test_dump_round_trip);
  g_test_add_func ("/bounds/dump/without-bounds", test_dump_without_bounds);
  g_test_add_func ("/bounds/dump/python-loads-it", test_python_loads_dump_with_bounds);
  g_test_add_func ("/bounds/dump/malformed-and-python-written", test_dump_bounds_malformed_and_python_written);
  g_test_add_func ("/bounds/report/unresolved-section", test_unresolved_section);
  g_test_add_func ("/bounds/report/no-unresolved-section", test_no_unresolved_section);
  g_test_add_func ("/bounds/report/info-line-names-the-spread", test_info_line_names_the_spread);
  g_test_add_func ("/bounds/report/stats-listing-with-bounds", test_stats_listing_with_bounds);
  g_test_add_func ("/bounds/report/callers-listing-with-bounds", test_callers_listing_with_bounds);
  g_test_add_func ("/bounds/report/listing-without-bounds-is-pstats", test_listing_without_bounds_is_pstats);
  g_test_add_func ("/bounds/report/call-sites-listing-with-bounds", test_call_sites_listing_with_bounds);
  g_test_add_func ("/bounds/report/csv", test_csv);
  g_test_add_func ("/bounds/report/detprof-stats-program", test_detprof_stats_program);

  return g_test_run ();
}
