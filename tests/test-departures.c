/* test-departures.c: call trees of programs built as users build them.
 *
 * Each program of tests/programs/ named here is built several ways (gcc
 * -O2 and -O3 with inlining, clang -O2 with and without
 * -finstrument-functions-after-inlining, g++ and clang++, with and without
 * -fexceptions), and once with -fno-inline, whose call tree is the oracle:
 * every other build must give the same calls and arcs under `detprof`
 * (after inlining, less the functions clang inlined), cumulative times
 * that nest, no frame abandoned, and the frames the program left by long
 * jumps, exceptions and thread exits counted as such. dlclose.c, whose
 * plugins are closed and others loaded at their addresses, is checked
 * against the counts its source fixes.
 *
 * The clang builds are skipped where clang is not installed.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "detprof.h"
#include "test-util.h"

/* A call tree as text, to compare whole: "f NC CC" for each function and
 * "caller -> callee NC" for each arc, sorted. */
typedef struct
{
  GHashTable *calls;   /* name -> "NC CC" */
  GHashTable *arcs;    /* "caller -> callee" -> NC, as a GINT_TO_POINTER */
} CallTree;

static void
call_tree_clear (CallTree *tree)
{
  g_clear_pointer (&tree->calls, g_hash_table_unref);
  g_clear_pointer (&tree->arcs, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CallTree, call_tree_clear)

static void
call_tree_init (CallTree *tree)
{
  tree->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  tree->arcs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
add_arc (CallTree   *tree,
         const char *caller,
         const char *callee,
         gint64      nc)
{
  char *key = g_strdup_printf ("%s -> %s", caller, callee);
  gint64 old = GPOINTER_TO_INT (g_hash_table_lookup (tree->arcs, key));

  g_hash_table_replace (tree->arcs, key, GINT_TO_POINTER ((int) (old + nc)));
}

static void
call_tree_from_stats (CallTree     *tree,
                      DetprofStats *stats)
{
  guint i, j;

  call_tree_init (tree);
  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *f = detprof_stats_get_function (stats, i);

      g_hash_table_replace (tree->calls, g_strdup (f->name),
                            g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, f->nc, f->cc));
      for (j = 0; j < f->n_callers; j++)
        add_arc (tree, detprof_stats_get_function (stats, f->callers[j].caller)->name, f->name,
                 f->callers[j].nc);
    }
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static char *
call_tree_to_string (const CallTree *tree)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  guint i;
  GString *out = g_string_new (NULL);

  g_hash_table_iter_init (&iter, tree->calls);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("%s %s", (char *) key, (char *) value));
  g_hash_table_iter_init (&iter, tree->arcs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (lines, g_strdup_printf ("%s %d", (char *) key, GPOINTER_TO_INT (value)));
  g_ptr_array_sort (lines, compare_lines);
  for (i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

/* The tree a build instrumented after inlining gives: @name has no row,
 * and its callees are called by its caller, which must be the only one
 * when it has callees. */
static void
call_tree_inline (CallTree   *tree,
                  const char *name)
{
  g_autofree char *prefix = g_strdup_printf ("%s -> ", name);
  g_autofree char *suffix = g_strdup_printf (" -> %s", name);
  g_autofree char *caller = NULL;
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  g_hash_table_remove (tree->calls, name);
  g_hash_table_iter_init (&iter, tree->arcs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_suffix (key, suffix))
      {
        g_free (caller);
        caller = (caller == NULL) ? g_strndup (key, strlen (key) - strlen (suffix)) : g_strdup ("(several)");
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_iter_init (&iter, tree->arcs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix))
      {
        g_ptr_array_add (removed, g_strdup_printf ("%s %d", (char *) key + strlen (prefix), GPOINTER_TO_INT (value)));
        g_hash_table_iter_remove (&iter);
      }
  for (i = 0; i < removed->len; i++)
    {
      g_auto(GStrv) callee_count = g_strsplit (g_ptr_array_index (removed, i), " ", 2);

      g_assert_nonnull (caller);
      g_assert_cmpstr (caller, !=, "(several)");
      add_arc (tree, caller, callee_count[0], g_ascii_strtoll (callee_count[1], NULL, 10));
    }
}

/* ---- running a build under detprof ---- */

static char *
build_path (const char *build)
{
  return g_test_build_filename (G_TEST_BUILT, "programs", build, NULL);
}

/* Whether @build was made (the clang builds need clang). */
static gboolean
have_build (const char *build)
{
  g_autofree char *path = build_path (build);

  if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;
  g_test_skip_printf ("%s was not built (no clang?)", build);
  return FALSE;
}

/* Runs @build under detprof (no bias: the times are the raw stretches)
 * and loads its dump; its output must be @expected_output. Its standard
 * error goes to @errors_out, if given. */
static DetprofStats *
profile_full (const char  *build,
              const char  *arg,
              const char  *expected_output,
              char       **errors_out)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("test-departures-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "out.prof", NULL);
  g_autofree char *path = build_path (build);
  /* Under timeout(1): a program the profiler made hang fails the test
   * (status 124) instead of hanging it. */
  const char *argv[] = { "timeout", "300", g_getenv ("DETPROF_RUNNER"), "-b", "0", "-o", out, path, arg, NULL };
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(GError) error = NULL;
  DetprofStats *stats;
  int status = -1;

  g_assert_nonnull (argv[2]);
  g_spawn_sync (tmpdir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &output, &errors, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s: status %d\n%s%s", build, status, output, errors);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpstr (output, ==, expected_output);

  stats = detprof_stats_new_from_file (out, &error);
  g_assert_no_error (error);
  remove_tree (tmpdir);
  if (errors_out != NULL)
    *errors_out = g_steal_pointer (&errors);
  return stats;
}

static DetprofStats *
profile (const char *build,
         const char *arg,
         const char *expected_output)
{
  return profile_full (build, arg, expected_output, NULL);
}

static gint64
info (DetprofStats *stats,
      const char   *key)
{
  const char *value = detprof_stats_get_info (stats, key);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

/* A caller's cumulative time covers what it spent in each of its callees
 * (the sums differ in order, so by a rounding at most). */
static void
assert_times_nest (DetprofStats *stats)
{
  guint i, j;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *f = detprof_stats_get_function (stats, i);

      g_assert_cmpfloat (f->tt.value, >=, 0.0);
      g_assert_cmpfloat (f->ct.value, >=, f->tt.value * (1 - 1e-9));
      for (j = 0; j < f->n_callers; j++)
        {
          const DetprofFunctionStats *caller = detprof_stats_get_function (stats, f->callers[j].caller);

          if (caller == f)
            continue;
          if (f->callers[j].ct.value > caller->ct.value * (1 + 1e-9))
            g_error ("%s's cumulative time %g does not cover %g in its callee %s",
                     caller->name, caller->ct.value, f->callers[j].ct.value, f->name);
        }
    }
}

/* Profiles @build and checks it against the oracle tree: the same tree,
 * nested times, no frame abandoned, no return unmatched, no event dropped;
 * returns the stats for more checks. */
static DetprofStats *
assert_build_matches (const char     *build,
                      const char     *arg,
                      const char     *expected_output,
                      const CallTree *oracle)
{
  DetprofStats *stats = profile (build, arg, expected_output);
  g_auto(CallTree) tree = { NULL, NULL };
  g_autofree char *want = call_tree_to_string (oracle);
  g_autofree char *got = NULL;

  call_tree_from_stats (&tree, stats);
  got = call_tree_to_string (&tree);
  g_test_message ("%s:\n%s", build, got);
  g_assert_cmpstr (got, ==, want);
  assert_times_nest (stats);
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
  g_assert_cmpint (info (stats, "unmatched-returns"), ==, 0);
  g_assert_cmpint (info (stats, "dropped-events"), ==, 0);
  return stats;
}

/* The oracle: the -fno-inline build, whose tree is also pinned here by
 * the counts its source fixes. */
static void
oracle_tree (CallTree   *tree,
             const char *build,
             const char *arg,
             const char *expected_output)
{
  g_autoptr(DetprofStats) stats = profile (build, arg, expected_output);

  call_tree_from_stats (tree, stats);
  assert_times_nest (stats);
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
}

static void
assert_tree_calls (const CallTree *tree,
              const char     *name,
              const char     *nc_cc)
{
  g_assert_cmpstr (g_hash_table_lookup (tree->calls, name), ==, nc_cc);
}

static void
assert_tree_arc (const CallTree *tree,
            const char     *caller,
            const char     *callee,
            int             nc)
{
  g_autofree char *key = g_strdup_printf ("%s -> %s", caller, callee);

  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (tree->arcs, key)), ==, nc);
}

/* ---- the programs ---- */

#define INLINE_OUTPUT "-1126379956\n"

/* inline.c: the hooks of inlined functions run in their caller's frame;
 * they are its callees all the same. */
static void
test_inlined_functions_keep_their_callers (gconstpointer user_data)
{
  const char *build = user_data;
  g_auto(CallTree) oracle = { NULL, NULL };
  g_autoptr(DetprofStats) stats = NULL;

  oracle_tree (&oracle, "inline-noinline", "1000", INLINE_OUTPUT);
  assert_tree_calls (&oracle, "outer", "1 1");
  assert_tree_calls (&oracle, "leaf", "3000 3000");
  assert_tree_calls (&oracle, "helper", "2005 2005");
  assert_tree_calls (&oracle, "forced", "1000 1000");
  assert_tree_calls (&oracle, "rec", "6 1");
  assert_tree_arc (&oracle, "outer", "helper", 1000);
  assert_tree_arc (&oracle, "twice", "helper", 1000);
  assert_tree_arc (&oracle, "rec", "helper", 5);
  assert_tree_arc (&oracle, "outer", "leaf", 2000);
  assert_tree_arc (&oracle, "twice", "leaf", 1000);

  if (!have_build (build))
    return;
  if (strstr (build, "after-inlining") != NULL)
    {
      /* What clang inlined makes no events. That must be what its source
       * asks to be inlined, and nothing else. */
      call_tree_inline (&oracle, "helper");
      call_tree_inline (&oracle, "twice");
      call_tree_inline (&oracle, "forced");
    }
  stats = assert_build_matches (build, "1000", INLINE_OUTPUT, &oracle);
}

#define JUMPS_OUTPUT "18\n"

/* jumps.c: 66 frames left by long jumps, each closed at its jump. */
static void
test_long_jumps_close_frames (gconstpointer user_data)
{
  const char *build = user_data;
  g_auto(CallTree) oracle = { NULL, NULL };
  g_autoptr(DetprofStats) stats = NULL;

  oracle_tree (&oracle, "jumps-noinline", NULL, JUMPS_OUTPUT);
  assert_tree_calls (&oracle, "dive_longjmp", "15 3");
  assert_tree_calls (&oracle, "on_signal", "3 3");
  assert_tree_calls (&oracle, "jump_out", "3 3");
  assert_tree_calls (&oracle, "after", "12 12");
  assert_tree_arc (&oracle, "dive_raise", "on_signal", 3);
  assert_tree_arc (&oracle, "attempt", "after", 12);
  assert_tree_arc (&oracle, "main", "attempt", 12);

  if (!have_build (build))
    return;
  stats = assert_build_matches (build, NULL, JUMPS_OUTPUT, &oracle);
  g_assert_cmpint (info (stats, "frames-left-by-longjmp"), ==, 66);
}

#define EXCEPTIONS_OUTPUT "126\n"

/* exceptions.cc: five frames unwound, three times. */
static void
test_exceptions_close_frames (gconstpointer user_data)
{
  const char *build = user_data;
  g_auto(CallTree) oracle = { NULL, NULL };
  g_autoptr(DetprofStats) stats = NULL;
  gboolean clang = strstr (build, "clang") != NULL;

  oracle_tree (&oracle, "exceptions-noinline", NULL, EXCEPTIONS_OUTPUT);
  assert_tree_calls (&oracle, "thrower", "12 3");
  assert_tree_arc (&oracle, "middle", "thrower", 3);
  assert_tree_arc (&oracle, "catcher", "after", 3);

  if (!have_build (build))
    return;
  stats = assert_build_matches (build, NULL, EXCEPTIONS_OUTPUT, &oracle);
  /* gcc's unwinder returns from each frame; clang's leaves them. */
  g_assert_cmpint (info (stats, "frames-left-by-exception"), ==, clang ? 15 : 0);
}

#define THREAD_EXIT_OUTPUT "1\n"

/* thread-exit.c: two threads end three calls deep. */
static void
test_thread_exits_close_frames (gconstpointer user_data)
{
  const char *build = user_data;
  g_auto(CallTree) oracle = { NULL, NULL };
  g_autoptr(DetprofStats) stats = NULL;
  gboolean unwound = strstr (build, "fexceptions") != NULL;

  oracle_tree (&oracle, "thread-exit-noinline", NULL, THREAD_EXIT_OUTPUT);
  assert_tree_calls (&oracle, "exit_level", "3 1");
  assert_tree_calls (&oracle, "cancel_level", "3 1");
  assert_tree_calls (&oracle, "after", "1 1");

  if (!have_build (build))
    return;
  stats = assert_build_matches (build, NULL, THREAD_EXIT_OUTPUT, &oracle);
  /* With -fexceptions, gcc's forced unwinding runs the exit hooks. */
  g_assert_cmpint (info (stats, "frames-left-by-thread-exit"), ==, unwound ? 0 : 8);
}

/* jump-from-handler.c: 200 jumps out of a signal handler that most often
 * interrupted the profiler itself. Which events the handler interrupted is
 * chance, so only what follows is exact: the thread is not left busy, and
 * nothing is abandoned. */
static void
test_jump_out_of_handler_that_interrupted_the_profiler (void)
{
  g_autoptr(DetprofStats) stats = profile ("jump-from-handler", NULL, "500\n");
  g_auto(CallTree) tree = { NULL, NULL };

  call_tree_from_stats (&tree, stats);
  assert_tree_calls (&tree, "after", "1000 1000");
  assert_tree_arc (&tree, "main", "after", 1000);
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
  g_assert_cmpint (info (stats, "unmatched-returns"), ==, 0);
  g_assert_cmpint (info (stats, "frames-left-by-longjmp"), >, 0);
}

/* many-threads.c: 5000 threads, one after the other. Each one's tables
 * are added into those of the threads that ended when it ends, and its
 * state freed: the program's peak memory stays far below the 90 MB that
 * 5000 kept states took (the program alone: 1.5 MB). */
static void
test_ended_threads_are_folded (void)
{
  g_autofree char *errors = NULL;
  g_autoptr(DetprofStats) stats = profile_full ("many-threads", NULL, "225000\n", &errors);
  g_auto(CallTree) tree = { NULL, NULL };
  const char *peak = strstr (errors, "peak ");
  gint64 peak_kb;

  call_tree_from_stats (&tree, stats);
  assert_tree_calls (&tree, "start", "5000 5000");
  assert_tree_calls (&tree, "work", "50000 50000");
  assert_tree_arc (&tree, "start", "work", 50000);
  g_assert_cmpstr (detprof_stats_get_info (stats, "threads"), ==, "5001");
  g_assert_cmpint (info (stats, "frames-left-by-thread-exit"), ==, 0);
  g_assert_nonnull (peak);
  peak_kb = g_ascii_strtoll (peak + strlen ("peak "), NULL, 10);
  g_assert_cmpint (peak_kb, >, 0);
  /* AddressSanitizer keeps freed memory in quarantine (256 MB), so the
   * peak says nothing about what the profiler keeps there. */
  if (g_getenv ("DETPROF_SANITIZED") != NULL)
    g_test_message ("peak %" G_GINT64_FORMAT " kB not checked: built with AddressSanitizer", peak_kb);
  else
    g_assert_cmpint (peak_kb, <, 32 * 1024);
}

/* cancel-async.c: 20 threads cancelled asynchronously, often inside the
 * profiler's hook: every call of theirs that began is counted, what the
 * cancellation cut short is counted as dropped, nothing is abandoned. */
static void
test_async_cancellation (void)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_auto(CallTree) tree = { NULL, NULL };

  /* A thread cancelled asynchronously inside code built with
   * AddressSanitizer (the agent, then) leaves that frame's stack poisoned,
   * and ASan's own thread teardown trips on it (a "stack-buffer-overflow"
   * in __sanitizer::UnsetAlternateSignalStack): ASan's limit, not ours. */
  if (g_getenv ("DETPROF_SANITIZED") != NULL)
    {
      g_test_skip ("asynchronous cancellation inside code built with AddressSanitizer trips ASan itself");
      return;
    }
  stats = profile ("cancel-async", NULL, "20\n");

  call_tree_from_stats (&tree, stats);
  assert_tree_calls (&tree, "start", "20 20");
  assert_tree_calls (&tree, "victim", "20 20");
  assert_tree_arc (&tree, "start", "victim", 20);
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
  g_assert_cmpint (info (stats, "unmatched-returns"), ==, 0);
  g_assert_cmpint (info (stats, "frames-left-by-thread-exit"), >=, 40);
}

