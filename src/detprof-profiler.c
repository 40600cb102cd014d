/* detprof-profiler.c: the dispatcher.
 *
 * Every call and every return is an event. At each event we read the
 * timer, take off the time at which the previous event ended and the bias,
 * and charge what is left (the delta) to the function on top of our own
 * frame stack. We read the timer a second time after our bookkeeping, so
 * that the bookkeeping itself is charged to nobody. What we cannot avoid
 * charging is the stretch from the event's start to the first reading and
 * from the second reading back to the program: that is what the bias
 * estimates, and why it is subtracted once per event.
 *
 * This is the algorithm of Python's profile.py, step for step:
 *
 *   call:    push a frame whose pt (parent time) is the delta: the time
 *            the caller ran just before this call. The caller is paid it
 *            when this frame is popped, so a call never touches the
 *            caller's frame.
 *   return:  the delta is the last stretch of the returning activation.
 *            Its internal time (it) plus the time of its callees (et) is its
 *            total; fold pt into the parent's internal time and the total
 *            into the parent's callee time, then add the activation to the
 *            function's and the call site's totals (the arc's count and
 *            internal time are its call sites' summed, later; only its
 *            outermost-activation count and cumulative time are kept here).
 *
 * Two things profile.py does not meet: frames the program leaves without
 * returning, and returns that match nothing (frames entered before
 * profiling began).
 *
 * - Events nest. Every call pushes a frame, whatever its stack address:
 *   the hooks of a function inlined into its caller run in the caller's
 *   own stack frame, so addresses cannot tell a callee from a frame the
 *   program has left.
 * - A frame is closed early only where the program is seen to leave it:
 *   at a longjmp() to a jump target set in an older frame, at a C++
 *   exception caught in an older frame, at the end of a thread
 *   (detprof-departures.c). The agent watches for these where they
 *   happen (detprof-interpose.c); they are exact.
 * - Anything else is a missed exit, found by its consequence: a return
 *   is placed by its function, so when the frame on top is not that
 *   function's, the nearest frame of that function returns and the frames
 *   above it are closed first, and counted as abandoned (where they ended
 *   is a guess). A return of a function that is not on the stack is
 *   counted and otherwise ignored.
 *
 * Frames the program left are closed as if they returned with no more
 * time: the stretch that reveals them goes to the frame that survives.
 *
 * The bias may be one constant, as in profile.py, or one per pair of
 * consecutive event kinds (call -> call, call -> return, return -> call,
 * return -> return): each delta covers exactly the stretch between two
 * events, and the code the program runs in that stretch (hook epilogue,
 * function prologue or epilogue, hook prologue) depends on the two kinds.
 * With one constant, the four are equal and the arithmetic is profile.py's.
 */
/**
 * SECTION:detprof-profiler
 * @title: DetprofProfiler
 * @short_description: the deterministic profiler, after Python's profile.py
 *
 * A #DetprofProfiler receives an event at every function call and return:
 * from the -finstrument-functions hooks once it is enabled
 * (detprof_profiler_enable(), detprof_profiler_runcall()), or from the
 * caller (detprof_profiler_trace_dispatch(), detprof_profiler_dispatch_event()).
 *
 * At each event it reads its timer, takes off the thread's stopwatch (the
 * reading that ended the previous event) and the bias, charges the rest
 * (the delta) to the function on top of its frame stack, and reads the
 * timer again to restart the stopwatch. detprof_profiler_create_stats(),
 * detprof_profiler_print_stats() and detprof_profiler_dump_stats() turn the
 * tables into statistics.
 *
 * The bias may come from the class (detprof_profiler_class_set_default_bias()),
 * from construction (detprof_profiler_new_with_bias()) or be set later
 * (detprof_profiler_set_bias()); detprof_profiler_set_bias_pairs() sets one
 * per pair of consecutive event kinds. detprof_profiler_calibrate() measures
 * it as profile.py does, detprof_profiler_calibrate_pairs() as detprof does.
 *
 * A subclass may override read_timer, dispatch_call and dispatch_return
 * (chaining up), or the whole of handle_event, with
 * detprof_thread_state_get_stopwatch() and
 * detprof_thread_state_set_stopwatch().
 *
 * |[<!-- language="C" -->
 * g_autoptr(DetprofProfiler) profiler = detprof_profiler_new (NULL);
 *
 * detprof_profiler_runcall (profiler, run_my_program, NULL);
 * if (!detprof_profiler_dump_stats (profiler, "my.prof", &error))
 *   g_printerr ("%s\n", error->message);
 * ]|
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-error.h"
#include "detprof-browser-private.h"
#include "detprof-profiler-private.h"
#include "detprof-stats-private.h"
#include "detprof-symbols-private.h"
#include "detprof-timer-private.h"

typedef struct
{
  char *file;
  int   line;
  char *name;
} NamedFunction;

typedef struct
{
  DetprofTimer *timer;        /* owned */
  double        bias;         /* seconds per event (the constant model) */
  gboolean      has_pairs;    /* a bias per pair of event kinds was set */
  double        pairs[4];     /* seconds: call->call, call->return, return->call, return->return */
  double        bias_units[2][2];  /* [previous kind][kind], in the timer's unit: what each event takes off */
  guint64       serial;       /* unique among all profilers of the process */
  GPtrArray    *threads;      /* owned DetprofThreadState, in order of first event; threads_lock */
  DetprofThreadState *ended;  /* in threads: the tables of the threads that ended, added up */
  guint         n_ended;      /* how many threads were added into it */
  guint         n_out_of_memory;  /* threads whose state could not be made */
  GHashTable   *names;        /* fn -> owned NamedFunction, from detprof_profiler_name_function() */
  GMutex        lookup_lock;  /* guards symbolizer */
  DetprofSymbolizer *symbolizer;  /* owned, for detprof_profiler_lookup_function(); made on first use */
} DetprofProfilerPrivate;

