/* detprof-report-sites.c: the report by call site (`lines` in the
 * browser, `detprof-stats --by-line`): for each function, the lines that
 * called it, or the lines from which it called others, with the numbers
 * of each. pstats has no such report; its layout follows print_callers.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-report-private.h"

/* ---------------------------------------------------------------------- */
/* Call sites: callers by line                                             */

typedef struct
{
  const DetprofCallSiteStats *site;
  guint                       other;  /* the caller, or the callee */
  guint                       index;  /* the site's, for its bounds */
} SiteLink;

/* By the other function's key, as pstats orders arcs, then by line. */
static int
compare_site_links (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  DetprofStats *stats = user_data;
  const SiteLink *x = a, *y = b;
  const DetprofFunctionStats *fx, *fy;
  int c;

  fx = detprof_stats_get_function (stats, x->other);
  fy = detprof_stats_get_function (stats, y->other);
  if ((c = strcmp (fx->file, fy->file)) != 0)
    return c;
  if (fx->line != fy->line)
    return fx->line < fy->line ? -1 : 1;
  if ((c = strcmp (fx->name, fy->name)) != 0)
    return c;
  if ((c = strcmp (x->site->file, y->site->file)) != 0)
    return c;
  if (x->site->line != y->site->line)
    return x->site->line < y->site->line ? -1 : 1;
  return 0;
}


static void
append_f8 (GString *out,
           double   value)
{
  char buffer[400];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%8.3f", value));
}

static void
append_padded (GString    *out,
               const char *text,
               guint       width,
               gboolean    right)
{
  glong n = g_utf8_strlen (text, -1);

  if (!right)
    g_string_append (out, text);
  for (; n < (glong) width; n++)
    g_string_append_c (out, ' ');
  if (right)
    g_string_append (out, text);
}

/* "  ±0.004" in 8 columns, as the times beside it; "     n/a" for none. */
static void
append_bound8 (GString *out,
               double   bound)
{
  char buffer[400];
  g_autofree char *text = NULL;

  if (isnan (bound))
    {
      g_string_append (out, "     n/a");
      return;
    }
  text = g_strconcat ("±", g_ascii_formatd (buffer, sizeof buffer, "%.3f", bound), NULL);
  append_padded (out, text, 8, TRUE);
}

static void
print_site (DetprofStats   *stats,
            GString        *out,
            const SiteLink *link,
            const char     *other,
            gboolean        bounds)
{
  const DetprofCallSiteStats *site = link->site;
  g_autofree char *count = NULL;
  double tt_bound, ct_bound;

  if (site->nc == site->cc)
    count = g_strdup_printf ("%" G_GINT64_FORMAT, site->nc);
  else
    count = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, site->nc, site->cc);

  detprof_stats_get_call_site_bounds (stats, link->index, &tt_bound, &ct_bound);
  append_padded (out, count, 10, TRUE);
  g_string_append_c (out, ' ');
  append_f8 (out, site->tt);
  g_string_append_c (out, ' ');
  if (bounds)
    {
      append_bound8 (out, tt_bound);
      g_string_append_c (out, ' ');
    }
  append_f8 (out, site->ct);
  if (bounds)
    {
      g_string_append_c (out, ' ');
      append_bound8 (out, ct_bound);
    }
  g_string_append_printf (out, "  %s:%" G_GINT64_FORMAT "  %s\n",
                          site->file, site->line, other);
}

void
_detprof_report_print_call_sites (DetprofStats             *stats,
                                   GString                  *out,
                                   gboolean                  callers,
                                   const DetprofRestriction *restrictions,
                                   guint                     n_restrictions,
                                   gboolean                  bounds)
{
  g_autoptr(GString) messages = g_string_new (NULL);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) links = NULL;
  guint n_functions, n_sites, i, j;
  gboolean sorted;

  g_return_if_fail (DETPROF_IS_STATS (stats));
  g_return_if_fail (out != NULL);
  g_return_if_fail (restrictions != NULL || n_restrictions == 0);

  rows = _detprof_stats_get_print_list (stats, &sorted);
  if (sorted)
    g_string_append_printf (messages, "   Ordered by: %s\n", detprof_stats_get_sort_type (stats));
  else
    g_string_append (messages, "   Random listing order was used\n");
  for (i = 0; i < n_restrictions; i++)
    _detprof_stats_apply_restriction (stats, &restrictions[i], rows, messages);
  if (rows->len == 0)
    return;

  g_string_append (out, messages->str);
  g_string_append_c (out, '\n');

  n_sites = detprof_stats_get_n_call_sites (stats);
  if (n_sites == 0)
    {
      g_string_append (out, "No call-site (by-line) data: only detprof dumps have it.\n\n");
      return;
    }

  /* For each function, its sites, found in one pass. */
  n_functions = detprof_stats_get_n_functions (stats);
  links = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (i = 0; i < n_functions; i++)
    g_ptr_array_add (links, g_array_new (FALSE, FALSE, sizeof (SiteLink)));
  for (i = 0; i < n_sites; i++)
    {
      const DetprofCallSiteStats *site = detprof_stats_get_call_site (stats, i);
      guint owner = callers ? site->callee : site->caller;
      SiteLink link = { site, callers ? site->caller : site->callee, i };

      if (owner < n_functions && link.other < _detprof_stats_get_n_keys (stats))
        g_array_append_val (g_ptr_array_index (links, owner), link);
    }

  g_string_append_printf (out, "    ncalls  tottime %scumtime %s call site  %s\n",
                          bounds ? "   bound  " : " ", bounds ? "   bound " : "",
                          callers ? "caller" : "callee");
  for (i = 0; i < rows->len; i++)
    {
      guint row = g_array_index (rows, guint, i);
      GArray *sites = g_ptr_array_index (links, row);
      g_autofree char *label = detprof_stats_function_label (stats, row);

      g_string_append_printf (out, "%s %s\n", label,
                              callers ? "was called from..." : "called from its lines...");
      g_array_sort_with_data (sites, compare_site_links, stats);
      for (j = 0; j < sites->len; j++)
        {
          const SiteLink *link = &g_array_index (sites, SiteLink, j);
          g_autofree char *other = detprof_stats_function_label (stats, link->other);

          print_site (stats, out, link, other, bounds);
        }
      if (sites->len == 0)
        g_string_append (out, "          (none)\n");
    }
  g_string_append (out, "\n\n");
}

