/* test-stats-load.c: the stream reader of stats dicts (detprof-stats-load.c)
 * against the tree reader (detprof-stats.c), which is the reference.
 *
 * Whenever the stream reader takes a dump, the table must be the one the
 * tree reader makes, to the bit; whatever it declines, the tree reader
 * must still load or reject as before. The dumps are the Python fixtures
 * and hand-made bytes with every kind of reference Python writes.
 */
#include "config.h"

#include <string.h>

#include "detprof-error.h"
#include "detprof-report-private.h"
#include "detprof-stats-load-private.h"
#include "detprof-stats-private.h"

/* ---------------------------------------------------------------------- */
/* Comparing the two readers                                               */

static void
assert_same_time (DetprofTime a,
                  DetprofTime b)
{
  g_assert_cmpmem (&a.value, sizeof a.value, &b.value, sizeof b.value);
  g_assert_cmpint (a.is_int, ==, b.is_int);
}

/* Every key, rows and callers alike, in the same place with the same
 * numbers and arcs. */
static void
assert_same_table (DetprofStats *a,
                   DetprofStats *b)
{
  guint i, j;

  g_assert_cmpuint (detprof_stats_get_n_functions (a), ==, detprof_stats_get_n_functions (b));
  g_assert_cmpuint (_detprof_stats_get_n_keys (a), ==, _detprof_stats_get_n_keys (b));

  for (i = 0; i < _detprof_stats_get_n_keys (a); i++)
    {
      const DetprofFunctionStats *x = detprof_stats_get_function (a, i);
      const DetprofFunctionStats *y = detprof_stats_get_function (b, i);

      g_assert_cmpstr (x->file, ==, y->file);
      g_assert_cmpint (x->line, ==, y->line);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->cc, ==, y->cc);
      g_assert_cmpint (x->nc, ==, y->nc);
      assert_same_time (x->tt, y->tt);
      assert_same_time (x->ct, y->ct);
      g_assert_cmpuint (x->n_callers, ==, y->n_callers);
      for (j = 0; j < x->n_callers; j++)
        {
          g_assert_cmpuint (x->callers[j].caller, ==, y->callers[j].caller);
          g_assert_cmpint (x->callers[j].style, ==, y->callers[j].style);
          g_assert_cmpint (x->callers[j].nc, ==, y->callers[j].nc);
          g_assert_cmpint (x->callers[j].cc, ==, y->callers[j].cc);
          assert_same_time (x->callers[j].tt, y->callers[j].tt);
          assert_same_time (x->callers[j].ct, y->callers[j].ct);
        }
    }
}

/* Reads @data with both readers. Returns the stream reader's table, or
 * NULL if it declined; the tree reader's goes to @tree (NULL if it
 * failed). When the stream reader takes the dump, the tree reader must
 * take it too and agree. */
static DetprofStats *
load_both (const guint8  *data,
           gsize          len,
           DetprofStats **tree)
{
  g_autoptr(DetprofStats) stream = detprof_stats_new ();
  g_autoptr(DetprofStats) reference = detprof_stats_new ();
  g_autoptr(GError) error = NULL;
  gsize stream_consumed = 0, tree_consumed = 0;
  gboolean stream_ok, tree_ok;

  stream_ok = _detprof_stats_load_stream (stream, data, len, &stream_consumed);
  tree_ok = _detprof_stats_load_tree (reference, data, len, &tree_consumed, &error);

  if (stream_ok)
    {
      g_assert_no_error (error);
      g_assert_true (tree_ok);
      g_assert_cmpuint (stream_consumed, ==, tree_consumed);
      assert_same_table (stream, reference);
    }
  else
    {
      /* A declined dump leaves the table as it was. */
      g_assert_cmpuint (_detprof_stats_get_n_keys (stream), ==, 0);
    }

  *tree = tree_ok ? g_steal_pointer (&reference) : NULL;
  return stream_ok ? g_steal_pointer (&stream) : NULL;
}

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
                 gint32      calls,
                 double      tt,
                 double      ct)
{
  put_tuple (out, 0, 5);
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

/* ---------------------------------------------------------------------- */
/* Python's dumps                                                          */

/* Dumps the stream reader leaves to the tree reader: those whose name is
 * a code object (`python -m profile script.py`), and the bad ones. */
static gboolean
is_declined_fixture (const char *name)
{
  return g_str_has_prefix (name, "script") || g_str_has_prefix (name, "bad-")
         || g_str_equal (name, "empty.prof");
}

/* Every Python dump loads the same through both readers, and the stream
 * reader takes all of them but those it is meant to decline. */
static void
test_python_fixtures (void)
{
  const char * const dirs[] = { "marshal-fixtures", "stats-fixtures" };
  guint n_read = 0;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, dirs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *data = NULL;
          g_autoptr(DetprofStats) stream = NULL;
          g_autoptr(DetprofStats) tree = NULL;
          gsize len;

          if (!g_str_has_suffix (name, ".prof"))
            continue;
          g_test_message ("%s/%s", dirs[i], name);
          g_assert_true (g_file_get_contents (path, &data, &len, NULL));
          stream = load_both ((const guint8 *) data, len, &tree);
          g_assert_true ((stream == NULL) == is_declined_fixture (name));
          g_assert_true ((tree == NULL) == (g_str_has_prefix (name, "bad-")
                                            || g_str_equal (name, "empty.prof")));
          n_read++;
        }
    }
  g_assert_cmpuint (n_read, >, 40);
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
  put_row_numbers (out, 2, 0.25, 2.0);
  put_byte (out, '{');
  put_key (out, 0, "b.py", 3, "h");                /* a caller with no row */
  put_int (out, 0, 2);                             /* profile's plain count */
  put_ref (out, 1);
  put_arc (out, 0, 1, 0.125);
  put_byte (out, '0');
  put_byte (out, '0');
  return out;
}

