/* detprof-stats-private.h: how the profiler fills a DetprofStats. */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* Appends the function (file, line, name), or, if that key is already in the
 * table, adds these numbers to it (pstats' add_func_stats). Returns its
 * index. Times are seconds, stored as floats. Numbers added this way have
 * no error bounds (detprof_stats_get_bounds ()), and so neither has the
 * row they are added to. */
guint _detprof_stats_add_function (DetprofStats *self,
                                   const char   *file,
                                   gint64        line,
                                   const char   *name,
                                   gint64        cc,
                                   gint64        nc,
                                   double        tt,
                                   double        ct);
/* The same, with the error bounds of the two times, in seconds (NaN when
 * unknown). */
guint _detprof_stats_add_bounded_function (DetprofStats *self,
                                           const char   *file,
                                           gint64        line,
                                           const char   *name,
                                           gint64        cc,
                                           gint64        nc,
                                           double        tt,
                                           double        ct,
                                           double        tt_bound,
                                           double        ct_bound);

/* Adds a cProfile-style arc caller -> callee (indices from
 * _detprof_stats_add_function); an existing arc between the two is summed,
 * bounds included (this one has none; the second, the ones given). */
void  _detprof_stats_add_caller (DetprofStats *self,
                                 guint         callee,
                                 guint         caller,
                                 gint64        nc,
                                 gint64        cc,
                                 double        tt,
                                 double        ct);
void  _detprof_stats_add_bounded_caller (DetprofStats *self,
                                         guint         callee,
                                         guint         caller,
                                         gint64        nc,
                                         gint64        cc,
                                         double        tt,
                                         double        ct,
                                         double        tt_bound,
                                         double        ct_bound);

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

/* From detprof-bounds.c: what a profile's error bounds are made of. */
typedef struct
{
  double spread;      /* seconds per stretch: the bias spread; negative or NaN: not
                       * measured, and there are no bounds */
  double resolution;  /* seconds: the timer's steps */
  double variation;   /* the speed variation: a share of the time before the bias
                       * was taken off; negative: not measured */
  double bias;        /* seconds per stretch: the bias taken off, on average */
} DetprofBoundModel;

/* The error bound of @time seconds made of @stretches stretches, each
 * with the bias taken off (NaN when @model has no spread). */
double _detprof_bound (const DetprofBoundModel *model,
                       gint64                   stretches,
                       double                   time);

/* _detprof_stats_add_call_site (), with the bounds of the site's times. */
void  _detprof_stats_add_bounded_call_site (DetprofStats *self,
                                            guint         caller,
                                            guint         callee,
                                            const char   *file,
                                            gint64        line,
                                            gint64        nc,
                                            gint64        cc,
                                            double        tt,
                                            double        ct,
                                            double        tt_bound,
                                            double        ct_bound);

/* Computes the totals and the name width once the table is complete, as
 * pstats does when it constructs a Stats. */
void  _detprof_stats_finish (DetprofStats *self);

G_END_DECLS
