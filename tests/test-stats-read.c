/* test-stats-read.c: the reader of stats dumps (detprof-stats-read.c).
 *
 * The reference is Python: the fixtures that Python 3.6-3.13 wrote with
 * cProfile, profile.py and marshal (tests/marshal-fixtures), each with a
 * .expected file holding that Python's own reading of the dump, which the
 * table must render to. The rest is hand-made bytes: every kind of
 * reference Python writes, the shared objects it never writes but reads,
 * detprof's extra object, and the order in which errors are found.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-report-private.h"
#include "detprof-stats-private.h"
#include "detprof-stats-read-private.h"
#include "test-util.h"

/* ---------------------------------------------------------------------- */
/* Writing marshal bytes by hand                                           */

#define REF 0x80  /* FLAG_REF: the object takes the next reference index */

static void
put_byte (GByteArray *out,
          guint8      byte)
{
  g_byte_array_append (out, &byte, 1);
}

static void
put_uint32 (GByteArray *out,
            guint32     value)
{
  guint8 bytes[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };

  g_byte_array_append (out, bytes, 4);
}

static void
put_int (GByteArray *out,
         guint8      flag,
         gint32      value)
{
  put_byte (out, 'i' | flag);
  put_uint32 (out, (guint32) value);
}

static void
put_float (GByteArray *out,
           guint8      flag,
           double      value)
{
  guint64 bits;
  int i;

  memcpy (&bits, &value, sizeof bits);
  put_byte (out, 'g' | flag);
  for (i = 0; i < 8; i++)
    put_byte (out, (bits >> (8 * i)) & 0xff);
}

/* A short ASCII str ('z'), as Python writes most names. */
static void
put_str (GByteArray *out,
         guint8      flag,
         const char *text)
{
  put_byte (out, 'z' | flag);
  put_byte (out, (guint8) strlen (text));
  g_byte_array_append (out, (const guint8 *) text, (guint) strlen (text));
}

/* A str of the given type code ('u', 'a', ...) and raw bytes. */
static void
put_raw_str (GByteArray *out,
             char        code,
             const char *bytes,
             gsize       n)
{
  put_byte (out, (guint8) code);
  put_uint32 (out, (guint32) n);
  g_byte_array_append (out, (const guint8 *) bytes, (guint) n);
}

static void
put_ref (GByteArray *out,
         guint32     index)
{
  put_byte (out, 'r');
  put_uint32 (out, index);
}

static void
put_tuple (GByteArray *out,
           guint8      flag,
           guint8      n)
{
  put_byte (out, ')' | flag);
  put_byte (out, n);
}

/* (file, line, name) with plain strs. */
static void
put_key (GByteArray *out,
         guint8      flag,
         const char *file,
         gint32      line,
         const char *name)
{
  put_tuple (out, flag, 3);
  put_str (out, 0, file);
  put_int (out, 0, line);
  put_str (out, 0, name);
}

/* The four numbers of a row, (cc, nc, tt, ct), opening a 5-tuple whose
 * callers dict the caller writes next. */
static void
put_row_numbers (GByteArray *out,
                 guint8      flag,
                 gint32      calls,
                 double      tt,
                 double      ct)
{
  put_tuple (out, flag, 5);
  put_int (out, 0, calls);
  put_int (out, 0, calls);
  put_float (out, 0, tt);
  put_float (out, 0, ct);
}

/* A cProfile arc, (nc, cc, tt, ct). */
static void
put_arc (GByteArray *out,
         guint8      flag,
         gint32      calls,
         double      time)
{
  put_tuple (out, flag, 4);
  put_int (out, 0, calls);
  put_int (out, 0, calls);
  put_float (out, 0, time);
  put_float (out, 0, time);
}

/* A code object as Python 3.8 writes it, named @name, whose constants are
 * written by @put_consts (a tuple). */
