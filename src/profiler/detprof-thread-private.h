/* detprof-thread-private.h: what one thread's profile is made of.
 *
 * Each thread that runs under a profiler gets its own frame stack and its
 * own tables, so that the dispatcher never takes a lock. The tables are
 * merged into one profile when the statistics are made.
 *
 * Three kinds of record accumulate the numbers, each with the same
 * DetprofTotals:
 *
 *   DetprofFunction  one per function: what pstats prints on its own line
 *   DetprofArc       one per caller -> callee pair: pstats' callers
 *   DetprofCallSite  one per (caller, call site, callee): the arc, resolved
 *                    to the line that made the call
 *   DetprofNode      one per (caller's node, call site, callee): the
 *                    calling-context tree, the path that led to the call
 *
 * A call event looks up its node (one hash lookup, keyed by the node of
 * the frame on top; the node points to its call site, which points to its
 * arc and to the callee's function record) and caches them in the new
 * frame, so a return event needs no lookup at all. The slow paths of the
 * tree, and what it becomes in the statistics, are in detprof-paths.c.
 *
 * An arc's nc and tt are not kept as the program runs: they are the sums
 * of its call sites', added up when they are read
 * (_detprof_thread_state_sum_arcs()). Its cc and ct are kept, since only
 * the arc's own count of activations tells which one is the outermost.
 * The function's are all kept, so that they are profile.py's to the bit:
 * a sum over call sites would round differently.
 *
 * Records are found by addresses, which name a function only while its
 * module is mapped: when a module is closed, each thread moves its
 * records of the module's code out of the way, to addresses that name
 * the same code for good (detprof-modules-private.h).
 */
#pragma once

#include "detprof-modules-private.h"
#include "detprof-profiler.h"

G_BEGIN_DECLS

/* Each time is a sum of stretches between two events, and every stretch
 * had the bias taken off once: n_tt and n_ct count them, since the error a
 * time can carry grows with them (an error bound is the count times how
 * much one stretch's hidden cost is measured to vary: detprof-bounds.c). */
typedef struct
{
  gint64 nc;       /* completed activations */
  gint64 cc;       /* completed activations that were the outermost one (primitive) */
  gint64 active;   /* activations on the stack now (profile.py's ns, plus one) */
  double tt;       /* internal time, summed over every activation */
  double ct;       /* cumulative time, summed over outermost activations only */
  gint64 n_tt;     /* stretches in tt: one per activation, plus one per call it made */
  gint64 n_ct;     /* stretches in ct: every stretch of the outermost activations' subtrees */
} DetprofTotals;

typedef struct _DetprofRecordBlock DetprofRecordBlock;

/* A list of records, whose growth fails instead of aborting. The records
 * are carved out of blocks that the list owns, and never move: a program
 * that calls 100,000 functions makes as many records of each kind, and
 * one allocation and one free for each cost more than filling them. */
typedef struct
{
  gpointer           *items;  /* the records, in order of making */
  guint               len;
  guint               size;
  DetprofRecordBlock *block;  /* owned: the newest block, which owns the older ones */
  gsize               room;   /* bytes left in it */
} DetprofRecords;

typedef struct _DetprofFunction DetprofFunction;
typedef struct _DetprofArc DetprofArc;
typedef struct _DetprofCallSite DetprofCallSite;
typedef struct _DetprofNode DetprofNode;

struct _DetprofFunction
{
  gconstpointer fn;            /* the function's entry address */
  DetprofTotals totals;
  DetprofNode  *outer_node;    /* the node of its outermost activation, while totals.active > 0 */
  guint         row;           /* while statistics are made (the threads locked): its row
                                * in them plus one, 0 for none (detprof-profiler-stats.c) */
};

struct _DetprofArc
{
  DetprofFunction *caller;
  DetprofFunction *callee;
  DetprofTotals    totals;
};

struct _DetprofCallSite
{
  DetprofFunction *caller;     /* the key is (caller, call_site, fn) ... */
  gconstpointer    call_site;  /* ... the return address in the caller */
  gconstpointer    fn;
  DetprofFunction *callee;     /* fn's record: arc->callee, one load nearer */
  DetprofArc      *arc;
  DetprofTotals    totals;
  DetprofNode     *unplaced;   /* owned: the node of its calls that found the tree full
                                * (detprof-paths.c); NULL until one does */
};

/* A node of the calling-context tree: a function reached by one path.
 * Its parent is the node of the frame that made the call, except for a
 * recursive call, which goes to the node of the callee's outermost
 * activation (see dispatch_call ()), so that recursion does not grow the
 * tree. Its totals are those of the activations placed at it: tt their
 * internal time, ct and cc those of the outermost ones only. */
