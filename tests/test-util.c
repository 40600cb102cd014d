/* test-util.c: what the test programs share (see test-util.h).
 *
 * Every helper here fails the test that calls it, with a message that
 * says what was missing, rather than return something the test would have
 * to check.
 */
#include "config.h"

#include <string.h>

#include <math.h>

#include <glib/gstdio.h>

#include "detprof-report-private.h"
#include "test-util.h"

/* ---- reading statistics ---- */

/* The row of the function called @name, which must exist. */
const DetprofFunctionStats *
find_function (DetprofStats *stats,
               const char   *name)
{
  const DetprofFunctionStats *f = detprof_stats_lookup_name (stats, name);

  if (f == NULL)
    g_test_message ("no function %s in the statistics", name);
  g_assert_nonnull (f);
  return f;
}

/* The arc into @callee from the function called @caller, which must exist. */
const DetprofCallerArc *
find_arc (DetprofStats *stats,
          const char   *callee,
          const char   *caller)
{
  const DetprofFunctionStats *f = find_function (stats, callee);
  guint i;

  for (i = 0; i < f->n_callers; i++)
    if (g_strcmp0 (detprof_stats_get_function (stats, f->callers[i].caller)->name, caller) == 0)
      return &f->callers[i];
  g_test_message ("no arc from %s into %s", caller, callee);
  g_assert_not_reached ();
  return NULL;
}

/* @name's ncalls are @nc/@cc, as pstats prints them. */
void
assert_calls (DetprofStats *stats,
              const char   *name,
              gint64        nc,
              gint64        cc)
{
  const DetprofFunctionStats *f = find_function (stats, name);

  g_assert_cmpint (f->nc, ==, nc);
  g_assert_cmpint (f->cc, ==, cc);
}

/* @name's row is (@nc/@cc, @tt, @ct), to the bit: the fake clocks make
 * every time exact. */
void
assert_function (DetprofStats *stats,
                 const char   *name,
                 gint64        nc,
                 gint64        cc,
                 double        tt,
                 double        ct)
{
  const DetprofFunctionStats *f = find_function (stats, name);

  g_test_message ("%s: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %.17g %.17g",
                  name, f->nc, f->cc, f->tt.value, f->ct.value);
  assert_calls (stats, name, nc, cc);
  g_assert_cmpfloat (f->tt.value, ==, tt);
  g_assert_cmpfloat (f->ct.value, ==, ct);
}

/* The same bits, and the same kind of number (an int or a float). */
static void
assert_same_time (DetprofTime expected,
                  DetprofTime actual)
{
  g_assert_cmpmem (&actual.value, sizeof actual.value, &expected.value, sizeof expected.value);
  g_assert_cmpint (actual.is_int, ==, expected.is_int);
}

/* Every key, of rows and of callers without one, in the same place, with
 * the same numbers and the same arcs: the same statistics, to the bit. */
void
assert_same_stats (DetprofStats *expected,
                   DetprofStats *actual)
{
  guint i, j;

  g_assert_cmpuint (detprof_stats_get_n_functions (actual), ==, detprof_stats_get_n_functions (expected));
  g_assert_cmpuint (_detprof_stats_get_n_keys (actual), ==, _detprof_stats_get_n_keys (expected));

  for (i = 0; i < _detprof_stats_get_n_keys (expected); i++)
    {
      const DetprofFunctionStats *e = detprof_stats_get_function (expected, i);
      const DetprofFunctionStats *a = detprof_stats_get_function (actual, i);

      g_assert_cmpstr (a->file, ==, e->file);
      g_assert_cmpint (a->line, ==, e->line);
      g_assert_cmpstr (a->name, ==, e->name);
      g_assert_cmpint (a->nc, ==, e->nc);
      g_assert_cmpint (a->cc, ==, e->cc);
      assert_same_time (e->tt, a->tt);
      assert_same_time (e->ct, a->ct);
      g_assert_cmpuint (a->n_callers, ==, e->n_callers);
      for (j = 0; j < e->n_callers; j++)
        {
          g_assert_cmpuint (a->callers[j].caller, ==, e->callers[j].caller);
          g_assert_cmpint (a->callers[j].style, ==, e->callers[j].style);
          g_assert_cmpint (a->callers[j].nc, ==, e->callers[j].nc);
          g_assert_cmpint (a->callers[j].cc, ==, e->callers[j].cc);
          assert_same_time (e->callers[j].tt, a->callers[j].tt);
          assert_same_time (e->callers[j].ct, a->callers[j].ct);
        }
    }
}

/* ---- reading paths ---- */

/* The bounds of a row's nodes add up to its own (both NaN when the
 * profile has none), if the timer's resolution, which adds as a square
 * root, is 0, as the fake clocks' is. */
static void
assert_bounds_add_up (DetprofStats *stats,
                      guint         row,
                      double        tt_bound,
                      double        ct_bound)
{
  double tt, ct;

  if (!detprof_stats_get_bounds (stats, row, &tt, &ct))
    {
      g_assert_true (isnan (tt_bound) && isnan (ct_bound));
      return;
    }
  g_assert_cmpfloat (tt_bound, ==, tt);
  g_assert_cmpfloat (ct_bound, ==, ct);
}

