/* detprof-report.c: the three reports of pstats, byte for byte.
 *
 * print_stats, print_callers and print_callees all start the same way, as
 * pstats' get_print_list does: take the sorted rows (or the table order),
 * apply each restriction left to right, and print a message block that
 * says how the list was ordered and cut. Then each prints its own layout.
 * Widths are counted in code points, like Python's len (), and nothing is
 * ever truncated. Numbers are formatted with g_ascii_formatd (), which
 * gives what C's printf and Python's % give, whatever the locale.
 *
 * The regular expressions of restrictions are GRegex (PCRE), not Python's
 * re. The usual syntax means the same in both, with these differences:
 * for Python \w, \d, \s and \b are Unicode-aware, for PCRE they are ASCII
 * only; Python's \Z is PCRE's \z (PCRE's \Z also matches before a final
 * newline); PCRE accepts constructs that Python rejects (\p{…} properties,
 * recursion, (?|…), and possessive quantifiers before Python 3.11), and
 * Python reads "{,n}" as {0,n} where PCRE may read it literally. A pattern
 * that one compiles and the other does not gets the "Invalid regular
 * expression" line in one report only.
 *
 * What detprof says beyond these layouts (the run's facts, negative
 * times, how exactly the call tree was rebuilt) is in
 * detprof-report-notes.c; the listing by call site in
 * detprof-report-sites.c.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detprof-report-private.h"

/* ---------------------------------------------------------------------- */
/* Python-compatible text                                                  */

static void
append_spaces (GString *out,
               gssize   n)
{
  for (; n > 0; n--)
    g_string_append_c (out, ' ');
}

/* str.ljust (width) */
static void
append_ljust (GString    *out,
              const char *text,
              guint       width)
{
  g_string_append (out, text);
  append_spaces (out, (gssize) width - (gssize) g_utf8_strlen (text, -1));
}

/* str.rjust (width) */
static void
append_rjust (GString    *out,
              const char *text,
              guint       width)
{
  append_spaces (out, (gssize) width - (gssize) g_utf8_strlen (text, -1));
  g_string_append (out, text);
}

/* "%8.3f" % x, which pstats calls f8; the buffer holds the widest double. */
static void
append_f8 (GString *out,
           double   value)
{
  char buffer[400];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%8.3f", value));
}

static void
append_3f (GString *out,
           double   value)
{
  char buffer[400];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

/* A bound in a column of 8, "  ±0.004", as the times beside it are
 * printed; "     n/a" when there is none. */
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
  append_rjust (out, text, 8);
}

/* "nc", or "nc/cc" when they differ (recursion). */
static char *
count_text (gint64 nc,
            gint64 cc)
{
  if (nc == cc)
    return g_strdup_printf ("%" G_GINT64_FORMAT, nc);

  return g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, nc, cc);
}

/* The fewest significant digits, in "%.Ne" form, that read back as @value. */
static void
format_shortest (double  value,
                 char   *buffer,
                 gsize   size)
{
  char format[16];
  int precision;

  for (precision = 0; precision < 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buffer, (int) size, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return;
    }
}