enum
{
  PROP_0,
  PROP_TIMER,
  PROP_BIAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (DetprofProfiler, detprof_profiler, G_TYPE_OBJECT)

/* Guards every profiler's list of thread states; taken only when a thread
 * meets a profiler for the first time and when statistics are made. */
static GMutex threads_lock;

/* Each thread remembers the state it used last, so that an event finds its
 * stack without a lock. The serial, never reused, tells whether the cache
 * belongs to the profiler at hand. */
static __thread struct
{
  guint64             serial;
  DetprofThreadState *state;
} thread_cache __attribute__ ((tls_model ("initial-exec")));

/* ---- the frame stack (push_frame and pop_frame: detprof-thread-private.h) ---- */

/* A return whose frame is below the top: the frames above it were left
 * (by a jump, or their exits were missed). Closes them; FALSE if @fn is
 * nowhere on the stack. */
static gboolean
close_frames_above (DetprofThreadState *thread,
                    gconstpointer       fn)
{
  DetprofFrame *frame;

  for (frame = thread->top; frame > thread->frames; frame--)
    if (frame->function->fn == fn)
      break;
  if (frame == thread->frames)
    return FALSE;

  while (thread->top > frame)
    {
      pop_frame (thread, 0.0);
      thread->abandoned_frames++;
    }
  return TRUE;
}

/* ---- the dispatch steps (class methods, so subclasses can extend them) ---- */

static double
detprof_profiler_real_read_timer (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  return priv->timer->read (priv->timer);
}

static gboolean
detprof_profiler_real_dispatch_call (DetprofProfiler    *self,
                                     DetprofThreadState *thread,
                                     const DetprofEvent *event,
                                     double              delta)
{
  DetprofFunction *caller;
  DetprofCallSite *site;
  DetprofFrame *frame;

  caller = thread->top->function;
  site = find_call_site (thread, caller, event->call_site, event->fn);
  frame = next_frame (thread);
  if (G_UNLIKELY (site == NULL || frame == NULL))
    {
      /* Out of memory: this call goes unrecorded (its return will match
       * nothing), and is counted; its delta goes to the next event. */
      thread->out_of_memory = TRUE;
      thread->unrecorded_calls++;
      return FALSE;
    }

  frame->site = site;
  frame->function = site->callee;
  frame->stack = event->stack;
  frame->pt = delta;
  frame->it = 0.0;
  frame->et = 0.0;
  publish_frame (thread, frame);

  totals_enter (&frame->function->totals);
  totals_enter (&site->arc->totals);
  totals_enter (&site->totals);
  return TRUE;
}

static gboolean
detprof_profiler_real_dispatch_return (DetprofProfiler    *self,
                                       DetprofThreadState *thread,
                                       const DetprofEvent *event,
                                       double              delta)
{
  /* The root's function has no address, so no return matches it. */
  if (thread->top->function->fn != event->fn)
    {
      if (!close_frames_above (thread, event->fn))
        {
          /* A frame we never saw enter. The time since the last event was
           * spent all the same: it stays with the frame on top. */
          thread->unmatched_returns++;
          thread->top->it += delta;
          return TRUE;
        }
    }

  pop_frame (thread, delta);
  return TRUE;
}

/* ---- one event ---- */

static void
detprof_profiler_real_handle_event (DetprofProfiler    *self,
                                    DetprofThreadState *thread,
                                    const DetprofEvent *event)
{
  DetprofProfilerClass *klass = DETPROF_PROFILER_GET_CLASS (self);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  double delta;
  gboolean charged;

  delta = klass->read_timer (self) - thread->t - priv->bias_units[thread->last_kind][event->kind];
  thread->last_kind = event->kind;

  if (event->kind == DETPROF_EVENT_CALL)
    charged = klass->dispatch_call (self, thread, event, delta);
  else
    charged = klass->dispatch_return (self, thread, event, delta);

  /* Restart the stopwatch after our own work. A delta that was not charged
   * is put back, so that the next event's delta includes it. */
  thread->t = klass->read_timer (self) - (charged ? 0.0 : delta);
}

/* NULL when memory runs out (counted: the "out-of-memory" run fact). */
DetprofThreadState *
_detprof_profiler_get_thread_state (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  DetprofThreadState *state = NULL;
  gboolean created = FALSE;
  int tid;
  guint i;

  if (G_LIKELY (thread_cache.serial == priv->serial))
    return thread_cache.state;

  tid = (int) syscall (SYS_gettid);
  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len && state == NULL; i++)
    {
      DetprofThreadState *candidate = g_ptr_array_index (priv->threads, i);

      if (candidate->tid == tid && !candidate->finished)
        state = candidate;
    }
  if (state == NULL)
    {
      state = _detprof_thread_state_new (self, priv->serial);
      if (state != NULL)
        g_ptr_array_add (priv->threads, state);
      else
        priv->n_out_of_memory++;
      created = TRUE;
    }
  g_mutex_unlock (&threads_lock);

  /* Out of memory: this thread's events go unrecorded. */
  if (state == NULL)
    return NULL;

  /* profile.py starts its stopwatch in the constructor; a thread starts
   * its own when it first meets the profiler. */
  if (created)
    state->t = DETPROF_PROFILER_GET_CLASS (self)->read_timer (self);

  thread_cache.serial = priv->serial;
  thread_cache.state = state;
  return state;
}

/* For the calls of the API that hand the profiler an event or a
 * departure on the calling thread: its state, marked busy; NULL if the
 * thread is inside the profiler already (the call is dropped, and
 * counted) or has no state for lack of memory. */
DetprofThreadState *
_detprof_profiler_enter (DetprofProfiler *self)
{
  DetprofThreadState *thread = _detprof_profiler_get_thread_state (self);

  if (thread == NULL)
    return NULL;
  if (thread->busy)
    {
      thread->dropped_events++;
      return NULL;
    }
  thread->busy = TRUE;
  return thread;
}

/* A thread that made events ends (detprof-hooks.c calls this on it, once
 * its frames are closed). Its tables are added into those of the threads
 * that ended, and its state is freed, so that the profiler's memory does
 * not grow with threads that are gone, and a new thread given the same
 * id by the kernel starts afresh. A state that holds a subclass's data
 * (detprof_thread_state_set_qdata_full()) is kept whole, marked finished.
 * Returns whether @state was freed. */
