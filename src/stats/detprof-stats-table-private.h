/* detprof-stats-table-private.h: the table inside a DetprofStats, for
 * the files of the stats part that read or change it directly:
 * detprof-stats.c (the table, adding, strip_dirs, the API),
 * detprof-stats-write.c (the dump) and detprof-stats-sort.c (sorting).
 * Nothing outside src/stats/ includes it.
 */
#pragma once

#include <math.h>
#include <string.h>

#include "detprof-stats.h"

G_BEGIN_DECLS

typedef struct
{
  char   *file;  /* an entry's: in DetprofStats.strings; a call site's: owned */
  gint64  line;
  char   *name;  /* as @file */
} Key;

/* The arcs from a function's callers, in dict order. The reader
 * puts the arcs of all the rows it reads in one block, which the table
 * owns (a big dump has a million arcs: one array for each row would cost
 * as many allocations and frees, and GArray would round each up to a power
 * of two). Such a list borrows its items, and copies them out the first
 * time it grows. Other lists own their items and grow by doubling. */
typedef struct
{
  DetprofCallerArc *items;  /* owned, unless @size is 0 */
  guint             len;
  guint             size;   /* room for this many; 0 when borrowed */
} ArcList;

typedef struct
{
  Key                  key;        /* first: an Entry is its own key in the index */
  gint64               cc;
  gint64               nc;
  DetprofTime          tt;
  DetprofTime          ct;
  double               tt_bound;   /* seconds: how far tt may be from the truth; NaN if unknown */
  double               ct_bound;   /* the same for ct */
  ArcList              callers;    /* in dict order */
  gboolean             top_level;  /* has the caller ("jprofile", 0, "profiler") */
  guint                index;      /* its place in DetprofStats.entries */
  guint                label_width;  /* key_label_width (), measured once */
  DetprofFunctionStats view;       /* what detprof_stats_get_function () hands out */
} Entry;

struct _DetprofStats
{
  GObject     parent_instance;

  GPtrArray  *entries;       /* of Entry: the rows in dict order, then caller-only keys; owned */
  guint       n_functions;   /* how many of @entries are rows */
  GHashTable *index;         /* Key -> its Entry; both borrowed from @entries */
  GStringChunk *strings;     /* the file and name of every entry's key; owned */
  DetprofCallerArc *arc_block;  /* what the reader read, which lists borrow; owned */
  GPtrArray  *files;         /* of char *: "<ctime>    <path>" of each loaded file; owned */
  GArray     *order;         /* of guint: the rows in sorted order, NULL when unsorted; owned */
  char       *sort_type;     /* the "Ordered by" text of the last sort, NULL before any; owned */
  gint64      total_calls;
  gint64      prim_calls;
  double      total_tt;
  guint       max_name_len;  /* the longest label, in code points */

  GPtrArray  *call_sites;    /* of CallSite, in order of first call; owned */
  GHashTable *call_site_index; /* CallSite -> itself, to merge equal sites; keys borrowed */
  GPtrArray  *info_keys;     /* of char *: the run facts' names, in order; owned */
  GHashTable *info;          /* name -> value of each run fact; owned */
  GHashTable *arc_bounds;    /* ArcBounds -> itself: the bounds of caller arcs that have them; owned */

  struct _DetprofStatsPaths *paths;  /* the calling-context trees (detprof-stats-paths.c); owned */
};

/* The error bounds of a pair of times, in seconds. */
typedef struct
{
  double tt;
  double ct;
} TimeBounds;

/* The error bounds of a caller arc's times. Kept beside the arcs, keyed
 * by the entries at both ends (which keep their addresses as rows are
 * added and renumbered), since DetprofCallerArc is public and cannot
 * grow. An arc without one has unknown bounds. */
typedef struct
{
  const Entry *caller;   /* borrowed from DetprofStats.entries */
  const Entry *callee;
  double       tt_bound; /* seconds; NaN if unknown */
  double       ct_bound;
} ArcBounds;

/* A call site: an arc resolved to the line that made the call. It keeps
 * its own keys, since table indices change as rows are added. */
typedef struct
{
  Entry               *caller;  /* borrowed from DetprofStats.entries */
  Entry               *callee;
  const char          *file;    /* the file of the call, stored after the struct */
  gint64               line;
  gint64               nc;
  gint64               cc;
  double               tt;
  double               ct;
  double               tt_bound;  /* seconds; NaN if unknown */
  double               ct_bound;
  DetprofCallSiteStats view;    /* what detprof_stats_get_call_site () hands out */
} CallSite;

/* A hash of text, eight bytes at a time. File names are long and alike
 * (a big table names one file a hundred thousand times), and g_str_hash ()'s
 * loop over single bytes took a tenth of the time to build and write one. */
static inline guint
_detprof_text_hash (const char *text)
{
  const guint64 k = G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  gsize len = strlen (text);
  guint64 h = len * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint64 word;

  for (; len >= 8; text += 8, len -= 8)
    {
      memcpy (&word, text, 8);
      h = (h ^ word) * k;
      h ^= h >> 29;
    }
  word = 0;
  memcpy (&word, text, len);
  h = (h ^ word) * k;
  return (guint) (h ^ (h >> 32));
}

static inline Entry *
_detprof_stats_entry (DetprofStats *self,
                      guint         index)
{
  return g_ptr_array_index (self->entries, index);
}

/* Whether a row has error bounds (a dump of Python's has none). */
static inline gboolean
_detprof_stats_entry_has_bounds (const Entry *entry)
{
  return !isnan (entry->tt_bound) || !isnan (entry->ct_bound);
}

/* From detprof-stats.c. */
gboolean _detprof_text_is_ascii (const char *text);
guint    _detprof_stats_text_hash_func (gconstpointer text);
/* pstats' func_std_string: "{…}" for cProfile's built-ins, else
 * "file:line(name)". */
char    *_detprof_stats_key_label (const Key *key);
/* The bounds of the arc @caller -> @callee: NaN when it has none. */
void     _detprof_stats_get_arc_bounds (DetprofStats *self,
                                        const Entry  *caller,
                                        const Entry  *callee,
                                        double       *tt_bound,
                                        double       *ct_bound);
/* The table changed: the sorted order no longer holds. */
void     _detprof_stats_forget_sort (DetprofStats *self);

G_END_DECLS
