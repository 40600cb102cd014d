/* fuzz-marshal.c: a libFuzzer target for the marshal reader and the two
 * readers of stats dumps.
 *
 * Any input must either fail with DETPROF_ERROR_CORRUPT or give a tree
 * whose strings are valid UTF-8. A tree that the writer can write must
 * then survive a round trip: reading what we wrote consumes all of it, and
 * writing that again gives the same bytes.
 *
 * The same input is then a stats dump. The stream reader
 * (detprof-stats-load.c) may decline it, leaving its table empty; if it
 * takes it, the tree reader must take it too, consume as many bytes and
 * give the very same table. Loading it the public way must succeed or
 * fail with DETPROF_ERROR_CORRUPT.
 *
 * References let a small input describe a tree whose expansion is
 * exponential (each level a tuple of two references to the one below), so
 * the round trip is only tried on trees of a bounded expanded size.
 *
 * Build and run (from the top of the source tree, with a configured build
 * directory for config.h):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src -I src/base -I src/stats -I BUILDDIR \
 *     $(pkg-config --cflags gobject-2.0) tests/fuzz-marshal.c \
 *     src/base/detprof-marshal.c src/base/detprof-error.c src/stats/detprof-stats.c \
 *     src/stats/detprof-stats-load.c src/stats/detprof-report.c \
 *     $(pkg-config --libs gobject-2.0) -lm -o fuzz-marshal
 *   ./fuzz-marshal -max_total_time=60 tests/marshal-fixtures
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-load-private.h"

#define MAX_EXPANDED_NODES 100000

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static gboolean
is_python_utf8 (const char *s,
                gsize       len)
{
  gsize i = 0;

  /* NUL is a valid character of a Python string. */
  while (i < len)
    {
      gunichar c;

      if (s[i] == '\0')
        {
          i++;
          continue;
        }
      c = g_utf8_get_char_validated (s + i, (gssize) (len - i));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      i += (gsize) g_utf8_skip[(guint8) s[i]];
    }
  return s[len] == '\0';
}

/* Checks the invariants of @value and counts, up to the limit, the nodes
 * of its expanded tree into @nodes. Returns whether it can be written. */
static gboolean
check_value (const DetprofMarshalValue *value,
             gsize                     *nodes)
{
  gboolean writable = TRUE;
  gsize i;

  check (value != NULL && value->ref_count > 0);
  if (++*nodes > MAX_EXPANDED_NODES)
    return FALSE;

  switch (value->type)
    {
    case DETPROF_MARSHAL_STR:
      check (is_python_utf8 (value->u.s.data, value->u.s.len));
      return TRUE;
    case DETPROF_MARSHAL_BYTES:
      check (value->u.s.data[value->u.s.len] == '\0');
      return TRUE;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
      for (i = 0; i < value->u.seq.n && *nodes <= MAX_EXPANDED_NODES; i++)
        writable &= check_value (value->u.seq.items[i], nodes);
      return writable && (value->type == DETPROF_MARSHAL_TUPLE ||
                          value->type == DETPROF_MARSHAL_LIST);
    case DETPROF_MARSHAL_DICT:
      for (i = 0; i < value->u.dict.n && *nodes <= MAX_EXPANDED_NODES; i++)
        {
          writable &= check_value (value->u.dict.keys[i], nodes);
          writable &= check_value (value->u.dict.values[i], nodes);
        }
      return writable;
    case DETPROF_MARSHAL_CODE:
      check (g_utf8_validate (value->u.code.name, -1, NULL));
      check (g_utf8_validate (value->u.code.file, -1, NULL));
      return FALSE;
    case DETPROF_MARSHAL_NONE:
    case DETPROF_MARSHAL_BOOL:
    case DETPROF_MARSHAL_INT:
    case DETPROF_MARSHAL_FLOAT:
      return TRUE;
    case DETPROF_MARSHAL_COMPLEX:
    case DETPROF_MARSHAL_ELLIPSIS:
    case DETPROF_MARSHAL_STOPITER:
      return FALSE;
    default:
      abort ();
    }
}

static gboolean
same_time (DetprofTime a,
           DetprofTime b)
{
  return memcmp (&a.value, &b.value, sizeof a.value) == 0 && a.is_int == b.is_int;
}

static gboolean
same_arc (const DetprofCallerArc *a,
          const DetprofCallerArc *b)
{
  return a->caller == b->caller && a->style == b->style && a->nc == b->nc
         && a->cc == b->cc && same_time (a->tt, b->tt) && same_time (a->ct, b->ct);
}

static void
check_same_table (DetprofStats *a,
                  DetprofStats *b)
{
  guint i, j;

  check (detprof_stats_get_n_functions (a) == detprof_stats_get_n_functions (b));
  check (_detprof_stats_get_n_keys (a) == _detprof_stats_get_n_keys (b));
  for (i = 0; i < _detprof_stats_get_n_keys (a); i++)
    {
      const DetprofFunctionStats *x = detprof_stats_get_function (a, i);
      const DetprofFunctionStats *y = detprof_stats_get_function (b, i);

      check (strcmp (x->file, y->file) == 0 && x->line == y->line
             && strcmp (x->name, y->name) == 0);
      check (x->cc == y->cc && x->nc == y->nc && same_time (x->tt, y->tt)
             && same_time (x->ct, y->ct));
      check (x->n_callers == y->n_callers);
      for (j = 0; j < x->n_callers; j++)
        check (same_arc (&x->callers[j], &y->callers[j]));
    }
}

static void
check_stats_readers (const guint8 *data,
                     size_t        size)
{
  g_autoptr(DetprofStats) stream = detprof_stats_new ();
  g_autoptr(DetprofStats) tree = detprof_stats_new ();
  g_autoptr(DetprofStats) loaded = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  gsize stream_consumed = 0, tree_consumed = 0;

  if (_detprof_stats_load_stream (stream, data, size, &stream_consumed))
    {
      check (_detprof_stats_load_tree (tree, data, size, &tree_consumed, &error));
      check (stream_consumed == tree_consumed);
      check_same_table (stream, tree);
    }
  else
    check (_detprof_stats_get_n_keys (stream) == 0);

  g_clear_error (&error);
  loaded = detprof_stats_new_from_bytes (bytes, NULL, &error);
  check (loaded != NULL || g_error_matches (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(DetprofMarshalValue) value = NULL;
  g_autoptr(DetprofMarshalValue) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) first = NULL;
  g_autoptr(GByteArray) second = NULL;
  gsize consumed = 0, nodes = 0;

  check_stats_readers (data, size);

  value = _detprof_marshal_read (data, size, &consumed, &error);
  if (value == NULL)
    {
      check (g_error_matches (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT));
      check (g_str_has_prefix (error->message, "at byte "));
      return 0;
    }
  check (error == NULL);
  check (consumed > 0 && consumed <= size);

  if (!check_value (value, &nodes) || nodes > MAX_EXPANDED_NODES)
    return 0;

  first = g_byte_array_new ();
  _detprof_marshal_write (first, value);
  again = _detprof_marshal_read (first->data, first->len, &consumed, &error);
  check (again != NULL && error == NULL);
  check (consumed == first->len);

  second = g_byte_array_new ();
  _detprof_marshal_write (second, again);
  check (second->len == first->len);
  check (memcmp (second->data, first->data, first->len) == 0);
  return 0;
}
