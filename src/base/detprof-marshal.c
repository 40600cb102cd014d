/* detprof-marshal.c: writing the marshal format of stats dumps.
 *
 * A stats dump is one object in Python's marshal format: a type byte, then
 * a payload whose shape the type decides. The writer walks a tree of
 * reference-counted DetprofMarshalValues out in the version-2 encoding,
 * which has no references and which every Python 3 reads. (Dumps are read
 * straight into the table by detprof-stats-read.c.)
 */
#include "config.h"

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