struct _DetprofNode
{
  DetprofNode     *parent;     /* the key is (parent, call_site, fn) ... */
  gconstpointer    call_site;  /* ... site->call_site, copied for the lookup ... */
  gconstpointer    fn;         /* ... and site->fn */
  DetprofCallSite *site;       /* the call that leads here from the parent */
  DetprofTotals    totals;
  guint            index;      /* order of making: a parent's is below its children's */
};

/* A thread's calling-context tree. Nodes live in blocks, so that they
 * never move; node 0 is the root, which stands for the thread's start. */
typedef struct
{
  DetprofNode    **index;       /* open addressing, keyed by (parent, call_site, fn) */
  gsize            index_mask;
  DetprofNode    **blocks;      /* owned: DETPROF_NODE_BLOCK nodes each */
  guint            n_blocks;
  guint            n_nodes;
  guint            max_nodes;   /* the bound: a call that needs a node past it gets none */
  gint64           unplaced_calls;  /* calls that needed a node past the bound */
  guint64          order;       /* when the thread met the profiler, among all threads */
  double           cpu_start;   /* the thread's CPU time then, in seconds (NAN: unknown) */
  double           cpu_time;    /* once it ended: the CPU time it used (NAN: unknown) */
  GPtrArray       *ended;       /* in the state of the threads that ended: the trees they
                                 * kept apart (detprof-paths.c); else NULL */
  guint            n_merged;    /* there: the threads whose trees were added into this one */
} DetprofPaths;

#define DETPROF_NODE_BLOCK 64

#define DETPROF_BUSY_JUMP_TARGETS 2

/* Where a setjmp() was made: longjmp() to it resumes the frame at @depth. */
typedef struct
{
  gconstpointer target;        /* the jmp_buf's address: written last, NULL for a free slot */
  gsize         depth;         /* the frame that set it: top - frames then */
  gconstpointer fn;            /* that frame's function, to tell a target gone stale */
} DetprofJumpTarget;

/* An open-addressing table of jump targets, replaced whole when it grows,
 * so that a signal handler that interrupts a change and jumps out still
 * reads a whole table (see detprof-departures.c). */
typedef struct
{
  gsize             mask;      /* capacity - 1; the capacity is a power of two */
  gsize             used;
  DetprofJumpTarget slots[];
} DetprofJumpTargets;

/* One activation on our own stack: profile.py's frame record. */
typedef struct
{
  DetprofCallSite *site;       /* how this activation was reached */
  DetprofFunction *function;   /* site->callee, cached */
  DetprofNode     *node;       /* where it is in the calling-context tree */
  guintptr         stack;      /* stack address at entry (0: unknown); a frame the program
                                * entered later but left is at a lower one, unless it was
                                * inlined into its caller: only a caught exception uses it */
  double           pt;         /* the parent's time just before this call; theirs, paid on pop */
  double           it;         /* internal time of this activation so far */
  double           et;         /* total time of the callees that have returned */
  gint64           n_it;       /* stretches in it so far (the last one comes with the return) */
  gint64           n_et;       /* stretches in et */
} DetprofFrame;

struct _DetprofThreadState
{
  /* First, so that detprof_thread_state_get_stopwatch() can be inline. */
  double           t;          /* timer reading that ended the previous event */

  DetprofProfiler *profiler;   /* not owned: the profiler owns its states */
  guint64          serial;     /* the profiler's serial, for the thread-local cache */
  int              busy;       /* inside the profiler: new events are re-entrant; 1 for an
                                * event or a departure, DETPROF_BUSY_JUMP_TARGETS while the
                                * jump targets change (then they must not be read) */
  int              tid;        /* the kernel's thread id, for reports */
  gboolean         finished;   /* its thread has ended (its id may be reused) */

  DetprofEventKind last_kind;  /* the previous event's kind: with this one's, it picks the bias */

  /* frames[0] is the root, which stands for "before the first call" and is
   * never popped; top points at the frame on top, so the depth is
   * top - frames. A pointer rather than an index: every event reaches the
   * top frame, and this spares it a multiplication. */
  DetprofFrame    *frames;
  DetprofFrame    *top;
  DetprofFrame    *frames_end;  /* one past the last frame there is room for */

  /* Open-addressing table of call sites, keyed by (caller, call site, fn). */
  DetprofCallSite **sites;
  gsize            sites_mask;

