/* detprof-export.c: the statistics in the formats of other tools.
 *
 * Callgrind's format (valgrind's "Callgrind Format Specification") is a
 * list of functions, each with cost lines "LINE COST" for its own (self)
 * cost and, for each function it called, a "calls=COUNT TARGET-LINE" line
 * followed by the inclusive cost of those calls. Our cost is time, in
 * integer nanoseconds, the one event "ns". Self cost is pstats' tottime;
 * a call's inclusive cost is the cumtime of the arc. So callgrind_annotate
 * and KCachegrind show the numbers `detprof-stats` prints: the total is
 * the sum of tottimes, the "seconds" of pstats' summary line.
 *
 * DOT draws the call graph: one box per function, one arrow per caller ->
 * callee arc. A real program has thousands of functions, so the graph
 * leaves out what takes less than a threshold fraction of the total time,
 * as gprof2dot does.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-error.h"
#include "detprof-export.h"
#include "detprof-report-private.h"

/**
 * SECTION:detprof-export
 * @title: Exports
 * @short_description: statistics for KCachegrind, callgrind_annotate and Graphviz
 *
 * Two views of a #DetprofStats for tools that are not pstats:
 *
 * - detprof_stats_export_callgrind() writes valgrind's callgrind profile
 *   format, which KCachegrind and `callgrind_annotate` read. Its one event
 *   is `ns`, time in nanoseconds: a function's self cost is its tottime,
 *   and each call carries the cumtime of its arc, at the line that made
 *   the call when the dump records call sites.
 * - detprof_stats_export_dot() writes the call graph in Graphviz's DOT
 *   language, leaving out what takes less than a threshold fraction of
 *   the total time (#DETPROF_EXPORT_DEFAULT_THRESHOLD), as gprof2dot does.
 *
 * Both append to a #GString and leave it unchanged on error. They are what
 * `detprof-stats --format callgrind` and `--format dot` print.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GError) error = NULL;
 * g_autoptr(DetprofStats) stats = detprof_stats_new_from_file ("run.prof", &error);
 * g_autoptr(GString) out = g_string_new (NULL);
 *
 * if (stats != NULL && detprof_stats_export_callgrind (stats, out, &error))
 *   g_file_set_contents ("run.callgrind", out->str, out->len, &error);
 * ]|
 */

/* ---------------------------------------------------------------------- */
/* Numbers                                                                 */

/* 2^63 ns: the first time in nanoseconds past what callgrind's 64-bit
 * counters hold (292 years), exactly a double. */
#define PAST_MAX_NANOSECONDS 9223372036854775808.0

/* The dump files @stats was loaded from, "a.prof: " or "a.prof, b.prof: ",
 * to start an error message with; "" for statistics made in memory. Each
 * entry of the list is "<ctime>    <path>" (24 + 4 characters before the
 * path), or the bare path when the file could not be stat()ed. */
static char *
describe_sources (DetprofStats *stats)
{
  GPtrArray *files = _detprof_stats_get_files (stats);
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  for (i = 0; i < files->len; i++)
    {
      const char *entry = g_ptr_array_index (files, i);
      const char *gap = strstr (entry, "    ");

      g_string_append (text, i > 0 ? ", " : "");
      g_string_append (text, gap != NULL && gap - entry == 24 ? gap + 4 : entry);
    }
  if (text->len > 0)
    g_string_append (text, ": ");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
check_finite (DetprofStats  *stats,
              guint          index,
              double         value,
              GError       **error)
{
  g_autofree char *label = NULL;
  g_autofree char *sources = NULL;

  if (isfinite (value))
    return TRUE;

  label = detprof_stats_function_label (stats, index);
  sources = describe_sources (stats);
  g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT,
               "%s%s has a time that is not a finite number", sources, label);
  return FALSE;
}

/* Every time an export draws from must be a number: both exports refuse
 * a profile that has a NaN or an infinity rather than draw nonsense. */
static gboolean
check_all_finite (DetprofStats  *stats,
                  GError       **error)
{
  guint n_functions = detprof_stats_get_n_functions (stats);
  guint i, j;

  for (i = 0; i < n_functions; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

      if (!check_finite (stats, i, function->tt.value, error)
          || !check_finite (stats, i, function->ct.value, error))
        return FALSE;
      for (j = 0; j < function->n_callers; j++)
        if (!check_finite (stats, i, function->callers[j].ct.value, error))
          return FALSE;
    }
  return TRUE;
}

