/* test-flame.c: the two pictures of a calling-context tree, the SVG flame
 * graph and speedscope's file format.
 *
 * Small trees are built by hand, so that every frame's place and every
 * event's time can be computed from the nodes' times: two threads, a
 * recursive function whose re-entries are folded into one node, a
 * function reached through two parents, names that XML and JSON must
 * escape. Where the tools are installed, the SVG is parsed as XML
 * (python3), the JSON is validated against speedscope's published schema
 * (python3's jsonschema), and the SVG is rendered and driven in headless
 * Chromium; without them, those checks are skipped and say why.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "detprof-flame-private.h"
#include "test-util.h"

#define NO_PARENT G_MAXUINT
#define FFFD      "\357\277\275"  /* U+FFFD, the replacement character */

/* Two threads. In the main thread, main calls parse (which recursed: its
 * 3 calls are one node) and helper, which calls parse too; in the other,
 * one function whose name has every character XML escapes. 8 s in all, so
 * that at 1180 px for all of it, a second is 147.5 px. */
static const DetprofFlameNode two_threads[] = {
  /* 0 */ { NO_PARENT, "main thread", "", 0, 0, 0.0, 6.0, 0.0, 0.0 },
  /* 1 */ { 0, "main", "src/main.c", 10, 1, 0.5, 6.0, 0.001, 0.002 },
  /* 2 */ { 1, "parse", "src/parse.c", 40, 3, 1.0, 2.5, 0.00025, 0.0005 },
  /* 3 */ { 2, "lex", "src/lex.c", 7, 5, 1.5, 1.5, 0.0, 0.0 },
  /* 4 */ { 1, "helper", "src/main.c", 20, 2, 1.0, 3.0, 0.0, 0.0 },
  /* 5 */ { 4, "parse", "src/parse.c", 40, 1, 2.0, 2.0, 0.0, 0.0 },
  /* 6 */ { NO_PARENT, "worker thread of the pool that compresses blocks", "", 0, 0, 0.0, 2.0, 0.0, 0.0 },
  /* 7 */ { 6, "operator<< <char, 'x'> & \"y\"", "src/io.cc", 0, 4, 2.0, 2.0, 0.0, 0.0 },
};

/* One thread (its time not given: its children's) of 8 s. Between a and
 * b, three siblings each narrower than 0.1 px (2^-11 s is 0.072 px) that
 * together are wider; after b, one alone that is not. */
static const DetprofFlameNode narrow_frames[] = {
  /* 0 */ { NO_PARENT, "thread", "", 0, 0, 0.0, 0.0, 0.0, 0.0 },
  /* 1 */ { 0, "main", "main.c", 1, 1, 0.99829101562500, 8.0, 0.0, 0.0 },
  /* 2 */ { 1, "a", "main.c", 2, 1, 4.0, 4.0, 0.0, 0.0 },
  /* 3 */ { 1, "tiny", "main.c", 3, 1, 0.00048828125, 0.00048828125, 0.0, 0.0 },
  /* 4 */ { 1, "tiny", "main.c", 3, 1, 0.00048828125, 0.00048828125, 0.0, 0.0 },
  /* 5 */ { 1, "tiny", "main.c", 3, 1, 0.000244140625, 0.00048828125, 0.0, 0.0 },
  /* 6 */ { 5, "above tiny", "main.c", 4, 1, 0.000244140625, 0.000244140625, 0.0, 0.0 },
  /* 7 */ { 1, "b", "main.c", 5, 1, 3.0, 3.0, 0.0, 0.0 },
  /* 8 */ { 1, "tiny", "main.c", 3, 1, 0.000244140625, 0.000244140625, 0.0, 0.0 },
};

/* Three threads too short to draw (2^-12 s), after one of 8 s: together
 * they are wide enough. */
static const DetprofFlameNode narrow_threads[] = {
  /* 0 */ { NO_PARENT, "main thread", "", 0, 0, 0.0, 8.0, 0.0, 0.0 },
  /* 1 */ { NO_PARENT, "short 1", "", 0, 0, 0.0, 0.000244140625, 0.0, 0.0 },
  /* 2 */ { NO_PARENT, "short 2", "", 0, 0, 0.0, 0.000244140625, 0.0, 0.0 },
  /* 3 */ { NO_PARENT, "short 3", "", 0, 0, 0.0, 0.000244140625, 0.0, 0.0 },
};

/* Mutual recursion: f calls g, g calls f again (folded into f's node),
 * and that inner f calls h. f runs 4 s: 2 s of its own (the inner
 * activation's), h's 2 s. g's total, 4 s, holds both; so f's children
 * add up to 6 s, more than f, and are drawn at 2/3 of their times. */
static const DetprofFlameNode mutual_recursion[] = {
  /* 0 */ { NO_PARENT, "thread", "", 0, 0, 0.0, 0.0, 0.0, 0.0 },
  /* 1 */ { 0, "f", "f.c", 1, 2, 2.0, 4.0, 0.0, 0.0 },
  /* 2 */ { 1, "g", "g.c", 1, 1, 0.0, 4.0, 0.0, 0.0 },
  /* 3 */ { 1, "h", "h.c", 1, 1, 2.0, 2.0, 0.0, 0.0 },
};

/* Names from a hostile or broken symbol table: bytes that are not UTF-8,
 * control characters, a newline, quotes and a backslash. */
static const DetprofFlameNode hostile_names[] = {
  /* 0 */ { NO_PARENT, "thread & <co>", "", 0, 0, 0.0, 1.0, 0.0, 0.0 },
  /* 1 */ { 0, "bad\xff\xfename\x01\ttwo\nlines", "dir/\"quoted\"\\file.c", 3, 1, 1.0, 1.0, 0.0, 0.0 },
};

/* speedscope's file format schema, as published in the speedscope package
 * (npm, version 1.25.0, dist/release/file-format-schema.json; sha256
 * 03d098921294fca54ac1b67ea050138d867e44228c7cb140d958fbdfe345c911),
 * whitespace removed. */
