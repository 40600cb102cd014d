/* detprof-browser.c: the statistics browser, as `python -m pstats` has it.
 *
 * Python's browser is a cmd.Cmd: each input line is split into a command
 * word (the leading letters, digits and underscores) and an argument (the
 * rest, stripped), and do_<word> runs. An empty line runs the last command
 * again; a word with no command prints "*** Unknown syntax". We follow
 * those rules and every message of pstats' ProfileBrowser, with one
 * difference: an error never ends the browser. Where Python would die with
 * a traceback (adding a file that is not a dump), we print one line that
 * names the file and carry on.
 *
 * The browser appends all it says to a GString, the way Python prints to
 * its stream; the caller prints it, and owns the terminal.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof-browser-private.h"
#include "detprof-error.h"
#include "detprof-report-private.h"

struct _DetprofBrowser
{
  DetprofStats *stats;        /* NULL until a file loads; owned */
  char         *prompt;       /* "% " or "<file>% "; owned */
  char         *last_line;    /* what an empty line runs again; owned */
  gboolean      interactive;  /* a person types: EOF prints its newline */
};

typedef gboolean (*CommandFunc) (DetprofBrowser *self,
                                 const char     *arg,
                                 GString        *out);

typedef struct
{
  const char  *name;
  CommandFunc  run;
  const char  *help;           /* printed by "help NAME" */
  gboolean     argument_help;  /* followed by the five lines on arguments */
} Command;

static const char argument_help[] =
  "Arguments may be:\n"
  "* An integer maximum number of entries to print.\n"
  "* A decimal fractional number between 0 and 1, controlling\n"
  "  what fraction of selected entries to print.\n"
  "* A regular expression; only entries with function names\n"
  "  that match it are printed.\n";

static const char no_stats[] = "No statistics object is loaded.\n";

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

/* g_file_get_contents () says "Failed to open file “x”: …"; we say what a
 * shell says, the name first. */
static gboolean
describe_unreadable (const char  *path,
                     GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int saved_errno;

  if (g_stat (path, &st) != 0)
    saved_errno = errno;
  else if (S_ISDIR (st.st_mode))
    saved_errno = EISDIR;
  else if (g_access (path, R_OK) != 0)
    saved_errno = errno;
  else
    return FALSE;

  g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "%s: %s", display,
               g_strerror (saved_errno));
  return TRUE;
}

DetprofStats *
_detprof_browser_load_file (const char  *path,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  DetprofStats *stats;

  g_return_val_if_fail (path != NULL, NULL);

  if (describe_unreadable (path, error))
    return NULL;

  stats = detprof_stats_new_from_file (path, &local_error);
  if (stats == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      /* Corrupt dumps already start with the file name. */
      if (g_str_has_prefix (local_error->message, display))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code, "%s: %s",
                     display, local_error->message);
    }

  return stats;
}

/* ---------------------------------------------------------------------- */
/* Arguments                                                               */

/* Python's digitpart: digits, with single underscores between them.
 * Returns the position after it, or NULL if there is no digit. */
static const char *
skip_digit_part (const char *p)
{
  if (!g_ascii_isdigit (*p))
    return NULL;

  while (g_ascii_isdigit (*p) || (*p == '_' && g_ascii_isdigit (p[1])))
    p++;

  return p;
}

static const char *
skip_sign (const char *p)
{
  return (*p == '+' || *p == '-') ? p + 1 : p;
}

/* What Python's int () accepts, for ASCII. */
static gboolean
is_python_int (const char *text)
{
  const char *end = skip_digit_part (skip_sign (text));

  return end != NULL && *end == '\0';
}

/* What Python's float () accepts, for ASCII: no hexadecimal, unlike
 * strtod (). */
static gboolean
is_python_float (const char *text)
{
  const char *p = skip_sign (text);
  const char *end;
  gboolean digits = FALSE;

  if (g_ascii_strcasecmp (p, "inf") == 0 || g_ascii_strcasecmp (p, "infinity") == 0
      || g_ascii_strcasecmp (p, "nan") == 0)
    return TRUE;

  end = skip_digit_part (p);
  if (end != NULL)
    {
      digits = TRUE;
      p = end;
    }
  if (*p == '.')
    {
      p++;
      end = skip_digit_part (p);
      if (end != NULL)
        {
          digits = TRUE;
          p = end;
        }
    }
  if (!digits)
    return FALSE;

  if (*p == 'e' || *p == 'E')
    {
      p = skip_digit_part (skip_sign (p + 1));
      if (p == NULL)
        return FALSE;
    }

  return *p == '\0';
}

