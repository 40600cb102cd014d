/* detprof-stats-load-private.h: the two readers of a stats dict.
 *
 * The stream reader (detprof-stats-load.c) reads the shapes that Python
 * and detprof write straight from the bytes into the table. The tree
 * reader (detprof-stats.c) reads any marshal object into a tree first
 * (detprof-marshal.c) and then walks it. The tree reader is the reference:
 * the stream reader declines whatever it is not sure of, and then the tree
 * reader runs, so a dump loads the same whichever one reads it, and every
 * error message comes from the tree reader.
 */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* From detprof-stats-load.c. */

/* Reads the stats dict at the start of @data into @self, which must be
 * empty. On success sets @consumed to the bytes the dict took (detprof's
 * extra object may follow). Returns FALSE, with @self still empty, if the
 * data is anything but a well-formed dict of the usual shapes: then the
 * tree reader must be used. */
gboolean _detprof_stats_load_stream (DetprofStats *self,
                                     const guint8 *data,
                                     gsize         len,
                                     gsize        *consumed);

/* From detprof-stats.c. */

/* Reads the stats dict at the start of @data into the empty @self through
 * a marshal tree. On failure sets a DETPROF_ERROR_CORRUPT error that says
 * what was wrong where; @self may then hold part of the dict. */
gboolean _detprof_stats_load_tree (DetprofStats  *self,
                                   const guint8  *data,
                                   gsize          len,
                                   gsize         *consumed,
                                   GError       **error);

/* For the stream reader, which fills an empty table in three steps. */

/* Appends a new key, as a key with no row yet, with zero counts and no
 * callers. @file and @name are UTF-8 without NUL, of the lengths given.
 * Returns its index. */
guint    _detprof_stats_take_key (DetprofStats *self,
                                  const char   *file,
                                  gsize         file_len,
                                  gint64        line,
                                  const char   *name,
                                  gsize         name_len);

/* Gives the table the block of every arc read (g_malloc ()ed), before
 * the rows' callers, which point into it, are set. */
void     _detprof_stats_take_arcs (DetprofStats     *self,
                                   DetprofCallerArc *arcs);

/* Sets the numbers of the key at @index, and its callers: @n_callers arcs
 * in the block given to _detprof_stats_take_arcs (), whose caller fields
 * are indices of the table. */
void     _detprof_stats_take_numbers (DetprofStats     *self,
                                      guint             index,
                                      gint64            cc,
                                      gint64            nc,
                                      DetprofTime       tt,
                                      DetprofTime       ct,
                                      DetprofCallerArc *callers,
                                      guint             n_callers);

/* Makes the keys @rows, in that order, the rows of the table: they move to
 * the front, the other keys follow in their order, and every arc is
 * renumbered to match. */
void     _detprof_stats_place_rows (DetprofStats *self,
                                    const guint  *rows,
                                    guint         n_rows);

/* Empties the table of its keys (its files, call sites and run facts stay). */
void     _detprof_stats_clear_table (DetprofStats *self);

G_END_DECLS