static const char speedscope_schema[] =
  "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"definitions\":{\"CloseFrameEvent"
  "\":{\"properties\":{\"at\":{\"title\":\"at\",\"type\":\"number\"},\"frame\":{\"title\":\"frame\",\"type\""
  ":\"number\"},\"type\":{\"const\":\"C\",\"title\":\"type\",\"type\":\"string\"}},\"required\":[\"at\",\"fr"
  "ame\",\"type\"],\"title\":\"CloseFrameEvent\",\"type\":\"object\"},\"FileFormat.EventType\":{\"enu"
  "m\":[\"O\",\"C\"],\"title\":\"FileFormat.EventType\",\"type\":\"string\"},\"FileFormat.EventedProf"
  "ile\":{\"properties\":{\"endValue\":{\"title\":\"endValue\",\"type\":\"number\"},\"events\":{\"items"
  "\":{\"anyOf\":[{\"$ref\":\"#/definitions/OpenFrameEvent\"},{\"$ref\":\"#/definitions/CloseFram"
  "eEvent\"}]},\"title\":\"events\",\"type\":\"array\"},\"name\":{\"title\":\"name\",\"type\":\"string\"},"
  "\"startValue\":{\"title\":\"startValue\",\"type\":\"number\"},\"type\":{\"const\":\"evented\",\"title"
  "\":\"type\",\"type\":\"string\"},\"unit\":{\"$ref\":\"#/definitions/FileFormat.ValueUnit\",\"title"
  "\":\"unit\"}},\"required\":[\"endValue\",\"events\",\"name\",\"startValue\",\"type\",\"unit\"],\"title"
  "\":\"FileFormat.EventedProfile\",\"type\":\"object\"},\"FileFormat.File\":{\"properties\":{\"$sc"
  "hema\":{\"const\":\"https://www.speedscope.app/file-format-schema.json\",\"title\":\"$schema"
  "\",\"type\":\"string\"},\"activeProfileIndex\":{\"title\":\"activeProfileIndex\",\"type\":\"number"
  "\"},\"exporter\":{\"title\":\"exporter\",\"type\":\"string\"},\"name\":{\"title\":\"name\",\"type\":\"st"
  "ring\"},\"profiles\":{\"items\":{\"$ref\":\"#/definitions/FileFormat.Profile\"},\"title\":\"prof"
  "iles\",\"type\":\"array\"},\"shared\":{\"properties\":{\"frames\":{\"items\":{\"$ref\":\"#/definitio"
  "ns/FileFormat.Frame\"},\"title\":\"frames\",\"type\":\"array\"}},\"required\":[\"frames\"],\"title"
  "\":\"shared\",\"type\":\"object\"}},\"required\":[\"$schema\",\"profiles\",\"shared\"],\"title\":\"Fil"
  "eFormat.File\",\"type\":\"object\"},\"FileFormat.Frame\":{\"properties\":{\"col\":{\"title\":\"col"
  "\",\"type\":\"number\"},\"file\":{\"title\":\"file\",\"type\":\"string\"},\"line\":{\"title\":\"line\",\"t"
  "ype\":\"number\"},\"name\":{\"title\":\"name\",\"type\":\"string\"}},\"required\":[\"name\"],\"title\":"
  "\"FileFormat.Frame\",\"type\":\"object\"},\"FileFormat.IProfile\":{\"properties\":{\"type\":{\"$r"
  "ef\":\"#/definitions/FileFormat.ProfileType\",\"title\":\"type\"}},\"required\":[\"type\"],\"tit"
  "le\":\"FileFormat.IProfile\",\"type\":\"object\"},\"FileFormat.Profile\":{\"anyOf\":[{\"$ref\":\"#"
  "/definitions/FileFormat.EventedProfile\"},{\"$ref\":\"#/definitions/FileFormat.SampledPr"
  "ofile\"}],\"title\":\"FileFormat.Profile\"},\"FileFormat.ProfileType\":{\"enum\":[\"evented\",\""
  "sampled\"],\"title\":\"FileFormat.ProfileType\",\"type\":\"string\"},\"FileFormat.SampledProfi"
  "le\":{\"properties\":{\"endValue\":{\"title\":\"endValue\",\"type\":\"number\"},\"name\":{\"title\":\""
  "name\",\"type\":\"string\"},\"samples\":{\"items\":{\"items\":{\"type\":\"number\"},\"type\":\"array\"}"
  ",\"title\":\"samples\",\"type\":\"array\"},\"startValue\":{\"title\":\"startValue\",\"type\":\"number"
  "\"},\"type\":{\"const\":\"sampled\",\"title\":\"type\",\"type\":\"string\"},\"unit\":{\"$ref\":\"#/defin"
  "itions/FileFormat.ValueUnit\",\"title\":\"unit\"},\"weights\":{\"items\":{\"type\":\"number\"},\"t"
  "itle\":\"weights\",\"type\":\"array\"}},\"required\":[\"endValue\",\"name\",\"samples\",\"startValue"
  "\",\"type\",\"unit\",\"weights\"],\"title\":\"FileFormat.SampledProfile\",\"type\":\"object\"},\"Fil"
  "eFormat.ValueUnit\":{\"enum\":[\"bytes\",\"microseconds\",\"milliseconds\",\"nanoseconds\",\"non"
  "e\",\"seconds\"],\"title\":\"FileFormat.ValueUnit\",\"type\":\"string\"},\"IEvent\":{\"properties\""
  ":{\"at\":{\"title\":\"at\",\"type\":\"number\"},\"type\":{\"$ref\":\"#/definitions/FileFormat.Event"
  "Type\",\"title\":\"type\"}},\"required\":[\"at\",\"type\"],\"title\":\"IEvent\",\"type\":\"object\"},\"O"
  "penFrameEvent\":{\"properties\":{\"at\":{\"title\":\"at\",\"type\":\"number\"},\"frame\":{\"title\":\""
  "frame\",\"type\":\"number\"},\"type\":{\"const\":\"O\",\"title\":\"type\",\"type\":\"string\"}},\"requir"
  "ed\":[\"at\",\"frame\",\"type\"],\"title\":\"OpenFrameEvent\",\"type\":\"object\"},\"SampledStack\":{"
  "\"items\":{\"type\":\"number\"},\"type\":\"array\"}},\"$ref\":\"#/definitions/FileFormat.File\"}";

