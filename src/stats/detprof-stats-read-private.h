/* detprof-stats-read-private.h: the reader of stats dumps
 * (detprof-stats-read.c), and what it needs of the table to fill it.
 */
#pragma once

#include "detprof-stats.h"

G_BEGIN_DECLS

/* From detprof-stats-read.c. */

/* Reads a stats dump into @self, which must be empty: the stats dict, and
 * detprof's call sites and run facts if they follow it. Anything else
 * after the dict is left alone, as Python's marshal.load leaves it. On
 * success sets @dict_len, if not NULL, to the bytes the dict took.
 *
 * On failure sets DETPROF_ERROR_CORRUPT. What is wrong with the bytes
 * comes first, with where it is ("at byte 1234: unknown type code 0x3f");
 * else what is wrong with the dict ("entry 3: caller 2: expected an int
 * or a 4-tuple, found a str"). Errors in detprof's object after the dict
 * start with "detprof's extra data (from byte N): ", and their byte
 * offsets count from there. @self may then hold part of the dump. */
gboolean _detprof_stats_read (DetprofStats  *self,
                              const guint8  *data,
                              gsize          len,
                              gsize         *dict_len,
                              GError       **error);

/* From detprof-stats.c: how the reader fills an empty table, in three
 * steps, and adds the call sites it reads. */

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

/* Adds the numbers of a call site, whose caller and callee are named by
 * their keys (which need not be in the table); an equal call site is
 * summed. */
void     _detprof_stats_take_call_site (DetprofStats *self,
                                        const char   *caller_file,
                                        gint64        caller_line,
                                        const char   *caller_name,
                                        const char   *callee_file,
                                        gint64        callee_line,
                                        const char   *callee_name,
                                        const char   *file,
                                        gint64        line,
                                        gint64        nc,
                                        gint64        cc,
                                        double        tt,
                                        double        ct);

/* What a dump reader found under "bounds" in detprof's extra object: the
 * bounds of the row keyed (file, line, name), or of the arc from the
 * caller keyed (caller_*) to it. They replace what the row or arc had; a
 * key that has no row, or an arc the row does not have, is ignored. */
void     _detprof_stats_take_bounds (DetprofStats *self,
                                     const char   *file,
                                     gint64        line,
                                     const char   *name,
                                     double        tt_bound,
                                     double        ct_bound);
void     _detprof_stats_take_caller_bounds (DetprofStats *self,
                                            const char   *callee_file,
                                            gint64        callee_line,
                                            const char   *callee_name,
                                            const char   *caller_file,
                                            gint64        caller_line,
                                            const char   *caller_name,
                                            double        tt_bound,
                                            double        ct_bound);

/* What a dump reader found under "call_site_bounds": the bounds of the
 * call site (caller, callee, file, line), which replace its own; a site
 * the table does not have is ignored. */
void     _detprof_stats_take_call_site_bounds (DetprofStats *self,
                                               const char   *caller_file,
                                               gint64        caller_line,
                                               const char   *caller_name,
                                               const char   *callee_file,
                                               gint64        callee_line,
                                               const char   *callee_name,
                                               const char   *file,
                                               gint64        line,
                                               double        tt_bound,
                                               double        ct_bound);

G_END_DECLS
