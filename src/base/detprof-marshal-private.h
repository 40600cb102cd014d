/* detprof-marshal-private.h: the subset of Python's marshal format that
 * stats dumps use: its type codes, which every reader and writer of the
 * format shares, and the tree of values that the writer writes.
 *
 * The writer emits the reference-free version-2 subset, which every
 * Python 3 loads. The reader of dumps is detprof-stats-read.c, which
 * accepts every form Python 3.8-3.13 writes in a stats dump (references,
 * interned and short strings, small and large tuples, big integers, code
 * objects) and describes what it finds with DetprofMarshalType.
 */
#pragma once

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

/* Appends the version-2 encoding of @value to @out. Only NONE, BOOL, INT,
 * FLOAT, STR, BYTES, TUPLE, LIST and DICT can be written. */
void                 _detprof_marshal_write (GByteArray                *out,
                                             const DetprofMarshalValue *value);

G_END_DECLS
