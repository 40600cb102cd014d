/* detprof-departures.c: frames the program leaves without returning.
 *
 * -finstrument-functions makes an exit event at every return, and at
 * nothing else. A program leaves frames three other ways:
 *
 *   longjmp()     back to the frame that called setjmp(): the frames above
 *                 it are gone, with no exit events;
 *   exceptions    clang's unwinder calls no exit hooks (gcc's does: its
 *                 exit call sits in a cleanup, so gcc builds need nothing
 *                 here);
 *   thread exit   pthread_exit() or cancellation ends the thread wherever
 *                 it is.
 *
 * Each is watched where it happens, never guessed from stack addresses:
 * the agent wraps setjmp() and longjmp(), __cxa_begin_catch() and the
 * thread's end (detprof-interpose.c, detprof-hooks.c), and calls the
 * functions below on the thread that leaves. They close the frames left,
 * charging the time since the last event to the frame that was running
 * (the one on top) and no more to the frames below it, and count them
 * per way (detprof_profiler_get_left_frames()): these counts are exact
 * facts about the run, unlike the abandoned frames of a missed exit.
 *
 * A departure is not an event: no bias is taken off, since no hook ran
 * (the wrapper's own cost is a few nanoseconds once per jump).
 */
#include "config.h"

#include "detprof-profiler-private.h"

/* A table of jump targets grows with the distinct jmp_buf addresses the
 * thread has used; past this size, targets whose frames are gone are
 * dropped. */
#define JUMP_TARGETS_PRUNE_AT 4096

/* Closes the frames above @survivor, as the program left them. */
static void
leave_frames (DetprofProfiler    *self,
              DetprofThreadState *thread,
              DetprofFrame       *survivor,
              DetprofDeparture    how)
{
  DetprofProfilerClass *klass = DETPROF_PROFILER_GET_CLASS (self);
  double delta;

  if (thread->top <= survivor)
    return;

  delta = klass->read_timer (self) - thread->t;
  while (thread->top > survivor)
    {
      pop_frame (thread, delta);
      delta = 0.0;
      thread->left_frames[how]++;
    }
  thread->t = klass->read_timer (self);
}

/* Whether @target still names a frame on the stack: the frame that set it
 * may have returned since (jumping there then is undefined behaviour, and
 * its address may have been reused for another buffer). */
static gboolean
jump_target_is_live (const DetprofThreadState *thread,
                     const DetprofJumpTarget  *target)
{
  return target->depth <= (gsize) (thread->top - thread->frames)
         && thread->frames[target->depth].function->fn == target->fn;
}

static gboolean
jump_target_is_stale (gpointer key,
                      gpointer value,
                      gpointer user_data)
{
  return !jump_target_is_live (user_data, value);
}

void
_detprof_departures_jump_target (DetprofThreadState *thread,
                                 gconstpointer       target)
{
  DetprofJumpTarget *jump;

  if (thread->jump_targets == NULL)
    thread->jump_targets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);

  jump = g_hash_table_lookup (thread->jump_targets, target);
  if (jump == NULL)
    {
      if (g_hash_table_size (thread->jump_targets) >= JUMP_TARGETS_PRUNE_AT)
        g_hash_table_foreach_remove (thread->jump_targets, jump_target_is_stale, thread);
      jump = g_new (DetprofJumpTarget, 1);
      g_hash_table_insert (thread->jump_targets, (gpointer) target, jump);
    }
  jump->depth = thread->top - thread->frames;
  jump->fn = thread->top->function->fn;
}

gboolean
_detprof_departures_long_jump (DetprofProfiler    *self,
                               DetprofThreadState *thread,
                               gconstpointer       target)
{
  DetprofJumpTarget *jump;

  /* A target set before profiling began, or by code whose setjmp() we do
   * not see (the C library's own): the frames left are found at the next
   * return of an older frame, and counted as abandoned. */
  if (thread->jump_targets == NULL
      || (jump = g_hash_table_lookup (thread->jump_targets, target)) == NULL
      || !jump_target_is_live (thread, jump))
    return FALSE;

  leave_frames (self, thread, thread->frames + jump->depth, DETPROF_DEPARTURE_LONGJMP);
  return TRUE;
}

