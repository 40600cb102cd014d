/* test-report.c: the reports of DetprofStats, byte for byte against Python.
 *
 * Each comparison loads a dump from tests/stats-fixtures, applies a list of
 * operations ("strip", "sort cumulative", "stats 0.5 help", …) with
 * DetprofStats, and compares the text with what tests/pstats-oracle.py
 * prints when Python's pstats does the same. TZ is set to UTC for both, so
 * the ctime in the "files" header agrees. Without python3 (found in
 * $PYTHON3, else in $PATH) those tests are skipped.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-report-private.h"
#include "detprof-stats.h"
#include "detprof-stats-private.h"
#include "test-util.h"

static char *python3;  /* the interpreter, or NULL to skip the comparisons */

/* ---------------------------------------------------------------------- */
/* Running the operations on both sides                                    */

/* "@name" in an operation stands for the fixture of that name. */
static char *
expand_operation (const char *operation)
{
  const char *at = strchr (operation, '@');
  g_autofree char *path = NULL;

  if (at == NULL)
    return g_strdup (operation);

  path = stats_fixture_path (at + 1);
  return g_strdup_printf ("%.*s%s", (int) (at - operation), operation, path);
}

static GPtrArray *
split_terms (const char *operation)
{
  g_auto(GStrv) words = g_strsplit (operation, " ", -1);
  GPtrArray *terms = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (terms, g_strdup (words[i]));

  return terms;
}

/* As the oracle does: an int, else a float, else a regular expression. */
static void
parse_restriction (const char         *term,
                   DetprofRestriction *restriction)
{
  gint64 count;
  char *end;
  double fraction;

  if (g_ascii_string_to_signed (term, 10, G_MININT64, G_MAXINT64, &count, NULL))
    {
      restriction->kind = DETPROF_RESTRICTION_COUNT;
      restriction->count = count;
      return;
    }

  fraction = g_ascii_strtod (term, &end);
  if (end != term && *end == '\0')
    {
      restriction->kind = DETPROF_RESTRICTION_FRACTION;
      restriction->fraction = fraction;
      return;
    }

  restriction->kind = DETPROF_RESTRICTION_REGEX;
  restriction->pattern = term;
}

static void
apply_sort (DetprofStats *stats,
            GPtrArray    *terms)
{
  g_autoptr(GError) error = NULL;
  gint64 legacy;

  if (terms->len == 2
      && g_ascii_string_to_signed (terms->pdata[1], 10, G_MININT, G_MAXINT, &legacy, NULL))
    detprof_stats_sort_legacy (stats, (int) legacy, &error);
  else
    detprof_stats_sort (stats, (const char * const *) terms->pdata + 1, &error);

  g_assert_no_error (error);
}

static void
apply_print (DetprofStats *stats,
             const char   *what,
             GPtrArray    *terms,
             GString      *out)
{
  g_autofree DetprofRestriction *restrictions = g_new0 (DetprofRestriction, terms->len);
  guint n = terms->len - 1;
  guint i;

  for (i = 0; i < n; i++)
    parse_restriction (terms->pdata[i + 1], &restrictions[i]);

  if (g_str_equal (what, "stats"))
    detprof_stats_print_stats (stats, out, restrictions, n);
  else if (g_str_equal (what, "callers"))
    detprof_stats_print_callers (stats, out, restrictions, n);
  else
    detprof_stats_print_callees (stats, out, restrictions, n);
}

static void
apply_operation (DetprofStats *stats,
                 const char   *operation,
                 GString      *out)
{
  g_autoptr(GPtrArray) terms = split_terms (operation);
  g_autoptr(GError) error = NULL;
  const char *word;

  g_ptr_array_add (terms, NULL);
  terms->len--;
  word = terms->pdata[0];

  if (g_str_equal (word, "strip"))
    detprof_stats_strip_dirs (stats);
  else if (g_str_equal (word, "sort"))
    apply_sort (stats, terms);
  else if (g_str_equal (word, "reverse"))
    detprof_stats_reverse_order (stats);
  else if (g_str_equal (word, "add"))
    detprof_stats_add_file (stats, terms->pdata[1], &error);
  else
    apply_print (stats, word, terms, out);

  g_assert_no_error (error);
}

