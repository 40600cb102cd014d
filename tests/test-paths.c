/* test-paths.c: the calling-context tree, exactly.
 *
 * Scripted events on a fake clock that moves only between events, by
 * powers of two, so that every stretch can be told apart in a sum: the
 * tree of each script (nesting, recursion, mutual recursion, a longjmp,
 * threads, the bound on its size) is written out node by node, with the
 * numbers computed by hand. Every profile's paths add up to its pstats
 * table. Then the paths in a dump (read back by us and by Python), added
 * together, and with their directories stripped; and what detprof-stats
 * draws from them: folded stacks (parsed back against the tree), the
 * paths to a function, one table per thread, and the notes on the bound
 * and on threads that were mostly blocked.
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "detprof.h"
#include "detprof-paths-private.h"
#include "detprof-profiler-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-paths-private.h"
#include "detprof-stats-private.h"
#include "test-util.h"

typedef struct
{
  FakeClock        clock;
  DetprofProfiler *profiler;
  char            *tmpdir;   /* for dumps; made on first use, removed at teardown; owned */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_double ("fake", fake_clock_read, 1.0,
                                                            &fixture->clock, NULL);

  fixture->clock.now = 0;
  fixture->profiler = g_object_new (DETPROF_TYPE_PROFILER, "timer", timer, "bias", 0.0,
                                    "max-path-nodes", GPOINTER_TO_UINT (user_data), NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->profiler);
  if (fixture->tmpdir != NULL)
    remove_tree (fixture->tmpdir);
  g_clear_pointer (&fixture->tmpdir, g_free);
}

/* Function identities: any distinct addresses will do. */
static const char MAIN[] = "main", A[] = "a", B[] = "b", C[] = "c", F[] = "f", G[] = "g", H[] = "h",
  START[] = "start", WORK[] = "work";

static void
name_functions (DetprofProfiler *profiler)
{
  static const struct { const char *fn; int line; } names[] = {
    { MAIN, 1 }, { A, 2 }, { B, 3 }, { C, 4 }, { F, 5 }, { G, 6 }, { H, 7 }, { START, 8 }, { WORK, 9 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    detprof_profiler_name_function (profiler, names[i].fn, "t.c", names[i].line, names[i].fn);
}

/* A call or a return at stack address @stack, then @ticks pass. */
static void
event (Fixture          *fixture,
       DetprofEventKind  kind,
       const char       *fn,
       guintptr          stack,
       double            ticks)
{
  DetprofEvent e = { kind, fn, NULL, stack };

  detprof_profiler_dispatch_event (fixture->profiler, &e);
  fixture->clock.now += ticks;
}

static void
call (Fixture    *fixture,
      const char *fn,
      double      ticks)
{
  event (fixture, DETPROF_EVENT_CALL, fn, 0, ticks);
}

static void
ret (Fixture    *fixture,
     const char *fn,
     double      ticks)
{
  event (fixture, DETPROF_EVENT_RETURN, fn, 0, ticks);
}

static DetprofStats *
make_stats (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  DetprofStats *stats;

  name_functions (fixture->profiler);
  stats = detprof_profiler_create_stats (fixture->profiler, &error);
  g_assert_no_error (error);
  return stats;
}

static void
assert_paths (DetprofStats *stats,
              const char   *expected)
{
  g_autofree char *paths = test_render_paths (stats);

  g_assert_cmpstr (paths, ==, expected);
}

/* main -> a -> b twice, then main -> b: b has a node under each caller,
 * and its two calls from a share one. */
static void
run_nesting (Fixture *fixture)
{
  call (fixture, MAIN, 1);
  call (fixture, A, 2);
  call (fixture, B, 4);
  ret (fixture, B, 8);
  call (fixture, B, 16);
  ret (fixture, B, 32);
  ret (fixture, A, 64);
  call (fixture, B, 128);
  ret (fixture, B, 256);
  ret (fixture, MAIN, 0);
}

#define NESTING_PATHS \
  "0 main 1/1 321 511\n" \
  "0 main>a 1/1 42 62\n" \
  "0 main>a>b 2/2 20 20\n" \
  "0 main>b 1/1 128 128\n"

/* Each path keeps the calls and times of the activations that came by
 * it, and the paths of a function add up to its row. */
static void
test_nesting (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  run_nesting (fixture);
  stats = make_stats (fixture);

  assert_paths (stats, NESTING_PATHS);
  assert_function (stats, "b", 3, 3, 148, 148);
  assert_paths_add_up (stats);
  g_assert_cmpuint (detprof_stats_get_n_path_threads (stats), ==, 1);
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 0)->n_threads, ==, 1);
  g_assert_cmpint (detprof_stats_get_path_node (stats, 0)->parent, ==, G_MAXUINT);
  g_assert_cmpstr (detprof_stats_get_path_node (stats, 0)->file, ==, "??");
}

