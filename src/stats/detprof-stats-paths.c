/* detprof-stats-paths.c: the paths a DetprofStats keeps.
 *
 * The profiler's calling-context trees (src/profiler/detprof-paths.c)
 * become, in the statistics, one array of nodes: indices instead of
 * pointers, a row of the table instead of a function record, the file and
 * line of the call instead of a return address. Parents come before their
 * children, so one pass in order meets every node after its parent.
 *
 * A node is found by its key (thread, parent, function, file, line), so
 * that adding two profiles, or stripping directories, adds the numbers of
 * nodes that become the same, parents first: equal parents make equal
 * children equal too. Files are kept once each, so that a key compares
 * them by address.
 *
 * The numbers are pstats' own, split by path: the sums over a function's
 * nodes are its row's (see DetprofPathNode). The reports drawn from them
 * are in detprof-report-paths.c; the dump's part is written in
 * detprof-stats.c (put_paths ()) and read in detprof-stats-read.c
 * (read_paths ()).
 */
/**
 * SECTION:detprof-paths
 * @title: Paths
 * @short_description: the calling-context tree: every path to a function
 *
 * pstats says who called a function, one level up. A detprof profile also
 * keeps, for each thread, the calling-context tree: a node for each path
 * by which a function was reached (the caller's node, and the line of the
 * call), with the calls, the internal time and the cumulative time of the
 * activations that came by that path (#DetprofPathNode). Recursion is
 * folded: a call of a function that is already active is placed at the
 * node of its outermost activation, so a function appears at most once on
 * a path, and the nodes of a function add up to its row of the table.
 *
 * The nodes of every thread are in one array, parents first
 * (detprof_stats_get_path_node()); the threads, in the order they met the
 * profiler, are described by detprof_stats_get_path_thread(). Loading,
 * adding (detprof_stats_add()), stripping directories and dumping keep
 * them.
 */
#include "config.h"

#include <string.h>

#include "detprof-stats-paths-private.h"

struct _DetprofStatsPaths
{
  GArray       *nodes;    /* of DetprofPathNode, parents first; owned */
  GArray       *threads;  /* of DetprofPathThread; owned */
  GStringChunk *files;    /* each file of a call once; owned */
  guint        *slots;    /* open addressing: a node's index + 1, by key; owned */
  gsize         mask;     /* the number of slots, a power of two, less one */
};

#define INITIAL_SLOTS 64

DetprofStatsPaths *
_detprof_stats_paths_new (void)
{
  DetprofStatsPaths *paths = g_new0 (DetprofStatsPaths, 1);

  paths->nodes = g_array_new (FALSE, FALSE, sizeof (DetprofPathNode));
  paths->threads = g_array_new (FALSE, FALSE, sizeof (DetprofPathThread));
  paths->files = g_string_chunk_new (1024);
  paths->mask = INITIAL_SLOTS - 1;
  paths->slots = g_new0 (guint, INITIAL_SLOTS);
  return paths;
}

void
_detprof_stats_paths_free (DetprofStatsPaths *paths)
{
  if (paths == NULL)
    return;
  g_array_unref (paths->nodes);
  g_array_unref (paths->threads);
  g_string_chunk_free (paths->files);
  g_free (paths->slots);
  g_free (paths);
}

/* ---- finding a node by its key ---- */

static guint
node_key_hash (guint       thread,
               guint       parent,
               guint       function,
               const char *file,
               gint64      line)
{
  guint64 h = thread;

  h = h * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + parent;
  h = h * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + function;
  h = h * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + (guint64) (guintptr) file;
  h = h * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + (guint64) line;
  return (guint) (h >> 32);
}

static guint
node_hash (const DetprofPathNode *node)
{
  return node_key_hash (node->thread, node->parent, node->function, node->file, node->line);
}

