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

#define JUMP_TARGETS_INITIAL 16   /* a power of two */

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

/* ---- the table of jump targets ----
 *
 * It is read when the program jumps, which is often from a signal
 * handler, and the handler may have interrupted a change to it (a
 * setjmp() of the program's). So a slot's target is written last, after
 * its depth and function, and a table that grows is copied and then
 * replaced by one pointer store: a reader finds either the old table or
 * the new one, whole. Changes themselves never nest (the thread is marked
 * busy), so the old table is freed at once: an interrupting handler has
 * finished with it before the change goes on. */

static DetprofJumpTarget *
find_jump_target (const DetprofJumpTargets *table,
                  gconstpointer             target)
{
  gsize i = g_direct_hash (target) & table->mask;

  while (table->slots[i].target != NULL)
    {
      if (table->slots[i].target == target)
        return (DetprofJumpTarget *) &table->slots[i];
      i = (i + 1) & table->mask;
    }
  return NULL;
}

static DetprofJumpTarget *
add_jump_target (DetprofJumpTargets *table,
                 gconstpointer       target,
                 gsize               depth,
                 gconstpointer       fn)
{
  gsize i = g_direct_hash (target) & table->mask;

  while (table->slots[i].target != NULL)
    i = (i + 1) & table->mask;
  table->slots[i].depth = depth;
  table->slots[i].fn = fn;
  __atomic_signal_fence (__ATOMIC_RELEASE);
  table->slots[i].target = target;
  table->used++;
  return &table->slots[i];
}

/* A table with room for one more, holding the targets of @old whose
 * frames are still open (only those can be jumped to). */
static DetprofJumpTargets *
renew_jump_targets (const DetprofThreadState *thread,
                    const DetprofJumpTargets *old)
{
  gsize live = 0, capacity = JUMP_TARGETS_INITIAL, i;
  DetprofJumpTargets *table;

  for (i = 0; old != NULL && i <= old->mask; i++)
    if (old->slots[i].target != NULL && jump_target_is_live (thread, &old->slots[i]))
      live++;
  while ((live + 1) * 2 > capacity)
    capacity *= 2;

  table = g_malloc0 (sizeof (DetprofJumpTargets) + capacity * sizeof (DetprofJumpTarget));
  table->mask = capacity - 1;
  for (i = 0; old != NULL && i <= old->mask; i++)
    if (old->slots[i].target != NULL && jump_target_is_live (thread, &old->slots[i]))
      add_jump_target (table, old->slots[i].target, old->slots[i].depth, old->slots[i].fn);
  return table;
}

void
_detprof_departures_jump_target (DetprofThreadState *thread,
                                 gconstpointer       target)
{
  gsize depth = thread->top - thread->frames;
  gconstpointer fn = thread->top->function->fn;
  DetprofJumpTarget *jump;

  jump = (thread->jump_targets != NULL) ? find_jump_target (thread->jump_targets, target) : NULL;
  if (jump != NULL)
    {
      /* A reader that sees one field changed and not the other finds a
       * target gone stale, and closes nothing. */
      jump->depth = depth;
      jump->fn = fn;
      return;
    }

  if (thread->jump_targets == NULL || (thread->jump_targets->used + 1) * 2 > thread->jump_targets->mask + 1)
    {
      DetprofJumpTargets *old = thread->jump_targets;
      DetprofJumpTargets *table = renew_jump_targets (thread, old);

      __atomic_store_n (&thread->jump_targets, table, __ATOMIC_RELEASE);
      g_free (old);
    }
  add_jump_target (thread->jump_targets, target, depth, fn);
}

gboolean
_detprof_departures_long_jump (DetprofProfiler    *self,
                               DetprofThreadState *thread,
                               gconstpointer       target)
{
  DetprofJumpTargets *table = __atomic_load_n (&thread->jump_targets, __ATOMIC_ACQUIRE);
  DetprofJumpTarget *jump;

  /* A target set before profiling began, or by code whose setjmp() we do
   * not see (the C library's own): the frames left are found at the next
   * return of an older frame, and counted as abandoned. */
  if (table == NULL
      || (jump = find_jump_target (table, target)) == NULL
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

  if ((thread = _detprof_profiler_enter (self)) == NULL)
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

  if ((thread = _detprof_profiler_enter (self)) == NULL)
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

  if ((thread = _detprof_profiler_enter (self)) == NULL)
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

  if ((thread = _detprof_profiler_enter (self)) == NULL)
    return;
  _detprof_departures_thread_exit (self, thread);
  thread->busy = FALSE;
}
