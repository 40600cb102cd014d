/* test-marshal.c: the marshal reader and writer against Python.
 *
 * The reference is Python itself: the dumps annotated in pstats-format.md
 * (b.7, b.8, b.9), and fixtures that every Python 3.6-3.13 wrote with
 * cProfile, profile.py and marshal (tests/marshal-fixtures/make-fixtures.py),
 * each with a .expected file holding that Python's own reading of it. Both
 * sides print values in the same canonical text (render_value () here,
 * render () there), so one string comparison checks a whole tree.
 *
 * The rest is hostile input: every malformed dump must fail with
 * DETPROF_ERROR_CORRUPT and a message that names the right byte.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"

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

/* Reads a whole, valid object and checks that it used every byte. */
static DetprofMarshalValue *
read_all (const void *data,
          gsize       len)
{
  g_autoptr(GError) error = NULL;
  DetprofMarshalValue *value;
  gsize consumed = 0;

  value = _detprof_marshal_read (data, len, &consumed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_cmpuint (consumed, ==, len);
  return value;
}

static char *
read_and_render (const void *data,
                 gsize       len)
{
  g_autoptr(DetprofMarshalValue) value = read_all (data, len);

  return render (value);
}

/* Checks that reading fails as corrupt at byte @at, with @what in the message. */
static void
assert_corrupt (const void *data,
                gsize       len,
                gsize       at,
                const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DetprofMarshalValue) value = NULL;
  g_autofree char *prefix = g_strdup_printf ("at byte %" G_GSIZE_FORMAT ": ", at);
  gsize consumed = 12345;

  value = _detprof_marshal_read (data, len, &consumed, &error);
  g_assert_null (value);
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
      g_autoptr(DetprofMarshalValue) back = NULL;
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      g_assert_cmpmem (data, len, cases[i].bytes, cases[i].len);
      back = read_all (data, len);
      g_assert_cmpint (back->type, ==, DETPROF_MARSHAL_INT);
      g_assert_cmpint (back->u.i, ==, cases[i].value);
    }
}

/* Whatever the writer writes, the reader reads back as the same tree. */
static void
test_write_round_trip (void)
{
  g_autoptr(DetprofMarshalValue) value = new_every_writable ();
  g_autoptr(GBytes) bytes = write_value (value);
  g_autoptr(DetprofMarshalValue) back = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *text = render (value);
  g_autofree char *back_text = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  back = read_all (data, len);
  back_text = render (back);
  g_assert_cmpstr (back_text, ==, text);
  again = write_value (back);
  g_assert_true (g_bytes_equal (again, bytes));
}

/* Python agrees that what we write is exactly marshal.dumps (obj, 2). */
static void
test_write_python_agrees (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(DetprofMarshalValue) value = new_every_writable ();
  g_autoptr(GBytes) fixture = load_fixture ("crafted-3.13.prof");
  g_autoptr(DetprofMarshalValue) crafted = NULL;
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

  /* A file of the writable values, then the crafted fixture written back. */
  crafted = _detprof_marshal_read (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture),
                                   NULL, &error);
  g_assert_no_error (error);
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

/* The b.7 cProfile dump loads as b.7 says, and references share one value. */
static void
test_read_spec_cprofile (void)
{
  g_autoptr(DetprofMarshalValue) stats = NULL;
  g_autofree char *text = NULL;
  DetprofMarshalValue *main_numbers, *f_key, *f_callers;

  stats = read_all (spec_cprofile_dump, sizeof spec_cprofile_dump - 1);
  text = render (stats);
  g_assert_cmpstr (text, ==, spec_cprofile_text);

  /* cc (#4) and nc (r 4) are the same int; "demo.py" (#1) is shared by keys. */
  main_numbers = stats->u.dict.values[0];
  g_assert_true (main_numbers->u.seq.items[0] == main_numbers->u.seq.items[1]);
  g_assert_cmpint (main_numbers->u.seq.items[0]->ref_count, >, 1);
  f_key = stats->u.dict.keys[2];
  g_assert_true (f_key->u.seq.items[0] == stats->u.dict.keys[0]->u.seq.items[0]);
  f_callers = stats->u.dict.values[2]->u.seq.items[4];
  g_assert_true (f_callers->u.dict.keys[0]->u.seq.items[2] ==
                 stats->u.dict.keys[0]->u.seq.items[2]);
}

