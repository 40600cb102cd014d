/* detprof-report-paths.c: what is drawn from the paths of a profile.
 *
 * - Folded stacks ("main;parse;lex 1234"), the input of flamegraph.pl,
 *   inferno and speedscope: one line per path, weighed by the internal
 *   time of its last function (whole microseconds) or by its calls.
 * - detprof's own pictures, the SVG flame graph and speedscope's file:
 *   the paths handed to their writers (detprof-flame*.c).
 * - The paths to the functions a regular expression matches, with their
 *   calls and times (detprof-stats --paths).
 * - One thread's table, derived from its tree (detprof-stats --threads).
 * - The notes a report ends with: calls left out of the paths (the
 *   bound), and threads that spent most of their time blocked.
 *
 * A path is a chain of functions. Nodes of the trees that make the same
 * chain (reached from different lines, or on different threads) are one
 * path here: their numbers add up, as a flame graph adds its samples. So
 * the nodes are first merged into such chains ("merged nodes"), each
 * keyed by its parent chain and its function, parents first, as the
 * nodes are.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-flame-private.h"
#include "detprof-report-paths-private.h"
#include "detprof-stats-private.h"

/* ---------------------------------------------------------------------- */
/* Names and merged paths                                                  */

/* What a path calls each row: its name, or, when another row has the
 * same name (two static functions of different files), "name [file:line]";
 * a ';' or a line break, which folded stacks cannot hold, becomes '_'. */
static GPtrArray *
frame_names (DetprofStats *stats)
{
  guint n = detprof_stats_get_n_functions (stats);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names = g_ptr_array_new_full (n, g_free);
  guint i;

  for (i = 0; i < n; i++)
    {
      const char *name = detprof_stats_get_function (stats, i)->name;

      g_hash_table_insert (seen, (gpointer) name,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, name)) + 1));
    }
  for (i = 0; i < n; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
      char *name = GPOINTER_TO_UINT (g_hash_table_lookup (seen, function->name)) > 1
                   ? g_strdup_printf ("%s [%s:%" G_GINT64_FORMAT "]", function->name, function->file, function->line)
                   : g_strdup (function->name);
      char *c;

      for (c = name; *c != '\0'; c++)
        if (*c == ';' || *c == '\n' || *c == '\r')
          *c = '_';
      g_ptr_array_add (names, name);
    }
  return names;
}

typedef struct
{
  guint  parent;    /* a merged node before it, or G_MAXUINT */
  guint  function;  /* a row; G_MAXUINT for a thread's own frame (by thread) */
  gint64 nc;
  gint64 cc;
  double tt;
  double ct;
  double tt_bound;  /* NaN when unknown */
  double ct_bound;
} Merged;

typedef struct
{
  GArray     *merged;  /* of Merged, parents first; owned */
  guint      *of_node; /* each path node's merged node; owned */
  GHashTable *index;   /* (parent, function) -> merged index + 1; owned */
} Chains;

static void
chains_clear (Chains *chains)
{
  g_clear_pointer (&chains->merged, g_array_unref);
  g_clear_pointer (&chains->of_node, g_free);
  g_clear_pointer (&chains->index, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Chains, chains_clear)

static guint
chain_of (Chains *chains,
          guint   parent,
          guint   function)
{
  guint64 key = ((guint64) parent << 32) | function;
  gpointer found = g_hash_table_lookup (chains->index, &key);
  Merged merged = { parent, function, 0, 0, 0.0, 0.0, 0.0, 0.0 };
  guint64 *stored;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  g_array_append_val (chains->merged, merged);
  stored = g_new (guint64, 1);
  *stored = key;
  g_hash_table_insert (chains->index, stored, GUINT_TO_POINTER (chains->merged->len));
  return chains->merged->len - 1;
}

/* Merges the nodes of @stats into chains of functions: across threads,
 * or, if @by_thread, under a frame of each thread's own. */
static void
chains_init (Chains       *chains,
             DetprofStats *stats,
             gboolean      by_thread)
{
  guint n = detprof_stats_get_n_path_nodes (stats);
  guint i;

  chains->merged = g_array_new (FALSE, FALSE, sizeof (Merged));
  chains->of_node = g_new (guint, MAX (n, 1));
  chains->index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (i = 0; i < n; i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);
      guint parent = node->parent != G_MAXUINT ? chains->of_node[node->parent]
                     : by_thread ? chain_of (chains, G_MAXUINT, G_MAXUINT - 1 - node->thread)
                     : G_MAXUINT;
      guint index = chain_of (chains, parent, node->function);
      Merged *merged = &g_array_index (chains->merged, Merged, index);

      chains->of_node[i] = index;
      merged->nc += node->nc;
      merged->cc += node->cc;
      merged->tt += node->tt;
      merged->ct += node->ct;
      merged->tt_bound += node->tt_bound;
      merged->ct_bound += node->ct_bound;
    }
}