/* Seconds to whole nanoseconds, in *ns. Callgrind costs are counters: a
 * negative time (a profile corrected for more overhead than a function
 * had) is written as 0, and counted in *n_negative. A time longer than
 * the counters hold is no profile of a real run: FALSE, rather than a
 * clamped (wrong) number. */
static gboolean
to_nanoseconds (double  seconds,
                guint  *n_negative,
                gint64 *ns)
{
  double rounded = round (seconds * 1e9);

  *ns = 0;
  if (rounded < 0.0)
    {
      (*n_negative)++;
      return TRUE;
    }
  if (!(rounded < PAST_MAX_NANOSECONDS))
    return FALSE;

  *ns = (gint64) rounded;
  return TRUE;
}

static void
set_too_large_error (DetprofStats  *stats,
                     guint          index,
                     double         seconds,
                     GError       **error)
{
  g_autofree char *label = detprof_stats_function_label (stats, index);
  g_autofree char *sources = describe_sources (stats);

  g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_FAILED,
               "%s%s has a time of %g s, more than callgrind's costs hold"
               " (2^63 - 1 ns, 292 years)", sources, label, seconds);
}

/* The cumulative time of the calls along an arc. Python's profile module
 * records only a count per arc; the callee's time is then shared out in
 * proportion to the calls. */
static double
arc_cumulative_time (const DetprofFunctionStats *callee,
                     const DetprofCallerArc     *arc)
{
  if (arc->style == DETPROF_CALLER_TUPLE)
    return arc->ct.value;

  if (callee->nc <= 0)
    return 0.0;

  return callee->ct.value * (double) arc->nc / (double) callee->nc;
}

/* ---------------------------------------------------------------------- */
/* Callgrind                                                               */

/* Callgrind names run to the end of the line: only line breaks need care. */
static void
append_callgrind_name (GString    *out,
                       const char *name)
{
  for (; *name != '\0'; name++)
    g_string_append_c (out, (*name == '\n' || *name == '\r') ? ' ' : *name);
}

typedef struct
{
  GString    *out;
  GHashTable *file_ids;  /* file name -> id; keys borrowed */
  guint      *fn_ids;    /* per key index: 0 until written, then its id */
  char      **fn_names;  /* per key index: the name written; owned */
  guint       next_fn_id;
} Callgrind;

/* "(id) name" the first time, "(id)" afterwards: the format's name
 * compression. */
static void
append_file (Callgrind  *cg,
             const char *prefix,
             const char *file)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (cg->file_ids, file));

  g_string_append (cg->out, prefix);
  if (id != 0)
    {
      g_string_append_printf (cg->out, "(%u)\n", id);
      return;
    }

  id = g_hash_table_size (cg->file_ids) + 1;
  g_hash_table_insert (cg->file_ids, (gpointer) file, GUINT_TO_POINTER (id));
  g_string_append_printf (cg->out, "(%u) ", id);
  append_callgrind_name (cg->out, *file != '\0' ? file : "???");
  g_string_append_c (cg->out, '\n');
}

static void
append_function (Callgrind  *cg,
                 const char *prefix,
                 guint       index)
{
  g_string_append (cg->out, prefix);
  if (cg->fn_ids[index] != 0)
    {
      g_string_append_printf (cg->out, "(%u)\n", cg->fn_ids[index]);
      return;
    }

  cg->fn_ids[index] = ++cg->next_fn_id;
  g_string_append_printf (cg->out, "(%u) ", cg->fn_ids[index]);
  append_callgrind_name (cg->out, cg->fn_names[index]);
  g_string_append_c (cg->out, '\n');
}

/* callgrind_annotate knows a function by "file:name". Two functions of one
 * file with one name (Python's lambdas, C's static functions in two
 * included headers) get their line appended, "name'12", the way callgrind
 * marks the copies of a recursive function. */
static char **
unique_function_names (DetprofStats *stats,
                       guint         n_keys)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char **names = g_new0 (char *, n_keys + 1);
  guint i;

  for (i = 0; i < n_keys; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
      char *key = g_strconcat (function->file, ":", function->name, NULL);

      if (g_hash_table_contains (seen, key))
        {
          names[i] = g_strdup_printf ("%s'%" G_GINT64_FORMAT, function->name, function->line);
          g_free (key);
        }
      else
        {
          names[i] = g_strdup (function->name);
          g_hash_table_add (seen, key);
        }
    }

  return names;
}

