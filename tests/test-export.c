/* test-export.c: the callgrind and DOT exports of a DetprofStats.
 *
 * A small table is built by hand, so that every number of the export can
 * be checked: self costs, call arcs with their inclusive costs (per call
 * site when there are sites), the totals, name compression and escaping,
 * the header's word on how exact the call tree is (which callgrind_annotate
 * must read, where it is installed), and the pruning of the graph.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-export.h"
#include "detprof-stats-private.h"
#include "test-util.h"

typedef struct
{
  DetprofStats *stats;
  guint         main_fn;
  guint         parse;
  guint         tiny;
} Fixture;

/* main (1 s self, 4 s in all) calls parse (3 s) twice and tiny (1 ms)
 * once; parse is a C++ template with quotes and angle brackets. */
static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  fixture->stats = detprof_stats_new ();
  fixture->main_fn = _detprof_stats_add_function (fixture->stats, "src/main.c", 10, "main",
                                                  1, 1, 1.0, 4.0);
  fixture->parse = _detprof_stats_add_function (fixture->stats, "src/parse.cc", 40,
                                                "parse<std::map<int, \"x\">>(char const*)\\n",
                                                2, 2, 2.999, 2.999);
  fixture->tiny = _detprof_stats_add_function (fixture->stats, "src/main.c", 30, "tiny",
                                               1, 1, 0.001, 0.001);
  _detprof_stats_add_caller (fixture->stats, fixture->parse, fixture->main_fn, 2, 2, 2.999, 2.999);
  _detprof_stats_add_caller (fixture->stats, fixture->tiny, fixture->main_fn, 1, 1, 0.001, 0.001);
  _detprof_stats_finish (fixture->stats);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->stats);
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    return TRUE;

  g_test_message ("“%s” not found in:\n%s", needle, haystack);
  return FALSE;
}

/* Self costs at the definition line, each arc a calls= line with its
 * inclusive cost, and a total that is pstats' total time in ns. */
static void
test_callgrind_costs (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new ("previous text\n");
  g_autoptr(GError) error = NULL;

  g_assert_true (detprof_stats_export_callgrind (fixture->stats, out, &error));
  g_assert_no_error (error);

  g_assert_true (g_str_has_prefix (out->str, "previous text\n# callgrind format\nversion: 1\n"));
  g_assert_true (contains (out->str, "positions: line\nevent: ns : Time (nanoseconds)\nevents: ns\n"));
  g_assert_true (contains (out->str, "fl=(1) src/main.c\nfn=(1) main\n10 1000000000\n"));
  g_assert_true (contains (out->str, "cfl=(2) src/parse.cc\n"
                           "cfn=(2) parse<std::map<int, \"x\">>(char const*)\\n\n"
                           "calls=2 40\n10 2999000000\n"));
  g_assert_true (contains (out->str, "cfl=(1)\ncfn=(3) tiny\ncalls=1 30\n10 1000000\n"));
  g_assert_true (contains (out->str, "fl=(2)\nfn=(2)\n40 2999000000\n"));
  g_assert_true (g_str_has_suffix (out->str, "\ntotals: 4000000000\n"));
}

/* With call sites, each arc is split over the lines that made the calls. */
static void
test_callgrind_uses_call_sites (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  _detprof_stats_add_call_site (fixture->stats, fixture->main_fn, fixture->parse,
                                "src/main.c", 12, 1, 1, 1.0, 1.0);
  _detprof_stats_add_call_site (fixture->stats, fixture->main_fn, fixture->parse,
                                "src/main.c", 15, 1, 1, 1.999, 1.999);
  detprof_stats_set_info (fixture->stats, "program", "./myprog");
  detprof_stats_set_info (fixture->stats, "arguments", "a\nb");
  detprof_stats_set_info (fixture->stats, "timer", "tsc");

  g_assert_true (detprof_stats_export_callgrind (fixture->stats, out, &error));
  g_assert_no_error (error);
  g_assert_true (contains (out->str, "cmd: ./myprog a b\ndesc: Timer: tsc\n"));
  g_assert_true (contains (out->str, "calls=1 40\n12 1000000000\ncfl=(2)\ncfn=(2)\ncalls=1 40\n15 1999000000\n"));
  /* The arc without sites keeps the caller's line. */
  g_assert_true (contains (out->str, "calls=1 30\n10 1000000\n"));
}

