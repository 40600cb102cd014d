/* detprof-stats-main.c: `detprof-stats`, Python's pstats in C.
 *
 * With nothing but file names it is the interactive browser of
 * `python -m pstats` (detprof-browser.c), with line editing and history
 * when a person types, and reading commands silently from a pipe
 * otherwise. With any report option it prints one report and exits: the
 * pstats tables, the callers by line, an export for KCachegrind or
 * Graphviz (detprof-export.c), or what is drawn from the paths: folded
 * stacks for flame graphs, the paths to some functions, one table per
 * thread (detprof-report-paths.c).
 *
 * Exit status: 0 on success, 1 when a file cannot be read or written, 2
 * for a usage error (unknown option or sort key, invalid expression).
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <glib/gstdio.h>

#include "detprof.h"
#include "detprof-browser-private.h"
#include "detprof-report-paths-private.h"
#include "detprof-report-private.h"
#include "detprof-export.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

typedef enum
{
  FORMAT_TEXT,
  FORMAT_CALLGRIND,
  FORMAT_DOT,
  FORMAT_PSTATS,
  FORMAT_CSV,
  FORMAT_FOLDED,
  FORMAT_FLAMEGRAPH,
  FORMAT_SPEEDSCOPE,
} OutputFormat;

typedef struct
{
  GPtrArray    *sort_keys;    /* of char *, in order; owned */
  char         *limit;        /* --limit: a count or a fraction; owned */
  gboolean      callers;
  gboolean      callees;
  gboolean      by_line;
  gboolean      strip;
  gboolean      reverse;
  gboolean      bounds;       /* --bounds: each time's error bound beside it */
  char         *output;       /* owned */
  OutputFormat  format;
  double        threshold;
  gboolean      version;
  gboolean      one_shot;     /* any option that asks for a report */
  DetprofPathWeight weight;   /* --weight, for --format folded */
  char         *paths;        /* --paths: a regular expression; owned */
  gboolean      threads;      /* --threads: one report per thread */
} Options;

static Options options = { NULL, NULL, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, NULL,
                           FORMAT_TEXT, DETPROF_EXPORT_DEFAULT_THRESHOLD, FALSE, FALSE,
                           DETPROF_PATH_WEIGHT_TIME, NULL, FALSE };

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

/* One line on stderr, "detprof-stats: ...", and the exit status. */
static int
fail (int         status,
      const char *format,
      ...)
{
  va_list args;

  fputs ("detprof-stats: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  return status;
}

/* ---------------------------------------------------------------------- */
/* Options                                                                 */

static gboolean
parse_sort (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  g_auto(GStrv) keys = g_strsplit (value, ",", -1);
  gsize i;

  for (i = 0; keys[i] != NULL; i++)
    {
      g_strstrip (keys[i]);
      if (*keys[i] != '\0')
        g_ptr_array_add (options.sort_keys, g_strdup (keys[i]));
    }
  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
parse_limit (const char  *option_name,
             const char  *value,
             gpointer     data,
             GError     **error)
{
  DetprofRestriction restriction;

  if (!_detprof_browser_parse_term (value, &restriction)
      || restriction.kind == DETPROF_RESTRICTION_REGEX)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s needs a count or a fraction between 0 and 1, not '%s'",
                   option_name, value);
      return FALSE;
    }

  g_free (options.limit);
  options.limit = g_strdup (value);
  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
parse_format (const char  *option_name,
              const char  *value,
              gpointer     data,
              GError     **error)
{
  if (g_str_equal (value, "text"))
    options.format = FORMAT_TEXT;
  else if (g_str_equal (value, "callgrind"))
    options.format = FORMAT_CALLGRIND;
  else if (g_str_equal (value, "dot"))
    options.format = FORMAT_DOT;
  else if (g_str_equal (value, "pstats"))
    options.format = FORMAT_PSTATS;
  else if (g_str_equal (value, "csv"))
    options.format = FORMAT_CSV;
  else if (g_str_equal (value, "folded"))
    options.format = FORMAT_FOLDED;
  else if (g_str_equal (value, "flamegraph"))
    options.format = FORMAT_FLAMEGRAPH;
  else if (g_str_equal (value, "speedscope"))
    options.format = FORMAT_SPEEDSCOPE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown format '%s': expected text, callgrind, dot, pstats, csv, folded, "
                   "flamegraph or speedscope", value);
      return FALSE;
    }

  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
