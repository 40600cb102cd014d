/* detprof-stats-sort.c: pstats' sort_stats, and the order the reports
 * print the rows in.
 *
 * A sort is a list of keys, each an unambiguous prefix of one of pstats'
 * names (calls, cumulative, filename, ...), or one of the old integer
 * keys; rows compare key by key, as pstats' TupleComp does, and ties keep
 * the table's order (the sort is stable).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-report-private.h"
#include "detprof-stats-table-private.h"


typedef enum
{
  FIELD_CC,
  FIELD_NC,
  FIELD_TT,
  FIELD_CT,
  FIELD_FILE,
  FIELD_LINE,
  FIELD_NAME,
  FIELD_STDNAME,
} SortField;

typedef struct
{
  SortField field;
  int       direction;  /* 1: smaller first; -1: larger first */
} SortColumn;

typedef struct
{
  const char *key;
  const char *description;  /* the "Ordered by" text */
  guint       n_columns;
  SortColumn  columns[3];
} SortKeyDef;

/* pstats' sort_arg_dict_default, in its order: the abbreviation rule
 * depends on it. */
static const SortKeyDef sort_keys[] = {
  { "calls", "call count", 1, { { FIELD_NC, -1 } } },
  { "ncalls", "call count", 1, { { FIELD_NC, -1 } } },
  { "cumtime", "cumulative time", 1, { { FIELD_CT, -1 } } },
  { "cumulative", "cumulative time", 1, { { FIELD_CT, -1 } } },
  { "filename", "file name", 1, { { FIELD_FILE, 1 } } },
  { "line", "line number", 1, { { FIELD_LINE, 1 } } },
  { "module", "file name", 1, { { FIELD_FILE, 1 } } },
  { "name", "function name", 1, { { FIELD_NAME, 1 } } },
  { "nfl", "name/file/line", 3, { { FIELD_NAME, 1 }, { FIELD_FILE, 1 }, { FIELD_LINE, 1 } } },
  { "pcalls", "primitive call count", 1, { { FIELD_CC, -1 } } },
  { "stdname", "standard name", 1, { { FIELD_STDNAME, 1 } } },
  { "time", "internal time", 1, { { FIELD_TT, -1 } } },
  { "tottime", "internal time", 1, { { FIELD_TT, -1 } } },
};

/* pstats' get_sort_arg_defs: every prefix of every key maps to it, walking
 * each key from the full word down, except that a prefix met a second time
 * is dropped, and that walk stops there. So "cu" is kept: the walk down
 * "cumulative" stopped at "cum", already seen in "cumtime". */
static GHashTable *
build_abbreviations (void)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer prefix;
  gsize i, len;

  for (i = 0; i < G_N_ELEMENTS (sort_keys); i++)
    for (len = strlen (sort_keys[i].key); len > 0; len--)
      {
        char *fragment = g_strndup (sort_keys[i].key, len);

        if (g_hash_table_contains (table, fragment))
          {
            g_hash_table_add (shared, fragment);
            break;
          }
        g_hash_table_insert (table, fragment, (gpointer) &sort_keys[i]);
      }

  g_hash_table_iter_init (&iter, shared);
  while (g_hash_table_iter_next (&iter, &prefix, NULL))
    g_hash_table_remove (table, prefix);

  return g_steal_pointer (&table);
}

static void
set_sort_key_error (const char  *word,
                    GError     **error)
{
  g_autoptr(GString) valid = g_string_new (NULL);
  guint n_matches = 0;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (sort_keys); i++)
    {
      g_string_append_printf (valid, "%s%s", i > 0 ? ", " : "", sort_keys[i].key);
      if (g_str_has_prefix (sort_keys[i].key, word))
        n_matches++;
    }

  g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT,
               "%s sort key “%s”; valid sort keys (unique prefixes are accepted): %s",
               n_matches > 1 && word[0] != '\0' ? "Ambiguous" : "Unknown", word, valid->str);
}

/* A row as the sort sees it. The numbers are copied from the entry, so
 * that comparing two records reads only the records, which lie together,
 * and not the entries, which a big table spreads over the heap. */