static void
put_code (GByteArray *out,
          const char *file,
          const char *name,
          gint32      first_line,
          void      (*put_consts) (GByteArray *out))
{
  int i;

  put_byte (out, 'c');
  for (i = 0; i < 6; i++)
    put_uint32 (out, 0);
  put_raw_str (out, 's', "d\x00S\x00", 4);   /* the bytecode */
  put_consts (out);
  for (i = 0; i < 4; i++)
    put_tuple (out, 0, 0);                    /* names, varnames, freevars, cellvars */
  put_str (out, 0, file);
  put_str (out, 0, name);
  put_uint32 (out, (guint32) first_line);
  put_raw_str (out, 's', "", 0);              /* the line table */
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

static DetprofStats *
load (const GByteArray *dump)
{
  g_autoptr(GBytes) bytes = g_bytes_new (dump->data, dump->len);
  g_autoptr(GError) error = NULL;
  DetprofStats *stats = detprof_stats_new_from_bytes (bytes, "test.prof", &error);

  g_assert_no_error (error);
  return stats;
}

/* Loads @data, which must fail; returns the message, without the name. */
static char *
load_error (const guint8 *data,
            gsize         len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = detprof_stats_new_from_bytes (bytes, NULL, &error);

  g_assert_null (stats);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  return g_strdup (error->message);
}

static GBytes *
load_fixture_bytes (const char *dir,
                    const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* ---------------------------------------------------------------------- */
/* Python's dumps                                                          */

/* A fixture loads as the Python that wrote it read it (its .expected):
 * the dict, and where it ends (crafted-* have another object after it).
 * Python renders a code object as <code NAME FILE LINE>; the table keeps
 * it as the name "<code object NAME, file "FILE", line LINE>". */
static void
test_python_fixture (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *prof = g_strconcat (name, ".prof", NULL);
  g_autofree char *expected_name = g_strconcat (name, ".expected", NULL);
  g_autoptr(GBytes) bytes = load_fixture_bytes ("marshal-fixtures", prof);
  g_autoptr(GBytes) expected_bytes = load_fixture_bytes ("marshal-fixtures", expected_name);
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GRegex) code = g_regex_new ("<code '([^']*)' '([^']*)' ([0-9]+)>", 0, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *python = g_strndup (g_bytes_get_data (expected_bytes, NULL),
                                       g_bytes_get_size (expected_bytes));
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *actual = NULL;
  gsize dict_len = 0;

  g_assert_true (_detprof_stats_read (stats, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      &dict_len, &error));
  g_assert_no_error (error);
  expected = g_regex_replace (code, python, -1, 0, "'<code object \\1, file \"\\2\", line \\3>'", 0, &error);
  g_assert_no_error (error);
  text = test_render_table (stats);
  actual = g_strdup_printf ("consumed %" G_GSIZE_FORMAT "\nentries %u\nvalue %s\n",
                            dict_len, detprof_stats_get_n_functions (stats), text);
  g_assert_cmpstr (actual, ==, expected);
}

/* Every prefix of a fixture fails cleanly, and names a byte inside it. */
static void
test_python_fixture_truncated (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *prof = g_strconcat (name, ".prof", NULL);
  g_autoptr(GBytes) bytes = load_fixture_bytes ("marshal-fixtures", prof);
  g_autoptr(DetprofStats) whole = detprof_stats_new ();
  gsize len = 0, dict_len = 0, cut;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (_detprof_stats_read (whole, data, len, &dict_len, NULL));
  for (cut = 0; cut < dict_len; cut++)
    {
      g_autofree char *message = load_error (data, cut);

      g_assert_true (g_str_has_prefix (message, "at byte "));
      g_assert_cmpuint (g_ascii_strtoull (message + strlen ("at byte "), NULL, 10), <=, cut);
      g_assert_nonnull (strstr (message, cut == 0 ? "empty input" : "truncated"));
    }
}

/* Every dump of tests/stats-fixtures loads, but the bad ones. */
static void
test_stats_fixtures (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "stats-fixtures", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_read = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(DetprofStats) stats = NULL;
      g_autoptr(GError) error = NULL;
      gboolean bad = g_str_has_prefix (name, "bad-") || g_str_equal (name, "empty.prof");

      if (!g_str_has_suffix (name, ".prof"))
        continue;
      g_test_message ("%s", name);
      stats = detprof_stats_new_from_file (path, &error);
      g_assert_true ((stats == NULL) == bad);
      if (bad)
        g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
      n_read++;
    }
  g_assert_cmpuint (n_read, >, 10);
}

/* A regular file is mapped; anything else, a pipe here, is read. */
static gpointer
write_to_pipe (gpointer data)
{
  const char *path = data;
  g_autoptr(GBytes) bytes = load_fixture_bytes ("stats-fixtures", "cprofile-profilee.prof");
  FILE *pipe = g_fopen (path, "wb");

  g_assert_nonnull (pipe);
  g_assert_cmpuint (fwrite (g_bytes_get_data (bytes, NULL), 1, g_bytes_get_size (bytes), pipe), ==,
                    g_bytes_get_size (bytes));
  fclose (pipe);
  return NULL;
}

static void
test_pipe_loads_as_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-stats-read-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "dump.prof", NULL);
  g_autofree char *file_path = g_test_build_filename (G_TEST_DIST, "stats-fixtures", "cprofile-profilee.prof", NULL);
  g_autoptr(DetprofStats) from_file = NULL;
  g_autoptr(DetprofStats) from_pipe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_text = NULL;
  g_autofree char *pipe_text = NULL;
  GThread *writer;

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  writer = g_thread_new ("writer", write_to_pipe, path);
  from_pipe = detprof_stats_new_from_file (path, &error);
  g_thread_join (writer);
  g_assert_no_error (error);
  from_file = detprof_stats_new_from_file (file_path, &error);
  g_assert_no_error (error);

  file_text = test_render_table (from_file);
  pipe_text = test_render_table (from_pipe);
  g_assert_cmpstr (pipe_text, ==, file_text);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---------------------------------------------------------------------- */