static void
slots_put (DetprofStatsPaths *paths,
           guint              index)
{
  gsize i = node_hash (&g_array_index (paths->nodes, DetprofPathNode, index)) & paths->mask;

  while (paths->slots[i] != 0)
    i = (i + 1) & paths->mask;
  paths->slots[i] = index + 1;
}

/* The slot of the key, or of the empty slot where it would go. */
static gsize
slots_find (const DetprofStatsPaths *paths,
            const DetprofPathNode   *key)
{
  gsize i = node_hash (key) & paths->mask;

  while (paths->slots[i] != 0)
    {
      const DetprofPathNode *node = &g_array_index (paths->nodes, DetprofPathNode, paths->slots[i] - 1);

      if (node->thread == key->thread && node->parent == key->parent && node->function == key->function
          && node->file == key->file && node->line == key->line)
        break;
      i = (i + 1) & paths->mask;
    }
  return i;
}

/* Adds @key's numbers to its node, or appends it. @key's file is one of
 * @paths->files. */
static guint
add_node (DetprofStatsPaths     *paths,
          const DetprofPathNode *key)
{
  gsize slot = slots_find (paths, key);
  DetprofPathNode *node;
  guint index;

  if (paths->slots[slot] != 0)
    {
      index = paths->slots[slot] - 1;
      node = &g_array_index (paths->nodes, DetprofPathNode, index);
      node->nc += key->nc;
      node->cc += key->cc;
      node->tt += key->tt;
      node->ct += key->ct;
      node->tt_bound += key->tt_bound;
      node->ct_bound += key->ct_bound;
      return index;
    }

  index = paths->nodes->len;
  g_array_append_val (paths->nodes, *key);
  paths->slots[slot] = index + 1;
  if ((gsize) paths->nodes->len * 2 > paths->mask + 1)
    {
      guint i;

      g_free (paths->slots);
      paths->mask = paths->mask * 2 + 1;
      paths->slots = g_new0 (guint, paths->mask + 1);
      for (i = 0; i < paths->nodes->len; i++)
        slots_put (paths, i);
    }
  return index;
}

/* ---- filling ---- */

guint
_detprof_stats_add_path_thread (DetprofStats *self,
                                gint64        id,
                                guint         n_threads,
                                double        cpu_time,
                                gint64        unplaced_calls)
{
  DetprofStatsPaths *paths;
  DetprofPathThread thread = { id, n_threads, cpu_time, unplaced_calls };

  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  paths = _detprof_stats_get_paths (self);
  g_array_append_val (paths->threads, thread);
  return paths->threads->len - 1;
}

guint
_detprof_stats_add_path_node (DetprofStats *self,
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
                              double        ct_bound)
{
  DetprofStatsPaths *paths;
  DetprofPathNode key = { parent, function, thread, NULL, line, nc, cc, tt, ct, tt_bound, ct_bound };

  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);
  g_return_val_if_fail (file != NULL, 0);

  paths = _detprof_stats_get_paths (self);
  g_return_val_if_fail (thread < paths->threads->len, 0);
  g_return_val_if_fail (parent == G_MAXUINT || parent < paths->nodes->len, 0);
  g_return_val_if_fail (function < detprof_stats_get_n_functions (self), 0);

  key.file = g_string_chunk_insert_const (paths->files, file);
  return add_node (paths, &key);
}

/* os.path.basename on POSIX, as strip_dirs takes it. */
static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash != NULL ? slash + 1 : path;
}

