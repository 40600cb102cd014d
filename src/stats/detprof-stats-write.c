/* detprof-stats-write.c: from the table to the bytes of a dump, and to a
 * file.
 *
 * A dump is the stats dict in Python's marshal format, which pstats
 * loads, then detprof's own object, which pstats does not read: the run's
 * facts, the call sites and the error bounds. It is written straight
 * from the table, in the encoding of detprof-marshal-private.h, and
 * replaces its file atomically.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-paths.h"
#include "detprof-stats-table-private.h"

/* ---------------------------------------------------------------------- */
/* From the table to the bytes of a dump                                   */
/*
 * The dump is written straight from the table, in the encoding Python's
 * marshal has written since Python 3.4 (version 4): short ASCII strings,
 * small tuples, and references. A key, and a file name, is written in full
 * the first time; after that it is a 5-byte reference to it, as Python
 * writes an object it meets a second time. That keeps a dump small: a
 * program of 100,000 functions in one file names the file 500,000 times.
 *
 * A reference counts the flagged objects in the order their type bytes are
 * written (a tuple's number is taken before its items are written), which
 * is the order in which a reader meets them.
 */

typedef struct
{
  DetprofMarshalBuffer out;  /* the dump so far, or what is not yet written to @fd */
  int         fd;         /* where the dump goes as it is made; -1: kept whole in @out */
  int         failed;     /* the errno of the first write to @fd that failed, else 0 */
  GHashTable *files;      /* text -> its reference number + 1; borrowed keys */
  const char *last_file;  /* the file written last, and its reference number + 1 */
  guint       last_file_ref;
  guint      *key_refs;   /* entry index -> its reference number + 1; owned */
  guint       n_refs;
} DumpWriter;

/* A dump written to a file goes out a chunk at a time: a profile of
 * 100,000 functions is 20 MB, which a buffer would hold whole only to
 * copy it out (each page of it a page fault, then a copy). */
#define DUMP_CHUNK (1024 * 1024)

/* Writes all of @data to @fd; 0, or the errno of the write that failed. */
static int
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n > 0)
        {
          data += n;
          len -= (gsize) n;
        }
      else if (n == 0)
        return EIO;
      else if (errno != EINTR)
        return errno;
    }
  return 0;
}

/* Sends what the buffer holds to the file; after a failure, drops it. */
static void
flush_dump (DumpWriter *w)
{
  if (w->fd >= 0 && w->out.len > 0)
    {
      if (w->failed == 0)
        w->failed = write_all (w->fd, w->out.data, w->out.len);
      w->out.len = 0;
    }
}

/* Called between the records of a table: a chunk is full, send it. */
static inline void
flush_if_full (DumpWriter *w)
{
  if (w->fd >= 0 && w->out.len >= DUMP_CHUNK)
    flush_dump (w);
}

/* The encoding itself is the marshal format's (detprof-marshal-private.h). */
static inline void
put_byte (DumpWriter *w,
          guint8      byte)
{
  _detprof_marshal_put_byte (&w->out, byte);
}

static inline void
put_u32 (DumpWriter *w,
         guint32     u)
{
  _detprof_marshal_put_u32 (&w->out, u);
}

static inline void
put_int (DumpWriter *w,
         gint64      i)
{
  _detprof_marshal_put_int (&w->out, i);
}

static inline void
put_float (DumpWriter *w,
           double      f)
{
  _detprof_marshal_put_float (&w->out, f);
}

/* A flagged object's type byte: the object gets the next reference number. */
static inline void
put_flagged (DumpWriter *w,
             guint8      type)
{
  put_byte (w, type | FLAG_REF);
  w->n_refs++;
}

static void
put_ref (DumpWriter *w,
         guint       ref)
{
  put_byte (w, TYPE_REF);
  put_u32 (w, ref);
}

static void
put_time (DumpWriter  *w,
          DetprofTime  time)
{
  if (time.is_int)
    _detprof_marshal_put_integral (&w->out, time.value);
  else
    put_float (w, time.value);
}

/* Python writes ASCII text shorter than 256 bytes as 'z', other text as
 * 'u' (UTF-8); @flagged strings can be referred to later. */
