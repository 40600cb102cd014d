/* detprof-timer.h: the clocks a profiler can read.
 *
 * A timer is the single largest cost of a deterministic profiler and the
 * main source of its error, so detprof lets you choose it. Like Python's
 * profile module, a timer comes in one of three shapes:
 *
 * - a double: the callback returns a time (seconds, or any unit with a
 *   timeunit);
 * - an integer: the callback returns a count, and @timeunit says how many
 *   seconds one count is (a cycle counter, nanoseconds);
 * - a tuple: the callback fills several values whose sum is the time, like
 *   Python's os.times() (user + system).
 *
 * The profiler picks the way it reads the timer from its shape.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DetprofTimerShape:
 * @DETPROF_TIMER_DOUBLE: the timer returns a double
 * @DETPROF_TIMER_INTEGER: the timer returns an integer count of timeunits
 * @DETPROF_TIMER_TUPLE: the timer fills several values whose sum is the time
 *
 * The three shapes of a timer.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_TIMER_DOUBLE,
  DETPROF_TIMER_INTEGER,
  DETPROF_TIMER_TUPLE,
} DetprofTimerShape;

/**
 * DetprofTimerDoubleFunc:
 * @user_data: the data given when the timer was made
 *
 * Reads the clock of a timer made with detprof_timer_new_double(). The
 * profiler calls it at every event of the profiled program (twice, in the
 * default dispatcher), so it should be as cheap as the clock allows. Do
 * not build it with -finstrument-functions: events that arrive while the
 * dispatcher is busy are dropped (and counted).
 *
 * Returns: the current time, in timeunits (seconds unless the timer says
 *   otherwise)
 *
 * Since: 0.1
 */
typedef double (*DetprofTimerDoubleFunc) (gpointer user_data);

/**
 * DetprofTimerIntegerFunc:
 * @user_data: the data given when the timer was made
 *
 * Reads the clock of a timer made with detprof_timer_new_integer(): a
 * cycle counter, or a clock that counts nanoseconds. The count is
 * converted to a double exactly up to 2^53 (104 days of nanoseconds).
 *
 * Returns: the current time, as a count of timeunits
 *
 * Since: 0.1
 */
typedef gint64 (*DetprofTimerIntegerFunc) (gpointer user_data);

/**
 * DetprofTimerTupleFunc:
 * @values: (array) (out caller-allocates): where to store the values; there
 *   are as many as the timer's n_values
 * @user_data: the data given when the timer was made
 *
 * Fills @values; their sum is the current time in timeunits.
 *
 * Since: 0.1
 */
typedef void (*DetprofTimerTupleFunc) (double   *values,
                                       gpointer  user_data);

/**
 * DetprofTimer:
 *
 * A clock that a #DetprofProfiler reads at every event: one of the
 * built-in timers (detprof_timer_new_builtin()) or one made from a
 * callback. An opaque, reference-counted boxed type whose fields are
 * private. A timer does not change once made, so several profilers may
 * share one; the built-in timers may be read from any thread, and a
 * callback given to a profiler that sees several threads must be
 * thread-safe too.
 *
 * Since: 0.1
 */
typedef struct _DetprofTimer DetprofTimer;

/**
 * DETPROF_TYPE_TIMER:
 *
 * The #GType of #DetprofTimer, a boxed type.
 *
 * Since: 0.1
 */
#define DETPROF_TYPE_TIMER (detprof_timer_get_type ())
GType               detprof_timer_get_type (void) G_GNUC_CONST;

DetprofTimer       *detprof_timer_new_double (const char             *name,
                                              DetprofTimerDoubleFunc  func,
                                              double                  timeunit,
                                              gpointer                user_data,
                                              GDestroyNotify          destroy);
DetprofTimer       *detprof_timer_new_integer (const char              *name,
                                               DetprofTimerIntegerFunc  func,
                                               double                   timeunit,
                                               gpointer                 user_data,
                                               GDestroyNotify           destroy);
DetprofTimer       *detprof_timer_new_tuple (const char            *name,
                                             guint                  n_values,
                                             DetprofTimerTupleFunc  func,
                                             double                 timeunit,
                                             gpointer               user_data,
                                             GDestroyNotify         destroy);
DetprofTimer       *detprof_timer_new_builtin (const char  *name,
                                               GError     **error);
DetprofTimer       *detprof_timer_new_default (void);

const char * const *detprof_timer_list_builtins (void);
const char         *detprof_timer_get_default_name (void);

DetprofTimer       *detprof_timer_ref (DetprofTimer *self);
void                detprof_timer_unref (DetprofTimer *self);

const char         *detprof_timer_get_name (DetprofTimer *self);
const char         *detprof_timer_get_description (DetprofTimer *self);
DetprofTimerShape   detprof_timer_get_shape (DetprofTimer *self);
guint               detprof_timer_get_n_values (DetprofTimer *self);
double              detprof_timer_get_timeunit (DetprofTimer *self);
double              detprof_timer_get_resolution (DetprofTimer *self);
double              detprof_timer_read (DetprofTimer *self);

void                detprof_timer_set_description (DetprofTimer *self,
                                                   const char   *description);
void                detprof_timer_set_resolution (DetprofTimer *self,
                                                  double        resolution);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DetprofTimer, detprof_timer_unref)

G_END_DECLS
