/* test-marshal.c: the marshal format against Python: the writer
 * (detprof-marshal.c), and the reader of dumps (detprof-stats-read.c),
 * which is the one reader of the format.
 *
 * The reference is Python itself: the dumps annotated in pstats-format.md
 * (b.7, b.8, b.9), and what Python reads of what we write. Values and the
 * tables read back print in the same canonical text (render_value () here,
 * test_render_table () in test-util.c, render () in
 * tests/marshal-fixtures/make-fixtures.py), so one string comparison
 * checks a whole dump. Python's own fixtures are read in test-stats-read.c.
 *
 * The rest is hostile input: every malformed dump must fail with
 * DETPROF_ERROR_CORRUPT and a message that names the right byte. The
 * reader reads a dump's whole first object before it says what is wrong
 * with the dict, so any malformed object, dict or not, gives the error of
 * its bytes.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"
#include "detprof-stats-read-private.h"
#include "test-util.h"

/* pstats-format.md b.7: a cProfile dump with references, 242 bytes. */
static const char spec_cprofile_dump[] =
  "\xfb\x29\x03\xfa\x07\x64\x65\x6d\x6f\x2e\x70\x79\xe9\x04\x00\x00"
  "\x00\xda\x04\x6d\x61\x69\x6e\x29\x05\xe9\x01\x00\x00\x00\x72\x04"
  "\x00\x00\x00\x67\x00\x00\x00\x00\x00\x00\xe0\x3f\x67\x00\x00\x00"
  "\x00\x00\x00\xf4\x3f\x7b\x30\x29\x03\xfa\x01\x7e\xe9\x00\x00\x00"
  "\x00\xfa\x30\x3c\x6d\x65\x74\x68\x6f\x64\x20\x27\x64\x69\x73\x61"
  "\x62\x6c\x65\x27\x20\x6f\x66\x20\x27\x5f\x6c\x73\x70\x72\x6f\x66"
  "\x2e\x50\x72\x6f\x66\x69\x6c\x65\x72\x27\x20\x6f\x62\x6a\x65\x63"
  "\x74\x73\x3e\x29\x05\x72\x04\x00\x00\x00\x72\x04\x00\x00\x00\x67"
  "\x00\x00\x00\x00\x00\x00\x00\x00\x67\x00\x00\x00\x00\x00\x00\x00"
  "\x00\x7b\x30\x29\x03\x72\x01\x00\x00\x00\xe9\x02\x00\x00\x00\xda"
  "\x01\x66\x29\x05\x72\x04\x00\x00\x00\x72\x04\x00\x00\x00\x67\x00"
  "\x00\x00\x00\x00\x00\xe8\x3f\x67\x00\x00\x00\x00\x00\x00\xe8\x3f"
  "\x7b\x29\x03\x72\x01\x00\x00\x00\x72\x02\x00\x00\x00\x72\x03\x00"
  "\x00\x00\x29\x04\x72\x04\x00\x00\x00\x72\x04\x00\x00\x00\x67\x00"
  "\x00\x00\x00\x00\x00\xe8\x3f\x67\x00\x00\x00\x00\x00\x00\xe8\x3f"
  "\x30\x30";

/* pstats-format.md b.8: the first 112 of the 379 bytes of a profile.py dump. */
static const char spec_profile_dump_start[] =
  "\xfb\xa9\x03\xda\x07\x70\x72\x6f\x66\x69\x6c\x65\xe9\x00\x00\x00"
  "\x00\xda\x08\x70\x72\x6f\x66\x69\x6c\x65\x72\x29\x05\x72\x03\x00"
  "\x00\x00\x72\x03\x00\x00\x00\x72\x03\x00\x00\x00\x72\x03\x00\x00"
  "\x00\x7b\x30\xa9\x03\x72\x02\x00\x00\x00\x72\x03\x00\x00\x00\xfa"
  "\x06\x6d\x61\x69\x6e\x28\x29\x29\x05\xe9\x01\x00\x00\x00\x72\x07"
  "\x00\x00\x00\x72\x03\x00\x00\x00\xe9\x05\x00\x00\x00\x7b\x72\x01"
  "\x00\x00\x00\x72\x07\x00\x00\x00\x30\xa9\x03\xda\x00\x72\x03\x00";

/* pstats-format.md b.9: the version-2 writer example, 195 bytes. */
static const char spec_writer_example[] =
  "\x7b\x28\x03\x00\x00\x00\x75\x07\x00\x00\x00\x64\x65\x6d\x6f\x2e"
  "\x70\x79\x69\x04\x00\x00\x00\x75\x04\x00\x00\x00\x6d\x61\x69\x6e"
  "\x28\x05\x00\x00\x00\x69\x01\x00\x00\x00\x69\x01\x00\x00\x00\x67"
  "\x00\x00\x00\x00\x00\x00\xe0\x3f\x67\x00\x00\x00\x00\x00\x00\xf4"
  "\x3f\x7b\x30\x28\x03\x00\x00\x00\x75\x07\x00\x00\x00\x64\x65\x6d"
  "\x6f\x2e\x70\x79\x69\x02\x00\x00\x00\x75\x01\x00\x00\x00\x66\x28"
  "\x05\x00\x00\x00\x69\x01\x00\x00\x00\x69\x01\x00\x00\x00\x67\x00"
  "\x00\x00\x00\x00\x00\xe8\x3f\x67\x00\x00\x00\x00\x00\x00\xe8\x3f"
  "\x7b\x28\x03\x00\x00\x00\x75\x07\x00\x00\x00\x64\x65\x6d\x6f\x2e"
  "\x70\x79\x69\x04\x00\x00\x00\x75\x04\x00\x00\x00\x6d\x61\x69\x6e"
  "\x28\x04\x00\x00\x00\x69\x01\x00\x00\x00\x69\x01\x00\x00\x00\x67"
  "\x00\x00\x00\x00\x00\x00\xe8\x3f\x67\x00\x00\x00\x00\x00\x00\xe8"
  "\x3f\x30\x30";

