/* test-util.c: helpers shared by the test programs. */
#include "config.h"

#include <string.h>

#include "test-util.h"

static void
render_text (GString    *out,
             const char *text)
{
  g_string_append_c (out, '\'');
  for (; *text != '\0'; text++)
    {
      guint8 c = (guint8) *text;

      if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\')
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  g_string_append_c (out, '\'');
}

static void
render_time (GString     *out,
             DetprofTime  time)
{
  guint64 bits;

  if (time.is_int)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) time.value);
      return;
    }
  memcpy (&bits, &time.value, sizeof bits);
  g_string_append_printf (out, "f:%016" G_GINT64_MODIFIER "x", bits);
}

static void
render_key (GString                    *out,
            const DetprofFunctionStats *function)
{
  g_string_append_c (out, '(');
  render_text (out, function->file);
  g_string_append_printf (out, ", %" G_GINT64_FORMAT ", ", function->line);
  render_text (out, function->name);
  g_string_append_c (out, ')');
}

static void
render_arc (GString                *out,
            const DetprofCallerArc *arc)
{
  if (arc->style == DETPROF_CALLER_COUNT)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, arc->nc);
      return;
    }
  g_string_append_printf (out, "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", ", arc->nc, arc->cc);
  render_time (out, arc->tt);
  g_string_append (out, ", ");
  render_time (out, arc->ct);
  g_string_append_c (out, ')');
}

char *
test_render_table (DetprofStats *stats)
{
  GString *out = g_string_new ("{");
  guint i, j;

  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (stats, i);

      if (i > 0)
        g_string_append (out, ", ");
      render_key (out, function);
      g_string_append_printf (out, ": (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", ",
                              function->cc, function->nc);
      render_time (out, function->tt);
      g_string_append (out, ", ");
      render_time (out, function->ct);
      g_string_append (out, ", {");
      for (j = 0; j < function->n_callers; j++)
        {
          if (j > 0)
            g_string_append (out, ", ");
          render_key (out, detprof_stats_get_function (stats, function->callers[j].caller));
          g_string_append (out, ": ");
          render_arc (out, &function->callers[j]);
        }
      g_string_append (out, "})");
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
