/* detprof-profiler-stats.c: from the profiler's tables to statistics.
 *
 * The tables hold addresses. Making statistics closes every open frame
 * (profile.py's simulate_cmd_complete), adds up the threads' tables,
 * names each function (a name given by detprof_profiler_name_function (),
 * else the debug information, through detprof-symbols.c) and each call
 * site, converts the timer's units to seconds, bounds each time's error
 * from the stretches counted in it (detprof-bounds.c), and records the
 * run's facts: what a reader needs to know to trust the numbers.
 */
#include "config.h"

#include <stdio.h>

#include "detprof-paths-private.h"
#include "detprof-profiler-private.h"
#include "detprof-report-private.h"
#include "detprof-stats-private.h"
#include "detprof-symbols-private.h"
#include "detprof-timer-private.h"

typedef struct
{
  char *file;
  int   line;
  char *name;
} NamedFunction;

/* Room for "0x" and the hexadecimal digits of an address. */
#define ADDRESS_NAME_SIZE (3 + 2 * sizeof (gpointer))

static void
named_function_free (gpointer data)
{
  NamedFunction *named = data;

  g_free (named->file);
  g_free (named->name);
  g_free (named);
}

/* The table of names given with detprof_profiler_name_function (). */
GHashTable *
_detprof_profiler_names_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, named_function_free);
}

/**
 * detprof_profiler_name_function:
 * @self: a #DetprofProfiler
 * @fn: a function address, as given in events
 * @file: the file to report it in
 * @line: its line
 * @name: its name
 *
 * Names @fn in the statistics, instead of looking its address up in the
 * program's debugging information. For tests, teaching code, and code the
 * debugging information does not cover (JIT, hand-made events).
 *
 * Since: 0.1
 */
void
detprof_profiler_name_function (DetprofProfiler *self,
                                gconstpointer    fn,
                                const char      *file,
                                int              line,
                                const char      *name)
{
  DetprofProfilerPrivate *priv;
  NamedFunction *named;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (file != NULL);
  g_return_if_fail (name != NULL);

  priv = _detprof_profiler_get_private (self);
  named = g_new0 (NamedFunction, 1);
  named->file = g_strdup (file);
  named->line = line;
  named->name = g_strdup (name);
  g_hash_table_replace (priv->names, (gpointer) fn, named);
}

/* What the statistics call @fn: the name it was given, else what
 * @symbolizer (NULL: none could be made) finds, else its bare address,
 * written in @address_name. The strings are borrowed from the names
 * given, @symbolizer or @address_name. */
static void
describe_function (DetprofProfiler   *self,
                   DetprofSymbolizer *symbolizer,
                   gconstpointer      fn,
                   char               address_name[ADDRESS_NAME_SIZE],
                   DetprofSymbolView *out)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  NamedFunction *named = g_hash_table_lookup (priv->names, fn);

  if (named != NULL)
    {
      out->file = named->file;
      out->line = named->line;
      out->name = named->name;
    }
  else if (symbolizer != NULL)
    _detprof_symbolizer_find_function (symbolizer, (guintptr) fn, out);
  else
    {
      g_snprintf (address_name, ADDRESS_NAME_SIZE, "0x%" G_GINTPTR_MODIFIER "x", (guintptr) fn);
      out->file = "??";
      out->line = 0;
      out->name = address_name;
    }
}

/**
 * detprof_profiler_lookup_function:
 * @self: a #DetprofProfiler
 * @fn: a function address, as given in events
 * @file: (out) (optional) (transfer full): where to store the file
 * @line: (out) (optional): where to store the line
 * @name: (out) (optional) (transfer full): where to store the name
 *
 * Finds what the statistics call @fn: the name given to
 * detprof_profiler_name_function(), or else the file, line and name of its
 * declaration in the program's debugging information, or its ELF symbol,
 * or its address, as detprof_profiler_create_stats() would. For subclasses
 * that report on functions of their own (see examples/depth-profiler).
 *
 * The first call reads the debugging information of every module loaded,
 * so call it when reporting, never from a dispatch method. A module
 * loaded since then is found too.
 *
 * Since: 0.1
 */
