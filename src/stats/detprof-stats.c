/* detprof-stats.c: the statistics table, as Python's pstats.Stats keeps it.
 *
 * A stats dump is one Python dictionary, {(file, line, name): (cc, nc, tt,
 * ct, callers)}, and an unsorted report prints it in the dictionary's
 * insertion order. So the table is an array of rows in that order, plus a
 * hash from key to index. Every operation here (load, add, strip_dirs,
 * sort) transcribes the pstats method of the same name, ordering rules
 * included, because the order is part of the output.
 *
 * A caller arc names its caller by index. A dump may name a caller that has
 * no row of its own (pstats accepts it); such a key still gets an index,
 * after every row, so that the rows are always 0 .. n_functions - 1. When
 * such a key later gets a row, it is swapped into place and the arcs are
 * renumbered.
 *
 * The table's types are in detprof-stats-table-private.h, for the other
 * files that work on it: a dump is read straight into the table by
 * detprof-stats-read.c and written straight from it by
 * detprof-stats-write.c; detprof-stats-sort.c sorts it; the report
 * layouts are in detprof-report.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-paths-private.h"
#include "detprof-stats-private.h"
#include "detprof-stats-read-private.h"
#include "detprof-stats-table-private.h"


/**
 * SECTION:detprof-stats
 * @title: DetprofStats
 * @short_description: profile statistics, as Python's pstats keeps and prints them
 *
 * A #DetprofStats is what `pstats.Stats` is in Python: the table of a
 * stats dump, one row per function, with its calls, its internal and
 * cumulative times and the arcs from its callers. It loads the dumps of
 * detprof, cProfile and profile (detprof_stats_new_from_file()), adds them
 * up (detprof_stats_add()), sorts them (detprof_stats_sort()) and prints
 * the three pstats reports byte for byte (detprof_stats_print_stats(),
 * detprof_stats_print_callers(), detprof_stats_print_callees()). It writes
 * dumps that Python's pstats loads (detprof_stats_dump()).
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(DetprofStats) stats = detprof_stats_new_from_file ("run.prof", &error);
 * const char * const keys[] = { "cumulative", NULL };
 * DetprofRestriction top = { DETPROF_RESTRICTION_COUNT, 20, 0.0, NULL };
 * g_autoptr(GString) out = g_string_new (NULL);
 *
 * if (stats == NULL || !detprof_stats_sort (stats, keys, &error))
 *   g_error ("%s", error->message);
 * detprof_stats_print_stats (stats, out, &top, 1);
 * fputs (out->str, stdout);
 * ]|
 */

G_DEFINE_FINAL_TYPE (DetprofStats, detprof_stats, G_TYPE_OBJECT)

/* pstats' fresh entry is (0, 0, 0, 0, {}) with integer zeros: adding
 * integer times to it keeps them integers. */
static const DetprofTime int_zero = { 0.0, TRUE };

/* Counts add as Python's ints do, except that ours have 64 bits: past
 * that they wrap around (without the undefined behaviour of a signed
 * overflow). Only a hand-made dump gets there. */
static gint64
add_counts (gint64 a,
            gint64 b)
{
  return (gint64) ((guint64) a + (guint64) b);
}

/* ---------------------------------------------------------------------- */
/* Keys and entries                                                        */

guint
_detprof_stats_text_hash_func (gconstpointer data)
{
  return _detprof_text_hash (data);
}

static guint
key_hash (gconstpointer data)
{
  const Key *key = data;

  return _detprof_text_hash (key->file) * 31u + _detprof_text_hash (key->name) * 17u + (guint) key->line;
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  const Key *key_a = a;
  const Key *key_b = b;

  return key_a->line == key_b->line
         && strcmp (key_a->name, key_b->name) == 0
         && strcmp (key_a->file, key_b->file) == 0;
}

/* pstats' func_std_string: "{…}" for cProfile's built-ins, else
 * "file:line(name)". */
char *
_detprof_stats_key_label (const Key *key)
{
  gsize len;

  if (strcmp (key->file, "~") != 0 || key->line != 0)
    return g_strdup_printf ("%s:%" G_GINT64_FORMAT "(%s)", key->file, key->line, key->name);

  len = strlen (key->name);
  if (len >= 2 && key->name[0] == '<' && key->name[len - 1] == '>')
    return g_strdup_printf ("{%.*s}", (int) (len - 2), key->name + 1);

  return g_strdup (key->name);
}

gboolean
_detprof_text_is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* How many characters printf ("%" G_GINT64_FORMAT) gives for @value. */
static guint
decimal_width (gint64 value)
{
  guint64 magnitude = value < 0 ? 0 - (guint64) value : (guint64) value;
  guint width = value < 0 ? 2 : 1;

  for (; magnitude >= 10; magnitude /= 10)
    width++;
  return width;
}

/* The length of _detprof_stats_key_label (), in code points. A big table has a hundred
 * thousand labels to measure: an ASCII key, which is the usual one, is
 * measured without making its label. */
static guint
key_label_width (const Key *key)
{
  g_autofree char *label = NULL;

  if (!_detprof_text_is_ascii (key->file) || !_detprof_text_is_ascii (key->name))
    {
      label = _detprof_stats_key_label (key);
      return (guint) g_utf8_strlen (label, -1);
    }

  /* "{…}" is as long as "<…>", and a bare name is itself. */
  if (strcmp (key->file, "~") == 0 && key->line == 0)
    return (guint) strlen (key->name);

  /* "file:line(name)" */
  return (guint) (strlen (key->file) + decimal_width (key->line) + strlen (key->name) + 3);
}

static void
arc_list_append (ArcList                *list,
                 const DetprofCallerArc *arc)
{
  /* Full, or borrowed. Most functions have one caller: the list starts
   * with room for one, and doubles. */
  if (list->len >= list->size)
    {
      guint size = MAX (1, 2 * list->len);
      DetprofCallerArc *items = g_new (DetprofCallerArc, size);

      if (list->len > 0)
        memcpy (items, list->items, list->len * sizeof *items);
      if (list->size > 0)
        g_free (list->items);
      list->items = items;
      list->size = size;
    }
  list->items[list->len++] = *arc;
}

static void
arc_list_clear (ArcList *list)
{
  if (list->size > 0)
    g_free (list->items);
  list->items = NULL;
  list->len = 0;
  list->size = 0;
}

/* A new entry with zero counts and no callers, whose strings are already
 * in the table's string pool: the entries of a big table would otherwise
 * cost two allocations and two frees each. Its label is measured now,
 * while the strings are in the cache. */
static Entry *
entry_new (char   *file,
           gint64  line,
           char   *name)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->key.file = file;
  entry->key.line = line;
  entry->key.name = name;
  entry->tt = int_zero;
  entry->ct = int_zero;
  /* Nothing added yet, so nothing to be wrong by: each addition adds its
   * bounds, NaN (unknown) for numbers that came without them. */
  entry->tt_bound = 0.0;
  entry->ct_bound = 0.0;
  entry->label_width = key_label_width (&entry->key);

  return entry;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  arc_list_clear (&entry->callers);
  g_free (entry);
}

static gboolean
lookup_key (DetprofStats *self,
            const char   *file,
            gint64        line,
            const char   *name,
            guint        *index)
{
  Key probe = { (char *) file, line, (char *) name };
  const Entry *entry = g_hash_table_lookup (self->index, &probe);

  if (entry == NULL)
    return FALSE;

  *index = entry->index;
  return TRUE;
}

/* Gives @entry, whose key is new, the next index. */
static guint
append_entry (DetprofStats *self,
              Entry        *entry)
{
  entry->index = self->entries->len;
  g_ptr_array_add (self->entries, entry);
  g_hash_table_insert (self->index, &entry->key, entry);

  return entry->index;
}

