/* test-stats.c: the DetprofStats table: loading, errors, dumping, add,
 * strip_dirs, sorting and the builder API. The report texts are compared
 * with Python's in test-report.c. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-private.h"
#include "test-util.h"

typedef struct
{
  DetprofStats *stats;  /* the dump named by the test's data, loaded */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  fixture->stats = load_stats_fixture (user_data);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_clear_object (&fixture->stats);
}

static guint
row_of (DetprofStats *stats,
        const char   *name)
{
  guint i;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    if (g_str_equal (detprof_stats_get_function (stats, i)->name, name))
      return i;

  g_assert_not_reached ();
}

/* ---------------------------------------------------------------------- */
/* Building dumps in memory                                                */

static DetprofMarshalValue *
make_key (const char *file,
          gint64      line,
          const char *name)
{
  DetprofMarshalValue *key = _detprof_marshal_value_new_tuple (3);

  key->u.seq.items[0] = _detprof_marshal_value_new_str (file);
  key->u.seq.items[1] = _detprof_marshal_value_new_int (line);
  key->u.seq.items[2] = _detprof_marshal_value_new_str (name);
  return key;
}

static DetprofMarshalValue *
make_ints (gsize         n,
           const gint64 *values)
{
  DetprofMarshalValue *tuple = _detprof_marshal_value_new_tuple (n);
  gsize i;

  for (i = 0; i < n; i++)
    tuple->u.seq.items[i] = _detprof_marshal_value_new_int (values[i]);
  return tuple;
}

/* {("x.py", 1, "x"): (1, 1, 0, 0, callers)} */
static DetprofStats *
stats_with_callers (DetprofMarshalValue *callers)
{
  static const gint64 numbers[] = { 1, 1, 0, 0 };
  g_autoptr(DetprofMarshalValue) dict = _detprof_marshal_value_new_dict ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  DetprofMarshalValue *value = _detprof_marshal_value_new_tuple (5);
  DetprofStats *stats;
  gsize i;

  for (i = 0; i < 4; i++)
    value->u.seq.items[i] = _detprof_marshal_value_new_int (numbers[i]);
  value->u.seq.items[4] = callers;
  _detprof_marshal_dict_append (dict, make_key ("x.py", 1, "x"), value);
  _detprof_marshal_write (out, dict);

  bytes = g_bytes_new (out->data, out->len);
  stats = detprof_stats_new_from_bytes (bytes, "test", &error);
  g_assert_no_error (error);
  return stats;
}

static const DetprofCallerArc *
arc_from (DetprofStats *stats,
          guint         callee,
          const char   *caller_name)
{
  const DetprofFunctionStats *function = detprof_stats_get_function (stats, callee);
  guint i;

  for (i = 0; i < function->n_callers; i++)
    if (g_str_equal (detprof_stats_get_function (stats, function->callers[i].caller)->name,
                     caller_name))
      return &function->callers[i];

  g_assert_not_reached ();
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

/* An empty table is not an error, as Stats() with no argument. */
static void
test_new_is_empty (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();

  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 0);
  g_assert_cmpint (detprof_stats_get_total_calls (stats), ==, 0);
  g_assert_null (detprof_stats_get_sort_type (stats));
}

/* A cProfile dump loads with Python's totals. */
static void
test_load_cprofile (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const DetprofFunctionStats *factorial;

  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 15);
  g_assert_cmpint (detprof_stats_get_total_calls (fixture->stats), ==, 119);
  g_assert_cmpint (detprof_stats_get_primitive_calls (fixture->stats), ==, 99);
  g_assert_cmpfloat_with_epsilon (detprof_stats_get_total_time (fixture->stats), 1.0, 1e-9);

  factorial = detprof_stats_lookup_name (fixture->stats, "factorial");
  g_assert_nonnull (factorial);
  g_assert_cmpint (factorial->nc, ==, 23);
  g_assert_cmpint (factorial->cc, ==, 3);
  g_assert_false (factorial->tt.is_int);
  g_assert_cmpuint (factorial->n_callers, ==, 3);
  g_assert_cmpint (factorial->callers[0].style, ==, DETPROF_CALLER_TUPLE);
}