gboolean
_detprof_profiler_thread_ended (DetprofProfiler    *self,
                                DetprofThreadState *state)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  gboolean freed = FALSE;

  if (thread_cache.state == state)
    {
      thread_cache.serial = 0;
      thread_cache.state = NULL;
    }

  g_mutex_lock (&threads_lock);
  state->finished = TRUE;
  if (priv->ended == NULL && state->qdata == NULL
      && (priv->ended = _detprof_thread_state_new (self, priv->serial)) != NULL)
    {
      priv->ended->tid = 0;
      priv->ended->finished = TRUE;
      g_ptr_array_insert (priv->threads, 0, priv->ended);
    }
  if (priv->ended != NULL && state->qdata == NULL)
    {
      /* An address must name the same function in both tables. */
      const DetprofClosedModule *last = _detprof_modules_last_closed ();

      _detprof_thread_state_retire_closed_modules (state, last);
      _detprof_thread_state_retire_closed_modules (priv->ended, last);
      _detprof_thread_state_absorb (priv->ended, state);
      priv->n_ended++;
      g_ptr_array_remove (priv->threads, state);
      freed = TRUE;
    }
  g_mutex_unlock (&threads_lock);
  return freed;
}

void
_detprof_profiler_function_totals (DetprofProfiler *self,
                                   gconstpointer    fn,
                                   gint64          *nc,
                                   gint64          *cc,
                                   double          *tt)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  guint i;

  *nc = *cc = 0;
  *tt = 0.0;
  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len; i++)
    {
      DetprofThreadState *state = g_ptr_array_index (priv->threads, i);
      DetprofFunction *function = _detprof_thread_state_find_function (state, fn);

      if (function == NULL)
        continue;
      *nc += function->totals.nc;
      *cc += function->totals.cc;
      *tt += function->totals.tt;
    }
  g_mutex_unlock (&threads_lock);
}

DetprofThreadState *
_detprof_profiler_get_busy_thread (DetprofProfiler    *self,
                                   DetprofThreadState *skip)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  DetprofThreadState *busy = NULL;
  guint i;

  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len && busy == NULL; i++)
    {
      DetprofThreadState *state = g_ptr_array_index (priv->threads, i);

      if (state != skip && __atomic_load_n (&state->busy, __ATOMIC_ACQUIRE))
        busy = state;
    }
  g_mutex_unlock (&threads_lock);
  return busy;
}

/* fork(): the child has one thread, the one that forked. The lock may
 * have been held by a thread that is gone, the other threads' states may
 * have been caught busy, and our thread has a new id. The hooks call these
 * from their own pthread_atfork() handlers, in lock order. */
void
_detprof_profiler_fork_prepare (void)
{
  g_mutex_lock (&threads_lock);
}

void
_detprof_profiler_fork_parent (void)
{
  g_mutex_unlock (&threads_lock);
}

void
_detprof_profiler_fork_child (DetprofProfiler *active)
{
  g_mutex_init (&threads_lock);
  if (thread_cache.state != NULL)
    thread_cache.state->tid = (int) syscall (SYS_gettid);

  if (active != NULL)
    {
      DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (active);
      guint i;

      for (i = 0; i < priv->threads->len; i++)
        {
          DetprofThreadState *state = g_ptr_array_index (priv->threads, i);

          if (state != thread_cache.state)
            state->busy = FALSE;
        }
    }
}

/* ---- GObject ---- */

static void
named_function_free (gpointer data)
{
  NamedFunction *named = data;

  g_free (named->file);
  g_free (named->name);
  g_free (named);
}

static void
update_bias_units (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  double unit = (priv->timer != NULL) ? priv->timer->timeunit : 1.0;
  int previous, kind;

  for (previous = 0; previous < 2; previous++)
    for (kind = 0; kind < 2; kind++)
      priv->bias_units[previous][kind] = (priv->has_pairs ? priv->pairs[previous * 2 + kind] : priv->bias) / unit;
}

static void
detprof_profiler_constructed (GObject *object)
{
  DetprofProfiler *self = DETPROF_PROFILER (object);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  G_OBJECT_CLASS (detprof_profiler_parent_class)->constructed (object);

  /* Here, not in init: while the base type's init runs, the instance's
   * class is still the base class, not the subclass being made. A bias
   * given to g_object_new() is set after this, and wins. */
  priv->bias = DETPROF_PROFILER_GET_CLASS (self)->default_bias;
  if (priv->timer == NULL)
    priv->timer = detprof_timer_new_default ();
  update_bias_units (self);
}

static void
detprof_profiler_finalize (GObject *object)
{
  DetprofProfiler *self = DETPROF_PROFILER (object);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  if (thread_cache.serial == priv->serial)
    {
      thread_cache.serial = 0;
      thread_cache.state = NULL;
    }
  g_clear_pointer (&priv->threads, g_ptr_array_unref);
  g_clear_pointer (&priv->names, g_hash_table_unref);
  g_clear_pointer (&priv->timer, detprof_timer_unref);
  g_clear_pointer (&priv->symbolizer, _detprof_symbolizer_free);
  g_mutex_clear (&priv->lookup_lock);

  G_OBJECT_CLASS (detprof_profiler_parent_class)->finalize (object);
}

static void
detprof_profiler_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DetprofProfiler *self = DETPROF_PROFILER (object);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TIMER:
      g_value_set_boxed (value, priv->timer);
      break;
    case PROP_BIAS:
      g_value_set_double (value, priv->bias);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