  /* Every record is owned by its list, in order of first call, and found
   * through an open-addressing index (the sites' is the table above);
   * reached on a call site's first sight only. All grow with
   * g_try_*(): out of memory, a call goes unrecorded, never aborts the
   * program. */
  DetprofRecords   function_list;
  DetprofFunction **function_index;   /* keyed by fn */
  gsize            function_mask;
  DetprofRecords   arc_list;
  DetprofArc     **arc_index;         /* keyed by (caller, callee) */
  gsize            arc_mask;
  DetprofRecords   site_list;

  DetprofPaths     paths;      /* the calling-context tree (detprof-paths.c) */

  DetprofFunction  root_function;  /* what frames[0] stands for; never reported */
  DetprofArc       root_arc;
  DetprofCallSite  root_site;

  gint64           unmatched_returns;  /* returns of frames we never saw enter */
  gint64           abandoned_frames;   /* frames closed because a return belonged below them */
  gint64           dropped_events;     /* events from inside the dispatcher (signal handlers) */
  gint64           left_frames[DETPROF_N_DEPARTURES];  /* frames closed where the program left them */

  /* The last closed module whose functions' records were moved to the
   * addresses they have since (_detprof_thread_state_retire_closed_modules()). */
  const DetprofClosedModule *closed_seen;

  DetprofJumpTargets *jump_targets;    /* made on the first setjmp() */
  int              out_of_memory;      /* a table could not grow, so calls went unrecorded: 1;
                                        * for the threads that ended, how many such */
  gint64           unrecorded_calls;   /* calls not recorded for lack of memory */

  GData           *qdata;              /* a subclass's own data for this thread */
};

G_STATIC_ASSERT (G_STRUCT_OFFSET (DetprofThreadState, t) == 0);

/* NULL when memory runs out. */
DetprofThreadState *_detprof_thread_state_new (DetprofProfiler *profiler,
                                               guint64          serial);
void                _detprof_thread_state_free (DetprofThreadState *self);

/* Adds @from's tables and counts into @into's (a thread that ended);
 * what memory does not allow is left out, and @into marked out of memory. */
void                _detprof_thread_state_absorb (DetprofThreadState *into,
                                                  DetprofThreadState *from);

/* Moves the records of the functions of each module closed after
 * closed_seen, up to @last, to the addresses that name them since
 * (detprof-modules-private.h), so that a module mapped later at the same
 * addresses gets records of its own. Only the thread that owns @self
 * calls it, marked busy; or anyone, under the profiler's lock, for a
 * thread that has ended or when the statistics are made. */
void                _detprof_thread_state_retire_closed_modules (DetprofThreadState        *self,
                                                                 const DetprofClosedModule *last);

/* The record of @fn, or NULL if it never ran on this thread. */
DetprofFunction    *_detprof_thread_state_find_function (DetprofThreadState *self,
                                                         gconstpointer       fn);

/* The slow path of a call: the call site's first sight; NULL (and
 * out_of_memory set) when memory runs out. */
DetprofCallSite    *_detprof_thread_state_add_site (DetprofThreadState *self,
                                                    DetprofFunction    *caller,
                                                    gconstpointer       call_site,
                                                    gconstpointer       fn);
gboolean            _detprof_thread_state_grow_stack (DetprofThreadState *self);
/* Fills in the arcs' nc and tt from their call sites': before reading them. */
void                _detprof_thread_state_sum_arcs (DetprofThreadState *self);
/* @from's record of @site, in @into's tables (which have absorbed @from's). */
DetprofCallSite    *_detprof_thread_state_same_site (DetprofThreadState    *into,
                                                     DetprofThreadState    *from,
                                                     const DetprofCallSite *site);

/* detprof-paths.c: the slow path of a call, the node's first sight;
 * NULL (and out_of_memory set) when memory runs out. */
DetprofNode        *_detprof_paths_add_node (DetprofThreadState *self,
                                             const DetprofFrame *caller,
                                             gconstpointer       call_site,
                                             gconstpointer       fn);

/* The call site (a return address) all but decides the other two parts
 * of the key: it lies inside the caller, and names the callee unless the
 * call is indirect. So it is hashed with the callee folded in, and the
 * caller is only compared. One multiply (Fibonacci hashing) mixes the
 * address bits into the high half, which the shift brings down. */
static inline gsize
site_hash (gconstpointer call_site,
           gconstpointer fn)
{
  guint64 h = ((guint64) (guintptr) call_site ^ ((guint64) (guintptr) fn << 7))
              * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h >> 32);
}

/* Finds the call site of a call, creating it (and its arc and function)
 * the first time; NULL when memory runs out. */