/* main -> f -> f -> f -> g: the recursive calls fold into f's first node,
 * whose ct, like pstats' cumtime, counts the outermost activation only;
 * g, called from the innermost f, hangs under that node. */
static void
test_recursion_folds (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, F, 2);
  call (fixture, F, 4);
  call (fixture, F, 8);
  call (fixture, G, 16);
  ret (fixture, G, 32);
  ret (fixture, F, 64);
  ret (fixture, F, 128);
  ret (fixture, F, 256);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  assert_paths (stats,
                "0 main 1/1 257 511\n"
                "0 main>f 3/1 238 254\n"
                "0 main>f>g 1/1 16 16\n");
  assert_function (stats, "f", 3, 1, 238, 254);
  assert_paths_add_up (stats);
}

/* main -> a -> b -> a -> b -> c: a call of a function active already goes
 * to its outermost activation's node, so the second a and the second b
 * fold into the first ones, and c, called by the second b, hangs under
 * the first b's node. */
static void
test_mutual_recursion_folds (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, A, 2);
  call (fixture, B, 4);
  call (fixture, A, 8);
  call (fixture, B, 16);
  call (fixture, C, 32);
  ret (fixture, C, 64);
  ret (fixture, B, 128);
  ret (fixture, A, 256);
  ret (fixture, B, 512);
  ret (fixture, A, 1024);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  assert_paths (stats,
                "0 main 1/1 1025 2047\n"
                "0 main>a 2/1 650 1022\n"
                "0 main>a>b 2/1 340 508\n"
                "0 main>a>b>c 1/1 32 32\n");
  assert_paths_add_up (stats);
}

/* main sets a jump target, calls f, which calls g, which jumps back into
 * main; main then calls h. The frames the jump left are closed where it
 * happened, on their own paths (detprof-departures.c). */
static void
test_long_jump_closes_paths (Fixture       *fixture,
                             gconstpointer  user_data)
{
  static char target[64];
  g_autoptr(DetprofStats) stats = NULL;

  event (fixture, DETPROF_EVENT_CALL, MAIN, 1000, 1);
  detprof_profiler_note_jump_target (fixture->profiler, target);
  event (fixture, DETPROF_EVENT_CALL, F, 900, 2);
  event (fixture, DETPROF_EVENT_CALL, G, 800, 4);
  detprof_profiler_note_long_jump (fixture->profiler, target);
  fixture->clock.now += 8;
  event (fixture, DETPROF_EVENT_CALL, H, 900, 16);
  event (fixture, DETPROF_EVENT_RETURN, H, 900, 32);
  event (fixture, DETPROF_EVENT_RETURN, MAIN, 1000, 0);
  stats = make_stats (fixture);

  g_assert_cmpstr (detprof_stats_get_info (stats, "frames-left-by-longjmp"), ==, "2");
  assert_paths (stats,
                "0 main 1/1 41 63\n"
                "0 main>f 1/1 2 6\n"
                "0 main>f>g 1/1 4 4\n"
                "0 main>h 1/1 16 16\n");
  assert_paths_add_up (stats);
}

/* A return that skips frames (their exits were missed) closes them on
 * their paths, as abandoned frames. */
static void
test_missed_exits_close_paths (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, F, 2);
  call (fixture, G, 4);
  ret (fixture, F, 8);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  g_assert_cmpstr (detprof_stats_get_info (stats, "abandoned-frames"), ==, "1");
  assert_paths (stats,
                "0 main 1/1 9 15\n"
                "0 main>f 1/1 6 6\n"
                "0 main>f>g 1/1 0 0\n");
  assert_paths_add_up (stats);
}

typedef struct
{
  Fixture  *fixture;
  gboolean  end;     /* tell the profiler the thread ended, as the hooks do */
} ThreadScript;

/* start -> work, on a thread of its own. */
static gpointer
run_thread (gpointer data)
{
  ThreadScript *script = data;
  Fixture *fixture = script->fixture;

  call (fixture, START, 10);
  call (fixture, WORK, 20);
  ret (fixture, WORK, 40);
  ret (fixture, START, 0);
  if (script->end)
    _detprof_profiler_thread_ended (fixture->profiler,
                                    _detprof_profiler_get_thread_state (fixture->profiler));
  return NULL;
}

static void
run_threads (Fixture *fixture,
             guint    n,
             gboolean end)
{
  ThreadScript script = { fixture, end };
  guint i;

  for (i = 0; i < n; i++)
    g_thread_join (g_thread_new ("script", run_thread, &script));
}