/* References                                                              */

/* As cProfile writes them: each file name, name and key tuple once, with
 * FLAG_REF, then only references, small ints too. The first row's key is
 * first met as a caller of the second row, before its own row. */
static GByteArray *
make_dump_with_references (void)
{
  GByteArray *out = g_byte_array_new ();

  put_byte (out, '{' | REF);                       /* ref 0: the dict */
  put_tuple (out, REF, 3);                         /* ref 1: ("a.py", 1, "f") */
  put_str (out, REF, "a.py");                      /* ref 2 */
  put_int (out, REF, 1);                           /* ref 3 */
  put_str (out, REF, "f");                         /* ref 4 */
  put_tuple (out, 0, 5);
  put_ref (out, 3);
  put_ref (out, 3);
  put_float (out, REF, 0.5);                       /* ref 5 */
  put_float (out, 0, 1.5);
  put_byte (out, '{');
  put_tuple (out, REF, 3);                         /* ref 6: ("a.py", 7, "g") */
  put_ref (out, 2);
  put_int (out, 0, 7);
  put_str (out, REF, "g");                         /* ref 7 */
  put_tuple (out, 0, 4);
  put_ref (out, 3);
  put_ref (out, 3);
  put_ref (out, 5);
  put_ref (out, 5);
  put_byte (out, '0');
  put_ref (out, 6);                                /* g's own row */
  put_row_numbers (out, 0, 2, 0.25, 2.0);
  put_byte (out, '{');
  put_key (out, 0, "b.py", 3, "h");                /* a caller with no row */
  put_int (out, 0, 2);                             /* profile's plain count */
  put_ref (out, 1);
  put_arc (out, 0, 1, 0.125);
  put_byte (out, '0');
  put_byte (out, '0');
  return out;
}

/* strs, ints, floats and key tuples are found through references, and
 * keys are numbered rows first, in dict order, then callers with no row,
 * even when a row's key is first met as a caller. */
static void
test_references (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_references ();
  g_autoptr(DetprofStats) stats = load (dump);
  const DetprofFunctionStats *f, *g, *h;

  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 2);
  g_assert_cmpuint (_detprof_stats_get_n_keys (stats), ==, 3);

  f = detprof_stats_get_function (stats, 0);
  g = detprof_stats_get_function (stats, 1);
  h = detprof_stats_get_function (stats, 2);
  g_assert_cmpstr (f->name, ==, "f");
  g_assert_cmpstr (g->file, ==, "a.py");
  g_assert_cmpint (g->line, ==, 7);
  g_assert_cmpstr (h->name, ==, "h");
  g_assert_cmpfloat (f->tt.value, ==, 0.5);

  g_assert_cmpuint (f->n_callers, ==, 1);
  g_assert_cmpuint (f->callers[0].caller, ==, 1);
  g_assert_cmpfloat (f->callers[0].ct.value, ==, 0.5);
  g_assert_cmpuint (g->n_callers, ==, 2);
  g_assert_cmpuint (g->callers[0].caller, ==, 2);
  g_assert_cmpint (g->callers[0].style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpuint (g->callers[1].caller, ==, 0);
}

/* Python never shares an arc, a row's tuple or a callers dict, but it
 * reads a dump that does, and so do we: each reference is read again where
 * it is used, and every row gets arcs of its own. */
