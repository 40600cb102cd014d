/* detprof-profiler.h: the deterministic profiler, after Python's profile.py.
 *
 * A DetprofProfiler receives an event at every function call and return.
 * At each event it reads its timer, takes off the end of the previous
 * event and the bias (the hidden cost of one event), and charges what is
 * left to the function on top of its own frame stack.
 *
 * It is a derivable type: a subclass may bring its own timer (override
 * read_timer), its own bookkeeping (override dispatch_call or
 * dispatch_return and chain up), its own calibration constant (set
 * default_bias in class_init), or its own handling of a whole event with
 * the timer read inline (override handle_event), as profile.py's
 * documentation advises for a faster profiler.
 */
#pragma once

#include <glib-object.h>

#include "detprof-stats.h"
#include "detprof-timer.h"

G_BEGIN_DECLS

/**
 * DetprofEventKind:
 * @DETPROF_EVENT_CALL: a function was entered
 * @DETPROF_EVENT_RETURN: a function is about to return
 *
 * The two events of -finstrument-functions.
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_EVENT_CALL,
  DETPROF_EVENT_RETURN,
} DetprofEventKind;

/**
 * DetprofEvent:
 * @kind: call or return
 * @fn: the function's entry address (its identity in the profile)
 * @call_site: for a call, the return address in the caller (the line that
 *   made the call); may be %NULL
 * @stack: the stack address at the event, or 0 if unknown. A frame entered
 *   later has a lower or equal address (equal when it was inlined into its
 *   caller); detprof_profiler_note_catch() uses it to find the frames a
 *   C++ exception unwound. Calls and returns themselves are placed by
 *   nesting, never by address.
 *
 * One event, as the hooks (or a test) hand it to the dispatcher.
 *
 * Since: 0.1
 */
typedef struct
{
  DetprofEventKind kind;
  gconstpointer    fn;
  gconstpointer    call_site;
  guintptr         stack;
} DetprofEvent;

/**
 * DetprofDeparture:
 * @DETPROF_DEPARTURE_LONGJMP: longjmp() (or siglongjmp(), _longjmp(),
 *   __longjmp_chk()) to a jump target set in an older frame
 * @DETPROF_DEPARTURE_EXCEPTION: a C++ exception caught in an older frame,
 *   whose unwinding called no exit hooks (clang)
 * @DETPROF_DEPARTURE_THREAD_EXIT: the thread ended (pthread_exit(),
 *   cancellation) with frames still open
 * @DETPROF_N_DEPARTURES: the number of ways
 *
 * The ways a program leaves frames without returning from them, which the
 * profiler observes where they happen and counts
 * (detprof_profiler_get_left_frames()).
 *
 * Since: 0.1
 */
typedef enum
{
  DETPROF_DEPARTURE_LONGJMP,
  DETPROF_DEPARTURE_EXCEPTION,
  DETPROF_DEPARTURE_THREAD_EXIT,
  DETPROF_N_DEPARTURES
} DetprofDeparture;

/**
 * DetprofThreadState:
 *
 * One thread's frame stack and tables. Opaque; see
 * detprof_thread_state_get_depth().
 *
 * Since: 0.1
 */
typedef struct _DetprofThreadState DetprofThreadState;

/**
 * DETPROF_TYPE_PROFILER:
 *
 * The #GType of #DetprofProfiler.
 *
 * Since: 0.1
 */
/**
 * DetprofProfiler:
 *
 * A deterministic profiler. Its fields are private: use the functions
 * below and the class methods of #DetprofProfilerClass.
 *
 * Since: 0.1
 */
#define DETPROF_TYPE_PROFILER (detprof_profiler_get_type ())
G_DECLARE_DERIVABLE_TYPE (DetprofProfiler, detprof_profiler, DETPROF, PROFILER, GObject)