static void
append_thread_title (DetprofStats *stats,
                     GString      *out,
                     guint         thread)
{
  const DetprofPathThread *info = detprof_stats_get_path_thread (stats, thread);

  if (info->id == 0 && info->n_threads > 1)
    g_string_append_printf (out, "thread %u (%u threads)", thread, info->n_threads);
  else if (info->n_threads > 1)
    g_string_append_printf (out, "thread %u (id %" G_GINT64_FORMAT ", %u threads)", thread, info->id,
                            info->n_threads);
  else
    g_string_append_printf (out, "thread %u (id %" G_GINT64_FORMAT ")", thread, info->id);
}

/* The chain of merged node @index, its frames joined by @separator. */
static void
append_chain (DetprofStats     *stats,
              const Chains     *chains,
              const GPtrArray  *names,
              guint             index,
              const char       *separator,
              GString          *out)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint));
  guint i;

  for (; index != G_MAXUINT; index = g_array_index (chains->merged, Merged, index).parent)
    g_array_append_val (frames, index);
  for (i = frames->len; i > 0; i--)
    {
      const Merged *merged = &g_array_index (chains->merged, Merged, g_array_index (frames, guint, i - 1));

      if (i < frames->len)
        g_string_append (out, separator);
      if (merged->function >= detprof_stats_get_n_functions (stats))
        append_thread_title (stats, out, G_MAXUINT - 1 - merged->function);
      else
        g_string_append (out, g_ptr_array_index (names, merged->function));
    }
}

static gboolean
require_paths (DetprofStats  *stats,
               GError       **error)
{
  if (detprof_stats_get_n_path_nodes (stats) > 0)
    return TRUE;
  g_set_error_literal (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT,
                       "this profile has no paths: it was made by Python, or by a detprof "
                       "older than the calling-context tree");
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Folded stacks                                                           */

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * detprof_stats_export_folded:
 * @stats: a #DetprofStats with paths
 * @out: where to append the lines
 * @weight: what a line counts
 * @by_thread: %TRUE to start each path with a frame that names its thread
 *   ("thread 1 (id 4242)"), %FALSE to add up the threads' paths
 * @error: return location for a #GError, or %NULL
 *
 * Appends the paths as folded stacks, the format of flamegraph.pl's
 * stackcollapse scripts, which flamegraph.pl, inferno and speedscope
 * read: one line per path, its functions from the outermost joined by
 * ';', a space, and its weight: the internal time of its last function in
 * whole microseconds (rounded), or its calls. Paths that differ only by
 * the lines of their calls are one line. Lines are sorted; a path that
 * weighs 0 is left out (its callees' lines still draw it). A function is
 * named by its name, or by "name [file:line]" when two functions have
 * that name. A negative time (a bias larger than the overhead really was)
 * is written as 0.
 *
 * The weights add up to the table's total time, in microseconds (each
 * line rounded), or to its total calls, less the calls that found the
 * tree full (the run fact "path-unplaced-calls").
 *
 * Returns: %TRUE, or %FALSE with %DETPROF_ERROR_INVALID_ARGUMENT if
 *   @stats has no paths
 *
 * Since: 0.1
 */
gboolean
detprof_stats_export_folded (DetprofStats       *stats,
                             GString            *out,
                             DetprofPathWeight   weight,
                             gboolean            by_thread,
                             GError            **error)
{
  g_auto(Chains) chains = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  guint i;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!require_paths (stats, error))
    return FALSE;

  names = frame_names (stats);
  chains_init (&chains, stats, by_thread);
  lines = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < chains.merged->len; i++)
    {
      const Merged *merged = &g_array_index (chains.merged, Merged, i);
      gint64 value;
      GString *line;

      if (merged->function >= detprof_stats_get_n_functions (stats))
        continue;
      if (weight == DETPROF_PATH_WEIGHT_CALLS)
        value = merged->nc;
      else
        value = merged->tt > 0.0 ? (gint64) llround (merged->tt * 1e6) : 0;
      if (value == 0)
        continue;
      line = g_string_new (NULL);
      append_chain (stats, &chains, names, i, ";", line);
      g_string_append_printf (line, " %" G_GINT64_FORMAT "\n", value);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }

  g_ptr_array_sort (lines, compare_lines);
  for (i = 0; i < lines->len; i++)
    g_string_append (out, g_ptr_array_index (lines, i));
  return TRUE;
}

