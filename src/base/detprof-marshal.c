/* detprof-marshal.c: writing the marshal format of stats dumps.
 *
 * A stats dump is one object in Python's marshal format: a type byte, then
 * a payload whose shape the type decides. Here are the encoder (a buffer
 * that grows, and the bytes of an int, a long, a float), with which
 * detprof-stats-write.c streams a table, and a tree of reference-counted
 * DetprofMarshalValues, which the tests build and write out in the
 * version-2 encoding (no references, read by every Python 3) to craft
 * dumps. Dumps are read straight into the table by detprof-stats-read.c.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "detprof-marshal-private.h"

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

/* Writing */

void
_detprof_marshal_buffer_grow (DetprofMarshalBuffer *buffer,
                              gsize                 n)
{
  buffer->size = MAX (buffer->size * 2, buffer->len + n);
  buffer->data = g_realloc (buffer->data, buffer->size);
}

GBytes *
_detprof_marshal_buffer_steal (DetprofMarshalBuffer *buffer)
{
  GBytes *bytes = g_bytes_new_take (g_realloc (buffer->data, MAX (buffer->len, 1)), buffer->len);

  buffer->data = NULL;
  buffer->len = buffer->size = 0;
  return bytes;
}

void
_detprof_marshal_put_int (DetprofMarshalBuffer *buffer,
                          gint64                i)
{
  guint64 magnitude = i < 0 ? 0 - (guint64) i : (guint64) i;
  guint8 digits[2 * 5];
  int n = 0;

  if (i >= G_MININT32 && i <= G_MAXINT32)
    {
      _detprof_marshal_put_byte (buffer, TYPE_INT);
      _detprof_marshal_put_u32 (buffer, (guint32) (gint32) i);
      return;
    }

  /* Larger: 'l' with base-2^15 digits, least significant first. */
  while (magnitude != 0)
    {
      digits[2 * n] = magnitude & 0xff;
      digits[2 * n + 1] = (magnitude >> 8) & 0x7f;
      magnitude >>= 15;
      n++;
    }
  _detprof_marshal_put_byte (buffer, TYPE_LONG);
  _detprof_marshal_put_u32 (buffer, (guint32) (gint32) (i < 0 ? -n : n));
  _detprof_marshal_put_bytes (buffer, digits, (gsize) (2 * n));
}

void
_detprof_marshal_put_integral (DetprofMarshalBuffer *buffer,
                               double                value)
{
  /* 2^63 and beyond do not fit; nor does a NaN or an infinity, which no
   * int is: those are written as 0 rather than as undefined behaviour. */
  double magnitude = fabs (value);
  g_autoptr(GByteArray) digits = g_byte_array_new ();
  guint n = 0;

  if (value >= -9223372036854775808.0 && value < 9223372036854775808.0)
    {
      _detprof_marshal_put_int (buffer, (gint64) value);
      return;
    }
  if (!isfinite (value))
    {
      _detprof_marshal_put_int (buffer, 0);
      return;
    }

  for (; magnitude >= 1.0; magnitude = floor (magnitude / 32768.0), n++)
    {
      guint digit = (guint) fmod (magnitude, 32768.0);
      guint8 bytes[2] = { digit & 0xff, (digit >> 8) & 0x7f };

      g_byte_array_append (digits, bytes, 2);
    }
  _detprof_marshal_put_byte (buffer, TYPE_LONG);
  _detprof_marshal_put_u32 (buffer, (guint32) (gint32) (value < 0 ? -(gint32) n : (gint32) n));
  _detprof_marshal_put_bytes (buffer, digits->data, digits->len);
}

void
_detprof_marshal_put_float (DetprofMarshalBuffer *buffer,
                            double                f)
{
  guint64 bits;
  guint8 bytes[8];
  int i;

  memcpy (&bits, &f, sizeof bits);
  for (i = 0; i < 8; i++)
    bytes[i] = (bits >> (8 * i)) & 0xff;
  _detprof_marshal_put_byte (buffer, TYPE_BINARY_FLOAT);
  _detprof_marshal_put_bytes (buffer, bytes, 8);
}

static void
put_sized (DetprofMarshalBuffer *out,
           guint8                type,
           gsize                 n)
{
  /* Python cannot write more than 2^31 - 1 of anything either. */
  g_return_if_fail (n <= G_MAXINT32);

  _detprof_marshal_put_byte (out, type);
  _detprof_marshal_put_u32 (out, (guint32) n);
}

static void
put_value (DetprofMarshalBuffer      *out,
           const DetprofMarshalValue *value)
{
  gsize i;

  switch (value->type)
    {
    case DETPROF_MARSHAL_NONE:
      _detprof_marshal_put_byte (out, TYPE_NONE);
      break;
    case DETPROF_MARSHAL_BOOL:
      _detprof_marshal_put_byte (out, value->u.b ? TYPE_TRUE : TYPE_FALSE);
      break;
    case DETPROF_MARSHAL_INT:
      _detprof_marshal_put_int (out, value->u.i);
      break;
    case DETPROF_MARSHAL_FLOAT:
      _detprof_marshal_put_float (out, value->u.f);
      break;
    case DETPROF_MARSHAL_STR:
    case DETPROF_MARSHAL_BYTES:
      put_sized (out, value->type == DETPROF_MARSHAL_STR ? TYPE_UNICODE : TYPE_STRING, value->u.s.len);
      _detprof_marshal_put_bytes (out, (const guint8 *) value->u.s.data, value->u.s.len);
      break;
    case DETPROF_MARSHAL_TUPLE:
    case DETPROF_MARSHAL_LIST:
      put_sized (out, value->type == DETPROF_MARSHAL_TUPLE ? TYPE_TUPLE : TYPE_LIST, value->u.seq.n);
      for (i = 0; i < value->u.seq.n; i++)
        put_value (out, value->u.seq.items[i]);
      break;
    case DETPROF_MARSHAL_DICT:
      _detprof_marshal_put_byte (out, TYPE_DICT);
      for (i = 0; i < value->u.dict.n; i++)
        {
          put_value (out, value->u.dict.keys[i]);
          put_value (out, value->u.dict.values[i]);
        }
      _detprof_marshal_put_byte (out, TYPE_NULL);
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

void
_detprof_marshal_write (GByteArray                *out,
                        const DetprofMarshalValue *value)
{
  DetprofMarshalBuffer buffer = { NULL, 0, 0 };

  g_return_if_fail (out != NULL);
  g_return_if_fail (value != NULL);

  put_value (&buffer, value);
  g_byte_array_append (out, buffer.data, (guint) buffer.len);
  g_free (buffer.data);
}