/**
 * DetprofProfilerClass:
 * @parent_class: the parent class
 * @read_timer: returns the time now, in the timer's unit; the default
 *   reads the profiler's #DetprofTimer
 * @dispatch_call: handles a call event whose delta (time since the previous
 *   event, less the bias) is @delta; returns %TRUE if it charged @delta,
 *   %FALSE to carry it over to the next event
 * @dispatch_return: the same for a return event
 * @default_bias: the bias, in seconds, of profilers of this class made
 *   without one; 0 unless a subclass or the user sets it
 * @handle_event: the whole of one event: read the timer, take off the
 *   thread's stopwatch (detprof_thread_state_get_stopwatch()) and the
 *   bias, call dispatch_call or dispatch_return, and restart the
 *   stopwatch. The default reads the timer twice, so that the
 *   dispatcher's own work falls between two events and is never charged;
 *   a subclass may hardwire its timer here and read it once.
 *
 * The dispatch steps a subclass may override.
 *
 * Since: 0.1
 */
struct _DetprofProfilerClass
{
  GObjectClass parent_class;

  double   (*read_timer)      (DetprofProfiler    *self);
  gboolean (*dispatch_call)   (DetprofProfiler    *self,
                               DetprofThreadState *thread,
                               const DetprofEvent *event,
                               double              delta);
  gboolean (*dispatch_return) (DetprofProfiler    *self,
                               DetprofThreadState *thread,
                               const DetprofEvent *event,
                               double              delta);

  double default_bias;

  void     (*handle_event)    (DetprofProfiler    *self,
                               DetprofThreadState *thread,
                               const DetprofEvent *event);

  /*< private >*/
  gpointer padding[7];
};

/**
 * DetprofRunFunc:
 * @user_data: the data given to detprof_profiler_runcall()
 *
 * A function to run under the profiler.
 *
 * Returns: whatever the function returns
 *
 * Since: 0.1
 */
typedef gpointer (*DetprofRunFunc) (gpointer user_data);

/**
 * DetprofCalibration:
 * @pairs: the bias in seconds for each pair of consecutive event kinds:
 *   call -> call, call -> return, return -> call, return -> return
 * @spread: the largest over the smallest of the repeated measurements of
 *   the overhead (1 is perfectly consistent)
 * @repeats: how many measurements the minimum was taken over
 * @n: calls per measurement
 *
 * What detprof_profiler_calibrate_pairs() measured.
 *
 * Since: 0.1
 */
typedef struct
{
  double  pairs[4];
  double  spread;
  guint   repeats;
  guint64 n;
} DetprofCalibration;

DetprofProfiler *detprof_profiler_new (DetprofTimer *timer);
DetprofProfiler *detprof_profiler_new_with_bias (DetprofTimer *timer,
                                                 double        bias);

DetprofTimer    *detprof_profiler_get_timer (DetprofProfiler *self);
double           detprof_profiler_get_bias (DetprofProfiler *self);
void             detprof_profiler_set_bias (DetprofProfiler *self,
                                            double           bias);
void             detprof_profiler_set_bias_pairs (DetprofProfiler *self,
                                                  const double     pairs[4]);
gboolean         detprof_profiler_get_bias_pairs (DetprofProfiler *self,
                                                  double           pairs[4]);
void             detprof_profiler_class_set_default_bias (DetprofProfilerClass *klass,
                                                          double                bias);
void             detprof_profiler_set_bias_spread (DetprofProfiler *self,
                                                   double           spread);
double           detprof_profiler_get_bias_spread (DetprofProfiler *self);
void             detprof_profiler_set_speed_variation (DetprofProfiler *self,
                                                       double           variation);
double           detprof_profiler_get_speed_variation (DetprofProfiler *self);

gboolean         detprof_profiler_enable (DetprofProfiler  *self,
                                          GError          **error);
void             detprof_profiler_disable (DetprofProfiler *self);
gboolean         detprof_profiler_is_enabled (DetprofProfiler *self);
DetprofProfiler *detprof_profiler_get_active (void);
gpointer         detprof_profiler_runcall (DetprofProfiler *self,
                                           DetprofRunFunc   func,
                                           gpointer         user_data);

void             detprof_profiler_trace_dispatch (DetprofProfiler *self,
                                                  DetprofEventKind kind,
                                                  gconstpointer    fn,
                                                  gconstpointer    call_site);
void             detprof_profiler_dispatch_event (DetprofProfiler    *self,
                                                  const DetprofEvent *event);