/* When the run facts count what the call tree could not place, the
 * header says so in "desc:" lines, in the words of the text reports: the
 * fixture's 4 calls are the share's base. Counts of 0 say nothing. */
static void
test_callgrind_header_says_how_exact (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) exact = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  detprof_stats_set_info (fixture->stats, "timer", "tsc");
  detprof_stats_set_info (fixture->stats, "unmatched-returns", "0");
  detprof_stats_set_info (fixture->stats, "frames-left-by-exception", "0");
  g_assert_true (detprof_stats_export_callgrind (fixture->stats, exact, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (exact->str, "desc: warning"));
  g_assert_null (strstr (exact->str, "desc: note"));

  detprof_stats_set_info (fixture->stats, "abandoned-frames", "1");
  detprof_stats_set_info (fixture->stats, "dropped-events", "2");
  detprof_stats_set_info (fixture->stats, "frames-left-by-thread-exit", "2");
  g_assert_true (detprof_stats_export_callgrind (fixture->stats, out, &error));
  g_assert_no_error (error);
  g_assert_true (contains (out->str,
                           "desc: Timer: tsc\n"
                           "desc: warning: 1 abandoned frame (25.00% of 4 calls): closed without its "
                           "return event, because a later return belonged to a frame below it; where "
                           "it ended is a guess\n"
                           "desc: warning: 2 dropped events (50.00% of 4 calls): arrived while the "
                           "profiler was busy (signal handlers interrupted it), or were cut short "
                           "(threads cancelled, or jumps out of such handlers), and were not counted\n"
                           "desc: note: 2 frames were left by thread exits: closed where the program "
                           "left them\n"
                           "positions: line\n"));
}

/* callgrind_annotate reads a header with those lines without a warning,
 * and prints them. */
static void
test_callgrind_annotate_reads_the_header (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *annotate = g_find_program_in_path ("callgrind_annotate");
  g_autofree char *path = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *complaints = NULL;
  int fd, wait_status = 0;

  if (annotate == NULL)
    {
      g_test_skip ("callgrind_annotate is not installed");
      return;
    }

  detprof_stats_set_info (fixture->stats, "unmatched-returns", "3");
  detprof_stats_set_info (fixture->stats, "frames-left-by-longjmp", "5");
  g_assert_true (detprof_stats_export_callgrind (fixture->stats, out, &error));
  fd = g_file_open_tmp ("test-export-XXXXXX.callgrind", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, out->str, (gssize) out->len, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { annotate, path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                  &printed, &complaints, &wait_status, &error);
  }
  g_unlink (path);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  g_assert_cmpstr (complaints, ==, "");
  g_assert_true (contains (printed, "\nwarning: 3 unmatched returns (75.00% of 4 calls): return events"));
  g_assert_true (contains (printed, "\nnote: 5 frames were left by longjmp: closed where the program left them\n"));
  g_assert_true (contains (printed, "4,000,000,000 (100.0%)  PROGRAM TOTALS"));
}

