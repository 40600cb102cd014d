/* detprof-flame-private.h: two pictures of a calling-context tree, a
 * self-contained interactive SVG flame graph and speedscope's JSON file
 * format, and the one layout both draw from.
 *
 * They take the tree as a plain array of nodes, so that they do not
 * depend on where the tree is kept: whoever holds one (DetprofStats, a
 * test) fills the array and calls a writer.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One node of a calling-context tree, as the pictures need it: a call
 * path (the function, reached from its parent node) with its numbers.
 * Nodes are in an array; a node's parent comes before it, and the
 * children of a node are drawn in the order they have in the array. */
typedef struct
{
  guint        parent;       /* index of the parent node; G_MAXUINT for a root (a thread) */
  const char  *name;         /* the function's name (a root: the thread's label); UTF-8 expected, any bytes accepted */
  const char  *file;         /* may be "" (or NULL): no file:line is shown */
  gint64       line;         /* 0 or less: not known */
  gint64       calls;        /* a root's calls are not shown */
  double       self_time;    /* seconds */
  double       total_time;   /* seconds, counted once across recursion; a root's: its thread's, or 0 for the sum of its children */
  double       self_bound;   /* error bound of self_time, seconds; 0 if not known */
  double       total_bound;  /* error bound of total_time, seconds; 0 if not known */
} DetprofFlameNode;

/* Appends to @out a self-contained interactive SVG flame graph of @nodes:
 * one frame per node as wide as its total time, a node's children on top
 * of it, the threads side by side on an "all" frame at the bottom. Hover
 * shows a frame's numbers, a click zooms into it, a search box highlights
 * the frames whose name matches. @title (nullable) heads the picture.
 *
 * Times that are not finite numbers are drawn as 0, and the picture says
 * how many there were. */
void _detprof_flame_write_svg (const DetprofFlameNode *nodes,
                               guint                   n_nodes,
                               const char             *title,
                               GString                *out);

/* Appends to @out speedscope's JSON file format
 * (https://www.speedscope.app/file-format-schema.json): one "evented"
 * profile per root (thread), in seconds. The events are synthesised from
 * the tree: a node's frame opens, its children open and close one after
 * the other, and it closes at its total time, so that speedscope shows the
 * tree's times exactly. One frame per function (name, file, line), shared
 * by every node of that function. @name (nullable) names the file. */
void _detprof_flame_write_speedscope (const DetprofFlameNode *nodes,
                                      guint                   n_nodes,
                                      const char             *name,
                                      GString                *out);

/* ---- the layout both writers share (detprof-flame.c) ---- */

/* Each thread's tree laid out on a timeline of its own that starts at 0:
 * a node's frame spans [start, end), its children follow one another from
 * its start, in order. A frame is as long as the node's total time, with
 * two exceptions that keep the children inside their parent: a time that
 * is negative or not a finite number counts as 0, and where the children's
 * times add up to more than their parent's span (recursion through another
 * function counts the inner activations in both; compensation can leave a
 * self time negative), the children are scaled down together to fit. */
typedef struct
{
  guint   n_nodes;
  guint  *child_offsets;  /* n_nodes + 1: node i's children are children[child_offsets[i] .. child_offsets[i + 1]) */
  guint  *children;       /* node indices, each node's children in array order */
  guint  *depth;          /* 0 for a root */
  double *start;          /* seconds on the node's thread's timeline */
  double *end;
  guint   n_not_finite;   /* nodes whose total time is not a finite number */
} DetprofFlameLayout;

/* Whether @nodes is a tree as DetprofFlameNode says: every parent before
 * its child, every name set. */
gboolean            _detprof_flame_nodes_are_valid (const DetprofFlameNode *nodes,
                                                    guint                   n_nodes);

/* The layout of @nodes, which must be valid. Free with
 * _detprof_flame_layout_free (). */
DetprofFlameLayout *_detprof_flame_layout_new  (const DetprofFlameNode *nodes,
                                                guint                   n_nodes);
void                _detprof_flame_layout_free (DetprofFlameLayout     *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DetprofFlameLayout, _detprof_flame_layout_free)

G_END_DECLS