/* Python, to check what C cannot easily: the SVG parses as XML; the JSON
 * validates against the schema (exit 77: jsonschema is not installed);
 * how many pixels of a PNG have the colours of the functions' frames. */
static const char parse_xml_script[] =
  "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])";

static const char validate_json_script[] =
  "import json, sys\n"
  "try:\n"
  "    import jsonschema\n"
  "except ImportError:\n"
  "    sys.exit(77)\n"
  "with open(sys.argv[2], encoding='utf-8') as f:\n"
  "    jsonschema.validate(json.load(f), json.loads(sys.argv[1]))\n";

static const char count_flame_pixels_script[] =
  "import struct, sys, zlib\n"
  "data = open(sys.argv[1], 'rb').read()\n"
  "pos, idat = 8, b''\n"
  "while pos < len(data):\n"
  "    length, kind = struct.unpack('>I4s', data[pos:pos + 8])\n"
  "    body = data[pos + 8:pos + 8 + length]\n"
  "    pos += 12 + length\n"
  "    if kind == b'IHDR':\n"
  "        width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)\n"
  "    elif kind == b'IDAT':\n"
  "        idat += body\n"
  "assert depth == 8 and colour in (2, 6) and interlace == 0\n"
  "size = 3 if colour == 2 else 4\n"
  "stride = width * size\n"
  "raw = zlib.decompress(idat)\n"
  "previous = bytearray(stride)\n"
  "flame = 0\n"
  "for y in range(height):\n"
  "    kind = raw[y * (stride + 1)]\n"
  "    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])\n"
  "    for x in range(stride):\n"
  "        a = line[x - size] if x >= size else 0\n"
  "        b = previous[x]\n"
  "        c = previous[x - size] if x >= size else 0\n"
  "        if kind == 1: line[x] = (line[x] + a) & 255\n"
  "        elif kind == 2: line[x] = (line[x] + b) & 255\n"
  "        elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255\n"
  "        elif kind == 4:\n"
  "            p = a + b - c\n"
  "            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)\n"
  "            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255\n"
  "    for x in range(0, stride, size):\n"
  "        r, g, b = line[x:x + 3]\n"
  "        if r >= 200 and 55 <= g <= 215 and b <= 65:\n"
  "            flame += 1\n"
  "    previous = line\n"
  "print(flame)\n";