/* signal-first-event.c: a signal handler that runs instrumented code
 * interrupts threads' first events, 3000 times over: it used to wait for
 * ever for a lock its own thread held. */
static void
test_signal_during_first_event (void)
{
  g_autoptr(DetprofStats) stats = profile ("signal-first-event", NULL, "3000\n");
  g_auto(CallTree) tree = { NULL, NULL };

  call_tree_from_stats (&tree, stats);
  assert_tree_calls (&tree, "start", "3000 3000");
  assert_tree_calls (&tree, "body", "3000 3000");
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
  g_assert_cmpint (info (stats, "unmatched-returns"), ==, 0);
}

/* main-exits-first.c: the main thread calls pthread_exit(), and the last
 * thread ends the process and writes the profile: every function is
 * still named (the main thread's view of the process's mappings is empty
 * by then). */
static void
test_main_thread_exits_first (void)
{
  g_autoptr(DetprofStats) stats = profile ("main-exits-first", NULL, "4950\n");
  const DetprofFunctionStats *work = find_function (stats, "work");

  g_assert_true (g_str_has_suffix (work->file, "main-exits-first.c"));
  g_assert_cmpint (work->nc, ==, 100);
  g_assert_nonnull (detprof_stats_lookup_name (stats, "last_thread"));
  g_assert_nonnull (detprof_stats_lookup_name (stats, "main"));
  g_assert_cmpstr (detprof_stats_get_info (stats, "threads"), ==, "2");
  g_assert_true (g_str_has_suffix (detprof_stats_get_info (stats, "program"), "main-exits-first"));
}