static void
put_text_typed (DumpWriter *w,
                const char *text,
                gboolean    flagged)
{
  gsize len = strlen (text);
  guint8 type;

  /* Python cannot write more than 2^31 - 1 of anything either. */
  g_return_if_fail (len <= G_MAXINT32);

  type = len < 256 && _detprof_text_is_ascii (text) ? TYPE_SHORT_ASCII : TYPE_UNICODE;
  if (flagged)
    put_flagged (w, type);
  else
    put_byte (w, type);
  if (type == TYPE_SHORT_ASCII)
    put_byte (w, (guint8) len);
  else
    put_u32 (w, (guint32) len);
  _detprof_marshal_put_bytes (&w->out, (const guint8 *) text, len);
}

static void
put_text (DumpWriter *w,
          const char *text)
{
  put_text_typed (w, text, FALSE);
}

/* File names repeat: each is written once, then referred to. Functions
 * of one file are usually next to each other, so the last one is tried
 * before the table. */
static void
put_file (DumpWriter *w,
          const char *file)
{
  guint ref;

  if (w->last_file != NULL && strcmp (file, w->last_file) == 0)
    ref = w->last_file_ref;
  else
    ref = GPOINTER_TO_UINT (g_hash_table_lookup (w->files, file));

  if (ref == 0)
    {
      ref = w->n_refs + 1;
      g_hash_table_insert (w->files, (gpointer) file, GUINT_TO_POINTER (ref));
      put_text_typed (w, file, TRUE);
    }
  else
    put_ref (w, ref - 1);
  w->last_file = file;
  w->last_file_ref = ref;
}

static void
put_tuple_header (DumpWriter *w,
                  guint       n)
{
  if (n < 256)
    {
      put_byte (w, TYPE_SMALL_TUPLE);
      put_byte (w, (guint8) n);
    }
  else
    {
      put_byte (w, TYPE_TUPLE);
      put_u32 (w, n);
    }
}

/* (file, line, name) of entry @index: in full once, then by reference. */
static void
put_entry_key (DumpWriter   *w,
               DetprofStats *self,
               guint         index)
{
  const Key *key = &_detprof_stats_entry (self, index)->key;

  if (w->key_refs[index] != 0)
    {
      put_ref (w, w->key_refs[index] - 1);
      return;
    }
  w->key_refs[index] = w->n_refs + 1;
  put_flagged (w, TYPE_SMALL_TUPLE);
  put_byte (w, 3);
  put_file (w, key->file);
  put_int (w, key->line);
  put_text (w, key->name);
}

static void
put_arc (DumpWriter             *w,
         const DetprofCallerArc *arc)
{
  if (arc->style == DETPROF_CALLER_COUNT)
    {
      put_int (w, arc->nc);
      return;
    }

  /* Total calls first here: the opposite order to the 5-tuple. */
  put_tuple_header (w, 4);
  put_int (w, arc->nc);
  put_int (w, arc->cc);
  put_time (w, arc->tt);
  put_time (w, arc->ct);
}

/* The stats dict: { key: (cc, nc, tt, ct, { caller key: arc, ... }), ... } */
static void
put_table (DumpWriter   *w,
           DetprofStats *self)
{
  guint i, j;

  put_byte (w, TYPE_DICT);
  for (i = 0; i < self->n_functions; i++)
    {
      const Entry *entry = _detprof_stats_entry (self, i);

      put_entry_key (w, self, i);
      put_tuple_header (w, 5);
      put_int (w, entry->cc);
      put_int (w, entry->nc);
      put_time (w, entry->tt);
      put_time (w, entry->ct);
      put_byte (w, TYPE_DICT);
      for (j = 0; j < entry->callers.len; j++)
        {
          const DetprofCallerArc *arc = &entry->callers.items[j];

          put_entry_key (w, self, arc->caller);
          put_arc (w, arc);
        }
      put_byte (w, TYPE_NULL);
      flush_if_full (w);
    }
  put_byte (w, TYPE_NULL);
}

/* The rows' error bounds, and those of their callers' arcs, for the rows
 * that have them: ( (key, tt_bound, ct_bound, ( (caller key, tt_bound,
 * ct_bound), ... )), ... ). Seconds, as floats. */