/* What b.7 says the dump loads as, in the canonical text. */
static const char spec_cprofile_text[] =
  "{('demo.py', 4, 'main'): (1, 1, f:3fe0000000000000, f:3ff4000000000000, {}), "
  "('~', 0, '<method \\x27disable\\x27 of \\x27_lsprof.Profiler\\x27 objects>'): "
  "(1, 1, f:0000000000000000, f:0000000000000000, {}), "
  "('demo.py', 2, 'f'): (1, 1, f:3fe8000000000000, f:3fe8000000000000, "
  "{('demo.py', 4, 'main'): (1, 1, f:3fe8000000000000, f:3fe8000000000000)})}";

/* Canonical text */

static void
render_text (GString    *out,
             const char *data,
             gsize       len)
{
  gsize i;

  g_string_append_c (out, '\'');
  for (i = 0; i < len; i++)
    {
      guint8 c = (guint8) data[i];

      if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\')
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  g_string_append_c (out, '\'');
}

static void
render_float (GString *out,
              double   f)
{
  guint64 bits;

  memcpy (&bits, &f, sizeof bits);
  g_string_append_printf (out, "%016" G_GINT64_MODIFIER "x", bits);
}

static void render_value (GString                   *out,
                          const DetprofMarshalValue *value);

static void
render_items (GString                    *out,
              DetprofMarshalValue *const *items,
              gsize                       n)
{
  gsize i;

  for (i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      render_value (out, items[i]);
    }
}

/* The same text as render () in make-fixtures.py. */
static void
render_value (GString                   *out,
              const DetprofMarshalValue *value)
{
  gsize i;

  switch (value->type)
    {
    case DETPROF_MARSHAL_NONE:
      g_string_append (out, "None");
      break;
    case DETPROF_MARSHAL_BOOL:
      g_string_append (out, value->u.b ? "True" : "False");
      break;
    case DETPROF_MARSHAL_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->u.i);
      break;
    case DETPROF_MARSHAL_FLOAT:
      g_string_append (out, "f:");
      render_float (out, value->u.f);
      break;
    case DETPROF_MARSHAL_COMPLEX:
      g_string_append (out, "c:");
      render_float (out, value->u.c.real);
      g_string_append (out, ":");
      render_float (out, value->u.c.imag);
      break;
    case DETPROF_MARSHAL_STR:
      render_text (out, value->u.s.data, value->u.s.len);
      break;
    case DETPROF_MARSHAL_BYTES:
      g_string_append_c (out, 'b');
      render_text (out, value->u.s.data, value->u.s.len);
      break;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
      g_string_append_c (out, value->type == DETPROF_MARSHAL_TUPLE ? '(' : '[');
      render_items (out, value->u.seq.items, value->u.seq.n);
      g_string_append_c (out, value->type == DETPROF_MARSHAL_TUPLE ? ')' : ']');
      break;
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
      g_string_append_printf (out, "<%s %" G_GSIZE_FORMAT ">",
                              value->type == DETPROF_MARSHAL_SET ? "set" : "frozenset",
                              value->u.seq.n);
      break;
    case DETPROF_MARSHAL_DICT:
      g_string_append_c (out, '{');
      for (i = 0; i < value->u.dict.n; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          render_value (out, value->u.dict.keys[i]);
          g_string_append (out, ": ");
          render_value (out, value->u.dict.values[i]);
        }
      g_string_append_c (out, '}');
      break;
    case DETPROF_MARSHAL_CODE:
      g_string_append (out, "<code ");
      render_text (out, value->u.code.name, strlen (value->u.code.name));
      g_string_append_c (out, ' ');
      render_text (out, value->u.code.file, strlen (value->u.code.file));
      g_string_append_printf (out, " %" G_GINT64_FORMAT ">", value->u.code.first_line);
      break;
    case DETPROF_MARSHAL_ELLIPSIS:
      g_string_append (out, "...");
      break;
    case DETPROF_MARSHAL_STOPITER:
      g_string_append (out, "StopIteration");
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
render (const DetprofMarshalValue *value)
{
  GString *out = g_string_new (NULL);

  render_value (out, value);
  return g_string_free (out, FALSE);
}

/* Helpers */

/* Reads a whole, valid dump and checks that its dict used every byte. */
static DetprofStats *
read_all (const void *data,
          gsize       len)
{
  g_autoptr(GError) error = NULL;
  DetprofStats *stats = detprof_stats_new ();
  gsize consumed = 0;

  g_assert_true (_detprof_stats_read (stats, data, len, &consumed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, len);
  return stats;
}

/* Reads @data, which must fail; returns the message. */
static char *
read_error (const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  gsize consumed = 12345;

  g_assert_false (_detprof_stats_read (stats, data, len, &consumed, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  g_assert_cmpuint (consumed, ==, 12345);
  return g_strdup (error->message);
}

/* Checks that reading fails as corrupt at byte @at, with @what in the message. */
static void
assert_corrupt (const void *data,
                gsize       len,
                gsize       at,
                const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autofree char *prefix = g_strdup_printf ("at byte %" G_GSIZE_FORMAT ": ", at);
  gsize consumed = 12345;

  g_assert_false (_detprof_stats_read (stats, data, len, &consumed, &error));
  g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
  /* On a mismatch, compare with a pattern, which shows both messages. */
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, what) == NULL)
    {
      g_autofree char *pattern = g_strconcat (prefix, "...", what, "...", NULL);

      g_assert_cmpstr (error->message, ==, pattern);
    }
  g_assert_cmpuint (consumed, ==, 12345);
}

static GBytes *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "marshal-fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static DetprofMarshalValue *
new_key (const char *file,
         gint64      line,
         const char *name)
{
  DetprofMarshalValue *key = _detprof_marshal_value_new_tuple (3);

  key->u.seq.items[0] = _detprof_marshal_value_new_str (file);
  key->u.seq.items[1] = _detprof_marshal_value_new_int (line);
  key->u.seq.items[2] = _detprof_marshal_value_new_str (name);
  return key;
}

/* A tuple of two ints, then two floats, then @callers if not NULL. */
static DetprofMarshalValue *
new_numbers (gint64               a,
             gint64               b,
             double               c,
             double               d,
             DetprofMarshalValue *callers)
{
  DetprofMarshalValue *tuple = _detprof_marshal_value_new_tuple (callers != NULL ? 5 : 4);

  tuple->u.seq.items[0] = _detprof_marshal_value_new_int (a);
  tuple->u.seq.items[1] = _detprof_marshal_value_new_int (b);
  tuple->u.seq.items[2] = _detprof_marshal_value_new_float (c);
  tuple->u.seq.items[3] = _detprof_marshal_value_new_float (d);
  if (callers != NULL)
    tuple->u.seq.items[4] = callers;
  return tuple;
}

/* The stats of pstats-format.md b.9. */
static DetprofMarshalValue *
new_spec_stats (void)
{
  DetprofMarshalValue *stats = _detprof_marshal_value_new_dict ();
  DetprofMarshalValue *callers = _detprof_marshal_value_new_dict ();

  _detprof_marshal_dict_append (stats, new_key ("demo.py", 4, "main"),
                                new_numbers (1, 1, 0.5, 1.25, _detprof_marshal_value_new_dict ()));
  _detprof_marshal_dict_append (callers, new_key ("demo.py", 4, "main"),
                                new_numbers (1, 1, 0.75, 0.75, NULL));
  _detprof_marshal_dict_append (stats, new_key ("demo.py", 2, "f"),
                                new_numbers (1, 1, 0.75, 0.75, callers));
  return stats;
}

/* A value of every type the writer can write, in a list. */
static DetprofMarshalValue *
new_every_writable (void)
{
  static const gint64 ints[] = {
    0, 1, -1, G_MAXINT32, G_MININT32, (gint64) G_MAXINT32 + 1, (gint64) G_MININT32 - 1,
    G_GINT64_CONSTANT (1) << 40, G_MAXINT64, G_MININT64,
  };
  DetprofMarshalValue *list = _detprof_marshal_value_new_tuple (G_N_ELEMENTS (ints) + 8);
  DetprofMarshalValue **items = list->u.seq.items;
  gsize i, n = 0;

  list->type = DETPROF_MARSHAL_LIST;
  for (i = 0; i < G_N_ELEMENTS (ints); i++)
    items[n++] = _detprof_marshal_value_new_int (ints[i]);
  items[n++] = _detprof_marshal_value_new_float (-0.0);
  items[n++] = _detprof_marshal_value_new_float (1e300);
  items[n++] = _detprof_marshal_value_new_str ("caf\xc3\xa9 \xf0\x9f\x98\x80");
  items[n++] = _detprof_marshal_value_new_tuple (0);
  items[n++] = new_spec_stats ();
  items[n] = _detprof_marshal_value_new_str ("");
  items[n]->type = DETPROF_MARSHAL_BYTES;
  g_free (items[n]->u.s.data);
  items[n]->u.s.data = g_memdup2 ("bytes\0more", 11);
  items[n++]->u.s.len = 10;   /* the NUL and what follows it are data */
  items[n] = _detprof_marshal_value_new_int (0);
  items[n++]->type = DETPROF_MARSHAL_NONE;
  items[n] = _detprof_marshal_value_new_int (0);
  items[n]->type = DETPROF_MARSHAL_BOOL;
  items[n++]->u.b = TRUE;
  g_assert_cmpuint (n, ==, list->u.seq.n);
  return list;
}

static GBytes *
write_value (const DetprofMarshalValue *value)
{
  GByteArray *out = g_byte_array_new ();

  _detprof_marshal_write (out, value);
  return g_byte_array_free_to_bytes (out);
}

/* (a, b, c, d, callers) of ints, or, where @times, of ints and times. */
static DetprofMarshalValue *
new_int_numbers (gint64               a,
                 gint64               b,
                 DetprofMarshalValue *c,
                 DetprofMarshalValue *d,
                 DetprofMarshalValue *callers)
{
  DetprofMarshalValue *tuple = _detprof_marshal_value_new_tuple (callers != NULL ? 5 : 4);

  tuple->u.seq.items[0] = _detprof_marshal_value_new_int (a);
  tuple->u.seq.items[1] = _detprof_marshal_value_new_int (b);
  tuple->u.seq.items[2] = c;
  tuple->u.seq.items[3] = d;
  if (callers != NULL)
    tuple->u.seq.items[4] = callers;
  return tuple;
}

/* The dict of make-fixtures.py's crafted dumps: the ends of every int
 * range, int and float times, -0.0, inf, a 300-character name, a file name
 * beyond the BMP, a caller with no row, both kinds of arc. */
static DetprofMarshalValue *
new_crafted_stats (void)
{
  DetprofMarshalValue *stats = _detprof_marshal_value_new_dict ();
  DetprofMarshalValue *callers = _detprof_marshal_value_new_dict ();
  DetprofMarshalValue *max_callers = _detprof_marshal_value_new_dict ();
  g_autofree char *long_name = g_strnfill (300, 'x');

  _detprof_marshal_dict_append (callers, new_key ("x.py", G_MININT64, "y"),
                                new_int_numbers ((gint64) G_MAXINT32 + 1, (gint64) G_MININT32 - 1,
                                                 _detprof_marshal_value_new_float (1e300),
                                                 _detprof_marshal_value_new_float (INFINITY), NULL));
  _detprof_marshal_dict_append (stats, new_key ("big.py", (gint64) G_MAXINT32 + 1, "counts"),
                                new_int_numbers (G_GINT64_CONSTANT (1) << 40, G_MAXINT64,
                                                 _detprof_marshal_value_new_float (0.5),
                                                 _detprof_marshal_value_new_float (-0.0), callers));
  _detprof_marshal_dict_append (max_callers, new_key ("big.py", (gint64) G_MAXINT32 + 1, "counts"),
                                _detprof_marshal_value_new_int (1));
  _detprof_marshal_dict_append (stats, new_key ("", 0, "max"),
                                new_int_numbers (1, 1, _detprof_marshal_value_new_int (0),
                                                 _detprof_marshal_value_new_int (0), max_callers));
  _detprof_marshal_dict_append (stats, new_key ("\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80.py", 1, long_name),
                                new_int_numbers (0, 0, _detprof_marshal_value_new_float (0.0),
                                                 _detprof_marshal_value_new_float (0.0),
                                                 _detprof_marshal_value_new_dict ()));
  return stats;
}

/* The bytes of {("a.py", 1, "f"): VALUE}, the dict of one function whose
 * value is the @len bytes at @value. */
static GByteArray *
new_dump_with_value (const void *value,
                     gsize       len)
{
  GByteArray *dump = g_byte_array_new ();

  g_byte_array_append (dump, (const guint8 *) "{)\x03z\x04" "a.pyi\x01\x00\x00\x00z\x01" "f", 17);
  g_byte_array_append (dump, value, (guint) len);
  g_byte_array_append (dump, (const guint8 *) "0", 1);
  return dump;
}

/* The row of a dump of one function whose internal time is the @len
 * bytes at @time, and whose name is the @name_len bytes at @name. */
static DetprofStats *
read_row_with (const void *time,
               gsize       len,
               const void *name,
               gsize       name_len)
{
  g_autoptr(GByteArray) dump = g_byte_array_new ();

  g_byte_array_append (dump, (const guint8 *) "{)\x03z\x04" "a.pyi\x01\x00\x00\x00", 14);
  g_byte_array_append (dump, name, (guint) name_len);
  g_byte_array_append (dump, (const guint8 *) ")\x05i\x01\x00\x00\x00i\x01\x00\x00\x00", 12);
  g_byte_array_append (dump, time, (guint) len);
  g_byte_array_append (dump, (const guint8 *) "i\x00\x00\x00\x00{00", 8);
  return read_all (dump->data, dump->len);
}

/* Writing */

/* The writer produces the b.9 example byte for byte. */
static void
test_write_spec_example (void)
{
  g_autoptr(DetprofMarshalValue) stats = new_spec_stats ();
  g_autoptr(GBytes) bytes = write_value (stats);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, spec_writer_example, sizeof spec_writer_example - 1);
}

/* Ints take 'i' exactly in the int32 range and 'l' beyond, as Python writes them. */
static void
test_write_int_boundaries (void)
{
  static const struct
  {
    gint64      value;
    const char *bytes;
    gsize       len;
  } cases[] = {
    { G_MAXINT32, "i\xff\xff\xff\x7f", 5 },
    { G_MININT32, "i\x00\x00\x00\x80", 5 },
    { (gint64) G_MAXINT32 + 1, "l\x03\x00\x00\x00\x00\x00\x00\x00\x02\x00", 11 },
    { (gint64) G_MININT32 - 1, "l\xfd\xff\xff\xff\x01\x00\x00\x00\x02\x00", 11 },
    { G_MAXINT64, "l\x05\x00\x00\x00\xff\x7f\xff\x7f\xff\x7f\xff\x7f\x07\x00", 15 },
    { G_MININT64, "l\xfb\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00", 15 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DetprofMarshalValue) value = _detprof_marshal_value_new_int (cases[i].value);
      g_autoptr(GBytes) bytes = write_value (value);
      g_autoptr(DetprofStats) back = NULL;
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      g_assert_cmpmem (data, len, cases[i].bytes, cases[i].len);
      back = read_row_with (data, len, "z\x01" "f", 3);
      g_assert_true (detprof_stats_get_function (back, 0)->tt.is_int);
      g_assert_cmpfloat (detprof_stats_get_function (back, 0)->tt.value, ==, (double) cases[i].value);
    }
}

/* Whatever stats dict the writer writes, the reader reads back as the same
 * dict; the table it makes, written by the stats writer (which refers to
 * keys and file names it wrote before), reads back as the same dict too. */
static void
test_write_round_trip (void)
{
  g_autoptr(DetprofMarshalValue) value = new_crafted_stats ();
  g_autoptr(GBytes) bytes = write_value (value);
  g_autoptr(DetprofStats) back = NULL;
  g_autoptr(DetprofStats) back_again = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *text = render (value);
  g_autofree char *back_text = NULL;
  g_autofree char *again_text = NULL;
  gsize len = 0, again_len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const guint8 *again_data;

  back = read_all (data, len);
  back_text = test_render_table (back);
  g_assert_cmpstr (back_text, ==, text);
  again = detprof_stats_to_bytes (back);
  again_data = g_bytes_get_data (again, &again_len);
  back_again = read_all (again_data, again_len);
  again_text = test_render_table (back_again);
  g_assert_cmpstr (again_text, ==, text);
}

/* Python agrees that what we write is exactly marshal.dumps (obj, 2). */
static void
test_write_python_agrees (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(DetprofMarshalValue) value = new_every_writable ();
  g_autoptr(DetprofMarshalValue) crafted = new_crafted_stats ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *standard_error = NULL;
  const char *argv[] = { NULL, "-c",
    "import marshal, sys\n"
    "for path in sys.argv[1:]:\n"
    "    data = open(path, 'rb').read()\n"
    "    if marshal.dumps(marshal.loads(data), 2) != data:\n"
    "        sys.exit('differs: ' + path)\n",
    NULL, NULL, NULL };
  int fd, status = -1;
  gsize i;

  if (python == NULL)
    {
      g_test_skip ("python3 is not in PATH: cannot check the writer against Python");
      return;
    }

  /* A file of the writable values, then the dict of the crafted fixtures. */
  for (i = 0; i < 2; i++)
    {
      bytes = write_value (i == 0 ? value : crafted);
      fd = g_file_open_tmp ("test-marshal-XXXXXX", &path, &error);
      g_assert_no_error (error);
      g_close (fd, NULL);
      g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      argv[0] = python;
      argv[3] = path;
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, &standard_error, &status, &error);
      g_assert_no_error (error);
      g_unlink (path);
      g_assert_cmpstr (standard_error, ==, "");
      g_spawn_check_wait_status (status, &error);
      g_assert_no_error (error);
      g_clear_pointer (&bytes, g_bytes_unref);
      g_clear_pointer (&path, g_free);
      g_clear_pointer (&standard_error, g_free);
    }
}

/* Reading: the annotated dumps */

/* The b.7 cProfile dump loads as b.7 says, its references followed. */
static void
test_read_spec_cprofile (void)
{
  g_autoptr(DetprofStats) stats = NULL;
  g_autofree char *text = NULL;

  stats = read_all (spec_cprofile_dump, sizeof spec_cprofile_dump - 1);
  text = test_render_table (stats);
  g_assert_cmpstr (text, ==, spec_cprofile_text);
}

/* The b.8 profile.py dump, with flagged key tuples used again by reference. */
static void
test_read_spec_profile (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("spec-b8-profile.prof");
  g_autoptr(DetprofStats) stats = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const DetprofFunctionStats *command, *main_function;

  g_assert_cmpuint (len, ==, 379);
  g_assert_cmpmem (data, sizeof spec_profile_dump_start - 1,
                   spec_profile_dump_start, sizeof spec_profile_dump_start - 1);

  stats = read_all (data, len);
  g_assert_cmpuint (detprof_stats_get_n_functions (stats), ==, 7);

  /* The caller of "main()" is the root key, by reference. */
  command = detprof_stats_get_function (stats, 1);
  g_assert_cmpuint (command->n_callers, ==, 1);
  g_assert_cmpuint (command->callers[0].caller, ==, 0);
  g_assert_cmpint (command->callers[0].style, ==, DETPROF_CALLER_COUNT);
  g_assert_cmpint (command->callers[0].nc, ==, 1);

  /* demo.py:4(main) = (1, 1, 2, 5, ...): the times are ints. */
  main_function = detprof_stats_get_function (stats, 4);
  g_assert_cmpstr (main_function->name, ==, "main");
  g_assert_true (main_function->tt.is_int);
  g_assert_cmpfloat (main_function->tt.value, ==, 2);
  g_assert_cmpfloat (main_function->ct.value, ==, 5);
}

/* The b.7 dump, cut at every byte, fails cleanly every time. */
static void
test_read_spec_truncated (void)
{
  gsize cut;

  for (cut = 1; cut < sizeof spec_cprofile_dump - 1; cut++)
    {
      g_autofree char *message = read_error (spec_cprofile_dump, cut);

      g_assert_nonnull (strstr (message, "truncated"));
    }
}

/* Reading: each form */

/* The reader stops after the dict: a second object may follow it. */
static void
test_read_second_object_follows (void)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(DetprofStats) stats = detprof_stats_new ();
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;

  g_byte_array_append (data, (const guint8 *) spec_writer_example, 195);
  g_byte_array_append (data, (const guint8 *) "N", 1);
  g_assert_true (_detprof_stats_read (stats, data->data, data->len, &consumed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, 195);
}

/* Each type code a dump can hold reads as Python reads it: numbers as a
 * time, strs as a name, and the rest, which a stats dict cannot hold,
 * well enough to say what they are where a row's tuple should be. */
static void
test_read_every_form (void)
{
  static const struct
  {
    const char *bytes;
    gsize       len;
    const char *text;
  } numbers[] = {
    { "i\xfe\xff\xff\xff", 5, "-2" },
    { "I\x00\x00\x00\x00\x01\x00\x00\x00", 9, "4294967296" },
    { "l\x00\x00\x00\x00", 5, "0" },
    { "l\xfe\xff\xff\xff\x00\x00\x01\x00", 9, "-32768" },
    { "T", 1, "1" },
    { "g\x00\x00\x00\x00\x00\x00\xf8\x3f", 9, "f:3ff8000000000000" },
    { "f\x04-1.5", 6, "f:bff8000000000000" },
    { "f\x03inf", 5, "f:7ff0000000000000" },
  }, strs[] = {
    { "u\x05\x00\x00\x00" "caf\xc3\xa9", 10, "caf\xc3\xa9" },
    { "t\x01\x00\x00\x00\x00", 6, "" },     /* the table cuts a name at NUL */
    { "a\x02\x00\x00\x00" "ab", 7, "ab" },
    { "A\x00\x00\x00\x00", 5, "" },
    { "z\x01x", 3, "x" },
    { "Z\x02yz", 4, "yz" },
    /* Python reads ASCII types as Latin-1; we keep UTF-8. */
    { "z\x01\xe9", 3, "\xc3\xa9" },
    /* A lone surrogate (surrogatepass) becomes U+FFFD. */
    { "u\x03\x00\x00\x00\xed\xa0\x80", 8, "\xef\xbf\xbd" },
  }, others[] = {
    { ")\x02NN", 4, "a 2-tuple" },
    { "(\x01\x00\x00\x00T", 6, "a 1-tuple" },
    { "[\x02\x00\x00\x00" "F.", 7, "a list" },
    { "<\x02\x00\x00\x00NS", 7, "a set" },
    { ">\x02\x00\x00\x00Ni\x01\x00\x00\x00", 11, "a frozenset" },
    { "{0", 2, "a dict" },
    { "x\x03" "1.5\x02-0", 8, "a complex" },
    { "y\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40", 17, "a complex" },
    { "s\x03\x00\x00\x00" "a\x00" "b", 8, "bytes" },
    { "N", 1, "None" },
    /* FLAG_REF on a singleton takes no index, as in Python. */
    { ")\x03\xce\xda\x01q\xf2\x00\x00\x00\x00", 11, "a 3-tuple" },
    /* Back-references to completed containers. */
    { ")\x02\xa9\x01Nr\x00\x00\x00\x00", 10, "a 2-tuple" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(DetprofStats) stats = read_row_with (numbers[i].bytes, numbers[i].len, "z\x01" "f", 3);
      g_autoptr(GString) text = g_string_new (NULL);
      DetprofTime tt = detprof_stats_get_function (stats, 0)->tt;
      guint64 bits;

      memcpy (&bits, &tt.value, sizeof bits);
      if (tt.is_int)
        g_string_append_printf (text, "%" G_GINT64_FORMAT, (gint64) tt.value);
      else
        g_string_append_printf (text, "f:%016" G_GINT64_MODIFIER "x", bits);
      g_assert_cmpstr (text->str, ==, numbers[i].text);
    }
  for (i = 0; i < G_N_ELEMENTS (strs); i++)
    {
      g_autoptr(DetprofStats) stats = read_row_with ("i\x00\x00\x00\x00", 5, strs[i].bytes, strs[i].len);

      g_assert_cmpstr (detprof_stats_get_function (stats, 0)->name, ==, strs[i].text);
    }
  for (i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GByteArray) dump = new_dump_with_value (others[i].bytes, others[i].len);
      g_autofree char *message = read_error (dump->data, dump->len);
      g_autofree char *expected = g_strconcat ("entry 1: expected a 5-tuple, found ", others[i].text, NULL);

      g_assert_cmpstr (message, ==, expected);
    }
}

/* FLAG_REF on a singleton takes no index, as in Python: the flagged True
 * line is not slot 0, the flagged name is, and the caller names it. */
static void
test_read_flagged_singleton (void)
{
  static const char dump[] =
    "{)\x03z\x04" "a.py" "\xd4" "\xda\x01" "f"
    ")\x05i\x01\x00\x00\x00i\x01\x00\x00\x00i\x00\x00\x00\x00i\x00\x00\x00\x00"
    "{)\x03z\x04" "a.py" "i\x01\x00\x00\x00" "r\x00\x00\x00\x00" "i\x01\x00\x00\x00" "00";
  g_autoptr(DetprofStats) stats = read_all (dump, sizeof dump - 1);
  const DetprofFunctionStats *function = detprof_stats_get_function (stats, 0);

  g_assert_cmpint (function->line, ==, 1);
  g_assert_cmpstr (function->name, ==, "f");
  g_assert_cmpuint (function->n_callers, ==, 1);
  g_assert_cmpuint (function->callers[0].caller, ==, 0);
}

/* Big ints: the full gint64 range reads, and one more is an error. */
static void
test_read_long_limits (void)
{
  g_autoptr(DetprofStats) max = NULL;
  g_autoptr(DetprofStats) min = NULL;

  max = read_row_with ("l\x05\x00\x00\x00\xff\x7f\xff\x7f\xff\x7f\xff\x7f\x07\x00", 15, "z\x01" "f", 3);
  g_assert_cmpfloat (detprof_stats_get_function (max, 0)->tt.value, ==, (double) G_MAXINT64);
  min = read_row_with ("l\xfb\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00", 15, "z\x01" "f", 3);
  g_assert_cmpfloat (detprof_stats_get_function (min, 0)->tt.value, ==, (double) G_MININT64);
  assert_corrupt ("l\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00", 15,
                  0, "integer too large");
  assert_corrupt (")\x01l\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00",
                  19, 2, "integer too large");
}

/* Code objects in each layout name a key by their name, file and first line. */
static void
test_read_code_layouts (void)
{
  /* Before 3.10, a module starts at its first line of code, after comments. */
  static const struct
  {
    const char *version;
    gint64      first_line;
  } versions[] = {
    { "3.6", 3 }, { "3.7", 3 }, { "3.8", 3 }, { "3.9", 3 },
    { "3.10", 1 }, { "3.11", 1 }, { "3.12", 1 }, { "3.13", 1 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *name = g_strdup_printf ("script-%s.prof", versions[i].version);
      g_autofree char *expected = g_strdup_printf ("<code object <module>, file \"script.py\", line %"
                                                   G_GINT64_FORMAT ">", versions[i].first_line);
      g_autoptr(GBytes) bytes = load_fixture (name);
      g_autoptr(DetprofStats) stats = NULL;

      stats = read_all (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_cmpstr (detprof_stats_get_function (stats, 1)->name, ==, expected);
    }
}

/* Malformed input */

/* Nothing at all is an error at byte 0. */
static void
test_corrupt_empty (void)
{
  assert_corrupt ("", 0, 0, "empty input");
}

/* An unknown code, or '?', is an error at its own byte. */
static void
test_corrupt_unknown_code (void)
{
  assert_corrupt (")\x02N?", 4, 3, "unknown type code 0x3f");
  assert_corrupt ("{N\xff", 3, 2, "unknown type code 0x7f");
}

/* A reference outside the table is an error at the 'r'. */
static void
test_corrupt_bad_ref (void)
{
  assert_corrupt (")\x02\xe9\x01\x00\x00\x00r\x05\x00\x00\x00", 12, 7, "invalid reference 5");
  assert_corrupt (")\x02\xe9\x01\x00\x00\x00r\xff\xff\xff\xff", 12, 7, "invalid reference -1");
  assert_corrupt ("r\x00\x00\x00\x00", 5, 0, "invalid reference 0");
}

/* A container may not refer to itself while it is being built: no cycles. */
static void
test_corrupt_ref_to_unfinished (void)
{
  assert_corrupt ("\xa9\x01r\x00\x00\x00\x00", 7, 2, "invalid reference 0");
  assert_corrupt ("\xfbNr\x00\x00\x00\x00" "0", 8, 2, "invalid reference 0");
  assert_corrupt ("\xdb\x01\x00\x00\x00)\x01r\x00\x00\x00\x00", 12, 7, "invalid reference 0");
}

/* A count far beyond the input fails at once, before any allocation. */
static void
test_corrupt_huge_sizes (void)
{
  static const struct
  {
    char        code;
    const char *what;
  } cases[] = {
    { '(', "tuple of 2147483647 items needs 2147483647, 10 left" },
    { '[', "list of 2147483647 items needs 2147483647, 10 left" },
    { '<', "set of 2147483647 items needs 2147483647, 10 left" },
    { '>', "frozenset of 2147483647 items needs 2147483647, 10 left" },
    { 'u', "string of 2147483647 bytes needs 2147483647, 10 left" },
    { 'a', "string of 2147483647 bytes needs 2147483647, 10 left" },
    { 's', "bytes of 2147483647 bytes needs 2147483647, 10 left" },
    { 'l', "long of 2147483647 digits needs 4294967294, 10 left" },
  };
  guint8 data[15] = { 0, 0xff, 0xff, 0xff, 0x7f, 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N' };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      data[0] = (guint8) cases[i].code;
      assert_corrupt (data, sizeof data, 0, cases[i].what);
    }
  assert_corrupt (")\x05NN", 4, 0, "tuple of 5 items needs 5, 2 left");
  assert_corrupt (")\x02Nz\x09" "abc", 8, 3, "string of 9 bytes needs 9, 3 left");
}

/* A negative size is an error, as in Python. */
static void
test_corrupt_negative_sizes (void)
{
  assert_corrupt ("(\xff\xff\xff\xff", 5, 0, "tuple size -1 out of range");
  assert_corrupt (")\x01u\x00\x00\x00\x80", 7, 2, "string size -2147483648 out of range");
  assert_corrupt ("s\xfe\xff\xff\xff", 5, 0, "bytes size -2 out of range");
  assert_corrupt ("l\x00\x00\x00\x80", 5, 0, "long size out of range");
}

/* Nesting stops at 2000 objects deep, as in Python, without blowing the
 * stack: 1999 levels are well formed (just not a dict), 3000 are not. */
static void
test_corrupt_deep_nesting (void)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autofree char *message = NULL;
  int i;

  for (i = 0; i < 1999; i++)
    g_byte_array_append (data, (const guint8 *) ")\x01", 2);
  g_byte_array_append (data, (const guint8 *) "N", 1);
  message = read_error (data->data, data->len);
  g_assert_cmpstr (message, ==, "expected a dict at the top level, found a 1-tuple");

  g_byte_array_set_size (data, 0);
  for (i = 0; i < 3000; i++)
    g_byte_array_append (data, (const guint8 *) ")\x01", 2);
  g_byte_array_append (data, (const guint8 *) "N", 1);
  assert_corrupt (data->data, data->len, 4000, "nesting deeper than 2000");
}

/* Longs must be normalized and their digits below 2^15. */
static void
test_corrupt_bad_long (void)
{
  assert_corrupt (")\x02Nl\x02\x00\x00\x00\x01\x00\x00\x00", 12, 3, "unnormalized long");
  assert_corrupt ("l\xff\xff\xff\xff\x00\x00", 7, 0, "unnormalized long");
  assert_corrupt ("l\x01\x00\x00\x00\x00\x80", 7, 0, "digit out of range in long");
}

/* Strings that are not UTF-8 (lone surrogates apart) are refused. */
static void
test_corrupt_bad_utf8 (void)
{
  assert_corrupt ("u\x02\x00\x00\x00\xc3\x28", 7, 0, "not valid UTF-8");
  assert_corrupt (")\x01t\x02\x00\x00\x00\xc0\x80", 9, 2, "not valid UTF-8");
  assert_corrupt ("u\x04\x00\x00\x00\xf4\x90\x80\x80", 9, 0, "not valid UTF-8");
  assert_corrupt ("u\x02\x00\x00\x00\xed\xa0", 7, 0, "not valid UTF-8");
}

/* The other ways a dump can be malformed, each at the right byte. */
static void
test_corrupt_misc (void)
{
  assert_corrupt (")\x02N0", 4, 3, "NULL marker '0' outside a dict");
  assert_corrupt ("{NN", 3, 3, "dict without its '0' end marker");
  assert_corrupt ("{N0", 3, 2, "NULL marker");
  assert_corrupt (")\x01" "f\x03" "0x1", 7, 2, "bad float text");
  assert_corrupt ("f\x02 1", 4, 0, "bad float text");
  assert_corrupt ("f\x00", 2, 0, "bad float text");
  assert_corrupt ("g\x00\x00", 3, 0, "truncated: 8-byte field needs 8 bytes, 2 left");
  assert_corrupt ("{N", 2, 2, "truncated: object expected");
  assert_corrupt ("c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                  "\x00\x00\x00\x00\x00\x00\x00\x00NNNNN", 30, 0,
                  "code object field 0 has the wrong type");
  assert_corrupt ("c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                  "\x00\x00\x00\x00s\x00\x00\x00\x00NNNNN", 31, 0,
                  "code object field 1 has the wrong type");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("The marshal format: the writer writes what Python does, byte for byte, and the "
                  "reader takes every form Python writes and fails on every malformed dump with "
                  "DETPROF_ERROR_CORRUPT at the right byte.");

  g_test_add_func ("/marshal/write/spec-example-byte-for-byte", test_write_spec_example);
  g_test_add_func ("/marshal/write/ints-switch-to-long-beyond-int32", test_write_int_boundaries);
  g_test_add_func ("/marshal/write/reads-back-as-the-same-dict", test_write_round_trip);
  g_test_add_func ("/marshal/write/python-writes-the-same-bytes", test_write_python_agrees);
  g_test_add_func ("/marshal/read/spec-cprofile-dump-loads-as-specified", test_read_spec_cprofile);
  g_test_add_func ("/marshal/read/spec-profile-dump-loads-as-specified", test_read_spec_profile);
  g_test_add_func ("/marshal/read/stops-after-one-object", test_read_second_object_follows);
  g_test_add_func ("/marshal/read/every-form-reads-as-python-reads-it", test_read_every_form);
  g_test_add_func ("/marshal/read/flagged-singleton-takes-no-index", test_read_flagged_singleton);
  g_test_add_func ("/marshal/read/longs-hold-the-gint64-range-and-no-more", test_read_long_limits);
  g_test_add_func ("/marshal/read/code-objects-keep-name-file-and-line-in-every-layout", test_read_code_layouts);
  g_test_add_func ("/marshal/corrupt/empty-input-fails-at-byte-0", test_corrupt_empty);
  g_test_add_func ("/marshal/corrupt/every-truncation-fails-cleanly/spec-cprofile-dump", test_read_spec_truncated);
  g_test_add_func ("/marshal/corrupt/unknown-code-fails-at-its-byte", test_corrupt_unknown_code);
  g_test_add_func ("/marshal/corrupt/ref-outside-the-table-fails", test_corrupt_bad_ref);
  g_test_add_func ("/marshal/corrupt/ref-to-unfinished-container-fails", test_corrupt_ref_to_unfinished);
  g_test_add_func ("/marshal/corrupt/huge-sizes-fail-before-allocating", test_corrupt_huge_sizes);
  g_test_add_func ("/marshal/corrupt/negative-sizes-fail", test_corrupt_negative_sizes);
  g_test_add_func ("/marshal/corrupt/deep-nesting-stops-at-2000", test_corrupt_deep_nesting);
  g_test_add_func ("/marshal/corrupt/unnormalized-long-fails", test_corrupt_bad_long);
  g_test_add_func ("/marshal/corrupt/non-utf8-string-fails", test_corrupt_bad_utf8);
  g_test_add_func ("/marshal/corrupt/every-other-malformation-fails-at-its-byte", test_corrupt_misc);

  return g_test_run ();
}
