/* textbook-profiler.c: Python's profile.py (Lib/profile.py, class Profile),
 * translated literally into C.
 *
 * Read it next to profile.py: the functions come in the same order (but
 * __init__, which picks one of the dispatchers, comes last), and the
 * comment above each names the method it translates.
 * src/profiler/detprof-dispatch.c computes exactly the same numbers, faster and for
 * real programs; tests/test-textbook.c proves it, event by event.
 *
 * Three things a C program does not have, and what stands in for them:
 *
 * - A Python frame. profile.py's records hold the interpreter's frame, to
 *   check that calls and returns pair up. Our events carry only the
 *   function's address, so the function stands for its frame.
 * - A function key. profile.py's is (filename, line, name); ours is the
 *   address. The root record's function is textbook_profiler_root.
 * - C functions called from Python (c_call, c_return) and a C frame's
 *   exception event: -finstrument-functions makes calls and returns only.
 *
 * Times are doubles, in the timer's own unit (profile.py keeps whatever
 * the timer returns). Like profile.py, this is not for threads.
 */
#include "config.h"

#include "textbook-profiler.h"

const char textbook_profiler_root[] = "profiler";

/* One activation: profile.py's self.cur, the tuple
 * (rpt, rit, ret, rfn, frame, rcur). */
typedef struct _TextbookFrame TextbookFrame;
struct _TextbookFrame
{
  double         pt;      /* the parent's time just before this call; paid to it on return */
  double         it;      /* internal time of this activation so far */
  double         et;      /* time of the callees that have returned */
  gconstpointer  fn;      /* the function, which also stands for the frame */
  TextbookFrame *parent;  /* the record below; NULL for the root */
};

/* One function: profile.py's timings[fn] = (cc, ns, tt, ct, callers). */
typedef struct
{
  gint64      cc;       /* primitive calls */
  gint64      ns;       /* activations on the stack, minus one */
  double      tt;       /* internal time */
  double      ct;       /* cumulative time, added by outermost activations */
  GHashTable *callers;  /* owned: caller fn -> count (GSIZE_TO_POINTER) */
} TextbookTiming;

typedef void (*TextbookDispatcher) (TextbookProfiler *self,
                                    DetprofEventKind  event,
                                    gconstpointer     fn);

struct _TextbookProfiler
{
  GHashTable            *timings;      /* fn -> owned TextbookTiming */
  TextbookFrame         *cur;          /* owned: the record on top */
  double                 bias;         /* the hidden cost of one event, in the timer's unit */
  double                 t;            /* timer reading at which the previous event ended */
  DetprofTimerDoubleFunc timer;        /* a timer that returns one number ... */
  DetprofTimerTupleFunc  tuple_timer;  /* ... or one that fills n_values numbers */
  guint                  n_values;
  gpointer               user_data;
  TextbookDispatcher     dispatcher;   /* the trace_dispatch variant for the timer */
};

#define MAX_VALUES 16

static gboolean dispatch (TextbookProfiler *self,
                          DetprofEventKind  event,
                          gconstpointer     fn,
                          double            t);

static void
timing_free (gpointer data)
{
  TextbookTiming *timing = data;

  g_hash_table_unref (timing->callers);
  g_free (timing);
}

/* __init__'s get_time_timer: a tuple timer's reading is sum(timer ()). */
static double
get_time (TextbookProfiler *self)
{
  double values[MAX_VALUES];
  double sum = 0;
  guint i;

  if (self->timer != NULL)
    return self->timer (self->user_data);
  self->tuple_timer (values, self->user_data);
  for (i = 0; i < self->n_values; i++)
    sum += values[i];
  return sum;
}

/* trace_dispatch: the timer returns a pair, (user, system), added inline. */
static void
trace_dispatch (TextbookProfiler *self,
                DetprofEventKind  event,
                gconstpointer     fn)
{
  double r[2];
  double t;

  self->tuple_timer (r, self->user_data);
  t = r[0] + r[1] - self->t - self->bias;

  if (dispatch (self, event, fn, t))
    {
      self->tuple_timer (r, self->user_data);
      self->t = r[0] + r[1];
    }
  else
    {
      self->tuple_timer (r, self->user_data);
      self->t = r[0] + r[1] - t;  /* put back unrecorded delta */
    }
}

