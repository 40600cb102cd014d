/* detprof-hooks.c: the entry points that -finstrument-functions calls.
 *
 * A program compiled with -finstrument-functions calls
 * __cyg_profile_func_enter (this_fn, call_site) as each function starts and
 * __cyg_profile_func_exit (this_fn, call_site) as it ends. glibc has empty
 * versions of both; these replace them. Each routes the event to the
 * calling thread's state for the enabled profiler.
 *
 * It also routes what the agent's wrappers of the C library see (a
 * setjmp(), a long jump, a caught exception) and the end of each thread
 * that made events, with the same guards: the frames the program leaves
 * without returning (detprof-departures.c).
 *
 * Three things make this harder than it looks:
 *
 * - It must be cheap when it has nothing to do, and cheap when it does: a
 *   thread-local cache holds the thread's state, checked against a
 *   generation number that changes at every enable and disable, and
 *   when the program closes a module: the thread then moves its records
 *   of the module's code out of the way before its next event (see
 *   detprof-modules-private.h), on the slow path.
 * - It must not recurse: a signal handler that runs instrumented code while
 *   the dispatcher is busy, or while the thread's state is being looked up
 *   under a lock, would corrupt the stack or wait for ever. Such events are
 *   counted and dropped.
 * - Disabling must not pull the state from under a thread that is in the
 *   middle of an event: after clearing the generation, disable makes every
 *   thread's memory order catch up (membarrier) and waits until no thread
 *   is busy.
 *
 * This file itself must never be instrumented; the attribute below says
 * so even if someone builds the library with -finstrument-functions.
 */
#include "config.h"

#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-error.h"
#include "detprof-profiler-private.h"

#define NO_INSTRUMENT __attribute__ ((no_instrument_function))

void __cyg_profile_func_enter (void *this_fn,
                               void *call_site) NO_INSTRUMENT;
void __cyg_profile_func_exit (void *this_fn,
                              void *call_site) NO_INSTRUMENT;

/* The generation counts two things, so that one comparison on the fast
 * path sees both: its upper half the enables and disables, which change
 * the state an event goes to; its lower half, in steps of two, the
 * modules closed (after some two billion, that count spills over, as if
 * the profiler had changed). Its lowest bit is never set: a thread's
 * cache has it set while its state is not up to date with the modules
 * closed (see refresh_cache()), so that its next event looks again. */
#define PROFILER_CHANGED (G_GUINT64_CONSTANT (1) << 32)
#define MODULES_CLOSED   2
#define NOT_UP_TO_DATE   1

static GMutex active_lock;                 /* guards active and the changes of profiler */
static DetprofProfiler *active;            /* owned: the profiler events go to */
static guint64 generation = PROFILER_CHANGED;

static pthread_key_t thread_end_key;      /* its destructor runs as a profiled thread ends */

static __thread struct
{
  guint64             generation;
  DetprofThreadState *state;               /* NULL: no profiler in this generation */
  gboolean            refreshing;          /* inside refresh_cache() */
  gint64              dropped;             /* events dropped then, for the state found */
} hook_cache __attribute__ ((tls_model ("initial-exec")));

static void hook_event_refresh (DetprofEventKind kind,
                                void            *fn,
                                void            *call_site,
                                void            *stack) NO_INSTRUMENT G_GNUC_NO_INLINE;

/* Whether generations @a and @b have the same profiler (whatever modules
 * were closed in between). */
static inline gboolean
same_profiler (guint64 a,
               guint64 b)
{
  return (a ^ b) < PROFILER_CHANGED;
}

/* An event, on the calling thread's @state in generation @seen. */
static inline void
handle_hooked_event (DetprofThreadState *state,
                     guint64             seen,
                     DetprofEventKind    kind,
                     void               *fn,
                     void               *call_site,
                     void               *stack) NO_INSTRUMENT;