void
detprof_profiler_lookup_function (DetprofProfiler *self,
                                  gconstpointer    fn,
                                  char           **file,
                                  int             *line,
                                  char           **name)
{
  DetprofProfilerPrivate *priv;
  DetprofSymbolView symbol = { NULL, 0, NULL };
  char address_name[ADDRESS_NAME_SIZE];

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  priv = _detprof_profiler_get_private (self);

  g_mutex_lock (&priv->lookup_lock);
  if (!g_hash_table_contains (priv->names, fn)
      && (priv->symbolizer == NULL || !_detprof_symbolizer_knows_address (priv->symbolizer, (guintptr) fn)))
    {
      /* Made once, and again only for a module mapped since. */
      g_clear_pointer (&priv->symbolizer, _detprof_symbolizer_free);
      priv->symbolizer = _detprof_symbolizer_new_for_self (NULL);
    }
  describe_function (self, priv->symbolizer, fn, address_name, &symbol);
  if (file != NULL)
    *file = g_strdup (symbol.file);
  if (line != NULL)
    *line = symbol.line;
  if (name != NULL)
    *name = g_strdup (symbol.name);
  g_mutex_unlock (&priv->lookup_lock);
}

typedef struct
{
  DetprofProfiler   *profiler;
  double             timeunit;     /* seconds per unit of the timer */
  DetprofBoundModel  bounds;       /* what every time's error bound is made of */
  DetprofSymbolizer *symbolizer;   /* made on the first address no name covers */
  gboolean           symbolizer_failed;
  DetprofStats      *stats;
} StatsBuilder;

/* libdwfl is set up only if some address needs it. */
static DetprofSymbolizer *
ensure_symbolizer (StatsBuilder *builder)
{
  if (builder->symbolizer == NULL && !builder->symbolizer_failed)
    {
      builder->symbolizer = _detprof_symbolizer_new_for_self (NULL);
      builder->symbolizer_failed = (builder->symbolizer == NULL);
    }
  return builder->symbolizer;
}

/* The bound of @totals' internal time (@internal) or cumulative time. */
static double
bound (StatsBuilder        *builder,
       const DetprofTotals *totals,
       gboolean             internal)
{
  return internal ? _detprof_bound (&builder->bounds, totals->n_tt, totals->tt * builder->timeunit)
                  : _detprof_bound (&builder->bounds, totals->n_ct, totals->ct * builder->timeunit);
}

static guint
function_index (StatsBuilder    *builder,
                DetprofFunction *function)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (builder->profiler);
  DetprofSymbolView symbol = { NULL, 0, NULL };
  char address_name[ADDRESS_NAME_SIZE];

  if (!g_hash_table_contains (priv->names, function->fn))
    ensure_symbolizer (builder);
  describe_function (builder->profiler, builder->symbolizer, function->fn, address_name, &symbol);

  return _detprof_stats_add_bounded_function (builder->stats, symbol.file, symbol.line, symbol.name,
                                              function->totals.cc, function->totals.nc,
                                              function->totals.tt * builder->timeunit,
                                              function->totals.ct * builder->timeunit,
                                              bound (builder, &function->totals, TRUE),
                                              bound (builder, &function->totals, FALSE));
}

static void path_call_line (gpointer          data,
                            DetprofCallSite  *site,
                            const char      **file,
                            gint64           *line);

static void
add_thread_to_stats (StatsBuilder       *builder,
                     DetprofThreadState *thread)
{
  double timeunit = builder->timeunit;
  guint i;

  _detprof_thread_state_sum_arcs (thread);

  for (i = 0; i < thread->function_list.len; i++)
    {
      DetprofFunction *function = thread->function_list.items[i];

      function->row = (function->totals.nc == 0) ? 0 : function_index (builder, function) + 1;
    }

  for (i = 0; i < thread->arc_list.len; i++)
    {
      DetprofArc *arc = thread->arc_list.items[i];
      guint callee = arc->callee->row;
      guint caller = arc->caller->row;

      /* Arcs from the root are the thread's first calls: pstats shows such
       * functions with no callers, as cProfile does. */
      if (callee == 0 || caller == 0 || arc->totals.nc == 0)
        continue;
      _detprof_stats_add_bounded_caller (builder->stats, callee - 1, caller - 1,
                                         arc->totals.nc, arc->totals.cc,
                                         arc->totals.tt * timeunit, arc->totals.ct * timeunit,
                                         bound (builder, &arc->totals, TRUE), bound (builder, &arc->totals, FALSE));
    }

  /* The same arcs, by the line that made each call. */
  for (i = 0; i < thread->site_list.len; i++)
    {
      DetprofCallSite *site = thread->site_list.items[i];
      guint callee = site->callee->row;
      guint caller = site->caller->row;
      const char *file;
      gint64 line;

      if (callee == 0 || caller == 0 || site->totals.nc == 0 || site->call_site == NULL)
        continue;
      path_call_line (builder, site, &file, &line);
      _detprof_stats_add_bounded_call_site (builder->stats, caller - 1, callee - 1, file, line,
                                            site->totals.nc, site->totals.cc,
                                            site->totals.tt * timeunit, site->totals.ct * timeunit,
                                            bound (builder, &site->totals, TRUE),
                                            bound (builder, &site->totals, FALSE));
    }
}

