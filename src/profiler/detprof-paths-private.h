/* detprof-paths-private.h: each thread's calling-context tree, apart from
 * the lookup every call makes (find_node (), in detprof-thread-private.h).
 *
 * The tree is kept beside the pstats tables, never instead of them: the
 * tables stay what profile.py computes, and the tree adds the paths. Its
 * slow paths, the bound on its size, what becomes of it when a thread
 * ends, and how it goes into the statistics are in detprof-paths.c.
 */
#pragma once

#include "detprof-stats.h"
#include "detprof-thread-private.h"

G_BEGIN_DECLS

/* The bound on a thread's nodes unless the profiler is told otherwise
 * (DetprofProfiler:max-path-nodes): some 100 MB at most, per thread. */
#define DETPROF_DEFAULT_MAX_PATH_NODES 1000000

/* Gives @self an empty tree, of at most as many nodes as its profiler
 * allows, and the root frame its root node; FALSE when memory runs out.
 * Called on the thread the state is for, which is when its CPU time
 * starts counting. */
gboolean _detprof_paths_init (DetprofThreadState *self);
/* Frees the tree of @self, and the nodes its call sites own. */
void     _detprof_paths_clear (DetprofThreadState *self);

/* The call sites' addresses changed (a module was closed): the nodes take
 * their keys from their call sites again. */
void     _detprof_paths_rekey (DetprofThreadState *self);

/* The thread of @self ends: called on it, to read the CPU time it used. */
void     _detprof_paths_thread_ends (DetprofThreadState *self);

/* @into, the state of the threads that ended, takes the tree of @from,
 * whose tables it has just absorbed: kept apart, for the per-thread view,
 * as long as few trees are; else added into @into's own tree. */
void     _detprof_paths_absorb (DetprofThreadState *into,
                                DetprofThreadState *from);

/* The calls that found no node in @self's trees (the bound). */
gint64   _detprof_paths_count_unplaced (DetprofThreadState *self);

/* Reads the CPU time the threads of @states that have not ended have used
 * so far: before the statistics are made, whose work is not theirs. */
void     _detprof_paths_read_cpu_times (GPtrArray *states);

/* How detprof-profiler-stats.c names what a node refers to: the row of a
 * function in the statistics (G_MAXUINT if none), and the file and line
 * of a call site (borrowed: they must live as long as the statistics are
 * being made); and the error bound of a node's internal time (@internal)
 * or cumulative time (NaN when the profile has no bounds). */
typedef struct
{
  guint  (*function_row) (gpointer         data,
                          DetprofFunction *function);
  void   (*call_line)    (gpointer         data,
                          DetprofCallSite *site,
                          const char     **file,
                          gint64          *line);
  double (*bound)        (gpointer             data,
                          const DetprofTotals *totals,
                          gboolean             internal);
  gpointer data;
} DetprofPathsNamer;

/* Adds the trees of @states (the profiler's, every frame closed) to
 * @stats, one thread after the other in the order they met the profiler,
 * with times multiplied by @timeunit; and the run facts of the tree. */
void     _detprof_paths_add_to_stats (GPtrArray               *states,
                                      DetprofStats            *stats,
                                      double                   timeunit,
                                      guint                    max_nodes,
                                      const DetprofPathsNamer *namer);

G_END_DECLS
