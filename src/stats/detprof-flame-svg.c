/* detprof-flame-svg.c: a flame graph, drawn as one self-contained SVG.
 *
 * Each node of the tree is a frame: a box as wide as the node's total
 * time (the layout of detprof-flame.c), standing on its parent's box. The
 * threads stand side by side on one frame, "all", at the bottom, and the
 * call paths grow upwards; where a frame's callees end, what is left of
 * its top is its self time. Everything is placed here, in C, so that the
 * picture is complete without a script. An inline script adds what needs
 * a browser: the numbers of the frame under the pointer, zooming into a
 * frame on a click, a search box.
 *
 * For the script, each frame carries its node (data-n), its parent's
 * (data-p; none for a thread, which stands on "all") and its span in
 * seconds (data-s, data-e) on one timeline where the threads follow one
 * another. So zooming places frames from exact times rather than from
 * rounded pixels, and the share of time a search matches counts a matched
 * frame only when no frame below it matched, each instant once.
 *
 * A frame narrower than MIN_WIDTH at full view is not drawn on its own.
 * A run of such siblings becomes one grey frame if the run is at least
 * MIN_WIDTH wide, and nothing otherwise; what stands on them is left
 * out. The note under the picture says how many frames that leaves out.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-flame-private.h"
#include "detprof-report-private.h"

/* Geometry, in px; rows are FRAME_HEIGHT apart, boxes 1 px less. */
#define IMAGE_WIDTH   1200
#define MARGIN        10     /* left and right of the frames */
#define FRAMES_TOP    64     /* below the title and the controls */
#define FRAME_HEIGHT  16
#define TEXT_INSET    3      /* from a box's left edge to its label */
#define TEXT_BASELINE 11     /* from a box's top to its label's baseline */
#define BOTTOM_HEIGHT 62     /* the details line and two lines of notes */
#define FONT_SIZE     12
/* A monospace glyph is 0.6 em wide: how labels are cut to fit. */
#define GLYPH_WIDTH    (0.6 * FONT_SIZE)
#define MIN_WIDTH     0.1

#define ALL_FILL      "rgb(210,210,210)"
#define MERGED_FILL   "rgb(185,185,185)"
#define MATCH_FILL    "rgb(225,0,225)"
#define BACKGROUND    "rgb(250,250,246)"

/* A run of consecutive siblings, each too narrow to draw, drawn as one. */
typedef struct
{
  guint parent;   /* the node they stand on; G_MAXUINT: "all" */
  guint first;    /* the first and the last node of the run */
  guint last;
  guint n_nodes;  /* how many siblings */
  guint row;
} MergedRun;

typedef struct
{
  const DetprofFlameNode   *nodes;
  guint                     n_nodes;
  const DetprofFlameLayout *layout;
  double                   *offset;     /* each node: where its thread starts on the picture's timeline, s */
  double                    all;        /* the threads' spans added up, s */
  double                    scale;      /* px per second at full view */
  gboolean                 *drawn;      /* each node: drawn as a frame of its own */
  GArray                   *runs;       /* MergedRun */
  guint                     n_rows;     /* rows of frames, "all" included */
  guint                     n_threads;
  guint                     n_drawn;
  guint                     n_narrowed; /* frames drawn narrower than their time */
  GString                  *out;
} Picture;

/* ---------------------------------------------------------------------- */
/* Text                                                                    */

/* Appends @text as valid UTF-8 that XML can hold and a label can show: an
 * invalid byte sequence, a control character (a newline too: a name is
 * one line), U+FFFE and U+FFFF become U+FFFD. */
static void
append_printable (GString    *out,
                  const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  const char *p;

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffe || c == 0xffff)
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
}

/* Appends printable text (and newlines) as XML character data. */
static void
append_escaped (GString    *out,
                const char *text)
{
  const char *p;

  for (p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '&':
        g_string_append (out, "&amp;");
        break;
      case '<':
        g_string_append (out, "&lt;");
        break;
      case '>':
        g_string_append (out, "&gt;");
        break;
      case '"':
        g_string_append (out, "&quot;");
        break;
      case '\'':
        g_string_append (out, "&apos;");
        break;
      default:
        g_string_append_c (out, *p);
        break;
      }
}

