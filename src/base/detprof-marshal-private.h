/* detprof-marshal-private.h: the subset of Python's marshal format that
 * stats dumps use: its type codes, which every reader and writer of the
 * format shares; the encoder, with which the stats writer
 * (detprof-stats-write.c) streams a table; and a tree of values, which
 * the tests write to craft dumps, in the reference-free version-2
 * encoding that every Python 3 loads. The reader of dumps is
 * detprof-stats-read.c, which accepts every form Python 3.8-3.13 writes
 * in a stats dump (references, interned and short strings, small and
 * large tuples, big integers, code objects) and describes what it finds
 * with DetprofMarshalType.
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* The type codes: the first byte of every object, named as CPython's
 * Python/marshal.c names them. Every reader and writer of the format takes
 * them from here. */
enum
{
  TYPE_NULL = '0',                  /* no object: ends a dict */
  TYPE_NONE = 'N',
  TYPE_FALSE = 'F',
  TYPE_TRUE = 'T',
  TYPE_STOPITER = 'S',
  TYPE_ELLIPSIS = '.',
  TYPE_INT = 'i',                   /* int32 */
  TYPE_INT64 = 'I',                 /* int64: no longer written, still read */
  TYPE_LONG = 'l',                  /* int32 digit count (its sign the number's), base-2^15 digits */
  TYPE_FLOAT = 'f',                 /* uint8 length, repr () text */
  TYPE_BINARY_FLOAT = 'g',          /* binary64 */
  TYPE_COMPLEX = 'x',
  TYPE_BINARY_COMPLEX = 'y',
  TYPE_STRING = 's',                /* bytes: int32 length, raw bytes */
  TYPE_INTERNED = 't',              /* str: int32 length, UTF-8 */
  TYPE_REF = 'r',                   /* int32 index into the reference table */
  TYPE_TUPLE = '(',                 /* int32 count, items */
  TYPE_SMALL_TUPLE = ')',           /* uint8 count, items */
  TYPE_LIST = '[',
  TYPE_DICT = '{',                  /* key, value, ..., then TYPE_NULL */
  TYPE_CODE = 'c',
  TYPE_UNICODE = 'u',               /* str: int32 length, UTF-8 */
  TYPE_SET = '<',
  TYPE_FROZENSET = '>',
  TYPE_ASCII = 'a',                 /* str: int32 length, ASCII (read as Latin-1) */
  TYPE_ASCII_INTERNED = 'A',
  TYPE_SHORT_ASCII = 'z',           /* str: uint8 length, ASCII (read as Latin-1) */
  TYPE_SHORT_ASCII_INTERNED = 'Z',
};

/* On a type byte: the object takes the next index of the reference table. */
#define FLAG_REF 0x80

/* How deep objects may nest, as in CPython outside Windows. */
#define MAX_MARSHAL_STACK_DEPTH 2000

/* What an object is: the type of a value of the tree, and what the reader
 * says it found where a dump holds something else. */
typedef enum
{
  DETPROF_MARSHAL_NONE,
  DETPROF_MARSHAL_BOOL,
  DETPROF_MARSHAL_INT,       /* fits in gint64 (i, I, and l when it fits) */
  DETPROF_MARSHAL_FLOAT,
  DETPROF_MARSHAL_COMPLEX,
  DETPROF_MARSHAL_STR,       /* UTF-8 text (u t a A z Z) */
  DETPROF_MARSHAL_BYTES,
  DETPROF_MARSHAL_TUPLE,
  DETPROF_MARSHAL_LIST,
  DETPROF_MARSHAL_SET,
  DETPROF_MARSHAL_FROZENSET,
  DETPROF_MARSHAL_DICT,      /* ordered (key, value) pairs */
  DETPROF_MARSHAL_CODE,      /* a code object, kept as name, file, first line */
  DETPROF_MARSHAL_ELLIPSIS,
  DETPROF_MARSHAL_STOPITER,
} DetprofMarshalType;

typedef struct _DetprofMarshalValue DetprofMarshalValue;