/* The paths whose internal time is negative: they are written as 0. */
guint
_detprof_report_count_negative_paths (DetprofStats *stats)
{
  guint n = 0, i;

  for (i = 0; i < detprof_stats_get_n_path_nodes (stats); i++)
    n += detprof_stats_get_path_node (stats, i)->tt < 0.0;
  return n;
}

/* ---------------------------------------------------------------------- */
/* The pictures                                                            */

typedef void (*FlameWriter) (const DetprofFlameNode *nodes,
                             guint                   n_nodes,
                             const char             *title,
                             GString                *out);

/* Hands the paths to a picture's writer: a frame per thread (its title),
 * and above it each chain of functions, named by the function's name and
 * the place it is defined. */
static gboolean
draw_paths (DetprofStats  *stats,
            FlameWriter    write,
            const char    *title,
            GString       *out,
            GError       **error)
{
  g_auto(Chains) chains = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autofree DetprofFlameNode *nodes = NULL;
  guint n_rows, i;

  if (!require_paths (stats, error))
    return FALSE;

  n_rows = detprof_stats_get_n_functions (stats);
  chains_init (&chains, stats, TRUE);
  nodes = g_new0 (DetprofFlameNode, MAX (chains.merged->len, 1));
  for (i = 0; i < chains.merged->len; i++)
    {
      const Merged *merged = &g_array_index (chains.merged, Merged, i);
      DetprofFlameNode *node = &nodes[i];

      node->parent = merged->parent;
      if (merged->function >= n_rows)
        {
          GString *name = g_string_new (NULL);

          /* A thread: its time is its first calls'. */
          append_thread_title (stats, name, G_MAXUINT - 1 - merged->function);
          g_ptr_array_add (titles, g_string_free (name, FALSE));
          node->name = g_ptr_array_index (titles, titles->len - 1);
          node->file = "";
          continue;
        }
      node->name = detprof_stats_get_function (stats, merged->function)->name;
      node->file = detprof_stats_get_function (stats, merged->function)->file;
      node->line = detprof_stats_get_function (stats, merged->function)->line;
      node->calls = merged->nc;
      node->self_time = merged->tt;
      node->total_time = merged->ct;
      node->self_bound = isnan (merged->tt_bound) ? 0.0 : merged->tt_bound;
      node->total_bound = isnan (merged->ct_bound) ? 0.0 : merged->ct_bound;
    }
  write (nodes, chains.merged->len, title, out);
  return TRUE;
}