static void
test_references_to_arcs_rows_and_callers (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) stats = NULL;
  const DetprofFunctionStats *f, *g, *h;
  guint i;

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, REF, 1, 1.0, 1.0);        /* ref 0 */
  put_byte (dump, '{' | REF);                      /* ref 1 */
  put_key (dump, 0, "a.py", 9, "main");
  put_arc (dump, REF, 1, 1.0);                     /* ref 2 */
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 2, "g");
  put_row_numbers (dump, 0, 2, 2.0, 2.0);
  put_ref (dump, 1);                               /* f's callers */
  put_key (dump, 0, "a.py", 3, "h");
  put_ref (dump, 0);                               /* f's whole row */
  put_key (dump, 0, "a.py", 4, "k");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_ref (dump, 2);                               /* f's arc */
  put_byte (dump, '0');
  put_byte (dump, '0');

  stats = load (dump);
  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 4);
  f = detprof_stats_get_function (stats, 0);
  g = detprof_stats_get_function (stats, 1);
  h = detprof_stats_get_function (stats, 2);
  g_assert_cmpint (g->nc, ==, 2);
  g_assert_cmpint (h->nc, ==, 1);
  g_assert_cmpfloat (h->ct.value, ==, 1.0);
  g_assert_cmpuint (g->n_callers, ==, 1);
  g_assert_cmpuint (h->n_callers, ==, 1);
  g_assert_cmpuint (detprof_stats_get_function (stats, 3)->n_callers, ==, 1);
  g_assert_cmpuint (h->callers[0].caller, ==, 4);
  g_assert_cmpfloat (detprof_stats_get_function (stats, 3)->callers[0].tt.value, ==, 1.0);

  /* Adding the table to itself doubles each arc once: none is shared. */
  g_assert_true (f->callers != g->callers && g->callers != h->callers);
  detprof_stats_add (stats, stats);
  for (i = 0; i < 4; i++)
    g_assert_cmpint (detprof_stats_get_function (stats, i)->callers[0].nc, ==, 2);
}

/* Constants of the code object below: a key tuple, which a row then names
 * as its caller by reference, and a tuple that is not a key. */
static void
put_consts_with_key (GByteArray *out)
{
  put_tuple (out, 0, 2);
  put_key (out, REF, "lib.py", 3, "helper");        /* ref 0 */
  put_tuple (out, REF, 3);                          /* ref 1: ("lib.py", "x", "y") */
  put_str (out, 0, "lib.py");
  put_str (out, 0, "x");
  put_str (out, 0, "y");
}

/* `python -m profile script.py` names a key with a code object, which
 * shows as Python prints it, less the address. Objects inside it are in
 * the reference table too: a key first read there is read again as a key
 * where a reference names it as one. */
static GByteArray *
make_dump_with_code (guint32 caller_ref)
{
  GByteArray *dump = g_byte_array_new ();

  put_byte (dump, '{');
  put_tuple (dump, 0, 3);
  put_str (dump, 0, "profile");
  put_int (dump, 0, 0);
  put_code (dump, "script.py", "<module>", 1, put_consts_with_key);
  put_row_numbers (dump, 0, 1, 1.0, 2.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 9, "main");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_ref (dump, caller_ref);
  put_int (dump, 0, 1);
  put_byte (dump, '0');
  put_byte (dump, '0');
  return dump;
}

static void
test_code_objects (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_code (0);
  g_autoptr(GByteArray) bad = make_dump_with_code (1);
  g_autoptr(DetprofStats) stats = load (dump);
  g_autofree char *message = NULL;
  const DetprofFunctionStats *main_function, *helper;

  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 2);
  g_assert_cmpstr (detprof_stats_get_function (stats, 0)->name, ==,
                   "<code object <module>, file \"script.py\", line 1>");
  main_function = detprof_stats_get_function (stats, 1);
  g_assert_cmpuint (main_function->n_callers, ==, 1);
  helper = detprof_stats_get_function (stats, main_function->callers[0].caller);
  g_assert_cmpstr (helper->file, ==, "lib.py");
  g_assert_cmpint (helper->line, ==, 3);
  g_assert_cmpstr (helper->name, ==, "helper");

  message = load_error (bad->data, bad->len);
  g_assert_cmpstr (message, ==, "entry 2: caller 1: expected an int as line number, found a str");
}

