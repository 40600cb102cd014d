/* detprof-report-private.h: what the report layouts (detprof-report.c) need
 * from the statistics table (detprof-stats.c), the Python-compatible
 * text formatting they share with it, and the notes on how exactly the
 * call tree was rebuilt, which reports and exports add after pstats'
 * text. */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* From detprof-stats.c. */

/* The rows a report starts from: the sorted order if there is one (then
 * *sorted is TRUE), else every row in table (dict) order. Free with
 * g_array_unref (). */
GArray     *_detprof_stats_get_print_list (DetprofStats *self,
                                           gboolean     *sorted);

/* The "<ctime>    <path>" line of each loaded file, in order (borrowed). */
GPtrArray  *_detprof_stats_get_files (DetprofStats *self);

/* The longest label of any row, in code points, as pstats' max_name_len. */
guint       _detprof_stats_get_max_name_len (DetprofStats *self);

/* Whether the row has the caller ("jprofile", 0, "profiler"): pstats'
 * top_level set, which real dumps never fill. */
gboolean    _detprof_stats_is_top_level (DetprofStats *self,
                                         guint         index);

/* How many keys have an index: the rows, then the callers that have no
 * row of their own. */
guint       _detprof_stats_get_n_keys (DetprofStats *self);

/* Every accepted sort key string (the 66 of pstats' abbreviation table),
 * sorted, NULL-terminated. Free with g_strfreev (). */
char      **_detprof_stats_list_sort_abbreviations (void);

/* From detprof-report.c. */

/* Appends Python's repr () of a float: the shortest text that reads back
 * as the same double. */
void        _detprof_format_float_repr (GString *out,
                                        double   value);

/* Appends Python's repr () of a str given as UTF-8. */
void        _detprof_format_str_repr (GString    *out,
                                      const char *utf8);

/* Appends time.ctime () of @unix_time in local time, in English, without
 * looking at the locale: "Sat May  9 07:35:34 2026". Returns FALSE (and
 * appends nothing) if the time cannot be converted. */
gboolean    _detprof_format_ctime (GString *out,
                                   gint64   unix_time);

/* pstats' eval_print_amount: applies one restriction to @rows (indices of
 * rows of @self), and appends to @messages the line it makes, if any. */
void        _detprof_stats_apply_restriction (DetprofStats             *self,
                                              const DetprofRestriction *restriction,
                                              GArray                   *rows,
                                              GString                  *messages);

/* The three pstats reports, as detprof_stats_print_stats (),
 * detprof_stats_print_callers () and detprof_stats_print_callees () print
 * them, but with @bounds each time is followed by a column with its error
 * bound ("±0.004", or "n/a"): `detprof-stats --bounds`. The restrictions
 * must be valid. */
void        _detprof_report_print_stats (DetprofStats             *self,
                                         GString                  *out,
                                         const DetprofRestriction *restrictions,
                                         guint                     n_restrictions,
                                         gboolean                  bounds);
void        _detprof_report_print_callers (DetprofStats             *self,
                                           GString                  *out,
                                           const DetprofRestriction *restrictions,
                                           guint                     n_restrictions,
                                           gboolean                  bounds);
void        _detprof_report_print_callees (DetprofStats             *self,
                                           GString                  *out,
                                           const DetprofRestriction *restrictions,
                                           guint                     n_restrictions,
                                           gboolean                  bounds);

/* `detprof-stats --format csv`: the header line
 * "file,line,function,ncalls,primitive_calls,tottime,tottime_bound,cumtime,cumtime_bound",
 * then one row per function, in the report's order (sorted, then
 * restricted), RFC 4180 quoting. Times and bounds in seconds, as Python's
 * repr () writes a float (an int time as an int); an unknown bound is an
 * empty field. */
void        _detprof_report_print_csv (DetprofStats             *self,
                                       GString                  *out,
                                       const DetprofRestriction *restrictions,
                                       guint                     n_restrictions);

/* From detprof-report-notes.c. */

/* Appends what a detprof dump's run facts say about how exactly the call
 * tree was rebuilt, one line each, every line starting with @prefix
 * ("detprof: " after a report, "desc: " in a callgrind header):
 *
 * - "warning: N abandoned frames (S% of T calls): …", and the same for
 *   unmatched returns and dropped events: events the dispatcher could not
 *   place, with their share of all calls (T is the report's "T function
 *   calls");
 * - "note: N frames were left by longjmp, M by exceptions and K by thread
 *   exits: closed where the program left them": frames the program really
 *   left without returning, which were closed exactly.
 *
 * A count that is absent (older dumps, Python's) counts as 0. Appends
 * nothing and returns FALSE when every count is 0. The text is built here
 * only, so that every report and export says the same words. */
gboolean    _detprof_report_append_reconstruction_notes (DetprofStats *stats,
                                                         GString      *out,
                                                         const char   *prefix);

/* Appends "detprof: timer T, bias B s per event\n" when the statistics
 * carry detprof's run facts, with "; bias spread S ns per stretch" before
 * the newline when they have one; nothing for Python's dumps. */
void        _detprof_report_append_info (DetprofStats *stats,
                                             GString      *out);

/* Appends one line naming the functions with a negative internal or
 * cumulative time, if any: a bias larger than the overhead those functions
 * really had. Such a profile must not be read without the warning.
 * Nothing when every time is >= 0. */
void        _detprof_report_append_negative_warning (DetprofStats *stats,
                                                         GString      *out);

/* A time whose error bound is more than this share of it is not resolved. */
#define DETPROF_RESOLVED_SHARE 0.05

/* Appends the section that lists the functions whose times are not
 * resolved: a time's error bound (detprof_stats_get_bounds ()) is more
 * than DETPROF_RESOLVED_SHARE of it. One line says what that means, a
 * title line, then one line per function, most affected first, with
 * "time ± bound" for tottime and cumtime in a unit that suits them, and
 * a blank line. Nothing for statistics without bounds, or when every
 * time is resolved. */
void        _detprof_report_append_unresolved (DetprofStats *stats,
                                               GString      *out);

/* Appends the lines that say how exactly the call tree was rebuilt
 * (_detprof_report_append_reconstruction_notes (), each line starting
 * "detprof: "), then a blank line, as the negative-times warning ends.
 * Every printed report ends with it: the runner's, detprof-stats' and
 * the browser's. Nothing when the dump counts no such events. */
void        _detprof_report_append_notes (DetprofStats *stats,
                                              GString      *out);

/* From detprof-report-sites.c. */

/* The call-site report (`lines`, `detprof-stats --by-line`): for each
 * selected function, each line that called it (@callers) or each line of
 * it that called another function (!@callers). With @bounds, each time is
 * followed by its error bound (`--bounds`). */
void        _detprof_report_print_call_sites (DetprofStats             *stats,
                                                  GString                  *out,
                                                  gboolean                  callers,
                                                  const DetprofRestriction *restrictions,
                                                  guint                     n_restrictions,
                                                  gboolean                  bounds);

G_END_DECLS