static inline void
handle_hooked_event (DetprofThreadState *state,
                     guint64             seen,
                     DetprofEventKind    kind,
                     void               *fn,
                     void               *call_site,
                     void               *stack)
{
  DetprofEvent event;

  if (G_UNLIKELY (state->busy))
    {
      state->dropped_events++;
      return;
    }
  state->busy = TRUE;
  /* Pairs with the membarrier in quiesce(): either disable sees busy, or
   * we see the new generation and leave without touching the stack. A
   * module closed meanwhile is not ours to mind: we are not in it. */
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  if (G_LIKELY (same_profiler (__atomic_load_n (&generation, __ATOMIC_RELAXED), seen)))
    {
      event.kind = kind;
      event.fn = fn;
      event.call_site = call_site;
      event.stack = (guintptr) stack;
      _detprof_profiler_handle_event (state->profiler, state, &event);
    }
  __atomic_store_n (&state->busy, FALSE, __ATOMIC_RELEASE);
}

/* The fast path of every event. It keeps only the thread's state alive
 * across the call into the profiler, so that it saves next to no
 * registers: the first event of a generation takes the slow path below
 * instead of calling out from here. The entry points take the stack
 * address (their own frame's), so both paths hand on the same one. */
static inline void
hook_event (DetprofEventKind kind,
            void            *fn,
            void            *call_site,
            void            *stack) NO_INSTRUMENT;

static inline void
hook_event (DetprofEventKind kind,
            void            *fn,
            void            *call_site,
            void            *stack)
{
  guint64 seen = __atomic_load_n (&generation, __ATOMIC_RELAXED);
  DetprofThreadState *state = hook_cache.state;

  if (G_UNLIKELY (hook_cache.generation != seen))
    {
      hook_event_refresh (kind, fn, call_site, stack);
      return;
    }
  if (state == NULL)
    return;
  handle_hooked_event (state, seen, kind, fn, call_site, stack);
}

/* Marks @state busy as @busy and tells whether the profiler is still the
 * one of generation @seen (see handle_hooked_event()). */
static gboolean
begin_departure (DetprofThreadState *state,
                 int                 busy,
                 guint64             seen)
{
  state->busy = busy;
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  return same_profiler (__atomic_load_n (&generation, __ATOMIC_RELAXED), seen);
}

/* Moves @state's records of the code of the modules closed out of the
 * way, before it makes any more; FALSE if it cannot now: it is busy, so
 * this is a signal handler that interrupted the dispatcher, and the next
 * event will. */
static gboolean
retire_closed_modules (DetprofThreadState *state,
                       guint64             seen)
{
  const DetprofClosedModule *last = _detprof_modules_last_closed ();

  if (state->closed_seen == last)
    return TRUE;
  if (state->busy)
    return FALSE;
  /* Busy, so that a disable waits for the tables to be whole. */
  if (begin_departure (state, TRUE, seen))
    _detprof_thread_state_retire_closed_modules (state, last);
  __atomic_store_n (&state->busy, FALSE, __ATOMIC_RELEASE);
  return TRUE;
}

/* Looks up the calling thread's state for the profiler enabled now (if
 * any), brings it up to date with the modules closed, and caches it for
 * this generation (@seen). A thread that meets a profiler is also
 * registered to be told when it ends (see thread_ended()). */
static DetprofThreadState *
refresh_cache (guint64 *seen)
{
  DetprofThreadState *state = NULL;
  gboolean up_to_date = TRUE;

  /* Acquire: pairs with _detprof_hooks_note_modules_closed(), so that the
   * modules closed up to this generation are in the list. */
  *seen = __atomic_load_n (&generation, __ATOMIC_ACQUIRE);

  /* A signal handler that interrupts this (holding the lock, or inside
   * malloc() for a new state, or moving records) and runs instrumented
   * code must not come back in: it would wait for ever for the lock its
   * own thread holds. Its events are dropped, and counted once the state
   * is known. */
  if (hook_cache.refreshing)
    {
      hook_cache.dropped++;
      return NULL;
    }
  hook_cache.refreshing = TRUE;
  __atomic_signal_fence (__ATOMIC_SEQ_CST);

  g_mutex_lock (&active_lock);
  if (active != NULL && same_profiler (__atomic_load_n (&generation, __ATOMIC_RELAXED), *seen))
    state = _detprof_profiler_get_thread_state (active);
  g_mutex_unlock (&active_lock);

  if (state != NULL)
    {
      pthread_setspecific (thread_end_key, &hook_cache);
      up_to_date = retire_closed_modules (state, *seen);
      state->dropped_events += hook_cache.dropped;
      hook_cache.dropped = 0;
    }
  hook_cache.state = state;
  hook_cache.generation = up_to_date ? *seen : (*seen | NOT_UP_TO_DATE);
  __atomic_signal_fence (__ATOMIC_SEQ_CST);
  hook_cache.refreshing = FALSE;
  return state;
}