static char *
without_underscores (const char *text)
{
  GString *copy = g_string_new (NULL);

  for (; *text != '\0'; text++)
    if (*text != '_')
      g_string_append_c (copy, *text);

  return g_string_free (copy, FALSE);
}

gboolean
_detprof_browser_parse_term (const char         *text,
                             DetprofRestriction *restriction)
{
  g_autofree char *digits = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (restriction != NULL, FALSE);

  memset (restriction, 0, sizeof *restriction);

  if (is_python_int (text))
    {
      /* A count too large for 64 bits restricts nothing, as would the
       * exact value: strtoll () saturates. */
      digits = without_underscores (text);
      restriction->kind = DETPROF_RESTRICTION_COUNT;
      restriction->count = g_ascii_strtoll (digits, NULL, 10);
      return TRUE;
    }

  if (is_python_float (text))
    {
      double value;

      digits = without_underscores (text);
      value = g_ascii_strtod (digits, NULL);
      if (value > 1.0 || value < 0.0)
        return FALSE;

      restriction->kind = DETPROF_RESTRICTION_FRACTION;
      restriction->fraction = value;
      return TRUE;
    }

  restriction->kind = DETPROF_RESTRICTION_REGEX;
  restriction->pattern = text;
  return TRUE;
}

/* str.split (): on runs of whitespace, none at either end. */
static char **
split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new ();
  const char *p = text;

  for (;;)
    {
      const char *start;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      g_ptr_array_add (words, g_strndup (start, (gsize) (p - start)));
    }

  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

typedef void (*ReportFunc) (DetprofStats             *stats,
                            GString                  *out,
                            const DetprofRestriction *restrictions,
                            guint                     n_restrictions);

/* pstats' ProfileBrowser.generic: the terms, then the report, and after
 * it what the dump says of the call tree's exactness. */
static gboolean
run_report (DetprofBrowser *self,
            const char     *arg,
            GString        *out,
            ReportFunc      report)
{
  g_auto(GStrv) words = split_words (arg);
  g_autoptr(GArray) restrictions = g_array_new (FALSE, TRUE, sizeof (DetprofRestriction));
  guint i;

  for (i = 0; words[i] != NULL; i++)
    {
      DetprofRestriction restriction;

      if (_detprof_browser_parse_term (words[i], &restriction))
        g_array_append_val (restrictions, restriction);
      else
        g_string_append (out, "Fraction argument must be in [0, 1]\n");
    }

  if (self->stats == NULL)
    {
      g_string_append (out, no_stats);
      return TRUE;
    }

  report (self->stats, out, (const DetprofRestriction *) restrictions->data,
          restrictions->len);
  _detprof_report_append_notes (self->stats, out);
  return TRUE;
}

static void
print_stats_with_info (DetprofStats             *stats,
                       GString                  *out,
                       const DetprofRestriction *restrictions,
                       guint                     n_restrictions)
{
  _detprof_report_append_info (stats, out);
  detprof_stats_print_stats (stats, out, restrictions, n_restrictions);
  _detprof_report_append_negative_warning (stats, out);
  _detprof_report_append_unresolved (stats, out);
}

static void
print_caller_sites (DetprofStats             *stats,
                    GString                  *out,
                    const DetprofRestriction *restrictions,
                    guint                     n_restrictions)
{
  _detprof_report_print_call_sites (stats, out, TRUE, restrictions, n_restrictions, FALSE);
}