/**
 * detprof_stats_export_flamegraph:
 * @stats: a #DetprofStats with paths
 * @out: where to append the picture
 * @title: (nullable): what heads the picture
 * @error: return location for a #GError, or %NULL
 *
 * Appends a self-contained interactive SVG flame graph of the paths: a
 * frame per thread, side by side, and above each the paths of its calls,
 * each frame as wide as the path's cumulative time, with its calls, its
 * times and their bounds on hover; a click zooms, a search box finds
 * functions. Paths that differ only by the lines of their calls are one
 * frame. The manual says how to read it.
 *
 * Returns: %TRUE, or %FALSE with %DETPROF_ERROR_INVALID_ARGUMENT if
 *   @stats has no paths
 *
 * Since: 0.1
 */
gboolean
detprof_stats_export_flamegraph (DetprofStats  *stats,
                                 GString       *out,
                                 const char    *title,
                                 GError       **error)
{
  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return draw_paths (stats, _detprof_flame_write_svg, title, out, error);
}

/**
 * detprof_stats_export_speedscope:
 * @stats: a #DetprofStats with paths
 * @out: where to append the file
 * @name: (nullable): what the file is called in speedscope
 * @error: return location for a #GError, or %NULL
 *
 * Appends the paths in speedscope's file format
 * (https://www.speedscope.app/file-format-schema.json): one evented
 * profile per thread, in seconds, whose events give each path its
 * cumulative time, and one frame per function.
 *
 * Returns: %TRUE, or %FALSE with %DETPROF_ERROR_INVALID_ARGUMENT if
 *   @stats has no paths
 *
 * Since: 0.1
 */
gboolean
detprof_stats_export_speedscope (DetprofStats  *stats,
                                 GString       *out,
                                 const char    *name,
                                 GError       **error)
{
  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return draw_paths (stats, _detprof_flame_write_speedscope, name, out, error);
}

/* ---------------------------------------------------------------------- */
/* The paths to some functions                                             */

typedef struct
{
  const Merged *merged;
  guint         index;
} Found;

/* Larger cumulative time first; then the order the paths were met. */
static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  const Found *x = a, *y = b;

  if (x->merged->ct != y->merged->ct)
    return x->merged->ct > y->merged->ct ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

static void
append_f8 (GString *out,
           double   value)
{
  char buffer[400];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%8.3f", value));
}

/**
 * detprof_stats_print_paths:
 * @stats: a #DetprofStats with paths
 * @out: where to append the report
 * @pattern: a Perl-compatible regular expression, searched for in each
 *   function's label ("file:line(name)") as pstats' restrictions are
 * @error: return location for a #GError, or %NULL
 *
 * Appends every path that reaches a function @pattern matches, one line
 * each: the calls that came by it (nc/cc when some were recursive), the
 * internal and the cumulative time of the function along it, in seconds,
 * and the path from the thread's first call, its functions joined by
 * " > ". Paths that differ only by the lines of their calls, or by their
 * thread, are one line. The paths with the larger cumulative time come
 * first.
 *
 * Returns: %TRUE, or %FALSE with %DETPROF_ERROR_INVALID_ARGUMENT if
 *   @stats has no paths or @pattern does not compile
 *
 * Since: 0.1
 */