/* A reference to a tuple that is still being read would make a cycle. */
static void
test_reference_to_unfinished_key (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autofree char *message = NULL;

  put_byte (dump, '{');
  put_tuple (dump, REF, 3);                        /* ref 0 */
  put_str (dump, 0, "a.py");
  put_int (dump, 0, 1);
  put_ref (dump, 0);
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_byte (dump, '0');

  message = load_error (dump->data, dump->len);
  g_assert_cmpstr (message, ==, "at byte 14: invalid reference 0");
}

/* ---------------------------------------------------------------------- */
/* Dict semantics and encodings                                            */

/* A repeated key replaces the earlier value and keeps its place, in the
 * top-level dict and in a callers dict, as in a Python dict. */
static void
test_repeated_keys (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) stats = NULL;
  const DetprofFunctionStats *f;

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_arc (dump, 0, 1, 1.0);
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 2, "g");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 1, "f");                /* f again */
  put_row_numbers (dump, 0, 5, 3.0, 4.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 2, "g");
  put_arc (dump, 0, 2, 1.0);
  put_key (dump, 0, "a.py", 8, "other");
  put_arc (dump, 0, 1, 1.0);
  put_key (dump, 0, "a.py", 2, "g");                /* g again, in the same dict */
  put_arc (dump, 0, 3, 2.0);
  put_byte (dump, '0');
  put_byte (dump, '0');

  stats = load (dump);
  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 2);
  f = detprof_stats_get_function (stats, 0);
  g_assert_cmpstr (f->name, ==, "f");
  g_assert_cmpint (f->nc, ==, 5);
  g_assert_cmpuint (f->n_callers, ==, 2);
  g_assert_cmpuint (f->callers[0].caller, ==, 1);
  g_assert_cmpint (f->callers[0].nc, ==, 3);
  g_assert_cmpstr (detprof_stats_get_function (stats, f->callers[1].caller)->name, ==, "other");
}

/* The encodings Python writes rarely, or never, but reads: big ints,
 * 8-byte ints, floats as text, bools as counts, strs with a lone
 * surrogate, a NUL or Latin-1. */