void             detprof_profiler_simulate_call (DetprofProfiler *self,
                                                 gconstpointer    fn);
void             detprof_profiler_simulate_cmd_complete (DetprofProfiler *self);

void             detprof_profiler_note_jump_target (DetprofProfiler *self,
                                                    gconstpointer    target);
void             detprof_profiler_note_long_jump (DetprofProfiler *self,
                                                  gconstpointer    target);
void             detprof_profiler_note_catch (DetprofProfiler *self,
                                              guintptr         stack);
void             detprof_profiler_note_thread_exit (DetprofProfiler *self);

void             detprof_profiler_name_function (DetprofProfiler *self,
                                                 gconstpointer    fn,
                                                 const char      *file,
                                                 int              line,
                                                 const char      *name);
void             detprof_profiler_lookup_function (DetprofProfiler *self,
                                                   gconstpointer    fn,
                                                   char           **file,
                                                   int             *line,
                                                   char           **name);

DetprofStats    *detprof_profiler_create_stats (DetprofProfiler  *self,
                                                GError          **error);
gboolean         detprof_profiler_dump_stats (DetprofProfiler  *self,
                                              const char       *path,
                                              GError          **error);
gboolean         detprof_profiler_print_stats (DetprofProfiler  *self,
                                               const char       *sort,
                                               GError          **error);

gboolean         detprof_profiler_calibrate (DetprofProfiler  *self,
                                            guint             m,
                                            gboolean          verbose,
                                            double           *bias,
                                            GError          **error);
gboolean         detprof_profiler_calibrate_pairs (DetprofProfiler     *self,
                                                  guint64              n,
                                                  guint                repeats,
                                                  DetprofCalibration  *out,
                                                  GError             **error);
gboolean         detprof_profiler_calibrate_spread (DetprofProfiler  *self,
                                                   guint             repeats,
                                                   double           *spread,
                                                   double           *speed_variation,
                                                   GError          **error);

gint64           detprof_profiler_get_unmatched_returns (DetprofProfiler *self);
gint64           detprof_profiler_get_abandoned_frames (DetprofProfiler *self);
gint64           detprof_profiler_get_dropped_events (DetprofProfiler *self);
gint64           detprof_profiler_get_left_frames (DetprofProfiler  *self,
                                                   DetprofDeparture  how);
guint            detprof_profiler_get_n_threads (DetprofProfiler *self);

gsize            detprof_thread_state_get_depth (const DetprofThreadState *thread);
gconstpointer    detprof_thread_state_get_top_function (const DetprofThreadState *thread);
gpointer         detprof_thread_state_get_qdata (DetprofThreadState *thread,
                                                 GQuark              key);
void             detprof_thread_state_set_qdata_full (DetprofThreadState *thread,
                                                      GQuark              key,
                                                      gpointer            data,
                                                      GDestroyNotify      destroy);

/**
 * detprof_thread_state_get_stopwatch:
 * @thread: a thread's state, as given to handle_event
 *
 * The thread's stopwatch: the timer reading, in the timer's unit, at
 * which the previous event's measured stretch ended. The next event's
 * delta is its own reading less this, less the bias.
 *
 * It is the first member of every thread's state, so that this is inline:
 * a handle_event override calls it at every event.
 *
 * Returns: the stopwatch reading
 *
 * Since: 0.1
 */
static inline double
detprof_thread_state_get_stopwatch (const DetprofThreadState *thread)
{
  return *(const double *) thread;
}

/**
 * detprof_thread_state_set_stopwatch:
 * @thread: a thread's state, as given to handle_event
 * @t: a timer reading, in the timer's unit
 *
 * Restarts the thread's stopwatch at @t. A handle_event override calls
 * this last: with the reading it took at the start of the event (then its
 * own work is in the next delta, and the bias must take it off), or with
 * a fresh reading (then its work is in no delta at all).
 *
 * Since: 0.1
 */
static inline void
detprof_thread_state_set_stopwatch (DetprofThreadState *thread,
                                    double              t)
{
  *(double *) thread = t;
}

G_END_DECLS