/* The index of a key, which is given one (after every row) if it has none. */
static guint
ensure_key (DetprofStats *self,
            const char   *file,
            gint64        line,
            const char   *name)
{
  guint index;

  if (lookup_key (self, file, line, name, &index))
    return index;

  return append_entry (self, entry_new (g_string_chunk_insert (self->strings, file), line,
                                        g_string_chunk_insert (self->strings, name)));
}

static void
renumber_arcs (DetprofStats *self,
               guint         a,
               guint         b)
{
  guint i, j;

  for (i = 0; i < self->entries->len; i++)
    {
      ArcList *callers = &_detprof_stats_entry (self, i)->callers;

      for (j = 0; j < callers->len; j++)
        {
          DetprofCallerArc *arc = &callers->items[j];

          if (arc->caller == a)
            arc->caller = b;
          else if (arc->caller == b)
            arc->caller = a;
        }
    }
}

/* Both keys are past the rows, so the sorted order, which holds rows only,
 * is not affected. */
static void
swap_keys (DetprofStats *self,
           guint         a,
           guint         b)
{
  Entry *entry_a = _detprof_stats_entry (self, a);
  Entry *entry_b = _detprof_stats_entry (self, b);

  self->entries->pdata[a] = entry_b;
  self->entries->pdata[b] = entry_a;
  entry_a->index = b;
  entry_b->index = a;
  renumber_arcs (self, a, b);
}

/* The index of the row for a key, appended at the end of the dict if the
 * key has none yet. */
static guint
ensure_row (DetprofStats *self,
            const char   *file,
            gint64        line,
            const char   *name)
{
  guint index = ensure_key (self, file, line, name);

  if (index < self->n_functions)
    return index;

  if (index != self->n_functions)
    swap_keys (self, index, self->n_functions);

  return self->n_functions++;
}

void
_detprof_stats_forget_sort (DetprofStats *self)
{
  g_clear_pointer (&self->order, g_array_unref);
}

/* os.path.basename on POSIX: "a/b/" gives "". */
static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash != NULL ? slash + 1 : path;
}

/* ---------------------------------------------------------------------- */
/* Call sites and run facts: what detprof keeps beyond pstats' dict        */

static guint
call_site_hash (gconstpointer data)
{
  const CallSite *site = data;

  return g_direct_hash (site->caller) * 31 + g_direct_hash (site->callee) * 7
         + _detprof_text_hash (site->file) + (guint) site->line;
}

static gboolean
call_site_equal (gconstpointer a,
                 gconstpointer b)
{
  const CallSite *x = a, *y = b;

  return x->caller == y->caller && x->callee == y->callee
         && x->line == y->line && strcmp (x->file, y->file) == 0;
}

/* Adds a call site between two entries, or adds its numbers to an equal
 * one (same caller, callee, file and line: the same line seen from two
 * threads, or two processes' dumps added together). A site is one block:
 * its file name follows it. */
static void
add_bounded_call_site_between (DetprofStats *self,
                               Entry        *caller,
                               Entry        *callee,
                               const char   *file,
                               gint64        line,
                               gint64        nc,
                               gint64        cc,
                               double        tt,
                               double        ct,
                               double        tt_bound,
                               double        ct_bound)
{
  CallSite probe = { caller, callee, file, line, 0, 0, 0.0, 0.0, 0.0, 0.0, { 0 } };
  CallSite *site = g_hash_table_lookup (self->call_site_index, &probe);

  if (site == NULL)
    {
      gsize size = strlen (file) + 1;

      site = g_malloc0 (sizeof *site + size);
      memcpy (site + 1, file, size);
      site->caller = caller;
      site->callee = callee;
      site->file = (const char *) (site + 1);
      site->line = line;
      g_ptr_array_add (self->call_sites, site);
      g_hash_table_add (self->call_site_index, site);
    }
  site->nc = add_counts (site->nc, nc);
  site->cc = add_counts (site->cc, cc);
  site->tt += tt;
  site->ct += ct;
  site->tt_bound += tt_bound;
  site->ct_bound += ct_bound;
}

/* The same, for numbers without bounds (a dump's, until its extra object
 * gives them): the site then has none. */
static void
add_call_site_between (DetprofStats *self,
                       Entry        *caller,
                       Entry        *callee,
                       const char   *file,
                       gint64        line,
                       gint64        nc,
                       gint64        cc,
                       double        tt,
                       double        ct)
{
  add_bounded_call_site_between (self, caller, callee, file, line, nc, cc, tt, ct, NAN, NAN);
}

/* The same, between two keys, which are given entries if they have none. */
static void
add_call_site (DetprofStats *self,
               const Key    *caller,
               const Key    *callee,
               const char   *file,
               gint64        line,
               gint64        nc,
               gint64        cc,
               double        tt,
               double        ct)
{
  Entry *from = _detprof_stats_entry (self, ensure_key (self, caller->file, caller->line, caller->name));
  Entry *to = _detprof_stats_entry (self, ensure_key (self, callee->file, callee->line, callee->name));

  add_call_site_between (self, from, to, file, line, nc, cc, tt, ct);
}

static void
copy_call_sites (DetprofStats *self,
                 DetprofStats *other,
                 gboolean      strip)
{
  g_autoptr(GPtrArray) sites = g_ptr_array_new_full (other->call_sites->len, NULL);
  guint i;

  /* @other may be @self: iterate over a copy of the list (one that does
   * not own the sites, unlike g_ptr_array_copy()'s). */
  for (i = 0; i < other->call_sites->len; i++)
    g_ptr_array_add (sites, g_ptr_array_index (other->call_sites, i));
  for (i = 0; i < sites->len; i++)
    {
      const CallSite *site = g_ptr_array_index (sites, i);
      Key caller = site->caller->key, callee = site->callee->key;

      if (strip)
        {
          caller.file = (char *) base_name (caller.file);
          callee.file = (char *) base_name (callee.file);
        }
      add_bounded_call_site_between (self,
                                     _detprof_stats_entry (self, ensure_key (self, caller.file, caller.line, caller.name)),
                                     _detprof_stats_entry (self, ensure_key (self, callee.file, callee.line, callee.name)),
                                     strip ? base_name (site->file) : site->file,
                                     site->line, site->nc, site->cc, site->tt, site->ct,
                                     site->tt_bound, site->ct_bound);
    }
}

static void
set_info (DetprofStats *self,
          const char   *key,
          const char   *value)
{
  if (!g_hash_table_contains (self->info, key))
    g_ptr_array_insert (self->info_keys, self->info_keys->len - 1, g_strdup (key));
  g_hash_table_replace (self->info, g_strdup (key), g_strdup (value));
}

/* ---------------------------------------------------------------------- */
/* Adding numbers, as pstats' add_func_stats and add_callers do            */

static DetprofTime
time_add (DetprofTime a,
          DetprofTime b)
{
  DetprofTime sum = { a.value + b.value, a.is_int && b.is_int };

  return sum;
}

static DetprofTime
float_time (double value)
{
  DetprofTime time = { value, FALSE };

  return time;
}

/* Tuples add element-wise, counts add. Python raises TypeError when one arc
 * has a count on one side and a tuple on the other; we keep the tuple and
 * take the count as that many primitive calls with no time. */
