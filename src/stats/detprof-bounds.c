/* detprof-bounds.c: how far each time may be from the truth.
 *
 * A time in a profile is a sum of stretches: the time between two events,
 * less the bias, the profiler's estimate of its own hidden cost in the
 * stretch. Two things make it differ from what the program really spent:
 *
 * - The hidden cost of a stretch is not the bias. It moves with the code
 *   around the hooks (work still in flight when the clock is read, saved
 *   registers, frame pointers, the caller's use of a result) by a few
 *   nanoseconds. Calibration measures how far, on several shapes of code:
 *   the bias spread, s seconds per stretch (detprof-calibrate.c). These
 *   errors are systematic, not random: a function's stretches all have
 *   much the same shape, so their errors do not cancel, and n stretches
 *   can be off by n * s. The bound adds them so.
 * - The timer reads in steps of its resolution r, so each stretch, the
 *   difference of two readings, is off by less than r either way. Those
 *   errors are independent and of mean zero: n of them add up like a
 *   random walk, to about r * sqrt(n / 6) on average (the difference of two
 *   uniform errors has variance r * r / 6). r * sqrt(n) is the whole of it
 *   for one stretch, and 2.4 standard deviations of the sum for many.
 *
 * So a time made of n stretches lies within n * s + r * sqrt(n) of the
 * truth. How many stretches a time holds is counted as it is summed
 * (DetprofTotals in detprof-thread-private.h): for a function's tottime,
 * one per activation and one per call it made; for its cumtime, every
 * stretch of its outermost activations' subtrees, 2 * calls - 1 for each.
 */
#include "config.h"

#include <math.h>

#include "detprof-stats-private.h"

double
_detprof_bound (gint64 stretches,
                double spread,
                double resolution)
{
  if (spread < 0.0 || isnan (spread))
    return NAN;
  if (stretches <= 0)
    return 0.0;
  return (double) stretches * spread + MAX (resolution, 0.0) * sqrt ((double) stretches);
}
