/* textbook-profiler.h: Python's profile.py, translated literally into C.
 *
 * The short version of detprof's dispatcher, for reading: one hash table
 * of timings keyed by function, one constant bias, and the same events.
 * tests/test-textbook.c feeds it and DetprofProfiler the same events on
 * the same virtual clock and finds the same statistics. See
 * textbook-profiler.c.
 */
#pragma once

#include "detprof.h"

G_BEGIN_DECLS

typedef struct _TextbookProfiler TextbookProfiler;

/* One entry of the statistics: profile.py's stats[fn] = (cc, nc, tt, ct, callers). */
typedef struct
{
  gint64      cc;       /* primitive calls: returns of an outermost activation */
  gint64      nc;       /* all calls: the sum of the callers' counts */
  double      tt;       /* internal time, in the timer's unit */
  double      ct;       /* cumulative time, in the timer's unit */
  GHashTable *callers;  /* owned: caller fn -> how many times it called (GSIZE_TO_POINTER) */
} TextbookStats;

/* The function of the root record, profile.py's ("profile", 0, "profiler"). */
extern const char textbook_profiler_root[];

TextbookProfiler *textbook_profiler_new (DetprofTimerDoubleFunc timer,
                                         gpointer               user_data,
                                         double                 bias);
TextbookProfiler *textbook_profiler_new_tuple (guint                 n_values,
                                               DetprofTimerTupleFunc timer,
                                               gpointer              user_data,
                                               double                bias);
void              textbook_profiler_free (TextbookProfiler *self);

void              textbook_profiler_dispatch (TextbookProfiler *self,
                                              DetprofEventKind  event,
                                              gconstpointer     fn);
void              textbook_profiler_simulate_call (TextbookProfiler *self,
                                                   gconstpointer     fn);
void              textbook_profiler_simulate_cmd_complete (TextbookProfiler *self);
/* Returns fn -> owned TextbookStats; free it with g_hash_table_unref (). */
GHashTable       *textbook_profiler_create_stats (TextbookProfiler *self);

G_END_DECLS