/* Each thread has its own tree, in the order the threads first met the
 * profiler; the time the main thread waited is its own. */
static void
test_two_threads (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, WORK, 2);
  ret (fixture, WORK, 4);
  run_threads (fixture, 1, FALSE);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  assert_paths (stats,
                "0 main 1/1 75 77\n"
                "0 main>work 1/1 2 2\n"
                "1 start 1/1 50 70\n"
                "1 start>work 1/1 20 20\n");
  assert_function (stats, "work", 2, 2, 22, 22);
  assert_paths_add_up (stats);
  g_assert_cmpuint (detprof_stats_get_n_path_threads (stats), ==, 2);
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 0)->id, !=,
                   detprof_stats_get_path_thread (stats, 1)->id);
}

/* Threads that end keep their trees apart, the first 256 of them; the
 * trees of the others are added into one, which comes last and says how
 * many threads it stands for. */
static void
test_ended_threads_keep_their_trees (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *last = NULL;
  const DetprofPathThread *merged;
  g_autofree char *paths = NULL;

  call (fixture, MAIN, 1);
  run_threads (fixture, 259, TRUE);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  assert_paths_add_up (stats);
  g_assert_cmpuint (detprof_stats_get_n_path_threads (stats), ==, 1 + 256 + 1);
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 1)->n_threads, ==, 1);
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 1)->id, >, 0);
  merged = detprof_stats_get_path_thread (stats, 257);
  g_assert_cmpint (merged->n_threads, ==, 3);
  g_assert_cmpint (merged->id, ==, 0);

  paths = test_render_paths (stats);
  g_assert_true (g_str_has_prefix (paths, "0 main 1/1 18131 18131\n1 start 1/1 50 70\n1 start>work 1/1 20 20\n"));
  g_assert_true (g_str_has_suffix (paths, "257 start 3/3 150 210\n257 start>work 3/3 60 60\n"));
}

/* With room for two nodes (and the root), calls that need a third get
 * none: they are in the table, left out of the paths and counted; a
 * recursive call under a full tree still folds into its node. */
static void
test_bound_counts_unplaced_calls (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, A, 2);
  call (fixture, B, 4);
  call (fixture, C, 8);
  ret (fixture, C, 16);
  ret (fixture, B, 32);
  call (fixture, A, 64);
  ret (fixture, A, 128);
  ret (fixture, A, 256);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);

  assert_paths (stats,
                "0 main 1/1 257 511\n"
                "0 main>a 2/1 226 254\n");
  assert_function (stats, "b", 1, 1, 20, 28);
  g_assert_cmpstr (detprof_stats_get_info (stats, "path-unplaced-calls"), ==, "2");
  g_assert_cmpstr (detprof_stats_get_info (stats, "path-max-nodes"), ==, "3");
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 0)->unplaced_calls, ==, 2);
}

/* A dump carries the paths after the stats dict: we read them back the
 * same, and Python's pstats still loads the file. */
static void
test_dump_keeps_paths (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *dir = g_dir_make_tmp ("test-paths-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.prof", NULL);
  g_autofree char *out = NULL;
  int status;

  run_nesting (fixture);
  stats = make_stats (fixture);
  bytes = detprof_stats_to_bytes (stats);
  back = detprof_stats_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);

  assert_paths (back, NESTING_PATHS);
  g_assert_cmpuint (detprof_stats_get_n_path_threads (back), ==, 1);
  g_assert_cmpint (detprof_stats_get_path_thread (back, 0)->id, ==,
                   detprof_stats_get_path_thread (stats, 0)->id);
  g_assert_cmpstr (detprof_stats_get_info (back, "path-unplaced-calls"), ==, "0");

  g_assert_true (detprof_stats_dump (stats, path, &error));
  g_assert_no_error (error);
  if (python == NULL)
    g_test_message ("python3 is not in PATH: Python's loading not checked");
  else
    {
      const char *argv[] = { python, "-c", "import pstats, sys; s = pstats.Stats(sys.argv[1]);"
                             " print(s.total_calls, len(s.stats))", path, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_cmpstr (out, ==, "5 3\n");
    }
  remove_tree (dir);
}

/* With a measured bias spread, each node has the bounds of its own
 * stretches, as a row has (tests/test-bounds.c): here half a tick per
 * stretch, and a timer of no resolution, so n stretches make n / 2. A
 * node's tottime has a stretch per activation and one per call it made;
 * its cumtime, every stretch below it. Dumps keep them. */
