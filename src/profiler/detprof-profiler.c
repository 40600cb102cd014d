/* detprof-profiler.c: the profiler object.
 *
 * Its construction and properties (the timer, the bias), turning it on
 * and off (the hooks route events to the enabled profiler:
 * detprof-hooks.c), and the calls by which a program or a test hands it
 * events. The dispatch of an event, the heart of it all, is in
 * detprof-dispatch.c; the other parts are listed there.
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

#include "detprof-modules-private.h"
#include "detprof-paths-private.h"
#include "detprof-profiler-private.h"
#include "detprof-timer-private.h"

enum
{
  PROP_0,
  PROP_TIMER,
  PROP_BIAS,
  PROP_MAX_PATH_NODES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (DetprofProfiler, detprof_profiler, G_TYPE_OBJECT)

/* Where the private data is in an instance: for the other files of the
 * profiler, as G_DEFINE_TYPE_WITH_PRIVATE gives it to this one. */
gint _detprof_profiler_private_offset;

/* ---- GObject ---- */

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
  _detprof_profiler_update_bias_units (self);
}

static void
detprof_profiler_finalize (GObject *object)
{
  DetprofProfiler *self = DETPROF_PROFILER (object);
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  _detprof_profiler_forget_cached_thread (self);
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
    case PROP_MAX_PATH_NODES:
      g_value_set_uint (value, priv->max_path_nodes);
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
    case PROP_MAX_PATH_NODES:
      priv->max_path_nodes = g_value_get_uint (value);
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

  _detprof_profiler_private_offset = DetprofProfiler_private_offset;
  _detprof_dispatch_install (klass);
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

  /**
   * DetprofProfiler:max-path-nodes:
   *
   * The most nodes a thread's calling-context tree may have: the paths
   * of the statistics (detprof_stats_get_path_node()). A call that would
   * need a node past it is counted in the pstats tables as ever, but is
   * left out of the paths, and counted as unplaced (the run fact
   * "path-unplaced-calls"). A node takes about 100 bytes. A change
   * applies to the threads that meet the profiler afterwards.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_PATH_NODES] =
    g_param_spec_uint ("max-path-nodes", NULL, NULL, 1, G_MAXUINT - 2, DETPROF_DEFAULT_MAX_PATH_NODES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
detprof_profiler_init (DetprofProfiler *self)
{
  static guint64 next_serial = 1;
  DetprofProfilerPrivate *priv = detprof_profiler_get_instance_private (self);

  priv->serial = __atomic_fetch_add (&next_serial, 1, __ATOMIC_RELAXED);
  priv->bias_spread = -1.0;
  priv->speed_variation = -1.0;
  priv->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) _detprof_thread_state_free);
  priv->names = _detprof_profiler_names_new ();
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
  mine = _detprof_profiler_get_cached_thread (self);

  _detprof_profiler_lock_threads ();
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
  _detprof_profiler_unlock_threads ();
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