/* trace_dispatch_i: the timer returns one number. */
static void
trace_dispatch_i (TextbookProfiler *self,
                  DetprofEventKind  event,
                  gconstpointer     fn)
{
  double t = self->timer (self->user_data) - self->t - self->bias;

  if (dispatch (self, event, fn, t))
    self->t = self->timer (self->user_data);
  else
    self->t = self->timer (self->user_data) - t;  /* put back unrecorded delta */
}

/* trace_dispatch_l: the timer returns a sequence of another length. */
static void
trace_dispatch_l (TextbookProfiler *self,
                  DetprofEventKind  event,
                  gconstpointer     fn)
{
  double t = get_time (self) - self->t - self->bias;

  if (dispatch (self, event, fn, t))
    self->t = get_time (self);
  else
    self->t = get_time (self) - t;  /* put back unrecorded delta */
}

/* trace_dispatch_call. profile.py first checks that the new frame's
 * caller (frame.f_back) is the frame on top, and if not, returns the top
 * frame (a return it missed). A C event does not say who its caller is:
 * every call is the top's callee. */
static gboolean
trace_dispatch_call (TextbookProfiler *self,
                     gconstpointer     fn,
                     double            t)
{
  TextbookFrame *frame = g_new (TextbookFrame, 1);
  TextbookTiming *timing;

  /* self.cur = (t, 0, 0, fn, frame, self.cur) */
  frame->pt = t;
  frame->it = 0;
  frame->et = 0;
  frame->fn = fn;
  frame->parent = self->cur;
  self->cur = frame;

  timing = g_hash_table_lookup (self->timings, fn);
  if (timing != NULL)
    timing->ns += 1;
  else
    {
      /* timings[fn] = 0, 0, 0, 0, {} */
      timing = g_new0 (TextbookTiming, 1);
      timing->callers = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->timings, (gpointer) fn, timing);
    }
  return TRUE;
}

/* trace_dispatch_return. The prefix r is the returning frame's, p its
 * parent's, as in profile.py. */
static gboolean
trace_dispatch_return (TextbookProfiler *self,
                       gconstpointer     fn,
                       double            t)
{
  TextbookFrame *r;
  TextbookFrame *p;
  TextbookTiming *timing;
  double rit, frame_total;
  gsize count;

  if (fn != self->cur->fn)
    {
      /* assert frame is self.cur[-2].f_back, ("Bad return", self.cur[-3]):
       * one missed return is repaired, anything else is an error. Python
       * then unhooks the profiler and raises AssertionError in the
       * profiled program; we stop the program, with the same words. */
      if (self->cur->parent == NULL || fn != self->cur->parent->fn)
        g_error ("Bad return: %p returned, but %p is on top", fn, self->cur->fn);
      trace_dispatch_return (self, self->cur->fn, 0);
    }

  r = self->cur;
  rit = r->it + t;
  frame_total = rit + r->et;

  /* self.cur = ppt, pit + rpt, pet + frame_total, pfn, pframe, pcur */
  p = r->parent;
  p->it = p->it + r->pt;
  p->et = p->et + frame_total;
  self->cur = p;

  timing = g_hash_table_lookup (self->timings, r->fn);
  if (timing->ns == 0)
    {
      /* This is the only occurrence of the function on the stack: a
       * recursive one's time is in the outermost's frame_total. */
      timing->ct = timing->ct + frame_total;
      timing->cc = timing->cc + 1;
    }
  count = GPOINTER_TO_SIZE (g_hash_table_lookup (timing->callers, p->fn));
  g_hash_table_insert (timing->callers, (gpointer) p->fn, GSIZE_TO_POINTER (count + 1));
  timing->ns = timing->ns - 1;
  timing->tt = timing->tt + rit;

  g_free (r);
  return TRUE;
}

/* The dispatch dictionary: "call" and "return" are all C has. */
static gboolean
dispatch (TextbookProfiler *self,
          DetprofEventKind  event,
          gconstpointer     fn,
          double            t)
{
  if (event == DETPROF_EVENT_CALL)
    return trace_dispatch_call (self, fn, t);
  return trace_dispatch_return (self, fn, t);
}