static void
arc_add (DetprofCallerArc       *into,
         const DetprofCallerArc *from)
{
  if (into->style == DETPROF_CALLER_COUNT && from->style == DETPROF_CALLER_COUNT)
    {
      into->nc = add_counts (into->nc, from->nc);
      into->cc = into->nc;
      return;
    }

  if (into->style == DETPROF_CALLER_COUNT)
    {
      into->style = DETPROF_CALLER_TUPLE;
      into->cc = into->nc;
      into->tt = int_zero;
      into->ct = int_zero;
    }

  into->nc = add_counts (into->nc, from->nc);
  if (from->style == DETPROF_CALLER_TUPLE)
    {
      into->cc = add_counts (into->cc, from->cc);
      into->tt = time_add (into->tt, from->tt);
      into->ct = time_add (into->ct, from->ct);
    }
  else
    {
      into->cc = add_counts (into->cc, from->nc);
    }
}

static int
find_arc (const ArcList *callers,
          guint          caller)
{
  guint i;

  for (i = 0; i < callers->len; i++)
    if (callers->items[i].caller == caller)
      return (int) i;

  return -1;
}

static void
merge_arc (ArcList                *callers,
           const DetprofCallerArc *arc)
{
  int position = find_arc (callers, arc->caller);

  if (position >= 0)
    arc_add (&callers->items[position], arc);
  else
    arc_list_append (callers, arc);
}

/* Within one callers dict a repeated key replaces the earlier value and
 * keeps its place, as a Python dict assignment does. */
static void
set_arc (ArcList                *callers,
         const DetprofCallerArc *arc)
{
  int position = find_arc (callers, arc->caller);

  if (position >= 0)
    callers->items[position] = *arc;
  else
    arc_list_append (callers, arc);
}

/* Bounds add as the times do: each bound is a worst case for its own
 * part. An unknown one (NaN) makes the sum unknown. */
static void
add_numbers (Entry       *entry,
             gint64       cc,
             gint64       nc,
             DetprofTime  tt,
             DetprofTime  ct,
             double       tt_bound,
             double       ct_bound)
{
  entry->cc = add_counts (entry->cc, cc);
  entry->nc = add_counts (entry->nc, nc);
  entry->tt = time_add (entry->tt, tt);
  entry->ct = time_add (entry->ct, ct);
  entry->tt_bound += tt_bound;
  entry->ct_bound += ct_bound;
}

/* ---------------------------------------------------------------------- */
/* The bounds of caller arcs                                               */

static guint
arc_bounds_hash (gconstpointer data)
{
  const ArcBounds *bounds = data;

  return g_direct_hash (bounds->caller) * 31 + g_direct_hash (bounds->callee);
}

static gboolean
arc_bounds_equal (gconstpointer a,
                  gconstpointer b)
{
  const ArcBounds *x = a, *y = b;

  return x->caller == y->caller && x->callee == y->callee;
}

static GHashTable *
arc_bounds_new (void)
{
  return g_hash_table_new_full (arc_bounds_hash, arc_bounds_equal, g_free, NULL);
}

/* The bounds of the arc @caller -> @callee: NaN when it has none. */
void
_detprof_stats_get_arc_bounds (DetprofStats *self,
                const Entry  *caller,
                const Entry  *callee,
                double       *tt_bound,
                double       *ct_bound)
{
  ArcBounds probe = { caller, callee, 0.0, 0.0 };
  const ArcBounds *found = g_hash_table_lookup (self->arc_bounds, &probe);

  *tt_bound = found != NULL ? found->tt_bound : (double) NAN;
  *ct_bound = found != NULL ? found->ct_bound : (double) NAN;
}

static void
set_arc_bounds (DetprofStats *self,
                const Entry  *caller,
                const Entry  *callee,
                double        tt_bound,
                double        ct_bound)
{
  ArcBounds *bounds;

  if (isnan (tt_bound) && isnan (ct_bound))
    {
      ArcBounds probe = { caller, callee, 0.0, 0.0 };

      g_hash_table_remove (self->arc_bounds, &probe);
      return;
    }
  bounds = g_new (ArcBounds, 1);
  bounds->caller = caller;
  bounds->callee = callee;
  bounds->tt_bound = tt_bound;
  bounds->ct_bound = ct_bound;
  g_hash_table_replace (self->arc_bounds, bounds, bounds);
}

/* An arc's numbers were merged into @callee's callers (merge_arc ()):
 * its bounds are added to those of the arc that was there (@existed), or
 * become the new arc's. */
static void
merge_arc_bounds (DetprofStats *self,
                  const Entry  *caller,
                  const Entry  *callee,
                  gboolean      existed,
                  double        tt_bound,
                  double        ct_bound)
{
  double tt = 0.0, ct = 0.0;

  if (existed)
    _detprof_stats_get_arc_bounds (self, caller, callee, &tt, &ct);
  set_arc_bounds (self, caller, callee, tt + tt_bound, ct + ct_bound);
}

static guint
compute_max_name_len (DetprofStats *self)
{
  guint width = 0;
  guint i;

  for (i = 0; i < self->n_functions; i++)
    width = MAX (width, _detprof_stats_entry (self, i)->label_width);

  return width;
}

/* pstats' get_top_level_stats, which it runs once, when a Stats is built:
 * sums in dict order. */
static void
compute_top_level_stats (DetprofStats *self)
{
  guint jprofile = 0;
  gboolean has_jprofile;
  guint i;

  self->total_calls = 0;
  self->prim_calls = 0;
  self->total_tt = 0.0;
  has_jprofile = lookup_key (self, "jprofile", 0, "profiler", &jprofile);

  for (i = 0; i < self->n_functions; i++)
    {
      Entry *entry = _detprof_stats_entry (self, i);

      self->total_calls = add_counts (self->total_calls, entry->nc);
      self->prim_calls = add_counts (self->prim_calls, entry->cc);
      self->total_tt += entry->tt.value;
      entry->top_level = has_jprofile && find_arc (&entry->callers, jprofile) >= 0;
    }

  self->max_name_len = compute_max_name_len (self);
}

/* ---------------------------------------------------------------------- */
/* Filling an empty table: what the reader, detprof-stats-read.c, calls    */

guint
_detprof_stats_take_key (DetprofStats *self,
                         const char   *file,
                         gsize         file_len,
                         gint64        line,
                         const char   *name,
                         gsize         name_len)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);
  g_return_val_if_fail (self->n_functions == 0, 0);

  return append_entry (self, entry_new (g_string_chunk_insert_len (self->strings, file, (gssize) file_len),
                                        line,
                                        g_string_chunk_insert_len (self->strings, name, (gssize) name_len)));
}

void
_detprof_stats_take_numbers (DetprofStats     *self,
                             guint             index,
                             gint64            cc,
                             gint64            nc,
                             DetprofTime       tt,
                             DetprofTime       ct,
                             DetprofCallerArc *callers,
                             guint             n_callers)
{
  Entry *entry;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (index < self->entries->len);
  g_return_if_fail (callers != NULL || n_callers == 0);

  entry = _detprof_stats_entry (self, index);
  entry->cc = cc;
  entry->nc = nc;
  entry->tt = tt;
  entry->ct = ct;
  /* Unknown, unless detprof's extra object gives them. */
  entry->tt_bound = NAN;
  entry->ct_bound = NAN;
  arc_list_clear (&entry->callers);
  entry->callers.items = callers;
  entry->callers.len = n_callers;
}

void
_detprof_stats_take_arcs (DetprofStats     *self,
                          DetprofCallerArc *arcs)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (self->arc_block == NULL);

  self->arc_block = arcs;
}

