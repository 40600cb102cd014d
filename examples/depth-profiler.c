/* depth-profiler.c: extending the profiler by one dispatch step.
 *
 * DetprofProfiler is derivable so that a subclass can add to what happens
 * at an event without copying the dispatcher. DepthProfiler overrides one
 * step, dispatch_call. It lets its parent do all of the profiling, then
 * looks at the frame stack the parent has just pushed, and notes
 *
 *   - the depth of the stack, for a histogram of calls by depth, and
 *   - how many activations of the called function are now open at once,
 *     its recursion depth, keeping the deepest for each function.
 *
 * The parent shows us the depth of its stack and the function on top, but
 * for the recursion depth we need the functions below as well. So we keep
 * a shadow stack: at each call, the function goes into the slot at the new
 * depth. We need no dispatch_return to pop it. A slot is written when its
 * frame is pushed, and only a later push at the same depth overwrites it,
 * which cannot happen until that frame is gone; so slots 1 to depth are
 * always the frames that are open, whatever returned or was abandoned.
 *
 * Two things come free from the design:
 *
 *   - Our work runs inside the dispatcher, between its two readings of the
 *     timer, so it is charged to no function: the extension slows the
 *     program down but does not skew its profile.
 *   - The timer, the bias and the report are the parent's: a DepthProfiler
 *     takes any timer a DetprofProfiler takes, and prints the same report.
 *
 * The parent keeps a stack per thread, and so do we: each thread's shadow
 * stack and tables hang on its state (detprof_thread_state_set_qdata_full()),
 * where only that thread's own events reach them, so the extra step takes
 * no lock. The tables are merged when they are read.
 *
 * This file must not be built with -finstrument-functions: its own events
 * would reach the profiler while it is busy, and be dropped.
 */
#include "config.h"

#include <string.h>

#include "depth-profiler.h"

/* One slot of the shadow stack. */
typedef struct
{
  gconstpointer fn;         /* the function of the open frame at this depth */
  gsize         recursion;  /* its activations open at this depth and below */
} ShadowFrame;

/* What we learn about one function. */
typedef struct
{
  gsize max_recursion;  /* the most activations open at once */
  gsize max_depth;      /* the deepest stack depth it was called at */
} FunctionDepths;

/* One thread's tables. */
typedef struct
{
  GArray     *shadow;          /* ShadowFrame per depth; [0] is unused, like the parent's root */
  GArray     *calls_by_depth;  /* guint64 per depth: the calls made at that depth */
  GHashTable *functions;       /* fn -> owned FunctionDepths */
} ThreadDepths;

struct _DepthProfiler
{
  DetprofProfiler  parent_instance;

  GMutex           lock;       /* guards threads */
  GPtrArray       *threads;    /* ThreadDepths of each thread that made a call; its state owns it */
};

G_DEFINE_FINAL_TYPE (DepthProfiler, depth_profiler, DETPROF_TYPE_PROFILER)

/* The key of our data on each thread's state. */
static GQuark
thread_depths_quark (void)
{
  return g_quark_from_static_string ("depth-profiler-thread-depths");
}

static void
thread_depths_free (gpointer data)
{
  ThreadDepths *depths = data;

  g_array_unref (depths->shadow);
  g_array_unref (depths->calls_by_depth);
  g_hash_table_unref (depths->functions);
  g_free (depths);
}

/* @thread's tables, made at its first call. Its state owns them, and
 * lives as long as the profiler; we keep a list to read them all. */
static ThreadDepths *
thread_depths (DepthProfiler      *self,
               DetprofThreadState *thread)
{
  ThreadDepths *depths = detprof_thread_state_get_qdata (thread, thread_depths_quark ());

  if (G_UNLIKELY (depths == NULL))
    {
      depths = g_new0 (ThreadDepths, 1);
      /* Both arrays are zero-filled as they grow. */
      depths->shadow = g_array_new (FALSE, TRUE, sizeof (ShadowFrame));
      depths->calls_by_depth = g_array_new (FALSE, TRUE, sizeof (guint64));
      depths->functions = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
      detprof_thread_state_set_qdata_full (thread, thread_depths_quark (), depths, thread_depths_free);

      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->threads, depths);
      g_mutex_unlock (&self->lock);
    }
  return depths;
}

/* ---- the extra step ---- */

/* The recursion depth of @fn, just pushed at @depth: one more than at its
 * nearest activation below. Direct recursion finds that one slot down; a
 * function that does not recurse walks the whole stack, which is short in
 * most programs. */
static gsize
recursion_at (GArray        *shadow,
              gsize          depth,
              gconstpointer  fn)
{
  gsize i;

  for (i = depth - 1; i > 0; i--)
    {
      const ShadowFrame *below = &g_array_index (shadow, ShadowFrame, i);

      if (below->fn == fn)
        return below->recursion + 1;
    }
  return 1;
}

static FunctionDepths *
lookup_function (GHashTable    *functions,
                 gconstpointer  fn)
{
  FunctionDepths *depths = g_hash_table_lookup (functions, fn);

  if (G_UNLIKELY (depths == NULL))
    {
      depths = g_new0 (FunctionDepths, 1);
      g_hash_table_insert (functions, (gpointer) fn, depths);
    }
  return depths;
}

