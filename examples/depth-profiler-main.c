/* depth-profiler-main.c: profiles a recursive workload with DepthProfiler,
 * a DetprofProfiler subclass (depth-profiler.c), and prints the usual
 * report followed by the two tables the subclass adds.
 *
 * The workload (depth-profiler-workload.c) is built with
 * -finstrument-functions; this file and the subclass are not. The
 * subclass names functions with detprof_profiler_lookup_function(), as
 * the report does.
 */
#include "config.h"

#include <stdio.h>

#include "depth-profiler.h"
#include "depth-profiler-workload.h"

static gpointer
run_workload (gpointer user_data)
{
  depth_workload_run ();
  return NULL;
}

int
main (void)
{
  g_autoptr(DepthProfiler) profiler = depth_profiler_new (NULL);
  g_autoptr(GString) depths = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Profiling happens between enable and disable; runcall does both. */
  detprof_profiler_runcall (DETPROF_PROFILER (profiler), run_workload, NULL);

  /* The parent's report, unchanged by the subclass ... */
  if (!detprof_profiler_print_stats (DETPROF_PROFILER (profiler), "stdname", &error))
    {
      fprintf (stderr, "depth-profiler: %s\n", error->message);
      return 1;
    }

  /* ... and what the subclass adds. */
  depth_profiler_print_depths (profiler, depths);
  fputs (depths->str, stdout);
  return 0;
}