/* The first event of a thread in a generation: finds the thread's state,
 * and handles the event as usual. */
static void
hook_event_refresh (DetprofEventKind kind,
                    void            *fn,
                    void            *call_site,
                    void            *stack)
{
  guint64 seen;
  DetprofThreadState *state = refresh_cache (&seen);

  if (state != NULL)
    handle_hooked_event (state, seen, kind, fn, call_site, stack);
}

void
__cyg_profile_func_enter (void *this_fn,
                          void *call_site)
{
  hook_event (DETPROF_EVENT_CALL, this_fn, call_site, __builtin_frame_address (0));
}

void
__cyg_profile_func_exit (void *this_fn,
                         void *call_site)
{
  hook_event (DETPROF_EVENT_RETURN, this_fn, call_site, __builtin_frame_address (0));
}

/* ---- departures: frames the program leaves without returning ---- */

/* The calling thread's state in the generation now (@seen), or NULL if
 * no profiler is enabled. */
static DetprofThreadState *
current_state (guint64 *seen)
{
  *seen = __atomic_load_n (&generation, __ATOMIC_RELAXED);
  if (G_UNLIKELY (hook_cache.generation != *seen))
    return refresh_cache (seen);
  return hook_cache.state;
}

/* setjmp() and its kin, just before the C library's runs. */
void
_detprof_hooks_note_jump_target (const void *target)
{
  guint64 seen;
  DetprofThreadState *state = current_state (&seen);

  /* Changes to the jump targets never nest: inside a signal handler that
   * interrupted the profiler, the target is not recorded, and a jump to
   * it is not seen. */
  if (state == NULL || state->busy)
    return;
  if (begin_departure (state, DETPROF_BUSY_JUMP_TARGETS, seen))
    _detprof_departures_jump_target (state, target);
  __atomic_store_n (&state->busy, FALSE, __ATOMIC_RELEASE);
}

/* longjmp() and its kin, just before the C library's runs. */
void
_detprof_hooks_note_long_jump (const void *target)
{
  guint64 seen;
  DetprofThreadState *state = current_state (&seen);
  int was_busy;
  gboolean left = FALSE;

  if (state == NULL)
    return;

  /* busy: a signal handler that interrupted the profiler is jumping out.
   * Targets are never recorded inside such a handler, so a known one is
   * outside it: what was interrupted will never finish. A frame push is
   * whole or absent (publish_frame()), a change to the jump targets
   * leaves a table that reads whole; an interrupted event is counted as
   * dropped. A jump to an unknown target may stay inside the handler, so
   * the thread stays busy. */
  was_busy = state->busy;
  if (begin_departure (state, TRUE, seen))
    left = _detprof_departures_long_jump (state->profiler, state, target);
  if (left && was_busy == TRUE)
    state->dropped_events++;
  __atomic_store_n (&state->busy, left ? FALSE : was_busy, __ATOMIC_RELEASE);
}

/* __cxa_begin_catch(): a C++ exception is caught in the frame at @stack. */
void
_detprof_hooks_note_catch (guintptr stack)
{
  guint64 seen;
  DetprofThreadState *state = current_state (&seen);

  /* No exception unwinds through the profiler's own (C) frames. */
  if (state == NULL || state->busy)
    return;
  if (begin_departure (state, TRUE, seen))
    _detprof_departures_catch (state->profiler, state, stack);
  __atomic_store_n (&state->busy, FALSE, __ATOMIC_RELEASE);
}

/* The destructor of thread_end_key: a profiled thread ends. Its frames
 * still open were left by pthread_exit() or cancellation (a thread that
 * returns from its start routine has returned from all of them). If the
 * thread was cancelled inside the profiler, that event never finishes. */