typedef struct
{
  char *dir;  /* a temporary directory for the files the tools read */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("detprof-flame-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* ---- helpers ---- */

static gboolean
contains (const char *haystack,
          const char *needle)
{
  if (strstr (haystack, needle) != NULL)
    return TRUE;

  g_test_message ("“%s” not found in:\n%s", needle, haystack);
  return FALSE;
}

static gboolean
lacks (const char *haystack,
       const char *needle)
{
  const char *found = strstr (haystack, needle);

  if (found == NULL)
    return TRUE;

  g_test_message ("“%s” found at offset %" G_GSIZE_FORMAT, needle, (gsize) (found - haystack));
  return FALSE;
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;
  const char *p;

  for (p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static char *
svg_of (const DetprofFlameNode *nodes,
        guint                   n_nodes)
{
  GString *out = g_string_new (NULL);

  _detprof_flame_write_svg (nodes, n_nodes, "Flame graph of <run.prof>", out);
  return g_string_free (out, FALSE);
}

static char *
speedscope_of (const DetprofFlameNode *nodes,
               guint                   n_nodes)
{
  GString *out = g_string_new (NULL);

  _detprof_flame_write_speedscope (nodes, n_nodes, "run.prof", out);
  return g_string_free (out, FALSE);
}

/* Node @index's frame in @svg, a picture we wrote or the DOM Chromium
 * made of it: the <g> element that has its data-n, up to its end. */
static char *
frame_of_node (const char *svg,
               guint       index)
{
  g_autofree char *needle = g_strdup_printf (" data-n=\"%u\"", index);
  const char *middle = strstr (svg, needle);
  const char *start;
  const char *end;

  g_assert_nonnull (middle);
  g_assert_null (strstr (middle + 1, needle));
  for (start = middle; !g_str_has_prefix (start, "<g "); start--)
    g_assert_true (start > svg);
  end = strstr (middle, "</g>");
  g_assert_nonnull (end);
  return g_strndup (start, end + strlen ("</g>") - start);
}

/* The fill of node @index's box: "rgb(R,G,B)". */
static char *
fill_of_node (const char *svg,
              guint       index)
{
  g_autofree char *frame = frame_of_node (svg, index);
  const char *fill = strstr (frame, " fill=\"");

  g_assert_nonnull (fill);
  fill += strlen (" fill=\"");
  return g_strndup (fill, strchr (fill, '"') - fill);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* python3 from $PYTHON3 (what configure found), else from $PATH. */
static char *
find_python (void)
{
  const char *configured = g_getenv ("PYTHON3");

  if (configured != NULL && configured[0] != '\0')
    return g_strdup (configured);
  return g_find_program_in_path ("python3");
}

/* Runs @argv: its exit status, and its output in *@out (nullable). */
static int
run (const char * const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, &err, &status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, &error))
    return 0;

  g_test_message ("%s: %s; it said:\n%s", argv[0], error->message, err);
  return error->domain == G_SPAWN_EXIT_ERROR ? error->code : -1;
}

typedef struct
{
  guint  frame;
  double open;   /* when it opened and closed, s */
  double close;
} Span;

/* The events of each profile of @json (one event a line, as we write
 * them), replayed as speedscope's importer does: times never go back, a
 * frame closes only when it is on top, nothing is left open. Returns the
 * frames in the order they opened, each with its two times. */
static GArray *
replay_events (const char *json)
{
  g_auto(GStrv) lines = g_strsplit (json, "\n", -1);
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (Span));
  double last = 0.0;
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *at = strstr (line, ",\"at\":");
      Span span = { 0, 0.0, 0.0 };
      double time;

      /* Each profile has a timeline of its own, from 0. */
      if (g_str_has_prefix (line, "{\"type\":\"evented\""))
        {
          g_assert_cmpuint (open->len, ==, 0);
          last = 0.0;
          continue;
        }
      if (!g_str_has_prefix (line, "{\"type\":\"O\",\"frame\":")
          && !g_str_has_prefix (line, "{\"type\":\"C\",\"frame\":"))
        continue;

      g_assert_nonnull (at);
      span.frame = (guint) g_ascii_strtoull (line + strlen ("{\"type\":\"O\",\"frame\":"), NULL, 10);
      time = g_ascii_strtod (at + strlen (",\"at\":"), NULL);
      g_assert_cmpfloat (time, >=, last);
      last = time;

      if (line[9] == 'O')
        {
          span.open = time;
          g_array_append_val (open, spans->len);
          g_array_append_val (spans, span);
        }
      else
        {
          Span *top;

          g_assert_cmpuint (open->len, >, 0);
          top = &g_array_index (spans, Span, g_array_index (open, guint, open->len - 1));
          g_assert_cmpuint (top->frame, ==, span.frame);
          top->close = time;
          g_array_set_size (open, open->len - 1);
        }
    }
  g_assert_cmpuint (open->len, ==, 0);
  return spans;
}

/* ---- the SVG ---- */

/* Every node wide enough is one frame, a group with its title, its box
 * and its label, and "all" is one more; each carries its parent and its
 * span in seconds for the script. */
static void
test_svg_one_frame_per_node (void)
{
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  guint i;

  g_assert_cmpuint (count (svg, "<g class=\"f\" data-n=\""), ==, G_N_ELEMENTS (two_threads));
  g_assert_cmpuint (count (svg, "<g class=\"f\" id=\"all\""), ==, 1);
  g_assert_cmpuint (count (svg, "<g class=\"f m\""), ==, 0);
  for (i = 0; i < G_N_ELEMENTS (two_threads); i++)
    {
      g_autofree char *frame = frame_of_node (svg, i);

      g_assert_true (g_str_has_suffix (frame, "</text></g>"));
      g_assert_cmpuint (count (frame, "<title>"), ==, 1);
      g_assert_cmpuint (count (frame, "<rect "), ==, 1);
    }
  g_assert_true (contains (svg, "<g class=\"f\" id=\"all\" data-s=\"0.0\" data-e=\"8.0\">"));
  g_assert_true (contains (svg, "<g class=\"f\" data-n=\"0\" data-s=\"0.0\" data-e=\"6.0\">"));
  g_assert_true (contains (svg, "<g class=\"f\" data-n=\"5\" data-p=\"4\" data-s=\"2.5\" data-e=\"4.5\">"));
  g_assert_true (contains (svg, "<g class=\"f\" data-n=\"7\" data-p=\"6\" data-s=\"6.0\" data-e=\"8.0\">"));
}

/* A frame is as wide as its total time (1180 px for 8 s: 147.5 px a
 * second), starts where its earlier siblings end, and stands a row
 * (16 px) above its parent; the threads stand side by side on "all". */
static void
test_svg_frames_are_placed_by_time (void)
{
  static const struct
  {
    guint       node;
    const char *box;
  } boxes[] = {
    { 0, "<rect x=\"10.00\" y=\"112\" width=\"885.00\" height=\"15\"" },
    { 1, "<rect x=\"10.00\" y=\"96\" width=\"885.00\" height=\"15\"" },
    { 2, "<rect x=\"10.00\" y=\"80\" width=\"368.75\" height=\"15\"" },
    { 3, "<rect x=\"10.00\" y=\"64\" width=\"221.25\" height=\"15\"" },
    { 4, "<rect x=\"378.75\" y=\"80\" width=\"442.50\" height=\"15\"" },
    { 5, "<rect x=\"378.75\" y=\"64\" width=\"295.00\" height=\"15\"" },
    { 6, "<rect x=\"895.00\" y=\"112\" width=\"295.00\" height=\"15\"" },
    { 7, "<rect x=\"895.00\" y=\"96\" width=\"295.00\" height=\"15\"" },
  };
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *lex = frame_of_node (svg, 3);
  guint i;

  g_assert_true (contains (svg, " width=\"1200\" height=\"206\" viewBox=\"0 0 1200 206\""));
  g_assert_true (contains (svg, "<rect x=\"10.00\" y=\"128\" width=\"1180.00\" height=\"15\" fill=\"rgb(210,210,210)\"/>"
                           "<text x=\"13.00\" y=\"139\">all</text>"));
  for (i = 0; i < G_N_ELEMENTS (boxes); i++)
    {
      g_autofree char *frame = frame_of_node (svg, boxes[i].node);

      g_assert_true (contains (frame, boxes[i].box));
    }
  g_assert_true (contains (lex, "<text x=\"13.00\" y=\"75\">lex</text>"));
}

/* The title, which a browser shows on hover, has the name, file:line,
 * the calls, and the times with their bounds where they are known. A
 * thread has no file and no calls. */
static void
test_svg_titles_give_the_numbers (void)
{
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));

  g_assert_true (contains (svg, "<title>all\n2 threads, side by side\ntotal: 8.000 s</title>"));
  g_assert_true (contains (svg, "<title>main thread\ntotal: 6.000 s, 75.00% of all\nself: 0.000 s</title>"));
  g_assert_true (contains (svg, "<title>main\nsrc/main.c:10\ncalls: 1\n"
                           "total: 6.000 s ± 2.000 ms, 75.00% of all\nself: 500.0 ms ± 1.000 ms</title>"));
  g_assert_true (contains (svg, "<title>parse\nsrc/parse.c:40\ncalls: 3\n"
                           "total: 2.500 s ± 500.0 µs, 31.25% of all\nself: 1.000 s ± 250.0 µs</title>"));
  g_assert_true (contains (svg, "<title>parse\nsrc/parse.c:40\ncalls: 1\n"
                           "total: 2.000 s, 25.00% of all\nself: 2.000 s</title>"));
  g_assert_true (contains (svg, "<title>lex\nsrc/lex.c:7\ncalls: 5\n"
                           "total: 1.500 s, 18.75% of all\nself: 1.500 s</title>"));
}