void
_detprof_departures_catch (DetprofProfiler    *self,
                           DetprofThreadState *thread,
                           guintptr            stack)
{
  DetprofFrame *survivor = thread->top;

  /* The catching frame's own hooks, and those of functions inlined into
   * it, ran at its stack address; the frames it called ran below. The
   * root's address is above every other, and a frame of unknown address
   * (0) stops the search. */
  while (survivor->stack != 0 && survivor->stack < stack)
    survivor--;
  leave_frames (self, thread, survivor, DETPROF_DEPARTURE_EXCEPTION);
}

void
_detprof_departures_thread_exit (DetprofProfiler    *self,
                                 DetprofThreadState *thread)
{
  leave_frames (self, thread, thread->frames, DETPROF_DEPARTURE_THREAD_EXIT);
}

/* ---- the public API: the same, on the calling thread's state ---- */

/* The calling thread's state, marked busy; NULL (the call dropped and
 * counted) if the thread is inside the dispatcher already. */
static DetprofThreadState *
begin (DetprofProfiler *self)
{
  DetprofThreadState *thread = _detprof_profiler_get_thread_state (self);

  if (thread->busy)
    {
      thread->dropped_events++;
      return NULL;
    }
  thread->busy = TRUE;
  return thread;
}

/**
 * detprof_profiler_note_jump_target:
 * @self: a #DetprofProfiler
 * @target: the jump target (the jmp_buf's address)
 *
 * Tells the profiler that the function on top of the calling thread's
 * stack has set a jump target, as setjmp() does. The agent calls this
 * from its setjmp() wrappers; tests and hand-driven profilers call it
 * themselves.
 *
 * Since: 0.1
 */
void
detprof_profiler_note_jump_target (DetprofProfiler *self,
                                   gconstpointer    target)
{
  DetprofThreadState *thread;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (target != NULL);

  if ((thread = begin (self)) == NULL)
    return;
  _detprof_departures_jump_target (thread, target);
  thread->busy = FALSE;
}

/**
 * detprof_profiler_note_long_jump:
 * @self: a #DetprofProfiler
 * @target: the jump target given to detprof_profiler_note_jump_target()
 *
 * Tells the profiler that the calling thread is about to jump to
 * @target, as longjmp() does: the frames above the one that set it are
 * closed now, counted as %DETPROF_DEPARTURE_LONGJMP. A target it was never
 * told of, or whose frame has returned, closes nothing.
 *
 * Since: 0.1
 */
void
detprof_profiler_note_long_jump (DetprofProfiler *self,
                                 gconstpointer    target)
{
  DetprofThreadState *thread;

  g_return_if_fail (DETPROF_IS_PROFILER (self));
  g_return_if_fail (target != NULL);

  if ((thread = begin (self)) == NULL)
    return;
  _detprof_departures_long_jump (self, thread, target);
  thread->busy = FALSE;
}

/**
 * detprof_profiler_note_catch:
 * @self: a #DetprofProfiler
 * @stack: the stack address of the frame catching the exception, measured
 *   as #DetprofEvent's @stack is
 *
 * Tells the profiler that a C++ exception is being caught in the frame at
 * @stack: the frames entered below it are closed now, counted as
 * %DETPROF_DEPARTURE_EXCEPTION. (With gcc, the unwinder has already
 * returned from each of them, and nothing is left to close.)
 *
 * Since: 0.1
 */
void
detprof_profiler_note_catch (DetprofProfiler *self,
                             guintptr         stack)
{
  DetprofThreadState *thread;

  g_return_if_fail (DETPROF_IS_PROFILER (self));

  if ((thread = begin (self)) == NULL)
    return;
  _detprof_departures_catch (self, thread, stack);
  thread->busy = FALSE;
}

/**
 * detprof_profiler_note_thread_exit:
 * @self: a #DetprofProfiler
 *
 * Tells the profiler that the calling thread is ending with frames still
 * open (pthread_exit(), cancellation): they are closed now, counted as
 * %DETPROF_DEPARTURE_THREAD_EXIT.
 *
 * Since: 0.1
 */
void
detprof_profiler_note_thread_exit (DetprofProfiler *self)
{
  DetprofThreadState *thread;

  g_return_if_fail (DETPROF_IS_PROFILER (self));

  if ((thread = begin (self)) == NULL)
    return;
  _detprof_departures_thread_exit (self, thread);
  thread->busy = FALSE;
}