detprof_profiler_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DetprofProfiler *self = DETPROF_PROFILER (object);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_TIMER:
      g_assert (priv->timer == NULL);
      priv->timer = g_value_dup_boxed (value);
      break;
    case PROP_BIAS:
      detprof_profiler_set_bias (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
detprof_profiler_class_init (DetprofProfilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = detprof_profiler_constructed;
  object_class->finalize = detprof_profiler_finalize;
  object_class->get_property = detprof_profiler_get_property;
  object_class->set_property = detprof_profiler_set_property;

  klass->read_timer = detprof_profiler_real_read_timer;
  klass->dispatch_call = detprof_profiler_real_dispatch_call;
  klass->dispatch_return = detprof_profiler_real_dispatch_return;
  klass->handle_event = detprof_profiler_real_handle_event;
  klass->default_bias = 0.0;

  /**
   * DetprofProfiler:timer:
   *
   * The timer the profiler reads at every event. %NULL at construction
   * means the host's default (detprof_timer_get_default_name()).
   *
   * Since: 0.1
   */
  properties[PROP_TIMER] =
    g_param_spec_boxed ("timer", NULL, NULL, DETPROF_TYPE_TIMER,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * DetprofProfiler:bias:
   *
   * The hidden cost of one event, in seconds, subtracted from every
   * event's delta. It may be given at construction; if it is not, the
   * class's default_bias is used. Changing it takes effect at the next
   * event.
   *
   * Since: 0.1
   */
  properties[PROP_BIAS] =
    g_param_spec_double ("bias", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
detprof_profiler_init (DetprofProfiler *self)
{
  static guint64 next_serial = 1;
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  priv->serial = __atomic_fetch_add (&next_serial, 1, __ATOMIC_RELAXED);
  priv->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) _detprof_thread_state_free);
  priv->names = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, named_function_free);
  g_mutex_init (&priv->lookup_lock);
}

/* ---- public API ---- */

/**
 * detprof_profiler_new:
 * @timer: (nullable): the timer to read; %NULL for the host's default
 *
 * Makes a profiler whose bias is its class's default_bias.
 *
 * Returns: (transfer full): the profiler
 *
 * Since: 0.1
 */
DetprofProfiler *
detprof_profiler_new (DetprofTimer *timer)
{
  return g_object_new (DETPROF_TYPE_PROFILER, "timer", timer, NULL);
}

/**
 * detprof_profiler_new_with_bias:
 * @timer: (nullable): the timer to read; %NULL for the host's default
 * @bias: seconds to subtract at every event
 *
 * Makes a profiler with its own bias.
 *
 * Returns: (transfer full): the profiler
 *
 * Since: 0.1
 */
DetprofProfiler *
detprof_profiler_new_with_bias (DetprofTimer *timer,
                                double        bias)
{
  g_return_val_if_fail (isfinite (bias), NULL);

  return g_object_new (DETPROF_TYPE_PROFILER, "timer", timer, "bias", bias, NULL);
}

/**
 * detprof_profiler_get_timer:
 * @self: a #DetprofProfiler
 *
 * Gets the timer @self reads at every event.
 *
 * Returns: (transfer none): the timer
 *
 * Since: 0.1
 */
DetprofTimer *
detprof_profiler_get_timer (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), NULL);

  priv = detprof_profiler_get_instance_private (self);
  return priv->timer;
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

  priv = detprof_profiler_get_instance_private (self);
  return priv->bias;
}

/**
 * detprof_profiler_set_bias:
 * @self: a #DetprofProfiler
 * @bias: seconds to subtract at every event; finite
 *
 * Sets the bias from the next event on, and notifies #DetprofProfiler:bias.
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

  priv = detprof_profiler_get_instance_private (self);
  if (priv->bias == bias && !priv->has_pairs)
    return;
  priv->bias = bias;
  priv->has_pairs = FALSE;
  update_bias_units (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIAS]);
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
 * #DetprofProfiler:bias goes back to one constant.
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

  priv = detprof_profiler_get_instance_private (self);
  memcpy (priv->pairs, pairs, sizeof priv->pairs);
  priv->has_pairs = TRUE;
  priv->bias = (pairs[0] + pairs[1] + pairs[2] + pairs[3]) / 4;
  update_bias_units (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIAS]);
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

  priv = detprof_profiler_get_instance_private (self);
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
 * detprof_profiler_enable:
 * @self: a #DetprofProfiler
 * @error: return location for a #GError
 *
 * Routes the events of every thread of the process to @self, until
 * detprof_profiler_disable(). Only one profiler can be enabled at a time.
 *
 * Returns: %TRUE, or %FALSE with @error set if another profiler is enabled
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_enable (DetprofProfiler  *self,
                         GError          **error)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _detprof_hooks_set_active (self, error);
}

/**
 * detprof_profiler_disable:
 * @self: a #DetprofProfiler
 *
 * Stops routing events to @self. The frames still open stay open: a later
 * detprof_profiler_enable() goes on where this stopped, and
 * detprof_profiler_create_stats() closes them.
 *
 * Since: 0.1
 */
void
detprof_profiler_disable (DetprofProfiler *self)
{
  g_return_if_fail (DETPROF_IS_PROFILER (self));

  _detprof_hooks_clear_active (self);
}

/**
 * detprof_profiler_is_enabled:
 * @self: a #DetprofProfiler
 *
 * Tells whether @self is the profiler the hooks send events to.
 *
 * Returns: whether events are routed to @self
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_is_enabled (DetprofProfiler *self)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);

  return _detprof_hooks_get_active () == self;
}

/**
 * detprof_profiler_get_active:
 *
 * Gets the profiler that detprof_profiler_enable() enabled, which
 * receives the events of every thread.
 *
 * Returns: (transfer none) (nullable): the enabled profiler, if any
 *
 * Since: 0.1
 */
DetprofProfiler *
detprof_profiler_get_active (void)
{
  return _detprof_hooks_get_active ();
}

/**
 * detprof_profiler_runcall:
 * @self: a #DetprofProfiler
 * @func: (scope call): the function to run
 * @user_data: (closure func): its argument
 *
 * Runs @func with @self enabled, then disables it. If another profiler is
 * enabled, @func runs unprofiled and a warning is logged.
 *
 * Returns: (transfer none): what @func returned
 *
 * Since: 0.1
 */
gpointer
detprof_profiler_runcall (DetprofProfiler *self,
                          DetprofRunFunc   func,
                          gpointer         user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer result;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  if (!detprof_profiler_enable (self, &error))
    {
      g_warning ("runcall: %s; running unprofiled", error->message);
      return func (user_data);
    }
  result = func (user_data);
  detprof_profiler_disable (self);
  return result;
}