/* The b.8 profile.py dump, with flagged key tuples used again by reference. */
static void
test_read_spec_profile (void)
{
  g_autoptr(GBytes) bytes = load_fixture ("spec-b8-profile.prof");
  g_autoptr(DetprofMarshalValue) stats = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  DetprofMarshalValue *command_callers, *main_numbers;

  g_assert_cmpuint (len, ==, 379);
  g_assert_cmpmem (data, sizeof spec_profile_dump_start - 1,
                   spec_profile_dump_start, sizeof spec_profile_dump_start - 1);

  stats = read_all (data, len);
  g_assert_cmpuint (stats->u.dict.n, ==, 7);

  /* The caller of "main()" is the root key tuple itself, not a copy. */
  command_callers = stats->u.dict.values[1]->u.seq.items[4];
  g_assert_true (command_callers->u.dict.keys[0] == stats->u.dict.keys[0]);
  g_assert_cmpint (command_callers->u.dict.values[0]->u.i, ==, 1);

  /* demo.py:4(main) = (1, 1, 2, 5, ...): the times are ints. */
  main_numbers = stats->u.dict.values[4];
  g_assert_cmpstr (stats->u.dict.keys[4]->u.seq.items[2]->u.s.data, ==, "main");
  g_assert_cmpint (main_numbers->u.seq.items[2]->type, ==, DETPROF_MARSHAL_INT);
  g_assert_cmpint (main_numbers->u.seq.items[2]->u.i, ==, 2);
  g_assert_cmpint (main_numbers->u.seq.items[3]->u.i, ==, 5);
}

/* Reading: what Python wrote */

/* A fixture reads as the Python that wrote it read it (its .expected). */
static void
test_read_python_fixture (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *prof = g_strconcat (name, ".prof", NULL);
  g_autofree char *expected_name = g_strconcat (name, ".expected", NULL);
  g_autoptr(GBytes) bytes = load_fixture (prof);
  g_autoptr(GBytes) expected_bytes = load_fixture (expected_name);
  g_autoptr(DetprofMarshalValue) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strndup (g_bytes_get_data (expected_bytes, NULL),
                                         g_bytes_get_size (expected_bytes));
  g_autofree char *text = NULL;
  g_autofree char *actual = NULL;
  gsize consumed = 0;

  value = _detprof_marshal_read (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (value->type, ==, DETPROF_MARSHAL_DICT);
  text = render (value);
  actual = g_strdup_printf ("consumed %" G_GSIZE_FORMAT "\nentries %" G_GSIZE_FORMAT
                            "\nvalue %s\n", consumed, value->u.dict.n, text);
  g_assert_cmpstr (actual, ==, expected);
}

/* Every prefix of a fixture fails cleanly, and names a byte inside it. */
static void
test_read_python_fixture_truncated (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *prof = g_strconcat (name, ".prof", NULL);
  g_autoptr(GBytes) bytes = load_fixture (prof);
  g_autoptr(DetprofMarshalValue) whole = NULL;
  gsize len = 0, consumed = 0, cut;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  whole = _detprof_marshal_read (data, len, &consumed, NULL);
  g_assert_nonnull (whole);
  for (cut = 0; cut < consumed; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DetprofMarshalValue) value = NULL;
      guint64 at = G_MAXUINT64;

      value = _detprof_marshal_read (data, cut, NULL, &error);
      g_assert_null (value);
      g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "at byte "));
      at = g_ascii_strtoull (error->message + strlen ("at byte "), NULL, 10);
      g_assert_cmpuint (at, <=, cut);
      g_assert_nonnull (strstr (error->message, cut == 0 ? "empty input" : "truncated"));
    }
}