void
_detprof_stats_place_rows (DetprofStats *self,
                           const guint  *rows,
                           guint         n_rows)
{
  g_autofree guint *new_index = NULL;
  g_autofree gpointer *placed = NULL;
  guint n, i, j, next;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (self->n_functions == 0);
  g_return_if_fail (n_rows <= self->entries->len);

  n = self->entries->len;

  /* Where each key goes: the rows first, then the others in their order. */
  new_index = g_new (guint, MAX (n, 1));
  for (i = 0; i < n; i++)
    new_index[i] = G_MAXUINT;
  for (i = 0; i < n_rows; i++)
    {
      g_return_if_fail (rows[i] < n && new_index[rows[i]] == G_MAXUINT);
      new_index[rows[i]] = i;
    }
  for (i = 0, next = n_rows; i < n; i++)
    if (new_index[i] == G_MAXUINT)
      new_index[i] = next++;

  placed = g_new (gpointer, MAX (n, 1));
  for (i = 0; i < n; i++)
    {
      Entry *entry = _detprof_stats_entry (self, i);

      entry->index = new_index[i];
      placed[entry->index] = entry;
      for (j = 0; j < entry->callers.len; j++)
        entry->callers.items[j].caller = new_index[entry->callers.items[j].caller];
    }
  memcpy (self->entries->pdata, placed, n * sizeof *placed);
  self->n_functions = n_rows;
}

void
_detprof_stats_clear_table (DetprofStats *self)
{
  g_return_if_fail (DETPROF_IS_STATS (self));

  g_hash_table_remove_all (self->arc_bounds);
  g_hash_table_remove_all (self->index);
  g_ptr_array_set_size (self->entries, 0);
  g_string_chunk_clear (self->strings);
  g_clear_pointer (&self->arc_block, g_free);
  self->n_functions = 0;
  _detprof_stats_forget_sort (self);
}

/* @name, if not NULL, starts every error message. */
static gboolean
load_data (DetprofStats  *self,
           const guint8  *data,
           gsize          len,
           const char    *name,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!_detprof_stats_read (self, data, len, NULL, &local_error))
    {
      if (name != NULL)
        g_prefix_error (&local_error, "%s: ", name);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  compute_top_level_stats (self);
  return TRUE;
}

/* pstats' files entry: "<ctime of the mtime>    <path as given>", or the
 * bare path if the file cannot be stat()ed. */
static char *
describe_loaded_file (const char *path)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !_detprof_format_ctime (text, (gint64) st.st_mtime))
    return g_strdup (path);

  g_string_append (text, "    ");
  g_string_append (text, path);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The bytes of the file at @path. A regular file is mapped, not read: a
 * big dump is tens of megabytes, and read () would copy each page of it
 * from the page cache into memory of ours, which the kernel must clear
 * first, and which we would free once the table is built. Anything else
 * (a pipe, a file of /proc, whose size says 0), or a file that cannot be
 * mapped, is read; so are the errors, as g_file_get_contents () says them.
 * What it is comes from stat (): a pipe must be opened once only.
 *
 * The price of the mapping: a file that another process cuts short while
 * we read it ends the program with SIGBUS, where read () would have seen a
 * truncated dump. detprof replaces a dump by renaming a new file over it,
 * which leaves the mapped one whole; Python's dump_stats () rewrites the
 * file in place, so a dump must not be loaded while Python writes it. */
static GBytes *
get_file_bytes (const char  *path,
                GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  char *data = NULL;
  GStatBuf st;
  gsize len = 0;

  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0)
    mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped != NULL)
    {
      /* It is read once, from the start to the end. */
      posix_madvise (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                     POSIX_MADV_SEQUENTIAL);
      return g_mapped_file_get_bytes (mapped);
    }

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