/* Strs, ints, floats and key tuples are found through references, and
 * keys get the tree reader's numbering: rows in dict order, then callers
 * with no row, even when a row's key is first met as a caller. */
static void
test_references (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_references ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = load_both (dump->data, dump->len, &tree);
  const DetprofFunctionStats *f, *g, *h;

  g_assert_nonnull (stream);
  g_assert_cmpuint (detprof_stats_get_n_functions (stream), ==, 2);
  g_assert_cmpuint (_detprof_stats_get_n_keys (stream), ==, 3);

  f = detprof_stats_get_function (stream, 0);
  g = detprof_stats_get_function (stream, 1);
  h = detprof_stats_get_function (stream, 2);
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

/* Python does not share arc tuples, but a hand-made dump may: the stream
 * reader keeps no copy of them, so it leaves such a dump to the tree
 * reader, which loads it. */
static void
test_reference_to_arc (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;
  const DetprofFunctionStats *g;

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_arc (dump, REF, 1, 1.0);                     /* ref 0 */
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 2, "g");
  put_row_numbers (dump, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_ref (dump, 0);
  put_byte (dump, '0');
  put_byte (dump, '0');

  stream = load_both (dump->data, dump->len, &tree);
  g_assert_null (stream);
  g_assert_nonnull (tree);
  g = detprof_stats_get_function (tree, 1);
  g_assert_cmpuint (g->n_callers, ==, 1);
  g_assert_cmpfloat (g->callers[0].tt.value, ==, 1.0);
}

/* A reference to a tuple that is still being read would make a cycle: the
 * stream reader declines it, and the tree reader rejects it. */
static void
test_reference_to_unfinished_key (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) loaded = NULL;

  put_byte (dump, '{');
  put_tuple (dump, REF, 3);                        /* ref 0 */
  put_str (dump, 0, "a.py");
  put_int (dump, 0, 1);
  put_ref (dump, 0);
  put_row_numbers (dump, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_byte (dump, '0');

  stream = load_both (dump->data, dump->len, &tree);
  g_assert_null (stream);
  g_assert_null (tree);

  bytes = g_bytes_new (dump->data, dump->len);
  loaded = detprof_stats_new_from_bytes (bytes, "cycle.prof", &error);
  g_assert_null (loaded);
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, "cycle.prof: at byte "));
  g_assert_nonnull (strstr (error->message, "invalid reference 0"));
}

/* ---------------------------------------------------------------------- */
/* Dict semantics                                                          */

/* A repeated key replaces the earlier value and keeps its place, in the
 * top-level dict and in a callers dict, as in a Python dict. */
static void
test_repeated_keys (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;
  const DetprofFunctionStats *f;

  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 1, "f");
  put_row_numbers (dump, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 9, "main");
  put_arc (dump, 0, 1, 1.0);
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 2, "g");
  put_row_numbers (dump, 1, 1.0, 1.0);
  put_byte (dump, '{');
  put_byte (dump, '0');
  put_key (dump, 0, "a.py", 1, "f");                /* f again */
  put_row_numbers (dump, 5, 3.0, 4.0);
  put_byte (dump, '{');
  put_key (dump, 0, "a.py", 2, "g");
  put_arc (dump, 0, 2, 1.0);
  put_key (dump, 0, "a.py", 8, "other");
  put_arc (dump, 0, 1, 1.0);
  put_key (dump, 0, "a.py", 2, "g");                /* g again, in the same dict */
  put_arc (dump, 0, 3, 2.0);
  put_byte (dump, '0');
  put_byte (dump, '0');

  stream = load_both (dump->data, dump->len, &tree);
  g_assert_nonnull (stream);
  g_assert_cmpuint (detprof_stats_get_n_functions (stream), ==, 2);

  f = detprof_stats_get_function (stream, 0);
  g_assert_cmpstr (f->name, ==, "f");
  g_assert_cmpint (f->nc, ==, 5);
  g_assert_cmpuint (f->n_callers, ==, 2);
  g_assert_cmpuint (f->callers[0].caller, ==, 1);
  g_assert_cmpint (f->callers[0].nc, ==, 3);
  g_assert_cmpstr (detprof_stats_get_function (stream, f->callers[1].caller)->name, ==, "other");
}

