/* detprof-paths.c: each thread's calling-context tree, the slow paths.
 *
 * pstats answers "who called me", one level up. The calling-context tree
 * answers "through which path": a node per (caller's node, call site,
 * callee), with the calls, the internal time and the cumulative time of
 * the activations that came by that path. A call finds its node with one
 * hash lookup (find_node (), detprof-thread-private.h), the lookup that
 * found its call site before the tree existed: the node leads to the call
 * site, which leads to the arc and the callee.
 *
 * Two things would make the tree grow without end:
 *
 * - recursion: fib (30) reached by every path of the recursion would be
 *   thirty levels of fib. So a call of a function that is already active
 *   on the thread goes to the node of its outermost activation
 *   (dispatch_call (), detprof-dispatch.c): the recursion folds into one
 *   node, and what the recursive activations call hangs under it. The
 *   lookup still makes a node for the recursive call's key, which is never
 *   used (it gets no calls, and is not reported), so that the next such
 *   call finds it in the index and does not come here.
 * - a program with very many paths. A thread's tree has at most max_nodes
 *   nodes. A call that needs a new one past that goes to a node its call
 *   site keeps for such calls, which is in no tree; it is counted as
 *   unplaced (the run fact "path-unplaced-calls"), and the reports say
 *   that the paths leave those calls out. The pstats tables are kept as
 *   ever.
 *
 * A thread that ends gives its tables to the state that stands for the
 * threads that ended (detprof-profiler-threads.c). Its tree is kept apart
 * there, for the per-thread view, while there are fewer than
 * MAX_TREES_KEPT_APART such trees; later ones are added into one tree.
 *
 * Making statistics turns each tree into path nodes of the DetprofStats
 * (detprof-stats-paths.c): indices instead of pointers, rows of the table
 * instead of function records, file and line instead of return addresses.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "detprof-paths-private.h"
#include "detprof-profiler-private.h"
#include "detprof-stats-paths-private.h"

#define INITIAL_INDEX 256          /* a power of two */
#define MAX_TREES_KEPT_APART 256   /* trees of ended threads kept apart */

/* A tree of a thread that ended, kept apart. */
typedef struct
{
  DetprofPaths paths;   /* its index freed; its nodes' sites are those of the
                         * state of the ended threads */
  int          tid;
} EndedTree;

/* ---- storage ---- */

static inline DetprofNode *
node_at (const DetprofPaths *paths,
         guint               index)
{
  return &paths->blocks[index / DETPROF_NODE_BLOCK][index % DETPROF_NODE_BLOCK];
}

/* A node at the end of the tree, zeroed but for its index; NULL when
 * memory runs out. */
static DetprofNode *
append_node (DetprofPaths *paths)
{
  DetprofNode *node;

  if (paths->n_nodes == paths->n_blocks * DETPROF_NODE_BLOCK)
    {
      DetprofNode **blocks = paths->blocks;
      DetprofNode *block;

      /* The array of blocks doubles whenever its size is a power of two. */
      if ((paths->n_blocks & (paths->n_blocks - 1)) == 0)
        {
          blocks = g_try_renew (DetprofNode *, paths->blocks, MAX (paths->n_blocks * 2, 1));
          if (blocks == NULL)
            return NULL;
          paths->blocks = blocks;
        }
      block = g_try_new0 (DetprofNode, DETPROF_NODE_BLOCK);
      if (block == NULL)
        return NULL;
      paths->blocks[paths->n_blocks++] = block;
    }
  node = node_at (paths, paths->n_nodes);
  node->index = paths->n_nodes++;
  return node;
}

static void
paths_free_nodes (DetprofPaths *paths)
{
  guint i;

  for (i = 0; i < paths->n_blocks; i++)
    g_free (paths->blocks[i]);
  g_clear_pointer (&paths->blocks, g_free);
  paths->n_blocks = 0;
  paths->n_nodes = 0;
}

static void
ended_tree_free (gpointer data)
{
  EndedTree *tree = data;

  paths_free_nodes (&tree->paths);
  g_free (tree);
}

/* ---- the index ---- */

static void
index_put (DetprofPaths *paths,
           DetprofNode  *node)
{
  gsize i = node_hash (node->parent, node->call_site, node->fn) & paths->index_mask;

  while (paths->index[i] != NULL)
    i = (i + 1) & paths->index_mask;
  paths->index[i] = node;
}

/* Makes room for one more node, doubling the index when it would be more
 * than half full, so that probes stay short; FALSE if memory does not
 * allow. */