static void
print_callee_sites (DetprofStats             *stats,
                    GString                  *out,
                    const DetprofRestriction *restrictions,
                    guint                     n_restrictions)
{
  _detprof_report_print_call_sites (stats, out, FALSE, restrictions, n_restrictions, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Commands                                                                */

static gboolean
run_add (DetprofBrowser *self,
         const char     *arg,
         GString        *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) other = NULL;

  if (self->stats == NULL)
    {
      g_string_append (out, no_stats);
      return TRUE;
    }

  other = _detprof_browser_load_file (arg, &error);
  if (other == NULL)
    {
      g_string_append_printf (out, "Failed to load statistics for %s: %s\n", arg, error->message);
      return TRUE;
    }

  detprof_stats_add (self->stats, other);
  return TRUE;
}

static gboolean
run_callees (DetprofBrowser *self,
             const char     *arg,
             GString        *out)
{
  return run_report (self, arg, out, detprof_stats_print_callees);
}

static gboolean
run_callers (DetprofBrowser *self,
             const char     *arg,
             GString        *out)
{
  return run_report (self, arg, out, detprof_stats_print_callers);
}

static gboolean
run_eof (DetprofBrowser *self,
         const char     *arg,
         GString        *out)
{
  if (self->interactive)
    g_string_append_c (out, '\n');
  return FALSE;
}

static gboolean
run_quit (DetprofBrowser *self,
          const char     *arg,
          GString        *out)
{
  return FALSE;
}

/* "lines" shows the callers by line; "lines -c" (or --callees) what the
 * selected functions call, by line. */
static gboolean
run_lines (DetprofBrowser *self,
           const char     *arg,
           GString        *out)
{
  const char *rest = arg;

  if (g_str_has_prefix (arg, "-c") && (arg[2] == '\0' || g_ascii_isspace (arg[2])))
    rest = arg + 2;
  else if (g_str_has_prefix (arg, "--callees") && (arg[9] == '\0' || g_ascii_isspace (arg[9])))
    rest = arg + 9;

  return run_report (self, rest, out, rest == arg ? print_caller_sites : print_callee_sites);
}

static gboolean
run_read (DetprofBrowser *self,
          const char     *arg,
          GString        *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  DetprofStats *stats;

  if (*arg == '\0')
    {
      if (strlen (self->prompt) <= 2)
        {
          g_string_append (out, "No statistics object is current -- cannot reload.\n");
          return TRUE;
        }
      current = g_strndup (self->prompt, strlen (self->prompt) - 2);
      arg = current;
    }

  stats = _detprof_browser_load_file (arg, &error);
  if (stats == NULL)
    {
      g_string_append_printf (out, "%s\n", error->message);
      return TRUE;
    }

  g_clear_object (&self->stats);
  self->stats = stats;
  g_free (self->prompt);
  self->prompt = g_strconcat (arg, "% ", NULL);
  return TRUE;
}

static gboolean
run_reverse (DetprofBrowser *self,
             const char     *arg,
             GString        *out)
{
  if (self->stats == NULL)
    g_string_append (out, no_stats);
  else
    detprof_stats_reverse_order (self->stats);
  return TRUE;
}

static gboolean
run_sort (DetprofBrowser *self,
          const char     *arg,
          GString        *out)
{
  g_auto(GStrv) keys = NULL;
  static const char * const valid[][2] = {
    { "calls", "call count" }, { "ncalls", "call count" },
    { "cumtime", "cumulative time" }, { "cumulative", "cumulative time" },
    { "filename", "file name" }, { "line", "line number" },
    { "module", "file name" }, { "name", "function name" },
    { "nfl", "name/file/line" }, { "pcalls", "primitive call count" },
    { "stdname", "standard name" }, { "time", "internal time" },
    { "tottime", "internal time" },
  };
  gsize i;

  if (self->stats == NULL)
    {
      g_string_append (out, no_stats);
      return TRUE;
    }

  /* The library checks every key before it sorts, so a bad key leaves
   * the order alone, as Python's all () test does. */
  keys = split_words (arg);
  if (keys[0] != NULL && detprof_stats_sort (self->stats, (const char * const *) keys, NULL))
    return TRUE;

  g_string_append (out, "Valid sort keys (unique prefixes are accepted):\n");
  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    g_string_append_printf (out, "%s -- %s\n", valid[i][0], valid[i][1]);
  return TRUE;
}

static gboolean
run_stats (DetprofBrowser *self,
           const char     *arg,
           GString        *out)
{
  return run_report (self, arg, out, print_stats_with_info);
}

static gboolean
run_strip (DetprofBrowser *self,
           const char     *arg,
           GString        *out)
{
  if (self->stats == NULL)
    g_string_append (out, no_stats);
  else
    detprof_stats_strip_dirs (self->stats);
  return TRUE;
}

static gboolean run_help (DetprofBrowser *self,
                          const char     *arg,
                          GString        *out);

/* In the order "help" lists them: cmd.Cmd sorts the names (by code
 * point, so EOF first). */
static const Command commands[] = {
  { "EOF", run_eof, "Leave the profile browser.\n", FALSE },
  { "add", run_add, "Add profile info from given file to current statistics object.\n", FALSE },
  { "callees", run_callees, "Print callees statistics from the current stat object.\n", TRUE },
  { "callers", run_callers, "Print callers statistics from the current stat object.\n", TRUE },
  { "help", run_help, "Show help for a given command.\n", FALSE },
  { "lines", run_lines,
    "Print, for each function, the lines that called it, with the calling\n"
    "function, the calls and times of each line (detprof dumps only).\n"
    "With -c (or --callees) first, the lines of each function that called\n"
    "others, and whom they called.\n", TRUE },
  { "quit", run_quit, "Leave the profile browser.\n", FALSE },
  { "read", run_read, "Read in profile data from a specified file.\n"
    "Without argument, reload the current file.\n", FALSE },
  { "reverse", run_reverse, "Reverse the sort order of the profiling report.\n", FALSE },
  { "sort", run_sort, "Sort profile data according to specified keys.\n"
    "(Typing `sort' without arguments lists valid keys.)\n", FALSE },
  { "stats", run_stats, "Print statistics from the current stat object.\n", TRUE },
  { "strip", run_strip, "Strip leading path information from filenames in the report.\n", FALSE },
};

static const Command *
find_command (const char *name)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];

  return NULL;
}

