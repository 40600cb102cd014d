/* detprof-stats-paths-private.h: how a DetprofStats keeps its paths
 * (detprof-stats-paths.c), for the table (detprof-stats.c), the reader of
 * dumps and the profiler, which fill it.
 */
#pragma once

#include "detprof-paths.h"

G_BEGIN_DECLS

typedef struct _DetprofStatsPaths DetprofStatsPaths;

DetprofStatsPaths *_detprof_stats_paths_new (void);
void               _detprof_stats_paths_free (DetprofStatsPaths *paths);

/* Adds @from's threads and nodes to @into: thread i to thread i (the
 * main thread is the first in both), each node to the node of @into
 * with the same thread, parent, function and call line, or a new one.
 * A node's function, a row of @from's table, becomes @rows[function]; if
 * @strip, the call's file loses its directories. @from may be @into. */
void               _detprof_stats_paths_add (DetprofStatsPaths *into,
                                             DetprofStatsPaths *from,
                                             const guint       *rows,
                                             gboolean           strip);

/* From detprof-stats.c: the paths of @self (never NULL). */
DetprofStatsPaths *_detprof_stats_get_paths (DetprofStats *self);

/* Appends a thread; returns its index. */
guint              _detprof_stats_add_path_thread (DetprofStats *self,
                                                   gint64        id,
                                                   guint         n_threads,
                                                   double        cpu_time,
                                                   gint64        unplaced_calls);

/* Adds the numbers of a node, whose @parent (G_MAXUINT for a root) comes
 * before it, to the node of the same key, or a new one at the end;
 * returns its index. @function is a row. The bounds are NaN if unknown. */
guint              _detprof_stats_add_path_node (DetprofStats *self,
                                                 guint         thread,
                                                 guint         parent,
                                                 guint         function,
                                                 const char   *file,
                                                 gint64        line,
                                                 gint64        nc,
                                                 gint64        cc,
                                                 double        tt,
                                                 double        ct,
                                                 double        tt_bound,
                                                 double        ct_bound);

G_END_DECLS