static void
append_info_header (DetprofStats *stats,
                    GString      *out)
{
  static const char * const facts[][2] = {
    { "timer", "Timer" }, { "bias", "Bias (s per event)" }, { "threads", "Threads" },
    { "date", "Date" },
  };
  const char *program = detprof_stats_get_info (stats, "program");
  const char *arguments = detprof_stats_get_info (stats, "arguments");
  gsize i;

  if (program != NULL)
    {
      g_string_append (out, "cmd: ");
      append_callgrind_name (out, program);
      if (arguments != NULL && *arguments != '\0')
        {
          g_string_append_c (out, ' ');
          append_callgrind_name (out, arguments);
        }
      g_string_append_c (out, '\n');
    }

  for (i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const char *value = detprof_stats_get_info (stats, facts[i][0]);

      if (value == NULL)
        continue;
      g_string_append_printf (out, "desc: %s: ", facts[i][1]);
      append_callgrind_name (out, value);
      g_string_append_c (out, '\n');
    }
}

/* The call sites of each caller -> callee arc, when the dump has them:
 * (caller, callee) -> GArray of site indices. */
static GHashTable *
index_call_sites (DetprofStats *stats,
                  guint         n_keys)
{
  GHashTable *sites = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  guint n = detprof_stats_get_n_call_sites (stats);
  guint i;

  for (i = 0; i < n; i++)
    {
      const DetprofCallSiteStats *site = detprof_stats_get_call_site (stats, i);
      gint64 key = (gint64) site->caller * n_keys + site->callee;
      GArray *list = g_hash_table_lookup (sites, &key);

      if (list == NULL)
        {
          list = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (sites, g_memdup2 (&key, sizeof key), list);
        }
      g_array_append_val (list, i);
    }

  return sites;
}

/**
 * detprof_stats_export_callgrind:
 * @stats: a #DetprofStats
 * @out: where to append the profile
 * @error: return location for a #GError, or %NULL
 *
 * Appends @stats in the callgrind profile format, which KCachegrind and
 * `callgrind_annotate` read. There is one event, `ns`: time in
 * nanoseconds. Each function's self cost is its internal time (tottime),
 * at the line of its definition; each call arc carries its count and the
 * cumulative time of those calls, at the line that made them when the
 * dump has call sites (detprof's dumps), else at the caller's definition.
 * Arcs of Python's profile module, which have a count but no time, get the
 * callee's cumulative time in proportion to their calls. The `totals:`
 * line is the sum of the self costs, pstats' total time.
 *
 * Negative times (a profile corrected for more overhead than a function
 * had) are written as 0, with a comment that counts them. When the run
 * facts count frames or events that the call tree could not place
 * (abandoned frames, unmatched returns, dropped events), or frames the
 * program left by longjmp, exceptions or thread exits, the header says
 * so in `desc:` lines, in the words of detprof's text reports.
 *
 * Returns: %TRUE on success; %FALSE if a time is not a finite number
 *   (%DETPROF_ERROR_CORRUPT), or is longer than callgrind's 64-bit costs
 *   hold, alone or in the sum of self costs (2^63 - 1 ns, some 292 years:
 *   %DETPROF_ERROR_FAILED), with @out unchanged. The message starts with
 *   the dump files @stats was loaded from.
 *
 * Since: 0.1
 */