/* Keeps the larger of each of @depths's fields and @more's. */
static void
function_depths_max (FunctionDepths       *depths,
                     const FunctionDepths *more)
{
  depths->max_recursion = MAX (depths->max_recursion, more->max_recursion);
  depths->max_depth = MAX (depths->max_depth, more->max_depth);
}

/* A call of @fn has just been pushed at @depth on the thread of @tables. */
static void
record_call (ThreadDepths  *tables,
             gsize          depth,
             gconstpointer  fn)
{
  ShadowFrame *frame;
  FunctionDepths seen;

  if (depth >= tables->shadow->len)
    {
      g_array_set_size (tables->shadow, depth + 1);
      g_array_set_size (tables->calls_by_depth, depth + 1);
    }

  frame = &g_array_index (tables->shadow, ShadowFrame, depth);
  frame->fn = fn;
  frame->recursion = recursion_at (tables->shadow, depth, fn);

  g_array_index (tables->calls_by_depth, guint64, depth)++;

  seen.max_recursion = frame->recursion;
  seen.max_depth = depth;
  function_depths_max (lookup_function (tables->functions, fn), &seen);
}

/* The one step we override. The parent closes the frames a longjmp() left
 * and pushes the new one; after that, its stack is exactly the program's. */
static gboolean
depth_profiler_dispatch_call (DetprofProfiler    *profiler,
                              DetprofThreadState *thread,
                              const DetprofEvent *event,
                              double              delta)
{
  DepthProfiler *self = DEPTH_PROFILER (profiler);
  gboolean charged;

  charged = DETPROF_PROFILER_CLASS (depth_profiler_parent_class)->dispatch_call (profiler, thread, event, delta);

  /* Out of memory, the parent drops the call and pushes nothing. */
  if (detprof_thread_state_get_top_function (thread) != event->fn)
    return charged;

  record_call (thread_depths (self, thread), detprof_thread_state_get_depth (thread), event->fn);
  return charged;
}

/* ---- GObject ---- */

static void
depth_profiler_finalize (GObject *object)
{
  DepthProfiler *self = DEPTH_PROFILER (object);

  /* The tables themselves go with the threads' states, in the parent's finalize. */
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (depth_profiler_parent_class)->finalize (object);
}

static void
depth_profiler_class_init (DepthProfilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DetprofProfilerClass *profiler_class = DETPROF_PROFILER_CLASS (klass);

  object_class->finalize = depth_profiler_finalize;
  profiler_class->dispatch_call = depth_profiler_dispatch_call;
}

static void
depth_profiler_init (DepthProfiler *self)
{
  g_mutex_init (&self->lock);
  self->threads = g_ptr_array_new ();
}

/* ---- public API ---- */

/**
 * depth_profiler_new:
 * @timer: (nullable): the timer to read; %NULL for the host's default
 *
 * Returns: (transfer full): a new profiler
 */
DepthProfiler *
depth_profiler_new (DetprofTimer *timer)
{
  return g_object_new (DEPTH_TYPE_PROFILER, "timer", timer, NULL);
}

/* Every thread's function table merged into one: for each function, the
 * largest of each field over the threads. */
static GHashTable *
merge_functions (DepthProfiler *self)
{
  GHashTable *merged = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->threads->len; i++)
    {
      const ThreadDepths *tables = g_ptr_array_index (self->threads, i);
      GHashTableIter iter;
      gpointer fn, depths;

      g_hash_table_iter_init (&iter, tables->functions);
      while (g_hash_table_iter_next (&iter, &fn, &depths))
        function_depths_max (lookup_function (merged, fn), depths);
    }
  g_mutex_unlock (&self->lock);
  return merged;
}

/* @fn's depths over every thread; zeros if it was never called. */
static FunctionDepths
function_depths (DepthProfiler *self,
                 gconstpointer  fn)
{
  g_autoptr(GHashTable) merged = merge_functions (self);
  const FunctionDepths *depths = g_hash_table_lookup (merged, fn);
  FunctionDepths none = { 0, 0 };

  return depths != NULL ? *depths : none;
}

/**
 * depth_profiler_get_max_recursion:
 * @self: a #DepthProfiler
 * @fn: a function's address, as events give it
 *
 * Returns: the most activations of @fn that were open at once on one
 *   thread; 0 if it was never called
 */
gsize
depth_profiler_get_max_recursion (DepthProfiler *self,
                                  gconstpointer  fn)
{
  g_return_val_if_fail (DEPTH_IS_PROFILER (self), 0);

  return function_depths (self, fn).max_recursion;
}

/**
 * depth_profiler_get_max_depth:
 * @self: a #DepthProfiler
 * @fn: a function's address, as events give it
 *
 * Returns: the deepest stack depth @fn was called at, on any thread (a
 *   call from outside any profiled function is at depth 1); 0 if it was
 *   never called
 */