/* Names, files and the heading are XML-escaped; bytes that are not UTF-8
 * and control characters (a newline too: the name is the title's first
 * line) become U+FFFD; a label too long for its box is cut. */
static void
test_svg_escapes_names (void)
{
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *hostile = svg_of (hostile_names, G_N_ELEMENTS (hostile_names));
  g_autofree char *worker = frame_of_node (svg, 6);
  g_autofree char *function = frame_of_node (svg, 7);

  g_assert_true (contains (svg, ">Flame graph of &lt;run.prof&gt;</text>"));
  g_assert_true (contains (function, "<title>operator&lt;&lt; &lt;char, &apos;x&apos;&gt; &amp; &quot;y&quot;\n"
                           "src/io.cc\ncalls: 4\n"));
  g_assert_true (contains (function, ">operator&lt;&lt; &lt;char, &apos;x&apos;&gt; &amp; &quot;y&quot;</text>"));
  /* 295 px holds 40 characters. */
  g_assert_true (contains (worker, ">worker thread of the pool that compres..</text>"));

  g_assert_true (contains (hostile, "<title>thread &amp; &lt;co&gt;\n"));
  g_assert_true (contains (hostile, "<title>bad" FFFD FFFD "name" FFFD FFFD "two" FFFD "lines\n"
                           "dir/&quot;quoted&quot;\\file.c:3\n"));
  g_assert_true (g_utf8_validate (hostile, -1, NULL));
}

/* A function has one colour wherever it is called from, made from its
 * name: the reds and yellows of a flame. Threads are in blues. */
static void
test_svg_colours_come_from_names (void)
{
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *again = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *parse = fill_of_node (svg, 2);
  g_autofree char *parse_in_helper = fill_of_node (svg, 5);
  g_autofree char *lex = fill_of_node (svg, 3);
  g_autofree char *thread = fill_of_node (svg, 0);
  guint red, green, blue;

  g_assert_cmpstr (svg, ==, again);
  g_assert_cmpstr (parse, ==, parse_in_helper);
  g_assert_cmpstr (parse, !=, lex);

  g_assert_cmpint (sscanf (parse, "rgb(%u,%u,%u)", &red, &green, &blue), ==, 3);
  g_assert_cmpuint (red, >=, 205);
  g_assert_cmpuint (green, >=, 60);
  g_assert_cmpuint (green, <=, 210);
  g_assert_cmpuint (blue, <=, 60);
  g_assert_cmpint (sscanf (thread, "rgb(%u,%u,%u)", &red, &green, &blue), ==, 3);
  g_assert_cmpuint (blue, >, red);
}

/* Siblings too narrow to draw (under 0.1 px) are one grey frame where,
 * next to one another, they are wide enough together, and nothing where
 * they are not; what stands on them is left out. The frames after them
 * keep their places, and the picture says how many frames it left out. */
static void
test_svg_merges_narrow_frames (void)
{
  g_autofree char *svg = svg_of (narrow_frames, G_N_ELEMENTS (narrow_frames));
  g_autofree char *b = frame_of_node (svg, 7);

  g_assert_cmpuint (count (svg, "<g class=\"f\" data-n=\""), ==, 4);
  g_assert_true (lacks (svg, " data-n=\"3\""));
  g_assert_true (lacks (svg, " data-n=\"6\""));
  g_assert_true (lacks (svg, " data-n=\"8\""));

  g_assert_cmpuint (count (svg, "<g class=\"f m\""), ==, 1);
  g_assert_true (contains (svg, "<g class=\"f m\" data-p=\"1\" data-s=\"4.0\" data-e=\"4.00146484375\">"
                           "<title>3 narrow frames\neach narrower than 0.1 px, with what stands on them\n"
                           "total: 1.465 ms</title>"
                           "<rect x=\"600.00\" y=\"64\" width=\"0.22\" height=\"15\" fill=\"rgb(185,185,185)\"/>"));
  g_assert_true (contains (b, "<rect x=\"600.22\" y=\"64\" width=\"442.50\" height=\"15\""));
  g_assert_true (contains (svg, ">5 frames narrower than 0.1 px are merged into grey frames or left out.</text>"));

  /* Threads too: each has a timeline of its own, they follow one another. */
  g_free (svg);
  svg = svg_of (narrow_threads, G_N_ELEMENTS (narrow_threads));
  g_assert_true (contains (svg, "<g class=\"f m\" data-s=\"8.0\" data-e=\"8.000732421875\"><title>3 narrow frames\n"));
  g_assert_true (contains (svg, " y=\"64\" width=\"0.11\" height=\"15\" fill=\"rgb(185,185,185)\"/>"));
}

/* When a frame's callees add up to more than it (mutual recursion counts
 * the inner activation in both), they are drawn together at the scale
 * that fits, here 2/3, and each says so. */
