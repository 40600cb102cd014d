/* fuzz-marshal.c: a libFuzzer target for the reader of stats dumps
 * (detprof-stats-read.c).
 *
 * Any input must either fail with DETPROF_ERROR_CORRUPT and a message
 * that says where ("at byte N: ...", "entry N: ...", "detprof's extra
 * data (from byte N): ...") or give a table whose strings are valid UTF-8
 * and whose arcs name keys of the table. A table that loads must then
 * survive a round trip: what detprof writes of it loads again as the same
 * rows, callers, call sites and run facts, and writing that again gives
 * the same bytes. Loading the input the public way must agree.
 *
 * Build and run (from the top of the source tree, with a configured build
 * directory for config.h):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src -I src/base -I src/stats -I BUILDDIR \
 *     $(pkg-config --cflags gobject-2.0) tests/fuzz-marshal.c \
 *     src/base/detprof-marshal.c src/base/detprof-error.c src/stats/detprof-stats.c \
 *     src/stats/detprof-stats-read.c src/stats/detprof-report.c \
 *     src/stats/detprof-stats-write.c src/stats/detprof-stats-sort.c \
 *     $(pkg-config --libs gobject-2.0) -lm -o fuzz-marshal
 *   ./fuzz-marshal -max_total_time=60 tests/marshal-fixtures
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-report-private.h"
#include "detprof-stats-read-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static gboolean
is_located (const char *message)
{
  static const char *const starts[] = {
    "at byte ", "entry ", "expected ", "the dump holds no functions", "detprof's extra data (from byte ",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (starts); i++)
    if (g_str_has_prefix (message, starts[i]))
      return TRUE;
  return FALSE;
}

/* The writer turns an int time back into an integer: one beyond gint64
 * cannot be. */
static gboolean
is_writable_time (DetprofTime time)
{
  return !time.is_int || fabs (time.value) < 9223372036854775808.0;
}

/* Checks what any table must be; returns whether it can be written. */
static gboolean
check_table (DetprofStats *stats)
{
  guint n_keys = _detprof_stats_get_n_keys (stats);
  gboolean writable = TRUE;
  guint i, j;

  check (detprof_stats_get_n_functions (stats) > 0);
  check (detprof_stats_get_n_functions (stats) <= n_keys);
  for (i = 0; i < n_keys; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

      check (g_utf8_validate (function->file, -1, NULL));
      check (g_utf8_validate (function->name, -1, NULL));
      writable &= is_writable_time (function->tt) && is_writable_time (function->ct);
      for (j = 0; j < function->n_callers; j++)
        {
          check (function->callers[j].caller < n_keys);
          writable &= is_writable_time (function->callers[j].tt)
                      && is_writable_time (function->callers[j].ct);
        }
    }
  for (i = 0; i < detprof_stats_get_n_call_sites (stats); i++)
    check (g_utf8_validate (detprof_stats_get_call_site (stats, i)->file, -1, NULL));
  return writable;
}

static gboolean
same_time (DetprofTime a,
           DetprofTime b)
{
  return memcmp (&a.value, &b.value, sizeof a.value) == 0 && a.is_int == b.is_int;
}

static gboolean
same_key (DetprofStats *a,
          guint         x,
          DetprofStats *b,
          guint         y)
{
  const DetprofFunctionStats *f = detprof_stats_get_function (a, x);
  const DetprofFunctionStats *g = detprof_stats_get_function (b, y);

  return strcmp (f->file, g->file) == 0 && f->line == g->line && strcmp (f->name, g->name) == 0;
}

/* The same rows in the same order, with the same callers (named by key:
 * keys that are only callers may be numbered otherwise). */
static void
check_same_rows (DetprofStats *a,
                 DetprofStats *b)
{
  guint i, j;

  check (detprof_stats_get_n_functions (a) == detprof_stats_get_n_functions (b));
  for (i = 0; i < detprof_stats_get_n_functions (a); i++)
    {
      const DetprofFunctionStats *x = detprof_stats_get_function (a, i);
      const DetprofFunctionStats *y = detprof_stats_get_function (b, i);

      check (same_key (a, i, b, i));
      check (x->cc == y->cc && x->nc == y->nc && same_time (x->tt, y->tt) && same_time (x->ct, y->ct));
      check (x->n_callers == y->n_callers);
      for (j = 0; j < x->n_callers; j++)
        {
          const DetprofCallerArc *p = &x->callers[j], *q = &y->callers[j];

          check (same_key (a, p->caller, b, q->caller));
          check (p->style == q->style && p->nc == q->nc && p->cc == q->cc
                 && same_time (p->tt, q->tt) && same_time (p->ct, q->ct));
        }
    }
  check (detprof_stats_get_n_call_sites (a) == detprof_stats_get_n_call_sites (b));
  check (g_strv_equal (detprof_stats_list_info (a), detprof_stats_list_info (b)));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(DetprofStats) again = NULL;
  g_autoptr(DetprofStats) loaded = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) public_error = NULL;
  gsize dict_len = 0;
  gboolean ok;

  ok = _detprof_stats_read (stats, data, size, &dict_len, &error);
  loaded = detprof_stats_new_from_bytes (input, NULL, &public_error);
  check ((loaded != NULL) == ok);
  if (!ok)
    {
      check (g_error_matches (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT));
      check (g_utf8_validate (error->message, -1, NULL) && is_located (error->message));
      check (g_strcmp0 (error->message, public_error->message) == 0);
      return 0;
    }
  check (error == NULL);
  check (dict_len > 0 && dict_len <= size);

  if (!check_table (stats))
    return 0;
  first = detprof_stats_to_bytes (stats);
  again = detprof_stats_new_from_bytes (first, NULL, &error);
  check (again != NULL && error == NULL);
  check_same_rows (stats, again);
  second = detprof_stats_to_bytes (again);
  check (g_bytes_equal (first, second));
  return 0;
}