static void
thread_ended (void *data)
{
  guint64 seen = __atomic_load_n (&generation, __ATOMIC_RELAXED);
  DetprofThreadState *state = same_profiler (hook_cache.generation, seen) ? hook_cache.state : NULL;
  int was_busy;
  gboolean current;

  if (state == NULL)
    return;
  was_busy = state->busy;
  current = begin_departure (state, TRUE, seen);
  /* The state goes: events of this thread after this point (from other
   * thread-specific destructors) find none, and are not counted. */
  hook_cache.state = NULL;
  if (current)
    {
      if (was_busy)
        state->dropped_events++;
      _detprof_departures_thread_exit (state->profiler, state);
      /* Still busy, so that a disable waits: once freed, the state is
       * out of the profiler's list, where a disable looks. */
      if (_detprof_profiler_thread_ended (state->profiler, state))
        return;
    }
  __atomic_store_n (&state->busy, FALSE, __ATOMIC_RELEASE);
}

/* Makes every other thread's stores visible to us, and ours to them, as if
 * each had run a full memory barrier. */
static void
barrier_all_threads (void)
{
  static int registered = -1;

  if (registered == -1)
    registered = syscall (SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0;
  if (registered && syscall (SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == 0)
    return;
  if (syscall (SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0) == 0)
    return;
  /* No membarrier: an event takes well under a microsecond. */
  g_usleep (1000);
}

/* Waits until no thread is inside an event of @profiler's, which was the
 * active one in generation @ended. A thread stuck busy for a second
 * (stopped by a debugger, say) is left alone. */
static void
quiesce (DetprofProfiler *profiler,
         guint64          ended)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  /* Our own state, if this thread made events in that generation; an
   * older cache may point at a state long freed, and is not looked at. */
  DetprofThreadState *mine = same_profiler (hook_cache.generation, ended) ? hook_cache.state : NULL;

  barrier_all_threads ();
  for (;;)
    {
      DetprofThreadState *state = _detprof_profiler_get_busy_thread (profiler, mine);

      if (state == NULL || g_get_monotonic_time () > deadline)
        break;
      sched_yield ();
    }
}

static void
fork_prepare (void)
{
  g_mutex_lock (&active_lock);
  _detprof_profiler_fork_prepare ();
}

static void
fork_parent (void)
{
  _detprof_profiler_fork_parent ();
  g_mutex_unlock (&active_lock);
}

static void
fork_child (void)
{
  g_mutex_init (&active_lock);
  _detprof_profiler_fork_child (active);
}

gboolean
_detprof_hooks_set_active (DetprofProfiler  *profiler,
                           GError          **error)
{
  static gsize atfork_registered = 0;
  gboolean ok = TRUE;

  if (g_once_init_enter (&atfork_registered))
    {
      pthread_atfork (fork_prepare, fork_parent, fork_child);
      pthread_key_create (&thread_end_key, thread_ended);
      g_once_init_leave (&atfork_registered, 1);
    }

  g_mutex_lock (&active_lock);
  if (active == profiler)
    ;
  else if (active != NULL)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_FAILED,
                   "another profiler is already enabled in this process");
      ok = FALSE;
    }
  else
    {
      active = g_object_ref (profiler);
      __atomic_add_fetch (&generation, PROFILER_CHANGED, __ATOMIC_SEQ_CST);
    }
  g_mutex_unlock (&active_lock);
  return ok;
}

void
_detprof_hooks_clear_active (DetprofProfiler *profiler)
{
  DetprofProfiler *old = NULL;
  guint64 ended = 0;

  g_mutex_lock (&active_lock);
  if (active == profiler)
    {
      old = active;
      active = NULL;
      ended = __atomic_fetch_add (&generation, PROFILER_CHANGED, __ATOMIC_SEQ_CST);
    }
  g_mutex_unlock (&active_lock);

  if (old != NULL)
    {
      quiesce (old, ended);
      g_object_unref (old);
    }
}

/* The agent's dlclose() unmapped modules, now in the list of closed
 * modules (detprof-modules.c): every thread takes the slow path at its
 * next event, and moves its records of their code out of the way. */
void
_detprof_hooks_note_modules_closed (void)
{
  __atomic_add_fetch (&generation, MODULES_CLOSED, __ATOMIC_SEQ_CST);
}

DetprofProfiler *
_detprof_hooks_get_active (void)
{
  DetprofProfiler *profiler;

  g_mutex_lock (&active_lock);
  profiler = active;
  g_mutex_unlock (&active_lock);
  return profiler;
}