static void
append_number (GString    *out,
               const char *format,
               double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

/* A time with four significant digits, in the unit that suits it:
 * "2.500 s", "12.35 ms", "500.0 µs". */
static void
append_seconds (GString *out,
                double   seconds)
{
  static const struct
  {
    double      size;
    const char *name;
  } units[] = { { 1.0, "s" }, { 1e-3, "ms" }, { 1e-6, "µs" }, { 1e-9, "ns" } };
  static const char *formats[] = { "%.3f", "%.2f", "%.1f", "%.0f" };
  double magnitude = fabs (seconds);
  double value;
  guint unit = 0;
  guint format = 0;

  if (!isfinite (seconds))
    {
      g_string_append_printf (out, "%s s", isnan (seconds) ? "nan" : seconds > 0.0 ? "inf" : "-inf");
      return;
    }

  while (magnitude > 0.0 && magnitude < units[unit].size && unit + 1 < G_N_ELEMENTS (units))
    unit++;
  value = seconds / units[unit].size;
  while (fabs (value) >= 10.0 * pow (10.0, format) && format + 1 < G_N_ELEMENTS (formats))
    format++;

  append_number (out, formats[format], value);
  g_string_append_printf (out, " %s", units[unit].name);
}

/* "2.500 s", or "2.500 s ± 500.0 µs" when the bound is known. */
static void
append_time_with_bound (GString *out,
                        double   seconds,
                        double   bound)
{
  append_seconds (out, seconds);
  if (bound != 0.0)
    {
      g_string_append (out, " ± ");
      append_seconds (out, bound);
    }
}

/* ---------------------------------------------------------------------- */
/* Colours: a hash of the name, so that a function has one colour in every */
/* picture, wherever it is called from.                                    */

static guint32
hash_name (const char *name)
{
  /* FNV-1a, 32 bits. */
  guint32 hash = 2166136261u;
  const char *p;

  for (p = name; *p != '\0'; p++)
    hash = (hash ^ (guchar) *p) * 16777619u;
  return hash;
}

/* Functions in the colours of a flame: much red, some green, little blue. */
static void
append_function_fill (GString    *out,
                      const char *name)
{
  guint32 hash = hash_name (name);

  g_string_append_printf (out, "rgb(%u,%u,%u)",
                          205 + hash % 51, 60 + (hash >> 8) % 151, 20 + (hash >> 16) % 41);
}

/* Threads in pale blues, apart from the functions standing on them. */
static void
append_thread_fill (GString    *out,
                    const char *name)
{
  guint32 hash = hash_name (name);

  g_string_append_printf (out, "rgb(%u,%u,%u)",
                          150 + hash % 31, 175 + (hash >> 8) % 31, 215 + (hash >> 16) % 31);
}

/* ---------------------------------------------------------------------- */
/* Frames                                                                  */

/* Where node @index's frame starts and ends on the picture's timeline,
 * where the threads follow one another. */
static double
picture_start (Picture *pic,
               guint    index)
{
  return pic->offset[index] + pic->layout->start[index];
}

static double
picture_end (Picture *pic,
             guint    index)
{
  return pic->offset[index] + pic->layout->end[index];
}

static double
frame_x (Picture *pic,
         double   seconds)
{
  return MARGIN + seconds * pic->scale;
}

static int
frame_y (Picture *pic,
         guint    row)
{
  return FRAMES_TOP + (int) ((pic->n_rows - 1 - row) * FRAME_HEIGHT);
}

/* The part of @name that fits in @width px, cut with ".." if need be;
 * nothing under three characters. */
static void
append_label (GString    *out,
              const char *name,
              double      width)
{
  g_autoptr(GString) printable = g_string_new (NULL);
  double fit = floor ((width - 2 * TEXT_INSET) / GLYPH_WIDTH);
  glong length;

  if (fit < 3.0)
    return;

  append_printable (printable, name);
  length = g_utf8_strlen (printable->str, -1);
  if (length <= fit)
    {
      append_escaped (out, printable->str);
    }
  else
    {
      g_autofree char *cut = g_utf8_substring (printable->str, 0, (glong) fit - 2);

      append_escaped (out, cut);
      g_string_append (out, "..");
    }
}

/* The data a frame carries for the script: its span, in seconds, each
 * number the shortest text that reads back as the same double. */
static void
append_span (Picture *pic,
             double   start,
             double   end)
{
  g_string_append (pic->out, " data-s=\"");
  _detprof_format_float_repr (pic->out, start);
  g_string_append (pic->out, "\" data-e=\"");
  _detprof_format_float_repr (pic->out, end);
  g_string_append_c (pic->out, '"');
}

/* The box and the label of a frame, and the end of its group. */
static void
append_box_and_close (Picture    *pic,
                      guint       row,
                      double      start,
                      double      end,
                      const char *fill,
                      const char *label)
{
  double x = frame_x (pic, start);
  double width = (end - start) * pic->scale;
  int y = frame_y (pic, row);

  g_string_append (pic->out, "<rect x=\"");
  append_number (pic->out, "%.2f", x);
  g_string_append_printf (pic->out, "\" y=\"%d\" width=\"", y);
  append_number (pic->out, "%.2f", width);
  g_string_append_printf (pic->out, "\" height=\"%d\" fill=\"%s\"/><text x=\"", FRAME_HEIGHT - 1, fill);
  append_number (pic->out, "%.2f", x + TEXT_INSET);
  g_string_append_printf (pic->out, "\" y=\"%d\">", y + TEXT_BASELINE);
  append_label (pic->out, label, width);
  g_string_append (pic->out, "</text></g>\n");
}

/* Whether node @index is drawn narrower than its total time, to fit on
 * its caller. Less than a millionth narrower is rounding, not worth a
 * word. */
static gboolean
is_narrowed (Picture *pic,
             guint    index)
{
  double total = pic->nodes[index].total_time;
  double drawn = pic->layout->end[index] - pic->layout->start[index];

  return isfinite (total) && total > 0.0 && drawn < total * (1.0 - 1e-6);
}

/* A node's numbers, one per line, the name first (the script reads it
 * there). */
static void
append_title (Picture *pic,
              guint    index)
{
  const DetprofFlameNode *node = &pic->nodes[index];
  const DetprofFlameLayout *layout = pic->layout;
  double drawn = layout->end[index] - layout->start[index];
  g_autoptr(GString) text = g_string_new (NULL);

  append_printable (text, node->name);
  if (node->parent != G_MAXUINT && node->file != NULL && node->file[0] != '\0')
    {
      g_string_append_c (text, '\n');
      append_printable (text, node->file);
      if (node->line > 0)
        g_string_append_printf (text, ":%" G_GINT64_FORMAT, node->line);
    }
  if (node->parent != G_MAXUINT)
    g_string_append_printf (text, "\ncalls: %" G_GINT64_FORMAT, node->calls);

  g_string_append (text, "\ntotal: ");
  append_time_with_bound (text, node->total_time, node->total_bound);
  if (pic->all > 0.0 && isfinite (node->total_time))
    {
      g_string_append (text, ", ");
      append_number (text, "%.2f", 100.0 * node->total_time / pic->all);
      g_string_append (text, "% of all");
    }
  g_string_append (text, "\nself: ");
  append_time_with_bound (text, node->self_time, node->self_bound);

  if (is_narrowed (pic, index))
    {
      g_string_append (text, "\ndrawn at ");
      append_number (text, "%.1f", 100.0 * drawn / node->total_time);
      g_string_append (text, "% of its time, to fit on its caller");
    }

  append_escaped (pic->out, text->str);
}

static void
write_node (Picture *pic,
            guint    index)
{
  const DetprofFlameNode *node = &pic->nodes[index];
  double start = picture_start (pic, index);
  double end = picture_end (pic, index);
  g_autoptr(GString) fill = g_string_new (NULL);

  if (node->parent == G_MAXUINT)
    append_thread_fill (fill, node->name);
  else
    append_function_fill (fill, node->name);

  g_string_append_printf (pic->out, "<g class=\"f\" data-n=\"%u\"", index);
  if (node->parent != G_MAXUINT)
    g_string_append_printf (pic->out, " data-p=\"%u\"", node->parent);
  append_span (pic, start, end);
  g_string_append (pic->out, "><title>");
  append_title (pic, index);
  g_string_append (pic->out, "</title>");
  append_box_and_close (pic, pic->layout->depth[index] + 1, start, end, fill->str, node->name);
}

static void
write_run (Picture         *pic,
           const MergedRun *run)
{
  double start = picture_start (pic, run->first);
  double end = picture_end (pic, run->last);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *label = g_strdup_printf ("%u narrow frames", run->n_nodes);

  g_string_append (pic->out, "<g class=\"f m\"");
  if (run->parent != G_MAXUINT)
    g_string_append_printf (pic->out, " data-p=\"%u\"", run->parent);
  append_span (pic, start, end);
  g_string_append_printf (text, "%s\neach narrower than ", label);
  append_number (text, "%.1f", MIN_WIDTH);
  g_string_append (text, " px, with what stands on them\ntotal: ");
  append_seconds (text, end - start);
  g_string_append (pic->out, "><title>");
  append_escaped (pic->out, text->str);
  g_string_append (pic->out, "</title>");
  append_box_and_close (pic, run->row, start, end, MERGED_FILL, label);
}

static void
write_all (Picture *pic)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append (pic->out, "<g class=\"f\" id=\"all\"");
  append_span (pic, 0.0, pic->all);
  g_string_append_printf (text, "all\n%u %s\ntotal: ",
                          pic->n_threads, pic->n_threads == 1 ? "thread" : "threads, side by side");
  append_seconds (text, pic->all);
  g_string_append (pic->out, "><title>");
  append_escaped (pic->out, text->str);
  g_string_append (pic->out, "</title>");
  append_box_and_close (pic, 0, 0.0, pic->all, ALL_FILL, "all");
}

