/* detprof-calibrate-main.c: `detprof-calibrate`, measure and store the bias.
 *
 * For each timer asked for, it runs several consecutive calibrations,
 * shows each and how far apart they are, and stores the lowest value of
 * each constant (a smaller bias errs on the side of positive times) in the
 * per-user cache that `detprof -b auto` reads. Calibrations that disagree
 * (DETPROF_CALIBRATION_AGREEMENT) are made again, a few times at most,
 * and nothing is stored if even the attempt that agrees best is far apart
 * (DETPROF_CALIBRATION_MAX_SPREAD). With -v it
 * first runs profile.py's own calibrate(n) and prints its figures, for
 * comparison.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "detprof.h"
#include "detprof-calibration-cache-private.h"
#include "detprof-profiler.h"

static char **opt_timers;
static gboolean opt_all;
static int opt_n = 10000;
static int opt_repeat = 7;
static gboolean opt_verbose;
static gboolean opt_classic;
static gboolean opt_no_store;
static gboolean opt_version;

/* Whether the timer being calibrated was measured again. */
static gboolean measured_again;

static const GOptionEntry entries[] = {
  { "timer", 't', 0, G_OPTION_ARG_STRING_ARRAY, &opt_timers,
    "Calibrate TIMER (repeatable; default: the default timer)", "TIMER" },
  { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all, "Calibrate every built-in timer this host has", NULL },
  { "calls", 'n', 0, G_OPTION_ARG_INT, &opt_n,
    "Calls of profile.py's workload for -v and --classic (default 10000)", "N" },
  { "repeat", 'r', 0, G_OPTION_ARG_INT, &opt_repeat,
    "Consecutive calibrations to compare (default 7)", "R" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
    "Also run profile.py's calibrate(N) and print its figures", NULL },
  { "classic", 'c', 0, G_OPTION_ARG_NONE, &opt_classic,
    "Only run profile.py's calibrate(N), print its result, store nothing", NULL },
  { "no-store", 0, 0, G_OPTION_ARG_NONE, &opt_no_store, "Measure and show, but store nothing", NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  G_OPTION_ENTRY_NULL
};

static void
progress (const char *timer,
          int         done,
          int         total)
{
  int width = 30, filled = total > 0 ? done * width / total : width;

  if (!isatty (STDERR_FILENO))
    return;
  fprintf (stderr, "\r%-10s [%.*s%*s] %d/%d", timer, filled, "##############################",
           width - filled, "", done, total);
  if (done == total)
    fputs ("\r\033[K", stderr);
  fflush (stderr);
}

/* "0.26 %": how far the largest cost of a leaf call is above the smallest. */
static char *
format_spread (double spread)
{
  return g_strdup_printf ("%.2f %%", (spread - 1.0) * 100.0);
}

/* Shows each calibration as it is made, and says when it measures again. */
static void
show_step (const DetprofCalibrationStep *step,
           gpointer                      user_data)
{
  const char *name = user_data;
  g_autofree char *spread = NULL;

  if (step->bias_spread != NULL)
    {
      const DetprofSpreadReport *report = step->bias_spread;
      guint i;

      if (!opt_verbose)
        return;
      printf ("  how far one stretch's hidden cost strays from the bias, by the code around the hooks\n"
              "  (ns per stretch, after the bias: the caller's time and the callee's, median of the rounds,\n"
              "  which the spread is the largest of in size; what nine rounds in ten stay within, in either;\n"
              "  how far apart the rounds came; (fp): built with frame pointers):\n");
      printf ("  %-51s %8s %8s %8s %8s\n", "", "caller", "callee", "reach", "jitter");
      for (i = 0; i < report->n_shapes; i++)
        printf ("  %-46s %-4s %8.3f %8.3f %8.3f %8.3f\n", report->shapes[i].what,
                report->shapes[i].framed ? "(fp)" : "",
                report->shapes[i].caller * 1e9, report->shapes[i].callee * 1e9,
                report->shapes[i].reach * 1e9, report->shapes[i].jitter * 1e9);
      return;
    }
  if (!step->over)
    {
      printf ("  %12.3f %13.3f %13.3f %15.3f %10" G_GUINT64_FORMAT "\n",
              step->pairs[0] * 1e9, step->pairs[1] * 1e9,
              step->pairs[2] * 1e9, step->pairs[3] * 1e9, step->n);
      fflush (stdout);
      progress (name, (int) step->index + 1, opt_repeat);
      return;
    }
  if (!step->again)
    return;

  measured_again = TRUE;
  spread = format_spread (step->spread);
  printf ("  these disagree: the largest cost of a leaf call is %s above the smallest, more than %g %%;\n"
          "  was the machine busy? Measuring again (attempt %u of %d):\n",
          spread, (DETPROF_CALIBRATION_AGREEMENT - 1.0) * 100.0, step->attempt + 1,
          DETPROF_CALIBRATION_MAX_ATTEMPTS);
  progress (name, 0, opt_repeat);
}

static gboolean
calibrate_timer (const char  *name,
                 GError     **error)
{
  g_autoptr(DetprofTimer) timer = detprof_timer_new_builtin (name, error);
  g_auto(DetprofCalibrationEntry) entry = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *spread = NULL;

  if (timer == NULL)
    return FALSE;

  if (opt_verbose || opt_classic)
    {
      g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (timer);
      double bias;

      printf ("%s: profile.py's calibrate(%d):\n", name, opt_n);
      if (!detprof_profiler_calibrate (profiler, (guint) opt_n, TRUE, &bias, error))
        return FALSE;
      if (opt_classic)
        return TRUE;
      printf ("\n");
    }

  printf ("%s: %d calibrations (one bias per pair of consecutive events, in ns):\n", name, opt_repeat);
  printf ("  %12s %13s %13s %15s %10s\n", "call->call", "call->return", "return->call", "return->return", "calls");
  measured_again = FALSE;
  progress (name, 0, opt_repeat);
  if (!_detprof_calibration_measure (timer, (guint) opt_repeat, 7, 0, show_step, (gpointer) name,
                                     &entry, error))
    {
      progress (name, opt_repeat, opt_repeat);
      return FALSE;
    }

  printf ("  %12.3f %13.3f %13.3f %15.3f   lowest of each%s: the bias used\n",
          entry.constants[0] * 1e9, entry.constants[1] * 1e9,
          entry.constants[2] * 1e9, entry.constants[3] * 1e9,
          measured_again ? " in every attempt" : "");
  spread = format_spread (entry.spread);
  printf ("  spread: the largest cost of a leaf call is %s above the smallest%s\n", spread,
          measured_again ? ", in the attempt that agreed best" : "");
  printf ("  bias spread: %.3f ns, the most an ordinary stretch's hidden cost strayed from the bias,\n"
          "  across shapes of code (every time's error bound is its stretches times this)\n",
          entry.bias_spread * 1e9);
  printf ("  speed variation: %.1f %%, how far the same plain code's time strayed from round to\n"
          "  round (every bound also holds this share of its time before the bias was taken off)\n",
          entry.speed_variation * 100.0);

  /* Store refuses calibrations that disagree, and says why. */
  if (opt_no_store)
    return TRUE;
  if (!_detprof_calibration_cache_store (NULL, &entry, error))
    return FALSE;
  path = _detprof_calibration_cache_default_path ();
  printf ("  stored in %s\n", path);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) timers = g_ptr_array_new ();
  int status = 0;
  guint i;

  setlocale (LC_ALL, "");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "Measure the profiler's hidden cost per event on this host, show how consistent\n"
    "the measurement is, and store the bias that `detprof -b auto` then uses.");
  g_option_context_set_description (context,
    "Examples:\n"
    "  detprof-calibrate                      # the default timer\n"
    "  detprof-calibrate -t cpu -n 100000 -v  # with profile.py's verbose figures\n"
    "  detprof-calibrate --all                # every timer\n");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "detprof-calibrate: %s (see detprof-calibrate --help)\n", error->message);
      return 2;
    }
  /* As detprof and detprof-stats print it. */
  if (opt_version)
    {
      printf ("detprof-calibrate %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1 || opt_n < 1 || opt_repeat < 1)
    {
      fprintf (stderr, "detprof-calibrate: %s\n",
               argc > 1 ? "unexpected arguments (see detprof-calibrate --help)"
                        : "-n and -r must be at least 1");
      return 2;
    }

  if (opt_all)
    {
      const char * const *names = detprof_timer_list_builtins ();
      /* Both cycle-counter timers need an invariant counter. */
      g_autoptr(DetprofTimer) tsc = detprof_timer_new_builtin ("tsc", NULL);
      gboolean have_tsc = (tsc != NULL);

      for (i = 0; names[i] != NULL; i++)
        if (have_tsc || !g_str_has_prefix (names[i], "tsc"))
          g_ptr_array_add (timers, (gpointer) names[i]);
    }
  for (i = 0; opt_timers != NULL && opt_timers[i] != NULL; i++)
    g_ptr_array_add (timers, opt_timers[i]);
  if (timers->len == 0)
    g_ptr_array_add (timers, (gpointer) detprof_timer_get_default_name ());

  for (i = 0; i < timers->len; i++)
    {
      if (i > 0)
        printf ("\n");
      if (!calibrate_timer (g_ptr_array_index (timers, i), &error))
        {
          fprintf (stderr, "detprof-calibrate: %s: %s\n", (const char *) g_ptr_array_index (timers, i),
                   error->message);
          g_clear_error (&error);
          status = 1;
        }
    }
  return status;
}