typedef struct
{
  gint64       cc;
  gint64       nc;
  double       tt;
  double       ct;
  gint64       line;
  const Entry *entry;  /* for the file and the name */
  char        *label;  /* owned; NULL unless the sort compares labels */
  guint        index;
} SortRecord;

static int
compare_int64 (gint64 a,
               gint64 b)
{
  return (a > b) - (a < b);
}

/* Python's < and > on floats: a NaN is neither, so it ties. */
static int
compare_double (double a,
                double b)
{
  return (a > b) - (a < b);
}

static int
compare_strings (const char *a,
                 const char *b)
{
  int result = strcmp (a, b);

  return (result > 0) - (result < 0);
}

static int
compare_field (const SortRecord *a,
               const SortRecord *b,
               SortField         field)
{
  switch (field)
    {
    case FIELD_CC:
      return compare_int64 (a->cc, b->cc);
    case FIELD_NC:
      return compare_int64 (a->nc, b->nc);
    case FIELD_TT:
      return compare_double (a->tt, b->tt);
    case FIELD_CT:
      return compare_double (a->ct, b->ct);
    case FIELD_FILE:
      return compare_strings (a->entry->key.file, b->entry->key.file);
    case FIELD_LINE:
      return compare_int64 (a->line, b->line);
    case FIELD_NAME:
      return compare_strings (a->entry->key.name, b->entry->key.name);
    case FIELD_STDNAME:
      return compare_strings (a->label, b->label);
    default:
      g_assert_not_reached ();
    }
}

/* pstats' TupleComp.compare: the first field that differs decides. */
static int
compare_records (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  GArray *columns = user_data;
  guint i;

  for (i = 0; i < columns->len; i++)
    {
      const SortColumn *column = &g_array_index (columns, SortColumn, i);
      int result = compare_field (a, b, column->field);

      if (result != 0)
        return result * column->direction;
    }

  return 0;
}

/* Python's list.sort is stable, and so is g_qsort_with_data (a merge sort):
 * ties keep dict order. */
static void
sort_rows (DetprofStats *self,
           GArray       *columns)
{
  g_autofree SortRecord *records = g_new0 (SortRecord, MAX (self->n_functions, 1));
  gboolean by_label = FALSE;
  guint i;

  /* Labels are made only for a sort that compares them. */
  for (i = 0; i < columns->len; i++)
    by_label |= g_array_index (columns, SortColumn, i).field == FIELD_STDNAME;

  for (i = 0; i < self->n_functions; i++)
    {
      const Entry *entry = _detprof_stats_entry (self, i);

      records[i].cc = entry->cc;
      records[i].nc = entry->nc;
      records[i].tt = entry->tt.value;
      records[i].ct = entry->ct.value;
      records[i].line = entry->key.line;
      records[i].entry = entry;
      records[i].label = by_label ? _detprof_stats_key_label (&entry->key) : NULL;
      records[i].index = i;
    }

  g_qsort_with_data (records, (int) self->n_functions, sizeof (SortRecord),
                     compare_records, columns);

  _detprof_stats_forget_sort (self);
  self->order = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->n_functions);
  for (i = 0; i < self->n_functions; i++)
    {
      g_array_append_val (self->order, records[i].index);
      g_free (records[i].label);
    }
}

/**
 * detprof_stats_sort:
 * @self: a #DetprofStats
 * @keys: (array zero-terminated=1) (nullable): the sort keys, most
 *   significant first, or %NULL
 * @error: return location for a #GError, or %NULL
 *
 * Sorts the table for the reports, as `Stats.sort_stats(*keys)` does. The
 * keys are calls, ncalls, cumtime, cumulative, filename, line, module,
 * name, nfl, pcalls, stdname, time and tottime, or any unambiguous prefix
 * of them. The sort is stable: ties keep the table order. With no keys the
 * reports go back to table order ("Random listing order was used").
 *
 * An unknown or ambiguous key is %DETPROF_ERROR_INVALID_ARGUMENT, with a
 * message listing the valid keys, and leaves @self unchanged.
 *
 * Returns: %TRUE on success, %FALSE if @error is set
 *
 * Since: 0.1
 */
