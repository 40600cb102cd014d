/* detprof-bounds.c: how far each time may be from the truth.
 *
 * A time in a profile is a sum of stretches: the time between two events,
 * less the bias, the profiler's estimate of its own hidden cost in the
 * stretch. Three things make it differ from what the program really spent:
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
 * - The machine itself runs the same work at a speed that varies from one
 *   moment and one run to the next (other programs, the clock's
 *   frequency, the caches): by a share v that calibration measures, the
 *   speed variation (how far its rounds of the same plain code strayed
 *   from their median, detprof-calibrate.c). It applies to all that ran
 *   in the stretches, the profiler's hidden cost as well as the
 *   program's, and taking off the bias does not take it away: a time t
 *   of n stretches ran for t + n * b before the bias b was taken off,
 *   and may be off by v * (t + n * b). For a function of a few
 *   nanoseconds under a profiler whose events cost tens, that raw time
 *   is tens of times t, and so is the share of it that a busy moment
 *   moves.
 *
 * So a time t made of n stretches lies within
 * n * s + r * sqrt(n) + v * |t + n * b| of the truth. How many stretches
 * a time holds is counted as it is summed (DetprofTotals in
 * detprof-thread-private.h): for a function's tottime, one per
 * activation and one per call it made; for its cumtime, every stretch of
 * its outermost activations' subtrees, 2 * calls - 1 for each. b is the
 * mean of the bias's pairs when there are four.
 */
#include "config.h"

#include <math.h>

#include "detprof-stats-private.h"

double
_detprof_bound (const DetprofBoundModel *model,
                gint64                   stretches,
                double                   time)
{
  double bound;

  if (model->spread < 0.0 || isnan (model->spread))
    return NAN;
  if (stretches <= 0)
    return 0.0;
  bound = (double) stretches * model->spread + MAX (model->resolution, 0.0) * sqrt ((double) stretches);
  if (model->variation > 0.0)
    bound += model->variation * fabs (time + (double) stretches * model->bias);
  return bound;
}