static gboolean
load_file (DetprofStats  *self,
           const char    *path,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize len;

  bytes = get_file_bytes (path, &local_error);
  if (bytes == NULL)
    {
      g_set_error_literal (error, DETPROF_ERROR, DETPROF_ERROR_IO, local_error->message);
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);
  if (!load_data (self, data, len, display, error))
    return FALSE;

  g_ptr_array_add (self->files, describe_loaded_file (path));
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* strip_dirs                                                              */


/* One row of pstats' strip_dirs, into the new table @stripped. */
static void
strip_row (DetprofStats *stripped,
           DetprofStats *self,
           guint         index,
           gboolean     *filled)
{
  const Entry *source = _detprof_stats_entry (self, index);
  ArcList callers = { NULL, 0, 0 };
  g_autoptr(GArray) bounds = g_array_new (FALSE, FALSE, sizeof (TimeBounds));
  Entry *target;
  guint row, i;

  row = ensure_row (stripped, base_name (source->key.file), source->key.line, source->key.name);
  target = _detprof_stats_entry (stripped, row);

  /* pstats builds the stripped callers dict by assignment, so two callers
   * that collide within it overwrite each other instead of adding up;
   * their bounds go with their numbers. */
  for (i = 0; i < source->callers.len; i++)
    {
      DetprofCallerArc arc = source->callers.items[i];
      const Entry *caller_entry = _detprof_stats_entry (self, arc.caller);
      const Key *caller = &caller_entry->key;
      TimeBounds arc_bounds;
      int position;

      _detprof_stats_get_arc_bounds (self, caller_entry, source, &arc_bounds.tt, &arc_bounds.ct);
      arc.caller = ensure_key (stripped, base_name (caller->file), caller->line, caller->name);
      position = find_arc (&callers, arc.caller);
      set_arc (&callers, &arc);
      if (position >= 0)
        g_array_index (bounds, TimeBounds, position) = arc_bounds;
      else
        g_array_append_val (bounds, arc_bounds);
    }

  target->top_level = target->top_level || source->top_level;

  /* A new row takes the numbers as they are (a -0.0 stays -0.0); a row
   * that collides with an earlier one adds to it, callers included. */
  if (!filled[row])
    {
      filled[row] = TRUE;
      target->cc = source->cc;
      target->nc = source->nc;
      target->tt = source->tt;
      target->ct = source->ct;
      target->tt_bound = source->tt_bound;
      target->ct_bound = source->ct_bound;
      arc_list_clear (&target->callers);
      target->callers = callers;
      for (i = 0; i < callers.len; i++)
        set_arc_bounds (stripped, _detprof_stats_entry (stripped, callers.items[i].caller), target,
                        g_array_index (bounds, TimeBounds, i).tt, g_array_index (bounds, TimeBounds, i).ct);
      return;
    }

  add_numbers (target, source->cc, source->nc, source->tt, source->ct, source->tt_bound, source->ct_bound);
  for (i = 0; i < callers.len; i++)
    {
      gboolean existed = find_arc (&target->callers, callers.items[i].caller) >= 0;

      merge_arc (&target->callers, &callers.items[i]);
      merge_arc_bounds (stripped, _detprof_stats_entry (stripped, callers.items[i].caller), target, existed,
                        g_array_index (bounds, TimeBounds, i).tt, g_array_index (bounds, TimeBounds, i).ct);
    }
  arc_list_clear (&callers);
}

/* ---------------------------------------------------------------------- */
/* add                                                                     */

/* One row of pstats' add. @other may be @self, so what is read from it is
 * copied before anything is written. */
static void
add_row (DetprofStats *self,
         DetprofStats *other,
         guint         index)
{
  const Entry *source = _detprof_stats_entry (other, index);
  guint n_arcs = source->callers.len;
  g_autofree DetprofCallerArc *arcs = g_memdup2 (source->callers.items, n_arcs * sizeof *arcs);
  g_autofree double *bounds = g_new (double, 2 * MAX (n_arcs, 1));
  Entry copy = *source;
  Entry *target;
  guint i;

  for (i = 0; i < n_arcs; i++)
    _detprof_stats_get_arc_bounds (other, _detprof_stats_entry (other, arcs[i].caller), source, &bounds[2 * i], &bounds[2 * i + 1]);

  target = _detprof_stats_entry (self, ensure_row (self, copy.key.file, copy.key.line, copy.key.name));
  add_numbers (target, copy.cc, copy.nc, copy.tt, copy.ct, copy.tt_bound, copy.ct_bound);
  target->top_level = target->top_level || copy.top_level;

  for (i = 0; i < n_arcs; i++)
    {
      DetprofCallerArc arc = arcs[i];
      const Key *caller = &_detprof_stats_entry (other, arc.caller)->key;
      gboolean existed;

      arc.caller = ensure_key (self, caller->file, caller->line, caller->name);
      existed = find_arc (&target->callers, arc.caller) >= 0;
      merge_arc (&target->callers, &arc);
      merge_arc_bounds (self, _detprof_stats_entry (self, arc.caller), target, existed, bounds[2 * i], bounds[2 * i + 1]);
    }
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
detprof_stats_finalize (GObject *object)
{
  DetprofStats *self = DETPROF_STATS (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->arc_block, g_free);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->sort_type, g_free);
  g_clear_pointer (&self->call_site_index, g_hash_table_unref);
  g_clear_pointer (&self->call_sites, g_ptr_array_unref);
  g_clear_pointer (&self->info_keys, g_ptr_array_unref);
  g_clear_pointer (&self->info, g_hash_table_unref);
  g_clear_pointer (&self->arc_bounds, g_hash_table_unref);
  g_clear_pointer (&self->paths, _detprof_stats_paths_free);

  G_OBJECT_CLASS (detprof_stats_parent_class)->finalize (object);
}

static void
detprof_stats_class_init (DetprofStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = detprof_stats_finalize;
}

static void
detprof_stats_init (DetprofStats *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->index = g_hash_table_new (key_hash, key_equal);
  self->strings = g_string_chunk_new (64 * 1024);
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->call_sites = g_ptr_array_new_with_free_func (g_free);
  self->call_site_index = g_hash_table_new (call_site_hash, call_site_equal);
  self->info_keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->info_keys, NULL);
  self->info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->arc_bounds = arc_bounds_new ();
  self->paths = _detprof_stats_paths_new ();
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

/**
 * detprof_stats_new:
 *
 * Creates an empty table, as `pstats.Stats()` with no argument does. It
 * can be filled with detprof_stats_add() and detprof_stats_add_file().
 *
 * Returns: (transfer full): a new, empty #DetprofStats
 *
 * Since: 0.1
 */
DetprofStats *
detprof_stats_new (void)
{
  return g_object_new (DETPROF_TYPE_STATS, NULL);
}

/**
 * detprof_stats_new_from_file:
 * @path: (type filename): a stats dump written by detprof, cProfile or
 *   profile
 * @error: return location for a #GError, or %NULL
 *
 * Loads a stats dump, as `pstats.Stats(path)` does. The files list gets
 * one entry: the modification time of @path in ctime() form, four spaces,
 * and @path as given.
 *
 * The dump must hold at least one function. If the file cannot be read the
 * error is %DETPROF_ERROR_IO; if it is not a stats dump,
 * %DETPROF_ERROR_CORRUPT, with a message that starts with the file name and
 * says what was wrong where.
 *
 * Returns: (transfer full) (nullable): the statistics, or %NULL on error
 *
 * Since: 0.1
 */
DetprofStats *
detprof_stats_new_from_file (const char  *path,
                             GError     **error)
{
  g_autoptr(DetprofStats) stats = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stats = detprof_stats_new ();
  if (!load_file (stats, path, error))
    return NULL;

  return g_steal_pointer (&stats);
}

/**
 * detprof_stats_new_from_bytes:
 * @bytes: the contents of a stats dump
 * @name: (nullable): what to call the data at the start of error messages,
 *   or %NULL for no prefix
 * @error: return location for a #GError, or %NULL
 *
 * Loads a stats dump from memory, as detprof_stats_new_from_file() does,
 * except that the files list stays empty.
 *
 * Returns: (transfer full) (nullable): the statistics, or %NULL on error
 *   (%DETPROF_ERROR_CORRUPT)
 *
 * Since: 0.1
 */
DetprofStats *
detprof_stats_new_from_bytes (GBytes      *bytes,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(DetprofStats) stats = NULL;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  stats = detprof_stats_new ();
  if (!load_data (stats, data, len, name, error))
    return NULL;

  return g_steal_pointer (&stats);
}

/**
 * detprof_stats_add_file:
 * @self: a #DetprofStats
 * @path: (type filename): a stats dump
 * @error: return location for a #GError, or %NULL
 *
 * Loads @path as detprof_stats_new_from_file() does and adds it with
 * detprof_stats_add(), as `Stats.add(path)` does. On error @self is
 * unchanged.
 *
 * Returns: %TRUE on success, %FALSE if @error is set
 *
 * Since: 0.1
 */
gboolean
detprof_stats_add_file (DetprofStats  *self,
                        const char    *path,
                        GError       **error)
{
  g_autoptr(DetprofStats) other = NULL;

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  other = detprof_stats_new_from_file (path, error);
  if (other == NULL)
    return FALSE;

  detprof_stats_add (self, other);
  return TRUE;
}

/**
 * detprof_stats_add:
 * @self: a #DetprofStats
 * @other: the statistics to add; may be @self
 *
 * Adds @other to @self, as `Stats.add()` does: the files of @other are
 * appended; the totals of @other are added to those of @self as they are,
 * not summed again; functions already in @self add their numbers, others
 * are appended in the order of @other; callers merge the same way, tuple
 * arcs adding field by field and count arcs adding. Any sort is forgotten.
 *
 * Since: 0.1
 */
/* The run facts that count events of the run: the sum of two profiles
 * has the sum of their counts. The others (timer, bias, program, ...)
 * are the first profile's. */
static const char *const summed_info_keys[] = {
  "unmatched-returns", "abandoned-frames", "dropped-events", "out-of-memory", "unrecorded-calls",
  "frames-left-by-longjmp", "frames-left-by-exception", "frames-left-by-thread-exit",
  "path-unplaced-calls",
  NULL
};

void
detprof_stats_add (DetprofStats *self,
                   DetprofStats *other)
{
  g_autofree guint *rows = NULL;
  guint n_files, n_rows, i;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (DETPROF_IS_STATS (other));

  n_files = other->files->len;
  for (i = 0; i < n_files; i++)
    g_ptr_array_add (self->files, g_strdup (g_ptr_array_index (other->files, i)));

  self->total_calls = add_counts (self->total_calls, other->total_calls);
  self->prim_calls = add_counts (self->prim_calls, other->prim_calls);
  self->total_tt += other->total_tt;
  self->max_name_len = MAX (self->max_name_len, other->max_name_len);
  _detprof_stats_forget_sort (self);

  /* Rows first, then the callers, which a dump numbers so too: a key
   * first met as a caller and only later as a row would otherwise be
   * moved into place, and every arc renumbered, once for each such key. */
  n_rows = other->n_functions;
  rows = g_new (guint, MAX (n_rows, 1));
  for (i = 0; i < n_rows; i++)
    {
      Key key = _detprof_stats_entry (other, i)->key;
      g_autofree char *file = g_strdup (key.file);
      g_autofree char *name = g_strdup (key.name);

      rows[i] = ensure_row (self, file, key.line, name);
    }
  for (i = 0; i < n_rows; i++)
    add_row (self, other, i);

  copy_call_sites (self, other, FALSE);
  _detprof_stats_paths_add (self->paths, other->paths, rows, FALSE);
  for (i = 0; i + 1 < other->info_keys->len; i++)
    {
      const char *key = g_ptr_array_index (other->info_keys, i);
      const char *value = g_hash_table_lookup (other->info, key);

      if (!g_hash_table_contains (self->info, key))
        set_info (self, key, value);
      else if (g_strv_contains (summed_info_keys, key))
        {
          guint64 ours = g_ascii_strtoull (g_hash_table_lookup (self->info, key), NULL, 10);
          g_autofree char *sum = g_strdup_printf ("%" G_GUINT64_FORMAT, ours + g_ascii_strtoull (value, NULL, 10));

          set_info (self, key, sum);
        }
    }
}

/**
 * detprof_stats_strip_dirs:
 * @self: a #DetprofStats
 *
 * Removes the directories from every file name, as `Stats.strip_dirs()`
 * does. Functions whose keys become equal are merged, in the order of
 * their first appearance. Within one function's callers, two callers that
 * become equal do not add up: the later one replaces the earlier (as in
 * Python). The longest name is measured again; the sort is forgotten; the
 * totals stay as they are.
 *
 * Since: 0.1
 */
void
detprof_stats_strip_dirs (DetprofStats *self)
{
  g_autoptr(DetprofStats) stripped = NULL;
  g_autofree gboolean *filled = NULL;
  g_autofree guint *rows = NULL;
  guint i;

  g_return_if_fail (DETPROF_IS_STATS (self));

  stripped = detprof_stats_new ();
  rows = g_new (guint, MAX (self->n_functions, 1));
  for (i = 0; i < self->n_functions; i++)
    {
      const Key *key = &_detprof_stats_entry (self, i)->key;

      rows[i] = ensure_row (stripped, base_name (key->file), key->line, key->name);
    }
  filled = g_new0 (gboolean, stripped->n_functions);
  for (i = 0; i < self->n_functions; i++)
    strip_row (stripped, self, i, filled);

  copy_call_sites (stripped, self, TRUE);
  _detprof_stats_paths_add (stripped->paths, self->paths, rows, TRUE);

  /* The stripped rows own their arcs: the old block can go. */
  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->arc_block, g_free);
  g_clear_pointer (&self->call_site_index, g_hash_table_unref);
  g_clear_pointer (&self->call_sites, g_ptr_array_unref);
  g_clear_pointer (&self->arc_bounds, g_hash_table_unref);
  self->arc_bounds = g_steal_pointer (&stripped->arc_bounds);
  self->index = g_steal_pointer (&stripped->index);
  self->entries = g_steal_pointer (&stripped->entries);
  self->strings = g_steal_pointer (&stripped->strings);
  self->call_site_index = g_steal_pointer (&stripped->call_site_index);
  self->call_sites = g_steal_pointer (&stripped->call_sites);
  _detprof_stats_paths_free (self->paths);
  self->paths = g_steal_pointer (&stripped->paths);
  self->n_functions = stripped->n_functions;
  self->max_name_len = compute_max_name_len (self);
  _detprof_stats_forget_sort (self);
}