/* The encodings Python writes rarely, or never, but reads: big ints,
 * 8-byte ints, floats as text, bools as counts, strs with a lone
 * surrogate, a NUL or Latin-1, all as the tree reader reads them. */
static void
test_rare_encodings (void)
{
  static const guint8 big_int[] = { 'l', 3, 0, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00 };
  static const guint8 int64[] = { 'I', 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
  static const guint8 text_float[] = { 'f', 4, '2', '.', '5', '0' };
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;
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

  stream = load_both (dump->data, dump->len, &tree);
  g_assert_nonnull (stream);
  f = detprof_stats_get_function (stream, 0);
  g_assert_cmpstr (f->file, ==, "s\xef\xbf\xbd.py");
  g_assert_cmpstr (f->name, ==, "caf\xc3\xa9");
  g_assert_cmpint (f->cc, ==, G_GINT64_CONSTANT (1) << 32);
  g_assert_cmpint (f->nc, ==, G_GINT64_CONSTANT (1) << 34);
  g_assert_true (f->ct.is_int);
  g_assert_cmpfloat (f->tt.value, ==, 2.5);
  g_assert_cmpstr (detprof_stats_get_function (stream, 1)->file, ==, "nul");
  g_assert_cmpint (f->callers[0].style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpint (f->callers[0].nc, ==, 1);
}

/* ---------------------------------------------------------------------- */
/* Hostile and big input                                                   */

/* Every cut of a dump is declined, leaves the table empty, and is then an
 * error that names the byte. */
static void
test_every_truncation (void)
{
  g_autoptr(GByteArray) dump = make_dump_with_references ();
  guint len;

  for (len = 0; len < dump->len; len++)
    {
      g_autoptr(DetprofStats) tree = NULL;
      g_autoptr(DetprofStats) stream = load_both (dump->data, len, &tree);
      g_autoptr(GBytes) bytes = g_bytes_new (dump->data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(DetprofStats) loaded = detprof_stats_new_from_bytes (bytes, "cut.prof", &error);

      g_assert_null (stream);
      g_assert_null (loaded);
      g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "cut.prof: at byte "));
    }
}

/* A size larger than what is left is refused before anything is read or
 * allocated from it. */
static void
test_huge_sizes (void)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;

  put_byte (dump, '{');
  put_tuple (dump, 0, 3);
  put_byte (dump, 'u');
  put_uint32 (dump, 0x7fffffff);
  put_byte (dump, '0');

  stream = load_both (dump->data, dump->len, &tree);
  g_assert_null (stream);
  g_assert_null (tree);
}

/* A table big enough to grow every array of the stream reader, written by
 * detprof itself (no references, every key spelled out), with its extra
 * object after the dict. */
static void
test_big_table_with_extra_object (void)
{
  g_autoptr(DetprofStats) built = detprof_stats_new ();
  g_autoptr(DetprofStats) tree = NULL;
  g_autoptr(DetprofStats) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) loaded = NULL;
  const guint8 *data;
  gsize len;
  guint i;

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
  data = g_bytes_get_data (bytes, &len);
  stream = load_both (data, len, &tree);
  g_assert_nonnull (stream);
  assert_same_table (stream, built);

  loaded = detprof_stats_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (detprof_stats_get_n_call_sites (loaded), ==, 1);
  g_assert_cmpstr (detprof_stats_get_info (loaded, "timer"), ==, "cpu");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats-load/python/both-readers-agree-on-every-fixture", test_python_fixtures);
  g_test_add_func ("/stats-load/refs/strs-ints-floats-and-keys", test_references);
  g_test_add_func ("/stats-load/refs/to-an-arc-is-left-to-the-tree", test_reference_to_arc);
  g_test_add_func ("/stats-load/refs/to-an-unfinished-key-is-rejected", test_reference_to_unfinished_key);
  g_test_add_func ("/stats-load/dict/repeated-keys-replace-in-place", test_repeated_keys);
  g_test_add_func ("/stats-load/encodings/rare-ones-read-as-the-tree-does", test_rare_encodings);
  g_test_add_func ("/stats-load/hostile/every-truncation-declined", test_every_truncation);
  g_test_add_func ("/stats-load/hostile/huge-size-declined", test_huge_sizes);
  g_test_add_func ("/stats-load/big/detprof-dump-with-extra-object", test_big_table_with_extra_object);

  return g_test_run ();
}
