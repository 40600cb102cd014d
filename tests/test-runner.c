/* test-runner.c: real instrumented programs under `detprof`, end to end.
 *
 * Each test runs the runner on a program of tests/programs/, loads the dump
 * it wrote, and checks the call counts and the caller -> callee arcs that
 * the program's source fixes. Where valgrind is installed, callgrind's
 * exact call counts for the same run are the oracle; where python3 is,
 * Python's pstats must load the dump and print what we print.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof.h"
#include "test-util.h"

typedef struct
{
  char *tmpdir;
  char *out;       /* the dump the runner writes */
  char *stdout_text;
  char *stderr_text;
  int   status;    /* the runner's exit status */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  fixture->tmpdir = g_dir_make_tmp ("test-runner-XXXXXX", NULL);
  g_assert_nonnull (fixture->tmpdir);
  fixture->out = g_build_filename (fixture->tmpdir, "out.prof", NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->out);
  g_free (fixture->stdout_text);
  g_free (fixture->stderr_text);
}

static const char *
runner (void)
{
  const char *path = g_getenv ("DETPROF_RUNNER");

  if (path == NULL)
    g_error ("DETPROF_RUNNER is not set: run this test with make check");
  return path;
}

static char *
program (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "programs", name, NULL);
}

/* Runs argv (NULL-terminated) with @envp (NULL: ours) and keeps its
 * output and exit status. */
static void
run_with_env (Fixture            *fixture,
              const char * const *argv,
              char              **envp)
{
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_clear_pointer (&fixture->stdout_text, g_free);
  g_clear_pointer (&fixture->stderr_text, g_free);
  g_spawn_sync (fixture->tmpdir, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &fixture->stdout_text, &fixture->stderr_text, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  fixture->status = WEXITSTATUS (wait_status);
  g_test_message ("status %d\nstdout:\n%s\nstderr:\n%s", fixture->status,
                  fixture->stdout_text, fixture->stderr_text);
}

static void
run (Fixture            *fixture,
     const char * const *argv)
{
  run_with_env (fixture, argv, NULL);
}

static void
stdout_to_file (gpointer user_data)
{
  int fd = open (user_data, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  if (fd >= 0)
    {
      dup2 (fd, STDOUT_FILENO);
      close (fd);
    }
}

/* Runs argv as run () does, but returns its standard output whole, as
 * bytes: it may hold NULs. */
static GBytes *
run_for_bytes (Fixture            *fixture,
               const char * const *argv)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "stdout.bin", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  int wait_status = 0;

  g_clear_pointer (&fixture->stdout_text, g_free);
  g_clear_pointer (&fixture->stderr_text, g_free);
  g_spawn_sync (fixture->tmpdir, (char **) argv, NULL, G_SPAWN_DEFAULT, stdout_to_file, path,
                NULL, &fixture->stderr_text, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  fixture->status = WEXITSTATUS (wait_status);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_unlink (path);
  g_test_message ("status %d\nstderr:\n%s", fixture->status, fixture->stderr_text);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

static DetprofStats *
profile_program (Fixture    *fixture,
                 const char *name,
                 const char *arg)
{
  g_autofree char *path = program (name);
  const char *argv[] = { runner (), "-o", fixture->out, path, arg, NULL };
  g_autoptr(GError) error = NULL;
  DetprofStats *stats;

  run (fixture, argv);
  stats = detprof_stats_new_from_file (fixture->out, &error);
  g_assert_no_error (error);
  return stats;
}

/* The calls into @callee from every function called @caller. */
static gint64
arc_calls (DetprofStats *stats,
           const char   *callee,
           const char   *caller)
{
  const DetprofFunctionStats *f = find_function (stats, callee);
  gint64 calls = 0;
  guint i;

  for (i = 0; i < f->n_callers; i++)
    if (strcmp (detprof_stats_get_function (stats, f->callers[i].caller)->name, caller) == 0)
      calls += f->callers[i].nc;
  return calls;
}

/* ---- programs ---- */

/* A plain program: every call counted, arcs as the source says, names and
 * lines from the debugging information, the program's exit status kept. */
static void
test_simple_program (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "simple", "100");
  const DetprofFunctionStats *leaf;
  guint i;

  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_cmpstr (fixture->stdout_text, ==, "30000\n");
  assert_calls (stats, "main", 1, 1);
  assert_calls (stats, "middle", 3, 3);
  assert_calls (stats, "leaf", 300, 300);
  g_assert_cmpint (arc_calls (stats, "middle", "main"), ==, 3);
  g_assert_cmpint (arc_calls (stats, "leaf", "middle"), ==, 300);
  g_assert_cmpuint (find_function (stats, "main")->n_callers, ==, 0);

  /* Call sites: the lines of simple.c that make the calls. */
  g_assert_cmpuint (detprof_stats_get_n_call_sites (stats), ==, 2);
  for (i = 0; i < 2; i++)
    {
      const DetprofCallSiteStats *site = detprof_stats_get_call_site (stats, i);
      const char *callee = detprof_stats_get_function (stats, site->callee)->name;

      g_assert_true (g_str_has_suffix (site->file, "tests/programs/simple.c"));
      if (strcmp (callee, "middle") == 0)
        {
          g_assert_cmpint (site->line, ==, 35);   /* s += middle (n); */
          g_assert_cmpint (site->nc, ==, 3);
        }
      else
        {
          g_assert_cmpint (site->line, ==, 21);   /* s += leaf (i); */
          g_assert_cmpint (site->nc, ==, 300);
        }
    }
  g_assert_cmpstr (detprof_stats_get_info (stats, "threads"), ==, "1");
  g_assert_cmpstr (detprof_stats_get_info (stats, "bias-model"), ==, "pairs");   /* -b auto, the default */
  g_assert_nonnull (detprof_stats_get_info (stats, "timer"));
  g_assert_cmpstr (detprof_stats_get_info (stats, "arguments"), ==, "100");
  /* How long it ran and waited for a processor, where the kernel says. */
  if (g_file_test ("/proc/thread-self/schedstat", G_FILE_TEST_EXISTS))
    {
      const char *ran = detprof_stats_get_info (stats, "processor-time");
      const char *waited = detprof_stats_get_info (stats, "processor-wait");

      g_assert_nonnull (ran);
      g_assert_nonnull (waited);
      g_assert_cmpfloat (g_ascii_strtod (ran, NULL), >, 0.0);
      g_assert_cmpfloat (g_ascii_strtod (waited, NULL), >=, 0.0);
    }

  leaf = find_function (stats, "leaf");
  g_assert_true (g_str_has_suffix (leaf->file, "tests/programs/simple.c"));
  g_assert_cmpint (leaf->line, ==, 9);   /* the line of "leaf (int x)" in simple.c */
  g_assert_cmpfloat (find_function (stats, "main")->ct.value, >=, find_function (stats, "middle")->ct.value);
}

/* Built as users build (-O2, no frame pointer), GCC reaches leaf
 * functions' exit hook by a tail jump, after tearing the frame down: every
 * return must still match its call. */
static void
test_tail_jumped_exit_hooks_match (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "tail", "100");

  g_assert_cmpint (fixture->status, ==, 0);
  assert_calls (stats, "touch", 102, 102);
  assert_calls (stats, "outer", 1, 1);
  g_assert_cmpint (arc_calls (stats, "touch", "main"), ==, 100);
  g_assert_cmpint (arc_calls (stats, "touch", "outer"), ==, 2);
  g_assert_cmpstr (detprof_stats_get_info (stats, "unmatched-returns"), ==, "0");
  g_assert_cmpstr (detprof_stats_get_info (stats, "abandoned-frames"), ==, "0");
}

/* The runner's status is the program's. */
static void
test_exit_status_is_the_programs (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  const char *argv[] = { runner (), "-o", fixture->out, path, "1", "7", NULL };

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 7);
  g_assert_true (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
}

/* A program killed by a signal is reported as such, with a shell's
 * status (128 + the signal), and leaves no half-written profile. */
static void
test_killed_by_signal_is_reported (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  const char *argv[] = { runner (), "-o", fixture->out, path, "1", "abort", NULL };

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 128 + SIGABRT);
  g_assert_nonnull (strstr (fixture->stderr_text, "was killed by signal 6 (Aborted); no profile was written"));
  g_assert_false (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
}

/* Four threads each keep their own stack; all are merged in one profile. */
static void
test_threads_are_merged (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "threads", "1000");

  g_assert_cmpint (fixture->status, ==, 0);
  assert_calls (stats, "worker", 4, 4);
  assert_calls (stats, "work", 4001, 4001);
  g_assert_cmpint (arc_calls (stats, "work", "worker"), ==, 4000);
  g_assert_cmpint (arc_calls (stats, "work", "main"), ==, 1);
  g_assert_cmpuint (find_function (stats, "worker")->n_callers, ==, 0);
}