/* ---------------------------------------------------------------------- */
/* What is drawn                                                           */

/* Among @children (siblings, in order), each run of consecutive ones that
 * are not drawn becomes one merged frame if it is wide enough. */
static void
merge_narrow_runs (Picture     *pic,
                   guint        parent,
                   guint        row,
                   const guint *children,
                   guint        n_children)
{
  guint i = 0;

  while (i < n_children)
    {
      MergedRun run = { parent, children[i], children[i], 0, row };

      if (pic->drawn[children[i]])
        {
          i++;
          continue;
        }
      for (; i < n_children && !pic->drawn[children[i]]; i++)
        {
          run.last = children[i];
          run.n_nodes++;
        }
      if ((picture_end (pic, run.last) - picture_start (pic, run.first)) * pic->scale >= MIN_WIDTH)
        {
          g_array_append_val (pic->runs, run);
          pic->n_rows = MAX (pic->n_rows, row + 1);
        }
    }
}

/* Decides what is drawn, where the threads start, and how many rows
 * the frames take. */
static void
plan (Picture *pic)
{
  const DetprofFlameNode *nodes = pic->nodes;
  const DetprofFlameLayout *layout = pic->layout;
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (guint));
  guint i;

  for (i = 0; i < pic->n_nodes; i++)
    if (nodes[i].parent == G_MAXUINT)
      {
        pic->offset[i] = pic->all;
        pic->all += layout->end[i];
        g_array_append_val (threads, i);
      }
    else
      {
        pic->offset[i] = pic->offset[nodes[i].parent];
      }
  pic->n_threads = threads->len;
  pic->scale = pic->all > 0.0 ? (IMAGE_WIDTH - 2 * MARGIN) / pic->all : 0.0;
  pic->n_rows = 1;

  for (i = 0; i < pic->n_nodes; i++)
    {
      guint parent = nodes[i].parent;
      double width = (layout->end[i] - layout->start[i]) * pic->scale;

      if ((parent == G_MAXUINT || pic->drawn[parent]) && width >= MIN_WIDTH)
        {
          pic->drawn[i] = TRUE;
          pic->n_drawn++;
          pic->n_rows = MAX (pic->n_rows, layout->depth[i] + 2);
          if (is_narrowed (pic, i))
            pic->n_narrowed++;
        }
    }

  merge_narrow_runs (pic, G_MAXUINT, 1, (const guint *) threads->data, threads->len);
  for (i = 0; i < pic->n_nodes; i++)
    if (pic->drawn[i])
      merge_narrow_runs (pic, i, layout->depth[i] + 2,
                         layout->children + layout->child_offsets[i],
                         layout->child_offsets[i + 1] - layout->child_offsets[i]);
}