static gboolean
index_reserve (DetprofPaths *paths)
{
  gsize capacity = (paths->index_mask + 1) * 2;
  DetprofNode **old = paths->index;
  guint i;

  if (((gsize) paths->n_nodes + 1) * 2 <= paths->index_mask + 1)
    return TRUE;
  paths->index = g_try_new0 (DetprofNode *, capacity);
  if (paths->index == NULL)
    {
      paths->index = old;
      return FALSE;
    }
  paths->index_mask = capacity - 1;
  /* In order of making, which is their order in memory. */
  for (i = 1; i < paths->n_nodes; i++)
    index_put (paths, node_at (paths, i));
  g_free (old);
  return TRUE;
}

static void
reindex (DetprofPaths *paths)
{
  guint i;

  memset (paths->index, 0, (paths->index_mask + 1) * sizeof (DetprofNode *));
  for (i = 1; i < paths->n_nodes; i++)
    index_put (paths, node_at (paths, i));
}

/* A new node under @parent for @site, in the index; NULL when memory runs
 * out. The caller knows the key is not there yet, and that the bound
 * allows one more. */
static DetprofNode *
insert_node (DetprofPaths    *paths,
             DetprofNode     *parent,
             DetprofCallSite *site)
{
  DetprofNode *node;

  if (!index_reserve (paths) || (node = append_node (paths)) == NULL)
    return NULL;
  node->parent = parent;
  node->call_site = site->call_site;
  node->fn = site->fn;
  node->site = site;
  index_put (paths, node);
  return node;
}

static DetprofNode *
lookup_node (const DetprofPaths    *paths,
             const DetprofNode     *parent,
             const DetprofCallSite *site)
{
  gsize i = node_hash (parent, site->call_site, site->fn) & paths->index_mask;
  DetprofNode *node;

  while ((node = paths->index[i]) != NULL)
    {
      if (node->call_site == site->call_site && node->fn == site->fn && node->parent == parent)
        return node;
      i = (i + 1) & paths->index_mask;
    }
  return NULL;
}

/* ---- a thread's tree ---- */

