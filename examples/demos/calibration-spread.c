/* calibration-spread.c: demo 6, how profile.py's calibrate(n) settles.
 *
 *   calibration-spread [-t TIMER] [-r REPEATS] [-o DATAFILE]
 *
 * profile.py's method (detprof_profiler_calibrate ()) runs a workload of
 * n calls once without the profiler and once under it, with no bias, and
 * divides the difference by the number of events. With few calls, that
 * difference is a few microseconds, no bigger than the noise of timing
 * the workload itself: repeated estimates disagree, some are even
 * negative. With more calls, the noise is shared out over more events and
 * the estimates agree.
 *
 * For each n from 10 to 100,000 this runs the method REPEATS times
 * (default 5) on TIMER (default: detprof's), and prints the smallest, the
 * median and the largest estimate, and their spread. It ends with
 * detprof's own calibration of the same timer (what -b auto uses), which
 * measures empty functions against their uninstrumented twins and keeps
 * the minimum. With -o, it also writes the table for gnuplot: lines of
 * "n smallest median largest detprof", in nanoseconds, where detprof is
 * the mean of detprof's four constants.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "detprof.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  static const guint sizes[] = { 10, 100, 1000, 10000, 100000 };
  g_autofree char *timer_name = NULL;
  g_autofree char *data_path = NULL;
  int repeats = 5;
  const GOptionEntry entries[] = {
    { "timer", 't', 0, G_OPTION_ARG_STRING, &timer_name, "The timer to calibrate (default: detprof's)", "TIMER" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeats, "Estimates per number of calls (default 5)", "R" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &data_path, "Also write the table to FILE, for gnuplot", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- how profile.py's calibrate(n) settles as n grows");
  g_autoptr(DetprofTimer) timer = NULL;
  g_autoptr(DetprofProfiler) profiler = NULL;
  g_autoptr(GString) data = g_string_new ("# n smallest median largest detprof (ns per event)\n");
  g_autoptr(GError) error = NULL;
  g_autofree double *estimates = NULL;
  DetprofCalibration calibration;
  double reference;
  guint i;
  int r;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1 || repeats < 1)
    {
      fprintf (stderr, "calibration-spread: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }

  timer = timer_name != NULL ? detprof_timer_new_builtin (timer_name, &error) : detprof_timer_new_default ();
  if (timer == NULL)
    {
      fprintf (stderr, "calibration-spread: %s\n", error->message);
      return 2;
    }
  profiler = detprof_profiler_new (timer);
  estimates = g_new (double, repeats);

  /* First detprof's own calibration, the reference. */
  if (!detprof_profiler_calibrate_pairs (profiler, 0, 3, &calibration, &error))
    {
      fprintf (stderr, "calibration-spread: %s\n", error->message);
      return 1;
    }
  reference = (calibration.pairs[0] + calibration.pairs[1] + calibration.pairs[2]
               + calibration.pairs[3]) / 4 * 1e9;

  printf ("profile.py's calibrate(n) on the %s timer, %d runs each: overhead per event\n\n",
          detprof_timer_get_name (timer), repeats);
  printf ("%9s %10s %10s %10s %10s\n", "n", "smallest", "median", "largest", "spread");
  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      for (r = 0; r < repeats; r++)
        {
          if (!detprof_profiler_calibrate (profiler, sizes[i], FALSE, &estimates[r], &error))
            {
              fprintf (stderr, "calibration-spread: %s\n", error->message);
              return 1;
            }
          estimates[r] *= 1e9;
        }
      qsort (estimates, repeats, sizeof *estimates, compare_doubles);
      printf ("%9u %7.2f ns %7.2f ns %7.2f ns %7.2f ns\n", sizes[i], estimates[0],
              estimates[repeats / 2], estimates[repeats - 1], estimates[repeats - 1] - estimates[0]);
      g_string_append_printf (data, "%u %g %g %g %g\n", sizes[i], estimates[0],
                              estimates[repeats / 2], estimates[repeats - 1], reference);
    }

  printf ("\ndetprof's own calibration (-b auto; the minimum of 3 runs on empty functions):\n"
          "  call->call %.2f ns, call->return %.2f ns, return->call %.2f ns, return->return %.2f ns,\n"
          "  mean %.2f ns\n",
          calibration.pairs[0] * 1e9, calibration.pairs[1] * 1e9,
          calibration.pairs[2] * 1e9, calibration.pairs[3] * 1e9, reference);

  if (data_path != NULL && !g_file_set_contents (data_path, data->str, -1, &error))
    {
      fprintf (stderr, "calibration-spread: %s\n", error->message);
      return 1;
    }
  return 0;
}