gboolean
detprof_stats_print_paths (DetprofStats  *stats,
                           GString       *out,
                           const char    *pattern,
                           GError       **error)
{
  g_auto(Chains) chains = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Found));
  g_autofree gboolean *matches = NULL;
  guint n_rows, i;
  gint64 calls = 0;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  regex = g_regex_new (pattern, G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, &local_error);
  if (regex == NULL)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT, "invalid regular expression '%s': %s",
                   pattern, local_error->message);
      return FALSE;
    }
  if (!require_paths (stats, error))
    return FALSE;

  n_rows = detprof_stats_get_n_functions (stats);
  matches = g_new0 (gboolean, MAX (n_rows, 1));
  for (i = 0; i < n_rows; i++)
    {
      g_autofree char *label = detprof_stats_function_label (stats, i);

      matches[i] = g_regex_match (regex, label, G_REGEX_MATCH_DEFAULT, NULL);
    }

  names = frame_names (stats);
  chains_init (&chains, stats, FALSE);
  for (i = 0; i < chains.merged->len; i++)
    {
      Found one = { &g_array_index (chains.merged, Merged, i), i };

      if (!matches[one.merged->function])
        continue;
      g_array_append_val (found, one);
      calls += one.merged->nc;
    }
  g_array_sort (found, compare_found);

  g_string_append_printf (out, "Paths to the functions that match '%s': %u path%s, %" G_GINT64_FORMAT " call%s\n\n",
                          pattern, found->len, found->len == 1 ? "" : "s", calls, calls == 1 ? "" : "s");
  if (found->len == 0)
    return TRUE;
  g_string_append (out, "   ncalls  tottime  cumtime  path\n");
  for (i = 0; i < found->len; i++)
    {
      const Found *one = &g_array_index (found, Found, i);
      g_autofree char *count = one->merged->nc == one->merged->cc
                               ? g_strdup_printf ("%" G_GINT64_FORMAT, one->merged->nc)
                               : g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                  one->merged->nc, one->merged->cc);

      g_string_append_printf (out, "%9s ", count);
      append_f8 (out, one->merged->tt);
      g_string_append_c (out, ' ');
      append_f8 (out, one->merged->ct);
      g_string_append (out, "  ");
      append_chain (stats, &chains, names, one->index, " > ", out);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* One thread                                                              */

/**
 * detprof_stats_new_for_path_thread:
 * @self: a #DetprofStats
 * @thread: less than detprof_stats_get_n_path_threads()
 *
 * Makes the table of one thread, from its tree: each function that ran on
 * it, in @self's order, with the sums of its nodes' numbers there. The
 * sums over threads are @self's rows (less the calls that found a tree
 * full), and so are their bounds, if @self has any. The table has no callers (a recursive call is placed at its
 * outermost activation's node, not under its caller), no files and no
 * run facts.
 *
 * Returns: (transfer full): the thread's table
 *
 * Since: 0.1
 */
DetprofStats *
detprof_stats_new_for_path_thread (DetprofStats *self,
                                   guint         thread)
{
  g_autoptr(DetprofStats) table = NULL;
  g_autofree DetprofPathNode *sums = NULL;
  guint n_rows, i;

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);
  g_return_val_if_fail (thread < detprof_stats_get_n_path_threads (self), NULL);

  n_rows = detprof_stats_get_n_functions (self);
  sums = g_new0 (DetprofPathNode, MAX (n_rows, 1));
  for (i = 0; i < detprof_stats_get_n_path_nodes (self); i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (self, i);

      if (node->thread != thread)
        continue;
      sums[node->function].thread = 1;
      sums[node->function].nc += node->nc;
      sums[node->function].cc += node->cc;
      sums[node->function].tt += node->tt;
      sums[node->function].ct += node->ct;
      sums[node->function].tt_bound += node->tt_bound;
      sums[node->function].ct_bound += node->ct_bound;
    }

  table = detprof_stats_new ();
  for (i = 0; i < n_rows; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (self, i);

      if (sums[i].thread == 0)
        continue;
      _detprof_stats_add_bounded_function (table, function->file, function->line, function->name,
                                           sums[i].cc, sums[i].nc, sums[i].tt, sums[i].ct,
                                           sums[i].tt_bound, sums[i].ct_bound);
    }
  _detprof_stats_finish (table);
  return g_steal_pointer (&table);
}

/* The time a thread was profiled: its first calls' cumulative times. */
static double
thread_time (DetprofStats *stats,
             guint         thread)
{
  double time = 0.0;
  guint i;

  for (i = 0; i < detprof_stats_get_n_path_nodes (stats); i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (stats, i);

      if (node->thread == thread && node->parent == G_MAXUINT)
        time += node->ct;
    }
  return time;
}