/* profile.py's integer times stay integers, and its arcs are counts. */
static void
test_load_keeps_int_times (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const DetprofFunctionStats *root = detprof_stats_get_function (fixture->stats, 0);
  const DetprofFunctionStats *helper = detprof_stats_lookup_name (fixture->stats, "helper");

  /* The dict order of the file: profile.py's root record comes first. */
  g_assert_cmpstr (root->file, ==, "profile");
  g_assert_cmpstr (root->name, ==, "profiler");
  g_assert_true (root->tt.is_int);

  g_assert_true (helper->tt.is_int);
  g_assert_cmpfloat (helper->tt.value, ==, 40.0);
  g_assert_cmpint (helper->callers[0].style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpint (helper->callers[0].nc, ==, 2);
}

/* The files entry is the ctime of the file's mtime, four spaces, the path. */
static void
test_load_records_file (void)
{
  g_autofree char *path = stats_fixture_path ("mixed-callers.prof");
  g_autoptr(DetprofStats) stats = load_stats_fixture ("mixed-callers.prof");
  g_autoptr(GString) expected = g_string_new (NULL);
  GPtrArray *files = _detprof_stats_get_files (stats);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (_detprof_format_ctime (expected, st.st_mtime));
  g_string_append_printf (expected, "    %s", path);

  g_assert_cmpuint (files->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (files, 0), ==, expected->str);
}

/* Bytes after the dict are ignored, as marshal.load ignores them. */
static void
test_load_ignores_trailing_data (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GBytes) bytes = detprof_stats_to_bytes (fixture->stats);
  g_autoptr(GByteArray) longer = g_byte_array_new ();
  g_autoptr(GBytes) longer_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = NULL;

  g_byte_array_append (longer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_byte_array_append (longer, (const guint8 *) "i\x01\x00\x00\x00", 5);
  longer_bytes = g_bytes_new (longer->data, longer->len);

  stats = detprof_stats_new_from_bytes (longer_bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 15);
}

/* A caller with no row of its own gets an index past the rows. */
static void
test_load_caller_without_row (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const DetprofFunctionStats *run = detprof_stats_lookup_name (fixture->stats, "run");
  g_autofree char *label = NULL;
  guint caller;

  g_assert_cmpuint (run->n_callers, ==, 1);
  caller = run->callers[0].caller;
  g_assert_cmpuint (caller, >=, detprof_stats_get_n_functions (fixture->stats));

  label = detprof_stats_function_label (fixture->stats, caller);
  g_assert_cmpstr (label, ==, "jprofile:0(profiler)");
  g_assert_cmpint (detprof_stats_get_function (fixture->stats, caller)->nc, ==, 0);
  g_assert_null (detprof_stats_lookup (fixture->stats, "jprofile", 0, "profiler"));
}

typedef struct
{
  const char *fixture;
  int         code;
  const char *message;  /* a g_pattern_match_simple () pattern */
} BadInput;

static const BadInput bad_inputs[] = {
  { "nosuch.prof", DETPROF_ERROR_IO, "*nosuch.prof*" },
  { "", DETPROF_ERROR_IO, "*stats-fixtures*" },
  { "not-marshal.txt", DETPROF_ERROR_CORRUPT, "*not-marshal.txt: *" },
  { "bad-not-dict.prof", DETPROF_ERROR_CORRUPT,
    "*bad-not-dict.prof: expected a dict at the top level, found a list" },
  { "bad-short-value.prof", DETPROF_ERROR_CORRUPT,
    "*bad-short-value.prof: entry 1: expected a 5-tuple, found a 2-tuple" },
  { "bad-key.prof", DETPROF_ERROR_CORRUPT,
    "*bad-key.prof: entry 1: expected an int as line number, found a str" },
  { "bad-caller-value.prof", DETPROF_ERROR_CORRUPT,
    "*bad-caller-value.prof: entry 1: caller 1: expected an int or a 4-tuple, found a str" },
  { "empty.prof", DETPROF_ERROR_CORRUPT, "*empty.prof: the dump holds no functions*" },
};

/* A file that is missing, a directory, or not a stats dump is an error
 * whose message names the file and says what was wrong. */
static void
test_load_rejects (gconstpointer data)
{
  const BadInput *bad = data;
  g_autofree char *path = stats_fixture_path (bad->fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = detprof_stats_new_from_file (path, &error);

  g_assert_null (stats);
  g_assert_error (error, DETPROF_ERROR, bad->code);
  if (!g_pattern_match_simple (bad->message, error->message))
    g_error ("“%s” does not match “%s”", error->message, bad->message);
}

/* Every truncation of a dump is an error that names the file. */
static void
test_load_rejects_truncated (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GBytes) bytes = detprof_stats_to_bytes (fixture->stats);
  gsize size = g_bytes_get_size (bytes);
  gsize len;

  for (len = 0; len < size; len++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, 0, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(DetprofStats) stats = detprof_stats_new_from_bytes (part, "cut.prof", &error);

      g_assert_null (stats);
      g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "cut.prof: "));
    }
}