/* ---------------------------------------------------------------------- */
/* The page                                                                */

/* The interaction, in the browser. Frames are found by their class, "f";
 * each remembers its parent's frame, so that zooming knows a frame's
 * ancestors and descendants from the tree, not from where boxes fall. */
static const char script[] =
  "(function () {\n"
  "  'use strict';\n"
  "  var frames = [], byNode = Object.create(null), all = null, view = null, term = '';\n"
  "  var details = document.getElementById('details'), hint = details.textContent;\n"
  "  var matched = document.getElementById('matched');\n"
  "  var reset = document.getElementById('reset');\n"
  "  var box = document.getElementById('search');\n"
  "  var groups = document.querySelectorAll('#frames > g.f');\n"
  "  var i;\n"
  "\n"
  "  for (i = 0; i < groups.length; i++) {\n"
  "    var g = groups[i], f = {\n"
  "      g: g, rect: g.querySelector('rect'), text: g.querySelector('text'),\n"
  "      lines: g.querySelector('title').textContent.split('\\n'),\n"
  "      s: parseFloat(g.getAttribute('data-s')), e: parseFloat(g.getAttribute('data-e')),\n"
  "      node: g.getAttribute('data-n'), parent: g.getAttribute('data-p'),\n"
  "      merged: g.classList.contains('m'), up: null, hit: false\n"
  "    };\n"
  "    f.name = f.lines[0];\n"
  "    f.fill = f.rect.getAttribute('fill');\n"
  "    g.frame = f;\n"
  "    frames.push(f);\n"
  "    if (g.id === 'all') all = f;\n"
  "    if (f.node !== null) byNode[f.node] = f;\n"
  "  }\n"
  "  frames.forEach(function (f) {\n"
  "    if (f !== all) f.up = f.parent !== null ? byNode[f.parent] : all;\n"
  "  });\n"
  "\n"
  "  /* Whether f is a, or stands on, frame a. */\n"
  "  function within(f, a) {\n"
  "    for (; f; f = f.up) if (f === a) return true;\n"
  "    return false;\n"
  "  }\n"
  "\n"
  "  function place(f, x, w) {\n"
  "    var chars = Array.from(f.name), fit = Math.floor((w - 2 * INSET) / CHAR);\n"
  "    f.rect.setAttribute('x', x.toFixed(2));\n"
  "    f.rect.setAttribute('width', w.toFixed(2));\n"
  "    f.text.setAttribute('x', (x + INSET).toFixed(2));\n"
  "    f.text.textContent = fit < 3 ? '' : chars.length <= fit ? f.name\n"
  "      : chars.slice(0, fit - 2).join('') + '..';\n"
  "    f.g.classList.remove('hide');\n"
  "  }\n"
  "\n"
  "  /* The view is a frame (or all): it fills the width, what stands on it\n"
  "   * is scaled with it, what it stands on is drawn faded, full width. */\n"
  "  function draw() {\n"
  "    var v = view || all, scale = v.e > v.s ? (WIDTH - 2 * MARGIN) / (v.e - v.s) : 0;\n"
  "    frames.forEach(function (f) {\n"
  "      var w = (f.e - f.s) * scale;\n"
  "      f.g.classList.toggle('up', f !== v && within(v, f));\n"
  "      if (f === all || within(v, f)) place(f, MARGIN, WIDTH - 2 * MARGIN);\n"
  "      else if (!within(f, v) || w < MIN_WIDTH) f.g.classList.add('hide');\n"
  "      else place(f, MARGIN + (f.s - v.s) * scale, w);\n"
  "    });\n"
  "    reset.classList.toggle('hide', view === null);\n"
  "    search();\n"
  "  }\n"
  "\n"
  "  /* A regular expression, else plain text; in lower case, any case. */\n"
  "  function matcher(t) {\n"
  "    var flags = t === t.toLowerCase() ? 'i' : '', re;\n"
  "    try {\n"
  "      re = new RegExp(t, flags);\n"
  "      return function (s) { return re.test(s); };\n"
  "    } catch (err) {\n"
  "      return function (s) { return (flags ? s.toLowerCase() : s).indexOf(t) >= 0; };\n"
  "    }\n"
  "  }\n"
  "\n"
  "  /* Highlights the frames whose name matches, and says how much of the\n"
  "   * view's time they take: a match counts only if nothing under it\n"
  "   * (up to the view) matched, so that no instant counts twice. */\n"
  "  function search() {\n"
  "    var test = term ? matcher(term) : null, v = view || all, share = 0, count = 0;\n"
  "    frames.forEach(function (f) {\n"
  "      f.hit = test !== null && f !== all && !f.merged && test(f.name);\n"
  "      f.rect.setAttribute('fill', f.hit ? MATCH_FILL : f.fill);\n"
  "    });\n"
  "    if (test === null) {\n"
  "      matched.textContent = '';\n"
  "      return;\n"
  "    }\n"
  "    frames.forEach(function (f) {\n"
  "      var a;\n"
  "      if (!f.hit || !within(f, v)) return;\n"
  "      count++;\n"
  "      for (a = f; a !== v; a = a.up) if (a.up.hit) return;\n"
  "      share += f.e - f.s;\n"
  "    });\n"
  "    matched.textContent = 'Matched: ' + count + (count === 1 ? ' frame, ' : ' frames, ')\n"
  "      + (v.e > v.s ? 100 * share / (v.e - v.s) : 0).toFixed(2) + '%'\n"
  "      + (view ? ' of ' + view.name : '');\n"
  "  }\n"
  "\n"
  "  /* The view in the address, to come back to or to share. */\n"
  "  function remember() {\n"
  "    var parts = [];\n"
  "    if (view) parts.push('zoom=' + view.node);\n"
  "    if (term) parts.push('search=' + encodeURIComponent(term));\n"
  "    try {\n"
  "      history.replaceState(null, '', parts.length ? '#' + parts.join('&')\n"
  "        : location.pathname + location.search);\n"
  "    } catch (err) {\n"
  "    }\n"
  "  }\n"
  "\n"
  "  function zoom(f) {\n"
  "    view = f === all ? null : f;\n"
  "    draw();\n"
  "    remember();\n"
  "  }\n"
  "\n"
  "  function frameOf(ev) {\n"
  "    var g = ev.target.closest ? ev.target.closest('g.f') : null;\n"
  "    return g ? g.frame : null;\n"
  "  }\n"
  "\n"
  "  var layer = document.getElementById('frames');\n"
  "  layer.addEventListener('click', function (ev) {\n"
  "    var f = frameOf(ev);\n"
  "    if (f && !f.merged) zoom(f);\n"
  "  });\n"
  "  layer.addEventListener('mouseover', function (ev) {\n"
  "    var f = frameOf(ev);\n"
  "    if (f) details.textContent = f.lines.join('   ');\n"
  "  });\n"
  "  layer.addEventListener('mouseout', function () { details.textContent = hint; });\n"
  "  reset.addEventListener('click', function () { zoom(all); });\n"
  "  box.addEventListener('input', function () {\n"
  "    term = box.value;\n"
  "    search();\n"
  "    remember();\n"
  "  });\n"
  "  document.addEventListener('keydown', function (ev) {\n"
  "    if ((ev.ctrlKey || ev.metaKey) && ev.key === 'f') {\n"
  "      ev.preventDefault();\n"
  "      box.focus();\n"
  "    } else if (ev.key === 'Escape') {\n"
  "      box.value = term = '';\n"
  "      zoom(all);\n"
  "    }\n"
  "  });\n"
  "\n"
  "  /* #zoom=NODE&search=TERM opens that view. */\n"
  "  location.hash.slice(1).split('&').forEach(function (part) {\n"
  "    var eq = part.indexOf('='), key = part.slice(0, eq), value;\n"
  "    try {\n"
  "      value = decodeURIComponent(part.slice(eq + 1));\n"
  "    } catch (err) {\n"
  "      return;\n"
  "    }\n"
  "    if (key === 'zoom' && value in byNode) view = byNode[value];\n"
  "    if (key === 'search') box.value = term = value;\n"
  "  });\n"
  "  draw();\n"
  "})();\n";