static inline DetprofCallSite *
find_call_site (DetprofThreadState *self,
                DetprofFunction    *caller,
                gconstpointer       call_site,
                gconstpointer       fn)
{
  gsize i = site_hash (call_site, fn) & self->sites_mask;
  DetprofCallSite *site;

  while ((site = self->sites[i]) != NULL)
    {
      if (site->call_site == call_site && site->fn == fn && site->caller == caller)
        return site;
      i = (i + 1) & self->sites_mask;
    }
  return _detprof_thread_state_add_site (self, caller, call_site, fn);
}

/* The node's key hashed as the call site's is, with the parent node
 * folded in: the same call site reached by two paths is two nodes. */
static inline gsize
node_hash (const DetprofNode *parent,
           gconstpointer      call_site,
           gconstpointer      fn)
{
  guint64 h = ((guint64) (guintptr) call_site ^ ((guint64) (guintptr) fn << 7)
               ^ ((guint64) (guintptr) parent << 17))
              * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h >> 32);
}

/* Finds the node of a call made by the frame @caller, creating it (and its
 * call site, arc and function) the first time; NULL when memory runs out.
 * This lookup is the one a call makes: the node leads to the call site. */
static inline DetprofNode *
find_node (DetprofThreadState *self,
           const DetprofFrame *caller,
           gconstpointer       call_site,
           gconstpointer       fn)
{
  const DetprofNode *parent = caller->node;
  gsize i = node_hash (parent, call_site, fn) & self->paths.index_mask;
  DetprofNode *node;

  while ((node = self->paths.index[i]) != NULL)
    {
      if (node->call_site == call_site && node->fn == fn && node->parent == parent)
        return node;
      i = (i + 1) & self->paths.index_mask;
    }
  return _detprof_paths_add_node (self, caller, call_site, fn);
}

static inline void
totals_enter (DetprofTotals *totals)
{
  totals->active++;
}

/* The part of an activation's end that recursion decides: only the
 * outermost activation adds its total, so recursion is not counted twice. */
static inline void
totals_leave_outermost (DetprofTotals *totals,
                        double         total,
                        gint64         n_total)
{
  if (--totals->active == 0)
    {
      totals->cc++;
      totals->ct += total;
      totals->n_ct += n_total;
    }
}

/* An activation ends: every one adds its internal time. */
static inline void
totals_leave (DetprofTotals *totals,
              double         internal,
              gint64         n_internal,
              double         total,
              gint64         n_total)
{
  totals->nc++;
  totals->tt += internal;
  totals->n_tt += n_internal;
  totals_leave_outermost (totals, total, n_total);
}

/* ---- the frame stack ---- */

/* The slot above the top, for the frame a call pushes; NULL when the
 * stack cannot grow. The frame is on the stack once it is filled in and
 * publish_frame() has made it the top: a signal handler that jumps out of
 * the dispatcher then finds either no new frame or a whole one. */
static inline DetprofFrame *
next_frame (DetprofThreadState *thread)
{
  if (G_UNLIKELY (thread->top + 1 == thread->frames_end)
      && !_detprof_thread_state_grow_stack (thread))
    return NULL;
  return thread->top + 1;
}

static inline void
publish_frame (DetprofThreadState *thread,
               DetprofFrame       *frame)
{
  __atomic_signal_fence (__ATOMIC_RELEASE);
  thread->top = frame;
}

/* profile.py's return handler, for the frame on top, which receives @delta
 * as the last stretch of its internal time. The stretches are counted as
 * the times are summed, each count next to its time. Four records take
 * the activation (function, call site, arc, path), which is more than
 * GCC's inlining limit allows a helper; every return runs it, so it is
 * inlined all the same. */
G_ALWAYS_INLINE static inline void
pop_frame (DetprofThreadState *thread,
           double              delta)
{
  DetprofFrame *frame = thread->top;
  DetprofFrame *parent = frame - 1;
  double internal = frame->it + delta;
  double total = internal + frame->et;
  gint64 n_internal = frame->n_it + 1;
  gint64 n_total = n_internal + frame->n_et;

  /* The parent's stretch before this call was kept in our frame; pay it now. */
  parent->it += frame->pt;
  parent->n_it++;
  parent->et += total;
  parent->n_et += n_total;
  thread->top--;

  totals_leave (&frame->function->totals, internal, n_internal, total, n_total);
  totals_leave (&frame->site->totals, internal, n_internal, total, n_total);
  totals_leave_outermost (&frame->site->arc->totals, total, n_total);
  totals_leave (&frame->node->totals, internal, n_internal, total, n_total);
}

G_END_DECLS
