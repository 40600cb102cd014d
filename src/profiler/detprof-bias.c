/* detprof-bias.c: the bias, the hidden cost of one event.
 *
 * Each event costs time that the timer cannot see apart from the
 * program's: from the event's start to the first reading, and from the
 * second reading back to the program. The bias estimates it, and every
 * event's delta is reduced by it (detprof-dispatch.c). It is one constant,
 * as in profile.py, or one per pair of consecutive event kinds (call ->
 * call, call -> return, return -> call, return -> return), since the code
 * the program runs between two events depends on their kinds. Either way
 * it is kept in seconds, and in the timer's unit in a 2 x 2 table the
 * dispatcher indexes with the previous event's kind and this one's.
 * detprof_profiler_calibrate () measures it (detprof-calibrate.c).
 *
 * No one bias fits every stretch: what the program does around the hooks
 * moves the hidden cost by a few nanoseconds. How far it was measured to
 * stray from the bias (detprof_profiler_calibrate_spread ()) is the
 * bias spread, which makes every time's error bound (detprof-bounds.c).
 * It belongs to the bias it was measured against, so a new bias forgets
 * it.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-profiler-private.h"
#include "detprof-timer-private.h"

void
_detprof_profiler_update_bias_units (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  double unit = (priv->timer != NULL) ? priv->timer->timeunit : 1.0;
  int previous, kind;

  for (previous = 0; previous < 2; previous++)
    for (kind = 0; kind < 2; kind++)
      priv->bias_units[previous][kind] = (priv->has_pairs ? priv->pairs[previous * 2 + kind] : priv->bias) / unit;
}

/**
 * detprof_profiler_get_bias:
 * @self: a #DetprofProfiler
 *
 * Gets the bias subtracted at every event: the constant, or the mean of
 * the four when a bias per pair of event kinds is set
 * (detprof_profiler_set_bias_pairs()).
 *
 * Returns: the bias, in seconds per event
 *
 * Since: 0.1
 */
double
detprof_profiler_get_bias (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0.0);

  priv = _detprof_profiler_get_private (self);
  return priv->bias;
}

/**
 * detprof_profiler_set_bias:
 * @self: a #DetprofProfiler
 * @bias: seconds to subtract at every event; finite
 *
 * Sets the bias from the next event on, and notifies #DetprofProfiler:bias.
 * A bias spread set before (detprof_profiler_set_bias_spread()) was measured
 * against another bias, and is forgotten.
 *
 * Since: 0.1
 */
void
detprof_profiler_set_bias (DetprofProfiler *self,
                           double           bias)
{
  DetprofProfilerPrivate *priv;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (isfinite (bias));

  priv = _detprof_profiler_get_private (self);
  if (priv->bias == bias && !priv->has_pairs)
    return;
  priv->bias = bias;
  priv->has_pairs = FALSE;
  priv->bias_spread = -1.0;
  _detprof_profiler_update_bias_units (self);
  g_object_notify (G_OBJECT (self), "bias");
}

/**
 * detprof_profiler_set_bias_pairs:
 * @self: a #DetprofProfiler
 * @pairs: (array fixed-size=4): seconds to subtract at an event, by the
 *   kinds of the previous event and this one: call -> call, call -> return,
 *   return -> call, return -> return; each finite
 *
 * Sets a bias per pair of consecutive event kinds, from the next event on.
 * #DetprofProfiler:bias becomes their mean (and notifies); setting
 * #DetprofProfiler:bias goes back to one constant. Other biases than those
 * set before forget the bias spread, as detprof_profiler_set_bias() does.
 *
 * Since: 0.1
 */
void
detprof_profiler_set_bias_pairs (DetprofProfiler *self,
                                 const double     pairs[4])
{
  DetprofProfilerPrivate *priv;
  int i;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (pairs != NULL);
  for (i = 0; i < 4; i++)
    g_return_if_fail (isfinite (pairs[i]));

  priv = _detprof_profiler_get_private (self);
  if (!(priv->has_pairs && memcmp (priv->pairs, pairs, sizeof priv->pairs) == 0))
    priv->bias_spread = -1.0;
  memcpy (priv->pairs, pairs, sizeof priv->pairs);
  priv->has_pairs = TRUE;
  priv->bias = (pairs[0] + pairs[1] + pairs[2] + pairs[3]) / 4;
  _detprof_profiler_update_bias_units (self);
  g_object_notify (G_OBJECT (self), "bias");
}

