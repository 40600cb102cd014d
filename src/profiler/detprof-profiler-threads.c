/* detprof-profiler-threads.c: how an event finds its thread's state.
 *
 * A profiler keeps one DetprofThreadState per thread that has met it
 * (detprof-thread.c), in a list guarded by one lock. The lock is taken
 * only when a thread meets a profiler for the first time, when a thread
 * ends, and when statistics are made: an event finds its state through a
 * thread-local cache, without a lock. When a thread ends, its tables are
 * added into one state that stands for every thread that ended, so that
 * memory does not grow with threads that are gone. fork () is handled
 * here too: the child has one thread, and the lock may have been held by
 * one that is gone.
 */
#include "config.h"

#include <string.h>

#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-modules-private.h"
#include "detprof-paths-private.h"
#include "detprof-profiler-private.h"

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

void
_detprof_profiler_lock_threads (void)
{
  g_mutex_lock (&threads_lock);
}

void
_detprof_profiler_unlock_threads (void)
{
  g_mutex_unlock (&threads_lock);
}

/* The calling thread's state for @self if it has met @self, else NULL. */
DetprofThreadState *
_detprof_profiler_get_cached_thread (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);

  return thread_cache.serial == priv->serial ? thread_cache.state : NULL;
}

/* @self is going: the calling thread's cache must not point into it. */
void
_detprof_profiler_forget_cached_thread (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);

  if (thread_cache.serial == priv->serial)
    {
      thread_cache.serial = 0;
      thread_cache.state = NULL;
    }
}

/* NULL when memory runs out (counted: the "out-of-memory" run fact). */
DetprofThreadState *
_detprof_profiler_get_thread_state (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
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
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  gboolean freed = FALSE;

  if (thread_cache.state == state)
    {
      thread_cache.serial = 0;
      thread_cache.state = NULL;
    }
  _detprof_paths_thread_ends (state);

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
                                   DetprofTotals   *out)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  guint i;

  memset (out, 0, sizeof *out);
  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len; i++)
    {
      DetprofThreadState *state = g_ptr_array_index (priv->threads, i);
      DetprofFunction *function = _detprof_thread_state_find_function (state, fn);

      if (function == NULL)
        continue;
      out->nc += function->totals.nc;
      out->cc += function->totals.cc;
      out->active += function->totals.active;
      out->tt += function->totals.tt;
      out->ct += function->totals.ct;
      out->n_tt += function->totals.n_tt;
      out->n_ct += function->totals.n_ct;
    }
  g_mutex_unlock (&threads_lock);
}

DetprofThreadState *
_detprof_profiler_get_busy_thread (DetprofProfiler    *self,
                                   DetprofThreadState *skip)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
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
      DetprofProfilerPrivate *priv = _detprof_profiler_get_private (active);
      guint i;

      for (i = 0; i < priv->threads->len; i++)
        {
          DetprofThreadState *state = g_ptr_array_index (priv->threads, i);

          if (state != thread_cache.state)
            state->busy = FALSE;
        }
    }
}

gint64
_detprof_profiler_sum_counter (DetprofProfiler *self,
             gsize            offset)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  gint64 sum = 0;
  guint i;

  g_mutex_lock (&threads_lock);
  for (i = 0; i < priv->threads->len; i++)
    sum += G_STRUCT_MEMBER (gint64, g_ptr_array_index (priv->threads, i), offset);
  g_mutex_unlock (&threads_lock);
  return sum;
}

/* The threads in which memory ran out: some of their calls (or all) went
 * unrecorded. */
guint
_detprof_profiler_count_out_of_memory (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
  guint n, i;

  g_mutex_lock (&threads_lock);
  n = priv->n_out_of_memory;
  for (i = 0; i < priv->threads->len; i++)
    n += ((DetprofThreadState *) g_ptr_array_index (priv->threads, i))->out_of_memory;
  g_mutex_unlock (&threads_lock);
  return n;
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
  return _detprof_profiler_sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, unmatched_returns));
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
  return _detprof_profiler_sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, abandoned_frames));
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
  return _detprof_profiler_sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, dropped_events));
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
  return _detprof_profiler_sum_counter (self, G_STRUCT_OFFSET (DetprofThreadState, left_frames) + how * sizeof (gint64));
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

  priv = _detprof_profiler_get_private (self);
  g_mutex_lock (&threads_lock);
  n = priv->threads->len + priv->n_ended - (priv->ended != NULL ? 1 : 0);
  g_mutex_unlock (&threads_lock);
  return n;
}