struct _DetprofMarshalValue
{
  DetprofMarshalType type;
  int                ref_count;   /* values are shared by back-references */
  union
  {
    gboolean b;
    gint64   i;
    double   f;
    struct { double real, imag; } c;
    struct { char *data; gsize len; } s;   /* STR (NUL-terminated UTF-8) and BYTES; owned */
    struct { DetprofMarshalValue **items; gsize n; } seq;   /* TUPLE LIST SET FROZENSET, owned refs */
    struct { DetprofMarshalValue **keys, **values; gsize n; } dict;  /* owned refs */
    struct { char *name; char *file; gint64 first_line; } code;  /* owned */
  } u;
};

DetprofMarshalValue *_detprof_marshal_value_ref (DetprofMarshalValue *value);
void                 _detprof_marshal_value_unref (DetprofMarshalValue *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DetprofMarshalValue, _detprof_marshal_value_unref)

/* Constructors for the writer side; containers take ownership of items. */
DetprofMarshalValue *_detprof_marshal_value_new_int (gint64 i);
DetprofMarshalValue *_detprof_marshal_value_new_float (double f);
DetprofMarshalValue *_detprof_marshal_value_new_str (const char *utf8);
DetprofMarshalValue *_detprof_marshal_value_new_tuple (gsize n);   /* items NULL until set */
DetprofMarshalValue *_detprof_marshal_value_new_dict (void);
void                 _detprof_marshal_dict_append (DetprofMarshalValue *dict,
                                                   DetprofMarshalValue *key,
                                                   DetprofMarshalValue *value);

/* ---- writing ----
 *
 * The encoding, an object at a time, into a buffer that grows: the stats
 * writer (detprof-stats.c) streams a table with these, and
 * _detprof_marshal_write () writes a tree of values with them. Integers
 * are little-endian, as marshal writes them on every machine. */
typedef struct
{
  guint8 *data;   /* owned */
  gsize   len;
  gsize   size;
} DetprofMarshalBuffer;

void    _detprof_marshal_buffer_grow (DetprofMarshalBuffer *buffer,
                                      gsize                 n);
/* Gives the bytes written, and leaves @buffer empty. */
GBytes *_detprof_marshal_buffer_steal (DetprofMarshalBuffer *buffer);

/* Room for @n more bytes: where the next ones go. */
static inline guint8 *
_detprof_marshal_buffer_reserve (DetprofMarshalBuffer *buffer,
                                 gsize                 n)
{
  if (G_UNLIKELY (buffer->len + n > buffer->size))
    _detprof_marshal_buffer_grow (buffer, n);
  return buffer->data + buffer->len;
}

static inline void
_detprof_marshal_put_bytes (DetprofMarshalBuffer *buffer,
                            const guint8         *bytes,
                            gsize                 n)
{
  memcpy (_detprof_marshal_buffer_reserve (buffer, n), bytes, n);
  buffer->len += n;
}

static inline void
_detprof_marshal_put_byte (DetprofMarshalBuffer *buffer,
                           guint8                byte)
{
  *_detprof_marshal_buffer_reserve (buffer, 1) = byte;
  buffer->len++;
}

static inline void
_detprof_marshal_put_u32 (DetprofMarshalBuffer *buffer,
                          guint32               u)
{
  guint8 *p = _detprof_marshal_buffer_reserve (buffer, 4);

  p[0] = u & 0xff;
  p[1] = (u >> 8) & 0xff;
  p[2] = (u >> 16) & 0xff;
  p[3] = u >> 24;
  buffer->len += 4;
}

/* An int: 'i' in int32's range, else 'l'. */
void    _detprof_marshal_put_int (DetprofMarshalBuffer *buffer,
                                  gint64                i);
/* A whole number held in a double, which may be beyond gint64 (a dump
 * may hold any int Python has): as _detprof_marshal_put_int () writes it
 * when it fits, else 'l' with as many digits as it needs. */
void    _detprof_marshal_put_integral (DetprofMarshalBuffer *buffer,
                                       double                value);
/* A float: 'g', binary64. */
void    _detprof_marshal_put_float (DetprofMarshalBuffer *buffer,
                                    double                f);

/* Appends the version-2 encoding of @value to @out. Only NONE, BOOL, INT,
 * FLOAT, STR, BYTES, TUPLE, LIST and DICT can be written. */
void                 _detprof_marshal_write (GByteArray                *out,
                                             const DetprofMarshalValue *value);

G_END_DECLS