/* longjmp out of a recursion: the agent sees the jump, and the frames
 * left are closed at it, counted as such and not as abandoned, so the
 * arcs stay right. */
static void
test_longjmp (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "jump", NULL);

  g_assert_cmpint (fixture->status, ==, 0);
  assert_calls (stats, "attempt", 5, 5);
  assert_calls (stats, "dive", 50, 5);
  assert_calls (stats, "after", 5, 5);
  g_assert_cmpint (arc_calls (stats, "after", "attempt"), ==, 5);
  g_assert_cmpint (arc_calls (stats, "dive", "attempt"), ==, 5);
  g_assert_cmpint (arc_calls (stats, "dive", "dive"), ==, 45);
  g_assert_cmpint (arc_calls (stats, "attempt", "main"), ==, 5);
  g_assert_cmpstr (detprof_stats_get_info (stats, "frames-left-by-longjmp"), ==, "50");
  g_assert_cmpstr (detprof_stats_get_info (stats, "abandoned-frames"), ==, "0");
}

/* The same program under the printed report: the frames that longjmp
 * left are named after the table, as exact. */
static void
test_longjmp_report_counts_the_frames (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autofree char *path = program ("jump");
  const char *argv[] = { runner (), "-t", "wall", "-b", "0", path, NULL };
  const char *after_table;

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);
  after_table = strstr (fixture->stderr_text, " jump.c:32(main)\n\n\n");
  g_assert_nonnull (after_table);
  after_table += strlen (" jump.c:32(main)\n\n\n");
  g_assert_cmpstr (after_table, ==,
                   "detprof: note: 50 frames were left by longjmp: closed where the program left them\n\n");
}

/* exit() from 1000 frames deep: every open frame is closed, the profile is
 * written, and the status is exit()'s. */
static void
test_exit_from_deep_recursion (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "deep-exit", NULL);

  g_assert_cmpint (fixture->status, ==, 3);
  assert_calls (stats, "descend", 1000, 1);
  assert_calls (stats, "main", 1, 1);
  g_assert_cmpint (arc_calls (stats, "descend", "descend"), ==, 999);
}

/* Recursion a million deep is counted to the bottom. */
static void
test_recursion_a_million_deep (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(DetprofStats) stats = profile_program (fixture, "deep", "1000000");

  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_cmpstr (fixture->stdout_text, ==, "999999\n");
  assert_calls (stats, "down", 1000000, 1);
  g_assert_cmpint (arc_calls (stats, "down", "down"), ==, 999999);
}