static char *
run_c (const char         *path,
       const char * const *operations)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = detprof_stats_new_from_file (path, &error);
  GString *out = g_string_new (NULL);
  guint i;

  g_assert_no_error (error);
  for (i = 0; operations[i] != NULL; i++)
    {
      g_autofree char *operation = expand_operation (operations[i]);

      apply_operation (stats, operation, out);
    }

  return g_string_free (out, FALSE);
}

static char *
run_python (const char         *path,
            const char * const *operations)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;
  guint i;

  g_ptr_array_add (argv, g_strdup (python3));
  g_ptr_array_add (argv, g_test_build_filename (G_TEST_DIST, "pstats-oracle.py", NULL));
  g_ptr_array_add (argv, g_strdup (path));
  for (i = 0; operations[i] != NULL; i++)
    g_ptr_array_add (argv, expand_operation (operations[i]));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("pstats-oracle.py failed: %s\n%s", error->message, err);

  return out;
}

typedef struct
{
  const char *path;        /* the test path after /report/python/ */
  const char *fixture;
  const char *operations[8];
} Comparison;

/* Python and detprof print the same bytes for this dump and operations. */
static void
test_matches_python (gconstpointer data)
{
  const Comparison *comparison = data;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;

  if (python3 == NULL)
    {
      g_test_skip ("python3 not found (set PYTHON3 or PATH)");
      return;
    }

  path = stats_fixture_path (comparison->fixture);
  expected = run_python (path, comparison->operations);
  actual = run_c (path, comparison->operations);

  g_assert_cmpstr (actual, ==, expected);
}

#define CP "cprofile-profilee.prof"
#define PP "profile-profilee.prof"