/* A failed add_file () leaves the table as it was. */
static void
test_add_file_failure (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = stats_fixture_path ("bad-short-value.prof");
  g_autoptr(GError) error = NULL;

  g_assert_false (detprof_stats_add_file (fixture->stats, path, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 15);
  g_assert_cmpuint (_detprof_stats_get_files (fixture->stats)->len, ==, 1);
}

/* ---------------------------------------------------------------------- */
/* Dumping                                                                 */

/* Dump then load gives the same table: keys, order, numbers, int times. */
static void
test_dump_round_trip (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("detprof-stats-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "out.prof", NULL);
  g_autoptr(DetprofStats) loaded = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  g_assert_no_error (error);
  g_assert_true (detprof_stats_dump (fixture->stats, path, &error));
  g_assert_no_error (error);
  loaded = detprof_stats_new_from_file (path, &error);
  g_assert_no_error (error);

  before = detprof_stats_to_bytes (fixture->stats);
  after = detprof_stats_to_bytes (loaded);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (detprof_stats_get_n_functions (loaded), ==,
                    detprof_stats_get_n_functions (fixture->stats));

  remove_tree (dir);
}

/* The writer emits exactly these bytes for the spec's example
 * (pstats-format.md §b.9): Python's marshal, version 4 encoding, in which
 * a key and a file name are written once and then referred to:
 *
 *   {                                       7b
 *     ('demo.py', 4, 'main')                a9 03  fa 07 "demo.py"  i 4  z 04 "main"
 *        (the tuple is reference 0, 'demo.py' reference 1)
 *     : (1, 1, 0.5, 1.25, {}),              29 05  i 1  i 1  g 0.5  g 1.25  7b 30
 *     ('demo.py', 2, 'f')                   a9 03  r 1  i 2  z 01 "f"  (reference 2)
 *     : (1, 1, 0.75, 0.75,                  29 05  i 1  i 1  g 0.75  g 0.75
 *        { r 0: (1, 1, 0.75, 0.75) })       7b  r 0  29 04  i 1  i 1  g 0.75  g 0.75  30
 *   }                                       30
 *
 * test-report checks that Python reads such dumps as detprof does. */
static void
test_dump_bytes (void)
{
  static const char expected[] =
    "7b"
    "a903fa0764656d6f2e7079" "6904000000" "7a046d61696e"
    "2905" "6901000000" "6901000000" "67000000000000e03f" "67000000000000f43f" "7b30"
    "a903" "7201000000" "6902000000" "7a0166"
    "2905" "6901000000" "6901000000" "67000000000000e83f" "67000000000000e83f"
    "7b" "7200000000"
    "2904" "6901000000" "6901000000" "67000000000000e83f" "67000000000000e83f"
    "30"
    "30";
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) hex = g_string_new (NULL);
  const guint8 *data;
  gsize len, i;
  guint main_row, f_row;

  main_row = _detprof_stats_add_function (stats, "demo.py", 4, "main", 1, 1, 0.5, 1.25);
  f_row = _detprof_stats_add_function (stats, "demo.py", 2, "f", 1, 1, 0.75, 0.75);
  _detprof_stats_add_caller (stats, f_row, main_row, 1, 1, 0.75, 0.75);
  _detprof_stats_finish (stats);

  bytes = detprof_stats_to_bytes (stats);
  data = g_bytes_get_data (bytes, &len);
  for (i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  g_assert_cmpuint (len, ==, 138);
  g_assert_cmpstr (hex->str, ==, expected);
}

/* A dump that cannot be written is an I/O error naming the file. */
static void
test_dump_failure (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (detprof_stats_dump (fixture->stats, "/nonexistent-dir/out.prof", &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/out.prof"));
}

/* ---------------------------------------------------------------------- */
/* add                                                                     */

/* add_callers: tuple arcs add field by field; keys of both sides survive
 * (test_pstats' test_combine_results). */
static void
test_add_tuple_callers (void)
{
  static const gint64 a[] = { 1, 2, 3, 4 }, b[] = { 5, 6, 7, 8 };
  DetprofMarshalValue *target_callers = _detprof_marshal_value_new_dict ();
  DetprofMarshalValue *source_callers = _detprof_marshal_value_new_dict ();
  g_autoptr(DetprofStats) target = NULL;
  g_autoptr(DetprofStats) source = NULL;
  const DetprofCallerArc *arc;

  _detprof_marshal_dict_append (target_callers, make_key ("a.py", 1, "a"), make_ints (4, a));
  _detprof_marshal_dict_append (source_callers, make_key ("a.py", 1, "a"), make_ints (4, a));
  _detprof_marshal_dict_append (source_callers, make_key ("b.py", 1, "b"), make_ints (4, b));
  target = stats_with_callers (target_callers);
  source = stats_with_callers (source_callers);

  detprof_stats_add (target, source);

  g_assert_cmpuint (detprof_stats_get_function (target, 0)->n_callers, ==, 2);
  arc = arc_from (target, 0, "a");
  g_assert_cmpint (arc->nc, ==, 2);
  g_assert_cmpint (arc->cc, ==, 4);
  g_assert_cmpfloat (arc->tt.value, ==, 6.0);
  g_assert_cmpfloat (arc->ct.value, ==, 8.0);
  g_assert_true (arc->ct.is_int);
  arc = arc_from (target, 0, "b");
  g_assert_cmpint (arc->nc, ==, 5);
  g_assert_cmpfloat (arc->ct.value, ==, 8.0);
}

/* add_callers: count arcs add. */
static void
test_add_count_callers (void)
{
  DetprofMarshalValue *target_callers = _detprof_marshal_value_new_dict ();
  DetprofMarshalValue *source_callers = _detprof_marshal_value_new_dict ();
  g_autoptr(DetprofStats) target = NULL;
  g_autoptr(DetprofStats) source = NULL;

  _detprof_marshal_dict_append (target_callers, make_key ("a.py", 1, "a"),
                                _detprof_marshal_value_new_int (1));
  _detprof_marshal_dict_append (source_callers, make_key ("a.py", 1, "a"),
                                _detprof_marshal_value_new_int (1));
  _detprof_marshal_dict_append (source_callers, make_key ("b.py", 1, "b"),
                                _detprof_marshal_value_new_int (5));
  target = stats_with_callers (target_callers);
  source = stats_with_callers (source_callers);

  detprof_stats_add (target, source);

  g_assert_cmpint (arc_from (target, 0, "a")->style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpint (arc_from (target, 0, "a")->nc, ==, 2);
  g_assert_cmpint (arc_from (target, 0, "b")->nc, ==, 5);
}

/* An empty table may add the same stats twice (test_pstats' test_add). */
static void
test_add_same_stats_twice (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(DetprofStats) sum = detprof_stats_new ();

  detprof_stats_add (sum, fixture->stats);
  detprof_stats_add (sum, fixture->stats);

  g_assert_cmpuint (detprof_stats_get_n_functions (sum), ==, 15);
  g_assert_cmpint (detprof_stats_get_total_calls (sum), ==, 238);
  g_assert_cmpint (detprof_stats_get_primitive_calls (sum), ==, 198);
  g_assert_cmpint (detprof_stats_lookup_name (sum, "factorial")->nc, ==, 46);
  g_assert_cmpuint (_detprof_stats_get_files (sum)->len, ==, 2);
}

/* A table may be added to itself: everything doubles. */
static void
test_add_itself (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const DetprofFunctionStats *factorial;

  detprof_stats_add (fixture->stats, fixture->stats);

  factorial = detprof_stats_lookup_name (fixture->stats, "factorial");
  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 15);
  g_assert_cmpint (factorial->nc, ==, 46);
  g_assert_cmpuint (factorial->n_callers, ==, 3);
  g_assert_cmpint (arc_from (fixture->stats, row_of (fixture->stats, "factorial"), "factorial")->nc,
                   ==, 40);
}

/* New functions are appended in the other table's order, and the sort is
 * forgotten; the totals are the precomputed ones, not summed again. */
static void
test_add_appends_and_forgets_sort (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const char * const keys[] = { "time", NULL };
  g_autoptr(DetprofStats) other = detprof_stats_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = NULL;
  gboolean sorted;

  g_assert_true (detprof_stats_sort (fixture->stats, keys, &error));
  /* Not finished: its totals stay 0, although it has a row. */
  _detprof_stats_add_function (other, "new.c", 7, "fresh", 2, 2, 0.5, 0.5);

  detprof_stats_add (fixture->stats, other);

  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 16);
  g_assert_cmpstr (detprof_stats_get_function (fixture->stats, 15)->name, ==, "fresh");
  g_assert_cmpint (detprof_stats_get_total_calls (fixture->stats), ==, 119);
  list = _detprof_stats_get_print_list (fixture->stats, &sorted);
  g_assert_false (sorted);
  g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, "internal time");
}

/* ---------------------------------------------------------------------- */
/* Sorting                                                                 */

/* -1, 0, 1 and 2 are the old profiler's keys (test_sort_stats_int). */
static void
test_sort_legacy (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const char * const descriptions[] = {
    "standard name", "call count", "internal time", "cumulative time",
  };
  int key;

  for (key = -1; key <= 2; key++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (detprof_stats_sort_legacy (fixture->stats, key, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, descriptions[key + 1]);
    }
}

/* Each of the 13 keys sets its description (test_sort_stats_string). */
static void
test_sort_every_key (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const struct { const char *key; const char *description; } cases[] = {
    { "calls", "call count" }, { "ncalls", "call count" },
    { "cumtime", "cumulative time" }, { "cumulative", "cumulative time" },
    { "filename", "file name" }, { "line", "line number" }, { "module", "file name" },
    { "name", "function name" }, { "nfl", "name/file/line" },
    { "pcalls", "primitive call count" }, { "stdname", "standard name" },
    { "time", "internal time" }, { "tottime", "internal time" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *keys[] = { cases[i].key, NULL };
      g_autoptr(GError) error = NULL;

      g_assert_true (detprof_stats_sort (fixture->stats, keys, &error));
      g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, cases[i].description);
    }
}

/* Every prefix of "filename" means it (test_sort_stats_partial). */
static void
test_sort_partial (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gsize len;

  for (len = 1; len <= strlen ("filename"); len++)
    {
      g_autofree char *prefix = g_strndup ("filename", len);
      const char *keys[] = { prefix, NULL };
      g_autoptr(GError) error = NULL;

      g_assert_true (detprof_stats_sort (fixture->stats, keys, &error));
      g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, "file name");
    }
}

/* Exactly the 66 strings of pstats' abbreviation table are accepted. */
static void
test_sort_abbreviations (void)
{
  static const char * const expected[] = {
    "ca", "cal", "call", "calls", "cu", "cumt", "cumti", "cumtim", "cumtime", "cumu",
    "cumul", "cumula", "cumulat", "cumulati", "cumulativ", "cumulative", "f", "fi",
    "fil", "file", "filen", "filena", "filenam", "filename", "l", "li", "lin", "line",
    "m", "mo", "mod", "modu", "modul", "module", "na", "nam", "name", "nc", "nca",
    "ncal", "ncall", "ncalls", "nf", "nfl", "p", "pc", "pca", "pcal", "pcall", "pcalls",
    "s", "st", "std", "stdn", "stdna", "stdnam", "stdname", "ti", "tim", "time", "to",
    "tot", "tott", "totti", "tottim", "tottime", NULL,
  };
  g_auto(GStrv) accepted = _detprof_stats_list_sort_abbreviations ();

  g_assert_cmpuint (g_strv_length ((GStrv) expected), ==, 66);
  g_assert_cmpstrv (accepted, expected);
}

/* Shared prefixes and unknown words are rejected with the valid keys, and
 * leave the order and its description alone. */
static void
test_sort_rejects (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char * const time_key[] = { "time", NULL };
  static const char * const words[] = { "c", "cum", "n", "t", "zzz", "", "Time" };
  gsize i;

  g_assert_true (detprof_stats_sort (fixture->stats, time_key, NULL));
  for (i = 0; i < G_N_ELEMENTS (words); i++)
    {
      const char *keys[] = { "name", words[i], NULL };
      g_autoptr(GError) error = NULL;

      g_assert_false (detprof_stats_sort (fixture->stats, keys, &error));
      g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "calls, ncalls, cumtime, cumulative, filename, "
                                                "line, module, name, nfl, pcalls, stdname, time, tottime"));
      g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, "internal time");
    }
}

