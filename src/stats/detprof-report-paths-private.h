/* detprof-report-paths-private.h: what the programs print about the paths
 * beyond the public reports of detprof-paths.h (detprof-report-paths.c).
 */
#pragma once

#include "detprof-paths.h"

G_BEGIN_DECLS

/* How many path nodes have a negative internal time, which
 * detprof_stats_export_folded () writes as 0. */
guint    _detprof_report_count_negative_paths (DetprofStats *stats);

/* "=== thread 1 (id 4242): 1.234 s profiled, 0.012 s of CPU ===", and a
 * blank line: the title of one thread's report (detprof-stats --threads). */
void     _detprof_report_append_thread_title  (DetprofStats *stats,
                                               guint         thread,
                                               GString      *out);

/* Appends, each line starting with @prefix:
 * - "warning: N calls found the calling-context tree full ...", when the
 *   bound on a thread's tree left calls out of the paths;
 * - "note: N threads spent most of their profiled time off the CPU ...", when
 *   the profile has several threads, its timer counts wall-clock time
 *   (tsc, tsc-fenced, wall, coarse), and some thread's CPU time is under
 *   half of its profiled time (the cumulative time of its first calls).
 * Returns whether it appended anything. */
gboolean _detprof_report_append_path_notes    (DetprofStats *stats,
                                               GString      *out,
                                               const char   *prefix);

/* Whether @stats' timer counts wall-clock time (tsc, tsc-fenced, wall,
 * coarse), so that its times include any waiting. */
gboolean _detprof_report_timer_counts_wall_time (DetprofStats *stats);

G_END_DECLS