void
assert_paths_add_up (DetprofStats *stats)
{
  guint n_rows = detprof_stats_get_n_functions (stats);
  g_autofree gint64 *nc = g_new0 (gint64, MAX (n_rows, 1));
  g_autofree gint64 *cc = g_new0 (gint64, MAX (n_rows, 1));
  g_autofree double *tt = g_new0 (double, MAX (n_rows, 1));
  g_autofree double *ct = g_new0 (double, MAX (n_rows, 1));
  g_autofree double *tt_bound = g_new0 (double, MAX (n_rows, 1));
  g_autofree double *ct_bound = g_new0 (double, MAX (n_rows, 1));
  guint i;

  for (i = 0; i < detprof_stats_get_n_path_nodes (stats); i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);

      g_assert_cmpuint (node->function, <, n_rows);
      g_assert_true (node->parent == G_MAXUINT || node->parent < i);
      nc[node->function] += node->nc;
      cc[node->function] += node->cc;
      tt[node->function] += node->tt;
      ct[node->function] += node->ct;
      tt_bound[node->function] += node->tt_bound;
      ct_bound[node->function] += node->ct_bound;
    }
  for (i = 0; i < n_rows; i++)
    {
      const DetprofFunctionStats *f = detprof_stats_get_function (stats, i);

      g_test_message ("paths of %s: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %.17g %.17g",
                      f->name, nc[i], cc[i], tt[i], ct[i]);
      g_assert_cmpint (nc[i], ==, f->nc);
      g_assert_cmpint (cc[i], ==, f->cc);
      g_assert_cmpfloat (tt[i], ==, f->tt.value);
      g_assert_cmpfloat (ct[i], ==, f->ct.value);
      assert_bounds_add_up (stats, i, tt_bound[i], ct_bound[i]);
    }
}

char *
test_render_paths (DetprofStats *stats)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < detprof_stats_get_n_path_nodes (stats); i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);
      const char *name = detprof_stats_get_function (stats, node->function)->name;
      char *path = node->parent == G_MAXUINT ? g_strdup (name)
                   : g_strconcat (g_ptr_array_index (paths, node->parent), ">", name, NULL);

      g_ptr_array_add (paths, path);
      g_string_append_printf (out, "%u %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %g %g\n",
                              node->thread, path, node->nc, node->cc, node->tt, node->ct);
    }
  return g_string_free (out, FALSE);
}

/* ---- a fake clock ---- */

/* One number: the reading itself. */
double
fake_clock_read (gpointer clock)
{
  FakeClock *fake = clock;
  double now = fake->now;

  fake->now += fake->cost_of_reading;
  return now;
}

/* A count of timeunits: the clock's whole ticks. */
gint64
fake_clock_read_integer (gpointer clock)
{
  return (gint64) fake_clock_read (clock);
}

/* The same reading as (user, system): two parts whose sum is exact. */
void
fake_clock_read_pair (double   *values,
                      gpointer  clock)
{
  double now = fake_clock_read (clock);

  values[0] = floor (now * 0.75);
  values[1] = now - values[0];
}

/* The same reading in three parts, as profile.py's trace_dispatch_l reads. */
void
fake_clock_read_triple (double   *values,
                        gpointer  clock)
{
  double now = fake_clock_read (clock);

  values[0] = floor (now / 3);
  values[1] = values[0];
  values[2] = now - 2 * values[0];
}

/* ---- the worked example ---- */

const WorkedExample worked_example[3] = {
  { 1.0, 15, 35, 20 },
  { 0.0, 17, 38, 21 },
  { 0.5, 16, 36.5, 20.5 },
};

/* ---- files ---- */

/* A file of tests/stats-fixtures (made by its make-fixtures.py). */
char *
stats_fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "stats-fixtures", name, NULL);
}

DetprofStats *
load_stats_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = stats_fixture_path (name);
  DetprofStats *stats = detprof_stats_new_from_file (path, &error);

  g_assert_no_error (error);
  return stats;
}

/* Removes @path and everything in it. A link is removed, never followed:
 * some tests plant links to places the test does not own. */
void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* ---- the canonical text of a table ---- */

static void
render_text (GString    *out,
             const char *text)
{
  g_string_append_c (out, '\'');
  for (; *text != '\0'; text++)
    {
      guint8 c = (guint8) *text;

      if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\')
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  g_string_append_c (out, '\'');
}

static void
render_time (GString     *out,
             DetprofTime  time)
{
  guint64 bits;

  if (time.is_int)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) time.value);
      return;
    }
  memcpy (&bits, &time.value, sizeof bits);
  g_string_append_printf (out, "f:%016" G_GINT64_MODIFIER "x", bits);
}

static void
render_key (GString                    *out,
            const DetprofFunctionStats *function)
{
  g_string_append_c (out, '(');
  render_text (out, function->file);
  g_string_append_printf (out, ", %" G_GINT64_FORMAT ", ", function->line);
  render_text (out, function->name);
  g_string_append_c (out, ')');
}

static void
render_arc (GString                *out,
            const DetprofCallerArc *arc)
{
  if (arc->style == DETPROF_CALLER_COUNT)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, arc->nc);
      return;
    }
  g_string_append_printf (out, "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", ", arc->nc, arc->cc);
  render_time (out, arc->tt);
  g_string_append (out, ", ");
  render_time (out, arc->ct);
  g_string_append_c (out, ')');
}

char *
test_render_table (DetprofStats *stats)
{
  GString *out = g_string_new ("{");
  guint i, j;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

      if (i > 0)
        g_string_append (out, ", ");
      render_key (out, function);
      g_string_append_printf (out, ": (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", ",
                              function->cc, function->nc);
      render_time (out, function->tt);
      g_string_append (out, ", ");
      render_time (out, function->ct);
      g_string_append (out, ", {");
      for (j = 0; j < function->n_callers; j++)
        {
          if (j > 0)
            g_string_append (out, ", ");
          render_key (out, detprof_stats_get_function (stats, function->callers[j].caller));
          g_string_append (out, ": ");
          render_arc (out, &function->callers[j]);
        }
      g_string_append (out, "})");
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