static void
put_bounds (DumpWriter   *w,
            DetprofStats *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) arcs = g_array_new (FALSE, FALSE, sizeof (guint));
  guint i, j;

  for (i = 0; i < self->n_functions; i++)
    if (_detprof_stats_entry_has_bounds (_detprof_stats_entry (self, i)))
      g_array_append_val (rows, i);

  put_tuple_header (w, rows->len);
  for (i = 0; i < rows->len; i++)
    {
      const Entry *entry = _detprof_stats_entry (self, g_array_index (rows, guint, i));

      g_array_set_size (arcs, 0);
      for (j = 0; j < entry->callers.len; j++)
        {
          double tt, ct;

          _detprof_stats_get_arc_bounds (self, _detprof_stats_entry (self, entry->callers.items[j].caller), entry, &tt, &ct);
          if (!isnan (tt) || !isnan (ct))
            g_array_append_val (arcs, j);
        }

      put_tuple_header (w, 4);
      put_entry_key (w, self, entry->index);
      put_float (w, entry->tt_bound);
      put_float (w, entry->ct_bound);
      put_tuple_header (w, arcs->len);
      for (j = 0; j < arcs->len; j++)
        {
          const Entry *caller = _detprof_stats_entry (self, entry->callers.items[g_array_index (arcs, guint, j)].caller);
          double tt, ct;

          _detprof_stats_get_arc_bounds (self, caller, entry, &tt, &ct);
          put_tuple_header (w, 3);
          put_entry_key (w, self, caller->index);
          put_float (w, tt);
          put_float (w, ct);
        }
      flush_if_full (w);
    }
}

static gboolean
call_site_has_bounds (const CallSite *site)
{
  return !isnan (site->tt_bound) || !isnan (site->ct_bound);
}

static gboolean
has_call_site_bounds (DetprofStats *self)
{
  guint i;

  for (i = 0; i < self->call_sites->len; i++)
    if (call_site_has_bounds (g_ptr_array_index (self->call_sites, i)))
      return TRUE;
  return FALSE;
}

/* The call sites' bounds, for those that have them: ( (caller key, callee
 * key, file, line, tt_bound, ct_bound), ... ). */
static void
put_call_site_bounds (DumpWriter   *w,
                      DetprofStats *self)
{
  guint i, n = 0;

  for (i = 0; i < self->call_sites->len; i++)
    n += call_site_has_bounds (g_ptr_array_index (self->call_sites, i));
  put_tuple_header (w, n);
  for (i = 0; i < self->call_sites->len; i++)
    {
      const CallSite *site = g_ptr_array_index (self->call_sites, i);

      if (!call_site_has_bounds (site))
        continue;
      put_tuple_header (w, 6);
      put_entry_key (w, self, site->caller->index);
      put_entry_key (w, self, site->callee->index);
      put_file (w, site->file);
      put_int (w, site->line);
      put_float (w, site->tt_bound);
      put_float (w, site->ct_bound);
      flush_if_full (w);
    }
}

/* The calling-context trees, when there are any (detprof-stats-paths.c):
 *
 *   "path_threads": ( (id, n_threads, cpu_time, unplaced_calls), ... ),
 *   "paths": ( (parent, thread, function, file, line, nc, cc, tt, ct, tt_bound, ct_bound), ... )
 *
 * A node's parent is the index of a node before it, or -1; its function
 * is a row of the dict, by its place there; its thread, an index of
 * path_threads. A bound is NaN when the profile has none. */
static void
put_paths (DumpWriter   *w,
           DetprofStats *self)
{
  guint n_threads = detprof_stats_get_n_path_threads (self);
  guint n_nodes = detprof_stats_get_n_path_nodes (self);
  guint i;

  put_text (w, "path_threads");
  put_tuple_header (w, n_threads);
  for (i = 0; i < n_threads; i++)
    {
      const DetprofPathThread *thread = detprof_stats_get_path_thread (self, i);

      put_tuple_header (w, 4);
      put_int (w, thread->id);
      put_int (w, thread->n_threads);
      put_float (w, thread->cpu_time);
      put_int (w, thread->unplaced_calls);
    }

  put_text (w, "paths");
  put_tuple_header (w, n_nodes);
  for (i = 0; i < n_nodes; i++)
    {
      const DetprofPathNode *node = detprof_stats_get_path_node (self, i);

      put_tuple_header (w, 11);
      put_int (w, node->parent == G_MAXUINT ? -1 : (gint64) node->parent);
      put_int (w, node->thread);
      put_int (w, node->function);
      put_file (w, node->file);
      put_int (w, node->line);
      put_int (w, node->nc);
      put_int (w, node->cc);
      put_float (w, node->tt);
      put_float (w, node->ct);
      put_float (w, node->tt_bound);
      put_float (w, node->ct_bound);
      flush_if_full (w);
    }
}