/* Only -1, 0, 1 and 2 are legacy keys. */
static void
test_sort_legacy_rejects (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  g_assert_false (detprof_stats_sort_legacy (fixture->stats, 3, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
  g_assert_false (detprof_stats_sort_legacy (fixture->stats, -2, &error2));
  g_assert_error (error2, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT);
}

/* Ties keep table order; several keys join their descriptions. */
static void
test_sort_stable_and_several_keys (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const char * const calls[] = { "calls", NULL };
  static const char * const two[] = { "time", "name", NULL };
  g_autoptr(GArray) list = NULL;
  gboolean sorted;
  guint i;

  g_assert_true (detprof_stats_sort (fixture->stats, calls, NULL));
  list = _detprof_stats_get_print_list (fixture->stats, &sorted);
  g_assert_true (sorted);
  for (i = 1; i < list->len; i++)
    {
      guint before = g_array_index (list, guint, i - 1);
      guint here = g_array_index (list, guint, i);
      gint64 nc_before = detprof_stats_get_function (fixture->stats, before)->nc;
      gint64 nc_here = detprof_stats_get_function (fixture->stats, here)->nc;

      g_assert_cmpint (nc_before, >=, nc_here);
      if (nc_before == nc_here)
        g_assert_cmpuint (before, <, here);
    }

  g_assert_true (detprof_stats_sort (fixture->stats, two, NULL));
  g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, "internal time, function name");
}

/* reverse_order () reverses the list, not its description. */
static void
test_reverse (Fixture       *fixture,
              gconstpointer  user_data)
{
  static const char * const keys[] = { "cumulative", NULL };
  g_autoptr(GArray) forward = NULL;
  g_autoptr(GArray) backward = NULL;
  gboolean sorted;
  guint i;

  g_assert_true (detprof_stats_sort (fixture->stats, keys, NULL));
  forward = _detprof_stats_get_print_list (fixture->stats, &sorted);
  detprof_stats_reverse_order (fixture->stats);
  backward = _detprof_stats_get_print_list (fixture->stats, &sorted);

  for (i = 0; i < forward->len; i++)
    g_assert_cmpuint (g_array_index (forward, guint, i), ==,
                      g_array_index (backward, guint, backward->len - 1 - i));
  g_assert_cmpstr (detprof_stats_get_sort_type (fixture->stats), ==, "cumulative time");
}

/* ---------------------------------------------------------------------- */
/* strip_dirs, labels, lookups, the builder                                */

/* strip_dirs () merges functions whose keys collide and forgets the sort. */
static void
test_strip_dirs (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char * const keys[] = { "name", NULL };
  g_autoptr(GArray) list = NULL;
  const DetprofFunctionStats *work;
  gboolean sorted;

  g_assert_true (detprof_stats_sort (fixture->stats, keys, NULL));
  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 9);

  detprof_stats_strip_dirs (fixture->stats);

  g_assert_cmpuint (detprof_stats_get_n_functions (fixture->stats), ==, 7);
  work = detprof_stats_lookup (fixture->stats, "work.py", 3, "work");
  g_assert_nonnull (work);
  g_assert_cmpint (work->nc, ==, 7);
  g_assert_cmpint (work->cc, ==, 9);
  list = _detprof_stats_get_print_list (fixture->stats, &sorted);
  g_assert_false (sorted);
  g_assert_cmpuint (_detprof_stats_get_max_name_len (fixture->stats), ==, 30);
}

