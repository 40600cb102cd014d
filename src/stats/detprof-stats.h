/* detprof-stats.h: profile statistics, as Python's pstats.Stats holds them.
 *
 * A DetprofStats is an ordered table of functions. Each function is keyed
 * by (file, line, name) and carries its primitive and total call counts, its
 * internal time (tottime), its cumulative time (cumtime) and the arcs from
 * each of its callers. The table is what a stats dump contains, in the same
 * order, so that reports print exactly what Python's pstats prints.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DETPROF_TYPE_STATS:
 *
 * The #GType of #DetprofStats.
 *
 * Since: 0.1
 */
#define DETPROF_TYPE_STATS (detprof_stats_get_type ())

/**
 * DetprofStats:
 *
 * The statistics of one or more profiles: an ordered table of functions.
 * A final #GObject whose fields are private.
 *
 * Since: 0.1
 */
G_DECLARE_FINAL_TYPE (DetprofStats, detprof_stats, DETPROF, STATS, GObject)

/**
 * DetprofTime:
 * @value: the time, in seconds (or in the unit of the profile's timer, for
 *   dumps made by Python's profile module with a custom timer)
 * @is_int: %TRUE when the dump stored the time as an integer; such times are
 *   printed and written back as integers, as Python does
 *
 * A time as found in a stats dump.
 *
 * Since: 0.1
 */
typedef struct
{
  double   value;
  gboolean is_int;
} DetprofTime;

/**
 * DetprofCallerStyle:
 * @DETPROF_CALLER_COUNT: the arc is a plain call count, as Python's profile
 *   module writes it
 * @DETPROF_CALLER_TUPLE: the arc carries (total calls, primitive calls,
 *   internal time, cumulative time), as cProfile and detprof write it
 *
 * The two shapes a caller arc takes in a stats dump.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_CALLER_COUNT,
  DETPROF_CALLER_TUPLE,
} DetprofCallerStyle;

/**
 * DetprofCallerArc:
 * @caller: index of the calling function in the table; a dump may name a
 *   caller that has no row of its own, whose index is then at or past
 *   detprof_stats_get_n_functions() (detprof_stats_get_function() still
 *   gives its key, with zero counts)
 * @style: which fields are meaningful: for %DETPROF_CALLER_COUNT only @nc
 * @nc: calls along this arc
 * @cc: primitive calls along this arc (calls not reached through recursion
 *   of this arc)
 * @tt: internal time of the callee during calls along this arc
 * @ct: cumulative time of the callee during primitive calls along this arc
 *
 * One caller → callee arc, seen from the callee.
 *
 * Since: 0.1
 */
typedef struct
{
  guint              caller;
  DetprofCallerStyle style;
  gint64             nc;
  gint64             cc;
  DetprofTime        tt;
  DetprofTime        ct;
} DetprofCallerArc;

/**
 * DetprofFunctionStats:
 * @file: the source file (for C built-ins of Python dumps: "~" or "")
 * @line: the line the function is declared on, 0 if unknown
 * @name: the function's name
 * @cc: primitive calls
 * @nc: total calls
 * @tt: internal time, excluding callees
 * @ct: cumulative time, including callees, counted once across recursion
 * @n_callers: the number of entries in @callers
 * @callers: (array length=n_callers): the arcs from each caller, in the
 *   order of the dump
 *
 * One row of the table. Read-only: it belongs to the #DetprofStats.
 *
 * Since: 0.1
 */
typedef struct
{
  const char             *file;
  gint64                  line;
  const char             *name;
  gint64                  cc;
  gint64                  nc;
  DetprofTime             tt;
  DetprofTime             ct;
  guint                   n_callers;
  const DetprofCallerArc *callers;
} DetprofFunctionStats;

/**
 * DetprofRestrictionKind:
 * @DETPROF_RESTRICTION_COUNT: keep the first @count entries
 * @DETPROF_RESTRICTION_FRACTION: keep this fraction of the entries
 * @DETPROF_RESTRICTION_REGEX: keep entries whose printed name matches
 *
 * The kinds of restriction that print_stats, print_callers and
 * print_callees apply, left to right, as pstats does.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_RESTRICTION_COUNT,
  DETPROF_RESTRICTION_FRACTION,
  DETPROF_RESTRICTION_REGEX,
} DetprofRestrictionKind;

/**
 * DetprofRestriction:
 * @kind: which of the other fields is used
 * @count: for %DETPROF_RESTRICTION_COUNT
 * @fraction: for %DETPROF_RESTRICTION_FRACTION
 * @pattern: for %DETPROF_RESTRICTION_REGEX, a Perl-compatible regular
 *   expression searched for (not anchored) in the printed name
 *
 * One restriction of a report.
 *
 * Since: 0.1
 */