static const Comparison comparisons[] = {
  /* Orders: table order, each of the 13 keys, legacy ints, several keys. */
  { "cprofile/table-order", CP, { "stats" } },
  { "profile/table-order", PP, { "stats" } },
  { "cprofile/sort-calls", CP, { "sort calls", "stats" } },
  { "profile/sort-ncalls", PP, { "sort ncalls", "stats" } },
  { "cprofile/sort-cumtime", CP, { "sort cumtime", "stats" } },
  { "profile/sort-cumulative", PP, { "sort cumulative", "stats" } },
  { "cprofile/sort-filename", CP, { "sort filename", "stats" } },
  { "profile/sort-line", PP, { "sort line", "stats" } },
  { "profile/sort-module", PP, { "sort module", "stats" } },
  { "cprofile/sort-name", CP, { "sort name", "stats" } },
  { "profile/sort-nfl", PP, { "sort nfl", "stats" } },
  { "cprofile/sort-pcalls", CP, { "sort pcalls", "stats" } },
  { "cprofile/sort-stdname", CP, { "sort stdname", "stats" } },
  { "profile/sort-time", PP, { "sort time", "stats" } },
  { "cprofile/sort-tottime", CP, { "sort tottime", "stats" } },
  { "profile/sort-legacy-minus-one", PP, { "sort -1", "stats" } },
  { "profile/sort-legacy-zero", PP, { "sort 0", "stats" } },
  { "cprofile/sort-legacy-one", CP, { "sort 1", "stats" } },
  { "cprofile/sort-legacy-two", CP, { "sort 2", "stats" } },
  { "cprofile/sort-abbreviated", CP, { "sort cu", "sort tott p", "stats" } },
  { "profile/sort-several-keys", PP, { "sort calls line name", "stats" } },
  { "cprofile/sort-reversed", CP, { "sort cumulative", "reverse", "stats" } },
  { "cprofile/sort-then-unsort", CP, { "sort time", "sort", "stats" } },
  { "mixed/sort-stdname-is-textual", "mixed-callers.prof", { "sort stdname", "stats" } },
  { "mixed/sort-nfl", "mixed-callers.prof", { "sort nfl", "stats" } },
  /* Restrictions. */
  { "cprofile/restrict-count", CP, { "sort time", "stats 5" } },
  { "cprofile/restrict-count-zero-prints-header-only", CP, { "stats 0" } },
  { "cprofile/restrict-count-too-large-or-negative", CP, { "stats 100 -1 15" } },
  { "cprofile/restrict-fraction", CP, { "sort time", "stats 0.5 0.3333" } },
  { "cprofile/restrict-fraction-one-or-more", CP, { "stats 1.0 1.5 -0.5 nan" } },
  { "cprofile/restrict-fraction-to-nothing", CP, { "stats 1e-20" } },
  { "cprofile/restrict-regex", CP, { "sort stdname", "stats help" } },
  { "cprofile/restrict-regex-escaped", CP, { "stats profilee\\.py:1 '?" } },
  { "cprofile/restrict-regex-quoted", CP, { "stats 'disable'" } },
  { "cprofile/restrict-regex-invalid", CP, { "stats [ 3" } },
  { "cprofile/restrict-regex-no-match", CP, { "stats nomatch" } },
  { "profile/restrict-left-to-right", PP, { "sort cumulative", "stats 0.5 help 2" } },
  { "profile/restrict-regex-then-fraction", PP, { "stats help 0.5" } },
  /* strip_dirs and add. */
  { "cprofile/strip", CP, { "strip", "stats" } },
  { "profile/strip-forgets-sort", PP, { "sort time", "strip", "stats" } },
  { "mixed/strip-merges-functions", "mixed-callers.prof", { "strip", "stats", "callers", "callees" } },
  { "cprofile/add-itself", CP, { "add @" CP, "sort stdname", "stats", "callers" } },
  { "cprofile/add-other", CP, { "add @unicode-long.prof", "stats", "callees" } },
  { "cprofile/v2-encoding", "cprofile-profilee-v2.prof", { "stats", "callers" } },
  /* Callers and callees, tuple style. */
  { "cprofile/callers", CP, { "sort stdname", "callers" } },
  { "cprofile/callees", CP, { "sort stdname", "callees" } },
  { "cprofile/callers-restricted", CP, { "strip", "sort time", "callers 0.5 help" } },
  { "cprofile/callees-restricted", CP, { "callees fact 1" } },
  { "cprofile/callers-none-selected", CP, { "callers nomatch" } },
  /* Callers and callees, count style and mixed. */
  { "profile/callers", PP, { "strip", "sort cumulative", "callers" } },
  { "profile/callees", PP, { "strip", "sort cumulative", "callees" } },
  { "profile/callees-restricted", PP, { "callees 3" } },
  { "bias/stats", "profile-bias.prof", { "stats", "sort time", "stats 4" } },
  { "bias/callers", "profile-bias.prof", { "callers help" } },
  { "mixed/stats", "mixed-callers.prof", { "stats" } },
  { "mixed/callers", "mixed-callers.prof", { "sort stdname", "callers" } },
  { "mixed/callees", "mixed-callers.prof", { "callees", "callees work" } },
  /* Wide and non-ASCII names. */
  { "unicode/stats", "unicode-long.prof", { "stats", "sort name", "stats grüße" } },
  { "unicode/callers", "unicode-long.prof", { "strip", "callers", "callers 函数" } },
  { "unicode/callees", "unicode-long.prof", { "callees", "callees 2" } },
};

/* ---------------------------------------------------------------------- */
/* Dumps written by detprof                                                */

/* What `marshal.dumps (marshal.loads (data), 2).hex ()` gives for a file. */
/* Has Python read every object of the dump at @path and write it again, in
 * marshal version 2 (no references), to @out. */