/* Two functions of one file with one name are told apart by their line. */
static void
test_callgrind_tells_namesakes_apart (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  _detprof_stats_add_function (stats, "a.py", 3, "<lambda>", 1, 1, 0.5, 0.5);
  _detprof_stats_add_function (stats, "a.py", 9, "<lambda>", 1, 1, 0.25, 0.25);
  _detprof_stats_add_function (stats, "b.py", 9, "<lambda>", 1, 1, -0.25, 0.25);
  _detprof_stats_finish (stats);

  g_assert_true (detprof_stats_export_callgrind (stats, out, NULL));
  g_assert_true (contains (out->str, "fn=(1) <lambda>\n3 500000000\n"));
  g_assert_true (contains (out->str, "fn=(2) <lambda>'9\n9 250000000\n"));
  /* A negative time is written as 0, and said so. */
  g_assert_true (contains (out->str, "fn=(3) <lambda>\n9 0\n"));
  g_assert_true (contains (out->str, "# 1 negative times were written as 0\n"));
  g_assert_true (g_str_has_suffix (out->str, "totals: 750000000\n"));
}

/* A time that is not a number is an error, and nothing is written. */
static void
test_exports_refuse_nan (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  _detprof_stats_add_function (stats, "a.c", 1, "f", 1, 1, NAN, 1.0);
  _detprof_stats_finish (stats);

  g_assert_false (detprof_stats_export_callgrind (stats, out, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_true (contains (error->message, "a.c:1(f)"));
  g_clear_error (&error);
  g_assert_false (detprof_stats_export_dot (stats, out, 0.0, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_cmpuint (out->len, ==, 0);
}

/* @stats written to a dump file in a fresh directory, and loaded back from
 * it: statistics that know the file they came from. Sets *path. */
static DetprofStats *
reload_from_file (DetprofStats  *stats,
                  char         **dir,
                  char         **path)
{
  g_autoptr(GError) error = NULL;
  DetprofStats *loaded;

  *dir = g_dir_make_tmp ("test-export-XXXXXX", &error);
  g_assert_no_error (error);
  *path = g_build_filename (*dir, "huge.prof", NULL);
  g_assert_true (detprof_stats_dump (stats, *path, &error));
  g_assert_no_error (error);
  loaded = detprof_stats_new_from_file (*path, &error);
  g_assert_no_error (error);
  return loaded;
}

/* A time longer than callgrind's 64-bit nanosecond costs hold (292
 * years), alone or in the sum of the self costs, is refused, naming the
 * dump it came from and the function: never a clamped or wrapped-around
 * (negative) total. A NaN is refused the same way. */
static void
test_callgrind_refuses_times_too_long (void)
{
  static const struct
  {
    double      f_time;   /* the self times of f and g, in s */
    double      g_time;
    const char *refused;  /* the function the message names */
    const char *why;
  } cases[] = {
    { 5e9, 5e9, "a.c:9(g)", "more than callgrind's costs hold (2^63 - 1 ns, 292 years)" },  /* only the sum */
    { 1e10, 1.0, "a.c:1(f)", "more than callgrind's costs hold (2^63 - 1 ns, 292 years)" },
    { 1.0, NAN, "a.c:9(g)", "not a finite number" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DetprofStats) stats = detprof_stats_new ();
      g_autoptr(DetprofStats) loaded = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *path = NULL;
      g_autofree char *expected = NULL;

      _detprof_stats_add_function (stats, "a.c", 1, "f", 1, 1, cases[i].f_time, cases[i].f_time);
      _detprof_stats_add_function (stats, "a.c", 9, "g", 1, 1, cases[i].g_time, 1.0);
      _detprof_stats_finish (stats);
      loaded = reload_from_file (stats, &dir, &path);

      g_assert_false (detprof_stats_export_callgrind (loaded, out, &error));
      g_assert_nonnull (error);
      g_assert_cmpuint (out->len, ==, 0);
      expected = g_strdup_printf ("%s: %s has a time ", path, cases[i].refused);
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_assert_true (contains (error->message, cases[i].why));
      remove_tree (dir);
    }
}

/* Nodes carry the name (escaped for DOT), place, times and calls; edges
 * the call counts. */
static void
test_dot_labels_and_escapes (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (detprof_stats_export_dot (fixture->stats, out, 0.0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (out->str, "digraph \"detprof\" {\n"));
  g_assert_true (g_str_has_suffix (out->str, "}\n"));
  g_assert_true (contains (out->str, "  f0 [label=\"main\\nsrc/main.c:10\\n100.00% total (4.000 s)\\n"
                           "25.00% self (1.000 s)\\n1 call\", fillcolor=\"#f23d3d\""));
  g_assert_true (contains (out->str, "  f1 [label=\"parse<std::map<int, \\\"x\\\">>(char const*)\\\\n\\n"
                           "src/parse.cc:40\\n74.98% total (2.999 s)\\n74.98% self (2.999 s)\\n2 calls\""));
  g_assert_true (contains (out->str, "  f0 -> f1 [label=\"2\", penwidth=4.00"));
  g_assert_true (contains (out->str, "  f0 -> f2 [label=\"1\""));
  g_assert_true (contains (out->str, "1.000 ms"));
}

/* Under the threshold, functions and their calls are left out, and the
 * graph says how many. */
static void
test_dot_prunes_below_threshold (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (detprof_stats_export_dot (fixture->stats, out, DETPROF_EXPORT_DEFAULT_THRESHOLD, &error));
  g_assert_no_error (error);
  g_assert_true (contains (out->str, "  f0 ["));
  g_assert_true (contains (out->str, "  f1 ["));
  g_assert_null (strstr (out->str, "  f2 ["));
  g_assert_null (strstr (out->str, "-> f2"));
  g_assert_true (contains (out->str, "// left out: 1 of 3 functions and 0 calls, under 0.5% of 4.000 s\n"));

  g_string_truncate (out, 0);
  /* Only main has all the time. */
  g_assert_true (detprof_stats_export_dot (fixture->stats, out, 1.0, &error));
  g_assert_true (contains (out->str, "  f0 ["));
  g_assert_null (strstr (out->str, "  f1 ["));
  g_assert_null (strstr (out->str, "->"));

  g_assert_false (detprof_stats_export_dot (fixture->stats, out, 1.5, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
}

/* Python's profile module records a count per arc and no time: the arc
 * gets its share of the callee's cumulative time. */
static void
test_count_arcs_share_the_time (void)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "stats-fixtures", "profile-profilee.prof", NULL);

  stats = detprof_stats_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (detprof_stats_export_callgrind (stats, out, &error));
  g_assert_no_error (error);
  g_assert_true (contains (out->str, "\ntotals: 1000000000000\n"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The callgrind and DOT exports of a hand-built table carry every number, name and note "
                  "exactly, in files that callgrind_annotate reads.");

  g_test_add ("/export/callgrind/gives-self-costs-arcs-and-total", Fixture, NULL,
              setup, test_callgrind_costs, teardown);
  g_test_add ("/export/callgrind/uses-call-sites", Fixture, NULL, setup,
              test_callgrind_uses_call_sites, teardown);
  g_test_add ("/export/callgrind/header-says-how-exact", Fixture, NULL, setup,
              test_callgrind_header_says_how_exact, teardown);
  g_test_add ("/export/callgrind/annotate-reads-the-header", Fixture, NULL, setup,
              test_callgrind_annotate_reads_the_header, teardown);
  g_test_add_func ("/export/callgrind/tells-namesakes-apart", test_callgrind_tells_namesakes_apart);
  g_test_add_func ("/export/callgrind/count-arcs-share-the-time", test_count_arcs_share_the_time);
  g_test_add_func ("/export/time-that-is-not-a-number-is-refused", test_exports_refuse_nan);
  g_test_add_func ("/export/callgrind/refuses-times-too-long", test_callgrind_refuses_times_too_long);
  g_test_add ("/export/dot/labels-nodes-and-escapes-names", Fixture, NULL,
              setup, test_dot_labels_and_escapes, teardown);
  g_test_add ("/export/dot/prunes-below-threshold", Fixture, NULL, setup,
              test_dot_prunes_below_threshold, teardown);

  return g_test_run ();
}