static void
test_nodes_have_bounds (Fixture       *fixture,
                        gconstpointer  user_data)
{
  static const double expected[][2] = { { 1.5, 4.5 }, { 1.5, 2.5 }, { 1.0, 1.0 }, { 0.5, 0.5 } };
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  detprof_profiler_set_bias_spread (fixture->profiler, 0.5);
  run_nesting (fixture);
  stats = make_stats (fixture);
  bytes = detprof_stats_to_bytes (stats);
  back = detprof_stats_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);

  assert_paths (back, NESTING_PATHS);
  assert_paths_add_up (stats);
  assert_paths_add_up (back);
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpfloat (detprof_stats_get_path_node (back, i)->tt_bound, ==, expected[i][0]);
      g_assert_cmpfloat (detprof_stats_get_path_node (back, i)->ct_bound, ==, expected[i][1]);
    }
}

/* A dump whose paths are not ours (a parent after its child) is refused,
 * with what is wrong and where: never a tree with a loop. */
static void
test_corrupt_paths_are_refused (Fixture       *fixture,
                                gconstpointer  user_data)
{
  static const guint8 first_node[] = { ')', 11, 'i', 0xff, 0xff, 0xff, 0xff };
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) patched = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *data;
  gsize len, i;

  run_nesting (fixture);
  stats = make_stats (fixture);
  bytes = detprof_stats_to_bytes (stats);
  g_bytes_get_data (bytes, &len);
  data = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  for (i = 0; i + sizeof first_node <= len; i++)
    if (memcmp (data + i, first_node, sizeof first_node) == 0)
      break;
  g_assert_cmpuint (i + sizeof first_node, <=, len);
  data[i + 3] = 5;
  data[i + 4] = data[i + 5] = data[i + 6] = 0;
  patched = g_bytes_new_take (data, len);

  back = detprof_stats_new_from_bytes (patched, "run.prof", &error);
  g_assert_null (back);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "path node 0: parent 5 is out of range [-1, 0)"));
}

/* Adding profiles adds the numbers of equal paths, thread by thread, and
 * appends the others; a profile added to itself doubles. */
static void
test_add_merges_paths (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) other = NULL;
  g_autoptr(DetprofProfiler) second = NULL;

  run_nesting (fixture);
  stats = make_stats (fixture);
  detprof_stats_add (stats, stats);
  assert_paths (stats,
                "0 main 2/2 642 1022\n"
                "0 main>a 2/2 84 124\n"
                "0 main>a>b 4/4 40 40\n"
                "0 main>b 2/2 256 256\n");
  assert_paths_add_up (stats);
  g_assert_cmpint (detprof_stats_get_path_thread (stats, 0)->n_threads, ==, 2);

  /* Another run: main -> f -> g. */
  teardown (fixture, NULL);
  setup (fixture, GUINT_TO_POINTER (100));
  call (fixture, MAIN, 1);
  call (fixture, F, 2);
  call (fixture, G, 4);
  ret (fixture, G, 8);
  ret (fixture, F, 16);
  ret (fixture, MAIN, 0);
  other = make_stats (fixture);
  detprof_stats_add (stats, other);
  assert_paths (stats,
                "0 main 3/3 659 1053\n"
                "0 main>a 2/2 84 124\n"
                "0 main>a>b 4/4 40 40\n"
                "0 main>b 2/2 256 256\n"
                "0 main>f 1/1 10 14\n"
                "0 main>f>g 1/1 4 4\n");
  assert_paths_add_up (stats);
}

/* strip_dirs keeps the paths: functions whose keys become equal are one
 * row, and their nodes under the same parent one node. */
static void
test_strip_dirs_keeps_paths (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = NULL;

  call (fixture, MAIN, 1);
  call (fixture, A, 2);
  ret (fixture, A, 4);
  call (fixture, B, 8);
  ret (fixture, B, 16);
  ret (fixture, MAIN, 0);
  detprof_profiler_name_function (fixture->profiler, MAIN, "/src/main.c", 1, "main");
  detprof_profiler_name_function (fixture->profiler, A, "/src/one/x.c", 2, "x");
  detprof_profiler_name_function (fixture->profiler, B, "/src/two/x.c", 2, "x");
  stats = detprof_profiler_create_stats (fixture->profiler, NULL);
  assert_paths (stats,
                "0 main 1/1 21 31\n"
                "0 main>x 1/1 2 2\n"
                "0 main>x 1/1 8 8\n");

  detprof_stats_strip_dirs (stats);
  assert_paths (stats,
                "0 main 1/1 21 31\n"
                "0 main>x 2/2 10 10\n");
  g_assert_cmpstr (detprof_stats_get_function (stats, 0)->file, ==, "main.c");
  assert_paths_add_up (stats);
}

