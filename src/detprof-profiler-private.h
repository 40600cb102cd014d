/* detprof-profiler-private.h: what the hooks need from the profiler. */
#pragma once

#include "detprof-profiler.h"
#include "detprof-thread-private.h"

G_BEGIN_DECLS

/* One event, already routed to the calling thread's state, handed to the
 * class's handle_event. The caller guards against re-entry. */
static inline void
_detprof_profiler_handle_event (DetprofProfiler    *self,
                                DetprofThreadState *thread,
                                const DetprofEvent *event)
{
  DETPROF_PROFILER_GET_CLASS (self)->handle_event (self, thread, event);
}

/* The calling thread's state for this profiler, made on first use. */
DetprofThreadState *_detprof_profiler_get_thread_state (DetprofProfiler *self);

/* The calling thread's state, marked busy, for an event or a departure
 * handed in through the API; NULL (dropped, and counted) if it is busy
 * already, or has no state. The caller clears busy. */
DetprofThreadState *_detprof_profiler_enter (DetprofProfiler *self);

/* The calling thread, which made events for @self on @state, ends;
 * TRUE if @state was freed. */
gboolean            _detprof_profiler_thread_ended (DetprofProfiler    *self,
                                                    DetprofThreadState *state);

/* The totals of the function @fn, summed over @self's threads (zeros if
 * it never ran): calibration reads its workload's numbers this way. */
void                _detprof_profiler_function_totals (DetprofProfiler *self,
                                                       gconstpointer    fn,
                                                       gint64          *nc,
                                                       gint64          *cc,
                                                       double          *tt);

/* A thread of @self's other than @skip that is inside an event, or NULL. */
DetprofThreadState *_detprof_profiler_get_busy_thread (DetprofProfiler    *self,
                                                       DetprofThreadState *skip);

/* Frames the program leaves without returning (detprof-departures.c),
 * on a thread's state the caller has marked busy. */
void                _detprof_departures_jump_target (DetprofThreadState *thread,
                                                     gconstpointer       target);
/* FALSE if @target is unknown or its frame is gone: nothing was closed. */
gboolean            _detprof_departures_long_jump (DetprofProfiler    *self,
                                                   DetprofThreadState *thread,
                                                   gconstpointer       target);
void                _detprof_departures_catch (DetprofProfiler    *self,
                                               DetprofThreadState *thread,
                                               guintptr            stack);
void                _detprof_departures_thread_exit (DetprofProfiler    *self,
                                                     DetprofThreadState *thread);

void                _detprof_profiler_fork_prepare (void);
void                _detprof_profiler_fork_parent (void);
void                _detprof_profiler_fork_child (DetprofProfiler *active);

/* The profiler the hooks route events to (detprof-hooks.c). */
gboolean            _detprof_hooks_set_active (DetprofProfiler  *profiler,
                                               GError          **error);
void                _detprof_hooks_clear_active (DetprofProfiler *profiler);
DetprofProfiler    *_detprof_hooks_get_active (void);

/* What the agent's wrappers of the C library tell the hooks, on the
 * calling thread (detprof-interpose.c): each is routed to the enabled
 * profiler, if any, with the same guards as an event. */
void                _detprof_hooks_note_jump_target (const void *target);
void                _detprof_hooks_note_long_jump (const void *target);
void                _detprof_hooks_note_catch (guintptr stack);
/* The agent's dlclose() added modules to the closed ones
 * (detprof-modules-private.h): each thread moves its records of their
 * code out of the way at its next event. */
void                _detprof_hooks_note_modules_closed (void);

G_END_DECLS