parse_threshold (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  char *end = NULL;
  double threshold = g_ascii_strtod (value, &end);
  gboolean percent = end != value && g_str_equal (end, "%");

  if (end == value || (*end != '\0' && !percent))
    threshold = NAN;
  if (percent)
    threshold /= 100.0;
  if (!(threshold >= 0.0 && threshold <= 1.0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s needs a fraction between 0 and 1 (or a percentage such as 0.5%%), not '%s'",
                   option_name, value);
      return FALSE;
    }

  options.threshold = threshold;
  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
parse_weight (const char  *option_name,
              const char  *value,
              gpointer     data,
              GError     **error)
{
  if (g_str_equal (value, "time"))
    options.weight = DETPROF_PATH_WEIGHT_TIME;
  else if (g_str_equal (value, "calls"))
    options.weight = DETPROF_PATH_WEIGHT_CALLS;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown weight '%s': expected time or calls", value);
      return FALSE;
    }
  options.one_shot = TRUE;
  return TRUE;
}

/* An option that takes a string: the last one given counts, and asks
 * for a one-shot report. */
static gboolean
keep_string (char       **slot,
             const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
set_paths (const char  *option_name,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  return keep_string (&options.paths, value);
}

static gboolean
set_flag (const char  *option_name,
          const char  *value,
          gpointer     data,
          GError     **error)
{
  if (g_str_equal (option_name, "--callers"))
    options.callers = TRUE;
  else if (g_str_equal (option_name, "--callees"))
    options.callees = TRUE;
  else if (g_str_equal (option_name, "-l") || g_str_equal (option_name, "--by-line"))
    options.by_line = TRUE;
  else if (g_str_equal (option_name, "-S") || g_str_equal (option_name, "--strip"))
    options.strip = TRUE;
  else if (g_str_equal (option_name, "--no-strip"))
    options.strip = FALSE;
  else if (g_str_equal (option_name, "--reverse"))
    options.reverse = TRUE;
  else if (g_str_equal (option_name, "--bounds"))
    options.bounds = TRUE;
  else if (g_str_equal (option_name, "--threads"))
    options.threads = TRUE;
  else
    g_assert_not_reached ();

  options.one_shot = TRUE;
  return TRUE;
}

static gboolean
set_output (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  return keep_string (&options.output, value);
}

/* Short letters this program gave up so that a letter means one thing in
 * detprof, detprof-stats and detprof-calibrate: the runner's meaning where
 * it has one (-o, -t), else detprof-calibrate's (-n and -r, as in Python's
 * timeit). The long names stay. Each letter is still recognised, only to
 * refuse it and say what to write instead: read as something else,
 * `-o report.txt` or `-t 0.01` would do the wrong thing without a word. */
typedef struct
{
  char        letter;
  const char *instead;    /* the long option it stood for here, as it is written */
  const char *elsewhere;  /* where the letter means something else, and what */
} RetiredLetter;

static const RetiredLetter retired_letters[] = {
  { 'n', "--limit N", "in detprof-calibrate, -n is --calls" },
  { 'o', "--output FILE", "in detprof, -o is --outfile, the pstats dump" },
  { 'r', "--reverse", "in detprof-calibrate, -r is --repeat" },
  { 't', "--threshold FRACTION", "in detprof and detprof-calibrate, -t is --timer" },
};

/* @option_name is "-n", or the hidden long name "--retired-n". */
static gboolean
refuse_retired_letter (const char  *option_name,
                       const char  *value,
                       gpointer     data,
                       GError     **error)
{
  char letter = option_name[strlen (option_name) - 1];
  const RetiredLetter *retired = NULL;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (retired_letters); i++)
    if (retired_letters[i].letter == letter)
      retired = &retired_letters[i];
  g_assert (retired != NULL);

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
               "-%c no longer stands for %.*s (%s): write %s", letter,
               (int) strcspn (retired->instead, " "), retired->instead, retired->elsewhere, retired->instead);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "sort", 's', 0, G_OPTION_ARG_CALLBACK, parse_sort,
    "Sort by KEY: calls, cumulative, filename, line, name, nfl, pcalls, stdname, time "
    "(or an unambiguous prefix, or several, comma-separated or repeated)", "KEY" },
  { "limit", 0, 0, G_OPTION_ARG_CALLBACK, parse_limit,
    "Show at most N functions (a fraction such as 0.1: that part of them), after the other restrictions", "N" },
  { "callers", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Print who called each function (print_callers)", NULL },
  { "callees", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Print whom each function called (print_callees)", NULL },
  { "by-line", 'l', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "With --callers (the default) or --callees: one line per call site (file:line)", NULL },
  { "strip", 'S', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Strip directories from file names (strip_dirs)", NULL },
  { "no-strip", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Keep file names as recorded (the default)", NULL },
  { "reverse", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Reverse the sort order", NULL },
  { "bounds", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Print each time's error bound beside it (the true time lies within time ± bound)", NULL },
  { "format", 'f', 0, G_OPTION_ARG_CALLBACK, parse_format,
    "Output FORMAT: text (default), callgrind, dot, pstats (a merged dump), csv (one row per "
    "function, with the bounds), folded (folded stacks, for flamegraph.pl, inferno or speedscope), "
    "flamegraph (an interactive SVG) or speedscope (speedscope's JSON file)", "FORMAT" },
  { "weight", 0, 0, G_OPTION_ARG_CALLBACK, parse_weight,
    "With --format=folded: weigh each path by its self time in microseconds (time, the default) "
    "or by its calls (calls)", "WEIGHT" },
  { "paths", 0, 0, G_OPTION_ARG_CALLBACK, set_paths,
    "Print every path that reaches a function matching REGEX, with its calls and times", "REGEX" },
  { "threads", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, set_flag,
    "Print one report per thread (with --format=folded: start each path with its thread)", NULL },
  { "output", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, set_output,
    "Write to FILE instead of standard output", "FILE" },
  { "threshold", 0, 0, G_OPTION_ARG_CALLBACK, parse_threshold,
    "With --format=dot: leave out functions and calls below this fraction of the "
    "total time (default 0.005; 0 keeps all)", "FRACTION" },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &options.version,
    "Print the version and exit", NULL },
  { "retired-n", 'n', G_OPTION_FLAG_HIDDEN | G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
    refuse_retired_letter, NULL, NULL },
  { "retired-o", 'o', G_OPTION_FLAG_HIDDEN | G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
    refuse_retired_letter, NULL, NULL },
  { "retired-r", 'r', G_OPTION_FLAG_HIDDEN | G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
    refuse_retired_letter, NULL, NULL },
  { "retired-t", 't', G_OPTION_FLAG_HIDDEN | G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
    refuse_retired_letter, NULL, NULL },
  G_OPTION_ENTRY_NULL
};

static const char description[] =
  "With only file names, detprof-stats is the interactive browser of\n"
  "python -m pstats (type \"help\"); it reads commands from standard input\n"
  "when that is not a terminal, without prompts. Any other option prints one\n"
  "report and exits. TERMs restrict the report as the browser's arguments do:\n"
  "an integer keeps that many functions, a fraction in [0, 1] that part of\n"
  "them, anything else is a regular expression that the function's name must\n"
  "match. An argument that names an existing file, or ends in .prof or\n"
  ".pstats, is a statistics file (if none does, the last word is); several\n"
  "files are added together.\n"
  "\n"
  "Examples:\n"
  "  detprof-stats myprog.prof\n"
  "  detprof-stats -s cumulative --limit 20 myprog.prof\n"
  "  detprof-stats --callers 'parse' myprog.prof\n"
  "  detprof-stats --callers --by-line 'parse' myprog.prof\n"
  "  detprof-stats --format callgrind --output myprog.callgrind myprog.prof\n"
  "  detprof-stats --format dot myprog.prof | dot -Tsvg > callgraph.svg\n"
  "  detprof-stats -s tottime --bounds myprog.prof\n"
  "  detprof-stats --format csv --output myprog.csv myprog.prof\n"
  "  detprof-stats --format folded myprog.prof | flamegraph.pl > flame.svg\n"
  "  detprof-stats --format flamegraph --output flame.svg myprog.prof\n"
  "  detprof-stats --paths 'parse' myprog.prof\n"
  "  detprof-stats --threads -s time myprog.prof\n"
  "\n"
  "Exit status: 0 on success, 1 if a file cannot be read or written,\n"
  "2 for a usage error (unknown option or sort key, invalid expression).\n";

/* ---------------------------------------------------------------------- */
/* Arguments: files and restrictions                                       */

static gboolean
looks_like_a_dump (const char *arg)
{
  return g_file_test (arg, G_FILE_TEST_EXISTS)
         || g_str_has_suffix (arg, ".prof") || g_str_has_suffix (arg, ".pstats");
}

/* Numbers are always restrictions; of the rest, what looks like a dump is
 * a file. If nothing does, the last word is taken for a file anyway (as in
 * "grep PATTERN FILE"), so that a mistyped name is reported as missing,
 * not used as a pattern. */
static void
split_arguments (char      **args,
                 GPtrArray  *files,
                 GPtrArray  *terms)
{
  int last_word = -1;
  int i;

  for (i = 0; args[i] != NULL; i++)
    {
      DetprofRestriction restriction;
      gboolean is_number = _detprof_browser_parse_term (args[i], &restriction)
                           ? restriction.kind != DETPROF_RESTRICTION_REGEX : TRUE;

      if (!is_number && looks_like_a_dump (args[i]))
        g_ptr_array_add (files, args[i]);
      else
        {
          if (!is_number)
            last_word = (int) terms->len;
          g_ptr_array_add (terms, args[i]);
        }
    }

  if (files->len == 0 && last_word >= 0)
    g_ptr_array_add (files, g_ptr_array_steal_index (terms, (guint) last_word));
}

/* 0 if @pattern compiles, else the usage error, said. */
static int
check_regex (const char *pattern)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, &error);
  const char *where;

  if (regex != NULL)
    return 0;
  /* GRegex's message repeats the pattern; keep what follows it. */
  where = strstr (error->message, " at char ");
  if (where != NULL)
    return fail (EXIT_USAGE, "invalid regular expression '%s'%s", pattern, where);
  return fail (EXIT_USAGE, "invalid regular expression '%s': %s", pattern, error->message);
}

static int
build_restrictions (GPtrArray *terms,
                    GArray    *restrictions)
{
  guint i;

  if (options.limit != NULL)
    g_ptr_array_add (terms, options.limit);

  for (i = 0; i < terms->len; i++)
    {
      const char *term = g_ptr_array_index (terms, i);
      DetprofRestriction restriction;

      if (!_detprof_browser_parse_term (term, &restriction))
        return fail (EXIT_USAGE, "fraction '%s' is not in [0, 1]", term);

      if (restriction.kind == DETPROF_RESTRICTION_REGEX && check_regex (term) != 0)
        return EXIT_USAGE;

      g_array_append_val (restrictions, restriction);
    }

  return 0;
}

/* ---------------------------------------------------------------------- */
/* One-shot reports                                                        */

static DetprofStats *
load_all (GPtrArray  *files,
          GError    **error)
{
  g_autoptr(DetprofStats) stats = NULL;
  guint i;

  stats = _detprof_browser_load_file (g_ptr_array_index (files, 0), error);
  if (stats == NULL)
    return NULL;

  for (i = 1; i < files->len; i++)
    {
      g_autoptr(DetprofStats) other = _detprof_browser_load_file (g_ptr_array_index (files, i), error);

      if (other == NULL)
        return NULL;
      detprof_stats_add (stats, other);
    }

  return g_steal_pointer (&stats);
}

static int
apply_sort (DetprofStats *stats)
{
  g_autoptr(GError) error = NULL;
  gboolean sorted;
  char *end = NULL;

  if (options.sort_keys->len == 0)
    return 0;

  /* The old numeric keys: -1, 0, 1, 2. */
  if (options.sort_keys->len == 1)
    {
      const char *key = g_ptr_array_index (options.sort_keys, 0);
      gint64 number = g_ascii_strtoll (key, &end, 10);

      if (end != key && *end == '\0')
        {
          sorted = number >= G_MININT && number <= G_MAXINT
                   ? detprof_stats_sort_legacy (stats, (int) number, &error)
                   : detprof_stats_sort_legacy (stats, 3, &error);
          return sorted ? 0 : fail (EXIT_USAGE, "%s", error->message);
        }
    }

  g_ptr_array_add (options.sort_keys, NULL);
  sorted = detprof_stats_sort (stats, (const char * const *) options.sort_keys->pdata, &error);
  g_ptr_array_remove_index (options.sort_keys, options.sort_keys->len - 1);

  return sorted ? 0 : fail (EXIT_USAGE, "%s", error->message);
}

static void
print_text (DetprofStats *stats,
            GArray       *restrictions,
            GString      *out)
{
  const DetprofRestriction *terms = (const DetprofRestriction *) restrictions->data;
  guint n = restrictions->len;

  _detprof_report_append_info (stats, out);

  if (options.by_line)
    {
      if (options.callers || !options.callees)
        _detprof_report_print_call_sites (stats, out, TRUE, terms, n, options.bounds);
      if (options.callees)
        _detprof_report_print_call_sites (stats, out, FALSE, terms, n, options.bounds);
    }
  else if (!options.callers && !options.callees)
    {
      _detprof_report_print_stats (stats, out, terms, n, options.bounds);
      _detprof_report_append_negative_warning (stats, out);
      _detprof_report_append_unresolved (stats, out);
    }
  else
    {
      if (options.callers)
        _detprof_report_print_callers (stats, out, terms, n, options.bounds);
      if (options.callees)
        _detprof_report_print_callees (stats, out, terms, n, options.bounds);
    }

  _detprof_report_append_notes (stats, out);
}

/* --threads: the table of each thread, from its tree, sorted and
 * restricted as the merged one would be. */
static int
print_threads (DetprofStats *stats,
               GArray       *restrictions,
               GString      *out)
{
  guint i;

  _detprof_report_append_info (stats, out);
  if (detprof_stats_get_n_path_threads (stats) == 0)
    return fail (EXIT_FAILED, "this profile has no paths, so no threads apart: it was made by Python, "
                 "or by a detprof older than the calling-context tree");
  for (i = 0; i < detprof_stats_get_n_path_threads (stats); i++)
    {
      g_autoptr(DetprofStats) thread = detprof_stats_new_for_path_thread (stats, i);
      int status;

      _detprof_report_append_thread_title (stats, i, out);
      status = apply_sort (thread);
      if (status != 0)
        return status;
      if (options.reverse)
        detprof_stats_reverse_order (thread);
      _detprof_report_print_stats (thread, out, (const DetprofRestriction *) restrictions->data,
                                   restrictions->len, options.bounds);
    }
  _detprof_report_append_negative_warning (stats, out);
  _detprof_report_append_notes (stats, out);
  return 0;
}

/* --format folded: flame graph tools take no negative weights. */
static int
export_folded (DetprofStats *stats,
               GString      *out)
{
  g_autoptr(GError) error = NULL;
  guint negative;

  if (!detprof_stats_export_folded (stats, out, options.weight, options.threads, &error))
    return fail (EXIT_FAILED, "%s", error->message);
  negative = _detprof_report_count_negative_paths (stats);
  if (negative > 0 && options.weight == DETPROF_PATH_WEIGHT_TIME)
    g_printerr ("detprof-stats: warning: %u path%s had a negative self time (the bias took off more than "
                "the overhead really was), written as 0\n", negative, negative == 1 ? "" : "s");
  return 0;
}

/* --format flamegraph or speedscope, named after the program the dump
 * says it profiled, or else after the file. */
static int
draw (DetprofStats *stats,
      const char   *file,
      GString      *out)
{
  g_autoptr(GError) error = NULL;
  const char *program = detprof_stats_get_info (stats, "program");
  g_autofree char *title = program != NULL ? g_strdup (program) : g_filename_display_basename (file);
  gboolean drawn;

  if (options.format == FORMAT_FLAMEGRAPH)
    drawn = detprof_stats_export_flamegraph (stats, out, title, &error);
  else
    drawn = detprof_stats_export_speedscope (stats, out, title, &error);
  return drawn ? 0 : fail (EXIT_FAILED, "%s", error->message);
}

static int
write_output (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  data = g_bytes_get_data (bytes, &len);

  if (options.output != NULL)
    {
      if (!g_file_set_contents (options.output, data, (gssize) len, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      return 0;
    }

  if ((len > 0 && fwrite (data, 1, len, stdout) != len) || fflush (stdout) != 0)
    return fail (EXIT_FAILED, "cannot write to standard output: %s", g_strerror (errno));

  return 0;
}

static int
run_one_shot (GPtrArray *files,
              GPtrArray *terms)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GArray) restrictions = g_array_new (FALSE, TRUE, sizeof (DetprofRestriction));
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  int status;

  if (files->len == 0)
    return fail (EXIT_USAGE, "no statistics file given (try --help)");

  status = build_restrictions (terms, restrictions);
  if (status == 0 && options.paths != NULL)
    status = check_regex (options.paths);
  if (status != 0)
    return status;

  if (options.format == FORMAT_PSTATS && options.output == NULL && isatty (STDOUT_FILENO))
    return fail (EXIT_USAGE, "a pstats dump is binary: write it with --output FILE");

  stats = load_all (files, &error);
  if (stats == NULL)
    return fail (EXIT_FAILED, "%s", error->message);

  if (options.strip)
    detprof_stats_strip_dirs (stats);
  status = apply_sort (stats);
  if (status != 0)
    return status;
  if (options.reverse)
    detprof_stats_reverse_order (stats);

  switch (options.format)
    {
    case FORMAT_TEXT:
      if (options.paths != NULL)
        {
          _detprof_report_append_info (stats, out);
          if (!detprof_stats_print_paths (stats, out, options.paths, &error))
            return fail (EXIT_FAILED, "%s", error->message);
          _detprof_report_append_notes (stats, out);
        }
      else if (options.threads)
        {
          status = print_threads (stats, restrictions, out);
          if (status != 0)
            return status;
        }
      else
        print_text (stats, restrictions, out);
      break;
    case FORMAT_FOLDED:
      status = export_folded (stats, out);
      if (status != 0)
        return status;
      break;
    case FORMAT_FLAMEGRAPH:
    case FORMAT_SPEEDSCOPE:
      status = draw (stats, g_ptr_array_index (files, 0), out);
      if (status != 0)
        return status;
      break;
    case FORMAT_CALLGRIND:
      if (!detprof_stats_export_callgrind (stats, out, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      break;
    case FORMAT_DOT:
      if (!detprof_stats_export_dot (stats, out, options.threshold, &error))
        return fail (EXIT_FAILED, "%s", error->message);
      break;
    case FORMAT_PSTATS:
      bytes = detprof_stats_to_bytes (stats);
      break;
    case FORMAT_CSV:
      _detprof_report_print_csv (stats, out, (const DetprofRestriction *) restrictions->data,
                                 restrictions->len);
      break;
    default:
      g_assert_not_reached ();
    }

  if (bytes == NULL)
    bytes = g_string_free_to_bytes (g_steal_pointer (&out));

  return write_output (bytes);
}

/* ---------------------------------------------------------------------- */
/* The browser                                                             */

static char **completions;  /* of the word being completed; owned */

static char *
next_completion (const char *text,
                 int         state)
{
  static int next;

  if (state == 0)
    next = 0;
  if (completions == NULL || completions[next] == NULL)
    return NULL;

  /* readline frees what we return, with free (). */
  return strdup (completions[next++]);
}

static char **
complete (const char *text,
          int         start,
          int         end)
{
  g_autofree char *before = g_strndup (rl_line_buffer, (gsize) start);

  g_clear_pointer (&completions, g_strfreev);
  completions = _detprof_browser_complete (before, text);
  if (completions == NULL)
    return NULL;  /* a file name: readline's own completion */

  rl_attempted_completion_over = 1;
  return rl_completion_matches (text, next_completion);
}

static void
flush_output (GString *out)
{
  fputs (out->str, stdout);
  fflush (stdout);
  g_string_truncate (out, 0);
}

/* The welcome, the prompts and the Goodbye are for a person: a script
 * that pipes commands in gets only the reports. */
static int
run_browser (GPtrArray *files)
{
  g_autoptr(DetprofBrowser) browser = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean interactive = isatty (STDIN_FILENO);
  gboolean go_on = TRUE;

  browser = _detprof_browser_new (interactive);
  g_ptr_array_add (files, NULL);
  _detprof_browser_open (browser, (const char * const *) files->pdata, out);
  g_ptr_array_remove_index (files, files->len - 1);

  if (interactive)
    {
      g_string_append (out, "Welcome to the profile statistics browser.\n");
      rl_readline_name = "detprof-stats";
      rl_attempted_completion_function = complete;
    }
  flush_output (out);

  while (go_on)
    {
      char *line = NULL;

      if (interactive)
        {
          line = readline (_detprof_browser_get_prompt (browser));
          if (line != NULL && *line != '\0')
            add_history (line);
        }
      else
        {
          size_t size = 0;
          ssize_t n = getline (&line, &size, stdin);

          if (n < 0)
            g_clear_pointer (&line, free);
          else if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        }

      go_on = _detprof_browser_execute (browser, line != NULL ? line : "EOF", out);
      free (line);
      flush_output (out);
    }

  if (interactive)
    {
      g_string_append (out, "Goodbye.\n");
      flush_output (out);
    }
  g_clear_pointer (&completions, g_strfreev);

  return 0;
}

/* ---------------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autoptr(GPtrArray) terms = g_ptr_array_new ();
  g_auto(GStrv) args = NULL;
  int status;

  setlocale (LC_ALL, "");

  options.sort_keys = g_ptr_array_new_with_free_func (g_free);

  args = g_strdupv (argv);
  context = g_option_context_new ("[FILE…] [TERM…] — print or browse profile statistics");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse_strv (context, &args, &error))
    return fail (EXIT_USAGE, "%s (try --help)", error->message);

  if (options.version)
    {
      printf ("detprof-stats %s\n", PACKAGE_VERSION);
      return 0;
    }

  split_arguments (args + 1, files, terms);
  if (terms->len > 0)
    options.one_shot = TRUE;

  if (options.one_shot)
    status = run_one_shot (files, terms);
  else
    status = run_browser (files);

  g_clear_pointer (&options.sort_keys, g_ptr_array_unref);
  g_clear_pointer (&options.limit, g_free);
  g_clear_pointer (&options.output, g_free);
  g_clear_pointer (&options.paths, g_free);
  return status;
}
