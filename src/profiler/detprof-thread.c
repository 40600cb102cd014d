/* detprof-thread.c: one thread's frame stack and tables, the slow paths.
 *
 * Everything here runs rarely: when a thread first meets a profiler, when
 * a call site is seen for the first time, when the stack outgrows its
 * array. The per-event code is in detprof-profiler.c and in the inline
 * helpers of detprof-thread-private.h.
 */
#include "config.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "detprof-paths-private.h"
#include "detprof-thread-private.h"

#define INITIAL_STACK 1024
#define INITIAL_SITES 1024   /* a power of two */
#define INITIAL_INDEX 256    /* a power of two */

/* ---- lists and indexes that fail instead of aborting ---- */

/* The blocks start small, for the many threads that call a few
 * functions, and double up to a size that a big program's records fill
 * in a few hundred blocks. */
#define FIRST_BLOCK_SIZE 2048
#define LAST_BLOCK_SIZE (1024 * 1024)

struct _DetprofRecordBlock
{
  DetprofRecordBlock *older;
  gsize               size;   /* of the room after this header */
};

/* Room for the pointers of one more record; FALSE if memory does not allow. */
static gboolean
records_reserve (DetprofRecords *records)
{
  if (records->len == records->size)
    {
      guint size = MAX (records->size * 2, 64);
      gpointer *items = g_try_renew (gpointer, records->items, size);

      if (items == NULL)
        return FALSE;
      records->items = items;
      records->size = size;
    }
  return TRUE;
}

/* A new record of @size bytes, zeroed, at the end of @records; NULL when
 * memory runs out. */
static gpointer
records_new (DetprofRecords *records,
             gsize           size)
{
  gpointer record;

  size = (size + 15) & ~(gsize) 15;
  if (!records_reserve (records))
    return NULL;
  if (records->room < size)
    {
      gsize room = records->block != NULL ? MIN (records->block->size * 2, LAST_BLOCK_SIZE) : FIRST_BLOCK_SIZE;
      DetprofRecordBlock *block = g_try_malloc0 (sizeof (DetprofRecordBlock) + MAX (room, size));

      if (block == NULL)
        return NULL;
      block->older = records->block;
      block->size = MAX (room, size);
      records->block = block;
      records->room = block->size;
    }
  record = (guint8 *) (records->block + 1) + (records->block->size - records->room);
  records->room -= size;
  records->items[records->len++] = record;
  return record;
}

static void
records_clear (DetprofRecords *records)
{
  while (records->block != NULL)
    {
      DetprofRecordBlock *older = records->block->older;

      g_free (records->block);
      records->block = older;
    }
  g_free (records->items);
  records->items = NULL;
  records->len = records->size = 0;
  records->room = 0;
}

static inline gsize
pair_hash (gconstpointer a,
           gconstpointer b)
{
  guint64 h = ((guint64) (guintptr) a ^ ((guint64) (guintptr) b << 7)) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h >> 32);
}

static gsize
function_hash (gconstpointer record)
{
  return pair_hash (((const DetprofFunction *) record)->fn, NULL);
}

static gsize
arc_hash (gconstpointer record)
{
  const DetprofArc *arc = record;

  return pair_hash (arc->caller, arc->callee);
}

static gsize
site_record_hash (gconstpointer record)
{
  const DetprofCallSite *site = record;

  return site_hash (site->call_site, site->fn);
}

static void
index_put (gpointer     *slots,
           gsize         mask,
           gsize         hash,
           gpointer      record)
{
  gsize i = hash & mask;

  while (slots[i] != NULL)
    i = (i + 1) & mask;
  slots[i] = record;
}

/* Makes room in an index of @n records for one more, doubling it when it
 * would be more than half full, so that probes stay short; FALSE if
 * memory does not allow. */
/* Makes room in an index for one more of @records, doubling it when it
 * would be more than half full. The records are put back in their order
 * of making, which is their order in memory: going through the old
 * slots would visit them at random, a cache miss each. */