/**
 * detprof_profiler_dispatch_event:
 * @self: a #DetprofProfiler
 * @event: the event
 *
 * Hands one event to the dispatcher, as the hooks do, on the calling
 * thread's stack. Tests and teaching code use this to drive a profiler
 * without instrumented code.
 *
 * Since: 0.1
 */
void
detprof_profiler_dispatch_event (DetprofProfiler    *self,
                                 const DetprofEvent *event)
{
  DetprofThreadState *thread;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (event->kind == DETPROF_EVENT_CALL || event->kind == DETPROF_EVENT_RETURN);
  g_return_if_fail (event->fn != NULL);
  g_return_if_fail (event->stack != G_MAXSIZE);

  if ((thread = _detprof_profiler_enter (self)) == NULL)
    return;
  _detprof_profiler_handle_event (self, thread, event);
  thread->busy = FALSE;
}

/**
 * detprof_profiler_trace_dispatch:
 * @self: a #DetprofProfiler
 * @kind: call or return
 * @fn: the function's address (any unique pointer will do)
 * @call_site: (nullable): where it was called from
 *
 * detprof_profiler_dispatch_event() without a stack address (which only
 * detprof_profiler_note_catch() needs). A return whose frame is not on top
 * closes the frames above its own, as abandoned frames.
 *
 * Since: 0.1
 */
void
detprof_profiler_trace_dispatch (DetprofProfiler  *self,
                                 DetprofEventKind  kind,
                                 gconstpointer     fn,
                                 gconstpointer     call_site)
{
  DetprofEvent event = { kind, fn, call_site, 0 };

  detprof_profiler_dispatch_event (self, &event);
}

/**
 * detprof_profiler_simulate_call:
 * @self: a #DetprofProfiler
 * @fn: the function to pretend was called
 *
 * Pushes a frame for @fn with no time and no timer reading, as profile.py's
 * simulate_call method does for its root and command records.
 *
 * Since: 0.1
 */
void
detprof_profiler_simulate_call (DetprofProfiler *self,
                                gconstpointer    fn)
{
  DetprofThreadState *thread;
  DetprofEvent event = { DETPROF_EVENT_CALL, fn, NULL, 0 };

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (fn != NULL);

  thread = _detprof_profiler_get_thread_state (self);
  if (thread != NULL)
    DETPROF_PROFILER_GET_CLASS (self)->dispatch_call (self, thread, &event, 0.0);
}

/* profile.py's simulate_cmd_complete(): the time since the last event goes
 * to the frame on top (no bias: no event happened), then every open frame
 * returns with no more time. Another thread's leftover time cannot be read
 * from here, so its frames close with none. */
static void
complete_thread (DetprofProfiler    *self,
                 DetprofThreadState *thread,
                 gboolean            is_caller)
{
  DetprofProfilerClass *klass = DETPROF_PROFILER_GET_CLASS (self);
  double delta = is_caller ? klass->read_timer (self) - thread->t : 0.0;

  while (thread->top > thread->frames)
    {
      pop_frame (thread, delta);
      delta = 0.0;
    }
  if (is_caller)
    thread->t = klass->read_timer (self);
}

/**
 * detprof_profiler_simulate_cmd_complete:
 * @self: a #DetprofProfiler
 *
 * Closes every frame still open, in every thread, as if each returned now.
 * detprof_profiler_create_stats() does this first.
 *
 * Since: 0.1
 */
void
detprof_profiler_simulate_cmd_complete (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;
  DetprofThreadState *mine;
  const DetprofClosedModule *last;
  guint i;

  g_return_if_fail (DETPROF_IS_PROFILER (self));

  priv = detprof_profiler_get_instance_private (self);
  mine = (thread_cache.serial == priv->serial) ? thread_cache.state : NULL;

  g_mutex_lock (&threads_lock);
  /* A thread that made no event since a module was closed still has its
   * records of the module's code at the addresses it had: they are moved
   * now, before they are named, so that every thread's tables agree. */
  last = _detprof_modules_last_closed ();
  for (i = 0; i < priv->threads->len; i++)
    {
      DetprofThreadState *thread = g_ptr_array_index (priv->threads, i);

      _detprof_thread_state_retire_closed_modules (thread, last);
      complete_thread (self, thread, thread == mine);
    }
  g_mutex_unlock (&threads_lock);
}

/**
 * detprof_profiler_name_function:
 * @self: a #DetprofProfiler
 * @fn: a function address, as given in events
 * @file: the file to report it in
 * @line: its line
 * @name: its name
 *
 * Names @fn in the statistics, instead of looking its address up in the
 * program's debugging information. For tests, teaching code, and code the
 * debugging information does not cover (JIT, hand-made events).
 *
 * Since: 0.1
 */
void
detprof_profiler_name_function (DetprofProfiler *self,
                                gconstpointer    fn,
                                const char      *file,
                                int              line,
                                const char      *name)
{
  DetprofProfilerPrivate *priv;
  NamedFunction *named;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (file != NULL);
  g_return_if_fail (name != NULL);

  priv = detprof_profiler_get_instance_private (self);
  named = g_new0 (NamedFunction, 1);
  named->file = g_strdup (file);
  named->line = line;
  named->name = g_strdup (name);
  g_hash_table_replace (priv->names, (gpointer) fn, named);
}

/* What the statistics call @fn: the name it was given, else what
 * @symbolizer (NULL: none could be made) finds, else its bare address. */
static void
describe_function (DetprofProfiler   *self,
                   DetprofSymbolizer *symbolizer,
                   gconstpointer      fn,
                   DetprofSymbol     *out)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  NamedFunction *named = g_hash_table_lookup (priv->names, fn);

  if (named != NULL)
    {
      out->file = g_strdup (named->file);
      out->line = named->line;
      out->name = g_strdup (named->name);
    }
  else if (symbolizer != NULL)
    _detprof_symbolizer_lookup_function (symbolizer, (guintptr) fn, out);
  else
    {
      out->file = g_strdup ("??");
      out->line = 0;
      out->name = g_strdup_printf ("0x%" G_GINTPTR_MODIFIER "x", (guintptr) fn);
    }
}

