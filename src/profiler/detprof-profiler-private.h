/* detprof-profiler-private.h: what the files of the profiler share, and
 * what the hooks need from it.
 *
 * The profiler is one GObject type written in several files, one idea
 * each: detprof-profiler.c (the object and its API), detprof-dispatch.c
 * (an event), detprof-bias.c, detprof-profiler-threads.c (finding a
 * thread's state) and detprof-profiler-stats.c (making statistics).
 */
#pragma once

#include "detprof-profiler.h"
#include "detprof-symbols-private.h"
#include "detprof-thread-private.h"

G_BEGIN_DECLS

typedef struct
{
  DetprofTimer *timer;        /* owned */
  double        bias;         /* seconds per event (the constant model) */
  gboolean      has_pairs;    /* a bias per pair of event kinds was set */
  double        pairs[4];     /* seconds: call->call, call->return, return->call, return->return */
  double        bias_units[2][2];  /* [previous kind][kind], in the timer's unit: what each event takes off */
  double        bias_spread;  /* seconds: how far one stretch's hidden cost was measured to stray from
                               * the bias taken off for it; < 0 when not measured (then no bounds) */
  double        speed_variation;  /* how far the machine's speed was measured to stray, as a share;
                                   * < 0 when not measured */
  guint64       serial;       /* unique among all profilers of the process */
  GPtrArray    *threads;      /* owned DetprofThreadState, in order of first event; threads lock */
  DetprofThreadState *ended;  /* in threads: the tables of the threads that ended, added up */
  guint         n_ended;      /* how many threads were added into it */
  guint         n_out_of_memory;  /* threads whose state could not be made */
  GHashTable   *names;        /* fn -> its name, from detprof_profiler_name_function() */
  guint         max_path_nodes;  /* the bound on each thread's calling-context tree */
  GMutex        lookup_lock;  /* guards symbolizer */
  DetprofSymbolizer *symbolizer;  /* owned, for detprof_profiler_lookup_function(); made on first use */
} DetprofProfilerPrivate;

/* Set once, when the class is made (detprof-profiler.c). */
G_GNUC_INTERNAL extern gint _detprof_profiler_private_offset;

static inline DetprofProfilerPrivate *
_detprof_profiler_get_private (DetprofProfiler *self)
{
  return (DetprofProfilerPrivate *) G_STRUCT_MEMBER_P (self, _detprof_profiler_private_offset);
}

/* detprof-dispatch.c: sets the class's dispatch steps to the defaults. */
void                _detprof_dispatch_install (DetprofProfilerClass *klass);

/* detprof-bias.c: fills bias_units from the bias, after a change. */
void                _detprof_profiler_update_bias_units (DetprofProfiler *self);

/* detprof-profiler-stats.c: an empty table of names. */
GHashTable         *_detprof_profiler_names_new (void);

/* detprof-profiler-threads.c. The lock guards every profiler's list of
 * threads; an event never takes it. */
void                _detprof_profiler_lock_threads (void);
void                _detprof_profiler_unlock_threads (void);
DetprofThreadState *_detprof_profiler_get_cached_thread (DetprofProfiler *self);
void                _detprof_profiler_forget_cached_thread (DetprofProfiler *self);
/* The sum over threads of the gint64 counter at @offset in a
 * DetprofThreadState; the threads in which memory ran out. */
gint64              _detprof_profiler_sum_counter (DetprofProfiler *self,
                                                   gsize            offset);
guint               _detprof_profiler_count_out_of_memory (DetprofProfiler *self);

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
 * it never ran): calibration reads its workload's numbers this way, and
 * tests the counts of stretches. */
void                _detprof_profiler_function_totals (DetprofProfiler *self,
                                                       gconstpointer    fn,
                                                       DetprofTotals   *out);

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