gboolean
detprof_stats_export_callgrind (DetprofStats  *stats,
                                GString       *out,
                                GError       **error)
{
  g_autoptr(GHashTable) file_ids = NULL;
  g_autoptr(GHashTable) sites = NULL;
  g_autoptr(GString) body = NULL;
  g_autofree guint *fn_ids = NULL;
  g_auto(GStrv) fn_names = NULL;
  Callgrind cg;
  guint n_functions, n_keys, n_negative = 0;
  gint64 total = 0;
  guint i, j, k;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_functions = detprof_stats_get_n_functions (stats);
  n_keys = _detprof_stats_get_n_keys (stats);

  if (!check_all_finite (stats, error))
    return FALSE;

  body = g_string_new (NULL);
  file_ids = g_hash_table_new (g_str_hash, g_str_equal);
  fn_ids = g_new0 (guint, n_keys);
  fn_names = unique_function_names (stats, n_keys);
  sites = index_call_sites (stats, n_keys);
  cg.out = body;
  cg.file_ids = file_ids;
  cg.fn_ids = fn_ids;
  cg.fn_names = fn_names;
  cg.next_fn_id = 0;

  /* The callees of each function, from the callers lists. */
  {
    g_autoptr(GPtrArray) callees = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

    for (i = 0; i < n_keys; i++)
      g_ptr_array_add (callees, g_array_new (FALSE, FALSE, sizeof (guint64)));
    for (i = 0; i < n_functions; i++)
      {
        const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

        for (j = 0; j < function->n_callers; j++)
          {
            /* callee index and arc index, packed */
            guint64 link = ((guint64) i << 32) | j;

            g_array_append_val (g_ptr_array_index (callees, function->callers[j].caller), link);
          }
      }

    for (i = 0; i < n_keys; i++)
      {
        const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
        GArray *calls = g_ptr_array_index (callees, i);
        double self_time = i < n_functions ? function->tt.value : 0.0;
        gint64 self_cost, cost;

        if (i >= n_functions && calls->len == 0)
          continue;

        /* The sum of the costs must fit as well as each of them. */
        if (!to_nanoseconds (self_time, &n_negative, &self_cost) || self_cost > G_MAXINT64 - total)
          {
            set_too_large_error (stats, i, self_time, error);
            return FALSE;
          }
        total += self_cost;

        g_string_append_c (body, '\n');
        append_file (&cg, "fl=", function->file);
        append_function (&cg, "fn=", i);
        g_string_append_printf (body, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                                MAX (function->line, 0), self_cost);

        for (j = 0; j < calls->len; j++)
          {
            guint64 link = g_array_index (calls, guint64, j);
            guint callee_index = (guint) (link >> 32);
            const DetprofFunctionStats *callee = detprof_stats_get_function (stats, callee_index);
            const DetprofCallerArc *arc = &callee->callers[(guint) (link & 0xffffffffu)];
            gint64 key = (gint64) i * n_keys + callee_index;
            GArray *arc_sites = g_hash_table_lookup (sites, &key);

            append_file (&cg, "cfl=", callee->file);
            append_function (&cg, "cfn=", callee_index);

            if (arc_sites == NULL)
              {
                double time = arc_cumulative_time (callee, arc);

                if (!to_nanoseconds (time, &n_negative, &cost))
                  {
                    set_too_large_error (stats, callee_index, time, error);
                    return FALSE;
                  }
                g_string_append_printf (body, "calls=%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n"
                                        "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                                        MAX (arc->nc, 0), MAX (callee->line, 0),
                                        MAX (function->line, 0), cost);
                continue;
              }

            for (k = 0; k < arc_sites->len; k++)
              {
                const DetprofCallSiteStats *site =
                  detprof_stats_get_call_site (stats, g_array_index (arc_sites, guint, k));
                double time = isfinite (site->ct) ? site->ct : 0.0;

                if (!to_nanoseconds (time, &n_negative, &cost))
                  {
                    set_too_large_error (stats, callee_index, time, error);
                    return FALSE;
                  }
                if (k > 0)
                  {
                    append_file (&cg, "cfl=", callee->file);
                    append_function (&cg, "cfn=", callee_index);
                  }
                g_string_append_printf (body, "calls=%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n"
                                        "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                                        MAX (site->nc, 0), MAX (callee->line, 0),
                                        MAX (site->line, 0), cost);
              }
          }
      }
  }

  g_string_append (out, "# callgrind format\n"
                   "version: 1\n"
                   "creator: detprof-stats " PACKAGE_VERSION "\n");
  append_info_header (stats, out);
  /* How exactly the call tree was rebuilt, in "desc:" lines, which
   * callgrind_annotate prints and KCachegrind reads past. */
  _detprof_report_append_reconstruction_notes (stats, out, "desc: ");
  if (n_negative > 0)
    g_string_append_printf (out, "# %u negative times were written as 0\n", n_negative);
  g_string_append (out, "positions: line\n"
                   "event: ns : Time (nanoseconds)\n"
                   "events: ns\n");
  g_string_append_len (out, body->str, (gssize) body->len);
  g_string_append_printf (out, "\ntotals: %" G_GINT64_FORMAT "\n", total);

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* DOT                                                                     */

/* A DOT quoted string: backslash and double quote are escaped, and a
 * backslash would otherwise start one of DOT's own escapes (\N, \l). */
static void
append_dot_text (GString    *out,
                 const char *text)
{
  for (; *text != '\0'; text++)
    {
      if (*text == '"' || *text == '\\')
        g_string_append_c (out, '\\');
      if (*text == '\n' || *text == '\r')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *text);
    }
}