/* The CPU time of the calling thread, in seconds (NAN if unknown). */
static double
own_cpu_time (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return NAN;
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* The CPU time of the thread @tid of this process, in seconds (NAN if it
 * is gone). Linux names a thread's CPU clock by its id:
 * MAKE_THREAD_CPUCLOCK (tid, CPUCLOCK_SCHED) of the kernel's headers. */
static double
thread_cpu_time (int tid)
{
  clockid_t clock = (clockid_t) ((~(unsigned int) tid) << 3) | 6;
  struct timespec ts;

  if (tid <= 0 || clock_gettime (clock, &ts) != 0)
    return NAN;
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

gboolean
_detprof_paths_init (DetprofThreadState *self)
{
  static guint64 next_order;
  DetprofPaths *paths = &self->paths;
  DetprofNode *root;

  paths->max_nodes = MAX (_detprof_profiler_get_private (self->profiler)->max_path_nodes, 1);
  paths->order = __atomic_fetch_add (&next_order, 1, __ATOMIC_RELAXED);
  paths->cpu_start = own_cpu_time ();
  paths->cpu_time = NAN;
  paths->index = g_try_new0 (DetprofNode *, INITIAL_INDEX);
  paths->index_mask = INITIAL_INDEX - 1;
  if (paths->index == NULL || (root = append_node (paths)) == NULL)
    return FALSE;

  /* The root stands for the thread's start, as frames[0] does; it is in
   * no index, and never counted. */
  root->site = &self->root_site;
  self->frames[0].node = root;
  return TRUE;
}

void
_detprof_paths_clear (DetprofThreadState *self)
{
  guint i;

  for (i = 0; i < self->site_list.len; i++)
    g_free (((DetprofCallSite *) self->site_list.items[i])->unplaced);
  g_clear_pointer (&self->paths.ended, g_ptr_array_unref);
  g_clear_pointer (&self->paths.index, g_free);
  paths_free_nodes (&self->paths);
}

/* A call that needs a node past the bound goes to the one its call site
 * keeps for such calls: a node in no tree, whose time the paths leave
 * out. A recursive call is placed all the same (at the outermost
 * activation's node), so only the others are counted. */
static DetprofNode *
unplaced_node (DetprofThreadState *self,
               DetprofCallSite    *site)
{
  if (site->unplaced == NULL)
    {
      site->unplaced = g_try_new0 (DetprofNode, 1);
      if (site->unplaced == NULL)
        {
          self->out_of_memory = TRUE;
          return NULL;
        }
      site->unplaced->call_site = site->call_site;
      site->unplaced->fn = site->fn;
      site->unplaced->site = site;
      site->unplaced->index = G_MAXUINT;
    }
  if (site->callee->totals.active == 0)
    self->paths.unplaced_calls++;
  return site->unplaced;
}

DetprofNode *
_detprof_paths_add_node (DetprofThreadState *self,
                         const DetprofFrame *caller,
                         gconstpointer       call_site,
                         gconstpointer       fn)
{
  DetprofCallSite *site = find_call_site (self, caller->function, call_site, fn);
  DetprofNode *node;

  if (site == NULL)
    return NULL;
  if (self->paths.n_nodes >= self->paths.max_nodes)
    return unplaced_node (self, site);

  node = insert_node (&self->paths, caller->node, site);
  if (node == NULL)
    self->out_of_memory = TRUE;
  return node;
}

void
_detprof_paths_rekey (DetprofThreadState *self)
{
  guint i;

  for (i = 1; i < self->paths.n_nodes; i++)
    {
      DetprofNode *node = node_at (&self->paths, i);

      node->call_site = node->site->call_site;
      node->fn = node->site->fn;
    }
  reindex (&self->paths);
}

void
_detprof_paths_thread_ends (DetprofThreadState *self)
{
  double now = own_cpu_time ();

  /* A fork restarts the child's clock: a time that went back is unknown. */
  self->paths.cpu_time = now >= self->paths.cpu_start ? now - self->paths.cpu_start : (double) NAN;
}

/* ---- threads that end ---- */

static void
add_totals (DetprofTotals       *into,
            const DetprofTotals *from)
{
  into->nc += from->nc;
  into->cc += from->cc;
  into->tt += from->tt;
  into->ct += from->ct;
  into->n_tt += from->n_tt;
  into->n_ct += from->n_ct;
}

static gint64
count_calls (const DetprofPaths *paths)
{
  gint64 calls = 0;
  guint i;

  for (i = 1; i < paths->n_nodes; i++)
    calls += node_at (paths, i)->totals.nc;
  return calls;
}

/* Moves @from's tree into a tree kept apart in @into, its nodes pointing
 * at @into's call sites; FALSE if memory ran out (nothing moved). */
static gboolean
keep_apart (DetprofThreadState *into,
            DetprofThreadState *from)
{
  g_autofree DetprofCallSite **sites = g_try_new (DetprofCallSite *, MAX (from->paths.n_nodes, 1));
  EndedTree *tree;
  guint i;

  if (sites == NULL)
    return FALSE;
  for (i = 0; i < from->paths.n_nodes; i++)
    if ((sites[i] = _detprof_thread_state_same_site (into, from, node_at (&from->paths, i)->site)) == NULL)
      return FALSE;
  if ((tree = g_try_new0 (EndedTree, 1)) == NULL)
    return FALSE;
  for (i = 0; i < from->paths.n_nodes; i++)
    node_at (&from->paths, i)->site = sites[i];

  tree->paths = from->paths;
  tree->paths.index = NULL;
  tree->tid = from->tid;
  g_clear_pointer (&from->paths.index, g_free);
  from->paths.blocks = NULL;
  from->paths.n_blocks = 0;
  from->paths.n_nodes = 0;
  g_ptr_array_add (into->paths.ended, tree);
  return TRUE;
}

/* Adds @from's tree into @into's own, node by node, parents first; what
 * finds no room is counted as unplaced. */
static void
add_tree (DetprofThreadState *into,
          DetprofThreadState *from)
{
  g_autofree DetprofNode **same = g_try_new0 (DetprofNode *, MAX (from->paths.n_nodes, 1));
  guint i;

  if (same == NULL)
    {
      into->out_of_memory++;
      into->paths.unplaced_calls += count_calls (&from->paths);
      return;
    }
  same[0] = node_at (&into->paths, 0);
  for (i = 1; i < from->paths.n_nodes; i++)
    {
      DetprofNode *node = node_at (&from->paths, i);
      DetprofNode *parent = same[node->parent->index];
      DetprofCallSite *site = _detprof_thread_state_same_site (into, from, node->site);

      if (parent != NULL && site != NULL)
        {
          same[i] = lookup_node (&into->paths, parent, site);
          if (same[i] == NULL && into->paths.n_nodes < into->paths.max_nodes)
            same[i] = insert_node (&into->paths, parent, site);
        }
      if (same[i] != NULL)
        add_totals (&same[i]->totals, &node->totals);
      else
        into->paths.unplaced_calls += node->totals.nc;
    }
  into->paths.cpu_time = isnan (into->paths.cpu_time) ? from->paths.cpu_time
                                                      : into->paths.cpu_time + from->paths.cpu_time;
}

void
_detprof_paths_absorb (DetprofThreadState *into,
                       DetprofThreadState *from)
{
  if (into->paths.ended == NULL)
    into->paths.ended = g_ptr_array_new_with_free_func (ended_tree_free);

  if (into->paths.ended->len < MAX_TREES_KEPT_APART && keep_apart (into, from))
    return;
  add_tree (into, from);
  into->paths.unplaced_calls += from->paths.unplaced_calls;
  into->paths.n_merged++;
}

gint64
_detprof_paths_count_unplaced (DetprofThreadState *self)
{
  gint64 unplaced = self->paths.unplaced_calls;
  guint i;

  for (i = 0; self->paths.ended != NULL && i < self->paths.ended->len; i++)
    unplaced += ((EndedTree *) g_ptr_array_index (self->paths.ended, i))->paths.unplaced_calls;
  return unplaced;
}

/* ---- into the statistics ---- */

void
_detprof_paths_read_cpu_times (GPtrArray *states)
{
  guint i;

  for (i = 0; i < states->len; i++)
    {
      DetprofThreadState *state = g_ptr_array_index (states, i);
      double used;

      if (state->finished)
        continue;
      /* A fork restarts the child's clock: a time that went back is unknown. */
      used = thread_cpu_time (state->tid) - state->paths.cpu_start;
      state->paths.cpu_time = used >= 0.0 ? used : (double) NAN;
    }
}

/* One tree, as one thread of the statistics. */
typedef struct
{
  const DetprofPaths *paths;
  int                 tid;
  guint               n_threads;  /* the threads it stands for */
  double              cpu_time;
} Tree;

static int
compare_trees (gconstpointer a,
               gconstpointer b)
{
  const Tree *x = a, *y = b;

  return (x->paths->order > y->paths->order) - (x->paths->order < y->paths->order);
}

/* Marks a node that is not in the statistics: a recursive call's key,
 * folded, which no activation came to. */
#define NOT_PLACED (G_MAXUINT - 1)

static void
add_tree_to_stats (DetprofStats            *stats,
                   const Tree              *tree,
                   double                   timeunit,
                   const DetprofPathsNamer *namer)
{
  const DetprofPaths *paths = tree->paths;
  g_autofree guint *placed = g_new (guint, MAX (paths->n_nodes, 1));
  guint thread = G_MAXUINT, i;

  placed[0] = G_MAXUINT;
  for (i = 1; i < paths->n_nodes; i++)
    {
      const DetprofNode *node = node_at (paths, i);
      guint parent = placed[node->parent->index];
      guint row = namer->function_row (namer->data, node->site->callee);
      const char *file = "??";
      gint64 line = 0;

      placed[i] = NOT_PLACED;
      if (node->totals.nc == 0 || row == G_MAXUINT || parent == NOT_PLACED)
        continue;
      /* A thread is in the statistics once it has a node there. */
      if (thread == G_MAXUINT)
        thread = _detprof_stats_add_path_thread (stats, tree->tid, tree->n_threads, tree->cpu_time,
                                                 paths->unplaced_calls);
      namer->call_line (namer->data, node->site, &file, &line);
      placed[i] = _detprof_stats_add_path_node (stats, thread, parent, row, file, line,
                                                node->totals.nc, node->totals.cc,
                                                node->totals.tt * timeunit, node->totals.ct * timeunit,
                                                namer->bound (namer->data, &node->totals, TRUE),
                                                namer->bound (namer->data, &node->totals, FALSE));
    }
}

void
_detprof_paths_add_to_stats (GPtrArray               *states,
                             DetprofStats            *stats,
                             double                   timeunit,
                             guint                    max_nodes,
                             const DetprofPathsNamer *namer)
{
  g_autoptr(GArray) trees = g_array_new (FALSE, TRUE, sizeof (Tree));
  Tree merged = { NULL, 0, 0, NAN };
  gint64 unplaced = 0;
  char text[32];
  guint i, j;

  for (i = 0; i < states->len; i++)
    {
      DetprofThreadState *state = g_ptr_array_index (states, i);

      unplaced += _detprof_paths_count_unplaced (state);
      if (state->paths.ended == NULL)
        {
          Tree tree = { &state->paths, state->tid, 1, state->paths.cpu_time };

          g_array_append_val (trees, tree);
          continue;
        }

      /* The state of the threads that ended: the trees kept apart, and
       * the one the others were added into, which comes last. */
      for (j = 0; j < state->paths.ended->len; j++)
        {
          EndedTree *ended = g_ptr_array_index (state->paths.ended, j);
          Tree tree = { &ended->paths, ended->tid, 1, ended->paths.cpu_time };

          g_array_append_val (trees, tree);
        }
      if (state->paths.n_merged > 0)
        {
          merged.paths = &state->paths;
          merged.n_threads = state->paths.n_merged;
          merged.cpu_time = state->paths.cpu_time;
        }
    }

  g_array_sort (trees, compare_trees);
  if (merged.paths != NULL)
    g_array_append_val (trees, merged);
  for (i = 0; i < trees->len; i++)
    add_tree_to_stats (stats, &g_array_index (trees, Tree, i), timeunit, namer);

  g_snprintf (text, sizeof text, "%u", max_nodes);
  detprof_stats_set_info (stats, "path-max-nodes", text);
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, unplaced);
  detprof_stats_set_info (stats, "path-unplaced-calls", text);
}
