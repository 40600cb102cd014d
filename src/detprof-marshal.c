/* detprof-marshal.c: reading and writing the marshal format of stats dumps.
 *
 * A stats dump is one object in Python's marshal format: a type byte, then
 * a payload whose shape the type decides. The reader walks it recursively
 * into a tree of reference-counted DetprofMarshalValues; the writer walks a
 * tree back out in the version-2 encoding, which has no references.
 *
 * The one idea to keep in mind is that the input is hostile. Every size in
 * the file is compared with the bytes that remain before anything is
 * allocated (each item of a container takes at least one byte, so a count
 * larger than what is left is a lie), nesting is limited to 2000 objects as
 * in CPython, and a back-reference may only point at an object that is
 * complete, so the tree can share values but never contain a cycle. Every
 * error names the byte where the offending object starts.
 *
 * A few liberties are taken where CPython would build an object we have
 * no use for: code objects keep only their name, file name and first line
 * (and an int constant inside one that does not fit gint64 becomes a
 * float, where elsewhere it is an error); dicts keep their pairs in file
 * order without merging duplicate keys (Python never writes duplicates);
 * a lone surrogate in a string becomes U+FFFD, so that every string is
 * valid UTF-8 (a NUL is a valid character, so use the length).
 */
#include "config.h"

#include <string.h>

#include "detprof-error.h"
#include "detprof-marshal-private.h"

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;    /* the next byte to read */
  int           depth;  /* objects being read around the current one */
  int           in_code;  /* code objects being read around the current one */
  GPtrArray    *refs;   /* the reference table, owning; NULL while being built */
  GError      **error;
} Reader;

/* Values */

static DetprofMarshalValue *
value_new (DetprofMarshalType type)
{
  DetprofMarshalValue *value = g_new0 (DetprofMarshalValue, 1);

  value->type = type;
  value->ref_count = 1;
  return value;
}

DetprofMarshalValue *
_detprof_marshal_value_ref (DetprofMarshalValue *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (value->ref_count > 0, NULL);

  value->ref_count++;
  return value;
}

static void
unref_items (DetprofMarshalValue **items,
             gsize                 n)
{
  gsize i;

  /* A tuple from _detprof_marshal_value_new_tuple () may have unset items. */
  for (i = 0; i < n; i++)
    if (items[i] != NULL)
      _detprof_marshal_value_unref (items[i]);
  g_free (items);
}

void
_detprof_marshal_value_unref (DetprofMarshalValue *value)
{
  g_return_if_fail (value != NULL);
  g_return_if_fail (value->ref_count > 0);

  if (--value->ref_count > 0)
    return;

  switch (value->type)
    {
    case DETPROF_MARSHAL_STR:
    case DETPROF_MARSHAL_BYTES:
      g_free (value->u.s.data);
      break;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
      unref_items (value->u.seq.items, value->u.seq.n);
      break;
    case DETPROF_MARSHAL_DICT:
      unref_items (value->u.dict.keys, value->u.dict.n);
      unref_items (value->u.dict.values, value->u.dict.n);
      break;
    case DETPROF_MARSHAL_CODE:
      g_free (value->u.code.name);
      g_free (value->u.code.file);
      break;
    case DETPROF_MARSHAL_NONE:
    case DETPROF_MARSHAL_BOOL:
    case DETPROF_MARSHAL_INT:
    case DETPROF_MARSHAL_FLOAT:
    case DETPROF_MARSHAL_COMPLEX:
    case DETPROF_MARSHAL_ELLIPSIS:
    case DETPROF_MARSHAL_STOPITER:
      break;
    default:
      g_assert_not_reached ();
    }
  g_free (value);
}

DetprofMarshalValue *
_detprof_marshal_value_new_int (gint64 i)
{
  DetprofMarshalValue *value = value_new (DETPROF_MARSHAL_INT);

  value->u.i = i;
  return value;
}

DetprofMarshalValue *
_detprof_marshal_value_new_float (double f)
{
  DetprofMarshalValue *value = value_new (DETPROF_MARSHAL_FLOAT);

  value->u.f = f;
  return value;
}

DetprofMarshalValue *
_detprof_marshal_value_new_str (const char *utf8)
{
  DetprofMarshalValue *value;

  g_return_val_if_fail (utf8 != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (utf8, -1, NULL), NULL);

  value = value_new (DETPROF_MARSHAL_STR);
  value->u.s.len = strlen (utf8);
  value->u.s.data = g_strdup (utf8);
  return value;
}