static gboolean
index_reserve (gpointer            **slots,
               gsize                *mask,
               const DetprofRecords *records,
               gsize               (*hash_of) (gconstpointer record))
{
  gsize capacity = (*mask + 1) * 2;
  gpointer *grown;
  guint i;

  if (((gsize) records->len + 1) * 2 <= *mask + 1)
    return TRUE;
  grown = g_try_new0 (gpointer, capacity);
  if (grown == NULL)
    return FALSE;
  for (i = 0; i < records->len; i++)
    index_put (grown, capacity - 1, hash_of (records->items[i]), records->items[i]);
  g_free (*slots);
  *slots = grown;
  *mask = capacity - 1;
  return TRUE;
}

DetprofThreadState *
_detprof_thread_state_new (DetprofProfiler *profiler,
                           guint64          serial)
{
  DetprofThreadState *self = g_try_new0 (DetprofThreadState, 1);

  if (self == NULL)
    return NULL;
  self->profiler = profiler;
  self->serial = serial;
  self->tid = (int) syscall (SYS_gettid);
  self->closed_seen = _detprof_modules_last_closed ();

  self->frames = g_try_new0 (DetprofFrame, INITIAL_STACK);
  self->frames_end = self->frames + INITIAL_STACK;
  self->sites = g_try_new0 (DetprofCallSite *, INITIAL_SITES);
  self->sites_mask = INITIAL_SITES - 1;
  self->function_index = g_try_new0 (DetprofFunction *, INITIAL_INDEX);
  self->function_mask = INITIAL_INDEX - 1;
  self->arc_index = g_try_new0 (DetprofArc *, INITIAL_INDEX);
  self->arc_mask = INITIAL_INDEX - 1;
  if (self->frames == NULL || self->sites == NULL || self->function_index == NULL || self->arc_index == NULL)
    {
      _detprof_thread_state_free (self);
      return NULL;
    }

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
  if (!_detprof_paths_init (self))
    {
      _detprof_thread_state_free (self);
      return NULL;
    }
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
  g_free (self->function_index);
  g_free (self->arc_index);
  _detprof_paths_clear (self);
  records_clear (&self->site_list);
  records_clear (&self->arc_list);
  records_clear (&self->function_list);
  g_free (self);
}

DetprofFunction *
_detprof_thread_state_find_function (DetprofThreadState *self,
                                     gconstpointer       fn)
{
  gsize i = pair_hash (fn, NULL) & self->function_mask;
  DetprofFunction *function;

  while ((function = self->function_index[i]) != NULL)
    {
      if (function->fn == fn)
        return function;
      i = (i + 1) & self->function_mask;
    }
  return NULL;
}

static DetprofFunction *
lookup_function (DetprofThreadState *self,
                 gconstpointer       fn)
{
  DetprofFunction *function = _detprof_thread_state_find_function (self, fn);

  if (function != NULL)
    return function;
  if (!index_reserve ((gpointer **) &self->function_index, &self->function_mask,
                      &self->function_list, function_hash)
      || (function = records_new (&self->function_list, sizeof *function)) == NULL)
    return NULL;
  function->fn = fn;
  index_put ((gpointer *) self->function_index, self->function_mask, function_hash (function), function);
  return function;
}

static DetprofArc *
lookup_arc (DetprofThreadState *self,
            DetprofFunction    *caller,
            DetprofFunction    *callee)
{
  gsize i = pair_hash (caller, callee) & self->arc_mask;
  DetprofArc *arc;

  while ((arc = self->arc_index[i]) != NULL)
    {
      if (arc->caller == caller && arc->callee == callee)
        return arc;
      i = (i + 1) & self->arc_mask;
    }
  if (!index_reserve ((gpointer **) &self->arc_index, &self->arc_mask, &self->arc_list, arc_hash)
      || (arc = records_new (&self->arc_list, sizeof *arc)) == NULL)
    return NULL;
  arc->caller = caller;
  arc->callee = callee;
  index_put ((gpointer *) self->arc_index, self->arc_mask, arc_hash (arc), arc);
  return arc;
}