/**
 * detprof_profiler_get_bias_pairs:
 * @self: a #DetprofProfiler
 * @pairs: (array fixed-size=4) (out caller-allocates): the four biases, in
 *   the order of detprof_profiler_set_bias_pairs()
 *
 * Gets the bias for each pair of consecutive event kinds.
 *
 * Returns: %TRUE if a bias per pair is set; %FALSE if the bias is one
 *   constant (then all four are that constant)
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_get_bias_pairs (DetprofProfiler *self,
                                 double           pairs[4])
{
  DetprofProfilerPrivate *priv;
  int i;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (pairs != NULL, FALSE);

  priv = _detprof_profiler_get_private (self);
  for (i = 0; i < 4; i++)
    pairs[i] = priv->has_pairs ? priv->pairs[i] : priv->bias;
  return priv->has_pairs;
}

/**
 * detprof_profiler_class_set_default_bias:
 * @klass: a #DetprofProfilerClass
 * @bias: seconds per event; finite
 *
 * Sets the bias of the profilers of this class made afterwards without one
 * (profile.py's `Profile.bias = b`). Existing profilers keep theirs.
 *
 * Since: 0.1
 */
void
detprof_profiler_class_set_default_bias (DetprofProfilerClass *klass,
                                         double                bias)
{
  g_return_if_fail (DETPROF_IS_PROFILER_CLASS (klass));
  g_return_if_fail (isfinite (bias));

  klass->default_bias = bias;
}

/**
 * detprof_profiler_set_bias_spread:
 * @self: a #DetprofProfiler
 * @spread: seconds: how far the hidden cost of one stretch between two
 *   events was measured to stray from the bias taken off for it, as
 *   detprof_profiler_calibrate_spread() measures it; negative if unknown
 *
 * Sets the bias spread, from which the statistics give every time an
 * error bound: the number of stretches whose bias was taken off inside
 * that time, times @spread, plus the timer's resolution (see the manual,
 * "How exact is each time"). Set it after the bias: setting another bias
 * forgets it. A profiler has none until it is set, and its statistics then
 * have no bounds.
 *
 * Since: 0.2
 */
void
detprof_profiler_set_bias_spread (DetprofProfiler *self,
                                  double           spread)
{
  DetprofProfilerPrivate *priv;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (!isnan (spread) && spread < G_MAXDOUBLE);

  priv = _detprof_profiler_get_private (self);
  priv->bias_spread = spread >= 0.0 ? spread : -1.0;
}

/**
 * detprof_profiler_get_bias_spread:
 * @self: a #DetprofProfiler
 *
 * Gets the bias spread set with detprof_profiler_set_bias_spread().
 *
 * Returns: the bias spread in seconds, or -1 if none was set (or the bias
 *   changed since)
 *
 * Since: 0.2
 */
double
detprof_profiler_get_bias_spread (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), -1.0);

  priv = _detprof_profiler_get_private (self);
  return priv->bias_spread;
}

/**
 * detprof_profiler_set_speed_variation:
 * @self: a #DetprofProfiler
 * @variation: how far the machine's speed was measured to stray from one
 *   moment to the next, as a share of the time (0.03: 3 %), as
 *   detprof_profiler_calibrate_spread() measures it; negative if unknown
 *
 * Sets the speed variation, which widens every error bound by that share
 * of the time before the bias was taken off: the profiler's hidden cost
 * runs at the machine's speed too, so a function of a few nanoseconds,
 * whose events cost tens, may be off by many times its own time when the
 * machine is a few percent slower (see the manual, "How exact is each
 * time"). It is a fact about the machine, not the bias, and setting a
 * bias keeps it. Without a bias spread there are no bounds to widen.
 *
 * Since: 0.2
 */
void
detprof_profiler_set_speed_variation (DetprofProfiler *self,
                                      double           variation)
{
  DetprofProfilerPrivate *priv;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (!isnan (variation) && variation < G_MAXDOUBLE);

  priv = _detprof_profiler_get_private (self);
  priv->speed_variation = variation >= 0.0 ? variation : -1.0;
}

/**
 * detprof_profiler_get_speed_variation:
 * @self: a #DetprofProfiler
 *
 * Gets the speed variation set with detprof_profiler_set_speed_variation().
 *
 * Returns: the speed variation, a share of the time, or -1 if none was set
 *
 * Since: 0.2
 */
double
detprof_profiler_get_speed_variation (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), -1.0);

  priv = _detprof_profiler_get_private (self);
  return priv->speed_variation;
}