void
_detprof_format_float_repr (GString *out,
                            double   value)
{
  char text[64];
  char digits[32];
  const char *p;
  int n_digits = 0;
  int exponent, point;

  if (isnan (value))
    {
      g_string_append (out, "nan");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "inf" : "-inf");
      return;
    }

  format_shortest (value, text, sizeof text);

  p = text;
  if (*p == '-')
    {
      g_string_append_c (out, '-');
      p++;
    }
  for (; *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[n_digits++] = *p;
  exponent = atoi (p + 1);

  /* Only zero can end in zeros here: its text is "0e+00". */
  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;
  digits[n_digits] = '\0';

  /* The value is 0.DIGITS times ten to the power @point. Python switches
   * to exponent form outside 1e-4 <= |value| < 1e16. */
  point = exponent + 1;
  if (point <= -4 || point > 16)
    {
      g_string_append_c (out, digits[0]);
      if (n_digits > 1)
        g_string_append_printf (out, ".%s", digits + 1);
      g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
  else if (point <= 0)
    {
      g_string_append (out, "0.");
      g_string_append_len (out, "0000", -point);
      g_string_append (out, digits);
    }
  else if (point >= n_digits)
    {
      g_string_append (out, digits);
      g_string_append_len (out, "0000000000000000", point - n_digits);
      g_string_append (out, ".0");
    }
  else
    {
      g_string_append_len (out, digits, point);
      g_string_append_printf (out, ".%s", digits + point);
    }
}

/* Python's str.isprintable () for one character. Space is the only
 * separator that is printable. */
static gboolean
is_printable (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return c == ' ';
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static void
append_repr_char (GString  *out,
                  gunichar  c,
                  char      quote)
{
  if (c == (gunichar) quote || c == '\\')
    g_string_append_printf (out, "\\%c", (char) c);
  else if (c == '\t')
    g_string_append (out, "\\t");
  else if (c == '\n')
    g_string_append (out, "\\n");
  else if (c == '\r')
    g_string_append (out, "\\r");
  else if (c < ' ' || c == 0x7f)
    g_string_append_printf (out, "\\x%02x", c);
  else if (c < 0x7f || is_printable (c))
    g_string_append_unichar (out, c);
  else if (c <= 0xff)
    g_string_append_printf (out, "\\x%02x", c);
  else if (c <= 0xffff)
    g_string_append_printf (out, "\\u%04x", c);
  else
    g_string_append_printf (out, "\\U%08x", c);
}

/* Python's repr () of a str: single quotes, unless the text has a single
 * quote and no double quote. */
void
_detprof_format_str_repr (GString    *out,
                          const char *utf8)
{
  char quote = '\'';
  const char *p;

  if (strchr (utf8, '\'') != NULL && strchr (utf8, '"') == NULL)
    quote = '"';

  g_string_append_c (out, quote);
  for (p = utf8; *p != '\0';)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      /* Python reads a byte that is not UTF-8 as a lone surrogate
       * (surrogateescape), whose repr is \udcXX. */
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\udc%02x", (guint) (guint8) *p);
          p++;
          continue;
        }

      append_repr_char (out, c, quote);
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, quote);
}