/**
 * detprof_profiler_lookup_function:
 * @self: a #DetprofProfiler
 * @fn: a function address, as given in events
 * @file: (out) (optional) (transfer full): where to store the file
 * @line: (out) (optional): where to store the line
 * @name: (out) (optional) (transfer full): where to store the name
 *
 * Finds what the statistics call @fn: the name given to
 * detprof_profiler_name_function(), or else the file, line and name of its
 * declaration in the program's debugging information, or its ELF symbol,
 * or its address, as detprof_profiler_create_stats() would. For subclasses
 * that report on functions of their own (see examples/depth-profiler).
 *
 * The first call reads the debugging information of every module loaded,
 * so call it when reporting, never from a dispatch method. A module
 * loaded since then is found too.
 *
 * Since: 0.1
 */
void
detprof_profiler_lookup_function (DetprofProfiler *self,
                                  gconstpointer    fn,
                                  char           **file,
                                  int             *line,
                                  char           **name)
{
  DetprofProfilerPrivate *priv;
  DetprofSymbol symbol = { NULL, 0, NULL };

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  priv = detprof_profiler_get_instance_private (self);

  g_mutex_lock (&priv->lookup_lock);
  if (!g_hash_table_contains (priv->names, fn)
      && (priv->symbolizer == NULL || !_detprof_symbolizer_knows_address (priv->symbolizer, (guintptr) fn)))
    {
      /* Made once, and again only for a module mapped since. */
      g_clear_pointer (&priv->symbolizer, _detprof_symbolizer_free);
      priv->symbolizer = _detprof_symbolizer_new_for_self (NULL);
    }
  describe_function (self, priv->symbolizer, fn, &symbol);
  g_mutex_unlock (&priv->lookup_lock);

  if (file != NULL)
    *file = g_steal_pointer (&symbol.file);
  if (line != NULL)
    *line = symbol.line;
  if (name != NULL)
    *name = g_steal_pointer (&symbol.name);
  _detprof_symbol_clear (&symbol);
}

/* ---- statistics ---- */

typedef struct
{
  DetprofProfiler   *profiler;
  DetprofSymbolizer *symbolizer;   /* made on the first address no name covers */
  gboolean           symbolizer_failed;
  GHashTable        *indices;      /* fn -> index in the stats + 1 */
  DetprofStats      *stats;
} StatsBuilder;

/* libdwfl is set up only if some address needs it. */
static DetprofSymbolizer *
ensure_symbolizer (StatsBuilder *builder)
{
  if (builder->symbolizer == NULL && !builder->symbolizer_failed)
    {
      builder->symbolizer = _detprof_symbolizer_new_for_self (NULL);
      builder->symbolizer_failed = (builder->symbolizer == NULL);
    }
  return builder->symbolizer;
}

static guint
function_index (StatsBuilder    *builder,
                DetprofFunction *function,
                double           timeunit)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (builder->profiler);
  DetprofSymbol symbol = { NULL, 0, NULL };
  guint index;

  if (!g_hash_table_contains (priv->names, function->fn))
    ensure_symbolizer (builder);
  describe_function (builder->profiler, builder->symbolizer, function->fn, &symbol);

  index = _detprof_stats_add_function (builder->stats, symbol.file, symbol.line, symbol.name,
                                       function->totals.cc, function->totals.nc,
                                       function->totals.tt * timeunit,
                                       function->totals.ct * timeunit);
  _detprof_symbol_clear (&symbol);
  return index;
}

static void
add_thread_to_stats (StatsBuilder       *builder,
                     DetprofThreadState *thread,
                     double              timeunit)
{
  g_autoptr(GHashTable) indices = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint i;

  _detprof_thread_state_sum_arcs (thread);

  for (i = 0; i < thread->function_list.len; i++)
    {
      DetprofFunction *function = thread->function_list.items[i];

      if (function->totals.nc == 0)
        continue;
      g_hash_table_insert (indices, function,
                           GUINT_TO_POINTER (function_index (builder, function, timeunit) + 1));
    }

  for (i = 0; i < thread->arc_list.len; i++)
    {
      DetprofArc *arc = thread->arc_list.items[i];
      guint callee = GPOINTER_TO_UINT (g_hash_table_lookup (indices, arc->callee));
      guint caller = GPOINTER_TO_UINT (g_hash_table_lookup (indices, arc->caller));

      /* Arcs from the root are the thread's first calls: pstats shows such
       * functions with no callers, as cProfile does. */
      if (callee == 0 || caller == 0 || arc->totals.nc == 0)
        continue;
      _detprof_stats_add_caller (builder->stats, callee - 1, caller - 1,
                                 arc->totals.nc, arc->totals.cc,
                                 arc->totals.tt * timeunit, arc->totals.ct * timeunit);
    }

  /* The same arcs, by the line that made each call. */
  for (i = 0; i < thread->site_list.len; i++)
    {
      DetprofCallSite *site = thread->site_list.items[i];
      guint callee = GPOINTER_TO_UINT (g_hash_table_lookup (indices, site->callee));
      guint caller = GPOINTER_TO_UINT (g_hash_table_lookup (indices, site->caller));
      DetprofSymbol where = { NULL, 0, NULL };
      DetprofSymbolizer *symbolizer;

      if (callee == 0 || caller == 0 || site->totals.nc == 0 || site->call_site == NULL)
        continue;
      symbolizer = ensure_symbolizer (builder);
      if (symbolizer != NULL)
        _detprof_symbolizer_lookup_call_site (symbolizer, (guintptr) site->call_site, &where);
      _detprof_stats_add_call_site (builder->stats, caller - 1, callee - 1,
                                    where.file != NULL ? where.file : "??", where.line,
                                    site->totals.nc, site->totals.cc,
                                    site->totals.tt * timeunit, site->totals.ct * timeunit);
      _detprof_symbol_clear (&where);
    }
}

static gint64 sum_counter (DetprofProfiler *self,
                           gsize            offset);