/* "%p" in the output path gives a forked child a file of its own. */
static void
test_fork_writes_one_file_per_process (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autofree char *path = program ("forks");
  g_autofree char *pattern = g_build_filename (fixture->tmpdir, "out-%p.prof", NULL);
  const char *argv[] = { runner (), "-o", pattern, path, NULL };
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int n_files = 0, n_child = 0, n_parent = 0;

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);

  dir = g_dir_open (fixture->tmpdir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->tmpdir, name, NULL);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_prefix (name, "out-"))
        continue;
      n_files++;
      stats = detprof_stats_new_from_file (file, &error);
      g_assert_no_error (error);
      assert_calls (stats, "before", 1, 1);
      if (detprof_stats_lookup_name (stats, "in_child") != NULL)
        {
          n_child++;
          assert_calls (stats, "in_child", 3, 3);
          g_assert_null (detprof_stats_lookup_name (stats, "in_parent"));
        }
      else
        {
          n_parent++;
          assert_calls (stats, "in_parent", 2, 2);
        }
    }
  g_assert_cmpint (n_files, ==, 2);
  g_assert_cmpint (n_child, ==, 1);
  g_assert_cmpint (n_parent, ==, 1);
}

/* Without -o, the report is printed on standard error, where time and
 * valgrind put theirs: a header naming the timer and the bias, then
 * pstats' layout, sorted as asked. Standard output is the program's. A
 * run whose call tree was rebuilt exactly ends with the table. */
static void
test_report_is_printed (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  const char *argv[] = { runner (), "-s", "calls", "-t", "wall", "-b", "0", path, "5", NULL };
  g_auto(GStrv) lines = NULL;

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_cmpstr (fixture->stdout_text, ==, "75\n");
  lines = g_strsplit (fixture->stderr_text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "detprof: timer wall ("));
  g_assert_true (g_str_has_suffix (lines[0], "bias 0 (no correction)"));
  g_assert_true (g_str_has_prefix (lines[1], "         19 function calls in "));
  g_assert_true (strstr (fixture->stderr_text, "   Ordered by: call count\n") != NULL);
  g_assert_true (strstr (fixture->stderr_text, "       15 ") != NULL);
  g_assert_true (g_str_has_suffix (fixture->stderr_text, " simple.c:26(main)\n\n\n"));
  g_assert_null (strstr (fixture->stderr_text, "negative"));
}

/* A program's standard output is the program's, byte for byte: bytes
 * that are not text and no final newline come out as they went in, with
 * the report on standard error, or in the --report-file and nowhere else. */
static void
test_program_output_is_untouched (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  static const unsigned char written[] = {
    0x1f, 0x8b, 0x08, 0x00, 'd', 'e', 't', 0x00, 0xff, 0xfe, '\r', 0x80, 0x7f, '\n', 'e', 'n', 'd',
  };
  g_autoptr(GBytes) expected = g_bytes_new_static (written, sizeof written);
  g_autofree char *path = program ("bytes");
  g_autofree char *report_path = g_build_filename (fixture->tmpdir, "report.txt", NULL);
  const char *plain[] = { path, NULL };
  const char *to_stderr[] = { runner (), "-t", "wall", "-b", "0", path, NULL };
  const char *to_file[] = { runner (), "-t", "wall", "-b", "0", "--report-file", report_path, path, NULL };
  g_autoptr(GBytes) alone = NULL;
  g_autoptr(GBytes) beside_stderr = NULL;
  g_autoptr(GBytes) beside_file = NULL;
  g_autofree char *report = NULL;

  alone = run_for_bytes (fixture, plain);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_true (g_bytes_equal (alone, expected));

  beside_stderr = run_for_bytes (fixture, to_stderr);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_true (g_bytes_equal (beside_stderr, expected));
  g_assert_true (g_str_has_prefix (fixture->stderr_text, "detprof: timer wall ("));
  g_assert_nonnull (strstr (fixture->stderr_text, "         2 function calls in "));
  g_assert_nonnull (strstr (fixture->stderr_text, " bytes.c:12(put)\n"));

  beside_file = run_for_bytes (fixture, to_file);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_true (g_bytes_equal (beside_file, expected));
  g_assert_cmpstr (fixture->stderr_text, ==, "");
  g_assert_true (g_file_get_contents (report_path, &report, NULL, NULL));
  g_assert_true (g_str_has_prefix (report, "detprof: timer wall ("));
  g_assert_nonnull (strstr (report, " bytes.c:12(put)\n"));
}

/* A bias of a whole second per event takes off far more than any event
 * costs: every time is negative, and the report says so after the table. */
static void
test_negative_times_are_flagged (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  const char *argv[] = { runner (), "-t", "wall", "-b", "1", path, "5", NULL };
  const char *warning;

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);
  warning = strstr (fixture->stderr_text, "\ndetprof: warning: negative times in ");
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "leaf"));
  g_assert_nonnull (strstr (warning, "(try a smaller -b, or -b 0 to see the uncorrected times)\n"));
  /* After the table, not inside it. */
  g_assert_true (warning > strstr (fixture->stderr_text, " simple.c:9(leaf)\n"));
}

/* -b auto (the default): with no calibration stored, the runner
 * calibrates once, says so in one line, and stores it; the next run uses
 * it without calibrating; a corrupt cache is reported and replaced. */