static void
write_header (Picture    *pic,
              const char *title,
              int         height)
{
  GString *out = pic->out;
  g_autoptr(GString) printable = g_string_new (NULL);

  g_string_append_printf (out,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
                          " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                          " font-family=\"monospace\" font-size=\"%d\">\n",
                          IMAGE_WIDTH, height, IMAGE_WIDTH, height, FONT_SIZE);
  g_string_append (out,
                   "<style>\n"
                   "text { fill: rgb(0,0,0); white-space: pre; }\n"
                   ".f { cursor: pointer; }\n"
                   ".f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
                   ".f text { pointer-events: none; }\n"
                   ".up rect { fill-opacity: 0.5; }\n"
                   ".hide { display: none; }\n"
                   "#reset { cursor: pointer; text-decoration: underline; }\n"
                   "</style>\n");
  g_string_append_printf (out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                          IMAGE_WIDTH, height, BACKGROUND);
  g_string_append_printf (out, "<text id=\"heading\" x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">",
                          IMAGE_WIDTH / 2);
  append_printable (printable, title != NULL ? title : "Flame graph");
  append_escaped (out, printable->str);
  g_string_append (out, "</text>\n");
  g_string_append_printf (out, "<text id=\"reset\" class=\"hide\" x=\"%d\" y=\"50\">Reset zoom</text>\n",
                          MARGIN);
  g_string_append_printf (out, "<text id=\"matched\" x=\"%d\" y=\"50\" text-anchor=\"end\"></text>\n",
                          IMAGE_WIDTH - MARGIN - 310);
  g_string_append_printf (out,
                          "<foreignObject x=\"%d\" y=\"34\" width=\"300\" height=\"24\">"
                          "<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" type=\"search\""
                          " placeholder=\"Search: a regular expression (Ctrl-F)\""
                          " style=\"box-sizing: border-box; width: 100%%; font: 12px monospace\"/>"
                          "</foreignObject>\n",
                          IMAGE_WIDTH - MARGIN - 300);
}

