/* detprof-flame.c: laying out a calling-context tree for the pictures.
 *
 * A flame graph and speedscope's evented profiles show the same thing. On
 * each thread's timeline, a node's frame spans its total time, and its
 * children's frames sit inside it one after the other from its start, in
 * the order of the array. What is left of the parent after its children is
 * its self time. This file computes those spans once, for both writers.
 *
 * The tree's numbers do not always nest. A node's total time is counted
 * once across recursion: when f calls g, which calls f again, the inner
 * f's time is in f's node (folded into it) and also in g's total. So the
 * gap a frame leaves after its children can be less than its self time,
 * and when f also calls h from the inner activation, f's children (g,
 * whose total holds h's time, and h) can add up to more than f itself.
 * Compensation can leave a self time negative, with the same effect.
 * There the children are scaled down together to fill their parent:
 * frames must nest, and speedscope refuses events that do not. The SVG
 * says on each such frame that it is drawn narrower than its time.
 */
#include "config.h"

#include <math.h>

#include "detprof-flame-private.h"

/* A frame cannot be negative, and a time that is not a number has no
 * width: both are drawn as nothing. */
static inline double
drawable_time (double seconds)
{
  return isfinite (seconds) && seconds > 0.0 ? seconds : 0.0;
}

gboolean
_detprof_flame_nodes_are_valid (const DetprofFlameNode *nodes,
                                guint                   n_nodes)
{
  guint i;

  if (n_nodes > 0 && nodes == NULL)
    return FALSE;

  for (i = 0; i < n_nodes; i++)
    if (nodes[i].name == NULL
        || (nodes[i].parent != G_MAXUINT && nodes[i].parent >= i))
      return FALSE;
  return TRUE;
}

/* Each node's children, in array order, as one array and offsets into it. */
static void
list_children (DetprofFlameLayout     *layout,
               const DetprofFlameNode *nodes)
{
  g_autofree guint *placed = g_new0 (guint, layout->n_nodes);
  guint i;

  for (i = 0; i < layout->n_nodes; i++)
    if (nodes[i].parent != G_MAXUINT)
      layout->child_offsets[nodes[i].parent + 1]++;
  for (i = 0; i < layout->n_nodes; i++)
    layout->child_offsets[i + 1] += layout->child_offsets[i];
  for (i = 0; i < layout->n_nodes; i++)
    if (nodes[i].parent != G_MAXUINT)
      {
        guint parent = nodes[i].parent;

        layout->children[layout->child_offsets[parent] + placed[parent]++] = i;
      }
}

DetprofFlameLayout *
_detprof_flame_layout_new (const DetprofFlameNode *nodes,
                           guint                   n_nodes)
{
  DetprofFlameLayout *layout;
  g_autofree double *children_time = NULL;
  g_autofree double *next_start = NULL;
  guint i;

  g_return_val_if_fail (_detprof_flame_nodes_are_valid (nodes, n_nodes), NULL);

  layout = g_new0 (DetprofFlameLayout, 1);
  layout->n_nodes = n_nodes;
  layout->child_offsets = g_new0 (guint, n_nodes + 1);
  layout->children = g_new0 (guint, n_nodes);
  layout->depth = g_new0 (guint, n_nodes);
  layout->start = g_new0 (double, n_nodes);
  layout->end = g_new0 (double, n_nodes);
  children_time = g_new0 (double, n_nodes);  /* each node's children's times added up */
  next_start = g_new0 (double, n_nodes);     /* where each node's next child starts */

  list_children (layout, nodes);

  for (i = 0; i < n_nodes; i++)
    {
      if (!isfinite (nodes[i].total_time))
        layout->n_not_finite++;
      if (nodes[i].parent != G_MAXUINT)
        children_time[nodes[i].parent] += drawable_time (nodes[i].total_time);
    }

  /* Parents come first, so when we reach a node, its parent and its
   * earlier siblings have their places. */
  for (i = 0; i < n_nodes; i++)
    {
      guint parent = nodes[i].parent;
      double span = drawable_time (nodes[i].total_time);

      if (parent == G_MAXUINT)
        {
          /* A thread whose time is not given (0) is as long as its
           * children; one shorter than them is made long enough. */
          layout->start[i] = 0.0;
          layout->end[i] = MAX (span, children_time[i]);
        }
      else
        {
          double room = layout->end[parent] - layout->start[parent];

          if (children_time[parent] > room)
            span *= room / children_time[parent];
          layout->depth[i] = layout->depth[parent] + 1;
          layout->start[i] = next_start[parent];
          /* Rounding must not carry the last child past its parent's end. */
          layout->end[i] = MIN (layout->start[i] + span, layout->end[parent]);
          next_start[parent] = layout->end[i];
        }
      next_start[i] = layout->start[i];
    }

  return layout;
}

void
_detprof_flame_layout_free (DetprofFlameLayout *layout)
{
  if (layout == NULL)
    return;

  g_free (layout->child_offsets);
  g_free (layout->children);
  g_free (layout->depth);
  g_free (layout->start);
  g_free (layout->end);
  g_free (layout);
}