static void
test_bias_auto_calibrates_once (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  g_autofree char *cache_dir = g_strdup (fixture->tmpdir);   /* emptied by teardown */
  g_autofree char *cache = g_build_filename (cache_dir, "calibration.ini", NULL);
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "DETPROF_CACHE_DIR", cache_dir, TRUE);
  const char *argv[] = { runner (), "-o", fixture->out, path, "10", NULL };
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  run_with_env (fixture, argv, envp);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_nonnull (strstr (fixture->stderr_text, "none is stored; calibrating now"));
  g_assert_true (g_file_get_contents (cache, &first, NULL, NULL));
  stats = detprof_stats_new_from_file (fixture->out, NULL);
  g_assert_cmpstr (detprof_stats_get_info (stats, "bias-model"), ==, "pairs");
  /* A measured bias comes with its spread and the speed variation, and
   * every time with a bound. */
  g_assert_nonnull (detprof_stats_get_info (stats, "bias-spread"));
  g_assert_nonnull (detprof_stats_get_info (stats, "speed-variation"));
  g_assert_true (detprof_stats_has_bounds (stats));

  run_with_env (fixture, argv, envp);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_null (strstr (fixture->stderr_text, "calibrating"));
  g_assert_true (g_file_get_contents (cache, &second, NULL, NULL));
  g_assert_cmpstr (first, ==, second);

  g_assert_true (g_file_set_contents (cache, "[tsc|pairs\ngarbage", -1, NULL));
  run_with_env (fixture, argv, envp);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_nonnull (strstr (fixture->stderr_text, "calibrating now"));
  g_clear_pointer (&second, g_free);
  g_assert_true (g_file_get_contents (cache, &second, NULL, NULL));
  g_assert_true (g_str_has_prefix (second, "# detprof calibration cache"));
}

/* What detprof-calibrate stores, the runner uses: both programs link
 * their own copy of the library, and a stored bias names the build that
 * measured it, so the two must agree on what build they are. */
static void
test_bias_calibrate_then_profile (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *path = program ("simple");
  g_autofree char *cache_dir = g_strdup (fixture->tmpdir);   /* emptied by teardown */
  g_autofree char *cache = g_build_filename (cache_dir, "calibration.ini", NULL);
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "DETPROF_CACHE_DIR", cache_dir, TRUE);
  const char *calibrate = g_getenv ("DETPROF_CALIBRATE");
  const char *calibrate_argv[] = { calibrate, "-t", "wall", NULL };
  const char *argv[] = { runner (), "-t", "wall", "-o", fixture->out, path, "10", NULL };
  g_autofree char *stored = NULL;
  g_autofree char *used = NULL;

  g_assert_nonnull (calibrate);
  run_with_env (fixture, calibrate_argv, envp);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_true (g_file_get_contents (cache, &stored, NULL, NULL));

  run_with_env (fixture, argv, envp);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_null (strstr (fixture->stderr_text, "calibrating"));
  g_assert_true (g_file_get_contents (cache, &used, NULL, NULL));
  g_assert_cmpstr (stored, ==, used);
}

/* ---- bad input: one clear line, a non-zero status, nothing run ---- */

static void
assert_refused (Fixture            *fixture,
                const char * const *argv,
                int                 status,
                const char         *message)
{
  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, status);
  g_assert_nonnull (strstr (fixture->stderr_text, message));
  g_assert_false (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
}

/* An unknown program, a directory, one built without instrumentation, no
 * program at all, an unknown timer or sort key, a bias that is not a
 * number or is negative, an unwritable output or report file, a report
 * file with -o: each refused before anything runs. */
static void
test_bad_input_is_refused (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *simple = program ("simple");
  g_autofree char *plain = program ("not-instrumented");
  const char *no_such[] = { runner (), "-o", fixture->out, "no-such-program-xyz", NULL };
  const char *directory[] = { runner (), "-o", fixture->out, fixture->tmpdir, NULL };
  const char *not_instrumented[] = { runner (), "-o", fixture->out, plain, NULL };
  const char *nothing[] = { runner (), "-o", fixture->out, NULL };
  const char *bad_timer[] = { runner (), "-o", fixture->out, "-t", "sundial", simple, NULL };
  const char *bad_sort[] = { runner (), "-s", "zzz", simple, NULL };
  const char *bad_bias[] = { runner (), "-o", fixture->out, "-b", "lots", simple, NULL };
  const char *negative_bias[] = { runner (), "-o", fixture->out, "-b", "-1e-9", simple, NULL };
  const char *bad_output[] = { runner (), "-o", "/nonexistent-dir/out.prof", simple, NULL };
  const char *bad_report[] = { runner (), "--report-file", "/nonexistent-dir/report.txt", simple, NULL };
  const char *two_outputs[] = { runner (), "-o", fixture->out, "--report-file", "report.txt", simple, NULL };
  const char *bad_option[] = { runner (), "--frobnicate", simple, NULL };

  assert_refused (fixture, no_such, 127, "no-such-program-xyz: no such program");
  assert_refused (fixture, directory, 126, "is a directory, not a program");
  assert_refused (fixture, not_instrumented, 2, "was not built with -finstrument-functions");
  assert_refused (fixture, nothing, 2, "no program to run");
  assert_refused (fixture, bad_timer, 2, "unknown timer “sundial” (valid timers: tsc, tsc-fenced, wall, cpu, thread-cpu, rusage, times, coarse)");
  assert_refused (fixture, bad_sort, 2, "option -s:");
  g_assert_nonnull (strstr (fixture->stderr_text, "cumulative"));
  assert_refused (fixture, bad_bias, 2, "option -b: “lots” is neither auto nor a number of seconds");
  assert_refused (fixture, negative_bias, 2, "option -b: “-1e-9” is negative");
  assert_refused (fixture, bad_output, 2, "option -o: cannot write /nonexistent-dir/out.prof");
  assert_refused (fixture, bad_report, 2, "option --report-file: cannot write /nonexistent-dir/report.txt");
  g_assert_cmpstr (fixture->stdout_text, ==, "");   /* the program did not run */
  assert_refused (fixture, two_outputs, 2, "option --report-file: with -o there is no report to write");
  assert_refused (fixture, bad_option, 2, "Unknown option --frobnicate");
}