/* printf () of one double, whatever the locale: DOT wants a '.'. */
static void
append_number (GString    *out,
               const char *format,
               double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 400];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static void
append_seconds (GString *out,
                double   seconds)
{
  double magnitude = fabs (seconds);

  if (magnitude >= 1.0 || magnitude == 0.0)
    {
      append_number (out, "%.3f", seconds);
      g_string_append (out, " s");
    }
  else if (magnitude >= 1e-3)
    {
      append_number (out, "%.3f", seconds * 1e3);
      g_string_append (out, " ms");
    }
  else if (magnitude >= 1e-6)
    {
      append_number (out, "%.3f", seconds * 1e6);
      g_string_append (out, " µs");
    }
  else
    {
      append_number (out, "%.1f", seconds * 1e9);
      g_string_append (out, " ns");
    }
}

/* A colour from blue (cold, 0) through green and yellow to red (hot, 1),
 * as gprof2dot paints its nodes. */
static void
append_heat_colour (GString *out,
                    double   fraction)
{
  double hue = (1.0 - CLAMP (fraction, 0.0, 1.0)) * 240.0;
  double sector = hue / 60.0;
  double x = 1.0 - fabs (fmod (sector, 2.0) - 1.0);
  double r, g, b;
  const double saturation = 0.75, value = 0.95;
  double chroma = saturation * value, base = value - chroma;

  /* The hue runs from 0 (red) to 240 (blue), four sectors of 60°. */
  r = sector < 1.0 ? 1.0 : sector < 2.0 ? x : 0.0;
  g = sector < 1.0 ? x : sector < 3.0 ? 1.0 : x;
  b = sector < 2.0 ? 0.0 : sector < 3.0 ? x : 1.0;

  g_string_append_printf (out, "#%02x%02x%02x",
                          (guint) lround ((base + chroma * r) * 255.0),
                          (guint) lround ((base + chroma * g) * 255.0),
                          (guint) lround ((base + chroma * b) * 255.0));
}

static double
fraction_of (double part,
             double total)
{
  return total > 0.0 ? part / total : 0.0;
}

/**
 * detprof_stats_export_dot:
 * @stats: a #DetprofStats
 * @out: where to append the graph
 * @threshold: leave out functions whose cumulative and internal times are
 *   both below this fraction of the total time, and calls whose time is;
 *   0 keeps everything; #DETPROF_EXPORT_DEFAULT_THRESHOLD is a good
 *   default
 * @error: return location for a #GError, or %NULL
 *
 * Appends the call graph of @stats in Graphviz's DOT language, for
 * `dot -Tsvg`. Each function is a box labelled with its name, its place
 * (file:line), its cumulative and internal times (in seconds and as
 * percentages of the total time, pstats' sum of internal times) and its
 * calls; its colour goes from blue to red with its cumulative time, and
 * its text grows with its internal time. Each caller -> callee arc is an
 * arrow labelled with its call count ("total/primitive" under recursion)
 * and drawn thicker for more time.
 *
 * Returns: %TRUE on success; %FALSE if @threshold is not in [0, 1]
 *   (%DETPROF_ERROR_INVALID_ARGUMENT) or a time is not a finite number
 *   (%DETPROF_ERROR_CORRUPT), with @out unchanged
 *
 * Since: 0.1
 */