static void
reencode_in_python (const char *path,
                    const char *out)
{
  g_autofree char *oracle = g_test_build_filename (G_TEST_DIST, "pstats-oracle.py", NULL);
  const char *argv[] = { python3, oracle, "--reencode", path, out, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

/* A dump that detprof wrote loads in Python with the same report; and what
 * Python read, written again without references and loaded by detprof,
 * is written by detprof as the same bytes: Python and detprof resolve
 * every reference alike. */
static void
test_dump_loads_in_python (gconstpointer data)
{
  static const char * const operations[] = { "sort stdname", "stats", "callers", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = load_stats_fixture (data);
  g_autoptr(DetprofStats) reread = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GBytes) rewritten = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;

  if (python3 == NULL)
    {
      g_test_skip ("python3 not found (set PYTHON3 or PATH)");
      return;
    }

  dir = g_dir_make_tmp ("detprof-report-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "dump.prof", NULL);
  plain = g_build_filename (dir, "plain.prof", NULL);
  detprof_stats_dump (stats, path, &error);
  g_assert_no_error (error);

  expected = run_python (path, operations);
  actual = run_c (path, operations);
  g_assert_cmpstr (actual, ==, expected);

  reencode_in_python (path, plain);
  reread = detprof_stats_new_from_file (plain, &error);
  g_assert_no_error (error);
  written = detprof_stats_to_bytes (stats);
  rewritten = detprof_stats_to_bytes (reread);
  g_assert_cmpmem (g_bytes_get_data (rewritten, NULL), g_bytes_get_size (rewritten),
                   g_bytes_get_data (written, NULL), g_bytes_get_size (written));

  remove_tree (dir);
}

/* ---------------------------------------------------------------------- */
/* Python-compatible text                                                  */

static char *
float_repr (double value)
{
  GString *out = g_string_new (NULL);

  _detprof_format_float_repr (out, value);
  return g_string_free (out, FALSE);
}

/* repr () of a float is the shortest round trip, in Python's forms. */
static void
test_float_repr (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.1, "0.1" }, { 0.5, "0.5" }, { 0.3333, "0.3333" }, { 1e-05, "1e-05" },
    { 0.0001, "0.0001" }, { 1e16, "1e+16" }, { 1e15, "1000000000000000.0" },
    { 1.0, "1.0" }, { 0.0, "0.0" }, { -0.0, "-0.0" }, { 123.456, "123.456" },
    { 1.5e-07, "1.5e-07" }, { 2.5e+300, "2.5e+300" }, { 1.0 / 3.0, "0.3333333333333333" },
    { 5e-324, "5e-324" }, { 1e22, "1e+22" }, { 12345678901234567.0, "1.2345678901234568e+16" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = float_repr (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* repr () of special floats. */
static void
test_float_repr_special (void)
{
  g_autofree char *nan_text = float_repr (NAN);
  g_autofree char *inf_text = float_repr (INFINITY);
  g_autofree char *minus_inf_text = float_repr (-INFINITY);

  g_assert_cmpstr (nan_text, ==, "nan");
  g_assert_cmpstr (inf_text, ==, "inf");
  g_assert_cmpstr (minus_inf_text, ==, "-inf");
}

/* repr () of a str picks its quotes and escapes as Python does. */
static void
test_str_repr (void)
{
  static const struct { const char *value; const char *text; } cases[] = {
    { "tiny\\.py", "'tiny\\\\.py'" },
    { "'disable'", "\"'disable'\"" },
    { "it's \"x\"", "'it\\'s \"x\"'" },
    { "say \"hi\"", "'say \"hi\"'" },
    { "a\tb\nc\rd\x01\x7f", "'a\\tb\\nc\\rd\\x01\\x7f'" },
    { "grüße 函数", "'grüße 函数'" },
    { "nb\xc2\xa0sp", "'nb\\xa0sp'" },
    { "zw\xe2\x80\x8bsp", "'zw\\u200bsp'" },
    { "bad\xff", "'bad\\udcff'" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      _detprof_format_str_repr (out, cases[i].value);
      g_assert_cmpstr (out->str, ==, cases[i].text);
    }
}

/* ctime () is English, with the day of month padded by a space. */
static void
test_ctime (void)
{
  g_autoptr(GString) epoch = g_string_new (NULL);
  g_autoptr(GString) later = g_string_new (NULL);

  g_assert_true (_detprof_format_ctime (epoch, 0));
  g_assert_cmpstr (epoch->str, ==, "Thu Jan  1 00:00:00 1970");
  g_assert_true (_detprof_format_ctime (later, G_GINT64_CONSTANT (1778312134)));
  g_assert_cmpstr (later->str, ==, "Sat May  9 07:35:34 2026");
}

/* An empty table prints the summary line and nothing else. */
static void
test_empty_table (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) callers = g_string_new (NULL);

  detprof_stats_print_stats (stats, out, NULL, 0);
  detprof_stats_print_callers (stats, callers, NULL, 0);
  g_assert_cmpstr (out->str, ==, "         0 function calls in 0.000 seconds\n\n");
  g_assert_cmpstr (callers->str, ==, "");
}

/* The command record of `python -m profile script.py` names a code object;
 * we print it without Python's memory address. */
static void
test_code_object_label (void)
{
  g_autoptr(DetprofStats) stats = load_stats_fixture ("script-mode.prof");
  g_autoptr(GString) out = g_string_new (NULL);

  detprof_stats_print_stats (stats, out, NULL, 0);
  g_assert_nonnull (strstr (out->str, " profile:0(<code object <module>, file \"tiny_script.py\", line 1>)\n"));
}

/* ---------------------------------------------------------------------- */
/* How exactly the call tree was rebuilt                                   */

/* @n_calls calls in all: the "N function calls" of the report. */
static DetprofStats *
new_stats_of_calls (gint64 n_calls)
{
  DetprofStats *stats = detprof_stats_new ();
  guint main_fn, work;

  main_fn = _detprof_stats_add_function (stats, "main.c", 10, "main", 1, 1, 0.5, 1.5);
  work = _detprof_stats_add_function (stats, "main.c", 4, "work", n_calls - 1, n_calls - 1, 1.0, 1.0);
  _detprof_stats_add_caller (stats, work, main_fn, n_calls - 1, n_calls - 1, 1.0, 1.0);
  _detprof_stats_finish (stats);
  return stats;
}

static char *
reconstruction_notes (DetprofStats *stats,
                      gboolean      expect_any)
{
  GString *out = g_string_new ("");

  g_assert_true (_detprof_report_append_reconstruction_notes (stats, out, "detprof: ") == expect_any);
  return g_string_free (out, FALSE);
}

/* Each kind of event the call tree could not place gets a warning with its
 * count and its share of all calls; the frames the program left are one
 * plain note, after them. */
static void
test_reconstruction_notes_count_and_share (void)
{
  g_autoptr(DetprofStats) stats = new_stats_of_calls (10000);
  g_autofree char *text = NULL;

  detprof_stats_set_info (stats, "unmatched-returns", "3");
  detprof_stats_set_info (stats, "abandoned-frames", "12");
  detprof_stats_set_info (stats, "dropped-events", "1");
  detprof_stats_set_info (stats, "frames-left-by-longjmp", "12");
  detprof_stats_set_info (stats, "frames-left-by-exception", "3");
  detprof_stats_set_info (stats, "frames-left-by-thread-exit", "1");
  text = reconstruction_notes (stats, TRUE);
  g_assert_cmpstr (text, ==,
                   "detprof: warning: 12 abandoned frames (0.12% of 10000 calls): closed without their "
                   "return events, because later returns belonged to frames below them; where each "
                   "ended is a guess\n"
                   "detprof: warning: 3 unmatched returns (0.03% of 10000 calls): return events that "
                   "matched no open frame (functions entered before profiling began, or lost events), "
                   "ignored\n"
                   "detprof: warning: 1 dropped event (0.01% of 10000 calls): arrived while the "
                   "profiler was busy (a signal handler interrupted it), or was cut short (a thread "
                   "cancelled, or a jump out of such a handler), and was not counted\n"
                   "detprof: note: 12 frames were left by longjmp, 3 by exceptions and 1 by a thread "
                   "exit: closed where the program left them\n");
}

/* One of each, in the singular; a note alone is no warning. */
static void
test_reconstruction_notes_singular (void)
{
  g_autoptr(DetprofStats) stats = new_stats_of_calls (10000);
  g_autoptr(DetprofStats) departed = new_stats_of_calls (10000);
  g_autoptr(DetprofStats) two_ways = new_stats_of_calls (10000);
  g_autofree char *text = NULL;
  g_autofree char *note = NULL;
  g_autofree char *two = NULL;

  detprof_stats_set_info (stats, "abandoned-frames", "1");
  detprof_stats_set_info (stats, "unmatched-returns", "1");
  text = reconstruction_notes (stats, TRUE);
  g_assert_cmpstr (text, ==,
                   "detprof: warning: 1 abandoned frame (0.01% of 10000 calls): closed without its "
                   "return event, because a later return belonged to a frame below it; where it "
                   "ended is a guess\n"
                   "detprof: warning: 1 unmatched return (0.01% of 10000 calls): a return event that "
                   "matched no open frame (a function entered before profiling began, or a lost "
                   "event), ignored\n");

  detprof_stats_set_info (departed, "frames-left-by-exception", "1");
  note = reconstruction_notes (departed, TRUE);
  g_assert_cmpstr (note, ==, "detprof: note: 1 frame was left by an exception: closed where the program left it\n");

  detprof_stats_set_info (two_ways, "frames-left-by-longjmp", "1");
  detprof_stats_set_info (two_ways, "frames-left-by-thread-exit", "4");
  two = reconstruction_notes (two_ways, TRUE);
  g_assert_cmpstr (two, ==, "detprof: note: 1 frame was left by longjmp and 4 by thread exits: "
                   "closed where the program left them\n");
}

/* A run that waited for a processor 1 % of the time it was ready to run,
 * or more, says how long, under a timer that counted the wait in; under a
 * CPU timer, or below 1 %, nothing is said. */
static void
test_wait_note (void)
{
  g_autoptr(DetprofStats) stats = new_stats_of_calls (10);
  g_autoptr(GString) out = g_string_new (NULL);

  detprof_stats_set_info (stats, "timer", "tsc-fenced");
  detprof_stats_set_info (stats, "processor-time", "0.131634102");
  detprof_stats_set_info (stats, "processor-wait", "0.116219392");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==,
                   "detprof: note: the program waited 116.219 ms for a processor while other programs held"
                   " them all, 46.9 % of the time it was ready to run (its threads still running at the"
                   " end). The timer counted that wait in the functions it interrupted, and the error"
                   " bounds do not hold it\n\n");

  /* 1 ms of 100: exactly 0.99 %, and nothing; 1.01 ms: 1.0 %. */
  g_string_truncate (out, 0);
  detprof_stats_set_info (stats, "processor-time", "0.099");
  detprof_stats_set_info (stats, "processor-wait", "0.000999");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==, "");
  detprof_stats_set_info (stats, "processor-wait", "0.00101");
  _detprof_report_append_notes (stats, out);
  g_assert_true (g_str_has_prefix (out->str, "detprof: note: the program waited 1.010 ms for a processor"));
  g_assert_nonnull (strstr (out->str, ", 1.0 % of the time it was ready to run"));

  g_string_truncate (out, 0);
  detprof_stats_set_info (stats, "timer", "cpu");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==, "");

  /* A fact that is not a number of seconds is not read. */
  detprof_stats_set_info (stats, "timer", "tsc");
  detprof_stats_set_info (stats, "processor-wait", "-1");
  _detprof_report_append_notes (stats, out);
  g_assert_cmpstr (out->str, ==, "");
}

/* A profiler that ran out of memory says in how many threads. */
static void
test_reconstruction_notes_out_of_memory (void)
{
  g_autoptr(DetprofStats) one = new_stats_of_calls (10);
  g_autoptr(DetprofStats) two = new_stats_of_calls (10);
  g_autofree char *one_text = NULL;
  g_autofree char *two_text = NULL;

  detprof_stats_set_info (one, "out-of-memory", "1");
  detprof_stats_set_info (one, "unrecorded-calls", "1");
  one_text = reconstruction_notes (one, TRUE);
  g_assert_cmpstr (one_text, ==, "detprof: warning: the profiler ran out of memory in 1 thread: 1 call "
                   "could not be recorded (their returns are unmatched), and a thread with no memory "
                   "for its tables is not in the profile at all\n");
  detprof_stats_set_info (two, "out-of-memory", "2");
  two_text = reconstruction_notes (two, TRUE);
  g_assert_true (g_str_has_prefix (two_text, "detprof: warning: the profiler ran out of memory in 2 threads: "));
}

/* Counts of 0, absent keys (older dumps, Python's) and text that is not a
 * count say nothing. */
static void
test_reconstruction_notes_none_when_zero_or_absent (void)
{
  static const char * const keys[] = {
    "abandoned-frames", "unmatched-returns", "dropped-events", "out-of-memory", "frames-left-by-longjmp",
    "frames-left-by-exception", "frames-left-by-thread-exit",
  };
  g_autoptr(DetprofStats) zero = new_stats_of_calls (10000);
  g_autoptr(DetprofStats) absent = new_stats_of_calls (10000);
  g_autoptr(DetprofStats) garbage = new_stats_of_calls (10000);
  g_autofree char *zero_text = NULL;
  g_autofree char *absent_text = NULL;
  g_autofree char *garbage_text = NULL;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      detprof_stats_set_info (zero, keys[i], "0");
      detprof_stats_set_info (garbage, keys[i], i % 2 == 0 ? "-4" : "many");
    }
  detprof_stats_set_info (absent, "timer", "tsc");
  zero_text = reconstruction_notes (zero, FALSE);
  absent_text = reconstruction_notes (absent, FALSE);
  garbage_text = reconstruction_notes (garbage, FALSE);
  g_assert_cmpstr (zero_text, ==, "");
  g_assert_cmpstr (absent_text, ==, "");
  g_assert_cmpstr (garbage_text, ==, "");
}

/* A profile with no calls has no share to give; a share too small for
 * two decimals is not 0.00 %; more unmatched returns than calls is a
 * share above 100 %. */
static void
test_reconstruction_notes_share_edges (void)
{
  g_autoptr(DetprofStats) empty = detprof_stats_new ();
  g_autoptr(DetprofStats) big = new_stats_of_calls (100000);
  g_autoptr(DetprofStats) stats = new_stats_of_calls (10000);
  g_autofree char *empty_text = NULL;
  g_autofree char *small_text = NULL;
  g_autofree char *text = NULL;

  detprof_stats_set_info (empty, "unmatched-returns", "2");
  empty_text = reconstruction_notes (empty, TRUE);
  g_assert_true (g_str_has_prefix (empty_text, "detprof: warning: 2 unmatched returns "
                                   "(no calls were counted): return events"));

  detprof_stats_set_info (big, "dropped-events", "7");
  small_text = reconstruction_notes (big, TRUE);
  g_assert_cmpstr (small_text, ==, "detprof: warning: 7 dropped events (<0.01% of 100000 calls): "
                   "arrived while the profiler was busy (signal handlers interrupted it), or were "
                   "cut short (threads cancelled, or jumps out of such handlers), and were not counted\n");

  detprof_stats_set_info (stats, "unmatched-returns", "15000");
  text = reconstruction_notes (stats, TRUE);
  g_assert_true (g_str_has_prefix (text, "detprof: warning: 15000 unmatched returns "
                                   "(150.00% of 10000 calls): "));
}

int
main (int    argc,
      char **argv)
{
  static const char * const dumped[] = {
    CP, PP, "profile-bias.prof", "mixed-callers.prof", "unicode-long.prof",
  };
  gsize i;

  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The text reports of DetprofStats are, byte for byte, what Python's pstats prints for the "
                  "same dumps and operations.");

  python3 = g_strdup (g_getenv ("PYTHON3"));
  if (python3 == NULL || python3[0] == '\0')
    {
      g_free (python3);
      python3 = g_find_program_in_path ("python3");
    }

  g_test_add_func ("/report/repr/float-is-shortest-round-trip", test_float_repr);
  g_test_add_func ("/report/repr/special-floats-are-written-as-python-does", test_float_repr_special);
  g_test_add_func ("/report/repr/str-quotes-like-python", test_str_repr);
  g_test_add_func ("/report/ctime/is-english-and-space-padded", test_ctime);
  g_test_add_func ("/report/stats/empty-table-prints-summary-only", test_empty_table);
  g_test_add_func ("/report/stats/code-object-shown-without-address", test_code_object_label);
  g_test_add_func ("/report/reconstruction/warnings-give-count-and-share-of-calls",
                   test_reconstruction_notes_count_and_share);
  g_test_add_func ("/report/reconstruction/one-of-each-is-singular", test_reconstruction_notes_singular);
  g_test_add_func ("/report/notes/processor-wait", test_wait_note);
  g_test_add_func ("/report/reconstruction/out-of-memory-says-in-how-many-threads",
                   test_reconstruction_notes_out_of_memory);
  g_test_add_func ("/report/reconstruction/zero-or-absent-counts-say-nothing",
                   test_reconstruction_notes_none_when_zero_or_absent);
  g_test_add_func ("/report/reconstruction/share-holds-at-its-edges", test_reconstruction_notes_share_edges);

  for (i = 0; i < G_N_ELEMENTS (comparisons); i++)
    {
      g_autofree char *path = g_strdup_printf ("/report/matches-python/%s", comparisons[i].path);

      g_test_add_data_func (path, &comparisons[i], test_matches_python);
    }

  for (i = 0; i < G_N_ELEMENTS (dumped); i++)
    {
      g_autofree char *path = g_strdup_printf ("/report/python/dump-of-%s-loads-the-same", dumped[i]);

      g_test_add_data_func (path, dumped[i], test_dump_loads_in_python);
    }

  return g_test_run ();
}