/* simulate_call: a call with no time, as for the root record. */
void
textbook_profiler_simulate_call (TextbookProfiler *self,
                                 gconstpointer     fn)
{
  dispatch (self, DETPROF_EVENT_CALL, fn, 0);
}

/* simulate_cmd_complete: every record still open returns now; the first
 * gets the time since the last event, with no bias (no event happened). */
void
textbook_profiler_simulate_cmd_complete (TextbookProfiler *self)
{
  double t = get_time (self) - self->t;

  while (self->cur->parent != NULL)
    {
      dispatch (self, DETPROF_EVENT_RETURN, self->cur->fn, t);
      t = 0;
    }
  self->t = get_time (self) - t;
}

static void
stats_free (gpointer data)
{
  TextbookStats *stats = data;

  g_hash_table_unref (stats->callers);
  g_free (stats);
}

/* create_stats, then snapshot_stats: a copy of the timings, with nc, the
 * total number of calls, counted from the callers. */
GHashTable *
textbook_profiler_create_stats (TextbookProfiler *self)
{
  GHashTable *stats = g_hash_table_new_full (NULL, NULL, NULL, stats_free);
  GHashTableIter timings, callers;
  gpointer fn, value, caller, count;

  textbook_profiler_simulate_cmd_complete (self);

  g_hash_table_iter_init (&timings, self->timings);
  while (g_hash_table_iter_next (&timings, &fn, &value))
    {
      TextbookTiming *timing = value;
      TextbookStats *entry = g_new0 (TextbookStats, 1);

      entry->cc = timing->cc;
      entry->tt = timing->tt;
      entry->ct = timing->ct;
      entry->callers = g_hash_table_new (NULL, NULL);
      g_hash_table_iter_init (&callers, timing->callers);
      while (g_hash_table_iter_next (&callers, &caller, &count))
        {
          entry->nc += GPOINTER_TO_SIZE (count);
          g_hash_table_insert (entry->callers, caller, count);
        }
      g_hash_table_insert (stats, fn, entry);
    }
  return stats;
}

/* __init__ (the part after choosing the timer): start the stopwatch, and
 * push the root record. */
static TextbookProfiler *
init (TextbookProfiler *self,
      double            bias)
{
  self->timings = g_hash_table_new_full (NULL, NULL, NULL, timing_free);
  self->bias = bias;
  self->t = get_time (self);
  textbook_profiler_simulate_call (self, textbook_profiler_root);
  return self;
}

/* __init__ with a timer that returns one number: trace_dispatch_i. */
TextbookProfiler *
textbook_profiler_new (DetprofTimerDoubleFunc timer,
                       gpointer               user_data,
                       double                 bias)
{
  TextbookProfiler *self = g_new0 (TextbookProfiler, 1);

  self->timer = timer;
  self->user_data = user_data;
  self->dispatcher = trace_dispatch_i;
  return init (self, bias);
}

/* __init__ with a timer that returns a sequence: trace_dispatch for a
 * pair, trace_dispatch_l for any other length. */
TextbookProfiler *
textbook_profiler_new_tuple (guint                 n_values,
                             DetprofTimerTupleFunc timer,
                             gpointer              user_data,
                             double                bias)
{
  TextbookProfiler *self;

  g_return_val_if_fail (n_values >= 1 && n_values <= MAX_VALUES, NULL);

  self = g_new0 (TextbookProfiler, 1);
  self->tuple_timer = timer;
  self->n_values = n_values;
  self->user_data = user_data;
  self->dispatcher = (n_values == 2) ? trace_dispatch : trace_dispatch_l;
  return init (self, bias);
}

/* What sys.setprofile () would call at every event: self.dispatcher. */
void
textbook_profiler_dispatch (TextbookProfiler *self,
                            DetprofEventKind  event,
                            gconstpointer     fn)
{
  self->dispatcher (self, event, fn);
}

void
textbook_profiler_free (TextbookProfiler *self)
{
  while (self->cur != NULL)
    {
      TextbookFrame *parent = self->cur->parent;

      g_free (self->cur);
      self->cur = parent;
    }
  g_hash_table_unref (self->timings);
  g_free (self);
}
