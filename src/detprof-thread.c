/* detprof-thread.c: one thread's frame stack and tables, the slow paths.
 *
 * Everything here runs rarely: when a thread first meets a profiler, when
 * a call site is seen for the first time, when the stack outgrows its
 * array. The per-event code is in detprof-profiler.c and in the inline
 * helpers of detprof-thread-private.h.
 */
#include "config.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-thread-private.h"

#define INITIAL_STACK 1024
#define INITIAL_SITES 1024   /* a power of two */

typedef struct
{
  const DetprofFunction *caller;
  const DetprofFunction *callee;
} ArcKey;

static guint
arc_key_hash (gconstpointer key)
{
  const DetprofArc *arc = key;

  return g_direct_hash (arc->caller) * 31 + g_direct_hash (arc->callee);
}

static gboolean
arc_key_equal (gconstpointer a,
               gconstpointer b)
{
  const DetprofArc *x = a, *y = b;

  return x->caller == y->caller && x->callee == y->callee;
}

DetprofThreadState *
_detprof_thread_state_new (DetprofProfiler *profiler,
                           guint64          serial)
{
  DetprofThreadState *self = g_new0 (DetprofThreadState, 1);

  self->profiler = profiler;
  self->serial = serial;
  self->tid = (int) syscall (SYS_gettid);

  self->frames = g_new0 (DetprofFrame, INITIAL_STACK);
  self->frames_end = self->frames + INITIAL_STACK;
  self->sites = g_new0 (DetprofCallSite *, INITIAL_SITES);
  self->sites_mask = INITIAL_SITES - 1;

  self->functions = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->function_list = g_ptr_array_new_with_free_func (g_free);
  self->arcs = g_hash_table_new (arc_key_hash, arc_key_equal);
  self->arc_list = g_ptr_array_new_with_free_func (g_free);
  self->site_list = g_ptr_array_new_with_free_func (g_free);

  /* The root stands below the first real frame, so that every frame has a
   * parent to fold into. It is never popped, so its counts stay zero. */
  self->root_arc.caller = &self->root_function;
  self->root_arc.callee = &self->root_function;
  self->root_site.arc = &self->root_arc;
  self->root_site.callee = &self->root_function;
  self->root_site.caller = &self->root_function;
  self->frames[0].site = &self->root_site;
  self->frames[0].function = &self->root_function;
  self->frames[0].stack = G_MAXSIZE;
  self->top = self->frames;
  return self;
}

void
_detprof_thread_state_free (DetprofThreadState *self)
{
  if (self == NULL)
    return;
  g_datalist_clear (&self->qdata);
  g_free (self->jump_targets);
  g_free (self->frames);
  g_free (self->sites);
  g_hash_table_unref (self->functions);
  g_hash_table_unref (self->arcs);
  g_ptr_array_unref (self->site_list);
  g_ptr_array_unref (self->arc_list);
  g_ptr_array_unref (self->function_list);
  g_free (self);
}

static DetprofFunction *
lookup_function (DetprofThreadState *self,
                 gconstpointer       fn)
{
  DetprofFunction *function = g_hash_table_lookup (self->functions, fn);

  if (function == NULL)
    {
      function = g_new0 (DetprofFunction, 1);
      function->fn = fn;
      g_hash_table_insert (self->functions, (gpointer) fn, function);
      g_ptr_array_add (self->function_list, function);
    }
  return function;
}

static DetprofArc *
lookup_arc (DetprofThreadState *self,
            DetprofFunction    *caller,
            DetprofFunction    *callee)
{
  DetprofArc key = { caller, callee, { 0 } };
  DetprofArc *arc = g_hash_table_lookup (self->arcs, &key);

  if (arc == NULL)
    {
      arc = g_new0 (DetprofArc, 1);
      arc->caller = caller;
      arc->callee = callee;
      g_hash_table_add (self->arcs, arc);
      g_ptr_array_add (self->arc_list, arc);
    }
  return arc;
}

/* Doubles the call-site table when it is half full, so that probes stay
 * short. */
static void
grow_sites (DetprofThreadState *self)
{
  gsize capacity = (self->sites_mask + 1) * 2;
  DetprofCallSite **sites = g_new0 (DetprofCallSite *, capacity);
  gsize i;

  for (i = 0; i < self->site_list->len; i++)
    {
      DetprofCallSite *site = g_ptr_array_index (self->site_list, i);
      gsize j = site_hash (site->call_site, site->fn) & (capacity - 1);

      while (sites[j] != NULL)
        j = (j + 1) & (capacity - 1);
      sites[j] = site;
    }
  g_free (self->sites);
  self->sites = sites;
  self->sites_mask = capacity - 1;
}

