/* demo-numbers.c: a profile's numbers, unrounded, for examples/demo.sh.
 *
 *   demo-numbers FILE
 *
 * Prints "timer NAME", "bias SECONDS" (the bias the profile was corrected
 * with: the mean of the four when there is one per pair of event kinds),
 * then one line per function: "name ncalls tottime_ns cumtime_ns", where
 * ncalls is "nc/cc", as pstats prints it, for a recursive function. The
 * report rounds to the millisecond; the demos compare microseconds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "detprof.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  const DetprofFunctionStats *function;
  const char *timer, *bias;
  guint i;

  if (argc != 2)
    {
      fprintf (stderr, "usage: demo-numbers FILE\n");
      return 2;
    }

  stats = detprof_stats_new_from_file (argv[1], &error);
  if (stats == NULL)
    {
      fprintf (stderr, "demo-numbers: %s\n", error->message);
      return 1;
    }

  timer = detprof_stats_get_info (stats, "timer");
  bias = detprof_stats_get_info (stats, "bias");
  printf ("timer %s\nbias %s\n", timer != NULL ? timer : "unknown", bias != NULL ? bias : "0");
  for (i = 0; i < detprof_stats_get_n_functions (stats); i++)
    {
      function = detprof_stats_get_function (stats, i);
      printf ("%s %" G_GINT64_FORMAT, function->name, function->nc);
      if (function->cc != function->nc)
        printf ("/%" G_GINT64_FORMAT, function->cc);
      printf (" %.1f %.1f\n", function->tt.value * 1e9, function->ct.value * 1e9);
    }
  return 0;
}