/* The threads in which memory ran out: some of their calls (or all) went
 * unrecorded. */
static guint
count_out_of_memory (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  guint n, i;

  g_mutex_lock (&threads_lock);
  n = priv->n_out_of_memory;
  for (i = 0; i < priv->threads->len; i++)
    n += ((DetprofThreadState *) g_ptr_array_index (priv->threads, i))->out_of_memory;
  g_mutex_unlock (&threads_lock);
  return n;
}

/* What a reader of the profile needs to know to trust its numbers. */
static void
record_run_facts (DetprofProfiler *self,
                  DetprofStats    *stats)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  char bias[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *threads = g_strdup_printf ("%u", detprof_profiler_get_n_threads (self));
  g_autofree char *unmatched = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_unmatched_returns (self));
  g_autofree char *abandoned = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_abandoned_frames (self));
  g_autofree char *dropped = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_dropped_events (self));
  g_autofree char *out_of_memory = g_strdup_printf ("%u", count_out_of_memory (self));
  g_autofree char *unrecorded = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, unrecorded_calls)));
  static const char *const left_keys[DETPROF_N_DEPARTURES] = {
    [DETPROF_DEPARTURE_LONGJMP] = "frames-left-by-longjmp",
    [DETPROF_DEPARTURE_EXCEPTION] = "frames-left-by-exception",
    [DETPROF_DEPARTURE_THREAD_EXIT] = "frames-left-by-thread-exit",
  };
  int how;

  detprof_stats_set_info (stats, "timer", priv->timer->name);
  detprof_stats_set_info (stats, "timer-description", priv->timer->description);
  detprof_stats_set_info (stats, "bias", g_ascii_dtostr (bias, sizeof bias, priv->bias));
  if (priv->has_pairs)
    {
      g_autofree char *pairs = g_strdup_printf ("call->call %.4g, call->return %.4g, return->call %.4g, return->return %.4g",
                                                priv->pairs[0], priv->pairs[1], priv->pairs[2], priv->pairs[3]);

      detprof_stats_set_info (stats, "bias-model", "pairs");
      detprof_stats_set_info (stats, "bias-pairs", pairs);
    }
  else
    detprof_stats_set_info (stats, "bias-model", "constant");
  detprof_stats_set_info (stats, "threads", threads);
  detprof_stats_set_info (stats, "date", date);
  detprof_stats_set_info (stats, "unmatched-returns", unmatched);
  detprof_stats_set_info (stats, "abandoned-frames", abandoned);
  detprof_stats_set_info (stats, "dropped-events", dropped);
  detprof_stats_set_info (stats, "out-of-memory", out_of_memory);
  detprof_stats_set_info (stats, "unrecorded-calls", unrecorded);
  for (how = 0; how < DETPROF_N_DEPARTURES; how++)
    {
      g_autofree char *left = g_strdup_printf ("%" G_GINT64_FORMAT, detprof_profiler_get_left_frames (self, how));

      detprof_stats_set_info (stats, left_keys[how], left);
    }
}

/**
 * detprof_profiler_create_stats:
 * @self: a #DetprofProfiler
 * @error: return location for a #GError
 *
 * Closes every open frame (detprof_profiler_simulate_cmd_complete()),
 * merges the tables of all threads, resolves each function's address to
 * its file, line and name, and returns the statistics, in seconds. The
 * profiler keeps its tables, so calling this again gives the same numbers
 * plus whatever ran in between.
 *
 * Returns: (transfer full) (nullable): the statistics
 *
 * Since: 0.1
 */
DetprofStats *
detprof_profiler_create_stats (DetprofProfiler  *self,
                               GError          **error)
{
  DetprofProfilerPrivate *priv;
  StatsBuilder builder = { 0 };
  guint i;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  priv = detprof_profiler_get_instance_private (self);
  detprof_profiler_simulate_cmd_complete (self);

  builder.profiler = self;
  builder.stats = detprof_stats_new ();

  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len; i++)
    add_thread_to_stats (&builder, g_ptr_array_index (priv->threads, i), priv->timer->timeunit);
  g_mutex_unlock (&threads_lock);

  g_clear_pointer (&builder.symbolizer, _detprof_symbolizer_free);
  record_run_facts (self, builder.stats);
  _detprof_stats_finish (builder.stats);
  return builder.stats;
}

/**
 * detprof_profiler_dump_stats:
 * @self: a #DetprofProfiler
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes the statistics in the format Python's pstats loads. The file is
 * replaced atomically: it is either the old one or the complete new one.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_dump_stats (DetprofProfiler  *self,
                             const char       *path,
                             GError          **error)
{
  g_autoptr(DetprofStats) stats = NULL;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stats = detprof_profiler_create_stats (self, error);
  if (stats == NULL)
    return FALSE;
  return detprof_stats_dump (stats, path, error);
}

/**
 * detprof_profiler_print_stats:
 * @self: a #DetprofProfiler
 * @sort: (nullable): a pstats sort key ("stdname", "cumulative", ...);
 *   %NULL for standard name
 * @error: return location for a #GError
 *
 * Prints the statistics to standard output as Python's
 * `Stats(profiler).strip_dirs().sort_stats(sort).print_stats()` does,
 * followed by a warning line naming the functions with negative times
 * (a bias larger than their real overhead), if there are any, and by the
 * counts of frames the call tree could not place exactly (abandoned
 * frames, unmatched returns, dropped events) and of frames the program
 * left without returning, if there are any.
 *
 * Returns: %TRUE, or %FALSE with @error set for an unknown sort key
 *
 * Since: 0.1
 */
gboolean
detprof_profiler_print_stats (DetprofProfiler  *self,
                              const char       *sort,
                              GError          **error)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *keys[2] = { sort != NULL ? sort : "stdname", NULL };

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stats = detprof_profiler_create_stats (self, error);
  if (stats == NULL)
    return FALSE;
  detprof_stats_strip_dirs (stats);
  if (!detprof_stats_sort (stats, keys, error))
    return FALSE;
  detprof_stats_print_stats (stats, out, NULL, 0);
  _detprof_browser_append_negative_warning (stats, out);
  _detprof_browser_append_reconstruction_notes (stats, out);
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  return TRUE;
}

