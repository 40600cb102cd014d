/* detprof-dispatch.c: the dispatcher, the heart of the profiler.
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
 *            function's, the call site's and the path's totals (the arc's
 *            count and internal time are its call sites' summed, later;
 *            only its outermost-activation count and cumulative time are
 *            kept here).
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
 *
 * Reading order: one event (handle_event), a call, a return, then the
 * rule for frames whose exits were missed. The frame stack's push and pop
 * (next_frame (), publish_frame (), pop_frame ()) and the lookup of a
 * call's node in the calling-context tree (find_node ()) are small inline
 * functions in
 * detprof-thread-private.h, since every event runs them. What is not here:
 * the profiler object and its API (detprof-profiler.c), the bias
 * (detprof-bias.c), each thread's state and how an event finds it
 * (detprof-thread.c, detprof-profiler-threads.c), frames the program
 * leaves by longjmp, exception or thread exit (detprof-departures.c), and
 * the statistics made from the tables (detprof-profiler-stats.c).
 * examples/textbook-profiler.c is profile.py translated literally: the
 * same numbers, in the shape of the original.
 */
#include "config.h"

#include "detprof-profiler-private.h"
#include "detprof-timer-private.h"

static gboolean close_frames_above (DetprofThreadState *thread,
                                    gconstpointer       fn);

/* ---- one event: profile.py's trace_dispatch ---- */

/* The timer, in its own unit (seconds times timer->timeunit). */
static double
detprof_profiler_real_read_timer (DetprofProfiler *self)
{
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);

  return priv->timer->read (priv->timer);
}

/* The delta is the time since the previous event ended, less the bias:
 * what the program ran between the two events. The call or return
 * charges it to somebody; then the stopwatch restarts. */
static void
detprof_profiler_real_handle_event (DetprofProfiler    *self,
                                    DetprofThreadState *thread,
                                    const DetprofEvent *event)
{
  DetprofProfilerClass *klass = DETPROF_PROFILER_GET_CLASS (self);
  DetprofProfilerPrivate *priv = _detprof_profiler_get_private (self);
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

/* ---- a call: profile.py's trace_dispatch_call ---- */

/* The delta is the caller's: the new frame keeps it as pt, and pays it
 * to the caller when it returns. The call's node in the calling-context
 * tree (caller's node, return address, callee) is found once here, and
 * with it the call site and the callee's record, so the return needs no
 * lookup.
 *
 * Recursion would make the tree as deep as the recursion, so a call of a
 * function that is active already is placed at the node of its outermost
 * activation: fib's recursive calls all land on the node where fib was
 * first entered, whose callees then hang under it. That also keeps each
 * function's outermost activations on nodes of their own, so that a node's
 * ct adds up to the function's, as pstats counts cumtime. */
static gboolean
detprof_profiler_real_dispatch_call (DetprofProfiler    *self,
                                     DetprofThreadState *thread,
                                     const DetprofEvent *event,
                                     double              delta)
{
  DetprofFunction *callee;
  DetprofCallSite *site;
  DetprofFrame *frame;
  DetprofNode *node;

  node = find_node (thread, thread->top, event->call_site, event->fn);
  frame = next_frame (thread);
  if (G_UNLIKELY (node == NULL || frame == NULL))
    {
      /* Out of memory: this call goes unrecorded (its return will match
       * nothing), and is counted; its delta goes to the next event. */
      thread->out_of_memory = TRUE;
      thread->unrecorded_calls++;
      return FALSE;
    }

  site = node->site;
  callee = site->callee;
  if (callee->totals.active > 0)
    node = callee->outer_node;
  else
    callee->outer_node = node;

  frame->site = site;
  frame->function = callee;
  frame->node = node;
  frame->stack = event->stack;
  frame->pt = delta;
  frame->it = 0.0;
  frame->et = 0.0;
  frame->n_it = 0;
  frame->n_et = 0;
  publish_frame (thread, frame);

  totals_enter (&callee->totals);
  totals_enter (&site->arc->totals);
  totals_enter (&site->totals);
  totals_enter (&node->totals);
  return TRUE;
}

/* ---- a return: profile.py's trace_dispatch_return ---- */

/* The delta is the last stretch of the returning frame (pop_frame (),
 * in detprof-thread-private.h, does the arithmetic). A return that is not
 * the top frame's is a missed exit: see the end of this file. */
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
          thread->top->n_it++;
          return TRUE;
        }
    }

  pop_frame (thread, delta);
  return TRUE;
}

/* ---- missed exits: profile.py's "Bad call" and "Bad return" branches ----
 *
 * profile.py checks every event against the interpreter's frames. A call
 * whose frame's parent is not the frame on top ("Bad call") means that
 * frame's return was missed: it returns it with no time, then handles the
 * call. A return of a frame that is not on top ("Bad return") returns
 * the one on top first. C events carry no frame, so detprof cannot make
 * the first check (a call always nests under the top frame), and makes the
 * second by function: a return closes every frame above the nearest frame
 * of its function. Unlike profile.py, it closes any number of them, and
 * counts each as abandoned, since where it ended is a guess.
 */

/* A return whose frame is below the top: the frames above it were left
 * (their exits were missed). Closes them, each as if it returned with no
 * more time, and counts them; FALSE if @fn is nowhere on the stack. */
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

/* The dispatch steps are class methods, so that a subclass can extend
 * them (chaining up) or replace the whole of handle_event. */
void
_detprof_dispatch_install (DetprofProfilerClass *klass)
{
  klass->read_timer = detprof_profiler_real_read_timer;
  klass->dispatch_call = detprof_profiler_real_dispatch_call;
  klass->dispatch_return = detprof_profiler_real_dispatch_return;
  klass->handle_event = detprof_profiler_real_handle_event;
}