DetprofCallSite *
_detprof_thread_state_add_site (DetprofThreadState *self,
                                DetprofFunction    *caller,
                                gconstpointer       call_site,
                                gconstpointer       fn)
{
  DetprofCallSite *site;
  gsize i;

  if ((self->n_sites + 1) * 2 > self->sites_mask + 1)
    grow_sites (self);

  site = g_new0 (DetprofCallSite, 1);
  site->caller = caller;
  site->call_site = call_site;
  site->fn = fn;
  site->callee = lookup_function (self, fn);
  site->arc = lookup_arc (self, caller, site->callee);
  g_ptr_array_add (self->site_list, site);
  self->n_sites++;

  i = site_hash (call_site, fn) & self->sites_mask;
  while (self->sites[i] != NULL)
    i = (i + 1) & self->sites_mask;
  self->sites[i] = site;
  return site;
}

/* An arc's calls and internal time are those of its call sites added up:
 * the dispatcher keeps them per call site only, one pair of additions per
 * return fewer. */
void
_detprof_thread_state_sum_arcs (DetprofThreadState *self)
{
  guint i;

  for (i = 0; i < self->arc_list->len; i++)
    {
      DetprofArc *arc = g_ptr_array_index (self->arc_list, i);

      arc->totals.nc = 0;
      arc->totals.tt = 0.0;
    }
  for (i = 0; i < self->site_list->len; i++)
    {
      DetprofCallSite *site = g_ptr_array_index (self->site_list, i);

      site->arc->totals.nc += site->totals.nc;
      site->arc->totals.tt += site->totals.tt;
    }
}

static void
totals_add (DetprofTotals       *into,
            const DetprofTotals *from)
{
  into->nc += from->nc;
  into->cc += from->cc;
  into->active += from->active;
  into->tt += from->tt;
  into->ct += from->ct;
}

/* @from's record of @function, in @into's tables. */
static DetprofFunction *
same_function (DetprofThreadState    *into,
               DetprofThreadState    *from,
               const DetprofFunction *function)
{
  return function == &from->root_function ? &into->root_function : lookup_function (into, function->fn);
}

/* Adds @from's tables and counts into @into's, as if @into had made
 * @from's calls too. @from has no frame open but its root. */
void
_detprof_thread_state_absorb (DetprofThreadState *into,
                              DetprofThreadState *from)
{
  guint i;
  int how;

  for (i = 0; i < from->function_list->len; i++)
    {
      DetprofFunction *function = g_ptr_array_index (from->function_list, i);

      totals_add (&same_function (into, from, function)->totals, &function->totals);
    }
  for (i = 0; i < from->site_list->len; i++)
    {
      DetprofCallSite *site = g_ptr_array_index (from->site_list, i);
      DetprofCallSite *same = find_call_site (into, same_function (into, from, site->caller),
                                              site->call_site, site->fn);

      totals_add (&same->totals, &site->totals);
    }
  /* An arc's cc and ct are its own (its nc and tt are its sites', summed
   * when read); every arc has a site, so the arc is there by now. */
  for (i = 0; i < from->arc_list->len; i++)
    {
      DetprofArc *arc = g_ptr_array_index (from->arc_list, i);
      DetprofArc *same = lookup_arc (into, same_function (into, from, arc->caller),
                                     same_function (into, from, arc->callee));

      same->totals.cc += arc->totals.cc;
      same->totals.ct += arc->totals.ct;
      same->totals.active += arc->totals.active;
    }

  into->unmatched_returns += from->unmatched_returns;
  into->abandoned_frames += from->abandoned_frames;
  into->dropped_events += from->dropped_events;
  for (how = 0; how < DETPROF_N_DEPARTURES; how++)
    into->left_frames[how] += from->left_frames[how];
  into->out_of_memory |= from->out_of_memory;
}

/* Doubles the frame stack. Recursion a million deep needs 48 MB, which is
 * what it costs; we never stop counting at some depth. */
gboolean
_detprof_thread_state_grow_stack (DetprofThreadState *self)
{
  gsize depth = self->top - self->frames;
  gsize capacity = (self->frames_end - self->frames) * 2;
  DetprofFrame *frames = g_try_renew (DetprofFrame, self->frames, capacity);

  if (frames == NULL)
    {
      self->out_of_memory = TRUE;
      return FALSE;
    }
  self->frames = frames;
  self->top = frames + depth;
  self->frames_end = frames + capacity;
  return TRUE;
}