/* detprof's extra object, written after the dict:
 *
 *   { "detprof": 1,
 *     "info": { name: value, ... },                       the run's facts
 *     "call_sites": ( (caller key, callee key, file, line, nc, cc, tt, ct), ... ),
 *     "bounds": ( (key, tt_bound, ct_bound,               each time's error bound,
 *                  ( (caller key, tt_bound, ct_bound), ... )), ... ),   when known
 *     "call_site_bounds": ( (caller key, callee key, file, line, tt_bound, ct_bound), ... ),
 *     "path_threads": ..., "paths": ... }                  put_paths ()
 *
 * Readers ignore keys they do not know, so "bounds" (detprof 0.2) and the
 * paths leave older readers as they were.
 */
static void
put_extra (DumpWriter   *w,
           DetprofStats *self)
{
  guint i;

  put_byte (w, TYPE_DICT);
  put_text (w, "detprof");
  put_int (w, 1);

  put_text (w, "info");
  put_byte (w, TYPE_DICT);
  for (i = 0; i + 1 < self->info_keys->len; i++)
    {
      const char *key = g_ptr_array_index (self->info_keys, i);

      put_text (w, key);
      put_text (w, g_hash_table_lookup (self->info, key));
    }
  put_byte (w, TYPE_NULL);

  put_text (w, "call_sites");
  put_tuple_header (w, self->call_sites->len);
  for (i = 0; i < self->call_sites->len; i++)
    {
      const CallSite *site = g_ptr_array_index (self->call_sites, i);

      put_tuple_header (w, 8);
      put_entry_key (w, self, site->caller->index);
      put_entry_key (w, self, site->callee->index);
      put_file (w, site->file);
      put_int (w, site->line);
      put_int (w, site->nc);
      put_int (w, site->cc);
      put_float (w, site->tt);
      put_float (w, site->ct);
      flush_if_full (w);
    }

  if (detprof_stats_has_bounds (self))
    {
      put_text (w, "bounds");
      put_bounds (w, self);
    }
  if (has_call_site_bounds (self))
    {
      put_text (w, "call_site_bounds");
      put_call_site_bounds (w, self);
    }
  if (detprof_stats_get_n_path_nodes (self) > 0)
    put_paths (w, self);
  put_byte (w, TYPE_NULL);
}

/**
 * detprof_stats_to_bytes:
 * @self: a #DetprofStats
 *
 * Encodes the table as a stats dump: the dict in Python's marshal format,
 * in table order, in the encoding Python 3.4 and later write and load
 * (each key and file name written once, then referred to), followed by
 * detprof's own object when there are call sites, run facts or error
 * bounds. Integer
 * times stay integers. The sort order is not part of a dump.
 *
 * Returns: (transfer full): the dump
 *
 * Since: 0.1
 */
/* Encodes the dump into @w: the dict, then detprof's object if there is
 * anything to put in it. */
static void
encode_dump (DumpWriter   *w,
             DetprofStats *self)
{
  w->files = g_hash_table_new (_detprof_stats_text_hash_func, g_str_equal);
  w->key_refs = g_new0 (guint, self->entries->len);

  put_table (w, self);

  /* Python's marshal.load reads one object and stops: what follows is ours.
   * It is a second object, with references of its own. */
  if (self->call_sites->len > 0 || self->info_keys->len > 1 || detprof_stats_has_bounds (self)
      || has_call_site_bounds (self) || detprof_stats_get_n_path_nodes (self) > 0)
    {
      g_hash_table_remove_all (w->files);
      memset (w->key_refs, 0, self->entries->len * sizeof *w->key_refs);
      w->last_file = NULL;
      w->n_refs = 0;
      put_extra (w, self);
    }

  g_clear_pointer (&w->files, g_hash_table_unref);
  g_clear_pointer (&w->key_refs, g_free);
}