static gboolean
run_help (DetprofBrowser *self,
          const char     *arg,
          GString        *out)
{
  const Command *command;
  gsize i;

  if (*arg == '\0')
    {
      g_string_append (out, "\nDocumented commands (type help <topic>):\n"
                       "========================================\n");
      for (i = 0; i < G_N_ELEMENTS (commands); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "  " : "", commands[i].name);
      g_string_append (out, "\n\n");
      return TRUE;
    }

  command = find_command (arg);
  if (command == NULL)
    {
      g_string_append_printf (out, "*** No help on %s\n", arg);
      return TRUE;
    }

  g_string_append (out, command->help);
  if (command->argument_help)
    g_string_append (out, argument_help);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The interpreter                                                         */

DetprofBrowser *
_detprof_browser_new (gboolean interactive)
{
  DetprofBrowser *self = g_new0 (DetprofBrowser, 1);

  self->prompt = g_strdup ("% ");
  self->last_line = g_strdup ("");
  self->interactive = interactive;
  return self;
}

void
_detprof_browser_free (DetprofBrowser *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stats);
  g_free (self->prompt);
  g_free (self->last_line);
  g_free (self);
}

void
_detprof_browser_open (DetprofBrowser     *self,
                       const char * const *files,
                       GString            *out)
{
  gsize i;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  if (files == NULL || files[0] == NULL)
    return;

  run_read (self, files[0], out);
  for (i = 1; files[i] != NULL; i++)
    run_add (self, files[i], out);
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* cmd.Cmd.onecmd (): strip; "?" means help; the command word is the
 * leading identifier characters. */
gboolean
_detprof_browser_execute (DetprofBrowser *self,
                          const char     *line,
                          GString        *out)
{
  g_autofree char *stripped = NULL;
  g_autofree char *word = NULL;
  g_autofree char *arg = NULL;
  const Command *command;
  gsize i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  stripped = g_strstrip (g_strdup (line));
  if (*stripped == '\0')
    {
      /* emptyline (): the last command again, if there was one. */
      if (*self->last_line == '\0')
        return TRUE;
      g_free (stripped);
      stripped = g_strdup (self->last_line);
    }

  if (stripped[0] == '?')
    {
      char *help = g_strconcat ("help ", stripped + 1, NULL);

      g_free (stripped);
      stripped = help;
    }

  for (i = 0; is_identifier_char (stripped[i]); i++)
    ;
  word = g_strndup (stripped, i);
  arg = g_strstrip (g_strdup (stripped + i));

  g_free (self->last_line);
  self->last_line = g_strdup (strcmp (stripped, "EOF") == 0 ? "" : stripped);

  command = *word != '\0' ? find_command (word) : NULL;
  if (command == NULL)
    {
      g_string_append_printf (out, "*** Unknown syntax: %s\n", stripped);
      return TRUE;
    }

  return command->run (self, arg, out);
}

const char *
_detprof_browser_get_prompt (DetprofBrowser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->prompt;
}

DetprofStats *
_detprof_browser_get_stats (DetprofBrowser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->stats;
}

char **
_detprof_browser_complete (const char *before,
                           const char *word)
{
  static const char * const sort_keys[] = {
    "calls", "cumtime", "cumulative", "filename", "line", "module", "name",
    "ncalls", "nfl", "pcalls", "stdname", "time", "tottime",
  };
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  g_auto(GStrv) words = NULL;
  gsize i;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (word != NULL, NULL);

  words = split_words (before);
  if (words[0] == NULL || g_str_equal (words[0], "help") || g_str_equal (words[0], "?"))
    {
      for (i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_has_prefix (commands[i].name, word))
          g_ptr_array_add (matches, g_strdup (commands[i].name));
    }
  else if (g_str_equal (words[0], "sort"))
    {
      for (i = 0; i < G_N_ELEMENTS (sort_keys); i++)
        if (g_str_has_prefix (sort_keys[i], word))
          g_ptr_array_add (matches, g_strdup (sort_keys[i]));
    }
  else if (g_str_equal (words[0], "read") || g_str_equal (words[0], "add"))
    {
      return NULL;
    }

  g_ptr_array_add (matches, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&matches), FALSE);
}