/* ---- what detprof-stats draws from the paths ---- */

/* Dumps @stats in the fixture's directory, runs detprof-stats on it with
 * @args, and returns its standard output; its exit status must be
 * @status. Thread ids and CPU times, which each run has its own of, are
 * replaced by N. */
static char *
run_stats (Fixture            *fixture,
           DetprofStats       *stats,
           const char * const *args,
           int                 status,
           char              **err)
{
  g_autofree char *program = g_strdup (g_getenv ("DETPROF_STATS"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GRegex) ids = g_regex_new ("\\(id [0-9]+|[0-9]+\\.[0-9]+ s of CPU", 0, 0, NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int wait_status;

  if (fixture->tmpdir == NULL)
    fixture->tmpdir = g_dir_make_tmp ("test-paths-XXXXXX", NULL);
  path = g_build_filename (fixture->tmpdir, "run.prof", NULL);
  g_assert_true (detprof_stats_dump (stats, path, &error));
  g_assert_no_error (error);

  if (program == NULL)
    program = g_test_build_filename (G_TEST_BUILT, "..", "src", "detprof-stats", NULL);
  g_ptr_array_add (argv, program);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, status);
  return g_regex_replace_literal (ids, out, -1, 0, "N", 0, NULL);
}

/* Each line of @folded is a path of @stats' trees, merged over threads,
 * and weighs what its nodes do: their calls, or their internal time in
 * whole microseconds. The weights add up to the table's totals. */
static void
assert_folded_matches_tree (DetprofStats      *stats,
                            const char        *folded,
                            DetprofPathWeight  weight)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit (folded, "\n", -1);
  gint64 sum = 0;
  guint i;

  for (i = 0; i < detprof_stats_get_n_path_nodes (stats); i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);
      const char *name = detprof_stats_get_function (stats, node->function)->name;
      char *path = node->parent == G_MAXUINT ? g_strdup (name)
                   : g_strconcat (g_ptr_array_index (paths, node->parent), ";", name, NULL);
      double *value = g_hash_table_lookup (expected, path);

      g_ptr_array_add (paths, path);
      if (value == NULL)
        {
          value = g_new0 (double, 1);
          g_hash_table_insert (expected, g_strdup (path), value);
        }
      *value += weight == DETPROF_PATH_WEIGHT_CALLS ? (double) node->nc : node->tt * 1e6;
    }

  for (i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      g_autofree char *path = g_strndup (lines[i], space - lines[i]);
      gint64 value = g_ascii_strtoll (space + 1, NULL, 10);
      double *tree = g_hash_table_lookup (expected, path);

      g_assert_nonnull (tree);
      g_assert_cmpint (value, ==, llround (*tree));
      sum += value;
    }
  g_assert_null (lines[i + (lines[i] != NULL)]);
  if (weight == DETPROF_PATH_WEIGHT_CALLS)
    g_assert_cmpint (sum, ==, detprof_stats_get_total_calls (stats));
  else
    g_assert_cmpint (sum, ==, llround (detprof_stats_get_total_time (stats) * 1e6));
}

/* Folded stacks, by time and by calls, exactly; parsed back, they are the
 * tree's paths, and add up to the table. */