gsize
depth_profiler_get_max_depth (DepthProfiler *self,
                              gconstpointer  fn)
{
  g_return_val_if_fail (DEPTH_IS_PROFILER (self), 0);

  return function_depths (self, fn).max_depth;
}

/**
 * depth_profiler_get_deepest:
 * @self: a #DepthProfiler
 *
 * Returns: the deepest stack depth any call was made at, on any thread;
 *   0 if none was
 */
gsize
depth_profiler_get_deepest (DepthProfiler *self)
{
  gsize deepest = 0;
  guint i;

  g_return_val_if_fail (DEPTH_IS_PROFILER (self), 0);

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->threads->len; i++)
    {
      const ThreadDepths *tables = g_ptr_array_index (self->threads, i);

      if (tables->calls_by_depth->len > 0)
        deepest = MAX (deepest, tables->calls_by_depth->len - 1);
    }
  g_mutex_unlock (&self->lock);
  return deepest;
}

/**
 * depth_profiler_get_calls_at_depth:
 * @self: a #DepthProfiler
 * @depth: a stack depth, 1 for calls from outside any profiled function
 *
 * Returns: how many calls were made at @depth, on all threads: one bar of
 *   the histogram
 */
guint64
depth_profiler_get_calls_at_depth (DepthProfiler *self,
                                   gsize          depth)
{
  guint64 calls = 0;
  guint i;

  g_return_val_if_fail (DEPTH_IS_PROFILER (self), 0);

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->threads->len; i++)
    {
      const ThreadDepths *tables = g_ptr_array_index (self->threads, i);

      if (depth < tables->calls_by_depth->len)
        calls += g_array_index (tables->calls_by_depth, guint64, depth);
    }
  g_mutex_unlock (&self->lock);
  return calls;
}

/* ---- the report ---- */

/* A function's name, as the parent's report gives it: from a name given
 * to detprof_profiler_name_function(), the debugging information, the
 * symbol table, or else the address. */
static char *
function_name (DepthProfiler *self,
               gconstpointer  fn)
{
  char *name = NULL;

  detprof_profiler_lookup_function (DETPROF_PROFILER (self), fn, NULL, NULL, &name);
  return name;
}

typedef struct
{
  char                 *name;    /* owned */
  const FunctionDepths *depths;
} NamedDepths;

static void
named_depths_clear (gpointer data)
{
  NamedDepths *named = data;

  g_free (named->name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const NamedDepths *x = a, *y = b;

  return strcmp (x->name, y->name);
}

static void
print_recursion_table (DepthProfiler *self,
                       GString       *out)
{
  g_autoptr(GHashTable) functions = merge_functions (self);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (NamedDepths));
  GHashTableIter iter;
  gpointer fn, depths;
  guint i;

  g_array_set_clear_func (rows, named_depths_clear);
  g_hash_table_iter_init (&iter, functions);
  while (g_hash_table_iter_next (&iter, &fn, &depths))
    {
      NamedDepths row = { function_name (self, fn), depths };

      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_names);

  g_string_append (out, "   Recursion: the most activations of each function open at once,\n"
                        "   and the deepest stack it was called on.\n\n"
                        "   recursion    depth  function\n");
  for (i = 0; i < rows->len; i++)
    {
      const NamedDepths *row = &g_array_index (rows, NamedDepths, i);

      g_string_append_printf (out, "   %9" G_GSIZE_FORMAT " %8" G_GSIZE_FORMAT "  %s\n",
                              row->depths->max_recursion, row->depths->max_depth, row->name);
    }
}

static void
print_histogram (DepthProfiler *self,
                 GString       *out)
{
  const int width = 50;
  gsize deepest = depth_profiler_get_deepest (self);
  guint64 most = 0;
  gsize depth;
  int i;

  for (depth = 1; depth <= deepest; depth++)
    most = MAX (most, depth_profiler_get_calls_at_depth (self, depth));

  g_string_append (out, "   Calls by stack depth (1: called from outside the profiled code).\n\n"
                        "       depth      calls\n");
  for (depth = 1; depth <= deepest; depth++)
    {
      guint64 calls = depth_profiler_get_calls_at_depth (self, depth);
      /* At least one mark for any calls at all, so no bar is lost. */
      int bar = (calls == 0) ? 0 : MAX (1, (int) (calls * width / most));

      g_string_append_printf (out, "   %9" G_GSIZE_FORMAT " %10" G_GUINT64_FORMAT "  ", depth, calls);
      for (i = 0; i < bar; i++)
        g_string_append_c (out, '#');
      g_string_append_c (out, '\n');
    }
}

/**
 * depth_profiler_print_depths:
 * @self: a #DepthProfiler
 * @out: where to append the tables
 *
 * Appends the two tables the parent's report lacks: each function's
 * deepest recursion, by name, and the histogram of calls by stack depth.
 */
void
depth_profiler_print_depths (DepthProfiler *self,
                             GString       *out)
{
  g_return_if_fail (DEPTH_IS_PROFILER (self));
  g_return_if_fail (out != NULL);

  print_recursion_table (self, out);
  g_string_append_c (out, '\n');
  print_histogram (self, out);
}