static void
test_svg_narrows_callees_that_do_not_fit (void)
{
  g_autofree char *svg = svg_of (mutual_recursion, G_N_ELEMENTS (mutual_recursion));
  g_autofree char *f = frame_of_node (svg, 1);
  g_autofree char *g = frame_of_node (svg, 2);
  g_autofree char *h = frame_of_node (svg, 3);

  /* 4 s in all: 295 px a second. */
  g_assert_true (contains (f, "<rect x=\"10.00\" y=\"80\" width=\"1180.00\" height=\"15\""));
  g_assert_true (contains (g, "<rect x=\"10.00\" y=\"64\" width=\"786.67\" height=\"15\""));
  g_assert_true (contains (h, "<rect x=\"796.67\" y=\"64\" width=\"393.33\" height=\"15\""));
  g_assert_true (contains (g, "\ntotal: 4.000 s, 100.00% of all\nself: 0.000 s\n"
                           "drawn at 66.7% of its time, to fit on its caller</title>"));
  g_assert_true (contains (h, "\ndrawn at 66.7% of its time, to fit on its caller</title>"));
  g_assert_true (lacks (f, "drawn at"));
  g_assert_true (contains (svg, ">2 frames are drawn narrower than their time, to fit on their caller.</text>"));
}

/* A tree with no nodes is a picture that says so. */
static void
test_svg_of_nothing (void)
{
  g_autofree char *svg = svg_of (NULL, 0);

  g_assert_true (contains (svg, ">No calls were recorded.</text>"));
  g_assert_cmpuint (count (svg, "<g class=\"f\""), ==, 1);
}

/* The picture needs nothing from outside: no link, no external script,
 * stylesheet, image or font. */
static void
test_svg_is_self_contained (void)
{
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));

  g_assert_true (lacks (svg, "href"));
  g_assert_true (lacks (svg, "url("));
  g_assert_true (lacks (svg, "@import"));
  g_assert_true (lacks (svg, "@font-face"));
  g_assert_true (lacks (svg, "<image"));
  g_assert_true (lacks (svg, " src="));
  g_assert_cmpuint (count (svg, "<script"), ==, 1);
  g_assert_true (contains (svg, "<script type=\"text/ecmascript\"><![CDATA[\n"));
  g_assert_true (contains (svg, " font-family=\"monospace\""));
}

/* Every picture, of every tree here, is well-formed XML. */
static void
test_svg_is_well_formed_xml (Fixture       *fixture,
                             gconstpointer  user_data)
{
  static const struct
  {
    const char             *name;
    const DetprofFlameNode *nodes;
    guint                   n_nodes;
  } trees[] = {
    { "two-threads.svg", two_threads, G_N_ELEMENTS (two_threads) },
    { "narrow-frames.svg", narrow_frames, G_N_ELEMENTS (narrow_frames) },
    { "narrow-threads.svg", narrow_threads, G_N_ELEMENTS (narrow_threads) },
    { "mutual-recursion.svg", mutual_recursion, G_N_ELEMENTS (mutual_recursion) },
    { "hostile-names.svg", hostile_names, G_N_ELEMENTS (hostile_names) },
    { "nothing.svg", NULL, 0 },
  };
  g_autofree char *python = find_python ();
  guint i;

  if (python == NULL)
    {
      g_test_skip ("python3 not found (set PYTHON3 or PATH): the SVG was not parsed");
      return;
    }

  for (i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      g_autofree char *svg = svg_of (trees[i].nodes, trees[i].n_nodes);
      g_autofree char *path = write_file (fixture, trees[i].name, svg);
      const char *argv[] = { python, "-c", parse_xml_script, path, NULL };

      g_test_message ("parsing %s", trees[i].name);
      g_assert_cmpint (run (argv, NULL), ==, 0);
    }
}

/* A node whose parent does not come before it is a caller's bug. */
static void
test_svg_refuses_a_parent_after_its_child (void)
{
  static const DetprofFlameNode backwards[] = {
    { 1, "child", "", 0, 1, 1.0, 1.0, 0.0, 0.0 },
    { NO_PARENT, "thread", "", 0, 0, 0.0, 1.0, 0.0, 0.0 },
  };
  g_autoptr(GString) out = g_string_new (NULL);

  if (!g_test_undefined ())
    return;

  g_test_expect_message ("Detprof", G_LOG_LEVEL_CRITICAL, "*_detprof_flame_nodes_are_valid*");
  _detprof_flame_write_svg (backwards, G_N_ELEMENTS (backwards), NULL, out);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Detprof", G_LOG_LEVEL_CRITICAL, "*_detprof_flame_nodes_are_valid*");
  _detprof_flame_write_speedscope (backwards, G_N_ELEMENTS (backwards), NULL, out);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (out->len, ==, 0);
}

/* ---- speedscope ---- */

/* One evented profile per thread; a frame per function, shared by its
 * two nodes; each node's frame opens where its earlier siblings closed,
 * and closes at its total time after. */
static void
test_speedscope_events_are_exact (void)
{
  g_autofree char *json = speedscope_of (two_threads, G_N_ELEMENTS (two_threads));

  g_assert_cmpstr (json, ==,
                   "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n"
                   "\"exporter\":\"" PACKAGE_STRING "\",\n"
                   "\"name\":\"run.prof\",\n"
                   "\"activeProfileIndex\":0,\n"
                   "\"shared\":{\"frames\":[\n"
                   "{\"name\":\"main\",\"file\":\"src/main.c\",\"line\":10},\n"
                   "{\"name\":\"parse\",\"file\":\"src/parse.c\",\"line\":40},\n"
                   "{\"name\":\"lex\",\"file\":\"src/lex.c\",\"line\":7},\n"
                   "{\"name\":\"helper\",\"file\":\"src/main.c\",\"line\":20},\n"
                   "{\"name\":\"operator<< <char, 'x'> & \\\"y\\\"\",\"file\":\"src/io.cc\"}\n"
                   "]},\n"
                   "\"profiles\":[\n"
                   "{\"type\":\"evented\",\"name\":\"main thread\",\"unit\":\"seconds\","
                   "\"startValue\":0.0,\"endValue\":6.0,\"events\":[\n"
                   "{\"type\":\"O\",\"frame\":0,\"at\":0.0},\n"    /* main */
                   "{\"type\":\"O\",\"frame\":1,\"at\":0.0},\n"    /* parse */
                   "{\"type\":\"O\",\"frame\":2,\"at\":0.0},\n"    /* lex */
                   "{\"type\":\"C\",\"frame\":2,\"at\":1.5},\n"
                   "{\"type\":\"C\",\"frame\":1,\"at\":2.5},\n"
                   "{\"type\":\"O\",\"frame\":3,\"at\":2.5},\n"    /* helper */
                   "{\"type\":\"O\",\"frame\":1,\"at\":2.5},\n"    /* parse */
                   "{\"type\":\"C\",\"frame\":1,\"at\":4.5},\n"
                   "{\"type\":\"C\",\"frame\":3,\"at\":5.5},\n"
                   "{\"type\":\"C\",\"frame\":0,\"at\":6.0}\n"
                   "]},\n"
                   "{\"type\":\"evented\",\"name\":\"worker thread of the pool that compresses blocks\","
                   "\"unit\":\"seconds\",\"startValue\":0.0,\"endValue\":2.0,\"events\":[\n"
                   "{\"type\":\"O\",\"frame\":4,\"at\":0.0},\n"
                   "{\"type\":\"C\",\"frame\":4,\"at\":2.0}\n"
                   "]}\n"
                   "]}\n");
}