/* memory-limit.c: the program takes away all the memory it has not
 * mapped yet, then makes 64 new call sites, 100 times each. It must run
 * as it would (GLib aborted it at the first new call site), and every
 * call the profiler could not record is counted. */
static void
test_program_out_of_memory (void)
{
  g_autoptr(DetprofStats) stats = profile ("memory-limit", NULL, "limited\n310400\n");
  gint64 recorded = 0;
  guint i;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *f = detprof_stats_get_function (stats, i);

      if (f->name[0] == 'f' && g_ascii_isdigit (f->name[1]))
        recorded += f->nc;
    }
  g_test_message ("recorded %" G_GINT64_FORMAT " of 6400 calls", recorded);
  g_assert_cmpint (recorded, <=, 6400);
  if (recorded < 6400)
    {
      g_assert_cmpint (info (stats, "out-of-memory"), >=, 1);
      g_assert_cmpint (info (stats, "unrecorded-calls"), >=, 6400 - recorded);
    }
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
}

/* dlclose.c's plugins, for @build: the prefix of their paths. */
static char *
plugin_prefix (const char *build)
{
  if (strstr (build, "clang") != NULL)
    return g_test_build_filename (G_TEST_BUILT, "programs", "dlclose-clang-", NULL);
  return g_test_build_filename (G_TEST_BUILT, "programs", ".libs", "dlclose-", NULL);
}