/**
 * detprof_stats_get_n_functions:
 * @self: a #DetprofStats
 *
 * Gets the number of functions (rows) in the table.
 *
 * Returns: the number of functions
 *
 * Since: 0.1
 */
guint
detprof_stats_get_n_functions (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return self->n_functions;
}

/**
 * detprof_stats_get_function:
 * @self: a #DetprofStats
 * @index: a row index, below detprof_stats_get_n_functions(), or the
 *   @caller of a #DetprofCallerArc
 *
 * Gets one function, in table order. A caller that has no row of its own
 * (possible in hand-made dumps) has an index past the rows; for it this
 * returns its key with zero counts and no callers.
 *
 * Returns: (transfer none): the function; valid until @self changes
 *
 * Since: 0.1
 */
const DetprofFunctionStats *
detprof_stats_get_function (DetprofStats *self,
                            guint         index)
{
  Entry *entry;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  entry = _detprof_stats_entry (self, index);
  entry->view.file = entry->key.file;
  entry->view.line = entry->key.line;
  entry->view.name = entry->key.name;
  entry->view.cc = entry->cc;
  entry->view.nc = entry->nc;
  entry->view.tt = entry->tt;
  entry->view.ct = entry->ct;
  entry->view.n_callers = entry->callers.len;
  entry->view.callers = entry->callers.items;

  return &entry->view;
}

/**
 * detprof_stats_get_bounds:
 * @self: a #DetprofStats
 * @index: a row index, below detprof_stats_get_n_functions()
 * @tt_bound: (out) (optional): where to store the error bound of the
 *   function's internal time, in seconds
 * @ct_bound: (out) (optional): where to store that of its cumulative time
 *
 * Gets how far the function's times may be from the truth: the true
 * internal time lies within tt ± @tt_bound, the true cumulative time
 * within ct ± @ct_bound. detprof measures them (see the manual, "How exact
 * is each time"): the number of stretches between events inside each
 * time, times how far the profiler's hidden cost per stretch was measured
 * to vary, plus the timer's resolution. Dumps of Python's profilers, and
 * profiles made without a measured bias, have none: both are then NaN.
 * Tables added together add their bounds; a row that has a part without
 * bounds has none.
 *
 * Returns: %TRUE if the function has bounds
 *
 * Since: 0.2
 */
gboolean
detprof_stats_get_bounds (DetprofStats *self,
                          guint         index,
                          double       *tt_bound,
                          double       *ct_bound)
{
  const Entry *entry;

  if (tt_bound != NULL)
    *tt_bound = NAN;
  if (ct_bound != NULL)
    *ct_bound = NAN;
  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (index < self->n_functions, FALSE);

  entry = _detprof_stats_entry (self, index);
  if (tt_bound != NULL)
    *tt_bound = entry->tt_bound;
  if (ct_bound != NULL)
    *ct_bound = entry->ct_bound;
  return !isnan (entry->tt_bound) && !isnan (entry->ct_bound);
}

/**
 * detprof_stats_get_caller_bounds:
 * @self: a #DetprofStats
 * @callee: a row index, below detprof_stats_get_n_functions()
 * @caller: the @caller of one of @callee's #DetprofCallerArc
 * @tt_bound: (out) (optional): where to store the error bound of the
 *   arc's internal time, in seconds
 * @ct_bound: (out) (optional): where to store that of its cumulative time
 *
 * Gets the error bounds of the times of the arc @caller -> @callee, as
 * detprof_stats_get_bounds() does for a function's.
 *
 * Returns: %TRUE if the arc has bounds; %FALSE (and NaN) if it has none,
 *   or there is no such arc
 *
 * Since: 0.2
 */
gboolean
detprof_stats_get_caller_bounds (DetprofStats *self,
                                 guint         callee,
                                 guint         caller,
                                 double       *tt_bound,
                                 double       *ct_bound)
{
  double tt, ct;

  if (tt_bound != NULL)
    *tt_bound = NAN;
  if (ct_bound != NULL)
    *ct_bound = NAN;
  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (callee < self->n_functions, FALSE);
  g_return_val_if_fail (caller < self->entries->len, FALSE);

  _detprof_stats_get_arc_bounds (self, _detprof_stats_entry (self, caller), _detprof_stats_entry (self, callee), &tt, &ct);
  if (tt_bound != NULL)
    *tt_bound = tt;
  if (ct_bound != NULL)
    *ct_bound = ct;
  return !isnan (tt) && !isnan (ct);
}

static gboolean
has_bounds (DetprofStats *self)
{
  guint i;

  for (i = 0; i < self->n_functions; i++)
    if (_detprof_stats_entry_has_bounds (_detprof_stats_entry (self, i)))
      return TRUE;
  return FALSE;
}