static gint64
sum_counter (DetprofProfiler *self,
             gsize            offset)
{
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);
  gint64 sum = 0;
  guint i;

  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len; i++)
    sum += G_STRUCT_MEMBER (gint64, g_ptr_array_index (priv->threads, i), offset);
  g_mutex_unlock (&threads_lock);
  return sum;
}

/**
 * detprof_profiler_get_unmatched_returns:
 * @self: a #DetprofProfiler
 *
 * Counts the return events, over all threads, that matched no open frame.
 *
 * Returns: how many return events matched no frame (functions entered
 *   before profiling began); they are otherwise ignored
 *
 * Since: 0.1
 */
gint64
detprof_profiler_get_unmatched_returns (DetprofProfiler *self)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0);
  return sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, unmatched_returns));
}

/**
 * detprof_profiler_get_abandoned_frames:
 * @self: a #DetprofProfiler
 *
 * Counts the frames, over all threads, closed without a return event.
 *
 * Returns: how many frames were closed without a return event, because a
 *   later return belonged to a frame below them: their exits were missed
 *   (a long jump or an exception the profiler did not see), and where
 *   each ended is a guess
 *
 * Since: 0.1
 */
gint64
detprof_profiler_get_abandoned_frames (DetprofProfiler *self)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0);
  return sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, abandoned_frames));
}

/**
 * detprof_profiler_get_dropped_events:
 * @self: a #DetprofProfiler
 *
 * Counts the events, over all threads, that arrived while the dispatcher
 * was busy.
 *
 * Returns: how many events arrived while the dispatcher was busy (from a
 *   signal handler, or from a subclass's own dispatch code) and were
 *   dropped
 *
 * Since: 0.1
 */
gint64
detprof_profiler_get_dropped_events (DetprofProfiler *self)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0);
  return sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, dropped_events));
}

/**
 * detprof_profiler_get_left_frames:
 * @self: a #DetprofProfiler
 * @how: the way the program left them
 *
 * Counts the frames, over all threads, that the program was seen to leave
 * without returning, @how (see #DetprofDeparture). Unlike abandoned
 * frames, these were closed exactly where the program left them.
 *
 * Returns: how many frames the program left @how
 *
 * Since: 0.1
 */
gint64
detprof_profiler_get_left_frames (DetprofProfiler  *self,
                                  DetprofDeparture  how)
{
  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0);
  g_return_val_if_fail (how < DETPROF_N_DEPARTURES, 0);
  return sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, left_frames) + how * sizeof (gint64));
}

/**
 * detprof_profiler_get_n_threads:
 * @self: a #DetprofProfiler
 *
 * Counts the threads that have sent events to @self; their tables are
 * kept until @self is finalized.
 *
 * Returns: how many threads have sent events to @self
 *
 * Since: 0.1
 */
guint
detprof_profiler_get_n_threads (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv;
  guint n;

  g_return_val_if_fail (DETPROF_IS_PROFILER (self), 0);

  priv = detprof_profiler_get_instance_private (self);
  g_mutex_lock (&threads_lock);
  n = priv->threads->len + priv->n_ended - (priv->ended != NULL ? 1 : 0);
  g_mutex_unlock (&threads_lock);
  return n;
}

/**
 * detprof_thread_state_get_depth:
 * @thread: a thread's state, as given to a dispatch method
 *
 * Gets the depth of the thread's frame stack: 0 before the first call, 1
 * inside the outermost function. After chaining up, a dispatch_call
 * override sees the new frame counted.
 *
 * Returns: how many frames are open on this thread's stack
 *
 * Since: 0.1
 */
gsize
detprof_thread_state_get_depth (const DetprofThreadState *thread)
{
  g_return_val_if_fail (thread != NULL, 0);
  return thread->top - thread->frames;
}

/**
 * detprof_thread_state_get_top_function:
 * @thread: a thread's state, as given to a dispatch method
 *
 * Gets the function of the frame on top of the thread's stack: after the
 * parent's dispatch_call, the function just called.
 *
 * Returns: (nullable): the function on top of the stack, %NULL if none
 *
 * Since: 0.1
 */
gconstpointer
detprof_thread_state_get_top_function (const DetprofThreadState *thread)
{
  g_return_val_if_fail (thread != NULL, NULL);
  return thread->top > thread->frames ? thread->top->function->fn : NULL;
}

/**
 * detprof_thread_state_get_qdata:
 * @thread: a thread's state, as given to a dispatch method
 * @key: a #GQuark naming the data
 *
 * Gets what a subclass stored for this thread with
 * detprof_thread_state_set_qdata_full(). Each thread that runs under a
 * profiler has its own state, so a subclass that keeps something per
 * thread (its own stack, say) needs no lock to reach it: only the thread
 * itself dispatches its events.
 *
 * Returns: (transfer none) (nullable): the data, or %NULL if none is set
 *
 * Since: 0.1
 */
gpointer
detprof_thread_state_get_qdata (DetprofThreadState *thread,
                                GQuark              key)
{
  g_return_val_if_fail (thread != NULL, NULL);
  return g_datalist_id_get_data (&thread->qdata, key);
}

/**
 * detprof_thread_state_set_qdata_full:
 * @thread: a thread's state, as given to a dispatch method
 * @key: a #GQuark naming the data, as for an object's qdata
 * @data: (nullable): the data; %NULL removes it
 * @destroy: (nullable): frees @data when it is replaced or removed, or
 *   when the thread's state goes with its profiler
 *
 * Stores data of a subclass's own for this thread, as an object's qdata
 * does for the object. Call it from a dispatch method, on the thread whose
 * event it is.
 *
 * Since: 0.1
 */
void
detprof_thread_state_set_qdata_full (DetprofThreadState *thread,
                                     GQuark              key,
                                     gpointer            data,
                                     GDestroyNotify      destroy)
{
  g_return_if_fail (thread != NULL);
  g_return_if_fail (key != 0);
  g_datalist_id_set_data_full (&thread->qdata, key, data, destroy);
}