/* Every call site of @callee (there is one) is a line of @file. */
static void
assert_calls_made_in (DetprofStats *stats,
                      const char   *callee,
                      const char   *file)
{
  guint i, found = 0;

  for (i = 0; i < detprof_stats_get_n_call_sites (stats); i++)
    {
      const DetprofCallSiteStats *site = detprof_stats_get_call_site (stats, i);

      if (strcmp (detprof_stats_get_function (stats, site->callee)->name, callee) != 0)
        continue;
      g_assert_true (g_str_has_suffix (site->file, file));
      g_assert_cmpint (site->line, >, 0);
      found++;
    }
  g_assert_cmpuint (found, ==, 1);
}

/* dlclose.c: a plugin closed after four threads called it (one ended
 * before, one makes no event after), another opened at the same
 * addresses, each opened and closed again. Each function keeps its own
 * name, file, counts, callers and call sites: none is merged with the
 * one that had its address before, none is left to whatever is mapped
 * there when the profile is written. */
static void
test_closed_libraries_keep_their_functions (gconstpointer user_data)
{
  const char *build = user_data;
  g_autofree char *prefix = plugin_prefix (build);
  g_autofree char *errors = NULL;
  g_autoptr(DetprofStats) stats = NULL;
  g_auto(CallTree) tree = { NULL, NULL };
  g_autofree char *got = NULL;
  guint i;

  if (!have_build (build))
    return;
  stats = profile_full (build, prefix, "8629\n", &errors);
  call_tree_from_stats (&tree, stats);
  got = call_tree_to_string (&tree);
  g_test_message ("%s: %s%s", build, errors, got);

  assert_tree_calls (&tree, "plug_run", "137 137");
  assert_tree_calls (&tree, "plug_leaf", "137 137");
  assert_tree_calls (&tree, "other_run", "14 14");
  assert_tree_calls (&tree, "other_leaf", "14 14");
  assert_tree_arc (&tree, "run_plugin", "plug_run", 137);
  assert_tree_arc (&tree, "plug_run", "plug_leaf", 137);
  assert_tree_arc (&tree, "run_plugin", "other_run", 14);
  assert_tree_arc (&tree, "other_run", "other_leaf", 14);
  assert_calls_made_in (stats, "plug_leaf", "dlclose-plug.c");
  assert_calls_made_in (stats, "other_leaf", "dlclose-other.c");
  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *f = detprof_stats_get_function (stats, i);

      g_assert_false (g_str_has_prefix (f->name, "0x"));
      g_assert_cmpint (f->line, >, 0);
      if (g_str_has_prefix (f->name, "plug_"))
        g_assert_true (g_str_has_suffix (f->file, "dlclose-plug.c"));
      else if (g_str_has_prefix (f->name, "other_"))
        g_assert_true (g_str_has_suffix (f->file, "dlclose-other.c"));
      else
        g_assert_true (g_str_has_suffix (f->file, "dlclose.c"));
    }
  assert_times_nest (stats);
  g_assert_cmpint (info (stats, "abandoned-frames"), ==, 0);
  g_assert_cmpint (info (stats, "unmatched-returns"), ==, 0);
}