gboolean
detprof_stats_sort (DetprofStats       *self,
                    const char * const *keys,
                    GError            **error)
{
  g_autoptr(GHashTable) abbreviations = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GString) sort_type = NULL;
  gsize i;

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (keys == NULL || keys[0] == NULL)
    {
      _detprof_stats_forget_sort (self);
      return TRUE;
    }

  abbreviations = build_abbreviations ();
  columns = g_array_new (FALSE, FALSE, sizeof (SortColumn));
  sort_type = g_string_new (NULL);

  for (i = 0; keys[i] != NULL; i++)
    {
      const SortKeyDef *def = g_hash_table_lookup (abbreviations, keys[i]);

      if (def == NULL)
        {
          set_sort_key_error (keys[i], error);
          return FALSE;
        }

      g_array_append_vals (columns, def->columns, def->n_columns);
      g_string_append_printf (sort_type, "%s%s", i > 0 ? ", " : "", def->description);
    }

  sort_rows (self, columns);
  g_free (self->sort_type);
  self->sort_type = g_string_free (g_steal_pointer (&sort_type), FALSE);

  return TRUE;
}

/**
 * detprof_stats_sort_legacy:
 * @self: a #DetprofStats
 * @key: -1 (standard name), 0 (call count), 1 (internal time) or 2
 *   (cumulative time)
 * @error: return location for a #GError, or %NULL
 *
 * Sorts by one of the numeric keys of the old profiler, as
 * `Stats.sort_stats(key)` with an int does.
 *
 * Returns: %TRUE on success, %FALSE if @error is set
 *   (%DETPROF_ERROR_INVALID_ARGUMENT for any other @key)
 *
 * Since: 0.1
 */
gboolean
detprof_stats_sort_legacy (DetprofStats  *self,
                           int            key,
                           GError       **error)
{
  static const char * const names[] = { "stdname", "calls", "time", "cumulative" };
  const char *keys[2] = { NULL, NULL };

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (key < -1 || key > 2)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT,
                   "Invalid numeric sort key %d: expected -1 (standard name), "
                   "0 (call count), 1 (internal time) or 2 (cumulative time)", key);
      return FALSE;
    }

  keys[0] = names[key + 1];
  return detprof_stats_sort (self, keys, error);
}

/**
 * detprof_stats_reverse_order:
 * @self: a #DetprofStats
 *
 * Reverses the sorted order, if there is one, as `Stats.reverse_order()`
 * does. The "Ordered by" text does not change.
 *
 * Since: 0.1
 */
void
detprof_stats_reverse_order (DetprofStats *self)
{
  guint i, n;

  g_return_if_fail (DETPROF_IS_STATS (self));

  if (self->order == NULL)
    return;

  n = self->order->len;
  for (i = 0; i < n / 2; i++)
    {
      guint first = g_array_index (self->order, guint, i);

      g_array_index (self->order, guint, i) = g_array_index (self->order, guint, n - 1 - i);
      g_array_index (self->order, guint, n - 1 - i) = first;
    }
}

/**
 * detprof_stats_get_sort_type:
 * @self: a #DetprofStats
 *
 * Gets the description of the last successful sort, as reports print it
 * after "Ordered by:", e.g. "internal time, function name". It survives
 * detprof_stats_add() and detprof_stats_strip_dirs(), which forget the
 * order itself.
 *
 * Returns: (nullable): the description, or %NULL if @self was never sorted
 *
 * Since: 0.1
 */
const char *
detprof_stats_get_sort_type (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);

  return self->sort_type;
}


static int
compare_string_pointers (gconstpointer a,
                         gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char **
_detprof_stats_list_sort_abbreviations (void)
{
  g_autoptr(GHashTable) abbreviations = build_abbreviations ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, abbreviations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));

  g_ptr_array_sort (keys, compare_string_pointers);
  g_ptr_array_add (keys, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
}