/* Labels are "file:line(name)", with braces for cProfile's built-ins. */
static void
test_labels (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *builtin = detprof_stats_function_label (fixture->stats,
                                                           row_of (fixture->stats, "<built-in method builtins.len>"));
  g_autofree char *plain = detprof_stats_function_label (fixture->stats,
                                                         row_of (fixture->stats, "plain_builtin"));
  g_autofree char *main_label = detprof_stats_function_label (fixture->stats,
                                                              row_of (fixture->stats, "main"));

  g_assert_cmpstr (builtin, ==, "{built-in method builtins.len}");
  g_assert_cmpstr (plain, ==, "plain_builtin");
  g_assert_cmpstr (main_label, ==, "/src/app/main.py:10(main)");
}

/* The builder sums repeated functions and arcs; finish () sums the totals. */
static void
test_builder (void)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  const DetprofFunctionStats *callee;
  guint caller, callee_row;

  caller = _detprof_stats_add_function (stats, "a.c", 1, "main", 1, 1, 0.5, 2.0);
  callee_row = _detprof_stats_add_function (stats, "a.c", 9, "work", 2, 3, 1.0, 1.5);
  g_assert_cmpuint (_detprof_stats_add_function (stats, "a.c", 9, "work", 1, 1, 0.25, 0.25),
                    ==, callee_row);
  _detprof_stats_add_caller (stats, callee_row, caller, 3, 2, 1.0, 1.5);
  _detprof_stats_add_caller (stats, callee_row, caller, 1, 1, 0.25, 0.25);
  _detprof_stats_finish (stats);

  callee = detprof_stats_get_function (stats, callee_row);
  g_assert_cmpint (callee->nc, ==, 4);
  g_assert_cmpint (callee->cc, ==, 3);
  g_assert_false (callee->tt.is_int);
  g_assert_cmpfloat (callee->tt.value, ==, 1.25);
  g_assert_cmpuint (callee->n_callers, ==, 1);
  g_assert_cmpint (callee->callers[0].nc, ==, 4);
  g_assert_cmpfloat (callee->callers[0].ct.value, ==, 1.75);

  g_assert_cmpint (detprof_stats_get_total_calls (stats), ==, 5);
  g_assert_cmpint (detprof_stats_get_primitive_calls (stats), ==, 4);
  g_assert_cmpfloat (detprof_stats_get_total_time (stats), ==, 1.75);
  g_assert_cmpuint (_detprof_stats_get_max_name_len (stats), ==, strlen ("a.c:9(work)"));
  g_assert_true (detprof_stats_lookup (stats, "a.c", 1, "main") == detprof_stats_get_function (stats, caller));
  g_assert_null (detprof_stats_lookup (stats, "a.c", 2, "main"));
}