gboolean
detprof_stats_export_dot (DetprofStats  *stats,
                          GString       *out,
                          double         threshold,
                          GError       **error)
{
  g_autoptr(GString) graph = NULL;
  g_autofree gboolean *kept = NULL;
  guint n_functions, n_keys, n_nodes = 0, n_left_out = 0, n_edges_left_out = 0;
  double total, max_ct = 0.0;
  guint i, j;

  g_return_val_if_fail (DETPROF_IS_STATS (stats), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(threshold >= 0.0 && threshold <= 1.0))
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_INVALID_ARGUMENT,
                   "The threshold must be a fraction between 0 and 1, not %g", threshold);
      return FALSE;
    }

  n_functions = detprof_stats_get_n_functions (stats);
  n_keys = _detprof_stats_get_n_keys (stats);

  if (!check_all_finite (stats, error))
    return FALSE;
  for (i = 0; i < n_functions; i++)
    max_ct = MAX (max_ct, detprof_stats_get_function (stats, i)->ct.value);

  /* pstats' total, the sum of internal times; a profile whose times are
   * all zero (or odd) falls back on the largest cumulative time. */
  total = detprof_stats_get_total_time (stats);
  if (!(total > 0.0) || !isfinite (total))
    total = max_ct;

  kept = g_new0 (gboolean, n_keys);
  for (i = 0; i < n_keys; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
      double weight = MAX (function->ct.value, function->tt.value);

      kept[i] = threshold == 0.0 || (total > 0.0 && weight >= threshold * total);
      if (i < n_functions && !kept[i])
        n_left_out++;
    }

  graph = g_string_new (NULL);
  g_string_append (graph, "digraph \"detprof\" {\n"
                   "  graph [fontname=\"Helvetica\", nodesep=0.25, ranksep=0.4];\n"
                   "  node [shape=box, style=\"filled,rounded\", fontname=\"Helvetica\"];\n"
                   "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6];\n");

  for (i = 0; i < n_keys; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);
      double cumulative = fraction_of (function->ct.value, total);
      double self = fraction_of (function->tt.value, total);

      if (!kept[i])
        continue;
      n_nodes++;

      g_string_append_printf (graph, "  f%u [label=\"", i);
      append_dot_text (graph, function->name);
      g_string_append (graph, "\\n");
      append_dot_text (graph, function->file);
      g_string_append_printf (graph, ":%" G_GINT64_FORMAT "\\n", function->line);
      append_number (graph, "%.2f", cumulative * 100.0);
      g_string_append (graph, "% total (");
      append_seconds (graph, function->ct.value);
      g_string_append (graph, ")\\n");
      append_number (graph, "%.2f", self * 100.0);
      g_string_append (graph, "% self (");
      append_seconds (graph, function->tt.value);
      if (function->nc == function->cc)
        g_string_append_printf (graph, ")\\n%" G_GINT64_FORMAT " call%s\", ",
                                function->nc, function->nc == 1 ? "" : "s");
      else
        g_string_append_printf (graph, ")\\n%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " calls\", ",
                                function->nc, function->cc);
      g_string_append (graph, "fillcolor=\"");
      append_heat_colour (graph, cumulative);
      g_string_append (graph, "\", fontsize=");
      append_number (graph, "%.1f", 9.0 + 9.0 * CLAMP (self, 0.0, 1.0));
      g_string_append (graph, "];\n");
    }

  for (i = 0; i < n_functions; i++)
    {
      const DetprofFunctionStats *callee = detprof_stats_get_function (stats, i);

      for (j = 0; j < callee->n_callers; j++)
        {
          const DetprofCallerArc *arc = &callee->callers[j];
          double time = arc_cumulative_time (callee, arc);
          double fraction = fraction_of (time, total);

          if (!kept[i] || !kept[arc->caller])
            continue;
          if (threshold > 0.0 && fraction < threshold)
            {
              n_edges_left_out++;
              continue;
            }

          g_string_append_printf (graph, "  f%u -> f%u [label=\"%" G_GINT64_FORMAT,
                                  arc->caller, i, arc->nc);
          if (arc->style == DETPROF_CALLER_TUPLE && arc->cc != arc->nc)
            g_string_append_printf (graph, "/%" G_GINT64_FORMAT, arc->cc);
          g_string_append (graph, "\", penwidth=");
          append_number (graph, "%.2f", 1.0 + 4.0 * CLAMP (fraction, 0.0, 1.0));
          g_string_append (graph, ", color=\"");
          append_heat_colour (graph, fraction);
          g_string_append (graph, "\"];\n");
        }
    }

  if (n_left_out > 0 || n_edges_left_out > 0)
    {
      g_string_append_printf (graph, "  // left out: %u of %u functions and %u calls, under ",
                              n_left_out, n_functions, n_edges_left_out);
      append_number (graph, "%g", threshold * 100.0);
      g_string_append (graph, "% of ");
      append_seconds (graph, total);
      g_string_append (graph, "\n");
    }
  if (n_nodes == 0)
    g_string_append (graph, "  empty [shape=plaintext, style=\"\", label=\"no function above the threshold\"];\n");
  g_string_append (graph, "}\n");

  g_string_append_len (out, graph->str, (gssize) graph->len);
  return TRUE;
}
