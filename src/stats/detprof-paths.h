/* detprof-paths.h: the calling-context tree of a profile: every path by
 * which a function was reached, with its calls and times, and what is
 * drawn from it (folded stacks, the paths to a function, one thread's
 * table).
 */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/**
 * DetprofPathNode:
 * @parent: the index of the parent node, always below this node's own; or
 *   %G_MAXUINT for a thread's first calls (the roots of its tree)
 * @function: the function reached, a row of the table (an index for
 *   detprof_stats_get_function(), below detprof_stats_get_n_functions())
 * @thread: the thread, an index for detprof_stats_get_path_thread()
 * @file: the source file of the call that led here from the parent ("??"
 *   if unknown)
 * @line: the line of that call, 0 if unknown
 * @nc: the activations that came by this path
 * @cc: those of them that were not inside another activation of the same
 *   function (pstats' primitive calls)
 * @tt: their internal time, in seconds: the time spent in the function
 *   itself, excluding its callees
 * @ct: the cumulative time of the primitive ones, in seconds (pstats'
 *   cumtime, counted once across recursion)
 * @tt_bound: how far @tt may be from the truth, in seconds (the true time
 *   lies within @tt ± @tt_bound), measured as a function's bounds are
 *   (detprof_stats_get_bounds()); NaN when the profile has no bounds
 * @ct_bound: the same for @ct
 *
 * One node of a thread's calling-context tree: one function reached by one
 * path (parent node, call site). A recursive call is placed at the node of
 * the function's outermost activation, so recursion does not deepen the
 * tree: a function appears at most once on any path. So for each function,
 * the sums of @nc, @cc, @tt and @ct over its nodes, and over threads, are
 * its row's numbers; and the sum of @tt over every node is the table's
 * total time. Nodes that add up (detprof_stats_add(),
 * detprof_stats_strip_dirs()) add their bounds, as rows do.
 *
 * Since: 0.1
 */
typedef struct
{
  guint       parent;
  guint       function;
  guint       thread;
  const char *file;
  gint64      line;
  gint64      nc;
  gint64      cc;
  double      tt;
  double      ct;
  double      tt_bound;
  double      ct_bound;
} DetprofPathNode;

/**
 * DetprofPathThread:
 * @id: the thread's id given by the kernel (its `gettid ()`), or 0 for the
 *   threads that ended after the first 256 had, whose trees are added into
 *   one
 * @n_threads: how many threads of the run (or of the dumps added
 *   together) it stands for: 1, or more for such merged ones
 * @cpu_time: the CPU time the thread used while it was profiled, in
 *   seconds; NAN if it is not known
 * @unplaced_calls: the calls of the thread that found its tree full
 *   (#DetprofProfiler:max-path-nodes): in the table, not in the paths
 *
 * One thread of the paths, in the order the threads first met the profiler
 * (the main thread first).
 *
 * Since: 0.1
 */
typedef struct
{
  gint64 id;
  guint  n_threads;
  double cpu_time;
  gint64 unplaced_calls;
} DetprofPathThread;

/**
 * DetprofPathWeight:
 * @DETPROF_PATH_WEIGHT_TIME: a path weighs the internal time of its last
 *   function, in whole microseconds
 * @DETPROF_PATH_WEIGHT_CALLS: a path weighs the calls of its last function
 *
 * What the lines of detprof_stats_export_folded() count.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_PATH_WEIGHT_TIME,
  DETPROF_PATH_WEIGHT_CALLS,
} DetprofPathWeight;

guint                    detprof_stats_get_n_path_nodes   (DetprofStats *self);
const DetprofPathNode   *detprof_stats_get_path_node      (DetprofStats *self,
                                                           guint         index);
guint                    detprof_stats_get_n_path_threads (DetprofStats *self);
const DetprofPathThread *detprof_stats_get_path_thread    (DetprofStats *self,
                                                           guint         index);

DetprofStats *detprof_stats_new_for_path_thread (DetprofStats  *self,
                                                 guint          thread);

gboolean      detprof_stats_export_folded (DetprofStats       *stats,
                                           GString            *out,
                                           DetprofPathWeight   weight,
                                           gboolean            by_thread,
                                           GError            **error);
gboolean      detprof_stats_export_flamegraph (DetprofStats  *stats,
                                               GString       *out,
                                               const char    *title,
                                               GError       **error);
gboolean      detprof_stats_export_speedscope (DetprofStats  *stats,
                                               GString       *out,
                                               const char    *name,
                                               GError       **error);
gboolean      detprof_stats_print_paths   (DetprofStats       *stats,
                                           GString            *out,
                                           const char         *pattern,
                                           GError            **error);

G_END_DECLS