DetprofCallSite *
_detprof_thread_state_add_site (DetprofThreadState *self,
                                DetprofFunction    *caller,
                                gconstpointer       call_site,
                                gconstpointer       fn)
{
  DetprofCallSite *site = NULL;
  DetprofFunction *callee;
  DetprofArc *arc;

  if ((callee = lookup_function (self, fn)) == NULL
      || (arc = lookup_arc (self, caller, callee)) == NULL
      || !index_reserve ((gpointer **) &self->sites, &self->sites_mask, &self->site_list, site_record_hash)
      || (site = records_new (&self->site_list, sizeof *site)) == NULL)
    {
      self->out_of_memory = TRUE;
      return NULL;
    }

  site->caller = caller;
  site->call_site = call_site;
  site->fn = fn;
  site->callee = callee;
  site->arc = arc;
  index_put ((gpointer *) self->sites, self->sites_mask, site_record_hash (site), site);
  return site;
}

/* ---- modules closed ---- */

/* Puts every record of @records back into an index emptied, after their
 * keys changed. The index has room: it held them all before. */
static void
reindex (gpointer             *slots,
         gsize                 mask,
         const DetprofRecords *records,
         gsize               (*hash_of) (gconstpointer record))
{
  guint i;

  memset (slots, 0, (mask + 1) * sizeof (gpointer));
  for (i = 0; i < records->len; i++)
    index_put (slots, mask, hash_of (records->items[i]), records->items[i]);
}

/* Moves the addresses of @closed's code in the records; TRUE if any was.
 * A call site moves with its return address, which lies in the caller,
 * and with the function called: both may be in the module, or one. */
static gboolean
move_closed_module (DetprofThreadState        *self,
                    const DetprofClosedModule *closed)
{
  gboolean moved = FALSE;
  guint i;

  for (i = 0; i < self->function_list.len; i++)
    {
      DetprofFunction *function = self->function_list.items[i];

      if (_detprof_closed_module_holds (closed, function->fn))
        {
          function->fn = _detprof_closed_module_move (closed, function->fn);
          moved = TRUE;
        }
    }
  for (i = 0; i < self->site_list.len; i++)
    {
      DetprofCallSite *site = self->site_list.items[i];

      if (_detprof_closed_module_holds (closed, site->fn))
        {
          site->fn = _detprof_closed_module_move (closed, site->fn);
          moved = TRUE;
        }
      if (_detprof_closed_module_holds (closed, site->call_site))
        {
          site->call_site = _detprof_closed_module_move (closed, site->call_site);
          moved = TRUE;
        }
    }
  return moved;
}

/* The records stay, with their counts, and so do the arcs between them:
 * only their keys change. Modules are taken in the order they were
 * closed, so that an address is moved by the first module that held it
 * after the record was made: once moved, it lies where no module is
 * mapped. (No code of a closed module can be on the stack: frames whose
 * function moved can only be the program's own stale ones, which then
 * match no return.) */
void
_detprof_thread_state_retire_closed_modules (DetprofThreadState        *self,
                                             const DetprofClosedModule *last)
{
  const DetprofClosedModule *closed;
  gboolean moved = FALSE;

  while (self->closed_seen != last && (closed = _detprof_closed_module_next (self->closed_seen)) != NULL)
    {
      if (move_closed_module (self, closed))
        moved = TRUE;
      self->closed_seen = closed;
    }
  if (!moved)
    return;
  reindex ((gpointer *) self->function_index, self->function_mask, &self->function_list, function_hash);
  reindex ((gpointer *) self->sites, self->sites_mask, &self->site_list, site_record_hash);
  _detprof_paths_rekey (self);
}

/* An arc's calls and internal time (and its stretches) are those of its call sites added up:
 * the dispatcher keeps them per call site only, one pair of additions per
 * return fewer. */