/* time.ctime () is asctime (localtime (t)): "%s %s%3d %.2d:%.2d:%.2d %d". */
gboolean
_detprof_format_ctime (GString *out,
                       gint64   unix_time)
{
  static const char * const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
  static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  time_t t = (time_t) unix_time;
  struct tm tm;

  /* Python reads TZ when it starts; we read it now, so a test can set it. */
  tzset ();
  if (localtime_r (&t, &tm) == NULL)
    return FALSE;

  g_string_append_printf (out, "%s %s%3d %02d:%02d:%02d %d",
                          days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Selecting the rows: pstats' get_print_list and eval_print_amount        */

static void
append_restriction_repr (GString                  *out,
                         const DetprofRestriction *restriction)
{
  switch (restriction->kind)
    {
    case DETPROF_RESTRICTION_COUNT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, restriction->count);
      break;
    case DETPROF_RESTRICTION_FRACTION:
      _detprof_format_float_repr (out, restriction->fraction);
      break;
    case DETPROF_RESTRICTION_REGEX:
      _detprof_format_str_repr (out, restriction->pattern);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Keeps the rows whose label contains a match. A pattern that does not
 * compile leaves the list alone, with a line in the message block. */
static void
filter_by_regex (DetprofStats *self,
                 const char   *pattern,
                 GArray       *rows,
                 GString      *messages)
{
  g_autoptr(GRegex) regex = NULL;
  guint i, kept = 0;

  regex = g_regex_new (pattern, G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
  if (regex == NULL)
    {
      g_string_append (messages, "   <Invalid regular expression ");
      _detprof_format_str_repr (messages, pattern);
      g_string_append (messages, ">\n");
      return;
    }

  for (i = 0; i < rows->len; i++)
    {
      guint row = g_array_index (rows, guint, i);
      g_autofree char *label = detprof_stats_function_label (self, row);

      if (g_regex_match (regex, label, G_REGEX_MATCH_DEFAULT, NULL))
        g_array_index (rows, guint, kept++) = row;
    }
  g_array_set_size (rows, kept);
}

void
_detprof_stats_apply_restriction (DetprofStats             *self,
                                  const DetprofRestriction *restriction,
                                  GArray                   *rows,
                                  GString                  *messages)
{
  guint before = rows->len;

  switch (restriction->kind)
    {
    case DETPROF_RESTRICTION_COUNT:
      if (restriction->count >= 0 && restriction->count < (gint64) rows->len)
        g_array_set_size (rows, (guint) restriction->count);
      break;
    case DETPROF_RESTRICTION_FRACTION:
      /* NaN fails both tests, and restricts nothing, as in Python. */
      if (restriction->fraction >= 0.0 && restriction->fraction < 1.0)
        g_array_set_size (rows, (guint) ((double) rows->len * restriction->fraction + 0.5));
      break;
    case DETPROF_RESTRICTION_REGEX:
      filter_by_regex (self, restriction->pattern, rows, messages);
      break;
    default:
      g_assert_not_reached ();
    }

  if (rows->len == before)
    return;

  g_string_append_printf (messages, "   List reduced from %u to %u due to restriction <",
                          before, rows->len);
  append_restriction_repr (messages, restriction);
  g_string_append (messages, ">\n");
}

/* The name column of the callers and callees reports: as wide as the
 * longest label shown, or, when nothing was cut, as the longest label in
 * the whole table; plus two. */
static guint
name_column_width (DetprofStats *self,
                   GArray       *rows)
{
  guint width = 0;
  guint i;

  if (rows->len >= detprof_stats_get_n_functions (self))
    return _detprof_stats_get_max_name_len (self) + 2;

  for (i = 0; i < rows->len; i++)
    {
      g_autofree char *label = detprof_stats_function_label (self, g_array_index (rows, guint, i));

      width = MAX (width, (guint) g_utf8_strlen (label, -1));
    }

  return width + 2;
}

/* The rows to report, in order. If there are any, the message block has
 * been printed and *width set; if there are none, nothing was printed. */
static GArray *
select_rows (DetprofStats             *self,
             const DetprofRestriction *restrictions,
             guint                     n_restrictions,
             GString                  *out,
             guint                    *width)
{
  g_autoptr(GString) messages = g_string_new (NULL);
  GArray *rows;
  gboolean sorted;
  guint i;

  rows = _detprof_stats_get_print_list (self, &sorted);
  if (sorted)
    g_string_append_printf (messages, "   Ordered by: %s\n", detprof_stats_get_sort_type (self));
  else
    g_string_append (messages, "   Random listing order was used\n");

  for (i = 0; i < n_restrictions; i++)
    _detprof_stats_apply_restriction (self, &restrictions[i], rows, messages);

  if (rows->len == 0)
    return rows;

  g_string_append (out, messages->str);
  g_string_append_c (out, '\n');
  *width = name_column_width (self, rows);

  return rows;
}

static gboolean
restrictions_are_valid (const DetprofRestriction *restrictions,
                        guint                     n_restrictions)
{
  guint i;

  for (i = 0; i < n_restrictions; i++)
    if (restrictions[i].kind == DETPROF_RESTRICTION_REGEX && restrictions[i].pattern == NULL)
      return FALSE;

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* print_stats                                                             */

static void
print_header (DetprofStats *self,
              GString      *out)
{
  GPtrArray *files = _detprof_stats_get_files (self);
  guint n = detprof_stats_get_n_functions (self);
  gint64 total_calls = detprof_stats_get_total_calls (self);
  gint64 prim_calls = detprof_stats_get_primitive_calls (self);
  guint i;

  for (i = 0; i < files->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (files, i));
  if (files->len > 0)
    g_string_append_c (out, '\n');

  /* Python iterates a set here; real dumps never fill it. */
  for (i = 0; i < n; i++)
    if (_detprof_stats_is_top_level (self, i))
      g_string_append_printf (out, "         %s\n", detprof_stats_get_function (self, i)->name);

  g_string_append_printf (out, "         %" G_GINT64_FORMAT " function calls ", total_calls);
  if (total_calls != prim_calls)
    g_string_append_printf (out, "(%" G_GINT64_FORMAT " primitive calls) ", prim_calls);
  g_string_append (out, "in ");
  append_3f (out, detprof_stats_get_total_time (self));
  g_string_append (out, " seconds\n\n");
}

/* "%9s %8.3f %8s %8.3f %8s %s\n": the per-call columns are blank when
 * there is nothing to divide by. tottime is per call, cumtime per
 * primitive call. With @bounds, each time is followed by its bound. */
static void
print_row (DetprofStats *self,
           GString      *out,
           guint         row,
           gboolean      bounds)
{
  const DetprofFunctionStats *function = detprof_stats_get_function (self, row);
  g_autofree char *count = count_text (function->nc, function->cc);
  g_autofree char *label = detprof_stats_function_label (self, row);
  double tt_bound, ct_bound;

  detprof_stats_get_bounds (self, row, &tt_bound, &ct_bound);
  append_rjust (out, count, 9);
  g_string_append_c (out, ' ');
  append_f8 (out, function->tt.value);
  g_string_append_c (out, ' ');
  if (bounds)
    {
      append_bound8 (out, tt_bound);
      g_string_append_c (out, ' ');
    }
  if (function->nc == 0)
    append_spaces (out, 8);
  else
    append_f8 (out, function->tt.value / (double) function->nc);
  g_string_append_c (out, ' ');
  append_f8 (out, function->ct.value);
  g_string_append_c (out, ' ');
  if (bounds)
    {
      append_bound8 (out, ct_bound);
      g_string_append_c (out, ' ');
    }
  if (function->cc == 0)
    append_spaces (out, 8);
  else
    append_f8 (out, function->ct.value / (double) function->cc);
  g_string_append_printf (out, " %s\n", label);
}

/**
 * detprof_stats_print_stats:
 * @self: a #DetprofStats
 * @out: where to append the report
 * @restrictions: (array length=n_restrictions) (nullable): restrictions,
 *   applied left to right
 * @n_restrictions: the number of @restrictions
 *
 * Appends the report of `Stats.print_stats(*restrictions)`, byte for byte:
 * the files loaded, the summary line, and one line per function, in sorted
 * order if the table was sorted. Each restriction that cuts the list adds
 * a "List reduced from…" line; a regular expression that does not compile
 * adds an "Invalid regular expression" line and restricts nothing.
 *
 * Since: 0.1
 */
void
detprof_stats_print_stats (DetprofStats             *self,
                           GString                  *out,
                           const DetprofRestriction *restrictions,
                           guint                     n_restrictions)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (out != NULL);
  g_return_if_fail (restrictions != NULL || n_restrictions == 0);
  g_return_if_fail (restrictions_are_valid (restrictions, n_restrictions));

  _detprof_report_print_stats (self, out, restrictions, n_restrictions, FALSE);
}

void
_detprof_report_print_stats (DetprofStats             *self,
                             GString                  *out,
                             const DetprofRestriction *restrictions,
                             guint                     n_restrictions,
                             gboolean                  bounds)
{
  g_autoptr(GArray) rows = NULL;
  guint width = 0;
  guint i;

  print_header (self, out);

  rows = select_rows (self, restrictions, n_restrictions, out, &width);
  if (rows->len == 0)
    return;

  if (bounds)
    g_string_append (out, "   ncalls  tottime    bound  percall  cumtime    bound  percall filename:lineno(function)\n");
  else
    g_string_append (out, "   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n");
  for (i = 0; i < rows->len; i++)
    print_row (self, out, g_array_index (rows, guint, i), bounds);
  g_string_append (out, "\n\n");
}

/* ---------------------------------------------------------------------- */
/* print_callers and print_callees                                         */

typedef struct
{
  guint                   other;   /* the caller, or the callee */
  const DetprofCallerArc *arc;
  guint                   caller;  /* the arc's two ends, for its bounds */
  guint                   callee;
} Link;

/* Arcs are listed by key tuple: file, then line, then name; not by label. */
static int
compare_links (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  DetprofStats *self = user_data;
  const DetprofFunctionStats *fa = detprof_stats_get_function (self, ((const Link *) a)->other);
  const DetprofFunctionStats *fb = detprof_stats_get_function (self, ((const Link *) b)->other);
  int result;

  result = strcmp (fa->file, fb->file);
  if (result != 0)
    return result;
  if (fa->line != fb->line)
    return fa->line < fb->line ? -1 : 1;
  return strcmp (fa->name, fb->name);
}

/* pstats prints the "ncalls tottime cumtime" sub-header when the first arc
 * of the first row (in table order) that has callers is a tuple. */
static gboolean
has_tuple_arcs (DetprofStats *self)
{
  guint n = detprof_stats_get_n_functions (self);
  guint i;

  for (i = 0; i < n; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (self, i);

      if (function->n_callers > 0)
        return function->callers[0].style == DETPROF_CALLER_TUPLE;
    }

  return FALSE;
}

static void
print_call_heading (DetprofStats *self,
                    GString      *out,
                    guint         width,
                    const char   *title,
                    gboolean      bounds)
{
  append_ljust (out, "Function ", width);
  g_string_append_printf (out, "%s\n", title);

  if (has_tuple_arcs (self))
    {
      append_spaces (out, width);
      if (bounds)
        g_string_append (out, "    ncalls  tottime    bound  cumtime    bound\n");
      else
        g_string_append (out, "    ncalls  tottime  cumtime\n");
    }
}

/* A tuple arc prints its own counts and times; a count arc prints the
 * count and the cumulative time of the other function as a whole (0 for
 * a caller that has no row, where Python raises KeyError). The first arc
 * continues the function's line; later ones are indented under it. With
 * @bounds, each time is followed by its bound (the arc's; for a count
 * arc, that of the other function's cumulative time). */
static void
print_link (DetprofStats *self,
            GString      *out,
            guint         width,
            const Link   *link,
            gboolean      first,
            gboolean      bounds)
{
  g_autofree char *name = detprof_stats_function_label (self, link->other);
  const DetprofCallerArc *arc = link->arc;

  if (arc->style == DETPROF_CALLER_TUPLE)
    {
      g_autofree char *count = count_text (arc->nc, arc->cc);
      double tt_bound, ct_bound;

      detprof_stats_get_caller_bounds (self, link->callee, link->caller, &tt_bound, &ct_bound);
      if (!first)
        append_spaces (out, width + 1);
      append_rjust (out, count, first ? 7 : 9);
      g_string_append_c (out, ' ');
      append_f8 (out, arc->tt.value);
      g_string_append_c (out, ' ');
      if (bounds)
        {
          append_bound8 (out, tt_bound);
          g_string_append_c (out, ' ');
        }
      append_f8 (out, arc->ct.value);
      if (bounds)
        {
          g_string_append_c (out, ' ');
          append_bound8 (out, ct_bound);
        }
      g_string_append_printf (out, "  %s\n", name);
      return;
    }

  if (!first)
    append_spaces (out, width + 3);
  g_string_append_printf (out, "%s(%" G_GINT64_FORMAT ") ", name, arc->nc);
  append_f8 (out, detprof_stats_get_function (self, link->other)->ct.value);
  if (bounds)
    {
      double ct_bound = NAN;

      if (link->other < detprof_stats_get_n_functions (self))
        detprof_stats_get_bounds (self, link->other, NULL, &ct_bound);
      g_string_append_c (out, ' ');
      append_bound8 (out, ct_bound);
    }
  g_string_append_c (out, '\n');
}

static void
print_call_line (DetprofStats *self,
                 GString      *out,
                 guint         width,
                 guint         row,
                 const char   *arrow,
                 GArray       *links,
                 gboolean      bounds)
{
  g_autofree char *label = detprof_stats_function_label (self, row);
  guint i;

  append_ljust (out, label, width);
  g_string_append_printf (out, "%s ", arrow);

  if (links->len == 0)
    {
      g_string_append_c (out, '\n');
      return;
    }

  g_array_sort_with_data (links, compare_links, self);
  for (i = 0; i < links->len; i++)
    print_link (self, out, width, &g_array_index (links, Link, i), i == 0, bounds);
}

static GArray *
new_links (void)
{
  return g_array_new (FALSE, FALSE, sizeof (Link));
}

static GArray *
callers_of (DetprofStats *self,
            guint         row)
{
  const DetprofFunctionStats *function = detprof_stats_get_function (self, row);
  GArray *links = new_links ();
  guint i;

  for (i = 0; i < function->n_callers; i++)
    {
      Link link = { function->callers[i].caller, &function->callers[i], function->callers[i].caller, row };

      g_array_append_val (links, link);
    }

  return links;
}

/* pstats' calc_callees: each caller arc, seen from the caller. Indexed by
 * key, since a caller may have no row. */
static GPtrArray *
compute_callees (DetprofStats *self)
{
  guint n_keys = _detprof_stats_get_n_keys (self);
  guint n = detprof_stats_get_n_functions (self);
  GPtrArray *callees = g_ptr_array_new_full (n_keys, (GDestroyNotify) g_array_unref);
  guint i, j;

  for (i = 0; i < n_keys; i++)
    g_ptr_array_add (callees, new_links ());

  for (i = 0; i < n; i++)
    {
      const DetprofFunctionStats *function = detprof_stats_get_function (self, i);

      for (j = 0; j < function->n_callers; j++)
        {
          Link link = { i, &function->callers[j], function->callers[j].caller, i };

          g_array_append_val (g_ptr_array_index (callees, function->callers[j].caller), link);
        }
    }

  return callees;
}

/**
 * detprof_stats_print_callers:
 * @self: a #DetprofStats
 * @out: where to append the report
 * @restrictions: (array length=n_restrictions) (nullable): restrictions,
 *   applied left to right, as for detprof_stats_print_stats()
 * @n_restrictions: the number of @restrictions
 *
 * Appends the report of `Stats.print_callers(*restrictions)`, byte for
 * byte: for each selected function, the functions that called it, in key
 * order, with the counts and times along each arc (cProfile-style dumps)
 * or the call count and the caller's cumulative time (profile-style
 * dumps). Nothing is appended when no function is selected.
 *
 * Since: 0.1
 */
void
detprof_stats_print_callers (DetprofStats             *self,
                             GString                  *out,
                             const DetprofRestriction *restrictions,
                             guint                     n_restrictions)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (out != NULL);
  g_return_if_fail (restrictions != NULL || n_restrictions == 0);
  g_return_if_fail (restrictions_are_valid (restrictions, n_restrictions));

  _detprof_report_print_callers (self, out, restrictions, n_restrictions, FALSE);
}

void
_detprof_report_print_callers (DetprofStats             *self,
                               GString                  *out,
                               const DetprofRestriction *restrictions,
                               guint                     n_restrictions,
                               gboolean                  bounds)
{
  g_autoptr(GArray) rows = NULL;
  guint width = 0;
  guint i;

  rows = select_rows (self, restrictions, n_restrictions, out, &width);
  if (rows->len == 0)
    return;

  print_call_heading (self, out, width, "was called by...", bounds);
  for (i = 0; i < rows->len; i++)
    {
      guint row = g_array_index (rows, guint, i);
      g_autoptr(GArray) links = callers_of (self, row);

      print_call_line (self, out, width, row, "<-", links, bounds);
    }
  g_string_append (out, "\n\n");
}

/**
 * detprof_stats_print_callees:
 * @self: a #DetprofStats
 * @out: where to append the report
 * @restrictions: (array length=n_restrictions) (nullable): restrictions,
 *   applied left to right, as for detprof_stats_print_stats()
 * @n_restrictions: the number of @restrictions
 *
 * Appends the report of `Stats.print_callees(*restrictions)`, byte for
 * byte: as detprof_stats_print_callers(), but listing the functions each
 * selected function called, with the numbers of the same arcs.
 *
 * Since: 0.1
 */
void
detprof_stats_print_callees (DetprofStats             *self,
                             GString                  *out,
                             const DetprofRestriction *restrictions,
                             guint                     n_restrictions)
{
  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (out != NULL);
  g_return_if_fail (restrictions != NULL || n_restrictions == 0);
  g_return_if_fail (restrictions_are_valid (restrictions, n_restrictions));

  _detprof_report_print_callees (self, out, restrictions, n_restrictions, FALSE);
}

void
_detprof_report_print_callees (DetprofStats             *self,
                               GString                  *out,
                               const DetprofRestriction *restrictions,
                               guint                     n_restrictions,
                               gboolean                  bounds)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) callees = NULL;
  guint width = 0;
  guint i;

  rows = select_rows (self, restrictions, n_restrictions, out, &width);
  if (rows->len == 0)
    return;

  callees = compute_callees (self);
  print_call_heading (self, out, width, "called...", bounds);
  for (i = 0; i < rows->len; i++)
    {
      guint row = g_array_index (rows, guint, i);

      print_call_line (self, out, width, row, "->", g_ptr_array_index (callees, row), bounds);
    }
  g_string_append (out, "\n\n");
}

/* ---------------------------------------------------------------------- */
/* CSV, for tools                                                          */

/* A field as RFC 4180 writes it: quoted, with its quotes doubled, when it
 * holds a comma, a quote or a line break. */
static void
append_csv_text (GString    *out,
                 const char *text)
{
  const char *p;

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* A time as Python's repr () writes it, which reads back as the same
 * double; an int time as an int; nothing for an unknown bound. */
static void
append_csv_number (GString *out,
                   double   value,
                   gboolean is_int)
{
  if (isnan (value))
    return;
  if (is_int && fabs (value) < 9007199254740992.0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
  else
    _detprof_format_float_repr (out, value);
}

void
_detprof_report_print_csv (DetprofStats             *self,
                           GString                  *out,
                           const DetprofRestriction *restrictions,
                           guint                     n_restrictions)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GString) messages = g_string_new (NULL);
  gboolean sorted;
  guint i;

  g_return_if_fail (DETPROF_IS_STATS (self));
  g_return_if_fail (out != NULL);

  rows = _detprof_stats_get_print_list (self, &sorted);
  for (i = 0; i < n_restrictions; i++)
    _detprof_stats_apply_restriction (self, &restrictions[i], rows, messages);

  g_string_append (out, "file,line,function,ncalls,primitive_calls,tottime,tottime_bound,cumtime,cumtime_bound\n");
  for (i = 0; i < rows->len; i++)
    {
      guint row = g_array_index (rows, guint, i);
      const DetprofFunctionStats *function = detprof_stats_get_function (self, row);
      double tt_bound, ct_bound;

      detprof_stats_get_bounds (self, row, &tt_bound, &ct_bound);
      append_csv_text (out, function->file);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",", function->line);
      append_csv_text (out, function->name);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", function->nc, function->cc);
      append_csv_number (out, function->tt.value, function->tt.is_int);
      g_string_append_c (out, ',');
      append_csv_number (out, tt_bound, FALSE);
      g_string_append_c (out, ',');
      append_csv_number (out, function->ct.value, function->ct.is_int);
      g_string_append_c (out, ',');
      append_csv_number (out, ct_bound, FALSE);
      g_string_append_c (out, '\n');
    }
}