GBytes *
detprof_stats_to_bytes (DetprofStats *self)
{
  DumpWriter w = { .fd = -1 };

  g_return_val_if_fail (DETPROF_IS_STATS (self), NULL);

  _detprof_marshal_buffer_reserve (&w.out, 64 + 128 * ((gsize) self->n_functions + self->call_sites->len));
  encode_dump (&w, self);
  return _detprof_marshal_buffer_steal (&w.out);
}

/* Encodes the dump straight into @fd; 0, or the errno of the write that
 * failed. */
static int
write_dump (DetprofStats *self,
            int           fd)
{
  DumpWriter w = { .fd = fd };

  _detprof_marshal_buffer_reserve (&w.out, DUMP_CHUNK + 4096);
  encode_dump (&w, self);
  flush_dump (&w);
  g_free (w.out.data);
  return w.failed;
}

/* Writes @data to a character device or a pipe that is already there, as
 * the shell's ">" would. A pipe that no process reads is refused rather
 * than waited on: the profile is written at exit, and must not hang it. */
static gboolean
write_in_place (DetprofStats *self,
                const char   *path,
                gboolean      is_pipe,
                GError      **error)
{
  g_autofree char *display = g_filename_display_name (path);
  int fd = g_open (path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  int saved = fd < 0 ? errno : 0;

  if (fd >= 0)
    {
      /* Non-blocking only to open: a reader is there, now wait for it. */
      fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
      saved = write_dump (self, fd);
      if (close (fd) != 0 && saved == 0 && errno != EINTR)
        saved = errno;
    }
  if (saved == 0)
    return TRUE;

  g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO, "Cannot write statistics to %s: %s", display,
               is_pipe && saved == ENXIO ? "no process has it open for reading" : g_strerror (saved));
  return FALSE;
}

/**
 * detprof_stats_dump:
 * @self: a #DetprofStats
 * @path: (type filename): where to write the dump
 * @error: return location for a #GError, or %NULL
 *
 * Writes detprof_stats_to_bytes() to @path, atomically: a reader sees the
 * old file or the new one, never a part. The bytes are written as they
 * are encoded, never held whole. A character device or a pipe
 * (`/dev/null`, `/dev/stdout`, a FIFO) is written in place instead, since
 * renaming a file over it would replace the node itself; a pipe must
 * have a reader. Other files that are not regular files (directories,
 * sockets, block devices) are refused.
 *
 * Returns: %TRUE on success, %FALSE if @error is set (%DETPROF_ERROR_IO)
 *
 * Since: 0.1
 */
gboolean
detprof_stats_dump (DetprofStats  *self,
                    const char    *path,
                    GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *temporary = NULL;
  gboolean replaces;
  GStatBuf st;
  int saved;
  int fd;

  g_return_val_if_fail (DETPROF_IS_STATS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);
  replaces = (g_stat (path, &st) == 0);
  if (replaces && !S_ISREG (st.st_mode))
    {
      if (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode))
        return write_in_place (self, path, S_ISFIFO (st.st_mode), error);
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "Cannot write statistics to %s: it is not a regular file, a character device or a pipe",
                   display);
      return FALSE;
    }

  /* As g_file_set_contents () does, but encoding as it writes: a
   * temporary file in the same directory, renamed over @path once
   * complete, after an fsync () if it replaces a file, so that a crash
   * leaves the old one rather than an empty one. */
  temporary = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temporary, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    saved = errno;
  else
    {
      saved = write_dump (self, fd);
      if (saved == 0 && replaces && fsync (fd) != 0)
        saved = errno;
      if (close (fd) != 0 && saved == 0 && errno != EINTR)
        saved = errno;
      if (saved == 0 && g_rename (temporary, path) != 0)
        saved = errno;
      if (saved != 0)
        g_unlink (temporary);
    }

  if (saved != 0)
    {
      g_set_error (error, DETPROF_ERROR, DETPROF_ERROR_IO,
                   "Cannot write statistics to %s: %s", display, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