/**
 * detprof_stats_has_bounds:
 * @self: a #DetprofStats
 *
 * Tells whether any function of the table has error bounds
 * (detprof_stats_get_bounds()).
 *
 * Returns: %TRUE if some function has bounds
 *
 * Since: 0.2
 */
gboolean
detprof_stats_has_bounds (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);

  return has_bounds (self);
}

/**
 * detprof_stats_lookup:
 * @self: a #DetprofStats
 * @file: the file name, as in the table
 * @line: the line number
 * @name: the function name
 *
 * Finds a function by its key.
 *
 * Returns: (transfer none) (nullable): the function, or %NULL if it has no
 *   row
 *
 * Since: 0.1
 */
const DetprofFunctionStats *
detprof_stats_lookup (DetprofStats *self,
                      const char   *file,
                      gint64        line,
                      const char   *name)
{
  guint index;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!lookup_key (self, file, line, name, &index) || index >= self->n_functions)
    return NULL;

  return detprof_stats_get_function (self, index);
}

/**
 * detprof_stats_lookup_name:
 * @self: a #DetprofStats
 * @name: a function name
 *
 * Finds the first function, in table order, with this name.
 *
 * Returns: (transfer none) (nullable): the function, or %NULL if none has
 *   that name
 *
 * Since: 0.1
 */
const DetprofFunctionStats *
detprof_stats_lookup_name (DetprofStats *self,
                           const char   *name)
{
  guint i;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (i = 0; i < self->n_functions; i++)
    if (strcmp (_detprof_stats_entry (self, i)->key.name, name) == 0)
      return detprof_stats_get_function (self, i);

  return NULL;
}

/**
 * detprof_stats_get_total_calls:
 * @self: a #DetprofStats
 *
 * Gets the total number of calls, as summed when the table was loaded or
 * finished, plus those of every table added since.
 *
 * Returns: the total calls
 *
 * Since: 0.1
 */
gint64
detprof_stats_get_total_calls (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return self->total_calls;
}

/**
 * detprof_stats_get_primitive_calls:
 * @self: a #DetprofStats
 *
 * Gets the number of primitive calls, counted as
 * detprof_stats_get_total_calls() counts calls.
 *
 * Returns: the primitive calls
 *
 * Since: 0.1
 */
gint64
detprof_stats_get_primitive_calls (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return self->prim_calls;
}

/**
 * detprof_stats_get_total_time:
 * @self: a #DetprofStats
 *
 * Gets the sum of the internal times of all functions, which the report's
 * summary line prints, counted as detprof_stats_get_total_calls() counts
 * calls.
 *
 * Returns: the total time
 *
 * Since: 0.1
 */
double
detprof_stats_get_total_time (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0.0);

  return self->total_tt;
}

/**
 * detprof_stats_function_label:
 * @self: a #DetprofStats
 * @index: an index, as for detprof_stats_get_function()
 *
 * Gets the name reports print for a function: "file:line(name)", or for
 * cProfile's built-ins, keyed ("~", 0, "<…>"), the name with its angle
 * brackets turned into braces, e.g. "{built-in method builtins.len}".
 *
 * Returns: (transfer full): the label
 *
 * Since: 0.1
 */
char *
detprof_stats_function_label (DetprofStats *self,
                              guint         index)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return _detprof_stats_key_label (&_detprof_stats_entry (self, index)->key);
}

/* ---------------------------------------------------------------------- */
/* The builder API (detprof-stats-private.h)                               */

guint
_detprof_stats_add_function (DetprofStats *self,
                             const char   *file,
                             gint64        line,
                             const char   *name,
                             gint64        cc,
                             gint64        nc,
                             double        tt,
                             double        ct)
{
  return _detprof_stats_add_bounded_function (self, file, line, name, cc, nc, tt, ct, NAN, NAN);
}

guint
_detprof_stats_add_bounded_function (DetprofStats *self,
                                     const char   *file,
                                     gint64        line,
                                     const char   *name,
                                     gint64        cc,
                                     gint64        nc,
                                     double        tt,
                                     double        ct,
                                     double        tt_bound,
                                     double        ct_bound)
{
  guint index;

  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);
  g_return_val_if_fail (file != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  index = ensure_row (self, file, line, name);
  add_numbers (_detprof_stats_entry (self, index), cc, nc, float_time (tt), float_time (ct), tt_bound, ct_bound);
  _detprof_stats_forget_sort (self);

  return index;
}

void
_detprof_stats_add_caller (DetprofStats *self,
                           guint         callee,
                           guint         caller,
                           gint64        nc,
                           gint64        cc,
                           double        tt,
                           double        ct)
{
  _detprof_stats_add_bounded_caller (self, callee, caller, nc, cc, tt, ct, NAN, NAN);
}

void
_detprof_stats_add_bounded_caller (DetprofStats *self,
                                   guint         callee,
                                   guint         caller,
                                   gint64        nc,
                                   gint64        cc,
                                   double        tt,
                                   double        ct,
                                   double        tt_bound,
                                   double        ct_bound)
{
  DetprofCallerArc arc = { 0, };
  Entry *to;
  gboolean existed;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (callee < self->n_functions);
  g_return_if_fail (caller < self->entries->len);

  arc.caller = caller;
  arc.style = DETPROF_CALLER_TUPLE;
  arc.nc = nc;
  arc.cc = cc;
  arc.tt = float_time (tt);
  arc.ct = float_time (ct);
  to = _detprof_stats_entry (self, callee);
  existed = find_arc (&to->callers, caller) >= 0;
  merge_arc (&to->callers, &arc);
  merge_arc_bounds (self, _detprof_stats_entry (self, caller), to, existed, tt_bound, ct_bound);
}

void
_detprof_stats_take_bounds (DetprofStats *self,
                            const char   *file,
                            gint64        line,
                            const char   *name,
                            double        tt_bound,
                            double        ct_bound)
{
  guint index;
  Entry *entry;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (file != NULL && name != NULL);

  if (!lookup_key (self, file, line, name, &index) || index >= self->n_functions)
    return;
  entry = _detprof_stats_entry (self, index);
  entry->tt_bound = tt_bound;
  entry->ct_bound = ct_bound;
}

void
_detprof_stats_take_caller_bounds (DetprofStats *self,
                                   const char   *callee_file,
                                   gint64        callee_line,
                                   const char   *callee_name,
                                   const char   *caller_file,
                                   gint64        caller_line,
                                   const char   *caller_name,
                                   double        tt_bound,
                                   double        ct_bound)
{
  guint callee, caller;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (callee_file != NULL && callee_name != NULL);
  g_return_if_fail (caller_file != NULL && caller_name != NULL);

  if (!lookup_key (self, callee_file, callee_line, callee_name, &callee) || callee >= self->n_functions
      || !lookup_key (self, caller_file, caller_line, caller_name, &caller)
      || find_arc (&_detprof_stats_entry (self, callee)->callers, caller) < 0)
    return;
  set_arc_bounds (self, _detprof_stats_entry (self, caller), _detprof_stats_entry (self, callee), tt_bound, ct_bound);
}

void
_detprof_stats_finish (DetprofStats *self)
{
  g_return_if_fail (DETPROF_IS_STATS (self));

  compute_top_level_stats (self);
}

/* ---------------------------------------------------------------------- */
/* For the report layouts (detprof-report-private.h)                       */

GArray *
_detprof_stats_get_print_list (DetprofStats *self,
                               gboolean     *sorted)
{
  GArray *list;
  guint i;

  *sorted = self->order != NULL && self->order->len > 0;
  if (*sorted)
    return g_array_copy (self->order);

  list = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->n_functions);
  for (i = 0; i < self->n_functions; i++)
    g_array_append_val (list, i);

  return list;
}