static void
test_folded_export (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const char *const by_time[] = { "--format", "folded", NULL };
  static const char *const by_calls[] = { "--format", "folded", "--weight", "calls", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *time = NULL;
  g_autofree char *calls = NULL;

  run_nesting (fixture);
  stats = make_stats (fixture);
  time = run_stats (fixture, stats, by_time, 0, NULL);
  calls = run_stats (fixture, stats, by_calls, 0, NULL);

  g_assert_cmpstr (time, ==,
                   "main 321000000\n"
                   "main;a 42000000\n"
                   "main;a;b 20000000\n"
                   "main;b 128000000\n");
  g_assert_cmpstr (calls, ==,
                   "main 1\n"
                   "main;a 1\n"
                   "main;a;b 2\n"
                   "main;b 1\n");
  assert_folded_matches_tree (stats, time, DETPROF_PATH_WEIGHT_TIME);
  assert_folded_matches_tree (stats, calls, DETPROF_PATH_WEIGHT_CALLS);
}

/* With --threads, each path starts with its thread; without, the
 * threads' equal paths are one line. */
static void
test_folded_by_thread (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *const merged[] = { "--format", "folded", NULL };
  static const char *const apart[] = { "--format", "folded", "--threads", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  call (fixture, MAIN, 1);
  call (fixture, START, 2);
  ret (fixture, START, 4);
  run_threads (fixture, 1, FALSE);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);
  one = run_stats (fixture, stats, merged, 0, NULL);
  two = run_stats (fixture, stats, apart, 0, NULL);

  g_assert_cmpstr (one, ==,
                   "main 75000000\n"
                   "main;start 2000000\n"
                   "start 50000000\n"
                   "start;work 20000000\n");
  g_assert_cmpstr (two, ==,
                   "thread 0 N);main 75000000\n"
                   "thread 0 N);main;start 2000000\n"
                   "thread 1 N);start 50000000\n"
                   "thread 1 N);start;work 20000000\n");
  assert_folded_matches_tree (stats, one, DETPROF_PATH_WEIGHT_TIME);
}

/* The two pictures draw the same paths: a frame per thread, the chains
 * of functions above it, each as long as its cumulative time (ticks are
 * seconds here). speedscope's events say it exactly. */
static void
test_pictures (Fixture       *fixture,
               gconstpointer  user_data)
{
  static const char *const speedscope[] = { "--format", "speedscope", NULL };
  static const char *const flamegraph[] = { "--format", "flamegraph", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *json = NULL;
  g_autofree char *svg = NULL;

  run_nesting (fixture);
  stats = make_stats (fixture);
  json = run_stats (fixture, stats, speedscope, 0, NULL);
  svg = run_stats (fixture, stats, flamegraph, 0, NULL);

  g_assert_nonnull (strstr (json, "\"frames\":[\n"
                            "{\"name\":\"main\",\"file\":\"t.c\",\"line\":1},\n"
                            "{\"name\":\"a\",\"file\":\"t.c\",\"line\":2},\n"
                            "{\"name\":\"b\",\"file\":\"t.c\",\"line\":3}\n"
                            "]}"));
  g_assert_nonnull (strstr (json, "\"name\":\"thread 0 N)\",\"unit\":\"seconds\",\"startValue\":0.0,"
                            "\"endValue\":511.0,\"events\":[\n"
                            "{\"type\":\"O\",\"frame\":0,\"at\":0.0},\n"
                            "{\"type\":\"O\",\"frame\":1,\"at\":0.0},\n"
                            "{\"type\":\"O\",\"frame\":2,\"at\":0.0},\n"
                            "{\"type\":\"C\",\"frame\":2,\"at\":20.0},\n"
                            "{\"type\":\"C\",\"frame\":1,\"at\":62.0},\n"
                            "{\"type\":\"O\",\"frame\":2,\"at\":62.0},\n"
                            "{\"type\":\"C\",\"frame\":2,\"at\":190.0},\n"
                            "{\"type\":\"C\",\"frame\":0,\"at\":511.0}\n"
                            "]}"));
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "thread 0 N)"));
  g_assert_nonnull (strstr (svg, ">main<"));
}

/* --paths: every path to the functions that match, with the calls and
 * times along it, the larger cumulative time first. */
static void
test_paths_report (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char *const args[] = { "--paths", "\\((b|c)\\)", NULL };
  static const char *const none[] = { "--paths", "nothing", NULL };
  static const char *const invalid[] = { "--paths", "(", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *out = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *err = NULL;

  call (fixture, MAIN, 1);
  call (fixture, A, 2);
  call (fixture, B, 4);
  call (fixture, A, 8);
  call (fixture, B, 16);
  call (fixture, C, 32);
  ret (fixture, C, 64);
  ret (fixture, B, 128);
  ret (fixture, A, 256);
  ret (fixture, B, 512);
  call (fixture, C, 2048);
  ret (fixture, C, 4096);
  ret (fixture, A, 1024);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);
  out = run_stats (fixture, stats, args, 0, NULL);
  empty = run_stats (fixture, stats, none, 0, NULL);
  bad = run_stats (fixture, stats, invalid, 2, &err);

  g_assert_cmpstr (out, ==,
                   "detprof: timer fake, bias 0 (no correction)\n"
                   "Paths to the functions that match '\\((b|c)\\)': 3 paths, 4 calls\n"
                   "\n"
                   "   ncalls  tottime  cumtime  path\n"
                   "        1 2048.000 2048.000  main > a > c\n"
                   "      2/1  340.000  508.000  main > a > b\n"
                   "        1   32.000   32.000  main > a > b > c\n"
                   "\n");
  g_assert_cmpstr (empty, ==,
                   "detprof: timer fake, bias 0 (no correction)\n"
                   "Paths to the functions that match 'nothing': 0 paths, 0 calls\n"
                   "\n");
  g_assert_cmpstr (bad, ==, "");
  g_assert_true (g_str_has_prefix (err, "detprof-stats: invalid regular expression '('"));
}