/* ---- what the paths need: detprof-paths.c ---- */

static guint
path_function_row (gpointer         data,
                   DetprofFunction *function)
{
  return function->row - 1;
}

static double
path_bound (gpointer             data,
            const DetprofTotals *totals,
            gboolean             internal)
{
  return bound (data, totals, internal);
}

/* The line that made a call, for the call sites' table and however many
 * paths go through it (the symbolizer names each return address once).
 * A thread's first calls are made from outside the profile (libc's start
 * of main or of a thread), as the call sites above leave them out: they
 * stay unnamed, which spares reading libc's debugging information. The
 * file is borrowed from the symbolizer. */
static void
path_call_line (gpointer          data,
                DetprofCallSite  *site,
                const char      **file,
                gint64           *line)
{
  StatsBuilder *builder = data;
  DetprofSymbolView where = { "??", 0, NULL };
  DetprofSymbolizer *symbolizer;

  if (site->call_site != NULL && site->caller->row > 0
      && (symbolizer = ensure_symbolizer (builder)) != NULL)
    _detprof_symbolizer_find_call_site (symbolizer, (guintptr) site->call_site, &where);
  *file = where.file;
  *line = where.line;
}

/* What a reader of the profile needs to know to trust its numbers. */
static void
record_run_facts (DetprofProfiler *self,
                  DetprofStats    *stats)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  char bias[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *threads = g_strdup_printf ("%u", detprof_profiler_get_n_threads (self));
  g_autofree char *unmatched = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_unmatched_returns (self));
  g_autofree char *abandoned = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_abandoned_frames (self));
  g_autofree char *dropped = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_dropped_events (self));
  g_autofree char *out_of_memory = g_strdup_printf ("%u", _detprof_profiler_count_out_of_memory (self));
  g_autofree char *unrecorded = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 _detprof_profiler_sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, unrecorded_calls)));
  static const char *const left_keys[DETPROF_N_DEPARTURES] = {
    [DETPROF_DEPARTURE_LONGJMP] = "frames-left-by-longjmp",
    [DETPROF_DEPARTURE_EXCEPTION] = "frames-left-by-exception",
    [DETPROF_DEPARTURE_THREAD_EXIT] = "frames-left-by-thread-exit",
  };
  int how;

  detprof_stats_set_info (stats, "timer", priv->timer->name);
  detprof_stats_set_info (stats, "timer-description", priv->timer->description);
  detprof_stats_set_info (stats, "bias", g_ascii_dtostr (bias, sizeof bias, priv->bias));
  if (priv->has_pairs)
    {
      g_autofree char *pairs = g_strdup_printf ("call->call %.4g, call->return %.4g, return->call %.4g, return->return %.4g",
                                                priv->pairs[0], priv->pairs[1], priv->pairs[2], priv->pairs[3]);

      detprof_stats_set_info (stats, "bias-model", "pairs");
      detprof_stats_set_info (stats, "bias-pairs", pairs);
    }
  else
    detprof_stats_set_info (stats, "bias-model", "constant");
  if (priv->bias_spread >= 0.0)
    {
      char spread[G_ASCII_DTOSTR_BUF_SIZE];

      detprof_stats_set_info (stats, "bias-spread", g_ascii_dtostr (spread, sizeof spread, priv->bias_spread));
    }
  if (priv->speed_variation >= 0.0)
    {
      char variation[G_ASCII_DTOSTR_BUF_SIZE];

      detprof_stats_set_info (stats, "speed-variation",
                              g_ascii_dtostr (variation, sizeof variation, priv->speed_variation));
    }
  if (priv->timer->resolution > 0.0)
    {
      char resolution[G_ASCII_DTOSTR_BUF_SIZE];

      detprof_stats_set_info (stats, "timer-resolution",
                              g_ascii_dtostr (resolution, sizeof resolution, priv->timer->resolution));
    }
  detprof_stats_set_info (stats, "threads", threads);
  detprof_stats_set_info (stats, "date", date);
  detprof_stats_set_info (stats, "unmatched-returns", unmatched);
  detprof_stats_set_info (stats, "abandoned-frames", abandoned);
  detprof_stats_set_info (stats, "dropped-events", dropped);
  detprof_stats_set_info (stats, "out-of-memory", out_of_memory);
  detprof_stats_set_info (stats, "unrecorded-calls", unrecorded);
  for (how = 0; how < DETPROF_N_DEPARTURES; how++)
    {
      g_autofree char *left = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_left_frames (self, how));

      detprof_stats_set_info (stats, left_keys[how], left);
    }
}