/* ---- call sites and run facts (detprof's extra object) ---- */

static DetprofStats *
stats_with_call_sites (const char *dir)
{
  DetprofStats *stats = detprof_stats_new ();
  g_autofree char *file = g_strdup_printf ("%s/m.c", dir);
  guint main_row = _detprof_stats_add_function (stats, file, 10, "main", 1, 1, 0.5, 2.0);
  guint work_row = _detprof_stats_add_function (stats, file, 3, "work", 5, 5, 1.5, 1.5);

  _detprof_stats_add_caller (stats, work_row, main_row, 5, 5, 1.5, 1.5);
  _detprof_stats_add_call_site (stats, main_row, work_row, file, 12, 2, 2, 0.5, 0.5);
  _detprof_stats_add_call_site (stats, main_row, work_row, file, 14, 3, 3, 1.0, 1.0);
  detprof_stats_set_info (stats, "timer", "tsc");
  detprof_stats_set_info (stats, "bias", "1e-08");
  _detprof_stats_finish (stats);
  return stats;
}

/* Call sites and run facts survive a dump and a load; Python reads the
 * same file as if they were not there. */
static void
test_call_sites_round_trip (void)
{
  g_autoptr(DetprofStats) stats = stats_with_call_sites ("/src");
  g_autoptr(GBytes) bytes = detprof_stats_to_bytes (stats);
  g_autoptr(DetprofStats) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const DetprofCallSiteStats *site;
  const char * const *keys;

  loaded = detprof_stats_new_from_bytes (bytes, "sites.prof", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (detprof_stats_get_n_call_sites (loaded), ==, 2);
  site = detprof_stats_get_call_site (loaded, 1);
  g_assert_cmpstr (detprof_stats_get_function (loaded, site->caller)->name, ==, "main");
  g_assert_cmpstr (detprof_stats_get_function (loaded, site->callee)->name, ==, "work");
  g_assert_cmpstr (site->file, ==, "/src/m.c");
  g_assert_cmpint (site->line, ==, 14);
  g_assert_cmpint (site->nc, ==, 3);
  g_assert_cmpfloat (site->tt, ==, 1.0);
  keys = detprof_stats_list_info (loaded);
  g_assert_cmpstr (keys[0], ==, "timer");
  g_assert_cmpstr (keys[1], ==, "bias");
  g_assert_null (keys[2]);
  g_assert_cmpstr (detprof_stats_get_info (loaded, "bias"), ==, "1e-08");
}

/* strip_dirs merges call sites that become equal; add sums equal sites. */
static void
test_call_sites_strip_and_add (void)
{
  g_autoptr(DetprofStats) a = stats_with_call_sites ("/one");
  g_autoptr(DetprofStats) b = stats_with_call_sites ("/two");

  detprof_stats_add (a, b);
  g_assert_cmpuint (detprof_stats_get_n_call_sites (a), ==, 4);
  detprof_stats_strip_dirs (a);
  g_assert_cmpuint (detprof_stats_get_n_call_sites (a), ==, 2);
  g_assert_cmpint (detprof_stats_get_call_site (a, 0)->nc, ==, 4);
  g_assert_cmpstr (detprof_stats_get_call_site (a, 0)->file, ==, "m.c");
  detprof_stats_add (a, a);
  g_assert_cmpint (detprof_stats_get_call_site (a, 1)->nc, ==, 12);
}

/* The sum of two profiles has the sum of their counts of inexact frames
 * and departures (so that the report's shares stay true), and the first
 * one's other facts. */
static void
test_add_sums_counted_facts (void)
{
  g_autoptr(DetprofStats) a = stats_with_call_sites ("/one");
  g_autoptr(DetprofStats) b = stats_with_call_sites ("/two");

  detprof_stats_set_info (a, "abandoned-frames", "2");
  detprof_stats_set_info (b, "abandoned-frames", "3");
  detprof_stats_set_info (b, "frames-left-by-longjmp", "7");
  detprof_stats_set_info (b, "timer", "wall");
  detprof_stats_add (a, b);
  g_assert_cmpstr (detprof_stats_get_info (a, "abandoned-frames"), ==, "5");
  g_assert_cmpstr (detprof_stats_get_info (a, "frames-left-by-longjmp"), ==, "7");
  g_assert_cmpstr (detprof_stats_get_info (a, "timer"), ==, "tsc");
}

/* A truncated extra object is an error that names where it starts; an
 * object that is not detprof's is ignored, as Python ignores it. */
static void
test_call_sites_corrupt_extra (void)
{
  g_autoptr(DetprofStats) stats = stats_with_call_sites ("/src");
  g_autoptr(GBytes) bytes = detprof_stats_to_bytes (stats);
  g_autoptr(GBytes) dict_only = NULL;
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(DetprofStats) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) plain = detprof_stats_new ();
  g_autofree char *where = NULL;
  gsize dict_len;

  _detprof_stats_add_function (plain, "/src/m.c", 10, "main", 1, 1, 0.5, 2.0);
  _detprof_stats_add_function (plain, "/src/m.c", 3, "work", 5, 5, 1.5, 1.5);
  _detprof_stats_add_caller (plain, 1, 0, 5, 5, 1.5, 1.5);
  dict_only = detprof_stats_to_bytes (plain);
  dict_len = g_bytes_get_size (dict_only);

  truncated = g_bytes_new_from_bytes (bytes, 0, g_bytes_get_size (bytes) - 3);
  loaded = detprof_stats_new_from_bytes (truncated, "t.prof", &error);
  g_assert_null (loaded);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "t.prof: detprof's extra data (from byte "));
  where = g_strdup_printf ("byte %" G_GSIZE_FORMAT ")", dict_len);
  g_assert_nonnull (strstr (error->message, where));
}

