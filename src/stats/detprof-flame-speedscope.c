/* detprof-flame-speedscope.c: the tree in speedscope's JSON file format.
 *
 * speedscope (https://www.speedscope.app) reads two kinds of profile:
 * "sampled", stacks with weights, and "evented", frames that open and
 * close at given times. We write one evented profile per thread, because
 * events carry times: speedscope then shows ours as they are, where from
 * samples it would add up weights in its own order.
 *
 * The events are synthesised from the layout of detprof-flame.c: a node's
 * frame opens at its start, its children open and close one after the
 * other, and it closes at its end, so that it is open for the node's total
 * time and the time it has to itself is its self time. speedscope refuses
 * events that go back in time or close a frame that is not on top; the
 * layout nests frames inside their parents, so neither can happen.
 *
 * A speedscope frame is a function (name, file, line), shared by every
 * node of that function, so that its views by function (left heavy,
 * sandwich) add up a function's paths.
 */
#include "config.h"

#include <string.h>

#include "detprof-flame-private.h"
#include "detprof-report-private.h"

#define SCHEMA "https://www.speedscope.app/file-format-schema.json"

typedef struct
{
  const DetprofFlameNode   *nodes;
  const DetprofFlameLayout *layout;
  guint                    *frame_of;  /* each node but a root: its frame's index */
  GString                  *out;
} Writer;

/* Where the walk over a thread's tree is, at one node. */
typedef struct
{
  guint node;
  guint next;  /* the next of its children to visit, as an index into layout->children */
} Visit;

static const char *
file_of (const DetprofFlameNode *node)
{
  return node->file != NULL ? node->file : "";
}

/* Nodes as keys of their function: equal when name, file and line are. */
static guint
function_hash (gconstpointer key)
{
  const DetprofFlameNode *node = key;

  return g_str_hash (node->name) ^ (g_str_hash (file_of (node)) * 31u) ^ (guint) node->line;
}

static gboolean
function_equal (gconstpointer a,
                gconstpointer b)
{
  const DetprofFlameNode *node_a = a;
  const DetprofFlameNode *node_b = b;

  return node_a->line == node_b->line
         && strcmp (node_a->name, node_b->name) == 0
         && strcmp (file_of (node_a), file_of (node_b)) == 0;
}

/* Appends @text as a JSON string: valid UTF-8 (U+FFFD for what is not),
 * with quotes, backslashes and control characters escaped. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *p;

  g_string_append_c (out, '"');
  for (p = valid; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The shared frames, one per function in order of first appearance, and
 * each node's frame. */
static void
write_frames (Writer *writer,
              guint   n_nodes)
{
  g_autoptr(GHashTable) functions = g_hash_table_new (function_hash, function_equal);
  GString *out = writer->out;
  guint n_frames = 0;
  guint i;

  g_string_append (out, "\"shared\":{\"frames\":[");
  for (i = 0; i < n_nodes; i++)
    {
      const DetprofFlameNode *node = &writer->nodes[i];
      gpointer known;

      if (node->parent == G_MAXUINT)
        continue;

      known = g_hash_table_lookup (functions, node);
      if (known != NULL)
        {
          writer->frame_of[i] = GPOINTER_TO_UINT (known) - 1;
          continue;
        }

      writer->frame_of[i] = n_frames++;
      g_hash_table_insert (functions, (gpointer) node, GUINT_TO_POINTER (n_frames));

      g_string_append (out, n_frames > 1 ? ",\n{\"name\":" : "\n{\"name\":");
      append_json_string (out, node->name);
      if (file_of (node)[0] != '\0')
        {
          g_string_append (out, ",\"file\":");
          append_json_string (out, node->file);
        }
      if (node->line > 0)
        g_string_append_printf (out, ",\"line\":%" G_GINT64_FORMAT, node->line);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n]},\n");
}

static void
write_event (Writer   *writer,
             char      type,
             guint     node,
             double    at,
             gboolean *first)
{
  g_string_append_printf (writer->out, "%s{\"type\":\"%c\",\"frame\":%u,\"at\":",
                          *first ? "\n" : ",\n", type, writer->frame_of[node]);
  _detprof_format_float_repr (writer->out, at);
  g_string_append_c (writer->out, '}');
  *first = FALSE;
}

/* One thread: its frames open and close as the walk enters and leaves its
 * nodes, children in order. The walk keeps its own stack: a tree can be
 * deeper than the C stack. */
static void
write_profile (Writer *writer,
               guint   root)
{
  const DetprofFlameLayout *layout = writer->layout;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Visit));
  Visit visit = { root, layout->child_offsets[root] };
  gboolean first = TRUE;

  g_string_append (writer->out, "{\"type\":\"evented\",\"name\":");
  append_json_string (writer->out, writer->nodes[root].name);
  g_string_append (writer->out, ",\"unit\":\"seconds\",\"startValue\":");
  _detprof_format_float_repr (writer->out, layout->start[root]);
  g_string_append (writer->out, ",\"endValue\":");
  _detprof_format_float_repr (writer->out, layout->end[root]);
  g_string_append (writer->out, ",\"events\":[");

  g_array_append_val (stack, visit);
  while (stack->len > 0)
    {
      Visit *top = &g_array_index (stack, Visit, stack->len - 1);

      if (top->next < layout->child_offsets[top->node + 1])
        {
          guint child = layout->children[top->next++];
          Visit above = { child, layout->child_offsets[child] };

          write_event (writer, 'O', child, layout->start[child], &first);
          g_array_append_val (stack, above);
        }
      else
        {
          if (top->node != root)
            write_event (writer, 'C', top->node, layout->end[top->node], &first);
          g_array_set_size (stack, stack->len - 1);
        }
    }

  g_string_append (writer->out, first ? "]}" : "\n]}");
}

void
_detprof_flame_write_speedscope (const DetprofFlameNode *nodes,
                                 guint                   n_nodes,
                                 const char             *name,
                                 GString                *out)
{
  g_autoptr(DetprofFlameLayout) layout = NULL;
  g_autofree guint *frame_of = NULL;
  Writer writer;
  guint n_threads = 0;
  guint longest = 0;
  double longest_time = -1.0;
  guint i;

  g_return_if_fail (_detprof_flame_nodes_are_valid (nodes, n_nodes));
  g_return_if_fail (out != NULL);

  layout = _detprof_flame_layout_new (nodes, n_nodes);
  frame_of = g_new0 (guint, n_nodes);
  writer.nodes = nodes;
  writer.layout = layout;
  writer.frame_of = frame_of;
  writer.out = out;

  /* speedscope opens on the longest thread. */
  for (i = 0; i < n_nodes; i++)
    if (nodes[i].parent == G_MAXUINT)
      {
        if (layout->end[i] > longest_time)
          {
            longest = n_threads;
            longest_time = layout->end[i];
          }
        n_threads++;
      }

  g_string_append (out, "{\"$schema\":\"" SCHEMA "\",\n\"exporter\":\"" PACKAGE_STRING "\",\n");
  if (name != NULL)
    {
      g_string_append (out, "\"name\":");
      append_json_string (out, name);
      g_string_append (out, ",\n");
    }
  g_string_append_printf (out, "\"activeProfileIndex\":%u,\n", longest);
  write_frames (&writer, n_nodes);

  g_string_append (out, "\"profiles\":[");
  n_threads = 0;
  for (i = 0; i < n_nodes; i++)
    if (nodes[i].parent == G_MAXUINT)
      {
        g_string_append (out, n_threads++ > 0 ? ",\n" : "\n");
        write_profile (&writer, i);
      }
  g_string_append (out, "\n]}\n");
}