/* Under the frames: the numbers of the frame under the pointer (the
 * script fills it), and what the picture is, with what it leaves out. */
static void
write_footer (Picture *pic,
              int      frames_bottom)
{
  GString *out = pic->out;
  guint n_left_out = pic->n_nodes - pic->n_drawn;
  g_autoptr(GString) counts = g_string_new (NULL);

  g_string_append_printf (out,
                          "<text id=\"details\" x=\"%d\" y=\"%d\">"
                          "Point at a frame for its numbers; click to zoom in, Esc to reset; Ctrl-F to search."
                          "</text>\n",
                          MARGIN, frames_bottom + 18);
  g_string_append_printf (out,
                          "<text id=\"note\" x=\"%d\" y=\"%d\">"
                          "Exact call counts and compensated times by detprof: a frame is as wide as its total time,"
                          " its callees stand on it.</text>\n",
                          MARGIN, frames_bottom + 36);

  if (pic->n_nodes == 0)
    g_string_append (counts, "No calls were recorded. ");
  if (n_left_out > 0)
    {
      g_string_append_printf (counts, "%u frame%s narrower than ", n_left_out, n_left_out == 1 ? "" : "s");
      append_number (counts, "%.1f", MIN_WIDTH);
      g_string_append_printf (counts, " px %s merged into grey frames or left out. ",
                              n_left_out == 1 ? "is" : "are");
    }
  if (pic->n_narrowed > 0)
    g_string_append_printf (counts,
                            "%u frame%s drawn narrower than %s time, to fit on %s caller. ",
                            pic->n_narrowed, pic->n_narrowed == 1 ? " is" : "s are",
                            pic->n_narrowed == 1 ? "its" : "their",
                            pic->n_narrowed == 1 ? "its" : "their");
  if (pic->layout->n_not_finite > 0)
    g_string_append_printf (counts, "%u time%s not a finite number, drawn as 0. ",
                            pic->layout->n_not_finite,
                            pic->layout->n_not_finite == 1 ? " is" : "s are");
  if (counts->len > 0)
    g_string_truncate (counts, counts->len - 1);

  g_string_append_printf (out, "<text id=\"counts\" x=\"%d\" y=\"%d\">", MARGIN, frames_bottom + 52);
  append_escaped (out, counts->str);
  g_string_append (out, "</text>\n");
}

