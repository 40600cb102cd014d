/* detprof-stats-private.h: how the profiler fills a DetprofStats. */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* Appends the function (file, line, name), or, if that key is already in the
 * table, adds these numbers to it (pstats' add_func_stats). Returns its
 * index. Times are seconds, stored as floats. */
guint _detprof_stats_add_function (DetprofStats *self,
                                   const char   *file,
                                   gint64        line,
                                   const char   *name,
                                   gint64        cc,
                                   gint64        nc,
                                   double        tt,
                                   double        ct);

/* Adds a cProfile-style arc caller -> callee (indices from
 * _detprof_stats_add_function); an existing arc between the two is summed. */
void  _detprof_stats_add_caller (DetprofStats *self,
                                 guint         callee,
                                 guint         caller,
                                 gint64        nc,
                                 gint64        cc,
                                 double        tt,
                                 double        ct);

/* Adds the numbers of the calls from one line (@file:@line) along the arc
 * caller -> callee; an equal call site is summed. */
void  _detprof_stats_add_call_site (DetprofStats *self,
                                    guint         caller,
                                    guint         callee,
                                    const char   *file,
                                    gint64        line,
                                    gint64        nc,
                                    gint64        cc,
                                    double        tt,
                                    double        ct);

/* Computes the totals and the name width once the table is complete, as
 * pstats does when it constructs a Stats. */
void  _detprof_stats_finish (DetprofStats *self);

G_END_DECLS