/* The b.7 dump, cut at every byte, fails cleanly every time. */
static void
test_read_spec_truncated (void)
{
  gsize cut;

  for (cut = 1; cut < sizeof spec_cprofile_dump - 1; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DetprofMarshalValue) value = NULL;

      value = _detprof_marshal_read ((const guint8 *) spec_cprofile_dump, cut, NULL, &error);
      g_assert_null (value);
      g_assert_error (error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "truncated"));
    }
}

/* Reading: each form */

/* The reader stops after one object: a second one may follow it. */
static void
test_read_second_object_follows (void)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(DetprofMarshalValue) stats = NULL;
  g_autoptr(DetprofMarshalValue) second = NULL;
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;

  g_byte_array_append (data, (const guint8 *) spec_writer_example, 195);
  g_byte_array_append (data, (const guint8 *) "N", 1);
  stats = _detprof_marshal_read (data->data, data->len, &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, 195);
  second = read_all (data->data + consumed, data->len - consumed);
  g_assert_cmpint (second->type, ==, DETPROF_MARSHAL_NONE);
}

/* Each type code a dump can hold reads as Python reads it. */
static void
test_read_every_form (void)
{
  static const struct
  {
    const char *bytes;
    gsize       len;
    const char *text;
  } cases[] = {
    { ")\x02NN", 4, "(None, None)" },
    { "(\x01\x00\x00\x00T", 6, "(True)" },
    { "[\x02\x00\x00\x00" "F.", 7, "[False, ...]" },
    { "<\x02\x00\x00\x00NS", 7, "<set 2>" },
    { ">\x02\x00\x00\x00Ni\x01\x00\x00\x00", 11, "<frozenset 2>" },
    { "{0", 2, "{}" },
    { "i\xfe\xff\xff\xff", 5, "-2" },
    { "I\x00\x00\x00\x00\x01\x00\x00\x00", 9, "4294967296" },
    { "l\x00\x00\x00\x00", 5, "0" },
    { "l\xfe\xff\xff\xff\x00\x00\x01\x00", 9, "-32768" },
    { "g\x00\x00\x00\x00\x00\x00\xf8\x3f", 9, "f:3ff8000000000000" },
    { "f\x04-1.5", 6, "f:bff8000000000000" },
    { "f\x03inf", 5, "f:7ff0000000000000" },
    { "x\x03" "1.5\x02-0", 8, "c:3ff8000000000000:8000000000000000" },
    { "y\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40", 17,
      "c:3ff0000000000000:4000000000000000" },
    { "s\x03\x00\x00\x00" "a\x00" "b", 8, "b'a\\x00b'" },
    { "u\x05\x00\x00\x00" "caf\xc3\xa9", 10, "'caf\\xc3\\xa9'" },
    { "t\x01\x00\x00\x00\x00", 6, "'\\x00'" },
    { "a\x02\x00\x00\x00" "ab", 7, "'ab'" },
    { "A\x00\x00\x00\x00", 5, "''" },
    { "z\x01x", 3, "'x'" },
    { "Z\x02yz", 4, "'yz'" },
    /* Python reads ASCII types as Latin-1; we return UTF-8. */
    { "z\x01\xe9", 3, "'\\xc3\\xa9'" },
    /* A lone surrogate (surrogatepass) becomes U+FFFD. */
    { "u\x03\x00\x00\x00\xed\xa0\x80", 8, "'\\xef\\xbf\\xbd'" },
    /* FLAG_REF on a singleton takes no index, as in Python. */
    { ")\x03\xce\xda\x01q\xf2\x00\x00\x00\x00", 11, "(None, 'q', 'q')" },
    /* Back-references to completed containers. */
    { ")\x02\xa9\x01Nr\x00\x00\x00\x00", 10, "((None), (None))" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = read_and_render (cases[i].bytes, cases[i].len);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Big ints: the full gint64 range reads, and one more is an error. */
static void
test_read_long_limits (void)
{
  g_autoptr(DetprofMarshalValue) max = NULL;
  g_autoptr(DetprofMarshalValue) min = NULL;

  max = read_all ("l\x05\x00\x00\x00\xff\x7f\xff\x7f\xff\x7f\xff\x7f\x07\x00", 15);
  g_assert_cmpint (max->u.i, ==, G_MAXINT64);
  min = read_all ("l\xfb\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00", 15);
  g_assert_cmpint (min->u.i, ==, G_MININT64);
  assert_corrupt ("l\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00", 15,
                  0, "integer too large");
  assert_corrupt (")\x01l\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00",
                  19, 2, "integer too large");
}

/* Code objects in each layout keep their name, file and first line. */
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
      g_autoptr(GBytes) bytes = load_fixture (name);
      g_autoptr(DetprofMarshalValue) stats = NULL;
      DetprofMarshalValue *code;

      stats = read_all (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      code = stats->u.dict.keys[1]->u.seq.items[2];
      g_assert_cmpint (code->type, ==, DETPROF_MARSHAL_CODE);
      g_assert_cmpstr (code->u.code.name, ==, "<module>");
      g_assert_cmpstr (code->u.code.file, ==, "script.py");
      g_assert_cmpint (code->u.code.first_line, ==, versions[i].first_line);
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

/* Nesting stops at 2000 objects deep, as in Python, without blowing the stack. */
static void
test_corrupt_deep_nesting (void)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(DetprofMarshalValue) value = NULL;
  int i;

  for (i = 0; i < 1999; i++)
    g_byte_array_append (data, (const guint8 *) ")\x01", 2);
  g_byte_array_append (data, (const guint8 *) "N", 1);
  value = read_all (data->data, data->len);

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

/* Adds two tests per fixture; returns their names, which must outlive them. */
static GPtrArray *
add_fixture_tests (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "marshal-fixtures", NULL);
  g_autoptr(GDir) dir = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *entry;
  guint i;

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".expected"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".expected")));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 0);

  for (i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_strconcat ("/marshal/read/python-fixture/", name, NULL);
      g_autofree char *cut_path = g_strconcat ("/marshal/corrupt/every-truncation/", name, NULL);

      g_test_add_data_func (path, name, test_read_python_fixture);
      g_test_add_data_func (cut_path, name, test_read_python_fixture_truncated);
    }
  return names;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) fixture_names = NULL;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/marshal/write/spec-example", test_write_spec_example);
  g_test_add_func ("/marshal/write/int-boundaries", test_write_int_boundaries);
  g_test_add_func ("/marshal/write/round-trip", test_write_round_trip);
  g_test_add_func ("/marshal/write/python-agrees", test_write_python_agrees);
  g_test_add_func ("/marshal/read/spec-cprofile-dump", test_read_spec_cprofile);
  g_test_add_func ("/marshal/read/spec-profile-dump", test_read_spec_profile);
  g_test_add_func ("/marshal/read/second-object-follows", test_read_second_object_follows);
  g_test_add_func ("/marshal/read/every-form", test_read_every_form);
  g_test_add_func ("/marshal/read/long-limits", test_read_long_limits);
  g_test_add_func ("/marshal/read/code-layouts", test_read_code_layouts);
  fixture_names = add_fixture_tests ();
  g_test_add_func ("/marshal/corrupt/empty", test_corrupt_empty);
  g_test_add_func ("/marshal/corrupt/every-truncation/spec-cprofile-dump", test_read_spec_truncated);
  g_test_add_func ("/marshal/corrupt/unknown-code", test_corrupt_unknown_code);
  g_test_add_func ("/marshal/corrupt/bad-ref", test_corrupt_bad_ref);
  g_test_add_func ("/marshal/corrupt/ref-to-unfinished-container", test_corrupt_ref_to_unfinished);
  g_test_add_func ("/marshal/corrupt/huge-sizes", test_corrupt_huge_sizes);
  g_test_add_func ("/marshal/corrupt/negative-sizes", test_corrupt_negative_sizes);
  g_test_add_func ("/marshal/corrupt/deep-nesting", test_corrupt_deep_nesting);
  g_test_add_func ("/marshal/corrupt/bad-long", test_corrupt_bad_long);
  g_test_add_func ("/marshal/corrupt/bad-utf8", test_corrupt_bad_utf8);
  g_test_add_func ("/marshal/corrupt/misc", test_corrupt_misc);

  return g_test_run ();
}