DetprofMarshalValue *
_detprof_marshal_value_new_tuple (gsize n)
{
  DetprofMarshalValue *value = value_new (DETPROF_MARSHAL_TUPLE);

  value->u.seq.n = n;
  value->u.seq.items = g_new0 (DetprofMarshalValue *, n);
  return value;
}

DetprofMarshalValue *
_detprof_marshal_value_new_dict (void)
{
  return value_new (DETPROF_MARSHAL_DICT);
}

void
_detprof_marshal_dict_append (DetprofMarshalValue *dict,
                              DetprofMarshalValue *key,
                              DetprofMarshalValue *value)
{
  gsize n;

  g_return_if_fail (dict != NULL && dict->type == DETPROF_MARSHAL_DICT);
  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);

  /* The arrays have room for the next power of two of entries, so they
   * grow by doubling without a separate capacity field. */
  n = dict->u.dict.n;
  if (n == 0 || (n & (n - 1)) == 0)
    {
      gsize room = n == 0 ? 1 : 2 * n;

      dict->u.dict.keys = g_renew (DetprofMarshalValue *, dict->u.dict.keys, room);
      dict->u.dict.values = g_renew (DetprofMarshalValue *, dict->u.dict.values, room);
    }
  dict->u.dict.keys[n] = key;
  dict->u.dict.values[n] = value;
  dict->u.dict.n = n + 1;
}

/* Reading: primitives */