/* Each program, and the builds of it to check. */
static const char *const inline_builds[] = {
  "inline-noinline", "inline-O2", "inline-O3", "inline-clang", "inline-clang-after-inlining", NULL
};
static const char *const jumps_builds[] = {
  "jumps-noinline", "jumps-O2", "jumps-fortify", "jumps-clang", NULL
};
static const char *const exceptions_builds[] = {
  "exceptions-noinline", "exceptions-O2", "exceptions-clang", NULL
};
static const char *const thread_exit_builds[] = {
  "thread-exit-noinline", "thread-exit-O2", "thread-exit-fexceptions", "thread-exit-clang", NULL
};
static const char *const dlclose_builds[] = {
  "dlclose-O2", "dlclose-clang", NULL
};

static const struct
{
  const char         *name;
  GTestDataFunc       test;
  const char *const  *builds;
} programs[] = {
  { "inline", test_inlined_functions_keep_their_callers, inline_builds },
  { "longjmp", test_long_jumps_close_frames, jumps_builds },
  { "exceptions", test_exceptions_close_frames, exceptions_builds },
  { "thread-exit", test_thread_exits_close_frames, thread_exit_builds },
  { "dlclose", test_closed_libraries_keep_their_functions, dlclose_builds },
};

int
main (int    argc,
      char **argv)
{
  guint i, j;

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Programs that leave frames without returning (long jumps, exceptions, "
                  "thread exits, closed libraries) or that inlining reshaped, built as users "
                  "build them, give the call tree of their -fno-inline build.");

  for (i = 0; i < G_N_ELEMENTS (programs); i++)
    for (j = 0; programs[i].builds[j] != NULL; j++)
      {
        g_autofree char *path = g_strdup_printf ("/departures/%s/%s-gives-the-expected-call-tree", programs[i].name, programs[i].builds[j]);

        g_test_add_data_func (path, programs[i].builds[j], programs[i].test);
      }
  g_test_add_func ("/departures/longjmp/out-of-a-handler-that-interrupted-the-profiler-abandons-nothing",
                   test_jump_out_of_handler_that_interrupted_the_profiler);
  g_test_add_func ("/departures/thread-exit/ended-threads-are-folded", test_ended_threads_are_folded);
  g_test_add_func ("/departures/thread-exit/async-cancellation-abandons-nothing", test_async_cancellation);
  g_test_add_func ("/departures/signals/during-a-threads-first-event-do-not-deadlock", test_signal_during_first_event);
  g_test_add_func ("/departures/thread-exit/main-thread-exiting-first-leaves-every-function-named", test_main_thread_exits_first);
  g_test_add_func ("/departures/memory/program-out-of-memory-runs-and-counts-unrecorded-calls", test_program_out_of_memory);

  return g_test_run ();
}