GPtrArray *
_detprof_stats_get_files (DetprofStats *self)
{
  return self->files;
}

guint
_detprof_stats_get_max_name_len (DetprofStats *self)
{
  return self->max_name_len;
}

gboolean
_detprof_stats_is_top_level (DetprofStats *self,
                             guint         index)
{
  return _detprof_stats_entry (self, index)->top_level;
}

guint
_detprof_stats_get_n_keys (DetprofStats *self)
{
  return self->entries->len;
}

DetprofStatsPaths *
_detprof_stats_get_paths (DetprofStats *self)
{
  return self->paths;
}

/**
 * detprof_stats_get_n_call_sites:
 * @self: a #DetprofStats
 *
 * Counts the call sites, which detprof_stats_get_call_site() gets one by
 * one.
 *
 * Returns: how many call sites the table has: caller -> callee arcs
 *   resolved to the line of the call. Dumps written by detprof have them;
 *   Python's dumps have none.
 *
 * Since: 0.1
 */
guint
detprof_stats_get_n_call_sites (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return self->call_sites->len;
}

/**
 * detprof_stats_get_call_site:
 * @self: a #DetprofStats
 * @index: less than detprof_stats_get_n_call_sites()
 *
 * Gets one call site, in the order the calls were first seen. Its caller
 * and callee are indices of the table, as for detprof_stats_get_function();
 * a function named only by call sites is given an index past the rows.
 *
 * Returns: (transfer none): the call site; valid until @self changes
 *
 * Since: 0.1
 */
const DetprofCallSiteStats *
detprof_stats_get_call_site (DetprofStats *self,
                             guint         index)
{
  CallSite *site;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (index < self->call_sites->len, NULL);

  site = g_ptr_array_index (self->call_sites, index);
  site->view.caller = site->caller->index;
  site->view.callee = site->callee->index;
  site->view.file = site->file;
  site->view.line = site->line;
  site->view.nc = site->nc;
  site->view.cc = site->cc;
  site->view.tt = site->tt;
  site->view.ct = site->ct;
  return &site->view;
}

/**
 * detprof_stats_get_call_site_bounds:
 * @self: a #DetprofStats
 * @index: less than detprof_stats_get_n_call_sites()
 * @tt_bound: (out) (optional): where to store the error bound of the
 *   call site's internal time, in seconds
 * @ct_bound: (out) (optional): where to store that of its cumulative time
 *
 * Gets the error bounds of a call site's times, as
 * detprof_stats_get_bounds() does for a function's.
 *
 * Returns: %TRUE if the call site has bounds
 *
 * Since: 0.2
 */
gboolean
detprof_stats_get_call_site_bounds (DetprofStats *self,
                                    guint         index,
                                    double       *tt_bound,
                                    double       *ct_bound)
{
  const CallSite *site;

  if (tt_bound != NULL)
    *tt_bound = NAN;
  if (ct_bound != NULL)
    *ct_bound = NAN;
  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (index < self->call_sites->len, FALSE);

  site = g_ptr_array_index (self->call_sites, index);
  if (tt_bound != NULL)
    *tt_bound = site->tt_bound;
  if (ct_bound != NULL)
    *ct_bound = site->ct_bound;
  return !isnan (site->tt_bound) && !isnan (site->ct_bound);
}

/**
 * detprof_stats_get_info:
 * @self: a #DetprofStats
 * @key: the name of a run fact: "timer", "bias", "program", "arguments",
 *   "threads", "date", ...
 *
 * Gets a fact about the run, as detprof records it in its dumps (Python's
 * dumps have none), or as detprof_stats_set_info() set it.
 *
 * Returns: (nullable): the value, or %NULL if the dump did not say
 *
 * Since: 0.1
 */
const char *
detprof_stats_get_info (DetprofStats *self,
                        const char   *key)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->info, key);
}

/**
 * detprof_stats_set_info:
 * @self: a #DetprofStats
 * @key: the name of a run fact
 * @value: its value
 *
 * Records a fact about the run, written with the statistics.
 *
 * Since: 0.1
 */
void
detprof_stats_set_info (DetprofStats *self,
                        const char   *key,
                        const char   *value)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);

  set_info (self, key, value);
}

/**
 * detprof_stats_list_info:
 * @self: a #DetprofStats
 *
 * Lists the facts about the run that detprof_stats_get_info() knows.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the run
 *   facts, in the order they were recorded
 *
 * Since: 0.1
 */
const char * const *
detprof_stats_list_info (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);

  return (const char * const *) self->info_keys->pdata;
}

void
_detprof_stats_add_call_site (DetprofStats *self,
                              guint         caller,
                              guint         callee,
                              const char   *file,
                              gint64        line,
                              gint64        nc,
                              gint64        cc,
                              double        tt,
                              double        ct)
{
  _detprof_stats_add_bounded_call_site (self, caller, callee, file, line, nc, cc, tt, ct, NAN, NAN);
}

void
_detprof_stats_add_bounded_call_site (DetprofStats *self,
                                      guint         caller,
                                      guint         callee,
                                      const char   *file,
                                      gint64        line,
                                      gint64        nc,
                                      gint64        cc,
                                      double        tt,
                                      double        ct,
                                      double        tt_bound,
                                      double        ct_bound)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (caller < self->entries->len && callee < self->entries->len);

  add_bounded_call_site_between (self, _detprof_stats_entry (self, caller), _detprof_stats_entry (self, callee),
                                 file, line, nc, cc, tt, ct, tt_bound, ct_bound);
}

void
_detprof_stats_take_call_site_bounds (DetprofStats *self,
                                      const char   *caller_file,
                                      gint64        caller_line,
                                      const char   *caller_name,
                                      const char   *callee_file,
                                      gint64        callee_line,
                                      const char   *callee_name,
                                      const char   *file,
                                      gint64        line,
                                      double        tt_bound,
                                      double        ct_bound)
{
  guint caller, callee;
  CallSite probe = { NULL, NULL, file, line, 0, 0, 0.0, 0.0, 0.0, 0.0, { 0 } };
  CallSite *site;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (caller_file != NULL && caller_name != NULL);
  g_return_if_fail (callee_file != NULL && callee_name != NULL);
  g_return_if_fail (file != NULL);

  if (!lookup_key (self, caller_file, caller_line, caller_name, &caller)
      || !lookup_key (self, callee_file, callee_line, callee_name, &callee))
    return;
  probe.caller = _detprof_stats_entry (self, caller);
  probe.callee = _detprof_stats_entry (self, callee);
  site = g_hash_table_lookup (self->call_site_index, &probe);
  if (site == NULL)
    return;
  site->tt_bound = tt_bound;
  site->ct_bound = ct_bound;
}

void
_detprof_stats_take_call_site (DetprofStats *self,
                               const char   *caller_file,
                               gint64        caller_line,
                               const char   *caller_name,
                               const char   *callee_file,
                               gint64        callee_line,
                               const char   *callee_name,
                               const char   *file,
                               gint64        line,
                               gint64        nc,
                               gint64        cc,
                               double        tt,
                               double        ct)
{
  Key caller = { (char *) caller_file, caller_line, (char *) caller_name };
  Key callee = { (char *) callee_file, callee_line, (char *) callee_name };

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (caller_file != NULL && caller_name != NULL);
  g_return_if_fail (callee_file != NULL && callee_name != NULL);
  g_return_if_fail (file != NULL);

  add_call_site (self, &caller, &callee, file, line, nc, cc, tt, ct);
}