void
_detprof_report_append_thread_title (DetprofStats *stats,
                                     guint         thread,
                                     GString      *out)
{
  const DetprofPathThread *info = detprof_stats_get_path_thread (stats, thread);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, "=== ");
  append_thread_title (stats, out, thread);
  g_string_append_printf (out, ": %s s profiled",
                          g_ascii_formatd (buffer, sizeof buffer, "%.3f", thread_time (stats, thread)));
  if (!isnan (info->cpu_time))
    g_string_append_printf (out, ", %s s of CPU",
                            g_ascii_formatd (buffer, sizeof buffer, "%.3f", info->cpu_time));
  g_string_append (out, " ===\n\n");
}

/* ---------------------------------------------------------------------- */
/* Notes                                                                   */

/* A thread is "mostly blocked" when, under a timer that counts wall-clock
 * time, its CPU time is under this share of its profiled time; and it is
 * noted only if it ran this long. */
#define BLOCKED_SHARE 0.5
#define BLOCKED_MIN_TIME 0.001
#define MAX_NAMED_THREADS 5

gboolean
_detprof_report_timer_counts_wall_time (DetprofStats *stats)
{
  static const char *const wall_timers[] = { "tsc", "tsc-fenced", "wall", "coarse", NULL };
  const char *timer = detprof_stats_get_info (stats, "timer");

  return timer != NULL && g_strv_contains (wall_timers, timer);
}

static gboolean
append_blocked_threads (DetprofStats *stats,
                        GString      *out,
                        const char   *prefix)
{
  g_autoptr(GString) named = g_string_new (NULL);
  guint n_threads = detprof_stats_get_n_path_threads (stats), blocked = 0, i;
  char cpu[G_ASCII_DTOSTR_BUF_SIZE], wall[G_ASCII_DTOSTR_BUF_SIZE];

  if (n_threads < 2 || !_detprof_report_timer_counts_wall_time (stats))
    return FALSE;

  for (i = 0; i < n_threads; i++)
    {
      const DetprofPathThread *info = detprof_stats_get_path_thread (stats, i);
      double time = thread_time (stats, i);

      if (isnan (info->cpu_time) || time < BLOCKED_MIN_TIME || info->cpu_time >= BLOCKED_SHARE * time)
        continue;
      if (blocked++ < MAX_NAMED_THREADS)
        {
          g_string_append (named, blocked > 1 ? "; " : "");
          append_thread_title (stats, named, i);
          g_string_append_printf (named, " %s s of CPU in %s s",
                                  g_ascii_formatd (cpu, sizeof cpu, "%.3f", info->cpu_time),
                                  g_ascii_formatd (wall, sizeof wall, "%.3f", time));
        }
    }
  if (blocked == 0)
    return FALSE;
  if (blocked > MAX_NAMED_THREADS)
    g_string_append_printf (named, "; and %u more", blocked - MAX_NAMED_THREADS);

  g_string_append_printf (out, "%snote: %u thread%s spent most of %s profiled time off the CPU, blocked"
                          " or waiting for a core (CPU time under half of it): %s. The times of %s"
                          " functions include that waiting; detprof-stats --threads shows each thread"
                          " apart\n",
                          prefix, blocked, blocked == 1 ? "" : "s", blocked == 1 ? "its" : "their",
                          named->str, blocked == 1 ? "its" : "their");
  return TRUE;
}

gboolean
_detprof_report_append_path_notes (DetprofStats *stats,
                                   GString      *out,
                                   const char   *prefix)
{
  const char *text = detprof_stats_get_info (stats, "path-unplaced-calls");
  guint64 unplaced = 0;
  gboolean any = FALSE;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &unplaced, NULL))
    {
      const char *bound = detprof_stats_get_info (stats, "path-max-nodes");

      g_string_append_printf (out, "%swarning: %" G_GUINT64_FORMAT " call%s found the calling-context tree"
                              " full (%s nodes per thread): in the tables, left out of the paths"
                              " (folded stacks, --paths, --threads)\n",
                              prefix, unplaced, unplaced == 1 ? "" : "s", bound != NULL ? bound : "its");
      any = TRUE;
    }
  if (append_blocked_threads (stats, out, prefix))
    any = TRUE;
  return any;
}