static gboolean corrupt (Reader     *r,
                         gsize       at,
                         const char *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* Sets the error, which names the byte @at, and returns FALSE. */
static gboolean
corrupt (Reader     *r,
         gsize       at,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (r->error, DETPROF_ERROR, DETPROF_ERROR_CORRUPT,
               "at byte %" G_GSIZE_FORMAT ": %s", at, message);
  return FALSE;
}

static gsize
bytes_left (const Reader *r)
{
  return r->len - r->pos;
}

/* Checks that @n bytes of a fixed-size field (@what) remain. */
static gboolean
need (Reader     *r,
      gsize       start,
      gsize       n,
      const char *what)
{
  if (n <= bytes_left (r))
    return TRUE;
  return corrupt (r, start, "truncated: %s needs %" G_GSIZE_FORMAT " bytes, %"
                  G_GSIZE_FORMAT " left", what, n, bytes_left (r));
}

/* Checks, before anything is allocated, that a @kind of @count @units can
 * fit in what remains: it needs at least @min_bytes. */
static gboolean
need_for_count (Reader     *r,
                gsize       start,
                const char *kind,
                gsize       count,
                const char *units,
                gsize       min_bytes)
{
  if (min_bytes <= bytes_left (r))
    return TRUE;
  return corrupt (r, start, "truncated: %s of %" G_GSIZE_FORMAT " %s needs %"
                  G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left",
                  kind, count, units, min_bytes, bytes_left (r));
}

static gboolean
read_u8 (Reader *r,
         gsize   start,
         guint8 *out)
{
  if (!need (r, start, 1, "uint8"))
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

static gboolean
read_int32 (Reader *r,
            gsize   start,
            gint32 *out)
{
  const guint8 *p;

  if (!need (r, start, 4, "int32"))
    return FALSE;
  p = r->data + r->pos;
  *out = (gint32) ((guint32) p[0] | (guint32) p[1] << 8 |
                   (guint32) p[2] << 16 | (guint32) p[3] << 24);
  r->pos += 4;
  return TRUE;
}

static gboolean
read_uint64 (Reader  *r,
             gsize    start,
             guint64 *out)
{
  guint64 v = 0;
  int i;

  if (!need (r, start, 8, "8-byte field"))
    return FALSE;
  for (i = 7; i >= 0; i--)
    v = v << 8 | r->data[r->pos + i];
  r->pos += 8;
  *out = v;
  return TRUE;
}

/* Reads the int32 size of a string or container; Python rejects negative
 * sizes. */
static gboolean
read_size (Reader     *r,
           gsize       start,
           const char *kind,
           gsize      *out)
{
  gint32 n;

  if (!read_int32 (r, start, &n))
    return FALSE;
  if (n < 0)
    return corrupt (r, start, "%s size %" G_GINT32_FORMAT " out of range", kind, n);
  *out = (gsize) n;
  return TRUE;
}

static gboolean
read_binary_float (Reader *r,
                   gsize   start,
                   double *out)
{
  guint64 bits;

  if (!read_uint64 (r, start, &bits))
    return FALSE;
  memcpy (out, &bits, sizeof *out);
  return TRUE;
}

/* A float as text (marshal version 0 and 1): a uint8 length, then what
 * repr () gave. We accept only what Python's float parser would, which
 * rules out the hexadecimal, whitespace and "nan(...)" forms of strtod. */
static gboolean
read_text_float (Reader *r,
                 gsize   start,
                 double *out)
{
  char text[256];
  char *end = NULL;
  guint8 n;

  if (!read_u8 (r, start, &n))
    return FALSE;
  if (!need_for_count (r, start, "float text", n, "bytes", n))
    return FALSE;
  memcpy (text, r->data + r->pos, n);
  text[n] = '\0';
  r->pos += n;

  if (n == 0 || strspn (text, "0123456789+-.eEiInNfFaAtTyY") != n)
    return corrupt (r, start, "bad float text");
  *out = g_ascii_strtod (text, &end);
  if (end != text + n)
    return corrupt (r, start, "bad float text");
  return TRUE;
}

/* Reading: strings */

/* Checks the UTF-8 of a 'u' or 't' string in place. Python writes lone
 * surrogates (U+D800..U+DFFF, which UTF-8 forbids) with "surrogatepass";
 * each takes three bytes, as does U+FFFD, which replaces it. NUL is a
 * valid character in a Python string. */
static gboolean
fix_utf8 (guint8 *s,
          gsize   n)
{
  gsize i = 0;

  while (i < n)
    {
      gunichar c;

      if (s[i] < 0x80)
        {
          i++;
          continue;
        }
      if (s[i] == 0xed && n - i >= 3 && s[i + 1] >= 0xa0 && s[i + 1] <= 0xbf &&
          (s[i + 2] & 0xc0) == 0x80)
        {
          s[i] = 0xef;
          s[i + 1] = 0xbf;
          s[i + 2] = 0xbd;
          i += 3;
          continue;
        }
      c = g_utf8_get_char_validated ((const char *) s + i, (gssize) (n - i));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      i += (gsize) g_utf8_skip[s[i]];
    }
  return TRUE;
}

static DetprofMarshalValue *
str_value_take (char  *data,
                gsize  len)
{
  DetprofMarshalValue *value = value_new (DETPROF_MARSHAL_STR);

  value->u.s.data = data;
  value->u.s.len = len;
  return value;
}

/* 'u' and 't': UTF-8 text. */
static DetprofMarshalValue *
read_unicode (Reader *r,
              gsize   start)
{
  gsize n = 0;
  char *data;

  if (!read_size (r, start, "string", &n) ||
      !need_for_count (r, start, "string", n, "bytes", n))
    return NULL;

  data = g_malloc (n + 1);
  memcpy (data, r->data + r->pos, n);
  data[n] = '\0';
  r->pos += n;

  if (!fix_utf8 ((guint8 *) data, n))
    {
      g_free (data);
      corrupt (r, start, "string is not valid UTF-8");
      return NULL;
    }
  return str_value_take (data, n);
}

/* 'a', 'A', 'z' and 'Z': Python writes only ASCII here, but reads the
 * bytes as Latin-1, so we do the same and convert to UTF-8. */
static DetprofMarshalValue *
read_ascii (Reader   *r,
            gsize     start,
            gboolean  is_short)
{
  gsize n = 0, i, len = 0;
  guint8 short_n;
  char *data;

  if (is_short)
    {
      if (!read_u8 (r, start, &short_n))
        return NULL;
      n = short_n;
    }
  else if (!read_size (r, start, "string", &n))
    return NULL;
  if (!need_for_count (r, start, "string", n, "bytes", n))
    return NULL;

  data = g_malloc (2 * n + 1);
  for (i = 0; i < n; i++)
    {
      guint8 c = r->data[r->pos + i];

      if (c < 0x80)
        data[len++] = (char) c;
      else
        {
          data[len++] = (char) (0xc0 | c >> 6);
          data[len++] = (char) (0x80 | (c & 0x3f));
        }
    }
  data[len] = '\0';
  r->pos += n;
  return str_value_take (data, len);
}

/* 's': raw bytes, kept NUL-terminated for convenience. */
static DetprofMarshalValue *
read_bytes (Reader *r,
            gsize   start)
{
  DetprofMarshalValue *value;
  gsize n = 0;

  if (!read_size (r, start, "bytes", &n) ||
      !need_for_count (r, start, "bytes", n, "bytes", n))
    return NULL;

  value = value_new (DETPROF_MARSHAL_BYTES);
  value->u.s.len = n;
  value->u.s.data = g_malloc (n + 1);
  memcpy (value->u.s.data, r->data + r->pos, n);
  value->u.s.data[n] = '\0';
  r->pos += n;
  return value;
}

/* Reading: numbers */

/* An int beyond gint64 is an error in stats, but a constant in a code
 * object may be any size, and nothing we keep of a code object depends on
 * it: there it becomes the nearest float. */
static DetprofMarshalValue *
too_large_long (Reader       *r,
                gsize         start,
                gboolean      negative,
                const guint8 *digits,
                gsize         n)
{
  double f = 0.0;
  gsize i;

  if (r->in_code == 0)
    {
      corrupt (r, start, "integer too large");
      return NULL;
    }
  for (i = n; i > 0; i--)
    f = f * 32768.0 + (double) (digits[2 * i - 2] | digits[2 * i - 1] << 8);
  return _detprof_marshal_value_new_float (negative ? -f : f);
}

/* 'l': an int32 whose sign is the number's and whose magnitude is the
 * count of base-2^15 digits that follow, least significant first. */
static DetprofMarshalValue *
read_long (Reader *r,
           gsize   start)
{
  gint32 signed_n;
  gsize n = 0, i;
  guint64 magnitude = 0;
  const guint8 *digits;

  if (!read_int32 (r, start, &signed_n))
    return NULL;
  if (signed_n == G_MININT32)
    {
      corrupt (r, start, "long size out of range");
      return NULL;
    }
  n = (gsize) ABS (signed_n);
  if (!need_for_count (r, start, "long", n, "digits", 2 * n))
    return NULL;

  digits = r->data + r->pos;
  r->pos += 2 * n;
  for (i = 0; i < n; i++)
    if (digits[2 * i + 1] & 0x80)
      {
        corrupt (r, start, "digit out of range in long");
        return NULL;
      }
  if (n > 0 && digits[2 * n - 2] == 0 && digits[2 * n - 1] == 0)
    {
      corrupt (r, start, "unnormalized long");
      return NULL;
    }

  for (i = n; i > 0; i--)
    {
      guint64 digit = (guint64) digits[2 * i - 2] | (guint64) digits[2 * i - 1] << 8;

      if (magnitude > G_MAXUINT64 >> 15)
        return too_large_long (r, start, signed_n < 0, digits, n);
      magnitude = magnitude << 15 | digit;
    }

  /* A negative number may reach -2^63, one further than a positive one. */
  if (magnitude > (guint64) G_MAXINT64 + (signed_n < 0 ? 1 : 0))
    return too_large_long (r, start, signed_n < 0, digits, n);
  if (signed_n < 0)
    return _detprof_marshal_value_new_int ((gint64) (0 - magnitude));
  return _detprof_marshal_value_new_int ((gint64) magnitude);
}

static DetprofMarshalValue *
read_complex (Reader   *r,
              gsize     start,
              gboolean  binary)
{
  DetprofMarshalValue *value;
  double real, imag;

  if (binary)
    {
      if (!read_binary_float (r, start, &real) ||
          !read_binary_float (r, start, &imag))
        return NULL;
    }
  else if (!read_text_float (r, start, &real) ||
           !read_text_float (r, start, &imag))
    return NULL;

  value = value_new (DETPROF_MARSHAL_COMPLEX);
  value->u.c.real = real;
  value->u.c.imag = imag;
  return value;
}

/* Reading: containers and code */

static DetprofMarshalValue *read_object (Reader *r);

/* Tuples, lists and sets: a count, then that many objects. */
static DetprofMarshalValue *
read_sequence (Reader             *r,
               gsize               start,
               DetprofMarshalType  type,
               const char         *kind,
               gboolean            is_small)
{
  DetprofMarshalValue *value;
  guint8 small_n;
  gsize n = 0, i;

  if (is_small)
    {
      if (!read_u8 (r, start, &small_n))
        return NULL;
      n = small_n;
    }
  else if (!read_size (r, start, kind, &n))
    return NULL;
  /* Each item takes at least one byte: a larger count is a lie, and it
   * must be caught before we allocate room for it. */
  if (!need_for_count (r, start, kind, n, "items", n))
    return NULL;

  value = value_new (type);
  value->u.seq.n = n;
  value->u.seq.items = g_new0 (DetprofMarshalValue *, n);
  for (i = 0; i < n; i++)
    {
      value->u.seq.items[i] = read_object (r);
      if (value->u.seq.items[i] == NULL)
        {
          _detprof_marshal_value_unref (value);
          return NULL;
        }
    }
  return value;
}

/* Dicts have no count: pairs follow until a '0' where a key would be. */
static DetprofMarshalValue *
read_dict (Reader *r,
           gsize   start)
{
  g_autoptr(DetprofMarshalValue) dict = _detprof_marshal_value_new_dict ();

  for (;;)
    {
      DetprofMarshalValue *key, *value;

      if (bytes_left (r) == 0)
        {
          corrupt (r, r->pos, "truncated: dict without its '0' end marker");
          return NULL;
        }
      if ((r->data[r->pos] & ~FLAG_REF) == TYPE_NULL)
        {
          r->pos++;
          return g_steal_pointer (&dict);
        }

      key = read_object (r);
      if (key == NULL)
        return NULL;
      value = read_object (r);
      if (value == NULL)
        {
          _detprof_marshal_value_unref (key);
          return NULL;
        }
      _detprof_marshal_dict_append (dict, key, value);
    }
}

/* Whether @byte can start the bytecode of a code object: bytes, or a
 * reference whose target (from the int32 at @p) is complete bytes. */
static gboolean
starts_bytes (const Reader *r,
              const guint8 *p)
{
  guint32 index = (guint32) p[1] | (guint32) p[2] << 8 | (guint32) p[3] << 16 |
                  (guint32) p[4] << 24;
  DetprofMarshalValue *target;

  if ((p[0] & ~FLAG_REF) == TYPE_STRING)
    return TRUE;
  if (p[0] != TYPE_REF || index >= r->refs->len)
    return FALSE;
  target = g_ptr_array_index (r->refs, index);
  return target != NULL && target->type == DETPROF_MARSHAL_BYTES;
}

/* Reads objects into @objects from index @first on, one for each
 * character of @types, which gives the type each must have: 'b' bytes,
 * 't' tuple, 's' str, '*' anything. The caller frees what was read. */
static gboolean
read_code_fields (Reader               *r,
                  gsize                 start,
                  DetprofMarshalValue **objects,
                  gsize                 first,
                  const char           *types)
{
  gsize i;

  for (i = 0; types[i] != '\0'; i++)
    {
      DetprofMarshalValue *object;
      DetprofMarshalType expected;

      object = objects[first + i] = read_object (r);
      if (object == NULL)
        return FALSE;
      switch (types[i])
        {
        case 'b':
          expected = DETPROF_MARSHAL_BYTES;
          break;
        case 't':
          expected = DETPROF_MARSHAL_TUPLE;
          break;
        case 's':
          expected = DETPROF_MARSHAL_STR;
          break;
        default:
          continue;
        }
      if (object->type != expected)
        return corrupt (r, start, "code object field %" G_GSIZE_FORMAT
                        " has the wrong type", first + i);
    }
  return TRUE;
}

/* 'c': a code object. The stream does not say which Python wrote it:
 *
 *   3.8-3.10: 6 int32, code consts names varnames freevars cellvars
 *             filename name, int32 firstlineno, lnotab
 *   3.11-3.13: 5 int32, code consts names localsplusnames localspluskinds
 *             filename name qualname, int32 firstlineno, linetable,
 *             exceptiontable
 *   3.6-3.7:  5 int32, code consts names varnames freevars cellvars
 *             filename name, int32 firstlineno, lnotab
 *
 * The bytecode (bytes) comes right after the int32s, which tells 5 from 6;
 * among the 5-int32 layouts, the fifth object is bytes (localspluskinds) in
 * 3.11 and a tuple (freevars) before. Every field whose type we know is
 * then checked. Deciding as we go, rather than by trying a layout and
 * backtracking, keeps nested code objects linear in time. */
static DetprofMarshalValue *
read_code (Reader *r,
           gsize   start)
{
  DetprofMarshalValue *objects[10] = { NULL, };
  DetprofMarshalValue *value = NULL;
  const guint8 *p;
  gint32 header, first_line;
  gboolean ok = FALSE, modern = FALSE;
  int i;

  for (i = 0; i < 5; i++)
    if (!read_int32 (r, start, &header))
      return NULL;
  /* Either a sixth int32 or the bytecode's type and size follow. */
  if (!need (r, start, 5, "code object"))
    return NULL;

  /* Bytecode right here means 5 int32s. If it seems to start both here and
   * 4 bytes on, this is the low byte of the flags ('s' is 0x73, a possible
   * set of flags): read as 5 int32s, the bytecode would be over 1.9 GB. */
  p = r->data + r->pos;
  if (starts_bytes (r, p) && (p[4] & ~FLAG_REF) != TYPE_STRING)
    {
      if (!read_code_fields (r, start, objects, 0, "bttt*"))
        goto out;
      if (objects[4]->type == DETPROF_MARSHAL_BYTES)
        {
          modern = TRUE;
          ok = read_code_fields (r, start, objects, 5, "sss") &&
               read_int32 (r, start, &first_line) &&
               read_code_fields (r, start, objects, 8, "bb");
        }
      else if (objects[4]->type == DETPROF_MARSHAL_TUPLE)
        ok = read_code_fields (r, start, objects, 5, "tss") &&
             read_int32 (r, start, &first_line) &&
             read_code_fields (r, start, objects, 8, "b");
      else
        corrupt (r, start, "code object field 4 has the wrong type");
    }
  else
    ok = read_int32 (r, start, &header) &&
         read_code_fields (r, start, objects, 0, "btttttss") &&
         read_int32 (r, start, &first_line) &&
         read_code_fields (r, start, objects, 8, "b");

  if (ok)
    {
      value = value_new (DETPROF_MARSHAL_CODE);
      /* 3.11 dropped a tuple before the file name. */
      value->u.code.file = g_strdup (objects[modern ? 5 : 6]->u.s.data);
      value->u.code.name = g_strdup (objects[modern ? 6 : 7]->u.s.data);
      value->u.code.first_line = first_line;
    }

out:
  for (i = 0; i < (int) G_N_ELEMENTS (objects); i++)
    if (objects[i] != NULL)
      _detprof_marshal_value_unref (objects[i]);
  return value;
}

/* 'r': a back-reference to a complete object in the table. */
static DetprofMarshalValue *
read_ref (Reader *r,
          gsize   start)
{
  DetprofMarshalValue *target;
  gint32 index;

  if (!read_int32 (r, start, &index))
    return NULL;
  /* A slot still NULL is a container being built: refusing it rules out
   * cycles. */
  if (index < 0 || (guint) index >= r->refs->len ||
      (target = g_ptr_array_index (r->refs, index)) == NULL)
    {
      corrupt (r, start, "invalid reference %" G_GINT32_FORMAT, index);
      return NULL;
    }
  return _detprof_marshal_value_ref (target);
}

/* The payload of a type that is not a singleton or a reference. */
static DetprofMarshalValue *
read_payload (Reader *r,
              guint8  type,
              gsize   start)
{
  gint32 i32;
  guint64 u64;
  double f;

  switch (type)
    {
    case TYPE_INT:
      if (!read_int32 (r, start, &i32))
        return NULL;
      return _detprof_marshal_value_new_int (i32);
    case TYPE_INT64:
      if (!read_uint64 (r, start, &u64))
        return NULL;
      return _detprof_marshal_value_new_int ((gint64) u64);
    case TYPE_LONG:
      return read_long (r, start);
    case TYPE_BINARY_FLOAT:
      if (!read_binary_float (r, start, &f))
        return NULL;
      return _detprof_marshal_value_new_float (f);
    case TYPE_FLOAT:
      if (!read_text_float (r, start, &f))
        return NULL;
      return _detprof_marshal_value_new_float (f);
    case TYPE_COMPLEX:
    case TYPE_BINARY_COMPLEX:
      return read_complex (r, start, type == TYPE_BINARY_COMPLEX);
    case TYPE_STRING:
      return read_bytes (r, start);
    case TYPE_UNICODE:
    case TYPE_INTERNED:
      return read_unicode (r, start);
    case TYPE_ASCII:
    case TYPE_ASCII_INTERNED:
      return read_ascii (r, start, FALSE);
    case TYPE_SHORT_ASCII:
    case TYPE_SHORT_ASCII_INTERNED:
      return read_ascii (r, start, TRUE);
    case TYPE_SMALL_TUPLE:
      return read_sequence (r, start, DETPROF_MARSHAL_TUPLE, "tuple", TRUE);
    case TYPE_TUPLE:
      return read_sequence (r, start, DETPROF_MARSHAL_TUPLE, "tuple", FALSE);
    case TYPE_LIST:
      return read_sequence (r, start, DETPROF_MARSHAL_LIST, "list", FALSE);
    case TYPE_SET:
      return read_sequence (r, start, DETPROF_MARSHAL_SET, "set", FALSE);
    case TYPE_FROZENSET:
      return read_sequence (r, start, DETPROF_MARSHAL_FROZENSET, "frozenset", FALSE);
    case TYPE_DICT:
      return read_dict (r, start);
    case TYPE_CODE:
      {
        DetprofMarshalValue *code;

        r->in_code++;
        code = read_code (r, start);
        r->in_code--;
        return code;
      }
    default:
      corrupt (r, start, "unknown type code 0x%02x", type);
      return NULL;
    }
}

/* Reads the object that starts at r->pos. */
static DetprofMarshalValue *
read_object (Reader *r)
{
  DetprofMarshalValue *value;
  gsize start = r->pos;
  guint8 code, type;
  guint ref_index = 0;

  if (bytes_left (r) == 0)
    {
      corrupt (r, start, "truncated: object expected, 0 bytes left");
      return NULL;
    }
  if (r->depth >= MAX_MARSHAL_STACK_DEPTH)
    {
      corrupt (r, start, "nesting deeper than %d", MAX_MARSHAL_STACK_DEPTH);
      return NULL;
    }

  code = r->data[r->pos++];
  type = code & ~FLAG_REF;

  /* Singletons and references never enter the table, flag or not. */
  switch (type)
    {
    case TYPE_NONE:
      return value_new (DETPROF_MARSHAL_NONE);
    case TYPE_TRUE:
    case TYPE_FALSE:
      value = value_new (DETPROF_MARSHAL_BOOL);
      value->u.b = type == TYPE_TRUE;
      return value;
    case TYPE_ELLIPSIS:
      return value_new (DETPROF_MARSHAL_ELLIPSIS);
    case TYPE_STOPITER:
      return value_new (DETPROF_MARSHAL_STOPITER);
    case TYPE_REF:
      return read_ref (r, start);
    case TYPE_NULL:
      corrupt (r, start, "NULL marker '0' outside a dict");
      return NULL;
    default:
      break;
    }

  /* The index is taken now, before any children, so the numbering is in
   * pre-order; the slot is filled only once the object is complete. */
  if (code & FLAG_REF)
    {
      ref_index = r->refs->len;
      g_ptr_array_add (r->refs, NULL);
    }

  r->depth++;
  value = read_payload (r, type, start);
  r->depth--;

  if (value != NULL && (code & FLAG_REF))
    g_ptr_array_index (r->refs, ref_index) = _detprof_marshal_value_ref (value);
  return value;
}

static void
unref_if_set (gpointer value)
{
  if (value != NULL)
    _detprof_marshal_value_unref (value);
}

DetprofMarshalValue *
_detprof_marshal_read (const guint8  *data,
                       gsize          len,
                       gsize         *consumed,
                       GError       **error)
{
  Reader r = { data, len, 0, 0, 0, NULL, error };
  DetprofMarshalValue *value;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == 0)
    {
      corrupt (&r, 0, "empty input");
      return NULL;
    }

  r.refs = g_ptr_array_new_with_free_func (unref_if_set);
  value = read_object (&r);
  g_ptr_array_unref (r.refs);

  if (value != NULL && consumed != NULL)
    *consumed = r.pos;
  return value;
}

/* Writing */

static void
write_u8 (GByteArray *out,
          guint8      byte)
{
  g_byte_array_append (out, &byte, 1);
}

static void
write_int32 (GByteArray *out,
             gint32      value)
{
  guint32 u = (guint32) value;
  guint8 bytes[4] = { u & 0xff, (u >> 8) & 0xff, (u >> 16) & 0xff, u >> 24 };

  g_byte_array_append (out, bytes, 4);
}

static void
write_sized (GByteArray *out,
             guint8      type,
             gsize       n)
{
  /* Python cannot write more than 2^31 - 1 of anything either. */
  g_return_if_fail (n <= G_MAXINT32);

  write_u8 (out, type);
  write_int32 (out, (gint32) n);
}

/* An int outside int32: 'l' with base-2^15 digits, least significant first. */
static void
write_long (GByteArray *out,
            gint64      i)
{
  guint64 magnitude = i < 0 ? 0 - (guint64) i : (guint64) i;
  guint8 digits[2 * 5];
  int n = 0;

  while (magnitude != 0)
    {
      digits[2 * n] = magnitude & 0xff;
      digits[2 * n + 1] = (magnitude >> 8) & 0x7f;
      magnitude >>= 15;
      n++;
    }
  write_u8 (out, TYPE_LONG);
  write_int32 (out, i < 0 ? -n : n);
  g_byte_array_append (out, digits, (guint) (2 * n));
}

static void
write_float (GByteArray *out,
             double      f)
{
  guint64 bits;
  guint8 bytes[8];
  int i;

  memcpy (&bits, &f, sizeof bits);
  for (i = 0; i < 8; i++)
    bytes[i] = (bits >> (8 * i)) & 0xff;
  write_u8 (out, TYPE_BINARY_FLOAT);
  g_byte_array_append (out, bytes, 8);
}

static void
write_items (GByteArray                 *out,
             DetprofMarshalValue *const *items,
             gsize                       n)
{
  gsize i;

  for (i = 0; i < n; i++)
    _detprof_marshal_write (out, items[i]);
}

void
_detprof_marshal_write (GByteArray                *out,
                        const DetprofMarshalValue *value)
{
  gsize i;

  g_return_if_fail (out != NULL);
  g_return_if_fail (value != NULL);

  switch (value->type)
    {
    case DETPROF_MARSHAL_NONE:
      write_u8 (out, TYPE_NONE);
      break;
    case DETPROF_MARSHAL_BOOL:
      write_u8 (out, value->u.b ? TYPE_TRUE : TYPE_FALSE);
      break;
    case DETPROF_MARSHAL_INT:
      if (value->u.i >= G_MININT32 && value->u.i <= G_MAXINT32)
        {
          write_u8 (out, TYPE_INT);
          write_int32 (out, (gint32) value->u.i);
        }
      else
        write_long (out, value->u.i);
      break;
    case DETPROF_MARSHAL_FLOAT:
      write_float (out, value->u.f);
      break;
    case DETPROF_MARSHAL_STR:
    case DETPROF_MARSHAL_BYTES:
      write_sized (out, value->type == DETPROF_MARSHAL_STR ? TYPE_UNICODE : TYPE_STRING,
                   value->u.s.len);
      g_byte_array_append (out, (const guint8 *) value->u.s.data, (guint) value->u.s.len);
      break;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
      write_sized (out, value->type == DETPROF_MARSHAL_TUPLE ? TYPE_TUPLE : TYPE_LIST,
                   value->u.seq.n);
      write_items (out, value->u.seq.items, value->u.seq.n);
      break;
    case DETPROF_MARSHAL_DICT:
      write_u8 (out, TYPE_DICT);
      for (i = 0; i < value->u.dict.n; i++)
        {
          _detprof_marshal_write (out, value->u.dict.keys[i]);
          _detprof_marshal_write (out, value->u.dict.values[i]);
        }
      write_u8 (out, TYPE_NULL);
      break;
    case DETPROF_MARSHAL_COMPLEX:
    case DETPROF_MARSHAL_SET:
    case DETPROF_MARSHAL_FROZENSET:
    case DETPROF_MARSHAL_CODE:
    case DETPROF_MARSHAL_ELLIPSIS:
    case DETPROF_MARSHAL_STOPITER:
      g_critical ("%s: cannot write a value of type %d", G_STRFUNC, value->type);
      break;
    default:
      g_assert_not_reached ();
    }
}