void
_detprof_thread_state_sum_arcs (DetprofThreadState *self)
{
  guint i;

  for (i = 0; i < self->arc_list.len; i++)
    {
      DetprofArc *arc = self->arc_list.items[i];

      arc->totals.nc = 0;
      arc->totals.tt = 0.0;
      arc->totals.n_tt = 0;
    }
  for (i = 0; i < self->site_list.len; i++)
    {
      DetprofCallSite *site = self->site_list.items[i];

      site->arc->totals.nc += site->totals.nc;
      site->arc->totals.tt += site->totals.tt;
      site->arc->totals.n_tt += site->totals.n_tt;
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
  into->n_tt += from->n_tt;
  into->n_ct += from->n_ct;
}

/* @from's record of @function, in @into's tables. */
static DetprofFunction *
same_function (DetprofThreadState    *into,
               DetprofThreadState    *from,
               const DetprofFunction *function)
{
  return function == &from->root_function ? &into->root_function : lookup_function (into, function->fn);
}

DetprofCallSite *
_detprof_thread_state_same_site (DetprofThreadState    *into,
                                 DetprofThreadState    *from,
                                 const DetprofCallSite *site)
{
  DetprofFunction *caller;

  if (site == &from->root_site)
    return &into->root_site;
  caller = same_function (into, from, site->caller);
  return caller != NULL ? find_call_site (into, caller, site->call_site, site->fn) : NULL;
}

/* Adds @from's records into @into's; FALSE if memory ran out on the way
 * (what was added stays). */
static gboolean
absorb_records (DetprofThreadState *into,
                DetprofThreadState *from)
{
  guint i;

  for (i = 0; i < from->function_list.len; i++)
    {
      DetprofFunction *function = from->function_list.items[i];
      DetprofFunction *same = same_function (into, from, function);

      if (same == NULL)
        return FALSE;
      totals_add (&same->totals, &function->totals);
    }
  for (i = 0; i < from->site_list.len; i++)
    {
      DetprofCallSite *site = from->site_list.items[i];
      DetprofFunction *caller = same_function (into, from, site->caller);
      DetprofCallSite *same = (caller != NULL) ? find_call_site (into, caller, site->call_site, site->fn) : NULL;

      if (same == NULL)
        return FALSE;
      totals_add (&same->totals, &site->totals);
    }
  /* An arc's cc and ct are its own (its nc and tt are its sites', summed
   * when read); every arc has a site, so the arc is there by now. */
  for (i = 0; i < from->arc_list.len; i++)
    {
      DetprofArc *arc = from->arc_list.items[i];
      DetprofFunction *caller = same_function (into, from, arc->caller);
      DetprofFunction *callee = same_function (into, from, arc->callee);
      DetprofArc *same = (caller != NULL && callee != NULL) ? lookup_arc (into, caller, callee) : NULL;

      if (same == NULL)
        return FALSE;
      same->totals.cc += arc->totals.cc;
      same->totals.ct += arc->totals.ct;
      same->totals.n_ct += arc->totals.n_ct;
      same->totals.active += arc->totals.active;
    }
  return TRUE;
}

/* Adds @from's tables and counts into @into's, as if @into had made
 * @from's calls too. @from has no frame open but its root. */
void
_detprof_thread_state_absorb (DetprofThreadState *into,
                              DetprofThreadState *from)
{
  int how;

  if (!absorb_records (into, from))
    into->out_of_memory++;
  _detprof_paths_absorb (into, from);
  into->unmatched_returns += from->unmatched_returns;
  into->abandoned_frames += from->abandoned_frames;
  into->dropped_events += from->dropped_events;
  into->unrecorded_calls += from->unrecorded_calls;
  for (how = 0; how < DETPROF_N_DEPARTURES; how++)
    into->left_frames[how] += from->left_frames[how];
  into->out_of_memory += from->out_of_memory;
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