/**
 * detprof_profiler_create_stats:
 * @self: a #DetprofProfiler
 * @error: return location for a #GError
 *
 * Closes every open frame (detprof_profiler_simulate_cmd_complete()),
 * merges the tables of all threads, resolves each function's address to
 * its file, line and name, and returns the statistics, in seconds. The
 * profiler keeps its tables, so calling this again gives the same numbers
 * plus whatever ran in between.
 *
 * Returns: (transfer full) (nullable): the statistics
 *
 * Since: 0.1
 */
DetprofStats *
detprof_profiler_create_stats (DetprofProfiler  *self,
                               GError          **error)
{
  DetprofProfilerPrivate *priv;
  StatsBuilder builder = { 0 };
  DetprofPathsNamer namer = { path_function_row, path_call_line, path_bound, &builder };
  guint i;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  priv = _detprof_profiler_get_private (self);
  detprof_profiler_simulate_cmd_complete (self);

  builder.profiler = self;
  builder.timeunit = priv->timer->timeunit;
  builder.bounds.spread = priv->bias_spread;
  builder.bounds.resolution = priv->timer->resolution;
  builder.bounds.variation = priv->speed_variation;
  builder.bounds.bias = priv->bias;
  builder.stats = detprof_stats_new ();

  _detprof_profiler_lock_threads ();
  _detprof_paths_read_cpu_times (priv->threads);
  for (i = 0; i < priv->threads->len; i++)
    add_thread_to_stats (&builder, g_ptr_array_index (priv->threads, i));
  _detprof_paths_add_to_stats (priv->threads, builder.stats, priv->timer->timeunit,
                               priv->max_path_nodes, &namer);
  _detprof_profiler_unlock_threads ();

  g_clear_pointer (&builder.symbolizer, _detprof_symbolizer_free);
  record_run_facts (self, builder.stats);
  _detprof_stats_finish (builder.stats);
  return builder.stats;
}

/**
 * detprof_profiler_dump_stats:
 * @self: a #DetprofProfiler
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes the statistics in the format Python's pstats loads. The file is
 * replaced atomically: it is either the old one or the complete new one.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_dump_stats (DetprofProfiler  *self,
                             const char       *path,
                             GError          **error)
{
  g_autoptr(DetprofStats) stats = NULL;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stats = detprof_profiler_create_stats (self, error);
  if (stats == NULL)
    return FALSE;
  return detprof_stats_dump (stats, path, error);
}

/**
 * detprof_profiler_print_stats:
 * @self: a #DetprofProfiler
 * @sort: (nullable): a pstats sort key ("stdname", "cumulative", ...);
 *   %NULL for standard name
 * @error: return location for a #GError
 *
 * Prints the statistics to standard output as Python's
 * `Stats(profiler).strip_dirs().sort_stats(sort).print_stats()` does,
 * followed by a warning line naming the functions with negative times
 * (a bias larger than their real overhead), if there are any, and by the
 * counts of frames the call tree could not place exactly (abandoned
 * frames, unmatched returns, dropped events) and of frames the program
 * left without returning, if there are any.
 *
 * Returns: %TRUE, or %FALSE with @error set for an unknown sort key
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_print_stats (DetprofProfiler  *self,
                              const char       *sort,
                              GError          **error)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *keys[2] = { sort != NULL ? sort : "stdname", NULL };

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stats = detprof_profiler_create_stats (self, error);
  if (stats == NULL)
    return FALSE;
  detprof_stats_strip_dirs (stats);
  if (!detprof_stats_sort (stats, keys, error))
    return FALSE;
  detprof_stats_print_stats (stats, out, NULL, 0);
  _detprof_report_append_negative_warning (stats, out);
  _detprof_report_append_unresolved (stats, out);
  _detprof_report_append_notes (stats, out);
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return TRUE;
}