/* --threads: one pstats table per thread, derived from its tree, titled
 * with its index, its id and its profiled time; a dump without paths
 * (Python's) says it has none. */
static void
test_threads_report (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const char *const args[] = { "--threads", "-s", "time", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(DetprofStats) python = load_stats_fixture ("cprofile-profilee.prof");
  g_autofree char *out = NULL;
  g_autofree char *none = NULL;
  g_autofree char *err = NULL;

  call (fixture, MAIN, 1);
  call (fixture, WORK, 2);
  ret (fixture, WORK, 4);
  run_threads (fixture, 1, FALSE);
  ret (fixture, MAIN, 0);
  stats = make_stats (fixture);
  out = run_stats (fixture, stats, args, 0, NULL);
  none = run_stats (fixture, python, args, 1, &err);

  g_assert_cmpstr (out, ==,
                   "detprof: timer fake, bias 0 (no correction)\n"
                   "=== thread 0 N): 77.000 s profiled, N ===\n"
                   "\n"
                   "         2 function calls in 77.000 seconds\n"
                   "\n"
                   "   Ordered by: internal time\n"
                   "\n"
                   "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
                   "        1   75.000   75.000   77.000   77.000 t.c:1(main)\n"
                   "        1    2.000    2.000    2.000    2.000 t.c:9(work)\n"
                   "\n"
                   "\n"
                   "=== thread 1 N): 70.000 s profiled ===\n"
                   "\n"
                   "         2 function calls in 70.000 seconds\n"
                   "\n"
                   "   Ordered by: internal time\n"
                   "\n"
                   "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
                   "        1   50.000   50.000   70.000   70.000 t.c:8(start)\n"
                   "        1   20.000   20.000   20.000   20.000 t.c:9(work)\n"
                   "\n"
                   "\n");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (err, ==, "detprof-stats: this profile has no paths, so no threads apart: it was made by "
                   "Python, or by a detprof older than the calling-context tree\n");
}

/* The notes that end a report: calls the bound left out of the paths;
 * threads whose CPU time is under half their profiled time, under a
 * wall-clock timer, when there are several threads. */
static void
test_notes (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  guint main_row, work_row, thread;

  main_row = _detprof_stats_add_function (stats, "t.c", 1, "main", 1, 1, 2.0, 4.0);
  work_row = _detprof_stats_add_function (stats, "t.c", 9, "work", 2, 2, 3.0, 3.0);
  _detprof_stats_finish (stats);
  thread = _detprof_stats_add_path_thread (stats, 4242, 1, 0.5, 0);
  _detprof_stats_add_path_node (stats, thread, G_MAXUINT, main_row, "??", 0, 1, 1, 2.0, 4.0, NAN, NAN);
  thread = _detprof_stats_add_path_thread (stats, 4243, 1, 1.5, 3);
  _detprof_stats_add_path_node (stats, thread, G_MAXUINT, work_row, "??", 0, 2, 2, 3.0, 3.0, NAN, NAN);
  detprof_stats_set_info (stats, "path-max-nodes", "1000");
  detprof_stats_set_info (stats, "path-unplaced-calls", "3");

  /* A timer of CPU time shows no waiting. */
  detprof_stats_set_info (stats, "timer", "cpu");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==,
                   "detprof: warning: 3 calls found the calling-context tree full (1000 nodes per thread):"
                   " in the tables, left out of the paths (folded stacks, --paths, --threads)\n\n");

  g_string_truncate (out, 0);
  detprof_stats_set_info (stats, "timer", "tsc");
  detprof_stats_set_info (stats, "path-unplaced-calls", "0");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==,
                   "detprof: note: 1 thread spent most of its profiled time off the CPU, blocked or waiting"
                   " for a core (CPU time under half of it): thread 0 (id 4242) 0.500 s of CPU in 4.000 s."
                   " The times of its functions include that waiting; detprof-stats --threads shows each"
                   " thread apart\n\n");
}

/* ---- the runner ---- */

/* threads.c under the runner: 4 threads call work () 1000 times each,
 * main once, and each thread has its tree; with room for two nodes a
 * thread (the root and its first function), every call of work () is
 * left out of the paths, counted. */