void
_detprof_stats_paths_add (DetprofStatsPaths *into,
                          DetprofStatsPaths *from,
                          const guint       *rows,
                          gboolean           strip)
{
  guint n_threads = from->threads->len, n_nodes = from->nodes->len;
  g_autofree guint *same = g_new (guint, MAX (n_nodes, 1));
  guint i;

  for (i = 0; i < n_threads; i++)
    {
      DetprofPathThread thread = g_array_index (from->threads, DetprofPathThread, i);

      if (i < into->threads->len)
        {
          DetprofPathThread *ours = &g_array_index (into->threads, DetprofPathThread, i);

          ours->n_threads += thread.n_threads;
          ours->cpu_time += thread.cpu_time;
          ours->unplaced_calls += thread.unplaced_calls;
        }
      else
        g_array_append_val (into->threads, thread);
    }

  /* @from may be @into: each node is copied before it is added. */
  for (i = 0; i < n_nodes; i++)
    {
      DetprofPathNode key = g_array_index (from->nodes, DetprofPathNode, i);

      key.parent = key.parent == G_MAXUINT ? G_MAXUINT : same[key.parent];
      key.function = rows[key.function];
      key.file = g_string_chunk_insert_const (into->files, strip ? base_name (key.file) : key.file);
      same[i] = add_node (into, &key);
    }
}

/* ---- public API ---- */

/**
 * detprof_stats_get_n_path_nodes:
 * @self: a #DetprofStats
 *
 * Counts the nodes of the calling-context trees of @self, every thread's,
 * which detprof_stats_get_path_node() gets one by one. Dumps made by
 * detprof have them; Python's dumps, and those of detprof before paths
 * were recorded, have none.
 *
 * Returns: the number of path nodes
 *
 * Since: 0.1
 */
guint
detprof_stats_get_n_path_nodes (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return _detprof_stats_get_paths (self)->nodes->len;
}

/**
 * detprof_stats_get_path_node:
 * @self: a #DetprofStats
 * @index: less than detprof_stats_get_n_path_nodes()
 *
 * Gets one node of the calling-context trees. Nodes are in the order they
 * were made, so a node's parent always comes before it: one pass in order
 * can build each path from its parent's. A node whose @parent is
 * %G_MAXUINT is a thread's first call.
 *
 * |[<!-- language="C" -->
 * // The self time of every path, as "main;parse;lex"
 * guint n = detprof_stats_get_n_path_nodes (stats);
 * g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
 *
 * for (guint i = 0; i < n; i++)
 *   {
 *     const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);
 *     const char *name = detprof_stats_get_function (stats, node->function)->name;
 *     char *path = node->parent == G_MAXUINT
 *                  ? g_strdup (name)
 *                  : g_strconcat (names->pdata[node->parent], ";", name, NULL);
 *
 *     g_ptr_array_add (names, path);
 *     g_print ("%s %.6f\n", path, node->tt);
 *   }
 * ]|
 *
 * Returns: (transfer none): the node; valid until @self changes
 *
 * Since: 0.1
 */
const DetprofPathNode *
detprof_stats_get_path_node (DetprofStats *self,
                             guint         index)
{
  DetprofStatsPaths *paths;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  paths = _detprof_stats_get_paths (self);
  g_return_val_if_fail (index < paths->nodes->len, NULL);

  return &g_array_index (paths->nodes, DetprofPathNode, index);
}

/**
 * detprof_stats_get_n_path_threads:
 * @self: a #DetprofStats
 *
 * Counts the threads of the paths: each #DetprofPathNode belongs to one.
 *
 * Returns: the number of threads with paths
 *
 * Since: 0.1
 */
guint
detprof_stats_get_n_path_threads (DetprofStats *self)
{
  g_return_val_if_fail (DETPROF_IS_STATS (self), 0);

  return _detprof_stats_get_paths (self)->threads->len;
}

/**
 * detprof_stats_get_path_thread:
 * @self: a #DetprofStats
 * @index: less than detprof_stats_get_n_path_threads()
 *
 * Gets what is known of one thread of the paths.
 *
 * Returns: (transfer none): the thread; valid until @self changes
 *
 * Since: 0.1
 */
const DetprofPathThread *
detprof_stats_get_path_thread (DetprofStats *self,
                               guint         index)
{
  DetprofStatsPaths *paths;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  paths = _detprof_stats_get_paths (self);
  g_return_val_if_fail (index < paths->threads->len, NULL);

  return &g_array_index (paths->threads, DetprofPathThread, index);
}