/* Replayed as speedscope does, every frame is open for exactly its
 * node's total time, nodes in the order of a walk over each thread. */
static void
test_speedscope_frames_last_their_total_time (void)
{
  static const guint walk[] = { 1, 2, 3, 4, 5, 7 };
  static const guint frames[] = { 0, 1, 2, 3, 1, 4 };
  g_autofree char *json = speedscope_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autoptr(GArray) spans = replay_events (json);
  guint i;

  g_assert_cmpuint (spans->len, ==, G_N_ELEMENTS (walk));
  for (i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      g_assert_cmpuint (span->frame, ==, frames[i]);
      g_assert_cmpfloat (span->close - span->open, ==, two_threads[walk[i]].total_time);
    }
}

/* Where callees do not fit in their caller, the events still nest: they
 * are scaled as the SVG draws them. */
static void
test_speedscope_events_nest_when_callees_do_not_fit (void)
{
  g_autofree char *json = speedscope_of (mutual_recursion, G_N_ELEMENTS (mutual_recursion));
  g_autoptr(GArray) spans = replay_events (json);

  g_assert_cmpuint (spans->len, ==, 3);
  g_assert_cmpfloat (g_array_index (spans, Span, 0).close, ==, 4.0);
  g_assert_cmpfloat (g_array_index (spans, Span, 1).close, ==, g_array_index (spans, Span, 2).open);
  g_assert_cmpfloat (g_array_index (spans, Span, 2).close, ==, 4.0);
  g_assert_cmpfloat_with_epsilon (g_array_index (spans, Span, 1).close, 8.0 / 3.0, 1e-15);
}

/* Names are JSON-escaped: quotes and backslashes, control characters as
 * \u escapes, bytes that are not UTF-8 as U+FFFD. */
static void
test_speedscope_escapes_names (void)
{
  g_autofree char *json = speedscope_of (hostile_names, G_N_ELEMENTS (hostile_names));

  g_assert_true (contains (json, "{\"name\":\"bad" FFFD FFFD "name\\u0001\\u0009two\\u000alines\","
                           "\"file\":\"dir/\\\"quoted\\\"\\\\file.c\",\"line\":3}"));
  g_assert_true (contains (json, "\"name\":\"thread & <co>\","));
  g_assert_true (g_utf8_validate (json, -1, NULL));
}

/* Every file written here validates against speedscope's published
 * schema, with python3's jsonschema where it is installed. */
static void
test_speedscope_validates_against_the_schema (Fixture       *fixture,
                                              gconstpointer  user_data)
{
  static const struct
  {
    const char             *name;
    const DetprofFlameNode *nodes;
    guint                   n_nodes;
  } trees[] = {
    { "two-threads.json", two_threads, G_N_ELEMENTS (two_threads) },
    { "narrow-frames.json", narrow_frames, G_N_ELEMENTS (narrow_frames) },
    { "mutual-recursion.json", mutual_recursion, G_N_ELEMENTS (mutual_recursion) },
    { "hostile-names.json", hostile_names, G_N_ELEMENTS (hostile_names) },
    { "nothing.json", NULL, 0 },
  };
  g_autofree char *python = find_python ();
  guint i;

  if (python == NULL)
    {
      g_test_skip ("python3 not found (set PYTHON3 or PATH): the JSON was not validated");
      return;
    }

  for (i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      g_autofree char *json = speedscope_of (trees[i].nodes, trees[i].n_nodes);
      g_autofree char *path = write_file (fixture, trees[i].name, json);
      const char *argv[] = { python, "-c", validate_json_script, speedscope_schema, path, NULL };
      int status;

      g_test_message ("validating %s", trees[i].name);
      status = run (argv, NULL);
      if (status == 77)
        {
          g_test_skip ("python3 has no jsonschema module (apt-get install python3-jsonschema):"
                       " the JSON was not validated");
          return;
        }
      g_assert_cmpint (status, ==, 0);
    }
}

/* ---- in a browser ---- */

static char *
find_chromium (void)
{
  static const char *names[] = { "chromium", "chromium-browser", "google-chrome" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *path = g_find_program_in_path (names[i]);

      if (path != NULL)
        return path;
    }
  return NULL;
}

/* Runs headless Chromium on @svg with @fragment after its address, and
 * @action (--screenshot=..., --dump-dom): its output. */
static char *
run_chromium (Fixture    *fixture,
              const char *chromium,
              const char *svg,
              const char *fragment,
              const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture, "flame.svg", svg);
  g_autofree char *profile = g_build_filename (fixture->dir, "chromium-profile", NULL);
  g_autofree char *profile_option = g_strconcat ("--user-data-dir=", profile, NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  g_autofree char *address = g_strconcat (uri, fragment, NULL);
  const char *argv[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--hide-scrollbars", "--window-size=1200,206", profile_option,
                         action, address, NULL };
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (run (argv, &out), ==, 0);
  return out;
}