static void
test_rare_encodings (void)
{
  static const guint8 big_int[] = { 'l', 3, 0, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00 };
  static const guint8 int64[] = { 'I', 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
  static const guint8 text_float[] = { 'f', 4, '2', '.', '5', '0' };
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) stats = NULL;
  const DetprofFunctionStats *f;

  put_byte (dump, '{');
  put_tuple (dump, 0, 3);
  put_raw_str (dump, 'u', "s\xed\xa0\x80.py", 7);  /* a lone surrogate */
  put_int (dump, 0, 1);
  put_raw_str (dump, 'a', "caf\xe9", 4);          /* Latin-1 */
  put_tuple (dump, 0, 5);
  g_byte_array_append (dump, int64, sizeof int64);
  g_byte_array_append (dump, big_int, sizeof big_int);
  g_byte_array_append (dump, text_float, sizeof text_float);
  g_byte_array_append (dump, big_int, sizeof big_int);
  put_byte (dump, '{');
  put_tuple (dump, 0, 3);
  put_raw_str (dump, 'u', "nul\0cut", 7);
  put_byte (dump, 'T');
  put_str (dump, 0, "main");
  put_byte (dump, 'T');
  put_byte (dump, '0');
  put_byte (dump, '0');

  stats = load (dump);
  f = detprof_stats_get_function (stats, 0);
  g_assert_cmpstr (f->file, ==, "s\xef\xbf\xbd.py");
  g_assert_cmpstr (f->name, ==, "caf\xc3\xa9");
  g_assert_cmpint (f->cc, ==, G_GINT64_CONSTANT (1) << 32);
  g_assert_cmpint (f->nc, ==, G_GINT64_CONSTANT (1) << 34);
  g_assert_true (f->ct.is_int);
  g_assert_cmpfloat (f->tt.value, ==, 2.5);
  g_assert_cmpstr (detprof_stats_get_function (stats, 1)->file, ==, "nul");
  g_assert_cmpint (f->callers[0].style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpint (f->callers[0].nc, ==, 1);
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

/* What is wrong with the bytes is said before what is wrong with the
 * dict, wherever it is, as Python, which reads the whole object first,
 * says it; with good bytes, the first thing wrong with the dict, and
 * where it is. */
static void
test_errors_bytes_first (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_str (dump, 0, "not an arc");
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 2, "g");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_byte (dump, '0');

  first = load_error (dump->data, dump->len);
  g_assert_cmpstr (first, ==, "entry 1: caller 1: expected an int or a 4-tuple, found a str");

  /* The same dump without the end of its dict. */
  second = load_error (dump->data, dump->len - 2);
  g_assert_cmpstr (second, ==, "at byte 127: truncated: dict without its '0' end marker");
}

/* Every cut of a dump is an error that names the byte. */
static void
test_every_truncation (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_references ();
  guint len;

  for (len = 0; len < dump->len; len++)
    {
      g_autofree char *message = load_error (dump->data, len);

      g_assert_true (g_str_has_prefix (message, "at byte "));
    }
}

/* A size larger than what is left is refused before anything is read or
 * allocated from it. */
static void
test_huge_sizes (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autofree char *message = NULL;

  put_byte (dump, '{');
  put_tuple (dump, 0, 3);
  put_byte (dump, 'u');
  put_uint32 (dump, 0x7fffffff);
  put_byte (dump, '0');

  message = load_error (dump->data, dump->len);
  g_assert_cmpstr (message, ==, "at byte 3: truncated: string of 2147483647 bytes needs 2147483647, 1 left");
}

/* ---------------------------------------------------------------------- */
/* detprof's extra object                                                  */

/* A table big enough to grow every array of the reader, written by
 * detprof itself (no references, every key spelled out), with its extra
 * object after the dict. */
static void
test_big_table_with_extra_object (void)
{
  g_autoptr(DetprofStats) built = detprof_stats_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) loaded = NULL;
  guint i, j;

  for (i = 0; i < 3000; i++)
    {
      g_autofree char *file = g_strdup_printf ("dir/file%u.c", i % 37);
      g_autofree char *name = g_strdup_printf ("function_%u", i);

      _detprof_stats_add_function (built, file, i / 37, name, 1, 1, 0.5, 1.0);
    }
  for (i = 0; i < 30000; i++)
    _detprof_stats_add_caller (built, i % 3000, (i * 7919 + i / 3000) % 3000, 1, 1, 0.25, 0.5);
  _detprof_stats_add_call_site (built, 1, 2, "dir/file1.c", 12, 3, 3, 0.5, 0.5);
  detprof_stats_set_info (built, "timer", "cpu");
  _detprof_stats_finish (built);

  bytes = detprof_stats_to_bytes (built);
  loaded = detprof_stats_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (_detprof_stats_get_n_keys (loaded), ==, _detprof_stats_get_n_keys (built));
  for (i = 0; i < _detprof_stats_get_n_keys (built); i++)
    {
      const DetprofFunctionStats *x = detprof_stats_get_function (built, i);
      const DetprofFunctionStats *y = detprof_stats_get_function (loaded, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->nc, ==, y->nc);
      g_assert_cmpuint (x->n_callers, ==, y->n_callers);
      for (j = 0; j < x->n_callers; j++)
        {
          g_assert_cmpuint (x->callers[j].caller, ==, y->callers[j].caller);
          g_assert_cmpint (x->callers[j].nc, ==, y->callers[j].nc);
          g_assert_cmpfloat (x->callers[j].ct.value, ==, y->callers[j].ct.value);
        }
    }
  g_assert_cmpuint (detprof_stats_get_n_call_sites (loaded), ==, 1);
  g_assert_cmpstr (detprof_stats_get_info (loaded, "timer"), ==, "cpu");
}

/* The dict {"a.py", 1, "f"): (1, 1, 1.0, 1.0, {})}, then an extra object
 * whose version is written by @put_version: its fields in another order
 * than detprof writes them, shared objects, a list of call sites. */
static GByteArray *
make_dump_with_extra (void (*put_version) (GByteArray *out))
{
  GByteArray *dump = g_byte_array_new ();

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, 0, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_byte (dump, '0');

  put_byte (dump, '{');
  put_str (dump, 0, "call_sites");
  put_byte (dump, '[');
  put_uint32 (dump, 2);
  put_tuple (dump, REF, 8);                        /* ref 0 */
  put_key (dump, REF, "a.py", 9, "main");          /* ref 1 */
  put_ref (dump, 1);
  put_str (dump, REF, "a.py");                     /* ref 2 */
  put_int (dump, 0, 12);
  put_int (dump, 0, 2);
  put_int (dump, 0, 2);
  put_float (dump, 0, 0.5);
  put_float (dump, 0, 0.5);
  put_ref (dump, 0);                               /* the same site again */
  put_str (dump, 0, "info");
  put_byte (dump, '{');
  put_str (dump, 0, "timer");
  put_ref (dump, 2);
  put_byte (dump, '0');
  put_str (dump, 0, "detprof");
  put_version (dump);
  put_byte (dump, '0');
  return dump;
}