/* ---- the options the three programs share ---- */

/* --version and -V print "detprof VERSION" on standard output, as
 * detprof-stats and detprof-calibrate print theirs, and run nothing. */
static void
test_version_is_printed (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *simple = program ("simple");
  const char *long_form[] = { runner (), "--version", NULL };
  const char *short_form[] = { runner (), "-V", "-o", fixture->out, simple, NULL };
  const char * const *forms[] = { long_form, short_form };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      run (fixture, forms[i]);
      g_assert_cmpint (fixture->status, ==, 0);
      g_assert_cmpstr (fixture->stdout_text, ==, "detprof " PACKAGE_VERSION "\n");
      g_assert_cmpstr (fixture->stderr_text, ==, "");
      g_assert_false (g_file_test (fixture->out, G_FILE_TEST_EXISTS));
    }
}

/* The short options a program lists in its --help, as letter -> long
 * name ("o" -> "outfile"). */
static GHashTable *
read_short_options (Fixture    *fixture,
                    const char *path)
{
  const char *argv[] = { path, "--help", NULL };
  g_autoptr(GRegex) option = g_regex_new ("^  -(.), --([a-z][a-z-]*)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GHashTable *letters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);
  g_regex_match (option, fixture->stdout_text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    g_hash_table_insert (letters, g_match_info_fetch (match, 1), g_match_info_fetch (match, 2));
  return letters;
}

/* A short option letter that two of detprof, detprof-stats and
 * detprof-calibrate list stands for the same long option in both, and
 * the runner's letters are the ones its manual gives. */
static void
test_short_options_agree_across_programs (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  const char *paths[] = { runner (), g_getenv ("DETPROF_STATS"), g_getenv ("DETPROF_CALIBRATE") };
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  static const char * const runner_letters[][2] = {
    { "h", "help" }, { "o", "outfile" }, { "s", "sort" }, { "t", "timer" }, { "b", "bias" }, { "V", "version" },
  };
  guint i, j, shared = 0;

  if (paths[1] == NULL || paths[2] == NULL)
    {
      g_test_skip ("DETPROF_STATS or DETPROF_CALIBRATE is not set: run this test with make check");
      return;
    }

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    g_ptr_array_add (listed, read_short_options (fixture, paths[i]));

  g_assert_cmpuint (g_hash_table_size (listed->pdata[0]), ==, G_N_ELEMENTS (runner_letters));
  for (i = 0; i < G_N_ELEMENTS (runner_letters); i++)
    g_assert_cmpstr (g_hash_table_lookup (listed->pdata[0], runner_letters[i][0]), ==, runner_letters[i][1]);

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    for (j = i + 1; j < G_N_ELEMENTS (paths); j++)
      {
        GHashTableIter iter;
        gpointer letter, name;

        g_hash_table_iter_init (&iter, listed->pdata[i]);
        while (g_hash_table_iter_next (&iter, &letter, &name))
          if (g_hash_table_contains (listed->pdata[j], letter))
            {
              g_test_message ("-%s: --%s in %s and %s", (char *) letter, (char *) name, paths[i], paths[j]);
              g_assert_cmpstr (g_hash_table_lookup (listed->pdata[j], letter), ==, name);
              shared++;
            }
      }
  /* -h and -V in each pair, -s (detprof, detprof-stats), -t (detprof, detprof-calibrate). */
  g_assert_cmpuint (shared, ==, 3 * 2 + 2);
}

/* ---- hostile programs: a clear word, never a crash or a silent loss ---- */

/* A program that empties its environment, or removes the runner's
 * settings from it, is still profiled: the agent read them at load. */
static void
test_emptied_environment_is_profiled (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  const char *modes[] = { "clearenv", "unsetenv" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(DetprofStats) stats = profile_program (fixture, "hostile", modes[i]);

      g_assert_cmpint (fixture->status, ==, 0);
      g_assert_null (strstr (fixture->stderr_text, "CRITICAL"));
      assert_calls (stats, "work", 1, 1);
      g_unlink (fixture->out);
    }
}

static gboolean
has_type (const char *path,
          mode_t      type)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* A character device like /dev/@name: a node of our own where we may make
 * one (as root, who could replace the system's), else the system's. */
static char *
char_device (Fixture    *fixture,
             const char *name,
             int         minor)
{
  g_autofree char *own = g_build_filename (fixture->tmpdir, name, NULL);

  if (mknod (own, S_IFCHR | 0666, makedev (1, minor)) == 0)
    return g_steal_pointer (&own);
  return g_strconcat ("/dev/", name, NULL);
}

/* -o onto a character device or a pipe writes into it, and leaves the node
 * where it was; a directory or a socket is refused, with nothing run. */
static void
test_output_to_a_device_is_written_in_place (Fixture       *fixture,
                                             gconstpointer  user_data)
{
  g_autofree char *simple = program ("simple");
  g_autofree char *null = char_device (fixture, "null", 3);
  g_autofree char *fifo = g_build_filename (fixture->tmpdir, "fifo", NULL);
  g_autofree char *socket_path = g_build_filename (fixture->tmpdir, "socket", NULL);
  const char *to_null[] = { runner (), "-b", "0", "-o", null, simple, "2", NULL };
  const char *to_fifo[] = { runner (), "-b", "0", "-o", fifo, simple, "2", NULL };
  const char *to_dir[] = { runner (), "-b", "0", "-o", fixture->tmpdir, simple, "2", NULL };
  const char *to_socket[] = { runner (), "-b", "0", "-o", socket_path, simple, "2", NULL };
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  g_autoptr(GBytes) dump = NULL;
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[65536];
  gssize length;
  int reader, sock;

  run (fixture, to_null);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_true (has_type (null, S_IFCHR));

  /* A reader is there first: it gets the dump, whole. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  reader = open (fifo, O_RDONLY | O_NONBLOCK);
  g_assert_cmpint (reader, >=, 0);
  run (fixture, to_fifo);
  g_assert_cmpint (fixture->status, ==, 0);
  length = read (reader, buffer, sizeof buffer);
  close (reader);
  g_assert_cmpint (length, >, 0);
  g_assert_true (has_type (fifo, S_IFIFO));
  dump = g_bytes_new (buffer, (gsize) length);
  stats = detprof_stats_new_from_bytes (dump, "fifo", &error);
  g_assert_no_error (error);
  assert_calls (stats, "leaf", 6, 6);

  sock = socket (AF_UNIX, SOCK_STREAM, 0);
  g_strlcpy (address.sun_path, socket_path, sizeof address.sun_path);
  g_assert_cmpint (bind (sock, (struct sockaddr *) &address, sizeof address), ==, 0);
  assert_refused (fixture, to_socket, 2, " is a socket: a profile goes to a regular file, a character device");
  g_assert_nonnull (strstr (fixture->stderr_text, socket_path));
  g_assert_cmpstr (fixture->stdout_text, ==, "");
  close (sock);
  assert_refused (fixture, to_dir, 2, " is a directory: a profile goes to a regular file");
}

/* A profile that cannot be written (a full disk, a directory that is gone)
 * is an error: 125 when the program exited 0, else the program's status,
 * which the last line states either way. */
static void
test_lost_profile_is_an_error (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *simple = program ("simple");
  g_autofree char *hostile = program ("hostile");
  g_autofree char *full = char_device (fixture, "full", 7);
  g_autofree char *gone = g_build_filename (fixture->tmpdir, "gone", NULL);
  g_autofree char *in_gone = g_build_filename (gone, "out.prof", NULL);
  const char *to_full[] = { runner (), "-b", "0", "-o", full, simple, "2", NULL };
  const char *to_full_failing[] = { runner (), "-b", "0", "-o", full, simple, "2", "7", NULL };
  const char *to_gone[] = { runner (), "-b", "0", "-o", in_gone, hostile, "rmdir", gone, NULL };

  run (fixture, to_full);
  g_assert_cmpint (fixture->status, ==, 125);
  g_assert_nonnull (strstr (fixture->stderr_text, "No space left on device"));
  g_assert_nonnull (strstr (fixture->stderr_text, "simple exited with status 0, but the profile is missing or"
                            " incomplete: detprof exits with 125\n"));
  g_assert_true (has_type (full, S_IFCHR));

  run (fixture, to_full_failing);
  g_assert_cmpint (fixture->status, ==, 7);
  g_assert_nonnull (strstr (fixture->stderr_text, "simple exited with status 7 (detprof's status too)"));

  g_assert_cmpint (g_mkdir (gone, 0700), ==, 0);
  run (fixture, to_gone);
  g_assert_cmpint (fixture->status, ==, 125);
  g_assert_nonnull (strstr (fixture->stderr_text, "hostile could not be written (see above)\n"));
}

/* A program that writes no profile says why: it ended with _exit (), it is
 * a script whose interpreter is not instrumented, it is set-user-ID (when
 * we are root, who can make one that changes the user). */
static void
test_missing_profile_is_explained (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autofree char *hostile = program ("hostile");
  g_autofree char *simple = program ("simple");
  g_autofree char *script = g_build_filename (fixture->tmpdir, "script", NULL);
  g_autofree char *set_uid = g_build_filename (fixture->tmpdir, "set-uid", NULL);
  g_autofree char *contents = NULL;
  const char *exits[] = { runner (), "-b", "0", "-o", fixture->out, hostile, "_exit", NULL };
  const char *scripted[] = { runner (), "-b", "0", "-o", fixture->out, script, NULL };
  const char *set_id[] = { runner (), "-b", "0", "-o", fixture->out, set_uid, NULL };
  gsize length = 0;

  run (fixture, exits);
  g_assert_cmpint (fixture->status, ==, 125);
  g_assert_nonnull (strstr (fixture->stderr_text, "hostile wrote no profile: it ended without running its"
                            " exit handlers, where the profile is written (it called _exit ()"));

  g_assert_true (g_file_set_contents (script, "#!/bin/sh\nexit 0\n", -1, NULL));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  run (fixture, scripted);
  g_assert_cmpint (fixture->status, ==, 125);
  g_assert_nonnull (strstr (fixture->stderr_text, "script wrote no profile: it is a script, run by /bin/sh,"
                            " which was not built with -finstrument-functions\n"));

  if (getuid () != 0)
    {
      g_test_message ("not root: cannot make a set-user-ID program that changes the user");
      return;
    }
  g_assert_true (g_file_get_contents (simple, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (set_uid, contents, (gssize) length, NULL));
  g_assert_cmpint (chown (set_uid, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (set_uid, 04755), ==, 0);
  run (fixture, set_id);
  /* Built with AddressSanitizer, the program cannot read its options (a
   * set-user-ID process may not read its /proc/self/environ), and its
   * leak checker fails at exit: its own status is then 1, and kept. */
  g_assert_cmpint (fixture->status, ==, g_getenv ("DETPROF_SANITIZED") != NULL ? 1 : 125);
  g_assert_nonnull (strstr (fixture->stderr_text, "set-uid wrote no profile: it is set-user-ID, so the loader"
                            " ignored LD_PRELOAD"));
}

/* The grandchild of a double fork, still running when the program ends,
 * is named, and is not waited for; when it ends, after the runner removed
 * its directory, it says that its profile was not collected. */
static void
test_process_that_outlives_the_program_is_named (Fixture       *fixture,
                                                 gconstpointer  user_data)
{
  g_autofree char *hostile = program ("hostile");
  const char *argv[] = { runner (), "-b", "0", hostile, "outlive", NULL };

  /* Returns when the grandchild has closed its standard error too. */
  run (fixture, argv);
  g_assert_cmpint (fixture->status, ==, 0);
  g_assert_nonnull (strstr (fixture->stderr_text, "(double_fork)\n"));
  g_assert_nonnull (strstr (fixture->stderr_text, ", started by "));
  g_assert_nonnull (strstr (fixture->stderr_text, "hostile, is still running: its profile will not be collected"));
  g_assert_nonnull (strstr (fixture->stderr_text, " outlived the program that detprof ran, which has ended and"
                            " been reported: its profile is not collected"));
}

/* ---- oracles ---- */

/* Python's pstats loads our dump and prints, byte for byte, what we print
 * for the same operations. */
static void
test_python_pstats_reads_the_dump (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  const char *python = g_getenv ("PYTHON3");
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GString) ours = g_string_new (NULL);
  const char *sorts[] = { "stdname", "calls", "tottime", "cumulative" };
  guint i;

  if (python == NULL || *python == '\0')
    {
      g_test_skip ("python3 is not installed: cannot compare with its pstats");
      return;
    }

  stats = profile_program (fixture, "simple", "50");
  for (i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      g_autofree char *script = g_strdup_printf (
        "import pstats, sys\n"
        "pstats.Stats(sys.argv[1]).strip_dirs().sort_stats('%s').print_stats()\n", sorts[i]);
      const char *argv[] = { python, "-c", script, fixture->out, NULL };
      const char *keys[] = { sorts[i], NULL };
      g_autoptr(DetprofStats) ours_stats = detprof_stats_new_from_file (fixture->out, NULL);
      char *body;

      g_string_truncate (ours, 0);
      detprof_stats_strip_dirs (ours_stats);
      g_assert_true (detprof_stats_sort (ours_stats, keys, NULL));
      detprof_stats_print_stats (ours_stats, ours, NULL, 0);
      run (fixture, argv);
      g_assert_cmpint (fixture->status, ==, 0);
      /* The first line names the file and its time: the same, by construction. */
      body = strchr (fixture->stdout_text, '\n');
      g_assert_nonnull (body);
      g_assert_cmpstr (body, ==, strchr (ours->str, '\n'));
    }
}

/* The oldest and the newest Python we support both load a dump that
 * carries detprof's extra object after the stats (pyenv's, when present). */
static void
test_python_versions_load_the_dump (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *pyenv = g_find_program_in_path ("pyenv");
  g_autoptr(DetprofStats) stats = NULL;
  const char *wanted[] = { "3.8.", "3.13." };
  g_auto(GStrv) versions = NULL;
  guint i, j, checked = 0;

  if (pyenv == NULL)
    {
      g_test_skip ("pyenv is not installed: cannot try Python 3.8 and 3.13");
      return;
    }
  stats = profile_program (fixture, "simple", "5");
  g_assert_cmpuint (detprof_stats_get_n_call_sites (stats), >, 0);
  {
    const char *argv[] = { pyenv, "versions", "--bare", NULL };

    run (fixture, argv);
    versions = g_strsplit (fixture->stdout_text, "\n", -1);
  }
  for (i = 0; i < G_N_ELEMENTS (wanted); i++)
    for (j = 0; versions[j] != NULL; j++)
      if (g_str_has_prefix (g_strstrip (versions[j]), wanted[i]))
        {
          g_autofree char *env = g_strdup_printf ("PYENV_VERSION=%s", versions[j]);
          const char *argv[] = { "/usr/bin/env", env, pyenv, "exec", "python", "-c",
                                 "import pstats, sys; s = pstats.Stats(sys.argv[1]);"
                                 " print(sys.version_info[:2], s.total_calls)", fixture->out, NULL };

          run (fixture, argv);
          g_assert_cmpint (fixture->status, ==, 0);
          g_assert_true (g_str_has_suffix (fixture->stdout_text, " 19\n"));
          checked++;
          break;
        }
  if (checked < G_N_ELEMENTS (wanted))
    g_test_skip ("pyenv has no Python 3.8 or no 3.13 installed");
}

/* callgrind counts every call instruction: for each of our functions its
 * count of calls from each caller must equal ours. */
static void
test_counts_match_callgrind (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *valgrind = g_getenv ("VALGRIND");
  const char *python = g_getenv ("PYTHON3");
  const char *program_name = user_data;
  g_autofree char *path = program (program_name);
  g_autofree char *cg_out = g_build_filename (fixture->tmpdir, "callgrind.out", NULL);
  g_autofree char *parser = g_test_build_filename (G_TEST_DIST, "callgrind-calls.py", NULL);
  g_autoptr(DetprofStats) stats = NULL;
  g_auto(GStrv) lines = NULL;
  guint i, checked = 0;

  if (valgrind == NULL || *valgrind == '\0' || python == NULL || *python == '\0')
    {
      g_test_skip ("valgrind or python3 is not installed: no callgrind cross-check");
      return;
    }
  if (g_getenv ("DETPROF_SANITIZED") != NULL)
    {
      g_test_skip ("built with AddressSanitizer, which valgrind cannot run: no callgrind cross-check");
      return;
    }

  stats = profile_program (fixture, program_name, "200");
  {
    g_autofree char *cg_arg = g_strdup_printf ("--callgrind-out-file=%s", cg_out);
    const char *argv[] = { valgrind, "--tool=callgrind", cg_arg, path, "200", NULL };
    const char *parse[] = { python, parser, cg_out, NULL };

    run (fixture, argv);
    g_assert_cmpint (fixture->status, ==, 0);
    run (fixture, parse);
    g_assert_cmpint (fixture->status, ==, 0);
  }

  /* Lines "caller callee count", for calls between functions we profiled. */
  lines = g_strsplit (fixture->stdout_text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 3);

      if (g_strv_length (fields) != 3
          || detprof_stats_lookup_name (stats, fields[0]) == NULL
          || detprof_stats_lookup_name (stats, fields[1]) == NULL)
        continue;
      g_test_message ("callgrind: %s -> %s: %s", fields[0], fields[1], fields[2]);
      g_assert_cmpint (arc_calls (stats, fields[1], fields[0]), ==, g_ascii_strtoll (fields[2], NULL, 10));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("detprof profiles real instrumented programs end to end with the call counts their "
                  "sources fix, keeps their output and status, and refuses bad input in one clear line.");

  g_test_add ("/runner/profiles-a-simple-program", Fixture, NULL, setup, test_simple_program, teardown);
  g_test_add ("/runner/tail-jumped-exit-hooks-match", Fixture, NULL, setup,
              test_tail_jumped_exit_hooks_match, teardown);
  g_test_add ("/runner/exit-status-is-the-programs", Fixture, NULL, setup,
              test_exit_status_is_the_programs, teardown);
  g_test_add ("/runner/killed-by-signal-is-reported", Fixture, NULL, setup,
              test_killed_by_signal_is_reported, teardown);
  g_test_add ("/runner/threads-are-merged", Fixture, NULL, setup, test_threads_are_merged, teardown);
  g_test_add ("/runner/longjmp-closes-the-frames-it-leaves", Fixture, NULL, setup, test_longjmp, teardown);
  g_test_add ("/runner/longjmp-report-counts-the-frames", Fixture, NULL, setup,
              test_longjmp_report_counts_the_frames, teardown);
  g_test_add ("/runner/exit-from-deep-recursion-closes-every-frame", Fixture, NULL, setup,
              test_exit_from_deep_recursion, teardown);
  g_test_add ("/runner/recursion-a-million-deep-is-counted", Fixture, NULL, setup,
              test_recursion_a_million_deep, teardown);
  g_test_add ("/runner/fork-writes-one-file-per-process", Fixture, NULL, setup,
              test_fork_writes_one_file_per_process, teardown);
  g_test_add ("/runner/hostile/emptied-environment-is-profiled", Fixture, NULL, setup,
              test_emptied_environment_is_profiled, teardown);
  g_test_add ("/runner/hostile/output-to-a-device-is-written-in-place", Fixture, NULL, setup,
              test_output_to_a_device_is_written_in_place, teardown);
  g_test_add ("/runner/hostile/lost-profile-is-an-error", Fixture, NULL, setup,
              test_lost_profile_is_an_error, teardown);
  g_test_add ("/runner/hostile/missing-profile-is-explained", Fixture, NULL, setup,
              test_missing_profile_is_explained, teardown);
  g_test_add ("/runner/hostile/process-that-outlives-the-program-is-named", Fixture, NULL, setup,
              test_process_that_outlives_the_program_is_named, teardown);
  g_test_add ("/runner/report-is-printed", Fixture, NULL, setup, test_report_is_printed, teardown);
  g_test_add ("/runner/program-output-is-untouched", Fixture, NULL, setup,
              test_program_output_is_untouched, teardown);
  g_test_add ("/runner/negative-times-are-flagged", Fixture, NULL, setup,
              test_negative_times_are_flagged, teardown);
  g_test_add ("/runner/bias-auto-calibrates-once", Fixture, NULL, setup,
              test_bias_auto_calibrates_once, teardown);
  g_test_add ("/runner/bias-stored-by-detprof-calibrate-is-used", Fixture, NULL, setup,
              test_bias_calibrate_then_profile, teardown);
  g_test_add ("/runner/bad-input-is-refused", Fixture, NULL, setup, test_bad_input_is_refused, teardown);
  g_test_add ("/runner/options/version-is-printed", Fixture, NULL, setup, test_version_is_printed, teardown);
  g_test_add ("/runner/options/short-options-agree-across-programs", Fixture, NULL, setup,
              test_short_options_agree_across_programs, teardown);
  g_test_add ("/runner/python-pstats-reads-the-dump", Fixture, NULL, setup,
              test_python_pstats_reads_the_dump, teardown);
  g_test_add ("/runner/python-versions-load-the-dump", Fixture, NULL, setup,
              test_python_versions_load_the_dump, teardown);
  g_test_add ("/runner/counts-match-callgrind/simple", Fixture, "simple", setup,
              test_counts_match_callgrind, teardown);
  g_test_add ("/runner/counts-match-callgrind/threads", Fixture, "threads", setup,
              test_counts_match_callgrind, teardown);

  return g_test_run ();
}
