/* paths.c: demo 7, cumulative time through paths.
 *
 * descend (depth) does LEVEL_UNITS of work, then calls itself one level
 * down, until the last level calls leaf (). paths_run () calls
 * descend (PATHS_DEPTH) a few times, and leaf () once more directly: two
 * paths reach leaf (), one reaches descend ().
 *
 * Each top-level call of descend () holds PATHS_DEPTH activations, one
 * inside the other. pstats' cumtime counts the outermost ones only, so
 * descend ()'s cumtime is the time of its top-level calls; summed over
 * every activation it would count the deepest level PATHS_DEPTH times,
 * about (PATHS_DEPTH + 1) / 2 times as much. The paths (the flame graph,
 * the folded stacks, --paths) fold the recursion into the outermost
 * activation's node: one box, one line per path, however deep.
 */
#include "config.h"

#include "demo-work.h"
#include "workloads.h"

void
leaf (void)
{
  demo_work (LEAF_UNITS);
}

void
descend (long depth)
{
  demo_work (LEVEL_UNITS);
  if (depth > 1)
    descend (depth - 1);
  else
    leaf ();
}

void
paths_run (long n)
{
  long i;

  for (i = 0; i < n; i++)
    descend (PATHS_DEPTH);
  leaf ();
}