static void
test_runner_paths_and_bound (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *runner = g_getenv ("DETPROF_RUNNER");
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "programs", "threads", NULL);
  g_autoptr(GError) error = NULL;
  guint bounded;

  if (runner == NULL)
    {
      g_test_skip ("DETPROF_RUNNER is not set: run this test with make check");
      return;
    }
  fixture->tmpdir = g_dir_make_tmp ("test-paths-XXXXXX", NULL);
  for (bounded = 0; bounded < 2; bounded++)
    {
      g_autofree char *path = g_build_filename (fixture->tmpdir, "threads.prof", NULL);
      const char *argv[] = { runner, "-b", "0", "-o", path, bounded ? "--max-path-nodes" : program,
                             bounded ? "2" : NULL, program, NULL };
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GString) folded = g_string_new (NULL);
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      stats = detprof_stats_new_from_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (detprof_stats_get_n_path_threads (stats), ==, 5);
      g_assert_true (detprof_stats_export_folded (stats, folded, DETPROF_PATH_WEIGHT_CALLS, FALSE, &error));
      if (bounded)
        {
          g_assert_cmpstr (folded->str, ==, "main 1\nworker 4\n");
          g_assert_cmpstr (detprof_stats_get_info (stats, "path-unplaced-calls"), ==, "4001");
          g_assert_cmpstr (detprof_stats_get_info (stats, "path-max-nodes"), ==, "2");
        }
      else
        {
          g_assert_cmpstr (folded->str, ==, "main 1\nmain;work 1\nworker 4\nworker;work 4000\n");
          g_assert_cmpstr (detprof_stats_get_info (stats, "path-unplaced-calls"), ==, "0");
        }
    }
}

int
main (int    argc,
      char **argv)
{
  gconstpointer unbounded = GUINT_TO_POINTER (DETPROF_DEFAULT_MAX_PATH_NODES);

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Each thread's calling-context tree, on a fake clock, is exactly what the script "
                  "makes, adds up to the pstats table, and survives dumps, add and strip_dirs.");

  g_test_add ("/paths/tree/nested-calls-have-a-node-per-path", Fixture, unbounded, setup,
              test_nesting, teardown);
  g_test_add ("/paths/tree/recursion-folds-into-the-outermost-activation", Fixture, unbounded, setup,
              test_recursion_folds, teardown);
  g_test_add ("/paths/tree/mutual-recursion-folds-into-the-outermost-activations", Fixture, unbounded,
              setup, test_mutual_recursion_folds, teardown);
  g_test_add ("/paths/tree/long-jump-closes-the-paths-it-leaves", Fixture, unbounded, setup,
              test_long_jump_closes_paths, teardown);
  g_test_add ("/paths/tree/missed-exits-close-their-paths", Fixture, unbounded, setup,
              test_missed_exits_close_paths, teardown);
  g_test_add ("/paths/threads/each-thread-has-its-tree", Fixture, unbounded, setup,
              test_two_threads, teardown);
  g_test_add ("/paths/threads/ended-threads-keep-their-trees-apart-then-merge", Fixture, unbounded, setup,
              test_ended_threads_keep_their_trees, teardown);
  g_test_add ("/paths/bound/calls-past-it-are-counted-not-placed", Fixture, GUINT_TO_POINTER (3), setup,
              test_bound_counts_unplaced_calls, teardown);
  g_test_add ("/paths/dump/round-trip-and-python-loads-it", Fixture, unbounded, setup,
              test_dump_keeps_paths, teardown);
  g_test_add ("/paths/dump/nodes-have-the-bounds-of-their-stretches", Fixture, unbounded, setup,
              test_nodes_have_bounds, teardown);
  g_test_add ("/paths/dump/corrupt-paths-are-refused", Fixture, unbounded, setup,
              test_corrupt_paths_are_refused, teardown);
  g_test_add ("/paths/stats/add-merges-equal-paths", Fixture, unbounded, setup,
              test_add_merges_paths, teardown);
  g_test_add ("/paths/stats/strip-dirs-merges-paths-that-become-equal", Fixture, unbounded, setup,
              test_strip_dirs_keeps_paths, teardown);
  g_test_add ("/paths/report/folded-stacks-are-the-trees-paths", Fixture, unbounded, setup,
              test_folded_export, teardown);
  g_test_add ("/paths/report/folded-stacks-by-thread-start-with-it", Fixture, unbounded, setup,
              test_folded_by_thread, teardown);
  g_test_add ("/paths/report/flame-graph-and-speedscope-draw-the-paths", Fixture, unbounded, setup,
              test_pictures, teardown);
  g_test_add ("/paths/report/paths-to-matching-functions", Fixture, unbounded, setup,
              test_paths_report, teardown);
  g_test_add ("/paths/report/one-table-per-thread", Fixture, unbounded, setup,
              test_threads_report, teardown);
  g_test_add_func ("/paths/report/notes-on-the-bound-and-blocked-threads", test_notes);
  g_test_add ("/paths/runner/threads-have-trees-and-the-bound-is-an-option", Fixture, unbounded, setup,
              test_runner_paths_and_bound, teardown);

  return g_test_run ();
}