/* Rendered by Chromium, the picture shows the functions' frames: main,
 * parse, lex, helper, parse and the worker's function are 2,507.5 px
 * wide in all, 15 px high, so about 37,000 pixels of their colours. */
static void
test_svg_renders_in_chromium (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *chromium = find_chromium ();
  g_autofree char *python = find_python ();
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *png = g_build_filename (fixture->dir, "flame.png", NULL);
  g_autofree char *screenshot = g_strconcat ("--screenshot=", png, NULL);
  g_autofree char *chromium_out = NULL;
  g_autofree char *pixels = NULL;
  const char *argv[] = { python, "-c", count_flame_pixels_script, png, NULL };

  if (chromium == NULL || python == NULL)
    {
      g_test_skip ("chromium or python3 not found: the SVG was not rendered");
      return;
    }

  chromium_out = run_chromium (fixture, chromium, svg, "", screenshot);
  g_assert_cmpint (run (argv, &pixels), ==, 0);
  g_test_message ("%s pixels in the functions' colours", g_strstrip (pixels));
  g_assert_cmpuint (g_ascii_strtoull (pixels, NULL, 10), >, 30000);
  g_assert_cmpuint (g_ascii_strtoull (pixels, NULL, 10), <, 38000);
}

/* In Chromium, the script opens the view the address asks for: zoomed
 * into helper, searching "parse". helper fills the width, what stands on
 * it is scaled with it, what it stands on is faded, the rest hidden; the
 * two parse frames are highlighted, and the one in view takes 2/3 of it. */
static void
test_svg_zooms_and_searches_in_chromium (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autofree char *chromium = find_chromium ();
  g_autofree char *svg = svg_of (two_threads, G_N_ELEMENTS (two_threads));
  g_autofree char *dom = NULL;
  g_autofree char *main_fn = NULL;
  g_autofree char *parse = NULL;
  g_autofree char *helper = NULL;
  g_autofree char *parse_in_helper = NULL;
  g_autofree char *worker = NULL;

  if (chromium == NULL)
    {
      g_test_skip ("chromium not found: the script was not run");
      return;
    }

  dom = run_chromium (fixture, chromium, svg, "#zoom=4&search=parse", "--dump-dom");
  main_fn = frame_of_node (dom, 1);
  parse = frame_of_node (dom, 2);
  helper = frame_of_node (dom, 4);
  parse_in_helper = frame_of_node (dom, 5);
  worker = frame_of_node (dom, 6);

  g_assert_true (contains (helper, "<rect x=\"10.00\" y=\"80\" width=\"1180.00\" height=\"15\""));
  g_assert_true (contains (parse_in_helper, "<rect x=\"10.00\" y=\"64\" width=\"786.67\" height=\"15\""
                           " fill=\"rgb(225,0,225)\"/>"));
  g_assert_true (contains (main_fn, "<g class=\"f up\""));
  g_assert_true (contains (main_fn, "<rect x=\"10.00\" y=\"96\" width=\"1180.00\""));
  g_assert_true (contains (parse, "<g class=\"f hide\""));
  g_assert_true (contains (parse, "fill=\"rgb(225,0,225)\""));
  g_assert_true (contains (worker, "<g class=\"f hide\""));
  g_assert_true (contains (dom, ">Matched: 1 frame, 66.67% of helper</text>"));
  g_assert_true (lacks (dom, "id=\"reset\" class=\"hide\""));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flame/svg/has-one-frame-per-node", test_svg_one_frame_per_node);
  g_test_add_func ("/flame/svg/places-frames-by-their-times", test_svg_frames_are_placed_by_time);
  g_test_add_func ("/flame/svg/titles-give-the-numbers-with-their-bounds", test_svg_titles_give_the_numbers);
  g_test_add_func ("/flame/svg/escapes-names", test_svg_escapes_names);
  g_test_add_func ("/flame/svg/colours-a-function-by-its-name", test_svg_colours_come_from_names);
  g_test_add_func ("/flame/svg/merges-narrow-frames-and-says-how-many", test_svg_merges_narrow_frames);
  g_test_add_func ("/flame/svg/narrows-callees-that-do-not-fit", test_svg_narrows_callees_that_do_not_fit);
  g_test_add_func ("/flame/svg/of-no-calls-says-so", test_svg_of_nothing);
  g_test_add_func ("/flame/svg/needs-nothing-from-outside", test_svg_is_self_contained);
  g_test_add ("/flame/svg/is-well-formed-xml", Fixture, NULL,
              setup, test_svg_is_well_formed_xml, teardown);
  g_test_add_func ("/flame/refuses-a-parent-after-its-child", test_svg_refuses_a_parent_after_its_child);
  g_test_add ("/flame/svg/renders-in-chromium", Fixture, NULL,
              setup, test_svg_renders_in_chromium, teardown);
  g_test_add ("/flame/svg/zooms-and-searches-in-chromium", Fixture, NULL,
              setup, test_svg_zooms_and_searches_in_chromium, teardown);

  g_test_add_func ("/flame/speedscope/events-are-exact", test_speedscope_events_are_exact);
  g_test_add_func ("/flame/speedscope/frames-last-their-total-time", test_speedscope_frames_last_their_total_time);
  g_test_add_func ("/flame/speedscope/events-nest-when-callees-do-not-fit",
                   test_speedscope_events_nest_when_callees_do_not_fit);
  g_test_add_func ("/flame/speedscope/escapes-names", test_speedscope_escapes_names);
  g_test_add ("/flame/speedscope/validates-against-the-published-schema", Fixture, NULL,
              setup, test_speedscope_validates_against_the_schema, teardown);

  return g_test_run ();
}