void
_detprof_flame_write_svg (const DetprofFlameNode *nodes,
                          guint                   n_nodes,
                          const char             *title,
                          GString                *out)
{
  g_autoptr(DetprofFlameLayout) layout = NULL;
  g_autofree double *offset = NULL;
  g_autofree gboolean *drawn = NULL;
  g_autoptr(GArray) runs = NULL;
  Picture pic = { 0 };
  int frames_bottom;
  guint i;

  g_return_if_fail (_detprof_flame_nodes_are_valid (nodes, n_nodes));
  g_return_if_fail (out != NULL);

  layout = _detprof_flame_layout_new (nodes, n_nodes);
  offset = g_new0 (double, n_nodes);
  drawn = g_new0 (gboolean, n_nodes);
  runs = g_array_new (FALSE, FALSE, sizeof (MergedRun));

  pic.nodes = nodes;
  pic.n_nodes = n_nodes;
  pic.layout = layout;
  pic.offset = offset;
  pic.drawn = drawn;
  pic.runs = runs;
  pic.out = out;
  plan (&pic);

  frames_bottom = FRAMES_TOP + (int) (pic.n_rows * FRAME_HEIGHT);
  write_header (&pic, title, frames_bottom + BOTTOM_HEIGHT);

  g_string_append (out, "<g id=\"frames\">\n");
  write_all (&pic);
  for (i = 0; i < n_nodes; i++)
    if (drawn[i])
      write_node (&pic, i);
  for (i = 0; i < runs->len; i++)
    write_run (&pic, &g_array_index (runs, MergedRun, i));
  g_string_append (out, "</g>\n");

  write_footer (&pic, frames_bottom);

  g_string_append_printf (out,
                          "<script type=\"text/ecmascript\"><![CDATA[\n"
                          "var WIDTH = %d, MARGIN = %d, INSET = %d, CHAR = ",
                          IMAGE_WIDTH, MARGIN, TEXT_INSET);
  append_number (out, "%.1f", GLYPH_WIDTH);
  g_string_append (out, ", MIN_WIDTH = ");
  append_number (out, "%.1f", MIN_WIDTH);
  g_string_append (out, ", MATCH_FILL = '" MATCH_FILL "';\n");
  g_string_append (out, script);
  g_string_append (out, "]]></script>\n</svg>\n");
}