static void
put_version_1 (GByteArray *out)
{
  put_int (out, 0, 1);
}

static void
put_version_2 (GByteArray *out)
{
  put_int (out, 0, 2);
}

static void
put_version_true (GByteArray *out)
{
  put_byte (out, 'T');
}

/* The extra object means what it says whatever the order of its fields,
 * and with shared objects; a version we do not know is left unread, and
 * one that is not an int is an error. */
static void
test_extra_object (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_extra (put_version_1);
  g_autoptr(GByteArray) newer = make_dump_with_extra (put_version_2);
  g_autoptr(GByteArray) bad = make_dump_with_extra (put_version_true);
  g_autoptr(DetprofStats) stats = load (dump);
  g_autoptr(DetprofStats) newer_stats = load (newer);
  g_autofree char *message = NULL;
  const DetprofCallSiteStats *site;

  g_assert_cmpstr (detprof_stats_get_info (stats, "timer"), ==, "a.py");
  g_assert_cmpuint (detprof_stats_get_n_call_sites (stats), ==, 1);
  site = detprof_stats_get_call_site (stats, 0);
  g_assert_cmpstr (detprof_stats_get_function (stats, site->caller)->name, ==, "main");
  g_assert_cmpstr (detprof_stats_get_function (stats, site->callee)->name, ==, "main");
  g_assert_cmpint (site->line, ==, 12);
  g_assert_cmpint (site->nc, ==, 4);
  g_assert_cmpfloat (site->ct, ==, 1.0);

  g_assert_null (detprof_stats_get_info (newer_stats, "timer"));
  g_assert_cmpuint (detprof_stats_get_n_call_sites (newer_stats), ==, 0);

  message = load_error (bad->data, bad->len);
  g_assert_cmpstr (message, ==, "detprof's extra data (from byte 50): "
                   "expected an int as format version, found a bool");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  guint i;

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The one reader of stats dumps reads every dump Python writes as Python does, and "
                  "detprof's extra object, and refuses the rest with a message that names the byte.");

  dir_path = g_test_build_filename (G_TEST_DIST, "marshal-fixtures", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".expected"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".expected")));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_strconcat ("/stats-read/python/as-python-reads-it/", name, NULL);
      g_autofree char *cut_path = g_strconcat ("/stats-read/python/every-truncation/", name, NULL);

      g_test_add_data_func (path, name, test_python_fixture);
      g_test_add_data_func (cut_path, name, test_python_fixture_truncated);
    }
  g_test_add_func ("/stats-read/python/stats-fixtures-load", test_stats_fixtures);
  g_test_add_func ("/stats-read/python/pipe-loads-as-file", test_pipe_loads_as_file);
  g_test_add_func ("/stats-read/refs/to-strs-ints-floats-and-keys-are-followed", test_references);
  g_test_add_func ("/stats-read/refs/to-arcs-rows-and-callers-are-read-again",
                   test_references_to_arcs_rows_and_callers);
  g_test_add_func ("/stats-read/refs/into-code-objects", test_code_objects);
  g_test_add_func ("/stats-read/refs/to-an-unfinished-key-is-rejected", test_reference_to_unfinished_key);
  g_test_add_func ("/stats-read/dict/repeated-keys-replace-in-place", test_repeated_keys);
  g_test_add_func ("/stats-read/encodings/rare-ones", test_rare_encodings);
  g_test_add_func ("/stats-read/errors/bytes-before-dict", test_errors_bytes_first);
  g_test_add_func ("/stats-read/errors/every-truncation-fails-cleanly", test_every_truncation);
  g_test_add_func ("/stats-read/errors/huge-size-fails-before-allocating", test_huge_sizes);
  g_test_add_func ("/stats-read/extra/big-detprof-dump-loads-the-same", test_big_table_with_extra_object);
  g_test_add_func ("/stats-read/extra/any-order-shared-objects-versions", test_extra_object);

  return g_test_run ();
}