typedef struct
{
  DetprofRestrictionKind kind;
  gint64                 count;
  double                 fraction;
  const char            *pattern;
} DetprofRestriction;

/**
 * DetprofCallSiteStats:
 * @caller: index of the calling function in the table
 * @callee: index of the called function in the table
 * @file: the source file of the call
 * @line: the line of the call, 0 if unknown
 * @nc: calls made from this line
 * @cc: primitive calls made from this line
 * @tt: internal time of the callee during these calls
 * @ct: cumulative time of the callee during the primitive ones
 *
 * One caller -> callee arc resolved to the line that made the call: the
 * extra data detprof writes after the stats dictionary, which Python's
 * pstats does not read.
 *
 * Since: 0.1
 */
typedef struct
{
  guint       caller;
  guint       callee;
  const char *file;
  gint64      line;
  gint64      nc;
  gint64      cc;
  double      tt;
  double      ct;
} DetprofCallSiteStats;

DetprofStats *detprof_stats_new (void);
DetprofStats *detprof_stats_new_from_file (const char  *path,
                                           GError     **error);
DetprofStats *detprof_stats_new_from_bytes (GBytes      *bytes,
                                            const char  *name,
                                            GError     **error);

gboolean      detprof_stats_add_file (DetprofStats  *self,
                                      const char    *path,
                                      GError       **error);
void          detprof_stats_add (DetprofStats *self,
                                 DetprofStats *other);

GBytes       *detprof_stats_to_bytes (DetprofStats *self);
gboolean      detprof_stats_dump (DetprofStats  *self,
                                  const char    *path,
                                  GError       **error);

void          detprof_stats_strip_dirs (DetprofStats *self);
gboolean      detprof_stats_sort (DetprofStats       *self,
                                  const char * const *keys,
                                  GError            **error);
gboolean      detprof_stats_sort_legacy (DetprofStats  *self,
                                         int            key,
                                         GError       **error);
void          detprof_stats_reverse_order (DetprofStats *self);
const char   *detprof_stats_get_sort_type (DetprofStats *self);

void          detprof_stats_print_stats (DetprofStats             *self,
                                         GString                  *out,
                                         const DetprofRestriction *restrictions,
                                         guint                     n_restrictions);
void          detprof_stats_print_callers (DetprofStats             *self,
                                           GString                  *out,
                                           const DetprofRestriction *restrictions,
                                           guint                     n_restrictions);
void          detprof_stats_print_callees (DetprofStats             *self,
                                           GString                  *out,
                                           const DetprofRestriction *restrictions,
                                           guint                     n_restrictions);

guint                       detprof_stats_get_n_functions (DetprofStats *self);
const DetprofFunctionStats *detprof_stats_get_function (DetprofStats *self,
                                                        guint         index);
const DetprofFunctionStats *detprof_stats_lookup (DetprofStats *self,
                                                  const char   *file,
                                                  gint64        line,
                                                  const char   *name);
const DetprofFunctionStats *detprof_stats_lookup_name (DetprofStats *self,
                                                       const char   *name);
gboolean      detprof_stats_get_bounds (DetprofStats *self,
                                        guint         index,
                                        double       *tt_bound,
                                        double       *ct_bound);
gboolean      detprof_stats_get_caller_bounds (DetprofStats *self,
                                               guint         callee,
                                               guint         caller,
                                               double       *tt_bound,
                                               double       *ct_bound);
gboolean      detprof_stats_has_bounds (DetprofStats *self);
gint64        detprof_stats_get_total_calls (DetprofStats *self);
gint64        detprof_stats_get_primitive_calls (DetprofStats *self);
double        detprof_stats_get_total_time (DetprofStats *self);

char         *detprof_stats_function_label (DetprofStats *self,
                                            guint         index);

guint                       detprof_stats_get_n_call_sites (DetprofStats *self);
const DetprofCallSiteStats *detprof_stats_get_call_site (DetprofStats *self,
                                                         guint         index);
gboolean                    detprof_stats_get_call_site_bounds (DetprofStats *self,
                                                                guint         index,
                                                                double       *tt_bound,
                                                                double       *ct_bound);
const char                 *detprof_stats_get_info (DetprofStats *self,
                                                    const char   *key);
void                        detprof_stats_set_info (DetprofStats *self,
                                                    const char   *key,
                                                    const char   *value);
const char * const         *detprof_stats_list_info (DetprofStats *self);

G_END_DECLS