/* An int time beyond gint64 (two large ones added: Python's ints have no
 * bound) is written as that int, 'l' with as many digits as it needs, not
 * through an overflowing cast. */
static void
test_dump_huge_int_time (void)
{
  /* { ('f', 1, 'g'): (1, 1, 2**62, 0, {}) } */
  static const guint8 dump[] = {
    '{', ')', 3, 'z', 1, 'f', 'i', 1, 0, 0, 0, 'z', 1, 'g',
    ')', 5, 'i', 1, 0, 0, 0, 'i', 1, 0, 0, 0,
    'l', 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0,
    'i', 0, 0, 0, 0, '{', '0', '0'
  };
  /* 2**63: five base-2**15 digits, the last 8. */
  static const guint8 sum[] = { 'l', 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (dump, sizeof dump);
  g_autoptr(DetprofStats) stats = detprof_stats_new_from_bytes (input, NULL, &error);
  g_autoptr(DetprofStats) twice = NULL;
  g_autoptr(GBytes) written = NULL;
  const DetprofFunctionStats *function;
  const guint8 *data;
  gsize len, i;
  gboolean found = FALSE;

  g_assert_no_error (error);
  twice = detprof_stats_new_from_bytes (input, NULL, &error);
  g_assert_no_error (error);
  detprof_stats_add (twice, stats);
  function = detprof_stats_get_function (twice, 0);
  g_assert_true (function->tt.is_int);
  g_assert_cmpfloat (function->tt.value, ==, ldexp (1.0, 63));

  written = detprof_stats_to_bytes (twice);
  data = g_bytes_get_data (written, &len);
  for (i = 0; i + sizeof sum <= len && !found; i++)
    found = memcmp (data + i, sum, sizeof sum) == 0;
  g_assert_true (found);
}

int
main (int    argc,
      char **argv)
{
  gsize i;

  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("DetprofStats loads, dumps, adds, strips, sorts and builds tables as Python's pstats "
                  "does, and names the file and the fault of every dump it refuses.");

  g_test_add_func ("/stats/new/is-empty-without-error", test_new_is_empty);
  g_test_add ("/stats/load/cprofile-dump-gives-pythons-totals", Fixture, "cprofile-profilee.prof",
              setup, test_load_cprofile, teardown);
  g_test_add ("/stats/load/keeps-integer-times-and-dict-order", Fixture, "profile-profilee.prof",
              setup, test_load_keeps_int_times, teardown);
  g_test_add_func ("/stats/load/records-ctime-and-path", test_load_records_file);
  g_test_add ("/stats/load/ignores-trailing-data", Fixture, "cprofile-profilee.prof",
              setup, test_load_ignores_trailing_data, teardown);
  g_test_add ("/stats/load/gives-callers-without-rows-an-index", Fixture, "mixed-callers.prof",
              setup, test_load_caller_without_row, teardown);
  for (i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stats/load/rejects/%s",
                                               bad_inputs[i].fixture[0] != '\0' ? bad_inputs[i].fixture : "directory");

      g_test_add_data_func (path, &bad_inputs[i], test_load_rejects);
    }
  g_test_add ("/stats/load/rejects/every-truncation", Fixture, "mixed-callers.prof",
              setup, test_load_rejects_truncated, teardown);
  g_test_add ("/stats/load/failed-add-file-changes-nothing", Fixture, "cprofile-profilee.prof",
              setup, test_add_file_failure, teardown);
  g_test_add ("/stats/dump/loads-back-the-same/cprofile", Fixture, "cprofile-profilee.prof",
              setup, test_dump_round_trip, teardown);
  g_test_add ("/stats/dump/loads-back-the-same/profile-int-times", Fixture, "profile-profilee.prof",
              setup, test_dump_round_trip, teardown);
  g_test_add ("/stats/dump/loads-back-the-same/mixed-callers", Fixture, "mixed-callers.prof",
              setup, test_dump_round_trip, teardown);
  g_test_add ("/stats/dump/loads-back-the-same/unicode", Fixture, "unicode-long.prof",
              setup, test_dump_round_trip, teardown);
  g_test_add_func ("/stats/dump/writes-keys-and-files-once-then-by-reference", test_dump_bytes);
  g_test_add_func ("/stats/dump/int-time-beyond-gint64-is-written-back", test_dump_huge_int_time);
  g_test_add ("/stats/dump/failure-names-the-file", Fixture, "mixed-callers.prof",
              setup, test_dump_failure, teardown);
  g_test_add_func ("/stats/add/tuple-callers-add-field-by-field", test_add_tuple_callers);
  g_test_add_func ("/stats/add/count-callers-add", test_add_count_callers);
  g_test_add ("/stats/add/same-stats-may-be-added-twice-into-an-empty-table", Fixture, "cprofile-profilee.prof",
              setup, test_add_same_stats_twice, teardown);
  g_test_add ("/stats/add/itself-doubles", Fixture, "cprofile-profilee.prof",
              setup, test_add_itself, teardown);
  g_test_add ("/stats/add/appends-new-functions-and-forgets-sort", Fixture, "cprofile-profilee.prof",
              setup, test_add_appends_and_forgets_sort, teardown);
  g_test_add ("/stats/sort/legacy-ints-describe-their-key", Fixture, "cprofile-profilee.prof",
              setup, test_sort_legacy, teardown);
  g_test_add ("/stats/sort/every-key-describes-itself", Fixture, "cprofile-profilee.prof",
              setup, test_sort_every_key, teardown);
  g_test_add ("/stats/sort/filename-prefixes-accepted", Fixture, "cprofile-profilee.prof",
              setup, test_sort_partial, teardown);
  g_test_add_func ("/stats/sort/abbreviations-accepted", test_sort_abbreviations);
  g_test_add ("/stats/sort/unknown-or-shared-prefix-rejected", Fixture, "cprofile-profilee.prof",
              setup, test_sort_rejects, teardown);
  g_test_add ("/stats/sort/legacy-out-of-range-rejected", Fixture, "cprofile-profilee.prof",
              setup, test_sort_legacy_rejects, teardown);
  g_test_add ("/stats/sort/is-stable-and-joins-keys", Fixture, "profile-profilee.prof",
              setup, test_sort_stable_and_several_keys, teardown);
  g_test_add ("/stats/sort/reverse-keeps-description", Fixture, "cprofile-profilee.prof",
              setup, test_reverse, teardown);
  g_test_add ("/stats/strip-dirs/merges-and-forgets-sort", Fixture, "mixed-callers.prof",
              setup, test_strip_dirs, teardown);
  g_test_add ("/stats/label/has-braces-for-builtins", Fixture, "mixed-callers.prof",
              setup, test_labels, teardown);
  g_test_add_func ("/stats/builder/sums-and-finishes", test_builder);
  g_test_add_func ("/stats/call-sites/survive-a-dump-and-a-load", test_call_sites_round_trip);
  g_test_add_func ("/stats/call-sites/merge-on-strip-and-sum-on-add", test_call_sites_strip_and_add);
  g_test_add_func ("/stats/info/add-sums-counted-facts", test_add_sums_counted_facts);
  g_test_add_func ("/stats/call-sites/corrupt-extra-object-names-where-it-starts", test_call_sites_corrupt_extra);

  return g_test_run ();
}
